/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared set-up of the libFuzzer harnesses (tests/fuzz/README.md).
 *
 * diag prints to stderr. The harnesses keep diagnostics fully formatted
 * (carets included, so that code is fuzzed too) but point the stdio
 * stream `stderr` at /dev/null; file descriptor 2 stays open, so
 * libFuzzer's and the sanitizers' reports still reach the terminal.
 */
#ifndef DOMC_FUZZ_COMMON_H
#define DOMC_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include "diag.h"

static void fuzz_silence_diag(void)
{
	FILE *null;

	if (getenv("DOMC_FUZZ_VERBOSE"))
		return;
	null = fopen("/dev/null", "w");
	if (null)
		stderr = null;
}

#endif
