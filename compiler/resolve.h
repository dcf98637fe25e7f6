/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Resolve stage, after checks (which fix up references as dtc does):
 * the generated nodes of -A (aliases), -@ (__symbols__) and overlays
 * (__fixups__, __local_fixups__), and the boot CPU guess.
 */
#ifndef DOMC_RESOLVE_H
#define DOMC_RESOLVE_H

#include "tree.h"

/* Every labelled node gets a property "label = path" under /name;
 * alloc_phandles as for -@. */
void resolve_label_tree(struct dt *dt, const char *name, bool alloc_phandles);
void resolve_fixups_tree(struct dt *dt);
void resolve_local_fixups_tree(struct dt *dt);
/* dtc: reg of the first child of /cpus, if it is one cell; else 0. */
uint32_t resolve_guess_boot_cpuid(struct dt *dt);

#endif
