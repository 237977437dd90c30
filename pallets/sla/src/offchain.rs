//! The HyperNode off-chain worker (protocol §4.2, §4.3).
//!
//! In the first half of each era, on a node whose keystore holds the `icno` key of a HyperNode
//! active in that era, it probes every provider node assigned to that HyperNode over real HTTP:
//!
//! 1. `HEAD <endpoint>/<path>`: available if 2xx within the deadline; the latency is measured
//!    per request while all of them are in flight together;
//! 2. the integrity audit: `GET <endpoint>/<path>.hashes` (at most `32 × ⌈size / 4096⌉` bytes
//!    read) must hash to the committed root, and a random chunk fetched with
//!    `Range: bytes=…` must hash to its entry.
//!
//! Every request of a phase is in flight at once, each with a deadline ([`PROBE_DEADLINE_MS`]);
//! bodies are capped; there are no retries within an era. Then one signed `submit_report`
//! per HyperNode — in parts of at most `MaxReportResults` nodes, with consecutive nonces,
//! when it is assigned more — remembered in local storage so it is not sent again for that
//! era unless it failed to land ([`RESEND_AFTER_BLOCKS`]; then what is not on chain yet). An expiring `StorageLock` keeps overlapping runs
//! apart without ever wedging the worker.

use alloc::{format, string::String, vec, vec::Vec};
use codec::Encode;
use frame_support::{traits::Get, BoundedVec};
use frame_system::{
	offchain::{AppCrypto, SendSignedTransaction, Signer},
	pallet_prelude::BlockNumberFor,
};
use icn_primitives::providers::{EraIndex, NodeId, ProbeTarget, SlaTargets};
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
	Call, Config, EraOracles, Pallet, ReportedUpTo, Signers,
};

/// Deadline of each probe request, milliseconds.
pub const PROBE_DEADLINE_MS: u64 = 2_000;
/// A report not seen on chain this many blocks after it was sent is sent again.
pub const RESEND_AFTER_BLOCKS: u32 = 3;
/// Failed nodes listed (with their reasons) in the worker's info log line.
const MAX_FAILURES_LOGGED: usize = 10;
/// How often in-flight requests are polled to time each one, milliseconds.
const POLL_MS: u64 = 5;

const LOCK_KEY: &[u8] = b"icn-sla::worker-lock";
const SENT_KEY_PREFIX: &[u8] = b"icn-sla::sent::";

/// Runs the worker for block `n` (called from the pallet's `offchain_worker` hook).
pub fn run<T: Config>(n: BlockNumberFor<T>) {
	let era_blocks = T::EraBlocks::get().max(1);
	let block: u32 = n.unique_saturated_into();
	// Probe and report in the first half of the era, so the report lands within it.
	if block % era_blocks >= era_blocks.div_ceil(2) {
		return
	}
	let era = Pallet::<T>::era_of(n);
	if crate::CurrentEra::<T>::get() != Some(era) {
		return
	}
	let oracles = EraOracles::<T>::get(era);
	if oracles.is_empty() {
		return
	}
	let mut lock = StorageLock::<BlockAndTime<frame_system::Pallet<T>>>::with_block_and_time_deadline(
		LOCK_KEY,
		era_blocks,
		Duration::from_millis(4 * PROBE_DEADLINE_MS),
	);
	let Ok(_guard) = lock.try_lock() else {
		log::debug!(target: "icn-sla", "another worker run holds the lock");
		return
	};
	for public in <T::AuthorityId as AppCrypto<T::Public, T::Signature>>::RuntimeAppPublic::all() {
		let generic: <T::AuthorityId as AppCrypto<T::Public, T::Signature>>::GenericPublic = public.into();
		let public: T::Public = generic.into();
		let signer_account = public.clone().into_account();
		let Some(owner) = Signers::<T>::get(&signer_account) else { continue };
		if !oracles.contains(&owner) {
			continue
		}
		let sent_key = [SENT_KEY_PREFIX, &owner.encode()].concat();
		let sent = StorageValueRef::persistent(&sent_key);
		if let Ok(Some((sent_era, sent_block))) = sent.get::<(EraIndex, u32)>() {
			if sent_era == era && block < sent_block.saturating_add(RESEND_AFTER_BLOCKS) {
				continue
			}
		}
		// What is still to report this era: every assigned node, or those after the last
		// node of the parts already on chain.
		let up_to = ReportedUpTo::<T>::get(era, &owner);
		let nodes: Vec<NodeId> = Pallet::<T>::assignments(&owner, era)
			.into_iter()
			.filter(|node| up_to.map_or(true, |last| *node > last))
			.collect();
		if nodes.is_empty() {
			continue
		}
		let targets: Vec<(NodeId, ProbeTarget)> =
			nodes.into_iter().filter_map(|n| T::Targets::probe_target(n).map(|t| (n, t))).collect();
		let seed = sp_io::offchain::random_seed();
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
					break
				},
				None => {
					log::warn!(target: "icn-sla", "era {era}: no local key could sign the report");
					break
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

/// The chunk of `target` a probe samples, from the worker's randomness and the node id.
pub fn sample_chunk(target: &ProbeTarget, seed: &[u8; 32], node: NodeId) -> u64 {
	let chunks = target.size.div_ceil(u64::from(target.chunk_size.max(1))).max(1);
	let r = sp_io::hashing::blake2_256(&(seed, node).encode());
	u64::from_le_bytes([r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]]) % chunks
}

/// A request in flight and when it was sent.
struct InFlight {
	index: usize,
	pending: http::PendingRequest,
	sent: Timestamp,
}

/// Sends `requests` (index, request) all at once and waits for all of them until
/// `deadline`, polling so each response's arrival is timed. Returns, per index, the response
/// or the failure, and the latency in milliseconds.
fn send_all(
	requests: Vec<(usize, http::Request<'_>)>,
	deadline: Timestamp,
) -> Vec<(usize, Result<http::Response, ProbeFailure>, u32)> {
	let mut done = Vec::new();
	let mut flying = Vec::new();
	for (index, request) in requests {
		let sent = sp_io::offchain::timestamp();
		match request.deadline(deadline).send() {
			Ok(pending) => flying.push(InFlight { index, pending, sent }),
			Err(_) => done.push((index, Err(ProbeFailure::Network), 0)),
		}
	}
	while !flying.is_empty() {
		let now = sp_io::offchain::timestamp();
		if now.unix_millis() >= deadline.unix_millis() {
			for f in flying.drain(..) {
				done.push((f.index, Err(ProbeFailure::Timeout), PROBE_DEADLINE_MS as u32));
			}
			break
		}
		let step = now.add(Duration::from_millis(POLL_MS));
		let wait_until = if step.unix_millis() < deadline.unix_millis() { step } else { deadline };
		let meta: Vec<(usize, Timestamp)> = flying.iter().map(|f| (f.index, f.sent)).collect();
		let pendings = flying.drain(..).map(|f| f.pending).collect();
		let results = http::PendingRequest::try_wait_all(pendings, wait_until);
		let arrived = sp_io::offchain::timestamp();
		for ((index, sent), result) in meta.into_iter().zip(results) {
			let latency = arrived.diff(&sent).millis().min(u64::from(u32::MAX)) as u32;
			match result {
				Err(pending) => flying.push(InFlight { index, pending, sent }),
				Ok(Ok(response)) => done.push((index, Ok(response), latency)),
				Ok(Err(http::Error::DeadlineReached)) => done.push((index, Err(ProbeFailure::Timeout), latency)),
				Ok(Err(_)) => done.push((index, Err(ProbeFailure::Network), latency)),
			}
		}
	}
	done
}

/// Reads at most `cap` bytes of `response`'s body; `TooLarge` if there is more, `Timeout` or
/// `Network` if reading fails.
fn read_body(response: &http::Response, cap: usize, deadline: Timestamp) -> Result<Vec<u8>, ProbeFailure> {
	let mut body = response.body();
	body.deadline(deadline);
	let bytes: Vec<u8> = body.by_ref().take(cap.saturating_add(1)).collect();
	match body.error() {
		Some(sp_core::offchain::HttpError::DeadlineReached) => return Err(ProbeFailure::Timeout),
		Some(_) => return Err(ProbeFailure::Network),
		None => {},
	}
	if bytes.len() > cap {
		return Err(ProbeFailure::TooLarge)
	}
	Ok(bytes)
}

fn status(response: &http::Response) -> Result<(), ProbeFailure> {
	if (200..300).contains(&response.code) {
		Ok(())
	} else {
		Err(ProbeFailure::HttpStatus(response.code))
	}
}

/// Probes every target (availability + latency with `HEAD`, then the integrity audit) with
/// all requests of a phase in flight together; returns each node's outcome.
pub fn probe_all(targets: &[(NodeId, ProbeTarget)], seed: &[u8; 32], deadline_ms: u64) -> Vec<(NodeId, ProbeOutcome)> {
	let start = sp_io::offchain::timestamp();
	let deadline = start.add(Duration::from_millis(deadline_ms));
	let mut outcome: Vec<Result<u32, ProbeFailure>> = vec![Ok(0); targets.len()];
	let urls: Vec<(String, String)> = targets
		.iter()
		.map(|(_, t)| (url(&t.endpoint, &t.path, ""), url(&t.endpoint, &t.path, ".hashes")))
		.collect();

	// Phase 1: HEAD every object and GET every `.hashes`, all in flight at once.
	let mut requests = Vec::new();
	for (i, (object, hashes)) in urls.iter().enumerate() {
		requests.push((2 * i, http::Request::default().method(http::Method::Other("HEAD")).url(object)));
		requests.push((2 * i + 1, http::Request::get(hashes)));
	}
	let mut hashes: Vec<Option<Vec<u8>>> = vec![None; targets.len()];
	for (index, result, latency) in send_all(requests, deadline) {
		let i = index / 2;
		let (Some(slot), Some((_, target))) = (outcome.get_mut(i), targets.get(i)) else { continue };
		if slot.is_err() {
			continue
		}
		let checked = result.and_then(|response| {
			status(&response)?;
			if index % 2 == 0 {
				// Read the (empty) `HEAD` body to its end: that releases the request in the
				// host, as reading any other body to its end does.
				let _ = read_body(&response, 0, deadline);
				return Ok(None)
			}
			let expected = target.size.div_ceil(u64::from(target.chunk_size.max(1))).saturating_mul(32);
			let body = read_body(&response, expected.min(usize::MAX as u64) as usize, deadline)?;
			if body.len() as u64 != expected || sp_io::hashing::blake2_256(&body) != target.root {
				return Err(ProbeFailure::BadHashes)
			}
			Ok(Some(body))
		});
		match checked {
			Ok(None) => *slot = Ok(latency),
			Ok(Some(body)) => hashes[i] = Some(body),
			Err(failure) => *slot = Err(failure),
		}
	}

	// Phase 2: the sampled chunk of every node still passing, all in flight at once.
	let mut requests = Vec::new();
	let mut ranges = Vec::new();
	for (i, (node, target)) in targets.iter().enumerate() {
		if outcome.get(i).is_some_and(|o| o.is_err()) || hashes.get(i).map_or(true, |h| h.is_none()) {
			if outcome.get(i).is_some_and(|o| o.is_ok()) {
				// HEAD passed but the `.hashes` answer never came.
				if let Some(slot) = outcome.get_mut(i) {
					*slot = Err(ProbeFailure::BadHashes);
				}
			}
			continue
		}
		let chunk = sample_chunk(target, seed, *node);
		let size = u64::from(target.chunk_size.max(1));
		let first = chunk.saturating_mul(size);
		let last = first.saturating_add(size).min(target.size).saturating_sub(1);
		ranges.push((i, chunk, (last - first + 1) as usize));
		let range = format!("bytes={first}-{last}");
		requests.push((i, (urls[i].0.clone(), range)));
	}
	let built: Vec<(usize, String, String)> = requests.into_iter().map(|(i, (u, r))| (i, u, r)).collect();
	let reqs: Vec<(usize, http::Request<'_>)> =
		built.iter().map(|(i, u, r)| (*i, http::Request::get(u).add_header("Range", r))).collect();
	for (i, result, _) in send_all(reqs, deadline) {
		let Some(&(_, chunk, len)) = ranges.iter().find(|(j, _, _)| *j == i) else { continue };
		let checked = result.and_then(|response| {
			status(&response)?;
			let body = read_body(&response, len, deadline)?;
			let expected = hashes
				.get(i)
				.and_then(|h| h.as_ref())
				.and_then(|h| h.get((chunk as usize) * 32..(chunk as usize) * 32 + 32));
			match expected {
				Some(e) if body.len() == len && sp_io::hashing::blake2_256(&body)[..] == *e => Ok(()),
				_ => Err(ProbeFailure::BadChunk),
			}
		});
		if let (Err(failure), Some(slot)) = (checked, outcome.get_mut(i)) {
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
