#!/usr/bin/env bash
# Zombienet `run` script: `storage.sh start` makes an audit object with
# scripts/audit-object.py and serves it over HTTP on loopback in the background (port and
# commitment in $ICN_ZOMBIE_DIR/storage/); `storage.sh stop` stops the server.
set -euo pipefail
: "${ICN_ROOT:?set by scripts/zombienet.sh}" "${ICN_ZOMBIE_DIR:?set by scripts/zombienet.sh}"
DIR="$ICN_ZOMBIE_DIR/storage"
case "${1:-start}" in
  start)
    mkdir -p "$DIR/www/audit"
    python3 "$ICN_ROOT/scripts/audit-object.py" generate "$DIR/www/audit/object.bin" \
      --size 40000 --seed zombienet --path audit/object.bin > "$DIR/commitment.json"
    setsid python3 "$ICN_ROOT/scripts/audit-object.py" serve --port 0 --quiet "$DIR/www" \
      > "$DIR/server.out" 2> "$DIR/server.err" < /dev/null &
    echo $! > "$DIR/server.pid"
    for _ in $(seq 50); do
      grep -q listening "$DIR/server.out" 2>/dev/null && break
      sleep 0.1
    done
    sed -n 's/.*:\([0-9]*\)$/\1/p' "$DIR/server.out" | head -1 > "$DIR/port"
    [ -s "$DIR/port" ] || { echo "storage server did not start" >&2; exit 1; }
    echo "storage on http://127.0.0.1:$(cat "$DIR/port")"
    ;;
  stop)
    [ -f "$DIR/server.pid" ] && kill "$(cat "$DIR/server.pid")" 2>/dev/null || true
    ;;
esac
