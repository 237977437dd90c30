//! Genesis presets: `dev` (one validator, Alice) and `local` (Alice and Bob).
//!
//! Both create exactly 700,000,000 ICNT (protocol §2): every dev account is endowed with
//! [`DEV_ENDOWMENT`] and the Protocol Treasury holds the remainder. The ICNT distribution
//! buckets and their vesting schedules (protocol §2.1) replace this split when the vesting
//! pallet lands.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{
	configs::TreasuryAccount,
	currency::{ICNT, TOTAL_SUPPLY},
	AccountId, Balance, BalancesConfig, RuntimeGenesisConfig, SudoConfig,
};

/// What each development account starts with: 1,000,000 ICNT.
pub const DEV_ENDOWMENT: Balance = 1_000_000 * ICNT;

/// The genesis balances: `endowed` accounts get [`DEV_ENDOWMENT`] each, the Protocol
/// Treasury the rest of the fixed supply.
pub fn genesis_balances(endowed: &[AccountId]) -> Vec<(AccountId, Balance)> {
	let given = DEV_ENDOWMENT.saturating_mul(endowed.len() as Balance);
	let mut balances: Vec<_> = endowed.iter().cloned().map(|a| (a, DEV_ENDOWMENT)).collect();
	balances.push((TreasuryAccount::get(), TOTAL_SUPPLY.saturating_sub(given)));
	balances
}

/// A genesis configuration from its parts.
fn testnet_genesis(
	initial_authorities: Vec<(AuraId, GrandpaId)>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances: genesis_balances(&endowed_accounts) },
		aura: pallet_aura::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| (x.1.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
	})
}

/// A dev validator's session keys: its sr25519 key for Aura, its ed25519 key for GRANDPA.
fn authority(aura: Sr25519Keyring, grandpa: Ed25519Keyring) -> (AuraId, GrandpaId) {
	(aura.public().into(), grandpa.public().into())
}

/// The `dev` preset: Alice alone validates and is root.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The `local` preset: Alice and Bob validate, Alice is root.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice), authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob)],
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The JSON of the preset `id`, if it exists. `dev` and `local` are accepted as short
/// names of `development` and `local_testnet`.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let name: &[u8] = id.as_ref();
	let patch = match name {
		b"development" | b"dev" => development_config_genesis(),
		b"local_testnet" | b"local" => local_config_genesis(),
		_ => return None,
	};
	serde_json::to_string(&patch).ok().map(|json| json.into_bytes())
}

/// The names of the available presets.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
