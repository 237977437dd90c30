//! Settlement (protocol §6): after an era is final, each booking's share of it is paid from
//! its escrow hold to the nodes that served it (and their delegators) and the protocol
//! margin to the treasury, or refunded to the builder for nodes that failed — booking by
//! booking, within the weight `on_poll` allows.

use crate::{pallet::*, *};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
	},
	weights::WeightMeter,
};

impl<T: Config> Pallet<T> {
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
					let due =
						Bookings::<T>::get(id).filter(|b| b.next_to_settle == era && era < b.end);
					let cost = match &due {
						Some(b) => T::WeightInfo::settle_booking_era(b.assignments.len() as u32),
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
	pub(crate) fn settle_booking(id: BookingId, mut b: Booking<T>, era: EraIndex) {
		let (paid, margin, refunded) = Self::settle_era(id, &b, era);
		b.escrow = b.escrow.saturating_sub(paid).saturating_sub(margin).saturating_sub(refunded);
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
	pub(crate) fn settle_era(
		id: BookingId,
		b: &Booking<T>,
		era: EraIndex,
	) -> (Balance, Balance, Balance) {
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
				let back =
					T::Currency::release(&escrow, &b.builder, margin_due, Precision::BestEffort)
						.unwrap_or(0);
				refunded += back;
				0
			},
		};
		(paid, margin, refunded)
	}

	/// Pays a node's `share` out of `builder`'s escrow: its delegators their stake's part
	/// less the provider's commission (into the delegators' pot, credited to the node's
	/// pool, whatever the number of delegators), the rest to the provider (into its collateral
	/// while under-collateralized). Returns (paid, refunded): what the node can't be
	/// paid (it left) goes back to the builder.
	pub(crate) fn pay_node_share(
		id: BookingId,
		era: EraIndex,
		node: NodeId,
		builder: &T::AccountId,
		share: Balance,
	) -> (Balance, Balance) {
		let escrow = HoldReason::BookingEscrow.into();
		let Some(shares) = T::Rewards::reward_shares(node) else {
			// The node is gone: its share stays with the builder.
			let back =
				T::Currency::release(&escrow, builder, share, Precision::BestEffort).unwrap_or(0);
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
		let (to_delegators, provider_part) = shares.split(share);
		let (mut out, mut failed) = (0, 0);
		if to_delegators > 0 {
			// Into the delegators' pot, credited to the node's pool as one payment.
			let pot = T::Rewards::delegators_pot();
			if frame_support::storage::with_storage_layer(|| {
				if !pay(&pot, to_delegators) {
					return Err(DispatchError::Other("payment into the delegators' pot"));
				}
				T::Rewards::credit_delegators(node, to_delegators)
			})
			.is_ok()
			{
				out += to_delegators;
			} else {
				failed += to_delegators;
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
			refunded =
				T::Currency::release(&escrow, builder, failed, Precision::BestEffort).unwrap_or(0);
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

	/// Ends booking `id`: releases its capacity, refunds any escrow left, removes it.
	pub(crate) fn finish(id: BookingId, b: Booking<T>) -> DispatchResult {
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
}
