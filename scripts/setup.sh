#!/usr/bin/env bash
# One-time (idempotent) machine set-up for building and testing ICN Chain.
#
# - Debian packages the build needs (protobuf-compiler for the networking crates,
#   clang/libclang for bindgen, ca-certificates for the off-chain HTTP client, python3 for
#   the audit-object tool and its tests, zstd to compress the runtime-upgrade test blob,
#   prometheus (the server and promtool) for the monitoring test of ops/prometheus/ —
#   without its recommended exporters, which would start services on a systemd host —,
#   systemd (systemd-analyze) and dpkg-dev (dpkg-shlibdeps) for the Debian package test,
#   Node.js/npm for the client examples and suite).
# - The WASM toolchain: `rustup target add wasm32v1-none`; where rustup cannot download
#   (offline machines), the offline recipe of docs/wasm-offline.md: Debian's Rust + its
#   std source build core/alloc for wasm32v1-none once, installed as the `icn-wasm` rustup
#   toolchain. scripts/env.sh then exports WASM_BUILD_TOOLCHAIN=icn-wasm.
# - npm packages for the client tests (where a clients/ lockfile exists).
#
# Re-running it is cheap: every step checks first and says what it skips.
set -euo pipefail

log() { printf '[setup] %s\n' "$*"; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# --- 1. Debian packages --------------------------------------------------------------
APT_PKGS=(protobuf-compiler clang libclang-dev ca-certificates curl python3 zstd systemd dpkg-dev)
# Installed without their Recommends.
APT_PKGS_NO_RECOMMENDS=(prometheus)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
# Node.js ≥ 18 and npm for the @polkadot/api client examples and tests, from Debian unless
# a Node.js is already on the PATH.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
APT_UPDATED=0
apt_update_once() {
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
}
if [ "${#missing[@]}" -gt 0 ]; then
  apt_update_once
  log "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
else
  log "Debian packages present: ${APT_PKGS[*]}"
fi
missing=()
for p in "${APT_PKGS_NO_RECOMMENDS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt_update_once
  log "installing Debian packages without recommends: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "Debian packages present: ${APT_PKGS_NO_RECOMMENDS[*]}"
fi

# --- 2. WASM toolchain -----------------------------------------------------------------
WASM_TARGET=wasm32v1-none
# ICN_WASM_OFFLINE=1 forces the offline recipe (to test it on a machine where rustup works).
if [ "${ICN_WASM_OFFLINE:-0}" != 1 ] && rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; then
  log "rustup target $WASM_TARGET already installed"
elif rustup run icn-wasm rustc --print target-libdir --target "$WASM_TARGET" >/dev/null 2>&1 \
     && ls /usr/lib/rustlib/$WASM_TARGET/lib/libcore-*.rlib >/dev/null 2>&1; then
  log "offline wasm toolchain 'icn-wasm' already installed (/usr/lib/rustlib/$WASM_TARGET)"
elif [ "${ICN_WASM_OFFLINE:-0}" != 1 ] && log "trying: rustup target add $WASM_TARGET" \
     && rustup target add "$WASM_TARGET" 2>/dev/null; then
  log "rustup target $WASM_TARGET installed"
else
  if [ "${ICN_WASM_OFFLINE:-0}" = 1 ]; then
    log "ICN_WASM_OFFLINE=1: building $WASM_TARGET offline from Debian's Rust (docs/wasm-offline.md)"
  else
    log "rustup cannot download $WASM_TARGET: building it offline from Debian's Rust (docs/wasm-offline.md)"
  fi
  apt_update_once
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    rustc-web cargo-web rust-web-src rust-web-llvm lld-22 >/dev/null
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (
    cd "$tmp"
    /usr/bin/cargo new --lib probe -q
    cd probe
    printf '#![no_std]\n' > src/lib.rs
    # embed-bitcode: the runtime links with LTO, which needs bitcode inside core/alloc.
    PATH=/usr/bin:$PATH RUSTFLAGS="-C embed-bitcode=yes" RUSTC_BOOTSTRAP=1 \
      CARGO_TARGET_DIR="$tmp/target" \
      /usr/bin/cargo build -q --release --target "$WASM_TARGET" -Zbuild-std=core,alloc
    $SUDO mkdir -p /usr/lib/rustlib/$WASM_TARGET/lib
    $SUDO cp "$tmp"/target/$WASM_TARGET/release/deps/lib{core,alloc,compiler_builtins}-*.rlib \
      /usr/lib/rustlib/$WASM_TARGET/lib/
  )
  rustup toolchain link icn-wasm /usr
  log "installed $WASM_TARGET core/alloc into /usr/lib/rustlib and linked rustup toolchain 'icn-wasm'"
  # Crates compiled against an older sysroot do not link with the new one.
  # shellcheck source=env.sh
  . "$ROOT/scripts/env.sh"
  if [ -d "$CARGO_TARGET_DIR" ]; then
    log "removing stale wasm build dirs under $CARGO_TARGET_DIR/*/wbuild"
    rm -rf "$CARGO_TARGET_DIR"/*/wbuild
  fi
fi

# --- 3. npm packages for the client tests ----------------------------------------------
for dir in "$ROOT"/clients/js "$ROOT"/zombienet; do
  if [ -f "$dir/package-lock.json" ]; then
    if [ -d "$dir/node_modules" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
      log "npm packages in ${dir#$ROOT/} up to date"
    else
      log "npm ci in ${dir#$ROOT/}"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  fi
done

log "done"
