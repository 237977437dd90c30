#!/usr/bin/env node
// `icn`: ICN Chain from a terminal, for providers, HyperNode operators, builders, delegators
// and validators. `icn --help`, `icn <role> --help`, `icn <role> <command> --help`.
//
// Exit status: 0 done; 1 the chain refused (the runtime's error name is printed, e.g.
// `error: providers.PrivateEndpoint`) or something failed; 2 the command line is wrong.

import { parseArgs } from 'node:util';
import { ROLES } from './commands.mjs';
import { CliError, connect, loadKey } from './lib.mjs';

const GLOBAL = {
  url: { type: 'string', help: 'node JSON-RPC endpoint (default $ICN_URL, else ws://127.0.0.1:9944)' },
  json: { type: 'boolean', help: 'print one JSON object (for scripts) instead of lines' },
  suri: { type: 'string', help: 'signing key: secret phrase or URI (or set $ICN_SURI)' },
  'key-file': { type: 'string', help: 'signing key: a file holding the secret phrase' },
  keystore: { type: 'string', help: "signing key: a node's keystore directory (with --key-type)" },
  'key-type': { type: 'string', help: 'key type in --keystore (default icno)' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
};

const optionLines = (opts) => Object.entries(opts).map(([k, o]) => {
  const flag = `--${k}${o.type === 'string' ? ' VALUE' : ''}`;
  return `  ${flag.padEnd(26)} ${o.help}${o.required ? ' (required)' : ''}`;
});

function topHelp() {
  return ['icn — ICN Chain from a terminal', '', 'usage: icn <role> <command> [arguments] [options]', '', 'roles:',
    ...Object.entries(ROLES).map(([n, r]) => `  ${n.padEnd(12)} ${r.summary}`), '',
    'global options:', ...optionLines(GLOBAL), '',
    '`icn <role> --help` lists its commands. Exit status: 0 done, 1 refused or failed, 2 usage.'].join('\n');
}

function roleHelp(name, role) {
  return [`icn ${name} — ${role.summary}`, '', `usage: icn ${name} <command> [arguments] [options]`, '', 'commands:',
    ...Object.entries(role.commands).map(([n, c]) => `  ${n.padEnd(15)} ${c.summary}`), '',
    role.passthrough ? `\`icn ${name} <command> --help\` shows its options.` : `\`icn ${name} <command> --help\` shows its arguments and options.`].join('\n');
}

function commandHelp(role, name, cmd) {
  const lines = [`icn ${role} ${name} ${(cmd.args || []).join(' ')}`.trimEnd(), '', cmd.summary];
  if (cmd.options) lines.push('', 'options:', ...optionLines(cmd.options));
  lines.push('', `global options (${cmd.signed ? 'this command signs: give a key' : 'read only'}):`, ...optionLines(GLOBAL));
  return lines.join('\n');
}

const toJson = (v) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x));

/// Splits the role and command (the first two words) from the options, which may stand
/// anywhere: `icn --json builder list` is `icn builder list --json`.
function split(argv) {
  const words = [];
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('-')) {
      rest.push(a);
      const name = a.replace(/^--?/, '');
      if (GLOBAL[name]?.type === 'string' && i + 1 < argv.length) rest.push(argv[++i]);
    } else if (words.length < 2) words.push(a);
    else rest.push(a);
  }
  return [words[0], words[1], rest];
}

async function main(argv) {
  const [roleName, cmdName, rest] = split(argv);
  const helpAsked = rest.includes('--help') || rest.includes('-h');
  if (!roleName || roleName === 'help') {
    console.log(topHelp());
    return roleName || helpAsked ? 0 : 2;
  }
  const role = ROLES[roleName];
  if (!role) throw new CliError(`unknown role "${roleName}" (icn --help lists them)`, 2);
  if (!cmdName) {
    console.log(roleHelp(roleName, role));
    return helpAsked ? 0 : 2;
  }
  const cmd = role.commands[cmdName];
  if (!cmd) throw new CliError(`unknown command "icn ${roleName} ${cmdName}" (icn ${roleName} --help lists them)`, 2);
  if (role.passthrough) return role.run([cmdName, ...rest]);

  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL, ...(cmd.options || {}) }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`${e.message} (icn ${roleName} ${cmdName} --help)`, 2);
  }
  const { values: o, positionals } = parsed;
  if (o.help) {
    console.log(commandHelp(roleName, cmdName, cmd));
    return 0;
  }
  const required = (cmd.args || []).filter((a) => !a.startsWith('['));
  if (positionals.length < required.length || positionals.length > (cmd.args || []).length) {
    throw new CliError(`usage: icn ${roleName} ${cmdName} ${(cmd.args || []).join(' ')} (icn ${roleName} ${cmdName} --help)`, 2);
  }
  for (const [k, spec] of Object.entries(cmd.options || {})) {
    if (spec.required && o[k] === undefined) throw new CliError(`--${k} is required (icn ${roleName} ${cmdName} --help)`, 2);
  }

  const url = o.url || process.env.ICN_URL || 'ws://127.0.0.1:9944';
  const transactions = [];
  let signer;
  const ctx = {
    json: o.json,
    say: (line) => { if (!o.json) console.log(line); },
    record: (tx) => transactions.push(tx),
    signer: async () => {
      signer ??= await loadKey({ suri: o.suri, keyFile: o['key-file'], keystore: o.keystore, keyType: o['key-type'] || 'icno' }, 'signing key');
      return signer;
    },
  };
  if (cmd.signed) await ctx.signer(); // a missing key is a usage error before anything is sent
  if (cmd.run.length > 0 && !cmd.offline) Object.assign(ctx, await connect(url));
  try {
    const result = await cmd.run(ctx, positionals, o);
    if (o.json) console.log(toJson({ ok: true, ...result, transactions }));
    return 0;
  } finally {
    if (ctx.api) await ctx.api.disconnect();
  }
}

let status;
try {
  status = await main(process.argv.slice(2));
} catch (e) {
  const known = e instanceof CliError;
  // @polkadot/api refuses an argument it cannot encode (a usage error) with a long message.
  const badInput = !known && /createType|decodeU8a|Expected input/.test(String(e.message));
  const text = String(e.message || e).split('\n')[0];
  const message = known ? e.message : badInput ? `bad argument: ${text.split(':: ').pop()}` : text;
  if (process.argv.includes('--json')) console.log(toJson({ ok: false, error: message }));
  console.error(`error: ${message}`);
  if (!known && !badInput && process.env.ICN_DEBUG) console.error(e.stack);
  status = known ? e.code : badInput ? 2 : 1;
}
process.exit(status);
