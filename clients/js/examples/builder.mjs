// A builder on ICN Chain with @polkadot/api: quote, book, watch settlement, cancel.
//
//   node clients/js/examples/builder.mjs [ws://127.0.0.1:9944] [cluster] [units] [eras]
//
// Runs against a dev chain (`./scripts/run-dev.sh`) with at least `units` free units in
// `cluster` (register a node first: docs/hardware-provider.md). The builder is Dave. The
// sections between `// ---` markers are the snippets quoted in docs/builder.md; the
// end-to-end tests run this very file against a real icn-node and check what it prints.

const [url = 'ws://127.0.0.1:9944', clusterArg = '0', unitsArg = '4', erasArg = '1'] = process.argv.slice(2);
const [cluster, units, eras] = [clusterArg, unitsArg, erasArg].map(Number);
const log = (what, data) => console.log(JSON.stringify({ what, ...data }));

// --- submit
// Submits `tx` signed by `signer` and resolves with the block's events once it is in a
// block; rejects with the decoded module error (e.g. `marketplace.PriceAboveMax`).
function submit(api, tx, signer) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (dispatchError) {
        const err = dispatchError.isModule
          ? (({ section, name }) => `${section}.${name}`)(api.registry.findMetaError(dispatchError.asModule))
          : dispatchError.toString();
        reject(new Error(err));
      } else if (status.isInBlock || status.isFinalized) { // `--sealing`: maybe only Finalized
        resolve(events);
      }
    }).catch(reject);
  });
}
// ---

// --- connect
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';

const provider = new WsProvider(url);
const api = await ApiPromise.create({ provider });
const keyring = new Keyring({ type: 'sr25519', ss58Format: 122 });
const builder = keyring.addFromUri('//Dave');
// ---

// --- quote
// The runtime API gives the exact amount `book` will hold (planck, 18 decimals)...
const quote = await api.call.marketplaceApi.quote(cluster, units, eras);
if (quote.isErr) throw new Error(`cannot book: ${quote.asErr.toString()}`);
const { price, total, assignments } = quote.asOk;
// ...and so does the `icn_quote` JSON-RPC method (balances as decimal strings).
const rpcQuote = await provider.send('icn_quote', [cluster, units, eras]);
// ---
if (rpcQuote.total !== total.toString()) throw new Error(`icn_quote ${rpcQuote.total} != ${total}`);
log('quote', { price: price.toString(), total: total.toString(), nodes: assignments.length });

// --- book
// `maxTotal` guards against the price moving before the booking lands.
const events = await submit(api, api.tx.marketplace.book(cluster, units, eras, total), builder);
const booked = events.find(({ event }) => api.events.marketplace.Booked.is(event)).event.data;
const bookingId = booked.booking.toNumber();
const held = await api.query.balances.holds(builder.address);
// ---
const escrow = held.find((h) => h.id.isMarketplace && h.id.asMarketplace.isBookingEscrow);
if (escrow.amount.toString() !== total.toString()) throw new Error(`escrow ${escrow.amount} != ${total}`);
log('booked', { booking: bookingId, start: booked.start.toNumber(), end: booked.end.toNumber(), escrow: escrow.amount.toString() });

// --- watch
// Each era after it ends, the booking's share moves from escrow to the providers (and
// their delegators), the margin to the treasury; the booking ends by itself.
const ended = await new Promise((resolve) => {
  const settled = [];
  api.query.system.events((records) => {
    for (const { event } of records) {
      if (api.events.marketplace.EraSettled.is(event) && event.data.booking.toNumber() === bookingId) {
        settled.push({ era: event.data.era.toNumber(), paid: event.data.paid.toString(), margin: event.data.margin.toString() });
      }
      if (api.events.marketplace.BookingEnded.is(event) && event.data.booking.toNumber() === bookingId) {
        resolve(settled);
      }
    }
  });
});
// ---
log('settled', { booking: bookingId, eras: ended });

// --- cancel
// A second booking, cancelled before it starts: everything comes back.
const again = await submit(api, api.tx.marketplace.book(cluster, units, eras, total), builder);
const second = again.find(({ event }) => api.events.marketplace.Booked.is(event)).event.data.booking.toNumber();
const live = await api.call.marketplaceApi.bookings(builder.address);
const cancelled = await submit(api, api.tx.marketplace.cancel(second), builder);
const refund = cancelled.find(({ event }) => api.events.marketplace.Cancelled.is(event)).event.data.refunded;
// ---
log('cancelled', { booking: second, live: live.length, refunded: refund.toString() });

const usage = await api.call.marketplaceApi.clusterUsage(cluster);
log('usage', { capacity: usage.capacity.toString(), booked: usage.booked.toString() });
await api.disconnect();
