#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's first command: installs what is missing, builds, and runs the
# demonstration (deploy/demo.sh): a real node, and the credledger command
# walking a credential from accreditation to issuance, verification by id
# and by document, revocation, and verification again.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

"$top/deploy/deps.sh"
cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$top/build" -j"$(nproc)" --target credledger credledger-node \
	>/dev/null
exec bash "$top/deploy/demo.sh" "$top/build"
