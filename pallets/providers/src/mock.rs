//! A test runtime: frame-system, pallet-balances (ICNT with holds), pallet-nfts (ICN Links)
//! and this pallet, with 10-block months; one region (`EU-W`: DE, FR, NL) with one cluster
//! (`FRA-1`).

use frame_support::{derive_impl, traits::ConstU32};
use icn_primitives::{currency::ICNT, Balance};
use sp_runtime::Perbill;

use crate::{
	self as pallet_icn_providers, ClusterGenesis, Event, Params, ProviderParams, RegionGenesis,
	ResourceKind,
};

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Nfts: pallet_nfts,
		Providers: pallet_icn_providers,
	}
);

icn_test_utils::impl_base_configs!(Test);

/// Blocks per month in tests.
pub const MONTH: u64 = 10;
/// Collateral per capacity unit in the test region.
pub const PER_UNIT: Balance = 1_000 * ICNT;
/// What a Link counts for in tests.
pub const LINK_VALUE: Balance = 2_500 * ICNT;
/// Unbonding delay in tests.
pub const UNBONDING: u64 = 8;
/// The most Links per node in tests.
pub const MAX_LINKS: u32 = 4;

#[derive_impl(pallet_icn_providers::config_preludes::TestDefaultConfig)]
impl crate::Config for Test {
	type Currency = Balances;
	type Links = TestLinks;
	type Treasury = Treasury;
	type AdminOrigin = frame_system::EnsureRoot<sp_runtime::AccountId32>;
	type Clock = icn_primitives::clock::FixedClocks<2, { MONTH as u32 }>;
	type MaxLinksPerNode = ConstU32<MAX_LINKS>;
	type MaxNodesPerCluster = ConstU32<16>;
}

/// Test accounts 1..=9 start with 1,000,000 ICNT; accounts 1 and 2 own three Links each
/// (ids 0–2 and 3–5).
pub fn new_test_ext() -> sp_io::TestExternalities {
	ext_at_block_one(RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig {
			// The treasury (account 200) starts with the existential deposit (1 planck),
			// which genesis moves into the delegators' pot: it is then empty.
			balances: (1..=9)
				.map(|n| (account(n), 1_000_000 * ICNT))
				.chain([(Treasury::get(), 1)])
				.collect(),
			..Default::default()
		},
		providers: pallet_icn_providers::GenesisConfig {
			params: Some(ProviderParams {
				link_collateral_value: LINK_VALUE,
				unbonding_delay: UNBONDING as u32,
				allow_private_endpoints: false,
				commitment_months: 36,
				extension_months: 6,
				min_delegation: 10 * ICNT,
				max_commission: Perbill::from_percent(50),
				audit_bytes_per_unit: 0,
			}),
			regions: vec![RegionGenesis {
				name: "EU-W".into(),
				countries: vec!["DE".into(), "FR".into(), "NL".into()],
				collateral_per_unit: PER_UNIT,
				reward_weight: Perbill::one(),
			}],
			clusters: vec![ClusterGenesis {
				region: 0,
				name: "FRA-1".into(),
				kind: ResourceKind::Storage,
				max_price: 10 * ICNT,
				latency_bound_ms: 500,
			}],
			links: vec![(account(1), 3), (account(2), 3)],
		},
	})
}

/// Runs `test` on the test genesis, then checks the pallet's invariants.
pub fn run(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Providers::do_try_state().expect("providers invariants hold");
		// Every slash took exactly its due, and no Link beyond its need.
		let link_value = Params::<Test>::get().link_collateral_value;
		for e in System::events() {
			if let RuntimeEvent::Providers(Event::NodeSlashed { outcome, .. }) = e.event {
				assert!(outcome.is_exact(link_value), "slash outcome {outcome:?}");
			}
		}
	});
}
