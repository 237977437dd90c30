#!/usr/bin/env node
// icn-exporter: the ICN-specific signals a node operator alerts on, in the Prometheus text
// format, read over JSON-RPC from an `icn-node` (the `icn_*` methods and storage) at every
// scrape. The node's own metrics (blocks, finality, peers) are on its --prometheus-port;
// this adds what only the chain knows, for the accounts you operate:
//
// - the era clock and the SLA oracle's progress;
// - per HyperNode owner (--hypernode): registered/active, its assignment in the current era
//   and what it has reported of it, the last era it reported in, its accuracy and the
//   balance of its report key's account;
// - per provider account (--provider): each of its nodes' status, failing flag, SLA score,
//   failure run, pending slashes, backing;
// - the filesystem holding the node's database (--base-path): free bytes and ratio;
// - the exporter itself: scrape success and duration.
//
//   node clients/js/exporter/icn-exporter.mjs --url ws://127.0.0.1:9944 --port 9616 \
//     --provider icw1q3Zg… --hypernode icxazKdr… --base-path /var/lib/icn-node
//
// docs/monitoring.md lists every metric and the alert rules (ops/prometheus/) built on them.

import { createServer } from 'node:http';
import { statfsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import { CliError, connect } from '../cli/lib.mjs';

const OPTIONS = {
  url: { type: 'string', help: 'node JSON-RPC endpoint (default $ICN_URL, else ws://127.0.0.1:9944)' },
  port: { type: 'string', help: 'port to serve /metrics on (default 9616; 0: any free port)' },
  host: { type: 'string', help: 'address to listen on (default 127.0.0.1; 0.0.0.0 for all)' },
  provider: { type: 'string', multiple: true, help: 'a provider account (SS58) whose nodes to watch; repeatable' },
  hypernode: { type: 'string', multiple: true, help: 'a HyperNode owner account (SS58) to watch; repeatable' },
  'base-path': { type: 'string', help: "the node's --base-path: free space of its filesystem is exported" },
  timeout: { type: 'string', help: "seconds a scrape may take before it counts as failed (default 8: below Prometheus' scrape_timeout, 10)" },
  once: { type: 'boolean', help: 'print the metrics once to stdout and exit (1 if the chain could not be read)' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
};

/// Every metric: name → [help, labels]. The order is the order of the output.
const METRICS = {
  icn_exporter_scrape_success: ['1 if this scrape read the chain, 0 if it failed (node unreachable, timeout, RPC error)', []],
  icn_exporter_scrape_duration_seconds: ['How long this scrape took, seconds', []],
  icn_block_number: ['The best block the chain metrics of this scrape were read at', []],
  icn_era_current: ["The SLA oracle's current era (sla.currentEra)", []],
  icn_era_block: ['Blocks since the current era started (the era clock vesting.eras)', []],
  icn_era_length_blocks: ['Length of the current era, blocks', []],
  icn_era_progress_ratio: ['How far into the current era the best block is, 0..1 (HyperNodes report in the first half)', []],
  icn_sla_finalized_era: ['The last era the SLA oracle fully aggregated (sla.finalizedEra)', []],
  icn_sla_grace_eras: ['Consecutive failed eras a node may have before it is slashed (sla.params.graceEras)', []],
  icn_sla_min_accuracy_ratio: ['Accuracy below which a HyperNode is removed (sla.params.minAccuracy)', []],
  icn_sla_min_reports_for_accuracy: ['Reports due before the accuracy rule applies (sla.params.minReportsForAccuracy)', []],
  icn_hypernode_registered: ['1 if the HyperNode is registered', ['owner']],
  icn_hypernode_active: ['1 if the HyperNode is active: registered, a Link staked, not removed for low accuracy', ['owner']],
  icn_hypernode_removed: ['1 if the HyperNode was removed for low accuracy', ['owner']],
  icn_hypernode_links: ['Links staked to the HyperNode', ['owner']],
  icn_hypernode_in_era: ["1 if the HyperNode is in the current era's snapshot of oracles", ['owner']],
  icn_hypernode_assigned_nodes: ['Provider nodes assigned to the HyperNode in the current era (icn_assignments)', ['owner']],
  icn_hypernode_reported_results: ['Node results the HyperNode reported in the current era (sla.oracleOf)', ['owner']],
  icn_hypernode_unreported_nodes: ['Assigned nodes of the current era not reported yet (assigned - reported, at least 0)', ['owner']],
  icn_hypernode_last_report_era: ['The last era with a report of the HyperNode on chain (sla.oracleOf lastReport; absent if none)', ['owner']],
  icn_hypernode_reports_due: ['Reports due in the accuracy window', ['owner']],
  icn_hypernode_reports_missed: ['Of those, missing or disagreeing with the verdict', ['owner']],
  icn_hypernode_accuracy_ratio: ['Accuracy in the window: (due - missed) / due, 1 with nothing due', ['owner']],
  icn_hypernode_signer_balance_icnt: ["Free balance of the report key's account, ICNT (report fees are withdrawn before dispatch, refunded after)", ['owner', 'signer']],
  icn_provider_nodes: ['Nodes of the provider account (icn_providerNodes)', ['provider']],
  icn_node_status: ["The node's status: 1 for the current one of Registered, Active, Failing, UnderCollateralized, Exiting", ['provider', 'node', 'status']],
  icn_node_failing: ['1 if the SLA oracle marks the node failing (its last counted era failed)', ['provider', 'node']],
  icn_node_sla_score_ratio: ['SLA score: passed / counted eras over the window (1 before any era is counted)', ['provider', 'node']],
  icn_node_sla_counted_eras: ['Eras counted in the SLA window', ['provider', 'node']],
  icn_node_sla_passed_eras: ['Eras passed in the SLA window', ['provider', 'node']],
  icn_node_sla_consecutive_failures: ['Consecutive failed eras up to the last counted one', ['provider', 'node']],
  icn_node_sla_last_era: ['The last era with a verdict on the node (absent before the first)', ['provider', 'node']],
  icn_node_pending_slashes: ['Slashes pending on the node (applied when the next era is aggregated)', ['provider', 'node']],
  icn_node_pending_slash_ratio: ['Sum of the pending slashes, as fractions of the collateral requirement (ppb / 1e9)', ['provider', 'node']],
  icn_node_pending_slash_icnt: ['ICNT the pending slashes take, computed on the requirement fixed when each became pending', ['provider', 'node']],
  icn_node_capacity_units: ['Capacity of the node, units', ['provider', 'node']],
  icn_node_booked_units: ['Units of the node booked now', ['provider', 'node']],
  icn_node_backing_icnt: ["The node's backing (own collateral, Links, delegations), ICNT", ['provider', 'node']],
  icn_node_required_collateral_icnt: ['Backing the node needs for its capacity, ICNT', ['provider', 'node']],
  icn_disk_free_bytes: ["Bytes available (to the node's user) on the filesystem of --base-path", ['path']],
  icn_disk_size_bytes: ['Size of the filesystem of --base-path, bytes', ['path']],
  icn_disk_free_ratio: ['Available / size of the filesystem of --base-path', ['path']],
};

const STATUSES = ['Registered', 'Active', 'Failing', 'UnderCollateralized', 'Exiting'];
const PPB = 1e9;
/// Planck (a decimal string or bigint) → ICNT as a float (18 decimals).
const icnt = (planck) => Number(BigInt(planck.toString())) / 1e18;

/// One scrape's samples, rendered in the text exposition format.
class Samples {
  constructor() { this.rows = new Map(); }

  set(name, labels, value) {
    if (!METRICS[name]) throw new Error(`unknown metric ${name}`);
    if (value === undefined || value === null) return;
    const v = Number(value);
    if (!this.rows.has(name)) this.rows.set(name, []);
    this.rows.get(name).push([labels, v]);
  }

  render() {
    const out = [];
    for (const [name, [help]] of Object.entries(METRICS)) {
      const rows = this.rows.get(name);
      if (!rows) continue;
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
      for (const [labels, v] of rows) {
        const l = Object.entries(labels).map(([k, x]) => `${k}="${escape(x)}"`).join(',');
        out.push(`${name}${l ? `{${l}}` : ''} ${Number.isFinite(v) ? v : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN'}`);
      }
    }
    return `${out.join('\n')}\n`;
  }
}

const escape = (s) => String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/// Rejects with `what` timed out after `ms` unless `promise` settles first.
function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/// The chain's side of a scrape, at the best block: era clock, SLA parameters, the watched
/// HyperNodes and the watched providers' nodes.
async function readChain(api, provider, watch, s) {
  const hash = (await api.rpc.chain.getBlockHash()).toHex();
  const header = await api.rpc.chain.getHeader(hash);
  const block = header.number.toNumber();
  const at = await api.at(hash);
  const rpc = (method, ...params) => provider.send(method, [...params, hash]);

  const [currentEra, finalizedEra, clock, params] = await Promise.all([
    at.query.sla.currentEra(), at.query.sla.finalizedEra(), at.query.vesting.eras(), at.query.sla.params(),
  ]);
  s.set('icn_block_number', {}, block);
  // The era clock: the segment the block is in (lengths change only at era boundaries).
  const segment = clock.toJSON().segments.filter((x) => x.fromBlock <= block).pop();
  if (segment) {
    const into = (block - segment.fromBlock) % segment.blocks;
    s.set('icn_era_block', {}, into);
    s.set('icn_era_length_blocks', {}, segment.blocks);
    s.set('icn_era_progress_ratio', {}, into / segment.blocks);
  }
  const era = currentEra.isSome ? currentEra.unwrap().toNumber() : null;
  s.set('icn_era_current', {}, era);
  if (finalizedEra.isSome) s.set('icn_sla_finalized_era', {}, finalizedEra.unwrap().toNumber());
  const p = params.toJSON();
  s.set('icn_sla_grace_eras', {}, p.graceEras);
  s.set('icn_sla_min_accuracy_ratio', {}, p.minAccuracy / PPB);
  s.set('icn_sla_min_reports_for_accuracy', {}, p.minReportsForAccuracy);

  await Promise.all(watch.hypernodes.map((owner) => readHyperNode(at, rpc, owner, era, s)));
  await Promise.all(watch.providers.map((account) => readProvider(at, rpc, account, s)));
}

async function readHyperNode(at, rpc, owner, era, s) {
  const l = { owner };
  const record = await at.query.sla.hyperNodes(owner);
  s.set('icn_hypernode_registered', l, record.isSome);
  if (record.isNone) {
    s.set('icn_hypernode_active', l, 0);
    return;
  }
  const h = record.unwrap();
  const links = h.links.length;
  const removed = h.removed.isTrue;
  s.set('icn_hypernode_active', l, links > 0 && !removed);
  s.set('icn_hypernode_removed', l, removed);
  s.set('icn_hypernode_links', l, links);
  const due = h.due.toNumber();
  const missed = h.misses.toNumber();
  s.set('icn_hypernode_reports_due', l, due);
  s.set('icn_hypernode_reports_missed', l, missed);
  s.set('icn_hypernode_accuracy_ratio', l, due === 0 ? 1 : (due - missed) / due);
  const signer = h.signer.toString();
  const account = await at.query.system.account(signer);
  s.set('icn_hypernode_signer_balance_icnt', { owner, signer }, icnt(account.data.free));
  if (era === null) return;
  // Its place in the era's snapshot and its report there (sla.oracleOf: one read, whatever
  // the number of HyperNodes), once the snapshot is copied.
  const [slotOpt, cursor] = await Promise.all([at.query.sla.oracleOf(owner), at.query.sla.snapshotCursor()]);
  const slot = slotOpt.isSome ? slotOpt.unwrap() : null;
  const copied = cursor.isNone || cursor.unwrap()[0].toNumber() !== era;
  const inEra = slot !== null && copied && slot.era.toNumber() === era;
  s.set('icn_hypernode_in_era', l, inEra);
  const assigned = (await rpc('icn_assignments', owner)).nodes.length;
  const now = inEra ? slot.reported.toNumber() : 0;
  s.set('icn_hypernode_assigned_nodes', l, assigned);
  s.set('icn_hypernode_reported_results', l, now);
  s.set('icn_hypernode_unreported_nodes', l, Math.max(assigned - now, 0));
  if (slot !== null && slot.lastReport.isSome) s.set('icn_hypernode_last_report_era', l, slot.lastReport.unwrap()[0].toNumber());
}

async function readProvider(at, rpc, account, s) {
  const nodes = await rpc('icn_providerNodes', account);
  s.set('icn_provider_nodes', { provider: account }, nodes.length);
  await Promise.all(nodes.map(async (id) => {
    const l = { provider: account, node: String(id) };
    const [info, sla] = await Promise.all([rpc('icn_nodeInfo', id), rpc('icn_nodeSla', id)]);
    if (!info || !sla) return; // gone between the reads
    for (const status of STATUSES) s.set('icn_node_status', { ...l, status }, info.status === status);
    s.set('icn_node_failing', l, info.failing);
    s.set('icn_node_capacity_units', l, info.capacity);
    s.set('icn_node_booked_units', l, info.booked);
    s.set('icn_node_backing_icnt', l, icnt(info.backing));
    s.set('icn_node_required_collateral_icnt', l, icnt(info.requiredCollateral));
    s.set('icn_node_sla_score_ratio', l, sla.scorePpb / PPB);
    s.set('icn_node_sla_counted_eras', l, sla.counted);
    s.set('icn_node_sla_passed_eras', l, sla.passed);
    s.set('icn_node_sla_consecutive_failures', l, sla.consecutiveFailures);
    s.set('icn_node_sla_last_era', l, sla.lastEra);
    const pending = sla.pendingSlashes; // [[failed era, ppb]]
    s.set('icn_node_pending_slashes', l, pending.length);
    s.set('icn_node_pending_slash_ratio', l, pending.reduce((sum, [, ppb]) => sum + ppb, 0) / PPB);
    const bases = await Promise.all(pending.map(([e]) => at.query.sla.pendingSlashBases(e, id)));
    const planck = pending.reduce((sum, [, ppb], i) => {
      const base = bases[i].isSome ? bases[i].unwrap().toBigInt() : 0n;
      return sum + (base * BigInt(ppb)) / 1_000_000_000n;
    }, 0n);
    s.set('icn_node_pending_slash_icnt', l, icnt(planck));
  }));
}

/// Free space of the filesystem holding `path` (statfs: blocks available to unprivileged users).
function readDisk(path, s) {
  const st = statfsSync(path);
  const l = { path };
  const size = st.blocks * st.bsize;
  const free = st.bavail * st.bsize;
  s.set('icn_disk_free_bytes', l, free);
  s.set('icn_disk_size_bytes', l, size);
  s.set('icn_disk_free_ratio', l, size > 0 ? free / size : 0);
}

function usage() {
  return ['icn-exporter — ICN Chain metrics for Prometheus (docs/monitoring.md)', '',
    'usage: node clients/js/exporter/icn-exporter.mjs [options]', '', 'options:',
    ...Object.entries(OPTIONS).map(([k, o]) => `  ${`--${k}${o.type === 'string' ? ' VALUE' : ''}`.padEnd(22)} ${o.help}`)].join('\n');
}

/// A watched account: any SS58 form, shown in the chain's format (prefix 122, `ic…`).
function account(text, flag) {
  try {
    return encodeAddress(decodeAddress(text), 122);
  } catch {
    throw new CliError(`--${flag}: "${text}" is not an SS58 account`, 2);
  }
}

function options(argv) {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true }));
  } catch (e) {
    throw new CliError(`${e.message} (--help)`, 2);
  }
  const port = Number(values.port ?? 9616);
  const timeout = Number(values.timeout ?? 8);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port: "${values.port}" is not a port`, 2);
  if (!(timeout > 0)) throw new CliError(`--timeout: "${values.timeout}" is not a number of seconds`, 2);
  const basePath = values['base-path'] && resolve(values['base-path']);
  if (basePath) {
    try { statfsSync(basePath); } catch (e) { throw new CliError(`--base-path: ${e.message}`, 2); }
  }
  return {
    help: values.help,
    once: values.once,
    url: values.url || process.env.ICN_URL || 'ws://127.0.0.1:9944',
    host: values.host || '127.0.0.1',
    port,
    timeoutMs: timeout * 1000,
    basePath,
    watch: {
      providers: [...new Set((values.provider || []).map((a) => account(a, 'provider')))],
      hypernodes: [...new Set((values.hypernode || []).map((a) => account(a, 'hypernode')))],
    },
  };
}

/// The exporter: a scrape function over one lazily opened connection (reopened after a
/// failed attempt; once open, @polkadot/api reconnects by itself).
function exporter(o) {
  let connecting = null;
  let inFlight = null;
  let lastError = null;
  const connection = () => {
    connecting ??= connect(o.url).catch((e) => { connecting = null; throw e; });
    return connecting;
  };

  async function scrape() {
    const started = process.hrtime.bigint();
    const s = new Samples();
    let ok = true;
    try {
      // A node that is stopped (not gone) leaves calls hanging: the timeout ends the scrape.
      await withTimeout((async () => {
        const { api, provider } = await connection();
        await readChain(api, provider, o.watch, s);
      })(), o.timeoutMs, 'reading the chain');
      if (lastError) console.error(`icn-exporter: reading the chain works again (${o.url})`);
      lastError = null;
    } catch (e) {
      ok = false;
      const message = String(e.message || e).split('\n')[0];
      if (message !== lastError) console.error(`icn-exporter: scrape failed: ${message}`);
      lastError = message;
      // Drop the partial chain samples: a failed scrape exports only what it could be sure of.
      s.rows.clear();
    }
    if (o.basePath) {
      // A disk that cannot be read is logged; icn_exporter_scrape_success is about the chain.
      try { readDisk(o.basePath, s); } catch (e) { console.error(`icn-exporter: --base-path: ${e.message}`); }
    }
    s.set('icn_exporter_scrape_success', {}, ok);
    s.set('icn_exporter_scrape_duration_seconds', {}, Number(process.hrtime.bigint() - started) / 1e9);
    return { ok, text: s.render() };
  }

  return {
    /// Concurrent scrapes share one read of the chain.
    scrape() {
      inFlight ??= scrape().finally(() => { inFlight = null; });
      return inFlight;
    },
    async close() {
      const c = connecting;
      connecting = null;
      if (c) {
        try { await (await c).api.disconnect(); } catch { /* never connected */ }
      }
    },
  };
}

async function main(argv) {
  const o = options(argv);
  if (o.help) {
    console.log(usage());
    return 0;
  }
  const ex = exporter(o);
  if (o.once) {
    const { ok, text } = await ex.scrape();
    process.stdout.write(text);
    await ex.close();
    return ok ? 0 : 1;
  }
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
    } else if (path === '/metrics') {
      const { text } = await ex.scrape();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text);
    } else if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' })
        .end('<html><body><h1>icn-exporter</h1><p><a href="/metrics">/metrics</a> (docs/monitoring.md)</p></body></html>\n');
    } else {
      res.writeHead(404).end('not found\n');
    }
  });
  await new Promise((ok, fail) => { server.once('error', fail); server.listen(o.port, o.host, ok); });
  const { port } = server.address();
  console.log(`icn-exporter: serving http://${o.host}:${port}/metrics for ${o.url}` +
    ` (providers: ${o.watch.providers.join(', ') || 'none'}; HyperNodes: ${o.watch.hypernodes.join(', ') || 'none'}` +
    `${o.basePath ? `; disk of ${o.basePath}` : ''})`);
  await new Promise((done) => {
    for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, done);
  });
  server.close();
  await ex.close();
  return 0;
}

let status;
try {
  status = await main(process.argv.slice(2));
} catch (e) {
  console.error(`error: ${e.message || e}`);
  status = e instanceof CliError ? e.code : 1;
}
process.exit(status);
