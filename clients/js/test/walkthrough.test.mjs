// The role walkthroughs of the docs, run as written: every ```sh block marked
// `<!-- walkthrough:NAME -->` in docs/*.md is read from the page and run by bash (-euo
// pipefail) with `icn` on the PATH, against a real `icn-node --dev` that this test starts,
// in one working directory. The provider's first block runs alone (the other roles use its
// node 0); then the other blocks run at once, as five people would, next to the failure paths
// of every role's commands.
//
//   cd clients/js && node --test test/walkthrough.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startDevNode } from './helpers.mjs';

const CLI = join(ROOT, 'clients/js/cli/icn.mjs');
const ROLES = ['provider', 'delegator', 'hypernode', 'builder', 'validator'];

/// `{ NAME: script }`: the marked blocks of every page, in page order.
export function walkthroughs(docsDir = join(ROOT, 'docs')) {
  const out = {};
  for (const file of readdirSync(docsDir).filter((f) => f.endsWith('.md')).sort()) {
    const text = readFileSync(join(docsDir, file), 'utf8');
    for (const m of text.matchAll(/<!-- walkthrough:([a-z-]+) -->\n```sh\n([\s\S]*?)\n```/g)) {
      out[m[1]] = `${out[m[1]] ?? ''}# ${file}\n${m[2]}\n`;
    }
  }
  return out;
}

let node;
let work;
let bin;
const groups = [];

/// Runs `args` through `icn` (or `script` through bash); resolves `{ code, out, err }`.
function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: work,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ICN_URL: node.url, ...env },
      detached: true, // its own process group: background servers of a block are stopped at the end
    });
    groups.push(child.pid);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    // 'exit', not 'close': a server a block starts in the background keeps the pipes open.
    child.on('exit', (code) => setTimeout(() => resolve({ code, out, err }), 200));
  });
}

const bash = (script) => run('bash', ['-euo', 'pipefail', '-c', script]);
const icn = (args, suri) => run('icn', args, suri ? { ICN_SURI: suri } : {});

async function walk(name, script) {
  const r = await bash(script);
  assert.equal(r.code, 0, `walkthrough ${name} failed (exit ${r.code}):\n${r.out.slice(-4000)}\n${r.err.slice(-3000)}`);
  return r.out;
}

before(async () => {
  // The provider's walkthrough serves its storage on port 8080, as the page says.
  await new Promise((resolve, reject) => {
    const probe = createServer().once('error', () => reject(new Error('port 8080 is in use: the provider walkthrough serves its storage there')));
    probe.listen(8080, '127.0.0.1', () => probe.close(resolve));
  });
  node = await startDevNode();
  work = mkdtempSync(join(tmpdir(), 'icn-walkthrough-'));
  bin = mkdtempSync(join(tmpdir(), 'icn-bin-'));
  writeFileSync(join(bin, 'icn'), `#!/bin/sh\nexec node ${JSON.stringify(CLI)} "$@"\n`);
  chmodSync(join(bin, 'icn'), 0o755);
});

after(async () => {
  for (const pid of groups) {
    try { process.kill(-pid, 'SIGTERM'); } catch { /* gone */ }
  }
  if (node) await node.stop();
  for (const dir of [work, bin]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test('every role has a walkthrough in the docs', () => {
  const w = walkthroughs();
  for (const role of ROLES) assert.ok(w[role], `no walkthrough:${role} block`);
  for (const script of Object.values(w)) assert.match(script, /^icn /m);
});

test('the help answers at every level and usage errors exit with 2', async () => {
  const top = await icn(['--help']);
  assert.equal(top.code, 0);
  for (const role of ROLES) assert.match(top.out, new RegExp(`^  ${role} `, 'm'));
  const role = await icn(['provider', '--help']);
  assert.equal(role.code, 0);
  assert.match(role.out, /^ {2}register /m);
  const cmd = await icn(['builder', 'book', '--help']);
  assert.equal(cmd.code, 0);
  assert.match(cmd.out, /--max-total VALUE/);
  for (const [args, message, suri] of [
    [['nosuch', 'x'], /unknown role "nosuch"/],
    [['builder', 'book', '0', '1', '1'], /--max-total is required/],
    [['builder', 'book', '0', '1', '1', '--max-total', 'lots'], /is not an ICNT amount/, '//Dave'],
    [['provider', 'register', '--config', 'node.json'], /signing key: give --suri/],
    [['provider', 'status', 'x'], /NODE: "x" is not a whole number/],
    [['validator', 'set-keys', '--keys', '0x00', '--proof', '0x00'], /bad argument: /, '//Eve'],
  ]) {
    const r = await icn(args, suri);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
  }
});

test('the walkthroughs of the docs run as written, and refusals print the runtime error', async () => {
  const w = walkthroughs();
  const provider = await walk('provider', w.provider);
  assert.match(provider, /^node 0 registered$/m);

  // The failure paths, signed by Alice's stash (no walkthrough uses it, and unlike Alice it
  // sends no HyperNode reports): each command that the chain refuses prints
  // `error: <pallet>.<Error>` and exits with 1, and --json says so too.
  const refusals = async () => {
    const cases = [
      [['provider', 'update', '0', '--price', '1'], 'providers.NotProvider'],
      [['provider', 'add-collateral', '99', '--icnt', '1'], 'providers.UnknownNode'],
      [['provider', 'extend', '99'], 'providers.UnknownNode'],
      [['provider', 'exit', '0'], 'providers.NotProvider'],
      [['provider', 'finish-exit', '0'], 'providers.NotExiting'],
      [['provider', 'register', '--config', 'node.json'], 'providers.NotLinkOwner'],
      [['hypernode', 'register', '--report-suri', '//Alice', '--location', 'DE', '--address', 'a.example'], 'sla.SignerInUse'],
      [['hypernode', 'stake-link', '2'], 'sla.NotRegistered'],
      [['hypernode', 'deregister'], 'sla.NotRegistered'],
      [['hypernode', 'unstake-link', '10'], 'sla.NotRegistered'],
      [['builder', 'book', '0', '100', '1', '--max-total', '1000'], 'marketplace.Unfillable'],
      [['builder', 'book', '0', '1', '1', '--max-total', '0.1'], 'marketplace.PriceAboveMax'],
      [['builder', 'cancel', '99'], 'marketplace.UnknownBooking'],
      [['builder', 'extend', '99', '1', '--max-total', '1'], 'marketplace.UnknownBooking'],
      [['builder', 'quote', '9', '1', '1'], 'marketplace.UnknownCluster'],
      [['delegator', 'delegate', '99', '1000'], 'providers.UnknownNode'],
      [['delegator', 'undelegate', '0', '1'], 'providers.NotDelegated'],
      [['delegator', 'withdraw', '0'], 'providers.NotDelegated'],
      [['delegator', 'claim', '0'], 'providers.NotDelegated'],
      [['validator', 'validate'], 'staking.NotController'],
      [['validator', 'chill'], 'staking.NotController'],
      [['validator', 'set-keys', '--keys', `0x${'00'.repeat(64)}`, '--proof', '0x00'], 'session.InvalidProof'],
      [['chain', 'transfer', 'icw1q3ZgrSW8eifeU8bt5FLDg3RfJDrGQJyN21bswdUGtjuTu', '100000000'], 'Token.FundsUnavailable'],
    ];
    const seen = [];
    for (const [args, error] of cases) {
      const r = await icn(args, '//Alice//stash');
      seen.push([args.slice(0, 2).join(' '), r.code, r.err.trim()]);
      assert.equal(r.code, 1, `icn ${args.join(' ')}: exit ${r.code}\n${r.out}\n${r.err}`);
      assert.equal(r.err.trim().split('\n').pop(), `error: ${error}`, `icn ${args.join(' ')}`);
    }
    const json = await icn(['--json', 'builder', 'cancel', '99'], '//Alice//stash');
    assert.equal(json.code, 1);
    assert.deepEqual(JSON.parse(json.out), { ok: false, error: 'marketplace.UnknownBooking' });
    const quote = JSON.parse((await icn(['--json', 'builder', 'quote', '0', '1', '1'])).out);
    assert.equal(quote.ok, true);
    assert.match(quote.total, /^\d+$/);
    return seen;
  };

  const names = ['provider-operate', 'delegator', 'builder', 'hypernode', 'validator'];
  const [outs, seen] = await Promise.all([
    Promise.all(names.map((n) => walk(n, w[n]))),
    refusals(),
  ]);
  const out = Object.fromEntries(names.map((n, i) => [n, outs[i]]));
  assert.equal(seen.length, 23);

  // What the pages say each walkthrough ends with.
  assert.match(out['provider-operate'], /SLA score 100 % \(\d+\/\d+ eras passed\)/);
  assert.match(out['provider-operate'], /providers\.CommitmentExtended/);
  assert.match(out['provider-operate'], /^node 0, blocks #\d+–#\d+: bookings/m);
  assert.match(out.delegator, /providers\.RewardsClaimed \{"node":0,/);
  assert.match(out.delegator, /providers\.Withdrawn \{"node":0,/);
  assert.match(out.builder, /^booking 0 ended$/m);
  assert.match(out.builder, /era \d+: paid [\d.,]+ ICNT to providers/);
  assert.match(out.builder, /^booking 1 cancelled; refunded/m);
  assert.match(out.hypernode, /era \d+: [1-9]\d* results accepted/);
  assert.match(out.validator, /bonded 200,000 ICNT, candidate \(commission 5 %\), keys set/);

  // The refusals the pages quote, by the walkthroughs' own accounts.
  for (const [suri, args, error] of [
    ['//Bob', ['provider', 'exit', '0'], 'providers.CommitmentNotEnded'],
    ['//Charlie', ['provider', 'update', '0', '--price', '1'], 'providers.NotProvider'],
    ['//Charlie', ['delegator', 'withdraw', '0'], 'providers.NotDelegated'],
    ['//Charlie', ['delegator', 'claim', '0'], 'providers.NotDelegated'],
    ['//Ferdie', ['hypernode', 'register', '--report-key-file', 'report.key', '--location', 'DE', '--address', 'oracle.example.com'], 'sla.AlreadyRegistered'],
    ['//Ferdie', ['hypernode', 'stake-link', '2'], 'sla.NotLinkOwner'],
    ['//Dave', ['builder', 'book', '0', '4', '1', '--max-total', '1'], 'marketplace.PriceAboveMax'],
    ['//Eve', ['validator', 'bond', '1'], 'staking.AlreadyBonded'],
  ]) {
    const r = await icn(args, suri);
    assert.equal(r.code, 1, `${suri} icn ${args.join(' ')}: exit ${r.code}\n${r.err}`);
    assert.equal(r.err.trim().split('\n').pop(), `error: ${error}`, `${suri} icn ${args.join(' ')}`);
  }
});
