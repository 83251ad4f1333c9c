#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The operator's guide (deploy/README.md), run as written.  Every ```sh
# block there follows a marker comment,
#
#	<!-- guide-test: ROLE... [name=NAME] -->   run it in each ROLE's shell
#	<!-- guide-test: ROLE... values -->         your values: replaced here
#	<!-- guide-test: ROLE run=NAME -->          run block NAME again
#	<!-- guide-test: copy ROLE/FILE ROLE/[FILE] --> a file handed over
#	<!-- guide-test: skip: WHY -->              not run, and why
#
# and a block with no marker fails the test, so the guide cannot drift
# from what is run.  Each role (authority, node-a, node-b) is one bash
# (set -euo pipefail) in a directory of its own, kept for the whole run
# as an operator keeps a terminal: what a block sets or starts stays for
# the next.  The nodes listen on 127.0.0.2 and 127.0.0.3; at the end the
# test checks that they agree and stops them by their PIDs.
#
#	bash tests/guide/test_guide.sh [BUILD_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
guide=$top/deploy/README.md
block_s=${CL_GUIDE_BLOCK_S:-120}	# a block must end within this
pass=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
fail() { echo "test_guide: FAIL: $*" >&2; exit 1; }

for b in "$build/tools/credledger" "$build/node/credledger-node"; do
	[ -x "$b" ] || fail "$b missing: build first"
done
if ! command -v curl >/dev/null 2>&1; then	# the guide's HTTP examples
	[ "$(id -u)" -eq 0 ] || fail "curl is missing"
	apt-get install -y -q --no-install-recommends curl >/dev/null
fi

# The test's own values for each role ("your values" blocks).
values() {
	case $1 in
	authority) cat <<-EOF
		export CREDLEDGER_NODE=127.0.0.2:7400
		EOF
		;;
	node-a|node-b)
		local ip=127.0.0.2
		[ "$1" = node-b ] && ip=127.0.0.3
		cat <<-EOF
		DATA=$tmp/$1/data
		CLIENT=$ip:7400
		GOSSIP=$ip:7401
		HTTP=$ip:8080
		export CREDLEDGER_NODE=\$CLIENT
		EOF
		;;
	*) fail "no values for role $1";;
	esac
}
assigned() { grep -oE '^(export )?[A-Z_]+=' | sed 's/^export //' | sort -u; }

for a in 127.0.0.2 127.0.0.3; do
	for p in 7400 7401 8080; do
		if (exec 3<>"/dev/tcp/$a/$p") 2>/dev/null; then
			fail "$a:$p is in use"
		fi
	done
done

tmp=$(mktemp -d /tmp/credledger-guide-test.XXXXXX)
mkdir "$tmp/steps"
declare -A shell_pid shell_fd
cleanup() {
	local r f pid
	for r in "${!shell_pid[@]}"; do
		f=$tmp/$r/node.pid
		[ -e "$f" ] || continue
		pid=$(cat "$f")
		tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null |
			grep -q "credledger-node run" || continue
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 100); do
			[ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' \
			    "/proc/$pid/status" 2>/dev/null || break
			sleep 0.1
		done
	done
	for r in "${!shell_pid[@]}"; do
		f=${shell_fd[$r]}
		exec {f}>&- 2>/dev/null || true
		kill "${shell_pid[$r]}" 2>/dev/null || true
	done
	[ -n "${CL_GUIDE_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT

# Split the guide into steps: N.meta (the marker) and N.sh (the block).
awk -v dir="$tmp/steps" '
function emit(meta) { n++; f = sprintf("%s/%03d", dir, n)
	print meta >(f ".meta"); close(f ".meta"); return f }
/^<!-- guide-test: .* -->$/ {
	m = $0; sub(/^<!-- guide-test: /, "", m); sub(/ -->$/, "", m)
	if (m ~ /^copy / || m ~ /run=/) { emit(m); next }
	pending = m; want = NR + 1; next
}
/^```sh$/ {
	if (pending == "" || want != NR) {
		print "guide.md:" NR ": a shell block with no guide-test marker" \
		    >"/dev/stderr"; bad = 1
	}
	f = emit(pending == "" ? "skip: unmarked" : pending); pending = ""
	body = f ".sh"; printf "" >body; inblock = 1; next
}
inblock && /^```$/ { inblock = 0; close(body); next }
inblock { print >body; next }
pending != "" && want == NR { print "guide.md:" NR ": a marker with no " \
	"block after it" >"/dev/stderr"; bad = 1; pending = "" }
END { exit bad }
' "$guide" || fail "the guide's blocks and markers do not match"
nsteps=$(ls "$tmp/steps"/*.meta | wc -l)
ok "the guide has $nsteps marked steps, every shell block marked"

# role_shell ROLE: start the role's shell (once).
role_shell() {
	local r=$1
	[ -n "${shell_pid[$r]:-}" ] && return 0
	mkdir -p "$tmp/$r"
	mkfifo "$tmp/$r.in"
	(cd "$tmp/$r" && HOME=$tmp/$r \
		PATH="$build/tools:$build/node:$PATH" \
		exec bash --norc --noprofile <"$tmp/$r.in" >"$tmp/$r.out" 2>&1) &
	shell_pid[$r]=$!
	exec {fd}>"$tmp/$r.in"
	shell_fd[$r]=$fd
	echo 'set -euo pipefail' >&"$fd"
}
# in_role ROLE FILE: run FILE's commands in ROLE's shell, wait for them.
seqno=0
in_role() {
	local r=$1 file=$2 mark from
	role_shell "$r"
	seqno=$((seqno + 1))
	mark="__guide_done_$seqno"
	from=$(($(wc -l <"$tmp/$r.out") + 1))
	{ cat "$file"; echo; echo "echo $mark"; } >&"${shell_fd[$r]}"
	for _ in $(seq $((block_s * 10))); do
		grep -qx "$mark" "$tmp/$r.out" && break
		kill -0 "${shell_pid[$r]}" 2>/dev/null || break
		sleep 0.1
	done
	tail -n +"$from" "$tmp/$r.out" | { grep -vx "$mark" || true; } |
		sed "s/^/  [$r] /"
	grep -qx "$mark" "$tmp/$r.out" || {
		sed 's/^/    | /' "$file" >&2
		fail "this block failed in $r's shell (or took over ${block_s}s)"
	}
}

declare -A named
for meta in "$tmp/steps"/*.meta; do
	step=${meta%.meta}
	m=$(cat "$meta")
	case $m in
	"skip: unmarked") fail "unmarked block $step";;
	skip:*) ok "not run (${m#skip: })"; continue;;
	copy\ *)
		read -r _ src dst <<<"$m"
		[ -e "$tmp/$src" ] || fail "copy: $src was not made"
		mkdir -p "$tmp/${dst%%/*}"
		cp "$tmp/$src" "$tmp/$dst"
		ok "handed over: $src to $dst"
		continue;;
	esac
	roles=() name='' run='' isvalues=''
	for w in $m; do
		case $w in
		name=*) name=${w#name=};;
		run=*) run=${w#run=};;
		values) isvalues=1;;
		*) roles+=("$w");;
		esac
	done
	[ -z "$name" ] || named[$name]=$step.sh
	body=$step.sh
	if [ -n "$run" ]; then
		body=${named[$run]:-}
		[ -n "$body" ] || fail "run=$run: no block of that name before"
	fi
	for r in "${roles[@]}"; do
		if [ -n "$isvalues" ]; then
			[ "$(assigned <"$body")" = "$(values "$r" | assigned)" ] ||
				fail "the guide's values for $r are not the test's"
			values "$r" >"$step.$r.values"
			in_role "$r" "$step.$r.values"
			ok "$r: its values"
		else
			in_role "$r" "$body"
			ok "$r: $(grep -v '^#' "$body" | head -n 1 | cut -c1-60)"
		fi
	done
done

# What the guide's network must have come to.
export PATH="$build/tools:$PATH"
digest() { credledger status --node "$1" | sed -n 's/^state digest: *//p'; }
for _ in $(seq 100); do
	[ "$(digest 127.0.0.2:7400)" = "$(digest 127.0.0.3:7400)" ] && break
	sleep 0.1
done
[ "$(digest 127.0.0.2:7400)" = "$(digest 127.0.0.3:7400)" ] ||
	fail "node-a and node-b do not agree"
ok "node-a and node-b hold the same events (digest $(digest 127.0.0.2:7400 |
	cut -c1-16)…)"
cred=$(cat "$tmp/node-b/credential.txt")
for n in 127.0.0.2:7400 127.0.0.3:7400; do
	credledger verify --node "$n" --credential "$cred" \
		--genesis "$tmp/authority/genesis.cl" >/dev/null ||
		fail "Maria's credential is not valid at $n"
done
ok "the credential issued under the withdrawn key is valid at both nodes"
credledger status --node 127.0.0.3:7400 >"$tmp/status"
grep -q '^  ACCREDIT *2$' "$tmp/status" &&
	grep -q '^  WITHDRAW *1$' "$tmp/status" &&
	grep -q '^  DEFINE *2$' "$tmp/status" ||
	{ cat "$tmp/status" >&2; fail "not the events the guide made"; }
ok "two accreditations, one withdrawal, a DEFINE under each key"
grep -q 'the same set of events\|findings: 0' <(credledger audit \
	--data "$tmp/node-b/data" --quiet 2>&1) ||
	fail "the recovered node's store does not audit clean"
ok "the recovered node's store audits clean"
echo "guide: $pass passed, 0 failed"
