// Zombienet js-script: the node it runs for joins the validator set as docs/validator.md
// says — new session keys from its own node with the proof (author_rotateKeysWithOwner),
// session.setKeys, staking.bond, staking.validate — signed by the stash `//<Name>` (the
// well-known dev accounts hold 1,000,000 ICNT on `local`). Returns 1 when registered.
async function run(nodeName, networkInfo, args) {
  const { wsUri } = networkInfo.nodesByName[nodeName];
  const bondIcnt = BigInt(args[0] || '200000');
  const provider = new zombie.WsProvider(wsUri);
  const api = await zombie.ApiPromise.create({ provider });
  const name = nodeName.charAt(0).toUpperCase() + nodeName.slice(1);
  const stash = new zombie.Keyring({ type: 'sr25519', ss58Format: 122 }).addFromUri(`//${name}`);
  const send = (tx) => new Promise((resolve, reject) => {
    tx.signAndSend(stash, ({ status, dispatchError }) => {
      if (dispatchError) {
        if (dispatchError.isModule) {
          const { section, name } = api.registry.findMetaError(dispatchError.asModule);
          reject(new Error(`${section}.${name}`));
        } else reject(new Error(dispatchError.toString()));
      } else if (status.isInBlock) resolve();
    }).catch(reject);
  });
  const owner = '0x' + Buffer.from(stash.publicKey).toString('hex');
  const { keys, proof } = await provider.send('author_rotateKeysWithOwner', [owner]);
  await send(api.tx.session.setKeys(keys, proof));
  await send(api.tx.staking.bond(bondIcnt * 10n ** 18n, 'Stash'));
  await send(api.tx.staking.validate({ commission: 0, blocked: false }));
  const nextKeys = await api.query.session.nextKeys(stash.address);
  await api.disconnect();
  if (nextKeys.isNone || nextKeys.unwrap().toHex() !== keys) throw new Error('keys not set');
  console.log(`${nodeName}: registered ${stash.address} with keys ${keys}`);
  return 1;
}

module.exports = { run };
