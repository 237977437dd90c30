//! Weights of `pallet-icn-marketplace`: the [`WeightInfo`] interface.
//!
//! The ICN runtime uses weights generated from this pallet's benchmarks, in
//! `runtime/src/weights/pallet_icn_marketplace.rs`, by
//!
//! ```sh
//! scripts/build.sh --benchmark-cli   # the node with the weight benchmarks
//! icn-node-bench benchmark pallet --chain dev --pallet pallet_icn_marketplace --extrinsic '*' \
//!   --steps 50 --repeat 20 --output runtime/src/weights/pallet_icn_marketplace.rs
//! ```
//!
//! The `()` implementation below is for unit tests only: rounded-up figures of that run.
#![allow(unused_parens, unused_imports)]

use frame_support::weights::{constants::RocksDbWeight, Weight};

/// Weight functions of this pallet's calls and its settlement steps.
pub trait WeightInfo {
	/// `book` over `n` assigned nodes.
	fn book(n: u32) -> Weight;
	/// `cancel` of a booking over `n` nodes.
	fn cancel(n: u32) -> Weight;
	/// `extend` of a booking over `n` nodes.
	fn extend(n: u32) -> Weight;
	/// `set_margin`.
	fn set_margin() -> Weight;
	/// Settling one era of one booking over `n` nodes (each with delegators, paid as one pool).
	fn settle_booking_era(n: u32) -> Weight;
	/// Finishing the settlement of an era.
	fn settle_era_done() -> Weight;
}

/// For unit tests: rounded-up figures of the generated weights, on RocksDB weights.
impl WeightInfo for () {
	fn book(n: u32) -> Weight {
		Weight::from_parts(150_000_000, 10_000)
			.saturating_add(Weight::from_parts(60_000_000, 4_000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(8, 6))
			.saturating_add(RocksDbWeight::get().reads_writes(4, 1).saturating_mul(n.into()))
	}
	fn cancel(n: u32) -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(Weight::from_parts(30_000_000, 4_000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(6, 5))
			.saturating_add(RocksDbWeight::get().reads_writes(1, 1).saturating_mul(n.into()))
	}
	fn extend(n: u32) -> Weight {
		Weight::from_parts(120_000_000, 10_000)
			.saturating_add(Weight::from_parts(30_000_000, 4_000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(8, 4))
			.saturating_add(RocksDbWeight::get().reads(4).saturating_mul(n.into()))
	}
	fn set_margin() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
	fn settle_booking_era(n: u32) -> Weight {
		Weight::from_parts(1_800_000_000, 10_000)
			.saturating_add(Weight::from_parts(1_600_000_000, 90_000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(8, 6))
			.saturating_add(RocksDbWeight::get().reads_writes(70, 40).saturating_mul(n.into()))
	}
	fn settle_era_done() -> Weight {
		Weight::from_parts(20_000_000, 2_000)
			.saturating_add(RocksDbWeight::get().reads_writes(3, 1))
	}
}
