#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/emit_write.sh DOMC: a blob streamed to a file that cannot grow.
#
# The file size limit (ulimit -f, with SIGXFSZ ignored so that write()
# fails with EFBIG) stops the blob of a tree of 75,000 nodes (5.5 MB) part
# way, at a fifth (in the head) and at four fifths (in the later part,
# several chunks written by the helper thread), with the structure block
# flattened in one walk (DOMC_THREADS=0) and in two (DOMC_THREADS=2). Each
# run must exit 1 with the one message of a failed write, the same for
# both, and leave neither the output nor a temporary file behind; without
# a limit both must give the same blob.
# Output: a line per failure, then "N passed, N failed".

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

if [ $# -ne 1 ]; then
	echo "usage: $0 DOMC" >&2
	exit 2
fi
DOMC=$(t_tool "$1")
t_init

# bus@N nodes of 25 devices, each with properties of a few names
awk 'BEGIN {
	print "/dts-v1/;\n/ {\n\t#address-cells = <1>;\n\t#size-cells = <1>;"
	for (b = 0; b < 3000; b++) {
		printf "\tbus@%x {\n\t\tcompatible = \"simple-bus\";\n", b
		for (d = 0; d < 25; d++) {
			printf "\t\tdev@%x {\n\t\t\treg = <%d 16>;\n", d, d
			printf "\t\t\tvendor,prop-%d = \"x\";\n", (b * 25 + d) % 97
			print "\t\t\tstatus = \"okay\";\n\t\t};"
		}
		print "\t};"
	}
	print "};"
}' >"$WORK/in.dts"

# run NAME LIMIT THREADS: compile under a file size limit of LIMIT blocks
run() {
	mkdir -p "$WORK/$1"
	(
		trap '' XFSZ
		ulimit -f "$2"
		DOMC_THREADS=$3 "$DOMC" -q -o "$WORK/$1/out.dtb" "$WORK/in.dts"
	) >/dev/null 2>"$WORK/$1.err"
	echo $? >"$WORK/$1.rc"
}

# fails NAME: exit 1, the write's message, an empty directory
fails() {
	rc=$(cat "$WORK/$1.rc")
	left=$(ls -A "$WORK/$1")
	if [ "$rc" != 1 ]; then
		t_fail "$1: exit $rc (want 1): $(head -1 "$WORK/$1.err")"
	elif ! grep -q 'error: cannot write ".*/out.dtb": File too large$' \
		"$WORK/$1.err"; then
		t_fail "$1: message: $(head -1 "$WORK/$1.err")"
	elif [ -n "$left" ]; then
		t_fail "$1: left behind: $left"
	else
		t_pass
	fi
}

run fits-0 unlimited 0
run fits-2 unlimited 2
rc0=$(cat "$WORK/fits-0.rc")
rc2=$(cat "$WORK/fits-2.rc")
if [ "$rc0" != 0 ] || [ "$rc2" != 0 ]; then
	t_fail "no limit: exit $rc0 / $rc2"
elif ! cmp -s "$WORK/fits-0/out.dtb" "$WORK/fits-2/out.dtb"; then
	t_fail "no limit: the blobs of one walk and two differ"
else
	t_pass
fi

# in 512-byte blocks
size=$(wc -c <"$WORK/fits-0/out.dtb")
for limit in $((size / 2560)) $((size * 4 / 2560)); do
	run "one-$limit" "$limit" 0
	run "two-$limit" "$limit" 2
	fails "one-$limit"
	fails "two-$limit"
	sed "s|/one-$limit/|/DIR/|" "$WORK/one-$limit.err" >"$WORK/one.err"
	sed "s|/two-$limit/|/DIR/|" "$WORK/two-$limit.err" >"$WORK/two.err"
	if cmp -s "$WORK/one.err" "$WORK/two.err"; then
		t_pass
	else
		t_fail "limit $limit: messages differ with the helper thread"
	fi
done
t_summary
