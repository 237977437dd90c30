// Zombienet js-script: waits until the stash `//<Name>` of the node it runs for is in the
// active validator set (`session.validators`); returns the staking era it was elected in.
async function run(nodeName, networkInfo) {
  const { wsUri } = networkInfo.nodesByName[nodeName];
  const api = await zombie.ApiPromise.create({ provider: new zombie.WsProvider(wsUri) });
  const name = nodeName.charAt(0).toUpperCase() + nodeName.slice(1);
  const stash = new zombie.Keyring({ type: 'sr25519', ss58Format: 122 }).addFromUri(`//${name}`);
  for (;;) {
    const validators = (await api.query.session.validators()).map((v) => v.toString());
    if (validators.includes(stash.address)) {
      const era = (await api.query.staking.activeEra()).unwrap().index.toNumber();
      console.log(`${nodeName}: elected, active era ${era}, validators ${validators.length}`);
      await api.disconnect();
      return era;
    }
    await new Promise((r) => setTimeout(r, 6000));
  }
}

module.exports = { run };
