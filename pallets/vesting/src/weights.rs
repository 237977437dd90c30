//! Weights of `pallet-icn-vesting`: the [`WeightInfo`] interface.
//!
//! The ICN runtime uses weights generated from this pallet's benchmarks, in
//! `runtime/src/weights/pallet_icn_vesting.rs`, by
//!
//! ```sh
//! scripts/build.sh --benchmark-cli   # the node with the weight benchmarks
//! icn-node-bench benchmark pallet --chain dev --pallet pallet_icn_vesting --extrinsic '*' \
//!   --steps 50 --repeat 20 --output runtime/src/weights/pallet_icn_vesting.rs
//! ```
//!
//! The `()` implementation below is for unit tests only: rounded-up figures of that run.
#![allow(unused_parens, unused_imports)]

use frame_support::weights::{constants::RocksDbWeight, Weight};

/// Weight functions of this pallet's calls.
pub trait WeightInfo {
	/// `vest`/`vest_other` over `s` schedules.
	fn vest(s: u32) -> Weight;
	/// `add_schedule` for an account with `s` schedules.
	fn add_schedule(s: u32) -> Weight;
	/// `force_remove_schedule` for an account with `s` schedules.
	fn force_remove_schedule(s: u32) -> Weight;
	/// `set_month_blocks`.
	fn set_month_blocks() -> Weight;
	/// `set_era_blocks`.
	fn set_era_blocks() -> Weight;
}

/// For unit tests: rounded-up figures of the generated weights, on RocksDB weights.
impl WeightInfo for () {
	fn vest(s: u32) -> Weight {
		Weight::from_parts(45_000_000, 4_000)
			.saturating_add(Weight::from_parts(60_000_000, 0).saturating_mul(s.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(4, 2))
	}
	fn add_schedule(s: u32) -> Weight {
		Weight::from_parts(95_000_000, 6_200)
			.saturating_add(Weight::from_parts(300_000, 0).saturating_mul(s.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(5, 4))
	}
	fn force_remove_schedule(s: u32) -> Weight {
		Weight::from_parts(350_000_000, 6_200)
			.saturating_add(Weight::from_parts(700_000, 0).saturating_mul(s.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(6, 4))
	}
	fn set_month_blocks() -> Weight {
		Weight::from_parts(7_000_000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
	fn set_era_blocks() -> Weight {
		Weight::from_parts(7_000_000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
}
