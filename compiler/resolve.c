// SPDX-License-Identifier: GPL-2.0-or-later
#include "resolve.h"

#include <string.h>

/* An existing child of the root, or a new one appended to it. */
static struct node *root_child(struct dt *dt, const char *name)
{
	struct node *n = node_get_child(dt, dt->root, name);

	if (n)
		return n;
	n = node_new(dt, NULL);
	node_set_name(dt, n, arena_strdup(&dt->arena, name));
	node_append_child(dt, dt->root, n);
	return n;
}

static bool any_label(struct node *n)
{
	struct node *c;

	if (n->labels)
		return true;
	for_each_child(n, c)
		if (any_label(c))
			return true;
	return false;
}

/*
 * The names of an's live properties: looking each label up with
 * node_get_prop() made /__symbols__ (-@) and /aliases (-A) quadratic in
 * the number of labels (26 s for 50,000 labels).
 */
static void names_init(struct dt *dt, struct hmap *names, struct node *an)
{
	struct property *p;

	hmap_init(names, &dt->arena);
	for_each_property(an, p)
		hmap_add(names, NULL, p->name, strlen(p->name), p);
}

static bool names_has(const struct hmap *names, const char *name)
{
	return hmap_find(names, NULL, name, strlen(name)) != NULL;
}

static void label_tree(struct dt *dt, struct node *an, struct hmap *have,
		       struct node *n, bool alloc)
{
	struct node *c;
	struct label *l;

	if (n->labels) {
		for_each_label(n->labels, l) {
			const char *path;
			struct data d = { 0 };
			struct property *p;

			if (names_has(have, l->name)) {
				diag_node(dt, DIAG_WARNING, an, NULL,
					  "label %s already exists in /%s",
					  l->name, an->name);
				continue;
			}
			path = node_path(dt, n);
			data_add_marker(dt, &d, MARK_TYPE_STRING, NULL, NULL);
			data_append(dt, &d, path, strlen(path) + 1);
			p = prop_new(dt, l->name, d, NULL);
			node_append_prop(an, p);
			hmap_add(have, NULL, l->name, strlen(l->name), p);
		}
		if (alloc)
			dt_node_phandle(dt, n);
	}
	for_each_child(n, c)
		label_tree(dt, an, have, c, alloc);
}

void resolve_label_tree(struct dt *dt, const char *name, bool alloc_phandles)
{
	struct hmap have;
	struct node *an;

	if (!dt->root || !any_label(dt->root))
		return;
	an = root_child(dt, name);
	names_init(dt, &have, an);
	label_tree(dt, an, &have, dt->root, alloc_phandles);
	hmap_free(&have);
}

/* Whether any reference resolves (local) or not (external). */
static bool any_ref(struct dt *dt, struct node *n, bool local)
{
	struct property *p;
	struct marker *m;
	struct node *c;

	for_each_property(n, p)
		for_each_marker_of_type(p->val.markers, m, MARK_REF_PHANDLE)
			if ((dt_node_by_ref(dt, m->ref) != NULL) == local)
				return true;
	for_each_child(n, c)
		if (any_ref(dt, c, local))
			return true;
	return false;
}

/*
 * node_append_to_prop() for the nodes generated here, with their
 * properties indexed by (node, name): its search of the node for each
 * entry made __fixups__ quadratic in the number of external labels (1 s
 * for 20,000).
 */
struct prop_index {
	struct hmap props;	/* (node, name) -> first live property */
	struct hmap nodes;	/* the nodes whose properties are in */
};

static void index_init(struct dt *dt, struct prop_index *ix)
{
	hmap_init(&ix->props, &dt->arena);
	hmap_init(&ix->nodes, &dt->arena);
}

static void index_free(struct prop_index *ix)
{
	hmap_free(&ix->props);
	hmap_free(&ix->nodes);
}

static void append_to_prop(struct dt *dt, struct prop_index *ix,
			   struct node *n, const char *name, const void *v,
			   size_t len, enum marker_type type)
{
	struct hmap_entry *e;
	struct property *p;

	if (!hmap_find(&ix->nodes, n, "", 0)) {
		hmap_add(&ix->nodes, n, "", 0, n);
		for_each_property(n, p)
			if (!hmap_find(&ix->props, n, p->name, strlen(p->name)))
				hmap_add(&ix->props, n, p->name,
					 strlen(p->name), p);
	}
	e = hmap_find(&ix->props, n, name, strlen(name));
	if (e) {
		p = e->value;
	} else {
		p = prop_new(dt, name, (struct data){ 0 }, NULL);
		node_append_prop(n, p);
		hmap_add(&ix->props, n, name, strlen(name), p);
	}
	data_add_marker(dt, &p->val, type, name, NULL);
	data_append(dt, &p->val, v, len);
}

static void fixups(struct dt *dt, struct prop_index *ix, struct node *fn,
		   struct node *n)
{
	struct property *p;
	struct marker *m;
	struct node *c;

	for_each_property(n, p) {
		for_each_marker_of_type(p->val.markers, m, MARK_REF_PHANDLE) {
			const char *entry;

			if (dt_node_by_ref(dt, m->ref))
				continue;
			if (strchr(node_path(dt, n), ':') ||
			    strchr(p->name, ':')) {
				diag_prop(dt, DIAG_ERROR, n, p, NULL,
					  "a ':' in the path or property name "
					  "cannot be written to __fixups__");
				continue;
			}
			entry = arena_printf(&dt->arena, "%s:%s:%u",
					     node_path(dt, n), p->name,
					     m->offset);
			append_to_prop(dt, ix, fn, m->ref, entry,
				       strlen(entry) + 1, MARK_TYPE_STRING);
		}
	}
	for_each_child(n, c)
		fixups(dt, ix, fn, c);
}

void resolve_fixups_tree(struct dt *dt)
{
	struct prop_index ix;

	if (!dt->root || !any_ref(dt, dt->root, false))
		return;
	index_init(dt, &ix);
	fixups(dt, &ix, root_child(dt, "__fixups__"), dt->root);
	index_free(&ix);
}

/* The node in the __local_fixups__ mirror of n's path, made on demand. */
static struct node *mirror_node(struct dt *dt, struct node *lfn,
				struct node *n)
{
	struct node *parent, *m;

	if (!n->parent)
		return lfn;
	parent = mirror_node(dt, lfn, n->parent);
	m = node_get_child(dt, parent, n->name);
	if (!m) {
		m = node_new(dt, NULL);
		node_set_name(dt, m, n->name);
		node_append_child(dt, parent, m);
	}
	return m;
}

static void local_fixups(struct dt *dt, struct prop_index *ix,
			 struct node *lfn, struct node *n)
{
	struct property *p;
	struct marker *m;
	struct node *c;

	for_each_property(n, p) {
		for_each_marker_of_type(p->val.markers, m, MARK_REF_PHANDLE) {
			uint8_t off[4];

			if (!dt_node_by_ref(dt, m->ref))
				continue;
			cell_store(off, m->offset);
			append_to_prop(dt, ix, mirror_node(dt, lfn, n),
				       p->name, off, 4, MARK_TYPE_U32);
		}
	}
	for_each_child(n, c)
		local_fixups(dt, ix, lfn, c);
}

void resolve_local_fixups_tree(struct dt *dt)
{
	struct prop_index ix;

	if (!dt->root || !any_ref(dt, dt->root, true))
		return;
	index_init(dt, &ix);
	local_fixups(dt, &ix, root_child(dt, "__local_fixups__"), dt->root);
	index_free(&ix);
}

uint32_t resolve_guess_boot_cpuid(struct dt *dt)
{
	struct node *cpus = dt_node_by_path(dt, "/cpus");
	struct property *reg;

	/* dtc takes the first child even if it was deleted. */
	if (!cpus || !cpus->children)
		return 0;
	reg = node_get_prop(cpus->children, "reg");
	if (!reg || reg->val.len != 4)
		return 0;
	return prop_cell(reg, 0);
}
