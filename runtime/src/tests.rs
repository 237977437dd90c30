//! Runtime unit tests.

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
			(Value::Object(base), Value::Object(patch)) =>
				for (key, value) in patch {
					merge(base.entry(key).or_insert(Value::Null), value);
				},
			(base, patch) => *base = patch,
		}
	}

	/// The full genesis config of a preset: the default config with the preset's patch.
	fn preset(id: &str) -> Value {
		let patch = presets::get_preset(&id.into()).expect("preset exists");
		let mut config = serde_json::to_value(crate::RuntimeGenesisConfig::default()).unwrap();
		merge(&mut config, serde_json::from_slice(&patch).unwrap());
		config
	}

	#[test]
	fn dev_and_local_genesis_issue_exactly_700m_icnt() {
		for id in ["development", "local_testnet"] {
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
		assert_eq!(names, ["development", "local_testnet"]);
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
			use frame_support::traits::{fungible::Inspect as _, tokens::{Fortitude, Preservation}};
			for k in sp_keyring::Sr25519Keyring::well_known() {
				let free = Balances::reducible_balance(&k.to_account_id(), Preservation::Preserve, Fortitude::Polite);
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
		assert_eq!(properties["ss58Format"], 42);
	}
}
