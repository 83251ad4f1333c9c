#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Debian package, on this machine (as root): build it with
# deploy/package.sh, check what it holds, `apt-get install ./...deb`, run
# the node as the unit runs it (its ExecStartPre and ExecStart lines, as
# its User, with the example configuration; there is no systemd to start
# it), query it with the installed credledger, stop it by its PID, then
# check that a reinstall keeps an edited configuration, and remove and
# purge the package.  The node's data (/var/lib/credledger) and the
# genesis it is given are made here and removed at the end; a machine that
# already has a node's data there is refused, not touched.
#
#	bash tests/package/test_deb.sh [BUILD_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(mkdir -p "${1:-$top/build}" && cd "${1:-$top/build}" && pwd)
unit=/usr/lib/systemd/system/credledger-node.service
conf=/etc/credledger/credledger-node.ini
data=/var/lib/credledger
pass=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
fail() { echo "test_deb: FAIL: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "needs root (apt-get install, runuser)"
[ ! -e "$data/node.key" ] ||
	fail "$data holds a node's data: this test would not touch it"
[ ! -e /etc/credledger/genesis.cl ] ||
	fail "/etc/credledger/genesis.cl exists: this test would not touch it"

tmp=$(mktemp -d /tmp/credledger-deb-test.XXXXXX)
node_pid=
cleanup() {
	if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
		kill -TERM "$node_pid"
		wait "$node_pid" 2>/dev/null || true
	fi
	rm -f /etc/credledger/genesis.cl
	if dpkg-query -W -f='${Status}' credledger 2>/dev/null |
	    grep -q 'ok installed'; then
		apt-get purge -y -q credledger >/dev/null 2>&1 || true
	fi
	rm -rf "$data" "$tmp"
}
trap cleanup EXIT

t0=$(date +%s)
deb=$(bash "$top/deploy/package.sh" "$build" 2>"$tmp/package.log") ||
	{ cat "$tmp/package.log" >&2; fail "deploy/package.sh"; }
ok "cpack built $(basename "$deb") ($(( $(date +%s) - t0 )) s)"

# What the package holds.
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$tmp/files"
for f in /usr/bin/credledger /usr/bin/credledger-node \
    /usr/share/man/man1/credledger.1.gz \
    /usr/share/man/man8/credledger-node.8.gz "$conf" "$unit" \
    /usr/share/doc/credledger/README.md /usr/share/doc/credledger/copyright
do
	grep -qx "$f" "$tmp/files" || fail "the package lacks $f"
done
! grep -q credledger-bench "$tmp/files" || fail "credledger-bench packaged"
ok "binaries, man pages, the example configuration, the unit, docs"
dpkg-deb -f "$deb" Depends >"$tmp/depends"
for p in libuv1 libsodium23 liblmdb0 libmsgpackc2 libjansson4 libinih1 \
    libhttp-parser2.9; do
	apt-cache show "$p" >/dev/null 2>&1 || fail "no Debian package $p"
	grep -qE "(^|, )$p( |,|$)" "$tmp/depends" || fail "Depends lacks $p"
done
dpkg-deb -e "$deb" "$tmp/control"
grep -qx "$conf" "$tmp/control/conffiles" || fail "$conf is no conffile"
ok "Depends: $(cat "$tmp/depends")"

# Install it as an operator would.
(cd "$(dirname "$deb")" &&
	apt-get install -y -q "./$(basename "$deb")" >"$tmp/apt.log" 2>&1) ||
	{ cat "$tmp/apt.log" >&2; fail "apt-get install"; }
ok "apt-get install ./$(basename "$deb")"

# Every library the installed binaries load belongs to a package of
# Depends (or to libc6).
for b in /usr/bin/credledger /usr/bin/credledger-node; do
	for lib in $(ldd "$b" | awk '$3 ~ /^\// { print $3 }'); do
		real=$(readlink -f "$lib")
		pkg=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$real" 2>/dev/null ||
			dpkg -S "${lib#/usr}" 2>/dev/null || dpkg -S "/usr$lib" \
			2>/dev/null || true)
		pkg=${pkg%%:*}
		[ -n "$pkg" ] || fail "$lib ($b) belongs to no package"
		grep -qE "(^|, )$pkg( |,|$)" "$tmp/depends" ||
			fail "$b loads $lib of $pkg, not in Depends"
	done
done
ok "every library the binaries load is of a package in Depends"

getent passwd credledger >"$tmp/user" || fail "no user credledger"
IFS=: read -r _ _ uid _ _ home shell <"$tmp/user"
[ "$uid" -lt 1000 ] && [ "$home" = "$data" ] &&
	[ "$shell" = /usr/sbin/nologin ] ||
	fail "user credledger: uid $uid, home $home, shell $shell"
[ "$(stat -c '%U %a' "$data")" = "credledger 700" ] ||
	fail "$data: $(stat -c '%U %a' "$data")"
ok "a system user credledger (uid $uid, no login), $data its own, 0700"

bash "$top/tests/package/check_man.sh" /usr/bin/credledger \
	/usr/bin/credledger-node "$top/deploy/man"
if command -v man >/dev/null 2>&1; then
	man -w credledger-node >/dev/null && man -w credledger >/dev/null ||
		fail "man does not find the pages"
	ok "man credledger, man credledger-node"
fi

# The unit: systemd checks its syntax and hardening where it can.
if command -v systemd-analyze >/dev/null 2>&1; then
	systemd-analyze verify "$unit" >"$tmp/verify.log" 2>&1 ||
		{ cat "$tmp/verify.log" >&2; fail "systemd-analyze verify"; }
	ok "systemd-analyze verify $unit: no complaint"
	if systemd-analyze security --offline=true "$unit" \
	    >"$tmp/security.log" 2>&1; then
		ok "systemd-analyze security: $(tail -n 1 "$tmp/security.log" |
			sed 's/^→ //')"
	fi
fi
unit_get() { sed -n "s/^$1=//p" "$unit"; }
for k in "NoNewPrivileges=yes" "ProtectSystem=strict" "ProtectHome=yes" \
    "PrivateTmp=yes" "PrivateDevices=yes" "ReadWritePaths=$data" \
    "StateDirectory=credledger" "Restart=on-failure" "User=credledger"; do
	grep -qx "$k" "$unit" || fail "the unit lacks $k"
done
ok "the unit runs as credledger, hardened, restarted on failure"

# Run the node as the unit would, with the example configuration, on
# ports of the OS's choosing (7400 may be taken here).
cl=/usr/bin/credledger
"$cl" keygen --out "$tmp/authority.key" --no-passphrase >/dev/null
netid=$("$cl" genesis --name deb-test --authority \
	"$("$cl" pubkey "$tmp/authority.key"),Test Authority,BE" \
	--out "$tmp/genesis.cl")
install -m 0644 "$tmp/genesis.cl" /etc/credledger/genesis.cl
pre=$(unit_get ExecStartPre)
start=$(unit_get ExecStart)
user=$(unit_get User)
# shellcheck disable=SC2086	# the unit's words, split as systemd does
runuser -u "$user" -- $pre >"$tmp/init.log" 2>&1 ||
	{ cat "$tmp/init.log" >&2; fail "ExecStartPre: $pre"; }
grep -q "^network $netid$" "$tmp/init.log" || fail "init: wrong network"
[ "$(stat -c '%U %a' "$data/node.key")" = "credledger 600" ] ||
	fail "node.key: $(stat -c '%U %a' "$data/node.key")"
ok "ExecStartPre as $user: $pre"
# shellcheck disable=SC2086
runuser -u "$user" -- $start --listen 127.0.0.1:0 --http 127.0.0.1:0 \
	>"$tmp/ready" 2>"$tmp/node.log" &
node_pid=$!
for _ in $(seq 100); do
	grep -q '^ready ' "$tmp/ready" && break
	kill -0 "$node_pid" 2>/dev/null || { cat "$tmp/node.log" >&2
		fail "the node exited"; }
	sleep 0.1
done
grep -q '^ready ' "$tmp/ready" || fail "the node is not ready"
addr=$(sed -n 's/^ready client=\([^ ]*\).*/\1/p' "$tmp/ready")
http=$(sed -n 's/.* http=\([^ ]*\).*/\1/p' "$tmp/ready")
# runuser forks the node and waits for it: the node is its child
node=$(pgrep -P "$node_pid" -x credledger-node || echo "$node_pid")
[ "$(ps -o user= -p "$node")" = credledger ] ||
	fail "the node runs as $(ps -o user= -p "$node")"
ok "ExecStart as $user: $start (ready at $addr)"

"$cl" status --node "$addr" >"$tmp/status" || fail "credledger status"
grep -q '^network: *deb-test$' "$tmp/status" &&
	grep -q "^network id: *$netid$" "$tmp/status" ||
	{ cat "$tmp/status" >&2; fail "status: not the network"; }
"$cl" keygen --out "$tmp/school.key" --no-passphrase >/dev/null
"$cl" accredit --node "$addr" --key "$tmp/authority.key" \
	--issuer "$("$cl" pubkey "$tmp/school.key")" --org-id DE-1 \
	--name "Test School" --country DE >/dev/null || fail "accredit"
"$cl" status --node "$addr" | grep -q '^  ACCREDIT *1$' ||
	fail "the ACCREDIT is not held"
ok "the installed credledger queries it and submits to it (status, accredit)"
exec 3<>"/dev/tcp/${http%:*}/${http##*:}"
printf 'GET /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3
IFS= read -r line <&3
exec 3<&-
[ "${line%$'\r'}" = "HTTP/1.1 200 OK" ] || fail "GET /v1/status: $line"
ok "GET http://$http/v1/status: 200"

kill -TERM "$node"
rc=0
wait "$node_pid" || rc=$?
node_pid=
[ "$rc" -eq 0 ] || fail "the node exited $rc on SIGTERM"
ok "SIGTERM: the node stops, exit 0"

# An edited configuration survives a reinstall (dpkg keeps conffiles).
sed -i 's/^log_level = info$/log_level = warn/' "$conf"
(cd "$(dirname "$deb")" && apt-get install -y -q --reinstall \
	-o Dpkg::Options::=--force-confold "./$(basename "$deb")" \
	>"$tmp/apt2.log" 2>&1) || { cat "$tmp/apt2.log" >&2
	fail "reinstall"; }
grep -qx 'log_level = warn' "$conf" || fail "the reinstall clobbered $conf"
[ -e "$data/node.key" ] || fail "the reinstall lost the node key"
ok "a reinstall keeps the edited configuration and the node's data"

apt-get remove -y -q credledger >/dev/null 2>&1 || fail "apt-get remove"
[ ! -e /usr/bin/credledger-node ] || fail "removed, binary still there"
[ -e "$conf" ] || fail "remove (not purge) dropped the configuration"
apt-get purge -y -q credledger >/dev/null 2>&1 || fail "apt-get purge"
[ ! -e "$conf" ] || fail "purge left $conf"
[ -e "$data/node.key" ] || fail "purge deleted the node key"
ok "remove keeps the configuration, purge drops it; the node key stays"
echo "package: $pass passed, 0 failed ($(( $(date +%s) - t0 )) s)"
