#!/bin/sh
# make demo: compile the bundled dom0less example and show the result.
set -eu
domc=${1:-build/domc}
src=examples/qemu-virt-2domu.dts
out=build/demo/qemu-virt-2domu.dtb
mkdir -p build/demo
echo "domc: compiling $src (QEMU virt board + 2 dom0less domUs)"
"$domc" -I dts -O dtb -o "$out" --report "$src"
echo "domc: wrote $out ($(wc -c <"$out") bytes), every domain's ID reserved in it:"
"$domc" -I dtb -O dts "$out" | awk '
	/^\t[^\t].*\{$/ { top = $1 }
	/^\t\t[^\t].*\{$/ { node = $1 }
	/^\t\t\tdomid = / && top == "chosen" { print "    /" top "/" node ": " $0 }' |
	sed 's/\t//g'
if command -v dtc >/dev/null 2>&1; then
	# Without the reservation the blob is exactly what dtc makes.
	"$domc" -q --no-assign -o build/demo/no-assign.dtb "$src"
	dtc -q -I dts -O dtb -o build/demo/dtc.dtb "$src"
	if cmp -s build/demo/no-assign.dtb build/demo/dtc.dtb; then
		echo "domc: with --no-assign the blob is byte-identical to dtc $(dtc --version | sed 's/.* //')'s"
	else
		echo "domc: --no-assign output differs from dtc's (please report)"
		exit 1
	fi
fi
