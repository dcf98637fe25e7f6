#!/bin/sh
# tests/run.sh DOMC [CORPUS]: the whole test suite except the Linux corpus.
#
# Groups: golden syntax (DTB and DTS output compared with dtc 1.6.1), golden
# errors (exit 1, no output left, first diagnostic at the expected
# file:line:col), unit scripts under tests/unit/ (if present), dtc's own test
# suite (tests/dtc-suite.sh) and the scale tests (tests/scale.sh).
# Prints one line per failure, one line per group, and finally
# "N passed, N failed"; exits 1 on any failure.
#
# DTC names the reference compiler (default /usr/bin/dtc); CORPUS defaults
# to ../shared/corpus relative to the repository. RUN_GROUPS picks groups
# (default "syntax errors diagnostics unit examples domid dtc-suite scale").

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 DOMC [CORPUS]" >&2
	exit 2
fi
DOMC=$(t_tool "$1")
CORPUS=$(t_abs "${2:-$HERE/../../shared/corpus}")
REF=$(t_tool "${DTC:-/usr/bin/dtc}")
if [ ! -x "$DOMC" ]; then
	echo "run.sh: $DOMC: not an executable" >&2
	exit 2
fi
if [ ! -x "$REF" ]; then
	echo "run.sh: reference dtc $REF not found (apt-get install device-tree-compiler)" >&2
	exit 2
fi
export DOMC DTC="$REF"
t_init
# a hung compiler fails its test instead of the whole run (exit 124)
TO=""
command -v timeout >/dev/null 2>&1 && TO="timeout ${DOMC_TIMEOUT:-60}"

# Position of the first differing byte (1-based) or line, for messages.
first_byte() { cmp "$1" "$2" 2>/dev/null | sed -n 's/.* byte \([0-9]*\).*/byte \1/p;s/.*: EOF on \(.*\)/EOF on \1/p' | head -1; }
first_line() {
	diff "$1" "$2" 2>/dev/null | sed -n '1s/^\([0-9]*\).*/line \1/p'
}
errline() { head -1 "$1" 2>/dev/null | cut -c1-160; }

group_start() { G_PASS=$T_PASS G_FAIL=$T_FAIL; }
group_end() {
	echo "${G_PREFIX:-}$1: $((T_PASS - G_PASS)) passed, $((T_FAIL - G_FAIL)) failed"
}

# readback TOOL TEXT OUT: compile TEXT with TOOL to OUT, then OUT.dts is
# dtc's text of that blob (compared as text, so that layout flags such as
# -p, -S, -V or -b of the original compile do not matter).
readback() {
	$TO "$1" -q -I dts -O dtb -o "$3" "$2" >/dev/null 2>&1 &&
		"$REF" -q -I dtb -O dts -o "$3.dts" "$3" 2>/dev/null
}

# ---- golden syntax: DTS -> DTB with each tool, and DTB -> DTS of dtc's blob
group_syntax() {
	group_start
	d=$WORK/syntax
	mkdir -p "$d"
	cd "$HERE/golden/syntax" || return
	for f in *.dts; do
		n=${f%.dts}
		# shellcheck disable=SC2046 # flags are meant to be split
		set -- $(t_flags "$f")
		if ! "$REF" -q "$@" -I dts -O dtb -o "$d/$n.ref.dtb" "$f" 2>"$d/$n.ref.err"; then
			t_fail "syntax/$n: dtc rejects the input (bad test): $(errline "$d/$n.ref.err")"
			continue
		fi
		$TO "$DOMC" "$@" -I dts -O dtb -o "$d/$n.dtb" "$f" >/dev/null 2>"$d/$n.err"
		rc=$?
		if [ $rc -ne 0 ]; then
			t_fail "syntax/$n: dtb: exit $rc: $(errline "$d/$n.err")"
		elif ! cmp -s "$d/$n.ref.dtb" "$d/$n.dtb"; then
			t_fail "syntax/$n: dtb differs from dtc's at $(first_byte "$d/$n.ref.dtb" "$d/$n.dtb")"
		else
			t_pass
		fi
		"$REF" -q -I dtb -O dts -o "$d/$n.ref.dts" "$d/$n.ref.dtb" 2>/dev/null
		$TO "$DOMC" -I dtb -O dts -o "$d/$n.dts" "$d/$n.ref.dtb" >/dev/null 2>"$d/$n.err"
		rc=$?
		if [ $rc -ne 0 ]; then
			t_fail "syntax/$n: dts: exit $rc: $(errline "$d/$n.err")"
		elif cmp -s "$d/$n.ref.dts" "$d/$n.dts"; then
			t_pass
		elif ! readback "$REF" "$d/$n.ref.dts" "$d/$n.ref.rt" ||
			! cmp -s "$d/$n.ref.rt.dts" "$d/$n.ref.dts"; then
			# dtc's own text does not read back (its "\0" before a digit
			# 0-7): then DOMC's text must read back to the same tree.
			if readback "$DOMC" "$d/$n.dts" "$d/$n.rt" &&
				cmp -s "$d/$n.rt.dts" "$d/$n.ref.dts"; then
				t_pass
			else
				t_fail "syntax/$n: dts differs from dtc's (whose text is lossy) and does not read back to the same tree"
			fi
		else
			t_fail "syntax/$n: dts differs from dtc's at $(first_line "$d/$n.ref.dts" "$d/$n.dts")"
		fi
	done
	cd "$HERE" || exit 2
	group_end syntax
}

# ---- golden errors: exit 1, nothing left in the output directory, and the
# first stderr line "FILE:LINE:COL: error: " as the .expect file says
# ("*" in LINE or COL matches any number; a "text: ..." line must appear in
# the first line too).
re_escape() { printf '%s' "$1" | sed 's/[].[^$\\*+?(){}|]/\\&/g'; }

group_errors() {
	group_start
	cd "$HERE/golden/errors" || return
	for f in *.dts *.dtb; do
		[ -f "$f" ] || continue
		n=${f%.*}
		kind=${f##*.}
		exp=$n.expect
		if [ ! -f "$exp" ]; then
			t_fail "errors/$n: no $exp"
			continue
		fi
		d=$WORK/errors/$n
		mkdir -p "$d"
		# the input must really be bad: dtc must refuse it too
		if "$REF" -q -I "$kind" -O dtb -o "$d/ref.dtb" "$f" >/dev/null 2>&1; then
			t_fail "errors/$n: dtc accepts this input (bad test)"
			continue
		fi
		rm -rf "$d" && mkdir -p "$d/out"
		$TO "$DOMC" -I "$kind" -O dtb -o "$d/out/out.dtb" "$f" >/dev/null 2>"$d/stderr"
		rc=$?
		why=""
		[ $rc -eq 1 ] || why="exit $rc (want 1)"
		if [ -n "$(ls -A "$d/out")" ]; then
			why="${why:+$why; }left output: $(ls -A "$d/out" | tr '\n' ' ')"
		fi
		loc=$(sed -n '1{s/^@FILE@//;s/: error: *$//;s/^://;p;}' "$exp")
		line=${loc%%:*}
		col=${loc#*:}
		[ "$line" = "*" ] && line='[0-9]+'
		[ "$col" = "*" ] && col='[0-9]+'
		# A blob has no lines: "@FILE@: error:" expects just the name.
		if [ -z "$loc" ]; then
			re="^$(re_escape "$f"): error: "
		else
			re="^$(re_escape "$f"):$line:$col: error: "
		fi
		first=$(head -1 "$d/stderr")
		if ! printf '%s\n' "$first" | grep -Eq "$re"; then
			why="${why:+$why; }first line is not '$(sed -n '1s/ *$//p' "$exp" | sed "s|@FILE@|$f|")...': $(printf '%s' "$first" | cut -c1-120)"
		fi
		text=$(sed -n 's/^text: *//p' "$exp" | head -1)
		if [ -n "$text" ] && ! printf '%s\n' "$first" | grep -Fq -- "$text"; then
			why="${why:+$why; }message lacks '$text'"
		fi
		if [ -n "$why" ]; then
			t_fail "errors/$n: $why"
		else
			t_pass
		fi
	done
	cd "$HERE" || exit 2
	group_end errors
}

# ---- unit scripts written by other parts of the project; each is one test
group_unit() {
	group_start
	ran=0
	for u in dtb_roundtrip dts_emit; do
		s=$HERE/unit/$u.sh
		[ -f "$s" ] || continue
		ran=1
		if sh "$s" "$HERE/golden/syntax" >"$WORK/unit-$u.log" 2>&1; then
			t_pass
		else
			t_fail "unit/$u: $(tail -1 "$WORK/unit-$u.log" | cut -c1-200)"
		fi
	done
	# C unit tests: each a program over one compiler module
	if cc -std=c11 -Wall -Wextra -O2 -I"$HERE/../compiler" \
		-o "$WORK/domid_alloc_test" "$HERE/unit/domid_alloc_test.c" \
		"$HERE/../compiler/domid_alloc.c" >"$WORK/unit-cc.log" 2>&1; then
		ran=1
		if "$WORK/domid_alloc_test" >"$WORK/unit-domid-alloc.log" 2>&1; then
			t_pass
		else
			t_fail "unit/domid_alloc: $(tail -1 "$WORK/unit-domid-alloc.log")"
		fi
	else
		t_fail "unit/domid_alloc: does not build: $(head -1 "$WORK/unit-cc.log")"
	fi
	[ $ran -eq 1 ] && group_end unit
}

# ---- exact diagnostics: NAME.stderr holds everything domc prints on stderr
# for NAME.dts ("// flags: ..." optional), then "exit: N"
group_diagnostics() {
	group_start
	cd "$HERE/golden/diagnostics" || return
	for f in *.dts; do
		n=${f%.dts}
		flags=$(sed -n 's|^// flags: ||p' "$f" | head -n 1)
		mkdir -p "$WORK/diag"
		# shellcheck disable=SC2086
		$TO "$DOMC" $flags -o "$WORK/diag/$n.dtb" "$f" >/dev/null \
			2>"$WORK/diag/$n.stderr"
		echo "exit: $?" >>"$WORK/diag/$n.stderr"
		if cmp -s "$n.stderr" "$WORK/diag/$n.stderr"; then
			t_pass
		else
			t_fail "diagnostics/$n: stderr differs at $(first_line "$n.stderr" "$WORK/diag/$n.stderr")"
		fi
	done
	cd "$HERE" || exit 2
	group_end diagnostics
}

# ---- examples/: each compiles; without the domid reservation (--no-assign)
# the blob is dtc's, byte for byte
group_examples() {
	group_start
	cd "$HERE/../examples" || return
	for f in *.dts; do
		d=$WORK/examples
		mkdir -p "$d"
		if ! $TO "$DOMC" -q -o "$d/$f.dtb" "$f" 2>"$d/err"; then
			t_fail "examples/$f: $(errline "$d/err")"
			continue
		fi
		$TO "$DOMC" -q --no-assign -o "$d/$f.na.dtb" "$f" 2>/dev/null
		"$REF" -q -o "$d/$f.ref.dtb" "$f" 2>/dev/null
		if cmp -s "$d/$f.na.dtb" "$d/$f.ref.dtb"; then
			t_pass
		else
			t_fail "examples/$f: --no-assign blob differs from dtc's"
		fi
	done
	cd "$HERE" || exit 2
	group_end examples
}

# ---- a sub-script that ends with "N passed, N failed"
group_script() {
	name=$1
	shift
	sh "$@" >"$WORK/$name.log" 2>&1
	rc=$?
	last=$(tail -1 "$WORK/$name.log")
	# everything but the final count line goes to our output
	sed '$d' "$WORK/$name.log"
	p=$(printf '%s\n' "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(printf '%s\n' "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	if [ -z "$p" ]; then
		echo "$last"
		t_fail "$name: exited $rc without a summary line"
		return
	fi
	T_PASS=$((T_PASS + p))
	T_FAIL=$((T_FAIL + f))
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		t_fail "$name: exited $rc"
	fi
}

want() { case " ${RUN_GROUPS:-syntax errors diagnostics unit examples domid dtc-suite scale emit-write threads} " in *" $1 "*) return 0 ;; esac; return 1; }
want syntax && group_syntax
want errors && group_errors
want diagnostics && group_diagnostics
want unit && group_unit
want examples && group_examples
if want domid; then
	group_script domid "$HERE/domid.sh" "$DOMC"
	group_script report-schema "$HERE/report-schema.sh" "$DOMC"
fi
if want dtc-suite; then
	if [ -f "$CORPUS/dtc-tests.tsv" ]; then
		group_script dtc-suite "$HERE/dtc-suite.sh" "$DOMC" "$CORPUS"
	elif [ -n "${REQUIRE_CORPUS:-}" ]; then
		t_fail "dtc-suite: no corpus at $CORPUS (pass CORPUS=dir)"
	else
		# A clone on its own has no ../shared; CI passes the corpus
		# and sets REQUIRE_CORPUS so that its absence fails there.
		echo "dtc-suite: not run: no dtc test corpus at $CORPUS (make check CORPUS=dir)"
	fi
fi
want scale && group_script scale "$HERE/scale.sh" "$DOMC"
want emit-write && group_script emit-write "$HERE/emit_write.sh" "$DOMC"
# ---- the golden tests again with every helper thread started (as for a
# big input), the lexer's building every other whole property ahead of
# the parser (as it does when the parser lags), so that runs of properties
# mix both kinds: the same bytes, the same messages
if want threads; then
	DOMC_THREADS=2 G_PREFIX=threads:
	export DOMC_THREADS
	group_syntax
	group_errors
	group_diagnostics
	unset DOMC_THREADS G_PREFIX
fi
t_summary
