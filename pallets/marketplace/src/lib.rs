//! # Capacity marketplace (protocol §6)
//!
//! Builders book capacity of a cluster for a number of eras and pay in ICNT through escrow.
//!
//! - **Quote** ([`Pallet::quote`], also the runtime API): the bookable nodes of the cluster
//!   whose commitment outlasts the booking, cheapest first, then higher SLA score, then
//!   longer commitment; the **cluster price** is the reservation price of the most expensive
//!   node needed (a uniform clearing price, never above the cluster's maximum). The builder
//!   pays `eras × (price × units + margin)`, the margin (25 % by default) going to the
//!   Protocol Treasury.
//! - **Book**: the exact quote, within the builder's `max_total`, is held (`BookingEscrow`)
//!   and the units reserved on the nodes through [`CapacityLedger`]. The booking starts at the
//!   next era.
//! - **Settlement**, era by era from `on_poll` with a cursor and a weight budget: each node's
//!   share moves from escrow to its provider ([`NodeRewards::pay_node`], which diverts it into
//!   collateral while the node is under-collateralized) and to its delegators pro rata to
//!   stake after the provider's commission; the margin to the treasury; the share of a node
//!   that failed the era ([`SlaResults`]) is refunded to the builder.
//! - **Cancel** refunds every era after the current one; **extend** escrows more eras at the
//!   current cluster price; a booking ends on its own after its last era: capacity released,
//!   record removed.
//!
//! Conservation: every planck escrowed leaves escrow as provider payment, margin or refund;
//! `try_state` checks it, and that each builder's hold equals its bookings' escrow.
//!
//! ## Where is what
//! - `lib.rs`: config, storage, events, errors, hooks, and the calls — each checks its
//!   origin and hands over to its `do_*` function;
//! - `dispatchable_impls.rs`: the calls' bodies;
//! - `pricing.rs`: the clearing price, a pure function;
//! - `settlement.rs`: paying finished eras out of escrow, in `on_poll`;
//! - `functions.rs`: the era clock, the quote, the runtime API's views and `try_state`;
//! - `impl_traits.rs`: what the pallet serves to the others;
//! - `runtime_api.rs`, `weights.rs`, `benchmarking.rs`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(test)]
mod attacks;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
pub mod pricing;
pub mod runtime_api;
#[cfg(test)]
mod tests;
pub mod weights;

mod dispatchable_impls;
mod functions;
mod impl_traits;
mod settlement;

pub use icn_primitives::providers::{
	CapacityLedger, ClusterId, EraIndex, NodeId, NodeRewards, SettledEras, SlaResults,
};
pub use pallet::*;
pub use weights::WeightInfo;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	pallet_prelude::ConstU32, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use icn_primitives::Balance;
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// A booking's id.
pub type BookingId = u64;

/// The most price segments of a booking (its booking and up to seven extensions).
pub const MAX_PRICE_SEGMENTS: u32 = 8;

/// What a booking would cost and where it would go.
#[derive(Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub struct Quote {
	/// The cluster price: ICNT planck per unit per era paid to providers.
	pub price: Balance,
	/// Paid to providers over the whole booking (`price × units × eras`).
	pub provider_total: Balance,
	/// The protocol margin over the whole booking.
	pub margin_total: Balance,
	/// What the builder pays: provider total plus margin.
	pub total: Balance,
	/// Units per node, in assignment order.
	pub assignments: alloc::vec::Vec<(NodeId, u32)>,
}

/// Why a booking cannot be quoted.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug)]
pub enum QuoteError {
	/// No such cluster.
	UnknownCluster,
	/// Zero units or zero eras.
	Empty,
	/// Too many eras.
	TooLong,
	/// The cluster's bookable nodes do not have that many free units for that long.
	Unfillable,
	/// It would take more nodes than one booking may use.
	TooManyNodes,
	/// The cost overflows.
	Overflow,
}

/// A booking.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, Encode, Decode, MaxEncodedLen, TypeInfo, DebugNoBound,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Booking<T: pallet::Config> {
	/// Who booked and pays.
	pub builder: T::AccountId,
	/// The cluster.
	pub cluster: ClusterId,
	/// Units booked.
	pub units: u32,
	/// First era paid for.
	pub start: EraIndex,
	/// First era no longer paid for.
	pub end: EraIndex,
	/// The next era to settle.
	pub next_to_settle: EraIndex,
	/// Cluster price per unit-era, from each era on (ascending eras).
	pub prices: BoundedVec<(EraIndex, Balance), ConstU32<MAX_PRICE_SEGMENTS>>,
	/// The protocol margin on the price.
	pub margin: Perbill,
	/// Units per node.
	pub assignments: BoundedVec<(NodeId, u32), T::MaxNodesPerBooking>,
	/// ICNT still held in escrow for this booking.
	pub escrow: Balance,
}

impl<T: pallet::Config> Booking<T> {
	/// The price per unit-era in force during `era`.
	pub fn price_at(&self, era: EraIndex) -> Balance {
		self.prices
			.iter()
			.rev()
			.find(|(from, _)| *from <= era)
			.map(|(_, p)| *p)
			.unwrap_or_default()
	}

	/// What the builder pays for `era`: providers' part and margin.
	pub fn era_cost(&self, era: EraIndex) -> (Balance, Balance) {
		let providers = self.price_at(era).saturating_mul(self.units.into());
		(providers, self.margin.mul_floor(providers))
	}

	/// The escrow eras `from..end` need.
	pub fn cost_of(&self, from: EraIndex, end: EraIndex) -> Balance {
		// Per price segment (at most eight), not per era: a long booking is cheap to cancel.
		let mut sum: Balance = 0;
		for (i, (start, price)) in self.prices.iter().enumerate() {
			let until = self.prices.get(i + 1).map(|(next, _)| *next).unwrap_or(EraIndex::MAX);
			let eras = end.min(until).saturating_sub(from.max(*start));
			let providers = price.saturating_mul(self.units.into());
			let per_era = providers.saturating_add(self.margin.mul_floor(providers));
			sum = sum.saturating_add(per_era.saturating_mul(eras.into()));
		}
		sum
	}
}

/// Where the escrowed ICNT went, since genesis.
#[derive(Clone, Copy, PartialEq, Eq, Default, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct EscrowLedger {
	/// Everything ever escrowed.
	pub escrowed: Balance,
	/// Paid to providers and delegators.
	pub paid: Balance,
	/// Margin to the treasury.
	pub margin: Balance,
	/// Refunded to builders.
	pub refunded: Balance,
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Inspect, Mutate, MutateHold},
		weights::WeightMeter,
	};
	use frame_system::pallet_prelude::*;

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why this pallet holds ICNT.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A booking's unsettled cost.
		#[codec(index = 0)]
		BookingEscrow,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// ICNT: balances with holds.
		type Currency: Inspect<Self::AccountId, Balance = Balance>
			+ Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;
		/// The runtime's hold reasons.
		type RuntimeHoldReason: From<HoldReason>;
		/// Provider nodes' capacity.
		type Capacity: CapacityLedger<Self::AccountId>;
		/// Paying provider nodes (with diversion into collateral) and their reward shares.
		type Rewards: NodeRewards<Self::AccountId>;
		/// Per-era SLA results.
		type Sla: SlaResults;
		/// The most an account's booking escrow may total: its ICNT not frozen
		/// (`free + held − frozen`). Holds overlap freezes, so without this bound frozen
		/// (vesting) ICNT could be held in escrow that settlement can never pay out.
		type EscrowLimit: sp_runtime::traits::Convert<Self::AccountId, Balance>;
		/// The Protocol Treasury (the margin).
		type Treasury: Get<Self::AccountId>;
		/// The origin that sets the protocol margin (root, or governance).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The chain's era clock (protocol §1).
		type Clock: icn_primitives::clock::ChainClock;
		/// The most nodes one booking spreads over.
		#[pallet::constant]
		type MaxNodesPerBooking: Get<u32>;
		/// The most live bookings of one builder.
		#[pallet::constant]
		type MaxBookingsPerBuilder: Get<u32>;
		/// The longest booking, in eras.
		#[pallet::constant]
		type MaxBookingEras: Get<u32>;
		/// Most weight settlement may use in one block.
		#[pallet::constant]
		type SettlementWeightPerBlock: Get<Weight>;
		/// Weights.
		type WeightInfo: WeightInfo;
		/// Sets up bookable nodes for benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Benchmark set-up the runtime provides: bookable provider nodes.
	#[cfg(feature = "runtime-benchmarks")]
	pub trait BenchmarkHelper<AccountId> {
		/// A cluster with `nodes` more bookable nodes of `units` units each, cheaper than any
		/// other (each with a delegator if `delegators`); returns the cluster.
		fn bookable_cluster(nodes: u32, units: u32, delegators: bool) -> ClusterId;
		/// Fills `cluster` with dearer bookable nodes up to the most a cluster may have (what a
		/// quote reads in the worst case).
		fn fill_cluster(cluster: ClusterId);
		/// Makes `era`'s SLA results final, so settlement may settle it.
		fn finalize_era(era: EraIndex);
	}

	#[pallet::type_value]
	pub fn DefaultMargin() -> Perbill {
		Perbill::from_percent(25)
	}

	/// The protocol margin on bookings (25 % by default).
	#[pallet::storage]
	pub type Margin<T> = StorageValue<_, Perbill, ValueQuery, DefaultMargin>;

	/// The bookings.
	#[pallet::storage]
	pub type Bookings<T: Config> = StorageMap<_, Twox64Concat, BookingId, Booking<T>>;

	/// The id the next booking gets.
	#[pallet::storage]
	pub type NextBookingId<T> = StorageValue<_, BookingId, ValueQuery>;

	/// The live bookings of each builder.
	#[pallet::storage]
	pub type BuilderBookings<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<BookingId, T::MaxBookingsPerBuilder>,
		ValueQuery,
	>;

	/// The era being settled, and the last booking settled for it (`None`: from the start).
	#[pallet::storage]
	pub type SettlementCursor<T> = StorageValue<_, (EraIndex, Option<BookingId>), OptionQuery>;

	/// Where escrowed ICNT went, since genesis.
	#[pallet::storage]
	pub type Ledger<T> = StorageValue<_, EscrowLedger, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A booking was placed and its cost escrowed.
		Booked {
			booking: BookingId,
			builder: T::AccountId,
			cluster: ClusterId,
			units: u32,
			start: EraIndex,
			end: EraIndex,
			price: Balance,
			total: Balance,
		},
		/// Units of a node were assigned to a booking.
		Assigned { booking: BookingId, node: NodeId, units: u32 },
		/// A booking's era was settled.
		EraSettled {
			booking: BookingId,
			era: EraIndex,
			paid: Balance,
			margin: Balance,
			refunded: Balance,
		},
		/// A node's share of an era went to its provider and delegators.
		NodePaid { booking: BookingId, era: EraIndex, node: NodeId, amount: Balance },
		/// A node failed an era: its share went back to the builder.
		NodeRefunded { booking: BookingId, era: EraIndex, node: NodeId, amount: Balance },
		/// A payment out of escrow failed for a node that still exists (it cannot while
		/// escrow stays within what builders can spend): `amount` went back to the builder.
		SettlementFailed { booking: BookingId, era: EraIndex, node: NodeId, amount: Balance },
		/// A booking was cancelled; the eras after `end` were refunded.
		Cancelled { booking: BookingId, end: EraIndex, refunded: Balance },
		/// A booking was extended to `end` at `price`; `cost` more escrowed.
		Extended { booking: BookingId, end: EraIndex, price: Balance, cost: Balance },
		/// A booking ended: capacity released, record removed.
		BookingEnded { booking: BookingId },
		/// The margin changed.
		MarginSet { margin: Perbill },
		/// Settlement of `era` finished.
		SettlementDone { era: EraIndex },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No such cluster.
		UnknownCluster,
		/// Zero units or zero eras.
		EmptyBooking,
		/// More eras than a booking may run.
		BookingTooLong,
		/// The cluster's bookable nodes do not have that many free units for that long.
		Unfillable,
		/// It would take more nodes than one booking may use.
		TooManyNodes,
		/// The cost overflows.
		Overflow,
		/// The cost exceeds the builder's `max_total`.
		PriceAboveMax,
		/// No such booking.
		UnknownBooking,
		/// Only the booking's builder may do this.
		NotBuilder,
		/// The builder has the most live bookings allowed.
		TooManyBookings,
		/// The booking has already ended (no era left to cancel or extend).
		BookingOver,
		/// The booking was extended the most times allowed.
		TooManyExtensions,
		/// An assigned node's commitment ends before the extension, or it left.
		CannotExtend,
		/// The builder's booking escrow would exceed the ICNT it can spend (frozen ICNT, e.g.
		/// still vesting, cannot pay for bookings).
		EscrowNotSpendable,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_poll(_n: BlockNumberFor<T>, meter: &mut WeightMeter) {
			let budget = T::SettlementWeightPerBlock::get().min(meter.remaining());
			let mut local = WeightMeter::with_limit(budget);
			Self::settle(&mut local);
			meter.consume(local.consumed());
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Books `units` of `cluster` for `eras` eras from the next era, at the price
		/// [`Pallet::quote`] gives, if its total is at most `max_total`. The total is held in
		/// escrow; the units are reserved on the assigned nodes.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::book(T::MaxNodesPerBooking::get()))]
		pub fn book(
			origin: OriginFor<T>,
			cluster: ClusterId,
			units: u32,
			eras: u32,
			max_total: Balance,
		) -> DispatchResultWithPostInfo {
			let builder = ensure_signed(origin)?;
			Self::do_book(builder, cluster, units, eras, max_total)
		}

		/// Cancels a booking: every era after the current one is refunded at once; the
		/// current era is still served and paid; the capacity is released when it ends.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::cancel(T::MaxNodesPerBooking::get()))]
		pub fn cancel(origin: OriginFor<T>, booking: BookingId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel(who, booking)
		}

		/// Extends a booking by `eras` eras on the same nodes at the cluster's current price
		/// (the price a new booking of the same size would clear at, if the booking's own
		/// nodes are still needed at it), escrowing the cost; fails above `max_total`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::extend(T::MaxNodesPerBooking::get()))]
		pub fn extend(
			origin: OriginFor<T>,
			booking: BookingId,
			eras: u32,
			max_total: Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_extend(who, booking, eras, max_total)
		}

		/// Sets the protocol margin (the admin origin).
		#[pallet::call_index(3)]
		pub fn set_margin(origin: OriginFor<T>, margin: Perbill) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_set_margin(margin)
		}
	}

	impl<T> From<QuoteError> for Error<T> {
		fn from(e: QuoteError) -> Self {
			match e {
				QuoteError::UnknownCluster => Error::<T>::UnknownCluster,
				QuoteError::Empty => Error::<T>::EmptyBooking,
				QuoteError::TooLong => Error::<T>::BookingTooLong,
				QuoteError::Unfillable => Error::<T>::Unfillable,
				QuoteError::TooManyNodes => Error::<T>::TooManyNodes,
				QuoteError::Overflow => Error::<T>::Overflow,
			}
		}
	}
}
