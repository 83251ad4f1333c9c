#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The demonstration: a real credledger-node and the credledger command walk a
# micro-credential from accreditation to issuance, verification by id and by
# the document the learner holds, revocation and verification again.  Each
# step is said in plain words; the network is left in a new directory under
# /tmp.  Uses the binaries of a build (default: build/ of this checkout).
#
#	bash deploy/demo.sh [BUILD_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
samples=${CL_SAMPLES:-$top/../shared/samples}
cl="$build/tools/credledger"
node="$build/node/credledger-node"
for b in "$cl" "$node"; do
	[ -x "$b" ] || { echo "demo.sh: $b missing: build first" >&2; exit 2; }
done
[ -r "$samples/esco-skills.tsv" ] || {
	echo "demo.sh: $samples/esco-skills.tsv missing (CL_SAMPLES=DIR)" >&2
	exit 2
}
document=$samples/credentials/elm-v3-edc-credential-sample.jsonld

dir=$(mktemp -d /tmp/credledger-demo.XXXXXX)
cd "$dir"
node_pid=
stop_node() {
	if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
		kill -TERM "$node_pid"
		wait "$node_pid" || true
	fi
	node_pid=
}
trap stop_node EXIT

step=0
say() { step=$((step + 1)); printf '\n%d. %s\n' "$step" "$*"; }
tell() { printf '   %s\n' "$*"; }

say "A network: the EU consortium is its genesis authority."
"$cl" keygen --out consortium.key --no-passphrase >/dev/null
auth=$("$cl" pubkey consortium.key)
netid=$("$cl" genesis --name eu-microcredentials \
	--authority "$auth,EU Micro-Credential Consortium,BE" --out genesis.cl)
tell "network id $netid"

say "A partner's node joins it and starts serving."
"$node" init --data node --genesis genesis.cl >/dev/null
"$node" run --data node --listen 127.0.0.1:0 >ready.txt 2>node.log &
node_pid=$!
for _ in $(seq 100); do
	grep -q '^ready ' ready.txt 2>/dev/null && break
	kill -0 "$node_pid" 2>/dev/null || { cat node.log >&2; exit 1; }
	sleep 0.1
done
grep -q '^ready ' ready.txt || { echo "demo.sh: node not ready" >&2; exit 1; }
addr=$(sed -n 's/^ready client=\([^ ]*\).*/\1/p' ready.txt)
export CREDLEDGER_NODE=$addr
tell "credledger-node listens on $addr (log: $dir/node.log)"

say "The consortium accredits three schools, each with its own issuer key."
accredit() {	# key-file org-id name country
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

say "The Köln academy defines a micro-credential, with real ESCO skills."
skills=$(awk -F '\t' '$2 == "use rigging tools" || $2 == "rig loads" ||
	$2 == "operate hoists" || $2 == "draw up risk assessment" ||
	$2 == "follow safety procedures when working at heights" {
	printf "%s\"%s\"", sep, $1; sep = ", " }' "$samples/esco-skills.tsv")
[ -n "$skills" ] || { echo "demo.sh: no rigging skills found" >&2; exit 1; }
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
tell "micro-credential: Stage rigging (EQF 4, 2.5 ECTS, 60 hours)"
tell "achievement id $ach"

say "The academy issues it to a learner, Maria, who moves to Estonia."
"$cl" issue --key koeln.key --achievement "$ach" \
	--holder-id "maria.schneider@example.de" --document "$document" \
	--grade "passed with distinction" --supervision onsite-id \
	--local-ref "BTA-2026-0417" >issued.txt
cred=$(sed -n 1p issued.txt)
salt=$(sed -n 's/^salt //p' issued.txt)
tell "credential id $cred"
tell "the ledger holds a salted hash of Maria's identity (the salt $salt"
tell "goes to her with the document) and the SHA-256 of her document,"
tell "$(basename "$document"); no personal data"

say "An employer in Tallinn checks it, by id and by the document file."
"$cl" verify --credential "$cred" | sed 's/^/   /'
"$cl" verify --document "$document" | head -n 1 | sed 's/^/   /'

say "The academy finds the exam was not supervised as declared: it revokes."
"$cl" revoke --key koeln.key --credential "$cred" --reason-code 4 \
	--reason "assessment irregularity: exam not supervised as declared" \
	>/dev/null
tell "REVOKE accepted by the node"
set +e
"$cl" verify --credential "$cred" | sed 's/^/   /'
rc=${PIPESTATUS[0]}
set -e
[ "$rc" -eq 1 ] || { echo "demo.sh: verify exited $rc, not 1" >&2; exit 1; }

say "What the node holds."
"$cl" status | sed 's/^/   /'
stop_node
tell "node stopped; the network is in $dir"
printf '\nDone: issued, verified valid, revoked, verified revoked.\n'
