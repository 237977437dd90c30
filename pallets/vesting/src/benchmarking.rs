//! Benchmarks of `pallet-icn-vesting` (frame-benchmarking v2), worst cases: the most
//! schedules per account, decaying curves (the costlier arithmetic).

#![cfg(feature = "runtime-benchmarks")]

use super::*;
use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Get};
use frame_system::RawOrigin;
use sp_arithmetic::Perbill;

/// A decaying schedule counted from genesis with no cliff, so it releases every block.
fn decaying() -> Schedule {
	Schedule {
		tge: Perbill::zero(),
		cliff_months: 0,
		curve: Curve::Decaying { first_month: Perbill::from_percent(20) },
		duration_months: 48,
	}
}

const AMOUNT: Balance = 1_000_000_000_000_000_000_000;

/// Gives `who` `s` decaying schedules out of the Ecosystem partners pool.
fn with_schedules<T: Config>(who: &T::AccountId, s: u32) -> Result<(), BenchmarkError> {
	let pool = Pallet::<T>::pool_account(Bucket::EcosystemPartners);
	// Benchmark set-up only: top the pool up above whatever it holds frozen.
	T::Currency::mint_into(&pool, AMOUNT.saturating_mul(u128::from(s) + 2))?;
	for _ in 0..s {
		Pallet::<T>::add_schedule(
			RawOrigin::Root.into(),
			who.clone(),
			Bucket::EcosystemPartners,
			AMOUNT,
			decaying(),
		)?;
	}
	Ok(())
}

/// Moves to half-way through the first month, where every schedule is releasing.
fn frontier<T: Config>() {
	let block = (Months::<T>::get().latest_length() / 2).max(1);
	frame_system::Pallet::<T>::set_block_number(block.into());
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn vest(s: Linear<1, { T::MaxSchedules::get() }>) -> Result<(), BenchmarkError> {
		let caller: T::AccountId = whitelisted_caller();
		with_schedules::<T>(&caller, s)?;
		// Half-way through the first month: the decaying curve is releasing.
		frontier::<T>();

		#[extrinsic_call]
		vest(RawOrigin::Signed(caller.clone()));

		assert!(Vesting::<T>::get(&caller).is_some());
		Ok(())
	}

	#[benchmark]
	fn add_schedule(s: Linear<0, { T::MaxSchedules::get() - 1 }>) -> Result<(), BenchmarkError> {
		let who: T::AccountId = account("beneficiary", 0, 0);
		with_schedules::<T>(&who, s)?;

		#[extrinsic_call]
		add_schedule(RawOrigin::Root, who.clone(), Bucket::EcosystemPartners, AMOUNT, decaying());

		assert_eq!(Vesting::<T>::decode_len(&who), Some(s as usize + 1));
		Ok(())
	}

	#[benchmark]
	fn force_remove_schedule(
		s: Linear<1, { T::MaxSchedules::get() }>,
	) -> Result<(), BenchmarkError> {
		let who: T::AccountId = account("beneficiary", 0, 0);
		with_schedules::<T>(&who, s)?;
		// Half-way through the first month: the decaying curve is releasing.
		frontier::<T>();

		#[extrinsic_call]
		force_remove_schedule(RawOrigin::Root, who.clone(), 0);

		assert_eq!(Vesting::<T>::decode_len(&who).unwrap_or(0), s as usize - 1);
		Ok(())
	}

	/// The worst case: the clock holds all but one of its segments, the call adds the last.
	#[benchmark]
	fn set_month_blocks() {
		let mut months = Months::<T>::get();
		let length = months.latest_length();
		for i in 1..icn_primitives::clock::MAX_CLOCK_SEGMENTS - 1 {
			months.set_length(u64::from(i) * 1_000, length).expect("room");
		}
		Months::<T>::put(months);
		frame_system::Pallet::<T>::set_block_number(1_000_000u32.into());

		#[extrinsic_call]
		set_month_blocks(RawOrigin::Root, length);

		assert_eq!(
			Months::<T>::get().0.segments.len() as u32,
			icn_primitives::clock::MAX_CLOCK_SEGMENTS
		);
	}

	/// The worst case: the clock holds all but one of its segments, the call adds the last.
	#[benchmark]
	fn set_era_blocks() {
		let mut eras = Eras::<T>::get();
		let length = eras.latest_length();
		for i in 1..icn_primitives::clock::MAX_CLOCK_SEGMENTS - 1 {
			eras.set_length(u64::from(i) * 1_000, length).expect("room");
		}
		Eras::<T>::put(eras);
		frame_system::Pallet::<T>::set_block_number(1_000_000u32.into());

		#[extrinsic_call]
		set_era_blocks(RawOrigin::Root, length);

		assert_eq!(
			Eras::<T>::get().0.segments.len() as u32,
			icn_primitives::clock::MAX_CLOCK_SEGMENTS
		);
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
