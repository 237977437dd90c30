#!/usr/bin/env bash
# Runs one zombienet test against the built icn-node with the native provider:
#   scripts/zombienet.sh 0001-block-production     (zombienet/0001-block-production.zndsl)
#   scripts/zombienet.sh spawn network-4           (just start zombienet/network-4.toml)
# The network files and node logs stay in $ICN_ZOMBIE_DIR (default: a new temp dir, printed).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=env.sh
. scripts/env.sh
export ICN_NODE="${ICN_NODE:-$CARGO_TARGET_DIR/release/icn-node}"
[ -x "$ICN_NODE" ] || { echo "error: $ICN_NODE is missing; run scripts/build.sh first" >&2; exit 1; }
[ -x zombienet/node_modules/.bin/zombienet ] || { echo "error: zombienet is not installed; run scripts/setup.sh" >&2; exit 1; }

MODE=test
if [ "${1:-}" = spawn ]; then MODE=spawn; shift; fi
NAME="${1:?usage: scripts/zombienet.sh [spawn] NAME}"
KEEP="${ICN_ZOMBIE_DIR:+1}"
DIR="${ICN_ZOMBIE_DIR:-$(mktemp -d -t icn-zombienet-XXXXXX)}"
mkdir -p "$DIR"
echo "[zombienet] $MODE $NAME, files in $DIR" >&2
# For the networks' scripts (zombienet runs them with this environment).
export ICN_ROOT="$ROOT" ICN_ZOMBIE_DIR="$DIR"

# The raw `local` spec of this binary (zombienet uses a raw spec as it is).
"$ICN_NODE" build-spec --chain local --raw --disable-default-bootnode > "$DIR/local-raw.json" 2>/dev/null
export ICN_LOCAL_SPEC="$DIR/local-raw.json"

cd zombienet
if [ "$MODE" = spawn ]; then
  exec ./node_modules/.bin/zombienet -p native -l text -d "$DIR/network" -f spawn "$NAME.toml"
fi
status=0
./node_modules/.bin/zombienet -p native -l text -d "$DIR/network" -f test "$NAME.zndsl" || status=$?
# A storage server a failed SLA test left running.
[ -f "$DIR/storage/server.pid" ] && kill "$(cat "$DIR/storage/server.pid")" 2>/dev/null || true
if [ "$status" -ne 0 ]; then
  echo "[zombienet] $NAME failed; node logs in $DIR/network/logs" >&2
  exit "$status"
fi
[ -n "$KEEP" ] || rm -rf "$DIR"
