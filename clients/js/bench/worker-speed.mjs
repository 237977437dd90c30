// Worker speed: one HyperNode's off-chain worker probing N provider nodes (default 1,000)
// whose storage a real HTTP server on loopback serves with an injected latency (default
// 50 ms before every answer). The worker's wall time for the era's probe is compared with
// what probing one request after another would take (N × 3 requests × latency).
//
//   cd clients/js && node bench/worker-speed.mjs [--nodes 1000] [--latency-ms 50] [--eras 2]
//       [--hang-percent 5] [--slow-percent 5] [--slow-ms 1500] [--audit-size 40000]
//
// Memory: the node's peak resident set (VmHWM, reset through /proc/<pid>/clear_refs once the
// nodes are registered) is read after each era's probe, next to the resident set before it:
// `--audit-size 67108864` makes every audit object maximal (16,384 chunks, a 512 KiB
// `.hashes`), so the worker streams 512 KiB per node.
//
// With faults: that share of the nodes is served by a server that accepts every request and
// never answers, and that share by one answering after --slow-ms; every other node must
// pass (each request has its own deadline), so the worker's failures are exactly the hanging
// nodes.
//
// It starts `icn-node --dev` of the test build ($ICN_NODE, else $CARGO_TARGET_DIR/release)
// and `bench/storage-server.mjs` (an event-driven HTTP server answering after the latency)
// on an audit object made by `scripts/audit-object.py generate`, creates the clusters the nodes need
// (root), funds providers from the dev accounts, registers the nodes over JSON-RPC, then reads
// the worker's log line (`probed N node(s) … in T ms`) for `--eras` eras and checks each
// report landed on chain with N results. Prints a JSON line per era, then a summary line.
// `scripts/bench.sh` runs it and puts the figure in docs/benchmarks.md.

import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT, startDevNode, waitFor } from '../test/helpers.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const NODES = arg('nodes', 1000);
const LATENCY_MS = arg('latency-ms', 50);
const ERAS = arg('eras', 2);
const HANG_PERCENT = arg('hang-percent', 0);
const SLOW_PERCENT = arg('slow-percent', 0);
const SLOW_MS = arg('slow-ms', 1500);
const AUDIT_SIZE = arg('audit-size', 40000);
/// Which server node `n` is on: every 100 nodes, the first HANG_PERCENT hang, the next
/// SLOW_PERCENT are slow.
const serverOf = (n) => (n % 100 < HANG_PERCENT ? 'hang' : n % 100 < HANG_PERCENT + SLOW_PERCENT ? 'slow' : 'fast');
const HANGING = Array.from({ length: NODES }, (_, n) => serverOf(n)).filter((s) => s === 'hang').length;
const ICNT = 10n ** 18n;
const log = (...a) => console.error('[worker-speed]', ...a);

/// The audit object (scripts/audit-object.py generate) served by bench/storage-server.mjs in
/// its own process, every answer after LATENCY_MS.
async function startBenchStorage(latencyMs = LATENCY_MS) {
  const dir = mkdtempSync(join(tmpdir(), 'icn-bench-storage-'));
  const commitment = JSON.parse(execFileSync('python3', [join(ROOT, 'scripts/audit-object.py'), 'generate',
    join(dir, 'audit/object.bin'), '--size', String(AUDIT_SIZE), '--seed', 'worker-speed', '--path', 'audit/object.bin'],
  { encoding: 'utf8', maxBuffer: 64 << 20 }));
  const child = spawn(process.execPath, [join(ROOT, 'clients/js/bench/storage-server.mjs'), dir,
    '--latency-ms', String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const banner = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`storage server exited (${code})`)));
  });
  return {
    endpoint: banner.trim().split(' ').pop(),
    commitment,
    async stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const storage = await startBenchStorage();
const servers = { fast: storage };
if (HANG_PERCENT > 0) servers.hang = await startBenchStorage(-1);
if (SLOW_PERCENT > 0) servers.slow = await startBenchStorage(SLOW_MS);
const node = await startDevNode();
let api;
try {
  api = await ApiPromise.create({ provider: new WsProvider(node.url), noInitWarn: true });
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 122 });
  const alice = keyring.addFromUri('//Alice');
  const funders = ['//Bob', '//Dave', '//Eve', '//Ferdie'].map((s) => keyring.addFromUri(s));

  const perCluster = api.consts.providers.maxNodesPerCluster.toNumber();
  const perProvider = api.consts.providers.maxNodesPerProvider.toNumber();
  const maxResults = api.consts.sla.maxReportResults.toNumber();
  const region = 0;
  const region0 = (await api.query.providers.regions(region)).unwrap();
  const location = Buffer.from(region0.countries[0].toU8a()).toString('latin1');
  const collateral = ICNT; // set on region 0 below

  // Nonce-ordered submission without waiting for inclusion: sign with explicit nonces.
  const nonces = new Map();
  async function send(tx, pair) {
    let nonce = nonces.get(pair.address);
    if (nonce === undefined) nonce = (await api.rpc.system.accountNextIndex(pair.address)).toNumber();
    nonces.set(pair.address, nonce + 1);
    const signed = await tx.signAsync(pair, { nonce });
    return api.rpc.author.submitExtrinsic(signed);
  }

  // 1 ICNT of collateral per unit on this throw-away chain, so the dev accounts can fund
  // thousands of nodes (what is measured is the worker, not the collateral).
  await send(api.tx.sudo.sudo(api.tx.providers.updateRegion(region, region0.countries, collateral, region0.rewardWeight)), alice);
  // 1. Clusters: cluster 0 (FRA-1) exists; root adds the rest in region 0.
  const clusters = [0];
  const firstNew = (await api.query.providers.nextClusterId()).toNumber();
  for (let c = 1; c * perCluster < NODES; c++) {
    clusters.push(firstNew + c - 1);
    await send(api.tx.sudo.sudo(api.tx.providers.createCluster(region, `BENCH-${c}`, 'Storage', ICNT, 500)), alice);
  }
  // 2. Providers, funded by the dev accounts.
  const providers = Array.from({ length: Math.ceil(NODES / perProvider) },
    (_, i) => keyring.addFromUri(`//bench//provider//${i}`));
  const funding = BigInt(perProvider) * collateral + 1_000n * ICNT;
  for (const [i, p] of providers.entries()) {
    await send(api.tx.balances.transferKeepAlive(p.address, funding), funders[i % funders.length]);
  }
  await waitFor('clusters and funded providers', async () => {
    const next = (await api.query.providers.nextClusterId()).toNumber();
    const last = await api.query.system.account(providers[providers.length - 1].address);
    return next >= firstNew + clusters.length - 1 && last.data.free.toBigInt() > 0n;
  }, { timeout: 120_000, every: 1_000 });
  log(`${clusters.length} cluster(s), ${providers.length} funded provider(s)`);

  // 3. The nodes: all on the one loopback server (same audit object), 1 unit each.
  const spec = (cluster, n) => ({
    cluster,
    capacity: 1,
    location,
    endpoint: servers[serverOf(n)].endpoint,
    audit: servers[serverOf(n)].commitment,
    reservationPrice: ICNT / 2n,
    hardware: 'Enterprise',
    commission: 0,
  });
  const firstNode = (await api.query.providers.nextNodeId()).toNumber();
  for (let n = 0; n < NODES; n++) {
    const p = providers[Math.floor(n / perProvider)];
    await send(api.tx.providers.registerNode(spec(clusters[Math.floor(n / perCluster)], n), collateral, []), p);
  }
  const registered = await waitFor(`${NODES} nodes registered`, async () => {
    const next = (await api.query.providers.nextNodeId()).toNumber();
    return next - firstNode >= NODES ? next : null;
  }, { timeout: 300_000, every: 2_000 });
  const registeredAt = (await api.rpc.chain.getHeader()).number.toNumber();
  log(`${registered - firstNode} node(s) registered by block #${registeredAt}`);
  // The node's memory from here on: its resident set now, and its peak reset to it.
  const status = (field) => {
    const m = readFileSync(`/proc/${node.pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : null;
  };
  const baselineRssKiB = status('VmRSS');
  writeFileSync(`/proc/${node.pid}/clear_refs`, '5');

  // Each era's accepted report parts of Alice's HyperNode, as the blocks bring them.
  const reportedByEra = new Map();
  const unsubReports = await api.query.system.events((events) => {
    for (const { event } of events) {
      if (api.events.sla.ReportAccepted.is(event) && event.data.owner.eq(alice.address)) {
        const e = event.data.era.toNumber();
        reportedByEra.set(e, (reportedByEra.get(e) ?? 0) + event.data.results.toNumber());
      }
    }
  });

  // 4. The worker's era probes of all N nodes, and their reports on chain.
  const line = /era (\d+): probed (\d+) node\(s\) for HyperNode .+? in (\d+) ms \(HEAD latencies sum (\d+) ms\), (\d+) failed/g;
  let peakAfterFirstKiB = null;
  const eras = await waitFor(`${ERAS} era(s) with all ${NODES} nodes probed`, async () => {
    // A HyperNode with more nodes than one run probes (MAX_NODES_PER_RUN) probes an era in
    // several runs: their lines add up.
    const byEra = new Map();
    for (const m of node.log().matchAll(line)) {
      const e = byEra.get(+m[1]) ?? { era: +m[1], probed: 0, wallMs: 0, headSumMs: 0, failed: 0, runs: 0 };
      e.probed += +m[2]; e.wallMs += +m[3]; e.headSumMs += +m[4]; e.failed += +m[5]; e.runs += 1;
      byEra.set(e.era, e);
    }
    const found = [...byEra.values()].filter((e) => e.probed >= NODES);
    // The peak resident set of the node up to the first probe (then up to the last).
    if (found.length === 1 && peakAfterFirstKiB === null) peakAfterFirstKiB = status('VmHWM');
    return found.length >= ERAS ? found.slice(0, ERAS) : null;
  }, { timeout: 900_000, every: 2_000 });
  const peakRssKiB = status('VmHWM');
  const results = [];
  for (const e of eras) {
    const count = await waitFor(`era ${e.era}'s report on chain`, async () => reportedByEra.get(e.era) ?? null,
      { timeout: 120_000, every: 1_000 });
    const sequentialMs = e.probed * 3 * LATENCY_MS;
    const row = {
      ...e, reportedResults: count, latencyMs: LATENCY_MS, sequentialMs, speedup: +(sequentialMs / e.wallMs).toFixed(1),
      hanging: HANGING, slow: Math.round(NODES * SLOW_PERCENT / 100), slowMs: SLOW_MS, auditSize: AUDIT_SIZE,
    };
    console.log(JSON.stringify(row));
    results.push(row);
  }
  unsubReports();
  const worst = results.reduce((a, b) => (b.wallMs > a.wallMs ? b : a));
  console.log(JSON.stringify({
    summary: true, nodes: NODES, latencyMs: LATENCY_MS, eras: results.length, hanging: HANGING,
    slow: Math.round(NODES * SLOW_PERCENT / 100), slowMs: SLOW_MS,
    worstWallMs: worst.wallMs, sequentialMs: worst.sequentialMs, failed: Math.max(...results.map((r) => r.failed)),
    auditSize: AUDIT_SIZE, baselineRssKiB, peakAfterFirstKiB, peakRssKiB,
    // Only the hanging nodes fail; everyone else passes.
    goalMs: 5000, met: worst.wallMs <= 5000 && results.every((r) => r.failed === HANGING && r.reportedResults === NODES),
  }));
} finally {
  if (api) await api.disconnect();
  await node.stop();
  for (const s of Object.values(servers)) await s.stop();
}
