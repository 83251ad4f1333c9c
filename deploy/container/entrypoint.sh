#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The image's entry point: initialise the data directory from the
# network's genesis (idempotent: an existing one of the same network is
# left as it is), then run the node with its three ports on every
# interface of the container.  With a first argument that is not an
# option, runs that command instead (e.g. `credledger status`).
#
# Environment: CL_GENESIS (/etc/credledger/genesis.cl), CL_DATA
# (/var/lib/credledger), CL_CONFIG (/etc/credledger/credledger-node.ini),
# CL_LISTEN (0.0.0.0:7400), CL_GOSSIP (0.0.0.0:7401), CL_HTTP
# (0.0.0.0:8080), CL_PEERS ("[KEY@]HOST:PORT ..."); other arguments go to
# `credledger-node run`.
set -eu
case ${1:-} in
"" | -*) ;;
*) exec "$@" ;;
esac
data=${CL_DATA:-/var/lib/credledger}
genesis=${CL_GENESIS:-/etc/credledger/genesis.cl}
if [ ! -r "$genesis" ]; then
	echo "credledger-entrypoint: no genesis at $genesis: mount the" \
		"network's genesis.cl there, or set CL_GENESIS" >&2
	exit 2
fi
credledger-node init --data "$data" --genesis "$genesis" >&2
peers=${CL_PEERS:-}
for p in $peers; do
	set -- "$@" --peer "$p"
done
exec credledger-node run --config \
	"${CL_CONFIG:-/etc/credledger/credledger-node.ini}" --data "$data" \
	--listen "${CL_LISTEN:-0.0.0.0:7400}" \
	--gossip "${CL_GOSSIP:-0.0.0.0:7401}" \
	--http "${CL_HTTP:-0.0.0.0:8080}" "$@"
