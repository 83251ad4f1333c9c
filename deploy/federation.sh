#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The quick start's federation: three credledger nodes on 127.0.0.1, one
# for each of a German event-technology school, a Belgian training centre
# and an Estonian vocational college, linked by gossip, with one genesis
# authority.  Credentials are issued on the German node, verified from the
# Estonian one, one is revoked, and the revocation is shown on every node;
# then an auditor replays the Estonian node's log.  Each step is said in
# plain words.  The nodes are left running; the last lines print the
# command that stops them (stop.sh in the federation's directory).
#
#	bash deploy/federation.sh [BUILD_DIR]
#
# Uses the binaries of a build (default: build/ of this checkout); with
# CL_BIN_DIR=DIR, DIR/credledger and DIR/credledger-node (e.g. /usr/bin).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
samples=${CL_SAMPLES:-$top/../shared/samples}
if [ -n "${CL_BIN_DIR:-}" ]; then
	cl=$CL_BIN_DIR/credledger
	node=$CL_BIN_DIR/credledger-node
else
	cl=$build/tools/credledger
	node=$build/node/credledger-node
fi
for b in "$cl" "$node"; do
	[ -x "$b" ] || { echo "federation.sh: $b missing: build first" >&2
		exit 2; }
done
[ -r "$samples/esco-skills.tsv" ] || {
	echo "federation.sh: $samples/esco-skills.tsv missing (CL_SAMPLES=DIR)" >&2
	exit 2
}
wait_s=${CL_WAIT_S:-30}		# for links and gossip, at most

dir=$(mktemp -d /tmp/credledger-federation.XXXXXX)
cd "$dir"

# The stop script kills only the PIDs this run started, and only while
# each is still the credledger-node of this directory (a PID may be
# reused once its process is gone).
cat >stop.sh <<'EOF'
#!/usr/bin/env bash
# Stops the nodes of this federation (SIGTERM: each commits what it holds
# and exits 0), by the PIDs recorded when they started.
dir=$(cd "$(dirname "$0")" && pwd)
rc=0
for f in "$dir"/*.pid; do
	[ -e "$f" ] || continue
	pid=$(cat "$f")
	name=$(basename "$f" .pid)
	if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null |
	    grep -qF "credledger-node run --data $dir/$name "; then
		rm -f "$f"		# gone already
		continue
	fi
	kill -TERM "$pid"
	for _ in $(seq 100); do
		[ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' \
		    "/proc/$pid/status" 2>/dev/null || break
		sleep 0.1
	done
	if [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status"
	then
		echo "stop.sh: node $name (pid $pid) did not stop" >&2
		rc=1
		continue
	fi
	rm -f "$f"
	echo "stopped node $name (pid $pid)"
done
exit $rc
EOF
chmod +x stop.sh

finished=0
on_exit() {
	# a quick start that failed half-way leaves nothing running
	[ "$finished" = 1 ] || bash "$dir/stop.sh" >/dev/null 2>&1 || true
}
trap on_exit EXIT

step=0
say() { step=$((step + 1)); printf '\n%d. %s\n' "$step" "$*"; }
tell() { printf '   %s\n' "$*"; }
fail() { echo "federation.sh: $*" >&2; exit 1; }

# start NAME [--peer KEY@HOST:PORT ...]: a node in its own session (so it
# outlives this script and the terminal), its PID in NAME.pid.
start() {
	local name=$1
	shift
	"$node" init --data "$dir/$name" --genesis genesis.cl >/dev/null
	setsid bash -c 'echo $$ >"$0.pid"; exec "$@"' "$dir/$name" \
		"$node" run --data "$dir/$name" --listen 127.0.0.1:0 \
		--gossip 127.0.0.1:0 --http 127.0.0.1:0 "$@" \
		</dev/null >"$name.ready" 2>"$name.log" &
	for _ in $(seq 100); do
		grep -q '^ready ' "$name.ready" 2>/dev/null && break
		sleep 0.1
	done
	grep -q '^ready ' "$name.ready" || {
		cat "$name.log" >&2
		fail "node $name did not start"
	}
}
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" "$1.ready"; }
client() { sed -n 's/^ready client=\([^ ]*\).*/\1/p' "$1.ready"; }
peer() { echo "$(field "$1" node)@$(field "$1" gossip)"; }
digest() { "$cl" status --node "$(client "$1")" |
	sed -n 's/^state digest: *//p'; }

say "A network: the EU consortium is its genesis authority."
"$cl" keygen --out consortium.key --no-passphrase >/dev/null
auth=$("$cl" pubkey consortium.key)
netid=$("$cl" genesis --name eu-microcredentials \
	--authority "$auth,EU Micro-Credential Consortium,BE" --out genesis.cl)
tell "network id $netid, in genesis.cl: every node starts from this file"

say "Three partners start a node each, in three countries, linked by gossip."
start de
start be --peer "$(peer de)"
start ee --peer "$(peer de)" --peer "$(peer be)"
tell "Köln (DE):    node $(field de node | cut -c1-16)…  client $(client de)  gossip $(field de gossip)"
tell "Brussels (BE): node $(field be node | cut -c1-16)…  client $(client be)  gossip $(field be gossip)"
tell "Tartu (EE):   node $(field ee node | cut -c1-16)…  client $(client ee)  gossip $(field ee gossip)"
links() { "$cl" status --json --node "$(client "$1")" |
	grep -c '"state": "up"' || true; }
for _ in $(seq $((wait_s * 10))); do
	[ "$(links de)" -ge 2 ] && [ "$(links be)" -ge 2 ] &&
	    [ "$(links ee)" -ge 2 ] && break
	sleep 0.1
done
[ "$(links ee)" -ge 2 ] && [ "$(links de)" -ge 2 ] ||
	fail "the nodes did not link within ${wait_s}s"
tell "each node has an encrypted, authenticated link to the other two"

say "The consortium accredits three schools, through the Brussels node."
export CREDLEDGER_NODE
CREDLEDGER_NODE=$(client be)
accredit() {	# key-file org-id name country qa
	"$cl" keygen --out "$1" --no-passphrase >/dev/null
	"$cl" accredit --key consortium.key --issuer "$("$cl" pubkey "$1")" \
		--org-id "$2" --name "$3" --country "$4" \
		--qa "$5" >/dev/null
	tell "accredited: $3 ($4)"
}
accredit koeln.key DE-HRB-20931 "Bühnentechnik-Akademie Köln" DE \
	"Zentralstelle für Fernunterricht (ZFU)"
accredit brussel.key BE-0412345678 "Centre de formation Scène & Son" BE \
	"AEQES institutional review"
accredit tartu.key EE-70008799 "Tartu Kutsehariduskeskus" EE \
	"EKKA institutional accreditation"

say "The Köln academy defines a micro-credential on its own node."
CREDLEDGER_NODE=$(client de)
skills=$(awk -F '\t' '$2 == "use rigging tools" || $2 == "rig loads" ||
	$2 == "operate hoists" || $2 == "draw up risk assessment" ||
	$2 == "follow safety procedures when working at heights" {
	printf "%s\"%s\"", sep, $1; sep = ", " }' "$samples/esco-skills.tsv")
[ -n "$skills" ] || fail "no rigging skills in $samples/esco-skills.tsv"
cat >rigging.json <<EOF
{
  "title": {"de": "Bühnenrigging: sicheres Anschlagen und Heben von Lasten",
            "en": "Stage rigging: safe suspension and lifting of loads"},
  "awarding_body": "Bühnentechnik-Akademie Köln",
  "country": "DE",
  "learning_outcomes": [
    "Plans a rigging point layout for a touring stage production",
    "Selects, inspects and uses rigging hardware within its working load limits",
    "Operates chain hoists under supervision and keeps the rigging log"
  ],
  "esco_skills": [$skills],
  "ects": 2.5,
  "hours": 60,
  "eqf": 4,
  "nqf": "DQR Niveau 4",
  "assessment": "practical examination on a rigging grid, supervised on site",
  "participation": "onsite",
  "quality_assurance": "Zentralstelle für Fernunterricht (ZFU)"
}
EOF
ach=$("$cl" define --key koeln.key --file rigging.json)
tell "Stage rigging: safe suspension and lifting of loads"
tell "EQF 4 (DQR Niveau 4), 2.5 ECTS, 60 hours, assessed on site"
tell "ESCO skills: use rigging tools, rig loads, operate hoists, draw up"
tell "risk assessment, follow safety procedures when working at heights"
tell "achievement id $ach"

say "The academy issues it to three learners, in one batch, on the Köln node."
cp "$samples/credentials/elm-v3-edc-credential-sample.jsonld" maria.jsonld
for who in jonas aino; do
	printf '{"credential": "Stage rigging", "learner": "%s", "issued": "%s"}\n' \
		"$who" "$(date -u +%F)" >"$who.json"
done
cat >learners.jsonl <<EOF
{"holder_id": "maria.schneider@example.de", "document": "maria.jsonld", "local_ref": "BTA-2026-0417"}
{"holder_id": "jonas.peeters@example.be", "document": "jonas.json", "local_ref": "BTA-2026-0418"}
{"holder_id": "aino.tamm@example.ee", "document": "aino.json", "local_ref": "BTA-2026-0419"}
EOF
"$cl" issue --key koeln.key --achievement "$ach" --batch learners.jsonl \
	--grade passed --supervision onsite-id >issued.txt
maria=$(sed -n '1s/ .*//p' issued.txt)
jonas=$(sed -n '2s/ .*//p' issued.txt)
aino=$(sed -n '3s/ .*//p' issued.txt)
[ -n "$aino" ] || fail "the batch did not print three credentials"
tell "Maria Schneider: $maria"
tell "Jonas Peeters:   $jonas"
tell "Aino Tamm:       $aino"
tell "the ledger holds salted hashes of their identities and the SHA-256 of"
tell "their documents; the salts went to them (issued.txt), no personal data"

# agree: wait until the three nodes hold the same events
agree() {
	local a b c
	for _ in $(seq $((wait_s * 10))); do
		a=$(digest de) b=$(digest be) c=$(digest ee)
		[ -n "$a" ] && [ "$a" = "$b" ] && [ "$b" = "$c" ] && return 0
		sleep 0.1
	done
	fail "the nodes did not agree within ${wait_s}s ($a $b $c)"
}
say "Gossip carries the events to Brussels and Tartu."
agree
tell "the three nodes hold the same events: state digest $(digest ee)"

say "An employer in Tallinn asks the Estonian node, and checks the proof."
CREDLEDGER_NODE=$(client ee)
"$cl" verify --credential "$maria" | sed 's/^/   /'
"$cl" verify --credential "$jonas" | head -n 1 | sed 's/^/   /'
"$cl" verify --credential "$aino" | head -n 1 | sed 's/^/   /'
tell "and by the document file Maria holds:"
"$cl" verify --document maria.jsonld | head -n 1 | sed 's/^/   /'
http_ee=$(field ee http)
tell "the Tartu node's verification page: http://$http_ee/"
tell "(the same as JSON: http://$http_ee/v1/credentials/$maria)"

say "The academy finds Jonas's exam was not supervised as declared: it revokes."
CREDLEDGER_NODE=$(client de)
"$cl" revoke --key koeln.key --credential "$jonas" --reason-code 4 \
	--reason "assessment irregularity: exam not supervised as declared" \
	>/dev/null
tell "REVOKE accepted by the Köln node"

say "Every node now says it is revoked; the other two stay valid."
agree
for n in de be ee; do
	case $n in de) where="Köln node:    ";; be) where="Brussels node:";;
		ee) where="Tartu node:   ";; esac
	rc=0
	"$cl" verify --node "$(client $n)" --credential "$jonas" \
		>"verify-$n.txt" || rc=$?
	line=$(head -n 1 "verify-$n.txt")
	[ "$rc" -eq 1 ] || fail "verify on $n exited $rc, not 1"
	case $line in *" is revoked") ;; *) fail "$n: $line";; esac
	tell "$where $line"
done
for c in "$maria" "$aino"; do
	"$cl" verify --node "$(client be)" --credential "$c" >/dev/null ||
		fail "$c is no longer valid"
done
tell "Maria's and Aino's credentials: still valid (asked at Brussels)"
tell "state digests: Köln $(digest de | cut -c1-16)…, Brussels" \
	"$(digest be | cut -c1-16)…, Tartu $(digest ee | cut -c1-16)…: equal"

say "An auditor replays the Tartu node's log, with every signature and rule."
"$cl" export --node "$(client ee)" --out ee.export --quiet >/dev/null
rc=0
"$cl" audit ee.export --genesis genesis.cl --compare de >audit.txt 2>&1 ||
	rc=$?
sed -n 's/^\(log\|events\|credentials\|findings\|result\):/&/p' audit.txt |
	sed 's/^/   /'
[ "$rc" -eq 0 ] || { cat audit.txt >&2; fail "audit exited $rc"; }
tell "and it holds the same events as the Köln node's store (--compare)"
tell "full report: $dir/audit.txt"

finished=1
say "The federation keeps running."
tell "directory:   $dir (logs: de.log, be.log, ee.log)"
tell "try:         CREDLEDGER_NODE=$(client ee) $cl status"
tell "web page:    http://$http_ee/ (Tartu), http://$(field de http)/ (Köln)"
tell "stop it:     bash $dir/stop.sh"
printf '\nDone: issued, verified valid, revoked, verified revoked.\n'
