#!/usr/bin/env bash
# Measures the node-level figures of docs/benchmarks.md and prints them as markdown tables
# (each row with the command that produced it). Uses the binaries of the test build
# (scripts/build.sh), so nothing is rebuilt.
#
#   scripts/bench.sh [--write] [node] [worker] [load] [scale] [chain] [soak] [template]
#   (no section: the first five; the soak, about an hour, and template only when named)
#
#   node    icn-node binary size, compressed runtime WASM size, RSS of a `--dev` node after
#           BLOCKS blocks (default 100)
#   worker  one HyperNode worker probing WORKER_NODES endpoints (default 1,000) on a loopback
#           storage server answering after WORKER_LATENCY_MS (default 50 ms), with
#           WORKER_HANG_PERCENT of them never answering and WORKER_SLOW_PERCENT answering after
#           1.5 s (default 0 and 0), audit objects of WORKER_AUDIT_SIZE bytes (default 40,000;
#           67108864 is the largest, a 512 KiB `.hashes`) and the node's peak memory:
#           clients/js/bench/worker-speed.mjs
#   load    icn-loadgen against a fresh `icn-node --dev` per scenario (LOAD_SCENARIOS, default
#           "transfer book report"): LOAD_TXS (default 20,000) transfers or bookings from
#           LOAD_ACCOUNTS (default 1,000) accounts, LOAD_REPORTS (default 60) full SLA
#           reports from as many HyperNodes; included per second and per block against the
#           weight limit, block fullness
#   scale   the scale simulation (an ignored test of icn-loadgen, loadgen/src/scale.rs, same build):
#           SCALE_NODES provider nodes (default 100,000), SCALE_HYPERNODES HyperNodes
#           (default 2,000): snapshot, assignment, report ingestion, era-end processing, storage
#   chain   a validator (`icn-node --dev`) producing CHAIN_BLOCKS blocks (default 100, 10 min)
#           under load (CHAIN_RATE transfers per second, default 200, from icn-loadgen), its
#           RSS then; and a fresh full node syncing those blocks from it over the network
#   soak    the long run: a validator (`icn-node --dev --sealing SOAK_MS`, default 100 ms)
#           through SOAK_BLOCKS blocks (default 10,000) of mixed load from
#           clients/js/bench/soak.mjs (SOAK_TRANSFERS transfers a block, default 10; a booking
#           every 20 blocks; the dev HyperNode's reports; a node whose endpoint nobody serves,
#           slashed; a runtime upgrade at SOAK_UPGRADE_AT, default 5,000, the blob of
#           scripts/upgrade-wasm.sh); its RSS and database every 1,000 blocks, plotted to
#           docs/soak-rss.png (matplotlib, installed into $CARGO_TARGET_DIR/bench-venv from
#           PyPI on first use); then a fresh node syncing all those blocks from it (full
#           execution across the upgrade; it runs `--sealing` too, to import manual-seal
#           blocks, with an interval that never comes)
#   template transfers per block of `icn-node --dev` and of the official solochain template's
#           `--dev` node (TEMPLATE_NODE, built apart: not in this repository), the same load
#           for both in the same run (TEMPLATE_TXS transfers, default 10,000, from
#           TEMPLATE_SENDERS accounts, default 500): clients/js/bench/transfers-per-block.mjs
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
    node|worker|load|scale|chain|soak|template) SECTIONS+=("$a") ;;
    *) echo "usage: scripts/bench.sh [--write] [node] [worker] [load] [scale] [chain] [soak] [template]" >&2; exit 2 ;;
  esac
done
[ ${#SECTIONS[@]} -gt 0 ] || SECTIONS=(node worker load scale chain)
BIN="$(bash "$ROOT/scripts/build.sh")"
# shellcheck source=env.sh
. "$ROOT/scripts/env.sh"
LOADGEN="$CARGO_TARGET_DIR/release/icn-loadgen"
WASM="$CARGO_TARGET_DIR/release/wbuild/icn-runtime/icn_runtime.compact.compressed.wasm"
OUT="$(mktemp)"
NODE_PID=""
EXTRA_PIDS=()
cleanup() {
  [ -z "$NODE_PID" ] || kill "$NODE_PID" 2>/dev/null || true
  for p in "${EXTRA_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -f "$OUT"
}
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
  local hang="${WORKER_HANG_PERCENT:-0}" slow="${WORKER_SLOW_PERCENT:-0}" audit="${WORKER_AUDIT_SIZE:-40000}"
  log "worker speed: $nodes endpoints, $latency ms injected latency, $hang % hanging, $slow % slow, audit objects of $audit bytes"
  (cd "$ROOT/clients/js" && ICN_NODE="$BIN" node bench/worker-speed.mjs --nodes "$nodes" --latency-ms "$latency" --eras 2 \
    --hang-percent "$hang" --slow-percent "$slow" --audit-size "$audit") >"$OUT"
  python3 - "$OUT" "$nodes" "$latency" "$hang" "$slow" "$audit" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
eras = [r for r in rows if not r.get("summary")]
s = next(r for r in rows if r.get("summary"))
n, lat, hang, slow, audit = sys.argv[2:7]
faults = f" WORKER_HANG_PERCENT={hang} WORKER_SLOW_PERCENT={slow}" if s["hanging"] or s["slow"] else ""
if audit != "40000":
    faults += f" WORKER_AUDIT_SIZE={audit}"
cmd = f"`WORKER_NODES={n} WORKER_LATENCY_MS={lat}{faults} scripts/bench.sh worker` (`clients/js/bench/worker-speed.mjs`)"
print("| figure | value | command |")
print("|---|---|---|")
for e in eras:
    print(f"| worker probe of era {e['era']}: {e['probed']:,} endpoints × 3 requests at {lat} ms each | **{e['wallMs']:,} ms** wall "
          f"(sequential: {e['sequentialMs']:,} ms, {e['speedup']}× less; HEAD latencies sum {e['headSumMs']:,} ms); "
          f"{e['failed']} failed; report of {e['reportedResults']:,} results on chain | {cmd} |")
if s["hanging"] or s["slow"]:
    print(f"| of them {s['hanging']:,} never answering and {s['slow']:,} answering after {s['slowMs']:,} ms | "
          f"{s['failed']:,} failed (exactly the hanging ones: {'yes' if s['failed'] == s['hanging'] else 'NO'}), "
          f"the other {s['nodes'] - s['hanging']:,} passed | same |")
chunks = -(-int(audit) // 4096)
print(f"| node memory, audit objects of {int(audit):,} bytes ({chunks:,} chunks, `.hashes` {chunks * 32:,} B) | "
      f"resident {s['baselineRssKiB'] / 1024:,.0f} MiB before the probes; peak {s['peakAfterFirstKiB'] / 1024:,.0f} MiB "
      f"through the first era's probe, {s['peakRssKiB'] / 1024:,.0f} MiB through the last (VmHWM, reset after registration) | same |")
print(f"| goal: ≤ 5 s for 1,000 endpoints at 50 ms | {'met' if s['met'] else 'NOT met'} (worst {s['worstWallMs']:,} ms) | same |")
print()
PY
}

section_load() {
  local txs="${LOAD_TXS:-20000}" accounts="${LOAD_ACCOUNTS:-1000}" reports="${LOAD_REPORTS:-60}" scenario n rss_kib
  [ -x "$LOADGEN" ] || { echo "$LOADGEN missing: scripts/build.sh builds it" >&2; exit 1; }
  : >"$OUT"
  for scenario in ${LOAD_SCENARIOS:-transfer book report}; do
    # A fresh chain per scenario; the pool holds the whole load (defaults: 8,192 transactions,
    # 20 MiB).
    start_node --pool-limit 100000 --pool-kbytes 512000
    n="$txs"
    [ "$scenario" != report ] || n="$reports"
    log "icn-loadgen --scenario $scenario --txs $n against rpc port $RPC_PORT"
    "$LOADGEN" --url "ws://127.0.0.1:$RPC_PORT" --scenario "$scenario" --txs "$n" --accounts "$accounts" --json \
      | tail -n 1 >>"$OUT"
    rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$NODE_PID/status")
    stop_node
    echo "{\"rssKib\": $rss_kib}" >>"$OUT"
  done
  python3 - "$OUT" "$txs" "$accounts" "$reports" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
txs, acc, reports = sys.argv[2], sys.argv[3], sys.argv[4]
what = {
    "transfer": "`balances.transferKeepAlive` (1 ICNT)",
    "book": "`marketplace.book` (1 unit, 1 era, cluster 0)",
    "report": "`sla.submitReport` of a full batch (1,024 results)",
}
print("| figure | value | command |")
print("|---|---|---|")
for r, mem in zip(lines[0::2], lines[1::2]):
    s = r["scenario"]
    n = reports if s == "report" else txs
    cmd = (f"`LOAD_SCENARIOS={s} LOAD_TXS={txs} LOAD_REPORTS={reports} LOAD_ACCOUNTS={acc} scripts/bench.sh load` "
           f"(`icn-loadgen --scenario {s} --txs {n}" + ("" if s == "report" else f" --accounts {acc}") + "`)")
    print(f"| {what[s]}: theoretical maximum per block (normal-class limit {r['normalMaxRefTime']/1e12:.2f} s / {r['txWeightRefTime']/1e6:.1f} µs per transaction: call {r['callWeightRefTime']/1e6:.1f} + extensions {r['extensionWeightRefTime']/1e6:.1f} + base extrinsic {r['baseExtrinsicRefTime']/1e6:.1f}; length {r['txLength']:,} B) | {r['maxPerBlock']:,} per block ({r['maxPerBlockByWeight']:,} by weight, {r['maxPerBlockByLength']:,} by length), {r['maxPerSecond']:,.1f} tx/s | {cmd} |")
    print(f"| {s}: included | {r['included']:,} in {r['blocks']} blocks (#{r['firstBlock']}–#{r['lastBlock']}), {r['seconds']:.0f} s: {r['includedPerSecond']:,.1f} tx/s, {r['includedPerBlock']:,.1f} per block (submitted in {r['submitSeconds']:.1f} s) | same |")
    per = ", ".join(f"#{b['block']}: {b['ours']:,}" for b in r["perBlock"])
    print(f"| {s}: **achieved / theoretical maximum** (goal ≥ 0.8) | **{r['saturatedOverMax']:.2f}** over the {r['saturatedBlocks']} saturated blocks (all but the last, which takes the remainder; weight fullness {100*r['saturatedWeightFullness']:.1f} %); {r['achievedOverMax']:.2f} over all {r['blocks']} (per block: {per}) | same |")
    print(f"| {s}: average block fullness over all those blocks | weight {100*r['avgWeightFullness']:.1f} % of the normal-class limit, length {100*r['avgLengthFullness']:.1f} % | same |")
    print(f"| {s}: node RSS after the load | {mem['rssKib']/1024:.1f} MiB | same |")
print()
PY
}

section_scale() {
  local nodes="${SCALE_NODES:-100000}" hypernodes="${SCALE_HYPERNODES:-2000}"
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

rpc() {
  curl -s -H 'Content-Type: application/json' -d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$2\",\"params\":[]}" \
    "http://127.0.0.1:$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"])'
}

# Starts a validator, `icn-node --dev <args>` on disk in DIR/a (log DIR/a.log) on the given
# ports; sets NODE_PID and waits until its best block is at least MIN.
start_validator() {
  local dir="$1" rpc_port="$2" p2p_port="$3" min="$4"
  shift 4
  "$BIN" --dev --base-path "$dir/a" --no-telemetry --no-mdns --no-prometheus \
    --rpc-port "$rpc_port" --port "$p2p_port" "$@" 2>>"$dir/a.log" &
  NODE_PID=$!
  while [ "$(best_block "$rpc_port")" -lt "$min" ]; do
    sleep 1
    kill -0 "$NODE_PID" 2>/dev/null || { echo "validator died, see $dir/a.log" >&2; exit 1; }
  done
}

# Starts a fresh node (`icn-node --chain dev <args>`, database DIR/b, log DIR/b.log) with the
# validator on A_P2P as its bootnode (peer id over A_RPC) and waits until it has imported
# TARGET blocks; sets SYNC_PID, SYNC_T0 and SYNC_T1 (its start, that moment) and SYNCED.
sync_node() {
  local dir="$1" a_rpc="$2" a_p2p="$3" b_rpc="$4" target="$5" peer
  shift 5
  peer=$(rpc "$a_rpc" system_localPeerId)
  "$BIN" --chain dev --base-path "$dir/b" --no-telemetry --no-mdns --no-prometheus \
    --rpc-port "$b_rpc" --port "$(free_port)" --bootnodes "/ip4/127.0.0.1/tcp/$a_p2p/p2p/$peer" \
    "$@" 2>"$dir/b.log" &
  SYNC_PID=$!
  EXTRA_PIDS+=("$SYNC_PID")
  SYNC_T0=$(date +%s.%N)
  SYNCED=0
  while [ "$SYNCED" -lt "$target" ]; do
    sleep 1
    kill -0 "$SYNC_PID" 2>/dev/null || { echo "syncing node died, see $dir/b.log" >&2; exit 1; }
    SYNCED=$(best_block "$b_rpc")
  done
  SYNC_T1=$(date +%s.%N)
}

section_chain() {
  local blocks="${CHAIN_BLOCKS:-100}" rate="${CHAIN_RATE:-200}"
  local dir a_rpc a_p2p b_rpc t0 t1 best=0 rss_kib hwm_kib db_kib txs load_pid sync_pid
  dir="$(mktemp -d)"
  a_rpc=$(free_port); a_p2p=$(free_port); b_rpc=$(free_port)
  # The validator: Alice's `--dev` chain, kept on disk for the syncing node.
  start_validator "$dir" "$a_rpc" "$a_p2p" 1 --pool-limit 100000 --pool-kbytes 512000
  # The load: CHAIN_RATE transfers per second for the whole run, from 1,000 accounts.
  txs=$(( rate * blocks * 6 ))
  log "validator on rpc port $a_rpc; $txs transfers at $rate/s; waiting for block #$blocks (~$((blocks * 6)) s)"
  "$LOADGEN" --url "ws://127.0.0.1:$a_rpc" --scenario transfer --txs "$txs" --accounts 1000 --rate "$rate" \
    --timeout 100000 --json >"$dir/load.json" 2>"$dir/load.log" &
  load_pid=$!
  EXTRA_PIDS+=("$load_pid")
  t0=$(date +%s)
  while [ "$best" -lt "$blocks" ]; do
    sleep 10
    kill -0 "$NODE_PID" 2>/dev/null || { echo "validator died, see $dir/a.log" >&2; exit 1; }
    best=$(best_block "$a_rpc")
  done
  t1=$(date +%s)
  rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$NODE_PID/status")
  hwm_kib=$(awk '/VmHWM/ {print $2}' "/proc/$NODE_PID/status")
  kill "$load_pid" 2>/dev/null || true
  db_kib=$(du -sk "$dir/a" | cut -f1)
  log "block #$best after $((t1 - t0)) s; RSS $rss_kib KiB (peak $hwm_kib KiB); database $db_kib KiB"
  local finalized
  finalized=$(curl -s -H 'Content-Type: application/json' \
    -d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"chain_getHeader\",\"params\":[\"$(rpc "$a_rpc" chain_getFinalizedHead)\"]}" \
    "http://127.0.0.1:$a_rpc" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["result"]["number"],16))')
  local extrinsics
  extrinsics=$(python3 - "$a_rpc" "$best" <<'PY'
import json, sys, urllib.request
port, best = sys.argv[1], int(sys.argv[2])
def call(method, params):
    req = urllib.request.Request(f"http://127.0.0.1:{port}", json.dumps({"id": 1, "jsonrpc": "2.0", "method": method, "params": params}).encode(), {"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))["result"]
total = 0
for n in range(1, best + 1, max(1, best // 200)):
    total += len(call("chain_getBlock", [call("chain_getBlockHash", [n])])["block"]["extrinsics"]) - 1  # the timestamp
print(f"{total / len(range(1, best + 1, max(1, best // 200))):.1f}")
PY
)
  # A fresh full node syncing from it.
  sync_node "$dir" "$a_rpc" "$a_p2p" "$b_rpc" "$blocks"
  local synced="$SYNCED"
  sync_pid="$SYNC_PID"; t0="$SYNC_T0"; t1="$SYNC_T1"
  local sync_rss
  sync_rss=$(awk '/VmRSS/ {print $2}' "/proc/$sync_pid/status")
  kill "$sync_pid" 2>/dev/null || true
  stop_node
  log "synced #$synced in $(python3 -c "print(f'{$t1 - $t0:.1f}')") s"
  python3 - "$blocks" "$rate" "$rss_kib" "$hwm_kib" "$db_kib" "$t0" "$t1" "$synced" "$sync_rss" "$extrinsics" "$finalized" <<'PY'
import sys
blocks, rate, rss, hwm, db, t0, t1, synced, sync_rss, xts, fin = sys.argv[1:12]
secs = float(t1) - float(t0)
cmd = f"`CHAIN_BLOCKS={blocks} CHAIN_RATE={rate} scripts/bench.sh chain`"
print("| figure | value | command |")
print("|---|---|---|")
print(f"| validator (`icn-node --dev`) RSS after {int(blocks):,} blocks under load ({rate} transfers/s offered, {xts} transactions per block on average) | **{int(rss)/1024:.1f} MiB** (peak {int(hwm)/1024:.1f} MiB); database {int(db)/1024:.1f} MiB; finalized #{int(fin):,} | {cmd} |")
print(f"| a fresh full node syncing those {int(blocks):,} blocks from it (loopback, ParityDB, full import and execution) | **{int(synced)/secs:,.1f} blocks/s**, {int(synced)*float(xts)/secs:,.0f} transactions/s ({int(synced):,} blocks in {secs:.1f} s from its start); its RSS then {int(sync_rss)/1024:.1f} MiB | same |")
print()
PY
  rm -rf "$dir"
}

section_soak() {
  local blocks="${SOAK_BLOCKS:-10000}" ms="${SOAK_MS:-100}" upgrade_at="${SOAK_UPGRADE_AT:-5000}"
  local transfers="${SOAK_TRANSFERS:-10}" dir a_rpc a_p2p b_rpc t0 t1 wasm venv sync_pid synced=0
  dir="$(mktemp -d)"
  wasm="$(bash "$ROOT/scripts/upgrade-wasm.sh")"
  venv="$CARGO_TARGET_DIR/bench-venv"
  if ! "$venv/bin/python" -c 'import matplotlib' 2>/dev/null; then
    log "installing matplotlib into $venv (PyPI)"
    python3 -m venv "$venv" && "$venv/bin/pip" install -q 'matplotlib==3.11.2' >&2
  fi
  a_rpc=$(free_port); a_p2p=$(free_port); b_rpc=$(free_port)
  start_validator "$dir" "$a_rpc" "$a_p2p" 1 --sealing "$ms" --pool-limit 100000 --pool-kbytes 512000
  log "validator (--sealing $ms) on rpc port $a_rpc; $blocks blocks, upgrade at #$upgrade_at"
  node "$ROOT/clients/js/bench/soak.mjs" --url "ws://127.0.0.1:$a_rpc" --pid "$NODE_PID" \
    --base-path "$dir/a" --wasm "$wasm" --blocks "$blocks" --upgrade-at "$upgrade_at" \
    --transfers "$transfers" --sample "${SOAK_SAMPLE:-1000}" --out "$dir/soak.json" >&2 \
    || { echo "soak driver failed, validator log: $dir/a.log" >&2; exit 1; }
  # A fresh node syncing every block from the validator. The validator restarts on its
  # database with `--sealing instant`, so it seals nothing while the other syncs (no
  # transaction arrives); the syncing node's own interval is longer than the run.
  stop_node
  start_validator "$dir" "$a_rpc" "$a_p2p" "$blocks" --sealing instant
  sync_node "$dir" "$a_rpc" "$a_p2p" "$b_rpc" "$(best_block "$a_rpc")" --sealing 86400000
  synced="$SYNCED"; sync_pid="$SYNC_PID"; t0="$SYNC_T0"; t1="$SYNC_T1"
  local sync_rss sync_spec
  sync_rss=$(awk '/VmRSS/ {print $2}' "/proc/$sync_pid/status")
  sync_spec=$(curl -s -H 'Content-Type: application/json' \
    -d '{"id":1,"jsonrpc":"2.0","method":"state_getRuntimeVersion","params":[]}' "http://127.0.0.1:$b_rpc" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["specVersion"])')
  kill "$sync_pid" 2>/dev/null || true
  stop_node
  "$venv/bin/python" - "$dir/soak.json" "$ROOT/docs/soak-rss.png" "$ms" <<'PY'
import json, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
soak, png, ms = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
xs = [s["block"] for s in soak["samples"]]
fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
ax.plot(xs, [s["rssKib"] / 1024 for s in soak["samples"]], marker="o", label="validator RSS (MiB)")
ax.plot(xs, [s["dbKib"] / 1024 for s in soak["samples"]], marker="s", label="database (MiB)")
if soak["upgradeBlock"]:
    ax.axvline(soak["upgradeBlock"], color="grey", linestyle="--", label=f"runtime upgrade (#{soak['upgradeBlock']:,})")
ax.set_xlabel("block")
ax.set_ylabel("MiB")
ax.set_ylim(bottom=0)
ax.set_title(f"icn-node --dev --sealing {ms}: {soak['blocks']:,} blocks of mixed load")
ax.grid(alpha=0.3)
ax.legend(loc="lower right")
fig.tight_layout()
fig.savefig(png)
PY
  log "docs/soak-rss.png written"
  python3 - "$dir/soak.json" "$ms" "$t0" "$t1" "$synced" "$sync_rss" "$sync_spec" "$transfers" <<'PY'
import json, sys
soak = json.load(open(sys.argv[1]))
ms, t0, t1, synced, sync_rss, sync_spec, transfers = sys.argv[2:9]
secs = float(t1) - float(t0)
t, s = soak["tallies"], soak["samples"]
cmd = f"`SOAK_BLOCKS={soak['blocks']} SOAK_MS={ms} scripts/bench.sh soak`"
print("| figure | value | command |")
print("|---|---|---|")
print(f"| the run: `icn-node --dev --sealing {ms}` from #{soak['start']:,} to #{soak['blocks']:,} | {soak['seconds']:,.0f} s ({(soak['blocks'] - soak['start']) / soak['seconds']:.1f} blocks/s); {t.get('extrinsics', 0):,} extrinsics: {t.get('transfers', 0):,} transfers, {t.get('bookings', 0):,} bookings, {t.get('reportsAccepted', 0):,} SLA reports accepted, {t.get('nodeSlashes', 0):,} node slashes, {t.get('extrinsicsFailed', 0):,} failed{' (' + ', '.join(f'{k} {v:,}' for k, v in sorted(t.get('failed', {}).items())) + ')' if t.get('failed') else ''}; {soak['refused']:,} refused by the pool | {cmd} |")
print(f"| runtime upgrade | `set_code` in block #{soak['upgradeBlock']:,}: spec_version {soak['specBefore']} → {soak['specAfter']} ({t.get('codeUpdated', 0)} `CodeUpdated`) | same |")
every = f"{s[-1]['block'] - s[-2]['block']:,}" if len(s) > 1 else "?"
print(f"| validator RSS every {every} blocks (MiB) | " + ", ".join(f"#{x['block']:,}: {x['rssKib'] / 1024:.0f}" for x in s) + f"; peak {max(x['hwmKib'] for x in s) / 1024:.0f} | same, [plot](soak-rss.png) |")
print(f"| database every {every} blocks (MiB) | " + ", ".join(f"#{x['block']:,}: {x['dbKib'] / 1024:.0f}" for x in s) + " | same |")
print(f"| a fresh node syncing all {int(synced):,} blocks (full execution across the upgrade, ParityDB, loopback) | **{int(synced) / secs:,.1f} blocks/s** ({secs:.1f} s from its start); spec_version {sync_spec} at its best block; its RSS then {int(sync_rss) / 1024:.1f} MiB | same |")
print()
PY
  rm -rf "$dir"
}

# Transfers per block of icn-node and of the official solochain template's node, measured the
# same way in the same run (clients/js/bench/transfers-per-block.mjs). The template is not in
# this repository: build it apart (docs/benchmarks.md, "Side by side with the solochain
# template") and name its node in TEMPLATE_NODE.
section_template() {
  local txs="${TEMPLATE_TXS:-10000}" senders="${TEMPLATE_SENDERS:-500}" pair label path
  if [ -z "${TEMPLATE_NODE:-}" ] || [ ! -x "$TEMPLATE_NODE" ]; then
    echo "TEMPLATE_NODE=<the solochain template's node binary> is required (docs/benchmarks.md)" >&2
    exit 1
  fi
  : >"$OUT"
  for pair in "icn-node=$BIN" "solochain-template=$TEMPLATE_NODE"; do
    label="${pair%%=*}" path="${pair#*=}"
    log "transfers per block: $label ($path), $txs transfers from $senders accounts"
    (cd "$ROOT/clients/js" && node bench/transfers-per-block.mjs --node "$path" --label "$label" \
      --txs "$txs" --senders "$senders") | tail -n 1 >>"$OUT"
  done
  python3 - "$OUT" "$txs" "$senders" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
txs, senders = sys.argv[2], sys.argv[3]
cmd = f"`TEMPLATE_NODE=<path> TEMPLATE_TXS={txs} TEMPLATE_SENDERS={senders} scripts/bench.sh template` (`clients/js/bench/transfers-per-block.mjs`)"
print("| chain (runtime) | one `transferKeepAlive`: call + extensions, + base extrinsic | normal-class limit | theoretical per block | achieved per full block (mean; most) | achieved / theoretical | command |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['label']} (`{r['specName']}` {r['specVersion']}) | {r['transferRefTime']/1e6:.1f} + {r['baseExtrinsicRefTime']/1e6:.1f} µs | {r['normalMaxRefTime']/1e12:.2f} s | {r['theoreticalPerBlock']:,} | {r['meanPerFullBlock']:,}; {r['mostInABlock']:,} ({r['txs']:,} transfers in {r['blocks']} blocks) | {r['achievedOverTheoretical']:.2f} | {cmd} |")
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
