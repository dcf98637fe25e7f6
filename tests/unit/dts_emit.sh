#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dts_emit.sh DIR: for each DIR/*.dts that dtc compiles, make a blob with
# dtc, then check that dts_emit_test prints exactly what `dtc -I dtb -O dts`
# prints, and that its text compiles back to the same blob bytes.
#
# A text difference still counts as identical when dtc's own text does not
# compile back to the blob (dtc 1.6.1 writes a NUL before a digit 0-7 as
# "\0", which reads back as another octal escape) and ours does; those are
# listed separately.
#
# DTS_EMIT_TEST names a prebuilt dts_emit_test; otherwise it is built here.
# Exit status: 0 when every case is identical, 1 otherwise, 2 on misuse.

set -u

dir=${1:-}
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi

top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/dts_emit.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

prog=${DTS_EMIT_TEST:-}
if [ -z "$prog" ]; then
	prog=$tmp/dts_emit_test
	c=$top/compiler
	if ! gcc -std=c11 -O1 -D_GNU_SOURCE -I"$c" -o "$prog" \
		"$top/tests/unit/dts_emit_test.c" "$c/arena.c" "$c/hmap.c" \
		"$c/diag.c" "$c/srcpos.c" "$c/data.c" "$c/tree.c" "$c/read_dtb.c" \
		"$c/emit_dts.c" "$c/output.c" -lfdt; then
		echo "dts-emit: cannot build dts_emit_test" >&2
		exit 2
	fi
fi

total=0
same=0
lossy=""
bad=""
skipped=0

for src in "$dir"/*.dts; do
	[ -f "$src" ] || continue
	name=$(basename "$src" .dts)
	blob=$tmp/in.dtb
	if ! dtc -q -I dts -O dtb -o "$blob" "$src" >/dev/null 2>&1 ||
	   ! dtc -q -I dtb -O dts -o "$tmp/ref.dts" "$blob" >/dev/null 2>&1
	then
		skipped=$((skipped + 1))
		continue
	fi
	total=$((total + 1))
	if ! "$prog" "$blob" >"$tmp/out.dts" 2>"$tmp/err"; then
		bad="$bad $name(failed)"
		continue
	fi
	rt_ok=no
	if dtc -f -q -I dts -O dtb -o "$tmp/rt.dtb" "$tmp/out.dts" \
		>/dev/null 2>&1 && cmp -s "$blob" "$tmp/rt.dtb"; then
		rt_ok=yes
	fi
	ref_rt=no
	if dtc -f -q -I dts -O dtb -o "$tmp/rrt.dtb" "$tmp/ref.dts" \
		>/dev/null 2>&1 && cmp -s "$blob" "$tmp/rrt.dtb"; then
		ref_rt=yes
	fi
	if cmp -s "$tmp/ref.dts" "$tmp/out.dts"; then
		if [ $rt_ok = yes ] || [ $ref_rt = no ]; then
			same=$((same + 1))
		else
			bad="$bad $name(round-trip)"
		fi
	elif [ $ref_rt = no ] && [ $rt_ok = yes ]; then
		same=$((same + 1))
		lossy="$lossy $name"
	else
		bad="$bad $name"
		if [ -n "${VERBOSE:-}" ]; then
			diff "$tmp/ref.dts" "$tmp/out.dts" | head -20
		fi
	fi
done

echo "dts-emit: $same/$total identical ($skipped skipped: dtc cannot compile)"
[ -n "$lossy" ] &&
	echo "dts-emit: dtc's text is lossy, domc's round trip exact:$lossy"
if [ -n "$bad" ]; then
	echo "dts-emit: MISMATCH:$bad"
	exit 1
fi
exit 0
