#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's first command: installs what is missing, builds, and walks a
# credential from issuance to verification and revocation.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
samples=${CL_SAMPLES:-$top/../shared/samples}

"$top/deploy/deps.sh"
cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$top/build" -j"$(nproc)" --target credledger credledger-bench
exec "$top/build/tools/credledger" demo --samples "$samples"
