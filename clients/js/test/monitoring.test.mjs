// Monitoring (docs/monitoring.md). The alert rules pass `promtool check rules` and their
// unit tests; then a real `icn-node --dev`, icn-exporter and a real Prometheus (Debian's
// package) run together, with the example scrape config of ops/prometheus/ and the real rule
// file (its `for:` durations shortened to seconds, so the real expressions are what fires).
// Bob registers a provider node whose storage endpoint is down: Prometheus sees both targets
// up and the icn_ metrics of every rule and dashboard panel, ICNReportsFailing stays inactive
// while the node has no failed era and fires once the dev HyperNode's report fails it, and
// the alerts whose conditions stay false (a HyperNode that reports, no slash pending) never
// even go pending.
//
//   cd clients/js && node --test test/monitoring.test.mjs
//
// Needs `prometheus` and `promtool` on the PATH (`apt-get install prometheus`, done by
// scripts/setup.sh) or $PROMETHEUS / $PROMTOOL.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { ROOT, freePort, nodeBinary, waitFor } from './helpers.mjs';

const PROMETHEUS = process.env.PROMETHEUS || 'prometheus';
const PROMTOOL = process.env.PROMTOOL || 'promtool';
const OPS = join(ROOT, 'ops/prometheus');
const RULES = join(OPS, 'icn-alerts.yml');
const EXPORTER = join(ROOT, 'clients/js/exporter/icn-exporter.mjs');
const CLI = join(ROOT, 'clients/js/cli/icn.mjs');
const DASHBOARD = join(ROOT, 'ops/grafana/icn-dashboard.json');
const DOCS = join(ROOT, 'docs/monitoring.md');
const ALICE = 'icxazKdrzaE8Ysg8yZXr1zg8e9GgBgPfjooWM4y1chTC8WmZ8'; // the dev chain's HyperNode
const BOB = 'icw1q3ZgrSW8eifeU8bt5FLDg3RfJDrGQJyN21bswdUGtjuTu'; // the provider here
/// What every `for:` of the rules becomes here.
const FOR = '3s';

const run = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let work;
const procs = [];
let node; // { url, rpc, metricsPort, dir }
let exporterPort;
let prom; // base URL of Prometheus
let registered; // the CLI's JSON for Bob's node

/// Starts `cmd` in its own process group, output to `<work>/<name>.log` (stdout piped if
/// `pipeOut`); recorded for the after hook.
function start(name, cmd, args, pipeOut = false) {
  const logPath = join(work, `${name}.log`);
  const fd = openSync(logPath, 'w');
  const child = spawn(cmd, args, { stdio: ['ignore', pipeOut ? 'pipe' : fd, fd] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const p = { name, child, exited, log: () => readFileSync(logPath, 'utf8') };
  procs.push(p);
  return p;
}

/// A failure message with the tail of every log.
const logs = () => procs.map((p) => `--- ${p.name}\n${p.log().slice(-2500)}`).join('\n');

async function rpc(method, params = []) {
  const res = await fetch(node.rpc, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 1, jsonrpc: '2.0', method, params }),
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

/// GET `path` of Prometheus' HTTP API; its `data`.
async function api(path) {
  const res = await fetch(`${prom}${path}`);
  const body = await res.json();
  assert.equal(body.status, 'success', `${path}: ${JSON.stringify(body)}`);
  return body.data;
}

const query = async (q) => (await api(`/api/v1/query?query=${encodeURIComponent(q)}`)).result;

/// State of each alerting rule (`inactive`, `pending`, `firing`), by name (the two
/// ICNDiskFilling rules: the worse of them).
async function ruleStates() {
  const rank = { inactive: 0, pending: 1, firing: 2 };
  const states = {};
  for (const g of (await api('/api/v1/rules?type=alert')).groups) {
    for (const r of g.rules) {
      if (!(r.name in states) || rank[r.state] > rank[states[r.name]]) states[r.name] = r.state;
    }
  }
  return states;
}

/// The metric names an expression text refers to (`substrate_…`, `icn_…`).
const metricNames = (text) => [...new Set(text.match(/\b(?:substrate|icn)_[a-z0-9_]+/g))];

before(async () => {
  for (const tool of [PROMETHEUS, PROMTOOL]) {
    await run(tool, ['--version']).catch((e) => {
      throw new Error(`${tool}: ${e.message} (apt-get install prometheus; scripts/setup.sh does)`);
    });
  }
  work = mkdtempSync(join(tmpdir(), 'icn-monitoring-'));

  // --- the node, with its metrics on; its database in `dir`, whose disk the exporter reports.
  const dir = join(work, 'node');
  const [rpcPort, metricsPort, p2pPort] = [await freePort(), await freePort(), await freePort()];
  const n = start('icn-node', nodeBinary(), ['--dev', '--base-path', dir, '--no-telemetry', '--no-mdns',
    '--rpc-port', String(rpcPort), '--port', String(p2pPort), '--prometheus-port', String(metricsPort)]);
  node = { url: `ws://127.0.0.1:${rpcPort}`, rpc: `http://127.0.0.1:${rpcPort}`, metricsPort, dir };
  await waitFor('the node\'s JSON-RPC', async () => {
    if (n.child.exitCode !== null) throw new Error(`icn-node exited:\n${n.log().slice(-3000)}`);
    try { return await rpc('system_health'); } catch { return false; }
  }, { timeout: 180_000, every: 300 }); // building the genesis state takes 20–45 s on 2 cores

  // --- Bob registers a node at once (probed from the next era): its storage endpoint is a
  // port nobody listens on, as when the provider's storage server is down. The commitment is
  // a real one (`icn audit generate`) for an object that is not served.
  const deadEndpoint = `http://127.0.0.1:${await freePort()}`;
  const icn = (args) => run(process.execPath, [CLI, ...args],
    { env: { ...process.env, ICN_URL: node.url, ICN_SURI: '//Bob' }, cwd: work });
  const commitment = JSON.parse((await icn(['audit', 'generate', join(work, 'storage/audit/object.bin'),
    '--size', '65536', '--path', 'audit/object.bin'])).stdout);
  writeFileSync(join(work, 'node.json'), JSON.stringify({
    cluster: 0, capacity: 15, location: 'DE', endpoint: deadEndpoint, audit: commitment,
    price: '0.5', commission: 10, collateral: '5000', links: [2],
  }));
  registered = JSON.parse((await icn(['--json', 'provider', 'register', '--config', 'node.json'])).stdout);

  // --- the exporter, watching Bob's nodes, Alice's HyperNode and the node's disk.
  const ex = start('icn-exporter', process.execPath, [EXPORTER, '--url', node.url, '--port', '0',
    '--provider', BOB, '--hypernode', ALICE, '--base-path', dir, '--timeout', '5'], true);
  const banner = await new Promise((resolve, reject) => {
    createInterface({ input: ex.child.stdout }).once('line', resolve);
    ex.child.once('exit', (code) => reject(new Error(`icn-exporter exited (${code}):\n${ex.log()}`)));
  });
  exporterPort = Number(/:(\d+)\/metrics/.exec(banner)?.[1]);
  assert.ok(exporterPort, banner);
  // One scrape before Prometheus' first: the exporter connects on its first.
  const first = await (await fetch(`http://127.0.0.1:${exporterPort}/metrics`)).text();
  assert.match(first, /^icn_exporter_scrape_success 1$/m, first);

  // --- Prometheus: the example config with this test's ports, scrapes every 2 s and rules
  // evaluated every second; the real rules with their `for:` shortened.
  const promDir = join(work, 'prometheus');
  mkdirSync(promDir);
  const rules = readFileSync(RULES, 'utf8').replace(/^(\s+for: )\d+[smh]$/gm, (_, head) => `${head}${FOR}`);
  assert.ok(rules.match(/^\s+for: .*$/gm).every((l) => l.endsWith(`for: ${FOR}`)), 'every for: is shortened');
  writeFileSync(join(promDir, 'icn-alerts.yml'), rules);
  let config = readFileSync(join(OPS, 'prometheus.yml'), 'utf8');
  for (const [from, to] of [
    ['127.0.0.1:9615', `127.0.0.1:${metricsPort}`],
    ['127.0.0.1:9616', `127.0.0.1:${exporterPort}`],
    ['scrape_interval: 15s', 'scrape_interval: 2s'],
    ['evaluation_interval: 15s', 'evaluation_interval: 1s'],
  ]) {
    assert.ok(config.includes(from), `ops/prometheus/prometheus.yml has ${from}`);
    config = config.replace(from, to);
  }
  writeFileSync(join(promDir, 'prometheus.yml'), config);
  const promPort = await freePort();
  prom = `http://127.0.0.1:${promPort}`;
  const p = start('prometheus', PROMETHEUS, [`--config.file=${join(promDir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(promDir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`]);
  await waitFor('Prometheus ready', async () => {
    if (p.child.exitCode !== null) throw new Error(`prometheus exited:\n${p.log().slice(-3000)}`);
    try { return (await fetch(`${prom}/-/ready`)).ok; } catch { return false; }
  }, { timeout: 60_000, every: 300 });
});

after(async () => {
  for (const p of procs.reverse()) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGTERM');
      const gone = await Promise.race([p.exited.then(() => true), sleep(15_000).then(() => false)]);
      if (!gone) {
        p.child.kill('SIGKILL');
        await p.exited;
      }
    }
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

test('promtool: the rules are valid, their unit tests pass, the example config is valid', async () => {
  const check = await run(PROMTOOL, ['check', 'rules', RULES]);
  assert.match(check.stdout, /SUCCESS: 15 rules found/);
  const unit = await run(PROMTOOL, ['test', 'rules', join(OPS, 'icn-alerts.test.yml')]);
  assert.match(unit.stdout, /SUCCESS/);
  const config = await run(PROMTOOL, ['check', 'config', join(OPS, 'prometheus.yml')]);
  assert.match(config.stdout, /is valid prometheus config file syntax/);
  // Every alert has a section in docs/monitoring.md, where its runbook_url points.
  const docs = readFileSync(DOCS, 'utf8');
  const rules = readFileSync(RULES, 'utf8');
  for (const [, name] of rules.matchAll(/- alert: (\w+)/g)) {
    assert.ok(rules.includes(`runbook_url: "docs/monitoring.md#${name.toLowerCase()}"`), `${name}: runbook_url`);
    assert.match(docs, new RegExp(`^### ${name}\\b`, 'm'), `docs/monitoring.md: a section for ${name}`);
  }
});

test('Prometheus scrapes the node and the exporter; ICNReportsFailing is inactive while the node has not failed', async () => {
  assert.equal(registered.ok, true);
  assert.equal(registered.node, 0);
  const targets = await waitFor('both targets up', async () => {
    const { activeTargets } = await api('/api/v1/targets');
    const up = Object.fromEntries(activeTargets.map((t) => [t.labels.job, t.health]));
    return up['icn-node'] === 'up' && up['icn-exporter'] === 'up' && activeTargets;
  }, { timeout: 60_000, every: 1000 }).catch((e) => { throw new Error(`${e.message}\n${logs()}`); });
  assert.equal(targets.length, 2);

  // The node's own metrics the rules use, by the names a real node exports.
  for (const status of ['best', 'finalized']) {
    assert.equal((await query(`substrate_block_height{job="icn-node",status="${status}"}`)).length, 1, status);
  }
  assert.equal((await query('substrate_sub_libp2p_peers_count{job="icn-node"}'))[0].value[1], '0', 'a dev node has no peer');

  // Bob's node as the exporter sees it before any verdict: active, no failure; the alert
  // on failures evaluated on that value is inactive.
  const failures = await waitFor('node 0 in Prometheus', async () => {
    const [r] = await query(`icn_node_sla_consecutive_failures{provider="${BOB}",node="0"}`);
    return r;
  }, { timeout: 30_000, every: 1000 });
  const states = await ruleStates();
  assert.equal(failures.value[1], '0');
  assert.equal(states.ICNReportsFailing, 'inactive');
  assert.equal((await query(`icn_node_status{node="0",status="Active"}`))[0].value[1], '1');
  assert.equal((await query(`icn_hypernode_active{owner="${ALICE}"}`))[0].value[1], '1');
  assert.equal((await query('icn_exporter_scrape_success'))[0].value[1], '1');
  assert.equal(states.ICNHyperNodeInactive, 'inactive');
  assert.equal(states.ICNSlashPending, 'inactive');
});

test('ICNReportsFailing fires when the SLA reports fail the node', async () => {
  // The node is probed from era 1 (blocks 10–19) and judged when era 2 starts.
  const alert = await waitFor('ICNReportsFailing firing', async () => {
    const { alerts } = await api('/api/v1/alerts');
    return alerts.find((a) => a.labels.alertname === 'ICNReportsFailing' && a.state === 'firing');
  }, { timeout: 240_000, every: 2000 }).catch((e) => { throw new Error(`${e.message}\n${logs()}`); });
  assert.deepEqual(
    { node: alert.labels.node, provider: alert.labels.provider, severity: alert.labels.severity },
    { node: '0', provider: BOB, severity: 'critical' },
  );
  assert.match(alert.annotations.summary, /^The SLA reports fail node 0 \(1 era\(s\) in a row\)$/);
  assert.equal(alert.annotations.runbook_url, 'docs/monitoring.md#icnreportsfailing');
  // What the chain says, over its own RPC.
  const sla = await rpc('icn_nodeSla', [0]);
  assert.ok(sla.consecutiveFailures >= 1, JSON.stringify(sla));
  assert.equal((await rpc('icn_nodeInfo', [0])).status, 'Failing');
  assert.equal((await query('icn_node_status{node="0",status="Failing"}'))[0].value[1], '1');
});

test('the alerts whose conditions stayed false never went pending; every metric of the rules, panels and docs exists', async () => {
  // Alice's HyperNode was assigned Bob's node in era 1 and reported it: the HyperNode alerts
  // had live inputs and stayed quiet, as did the slash alert (the grace eras are not over).
  assert.ok(Number((await query(`max_over_time(icn_hypernode_assigned_nodes{owner="${ALICE}"}[30m])`))[0].value[1]) >= 1);
  assert.ok(Number((await query(`max_over_time(icn_hypernode_last_report_era{owner="${ALICE}"}[30m])`))[0].value[1]) >= 1);
  const quiet = ['ICNHyperNodeNotReporting', 'ICNHyperNodeInactive', 'ICNHyperNodeAccuracyLow',
    'ICNHyperNodeSignerBalanceLow', 'ICNSlashPending', 'ICNNodeUnderCollateralized'];
  assert.deepEqual(await query(`count_over_time(ALERTS{alertname=~"${quiet.join('|')}"}[30m])`), []);
  const states = await ruleStates();
  for (const name of [...quiet, 'ICNNodeDown', 'ICNExporterDown', 'ICNExporterCannotReadChain', 'ICNNoNewBlocks', 'ICNFinalityLagging']) {
    assert.equal(states[name], 'inactive', name);
  }
  // A single dev node has no peers: ICNFewPeers is true, and fires.
  assert.equal(states.ICNFewPeers, 'firing');

  // Every metric a rule refers to has series.
  for (const name of metricNames(readFileSync(RULES, 'utf8'))) {
    assert.ok((await query(`count(${name})`)).length, `no series of ${name} (ops/prometheus/icn-alerts.yml)`);
  }
  // Every panel query of the dashboard (its variables at "All") answers with data, and so do
  // the variables' own queries.
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
  const panels = dashboard.panels.filter((p) => p.targets);
  assert.ok(panels.length >= 20);
  for (const panel of panels) {
    for (const t of panel.targets) {
      const expr = t.expr.replace(/\$(instance|exporter|owner|provider)\b/g, '.*');
      assert.ok((await query(expr)).length, `panel "${panel.title}": no data for ${expr}`);
    }
  }
  for (const v of dashboard.templating.list) {
    const [, match, label] = /^label_values\((.+), (\w+)\)$/.exec(v.query.query);
    const values = await api(`/api/v1/label/${label}/values?match[]=${encodeURIComponent(match)}`);
    assert.ok(values.length, `variable ${v.name}: no values`);
  }
  // The metric reference of docs/monitoring.md is what the exporter exports.
  const exported = (await api('/api/v1/label/__name__/values')).filter((n) => n.startsWith('icn_'));
  const documented = [...readFileSync(DOCS, 'utf8').matchAll(/^\| `(icn_[a-z0-9_]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(exported.sort(), documented.sort());
});
