#!/usr/bin/env bash
# Builds `icn-node` exactly as the test command does (same profile, same features, same
# target directory), so running and testing share one build. Prints the binary's path.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh >&2
# shellcheck source=env.sh
. scripts/env.sh

echo "[build] cargo test --no-run (release, runtime-benchmarks) into $CARGO_TARGET_DIR" >&2
cargo test --release --locked --workspace --features icn-node/runtime-benchmarks --no-run >&2
BIN="$CARGO_TARGET_DIR/release/icn-node"
[ -x "$BIN" ] || { echo "[build] error: $BIN was not built" >&2; exit 1; }
echo "$BIN"
