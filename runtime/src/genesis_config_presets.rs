//! Genesis presets: `dev` (one validator, Alice), `local` (Alice, Bob, Charlie and Dave) and
//! `staging` (three validators of their own, production lengths; see [`staging_config_genesis`]).
//!
//! `dev` and `local` distribute exactly 700,000,000 ICNT through the vesting pallet's seven buckets with
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
//! (tests serve storage on 127.0.0.1) and a 40-block (four-era) unbonding delay.
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
	configs::TreasuryAccount, currency::ICNT, opaque::SessionKeys, AccountId, Balance,
	RuntimeGenesisConfig, SudoConfig, Vesting,
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
		config
			.beneficiaries
			.push((TreasuryAccount::get(), config.amount.saturating_sub(given)));
	}
	buckets
}

/// Unbonding delay of provider exits and undelegations on the `dev` and `local` chains: the
/// shortest the slashing exposure allows (`MIN_UNBONDING_ERAS`, four eras).
pub const DEV_UNBONDING_BLOCKS: u32 = pallet_icn_providers::MIN_UNBONDING_ERAS * DEV_ERA_BLOCKS;

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
			// Test audit objects are small.
			audit_bytes_per_unit: 0,
			..Default::default()
		}),
		regions: vec![
			region("EU-W", &["DE", "FR", "NL", "BE", "LU", "IE"]),
			region("US-E", &["US", "CA"]),
		],
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

/// What each dev/local genesis validator bonds (out of its [`DEV_ENDOWMENT`]).
pub const DEV_VALIDATOR_BOND: Balance = 100_000 * ICNT;

/// A genesis validator: its stash account (also its validator id) and session keys.
pub type GenesisValidator = (AccountId, AuraId, GrandpaId);

/// Session keys and staking of `validators`, each bonding `bond`; at most `validator_count`
/// are elected.
fn validators_genesis(
	validators: &[GenesisValidator],
	bond: Balance,
	validator_count: u32,
) -> (pallet_session::GenesisConfig<crate::Runtime>, pallet_staking::GenesisConfig<crate::Runtime>)
{
	let session = pallet_session::GenesisConfig {
		keys: validators
			.iter()
			.map(|(stash, aura, grandpa)| {
				(
					stash.clone(),
					stash.clone(),
					SessionKeys { aura: aura.clone(), grandpa: grandpa.clone() },
				)
			})
			.collect(),
		..Default::default()
	};
	let staking = pallet_staking::GenesisConfig {
		validator_count,
		minimum_validator_count: 1,
		stakers: validators
			.iter()
			.map(|(stash, ..)| {
				(stash.clone(), stash.clone(), bond, pallet_staking::StakerStatus::Validator)
			})
			.collect(),
		..Default::default()
	};
	(session, staking)
}

/// A dev/local genesis: the dev buckets, providers and SLA oracle, `validators` bonding
/// [`DEV_VALIDATOR_BOND`] each. Aura and GRANDPA authorities come from the session keys.
fn testnet_genesis(
	validators: Vec<GenesisValidator>,
	validator_count: u32,
	root: AccountId,
) -> Value {
	let (session, staking) = validators_genesis(&validators, DEV_VALIDATOR_BOND, validator_count);
	build_struct_json_patch!(RuntimeGenesisConfig {
		vesting: pallet_icn_vesting::GenesisConfig {
			buckets: dev_buckets(),
			month_blocks: DEV_MONTH_BLOCKS,
			era_blocks: DEV_ERA_BLOCKS,
		},
		session,
		staking,
		sudo: SudoConfig { key: Some(root) },
		// A council of three (two must agree to cancel a slash).
		council: pallet_collective::GenesisConfig {
			members: vec![
				Sr25519Keyring::Alice.to_account_id(),
				Sr25519Keyring::Bob.to_account_id(),
				Sr25519Keyring::Charlie.to_account_id(),
			],
			..Default::default()
		},
		providers: dev_providers(),
		sla: dev_sla(),
	})
}

/// A dev validator: its sr25519 account as stash and Aura key, its ed25519 key for GRANDPA.
fn authority(aura: Sr25519Keyring, grandpa: Ed25519Keyring) -> GenesisValidator {
	(aura.to_account_id(), aura.public().into(), grandpa.public().into())
}

/// The `dev` preset: Alice alone validates and is root.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		1,
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The `local` preset: Alice, Bob, Charlie and Dave validate (up to 8 may be elected, so
/// more can join by bonding), Alice is root.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			authority(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			authority(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		8,
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// 32 bytes from 64 hex digits (for the staging keys below; a bad literal fails the build).
const fn hex32(s: &str) -> [u8; 32] {
	let b = s.as_bytes();
	assert!(b.len() == 64, "64 hex digits");
	let mut out = [0u8; 32];
	let mut i = 0;
	while i < 32 {
		out[i] = (nibble(b[2 * i]) << 4) | nibble(b[2 * i + 1]);
		i += 1;
	}
	out
}

const fn nibble(c: u8) -> u8 {
	match c {
		b'0'..=b'9' => c - b'0',
		b'a'..=b'f' => c - b'a' + 10,
		_ => panic!("lower-case hex digit"),
	}
}

/// The staging network's validators: (sr25519 stash account, sr25519 Aura key, ed25519
/// GRANDPA key). The stash holds the bond and is kept cold; the session keys live on the
/// validator's node and rotate without touching the stash. Public keys only; their operators
/// hold the secrets.
const STAGING_VALIDATORS: [(&str, &str, &str); 3] = [
	(
		"18c8a36b011d598bcb69fb39085dc1785a634d94a58fd75125ad222ce7e9ee18",
		"e23a5efacc8aa3cc6f73718611c29272f60663c940287ebb34cdd862ece72a4c",
		"183c228a7fb4e4bd953fd08c988cc0544489d09e7994e6bfa4cc96f554b51e20",
	),
	(
		"aa9a284de578544ec16cfa3b7aaf4e999bc870994e59fc2d912b6c6c86c62574",
		"d0d299ebd1e27157af3aa19e32ba413afa736f405939d01404fc2a2f806edc55",
		"6edf2692428a6f1edd644331bd28732b84620f0d1e9856be01e3e55b95fb8899",
	),
	(
		"dc68807ccc820979319f026af000f1502e3d021021b843b587aa62595c1a2e43",
		"943d27c7b08848cd9d7689f654885e3334099787665305db2c691db026edd564",
		"1f494f6c921cee4edfc5c1762efc3ab2671a2af92ceecbbd0519fd89eae0056d",
	),
];

/// The staging network's foundation account, sr25519 (holds the team, investor, DevCo
/// and ecosystem allocations; it is not a sudo key: staging has none).
const STAGING_ROOT: &str = "8034fa99a61bba2f77817170bd5ae91f99e7d9600f2103cec5bac19fb27e564c";

/// What each staging validator receives from the Network expansion fund and bonds of it.
pub const STAGING_VALIDATOR_ENDOWMENT: Balance = 1_000_000 * ICNT;
/// What each staging validator bonds at genesis.
pub const STAGING_VALIDATOR_BOND: Balance = 500_000 * ICNT;
/// How many validators staging elects: its genesis set (governance raises it as
/// independent validators join: `staking.setValidatorCount`, root-only, on the root track).
pub const STAGING_VALIDATOR_COUNT: u32 = 3;
/// The least a staging validator candidate bonds.
pub const STAGING_MIN_VALIDATOR_BOND: Balance = 250_000 * ICNT;
/// The least a staging nominator bonds.
pub const STAGING_MIN_NOMINATOR_BOND: Balance = 1_000 * ICNT;
/// The most validator candidates staging accepts (`staking.validate` is refused beyond).
pub const STAGING_MAX_VALIDATOR_CANDIDATES: u32 = 100;

/// The `staging` preset: production lengths (600-block eras, 432,000-block months), the
/// protocol's buckets with the team/investor/DevCo/ecosystem allocations on the staging
/// root account, three validators, no dev accounts, private endpoints refused, no Links or
/// HyperNodes yet (governance mints and registers them).
pub fn staging_config_genesis() -> Value {
	let root = AccountId::from(hex32(STAGING_ROOT));
	let validators: Vec<GenesisValidator> = STAGING_VALIDATORS
		.iter()
		.map(|(stash, aura, grandpa)| {
			(
				AccountId::from(hex32(stash)),
				AuraId::from(sp_core::sr25519::Public::from_raw(hex32(aura))),
				GrandpaId::from(sp_core::ed25519::Public::from_raw(hex32(grandpa))),
			)
		})
		.collect();
	let mut buckets = protocol_buckets(|bucket| match bucket {
		Bucket::NetworkRewards | Bucket::EcosystemPartners => Vesting::pool_account(bucket),
		Bucket::NetworkExpansionFund => TreasuryAccount::get(),
		_ => root.clone(),
	});
	for config in buckets.iter_mut().filter(|c| c.bucket == Bucket::NetworkExpansionFund) {
		let given = STAGING_VALIDATOR_ENDOWMENT.saturating_mul(validators.len() as Balance);
		config.beneficiaries =
			validators.iter().map(|v| (v.0.clone(), STAGING_VALIDATOR_ENDOWMENT)).collect();
		config
			.beneficiaries
			.push((TreasuryAccount::get(), config.amount.saturating_sub(given)));
	}
	let (session, mut staking) =
		validators_genesis(&validators, STAGING_VALIDATOR_BOND, STAGING_VALIDATOR_COUNT);
	// A validator set that cannot be bought cheaply (docs/validator.md): the elected set is
	// the genesis set's size; a candidate bonds at least half a genesis validator's bond; at
	// most 100 candidates and 4,000 nominators, so every candidate and every validator's
	// self-vote fits the election's bounds (1,000 targets, 5,000 voters).
	staking.min_validator_bond = STAGING_MIN_VALIDATOR_BOND;
	staking.min_nominator_bond = STAGING_MIN_NOMINATOR_BOND;
	staking.max_validator_count = Some(STAGING_MAX_VALIDATOR_CANDIDATES);
	staking.max_nominator_count = Some(4_000);
	let mut providers = dev_providers();
	providers.params = Some(Default::default());
	providers.links = Vec::new();
	build_struct_json_patch!(RuntimeGenesisConfig {
		vesting: pallet_icn_vesting::GenesisConfig {
			buckets,
			month_blocks: crate::time::MONTH_BLOCKS,
			era_blocks: crate::time::ERA_BLOCKS,
		},
		session,
		staking,
		// No sudo: root is reached only by a referendum on the root track.
		sudo: SudoConfig { key: None },
		providers,
	})
}

/// The JSON of the preset `id`, if it exists. `dev` and `local` are accepted as short
/// names of `development` and `local_testnet`.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let name: &[u8] = id.as_ref();
	let patch = match name {
		b"development" | b"dev" => development_config_genesis(),
		b"local_testnet" | b"local" => local_config_genesis(),
		b"staging" => staging_config_genesis(),
		_ => return None,
	};
	serde_json::to_string(&patch).ok().map(|json| json.into_bytes())
}

/// The names of the available presets.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from("staging"),
	]
}
