#!/bin/sh
# Golden tests of domain-ID checks and assignment (tests/domid/*.dts).
# Each case: "// flags: ..." optional; NAME.expect holds the exit status
# and everything domc prints (diagnostics and the --report table).
# UPDATE=1 rewrites the .expect files (review the diff!).
# Usage: tests/domid.sh DOMC
set -u
DOMC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
dir=$here/domid
tmp=$(mktemp -d "${TMPDIR:-/tmp}/domc-domid.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: domid/$1"; }

# run NAME INPUT FLAGS...: prints exit status and output; checks that a
# failing run leaves no output file.
run() {
	name=$1 input=$2
	shift 2
	rm -f "$tmp/out.dtb"
	(cd "${RUNDIR:-$dir}" && "$DOMC" --no-caret "$@" -o "$tmp/out.dtb" --report \
		"$input") >"$tmp/got" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && [ -e "$tmp/out.dtb" ]; then
		echo "output file left behind"
	fi
	echo "exit: $rc"
	cat "$tmp/got"
}

compare() {
	name=$1
	if [ "${UPDATE:-0}" = 1 ]; then
		cp "$tmp/actual" "$dir/$name.expect"
	fi
	if cmp -s "$tmp/actual" "$dir/$name.expect"; then
		ok
	else
		bad "$name"
		diff -u "$dir/$name.expect" "$tmp/actual" | sed -n '1,30p'
	fi
}

for f in "$dir"/*.dts; do
	name=$(basename "$f" .dts)
	flags=$(sed -n 's|^// flags: ||p' "$f" | head -n 1)
	# shellcheck disable=SC2086
	run "$name" "$name.dts" $flags >"$tmp/actual"
	compare "$name"
done

# A board's existing blob: diagnostics name node paths, not lines.
mkdir "$tmp/blob"
dtc -q -I dts -O dtb -o "$tmp/blob/dup.dtb" "$dir/duplicate.dts" 2>/dev/null
RUNDIR=$tmp/blob run dtb-input dup.dtb -I dtb >"$tmp/actual"
compare dtb-input

# Capacity: automatic allocation never hands out 0, so 32,751 domains fit
# and 32,752 do not, unless one hardware domain requests ID 0 (4.21+).
gen() { # count with-hw-zero
	awk -v n="$1" -v hw="$2" 'BEGIN {
		print "/dts-v1/;\n/ {\n\tchosen {"
		for (i = 0; i < n; i++) {
			printf "\t\td%d {\n\t\t\tcompatible = \"xen,domain\";\n", i
			print "\t\t\tcpus = <1>;\n\t\t\tmemory = <0x0 0x4000>;"
			if (hw && i == n - 1)
				print "\t\t\tcapabilities = <0x2>;\n\t\t\tdomid = <0>;"
			print "\t\t};"
		}
		print "\t};\n};"
	}' >"$tmp/$3.dts"
}
capacity() { # name count hw flags expected-exit
	gen "$2" "$3" "$1"
	rm -f "$tmp/out.dtb"
	"$DOMC" --no-caret $4 -O null --report=json --report-file \
		"$tmp/$1.json" "$tmp/$1.dts" >"$tmp/$1.out" 2>&1
	rc=$?
	if [ $rc -ne "$5" ]; then
		bad "$1 (exit $rc, want $5)"
		head -n 3 "$tmp/$1.out"
		return
	fi
	if [ "$5" -ne 0 ]; then
		grep -q "32752 domains need an automatic ID but only 32751 are free" \
			"$tmp/$1.out" && ok || { bad "$1 (message)"; cat "$tmp/$1.out"; }
		return
	fi
	n=$(grep -c '"id": ' "$tmp/$1.json")
	[ "$n" -eq "$2" ] && ok || bad "$1 ($n domains in the report)"
}
capacity cap-32751 32751 0 "" 0
capacity cap-32752 32752 0 "" 1
capacity cap-32752-hw0 32752 1 "--xen=4.21" 0

echo "domid: $pass passed, $fail failed"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
