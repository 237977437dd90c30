"""Tests for scripts/audit-object.py.

Run from the repository root:  python3 -m unittest scripts/test_audit_object.py
"""

import hashlib
import http.client
import json
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "audit-object.py")
SIZE = 10_000
CHUNK = 4096


def b256(data):
    return hashlib.blake2b(data, digest_size=32).digest()


def run(*args, check=True):
    proc = subprocess.run([sys.executable, SCRIPT, *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=60)
    if check and proc.returncode != 0:
        raise AssertionError("%s failed (%d): %s" % (args, proc.returncode, proc.stderr))
    return proc


class AuditObjectTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        os.makedirs(os.path.join(cls.dir, "audit"))
        cls.obj = os.path.join(cls.dir, "audit", "obj.bin")
        out = run("generate", cls.obj, "--size", str(SIZE), "--seed", "unit-test",
                  "--path", "audit/obj.bin").stdout
        cls.commitment = json.loads(out)
        with open(cls.obj, "rb") as f:
            cls.data = f.read()
        with open(cls.obj + ".hashes", "rb") as f:
            cls.hashes = f.read()
        cls.server = None

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    # -- generate / hashes / verify -----------------------------------------

    def test_generate_and_hashes(self):
        self.assertEqual(len(self.data), SIZE)
        self.assertEqual(len(self.hashes), 96)  # ceil(10000/4096) = 3 chunks
        chunks = [self.data[i:i + CHUNK] for i in range(0, SIZE, CHUNK)]
        self.assertEqual([len(c) for c in chunks], [4096, 4096, 1808])
        self.assertEqual(self.hashes, b"".join(b256(c) for c in chunks))
        self.assertEqual(self.commitment, {
            "path": "audit/obj.bin",
            "size": SIZE,
            "chunkSize": 4096,
            "root": "0x" + b256(self.hashes).hex(),
        })

    def test_files_are_readable_by_a_web_server_of_another_user(self):
        mask = os.umask(0o022)
        try:
            other = os.path.join(self.dir, "served.bin")
            run("generate", other, "--size", "5000", "--seed", "perm")
            for path in (other, other + ".hashes"):
                self.assertEqual(os.stat(path).st_mode & 0o777, 0o644, path)
        finally:
            os.umask(mask)

    def test_generate_deterministic(self):
        other = os.path.join(self.dir, "again.bin")
        c = json.loads(run("generate", other, "--size", str(SIZE), "--seed", "unit-test").stdout)
        self.assertEqual(c["root"], self.commitment["root"])
        self.assertEqual(c["path"], "again.bin")

    def test_hashes_subcommand(self):
        c = json.loads(run("hashes", self.obj).stdout)
        self.assertEqual(c["path"], "obj.bin")
        self.assertEqual(c["root"], self.commitment["root"])
        self.assertNotEqual(run("hashes", self.obj, "--path", "/abs", check=False).returncode, 0)

    def test_verify(self):
        root = self.commitment["root"]
        self.assertIn("OK", run("verify", self.obj, "--root", root).stdout)
        bad_root = "0x" + "00" * 32
        p = run("verify", self.obj, "--root", bad_root, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("root mismatch", p.stderr)
        # a tampered copy of the object fails against its (unchanged) .hashes
        tampered = os.path.join(self.dir, "tampered.bin")
        with open(tampered, "wb") as f:
            f.write(self.data[:5000] + bytes([self.data[5000] ^ 1]) + self.data[5001:])
        with open(tampered + ".hashes", "wb") as f:
            f.write(self.hashes)
        p = run("verify", tampered, "--root", root, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("chunks 1", p.stderr)

    # -- serve ------------------------------------------------------------

    def start_server(self):
        proc = subprocess.Popen(
            [sys.executable, SCRIPT, "serve", self.dir, "--port", "0", "--quiet"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.addCleanup(self.stop_server, proc)
        line = proc.stdout.readline().strip()
        self.assertTrue(line.startswith("listening on http://127.0.0.1:"), line)
        return int(line.rsplit(":", 1)[1])

    @staticmethod
    def stop_server(proc):
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()

    def request(self, port, method, path, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        try:
            conn.request(method, path, headers=headers or {})
            resp = conn.getresponse()
            body = resp.read()
            return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), body
        finally:
            conn.close()

    def get_chunk(self, port, i):
        first = i * CHUNK
        last = min(first + CHUNK, SIZE) - 1
        return self.request(port, "GET", "/audit/obj.bin",
                            {"Range": "bytes=%d-%d" % (first, last)})

    def test_serve(self):
        port = self.start_server()
        root = bytes.fromhex(self.commitment["root"][2:])

        # HEAD
        status, headers, body = self.request(port, "HEAD", "/audit/obj.bin")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-length"], str(SIZE))
        self.assertEqual(body, b"")

        # full GET of the .hashes object, checked against the committed root
        status, headers, hashes = self.request(port, "GET", "/audit/obj.bin.hashes")
        self.assertEqual(status, 200)
        self.assertEqual(b256(hashes), root)

        # range GET of chunk 2 (the short last chunk)
        status, headers, chunk = self.get_chunk(port, 2)
        self.assertEqual(status, 206)
        self.assertEqual(headers["content-range"], "bytes 8192-9999/10000")
        self.assertEqual(headers["content-length"], "1808")
        self.assertEqual(b256(chunk), hashes[64:96])

        # open-ended and suffix ranges
        status, headers, body = self.request(port, "GET", "/audit/obj.bin",
                                             {"Range": "bytes=9990-"})
        self.assertEqual((status, body), (206, self.data[9990:]))
        status, headers, body = self.request(port, "GET", "/audit/obj.bin",
                                             {"Range": "bytes=-10"})
        self.assertEqual((status, body), (206, self.data[-10:]))
        self.assertEqual(headers["content-range"], "bytes 9990-9999/10000")

        # unsatisfiable range
        status, headers, _ = self.request(port, "GET", "/audit/obj.bin",
                                          {"Range": "bytes=10000-10010"})
        self.assertEqual(status, 416)
        self.assertEqual(headers["content-range"], "bytes */10000")
        self.assertEqual(headers["content-length"], "0")

        # traversal, encoded traversal, directories and missing files
        for path in ("/../etc/passwd", "/%2e%2e/etc/passwd", "/audit/../../etc/passwd",
                     "/", "/audit/", "/missing"):
            status, headers, _ = self.request(port, "GET", path)
            self.assertEqual(status, 404, path)
            self.assertIn("content-length", headers)

        # runtime fail mode: 500
        status, _, _ = self.request(port, "POST", "/__mode/500")
        self.assertEqual(status, 204)
        status, _, _ = self.get_chunk(port, 0)
        self.assertEqual(status, 500)
        status, _, _ = self.request(port, "POST", "/__mode/bogus")
        self.assertEqual(status, 400)

        # runtime fail mode: corrupt (data chunk fails, .hashes untouched)
        status, _, _ = self.request(port, "POST", "/__mode/corrupt")
        self.assertEqual(status, 204)
        status, _, chunk = self.get_chunk(port, 1)
        self.assertEqual(status, 206)
        self.assertEqual(len(chunk), CHUNK)
        self.assertNotEqual(b256(chunk), hashes[32:64])
        status, _, h2 = self.request(port, "GET", "/audit/obj.bin.hashes")
        self.assertEqual(b256(h2), root)

        # back to normal
        self.assertEqual(self.request(port, "POST", "/__mode/none")[0], 204)
        status, _, chunk = self.get_chunk(port, 1)
        self.assertEqual(b256(chunk), hashes[32:64])


if __name__ == "__main__":
    unittest.main()
