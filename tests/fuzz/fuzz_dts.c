// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the DTS front end (lexer, parser, tree building). */
#include <stddef.h>
#include <stdint.h>

#include "frontend.h"
#include "fuzz_common.h"
#include "tree.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_silence_diag();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dts_options opt = { 0 };
	struct dt *dt;

	dt = dts_parse_buffer("fuzz.dts", (const char *)data, size, &opt);
	dt_free(dt);
	diag_reset();
	return 0;
}
