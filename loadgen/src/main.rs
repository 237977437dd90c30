//! `icn-loadgen`: a load generator for ICN Chain.
//!
//! It funds `--accounts` sender accounts (`//loadgen//<i>`) from the dev accounts, pre-signs
//! `--txs` transactions spread over them (nonce-ordered per sender), submits them over
//! JSON-RPC (`author_submitExtrinsic`) at `--rate` transactions per second (`0`: as fast as
//! the node takes them), then follows the chain until every one of them is in a block and
//! reports:
//!
//! - **included transactions per second** (included / time between the block before the first
//!   inclusion and the block of the last, from the blocks' timestamps) and **blocks to drain**;
//! - the **average block fullness** over those blocks: normal-class weight
//!   (`System::BlockWeight`) against the normal-class limit, and length against the normal
//!   length limit;
//! - **achieved / theoretical maximum**: included per block against the block weight limit
//!   divided by the benchmarked weight of one such transaction (its call and extension
//!   weights from the runtime's generated weights plus the base extrinsic weight).
//!
//! It signs with this workspace's runtime (`icn_runtime::signing`), so it must run against a
//! node of the same build. `scripts/bench.sh` runs it against `icn-node --dev`; the figures
//! are in docs/benchmarks.md.
//!
//! Scenarios:
//! - `transfer`: `balances.transfer_keep_alive` of 1 ICNT between the funded accounts;
//! - `book`: `marketplace.book` of one unit for one era in cluster 0, each sender a builder.
//!   Set-up (as root and a provider account): region 0's collateral is lowered to 1 ICNT per
//!   unit, 16 provider nodes with room for every booking are registered, and Alice's dev
//!   HyperNode is deregistered so that no SLA probe of those (unserved) nodes fails them
//!   out of the bookable set during the run. `max_total` is the quote (`icn_quote`).
//!
//! - `report`: `sla.submit_report` at the maximum batch (`MaxReportResults` results), one
//!   from each of `--txs` HyperNodes. Set-up (as root, the dev accounts and new accounts):
//!   region 0's collateral is lowered to 1 ICNT per unit; enough one-unit provider nodes are
//!   registered (in new clusters of 128) that each HyperNode is assigned more than a full
//!   batch (k = 5: `--txs` × batch × 1.3 / 5 nodes); `--txs` HyperNodes register with a Link
//!   root mints and Alice's dev HyperNode leaves. When the next era starts (its snapshot holds
//!   the new HyperNodes and nodes), each HyperNode's assignment is read over the runtime API
//!   (`SlaApi_assignments`) and its report of the first full batch is pre-signed; the load is
//!   those reports, sent at once (they must land within the era). `--accounts` is not used.

use std::{
	collections::{BTreeMap, HashSet},
	time::{Duration, Instant},
};

use clap::{Parser, ValueEnum};
use codec::{Decode, Encode};
use frame_support::{
	dispatch::{DispatchClass, GetDispatchInfo, PerDispatchClass},
	weights::Weight,
};
use futures::{stream, StreamExt};
use icn_runtime::{signing::sign, BalancesCall, Runtime, RuntimeCall, UncheckedExtrinsic};
use jsonrpsee::{
	core::{client::ClientT, params::ArrayParams},
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use serde_json::{json, Value};
use sp_core::{
	crypto::{Pair as _, Ss58Codec},
	sr25519, H256,
};
use sp_io::hashing::{blake2_256, twox_128};

#[cfg(test)]
mod scale;

type Error = Box<dyn std::error::Error + Send + Sync>;
type Result<T> = std::result::Result<T, Error>;

const ICNT: u128 = 1_000_000_000_000_000_000;

/// What the load consists of.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Scenario {
	/// `balances.transfer_keep_alive` of 1 ICNT between the funded sender accounts.
	Transfer,
	/// `marketplace.book` of one unit for one era in cluster 0 (set-up: 16 provider nodes).
	Book,
	/// `sla.submit_report` of a full batch from each of `--txs` HyperNodes (set-up: the
	/// HyperNodes and enough provider nodes; the reports go in when the next era starts).
	Report,
}

#[derive(Parser, Debug)]
#[command(
	name = "icn-loadgen",
	about = "Load generator for ICN Chain: pre-signed transactions over JSON-RPC, included throughput and block fullness against the weight limit"
)]
struct Cli {
	/// JSON-RPC WebSocket endpoint of an `icn-node` of this build (`--dev` chain).
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	url: String,
	/// The transactions to send.
	#[arg(long, value_enum, default_value = "transfer")]
	scenario: Scenario,
	/// How many transactions.
	#[arg(long, default_value_t = 20_000)]
	txs: u32,
	/// How many sender accounts (`//loadgen//<i>`), funded first from the dev accounts.
	#[arg(long, default_value_t = 1_000)]
	accounts: u32,
	/// Submission rate, transactions per second; 0 submits as fast as the node accepts them.
	#[arg(long, default_value_t = 0)]
	rate: u32,
	/// Requests in flight at once.
	#[arg(long, default_value_t = 64)]
	concurrency: usize,
	/// Give up when the transactions are not all included after this many seconds.
	#[arg(long, default_value_t = 600)]
	timeout: u64,
	/// Print the result as one JSON object (else as text).
	#[arg(long)]
	json: bool,
}

fn storage_key(pallet: &str, item: &str) -> Vec<u8> {
	[twox_128(pallet.as_bytes()), twox_128(item.as_bytes())].concat()
}

fn hex(bytes: &[u8]) -> String {
	sp_core::bytes::to_hex(bytes, false)
}

fn unhex(s: &str) -> Result<Vec<u8>> {
	sp_core::bytes::from_hex(s).map_err(|e| format!("bad hex {s}: {e}").into())
}

/// The JSON-RPC calls it makes.
struct Rpc {
	client: WsClient,
}

impl Rpc {
	async fn connect(url: &str) -> Result<Self> {
		let client = WsClientBuilder::default()
			.max_concurrent_requests(4096)
			.request_timeout(Duration::from_secs(120))
			.max_request_size(16 * 1024 * 1024)
			.max_response_size(64 * 1024 * 1024)
			.build(url)
			.await?;
		Ok(Self { client })
	}

	async fn call(&self, method: &str, params: ArrayParams) -> Result<Value> {
		Ok(self.client.request::<Value, _>(method, params).await?)
	}

	async fn block_hash(&self, number: u32) -> Result<Option<H256>> {
		let v = self.call("chain_getBlockHash", rpc_params![number]).await?;
		match v.as_str() {
			Some(s) => Ok(Some(H256::from_slice(&unhex(s)?))),
			None => Ok(None),
		}
	}

	async fn best_number(&self) -> Result<u32> {
		let header = self.call("chain_getHeader", rpc_params![]).await?;
		let number = header["number"].as_str().ok_or("header without number")?;
		Ok(u32::from_str_radix(number.trim_start_matches("0x"), 16)?)
	}

	async fn storage(&self, key: &[u8], at: H256) -> Result<Option<Vec<u8>>> {
		let v = self.call("state_getStorage", rpc_params![hex(key), hex(at.as_bytes())]).await?;
		v.as_str().map(unhex).transpose()
	}

	async fn next_nonce(&self, who: &sr25519::Public) -> Result<u32> {
		let v = self.call("system_accountNextIndex", rpc_params![who.to_ss58check()]).await?;
		Ok(v.as_u64().ok_or("nonce is not a number")? as u32)
	}

	async fn block_extrinsics(&self, at: H256) -> Result<Vec<Vec<u8>>> {
		let block = self.call("chain_getBlock", rpc_params![hex(at.as_bytes())]).await?;
		block["block"]["extrinsics"]
			.as_array()
			.ok_or("block without extrinsics")?
			.iter()
			.map(|x| unhex(x.as_str().unwrap_or_default()))
			.collect()
	}
}

/// A pre-signed transaction: its encoding and hash.
struct Signed {
	bytes: Vec<u8>,
	hash: [u8; 32],
}

impl Signed {
	fn new(xt: UncheckedExtrinsic) -> Self {
		let bytes = xt.encode();
		let hash = blake2_256(&bytes);
		Self { bytes, hash }
	}
}

/// What the included blocks looked like.
#[derive(Default, Debug)]
struct Drain {
	/// Blocks from the first with one of the transactions to the one with the last.
	blocks: u32,
	first_block: u32,
	last_block: u32,
	included: u32,
	/// Milliseconds from the timestamp of the block before the first to that of the last.
	millis: u64,
	/// Per block in the drain: (number, ours included, all extrinsics, normal ref time, length).
	per_block: Vec<(u32, u32, u32, u64, u64)>,
}

/// Submits `txs` (`rate` per second, 0: unpaced) with `concurrency` requests in flight;
/// returns how many the pool took, the refusals by message, and the submission time.
async fn submit(
	rpc: &Rpc,
	txs: &[Signed],
	rate: u32,
	concurrency: usize,
) -> (u32, BTreeMap<String, u32>, Duration) {
	let start = Instant::now();
	let results: Vec<Result<Value>> = stream::iter(txs.iter().enumerate())
		.then(|(i, tx)| async move {
			if rate > 0 {
				let due = start + Duration::from_secs_f64(i as f64 / f64::from(rate));
				tokio::time::sleep_until(tokio::time::Instant::from_std(due)).await;
			}
			tx
		})
		.map(|tx| rpc.call("author_submitExtrinsic", rpc_params![hex(&tx.bytes)]))
		.buffer_unordered(concurrency.max(1))
		.collect()
		.await;
	let mut refused = BTreeMap::new();
	let mut accepted = 0;
	for r in results {
		match r {
			Ok(_) => accepted += 1,
			Err(e) => *refused.entry(e.to_string()).or_insert(0) += 1,
		}
	}
	(accepted, refused, start.elapsed())
}

/// Follows the best chain from block `from + 1` until every hash of `pending` is in a block.
async fn drain(
	rpc: &Rpc,
	mut pending: HashSet<[u8; 32]>,
	from: u32,
	timeout: Duration,
) -> Result<Drain> {
	let deadline = Instant::now() + timeout;
	let weight_key = storage_key("System", "BlockWeight");
	let now_key = storage_key("Timestamp", "Now");
	let mut d = Drain::default();
	let mut next = from + 1;
	let mut first_time = None;
	while !pending.is_empty() {
		if Instant::now() > deadline {
			return Err(format!(
				"{} transaction(s) still not included after {timeout:?}",
				pending.len()
			)
			.into());
		}
		if rpc.best_number().await? < next {
			tokio::time::sleep(Duration::from_millis(250)).await;
			continue;
		}
		let hash = rpc.block_hash(next).await?.ok_or("no hash for a block below the best")?;
		let extrinsics = rpc.block_extrinsics(hash).await?;
		let ours = extrinsics.iter().filter(|x| pending.remove(&blake2_256(x))).count() as u32;
		if ours > 0 || d.included > 0 {
			if d.included == 0 {
				d.first_block = next;
				let parent = rpc.block_hash(next - 1).await?.ok_or("no parent hash")?;
				first_time = rpc
					.storage(&now_key, parent)
					.await?
					.map(|b| u64::decode(&mut &b[..]))
					.transpose()?;
			}
			let weight = rpc
				.storage(&weight_key, hash)
				.await?
				.map(|b| PerDispatchClass::<Weight>::decode(&mut &b[..]))
				.transpose()?
				.unwrap_or_default();
			let length: u64 = extrinsics.iter().map(|x| x.len() as u64).sum();
			d.per_block.push((
				next,
				ours,
				extrinsics.len() as u32,
				weight.get(DispatchClass::Normal).ref_time(),
				length,
			));
			d.included += ours;
			d.last_block = next;
			if pending.is_empty() {
				let last_time = rpc
					.storage(&now_key, hash)
					.await?
					.map(|b| u64::decode(&mut &b[..]))
					.transpose()?;
				d.millis = last_time.unwrap_or(0).saturating_sub(first_time.unwrap_or(0));
			}
		}
		next += 1;
	}
	d.blocks = d.last_block.saturating_sub(d.first_block) + 1;
	Ok(d)
}

/// What the load's transactions call.
enum Load {
	Transfer,
	Book { max_total: u128 },
}

fn call_for(load: &Load, to: &sr25519::Public) -> RuntimeCall {
	match load {
		Load::Transfer => RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
			dest: sp_runtime::AccountId32::from(*to).into(),
			value: ICNT,
		}),
		Load::Book { max_total } => RuntimeCall::Marketplace(pallet_icn_marketplace::Call::book {
			cluster: 0,
			units: 1,
			eras: 1,
			max_total: *max_total,
		}),
	}
}

fn pair(uri: &str) -> Result<sr25519::Pair> {
	sr25519::Pair::from_string(uri, None).map_err(|e| format!("{uri}: {e:?}").into())
}

/// Signs `calls` of `signer` with consecutive nonces from its next one.
async fn sign_all(
	rpc: &Rpc,
	signer: &sr25519::Pair,
	calls: Vec<RuntimeCall>,
	genesis: H256,
) -> Result<Vec<Signed>> {
	let nonce = rpc.next_nonce(&signer.public()).await?;
	Ok(calls
		.into_iter()
		.enumerate()
		.map(|(i, call)| Signed::new(sign(call, signer, nonce + i as u32, genesis)))
		.collect())
}

/// Submits `txs` and waits until all are in blocks.
async fn run_all(rpc: &Rpc, txs: &[Signed], concurrency: usize, timeout: Duration) -> Result<()> {
	let from = rpc.best_number().await?;
	let (accepted, refused, _) = submit(rpc, txs, 0, concurrency).await;
	if accepted as usize != txs.len() {
		return Err(format!("set-up transactions refused: {refused:?}").into());
	}
	drain(rpc, txs.iter().map(|t| t.hash).collect(), from, timeout).await?;
	Ok(())
}

/// The `book` scenario's set-up; returns the quote of one unit for one era in cluster 0.
async fn setup_book(
	rpc: &Rpc,
	genesis: H256,
	units: u32,
	concurrency: usize,
	timeout: Duration,
) -> Result<u128> {
	const NODES: u32 = 16;
	let alice = pair("//Alice")?;
	let provider = pair("//loadgen//provider")?;
	let capacity = units.div_ceil(NODES) + 1;
	// Root: 1 ICNT of collateral per unit in region 0 (so 16 large nodes fit the dev
	// balances); Alice's HyperNode goes, so nothing probes the unserved nodes.
	let key = pallet_icn_providers::Regions::<Runtime>::hashed_key_for(0u32);
	let best = rpc.block_hash(rpc.best_number().await?).await?.ok_or("no best block")?;
	let region = rpc.storage(&key, best).await?.ok_or("region 0 missing")?;
	let region = pallet_icn_providers::Region::<Runtime>::decode(&mut &region[..])?;
	let per_unit = ICNT;
	let update = RuntimeCall::Providers(pallet_icn_providers::Call::update_region {
		region: 0,
		countries: region.countries.clone(),
		collateral_per_unit: per_unit,
		reward_weight: region.reward_weight,
	});
	let mut alice_calls = vec![
		RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(update) }),
		RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
			dest: sp_runtime::AccountId32::from(provider.public()).into(),
			value: u128::from(capacity * NODES) * per_unit + 1_000 * ICNT,
		}),
	];
	let alice_is_hypernode = rpc
		.storage(
			&pallet_icn_sla::HyperNodes::<Runtime>::hashed_key_for(sp_runtime::AccountId32::from(
				alice.public(),
			)),
			best,
		)
		.await?
		.is_some();
	if alice_is_hypernode {
		alice_calls.push(RuntimeCall::Sla(pallet_icn_sla::Call::deregister_hypernode {}));
	}
	run_all(rpc, &sign_all(rpc, &alice, alice_calls, genesis).await?, concurrency, timeout).await?;
	let location = *region.countries.first().ok_or("region 0 has no country")?;
	let register: Vec<RuntimeCall> = (0..NODES)
		.map(|i| {
			RuntimeCall::Providers(pallet_icn_providers::Call::register_node {
				spec: pallet_icn_providers::NodeSpec::new(0, capacity)
					.with_location(location)
					.with_endpoint(&format!("https://loadgen-{i}.storage.example.com"))
					.with_price(ICNT / 2),
				collateral: u128::from(capacity) * per_unit,
				links: Default::default(),
			})
		})
		.collect();
	run_all(rpc, &sign_all(rpc, &provider, register, genesis).await?, concurrency, timeout).await?;
	let quote = rpc.call("icn_quote", rpc_params![0u32, 1u32, 1u32]).await?;
	let total = quote["total"].as_str().ok_or_else(|| format!("no quote: {quote}"))?;
	Ok(total.parse()?)
}

/// Submits `txs` in chunks of at most `chunk` (the node's pool need not hold them all) and
/// waits until each chunk is in blocks.
async fn run_chunked(
	rpc: &Rpc,
	txs: &[Signed],
	chunk: usize,
	concurrency: usize,
	timeout: Duration,
) -> Result<()> {
	for part in txs.chunks(chunk.max(1)) {
		run_all(rpc, part, concurrency, timeout).await?;
	}
	Ok(())
}

/// The storage value under `key` at the best block, decoded.
async fn best_storage<V: Decode>(rpc: &Rpc, key: &[u8]) -> Result<Option<V>> {
	let best = rpc.block_hash(rpc.best_number().await?).await?.ok_or("no best block")?;
	rpc.storage(key, best)
		.await?
		.map(|b| V::decode(&mut &b[..]).map_err(Into::into))
		.transpose()
}

/// The `report` scenario's set-up and load: registers `hypernodes` HyperNodes and enough
/// provider nodes, waits for the next era and returns each HyperNode's pre-signed report of
/// a full batch of its assigned nodes.
async fn setup_report(
	rpc: &Rpc,
	genesis: H256,
	hypernodes: u32,
	concurrency: usize,
	timeout: Duration,
) -> Result<Vec<Signed>> {
	use frame_support::traits::Get;
	use pallet_icn_providers::{NodeSpec, ResourceKind};
	use pallet_icn_sla::ProbeOutcome;
	let log = |s: String| eprintln!("[icn-loadgen] {s}");
	let batch: u32 = <Runtime as pallet_icn_sla::Config>::MaxReportResults::get();
	let per_cluster: u32 = <Runtime as pallet_icn_providers::Config>::MaxNodesPerCluster::get();
	let per_provider: u32 = <Runtime as pallet_icn_providers::Config>::MaxNodesPerProvider::get();
	let max_hypernodes: u32 = <Runtime as pallet_icn_sla::Config>::MaxHyperNodes::get();
	if hypernodes == 0 || hypernodes >= max_hypernodes {
		return Err(format!(
			"--txs (HyperNodes) must be 1..{max_hypernodes} for the report scenario"
		)
		.into());
	}
	// Each node has 5 oracles (fewer HyperNodes: all of them); 30 % more than the mean need
	// covers the assignment's spread.
	let k = hypernodes.min(5);
	let nodes = (u64::from(hypernodes) * u64::from(batch) * 13 / 10).div_ceil(u64::from(k)) as u32;
	let clusters = nodes.div_ceil(per_cluster);
	let providers = nodes.div_ceil(per_provider);
	let alice = pair("//Alice")?;
	let alice_id = sp_runtime::AccountId32::from(alice.public());
	let sudo =
		|call: RuntimeCall| RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(call) });
	let to = |p: &sr25519::Pair, value: u128| {
		RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
			dest: sp_runtime::AccountId32::from(p.public()).into(),
			value,
		})
	};

	// Root: 1 ICNT of collateral per unit in region 0, the clusters, a Link per HyperNode;
	// Alice funds the providers and HyperNodes and her own HyperNode leaves.
	let region: pallet_icn_providers::Region<Runtime> =
		best_storage(rpc, &pallet_icn_providers::Regions::<Runtime>::hashed_key_for(0u32))
			.await?
			.ok_or("region 0 missing")?;
	let location = *region.countries.first().ok_or("region 0 has no country")?;
	let first_cluster: u32 =
		best_storage(rpc, &pallet_icn_providers::NextClusterId::<Runtime>::hashed_key())
			.await?
			.unwrap_or_default();
	let first_link: u32 =
		best_storage(rpc, &pallet_icn_providers::NextLinkId::<Runtime>::hashed_key())
			.await?
			.unwrap_or_default();
	let hp: Vec<sr25519::Pair> = (0..providers)
		.map(|i| pair(&format!("//loadgen//hp//{i}")))
		.collect::<Result<_>>()?;
	let hn: Vec<sr25519::Pair> = (0..hypernodes)
		.map(|i| pair(&format!("//loadgen//hn//{i}")))
		.collect::<Result<_>>()?;
	let mut calls = vec![sudo(RuntimeCall::Providers(pallet_icn_providers::Call::update_region {
		region: 0,
		countries: region.countries.clone(),
		collateral_per_unit: ICNT,
		reward_weight: region.reward_weight,
	}))];
	for c in 0..clusters {
		calls.push(sudo(RuntimeCall::Providers(pallet_icn_providers::Call::create_cluster {
			region: 0,
			name: frame_support::BoundedVec::truncate_from(
				format!("LOADGEN-{}", first_cluster + c).into_bytes(),
			),
			kind: ResourceKind::Storage,
			max_price: ICNT,
			latency_bound_ms: 500,
		})));
	}
	for p in &hp {
		calls.push(to(p, u128::from(per_provider) * ICNT + 100 * ICNT));
	}
	// A HyperNode's deposit and its fees.
	let hn_funds: u128 =
		<<Runtime as pallet_icn_sla::Config>::HyperNodeDeposit as Get<u128>>::get() + 100 * ICNT;
	for p in &hn {
		calls.push(to(p, hn_funds));
		calls.push(sudo(RuntimeCall::Providers(pallet_icn_providers::Call::mint_link {
			owner: sp_runtime::AccountId32::from(p.public()),
		})));
	}
	if best_storage::<pallet_icn_sla::HyperNode<Runtime>>(
		rpc,
		&pallet_icn_sla::HyperNodes::<Runtime>::hashed_key_for(&alice_id),
	)
	.await?
	.is_some()
	{
		calls.push(RuntimeCall::Sla(pallet_icn_sla::Call::deregister_hypernode {}));
	}
	log(format!("report set-up: {clusters} clusters, {providers} providers, {hypernodes} HyperNodes (root and Alice: {} transactions)", calls.len()));
	run_chunked(rpc, &sign_all(rpc, &alice, calls, genesis).await?, 4_000, concurrency, timeout)
		.await?;

	// The HyperNodes, then the nodes (each provider its `per_provider`, clusters filled in order).
	let mut txs = Vec::new();
	for (i, p) in hn.iter().enumerate() {
		let owner = sp_runtime::AccountId32::from(p.public());
		let calls = vec![
			RuntimeCall::Sla(pallet_icn_sla::Call::register_hypernode {
				signer: owner.clone(),
				location: *b"DE",
				address: frame_support::BoundedVec::truncate_from(
					format!("hn{i}.loadgen.example.com").into_bytes(),
				),
				// The key signs for its own account: `("icn-sla:signer", owner, genesis)`.
				proof: sp_runtime::MultiSignature::from(
					p.sign(&(b"icn-sla:signer", &owner, genesis).encode()),
				),
			}),
			RuntimeCall::Sla(pallet_icn_sla::Call::stake_link { link: first_link + i as u32 }),
		];
		txs.extend(sign_all(rpc, p, calls, genesis).await?);
	}
	run_all(rpc, &txs, concurrency, timeout).await?;
	let mut txs = Vec::new();
	for (i, p) in hp.iter().enumerate() {
		let first = i as u32 * per_provider;
		let calls: Vec<RuntimeCall> = (first..(first + per_provider).min(nodes))
			.map(|n| {
				RuntimeCall::Providers(pallet_icn_providers::Call::register_node {
					spec: NodeSpec::new(first_cluster + n / per_cluster, 1)
						.with_location(location)
						.with_endpoint(&format!("https://n{n}.loadgen.example.com"))
						.with_price(ICNT / 2),
					collateral: ICNT,
					links: Default::default(),
				})
			})
			.collect();
		txs.extend(sign_all(rpc, p, calls, genesis).await?);
	}
	log(format!("registering {} provider nodes", txs.len()));
	run_chunked(rpc, &txs, 8_000, concurrency, timeout).await?;

	// The next era's snapshot holds them all.
	let era_key = pallet_icn_sla::CurrentEra::<Runtime>::hashed_key();
	let registered_in: u32 = best_storage(rpc, &era_key).await?.unwrap_or_default();
	let deadline = Instant::now() + timeout;
	let era = loop {
		let era: u32 = best_storage(rpc, &era_key).await?.unwrap_or_default();
		if era > registered_in {
			break era;
		}
		if Instant::now() > deadline {
			return Err("no new era started".into());
		}
		tokio::time::sleep(Duration::from_millis(200)).await;
	};
	let mut reports = Vec::new();
	for p in &hn {
		let owner = sp_runtime::AccountId32::from(p.public());
		let raw = rpc
			.call("state_call", rpc_params!["SlaApi_assignments", hex(&owner.encode())])
			.await?;
		let (at, assigned) =
			<(u32, Vec<u64>)>::decode(&mut &unhex(raw.as_str().ok_or("state_call result")?)?[..])?;
		if at != era {
			return Err(format!(
				"assignments of era {at}, expected {era}: the era ended during the set-up"
			)
			.into());
		}
		if (assigned.len() as u32) < batch {
			return Err(format!(
				"a HyperNode has {} nodes assigned, less than a batch of {batch}",
				assigned.len()
			)
			.into());
		}
		let results = assigned
			.iter()
			.take(batch as usize)
			.map(|n| (*n, ProbeOutcome::Ok { latency_ms: 20 }))
			.collect();
		let call = RuntimeCall::Sla(pallet_icn_sla::Call::submit_report {
			era,
			results: frame_support::BoundedVec::truncate_from(results),
		});
		reports.extend(sign_all(rpc, p, vec![call], genesis).await?);
	}
	log(format!("era {era}: {} reports of {batch} results pre-signed", reports.len()));
	Ok(reports)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<()> {
	let cli = Cli::parse();
	let log = |s: String| eprintln!("[icn-loadgen] {s}");
	let rpc = Rpc::connect(&cli.url).await?;
	let genesis = rpc.block_hash(0).await?.ok_or("no genesis hash")?;

	// The benchmarked weight of one transaction and the block's normal-class limits.
	let block_weights = <Runtime as frame_system::Config>::BlockWeights::get();
	let normal = block_weights.get(DispatchClass::Normal);
	let max_normal = normal.max_total.unwrap_or(block_weights.max_block);
	let max_len = u64::from(
		*<Runtime as frame_system::Config>::BlockLength::get()
			.max
			.get(DispatchClass::Normal),
	);

	// Senders, funded from the dev accounts (pre-signed, nonce-ordered).
	let accounts: Vec<sr25519::Pair> = (0..cli.accounts.max(2))
		.map(|i| pair(&format!("//loadgen//{i}")))
		.collect::<Result<_>>()?;
	let per_sender = cli.txs.div_ceil(accounts.len() as u32);
	let funding = 10 * ICNT + u128::from(per_sender) * 2 * ICNT;
	let funders: Vec<sr25519::Pair> = ["//Bob", "//Dave", "//Eve", "//Ferdie"]
		.iter()
		.map(|s| pair(s))
		.collect::<Result<_>>()?;
	let mut funder_nonces = Vec::new();
	for f in &funders {
		funder_nonces.push(rpc.next_nonce(&f.public()).await?);
	}
	let mut fund_txs = Vec::new();
	for (i, a) in accounts.iter().enumerate() {
		let f = i % funders.len();
		let call = RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
			dest: sp_runtime::AccountId32::from(a.public()).into(),
			value: funding,
		});
		fund_txs.push(Signed::new(sign(call, &funders[f], funder_nonces[f], genesis)));
		funder_nonces[f] += 1;
	}
	log(format!("funding {} accounts with {} ICNT each", accounts.len(), funding / ICNT));
	let from = rpc.best_number().await?;
	let (accepted, refused, _) = submit(&rpc, &fund_txs, 0, cli.concurrency).await;
	if accepted as usize != fund_txs.len() {
		return Err(format!("funding transactions refused: {refused:?}").into());
	}
	drain(&rpc, fund_txs.iter().map(|t| t.hash).collect(), from, Duration::from_secs(cli.timeout))
		.await?;

	let load = match cli.scenario {
		Scenario::Transfer => Ok(Load::Transfer),
		Scenario::Book => {
			let max_total = setup_book(
				&rpc,
				genesis,
				cli.txs,
				cli.concurrency,
				Duration::from_secs(cli.timeout),
			)
			.await?;
			log(format!("book set-up done: 16 nodes in cluster 0, one unit-era quoted at {max_total} planck"));
			Ok(Load::Book { max_total })
		},
		// Signed by their HyperNodes.
		Scenario::Report => Err(setup_report(
			&rpc,
			genesis,
			cli.txs,
			cli.concurrency,
			Duration::from_secs(cli.timeout),
		)
		.await?),
	};

	// The load: pre-signed before the clock starts.
	let n = accounts.len();
	let txs: Vec<Signed> = match load {
		Err(reports) => reports,
		Ok(load) => {
			let mut nonces = Vec::new();
			for a in &accounts {
				nonces.push(rpc.next_nonce(&a.public()).await?);
			}
			let signing = Instant::now();
			let txs: Vec<Signed> = (0..cli.txs as usize)
				.map(|i| {
					let s = i % n;
					let call = call_for(&load, &accounts[(s + 1) % n].public());
					let xt = sign(call, &accounts[s], nonces[s] + (i / n) as u32, genesis);
					Signed::new(xt)
				})
				.collect();
			log(format!(
				"pre-signed {} {:?} transactions in {:.1} s",
				txs.len(),
				cli.scenario,
				signing.elapsed().as_secs_f64()
			));
			txs
		},
	};

	// The heaviest transaction of the load sets the maximum (all weigh the same but for
	// rounding in the report scenario).
	let mut tx_weight = Weight::zero();
	let (mut call_weight, mut extension_weight) = (Weight::zero(), Weight::zero());
	let mut tx_len = 0u64;
	for tx in &txs {
		let info = UncheckedExtrinsic::decode(&mut &tx.bytes[..])?.get_dispatch_info();
		let total = info.total_weight().saturating_add(normal.base_extrinsic);
		if total.ref_time() >= tx_weight.ref_time() {
			(tx_weight, call_weight, extension_weight) =
				(total, info.call_weight, info.extension_weight);
		}
		tx_len = tx_len.max(tx.bytes.len() as u64);
	}
	let max_by_weight = max_normal.ref_time() / tx_weight.ref_time().max(1);
	let max_by_length = max_len / tx_len.max(1);
	let max_per_block = max_by_weight.min(max_by_length);

	let from = rpc.best_number().await?;
	let (accepted, refused, submit_time) = submit(&rpc, &txs, cli.rate, cli.concurrency).await;
	log(format!(
		"submitted {accepted} of {} in {:.1} s ({:.0}/s){}",
		txs.len(),
		submit_time.as_secs_f64(),
		f64::from(accepted) / submit_time.as_secs_f64().max(1e-9),
		if refused.is_empty() { String::new() } else { format!(", refused: {refused:?}") }
	));
	if !refused.is_empty() {
		// A refused transaction would leave its sender's later nonces waiting forever.
		return Err(format!(
			"the pool refused {} transaction(s): {refused:?}",
			txs.len() as u32 - accepted
		)
		.into());
	}
	let d =
		drain(&rpc, txs.iter().map(|t| t.hash).collect(), from, Duration::from_secs(cli.timeout))
			.await?;

	let secs = d.millis as f64 / 1000.0;
	let tps = f64::from(d.included) / secs.max(1e-9);
	let per_block = f64::from(d.included) / f64::from(d.blocks.max(1));
	let weight_fullness = d
		.per_block
		.iter()
		.map(|b| b.3 as f64 / max_normal.ref_time() as f64)
		.sum::<f64>()
		/ d.per_block.len().max(1) as f64;
	let length_fullness = d.per_block.iter().map(|b| b.4 as f64 / max_len as f64).sum::<f64>()
		/ d.per_block.len().max(1) as f64;
	// Saturated blocks: those built while more of the load waited (all but the last, which
	// takes the remainder) — the fullness the chain reaches under sustained load.
	let saturated = &d.per_block[..d.per_block.len().saturating_sub(1)];
	let saturated_per_block =
		saturated.iter().map(|b| f64::from(b.1)).sum::<f64>() / saturated.len().max(1) as f64;
	let saturated_fullness =
		saturated.iter().map(|b| b.3 as f64 / max_normal.ref_time() as f64).sum::<f64>()
			/ saturated.len().max(1) as f64;
	let block_millis = icn_runtime::time::MILLISECS_PER_BLOCK as f64;
	let max_tps = max_per_block as f64 * 1000.0 / block_millis;
	let result = json!({
		"scenario": format!("{:?}", cli.scenario).to_lowercase(),
		"txs": cli.txs,
		"accounts": n,
		"rate": cli.rate,
		"submitSeconds": submit_time.as_secs_f64(),
		"included": d.included,
		"blocks": d.blocks,
		"firstBlock": d.first_block,
		"lastBlock": d.last_block,
		"seconds": secs,
		"includedPerSecond": tps,
		"includedPerBlock": per_block,
		"maxPerBlock": max_per_block,
		"maxPerBlockByWeight": max_by_weight,
		"maxPerBlockByLength": max_by_length,
		"maxPerSecond": max_tps,
		"achievedOverMax": per_block / max_per_block.max(1) as f64,
		"saturatedBlocks": saturated.len(),
		"saturatedPerBlock": saturated_per_block,
		"saturatedOverMax": saturated_per_block / max_per_block.max(1) as f64,
		"saturatedWeightFullness": saturated_fullness,
		"txWeightRefTime": tx_weight.ref_time(),
		"callWeightRefTime": call_weight.ref_time(),
		"extensionWeightRefTime": extension_weight.ref_time(),
		"baseExtrinsicRefTime": normal.base_extrinsic.ref_time(),
		"txLength": tx_len,
		"normalMaxRefTime": max_normal.ref_time(),
		"normalMaxLength": max_len,
		"avgWeightFullness": weight_fullness,
		"avgLengthFullness": length_fullness,
		"perBlock": d.per_block.iter().map(|b| json!({"block": b.0, "ours": b.1, "extrinsics": b.2, "normalRefTime": b.3, "length": b.4})).collect::<Vec<_>>(),
	});
	if cli.json {
		println!("{result}");
	} else {
		println!(
			"{:?}: {} included in {} blocks (#{}..#{}), {:.1} s: {:.0} tx/s, {:.0} per block; max {} per block \
			 ({:.0} tx/s; weight {} ps per tx incl. base, limit {} ps); achieved/max {:.2} \
			 ({:.2} over the {} saturated blocks); block fullness: weight {:.1} %, length {:.1} %",
			cli.scenario,
			d.included,
			d.blocks,
			d.first_block,
			d.last_block,
			secs,
			tps,
			per_block,
			max_per_block,
			max_tps,
			tx_weight.ref_time(),
			max_normal.ref_time(),
			per_block / max_per_block.max(1) as f64,
			saturated_per_block / max_per_block.max(1) as f64,
			saturated.len(),
			weight_fullness * 100.0,
			length_fullness * 100.0
		);
	}
	Ok(())
}
