#!/usr/bin/env bash
# Tests the Debian package of icn-node (scripts/package-deb.sh) on a machine without systemd
# as PID 1, with the binary the build left ($ICN_NODE, default $CARGO_TARGET_DIR/release/icn-node):
#
#  1. the package builds, twice to the same bytes; `dpkg-deb --info/--contents` list what
#     is expected;
#  2. `dpkg -i` installs it: user and group icn-node, /var/lib/icn-node (icn-node, 0750), the
#     conffile /etc/default/icn-node (an edit survives reinstalling), the very binary built,
#     the service not enabled;
#  3. `systemd-analyze verify` passes on the installed unit (no output at all), and
#     `systemd-analyze security --offline=yes` rates it (exposure at most 2.0);
#  4. the installed binary, as user icn-node, with the unit's ExecStart and the packaged
#     flags, runs a dev chain (temporary base path, free ports) to block 3 and stops cleanly;
#  5. the same, unchanged but for the ports, on the packaged staging spec in /var/lib/icn-node:
#     the genesis hash is the committed one, the node key made by docs/operator.md's command
#     is the node's identity, unsafe RPC is refused; docs/operator.md's key backup command
#     (and, on a new installation below, its restore command);
#  6. `dpkg -r` keeps the conffile, the data and the user; `dpkg --purge` deletes the chain
#     database but keeps the keys (and so the directory and the user); a purge without keys
#     removes the directory, the user and the group; nothing of the package is left.
#
# Steps 2-6 need root (or sudo without a password); without either they are skipped, with a
# message. The machine is left as found: the test refuses to run where icn-node is installed
# (or its user or /var/lib/icn-node exist) other than by an interrupted run of this test, and
# cleans up after an interrupted run. Idempotent; every process it starts is stopped.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=env.sh
. "$ROOT/scripts/env.sh"
START=$SECONDS
log() { printf '[test-package] %s\n' "$*"; }
fail() { printf '[test-package] FAIL: %s\n' "$*" >&2; exit 1; }

BIN="${ICN_NODE:-$CARGO_TARGET_DIR/release/icn-node}"
export ICN_NODE="$BIN"
[ -x "$BIN" ] || fail "no icn-node binary at $BIN (scripts/build.sh builds it)"

# --- 1. build, twice; inspect ----------------------------------------------------------------
log "building the package (scripts/package-deb.sh)"
DEB="$(bash "$ROOT/scripts/package-deb.sh")"
sum1="$(sha256sum "$DEB" | cut -d' ' -f1)"
DEB2="$(bash "$ROOT/scripts/package-deb.sh" 2>/dev/null)"
sum2="$(sha256sum "$DEB2" | cut -d' ' -f1)"
[ "$DEB" = "$DEB2" ] && [ "$sum1" = "$sum2" ] \
  || fail "two builds differ: $DEB $sum1 / $DEB2 $sum2"
log "built twice, same bytes: $(basename "$DEB"), $(stat -c %s "$DEB") bytes, sha256 $sum1"

[[ "$("$BIN" --version)" =~ ^icn-node\ ([0-9.]+)-([0-9a-f]+)$ ]] || fail "version string"
want_version_re="^${BASH_REMATCH[1]//./\\.}\+git[0-9]{14}\.${BASH_REMATCH[2]}$"
field() { dpkg-deb --field "$DEB" "$1"; }
[ "$(field Package)" = icn-node ] || fail "Package: $(field Package)"
[[ "$(field Version)" =~ $want_version_re ]] || fail "Version: $(field Version)"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture: $(field Architecture)"
[[ "$(field Depends)" =~ libc6\ \(\>=\ 2\.[0-9]+\) ]] || fail "Depends: $(field Depends)"
info="$(dpkg-deb --info "$DEB")"
for member in control conffiles md5sums postinst prerm postrm; do
  grep -Eq "^ +[0-9]+ bytes, +[0-9]+ lines +\*? +$member( |$)" <<<"$info" || fail "no $member in the control archive"
done
[ "$(dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles)" = /etc/default/icn-node ] \
  || fail "conffiles is not exactly /etc/default/icn-node"
contents="$(dpkg-deb --contents "$DEB")"
files="$(awk '$1 !~ /^d/ { print $6 }' <<<"$contents" | LC_ALL=C sort)"
expected="$(LC_ALL=C sort <<'EOF'
./etc/default/icn-node
./lib/systemd/system/icn-node.service
./usr/bin/icn-node
./usr/share/doc/icn-node/changelog.Debian.gz
./usr/share/doc/icn-node/copyright
./usr/share/icn-node/staging-raw.json
./usr/share/icn-node/staging.genesis-hash
EOF
)"
[ "$files" = "$expected" ] || fail "package files differ: $(diff <(echo "$expected") <(echo "$files") || true)"
grep -q '^-rwxr-xr-x root/root .* \./usr/bin/icn-node$' <<<"$contents" \
  || fail "/usr/bin/icn-node is not root-owned 0755"
log "control fields, maintainer scripts, conffile and the file list are as expected"

# --- root ------------------------------------------------------------------------------------
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO="sudo"
  else
    log "SKIP: installing the package needs root or password-less sudo (steps 2-6 skipped)"
    exit 0
  fi
fi

MARKER=/var/tmp/icn-node-test-package.marker
TMP="$(mktemp -d /tmp/icn-test-package.XXXXXX)"
chmod 0755 "$TMP"
PIDS=()
CLEAN_ON_EXIT=0
installed() { dpkg-query -W -f='${db:Status-Status}' icn-node 2>/dev/null | grep -qv '^not-installed$'; }
leftovers() {
  installed && echo "package icn-node ($(dpkg-query -W -f='${db:Status-Abbrev}' icn-node))"
  getent passwd icn-node >/dev/null && echo "user icn-node"
  getent group icn-node >/dev/null && echo "group icn-node"
  [ -e /var/lib/icn-node ] && echo "/var/lib/icn-node"
  [ -e /etc/default/icn-node ] && echo "/etc/default/icn-node"
  find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled \
    /var/lib/systemd/deb-systemd-helper-masked -name '*icn-node*' 2>/dev/null
  true
}
# Back to the state before the test: no package, no user or group, no /var/lib/icn-node.
restore() {
  if installed; then $SUDO dpkg --purge icn-node >/dev/null 2>&1 || true; fi
  $SUDO rm -rf /var/lib/icn-node
  if getent passwd icn-node >/dev/null; then $SUDO userdel icn-node 2>/dev/null || true; fi
  if getent group icn-node >/dev/null; then $SUDO groupdel icn-node 2>/dev/null || true; fi
  $SUDO rm -f "$MARKER"
}
cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do
    if $SUDO kill -0 "$pid" 2>/dev/null; then
      $SUDO kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 60); do $SUDO kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      $SUDO kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  if [ "$CLEAN_ON_EXIT" = 1 ]; then restore; fi
  $SUDO rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

before="$(leftovers)"
if [ -n "$before" ]; then
  if [ -e "$MARKER" ]; then
    log "cleaning up after an interrupted run: $(tr '\n' ' ' <<<"$before")"
    # The marker lists the nodes that run started and its temporary directory.
    while read -r kind value; do
      if [ "$kind" = pid ] && [ "$(ps -o user= -p "$value" 2>/dev/null)" = icn-node ]; then
        $SUDO kill -TERM "$value" 2>/dev/null || true
        for _ in $(seq 1 60); do $SUDO kill -0 "$value" 2>/dev/null || break; sleep 0.5; done
        $SUDO kill -KILL "$value" 2>/dev/null || true
      fi
    done < "$MARKER"
    while read -r kind value; do
      if [ "$kind" = tmp ] && [[ "$value" == /tmp/icn-test-package.* ]]; then $SUDO rm -rf "$value"; fi
    done < "$MARKER"
    restore
  else
    fail "icn-node is already on this machine ($(tr '\n' ' ' <<<"$before")) and not from this test: it would be purged. Remove it (dpkg --purge icn-node) or test elsewhere."
  fi
fi
if [ -d /run/systemd/system ] && systemctl is-active --quiet icn-node.service 2>/dev/null; then
  fail "icn-node.service is running here"
fi
echo "tmp $TMP" | $SUDO tee "$MARKER" >/dev/null
CLEAN_ON_EXIT=1

# --- 2. install --------------------------------------------------------------------------------
log "dpkg -i $(basename "$DEB")"
$SUDO dpkg -i "$DEB" >"$TMP/dpkg-i.log" 2>&1 || { cat "$TMP/dpkg-i.log" >&2; fail "dpkg -i"; }
check_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Abbrev}' icn-node)" = "ii " ] || fail "not installed: $(dpkg-query -W -f='${db:Status-Abbrev}' icn-node)"
  $SUDO dpkg --verify icn-node || fail "dpkg --verify icn-node"
  cmp -s /usr/bin/icn-node "$BIN" || fail "/usr/bin/icn-node is not $BIN"
  IFS=: read -r _ _ uid gid _ home shell < <(getent passwd icn-node) || fail "no user icn-node"
  [ "$uid" -lt 1000 ] || fail "icn-node is not a system user (uid $uid)"
  [ "$(getent group icn-node | cut -d: -f3)" = "$gid" ] || fail "the primary group of icn-node is not icn-node"
  [ "$home" = /var/lib/icn-node ] && [ "$shell" = /usr/sbin/nologin ] || fail "home $home, shell $shell"
  [ "$(stat -c '%U:%G %a' /var/lib/icn-node)" = "icn-node:icn-node 750" ] \
    || fail "/var/lib/icn-node is $(stat -c '%U:%G %a' /var/lib/icn-node)"
  [ "$(stat -c '%U:%G %a' /etc/default/icn-node)" = "root:root 644" ] || fail "/etc/default/icn-node mode"
  [ ! -e /etc/systemd/system/multi-user.target.wants/icn-node.service ] || fail "the package enabled icn-node.service"
  dpkg-query -W -f='${Conffiles}\n' icn-node | grep -q '^ /etc/default/icn-node [0-9a-f]\{32\}$' \
    || fail "/etc/default/icn-node is not a conffile"
}
check_installed
log "installed: $(/usr/bin/icn-node --version), user $(id icn-node), /var/lib/icn-node $(stat -c '%U:%G %a' /var/lib/icn-node)"

# Reinstalling (postinst configure with the old version: the upgrade path) is harmless and
# keeps an administrator's edit of the conffile.
echo '# edited by scripts/test-package.sh' | $SUDO tee -a /etc/default/icn-node >/dev/null
$SUDO dpkg -i "$DEB" >"$TMP/dpkg-i2.log" 2>&1 || { cat "$TMP/dpkg-i2.log" >&2; fail "dpkg -i again"; }
grep -q '^# edited by scripts/test-package.sh$' /etc/default/icn-node || fail "reinstalling lost the conffile edit"
$SUDO sed -i '/^# edited by scripts\/test-package.sh$/d' /etc/default/icn-node
check_installed
log "reinstalled: same user and modes, the edited conffile kept"

# --- 3. the unit ---------------------------------------------------------------------------------
UNIT=/lib/systemd/system/icn-node.service
out="$(systemd-analyze verify "$UNIT" 2>&1)" || fail "systemd-analyze verify $UNIT: $out"
[ -z "$out" ] || fail "systemd-analyze verify $UNIT warns: $out"
security="$(systemd-analyze security --offline=yes "$UNIT" 2>&1 | tail -n1)"
[[ "$security" =~ exposure\ level\ for\ icn-node\.service:\ ([0-9]+\.[0-9])\  ]] \
  || fail "systemd-analyze security: $security"
exposure="${BASH_REMATCH[1]}"
[ "${exposure/./}" -le 20 ] || fail "exposure $exposure > 2.0: $security"
log "systemd-analyze verify: clean; security --offline=yes: exposure $exposure"

# --- the unit's command line, as systemd builds it ---------------------------------------------
# ExecStart with ${ICN_CHAIN} as one word and $ICN_NODE_ARGS split at white space, the
# values from /etc/default/icn-node (plain VAR=value / VAR="value" lines).
conf() { sed -n "s/^$1=//p" /etc/default/icn-node | tail -n1 | sed 's/^"\(.*\)"$/\1/'; }
CONF_CHAIN="$(conf ICN_CHAIN)"
CONF_ARGS="$(conf ICN_NODE_ARGS)"
EXEC_START="$(sed -n 's/^ExecStart=//p' "$UNIT")"
[ -n "$CONF_CHAIN" ] && [ -n "$CONF_ARGS" ] && [ -n "$EXEC_START" ] || fail "cannot read the unit or the config"
# unit_cmd <chain> <base path>: the command line with the chain and the base path replaced.
unit_cmd() {
  local chain="$1" base="$2" w prev="" words args
  CMD=()
  read -ra words <<<"$EXEC_START"
  for w in "${words[@]}"; do
    case "$w" in
      '${ICN_CHAIN}') CMD+=("$chain") ;;
      '$ICN_NODE_ARGS') read -ra args <<<"$CONF_ARGS"; CMD+=("${args[@]}") ;;
      *) if [ "$prev" = --base-path ]; then CMD+=("$base"); else CMD+=("$w"); fi ;;
    esac
    prev="$w"
  done
}
unit_cmd "$CONF_CHAIN" /var/lib/icn-node
[ "${CMD[*]}" = "/usr/bin/icn-node --base-path /var/lib/icn-node --chain /usr/share/icn-node/staging-raw.json --state-pruning 256 --blocks-pruning archive-canonical --rpc-methods safe" ] \
  || log "note: the unit runs ${CMD[*]}"

read -r P2P_PORT RPC_PORT PROM_PORT < <(python3 - <<'EOF'
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
EOF
)
PORTS=(--port "$P2P_PORT" --rpc-port "$RPC_PORT" --prometheus-port "$PROM_PORT")
rpc() {
  curl -s --max-time 10 -H 'Content-Type: application/json' \
    -d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$1\",\"params\":${2:-[]}}" "http://127.0.0.1:$RPC_PORT"
}
# as_node <log> <args…>: icn-node as user icn-node, in the unit's environment (umask 0077,
# an empty environment but PATH), in the background; NODE_PID is the node's own pid.
as_node() {
  local logf="$1"; shift
  (umask 0077; exec $SUDO setpriv --reuid icn-node --regid icn-node --init-groups -- \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@" >"$logf" 2>&1) &
  NODE_PID=$!
  PIDS+=("$NODE_PID")
  echo "pid $NODE_PID" | $SUDO tee -a "$MARKER" >/dev/null
}
stop_node() {
  local logf="$1" rc=0
  kill -TERM "$NODE_PID"
  wait "$NODE_PID" || rc=$?
  [ "$rc" = 0 ] || { tail -n 20 "$logf" >&2; fail "the node exited with status $rc on SIGTERM"; }
}
block_number() { [[ "$(rpc chain_getHeader)" =~ \"number\":\"0x([0-9a-f]+)\" ]] && echo $((16#${BASH_REMATCH[1]})); }

# --- 4. a dev chain, as icn-node, with the unit's flags ---------------------------------------
DEV_BASE="$TMP/dev"
$SUDO install -d -o icn-node -g icn-node -m 0750 "$DEV_BASE"
unit_cmd dev "$DEV_BASE"
# A validator refuses to start without a node key (NetworkKeyNotFound).
$SUDO runuser -u icn-node -- /usr/bin/icn-node key generate-node-key --base-path "$DEV_BASE" --chain dev 2>/dev/null
DEV_CMD=("${CMD[@]}" --alice --force-authoring --no-mdns "${PORTS[@]}")
log "dev chain: ${DEV_CMD[*]}"
t0=$SECONDS
as_node "$TMP/dev.log" "${DEV_CMD[@]}"
n=0
while [ $((SECONDS - t0)) -lt 300 ]; do
  kill -0 "$NODE_PID" 2>/dev/null || { tail -n 20 "$TMP/dev.log" >&2; fail "the dev node exited"; }
  n="$(block_number || echo 0)"
  [ "$n" -ge 3 ] && break
  sleep 2
done
[ "$n" -ge 3 ] || { tail -n 20 "$TMP/dev.log" >&2; fail "the dev chain did not reach block 3 in 300 s"; }
grep -q '👤 Role: AUTHORITY' "$TMP/dev.log" || fail "the dev node is not an authority"
[ "$($SUDO find "$DEV_BASE" ! -user icn-node | wc -l)" = 0 ] || fail "files not owned by icn-node in $DEV_BASE"
stop_node "$TMP/dev.log"
log "dev chain: block #$n after $((SECONDS - t0)) s, stopped cleanly (exit 0)"

# --- 5. the staging spec with the packaged configuration, in /var/lib/icn-node -----------------
# docs/operator.md, "Keys": the node key, as the icn-node user.
keyout="$(cd / && $SUDO bash -c '(umask 077 && runuser -u icn-node -- icn-node key generate-node-key --base-path /var/lib/icn-node --chain /usr/share/icn-node/staging-raw.json)' 2>&1)"
PEER_ID="$(tail -n1 <<<"$keyout")"
[[ "$PEER_ID" =~ ^12D3KooW[1-9A-HJ-NP-Za-km-z]+$ ]] || fail "generate-node-key: $keyout"
KEY=/var/lib/icn-node/chains/icn_staging/network/secret_ed25519
[ "$($SUDO stat -c '%U:%G %a' "$KEY")" = "icn-node:icn-node 600" ] || fail "$KEY is $($SUDO stat -c '%U:%G %a' "$KEY")"
unit_cmd "$CONF_CHAIN" /var/lib/icn-node
STAGING_CMD=("${CMD[@]}" "${PORTS[@]}")
log "staging: ${STAGING_CMD[*]}"
t0=$SECONDS
as_node "$TMP/staging.log" "${STAGING_CMD[@]}"
hash=""
while [ $((SECONDS - t0)) -lt 300 ]; do
  kill -0 "$NODE_PID" 2>/dev/null || { tail -n 20 "$TMP/staging.log" >&2; fail "the staging node exited"; }
  [[ "$(rpc chain_getBlockHash '[0]')" =~ \"result\":\"(0x[0-9a-f]{64})\" ]] && { hash="${BASH_REMATCH[1]}"; break; }
  sleep 2
done
[ -n "$hash" ] || { tail -n 20 "$TMP/staging.log" >&2; fail "no RPC from the staging node in 300 s"; }
[ "$hash" = "$(tr -d '[:space:]' </usr/share/icn-node/staging.genesis-hash)" ] || fail "staging genesis $hash"
[[ "$(rpc system_chain)" == *'"result":"ICN Staging"'* ]] || fail "system_chain: $(rpc system_chain)"
[[ "$(rpc system_localPeerId)" == *"\"result\":\"$PEER_ID\""* ]] || fail "peer id: $(rpc system_localPeerId), key $PEER_ID"
[[ "$(rpc author_rotateKeys)" == *'"error"'* ]] || fail "author_rotateKeys allowed with --rpc-methods safe"
$SUDO test -d /var/lib/icn-node/chains/icn_staging/paritydb || fail "no database in /var/lib/icn-node"
stop_node "$TMP/staging.log"
log "staging: genesis $hash as committed, peer id $PEER_ID from the node key, unsafe RPC refused, stopped cleanly"

# docs/operator.md, "Keys and backups": the backup (restored below).
(cd "$TMP" && $SUDO bash -c '(umask 077 && tar -C /var/lib/icn-node -czf icn-node-keys-$(date +%F).tgz chains/icn_staging/keystore chains/icn_staging/network)')
BACKUP="$(ls "$TMP"/icn-node-keys-*.tgz)"
tar -tzf "$BACKUP" >"$TMP/backup.list"
grep -qx 'chains/icn_staging/network/secret_ed25519' "$TMP/backup.list" || fail "the key backup lacks the node key"
[ "$(stat -c %a "$BACKUP")" = 600 ] || fail "the key backup is readable by others: mode $(stat -c %a "$BACKUP")"

# --- 6. remove, purge -----------------------------------------------------------------------------
$SUDO dpkg -r icn-node >"$TMP/dpkg-r.log" 2>&1 || { cat "$TMP/dpkg-r.log" >&2; fail "dpkg -r"; }
[ "$(dpkg-query -W -f='${db:Status-Abbrev}' icn-node)" = "rc " ] || fail "after dpkg -r: $(dpkg-query -W -f='${db:Status-Abbrev}' icn-node)"
[ ! -e /usr/bin/icn-node ] && [ ! -e "$UNIT" ] || fail "dpkg -r left the binary or the unit"
[ -f /etc/default/icn-node ] && [ -d /var/lib/icn-node/chains/icn_staging/paritydb ] && getent passwd icn-node >/dev/null \
  || fail "dpkg -r removed the conffile, the database or the user"
$SUDO dpkg --purge icn-node >"$TMP/purge.log" 2>&1 || { cat "$TMP/purge.log" >&2; fail "dpkg --purge"; }
installed && fail "still known to dpkg after the purge"
[ ! -e /etc/default/icn-node ] || fail "the purge left /etc/default/icn-node"
[ ! -e /var/lib/icn-node/chains/icn_staging/paritydb ] || fail "the purge left the database"
$SUDO test -f "$KEY" && getent passwd icn-node >/dev/null || fail "the purge deleted the node key or the user"
grep -q 'kept /var/lib/icn-node' "$TMP/purge.log" || fail "the purge did not say it kept the keys"
# What the purge message says to do once the keys are backed up.
cmd="$(sed -n 's/^  \(rm -r .*\)$/\1/p' "$TMP/purge.log")"
[ "$cmd" = "rm -r /var/lib/icn-node && deluser --system icn-node" ] || fail "purge message: $(cat "$TMP/purge.log")"
$SUDO sh -c "$cmd" >/dev/null 2>&1 || fail "$cmd"
after="$(leftovers)"
[ -z "$after" ] || fail "left after '$cmd': $(tr '\n' ' ' <<<"$after")"
log "dpkg -r kept the conffile, database and user; dpkg --purge deleted the database, kept the node key and user, and said: $cmd"

# The restore of docs/operator.md on the new installation: the node key is back, the node's.
$SUDO dpkg -i "$DEB" >"$TMP/dpkg-i3.log" 2>&1 || { cat "$TMP/dpkg-i3.log" >&2; fail "dpkg -i (third)"; }
check_installed
(cd "$TMP" && $SUDO bash -c "tar -C /var/lib/icn-node -xzf $(basename "$BACKUP") && chown -R icn-node:icn-node /var/lib/icn-node")
[ "$($SUDO stat -c '%U:%G %a' "$KEY")" = "icn-node:icn-node 600" ] || fail "restored $KEY is $($SUDO stat -c '%U:%G %a' "$KEY")"
[ "$($SUDO runuser -u icn-node -- cat "$KEY" | sha256sum)" = "$(tar -xzOf "$BACKUP" chains/icn_staging/network/secret_ed25519 | sha256sum)" ] \
  || fail "the restored node key differs from the backup"
check_installed
log "key backup and restore as documented: node key back, owned by icn-node, mode 0600"
# A purge with no keys left removes everything.
$SUDO rm -r /var/lib/icn-node/chains
$SUDO dpkg --purge icn-node >"$TMP/purge2.log" 2>&1 || { cat "$TMP/purge2.log" >&2; fail "dpkg --purge (second)"; }
after="$(leftovers)"
[ -z "$after" ] || fail "left after the purge: $(tr '\n' ' ' <<<"$after")"
$SUDO rm -f "$MARKER"
CLEAN_ON_EXIT=0
log "purge without keys: no package, user, group, /var/lib/icn-node, conffile or unit state left"
log "package tests passed in $((SECONDS - START)) s ($(basename "$DEB"), $(stat -c %s "$DEB") bytes)"
