//! A test runtime: balances, NFTs, the real providers pallet (nodes, capacity, rewards) and
//! this pallet, with 10-block eras and an SLA oracle stand-in whose failures tests set.

use core::cell::RefCell;
use frame_support::{derive_impl, parameter_types, traits::ConstU32, weights::Weight};
use icn_primitives::{currency::ICNT, providers::EraIndex, Balance};
use pallet_icn_providers::{ClusterGenesis, NodeSpec, ProviderParams, RegionGenesis, ResourceKind};
use sp_runtime::{AccountId32, Perbill};
use std::collections::BTreeSet;

use crate::{self as pallet_icn_marketplace, NodeId};

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Nfts: pallet_nfts,
		Providers: pallet_icn_providers,
		Marketplace: pallet_icn_marketplace,
	}
);

icn_test_utils::impl_base_configs!(Test);

parameter_types! {
	pub const SettlementWeight: Weight = Weight::from_parts(u64::MAX / 4, u64::MAX / 4);
}

/// Blocks per era in tests.
pub const ERA: u64 = 10;
/// Blocks per month in tests: commitments run 36 × 100 blocks = 360 eras.
pub const MONTH: u32 = 100;
/// Collateral per unit.
pub const PER_UNIT: Balance = 100 * ICNT;
/// The most nodes per booking in tests.
pub const MAX_NODES: u32 = 4;

#[derive_impl(pallet_icn_providers::config_preludes::TestDefaultConfig)]
impl pallet_icn_providers::Config for Test {
	type Currency = Balances;
	type Links = TestLinks;
	type Treasury = Treasury;
	type AdminOrigin = frame_system::EnsureRoot<sp_runtime::AccountId32>;
	type Clock = icn_primitives::clock::FixedClocks<{ ERA as u32 }, { MONTH }>;
}

thread_local! {
	static FAILED: RefCell<BTreeSet<(NodeId, EraIndex)>> = RefCell::new(BTreeSet::new());
	static NOT_FINAL: RefCell<BTreeSet<EraIndex>> = RefCell::new(BTreeSet::new());
}

/// Marks `node` as failing `era`.
pub fn fail(node: NodeId, era: EraIndex) {
	FAILED.with(|f| f.borrow_mut().insert((node, era)));
}

/// Holds back `era`'s results (settlement waits).
pub fn hold_results(era: EraIndex, held: bool) {
	NOT_FINAL.with(|f| {
		if held {
			f.borrow_mut().insert(era);
		} else {
			f.borrow_mut().remove(&era);
		}
	});
}

/// The SLA oracle stand-in.
pub struct TestSla;
impl crate::SlaResults for TestSla {
	fn is_final(era: EraIndex) -> bool {
		!NOT_FINAL.with(|f| f.borrow().contains(&era))
	}
	fn failed(node: NodeId, era: EraIndex) -> bool {
		FAILED.with(|f| f.borrow().contains(&(node, era)))
	}
	fn score(node: NodeId) -> Perbill {
		// Node 1 has a lower score than everyone else.
		if node == 1 {
			Perbill::from_percent(90)
		} else {
			Perbill::one()
		}
	}
}

/// An account's ICNT not frozen (`free + held − frozen`), as the runtime bounds escrow.
pub struct Unfrozen;
impl sp_runtime::traits::Convert<AccountId32, Balance> for Unfrozen {
	fn convert(who: AccountId32) -> Balance {
		let a = frame_system::Account::<Test>::get(&who).data;
		a.free.saturating_add(a.reserved).saturating_sub(a.frozen)
	}
}

impl crate::Config for Test {
	type AdminOrigin = frame_system::EnsureRoot<sp_runtime::AccountId32>;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Capacity = Providers;
	type Rewards = Providers;
	type Sla = TestSla;
	type EscrowLimit = Unfrozen;
	type Treasury = Treasury;
	type Clock = icn_primitives::clock::FixedClocks<{ ERA as u32 }, { MONTH }>;
	type MaxNodesPerBooking = ConstU32<MAX_NODES>;
	type MaxBookingsPerBuilder = ConstU32<8>;
	type MaxBookingEras = ConstU32<100>;
	type SettlementWeightPerBlock = SettlementWeight;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchHelper;
}

/// Benchmark set-up: bookable nodes in cluster 0.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId32> for BenchHelper {
	fn bookable_cluster(nodes: u32, units: u32, delegators: bool) -> u32 {
		pallet_icn_providers::bench_helpers::bookable_nodes::<Test>(0, nodes, units, delegators);
		0
	}
	fn fill_cluster(cluster: u32) {
		pallet_icn_providers::bench_helpers::fill_cluster::<Test>(cluster);
	}
	fn finalize_era(_era: EraIndex) {
		// The stand-in oracle has every era final.
	}
}

/// A node spec of `units` units in cluster 0 at 1 ICNT per unit-era.
pub fn spec(units: u32) -> NodeSpec {
	NodeSpec::new(0, units)
}

/// Accounts 1..=60 hold 1,000,000 ICNT; cluster 0 (`FRA-1`, max 10 ICNT per unit-era) in
/// region 0 (`EU-W`, 100 ICNT collateral per unit); no nodes yet.
pub fn new_test_ext() -> sp_io::TestExternalities {
	FAILED.with(|f| f.borrow_mut().clear());
	NOT_FINAL.with(|f| f.borrow_mut().clear());
	ext_at_block_one(RuntimeGenesisConfig {
		system: Default::default(),
		balances: pallet_balances::GenesisConfig {
			// The treasury's existential deposit funds the delegators' pot at genesis.
			balances: (1..=60)
				.map(|n| (account(n), 1_000_000 * ICNT))
				.chain([(Treasury::get(), 1)])
				.collect(),
			..Default::default()
		},
		providers: pallet_icn_providers::GenesisConfig {
			params: Some(ProviderParams {
				unbonding_delay: 4 * ERA as u32,
				audit_bytes_per_unit: 0,
				..Default::default()
			}),
			regions: vec![RegionGenesis {
				name: "EU-W".into(),
				countries: vec!["DE".into()],
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
			links: vec![],
		},
	})
}

/// Runs `test`, then checks both pallets' invariants.
pub fn run(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		Marketplace::do_try_state().expect("marketplace invariants hold");
		Providers::do_try_state().expect("providers invariants hold");
	});
}
