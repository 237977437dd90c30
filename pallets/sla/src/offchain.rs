//! The HyperNode off-chain worker (protocol §4.2, §4.3).
//!
//! In the first half of each era, on a node whose keystore holds the `icno` key of a HyperNode
//! active in that era, it probes every provider node assigned to that HyperNode over real HTTP:
//!
//! 1. `HEAD <endpoint>/<path>`: available if 2xx within the deadline; the latency is measured
//!    per request while all of them are in flight together;
//! 2. the integrity audit: `GET <endpoint>/<path>.hashes` (at most `32 × ⌈size / 4096⌉` bytes
//!    read) must hash to the committed root, and [`CHUNKS_PER_PROBE`] chunks drawn from the
//!    era's randomness ([`sample_chunks`], the same for every oracle of the node), each fetched
//!    with `Range: bytes=…`, must hash to their entries.
//!
//! The requests of a phase are in flight together (at most [`MAX_IN_FLIGHT`]), each against **its own deadline**
//! ([`PROBE_DEADLINE_MS`] from when it was sent), so one endpoint that hangs, answers slowly or
//! trickles its body fails only its own node; bodies are capped and hashed as they stream
//! (of `.hashes` only the sampled chunks' 32-byte entries are kept, so memory does not grow
//! with the audit objects); there are no retries within an era. Then one signed `submit_report`
//! per HyperNode — in parts of at most `MaxReportResults` nodes, with consecutive nonces,
//! when it is assigned more — remembered in local storage so it is not sent again for that
//! era unless it failed to land ([`RESEND_AFTER_BLOCKS`]; then what is not on chain yet). An
//! expiring `StorageLock` keeps overlapping runs apart without ever wedging the worker.

use alloc::{format, string::String, vec, vec::Vec};
use codec::Encode;
use frame_support::{traits::Get, BoundedVec};
use frame_system::{
	offchain::{AppCrypto, SendSignedTransaction, Signer},
	pallet_prelude::BlockNumberFor,
};
use icn_primitives::providers::{EraIndex, NodeId, ProbeTarget};
use sp_core::offchain::{HttpError, HttpRequestId, HttpRequestStatus};
use sp_runtime::{
	offchain::{
		http,
		storage::StorageValueRef,
		storage_lock::{BlockAndTime, StorageLock},
		Duration, Timestamp,
	},
	traits::{IdentifyAccount, UniqueSaturatedInto},
	RuntimeAppPublic,
};

use crate::{
	logic::{ProbeFailure, ProbeOutcome},
	Call, Config, OracleOf, Pallet, Signers,
};

/// Deadline of each probe request, milliseconds.
pub const PROBE_DEADLINE_MS: u64 = 2_000;
/// A report not seen on chain this many blocks after it was sent is sent again.
pub const RESEND_AFTER_BLOCKS: u32 = 3;
/// Failed nodes listed (with their reasons) in the worker's info log line.
const MAX_FAILURES_LOGGED: usize = 10;
/// How often in-flight requests are polled to time each one, milliseconds.
const POLL_MS: u64 = 5;
/// Bytes read from a response body per host call.
const READ_BUFFER: usize = 16 * 1024;
/// Chunks of a node's audit object checked per era (the same for all its oracles).
pub const CHUNKS_PER_PROBE: u32 = 16;
/// Most requests in flight at once; the rest are sent as these end (each request's deadline
/// runs from when it is sent), so a worker with thousands of nodes does not open tens of
/// thousands of connections at once.
pub const MAX_IN_FLIGHT: usize = 512;
/// Most response-body bytes in flight at once (their caps summed): a request is sent only
/// when its body fits, so a worker streaming thousands of maximal `.hashes` (512 KiB each)
/// reads each within its own deadline instead of starving them all (one request at a time
/// may exceed it).
pub const MAX_BYTES_IN_FLIGHT: u64 = 16 * 1024 * 1024;
/// Most nodes probed in one worker run. The host numbers a run's HTTP requests with 16 bits
/// (65,536 per run), and a node costs up to `2 + CHUNKS_PER_PROBE` requests: a HyperNode
/// assigned more probes them over several runs (blocks), each run reporting its part and the
/// next starting after the last node on chain. (Before, requests past the 65,536th failed
/// with `Network`: with 5,000 nodes, every node after the ~3,440th.)
pub const MAX_NODES_PER_RUN: usize = 60_000 / (2 + CHUNKS_PER_PROBE as usize);

const LOCK_KEY: &[u8] = b"icn-sla::worker-lock";
const SENT_KEY_PREFIX: &[u8] = b"icn-sla::sent::";

/// Runs the worker for block `n` (called from the pallet's `offchain_worker` hook).
pub fn run<T: Config>(n: BlockNumberFor<T>) {
	let block: u32 = n.unique_saturated_into();
	let (into_era, era_blocks) =
		<T::Clock as icn_primitives::clock::ChainClock>::eras().progress(block.into());
	// Probe and report in the first half of the era, so the report lands within it.
	if into_era >= u64::from(era_blocks.div_ceil(2)) {
		return;
	}
	let era = Pallet::<T>::era_of(n);
	if crate::CurrentEra::<T>::get() != Some(era) {
		return;
	}
	// Reports wait until the era's snapshot is copied (a block or two with thousands of
	// HyperNodes).
	if !Pallet::<T>::snapshot_ready(era) || crate::EraOracleCount::<T>::get(era) == 0 {
		return;
	}
	let mut lock =
		StorageLock::<BlockAndTime<frame_system::Pallet<T>>>::with_block_and_time_deadline(
			LOCK_KEY,
			era_blocks,
			Duration::from_millis(4 * PROBE_DEADLINE_MS),
		);
	let Ok(_guard) = lock.try_lock() else {
		log::debug!(target: "icn-sla", "another worker run holds the lock");
		return;
	};
	for public in <T::AuthorityId as AppCrypto<T::Public, T::Signature>>::RuntimeAppPublic::all() {
		let generic: <T::AuthorityId as AppCrypto<T::Public, T::Signature>>::GenericPublic =
			public.into();
		let public: T::Public = generic.into();
		let signer_account = public.clone().into_account();
		let Some(owner) = Signers::<T>::get(&signer_account) else { continue };
		let Some(slot) = OracleOf::<T>::get(&owner).filter(|s| s.era == era) else { continue };
		let sent_key = [SENT_KEY_PREFIX, &owner.encode()].concat();
		let sent = StorageValueRef::persistent(&sent_key);
		if let Ok(Some((sent_era, sent_block))) = sent.get::<(EraIndex, u32)>() {
			if sent_era == era && block < sent_block.saturating_add(RESEND_AFTER_BLOCKS) {
				continue;
			}
		}
		// What is still to report this era: every assigned node, or those after the last
		// node of the parts already on chain.
		let up_to = slot.up_to;
		let mut nodes: Vec<NodeId> = Pallet::<T>::assignments(&owner, era)
			.into_iter()
			.filter(|node| up_to.map_or(true, |last| *node > last))
			.collect();
		if nodes.is_empty() {
			continue;
		}
		// The rest in a later run, once this run's parts are on chain.
		let left = nodes.len().saturating_sub(MAX_NODES_PER_RUN);
		nodes.truncate(MAX_NODES_PER_RUN);
		if left > 0 {
			log::info!(target: "icn-sla", "era {era}: {left} more node(s) to probe in a later run");
		}
		let targets: Vec<(NodeId, ProbeTarget)> = nodes
			.into_iter()
			.filter_map(|n| Pallet::<T>::era_target(n, era).map(|t| (n, t)))
			.collect();
		// The era's randomness: every oracle of a node checks the same chunks.
		let Some(seed) = crate::EraSeeds::<T>::get(era) else { continue };
		let started = sp_io::offchain::timestamp();
		let results = probe_all(&targets, &seed, PROBE_DEADLINE_MS);
		let elapsed_ms = sp_io::offchain::timestamp().diff(&started).millis();
		let failures: Vec<&(NodeId, ProbeOutcome)> =
			results.iter().filter(|(_, o)| matches!(o, ProbeOutcome::Failed(_))).collect();
		let failed = failures.len();
		// The first failures with their reasons (all of them with `-l icn-sla=debug`).
		let shown = failures.get(..failed.min(MAX_FAILURES_LOGGED)).unwrap_or(&[]);
		// The sum of the measured HEAD latencies: what probing one node after another
		// would at least have taken (`clients/js/bench/worker-speed.mjs` compares the two).
		let latency_sum_ms: u64 = results
			.iter()
			.map(|(_, o)| match o {
				ProbeOutcome::Ok { latency_ms } => u64::from(*latency_ms),
				ProbeOutcome::Failed(_) => 0,
			})
			.sum();
		log::info!(
			target: "icn-sla",
			"era {era}: probed {} node(s) for HyperNode {:?} in {elapsed_ms} ms (HEAD latencies sum {latency_sum_ms} ms), {failed} failed: {:?}{}",
			results.len(),
			owner,
			shown,
			if failed > shown.len() { " …" } else { "" },
		);
		log::debug!(target: "icn-sla", "era {era}: results {:?}", results);
		// One transaction per `MaxReportResults` nodes, in order: the signer's nonce goes up
		// by one per part, so the pool includes them in order.
		let part_size = (T::MaxReportResults::get() as usize).max(1);
		let parts = results.len().div_ceil(part_size);
		let mut submitted = 0;
		for part in results.chunks(part_size) {
			let part: BoundedVec<_, T::MaxReportResults> = BoundedVec::truncate_from(part.to_vec());
			let outcome = Signer::<T, T::AuthorityId>::all_accounts()
				.with_filter(vec![public.clone()])
				.send_signed_transaction(|_| Call::submit_report { era, results: part.clone() });
			match outcome.first() {
				Some((_, Ok(()))) => submitted += 1,
				Some((acc, Err(()))) => {
					log::warn!(target: "icn-sla", "era {era}: report part {} of {parts} of {:?} not submitted", submitted + 1, acc.id);
					break;
				},
				None => {
					log::warn!(target: "icn-sla", "era {era}: no local key could sign the report");
					break;
				},
			}
		}
		if submitted > 0 {
			// Parts that do not land are sent again from the last node on chain.
			sent.set(&(era, block));
		}
	}
}

fn url(endpoint: &[u8], path: &[u8], suffix: &str) -> String {
	let base = String::from_utf8_lossy(endpoint);
	format!("{}/{}{}", base.trim_end_matches('/'), String::from_utf8_lossy(path), suffix)
}

/// The chunks of `target` checked in the era of `seed` (the era's randomness, so every
/// oracle of the node checks the same ones and honest oracles agree): [`CHUNKS_PER_PROBE`]
/// draws with replacement, draw `j` from `blake2_256("icn-sla:chunk" ++ seed ++ node ++ j)`,
/// sorted and without repeats. A node that lost a fraction `p` of its chunks passes an era
/// with probability `(1 − p)^16` (docs/hypernode.md §5).
pub fn sample_chunks(target: &ProbeTarget, seed: &[u8; 32], node: NodeId) -> Vec<u64> {
	let chunks = target.size.div_ceil(u64::from(target.chunk_size.max(1))).max(1);
	let mut sample: Vec<u64> = (0..CHUNKS_PER_PROBE)
		.map(|j| {
			let r = sp_io::hashing::blake2_256(&(b"icn-sla:chunk", seed, node, j).encode());
			u64::from_le_bytes([r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]]) % chunks
		})
		.collect();
	sample.sort_unstable();
	sample.dedup();
	sample
}

/// What a request of a probe is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
	/// `HEAD <object>`: availability and latency.
	Head,
	/// `GET <object>.hashes`: must hash to the committed root; the sampled chunks' entries
	/// are kept (32 bytes each), nothing else.
	Hashes,
	/// `GET <object>` with `Range`: a sampled chunk, must hash to its entry.
	Chunk,
}

/// A body being read: hashed as it streams, only the 32 bytes at each offset of `keep` kept.
struct Reading {
	hasher: blake2b_simd::State,
	/// Bytes read so far.
	read: u64,
	/// The most bytes the body may have.
	cap: u64,
	/// The offsets of the 32 bytes to keep (the sampled chunks' entries in `.hashes`).
	keep: Vec<u64>,
	kept: Vec<[u8; 32]>,
}

impl Reading {
	fn new(cap: u64, keep: Vec<u64>) -> Self {
		let kept = vec![[0; 32]; keep.len()];
		Self {
			hasher: blake2b_simd::Params::new().hash_length(32).to_state(),
			read: 0,
			cap,
			keep,
			kept,
		}
	}

	/// Feeds `bytes` (the next part of the body); `TooLarge` past the cap.
	fn feed(&mut self, bytes: &[u8]) -> Result<(), ProbeFailure> {
		let end = self.read.saturating_add(bytes.len() as u64);
		if end > self.cap {
			return Err(ProbeFailure::TooLarge);
		}
		for (at, kept) in self.keep.iter().zip(self.kept.iter_mut()) {
			// The part of [at, at + 32) within [read, end).
			let from = (*at).max(self.read);
			let to = at.saturating_add(32).min(end);
			if from < to {
				let src = (from - self.read) as usize..(to - self.read) as usize;
				let dst = (from - at) as usize..(to - at) as usize;
				if let (Some(d), Some(s)) = (kept.get_mut(dst), bytes.get(src)) {
					d.copy_from_slice(s);
				}
			}
		}
		self.hasher.update(bytes);
		self.read = end;
		Ok(())
	}

	fn hash(&self) -> [u8; 32] {
		let mut out = [0u8; 32];
		if let Some(hash) = self.hasher.finalize().as_bytes().get(..32) {
			out.copy_from_slice(hash);
		}
		out
	}
}

/// A request in flight: what it is for, when it was sent and its own deadline.
struct InFlight {
	/// Index of the target.
	target: usize,
	kind: Kind,
	id: HttpRequestId,
	sent: Timestamp,
	deadline: Timestamp,
	/// The latency (headers in), once the response came; its body is being read.
	answered: Option<(u32, Reading)>,
}

/// How one request of a probe ended: its latency, and for `.hashes` the sampled entries.
type Finished = Result<(u32, Vec<[u8; 32]>), ProbeFailure>;

/// Runs every request of one phase to its end, each against **its own deadline** measured
/// from when it was sent (`deadline_ms`): responses are taken as they come, bodies read as
/// they stream (hashed, never kept), so a request that hangs or trickles times out alone and
/// never delays the verdict of another. At most [`MAX_IN_FLIGHT`] are in flight, with at
/// most [`MAX_BYTES_IN_FLIGHT`] of bodies; the others are sent, in order, as those end. `requests` are (target, kind, url, range, body cap, the
/// offsets of the 32 bytes to keep, the hash the body must have — `None`: not checked).
fn run_phase(requests: Vec<PhaseRequest<'_>>, deadline_ms: u64) -> Vec<(usize, Kind, Finished)> {
	let mut done: Vec<(usize, Kind, Finished)> = Vec::with_capacity(requests.len());
	let mut flying: Vec<(InFlight, PhaseCheck)> =
		Vec::with_capacity(requests.len().min(MAX_IN_FLIGHT));
	let mut queue = requests.into_iter().peekable();
	let mut buffer = vec![0u8; READ_BUFFER];
	loop {
		let mut bytes: u64 = flying.iter().map(|(_, c)| c.cap).sum();
		while flying.len() < MAX_IN_FLIGHT {
			let Some(next) = queue.peek() else { break };
			if !flying.is_empty() && bytes.saturating_add(next.cap) > MAX_BYTES_IN_FLIGHT {
				break;
			}
			let Some(r) = queue.next() else { break };
			bytes = bytes.saturating_add(r.cap);
			let mut request = http::Request::get(r.url);
			if r.kind == Kind::Head {
				request = request.method(http::Method::Other("HEAD"));
			}
			if let Some(range) = r.range.as_deref() {
				request = request.add_header("Range", range);
			}
			let sent = sp_io::offchain::timestamp();
			let deadline = sent.add(Duration::from_millis(deadline_ms));
			match request.deadline(deadline).send() {
				Ok(pending) => flying.push((
					InFlight {
						target: r.target,
						kind: r.kind,
						id: pending.id,
						sent,
						deadline,
						answered: None,
					},
					PhaseCheck { cap: r.cap, keep: r.keep, expect: r.expect },
				)),
				Err(_) => done.push((r.target, r.kind, Err(ProbeFailure::Network))),
			}
		}
		if flying.is_empty() {
			break;
		}
		let now = sp_io::offchain::timestamp();
		// Each request that reached its own deadline times out, alone.
		let mut i = 0;
		while i < flying.len() {
			if flying[i].0.deadline.unix_millis() <= now.unix_millis() {
				let (f, _) = flying.swap_remove(i);
				done.push((f.target, f.kind, Err(ProbeFailure::Timeout)));
			} else {
				i += 1;
			}
		}
		if flying.is_empty() {
			continue;
		}
		// Wait (a poll step at most, never past the earliest deadline) for the responses
		// still to come.
		let earliest = flying
			.iter()
			.map(|(f, _)| f.deadline.unix_millis())
			.min()
			.unwrap_or(now.unix_millis());
		let step = now.add(Duration::from_millis(POLL_MS));
		let until = if step.unix_millis() < earliest {
			step
		} else {
			Timestamp::from_unix_millis(earliest)
		};
		let waiting: Vec<usize> =
			(0..flying.len()).filter(|i| flying[*i].0.answered.is_none()).collect();
		let mut progressed = false;
		// Waiting for headers blocks until `until` unless every one of them came.
		let waited = !waiting.is_empty();
		if waited {
			let ids: Vec<HttpRequestId> = waiting.iter().map(|i| flying[*i].0.id).collect();
			let statuses = sp_io::offchain::http_response_wait(&ids, Some(until));
			let arrived = sp_io::offchain::timestamp();
			let mut failed = Vec::new();
			let mut heads = Vec::new();
			for (i, status) in waiting.into_iter().zip(statuses) {
				let Some((f, check)) = flying.get_mut(i) else { continue };
				let latency = arrived.diff(&f.sent).millis().min(u64::from(u32::MAX)) as u32;
				match status {
					HttpRequestStatus::DeadlineReached => {},
					HttpRequestStatus::Finished(code)
						if (200..300).contains(&code) && f.kind == Kind::Head =>
					{
						// A HEAD answer has no body: read once (without waiting) so the host
						// can release it, and take the latency.
						let _ = sp_io::offchain::http_response_read_body(
							f.id,
							&mut buffer,
							Some(arrived),
						);
						heads.push((i, latency));
					},
					HttpRequestStatus::Finished(code) if (200..300).contains(&code) => {
						f.answered = Some((
							latency,
							Reading::new(check.cap, core::mem::take(&mut check.keep)),
						));
						progressed = true;
					},
					HttpRequestStatus::Finished(code) => {
						failed.push((i, ProbeFailure::HttpStatus(code)))
					},
					HttpRequestStatus::IoError | HttpRequestStatus::Invalid => {
						failed.push((i, ProbeFailure::Network))
					},
				}
			}
			// Highest index first, so the others keep their places.
			let mut ended: Vec<(usize, Finished)> = failed
				.into_iter()
				.map(|(i, failure)| (i, Err(failure)))
				.chain(heads.into_iter().map(|(i, latency)| (i, Ok((latency, Vec::new())))))
				.collect();
			ended.sort_by(|a, b| b.0.cmp(&a.0));
			for (i, result) in ended {
				let (f, _) = flying.swap_remove(i);
				done.push((f.target, f.kind, result));
			}
		}
		// Read what has arrived of each body, without waiting for more.
		let mut i = 0;
		while i < flying.len() {
			let (f, check) = &mut flying[i];
			let Some((latency, reading)) = f.answered.as_mut() else {
				i += 1;
				continue;
			};
			let now = sp_io::offchain::timestamp();
			let outcome = loop {
				match sp_io::offchain::http_response_read_body(f.id, &mut buffer, Some(now)) {
					Ok(0) => break Some(Ok(())),
					Ok(n) => {
						progressed = true;
						if let Err(e) = reading.feed(buffer.get(..n as usize).unwrap_or(&[])) {
							break Some(Err(e));
						}
					},
					// Nothing more has arrived yet.
					Err(HttpError::DeadlineReached) => break None,
					Err(_) => break Some(Err(ProbeFailure::Network)),
				}
			};
			match outcome {
				None => i += 1,
				Some(result) => {
					let result = result.and_then(|()| match check.expect {
						Some((len, hash)) if reading.read != len || reading.hash() != hash => {
							Err(f.kind.mismatch())
						},
						_ => Ok((*latency, core::mem::take(&mut reading.kept))),
					});
					let (f, _) = flying.swap_remove(i);
					done.push((f.target, f.kind, result));
				},
			}
		}
		if !waited && !progressed {
			// Only bodies in flight and none moved: wait a step before reading again.
			sp_io::offchain::sleep_until(until);
		}
	}
	done
}

impl Kind {
	/// The failure of a body that does not hash as it must.
	fn mismatch(self) -> ProbeFailure {
		match self {
			Kind::Chunk => ProbeFailure::BadChunk,
			Kind::Head | Kind::Hashes => ProbeFailure::BadHashes,
		}
	}
}

/// One request of a phase.
struct PhaseRequest<'a> {
	target: usize,
	kind: Kind,
	url: &'a str,
	range: Option<String>,
	/// The most body bytes (more: `TooLarge`).
	cap: u64,
	/// The offsets of the 32 body bytes to keep.
	keep: Vec<u64>,
	/// The length and hash the body must have.
	expect: Option<(u64, [u8; 32])>,
}

/// What a phase checks of a request's body.
struct PhaseCheck {
	cap: u64,
	keep: Vec<u64>,
	expect: Option<(u64, [u8; 32])>,
}

/// Probes every target (availability + latency with `HEAD`, then the integrity audit) with
/// the requests of a phase in flight together (at most [`MAX_IN_FLIGHT`]), each request
/// against its own deadline of `deadline_ms` from when it was sent; returns each node's
/// outcome. One target's fault (no answer, a slow or trickling body, garbage) decides only
/// that target's outcome. `seed` is the era's randomness: it picks the chunks checked
/// ([`sample_chunks`]), the same for every oracle of a node.
///
/// Memory: no body is kept; `.hashes` is hashed as it streams and only the sampled chunks'
/// 32-byte entries are kept per node (each chunk is hashed as it streams too).
pub fn probe_all(
	targets: &[(NodeId, ProbeTarget)],
	seed: &[u8; 32],
	deadline_ms: u64,
) -> Vec<(NodeId, ProbeOutcome)> {
	let urls: Vec<(String, String)> = targets
		.iter()
		.map(|(_, t)| (url(&t.endpoint, &t.path, ""), url(&t.endpoint, &t.path, ".hashes")))
		.collect();
	let samples: Vec<Vec<u64>> =
		targets.iter().map(|(node, t)| sample_chunks(t, seed, *node)).collect();
	let mut head: Vec<Option<Result<u32, ProbeFailure>>> = vec![None; targets.len()];
	let mut entries: Vec<Option<Result<Vec<[u8; 32]>, ProbeFailure>>> = vec![None; targets.len()];

	// Phase 1: HEAD every object and GET every `.hashes`.
	let mut requests = Vec::with_capacity(targets.len().saturating_mul(2));
	for (i, ((_, t), (object, hashes))) in targets.iter().zip(&urls).enumerate() {
		let expected = t.size.div_ceil(u64::from(t.chunk_size.max(1))).saturating_mul(32);
		let keep: Vec<u64> = samples
			.get(i)
			.map(|s| s.iter().map(|c| c.saturating_mul(32)).collect())
			.unwrap_or_default();
		requests.push(PhaseRequest {
			target: i,
			kind: Kind::Head,
			url: object,
			range: None,
			cap: 0,
			keep: Vec::new(),
			expect: None,
		});
		requests.push(PhaseRequest {
			target: i,
			kind: Kind::Hashes,
			url: hashes,
			range: None,
			cap: expected,
			keep,
			expect: Some((expected, t.root)),
		});
	}
	for (i, kind, result) in run_phase(requests, deadline_ms) {
		match kind {
			Kind::Head => {
				if let Some(slot) = head.get_mut(i) {
					*slot = Some(result.map(|(latency, _)| latency));
				}
			},
			_ => {
				if let Some(slot) = entries.get_mut(i) {
					*slot = Some(result.map(|(_, kept)| kept));
				}
			},
		}
	}
	let mut outcome: Vec<Result<u32, ProbeFailure>> = (0..targets.len())
		.map(|i| {
			let latency = head.get(i).copied().flatten().unwrap_or(Err(ProbeFailure::Timeout))?;
			match entries.get(i) {
				Some(Some(Ok(_))) => Ok(latency),
				Some(Some(Err(failure))) => Err(*failure),
				_ => Err(ProbeFailure::BadHashes),
			}
		})
		.collect();

	// Phase 2: the sampled chunks of every node still passing, each against its own deadline.
	let mut requests = Vec::new();
	for (i, (_, target)) in targets.iter().enumerate() {
		let (Some(Ok(_)), Some(Some(Ok(kept))), Some(sample), Some((object, _))) =
			(outcome.get(i), entries.get(i), samples.get(i), urls.get(i))
		else {
			continue;
		};
		let size = u64::from(target.chunk_size.max(1));
		for (chunk, entry) in sample.iter().zip(kept) {
			let first = chunk.saturating_mul(size);
			let last = first.saturating_add(size).min(target.size).saturating_sub(1);
			let len = last.saturating_sub(first).saturating_add(1);
			requests.push(PhaseRequest {
				target: i,
				kind: Kind::Chunk,
				url: object,
				range: Some(format!("bytes={first}-{last}")),
				cap: len,
				keep: Vec::new(),
				expect: Some((len, *entry)),
			});
		}
	}
	// A node fails with the first of its chunks that fails.
	for (i, _, result) in run_phase(requests, deadline_ms) {
		if let (Err(failure), Some(slot @ Ok(_))) = (result, outcome.get_mut(i)) {
			*slot = Err(failure);
		}
	}

	targets
		.iter()
		.zip(outcome)
		.map(|((node, _), o)| {
			(
				*node,
				match o {
					Ok(latency_ms) => ProbeOutcome::Ok { latency_ms },
					Err(failure) => ProbeOutcome::Failed(failure),
				},
			)
		})
		.collect()
}
