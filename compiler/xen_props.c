// SPDX-License-Identifier: GPL-2.0-or-later
#include "xen_props.h"

#include <stdio.h>

/*
 * Xen's dt_property_read_u32/u64 take a property of at least 4/8 bytes
 * and ignore the rest; shorter is "absent". Exactly one value is required
 * here: a longer property is a mistake Xen only hides.
 */
static const char *size_consequence(const struct property *p,
				    uint32_t want, const char *absent)
{
	static char buf[256];

	if (p->val.len < want)
		snprintf(buf, sizeof(buf), "Xen reads it as absent and does "
			 "not boot (%s)", absent);
	else
		snprintf(buf, sizeof(buf), "Xen reads only the first %u bytes",
			 want);
	return buf;
}

static const char *of_string(const struct property *p)
{
	return data_is_one_string(&p->val) ? " of string" : "";
}

#define MEMORY_PANIC "\"cannot read \\\"memory\\\" property\""

static void check_memory(struct dt *dt, struct node *n)
{
	struct property *p = node_get_prop(n, "memory");

	if (!p) {
		diag_node(dt, DIAG_ERROR, n, "domain_memory",
			  "xen,domain node without 'memory': Xen does not boot "
			  "(" MEMORY_PANIC ")");
		return;
	}
	if (p->val.len != 8)
		diag_prop(dt, DIAG_ERROR, n, p, "domain_memory",
			  "'memory' must be one 64-bit value in KiB (two "
			  "cells: <0x0 N>), not %u byte%s%s: %s", p->val.len,
			  p->val.len == 1 ? "" : "s", of_string(p),
			  size_consequence(p, 8, MEMORY_PANIC));
}

static void check_cpus(struct dt *dt, struct node *n)
{
	struct property *p = node_get_prop(n, "cpus");
	char absent[160];

	snprintf(absent, sizeof(absent),
		 "\"Missing property 'cpus' for domain %.64s\"", n->name);
	if (!p) {
		diag_node(dt, DIAG_ERROR, n, "domain_cpus",
			  "xen,domain node without 'cpus': Xen does not boot "
			  "(%s)", absent);
		return;
	}
	if (p->val.len != 4) {
		diag_prop(dt, DIAG_ERROR, n, p, "domain_cpus",
			  "'cpus' must be one 32-bit cell (<N>), not %u "
			  "byte%s%s: %s", p->val.len,
			  p->val.len == 1 ? "" : "s", of_string(p),
			  size_consequence(p, 4, absent));
		return;
	}
	if (prop_cell(p, 0) == 0)
		diag_prop(dt, DIAG_ERROR, n, p, "domain_cpus",
			  "'cpus' is 0: a domain needs at least one vCPU (Xen "
			  "does not boot: \"Error creating domain %.64s\")",
			  n->name);
}

void xen_props_check(struct dt *dt, struct node *n)
{
	check_cpus(dt, n);
	check_memory(dt, n);
}

void xen_props_list_checks(void)
{
	printf("%-36s %-8s  %s\n", "domain_cpus", "error",
	       "xen,domain 'cpus' missing, 0 or not one 32-bit cell");
	printf("%-36s %-8s  %s\n", "domain_memory", "error",
	       "xen,domain 'memory' missing or not one 64-bit value");
}
