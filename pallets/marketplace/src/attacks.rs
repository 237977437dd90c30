//! Attacks on the marketplace, one test each, named after the attack: each failed (the
//! attacker won) on the code before its fix.

use crate::{
	mock::*,
	tests::{events, origin},
	*,
};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
	weights::WeightMeter,
};
use icn_primitives::currency::ICNT;

/// Freezes all of `n`'s ICNT but `spendable` (as a vesting schedule does).
fn freeze_all_but(n: u8, spendable: Balance) {
	frame_system::Account::<Test>::mutate(account(n), |a| {
		a.data.frozen = a.data.free.saturating_add(a.data.reserved).saturating_sub(spendable)
	});
}

/// A builder whose ICNT is frozen (vesting) booked capacity: `book` held frozen ICNT (holds
/// and freezes overlap), every settlement transfer then failed the freeze check and fell
/// into the refund branch — the builder got the service, the provider almost nothing (on
/// `--dev`: 2 transferable ICNT booked 25 ICNT, the provider got 0.35). Escrow now comes only
/// from what the builder can spend, and all of it reaches the provider.
#[test]
fn vesting_icnt_books_capacity_for_free() {
	run(|| {
		let id = pallet_icn_providers::NextNodeId::<Test>::get();
		let mut s = spec(10);
		s.reservation_price = ICNT;
		assert_ok!(Providers::register_node(origin(1), s, PER_UNIT * 10, Default::default()));
		const BUILDER: u8 = 50;
		freeze_all_but(BUILDER, 2 * ICNT);
		// 4 units × 1 ICNT × 4 eras + 25 %: 20 ICNT, of which 2 are spendable.
		assert_noop!(
			Marketplace::book(origin(BUILDER), 0, 4, 4, 100 * ICNT),
			Error::<Test>::EscrowNotSpendable
		);
		// Twice within what it can spend is refused too: holds do not make frozen ICNT free.
		freeze_all_but(BUILDER, 30 * ICNT);
		assert_ok!(Marketplace::book(origin(BUILDER), 0, 4, 4, 100 * ICNT));
		assert_noop!(
			Marketplace::book(origin(BUILDER), 0, 4, 4, 100 * ICNT),
			Error::<Test>::EscrowNotSpendable
		);
		// Every era is paid to the provider, none refunded.
		let before = Balances::balance(&account(1)) + Balances::total_balance_on_hold(&account(1));
		for era in 1..=5u32 {
			System::set_block_number(u64::from(era) * ERA);
			Marketplace::settle(&mut WeightMeter::new());
		}
		let after = Balances::balance(&account(1)) + Balances::total_balance_on_hold(&account(1));
		assert_eq!(after - before, 16 * ICNT);
		assert!(!events()
			.iter()
			.any(|e| matches!(e, Event::NodeRefunded { .. } | Event::SettlementFailed { .. })));
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::BookingEscrow.into(), &account(BUILDER)),
			0
		);
		let _ = id;
	});
}

/// Extending a booking after cancelling part of it charged a stale price segment again:
/// `cancel` left the segment of an earlier extension (beyond the new end) in place, and the
/// next `extend` paid for its eras at that old price as well as at the new one (refunded only
/// when the booking ended). Cancel now drops the segments of the eras it refunds.
#[test]
fn extend_after_cancel_charges_a_stale_segment_twice() {
	run(|| {
		let mut s = spec(10);
		s.reservation_price = ICNT;
		assert_ok!(Providers::register_node(origin(1), s, PER_UNIT * 10, Default::default()));
		const BUILDER: u8 = 50;
		let escrow =
			|| Balances::balance_on_hold(&HoldReason::BookingEscrow.into(), &account(BUILDER));
		// Eras 1–4, then extended to 8 (a second segment from era 5).
		assert_ok!(Marketplace::book(origin(BUILDER), 0, 2, 4, Balance::MAX));
		assert_ok!(Marketplace::extend(origin(BUILDER), 0, 4, Balance::MAX));
		// In era 1, cancel: eras 2–8 refunded.
		System::set_block_number(ERA);
		assert_ok!(Marketplace::cancel(origin(BUILDER), 0));
		let before = escrow();
		// Extend by 2 (eras 2–3): 2 units × 1 ICNT × 2 eras + 25 % = 5 ICNT, no more.
		assert_ok!(Marketplace::extend(origin(BUILDER), 0, 2, Balance::MAX));
		assert_eq!(escrow() - before, 5 * ICNT);
		Marketplace::do_try_state().expect("conservation");
	});
}
