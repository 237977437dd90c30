//! Tests of the pure vesting parts.

/// The release curves.
mod schedule {
	use crate::schedule::*;
	use icn_primitives::currency::TOTAL_SUPPLY;
	use proptest::prelude::*;
	use sp_arithmetic::{FixedPointNumber, FixedU128, Perbill};

	const MONTH: u32 = 432_000;
	const ICNT: Balance = 1_000_000_000_000_000_000;

	fn network_rewards() -> Schedule {
		Schedule {
			tge: Perbill::from_percent(15),
			cliff_months: 0,
			curve: Curve::Decaying { first_month: Perbill::from_rational(184u32, 1000) },
			duration_months: 48,
		}
	}

	fn team() -> Schedule {
		Schedule {
			tge: Perbill::zero(),
			cliff_months: 12,
			curve: Curve::Linear,
			duration_months: 24,
		}
	}

	fn at_month(m: u64) -> u64 {
		m * MONTH as u64
	}

	#[test]
	fn decay_ratio_of_the_network_rewards_curve_is_about_0_816() {
		let r = decay_ratio(Perbill::from_rational(184u32, 1000), 48);
		let r = r.into_inner() as f64 / FixedU128::DIV as f64;
		assert!((r - 0.816).abs() < 0.001, "r = {r}");
	}

	#[test]
	fn reward_budget_spreads_the_tge_part_over_twelve_months_and_never_runs_ahead_of_vesting() {
		let total = 140_000_000 * ICNT;
		let s = network_rewards();
		let tge = s.tge_amount(total);
		let decaying = |t| s.vested(total, t, MONTH) - tge;
		assert_eq!(s.vested_with_tge_spread(total, 0, MONTH, 12), 0);
		// Half-way through month 6: half the TGE part plus what the curve released.
		let t = at_month(6);
		assert_eq!(s.vested_with_tge_spread(total, t, MONTH, 12), tge / 2 + decaying(t));
		assert_eq!(
			s.vested_with_tge_spread(total, at_month(12), MONTH, 12),
			s.vested(total, at_month(12), MONTH)
		);
		assert_eq!(s.vested_with_tge_spread(total, at_month(48), MONTH, 12), total);
		assert_eq!(s.vested_with_tge_spread(total, u64::MAX, MONTH, 12), total);
		// Non-decreasing and never above what the pool has vested, block by block over a
		// short-month schedule and sampled over the real one.
		for month_blocks in [10u32, MONTH] {
			let end = 49 * u64::from(month_blocks);
			let step = (end / 5_000).max(1);
			let mut last = 0;
			let mut t = 0;
			while t <= end {
				let budget = s.vested_with_tge_spread(total, t, month_blocks, 12);
				assert!(budget >= last, "budget fell at {t}");
				assert!(
					budget <= s.vested(total, t, month_blocks),
					"budget ahead of vesting at {t}"
				);
				last = budget;
				t += step;
			}
		}
	}

	#[test]
	fn decaying_curve_releases_18_4_percent_in_month_one_and_everything_by_month_48() {
		let total = 140_000_000 * ICNT;
		let s = network_rewards();
		let tge = s.tge_amount(total);
		assert_eq!(tge, 21_000_000 * ICNT);
		assert_eq!(s.vested(total, 0, MONTH), tge);
		let rest = total - tge;
		let month1 = s.vested(total, at_month(1), MONTH) - tge;
		// 18.4 % of the decaying part, to within a planck per ICNT.
		let expected = rest / 1000 * 184;
		assert!(month1.abs_diff(expected) < rest / 1_000_000_000_000, "{month1} vs {expected}");
		// Month 2 releases r times month 1.
		let month2 = s.vested(total, at_month(2), MONTH) - tge - month1;
		let ratio = month2 as f64 / month1 as f64;
		assert!((ratio - 0.816).abs() < 0.001, "ratio {ratio}");
		assert!(s.vested(total, at_month(48) - 1, MONTH) < total);
		assert_eq!(s.vested(total, at_month(48), MONTH), total);
		assert_eq!(s.vested(total, u64::MAX, MONTH), total);
	}

	#[test]
	fn the_48_monthly_releases_strictly_decrease_and_sum_to_the_part() {
		let total = 140_000_000 * ICNT;
		let s = network_rewards();
		let tge = s.tge_amount(total);
		let mut previous = u128::MAX;
		let mut sum = 0;
		for m in 1..=48 {
			let month =
				s.vested(total, at_month(m), MONTH) - s.vested(total, at_month(m - 1), MONTH);
			assert!(month < previous, "month {m}: {month} >= {previous}");
			previous = month;
			sum += month;
		}
		assert_eq!(sum, total - tge);
	}

	#[test]
	fn linear_after_a_cliff() {
		let total = 154_700_000 * ICNT;
		let s = team();
		assert_eq!(s.vested(total, 0, MONTH), 0);
		assert_eq!(s.vested(total, at_month(12), MONTH), 0);
		assert_eq!(s.next_unlock(at_month(3), MONTH), Some(at_month(12) + 1));
		assert_eq!(s.vested(total, at_month(24), MONTH), total / 2);
		assert_eq!(s.vested(total, at_month(36), MONTH), total);
		assert_eq!(s.next_unlock(at_month(36), MONTH), None);
	}

	#[test]
	fn fully_unlocked_at_genesis() {
		let s = Schedule::unlocked();
		assert_eq!(s.validate(), Ok(()));
		assert_eq!(s.vested(70_000_000 * ICNT, 0, MONTH), 70_000_000 * ICNT);
		assert_eq!(s.next_unlock(0, MONTH), None);
	}

	#[test]
	fn malformed_schedules_are_named() {
		let mut s = team();
		s.duration_months = 0;
		assert_eq!(s.validate(), Err(ScheduleError::ZeroDuration));
		s.duration_months = 49;
		assert_eq!(s.validate(), Err(ScheduleError::TooLong));
		let mut s = network_rewards();
		s.curve = Curve::Decaying { first_month: Perbill::from_rational(1u32, 48) };
		assert_eq!(s.validate(), Err(ScheduleError::NotDecaying));
		s.curve = Curve::Decaying { first_month: Perbill::one() };
		assert_eq!(s.validate(), Err(ScheduleError::NotDecaying));
	}

	/// A valid schedule: any TGE share, a cliff and duration ending by month 60, linear or
	/// decaying with any first-month share the curve allows.
	fn any_schedule() -> impl Strategy<Value = Schedule> {
		(0u32..=1_000_000_000, 1u32..=MAX_SCHEDULE_MONTHS, any::<bool>(), any::<u32>())
			.prop_flat_map(|(tge, duration, decaying, pick)| {
				let cliff = 0..=MAX_SCHEDULE_MONTHS - duration;
				let curve = if decaying && duration >= 2 {
					// Strictly between an even share and 100 %.
					let min = 1_000_000_000 / duration + 2;
					Curve::Decaying {
						first_month: Perbill::from_parts(min + pick % (999_999_999 - min)),
					}
				} else {
					Curve::Linear
				};
				cliff.prop_map(move |cliff_months| Schedule {
					tge: Perbill::from_parts(tge),
					cliff_months,
					curve,
					duration_months: duration,
				})
			})
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(256))]

		/// Property (proptest): for random schedules, amounts up to the whole supply in planck,
		/// month lengths and block numbers, the released amount never decreases, never
		/// exceeds the total, is exactly the total from the end on, and nothing overflows.
		#[test]
		fn release_is_monotonic_bounded_and_exact_at_the_end(
			s in any_schedule(),
			total in 0u128..=TOTAL_SUPPLY,
			month in 1u32..=432_000,
			mut blocks in proptest::collection::vec(any::<u64>(), 1..64),
			fraction in proptest::collection::vec(0u64..=1_000_000, 1..64),
		) {
			prop_assert_eq!(s.validate(), Ok(()));
			let end = u64::from(month) * u64::from(s.cliff_months + s.duration_months);
			// Blocks anywhere in u64 and blocks spread over the schedule itself.
			blocks.extend(fraction.iter().map(|f| end / 1_000_000 * f));
			blocks.sort_unstable();
			let mut last = 0;
			for at in blocks {
				let v = s.vested(total, at, month);
				prop_assert!(v >= last, "decreased at {}: {:?}", at, s);
				prop_assert!(v <= total);
				if at >= end {
					prop_assert_eq!(v, total);
				}
				last = v;
			}
			prop_assert_eq!(s.vested(total, end, month), total);
			prop_assert_eq!(s.vested(total, u64::MAX, month), total);
			// At genesis only the TGE part is out.
			prop_assert_eq!(s.vested(total, 0, month), s.tge_amount(total));
		}
	}
}

/// The §2.1 table.
mod buckets {
	use crate::{buckets::Bucket, schedule::Balance};
	use icn_primitives::currency::TOTAL_SUPPLY;

	#[test]
	fn buckets_sum_to_the_fixed_supply() {
		let sum: Balance = Bucket::ALL.iter().map(|b| b.amount()).sum();
		assert_eq!(sum, TOTAL_SUPPLY);
	}

	#[test]
	fn bucket_shares_match_the_protocol_percentages() {
		let permille = [221, 215, 54, 200, 110, 100, 100];
		for (bucket, share) in Bucket::ALL.iter().zip(permille) {
			assert_eq!(bucket.amount(), TOTAL_SUPPLY / 1000 * share, "{bucket:?}");
		}
	}

	#[test]
	fn every_schedule_is_valid_and_ends_by_month_60() {
		for bucket in Bucket::ALL {
			let s = bucket.schedule();
			assert_eq!(s.validate(), Ok(()), "{bucket:?}");
			assert!(s.cliff_months + s.duration_months <= 60, "{bucket:?}");
			// Everything is released at the schedule's end, to the planck.
			let end = u64::from(432_000u32) * u64::from(s.cliff_months + s.duration_months);
			assert_eq!(s.vested(bucket.amount(), end, 432_000), bucket.amount(), "{bucket:?}");
		}
	}
}

/// The pallet: genesis, freezes, calls, events, errors.
mod pallet {
	use crate::{
		mock::*, pallet::FreezeReason, Bucket, Curve, Error, Event, Schedule, VestingSchedule,
	};
	use frame_support::{
		assert_noop, assert_ok,
		traits::{
			fungible::{Inspect, InspectFreeze, Mutate},
			tokens::Preservation,
		},
	};
	use icn_primitives::currency::TOTAL_SUPPLY;
	use sp_arithmetic::Perbill;
	use sp_runtime::{DispatchError, TokenError};

	fn frozen(who: &sp_runtime::AccountId32) -> u128 {
		Balances::balance_frozen(&FreezeReason::Vesting.into(), who)
	}

	fn go_to(block: u64) {
		System::set_block_number(block);
	}

	fn last_event() -> RuntimeEvent {
		System::events().pop().expect("an event").event
	}

	#[test]
	fn genesis_mints_exactly_700m_and_freezes_what_is_not_unlocked() {
		run(|| {
			assert_eq!(Balances::total_issuance(), TOTAL_SUPPLY);
			for bucket in Bucket::ALL {
				let who = holder(bucket);
				assert_eq!(Balances::balance(&who), bucket.amount(), "{bucket:?}");
				let tge = bucket.schedule().tge_amount(bucket.amount());
				assert_eq!(frozen(&who), bucket.amount() - tge, "{bucket:?}");
			}
			// Fully unlocked at genesis: no schedule, no freeze.
			assert!(crate::Vesting::<Test>::get(holder(Bucket::NetworkExpansionFund)).is_none());
		});
	}

	#[test]
	fn tge_unlock_is_transferable_at_block_1_and_the_rest_is_not() {
		run(|| {
			let devco = holder(Bucket::DevCo);
			let half = Bucket::DevCo.amount() / 2;
			// One planck more than the TGE part cannot move…
			assert_noop!(
				Balances::transfer(&devco, &account(99), half + 1, Preservation::Expendable),
				TokenError::Frozen
			);
			// …the TGE part can.
			assert_ok!(Balances::transfer(&devco, &account(99), half, Preservation::Expendable));
			assert_eq!(Balances::balance(&account(99)), half);
		});
	}

	#[test]
	fn team_boundaries_before_at_mid_end_and_after_the_schedule() {
		run(|| {
			let team = holder(Bucket::Team);
			let total = Bucket::Team.amount();
			let call = || Vesting::vest(RuntimeOrigin::signed(team.clone()));
			// Genesis is block 0: the cliff ends at block 12 months = 120.
			go_to(119);
			assert_noop!(call(), Error::<Test>::NothingToVest);
			go_to(120);
			assert_noop!(call(), Error::<Test>::NothingToVest);
			// Mid-way: month 24 of the linear 12..36 releases half.
			go_to(240);
			assert_ok!(call());
			assert_eq!(
				last_event(),
				RuntimeEvent::Vesting(Event::Vested { who: team.clone(), amount: total / 2 })
			);
			assert_eq!(frozen(&team), total - total / 2);
			// The end releases the rest and removes the schedule.
			go_to(360);
			assert_ok!(call());
			assert_eq!(frozen(&team), 0);
			assert!(crate::Vesting::<Test>::get(&team).is_none());
			assert_eq!(
				last_event(),
				RuntimeEvent::Vesting(Event::VestingCompleted { who: team.clone() })
			);
			// After the end there is nothing left.
			go_to(500);
			assert_noop!(call(), Error::<Test>::NothingToVest);
			// Released funds move freely.
			assert_ok!(Balances::transfer(&team, &account(99), total, Preservation::Expendable));
		});
	}

	/// What the protocol says `rest` (the part after TGE) has released `after` blocks past
	/// the cliff, computed independently of the pallet: linear exactly, decaying in `f64`
	/// from the closed form of the geometric series.
	fn expected_release(schedule: crate::Schedule, rest: u128, after: u64) -> f64 {
		let duration = (u64::from(schedule.duration_months) * MONTH) as f64;
		match schedule.curve {
			crate::Curve::Linear => (rest as f64) * (after as f64) / duration,
			crate::Curve::Decaying { first_month } => {
				let a = first_month.deconstruct() as f64 / 1e9;
				let n = schedule.duration_months as i32;
				// Solve a · (1 - rⁿ) / (1 - r) = 1 for r by bisection, in f64.
				let (mut lo, mut hi) = (0.0f64, 1.0f64);
				for _ in 0..200 {
					let r = (lo + hi) / 2.0;
					if a * (1.0 - r.powi(n)) / (1.0 - r) > 1.0 {
						hi = r
					} else {
						lo = r
					}
				}
				let r = lo;
				let months = (after / MONTH) as i32;
				let into = (after % MONTH) as f64 / MONTH as f64;
				let whole = a * (1.0 - r.powi(months)) / (1.0 - r);
				let this_month = a * r.powi(months);
				(rest as f64) * (whole + this_month * into)
			},
		}
	}

	/// Every bucket, in a fresh genesis: the TGE unlock is transferable at block 1; nothing
	/// more before or at the end of the cliff; the first block after the cliff, mid-way and
	/// the end release what the protocol says; nothing after the end.
	#[test]
	fn every_bucket_boundaries_tge_cliff_mid_end_after() {
		for bucket in Bucket::ALL {
			run(|| {
				let who = holder(bucket);
				let schedule = bucket.schedule();
				let total = bucket.amount();
				let tge = schedule.tge_amount(total);
				let rest = total - tge;
				let reducible = |who: &sp_runtime::AccountId32| {
					Balances::reducible_balance(
						who,
						Preservation::Expendable,
						frame_support::traits::tokens::Fortitude::Polite,
					)
				};
				// TGE at block 1: exactly the unlocked part can move.
				assert_eq!(reducible(&who), tge, "{bucket:?} at block 1");
				assert_eq!(frozen(&who), rest, "{bucket:?} at block 1");
				if rest == 0 {
					assert!(crate::Vesting::<Test>::get(&who).is_none(), "{bucket:?}");
					return;
				}
				let vest = || Vesting::vest_other(RuntimeOrigin::signed(account(42)), who.clone());
				let cliff = u64::from(schedule.cliff_months) * MONTH;
				let end = cliff + u64::from(schedule.duration_months) * MONTH;
				// Within a 1e-12 relative tolerance for the decaying curve, exact for linear.
				let check = |after: u64| {
					let released = rest - frozen(&who);
					let want = expected_release(schedule, rest, after);
					match schedule.curve {
						crate::Curve::Linear => {
							// Exactly rest · after / duration, rounded down.
							let duration = u128::from(schedule.duration_months) * u128::from(MONTH);
							assert_eq!(
								released,
								rest * u128::from(after) / duration,
								"{bucket:?} +{after}"
							);
							assert!((released as f64 - want).abs() <= rest as f64 / 1e12);
						},
						_ => assert!(
							(released as f64 - want).abs() <= rest as f64 / 1e12,
							"{bucket:?} +{after}: {released} vs {want}"
						),
					}
				};
				if cliff > 0 {
					go_to(cliff - 1);
					assert_noop!(vest(), Error::<Test>::NothingToVest);
					go_to(cliff);
					assert_noop!(vest(), Error::<Test>::NothingToVest);
					assert_eq!(frozen(&who), rest, "{bucket:?} at the cliff");
				}
				// The first block after the cliff releases a block's worth.
				go_to(cliff + 1);
				assert_ok!(vest());
				assert!(frozen(&who) < rest, "{bucket:?} after the cliff");
				check(1);
				// Mid-way.
				let mid = cliff + (end - cliff) / 2;
				go_to(mid);
				assert_ok!(vest());
				check(mid - cliff);
				// The last block before the end still holds something back.
				go_to(end - 1);
				assert_ok!(vest());
				assert!(frozen(&who) > 0, "{bucket:?} before the end");
				// The end: everything, to the planck; the schedule is gone.
				go_to(end);
				assert_ok!(vest());
				assert_eq!(
					last_event(),
					RuntimeEvent::Vesting(Event::VestingCompleted { who: who.clone() })
				);
				assert_eq!(frozen(&who), 0, "{bucket:?} at the end");
				assert_eq!(reducible(&who), total, "{bucket:?} at the end");
				assert!(crate::Vesting::<Test>::get(&who).is_none());
				// After the end: nothing left to vest.
				go_to(end + 7 * MONTH);
				assert_noop!(vest(), Error::<Test>::NothingToVest);
			});
		}
	}

	/// Locked ICNT is frozen, not reserved: it can back a hold (e.g. HP collateral staked
	/// from a vesting allocation) while it still cannot be transferred.
	#[test]
	fn frozen_icnt_can_back_a_hold_but_never_be_transferred() {
		use frame_support::traits::fungible::{InspectHold, MutateHold};
		run(|| {
			let team = holder(Bucket::Team);
			let total = Bucket::Team.amount();
			assert_eq!(frozen(&team), total);
			// Hold all but the existential deposit of the fully frozen allocation.
			let stake = total - 1;
			assert_ok!(Balances::hold(&crate::mock::TestHold::Collateral, &team, stake));
			assert_eq!(Balances::balance_on_hold(&crate::mock::TestHold::Collateral, &team), stake);
			assert_eq!(frozen(&team), total);
			// The one free planck is still frozen: nothing is transferable.
			assert_noop!(
				Balances::transfer(&team, &account(99), 1, Preservation::Expendable),
				TokenError::Frozen
			);
			// Released holds come back still frozen.
			assert_ok!(Balances::release(
				&crate::mock::TestHold::Collateral,
				&team,
				stake,
				frame_support::traits::tokens::Precision::Exact
			));
			assert_noop!(
				Balances::transfer(&team, &account(99), 1, Preservation::Expendable),
				TokenError::Frozen
			);
			// Vesting releases what is due whether or not some of it is on hold.
			assert_ok!(Balances::hold(&crate::mock::TestHold::Collateral, &team, stake));
			go_to(24 * MONTH);
			assert_ok!(Vesting::vest(RuntimeOrigin::signed(team.clone())));
			assert_eq!(frozen(&team), total - total / 2);
		});
	}

	#[test]
	fn every_bucket_releases_its_whole_amount_by_its_end() {
		run(|| {
			go_to(60 * MONTH);
			for bucket in Bucket::ALL {
				let who = holder(bucket);
				if crate::Vesting::<Test>::get(&who).is_some() {
					assert_ok!(Vesting::vest_other(
						RuntimeOrigin::signed(account(42)),
						who.clone()
					));
				}
				assert_eq!(frozen(&who), 0, "{bucket:?}");
				assert_eq!(
					Balances::reducible_balance(
						&who,
						Preservation::Expendable,
						frame_support::traits::tokens::Fortitude::Polite
					),
					bucket.amount(),
					"{bucket:?}"
				);
			}
			assert_eq!(Balances::total_issuance(), TOTAL_SUPPLY);
		});
	}

	#[test]
	fn network_rewards_month_one_releases_18_4_percent_of_the_decaying_part() {
		run(|| {
			let pool = holder(Bucket::NetworkRewards);
			let rest = Bucket::NetworkRewards.amount() / 100 * 85;
			go_to(MONTH);
			assert_ok!(Vesting::vest(RuntimeOrigin::signed(pool.clone())));
			let released = rest - (frozen(&pool));
			let expected = rest / 1000 * 184;
			assert!(
				released.abs_diff(expected) <= rest / 1_000_000_000_000,
				"{released} vs {expected}"
			);
		});
	}

	#[test]
	fn add_schedule_moves_icnt_out_of_a_pool_never_creates_it() {
		run(|| {
			let pool = Vesting::pool_account(Bucket::EcosystemPartners);
			let partner = account(50);
			let schedule = Schedule {
				tge: Perbill::from_percent(10),
				cliff_months: 1,
				curve: Curve::Linear,
				duration_months: 6,
			};
			let amount = 1_000_000;
			assert_noop!(
				Vesting::add_schedule(
					RuntimeOrigin::signed(partner.clone()),
					partner.clone(),
					Bucket::EcosystemPartners,
					amount,
					schedule
				),
				DispatchError::BadOrigin
			);
			let pool_before = Balances::balance(&pool);
			assert_ok!(Vesting::add_schedule(
				RuntimeOrigin::root(),
				partner.clone(),
				Bucket::EcosystemPartners,
				amount,
				schedule
			));
			assert_eq!(Balances::balance(&partner), amount);
			assert_eq!(Balances::balance(&pool), pool_before - amount);
			assert_eq!(frozen(&partner), amount - amount / 10);
			assert_eq!(Balances::total_issuance(), TOTAL_SUPPLY);
			assert_eq!(
				last_event(),
				RuntimeEvent::Vesting(Event::ScheduleAdded {
					who: partner.clone(),
					bucket: Bucket::EcosystemPartners,
					amount,
					schedule
				})
			);
			// The schedule counts from the block it was added at.
			assert_eq!(
				crate::Vesting::<Test>::get(&partner).unwrap()[0],
				VestingSchedule {
					bucket: Bucket::EcosystemPartners,
					total: amount,
					released: amount / 10,
					schedule,
					start: 1
				}
			);
			// Malformed schedules and empty pools are refused with named errors.
			let too_long = Schedule { duration_months: 61, ..schedule };
			assert_noop!(
				Vesting::add_schedule(
					RuntimeOrigin::root(),
					partner.clone(),
					Bucket::EcosystemPartners,
					amount,
					too_long
				),
				Error::<Test>::ScheduleTooLong
			);
			assert_noop!(
				Vesting::add_schedule(
					RuntimeOrigin::root(),
					partner.clone(),
					Bucket::Investors,
					amount,
					schedule
				),
				Error::<Test>::BucketExhausted
			);
			assert_noop!(
				Vesting::add_schedule(
					RuntimeOrigin::root(),
					partner.clone(),
					Bucket::EcosystemPartners,
					0,
					schedule
				),
				Error::<Test>::ZeroAmount
			);
		});
	}

	#[test]
	fn schedules_per_account_are_bounded() {
		run(|| {
			let partner = account(51);
			let schedule = Schedule {
				tge: Perbill::zero(),
				cliff_months: 0,
				curve: Curve::Linear,
				duration_months: 2,
			};
			for _ in 0..MAX_SCHEDULES {
				assert_ok!(Vesting::add_schedule(
					RuntimeOrigin::root(),
					partner.clone(),
					Bucket::EcosystemPartners,
					100,
					schedule
				));
			}
			assert_noop!(
				Vesting::add_schedule(
					RuntimeOrigin::root(),
					partner.clone(),
					Bucket::EcosystemPartners,
					100,
					schedule
				),
				Error::<Test>::TooManySchedules
			);
			assert_eq!(frozen(&partner), 100 * MAX_SCHEDULES as u128);
		});
	}

	#[test]
	fn force_remove_schedule_returns_the_unvested_remainder_to_the_pool() {
		run(|| {
			let pool = Vesting::pool_account(Bucket::EcosystemPartners);
			let partner = account(52);
			let schedule = Schedule {
				tge: Perbill::zero(),
				cliff_months: 0,
				curve: Curve::Linear,
				duration_months: 10,
			};
			assert_ok!(Vesting::add_schedule(
				RuntimeOrigin::root(),
				partner.clone(),
				Bucket::EcosystemPartners,
				1_000,
				schedule
			));
			let pool_before = Balances::balance(&pool);
			// 3 of 10 months later, 300 has vested: it stays with the partner.
			go_to(1 + 3 * MONTH);
			assert_noop!(
				Vesting::force_remove_schedule(RuntimeOrigin::root(), partner.clone(), 1),
				Error::<Test>::NoSuchSchedule
			);
			assert_ok!(Vesting::force_remove_schedule(RuntimeOrigin::root(), partner.clone(), 0));
			assert_eq!(Balances::balance(&partner), 300);
			assert_eq!(frozen(&partner), 0);
			assert_eq!(Balances::balance(&pool), pool_before + 700);
			assert_eq!(
				last_event(),
				RuntimeEvent::Vesting(Event::ScheduleRemoved {
					who: partner,
					index: 0,
					bucket: Bucket::EcosystemPartners,
					returned: 700
				})
			);
		});
	}

	#[test]
	fn burns_are_recorded_so_issuance_plus_burned_stays_700m() {
		use frame_support::traits::{
			fungible::Balanced,
			tokens::{Fortitude, Precision},
			OnUnbalanced,
		};
		run(|| {
			let who = holder(Bucket::NetworkExpansionFund);
			let credit = <Balances as Balanced<_>>::withdraw(
				&who,
				1_000,
				Precision::Exact,
				Preservation::Preserve,
				Fortitude::Polite,
			)
			.unwrap();
			crate::RecordBurn::<Test>::on_unbalanced(credit);
			assert_eq!(crate::Burned::<Test>::get(), 1_000);
			assert_eq!(Balances::total_issuance(), TOTAL_SUPPLY - 1_000);
			// `run` checks total_issuance + burned == 700M afterwards.
		});
	}

	#[test]
	fn month_and_era_lengths_are_root_parameters() {
		run(|| {
			assert_eq!(crate::Months::<Test>::get().latest_length(), MONTH as u32);
			assert_eq!(crate::Eras::<Test>::get().latest_length(), 2);
			assert_noop!(
				Vesting::set_month_blocks(RuntimeOrigin::signed(account(1)), 5),
				DispatchError::BadOrigin
			);
			assert_noop!(
				Vesting::set_era_blocks(RuntimeOrigin::signed(account(1)), 3),
				DispatchError::BadOrigin
			);
			assert_noop!(
				Vesting::set_month_blocks(RuntimeOrigin::root(), 0),
				Error::<Test>::ZeroLength
			);
			assert_noop!(
				Vesting::set_era_blocks(RuntimeOrigin::root(), 0),
				Error::<Test>::ZeroLength
			);
			// At most halving or doubling per change.
			assert_noop!(
				Vesting::set_month_blocks(RuntimeOrigin::root(), 4),
				Error::<Test>::TimeChangeTooLarge
			);
			assert_noop!(
				Vesting::set_month_blocks(RuntimeOrigin::root(), 21),
				Error::<Test>::TimeChangeTooLarge
			);
			assert_noop!(
				Vesting::set_era_blocks(RuntimeOrigin::root(), 5),
				Error::<Test>::TimeChangeTooLarge
			);
			assert_ok!(Vesting::set_month_blocks(RuntimeOrigin::root(), 5));
			assert_eq!(
				last_event(),
				RuntimeEvent::Vesting(Event::MonthBlocksSet { blocks: 5, from: 1 })
			);
			// An era no longer than a month, a month no shorter than an era.
			assert_ok!(Vesting::set_era_blocks(RuntimeOrigin::root(), 4));
			assert_eq!(
				last_event(),
				RuntimeEvent::Vesting(Event::EraBlocksSet { blocks: 4, from_era: 1 })
			);
			assert_noop!(
				Vesting::set_era_blocks(RuntimeOrigin::root(), 6),
				Error::<Test>::MonthShorterThanEra
			);
			assert_noop!(
				Vesting::set_month_blocks(RuntimeOrigin::root(), 3),
				Error::<Test>::MonthShorterThanEra
			);
			assert_eq!(crate::Eras::<Test>::get().latest_length(), 4);
			// Era 0 (blocks 0–1) keeps its length; era 1 starts at block 2 with the new one.
			assert_eq!(crate::Eras::<Test>::get().era_start(2), 6);
		});
	}

	#[test]
	fn a_clock_takes_a_bounded_number_of_changes() {
		run(|| {
			let max = icn_primitives::clock::MAX_CLOCK_SEGMENTS;
			for i in 1..max {
				System::set_block_number(u64::from(i) * 3);
				assert_ok!(Vesting::set_month_blocks(
					RuntimeOrigin::root(),
					if i % 2 == 0 { 10 } else { 12 }
				));
			}
			System::set_block_number(1_000);
			assert_noop!(
				Vesting::set_month_blocks(RuntimeOrigin::root(), 11),
				Error::<Test>::TooManyTimeChanges
			);
		});
	}
}

/// Genesis validation: a malformed genesis is an error with a message, not a panic.
mod genesis {
	use crate::{
		genesis::{protocol_buckets, validate},
		Bucket, Curve,
	};
	use sp_arithmetic::Perbill;

	fn buckets() -> alloc::vec::Vec<crate::BucketConfig<u64>> {
		protocol_buckets(|b| b as u64)
	}

	#[test]
	fn the_protocol_genesis_is_valid() {
		assert_eq!(validate(&buckets(), 4), Ok(()));
	}

	#[test]
	fn buckets_not_summing_to_700m_fail() {
		let mut b = buckets();
		b[0].amount += 1;
		b[0].beneficiaries[0].1 += 1;
		let err = validate(&b, 4).unwrap_err();
		assert!(err.contains("fixed supply"), "{err}");
	}

	#[test]
	fn beneficiaries_not_summing_to_the_bucket_fail() {
		let mut b = buckets();
		b[2].beneficiaries[0].1 -= 1;
		b[2].beneficiaries.push((99, 1));
		assert_eq!(validate(&b, 4), Ok(()));
		b[2].beneficiaries[1].1 = 2;
		let err = validate(&b, 4).unwrap_err();
		assert!(err.contains("DevCo") && err.contains("beneficiaries sum"), "{err}");
	}

	#[test]
	fn malformed_schedules_and_missing_buckets_fail() {
		let mut b = buckets();
		b[3].schedule.curve = Curve::Decaying { first_month: Perbill::from_percent(1) };
		let err = validate(&b, 4).unwrap_err();
		assert!(err.contains("NetworkRewards") && err.contains("NotDecaying"), "{err}");
		let mut b = buckets();
		b.pop();
		let err = validate(&b, 4).unwrap_err();
		assert!(err.contains("NetworkExpansionFund"), "{err}");
		let mut b = buckets();
		b[6].bucket = Bucket::Team;
		assert!(validate(&b, 4).is_err());
	}
}

/// `docs/tokenomics.md` carries the Network rewards release table generated from this code:
/// this test fails when the two differ. `ICN_BLESS=1` rewrites the table.
mod docs {
	use crate::{buckets::Bucket, schedule::Balance};
	use icn_primitives::currency::ICNT;

	const BEGIN: &str = "<!-- BEGIN generated: network-rewards-release -->";
	const END: &str = "<!-- END generated: network-rewards-release -->";

	fn icnt(planck: Balance) -> String {
		let whole = planck / ICNT;
		let frac = (planck % ICNT) / (ICNT / 100);
		let digits = whole.to_string();
		let mut out = String::new();
		for (i, c) in digits.chars().enumerate() {
			if i > 0 && (digits.len() - i) % 3 == 0 {
				out.push(',');
			}
			out.push(c);
		}
		format!("{out}.{frac:02}")
	}

	fn table() -> String {
		let bucket = Bucket::NetworkRewards;
		let (total, s) = (bucket.amount(), bucket.schedule());
		let month = 432_000u32;
		let rest = total - s.tge_amount(total);
		let mut out = String::from(
			"| month | released in the month (ICNT) | % of the decaying part | released so far (ICNT, TGE included) |\n|---:|---:|---:|---:|\n",
		);
		out += &format!(
			"| 0 (TGE) | {} | — | {} |\n",
			icnt(s.tge_amount(total)),
			icnt(s.tge_amount(total))
		);
		for m in 1..=48u64 {
			let before = s.vested(total, (m - 1) * u64::from(month), month);
			let after = s.vested(total, m * u64::from(month), month);
			let share = (after - before) * 1_000_000 / rest;
			out += &format!(
				"| {m} | {} | {}.{:04} % | {} |\n",
				icnt(after - before),
				share / 10_000,
				share % 10_000,
				icnt(after)
			);
		}
		out
	}

	#[test]
	fn tokenomics_doc_table_matches_the_code() {
		// `cargo test` runs in the package's directory (the compile-time manifest path may be
		// another clone's: the target directory is shared).
		let path = std::env::current_dir().unwrap().join("../../docs/tokenomics.md");
		let doc = std::fs::read_to_string(&path).expect("docs/tokenomics.md");
		let (a, b) = (doc.find(BEGIN).expect("begin marker"), doc.find(END).expect("end marker"));
		let generated = format!("{BEGIN}\n{}{END}", table());
		if std::env::var("ICN_BLESS").is_ok() {
			let new = format!("{}{}{}", &doc[..a], generated, &doc[b + END.len()..]);
			std::fs::write(&path, new).unwrap();
			return;
		}
		assert_eq!(
			&doc[a..b + END.len()],
			generated,
			"docs/tokenomics.md is stale: run ICN_BLESS=1 cargo test … tokenomics_doc_table"
		);
	}
}
