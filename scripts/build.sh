#!/usr/bin/env bash
# Builds `icn-node` exactly as the test command does (same profile, same features, same
# target directory), so running and testing share one build. Prints the binary's path.
# `--benchmark-cli`: the node for regenerating weights instead (icn-node-bench, see below).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh >&2
# shellcheck source=env.sh
. scripts/env.sh

if [ "${1:-}" = --benchmark-cli ]; then
  # The node that regenerates weights: the same build plus frame-benchmarking-cli (`benchmark
  # pallet|overhead|extrinsic|storage|block`; docs/benchmarks.md "Regenerating weights"). Only
  # the node and what that crate brings compile again; the binary is copied to icn-node-bench.
  # It also replaces release/icn-node until `scripts/build.sh` (no flag) builds the test one again. (frame-benchmarking-cli's own test runtime finds
  # itself in the workspace's `cargo metadata` through node/Cargo.toml's `cfg(any())` entry.)
  echo "[build] cargo test --no-run (release, runtime-benchmarks, benchmark-cli) into $CARGO_TARGET_DIR" >&2
  cargo test --release --locked --workspace --features icn-node/benchmark-cli --no-run >&2
  cp "$CARGO_TARGET_DIR/release/icn-node" "$CARGO_TARGET_DIR/release/icn-node-bench"
  BIN="$CARGO_TARGET_DIR/release/icn-node-bench"
  echo "[build] $BIN: run 'icn-node-bench benchmark pallet …'; scripts/build.sh (no flag) rebuilds icn-node for the tests" >&2
  echo "$BIN"
  exit 0
elif [ -n "${1:-}" ]; then
  echo "usage: scripts/build.sh [--benchmark-cli]" >&2
  exit 2
fi

echo "[build] cargo test --no-run (release, runtime-benchmarks) into $CARGO_TARGET_DIR" >&2
cargo test --release --locked --workspace --features icn-node/runtime-benchmarks --no-run >&2
BIN="$CARGO_TARGET_DIR/release/icn-node"
[ -x "$BIN" ] || { echo "[build] error: $BIN was not built" >&2; exit 1; }
echo "$BIN"
