#!/usr/bin/env bash
# The test command: sets the machine up, builds the whole workspace ONCE (release profile,
# runtime-benchmarks feature set) — plus, as runtime WASM only, the production runtime and its
# try-runtime variant — and runs every test: unit tests, benchmark tests, the end-to-end tests
# that start the very `icn-node` binary this build produced, the @polkadot/api client suite
# (with the production runtime and monitoring), the Debian package, and zombienet networks of
# that binary.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup.sh
# shellcheck source=env.sh
. scripts/env.sh
echo "[test] target dir: $CARGO_TARGET_DIR${WASM_BUILD_TOOLCHAIN:+, wasm toolchain: $WASM_BUILD_TOOLCHAIN}"

# One profile, one feature set: everything below reuses these artifacts.
CARGO_FLAGS=(--release --locked --workspace --features icn-node/runtime-benchmarks)

# One formatter: the tree as rustfmt leaves it with polkadot-sdk's .rustfmt.toml (its nightly-only
# options are warned about and skipped by the stable rustfmt; the warnings are filtered out).
echo "[test] cargo fmt --all -- --check"
if ! cargo fmt --all -- --check 2> >(grep -v "unstable features are only available in nightly" >&2); then
  echo "[test] the tree is not formatted: run cargo fmt --all" >&2
  exit 1
fi

# The provider tooling (audit objects: generate, hash, verify, serve with Range).
echo "[test] python3 -m unittest scripts/test_audit_object.py"
python3 -m unittest scripts/test_audit_object.py

echo "[test] cargo test ${CARGO_FLAGS[*]} --no-run"
cargo test "${CARGO_FLAGS[@]}" --no-run

# The production runtime (no benchmarks, metadata hash, production profile), built reproducibly
# from a wasm project that holds the sources (docs/release.md): the committed staging spec must
# carry exactly its bytes. The spec was generated in another clone, at another path.
echo "[test] scripts/build-runtime.sh --check-spec chain-specs/staging-raw.json"
bash scripts/build-runtime.sh --check-spec chain-specs/staging-raw.json
# The same runtime with `try-runtime`: the SLA end-to-end test reopens its chain's database with
# it and runs every migration's pre/post checks and every pallet's try_state on that live state.
echo "[test] scripts/build-runtime.sh --try-runtime"
bash scripts/build-runtime.sh --try-runtime

echo "[test] cargo test ${CARGO_FLAGS[*]}"
cargo test "${CARGO_FLAGS[@]}" -- --nocapture

# The client suite (clients/js, node --test): @polkadot/api against an `icn-node --dev` of
# this build, ending with a runtime upgrade to this runtime with spec_version + 1, built by
# scripts/upgrade-wasm.sh (only the runtime crate compiles again).
export ICN_NODE="$CARGO_TARGET_DIR/release/icn-node"
echo "[test] scripts/upgrade-wasm.sh"
ICN_UPGRADE_WASM="$(bash scripts/upgrade-wasm.sh)"
export ICN_UPGRADE_WASM
# Next to it, on a second dev node, the docs' role walkthroughs through the `icn` CLI
# (clients/js/test/walkthrough.test.mjs); then the production runtime on a dev chain of its own
# (release.test.mjs) and monitoring: a real Prometheus scraping a dev node (monitoring.test.mjs).
echo "[test] client suite and CLI walkthroughs: npm test in clients/js"
(cd clients/js && npm test)

# The node as operators install it: the Debian package builds (twice, same bytes), installs with
# dpkg -i, its systemd unit passes systemd-analyze verify, the installed binary runs a dev chain
# and the staging spec as the unit would, and it purges cleanly (scripts/test-package.sh).
echo "[test] scripts/test-package.sh"
bash scripts/test-package.sh

# Multi-validator networks of that same binary (zombienet, native provider): block
# production and finality with four validators, and a validator's death and restart.
# 0003-onboarding and 0004-sla run by hand (scripts/zombienet.sh, docs/zombienet.md).
for network in 0001-block-production 0002-validator-fault; do
  echo "[test] zombienet $network"
  bash scripts/zombienet.sh "$network"
done

echo "[test] all tests passed"
