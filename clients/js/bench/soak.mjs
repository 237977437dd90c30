// The long run (issue 22 part 4; `scripts/bench.sh soak` runs it and writes docs/benchmarks.md):
// drives a `--sealing` dev validator through `--blocks` blocks of mixed load, upgrades its
// runtime on the way, and samples its memory and database every `--sample` blocks.
//
//   node bench/soak.mjs --url ws://127.0.0.1:9944 --pid <validator pid> --base-path <its dir>
//       --wasm <upgrade blob> [--blocks 10000] [--upgrade-at 5000] [--sample 1000]
//       [--transfers 10] [--book-every 20] --out soak.json
//
// Set-up: a real storage server (scripts/audit-object.py serve) for Bob's node, so the dev
// HyperNode's (Alice's) reports pass it; Ferdie's node has an endpoint nobody serves, so the
// reports fail it and the SLA slashes it; Alice funds 20 `//soak//<i>` senders.
// Then, at each new block: `--transfers` transfers of 1 ICNT from the senders (immortal,
// nonces kept here, submitted with `author_submitExtrinsic`); every `--book-every` blocks
// Dave books one unit of cluster 0 for two eras; at `--upgrade-at`, Alice's sudo `set_code`
// of the upgrade blob (spec_version + 1; every later transaction is signed for it, as
// @polkadot/api follows the upgrade). Every `--sample` blocks: the validator's VmRSS and
// VmHWM (/proc/<pid>/status) and its database size (`du -sk`).
//
// Every block's events are read raw as it comes, decoded with the registry of the runtime that
// wrote them, and tallied: the JSON written to `--out` has the samples, the tallies and the
// upgrade's block and versions.

import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { hexToU8a } from '@polkadot/util';
import { startStorageServer, freePort } from '../test/helpers.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  if (fallback === undefined) throw new Error(`--${name} is required`);
  return fallback;
};
const URL = opt('url');
const PID = Number(opt('pid'));
const BASE = opt('base-path');
const WASM = opt('wasm');
const OUT = opt('out');
const BLOCKS = Number(opt('blocks', 10000));
const UPGRADE_AT = Number(opt('upgrade-at', 5000));
const SAMPLE = Number(opt('sample', 1000));
const TRANSFERS = Number(opt('transfers', 10));
const BOOK_EVERY = Number(opt('book-every', 20));
const SENDERS = 20;
const ICNT = 10n ** 18n;
const log = (...a) => console.error('[soak]', ...a);

const signedExtensions = { CheckSlaReport: { extrinsic: {}, payload: {} } };
const provider = new WsProvider(URL);
const api = await ApiPromise.create({ provider, signedExtensions, noInitWarn: true });
const keyring = new Keyring({ type: 'sr25519', ss58Format: 122 });
const [alice, bob, dave, ferdie] = ['//Alice', '//Bob', '//Dave', '//Ferdie'].map((s) => keyring.addFromUri(s));
const senders = Array.from({ length: SENDERS }, (_, i) => keyring.addFromUri(`//soak//${i}`));
// Alice's account also signs the dev HyperNode's reports (its off-chain worker, once an era:
// every second here), faster than a 5 MB `set_code` is signed and submitted: her `Any` proxy
// sends the upgrade, with a nonce nobody else uses.
const root = keyring.addFromUri('//soak//root');
const specBefore = api.runtimeVersion.specVersion.toNumber();

/// Signs and submits `tx`; resolves with its block hash once in a block (or finalized),
/// rejects on a dispatch error (read from that block's raw events with `registry`).
function inBlock(tx, signer, options = {}) {
  return new Promise((resolve, reject) => {
    tx.signAsync(signer, { era: 0, ...options }).then((signed) =>
      api.rpc.author.submitAndWatchExtrinsic(signed, (status) => {
        if (status.isInBlock || status.isFinalized) resolve(status.isInBlock ? status.asInBlock : status.asFinalized);
        else if (status.isInvalid || status.isDropped || status.isUsurped) reject(new Error(`transaction ${status.type}`));
      })).catch(reject);
  });
}

async function rawEvents(hash, registry) {
  const raw = await provider.send('state_getStorage', [api.query.system.events.key(), hash.toString()]);
  return registry.createType('Vec<FrameSystemEventRecord>', raw);
}

/// Fails if the extrinsic at `hash` failed: its ExtrinsicFailed names the error.
async function expectOk(what, hash) {
  for (const { event } of await rawEvents(hash, api.registry)) {
    if (api.events.system.ExtrinsicFailed.is(event)) throw new Error(`${what}: ${JSON.stringify(event.data.toHuman())}`);
  }
}

function sample(block, t0) {
  const status = readFileSync(`/proc/${PID}/status`, 'utf8');
  const kib = (key) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))[1]);
  const db = Number(execFileSync('du', ['-sk', BASE], { encoding: 'utf8' }).split('\t')[0]);
  const s = { block, seconds: (Date.now() - t0) / 1000, rssKib: kib('VmRSS'), hwmKib: kib('VmHWM'), dbKib: db };
  log(JSON.stringify(s));
  return s;
}

// --- set-up
const storage = await startStorageServer();
const deadEndpoint = `http://127.0.0.1:${await freePort()}`;
const nodeSpec = (endpoint) => ({
  cluster: 0, capacity: 15, location: 'DE', endpoint, audit: storage.commitment,
  reservationPrice: ICNT / 2n, hardware: 'Enterprise', commission: 100_000_000,
});
await Promise.all([
  inBlock(api.tx.utility.batchAll([
    ...[...senders, root].map((s) => api.tx.balances.transferKeepAlive(s.address, 100_000n * ICNT)),
    api.tx.proxy.addProxy(root.address, 'Any', 0),
  ]), alice).then((h) => expectOk('funding the senders and the proxy', h)),
  inBlock(api.tx.providers.registerNode(nodeSpec(storage.endpoint), 5_000n * ICNT, [2]), bob)
    .then((h) => expectOk('Bob\'s node', h)),
  inBlock(api.tx.providers.registerNode(nodeSpec(deadEndpoint), 5_000n * ICNT, [10]), ferdie)
    .then((h) => expectOk('Ferdie\'s node', h)),
]);
const nonces = await Promise.all(senders.map(async (s) => (await api.rpc.system.accountNextIndex(s.address)).toNumber()));
let daveNonce = (await api.rpc.system.accountNextIndex(dave.address)).toNumber();
const start = (await api.rpc.chain.getHeader()).number.toNumber();
log(`set up at block #${start}: Bob's node served, Ferdie's not; ${SENDERS} senders funded`);

// --- tallies: every block's events as blocks come (the validator prunes old states), read
// raw and decoded with the registry of the runtime that wrote them (`getBlockRegistry`: the
// runtime of the block's parent), never with the registry @polkadot/api switches on upgrade.
const tallies = {};
const kinds = [
  ['transfers', api.events.balances.Transfer], ['bookings', api.events.marketplace.Booked],
  ['reportsAccepted', api.events.sla.ReportAccepted], ['nodeSlashes', api.events.providers.NodeSlashed],
  ['codeUpdated', api.events.system.CodeUpdated], ['extrinsicsFailed', api.events.system.ExtrinsicFailed],
];
let extrinsics = 0;
let tallied = 0;
let tallying = Promise.resolve();
/// Tallies blocks up to `upTo` (once each, in order).
function tally(upTo) {
  tallying = tallying.then(async () => {
    while (tallied < upTo) {
      const n = tallied + 1;
      const hash = await provider.send('chain_getBlockHash', [n]);
      const { registry } = await api.getBlockRegistry(hexToU8a(hash));
      for (const { event } of await rawEvents(hash, registry)) {
        for (const [key, ev] of kinds) if (ev.is(event)) tallies[key] = (tallies[key] ?? 0) + 1;
        if (api.events.system.ExtrinsicFailed.is(event)) {
          const error = event.data.dispatchError;
          const name = error.isModule ? (({ section, name: n }) => `${section}.${n}`)(registry.findMetaError(error.asModule)) : error.type;
          tallies.failed = { ...tallies.failed, [name]: (tallies.failed?.[name] ?? 0) + 1 };
        }
        if (api.events.system.ExtrinsicSuccess.is(event) || api.events.system.ExtrinsicFailed.is(event)) extrinsics += 1;
      }
      tallied = n;
    }
  });
  return tallying;
}

// --- the run
const t0 = Date.now();
const samples = [sample(start, t0)];
let next = SENDERS; // round robin over the senders
let busy = false;
let upgradeSent = false;
let upgradeBlock = null;
let refused = 0;
let submitted = 0;
let nextSample = (Math.floor(start / SAMPLE) + 1) * SAMPLE;
const submit = async (tx, pair, nonce) => {
  const signed = await tx.signAsync(pair, { nonce, era: 0 });
  await provider.send('author_submitExtrinsic', [signed.toHex()]);
};
let resolveDone;
const done = new Promise((r) => { resolveDone = r; });
const unsub = await api.rpc.chain.subscribeNewHeads(async (header) => {
  const n = header.number.toNumber();
  if (n >= nextSample) {
    samples.push(sample(n, t0));
    nextSample += SAMPLE;
  }
  tally(Math.min(n, BLOCKS)).catch((e) => { log(`tally: ${e.message}`); process.exitCode = 1; });
  if (n >= BLOCKS) { resolveDone(); return; }
  if (!upgradeSent && n >= UPGRADE_AT) {
    upgradeSent = true;
    const code = readFileSync(WASM);
    const setCode = () => api.tx.sudo.sudoUncheckedWeight(api.tx.system.setCode(`0x${code.toString('hex')}`), { refTime: 0, proofSize: 0 });
    inBlock(api.tx.proxy.proxy(alice.address, null, setCode()), root).then(async (hash) => {
      const { registry } = await api.getBlockRegistry(hexToU8a(hash.toHex()));
      if (!(await rawEvents(hash, registry)).some(({ event }) => api.events.system.CodeUpdated.is(event))) {
        throw new Error('no system.CodeUpdated in its block');
      }
      upgradeBlock = (await api.rpc.chain.getHeader(hash)).number.toNumber();
      log(`set_code in block #${upgradeBlock}`);
    }).catch((e) => {
      log(`set_code: ${e.message}`);
      process.exitCode = 1;
    });
  }
  if (busy) return;
  busy = true;
  try {
    // Every 100 blocks the nonces are read again: a transaction the pool dropped (one signed
    // for the old runtime when the upgrade lands) would otherwise hold back its sender's next.
    if (n % 100 === 0) {
      await Promise.all(senders.map(async (s, i) => { nonces[i] = (await api.rpc.system.accountNextIndex(s.address)).toNumber(); }));
      daveNonce = (await api.rpc.system.accountNextIndex(dave.address)).toNumber();
    }
    const batch = [];
    for (let k = 0; k < TRANSFERS; k++) {
      const i = next++ % SENDERS;
      const to = senders[(i + 1) % SENDERS].address;
      batch.push(submit(api.tx.balances.transferKeepAlive(to, ICNT), senders[i], nonces[i])
        .then(() => { nonces[i] += 1; submitted += 1; })
        .catch(async () => { refused += 1; nonces[i] = (await api.rpc.system.accountNextIndex(senders[i].address)).toNumber(); }));
    }
    if (n % BOOK_EVERY === 0) {
      batch.push(submit(api.tx.marketplace.book(0, 1, 2, 1_000n * ICNT), dave, daveNonce)
        .then(() => { daveNonce += 1; submitted += 1; })
        .catch(async () => { refused += 1; daveNonce = (await api.rpc.system.accountNextIndex(dave.address)).toNumber(); }));
    }
    await Promise.all(batch);
  } finally {
    busy = false;
  }
});
await done;
unsub();
const seconds = (Date.now() - t0) / 1000;
const specAfter = (await api.rpc.state.getRuntimeVersion()).specVersion.toNumber();
log(`#${BLOCKS} after ${seconds.toFixed(0)} s; ${submitted} transactions accepted by the pool, ${refused} refused`);

await tally(BLOCKS);
tallies.extrinsics = extrinsics;
if (upgradeBlock === null || specAfter !== specBefore + 1) {
  log(`the runtime upgrade did not happen (spec_version ${specBefore} -> ${specAfter})`);
  process.exitCode = 1;
}
log(JSON.stringify(tallies));
writeFileSync(OUT, JSON.stringify({ blocks: BLOCKS, start, seconds, specBefore, specAfter, upgradeBlock, submitted, refused, tallies, samples }, null, 1));
await api.disconnect();
await storage.stop();
process.exit(process.exitCode ?? 0);
