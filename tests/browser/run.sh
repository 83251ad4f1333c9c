#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The browser test: install playwright-core (pinned, package-lock.json)
# from the npm registry, then drive Debian's chromium headless against a
# real node (page.test.mjs).  Usage: run.sh [BUILD]; screenshots go to
# BUILD/browser-artifacts.  CL_BROWSER=0 skips it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
if [ "${CL_BROWSER:-1}" = 0 ]; then
	echo "browser test: skipped (CL_BROWSER=0)"
	exit 0
fi
for need in node npm /usr/bin/chromium; do
	command -v "$need" >/dev/null 2>&1 || {
		echo "browser test: $need is missing (apt-get install" \
		    "chromium nodejs npm, or CL_BROWSER=0 to skip)" >&2
		exit 1
	}
done
cd "$here"
if [ ! -d node_modules/playwright-core ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi
export CL_BUILD=$build
export CL_ARTIFACTS=${CL_ARTIFACTS:-$build/browser-artifacts}
node --test --test-concurrency=1 page.test.mjs
echo "browser test: screenshots in $CL_ARTIFACTS"
