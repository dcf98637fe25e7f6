// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer harness: the whole compilation in memory, as main.c runs it.
 * The input is a DTB (by its magic) or DTS text; its last byte also picks
 * command-line options (-@, -A, -s, -f, -H, --stock-xen, --no-assign,
 * --xen, -V, --report=json), so option-dependent stages get fuzzed too.
 *
 * One oracle beyond "no crash": a blob domc wrote from an error-free tree
 * must read back without errors.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "domid.h"
#include "emit_dtb.h"
#include "emit_dts.h"
#include "frontend.h"
#include "fuzz_common.h"
#include "read_dtb.h"
#include "report.h"
#include "resolve.h"
#include "tree.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_silence_diag();
	return 0;
}

static void to_memory_dts(struct dt *dt)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	dts_write(f, dt);
	fclose(f);
	free(text);
}

static void to_memory_report(struct dt *dt, const struct domid_result *res,
			     const struct domid_options *dopt, bool json)
{
	struct report_options ro = { json, dopt };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	report_write(f, dt, res, &ro);
	fclose(f);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int versions[] = { 17, 16, 3, 2, 17, 17, 1, 17 };
	uint8_t sel = size ? data[size - 1] : 0;
	bool is_dtb = size >= 4 && data[0] == 0xd0 && data[1] == 0x0d &&
		      data[2] == 0xfe && data[3] == 0xed;
	struct check_options copt = { .generate_symbols = sel & 0x01 };
	struct domid_options dopt = {
		.xen_minor = XEN_OLDEST_MINOR + (sel >> 5) % 6,
		.stock = (sel & 0x40) && (sel & 0x04),
		.no_assign = (sel & 0x80) && (sel & 0x02),
	};
	struct dtb_options bopt = DTB_OPTIONS_DEFAULT;
	struct domid_result res = { 0 };
	struct dts_options opt = { 0 };
	bool force = sel & 0x10, failed;
	void *blob = NULL;
	size_t blob_len = 0;
	struct dt *dt;

	if (is_dtb) {
		dt = dtb_read("fuzz.dtb", data, size);
	} else {
		dt = dts_parse_buffer("fuzz.dts", (const char *)data, size,
				      &opt);
		if (dt && dt->root)
			dt->boot_cpuid_phys = resolve_guess_boot_cpuid(dt);
	}
	if (!dt || !dt->root || diag_error_count() > diag_check_error_count())
		goto out;
	dt->phandle_format = (sel & 0x0c) == 0x0c ? PHANDLE_BOTH :
			     (sel & 0x0c) == 0x08 ? PHANDLE_LEGACY :
			     PHANDLE_EPAPR;
	failed = checks_run(dt, &copt);
	domid_resolve(dt, &dopt, &res);
	failed = failed || diag_error_count();
	if (failed && !force)
		goto out;
	if (sel & 0x02)
		resolve_label_tree(dt, "aliases", false);
	if (sel & 0x01)
		resolve_label_tree(dt, "__symbols__", true);
	if (dt->dtsflags & DTSF_PLUGIN) {
		resolve_fixups_tree(dt);
		resolve_local_fixups_tree(dt);
	}
	if (sel & 0x08)
		dt_sort(dt);
	bopt.version = versions[(sel >> 2) & 7];
	if (dtb_flatten(dt, &bopt, &blob, &blob_len) == 0 && !failed &&
	    !diag_error_count() && bopt.version >= 16) {
		/* The written blob must read back cleanly. */
		struct dt *back = dtb_read("roundtrip.dtb", blob, blob_len);

		if (!back || diag_error_count()) {
			fprintf(stdout, "domc fuzz: the blob domc wrote does "
				"not read back\n");
			abort();
		}
		dt_free(back);
	}
	free(blob);
	to_memory_dts(dt);
	to_memory_report(dt, &res, &dopt, sel & 0x20);
out:
	domid_result_free(&res);
	dt_free(dt);
	diag_reset();
	return 0;
}
