// What the client suite needs around @polkadot/api: a real `icn-node --dev` on free ports,
// a real storage server for the SLA oracle to probe, and transaction helpers that resolve
// with the block's events or reject with the decoded error *name*.

import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, homedir } from 'node:os';
import { basename, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/// The `icn-node` binary: `$ICN_NODE`, else the release build in `$CARGO_TARGET_DIR`
/// (default `~/.cache/icn-chain/target`, as `scripts/env.sh`).
export function nodeBinary() {
  if (process.env.ICN_NODE) return process.env.ICN_NODE;
  const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/icn-chain/target');
  return join(target, 'release/icn-node');
}

/// A free TCP port on loopback.
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// Starts `icn-node --dev` (temporary base path) on free ports, with `extraArgs` appended;
/// resolves once its JSON-RPC answers. `stop()` sends SIGTERM and waits for the exit; with
/// `ICN_TEST_LOGS=<dir>` it keeps the node's log there (`<temporary dir name>.log`).
export async function startDevNode(extraArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'icn-js-'));
  const logPath = join(dir, 'node.log');
  const rpcPort = await freePort();
  const args = ['--dev', '--no-telemetry', '--no-mdns', '--no-prometheus',
    '--rpc-port', String(rpcPort), '--port', String(await freePort()), ...extraArgs];
  const child = spawn(nodeBinary(), args, { stdio: ['ignore', 'ignore', openSync(logPath, 'w')] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const log = () => readFileSync(logPath, 'utf8');
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`icn-node exited (${child.exitCode}):\n${log().slice(-3000)}`);
    try {
      const res = await fetch(`http://127.0.0.1:${rpcPort}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 1, jsonrpc: '2.0', method: 'system_health', params: [] }),
      });
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`icn-node RPC did not come up:\n${log().slice(-3000)}`);
    await sleep(300);
  }
  return {
    url: `ws://127.0.0.1:${rpcPort}`,
    pid: child.pid,
    log,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      if (process.env.ICN_TEST_LOGS) {
        mkdirSync(process.env.ICN_TEST_LOGS, { recursive: true });
        copyFileSync(logPath, join(process.env.ICN_TEST_LOGS, `${basename(dir)}.log`));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/// Generates an audit object with `scripts/audit-object.py` and serves it on loopback
/// (`serve`, Range support, switchable fault modes). Resolves with the endpoint and the
/// commitment (`path`, `size`, `chunkSize`, `root`) to register. `serveArgs` go to `serve`
/// (e.g. `['--fail-mode', 'slow', '--slow-seconds', '0.05']` for an injected latency).
export async function startStorageServer(serveArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'icn-js-storage-'));
  const script = join(ROOT, 'scripts/audit-object.py');
  const commitment = JSON.parse(execFileSync('python3', [script, 'generate', join(dir, 'audit/object.bin'),
    '--size', '40000', '--seed', 'clients-js', '--path', 'audit/object.bin'], { encoding: 'utf8' }));
  const child = spawn('python3', [script, 'serve', dir, '--port', '0', '--bind', '127.0.0.1', '--quiet', ...serveArgs],
    { stdio: ['ignore', 'pipe', 'ignore'] });
  const banner = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`storage server exited (${code})`)));
  });
  const port = Number(banner.trim().split(':').pop());
  if (!port) throw new Error(`storage server banner: ${banner}`);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    commitment,
    async stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/// Waits until `check()` resolves truthy (polling every `every` ms); returns its value.
export async function waitFor(what, check, { timeout = 300_000, every = 2_000 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}
