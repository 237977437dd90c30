#!/usr/bin/env bash
# Measures the node-level figures recorded in docs/benchmarks.md and prints them as a
# markdown table (each with the command that produced it):
#   - icn-node binary size
#   - compressed runtime WASM size
#   - RSS of a `--dev` node after N blocks (default 100; BLOCKS=… to change)
# Uses the binary of the test build (scripts/build.sh), so nothing is rebuilt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$(bash "$ROOT/scripts/build.sh")"
# shellcheck source=env.sh
. "$ROOT/scripts/env.sh"
BLOCKS="${BLOCKS:-100}"
WASM="$CARGO_TARGET_DIR/release/wbuild/icn-runtime/icn_runtime.compact.compressed.wasm"

log() { printf '[bench] %s\n' "$*" >&2; }
size_of() { stat -c %s "$1"; }
mib() { python3 -c "print(f'{$1/1048576:.1f} MiB')"; }

bin_size=$(size_of "$BIN")
wasm_size=$(size_of "$WASM")
log "binary $bin_size bytes, wasm $wasm_size bytes"

rpc_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
p2p_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log "starting $BIN --dev on rpc port $rpc_port, waiting for block #$BLOCKS (~$((BLOCKS * 6)) s)"
"$BIN" --dev --no-telemetry --no-mdns --no-prometheus --rpc-port "$rpc_port" --port "$p2p_port" \
  2>/tmp/icn-bench-node.log &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
best=0
while [ "$best" -lt "$BLOCKS" ]; do
  sleep 5
  kill -0 "$pid" 2>/dev/null || { echo "node died, see /tmp/icn-bench-node.log" >&2; exit 1; }
  best=$(curl -s -H 'Content-Type: application/json' \
    -d '{"id":1,"jsonrpc":"2.0","method":"chain_getHeader","params":[]}' \
    "http://127.0.0.1:$rpc_port" \
    | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["result"]["number"],16))' 2>/dev/null || echo 0)
done
rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
log "block #$best, RSS $rss_kib KiB"

cat <<TABLE
| figure | value | command |
|---|---|---|
| \`icn-node\` binary size (release, runtime-benchmarks) | $(mib "$bin_size") ($bin_size bytes) | \`stat -c %s \$CARGO_TARGET_DIR/release/icn-node\` |
| runtime WASM, compact + compressed | $(python3 -c "print(f'{$wasm_size/1024:.0f} KiB')") ($wasm_size bytes) | \`stat -c %s \$CARGO_TARGET_DIR/release/wbuild/icn-runtime/icn_runtime.compact.compressed.wasm\` |
| \`icn-node --dev\` RSS after $BLOCKS blocks | $(mib "$((rss_kib * 1024))") | \`scripts/bench.sh\`: VmRSS of the node in \`/proc/<pid>/status\` once \`chain_getHeader\` reports block #$BLOCKS |
TABLE
