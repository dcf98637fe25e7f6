#!/bin/sh
# tests/scale.sh DOMC: no parser-stack cliff.
#
# dtc 1.6.1 fails with "memory exhausted" beyond about 9,988 sibling nodes
# (a right-recursive grammar rule against Bison's 10,000-entry stack). DOMC
# must compile (exit 0, a valid blob with the right node count):
#   1. a dom0less tree with 32,752 sibling xen,domain nodes under /chosen
#      (DOMID_FIRST_RESERVED: the most domains Xen can number), each with
#      a kernel module node;
#   2. a tree with 100,000 sibling nodes under the root;
#   3. errors at the end of a 13 MB source (400,000 siblings): the lexer
#      gives the text behind it back to the system as it goes, and the
#      diagnostics must still name the right line and quote it, both for
#      a syntax error (during parsing) and a check error (after it).
# SCALE_TIMEOUT (seconds, default 300) bounds each compile; SCALE_DOMAINS
# and SCALE_SIBLINGS override the two counts.
# Output: a line per failure, "scale: ..." and "N passed, N failed".

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

if [ $# -ne 1 ]; then
	echo "usage: $0 DOMC" >&2
	exit 2
fi
DOMC=$(t_tool "$1")
t_init

gen_domains() {
	awk -v n="$1" 'BEGIN {
		print "/dts-v1/;\n"
		print "/ {"
		print "\t#address-cells = <2>;\n\t#size-cells = <2>;\n"
		print "\tchosen {"
		print "\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;"
		for (i = 1; i <= n; i++) {
			printf "\n\t\tdomU%d {\n", i
			print "\t\t\tcompatible = \"xen,domain\";"
			print "\t\t\t#address-cells = <1>;\n\t\t\t#size-cells = <1>;"
			# all 32,752 IDs are needed, so one domain must take ID 0,
			# which only a hardware domain may (shared/spec/domid.md)
			if (i == 1)
				print "\t\t\tdomid = <0>;\n\t\t\tcapabilities = <0x3>;"
			print "\t\t\tmemory = <0 0x4000>;\n\t\t\tcpus = <1>;\n\t\t\tvpl011;"
			printf "\t\t\tmodule@%x {\n", 2147483648 + i * 65536
			print "\t\t\t\tcompatible = \"multiboot,kernel\", \"multiboot,module\";"
			printf "\t\t\t\treg = <0x%x 0x10000>;\n", 2147483648 + i * 65536
			printf "\t\t\t\tbootargs = \"console=ttyAMA0 domain=%d\";\n", i
			print "\t\t\t};\n\t\t};"
		}
		print "\t};\n};"
	}'
}

gen_siblings() {
	awk -v n="$1" 'BEGIN {
		print "/dts-v1/;\n\n/ {"
		for (i = 0; i < n; i++)
			printf "\tnode%d {\n\t\tindex = <%d>;\n\t};\n", i, i
		print "};"
	}'
}

TO=""
command -v timeout >/dev/null 2>&1 && TO="timeout ${SCALE_TIMEOUT:-300}"

# check NAME PARENT COUNT FIRST LAST [PROP VALUE]: compile $WORK/NAME.dts
# and check that PARENT has COUNT children, from FIRST to LAST, and that
# LAST's PROP reads back (fdtget) as VALUE.
check() {
	name=$1 parent=$2 count=$3 first=$4 last=$5 prop=${6:-} want=${7:-}
	start=$(date +%s)
	# shellcheck disable=SC2086 # $TO is a command prefix or nothing
	$TO "$DOMC" -I dts -O dtb -o "$WORK/$name.dtb" "$WORK/$name.dts" >/dev/null 2>"$WORK/$name.err"
	rc=$?
	secs=$(($(date +%s) - start))
	if [ $rc -ne 0 ]; then
		t_fail "scale/$name: exit $rc after ${secs}s: $(head -1 "$WORK/$name.err" | cut -c1-120)"
		return
	fi
	if command -v fdtget >/dev/null 2>&1; then
		got=$(fdtget -l "$WORK/$name.dtb" "$parent" 2>/dev/null | wc -l)
		ends=$(fdtget -l "$WORK/$name.dtb" "$parent" 2>/dev/null | sed -n '1p;$p' | tr '\n' ' ')
	else
		# without fdtget: count the children in dtc's decompiled text
		depth=$(printf '%s' "$parent" | tr -cd / | wc -c)
		[ "$parent" = / ] && depth=0
		dtc -I dtb -O dts "$WORK/$name.dtb" 2>/dev/null |
			awk -v d=$((depth + 1)) '/\{$/ { lv++; if (lv == d + 1) print $1 } /^\t*\};$/ { lv-- }' >"$WORK/$name.kids"
		got=$(wc -l <"$WORK/$name.kids")
		ends=$(sed -n '1p;$p' "$WORK/$name.kids" | tr '\n' ' ')
	fi
	if [ "$got" -ne "$count" ] || [ "$ends" != "$first $last " ]; then
		t_fail "scale/$name: blob has $got children under $parent (want $count, $first .. $last; got ${ends% })"
		return
	fi
	if [ -n "$prop" ] && command -v fdtget >/dev/null 2>&1; then
		v=$(fdtget "$WORK/$name.dtb" "${parent%/}/$last" "$prop" 2>&1)
		if [ "$v" != "$want" ]; then
			t_fail "scale/$name: ${parent%/}/$last $prop is '$v' (want '$want')"
			return
		fi
	fi
	echo "scale: $name: $count siblings compiled in ${secs}s"
	t_pass
}

# SCALE_DOMAINS and SCALE_SIBLINGS shrink the trees to check the harness
# itself against dtc (which manages up to about 9,988).
nd=${SCALE_DOMAINS:-32752}
ns=${SCALE_SIBLINGS:-100000}
gen_domains "$nd" >"$WORK/domains-$nd.dts"
check "domains-$nd" /chosen "$nd" domU1 "domU$nd" compatible xen,domain
gen_siblings "$ns" >"$WORK/siblings-$ns.dts"
check "siblings-$ns" / "$ns" node0 "node$((ns - 1))" index "$((ns - 1))"
# late NAME TAIL LINE1 LINE2: a big tree, then TAIL; the first two lines
# of the diagnostics must be LINE1 and LINE2 (@ stands for the file name).
late() {
	name=$1 tail=$2
	f=$WORK/$name.dts
	{ gen_siblings 400000; printf '%b' "$tail"; } >"$f"
	want1=$(printf '%s' "$3" | sed "s|@|$f|")
	$TO "$DOMC" -o "$WORK/$name.dtb" "$f" >/dev/null 2>"$WORK/$name.err"
	got1=$(sed -n 1p "$WORK/$name.err")
	got2=$(sed -n 2p "$WORK/$name.err")
	if [ "$got1" != "$want1" ] || [ "$got2" != "$4" ]; then
		t_fail "scale/$name: got '$got1' / '$got2'"
		return
	fi
	t_pass
}
# 400,000 siblings: 1,200,004 lines before the tail
late late-syntax '/ {\n\tx = "a" "b";\n};\n' \
	'@:1200006:10: error: syntax error, unexpected string, expecting label or '"';'"' or '"','"'' \
	' 	x = "a" "b";'
late late-check '/ {\n\tdup: a {};\n\tdup: b {};\n};\n' \
	"@:1200007:2: error: duplicate label 'dup' on /b and /a [-Wduplicate_label]" \
	' 	dup: b {};'
t_summary
