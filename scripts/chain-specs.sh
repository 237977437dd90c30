#!/usr/bin/env bash
# Regenerates the committed staging chain spec from the built runtime's `staging` preset:
#   chain-specs/staging.json         the plain spec (genesis as the preset's JSON patch)
#   chain-specs/staging-raw.json     the raw spec nodes start from (genesis storage)
#   chain-specs/staging.genesis-hash the genesis block hash of the raw spec
# Run it after a runtime change that should reach the staging network, and commit the three
# files; `node/tests/chain_specs.rs` checks they still match the runtime.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=env.sh
. scripts/env.sh
NODE="${ICN_NODE:-$CARGO_TARGET_DIR/release/icn-node}"
[ -x "$NODE" ] || { echo "error: $NODE is missing; run scripts/build.sh first" >&2; exit 1; }

"$NODE" build-spec --chain staging-preset --disable-default-bootnode > chain-specs/staging.json 2>/dev/null
"$NODE" build-spec --chain chain-specs/staging.json --raw --disable-default-bootnode \
  > chain-specs/staging-raw.json 2>/dev/null
# The genesis header, SCALE-encoded; its blake2-256 is the genesis hash.
HEADER="$("$NODE" export-genesis-state --chain chain-specs/staging-raw.json 2>/dev/null)"
python3 - "$HEADER" > chain-specs/staging.genesis-hash <<'PY'
import hashlib, sys
header = bytes.fromhex(sys.argv[1].removeprefix("0x"))
print("0x" + hashlib.blake2b(header, digest_size=32).hexdigest())
PY
echo "staging genesis $(cat chain-specs/staging.genesis-hash)"
