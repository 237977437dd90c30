//! Genesis invariants of ICN Chain.
//!
//! ICNT has a fixed supply (protocol §2): a chain's genesis must create exactly
//! [`TOTAL_SUPPLY`] ICNT, distributed by the vesting pallet's seven buckets. The runtime's
//! `GenesisBuilder::build_state` first validates the buckets (each once, beneficiaries
//! summing to the bucket, valid schedules, 700M in all), builds the state, then runs
//! [`ensure_fixed_supply`]: a chain spec that breaks any of these fails to build with a
//! message saying what is wrong, never with a trap.

use alloc::{format, string::String};
use frame_support::traits::fungible::Inspect;

use crate::{currency::TOTAL_SUPPLY, Balance, Balances};

/// Builds the genesis state from a JSON `RuntimeGenesisConfig` (a chain spec's genesis or a
/// preset) into the current externalities, then checks the genesis invariants. This is what
/// the runtime's `GenesisBuilder::build_state` runs.
pub fn build_state(config: alloc::vec::Vec<u8>) -> Result<(), String> {
	use frame_support::traits::{BuildGenesisConfig, Get};
	let config: crate::RuntimeGenesisConfig =
		serde_json::from_slice(&config).map_err(|e| format!("Invalid JSON blob: {e}"))?;
	// The vesting buckets are checked before anything is built, so a malformed distribution
	// is reported as an error rather than a trap.
	pallet_icn_vesting::genesis::validate(
		&config.vesting.buckets,
		<crate::Runtime as pallet_icn_vesting::Config>::MaxSchedules::get(),
	)
	.map_err(|e| format!("invalid ICNT genesis: {e}"))?;
	config.build();
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
		return Ok(());
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

/// Makes this process (the node, or the runtime's WASM instance) read and write addresses
/// with ICN's SS58 prefix: `sp-core` accepts a prefix the SS58 registry does not list only
/// when it is the process's default. The node calls it at start; the runtime calls it before
/// it parses or prints genesis JSON (`build_state`, `get_preset`) and in its off-chain worker,
/// whose log lines name accounts.
pub fn use_icn_addresses() {
	sp_core::crypto::set_default_ss58_version(sp_core::crypto::Ss58AddressFormat::custom(
		crate::configs::SS58Prefix::get(),
	));
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
