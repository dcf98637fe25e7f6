#!/bin/sh
# make demo: compile the bundled dom0less example and show the result.
set -eu
domc=${1:-build/domc}
src=examples/qemu-virt-2domu.dts
out=build/demo/qemu-virt-2domu.dtb
mkdir -p build/demo
echo "domc: compiling $src (QEMU virt board + 2 dom0less domUs)"
"$domc" -I dts -O dtb -o "$out" "$src"
echo "domc: wrote $out ($(wc -c <"$out") bytes)"
echo "domc: xen,domain nodes under /chosen in the blob:"
"$domc" -I dtb -O dts "$out" | awk '
	/^\t[^\t].*\{$/ { top = $1 }
	/^\t\t[^\t].*\{$/ { node = $1 }
	/^\t\t\tcompatible = "xen,domain";/ && top == "chosen" { print "    /chosen/" node }'
if command -v dtc >/dev/null 2>&1; then
	dtc -q -I dts -O dtb -o build/demo/dtc.dtb "$src"
	if cmp -s "$out" build/demo/dtc.dtb; then
		echo "domc: output is byte-identical to dtc $(dtc --version | sed 's/.* //')"
	else
		echo "domc: output differs from dtc's (please report)"
		exit 1
	fi
fi
