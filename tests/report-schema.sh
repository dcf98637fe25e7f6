#!/bin/sh
# --report=json of several configurations validated against
# doc/domid-report.schema.json (python3-jsonschema), and a document that
# breaks the schema must be refused, so the validation itself can fail.
# Usage: tests/report-schema.sh DOMC
set -u
DOMC=$1
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/domc-schema.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
validate() { # json-file expect(0 valid, 1 invalid) label
	python3 - "$root/doc/domid-report.schema.json" "$1" >"$tmp/why" 2>&1 <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
try:
    jsonschema.validate(doc, schema)
except jsonschema.ValidationError as e:
    print("invalid:", e.message)
    sys.exit(1)
PY
	rc=$?
	if [ $rc -eq "$2" ]; then pass=$((pass + 1)); else
		fail=$((fail + 1)); echo "FAIL: report-schema: $3: $(cat "$tmp/why")"; fi
}
n=0
for f in examples/qemu-virt-2domu.dts tests/domid/dom0-and-domus.dts \
	tests/domid/hyperlaunch-zero.dts tests/domid/stock-xen.dts \
	tests/domid/no-assign.dts tests/domid/zero-hardware.dts; do
	n=$((n + 1))
	flags=$(sed -n 's|^// flags: ||p' "$root/$f" | head -n 1)
	# shellcheck disable=SC2086
	(cd "$root" && "$DOMC" -q $flags -O null --report=json \
		--report-file "$tmp/r$n.json" "$f") ||
		{ fail=$((fail + 1)); echo "FAIL: report-schema: $f: domc failed"; continue; }
	validate "$tmp/r$n.json" 0 "$f"
done
# The same from a blob.
(cd "$root" && dtc -q -o "$tmp/b.dtb" examples/qemu-virt-2domu.dts &&
	"$DOMC" -q -I dtb -O null --report=json --report-file "$tmp/b.json" \
		"$tmp/b.dtb") && validate "$tmp/b.json" 0 "blob input"
# Self-test: a wrong document must not validate.
sed 's/"how": "assigned"/"how": "guessed"/' "$tmp/r1.json" >"$tmp/bad.json"
validate "$tmp/bad.json" 1 "a broken report was accepted"
echo "report-schema: $pass passed, $fail failed"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
