/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DTS front end: runs the Flex lexer and Bison parser (grammar/) over a
 * source file and its /include/s, building the tree as dtc does: top-level
 * overrides, deletes and /omit-if-no-ref/ are applied in source order.
 */
#ifndef DOMC_FRONTEND_H
#define DOMC_FRONTEND_H

#include <stdbool.h>
#include <stdio.h>

#include "tree.h"

#define DTS_MAX_INCLUDE_DEPTH	200	/* as dtc: catches include cycles */
#define DTS_MAX_NESTING		4096	/* node nesting in one source */
#define DTS_MAX_FILE_SIZE	(1024L * 1024 * 1024)

struct dts_options {
	const char *const *include_dirs;	/* -i, in order */
	int n_include_dirs;
	FILE *depfile;		/* -d: each opened file is written to it */
	bool untyped_values;	/* the tree is not printed as DTS (see dt) */
};

/*
 * Parse name ("-" for stdin). Returns the tree (even when errors were
 * reported: diag_error_count() tells) or NULL if nothing could be built.
 */
struct dt *dts_parse_file(const char *name, const struct dts_options *opt);
/* Same, from memory (fuzzing, tests); name is used in diagnostics. */
struct dt *dts_parse_buffer(const char *name, const char *buf, size_t len,
			    const struct dts_options *opt);

#endif
