// Zombienet js-script: waits until provider node `args[0]` has at least one passed era in
// its SLA score (`icn_nodeSla`), i.e. the HyperNode's reports landed and were aggregated;
// returns the number of passed eras.
async function run(nodeName, networkInfo, args) {
  const { wsUri } = networkInfo.nodesByName[nodeName];
  const provider = new zombie.WsProvider(wsUri);
  await provider.isReady;
  const node = Number(args[0] || 0);
  for (;;) {
    const sla = await provider.send('icn_nodeSla', [node]);
    if (sla.passed >= 1) {
      console.log(`node ${node}: ${sla.passed}/${sla.counted} eras passed, score ${sla.scorePpb} ppb`);
      await provider.disconnect();
      return sla.passed;
    }
    await new Promise((r) => setTimeout(r, 6000));
  }
}

module.exports = { run };
