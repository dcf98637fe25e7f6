/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Checks and the fixups dtc runs as checks (phandle and path references,
 * /omit-if-no-ref/), in dtc 1.6.1's order: each check walks the whole tree
 * before the next starts, and a check whose prerequisite failed is skipped,
 * because output bytes (phandle numbers) depend on that order.
 */
#ifndef DOMC_CHECKS_H
#define DOMC_CHECKS_H

#include <stdbool.h>

#include "tree.h"

struct check_options {
	bool generate_symbols;	/* -@: labelled nodes keep omit-if-no-ref */
};

/* -W / -E name or no-name; false if the name is unknown. */
bool checks_set_level(const char *arg, bool is_error);
/* Runs every enabled check; true if an error-level check failed. */
bool checks_run(struct dt *dt, const struct check_options *opt);
/*
 * The checks the front end raises while parsing (integer_overflow,
 * memreserve_overflow, nul_in_source) follow -W/-E like every other: true,
 * with the level to report at, if the named check is enabled.
 */
bool checks_level(const char *name, enum diag_level *level);
/*
 * Hands over the nodes that had a live `domid` property when the last
 * checks_run() surveyed dt, in tree order (*v is the caller's to free;
 * omit_unused_nodes may have deleted some since). The survey already
 * visits every property, so domid_resolve() need not walk the whole tree
 * again. False if checks_run() has not surveyed dt since the last call:
 * the caller then looks for itself.
 */
bool checks_take_domid_nodes(const struct dt *dt, struct node ***v,
			     size_t *n);
/* Prints the check names with their levels (--list-checks). */
void checks_list(void);

#endif
