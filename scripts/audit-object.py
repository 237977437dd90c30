#!/usr/bin/env python3
"""Build, check and serve ICN Chain proof-of-storage "audit objects".

A Hardware Provider commits one audit object on chain as the tuple

    (path, size, chunk_size = 4096, root)

HyperNode off-chain workers check it with plain HTTP GETs against any
S3-compatible or static HTTP store. The protocol:

    The node's audit object is committed on chain as
    ``(path, size, chunk_size = 4096, root)`` where
    ``root = blake2_256(hashes)`` and ``hashes`` is the object
    ``<audit-path>.hashes`` -- the concatenated blake2-256 of every chunk.
    The worker picks a random chunk ``i``, fetches ``<audit-path>.hashes``
    and the chunk with ``Range: bytes=...``, and checks
    ``blake2_256(hashes) == root`` and ``blake2_256(chunk) == hashes[i]``.

File format
-----------
* ``blake2_256(x)`` is BLAKE2b with a 32-byte digest and no key, i.e.
  ``hashlib.blake2b(x, digest_size=32).digest()``.
* The object of ``size`` bytes (``size > 0``) is split into
  ``n = ceil(size / chunk_size)`` chunks; chunk ``i`` covers bytes
  ``[i * chunk_size, min((i + 1) * chunk_size, size))``, so the last chunk
  may be shorter than ``chunk_size``.
* ``<audit-path>.hashes`` is the raw concatenation (no header, no
  separators) of the ``n`` 32-byte chunk digests, in chunk order; its length
  is exactly ``32 * n`` bytes. ``hashes[i]`` is ``hashes[32*i : 32*i + 32]``.
* ``root = blake2_256(<contents of .hashes>)``, printed as ``0x`` + 64
  lowercase hex digits.
* The on-chain commitment is printed as JSON:
  ``{"path": "audit/obj.bin", "size": N, "chunkSize": 4096, "root": "0x..."}``
  where ``path`` is the object's path relative to the storage endpoint
  (no leading slash); the worker fetches ``<endpoint>/<path>`` and
  ``<endpoint>/<path>.hashes``.

Test data produced by ``generate`` is deterministic in its seed: the seed
string is UTF-8 encoded and the content is the concatenation of
``blake2b(seed || counter_u64_le, digest_size=64)`` for counter = 0, 1, 2...
truncated to ``size`` bytes.

Subcommands
-----------
  generate OUT_FILE --size BYTES [--seed S]   create a test object + .hashes
  hashes FILE [--chunk-size 4096] [--path P]  write FILE.hashes, print JSON
  verify FILE --root 0x...                    recheck FILE, FILE.hashes, root
  serve DIR [--port N] [--bind 127.0.0.1]     static HTTP server with Range
        [--fail-mode {none,500,slow,corrupt}]

The server's fail mode can be switched at runtime with
``POST /__mode/<mode>`` (answers 204), which lets end-to-end tests make a
node fail its SLA probes. Standard library only; Python >= 3.9.
"""

import argparse
import email.utils
import hashlib
import http.server
import json
import mimetypes
import os
import posixpath
import re
import socket
import sys
import tempfile
import threading
import time
import urllib.parse

DEFAULT_CHUNK_SIZE = 4096
DIGEST_SIZE = 32
HASHES_SUFFIX = ".hashes"
FAIL_MODES = ("none", "500", "slow", "corrupt")
SLOW_SECONDS = 5.0
IO_BLOCK = 1 << 16


class AuditError(Exception):
    """A user-facing error; printed without a traceback."""


# --------------------------------------------------------------------------
# Hashing
# --------------------------------------------------------------------------

def blake2_256(data):
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).digest()


def chunk_count(size, chunk_size):
    if size <= 0:
        raise AuditError("object size must be > 0 (got %d)" % size)
    return -(-size // chunk_size)


def compute_hashes(path, chunk_size=DEFAULT_CHUNK_SIZE):
    """Return (size, concatenated chunk digests) for the file at ``path``."""
    if chunk_size <= 0:
        raise AuditError("chunk size must be > 0 (got %d)" % chunk_size)
    digests = []
    size = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(chunk_size)
            if not chunk:
                break
            size += len(chunk)
            digests.append(blake2_256(chunk))
    chunk_count(size, chunk_size)  # raises on an empty file
    return size, b"".join(digests)


def format_root(root):
    return "0x" + root.hex()


def parse_root(text):
    s = text.strip().lower()
    if s.startswith("0x"):
        s = s[2:]
    if not re.fullmatch(r"[0-9a-f]{64}", s):
        raise AuditError("root must be 0x followed by 64 hex digits, got %r" % text)
    return bytes.fromhex(s)


def readable_by_others(path):
    """Gives a temporary file the mode a new file would get (0666 less the umask, usually
    0644): mkstemp creates 0600, which a web server running as another user cannot read."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def atomic_write(path, data):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        readable_by_others(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def commitment_path(file_path, override):
    if override is None:
        return os.path.basename(file_path)
    if override.startswith("/"):
        raise AuditError("--path must be relative to the endpoint (no leading slash): %r" % override)
    if not override or override.endswith("/"):
        raise AuditError("--path must name an object, got %r" % override)
    return override


def write_hashes(file_path, chunk_size, path_override):
    """Write FILE.hashes and return the commitment dict."""
    if not os.path.isfile(file_path):
        raise AuditError("not a regular file: %s" % file_path)
    obj_path = commitment_path(file_path, path_override)
    size, hashes = compute_hashes(file_path, chunk_size)
    atomic_write(file_path + HASHES_SUFFIX, hashes)
    return {
        "path": obj_path,
        "size": size,
        "chunkSize": chunk_size,
        "root": format_root(blake2_256(hashes)),
    }


# --------------------------------------------------------------------------
# Subcommands
# --------------------------------------------------------------------------

def cmd_hashes(args):
    commitment = write_hashes(args.file, args.chunk_size, args.path)
    print(json.dumps(commitment))
    return 0


def generate_bytes(seed, size):
    """Yield pseudo-random blocks: blake2b-512(seed || counter_le64)."""
    counter = 0
    remaining = size
    per_batch = IO_BLOCK // 64
    while remaining > 0:
        parts = []
        for _ in range(per_batch):
            parts.append(hashlib.blake2b(seed + counter.to_bytes(8, "little"),
                                         digest_size=64).digest())
            counter += 1
        block = b"".join(parts)[:remaining]
        remaining -= len(block)
        yield block


def cmd_generate(args):
    if args.size <= 0:
        raise AuditError("--size must be > 0 (got %d)" % args.size)
    seed = args.seed
    if seed is None:
        seed = os.urandom(16).hex()
        print("generate: random seed %s (reproduce with --seed %s)" % (seed, seed),
              file=sys.stderr)
    out = args.out_file
    directory = os.path.dirname(os.path.abspath(out))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            for block in generate_bytes(seed.encode("utf-8"), args.size):
                f.write(block)
        readable_by_others(tmp)
        os.replace(tmp, out)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    commitment = write_hashes(out, args.chunk_size, args.path)
    print(json.dumps(commitment))
    return 0


def cmd_verify(args):
    expected_root = parse_root(args.root)
    hashes_path = args.file + HASHES_SUFFIX
    if not os.path.isfile(args.file):
        raise AuditError("not a regular file: %s" % args.file)
    try:
        with open(hashes_path, "rb") as f:
            stored = f.read()
    except OSError as e:
        raise AuditError("cannot read %s: %s" % (hashes_path, e))
    size, computed = compute_hashes(args.file, args.chunk_size)
    n = chunk_count(size, args.chunk_size)
    problems = []
    if args.size is not None and args.size != size:
        problems.append("size mismatch: file has %d bytes, expected %d" % (size, args.size))
    if len(stored) != len(computed):
        problems.append("%s has %d bytes, expected %d (%d chunks x %d)"
                        % (hashes_path, len(stored), len(computed), n, DIGEST_SIZE))
    else:
        bad = [i for i in range(n)
               if stored[i * DIGEST_SIZE:(i + 1) * DIGEST_SIZE]
               != computed[i * DIGEST_SIZE:(i + 1) * DIGEST_SIZE]]
        if bad:
            shown = ", ".join(str(i) for i in bad[:10]) + (" ..." if len(bad) > 10 else "")
            problems.append("%d of %d chunk hashes in %s do not match the file (chunks %s)"
                            % (len(bad), n, hashes_path, shown))
    stored_root = blake2_256(stored)
    if stored_root != expected_root:
        problems.append("root mismatch: blake2_256(%s) = %s, expected %s"
                        % (hashes_path, format_root(stored_root), format_root(expected_root)))
    if problems:
        for p in problems:
            print("verify: FAIL: " + p, file=sys.stderr)
        return 1
    print("verify: OK %s (%d bytes, %d chunks of %d, root %s)"
          % (args.file, size, n, args.chunk_size, format_root(expected_root)))
    return 0


# --------------------------------------------------------------------------
# HTTP server
# --------------------------------------------------------------------------

_RANGE_RE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


def parse_range(header, size):
    """Parse a single-range ``Range`` header against a resource of ``size``.

    Returns None to ignore the header (absent, malformed, multi-range or
    another unit -- RFC 9110 allows serving the full body), the string
    "unsatisfiable", or an inclusive (first, last) tuple.
    """
    if header is None:
        return None
    m = _RANGE_RE.match(header)
    if not m:
        return None
    first, last = m.group(1), m.group(2)
    if first == "" and last == "":
        return None
    if first == "":  # bytes=-n : the last n bytes
        n = int(last)
        if n == 0 or size == 0:
            return "unsatisfiable"
        return (max(0, size - n), size - 1)
    a = int(first)
    if last == "":  # bytes=a-
        b = size - 1
    else:
        b = int(last)
        if b < a:
            return None  # syntactically invalid -> ignore
    if a >= size:
        return "unsatisfiable"
    return (a, min(b, size - 1))


class AuditHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # A HyperNode opens every probe connection at once (thousands when one worker probes
    # many nodes served here): a deep accept backlog, not socketserver's default of 5.
    request_queue_size = 4096

    def __init__(self, addr, handler, root, fail_mode, slow_seconds, quiet):
        self.root = os.path.realpath(root)
        self._mode = fail_mode
        self._mode_lock = threading.Lock()
        self.slow_seconds = slow_seconds
        self.quiet = quiet
        super().__init__(addr, handler)

    @property
    def mode(self):
        with self._mode_lock:
            return self._mode

    @mode.setter
    def mode(self, value):
        with self._mode_lock:
            self._mode = value


class AuditServer6(AuditHTTPServer):
    address_family = socket.AF_INET6


class AuditRequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "icn-audit-object/1"

    # -- helpers -----------------------------------------------------------

    def log_message(self, fmt, *args):
        if not self.server.quiet:
            super().log_message(fmt, *args)

    def _simple(self, code, body=b"", extra_headers=(), send_body=True):
        self.send_response(code)
        if body:
            self.send_header("Content-Type", "text/plain; charset=utf-8")
        for k, v in extra_headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)

    def _discard_body(self):
        length = self.headers.get("Content-Length")
        try:
            n = int(length) if length else 0
        except ValueError:
            n = 0
        while n > 0:
            got = self.rfile.read(min(n, IO_BLOCK))
            if not got:
                break
            n -= len(got)

    def _resolve(self):
        """Map the request path to a regular file under the root, or None."""
        raw = urllib.parse.urlsplit(self.path).path
        path = urllib.parse.unquote(raw, errors="strict") if raw else ""
        if not path.startswith("/") or "\x00" in path or "\\" in path:
            return None
        parts = path.split("/")
        if any(p in ("..", ".") for p in parts):
            return None
        rel = posixpath.normpath(path).lstrip("/")
        if not rel or rel == ".":
            return None
        full = os.path.realpath(os.path.join(self.server.root, *rel.split("/")))
        try:
            if os.path.commonpath([full, self.server.root]) != self.server.root:
                return None
        except ValueError:
            return None
        if not os.path.isfile(full):
            return None
        return full

    def _apply_fail_mode(self, send_body):
        """Return True if the request was already answered by a fail mode."""
        mode = self.server.mode
        if mode == "slow":
            time.sleep(self.server.slow_seconds)
        elif mode == "500":
            self._simple(500, b"injected failure (fail-mode 500)\n", send_body=send_body)
            return True
        return False

    # -- methods -----------------------------------------------------------

    def do_POST(self):
        self._discard_body()
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/__mode/"):
            mode = path[len("/__mode/"):]
            if mode not in FAIL_MODES:
                self._simple(400, ("unknown mode %r; expected one of %s\n"
                                   % (mode, ", ".join(FAIL_MODES))).encode())
                return
            self.server.mode = mode
            if not self.server.quiet:
                sys.stderr.write("fail mode -> %s\n" % mode)
            self._simple(204)
            return
        self._simple(405, b"method not allowed\n", [("Allow", "GET, HEAD")])

    def do_HEAD(self):
        self._serve(send_body=False)

    def do_GET(self):
        self._serve(send_body=True)

    def _serve(self, send_body):
        if self._apply_fail_mode(send_body):
            return
        try:
            full = self._resolve()
        except UnicodeDecodeError:
            full = None
        if full is None:
            self._simple(404, b"not found\n", send_body=send_body)
            return
        try:
            f = open(full, "rb")
        except OSError:
            self._simple(404, b"not found\n", send_body=send_body)
            return
        with f:
            st = os.fstat(f.fileno())
            size = st.st_size
            ctype = mimetypes.guess_type(full)[0] or "application/octet-stream"
            common = [
                ("Accept-Ranges", "bytes"),
                ("Last-Modified", email.utils.formatdate(st.st_mtime, usegmt=True)),
                ("ETag", '"%x-%x"' % (int(st.st_mtime_ns), size)),
            ]
            rng = parse_range(self.headers.get("Range"), size) if send_body else None
            if rng == "unsatisfiable":
                self._simple(416, b"", common + [("Content-Range", "bytes */%d" % size)],
                             send_body=send_body)
                return
            if rng is None:
                status, first, last = 200, 0, size - 1
            else:
                status, (first, last) = 206, rng
            length = last - first + 1 if size > 0 else 0
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            for k, v in common:
                self.send_header(k, v)
            if status == 206:
                self.send_header("Content-Range", "bytes %d-%d/%d" % (first, last, size))
            self.send_header("Content-Length", str(length))
            self.end_headers()
            if not send_body or length == 0:
                return
            corrupt = (self.server.mode == "corrupt"
                       and not full.endswith(HASHES_SUFFIX))
            f.seek(first)
            remaining = length
            try:
                while remaining > 0:
                    block = f.read(min(IO_BLOCK, remaining))
                    if not block:
                        break  # file shrank underneath us; client sees short body
                    if corrupt:
                        block = bytes([block[0] ^ 0xFF]) + block[1:]
                        corrupt = False
                    self.wfile.write(block)
                    remaining -= len(block)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True


def _raise_open_files_limit():
    """One thread and one socket per connection: lift the soft limit to the hard one."""
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or hard > soft:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass


def cmd_serve(args):
    if not os.path.isdir(args.dir):
        raise AuditError("not a directory: %s" % args.dir)
    _raise_open_files_limit()
    cls = AuditServer6 if ":" in args.bind else AuditHTTPServer
    try:
        httpd = cls((args.bind, args.port), AuditRequestHandler, args.dir,
                    args.fail_mode, args.slow_seconds, args.quiet)
    except OSError as e:
        raise AuditError("cannot bind %s:%d: %s" % (args.bind, args.port, e))
    host, port = httpd.server_address[:2]
    shown = "[%s]" % host if ":" in host else host
    sys.stdout.write("listening on http://%s:%d\n" % (shown, port))
    sys.stdout.flush()
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------

def positive_int(text):
    try:
        v = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError("not an integer: %r" % text)
    if v <= 0:
        raise argparse.ArgumentTypeError("must be > 0: %r" % text)
    return v


def port_int(text):
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not an integer: %r" % text)
    if not 0 <= v <= 65535:
        raise argparse.ArgumentTypeError("port out of range: %r" % text)
    return v


def build_parser():
    fmt = argparse.RawDescriptionHelpFormatter
    p = argparse.ArgumentParser(
        prog="audit-object.py",
        description="Build, verify and serve ICN Chain proof-of-storage audit objects "
                    "(path, size, chunk_size, root = blake2_256(<path>.hashes)).",
        epilog="Run '%(prog)s <subcommand> --help' for details.",
        formatter_class=fmt)
    sub = p.add_subparsers(dest="command", metavar="SUBCOMMAND")
    sub.required = True

    def add_commit_opts(sp):
        sp.add_argument("--chunk-size", type=positive_int, default=DEFAULT_CHUNK_SIZE,
                        metavar="BYTES",
                        help="chunk size in bytes (default %(default)s; the on-chain "
                             "protocol uses 4096)")
        sp.add_argument("--path", metavar="P",
                        help="object path relative to the storage endpoint to print in "
                             "the commitment, e.g. audit/obj.bin (no leading slash; "
                             "default: basename of the file)")

    g = sub.add_parser(
        "generate", formatter_class=fmt,
        help="create a pseudo-random test object and its .hashes",
        description="Write OUT_FILE with exactly BYTES pseudo-random bytes, then write "
                    "OUT_FILE.hashes and print the on-chain commitment JSON (as 'hashes').",
        epilog="Content = blake2b(seed_utf8 || counter_u64_le, digest_size=64) for "
               "counter = 0, 1, ... truncated to BYTES; the same seed always gives the "
               "same file. Without --seed a random seed is chosen and printed on stderr.\n\n"
               "example: %(prog)s data/obj.bin --size 10000 --seed test --path audit/obj.bin")
    g.add_argument("out_file", metavar="OUT_FILE", help="file to create (overwritten)")
    g.add_argument("--size", type=positive_int, required=True, metavar="BYTES",
                   help="object size in bytes (> 0)")
    g.add_argument("--seed", metavar="S", help="seed string (default: random)")
    add_commit_opts(g)
    g.set_defaults(func=cmd_generate)

    h = sub.add_parser(
        "hashes", formatter_class=fmt,
        help="write FILE.hashes and print the on-chain commitment",
        description="Split FILE into chunks, write FILE.hashes (the concatenated 32-byte "
                    "blake2-256 digests of every chunk, last chunk may be short) and print "
                    "the commitment as JSON on stdout:\n"
                    '  {"path": ..., "size": N, "chunkSize": 4096, "root": "0x<64 hex>"}\n'
                    "where root = blake2_256(contents of FILE.hashes).",
        epilog="example: %(prog)s /srv/audit/obj.bin --path audit/obj.bin")
    h.add_argument("file", metavar="FILE", help="the audit object (must be non-empty)")
    add_commit_opts(h)
    h.set_defaults(func=cmd_hashes)

    v = sub.add_parser(
        "verify", formatter_class=fmt,
        help="check FILE and FILE.hashes against a committed root",
        description="Recompute the chunk digests of FILE and check that FILE.hashes "
                    "matches them and that blake2_256(FILE.hashes) equals --root. "
                    "Exits 0 and prints 'verify: OK ...' on success, exits 1 with a "
                    "message on stderr otherwise.",
        epilog="example: %(prog)s obj.bin --root 0x1234...")
    v.add_argument("file", metavar="FILE", help="the audit object")
    v.add_argument("--root", required=True, metavar="0xHEX",
                   help="committed root: 0x followed by 64 hex digits")
    v.add_argument("--chunk-size", type=positive_int, default=DEFAULT_CHUNK_SIZE,
                   metavar="BYTES", help="chunk size in bytes (default %(default)s)")
    v.add_argument("--size", type=positive_int, metavar="BYTES",
                   help="also check the committed object size")
    v.set_defaults(func=cmd_verify)

    s = sub.add_parser(
        "serve", formatter_class=fmt,
        help="serve a directory over HTTP with Range support and fault injection",
        description="Threaded static HTTP/1.1 server for DIR. Supports HEAD and GET with a "
                    "single 'Range: bytes=a-b', 'bytes=a-' or 'bytes=-n' (206 + "
                    "Content-Range; 416 + 'Content-Range: bytes */SIZE' when unsatisfiable; "
                    "malformed or multi-range headers are ignored and the full body is "
                    "sent). Content-Length is always set. No directory listings; path "
                    "traversal and anything outside DIR answer 404.\n\n"
                    "The first stdout line is 'listening on http://HOST:PORT' (flushed), so "
                    "--port 0 can be used to pick a free port.",
        epilog="fail modes (for SLA-probe tests):\n"
               "  none     normal operation\n"
               "  500      answer every GET/HEAD with HTTP 500\n"
               "  slow     sleep --slow-seconds (default 5) before answering\n"
               "  corrupt  flip one byte in every GET body of data files (not *.hashes)\n"
               "change at runtime with:  curl -X POST http://HOST:PORT/__mode/<mode>  "
               "(answers 204; 400 for an unknown mode)")
    s.add_argument("dir", metavar="DIR",
                   help="directory to serve: the endpoint's root. An object committed with "
                        "--path audit/object.bin must be DIR/audit/object.bin (with its "
                        ".hashes beside it), served at http://HOST:PORT/audit/object.bin; "
                        "register the endpoint http://HOST:PORT")
    s.add_argument("--port", type=port_int, default=8080,
                   help="TCP port (default %(default)s; 0 = pick a free port)")
    s.add_argument("--bind", default="127.0.0.1", metavar="ADDR",
                   help="address to bind (default %(default)s)")
    s.add_argument("--fail-mode", choices=FAIL_MODES, default="none",
                   help="initial fail mode (default %(default)s)")
    s.add_argument("--slow-seconds", type=float, default=SLOW_SECONDS, metavar="SECS",
                   help="delay used by the 'slow' mode (default %(default)s)")
    s.add_argument("--quiet", action="store_true", help="do not log requests to stderr")
    s.set_defaults(func=cmd_serve)
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except AuditError as e:
        print("%s: error: %s" % (args.command, e), file=sys.stderr)
        return 2
    except OSError as e:
        print("%s: error: %s" % (args.command, e), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
