#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The partition test: five credledger-node processes in five network
# namespaces, on two bridges (nodes 1-2 on one, 3-5 on the other) joined by
# a veth trunk, in a sixth namespace.  Taking the trunk down splits them
# 2|3; each side goes on issuing (an issuer of its own, and one issuer on
# both sides: a fork); the trunk comes up again, and all five must end on
# one state digest, with every credential known everywhere and the forked
# feed disputed on every node.
#
#	bash tests/netns/partition.sh BUILD_DIR
#
# Needs root and iproute2; where network namespaces cannot be made it says
# "SKIP: ..." and exits 0.  Everything is made inside namespaces of its
# own (addresses in 10.77.0.0/24): nothing of the host's network is
# touched, and all of it is removed on exit, whatever happens.  Every wait
# is bounded.  CL_KEEP=1 keeps the directory of keys and node logs.
set -euo pipefail

build=${1:?usage: partition.sh BUILD_DIR}
cl=$build/tools/credledger
node=$build/node/credledger-node
wait_s=60			# the most any one wait may take
idle_ms=3000			# [gossip] idle_timeout_ms: dead links go soon
t_start=$SECONDS

skip() { echo "SKIP: partition test: $*"; exit 0; }
fail() { echo "partition.sh: FAIL: $*" >&2; exit 1; }
say() { printf '[%3ds] %s\n' $((SECONDS - t_start)) "$*"; }

for b in "$cl" "$node"; do
	[ -x "$b" ] || fail "$b missing: build first"
done
[ "$EUID" -eq 0 ] || skip "not root (network namespaces need root)"
command -v ip >/dev/null || skip "no 'ip' command (install iproute2)"

tag=clp$$
brns=$tag-br
made=()				# namespaces made, to delete
pids=()				# node processes started, to stop
dir=

cleanup() {
	local rc=$? pid ns i
	set +e
	trap - EXIT
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for i in $(seq 50); do
		alive=0
		for pid in "${pids[@]}"; do
			kill -0 "$pid" 2>/dev/null && alive=1
		done
		[ "$alive" -eq 0 ] && break
		sleep 0.1
	done
	for pid in "${pids[@]}"; do
		kill -KILL "$pid" 2>/dev/null
	done
	if [ "$rc" -ne 0 ] && [ -n "$dir" ]; then
		for i in 1 2 3 4 5; do
			[ -f "$dir/log.$i" ] || continue
			echo "--- node $i: last lines of its log" >&2
			grep -v '^debug' "$dir/log.$i" | tail -n 15 >&2
		done
	fi
	for ns in "${made[@]}"; do
		# only processes this script put there: none should be left
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$dir" ]; then
		if [ -n "${CL_KEEP:-}" ]; then
			echo "partition.sh: kept $dir" >&2
		else
			rm -rf "$dir"
		fi
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The one place a failure means "cannot be done here", not "broken".
if ! err=$(ip netns add "$brns" 2>&1); then
	skip "'ip netns add' failed: $err"
fi
made+=("$brns")

dir=$(mktemp -d /tmp/cl-netns.XXXXXX)
say "namespaces $tag-n1..n5 on bridges b0 (1, 2) and b1 (3, 4, 5) in $brns"
ip -n "$brns" link set lo up
ip -n "$brns" link add b0 type bridge
ip -n "$brns" link add b1 type bridge
ip -n "$brns" link add j0 type veth peer name j1	# the trunk
ip -n "$brns" link set j0 master b0
ip -n "$brns" link set j1 master b1
for l in b0 b1 j0 j1; do
	ip -n "$brns" link set "$l" up
done
for i in 1 2 3 4 5; do
	ns=$tag-n$i
	ip netns add "$ns"
	made+=("$ns")
	ip -n "$brns" link add "p$i" type veth peer name eth0 netns "$ns"
	ip -n "$brns" link set "p$i" master "$([ "$i" -le 2 ] && echo b0 ||
	    echo b1)" up
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "10.77.0.$i/24" dev eth0
	ip -n "$ns" link set eth0 up
done

# Run the credledger command in node i's namespace, on its client port.
cln() {
	local i=$1
	shift
	ip netns exec "$tag-n$i" env CREDLEDGER_NODE=127.0.0.1:7400 "$cl" "$@"
}
# A field of node i's status (empty if it does not answer).
digest() {
	cln "$1" status --json 2>/dev/null |
	    sed -n 's/^  "digest": "\(.*\)",$/\1/p' || true
}
forks() {
	cln "$1" status --json 2>/dev/null |
	    sed -n 's/^  "forks": \([0-9]*\),$/\1/p' || true
}
# A credential's status on node i ("valid", "unknown", "disputed", ...).
cred() {
	cln "$1" verify --json --credential "$2" 2>/dev/null |
	    sed -n 's/^  "status": "\(.*\)",$/\1/p' || true
}

# Wait (at most wait_s) until the command succeeds.
until_ok() {
	local what=$1 t0=$SECONDS
	shift
	until "$@"; do
		[ $((SECONDS - t0)) -lt "$wait_s" ] ||
		    fail "$what: not within ${wait_s}s"
		sleep 0.2
	done
}
# Do nodes $@ all report one digest?
same_digest() {
	local i d first=
	for i in "$@"; do
		d=$(digest "$i")
		[ -n "$d" ] || return 1
		first=${first:-$d}
		[ "$d" = "$first" ] || return 1
	done
}
has_status() {	# node credential status
	[ "$(cred "$1" "$2")" = "$3" ]
}
expect_status() {	# credential status node...
	local c=$1 want=$2 i got
	shift 2
	for i in "$@"; do
		got=$(cred "$i" "$c")
		[ "$got" = "$want" ] || fail "node $i: credential" \
		    "${c:0:16}... is '$got', not '$want'"
	done
}

say "a network, and five nodes with every other one as a peer"
"$cl" keygen --out "$dir/auth.key" --no-passphrase >/dev/null
"$cl" genesis --name partition-test --authority \
	"$("$cl" pubkey "$dir/auth.key"),Test Authority,BE" \
	--out "$dir/genesis.cl" >/dev/null
printf '[gossip]\nidle_timeout_ms = %d\n' "$idle_ms" >"$dir/node.ini"
for i in 1 2 3 4 5; do
	ip netns exec "$tag-n$i" "$node" init --data "$dir/n$i" \
		--genesis "$dir/genesis.cl" >/dev/null
	peers=()
	for j in 1 2 3 4 5; do
		if [ "$j" -ne "$i" ]; then
			peers+=(--peer "10.77.0.$j:7500")
		fi
	done
	ip netns exec "$tag-n$i" "$node" run --data "$dir/n$i" \
		--config "$dir/node.ini" --log-level debug \
		--listen 127.0.0.1:7400 --gossip "10.77.0.$i:7500" \
		"${peers[@]}" >"$dir/ready.$i" 2>"$dir/log.$i" &
	pids+=($!)
done
for i in 1 2 3 4 5; do
	until_ok "node $i ready" grep -q '^ready .*gossip=10.77.0.' \
		"$dir/ready.$i"
done

say "issuers L (left side), R (right side) and X (both sides) accredited"
cat >"$dir/ach.json" <<'EOF'
{
  "title": {"en": "Keeping a ledger through a network partition"},
  "awarding_body": "Partition Test School",
  "country": "BE",
  "learning_outcomes": ["Explains why a partitioned ledger converges"],
  "esco_skills": [
    "http://data.europa.eu/esco/skill/2fcd95a4-1f9a-41cf-95a9-4701bde476b4"
  ],
  "ects": 1, "hours": 25, "eqf": 4, "nqf": "none",
  "assessment": "written test", "participation": "online",
  "quality_assurance": "none"
}
EOF
declare -A ach
for x in L R X; do
	"$cl" keygen --out "$dir/$x.key" --no-passphrase >/dev/null
	cln 1 accredit --key "$dir/auth.key" --no-passphrase --issuer \
		"$("$cl" pubkey "$dir/$x.key")" --org-id "T-$x" \
		--name "School $x" --country BE >/dev/null
	ach[$x]=$(cln 1 define --key "$dir/$x.key" --no-passphrase \
		--file "$dir/ach.json")
done
issue() {	# node issuer: prints the credential id
	cln "$1" issue --key "$dir/$2.key" --no-passphrase \
		--achievement "${ach[$2]}" --holder-ref \
		"$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
}
l0=$(issue 1 L)
r0=$(issue 1 R)
x0=$(issue 1 X)
until_ok "one digest on all five before the split" same_digest 1 2 3 4 5
expect_status "$r0" valid 1 2 3 4 5

say "split 2|3: the trunk between the bridges goes down"
ip -n "$brns" link set j0 down
t_split=$SECONDS
l1=$(issue 1 L)
l2=$(issue 1 L)
cln 1 revoke --key "$dir/L.key" --no-passphrase --credential "$l0" \
	--reason-code 1 >/dev/null
r1=$(issue 4 R)
r2=$(issue 4 R)
cln 4 revoke --key "$dir/R.key" --no-passphrase --credential "$r0" \
	--reason-code 1 >/dev/null
xl=$(issue 2 X)			# X's next seq, on the left ...
xr=$(issue 5 X)			# ... and the same seq on the right
# each side has its own events, and not the other's
until_ok "L's events across the left side" has_status 2 "$l2" valid
until_ok "R's events across the right side" has_status 3 "$r2" valid
until_ok "R's events across the right side" has_status 5 "$r2" valid
until_ok "one digest on the left" same_digest 1 2
until_ok "one digest on the right" same_digest 3 4 5
[ "$(digest 1)" != "$(digest 3)" ] || fail "the split did not split"
expect_status "$l2" unknown 3 4 5
expect_status "$r2" unknown 1 2
expect_status "$l0" revoked 1 2
expect_status "$l0" valid 3 4 5
expect_status "$xl" valid 1 2
expect_status "$xr" valid 3 4 5
# long enough for the links over the cut to be found dead
while [ $((SECONDS - t_split)) -lt $((idle_ms / 1000 + 2)) ]; do
	sleep 0.2
done
say "sides apart for $((SECONDS - t_split))s; heal: the trunk comes up"
ip -n "$brns" link set j0 up
t_heal=$SECONDS
until_ok "one digest on all five after healing" same_digest 1 2 3 4 5
say "one digest on all five $((SECONDS - t_heal))s after healing:" \
	"$(digest 1)"

expect_status "$l1" valid 1 2 3 4 5
expect_status "$l2" valid 3 4 5
expect_status "$r1" valid 1 2 3 4 5
expect_status "$r2" valid 1 2
expect_status "$l0" revoked 1 2 3 4 5
expect_status "$r0" revoked 1 2 3 4 5
expect_status "$x0" valid 1 2 3 4 5
expect_status "$xl" disputed 1 2 3 4 5
expect_status "$xr" disputed 1 2 3 4 5
for i in 1 2 3 4 5; do
	[ "$(forks "$i")" = 1 ] || fail "node $i holds $(forks "$i") fork" \
		"proofs, not 1"
done
idle=0
for i in 1 2 3 4 5; do
	idle=$((idle + $(grep -c 'down: idle' "$dir/log.$i" || true)))
done
say "every credential known everywhere, X disputed on all five;" \
	"$idle links were cut as idle over the split"

for k in "${!pids[@]}"; do
	pid=${pids[$k]}
	kill -TERM "$pid"
	t0=$SECONDS
	while kill -0 "$pid" 2>/dev/null; do
		[ $((SECONDS - t0)) -lt 10 ] ||
		    fail "node $((k + 1)) still running 10s after SIGTERM"
		sleep 0.1
	done
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ] || fail "node $((k + 1)) exited $rc on SIGTERM"
done
pids=()
say "partition test passed"
