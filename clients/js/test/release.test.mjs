// The production runtime (scripts/build-runtime.sh: no benchmarks, metadata hash, production
// profile) — the code the staging spec carries and upgrades propose — run for real: a dev chain
// whose genesis carries that WASM authors blocks; its RFC-78 metadata hash, recomputed from its
// own metadata, is the one it embeds (a transfer signed with `mode: 1` and that hash is
// accepted); and it is the tested runtime minus the benchmarks: the same pallets, calls, events,
// errors, storage, constants and runtime APIs as the test build, without `Benchmark`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { merkleizeMetadata } from '@polkadot-api/merkleize-metadata';
import { nodeBinary, startDevNode, waitFor } from './helpers.mjs';

const signedExtensions = { CheckSlaReport: { extrinsic: {}, payload: {} } };
const OUT = process.env.ICN_RUNTIME_OUT
  ?? join(process.env.CARGO_TARGET_DIR ?? join(process.env.HOME, '.cache/icn-chain/target'), 'production');
const SUMMARY = join(OUT, 'icn_runtime.production.json');

let summary, dir, production, tested, prodApi, testedApi;

before(async () => {
  assert.ok(existsSync(SUMMARY), `${SUMMARY} missing: run scripts/build-runtime.sh first`);
  summary = JSON.parse(readFileSync(SUMMARY, 'utf8'));
  // The dev chain's plain spec with the production runtime as its genesis code: genesis is
  // built by that runtime from its own `development` preset.
  // The code is replaced in the text: JSON.parse would round the genesis' u128 amounts.
  const plain = execFileSync(nodeBinary(), ['build-spec', '--chain', 'dev', '--disable-default-bootnode'],
    { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 26 }).toString();
  const code = '0x' + readFileSync(summary.compressed.path).toString('hex');
  const spec = plain.replace(/"code": "0x[0-9a-f]*"/, () => `"code": "${code}"`);
  assert.ok(spec !== plain && spec.includes(code), 'no genesis code in the dev spec');
  dir = mkdtempSync(join(tmpdir(), 'icn-release-'));
  writeFileSync(join(dir, 'dev-production.json'), spec);
  [production, tested] = await Promise.all([
    startDevNode(['--chain', join(dir, 'dev-production.json')]),
    startDevNode(),
  ]);
  prodApi = await ApiPromise.create({ provider: new WsProvider(production.url), signedExtensions, noInitWarn: true });
  testedApi = await ApiPromise.create({ provider: new WsProvider(tested.url), signedExtensions, noInitWarn: true });
});

after(async () => {
  await prodApi?.disconnect();
  await testedApi?.disconnect();
  await production?.stop();
  await tested?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the production runtime authors blocks: its version is the build summary\'s', async () => {
  const code = await prodApi.rpc.state.getStorage(':code');
  assert.equal(code.toHex().length, 2 + 2 * summary.compressed.size, 'the chain runs the production blob');
  await waitFor('block #2 from the production runtime', async () =>
    (await prodApi.rpc.chain.getHeader()).number.toNumber() >= 2, { timeout: 60_000, every: 1_000 });
  const v = prodApi.runtimeVersion;
  assert.equal(v.specName.toString(), summary.version.specName);
  assert.equal(v.specVersion.toNumber(), summary.version.specVersion);
  assert.equal(v.transactionVersion.toNumber(), summary.version.transactionVersion);
  assert.equal(v.specVersion.toNumber(), testedApi.runtimeVersion.specVersion.toNumber());
});

test('its metadata hash is the one it embeds: a transfer signed with mode 1 is accepted', async () => {
  const v15 = await prodApi.call.metadata.metadataAtVersion(15);
  const digest = '0x' + Buffer.from(
    merkleizeMetadata(v15.unwrap().toU8a(true), { decimals: 18, tokenSymbol: 'ICNT' }).digest(),
  ).toString('hex');
  assert.equal(digest, summary.metadataHash, 'the embedded RUNTIME_METADATA_HASH is not this runtime\'s');
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 122 });
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  const events = await new Promise((resolve, reject) => {
    prodApi.tx.balances.transferKeepAlive(bob.address, 10n ** 18n)
      .signAndSend(alice, { mode: 1, metadataHash: digest }, ({ status, events, dispatchError }) => {
        if (dispatchError) reject(new Error(dispatchError.toString()));
        else if (status.isInBlock) resolve(events);
      }).catch(reject);
  });
  assert.ok(events.some(({ event }) => prodApi.events.balances.Transfer.is(event)));
});

// Everything a client sees, by name and type name (type ids may differ between the two
// registries: the benchmark API's types are registered in one only).
function surface(api) {
  const out = {};
  for (const p of api.runtimeMetadata.asLatest.pallets) {
    const name = p.name.toString();
    const variants = (opt) => opt.isSome
      ? api.registry.lookup.getSiType(opt.unwrap().type).def.asVariant.variants
        .map((v) => `${v.name}(${v.fields.map((f) => `${f.name.toString()}: ${f.typeName.toString()}`).join(', ')})`)
      : [];
    out[name] = {
      index: p.index.toNumber(),
      calls: variants(p.calls),
      events: variants(p.events),
      errors: variants(p.errors),
      storage: p.storage.isSome ? p.storage.unwrap().items.map((i) => i.name.toString()) : [],
      // System.Version lists the runtime APIs: compared below, without Benchmark.
      constants: p.constants.filter((c) => !(name === 'System' && c.name.toString() === 'Version'))
        .map((c) => `${c.name}=${c.value.toHex()}`),
    };
  }
  return out;
}

test('it is the tested runtime minus the benchmarks: same pallets, calls, events, errors, storage, constants and APIs', async () => {
  assert.deepEqual(surface(prodApi), surface(testedApi));
  const apis = (api) => api.runtimeMetadata.asLatest.apis
    .map((a) => `${a.name}: ${a.methods.map((m) => m.name.toString()).join(',')}`);
  const [prodApis, testedApis] = [apis(prodApi), apis(testedApi)];
  assert.ok(prodApis.length > 10, prodApis.join('\n'));
  assert.ok(testedApis.some((a) => a.startsWith('Benchmark:')), 'the test build has the Benchmark API');
  assert.ok(!prodApis.some((a) => a.startsWith('Benchmark:')), 'the production runtime has no Benchmark API');
  assert.deepEqual(prodApis, testedApis.filter((a) => !a.startsWith('Benchmark:')));
});
