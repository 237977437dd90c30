// Zombienet js-script: Bob registers a provider node in cluster FRA-1 whose storage endpoint
// is the server `storage.sh start` runs, with the audit object it made, fully collateralized
// with ICNT (15 units × 1,000 ICNT). Returns the node id + 1.
const fs = require('fs');

async function run(nodeName, networkInfo) {
  const { wsUri } = networkInfo.nodesByName[nodeName];
  const api = await zombie.ApiPromise.create({ provider: new zombie.WsProvider(wsUri) });
  const bob = new zombie.Keyring({ type: 'sr25519', ss58Format: 122 }).addFromUri('//Bob');
  const dir = `${process.env.ICN_ZOMBIE_DIR}/storage`;
  const port = fs.readFileSync(`${dir}/port`, 'utf8').trim();
  const audit = JSON.parse(fs.readFileSync(`${dir}/commitment.json`, 'utf8'));
  const ICNT = 10n ** 18n;
  const spec = {
    cluster: 0,
    capacity: 15,
    location: 'DE',
    endpoint: `http://127.0.0.1:${port}`,
    audit: { path: audit.path, size: audit.size, chunkSize: audit.chunkSize, root: audit.root },
    reservationPrice: ICNT / 2n,
    hardware: 'Enterprise',
    commission: 100_000_000,
  };
  const id = await new Promise((resolve, reject) => {
    api.tx.providers.registerNode(spec, 15_000n * ICNT, []).signAndSend(bob, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        const m = dispatchError.isModule ? api.registry.findMetaError(dispatchError.asModule) : null;
        reject(new Error(m ? `${m.section}.${m.name}` : dispatchError.toString()));
      } else if (status.isInBlock) {
        const e = events.find(({ event }) => api.events.providers.NodeRegistered.is(event));
        if (e) resolve(e.event.data.node.toNumber()); else reject(new Error('no NodeRegistered'));
      }
    }).catch(reject);
  });
  console.log(`bob: node ${id} serves http://127.0.0.1:${port}/${audit.path}`);
  await api.disconnect();
  return id + 1;
}

module.exports = { run };
