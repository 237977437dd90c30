//! The pallet's own functions: checks, accounting, state queries and invariants, used by
//! its calls, hooks and trait implementations.

use crate::{pallet::*, *};
use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, traits::fungible::MutateHold};
use sp_runtime::traits::UniqueSaturatedInto;

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

	/// Holds `amount` more in `who`'s escrow, if its escrow then stays within what it can
	/// spend ([`Config::EscrowLimit`]): settlement can then always pay it out.
	pub(crate) fn hold_escrow(who: &T::AccountId, amount: Balance) -> DispatchResult {
		use frame_support::traits::fungible::InspectHold;
		use sp_runtime::traits::Convert;
		let reason = HoldReason::BookingEscrow.into();
		let after = T::Currency::balance_on_hold(&reason, who).saturating_add(amount);
		ensure!(after <= T::EscrowLimit::convert(who.clone()), Error::<T>::EscrowNotSpendable);
		T::Currency::hold(&reason, who, amount)
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
				== l.paid.saturating_add(l.margin).saturating_add(l.refunded).saturating_add(total),
			"escrow not conserved"
		);
		Ok(())
	}
}
