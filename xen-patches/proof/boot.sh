#!/bin/bash
# Boot a Xen arm64 hypervisor dom0less under QEMU with one tiny guest per
# domain and print the serial log on stdout.
#
#   boot.sh XEN WORKDIR DOMAIN...
#
# XEN is a hypervisor binary (xen/xen) or a Xen source tree in which it was
# built (TREE/xen/xen).  WORKDIR is a scratch directory (created).  Each
# DOMAIN is NAME (no domid property), NAME=ID (domid = <ID>) or NAME=raw:CELLS
# (domid = <CELLS>, e.g. "raw:1 2" for a two-cell property), optionally
# followed by ";PROPERTIES" copied into the node (e.g. ";capabilities = <2>;").
# Every guest
# prints "guest NAME" through HYPERVISOR_console_io, so Xen shows it as
# "(dN) guest NAME" (the hardware domain's text comes without the prefix).  The run stops at the first "Panic on CPU", once every
# guest has printed, or after BOOT_TIMEOUT seconds (default 30).
#
# BOOT_EVTCHN="NAME:PORT:PEER:PEERPORT" adds a static event channel (a
# xen,evtchn-v1 node in each of the two domain nodes) between local port
# PORT of domain NAME and port PEERPORT of domain PEER; those two guests
# then also print "guest NAME evtchn PORT status 2 remote dR", R being the
# domain ID Xen reports for the peer.
set -eu

if [ $# -lt 3 ]; then
    echo "usage: $0 XEN WORKDIR DOMAIN..." >&2
    exit 2
fi
xen=$1 work=$2
shift 2
[ -d "$xen" ] && xen=$xen/xen/xen
[ -f "$xen" ] || { echo "$0: no hypervisor at $xen" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
cross=${CROSS_COMPILE:-aarch64-linux-gnu-}
qemu_machine="virt,virtualization=on,gic-version=3"
qemu_args=(-cpu cortex-a57 -smp 2 -m 2048)

# QEMU's own board tree, dumped once.
if [ ! -s "$work/virt.dts" ]; then
    qemu-system-aarch64 -machine "$qemu_machine,dumpdtb=$work/virt.dtb" \
        "${qemu_args[@]}" -display none -nic none >/dev/null 2>&1
    dtc -q -I dtb -O dts -o "$work/virt.dts" "$work/virt.dtb"
fi

{
    cat "$work/virt.dts"
    cat <<EOT

/ {
    chosen {
        #address-cells = <2>;
        #size-cells = <2>;
        xen,xen-bootargs = "console=dtuart dtuart=/pl011@9000000 guest_loglvl=all bootscrub=0";
EOT
} > "$work/boot.dts"

loader=()
ev_name= ev_port= ev_peer= ev_peerport=
if [ -n "${BOOT_EVTCHN:-}" ]; then
    IFS=: read -r ev_name ev_port ev_peer ev_peerport <<< "$BOOT_EVTCHN"
fi
addr=$((0x50000000))
if [ -n "${BOOT_DOM0:-}" ]; then
    # A classic dom0: a kernel module directly under /chosen.
    set -- "@dom0" "$@"
fi
for dom in "$@"; do
    extra=
    case $dom in
        *\;*) extra=${dom#*;}; dom=${dom%%;*} ;;
    esac
    name=${dom%%=*}
    prop=
    if [ "$dom" != "$name" ]; then
        val=${dom#*=}
        case $val in
            raw:*) prop="domid = <${val#raw:}>;" ;;
            *) prop="domid = <$val>;" ;;
        esac
    fi
    evtchn=
    defs=()
    if [ "$name" = "$ev_name" ]; then
        evtchn="ec_${name//-/_}: evtchn { compatible = \"xen,evtchn-v1\"; xen,evtchn = <$ev_port &ec_${ev_peer//-/_}>; };"
        defs=(-DEVTCHN_PORT="$ev_port")
    elif [ "$name" = "$ev_peer" ]; then
        evtchn="ec_${name//-/_}: evtchn { compatible = \"xen,evtchn-v1\"; xen,evtchn = <$ev_peerport &ec_${ev_name//-/_}>; };"
        defs=(-DEVTCHN_PORT="$ev_peerport")
    fi
    bin=$work/guest-$name.bin
    "${cross}gcc" -c -DMSG="\"guest $name\"" "${defs[@]}" "$here/guest.S" -o "$work/guest-$name.o"
    "${cross}ld" -Ttext=0 "$work/guest-$name.o" -o "$work/guest-$name.elf"
    "${cross}objcopy" -O binary "$work/guest-$name.elf" "$bin"
    size=$(stat -c %s "$bin")
    hex=$(printf '0x%x' "$addr")
    if [ "$name" = "@dom0" ]; then
        cat >> "$work/boot.dts" <<EOT
        module@${hex#0x} {
            compatible = "multiboot,kernel", "multiboot,module";
            reg = <0x0 $hex 0x0 $(printf '0x%x' "$size")>;
        };
EOT
        loader+=(-device "loader,file=$bin,addr=$hex,force-raw=on")
        addr=$((addr + 0x100000))
        continue
    fi
    cat >> "$work/boot.dts" <<EOT
        $name {
            compatible = "xen,domain";
            #address-cells = <2>;
            #size-cells = <2>;
            cpus = <1>;
            memory = <0x0 0x10000>;
            $prop
            $evtchn
            $extra
            module@${hex#0x} {
                compatible = "multiboot,kernel", "multiboot,module";
                reg = <0x0 $hex 0x0 $(printf '0x%x' "$size")>;
            };
        };
EOT
    loader+=(-device "loader,file=$bin,addr=$hex,force-raw=on")
    addr=$((addr + 0x100000))
done
printf '    };\n};\n' >> "$work/boot.dts"
dtc -q -I dts -O dtb -o "$work/boot.dtb" "$work/boot.dts"

log=$work/console.log
: > "$log"
qemu-system-aarch64 -machine "$qemu_machine" "${qemu_args[@]}" \
    -display none -monitor none -nic none -serial "file:$log" -no-reboot \
    -kernel "$xen" -dtb "$work/boot.dtb" "${loader[@]}" 2> "$work/qemu.err" &
qemu=$!
deadline=$((SECONDS + ${BOOT_TIMEOUT:-30}))
while kill -0 "$qemu" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
    if grep -q "Panic on CPU" "$log" ||
       [ "$(grep -cE '^(\(d[0-9]+\) )?guest ' "$log")" -ge $# ]; then
        sleep 0.5   # let the panic text finish
        break
    fi
    sleep 0.2
done
kill "$qemu" 2>/dev/null || true
wait "$qemu" 2>/dev/null || true
tr -d '\r' < "$log"
