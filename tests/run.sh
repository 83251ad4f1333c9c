#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The README's second command: the whole test suite.  Unit and property
# tests in a normal build, the partition test in network namespaces, the
# tests again under AddressSanitizer + UBSan, the browser test of the
# verification page (CL_BROWSER=0 skips it), then each libFuzzer target
# for CL_FUZZ_SECONDS (default 60).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
fuzz_seconds=${CL_FUZZ_SECONDS:-60}
export CL_SAMPLES=${CL_SAMPLES:-$top/../shared/samples}

"$top/deploy/deps.sh"

echo "== build and test (RelWithDebInfo)"
cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$top/build" -j"$jobs"
ctest --test-dir "$top/build" --output-on-failure -j"$jobs"

# Five nodes in network namespaces, split 2|3 and healed (root: skipped,
# saying so, where namespaces cannot be made).
echo "== partition test (network namespaces)"
bash "$top/tests/netns/partition.sh" "$top/build"

echo "== build and test (AddressSanitizer + UBSan)"
cmake -S "$top" -B "$top/build-asan" -DCMAKE_BUILD_TYPE=Debug \
	-DCL_SANITIZE=ON >/dev/null
cmake --build "$top/build-asan" -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --test-dir "$top/build-asan" --output-on-failure -j"$jobs"

# The verification page in Debian's chromium against a real node
# (tests/browser/; CL_BROWSER=0 skips it).  Screenshots in
# build/browser-artifacts/.
echo "== browser test (headless chromium)"
bash "$top/tests/browser/run.sh" "$top/build"

if [ "$fuzz_seconds" -gt 0 ]; then
	echo "== fuzz (${fuzz_seconds}s per target)"
	CC=clang cmake -S "$top" -B "$top/build-fuzz" \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCL_FUZZ=ON >/dev/null
	cmake --build "$top/build-fuzz" -j"$jobs" --target fuzz_event \
		fuzz_bundle fuzz_genesis fuzz_wire fuzz_gossip mkseeds
	bash "$top/tests/fuzz/run.sh" "$top/build-fuzz" "$fuzz_seconds"
fi
echo "== all tests passed"
