//! Governance through the real runtime: referenda from preimage to enactment, treasury
//! spends, the council's slash cancellation, proxies; and, in `attacks`, the attacks on proxies,
//! the staging chain's validator set and root.

use crate::opaque::SessionKeys;
use crate::{
	configs::{accounts::ProxyType, TreasuryAccount},
	currency::ICNT,
	genesis::build_state,
	governance::{
		origins::{Origin as GovOrigin, SMALL_SPENDER_LIMIT},
		tracks,
	},
	AccountId, Balance, Balances, BlockNumber, ConvictionVoting, Council, Marketplace,
	OriginCaller, Preimage, Proxy, Referenda, Runtime, RuntimeCall, RuntimeEvent, RuntimeOrigin,
	Scheduler, Session, Sla, Staking, Sudo, System, Treasury,
};
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, Mutate},
		schedule::DispatchTime,
		Bounded, Hooks,
	},
};
use pallet_conviction_voting::{AccountVote, Conviction, Vote};
use pallet_referenda::ReferendumInfo;
use sp_core::crypto::AccountId32;
use sp_keyring::Sr25519Keyring as K;
use sp_runtime::{
	traits::{BlakeTwo256, Hash},
	DispatchError, Perbill,
};

fn ext(preset: &str) -> sp_io::TestExternalities {
	let mut ext = sp_io::TestExternalities::default();
	ext.execute_with(|| {
		build_state(serde_json::to_vec(&super::genesis::preset(preset)).unwrap())
			.expect("genesis builds");
		System::set_block_number(1);
	});
	ext.register_extension(sp_keystore::KeystoreExt::new(
		sp_keystore::testing::MemoryKeystore::new(),
	));
	ext
}

fn signed(who: &AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who.clone())
}

/// Advances to block `n`, running the scheduler's hook each block: it wakes referenda at
/// their alarms and enacts approved ones.
fn run_to(n: BlockNumber) {
	while System::block_number() < n {
		let b = System::block_number() + 1;
		System::set_block_number(b);
		Scheduler::on_initialize(b);
	}
}

fn events() -> Vec<RuntimeEvent> {
	System::events().into_iter().map(|r| r.event).collect()
}

/// Notes `call` as a preimage (paying its deposit) and submits it on the track of `origin`,
/// then places the decision deposit: `who` does both. Returns the referendum's index.
fn propose(who: &AccountId, origin: OriginCaller, call: RuntimeCall) -> u32 {
	let encoded = call.encode();
	let hash = BlakeTwo256::hash(&encoded);
	assert_ok!(Preimage::note_preimage(signed(who), encoded.clone()));
	let index = pallet_referenda::ReferendumCount::<Runtime>::get();
	assert_ok!(Referenda::submit(
		signed(who),
		Box::new(origin),
		Bounded::Lookup { hash, len: encoded.len() as u32 },
		DispatchTime::After(0),
	));
	assert_ok!(Referenda::place_decision_deposit(signed(who), index));
	index
}

fn vote(who: &AccountId, index: u32, aye: bool, conviction: Conviction) -> Balance {
	let balance = Balances::free_balance(who);
	assert_ok!(ConvictionVoting::vote(
		signed(who),
		index,
		AccountVote::Standard { vote: Vote { aye, conviction }, balance },
	));
	balance
}

fn is_approved(index: u32) -> bool {
	matches!(
		pallet_referenda::ReferendumInfoFor::<Runtime>::get(index),
		Some(ReferendumInfo::Approved(..))
	)
}

fn track_of(id: tracks::TrackId) -> pallet_referenda::TrackInfoOf<Runtime> {
	use pallet_referenda::TracksInfo as _;
	tracks::TracksInfo::info(id).expect("a track").into_owned()
}

/// A protocol-administration referendum, its whole life: the preimage is noted, the
/// referendum submitted with its deposits, voted on with conviction by vesting ICNT holders
/// (their frozen ICNT votes), it decides, confirms, and its call is enacted — the
/// marketplace's margin changes only then. The voters' ICNT stays locked after.
#[test]
fn a_referendum_changes_an_icn_parameter_through_its_whole_life() {
	ext("development").execute_with(|| {
		let (alice, charlie, dave) =
			(K::Alice.to_account_id(), K::Charlie.to_account_id(), K::Dave.to_account_id());
		let before = pallet_icn_marketplace::Margin::<Runtime>::get();
		let margin = Perbill::from_percent(7);
		assert_ne!(before, margin);
		let call = RuntimeCall::Marketplace(pallet_icn_marketplace::Call::set_margin { margin });
		// Nobody but root or the protocol-administration track may call it.
		assert_noop!(Marketplace::set_margin(signed(&alice), margin), DispatchError::BadOrigin);
		let reserved = Balances::reserved_balance(&alice);
		let hash = BlakeTwo256::hash(&call.encode());
		let index = propose(&alice, GovOrigin::ProtocolAdmin.into(), call);
		let track = track_of(tracks::PROTOCOL_ADMIN);
		let Some(ReferendumInfo::Ongoing(status)) =
			pallet_referenda::ReferendumInfoFor::<Runtime>::get(index)
		else {
			panic!("ongoing")
		};
		assert_eq!(status.track, tracks::PROTOCOL_ADMIN);
		assert_eq!(status.submission_deposit.amount, crate::governance::SubmissionDeposit::get());
		assert_eq!(status.decision_deposit.map(|d| d.amount), Some(track.decision_deposit));
		// The Team and Investors allocations vote aye; vesting (frozen) ICNT votes too.
		let voted = vote(&charlie, index, true, Conviction::Locked1x)
			+ vote(&dave, index, true, Conviction::Locked3x);
		assert!(pallet_icn_vesting::Vesting::<Runtime>::contains_key(&charlie));
		// Preparing for an hour, then deciding and confirming for three hours: nothing is
		// approved before, and nothing enacted before the enactment delay has passed too.
		let confirmed = 1 + track.prepare_period + track.confirm_period;
		run_to(confirmed - 1);
		assert!(!is_approved(index));
		run_to(confirmed + 10);
		assert!(
			is_approved(index),
			"{:?}",
			pallet_referenda::ReferendumInfoFor::<Runtime>::get(index)
		);
		assert_eq!(pallet_icn_marketplace::Margin::<Runtime>::get(), before, "not yet enacted");
		run_to(confirmed + 10 + track.min_enactment_period);
		assert_eq!(pallet_icn_marketplace::Margin::<Runtime>::get(), margin, "enacted");
		assert!(events().iter().any(|e| *e
			== RuntimeEvent::Marketplace(pallet_icn_marketplace::Event::MarginSet { margin })));
		// The deposits come back; the votes stay locked (one week × conviction).
		assert_ok!(Referenda::refund_decision_deposit(signed(&alice), index));
		assert_ok!(Referenda::refund_submission_deposit(signed(&alice), index));
		assert_ok!(Preimage::unnote_preimage(signed(&alice), hash));
		assert_eq!(Balances::reserved_balance(&alice), reserved, "every deposit returned");
		let locks = pallet_balances::Locks::<Runtime>::get(&charlie);
		assert_eq!(locks.len(), 1, "conviction voting's lock");
		assert!(voted > 300_000_000 * ICNT);
	});
}

/// A referendum voted down changes nothing: it is rejected at the end of its decision period
/// and its call is never dispatched.
#[test]
fn a_failed_referendum_changes_nothing() {
	ext("development").execute_with(|| {
		let (alice, charlie, dave) =
			(K::Alice.to_account_id(), K::Charlie.to_account_id(), K::Dave.to_account_id());
		let before = pallet_icn_marketplace::Margin::<Runtime>::get();
		let call = RuntimeCall::Marketplace(pallet_icn_marketplace::Call::set_margin {
			margin: Perbill::from_percent(40),
		});
		let index = propose(&alice, GovOrigin::ProtocolAdmin.into(), call);
		vote(&charlie, index, true, Conviction::None);
		vote(&dave, index, false, Conviction::Locked2x);
		let track = track_of(tracks::PROTOCOL_ADMIN);
		run_to(2 + track.prepare_period + track.decision_period);
		assert!(matches!(
			pallet_referenda::ReferendumInfoFor::<Runtime>::get(index),
			Some(ReferendumInfo::Rejected(..))
		));
		run_to(System::block_number() + track.min_enactment_period + 1);
		assert_eq!(pallet_icn_marketplace::Margin::<Runtime>::get(), before);
		assert!(!events().iter().any(|e| matches!(
			e,
			RuntimeEvent::Marketplace(pallet_icn_marketplace::Event::MarginSet { .. })
		)));
	});
}

/// A spend on the small-spender track: approved by referendum, claimed by anyone with
/// `treasury.payout`, paid from the Protocol Treasury account that fees and slashes go to;
/// the issuance does not change. A spend above the track's limit is refused when enacted.
#[test]
fn the_treasury_spends_by_referendum() {
	ext("development").execute_with(|| {
		let (alice, charlie, eve) =
			(K::Alice.to_account_id(), K::Charlie.to_account_id(), K::Eve.to_account_id());
		assert_eq!(Treasury::account_id(), TreasuryAccount::get(), "the same treasury account");
		// The address docs/governance.md gives.
		use sp_core::crypto::{Ss58AddressFormat, Ss58Codec};
		assert_eq!(
			TreasuryAccount::get().to_ss58check_with_version(Ss58AddressFormat::custom(
				crate::configs::SS58Prefix::get()
			)),
			"icvGEZhiSocV3bysM8Ji5TnWNXA4Tviz11JFmvXMgQuPTnPNA"
		);
		let issuance = <Balances as Inspect<_>>::total_issuance();
		let spend = |amount| {
			RuntimeCall::Treasury(pallet_treasury::Call::spend {
				asset_kind: Box::new(()),
				amount,
				beneficiary: Box::new(eve.clone()),
				valid_from: None,
			})
		};
		let ok = propose(&alice, GovOrigin::SmallSpender.into(), spend(10_000 * ICNT));
		let too_much =
			propose(&alice, GovOrigin::SmallSpender.into(), spend(SMALL_SPENDER_LIMIT + 1));
		for index in [ok, too_much] {
			vote(&charlie, index, true, Conviction::Locked1x);
		}
		let track = track_of(tracks::SMALL_SPENDER);
		run_to(12 + track.prepare_period + track.confirm_period + track.min_enactment_period);
		assert!(is_approved(ok) && is_approved(too_much));
		// The spend within the limit is approved; the other's enactment is refused.
		let approved: Vec<_> = events()
			.into_iter()
			.filter_map(|e| match e {
				RuntimeEvent::Treasury(pallet_treasury::Event::AssetSpendApproved {
					amount,
					..
				}) => Some(amount),
				_ => None,
			})
			.collect();
		assert_eq!(approved, vec![10_000 * ICNT]);
		assert!(events().iter().any(|e| matches!(
			e,
			RuntimeEvent::Scheduler(pallet_scheduler::Event::Dispatched { result: Err(e), .. })
				if *e == pallet_treasury::Error::<Runtime>::InsufficientPermission.into()
		)));
		let treasury = Balances::free_balance(TreasuryAccount::get());
		let eve_before = Balances::free_balance(&eve);
		assert_ok!(Treasury::payout(signed(&charlie), 0));
		assert_eq!(Balances::free_balance(&eve), eve_before + 10_000 * ICNT);
		assert_eq!(Balances::free_balance(TreasuryAccount::get()), treasury - 10_000 * ICNT);
		assert_eq!(<Balances as Inspect<_>>::total_issuance(), issuance);
		// The deprecated `spendLocal` (its payout could mint) is filtered for every origin
		// below root.
		use sp_runtime::traits::Dispatchable;
		let local = RuntimeCall::Treasury(pallet_treasury::Call::spend_local {
			amount: ICNT,
			beneficiary: eve.clone().into(),
		});
		assert_eq!(
			local.dispatch(GovOrigin::Treasurer.into()).map_err(|e| e.error),
			Err(frame_system::Error::<Runtime>::CallFiltered.into())
		);
		// Spending needs a spender origin: a signed account cannot.
		assert_noop!(
			Treasury::spend(signed(&alice), Box::new(()), ICNT, Box::new(eve.clone()), None),
			DispatchError::BadOrigin
		);
	});
}

/// The council cancels a deferred slash within its era: a motion passes when more than half
/// the members agree (two of three on `dev`) and is executed at once. One member alone, or any
/// signed account, cannot; once the slash is no longer pending the cancellation is refused.
/// (That the SLA oracle applies the slash at the end of the next era, after which it cannot
/// be cancelled, is `root_cancels_a_pending_slash_before_it_applies` in the SLA pallet.)
#[test]
fn the_council_cancels_a_pending_slash_in_time() {
	ext("development").execute_with(|| {
		let (alice, bob, charlie) =
			(K::Alice.to_account_id(), K::Bob.to_account_id(), K::Charlie.to_account_id());
		let (era, node): (_, pallet_icn_sla::NodeId) = (4, 0u32.into());
		pallet_icn_sla::PendingSlashes::<Runtime>::insert(era, node, Perbill::from_percent(1));
		pallet_icn_sla::PendingSlashBases::<Runtime>::insert(era, node, 1_000 * ICNT);
		let call = RuntimeCall::Sla(pallet_icn_sla::Call::cancel_slash { era, node });
		let len = call.encoded_size() as u32;
		let hash = BlakeTwo256::hash_of(&call);
		assert_noop!(Sla::cancel_slash(signed(&alice), era, node), DispatchError::BadOrigin);
		// A motion of one member executes at once, with one vote of three: not enough.
		assert_ok!(Council::propose(signed(&alice), 1, Box::new(call.clone()), len));
		assert!(events().iter().any(|e| matches!(
			e,
			RuntimeEvent::Council(pallet_collective::Event::Executed {
				result: Err(DispatchError::BadOrigin),
				..
			})
		)));
		assert!(pallet_icn_sla::PendingSlashes::<Runtime>::contains_key(era, node));
		// Two of three: Alice proposes, Alice and Bob vote aye, anyone closes it.
		assert_ok!(Council::propose(signed(&alice), 2, Box::new(call.clone()), len));
		let index =
			pallet_collective::ProposalCount::<Runtime, crate::governance::CouncilCollective>::get(
			) - 1;
		assert_ok!(Council::vote(signed(&alice), hash, index, true));
		assert_ok!(Council::vote(signed(&bob), hash, index, true));
		let weight = frame_support::dispatch::GetDispatchInfo::get_dispatch_info(&call).call_weight;
		assert_ok!(Council::close(signed(&charlie), hash, index, weight, len));
		assert!(!pallet_icn_sla::PendingSlashes::<Runtime>::contains_key(era, node));
		assert!(events()
			.iter()
			.any(|e| matches!(e, RuntimeEvent::Sla(pallet_icn_sla::Event::SlashCancelled { .. }))));
		// No longer pending: a second motion is executed and refused.
		System::reset_events();
		assert_ok!(Council::propose(signed(&alice), 2, Box::new(call.clone()), len));
		assert_ok!(Council::vote(signed(&alice), hash, index + 1, true));
		assert_ok!(Council::vote(signed(&bob), hash, index + 1, true));
		assert_ok!(Council::close(signed(&charlie), hash, index + 1, weight, len));
		assert!(events().iter().any(|e| matches!(
			e,
			RuntimeEvent::Council(pallet_collective::Event::Executed {
				result: Err(e),
				..
			}) if *e == pallet_icn_sla::Error::<Runtime>::NoPendingSlash.into()
		)));
		// The protocol-administration track may cancel too (a referendum, when time allows).
		pallet_icn_sla::PendingSlashes::<Runtime>::insert(era, node, Perbill::from_percent(1));
		assert_ok!(Sla::cancel_slash(GovOrigin::ProtocolAdmin.into(), era, node));
	});
}

/// A provider's proxy acts for the provider's account in the providers pallet only: it may
/// add collateral, and a transfer through it is filtered.
#[test]
fn a_provider_proxy_cannot_transfer() {
	ext("development").execute_with(|| {
		let (bob, ferdie) = (K::Bob.to_account_id(), K::Ferdie.to_account_id());
		assert_ok!(Proxy::add_proxy(signed(&bob), ferdie.clone().into(), ProxyType::Provider, 0));
		let transfer = RuntimeCall::Balances(pallet_balances::Call::transfer_allow_death {
			dest: ferdie.clone().into(),
			value: ICNT,
		});
		let before = Balances::free_balance(&ferdie);
		assert_ok!(Proxy::proxy(
			signed(&ferdie),
			bob.clone().into(),
			None,
			Box::new(transfer.clone())
		));
		assert!(events().iter().any(|e| matches!(
			e,
			RuntimeEvent::Proxy(pallet_proxy::Event::ProxyExecuted {
				result: Err(e),
			}) if *e == frame_system::Error::<Runtime>::CallFiltered.into()
		)));
		// Nor hidden in a batch.
		System::reset_events();
		let batch = RuntimeCall::Utility(pallet_utility::Call::batch_all { calls: vec![transfer] });
		assert_ok!(Proxy::proxy(signed(&ferdie), bob.clone().into(), None, Box::new(batch)));
		assert!(events().iter().any(|e| matches!(
			e,
			RuntimeEvent::Proxy(pallet_proxy::Event::ProxyExecuted { result: Err(e) })
				if *e == frame_system::Error::<Runtime>::CallFiltered.into()
		)));
		// Ferdie paid only fees elsewhere; Bob's ICNT did not move to Ferdie.
		assert_eq!(Balances::free_balance(&ferdie), before);
		// A call on Bob's own nodes goes through the filter (dispatched as Bob, it succeeds
		// or fails on Bob's merits); a delegation, staking on someone else's node, does not.
		let filtered = |call: RuntimeCall| {
			System::reset_events();
			assert_ok!(Proxy::proxy(signed(&ferdie), bob.clone().into(), None, Box::new(call)));
			events().iter().any(|e| {
				matches!(
					e,
					RuntimeEvent::Proxy(pallet_proxy::Event::ProxyExecuted { result: Err(e) })
						if *e == frame_system::Error::<Runtime>::CallFiltered.into()
				)
			})
		};
		assert!(!filtered(RuntimeCall::Providers(pallet_icn_providers::Call::extend_commitment {
			node: 0u32.into(),
			periods: 1,
		})));
		assert!(filtered(RuntimeCall::Providers(pallet_icn_providers::Call::delegate {
			node: 0u32.into(),
			amount: 10 * ICNT,
		})));
	});
}

/// A runtime upgrade through a root-track referendum: the referendum enacts
/// `system.authorizeUpgrade(hash)` (docs/governance.md), after which anyone may apply that exact
/// code with `system.applyAuthorizedUpgrade`. Until enactment nothing is authorized.
#[test]
fn a_root_referendum_authorizes_a_runtime_upgrade() {
	ext("development").execute_with(|| {
		let alice = K::Alice.to_account_id();
		let code_hash = BlakeTwo256::hash(b"the next runtime");
		let call = RuntimeCall::System(frame_system::Call::authorize_upgrade { code_hash });
		let index = propose(&alice, frame_system::RawOrigin::Root.into(), call);
		// The holders of the Team, Investors, DevCo and Ecosystem development allocations: more
		// than the root track's 50 % support at the start.
		for who in [K::Alice, K::Bob, K::Charlie, K::Dave] {
			vote(&who.to_account_id(), index, true, Conviction::Locked1x);
		}
		let track = track_of(tracks::ROOT);
		let confirmed = 1 + track.prepare_period + track.confirm_period;
		run_to(confirmed - 1);
		let authorized = || {
			events().into_iter().any(|e| {
				matches!(e, RuntimeEvent::System(frame_system::Event::UpgradeAuthorized {
					code_hash: h, ..
				}) if h == code_hash)
			})
		};
		assert!(!authorized());
		run_to(confirmed + 10 + track.min_enactment_period);
		assert!(is_approved(index));
		assert!(authorized(), "system.UpgradeAuthorized by the referendum");
	});
}

/// A validator's stash stays cold: a `Staking` proxy sets its session keys and validates for
/// it (docs/validator.md), and cannot transfer its ICNT.
#[test]
fn a_staking_proxy_validates_for_a_cold_stash() {
	ext("local_testnet").execute_with(|| {
		let (stash, hot) = (K::Eve.to_account_id(), K::Ferdie.to_account_id());
		assert_ok!(Staking::bond(
			signed(&stash),
			200_000 * ICNT,
			pallet_staking::RewardDestination::Stash
		));
		assert_ok!(Proxy::add_proxy(signed(&stash), hot.clone().into(), ProxyType::Staking, 0));
		let keys = SessionKeys::generate(&stash.encode(), None);
		for call in [
			RuntimeCall::Session(pallet_session::Call::set_keys {
				keys: keys.keys.clone(),
				proof: keys.proof.encode(),
			}),
			RuntimeCall::Staking(pallet_staking::Call::validate { prefs: Default::default() }),
		] {
			System::reset_events();
			assert_ok!(Proxy::proxy(signed(&hot), stash.clone().into(), None, Box::new(call)));
			assert!(events().contains(&RuntimeEvent::Proxy(pallet_proxy::Event::ProxyExecuted {
				result: Ok(())
			})));
		}
		assert!(pallet_staking::Validators::<Runtime>::contains_key(&stash));
		assert_eq!(pallet_session::NextKeys::<Runtime>::get(&stash), Some(keys.keys));
		System::reset_events();
		let transfer = RuntimeCall::Balances(pallet_balances::Call::transfer_allow_death {
			dest: hot.clone().into(),
			value: ICNT,
		});
		assert_ok!(Proxy::proxy(signed(&hot), stash.clone().into(), None, Box::new(transfer)));
		assert!(events().contains(&RuntimeEvent::Proxy(pallet_proxy::Event::ProxyExecuted {
			result: Err(frame_system::Error::<Runtime>::CallFiltered.into())
		})));
	});
}

/// Attacks on governance, proxies and the validator set, one test per attack, named after it.
mod attacks {
	use super::*;

	/// A `NonTransfer` proxy nested a `proxy.proxy`: the inner call was dispatched with the inner
	/// proxy's own rights, so Ferdie, a NonTransfer proxy of Alice, drained Bob, who had made
	/// Alice his `Any` proxy. And a multisig approval as Alice spends the multisig account.
	#[test]
	fn a_non_transfer_proxy_transfers_through_a_nested_proxy() {
		ext("development").execute_with(|| {
			let (alice, bob, charlie, ferdie) = (
				K::Alice.to_account_id(),
				K::Bob.to_account_id(),
				K::Charlie.to_account_id(),
				K::Ferdie.to_account_id(),
			);
			assert_ok!(Proxy::add_proxy(signed(&bob), alice.clone().into(), ProxyType::Any, 0));
			assert_ok!(Proxy::add_proxy(
				signed(&alice),
				ferdie.clone().into(),
				ProxyType::NonTransfer,
				0
			));
			let steal = RuntimeCall::Balances(pallet_balances::Call::transfer_allow_death {
				dest: ferdie.clone().into(),
				value: 1_000 * ICNT,
			});
			let nested = RuntimeCall::Proxy(pallet_proxy::Call::proxy {
				real: bob.clone().into(),
				force_proxy_type: None,
				call: Box::new(steal.clone()),
			});
			let multisig = RuntimeCall::Multisig(pallet_multisig::Call::as_multi_threshold_1 {
				other_signatories: vec![charlie.clone()],
				call: Box::new(steal),
			});
			let before = Balances::free_balance(&ferdie);
			for call in [nested, multisig] {
				System::reset_events();
				assert_ok!(Proxy::proxy(
					signed(&ferdie),
					alice.clone().into(),
					None,
					Box::new(call)
				));
				assert!(events().contains(&RuntimeEvent::Proxy(
					pallet_proxy::Event::ProxyExecuted {
						result: Err(frame_system::Error::<Runtime>::CallFiltered.into())
					}
				)));
			}
			assert_eq!(Balances::free_balance(&ferdie), before, "nothing reached Ferdie");
			// Managing Alice's own proxies stays allowed, within its own rights.
			assert_ok!(Proxy::proxy(
				signed(&ferdie),
				alice.clone().into(),
				None,
				Box::new(RuntimeCall::Proxy(pallet_proxy::Call::add_proxy {
					delegate: charlie.clone().into(),
					proxy_type: ProxyType::Staking,
					delay: 0,
				}))
			));
			assert!(pallet_proxy::Proxies::<Runtime>::get(&alice)
				.0
				.iter()
				.any(|p| p.delegate == charlie && p.proxy_type == ProxyType::Staking));
		});
	}

	fn attacker(i: u32) -> AccountId {
		AccountId32::from(BlakeTwo256::hash_of(&(b"attacker", i)).0)
	}

	/// Funds `who` from the Protocol Treasury's account (a test shortcut: a transfer, no mint).
	fn fund(who: &AccountId, amount: Balance) {
		assert_ok!(Balances::transfer_allow_death(
			signed(&TreasuryAccount::get()),
			who.clone().into(),
			amount
		));
	}

	fn staging_stashes() -> Vec<AccountId> {
		let mut v = Session::validators();
		v.sort();
		v
	}

	/// Rotates sessions for two staking eras: the election runs and its winners take over.
	fn next_elections() {
		for _ in 0..2 * crate::configs::SessionsPerEra::get() {
			Session::rotate_session();
		}
	}

	/// 13 stashes bonding almost nothing would all have been elected on staging (16 seats, 3
	/// genesis validators, no minimum bond) and held more than two thirds of GRANDPA's votes.
	/// Now they cannot validate below the minimum bond, and at the minimum they are not elected
	/// over the genesis validators: staging elects its genesis set's size.
	#[test]
	fn cheap_stashes_take_over_the_staging_validator_set() {
		use crate::genesis_config_presets::{STAGING_MIN_VALIDATOR_BOND, STAGING_VALIDATOR_COUNT};
		ext("staging").execute_with(|| {
			let genesis = staging_stashes();
			for i in 0..13 {
				let who = attacker(i);
				fund(&who, STAGING_MIN_VALIDATOR_BOND + 10 * ICNT);
				assert_ok!(Staking::bond(
					signed(&who),
					1_000 * ICNT,
					pallet_staking::RewardDestination::Stash
				));
				// With 1,000 ICNT the attack was cheap; now it takes the minimum bond.
				assert_noop!(
					Staking::validate(signed(&who), Default::default()),
					pallet_staking::Error::<Runtime>::InsufficientBond
				);
				assert_ok!(Staking::bond_extra(
					signed(&who),
					STAGING_MIN_VALIDATOR_BOND - 1_000 * ICNT
				));
				assert_ok!(Staking::validate(signed(&who), Default::default()));
				let keys = SessionKeys::generate(&who.encode(), None);
				assert_ok!(Session::set_keys(signed(&who), keys.keys, keys.proof.encode()));
			}
			next_elections();
			let elected = staging_stashes();
			let attackers = elected.iter().filter(|v| !genesis.contains(v)).count();
			assert_eq!(
				attackers,
				0,
				"{attackers} of {} seats taken by the attackers",
				elected.len()
			);
			assert_eq!(elected, genesis, "the genesis validators keep every seat");
			assert_eq!(genesis.len() as u32, STAGING_VALIDATOR_COUNT);
			assert_eq!(pallet_staking::ValidatorCount::<Runtime>::get(), STAGING_VALIDATOR_COUNT);
		});
	}

	/// More candidates than the election's bounds: 1,500 stashes try to validate on staging.
	/// Candidacies stop at the maximum (100), so every candidate and every self-vote fits the
	/// election's snapshot (1,000 targets, 5,000 voters) and the best-backed are elected.
	#[test]
	fn fifteen_hundred_candidates_stay_within_the_election_bounds() {
		use crate::genesis_config_presets::{
			STAGING_MAX_VALIDATOR_CANDIDATES, STAGING_MIN_VALIDATOR_BOND,
		};
		ext("staging").execute_with(|| {
			let genesis = staging_stashes();
			let mut refused = 0;
			for i in 0..1_500 {
				let who = attacker(i);
				// Minted for the test (375M ICNT: more than any free staging balance).
				assert_ok!(Balances::mint_into(&who, STAGING_MIN_VALIDATOR_BOND + ICNT));
				assert_ok!(Staking::bond(
					signed(&who),
					STAGING_MIN_VALIDATOR_BOND,
					pallet_staking::RewardDestination::Stash
				));
				match Staking::validate(signed(&who), Default::default()) {
					Ok(_) => (),
					Err(e) => {
						assert_eq!(e, pallet_staking::Error::<Runtime>::TooManyValidators.into());
						refused += 1;
					},
				}
			}
			let candidates = pallet_staking::Validators::<Runtime>::count();
			assert_eq!(candidates, STAGING_MAX_VALIDATOR_CANDIDATES);
			assert_eq!(refused, 1_500 - (STAGING_MAX_VALIDATOR_CANDIDATES - genesis.len() as u32));
			next_elections();
			assert_eq!(staging_stashes(), genesis);
		});
	}

	/// Staging has no sudo key: the former root account cannot `sudo`, and minting with
	/// `balances.forceSetBalance` needs the root origin, which only a root-track referendum
	/// reaches (the same bar as a runtime upgrade). Neither a signed account nor the
	/// protocol-administration track can.
	#[test]
	fn staging_has_no_sudo_and_nobody_below_root_can_mint() {
		ext("staging").execute_with(|| {
			assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
			let stash = pallet_staking::Validators::<Runtime>::iter_keys().next().unwrap();
			let mint = RuntimeCall::Balances(pallet_balances::Call::force_set_balance {
				who: stash.clone().into(),
				new_free: 1_000_000_000 * ICNT,
			});
			assert_noop!(
				Sudo::sudo(signed(&stash), Box::new(mint.clone())),
				pallet_sudo::Error::<Runtime>::RequireSudo
			);
			use sp_runtime::traits::Dispatchable;
			let admin: RuntimeOrigin = GovOrigin::ProtocolAdmin.into();
			assert_eq!(
				mint.clone().dispatch(admin.clone()).map_err(|e| e.error),
				Err(DispatchError::BadOrigin)
			);
			// Nor can it change the validator set's size or slash a validator: root only.
			assert_noop!(Staking::set_validator_count(admin.clone(), 16), DispatchError::BadOrigin);
			assert_noop!(
				Staking::manual_slash(admin, stash.clone(), 0, Perbill::from_percent(100)),
				DispatchError::BadOrigin
			);
			assert_eq!(
				mint.dispatch(signed(&stash)).map_err(|e| e.error),
				Err(DispatchError::BadOrigin)
			);
		});
	}
}
