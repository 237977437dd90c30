//! Weights of `pallet-icn-sla`: the [`WeightInfo`] interface.
//!
//! The ICN runtime uses weights generated from this pallet's benchmarks, in
//! `runtime/src/weights/pallet_icn_sla.rs`, by
//!
//! ```sh
//! scripts/build.sh --benchmark-cli   # the node with the weight benchmarks
//! icn-node-bench benchmark pallet --chain dev --pallet pallet_icn_sla --extrinsic '*' \
//!   --steps 20 --repeat 10 --output runtime/src/weights/pallet_icn_sla.rs
//! ```
//!
//! The `()` implementation below is for unit tests only: rounded-up figures of that run.
#![allow(unused_parens, unused_imports)]

use frame_support::weights::{constants::RocksDbWeight, Weight};

/// Weight functions of this pallet's calls and hooks.
pub trait WeightInfo {
	/// `register_hypernode`.
	fn register_hypernode() -> Weight;
	/// `stake_link`.
	fn stake_link() -> Weight;
	/// `unstake_link`.
	fn unstake_link() -> Weight;
	/// `deregister_hypernode` with `l` Links.
	fn deregister_hypernode(l: u32) -> Weight;
	/// `clear_hypernode` with `l` Links.
	fn clear_hypernode(l: u32) -> Weight;
	/// `submit_report` with `n` results.
	fn submit_report(n: u32) -> Weight;
	/// The pool check of a report with `n` results ([`crate::CheckReport`]).
	fn validate_report(n: u32) -> Weight;
	/// `cancel_slash`.
	fn cancel_slash() -> Weight;
	/// `set_params`.
	fn set_params() -> Weight;
	/// `on_initialize` within an era.
	fn on_initialize_idle() -> Weight;
	/// `on_initialize` starting an era (its seed and node bound; the snapshot is copied in
	/// `on_poll`): constant.
	fn start_era() -> Weight;
	/// Copying a batch of `n` HyperNodes into an era's snapshot (a page read and written,
	/// each HyperNode's place written).
	fn snapshot_oracles(n: u32) -> Weight;
	/// Aggregating a batch of `n` nodes' era (each with 5 reports, failed, a slash pending):
	/// the batch's context is read and its accumulators written once.
	fn aggregate_nodes(n: u32) -> Weight;
	/// Applying one pending slash (the worst: every delegator of the node pays).
	fn apply_slash() -> Weight;
	/// Finalizing an era: its accuracy pages and reward accounting dropped (constant).
	fn finalize_era() -> Weight;
	/// Measuring a cluster's utilization (its most nodes).
	fn measure_cluster() -> Weight;
	/// Setting an era's reward budget (unfreezing the pool's released ICNT).
	fn era_budget() -> Weight;
	/// Paying a batch of `n` nodes' capacity rewards (each node's delegators as one pool).
	fn reward_nodes(n: u32) -> Weight;
	/// Settling one HyperNode: its accuracy counted, its reward paid, removed for low
	/// accuracy (one page of the snapshot and one of the counters read).
	fn reward_hypernode() -> Weight;
}

/// For unit tests: rounded-up figures of the generated weights, on RocksDB weights.
impl WeightInfo for () {
	fn register_hypernode() -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn stake_link() -> Weight {
		Weight::from_parts(80_000_000, 14_000)
			.saturating_add(RocksDbWeight::get().reads_writes(7, 5))
	}
	fn unstake_link() -> Weight {
		Weight::from_parts(60_000_000, 14_000)
			.saturating_add(RocksDbWeight::get().reads_writes(5, 4))
	}
	fn deregister_hypernode(l: u32) -> Weight {
		Weight::from_parts(50_000_000, 6_000)
			.saturating_add(Weight::from_parts(40_000_000, 3_000).saturating_mul(l.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(3, 3))
			.saturating_add(RocksDbWeight::get().reads_writes(2, 2).saturating_mul(l.into()))
	}
	fn clear_hypernode(l: u32) -> Weight {
		Weight::from_parts(70_000_000, 14_000)
			.saturating_add(Weight::from_parts(40_000_000, 3_000).saturating_mul(l.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(5, 6))
			.saturating_add(RocksDbWeight::get().reads_writes(2, 2).saturating_mul(l.into()))
	}
	fn submit_report(n: u32) -> Weight {
		Weight::from_parts(60_000_000, 8_000)
			.saturating_add(Weight::from_parts(40_000_000, 6_000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(8, 2))
			.saturating_add(RocksDbWeight::get().reads_writes(3, 1).saturating_mul(n.into()))
	}
	fn validate_report(n: u32) -> Weight {
		Weight::from_parts(40_000_000, 12_000)
			.saturating_add(Weight::from_parts(30_000_000, 3_200).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(7))
			.saturating_add(RocksDbWeight::get().reads(1).saturating_mul(n.into()))
	}
	fn cancel_slash() -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads_writes(1, 1))
	}
	fn set_params() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
	fn on_initialize_idle() -> Weight {
		Weight::from_parts(12_000_000, 1_500).saturating_add(RocksDbWeight::get().reads(2))
	}
	fn start_era() -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads_writes(3, 4))
	}
	fn snapshot_oracles(n: u32) -> Weight {
		Weight::from_parts(40_000_000, 12_000)
			.saturating_add(Weight::from_parts(10_000_000, 2_600).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(4, 4))
			.saturating_add(RocksDbWeight::get().reads_writes(1, 1).saturating_mul(n.into()))
	}
	fn aggregate_nodes(n: u32) -> Weight {
		Weight::from_parts(180_000_000, 16_000)
			.saturating_add(Weight::from_parts(40_000_000, 3_200).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(13, 4))
			.saturating_add(RocksDbWeight::get().reads_writes(3, 4).saturating_mul(n.into()))
	}
	fn apply_slash() -> Weight {
		Weight::from_parts(1_900_000_000, 90_000)
			.saturating_add(RocksDbWeight::get().reads_writes(110, 100))
	}
	fn finalize_era() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads_writes(2, 20))
	}
	fn measure_cluster() -> Weight {
		Weight::from_parts(1_500_000_000, 400_000)
			.saturating_add(RocksDbWeight::get().reads_writes(140, 1))
	}
	fn era_budget() -> Weight {
		Weight::from_parts(300_000_000, 12_000)
			.saturating_add(RocksDbWeight::get().reads_writes(12, 5))
	}
	fn reward_nodes(n: u32) -> Weight {
		Weight::from_parts(50_000_000, 12_000)
			.saturating_add(Weight::from_parts(120_000_000, 3_200).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(9, 3))
			.saturating_add(RocksDbWeight::get().reads_writes(5, 4).saturating_mul(n.into()))
	}
	fn reward_hypernode() -> Weight {
		Weight::from_parts(150_000_000, 20_000)
			.saturating_add(RocksDbWeight::get().reads_writes(10, 8))
	}
}

/// Weight of the [`crate::CheckReport`] transaction extension on the transactions that are not
/// reports (a report's own checks are [`WeightInfo::validate_report`]): every transaction of
/// the chain pays it. The ICN runtime uses `runtime/src/weights/pallet_icn_sla_extensions.rs`,
/// generated from the `pallet_icn_sla_extensions` benchmark
/// ([`crate::extension::benchmarking`]) by
///
/// ```sh
/// BENCH="$(scripts/build.sh --benchmark-cli)"   # the node with the weight benchmarks
/// "$BENCH" benchmark pallet --chain dev --pallet pallet_icn_sla_extensions \
///   --extrinsic '*' --steps 20 --repeat 10 --output runtime/src/weights/pallet_icn_sla_extensions.rs
/// sed -i 's/pallet_icn_sla_extensions::WeightInfo/pallet_icn_sla::ExtensionWeightInfo/' \
///   runtime/src/weights/pallet_icn_sla_extensions.rs
/// ```
///
/// (the benchmark CLI names the trait after the benchmark, hence the `sed`, as for
/// `frame_system::ExtensionsWeightInfo`).
pub trait ExtensionWeightInfo {
	/// `CheckSlaReport` on a call that is not `submit_report`.
	fn check_sla_report_other_call() -> Weight;
}

/// For unit tests: a rounded-up figure of that benchmark.
impl ExtensionWeightInfo for () {
	fn check_sla_report_other_call() -> Weight {
		Weight::from_parts(5_000_000, 0)
	}
}
