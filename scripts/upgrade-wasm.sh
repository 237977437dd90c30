#!/usr/bin/env bash
# Builds the runtime-upgrade blob that the client suite applies with `system.set_code`:
# this very runtime with the `upgrade-test` feature, i.e. `spec_version` one higher.
#
#   scripts/upgrade-wasm.sh        # prints the path of the compressed blob
#
# It re-runs the cargo command that `substrate-wasm-builder` ran for the node's runtime
# (read from the build script's output, so toolchain, RUSTFLAGS and target are the same and
# only the `icn-runtime` crate compiles again), with `--features wasm-project/upgrade-test`,
# then compresses the blob the way the wasm builder does (`sp-maybe-compressed-blob`: an
# 8-byte magic then zstd). Run it after the node's build (`scripts/build.sh`/`test.sh`).
# The blob is rebuilt only when the node's runtime blob is newer than it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=env.sh
. scripts/env.sh

WBUILD="$CARGO_TARGET_DIR/release/wbuild/icn-runtime"
CURRENT="$WBUILD/icn_runtime.compact.compressed.wasm"
OUT_DIR="$CARGO_TARGET_DIR/upgrade-test"
OUT="$OUT_DIR/icn_runtime_upgrade.compressed.wasm"
[ -f "$CURRENT" ] || { echo "[upgrade-wasm] error: $CURRENT missing: build the node first (scripts/build.sh)" >&2; exit 1; }
if [ -f "$OUT" ] && [ "$OUT" -nt "$CURRENT" ] && [ "$OUT" -nt "$0" ]; then
  echo "[upgrade-wasm] up to date" >&2
  echo "$OUT"
  exit 0
fi

# The newest wasm build command of the runtime's build script (without the metadata hash:
# the upgrade blob is for the set_code test, its CheckMetadataHash is mode-0 only).
CMD_FILE="$(mktemp)"
trap 'rm -f "$CMD_FILE"' EXIT
python3 - "$CARGO_TARGET_DIR/release/build" "$CMD_FILE" <<'PY'
import glob, os, re, shlex, sys
build, out = sys.argv[1], sys.argv[2]
best = None
for f in glob.glob(os.path.join(build, "icn-runtime-*", "output")):
    text = open(f, "rb").read().decode("utf-8", "replace")
    lines = [l for l in text.splitlines() if "Executing build command:" in l and "RUNTIME_METADATA_HASH" not in l]
    if lines and (best is None or os.path.getmtime(f) > best[0]):
        best = (os.path.getmtime(f), lines[-1])
if best is None:
    sys.exit("[upgrade-wasm] error: no wasm build command in the runtime build script's output")
line = re.sub(r"\x1b\[[0-9;]*m", "", best[1]).split("Executing build command:", 1)[1]
args = shlex.split(line)
assert args[0] == "env", args
# Drop the jobserver of the original cargo and the colour flag.
args = [a for a in args if not a.startswith("CARGO_MAKEFLAGS=") and a != "--color=always"]
args += ["--color=never", "--features", "wasm-project/upgrade-test"]
open(out, "w").write("\n".join(args))
PY
mapfile -t CMD <"$CMD_FILE"
echo "[upgrade-wasm] ${CMD[*]}" >&2
"${CMD[@]}" >&2

RAW="$WBUILD/target/wasm32v1-none/release/icn_runtime.wasm"
[ -f "$RAW" ] || RAW="$WBUILD/target/wasm32-unknown-unknown/release/icn_runtime.wasm"
mkdir -p "$OUT_DIR"
cp "$RAW" "$OUT_DIR/icn_runtime_upgrade.wasm"
# sp-maybe-compressed-blob: ZSTD_PREFIX = [82, 188, 83, 118, 70, 219, 142, 5], then zstd.
printf '\x52\xbc\x53\x76\x46\xdb\x8e\x05' >"$OUT.tmp"
zstd -q -19 -c "$OUT_DIR/icn_runtime_upgrade.wasm" >>"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "[upgrade-wasm] $(stat -c %s "$OUT") bytes (raw $(stat -c %s "$OUT_DIR/icn_runtime_upgrade.wasm"))" >&2
echo "$OUT"
