// The `icn` commands, by role. Each command: a summary, its arguments and options (shown by
// `--help`), whether it signs, and `run(ctx, args, opts)`.
//
// `ctx` gives `api`, `provider` (raw JSON-RPC), `signer()` (the key of the global key
// options), `say(line)` (human output), and the run's result is what `run` returns (printed
// as JSON with `--json`).

import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mnemonicGenerate, cryptoWaitReady, decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import { u8aConcat, stringToU8a, u8aToHex } from '@polkadot/util';
import { Keyring } from '@polkadot/api';
import {
  CliError, currentEra, eventOf, formatIcnt, loadKey, parseCount, parseIcnt, parsePercent,
  SS58_PREFIX, submit, waitFor,
} from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

const num = (v) => (v === undefined ? undefined : Number(v));
const plain = (codec) => JSON.parse(JSON.stringify(codec.toPrimitive(), (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
const list = (text, what) => (text ? String(text).split(',').map((x) => parseCount(x.trim(), what)) : []);
const pct = (perbill) => `${(Number(perbill) / 1e7).toFixed(2).replace(/\.?0+$/, '')} %`;

/// Signs `tx` with the command's key and submits it (printing call, block and events);
/// resolves with the block it landed in.
const send = async (ctx, tx) => ({ block: (await submit(ctx, tx, await ctx.signer())).block });

/// The account a read-only command looks at: the argument (in any SS58 format, shown in the
/// chain's: `ic…`), else the configured key's.
async function accountOf(ctx, address) {
  if (address) {
    let key;
    try { key = decodeAddress(address); } catch { throw new CliError(`"${address}" is not an account address`, 2); }
    return encodeAddress(key, ctx.api ? ctx.api.registry.chainSS58 : SS58_PREFIX);
  }
  return (await ctx.signer()).address;
}

// ---------------------------------------------------------------- chain and keys

const chain = {
  summary: 'The chain, eras, balances and keys',
  commands: {
    info: {
      summary: 'Chain name, genesis, best and finalized block, era, runtime version',
      async run(ctx) {
        const { api } = ctx;
        const [name, best, fin, era] = await Promise.all([api.rpc.system.chain(),
          api.rpc.chain.getHeader(), api.rpc.chain.getFinalizedHead(), currentEra(api)]);
        const r = {
          chain: name.toString(), genesis: api.genesisHash.toHex(), best: best.number.toNumber(),
          finalized: (await api.rpc.chain.getHeader(fin)).number.toNumber(), era,
          specVersion: api.runtimeVersion.specVersion.toNumber(),
        };
        ctx.say(`${r.chain}: block #${r.best} (finalized #${r.finalized}), era ${r.era}, runtime ${r.specVersion}`);
        return r;
      },
    },
    'wait-era': {
      summary: 'Wait until the SLA oracle starts era ERA (default: the next one; --eras N: N eras from now)',
      args: ['[ERA]'],
      options: { eras: { type: 'string', help: 'wait this many eras from now instead' } },
      async run(ctx, [era], o) {
        const now = await currentEra(ctx.api);
        const target = o.eras !== undefined ? now + parseCount(o.eras, '--eras')
          : era === undefined ? now + 1 : parseCount(era, 'ERA');
        ctx.say(`era ${now} now; waiting for era ${target}`);
        await waitFor(ctx, `era ${target}`, async () => (await currentEra(ctx.api)) >= target);
        ctx.say(`era ${target} started`);
        return { era: target };
      },
    },
    balance: {
      summary: "An account's ICNT: free, held (by reason), frozen",
      args: ['[ADDRESS]'],
      async run(ctx, [address]) {
        const who = await accountOf(ctx, address);
        const [{ data }, holds] = await Promise.all([ctx.api.query.system.account(who), ctx.api.query.balances.holds(who)]);
        const held = holds.map((h) => ({ reason: `${Object.keys(h.id.toJSON())[0]}.${Object.values(h.id.toJSON())[0]}`, amount: h.amount.toString() }));
        ctx.say(`${who}: free ${formatIcnt(data.free)}, frozen ${formatIcnt(data.frozen)}`);
        for (const h of held) ctx.say(`  held ${formatIcnt(h.amount)} for ${h.reason}`);
        return { account: who, free: data.free.toString(), frozen: data.frozen.toString(), held };
      },
    },
    transfer: {
      summary: 'Send AMOUNT ICNT to ADDRESS (keeping the sender alive)',
      args: ['ADDRESS', 'AMOUNT'],
      signed: true,
      async run(ctx, [to, amount]) {
        await accountOf(ctx, to);
        const r = await submit(ctx, ctx.api.tx.balances.transferKeepAlive(to, parseIcnt(amount)), await ctx.signer());
        return { block: r.block };
      },
    },
    'key-generate': {
      summary: 'A new sr25519 key: secret phrase and address (writes the phrase to --out FILE, mode 0600)',
      offline: true,
      options: { out: { type: 'string', help: 'file to write the secret phrase to (else it is printed)' } },
      async run(ctx, _args, opts) {
        await cryptoWaitReady();
        const phrase = mnemonicGenerate();
        const pair = new Keyring({ type: 'sr25519', ss58Format: SS58_PREFIX }).addFromUri(phrase);
        if (opts.out) {
          writeFileSync(opts.out, `${phrase}\n`, { mode: 0o600 });
          ctx.say(`${pair.address} (secret phrase in ${opts.out})`);
          return { address: pair.address, publicKey: u8aToHex(pair.publicKey), file: opts.out };
        }
        ctx.say(`${pair.address}\nsecret phrase: ${phrase}`);
        return { address: pair.address, publicKey: u8aToHex(pair.publicKey), phrase };
      },
    },
  },
};

// ---------------------------------------------------------------- audit objects

const audit = {
  summary: 'Audit objects: generate, hash, verify and serve (scripts/audit-object.py, the one definition of the format)',
  passthrough: true,
  commands: {
    generate: { summary: 'OUT_FILE --size BYTES [--seed S] [--path P]: a test object, its .hashes and the commitment (JSON)' },
    hashes: { summary: 'FILE [--path P]: the .hashes of an object you have, and its commitment (JSON)' },
    verify: { summary: 'FILE --root 0x…: recheck an object against a root' },
    serve: { summary: 'DIR [--port 8080] [--bind ADDR]: serve DIR as the storage endpoint root (HTTP, Range)' },
  },
  run(args) {
    const r = spawnSync('python3', [join(ROOT, 'scripts/audit-object.py'), ...args], { stdio: 'inherit' });
    return r.status ?? 1;
  },
};

// ---------------------------------------------------------------- providers

function readJson(path, what) {
  try { return JSON.parse(readFileSync(path, 'utf8')); } catch (e) { throw new CliError(`${what} ${path}: ${e.message}`, 2); }
}

/// A commitment: the JSON `icn audit generate|hashes` printed, inline or in a file.
function commitment(value, base) {
  const c = typeof value === 'string' ? readJson(join(base, value), 'audit commitment') : value;
  for (const k of ['path', 'size', 'chunkSize', 'root']) {
    if (c?.[k] === undefined) throw new CliError(`audit commitment: "${k}" missing`, 2);
  }
  return c;
}

async function nodeStatus(ctx, id) {
  const { api } = ctx;
  const info = await api.call.providersApi.node(id);
  if (info.isNone) throw new CliError(`no node ${id}`);
  const n = info.unwrap();
  const sla = await api.call.slaApi.nodeSla(id);
  const status = n.status.type;
  ctx.say(`node ${id}: ${status}${n.failing.isTrue ? ', failing' : ''}, cluster ${n.cluster}, ${n.capacity} units (${n.booked} booked)`);
  ctx.say(`  endpoint ${Buffer.from(n.endpoint).toString()}, price ${formatIcnt(n.reservationPrice)} per unit-era, commission ${pct(n.commission)}`);
  ctx.say(`  backing ${formatIcnt(n.backing)} of ${formatIcnt(n.requiredCollateral)} required (own ${formatIcnt(n.collateral)}, Links [${n.links.map(String).join(', ')}], delegated ${formatIcnt(n.delegated)} by ${n.delegators})`);
  ctx.say(sla.counted.toNumber() === 0
    ? '  SLA score: no era judged yet (the oracle probes it from the era after registration)'
    : `  SLA score ${pct(sla.score)} (${sla.passed}/${sla.counted} eras passed), consecutive failures ${sla.consecutiveFailures}, last judged era ${sla.lastEra.unwrap()}`);
  ctx.say(`  pending slashes: ${sla.pendingSlashes.length ? sla.pendingSlashes.map(([e, f]) => `era ${e}: ${pct(f)}`).join(', ') : 'none'}`);
  return { node: plain(n), sla: plain(sla) };
}

const provider = {
  summary: 'Hardware providers: register and run storage nodes',
  commands: {
    register: {
      summary: 'Register a node from a JSON config file (see docs/hardware-provider.md)',
      options: { config: { type: 'string', help: 'the node config (JSON)', required: true } },
      signed: true,
      async run(ctx, _args, opts) {
        const c = readJson(opts.config, 'node config');
        const spec = {
          cluster: c.cluster, capacity: c.capacity, location: c.location, endpoint: c.endpoint,
          audit: commitment(c.audit, dirname(opts.config)),
          reservationPrice: parseIcnt(c.price ?? '0', 'price'), hardware: c.hardware ?? 'Enterprise',
          commission: parsePercent(c.commission ?? 0, 'commission'),
        };
        const tx = ctx.api.tx.providers.registerNode(spec, parseIcnt(c.collateral ?? '0', 'collateral'), c.links ?? []);
        const r = await submit(ctx, tx, await ctx.signer());
        const { node } = eventOf(r, 'providers.NodeRegistered');
        ctx.say(`node ${node} registered`);
        return { node, block: r.block };
      },
    },
    'add-collateral': {
      summary: 'Hold more ICNT and lock more Links for NODE',
      args: ['NODE'],
      options: { icnt: { type: 'string', help: 'ICNT to hold' }, links: { type: 'string', help: 'Link ids, comma separated' } },
      signed: true,
      async run(ctx, [node], opts) {
        const tx = ctx.api.tx.providers.addCollateral(parseCount(node, 'NODE'), parseIcnt(opts.icnt ?? '0'), list(opts.links, 'link'));
        return send(ctx, tx);
      },
    },
    update: {
      summary: "Change NODE's capacity, price, endpoint, audit object or commission",
      args: ['NODE'],
      options: {
        capacity: { type: 'string', help: 'units' }, price: { type: 'string', help: 'ICNT per unit-era' },
        endpoint: { type: 'string', help: 'base URL' }, audit: { type: 'string', help: 'commitment JSON file' },
        commission: { type: 'string', help: 'percent (a raise applies after the unbonding delay)' },
      },
      signed: true,
      async run(ctx, [node], o) {
        const update = {
          capacity: o.capacity === undefined ? null : parseCount(o.capacity, 'capacity'),
          reservationPrice: o.price === undefined ? null : parseIcnt(o.price, 'price'),
          endpoint: o.endpoint ?? null,
          audit: o.audit === undefined ? null : commitment(o.audit, '.'),
          commission: o.commission === undefined ? null : parsePercent(o.commission, 'commission'),
        };
        const tx = ctx.api.tx.providers.updateNode(parseCount(node, 'NODE'), update);
        return send(ctx, tx);
      },
    },
    extend: {
      summary: "Extend NODE's commitment by PERIODS × 6 months",
      args: ['NODE'],
      options: { periods: { type: 'string', help: 'periods of 6 months (default 1)' } },
      signed: true,
      async run(ctx, [node], o) {
        const tx = ctx.api.tx.providers.extendCommitment(parseCount(node, 'NODE'), parseCount(o.periods ?? '1', 'periods'));
        return send(ctx, tx);
      },
    },
    exit: {
      summary: 'Start NODE’s exit (bookings end, collateral unlocks after the unbonding delay)',
      args: ['NODE'],
      signed: true,
      async run(ctx, [node]) {
        const r = await submit(ctx, ctx.api.tx.providers.startExit(parseCount(node, 'NODE')), await ctx.signer());
        const { unlockAt } = eventOf(r, 'providers.NodeExiting');
        ctx.say(`node ${node} exits; finish-exit from block #${unlockAt}`);
        return { unlockAt, block: r.block };
      },
    },
    'finish-exit': {
      summary: "Finish NODE's exit: collateral and Links come back (delegators withdraw theirs)",
      args: ['NODE'],
      signed: true,
      async run(ctx, [node]) {
        return send(ctx, ctx.api.tx.providers.finishExit(parseCount(node, 'NODE')));
      },
    },
    status: {
      summary: 'A node (or every node of an account): status, backing, SLA score, pending slashes',
      args: ['[NODE]'],
      options: {
        account: { type: 'string', help: 'list this account’s nodes (default: your key’s)' },
        'wait-sla': { type: 'boolean', help: 'with NODE: first wait until the oracle has judged an era of it' },
      },
      async run(ctx, [node], o) {
        if (node !== undefined) {
          const id = parseCount(node, 'NODE');
          if (o['wait-sla']) {
            ctx.say(`waiting for the SLA oracle to judge node ${id} (from the era after registration; 2–3 eras)`);
            await waitFor(ctx, `a judged era of node ${id}`, async () => (await ctx.api.call.slaApi.nodeSla(id)).counted.toNumber() > 0);
          }
          return nodeStatus(ctx, id);
        }
        const who = await accountOf(ctx, o.account);
        const ids = (await ctx.api.call.providersApi.providerNodes(who)).map((x) => x.toNumber());
        if (!ids.length) ctx.say(`${who} has no nodes`);
        const nodes = [];
        for (const id of ids) nodes.push(await nodeStatus(ctx, id));
        return { account: who, nodes };
      },
    },
    earnings: {
      summary: "NODE's booking payments and capacity rewards over the last BLOCKS blocks",
      args: ['NODE'],
      options: { blocks: { type: 'string', help: 'how far back (default 600: an era on a production chain)' } },
      async run(ctx, [node], o) {
        const id = parseCount(node, 'NODE');
        const { api } = ctx;
        const best = (await api.rpc.chain.getHeader()).number.toNumber();
        const from = Math.max(1, best - parseCount(o.blocks ?? '600', 'blocks') + 1);
        let bookings = 0n; let rewards = 0n; const items = [];
        for (let b = from; b <= best; b++) {
          const at = await api.at(await api.rpc.chain.getBlockHash(b));
          for (const { event } of await at.query.system.events()) {
            if (api.events.marketplace.NodePaid.is(event) && event.data.node.toNumber() === id) {
              bookings += event.data.amount.toBigInt();
              items.push({ block: b, kind: 'booking', era: event.data.era.toNumber(), amount: event.data.amount.toString() });
            } else if (api.events.sla.NodeRewarded.is(event) && event.data.node.toNumber() === id) {
              rewards += event.data.amount.toBigInt();
              items.push({ block: b, kind: 'capacity reward', era: event.data.era.toNumber(), amount: event.data.amount.toString() });
            }
          }
        }
        for (const i of items) ctx.say(`  #${i.block} era ${i.era}: ${i.kind} ${formatIcnt(i.amount)}`);
        ctx.say(`node ${id}, blocks #${from}–#${best}: bookings ${formatIcnt(bookings)}, capacity rewards ${formatIcnt(rewards)} (before commission and delegators' shares)`);
        return { node: id, from, to: best, bookings: bookings.toString(), rewards: rewards.toString(), items };
      },
    },
  },
};

// ---------------------------------------------------------------- HyperNodes

const reportKeyOptions = {
  'report-suri': { type: 'string', help: 'the report key’s secret phrase or URI' },
  'report-key-file': { type: 'string', help: 'a file holding it (as insert-key --out writes)' },
  'report-keystore': { type: 'string', help: 'the node’s keystore directory (its icno key)' },
};

const hypernode = {
  summary: 'HyperNodes: the SLA oracle’s report key, registration, Links, status',
  commands: {
    'insert-key': {
      summary: 'Put an icno report key into the node at --url (author_insertKey, an unsafe RPC method)',
      options: {
        ...reportKeyOptions,
        out: { type: 'string', help: 'write a newly generated secret phrase to this file (mode 0600)' },
      },
      async run(ctx, _args, o) {
        await cryptoWaitReady();
        const given = o['report-suri'] || o['report-key-file'];
        const phrase = given ? null : mnemonicGenerate();
        const key = await loadKey({ suri: o['report-suri'] ?? phrase, keyFile: o['report-key-file'], env: null }, 'report key');
        const suri = o['report-suri'] ?? (phrase || readFileSync(o['report-key-file'], 'utf8').trim());
        await ctx.provider.send('author_insertKey', ['icno', suri, u8aToHex(key.publicKey)]);
        if (phrase && o.out) writeFileSync(o.out, `${phrase}\n`, { mode: 0o600 });
        ctx.say(`icno key ${key.address} inserted into the node${phrase && o.out ? ` (secret phrase in ${o.out})` : ''}`);
        if (phrase && !o.out) ctx.say(`secret phrase: ${phrase}`);
        return { signer: key.address, publicKey: u8aToHex(key.publicKey), ...(phrase && !o.out ? { phrase } : {}) };
      },
    },
    register: {
      summary: 'Register a HyperNode whose reports the report key signs (holds the 100 ICNT deposit)',
      options: {
        ...reportKeyOptions,
        location: { type: 'string', help: 'ISO 3166 alpha-2 code, e.g. DE', required: true },
        address: { type: 'string', help: 'the HyperNode’s FQDN or IP', required: true },
        fund: { type: 'string', help: 'also send the report key’s account this many ICNT for fees (one batch)' },
      },
      signed: true,
      async run(ctx, _args, o) {
        const owner = await ctx.signer();
        const key = await loadKey({ suri: o['report-suri'], keyFile: o['report-key-file'], keystore: o['report-keystore'], env: null, flags: '--report-suri, --report-key-file or --report-keystore' }, 'report key');
        if (!/^[A-Z]{2}$/.test(o.location)) throw new CliError(`--location: "${o.location}" is not a two-letter country code`, 2);
        // The key proves it consents: it signs "icn-sla:signer" ++ owner ++ genesis hash.
        const payload = u8aConcat(stringToU8a('icn-sla:signer'), owner.publicKey, ctx.api.genesisHash);
        let tx = ctx.api.tx.sla.registerHypernode(key.address, u8aToHex(stringToU8a(o.location)), o.address, { Sr25519: key.sign(payload) });
        if (o.fund !== undefined) {
          tx = ctx.api.tx.utility.batchAll([ctx.api.tx.balances.transferKeepAlive(key.address, parseIcnt(o.fund, '--fund')), tx]);
        }
        const r = await submit(ctx, tx, owner);
        ctx.say(`HyperNode of ${owner.address} registered, reports signed by ${key.address}; stake a Link to make it active`);
        const { data } = await ctx.api.query.system.account(key.address);
        if (data.free.toBigInt() === 0n) ctx.say(`note: ${key.address} has no ICNT to pay report fees (refunded when accepted): send it some, e.g. icn chain transfer ${key.address} 1`);
        return { owner: owner.address, signer: key.address, block: r.block };
      },
    },
    'stake-link': {
      summary: 'Stake Link LINK to your HyperNode (the first one makes it active)',
      args: ['LINK'],
      signed: true,
      async run(ctx, [link]) {
        return send(ctx, ctx.api.tx.sla.stakeLink(parseCount(link, 'LINK')));
      },
    },
    'unstake-link': {
      summary: 'Take Link LINK back',
      args: ['LINK'],
      signed: true,
      async run(ctx, [link]) {
        return send(ctx, ctx.api.tx.sla.unstakeLink(parseCount(link, 'LINK')));
      },
    },
    deregister: {
      summary: 'Leave: every Link unstaked, the deposit returned',
      signed: true,
      async run(ctx) {
        return send(ctx, ctx.api.tx.sla.deregisterHypernode());
      },
    },
    status: {
      summary: 'A HyperNode: registration, active or not, this era’s assignments, reports accepted',
      args: ['[OWNER]'],
      options: { 'wait-report': { type: 'boolean', help: 'first wait until the chain accepted a report of it' } },
      async run(ctx, [address], o) {
        const { api } = ctx;
        const owner = await accountOf(ctx, address);
        if (o['wait-report']) {
          ctx.say(`waiting for a report of ${owner}'s HyperNode (it joins the next era's snapshot, then reports in that era)`);
          await waitFor(ctx, 'an accepted report', async () => {
            const era = await currentEra(api);
            // The last era it reported in (kept when a new era's snapshot starts).
            const slot = await api.query.sla.oracleOf(owner);
            const last = slot.isSome ? slot.unwrap().lastReport : null;
            return last !== null && last.isSome && last.unwrap()[0].toNumber() >= era - 1;
          });
        }
        const h = await api.query.sla.hyperNodes(owner);
        if (h.isNone) {
          ctx.say(`${owner} has no HyperNode`);
          return { owner, registered: false };
        }
        const hn = h.unwrap();
        const active = (await api.query.sla.activeSet(owner)).isSome;
        const [era, nodes] = await api.call.slaApi.assignments(owner);
        // Its report in the current era, and the last era it reported in before.
        const reports = [];
        const slot = await api.query.sla.oracleOf(owner);
        if (slot.isSome) {
          const s = slot.unwrap();
          const current = s.era.toNumber() === era.toNumber() ? s.reported.toNumber() : 0;
          if (s.lastReport.isSome) {
            const [e, n] = s.lastReport.unwrap();
            if (e.toNumber() !== era.toNumber()) reports.push({ era: e.toNumber(), results: n.toNumber() });
          }
          reports.push({ era: era.toNumber(), results: current });
        }
        ctx.say(`HyperNode of ${owner}: ${active ? 'active' : 'not active'}${hn.removed.isTrue ? ' (removed for accuracy)' : ''}, signer ${hn.signer}, Links [${hn.links.map(String).join(', ')}]`);
        ctx.say(`  era ${era}: assigned nodes [${nodes.map(String).join(', ')}]`);
        for (const r of reports) ctx.say(`  era ${r.era}: ${r.results} results accepted`);
        return { owner, registered: true, active, hypernode: plain(hn), era: era.toNumber(), assignments: nodes.map((x) => x.toNumber()), reports };
      },
    },
  },
};

// ---------------------------------------------------------------- builders

const builder = {
  summary: 'Builders: quote, book, list, extend and cancel capacity',
  commands: {
    quote: {
      summary: 'What UNITS units of CLUSTER for ERAS eras cost, exactly as book charges it',
      args: ['CLUSTER', 'UNITS', 'ERAS'],
      async run(ctx, [cluster, units, eras]) {
        const q = await ctx.api.call.marketplaceApi.quote(parseCount(cluster, 'CLUSTER'), parseCount(units, 'UNITS'), parseCount(eras, 'ERAS'));
        if (q.isErr) throw new CliError(`marketplace.${q.asErr.type}`);
        const { price, total, assignments } = q.asOk;
        ctx.say(`${units} units × ${eras} eras at ${formatIcnt(price)} per unit-era: ${formatIcnt(total)} with the protocol margin, on ${assignments.length} node(s)`);
        return { price: price.toString(), total: total.toString(), assignments: plain(assignments) };
      },
    },
    book: {
      summary: 'Book UNITS units of CLUSTER for ERAS eras from the next era; pays at most --max-total',
      args: ['CLUSTER', 'UNITS', 'ERAS'],
      options: { 'max-total': { type: 'string', help: 'the most ICNT you accept to pay (see quote)', required: true } },
      signed: true,
      async run(ctx, [cluster, units, eras], o) {
        const tx = ctx.api.tx.marketplace.book(parseCount(cluster, 'CLUSTER'), parseCount(units, 'UNITS'), parseCount(eras, 'ERAS'), parseIcnt(o['max-total'], '--max-total'));
        const r = await submit(ctx, tx, await ctx.signer());
        const b = eventOf(r, 'marketplace.Booked');
        ctx.say(`booking ${b.booking}: eras ${b.start}–${b.end - 1}`);
        return { booking: b.booking, start: b.start, end: b.end, block: r.block };
      },
    },
    list: {
      summary: "An account's bookings",
      args: ['[ADDRESS]'],
      async run(ctx, [address]) {
        const who = await accountOf(ctx, address);
        const bookings = plain(await ctx.api.call.marketplaceApi.bookings(who));
        if (!bookings.length) ctx.say(`${who} has no bookings`);
        for (const b of bookings) ctx.say(`booking ${b.id}: cluster ${b.cluster}, ${b.units} units, eras ${b.start}–${b.end - 1}`);
        return { account: who, bookings };
      },
    },
    watch: {
      summary: 'Follow BOOKING era by era until it ends: what each era paid, kept as margin, refunded',
      args: ['BOOKING'],
      async run(ctx, [booking]) {
        const { api } = ctx;
        const id = parseCount(booking, 'BOOKING');
        const settled = [];
        const live = async () => (await api.query.marketplace.bookings(id)).isSome;
        if (!(await live())) {
          ctx.say(`booking ${id} has ended (or never existed)`);
          return { booking: id, settled };
        }
        ctx.say(`following booking ${id} (each era is settled after it ends)`);
        await new Promise((resolve, reject) => {
          let unsub;
          api.query.system.events((records) => {
            for (const { event } of records) {
              if (api.events.marketplace.EraSettled.is(event) && event.data.booking.toNumber() === id) {
                const s = { era: event.data.era.toNumber(), paid: event.data.paid.toString(), margin: event.data.margin.toString(), refunded: event.data.refunded.toString() };
                settled.push(s);
                ctx.say(`  era ${s.era}: paid ${formatIcnt(s.paid)} to providers, margin ${formatIcnt(s.margin)}, refunded ${formatIcnt(s.refunded)}`);
              }
            }
            live().then((still) => { if (!still) { unsub?.(); resolve(); } }, reject);
          }).then((u) => { unsub = u; }, reject);
        });
        ctx.say(`booking ${id} ended`);
        return { booking: id, settled };
      },
    },
    extend: {
      summary: 'Extend BOOKING by ERAS eras; pays at most --max-total',
      args: ['BOOKING', 'ERAS'],
      options: { 'max-total': { type: 'string', help: 'the most ICNT you accept to pay', required: true } },
      signed: true,
      async run(ctx, [booking, eras], o) {
        const tx = ctx.api.tx.marketplace.extend(parseCount(booking, 'BOOKING'), parseCount(eras, 'ERAS'), parseIcnt(o['max-total'], '--max-total'));
        const r = await submit(ctx, tx, await ctx.signer());
        const e = eventOf(r, 'marketplace.Extended');
        ctx.say(`booking ${booking} now ends before era ${e.end}; paid ${formatIcnt(e.cost)}`);
        return { end: e.end, cost: String(e.cost), block: r.block };
      },
    },
    cancel: {
      summary: 'Cancel BOOKING: eras not yet started are refunded',
      args: ['BOOKING'],
      signed: true,
      async run(ctx, [booking]) {
        const r = await submit(ctx, ctx.api.tx.marketplace.cancel(parseCount(booking, 'BOOKING')), await ctx.signer());
        const c = eventOf(r, 'marketplace.Cancelled');
        ctx.say(`booking ${booking} cancelled; refunded ${formatIcnt(c.refunded)}`);
        return { refunded: String(c.refunded), block: r.block };
      },
    },
  },
};

// ---------------------------------------------------------------- delegators

const delegator = {
  summary: 'Delegators: stake ICNT on a provider node and share its rewards',
  commands: {
    delegate: {
      summary: 'Delegate AMOUNT ICNT to NODE (rewards are not paid to you: they accumulate each era the node earns; see claim)',
      args: ['NODE', 'AMOUNT'],
      signed: true,
      async run(ctx, [node, amount]) {
        return send(ctx, ctx.api.tx.providers.delegate(parseCount(node, 'NODE'), parseIcnt(amount)));
      },
    },
    claim: {
      summary: "Claim NODE's rewards owed to you (they accumulate every era the node earns)",
      args: ['NODE'],
      signed: true,
      async run(ctx, [node]) {
        const r = await submit(ctx, ctx.api.tx.providers.claimRewards(parseCount(node, 'NODE')), await ctx.signer());
        const { amount } = eventOf(r, 'providers.RewardsClaimed');
        ctx.say(`claimed ${formatIcnt(amount)} from node ${node}`);
        return { amount: String(amount), block: r.block };
      },
    },
    undelegate: {
      summary: 'Start unbonding AMOUNT ICNT from NODE (slashable until withdrawn, earning nothing)',
      args: ['NODE', 'AMOUNT'],
      signed: true,
      async run(ctx, [node, amount]) {
        const r = await submit(ctx, ctx.api.tx.providers.undelegate(parseCount(node, 'NODE'), parseIcnt(amount)), await ctx.signer());
        return { block: r.block, undelegated: eventOf(r, 'providers.Undelegated') };
      },
    },
    withdraw: {
      summary: 'Withdraw what finished unbonding from NODE (all of it if NODE has exited; the last withdrawal also pays unclaimed rewards)',
      args: ['NODE'],
      signed: true,
      async run(ctx, [node]) {
        return send(ctx, ctx.api.tx.providers.withdrawUnbonded(parseCount(node, 'NODE')));
      },
    },
    'apply-slash': {
      summary: "Apply NODE's slashes to DELEGATOR-ADDRESS's delegation now (anyone may; it happens anyway when the delegation is next touched)",
      args: ['NODE', 'DELEGATOR-ADDRESS'],
      signed: true,
      async run(ctx, [node, address]) {
        const who = await accountOf(ctx, address);
        return send(ctx, ctx.api.tx.providers.applySlash(parseCount(node, 'NODE'), who));
      },
    },
    status: {
      summary: "An account's delegation to NODE: active, unbonding and when, rewards claimable",
      args: ['NODE', '[ADDRESS]'],
      async run(ctx, [node, address]) {
        const who = await accountOf(ctx, address);
        const d = await ctx.api.call.providersApi.delegation(parseCount(node, 'NODE'), who);
        if (d.isNone) {
          ctx.say(`${who} has no delegation to node ${node}`);
          return { account: who, node: Number(node), delegation: null };
        }
        const info = d.unwrap();
        const { active, unbonding, unlockAt, held, unappliedSlash, claimable } = info;
        ctx.say(`${who} → node ${node}: active ${formatIcnt(active)}, unbonding ${formatIcnt(unbonding)}${unbonding.isZero() ? '' : ` (withdrawable from block #${unlockAt})`}, claimable ${formatIcnt(claimable)}`);
        // Slashed and still held: it goes to the treasury when the delegation is next touched
        // (or by apply-slash).
        if (!unappliedSlash.isZero()) ctx.say(`  held ${formatIcnt(held)}, of which ${formatIcnt(unappliedSlash)} slashed and not yet moved to the treasury (icn delegator apply-slash ${node} ${who})`);
        return { account: who, node: Number(node), delegation: plain(info) };
      },
    },
  },
};

// ---------------------------------------------------------------- validators

const validator = {
  summary: 'Validators: session keys, bond, validate, status',
  commands: {
    'set-keys': {
      summary: 'New session keys in the node at --url (yours!) with the ownership proof, then session.setKeys',
      options: { keys: { type: 'string', help: 'keys from an earlier rotation (with --proof)' }, proof: { type: 'string', help: 'their proof' } },
      signed: true,
      async run(ctx, _args, o) {
        const stash = await ctx.signer();
        let { keys, proof } = o;
        if (!keys || !proof) {
          ({ keys, proof } = await ctx.provider.send('author_rotateKeysWithOwner', [u8aToHex(stash.publicKey)]));
          ctx.say(`new session keys ${keys}`);
        }
        const r = await submit(ctx, ctx.api.tx.session.setKeys(keys, proof), stash);
        return { keys, block: r.block };
      },
    },
    bond: {
      summary: 'Bond AMOUNT ICNT from the stash (rewards to the stash)',
      args: ['AMOUNT'],
      signed: true,
      async run(ctx, [amount]) {
        return send(ctx, ctx.api.tx.staking.bond(parseIcnt(amount), 'Stash'));
      },
    },
    validate: {
      summary: 'Declare the intent to validate (candidate from the next election)',
      options: { commission: { type: 'string', help: 'percent (default 0)' } },
      signed: true,
      async run(ctx, _args, o) {
        const prefs = { commission: parsePercent(o.commission ?? '0', 'commission'), blocked: false };
        return send(ctx, ctx.api.tx.staking.validate(prefs));
      },
    },
    chill: {
      summary: 'Stop being a candidate from the next election',
      signed: true,
      async run(ctx) {
        return send(ctx, ctx.api.tx.staking.chill());
      },
    },
    status: {
      summary: 'A stash: bonded, candidate, session keys, in the current set',
      args: ['[STASH]'],
      async run(ctx, [address]) {
        const { api } = ctx;
        const stash = await accountOf(ctx, address);
        const [ledger, prefs, nextKeys, set, era] = await Promise.all([api.query.staking.ledger(stash),
          api.query.staking.validators(stash), api.query.session.nextKeys(stash),
          api.query.session.validators(), api.query.staking.currentEra()]);
        const bonded = ledger.isSome ? ledger.unwrap().active.toString() : '0';
        const candidate = (await api.query.staking.validators.keys()).some((k) => k.args[0].toString() === stash);
        const active = set.some((v) => v.toString() === stash);
        ctx.say(`${stash}: bonded ${formatIcnt(bonded)}, ${candidate ? `candidate (commission ${pct(prefs.commission)})` : 'not a candidate'}, keys ${nextKeys.isSome ? 'set' : 'not set'}, ${active ? 'in the current validator set' : 'not in the current set'} (staking era ${era.isSome ? era.unwrap() : 0})`);
        return { stash, bonded, candidate, keys: nextKeys.isSome ? nextKeys.unwrap().toHex() : null, active };
      },
    },
  },
};

/// Every role, in the order `icn --help` lists them.
export const ROLES = { provider, hypernode, builder, delegator, validator, chain, audit };
