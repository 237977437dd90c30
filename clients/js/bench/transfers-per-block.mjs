// Transfers per block of any Substrate `--dev` chain with `pallet-balances`, measured the same
// way for each: `scripts/bench.sh template` runs it against `icn-node` and against the official
// solochain template's node (built separately: its code is not in this repository) in the same
// run, for the side-by-side figure in docs/benchmarks.md (issue 22 part 5).
//
//   node bench/transfers-per-block.mjs --node PATH [--label NAME] [--txs 10000] [--senders 500]
//
// 1. starts `PATH --dev` on free ports (temporary base path, a pool large enough for the load);
// 2. reads the chain's own figures: the normal-class weight limit, the base extrinsic weight,
//    and one `transferKeepAlive`'s weight from its runtime (`TransactionPaymentApi_query_info`:
//    the call's and the transaction extensions' weights) — the theoretical maximum per block;
// 3. funds `--senders` accounts from Alice, pre-signs `--txs` transfers spread over them
//    (immortal, nonce-ordered), submits them all at once and follows the chain until every one
//    is in a block: transfers per block in the full blocks (all but the first and the last,
//    and blocks with none, such as a session rotation's) against the theoretical maximum.
//
// Prints one JSON line.

import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode, waitFor } from '../test/helpers.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const NODE = arg('node', process.env.ICN_NODE);
const LABEL = arg('label', 'chain');
const TXS = Number(arg('txs', 10000));
const SENDERS = Number(arg('senders', 500));
const log = (...a) => console.error(`[transfers:${LABEL}]`, ...a);

if (!NODE) throw new Error('--node PATH is required');
process.env.ICN_NODE = NODE;
await cryptoWaitReady();
const node = await startDevNode(['--pool-limit', '100000', '--pool-kbytes', '512000']);
const api = await ApiPromise.create({ provider: new WsProvider(node.url), noInitWarn: true });
try {
  const keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  const ed = api.consts.balances.existentialDeposit.toBigInt();
  const weights = api.consts.system.blockWeights;
  const normal = weights.perClass.normal;
  const normalMax = normal.maxTotal.unwrap().refTime.toBigInt();
  const base = normal.baseExtrinsic.refTime.toBigInt();

  // One transfer's weight and fee, as the chain's runtime computes them.
  const probe = api.tx.balances.transferKeepAlive(bob.address, ed);
  await probe.signAsync(alice, { era: 0, nonce: 0 });
  const info = await api.call.transactionPaymentApi.queryInfo(probe.toU8a(), probe.encodedLength);
  const txWeight = info.weight.refTime.toBigInt();
  const fee = info.partialFee.toBigInt();
  const theoretical = Number(normalMax / (txWeight + base));
  log(`normal limit ${normalMax} ps, transfer ${txWeight} + base ${base} ps: ${theoretical} per block`);

  // Senders funded from Alice (nonce-ordered, submitted at once).
  const perSender = Math.ceil(TXS / SENDERS);
  const funding = ed * 10n + (fee * 2n + ed) * BigInt(perSender);
  const senders = Array.from({ length: SENDERS }, (_, i) => keyring.addFromUri(`//transfers//${i}`));
  let nonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  for (const s of senders) {
    const tx = api.tx.balances.transferKeepAlive(s.address, funding);
    await tx.signAsync(alice, { era: 0, nonce: nonce++ });
    await api.rpc.author.submitExtrinsic(tx);
  }
  // In the chain's own address format (its SS58 prefix), as the blocks show signers.
  const fromSenders = new Set(senders.map((s) => api.createType('AccountId', s.address).toString()));
  const last = senders[senders.length - 1];
  await waitFor('senders funded', async () => (await api.query.system.account(last.address)).data.free.toBigInt() >= funding,
    { timeout: 300_000, every: 2_000 });

  // The load: pre-signed, then submitted at once.
  const signed = [];
  for (let k = 0; k < perSender && signed.length < TXS; k++) {
    for (const s of senders) {
      if (signed.length >= TXS) break;
      const tx = api.tx.balances.transferKeepAlive(bob.address, ed);
      await tx.signAsync(s, { era: 0, nonce: k });
      signed.push(tx.toHex());
    }
  }
  const first = (await api.rpc.chain.getHeader()).number.toNumber();
  const t0 = Date.now();
  for (let i = 0; i < signed.length; i += 500) {
    await Promise.all(signed.slice(i, i + 500).map((hex) => api.rpc.author.submitExtrinsic(hex)));
  }
  log(`${signed.length} transfers submitted in ${((Date.now() - t0) / 1000).toFixed(1)} s from block #${first}`);

  // Follow the chain: transfers of the load in each block.
  const perBlock = [];
  let counted = 0;
  let next = first + 1;
  await waitFor('every transfer in a block', async () => {
    const head = (await api.rpc.chain.getHeader()).number.toNumber();
    for (; next <= head; next++) {
      const hash = await api.rpc.chain.getBlockHash(next);
      const block = await api.rpc.chain.getBlock(hash);
      const ours = block.block.extrinsics.filter((x) => x.isSigned && x.method.section === 'balances'
        && x.method.method === 'transferKeepAlive' && fromSenders.has(x.signer.toString())).length;
      perBlock.push({ block: next, ours });
      counted += ours;
    }
    return counted >= signed.length ? true : null;
  }, { timeout: 900_000, every: 1_000 });
  const withLoad = perBlock.filter((b) => b.ours > 0);
  // The first block takes what arrived while the load was being submitted, the last the
  // remainder: the full blocks are those between.
  const full = withLoad.slice(1, -1);
  const mean = full.length ? full.reduce((a, b) => a + b.ours, 0) / full.length : 0;
  const version = await api.rpc.state.getRuntimeVersion();
  console.log(JSON.stringify({
    label: LABEL, specName: version.specName.toString(), specVersion: version.specVersion.toNumber(),
    normalMaxRefTime: Number(normalMax), baseExtrinsicRefTime: Number(base), transferRefTime: Number(txWeight),
    theoreticalPerBlock: theoretical, txs: signed.length, blocks: withLoad.length,
    fullBlocks: full.length, meanPerFullBlock: Math.round(mean), mostInABlock: Math.max(...withLoad.map((b) => b.ours)),
    achievedOverTheoretical: +(mean / theoretical).toFixed(2), perBlock: withLoad,
  }));
} finally {
  await api.disconnect();
  await node.stop();
}
