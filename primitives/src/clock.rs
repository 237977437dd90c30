//! The chain's clocks (protocol §1): which era a block is in, where an era starts, how many
//! months have passed — the one place every pallet, the transaction pool check and the
//! off-chain worker read time from.
//!
//! A [`Clock`] is a list of [`Segment`]s: from block `from_block` on, the clock advances
//! `scale` units of position every `blocks` blocks. Governance changing a length appends a
//! segment that starts where the old one left off, so the position never goes backwards and
//! never jumps, and past blocks keep the position they had:
//!
//! - **Eras** ([`EraClock`], one unit per era): a new length applies from the **next era
//!   boundary**, so the current era ends as it was announced and era indices stay
//!   consecutive (`block / era_blocks` made the index go backwards when eras grew).
//! - **Months** ([`MonthClock`], [`MONTH_SCALE`] units per month): a new length applies
//!   **from now**, so vesting that has accrued stays accrued and nothing accrues at once
//!   (`elapsed / month_blocks` with a shorter month released months of vesting in one block).
//!
//! A clock keeps at most [`MAX_CLOCK_SEGMENTS`] segments: every past block keeps its exact
//! position, which vesting schedules started long ago need.

use crate::{providers::EraIndex, time::MONTH_BLOCKS};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{traits::ConstU32, BoundedVec};

/// The most length changes a clock keeps (its first length included).
pub const MAX_CLOCK_SEGMENTS: u32 = 16;

/// Month positions are counted in production month blocks: a month is 432,000 units whatever
/// its length in blocks, so on the production chain a unit is a block.
pub const MONTH_SCALE: u64 = MONTH_BLOCKS as u64;

/// From `from_block` on, the clock advances one `scale` every `blocks` blocks, starting at
/// position `from`.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct Segment {
	/// The first block of the segment.
	pub from_block: u64,
	/// The clock's position at `from_block`.
	pub from: u64,
	/// Blocks per unit of time (era or month) in this segment; never 0.
	pub blocks: u32,
}

/// Why a clock's length cannot change.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ClockError {
	/// A length of 0 blocks.
	ZeroLength,
	/// The clock already keeps [`MAX_CLOCK_SEGMENTS`] lengths.
	TooManyChanges,
}

/// Blocks to positions and back, piecewise linear (see the module docs).
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Clock {
	/// Ascending by `from_block` and by `from`; never empty, the first starts at block 0.
	pub segments: BoundedVec<Segment, ConstU32<MAX_CLOCK_SEGMENTS>>,
}

impl Clock {
	/// A clock of `blocks` blocks per unit from genesis (0 is taken as 1).
	pub fn new(blocks: u32) -> Self {
		let segment = Segment { from_block: 0, from: 0, blocks: blocks.max(1) };
		Self { segments: BoundedVec::truncate_from(alloc::vec![segment]) }
	}

	/// The segment `block` is in.
	fn segment_at(&self, block: u64) -> Segment {
		let i = self.segments.partition_point(|s| s.from_block <= block);
		self.segments.get(i.saturating_sub(1)).copied().unwrap_or(Segment {
			from_block: 0,
			from: 0,
			blocks: 1,
		})
	}

	/// The last segment starting at or before position `pos`.
	fn segment_of_position(&self, pos: u64) -> Segment {
		let i = self.segments.partition_point(|s| s.from <= pos);
		self.segments.get(i.saturating_sub(1)).copied().unwrap_or(Segment {
			from_block: 0,
			from: 0,
			blocks: 1,
		})
	}

	/// The clock's position at `block`, in units of `1 / scale` of a period.
	pub fn position(&self, block: u64, scale: u64) -> u64 {
		let s = self.segment_at(block);
		let done = u128::from(block.saturating_sub(s.from_block)) * u128::from(scale)
			/ u128::from(s.blocks.max(1));
		s.from.saturating_add(u64::try_from(done).unwrap_or(u64::MAX))
	}

	/// The first block whose position is at least `pos`.
	pub fn block_at(&self, pos: u64, scale: u64) -> u64 {
		let s = self.segment_of_position(pos);
		let more = u128::from(pos.saturating_sub(s.from)) * u128::from(s.blocks);
		let blocks = more.div_ceil(u128::from(scale.max(1)));
		s.from_block.saturating_add(u64::try_from(blocks).unwrap_or(u64::MAX))
	}

	/// The length in blocks in force at `block`.
	pub fn length_at(&self, block: u64) -> u32 {
		self.segment_at(block).blocks
	}

	/// The length set last (in force now or from the next era).
	pub fn latest_length(&self) -> u32 {
		self.segments.last().map_or(1, |s| s.blocks)
	}

	/// Sets the length to `blocks` from `from_block` on (at or after every segment's start).
	/// A change at the start of the last segment replaces its length.
	fn change_from(&mut self, from_block: u64, blocks: u32, scale: u64) -> Result<(), ClockError> {
		if blocks == 0 {
			return Err(ClockError::ZeroLength);
		}
		let from = self.position(from_block, scale);
		match self.segments.last_mut() {
			Some(last) if last.from_block == from_block => last.blocks = blocks,
			_ => self
				.segments
				.try_push(Segment { from_block, from, blocks })
				.map_err(|_| ClockError::TooManyChanges)?,
		}
		Ok(())
	}
}

/// The era clock: one unit of position per era.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct EraClock(pub Clock);

impl EraClock {
	/// Eras of `blocks` blocks from genesis.
	pub fn new(blocks: u32) -> Self {
		Self(Clock::new(blocks))
	}

	/// The era `block` is in.
	pub fn era_of(&self, block: u64) -> EraIndex {
		EraIndex::try_from(self.0.position(block, 1)).unwrap_or(EraIndex::MAX)
	}

	/// The first block of `era`.
	pub fn era_start(&self, era: EraIndex) -> u64 {
		self.0.block_at(u64::from(era), 1)
	}

	/// The length in blocks of the era `block` is in.
	pub fn era_length_at(&self, block: u64) -> u32 {
		self.0.length_at(block)
	}

	/// How far into its era `block` is: `(blocks since the era started, the era's length)`.
	pub fn progress(&self, block: u64) -> (u64, u32) {
		let start = self.era_start(self.era_of(block));
		(block.saturating_sub(start), self.era_length_at(block))
	}

	/// The latest era length set (from the next boundary if a change is pending).
	pub fn latest_length(&self) -> u32 {
		self.0.latest_length()
	}

	/// Makes eras `blocks` long from the era after the one `now` is in.
	pub fn set_length(&mut self, now: u64, blocks: u32) -> Result<(), ClockError> {
		let next = self.era_start(self.era_of(now).saturating_add(1));
		self.0.change_from(next, blocks, 1)
	}
}

/// The month clock: [`MONTH_SCALE`] units of position per month.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct MonthClock(pub Clock);

impl MonthClock {
	/// Months of `blocks` blocks from genesis.
	pub fn new(blocks: u32) -> Self {
		Self(Clock::new(blocks))
	}

	/// Month time at `block`, in units of `1 / MONTH_SCALE` month.
	pub fn position(&self, block: u64) -> u64 {
		self.0.position(block, MONTH_SCALE)
	}

	/// Month time between blocks `from` and `to` (0 if `to` is earlier), in units of
	/// `1 / MONTH_SCALE` month: what schedules counting months take as elapsed time.
	pub fn elapsed(&self, from: u64, to: u64) -> u64 {
		self.position(to).saturating_sub(self.position(from))
	}

	/// The first block at which `units` of month time have passed since block `from`.
	pub fn block_after(&self, from: u64, units: u64) -> u64 {
		self.0.block_at(self.position(from).saturating_add(units), MONTH_SCALE)
	}

	/// The month length in force at `block`.
	pub fn length_at(&self, block: u64) -> u32 {
		self.0.length_at(block)
	}

	/// The month length in force now (the last set).
	pub fn latest_length(&self) -> u32 {
		self.0.latest_length()
	}

	/// Makes months `blocks` long from block `now` on.
	pub fn set_length(&mut self, now: u64, blocks: u32) -> Result<(), ClockError> {
		self.0.change_from(
			now.max(self.0.segments.last().map_or(0, |s| s.from_block)),
			blocks,
			MONTH_SCALE,
		)
	}
}

/// What an era length must satisfy besides the clock's own rules (the runtime wires the
/// providers pallet: its unbonding delay must span the slashing exposure); `()` accepts any.
pub trait EraLengthCheck {
	/// Whether eras may become `blocks` long.
	fn check(blocks: u32) -> sp_runtime::DispatchResult;
}

impl EraLengthCheck for () {
	fn check(_: u32) -> sp_runtime::DispatchResult {
		Ok(())
	}
}

/// The chain's clocks as pallets read them (the runtime reads them from the vesting pallet,
/// which keeps them; tests use [`FixedClocks`]).
pub trait ChainClock {
	/// The era clock.
	fn eras() -> EraClock;
	/// The month clock.
	fn months() -> MonthClock;
}

/// Clocks that never change: eras of `E` blocks and months of `M` blocks (tests and
/// benchmarks).
pub struct FixedClocks<const E: u32, const M: u32>;

impl<const E: u32, const M: u32> ChainClock for FixedClocks<E, M> {
	fn eras() -> EraClock {
		EraClock::new(E)
	}
	fn months() -> MonthClock {
		MonthClock::new(M)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_fixed_clock_is_plain_division() {
		let c = EraClock::new(10);
		for b in 0..100u64 {
			assert_eq!(c.era_of(b), (b / 10) as u32);
			assert_eq!(c.era_start(c.era_of(b)), b / 10 * 10);
			assert_eq!(c.progress(b), (b % 10, 10));
		}
		let m = MonthClock::new(100);
		assert_eq!(m.elapsed(50, 150), MONTH_SCALE);
		assert_eq!(m.block_after(50, MONTH_SCALE), 150);
		assert_eq!(m.block_after(0, 3 * MONTH_SCALE), 300);
		let p = MonthClock::new(MONTH_BLOCKS);
		assert_eq!(p.elapsed(7, 1_007), 1_000);
	}

	#[test]
	fn a_longer_era_starts_at_the_next_boundary() {
		let mut c = EraClock::new(10);
		// Block 105 is in era 10; eras become 20 blocks from era 11 (block 110).
		c.set_length(105, 20).unwrap();
		assert_eq!(c.era_of(109), 10);
		assert_eq!(c.era_of(110), 11);
		assert_eq!(c.era_of(129), 11);
		assert_eq!(c.era_of(130), 12);
		assert_eq!(c.era_start(11), 110);
		assert_eq!(c.era_start(12), 130);
		assert_eq!(c.era_start(3), 30);
		// Changed again before it applied: the pending length is replaced.
		c.set_length(107, 5).unwrap();
		assert_eq!(c.0.segments.len(), 2);
		assert_eq!(c.era_of(115), 12);
		assert_eq!(c.era_length_at(109), 10);
		assert_eq!(c.era_length_at(110), 5);
		assert_eq!(c.set_length(0, 0), Err(ClockError::ZeroLength));
	}

	#[test]
	fn a_shorter_month_accrues_nothing_at_once() {
		let mut m = MonthClock::new(100);
		// Half a month has passed at block 50; months become 1 block long.
		assert_eq!(m.position(50), MONTH_SCALE / 2);
		m.set_length(50, 1).unwrap();
		assert_eq!(m.position(50), MONTH_SCALE / 2);
		assert_eq!(m.position(51), MONTH_SCALE / 2 + MONTH_SCALE);
		// Past blocks keep their position.
		assert_eq!(m.position(20), MONTH_SCALE / 5);
		assert_eq!(m.elapsed(20, 50), MONTH_SCALE * 3 / 10);
	}

	#[test]
	fn a_clock_keeps_a_bounded_history() {
		let mut c = EraClock::new(10);
		for i in 1..MAX_CLOCK_SEGMENTS {
			c.set_length(u64::from(i) * 1_000, 10 + i).unwrap();
		}
		assert_eq!(c.set_length(1_000_000, 7), Err(ClockError::TooManyChanges));
	}

	/// Random changes at random blocks: the era index never goes backwards or skips, every
	/// block lies in `[era_start(e), era_start(e + 1))`, and month time never decreases and
	/// never advances faster per block than the month lengths say.
	#[test]
	fn clocks_are_monotonic_under_any_changes() {
		let mut seed = 0x9e37_79b9_7f4a_7c15u64;
		let mut next = move |n: u64| {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			seed % n
		};
		for _ in 0..200 {
			let mut eras = EraClock::new(1 + next(20) as u32);
			let mut months = MonthClock::new(1 + next(200) as u32);
			let mut changes = alloc::vec::Vec::new();
			let mut at = 0;
			for _ in 0..(MAX_CLOCK_SEGMENTS - 1) {
				at += next(300);
				changes.push((at, 1 + next(30) as u32, 1 + next(300) as u32));
			}
			let mut b = 0u64;
			let (mut era, mut pos) = (0, 0);
			let mut pending = changes.into_iter().peekable();
			while b < at + 500 {
				while let Some((c, e, m)) = pending.peek().copied() {
					if c > b {
						break;
					}
					eras.set_length(b, e).unwrap();
					months.set_length(b, m).unwrap();
					pending.next();
				}
				let e = eras.era_of(b);
				assert!(e == era || e == era + 1, "era {era} → {e} at {b}");
				assert!(
					eras.era_start(e) <= b && b < eras.era_start(e + 1),
					"block {b} outside era {e}"
				);
				let p = months.position(b);
				assert!(p >= pos);
				// The step into block `b` runs at the pace in force at `b - 1`.
				let step = MONTH_SCALE.div_ceil(u64::from(months.length_at(b.saturating_sub(1))));
				assert!(b == 0 || p - pos <= step, "month time jumped {pos} → {p} at {b}");
				assert_eq!(months.block_after(b, 0), months.0.block_at(p, MONTH_SCALE));
				assert!(months.block_after(b, 0) <= b);
				(era, pos) = (e, p);
				b += 1;
			}
		}
	}
}
