#!/bin/sh
# tests/linux-corpus.sh DOMC: every arm and arm64 board of Linux 6.1,
# compiled by DOMC and by dtc 1.6.1 with the kernel's flags.
#
# For each of the ~2,282 boards:
#   dtb  DOMC's DTB of the preprocessed board == dtc's DTB
#   dts  DOMC -I dtb -O dts of dtc's DTB == dtc's text; a difference is
#        accepted when dtc's text is lossy (does not compile back to the
#        DTB: dtc 1.6.1 prints a NUL before a digit 0-7 as "\0", which
#        reads back as an octal escape) and DOMC's text round-trips
#   rt   DOMC -I dts -O dtb -b 0 of DOMC's own text == the DTB
#
# Source: Debian's linux-source-6.1 (installed with apt-get when
# /usr/src/linux-source-6.1.tar.xz is absent). The extracted subset, the
# preprocessed boards and dtc's outputs are cached in
# ${DOMC_CACHE:-/var/cache/domc-tests}/linux-6.1 (dtc's keyed by dtc's
# version), so reruns only run DOMC. JOBS (default: number of CPUs, at
# most 4) sets the parallelism; DTC the reference compiler. The full list
# of failing boards goes to the cache dir's last-failures.txt.
#
# Output: failures (first few per kind), three "linux-corpus:" lines, then
# "N passed, N failed" (three tests per board). Exit 1 on any failure.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)

KFLAGS="-b 0 -Wno-interrupt_provider -Wno-unit_address_vs_reg -Wno-avoid_unnecessary_addr_size -Wno-alias_paths -Wno-graph_child_address -Wno-simple_bus_reg -Wno-unique_unit_address"
TO=""
command -v timeout >/dev/null 2>&1 && TO="timeout ${LINUX_CORPUS_TIMEOUT:-120}"

# ---- workers, run by xargs as: sh linux-corpus.sh --worker STAGE REL...
# Environment: SRC PP REFD OUT DOMC DTC ATFLAGS (a file of boards that
# need -@). Every output is written to a temporary name, then renamed.
if [ "${1:-}" = --worker ]; then
	stage=$2
	shift 2
	cd "$SRC" || exit 1
	res=$OUT/res.$$
	for rel in "$@"; do
		b=${rel%.dts}
		dir=$(dirname "$rel")
		case $stage in
		pp)
			mkdir -p "$PP/$dir"
			cpp -nostdinc -I scripts/dtc/include-prefixes -undef -D__DTS__ \
				-x assembler-with-cpp -o "$PP/$b.pp.tmp" "$rel" 2>"$PP/$b.pp.err" &&
				mv "$PP/$b.pp.tmp" "$PP/$b.pp" && rm -f "$PP/$b.pp.err"
			;;
		ref)
			at=""
			grep -qxF "$rel" "$ATFLAGS" && at=-@
			mkdir -p "$REFD/dtb/$dir" "$REFD/dts/$dir" "$REFD/bad/$dir"
			# shellcheck disable=SC2086 # flag lists are meant to be split
			if $DTC -q -I dts -O dtb $KFLAGS $at -i "$dir" -i scripts/dtc/include-prefixes \
				-o "$REFD/dtb/$b.dtb.tmp" "$PP/$b.pp" 2>"$REFD/bad/$b.err"; then
				mv "$REFD/dtb/$b.dtb.tmp" "$REFD/dtb/$b.dtb"
				rm -f "$REFD/bad/$b.err"
			else
				rm -f "$REFD/dtb/$b.dtb.tmp"
				continue
			fi
			$DTC -q -I dtb -O dts -o "$REFD/dts/$b.dts.tmp" "$REFD/dtb/$b.dtb" 2>/dev/null
			# does dtc's own text compile back to the blob?
			if $DTC -q -I dts -O dtb -b 0 -o "$REFD/dts/$b.rt.tmp" "$REFD/dts/$b.dts.tmp" 2>/dev/null &&
				cmp -s "$REFD/dts/$b.rt.tmp" "$REFD/dtb/$b.dtb"; then
				rm -f "$REFD/dts/$b.lossy"
			else
				: >"$REFD/dts/$b.lossy"
			fi
			rm -f "$REFD/dts/$b.rt.tmp"
			mv "$REFD/dts/$b.dts.tmp" "$REFD/dts/$b.dts"
			;;
		domc)
			[ -f "$REFD/dtb/$b.dtb" ] || continue
			at=""
			grep -qxF "$rel" "$ATFLAGS" && at=-@
			o=$OUT/w/$$
			mkdir -p "$o"
			# shellcheck disable=SC2086
			$TO "$DOMC" -I dts -O dtb $KFLAGS $at -i "$dir" -i scripts/dtc/include-prefixes \
				-o "$o/b.dtb" "$PP/$b.pp" >/dev/null 2>"$o/err"
			rc=$?
			if [ $rc -ne 0 ]; then
				dtb="exit $rc: $(head -1 "$o/err" | cut -c1-100)"
			elif cmp -s "$o/b.dtb" "$REFD/dtb/$b.dtb"; then
				dtb=ok
			else
				dtb="differs"
			fi
			$TO "$DOMC" -I dtb -O dts -o "$o/b.dts" "$REFD/dtb/$b.dtb" >/dev/null 2>"$o/err"
			rc=$?
			rt=ok
			if [ $rc -ne 0 ]; then
				dts="exit $rc: $(head -1 "$o/err" | cut -c1-100)"
				rt="no text"
			else
				$TO "$DOMC" -q -I dts -O dtb -b 0 -o "$o/rt.dtb" "$o/b.dts" >/dev/null 2>"$o/err"
				rc=$?
				if [ $rc -ne 0 ]; then
					rt="exit $rc: $(head -1 "$o/err" | cut -c1-100)"
				elif ! cmp -s "$o/rt.dtb" "$REFD/dtb/$b.dtb"; then
					rt="differs"
				fi
				if cmp -s "$o/b.dts" "$REFD/dts/$b.dts"; then
					dts=ok
				elif [ -f "$REFD/dts/$b.lossy" ] && [ "$rt" = ok ]; then
					dts=lossy
				else
					dts="differs at line $(diff "$REFD/dts/$b.dts" "$o/b.dts" | sed -n '1s/^\([0-9]*\).*/\1/p')"
				fi
			fi
			rm -f "$o/b.dtb" "$o/b.dts" "$o/rt.dtb"
			printf '%s\t%s\t%s\t%s\n' "$rel" "$dtb" "$dts" "$rt" >>"$res"
			;;
		esac
	done
	exit 0
fi

# ---- main
. "$HERE/lib.sh"
if [ $# -ne 1 ]; then
	echo "usage: $0 DOMC" >&2
	exit 2
fi
DOMC=$(t_tool "$1")
DTC=$(t_tool "${DTC:-/usr/bin/dtc}")
if [ ! -x "$DOMC" ] || [ ! -x "$DTC" ]; then
	echo "linux-corpus: $DOMC or $DTC is not an executable" >&2
	exit 2
fi
n=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
[ "$n" -gt 4 ] && n=4
JOBS=${JOBS:-$n}
CACHE=${DOMC_CACHE:-/var/cache/domc-tests}/linux-6.1
TARBALL=/usr/src/linux-source-6.1.tar.xz
SRC=$CACHE/src
PP=$CACHE/pp
ver=$("$DTC" --version 2>/dev/null | sed -n 's/.*DTC *//p' | tr -c 'A-Za-z0-9.\n-' _)
REFD=$CACHE/dtc-${ver:-unknown}
t_init
OUT=$WORK
ATFLAGS=$CACHE/at-boards.txt
export SRC PP REFD OUT DOMC DTC ATFLAGS KFLAGS TO
if ! mkdir -p "$CACHE"; then
	echo "linux-corpus: cannot create $CACHE (set DOMC_CACHE)"
	echo "0 passed, 1 failed"
	exit 1
fi
now() { date +%s; }
T0=$(now)

# 1. the source subset, extracted once
if [ ! -f "$SRC/.done" ]; then
	if [ ! -f "$TARBALL" ]; then
		echo "linux-corpus: installing linux-source-6.1"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-source-6.1 >"$WORK/apt.log" 2>&1 ||
		{ DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-source-6.1 >"$WORK/apt.log" 2>&1; }
		if [ ! -f "$TARBALL" ]; then
			echo "linux-corpus: apt-get install linux-source-6.1 failed:"
			tail -3 "$WORK/apt.log"
			echo "0 passed, 1 failed"
			exit 1
		fi
	fi
	echo "linux-corpus: extracting the dts subset of $TARBALL"
	rm -rf "$SRC.tmp"
	mkdir -p "$SRC.tmp"
	top=linux-source-6.1
	if ! tar -xJf "$TARBALL" -C "$SRC.tmp" --strip-components=1 \
		$top/arch/arm/boot/dts $top/arch/arm64/boot/dts $top/include/dt-bindings \
		$top/include/uapi/linux/input-event-codes.h $top/scripts/dtc/include-prefixes; then
		echo "linux-corpus: extraction failed"
		echo "0 passed, 1 failed"
		exit 1
	fi
	rm -rf "$SRC"
	mv "$SRC.tmp" "$SRC"
	: >"$SRC/.done"
fi

cd "$SRC" || exit 1
# 2. the boards, and those the kernel Makefiles build with -@
if [ ! -f "$CACHE/boards.txt" ]; then
	{ find arch/arm/boot/dts -maxdepth 1 -name '*.dts'
	  find arch/arm64/boot/dts -name '*.dts'; } | LC_ALL=C sort >"$CACHE/boards.tmp" &&
	mv "$CACHE/boards.tmp" "$CACHE/boards.txt"
fi
if [ ! -f "$ATFLAGS" ]; then
	find arch/arm/boot/dts arch/arm64/boot/dts -name Makefile |
	while read -r mk; do
		sed -n 's/^DTC_FLAGS_\([^ 	:+]*\)[ 	]*[:+]\{0,1\}=.*-@.*/\1/p' "$mk" |
			while read -r b; do echo "$(dirname "$mk")/$b.dts"; done
	done | LC_ALL=C sort >"$ATFLAGS.tmp" && mv "$ATFLAGS.tmp" "$ATFLAGS"
fi
total=$(wc -l <"$CACHE/boards.txt")

# 3. preprocess, 4. dtc's outputs: only what is missing
if [ ! -f "$PP/.done" ]; then
	while read -r rel; do
		[ -f "$PP/${rel%.dts}.pp" ] || echo "$rel"
	done <"$CACHE/boards.txt" >"$WORK/todo"
	if [ -s "$WORK/todo" ]; then
		echo "linux-corpus: preprocessing $(wc -l <"$WORK/todo") boards"
		xargs -P "$JOBS" -n 40 sh "$HERE/linux-corpus.sh" --worker pp <"$WORK/todo"
	fi
	bad=$(find "$PP" -name '*.pp.err' | wc -l)
	if [ "$bad" -eq 0 ]; then : >"$PP/.done"; else echo "linux-corpus: cpp failed on $bad boards (see $PP/**/*.pp.err)"; fi
fi
if [ ! -f "$REFD/.done" ]; then
	while read -r rel; do
		[ -f "$REFD/dts/${rel%.dts}.dts" ] || echo "$rel"
	done <"$CACHE/boards.txt" >"$WORK/todo"
	if [ -s "$WORK/todo" ]; then
		echo "linux-corpus: compiling $(wc -l <"$WORK/todo") boards with dtc $ver"
		xargs -P "$JOBS" -n 40 sh "$HERE/linux-corpus.sh" --worker ref <"$WORK/todo"
	fi
	[ -f "$PP/.done" ] && : >"$REFD/.done"
fi
T1=$(now)
refbad=$(find "$REFD/bad" -name '*.err' 2>/dev/null | wc -l)
lossy=$(find "$REFD/dts" -name '*.lossy' | wc -l)

# 5. DOMC
xargs -P "$JOBS" -n 40 sh "$HERE/linux-corpus.sh" --worker domc <"$CACHE/boards.txt"
T2=$(now)
cat "$OUT"/res.* 2>/dev/null | LC_ALL=C sort >"$WORK/results"
m=$(wc -l <"$WORK/results")
TAB=$(printf '\t')
dtb_ok=$(awk -F'\t' '$2 == "ok"' "$WORK/results" | wc -l)
dts_same=$(awk -F'\t' '$3 == "ok"' "$WORK/results" | wc -l)
dts_lossy=$(awk -F'\t' '$3 == "lossy"' "$WORK/results" | wc -l)
rt_ok=$(awk -F'\t' '$4 == "ok"' "$WORK/results" | wc -l)
fails=$CACHE/last-failures.txt
awk -F'\t' '$2 != "ok" { print "dtb\t" $1 "\t" $2 }
	$3 != "ok" && $3 != "lossy" { print "dts\t" $1 "\t" $3 }
	$4 != "ok" { print "rt\t" $1 "\t" $4 }' "$WORK/results" >"$fails"
for k in dtb dts rt; do
	c=$(grep -c "^$k$TAB" "$fails")
	[ "$c" -eq 0 ] && continue
	grep "^$k$TAB" "$fails" | head -5 | awk -F'\t' '{ print "FAIL: " $1 ": " $2 ": " $3 }'
	[ "$c" -gt 5 ] && echo "FAIL: ... $((c - 5)) more $k failures in $fails"
done
[ "$refbad" -gt 0 ] && echo "linux-corpus: dtc itself fails on $refbad of $total boards (not counted; see $REFD/bad)"
echo "linux-corpus: dtb $dtb_ok/$m identical"
echo "linux-corpus: dts $((dts_same + dts_lossy))/$m identical ($dts_lossy where dtc's text is lossy; dtc's text is lossy for $lossy boards)"
echo "linux-corpus: round-trip $rt_ok/$m"
echo "linux-corpus: $total boards; cache $((T1 - T0))s, DOMC $((T2 - T1))s"
T_PASS=$((dtb_ok + dts_same + dts_lossy + rt_ok))
T_FAIL=$((3 * m - T_PASS))
# boards dtc compiled but DOMC never reported on count as three failures
miss=$((total - refbad - m))
if [ "$miss" -gt 0 ]; then
	echo "FAIL: $miss boards have no DOMC result (worker crashed?)"
	T_FAIL=$((T_FAIL + 3 * miss))
fi
t_summary
