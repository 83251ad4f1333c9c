#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The container files, checked as far as a machine with no container
# engine allows.  There is no docker daemon here, so no image is built and
# no container runs; instead:
#  - the Dockerfile: two debian:bookworm stages; the build stage runs
#    deploy/package.sh, the script CI's package test builds with; the image
#    installs that .deb with apt-get, runs as the package's user (not
#    root), keeps its data in a volume, and checks its health on the HTTP
#    port's /v1/status; every file it copies exists;
#  - compose.yaml: `docker-compose config` (Debian's docker-compose, which
#    validates without a daemon; installed when missing and root), three
#    nodes, each peering with the other two's fixed addresses;
#  - what runs inside: the compose file's one-shot genesis script and the
#    image's entry point, run here with the build's binaries as the
#    compose file runs them (three nodes, peers from CL_PEERS, ports of
#    the OS's choosing), then the HEALTHCHECK command against each; they
#    must gossip an event to all three.  Stopped by their PIDs.
#
#	bash tests/container/test_container.sh [BUILD_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
dir=$top/deploy/container
df=$dir/Dockerfile
pass=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
fail() { echo "test_container: FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d /tmp/credledger-container-test.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
	echo "# a container engine answers: build the image with" \
	    "docker build -f deploy/container/Dockerfile ."
else
	echo "# no container engine here (docker info fails): nothing is" \
	    "built or run in a container"
fi

# The Dockerfile, by its instructions (continuation lines joined).
sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$df" | grep -v '^ *#' |
	grep -v '^ *$' >"$tmp/df"
[ "$(grep -c '^FROM debian:bookworm' "$tmp/df")" -eq 2 ] &&
	[ "$(grep -c '^FROM ' "$tmp/df")" -eq 2 ] ||
	fail "not two debian:bookworm stages"
grep -q '^FROM debian:bookworm AS build$' "$tmp/df" ||
	fail "no build stage"
grep -qE '^RUN bash deploy/package.sh ' "$tmp/df" ||
	fail "the build stage does not run deploy/package.sh"
grep -qE 'bash "\$top/deploy/package.sh"' "$top/tests/package/test_deb.sh" ||
	fail "CI's package test does not build with deploy/package.sh"
ok "multi-stage on debian:bookworm; the package is built by deploy/package.sh, as in CI"
grep -qE '^RUN .*apt-get install .*/tmp/credledger_\*\.deb' "$tmp/df" ||
	fail "the image does not apt-get install the package"
user=$(sed -n 's/^USER //p' "$tmp/df" | tail -n 1)
[ -n "$user" ] && [ "$user" != root ] && [ "$user" != 0 ] ||
	fail "the image runs as root"
grep -q 'useradd --system --gid credledger' "$top/deploy/debian/postinst" ||
	fail "the package does not make the user $user"
grep -qx 'VOLUME \["/var/lib/credledger"\]' "$tmp/df" || fail "no data volume"
hc=$(sed -n 's/^HEALTHCHECK .* CMD //p' "$tmp/df")
case $hc in *"http://127.0.0.1:8080/v1/status"*) ;;
	*) fail "the health check does not ask /v1/status: $hc";; esac
grep -q 'CL_HTTP:-0.0.0.0:8080' "$dir/entrypoint.sh" ||
	fail "the entry point's HTTP port is not the health check's"
ok "apt-get installs the .deb; USER $user; VOLUME /var/lib/credledger; HEALTHCHECK on /v1/status"
while read -r src; do
	[ -e "$top/$src" ] || fail "COPY $src: no such file"
done < <(grep '^COPY ' "$tmp/df" | grep -v -- '--from=' |
	sed -n 's/^COPY \(--chmod=[0-7]* \)\{0,1\}\([^ .][^ ]*\) .*/\2/p')
[ -x "$dir/entrypoint.sh" ] || fail "entrypoint.sh is not executable"
ok "every file the Dockerfile copies exists"

# The compose file.
if ! command -v docker-compose >/dev/null 2>&1; then
	[ "$(id -u)" -eq 0 ] || fail "docker-compose is missing"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends docker-compose >/dev/null
fi
(cd "$top" && docker-compose -f deploy/container/compose.yaml config \
	>"$tmp/compose.yaml") || fail "docker-compose config"
ok "docker-compose config: valid ($(docker-compose version --short))"
python3 - "$tmp/compose.yaml" "$tmp" <<'EOF' || fail "compose.yaml: see above"
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
s = c["services"]
nodes = sorted(n for n in s if n.startswith("node-"))
assert nodes == ["node-be", "node-de", "node-ee"], nodes
addr = {n: s[n]["networks"]["federation"]["ipv4_address"] for n in nodes}
for n in nodes:
    peers = set(p.rsplit(":", 1)[0] for p in
                s[n]["environment"]["CL_PEERS"].split())
    want = set(a for m, a in addr.items() if m != n)
    assert peers == want, (n, peers, want)
    assert s[n]["depends_on"]["genesis"]["condition"] == \
        "service_completed_successfully", n
    vols = [v["target"] if isinstance(v, dict) else v.split(":")[1]
            for v in s[n]["volumes"]]
    assert "/var/lib/credledger" in vols and "/network" in vols, (n, vols)
    assert s[n]["environment"]["CL_GENESIS"] == "/network/genesis.cl"
    assert s[n].get("read_only") is True and "ALL" in s[n]["cap_drop"]
# the one-shot's script, for running here: compose reads $$ as $
script = s["genesis"]["entrypoint"][2].replace("$$", "$")
open(sys.argv[2] + "/genesis.sh", "w").write(
    script.replace("/network", sys.argv[2] + "/network"))
EOF
ok "three nodes, each peering with the other two, after the genesis one-shot; read-only, no capabilities"

# What runs inside, run here.
export PATH="$build/tools:$build/node:$PATH"
mkdir "$tmp/network"
sh -ec "$(cat "$tmp/genesis.sh")" >/dev/null || fail "the genesis one-shot"
sh -ec "$(cat "$tmp/genesis.sh")" >/dev/null || fail "the one-shot, again"
[ -s "$tmp/network/genesis.cl" ] || fail "no genesis.cl"
ok "the compose file's genesis one-shot makes genesis.cl (and again: no-op)"
ep=$dir/entrypoint.sh
[ "$(sh "$ep" credledger --version | cut -d' ' -f1)" = credledger ] ||
	fail "the entry point does not run a given command"
rc=0
CL_GENESIS=$tmp/none sh "$ep" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q 'no genesis at' "$tmp/err" ||
	fail "a missing genesis: exit $rc"
ok "the entry point runs a command given, and refuses a missing genesis"
start() {	# NAME PEERS
	CL_GENESIS=$tmp/network/genesis.cl CL_DATA=$tmp/$1-data \
	CL_CONFIG=$top/deploy/credledger-node.ini CL_LISTEN=127.0.0.1:0 \
	CL_GOSSIP=127.0.0.1:0 CL_HTTP=127.0.0.1:0 CL_PEERS=$2 \
		sh "$ep" >"$tmp/$1.ready" 2>"$tmp/$1.log" &
	pids+=($!)
	for _ in $(seq 100); do
		grep -q '^ready ' "$tmp/$1.ready" && return 0
		sleep 0.1
	done
	cat "$tmp/$1.log" >&2
	fail "node $1 (the entry point) is not ready"
}
f() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" "$tmp/$1.ready"; }
start de ""
start be "$(f de gossip)"
start ee "$(f de gossip) $(f be gossip)"
for n in de be ee; do
	# the image's health check, on this node's HTTP address
	sh -c "${hc//127.0.0.1:8080/$(f "$n" http)}" ||
		fail "the health check fails on node $n"
done
ok "three entry points running, the HEALTHCHECK command passes on each"
credledger keygen --out "$tmp/school.key" --no-passphrase >/dev/null
credledger accredit --node "$(sed -n 's/^ready client=\([^ ]*\).*/\1/p' \
	"$tmp/de.ready")" --key "$tmp/network/authority.key" \
	--issuer "$(credledger pubkey "$tmp/school.key")" --org-id X-1 \
	--name "Test School" --country EE >/dev/null
ee=$(sed -n 's/^ready client=\([^ ]*\).*/\1/p' "$tmp/ee.ready")
for _ in $(seq 100); do
	credledger status --node "$ee" | grep -q '^  ACCREDIT *1$' && break
	sleep 0.1
done
credledger status --node "$ee" | grep -q '^  ACCREDIT *1$' ||
	fail "an event submitted at node-de does not reach node-ee"
ok "an event submitted at one node reaches the others (CL_PEERS)"
echo "container: $pass passed, 0 failed"
