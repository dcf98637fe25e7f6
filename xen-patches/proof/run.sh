#!/bin/bash
# Boot scenarios proving the "domid" property; see ../README.md.
#
#   run.sh [--stock] [--upstream] XEN WORKDIR
#
# XEN is a hypervisor binary or a built Xen tree (boot.sh).  --stock expects
# an unpatched Xen (domid ignored, IDs 1, 2, 3 in node order).  --upstream
# expects the upstream series (domid 0 allowed for a hardware-capable node).
# Prints one line per scenario and the matching console lines; exits
# non-zero if any scenario does not give the expected console lines.
set -eu
mode=patched
while [ $# -gt 0 ]; do
    case $1 in
        --stock) mode=stock; shift ;;
        --upstream) mode=upstream; shift ;;
        *) break ;;
    esac
done
[ $# -eq 2 ] || { echo "usage: $0 [--stock|--upstream] XEN WORKDIR" >&2; exit 2; }
xen=$1 work=$2
mkdir -p "$work"
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0

# scenario NAME "EXPECTED LINE"... -- DOMAIN...
scenario() {
    local name=$1 expect=() line ok=1
    shift
    while [ "$1" != "--" ]; do expect+=("$1"); shift; done
    shift
    bash "$here/boot.sh" "$xen" "$work/$name" "$@" > "$work/$name.log" 2>&1 || true
    for line in "${expect[@]}"; do
        grep -qxF -- "$line" "$work/$name.log" || { ok=0; echo "  missing: $line"; }
    done
    if [ $ok = 1 ]; then
        echo "proof: $name ok"; pass=$((pass + 1))
    else
        echo "proof: $name FAILED (log: $work/$name.log)"; fail=$((fail + 1))
    fi
    for line in "${expect[@]}"; do
        grep -xF -- "$line" "$work/$name.log" | sed 's/^/    /' || true
    done
}

if [ $mode = stock ]; then
    scenario three "(d1) guest domU-a" "(d2) guest domU-b" "(d3) guest domU-c" \
        -- domU-a=7 domU-b=3 domU-c
else
    scenario three \
        "(XEN) Xen dom0less: domain /chosen/domU-a gets domid 7 (requested)" \
        "(XEN) Xen dom0less: domain /chosen/domU-b gets domid 3 (requested)" \
        "(XEN) Xen dom0less: domain /chosen/domU-c gets domid 1 (assigned)" \
        "(d7) guest domU-a" "(d3) guest domU-b" "(d1) guest domU-c" \
        -- domU-a=7 domU-b=3 domU-c
    # Static event channels follow the IDs the nodes got.
    BOOT_EVTCHN=domU-a:10:domU-b:11 scenario evtchn \
        "(d7) guest domU-a evtchn 10 status 2 remote d3" \
        "(d3) guest domU-b evtchn 11 status 2 remote d7" \
        "(d1) guest domU-c" \
        -- domU-a=7 domU-b=3 domU-c
    # A requested ID after unrequested nodes is still honoured.
    scenario order "(d2) guest domU-x" "(d3) guest domU-y" "(d1) guest domU-z" \
        -- domU-x domU-y domU-z=1
    scenario collision \
        "(XEN) Xen dom0less: domains /chosen/domU-a and /chosen/domU-b both request domid 3" \
        -- domU-a=3 domU-c domU-b=3
    lowest=1
    [ $mode = upstream ] && lowest=0
    scenario reserved \
        "(XEN) Xen dom0less: domain /chosen/domU-a: domid 32754 (0x7ff2) is outside the valid range $lowest-32751" \
        -- domU-a=0x7ff2
    scenario cells \
        "(XEN) Xen dom0less: domain /chosen/domU-a: \"domid\" must be a single u32 cell" \
        -- "domU-a=raw:0 7"
    if [ $mode = patched ]; then
        scenario zero \
            "(XEN) Xen dom0less: domain /chosen/domU-a: domid 0 is refused (ID 0 is the hardware domain)" \
            -- domU-a=0
    else
        scenario zero-nocap \
            "(XEN) Xen dom0less: domain /chosen/domU-a: domid 0 is the hardware domain's ID, but the domain lacks the hardware capability" \
            -- domU-b domU-a=0
        BOOT_DOM0=1 scenario zero-dom0 \
            "(XEN) Xen dom0less: domain /chosen/domU-a: domid 0 is taken by d0" \
            -- "domU-a=0;capabilities = <2>;"
        if [ -n "${PROOF_STATIC_MEM:-}" ]; then
            # Needs CONFIG_STATIC_MEMORY (a hardware domain built from a
            # xen,domain node needs direct-map or an IOMMU).  The hardware
            # domain's console text has no "(d0)" prefix.
            scenario zero-hwdom \
                "(XEN) Xen dom0less: domain /chosen/domU-a gets domid 0 (requested)" \
                "(XEN) Xen dom0less: domain /chosen/domU-b gets domid 1 (assigned)" \
                "(XEN) Loading d0 kernel from boot module @ 0000000050100000" \
                "guest domU-a" "(d1) guest domU-b" \
                -- "domU-b" "domU-a=0;capabilities = <3>; direct-map; xen,static-mem = <0x0 0x60000000 0x0 0x4000000>;"
        fi
    fi
fi
echo "$pass passed, $fail failed"
[ $fail = 0 ]
