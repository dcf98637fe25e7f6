#!/bin/bash
# xen-patches/check.sh: check the Xen patch series in xen-patches/.
#
#  - hygiene of both series (4.17/ and upstream/): series files, trailing
#    whitespace, tabs and line length in added C code, Xen's "if ( x )"
#    spacing, Signed-off-by;
#  - fetches Debian bookworm's Xen 4.17 source with apt-get (once, cached),
#    applies the 4.17 series to a pristine copy (patch -p1 in series order,
#    no fuzz, no offsets, no rejects), cross-builds the arm64 hypervisor,
#    and compares its compiler warnings with a stock build of the same tree.
#
# Cache: ${DOMC_CACHE:-/var/cache/domc-tests}/xen (outside the clone).  The
# hypervisors stay at $cache/build-stock/xen/xen and
# $cache/build-patched/xen/xen; the patched tree is rebuilt only when the
# 4.17 series changes.  Set XEN_PATCHES_BOOT=1 to also run the QEMU boot
# scenarios of proof/run.sh against both hypervisors.
#
# Output: one line per check ("xen-patches: NAME ok|FAILED ..."), then
# "N passed, N failed"; the exit status is non-zero if any check failed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${DOMC_CACHE:-/var/cache/domc-tests}/xen
xen_version=4.17.5+72-g01140da4e8-1
cross=aarch64-linux-gnu-
make_args=(XEN_TARGET_ARCH=arm64 CROSS_COMPILE=$cross)
jobs=$(nproc 2>/dev/null || echo 2)

pass=0
fail=0
ok() { echo "xen-patches: $1 ok${2:+ ($2)}"; pass=$((pass + 1)); }
bad() { echo "xen-patches: $1 FAILED${2:+: $2}"; fail=$((fail + 1)); }
finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ] && exit 0
    exit 1
}

mkdir -p "$cache"
exec 9> "$cache/.lock"
flock 9

# ---------------------------------------------------------------- hygiene
# check_series DIR: prints problems, one a line.
check_series() {
    local dir=$1 p f
    [ -f "$dir/series" ] || { echo "$dir: no series file"; return; }
    while read -r p; do
        case $p in ''|'#'*) continue ;; esac
        [ -f "$dir/$p" ] || echo "$dir/series: $p missing"
    done < "$dir/series"
    for f in "$dir"/*.patch; do
        [ -e "$f" ] || { echo "$dir: no patches"; return; }
        grep -qxF "$(basename "$f")" "$dir/series" ||
            echo "$f: not listed in series"
        grep -q '^Subject: \[PATCH' "$f" || echo "$f: no Subject"
        grep -q '^Signed-off-by: ' "$f" || echo "$f: no Signed-off-by"
        # Added lines, tagged with the file they belong to.
        awk -v patch="$(basename "$f")" '
            /^\+\+\+ / { file = substr($2, 3); next }
            /^diff --git / { file = ""; next }
            /^\+/ && file != "" {
                line = substr($0, 2)
                if ( line ~ /[ \t]$/ )
                    print patch ": " file ": trailing whitespace: " line
                if ( file ~ /\.[ch]$/ ) {
                    if ( line ~ /\t/ )
                        print patch ": " file ": tab: " line
                    if ( length(line) > 80 && line !~ /"/ )
                        print patch ": " file ": longer than 80: " line
                    if ( line ~ /(^|[^a-z_])(if|while|for|switch) \([^ ]/ ||
                         line ~ /(^|[^a-z_])(if|while|for|switch)\(/ )
                        print patch ": " file ": CODING_STYLE spacing: " line
                }
            }' "$f"
    done
}

for s in 4.17 upstream; do
    problems=$(check_series "$here/$s")
    if [ -z "$problems" ]; then
        ok "hygiene $s"
    else
        bad "hygiene $s" "$(echo "$problems" | head -n 5 | tr '\n' ';')"
    fi
done

# ------------------------------------------------------------------ tools
need=()
for pair in "${cross}gcc:gcc-aarch64-linux-gnu" \
            "${cross}ld:binutils-aarch64-linux-gnu" \
            bc:bc flex:flex bison:bison python3:python3 make:make \
            patch:patch dpkg-source:dpkg-dev; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        bad tools "missing ${need[*]} (run as root to install)"
        finish
    fi
    apt-get update -q >/dev/null 2>&1 || true
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
             --no-install-recommends "${need[@]}" > "$cache/apt.log" 2>&1; then
        bad tools "apt-get install ${need[*]} failed, see $cache/apt.log"
        finish
    fi
fi
ok tools

# ----------------------------------------------------------------- source
enable_deb_src() {
    local f=/etc/apt/sources.list.d/debian.sources
    local out=/etc/apt/sources.list.d/domc-deb-src.sources
    if [ -f "$f" ]; then
        sed 's/^Types: deb$/Types: deb-src/' "$f" > "$out"
    elif [ -f /etc/apt/sources.list ]; then
        sed -n 's/^deb /deb-src /p' /etc/apt/sources.list \
            > /etc/apt/sources.list.d/domc-deb-src.list
    fi
    apt-get update -q >/dev/null 2>&1 || true
}

src=$cache/src
pristine=$(find "$src" -mindepth 1 -maxdepth 1 -type d -name 'xen-4.17*' \
               2>/dev/null | head -n 1)
if [ -z "$pristine" ] || [ ! -f "$src/.complete" ]; then
    rm -rf "$src"
    mkdir -p "$src"
    if ! apt-cache showsrc xen 2>/dev/null | grep -q '^Version:'; then
        [ "$(id -u)" -eq 0 ] && enable_deb_src
    fi
    if ! (cd "$src" && { apt-get source -q "xen=$xen_version" ||
                         apt-get source -q xen; }) > "$cache/source.log" 2>&1
    then
        bad source "apt-get source xen failed, see $cache/source.log"
        finish
    fi
    touch "$src/.complete"
    pristine=$(find "$src" -mindepth 1 -maxdepth 1 -type d -name 'xen-4.17*' |
               head -n 1)
fi
if [ -z "$pristine" ]; then
    bad source "no xen-4.17* directory in $src"
    finish
fi
version=$(head -n 1 "$pristine/debian/changelog" | sed 's/.*(\(.*\)).*/\1/')
ok source "xen $version"

# Options on top of defconfig, for both builds: boot-time cpupools, which
# the cpupool scenario of the boot test (tests/boot/) needs.
xen_config=(CONFIG_BOOT_TIME_CPUPOOLS=y)

# build TREE LOG: defconfig + xen_config + build of the arm64 hypervisor.
build() {
    { make -C "$1/xen" "${make_args[@]}" defconfig &&
      printf '%s\n' "${xen_config[@]}" >> "$1/xen/.config" &&
      make -C "$1/xen" "${make_args[@]}" olddefconfig &&
      make -C "$1/xen" "${make_args[@]}" -j"$jobs"; } > "$2" 2>&1
}

# Warnings of a build log, without line/column numbers.
warnings() {
    grep -E '(warning|Warning):' "$1" |
        sed -E 's/:[0-9]+:[0-9]+:/:/; s/:[0-9]+:/:/' | sort -u
}

# ------------------------------------------------------------ stock build
stock=$cache/build-stock
stock_stamp="$version ${xen_config[*]}"
if [ -f "$stock/.stamp" ] && [ "$(cat "$stock/.stamp")" = "$stock_stamp" ] &&
   [ -f "$stock/xen/xen" ]; then
    ok "stock build" cached
else
    rm -rf "$stock"
    cp -a "$pristine" "$stock"
    if build "$stock" "$cache/build-stock.log"; then
        echo "$stock_stamp" > "$stock/.stamp"
        ok "stock build"
    else
        bad "stock build" "see $cache/build-stock.log"
    fi
fi

# ------------------------------------------------------- apply and build
patched=$cache/build-patched
hash=$( { echo "$version ${xen_config[*]}"
          cat "$here/4.17/series"
          while read -r p; do
              case $p in ''|'#'*) continue ;; esac
              cat "$here/4.17/$p"
          done < "$here/4.17/series"; } | sha256sum | cut -d' ' -f1)
if [ -f "$patched/.stamp" ] && [ "$(cat "$patched/.stamp")" = "$hash" ] &&
   [ -f "$patched/xen/xen" ]; then
    ok apply cached
    ok build cached
else
    rm -rf "$patched"
    cp -a "$pristine" "$patched"
    applied=1
    : > "$cache/apply.log"
    while read -r p; do
        case $p in ''|'#'*) continue ;; esac
        out=$(cd "$patched" && patch -p1 -F0 -N --no-backup-if-mismatch \
                  < "$here/4.17/$p" 2>&1) || applied=0
        echo "$out" >> "$cache/apply.log"
        if [ $applied = 0 ] || echo "$out" | grep -qiE 'hunk|fuzz|offset|reject'
        then
            bad apply "$p (see $cache/apply.log)"
            applied=0
            break
        fi
    done < "$here/4.17/series"
    if [ $applied = 1 ]; then
        ok apply "$(grep -cvE '^(#|$)' "$here/4.17/series") patches"
        if build "$patched" "$cache/build-patched.log"; then
            echo "$hash" > "$patched/.stamp"
            ok build "$patched/xen/xen"
        else
            bad build "see $cache/build-patched.log"
        fi
    fi
fi

# --------------------------------------------------------------- warnings
if [ -f "$cache/build-stock.log" ] && [ -f "$cache/build-patched.log" ] &&
   [ -f "$patched/xen/xen" ]; then
    new=$(comm -13 <(warnings "$cache/build-stock.log") \
                   <(warnings "$cache/build-patched.log"))
    if [ -z "$new" ]; then
        ok "no new warnings"
    else
        bad "no new warnings" "$(echo "$new" | head -n 3 | tr '\n' ';')"
    fi
else
    bad "no new warnings" "no build logs to compare"
fi

# ------------------------------------------------------- optional booting
if [ "${XEN_PATCHES_BOOT:-0}" = 1 ]; then
    if bash "$here/proof/run.sh" "$patched/xen/xen" "$cache/boot-patched" \
            > "$cache/boot-patched.log" 2>&1; then
        ok "boot patched" "$(tail -n 1 "$cache/boot-patched.log")"
    else
        bad "boot patched" "see $cache/boot-patched.log"
    fi
    if bash "$here/proof/run.sh" --stock "$stock/xen/xen" "$cache/boot-stock" \
            > "$cache/boot-stock.log" 2>&1; then
        ok "boot stock" "$(tail -n 1 "$cache/boot-stock.log")"
    else
        bad "boot stock" "see $cache/boot-stock.log"
    fi
fi

finish
