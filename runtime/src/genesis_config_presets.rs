//! Genesis presets: `dev` (one validator, Alice) and `local` (Alice and Bob).
//!
//! Both distribute exactly 700,000,000 ICNT through the vesting pallet's seven buckets with
//! the protocol's real amounts and schedules (§2.1), the dev accounts as beneficiaries:
//!
//! | bucket | beneficiary |
//! |---|---|
//! | Team | Charlie |
//! | Investors | Dave |
//! | DevCo | Alice |
//! | Network rewards | the rewards pool (the bucket's pool account) |
//! | Ecosystem partners | its pool, for `add_schedule` |
//! | Ecosystem development fund | Bob |
//! | Network expansion fund | [`DEV_ENDOWMENT`] to each of the twelve well-known dev accounts, the rest to the Protocol Treasury |
//!
//! Months last [`DEV_MONTH_BLOCKS`] blocks and eras [`DEV_ERA_BLOCKS`] blocks on these
//! chains, so schedules, SLA eras and unbonding can be watched running.
//!
//! Providers ([`dev_providers`]): region `EU-W` (DE, FR, NL, BE, LU, IE) with cluster
//! `FRA-1`, region `US-E` (US, CA) with cluster `NYC-1`, both storage at 1,000 ICNT
//! collateral per unit and at most 1 ICNT per unit-era; two ICN Links to each of Alice,
//! Bob, Charlie, Dave, Eve and Ferdie (Links 0–11 in that order); private endpoints allowed
//! (tests serve storage on 127.0.0.1) and a 20-block unbonding delay.
//!
//! SLA oracle ([`dev_sla`]): Alice is a HyperNode (her Link 0 staked, her own key as its
//! `icno` report key).

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use pallet_icn_vesting::{genesis::protocol_buckets, Bucket, BucketConfig};
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{
	configs::TreasuryAccount, currency::ICNT, AccountId, Balance, RuntimeGenesisConfig,
	SudoConfig, Vesting,
};

/// What each development account receives unlocked from the Network expansion fund.
pub const DEV_ENDOWMENT: Balance = 1_000_000 * ICNT;

/// Blocks per month on the `dev` and `local` chains: 10 minutes.
pub const DEV_MONTH_BLOCKS: u32 = 100;

/// Blocks per era on the `dev` and `local` chains: 1 minute.
pub const DEV_ERA_BLOCKS: u32 = 10;

/// The seven buckets of the dev/local genesis (see the module docs).
pub fn dev_buckets() -> Vec<BucketConfig<AccountId>> {
	let dev_accounts: Vec<AccountId> =
		Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect();
	let mut buckets = protocol_buckets(|bucket| match bucket {
		Bucket::Team => Sr25519Keyring::Charlie.to_account_id(),
		Bucket::Investors => Sr25519Keyring::Dave.to_account_id(),
		Bucket::DevCo => Sr25519Keyring::Alice.to_account_id(),
		Bucket::EcosystemDevelopmentFund => Sr25519Keyring::Bob.to_account_id(),
		Bucket::NetworkRewards | Bucket::EcosystemPartners => Vesting::pool_account(bucket),
		Bucket::NetworkExpansionFund => TreasuryAccount::get(),
	});
	for config in buckets.iter_mut().filter(|c| c.bucket == Bucket::NetworkExpansionFund) {
		let given = DEV_ENDOWMENT.saturating_mul(dev_accounts.len() as Balance);
		config.beneficiaries = dev_accounts.iter().cloned().map(|a| (a, DEV_ENDOWMENT)).collect();
		config.beneficiaries.push((TreasuryAccount::get(), config.amount.saturating_sub(given)));
	}
	buckets
}

/// Unbonding delay of provider exits and undelegations on the `dev` and `local` chains: two
/// eras, the slashing exposure window.
pub const DEV_UNBONDING_BLOCKS: u32 = 2 * DEV_ERA_BLOCKS;

/// The providers genesis of the dev/local chains (see the module docs).
pub fn dev_providers() -> pallet_icn_providers::GenesisConfig<crate::Runtime> {
	use pallet_icn_providers::{ClusterGenesis, ProviderParams, RegionGenesis, ResourceKind};
	use sp_runtime::Perbill;
	let region = |name: &str, countries: &[&str]| RegionGenesis {
		name: name.into(),
		countries: countries.iter().map(|c| (*c).into()).collect(),
		collateral_per_unit: 1_000 * ICNT,
		reward_weight: Perbill::one(),
	};
	let cluster = |region, name: &str| ClusterGenesis {
		region,
		name: name.into(),
		kind: ResourceKind::Storage,
		max_price: ICNT,
		latency_bound_ms: 500,
	};
	pallet_icn_providers::GenesisConfig {
		params: Some(ProviderParams {
			allow_private_endpoints: true,
			unbonding_delay: DEV_UNBONDING_BLOCKS,
			..Default::default()
		}),
		regions: vec![region("EU-W", &["DE", "FR", "NL", "BE", "LU", "IE"]), region("US-E", &["US", "CA"])],
		clusters: vec![cluster(0, "FRA-1"), cluster(1, "NYC-1")],
		links: [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
			Sr25519Keyring::Eve,
			Sr25519Keyring::Ferdie,
		]
		.iter()
		.map(|k| (k.to_account_id(), 2))
		.collect(),
	}
}

/// The SLA oracle of the dev/local chains: Alice runs a HyperNode, signing reports with her
/// own sr25519 key as its `icno` key (the node inserts `//Alice` under `icno` with `--dev`
/// or `--alice`), her Link 0 staked to it.
pub fn dev_sla() -> pallet_icn_sla::GenesisConfig<crate::Runtime> {
	let alice = Sr25519Keyring::Alice.to_account_id();
	pallet_icn_sla::GenesisConfig {
		params: None,
		hypernodes: vec![pallet_icn_sla::HyperNodeGenesis {
			owner: alice.clone(),
			signer: alice,
			location: "DE".into(),
			address: "127.0.0.1".into(),
			links: vec![0],
		}],
	}
}

/// A genesis configuration from its parts.
fn testnet_genesis(initial_authorities: Vec<(AuraId, GrandpaId)>, root: AccountId) -> Value {
	build_struct_json_patch!(RuntimeGenesisConfig {
		vesting: pallet_icn_vesting::GenesisConfig {
			buckets: dev_buckets(),
			month_blocks: DEV_MONTH_BLOCKS,
			era_blocks: DEV_ERA_BLOCKS,
		},
		aura: pallet_aura::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| (x.1.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		providers: dev_providers(),
		sla: dev_sla(),
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
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The `local` preset: Alice and Bob validate, Alice is root.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		],
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
