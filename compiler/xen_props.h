/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The properties of a dom0less domain node (a xen,domain child of /chosen)
 * that Xen reads as fixed-size integers and cannot boot without: `cpus`
 * (u32, at least 1) and `memory` (u64 KiB, two cells). A wrong size reads
 * as absent in Xen, and an absent one is a panic at boot
 * (shared/spec/xen-bindings.md, section 4).
 */
#ifndef DOMC_XEN_PROPS_H
#define DOMC_XEN_PROPS_H

#include "tree.h"

/* Reports every problem of domain node n (errors, through diag). */
void xen_props_check(struct dt *dt, struct node *n);
/* --list-checks lines of these errors. */
void xen_props_list_checks(void);

#endif
