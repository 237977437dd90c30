#!/usr/bin/env bash
# The run command: sets the machine up, builds icn-node and starts a single-validator
# development chain (temporary database, Alice validates, RPC on ws://127.0.0.1:9944).
# Extra arguments go to icn-node, e.g. `./scripts/run-dev.sh --base-path /tmp/icn` to keep
# the chain between runs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$(bash "$ROOT/scripts/build.sh")"

cat <<MSG
[run-dev] starting: $BIN --dev $*
[run-dev] Polkadot.js apps: https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A9944#/explorer
[run-dev] JSON-RPC (WebSocket and HTTP): ws://127.0.0.1:9944
[run-dev] Prometheus metrics: http://127.0.0.1:9615/metrics
MSG
exec "$BIN" --dev "$@"
