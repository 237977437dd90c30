//! Benchmarks of every call and of the settlement steps, at their worst cases (the most
//! nodes per booking, each node with delegators).

use super::*;
use crate::Pallet as Marketplace;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{fungible::Mutate, Get},
	weights::WeightMeter,
};
use frame_system::RawOrigin;
use icn_primitives::currency::ICNT;

fn builder<T: Config>() -> T::AccountId {
	let who: T::AccountId = account("builder", 0, 0);
	T::Currency::set_balance(&who, 1_000_000_000 * ICNT);
	who
}

/// A booking of one unit on each of `n` nodes (each node one unit, so the booking needs
/// them all), for 10 eras.
fn booked<T: Config>(n: u32) -> (T::AccountId, BookingId) {
	let cluster = T::BenchmarkHelper::bookable_cluster(n, 1, false);
	let who = builder::<T>();
	let id = NextBookingId::<T>::get();
	Marketplace::<T>::book(RawOrigin::Signed(who.clone()).into(), cluster, n, 10, Balance::MAX)
		.expect("book");
	(who, id)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn book(n: Linear<1, { T::MaxNodesPerBooking::get() }>) {
		// The quote reads every node of a full cluster (and each one's SLA score); the
		// booking needs the `n` cheapest.
		let cluster = T::BenchmarkHelper::bookable_cluster(n, 1, false);
		T::BenchmarkHelper::fill_cluster(cluster);
		let who = builder::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(who), cluster, n, 10, Balance::MAX);
		assert_eq!(Bookings::<T>::get(0).expect("booked").assignments.len() as u32, n);
	}

	#[benchmark]
	fn cancel(n: Linear<1, { T::MaxNodesPerBooking::get() }>) {
		let (who, id) = booked::<T>(n);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id);
		// Cancelled before its start: ended at once.
		assert!(Bookings::<T>::get(id).is_none());
	}

	#[benchmark]
	fn extend(n: Linear<1, { T::MaxNodesPerBooking::get() }>) {
		let (who, id) = booked::<T>(n);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), id, 5, Balance::MAX);
		assert_eq!(Bookings::<T>::get(id).expect("booking").prices.len(), 2);
	}

	#[benchmark]
	fn set_margin() {
		#[extrinsic_call]
		_(RawOrigin::Root, Perbill::from_percent(20));
		assert_eq!(Margin::<T>::get(), Perbill::from_percent(20));
	}

	#[benchmark]
	fn settle_booking_era(n: Linear<1, { T::MaxNodesPerBooking::get() }>) {
		let cluster = T::BenchmarkHelper::bookable_cluster(n, 1, true);
		let who = builder::<T>();
		Marketplace::<T>::book(RawOrigin::Signed(who).into(), cluster, n, 10, Balance::MAX)
			.expect("book");
		// Era 1 is over; settle exactly one booking-era.
		let start = u32::try_from(Marketplace::<T>::era_start_block(2)).unwrap_or(u32::MAX);
		frame_system::Pallet::<T>::set_block_number(start.into());
		SettlementCursor::<T>::put((1, None::<BookingId>));
		T::BenchmarkHelper::finalize_era(1);
		let mut meter = WeightMeter::with_limit(T::WeightInfo::settle_booking_era(n));
		#[block]
		{
			Marketplace::<T>::settle(&mut meter);
		}
		assert_eq!(Bookings::<T>::get(0).expect("booking").next_to_settle, 2);
	}

	#[benchmark]
	fn settle_era_done() {
		let start = u32::try_from(Marketplace::<T>::era_start_block(2)).unwrap_or(u32::MAX);
		frame_system::Pallet::<T>::set_block_number(start.into());
		SettlementCursor::<T>::put((1, None::<BookingId>));
		T::BenchmarkHelper::finalize_era(1);
		let mut meter = WeightMeter::with_limit(T::WeightInfo::settle_era_done());
		#[block]
		{
			Marketplace::<T>::settle(&mut meter);
		}
		assert_eq!(SettlementCursor::<T>::get(), Some((2, None)));
	}

	impl_benchmark_test_suite!(Marketplace, crate::mock::new_test_ext(), crate::mock::Test);
}
