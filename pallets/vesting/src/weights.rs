//! Weights of `pallet-icn-vesting`.
//!
//! NOT YET GENERATED: these are the interface and conservative placeholders (reads/writes
//! counted from the code, 50 µs of compute per schedule) until the benchmarks are run with
//!
//! ```sh
//! icn-node benchmark pallet --chain dev --pallet pallet_icn_vesting --extrinsic '*' \
//!   --steps 50 --repeat 20 --output pallets/vesting/src/weights.rs \
//!   --template scripts/frame-weight-template.hbs
//! ```
#![allow(unused_parens, unused_imports)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

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

/// Placeholder weights on the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn vest(s: u32) -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(Weight::from_parts(5_000_000, 120).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads_writes(3, 3))
	}
	fn add_schedule(s: u32) -> Weight {
		Weight::from_parts(80_000_000, 8_000)
			.saturating_add(Weight::from_parts(5_000_000, 120).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads_writes(5, 5))
	}
	fn force_remove_schedule(s: u32) -> Weight {
		Weight::from_parts(80_000_000, 8_000)
			.saturating_add(Weight::from_parts(5_000_000, 120).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads_writes(5, 5))
	}
	fn set_month_blocks() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(T::DbWeight::get().writes(1))
	}
	fn set_era_blocks() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(T::DbWeight::get().writes(1))
	}
}

/// For tests: the same placeholders on RocksDB weights.
impl WeightInfo for () {
	fn vest(s: u32) -> Weight {
		Weight::from_parts(50_000_000, 4_000)
			.saturating_add(Weight::from_parts(5_000_000, 120).saturating_mul(s.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
	fn add_schedule(s: u32) -> Weight {
		Weight::from_parts(80_000_000, 8_000)
			.saturating_add(Weight::from_parts(5_000_000, 120).saturating_mul(s.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(5, 5))
	}
	fn force_remove_schedule(s: u32) -> Weight {
		Weight::from_parts(80_000_000, 8_000)
			.saturating_add(Weight::from_parts(5_000_000, 120).saturating_mul(s.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(5, 5))
	}
	fn set_month_blocks() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
	fn set_era_blocks() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
}
