//! Tests of the marketplace: quotes equal charges, slippage and unfillable bookings,
//! assignment order, settlement with SLA refunds and delegators, cancel, extend, natural
//! end, capacity never oversold; conservation checked after every test.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
	weights::WeightMeter,
};
use icn_primitives::currency::ICNT;
use proptest::prelude::*;

pub(crate) fn origin(n: u8) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(n))
}

/// Provider account `n` registers a node of `units` at `price` per unit-era; returns its id.
fn node(n: u8, units: u32, price: Balance) -> NodeId {
	let id = pallet_icn_providers::NextNodeId::<Test>::get();
	let mut s = spec(units);
	s.reservation_price = price;
	assert_ok!(Providers::register_node(
		origin(n),
		s,
		PER_UNIT * units as Balance,
		Default::default()
	));
	id
}

fn escrow(n: u8) -> Balance {
	Balances::balance_on_hold(&HoldReason::BookingEscrow.into(), &account(n))
}

fn free(who: &sp_runtime::AccountId32) -> Balance {
	Balances::balance(who)
}

fn booked(node: NodeId) -> u32 {
	pallet_icn_providers::Nodes::<Test>::get(node).map(|n| n.booked).unwrap_or(0)
}

/// Moves to the first block of `era` and settles everything final before it.
fn to_era(era: EraIndex) {
	System::set_block_number(u64::from(era) * ERA);
	Marketplace::settle(&mut WeightMeter::new());
}

pub(crate) fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Marketplace(e) => Some(e),
			_ => None,
		})
		.collect()
}

const BUILDER: u8 = 50;

#[test]
fn the_cluster_price_is_the_most_expensive_node_needed_plus_the_margin() {
	run(|| {
		let a = node(1, 4, 3 * ICNT);
		let b = node(2, 4, ICNT);
		let c = node(3, 4, 2 * ICNT);
		// 6 units: all of b (1 ICNT) and 2 of c (2 ICNT): price 2 ICNT for every unit.
		let q = Marketplace::quote(0, 6, 10).unwrap();
		assert_eq!(q.assignments, vec![(b, 4), (c, 2)]);
		assert_eq!(q.price, 2 * ICNT);
		assert_eq!(q.provider_total, 2 * ICNT * 6 * 10);
		assert_eq!(q.margin_total, q.provider_total / 4);
		assert_eq!(q.total, q.provider_total + q.margin_total);
		// 9 units need a too.
		assert_eq!(Marketplace::quote(0, 9, 1).unwrap().price, 3 * ICNT);
		assert_eq!(Marketplace::quote(0, 9, 1).unwrap().assignments, vec![(b, 4), (c, 4), (a, 1)]);
		assert_eq!(Marketplace::quote(0, 13, 1), Err(QuoteError::Unfillable));
		assert_eq!(Marketplace::quote(9, 1, 1), Err(QuoteError::UnknownCluster));
		assert_eq!(Marketplace::quote(0, 0, 1), Err(QuoteError::Empty));
		assert_eq!(Marketplace::quote(0, 1, 101), Err(QuoteError::TooLong));
	});
}

#[test]
fn assignment_cheapest_then_higher_score_then_longer_commitment() {
	run(|| {
		// Nodes 0–6 at 2 ICNT (node 1 has a lower SLA score), node 7 at 1 ICNT.
		for n in 1..=7 {
			node(n, 1, 2 * ICNT);
		}
		let cheap = node(8, 1, ICNT);
		// Node 0's commitment is extended: first among the equals.
		assert_ok!(Providers::extend_commitment(origin(1), 0, 1));
		let order = |units| -> Vec<NodeId> {
			Marketplace::quote(0, units, 1)
				.unwrap()
				.assignments
				.iter()
				.map(|(n, _)| *n)
				.collect()
		};
		assert_eq!(order(4), vec![cheap, 0, 2, 3]);
		// More nodes than one booking may use: refused.
		assert_eq!(Marketplace::quote(0, 5, 1), Err(QuoteError::TooManyNodes));
		// Nodes whose commitment ends before the booking are not eligible: 36 months of
		// 100 blocks from block 1 end at block 3601; node 0's extension ends at 4201.
		System::set_block_number(300 * ERA);
		assert_eq!(Marketplace::quote(0, 1, 100).unwrap().assignments, vec![(0, 1)]);
		assert_eq!(Marketplace::quote(0, 2, 100), Err(QuoteError::Unfillable));
	});
}

#[test]
fn book_holds_exactly_the_quote_and_reserves_the_units() {
	run(|| {
		let a = node(1, 4, ICNT);
		let b = node(2, 4, 2 * ICNT);
		let q = Marketplace::quote(0, 6, 5).unwrap();
		let before = free(&account(BUILDER));
		// Slippage guard: one planck short of the quote.
		assert_noop!(
			Marketplace::book(origin(BUILDER), 0, 6, 5, q.total - 1),
			Error::<Test>::PriceAboveMax
		);
		assert_ok!(Marketplace::book(origin(BUILDER), 0, 6, 5, q.total));
		assert_eq!(escrow(BUILDER), q.total);
		assert_eq!(free(&account(BUILDER)), before - q.total);
		assert_eq!(Balances::total_balance(&account(BUILDER)), before);
		assert_eq!((booked(a), booked(b)), (4, 2));
		let bk = Bookings::<Test>::get(0).unwrap();
		assert_eq!((bk.start, bk.end, bk.escrow), (1, 6, q.total));
		assert!(events().contains(&Event::Booked {
			booking: 0,
			builder: account(BUILDER),
			cluster: 0,
			units: 6,
			start: 1,
			end: 6,
			price: 2 * ICNT,
			total: q.total
		}));
	});
}

#[test]
fn an_unfillable_booking_holds_and_reserves_nothing() {
	run(|| {
		let a = node(1, 4, ICNT);
		assert_noop!(
			Marketplace::book(origin(BUILDER), 0, 5, 1, Balance::MAX),
			Error::<Test>::Unfillable
		);
		assert_noop!(
			Marketplace::book(origin(BUILDER), 3, 1, 1, Balance::MAX),
			Error::<Test>::UnknownCluster
		);
		assert_noop!(
			Marketplace::book(origin(BUILDER), 0, 0, 1, Balance::MAX),
			Error::<Test>::EmptyBooking
		);
		assert_eq!(escrow(BUILDER), 0);
		assert_eq!(booked(a), 0);
		// A builder without the funds: nothing held either.
		assert!(
			Marketplace::book(RuntimeOrigin::signed(account(199)), 0, 1, 1, Balance::MAX).is_err()
		);
		assert_eq!(booked(a), 0);
	});
}

#[test]
fn settlement_pays_providers_margin_and_refunds_a_failed_node_exactly() {
	run(|| {
		let a = node(1, 2, 2 * ICNT);
		let b = node(2, 2, 2 * ICNT);
		let q = Marketplace::quote(0, 4, 3).unwrap();
		assert_ok!(Marketplace::book(origin(BUILDER), 0, 4, 3, q.total));
		let (a0, b0, t0, u0) =
			(free(&account(1)), free(&account(2)), free(&Treasury::get()), free(&account(BUILDER)));
		// Node a fails era 2.
		fail(a, 2);
		// Results of era 2 are not final yet: settlement stops after era 1.
		hold_results(2, true);
		to_era(4);
		let share = 2 * 2 * ICNT;
		let margin = Perbill::from_percent(25).mul_floor(4 * 2 * ICNT);
		assert_eq!(free(&account(1)), a0 + share);
		assert_eq!(Bookings::<Test>::get(0).unwrap().next_to_settle, 2);
		hold_results(2, false);
		to_era(4);
		// Era 1: both paid; era 2: b paid, a's share refunded; era 3: both paid.
		assert_eq!(free(&account(1)), a0 + 2 * share);
		assert_eq!(free(&account(2)), b0 + 3 * share);
		assert_eq!(free(&Treasury::get()), t0 + 3 * margin);
		assert_eq!(free(&account(BUILDER)), u0 + share);
		assert!(events().contains(&Event::NodeRefunded {
			booking: 0,
			era: 2,
			node: a,
			amount: share
		}));
		// The booking ended by itself: escrow empty, capacity released, record gone.
		assert_eq!(escrow(BUILDER), 0);
		assert_eq!((booked(a), booked(b)), (0, 0));
		assert!(Bookings::<Test>::get(0).is_none());
		assert!(BuilderBookings::<Test>::get(account(BUILDER)).is_empty());
		assert!(events().contains(&Event::BookingEnded { booking: 0 }));
		let l = Ledger::<Test>::get();
		assert_eq!(
			(l.escrowed, l.paid, l.margin, l.refunded),
			(q.total, 5 * share, 3 * margin, share)
		);
	});
}

fn events_of_providers() -> Vec<pallet_icn_providers::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Providers(e) => Some(e),
			_ => None,
		})
		.collect()
}

#[test]
fn delegators_are_paid_their_stake_share_after_commission() {
	run(|| {
		// Own stake 10 units × 100 ICNT = 1,000 ICNT; a delegator adds 1,000 ICNT.
		let a = node(1, 10, ICNT);
		assert_ok!(Providers::delegate(origin(9), a, 1_000 * ICNT));
		let q = Marketplace::quote(0, 10, 1).unwrap();
		assert_ok!(Marketplace::book(origin(BUILDER), 0, 10, 1, q.total));
		let (p0, d0) = (free(&account(1)), free(&account(9)));
		to_era(2);
		let share = 10 * ICNT;
		// Half the share by stake, less the 10 % commission.
		let to_delegator = share / 2 - Perbill::from_percent(10).mul_floor(share / 2);
		assert_eq!(free(&account(1)), p0 + share - to_delegator);
		// The delegator's part waits in the pot until claimed.
		assert_eq!(free(&account(9)), d0);
		assert!(events_of_providers().contains(&pallet_icn_providers::Event::DelegatorsRewarded {
			node: a,
			amount: to_delegator
		}));
		assert_ok!(Providers::claim_rewards(origin(9), a));
		assert_eq!(free(&account(9)), d0 + to_delegator);
	});
}

#[test]
fn an_under_collateralized_node_has_its_share_go_into_collateral() {
	run(|| {
		let a = node(1, 10, ICNT);
		let q = Marketplace::quote(0, 10, 1).unwrap();
		assert_ok!(Marketplace::book(origin(BUILDER), 0, 10, 1, q.total));
		// Slashed 1 % (10 ICNT) after booking: its era share (10 ICNT) fills the gap.
		assert_ok!(<Providers as icn_primitives::providers::ProviderSlashing>::slash(
			a,
			Perbill::from_percent(1)
		));
		let p0 = free(&account(1));
		to_era(2);
		assert_eq!(free(&account(1)), p0);
		let n = pallet_icn_providers::Nodes::<Test>::get(a).unwrap();
		assert_eq!(n.collateral, 1_000 * ICNT);
		assert_eq!(n.status, pallet_icn_providers::NodeStatus::Active);
	});
}

#[test]
fn cancel_refunds_every_era_after_the_current_one() {
	run(|| {
		let a = node(1, 4, ICNT);
		let q = Marketplace::quote(0, 4, 10).unwrap();
		assert_ok!(Marketplace::book(origin(BUILDER), 0, 4, 10, q.total));
		let per_era = q.total / 10;
		to_era(3);
		assert_noop!(Marketplace::cancel(origin(2), 0), Error::<Test>::NotBuilder);
		let u0 = free(&account(BUILDER));
		// In era 3: eras 1–2 settled, 3 still runs, 4–10 refunded.
		assert_ok!(Marketplace::cancel(origin(BUILDER), 0));
		assert_eq!(free(&account(BUILDER)), u0 + 7 * per_era);
		assert_eq!(escrow(BUILDER), per_era);
		assert_eq!(booked(a), 4);
		assert_noop!(Marketplace::cancel(origin(BUILDER), 0), Error::<Test>::BookingOver);
		to_era(4);
		assert_eq!(escrow(BUILDER), 0);
		assert_eq!(booked(a), 0);
		assert!(Bookings::<Test>::get(0).is_none());
	});
}

#[test]
fn cancel_before_the_start_refunds_everything() {
	run(|| {
		let a = node(1, 4, ICNT);
		let q = Marketplace::quote(0, 4, 10).unwrap();
		let u0 = free(&account(BUILDER));
		assert_ok!(Marketplace::book(origin(BUILDER), 0, 4, 10, q.total));
		assert_ok!(Marketplace::cancel(origin(BUILDER), 0));
		assert_eq!(free(&account(BUILDER)), u0);
		assert_eq!(booked(a), 0);
		assert!(Bookings::<Test>::get(0).is_none());
	});
}

#[test]
fn extend_escrows_more_eras_at_the_current_price() {
	run(|| {
		let a = node(1, 4, ICNT);
		let q = Marketplace::quote(0, 4, 2).unwrap();
		assert_ok!(Marketplace::book(origin(BUILDER), 0, 4, 2, q.total));
		// The provider raises its price: the extension pays the new one.
		assert_ok!(Providers::update_node(
			origin(1),
			a,
			pallet_icn_providers::NodeUpdate {
				reservation_price: Some(2 * ICNT),
				..Default::default()
			}
		));
		assert_noop!(Marketplace::extend(origin(BUILDER), 0, 3, 0), Error::<Test>::PriceAboveMax);
		assert_ok!(Marketplace::extend(origin(BUILDER), 0, 3, Balance::MAX));
		let cost = 3 * (4 * 2 * ICNT + 2 * ICNT);
		assert_eq!(escrow(BUILDER), q.total + cost);
		assert!(events().contains(&Event::Extended { booking: 0, end: 6, price: 2 * ICNT, cost }));
		let p0 = free(&account(1));
		to_era(6);
		assert_eq!(free(&account(1)), p0 + 2 * 4 * ICNT + 3 * 4 * 2 * ICNT);
		assert!(Bookings::<Test>::get(0).is_none());
	});
}

#[test]
fn settlement_is_bounded_per_block() {
	run(|| {
		for n in 1..=4 {
			node(n, 1, ICNT);
		}
		for _ in 0..4 {
			assert_ok!(Marketplace::book(origin(BUILDER), 0, 1, 1, Balance::MAX));
		}
		System::set_block_number(2 * ERA);
		// Room for two booking steps only (besides skipping era 0, which had none).
		let step = <() as WeightInfo>::settle_booking_era(1);
		let skips = <() as WeightInfo>::settle_era_done().saturating_add(
			<<Test as frame_system::Config>::DbWeight as frame_support::traits::Get<
				frame_support::weights::RuntimeDbWeight,
			>>::get()
			.reads(4),
		);
		let mut meter = WeightMeter::with_limit(step.saturating_mul(2).saturating_add(skips));
		Marketplace::settle(&mut meter);
		let settled = events().iter().filter(|e| matches!(e, Event::EraSettled { .. })).count();
		assert_eq!(settled, 2);
		Marketplace::settle(&mut WeightMeter::new());
		assert_eq!(events().iter().filter(|e| matches!(e, Event::EraSettled { .. })).count(), 4);
		assert!(Bookings::<Test>::iter().next().is_none());
	});
}

#[test]
fn root_sets_the_margin() {
	run(|| {
		node(1, 1, ICNT);
		assert_noop!(
			Marketplace::set_margin(origin(1), Perbill::zero()),
			sp_runtime::DispatchError::BadOrigin
		);
		assert_ok!(Marketplace::set_margin(RuntimeOrigin::root(), Perbill::from_percent(10)));
		assert_eq!(Marketplace::quote(0, 1, 1).unwrap().margin_total, ICNT / 10);
	});
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(64))]

	/// Property: for random nodes and random bookings, what `book` holds is exactly what
	/// `quote` said, to the planck, and no node is ever booked beyond its capacity.
	#[test]
	fn quote_equals_charge_and_capacity_is_never_oversold(
		nodes in proptest::collection::vec((1u32..6, 1u128..10_000), 1..8),
		ops in proptest::collection::vec((0u8..4, 1u32..8, 1u32..20), 1..30),
	) {
		run(|| {
			for (i, (units, price)) in nodes.iter().enumerate() {
				node(i as u8 + 1, *units, *price * ICNT / 1000);
			}
			for (op, units, eras) in &ops {
				match op {
					0 | 1 => {
						let before = escrow(BUILDER);
						let full = BuilderBookings::<Test>::decode_len(account(BUILDER)).unwrap_or(0) as u32 >=
							<<Test as crate::Config>::MaxBookingsPerBuilder as frame_support::traits::Get<u32>>::get();
						match Marketplace::quote(0, *units, *eras) {
							// A builder with the most bookings is refused, whatever the quote.
							Ok(q) if full => {
								assert_noop!(
									Marketplace::book(origin(BUILDER), 0, *units, *eras, q.total),
									Error::<Test>::TooManyBookings
								);
							},
							Ok(q) => {
								assert_ok!(Marketplace::book(origin(BUILDER), 0, *units, *eras, q.total));
								assert_eq!(escrow(BUILDER), before + q.total);
							},
							Err(_) => {
								assert!(Marketplace::book(origin(BUILDER), 0, *units, *eras, Balance::MAX).is_err());
								assert_eq!(escrow(BUILDER), before);
							},
						}
					},
					2 => {
						if let Some(id) = BuilderBookings::<Test>::get(account(BUILDER)).first().copied() {
							let _ = Marketplace::cancel(origin(BUILDER), id);
						}
						let era = Marketplace::current_era() + 1;
						to_era(era);
					},
					_ => {
						// Extend the newest booking by `eras % 4 + 1`: what it charges is exactly
						// that many eras at the price it reports.
						if let Some(id) = BuilderBookings::<Test>::get(account(BUILDER)).last().copied() {
							let before = escrow(BUILDER);
							let b = Bookings::<Test>::get(id).unwrap();
							let n = eras % 4 + 1;
							if Marketplace::extend(origin(BUILDER), id, n, Balance::MAX).is_ok() {
								let Some(Event::Extended { price, cost, .. }) = events().into_iter().rev().find(|e| matches!(e, Event::Extended { .. })) else {
									panic!("extended without an event")
								};
								let providers = price * Balance::from(b.units);
								let per_era = providers + b.margin.mul_floor(providers);
								assert_eq!(cost, per_era * Balance::from(n), "an extension charges its eras at its price");
								assert_eq!(escrow(BUILDER), before + cost);
							} else {
								assert_eq!(escrow(BUILDER), before);
							}
						}
					},
				}
				// Never oversold, and the booked units match the live bookings.
				for (id, n) in pallet_icn_providers::Nodes::<Test>::iter() {
					assert!(n.booked <= n.capacity);
					let in_bookings: u32 = Bookings::<Test>::iter()
						.flat_map(|(_, b)| b.assignments.into_iter())
						.filter(|(node, _)| *node == id)
						.map(|(_, u)| u)
						.sum();
					assert_eq!(n.booked, in_bookings);
				}
				Marketplace::do_try_state().expect("conservation");
			}
		});
	}
}
