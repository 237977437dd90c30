#!/usr/bin/env bash
# Regenerates the committed staging chain spec from the runtime's `staging` preset, carrying the
# PRODUCTION runtime that scripts/build-runtime.sh builds reproducibly (not the test build's):
#   chain-specs/staging.json         the plain spec (genesis as the preset's JSON patch)
#   chain-specs/staging-raw.json     the raw spec nodes start from (genesis storage)
#   chain-specs/staging.genesis-hash the genesis block hash of the raw spec
#   chain-specs/staging.runtime.json what its runtime is: build-runtime.sh's summary (rustc, hashes)
# Run it after a runtime change that should reach the staging network, and commit the three
# files; `node/tests/chain_specs.rs` checks they still match the runtime.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=env.sh
. scripts/env.sh
NODE="${ICN_NODE:-$CARGO_TARGET_DIR/release/icn-node}"
[ -x "$NODE" ] || { echo "error: $NODE is missing; run scripts/build.sh first" >&2; exit 1; }

# The production runtime (built, or reused when up to date).
bash scripts/build-runtime.sh >&2
CODE="${ICN_RUNTIME_OUT:-$CARGO_TARGET_DIR/production}/icn_runtime.production.compressed.wasm"

"$NODE" build-spec --chain staging-preset --disable-default-bootnode 2>/dev/null \
  | python3 -c '
import json, sys
spec = json.load(sys.stdin)
spec["genesis"]["runtimeGenesis"]["code"] = "0x" + open(sys.argv[1], "rb").read().hex()
json.dump(spec, sys.stdout, indent=2)
print()' "$CODE" > chain-specs/staging.json
"$NODE" build-spec --chain chain-specs/staging.json --raw --disable-default-bootnode \
  > chain-specs/staging-raw.json 2>/dev/null
# The genesis header, SCALE-encoded; its blake2-256 is the genesis hash.
HEADER="$("$NODE" export-genesis-state --chain chain-specs/staging-raw.json 2>/dev/null)"
python3 - "$HEADER" > chain-specs/staging.genesis-hash <<'PY'
import hashlib, sys
header = bytes.fromhex(sys.argv[1].removeprefix("0x"))
print("0x" + hashlib.blake2b(header, digest_size=32).hexdigest())
PY
# What the spec's runtime is, for proposals and for --check-spec's message (no local paths).
python3 - "${ICN_RUNTIME_OUT:-$CARGO_TARGET_DIR/production}/icn_runtime.production.json" > chain-specs/staging.runtime.json <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
for part in ("wasm", "compressed"):
    s[part].pop("path", None)
s.pop("commit", None)  # generated before the commit that carries it
json.dump(s, sys.stdout, indent=2)
print()
PY
echo "staging genesis $(cat chain-specs/staging.genesis-hash), code $(python3 -c 'import hashlib,sys; print("0x"+hashlib.blake2b(open(sys.argv[1],"rb").read(),digest_size=32).hexdigest())' "$CODE")"
