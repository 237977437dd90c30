//! Scale simulation (issue 9): `ICN_SCALE_NODES` provider nodes (default 100,000) and
//! `ICN_SCALE_HYPERNODES` HyperNodes (default 100, k = 5) on this runtime's real
//! configuration and generated weights, in test externalities: assignment, report
//! ingestion (each HyperNode's report in parts of at most `MaxReportResults`) and era-end
//! processing block by block within the runtime's per-block aggregation budget, and the
//! storage each node and each report result takes. It prints figures and asserts only
//! correctness (every node judged, every report part accepted); `scripts/bench.sh scale`
//! runs it and docs/benchmarks.md records the figures.

use codec::Encode;
use frame_support::{
	storage::StoragePrefixedMap,
	traits::{fungible::Mutate, Get, Hooks},
	weights::{Weight, WeightMeter},
	BoundedVec,
};
use icn_runtime::{
	configs::AggregationWeightPerBlock, currency::ICNT, AccountId, Balances, BlockNumber,
	Providers, Runtime, RuntimeOrigin, Sla, System,
};
use pallet_icn_providers::{AuditObject, NodeSpec, ResourceKind};
use pallet_icn_sla::ProbeOutcome;
use std::time::Instant;

/// The full genesis config of a preset: the default config with the preset's patch merged
/// in key by key (as the node does).
fn preset(id: &str) -> serde_json::Value {
	fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
		match (base, patch) {
			(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
				for (key, value) in patch {
					merge(base.entry(key).or_insert(serde_json::Value::Null), value);
				}
			},
			(base, patch) => *base = patch,
		}
	}
	let patch = icn_runtime::genesis_config_presets::get_preset(&id.into()).expect("preset exists");
	let mut config =
		serde_json::to_value(icn_runtime::RuntimeGenesisConfig::default()).expect("default config");
	merge(&mut config, serde_json::from_slice(&patch).expect("preset JSON"));
	config
}

fn env(name: &str, default: u32) -> u32 {
	std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn account(tag: &str, i: u32) -> AccountId {
	AccountId::new((tag, i).using_encoded(sp_io::hashing::blake2_256))
}

/// Bytes (keys and values) stored under `prefix`.
fn bytes_under(prefix: &[u8]) -> (u64, u64) {
	let (mut entries, mut bytes) = (0u64, 0u64);
	let mut key = prefix.to_vec();
	while let Some(next) = sp_io::storage::next_key(&key) {
		if !next.starts_with(prefix) {
			break;
		}
		let value = sp_io::storage::get(&next).map(|v| v.len()).unwrap_or(0);
		entries += 1;
		bytes += (next.len() + value) as u64;
		key = next;
	}
	(entries, bytes)
}

thread_local! {
	/// The most weight the SLA hooks took in one block (`on_initialize` + `on_poll`).
	static MOST_IN_A_BLOCK: std::cell::Cell<Weight> = const { std::cell::Cell::new(Weight::zero()) };
}

/// Runs block `n`'s SLA hooks: `on_initialize` (era start) and `on_poll` within the
/// runtime's aggregation budget (the snapshot's copy and aggregation); returns what
/// `on_poll` consumed. Both count in the most any block took.
fn block(n: BlockNumber) -> Weight {
	System::set_block_number(n);
	System::reset_events();
	let init = <Sla as Hooks<BlockNumber>>::on_initialize(n);
	let mut meter = WeightMeter::with_limit(AggregationWeightPerBlock::get());
	<Sla as Hooks<BlockNumber>>::on_poll(n, &mut meter);
	MOST_IN_A_BLOCK.with(|m| m.set(m.get().max(init.saturating_add(meter.consumed()))));
	meter.consumed()
}

#[test]
#[ignore = "scale simulation (minutes): scripts/bench.sh scale"]
fn scale_simulation_of_an_era() {
	let nodes = env("ICN_SCALE_NODES", 100_000);
	let hypernodes = env("ICN_SCALE_HYPERNODES", 2_000).max(1);
	let era_blocks = env("ICN_SCALE_ERA_BLOCKS", 600);
	let mut ext = sp_io::TestExternalities::default();
	ext.execute_with(|| {
		icn_runtime::genesis::build_state(serde_json::to_vec(&preset("development")).unwrap())
			.expect("dev genesis");
	});
	ext.execute_with(|| {
		let root = RuntimeOrigin::root;
		let max_block = <Runtime as frame_system::Config>::BlockWeights::get().max_block;
		let quarter = max_block.ref_time() / 4;
		let per_cluster: u32 = <Runtime as pallet_icn_providers::Config>::MaxNodesPerCluster::get();
		let per_provider: u32 = <Runtime as pallet_icn_providers::Config>::MaxNodesPerProvider::get();
		let part: u32 = <Runtime as pallet_icn_sla::Config>::MaxReportResults::get();
		block(1);
		// A chain whose eras have this length from genesis (`setEraBlocks` would change it only
		// from the next era, by at most a factor of two).
		pallet_icn_vesting::Eras::<Runtime>::put(icn_primitives::clock::EraClock::new(era_blocks));

		// Provider nodes: one unit each, in clusters of `MaxNodesPerCluster` in region 0.
		let t = Instant::now();
		let region = pallet_icn_providers::Regions::<Runtime>::get(0).expect("dev region 0");
		let location = region.countries[0];
		let collateral = region.collateral_per_unit;
		let mut cluster = 0;
		for i in 0..nodes {
			if i > 0 && i % per_cluster == 0 {
				cluster = pallet_icn_providers::NextClusterId::<Runtime>::get();
				Providers::create_cluster(
					root(),
					0,
					BoundedVec::truncate_from(format!("SIM-{cluster}").into_bytes()),
					ResourceKind::Storage,
					ICNT,
					500,
				)
				.expect("cluster");
			}
			let provider = account("provider", i / per_provider);
			if i % per_provider == 0 {
				let _ = Balances::set_balance(&provider, collateral * u128::from(per_provider) + 1_000 * ICNT);
			}
			let spec = NodeSpec::new(cluster, 1)
				.with_location(location)
				.with_endpoint(&format!("https://n{i}.storage.example.com"))
				.with_audit(AuditObject::new("audit/object.bin", 1 << 20, [7; 32]))
				.with_price(ICNT / 2);
			Providers::register_node(RuntimeOrigin::signed(provider), spec, collateral, BoundedVec::new())
				.expect("node registers");
		}
		let registered = t.elapsed();

		// HyperNodes: Alice's (dev genesis) and the rest, each with a Link.
		let mut owners = vec![sp_keyring::Sr25519Keyring::Alice.to_account_id()];
		for h in 1..hypernodes {
			// Its own `icno` key, which proves it signs for it.
			let key = <sp_core::sr25519::Pair as sp_core::Pair>::from_string(&format!("//hn{h}"), None).expect("key");
			let owner = AccountId::from(sp_core::Pair::public(&key));
			let _ = Balances::set_balance(&owner, 1_000 * ICNT);
			let link = pallet_icn_providers::NextLinkId::<Runtime>::get();
			Providers::mint_link(root(), owner.clone()).expect("link");
			let proof = sp_core::Pair::sign(&key, &Sla::signer_proof_payload(&owner));
			Sla::register_hypernode(
				RuntimeOrigin::signed(owner.clone()),
				owner.clone(),
				*b"DE",
				BoundedVec::truncate_from(format!("hn{h}.example.com").into_bytes()),
				proof.into(),
			)
			.expect("hypernode");
			Sla::stake_link(RuntimeOrigin::signed(owner.clone()), link).expect("stake");
			owners.push(owner);
		}

		// Era 1: the snapshot, every HyperNode's assignment, every report (in parts).
		let mut n: BlockNumber = 2;
		let mut era0_aggregation = Weight::zero();
		while n < era_blocks {
			era0_aggregation += block(n);
			n += 1;
		}
		// Era 1 starts; its snapshot is copied in `on_poll` batches, reports wait for it.
		let mut snapshot = Weight::zero();
		let mut snapshot_blocks = 0u32;
		let era = 1;
		loop {
			// The era's first block starts the copy; it goes on while the cursor is left.
			// (That first block's `on_poll` also closes era 0, which had no nodes: a few ms.)
			let copying = pallet_icn_sla::CurrentEra::<Runtime>::get() != Some(era)
				|| pallet_icn_sla::SnapshotCursor::<Runtime>::get().is_some();
			let consumed = block(n);
			if copying {
				snapshot += consumed;
				snapshot_blocks += 1;
			}
			if Sla::snapshot_ready(era) && pallet_icn_sla::CurrentEra::<Runtime>::get() == Some(era) {
				break;
			}
			n += 1;
		}
		let snapshot_end = n;
		let oracles: Vec<AccountId> = (0..pallet_icn_sla::EraOracleCount::<Runtime>::get(era))
			.map(|i| Sla::oracle_at(era, i).expect("an oracle per index").0)
			.collect();
		assert_eq!(oracles.len() as u32, hypernodes);
		let seed = pallet_icn_sla::EraSeeds::<Runtime>::get(era).expect("era seed");
		let t = Instant::now();
		let mut assigned: Vec<Vec<u64>> = vec![Vec::new(); oracles.len()];
		for node in 0..u64::from(nodes) {
			for index in pallet_icn_sla::logic::oracles_for(&seed, node, oracles.len() as u32) {
				assigned[index as usize].push(node);
			}
		}
		let assignment_time = t.elapsed();
		// The runtime API's answer for one HyperNode is the same.
		let t = Instant::now();
		assert_eq!(Sla::assignments(&oracles[0], era), assigned[0]);
		let one_assignment_time = t.elapsed();
		let counts: Vec<usize> = assigned.iter().map(Vec::len).collect();
		let (min, max) = (counts.iter().min().copied().unwrap_or(0), counts.iter().max().copied().unwrap_or(0));

		let weights = <<Runtime as pallet_icn_sla::Config>::WeightInfo as pallet_icn_sla::WeightInfo>::submit_report;
		let validate = <<Runtime as pallet_icn_sla::Config>::WeightInfo as pallet_icn_sla::WeightInfo>::validate_report;
		let (mut parts, mut results, mut ingestion, mut largest_part) = (0u32, 0u64, Weight::zero(), Weight::zero());
		let t = Instant::now();
		for (owner, nodes) in oracles.iter().zip(&assigned) {
			let signer = pallet_icn_sla::HyperNodes::<Runtime>::get(owner).expect("hypernode").signer;
			for chunk in nodes.chunks(part as usize) {
				let report: Vec<_> = chunk.iter().map(|node| (*node, ProbeOutcome::Ok { latency_ms: 20 })).collect();
				Sla::submit_report(RuntimeOrigin::signed(signer.clone()), era, BoundedVec::truncate_from(report))
					.expect("report part accepted");
				let w = weights(chunk.len() as u32).saturating_add(validate(chunk.len() as u32));
				largest_part = largest_part.max(w);
				ingestion = ingestion.saturating_add(w);
				parts += 1;
				results += chunk.len() as u64;
			}
		}
		let ingestion_time = t.elapsed();
		let (report_entries, report_bytes) = bytes_under(&pallet_icn_sla::Reports::<Runtime>::final_prefix());
		let (node_entries, node_bytes) = bytes_under(&pallet_icn_providers::Nodes::<Runtime>::final_prefix());

		// Era 2: era 1's aggregation, block by block within the budget.
		n += 1;
		let mut era1_start = None;
		let mut blocks_for = std::collections::BTreeMap::new();
		let mut consumed_max = Weight::zero();
		let mut era1_weight = Weight::zero();
		let t = Instant::now();
		let deadline = 20 * era_blocks;
		while pallet_icn_sla::FinalizedEra::<Runtime>::get().map_or(true, |f| f < era) && n < deadline {
			// An era is aggregated once the next has started; before, the hooks only read
			// where they are (a few reads a block, not counted as aggregating).
			let current = pallet_icn_sla::CurrentEra::<Runtime>::get();
			let aggregating = pallet_icn_sla::Aggregation::<Runtime>::get()
				.map(|(e, _)| e)
				.filter(|e| current.is_some_and(|c| c > *e));
			let consumed = block(n);
			consumed_max = consumed_max.max(consumed);
			// Blocks that aggregated something (an era waits idle until the next starts).
			if consumed.ref_time() > 0 {
				match aggregating {
					Some(0) => era0_aggregation += consumed,
					Some(1) => {
						era1_start.get_or_insert(n);
						era1_weight += consumed;
					},
					_ => {},
				}
				if let Some(e) = aggregating {
					*blocks_for.entry(e).or_insert(0u32) += 1;
				}
			}
			n += 1;
		}
		let aggregation_time = t.elapsed();
		assert_eq!(pallet_icn_sla::FinalizedEra::<Runtime>::get(), Some(era), "era 1 aggregated");
		let judged = (0..u64::from(nodes)).filter(|node| pallet_icn_sla::NodeSla::<Runtime>::get(node).is_some()).count();
		assert_eq!(judged as u32, nodes, "every node has an SLA window");
		let (sla_entries, sla_bytes) = bytes_under(&pallet_icn_sla::NodeSla::<Runtime>::final_prefix());
		let budget = AggregationWeightPerBlock::get();
		let era1_end = n - 1;

		// Weights are picoseconds of reference time.
		let secs = |w: Weight| w.ref_time() as f64 / 1e12;
		let ms = |w: Weight| w.ref_time() as f64 / 1e9;
		let pct = |w: Weight| 100.0 * w.ref_time() as f64 / max_block.ref_time() as f64;
		println!("SCALE nodes={nodes} hypernodes={hypernodes} k={} era_blocks={era_blocks}", 5.min(hypernodes));
		println!("SCALE registration: {nodes} nodes in {:.1} s (native)", registered.as_secs_f64());
		println!(
			"SCALE assignment: nodes per HyperNode min {min} max {max} mean {:.0}; all assignments {:.2} s, one HyperNode's (runtime API) {:.2} s (native)",
			nodes as f64 * 5.min(hypernodes) as f64 / hypernodes as f64,
			assignment_time.as_secs_f64(),
			one_assignment_time.as_secs_f64()
		);
		println!(
			"SCALE ingestion: {results} results in {parts} parts (≤ {part} each); weight {:.1} s per era (dispatch + pool check), largest part {:.1} ms = {:.1} % of a block; at ≤ 25 % per block {} blocks of the era's {era_blocks} ({:.1} s native)",
			secs(ingestion),
			ms(largest_part),
			pct(largest_part),
			ingestion.ref_time().div_ceil(quarter),
			ingestion_time.as_secs_f64()
		);
		println!(
			"SCALE aggregation: budget {:.0} ms per block ({:.0} % of a block); era 0 (no reports) {:.1} s of weight over {} blocks; era 1 (all reported and passed, rewarded) {:.1} s of weight over {} blocks, blocks #{}..#{} (era 2 starts at #{}, ends at #{}); most in one block {:.0} ms ({:.1} %); at 25 % per block era 1 would take {} blocks ({:.1} s native)",
			ms(budget),
			pct(budget),
			secs(era0_aggregation),
			blocks_for.get(&0).copied().unwrap_or(0),
			secs(era1_weight),
			blocks_for.get(&1).copied().unwrap_or(0),
			era1_start.unwrap_or(0),
			era1_end,
			2 * era_blocks,
			3 * era_blocks - 1,
			ms(consumed_max),
			pct(consumed_max),
			era1_weight.ref_time().div_ceil(quarter),
			aggregation_time.as_secs_f64()
		);
		// The whole era's SLA work against a quarter of the era's blocks. Delegators add
		// nothing to it: each node's are paid as one pool (`reward_nodes` benchmarks a node
		// with delegators), however many there are.
		let era_weight = max_block.ref_time() as f64 * era_blocks as f64;
		println!(
			"SCALE era total: snapshot + ingestion + aggregation {:.1} s of weight = {:.1} % of the era's {era_blocks} blocks (goal ≤ 25 %); era 1 finished at #{era1_end}, {} the next era (#{}..#{}) ended",
			secs(ingestion.saturating_add(era1_weight).saturating_add(snapshot)),
			100.0 * (ingestion.ref_time() + era1_weight.ref_time() + snapshot.ref_time()) as f64 / era_weight,
			if era1_end < 3 * era_blocks { "before" } else { "AFTER" },
			2 * era_blocks,
			3 * era_blocks - 1,
		);
		let most = MOST_IN_A_BLOCK.with(|m| m.get());
		println!(
			"SCALE hypernodes: {hypernodes}: era 1's snapshot copied in {snapshot_blocks} block(s) (to #{snapshot_end}), {:.0} ms of weight; the most the SLA hooks took in any block (on_initialize + on_poll) {:.0} ms = {:.1} % of a block (goal ≤ 25 %)",
			ms(snapshot),
			ms(most),
			pct(most),
		);
		println!(
			"SCALE delegators: any number per node: era-end payment is {:.2} ms per node, with or without delegators (each node's delegators are paid as one pool, and claim)",
			ms(<<Runtime as pallet_icn_sla::Config>::WeightInfo as pallet_icn_sla::WeightInfo>::reward_nodes(1)
				.saturating_sub(<<Runtime as pallet_icn_sla::Config>::WeightInfo as pallet_icn_sla::WeightInfo>::reward_nodes(0))),
		);
		println!(
			"SCALE storage: provider node record {:.0} B ({node_entries} entries), SLA window {:.0} B per node ({sla_entries}), report result {:.1} B ({report_entries} nodes with reports, {results} results)",
			node_bytes as f64 / node_entries.max(1) as f64,
			sla_bytes as f64 / sla_entries.max(1) as f64,
			report_bytes as f64 / results.max(1) as f64,
		);
	});
}
