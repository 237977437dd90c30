//! The bodies of the pallet's calls: each call in `lib.rs` checks its origin and hands
//! over to its `do_*` function here.

use crate::{pallet::*, *};
use frame_support::{
	pallet_prelude::*,
	traits::{fungible::MutateHold, tokens::Precision},
};

impl<T: Config> Pallet<T> {
	/// The body of [`Pallet::book`], its origin checked.
	pub(crate) fn do_book(
		builder: T::AccountId,
		cluster: ClusterId,
		units: u32,
		eras: u32,
		max_total: Balance,
	) -> DispatchResultWithPostInfo {
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

	/// The body of [`Pallet::cancel`], its origin checked.
	pub(crate) fn do_cancel(who: T::AccountId, booking: BookingId) -> DispatchResult {
		let mut b = Bookings::<T>::get(booking).ok_or(Error::<T>::UnknownBooking)?;
		ensure!(b.builder == who, Error::<T>::NotBuilder);
		let new_end = Self::current_era().saturating_add(1).max(b.start).max(b.next_to_settle);
		ensure!(new_end < b.end, Error::<T>::BookingOver);
		let refund = b.cost_of(new_end, b.end);
		T::Currency::release(&HoldReason::BookingEscrow.into(), &who, refund, Precision::Exact)?;
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

	/// The body of [`Pallet::extend`], its origin checked.
	pub(crate) fn do_extend(
		who: T::AccountId,
		booking: BookingId,
		eras: u32,
		max_total: Balance,
	) -> DispatchResult {
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

	/// The body of [`Pallet::set_margin`], its origin checked.
	pub(crate) fn do_set_margin(margin: Perbill) -> DispatchResult {
		Margin::<T>::put(margin);
		Self::deposit_event(Event::MarginSet { margin });
		Ok(())
	}
}
