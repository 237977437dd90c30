// What every `icn` command shares: connecting, keys, amounts, submitting a transaction and
// printing what happened, in words or as JSON.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';

/// ICNT has 18 decimals.
export const ICNT = 10n ** 18n;
/// ICN's SS58 address prefix (docs/protocol.md §7): every address starts with `ic`.
export const SS58_PREFIX = 122;

/// A failure the user can act on: printed as `error: <message>`, exit status `code`
/// (1: the chain refused or something failed; 2: the command line is wrong).
export class CliError extends Error {
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}

/// `"1.5"` ICNT → planck (`bigint`); refuses anything that is not a plain decimal.
export function parseIcnt(text, what = 'amount') {
  const m = /^(\d+)(?:\.(\d{1,18}))?$/.exec(String(text).trim());
  if (!m) throw new CliError(`${what}: "${text}" is not an ICNT amount (e.g. 1000 or 0.5)`, 2);
  return BigInt(m[1]) * ICNT + BigInt((m[2] || '').padEnd(18, '0') || '0');
}

/// Planck → `"1,234.5 ICNT"`.
export function formatIcnt(planck) {
  const v = BigInt(planck.toString());
  const whole = (v / ICNT).toLocaleString('en-US');
  const frac = (v % ICNT).toString().padStart(18, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''} ICNT`;
}

/// A whole number argument.
export function parseCount(text, what) {
  if (!/^\d+$/.test(String(text))) throw new CliError(`${what}: "${text}" is not a whole number`, 2);
  return Number(text);
}

/// `"10"` (percent) → Perbill parts.
export function parsePercent(text, what = 'percent') {
  const m = /^(\d{1,3})(?:\.(\d{1,7}))?$/.exec(String(text));
  if (!m || Number(text) > 100) throw new CliError(`${what}: "${text}" is not a percentage (0–100)`, 2);
  return Number(m[1]) * 10_000_000 + Number((m[2] || '').padEnd(7, '0') || '0');
}

/// The chain's transaction extensions that carry no data and that @polkadot/api does not know
/// by name: declaring them keeps it from warning "Unknown signed extensions".
export const SIGNED_EXTENSIONS = { CheckSlaReport: { extrinsic: {}, payload: {} } };

/// Connects to `url`; no warnings about the `icn_*` RPC methods (the CLI calls them with
/// `provider.send`) or the chain's own extensions.
export async function connect(url) {
  // The node answers JSON-RPC over HTTP on the same port: ask it first, so an unreachable
  // node is one clear error rather than endless reconnection attempts.
  const http = url.replace(/^ws(s?):/, 'http$1:');
  try {
    const res = await fetch(http, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'system_health', params: [] }),
      signal: AbortSignal.timeout(15_000),
    });
    if (!res.ok) throw new Error(res.statusText);
  } catch {
    throw new CliError(`cannot reach a node at ${url} (start one: ./scripts/run-dev.sh; or pass --url)`);
  }
  const provider = new WsProvider(url);
  const api = await ApiPromise.create({ provider, signedExtensions: SIGNED_EXTENSIONS, noInitWarn: true });
  return { api, provider };
}

/// A key pair from the first source given:
/// - `suri`: a secret phrase or URI (`//Alice`, `<phrase>//hard/soft`);
/// - `keyFile`: a file holding one (whitespace trimmed; a file of the node's keystore, a
///   JSON string, works too);
/// - `keystore` + `keyType`: the first key of that type in a node's keystore directory
///   (`<base path>/chains/<chain>/keystore`), whose files are named hex(type) + hex(public);
/// - `env`: the environment variable's value.
/// sr25519 keys (all ICN roles use them).
export async function loadKey({ suri, keyFile, keystore, keyType = 'icno', env = 'ICN_SURI', flags = '--suri, --key-file, --keystore' }, what = 'key') {
  await cryptoWaitReady();
  let secret = suri;
  if (!secret && keyFile) secret = readSecretFile(keyFile);
  if (!secret && keystore) {
    const prefix = Buffer.from(keyType).toString('hex');
    let files;
    try { files = readdirSync(keystore); } catch { throw new CliError(`${what}: no keystore at ${keystore}`); }
    const file = files.find((f) => f.startsWith(prefix));
    if (!file) throw new CliError(`${what}: no ${keyType} key in ${keystore}`);
    secret = readSecretFile(join(keystore, file));
  }
  if (!secret && env && process.env[env]) secret = process.env[env];
  if (!secret) {
    throw new CliError(`${what}: give ${flags}${env ? ` or set ${env}` : ''}`, 2);
  }
  try {
    return new Keyring({ type: 'sr25519', ss58Format: SS58_PREFIX }).addFromUri(secret);
  } catch (e) {
    throw new CliError(`${what}: not a valid secret phrase or URI (${e.message})`, 2);
  }
}

function readSecretFile(path) {
  let text;
  try { text = readFileSync(path, 'utf8').trim(); } catch { throw new CliError(`cannot read key file ${path}`); }
  if (text.startsWith('"')) text = JSON.parse(text);
  return text;
}

/// The name of a dispatch error: `pallet.Error` for module errors, `Token.Frozen` and the
/// like otherwise.
export function errorName(api, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}`;
  }
  if (dispatchError.isToken) return `Token.${dispatchError.asToken.type}`;
  if (dispatchError.isArithmetic) return `Arithmetic.${dispatchError.asArithmetic.type}`;
  return dispatchError.type;
}

/// Events worth showing (fees and the success marker left out).
const QUIET = new Set(['system.ExtrinsicSuccess', 'transactionPayment.TransactionFeePaid',
  'balances.Withdraw', 'balances.Deposit']);

/// Signs `tx` with `signer`, waits until it is in a block, prints the call, the block and its
/// events; resolves with `{ block, events }` (events as `{ event: 'pallet.Name', data }`), or
/// throws the runtime's error name.
export async function submit(ctx, tx, signer) {
  const call = `${tx.method.section}.${tx.method.method}`;
  ctx.say(`${call} signed by ${signer.address}`);
  const { blockHash, events } = await new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, events: evs, dispatchError }) => {
      // In a block — or straight to finalized: a node with `--sealing` finalizes each block at
      // once and the pool may report only `Finalized`.
      if (status.isInBlock || status.isFinalized) {
        if (dispatchError) reject(new CliError(errorName(ctx.api, dispatchError)));
        else resolve({ blockHash: status.isInBlock ? status.asInBlock : status.asFinalized, events: evs });
      } else if (status.isInvalid || status.isDropped || status.isUsurped) {
        reject(new CliError(`transaction ${status.type}`));
      }
    }).catch((e) => reject(new CliError(cleanRpcError(e))));
  });
  const header = await ctx.api.rpc.chain.getHeader(blockHash);
  const block = { number: header.number.toNumber(), hash: blockHash.toHex() };
  const shown = events
    .map(({ event }) => ({ event: `${event.section}.${event.method}`, data: jsonOf(event) }))
    .filter(({ event }) => !QUIET.has(event));
  ctx.say(`  in block #${block.number} (${block.hash})`);
  for (const e of shown) ctx.say(`  ${e.event} ${JSON.stringify(e.data)}`);
  ctx.record({ call, signer: signer.address, block, events: shown });
  return { block, events: shown };
}

function jsonOf(event) {
  const names = event.meta.fields.map((f) => (f.name.isSome ? camel(f.name.unwrap().toString()) : null));
  const out = {};
  event.data.forEach((value, i) => { out[names[i] ?? i] = value.toPrimitive(); });
  return out;
}

const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

/// A transaction refused before it reached a block (e.g. `1010: Invalid Transaction:
/// Inability to pay some fees`): the node's words, without the RPC wrapping.
function cleanRpcError(e) {
  return String(e.message || e).replace(/^RpcError: /, '');
}

/// The first event named `name` (`pallet.Event`) in a submit result, or an error.
export function eventOf({ events }, name) {
  const e = events.find((x) => x.event === name);
  if (!e) throw new CliError(`no ${name} event`);
  return e.data;
}

/// Waits until `check()` returns something truthy, every block; gives up after `timeoutS`.
export async function waitFor(ctx, what, check, timeoutS = 1800) {
  const deadline = Date.now() + timeoutS * 1000;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new CliError(`timed out after ${timeoutS} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/// The SLA oracle's current era (`sla.currentEra`), 0 before the first.
export async function currentEra(api) {
  const era = await api.query.sla.currentEra();
  return era.isSome ? era.unwrap().toNumber() : 0;
}
