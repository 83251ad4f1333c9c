#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Run the libFuzzer targets of a CL_FUZZ=ON build; builds nothing.
#
#	bash tests/fuzz/run.sh BUILD_DIR [SECONDS]
#
# Regenerates the seed corpus with mkseeds, then runs fuzz_event,
# fuzz_genesis and fuzz_bundle in turn for SECONDS each (default 60).
# In BUILD_DIR: fuzz-seeds/<target> (regenerated every run),
# fuzz-corpus/<target> (what the fuzzers found; kept between runs),
# fuzz-logs/<target>.log, and fuzz-artifacts/<target>-crash-… for every
# crash, leak, timeout or sanitizer report.  Prints one line per fuzzer and
# exits 1 if any of them failed, 2 on a usage or setup error.
set -u

usage() {
	echo "usage: bash tests/fuzz/run.sh BUILD_DIR [SECONDS]" >&2
	exit 2
}

# Inputs may be up to a little over each decoder's limit, to reach the
# "too big" paths: an event is at most CL_EVENT_MAX (16384) bytes, a
# genesis CL_GENESIS_MAX (65536); bundles are many events.
max_len() {
	case $1 in
	fuzz_event) echo 20000 ;;
	fuzz_genesis) echo 70000 ;;
	fuzz_bundle) echo 300000 ;;
	fuzz_wire) echo 70000 ;;
	fuzz_gossip) echo 70000 ;;
	esac
}

# The last value of "name: value" in a libFuzzer log.
lastnum() {
	grep -oE "$1: *[0-9]+" "$2" | tail -n 1 | grep -oE '[0-9]+$'
}

# Seeds of fuzz_wire: one request of each op and a few answers, the first
# byte saying what to decode (0 a request, else the op answered).
wire_seeds() {
	mkdir -p "$1" || exit 2
	printf '\x00\x91\x06' >"$1/req-status"
	printf '\x00\x91\x07' >"$1/req-genesis"
	printf '\x00\x92\x02\xc4\x20%032d' 0 >"$1/req-credential"
	printf '\x00\x92\x05\xc4\x20%032d' 7 >"$1/req-head"
	printf '\x00\x93\x01\x01\x92\xc4\x03abc\xc4\x01z' >"$1/req-submit"
	printf '\x01\x92\x00\x91\x97\x00\x00\xc0\x00\x05\x00\xc0' \
	    >"$1/ans-submit"
	printf '\x02\x92\x00\x93\x02\x00\xc4\x02\x91\xc0' >"$1/ans-cred"
	printf '\x04\x92\x00\x92\x91\xc4\x20%032d\x01' 3 >"$1/ans-ids"
	printf '\x05\x92\x00\x93\x03\xc0\x00' >"$1/ans-head"
	printf '\x06\x92\x1c\xa4busy' >"$1/ans-error"
}

# Seeds of fuzz_gossip: one peer message of each shape.
gossip_seeds() {
	mkdir -p "$1" || exit 2
	printf '\x93\x01\xae127.0.0.1:7500\x05' >"$1/hello"
	printf '\x92\x02\xc4\x20%032d' 0 >"$1/state"
	printf '\x91\x03' >"$1/buckets-req"
	printf '\x92\x05\xc4\x20%032d' 1 >"$1/heads-req"
	printf '\x92\x06\x91\x94\xc4\x20%032d\x07\x00\x00' 2 >"$1/heads"
	printf '\x94\x07\xc4\x20%032d\x01\xcd\x03\xe8' 3 >"$1/pull"
	printf '\x92\x09\x92\xc4\x02ab\xc4\x01c' >"$1/events"
	printf '\x92\x0a\x91\x92\xc4\x20%032d\x09' 4 >"$1/announce"
	printf '\x92\x0b\x91\xae127.0.0.1:7501' >"$1/peers"
}

# All in a function: bash reads a script as it runs, so editing this file
# under a running fuzz job must not change what the job does.
main() {
	[ $# -ge 1 ] && [ $# -le 2 ] || usage
	build=$1
	secs=${2:-60}
	case $secs in
	'' | *[!0-9]*) usage ;;
	esac
	if [ ! -d "$build" ]; then
		echo "run.sh: $build: no such directory" >&2
		exit 2
	fi
	build=$(cd "$build" && pwd)
	here=$(cd "$(dirname "$0")" && pwd)
	bin=$build/tests/fuzz
	targets="fuzz_event fuzz_genesis fuzz_bundle fuzz_wire fuzz_gossip"

	for t in mkseeds $targets; do
		if [ ! -x "$bin/$t" ]; then
			echo "run.sh: $bin/$t missing; configure with" \
			    "CC=clang -DCL_FUZZ=ON and build --target" \
			    "fuzz_event fuzz_bundle fuzz_genesis fuzz_wire" \
			    "fuzz_gossip mkseeds" >&2
			exit 2
		fi
	done

	seeds=$build/fuzz-seeds
	corpus=$build/fuzz-corpus
	logs=$build/fuzz-logs
	artifacts=$build/fuzz-artifacts
	rm -rf "$seeds"
	mkdir -p "$corpus" "$logs" "$artifacts" || exit 2
	if ! "$bin/mkseeds" "$seeds/event" "$seeds/bundle" "$seeds/genesis" \
	    >"$logs/mkseeds.log" 2>&1; then
		cat "$logs/mkseeds.log" >&2
		echo "run.sh: mkseeds failed" >&2
		exit 2
	fi

	wire_seeds "$seeds/wire"
	gossip_seeds "$seeds/gossip"

	export ASAN_OPTIONS=detect_leaks=1
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

	status=0
	for t in $targets; do
		kind=${t#fuzz_}
		log=$logs/$t.log
		mkdir -p "$corpus/$kind"
		# saved crashes are replayed first, so a fixed bug stays fixed
		extra=
		[ -d "$here/regress/$kind" ] && extra=$here/regress/$kind
		before=$(ls "$artifacts" | grep -c "^$t-")
		"$bin/$t" -max_total_time="$secs" -max_len="$(max_len "$t")" \
		    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
		    -artifact_prefix="$artifacts/$t-" \
		    "$corpus/$kind" "$seeds/$kind" $extra >"$log" 2>&1
		rc=$?
		after=$(ls "$artifacts" | grep -c "^$t-")
		execs=$(lastnum 'stat::number_of_executed_units' "$log")
		speed=$(lastnum 'stat::average_exec_per_sec' "$log")
		cov=$(lastnum 'cov' "$log")
		ft=$(lastnum 'ft' "$log")
		corp=$(ls "$corpus/$kind" | wc -l)
		result=ok
		bad='ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer'
		bad="$bad|UndefinedBehaviorSanitizer)|runtime error:"
		bad="$bad|invariant broken"
		if [ "$rc" -ne 0 ] || [ "$after" -ne "$before" ] ||
		    grep -qE "$bad" "$log"; then
			why=$(grep -m 1 -E "$bad" "$log" | cut -c 1-100)
			result="FAILED (rc=$rc: ${why:-no report}; see $log"
			result="$result and $artifacts/$t-*)"
			status=1
		fi
		printf '%-13s execs=%s (%s/s) cov=%s ft=%s corpus=%s %s\n' \
		    "$t" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" \
		    "$corp" "$result"
	done
	exit $status
}

main "$@"
