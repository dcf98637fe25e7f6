#!/bin/sh
# tests/valgrind-domc.sh ARGS...: runs domc under valgrind; a memory error or
# a definite/indirect leak exits 99. Pass this script as DOMC to
# tests/run.sh or tests/hostile.sh (make check-valgrind). DOMC_REAL names
# the binary (default: build/domc beside this script's tests/).
here=$(cd "$(dirname "$0")" && pwd)
exec valgrind --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect -q \
	"${DOMC_REAL:-$here/../build/domc}" "$@"
