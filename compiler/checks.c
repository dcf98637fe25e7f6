// SPDX-License-Identifier: GPL-2.0-or-later
#include "checks.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "threads.h"

enum check_status { UNCHECKED, PREREQ, PASSED, FAILED };

struct check;
typedef void (*check_fn)(struct check *c, struct dt *dt, struct node *n);

/* Nodes in tree order. */
struct nodes {
	struct node **v;
	size_t n, cap;
};

struct seen_label;

/*
 * References (markers in property values) in tree order, each resolved
 * into a target (what it names, see target()) before its fixup runs. A
 * resolved phandle reference needs no more than that and where its
 * phandle goes: they replace its marker and property. A path reference
 * keeps both for the insertion, its target in to[].
 */
struct refs {
	struct ref {
		union {
			struct property *p;
			uint8_t *cell;
		};
		union {
			struct marker *m;
			uintptr_t to;
		};
	} *v;
	uintptr_t *to;		/* path references' targets */
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
	bool listed;		/* it fixes the survey's references only */
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
 * NULL. read_only: for a thread that must not write (dt_find_ref()).
 */
static struct node *ref_target(struct dt *dt, const char *ref,
			       struct seen_label **site, bool read_only);
/* dt_node_phandle() and node_path() of a referenced node, which they
 * mark as referenced; site (or NULL) remembers the answers. */
static cell_t site_phandle(struct dt *dt, struct seen_label *site,
			   struct node *n);
static const char *site_path(struct dt *dt, struct seen_label *site,
			     struct node *n);

/* A phandle reference to nothing: an overlay's is left to the loader. */
static void phandle_unresolved(struct check *c, struct dt *dt,
			       struct property *p, struct marker *m)
{
	if (dt->dtsflags & DTSF_PLUGIN)
		cell_store(p->val.val + m->offset, 0xffffffffu);
	else
		unresolved(c, p, m);
}

static void fix_phandle_ref(struct check *c, struct dt *dt,
			    struct property *p, struct marker *m)
{
	struct seen_label *s;
	struct node *ref = ref_target(dt, m->ref, &s, false);

	if (!ref)
		phandle_unresolved(c, dt, p, m);
	else
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

/* Puts the path of ref (NULL: none; s: its label's site) at m. */
static void put_path(struct check *c, struct dt *dt, struct property *p,
		     struct marker *m, struct node *ref, struct seen_label *s)
{
	const char *path;

	if (!ref) {
		unresolved(c, p, m);
		return;
	}
	path = site_path(dt, s, ref);
	data_insert_at_marker(dt, &p->val, m, path, strlen(path) + 1);
}

static void fix_path_ref(struct check *c, struct dt *dt, struct property *p,
			 struct marker *m)
{
	struct seen_label *s;
	struct node *ref = ref_target(dt, m->ref, &s, false);

	put_path(c, dt, p, m, ref, s);
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
 *
 * On a big tree two threads share the work. The tree is cut into chunks
 * (a node alone, or siblings with their subtrees) which, in order, are
 * the tree in pre-order; each thread surveys the chunks it takes into
 * lists and a label table of its own. The lists are then read in chunk
 * order, that is in tree order, and the two label tables answer together
 * (no name is in both, or they are not used). Later a helper resolves
 * references (which node each names, reading the tree only) while the
 * main thread fixes those already resolved. Everything that prints or
 * changes the tree stays on the main thread, in dtc's order.
 */

/* First live property of these names in each node, for the checks on it. */
enum { W_NAME, W_PHANDLE, W_LINUX_PHANDLE, W_DOMID };
#define WATCH_MAX	16
#define WATCH_SLOTS	64	/* > WATCH_MAX: a probe always ends */

/* Small counts are compared pairwise; larger ones hashed. */
#define PAIRWISE_MAX	8

enum { CC_NODE = 1, CC_PROP = 2 };

/*
 * What a thread's survey found the checks could report, one bit each: the
 * checks it answers for, then (D_TYPED + i) the property-type checks in
 * sw.typed[]. Each thread keeps its own bits; the main thread ORs them.
 */
enum {
	D_DUP_NODE, D_DUP_PROP, D_NODE_CHARS, D_NODE_FORMAT, D_PROP_CHARS,
	D_NAME_PROPS, D_NODE_VS_PROP, D_DUP_LABEL, D_NAMES_LIST, D_TYPED,
};
#define DIRTY(d)	(1u << (d))

static struct check *const answered[D_TYPED] = {
	&duplicate_node_names, &duplicate_property_names, &node_name_chars,
	&node_name_format, &property_name_chars, &name_properties,
	&node_name_vs_property_name, &duplicate_label, &names_is_string_list,
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

/*
 * What a resolved reference names: a label's entry in the survey's table
 * (the label's node is the target), or a node found otherwise; 0:
 * nothing. The two low bits tell which: both are 8-byte aligned, as is a
 * marker, which an unresolved phandle reference keeps in their place.
 */
enum { T_NODE = 1, T_SITE = 2, T_MASK = 3 };

static uintptr_t target(struct node *n, struct seen_label *site)
{
	if (site)
		return (uintptr_t)site | T_SITE;
	return n ? (uintptr_t)n | T_NODE : 0;
}

static struct seen_label *target_site(uintptr_t t)
{
	return (t & T_MASK) == T_SITE ? (struct seen_label *)(t & ~T_MASK) :
					NULL;
}

static struct node *target_node(uintptr_t t)
{
	if ((t & T_MASK) == T_SITE)
		return target_site(t)->node;
	return (t & T_MASK) == T_NODE ? (struct node *)(t & ~T_MASK) : NULL;
}

struct lslot {
	uint32_t h;
	uint32_t k;		/* labels index + 1; 0: empty */
};

/*
 * What the survey learns from a property's name, kept by the name's
 * address: the front end keeps one copy of each distinct property name,
 * so a big tree has few of them and nearly every property finds its name
 * here instead of reading and hashing it again.
 */
#define NAME_CACHE	256

struct name_info {
	const char *name;	/* NULL: empty */
	uint32_t h;
	uint32_t len;
	unsigned char cls;
	signed char watch;	/* watch index; -1: not watched */
};

/* The lists a survey fills, each in tree order. */
enum { R_PHANDLE, R_PATH, NREFS };		/* references to fix */
enum { N_EXPLICIT_PH, N_OMIT, N_DOMID, NNODES };	/* nodes with a
				 * phandle property, /omit-if-no-ref/, domid */

/* What one thread's survey learns, and its scratch space. */
struct survey {
	struct refs refs[NREFS];
	struct nodes nodes[NNODES];
	uint32_t dirty;		/* DIRTY(D_*) bits */
	bool refs_in_name;	/* name_properties may drop a reference */
	size_t items;		/* nodes and properties surveyed */
	struct name_info names[NAME_CACHE];

	struct name_hash *props, *kids;	/* the current node's */
	size_t props_cap, kids_cap;
	struct hset props_set, kids_set;
	/* the props' hashes, a bit each (see name_bit()); whether two met */
	uint64_t props_bits;
	bool props_met;

	struct seen_label *labels;	/* first site of each label name */
	size_t nlabels, labels_cap;
	struct lslot *ltab;	/* open addressing, a power of 2 */
	size_t ltab_size;

	/* children indexes made for big parents, given to them at the end */
	struct arena *arena;	/* dt's for the main thread, else own */
	struct arena own;
	struct made_index {
		struct node *n;
		struct child_index *ix;
	} *made;
	size_t nmade, made_cap;
};

/*
 * A piece of the tree for one survey: n alone (count 0), or count live
 * siblings from n on, each with its subtree. The thread that took it
 * notes where its entries are in that thread's lists.
 */
struct chunk {
	struct node *n;
	uint32_t count;
	unsigned char by;	/* 0: the main thread; 1: the helper */
	size_t refs[NREFS][2];	/* [start, end) */
	size_t nodes[NNODES][2];
};

/*
 * A stretch of one thread's reference list, at most PIECE long; a kind's
 * pieces, in order, are all its references in tree order. The threads
 * resolve them piece by piece.
 */
struct pieces {
	struct piece {
		unsigned char by;
		size_t start, end;
	} *v;
	size_t n, cap, total;
};

#define PIECE	256

/* Chunks to aim for before surveying: enough to share out evenly. */
#define PLAN_CHUNKS	64
#define PLAN_PASSES	8
#define PLAN_RUNS	256	/* at most, of one node's children */
/*
 * Nodes and properties the main thread surveys before it asks for help
 * (THREADS_BY_SIZE): a smaller tree is done before a thread would pay for
 * its start. A tree whose arena holds more than SURVEY_ALONE_BYTES (some
 * 130 bytes an item) is that big for sure: the helper starts at once.
 */
#define SURVEY_ALONE		100000
#define SURVEY_ALONE_BYTES	((size_t)SURVEY_ALONE * 130)

/* What every survey watches for: set before any starts, then read only. */
static struct {
	const char *watch[WATCH_MAX];
	uint32_t watch_h[WATCH_MAX];
	unsigned int nwatch;
	signed char slot[WATCH_SLOTS];	/* hash -> watch index; -1: empty */
	/* the property-type checks and the name each one reads; by name,
	 * the first such check and the next one on the same name (-1: none) */
	struct check *typed[WATCH_MAX];
	unsigned int ntyped;
	signed char typed_at[WATCH_MAX], typed_next[WATCH_MAX];
	uint32_t typed_mask;	/* watch bits some check reads */
	unsigned char cclass[256];
} sw;

static struct {
	struct dt *dt;
	/* [0]: the main thread's; [1]: the helper's */
	struct survey st[2];
	struct chunk *chunk;
	size_t nchunks, chunk_cap;
	atomic_size_t next;	/* the first chunk nobody took */
	/* THREADS_ALWAYS: chunk k is thread k % 2's */
	bool alternate;
	bool helped;		/* the helper surveyed: the tree is big */
	enum thread_use use;
	pthread_t helper;

	struct pieces pieces[NREFS];
	struct nodes explicit_ph, omit;
	bool refs_in_name;
	bool labels_usable;	/* every live label, each name once */
} sv;

/* The domid list, kept for checks_take_domid_nodes(). */
static struct {
	const struct dt *dt;
	struct nodes v;
} domids;

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
		all &= sw.cclass[c];
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

static void hname_push(struct name_hash **v, size_t *cap, size_t i,
		       uint32_t h, const char *s)
{
	if (i == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[i].fnv = h;
	(*v)[i].name = s;
}

/* The slot holding name, or the empty slot where it belongs. */
static unsigned int watch_slot(uint32_t h, const char *name)
{
	unsigned int i = h % WATCH_SLOTS;

	while (sw.slot[i] >= 0) {
		int w = sw.slot[i];

		if (sw.watch_h[w] == h && strcmp(sw.watch[w], name) == 0)
			break;
		i = (i + 1) % WATCH_SLOTS;
	}
	return i;
}

static int watch_add(const char *name)
{
	uint32_t h = hash_str(name);
	unsigned int i = watch_slot(h, name);

	if (sw.slot[i] >= 0)
		return sw.slot[i];
	if (sw.nwatch == WATCH_MAX)
		return -1;
	sw.watch[sw.nwatch] = name;
	sw.watch_h[sw.nwatch] = h;
	sw.slot[i] = (signed char)sw.nwatch;
	return (int)sw.nwatch++;
}

static int watch_find(uint32_t h, const char *name)
{
	return sw.slot[watch_slot(h, name)];
}

static const struct name_info *prop_name_info(struct survey *s,
					      const char *name)
{
	uintptr_t a = (uintptr_t)name;
	struct name_info *ni = &s->names[(a >> 3 ^ a >> 11) % NAME_CACHE];
	unsigned int cls, ats;
	size_t len;

	if (ni->name == name)
		return ni;
	ni->h = scan_name(name, &cls, &ats, &len);
	ni->len = (uint32_t)len;
	ni->cls = (unsigned char)cls;
	ni->watch = (signed char)watch_find(ni->h, name);
	ni->name = name;
	return ni;
}

/* Fills t with v[0..n); whether two of them are the same name. */
static bool hset_fill(struct hset *t, const struct name_hash *v, size_t n)
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
		for (i = v[j].fnv & mask; t->slot[i]; i = (i + 1) & mask) {
			const struct name_hash *o = &v[t->slot[i] - 1];

			if (o->fnv == v[j].fnv &&
			    strcmp(o->name, v[j].name) == 0)
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
static bool any_same(struct hset *t, const struct name_hash *v, size_t n)
{
	size_t i, j;

	if (n > PAIRWISE_MAX)
		return hset_fill(t, v, n);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (v[i].fnv == v[j].fnv &&
			    strcmp(v[i].name, v[j].name) == 0)
				return true;
	return false;
}

/*
 * A name's bit in a 64-bit summary of a few names: two names with
 * different bits differ, so a node whose names' bits are all different
 * needs no comparison of them.
 */
static uint64_t name_bit(uint32_t h)
{
	return (uint64_t)1 << (h >> 26);
}

static bool bits_meet(uint64_t *bits, uint32_t h)
{
	bool met = *bits & name_bit(h);

	*bits |= name_bit(h);
	return met;
}

/* Whether v[0..n) (in t if n > PAIRWISE_MAX) holds name s of hash h. */
static bool holds(const struct hset *t, const struct name_hash *v, size_t n,
		  uint32_t h, const char *s)
{
	size_t i, mask;

	if (n > PAIRWISE_MAX) {
		mask = t->size - 1;
		for (i = h & mask; t->slot[i]; i = (i + 1) & mask) {
			const struct name_hash *o = &v[t->slot[i] - 1];

			if (o->fnv == h && strcmp(o->name, s) == 0)
				return true;
		}
		return false;
	}
	for (i = 0; i < n; i++)
		if (v[i].fnv == h && strcmp(v[i].name, s) == 0)
			return true;
	return false;
}

/*
 * duplicate_label reports a label name written at two different places
 * (node, property, or label inside a value): remembering the first place
 * of each name finds whether any such pair exists.
 */
/* The slot holding label name (of hash h), or the empty one it would go in. */
static struct lslot *label_slot(const struct survey *s, const char *name,
				uint32_t h)
{
	size_t i, mask = s->ltab_size - 1;

	for (i = h & mask; s->ltab[i].k; i = (i + 1) & mask)
		if (s->ltab[i].h == h &&
		    (s->labels[s->ltab[i].k - 1].name == name ||
		     strcmp(s->labels[s->ltab[i].k - 1].name, name) == 0))
			break;
	return &s->ltab[i];
}

/* Makes room in s's label table for n labels. */
static void ltab_grow(struct survey *s, size_t n)
{
	size_t size = s->ltab_size ? s->ltab_size : 1024, i, j;

	while (2 * n > size)
		size *= 2;
	if (size == s->ltab_size)
		return;
	free(s->ltab);
	s->ltab = xmalloc(size * sizeof(*s->ltab));
	memset(s->ltab, 0, size * sizeof(*s->ltab));
	s->ltab_size = size;
	for (j = 0; j < s->nlabels; j++) {
		i = s->labels[j].h & (size - 1);
		while (s->ltab[i].k)
			i = (i + 1) & (size - 1);
		s->ltab[i].h = s->labels[j].h;
		s->ltab[i].k = (uint32_t)j + 1;
	}
}

/* Records site as the first of its name; false if another site has the
 * name already. */
static bool label_record(struct survey *s, const struct seen_label *site)
{
	struct lslot *slot;

	if (2 * (s->nlabels + 1) > s->ltab_size)
		ltab_grow(s, s->nlabels + 1);
	slot = label_slot(s, site->name, site->h);
	if (slot->k) {
		const struct seen_label *o = &s->labels[slot->k - 1];

		return o->node == site->node && o->prop == site->prop &&
		       o->mark == site->mark;
	}
	if (s->nlabels == s->labels_cap) {
		s->labels_cap = s->labels_cap ? 2 * s->labels_cap : 256;
		s->labels = xrealloc(s->labels,
				     s->labels_cap * sizeof(*s->labels));
	}
	s->labels[s->nlabels] = *site;
	slot->h = site->h;
	slot->k = (uint32_t)++s->nlabels;
	return true;
}

static void survey_label(struct survey *s, const char *name, struct node *n,
			 struct property *p, struct marker *m, bool ph_props)
{
	if (s->dirty & DIRTY(D_DUP_LABEL))
		return;
	if (!label_record(s, &(struct seen_label){
			.name = name, .h = hash_str(name), .node = n,
			.prop = p, .mark = m, .ph_props = ph_props }))
		s->dirty |= DIRTY(D_DUP_LABEL);
}

/*
 * dt_node_by_ref() for the fixups. With no label name written twice, the
 * survey's table holds every live label: the node a label names is the
 * one it sits on, and a label on a property or in a value names no node.
 * The table is smaller and closer at hand than the tree's label index;
 * nothing between the survey and the fixups adds, deletes or moves a
 * node label (name_properties may drop a property's). With a helper, the
 * table is two: each thread's, no name in both. h: hash_str(ref).
 */
static struct node *table_target(const char *ref, uint32_t h,
				 struct seen_label **site)
{
	int i;

	for (i = 0; i < 2; i++) {
		const struct survey *t = &sv.st[i];
		struct lslot *slot;
		struct seen_label *s;

		if (!t->ltab_size)
			continue;
		slot = label_slot(t, ref, h);
		if (!slot->k)
			continue;
		s = &t->labels[slot->k - 1];
		if (s->prop || s->mark)
			return NULL;
		*site = s;
		return s->node;
	}
	return NULL;
}

static struct node *ref_target(struct dt *dt, const char *ref,
			       struct seen_label **site, bool read_only)
{
	*site = NULL;
	if (!sv.labels_usable || ref[0] == '/')
		return read_only ? dt_find_ref(dt, ref) :
				   dt_node_by_ref(dt, ref);
	return table_target(ref, hash_str(ref), site);
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

/*
 * Whether two of n's nk children (in s->kids) have the same name. A
 * parent that would get a children index on its first lookup gets it
 * now, while every name is hashed and at hand: the reference fixups look
 * up many paths, and built later the index costs a cache miss or two
 * per child.
 */
static bool kids_same(struct survey *s, struct node *n, size_t nk)
{
	struct made_index *mi;
	bool same;

	if (nk <= PAIRWISE_MAX || !node_wants_child_index(n))
		return any_same(&s->kids_set, s->kids, nk);
	if (s->nmade == s->made_cap) {
		s->made_cap = s->made_cap ? 2 * s->made_cap : 64;
		s->made = xrealloc(s->made, s->made_cap * sizeof(*s->made));
	}
	mi = &s->made[s->nmade++];
	mi->n = n;
	mi->ix = child_index_make(s->arena, n, s->kids, nk, &same);
	return same;
}

/* n's properties: what they tell the checks, and which are watched. */
static uint32_t survey_props(struct survey *s, struct node *n,
			     struct property **first, bool *first_refs,
			     size_t *np)
{
	struct property *p;
	uint32_t seen = 0;
	struct label *l;

	for_each_property_withdel(n, p) {
		const struct name_info *ni;
		struct marker *m;
		bool refs = false;
		int w;

		__builtin_prefetch(p->next);
		if (p->deleted) {
			/* name_properties looks at a deleted "name" too */
			if (strcmp(p->name, "name") == 0)
				s->dirty |= DIRTY(D_NAME_PROPS);
			continue;
		}
		ni = prop_name_info(s, p->name);
		if (!(ni->cls & CC_PROP))
			s->dirty |= DIRTY(D_PROP_CHARS);
		if (bits_meet(&s->props_bits, ni->h))
			s->props_met = true;
		hname_push(&s->props, &s->props_cap, (*np)++, ni->h, p->name);
		for_each_label(p->labels, l)
			survey_label(s, l->name, n, p, NULL, false);
		for_each_marker(p->val.markers, m) {
			if (m->type == MARK_REF_PHANDLE) {
				refs_push(&s->refs[R_PHANDLE], p, m);
				refs = true;
			} else if (m->type == MARK_REF_PATH) {
				refs_push(&s->refs[R_PATH], p, m);
				refs = true;
			} else if (m->type == MARK_LABEL) {
				survey_label(s, m->ref, n, p, m, false);
			}
		}
		if (ni->len >= 6 &&
		    memcmp(p->name + ni->len - 6, "-names", 6) == 0 &&
		    (refs || !is_string_list(&p->val)))
			s->dirty |= DIRTY(D_NAMES_LIST);
		w = ni->watch;
		if (w >= 0 && !(seen & 1u << w)) {
			seen |= 1u << w;
			first[w] = p;
			first_refs[w] = refs;
		}
		if (refs && w == W_NAME)
			s->refs_in_name = true;
	}
	return seen;
}

/* n's children's names, checked against each other and n's properties. */
static void survey_kids(struct survey *s, struct node *n, size_t np)
{
	unsigned int cls, ats;
	struct node *c;
	size_t nk = 0, len;
	uint64_t bits = 0;
	bool met = false;

	for_each_child_withdel(n, c) {
		uint32_t h;

		__builtin_prefetch(c->next_sibling);
		__builtin_prefetch(c->props);
		h = scan_name(c->name, &cls, &ats, &len);

		hname_push(&s->kids, &s->kids_cap, nk++, h, c->name);
		if (bits_meet(&bits, h))
			met = true;
		if (c->deleted)
			continue;
		if (!(cls & CC_NODE))
			s->dirty |= DIRTY(D_NODE_CHARS);
		if (ats > 1)
			s->dirty |= DIRTY(D_NODE_FORMAT);
		if ((s->props_bits & name_bit(h)) &&
		    holds(&s->props_set, s->props, np, h, c->name))
			s->dirty |= DIRTY(D_NODE_VS_PROP);
	}
	/* a big parent's index is made whether or not two names met */
	if ((met || nk > PAIRWISE_MAX) && kids_same(s, n, nk))
		s->dirty |= DIRTY(D_DUP_NODE);
}

/* n, and if whole every node below it. */
static void survey_node(struct survey *s, struct node *n, bool whole)
{
	struct property *first[WATCH_MAX];
	bool first_refs[WATCH_MAX];
	uint32_t seen, bits;
	size_t np = 0;
	struct node *c;
	struct label *l;
	int i;

	/*
	 * The walk is a chain of cache misses (nodes, properties, names);
	 * asking for the next link early lets them overlap with the work.
	 */
	__builtin_prefetch(n->children);
	s->props_bits = 0;
	s->props_met = false;
	seen = survey_props(s, n, first, first_refs, &np);
	s->items += np + 1;
	for (bits = seen & sw.typed_mask; bits; bits &= bits - 1) {
		unsigned int w = (unsigned int)__builtin_ctz(bits);

		for (i = sw.typed_at[w]; i >= 0; i = sw.typed_next[i]) {
			uint32_t bit = DIRTY(D_TYPED + i);

			if (!(s->dirty & bit) &&
			    (first_refs[w] ||
			     prop_fails(sw.typed[i], first[w])))
				s->dirty |= bit;
		}
	}
	if (seen & 1u << W_NAME)
		s->dirty |= DIRTY(D_NAME_PROPS);
	if (seen & (1u << W_PHANDLE | 1u << W_LINUX_PHANDLE))
		nodes_push(&s->nodes[N_EXPLICIT_PH], n);
	if (seen & 1u << W_DOMID)
		nodes_push(&s->nodes[N_DOMID], n);
	if (n->omit_if_unused)
		nodes_push(&s->nodes[N_OMIT], n);
	for_each_label(n->labels, l)
		survey_label(s, l->name, n, NULL, NULL,
			     seen & (1u << W_PHANDLE | 1u << W_LINUX_PHANDLE));
	/* (many properties fill props_set for holds() here) */
	if ((s->props_met || np > PAIRWISE_MAX) &&
	    any_same(&s->props_set, s->props, np))
		s->dirty |= DIRTY(D_DUP_PROP);
	survey_kids(s, n, np);
	if (whole)
		for_each_child(n, c)
			survey_node(s, c, true);
}

static void chunk_push(struct node *n, uint32_t count)
{
	if (sv.nchunks == sv.chunk_cap) {
		sv.chunk_cap = sv.chunk_cap ? 2 * sv.chunk_cap : 64;
		sv.chunk = xrealloc(sv.chunk, sv.chunk_cap * sizeof(*sv.chunk));
	}
	sv.chunk[sv.nchunks++] = (struct chunk){ .n = n, .count = count };
}

/* n's first live child from c on (c itself if live), or NULL. */
static struct node *live_from(struct node *c)
{
	while (c && c->deleted)
		c = c->next_sibling;
	return c;
}

/* n alone, then its live children in at most PLAN_RUNS runs. */
static void chunks_cut(struct node *n)
{
	uint32_t k = 0, runs, i, len;
	struct node *c;

	chunk_push(n, 0);
	for_each_child(n, c)
		k++;
	runs = k < PLAN_RUNS ? k : PLAN_RUNS;
	c = live_from(n->children);
	for (i = 0; i < runs; i++) {
		len = k / runs + (i < k % runs);
		chunk_push(c, len);
		while (len--)
			c = live_from(c->next_sibling);
	}
}

/*
 * Cuts the tree into chunks: the root whole, then, pass after pass until
 * there are enough, each chunk that is one node with children into that
 * node alone and runs of its children. Subtree sizes are not known without
 * a walk; many chunks let the threads share them out evenly all the same,
 * and runs keep their number down under a node with very many children.
 */
static void chunks_plan(struct node *root, bool split)
{
	struct chunk *old = NULL;
	size_t nold, i, pass;
	bool cut = true;

	sv.nchunks = 0;
	chunk_push(root, 1);
	for (pass = 0; split && cut && pass < PLAN_PASSES &&
		       sv.nchunks < PLAN_CHUNKS; pass++) {
		free(old);
		old = sv.chunk;
		nold = sv.nchunks;
		sv.chunk = NULL;
		sv.nchunks = sv.chunk_cap = 0;
		cut = false;
		for (i = 0; i < nold; i++) {
			if (old[i].count != 1 ||
			    !live_from(old[i].n->children)) {
				chunk_push(old[i].n, old[i].count);
				continue;
			}
			chunks_cut(old[i].n);
			cut = true;
		}
	}
	free(old);
}

static void survey_chunk(struct survey *s, unsigned char me, size_t k)
{
	struct chunk *ch = &sv.chunk[k];
	struct node *c = ch->n;
	uint32_t j;
	int i;

	ch->by = me;
	for (i = 0; i < NREFS; i++)
		ch->refs[i][0] = s->refs[i].n;
	for (i = 0; i < NNODES; i++)
		ch->nodes[i][0] = s->nodes[i].n;
	if (!ch->count)
		survey_node(s, c, false);
	for (j = 0; j < ch->count; j++, c = live_from(c->next_sibling))
		survey_node(s, c, true);
	for (i = 0; i < NREFS; i++)
		ch->refs[i][1] = s->refs[i].n;
	for (i = 0; i < NNODES; i++)
		ch->nodes[i][1] = s->nodes[i].n;
}

/* The next chunk for thread me (*turn: its own count), or past the end. */
static size_t take_chunk(size_t *turn)
{
	size_t k;

	if (!sv.alternate)
		return atomic_fetch_add_explicit(&sv.next, 1,
						 memory_order_relaxed);
	k = *turn;
	*turn += 2;
	return k;
}

static void *survey_helper(void *arg)
{
	size_t turn = 1, k;

	(void)arg;
	while ((k = take_chunk(&turn)) < sv.nchunks)
		survey_chunk(&sv.st[1], 1, k);
	return NULL;
}

/*
 * The main thread's share of the survey. Under THREADS_BY_SIZE the helper
 * starts at once on a tree known to be big, else once the main thread has
 * surveyed SURVEY_ALONE items with chunks left; under THREADS_ALWAYS it
 * starts first, and the two take turns, so that even a small tree is
 * split between them. A helper that cannot start leaves the main thread
 * to survey every chunk.
 */
static void survey_chunks(const struct dt *dt, enum thread_use use)
{
	bool want = use == THREADS_BY_SIZE;
	size_t turn = 0, k;

	atomic_init(&sv.next, 0);
	sv.helped = false;
	sv.alternate = false;
	if (want && dt->arena.total >= SURVEY_ALONE_BYTES &&
	    sv.nchunks > 1) {
		want = false;
		sv.helped = pthread_create(&sv.helper, NULL, survey_helper,
					   NULL) == 0;
	} else if (use == THREADS_ALWAYS) {
		/* set before the helper reads it, changed only if none runs */
		sv.alternate = true;
		sv.helped = pthread_create(&sv.helper, NULL, survey_helper,
					   NULL) == 0;
		if (!sv.helped)
			sv.alternate = false;
	}
	while ((k = take_chunk(&turn)) < sv.nchunks) {
		survey_chunk(&sv.st[0], 0, k);
		if (want && sv.st[0].items >= SURVEY_ALONE &&
		    k + 1 < sv.nchunks) {
			want = false;
			sv.helped = pthread_create(&sv.helper, NULL,
						   survey_helper, NULL) == 0;
		}
	}
	if (sv.helped)
		pthread_join(sv.helper, NULL);
}

/* out: kind's nodes from every chunk, in chunk order. */
static void nodes_merge(struct nodes *out, int kind)
{
	size_t k, j;

	memset(out, 0, sizeof(*out));
	if (!sv.helped) {
		*out = sv.st[0].nodes[kind];
		memset(&sv.st[0].nodes[kind], 0, sizeof(*out));
		return;
	}
	for (k = 0; k < sv.nchunks; k++) {
		const struct chunk *ch = &sv.chunk[k];
		const struct nodes *l = &sv.st[ch->by].nodes[kind];

		for (j = ch->nodes[kind][0]; j < ch->nodes[kind][1]; j++)
			nodes_push(out, l->v[j]);
	}
}

static void piece_push(struct pieces *ps, unsigned char by, size_t start,
		       size_t end)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? 2 * ps->cap : 64;
		ps->v = xrealloc(ps->v, ps->cap * sizeof(*ps->v));
	}
	ps->v[ps->n++] = (struct piece){ by, start, end };
}

/* Cuts one thread's list [start, end) into pieces. */
static void pieces_cut(struct pieces *ps, unsigned char by, size_t start,
		       size_t end)
{
	for (; start < end; start += PIECE)
		piece_push(ps, by, start,
			   end - start > PIECE ? start + PIECE : end);
}

/* kind's references as pieces of the threads' lists, in chunk order. */
static void pieces_build(int kind)
{
	struct pieces *ps = &sv.pieces[kind];
	size_t k, start = 0, end = 0;
	unsigned char by = 0;

	ps->n = ps->total = 0;
	for (k = 0; k < sv.nchunks; k++) {
		const struct chunk *ch = &sv.chunk[k];
		size_t s0 = ch->refs[kind][0], s1 = ch->refs[kind][1];

		if (s0 == s1)
			continue;
		ps->total += s1 - s0;
		/* a stretch goes on while the same thread's list does */
		if (ch->by == by && s0 == end) {
			end = s1;
			continue;
		}
		pieces_cut(ps, by, start, end);
		by = ch->by;
		start = s0;
		end = s1;
	}
	pieces_cut(ps, by, start, end);
}

/* Whether a label name of b's is also one of a's: written twice, then. */
static bool labels_meet(const struct survey *a, const struct survey *b)
{
	size_t j;

	if (!a->ltab_size)
		return false;
	for (j = 0; j < b->nlabels; j++)
		if (label_slot(a, b->labels[j].name, b->labels[j].h)->k)
			return true;
	return false;
}

static void *labels_check(void *arg)
{
	*(bool *)arg = labels_meet(&sv.st[0], &sv.st[1]);
	return NULL;
}

/*
 * The helper's findings join the main thread's. Each thread's label
 * table stays its own (table_target() asks both): the main thread
 * needs only to know whether a name is in both, which a short-lived
 * thread finds out meanwhile.
 */
static void survey_merge(struct dt *dt)
{
	struct survey *a = &sv.st[0], *b = &sv.st[1];
	bool checking = false, meet = false;
	pthread_t check;
	size_t j;

	if (sv.helped) {
		a->dirty |= b->dirty;
		a->refs_in_name = a->refs_in_name || b->refs_in_name;
		if (!(a->dirty & DIRTY(D_DUP_LABEL)) && a->nlabels &&
		    b->nlabels) {
			checking = pthread_create(&check, NULL, labels_check,
						  &meet) == 0;
			if (!checking)
				meet = labels_meet(a, b);
		}
		arena_absorb(&dt->arena, &b->own);
		for (j = 0; j < b->nmade; j++)
			dt_attach_child_index(dt, b->made[j].n, b->made[j].ix);
	}
	for (j = 0; j < a->nmade; j++)
		dt_attach_child_index(dt, a->made[j].n, a->made[j].ix);
	nodes_merge(&sv.explicit_ph, N_EXPLICIT_PH);
	nodes_merge(&sv.omit, N_OMIT);
	nodes_merge(&domids.v, N_DOMID);
	domids.dt = dt;
	pieces_build(R_PHANDLE);
	pieces_build(R_PATH);
	sv.refs_in_name = a->refs_in_name;
	if (checking)
		pthread_join(check, NULL);
	if (meet)
		a->dirty |= DIRTY(D_DUP_LABEL);
}

/*
 * Resolving the references, which node each names, reads the tree only.
 * So a helper thread takes part, under the same conditions as in the
 * survey: when the phandle fixups start, it resolves phandle references
 * from the last piece backwards, then path references, while the main
 * thread resolves and fixes pieces from the first on; where they meet,
 * the main thread fixes the helper's pieces. Neither waits for work the
 * other has not started, so a helper that gets little time costs little.
 * Nothing the phandle fixups write (phandle cells, phandle properties and
 * numbers) is read by a resolution; the helper is done before any other
 * check runs.
 */
static struct {
	pthread_t thread;
	bool running;		/* started, not joined yet */
	/* the phandle pieces nobody has taken: [low 32 bits, high 32 bits) */
	_Atomic uint64_t ph_free;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool ph_done;		/* (lock) the helper took its last one */
	atomic_size_t next_path;	/* the next path piece to resolve */
} fh = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

/* Hashes are computed a few references ahead, to fetch their slot early. */
#define RING	8

/* The label-table slots a name of hash h starts at, in both tables. */
static void fetch_slots(uint32_t h)
{
	int i;

	for (i = 0; i < 2; i++)
		if (sv.st[i].ltab_size)
			__builtin_prefetch(&sv.st[i].ltab[h &
						(sv.st[i].ltab_size - 1)]);
}

/* The label entries those slots name (the likely answers). */
static void fetch_labels(uint32_t h)
{
	int i;

	for (i = 0; i < 2; i++) {
		const struct survey *t = &sv.st[i];
		const struct lslot *sl;

		if (!t->ltab_size)
			continue;
		sl = &t->ltab[h & (t->ltab_size - 1)];
		if (sl->k)
			__builtin_prefetch(&t->labels[sl->k - 1]);
	}
}

/* Sets v[k]'s target (to[k] for a path reference). */
static void resolve_to(struct refs *l, size_t k, int kind, struct node *to,
		       struct seen_label *site)
{
	struct ref *r = &l->v[k];

	if (kind == R_PATH) {
		l->to[k] = target(to, site);
	} else if (to) {
		r->cell = r->p->val.val + r->m->offset;
		r->to = target(to, site);
	}
}

/*
 * Resolves a piece of references (any thread). Each reference's marker,
 * name and property, its slot in the label table and the label's entry
 * are cache misses that would otherwise come one by one: they are fetched
 * ahead, each stage nearer than the one it depends on. References by path
 * are looked up together at the end (dt_find_paths()).
 */
static void resolve_piece(struct dt *dt, int kind, const struct piece *pc)
{
	struct refs *l = &sv.st[pc->by].refs[kind];
	struct ref *v = l->v + pc->start;
	size_t n = pc->end - pc->start, k;
	bool table = sv.labels_usable &&
		     (sv.st[0].ltab_size || sv.st[1].ltab_size);
	const char *paths[PIECE];
	struct node *found[PIECE];
	uint32_t ring[RING], at[PIECE];
	size_t npaths = 0;

	for (k = 0; k < n && k < 4; k++)
		ring[k] = hash_str(v[k].m->ref);
	for (k = 0; k < n; k++) {
		struct seen_label *site = NULL;
		struct node *to;
		const char *ref;

		if (k + 16 < n) {
			__builtin_prefetch(v[k + 16].m);
			__builtin_prefetch(v[k + 16].p);
		}
		if (k + 8 < n)
			__builtin_prefetch(v[k + 8].m->ref);
		if (k + 4 < n) {
			ring[(k + 4) % RING] = hash_str(v[k + 4].m->ref);
			if (table)
				fetch_slots(ring[(k + 4) % RING]);
		}
		if (k + 2 < n && table)
			fetch_labels(ring[(k + 2) % RING]);
		ref = v[k].m->ref;
		if (ref[0] == '/') {
			paths[npaths] = ref;
			at[npaths++] = (uint32_t)k;
			continue;
		}
		if (!table)
			to = ref_target(dt, ref, &site, true);
		else
			to = table_target(ref, ring[k % RING], &site);
		resolve_to(l, pc->start + k, kind, to, site);
	}
	if (npaths)
		dt_find_paths(dt, paths, found, npaths);
	for (k = 0; k < npaths; k++)
		resolve_to(l, pc->start + at[k], kind, found[k], NULL);
}

static void resolve_path_pieces(void)
{
	const struct pieces *ps = &sv.pieces[R_PATH];
	size_t i;

	while ((i = atomic_fetch_add_explicit(&fh.next_path, 1,
					      memory_order_relaxed)) < ps->n)
		resolve_piece(sv.dt, R_PATH, &ps->v[i]);
}

/* The first free phandle piece (the main thread's), or the last. */
static bool take_phandle_piece(bool last, size_t *i)
{
	uint64_t v = atomic_load_explicit(&fh.ph_free, memory_order_relaxed);
	uint64_t nv;

	do {
		uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> 32);

		if (lo >= hi)
			return false;
		*i = last ? hi - 1 : lo;
		nv = last ? v - ((uint64_t)1 << 32) : v + 1;
	} while (!atomic_compare_exchange_weak_explicit(&fh.ph_free, &v, nv,
							memory_order_relaxed,
							memory_order_relaxed));
	return true;
}

static void *fix_helper(void *arg)
{
	const struct pieces *ps = &sv.pieces[R_PHANDLE];
	size_t i;

	(void)arg;
	while (take_phandle_piece(true, &i))
		resolve_piece(sv.dt, R_PHANDLE, &ps->v[i]);
	pthread_mutex_lock(&fh.lock);
	fh.ph_done = true;
	pthread_cond_signal(&fh.cond);
	pthread_mutex_unlock(&fh.lock);
	resolve_path_pieces();
	return NULL;
}

static bool helper_start(void)
{
	if (!sv.helped && sv.use != THREADS_ALWAYS)
		return false;
	if (!sv.pieces[R_PHANDLE].n && !sv.pieces[R_PATH].n)
		return false;
	fh.ph_done = false;
	fh.running = pthread_create(&fh.thread, NULL, fix_helper, NULL) == 0;
	return fh.running;
}

static void helper_wait_phandles(void)
{
	pthread_mutex_lock(&fh.lock);
	while (!fh.ph_done)
		pthread_cond_wait(&fh.cond, &fh.lock);
	pthread_mutex_unlock(&fh.lock);
}

static void helper_join(void)
{
	if (!fh.running)
		return;
	pthread_join(fh.thread, NULL);
	fh.running = false;
}

/* The checks the survey answers for, and what it watches for them. */
static void survey_setup(void)
{
	const char *c;
	size_t i;

	memset(sw.cclass, 0, sizeof(sw.cclass));
	for (c = NODECHARS; *c; c++)
		sw.cclass[(unsigned char)*c] |= CC_NODE;
	for (c = PROPCHARS; *c; c++)
		sw.cclass[(unsigned char)*c] |= CC_PROP;

	memset(sw.slot, -1, sizeof(sw.slot));
	memset(sw.typed_at, -1, sizeof(sw.typed_at));
	sw.nwatch = 0;
	sw.ntyped = 0;
	sw.typed_mask = 0;
	watch_add("name");
	watch_add("phandle");
	watch_add("linux,phandle");
	watch_add("domid");
	for (i = 0; i < N_CHECKS; i++) {
		struct check *tc = table[i];
		int w;

		tc->clean = false;
		tc->only = NULL;
		tc->listed = false;
		if ((tc->fn != check_is_cell && tc->fn != check_is_string &&
		     tc->fn != check_is_string_list) || !tc->data ||
		    sw.ntyped == WATCH_MAX)
			continue;
		w = watch_add(tc->data);
		if (w < 0)
			continue;
		sw.typed[sw.ntyped] = tc;
		sw.typed_next[sw.ntyped] = sw.typed_at[w];
		sw.typed_at[w] = (signed char)sw.ntyped++;
		sw.typed_mask |= 1u << w;
	}
}

static void survey_init(struct survey *s, struct arena *arena)
{
	memset(s, 0, sizeof(*s));
	arena_init(&s->own);
	s->arena = arena ? arena : &s->own;
}

static void survey_free(struct survey *s)
{
	int i;

	for (i = 0; i < NREFS; i++) {
		free(s->refs[i].v);
		free(s->refs[i].to);
	}
	for (i = 0; i < NNODES; i++)
		free(s->nodes[i].v);
	free(s->props);
	free(s->kids);
	free(s->props_set.slot);
	free(s->kids_set.slot);
	free(s->labels);
	free(s->ltab);
	free(s->made);
	arena_free(&s->own);
	memset(s, 0, sizeof(*s));
}

/* The survey's verdicts on the checks, from the merged bits. */
static void survey_verdicts(uint32_t dirty)
{
	unsigned int i;

	for (i = 0; i < D_TYPED; i++)
		answered[i]->clean = !(dirty & DIRTY(i));
	for (i = 0; i < sw.ntyped; i++)
		sw.typed[i]->clean = !(dirty & DIRTY(D_TYPED + i));
}

static void survey(struct dt *dt)
{
	struct node *root = dt->root;
	unsigned int cls, ats;
	size_t len;
	int i;

	sv.use = thread_use();
	survey_setup();
	free(domids.v.v);
	memset(&domids, 0, sizeof(domids));
	sv.dt = dt;
	sv.labels_usable = false;
	survey_init(&sv.st[0], &dt->arena);
	survey_init(&sv.st[1], NULL);
	/* no root: nothing to walk, every check keeps its usual path */
	if (!root)
		return;
	/* the root's name is checked like any other node's */
	scan_name(root->name, &cls, &ats, &len);
	if (!(cls & CC_NODE))
		sv.st[0].dirty |= DIRTY(D_NODE_CHARS);
	if (ats > 1)
		sv.st[0].dirty |= DIRTY(D_NODE_FORMAT);
	chunks_plan(root, sv.use != THREADS_NEVER);
	survey_chunks(dt, sv.use);
	survey_merge(dt);
	survey_verdicts(sv.st[0].dirty);
	explicit_phandles.only = &sv.explicit_ph;
	omit_unused_nodes.only = &sv.omit;
	sv.labels_usable = duplicate_label.clean && !root->deleted;
	/* A reference in a "name" property that name_properties drops is
	 * not fixed: the usual walks know that, the lists do not. */
	if (!sv.refs_in_name) {
		phandle_references.listed = true;
		path_references.listed = true;
		atomic_init(&fh.next_path, 0);
		for (i = 0; i < 2; i++) {
			struct refs *l = &sv.st[i].refs[R_PATH];

			l->to = xmalloc((l->n ? l->n : 1) * sizeof(*l->to));
		}
	}
}

static void survey_done(void)
{
	int i;

	survey_free(&sv.st[0]);
	survey_free(&sv.st[1]);
	free(sv.chunk);
	sv.chunk = NULL;
	sv.nchunks = sv.chunk_cap = 0;
	helper_join();
	for (i = 0; i < NREFS; i++) {
		free(sv.pieces[i].v);
		memset(&sv.pieces[i], 0, sizeof(sv.pieces[i]));
	}
	free(sv.explicit_ph.v);
	free(sv.omit.v);
	memset(&sv.explicit_ph, 0, sizeof(sv.explicit_ph));
	memset(&sv.omit, 0, sizeof(sv.omit));
	sv.labels_usable = false;
	/* the domid list outlives checks_run(): checks_take_domid_nodes() */
}

/*
 * The reference fixups over the survey's lists, in tree order. What they
 * read and write is fetched ahead: where the phandle goes, and for a
 * node that has no phandle yet the node itself and its last property,
 * which get a new phandle property.
 */
static bool wants_phandle(uintptr_t t)
{
	const struct seen_label *site = target_site(t);

	return site ? !site->ph : (t & T_MASK) == T_NODE;
}

static void fix_phandle_piece(struct check *c, struct dt *dt,
			      const struct piece *pc)
{
	struct ref *v = sv.st[pc->by].refs[R_PHANDLE].v + pc->start;
	size_t n = pc->end - pc->start, k;

	for (k = 0; k < n; k++) {
		if (k + 16 < n && (v[k + 16].to & T_MASK) == T_SITE)
			__builtin_prefetch(target_site(v[k + 16].to));
		if (k + 8 < n && (v[k + 8].to & T_MASK)) {
			__builtin_prefetch(v[k + 8].cell, 1);
			if (wants_phandle(v[k + 8].to)) {
				struct node *to = target_node(v[k + 8].to);

				__builtin_prefetch(&to->last_prop);
				__builtin_prefetch(&to->phandle, 1);
			}
		}
		if (k + 3 < n && (v[k + 3].to & T_MASK) &&
		    wants_phandle(v[k + 3].to)) {
			struct node *to = target_node(v[k + 3].to);

			if (to->last_prop)
				__builtin_prefetch(to->last_prop, 1);
		}
		if (!(v[k].to & T_MASK))
			phandle_unresolved(c, dt, v[k].p, v[k].m);
		else
			cell_store(v[k].cell,
				   site_phandle(dt, target_site(v[k].to),
						target_node(v[k].to)));
	}
}

static void fix_path_piece(struct check *c, struct dt *dt,
			   const struct piece *pc)
{
	const struct refs *l = &sv.st[pc->by].refs[R_PATH];
	const struct ref *v = l->v + pc->start;
	const uintptr_t *to = l->to + pc->start;
	size_t n = pc->end - pc->start, k;

	for (k = 0; k < n; k++) {
		if (k + 8 < n) {
			__builtin_prefetch(v[k + 8].p);
			__builtin_prefetch(v[k + 8].m);
			__builtin_prefetch(target_site(to[k + 8]));
		}
		if (k + 4 < n)
			__builtin_prefetch(v[k + 4].p->val.val);
		put_path(c, dt, v[k].p, v[k].m, target_node(to[k]),
			 target_site(to[k]));
	}
}

/*
 * The main thread resolves and fixes phandle pieces from the first on (a
 * piece's values are still in its cache when fixed), then fixes those
 * the helper resolved.
 */
static void fix_phandles(struct check *c, struct dt *dt)
{
	const struct pieces *ps = &sv.pieces[R_PHANDLE];
	size_t mine = 0, i;
	bool helped;

	/* (more pieces than 32 bits count, never seen, go unshared) */
	atomic_store_explicit(&fh.ph_free,
			      ps->n < UINT32_MAX ? (uint64_t)ps->n << 32 : 0,
			      memory_order_relaxed);
	helped = ps->n < UINT32_MAX && helper_start();
	while (take_phandle_piece(false, &i)) {
		resolve_piece(dt, R_PHANDLE, &ps->v[i]);
		fix_phandle_piece(c, dt, &ps->v[i]);
		mine = i + 1;
	}
	if (helped)
		helper_wait_phandles();
	for (i = mine; i < ps->n; i++) {
		if (!helped)
			resolve_piece(dt, R_PHANDLE, &ps->v[i]);
		fix_phandle_piece(c, dt, &ps->v[i]);
	}
}

/* The path pieces the helper has not taken are resolved here. */
static void fix_paths(struct check *c, struct dt *dt)
{
	const struct pieces *ps = &sv.pieces[R_PATH];
	size_t i;

	resolve_path_pieces();
	helper_join();
	for (i = 0; i < ps->n; i++)
		fix_path_piece(c, dt, &ps->v[i]);
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
	/* the helper reads the tree: it is done before a check changes it */
	if (c != &path_references)
		helper_join();
	if (c->clean) {
		/* the survey found nothing this check would report */
	} else if (c == &duplicate_label) {
		check_duplicate_labels(c, dt);
	} else if (c == &phandle_references && c->listed) {
		fix_phandles(c, dt);
	} else if (c->listed) {
		fix_paths(c, dt);
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
	survey_done();
	return error;
}

bool checks_take_domid_nodes(const struct dt *dt, struct node ***v,
			     size_t *n)
{
	if (!dt || domids.dt != dt) {
		*v = NULL;
		*n = 0;
		return false;
	}
	*v = domids.v.v;
	*n = domids.v.n;
	memset(&domids, 0, sizeof(domids));
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
