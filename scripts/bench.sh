#!/usr/bin/env bash
# Measures the node-level figures of docs/benchmarks.md and prints them as markdown tables
# (each row with the command that produced it). Uses the binaries of the test build
# (scripts/build.sh), so nothing is rebuilt.
#
#   scripts/bench.sh [--write] [node] [worker] [load] [scale]     (no section: all four)
#
#   node    icn-node binary size, compressed runtime WASM size, RSS of a `--dev` node after
#           BLOCKS blocks (default 100)
#   worker  one HyperNode worker probing WORKER_NODES endpoints (default 1,000) on a loopback
#           storage server answering after WORKER_LATENCY_MS (default 50 ms):
#           clients/js/bench/worker-speed.mjs
#   load    icn-loadgen against a fresh `icn-node --dev`: LOAD_TXS (default 20,000)
#           balance transfers from LOAD_ACCOUNTS (default 1,000) accounts, included per
#           second and per block against the weight limit, block fullness
#   scale   the scale simulation (an ignored test of icn-loadgen, loadgen/src/scale.rs, same build):
#           SCALE_NODES provider nodes (default 100,000), SCALE_HYPERNODES HyperNodes
#           (default 100): assignment, report ingestion, era-end processing, storage
#
# --write replaces each measured section's table between its `bench.sh:<section>` markers
# in docs/benchmarks.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WRITE=0
SECTIONS=()
for a in "$@"; do
  case "$a" in
    --write) WRITE=1 ;;
    node|worker|load|scale) SECTIONS+=("$a") ;;
    *) echo "usage: scripts/bench.sh [--write] [node] [worker] [load] [scale]" >&2; exit 2 ;;
  esac
done
[ ${#SECTIONS[@]} -gt 0 ] || SECTIONS=(node worker load scale)
BIN="$(bash "$ROOT/scripts/build.sh")"
# shellcheck source=env.sh
. "$ROOT/scripts/env.sh"
LOADGEN="$CARGO_TARGET_DIR/release/icn-loadgen"
WASM="$CARGO_TARGET_DIR/release/wbuild/icn-runtime/icn_runtime.compact.compressed.wasm"
OUT="$(mktemp)"
NODE_PID=""
cleanup() { [ -z "$NODE_PID" ] || kill "$NODE_PID" 2>/dev/null || true; rm -f "$OUT"; }
trap cleanup EXIT

log() { printf '[bench] %s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mib() { python3 -c "print(f'{$1/1048576:.1f} MiB')"; }
best_block() {
  curl -s -H 'Content-Type: application/json' \
    -d '{"id":1,"jsonrpc":"2.0","method":"chain_getHeader","params":[]}' "http://127.0.0.1:$1" \
    | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["result"]["number"],16))' 2>/dev/null || echo 0
}
# Starts `icn-node --dev` (temporary database) on free ports; sets NODE_PID and RPC_PORT.
start_node() {
  RPC_PORT=$(free_port)
  "$BIN" --dev --no-telemetry --no-mdns --no-prometheus --rpc-port "$RPC_PORT" --port "$(free_port)" "$@" \
    2>/tmp/icn-bench-node.log &
  NODE_PID=$!
  while [ "$(best_block "$RPC_PORT")" -lt 1 ]; do
    sleep 1
    kill -0 "$NODE_PID" 2>/dev/null || { echo "node died, see /tmp/icn-bench-node.log" >&2; exit 1; }
  done
}
stop_node() { kill "$NODE_PID" 2>/dev/null || true; wait "$NODE_PID" 2>/dev/null || true; NODE_PID=""; }

section_node() {
  local blocks="${BLOCKS:-100}" bin_size wasm_size best=0 rss_kib
  bin_size=$(stat -c %s "$BIN")
  wasm_size=$(stat -c %s "$WASM")
  log "binary $bin_size bytes, wasm $wasm_size bytes"
  start_node
  log "icn-node --dev on rpc port $RPC_PORT, waiting for block #$blocks (~$((blocks * 6)) s)"
  while [ "$best" -lt "$blocks" ]; do
    sleep 5
    kill -0 "$NODE_PID" 2>/dev/null || { echo "node died, see /tmp/icn-bench-node.log" >&2; exit 1; }
    best=$(best_block "$RPC_PORT")
  done
  rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$NODE_PID/status")
  stop_node
  log "block #$best, RSS $rss_kib KiB"
  cat <<TABLE
| figure | value | command |
|---|---|---|
| \`icn-node\` binary size (release, runtime-benchmarks) | $(mib "$bin_size") ($bin_size bytes) | \`stat -c %s \$CARGO_TARGET_DIR/release/icn-node\` |
| runtime WASM, compact + compressed | $(python3 -c "print(f'{$wasm_size/1024:.0f} KiB')") ($wasm_size bytes) | \`stat -c %s \$CARGO_TARGET_DIR/release/wbuild/icn-runtime/icn_runtime.compact.compressed.wasm\` |
| \`icn-node --dev\` RSS after $blocks blocks | $(mib "$((rss_kib * 1024))") | \`BLOCKS=$blocks scripts/bench.sh node\`: VmRSS of the node in \`/proc/<pid>/status\` once \`chain_getHeader\` reports block #$blocks |

TABLE
}

section_worker() {
  local nodes="${WORKER_NODES:-1000}" latency="${WORKER_LATENCY_MS:-50}"
  log "worker speed: $nodes endpoints, $latency ms injected latency"
  (cd "$ROOT/clients/js" && ICN_NODE="$BIN" node bench/worker-speed.mjs --nodes "$nodes" --latency-ms "$latency" --eras 2) >"$OUT"
  python3 - "$OUT" "$nodes" "$latency" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
eras = [r for r in rows if not r.get("summary")]
s = next(r for r in rows if r.get("summary"))
n, lat = sys.argv[2], sys.argv[3]
cmd = f"`WORKER_NODES={n} WORKER_LATENCY_MS={lat} scripts/bench.sh worker` (`clients/js/bench/worker-speed.mjs`)"
print("| figure | value | command |")
print("|---|---|---|")
for e in eras:
    print(f"| worker probe of era {e['era']}: {e['probed']:,} endpoints × 3 requests at {lat} ms each | **{e['wallMs']:,} ms** wall "
          f"(sequential: {e['sequentialMs']:,} ms, {e['speedup']}× less; HEAD latencies sum {e['headSumMs']:,} ms); "
          f"{e['failed']} failed; report of {e['reportedResults']:,} results on chain | {cmd} |")
print(f"| goal: ≤ 5 s for 1,000 endpoints at 50 ms | {'met' if s['met'] else 'NOT met'} (worst {s['worstWallMs']:,} ms) | same |")
print()
PY
}

section_load() {
  local txs="${LOAD_TXS:-20000}" accounts="${LOAD_ACCOUNTS:-1000}"
  [ -x "$LOADGEN" ] || { echo "$LOADGEN missing: scripts/build.sh builds it" >&2; exit 1; }
  start_node
  log "icn-loadgen: $txs transfers from $accounts accounts against rpc port $RPC_PORT"
  "$LOADGEN" --url "ws://127.0.0.1:$RPC_PORT" --scenario transfer --txs "$txs" --accounts "$accounts" --json >"$OUT"
  local rss_kib
  rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$NODE_PID/status")
  stop_node
  python3 - "$OUT" "$txs" "$accounts" "$rss_kib" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
txs, acc, rss = sys.argv[2], sys.argv[3], int(sys.argv[4])
cmd = f"`LOAD_TXS={txs} LOAD_ACCOUNTS={acc} scripts/bench.sh load` (`icn-loadgen --scenario transfer --txs {txs} --accounts {acc}`)"
print("| figure | value | command |")
print("|---|---|---|")
print(f"| `balances.transferKeepAlive`: theoretical maximum per block (normal-class weight limit {r['normalMaxRefTime']/1e12:.2f} s / {r['txWeightRefTime']/1e6:.1f} µs per transfer incl. base extrinsic) | {r['maxPerBlock']:,} per block, {r['maxPerSecond']:,.0f} tx/s | {cmd} |")
print(f"| included | {r['included']:,} in {r['blocks']} blocks (#{r['firstBlock']}–#{r['lastBlock']}), {r['seconds']:.0f} s: **{r['includedPerSecond']:,.0f} tx/s**, {r['includedPerBlock']:,.0f} per block (submitted in {r['submitSeconds']:.1f} s) | same |")
print(f"| **achieved / theoretical maximum** (goal ≥ 0.8) | **{r['achievedOverMax']:.2f}** | same |")
print(f"| average block fullness over those blocks | weight {100*r['avgWeightFullness']:.1f} % of the normal-class limit, length {100*r['avgLengthFullness']:.1f} % | same |")
print(f"| node RSS after the load | {rss/1024:.1f} MiB | same |")
print()
PY
}

section_scale() {
  local nodes="${SCALE_NODES:-100000}" hypernodes="${SCALE_HYPERNODES:-100}"
  log "scale simulation: $nodes nodes, $hypernodes HyperNodes (an ignored test of icn-loadgen)"
  # The test command's own cargo invocation (same profile and features: nothing rebuilds).
  (cd "$ROOT" && ICN_SCALE_NODES="$nodes" ICN_SCALE_HYPERNODES="$hypernodes" \
    cargo test --release --locked --workspace --features icn-node/runtime-benchmarks \
      -- --ignored --exact scale::scale_simulation_of_an_era --nocapture) >"$OUT" 2>&2
  python3 - "$OUT" "$nodes" "$hypernodes" <<'PY'
import sys
lines = [l.split("SCALE ", 1)[1].strip() for l in open(sys.argv[1]) if l.startswith("SCALE ")]
n, h = sys.argv[2], sys.argv[3]
cmd = f"`SCALE_NODES={n} SCALE_HYPERNODES={h} scripts/bench.sh scale` (`loadgen/src/scale.rs`)"
print("| figure | value | command |")
print("|---|---|---|")
for l in lines:
    what, _, value = l.partition(": ")
    if not value:
        what, value = "scenario", what
    print(f"| {what} | {value} | {cmd} |")
print()
PY
}

TABLES="$(mktemp -d)"
for s in "${SECTIONS[@]}"; do "section_$s" >"$TABLES/$s.md"; cat "$TABLES/$s.md"; done
if [ "$WRITE" = 1 ]; then
  python3 - "$ROOT/docs/benchmarks.md" "$TABLES" "$(date -u +%F)" "$(git -C "$ROOT" rev-parse --short HEAD)" <<'PY'
import os, re, sys
doc, tables, day, commit = sys.argv[1:5]
text = open(doc).read()
for name in sorted(os.listdir(tables)):
    section = name[:-3]
    begin, end = f"<!-- bench.sh:{section}:begin -->", f"<!-- bench.sh:{section}:end -->"
    body = open(os.path.join(tables, name)).read().rstrip()
    block = f"{begin}\nMeasured {day} at commit `{commit}` by `scripts/bench.sh {section}`.\n\n{body}\n{end}"
    if begin in text:
        text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
open(doc, "w").write(text)
PY
  log "docs/benchmarks.md updated"
fi
rm -rf "$TABLES"
