#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's first command: installs what is missing, builds, and runs
# the federation (deploy/federation.sh): three real nodes on 127.0.0.1 in
# three countries, linked by gossip; credentials issued on one, verified
# from another, one revoked and seen revoked on all, and an audit of one
# node's log.  The nodes are left running; the last lines say how to stop
# them.  (deploy/demo.sh is the same story on a single node.)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

"$top/deploy/deps.sh"
cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$top/build" -j"$(nproc)" --target credledger credledger-node \
	>/dev/null
exec bash "$top/deploy/federation.sh" "$top/build"
