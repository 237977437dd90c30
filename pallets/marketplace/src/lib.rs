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
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate, MutateHold},
			tokens::{Fortitude, Precision, Restriction},
		},
		weights::WeightMeter,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::UniqueSaturatedInto;

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
		/// other (each with the most delegators allowed if `delegators`); returns the cluster.
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

	#[pallet::call]
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
			let quote = Self::quote(cluster, units, eras).map_err(Error::<T>::from)?;
			ensure!(quote.total <= max_total, Error::<T>::PriceAboveMax);
			let id = NextBookingId::<T>::get();
			NextBookingId::<T>::put(id.checked_add(1).ok_or(Error::<T>::Overflow)?);
			BuilderBookings::<T>::try_mutate(&builder, |b| b.try_push(id))
				.map_err(|_| Error::<T>::TooManyBookings)?;
			Self::hold_escrow(&builder, quote.total)?;
			let nodes = quote.assignments.len() as u32;
			for (node, u) in &quote.assignments {
				T::Capacity::reserve(*node, *u)?;
				Self::deposit_event(Event::Assigned { booking: id, node: *node, units: *u });
			}
			let start = Self::current_era().saturating_add(1);
			let end = start.saturating_add(eras);
			let booking = Booking::<T> {
				builder: builder.clone(),
				cluster,
				units,
				start,
				end,
				next_to_settle: start,
				prices: BoundedVec::truncate_from(alloc::vec![(start, quote.price)]),
				margin: Margin::<T>::get(),
				assignments: BoundedVec::truncate_from(quote.assignments),
				escrow: quote.total,
			};
			Bookings::<T>::insert(id, booking);
			Ledger::<T>::mutate(|l| l.escrowed = l.escrowed.saturating_add(quote.total));
			Self::deposit_event(Event::Booked {
				booking: id,
				builder,
				cluster,
				units,
				start,
				end,
				price: quote.price,
				total: quote.total,
			});
			Ok(Some(T::WeightInfo::book(nodes)).into())
		}

		/// Cancels a booking: every era after the current one is refunded at once; the
		/// current era is still served and paid; the capacity is released when it ends.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::cancel(T::MaxNodesPerBooking::get()))]
		pub fn cancel(origin: OriginFor<T>, booking: BookingId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut b = Bookings::<T>::get(booking).ok_or(Error::<T>::UnknownBooking)?;
			ensure!(b.builder == who, Error::<T>::NotBuilder);
			let new_end = Self::current_era().saturating_add(1).max(b.start).max(b.next_to_settle);
			ensure!(new_end < b.end, Error::<T>::BookingOver);
			let refund = b.cost_of(new_end, b.end);
			T::Currency::release(
				&HoldReason::BookingEscrow.into(),
				&who,
				refund,
				Precision::Exact,
			)?;
			b.escrow = b.escrow.saturating_sub(refund);
			b.end = new_end;
			// Price segments of refunded eras go with them: an extension appends its own from
			// the new end (a stale one left behind would be charged again).
			b.prices.retain(|(start, _)| *start < new_end);
			Ledger::<T>::mutate(|l| l.refunded = l.refunded.saturating_add(refund));
			Self::deposit_event(Event::Cancelled { booking, end: new_end, refunded: refund });
			if b.next_to_settle >= b.end {
				Self::finish(booking, b)?;
			} else {
				Bookings::<T>::insert(booking, b);
			}
			Ok(())
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
			let mut b = Bookings::<T>::get(booking).ok_or(Error::<T>::UnknownBooking)?;
			ensure!(b.builder == who, Error::<T>::NotBuilder);
			ensure!(eras > 0, Error::<T>::EmptyBooking);
			ensure!(b.end > Self::current_era(), Error::<T>::BookingOver);
			let end = b.end.checked_add(eras).ok_or(Error::<T>::Overflow)?;
			ensure!(
				end.saturating_sub(b.start) <= T::MaxBookingEras::get(),
				Error::<T>::BookingTooLong
			);
			let end_block = Self::era_start_block(end);
			// The booking's own nodes must still be bookable and committed past the new end;
			// the price is the highest of their current reservation prices (the clearing price
			// of these very nodes), capped at the cluster's maximum.
			let mut price: Balance = 0;
			for (node, _) in &b.assignments {
				let offer = T::Capacity::node_offer(*node).ok_or(Error::<T>::CannotExtend)?;
				ensure!(u64::from(offer.commitment_end) >= end_block, Error::<T>::CannotExtend);
				price = price.max(offer.price);
			}
			let max_price =
				T::Capacity::cluster_max_price(b.cluster).ok_or(Error::<T>::UnknownCluster)?;
			price = price.min(max_price);
			b.prices.try_push((b.end, price)).map_err(|_| Error::<T>::TooManyExtensions)?;
			let old_end = b.end;
			b.end = end;
			let cost = b.cost_of(old_end, end);
			ensure!(cost <= max_total, Error::<T>::PriceAboveMax);
			Self::hold_escrow(&who, cost)?;
			b.escrow = b.escrow.saturating_add(cost);
			Ledger::<T>::mutate(|l| l.escrowed = l.escrowed.saturating_add(cost));
			Bookings::<T>::insert(booking, b);
			Self::deposit_event(Event::Extended { booking, end, price, cost });
			Ok(())
		}

		/// Sets the protocol margin (root).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_margin())]
		pub fn set_margin(origin: OriginFor<T>, margin: Perbill) -> DispatchResult {
			ensure_root(origin)?;
			Margin::<T>::put(margin);
			Self::deposit_event(Event::MarginSet { margin });
			Ok(())
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

	impl<T: Config> Pallet<T> {
		/// The current era, on the chain's era clock.
		pub fn current_era() -> EraIndex {
			let now: u64 = frame_system::Pallet::<T>::block_number().unique_saturated_into();
			<T::Clock as icn_primitives::clock::ChainClock>::eras().era_of(now)
		}

		/// The first block of `era`.
		pub fn era_start_block(era: EraIndex) -> u64 {
			<T::Clock as icn_primitives::clock::ChainClock>::eras().era_start(era)
		}

		/// The exact cost and assignment of booking `units` of `cluster` for `eras` eras from
		/// the next era: the same function `book` charges with.
		pub fn quote(cluster: ClusterId, units: u32, eras: u32) -> Result<Quote, QuoteError> {
			let max_price =
				T::Capacity::cluster_max_price(cluster).ok_or(QuoteError::UnknownCluster)?;
			ensure!(units > 0 && eras > 0, QuoteError::Empty);
			ensure!(eras <= T::MaxBookingEras::get(), QuoteError::TooLong);
			let end = Self::current_era().saturating_add(1).saturating_add(eras);
			let offers = T::Capacity::eligible_nodes(cluster)
				.into_iter()
				.map(|offer| pricing::RankedOffer { score: T::Sla::score(offer.node), offer })
				.collect();
			pricing::clear(
				offers,
				pricing::Request {
					units,
					eras,
					max_price,
					ends_at: Self::era_start_block(end),
					max_nodes: T::MaxNodesPerBooking::get(),
					margin: Margin::<T>::get(),
				},
			)
		}

		/// A builder's live bookings (runtime API).
		pub fn bookings_of(builder: &T::AccountId) -> Vec<runtime_api::BookingInfo<T::AccountId>> {
			BuilderBookings::<T>::get(builder)
				.iter()
				.filter_map(|id| Bookings::<T>::get(id).map(|b| (*id, b)))
				.map(|(id, b)| runtime_api::BookingInfo {
					id,
					builder: b.builder,
					cluster: b.cluster,
					units: b.units,
					start: b.start,
					end: b.end,
					next_to_settle: b.next_to_settle,
					prices: b.prices.into_inner(),
					assignments: b.assignments.into_inner(),
					escrow: b.escrow,
				})
				.collect()
		}

		/// A cluster's bookable capacity, what of it is booked, and what one unit for one
		/// era costs a builder now (runtime API).
		pub fn cluster_usage(cluster: ClusterId) -> runtime_api::ClusterUsage {
			let (capacity, booked) = T::Capacity::cluster_usage(cluster);
			let utilization_ppm = if capacity == 0 {
				0
			} else {
				(u128::from(booked) * 1_000_000 / u128::from(capacity)).unique_saturated_into()
			};
			runtime_api::ClusterUsage {
				capacity,
				booked,
				utilization_ppm,
				unit_era_price: Self::quote(cluster, 1, 1).ok().map(|q| q.total),
			}
		}

		/// Settles finished eras, booking by booking, within `meter`.
		pub fn settle(meter: &mut WeightMeter) {
			let era_done = T::WeightInfo::settle_era_done();
			loop {
				let (era, last) = match SettlementCursor::<T>::get() {
					Some(c) => c,
					// Nothing settled yet: start at era 0.
					None => (0, None),
				};
				if era >= Self::current_era() || !T::Sla::is_final(era) {
					return;
				}
				let mut iter = match last {
					Some(id) => Bookings::<T>::iter_keys_from(Bookings::<T>::hashed_key_for(id)),
					None => Bookings::<T>::iter_keys(),
				};
				match iter.next() {
					Some(id) => {
						// A booking's era costs by its number of nodes; bookings with nothing to
						// settle this era cost one read.
						let due = Bookings::<T>::get(id)
							.filter(|b| b.next_to_settle == era && era < b.end);
						let cost = match &due {
							Some(b) => {
								T::WeightInfo::settle_booking_era(b.assignments.len() as u32)
							},
							None => T::DbWeight::get().reads(1),
						};
						if meter.try_consume(cost).is_err() {
							return;
						}
						SettlementCursor::<T>::put((era, Some(id)));
						if let Some(b) = due {
							Self::settle_booking(id, b, era);
						}
					},
					None => {
						if meter.try_consume(era_done).is_err() {
							return;
						}
						SettlementCursor::<T>::put((era.saturating_add(1), None::<BookingId>));
						Self::deposit_event(Event::SettlementDone { era });
					},
				}
			}
		}

		/// Settles `era`, the next era to settle, of booking `id` (`b`, as stored).
		fn settle_booking(id: BookingId, mut b: Booking<T>, era: EraIndex) {
			let (paid, margin, refunded) = Self::settle_era(id, &b, era);
			b.escrow =
				b.escrow.saturating_sub(paid).saturating_sub(margin).saturating_sub(refunded);
			b.next_to_settle = era.saturating_add(1);
			Ledger::<T>::mutate(|l| {
				l.paid = l.paid.saturating_add(paid);
				l.margin = l.margin.saturating_add(margin);
				l.refunded = l.refunded.saturating_add(refunded);
			});
			Self::deposit_event(Event::EraSettled { booking: id, era, paid, margin, refunded });
			if b.next_to_settle >= b.end {
				// Best effort: a failure here leaves the record for try_state to flag.
				let _ = Self::finish(id, b);
			} else {
				Bookings::<T>::insert(id, b);
			}
		}

		/// Moves `era`'s cost of booking `b` out of escrow; returns (paid, margin, refunded).
		fn settle_era(id: BookingId, b: &Booking<T>, era: EraIndex) -> (Balance, Balance, Balance) {
			let price = b.price_at(era);
			let escrow = HoldReason::BookingEscrow.into();
			let (mut paid, mut refunded) = (0, 0);
			for (node, units) in &b.assignments {
				let share = price.saturating_mul((*units).into());
				if share == 0 {
					continue;
				}
				if T::Sla::failed(*node, era) {
					if T::Currency::release(&escrow, &b.builder, share, Precision::Exact).is_ok() {
						refunded += share;
						Self::deposit_event(Event::NodeRefunded {
							booking: id,
							era,
							node: *node,
							amount: share,
						});
					}
					continue;
				}
				let (p, r) = Self::pay_node_share(id, era, *node, &b.builder, share);
				paid += p;
				refunded += r;
			}
			let (_, margin_due) = b.era_cost(era);
			let margin = match T::Currency::transfer_on_hold(
				&escrow,
				&b.builder,
				&T::Treasury::get(),
				margin_due,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Polite,
			) {
				Ok(m) => m,
				Err(_) => {
					// Cannot happen while the hold matches the records; never keep it held.
					let back = T::Currency::release(
						&escrow,
						&b.builder,
						margin_due,
						Precision::BestEffort,
					)
					.unwrap_or(0);
					refunded += back;
					0
				},
			};
			(paid, margin, refunded)
		}

		/// Pays a node's `share` out of `builder`'s escrow: delegators their stake's part
		/// less the provider's commission, the rest to the provider (into its collateral
		/// while under-collateralized). Returns (paid, refunded): what the node can't be
		/// paid (it left) goes back to the builder.
		fn pay_node_share(
			id: BookingId,
			era: EraIndex,
			node: NodeId,
			builder: &T::AccountId,
			share: Balance,
		) -> (Balance, Balance) {
			let escrow = HoldReason::BookingEscrow.into();
			let Some(shares) = T::Rewards::reward_shares(node) else {
				// The node is gone: its share stays with the builder.
				let back = T::Currency::release(&escrow, builder, share, Precision::BestEffort)
					.unwrap_or(0);
				Self::deposit_event(Event::NodeRefunded { booking: id, era, node, amount: back });
				return (0, back);
			};
			// Straight out of the hold: the escrow was within what the builder could spend
			// when it was taken, so these moves cannot meet a freeze.
			let pay = |to: &T::AccountId, amount: Balance| {
				T::Currency::transfer_on_hold(
					&escrow,
					builder,
					to,
					amount,
					Precision::Exact,
					Restriction::Free,
					Fortitude::Polite,
				)
				.is_ok()
			};
			let (parts, provider_part) = shares.split(share);
			let (mut out, mut failed) = (0, 0);
			for (who, net) in parts {
				if pay(&who, net) {
					out += net;
				} else {
					failed += net;
				}
			}
			if provider_part > 0 {
				if pay(&shares.provider, provider_part) {
					out += provider_part;
					// Into its collateral while the node is under-collateralized.
					let _ = T::Rewards::credit_node(node, provider_part);
				} else {
					failed += provider_part;
				}
			}
			let mut refunded = 0;
			if failed > 0 {
				// Not a gone node: an error, surfaced (and the amount leaves escrow back to the
				// builder, so nothing is stuck).
				refunded = T::Currency::release(&escrow, builder, failed, Precision::BestEffort)
					.unwrap_or(0);
				Self::deposit_event(Event::SettlementFailed {
					booking: id,
					era,
					node,
					amount: refunded,
				});
			}
			Self::deposit_event(Event::NodePaid { booking: id, era, node, amount: out });
			(out, refunded)
		}

		/// Holds `amount` more in `who`'s escrow, if its escrow then stays within what it can
		/// spend ([`Config::EscrowLimit`]): settlement can then always pay it out.
		fn hold_escrow(who: &T::AccountId, amount: Balance) -> DispatchResult {
			use frame_support::traits::fungible::InspectHold;
			use sp_runtime::traits::Convert;
			let reason = HoldReason::BookingEscrow.into();
			let after = T::Currency::balance_on_hold(&reason, who).saturating_add(amount);
			ensure!(after <= T::EscrowLimit::convert(who.clone()), Error::<T>::EscrowNotSpendable);
			T::Currency::hold(&reason, who, amount)
		}

		/// Ends booking `id`: releases its capacity, refunds any escrow left, removes it.
		fn finish(id: BookingId, b: Booking<T>) -> DispatchResult {
			for (node, units) in &b.assignments {
				// A node that left has nothing booked any more.
				let _ = T::Capacity::release(*node, *units);
			}
			if b.escrow > 0 {
				T::Currency::release(
					&HoldReason::BookingEscrow.into(),
					&b.builder,
					b.escrow,
					Precision::BestEffort,
				)?;
				Ledger::<T>::mutate(|l| l.refunded = l.refunded.saturating_add(b.escrow));
			}
			BuilderBookings::<T>::mutate(&b.builder, |ids| ids.retain(|i| *i != id));
			Bookings::<T>::remove(id);
			Self::deposit_event(Event::BookingEnded { booking: id });
			Ok(())
		}

		/// Checks conservation: each builder's `BookingEscrow` hold equals its bookings'
		/// escrow; each booking's escrow equals the cost of its unsettled eras; everything
		/// escrowed was paid, taken as margin, refunded or is still held.
		///
		/// (Escrow within what a builder can spend is enforced when it is taken, by `book` and
		/// `extend`; it is not an invariant of the state, since a later slash of the builder's
		/// own delegation or collateral can lower its balance under its escrow — a payment it
		/// can then no longer make surfaces as `SettlementFailed`.)
		#[cfg(any(feature = "try-runtime", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::btree_map::BTreeMap;
			use frame_support::traits::fungible::InspectHold;
			let mut held: BTreeMap<T::AccountId, Balance> = BTreeMap::new();
			let mut total: Balance = 0;
			for (id, b) in Bookings::<T>::iter() {
				ensure!(
					b.escrow == b.cost_of(b.next_to_settle, b.end),
					"booking escrow differs from its unsettled eras"
				);
				ensure!(
					b.prices.windows(2).all(|w| w[0].0 < w[1].0)
						&& b.prices.iter().all(|(start, _)| *start < b.end),
					"price segments out of order or past the booking's end"
				);
				ensure!(
					BuilderBookings::<T>::get(&b.builder).contains(&id),
					"booking missing from its builder"
				);
				let e = held.entry(b.builder.clone()).or_default();
				*e = e.saturating_add(b.escrow);
				total = total.saturating_add(b.escrow);
			}
			for (who, amount) in &held {
				ensure!(
					T::Currency::balance_on_hold(&HoldReason::BookingEscrow.into(), who) == *amount,
					"BookingEscrow hold differs from the bookings"
				);
			}
			let l = Ledger::<T>::get();
			ensure!(
				l.escrowed
					== l.paid
						.saturating_add(l.margin)
						.saturating_add(l.refunded)
						.saturating_add(total),
				"escrow not conserved"
			);
			Ok(())
		}
	}
	/// How far settlement is: the SLA oracle keeps each era's failure records until then.
	impl<T: Config> SettledEras for Pallet<T> {
		fn settled(era: EraIndex) -> bool {
			SettlementCursor::<T>::get().is_some_and(|(next, _)| era < next)
		}
	}
}
