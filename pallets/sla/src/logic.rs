//! The pure parts of the SLA oracle (protocol §4): who probes which node, how an era's
//! reports aggregate into pass/fail, the sliding-window score and the slash schedule.
//! Panic-free, no storage: the pallet and the off-chain worker share them.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use icn_primitives::providers::NodeId;
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// Most HyperNodes assigned to one provider node per era (`k = min(#oracles, 5)`).
pub const MAX_ORACLES_PER_NODE: u32 = 5;
/// Eras in the SLA score's sliding window (30 days of one-hour eras).
pub const SCORE_WINDOW: u32 = 720;

/// Why a probe failed.
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
pub enum ProbeFailure {
	/// No answer within the deadline.
	Timeout,
	/// A non-2xx HTTP status (HEAD, `.hashes` or chunk).
	HttpStatus(u16),
	/// The `.hashes` object is missing, has the wrong length, or does not hash to the root.
	BadHashes,
	/// The sampled chunk does not hash to its entry in `.hashes`.
	BadChunk,
	/// A response body was larger than the protocol allows.
	TooLarge,
	/// The request could not be made (connection refused, DNS, …).
	Network,
}

/// What one HyperNode measured of one node in one era.
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
pub enum ProbeOutcome {
	/// Available (2xx within the deadline) and the integrity audit passed.
	Ok {
		/// Latency of the `HEAD` request, milliseconds.
		latency_ms: u32,
	},
	/// Unavailable or failing the audit.
	Failed(ProbeFailure),
}

/// The `k` HyperNodes (indices into the era's sorted oracle list of `count`) that probe
/// `node` in the era with randomness `seed`: `k = min(count, 5)` indices drawn **independently
/// and without replacement** (a partial Fisher–Yates shuffle, draw `j` from
/// `blake2_256(seed ++ node ++ j)`), so an operator holding `m` of `count` HyperNodes controls
/// a node's quorum only as often as `m` random picks would — never by holding neighbouring
/// positions in the sorted list (grinding adjacent account ids buys nothing). Deterministic
/// for chain and workers alike; every oracle gets about the same share.
pub fn oracles_for(seed: &[u8; 32], node: NodeId, count: u32) -> Vec<u32> {
	let k = count.min(MAX_ORACLES_PER_NODE);
	// The positions the shuffle moved: (position, index now there); all others hold their
	// own index. At most 2k entries.
	let mut moved: Vec<(u32, u32)> = Vec::with_capacity(2 * k as usize);
	let at = |moved: &Vec<(u32, u32)>, p: u32| {
		moved.iter().rev().find(|(q, _)| *q == p).map_or(p, |(_, v)| *v)
	};
	let mut picked = Vec::with_capacity(k as usize);
	for j in 0..k {
		let digest = sp_io::hashing::blake2_256(&(seed, node, j).encode());
		let r = u64::from_le_bytes([
			digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
		]);
		// j ≤ p < count: a uniform pick among the positions not yet drawn.
		let p = j.saturating_add((r % u64::from(count.saturating_sub(j).max(1))) as u32);
		let (vp, vj) = (at(&moved, p), at(&moved, j));
		moved.push((p, vj));
		moved.push((j, vp));
		picked.push(vp);
	}
	picked
}

/// The quorum for `k` assigned oracles: `⌈2k/3⌉`.
pub fn quorum(k: u32) -> u32 {
	(2 * k).div_ceil(3)
}

/// How an era ended for a node.
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
pub enum EraVerdict {
	/// Fewer reports than the quorum: not counted (no reward, no slash).
	NotCounted,
	/// A majority found it available and intact, median latency within the bound.
	Passed,
	/// Otherwise.
	Failed,
}

/// Aggregates one era's outcomes for a node with `k` assigned oracles (protocol §4.4): with
/// at least `⌈2k/3⌉` reports the node passes if more than half of them are `Ok` and the
/// median latency of those is within `latency_bound_ms`.
///
/// Whatever the number of reports, the node **fails** when more than half of all `k`
/// assigned oracles judged it failing (down, corrupt, or slower than the bound): the silent
/// ones could not have changed the outcome, so withholding reports never shields a failing
/// node (a deviation from "fewer than the quorum: not counted", see docs/protocol.md).
pub fn verdict(outcomes: &[ProbeOutcome], k: u32, latency_bound_ms: u32) -> EraVerdict {
	if k == 0 {
		return EraVerdict::NotCounted;
	}
	let failing = outcomes.iter().filter(|o| !passes(o, latency_bound_ms)).count() as u64;
	if failing.saturating_mul(2) > u64::from(k) {
		return EraVerdict::Failed;
	}
	if (outcomes.len() as u32) < quorum(k) {
		return EraVerdict::NotCounted;
	}
	let mut latencies: Vec<u32> = outcomes
		.iter()
		.filter_map(|o| match o {
			ProbeOutcome::Ok { latency_ms } => Some(*latency_ms),
			ProbeOutcome::Failed(_) => None,
		})
		.collect();
	if latencies.len() * 2 <= outcomes.len() {
		return EraVerdict::Failed;
	}
	latencies.sort_unstable();
	// The lower median for an even count.
	let median = latencies[(latencies.len() - 1) / 2];
	if median <= latency_bound_ms {
		EraVerdict::Passed
	} else {
		EraVerdict::Failed
	}
}

/// An oracle's own judgement of a node: `Ok` within the latency bound.
pub fn passes(outcome: &ProbeOutcome, latency_bound_ms: u32) -> bool {
	matches!(outcome, ProbeOutcome::Ok { latency_ms } if *latency_ms <= latency_bound_ms)
}

/// Whether an oracle's outcome agrees with the era's verdict: its own judgement (`Ok`
/// within the latency bound passes, anything else fails) matches the aggregate. A
/// disagreeing report is a miss for the oracle's accuracy; a not-counted era has no misses.
pub fn agrees(outcome: &ProbeOutcome, verdict: EraVerdict, latency_bound_ms: u32) -> bool {
	let passes = passes(outcome, latency_bound_ms);
	match verdict {
		EraVerdict::NotCounted => true,
		EraVerdict::Passed => passes,
		EraVerdict::Failed => !passes,
	}
}

/// The slash for the `consecutive`-th consecutive failed era: nothing during the grace eras,
/// then `base`, doubling each further failure, capped at `cap` (protocol §4.4: grace 3,
/// 1 %, 2 %, 4 %, 8 %, then 10 %).
pub fn slash_fraction(consecutive: u32, grace: u32, base: Perbill, cap: Perbill) -> Perbill {
	if consecutive <= grace {
		return Perbill::zero();
	}
	let doublings = (consecutive - grace - 1).min(31);
	let parts = u64::from(base.deconstruct()).saturating_mul(1u64 << doublings);
	Perbill::from_parts(parts.min(u64::from(cap.deconstruct())) as u32)
}

/// A node's SLA record over the sliding window: two bits per era (counted, passed) in a ring
/// of [`SCORE_WINDOW`] eras.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct SlaWindow {
	/// Counted-era bits, one per window slot.
	pub counted: [u8; (SCORE_WINDOW / 8) as usize],
	/// Passed-era bits, one per window slot.
	pub passed: [u8; (SCORE_WINDOW / 8) as usize],
	/// Consecutive failed eras up to the last counted one.
	pub consecutive_failures: u32,
	/// The last era recorded.
	pub last_era: Option<u32>,
}

impl Default for SlaWindow {
	fn default() -> Self {
		Self { counted: [0; 90], passed: [0; 90], consecutive_failures: 0, last_era: None }
	}
}

impl SlaWindow {
	fn set(bits: &mut [u8; 90], slot: usize, on: bool) {
		if let Some(b) = bits.get_mut(slot / 8) {
			if on {
				*b |= 1 << (slot % 8);
			} else {
				*b &= !(1 << (slot % 8));
			}
		}
	}

	/// Records `era`'s verdict (eras must come in increasing order; skipped eras are cleared
	/// as not counted).
	pub fn record(&mut self, era: u32, verdict: EraVerdict) {
		// Clear the slots of eras skipped since the last record (at most a window's worth).
		if let Some(last) = self.last_era {
			let gap = era.saturating_sub(last).min(SCORE_WINDOW);
			for i in 1..gap {
				let slot = (last.wrapping_add(i) % SCORE_WINDOW) as usize;
				Self::set(&mut self.counted, slot, false);
				Self::set(&mut self.passed, slot, false);
			}
		}
		let slot = (era % SCORE_WINDOW) as usize;
		Self::set(&mut self.counted, slot, verdict != EraVerdict::NotCounted);
		Self::set(&mut self.passed, slot, verdict == EraVerdict::Passed);
		match verdict {
			EraVerdict::Passed => self.consecutive_failures = 0,
			EraVerdict::Failed => {
				self.consecutive_failures = self.consecutive_failures.saturating_add(1)
			},
			EraVerdict::NotCounted => {},
		}
		self.last_era = Some(era);
	}

	/// `(passed, counted)` eras in the window.
	pub fn counts(&self) -> (u32, u32) {
		let ones = |bits: &[u8; 90]| bits.iter().map(|b| b.count_ones()).sum::<u32>();
		(ones(&self.passed), ones(&self.counted))
	}

	/// The SLA score: passed / counted eras (1 with nothing counted yet).
	pub fn score(&self) -> Perbill {
		let (passed, counted) = self.counts();
		if counted == 0 {
			Perbill::one()
		} else {
			Perbill::from_rational(passed, counted)
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn assignment_is_deterministic_distinct_and_spread() {
		let seed = [7u8; 32];
		assert_eq!(oracles_for(&seed, 42, 9), oracles_for(&seed, 42, 9));
		assert_ne!(oracles_for(&seed, 42, 9), oracles_for(&[8u8; 32], 42, 9));
		assert!(oracles_for(&seed, 1, 0).is_empty());
		assert_eq!(oracles_for(&seed, 1, 3).len(), 3);
		for node in 0..50 {
			let o = oracles_for(&seed, node, 9);
			assert_eq!(o.len(), 5);
			let mut d = o.clone();
			d.sort();
			d.dedup();
			assert_eq!(d.len(), 5, "distinct oracles");
			assert!(o.iter().all(|i| *i < 9));
		}
		// Spread: over 9,000 nodes and 9 oracles, each gets 5,000 ± 10 %.
		let mut load = [0u32; 9];
		for node in 0..9_000 {
			for i in oracles_for(&seed, node, 9) {
				load[i as usize] += 1;
			}
		}
		assert!(load.iter().all(|l| (4_500..=5_500).contains(l)), "{load:?}");
		// All of them when there are at most five.
		for count in 1..=5 {
			let mut o = oracles_for(&seed, 3, count);
			o.sort();
			assert_eq!(o, (0..count).collect::<Vec<_>>());
		}
	}

	#[test]
	fn quorum_is_two_thirds_rounded_up() {
		assert_eq!((1..=5).map(quorum).collect::<Vec<_>>(), vec![1, 2, 2, 3, 4]);
	}

	#[test]
	fn verdict_by_quorum_majority_and_median() {
		let ok = |ms| ProbeOutcome::Ok { latency_ms: ms };
		let bad = ProbeOutcome::Failed(ProbeFailure::Timeout);
		// k = 5: quorum 4.
		assert_eq!(verdict(&[ok(10), ok(10), ok(10)], 5, 100), EraVerdict::NotCounted);
		assert_eq!(verdict(&[ok(10), ok(10), ok(10), bad], 5, 100), EraVerdict::Passed);
		assert_eq!(verdict(&[ok(10), ok(10), bad, bad], 5, 100), EraVerdict::Failed);
		// Median of the Ok latencies (lower median): 50, 150, 200 → 150 > 100.
		assert_eq!(verdict(&[ok(50), ok(200), ok(150), bad], 5, 100), EraVerdict::Failed);
		assert_eq!(verdict(&[ok(50), ok(90), ok(150), bad], 5, 100), EraVerdict::Passed);
		// k = 1: one report decides.
		assert_eq!(verdict(&[bad], 1, 100), EraVerdict::Failed);
		assert_eq!(verdict(&[], 1, 100), EraVerdict::NotCounted);
		// A majority of all assigned oracles failing it decides, reported or not.
		let down = ProbeOutcome::Failed(ProbeFailure::Timeout);
		assert_eq!(verdict(&[down, down, down], 5, 100), EraVerdict::Failed);
		assert_eq!(verdict(&[ok(500), ok(900), down, ok(10)], 5, 100), EraVerdict::Failed);
		assert_eq!(verdict(&[down, down], 5, 100), EraVerdict::NotCounted);
		assert_eq!(verdict(&[down], 1, 100), EraVerdict::Failed);
	}

	#[test]
	fn slash_schedule_grace_escalation_and_cap() {
		let f = |c| slash_fraction(c, 3, Perbill::from_percent(1), Perbill::from_percent(10));
		assert_eq!(
			(1..=10).map(|c| f(c)).collect::<Vec<_>>(),
			vec![
				Perbill::zero(),
				Perbill::zero(),
				Perbill::zero(),
				Perbill::from_percent(1),
				Perbill::from_percent(2),
				Perbill::from_percent(4),
				Perbill::from_percent(8),
				Perbill::from_percent(10),
				Perbill::from_percent(10),
				Perbill::from_percent(10),
			]
		);
		assert_eq!(f(u32::MAX), Perbill::from_percent(10));
	}

	#[test]
	fn the_window_scores_passed_over_counted_and_forgets_old_eras() {
		let mut w = SlaWindow::default();
		assert_eq!(w.score(), Perbill::one());
		w.record(0, EraVerdict::Passed);
		w.record(1, EraVerdict::Failed);
		w.record(2, EraVerdict::NotCounted);
		w.record(3, EraVerdict::Passed);
		assert_eq!(w.counts(), (2, 3));
		assert_eq!(w.consecutive_failures, 0);
		w.record(4, EraVerdict::Failed);
		w.record(5, EraVerdict::Failed);
		assert_eq!(w.consecutive_failures, 2);
		// NotCounted does not reset the run.
		w.record(6, EraVerdict::NotCounted);
		w.record(7, EraVerdict::Failed);
		assert_eq!(w.consecutive_failures, 3);
		// A window later, the old eras are gone.
		w.record(7 + SCORE_WINDOW, EraVerdict::Passed);
		assert_eq!(w.counts(), (1, 1));
		assert_eq!(w.score(), Perbill::one());
	}
}
