//! # ICNT distribution and vesting (protocol §2)
//!
//! 700,000,000 ICNT exist from genesis, split into seven buckets (Team, Investors, DevCo,
//! Network rewards, Ecosystem partners, Ecosystem development fund, Network expansion fund),
//! each released to its beneficiaries on a [`Schedule`]: an unlock at genesis (TGE), a cliff,
//! then a linear or a decaying curve.
//!
//! ## Life cycle of an allocation
//! 1. **Genesis** (or `add_schedule` by root, out of a bucket's pool account — never out of
//!    thin air): the beneficiary receives the whole allocation; the TGE part is free, the rest
//!    is **frozen** with the `Vesting` freeze reason. Frozen ICNT stays in the account and can
//!    back holds (e.g. provider collateral) but cannot be transferred.
//! 2. **Release**: `vest()` / `vest_other(who)` (anyone may call) lower the freeze by what the
//!    schedule has released since. Release is computed, never pushed.
//! 3. **End**: once everything is released the schedule is removed. Root may
//!    `force_remove_schedule` a mistaken one: the unreleased remainder returns to the
//!    bucket's pool.
//!
//! The pure parts live apart from FRAME: [`buckets`] is the §2.1 table and [`schedule`] the
//! release arithmetic, exact to the planck.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(test)]
mod attacks;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod buckets;
pub mod genesis;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod runtime_api;
pub mod schedule;
#[cfg(test)]
mod tests;
pub mod weights;

pub use buckets::Bucket;
pub use genesis::BucketConfig;
pub use pallet::*;
pub use schedule::{Balance, Curve, Schedule, ScheduleError};
pub use weights::WeightInfo;

/// The chain's clocks as the vesting pallet keeps them, for the other pallets
/// (`icn_primitives::clock::ChainClock`).
pub struct StoredClocks<T>(core::marker::PhantomData<T>);

impl<T: Config> icn_primitives::clock::ChainClock for StoredClocks<T> {
	fn eras() -> icn_primitives::clock::EraClock {
		Eras::<T>::get()
	}
	fn months() -> icn_primitives::clock::MonthClock {
		Months::<T>::get()
	}
}

/// Months over which the Network-rewards TGE part is spread into era reward budgets
/// (protocol §4.4).
pub const TGE_SPREAD_MONTHS: u32 = 12;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// One vesting schedule of an account.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo,
)]
pub struct VestingSchedule<BlockNumber> {
	/// The bucket the allocation comes from.
	pub bucket: Bucket,
	/// The whole allocation, TGE part included.
	pub total: Balance,
	/// How much of it has been released (is no longer frozen).
	pub released: Balance,
	/// How it is released.
	pub schedule: Schedule,
	/// The block the schedule counts from (0 for genesis allocations).
	pub start: BlockNumber,
}

/// Burns an imbalance and records it in [`Burned`], so the fixed-supply invariant
/// `total_issuance + burned == 700M` keeps holding. Use it wherever ICNT is destroyed
/// (e.g. `pallet_balances::Config::DustRemoval`).
pub struct RecordBurn<T>(core::marker::PhantomData<T>);

impl<T: Config>
	frame_support::traits::OnUnbalanced<
		frame_support::traits::fungible::Credit<T::AccountId, T::Currency>,
	> for RecordBurn<T>
where
	T::Currency: frame_support::traits::fungible::Balanced<T::AccountId>,
{
	fn on_nonzero_unbalanced(
		amount: frame_support::traits::fungible::Credit<T::AccountId, T::Currency>,
	) {
		use frame_support::traits::Imbalance;
		Burned::<T>::mutate(|burned| *burned = burned.saturating_add(amount.peek()));
		drop(amount);
	}
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate, MutateFreeze},
			tokens::Preservation,
		},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use icn_primitives::clock::{ClockError, EraClock, MonthClock, MONTH_SCALE};
	use sp_runtime::traits::{AccountIdConversion, UniqueSaturatedInto};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why this pallet freezes ICNT.
	#[pallet::composite_enum]
	pub enum FreezeReason {
		/// ICNT allocated by a vesting schedule and not yet released.
		#[codec(index = 0)]
		Vesting,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// ICNT: balances with freezes.
		type Currency: Inspect<Self::AccountId, Balance = Balance>
			+ Mutate<Self::AccountId>
			+ MutateFreeze<Self::AccountId, Id = Self::RuntimeFreezeReason>;

		/// The runtime's freeze reasons.
		type RuntimeFreezeReason: From<FreezeReason>;

		/// The pallet id from which each bucket's pool account is derived.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// The most vesting schedules one account may have.
		#[pallet::constant]
		type MaxSchedules: Get<u32>;

		/// The origin of the administrative calls: add or remove schedules, set the month
		/// and era lengths (root, or governance).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// What else an era length must satisfy (the providers' unbonding delay spanning
		/// the slashing exposure); `()` accepts any.
		type EraLengthCheck: icn_primitives::clock::EraLengthCheck;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	#[pallet::type_value]
	pub fn DefaultMonths() -> MonthClock {
		MonthClock::new(icn_primitives::time::MONTH_BLOCKS)
	}

	#[pallet::type_value]
	pub fn DefaultEras() -> EraClock {
		EraClock::new(icn_primitives::time::ERA_BLOCKS)
	}

	/// The vesting schedules of each account.
	#[pallet::storage]
	pub type Vesting<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<VestingSchedule<BlockNumberFor<T>>, T::MaxSchedules>,
	>;

	/// The month clock: the unit of every schedule and commitment (months of 432,000 blocks
	/// in production; test networks shrink them to run years in minutes). A new length
	/// applies from the block it is set (see [`icn_primitives::clock`]).
	#[pallet::storage]
	pub type Months<T> = StorageValue<_, MonthClock, ValueQuery, DefaultMonths>;

	/// The era clock: the unit of SLA reports, settlement, sessions and the rewards budget
	/// (eras of 600 blocks in production). A new length applies from the next era.
	#[pallet::storage]
	pub type Eras<T> = StorageValue<_, EraClock, ValueQuery, DefaultEras>;

	/// ICNT burned since genesis (dust of reaped accounts, fees that could not be paid out):
	/// `total_issuance + burned` is always the fixed supply.
	#[pallet::storage]
	pub type Burned<T> = StorageValue<_, Balance, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The seven buckets with their amounts, schedules and beneficiaries.
		pub buckets: Vec<BucketConfig<T::AccountId>>,
		/// Blocks per month (0 keeps the production value).
		pub month_blocks: u32,
		/// Blocks per era (0 keeps the production value).
		pub era_blocks: u32,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// The runtime validates first and reports a clear error; this is the backstop.
			if let Err(e) = genesis::validate::<T::AccountId>(&self.buckets, T::MaxSchedules::get())
			{
				panic!("invalid ICNT vesting genesis: {e}");
			}
			if self.month_blocks > 0 {
				Months::<T>::put(MonthClock::new(self.month_blocks));
			}
			if self.era_blocks > 0 {
				Eras::<T>::put(EraClock::new(self.era_blocks));
			}
			for config in &self.buckets {
				for (who, amount) in &config.beneficiaries {
					if let Err(e) = T::Currency::mint_into(who, *amount) {
						panic!("minting the genesis allocation of {who:?} failed: {e:?}");
					}
					if let Err(e) = Pallet::<T>::start_schedule(
						who,
						config.bucket,
						*amount,
						config.schedule,
						Zero::zero(),
					) {
						panic!("genesis schedule of {who:?} failed: {e:?}");
					}
				}
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `amount` of `who`'s allocation was released: it is no longer frozen.
		Vested { who: T::AccountId, amount: Balance },
		/// Everything of `who`'s schedules is released; no schedule remains.
		VestingCompleted { who: T::AccountId },
		/// Root moved `amount` from `bucket`'s pool into a new schedule of `who`.
		ScheduleAdded { who: T::AccountId, bucket: Bucket, amount: Balance, schedule: Schedule },
		/// Root removed schedule `index` of `who`; the unreleased `returned` went back to the
		/// bucket's pool.
		ScheduleRemoved { who: T::AccountId, index: u32, bucket: Bucket, returned: Balance },
		/// Months are `blocks` long from block `from` on.
		MonthBlocksSet { blocks: u32, from: BlockNumberFor<T> },
		/// Eras are `blocks` long from era `from_era` on (the era after the current one).
		EraBlocksSet { blocks: u32, from_era: icn_primitives::providers::EraIndex },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Nothing is due: no schedule, or nothing released since the last `vest`.
		NothingToVest,
		/// The account already has the most schedules allowed.
		TooManySchedules,
		/// The schedule's cliff plus duration runs past month 60.
		ScheduleTooLong,
		/// The schedule has a zero duration but does not unlock everything at TGE.
		ZeroDuration,
		/// A decaying curve must release more than an even share in its first month and less
		/// than everything.
		CurveNotDecaying,
		/// The bucket's pool has less transferable ICNT than the amount.
		BucketExhausted,
		/// The amount is zero.
		ZeroAmount,
		/// The account has no schedule at that index.
		NoSuchSchedule,
		/// A month or era must be at least one block.
		ZeroLength,
		/// A month or era length may at most halve or double in one change.
		TimeChangeTooLarge,
		/// A month must be at least as long as an era.
		MonthShorterThanEra,
		/// The clock keeps no more length changes (`icn_primitives::clock::MAX_CLOCK_SEGMENTS`).
		TooManyTimeChanges,
	}

	impl<T> From<ScheduleError> for Error<T> {
		fn from(e: ScheduleError) -> Self {
			match e {
				ScheduleError::ZeroDuration => Error::ZeroDuration,
				ScheduleError::TooLong => Error::ScheduleTooLong,
				ScheduleError::NotDecaying => Error::CurveNotDecaying,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call(weight(<T as Config>::WeightInfo))]
	impl<T: Config> Pallet<T> {
		/// Release what the caller's schedules have vested since the last release.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::vest(T::MaxSchedules::get()))]
		pub fn vest(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_vest(&who)
		}

		/// Release what `target`'s schedules have vested (anyone may pay for it).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::vest(T::MaxSchedules::get()))]
		pub fn vest_other(origin: OriginFor<T>, target: T::AccountId) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_vest(&target)
		}

		/// Root: move `amount` from `bucket`'s pool into a new schedule of `who`, counted
		/// from this block. Never creates ICNT.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::add_schedule(T::MaxSchedules::get()))]
		pub fn add_schedule(
			origin: OriginFor<T>,
			who: T::AccountId,
			bucket: Bucket,
			amount: Balance,
			schedule: Schedule,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(amount > 0, Error::<T>::ZeroAmount);
			schedule.validate().map_err(Error::<T>::from)?;
			let count = Vesting::<T>::decode_len(&who).unwrap_or(0);
			ensure!((count as u32) < T::MaxSchedules::get(), Error::<T>::TooManySchedules);
			let pool = Self::pool_account(bucket);
			T::Currency::transfer(&pool, &who, amount, Preservation::Preserve)
				.map_err(|_| Error::<T>::BucketExhausted)?;
			let now = frame_system::Pallet::<T>::block_number();
			Self::start_schedule(&who, bucket, amount, schedule, now)?;
			Self::deposit_event(Event::ScheduleAdded { who, bucket, amount, schedule });
			Ok(())
		}

		/// Root: remove schedule `index` of `who` (a mistake); its unreleased remainder returns
		/// to the bucket's pool.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::force_remove_schedule(T::MaxSchedules::get()))]
		pub fn force_remove_schedule(
			origin: OriginFor<T>,
			who: T::AccountId,
			index: u32,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			let mut schedules = Vesting::<T>::get(&who).ok_or(Error::<T>::NoSuchSchedule)?;
			ensure!((index as usize) < schedules.len(), Error::<T>::NoSuchSchedule);
			let removed = schedules.remove(index as usize);
			// What has vested stays with `who`; only the unvested remainder returns.
			let vested = Self::vested_now(&removed).max(removed.released);
			let returned = removed.total.saturating_sub(vested);
			// Lower the freeze first so the remainder can move.
			Self::write_schedules(&who, schedules.into_inner())?;
			T::Currency::transfer(
				&who,
				&Self::pool_account(removed.bucket),
				returned,
				Preservation::Expendable,
			)?;
			Self::deposit_event(Event::ScheduleRemoved {
				who,
				index,
				bucket: removed.bucket,
				returned,
			});
			Ok(())
		}

		/// Set the month length in blocks, from this block on: month time already passed
		/// stays passed (nothing vests at once), and it runs at the new pace from here. The
		/// length may at most halve or double in one call and never be shorter than an era.
		#[pallet::call_index(4)]
		pub fn set_month_blocks(origin: OriginFor<T>, blocks: u32) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			let now = frame_system::Pallet::<T>::block_number();
			let mut months = Months::<T>::get();
			Self::check_change(months.latest_length(), blocks)?;
			ensure!(blocks >= Eras::<T>::get().latest_length(), Error::<T>::MonthShorterThanEra);
			months
				.set_length(now.unique_saturated_into(), blocks)
				.map_err(Error::<T>::from)?;
			Months::<T>::put(months);
			Self::deposit_event(Event::MonthBlocksSet { blocks, from: now });
			Ok(())
		}

		/// Set the era length in blocks, from the next era on: the current era ends when it
		/// was announced to and era indices stay consecutive. The length may at most halve or
		/// double in one call, never exceed a month, and must leave the unbonding delay
		/// spanning the slashing exposure ([`Config::EraLengthCheck`]).
		#[pallet::call_index(5)]
		pub fn set_era_blocks(origin: OriginFor<T>, blocks: u32) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			let now: u64 = frame_system::Pallet::<T>::block_number().unique_saturated_into();
			let mut eras = Eras::<T>::get();
			Self::check_change(eras.latest_length(), blocks)?;
			ensure!(blocks <= Months::<T>::get().latest_length(), Error::<T>::MonthShorterThanEra);
			<T::EraLengthCheck as icn_primitives::clock::EraLengthCheck>::check(blocks)?;
			eras.set_length(now, blocks).map_err(Error::<T>::from)?;
			let from_era = eras.era_of(now).saturating_add(1);
			Eras::<T>::put(eras);
			Self::deposit_event(Event::EraBlocksSet { blocks, from_era });
			Ok(())
		}
	}

	impl<T> From<ClockError> for Error<T> {
		fn from(e: ClockError) -> Self {
			match e {
				ClockError::ZeroLength => Error::ZeroLength,
				ClockError::TooManyChanges => Error::TooManyTimeChanges,
			}
		}
	}

	impl<T: Config> Pallet<T> {
		/// A length change from `old` to `new` blocks: not zero, at most halving or doubling.
		fn check_change(old: u32, new: u32) -> DispatchResult {
			ensure!(new > 0, Error::<T>::ZeroLength);
			ensure!(
				new.saturating_mul(2) >= old && new <= old.saturating_mul(2),
				Error::<T>::TimeChangeTooLarge
			);
			Ok(())
		}

		/// The pool account of `bucket`: where its unassigned ICNT sits and where
		/// `add_schedule` draws from. The Network rewards pool pays node rewards.
		pub fn pool_account(bucket: Bucket) -> T::AccountId {
			T::PalletId::get().into_sub_account_truncating(bucket as u8)
		}

		/// Month time since `start` (in `1 / MONTH_SCALE` months).
		fn elapsed(months: &MonthClock, start: BlockNumberFor<T>) -> u64 {
			let now = frame_system::Pallet::<T>::block_number();
			months.elapsed(start.unique_saturated_into(), now.unique_saturated_into())
		}

		/// What `s` has vested by now.
		pub fn vested_now(s: &VestingSchedule<BlockNumberFor<T>>) -> Balance {
			s.schedule.vested(
				s.total,
				Self::elapsed(&Months::<T>::get(), s.start),
				MONTH_SCALE as u32,
			)
		}

		/// Adds a schedule of `amount` (already in `who`'s account), TGE part released.
		pub(crate) fn start_schedule(
			who: &T::AccountId,
			bucket: Bucket,
			amount: Balance,
			schedule: Schedule,
			start: BlockNumberFor<T>,
		) -> DispatchResult {
			let released = schedule.tge_amount(amount);
			if released >= amount {
				return Ok(());
			}
			let mut schedules = Vesting::<T>::get(who).unwrap_or_default();
			schedules
				.try_push(VestingSchedule { bucket, total: amount, released, schedule, start })
				.map_err(|_| Error::<T>::TooManySchedules)?;
			Self::write_schedules(who, schedules.into_inner())
		}

		/// Stores `who`'s schedules and sets the freeze to their unreleased total.
		fn write_schedules(
			who: &T::AccountId,
			schedules: Vec<VestingSchedule<BlockNumberFor<T>>>,
		) -> DispatchResult {
			let locked = schedules.iter().fold(0 as Balance, |acc, s| {
				acc.saturating_add(s.total.saturating_sub(s.released))
			});
			let id = FreezeReason::Vesting.into();
			if schedules.is_empty() {
				Vesting::<T>::remove(who);
				T::Currency::thaw(&id, who)?;
			} else {
				let bounded = BoundedVec::<_, T::MaxSchedules>::try_from(schedules)
					.map_err(|_| Error::<T>::TooManySchedules)?;
				Vesting::<T>::insert(who, bounded);
				T::Currency::set_freeze(&id, who, locked)?;
			}
			Ok(())
		}

		/// Releases what `who`'s schedules have vested; removes finished schedules.
		pub(crate) fn do_vest(who: &T::AccountId) -> DispatchResult {
			let schedules = Vesting::<T>::get(who).ok_or(Error::<T>::NothingToVest)?;
			let mut due: Balance = 0;
			let mut remaining = Vec::with_capacity(schedules.len());
			for mut s in schedules.into_inner() {
				let vested = Self::vested_now(&s);
				due = due.saturating_add(vested.saturating_sub(s.released));
				s.released = s.released.max(vested);
				if s.released < s.total {
					remaining.push(s);
				}
			}
			ensure!(due > 0, Error::<T>::NothingToVest);
			let done = remaining.is_empty();
			Self::write_schedules(who, remaining)?;
			Self::deposit_event(Event::Vested { who: who.clone(), amount: due });
			if done {
				Self::deposit_event(Event::VestingCompleted { who: who.clone() });
			}
			Ok(())
		}

		/// What [`runtime_api::VestingApi::vesting_info`] returns for `who` now.
		pub fn vesting_info(who: &T::AccountId) -> runtime_api::VestingInfo<BlockNumberFor<T>> {
			let months = Months::<T>::get();
			let month = MONTH_SCALE as u32;
			let mut info = runtime_api::VestingInfo::default();
			for s in Vesting::<T>::get(who).unwrap_or_default() {
				let elapsed = Self::elapsed(&months, s.start);
				let vested = s.schedule.vested(s.total, elapsed, month).max(s.released);
				let next_unlock = s.schedule.next_unlock(elapsed, month).map(|at| {
					let more = s.schedule.vested(s.total, at, month).saturating_sub(vested);
					let block = months
						.block_after(s.start.unique_saturated_into(), at)
						.unique_saturated_into();
					(block, more)
				});
				let schedule = runtime_api::ScheduleInfo {
					bucket: s.bucket,
					schedule: s.schedule,
					start: s.start,
					total: s.total,
					released: s.released,
					claimable: vested.saturating_sub(s.released),
					locked: s.total.saturating_sub(s.released),
					next_unlock,
				};
				info.total = info.total.saturating_add(schedule.total);
				info.released = info.released.saturating_add(schedule.released);
				info.claimable = info.claimable.saturating_add(schedule.claimable);
				info.locked = info.locked.saturating_add(schedule.locked);
				info.next_unlock = match (info.next_unlock, next_unlock) {
					(Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
					(a, b) => a.or(b),
				};
				info.schedules.push(schedule);
			}
			info
		}

		/// What [`runtime_api::VestingApi::bucket_info`] returns for `bucket`.
		pub fn bucket_info(bucket: Bucket) -> runtime_api::BucketInfo<T::AccountId> {
			use frame_support::traits::tokens::Fortitude;
			let pool = Self::pool_account(bucket);
			runtime_api::BucketInfo {
				bucket,
				amount: bucket.amount(),
				schedule: bucket.schedule(),
				pool_balance: T::Currency::balance(&pool),
				pool_available: T::Currency::reducible_balance(
					&pool,
					Preservation::Preserve,
					Fortitude::Polite,
				),
				pool,
			}
		}

		/// Invariants: the supply is fixed (`total_issuance + burned == 700M ICNT`), every
		/// account's `Vesting` freeze equals its unreleased total, and no schedule has
		/// released more than its total.
		#[cfg(any(feature = "try-runtime", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use frame_support::traits::fungible::InspectFreeze;
			ensure!(
				T::Currency::total_issuance().saturating_add(Burned::<T>::get())
					== icn_primitives::currency::TOTAL_SUPPLY,
				"total issuance + burned is not the fixed supply"
			);
			let id = FreezeReason::Vesting.into();
			for (who, schedules) in Vesting::<T>::iter() {
				let mut locked: Balance = 0;
				for s in schedules.iter() {
					ensure!(s.released <= s.total, "a schedule released more than its total");
					locked = locked.saturating_add(s.total - s.released);
				}
				ensure!(
					T::Currency::balance_frozen(&id, &who) == locked,
					"an account's Vesting freeze differs from its unreleased total"
				);
			}
			Ok(())
		}
	}

	/// The Network-rewards pool as the SLA oracle pays from it (protocol §4.4).
	impl<T: Config> icn_primitives::providers::RewardsPool<T::AccountId> for Pallet<T> {
		fn account() -> T::AccountId {
			Self::pool_account(Bucket::NetworkRewards)
		}

		fn released_budget(block: u64) -> Balance {
			let bucket = Bucket::NetworkRewards;
			let elapsed = Months::<T>::get().position(block);
			bucket.schedule().vested_with_tge_spread(
				bucket.amount(),
				elapsed,
				MONTH_SCALE as u32,
				TGE_SPREAD_MONTHS,
			)
		}

		fn unfreeze_released() {
			let pool = Self::pool_account(Bucket::NetworkRewards);
			// `NothingToVest` (already released, or no schedule on this chain) is fine.
			let _ = Self::do_vest(&pool);
		}
	}
}
