//! Weights of `pallet-icn-providers`: the [`WeightInfo`] interface.
//!
//! The ICN runtime uses weights generated from this pallet's benchmarks, in
//! `runtime/src/weights/pallet_icn_providers.rs`, by
//!
//! ```sh
//! scripts/build.sh --benchmark-cli   # the node with the weight benchmarks
//! icn-node-bench benchmark pallet --chain dev --pallet pallet_icn_providers --extrinsic '*' \
//!   --steps 50 --repeat 20 --output runtime/src/weights/pallet_icn_providers.rs
//! ```
//!
//! The `()` implementation below is for unit tests only: rounded-up figures of that run.
#![allow(unused_parens, unused_imports)]

use frame_support::weights::{constants::RocksDbWeight, Weight};

/// Weight functions of this pallet's calls and of the functions other pallets call.
pub trait WeightInfo {
	/// `create_region` with `c` countries.
	fn create_region(c: u32) -> Weight;
	/// `update_region` with `c` countries.
	fn update_region(c: u32) -> Weight;
	/// `create_cluster`.
	fn create_cluster() -> Weight;
	/// `update_cluster`.
	fn update_cluster() -> Weight;
	/// `set_params`.
	fn set_params() -> Weight;
	/// `mint_link`.
	fn mint_link() -> Weight;
	/// `register_node` locking `l` Links.
	fn register_node(l: u32) -> Weight;
	/// `add_collateral` locking `l` Links.
	fn add_collateral(l: u32) -> Weight;
	/// `update_node`.
	fn update_node() -> Weight;
	/// `extend_commitment`.
	fn extend_commitment() -> Weight;
	/// `delegate`.
	fn delegate() -> Weight;
	/// `undelegate`.
	fn undelegate() -> Weight;
	/// `withdraw_unbonded` (settling the delegation, paying its rewards out).
	fn withdraw_unbonded() -> Weight;
	/// `claim_rewards`.
	fn claim_rewards() -> Weight;
	/// `apply_slash`.
	fn apply_slash() -> Weight;
	/// `start_exit`.
	fn start_exit() -> Weight;
	/// `finish_exit` releasing `l` Links (delegations stay in the pool until withdrawn).
	fn finish_exit(l: u32) -> Weight;
	/// `ProviderSlashing::slash` seizing up to `l` Links and slashing the delegators' pool.
	fn slash(l: u32) -> Weight;
	/// `ProviderSlashing::set_failing`.
	fn set_failing() -> Weight;
	/// `CapacityLedger::reserve` (or `release`).
	fn reserve() -> Weight;
	/// `CapacityLedger::eligible_nodes` over a cluster of `n` nodes.
	fn eligible_nodes(n: u32) -> Weight;
	/// `NodeRewards::pay_node`, diverting into collateral.
	fn pay_node() -> Weight;
}

/// For unit tests: rounded-up figures of the generated weights, on RocksDB weights.
impl WeightInfo for () {
	fn create_region(c: u32) -> Weight {
		Weight::from_parts(20_000_000, 1_600)
			.saturating_add(Weight::from_parts(20_000, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(1, 2))
	}
	fn update_region(c: u32) -> Weight {
		Weight::from_parts(20_000_000, 2_000)
			.saturating_add(Weight::from_parts(20_000, 0).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(1, 1))
	}
	fn create_cluster() -> Weight {
		Weight::from_parts(20_000_000, 2_000)
			.saturating_add(RocksDbWeight::get().reads_writes(2, 2))
	}
	fn update_cluster() -> Weight {
		Weight::from_parts(20_000_000, 2_000)
			.saturating_add(RocksDbWeight::get().reads_writes(1, 1))
	}
	fn set_params() -> Weight {
		Weight::from_parts(10_000_000, 0).saturating_add(RocksDbWeight::get().writes(1))
	}
	fn mint_link() -> Weight {
		Weight::from_parts(60_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads_writes(5, 5))
	}
	fn register_node(l: u32) -> Weight {
		Weight::from_parts(150_000_000, 12_000)
			.saturating_add(Weight::from_parts(60_000_000, 4_000).saturating_mul(l.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(10, 8))
			.saturating_add(RocksDbWeight::get().reads_writes(4, 3).saturating_mul(l.into()))
	}
	fn add_collateral(l: u32) -> Weight {
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(Weight::from_parts(60_000_000, 4_000).saturating_mul(l.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(6, 4))
			.saturating_add(RocksDbWeight::get().reads_writes(4, 3).saturating_mul(l.into()))
	}
	fn update_node() -> Weight {
		Weight::from_parts(60_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads_writes(4, 1))
	}
	fn extend_commitment() -> Weight {
		Weight::from_parts(40_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads_writes(2, 1))
	}
	fn delegate() -> Weight {
		Weight::from_parts(90_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads_writes(5, 4))
	}
	fn undelegate() -> Weight {
		Weight::from_parts(40_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads_writes(2, 1))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(90_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads_writes(5, 4))
	}
	fn start_exit() -> Weight {
		Weight::from_parts(40_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads_writes(2, 1))
	}
	fn claim_rewards() -> Weight {
		Weight::from_parts(90_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads_writes(5, 4))
	}
	fn apply_slash() -> Weight {
		Weight::from_parts(90_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads_writes(5, 4))
	}
	fn finish_exit(l: u32) -> Weight {
		Weight::from_parts(150_000_000, 12_000)
			.saturating_add(Weight::from_parts(60_000_000, 4_000).saturating_mul(l.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(9, 8))
			.saturating_add(RocksDbWeight::get().reads_writes(3, 3).saturating_mul(l.into()))
	}
	fn slash(l: u32) -> Weight {
		Weight::from_parts(150_000_000, 12_000)
			.saturating_add(Weight::from_parts(80_000_000, 4_000).saturating_mul(l.into()))
			.saturating_add(RocksDbWeight::get().reads_writes(9, 7))
			.saturating_add(RocksDbWeight::get().reads_writes(4, 7).saturating_mul(l.into()))
	}
	fn set_failing() -> Weight {
		Weight::from_parts(40_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads_writes(4, 1))
	}
	fn reserve() -> Weight {
		Weight::from_parts(40_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads_writes(4, 1))
	}
	fn eligible_nodes(n: u32) -> Weight {
		Weight::from_parts(20_000_000, 3_000)
			.saturating_add(Weight::from_parts(20_000_000, 3_000).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(4))
			.saturating_add(RocksDbWeight::get().reads(3).saturating_mul(n.into()))
	}
	fn pay_node() -> Weight {
		Weight::from_parts(130_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads_writes(8, 5))
	}
}
