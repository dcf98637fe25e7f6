#!/bin/bash
# Boot proof: every scenario in tests/boot/scenarios/ is compiled by domc,
# booted on a real Xen under QEMU, and the domain IDs Xen prints are compared
# with domc's report (`make boot-check`; README.md, "Proof on a real boot").
#
#   tests/boot/run.sh DOMC [XEN_TREE]
#
# DOMC is the compiler to test.  The 4.17 hypervisors come from
# xen-patches/check.sh's cache (${DOMC_CACHE:-/var/cache/domc-tests}/xen/
# build-patched and build-stock; check.sh is run when they are missing).
# XEN_TREE (or XEN_UPSTREAM=path) is a built upstream Xen tree (TREE/xen/xen)
# with xen-patches/upstream/ applied: the scenarios then run against it too
# ("boot upstream/NAME"), targeting domc's default Xen instead of 4.17; the
# stock scenarios need XEN_UPSTREAM_STOCK=path (an unpatched upstream tree)
# and are skipped without it.
#
# A scenario is a DTS over QEMU virt's tree with a header:
#   // boot-what: what it shows (README's table)
#   // boot-xen: patched | stock
#   // boot-domc: domc's options (--xen=4.17 is dropped for upstream)
#   // boot-expect: match | refuse-panic
#   // boot-console: a text the log must contain (optional, repeatable)
# Guests are xen-patches/proof/guest.S, one image per domain printing
# "guest <node name>" (plus its static event channel's peer, if it has one),
# loaded at its kernel module's address.
#
# Output: one line per scenario ("boot NAME: 3/3 domains match", or what
# differed followed by the relevant console lines), the self-test, then
# "N passed, N failed" alone on the last line.  Exit status 1 if anything
# failed.  Work files and serial logs: build/boot/<set>/<scenario>/.
# BOOT_TIMEOUT (seconds, default 20) bounds each boot.
set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 DOMC [XEN_TREE]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
domc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$domc" ] || { echo "$0: no compiler at $1" >&2; exit 2; }
upstream=${2:-${XEN_UPSTREAM:-}}
upstream_stock=${XEN_UPSTREAM_STOCK:-}
out=$repo/build/boot
cache=${DOMC_CACHE:-/var/cache/domc-tests}/xen
cross=aarch64-linux-gnu-
guest_src=$repo/xen-patches/proof/guest.S
timeout=${BOOT_TIMEOUT:-20}
mkdir -p "$out"

pass=0 fail=0
result() {   # result STATUS LINE...: print and count
    local st=$1
    shift
    printf '%s\n' "$@"
    if [ "$st" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}
finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" = 0 ]
    exit
}

# ------------------------------------------------------------------ tools
need=()
for pair in qemu-system-aarch64:qemu-system-arm "${cross}gcc:gcc-aarch64-linux-gnu" \
            "${cross}ld:binutils-aarch64-linux-gnu" dtc:device-tree-compiler \
            fdtget:device-tree-compiler python3:python3-minimal; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        result 1 "boot tools: missing ${need[*]} (run as root to install)"
        finish
    fi
    echo "installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -q && apt-get install -y -q --no-install-recommends \
               $(printf '%s\n' "${need[@]}" | sort -u); } > "$out/apt.log" 2>&1
    then
        result 1 "boot tools: apt-get install ${need[*]} failed, see $out/apt.log"
        finish
    fi
fi

# ------------------------------------------------------------ hypervisors
# Copied out of the shared cache under its lock, so that a concurrent
# rebuild by check.sh cannot change them under a boot.
if [ ! -f "$cache/build-patched/xen/xen" ] || [ ! -f "$cache/build-stock/xen/xen" ]
then
    echo "boot: no cached Xen 4.17 builds, running xen-patches/check.sh"
    bash "$repo/xen-patches/check.sh" > "$out/xen-patches-check.log" 2>&1
fi
mkdir -p "$out/xen" "$cache"
(
    flock -s 9
    for k in patched stock; do
        cp "$cache/build-$k/xen/xen" "$out/xen/$k-4.17.xen" 2>/dev/null &&
            cp "$cache/build-$k/xen/.config" "$out/xen/$k-4.17.config"
    done
) 9> "$cache/.lock"
for k in patched stock; do
    if [ ! -s "$out/xen/$k-4.17.xen" ]; then
        result 1 "boot xen: no $k Xen 4.17 at $cache/build-$k/xen/xen (see $out/xen-patches-check.log)"
        finish
    fi
done

# ----------------------------------------------------------------- guests
# guest NAME PORT: path of the image printing "guest NAME" (PORT "-" or the
# static event channel port whose peer it also prints); built once.
guest() {
    local name=$1 port=$2 base defs=()
    base=$out/guests/$name
    if [ "$port" != - ]; then
        base=$base-evtchn$port
        defs=(-DEVTCHN_PORT="$port")
    fi
    if [ ! -s "$base.bin" ] || [ "$guest_src" -nt "$base.bin" ]; then
        mkdir -p "$out/guests"
        "${cross}gcc" -c -DMSG="\"guest $name\"" "${defs[@]}" "$guest_src" \
            -o "$base.o" &&
        "${cross}ld" -Ttext=0 "$base.o" -o "$base.elf" &&
        "${cross}objcopy" -O binary "$base.elf" "$base.bin" || return 1
    fi
    echo "$base.bin"
}

# ------------------------------------------------------------------- boot
# boot XEN DTB LOG NGUESTS LOADER...: boots until every guest printed, Xen
# panicked, QEMU exited or the timeout.  Only kills the QEMU it started.
boot() {
    local xen=$1 dtb=$2 log=$3 n=$4 qemu deadline
    shift 4
    : > "$log"
    qemu-system-aarch64 -machine virt,virtualization=on,gic-version=3 \
        -cpu cortex-a57 -smp 2 -m 2048 -display none -monitor none -nic none \
        -serial "file:$log" -no-reboot -kernel "$xen" -dtb "$dtb" "$@" \
        > "${log%.log}.qemu.err" 2>&1 &
    qemu=$!
    deadline=$((SECONDS + timeout))
    while kill -0 "$qemu" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
        if grep -q 'Panic on CPU' "$log"; then
            sleep 0.3   # let the panic text finish
            break
        fi
        if [ "$n" -gt 0 ] &&
           [ "$(grep -acE '^\(d[0-9]+\) guest ' "$log")" -ge "$n" ]; then
            sleep 0.2   # a line too many would show up now
            break
        fi
        sleep 0.1
    done
    kill "$qemu" 2>/dev/null
    wait "$qemu" 2>/dev/null
    return 0
}

# has_cpupools XEN: whether the build of hypervisor XEN has boot-time
# cpupools (its .config: XEN.config for the copies, else beside xen/xen).
has_cpupools() {
    local c=${1%.xen}.config
    [ -f "$c" ] || c=$(dirname "$1")/.config
    grep -q '^CONFIG_BOOT_TIME_CPUPOOLS=y' "$c" 2>/dev/null
}

meta() {   # meta KEY FILE: the scenario header's values (one per line)
    sed -n "s,^// boot-$1: *,,p" "$2"
}

# scenario SET FILE PATCHED_XEN STOCK_XEN: compile, boot, compare.
scenario() {
    local set=$1 f=$2 xen_patched=$3 xen_stock=$4
    local name kind opts expect label w xen plan loaders=() n=0 gname addr port img
    name=$(basename "$f" .dts)
    label=$name
    [ "$set" = 4.17 ] || label=$set/$name
    kind=$(meta xen "$f")
    opts=$(meta domc "$f")
    expect=$(meta expect "$f")
    [ "$set" = 4.17 ] || opts=$(echo "$opts" | sed 's/--xen=4\.17//')
    xen=$xen_patched
    if [ "$kind" = stock ]; then
        xen=$xen_stock
        if [ -z "$xen" ]; then
            echo "boot $label: skipped (no stock $set Xen; set XEN_UPSTREAM_STOCK)"
            return
        fi
    fi
    w=$out/$set/$name
    rm -rf "$w"
    mkdir -p "$w"
    # Relative paths in diagnostics, as a user would see them.
    local src=${f#"$repo"/}

    if [ "$expect" = refuse-panic ]; then
        (cd "$repo" && "$domc" $opts -o "$w/refused.dtb" --diagnostics-format=json \
            "$src") > /dev/null 2> "$w/domc.err"
        local rc=$?
        if [ $rc != 1 ] || [ -e "$w/refused.dtb" ]; then
            result 1 "boot $label: domc should refuse it (exit 1, no DTB): exit $rc$([ -e "$w/refused.dtb" ] && echo ', DTB written')"
            return
        fi
        opts="$opts -f --no-assign"
    fi
    if ! (cd "$repo" && "$domc" $opts -o "$w/boot.dtb" --report=json \
              --report-file="$w/report.json" --diagnostics-format=json "$src") \
            > /dev/null 2> "$w/domc-boot.err"; then
        result 1 "boot $label: domc $opts failed:" \
            "$(sed 's/^/    /' "$w/domc-boot.err" | head -n 5)"
        return
    fi
    if ! python3 "$here/check.py" plan "$w/boot.dtb" "$w/report.json" \
             "$w/plan.json" > "$w/guests" 2> "$w/plan.err"; then
        result 1 "boot $label: cannot plan the boot: $(head -n 3 "$w/plan.err")"
        return
    fi
    while read -r gname addr port; do
        img=$(guest "$gname" "$port") ||
            { result 1 "boot $label: cannot build the guest for $gname"; return; }
        loaders+=(-device "loader,file=$img,addr=$addr,force-raw=on")
        n=$((n + 1))
    done < "$w/guests"
    [ "$expect" = refuse-panic ] && n=0
    boot "$xen" "$w/boot.dtb" "$w/console.log" "$n" "${loaders[@]}"
    if [ "$expect" = refuse-panic ]; then
        result_of python3 "$here/check.py" panic "$label" "$w/console.log" \
            "$w/domc.err" "$w/report.json"
    elif [ "$kind" = stock ]; then
        result_of python3 "$here/check.py" compare "$label" "$w/plan.json" \
            "$w/console.log" stock "$w/domc-boot.err"
    else
        # Twice: with the IDs domc reserved in the blob (what users boot),
        # and with --no-assign, where the patched Xen allocates by itself
        # and domc's prediction of that allocation is what is compared.
        local o1 o2 st1 st2 console note=
        console=$(meta console "$f")
        if grep -q 'cpupool' "$f" && ! has_cpupools "$xen"; then
            console=   # the pool's console line needs the option
            note="; this Xen lacks CONFIG_BOOT_TIME_CPUPOOLS: pool ignored"
        fi
        o1=$(BOOT_CONSOLE=$console python3 "$here/check.py" \
                 compare "$label" "$w/plan.json" "$w/console.log" patched)
        st1=$?
        o2=$(boot_no_assign "$label" "$w" "$src" "$opts" "$xen" "$console")
        st2=$?
        if [ $st1 = 0 ] && [ $st2 = 0 ]; then
            result 0 "$o1 (IDs reserved in the blob, and again with --no-assign: Xen's own allocation$note)"
        else
            # Still one line: the first result, then the other's problems;
            # the console lines of both follow, indented.
            local head1 head2 rest1 rest2
            head1=$(head -n 1 <<< "$o1") rest1=$(tail -n +2 <<< "$o1")
            head2=$(head -n 1 <<< "$o2") rest2=$(tail -n +2 <<< "$o2")
            head2=${head2#"boot $label (--no-assign): "}
            if [ $st1 = 0 ]; then
                result 1 "boot $label: with IDs reserved in the blob ok; with --no-assign: $head2${rest2:+
$rest2}"
            elif [ $st2 = 0 ]; then
                result 1 "$head1 (IDs reserved in the blob; --no-assign ok)${rest1:+
$rest1}"
            else
                result 1 "$head1 (IDs reserved in the blob); with --no-assign: $head2${rest1:+
$rest1}${rest2:+
$rest2}"
            fi
        fi
    fi
}

# boot_no_assign LABEL WORKDIR SRC OPTS XEN CONSOLE: the same scenario
# compiled with --no-assign; prints check.py's result.
boot_no_assign() {
    local label=$1 w=$2/no-assign src=$3 opts=$4 xen=$5 loaders=() n=0
    local gname addr port img
    mkdir -p "$w"
    if ! (cd "$repo" && "$domc" $opts --no-assign -o "$w/boot.dtb" \
              --report=json --report-file="$w/report.json" \
              --diagnostics-format=json "$src") > /dev/null 2> "$w/domc-boot.err"
    then
        echo "boot $label: domc $opts --no-assign failed: $(head -n 3 "$w/domc-boot.err")"
        return 1
    fi
    python3 "$here/check.py" plan "$w/boot.dtb" "$w/report.json" \
        "$w/plan.json" > "$w/guests" 2> "$w/plan.err" ||
        { echo "boot $label: cannot plan the --no-assign boot"; return 1; }
    while read -r gname addr port; do
        img=$(guest "$gname" "$port") || return 1
        loaders+=(-device "loader,file=$img,addr=$addr,force-raw=on")
        n=$((n + 1))
    done < "$w/guests"
    boot "$xen" "$w/boot.dtb" "$w/console.log" "$n" "${loaders[@]}"
    BOOT_CONSOLE=$6 python3 "$here/check.py" compare "$label (--no-assign)" \
        "$w/plan.json" "$w/console.log" patched
}

result_of() {   # result_of COMMAND...: its output is the result line(s)
    local o st
    o=$("$@")
    st=$?
    result $st "$o"
}

# -------------------------------------------------------------- self-test
# The comparison must be able to fail: doctored copies of a real boot's
# report, log and diagnostics must each be reported as a mismatch.
selftest() {
    local w=$out/4.17 s=$out/self-test found=() o
    mkdir -p "$s"
    rm -f "$s"/*
    if [ ! -s "$w/explicit-takes-implicit/console.log" ] ||
       [ ! -s "$w/stock-collision/console.log" ] || [ ! -s "$w/evtchn/console.log" ]; then
        result 1 "boot self-test: needs the explicit-takes-implicit, evtchn and stock-collision boots"
        return
    fi
    # 1. report: swap the IDs of the first two domains.
    python3 - "$w/explicit-takes-implicit/plan.json" "$s/swapped.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
d = p['domains']
d[0]['id'], d[1]['id'] = d[1]['id'], d[0]['id']
json.dump(p, open(sys.argv[2], 'w'))
EOF
    # 2. log: one guest claims another domain's ID.
    sed -E 's/^\(d1\) guest /(d4) guest /' "$w/explicit-takes-implicit/console.log" \
        > "$s/wrong-guest.log"
    # 3. evtchn: the guest's peer is another domain.
    sed -E 's/remote d2/remote d1/' "$w/evtchn/console.log" > "$s/wrong-peer.log"
    # 4. stock: domc "forgot" one [-Wdomid_stock_xen] warning.
    awk '/domid_stock_xen/ && !done { done = 1; next } { print }' \
        "$w/stock-collision/domc-boot.err" > "$s/missing-warning.err"
    local cases=(
        "swapped report IDs|compare self-test $s/swapped.json $w/explicit-takes-implicit/console.log patched"
        "guest line with a wrong ID|compare self-test $w/explicit-takes-implicit/plan.json $s/wrong-guest.log patched"
        "wrong event channel peer|compare self-test $w/evtchn/plan.json $s/wrong-peer.log patched"
        "missing stock-Xen warning|compare self-test $w/stock-collision/plan.json $w/stock-collision/console.log stock $s/missing-warning.err"
        "a boot log without the panic|panic self-test $w/explicit-takes-implicit/console.log $w/collision/domc.err $w/collision/report.json"
    )
    local c what args undetected=()
    for c in "${cases[@]}"; do
        what=${c%%|*}
        args=${c#*|}
        # shellcheck disable=SC2086
        if python3 "$here/check.py" $args > "$s/$(echo "$what" | tr ' ' -).out" 2>&1; then
            undetected+=("$what")
        else
            found+=("$what")
        fi
    done
    if [ ${#undetected[@]} = 0 ]; then
        o=$(head -n 1 "$s/swapped-report-IDs.out")
        result 0 "boot self-test: ${#found[@]}/${#cases[@]} doctored expectations detected as mismatches (e.g. ${o#boot self-test: })"
    else
        result 1 "boot self-test: not detected: $(IFS=,; echo "${undetected[*]}") (outputs in $s)"
    fi
}

# ------------------------------------------------------------------- main
started=$SECONDS
scenarios=("$here"/scenarios/*.dts)
for f in "${scenarios[@]}"; do
    scenario 4.17 "$f" "$out/xen/patched-4.17.xen" "$out/xen/stock-4.17.xen"
done
selftest
if [ -n "$upstream" ]; then
    [ -d "$upstream" ] && upstream=$upstream/xen/xen
    [ -n "$upstream_stock" ] && [ -d "$upstream_stock" ] &&
        upstream_stock=$upstream_stock/xen/xen
    if [ ! -f "$upstream" ]; then
        result 1 "boot upstream: no hypervisor at $upstream"
    else
        for f in "${scenarios[@]}"; do
            scenario upstream "$f" "$upstream" "$upstream_stock"
        done
    fi
fi
echo "boot: $((SECONDS - started)) s (logs: $out)"
finish
