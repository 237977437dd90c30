# Shared environment for the project's scripts (sourced, not executed).
# One target directory outside the clone, so every script, every clone and CI reuse
# the same artifacts; override with CARGO_TARGET_DIR.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/icn-chain/target}"
# Where `rustup target add wasm32v1-none` is impossible, scripts/setup.sh builds the target
# offline as the `icn-wasm` toolchain (docs/wasm-offline.md); point the wasm builder at it.
# ICN_WASM_OFFLINE=1 uses it even where the rustup target exists.
if [ -z "${WASM_BUILD_TOOLCHAIN:-}" ] && rustup toolchain list 2>/dev/null | grep -q '^icn-wasm'; then
  if [ "${ICN_WASM_OFFLINE:-0}" = 1 ] \
     || ! rustup target list --installed 2>/dev/null | grep -qx wasm32v1-none; then
    export WASM_BUILD_TOOLCHAIN=icn-wasm
  fi
fi
