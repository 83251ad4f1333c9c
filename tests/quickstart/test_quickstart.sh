#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's first command on a clean clone: git clone this repository
# into a new directory with ../shared beside it, run `bash
# deploy/quickstart.sh` there (it builds from nothing), and check what it
# prints: valid from another country's node, then revoked on every node
# with equal digests, an audit that is clean, the web page answering, and
# the stop command stopping every node.  Then once more, in the same clone:
# a second federation beside the first (running it twice works).
#
#	bash tests/quickstart/test_quickstart.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=$(cd "${CL_SHARED:-$top/../shared}" && pwd)
tmp=$(mktemp -d /tmp/credledger-qs-test.XXXXXX)
stops=() dirs=()
cleanup() {
	local s
	for s in "${stops[@]}"; do
		bash "$s" >/dev/null 2>&1 || true
	done
	for s in "${dirs[@]}"; do
		rm -rf "$s"
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "test_quickstart: FAIL: $*" >&2; exit 1; }
pass=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }

git clone -q "$top" "$tmp/main"
ln -s "$shared" "$tmp/shared"

# http_get HOST:PORT PATH: the status line of a GET (bash's /dev/tcp: no
# curl needed)
http_get() {
	local line
	exec 3<>"/dev/tcp/${1%:*}/${1##*:}"
	printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' \
		"$2" "$1" >&3
	IFS= read -r line <&3
	exec 3<&-
	printf '%s\n' "${line%$'\r'}"
}

check_run() {	# the output of one quick start, in $1
	local out=$1 stop dir web n pid
	stop=$(sed -n 's/^ *stop it: *bash \(.*stop\.sh\)$/\1/p' <<<"$out")
	[ -n "$stop" ] && [ -x "$stop" ] || fail "no stop command printed"
	stops+=("$stop")
	dir=$(dirname "$stop")
	dirs+=("$dir")
	case $dir in /tmp/credledger-federation.*) ;;
		*) fail "federation directory $dir";; esac
	ok "it prints the command that stops it: bash $stop"

	grep -q '^Done: issued, verified valid, revoked, verified revoked\.$' \
		<<<"$out" || fail "no Done line"
	ok "it ends with the Done line"

	# valid, asked at the Tartu node (step 7) before the revocation
	sed -n '/asks the Estonian node/,/revokes\.$/p' <<<"$out" |
		grep -Eq '^   credential [0-9a-f]{64} is valid$' ||
		fail "not valid at the Estonian node"
	[ "$(sed -n '/asks the Estonian node/,/revokes\.$/p' <<<"$out" |
		grep -Ec 'credential [0-9a-f]{64} is valid$')" -eq 4 ] ||
		fail "three credentials and one document: four valid answers"
	ok "three credentials verified valid from the Estonian node"

	# revoked on each of the three nodes, the others still valid
	for n in "Köln node:" "Brussels node:" "Tartu node:"; do
		grep -Eq "^   $n +credential [0-9a-f]{64} is revoked$" \
			<<<"$out" || fail "not revoked at the $n"
	done
	grep -q "still valid" <<<"$out" || fail "the others not still valid"
	ok "revoked on every node, the other two still valid"

	grep -Eq '^   state digests: Köln ([0-9a-f]{16})…, Brussels \1…, Tartu \1…: equal$' \
		<<<"$out" || fail "digests not equal"
	for n in de be ee; do
		CREDLEDGER_NODE=$(sed -n 's/^ready client=\([^ ]*\).*/\1/p' \
			"$dir/$n.ready") "$tmp/main/build/tools/credledger" \
			status | sed -n 's/^state digest: *//p'
	done | sort -u | wc -l | grep -qx 1 || fail "status digests differ"
	ok "all status digests equal"

	grep -q '^   findings: 0$' <<<"$out" &&
		grep -q '^   result: CLEAN$' <<<"$out" ||
		fail "the audit is not clean"
	grep -q 'the same set of events' "$dir/audit.txt" ||
		fail "the audit's comparison with the Köln store"
	ok "the audit of the Tartu node's export is clean"

	web=$(sed -n "s|^   the Tartu node's verification page: http://\([^/]*\)/$|\1|p" \
		<<<"$out")
	[ -n "$web" ] || fail "no web page address"
	[ "$(http_get "$web" /)" = "HTTP/1.1 200 OK" ] ||
		fail "http://$web/ does not answer 200"
	[ "$(http_get "$web" /v1/status)" = "HTTP/1.1 200 OK" ] ||
		fail "http://$web/v1/status does not answer 200"
	ok "the Tartu node's web page answers at http://$web/"

	for n in de be ee; do
		pid=$(cat "$dir/$n.pid")
		kill -0 "$pid" || fail "node $n is not running"
	done
	ok "the federation is left running"
}

t0=$(date +%s)
out1=$(cd "$tmp/main" && bash deploy/quickstart.sh) ||
	{ printf '%s\n' "$out1"; fail "quickstart.sh exited non-zero"; }
printf '%s\n' "$out1"
echo "(quick start on a clean clone: $(( $(date +%s) - t0 )) s, with the build)"
check_run "$out1"

out2=$(cd "$tmp/main" && bash deploy/quickstart.sh) ||
	{ printf '%s\n' "$out2"; fail "the second quickstart.sh failed"; }
check_run "$out2"
[ "${stops[0]}" != "${stops[1]}" ] || fail "both runs in one directory"
ok "a second run makes a second federation, beside the first"

for s in "${stops[@]}"; do
	d=$(dirname "$s")
	pids=$(cat "$d"/*.pid)
	bash "$s" | sed 's/^/  /'
	for pid in $pids; do
		if [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' \
		    "/proc/$pid/status" 2>/dev/null; then
			fail "pid $pid still running after $s"
		fi
	done
done
stops=()
ok "each stop.sh stops its own three nodes"
echo "quickstart: $pass passed, 0 failed"
