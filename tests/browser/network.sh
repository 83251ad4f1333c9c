#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A network for the browser test, made with the credledger command as an
# operator would: a genesis, a node on 127.0.0.1 with its HTTP port, two
# accredited schools, a micro-credential in three languages, and
# credentials issued for sample documents: one valid, one revoked, one
# suspended.  Usage: network.sh BUILD DIR.  Writes DIR/network.json (what
# the test needs to know) and leaves the node running (pid in DIR/node.pid).
set -euo pipefail
build=$1
dir=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
samples=${CL_SAMPLES:-$top/../shared/samples}
cl="$build/tools/credledger"
node="$build/node/credledger-node"
docs=$samples/credentials
mkdir -p "$dir"
cd "$dir"

"$cl" keygen --out consortium.key --no-passphrase >/dev/null
auth=$("$cl" pubkey consortium.key)
"$cl" genesis --name eu-microcredentials \
	--authority "$auth,EU Micro-Credential Consortium,BE" \
	--out genesis.cl >/dev/null
"$node" init --data node --genesis genesis.cl >/dev/null
"$node" run --data node --listen 127.0.0.1:0 --http 127.0.0.1:0 \
	>ready.txt 2>node.log &
echo $! >node.pid
# a failure below leaves no node behind
trap 'kill "$(cat node.pid)" 2>/dev/null || true' ERR
for _ in $(seq 100); do
	grep -q '^ready ' ready.txt 2>/dev/null && break
	sleep 0.1
done
grep -q '^ready ' ready.txt || { cat node.log >&2; exit 1; }
export CREDLEDGER_NODE=$(sed -n 's/^ready client=\([^ ]*\).*/\1/p' ready.txt)
http=$(sed -n 's/.* http=\([^ ]*\).*/\1/p' ready.txt)

accredit() {	# key-file org-id name country qa
	"$cl" keygen --out "$1" --no-passphrase >/dev/null
	"$cl" accredit --key consortium.key --issuer "$("$cl" pubkey "$1")" \
		--org-id "$2" --name "$3" --country "$4" --qa "$5" >/dev/null
}
accredit koeln.key DE-HRB-20931 "Bühnentechnik-Akademie Köln" DE \
	"Zentralstelle für Fernunterricht (ZFU)"
accredit tartu.key EE-70008799 "Tartu Kutsehariduskeskus" EE \
	"EKKA institutional accreditation"

skills=$(awk -F '\t' '$2 == "use rigging tools" || $2 == "rig loads" ||
	$2 == "operate hoists" { printf "%s\"%s\"", sep, $1; sep = ", " }' \
	"$samples/esco-skills.tsv")
cat >rigging.json <<JSON
{
  "title": {"de": "Bühnenrigging: sicheres Anschlagen und Heben von Lasten",
            "en": "Stage rigging: safe suspension and lifting of loads",
            "et": "Lavariggimine: koormate ohutu riputamine ja tõstmine"},
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
JSON
ach=$("$cl" define --key koeln.key --file rigging.json)

issue() {	# document holder -> credential id
	"$cl" issue --key koeln.key --achievement "$ach" --holder-id "$2" \
		--document "$1" --grade "passed" --supervision onsite-id \
		--valid-until 2099-12-31 | sed -n 1p
}
valid_doc=$docs/elm-v3-edc-credential-sample.jsonld
revoked_doc=$docs/ob3-simple-teamwork-badge.json
suspended_doc=$docs/ob3-complete-degree.json
unissued_doc=$docs/blockcerts-v3.0-example.json
valid=$(issue "$valid_doc" maria.schneider@example.de)
revoked=$(issue "$revoked_doc" jonas.weber@example.de)
suspended=$(issue "$suspended_doc" lea.fischer@example.de)
"$cl" revoke --key koeln.key --credential "$revoked" --reason-code 4 \
	--reason "assessment irregularity: exam not supervised as declared" \
	>/dev/null
"$cl" suspend --key koeln.key --credential "$suspended" \
	--reason "under review after a complaint" >/dev/null

cat >network.json <<JSON
{
  "http": "http://$http",
  "achievement": "$ach",
  "valid": "$valid",
  "revoked": "$revoked",
  "suspended": "$suspended",
  "valid_doc": "$valid_doc",
  "revoked_doc": "$revoked_doc",
  "unissued_doc": "$unissued_doc"
}
JSON
