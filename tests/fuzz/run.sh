#!/bin/sh
# tests/fuzz/run.sh FUZZ_BUILD DOMC SECONDS [JOBS]: seed the corpora and run
# each libFuzzer harness (fuzz_dts, fuzz_dtb, fuzz_pipeline) for SECONDS.
#
# Seeds: every DTS under examples/ and tests/ (golden, domid, boot
# scenarios, hostile, fuzz regressions) and the blobs DOMC compiles from
# them. Corpora grow in FUZZ_BUILD/corpus/NAME across runs; crashes land in
# FUZZ_BUILD/artifacts/ (turn each into tests/fuzz/regressions/ and fix it).
# Prints one line per harness with libFuzzer's final coverage, then
# "N passed, N failed".
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
if [ $# -lt 3 ]; then
	echo "usage: $0 FUZZ_BUILD DOMC SECONDS [JOBS]" >&2
	exit 2
fi
FB=$(cd "$1" && pwd)
DOMC=$2
case $DOMC in /*) ;; *) DOMC=$ROOT/$DOMC ;; esac
SECS=$3
JOBS=${4:-1}
pass=0 fail=0

seeds() {
	s=$FB/seeds
	rm -rf "$s" && mkdir -p "$s/dts" "$s/dtb"
	i=0
	for f in "$ROOT"/examples/*.dts* "$ROOT"/tests/golden/*/*.dts \
		"$ROOT"/tests/domid/*.dts "$ROOT"/tests/boot/scenarios/*.dts \
		"$ROOT"/tests/hostile/*.dts "$ROOT"/tests/fuzz/regressions/*; do
		[ -f "$f" ] || continue
		# a seed over 64 KiB would only slow the fuzzer down
		[ "$(wc -c <"$f")" -le 65536 ] || continue
		i=$((i + 1))
		case $f in
		*.dtb) cp "$f" "$s/dtb/$i.dtb"; continue ;;
		*.dts | *.dtsi) ;;
		*) cp "$f" "$s/dtb/$i.bin"; continue ;;
		esac
		cp "$f" "$s/dts/$i.dts"
		(cd "$(dirname "$f")" &&
			timeout 20 "$DOMC" -q -q -f -O dtb -o "$s/dtb/$i.dtb" \
				"$(basename "$f")" 2>/dev/null) || rm -f "$s/dtb/$i.dtb"
	done
	for f in "$ROOT"/tests/golden/errors/*.dtb "$ROOT"/tests/hostile/*.dtb; do
		[ -f "$f" ] || continue
		i=$((i + 1))
		cp "$f" "$s/dtb/$i.dtb"
	done
}

run() {
	name=$1
	shift
	mkdir -p "$FB/corpus/$name" "$FB/artifacts"
	log=$FB/fuzz_$name.log
	par=""
	[ "$JOBS" -gt 1 ] && par="-fork=$JOBS -ignore_crashes=0"
	# shellcheck disable=SC2086
	(cd "$ROOT" && "$FB/fuzz_$name" -max_total_time="$SECS" \
		-dict="$HERE/dts.dict" -timeout=20 -rss_limit_mb=2560 \
		-max_len=65536 -print_final_stats=1 $par \
		-artifact_prefix="$FB/artifacts/$name-" \
		"$FB/corpus/$name" "$@") >"$log" 2>&1
	rc=$?
	cov=$(grep -E '#[0-9]+.*cov:' "$log" | tail -1 |
		sed 's/.*\(cov: [0-9]*\).*\(ft: [0-9]*\).*\(corp: [^ ]*\).*/\1 \2 \3/')
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		echo "fuzz $name: ${SECS}s, ${runs:-?} runs, $cov"
	else
		fail=$((fail + 1))
		echo "FAIL: fuzz $name: exit $rc, $cov; see $log and $FB/artifacts/"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -3
	fi
}

# replay: every regression through every harness first
replay() {
	set -- "$HERE"/regressions/*
	[ -f "$1" ] || return 0
	for name in dts dtb pipeline; do
		if (cd "$ROOT" && "$FB/fuzz_$name" "$@") >"$FB/replay_$name.log" 2>&1; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "FAIL: fuzz $name: a regression fails again; see $FB/replay_$name.log"
		fi
	done
}

seeds
replay
run dts "$FB/seeds/dts"
run dtb "$FB/seeds/dtb"
run pipeline "$FB/seeds/dts" "$FB/seeds/dtb"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
