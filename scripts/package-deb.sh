#!/usr/bin/env bash
# Builds the Debian package of an already-built icn-node (no cargo here):
#   $CARGO_TARGET_DIR/debian/icn-node_<version>_<arch>.deb, its path printed on stdout.
#
#   ICN_NODE=<binary>   the binary to package (default $CARGO_TARGET_DIR/release/icn-node,
#                       as scripts/build.sh leaves it)
#   ICN_DEB_MAINTAINER  the Maintainer field
#   ICN_DEB_COMPRESS    zstd (default, level 9), xz or gzip
#
# Contents: /usr/bin/icn-node (as built, symbols kept so a panic's backtrace names its
# functions), /lib/systemd/system/icn-node.service, /etc/default/icn-node (conffile),
# /usr/share/icn-node/ (the staging chain spec and its genesis hash), /usr/share/doc/icn-node/,
# and the maintainer scripts of packaging/deb/ (user icn-node, /var/lib/icn-node).
#
# Version: `icn-node --version` says 0.1.0-<commit>; the package is
# 0.1.0+git<commit time, UTC, YYYYMMDDhhmmss>.<commit>, so newer commits sort higher. Depends:
# dpkg-shlibdeps (dpkg-dev) on the binary, else libc6 (>= the highest GLIBC_x.y symbol
# version `objdump -T` lists) and libgcc-s1 when the binary links libgcc_s.
# Reproducible: every mtime, the ar and tar timestamps (SOURCE_DATE_EPOCH) are the commit
# time, owners root:root, modes fixed, files sorted: the same inputs give the same bytes.
# Logs go to stderr.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=env.sh
. "$ROOT/scripts/env.sh"
log() { printf '[package-deb] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

BIN="${ICN_NODE:-$CARGO_TARGET_DIR/release/icn-node}"
[ -x "$BIN" ] || die "no icn-node binary at $BIN (run scripts/build.sh, or set ICN_NODE)"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found (a Debian system is needed)"
SRC="$ROOT/packaging/deb"
COMPRESS="${ICN_DEB_COMPRESS:-zstd}"
MAINTAINER="${ICN_DEB_MAINTAINER:-ICN Chain developers <maintainers@icn-chain.invalid>}"

# --- version, commit time ------------------------------------------------------------------
version_line="$("$BIN" --version)"                 # icn-node 0.1.0-61fbf999c24
[[ "$version_line" =~ ^icn-node\ ([0-9]+\.[0-9]+\.[0-9]+)-([0-9a-f]{7,40})$ ]] \
  || die "unexpected version string: '$version_line'"
upstream="${BASH_REMATCH[1]}"
commit="${BASH_REMATCH[2]}"
if commit_time="$(git -C "$ROOT" show -s --format=%ct "$commit^{commit}" 2>/dev/null)"; then
  :
else
  # A binary of a commit this clone does not have: date the package by HEAD.
  commit_time="$(git -C "$ROOT" show -s --format=%ct HEAD)"
  log "commit $commit is not in this clone: dating the package by HEAD"
fi
export SOURCE_DATE_EPOCH="$commit_time"
stamp="$(TZ=UTC date -d "@$commit_time" +%Y%m%d%H%M%S)"
VERSION="${upstream}+git${stamp}.${commit}"
ARCH="$(dpkg --print-architecture)"
OUT_DIR="$CARGO_TARGET_DIR/debian"
DEB="$OUT_DIR/icn-node_${VERSION}_${ARCH}.deb"
log "icn-node $VERSION ($ARCH) from $BIN"

# --- staging tree ----------------------------------------------------------------------------
mkdir -p "$OUT_DIR"
STAGE="$(mktemp -d "$OUT_DIR/stage.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
PKG="$STAGE/icn-node"
install -d -m 0755 "$PKG/DEBIAN" "$PKG/usr/bin" "$PKG/lib/systemd/system" "$PKG/etc/default" \
  "$PKG/usr/share/icn-node" "$PKG/usr/share/doc/icn-node"
install -m 0755 "$BIN" "$PKG/usr/bin/icn-node"
install -m 0644 "$SRC/icn-node.service" "$PKG/lib/systemd/system/icn-node.service"
install -m 0644 "$SRC/icn-node.default" "$PKG/etc/default/icn-node"
install -m 0644 "$ROOT/chain-specs/staging-raw.json" "$PKG/usr/share/icn-node/staging-raw.json"
install -m 0644 "$ROOT/chain-specs/staging.genesis-hash" "$PKG/usr/share/icn-node/staging.genesis-hash"
install -m 0644 "$SRC/copyright" "$PKG/usr/share/doc/icn-node/copyright"
{
  printf 'icn-node (%s) unstable; urgency=medium\n\n' "$VERSION"
  printf '  * icn-node %s-%s, built from commit %s by scripts/package-deb.sh.\n\n' \
    "$upstream" "$commit" "$commit"
  printf ' -- %s  %s\n' "$MAINTAINER" "$(LC_ALL=C TZ=UTC date -R -d "@$commit_time")"
} | gzip -9n > "$PKG/usr/share/doc/icn-node/changelog.Debian.gz"
chmod 0644 "$PKG/usr/share/doc/icn-node/changelog.Debian.gz"
for script in postinst prerm postrm; do
  install -m 0755 "$SRC/$script" "$PKG/DEBIAN/$script"
done
printf '/etc/default/icn-node\n' > "$PKG/DEBIAN/conffiles"

# --- Depends ---------------------------------------------------------------------------------
if command -v dpkg-shlibdeps >/dev/null; then
  # dpkg-shlibdeps wants a source tree's debian/control; a minimal one will do.
  mkdir -p "$STAGE/src/debian"
  printf 'Source: icn-chain\n\nPackage: icn-node\nArchitecture: any\n' > "$STAGE/src/debian/control"
  shlibs="$(cd "$STAGE/src" && dpkg-shlibdeps -O "$PKG/usr/bin/icn-node" 2>/dev/null)"
  shlibs="${shlibs#shlibs:Depends=}"
  log "Depends from dpkg-shlibdeps: $shlibs"
else
  glibc="$(objdump -T "$BIN" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -Vu | tail -n1)"
  [ -n "$glibc" ] || die "no GLIBC symbol versions in $BIN"
  shlibs="libc6 (>= $glibc)"
  if objdump -p "$BIN" | grep -q 'NEEDED.*libgcc_s\.so\.1'; then
    shlibs="$shlibs, libgcc-s1 (>= 4.2)"
  fi
  log "Depends from objdump -T (no dpkg-shlibdeps): $shlibs"
fi
[ -n "$shlibs" ] || die "could not compute the shared-library dependencies"

# Installed-Size: KiB, each file rounded up, as dpkg-gencontrol counts.
installed_kib="$(find "$PKG" -path "$PKG/DEBIAN" -prune -o -type f -printf '%s\n' \
  | awk '{ s += int(($1 + 1023) / 1024) } END { print s }')"

cat > "$PKG/DEBIAN/control" <<EOF
Package: icn-node
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $installed_kib
Depends: $shlibs, adduser | passwd
Section: net
Priority: optional
Homepage: https://github.com/icn-chain/icn-chain
Description: ICN Chain node (Substrate: Aura, GRANDPA, off-chain workers, JSON-RPC)
 The icn-node binary, a hardened systemd unit (icn-node.service, user icn-node,
 base path /var/lib/icn-node), its configuration in /etc/default/icn-node and
 the staging network's chain spec. The service is not enabled on installation:
 edit /etc/default/icn-node, then \`systemctl enable --now icn-node\`.
EOF

(cd "$PKG" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | LC_ALL=C sort \
  | xargs -d '\n' md5sum) > "$PKG/DEBIAN/md5sums"
chmod 0644 "$PKG/DEBIAN/control" "$PKG/DEBIAN/conffiles" "$PKG/DEBIAN/md5sums"

# Fixed modes and times: no umask, checkout time or build time in the archive.
find "$PKG" -type d -exec chmod 0755 {} +
find "$PKG" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

# --- build -----------------------------------------------------------------------------------
# zstd -9: 5 s and 36 MB where xz takes 75 s for 30 MB. dpkg reads zstd from 1.21.18 on
# (Debian 12; Ubuntu from 21.10): the systems whose glibc (>= 2.35) the binary needs anyway.
zargs=(-Z"$COMPRESS")
if [ "$COMPRESS" = zstd ]; then zargs+=(-z9); fi
log "dpkg-deb --build (${zargs[*]})"
dpkg-deb --root-owner-group "${zargs[@]}" --build "$PKG" "$DEB.tmp" >/dev/null
mv -f "$DEB.tmp" "$DEB"
log "$(du -h "$DEB" | cut -f1) $DEB"
printf '%s\n' "$DEB"
