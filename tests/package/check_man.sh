#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The man pages say what --help says: every verb of `credledger --help`
# and every option of each verb's --help is in credledger(1); every option
# of `credledger-node --help` and every key of the example configuration
# is in credledger-node(8).
#
#	bash tests/package/check_man.sh CREDLEDGER CREDLEDGER_NODE [MAN_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cl=$1
node=$2
man=${3:-$top/deploy/man}
"$cl" --version >/dev/null && "$node" --version >/dev/null
n=0
missing=0
# the roff source with \- read as -, and "\fB" and friends dropped
text() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$1"; }
need() {	# page word what
	n=$((n + 1))
	if ! grep -qF -- "$2" <<<"$(text "$1")"; then
		echo "check_man: $(basename "$1") lacks $2 ($3)" >&2
		missing=$((missing + 1))
	fi
}
verbs=$("$cl" --help | awk '/^verbs:/ { on = 1; next }
	on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
[ -n "$verbs" ] || { echo "check_man: no verbs in credledger --help" >&2
	exit 1; }
for v in $verbs; do
	need "$man/credledger.1" "$v" "a verb"
	for o in $("$cl" "$v" --help 2>&1 |
	    grep -oE -- '--[a-z][a-z-]*' | sort -u); do
		need "$man/credledger.1" "$o" "an option of $v"
	done
done
for o in $("$node" --help | grep -oE -- '--[a-z][a-z-]*' |
    sort -u); do
	need "$man/credledger-node.8" "$o" "an option of credledger-node"
done
for k in $(sed -n 's/^#\{0,1\}\([a-z_]*\) = .*/\1/p' \
    "$top/deploy/credledger-node.ini" | sort -u); do
	need "$man/credledger-node.8" "$k" "a configuration key"
done
[ "$missing" -eq 0 ] || exit 1
echo "ok - the man pages name all $n verbs, options and keys of --help"
