#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dtb_roundtrip.sh DTS_DIR [ROUNDTRIP_BINARY]
#
# For every DTS_DIR/*.dts that dtc compiles, and for a set of output
# options, compare `dtc -I dtb -O dtb OPTS x.dtb` with domc's blob reader
# and writer (tests/unit/dtb_roundtrip) given the same options. Blobs of
# the old versions are made by dtc and read back too. Prints
# "dtb-roundtrip: N/M identical" and fails on any mismatch.
#
# The roundtrip binary is built here unless given; DTC overrides dtc.
set -u

dir=${1:?usage: dtb_roundtrip.sh DTS_DIR [ROUNDTRIP_BINARY]}
top=$(cd "$(dirname "$0")/../.." && pwd)
DTC=${DTC:-dtc}
work=$(mktemp -d "${TMPDIR:-/tmp}/dtb-roundtrip.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

rt=${2:-}
if [ -z "$rt" ]; then
	rt=$work/dtb_roundtrip
	c=$top/compiler
	${CC:-gcc} -std=c11 -Wall -Wextra -D_GNU_SOURCE -O1 -g -I"$c" \
		-o "$rt" "$top/tests/unit/dtb_roundtrip.c" \
		"$c/arena.c" "$c/hmap.c" "$c/diag.c" "$c/srcpos.c" "$c/data.c" \
		"$c/tree.c" "$c/read_dtb.c" "$c/emit_dtb.c" "$c/output.c" \
		"$c/threads.c" -lfdt -pthread || exit 1
fi

# Output option sets, each applied to every input blob.
OPTSETS="-V17|-V16|-V3|-V2|-V1|-R3|-S4096|-S16|-p100|-a64|-R2 -p7 -a8|-V1 -a16|-V3 -R1"
# How the input blobs are made from each source (versions, padding,
# empty reserve slots that the reader must stop at).
INSETS="-V17|-V16|-V3|-V2|-V1|-V17 -R2 -p64|-V1 -R1 -a32"

total=0
same=0
failed=0

compare() {	# input.dtb "opts" tag
	total=$((total + 1))
	# shellcheck disable=SC2086
	if ! "$DTC" -q -I dtb -O dtb $2 -o "$work/want.dtb" "$1" 2>/dev/null; then
		total=$((total - 1))	# dtc refuses it too: nothing to compare
		return
	fi
	# shellcheck disable=SC2086
	if "$rt" $2 "$1" >"$work/got.dtb" 2>"$work/err" &&
	   cmp -s "$work/want.dtb" "$work/got.dtb"; then
		same=$((same + 1))
		return
	fi
	failed=$((failed + 1))
	echo "MISMATCH: $3 [$2]" >&2
	sed 's/^/  /' "$work/err" >&2
}

for dts in "$dir"/*.dts; do
	[ -e "$dts" ] || continue
	base=$(basename "$dts" .dts)
	src=$work/$base.dtb
	"$DTC" -q -I dts -O dtb -o "$src" "$dts" 2>/dev/null || continue
	[ -n "${seed:-}" ] || seed=$base
	oldifs=$IFS
	IFS='|'
	n=0
	for inopts in $INSETS; do
		IFS=$oldifs
		n=$((n + 1))
		in=$work/$base.in$n.dtb
		# shellcheck disable=SC2086
		"$DTC" -q -I dtb -O dtb $inopts -o "$in" "$src" 2>/dev/null ||
			continue
		IFS='|'
		for opts in $OPTSETS; do
			IFS=$oldifs
			compare "$in" "$opts" "$base [$inopts]"
		done
	done
	IFS=$oldifs
done

echo "dtb-roundtrip: $same/$total identical"

vg=
if command -v valgrind >/dev/null 2>&1; then
	vg="valgrind -q --error-exitcode=99"
fi
hostile_bad=0
for n in 1 2 3 4 5 6 7; do
	in=$work/${seed:-none}.in$n.dtb
	[ -e "$in" ] || continue
	$vg "$rt" -H "$in" >"$work/hostile" 2>"$work/err"
	rc=$?
	sed "s|$work/||" "$work/hostile"
	if [ $rc -ne 0 ]; then
		hostile_bad=$((hostile_bad + 1))
		sed 's/^/  /' "$work/err" >&2
	fi
done

[ "$failed" -eq 0 ] && [ "$total" -gt 0 ] && [ "$hostile_bad" -eq 0 ]
