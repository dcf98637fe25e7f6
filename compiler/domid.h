/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Domain IDs (shared/spec/domid.md): find every domain Xen builds at boot,
 * check each `domid` property, predict the ID Xen gives each domain in the
 * patched Xen's order (dom0, then requested IDs, then the rest in tree order
 * from the lowest free ID >= 1) or stock Xen's (tree order), and write the
 * result into every domain node ("static reservation").
 */
#ifndef DOMC_DOMID_H
#define DOMC_DOMID_H

#include <stdbool.h>
#include <stdint.h>

#include "tree.h"

#define XEN_NEWEST_MINOR	22	/* newest release the spec covers */
#define XEN_OLDEST_MINOR	17

enum domid_how {
	DOMID_HOW_UNDECIDED,
	DOMID_HOW_DOM0,		/* classic dom0: always 0 */
	DOMID_HOW_REQUESTED,	/* its `domid` property */
	DOMID_HOW_ASSIGNED,	/* lowest free ID, by domc / DOMID_ANY */
	DOMID_HOW_TREE_ORDER,	/* stock Xen: 1, 2, 3 ... in /chosen order */
};

struct domain {
	struct node *node;	/* xen,domain node; /chosen for dom0 */
	struct property *domid_prop;
	struct node *kernel;	/* kernel module node, if any */
	struct node *cpupool;	/* domain-cpupool target, if any */
	uint32_t requested;
	bool has_request, hyperlaunch;
	bool conflict;		/* its requested ID is another's */
	uint16_t id;
	bool has_id;
	enum domid_how how;
	uint32_t caps;		/* capabilities (permissions in Hyperlaunch) */
	bool has_caps;
	uint32_t vcpus;
	bool has_vcpus;
	uint64_t memory_kib;
	bool has_memory;
};

struct domid_options {
	int xen_minor;		/* 4.<minor> */
	bool stock;		/* --stock-xen */
	bool no_assign;		/* --no-assign */
};

struct domid_result {
	struct domain *domains;	/* tree order, dom0 first */
	size_t n;
	bool any;		/* the tree has domains at all */
	uint16_t next_toolstack_id;	/* DOMID_INVALID when none left */
	uint32_t free_ids;
};

/* Parses "4.17" .. "4.22"; false if not a covered version. */
bool domid_parse_xen_version(const char *s, int *minor);
/* -W/-E names of the domid warnings; false if unknown. */
bool domid_set_level(const char *name, bool enable, bool is_error);
void domid_list_checks(void);

/* Runs the checks and the assignment; errors go through diag. */
void domid_resolve(struct dt *dt, const struct domid_options *opt,
		   struct domid_result *res);
void domid_result_free(struct domid_result *res);

#endif
