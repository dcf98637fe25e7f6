// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: the DTB reader. */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "read_dtb.h"
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
	struct dt *dt = dtb_read("fuzz.dtb", data, size);

	dt_free(dt);
	diag_reset();
	return 0;
}
