# tests/lib.sh: helpers shared by the test scripts (POSIX sh, sourced).
#
#   . tests/lib.sh
#   t_init                  make $WORK (removed at exit), zero the counters
#   t_pass / t_fail MSG     count one test; a failure prints "FAIL: MSG"
#   t_summary               print "N passed, N failed"; status 1 on failures
#   t_abs PATH              absolute form of PATH (file need not exist)
#   t_tool NAME-OR-PATH     the compiler as an absolute path (a bare name via PATH)
#   t_flags FILE            extra flags from a first line "// flags: ..."

T_PASS=0
T_FAIL=0

t_init() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/domc-tests.XXXXXX") || exit 2
	trap 't_cleanup' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

t_cleanup() {
	[ -n "${WORK:-}" ] && [ -d "$WORK" ] && rm -rf "$WORK"
}

t_pass() { T_PASS=$((T_PASS + 1)); }

t_fail() {
	T_FAIL=$((T_FAIL + 1))
	echo "FAIL: $*"
}

t_summary() {
	echo "$T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}

t_abs() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$(pwd)" "$1" ;;
	esac
}

# A compiler given by name only (dtc) is looked up in PATH; a path is made
# absolute so that it still works after a cd.
t_tool() {
	case $1 in
	*/*) t_abs "$1" ;;
	*) command -v "$1" || printf '%s\n' "$1" ;;
	esac
}

t_flags() {
	sed -n '1s|^// *flags: *||p' "$1"
}

