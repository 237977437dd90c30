//! Vesting schedules and their release curves (protocol §2.1, §2.2), as plain arithmetic.
//!
//! A [`Schedule`] releases an allocation in three parts:
//! 1. `tge` of it at genesis (the token generation event);
//! 2. nothing more until `cliff_months` have passed;
//! 3. the rest over `duration_months` after the cliff, along its [`Curve`]:
//!    - [`Curve::Linear`]: evenly, block by block;
//!    - [`Curve::Decaying`]: month `m` (1-based) releases `a · r^(m-1)` of the rest, with
//!      `a = first_month` and `r` solved so that the months sum to exactly 100 %; within a
//!      month the release is linear by block, and the last month absorbs rounding so the
//!      total is exact to the planck.
//!
//! Every function here is pure, total and panic-free: amounts are `u128` planck, ratios are
//! fixed point, and all arithmetic is checked or saturating.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_arithmetic::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{CheckedDiv, One, Saturating, Zero},
	FixedPointNumber, FixedU128, Perbill, Rounding,
};

/// An amount of ICNT in planck.
pub type Balance = u128;

/// No release of any schedule may run past this month (protocol §2.1).
pub const MAX_SCHEDULE_MONTHS: u32 = 60;

/// How the part after the cliff is released.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
pub enum Curve {
	/// Evenly over the duration, block by block.
	Linear,
	/// A geometric decay: `first_month` of the part in month 1, then each month the previous
	/// month's release times a ratio `r < 1` chosen so that the months sum to 100 %.
	Decaying {
		/// Share of the decaying part released in the first month (18.4 % for network
		/// rewards).
		#[serde(rename = "firstMonth")]
		first_month: Perbill,
	},
}

/// A vesting schedule: TGE unlock, cliff, curve and duration (months of the chain's month
/// length, 432,000 blocks in production).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	serde::Serialize,
	serde::Deserialize,
)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Schedule {
	/// Share of the allocation unlocked at genesis.
	pub tge: Perbill,
	/// Months after genesis before the curve starts.
	pub cliff_months: u32,
	/// How the rest is released.
	pub curve: Curve,
	/// Months over which the rest is released after the cliff.
	pub duration_months: u32,
}

/// Why a schedule is malformed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ScheduleError {
	/// Something is left after the TGE unlock but the duration is zero.
	ZeroDuration,
	/// The cliff plus the duration runs past month 60.
	TooLong,
	/// A decaying curve must release more than an even share (`1 / duration`) and less than
	/// everything in its first month, or it does not decay.
	NotDecaying,
}

impl Schedule {
	/// Everything at genesis (e.g. the Network expansion fund).
	pub const fn unlocked() -> Self {
		Schedule { tge: Perbill::one(), cliff_months: 0, curve: Curve::Linear, duration_months: 0 }
	}

	/// Checks that the schedule can be followed to the planck.
	pub fn validate(&self) -> Result<(), ScheduleError> {
		if self.tge == Perbill::one() {
			return Ok(());
		}
		if self.duration_months == 0 {
			return Err(ScheduleError::ZeroDuration);
		}
		if self.cliff_months.saturating_add(self.duration_months) > MAX_SCHEDULE_MONTHS {
			return Err(ScheduleError::TooLong);
		}
		if let Curve::Decaying { first_month } = self.curve {
			// Decay needs a > 1/n (else the ratio would be >= 1) and a < 1.
			let even = Perbill::from_rational(1u32, self.duration_months);
			if first_month <= even || first_month == Perbill::one() {
				return Err(ScheduleError::NotDecaying);
			}
		}
		Ok(())
	}

	/// The part unlocked at genesis, rounded down (the rest vests).
	pub fn tge_amount(&self, total: Balance) -> Balance {
		self.tge.mul_floor(total)
	}

	/// How much of `total` is released `elapsed` blocks after genesis, for months of
	/// `month_blocks` blocks. Non-decreasing in `elapsed`, never above `total`, exactly
	/// `total` from the end of the schedule. A malformed schedule (see [`Self::validate`])
	/// releases only its TGE part until its end, then everything.
	pub fn vested(&self, total: Balance, elapsed: u64, month_blocks: u32) -> Balance {
		let tge = self.tge_amount(total);
		let rest = total.saturating_sub(tge);
		let month = u64::from(month_blocks.max(1));
		let cliff = month.saturating_mul(self.cliff_months.into());
		let duration = month.saturating_mul(self.duration_months.into());
		if rest == 0 || elapsed >= cliff.saturating_add(duration) {
			return total;
		}
		if elapsed < cliff || self.validate().is_err() {
			return tge;
		}
		let after_cliff = elapsed - cliff;
		let released = match self.curve {
			Curve::Linear => mul_div(rest, after_cliff.into(), duration.into()),
			Curve::Decaying { first_month } => {
				let months = self.duration_months;
				let m = (after_cliff / month) as u32; // < months: checked above
				let into_month = after_cliff % month;
				let ratio = decay_ratio(first_month, months);
				let start = decayed(rest, first_month, ratio, m, months);
				let end = decayed(rest, first_month, ratio, m.saturating_add(1), months);
				start.saturating_add(mul_div(
					end.saturating_sub(start),
					into_month.into(),
					month.into(),
				))
			},
		};
		tge.saturating_add(released.min(rest))
	}

	/// Like [`Self::vested`], with the TGE part spread evenly over the first `spread_months`
	/// months instead of released at genesis: the network-rewards budget (protocol §4.4).
	/// Never above [`Self::vested`], non-decreasing, `total` from the end of both.
	pub fn vested_with_tge_spread(
		&self,
		total: Balance,
		elapsed: u64,
		month_blocks: u32,
		spread_months: u32,
	) -> Balance {
		let tge = self.tge_amount(total);
		let spread = u64::from(month_blocks.max(1)).saturating_mul(spread_months.into());
		let tge_part =
			if elapsed >= spread { tge } else { mul_div(tge, elapsed.into(), spread.into()) };
		self.vested(total, elapsed, month_blocks)
			.saturating_sub(tge)
			.saturating_add(tge_part)
	}

	/// The first block after `elapsed` at which more is released, if any: the cliff's end
	/// while in the cliff, the next block while a curve runs, `None` once all is released.
	pub fn next_unlock(&self, elapsed: u64, month_blocks: u32) -> Option<u64> {
		let month = u64::from(month_blocks.max(1));
		let cliff = month.saturating_mul(self.cliff_months.into());
		let end = cliff.saturating_add(month.saturating_mul(self.duration_months.into()));
		if self.tge == Perbill::one() || elapsed >= end {
			None
		} else if elapsed < cliff {
			Some(cliff.saturating_add(1))
		} else {
			Some(elapsed.saturating_add(1))
		}
	}
}

/// `value · numerator / denominator`, rounded down, without overflow (`value` when the
/// denominator is zero).
fn mul_div(value: Balance, numerator: u128, denominator: u128) -> Balance {
	if denominator == 0 {
		return value;
	}
	multiply_by_rational_with_rounding(value, numerator, denominator, Rounding::Down)
		.unwrap_or(value)
}

/// `1 + r + r² + … + r^(n-1)` in fixed point, term by term (monotonic in `n`, which the
/// month-by-month release relies on).
fn geometric_sum(ratio: FixedU128, n: u32) -> FixedU128 {
	let mut sum = FixedU128::zero();
	let mut term = FixedU128::one();
	for _ in 0..n {
		sum = sum.saturating_add(term);
		term = term.saturating_mul(ratio);
	}
	sum
}

/// `(1 - r^n) / (1 - r)`, the closed form of [`geometric_sum`] for `r < 1`: `r^n` by
/// squaring, so one evaluation costs O(log n) multiplications instead of O(n).
fn geometric_sum_closed(ratio: FixedU128, n: u32) -> FixedU128 {
	let one = FixedU128::one();
	if ratio >= one {
		return FixedU128::saturating_from_integer(n);
	}
	let power = ratio.saturating_pow(n as usize);
	one.saturating_sub(power)
		.checked_div(&one.saturating_sub(ratio))
		.unwrap_or_else(|| FixedU128::saturating_from_integer(n))
}

/// The ratio `r` of the decaying curve: the `r` in `[0, 1)` with
/// `first_month · (1 + r + … + r^(months-1)) = 1`, found by bisection on the fixed-point
/// representation (deterministic, at most 64 steps, each `O(log months)` through the closed
/// form). Protocol §2.2: `first_month = 18.4 %`, `months = 48` gives `r ≈ 0.816`.
pub fn decay_ratio(first_month: Perbill, months: u32) -> FixedU128 {
	let a = FixedU128::from_perbill(first_month);
	let (mut lo, mut hi) = (0u128, FixedU128::DIV);
	for _ in 0..64 {
		if hi.saturating_sub(lo) <= 1 {
			break;
		}
		let mid = lo + (hi - lo) / 2;
		let total = a.saturating_mul(geometric_sum_closed(FixedU128::from_inner(mid), months));
		if total > FixedU128::one() {
			hi = mid;
		} else {
			lo = mid;
		}
	}
	FixedU128::from_inner(lo)
}

/// Released of `rest` after `m` whole months of the decaying curve:
/// `rest · a · (1 + r + … + r^(m-1))`, capped at `rest`; exactly `rest` after the last month.
fn decayed(rest: Balance, first_month: Perbill, ratio: FixedU128, m: u32, months: u32) -> Balance {
	if m >= months {
		return rest;
	}
	let share = FixedU128::from_perbill(first_month).saturating_mul(geometric_sum(ratio, m));
	share.saturating_mul_int(rest).min(rest)
}
