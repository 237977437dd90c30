#!/usr/bin/env bash
# Builds the PRODUCTION runtime: the WASM that the staging chain spec carries and that runtime
# upgrades propose — without `runtime-benchmarks`, `try-runtime` or test features, with the
# metadata hash (`CheckMetadataHash`), in the `production` profile (fat LTO, one codegen unit) —
# reproducibly: two clones at different paths, with different CARGO_HOMEs and target
# directories, build byte-identical WASM with the same toolchain. Prints what a governance
# proposal quotes (sizes, blake2-256 code hash, spec name/version, rustc), as srtool does.
#
#   scripts/build-runtime.sh                       # build (or reuse), print the summary
#   scripts/build-runtime.sh --json                # the summary as JSON on stdout
#   scripts/build-runtime.sh --check-spec FILE     # and fail unless FILE's :code is this build
#   scripts/build-runtime.sh --try-runtime         # the same runtime with `try-runtime` instead of
#                                                  # `metadata-hash` (the pre/post-upgrade checks and
#                                                  # `try_state`; never on chain; docs/release.md)
#
# Outputs in $ICN_RUNTIME_OUT (default $CARGO_TARGET_DIR/production):
#   icn_runtime.production.wasm               the runtime (what executes)
#   icn_runtime.production.compressed.wasm    what goes on chain (`:code`, `system.setCode`)
#   icn_runtime.production.json               the summary
#   (with --try-runtime: icn_runtime.try-runtime.{wasm,compressed.wasm,json})
#
# How it is made reproducible (docs/release.md):
# - The wasm project (the cdylib wrapper substrate-wasm-builder would generate) lives in
#   $OUT/project, and the repository is linked INTO it as `icn/`, so every path dependency is
#   inside the project's workspace root: cargo then hashes and names those crates by their
#   path relative to that root (`icn/runtime`), not by the clone's absolute path. (The
#   wasm-builder's own project sits in the target directory beside, not above, the sources,
#   so its crate hashes — and the WASM — change with the clone's path.)
# - Paths that remain absolute (crates.io sources under CARGO_HOME, build-script output under
#   the target directory) are remapped with `--remap-path-prefix`; cargo ≥ 1.85 leaves RUSTFLAGS
#   out of crate hashes, so those flags do not leak the paths either.
# - The toolchain is whatever scripts/env.sh selects for the WASM build (rustup's
#   wasm32v1-none target or the offline `icn-wasm` one); its `rustc -V` is in the summary:
#   the same rustc gives the same bytes, another rustc other bytes.
# - The metadata hash is the test build's (`RUNTIME_METADATA_HASH` of its wasm-builder
#   command): the extrinsic types it covers are the same without the benchmarks. The client
#   suite's `production runtime` test recomputes it from this WASM's own metadata.
# - Compression: the wasm-builder's format (8-byte magic, then zstd level 19, Debian's zstd).
#   The raw WASM's hash is printed too; it does not depend on the zstd version, and
#   --check-spec compares the raw WASM (the compressed bytes only when the zstd versions agree).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CALLER_PWD="$PWD"
cd "$ROOT"
# shellcheck source=env.sh
. scripts/env.sh

JSON=0
CHECK_SPEC=""
VARIANT=production
FEATURES='"metadata-hash"'
while [ $# -gt 0 ]; do
  case "$1" in
    --json) JSON=1 ;;
    --check-spec) CHECK_SPEC="$(cd "$CALLER_PWD" && realpath -e "$2")" \
      || { echo "[build-runtime] no such spec: $2" >&2; exit 2; }; shift ;;
    --try-runtime) VARIANT=try-runtime; FEATURES='"try-runtime"' ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "[build-runtime] unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

OUT="${ICN_RUNTIME_OUT:-$CARGO_TARGET_DIR/production}"
# One target directory for both variants (the crates a feature does not reach are shared).
WASM_TARGET_DIR="$OUT/target"
if [ "$VARIANT" = production ]; then PROJECT="$OUT/project"; else PROJECT="$OUT/$VARIANT-project"; fi
CARGO_HOME_DIR="$(realpath "${CARGO_HOME:-$HOME/.cargo}")"
mkdir -p "$PROJECT/src" "$WASM_TARGET_DIR"

# The cargo binary, RUSTFLAGS and metadata hash of the test build's wasm-builder command (so the
# toolchain and the link flags are exactly the wasm-builder's).
CMD_FILE="$(mktemp)"
trap 'rm -f "$CMD_FILE"' EXIT
python3 - "$CARGO_TARGET_DIR/release/build" "$CMD_FILE" <<'PY'
import glob, os, re, shlex, sys
build, out = sys.argv[1], sys.argv[2]
best = None
for f in glob.glob(os.path.join(build, "icn-runtime-*", "output")):
    text = open(f, "rb").read().decode("utf-8", "replace")
    lines = [l for l in text.splitlines() if "Executing build command:" in l and "RUNTIME_METADATA_HASH" in l]
    if lines and (best is None or os.path.getmtime(f) > best[0]):
        best = (os.path.getmtime(f), lines[-1])
if best is None:
    sys.exit("[build-runtime] error: no wasm-builder command with a metadata hash in the runtime build "
             "script's output: build the workspace first (scripts/build.sh or scripts/test.sh)")
line = re.sub(r"\x1b\[[0-9;]*m", "", best[1]).split("Executing build command:", 1)[1]
args = shlex.split(line)
env = dict(a.split("=", 1) for a in args if re.match(r"^[A-Z_]+=", a))
# Either `<toolchain dir>/bin/cargo …` or `rustup run <toolchain> cargo …` (WASM_BUILD_TOOLCHAIN).
toolchain = ""
if "rustup" in [os.path.basename(a) for a in args]:
    i = [os.path.basename(a) for a in args].index("rustup")
    if args[i + 1] == "run":
        toolchain = args[i + 2]
cargo = "" if toolchain else next(a for a in args if a.endswith("/cargo"))
open(out, "w").write("\n".join([toolchain or "-", cargo or "-", env["RUSTFLAGS"].strip(),
                                env["RUNTIME_METADATA_HASH"]]) + "\n")
PY
{ read -r TOOLCHAIN; read -r CARGO_BIN; read -r BASE_RUSTFLAGS; read -r METADATA_HASH; } <"$CMD_FILE"
if [ "$TOOLCHAIN" != "-" ]; then
  CARGO_BIN="$(rustup which --toolchain "$TOOLCHAIN" cargo)"
  RUSTC_BIN="$(rustup which --toolchain "$TOOLCHAIN" rustc)"
else
  RUSTC_BIN="$(dirname "$CARGO_BIN")/rustc"
fi
RUSTC_VERSION="$("$RUSTC_BIN" -V)"

# The wasm project, as substrate-wasm-builder writes it, with the sources inside it.
# Its crates are named by their path in it (`icn/…`), whichever clone `icn` links to: when it
# last linked another clone, the ICN crates' fingerprints are dropped, or cargo would take that
# clone's build for this one's (a clone's files may be older than the other's build).
if [ "$(readlink "$PROJECT/icn" 2>/dev/null || true)" != "$ROOT" ]; then
  for manifest in $(git -C "$ROOT" ls-files '*Cargo.toml'); do
    name="$(sed -n '/^\[package\]/,/^\[/s/^name *= *"\(.*\)"/\1/p' "$ROOT/$manifest" | head -1)"
    [ -n "$name" ] || continue
    rm -rf "$WASM_TARGET_DIR"/wasm32v1-none/*/.fingerprint/"$name"-* \
      "$WASM_TARGET_DIR"/*/.fingerprint/"$name"-*
  done
  rm -rf "$WASM_TARGET_DIR"/wasm32v1-none/*/.fingerprint/icn-runtime-blob-*
fi
ln -sfn "$ROOT" "$PROJECT/icn"
cat >"$PROJECT/Cargo.toml" <<TOML
# Generated by scripts/build-runtime.sh: the $VARIANT runtime's wasm project.
[package]
name = "icn-runtime-blob"
version = "1.0.0"
edition = "2021"

[lib]
name = "icn_runtime"
crate-type = ["cdylib"]

[dependencies.wasm-project]
package = "icn-runtime"
path = "icn/runtime"
default-features = false
features = [$FEATURES]

[profile.dev]
panic = "abort"

[profile.release]
panic = "abort"
lto = "thin"

[profile.production]
inherits = "release"
lto = "fat"
codegen-units = 1

[workspace]
resolver = "2"
exclude = ["icn"]
TOML
printf '#![no_std] #![allow(unused_imports)] pub use wasm_project::*;\n' >"$PROJECT/src/lib.rs"
cp "$ROOT/Cargo.lock" "$PROJECT/Cargo.lock"

REMAP="--remap-path-prefix=$CARGO_HOME_DIR=/cargo --remap-path-prefix=$(realpath "$WASM_TARGET_DIR")=/target"
echo "[build-runtime] $VARIANT: $RUSTC_VERSION, production profile, metadata hash $METADATA_HASH" >&2
start=$(date +%s)
# Crates this feature set needs that the workspace build did not download (e.g. frame-try-runtime);
# the build itself is then offline.
"$CARGO_BIN" fetch --manifest-path="$PROJECT/Cargo.toml" -q >&2
(
  cd "$PROJECT"
  # RUSTC: that toolchain's rustc by path (a crate's own rust-toolchain file must not pick another).
  env -u CARGO_ENCODED_RUSTFLAGS -u RUSTC_WRAPPER -u CARGO_BUILD_RUSTFLAGS RUSTC="$RUSTC_BIN" \
    CARGO_TARGET_DIR="$WASM_TARGET_DIR" RUNTIME_METADATA_HASH="$METADATA_HASH" \
    RUSTFLAGS="$BASE_RUSTFLAGS $REMAP" SKIP_WASM_BUILD="" SOURCE_DATE_EPOCH=0 \
    "$CARGO_BIN" rustc --target=wasm32v1-none --manifest-path="$PROJECT/Cargo.toml" \
    --profile production --color=never -q --offline
) >&2
echo "[build-runtime] built in $(( $(date +%s) - start )) s" >&2

RAW="$WASM_TARGET_DIR/wasm32v1-none/production/icn_runtime.wasm"
[ -f "$RAW" ] || { echo "[build-runtime] error: $RAW missing after the build" >&2; exit 1; }
WASM="$OUT/icn_runtime.$VARIANT.wasm"
COMPRESSED="$OUT/icn_runtime.$VARIANT.compressed.wasm"
if ! cmp -s "$RAW" "$WASM" || [ ! -f "$COMPRESSED" ]; then
  cp "$RAW" "$WASM"
  # sp-maybe-compressed-blob: ZSTD_PREFIX = [82, 188, 83, 118, 70, 219, 142, 5], then zstd.
  { printf '\x52\xbc\x53\x76\x46\xdb\x8e\x05'; zstd -q -19 -c "$WASM"; } >"$COMPRESSED.tmp"
  mv "$COMPRESSED.tmp" "$COMPRESSED"
fi

python3 - "$WASM" "$COMPRESSED" "$RUSTC_VERSION" "$METADATA_HASH" "$OUT/icn_runtime.$VARIANT.json" "$FEATURES" \
  "$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)" \
  "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | wc -l)" <<'PY'
import hashlib, json, sys
wasm_path, compressed_path, rustc, metadata_hash, out, features, commit, dirty = sys.argv[1:9]
wasm = open(wasm_path, "rb").read()
compressed = open(compressed_path, "rb").read()

def leb(b, i):
    r = s = 0
    while True:
        x = b[i]; i += 1
        r |= (x & 0x7F) << s; s += 7
        if x < 0x80:
            return r, i

def compact(b, i):
    m = b[i] & 3
    if m == 0: return b[i] >> 2, i + 1
    if m == 1: return int.from_bytes(b[i:i+2], "little") >> 2, i + 2
    if m == 2: return int.from_bytes(b[i:i+4], "little") >> 2, i + 4
    n = (b[i] >> 2) + 4
    return int.from_bytes(b[i+1:i+1+n], "little"), i + 1 + n

# The `runtime_version` custom section: the SCALE-encoded RuntimeVersion.
assert wasm[:8] == b"\0asm\1\0\0\0", "not a wasm module"
i, version, napis = 8, None, None
while i < len(wasm):
    sid = wasm[i]; size, j = leb(wasm, i + 1); end = j + size
    if sid == 0:
        n, k = leb(wasm, j); name = wasm[k:k+n].decode()
        if name == "runtime_apis":
            napis = (end - (k + n)) // 12  # ([u8; 8] id, u32 version) each
        if name == "runtime_version":
            d, p = wasm[k+n:end], 0
            def text():
                global p
                n, p2 = compact(d, p); s = d[p2:p2+n].decode(); p = p2 + n; return s
            def u32():
                global p
                v = int.from_bytes(d[p:p+4], "little"); p += 4; return v
            spec_name, impl_name = text(), text()
            authoring, spec, impl = u32(), u32(), u32()
            skip, p = compact(d, p); p += skip * 12  # the APIs are in `runtime_apis`
            version = {"specName": spec_name, "implName": impl_name, "authoringVersion": authoring,
                       "specVersion": spec, "implVersion": impl, "transactionVersion": u32(),
                       }
    i = end
assert version, "no runtime_version section"
version["apis"] = napis
b2 = lambda x: "0x" + hashlib.blake2b(x, digest_size=32).hexdigest()
summary = {
    "runtime": ("icn-runtime (production: metadata-hash; no runtime-benchmarks, try-runtime or test features)"
                if "metadata-hash" in features else f"icn-runtime (features {features}: never on chain)"),
    "commit": commit + ("+dirty" if int(dirty) else ""),
    "rustc": rustc,
    "profile": "production (lto = fat, codegen-units = 1)",
    "version": version,
    "metadataHash": metadata_hash,
    "wasm": {"path": wasm_path, "size": len(wasm), "blake2_256": b2(wasm)},
    "compressed": {"path": compressed_path, "size": len(compressed), "blake2_256": b2(compressed),
                   "ratio": round(len(compressed) / len(wasm), 3)},
    # What governance quotes: `system.authorizeUpgrade(codeHash)` takes the hash of the
    # bytes `system.applyAuthorizedUpgrade(code)` / `system.setCode(code)` submit.
    "codeHash": b2(compressed),
}
json.dump(summary, open(out, "w"), indent=2)
PY

SUMMARY="$OUT/icn_runtime.$VARIANT.json"
if [ "$JSON" = 1 ]; then
  cat "$SUMMARY"
else
  python3 - "$SUMMARY" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
v = s["version"]
print(f"""ICN runtime — {s['runtime']}
  commit              {s['commit']}
  rustc               {s['rustc']}
  profile             {s['profile']}
  runtime             {v['specName']} spec_version {v['specVersion']}, transaction_version {v['transactionVersion']}, impl {v['implName']} {v['implVersion']}, {v['apis']} runtime APIs
  metadata hash       {s['metadataHash']}
  wasm                {s['wasm']['size']:,} bytes   blake2_256 {s['wasm']['blake2_256']}
  compressed          {s['compressed']['size']:,} bytes ({s['compressed']['ratio']:.1%})   {s['compressed']['path']}
  code hash           {s['codeHash']}   (blake2_256 of the compressed blob: system.authorizeUpgrade)""")
PY
fi

if [ -n "$CHECK_SPEC" ]; then
  python3 - "$CHECK_SPEC" "$WASM" "$COMPRESSED" "$RUSTC_VERSION" <<'PY'
import hashlib, json, os, subprocess, sys
spec_path, wasm_path, compressed_path, rustc = sys.argv[1:5]
spec = json.load(open(spec_path))
genesis = spec["genesis"]
code = genesis["raw"]["top"]["0x3a636f6465"] if "raw" in genesis else genesis["runtimeGenesis"]["code"]
code = bytes.fromhex(code.removeprefix("0x"))
h = lambda x: "0x" + hashlib.blake2b(x, digest_size=32).hexdigest()
MAGIC = bytes([82, 188, 83, 118, 70, 219, 142, 5])
raw = subprocess.run(["zstd", "-d", "-c", "-q"], input=code[8:], capture_output=True, check=True).stdout \
    if code[:8] == MAGIC else code
built, compressed = open(wasm_path, "rb").read(), open(compressed_path, "rb").read()
# What the spec was generated with (scripts/chain-specs.sh records it next to the spec).
recorded = os.path.join(os.path.dirname(spec_path), "staging.runtime.json")
was = json.load(open(recorded)).get("rustc", "?") if os.path.exists(recorded) else "?"
if raw != built:
    sys.exit(f"[build-runtime] {spec_path}: its runtime ({len(raw):,} bytes, {h(raw)}; built with {was}) is "
             f"not this production build ({len(built):,} bytes, {h(built)}; {rustc}): run "
             "scripts/chain-specs.sh and commit chain-specs/ — or, with the same commit and rustc, the "
             "build is not reproducible here (docs/release.md)")
note = "" if code == compressed else " (the compressed bytes differ: another zstd version; the runtime is the same)"
print(f"[build-runtime] {spec_path}: its runtime is this build, byte for byte ({h(built)}){note}", file=sys.stderr)
PY
fi
