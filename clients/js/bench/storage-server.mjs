// A storage endpoint for the worker-speed benchmark: serves the files of a directory (an
// audit object and its `.hashes`, made by `scripts/audit-object.py generate`) over HTTP/1.1
// with HEAD, GET and single `Range: bytes=a-b` requests, answering every request after an
// injected latency. Event-driven (no thread per connection), so thousands of probes in
// flight at once measure the HyperNode worker rather than the server — the threaded
// `audit-object.py serve` is the one the tests use, for its fault modes.
//
//   node bench/storage-server.mjs DIR --latency-ms 50     (prints "listening on http://127.0.0.1:PORT")
//   node bench/storage-server.mjs DIR --latency-ms -1     (accepts requests, never answers)

import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';

/// Starts the server on a free loopback port; resolves with `{ endpoint, close() }`.
export function serveWithLatency(dir, latencyMs) {
  const cache = new Map();
  const load = (path) => {
    if (!cache.has(path)) {
      const file = join(dir, normalize(path).replace(/^(\.\.[/\\])+/, ''));
      try {
        if (!statSync(file).isFile()) return null;
        cache.set(path, readFileSync(file));
      } catch {
        return null;
      }
    }
    return cache.get(path);
  };
  const server = createServer((req, res) => {
    // A negative latency: accept the request and never answer (a hanging endpoint).
    if (latencyMs < 0) return;
    setTimeout(() => {
      const body = load(decodeURIComponent(new URL(req.url, 'http://x').pathname));
      if (!body) {
        res.writeHead(404, { 'content-length': 0 }).end();
        return;
      }
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || '');
      let [status, slice, headers] = [200, body, {}];
      if (range) {
        const first = Number(range[1]);
        const last = Math.min(range[2] === '' ? body.length - 1 : Number(range[2]), body.length - 1);
        if (first > last) {
          res.writeHead(416, { 'content-range': `bytes */${body.length}`, 'content-length': 0 }).end();
          return;
        }
        [status, slice] = [206, body.subarray(first, last + 1)];
        headers = { 'content-range': `bytes ${first}-${last}/${body.length}` };
      }
      res.writeHead(status, { ...headers, 'content-length': slice.length, 'accept-ranges': 'bytes' });
      res.end(req.method === 'HEAD' ? undefined : slice);
    }, latencyMs);
  });
  server.keepAliveTimeout = 60_000;
  server.maxConnections = 100_000;
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', backlog: 65_535 }, () => resolve({
      endpoint: `http://127.0.0.1:${server.address().port}`,
      close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
    }));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--latency-ms');
  const { endpoint } = await serveWithLatency(process.argv[2], i > 0 ? Number(process.argv[i + 1]) : 50);
  console.log(`listening on ${endpoint}`);
}
