#!/bin/sh
# tests/dtc-suite.sh DOMC CORPUS: replay dtc 1.6.1's own test invocations.
#
# CORPUS holds dtc-1.6.1-tests.tar.xz and dtc-tests.tsv (one row per dtc
# invocation of dtc's run_tests.sh, with what dtc 1.6.1 did; see
# CORPUS/README.md). The tarball is unpacked into a temp dir and every row
# is run in order inside its tests/ dir, so rows that read an earlier row's
# output find it. A row matches when:
#   ok, ok(warnings allowed)  exit 0 and, where the TSV has one, the output
#                             file's sha256 equals dtc's
#   warn, must-not-report     exit 0 (the expected checks are recorded in
#                             the TSV but not judged here yet)
#   fail, fail(rc!=0)         non-zero exit, not a signal
#   fail(rc==1)               exit 1
#   fail(no-output)           non-zero exit and no output file
#   output-produced           output file exists (sha256 as above)
# The row with -d also compares the dependency file with dependencies.cmp.
#
# Inputs that dtc's suite makes with its own C helpers (dumptrees' blobs,
# dtb_reverse, integer-expressions -g, fs_tree1) are built here with cc and
# libfdt. "-o /dev/null" is replaced by a scratch file, so that a compiler
# that renames its output into place can never replace /dev/null.
# Rows with -O asm, -O yaml or -I fs (formats domc need not support) are
# skipped unless DTC_SUITE_ALL=1. The two rows whose sources hold raw NUL
# bytes run with -E no-nul_in_source (domc rejects those bytes by default).
#
# Output: mismatching rows, "dtc-suite: N/M rows match", then
# "N passed, N failed" (one test per row); exit 1 on any mismatch.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

if [ $# -ne 2 ]; then
	echo "usage: $0 DOMC CORPUS" >&2
	exit 2
fi
DOMC=$(t_tool "$1")
CORPUS=$(t_abs "$2")
TSV=$CORPUS/dtc-tests.tsv
TAR=$CORPUS/dtc-1.6.1-tests.tar.xz
for f in "$TSV" "$TAR"; do
	if [ ! -f "$f" ]; then
		echo "dtc-suite: missing $f"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
t_init
# a hung compiler fails its test instead of the whole run (exit 124)
TO=""
command -v timeout >/dev/null 2>&1 && TO="timeout ${DOMC_TIMEOUT:-60}"

tar -xJf "$TAR" -C "$WORK" || { echo "dtc-suite: cannot unpack $TAR"; echo "0 passed, 1 failed"; exit 1; }
T=$WORK/dtc-1.6.1/tests
S=$WORK/scratch
mkdir -p "$S"

# ---- the suite's generated inputs, made with its own helper programs
build_helpers() {
	CC=${CC:-cc}
	h=$WORK/helpers
	mkdir -p "$h/asm" "$h/inc"
	# Debian's fdt.h is C only; trees.S needs just the tag constants.
	cat >"$h/asm/fdt.h" <<-'EOF'
	#define FDT_MAGIC 0xd00dfeed
	#define FDT_BEGIN_NODE 0x1
	#define FDT_END_NODE 0x2
	#define FDT_PROP 0x3
	#define FDT_NOP 0x4
	#define FDT_END 0x9
	EOF
	# The few pieces of dtc's util.h and libfdt_internal.h the helpers use.
	cat >"$h/inc/util.h" <<-'EOF'
	#include <stdlib.h>
	#include <stdio.h>
	#include <string.h>
	#include <errno.h>
	#include <libfdt.h>
	#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))
	#define streq(a, b) (strcmp((a), (b)) == 0)
	static inline void *xmalloc(size_t n)
	{ void *p = malloc(n); if (!p) abort(); return p; }
	static inline int utilfdt_read_err(const char *fn, char **buf, size_t *len)
	{
		FILE *f = fopen(fn, "rb"); size_t cap = 65536, n = 0; char *b;
		if (!f) return errno;
		b = xmalloc(cap);
		for (;;) {
			n += fread(b + n, 1, cap - n, f);
			if (n < cap) break;
			cap *= 2; b = realloc(b, cap); if (!b) abort();
		}
		fclose(f); *buf = b; if (len) *len = n; return 0;
	}
	static inline int utilfdt_write_err(const char *fn, const void *blob)
	{
		FILE *f = fopen(fn, "wb"); size_t n = fdt_totalsize(blob);
		if (!f) return errno;
		if (fwrite(blob, 1, n, f) != n) { fclose(f); return EIO; }
		return fclose(f) ? errno : 0;
	}
	EOF
	printf '#define FDT_SW_MAGIC (~FDT_MAGIC)\n' >"$h/inc/libfdt_internal.h"
	(
		cd "$T" || exit 1
		$CC -c -D__ASSEMBLY__ -I"$h/asm" -I. -o "$h/trees.o" trees.S &&
		$CC -w -I. -o "$h/dumptrees" dumptrees.c "$h/trees.o" &&
		"$h/dumptrees" . &&
		for p in dtb_reverse integer-expressions fs_tree1; do
			$CC -w -I"$h/inc" -I. -o "$h/$p" $p.c testutils.c "$h/trees.o" -lfdt || exit 1
		done &&
		"$h/dtb_reverse" test_tree1.dtb &&
		"$h/integer-expressions" -g integer-expressions.test.dts &&
		mkdir -p fs && "$h/fs_tree1" fs/test_tree1
	) >"$WORK/helpers.log" 2>&1
}
if ! build_helpers; then
	echo "dtc-suite: could not build dtc's test helpers (cc, libfdt-dev); rows on their blobs will not match:"
	tail -3 "$WORK/helpers.log" | sed 's/^/  /'
fi

# ---- run the rows
US=$(printf '\037')
match=0
total=0
skipped=0
skipnote=""
checks=0
set -f
awk -F'\t' -v OFS="$US" 'NR > 1 { print $1, $3, $4, $5, $6, $7, $8, $13 }' "$TSV" >"$WORK/rows"
cd "$T" || exit 2
while IFS=$US read -r n harness input kind flags expected chk sha; do
	case $harness in
	run_dtc_test|dtc-fails.sh|dtc-fatal.sh|dtc-checkfails.sh|run_wrap_error_test) ;;
	*) skipped=$((skipped + 1)); skipnote="$skipnote $n(harness $harness)"; continue ;;
	esac
	case " $flags " in
	*" -O asm "*|*" -O yaml "*|*" -I fs "*)
		if [ "${DTC_SUITE_ALL:-0}" != 1 ]; then
			skipped=$((skipped + 1)); continue
		fi ;;
	esac
	[ -n "$chk" ] && checks=$((checks + 1))
	# build the argument list; find the output file
	out=""
	set --
	prev=""
	for a in $flags; do
		if [ "$prev" = -o ] && [ "$a" = /dev/null ]; then
			a=$S/devnull.out
		elif [ "$a" = -o/dev/null ]; then
			a=-o$S/devnull.out
		fi
		[ "$prev" = -o ] && out=$a
		case $a in -o?*) out=${a#-o} ;; esac
		set -- "$@" "$a"
		prev=$a
	done
	stdin=/dev/null
	case $input in
	"- (stdin)")
		case " $flags " in
		*" -I dtb "*) stdin=test_tree1.dtb ;;
		*) stdin=test_tree1.dts ;;
		esac
		set -- "$@" - ;;
	*) set -- "$@" "$input" ;;
	esac
	# dtc's suite feeds raw NUL bytes inside strings; domc reports them
	# (nul_in_source, README) and these rows check that turning the
	# check off gives dtc's exact bytes back
	case $input in
	embedded_nul.dts|nul-in-escape.dts) set -- -E no-nul_in_source "$@" ;;
	esac
	if [ -z "$out" ]; then
		out=$S/stdout.out
	fi
	rm -f "$out" "$S/devnull.out"
	total=$((total + 1))
	why=""
	if [ "$kind" = generated-by-earlier-step ] && [ ! -e "$input" ] &&
	   [ "$harness" != dtc-fatal.sh ]; then
		why="input $input was not made by an earlier row"
	fi
	$TO "$DOMC" "$@" <"$stdin" >"$S/stdout.out" 2>"$S/stderr"
	rc=$?
	if [ $rc -gt 128 ]; then
		why="${why:+$why; }killed by signal $((rc - 128))"
	fi
	want_sha=no
	case $expected in
	ok|"ok(warnings allowed)")
		[ $rc -eq 0 ] || why="${why:+$why; }exit $rc (want 0)"
		want_sha=yes ;;
	warn|must-not-report)
		[ $rc -eq 0 ] || why="${why:+$why; }exit $rc (want 0)" ;;
	fail|"fail(rc!=0)")
		[ $rc -ne 0 ] || why="${why:+$why; }exit 0 (want non-zero)" ;;
	"fail(rc==1)")
		[ $rc -eq 1 ] || why="${why:+$why; }exit $rc (want 1)" ;;
	"fail(no-output)")
		[ $rc -ne 0 ] || why="${why:+$why; }exit 0 (want non-zero)"
		[ -e "$out" ] && why="${why:+$why; }left output $out" ;;
	output-produced)
		[ -e "$out" ] || why="${why:+$why; }no output file"
		want_sha=yes ;;
	*)
		why="${why:+$why; }unknown expectation '$expected'" ;;
	esac
	if [ $want_sha = yes ] && [ "$sha" != - ] && [ -n "$sha" ] && [ -z "$why" ]; then
		got=$(sha256sum <"$out" 2>/dev/null | cut -d' ' -f1)
		[ "$got" = "$sha" ] || why="sha256 of $(basename "$out") differs"
	fi
	case " $flags " in
	*" -d dependencies.test.d "*)
		if [ -z "$why" ] && ! sed 's,^\./,,;s, \./, ,g' dependencies.test.d 2>/dev/null | cmp -s - dependencies.cmp; then
			why="dependency file differs from dependencies.cmp"
		fi ;;
	esac
	if [ -z "$why" ]; then
		match=$((match + 1))
		t_pass
	else
		T_FAIL=$((T_FAIL + 1))
		echo "FAIL: dtc-suite: row $n: $input [$flags]: $why$(sed -n '1s/^/: /p' "$S/stderr" | cut -c1-120)"
	fi
done <"$WORK/rows"
set +f
cd "$HERE" || exit 2

echo "dtc-suite: $match/$total rows match ($skipped skipped${skipnote:+:$skipnote}; set DTC_SUITE_ALL=1 to include -O asm/yaml and -I fs rows; $checks rows' check lists not judged yet)"
t_summary
