#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the Debian package: the build dependencies, a RelWithDebInfo
# build (the one tests/run.sh makes and tests), then `cpack -G DEB`.  CI
# (tests/package/test_deb.sh) and the container image
# (deploy/container/Dockerfile) both make the package with this script.
# Prints the path of the .deb.
#
#	bash deploy/package.sh [BUILD_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}

bash "$top/deploy/deps.sh" build >&2
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# credledger-bench too: tools/ installs it (CPack leaves it out again)
cmake --build "$build" -j"$(nproc)" --target credledger credledger-node \
	credledger-bench cl_man >/dev/null
rm -f "$build"/credledger_*.deb
(cd "$build" && cpack -G DEB) >&2
ls "$build"/credledger_*.deb
