// Joining the validator set with @polkadot/api: new session keys from your own node (with the
// proof that your stash owns them), then `session.setKeys`, `staking.bond` and
// `staking.validate`, signed by the stash.
//
//   node clients/js/examples/validator.mjs [ws://127.0.0.1:9944] [stash seed] [bond in ICNT]
//
// Run it against YOUR validator node: `author_rotateKeysWithOwner` creates the keys in the
// keystore of the node it is sent to (an unsafe RPC method, open on 127.0.0.1 only).
// The sections between `// ---` markers are the snippets quoted in docs/validator.md; the
// end-to-end tests run this very file against a real icn-node and check what it prints.

const [url = 'ws://127.0.0.1:9944', seed = '//Eve', bondIcnt = '200000'] = process.argv.slice(2);
const log = (what, data) => console.log(JSON.stringify({ what, ...data }));

// --- connect
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';

const provider = new WsProvider(url);
const api = await ApiPromise.create({ provider });
const stash = new Keyring({ type: 'sr25519', ss58Format: 122 }).addFromUri(seed);
// ---

// Signs and sends `tx` from the stash; resolves when it is in a block, rejects with the
// decoded module error (e.g. `staking.AlreadyBonded`) if it fails.
const send = (tx) => new Promise((resolve, reject) => {
  tx.signAndSend(stash, ({ status, dispatchError }) => {
    if (dispatchError) {
      if (dispatchError.isModule) {
        const { section, name } = api.registry.findMetaError(dispatchError.asModule);
        reject(new Error(`${section}.${name}`));
      } else reject(new Error(dispatchError.toString()));
    } else if (status.isInBlock) resolve(status.asInBlock.toHex());
    else if (status.isFinalized) resolve(status.asFinalized.toHex()); // `--sealing`: no InBlock
  }).catch(reject);
});

// --- keys
// New Aura + GRANDPA keys in this node's keystore, and the proof (signed by those keys over
// the stash's account id) that `session.setKeys` checks.
const owner = '0x' + Buffer.from(stash.publicKey).toString('hex'); // the raw account id
const { keys, proof } = await provider.send('author_rotateKeysWithOwner', [owner]);
// ---
log('keys', { keys, proofLength: (proof.length - 2) / 2 });

// --- register
const bond = BigInt(bondIcnt) * 10n ** 18n; // ICNT has 18 decimals
await send(api.tx.session.setKeys(keys, proof));
await send(api.tx.staking.bond(bond, 'Stash'));
await send(api.tx.staking.validate({ commission: 0, blocked: false }));
// ---

// --- check
// Bonded, a validator candidate, keys queued for the next session.
const ledger = await api.query.staking.ledger(stash.address);
const prefs = await api.query.staking.validators(stash.address);
const nextKeys = await api.query.session.nextKeys(stash.address);
// ---
if (ledger.isNone || ledger.unwrap().active.toBigInt() !== bond) throw new Error('not bonded');
if (nextKeys.isNone || nextKeys.unwrap().toHex() !== keys) throw new Error('keys not set');
log('registered', {
  stash: stash.address,
  bonded: ledger.unwrap().active.toString(),
  commission: prefs.commission.toNumber(),
  aura: nextKeys.unwrap().aura.toString(),
});
await api.disconnect();
