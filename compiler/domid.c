// SPDX-License-Identifier: GPL-2.0-or-later
#include "domid.h"
#include "checks.h"
#include "domid_alloc.h"
#include "xen_props.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAP_HARDWARE 0x2u	/* DOMAIN_CAPS_HARDWARE; HL: permissions */

/* The domid warnings; the errors cannot be turned off. */
static struct domid_warning {
	const char *name;
	bool enabled, error;
	const char *what;
} warnings[] = {
	{ "domid_ignored", true, false,
	  "domid on a xen,domain node Xen never reads" },
	{ "domid_hyperlaunch_zero", true, false,
	  "Hyperlaunch domid = <0> taken literally" },
	{ "domid_stock_xen", true, false,
	  "a requested ID stock Xen will not honour" },
};

enum { W_IGNORED, W_HL_ZERO, W_STOCK };

bool domid_set_level(const char *name, bool enable, bool is_error)
{
	size_t i;

	for (i = 0; i < sizeof(warnings) / sizeof(warnings[0]); i++) {
		if (strcmp(warnings[i].name, name))
			continue;
		if (is_error)
			warnings[i].error = enable;
		else
			warnings[i].enabled = enable;
		if (enable)
			warnings[i].enabled = true;
		return true;
	}
	return false;
}

void domid_list_checks(void)
{
	size_t i;

	for (i = 0; i < sizeof(warnings) / sizeof(warnings[0]); i++)
		printf("%-36s %-8s  %s\n", warnings[i].name,
		       !warnings[i].enabled ? "off" :
		       warnings[i].error ? "error" : "warning",
		       warnings[i].what);
	printf("%-36s %-8s  %s\n", "domid_format", "error",
	       "domid is not one 32-bit cell");
	printf("%-36s %-8s  %s\n", "domid_range", "error",
	       "domid above 0xffff or reserved by Xen");
	printf("%-36s %-8s  %s\n", "domid_duplicate", "error",
	       "two domains request the same ID");
	printf("%-36s %-8s  %s\n", "domid_zero", "error",
	       "ID 0 where Xen cannot give it");
	printf("%-36s %-8s  %s\n", "domid_exhausted", "error",
	       "more domains than free IDs");
}

static bool warn_on(int w)
{
	return warnings[w].enabled;
}

static enum diag_level warn_level(int w)
{
	return warnings[w].error ? DIAG_ERROR : DIAG_WARNING;
}

bool domid_parse_xen_version(const char *s, int *minor)
{
	char *end;
	long m;

	if (strncmp(s, "4.", 2) != 0)
		return false;
	m = strtol(s + 2, &end, 10);
	if (*end || end == s + 2 || m < XEN_OLDEST_MINOR ||
	    m > XEN_NEWEST_MINOR)
		return false;
	*minor = (int)m;
	return true;
}

/* ---- reading the tree ------------------------------------------------ */

static bool strlist_has(const struct property *p, const char *what)
{
	size_t wlen = strlen(what);
	uint32_t off = 0;

	if (!p)
		return false;
	while (off < p->val.len) {
		const char *s = (const char *)p->val.val + off;
		size_t l = strnlen(s, p->val.len - off);

		if (l == wlen && memcmp(s, what, l) == 0)
			return true;
		off += (uint32_t)l + 1;
	}
	return false;
}

static bool compatible_has(const struct node *n, const char *what)
{
	return strlist_has(node_get_prop(n, "compatible"), what);
}

/* The properties read here: the first live one of each name. */
struct dprops {
	const struct property *compatible, *domid, *capabilities, *permissions,
			      *cpus, *memory, *cpupool;
};

/* One pass over n's properties instead of a search per name. */
static void read_props(const struct node *n, struct dprops *d)
{
	struct property *p;

	memset(d, 0, sizeof(*d));
	for_each_property(n, p) {
		const struct property **slot = NULL;
		const char *name = p->name;

		switch (name[0]) {
		case 'c':
			if (strcmp(name, "compatible") == 0)
				slot = &d->compatible;
			else if (strcmp(name, "capabilities") == 0)
				slot = &d->capabilities;
			else if (strcmp(name, "cpus") == 0)
				slot = &d->cpus;
			break;
		case 'd':
			if (strcmp(name, "domid") == 0)
				slot = &d->domid;
			else if (strcmp(name, "domain-cpupool") == 0)
				slot = &d->cpupool;
			break;
		case 'm':
			if (strcmp(name, "memory") == 0)
				slot = &d->memory;
			break;
		case 'p':
			if (strcmp(name, "permissions") == 0)
				slot = &d->permissions;
			break;
		}
		if (slot && !*slot)
			*slot = p;
	}
}

static bool read_u32(const struct property *p, uint32_t *v)
{
	if (!p || p->val.len != 4)
		return false;
	*v = prop_cell(p, 0);
	return true;
}

enum module_kind { MOD_NONE, MOD_KERNEL, MOD_RAMDISK, MOD_OTHER };

/*
 * Xen's early scan: a module must say multiboot,module (or the legacy
 * xen,multiboot-module); its kind comes from the more specific string, and
 * modules without one are guessed kernel, then ramdisk, by one counter over
 * the whole tree.
 */
static enum module_kind module_kind(const struct property *c, int *guesses)
{
	if (!strlist_has(c, "multiboot,module") &&
	    !strlist_has(c, "xen,multiboot-module"))
		return MOD_NONE;
	if (strlist_has(c, "multiboot,kernel") ||
	    strlist_has(c, "xen,linux-zimage"))
		return MOD_KERNEL;
	if (strlist_has(c, "multiboot,ramdisk") ||
	    strlist_has(c, "xen,linux-initrd"))
		return MOD_RAMDISK;
	if (strlist_has(c, "xen,xsm-policy") ||
	    strlist_has(c, "multiboot,device-tree") ||
	    strlist_has(c, "multiboot,microcode"))
		return MOD_OTHER;
	(*guesses)++;
	if (*guesses == 1)
		return MOD_KERNEL;
	return *guesses == 2 ? MOD_RAMDISK : MOD_OTHER;
}

struct scan {
	struct dt *dt;
	const struct domid_options *opt;
	struct domain *v;
	size_t n, cap;
	int guesses;
	struct node *dom0_kernel;
};

static struct domain *add_domain(struct scan *s, struct node *n)
{
	struct domain *d;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	d = &s->v[s->n++];
	memset(d, 0, sizeof(*d));
	d->node = n;
	return d;
}

static void read_domain(struct scan *s, struct domain *d,
			const struct dprops *dp)
{
	uint32_t ph;

	d->domid_prop = (struct property *)dp->domid;
	d->has_caps = read_u32(d->hyperlaunch ? dp->permissions :
			       dp->capabilities, &d->caps);
	d->has_vcpus = read_u32(dp->cpus, &d->vcpus);
	if (dp->memory && dp->memory->val.len == 8) {
		d->memory_kib = ((uint64_t)prop_cell(dp->memory, 0) << 32) |
				prop_cell(dp->memory, 1);
		d->has_memory = true;
	} else if (dp->memory && dp->memory->val.len == 4) {
		d->memory_kib = prop_cell(dp->memory, 0);
		d->has_memory = true;
	}
	if (read_u32(dp->cpupool, &ph))
		d->cpupool = dt_node_by_phandle(s->dt, ph);
}

static bool is_hyperlaunch_root(const struct node *n,
				const struct property *compatible)
{
	return strcmp(n->name, "hypervisor") == 0 ||
	       strlist_has(compatible, "hypervisor,xen");
}

/*
 * Xen's early scan, in tree order down to /chosen's grandchildren: a
 * kernel module in a xen,domain node is that domain's; one elsewhere
 * makes a classic dom0. Kinds are guessed with one counter in this order.
 * n is a child of a node (a xen,domain one if in_domain) whose kernel
 * module, the first found, goes to *kernel.
 */
static void scan_module(struct scan *s, struct node *n,
			const struct property *compatible, bool in_domain,
			struct node **kernel)
{
	if (module_kind(compatible, &s->guesses) != MOD_KERNEL)
		return;
	if (!in_domain && !s->dom0_kernel)
		s->dom0_kernel = n;
	else if (in_domain && !*kernel)
		*kernel = n;
}

/*
 * The domains, dom0 first, then in tree order: the xen,domain children of
 * /chosen and those of a Hyperlaunch root. One pass over /chosen's
 * children and grandchildren does the module scan as well, reading each
 * node's properties once.
 */
static void collect(struct scan *s, struct node *chosen)
{
	bool chosen_domain = compatible_has(chosen, "xen,domain");
	struct node *chosen_kernel = NULL;
	struct node *c, *g;
	struct dprops cp, gp;

	for_each_child(chosen, c) {
		struct node *kernel = NULL;
		size_t dom = (size_t)-1;
		bool c_domain, hl;

		read_props(c, &cp);
		scan_module(s, c, cp.compatible, chosen_domain,
			    &chosen_kernel);
		c_domain = strlist_has(cp.compatible, "xen,domain");
		hl = !c_domain && is_hyperlaunch_root(c, cp.compatible);
		if (c_domain) {
			dom = s->n;
			read_domain(s, add_domain(s, c), &cp);
		}
		for_each_child(c, g) {
			read_props(g, &gp);
			scan_module(s, g, gp.compatible, c_domain, &kernel);
			if (hl && strlist_has(gp.compatible, "xen,domain")) {
				struct domain *d = add_domain(s, g);

				d->hyperlaunch = true;
				read_domain(s, d, &gp);
			}
		}
		if (dom != (size_t)-1)
			s->v[dom].kernel = kernel;
	}
	if (s->dom0_kernel) {
		struct domain *d;

		add_domain(s, chosen);
		memmove(s->v + 1, s->v, (s->n - 1) * sizeof(*s->v));
		d = &s->v[0];
		memset(d, 0, sizeof(*d));
		d->node = chosen;
		d->how = DOMID_HOW_DOM0;
		d->kernel = s->dom0_kernel;
		d->caps = CAP_HARDWARE | 0x1;
	}
}

static bool is_domain_site(struct node *n, struct node *chosen)
{
	return n->parent == chosen ||
	       (n->parent && n->parent->parent == chosen &&
		is_hyperlaunch_root(n->parent,
				    node_get_prop(n->parent, "compatible")));
}

static void warn_ignored_node(struct dt *dt, struct node *n,
			      struct node *chosen)
{
	struct property *p;

	if (compatible_has(n, "xen,domain") && !is_domain_site(n, chosen) &&
	    (p = node_get_prop(n, "domid")))
		diag_prop(dt, warn_level(W_IGNORED), n, p, "domid_ignored",
			  "'domid' on a xen,domain node outside /chosen: Xen "
			  "only builds domains that are children of /chosen "
			  "and never reads this one");
}

static void warn_ignored_walk(struct dt *dt, struct node *n,
			      struct node *chosen)
{
	struct node *c;

	warn_ignored_node(dt, n, chosen);
	for_each_child(n, c)
		warn_ignored_walk(dt, c, chosen);
}

/*
 * Only nodes with a domid property can be warned about: checks_run()
 * listed those while walking the tree, in tree order, so the whole tree
 * is walked here only if it did not.
 */
static void warn_ignored(struct dt *dt, struct node *chosen)
{
	struct node **v;
	size_t n, i;

	if (!checks_take_domid_nodes(dt, &v, &n)) {
		warn_ignored_walk(dt, dt->root, chosen);
		return;
	}
	for (i = 0; i < n; i++)
		if (node_reached(v[i]))
			warn_ignored_node(dt, v[i], chosen);
	free(v);
}

/* ---- checks on requested IDs ------------------------------------------ */

static const char *xen_name(const struct domid_options *o)
{
	static char buf[16];

	snprintf(buf, sizeof(buf), "4.%d", o->xen_minor);
	return buf;
}

static bool check_format(struct dt *dt, struct domain *d)
{
	struct property *p = d->domid_prop;

	if (p->val.len != 4) {
		diag_prop(dt, DIAG_ERROR, d->node, p, "domid_format",
			  "'domid' must be one 32-bit cell (<N>), not %u "
			  "byte%s%s", p->val.len, p->val.len == 1 ? "" : "s",
			  data_is_one_string(&p->val) ? " of string" : "");
		return false;
	}
	d->requested = prop_cell(p, 0);
	if (d->requested > DOMID_MAX_VALUE) {
		diag_prop(dt, DIAG_ERROR, d->node, p, "domid_range",
			  "domid %u (0x%x) does not fit domid_t (16 bits); "
			  "valid IDs are 0..32751 (0x7fef)", d->requested,
			  d->requested);
		return false;
	}
	if (d->requested >= DOMID_FIRST_RESERVED) {
		const char *name = domid_reserved_name(d->requested);

		if (name)
			diag_prop(dt, DIAG_ERROR, d->node, p, "domid_range",
				  "0x%x is %s, reserved by Xen; valid IDs are "
				  "0..32751 (0x7fef)", d->requested, name);
		else
			diag_prop(dt, DIAG_ERROR, d->node, p, "domid_range",
				  "0x%x is in Xen's reserved range (0x7ff0 and "
				  "up); valid IDs are 0..32751 (0x7fef)",
				  d->requested);
		return false;
	}
	d->has_request = true;
	return true;
}

static struct domain *hardware_domain(struct scan *s, struct domain *except)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (&s->v[i] != except && s->v[i].how != DOMID_HOW_DOM0 &&
		    (s->v[i].caps & CAP_HARDWARE))
			return &s->v[i];
	return NULL;
}

static bool check_zero(struct scan *s, struct domain *d)
{
	struct dt *dt = s->dt;
	struct property *p = d->domid_prop;
	struct domain *hw;

	if (d->hyperlaunch && warn_on(W_HL_ZERO))
		diag_prop(dt, warn_level(W_HL_ZERO), d->node, p,
			  "domid_hyperlaunch_zero",
			  "Hyperlaunch's design reads domid 0 as \"next "
			  "available\"; domc takes it literally: ID 0");
	if (s->dom0_kernel) {
		diag_prop(dt, DIAG_ERROR, d->node, p, "domid_zero",
			  "ID 0 belongs to dom0 (kernel module %s)",
			  node_path(dt, s->dom0_kernel));
		return false;
	}
	if (s->opt->xen_minor < 21) {
		diag_prop(dt, DIAG_ERROR, d->node, p, "domid_zero",
			  "Xen %s cannot make a xen,domain node the hardware "
			  "domain, which ID 0 is; the patched Xen refuses "
			  "domid 0 at boot", xen_name(s->opt));
		return false;
	}
	if (!(d->caps & CAP_HARDWARE)) {
		diag_prop(dt, DIAG_ERROR, d->node, p, "domid_zero",
			  "ID 0 makes this domain the hardware domain, but "
			  "its %s lack the hardware bit (0x2)",
			  d->hyperlaunch ? "permissions" : "capabilities");
		return false;
	}
	hw = hardware_domain(s, d);
	if (hw) {
		diag_prop(dt, DIAG_ERROR, d->node, p, "domid_zero",
			  "ID 0 makes this domain the hardware domain, but %s "
			  "already has the hardware capability",
			  node_path(dt, hw->node));
		return false;
	}
	return true;
}

/* First requester of each ID, for the duplicate note. */
static bool check_requests(struct scan *s)
{
	struct domain **first = calloc(DOMID_FIRST_RESERVED, sizeof(*first));
	bool ok = true;
	size_t i;

	if (!first)
		first = xmalloc(1);
	for (i = 0; i < s->n; i++) {
		struct domain *d = &s->v[i];

		if (!d->domid_prop || d->how == DOMID_HOW_DOM0)
			continue;
		if (!check_format(s->dt, d)) {
			ok = false;
			continue;
		}
		if (s->opt->stock)
			continue;
		if (d->requested == 0 && !check_zero(s, d)) {
			ok = false;
			continue;
		}
		if (first[d->requested]) {
			struct domain *f = first[d->requested];

			diag_prop(s->dt, DIAG_ERROR, d->node, d->domid_prop,
				  "domid_duplicate", "domid %u is already "
				  "requested by %s", d->requested,
				  node_path(s->dt, f->node));
			diag_prop(s->dt, DIAG_NOTE, f->node, f->domid_prop,
				  NULL, "first requested here");
			d->conflict = true;
			ok = false;
			continue;
		}
		first[d->requested] = d;
	}
	free(first);
	return ok;
}

/* ---- assignment --------------------------------------------------------- */

static void exhausted(struct scan *s, struct domain *d, size_t needed,
		      uint32_t free_ids)
{
	diag_node(s->dt, DIAG_ERROR, d->node, "domid_exhausted",
		  "no domain ID left for this domain: %zu domains need an "
		  "automatic ID but only %u are free (IDs 1..32751; automatic "
		  "allocation never hands out 0)", needed, free_ids);
}

static void assign_patched(struct scan *s, struct domid_alloc *a)
{
	size_t i, needed = 0;
	uint32_t free_ids;

	for (i = 0; i < s->n; i++) {
		struct domain *d = &s->v[i];

		if (d->how == DOMID_HOW_DOM0) {
			d->id = domid_alloc(a, 0);
			d->has_id = true;
		}
	}
	for (i = 0; i < s->n; i++) {
		struct domain *d = &s->v[i];

		if (d->how == DOMID_HOW_DOM0 || !d->has_request ||
		    d->conflict)
			continue;
		d->id = domid_alloc(a, (uint16_t)d->requested);
		d->has_id = d->id != DOMID_INVALID;
		d->how = DOMID_HOW_REQUESTED;
	}
	for (i = 0; i < s->n; i++)
		if (s->v[i].how != DOMID_HOW_DOM0 && !s->v[i].domid_prop)
			needed++;
	free_ids = domid_free_count(a);
	for (i = 0; i < s->n; i++) {
		struct domain *d = &s->v[i];

		if (d->how == DOMID_HOW_DOM0 || d->domid_prop)
			continue;
		d->how = DOMID_HOW_ASSIGNED;
		d->id = domid_alloc(a, DOMID_ANY);
		d->has_id = d->id != DOMID_INVALID;
		if (!d->has_id) {
			exhausted(s, d, needed, free_ids);
			return;
		}
	}
}

/* Stock Xen: dom0 0, then ++max_init_domid per domain in tree order. */
static void assign_stock(struct scan *s, struct domid_alloc *a)
{
	uint32_t next = 1;
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct domain *d = &s->v[i];

		if (d->how == DOMID_HOW_DOM0) {
			d->id = domid_alloc(a, 0);
			d->has_id = true;
			continue;
		}
		d->how = DOMID_HOW_TREE_ORDER;
		if (next >= DOMID_FIRST_RESERVED) {
			exhausted(s, d, s->n - (s->v[0].how == DOMID_HOW_DOM0),
				  DOMID_FIRST_RESERVED - 1);
			return;
		}
		d->id = domid_alloc(a, (uint16_t)next++);
		d->has_id = true;
	}
}

static void warn_stock(struct scan *s)
{
	size_t i;

	if (!warn_on(W_STOCK))
		return;
	for (i = 0; i < s->n; i++) {
		struct domain *d = &s->v[i];

		if (!d->has_request || !d->has_id)
			continue;
		if (d->requested != d->id)
			diag_prop(s->dt, warn_level(W_STOCK), d->node,
				  d->domid_prop, "domid_stock_xen",
				  "stock Xen %s ignores 'domid': this domain "
				  "gets ID %u (tree order), not %u",
				  xen_name(s->opt), d->id, d->requested);
		else
			diag_prop(s->dt, warn_level(W_STOCK), d->node,
				  d->domid_prop, "domid_stock_xen",
				  "stock Xen %s ignores 'domid': ID %u comes "
				  "from tree order, not from this property",
				  xen_name(s->opt), d->id);
	}
}

/* Write every assigned ID into its node, so the boot is deterministic. */
static void reserve_statically(struct dt *dt, struct scan *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct domain *d = &s->v[i];
		struct data v = { 0 };

		if (d->how != DOMID_HOW_ASSIGNED || !d->has_id)
			continue;
		data_add_marker(dt, &v, MARK_TYPE_U32, NULL, NULL);
		data_append_cell(dt, &v, d->id);
		d->domid_prop = prop_new(dt, "domid", v, NULL);
		node_append_prop(d->node, d->domid_prop);
	}
}

/*
 * After boot the toolstack allocates DOMID_ANY: with static reservation
 * Xen made exact allocations only, so its cursor is still at 0.
 */
static void toolstack_outlook(struct scan *s, struct domid_alloc *a,
			      struct domid_result *res)
{
	struct domid_alloc after = *a;

	if (s->opt->stock || !s->opt->no_assign)
		after.last = 0;
	if (s->opt->stock) {
		uint16_t hi = 0;
		size_t i;

		for (i = 0; i < s->n; i++)
			if (s->v[i].has_id && s->v[i].id > hi)
				hi = s->v[i].id;
		after.last = hi;
	}
	res->next_toolstack_id = domid_peek_any(&after);
	res->free_ids = domid_free_count(&after);
}

void domid_resolve(struct dt *dt, const struct domid_options *opt,
		   struct domid_result *res)
{
	struct node *chosen = dt->root ? node_get_child(dt, dt->root,
							"chosen") : NULL;
	struct scan s = { .dt = dt, .opt = opt };
	struct domid_alloc a;
	size_t i;

	memset(res, 0, sizeof(*res));
	if (!dt->root)
		return;
	warn_ignored(dt, chosen);
	if (!chosen)
		return;
	collect(&s, chosen);
	/* Hyperlaunch's layout is a design only: Xen reads none of it */
	for (i = 0; i < s.n; i++)
		if (s.v[i].how != DOMID_HOW_DOM0 && !s.v[i].hyperlaunch)
			xen_props_check(dt, s.v[i].node);
	res->domains = s.v;
	res->n = s.n;
	res->any = s.n > 0;
	if (!s.n)
		return;
	domid_alloc_init(&a);
	if (!check_requests(&s))
		return;
	if (opt->stock) {
		assign_stock(&s, &a);
		warn_stock(&s);
	} else {
		assign_patched(&s, &a);
		if (!opt->no_assign && !diag_error_count())
			reserve_statically(dt, &s);
	}
	toolstack_outlook(&s, &a, res);
}

void domid_result_free(struct domid_result *res)
{
	free(res->domains);
	memset(res, 0, sizeof(*res));
}
