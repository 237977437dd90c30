//! Attacks on the SLA oracle and faults it must survive (issue 17), one test per attack,
//! named after it. Each was written before its fix and failed on the code before it.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, BoundedVec};
use icn_primitives::currency::ICNT;
use pallet_icn_providers::AuditObject;
use sp_runtime::AccountId32;

fn origin(n: u8) -> RuntimeOrigin {
	RuntimeOrigin::signed(account(n))
}

fn start_of(era: EraIndex) -> u64 {
	u64::from(era) * ERA
}

/// A simulated network of storage servers for the off-chain worker: a clock the worker's
/// waits advance, and per-URL answers that come after a delay, never, or with any status
/// and body. Requests get fresh ids, as the node's HTTP client gives them.
mod net {
	use sp_core::offchain::{
		Externalities, HttpError, HttpRequestId, HttpRequestStatus, OpaqueNetworkState, Timestamp,
	};
	use std::{
		collections::BTreeMap,
		sync::{Arc, Mutex},
	};

	/// How a URL answers.
	#[derive(Clone, Debug)]
	pub struct Route {
		/// `None`: never (the connection stays open).
		pub after_ms: Option<u64>,
		pub status: u16,
		pub body: Vec<u8>,
	}

	struct Request {
		key: String,
		sent: u64,
		read: usize,
	}

	#[derive(Default)]
	pub struct State {
		pub now: u64,
		pub routes: BTreeMap<String, Route>,
		requests: BTreeMap<u16, Request>,
		next: u16,
		/// Every request made, `METHOD url [range]`.
		pub log: Vec<String>,
		headers: BTreeMap<u16, Vec<(String, String)>>,
		methods: BTreeMap<u16, (String, String)>,
	}

	impl State {
		fn route(&self, id: u16) -> Option<&Route> {
			self.requests.get(&id).and_then(|r| self.routes.get(&r.key))
		}
		fn ready_at(&self, id: u16) -> Option<u64> {
			let r = self.requests.get(&id)?;
			self.route(id).and_then(|route| route.after_ms).map(|a| r.sent + a)
		}
	}

	#[derive(Clone, Default)]
	pub struct Net(pub Arc<Mutex<State>>);

	impl Externalities for Net {
		fn is_validator(&self) -> bool {
			true
		}
		fn network_state(&self) -> Result<OpaqueNetworkState, ()> {
			Err(())
		}
		fn timestamp(&mut self) -> Timestamp {
			Timestamp::from_unix_millis(self.0.lock().unwrap().now)
		}
		fn sleep_until(&mut self, deadline: Timestamp) {
			let mut s = self.0.lock().unwrap();
			s.now = s.now.max(deadline.unix_millis());
		}
		fn random_seed(&mut self) -> [u8; 32] {
			[5; 32]
		}
		fn http_request_start(
			&mut self,
			method: &str,
			uri: &str,
			_meta: &[u8],
		) -> Result<HttpRequestId, ()> {
			let mut s = self.0.lock().unwrap();
			let id = s.next;
			s.next += 1;
			s.methods.insert(id, (method.into(), uri.into()));
			Ok(HttpRequestId(id))
		}
		fn http_request_add_header(
			&mut self,
			id: HttpRequestId,
			name: &str,
			value: &str,
		) -> Result<(), ()> {
			self.0
				.lock()
				.unwrap()
				.headers
				.entry(id.0)
				.or_default()
				.push((name.into(), value.into()));
			Ok(())
		}
		fn http_request_write_body(
			&mut self,
			id: HttpRequestId,
			chunk: &[u8],
			_: Option<Timestamp>,
		) -> Result<(), HttpError> {
			if chunk.is_empty() {
				// Sent: the route is `METHOD url` plus its Range header if any.
				let mut s = self.0.lock().unwrap();
				let (method, uri) = s.methods.get(&id.0).cloned().unwrap_or_default();
				let range = s
					.headers
					.get(&id.0)
					.and_then(|h| h.iter().find(|(n, _)| n == "Range").map(|(_, v)| v.clone()));
				let key = match range {
					Some(r) => format!("{method} {uri} {r}"),
					None => format!("{method} {uri}"),
				};
				s.log.push(key.clone());
				let sent = s.now;
				s.requests.insert(id.0, Request { key, sent, read: 0 });
			}
			Ok(())
		}
		fn http_response_wait(
			&mut self,
			ids: &[HttpRequestId],
			deadline: Option<Timestamp>,
		) -> Vec<HttpRequestStatus> {
			let mut s = self.0.lock().unwrap();
			// As the node's client: return when every one answered, or at the deadline.
			let all = ids.iter().map(|id| s.ready_at(id.0)).collect::<Option<Vec<u64>>>();
			let deadline = deadline.map(|d| d.unix_millis()).unwrap_or(u64::MAX);
			let until = match all.and_then(|a| a.into_iter().max()) {
				Some(t) if t <= deadline => t,
				_ => deadline,
			};
			s.now = s.now.max(until);
			ids.iter()
				.map(|id| match (s.ready_at(id.0), s.route(id.0)) {
					(_, None) if !s.requests.contains_key(&id.0) => HttpRequestStatus::Invalid,
					(_, None) => HttpRequestStatus::Finished(404),
					(Some(t), Some(r)) if t <= s.now => HttpRequestStatus::Finished(r.status),
					_ => HttpRequestStatus::DeadlineReached,
				})
				.collect()
		}
		fn http_response_headers(&mut self, _: HttpRequestId) -> Vec<(Vec<u8>, Vec<u8>)> {
			Vec::new()
		}
		fn http_response_read_body(
			&mut self,
			id: HttpRequestId,
			buffer: &mut [u8],
			_: Option<Timestamp>,
		) -> Result<usize, HttpError> {
			let mut s = self.0.lock().unwrap();
			let body = s.route(id.0).map(|r| r.body.clone()).unwrap_or_default();
			let Some(r) = s.requests.get_mut(&id.0) else { return Err(HttpError::Invalid) };
			let n = buffer.len().min(body.len() - r.read);
			buffer[..n].copy_from_slice(&body[r.read..r.read + n]);
			r.read += n;
			Ok(n)
		}
		fn set_authorized_nodes(&mut self, _: Vec<sp_core::OpaquePeerId>, _: bool) {}
	}
}

/// Audit objects and the worker's probes over the simulated network.
mod probing {
	use super::{net::*, *};
	use crate::offchain::{probe_all, sample_chunks, PROBE_DEADLINE_MS};
	use icn_primitives::providers::ProbeTarget;

	const SIZE: usize = 20_000;

	/// An audit object of `SIZE` bytes: (data, `.hashes`, root).
	fn object(salt: u8) -> (Vec<u8>, Vec<u8>, [u8; 32]) {
		let data: Vec<u8> = (0..SIZE).map(|i| ((i * 7 + salt as usize) % 251) as u8).collect();
		let hashes: Vec<u8> = data.chunks(4096).flat_map(sp_io::hashing::blake2_256).collect();
		let root = sp_io::hashing::blake2_256(&hashes);
		(data, hashes, root)
	}

	fn target(i: usize, root: [u8; 32]) -> ProbeTarget {
		ProbeTarget {
			endpoint: format!("http://n{i}.test/").into_bytes(),
			path: b"audit/object.bin".to_vec(),
			size: SIZE as u64,
			chunk_size: 4096,
			root,
			latency_bound_ms: 500,
			cluster: 0,
			capacity: 10,
			probed_from: 0,
			priced_within_max: true,
		}
	}

	/// How a node's server behaves.
	#[derive(Clone, Copy, PartialEq, Debug)]
	enum Server {
		Honest,
		/// Accepts every request and never answers.
		Hangs,
		/// Answers everything correctly after this many milliseconds.
		Slow(u64),
		/// Answers `200` with a `.hashes` body of garbage.
		Garbage,
	}

	/// Routes for node `i` behaving as `server`, probed with `seed`.
	fn serve(net: &Net, i: usize, node: NodeId, server: Server, seed: &[u8; 32]) -> ProbeTarget {
		let (data, hashes, root) = object(i as u8);
		let t = target(i, root);
		let sample = WorkerExt::bare().execute_with(|| sample_chunks(&t, seed, node));
		let after_ms = match server {
			Server::Hangs => None,
			Server::Slow(ms) => Some(ms),
			_ => Some(3),
		};
		let hashes = if server == Server::Garbage { vec![0xab; hashes.len()] } else { hashes };
		let object = format!("http://n{i}.test/audit/object.bin");
		let mut s = net.0.lock().unwrap();
		let mut add = |key: String, body: Vec<u8>| {
			s.routes.insert(key, Route { after_ms, status: 200, body });
		};
		add(format!("HEAD {object}"), vec![]);
		add(format!("GET {object}.hashes"), hashes);
		for chunk in sample {
			let first = chunk as usize * 4096;
			let last = (first + 4096).min(SIZE) - 1;
			add(format!("GET {object} bytes={first}-{last}"), data[first..=last].to_vec());
		}
		t
	}

	fn probe(servers: &[Server]) -> (Vec<(NodeId, ProbeOutcome)>, u64, Vec<String>) {
		let net = Net::default();
		let seed = [9u8; 32];
		let targets: Vec<(NodeId, ProbeTarget)> = servers
			.iter()
			.enumerate()
			.map(|(i, s)| (i as NodeId, serve(&net, i, i as NodeId, *s, &seed)))
			.collect();
		let mut ext = WorkerExt::bare().with_network(net.clone());
		let out = ext.execute_with(|| probe_all(&targets, &seed, PROBE_DEADLINE_MS));
		let s = net.0.lock().unwrap();
		(out, s.now, s.log.clone())
	}

	/// One endpoint that accepts connections and never answers (and one slow, one returning
	/// garbage) next to honest ones: each request has its own deadline, so only the faulty
	/// node fails and every honest node passes with its own latency. Before the fix every
	/// node probed with the hanging one failed with `Timeout` (phase 2 ran on the deadline
	/// phase 1 had used up).
	#[test]
	fn one_hanging_endpoint_fails_everyone_probed_with_it() {
		use Server::*;
		let servers = [Honest, Hangs, Honest, Slow(1_500), Honest, Garbage, Honest, Honest];
		let (out, elapsed, _) = probe(&servers);
		for (node, outcome) in &out {
			match servers[*node as usize] {
				Honest => assert!(
					matches!(outcome, ProbeOutcome::Ok { latency_ms } if *latency_ms < 20),
					"honest node {node}: {outcome:?}"
				),
				Hangs => assert_eq!(*outcome, ProbeOutcome::Failed(ProbeFailure::Timeout)),
				Slow(ms) => assert!(
					matches!(outcome, ProbeOutcome::Ok { latency_ms } if u64::from(*latency_ms) >= ms && u64::from(*latency_ms) < ms + 20),
					"slow node {node}: {outcome:?}"
				),
				Garbage => assert_eq!(*outcome, ProbeOutcome::Failed(ProbeFailure::BadHashes)),
			}
		}
		assert_eq!(out.len(), servers.len());
		// Two phases, each at most one deadline long.
		assert!(elapsed <= 2 * PROBE_DEADLINE_MS + 50, "{elapsed} ms");
	}

	/// The same with a node whose server hangs on the chunk only (after passing HEAD and
	/// `.hashes`): the others' chunks still pass. (A regression test: this case passed
	/// before the fix too, phase 1 having ended in time.)
	#[test]
	fn a_hanging_chunk_request_times_out_alone() {
		let net = Net::default();
		let seed = [9u8; 32];
		let targets: Vec<(NodeId, ProbeTarget)> = (0..4)
			.map(|i| (i as NodeId, serve(&net, i, i as NodeId, Server::Honest, &seed)))
			.collect();
		{
			let mut s = net.0.lock().unwrap();
			let key = s
				.routes
				.keys()
				.find(|k| k.starts_with("GET http://n2.test/audit/object.bin bytes="))
				.cloned()
				.unwrap();
			s.routes.get_mut(&key).unwrap().after_ms = None;
		}
		let mut ext = WorkerExt::bare().with_network(net.clone());
		let out = ext.execute_with(|| probe_all(&targets, &seed, PROBE_DEADLINE_MS));
		for (node, outcome) in out {
			if node == 2 {
				assert_eq!(outcome, ProbeOutcome::Failed(ProbeFailure::Timeout));
			} else {
				assert!(matches!(outcome, ProbeOutcome::Ok { .. }), "node {node}: {outcome:?}");
			}
		}
	}

	/// A thousand endpoints, 5 % never answering and 5 % answering after 1.5 s: the other
	/// 900 pass (the worker-speed benchmark does the same against a real server).
	#[test]
	fn five_percent_hanging_and_five_percent_slow_of_a_thousand() {
		let servers: Vec<Server> = (0..1_000)
			.map(|i| match i % 20 {
				0 => Server::Hangs,
				1 => Server::Slow(1_500),
				_ => Server::Honest,
			})
			.collect();
		let (out, _, log) = probe(&servers);
		let honest_ok = out
			.iter()
			.filter(|(n, o)| {
				servers[*n as usize] == Server::Honest && matches!(o, ProbeOutcome::Ok { .. })
			})
			.count();
		assert_eq!(honest_ok, 900);
		let timeouts = out
			.iter()
			.filter(|(_, o)| *o == ProbeOutcome::Failed(ProbeFailure::Timeout))
			.count();
		assert_eq!(timeouts, 50);
		// HEAD and `.hashes` of every node, the sampled chunks of each answering node; no
		// chunk for a node that failed.
		let seed = [9u8; 32];
		let chunks: usize = WorkerExt::bare().execute_with(|| {
			(0..1_000usize)
				.filter(|i| servers[*i] != Server::Hangs)
				.map(|i| sample_chunks(&target(i, [0; 32]), &seed, i as NodeId).len())
				.sum()
		});
		assert_eq!(log.len(), 1_000 * 2 + chunks);
	}
}

/// Silent partial loss of the audit object.
mod partial_loss {
	use super::{net::*, *};
	use crate::offchain::{probe_all, sample_chunks, CHUNKS_PER_PROBE, PROBE_DEADLINE_MS};
	use icn_primitives::providers::ProbeTarget;

	/// An object of `chunks` chunks (4 KiB); the `target` probes it on `http://lossy.test/`.
	fn target(chunks: u64, root: [u8; 32]) -> ProbeTarget {
		ProbeTarget {
			endpoint: b"http://lossy.test/".to_vec(),
			path: b"object.bin".to_vec(),
			size: chunks * 4096,
			chunk_size: 4096,
			root,
			latency_bound_ms: 500,
			cluster: 0,
			capacity: 10,
			probed_from: 0,
			priced_within_max: true,
		}
	}

	fn era_seed(era: u32) -> [u8; 32] {
		sp_io::hashing::blake2_256(&(b"era", era).encode())
	}

	/// A provider that silently lost 10 % of its audit object (every tenth 4 KiB chunk now
	/// reads as zeros) is probed for real over 200 eras. Each oracle used to check one chunk
	/// of its own choosing and a majority of them had to see the loss: the node failed an
	/// era less than 1 % of the time. All of a node's oracles now check the same 16 chunks
	/// drawn from the era's randomness, so every honest oracle sees the loss in the same era:
	/// it fails `1 − 0.9^16 ≈ 81 %` of its eras.
	#[test]
	fn partial_data_loss_goes_unnoticed() {
		const CHUNKS: u64 = 100;
		let data: Vec<u8> = (0..CHUNKS as usize * 4096).map(|i| (i % 253) as u8).collect();
		let hashes: Vec<u8> = data.chunks(4096).flat_map(sp_io::hashing::blake2_256).collect();
		let root = sp_io::hashing::blake2_256(&hashes);
		let t = target(CHUNKS, root);
		let mut failed = 0;
		for era in 0..200 {
			let seed = era_seed(era);
			let net = Net::default();
			let sample = WorkerExt::bare().execute_with(|| sample_chunks(&t, &seed, 3));
			{
				let mut s = net.0.lock().unwrap();
				let mut add = |key: String, body: Vec<u8>| {
					s.routes.insert(key, Route { after_ms: Some(2), status: 200, body });
				};
				add("HEAD http://lossy.test/object.bin".into(), vec![]);
				add("GET http://lossy.test/object.bin.hashes".into(), hashes.clone());
				for c in sample {
					let first = c as usize * 4096;
					// Every tenth chunk was lost: the disk returns zeros.
					let body = if c % 10 == 0 {
						vec![0; 4096]
					} else {
						data[first..first + 4096].to_vec()
					};
					add(
						format!("GET http://lossy.test/object.bin bytes={first}-{}", first + 4095),
						body,
					);
				}
			}
			let mut ext = WorkerExt::bare().with_network(net.clone());
			let out = ext.execute_with(|| probe_all(&[(3, t.clone())], &seed, PROBE_DEADLINE_MS));
			if out[0].1 == ProbeOutcome::Failed(ProbeFailure::BadChunk) {
				failed += 1;
			}
		}
		// 200 × 0.815 = 163 expected (σ ≈ 5.5).
		assert!((140..=185).contains(&failed), "failed {failed} of 200 eras");
	}

	/// The detection probabilities docs/hypernode.md gives (per era and within three eras)
	/// are those of the sampling the worker does: `1 − (1 − p)^16`, checked over 4,000 eras
	/// of a 1,000-chunk object for 1 %, 10 % and 50 % loss.
	#[test]
	fn detection_probability_per_era_is_as_documented() {
		assert_eq!(CHUNKS_PER_PROBE, 16);
		let t = target(1_000, [0; 32]);
		WorkerExt::bare().execute_with(|| {
			// (lost per hundred chunks, documented per-era probability, tolerance)
			for (lost, documented, tolerance) in
				[(1u64, 0.149, 0.02), (10, 0.815, 0.03), (50, 1.0, 0.001)]
			{
				let found = (0..4_000u32)
					.filter(|era| {
						sample_chunks(&t, &era_seed(*era), 3).iter().any(|c| c % 100 < lost)
					})
					.count() as f64 / 4_000.0;
				let exact = 1.0 - (1.0 - lost as f64 / 100.0).powi(16);
				assert!(
					(exact - documented).abs() < 0.001,
					"{lost} %: the docs say {documented}, the maths {exact}"
				);
				assert!(
					(found - exact).abs() < tolerance,
					"{lost} %: found in {found} of eras, expected {exact}"
				);
			}
		});
	}
}

/// Who probes whom.
mod assignment {
	use crate::logic::{oracles_for, quorum, MAX_ORACLES_PER_NODE};

	/// The chance that `m` of `total` HyperNodes hold at least `q` of `k` picks drawn without
	/// replacement (the hypergeometric tail): what random sampling gives an attacker.
	fn random_capture(total: u32, m: u32, k: u32, q: u32) -> f64 {
		let choose = |n: u32, r: u32| -> f64 {
			if r > n {
				return 0.0;
			}
			(0..r).fold(1.0, |acc, i| acc * f64::from(n - i) / f64::from(i + 1))
		};
		(q..=k)
			.map(|x| choose(m, x) * choose(total - m, k - x) / choose(total, k))
			.sum()
	}

	/// The share of (seed, node) pairs whose quorum the holder of `attacker` indices controls.
	fn captured(total: u32, attacker: &[u32], samples: u32) -> f64 {
		let k = total.min(MAX_ORACLES_PER_NODE);
		let mut hits = 0u32;
		for s in 0..samples {
			let seed = sp_io::hashing::blake2_256(&s.to_le_bytes());
			let held = oracles_for(&seed, s.into(), total)
				.iter()
				.filter(|i| attacker.contains(i))
				.count() as u32;
			if held >= quorum(k) {
				hits += 1;
			}
		}
		f64::from(hits) / f64::from(samples)
	}

	/// An operator grinds account ids that sort next to each other, so its HyperNodes sit at
	/// neighbouring indices of the era's sorted list. With k consecutive indices per node it
	/// held the quorum (4 of 5) of about (m − 3)/M of all nodes — 2 % with 5 of 100, 100 000
	/// times what random sampling gives; each node's oracles are now drawn independently, so
	/// neighbours are worth no more than any m HyperNodes.
	#[test]
	fn oracle_assignment_captured_by_adjacent_account_ids() {
		let samples = 40_000;
		// 5 adjacent of 100: random sampling gives 6.3 × 10⁻⁶ (0.25 expected in 40,000).
		let adjacent: Vec<u32> = (40..45).collect();
		let p = random_capture(100, 5, 5, 4);
		assert!(p < 1e-5);
		let share = captured(100, &adjacent, samples);
		assert!(
			share * f64::from(samples) <= 3.0,
			"captured {share} of nodes, random sampling gives {p}"
		);
		// 30 of 100, adjacent: matches the hypergeometric tail within 15 %.
		let adjacent: Vec<u32> = (50..80).collect();
		let p = random_capture(100, 30, 5, 4);
		let share = captured(100, &adjacent, samples);
		assert!((share - p).abs() <= 0.15 * p, "captured {share}, random sampling gives {p}");
		// The same 30 spread out: the same share (position is worth nothing).
		let spread: Vec<u32> = (0..30).map(|i| i * 3 + 1).collect();
		let share_spread = captured(100, &spread, samples);
		assert!(
			(share_spread - p).abs() <= 0.15 * p,
			"captured {share_spread}, random sampling gives {p}"
		);
	}

	/// The k picks are distinct and every one of the M HyperNodes is picked about equally.
	#[test]
	fn oracle_picks_are_distinct_and_uniform() {
		let mut load = vec![0u32; 37];
		for node in 0..37_000u64 {
			let o = oracles_for(&[1; 32], node, 37);
			let mut d = o.clone();
			d.sort();
			d.dedup();
			assert_eq!(d.len(), 5);
			for i in o {
				load[i as usize] += 1;
			}
		}
		// 5,000 each on average.
		assert!(load.iter().all(|l| (4_700..=5_300).contains(l)), "{load:?}");
	}
}

const OK: ProbeOutcome = ProbeOutcome::Ok { latency_ms: 20 };
const DOWN: ProbeOutcome = ProbeOutcome::Failed(ProbeFailure::Timeout);

fn audit(root: [u8; 32]) -> AuditObject {
	AuditObject {
		path: b"audit/object.bin".to_vec().try_into().unwrap(),
		size: 10_000,
		chunk_size: 4096,
		root,
	}
}

fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Sla(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// HyperNodes of owners 11.., each with its own key and its Link staked.
fn hypernodes(count: u8) {
	for i in 0..count {
		assert_ok!(register(11 + i));
		assert_ok!(Sla::stake_link(origin(11 + i), i as u32));
	}
}

fn report(
	n: u8,
	era: EraIndex,
	results: Vec<(NodeId, ProbeOutcome)>,
) -> frame_support::dispatch::DispatchResultWithPostInfo {
	Sla::submit_report(RuntimeOrigin::signed(signer(n)), era, BoundedVec::truncate_from(results))
}

/// Registration, Links and accuracy.
mod hypernode_registry {
	use super::*;

	fn deposit_held(n: u8) -> Balance {
		use frame_support::traits::fungible::InspectHold;
		Balances::balance_on_hold(&HoldReason::HyperNodeDeposit.into(), &account(n))
	}

	/// Registrations were free (fees only) and capped at `MaxHyperNodes` whether or not they
	/// were active: sixteen Link-less registrations filled the cap and a real HyperNode with
	/// a Link was refused `TooManyHyperNodes`. Now each registration holds a deposit, only
	/// active HyperNodes (a Link staked) count against the cap, and the admin origin clears a
	/// dormant registration (its deposit returned).
	#[test]
	fn hypernode_slots_squatted_for_almost_nothing() {
		run(|| {
			let max =
				<<Test as Config>::MaxHyperNodes as frame_support::traits::Get<u32>>::get() as u8;
			for n in 0..max {
				assert_ok!(register(11 + n));
				assert_eq!(deposit_held(11 + n), HYPERNODE_DEPOSIT);
			}
			// A real HyperNode registers and stakes its Link: it is in the next era's set.
			let real = 11 + max;
			assert_ok!(register(real));
			assert_ok!(Providers::mint_link(RuntimeOrigin::root(), account(real)));
			let link = pallet_icn_providers::NextLinkId::<Test>::get() - 1;
			assert_ok!(Sla::stake_link(origin(real), link));
			run_to_block(start_of(1) + 1);
			assert_eq!(crate::tests::oracles(1), vec![account(real)]);
			// A dormant registration can be cleared by the admin origin (deposit returned);
			// an active one cannot, and nobody else may.
			assert_noop!(
				Sla::clear_hypernode(origin(1), account(11)),
				sp_runtime::DispatchError::BadOrigin
			);
			assert_noop!(
				Sla::clear_hypernode(RuntimeOrigin::root(), account(real)),
				Error::<Test>::HyperNodeActive
			);
			let free = Balances::free_balance(account(11));
			assert_ok!(Sla::clear_hypernode(RuntimeOrigin::root(), account(11)));
			assert_eq!(
				(deposit_held(11), Balances::free_balance(account(11))),
				(0, free + HYPERNODE_DEPOSIT)
			);
			assert!(events().contains(&Event::HyperNodeCleared {
				owner: account(11),
				deposit: HYPERNODE_DEPOSIT
			}));
		});
	}

	/// The active set is what is capped: a HyperNode staking its first Link into a full set
	/// is refused, and gets in once another leaves it.
	#[test]
	fn active_set_full_until_one_leaves() {
		run(|| {
			let max =
				<<Test as Config>::MaxHyperNodes as frame_support::traits::Get<u32>>::get() as u8;
			for n in 0..=max {
				assert_ok!(register(11 + n));
				assert_ok!(Providers::mint_link(RuntimeOrigin::root(), account(11 + n)));
			}
			let link_of = |n: u8| {
				(0..pallet_icn_providers::NextLinkId::<Test>::get())
					.rev()
					.find(|l| <Test as Config>::Links::owner(*l) == Some(account(n)))
					.unwrap()
			};
			for n in 0..max {
				assert_ok!(Sla::stake_link(origin(11 + n), link_of(11 + n)));
			}
			let last = 11 + max;
			assert_noop!(
				Sla::stake_link(origin(last), link_of(last)),
				Error::<Test>::TooManyHyperNodes
			);
			assert_ok!(Sla::unstake_link(origin(11), link_of(11)));
			assert_ok!(Sla::stake_link(origin(last), link_of(last)));
			assert_eq!(ActiveSet::<Test>::count(), u32::from(max));
		});
	}

	/// Anyone could register a HyperNode naming the `icno` key of someone else's worker, which
	/// then reports (and earns) for the attacker — or squat the key so its owner cannot
	/// register. Registration now carries the key's signature over the owner and the genesis
	/// hash.
	#[test]
	fn registering_with_a_victims_signer_key() {
		run(|| {
			// The attacker (13) names the victim's (11) key; its proof is its own key's.
			assert_noop!(
				Sla::register_hypernode(
					origin(13),
					signer(11),
					*b"DE",
					b"evil.example".to_vec().try_into().unwrap(),
					proof(&oracle_key(13), &account(13)),
				),
				Error::<Test>::BadSignerProof
			);
			// A proof the victim made for itself does not work for another owner.
			assert_noop!(
				Sla::register_hypernode(
					origin(13),
					signer(11),
					*b"DE",
					b"evil.example".to_vec().try_into().unwrap(),
					proof(&oracle_key(11), &account(11)),
				),
				Error::<Test>::BadSignerProof
			);
			// The owner of the key registers with its proof.
			assert_ok!(register(11));
			assert_eq!(Signers::<Test>::get(signer(11)), Some(account(11)));
		});
	}

	/// Links staked after an era started took the era's HyperNode rewards from the others:
	/// rewards are shared by the Links each HyperNode had when the era started.
	#[test]
	fn hypernode_rewards_taken_by_links_staked_after_the_era_started() {
		run(|| {
			hypernodes(3);
			let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			run_to_block(start_of(1) + 1);
			// During era 1, owner 11 stakes three more Links.
			for _ in 0..3 {
				let link = pallet_icn_providers::NextLinkId::<Test>::get();
				assert_ok!(Providers::mint_link(RuntimeOrigin::root(), account(11)));
				assert_ok!(Sla::stake_link(origin(11), link));
			}
			for n in 11..=13 {
				assert_ok!(report(n, 1, vec![(node, OK)]));
			}
			run_to_block(start_of(2) + 5);
			let mut paid: Vec<(AccountId32, Balance)> = events()
				.into_iter()
				.filter_map(|e| match e {
					Event::HyperNodeRewarded { era: 1, owner, amount } => Some((owner, amount)),
					_ => None,
				})
				.collect();
			paid.sort();
			let budget = POOL_PER_BLOCK * ERA as Balance / 5;
			assert_eq!(paid, (11..=13).map(|n| (account(n), budget / 3)).collect::<Vec<_>>());
		});
	}

	/// Three HyperNodes (11–13) and one node; for eras 1–3 owner 13 disagrees with the other
	/// two, `min_reports` reports making its accuracy count; runs to era 4's aggregation.
	fn three_eras_of_disagreement(min_reports: u32) {
		hypernodes(3);
		let mut p = Params::<Test>::get();
		p.min_reports_for_accuracy = min_reports;
		assert_ok!(Sla::set_params(RuntimeOrigin::root(), p));
		let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
		for era in 1..=3 {
			run_to_block(start_of(era) + 1);
			assert_ok!(report(11, era, vec![(node, OK)]));
			assert_ok!(report(12, era, vec![(node, OK)]));
			assert_ok!(report(13, era, vec![(node, DOWN)]));
		}
		run_to_block(start_of(4) + 5);
	}

	/// A HyperNode removed for low accuracy deregistered and registered again (same owner,
	/// same key) and was active at once with a clean record. The removal now holds for a
	/// cool-down, by owner and by key, and leaving keeps the accuracy record.
	#[test]
	fn accuracy_removal_undone_by_reregistering() {
		run(|| {
			three_eras_of_disagreement(3);
			assert!(HyperNodes::<Test>::get(account(13)).unwrap().removed);
			assert_ok!(Sla::deregister_hypernode(origin(13)));
			assert_noop!(register(13), Error::<Test>::RemovedRecently);
			// Nor under another owner with the same key.
			assert_noop!(
				Sla::register_hypernode(
					origin(14),
					signer(13),
					*b"DE",
					b"o.example".to_vec().try_into().unwrap(),
					proof(&oracle_key(13), &account(14)),
				),
				Error::<Test>::RemovedRecently
			);
			// After the cool-down it may start again, on a clean record (not removed again at
			// the next era's end for the record that removed it).
			run_to_block(start_of(4 + RemovalCooldown::get()) + 1);
			assert_ok!(register(13));
			let h = HyperNodes::<Test>::get(account(13)).unwrap();
			assert_eq!((h.removed, h.due, h.misses), (false, 0, 0));
			assert!(
				Removals::<Test>::get(account(13)).is_none()
					&& Removals::<Test>::get(signer(13)).is_none()
			);
		});
	}

	/// A HyperNode about to be removed (accuracy below the bar, not enough reports yet)
	/// left and came back with a clean record: leaving now keeps the record for the window.
	#[test]
	fn accuracy_record_wiped_by_reregistering() {
		run(|| {
			three_eras_of_disagreement(4);
			let h = HyperNodes::<Test>::get(account(13)).unwrap();
			assert_eq!((h.due, h.misses, h.removed), (3, 3, false));
			assert_ok!(Sla::deregister_hypernode(origin(13)));
			assert_ok!(register(13));
			let h = HyperNodes::<Test>::get(account(13)).unwrap();
			assert_eq!((h.due, h.misses), (3, 3));
		});
	}

	/// Eligibility was read at aggregation: a node that became probe-able (fully
	/// collateralized) during an era was never probed that era, yet counted as a miss for
	/// each of its oracles — a provider could push honest HyperNodes under the accuracy bar.
	/// The era-start snapshot now decides which nodes an era has. (Nodes register fully
	/// collateralized now, so a node becomes probe-able mid-era by registering then.)
	#[test]
	fn a_node_activated_mid_era_counts_as_a_miss_for_its_oracles() {
		run(|| {
			hypernodes(1);
			let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			run_to_block(start_of(1) + 1);
			assert_eq!(Sla::assignments(&account(11), 1), vec![node]);
			assert_ok!(report(11, 1, vec![(node, OK)]));
			// Registered mid-era, after the worker probed.
			let late = provider_node(2, "http://127.0.0.1:8081", audit([2; 32]));
			run_to_block(start_of(2) + 5);
			let h = HyperNodes::<Test>::get(account(11)).unwrap();
			assert_eq!((h.due, h.misses), (1, 0), "the late node is no miss");
			assert!(!events()
				.iter()
				.any(|e| matches!(e, Event::NodeVerdict { node: n, era: 1, .. } if *n == late)));
			// Probed from the next era on.
			assert_eq!(Sla::assignments(&account(11), 2), vec![node, late]);
		});
	}
}

/// Verdicts, slashes and what the marketplace reads.
mod verdicts {
	use super::*;

	/// One HyperNode (k = 1) fails `nodes` in eras 1..=eras.
	fn fail_eras(nodes: &[NodeId], eras: u32) {
		for era in 1..=eras {
			run_to_block(start_of(era) + 1);
			assert_ok!(report(11, era, nodes.iter().map(|n| (*n, DOWN)).collect()));
		}
	}

	/// Failure records were deleted 24 eras after their era whether or not the marketplace
	/// had settled it: with settlement lagging, a failed era was paid to the provider instead
	/// of refunded. A record now stays until settlement is past its era.
	#[test]
	fn failure_refunds_lost_when_settlement_lags() {
		run(|| {
			hypernodes(1);
			let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			fail_eras(&[node], 1);
			SettledUpTo::set(None);
			run_to_block(start_of(30) + 5);
			assert!(
				<Sla as SlaResults>::failed(node, 1),
				"the record outlives a lagging settlement"
			);
			// Settlement catches up: the record goes.
			SettledUpTo::set(Some(1));
			run_to_block(start_of(32) + 5);
			assert!(!Failures::<Test>::contains_key(1, node));
		});
	}

	/// Five HyperNodes, one node: its oracles in era 1 (all five), two of them the
	/// provider's accomplices.
	fn five_oracles_one_node() -> (NodeId, Vec<u8>) {
		hypernodes(5);
		let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
		run_to_block(start_of(1) + 1);
		let assigned: Vec<u8> =
			(11..16).filter(|n| Sla::assignments(&account(*n), 1).contains(&node)).collect();
		assert_eq!(assigned.len(), 5);
		(node, assigned)
	}

	/// Two of five oracles (the provider's accomplices) withhold their reports: with three
	/// reports of five the quorum (four) was not met, so the node's failed era was
	/// `NotCounted` — no slash, ever, and the builder still paid. A majority of all the
	/// assigned oracles finding it down is now a failed era whoever stays silent.
	#[test]
	fn two_withholding_oracles_shield_a_failing_node() {
		run(|| {
			let (node, oracles) = five_oracles_one_node();
			for era in 1..=5 {
				run_to_block(start_of(era) + 1);
				for n in &oracles[2..] {
					assert_ok!(report(*n, era, vec![(node, DOWN)]));
				}
			}
			run_to_block(start_of(7) + 5);
			let verdicts: Vec<EraVerdict> = events()
				.iter()
				.filter_map(|e| match e {
					Event::NodeVerdict { node: n, verdict, .. } if *n == node => Some(*verdict),
					_ => None,
				})
				.collect();
			assert_eq!(verdicts[..5], [EraVerdict::Failed; 5]);
			assert!(events()
				.iter()
				.any(|e| matches!(e, Event::SlashApplied { node: n, .. } if *n == node)));
			// The silent two missed every era (accuracy), the three reporters none.
			assert!(<Sla as SlaResults>::failed(node, 1));
		});
	}

	/// Eras nobody could verify (oracles assigned, too few reports to decide) were paid to
	/// the provider as if served: the builder was charged for service nobody measured. Such
	/// an era is now refunded like a failed one (no slash: nothing was shown to fail).
	#[test]
	fn builders_charged_for_eras_nobody_verified() {
		run(|| {
			let (node, oracles) = five_oracles_one_node();
			// Era 1: two reports of five, both fine — not enough to decide either way.
			for n in &oracles[..2] {
				assert_ok!(report(*n, 1, vec![(node, OK)]));
			}
			run_to_block(start_of(3) + 5);
			assert!(events()
				.iter()
				.any(|e| matches!(e, Event::NodeVerdict { node: n, era: 1, verdict: EraVerdict::NotCounted, .. } if *n == node)));
			assert!(<Sla as SlaResults>::failed(node, 1), "an unverified era is refunded");
			assert!(!events().iter().any(|e| matches!(e, Event::SlashPending { .. })));
		});
	}

	/// A failing provider lowered its node's capacity between `SlashPending` and
	/// `SlashApplied` (then raised it again): the slash, a fraction of the requirement *at
	/// application*, shrank tenfold. The base is now fixed when the slash becomes pending.
	#[test]
	fn a_failing_provider_shrinks_its_own_slash() {
		run(|| {
			hypernodes(1);
			let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			fail_eras(&[node], 4);
			// Era 4's slash (1 % of 10 units × PER_UNIT) is pending once era 4 is aggregated.
			run_to_block(start_of(5) + 5);
			assert!(PendingSlashes::<Test>::contains_key(4, node));
			let shrink =
				pallet_icn_providers::NodeUpdate { capacity: Some(1), ..Default::default() };
			assert_ok!(Providers::update_node(origin(1), node, shrink));
			run_to_block(start_of(6) + 5);
			assert!(events()
				.iter()
				.any(|e| matches!(e, Event::SlashApplied { node: n, era: 4, .. } if *n == node)));
			let taken =
				10 * PER_UNIT - pallet_icn_providers::Nodes::<Test>::get(node).unwrap().collateral;
			assert_eq!(
				taken,
				PER_UNIT / 10,
				"1 % of the requirement when the slash became pending"
			);
			// Back up to what the collateral left still covers.
			let grow = pallet_icn_providers::NodeUpdate { capacity: Some(9), ..Default::default() };
			assert_ok!(Providers::update_node(origin(1), node, grow));
		});
	}

	/// Nothing stopped `finish_exit` or `withdraw_unbonded` while a slash was pending for the
	/// node: a provider whose exit (or a delegator whose unbonding) ended between
	/// `SlashPending` and `SlashApplied` walked away with the whole stake, and the slash was
	/// skipped. Both now wait until the slash is applied (and the shortest unbonding is four
	/// eras, the exposure from a failed era to its slash with a margin).
	#[test]
	fn escaping_a_slash_by_leaving() {
		run(|| {
			hypernodes(1);
			// One-month commitments (100 blocks in the mock), so the node can exit soon.
			let mut p = pallet_icn_providers::Params::<Test>::get();
			p.commitment_months = 1;
			assert_ok!(Providers::set_params(RuntimeOrigin::root(), p));
			let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			assert_ok!(Providers::delegate(origin(2), node, 100 * ICNT));
			// The commitment over, the provider starts its exit and the delegator unbonds:
			// both unlock 40 blocks later, during era 15.
			run_to_block(start_of(10) + 2);
			assert_ok!(Providers::start_exit(origin(1), node));
			assert_ok!(Providers::undelegate(origin(2), node, 100 * ICNT));
			// It fails eras 11–14 (exiting nodes are still probed): era 14's slash pends.
			for era in 11..=14 {
				run_to_block(start_of(era) + 1);
				assert_ok!(report(11, era, vec![(node, DOWN)]));
			}
			run_to_block(start_of(15) + 5);
			assert!(PendingSlashes::<Test>::contains_key(14, node));
			assert_noop!(
				Providers::withdraw_unbonded(origin(2), node),
				pallet_icn_providers::Error::<Test>::SlashPending
			);
			assert_noop!(
				Providers::finish_exit(origin(3), node),
				pallet_icn_providers::Error::<Test>::SlashPending
			);
			// Applied: then both may leave, the slash taken.
			run_to_block(start_of(16) + 5);
			assert!(events()
				.iter()
				.any(|e| matches!(e, Event::SlashApplied { node: n, era: 14, .. } if *n == node)));
			assert_ok!(Providers::withdraw_unbonded(origin(2), node));
			assert_ok!(Providers::finish_exit(origin(3), node));
		});
	}

	/// A node priced above its cluster's maximum is never booked (and left out of the
	/// cluster's utilization), yet its capacity earned the capacity reward every era it
	/// passed — capacity nobody can use, paid out of the network-rewards pool. Now only nodes
	/// priced within the maximum earn (and count in the era's whole).
	#[test]
	fn capacity_rewards_for_capacity_nobody_can_book() {
		run(|| {
			hypernodes(1);
			let cheap = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			let mut s = spec("http://127.0.0.1:8081", audit([2; 32]));
			s.reservation_price = 1_000 * ICNT; // the cluster's maximum is 10 ICNT
			let dear = pallet_icn_providers::NextNodeId::<Test>::get();
			assert_ok!(Providers::register_node(origin(2), s, 10 * PER_UNIT, Default::default()));
			for era in 1..=2 {
				run_to_block(start_of(era) + 1);
				assert_ok!(report(11, era, vec![(cheap, OK), (dear, OK)]));
			}
			run_to_block(start_of(3) + 5);
			let rewarded: Vec<NodeId> = events()
				.iter()
				.filter_map(|e| match e {
					Event::NodeRewarded { node, .. } => Some(*node),
					_ => None,
				})
				.collect();
			assert!(rewarded.contains(&cheap), "{rewarded:?}");
			assert!(!rewarded.contains(&dear), "an unbookable node was rewarded: {rewarded:?}");
		});
	}

	/// More failing nodes in one era than `MaxSlashesPerEra`: the slashes past the bound were
	/// dropped without a trace. Now every one pends and is applied.
	#[test]
	fn slashes_beyond_the_per_era_bound_are_dropped() {
		run(|| {
			hypernodes(1);
			// Twelve nodes (bound: 8) of three providers.
			let nodes: Vec<NodeId> = (1..=3)
				.flat_map(|p| (0..4).map(move |i| (p, i)))
				.map(|(p, i)| {
					provider_node(p, &format!("http://127.0.0.1:{}", 8080 + i), audit([1; 32]))
				})
				.collect();
			fail_eras(&nodes, 4);
			run_to_block(start_of(6) + 5);
			let pending = events()
				.iter()
				.filter(|e| matches!(e, Event::SlashPending { era: 4, .. }))
				.count();
			let applied = events()
				.iter()
				.filter(|e| matches!(e, Event::SlashApplied { era: 4, .. }))
				.count();
			assert_eq!((pending, applied), (12, 12));
			for node in nodes {
				assert_eq!(
					pallet_icn_providers::Nodes::<Test>::get(node).unwrap().collateral,
					10 * PER_UNIT - PER_UNIT / 10
				);
			}
		});
	}
}

/// Attacks on the paged era snapshot (issue 22 part 2): it is copied over as many blocks as
/// it takes, and transactions land between its batches.
mod paged_snapshot {
	use super::*;
	use frame_support::{traits::Hooks, weights::WeightMeter};

	/// Starts era 1 and copies `per_block` HyperNodes of its snapshot (its first batch).
	fn start_copying(per_block: u64) {
		let start = start_of(1);
		run_to_block(start - 1);
		System::set_block_number(start);
		Sla::on_initialize(start);
		type W = <Test as Config>::WeightInfo;
		let budget = W::snapshot_oracles(0)
			.saturating_add(Sla::snapshot_entry_weight().saturating_mul(per_block));
		Sla::copy_snapshot(&mut WeightMeter::with_limit(budget));
	}

	/// A HyperNode copied in the snapshot's first batch moves its Link to another whose key
	/// comes after the copy's cursor: before the next batch, it unstakes the Link, transfers
	/// the NFT, and the other stakes it. The Link was counted for both, and the era's
	/// HyperNode rewards were shared by one Link more than exists (the atomic snapshot had
	/// "a Link for one HyperNode per era"). Unstaking and deregistering now wait for the copy.
	#[test]
	fn a_link_counted_twice_across_a_multi_block_snapshot() {
		run(|| {
			hypernodes(8);
			// Dormant registrations (no Link) to move the Link to.
			for n in 21..=30u8 {
				assert_ok!(register(n));
			}
			start_copying(1);
			assert!(!Sla::snapshot_ready(1));
			let (x, _) = Sla::oracle_at(1, 0).expect("the first batch copied one");
			let xn = (11..=18u8).find(|n| account(*n) == x).expect("one of the HyperNodes");
			let link = HyperNodes::<Test>::get(&x).expect("registered").links[0];
			let cursor = ActiveSet::<Test>::hashed_key_for(&x);
			let yn = (21..=30u8)
				.find(|n| ActiveSet::<Test>::hashed_key_for(account(*n)) > cursor)
				.expect("a key after the cursor");
			// The attack, step by step; each step that fails stops it.
			let moved = Sla::unstake_link(origin(xn), link).is_ok()
				&& Nfts::transfer(origin(xn), 0, link, account(yn)).is_ok()
				&& Sla::stake_link(origin(yn), link).is_ok();
			Sla::copy_snapshot(&mut WeightMeter::new());
			assert!(Sla::snapshot_ready(1));
			assert_eq!(
				EraRewards::<Test>::get(1).links,
				8,
				"a Link counted twice (moved: {moved})"
			);
			assert!(!moved);
			// Leaving waits for the copy too, and both work once it is done.
			assert_ok!(Sla::unstake_link(origin(xn), link));
			assert_ok!(Sla::deregister_hypernode(origin(xn)));
		});
	}

	#[test]
	fn unstaking_or_leaving_while_the_snapshot_is_copied_is_refused() {
		run(|| {
			hypernodes(3);
			start_copying(1);
			for n in 11..=13u8 {
				assert_noop!(
					Sla::unstake_link(origin(n), u32::from(n - 11)),
					Error::<Test>::SnapshotPending
				);
				assert_noop!(Sla::deregister_hypernode(origin(n)), Error::<Test>::SnapshotPending);
			}
		});
	}

	/// A HyperNode of the era's snapshot that deregistered and registered again within the
	/// era lost its place (`oracleOf`): every report it sent was refused (`NotAnOracle`), yet
	/// its assignments stayed in the era (by its index in the pages), so each counted as a
	/// miss against its new registration — enough to remove it and bar its owner and key for
	/// the cool-down. Its place is now kept until its era is settled.
	#[test]
	fn a_hypernode_that_registers_again_within_the_era_is_counted_missing() {
		run(|| {
			hypernodes(3);
			let node = provider_node(1, "http://127.0.0.1:8080", audit([1; 32]));
			run_to_block(start_of(1) + 1);
			assert!(Sla::snapshot_ready(1));
			assert_ok!(Sla::deregister_hypernode(origin(11)));
			assert_ok!(register(11));
			assert_ok!(Sla::stake_link(origin(11), 0));
			assert_eq!(Sla::assignments(&account(11), 1), vec![node]);
			assert_ok!(report(11, 1, vec![(node, OK)]));
			for n in 12..=13 {
				assert_ok!(report(n, 1, vec![(node, OK)]));
			}
			run_to_block(start_of(2) + 5);
			assert_eq!(FinalizedEra::<Test>::get(), Some(1));
			let h = HyperNodes::<Test>::get(account(11)).expect("registered again");
			assert_eq!((h.due, h.misses), (1, 0));
		});
	}
}
