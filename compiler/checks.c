// SPDX-License-Identifier: GPL-2.0-or-later
#include "checks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum check_status { UNCHECKED, PREREQ, PASSED, FAILED };

struct check;
typedef void (*check_fn)(struct check *c, struct dt *dt, struct node *n);

struct check {
	const char *name;
	check_fn fn;
	const char *data;
	bool warn, error;
	bool implemented;	/* false: name accepted for dtc compatibility */
	enum check_status status;
	bool in_progress;
	struct check *prereq[3];
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
		struct hmap_entry *e = hmap_find(&dt->children, n, child->name,
						 strlen(child->name));
		bool after = false;

		/* Any later sibling of the same name, deleted or not. */
		for (; e; e = hmap_next(e)) {
			struct node *other = e->value;

			if (other == child) {
				after = true;
				continue;
			}
			if (after && other->parent == n && !other->merged_away) {
				FAIL(c, dt, other, "duplicate node name '%s'",
				     other->name);
				break;
			}
		}
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

static void fixup_phandle_references(struct check *c, struct dt *dt,
				     struct node *n)
{
	struct property *p;
	struct marker *m;

	for_each_property(n, p) {
		for_each_marker_of_type(p->val.markers, m, MARK_REF_PHANDLE) {
			struct node *ref = dt_node_by_ref(dt, m->ref);

			if (!ref) {
				if (dt->dtsflags & DTSF_PLUGIN) {
					cell_store(p->val.val + m->offset,
						 0xffffffffu);
					continue;
				}
				unresolved(c, p, m);
				continue;
			}
			cell_store(p->val.val + m->offset,
				 dt_node_phandle(dt, ref));
			ref->is_referenced = true;
		}
	}
}

static void fixup_path_references(struct check *c, struct dt *dt,
				  struct node *n)
{
	struct property *p;
	struct marker *m;

	for_each_property(n, p) {
		for_each_marker_of_type(p->val.markers, m, MARK_REF_PATH) {
			struct node *ref = dt_node_by_ref(dt, m->ref);
			const char *path;

			if (!ref) {
				unresolved(c, p, m);
				continue;
			}
			path = node_path(dt, ref);
			data_insert_at_marker(dt, &p->val, m, path,
					      strlen(path) + 1);
			ref->is_referenced = true;
		}
	}
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
	static struct check nm = { #nm, fn_, data_, w, e, true, UNCHECKED, \
				   false, { __VA_ARGS__ } }
#define ERROR(nm, fn_, data_, ...) ENTRY(nm, fn_, data_, false, true, __VA_ARGS__)
#define CHECK(nm, fn_, data_, ...) ENTRY(nm, fn_, data_, false, false, __VA_ARGS__)
/* A dtc check domc does not implement yet: its -W/-E switch is accepted so
 * dtc command lines keep working, and --list-checks says so. */
#define PENDING(nm, w) \
	static struct check nm = { #nm, NULL, NULL, w, false, false, \
				   UNCHECKED, false, { NULL } }

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
	static struct check nm = { #nm, NULL, what, false, true, true, \
				   UNCHECKED, false, { NULL } }

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
 * The tree in pre-order, built once per checks_run(): each check walks this
 * array instead of recursing through the scattered nodes. No check adds
 * nodes; one deleted meanwhile (omit_unused_nodes) is skipped with its
 * subtree, exactly as the recursive walk over live children would.
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

static void walk(struct check *c, struct dt *dt, struct node *root)
{
	size_t i = 0;

	(void)root;
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
	if (c == &duplicate_label)
		check_duplicate_labels(c, dt);
	else if (c->fn && dt->root)
		walk(c, dt, dt->root);
	if (c->status == UNCHECKED)
		c->status = PASSED;
out:
	c->in_progress = false;
	return error || (c->status != PASSED && c->error);
}

/*
 * The property-type checks (is_cell, is_string, is_string_list, -names)
 * only read the tree. Walking it once for a run of them, to learn which
 * would fail anywhere, and then running just those the usual way, gives
 * the same diagnostics in the same order at the cost of one walk instead
 * of one per check.
 */
#define PROBE_MAX 16

static bool probe_able(const struct check *c)
{
	return c->prereq[0] == NULL && c->status == UNCHECKED &&
	       (c->warn || c->error) &&
	       (c->fn == check_is_cell || c->fn == check_is_string ||
		c->fn == check_is_string_list ||
		c->fn == check_names_is_string_list);
}

static bool prop_fails(const struct check *c, const struct property *p)
{
	if (c->fn == check_is_cell)
		return p->val.len != 4;
	if (c->fn == check_is_string)
		return !data_is_one_string(&p->val);
	return !is_string_list(&p->val);
}

static void probe_walk(struct check *const *run, size_t k, bool *fails,
		       struct node *n)
{
	const struct property *first[PROBE_MAX] = { 0 };
	struct property *p;
	size_t j;

	for_each_property(n, p) {
		for (j = 0; j < k; j++) {
			const struct check *c = run[j];

			if (c->fn == check_names_is_string_list) {
				size_t len;

				if (fails[j])
					continue;
				len = strlen(p->name);
				if (len >= 6 &&
				    strcmp(p->name + len - 6, "-names") == 0 &&
				    !is_string_list(&p->val))
					fails[j] = true;
				continue;
			}
			if (!first[j] && p->name[0] == c->data[0] &&
			    strcmp(p->name, c->data) == 0)
				first[j] = p;
		}
	}
	for (j = 0; j < k; j++)
		if (first[j] && !fails[j] && prop_fails(run[j], first[j]))
			fails[j] = true;
}

/* table[i..]: a run of probe-able checks; returns its length. */
static size_t probe_run(struct dt *dt, size_t i)
{
	bool fails[PROBE_MAX] = { false };
	size_t k = 0, j;

	while (i + k < N_CHECKS && k < PROBE_MAX && probe_able(table[i + k]))
		k++;
	if (k < 2 || !dt->root)
		return 0;
	for (j = 0; j < order.n;) {
		if (j && order.node[j]->deleted) {
			j = order.end[j];
			continue;
		}
		probe_walk(&table[i], k, fails, order.node[j++]);
	}
	for (j = 0; j < k; j++)
		if (!fails[j])
			table[i + j]->status = PASSED;
	return k;
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
	order.n = 0;
	if (dt->root)
		order_add(dt->root);
	for (i = 0; i < N_CHECKS; i++) {
		if (probe_able(table[i]))
			probe_run(dt, i);
		if (table[i]->warn || table[i]->error)
			error = run_check(table[i], dt) || error;
	}
	free(order.node);
	free(order.end);
	memset(&order, 0, sizeof(order));
	return error;
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
