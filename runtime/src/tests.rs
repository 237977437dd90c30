//! Runtime unit tests.

mod governance;

/// Genesis: the fixed supply, the presets, the chain properties.
mod genesis {
	use crate::{
		currency::{ICNT, TOTAL_SUPPLY},
		genesis::{build_state, chain_properties},
		genesis_config_presets as presets, Balance, Balances,
	};
	use frame_support::traits::fungible::Inspect;
	use serde_json::Value;

	fn build(json: &Value) -> Result<Balance, String> {
		sp_io::TestExternalities::default().execute_with(|| {
			build_state(serde_json::to_vec(json).unwrap())?;
			Ok(<Balances as Inspect<_>>::total_issuance())
		})
	}

	/// Applies a JSON patch as the node does (objects merged key by key, the rest replaced).
	fn merge(base: &mut Value, patch: Value) {
		match (base, patch) {
			(Value::Object(base), Value::Object(patch)) => {
				for (key, value) in patch {
					merge(base.entry(key).or_insert(Value::Null), value);
				}
			},
			(base, patch) => *base = patch,
		}
	}

	/// The full genesis config of a preset: the default config with the preset's patch.
	pub(super) fn preset(id: &str) -> Value {
		let patch = presets::get_preset(&id.into()).expect("preset exists");
		let mut config = serde_json::to_value(crate::RuntimeGenesisConfig::default()).unwrap();
		merge(&mut config, serde_json::from_slice(&patch).unwrap());
		config
	}

	#[test]
	fn dev_local_and_staging_genesis_issue_exactly_700m_icnt() {
		for id in ["development", "local_testnet", "staging"] {
			assert_eq!(build(&preset(id)), Ok(TOTAL_SUPPLY), "preset {id}");
			assert_eq!(TOTAL_SUPPLY, 700_000_000 * ICNT);
		}
	}

	#[test]
	fn presets_are_listed() {
		let names: Vec<String> = presets::preset_names()
			.into_iter()
			.map(|id| {
				let bytes: &[u8] = id.as_ref();
				String::from_utf8(bytes.to_vec()).unwrap()
			})
			.collect();
		assert_eq!(names, ["development", "local_testnet", "staging"]);
	}

	#[test]
	fn every_preset_funds_the_delegators_pot_with_the_existential_deposit() {
		// Delegators' rewards wait in the pot; without its existential deposit a reward
		// below it could not be paid in, and the last claim could not leave it empty.
		for id in ["development", "local_testnet", "staging"] {
			sp_io::TestExternalities::default().execute_with(|| {
				build_state(serde_json::to_vec(&preset(id)).unwrap()).expect("genesis builds");
				let pot = pallet_icn_providers::Pallet::<crate::Runtime>::pot();
				assert_eq!(
					<Balances as Inspect<_>>::balance(&pot),
					crate::currency::EXISTENTIAL_DEPOSIT,
					"{id}"
				);
			});
		}
	}

	#[test]
	fn genesis_with_more_than_700m_fails_to_build() {
		// An extra plain balance (the existential deposit) on top of the 700M the buckets
		// distribute.
		let mut json = preset("development");
		let alice = sp_keyring::Sr25519Keyring::Alice.to_account_id().to_string();
		let ed = crate::currency::EXISTENTIAL_DEPOSIT;
		json["balances"]["balances"] = serde_json::json!([[alice, ed]]);
		let err = build(&json).unwrap_err();
		assert!(err.contains(&format!("{ed} planck more than the fixed supply")), "{err}");
	}

	#[test]
	fn a_bucket_whose_beneficiaries_fall_short_fails_to_build() {
		let mut json = preset("local_testnet");
		json["vesting"]["buckets"][6]["beneficiaries"].as_array_mut().unwrap().pop();
		let err = build(&json).unwrap_err();
		assert!(err.contains("NetworkExpansionFund: beneficiaries sum to"), "{err}");
	}

	#[test]
	fn buckets_not_summing_to_700m_fail_to_build() {
		let mut json = preset("development");
		let team = &mut json["vesting"]["buckets"][0];
		assert_eq!(team["bucket"], "Team");
		let amount: u128 = serde_json::from_value(team["amount"].clone()).unwrap();
		team["amount"] = serde_json::to_value(amount - 1).unwrap();
		team["beneficiaries"][0][1] = serde_json::to_value(amount - 1).unwrap();
		let err = build(&json).unwrap_err();
		assert!(err.contains("the buckets sum to"), "{err}");
	}

	#[test]
	fn a_malformed_schedule_fails_to_build() {
		let mut json = preset("development");
		json["vesting"]["buckets"][1]["schedule"]["durationMonths"] = serde_json::json!(0);
		let err = build(&json).unwrap_err();
		assert!(err.contains("Investors has a malformed schedule"), "{err}");
	}

	#[test]
	fn dev_accounts_can_pay_fees_and_pools_hold_their_buckets() {
		sp_io::TestExternalities::default().execute_with(|| {
			build_state(serde_json::to_vec(&preset("development")).unwrap()).unwrap();
			use frame_support::traits::{
				fungible::Inspect as _,
				tokens::{Fortitude, Preservation},
			};
			for k in sp_keyring::Sr25519Keyring::well_known() {
				let free = Balances::reducible_balance(
					&k.to_account_id(),
					Preservation::Preserve,
					Fortitude::Polite,
				);
				assert!(
					free >= presets::DEV_ENDOWMENT - crate::currency::EXISTENTIAL_DEPOSIT,
					"{k:?} has {free}"
				);
			}
			let rewards = crate::Vesting::pool_account(pallet_icn_vesting::Bucket::NetworkRewards);
			assert_eq!(Balances::balance(&rewards), 140_000_000 * ICNT);
			assert_eq!(crate::Vesting::vesting_info(&rewards).locked, 119_000_000 * ICNT);
		});
	}

	#[test]
	fn chain_properties_show_icnt() {
		let properties = chain_properties();
		assert_eq!(properties["tokenSymbol"], "ICNT");
		assert_eq!(properties["tokenDecimals"], 18);
		assert_eq!(properties["ss58Format"], 122);
	}

	/// Prefix 122 is ICN's own: no network in the SS58 registry that `sp-core` carries has it
	/// (this fails when a registry update assigns it), and ICN addresses start with `ic`.
	#[test]
	fn icn_addresses_have_a_prefix_of_their_own() {
		use sp_core::crypto::{Ss58AddressFormat, Ss58Codec};
		let format = Ss58AddressFormat::custom(crate::configs::SS58Prefix::get());
		assert!(format.is_custom(), "prefix 122 is registered to another network: {format:?}");
		let alice = sp_keyring::Sr25519Keyring::Alice.to_account_id();
		let address = alice.to_ss58check_with_version(format);
		assert_eq!(address, "icxazKdrzaE8Ysg8yZXr1zg8e9GgBgPfjooWM4y1chTC8WmZ8");
		// Every account, not only Alice's: the first and last possible keys.
		for key in [[0u8; 32], [0xff; 32]] {
			let a = crate::AccountId::from(key).to_ss58check_with_version(format);
			assert!(a.starts_with("ic"), "{a}");
		}
		// The node and the runtime set it as the default, so ICN addresses decode.
		crate::genesis::use_icn_addresses();
		assert_eq!(crate::AccountId::from_ss58check(&address).ok(), Some(alice));
	}
}

/// Validators (protocol §7): the genesis election, joining by bonding and session keys, and
/// GRANDPA equivocations reported as offences that Staking slashes.
mod validators {
	use crate::{
		configs::SessionsPerEra, currency::ICNT, genesis::build_state,
		genesis_config_presets::DEV_VALIDATOR_BOND, opaque::SessionKeys, AccountId, Balances,
		Grandpa, Historical, Runtime, RuntimeOrigin, Session, Staking, System,
	};
	use codec::Encode;
	use frame_support::{assert_ok, traits::fungible::InspectHold};
	use sp_consensus_aura::sr25519::AuthorityId as AuraId;
	use sp_consensus_grandpa::AuthorityId as GrandpaId;
	use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
	use sp_keystore::{testing::MemoryKeystore, KeystoreExt};

	const LOCAL: [(Sr25519Keyring, Ed25519Keyring); 4] = [
		(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
		(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
		(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
	];

	/// The `local` preset's genesis, with a keystore for generating session keys.
	fn local() -> sp_io::TestExternalities {
		let mut ext = sp_io::TestExternalities::default();
		ext.execute_with(|| {
			build_state(serde_json::to_vec(&super::genesis::preset("local_testnet")).unwrap())
				.expect("local genesis builds");
			System::set_block_number(1);
		});
		ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
		ext
	}

	fn sorted(mut v: Vec<AccountId>) -> Vec<AccountId> {
		v.sort();
		v
	}

	#[test]
	fn the_local_genesis_elects_its_four_validators_with_their_keys() {
		local().execute_with(|| {
			let stashes: Vec<AccountId> = LOCAL.iter().map(|(sr, _)| sr.to_account_id()).collect();
			assert_eq!(sorted(Session::validators()), sorted(stashes.clone()));
			assert_eq!(pallet_staking::CurrentEra::<Runtime>::get(), Some(0));
			let aura: Vec<AuraId> = pallet_aura::Authorities::<Runtime>::get().into_inner();
			let grandpa: Vec<GrandpaId> =
				Grandpa::grandpa_authorities().into_iter().map(|(id, _)| id).collect();
			for (sr, ed) in LOCAL {
				assert!(aura.contains(&sr.public().into()), "{sr:?} authors");
				assert!(grandpa.contains(&ed.public().into()), "{ed:?} finalizes");
				let stash = sr.to_account_id();
				let held =
					Balances::balance_on_hold(&pallet_staking::HoldReason::Staking.into(), &stash);
				assert_eq!(held, DEV_VALIDATOR_BOND, "bonded as a hold");
				// The election counts stake as u64 votes (`U128CurrencyToVote`): the exposure is
				// the bond to within a millionth.
				let exposed = pallet_staking::ErasStakersOverview::<Runtime>::get(0, &stash)
					.expect("exposed in era 0")
					.total;
				assert!(
					exposed <= DEV_VALIDATOR_BOND
						&& DEV_VALIDATOR_BOND - exposed < DEV_VALIDATOR_BOND / 1_000_000,
					"{exposed}"
				);
			}
		});
	}

	#[test]
	fn a_validator_joins_by_bonding_setting_keys_and_validating_and_is_elected_next_era() {
		local().execute_with(|| {
			let eve = Sr25519Keyring::Eve.to_account_id();
			let keys = SessionKeys::generate(&eve.encode(), None);
			assert_ok!(Staking::bond(
				RuntimeOrigin::signed(eve.clone()),
				200_000 * ICNT,
				pallet_staking::RewardDestination::Stash
			));
			assert_ok!(Staking::validate(RuntimeOrigin::signed(eve.clone()), Default::default()));
			assert_ok!(Session::set_keys(
				RuntimeOrigin::signed(eve.clone()),
				keys.keys.clone(),
				keys.proof.encode()
			));
			// A proof made for another account is refused.
			let bob_keys =
				SessionKeys::generate(&Sr25519Keyring::Bob.to_account_id().encode(), None);
			assert!(Session::set_keys(
				RuntimeOrigin::signed(eve.clone()),
				bob_keys.keys,
				bob_keys.proof.encode()
			)
			.is_err());
			assert!(!Session::validators().contains(&eve));
			// Two staking eras of sessions: elected at the era's end, active the session after.
			for _ in 0..2 * SessionsPerEra::get() {
				Session::rotate_session();
			}
			assert!(pallet_staking::CurrentEra::<Runtime>::get() >= Some(1));
			assert!(
				Session::validators().contains(&eve),
				"Eve elected: {:?}",
				Session::validators()
			);
			assert_eq!(Session::validators().len(), 5);
			let aura: Vec<AuraId> = pallet_aura::Authorities::<Runtime>::get().into_inner();
			assert!(aura.contains(&keys.keys.aura), "Eve's Aura key authors");
			// The keys rotate: new keys are queued and active after the next session.
			let new_keys = SessionKeys::generate(&eve.encode(), None);
			assert_ok!(Session::set_keys(
				RuntimeOrigin::signed(eve.clone()),
				new_keys.keys.clone(),
				new_keys.proof.encode()
			));
			Session::rotate_session();
			Session::rotate_session();
			let aura: Vec<AuraId> = pallet_aura::Authorities::<Runtime>::get().into_inner();
			assert!(
				aura.contains(&new_keys.keys.aura) && !aura.contains(&keys.keys.aura),
				"rotated"
			);
		});
	}

	/// A GRANDPA prevote equivocation of `who` in round 1 of `set_id`, the votes signed by
	/// `signer` (`who` for a real one).
	fn equivocation(
		set_id: u64,
		who: Ed25519Keyring,
		signer: Ed25519Keyring,
	) -> sp_consensus_grandpa::EquivocationProof<crate::Hash, u32> {
		let vote = |hash: crate::Hash| {
			let prevote = finality_grandpa::Prevote { target_hash: hash, target_number: 1u32 };
			let payload = sp_consensus_grandpa::localized_payload(
				1,
				set_id,
				&finality_grandpa::Message::Prevote(prevote.clone()),
			);
			(prevote, signer.sign(&payload).into())
		};
		sp_consensus_grandpa::EquivocationProof::new(
			set_id,
			sp_consensus_grandpa::Equivocation::Prevote(finality_grandpa::Equivocation {
				round_number: 1,
				identity: who.public().into(),
				first: vote(crate::Hash::repeat_byte(1)),
				second: vote(crate::Hash::repeat_byte(2)),
			}),
		)
	}

	#[test]
	fn a_grandpa_equivocation_is_reported_as_an_offence_and_slashed_after_the_deferral() {
		local().execute_with(|| {
			use frame_support::traits::KeyOwnerProofSystem;
			// A session later, so the historical session holds the validator set.
			Session::rotate_session();
			let bob = Ed25519Keyring::Bob;
			let set_id = Grandpa::current_set_id();
			let key_owner_proof =
				Historical::prove((sp_consensus_grandpa::KEY_TYPE, GrandpaId::from(bob.public())))
					.expect("Bob's key is in the set");
			// A forged proof (signed by someone else) is refused.
			let forged = equivocation(set_id, bob, Ed25519Keyring::Eve);
			assert!(Grandpa::report_equivocation_unsigned(
				RuntimeOrigin::none(),
				Box::new(forged),
				key_owner_proof.clone()
			)
			.is_err());
			assert_ok!(Grandpa::report_equivocation_unsigned(
				RuntimeOrigin::none(),
				Box::new(equivocation(set_id, bob, bob)),
				key_owner_proof
			));
			assert_eq!(pallet_offences::Reports::<Runtime>::iter().count(), 1);
			let stash = Sr25519Keyring::Bob.to_account_id();
			let era = pallet_staking::ActiveEra::<Runtime>::get().unwrap().index;
			assert!(
				pallet_staking::ValidatorSlashInEra::<Runtime>::get(era, &stash).is_some(),
				"slash recorded"
			);
			// Deferred: nothing taken yet; root could cancel it in the meantime.
			let held =
				|| Balances::balance_on_hold(&pallet_staking::HoldReason::Staking.into(), &stash);
			assert_eq!(held(), DEV_VALIDATOR_BOND);
			assert!(System::events().iter().any(|r| matches!(
				r.event,
				crate::RuntimeEvent::Offences(pallet_offences::Event::Offence { .. })
			)));
		});
	}
}

mod weights {
	use crate::{configs::RuntimeBlockWeights, weights};
	use frame_support::{dispatch::DispatchClass, traits::Get, weights::Weight};

	#[test]
	fn block_weights_are_valid_and_use_the_measured_overheads() {
		let w = RuntimeBlockWeights::get();
		assert!(w.clone().validate().is_ok());
		assert_eq!(w.base_block, weights::block_weights::BlockExecutionWeight::get());
		for class in [DispatchClass::Normal, DispatchClass::Operational, DispatchClass::Mandatory] {
			assert_eq!(
				w.get(class).base_extrinsic,
				weights::extrinsic_weights::ExtrinsicBaseWeight::get()
			);
		}
		// Two seconds per block, three quarters for normal transactions.
		assert_eq!(w.max_block.ref_time(), 2_000_000_000_000);
		assert_eq!(
			w.get(DispatchClass::Normal).max_total.map(|m| m.ref_time()),
			Some(1_500_000_000_000)
		);
	}
	#[test]
	fn every_aggregation_step_fits_the_per_block_budget() {
		// A step larger than the budget would never run: aggregation would stop for good.
		use pallet_icn_sla::WeightInfo as _;
		type W = <crate::Runtime as pallet_icn_sla::Config>::WeightInfo;
		let budget = crate::configs::AggregationWeightPerBlock::get();
		// With `MaxHyperNodes` HyperNodes (4,096): an era's pruning removes its pages (256
		// HyperNodes each, oracles and accuracy) and three entries. (Before the snapshot was
		// paged, it removed two entries per HyperNode, and the era's end checked every
		// HyperNode in one step: at 2,000 HyperNodes, about 465 ms, over the whole budget.)
		let max_hypernodes: u32 = <crate::Runtime as pallet_icn_sla::Config>::MaxHyperNodes::get();
		let pages = u64::from(max_hypernodes.div_ceil(pallet_icn_sla::ORACLE_PAGE));
		let db = <crate::Runtime as frame_system::Config>::DbWeight::get();
		let late_prune = db.writes(2 * pages + 3);
		// Five accuracy pages: a node's five oracles on five pages, each read and written.
		let accuracy_pages = db.reads_writes(5, 5);
		let steps: [(&str, Weight); 7] = [
			(
				"first node of a cluster",
				W::aggregate_nodes(1)
					.saturating_add(W::measure_cluster())
					.saturating_add(accuracy_pages),
			),
			(
				"snapshot: the first HyperNode (and a page)",
				W::snapshot_oracles(1).saturating_add(db.writes(1)),
			),
			("one slash", pallet_icn_sla::Pallet::<crate::Runtime>::slash_step_weight()),
			("budget", W::era_budget()),
			("node reward (its delegators paid as one pool)", W::reward_nodes(1)),
			("HyperNode settled (reward, accuracy, removal)", W::reward_hypernode()),
			("late era end", W::finalize_era().saturating_add(late_prune)),
		];
		for (step, weight) in steps {
			assert!(
				weight.all_lte(budget / 4),
				"{step}: {weight:?} is over a quarter of the budget {budget:?}"
			);
		}
	}

	/// An idle block (no snapshot to copy, nothing to aggregate or prune) still reads where
	/// the SLA pallet's `on_poll` work stands: the copy's cursor, the current era and the
	/// aggregation step, the last era finalized, the failure pruning and its settlement. The
	/// hook is charged for all six reads (the aggregation's two were not).
	#[test]
	fn an_idle_block_charges_the_sla_hooks_for_their_reads() {
		use crate::{genesis::build_state, Sla, System};
		use frame_support::{traits::Hooks, weights::WeightMeter};
		sp_io::TestExternalities::default().execute_with(|| {
			build_state(serde_json::to_vec(&super::genesis::preset("development")).unwrap())
				.unwrap();
			for n in 1..=2u32 {
				System::set_block_number(n);
				Sla::on_initialize(n);
				Sla::on_poll(n, &mut WeightMeter::new());
			}
			System::set_block_number(3);
			Sla::on_initialize(3);
			let mut meter = WeightMeter::new();
			Sla::on_poll(3, &mut meter);
			let db = <crate::Runtime as frame_system::Config>::DbWeight::get();
			assert_eq!(meter.consumed(), db.reads(6));
		});
	}
}

/// Attacks on the runtime's economics, one test per attack, named after it.
mod attacks {
	use crate::{
		currency::{ICNT, TOTAL_SUPPLY},
		genesis::build_state,
		Balances, RuntimeCall, RuntimeOrigin,
	};
	use frame_support::traits::fungible::Inspect;
	use sp_runtime::traits::Dispatchable;

	/// Anyone could lower ICNT's issuance with `balances.burn`, outside the vesting pallet's
	/// `Burned` record: the fixed-supply invariant then failed forever (and with it every
	/// try-runtime-checked upgrade). The call is filtered for every signed origin now.
	#[test]
	fn burning_icnt_breaks_the_fixed_supply_invariant() {
		sp_io::TestExternalities::default().execute_with(|| {
			build_state(serde_json::to_vec(&super::genesis::preset("development")).unwrap())
				.unwrap();
			let alice = sp_keyring::Sr25519Keyring::Alice.to_account_id();
			for keep_alive in [true, false] {
				let burn =
					RuntimeCall::Balances(pallet_balances::Call::burn { value: ICNT, keep_alive });
				let result = burn.dispatch(RuntimeOrigin::signed(alice.clone()));
				assert_eq!(
					result.map_err(|e| e.error),
					Err(frame_system::Error::<crate::Runtime>::CallFiltered.into())
				);
			}
			// The invariant `try_state` checks: issuance + recorded burns = the fixed supply.
			let burned = pallet_icn_vesting::Burned::<crate::Runtime>::get();
			assert_eq!(<Balances as Inspect<_>>::total_issuance() + burned, TOTAL_SUPPLY);
			assert_eq!(burned, 0);
		});
	}

	/// Root lengthening eras (10 → 20 blocks on `dev`) turned the era index back
	/// (`block / era_blocks`), ended sessions off the era boundaries (`PeriodicSessions`
	/// divided by the new length from genesis) and left the unbonding delay (4 eras of 10
	/// blocks) shorter than the slashing exposure. Through the real runtime now: the change
	/// is refused while unbonding would not span four eras, and once allowed it applies from
	/// the next era, with sessions, the SLA oracle and the marketplace on one clock.
	#[test]
	fn a_longer_era_turns_time_back() {
		use crate::{configs::EraSessions, Marketplace, Providers, Sla, System, Vesting};
		use frame_support::{assert_noop, assert_ok};
		use pallet_session::ShouldEndSession;
		sp_io::TestExternalities::default().execute_with(|| {
			build_state(serde_json::to_vec(&super::genesis::preset("development")).unwrap())
				.unwrap();
			System::set_block_number(25);
			assert_eq!(Sla::era_of(25), 2);
			assert_noop!(
				Vesting::set_era_blocks(RuntimeOrigin::root(), 20),
				pallet_icn_providers::Error::<crate::Runtime>::UnbondingTooShort
			);
			let mut params = pallet_icn_providers::Params::<crate::Runtime>::get();
			params.unbonding_delay = 4 * 20;
			assert_ok!(Providers::set_params(RuntimeOrigin::root(), params));
			assert_ok!(Vesting::set_era_blocks(RuntimeOrigin::root(), 20));
			// Era 2 ends at block 29 as announced; era 3 is blocks 30–49, era 4 from 50.
			for (block, era, session_ends) in [
				(25, 2, false),
				(29, 2, false),
				(30, 3, true),
				(40, 3, false),
				(49, 3, false),
				(50, 4, true),
				(70, 5, true),
			] {
				assert_eq!(Sla::era_of(block), era, "block {block}");
				assert_eq!(EraSessions::should_end_session(block), session_ends, "block {block}");
			}
			assert_eq!(Marketplace::era_start_block(4), 50);
		});
	}
}
