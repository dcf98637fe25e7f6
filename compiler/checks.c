// SPDX-License-Identifier: GPL-2.0-or-later
#include "checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum check_status { UNCHECKED, PREREQ, PASSED, FAILED };

struct check;
typedef void (*check_fn)(struct check *c, struct dt *dt, struct node *n);

/* Nodes in tree order. */
struct nodes {
	struct node **v;
	size_t n, cap;
};

/* References (markers in property values) in tree order. */
struct refs {
	struct ref {
		struct property *p;
		struct marker *m;
	} *v;
	size_t n, cap;
};

struct check {
	const char *name;
	check_fn fn;
	const char *data;
	bool warn, error;
	bool implemented;	/* false: name accepted for dtc compatibility */
	enum check_status status;
	bool in_progress;
	struct check *prereq[3];
	/* Set by the survey (below) for this run: */
	bool clean;		/* it would report nothing and change nothing */
	const struct nodes *only;	/* the only nodes fn acts on */
	const struct refs *refs;	/* the only references it fixes */
};

static const struct check_options *run_opt;

static enum diag_level level_of(const struct check *c)
{
	return c->error ? DIAG_ERROR : DIAG_WARNING;
}

#define FAIL(c, dt, n, ...)						\
	do {								\
		(c)->status = FAILED;					\
		diag_node(dt, level_of(c), n, (c)->name, __VA_ARGS__);	\
	} while (0)
#define FAIL_PROP(c, dt, n, p, ...)					\
	do {								\
		(c)->status = FAILED;					\
		diag_prop(dt, level_of(c), n, p, (c)->name, __VA_ARGS__); \
	} while (0)

/* ---- structure ------------------------------------------------------- */

static void check_always_fail(struct check *c, struct dt *dt, struct node *n)
{
	FAIL(c, dt, n, "always_fail check");
}

static void check_duplicate_node_names(struct check *c, struct dt *dt,
				       struct node *n)
{
	struct node *child;

	for_each_child(n, child) {
		/* Any later sibling of the same name, deleted or not. */
		struct node *other = node_next_same_name(dt, n, child);

		if (other)
			FAIL(c, dt, other, "duplicate node name '%s'",
			     other->name);
	}
}

static void check_duplicate_property_names(struct check *c, struct dt *dt,
					   struct node *n)
{
	struct property *p, *q;

	for_each_property(n, p)
		for (q = p->next; q; q = q->next)
			if (!q->deleted && strcmp(p->name, q->name) == 0) {
				FAIL_PROP(c, dt, n, q,
					  "duplicate property name '%s'",
					  q->name);
				diag_prop(dt, DIAG_NOTE, n, p, NULL,
					  "first defined here");
			}
}

/* strspn(s, accept) for the few constant accept sets used here: glibc's
 * generic strspn rebuilds its table on every call. */
static size_t span(const char *s, const char *accept)
{
	static const char *cached[4];
	static unsigned char tab[4][256];
	const unsigned char *t = NULL;
	size_t i;

	for (i = 0; i < 4 && cached[i]; i++)
		if (cached[i] == accept) {
			t = tab[i];
			break;
		}
	if (!t) {
		if (i == 4)
			return strspn(s, accept);
		cached[i] = accept;
		for (const char *a = accept; *a; a++)
			tab[i][(unsigned char)*a] = 1;
		t = tab[i];
	}
	for (i = 0; t[(unsigned char)s[i]]; i++)
		;
	return i;
}

#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS "0123456789"
#define NODECHARS LOWER UPPER DIGITS ",._+-@"
#define PROPCHARS LOWER UPPER DIGITS ",._+*#?-"

static void check_node_name_chars(struct check *c, struct dt *dt,
				  struct node *n)
{
	size_t k = span(n->name, c->data);

	if (n->name[k])
		FAIL(c, dt, n, "bad character '%c' in node name '%s'",
		     n->name[k], n->name);
}

static void check_node_name_format(struct check *c, struct dt *dt,
				   struct node *n)
{
	if (strchr(node_unit_address(n), '@'))
		FAIL(c, dt, n, "multiple '@' characters in node name '%s'",
		     n->name);
}

static void check_property_name_chars(struct check *c, struct dt *dt,
				      struct node *n)
{
	struct property *p;

	for_each_property(n, p) {
		size_t k = span(p->name, c->data);

		if (p->name[k])
			FAIL_PROP(c, dt, n, p, "bad character '%c' in "
				  "property name '%s'", p->name[k], p->name);
	}
}

static void check_is_string(struct check *c, struct dt *dt, struct node *n)
{
	struct property *p = node_get_prop(n, c->data);

	if (p && !data_is_one_string(&p->val))
		FAIL_PROP(c, dt, n, p, "property '%s' is not a string",
			  p->name);
}

static void check_is_cell(struct check *c, struct dt *dt, struct node *n)
{
	struct property *p = node_get_prop(n, c->data);

	if (p && p->val.len != 4)
		FAIL_PROP(c, dt, n, p, "property '%s' is not a single cell",
			  p->name);
}

static bool is_string_list(const struct data *d)
{
	uint32_t rem = d->len;
	const char *s = (const char *)d->val;

	while (rem > 0) {
		size_t l = strnlen(s, rem);

		if (l == rem)
			return false;
		rem -= (uint32_t)l + 1;
		s += l + 1;
	}
	return true;
}

static void check_is_string_list(struct check *c, struct dt *dt,
				 struct node *n)
{
	struct property *p = node_get_prop(n, c->data);

	if (p && !is_string_list(&p->val))
		FAIL_PROP(c, dt, n, p, "property '%s' is not a string list",
			  p->name);
}

static void check_names_is_string_list(struct check *c, struct dt *dt,
				       struct node *n)
{
	struct property *p;

	for_each_property(n, p) {
		size_t len = strlen(p->name);

		if (len >= 6 && strcmp(p->name + len - 6, "-names") == 0 &&
		    !is_string_list(&p->val))
			FAIL_PROP(c, dt, n, p, "property '%s' is not a string "
				  "list", p->name);
	}
}

static void check_node_name_chars_strict(struct check *c, struct dt *dt,
					 struct node *n)
{
	size_t k = span(n->name, c->data);

	if (k < n->basenamelen)
		FAIL(c, dt, n, "character '%c' not recommended in node name",
		     n->name[k]);
}

static void check_property_name_chars_strict(struct check *c, struct dt *dt,
					     struct node *n)
{
	struct property *p;

	for_each_property(n, p) {
		const char *name = p->name;
		size_t k = span(name, c->data);

		if (!name[k] || strcmp(name, "device_type") == 0)
			continue;
		/* '#' may start the name, after an optional vendor prefix */
		if (name[k] == '#' && (k == 0 || name[k - 1] == ',')) {
			name += k + 1;
			k = span(name, c->data);
		}
		if (name[k])
			FAIL_PROP(c, dt, n, p, "character '%c' not recommended "
				  "in property name", name[k]);
	}
}

static void check_node_name_vs_property_name(struct check *c, struct dt *dt,
					     struct node *n)
{
	if (n->parent && node_get_prop(n->parent, n->name))
		FAIL(c, dt, n, "node name and property name conflict");
}

/* "name" equal to the node's base name is redundant: dtc removes it. */
static void check_name_properties(struct check *c, struct dt *dt,
				  struct node *n)
{
	struct property *p, *prev = NULL;

	for (p = n->props; p; prev = p, p = p->next)
		if (strcmp(p->name, "name") == 0)
			break;
	if (!p)
		return;
	if (p->val.len != n->basenamelen + 1 ||
	    memcmp(p->val.val, n->name, n->basenamelen) != 0) {
		FAIL(c, dt, n, "\"name\" property is incorrect (\"%.*s\" "
		     "instead of base node name)", (int)p->val.len,
		     (const char *)p->val.val);
		return;
	}
	if (prev)
		prev->next = p->next;
	else
		n->props = p->next;
	if (n->last_prop == p)
		n->last_prop = prev;
}

/* ---- labels ------------------------------------------------------------- */

struct label_site {
	struct node *node;
	struct property *prop;
	struct marker *mark;
	const struct srcpos *pos;	/* where the label is written */
};

static void describe(struct dt *dt, char *buf, size_t len,
		     const struct label_site *s)
{
	snprintf(buf, len, "%s%s%s%s%s", s->mark ? "value of " : "",
		 s->prop ? "'" : "", s->prop ? s->prop->name : "",
		 s->prop ? "' in " : "", node_path(dt, s->node));
}

static void label_seen(struct check *c, struct dt *dt, struct hmap *seen,
		       const char *label, struct label_site site)
{
	struct hmap_entry *e = hmap_find(seen, NULL, label, strlen(label));
	struct label_site *first;
	char a[512], b[512];

	if (!e) {
		first = arena_alloc(&dt->arena, sizeof(*first));
		*first = site;
		hmap_add(seen, NULL, label, strlen(label), first);
		return;
	}
	first = e->value;
	if (first->node == site.node && first->prop == site.prop &&
	    first->mark == site.mark)
		return;
	describe(dt, a, sizeof(a), &site);
	describe(dt, b, sizeof(b), first);
	if (site.pos && site.pos->src && !dt->from_blob) {
		c->status = FAILED;
		diag_at(level_of(c), site.pos, c->name,
			"duplicate label '%s' on %s and %s", label, a, b);
		if (first->pos && first->pos->src)
			diag_at(DIAG_NOTE, first->pos, NULL,
				"'%s' first defined here", label);
		return;
	}
	FAIL(c, dt, site.node, "duplicate label '%s' on %s and %s", label, a,
	     b);
}

static void collect_labels(struct check *c, struct dt *dt, struct hmap *seen,
			   struct node *n)
{
	struct property *p;
	struct label *l;
	struct marker *m;
	struct node *child;

	for_each_label(n->labels, l)
		label_seen(c, dt, seen, l->name,
			   (struct label_site){ n, NULL, NULL, &l->pos });
	for_each_property(n, p) {
		for_each_label(p->labels, l)
			label_seen(c, dt, seen, l->name,
				   (struct label_site){ n, p, NULL, &l->pos });
		for_each_marker_of_type(p->val.markers, m, MARK_LABEL)
			label_seen(c, dt, seen, m->ref,
				   (struct label_site){ n, p, m, &m->pos });
	}
	for_each_child(n, child)
		collect_labels(c, dt, seen, child);
}

/*
 * dtc compares each label with the first node, then property, then value
 * label of that name in tree order; recording sites in tree order, nodes
 * first, gives the same pairs without a search per label.
 */
static void first_node_labels(struct dt *dt, struct hmap *seen,
			      struct node *n)
{
	struct label *l;
	struct node *child;

	for_each_label(n->labels, l) {
		if (!hmap_find(seen, NULL, l->name, strlen(l->name))) {
			struct label_site *s = arena_alloc(&dt->arena,
							   sizeof(*s));

			s->node = n;
			s->pos = &l->pos;
			hmap_add(seen, NULL, l->name, strlen(l->name), s);
		}
	}
	for_each_child(n, child)
		first_node_labels(dt, seen, child);
}

static void check_duplicate_labels(struct check *c, struct dt *dt)
{
	struct hmap seen;

	hmap_init(&seen, &dt->arena);
	first_node_labels(dt, &seen, dt->root);
	collect_labels(c, dt, &seen, dt->root);
	hmap_free(&seen);
}

/* ---- phandles and references ------------------------------------------ */

static cell_t phandle_prop(struct check *c, struct dt *dt, struct node *n,
			   const char *name)
{
	struct property *p = node_get_prop(n, name);
	struct marker *m;
	cell_t ph;

	if (!p)
		return 0;
	if (p->val.len != sizeof(cell_t)) {
		FAIL_PROP(c, dt, n, p, "bad length (%u) %s property",
			  p->val.len, p->name);
		return 0;
	}
	for_each_marker_of_type(p->val.markers, m, MARK_REF_PHANDLE) {
		/* <&self> asks for a phandle to be allocated later. */
		if (dt_node_by_ref(dt, m->ref) != n)
			FAIL(c, dt, n, "%s is a reference to another node",
			     p->name);
		return 0;
	}
	ph = prop_cell(p, 0);
	if (ph == 0 || ph == 0xffffffffu) {
		FAIL_PROP(c, dt, n, p, "bad value (0x%x) in %s property", ph,
			  p->name);
		return 0;
	}
	return ph;
}

static void check_explicit_phandles(struct check *c, struct dt *dt,
				    struct node *n)
{
	cell_t ph = phandle_prop(c, dt, n, "phandle");
	cell_t lph = phandle_prop(c, dt, n, "linux,phandle");
	struct node *other;

	if (!ph && !lph)
		return;
	if (ph && lph && ph != lph)
		FAIL(c, dt, n, "mismatching 'phandle' and 'linux,phandle' "
		     "properties");
	if (!ph)
		ph = lph;
	other = dt_node_by_phandle(dt, ph);
	if (other && other != n) {
		FAIL(c, dt, n, "duplicated phandle 0x%x (seen before at %s)",
		     ph, node_path(dt, other));
		return;
	}
	n->phandle = ph;
	dt_index_phandle(dt, n);
}

static void unresolved(struct check *c, struct property *p, struct marker *m)
{
	c->status = FAILED;
	diag_at(level_of(c), m->pos.src ? &m->pos : &p->pos, c->name,
		"reference to non-existent node or label \"%s\"", m->ref);
}

/*
 * dt_node_by_ref(), answered from the survey's labels when it can be;
 * *site is then the label's entry there (see struct seen_label), else
 * NULL.
 */
struct seen_label;
static struct node *ref_target(struct dt *dt, const char *ref,
			       struct seen_label **site);
/* dt_node_phandle() and node_path() of a referenced node, which they
 * mark as referenced; site (or NULL) remembers the answers. */
static cell_t site_phandle(struct dt *dt, struct seen_label *site,
			   struct node *n);
static const char *site_path(struct dt *dt, struct seen_label *site,
			     struct node *n);

static void fix_phandle_ref(struct check *c, struct dt *dt,
			    struct property *p, struct marker *m)
{
	struct seen_label *s;
	struct node *ref = ref_target(dt, m->ref, &s);

	if (!ref) {
		if (dt->dtsflags & DTSF_PLUGIN)
			cell_store(p->val.val + m->offset, 0xffffffffu);
		else
			unresolved(c, p, m);
		return;
	}
	cell_store(p->val.val + m->offset, site_phandle(dt, s, ref));
}

static void fixup_phandle_references(struct check *c, struct dt *dt,
				     struct node *n)
{
	struct property *p;
	struct marker *m;

	for_each_property(n, p)
		for_each_marker_of_type(p->val.markers, m, MARK_REF_PHANDLE)
			fix_phandle_ref(c, dt, p, m);
}

static void fix_path_ref(struct check *c, struct dt *dt, struct property *p,
			 struct marker *m)
{
	struct seen_label *s;
	struct node *ref = ref_target(dt, m->ref, &s);
	const char *path;

	if (!ref) {
		unresolved(c, p, m);
		return;
	}
	path = site_path(dt, s, ref);
	data_insert_at_marker(dt, &p->val, m, path, strlen(path) + 1);
}

static void fixup_path_references(struct check *c, struct dt *dt,
				  struct node *n)
{
	struct property *p;
	struct marker *m;

	for_each_property(n, p)
		for_each_marker_of_type(p->val.markers, m, MARK_REF_PATH)
			fix_path_ref(c, dt, p, m);
}

static void fixup_omit_unused_nodes(struct check *c, struct dt *dt,
				    struct node *n)
{
	(void)c;
	(void)dt;
	if (run_opt && run_opt->generate_symbols && n->labels)
		return;
	if (n->omit_if_unused && !n->is_referenced)
		node_delete(n);
}

/* ---- the table, in dtc's order ------------------------------------------ */

#define ENTRY(nm, fn_, data_, w, e, ...) \
	static struct check nm = { .name = #nm, .fn = fn_, .data = data_, \
				   .warn = w, .error = e, .implemented = true, \
				   .prereq = { __VA_ARGS__ } }
#define ERROR(nm, fn_, data_, ...) ENTRY(nm, fn_, data_, false, true, __VA_ARGS__)
#define CHECK(nm, fn_, data_, ...) ENTRY(nm, fn_, data_, false, false, __VA_ARGS__)
/* A dtc check domc does not implement yet: its -W/-E switch is accepted so
 * dtc command lines keep working, and --list-checks says so. */
#define PENDING(nm, w_) \
	static struct check nm = { .name = #nm, .warn = w_ }

ERROR(duplicate_node_names, check_duplicate_node_names, NULL, NULL);
ERROR(duplicate_property_names, check_duplicate_property_names, NULL, NULL);
ERROR(node_name_chars, check_node_name_chars, NODECHARS, NULL);
ERROR(node_name_format, check_node_name_format, NULL, &node_name_chars);
ERROR(property_name_chars, check_property_name_chars, PROPCHARS, NULL);
ERROR(name_is_string, check_is_string, "name", NULL);
ERROR(name_properties, check_name_properties, NULL, &name_is_string);
ENTRY(node_name_vs_property_name, check_node_name_vs_property_name, NULL,
      true, false, NULL);
ERROR(duplicate_label, NULL, NULL, NULL);
ERROR(explicit_phandles, check_explicit_phandles, NULL, NULL);
ERROR(phandle_references, fixup_phandle_references, NULL,
      &duplicate_node_names, &explicit_phandles);
ERROR(path_references, fixup_path_references, NULL, &duplicate_node_names);
ERROR(omit_unused_nodes, fixup_omit_unused_nodes, NULL, &phandle_references,
      &path_references);
CHECK(always_fail, check_always_fail, NULL, NULL);
#define WARNING(nm, fn_, data_, ...) ENTRY(nm, fn_, data_, true, false, __VA_ARGS__)
WARNING(address_cells_is_cell, check_is_cell, "#address-cells", NULL);
WARNING(size_cells_is_cell, check_is_cell, "#size-cells", NULL);
WARNING(device_type_is_string, check_is_string, "device_type", NULL);
WARNING(model_is_string, check_is_string, "model", NULL);
WARNING(status_is_string, check_is_string, "status", NULL);
WARNING(label_is_string, check_is_string, "label", NULL);
WARNING(compatible_is_string_list, check_is_string_list, "compatible",
	NULL);
WARNING(names_is_string_list, check_names_is_string_list, NULL, NULL);
CHECK(property_name_chars_strict, check_property_name_chars_strict,
      LOWER UPPER DIGITS ",-", NULL);
CHECK(node_name_chars_strict, check_node_name_chars_strict,
      LOWER UPPER DIGITS ",-", NULL);

#include "checks_pending.h"

/*
 * Checks the front end raises while it parses (checks_level()); they have
 * no tree walk, and data is their --list-checks description. dtc 1.6.1
 * accepts all three silently: "-E no-NAME" gives its bytes back.
 */
#define PARSE_TIME(nm, what) \
	static struct check nm = { .name = #nm, .data = what, .error = true, \
				   .implemented = true }

PARSE_TIME(integer_overflow, "integer expression not exact in 64 bits");
PARSE_TIME(memreserve_overflow, "/memreserve/ wrapping past 2^64");
PARSE_TIME(nul_in_source, "NUL byte in a string, character or comment");

static struct check *const table[] = {
	&duplicate_node_names, &duplicate_property_names,
	&node_name_chars, &node_name_format, &property_name_chars,
	&name_is_string, &name_properties, &node_name_vs_property_name,
	&duplicate_label,
	&explicit_phandles,
	&phandle_references, &path_references,
	&omit_unused_nodes,
	&address_cells_is_cell, &size_cells_is_cell,
	&device_type_is_string, &model_is_string, &status_is_string,
	&label_is_string,
	&compatible_is_string_list, &names_is_string_list,
	&property_name_chars_strict,
	&node_name_chars_strict,
	PENDING_CHECKS
	&integer_overflow, &memreserve_overflow, &nul_in_source,
	&always_fail,
};

#define N_CHECKS (sizeof(table) / sizeof(table[0]))

/*
 * The tree in pre-order, for the checks that do walk it (those the survey
 * below cannot rule out): each walks this array instead of recursing
 * through the scattered nodes. Built on first use; no check adds nodes, so
 * it is the tree checks_run() started with. A node deleted meanwhile
 * (omit_unused_nodes) is skipped with its subtree, exactly as the recursive
 * walk over live children would.
 */
static struct {
	struct node **node;
	size_t *end;		/* index just past the node's subtree */
	size_t n, cap;
} order;

static void order_add(struct node *n)
{
	struct node *child;
	size_t i = order.n;

	if (order.n == order.cap) {
		order.cap = order.cap ? order.cap * 2 : 1024;
		order.node = xrealloc(order.node,
				      order.cap * sizeof(*order.node));
		order.end = xrealloc(order.end, order.cap * sizeof(*order.end));
	}
	order.node[order.n++] = n;
	for_each_child_withdel(n, child)
		order_add(child);
	order.end[i] = order.n;
}

static void walk(struct check *c, struct dt *dt)
{
	size_t i = 0;

	if (!order.n)
		order_add(dt->root);
	while (i < order.n) {
		struct node *n = order.node[i];

		if (i && n->deleted) {
			i = order.end[i];
			continue;
		}
		c->fn(c, dt, n);
		i++;
	}
}

/* ---- the survey --------------------------------------------------------- */

/*
 * dtc runs every check as a walk of its own over the whole tree, and on a
 * clean tree none of them reports anything. So one walk first learns, for
 * each read-only check, whether it could report anything at all; only
 * those that could then walk the tree the usual way, which keeps dtc's
 * diagnostics and their order (check by check, tree order within one). The
 * fixups learn what they act on (the references, the nodes with phandle
 * properties or /omit-if-no-ref/) and visit just that, in tree order, so
 * phandles are still numbered as dtc numbers them.
 *
 * The survey sees the tree before any check runs; later checks see it
 * after name_properties (drops "name" properties), the reference fixups
 * (rewrite values holding references, add phandle properties) and
 * omit_unused_nodes (deletes nodes). Its answers stay safe: a dropped
 * property or node can only take reports away, a value holding a
 * reference counts as a possible report, and no check looks at a
 * phandle property the fixups add. An answer may err towards "could
 * report" (a hash collision, say): that only costs the usual walk.
 */

/* First live property of these names in each node, for the checks on it. */
enum { W_NAME, W_PHANDLE, W_LINUX_PHANDLE, W_DOMID };
#define WATCH_MAX	16
#define WATCH_SLOTS	64	/* > WATCH_MAX: a probe always ends */

/* Small counts are compared pairwise; larger ones sorted by hash. */
#define PAIRWISE_MAX	8

enum { CC_NODE = 1, CC_PROP = 2 };

struct hname {
	uint32_t h;
	const char *s;
};

/*
 * Names of one node (its properties or its children) hashed into a set
 * sized for them: an open-addressing table of indexes into v. Sorting by
 * hash did the same with a qsort per node, most of the survey's cost on
 * buses with many children.
 */
struct hset {
	uint32_t *slot;		/* v index + 1; 0: empty */
	size_t size, cap;	/* size: a power of 2, >= 2 * n */
};

struct seen_label {
	const char *name;
	uint32_t h;
	/*
	 * For the reference fixups, of a label on a node: its phandle and
	 * path once a reference asked for them (0, NULL: not yet), so later
	 * references need not visit the node; and whether the node had a
	 * phandle or linux,phandle property (else allocating a phandle needs
	 * no look at its properties).
	 */
	cell_t ph;
	struct node *node;
	struct property *prop;
	struct marker *mark;
	const char *path;
	bool ph_props;
};

static struct {
	struct dt *dt;		/* the tree the domid list describes */
	struct nodes explicit_ph, omit, domid;
	struct refs ph_refs, path_refs;
	bool refs_in_name;	/* name_properties may drop a reference */

	const char *watch[WATCH_MAX];
	uint32_t watch_h[WATCH_MAX];
	unsigned int nwatch;
	signed char slot[WATCH_SLOTS];	/* hash -> watch index; -1: empty */
	/* the property-type checks and the name each one reads */
	struct check *typed[WATCH_MAX];
	unsigned int typed_w[WATCH_MAX];
	unsigned int ntyped;

	struct hname *props, *kids;	/* the current node's */
	size_t props_cap, kids_cap;
	struct hset props_set, kids_set;

	struct seen_label *labels;	/* first site of each label name */
	size_t nlabels, labels_cap;
	struct lslot {
		uint32_t h;
		uint32_t k;	/* labels index + 1; 0: empty */
	} *ltab;		/* open addressing, a power of 2 */
	size_t ltab_size;
	bool labels_usable;	/* every live label, each name once */
} sv;

static unsigned char cclass[256];

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/*
 * One pass over a name: its hash (as hash_str), the character classes all
 * its characters belong to, how many '@' it has and its length.
 */
static uint32_t scan_name(const char *s, unsigned int *cls, unsigned int *ats,
			  size_t *len)
{
	uint32_t h = 2166136261u;
	unsigned int all = CC_NODE | CC_PROP, at = 0;
	const char *p;

	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		h = (h ^ c) * 16777619u;
		all &= cclass[c];
		at += c == '@';
	}
	*cls = all;
	*ats = at;
	*len = (size_t)(p - s);
	return h;
}

static void nodes_push(struct nodes *l, struct node *n)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = n;
}

static void refs_push(struct refs *l, struct property *p, struct marker *m)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].p = p;
	l->v[l->n++].m = m;
}

static void hname_push(struct hname **v, size_t *cap, size_t i, uint32_t h,
		       const char *s)
{
	if (i == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[i].h = h;
	(*v)[i].s = s;
}

/* The slot holding name, or the empty slot where it belongs. */
static unsigned int watch_slot(uint32_t h, const char *name)
{
	unsigned int i = h % WATCH_SLOTS;

	while (sv.slot[i] >= 0) {
		int w = sv.slot[i];

		if (sv.watch_h[w] == h && strcmp(sv.watch[w], name) == 0)
			break;
		i = (i + 1) % WATCH_SLOTS;
	}
	return i;
}

static int watch_add(const char *name)
{
	uint32_t h = hash_str(name);
	unsigned int i = watch_slot(h, name);

	if (sv.slot[i] >= 0)
		return sv.slot[i];
	if (sv.nwatch == WATCH_MAX)
		return -1;
	sv.watch[sv.nwatch] = name;
	sv.watch_h[sv.nwatch] = h;
	sv.slot[i] = (signed char)sv.nwatch;
	return (int)sv.nwatch++;
}

static int watch_find(uint32_t h, const char *name)
{
	return sv.slot[watch_slot(h, name)];
}

/* Fills t with v[0..n); whether two of them are the same name. */
static bool hset_fill(struct hset *t, const struct hname *v, size_t n)
{
	size_t size = 16, i, j, mask;
	bool same = false;

	while (size < 2 * n)
		size *= 2;
	if (size > t->cap) {
		free(t->slot);
		t->slot = xmalloc(size * sizeof(*t->slot));
		t->cap = size;
	}
	t->size = size;
	memset(t->slot, 0, size * sizeof(*t->slot));
	mask = size - 1;
	for (j = 0; j < n; j++) {
		for (i = v[j].h & mask; t->slot[i]; i = (i + 1) & mask) {
			const struct hname *o = &v[t->slot[i] - 1];

			if (o->h == v[j].h && strcmp(o->s, v[j].s) == 0)
				same = true;
		}
		t->slot[i] = (uint32_t)j + 1;
	}
	return same;
}

/*
 * Whether two of v[0..n) are the same name; for n > PAIRWISE_MAX, t is
 * filled with them (for holds()).
 */
static bool any_same(struct hset *t, const struct hname *v, size_t n)
{
	size_t i, j;

	if (n > PAIRWISE_MAX)
		return hset_fill(t, v, n);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (v[i].h == v[j].h && strcmp(v[i].s, v[j].s) == 0)
				return true;
	return false;
}

/* Whether v[0..n) (in t if n > PAIRWISE_MAX) holds name s of hash h. */
static bool holds(const struct hset *t, const struct hname *v, size_t n,
		  uint32_t h, const char *s)
{
	size_t i, mask;

	if (n > PAIRWISE_MAX) {
		mask = t->size - 1;
		for (i = h & mask; t->slot[i]; i = (i + 1) & mask) {
			const struct hname *o = &v[t->slot[i] - 1];

			if (o->h == h && strcmp(o->s, s) == 0)
				return true;
		}
		return false;
	}
	for (i = 0; i < n; i++)
		if (v[i].h == h && strcmp(v[i].s, s) == 0)
			return true;
	return false;
}

/*
 * duplicate_label reports a label name written at two different places
 * (node, property, or label inside a value): remembering the first place
 * of each name finds whether any such pair exists.
 */
/* The slot holding label name (of hash h), or the empty one it would go in. */
static struct lslot *label_slot(const char *name, uint32_t h)
{
	size_t i, mask = sv.ltab_size - 1;

	for (i = h & mask; sv.ltab[i].k; i = (i + 1) & mask)
		if (sv.ltab[i].h == h &&
		    (sv.labels[sv.ltab[i].k - 1].name == name ||
		     strcmp(sv.labels[sv.ltab[i].k - 1].name, name) == 0))
			break;
	return &sv.ltab[i];
}

static void survey_label(const char *name, struct node *n, struct property *p,
			 struct marker *m, bool ph_props)
{
	struct lslot *slot;
	uint32_t h;

	if (!duplicate_label.clean)
		return;
	if (2 * (sv.nlabels + 1) > sv.ltab_size) {
		size_t size = sv.ltab_size ? 2 * sv.ltab_size : 1024, i, j;

		free(sv.ltab);
		sv.ltab = xmalloc(size * sizeof(*sv.ltab));
		memset(sv.ltab, 0, size * sizeof(*sv.ltab));
		sv.ltab_size = size;
		for (j = 0; j < sv.nlabels; j++) {
			i = sv.labels[j].h & (size - 1);
			while (sv.ltab[i].k)
				i = (i + 1) & (size - 1);
			sv.ltab[i].h = sv.labels[j].h;
			sv.ltab[i].k = (uint32_t)j + 1;
		}
	}
	h = hash_str(name);
	slot = label_slot(name, h);
	if (slot->k) {
		struct seen_label *s = &sv.labels[slot->k - 1];

		if (s->node != n || s->prop != p || s->mark != m)
			duplicate_label.clean = false;
		return;
	}
	if (sv.nlabels == sv.labels_cap) {
		sv.labels_cap = sv.labels_cap ? 2 * sv.labels_cap : 256;
		sv.labels = xrealloc(sv.labels,
				     sv.labels_cap * sizeof(*sv.labels));
	}
	sv.labels[sv.nlabels] = (struct seen_label){
		.name = name, .h = h, .node = n, .prop = p, .mark = m,
		.ph_props = ph_props,
	};
	slot->h = h;
	slot->k = (uint32_t)++sv.nlabels;
}

/*
 * dt_node_by_ref() for the fixups. With no label name written twice, the
 * survey's table holds every live label: the node a label names is the
 * one it sits on, and a label on a property or in a value names no node.
 * The table is smaller and closer at hand than the tree's label index;
 * nothing between the survey and the fixups adds, deletes or moves a
 * node label (name_properties may drop a property's).
 */
static struct node *ref_target(struct dt *dt, const char *ref,
			       struct seen_label **site)
{
	struct lslot *slot;
	struct seen_label *s;

	*site = NULL;
	if (!sv.labels_usable || ref[0] == '/')
		return dt_node_by_ref(dt, ref);
	if (!sv.ltab_size)
		return NULL;
	slot = label_slot(ref, hash_str(ref));
	if (!slot->k)
		return NULL;
	s = &sv.labels[slot->k - 1];
	if (s->prop || s->mark)
		return NULL;
	*site = s;
	return s->node;
}

/*
 * Nothing between the survey and the fixups adds a phandle property (the
 * fixups add one only with the phandle they set), and a node's phandle
 * and path, once known, stay: so the answers can be kept per label.
 */
static cell_t site_phandle(struct dt *dt, struct seen_label *site,
			   struct node *n)
{
	cell_t ph;

	if (site && site->ph)
		return site->ph;
	ph = dt_node_phandle_props(dt, n, !site || site->ph_props);
	n->is_referenced = true;
	if (site)
		site->ph = ph;
	return ph;
}

static const char *site_path(struct dt *dt, struct seen_label *site,
			     struct node *n)
{
	const char *path;

	if (site && site->path)
		return site->path;
	path = node_path(dt, n);
	n->is_referenced = true;
	if (site)
		site->path = path;
	return path;
}

static bool prop_fails(const struct check *c, const struct property *p)
{
	if (c->fn == check_is_cell)
		return p->val.len != 4;
	if (c->fn == check_is_string)
		return !data_is_one_string(&p->val);
	return !is_string_list(&p->val);
}

static void survey_node(struct dt *dt, struct node *n)
{
	struct property *p, *first[WATCH_MAX];
	bool first_refs[WATCH_MAX];
	uint32_t seen = 0;
	size_t np = 0, nk = 0, len;
	unsigned int i, cls, ats;
	struct node *c;
	struct label *l;

	/*
	 * The walk is a chain of cache misses (nodes, properties, names);
	 * asking for the next link early lets them overlap with the work.
	 */
	__builtin_prefetch(n->children);
	for_each_property_withdel(n, p) {
		struct marker *m;
		bool refs = false;
		uint32_t h;
		int w;

		__builtin_prefetch(p->next);
		if (p->deleted) {
			/* name_properties looks at a deleted "name" too */
			if (strcmp(p->name, "name") == 0)
				name_properties.clean = false;
			continue;
		}
		h = scan_name(p->name, &cls, &ats, &len);
		if (!(cls & CC_PROP))
			property_name_chars.clean = false;
		hname_push(&sv.props, &sv.props_cap, np++, h, p->name);
		for_each_label(p->labels, l)
			survey_label(l->name, n, p, NULL, false);
		for_each_marker(p->val.markers, m) {
			if (m->type == MARK_REF_PHANDLE) {
				refs_push(&sv.ph_refs, p, m);
				refs = true;
			} else if (m->type == MARK_REF_PATH) {
				refs_push(&sv.path_refs, p, m);
				refs = true;
			} else if (m->type == MARK_LABEL) {
				survey_label(m->ref, n, p, m, false);
			}
		}
		if (len >= 6 && memcmp(p->name + len - 6, "-names", 6) == 0 &&
		    (refs || !is_string_list(&p->val)))
			names_is_string_list.clean = false;
		w = watch_find(h, p->name);
		if (w >= 0 && !(seen & 1u << w)) {
			seen |= 1u << w;
			first[w] = p;
			first_refs[w] = refs;
		}
		if (refs && w == W_NAME)
			sv.refs_in_name = true;
	}
	for (i = 0; i < sv.ntyped; i++) {
		struct check *tc = sv.typed[i];
		unsigned int w = sv.typed_w[i];

		if ((seen & 1u << w) && tc->clean &&
		    (first_refs[w] || prop_fails(tc, first[w])))
			tc->clean = false;
	}
	if (seen & 1u << W_NAME)
		name_properties.clean = false;
	if (seen & (1u << W_PHANDLE | 1u << W_LINUX_PHANDLE))
		nodes_push(&sv.explicit_ph, n);
	if (seen & 1u << W_DOMID)
		nodes_push(&sv.domid, n);
	if (n->omit_if_unused)
		nodes_push(&sv.omit, n);
	for_each_label(n->labels, l)
		survey_label(l->name, n, NULL, NULL,
			     seen & (1u << W_PHANDLE | 1u << W_LINUX_PHANDLE));
	if (np > 1 && any_same(&sv.props_set, sv.props, np))
		duplicate_property_names.clean = false;

	for_each_child_withdel(n, c) {
		uint32_t h;

		__builtin_prefetch(c->next_sibling);
		__builtin_prefetch(c->props);
		h = scan_name(c->name, &cls, &ats, &len);

		hname_push(&sv.kids, &sv.kids_cap, nk++, h, c->name);
		if (c->deleted)
			continue;
		if (!(cls & CC_NODE))
			node_name_chars.clean = false;
		if (ats > 1)
			node_name_format.clean = false;
		if (np && holds(&sv.props_set, sv.props, np, h, c->name))
			node_name_vs_property_name.clean = false;
	}
	if (nk > 1 && any_same(&sv.kids_set, sv.kids, nk))
		duplicate_node_names.clean = false;
	for_each_child(n, c)
		survey_node(dt, c);
}

/* The checks the survey answers for, and what it watches for them. */
static void survey_setup(void)
{
	static struct check *const answered[] = {
		&duplicate_node_names, &duplicate_property_names,
		&node_name_chars, &node_name_format, &property_name_chars,
		&name_properties, &node_name_vs_property_name,
		&duplicate_label, &names_is_string_list,
	};
	const char *c;
	size_t i;

	memset(cclass, 0, sizeof(cclass));
	for (c = NODECHARS; *c; c++)
		cclass[(unsigned char)*c] |= CC_NODE;
	for (c = PROPCHARS; *c; c++)
		cclass[(unsigned char)*c] |= CC_PROP;

	memset(sv.slot, -1, sizeof(sv.slot));
	sv.nwatch = 0;
	sv.ntyped = 0;
	watch_add("name");
	watch_add("phandle");
	watch_add("linux,phandle");
	watch_add("domid");
	for (i = 0; i < N_CHECKS; i++) {
		struct check *tc = table[i];
		int w;

		tc->clean = false;
		tc->only = NULL;
		tc->refs = NULL;
		if ((tc->fn != check_is_cell && tc->fn != check_is_string &&
		     tc->fn != check_is_string_list) || !tc->data ||
		    sv.ntyped == WATCH_MAX)
			continue;
		w = watch_add(tc->data);
		if (w < 0)
			continue;
		tc->clean = true;
		sv.typed[sv.ntyped] = tc;
		sv.typed_w[sv.ntyped++] = (unsigned int)w;
	}
	for (i = 0; i < sizeof(answered) / sizeof(answered[0]); i++)
		answered[i]->clean = true;

	sv.explicit_ph.n = sv.ph_refs.n = sv.path_refs.n = 0;
	sv.omit.n = sv.domid.n = 0;
	sv.refs_in_name = false;
	sv.nlabels = 0;
	sv.labels_usable = false;
	if (sv.ltab)
		memset(sv.ltab, 0, sv.ltab_size * sizeof(*sv.ltab));
}

static void survey(struct dt *dt)
{
	struct node *root = dt->root;
	unsigned int cls, ats;
	size_t len, i;

	survey_setup();
	free(sv.domid.v);
	memset(&sv.domid, 0, sizeof(sv.domid));
	sv.dt = NULL;
	if (!root) {
		/* nothing to walk: every check keeps its usual path */
		for (i = 0; i < N_CHECKS; i++)
			table[i]->clean = false;
		return;
	}
	/* the root's name is checked like any other node's */
	scan_name(root->name, &cls, &ats, &len);
	if (!(cls & CC_NODE))
		node_name_chars.clean = false;
	if (ats > 1)
		node_name_format.clean = false;
	survey_node(dt, root);
	explicit_phandles.only = &sv.explicit_ph;
	omit_unused_nodes.only = &sv.omit;
	/* A reference in a "name" property that name_properties drops is
	 * not fixed: the usual walks know that, the lists do not. */
	if (!sv.refs_in_name) {
		phandle_references.refs = &sv.ph_refs;
		path_references.refs = &sv.path_refs;
	}
	sv.labels_usable = duplicate_label.clean && !root->deleted;
	sv.dt = dt;
}

static void survey_free(void)
{
	free(sv.explicit_ph.v);
	free(sv.ph_refs.v);
	free(sv.path_refs.v);
	free(sv.omit.v);
	free(sv.props);
	free(sv.kids);
	free(sv.props_set.slot);
	free(sv.kids_set.slot);
	memset(&sv.props_set, 0, sizeof(sv.props_set));
	memset(&sv.kids_set, 0, sizeof(sv.kids_set));
	free(sv.labels);
	free(sv.ltab);
	/* the domid list outlives checks_run(): checks_take_domid_nodes() */
	memset(&sv.explicit_ph, 0, sizeof(sv.explicit_ph));
	memset(&sv.ph_refs, 0, sizeof(sv.ph_refs));
	memset(&sv.path_refs, 0, sizeof(sv.path_refs));
	memset(&sv.omit, 0, sizeof(sv.omit));
	sv.props = sv.kids = NULL;
	sv.props_cap = sv.kids_cap = 0;
	sv.labels = NULL;
	sv.nlabels = sv.labels_cap = 0;
	sv.ltab = NULL;
	sv.ltab_size = 0;
	sv.labels_usable = false;
}

/*
 * The reference fixups over the survey's list. Each reference's marker,
 * name and value, and its slot in the label table, are cache misses that
 * would otherwise come one by one: they are fetched a few references
 * ahead.
 */
static void fix_refs(struct check *c, struct dt *dt)
{
	const struct ref *v = c->refs->v;
	size_t n = c->refs->n, k;

	for (k = 0; k < n; k++) {
		if (k + 16 < n) {
			__builtin_prefetch(v[k + 16].m);
			__builtin_prefetch(v[k + 16].p);
		}
		if (k + 8 < n) {
			__builtin_prefetch(v[k + 8].m->ref);
			__builtin_prefetch(v[k + 8].p->val.val);
		}
		if (k + 4 < n && sv.labels_usable && sv.ltab_size) {
			uint32_t h = hash_str(v[k + 4].m->ref);

			__builtin_prefetch(&sv.ltab[h & (sv.ltab_size - 1)]);
		}
		if (c == &phandle_references)
			fix_phandle_ref(c, dt, v[k].p, v[k].m);
		else
			fix_path_ref(c, dt, v[k].p, v[k].m);
	}
}

/* ---- running ------------------------------------------------------------ */

static bool run_check(struct check *c, struct dt *dt)
{
	bool error = false;
	int i;

	if (c->status != UNCHECKED)
		goto out;
	c->in_progress = true;
	for (i = 0; i < 3 && c->prereq[i]; i++) {
		struct check *pre = c->prereq[i];

		error = run_check(pre, dt) || error;
		/* The failed prerequisite has said why; dtc's extra
		 * "Failed prerequisite" line adds nothing for a user. */
		if (pre->status != PASSED)
			c->status = PREREQ;
	}
	if (c->status != UNCHECKED)
		goto out;
	if (c->clean) {
		/* the survey found nothing this check would report */
	} else if (c == &duplicate_label) {
		check_duplicate_labels(c, dt);
	} else if (c->refs) {
		fix_refs(c, dt);
	} else if (c->only) {
		size_t k;

		for (k = 0; k < c->only->n; k++)
			if (node_reached(c->only->v[k]))
				c->fn(c, dt, c->only->v[k]);
	} else if (c->fn && dt->root) {
		walk(c, dt);
	}
	if (c->status == UNCHECKED)
		c->status = PASSED;
out:
	c->in_progress = false;
	return error || (c->status != PASSED && c->error);
}

bool checks_run(struct dt *dt, const struct check_options *opt)
{
	bool error = false;
	size_t i;

	run_opt = opt;
	for (i = 0; i < N_CHECKS; i++) {
		table[i]->status = UNCHECKED;
		table[i]->in_progress = false;
	}
	survey(dt);
	order.n = 0;
	for (i = 0; i < N_CHECKS; i++)
		if (table[i]->warn || table[i]->error)
			error = run_check(table[i], dt) || error;
	free(order.node);
	free(order.end);
	memset(&order, 0, sizeof(order));
	survey_free();
	return error;
}

bool checks_take_domid_nodes(const struct dt *dt, struct node ***v,
			     size_t *n)
{
	if (!dt || sv.dt != dt) {
		*v = NULL;
		*n = 0;
		return false;
	}
	*v = sv.domid.v;
	*n = sv.domid.n;
	memset(&sv.domid, 0, sizeof(sv.domid));
	sv.dt = NULL;
	return true;
}

static void raise_level(struct check *c, bool warn, bool error)
{
	int i;

	if ((warn && !c->warn) || (error && !c->error))
		for (i = 0; i < 3 && c->prereq[i]; i++)
			raise_level(c->prereq[i], warn, error);
	c->warn = c->warn || warn;
	c->error = c->error || error;
}

static void lower_level(struct check *c, bool warn, bool error)
{
	size_t i;
	int j;

	if ((warn && c->warn) || (error && c->error))
		for (i = 0; i < N_CHECKS; i++)
			for (j = 0; j < 3 && table[i]->prereq[j]; j++)
				if (table[i]->prereq[j] == c)
					lower_level(table[i], warn, error);
	c->warn = c->warn && !warn;
	c->error = c->error && !error;
}

bool checks_set_level(const char *arg, bool is_error)
{
	bool enable = true;
	size_t i;

	if (strncmp(arg, "no-", 3) == 0 || strncmp(arg, "no_", 3) == 0) {
		arg += 3;
		enable = false;
	}
	for (i = 0; i < N_CHECKS; i++) {
		struct check *c = table[i];

		if (strcmp(c->name, arg) != 0)
			continue;
		if (enable)
			raise_level(c, !is_error, is_error);
		else
			lower_level(c, !is_error, is_error);
		return true;
	}
	return false;
}

static bool is_parse_time(const struct check *c)
{
	return c == &integer_overflow || c == &memreserve_overflow ||
	       c == &nul_in_source;
}

void checks_list(void)
{
	size_t i;

	for (i = 0; i < N_CHECKS; i++) {
		const struct check *c = table[i];
		const char *note = !c->implemented ? "(not implemented yet)" :
				   is_parse_time(c) ? c->data : NULL;

		printf("%-36s %-8s%s%s\n", c->name,
		       c->error ? "error" : c->warn ? "warning" : "off",
		       note ? "  " : "", note ? note : "");
	}
}

bool checks_level(const char *name, enum diag_level *level)
{
	size_t i;

	for (i = 0; i < N_CHECKS; i++) {
		const struct check *c = table[i];

		if (strcmp(c->name, name) != 0)
			continue;
		*level = level_of(c);
		return c->warn || c->error;
	}
	return false;
}
