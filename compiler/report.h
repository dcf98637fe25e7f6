/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --report: the domain table, as text for people or as JSON (schema
 * doc/domid-report.schema.json, "domc-domid-report/1") for CI pipelines.
 */
#ifndef DOMC_REPORT_H
#define DOMC_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "domid.h"

struct report_options {
	bool json;
	const struct domid_options *domid;
};

int report_write(FILE *f, struct dt *dt, const struct domid_result *res,
		 const struct report_options *opt);

#endif
