// ICNT vesting with @polkadot/api: read an account's vesting through the runtime API and
// the `icn_vestingInfo` JSON-RPC method, read a bucket, release what is due.
//
//   node clients/js/examples/vesting.mjs [ws://127.0.0.1:9944] [//Alice]
//
// The sections between `// ---` markers are the snippets quoted in docs/tokenomics.md; the
// end-to-end tests run this very file against a real icn-node and check what it prints.

const [url = 'ws://127.0.0.1:9944', seed = '//Alice'] = process.argv.slice(2);
const log = (what, data) => console.log(JSON.stringify({ what, ...data }));

// --- connect
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';

const provider = new WsProvider(url);
const api = await ApiPromise.create({ provider });
const account = new Keyring({ type: 'sr25519', ss58Format: 122 }).addFromUri(seed);
// ---

// --- info
// Total, released, claimable now, still locked, next unlock, and each schedule (planck).
const info = await api.call.vestingApi.vestingInfo(account.address);
const { total, released, claimable, locked, nextUnlock, schedules } = info;
// The same over plain JSON-RPC, balances as decimal strings.
const rpcInfo = await provider.send('icn_vestingInfo', [account.address]);
// ---
if (rpcInfo.total !== total.toString()) throw new Error(`icn_vestingInfo ${rpcInfo.total} != ${total}`);
log('info', {
  total: total.toString(),
  released: released.toString(),
  claimable: claimable.toString(),
  locked: locked.toString(),
  nextUnlock: nextUnlock.isSome ? nextUnlock.unwrap()[0].toNumber() : null,
  bucket: schedules[0].bucket.toString(),
});

// --- bucket
const bucket = await api.call.vestingApi.bucketInfo('NetworkRewards');
const frozen = await api.query.balances.freezes(account.address);
// ---
log('bucket', { amount: bucket.amount.toString(), pool: bucket.pool.toString(), freezes: frozen.length });

// --- vest
// Anyone may release what is due (`vestOther(who)` for someone else).
const vested = await new Promise((resolve, reject) => {
  api.tx.vesting.vest().signAndSend(account, ({ status, events, dispatchError }) => {
    if (dispatchError) reject(new Error(dispatchError.toString()));
    else if (status.isInBlock || status.isFinalized) { // `--sealing`: maybe only Finalized
      const e = events.find(({ event }) => api.events.vesting.Vested.is(event));
      resolve(e ? e.event.data.amount.toBigInt() : 0n);
    }
  }).catch(reject);
});
// ---
const after = await api.call.vestingApi.vestingInfo(account.address);
if (after.released.toBigInt() !== released.toBigInt() + vested) throw new Error('released did not grow by the vested amount');
log('vested', { amount: vested.toString(), released: after.released.toString(), locked: after.locked.toString() });
await api.disconnect();
