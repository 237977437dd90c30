// The client suite: everything a wallet or app does with ICN Chain, from @polkadot/api with
// metadata alone (no type bundles), against a real `icn-node --dev` that the suite starts.
//
//   cd clients/js && ICN_UPGRADE_WASM=$(../../scripts/upgrade-wasm.sh) npm test
//
// The tests share one chain and run in order (the runtime upgrade last). The sections
// between `// --- name` markers are the snippets docs/clients.md quotes; the last test
// checks every snippet of that page is in this file, verbatim.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { merkleizeMetadata } from '@polkadot-api/merkleize-metadata';
import { ROOT, startDevNode, startStorageServer, waitFor } from './helpers.mjs';

// --- connect
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { u8aToHex } from '@polkadot/util';

// CheckSlaReport, the chain's pool check on SLA reports, carries no data; @polkadot/api warns
// about extensions it does not know by name unless they are declared (as empty). noInitWarn:
// no list of the node's own `icn_*` RPC methods (call them with `provider.send`).
const signedExtensions = { CheckSlaReport: { extrinsic: {}, payload: {} } };

async function connect(url = 'ws://127.0.0.1:9944') {
  const provider = new WsProvider(url);
  const api = await ApiPromise.create({ provider, signedExtensions, noInitWarn: true });
  return { api, provider };
}
const keyring = new Keyring({ type: 'sr25519', ss58Format: 122 });
// ---

// --- submit
// Signs and submits `tx`; resolves with the block hash and events once it is in a block,
// rejects with the dispatch error by *name*: `pallet.Error` for module errors
// (e.g. `providers.PrivateEndpoint`), `Token.Frozen` and the like otherwise.
function errorName(api, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}`;
  }
  if (dispatchError.isToken) return `Token.${dispatchError.asToken.type}`;
  if (dispatchError.isArithmetic) return `Arithmetic.${dispatchError.asArithmetic.type}`;
  return dispatchError.type;
}

function submit(api, tx, signer, options = {}) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, options, ({ status, events, dispatchError }) => {
      // In a block, or straight to finalized (a `--sealing` node may report only that).
      if (status.isInBlock || status.isFinalized) {
        if (dispatchError) reject(new Error(errorName(api, dispatchError)));
        else resolve({ blockHash: status.isInBlock ? status.asInBlock : status.asFinalized, events });
      } else if (status.isInvalid || status.isDropped || status.isUsurped) {
        reject(new Error(`transaction ${status.type}`));
      }
    }).catch(reject);
  });
}

// Root calls through `sudo.sudo`: the inner call's error is in `sudo.Sudid`.
async function sudo(api, call, alice) {
  const { blockHash, events } = await submit(api, api.tx.sudo.sudo(call), alice);
  const sudid = events.find(({ event }) => api.events.sudo.Sudid.is(event)).event.data.sudoResult;
  if (sudid.isErr) throw new Error(errorName(api, sudid.asErr));
  return { blockHash, events };
}

// ICNT has 18 decimals; `eventsOf` picks the data of one kind of event out of a block's.
const ICNT = 10n ** 18n;
const eventsOf = (api, events, ev) => events.filter(({ event }) => ev.is(event)).map(({ event }) => event.data);
// ---

let node, storage, api, provider;
let alice, bob, charlie, dave, ferdie;

before(async () => {
  storage = await startStorageServer();
  node = await startDevNode();
  ({ api, provider } = await connect(node.url));
  [alice, bob, charlie, dave, ferdie] = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Ferdie'].map((s) => keyring.addFromUri(s));
});

// The node's SLA worker lines (`era N: probed … failed: [reasons]`, report parts not sent),
// for failure messages: the log shows no targets, so they are found by their text.
const slaLog = () => node.log().split('\n').filter((l) => /\bera \d+: /.test(l)).slice(-40).join('\n');

after(async () => {
  if (api) await api.disconnect();
  if (node) await node.stop();
  if (storage) await storage.stop();
});

test('chain properties, metadata, and every ICN item documented', async () => {
  // --- properties
  const properties = await api.rpc.system.properties();
  const [symbol] = api.registry.chainTokens;
  const [decimals] = api.registry.chainDecimals;
  // ---
  assert.equal(symbol, 'ICNT');
  assert.equal(decimals, 18);
  assert.equal(properties.ss58Format.unwrap().toNumber(), 122);

  // Every pallet of the runtime is in the metadata, with its calls, storage and events.
  const pallets = api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString());
  for (const name of ['System', 'Timestamp', 'Aura', 'Grandpa', 'Balances', 'TransactionPayment', 'Sudo',
    'Vesting', 'Nfts', 'Providers', 'Marketplace', 'Sla', 'Authorship', 'Staking', 'Offences', 'Historical', 'Session',
    'Preimage', 'Scheduler', 'Referenda', 'ConvictionVoting', 'Origins', 'Treasury', 'Council', 'Utility',
    'Multisig', 'Proxy']) {
    assert.ok(pallets.includes(name), `pallet ${name} missing from the metadata`);
  }
  for (const section of ['vesting', 'providers', 'marketplace', 'sla', 'balances', 'staking', 'session',
    'preimage', 'scheduler', 'referenda', 'convictionVoting', 'treasury', 'council', 'multisig', 'proxy']) {
    assert.ok(Object.keys(api.tx[section]).length > 0, `${section}: no calls`);
    assert.ok(Object.keys(api.query[section]).length > 0, `${section}: no storage`);
    assert.ok(Object.keys(api.events[section]).length > 0, `${section}: no events`);
  }
  // The ICN pallets' calls, events, errors and storage items all carry docs (Polkadot.js
  // apps shows them), and so do their runtime APIs.
  const undocumented = [];
  for (const section of ['vesting', 'providers', 'marketplace', 'sla']) {
    const items = [
      ...Object.entries(api.tx[section]).map(([n, f]) => [`call ${n}`, f.meta.docs]),
      ...Object.entries(api.events[section]).map(([n, e]) => [`event ${n}`, e.meta.docs]),
      ...Object.entries(api.errors[section]).map(([n, e]) => [`error ${n}`, e.meta.docs]),
      ...Object.entries(api.query[section]).map(([n, q]) => [`storage ${n}`, q.creator.meta.docs]),
    ];
    for (const [what, docs] of items) {
      if (docs.map((d) => d.toString()).join('').trim() === '') undocumented.push(`${section} ${what}`);
    }
  }
  const apis = api.runtimeMetadata.asLatest.apis.filter((a) => /^(Vesting|Providers|Marketplace|Sla)Api$/.test(a.name.toString()));
  assert.equal(apis.length, 4, 'the four ICN runtime APIs are in the metadata');
  for (const a of apis) {
    if (a.docs.join('').trim() === '') undocumented.push(`runtime API ${a.name}`);
    for (const m of a.methods) if (m.docs.join('').trim() === '') undocumented.push(`runtime API ${a.name}.${m.name}`);
  }
  assert.deepEqual(undocumented, [], 'undocumented items');
});

test('CheckMetadataHash: the runtime embeds the RFC-78 metadata hash of ICNT/18', async () => {
  // --- metadata-hash
  // What a hardware wallet verifies: the merkleized metadata's digest, with the chain's
  // token symbol and decimals. Sign with `mode: 1` and that hash.
  const v15 = await api.call.metadata.metadataAtVersion(15);
  const metadataHash = '0x' + Buffer.from(
    merkleizeMetadata(v15.unwrap().toU8a(true), { decimals: 18, tokenSymbol: 'ICNT' }).digest(),
  ).toString('hex');
  const tx = api.tx.balances.transferKeepAlive(ferdie.address, 1n * ICNT);
  const { events } = await submit(api, tx, dave, { mode: 1, metadataHash });
  // ---
  // Its own transfer (the first transaction of a block also carries the events of `on_poll`,
  // such as the era's reward transfers: their phase is that transaction's).
  assert.equal(eventsOf(api, events, api.events.balances.Transfer).filter((t) => t.from.toString() === dave.address).length, 1);
  // A wrong hash is a different signed payload: the transaction is refused as a bad proof.
  const wrong = '0x' + '11'.repeat(32);
  await assert.rejects(
    submit(api, api.tx.balances.transferKeepAlive(ferdie.address, 1n * ICNT), dave, { mode: 1, metadataHash: wrong }),
    /bad signature|BadProof|Invalid Transaction/i,
  );
});

test('vesting: info over RPC and api.call, vest releases what is due, frozen ICNT cannot move', async () => {
  // --- vesting
  // Bob's Ecosystem-development-fund schedule: total, released, claimable, locked.
  const info = await api.call.vestingApi.vestingInfo(bob.address);
  const rpcInfo = await provider.send('icn_vestingInfo', [bob.address]);
  // The same runtime API through `state_call` (what any client without decoration can do).
  // `Bytes` from a Uint8Array would be read as length-prefixed: pass the raw bytes as hex.
  const raw = await api.rpc.state.call('VestingApi_vesting_info', u8aToHex(bob.addressRaw));
  const decoded = api.createType('PalletIcnVestingRuntimeApiVestingInfo', raw);
  // ---
  assert.equal(rpcInfo.total, info.total.toString());
  assert.equal(rpcInfo.released, info.released.toString());
  assert.equal(decoded.total.toString(), info.total.toString());
  assert.ok(info.total.toBigInt() > 0n);

  const frozenOf = async (at) => {
    const freezes = await (await api.at(at)).query.balances.freezes(bob.address);
    return freezes.reduce((sum, f) => sum + f.amount.toBigInt(), 0n);
  };
  // --- vest
  const { blockHash, events } = await submit(api, api.tx.vesting.vest(), bob);
  const [vested] = eventsOf(api, events, api.events.vesting.Vested);
  // ---
  const parent = (await api.rpc.chain.getHeader(blockHash)).parentHash;
  const before = await (await api.at(parent)).call.vestingApi.vestingInfo(bob.address);
  const after = await (await api.at(blockHash)).call.vestingApi.vestingInfo(bob.address);
  const amount = vested.amount.toBigInt();
  assert.ok(amount > 0n, 'something was due');
  // Exactly what became due: released grows by it, nothing is left claimable, the freeze
  // shrinks by it.
  assert.equal(after.released.toBigInt(), before.released.toBigInt() + amount);
  assert.equal(after.claimable.toBigInt(), 0n);
  assert.equal(await frozenOf(parent) - await frozenOf(blockHash), amount);

  // Charlie's Team allocation is frozen (cliff): moving it fails, by name.
  const { data } = await api.query.system.account(charlie.address);
  const frozen = data.frozen.toBigInt();
  assert.ok(frozen > 2_000_000n * ICNT, 'Charlie holds a frozen Team allocation');
  await assert.rejects(
    submit(api, api.tx.balances.transferKeepAlive(ferdie.address, data.free.toBigInt() - frozen + 1n * ICNT), charlie),
    { message: 'Token.Frozen' },
  );
});

const NODE = 0;
let nodeAtRegistration;

test('providers: a private endpoint is refused where that is off; a node registers with ICNT + a Link', async () => {
  const nodeSpec = (endpoint) => ({
    cluster: 0,
    capacity: 15,
    location: 'DE',
    endpoint,
    audit: storage.commitment,
    reservationPrice: ICNT / 2n,
    hardware: 'Enterprise',
    commission: 100_000_000, // 10 % (Perbill)
  });
  // The dev chain allows loopback endpoints (its tests serve storage there). Root turns
  // that off, as on staging and production: a loopback endpoint is refused by name.
  const params = (await api.query.providers.params()).toJSON();
  await sudo(api, api.tx.providers.setParams({ ...params, allowPrivateEndpoints: false }), alice);
  await assert.rejects(
    submit(api, api.tx.providers.registerNode(nodeSpec(storage.endpoint), 15_000n * ICNT, []), charlie),
    { message: 'providers.PrivateEndpoint' },
  );
  await sudo(api, api.tx.providers.setParams(params), alice);

  // --- register
  // 15 units in FRA-1 need 15,000 ICNT of backing: 5,000 ICNT held plus Link 2 (10,000).
  const register = api.tx.providers.registerNode(nodeSpec(storage.endpoint), 5_000n * ICNT, [2]);
  const { blockHash: registeredIn, events } = await submit(api, register, bob);
  const [registered] = eventsOf(api, events, api.events.providers.NodeRegistered);
  const nodeInfo = await provider.send('icn_nodeInfo', [registered.node.toNumber()]);
  // ---
  assert.equal(registered.node.toNumber(), NODE);
  assert.equal(nodeInfo.status, 'Active');
  assert.equal(nodeInfo.provider, bob.address);
  assert.deepEqual(nodeInfo.links, [2]);
  assert.equal(nodeInfo.collateral, (5_000n * ICNT).toString());
  assert.equal(nodeInfo.backing, (15_000n * ICNT).toString());
  assert.equal(nodeInfo.endpoint, storage.endpoint);
  // No verdict yet: at the registration block no era is counted and the score is 100 %.
  assert.equal(await provider.send('icn_slaScore', [NODE, registeredIn.toHex()]), 1_000_000_000);
  assert.equal((await provider.send('icn_nodeSla', [NODE, registeredIn.toHex()])).counted, 0);
  assert.deepEqual(await provider.send('icn_providerNodes', [bob.address]), [NODE]);
  assert.ok((await provider.send('icn_clusterNodes', [0])).includes(NODE));
  // The runtime API through api.call gives the same record.
  const viaCall = (await api.call.providersApi.node(NODE)).unwrap();
  assert.equal(viaCall.collateral.toString(), nodeInfo.collateral);
  assert.equal(await provider.send('icn_nodeInfo', [999]), null);
  // The locked Link cannot move.
  await assert.rejects(submit(api, api.tx.nfts.transfer(0, 2, ferdie.address), bob), /nfts\./);
  nodeAtRegistration = nodeInfo;
});

test('SLA: the dev HyperNode reports land and the score moves', async () => {
  assert.ok(nodeAtRegistration, 'the providers test registered the node');
  // --- sla
  // The score is passed/counted eras over the window, parts per billion; a node with no
  // counted era yet has the benefit of the doubt: 100 % (`counted` is 0).
  const score = await provider.send('icn_slaScore', [NODE]);
  const sla = await provider.send('icn_nodeSla', [NODE]);
  const assigned = await provider.send('icn_assignments', [alice.address]);
  // Reports as they land.
  const reports = [];
  const unsub = await api.query.system.events((records) => {
    for (const { event } of records) {
      if (api.events.sla.ReportAccepted.is(event)) reports.push(event.data.owner.toString());
    }
  });
  // ---
  // A node is probed from the era after its registration: wait until it is assigned.
  if (!assigned.nodes.includes(NODE)) {
    await waitFor('the node in Alice\'s assignment', async () =>
      (await provider.send('icn_assignments', [alice.address])).nodes.includes(NODE), { timeout: 120_000 });
  }
  assert.equal(score, sla.scorePpb);
  const countedBefore = sla.counted;
  await waitFor('a report from Alice', () => reports.includes(alice.address), { timeout: 180_000 });
  // The window moves: an era is counted, and it passed.
  const after = await waitFor('a counted era', async () => {
    const s = await provider.send('icn_nodeSla', [NODE]);
    return s.counted > countedBefore ? s : null;
  });
  unsub();
  // On failure, what the node's worker logged (its probes and their reasons).
  assert.ok(after.passed >= 1 && after.passed === after.counted, `${JSON.stringify(after)}\n${slaLog()}`);
  const moved = await provider.send('icn_slaScore', [NODE]);
  assert.equal(moved, 1_000_000_000, 'every counted era passed');
  assert.equal(after.scorePpb, moved);
  // The same through api.call.
  assert.equal((await api.call.slaApi.nodeSla(NODE)).score.toNumber(), moved);
});

test('marketplace: icn_quote is what book charges; cancel refunds it all', async () => {
  const [cluster, units, eras] = [0, 4, 2];
  // Quote, book and cancel early in an era (on the era clock `vesting.eras`, as
  // docs/clients.md computes it), so that the booking has not started when it is cancelled.
  // --- era of a block
  const { segments } = (await api.query.vesting.eras()).toJSON();
  const eraOf = (block) => {
    const s = segments.filter((s) => s.fromBlock <= block).pop();
    return s.from + Math.floor((block - s.fromBlock) / s.blocks);
  };
  // ---
  await waitFor('the start of an era', async () => {
    const n = (await api.rpc.chain.getHeader()).number.toNumber();
    return eraOf(n) > eraOf(n - 2);
  }, { every: 500 });
  // --- quote
  const quote = await provider.send('icn_quote', [cluster, units, eras]);
  const viaCall = (await api.call.marketplaceApi.quote(cluster, units, eras)).asOk;
  // ---
  assert.equal(quote.total, viaCall.total.toString());
  const total = BigInt(quote.total);
  assert.ok(total > 0n);

  // Asking for less than the quote is refused (slippage guard), by name.
  await assert.rejects(submit(api, api.tx.marketplace.book(cluster, units, eras, total - 1n), dave),
    { message: 'marketplace.PriceAboveMax' });

  const freeOf = async (at) => (await (await api.at(at)).query.system.account(dave.address)).data.free.toBigInt();
  // --- book
  const { blockHash, events } = await submit(api, api.tx.marketplace.book(cluster, units, eras, quote.total), dave);
  const [booked] = eventsOf(api, events, api.events.marketplace.Booked);
  const [fee] = eventsOf(api, events, api.events.transactionPayment.TransactionFeePaid);
  const holds = await api.query.balances.holds(dave.address);
  const escrow = holds.find((h) => h.id.isMarketplace && h.id.asMarketplace.isBookingEscrow);
  // ---
  assert.equal(booked.total.toBigInt(), total, 'Booked.total is the quote');
  assert.equal(escrow.amount.toBigInt(), total, 'the escrow hold is the quote');
  const parent = (await api.rpc.chain.getHeader(blockHash)).parentHash;
  assert.equal(await freeOf(parent) - await freeOf(blockHash), total + fee.actualFee.toBigInt(),
    'free balance fell by the quote plus the fee');
  const bookings = await provider.send('icn_bookings', [dave.address]);
  assert.ok(bookings.some((b) => b.id === booked.booking.toNumber()));

  // --- cancel
  const cancelled = await submit(api, api.tx.marketplace.cancel(booked.booking), dave);
  const [{ refunded }] = eventsOf(api, cancelled.events, api.events.marketplace.Cancelled);
  // ---
  assert.equal(refunded.toBigInt(), total, 'not started: everything comes back');
  const left = (await api.query.balances.holds(dave.address)).find((h) => h.id.isMarketplace);
  assert.ok(!left || left.amount.toBigInt() === 0n, 'no escrow left');
  const [cancelFee] = eventsOf(api, cancelled.events, api.events.transactionPayment.TransactionFeePaid);
  assert.equal(await freeOf(cancelled.blockHash) - await freeOf(blockHash), total - cancelFee.actualFee.toBigInt());
});

test('delegation: rewards accumulate in the node\'s pool and are claimed', async () => {
  assert.ok(nodeAtRegistration, 'the providers test registered the node');
  // No delegation, nothing to claim: refused by name.
  await assert.rejects(submit(api, api.tx.providers.claimRewards(NODE), ferdie), { message: 'providers.NotDelegated' });

  // --- delegate
  // Dave delegates 1,000 ICNT to the node (held on his account). His part of what the node
  // earns each era accumulates in the node's delegation pool until he claims it: the
  // runtime API's `claimable` (planck), next to `active`, `unbonding`, `unlockAt`, `held`.
  const { blockHash: delegatedIn } = await submit(api, api.tx.providers.delegate(NODE, 1_000n * ICNT), dave);
  const delegation = (await api.call.providersApi.delegation(NODE, dave.address)).unwrap();
  // ---
  assert.equal(delegation.active.toBigInt(), 1_000n * ICNT);
  assert.equal(delegation.unbonding.toBigInt(), 0n);
  assert.equal(delegation.held.toBigInt(), 1_000n * ICNT);
  // Dave's delegation after block `hash`, and what that block credited to node 0's delegators.
  const at = async (hash) => (await (await api.at(hash)).call.providersApi.delegation(NODE, dave.address)).unwrap();
  const creditedIn = async (hash) => eventsOf(api, await (await api.at(hash)).query.system.events(), api.events.providers.DelegatorsRewarded)
    .filter((e) => e.node.toNumber() === NODE)
    .reduce((sum, e) => sum + e.amount.toBigInt(), 0n);
  assert.ok((await at(delegatedIn)).claimable.toBigInt() <= await creditedIn(delegatedIn), 'nothing earned before delegating');

  // --- claim
  // Once the node has been rewarded with Dave's stake in, he claims what accumulated.
  const owed = await waitFor('rewards to claim', async () => {
    const { claimable } = (await api.call.providersApi.delegation(NODE, dave.address)).unwrap();
    return claimable.toBigInt() > 0n ? claimable.toBigInt() : null;
  });
  const claim = await submit(api, api.tx.providers.claimRewards(NODE), dave);
  const [claimed] = eventsOf(api, claim.events, api.events.providers.RewardsClaimed);
  // ---
  assert.equal(claimed.node.toNumber(), NODE);
  assert.equal(claimed.delegator.toString(), dave.address);
  const amount = claimed.amount.toBigInt();
  assert.ok(amount > 0n, 'RewardsClaimed.amount > 0');
  // What was claimable before the claim's block, plus at most what that block credited to the
  // node's delegators (Dave is the only one); afterwards at most that credit is left.
  const parent = (await api.rpc.chain.getHeader(claim.blockHash)).parentHash;
  const before = (await at(parent)).claimable.toBigInt();
  const credited = await creditedIn(claim.blockHash);
  assert.ok(before >= owed, `claimable only grows until claimed: ${before} < ${owed}`);
  assert.ok(amount >= before && amount <= before + credited, `claimed ${amount}, claimable before ${before}, credited in the block ${credited}`);
  const after = (await at(claim.blockHash)).claimable.toBigInt();
  assert.ok(after <= credited && after < before + credited, `claimable after the claim: ${after} (credited in the block ${credited})`);
});

test('governance: a provider proxy updates a node and cannot transfer; a multisig waits for its threshold; a referendum is submitted and voted on', async () => {
  // --- proxy
  // Bob (cold) lets Ferdie's hot key act for him as a provider: node calls only.
  await submit(api, api.tx.proxy.addProxy(ferdie.address, 'Provider', 0), bob);
  const update = api.tx.providers.updateNode(NODE, { reservationPrice: ICNT });
  const viaProxy = await submit(api, api.tx.proxy.proxy(bob.address, null, update), ferdie);
  const [proxied] = eventsOf(api, viaProxy.events, api.events.proxy.ProxyExecuted);
  // ---
  assert.ok(proxied.result.isOk, proxied.result.isErr ? errorName(api, proxied.result.asErr) : '');
  assert.equal(eventsOf(api, viaProxy.events, api.events.providers.NodeUpdated).length, 1);
  assert.equal((await api.call.providersApi.node(NODE)).unwrap().reservationPrice.toBigInt(), ICNT);
  // A transfer through the provider proxy is filtered (the outer call succeeds: the proxy
  // pallet reports the inner result in ProxyExecuted).
  const bobFree = (await api.query.system.account(bob.address)).data.free.toBigInt();
  const steal = api.tx.proxy.proxy(bob.address, null, api.tx.balances.transferKeepAlive(ferdie.address, 1_000n * ICNT));
  const [refused] = eventsOf(api, (await submit(api, steal, ferdie)).events, api.events.proxy.ProxyExecuted);
  assert.equal(errorName(api, refused.result.asErr), 'system.CallFiltered');
  assert.equal((await api.query.system.account(bob.address)).data.free.toBigInt(), bobFree);
  await submit(api, api.tx.proxy.removeProxy(ferdie.address, 'Provider', 0), bob);

  // --- multisig
  // A 2-of-3 account of Charlie, Dave and Ferdie: the first approval only records it.
  const { createKeyMulti, encodeAddress, sortAddresses } = await import('@polkadot/util-crypto');
  const members = [charlie, dave, ferdie].map((k) => k.address);
  const multisig = encodeAddress(createKeyMulti(members, 2), 122);
  const others = (me) => sortAddresses(members.filter((a) => a !== me.address), 122);
  await submit(api, api.tx.balances.transferKeepAlive(multisig, 10n * ICNT), ferdie);
  const pay = api.tx.balances.transferKeepAlive(alice.address, 5n * ICNT);
  const maxWeight = (await pay.paymentInfo(multisig)).weight;
  await submit(api, api.tx.multisig.asMulti(2, others(charlie), null, pay, maxWeight), charlie);
  const pending = (await api.query.multisig.multisigs(multisig, pay.method.hash)).unwrap();
  const spentFirst = (await api.query.system.account(multisig)).data.free.toBigInt();
  const { events: executed } = await submit(api,
    api.tx.multisig.asMulti(2, others(dave), pending.when, pay, maxWeight), dave);
  // ---
  assert.equal(spentFirst, 10n * ICNT, 'nothing spent on one approval');
  const [done] = eventsOf(api, executed, api.events.multisig.MultisigExecuted);
  assert.ok(done.result.isOk);
  assert.equal((await api.query.system.account(multisig)).data.free.toBigInt(), 5n * ICNT);

  // (Not Alice: the dev HyperNode's reports are signed by her and take her nonces early in each
  // era; a transaction of hers sent then can be usurped by a report.)
  // --- referendum
  // Dave proposes a new marketplace margin on the protocol-administration track: the call
  // as a preimage, the referendum, its decision deposit; Charlie votes aye with 1x conviction.
  const call = api.tx.marketplace.setMargin(70_000_000); // 7 % (Perbill)
  await submit(api, api.tx.preimage.notePreimage(call.method.toHex()), dave);
  const proposal = { Lookup: { hash: call.method.hash, len: call.method.encodedLength } };
  const { events: submitted } = await submit(api,
    api.tx.referenda.submit({ Origins: 'ProtocolAdmin' }, proposal, { After: 0 }), dave);
  const [{ index }] = eventsOf(api, submitted, api.events.referenda.Submitted);
  await submit(api, api.tx.referenda.placeDecisionDeposit(index), dave);
  const balance = 1_000_000n * ICNT;
  await submit(api, api.tx.convictionVoting.vote(index,
    { Standard: { vote: { aye: true, conviction: 'Locked1x' }, balance } }), charlie);
  const ongoing = (await api.query.referenda.referendumInfoFor(index)).unwrap().asOngoing;
  // ---
  assert.equal(ongoing.track.toNumber(), 1);
  assert.equal(ongoing.tally.ayes.toBigInt(), balance, '1x conviction: one vote per ICNT');
  assert.ok(ongoing.decisionDeposit.isSome);
  // The tracks decode from metadata, with their names (Polkadot.js apps lists them).
  // (A track name is a fixed 25-byte array: the metadata pads it with NULs.)
  const tracks = api.consts.referenda.tracks.map(([, t]) => t.name.toString().replace(/\0+$/, ''));
  assert.deepEqual(tracks, ['root', 'protocol_admin', 'referendum_canceller', 'small_spender', 'treasurer']);
  assert.ok((await api.query.convictionVoting.votingFor(charlie.address, 1)).isCasting);
  assert.deepEqual((await api.query.council.members()).map(String).sort(),
    [alice.address, bob.address, charlie.address].sort());
});

test('runtime upgrade: set_code through sudo, spec_version bumps, state intact, finality goes on', async () => {
  const wasmPath = process.env.ICN_UPGRADE_WASM;
  assert.ok(wasmPath, 'ICN_UPGRADE_WASM: the upgrade blob (scripts/upgrade-wasm.sh) is required');
  const code = readFileSync(wasmPath);
  const versionBefore = await api.rpc.state.getRuntimeVersion();
  const issuance = (await api.query.balances.totalIssuance()).toBigInt();
  const bobAccount = (await api.query.system.account(bob.address)).toJSON();
  const nodeBefore = await provider.send('icn_nodeInfo', [NODE]);
  const schedules = (await api.query.vesting.vesting(charlie.address)).toJSON();

  // --- upgrade
  // Root replaces the runtime: `set_code` takes a whole block, so sudo waives its weight.
  // The upgrade block's events are encoded by the old runtime, and @polkadot/api may switch
  // to the new runtime's registry while it decodes them (polkadot-js/api#4582). So: watch
  // the raw status, then decode the block's raw events with the registry from before.
  const before = api.registry;
  const setCode = api.tx.system.setCode(`0x${code.toString('hex')}`);
  const signed = await api.tx.sudo.sudoUncheckedWeight(setCode, { refTime: 0, proofSize: 0 }).signAsync(alice);
  const blockHash = await new Promise((resolve, reject) => {
    api.rpc.author.submitAndWatchExtrinsic(signed, (status) => {
      if (status.isInBlock || status.isFinalized) resolve(status.isInBlock ? status.asInBlock : status.asFinalized);
      else if (status.isInvalid || status.isDropped || status.isUsurped) reject(new Error(`transaction ${status.type}`));
    }).catch(reject);
  });
  const raw = await provider.send('state_getStorage', [api.query.system.events.key(), blockHash.toHex()]);
  const events = before.createType('Vec<FrameSystemEventRecord>', raw);
  const [sudid] = eventsOf(api, events, api.events.sudo.Sudid);
  // ---
  assert.ok(sudid, 'sudo.Sudid in the upgrade block');
  assert.ok(sudid.sudoResult.isOk, sudid.sudoResult.isErr ? errorName(api, sudid.sudoResult.asErr) : '');
  assert.equal(eventsOf(api, events, api.events.system.CodeUpdated).length, 1, 'system.CodeUpdated');

  const version = await waitFor('spec_version to change over RPC', async () => {
    const v = await api.rpc.state.getRuntimeVersion();
    return v.specVersion.toNumber() !== versionBefore.specVersion.toNumber() ? v : null;
  }, { timeout: 60_000, every: 1_000 });
  assert.equal(version.specVersion.toNumber(), versionBefore.specVersion.toNumber() + 1);
  assert.equal(version.specName.toString(), versionBefore.specName.toString());

  // Blocks keep being produced and finalized on the new runtime.
  const upgradeNumber = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
  await waitFor('finality past the upgrade', async () =>
    (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber() > upgradeNumber + 2,
  { timeout: 120_000, every: 1_000 });
  assert.equal(api.runtimeVersion.specVersion.toNumber(), version.specVersion.toNumber(), 'the api followed the upgrade');

  // State intact: issuance, accounts, vesting schedules, provider records.
  assert.equal((await api.query.balances.totalIssuance()).toBigInt(), issuance);
  assert.deepEqual((await api.query.vesting.vesting(charlie.address)).toJSON(), schedules);
  const nodeAfter = await provider.send('icn_nodeInfo', [NODE]);
  for (const k of ['provider', 'cluster', 'capacity', 'endpoint', 'collateral', 'links', 'audit', 'commitmentEnd']) {
    assert.deepEqual(nodeAfter[k], nodeBefore[k], `node ${k}`);
  }
  const bobNow = (await api.query.system.account(bob.address)).toJSON();
  assert.equal(bobNow.nonce, bobAccount.nonce);
  // And the new runtime executes transactions.
  const { events: after } = await submit(api, api.tx.balances.transferKeepAlive(ferdie.address, 1n * ICNT), bob);
  // (Its own: `on_poll`'s reward transfers, when it is a block's first, carry its phase.)
  assert.equal(eventsOf(api, after, api.events.balances.Transfer).filter((t) => t.from.toString() === bob.address).length, 1);
});

test('docs/clients.md quotes this suite verbatim', () => {
  const doc = readFileSync(join(ROOT, 'docs/clients.md'), 'utf8');
  const self = readFileSync(new URL(import.meta.url), 'utf8');
  const blocks = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 8, `docs/clients.md has ${blocks.length} js snippets`);
  for (const block of blocks) assert.ok(self.includes(block), `not in the suite:\n${block}`);
});
