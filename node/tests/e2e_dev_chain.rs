//! End-to-end: start the real `icn-node --dev`, talk to it over JSON-RPC like any client,
//! and check that it produces and finalizes blocks and executes a signed ICNT transfer.
//!
//! The binary is the one cargo built for this test run (`CARGO_BIN_EXE_icn-node`), in the
//! same profile and feature set as every other test.

use std::{
	net::TcpListener,
	path::PathBuf,
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use codec::{Compact, Decode, Encode};
use icn_runtime::{
	configs::TreasuryAccount,
	currency::{ICNT, TOTAL_SUPPLY},
	AccountId, Balance, BalancesCall, Hash, Runtime, RuntimeEvent,
};
use jsonrpsee::{
	core::client::{ClientT, Subscription, SubscriptionClientT},
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use pallet_icn_vesting::runtime_api::VestingInfo;
use serde_json::Value;
use sp_keyring::Sr25519Keyring;

/// The node under test; killed when dropped, so a failing test never leaks a node.
struct Node {
	child: Child,
	rpc_port: u16,
	p2p_port: u16,
	prometheus_port: u16,
	log: PathBuf,
	_dir: TempDir,
}

impl Drop for Node {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

/// A scratch directory removed on drop.
struct TempDir(PathBuf);
impl TempDir {
	fn new(tag: &str) -> Self {
		// Unique per call: tests run in parallel and several start a dev node.
		static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
		let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
		let dir = std::env::temp_dir().join(format!("icn-e2e-{tag}-{}-{n}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		std::fs::create_dir_all(&dir).expect("create temp dir");
		Self(dir)
	}
}
impl Drop for TempDir {
	fn drop(&mut self) {
		let _ = std::fs::remove_dir_all(&self.0);
	}
}

fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0")
		.expect("bind")
		.local_addr()
		.expect("addr")
		.port()
}

fn node_binary() -> PathBuf {
	let path = PathBuf::from(env!("CARGO_BIN_EXE_icn-node"));
	assert!(
		path.exists(),
		"icn-node binary missing at {}: build the workspace (scripts/test.sh) first",
		path.display()
	);
	path
}

impl Node {
	/// Starts `icn-node --dev` (temporary base path, the embedded default) on free ports.
	fn start_dev() -> Self {
		Self::start("dev", &[])
	}

	/// Starts `icn-node --dev <extra>` on free ports, logging to a scratch directory.
	fn start(tag: &str, extra: &[&str]) -> Self {
		Self::spawn(tag, &[&["--dev"], extra].concat())
	}

	/// Starts `icn-node <args>` on free ports, logging to a scratch directory.
	fn spawn(tag: &str, args: &[&str]) -> Self {
		let dir = TempDir::new(tag);
		let log = dir.0.join("node.log");
		let rpc_port = free_port();
		let prometheus_port = free_port();
		let p2p_port = free_port();
		let child = Command::new(node_binary())
			.args(["--no-telemetry", "--no-mdns"])
			.args(["--rpc-port", &rpc_port.to_string()])
			.args(["--port", &p2p_port.to_string()])
			.args(["--prometheus-port", &prometheus_port.to_string()])
			.args(args)
			.stdout(Stdio::null())
			.stderr(std::fs::File::create(&log).expect("log file"))
			.spawn()
			.expect("start icn-node");
		Node { child, rpc_port, p2p_port, prometheus_port, log, _dir: dir }
	}

	/// Stops the node with SIGTERM and waits until it has exited on its own.
	fn stop(&mut self) {
		let pid = self.child.id().to_string();
		Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
		let deadline = Instant::now() + Duration::from_secs(30);
		loop {
			if let Some(status) = self.child.try_wait().unwrap() {
				assert!(status.success() || status.code().is_none(), "node exit: {status}");
				return;
			}
			assert!(Instant::now() < deadline, "node did not stop on SIGTERM");
			std::thread::sleep(Duration::from_millis(200));
		}
	}

	/// The node's Prometheus metrics page.
	fn metrics(&self) -> String {
		use std::io::{Read, Write};
		let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.prometheus_port))
			.expect("connect to prometheus");
		stream.write_all(b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
		let mut page = String::new();
		stream.read_to_string(&mut page).unwrap();
		page
	}

	fn log_tail(&self) -> String {
		let log = std::fs::read_to_string(&self.log).unwrap_or_default();
		let lines: Vec<_> = log.lines().collect();
		lines[lines.len().saturating_sub(40)..].join("\n")
	}

	/// Connects over WebSocket, retrying while the node starts.
	async fn connect(&mut self) -> WsClient {
		let url = format!("ws://127.0.0.1:{}", self.rpc_port);
		let deadline = Instant::now() + Duration::from_secs(120);
		loop {
			if let Some(status) = self.child.try_wait().expect("poll node") {
				panic!("icn-node exited early ({status}):\n{}", self.log_tail());
			}
			if let Ok(client) = WsClientBuilder::default().build(&url).await {
				return client;
			}
			assert!(Instant::now() < deadline, "no RPC at {url}:\n{}", self.log_tail());
			tokio::time::sleep(Duration::from_millis(250)).await;
		}
	}
}

/// The key of a plain storage value: twox128(pallet) ++ twox128(item).
fn storage_value_key(pallet: &[u8], item: &[u8]) -> Vec<u8> {
	[sp_io::hashing::twox_128(pallet), sp_io::hashing::twox_128(item)].concat()
}

fn hex(bytes: &[u8]) -> String {
	format!("0x{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

fn unhex(s: &str) -> Vec<u8> {
	let s = s.trim_start_matches("0x");
	(0..s.len())
		.step_by(2)
		.map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
		.collect()
}

async fn storage<T: Decode>(client: &WsClient, key: Vec<u8>, at: Hash) -> Option<T> {
	let value: Option<String> = client
		.request("state_getStorage", rpc_params![hex(&key), at])
		.await
		.expect("state_getStorage");
	value.map(|v| T::decode(&mut &unhex(&v)[..]).expect("decode storage"))
}

async fn free_balance(client: &WsClient, who: &AccountId, at: Hash) -> Balance {
	let key = frame_system::Account::<Runtime>::hashed_key_for(who);
	storage::<frame_system::AccountInfo<u32, pallet_balances::AccountData<Balance>>>(
		client, key, at,
	)
	.await
	.map(|info| info.data.free)
	.unwrap_or(0)
}

async fn finalized_number(client: &WsClient) -> (u32, Hash) {
	let head: Hash = client.request("chain_getFinalizedHead", rpc_params![]).await.expect("head");
	let header: Value = client.request("chain_getHeader", rpc_params![head]).await.expect("header");
	let number = header["number"].as_str().expect("number");
	(u32::from_str_radix(number.trim_start_matches("0x"), 16).expect("number hex"), head)
}

/// Submits a signed extrinsic and waits until it is in a finalized block; returns that block.
async fn submit_finalized(client: &WsClient, node: &Node, xt_hex: &str) -> Hash {
	let mut sub: Subscription<Value> = client
		.subscribe("author_submitAndWatchExtrinsic", rpc_params![xt_hex], "author_unwatchExtrinsic")
		.await
		.expect("submit the extrinsic");
	let deadline = Instant::now() + Duration::from_secs(120);
	loop {
		let status = tokio::time::timeout_at(deadline.into(), sub.next())
			.await
			.unwrap_or_else(|_| panic!("extrinsic not finalized in time:\n{}", node.log_tail()))
			.expect("subscription open")
			.expect("status");
		if let Some(hash) = status.get("finalized") {
			return serde_json::from_value(hash.clone()).unwrap();
		}
		assert!(
			!["invalid", "dropped", "usurped"]
				.iter()
				.any(|s| status == *s || status.get(*s).is_some()),
			"extrinsic rejected: {status}"
		);
	}
}

/// The events of the extrinsic `xt_hex` in `block`.
async fn events_of(client: &WsClient, block: Hash, xt_hex: &str) -> Vec<RuntimeEvent> {
	let signed_block: Value = client.request("chain_getBlock", rpc_params![block]).await.unwrap();
	let index = signed_block["block"]["extrinsics"]
		.as_array()
		.unwrap()
		.iter()
		.position(|x| x.as_str() == Some(xt_hex))
		.expect("extrinsic in the block") as u32;
	let events: Vec<frame_system::EventRecord<RuntimeEvent, Hash>> =
		storage(client, storage_value_key(b"System", b"Events"), block)
			.await
			.expect("events");
	events
		.into_iter()
		.filter(|e| e.phase == frame_system::Phase::ApplyExtrinsic(index))
		.map(|e| e.event)
		.collect()
}

/// Scans blocks from number `from` on (waiting up to `secs` for new ones) for an event that
/// `pick` accepts; returns the block's number and hash with what `pick` returned.
async fn find_event<T>(
	client: &WsClient,
	node: &Node,
	from: u32,
	secs: u64,
	what: &str,
	pick: impl Fn(&RuntimeEvent) -> Option<T>,
) -> (u32, Hash, T) {
	let deadline = Instant::now() + Duration::from_secs(secs);
	let mut n = from;
	loop {
		let hash: Option<Hash> =
			client.request("chain_getBlockHash", rpc_params![n]).await.expect("block hash");
		if let Some(hash) = hash {
			let events: Vec<frame_system::EventRecord<RuntimeEvent, Hash>> =
				storage(client, storage_value_key(b"System", b"Events"), hash)
					.await
					.unwrap_or_default();
			if let Some(found) = events.iter().find_map(|r| pick(&r.event)) {
				return (n, hash, found);
			}
			n += 1;
			continue;
		}
		assert!(Instant::now() < deadline, "no {what} up to block {n}:\n{}", node.log_tail());
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

/// Alice's vesting, read through the runtime API with `state_call` at `block`.
async fn vesting_info(client: &WsClient, who: &AccountId, block: Hash) -> VestingInfo<u32> {
	let bytes: String = client
		.request("state_call", rpc_params!["VestingApi_vesting_info", hex(&who.encode()), block])
		.await
		.expect("state_call VestingApi_vesting_info");
	VestingInfo::decode(&mut &unhex(&bytes)[..]).expect("decode VestingInfo")
}

#[tokio::test(flavor = "multi_thread")]
async fn dev_chain_finalizes_and_executes_a_signed_transfer() {
	let mut node = Node::start_dev();
	let client = node.connect().await;

	// Wallets read the token from the chain properties.
	let properties: Value = client.request("system_properties", rpc_params![]).await.unwrap();
	assert_eq!(properties["tokenSymbol"], "ICNT", "{properties}");
	assert_eq!(properties["tokenDecimals"], 18, "{properties}");
	// ICN's own address format (SS58 prefix 122, `ic…`): the node decodes it, and the generic
	// format (42, `5…`) of the same account too.
	assert_eq!(properties["ss58Format"], 122, "{properties}");
	{
		use sp_core::crypto::{Ss58AddressFormat, Ss58Codec};
		let alice = Sr25519Keyring::Alice.to_account_id();
		let icn = alice.to_ss58check_with_version(Ss58AddressFormat::custom(122));
		assert_eq!(icn, "icxazKdrzaE8Ysg8yZXr1zg8e9GgBgPfjooWM4y1chTC8WmZ8");
		let generic = alice.to_ss58check_with_version(Ss58AddressFormat::custom(42));
		for address in [icn, generic] {
			let _nonce: u64 = client
				.request("system_accountNextIndex", rpc_params![address.clone()])
				.await
				.unwrap_or_else(|e| panic!("the node refuses {address}: {e}"));
		}
	}

	// Blocks are produced and finalized: wait for a finalized block >= #3.
	let deadline = Instant::now() + Duration::from_secs(180);
	let (mut number, mut finalized) = finalized_number(&client).await;
	while number < 3 {
		assert!(
			Instant::now() < deadline,
			"no finalized block #3 (at #{number}):\n{}",
			node.log_tail()
		);
		tokio::time::sleep(Duration::from_secs(1)).await;
		(number, finalized) = finalized_number(&client).await;
	}

	// The fixed supply, read from chain state.
	let issuance: Balance =
		storage(&client, storage_value_key(b"Balances", b"TotalIssuance"), finalized)
			.await
			.expect("total issuance");
	assert_eq!(issuance, TOTAL_SUPPLY);

	let alice = Sr25519Keyring::Alice.to_account_id();
	let dave = Sr25519Keyring::Dave.to_account_id();
	let treasury = TreasuryAccount::get();
	let alice_before = free_balance(&client, &alice, finalized).await;
	let dave_before = free_balance(&client, &dave, finalized).await;
	let treasury_before = free_balance(&client, &treasury, finalized).await;
	assert!(alice_before > 0 && dave_before > 0 && treasury_before > 0);

	// A signed transfer from Alice, built from the runtime's own types and signed with her key.
	let genesis: Hash = client.request("chain_getBlockHash", rpc_params![0]).await.unwrap();
	let nonce: u32 = client
		.request("system_accountNextIndex", rpc_params![alice.to_string()])
		.await
		.unwrap();
	let amount: Balance = 12_345 * ICNT;
	let call = BalancesCall::transfer_keep_alive { dest: dave.clone().into(), value: amount };
	let xt = icn_runtime::signing::sign(call.into(), &Sr25519Keyring::Alice.pair(), nonce, genesis);
	let xt_hex = hex(&xt.encode());

	let block = submit_finalized(&client, &node, &xt_hex).await;
	let ours = events_of(&client, block, &xt_hex).await;
	assert!(
		ours.contains(&RuntimeEvent::Balances(pallet_balances::Event::Transfer {
			from: alice.clone(),
			to: dave.clone(),
			amount,
		})),
		"no Transfer event: {ours:?}"
	);
	assert!(
		ours.iter().any(|e| matches!(
			e,
			RuntimeEvent::System(frame_system::Event::ExtrinsicSuccess { .. })
		)),
		"no ExtrinsicSuccess: {ours:?}"
	);
	let fee = ours
		.iter()
		.find_map(|e| match e {
			RuntimeEvent::TransactionPayment(
				pallet_transaction_payment::Event::TransactionFeePaid { who, actual_fee, tip },
			) if *who == alice => Some(actual_fee + tip),
			_ => None,
		})
		.expect("TransactionFeePaid event");
	assert!(fee > 0);

	// Balances moved exactly: the amount to Dave, the fee from Alice to the treasury.
	assert_eq!(free_balance(&client, &dave, block).await, dave_before + amount);
	assert_eq!(free_balance(&client, &alice, block).await, alice_before - amount - fee);
	assert_eq!(free_balance(&client, &treasury, block).await, treasury_before + fee);
	let issuance: Balance =
		storage(&client, storage_value_key(b"Balances", b"TotalIssuance"), block)
			.await
			.unwrap();
	assert_eq!(issuance, TOTAL_SUPPLY, "fees are never burned or minted");

	// Vesting: Alice's DevCo allocation through the runtime API; `vest` releases what is due.
	let before = vesting_info(&client, &alice, block).await;
	assert_eq!(before.total, 37_800_000 * ICNT, "{before:?}");
	assert_eq!(before.locked, before.total - before.released);
	assert!(before.released >= 18_900_000 * ICNT, "the TGE half is released: {before:?}");
	let call = icn_runtime::RuntimeCall::Vesting(pallet_icn_vesting::Call::vest {});
	let xt = icn_runtime::signing::sign(call, &Sr25519Keyring::Alice.pair(), nonce + 1, genesis);
	let xt_hex = hex(&xt.encode());
	let vest_block = submit_finalized(&client, &node, &xt_hex).await;
	let vested = events_of(&client, vest_block, &xt_hex)
		.await
		.into_iter()
		.find_map(|e| match e {
			RuntimeEvent::Vesting(pallet_icn_vesting::Event::Vested { who, amount })
				if who == alice =>
			{
				Some(amount)
			},
			_ => None,
		})
		.expect("Vested event");
	assert!(vested > 0);
	let after = vesting_info(&client, &alice, vest_block).await;
	assert_eq!(after.released, before.released + vested, "{after:?}");
	assert_eq!(after.locked, before.locked - vested);
	// The same through the `icn_vestingInfo` RPC method (balances as decimal strings).
	let rpc: Value = client
		.request("icn_vestingInfo", rpc_params![alice.to_string(), vest_block])
		.await
		.expect("icn_vestingInfo");
	assert_eq!(rpc["released"], after.released.to_string(), "{rpc}");
	assert_eq!(rpc["locked"], after.locked.to_string(), "{rpc}");
	assert_eq!(rpc["schedules"][0]["bucket"], "DevCo", "{rpc}");
	let pool: Value = client
		.request("icn_bucketInfo", rpc_params!["NetworkRewards", vest_block])
		.await
		.expect("icn_bucketInfo");
	assert_eq!(pool["amount"], (140_000_000 * ICNT).to_string(), "{pool}");

	// `export-genesis-state` prints the header of the very genesis block the node runs.
	let out = Command::new(node_binary())
		.args(["export-genesis-state", "--chain", "dev"])
		.output()
		.expect("export-genesis-state");
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	let header = unhex(String::from_utf8(out.stdout).unwrap().trim());
	assert_eq!(Hash::from(sp_io::hashing::blake2_256(&header)), genesis);

	// Prometheus metrics are served; the database is ParityDB in a temporary base path.
	let metrics = node.metrics();
	assert!(metrics.contains("substrate_block_height"), "no block height metric:\n{metrics}");
	let log = std::fs::read_to_string(&node.log).unwrap();
	assert!(log.contains("Database: ParityDb at /tmp/"), "not ParityDB in a temp dir:\n{log}");

	drop(client);
	// Graceful shutdown: SIGTERM, then the node must exit on its own.
	node.stop();
}

/// The audit-object commitment `scripts/audit-object.py` prints for a generated object.
fn audit_object(dir: &std::path::Path) -> pallet_icn_providers::AuditObject {
	let script = std::env::current_dir()
		.expect("cargo test runs in the package directory")
		.join("../scripts/audit-object.py");
	let out = Command::new("python3")
		.arg(script)
		.args(["generate", dir.join("audit/object.bin").to_str().unwrap()])
		.args(["--size", "40000", "--seed", "e2e", "--path", "audit/object.bin"])
		.output()
		.expect("run scripts/audit-object.py");
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	let json: Value = serde_json::from_slice(&out.stdout).expect("commitment JSON");
	let root = unhex(json["root"].as_str().unwrap());
	// The root is the blake2-256 of the .hashes object next to the data.
	let hashes = std::fs::read(dir.join("audit/object.bin.hashes")).unwrap();
	assert_eq!(root, sp_io::hashing::blake2_256(&hashes).to_vec());
	assert_eq!(hashes.len(), 32 * 10, "40,000 bytes are 10 chunks");
	pallet_icn_providers::AuditObject {
		path: json["path"].as_str().unwrap().as_bytes().to_vec().try_into().unwrap(),
		size: json["size"].as_u64().unwrap(),
		chunk_size: json["chunkSize"].as_u64().unwrap() as u32,
		root: root.try_into().unwrap(),
	}
}

/// A provider registers a node on the dev chain the way docs/hardware-provider.md says: an
/// audit object made by `scripts/audit-object.py`, ICNT plus an ICN Link as collateral. The
/// node is Active through the runtime API, and the locked Link cannot be transferred. Then,
/// with @polkadot/api (clients/js/examples/), Bob reads and releases his vesting and a
/// builder books the node, is settled and cancels.
#[tokio::test(flavor = "multi_thread")]
async fn a_provider_registers_a_node_and_a_builder_books_it() {
	use pallet_icn_providers::{runtime_api::NodeInfo, NodeStatus};
	let dir = TempDir::new("provider");
	let audit = audit_object(&dir.0);
	// The dev chain's HyperNode probes the node every era: serve its audit object for real,
	// or it fails its eras (and the builder below would be refunded instead of paying).
	let server = StorageServer::start(&dir.0);
	let mut node = Node::start_dev();
	let client = node.connect().await;
	let genesis: Hash = client.request("chain_getBlockHash", rpc_params![0]).await.unwrap();
	let bob = Sr25519Keyring::Bob;
	let nonce: u32 = client
		.request("system_accountNextIndex", rpc_params![bob.to_account_id().to_string()])
		.await
		.unwrap();

	// 15 units in FRA-1 need 15,000 ICNT: 5,000 ICNT and Bob's Link 2 (10,000 ICNT).
	let spec = pallet_icn_providers::NodeSpec::new(0, 15)
		.with_endpoint(&format!("http://127.0.0.1:{}", server.port))
		.with_audit(audit.clone())
		.with_price(ICNT / 2);
	let call = icn_runtime::RuntimeCall::Providers(pallet_icn_providers::Call::register_node {
		spec,
		collateral: 5_000 * ICNT,
		links: vec![2].try_into().unwrap(),
	});
	let xt_hex = hex(&icn_runtime::signing::sign(call, &bob.pair(), nonce, genesis).encode());
	let block = submit_finalized(&client, &node, &xt_hex).await;
	let events = events_of(&client, block, &xt_hex).await;
	assert!(
		events.contains(&RuntimeEvent::Providers(pallet_icn_providers::Event::NodeRegistered {
			node: 0,
			provider: bob.to_account_id(),
			cluster: 0,
			capacity: 15,
		})),
		"{events:?}"
	);

	let bytes: String = client
		.request("state_call", rpc_params!["ProvidersApi_node", hex(&0u64.encode()), block])
		.await
		.expect("state_call ProvidersApi_node");
	let info = Option::<NodeInfo<AccountId, u32>>::decode(&mut &unhex(&bytes)[..])
		.unwrap()
		.expect("node 0");
	assert_eq!(info.status, NodeStatus::Active, "{info:?}");
	assert_eq!(
		(info.required_collateral, info.backing, info.collateral),
		(15_000 * ICNT, 15_000 * ICNT, 5_000 * ICNT)
	);
	assert_eq!(info.links, vec![2]);
	assert_eq!(info.audit, audit);
	assert!(info.bookable);

	// The Link backing the node cannot be transferred.
	let call = icn_runtime::RuntimeCall::Nfts(pallet_nfts::Call::transfer {
		collection: 0,
		item: 2,
		dest: Sr25519Keyring::Eve.to_account_id().into(),
	});
	let xt_hex = hex(&icn_runtime::signing::sign(call, &bob.pair(), nonce + 1, genesis).encode());
	let block = submit_finalized(&client, &node, &xt_hex).await;
	let events = events_of(&client, block, &xt_hex).await;
	assert!(
		// pallet-nfts (index 8) refuses it: the item is locked.
		events.iter().any(|e| matches!(
			e,
			RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
				dispatch_error: sp_runtime::DispatchError::Module(m),
				..
			}) if m.index == 8
		)),
		"a locked Link moved: {events:?}"
	);

	// Bob's vesting (Ecosystem development fund) read and released with @polkadot/api, as
	// docs/tokenomics.md shows. (Not Alice: her HyperNode signs reports with her account.)
	let lines = run_js_example(&node, "vesting.mjs", &["//Bob"]);
	let info = lines.iter().find(|l| l["what"] == "info").expect("info line");
	assert_eq!(info["total"], (70_000_000 * ICNT).to_string(), "{info}");
	assert_eq!(info["bucket"], "EcosystemDevelopmentFund", "{info}");
	let bucket = lines.iter().find(|l| l["what"] == "bucket").expect("bucket line");
	assert_eq!(bucket["amount"], (140_000_000 * ICNT).to_string(), "{bucket}");
	let vested = lines.iter().find(|l| l["what"] == "vested").expect("vested line");
	assert_ne!(vested["amount"], "0", "{vested}");

	// A builder (Dave) books 4 units of FRA-1 for one era with @polkadot/api, the way
	// docs/builder.md shows: quote, book, watch settlement, cancel.
	let lines = run_js_example(&node, "builder.mjs", &["0", "4", "1"]);
	let get = |what: &str| {
		lines
			.iter()
			.find(|l| l["what"] == what)
			.unwrap_or_else(|| panic!("no {what} in {lines:?}"))
			.clone()
	};
	// 4 units × 0.5 ICNT × 1 era, plus the 25 % margin.
	let share = 4 * (ICNT / 2);
	let margin = share / 4;
	assert_eq!(get("quote")["total"], (share + margin).to_string());
	assert_eq!(get("quote")["nodes"], 1);
	assert_eq!(get("booked")["escrow"], (share + margin).to_string());
	let settled = get("settled");
	assert_eq!(settled["eras"][0]["paid"], share.to_string(), "{settled}");
	assert_eq!(settled["eras"][0]["margin"], margin.to_string(), "{settled}");
	let cancelled = get("cancelled");
	assert_eq!(cancelled["refunded"], (share + margin).to_string(), "{cancelled}");
	assert_eq!(cancelled["live"], 1);
	assert_eq!(get("usage")["booked"], "0");
	drop(client);
	node.stop();
	drop(server);
}

/// Runs `clients/js/examples/<script>` with Node.js against `node`; returns the JSON lines
/// it printed. The script must exit successfully (it checks its own results too).
fn run_js_example(node: &Node, script: &str, args: &[&str]) -> Vec<Value> {
	let dir = std::env::current_dir()
		.expect("cargo test runs in the package directory")
		.join("../clients/js");
	assert!(
		dir.join("node_modules/@polkadot/api").exists(),
		"@polkadot/api is not installed in clients/js: run scripts/setup.sh"
	);
	let url = format!("ws://127.0.0.1:{}", node.rpc_port);
	let mut child = Command::new("node")
		.arg(dir.join("examples").join(script))
		.arg(&url)
		.args(args)
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.expect("run node (Node.js)");
	let deadline = Instant::now() + Duration::from_secs(300);
	while child.try_wait().expect("wait").is_none() {
		if Instant::now() > deadline {
			let _ = child.kill();
			panic!("{script} did not finish in time:\n{}", node.log_tail());
		}
		std::thread::sleep(Duration::from_millis(500));
	}
	let out = child.wait_with_output().expect("output");
	let stdout = String::from_utf8_lossy(&out.stdout);
	assert!(
		out.status.success(),
		"{script} failed:\n{stdout}\n{}",
		String::from_utf8_lossy(&out.stderr)
	);
	stdout.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn base_path_persists_the_chain_and_purge_chain_removes_it() {
	let base = TempDir::new("base-path");
	let base_path = base.0.to_str().unwrap().to_string();
	let mut node = Node::start("persist", &["--base-path", &base_path]);
	let client = node.connect().await;
	let deadline = Instant::now() + Duration::from_secs(180);
	let (mut number, _) = finalized_number(&client).await;
	while number < 2 {
		assert!(Instant::now() < deadline, "no finalized block #2:\n{}", node.log_tail());
		tokio::time::sleep(Duration::from_secs(1)).await;
		(number, _) = finalized_number(&client).await;
	}
	drop(client);
	node.stop();
	let db = base.0.join("chains/icn_dev/paritydb");
	assert!(db.exists(), "no ParityDB database at {}", db.display());

	// Restarted on the same base path, the node resumes from its database.
	let mut node = Node::start("persist-again", &["--base-path", &base_path]);
	let client = node.connect().await;
	let (resumed, _) = finalized_number(&client).await;
	assert!(resumed >= number, "restarted at finalized #{resumed}, had #{number}");
	drop(client);
	node.stop();

	// The database serves the block subcommands: export blocks 0..=2, import them into a
	// fresh base path, check a block there, and revert an unfinalized block here.
	let run = |args: &[&str]| {
		let out = Command::new(node_binary()).args(args).output().expect("run icn-node");
		assert!(
			out.status.success(),
			"icn-node {args:?}: {}",
			String::from_utf8_lossy(&out.stderr)
		);
		out
	};
	let blocks = base.0.join("blocks.bin");
	let blocks = blocks.to_str().unwrap();
	run(&[
		"export-blocks",
		"--chain",
		"dev",
		"--base-path",
		&base_path,
		"--from",
		"0",
		"--to",
		"2",
		"--binary",
		blocks,
	]);
	assert!(std::fs::metadata(blocks).unwrap().len() > 0, "export-blocks wrote nothing");
	let other = TempDir::new("import");
	let other_path = other.0.to_str().unwrap();
	let out =
		run(&["import-blocks", "--chain", "dev", "--base-path", other_path, "--binary", blocks]);
	let said = String::from_utf8_lossy(&out.stderr);
	assert!(said.contains("Best: #2"), "import-blocks did not reach #2: {said}");
	run(&["check-block", "--chain", "dev", "--base-path", other_path, "2"]);
	run(&["revert", "--chain", "dev", "--base-path", &base_path, "1"]);

	// purge-chain deletes it.
	let out = Command::new(node_binary())
		.args(["purge-chain", "--chain", "dev", "--base-path", &base_path, "-y"])
		.output()
		.expect("purge-chain");
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	assert!(!db.exists(), "purge-chain left {}", db.display());
}

/// The best block's number and hash.
async fn best_number(client: &WsClient) -> (u32, Hash) {
	let hash: Hash = client.request("chain_getBlockHash", rpc_params![]).await.expect("hash");
	let header: Value = client.request("chain_getHeader", rpc_params![hash]).await.expect("header");
	let number = header["number"].as_str().expect("number");
	(u32::from_str_radix(number.trim_start_matches("0x"), 16).expect("number hex"), hash)
}

/// `--sealing instant`: no transaction, no block; a transfer is in a block finalized at once;
/// `engine_createBlock` seals on request, so eras pass; every block has a slot of its own and a
/// timestamp a slot after its parent's (at least), as pallet-aura and pallet-timestamp demand
/// on a real chain. `--sealing <ms>`: blocks on a timer, finalized, and a fresh `--sealing`
/// node syncs them from it. Refused on a live chain and for a bad value.
#[tokio::test(flavor = "multi_thread")]
async fn sealing_on_demand_keeps_slots_timestamps_and_finality() {
	let mut node = Node::start("instant", &["--sealing", "instant"]);
	let client = node.connect().await;
	tokio::time::sleep(Duration::from_secs(3)).await;
	// No block without a transaction.
	assert_eq!(best_number(&client).await.0, 0, "blocks without a transaction");

	let alice = Sr25519Keyring::Alice.to_account_id();
	let genesis: Hash = client.request("chain_getBlockHash", rpc_params![0]).await.unwrap();
	let call = BalancesCall::transfer_keep_alive {
		dest: Sr25519Keyring::Dave.to_account_id().into(),
		value: ICNT,
	};
	let nonce: u32 = client
		.request("system_accountNextIndex", rpc_params![alice.to_string()])
		.await
		.unwrap();
	let xt = icn_runtime::signing::sign(call.into(), &Sr25519Keyring::Alice.pair(), nonce, genesis);
	let xt_hex = hex(&xt.encode());
	let started = Instant::now();
	let block = submit_finalized(&client, &node, &xt_hex).await;
	let in_block = started.elapsed();
	let events = events_of(&client, block, &xt_hex).await;
	assert!(
		events.iter().any(|e| matches!(
			e,
			RuntimeEvent::Balances(pallet_balances::Event::Transfer { from, .. }) if *from == alice
		)),
		"no transfer: {events:?}"
	);
	assert!(in_block < Duration::from_secs(6), "instant sealing took {in_block:?}");

	// Twelve blocks on request: an era (10 blocks on dev) passes.
	for _ in 0..12 {
		let created: Value = client
			.request("engine_createBlock", rpc_params![true, true, Value::Null])
			.await
			.unwrap_or_else(|e| panic!("engine_createBlock: {e}\n{}", node.log_tail()));
		assert!(created["hash"].is_string(), "{created}");
	}
	// (The dev HyperNode's off-chain worker may send a report meanwhile: a block more.)
	let (mut best, mut best_hash) = best_number(&client).await;
	for _ in 0..20 {
		if finalized_number(&client).await == (best, best_hash) {
			break;
		}
		tokio::time::sleep(Duration::from_millis(300)).await;
		(best, best_hash) = best_number(&client).await;
	}
	assert!(best >= 13, "one for the transfer, twelve on request: #{best}");
	assert_eq!(finalized_number(&client).await, (best, best_hash), "not finalized at once");
	let session: u32 = storage(&client, storage_value_key(b"Session", b"CurrentIndex"), best_hash)
		.await
		.unwrap();
	assert!(session >= 1, "no new session after {best} blocks");
	let mut previous: Option<(u64, u64)> = None;
	for n in 1..=best {
		let hash: Hash = client.request("chain_getBlockHash", rpc_params![n]).await.unwrap();
		let now: u64 =
			storage(&client, storage_value_key(b"Timestamp", b"Now"), hash).await.unwrap();
		let slot: u64 = storage(&client, storage_value_key(b"Aura", b"CurrentSlot"), hash)
			.await
			.unwrap();
		assert_eq!(slot, now / 6_000, "block #{n}: slot {slot} is not its timestamp's");
		if let Some((prev_now, prev_slot)) = previous {
			assert!(now >= prev_now + 6_000, "block #{n}: timestamp {now} after {prev_now}");
			assert!(slot > prev_slot, "block #{n}: slot {slot} after {prev_slot}");
		}
		previous = Some((now, slot));
	}
	drop(client);
	node.stop();

	// On a timer: 200 ms.
	let mut node = Node::start("interval", &["--sealing", "200"]);
	let client = node.connect().await;
	let deadline = Instant::now() + Duration::from_secs(60);
	while finalized_number(&client).await.0 < 20 {
		assert!(Instant::now() < deadline, "no 20 blocks at 200 ms:\n{}", node.log_tail());
		tokio::time::sleep(Duration::from_millis(250)).await;
	}
	// A fresh node syncs those blocks (no Aura seal on them: it imports with manual seal's
	// queue, as `--sealing` gives it; its own interval never comes in this test).
	let peer: String = client.request("system_localPeerId", rpc_params![]).await.unwrap();
	let bootnode = format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer}", node.p2p_port);
	let mut syncing = Node::spawn(
		"interval-sync",
		&["--chain", "dev", "--tmp", "--sealing", "86400000", "--bootnodes", &bootnode],
	);
	let sync_client = syncing.connect().await;
	let (target, target_hash) = finalized_number(&client).await;
	let deadline = Instant::now() + Duration::from_secs(60);
	while best_number(&sync_client).await.0 < target {
		assert!(Instant::now() < deadline, "not synced to #{target}:\n{}", syncing.log_tail());
		tokio::time::sleep(Duration::from_millis(250)).await;
	}
	let synced: Hash =
		sync_client.request("chain_getBlockHash", rpc_params![target]).await.unwrap();
	assert_eq!(synced, target_hash, "the synced chain is another one");
	drop(sync_client);
	syncing.stop();
	drop(client);
	node.stop();

	// Refused on a live chain, and for a bad value.
	let out = Command::new(node_binary())
		.args(["--chain", "staging-preset", "--tmp", "--sealing", "instant", "--no-telemetry"])
		.args(["--rpc-port", &free_port().to_string(), "--port", &free_port().to_string()])
		.args(["--no-prometheus"])
		.output()
		.unwrap();
	assert!(!out.status.success());
	let err = String::from_utf8_lossy(&out.stderr);
	assert!(err.contains("--sealing is for development chains"), "{err}");
	let out = Command::new(node_binary()).args(["--dev", "--sealing", "0"]).output().unwrap();
	assert!(!out.status.success());
	let err = String::from_utf8_lossy(&out.stderr);
	assert!(err.contains("the interval must be at least 1 ms"), "{err}");
}

/// `key` prints ICN addresses (`ic…`), and `benchmark machine` (the validators' hardware check,
/// in every build: node/src/machine.rs) measures and judges this machine; a bad argument is an
/// error.
#[test]
fn key_output_uses_icn_addresses_and_the_machine_benchmark_runs() {
	let out = Command::new(node_binary())
		.args(["key", "inspect", "//Alice"])
		.output()
		.unwrap();
	let text = String::from_utf8_lossy(&out.stdout);
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	assert!(text.contains("icxazKdrzaE8Ysg8yZXr1zg8e9GgBgPfjooWM4y1chTC8WmZ8"), "{text}");

	let dir = TempDir::new("machine");
	let base_path = dir.0.to_str().unwrap();
	let short = ["--verify-duration", "0.2", "--hash-duration", "0.2", "--memory-duration", "0.2"];
	let out = Command::new(node_binary())
		.args(["benchmark", "machine", "--dev", "--base-path", base_path, "--allow-fail"])
		.args(short)
		.args(["--disk-duration", "0.2"])
		.output()
		.unwrap();
	let text = String::from_utf8_lossy(&out.stdout);
	assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
	for metric in ["BLAKE2-256", "SR25519-Verify", "Copy", "Seq Write", "Rnd Write"] {
		assert!(text.contains(metric), "no {metric} row:\n{text}");
	}
	assert!(text.contains("From 6 benchmarks in total"), "{text}");
	let out = Command::new(node_binary())
		.args(["benchmark", "machine", "--dev", "--base-path", base_path, "--tolerance", "101"])
		.output()
		.unwrap();
	assert!(!out.status.success(), "--tolerance 101 accepted");
	let err = String::from_utf8_lossy(&out.stderr);
	assert!(err.contains("--tolerance must be between 0 and 100"), "{err}");
}

/// There is no default chain: a command that opens one without `--chain` (or `--dev`) fails
/// with a message instead of starting a local test network.
#[test]
fn no_chain_given_is_an_error_not_a_local_network() {
	let out = Command::new(node_binary()).args(["build-spec"]).output().unwrap();
	assert!(!out.status.success(), "build-spec without --chain succeeded");
	let err = String::from_utf8_lossy(&out.stderr);
	assert!(err.contains("no chain given: pass --chain"), "{err}");
}

#[test]
fn a_malformed_icnt_genesis_fails_to_build_with_a_message() {
	let dir = TempDir::new("bad-genesis");
	let out = Command::new(node_binary())
		.args(["build-spec", "--chain", "dev"])
		.output()
		.unwrap();
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	// Give Alice one planck more in the Network expansion fund than the bucket holds.
	// (Edited as text: the amounts exceed 2^64 and must stay exact JSON integers.)
	let spec = String::from_utf8(out.stdout).unwrap();
	let endowment = icn_runtime::genesis_config_presets::DEV_ENDOWMENT.to_string();
	// The first occurrence standing alone as a JSON number: the same digits can also occur
	// inside the runtime's hex-encoded code, which must stay intact.
	let at = spec
		.match_indices(&endowment)
		.map(|(at, _)| at)
		.find(|&at| {
			let alone = |b: Option<&u8>| !b.is_some_and(|b| b.is_ascii_alphanumeric());
			alone(at.checked_sub(1).and_then(|i| spec.as_bytes().get(i)))
				&& alone(spec.as_bytes().get(at + endowment.len()))
		})
		.expect("a dev endowment in the dev spec");
	let spec = format!(
		"{}{}{}",
		&spec[..at],
		icn_runtime::genesis_config_presets::DEV_ENDOWMENT + 1,
		&spec[at + endowment.len()..]
	);
	let path = dir.0.join("bad.json");
	std::fs::write(&path, spec).unwrap();

	let out = Command::new(node_binary())
		.args(["build-spec", "--raw", "--chain", path.to_str().unwrap()])
		.output()
		.unwrap();
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(!out.status.success(), "a genesis with 700M + 1 planck built");
	assert!(stderr.contains("invalid ICNT genesis"), "{stderr}");
	assert!(stderr.contains("NetworkExpansionFund: beneficiaries sum to"), "{stderr}");
}

/// `python3 scripts/audit-object.py serve` on a free loopback port: a real static HTTP
/// storage server with Range support and switchable fault modes; killed when dropped.
struct StorageServer {
	child: Child,
	port: u16,
}

impl StorageServer {
	fn start(dir: &std::path::Path) -> Self {
		use std::io::BufRead;
		let script = std::env::current_dir()
			.expect("cargo test runs in the package directory")
			.join("../scripts/audit-object.py");
		let mut child = Command::new("python3")
			.arg(script)
			.args(["serve", dir.to_str().unwrap(), "--port", "0", "--bind", "127.0.0.1", "--quiet"])
			.stdout(Stdio::piped())
			.stderr(Stdio::null())
			.spawn()
			.expect("start the storage server");
		let mut line = String::new();
		std::io::BufReader::new(child.stdout.take().unwrap())
			.read_line(&mut line)
			.expect("server banner");
		let port = line
			.trim()
			.rsplit(':')
			.next()
			.and_then(|p| p.parse().ok())
			.unwrap_or_else(|| panic!("banner: {line}"));
		Self { child, port }
	}

	/// Switches the fault mode (`none`, `500`, `slow`, `corrupt`).
	fn set_mode(&self, mode: &str) {
		use std::io::{Read, Write};
		let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port))
			.expect("connect to the storage server");
		write!(s, "POST /__mode/{mode} HTTP/1.0\r\nContent-Length: 0\r\n\r\n").unwrap();
		let mut answer = String::new();
		let _ = s.read_to_string(&mut answer);
		assert!(
			answer.starts_with("HTTP/1.0 204") || answer.starts_with("HTTP/1.1 204"),
			"{answer}"
		);
	}
}

impl Drop for StorageServer {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

/// `icn_nodeSla(node)`.
async fn node_sla(client: &WsClient, node: u64) -> Value {
	client.request("icn_nodeSla", rpc_params![node]).await.expect("icn_nodeSla")
}

/// Waits (up to `secs`) until `check` holds for the node's SLA; returns it.
async fn wait_sla(
	client: &WsClient,
	node: &Node,
	secs: u64,
	what: &str,
	check: impl Fn(&Value) -> bool,
) -> Value {
	let deadline = Instant::now() + Duration::from_secs(secs);
	loop {
		let sla = node_sla(client, 0).await;
		if check(&sla) {
			return sla;
		}
		assert!(Instant::now() < deadline, "{what} did not happen: {sla}\n{}", node.log_tail());
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
}

/// The SLA oracle end to end, for real: the dev chain's HyperNode (Alice, her `icno` key
/// inserted by `--dev`) probes a provider node served by a real HTTP server on loopback;
/// its reports land every era, the node's score rises and it is rewarded out of the pool
/// (never minted). Then the server serves corrupted
/// chunks: the node fails its eras, a slash is computed, applied one era later, and the
/// provider's held ICNT moves to the treasury — all read over JSON-RPC. Then try-runtime on that
/// live state ([`try_runtime_on_live_state`]).
#[tokio::test(flavor = "multi_thread")]
async fn a_hypernode_probes_real_storage_and_a_broken_node_is_slashed() {
	let dir = TempDir::new("sla");
	let audit = audit_object(&dir.0);
	let server = StorageServer::start(&dir.0);
	// A base path that outlives the node: try-runtime restarts it on this state.
	let base = TempDir::new("sla-base");
	let base_path = base.0.to_string_lossy().to_string();
	let mut node = Node::start("dev", &["--base-path", &base_path]);
	let client = node.connect().await;
	let genesis: Hash = client.request("chain_getBlockHash", rpc_params![0]).await.unwrap();
	let (alice, bob) = (Sr25519Keyring::Alice, Sr25519Keyring::Bob);
	let nonce = |who: Sr25519Keyring| {
		let client = &client;
		async move {
			let n: u32 = client
				.request("system_accountNextIndex", rpc_params![who.to_account_id().to_string()])
				.await
				.unwrap();
			n
		}
	};

	// No repair window on this test chain: the first failed era is slashed (root).
	let params = pallet_icn_sla::SlaParams { grace_eras: 0, ..Default::default() };
	let call = icn_runtime::RuntimeCall::Sudo(pallet_sudo::Call::sudo {
		call: Box::new(icn_runtime::RuntimeCall::Sla(pallet_icn_sla::Call::set_params { params })),
	});
	let xt =
		hex(&icn_runtime::signing::sign(call, &alice.pair(), nonce(alice).await, genesis).encode());
	submit_finalized(&client, &node, &xt).await;

	// Bob's node serves the audit object from the real server.
	let spec = pallet_icn_providers::NodeSpec::new(0, 15)
		.with_endpoint(&format!("http://127.0.0.1:{}", server.port))
		.with_audit(audit)
		.with_price(ICNT / 2);
	let call = icn_runtime::RuntimeCall::Providers(pallet_icn_providers::Call::register_node {
		spec,
		collateral: 15_000 * ICNT,
		links: Default::default(),
	});
	let xt =
		hex(&icn_runtime::signing::sign(call, &bob.pair(), nonce(bob).await, genesis).encode());
	let registered = submit_finalized(&client, &node, &xt).await;
	let header: Value = client.request("chain_getHeader", rpc_params![registered]).await.unwrap();
	let registered_at =
		u32::from_str_radix(header["number"].as_str().unwrap().trim_start_matches("0x"), 16)
			.unwrap();

	// Alice's worker probes it and reports; the era passes and the score counts it.
	let assigned: Value = client
		.request("icn_assignments", rpc_params![alice.to_account_id().to_string()])
		.await
		.unwrap();
	assert!(assigned["era"].is_u64(), "{assigned}");
	let sla =
		wait_sla(&client, &node, 300, "a passed era", |s| s["passed"].as_u64() >= Some(1)).await;
	assert_eq!(sla["scorePpb"], 1_000_000_000, "{sla}");
	let log = std::fs::read_to_string(&node.log).unwrap();
	assert!(log.contains("icn-sla") || log.contains("probed"), "no worker log line");

	// The passed era is rewarded out of the Network-rewards pool: the node's capacity reward
	// within the era's budget, the pool paying exactly what the era's close reports, no ICNT
	// minted.
	use pallet_icn_sla::Event as Sla;
	let (_, _, (era, reward)) =
		find_event(&client, &node, registered_at, 120, "node reward", |e| match e {
			RuntimeEvent::Sla(Sla::NodeRewarded { era, node: 0, amount }) => Some((*era, *amount)),
			_ => None,
		})
		.await;
	let (budget_at, _, nodes_budget) =
		find_event(&client, &node, registered_at, 10, "era budget", |e| match e {
			RuntimeEvent::Sla(Sla::EraBudget { era: e, nodes, .. }) if *e == era => Some(*nodes),
			_ => None,
		})
		.await;
	let (_, paid_in, (paid, unspent)) =
		find_event(&client, &node, budget_at, 60, "era rewards paid", |e| match e {
			RuntimeEvent::Sla(Sla::EraRewardsPaid { era: e, paid, unspent }) if *e == era => {
				Some((*paid, *unspent))
			},
			_ => None,
		})
		.await;
	assert!(reward > 0 && reward <= nodes_budget, "reward {reward} of {nodes_budget}");
	assert!(paid >= reward, "{paid} < {reward}");
	let pool = pallet_icn_vesting::Pallet::<Runtime>::pool_account(
		pallet_icn_vesting::Bucket::NetworkRewards,
	);
	let before: Hash =
		client.request("chain_getBlockHash", rpc_params![budget_at - 1]).await.unwrap();
	assert_eq!(
		free_balance(&client, &pool, before).await - free_balance(&client, &pool, paid_in).await,
		paid
	);
	let issuance: Balance =
		storage(&client, storage_value_key(b"Balances", b"TotalIssuance"), paid_in)
			.await
			.unwrap();
	let burned: Balance = storage(&client, storage_value_key(b"Vesting", b"Burned"), paid_in)
		.await
		.unwrap_or(0);
	assert_eq!(issuance + burned, TOTAL_SUPPLY, "rewards minted ICNT (unspent {unspent})");

	// The storage now corrupts every chunk it serves: the audit fails.
	let treasury = TreasuryAccount::get();
	let best: Hash = client.request("chain_getBlockHash", rpc_params![]).await.unwrap();
	let treasury_before = free_balance(&client, &treasury, best).await;
	server.set_mode("corrupt");
	let sla = wait_sla(&client, &node, 300, "a failed era", |s| {
		s["consecutiveFailures"].as_u64() >= Some(1)
	})
	.await;
	assert!(sla["scorePpb"].as_u64().unwrap() < 1_000_000_000, "{sla}");
	let failed_era = sla["lastEra"].as_u64().unwrap();

	// The 1 % slash (150 ICNT of the 15,000 required) is applied one era later, from Bob's
	// held collateral to the treasury.
	let deadline = Instant::now() + Duration::from_secs(300);
	loop {
		let bytes: String = client
			.request("state_call", rpc_params!["ProvidersApi_node", hex(&0u64.encode())])
			.await
			.unwrap();
		let info = Option::<pallet_icn_providers::runtime_api::NodeInfo<AccountId, u32>>::decode(
			&mut &unhex(&bytes)[..],
		)
		.unwrap()
		.unwrap();
		if info.collateral < 15_000 * ICNT {
			assert_eq!(info.collateral, 15_000 * ICNT - 150 * ICNT, "{info:?}");
			assert_eq!(info.status, pallet_icn_providers::NodeStatus::UnderCollateralized);
			break;
		}
		assert!(
			Instant::now() < deadline,
			"no slash applied after era {failed_era}:\n{}",
			node.log_tail()
		);
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
	// The held ICNT went to the treasury (reports pay no fee: nothing else moved it).
	let best: Hash = client.request("chain_getBlockHash", rpc_params![]).await.unwrap();
	assert_eq!(free_balance(&client, &treasury, best).await, treasury_before + 150 * ICNT);
	let pending: Value = client.request("icn_pendingSlashes", rpc_params![]).await.unwrap();
	assert!(pending.is_array(), "{pending}");

	// For the try-runtime check below, a booking with escrow in the state too: Bob tops his
	// collateral up again; the storage serves correct chunks again and Ferdie registers a second
	// node on it (Bob's is still marked failing, so unbookable), which Charlie books for 50 eras.
	let call = icn_runtime::RuntimeCall::Providers(pallet_icn_providers::Call::add_collateral {
		node: 0,
		amount: 150 * ICNT,
		links: Default::default(),
	});
	let xt =
		hex(&icn_runtime::signing::sign(call, &bob.pair(), nonce(bob).await, genesis).encode());
	submit_finalized(&client, &node, &xt).await;
	server.set_mode("none");
	let ferdie = Sr25519Keyring::Ferdie;
	let spec = pallet_icn_providers::NodeSpec::new(0, 15)
		.with_endpoint(&format!("http://127.0.0.1:{}", server.port))
		.with_audit(audit_object(&dir.0))
		.with_price(ICNT / 2);
	let call = icn_runtime::RuntimeCall::Providers(pallet_icn_providers::Call::register_node {
		spec,
		collateral: 15_000 * ICNT,
		links: Default::default(),
	});
	let xt =
		hex(&icn_runtime::signing::sign(call, &ferdie.pair(), nonce(ferdie).await, genesis)
			.encode());
	submit_finalized(&client, &node, &xt).await;
	let charlie = Sr25519Keyring::Charlie;
	let call = icn_runtime::RuntimeCall::Marketplace(pallet_icn_marketplace::Call::book {
		cluster: 0,
		units: 4,
		eras: 50,
		max_total: 10_000 * ICNT,
	});
	let xt =
		hex(&icn_runtime::signing::sign(call, &charlie.pair(), nonce(charlie).await, genesis)
			.encode());
	let booked = submit_finalized(&client, &node, &xt).await;
	let events = events_of(&client, booked, &xt).await;
	assert!(
		events.iter().any(|e| matches!(
			e,
			RuntimeEvent::Marketplace(pallet_icn_marketplace::Event::Booked { .. })
		)),
		"no booking: {events:?}"
	);
	drop(client);
	node.stop();
	drop(server);

	try_runtime_on_live_state(&base_path, genesis).await;
}

/// `TryRuntime_on_runtime_upgrade(UpgradeCheckSelect::All)` (`None, All, PreAndPost, TryState`:
/// `All` is 1): migrations with pre/post checks, every value decoded, every `try_state`.
async fn try_runtime_upgrade(client: &WsClient) -> Result<String, jsonrpsee::core::client::Error> {
	client
		.request("state_call", rpc_params!["TryRuntime_on_runtime_upgrade", "0x01"])
		.await
}

/// The try-runtime build of this runtime (`scripts/build-runtime.sh --try-runtime`; the test
/// command builds it, `ICN_TRY_RUNTIME_WASM` names another) — where it lies by default.
fn try_runtime_wasm() -> PathBuf {
	let path = std::env::var_os("ICN_TRY_RUNTIME_WASM").map(PathBuf::from).unwrap_or_else(|| {
		// $ICN_RUNTIME_OUT, else <target>/production (<target>/release/icn-node is the node).
		std::env::var_os("ICN_RUNTIME_OUT")
			.map(PathBuf::from)
			.unwrap_or_else(|| {
				node_binary()
					.parent()
					.and_then(|release| release.parent())
					.expect("target directory")
					.join("production")
			})
			.join("icn_runtime.try-runtime.wasm")
	});
	assert!(
		path.exists(),
		"{} missing: run scripts/build-runtime.sh --try-runtime (scripts/test.sh does)",
		path.display()
	);
	path
}

/// try-runtime against live state: the dev node's database after the scenario above (providers,
/// a booking with escrow, reports, rewards, a slash applied, vesting) is reopened by a node that
/// executes this runtime's try-runtime build in place of the on-chain code of the same version
/// (`--wasm-runtime-overrides`). `TryRuntime_on_runtime_upgrade(All)` runs every migration with
/// its pre/post checks, decodes every storage value and runs every pallet's `try_state` — it
/// must pass. Then the chain's state is made to predate a storage change that has no migration
/// (the scheduler's on-chain storage version one below its code's, set through sudo): the same
/// check must fail, naming the mismatch.
async fn try_runtime_on_live_state(base_path: &str, genesis: Hash) {
	let overrides = TempDir::new("try-runtime-overrides");
	std::fs::copy(try_runtime_wasm(), overrides.0.join("icn_runtime.try-runtime.wasm"))
		.expect("copy the try-runtime wasm");
	let overrides_path = overrides.0.to_string_lossy().to_string();
	let mut node = Node::start(
		"try-runtime",
		&["--base-path", base_path, "--wasm-runtime-overrides", &overrides_path],
	);
	let client = node.connect().await;
	let weights = try_runtime_upgrade(&client).await.unwrap_or_else(|e| {
		panic!("try-runtime failed on the live state: {e}\n{}", node.log_tail())
	});
	// (Weight, Weight): the upgrade's weight and the block's maximum, each (ref_time, proof_size).
	let (used, _, max, _) = <(Compact<u64>, Compact<u64>, Compact<u64>, Compact<u64>)>::decode(
		&mut &unhex(&weights)[..],
	)
	.expect("(Weight, Weight)");
	assert!(used.0 > 0 && max.0 > 0, "{used:?} {max:?}");

	// The scheduler's storage version, one lower on chain than in its code, and no migration.
	let key = storage_value_key(b"Scheduler", b":__STORAGE_VERSION__:");
	let raw: String = client
		.request("state_getStorage", rpc_params![hex(&key)])
		.await
		.expect("version");
	let version = u16::decode(&mut &unhex(&raw)[..]).expect("u16");
	assert!(version > 0);
	let call = icn_runtime::RuntimeCall::Sudo(pallet_sudo::Call::sudo {
		call: Box::new(icn_runtime::RuntimeCall::System(frame_system::Call::set_storage {
			items: vec![(key, (version - 1).encode())],
		})),
	});
	let alice = Sr25519Keyring::Alice;
	let nonce: u32 = client
		.request("system_accountNextIndex", rpc_params![alice.to_account_id().to_string()])
		.await
		.unwrap();
	let xt = hex(&icn_runtime::signing::sign(call, &alice.pair(), nonce, genesis).encode());
	submit_finalized(&client, &node, &xt).await;
	let err = try_runtime_upgrade(&client)
		.await
		.expect_err("a storage version without a migration passed");
	// The panic message reaches the RPC error or, at least, the node's log (the runtime logs it).
	let log = std::fs::read_to_string(&node.log).unwrap_or_default();
	assert!(
		err.to_string().contains("storage version do not match")
			|| log.contains("doesn't match in-code storage version"),
		"try-runtime failed for another reason: {err}\n{}",
		node.log_tail()
	);
	drop(client);
	node.stop();
}

/// A provider node whose endpoint accepts connections and never answers, registered next to
/// an honest one: the dev HyperNode probes both in the same run, and only the hanging node
/// fails (`Timeout`); the honest node passes every era (each request has its own deadline).
#[tokio::test(flavor = "multi_thread")]
async fn an_endpoint_that_never_answers_fails_only_its_own_node() {
	let dir = TempDir::new("sla-hang");
	let audit = audit_object(&dir.0);
	let server = StorageServer::start(&dir.0);
	// Accepts connections (the kernel's backlog) and never reads or answers.
	let hanging = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
	let hanging_port = hanging.local_addr().unwrap().port();
	let mut node = Node::start_dev();
	let client = node.connect().await;
	let genesis: Hash = client.request("chain_getBlockHash", rpc_params![0]).await.unwrap();

	// Dave registers a HyperNode whose `icno` key proves it signs for him, the proof made
	// with `icn-node sign` exactly as docs/hypernode.md shows: the key signs
	// "icn-sla:signer" ++ owner ++ genesis hash.
	let dave = Sr25519Keyring::Dave;
	let key = <sp_core::sr25519::Pair as sp_core::Pair>::from_string("//DaveOracle", None).unwrap();
	let signer = AccountId::from(sp_core::Pair::public(&key));
	let payload =
		[&b"icn-sla:signer"[..], dave.to_account_id().as_ref(), genesis.as_ref()].concat();
	assert_eq!(payload, (b"icn-sla:signer", dave.to_account_id(), genesis).encode());
	let out = Command::new(node_binary())
		.args(["sign", "--suri", "//DaveOracle", "--hex", "--message", &hex(&payload)])
		.output()
		.unwrap();
	assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
	let signature = unhex(String::from_utf8_lossy(&out.stdout).trim());
	let proof = sp_runtime::MultiSignature::Sr25519(sp_core::sr25519::Signature::from_raw(
		signature.try_into().unwrap(),
	));
	let call = icn_runtime::RuntimeCall::Sla(pallet_icn_sla::Call::register_hypernode {
		signer: signer.clone(),
		location: *b"DE",
		address: b"oracle.dave.example".to_vec().try_into().unwrap(),
		proof,
	});
	let nonce: u32 = client
		.request("system_accountNextIndex", rpc_params![dave.to_account_id().to_string()])
		.await
		.unwrap();
	let xt = hex(&icn_runtime::signing::sign(call, &dave.pair(), nonce, genesis).encode());
	let block = submit_finalized(&client, &node, &xt).await;
	assert!(
		events_of(&client, block, &xt).await.contains(&RuntimeEvent::Sla(
			pallet_icn_sla::Event::HyperNodeRegistered { owner: dave.to_account_id(), signer }
		)),
		"the HyperNode did not register with the proof from `icn-node sign`"
	);

	for (who, port) in [(Sr25519Keyring::Bob, server.port), (Sr25519Keyring::Charlie, hanging_port)]
	{
		let spec = pallet_icn_providers::NodeSpec::new(0, 15)
			.with_endpoint(&format!("http://127.0.0.1:{port}"))
			.with_audit(audit.clone())
			.with_price(ICNT / 2);
		let call = icn_runtime::RuntimeCall::Providers(pallet_icn_providers::Call::register_node {
			spec,
			collateral: 15_000 * ICNT,
			links: Default::default(),
		});
		let nonce: u32 = client
			.request("system_accountNextIndex", rpc_params![who.to_account_id().to_string()])
			.await
			.unwrap();
		let xt = hex(&icn_runtime::signing::sign(call, &who.pair(), nonce, genesis).encode());
		submit_finalized(&client, &node, &xt).await;
	}
	// Node 0 (honest) passes two eras in which node 1 (hanging) fails: the same worker run
	// probed both.
	let sla = wait_sla(&client, &node, 400, "two passed eras next to a hanging node", |s| {
		s["passed"].as_u64() >= Some(2)
	})
	.await;
	assert_eq!(sla["passed"], sla["counted"], "the honest node failed an era: {sla}");
	let hung = node_sla(&client, 1).await;
	assert!(
		hung["consecutiveFailures"].as_u64() >= Some(1),
		"the hanging node did not fail: {hung}"
	);
	assert_eq!(hung["passed"], 0, "{hung}");
	let log = std::fs::read_to_string(&node.log).unwrap();
	assert!(
		log.contains("(1, Failed(Timeout))"),
		"the hanging node's failure is not a timeout:\n{}",
		node.log_tail()
	);
	assert!(!log.contains("(0, Failed("), "the honest node failed a probe:\n{}", node.log_tail());
	drop(hanging);
	drop(client);
	node.stop();
	drop(server);
}

/// The committed staging chain spec still matches the runtime: its genesis storage is what
/// the runtime's `staging` preset builds, its `:code` is this runtime (the same version and
/// metadata — see chain-specs/README.md), and a node started from it has the committed
/// genesis hash.
#[tokio::test(flavor = "multi_thread")]
async fn the_committed_staging_spec_matches_the_runtime() {
	let root = std::env::current_dir()
		.expect("cargo test runs in the package directory")
		.join("..");
	let committed_path = root.join("chain-specs/staging-raw.json");
	let committed: Value = serde_json::from_slice(
		&std::fs::read(&committed_path).expect("chain-specs/staging-raw.json"),
	)
	.expect("raw spec JSON");
	let out = Command::new(node_binary())
		.args(["build-spec", "--chain", "staging-preset", "--raw", "--disable-default-bootnode"])
		.stderr(Stdio::null())
		.output()
		.expect("build-spec");
	assert!(out.status.success(), "build-spec --chain staging-preset failed");
	let fresh: Value = serde_json::from_slice(&out.stdout).expect("fresh raw spec JSON");
	let regenerate = "run scripts/chain-specs.sh and commit chain-specs/";
	for field in ["name", "id", "chainType", "protocolId", "properties", "bootNodes"] {
		assert_eq!(committed[field], fresh[field], "{field} differs: {regenerate}");
	}
	const CODE: &str = "0x3a636f6465";
	let (mut committed_top, mut fresh_top) =
		(committed["genesis"]["raw"]["top"].clone(), fresh["genesis"]["raw"]["top"].clone());
	let committed_code =
		committed_top.as_object_mut().unwrap().remove(CODE).expect("committed :code");
	let fresh_code = fresh_top.as_object_mut().unwrap().remove(CODE).expect("fresh :code");
	assert_eq!(committed_top, fresh_top, "genesis storage differs: {regenerate}");
	assert_eq!(
		committed["genesis"]["raw"]["childrenDefault"],
		fresh["genesis"]["raw"]["childrenDefault"]
	);

	// A node on the committed spec: its genesis hash, its runtime's version and metadata.
	let committed_arg = committed_path.to_string_lossy().to_string();
	let mut node = Node::spawn("staging", &["--chain", &committed_arg, "--tmp"]);
	let client = node.connect().await;
	let genesis: Hash = client.request("chain_getBlockHash", rpc_params![0]).await.unwrap();
	let recorded = std::fs::read_to_string(root.join("chain-specs/staging.genesis-hash"))
		.expect("genesis hash file");
	assert_eq!(
		format!("{genesis:?}"),
		recorded.trim(),
		"chain-specs/staging.genesis-hash: {regenerate}"
	);
	let version: Value = client.request("state_getRuntimeVersion", rpc_params![]).await.unwrap();
	assert_eq!(version["specName"], "icn");
	assert_eq!(version["specVersion"], icn_runtime::VERSION.spec_version, "{regenerate}");
	assert_eq!(
		version["transactionVersion"],
		icn_runtime::VERSION.transaction_version,
		"{regenerate}"
	);
	// The committed code is the production build of this runtime (scripts/build-runtime.sh; the
	// test command checks its bytes with `--check-spec`, and the client suite's release test
	// that it has this runtime's pallets, calls, events, errors, storage and constants): the
	// runtime APIs of this test build, without `Benchmark`.
	let mut apis: Vec<(String, u32)> = version["apis"]
		.as_array()
		.expect("apis")
		.iter()
		.map(|a| {
			(a[0].as_str().expect("api id").to_string(), a[1].as_u64().expect("api version") as u32)
		})
		.collect();
	let benchmark =
		hex(&<dyn frame_benchmarking::Benchmark<icn_runtime::Block> as sp_api::RuntimeApiInfo>::ID);
	let mut expected: Vec<(String, u32)> = icn_runtime::VERSION
		.apis
		.iter()
		.map(|(id, v)| (hex(id), *v))
		.filter(|(id, _)| *id != benchmark)
		.collect();
	assert!(
		icn_runtime::VERSION.apis.len() > expected.len(),
		"the test build has the Benchmark API"
	);
	(apis.sort(), expected.sort());
	assert_eq!(
		apis, expected,
		"the committed :code is not this runtime's production build: {regenerate}"
	);
	assert!(committed_code.is_string() && fresh_code.is_string());
	drop(client);
	node.stop();
}

/// docs/validator.md, step by step, on a `dev` chain (Alice validates alone): a stash key
/// from `icn-node key generate`, a second node started with `--validator`, validator.mjs
/// (the page's snippets) asking that node for session keys with their proof and registering
/// them, bonding and validating; the stash is elected, its node authors blocks and the chain
/// keeps finalizing with both validators voting.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_validator_joins_and_authors() {
	let doc = std::fs::read_to_string(
		std::env::current_dir()
			.expect("cargo test runs in the package directory")
			.join("../docs/validator.md"),
	)
	.unwrap();
	for command in [
		"icn-node key generate --scheme sr25519 --output-type json",
		"icn-node key generate-node-key --chain chain-specs/staging-raw.json --base-path /var/lib/icn-validator",
		"icn-node --chain chain-specs/staging-raw.json --validator --base-path /var/lib/icn-validator --name my-validator",
		"node clients/js/examples/validator.mjs ws://127.0.0.1:9944",
	] {
		assert!(doc.contains(command), "docs/validator.md no longer says `{command}`");
	}
	// 2. The stash key.
	let out = Command::new(node_binary())
		.args(["key", "generate", "--scheme", "sr25519", "--output-type", "json"])
		.output()
		.expect("key generate");
	let key: Value = serde_json::from_slice(&out.stdout).expect("key JSON");
	let phrase = key["secretPhrase"].as_str().unwrap().to_string();
	let stash: AccountId = unhex(key["accountId"].as_str().unwrap())
		.as_slice()
		.try_into()
		.map(AccountId::new)
		.unwrap();

	let mut alice_node = Node::start_dev();
	let alice_rpc = alice_node.connect().await;
	let genesis: Hash = alice_rpc.request("chain_getBlockHash", rpc_params![0]).await.unwrap();
	let alice = Sr25519Keyring::Alice;
	let mut nonce: u32 = alice_rpc
		.request("system_accountNextIndex", rpc_params![alice.to_account_id().to_string()])
		.await
		.unwrap();
	let mut as_alice = |call: icn_runtime::RuntimeCall| {
		nonce += 1;
		hex(&icn_runtime::signing::sign(call, &alice.pair(), nonce - 1, genesis).encode())
	};
	let sudo = |call: icn_runtime::RuntimeCall| {
		icn_runtime::RuntimeCall::Sudo(pallet_sudo::Call::sudo { call: Box::new(call) })
	};
	// Test-only: fund the stash, make room for a second validator.
	let fund = as_alice(icn_runtime::RuntimeCall::Balances(BalancesCall::transfer_keep_alive {
		dest: stash.clone().into(),
		value: 300_000 * ICNT,
	}));
	submit_finalized(&alice_rpc, &alice_node, &fund).await;
	let count = as_alice(sudo(icn_runtime::RuntimeCall::Staking(
		pallet_staking::Call::set_validator_count { new: 2 },
	)));
	submit_finalized(&alice_rpc, &alice_node, &count).await;

	// 3. The validator node, syncing from Alice's.
	let addresses: Vec<String> =
		alice_rpc.request("system_localListenAddresses", rpc_params![]).await.unwrap();
	let bootnode = addresses
		.iter()
		.find(|a| a.contains("/127.0.0.1/"))
		.expect("a loopback address")
		.clone();
	let base = TempDir::new("validator-base");
	let base_path = base.0.to_string_lossy().to_string();
	let status = Command::new(node_binary())
		.args(["key", "generate-node-key", "--chain", "dev", "--base-path", &base_path])
		.stdout(Stdio::null())
		.stderr(Stdio::null())
		.status()
		.expect("generate-node-key");
	assert!(status.success(), "generate-node-key failed");
	let mut validator = Node::spawn(
		"validator",
		&[
			"--chain",
			"dev",
			"--validator",
			"--base-path",
			&base_path,
			"--name",
			"my-validator",
			"--bootnodes",
			&bootnode,
		],
	);
	let validator_rpc = validator.connect().await;
	// Synced first: a transaction signed against a node still importing the chain is
	// validated at a best block its mortality was not computed for (`AncientBirthBlock`).
	// Then two more blocks: the transaction pool skips its maintenance for blocks imported
	// more than 20 at a time (sc-transaction-pool's `SKIP_MAINTENANCE_THRESHOLD`), so right
	// after the sync it may still validate at the block it last processed until a
	// block arrives on its own — CI saw validator.mjs refused with `AncientBirthBlock` there.
	let deadline = Instant::now() + Duration::from_secs(120);
	let mut synced_at = None;
	loop {
		let (target, _) = finalized_number(&alice_rpc).await;
		let health: Value = validator_rpc.request("system_health", rpc_params![]).await.unwrap();
		let state: Value = validator_rpc.request("system_syncState", rpc_params![]).await.unwrap();
		let current = state["currentBlock"].as_u64().unwrap_or(0);
		if health["isSyncing"] == false && current >= u64::from(target) {
			let at = *synced_at.get_or_insert(current);
			if current >= at + 2 {
				break;
			}
		}
		assert!(
			Instant::now() < deadline,
			"the validator node did not sync: {health} {state}\n{}",
			validator.log_tail()
		);
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
	drop(validator_rpc);

	// 4. Session keys, bond, validate — against the validator's own node.
	let out = run_js_example(&validator, "validator.mjs", &[&phrase, "200000"]);
	let keys = out.iter().find(|o| o["what"] == "keys").expect("keys printed")["keys"]
		.as_str()
		.unwrap()
		.to_string();
	let registered = out.iter().find(|o| o["what"] == "registered").expect("registered");
	assert_eq!(registered["bonded"], (200_000 * ICNT).to_string());
	let aura_key = unhex(&keys)[..32].to_vec();

	// Test-only: a new staking era now rather than in up to six minutes.
	let force =
		as_alice(sudo(icn_runtime::RuntimeCall::Staking(pallet_staking::Call::force_new_era {})));
	submit_finalized(&alice_rpc, &alice_node, &force).await;

	// 5. Elected, then authoring: a block whose Aura slot belongs to the stash's key.
	let validators_key = pallet_session::Validators::<Runtime>::hashed_key().to_vec();
	let deadline = Instant::now() + Duration::from_secs(300);
	let mut checked = 0u32;
	let authored = loop {
		let (finalized, _) = finalized_number(&alice_rpc).await;
		let best: Hash = alice_rpc.request("chain_getBlockHash", rpc_params![]).await.unwrap();
		let elected: Vec<AccountId> =
			storage(&alice_rpc, validators_key.clone(), best).await.unwrap_or_default();
		let mut found = None;
		if elected.contains(&stash) {
			let header: Value =
				alice_rpc.request("chain_getHeader", rpc_params![best]).await.unwrap();
			let number = u32::from_str_radix(
				header["number"].as_str().unwrap().trim_start_matches("0x"),
				16,
			)
			.unwrap();
			for n in checked.max(1)..=number {
				let hash: Hash =
					alice_rpc.request("chain_getBlockHash", rpc_params![n]).await.unwrap();
				let header: Value =
					alice_rpc.request("chain_getHeader", rpc_params![hash]).await.unwrap();
				let slot = header["digest"]["logs"].as_array().unwrap().iter().find_map(|log| {
					match sp_runtime::generic::DigestItem::decode(
						&mut &unhex(log.as_str().unwrap())[..],
					) {
						Ok(sp_runtime::generic::DigestItem::PreRuntime(id, data))
							if id == sp_consensus_aura::AURA_ENGINE_ID =>
						{
							u64::decode(&mut &data[..]).ok()
						},
						_ => None,
					}
				});
				let parent: Hash = serde_json::from_value(header["parentHash"].clone()).unwrap();
				let authorities: String = alice_rpc
					.request("state_call", rpc_params!["AuraApi_authorities", "0x", parent])
					.await
					.unwrap();
				let authorities = Vec::<[u8; 32]>::decode(&mut &unhex(&authorities)[..]).unwrap();
				if let Some(slot) = slot {
					if authorities[(slot % authorities.len() as u64) as usize].as_slice()
						== aura_key.as_slice()
					{
						found = Some(n);
						break;
					}
				}
			}
			checked = number + 1;
		}
		if let Some(n) = found {
			// Finality goes on past it, with both validators voting.
			let finalize_deadline = Instant::now() + Duration::from_secs(120);
			while finalized_number(&alice_rpc).await.0 <= n {
				assert!(
					Instant::now() < finalize_deadline,
					"not finalized past #{n}:\n{}",
					alice_node.log_tail()
				);
				tokio::time::sleep(Duration::from_secs(1)).await;
			}
			break n;
		}
		assert!(
			Instant::now() < deadline,
			"stash not elected/authoring (finalized #{finalized}, validators {elected:?}):\n{}",
			validator.log_tail()
		);
		tokio::time::sleep(Duration::from_secs(2)).await;
	};
	assert!(authored > 0);
	drop(alice_rpc);
	validator.stop();
	alice_node.stop();
}

/// Every `js` snippet of docs/builder.md and docs/tokenomics.md is, verbatim, part of the
/// example script the provider/builder end-to-end test runs against a real node.
#[test]
fn doc_snippets_are_the_tested_examples() {
	let root = std::env::current_dir()
		.expect("cargo test runs in the package directory")
		.join("..");
	for (doc, script, at_least) in [
		("docs/builder.md", "builder.mjs", 6),
		("docs/tokenomics.md", "vesting.mjs", 4),
		("docs/validator.md", "validator.mjs", 4),
	] {
		let text = std::fs::read_to_string(root.join(doc)).expect("doc");
		let code =
			std::fs::read_to_string(root.join("clients/js/examples").join(script)).expect("script");
		let blocks: Vec<&str> = text
			.split("```js\n")
			.skip(1)
			.map(|b| b.split("```").next().unwrap_or_default().trim_end())
			.collect();
		assert!(
			blocks.len() >= at_least,
			"{doc}: expected {at_least} snippets, found {}",
			blocks.len()
		);
		for block in blocks {
			assert!(code.contains(block), "{doc} snippet not in {script}:\n{block}");
		}
	}
}
