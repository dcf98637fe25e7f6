#!/bin/sh
# tests/hostile.sh DOMC: hostile inputs must fail cleanly.
#
# Every tests/hostile/NAME.dts or NAME.dtb is compiled with
# "-o OUTDIR/out.dtb" from inside tests/hostile; NAME.expect's first line
# is the first "error:" line domc must print (@FILE@: the input's name),
# and the run must exit 1 and leave OUTDIR empty. An expectation of
# "compiles" means dtc 1.6.1 accepts the input too: exit 0 and an output;
# "dtc-bytes" (a domc check turned off in NAME.flags) also needs that
# output to be dtc's ($DTC, default dtc) byte for byte.
# NAME.flags, if present, holds extra options for that input.
# Inputs too big or too special to commit (100,000 nested nodes, a 100 MB
# property, a FIFO, a sparse 2 GiB file, ...) are made here at test time.
# Then every file in tests/fuzz/regressions/ (inputs that once crashed or
# hung domc) must exit 0 or 1 with and without options, and with the
# lexer on its own thread (DOMC_THREADS=2).
#
# A sanitizer report (make check SANITIZE=1) or a valgrind error (DOMC is
# tests/valgrind-domc.sh, exit 99) fails the test. Prints one line per
# failure, then "hostile: N passed, N failed"; exits 1 on any failure.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

if [ $# -ne 1 ]; then
	echo "usage: $0 DOMC" >&2
	exit 2
fi
DOMC=$(t_tool "$1")
if [ ! -x "$DOMC" ]; then
	echo "hostile.sh: $DOMC: not an executable" >&2
	exit 2
fi
REF=$(t_tool "${DTC:-dtc}")
t_init
TO=""
command -v timeout >/dev/null 2>&1 && TO="timeout ${DOMC_TIMEOUT:-60}"
# sanitizer findings must not look like exit 1 ("errors in the input")
export ASAN_OPTIONS="${ASAN_OPTIONS:-exitcode=98}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:exitcode=97:print_stacktrace=1}"

sanitizer_report() {
	grep -m1 -E 'Sanitizer|runtime error:|^==[0-9]+== ' "$1"
}

# check NAME DIR INPUT [FLAGS...]: compile DIR/INPUT, compare with the
# expectation in $EXPECT (a string).
check() {
	name=$1 dir=$2 input=$3
	shift 3
	out=$WORK/out/$name
	rm -rf "$out" && mkdir -p "$out"
	(cd "$dir" && $TO "$DOMC" "$@" -o "$out/out.dtb" "$input") \
		>/dev/null 2>"$WORK/stderr"
	rc=$?
	why=""
	san=$(sanitizer_report "$WORK/stderr")
	[ -n "$san" ] && why="$(printf '%s' "$san" | cut -c1-160)"
	if [ "$EXPECT" = compiles ] || [ "$EXPECT" = dtc-bytes ]; then
		[ $rc -eq 0 ] || why="${why:+$why; }exit $rc (want 0): $(head -1 "$WORK/stderr" | cut -c1-160)"
		[ -s "$out/out.dtb" ] || why="${why:+$why; }no output"
		if [ "$EXPECT" = dtc-bytes ] && [ -z "$why" ]; then
			if ! (cd "$dir" && "$REF" -q -I dts -O dtb -o "$out/ref.dtb" "$input") 2>/dev/null; then
				why="dtc rejects the input (bad test)"
			elif ! cmp -s "$out/ref.dtb" "$out/out.dtb"; then
				why="output differs from dtc's"
			fi
		fi
	else
		[ $rc -eq 1 ] || why="${why:+$why; }exit $rc (want 1)"
		if [ -n "$(ls -A "$out")" ]; then
			why="${why:+$why; }left output: $(ls -A "$out" | tr '\n' ' ')"
		fi
		want=$(printf '%s\n' "$EXPECT" | sed "s|@FILE@|$input|g")
		got=$(grep -m1 'error:' "$WORK/stderr")
		if [ "$got" != "$want" ]; then
			why="${why:+$why; }first error is '$(printf '%s' "$got" | cut -c1-160)', want '$want'"
		fi
	fi
	rm -rf "$out"
	if [ -n "$why" ]; then
		t_fail "hostile/$name: $why"
	else
		t_pass
	fi
}

# ---- the committed inputs
cd "$HERE/hostile" || exit 2
for f in *.dts *.dtb; do
	[ -f "$f" ] || continue
	n=${f%.*}
	if [ ! -f "$n.expect" ]; then
		t_fail "hostile/$n: no $n.expect"
		continue
	fi
	EXPECT=$(head -1 "$n.expect")
	# shellcheck disable=SC2046 # NAME.flags: extra options, split
	check "$n" "$HERE/hostile" "$f" $(cat "$n.flags" 2>/dev/null)
done

# ---- inputs made at test time
G=$WORK/gen
mkdir -p "$G"
HDR='/dts-v1/;'

# 100,000 nested nodes: the nesting limit, not the stack
python3 - "$G/nested-100000.dts" <<'PY'
import sys
n = 100000
with open(sys.argv[1], 'w') as f:
    f.write('/dts-v1/;\n/ {\n' + 'a {\n' * n + '};\n' * n + '};\n')
PY
EXPECT='@FILE@:4098:3: error: nodes nested more than 4096 deep'
check nested-100000 "$G" nested-100000.dts

# 201 include files, each including the next: the include depth limit
i=0
while [ $i -le 201 ]; do
	printf '/include/ "inc%d.dtsi"\n' $((i + 1)) >"$G/inc$i.dtsi"
	i=$((i + 1))
done
printf '%s\n/include/ "inc0.dtsi"\n/ { };\n' "$HDR" >"$G/include-chain.dts"
EXPECT='inc199.dtsi:1:1: error: includes nested more than 200 deep (an include cycle?)'
check include-chain "$G" include-chain.dts

# a 100 MB property (/incbin/ of a 100 MB file) compiles
dd if=/dev/zero of="$G/100mb.bin" bs=1048576 count=100 2>/dev/null
printf '%s\n/ { big = /incbin/("100mb.bin"); };\n' "$HDR" >"$G/property-100mb.dts"
EXPECT=compiles
check property-100mb "$G" property-100mb.dts
rm -f "$G/100mb.bin"

# a sparse file over the 1 GiB limit is refused before it is read
if truncate -s 2G "$G/2g.bin" 2>/dev/null; then
	printf '%s\n/ { big = /incbin/("2g.bin"); };\n' "$HDR" >"$G/incbin-2g.dts"
	EXPECT='@FILE@:2:20: error: cannot open /incbin/ file "2g.bin": file larger than 1 GiB'
	check incbin-2g "$G" incbin-2g.dts
	printf '%s\n/include/ "2g.bin"\n/ { };\n' "$HDR" >"$G/include-2g.dts"
	EXPECT='@FILE@:2:1: error: cannot open include file "2g.bin": file larger than 1 GiB'
	check include-2g "$G" include-2g.dts
	rm -f "$G/2g.bin"
fi

# a FIFO nobody writes to must not hang /include/ or /incbin/
if mkfifo "$G/fifo" 2>/dev/null; then
	printf '%s\n/include/ "fifo"\n/ { };\n' "$HDR" >"$G/include-fifo.dts"
	EXPECT='@FILE@:2:1: error: cannot open include file "fifo": not a regular file'
	check include-fifo "$G" include-fifo.dts
	printf '%s\n/ { x = /incbin/("fifo"); };\n' "$HDR" >"$G/incbin-fifo.dts"
	EXPECT='@FILE@:2:18: error: cannot open /incbin/ file "fifo": not a regular file'
	check incbin-fifo "$G" incbin-fifo.dts
fi

# a property over the 1 GiB value limit: 20,000 references to a node with
# a 60,000-byte name (1.2 GB of inserted paths from a 100 kB source); about
# 2 GB of memory and 10 s, so HOSTILE_LIGHT=1 (make check-valgrind) skips it
if [ -z "${HOSTILE_LIGHT:-}" ]; then
	python3 - "$G/path-bomb.dts" <<'PY'
import sys
with open(sys.argv[1], 'w') as f:
    f.write('/dts-v1/;\n/ {\n\tp = %s;\n\tl: %s { };\n};\n'
            % (', '.join(['&l'] * 20000), 'n' * 60000))
PY
	EXPECT='domc: error: a property value would exceed 1024 MiB (the limit)'
	check path-bomb "$G" path-bomb.dts
fi

# the input itself a device that never ends: the first NUL byte (DTS) or
# the header (DTB) shows it is not a source, long before 1 GiB is read
EXPECT='/dev/zero:1:1: error: NUL byte in source text'
check dev-zero "$G" /dev/zero
EXPECT='/dev/zero: error: bad magic 0x00000000 (not a device tree blob)'
check dev-zero-dtb "$G" /dev/zero -I dtb

# the input itself a directory
mkdir -p "$G/dir.dts"
EXPECT='domc: error: cannot open "dir.dts": is a directory'
check input-directory "$G" dir.dts

# ---- fuzz regressions: exit 0 or 1, never a crash, a hang or a report
for f in "$HERE"/fuzz/regressions/*; do
	[ -f "$f" ] || continue
	n=$(basename "$f")
	for flags in "" "-@ -A -s -f -O dts" "-I dtb" "thread"; do
		if [ "$flags" = thread ]; then
			DOMC_THREADS=2 $TO "$DOMC" -o "$WORK/reg.out" "$f" \
				>/dev/null 2>"$WORK/stderr"
		else
			# shellcheck disable=SC2086
			$TO "$DOMC" $flags -o "$WORK/reg.out" "$f" >/dev/null \
				2>"$WORK/stderr"
		fi
		rc=$?
		san=$(sanitizer_report "$WORK/stderr")
		if [ $rc -gt 1 ] || [ -n "$san" ]; then
			t_fail "fuzz-regression/$n ($flags): exit $rc $(printf '%s' "$san" | cut -c1-160)"
		else
			t_pass
		fi
		rm -f "$WORK/reg.out"
	done
done

printf 'hostile: '
t_summary
