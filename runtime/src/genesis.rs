//! Genesis invariants of ICN Chain.
//!
//! ICNT has a fixed supply (protocol §2): a chain's genesis must create exactly
//! [`TOTAL_SUPPLY`] ICNT. The runtime's `GenesisBuilder::build_state` runs
//! [`ensure_fixed_supply`] after building the state, so a chain spec whose balances do not
//! sum to 700,000,000 ICNT fails to build with a message saying by how much it is off.

use alloc::{format, string::String};
use frame_support::traits::fungible::Inspect;

use crate::{currency::TOTAL_SUPPLY, Balance, Balances};

/// Builds the genesis state from a JSON `RuntimeGenesisConfig` (a chain spec's genesis or a
/// preset) into the current externalities, then checks the genesis invariants. This is what
/// the runtime's `GenesisBuilder::build_state` runs.
pub fn build_state(config: alloc::vec::Vec<u8>) -> Result<(), String> {
	frame_support::genesis_builder_helper::build_state::<crate::RuntimeGenesisConfig>(config)?;
	ensure_fixed_supply()
}

/// Checks that the state being built holds exactly [`TOTAL_SUPPLY`] ICNT.
pub fn ensure_fixed_supply() -> Result<(), String> {
	let issued = <Balances as Inspect<_>>::total_issuance();
	check_supply(issued)
}

/// The pure check behind [`ensure_fixed_supply`].
pub fn check_supply(issued: Balance) -> Result<(), String> {
	if issued == TOTAL_SUPPLY {
		return Ok(())
	}
	let (word, diff) = if issued > TOTAL_SUPPLY {
		("more", issued - TOTAL_SUPPLY)
	} else {
		("less", TOTAL_SUPPLY - issued)
	};
	Err(format!(
		"invalid ICNT genesis: balances sum to {issued} planck, {diff} planck {word} than the \
		 fixed supply of {TOTAL_SUPPLY} planck (700,000,000 ICNT)"
	))
}

/// The chain properties wallets read (`system_properties`): ICNT with 18 decimals and the
/// SS58 prefix of addresses.
#[cfg(feature = "std")]
pub fn chain_properties() -> serde_json::Map<String, serde_json::Value> {
	use crate::currency::{DECIMALS, SYMBOL};
	let mut properties = serde_json::Map::new();
	properties.insert("tokenSymbol".into(), SYMBOL.into());
	properties.insert("tokenDecimals".into(), DECIMALS.into());
	properties.insert("ss58Format".into(), crate::configs::SS58Prefix::get().into());
	properties
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{currency::ICNT, genesis_config_presets as presets};
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
	fn genesis_with_one_planck_too_many_fails_to_build() {
		let mut json = preset("development");
		let first = &mut json["balances"]["balances"][0][1];
		let amount: u128 = serde_json::from_value(first.clone()).unwrap();
		*first = serde_json::to_value(amount + 1).unwrap();
		let err = build(&json).unwrap_err();
		assert!(err.contains("1 planck more than the fixed supply"), "{err}");
	}

	#[test]
	fn genesis_short_of_the_supply_fails_to_build() {
		let mut json = preset("local_testnet");
		json["balances"]["balances"].as_array_mut().unwrap().pop();
		let err = build(&json).unwrap_err();
		assert!(err.contains("less than the fixed supply"), "{err}");
	}

	#[test]
	fn chain_properties_show_icnt() {
		let properties = chain_properties();
		assert_eq!(properties["tokenSymbol"], "ICNT");
		assert_eq!(properties["tokenDecimals"], 18);
		assert_eq!(properties["ss58Format"], 42);
	}
}
