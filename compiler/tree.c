// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tree building, editing and lookup. Editing mirrors dtc 1.6.1's livetree
 * semantics exactly (output bytes depend on them); lookups go through hash
 * indexes instead of walking the tree, which is what keeps large trees
 * linear.
 */
#include "tree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dt *dt_new(void)
{
	struct dt *dt = xmalloc(sizeof(*dt));

	memset(dt, 0, sizeof(*dt));
	arena_init(&dt->arena);
	arena_init_packed(&dt->values);
	hmap_init(&dt->labels, &dt->arena);
	hmap_init(&dt->phandles, &dt->arena);
	dt->next_phandle = 1;
	dt->phandle_format = PHANDLE_EPAPR;
	return dt;
}

void dt_free(struct dt *dt)
{
	if (!dt)
		return;
	hmap_free(&dt->labels);
	free(dt->cix);
	hmap_free(&dt->phandles);
	arena_free(&dt->arena);
	arena_free(&dt->values);
	free(dt);
}

/* ---- building ----------------------------------------------------- */

struct property *prop_new(struct dt *dt, const char *name, struct data val,
			  const struct srcpos *pos)
{
	struct property *p = arena_alloc(&dt->arena, sizeof(*p));

	data_seal(dt, &val);
	p->name = name;
	p->val = val;
	if (pos)
		p->pos = *pos;
	return p;
}

struct property *prop_new_delete(struct dt *dt, const char *name,
				 const struct srcpos *pos)
{
	struct data empty = { 0 };
	struct property *p = prop_new(dt, name, empty, pos);

	p->deleted = true;
	return p;
}

struct node *node_new(struct dt *dt, const struct srcpos *pos)
{
	struct node *n = arena_alloc(&dt->arena, sizeof(*n));

	n->addr_cells = -1;
	n->size_cells = -1;
	if (pos)
		n->pos = *pos;
	return n;
}

struct node *node_new_delete(struct dt *dt, const struct srcpos *pos)
{
	struct node *n = node_new(dt, pos);

	n->deleted = true;
	return n;
}

void node_set_name(struct dt *dt, struct node *n, const char *name)
{
	const char *at = strchr(name, '@');

	(void)dt;
	n->name = name;
	n->basenamelen = (uint32_t)(at ? (size_t)(at - name) : strlen(name));
}

void label_add(struct dt *dt, struct label **list, const char *name,
	       const struct srcpos *pos)
{
	struct label *l;

	for_each_label_withdel(*list, l)
		if (strcmp(l->name, name) == 0) {
			l->deleted = false;
			return;
		}
	l = arena_alloc(&dt->arena, sizeof(*l));
	l->name = name;
	if (pos)
		l->pos = *pos;
	l->next = *list;
	*list = l;
}

void node_add_label(struct dt *dt, struct node *n, const char *name,
		    const struct srcpos *pos)
{
	struct label *before = n->labels;

	label_add(dt, &n->labels, name, pos);
	if (n->labels != before) {
		n->labels->owner = n;
		hmap_add(&dt->labels, NULL, name, strlen(name), n->labels);
	}
}

void node_append_prop(struct node *n, struct property *p)
{
	p->next = NULL;
	if (n->last_prop)
		n->last_prop->next = p;
	else
		n->props = p;
	n->last_prop = p;
}

/*
 * Children are looked up by name only to merge trees and to follow paths,
 * for few of the nodes: a parent's children are indexed when it is first
 * searched with more than a handful of them, and are scanned in list order
 * otherwise. Both give the first match in the order the children were
 * appended.
 *
 * Each indexed parent has a table of its own, sized from its number of
 * children (open addressing, at most half full): filling and probing it
 * stay within a few cache lines, where one table for all parents cost a
 * cache miss per child. Linear probing in append order keeps children of
 * the same name in that order along their run. A child is checked to
 * still be the parent's (merging moves children away).
 */
#define CHILD_SCAN_MAX	8

struct child_index {
	uint32_t mask, count;
	struct child_slot {
		uint32_t h;
		struct node *c;		/* NULL: empty */
	} slot[];
};

static uint32_t fnv1a(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* The index's hash: FNV-1a with its high bits folded into the low ones,
 * which pick the slot. */
static uint32_t child_fold(uint32_t fnv)
{
	return fnv ^ fnv >> 15;
}

static uint32_t child_hash(const char *s, size_t len)
{
	return child_fold(fnv1a(s, len));
}

static struct child_index *child_index_of(const struct dt *dt,
					  const struct node *n)
{
	return dt->cix[n->child_index - 1];
}

/* Puts c in ix; whether a child of the same name was there already. */
static bool child_index_put(struct child_index *ix, struct node *c,
			    uint32_t h)
{
	bool same = false;
	uint32_t i;

	for (i = h & ix->mask; ix->slot[i].c; i = (i + 1) & ix->mask)
		if (ix->slot[i].h == h && !same &&
		    strcmp(ix->slot[i].c->name, c->name) == 0)
			same = true;
	ix->slot[i].h = h;
	ix->slot[i].c = c;
	ix->count++;
	return same;
}

static struct child_index *child_index_alloc(struct arena *a, size_t room)
{
	struct child_index *ix;
	size_t size = 16;

	while (size < 2 * room)
		size *= 2;
	ix = arena_alloc(a, sizeof(*ix) + size * sizeof(ix->slot[0]));
	ix->mask = (uint32_t)(size - 1);
	return ix;
}

void dt_attach_child_index(struct dt *dt, struct node *n,
			   struct child_index *ix)
{
	if (n->child_index) {
		/* the old table stays in the arena: growing is rare */
		dt->cix[n->child_index - 1] = ix;
		return;
	}
	if (dt->ncix == dt->cix_cap) {
		dt->cix_cap = dt->cix_cap ? 2 * dt->cix_cap : 64;
		dt->cix = xrealloc(dt->cix, dt->cix_cap * sizeof(*dt->cix));
	}
	dt->cix[dt->ncix++] = ix;
	n->child_index = (uint32_t)dt->ncix;
}

/* (Re)builds n's index from its list, with room for room children. */
static void child_index_build(struct dt *dt, struct node *n, size_t room)
{
	struct child_index *ix = child_index_alloc(&dt->arena, room);
	struct node *c;

	for_each_child_withdel(n, c)
		child_index_put(ix, c, child_hash(c->name, strlen(c->name)));
	dt_attach_child_index(dt, n, ix);
}

bool node_wants_child_index(const struct node *n)
{
	return !n->child_index && n->nchildren > CHILD_SCAN_MAX;
}

struct child_index *child_index_make(struct arena *a, const struct node *n,
				     const struct name_hash *names,
				     size_t count, bool *same)
{
	struct child_index *ix = child_index_alloc(a, count);
	struct node *c;
	size_t j = 0;

	*same = false;
	for (c = n->children; c; c = c->next_sibling, j++) {
		/* (names should cover the whole list; hash any beyond) */
		uint32_t h = j < count ? child_fold(names[j].fnv) :
			     child_hash(c->name, strlen(c->name));

		if (child_index_put(ix, c, h))
			*same = true;
	}
	return ix;
}

/* child was just appended to parent's list. */
static void child_index_add(struct dt *dt, struct node *parent,
			    struct node *child)
{
	struct child_index *ix = child_index_of(dt, parent);

	if (2 * ((size_t)ix->count + 1) > (size_t)ix->mask + 1)
		child_index_build(dt, parent, 2 * (size_t)parent->nchildren);
	else
		child_index_put(ix, child,
				child_hash(child->name, strlen(child->name)));
}

static bool use_child_index(const struct dt *dt, const struct node *n)
{
	if (n->child_index)
		return true;
	if (n->nchildren <= CHILD_SCAN_MAX)
		return false;
	/* the index is a cache: filling it changes no answer */
	child_index_build((struct dt *)dt, (struct node *)n, n->nchildren);
	return true;
}

/* The first slot from n's run for name[0..len) holding such a child. */
static const struct child_slot *child_probe(const struct child_index *ix,
					    uint32_t i, uint32_t h,
					    const char *name, size_t len)
{
	for (; ix->slot[i].c; i = (i + 1) & ix->mask) {
		const char *cn = ix->slot[i].c->name;

		if (ix->slot[i].h == h && strncmp(cn, name, len) == 0 &&
		    cn[len] == '\0')
			return &ix->slot[i];
	}
	return NULL;
}

/* node_child_by_name(); fill: a big parent without an index gets one. */
static struct node *child_by_name(const struct dt *dt, const struct node *n,
				  const char *name, size_t len,
				  bool (*accept)(const struct node *c),
				  bool fill)
{
	const struct child_index *ix;
	const struct child_slot *sl;
	struct node *c;
	uint32_t h;

	if (fill ? !use_child_index(dt, n) : !n->child_index) {
		for_each_child_withdel(n, c)
			if (strncmp(c->name, name, len) == 0 &&
			    c->name[len] == '\0' && accept(c))
				return c;
		return NULL;
	}
	ix = child_index_of(dt, n);
	h = child_hash(name, len);
	for (sl = child_probe(ix, h & ix->mask, h, name, len); sl;
	     sl = child_probe(ix, (uint32_t)(sl - ix->slot + 1) & ix->mask,
			      h, name, len)) {
		c = sl->c;
		if (c->parent == n && accept(c))
			return c;
	}
	return NULL;
}

struct node *node_child_by_name(const struct dt *dt, const struct node *n,
				const char *name, size_t len,
				bool (*accept)(const struct node *c))
{
	return child_by_name(dt, n, name, len, accept, true);
}

struct node *node_next_same_name(const struct dt *dt, const struct node *n,
				 const struct node *child)
{
	const struct child_index *ix;
	const struct child_slot *sl;
	size_t len = strlen(child->name);
	struct node *c;
	bool after = false;
	uint32_t h;

	if (!use_child_index(dt, n)) {
		for (c = child->next_sibling; c; c = c->next_sibling)
			if (!c->merged_away && strcmp(c->name, child->name) == 0)
				return c;
		return NULL;
	}
	ix = child_index_of(dt, n);
	h = child_hash(child->name, len);
	for (sl = child_probe(ix, h & ix->mask, h, child->name, len); sl;
	     sl = child_probe(ix, (uint32_t)(sl - ix->slot + 1) & ix->mask,
			      h, child->name, len)) {
		c = sl->c;
		if (c == child)
			after = true;
		else if (after && c->parent == n && !c->merged_away)
			return c;
	}
	return NULL;
}

void node_append_child(struct dt *dt, struct node *parent, struct node *child)
{
	child->next_sibling = NULL;
	child->parent = parent;
	child->fullpath = NULL;
	if (parent->last_child)
		parent->last_child->next_sibling = child;
	else
		parent->children = child;
	parent->last_child = child;
	parent->nchildren++;
	if (parent->child_index)
		child_index_add(dt, parent, child);
}

/* ---- editing ------------------------------------------------------ */

void prop_delete(struct property *p)
{
	struct label *l;

	p->deleted = true;
	for_each_label(p->labels, l)
		l->deleted = true;
}

void node_delete(struct node *n)
{
	struct node *c;
	struct property *p;
	struct label *l;

	n->deleted = true;
	for_each_child(n, c)
		node_delete(c);
	for_each_property(n, p)
		prop_delete(p);
	for_each_label(n->labels, l)
		l->deleted = true;
}

void node_delete_prop_by_name(struct node *n, const char *name)
{
	struct property *p;

	for_each_property_withdel(n, p)
		if (strcmp(p->name, name) == 0) {
			prop_delete(p);
			return;
		}
}

static bool not_merged_away(const struct node *c)
{
	return !c->merged_away;
}

static struct node *first_child_withdel(const struct dt *dt,
					const struct node *n,
					const char *name)
{
	return node_child_by_name(dt, n, name, strlen(name), not_merged_away);
}

void node_delete_child_by_name(struct dt *dt, struct node *n,
			       const char *name)
{
	struct node *c = first_child_withdel(dt, n, name);

	if (c)
		node_delete(c);
}

static struct property *find_prop_withdel(struct node *n, const char *name)
{
	struct property *p;

	for_each_property_withdel(n, p)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

static void merge_props(struct dt *dt, struct node *old, struct node *new)
{
	struct property *np, *next, *op;
	struct label *l;

	for (np = new->props; np; np = next) {
		next = np->next;
		np->next = NULL;
		if (np->deleted) {
			node_delete_prop_by_name(old, np->name);
			continue;
		}
		op = find_prop_withdel(old, np->name);
		if (!op) {
			node_append_prop(old, np);
			continue;
		}
		for_each_label_withdel(np->labels, l)
			label_add(dt, &op->labels, l->name, &l->pos);
		op->val = np->val;
		op->deleted = false;
		op->pos = np->pos;
	}
	new->props = new->last_prop = NULL;
}

static void merge_children(struct dt *dt, struct node *old, struct node *new)
{
	struct node *nc, *next, *oc;

	for (nc = new->children; nc; nc = next) {
		next = nc->next_sibling;
		nc->next_sibling = NULL;
		nc->parent = NULL;
		if (nc->deleted) {
			node_delete_child_by_name(dt, old, nc->name);
			nc->merged_away = true;
			continue;
		}
		oc = first_child_withdel(dt, old, nc->name);
		if (oc)
			node_merge(dt, oc, nc);
		else
			node_append_child(dt, old, nc);
	}
	new->children = new->last_child = NULL;
	new->nchildren = 0;
}

struct node *node_merge(struct dt *dt, struct node *old, struct node *new)
{
	struct label *l;

	old->deleted = false;
	for_each_label_withdel(new->labels, l)
		node_add_label(dt, old, l->name, &l->pos);
	merge_props(dt, old, new);
	merge_children(dt, old, new);
	new->merged_away = true;
	return old;
}

void dt_add_orphan(struct dt *dt, struct node *parent, struct node *overlay,
		   const char *ref, const struct srcpos *pos)
{
	struct data d = { 0 };
	struct property *p;
	struct node *frag;

	if (ref[0] == '/') {
		data_add_marker(dt, &d, MARK_TYPE_STRING, ref, pos);
		data_append(dt, &d, ref, strlen(ref) + 1);
		p = prop_new(dt, "target-path", d, NULL);
	} else {
		data_add_marker(dt, &d, MARK_REF_PHANDLE, ref, pos);
		data_append_integer(dt, &d, 0xffffffffu, 32);
		p = prop_new(dt, "target", d, NULL);
	}
	node_set_name(dt, overlay, "__overlay__");
	frag = node_new(dt, NULL);
	node_append_prop(frag, p);
	node_append_child(dt, frag, overlay);
	node_set_name(dt, frag, arena_printf(&dt->arena, "fragment@%u",
					     dt->next_orphan_fragment++));
	node_append_child(dt, parent, frag);
}

void node_append_to_prop(struct dt *dt, struct node *n, const char *name,
			 const void *p, size_t len, enum marker_type type)
{
	struct property *prop = node_get_prop(n, name);

	if (prop) {
		data_add_marker(dt, &prop->val, type, name, NULL);
		data_append(dt, &prop->val, p, len);
		return;
	}
	prop = prop_new(dt, name, (struct data){ 0 }, NULL);
	data_add_marker(dt, &prop->val, type, name, NULL);
	data_append(dt, &prop->val, p, len);
	node_append_prop(n, prop);
}

/* ---- lookups ------------------------------------------------------ */

struct property *node_get_prop(const struct node *n, const char *name)
{
	struct property *p;

	for_each_property(n, p)
		if (p->name[0] == name[0] && strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

struct node *node_get_child(const struct dt *dt, const struct node *n,
			    const char *name)
{
	return node_get_child_n(dt, n, name, strlen(name));
}

static bool live(const struct node *c)
{
	return !c->deleted && !c->merged_away;
}

struct node *node_get_child_n(const struct dt *dt, const struct node *n,
			      const char *name, size_t len)
{
	return node_child_by_name(dt, n, name, len, live);
}

bool node_reached(const struct node *n)
{
	for (; n->parent; n = n->parent)
		if (n->deleted)
			return false;
	return true;
}

bool node_is_attached(const struct dt *dt, const struct node *n)
{
	for (; n; n = n->parent) {
		if (n->deleted || n->merged_away)
			return false;
		if (n == dt->root)
			return true;
	}
	return false;
}

static struct node *path_lookup(const struct dt *dt, const char *path,
				bool fill)
{
	struct node *n = dt->root;

	if (!n)
		return NULL;
	if (!path || !*path)
		return n->deleted ? NULL : n;
	while (n && *path) {
		const char *slash;

		while (*path == '/')
			path++;
		if (!*path)
			break;
		slash = strchr(path, '/');
		n = child_by_name(dt, n, path,
				  slash ? (size_t)(slash - path) : strlen(path),
				  live, fill);
		if (!slash)
			break;
		path = slash + 1;
	}
	return n;
}

struct node *dt_node_by_path(struct dt *dt, const char *path)
{
	return path_lookup(dt, path, true);
}

static struct node *label_walk(struct node *n, const char *label)
{
	struct node *c, *found;
	struct label *l;

	for_each_label(n->labels, l)
		if (strcmp(l->name, label) == 0)
			return n;
	for_each_child(n, c) {
		found = label_walk(c, label);
		if (found)
			return found;
	}
	return NULL;
}

static struct node *label_lookup(const struct dt *dt, const char *label)
{
	struct hmap_entry *e;
	struct node *found = NULL;
	int live = 0;

	e = hmap_find(&dt->labels, NULL, label, strlen(label));
	for (; e; e = hmap_next(&dt->labels, e)) {
		struct label *l = e->value;

		if (l->deleted || !node_is_attached(dt, l->owner))
			continue;
		if (found != l->owner)
			live++;
		found = l->owner;
	}
	/* The same label on two nodes is an error reported later; dtc's
	 * answer meanwhile is the first in tree order. */
	if (live > 1)
		return label_walk(dt->root, label);
	return found;
}

struct node *dt_node_by_label(struct dt *dt, const char *label)
{
	return label_lookup(dt, label);
}

struct node *dt_node_by_ref(struct dt *dt, const char *ref)
{
	if (strcmp(ref, "/") == 0)
		return dt->root;
	if (ref[0] == '/')
		return dt_node_by_path(dt, ref);
	return dt_node_by_label(dt, ref);
}

/*
 * dt_find_paths() follows several paths a level at a time: for each level,
 * the memory every lookup will read (index slot, child node, its name) is
 * fetched for all of them before any is used, so their cache misses
 * overlap instead of coming one after the other.
 */
#define PATH_BATCH	8

struct path_walk {
	const char *path;	/* what is left to follow */
	struct node *n;
	bool done;
	/* the next component, once found */
	const char *comp, *slash;
	size_t len;
	const struct child_slot *slot;	/* its first slot, if indexed */
};

/* Finds w's next component and fetches its slot; false if none is left
 * (path_lookup()'s loop ends). */
static bool walk_next(const struct dt *dt, struct path_walk *w)
{
	const struct child_index *ix;
	uint32_t h;

	if (!w->n || !*w->path)
		return false;
	while (*w->path == '/')
		w->path++;
	if (!*w->path)
		return false;
	w->comp = w->path;
	w->slash = strchr(w->comp, '/');
	w->len = w->slash ? (size_t)(w->slash - w->comp) : strlen(w->comp);
	w->slot = NULL;
	if (w->n->child_index) {
		ix = child_index_of(dt, w->n);
		h = child_hash(w->comp, w->len);
		w->slot = &ix->slot[h & ix->mask];
		__builtin_prefetch(w->slot);
	}
	return true;
}

static void walk_fetch_node(const struct path_walk *w)
{
	if (w->slot && w->slot->c) {
		__builtin_prefetch(w->slot->c);
		__builtin_prefetch(&w->slot->c->deleted);
	}
}

static void walk_fetch_name(const struct path_walk *w)
{
	if (w->slot && w->slot->c)
		__builtin_prefetch(w->slot->c->name);
}

/* One turn of path_lookup()'s loop, the component found by walk_next(). */
static void walk_step(const struct dt *dt, struct path_walk *w)
{
	w->n = child_by_name(dt, w->n, w->comp, w->len, live, false);
	if (w->slash)
		w->path = w->slash + 1;
	else
		w->done = true;
}

static void find_batch(const struct dt *dt, const char *const *paths,
		       struct node **out, size_t count)
{
	struct path_walk w[PATH_BATCH];
	size_t i, left = count;

	for (i = 0; i < count; i++) {
		w[i] = (struct path_walk){ .path = paths[i], .n = dt->root };
		if (!w[i].n) {
			w[i].done = true;
			left--;
		}
	}
	while (left) {
		for (i = 0; i < count; i++)
			if (!w[i].done && !walk_next(dt, &w[i])) {
				w[i].done = true;
				left--;
			}
		for (i = 0; i < count; i++)
			if (!w[i].done)
				walk_fetch_node(&w[i]);
		for (i = 0; i < count; i++)
			if (!w[i].done)
				walk_fetch_name(&w[i]);
		for (i = 0; i < count; i++)
			if (!w[i].done) {
				walk_step(dt, &w[i]);
				if (w[i].done)
					left--;
			}
	}
	for (i = 0; i < count; i++)
		out[i] = w[i].n;
}

void dt_find_paths(const struct dt *dt, const char *const *paths,
		   struct node **out, size_t count)
{
	size_t i;

	for (i = 0; i < count; i += PATH_BATCH)
		find_batch(dt, paths + i, out + i,
			   count - i < PATH_BATCH ? count - i : PATH_BATCH);
}

struct node *dt_find_ref(const struct dt *dt, const char *ref)
{
	if (strcmp(ref, "/") == 0)
		return dt->root;
	if (ref[0] == '/')
		return path_lookup(dt, ref, false);
	return label_lookup(dt, ref);
}

static const void *phandle_key(cell_t ph)
{
	return (const void *)(uintptr_t)ph;
}

static struct node *phandle_walk(struct node *n, cell_t ph)
{
	struct node *c, *found;

	if (n->phandle == ph)
		return n->deleted ? NULL : n;
	for_each_child(n, c) {
		found = phandle_walk(c, ph);
		if (found)
			return found;
	}
	return NULL;
}

void dt_index_phandle(struct dt *dt, struct node *n)
{
	hmap_add(&dt->phandles, phandle_key(n->phandle), "", 0, n);
}

struct node *dt_node_by_phandle(struct dt *dt, cell_t ph)
{
	struct hmap_entry *e;
	struct node *found = NULL;
	int live = 0;

	if (ph == 0 || ph == 0xffffffffu)
		return NULL;
	e = hmap_find(&dt->phandles, phandle_key(ph), "", 0);
	for (; e; e = hmap_next(&dt->phandles, e)) {
		struct node *n = e->value;

		if (n->phandle != ph || !node_is_attached(dt, n))
			continue;
		if (found != n)
			live++;
		found = n;
	}
	if (live > 1)
		return phandle_walk(dt->root, ph);
	return found;
}

/*
 * Whether dt_node_by_phandle(dt, ph) would find a node: it does when some
 * attached node has ph (with two of them it walks the tree, and finds the
 * first). The allocator asks this of every number it tries; the first
 * attached node answers it.
 */
static bool phandle_used(const struct dt *dt, cell_t ph)
{
	struct hmap_entry *e;

	if (ph == 0 || ph == 0xffffffffu)
		return false;
	e = hmap_find(&dt->phandles, phandle_key(ph), "", 0);
	for (; e; e = hmap_next(&dt->phandles, e)) {
		const struct node *n = e->value;

		if (n->phandle == ph && node_is_attached(dt, n))
			return true;
	}
	return false;
}

cell_t dt_node_phandle(struct dt *dt, struct node *n)
{
	return dt_node_phandle_props(dt, n, true);
}

cell_t dt_node_phandle_props(struct dt *dt, struct node *n, bool may_have)
{
	struct data d = { 0 };
	bool has_legacy = false, has_epapr = false;
	struct property *p;

	if (n->phandle != 0 && n->phandle != 0xffffffffu)
		return n->phandle;
	while (phandle_used(dt, dt->next_phandle))
		dt->next_phandle++;
	n->phandle = dt->next_phandle;
	dt_index_phandle(dt, n);
	data_add_marker(dt, &d, MARK_TYPE_U32, NULL, NULL);
	data_append_cell(dt, &d, n->phandle);
	/* one pass over the properties for both names */
	for (p = may_have ? n->props : NULL; p; p = p->next) {
		if (p->deleted)
			continue;
		if (p->name[0] == 'p' && strcmp(p->name, "phandle") == 0)
			has_epapr = true;
		else if (p->name[0] == 'l' &&
			 strcmp(p->name, "linux,phandle") == 0)
			has_legacy = true;
	}
	if (!has_legacy && (dt->phandle_format & PHANDLE_LEGACY))
		node_append_prop(n, prop_new(dt, "linux,phandle", d, NULL));
	if (!has_epapr && (dt->phandle_format & PHANDLE_EPAPR))
		node_append_prop(n, prop_new(dt, "phandle", d, NULL));
	return n->phandle;
}

const char *node_path(struct dt *dt, struct node *n)
{
	const char *pp;
	size_t plen, nlen;
	char *path;

	if (n->fullpath)
		return n->fullpath;
	if (!n->parent) {
		n->fullpath = "/";
		return n->fullpath;
	}
	pp = node_path(dt, n->parent);
	/* the root's path is "/" already: no second slash after it */
	plen = pp[1] ? strlen(pp) : 0;
	nlen = strlen(n->name);
	path = arena_alloc_uninit(&dt->arena, plen + nlen + 2);
	memcpy(path, pp, plen);
	path[plen] = '/';
	memcpy(path + plen + 1, n->name, nlen + 1);
	n->fullpath = path;
	return n->fullpath;
}

const char *node_unit_address(const struct node *n)
{
	if (n->name[n->basenamelen] == '\0')
		return "";
	return n->name + n->basenamelen + 1;
}

cell_t prop_cell(const struct property *p, unsigned int i)
{
	const uint8_t *b = p->val.val + 4 * (size_t)i;

	return ((cell_t)b[0] << 24) | ((cell_t)b[1] << 16) |
	       ((cell_t)b[2] << 8) | b[3];
}

void cell_store(uint8_t *p, cell_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

struct reserve *reserve_new(struct dt *dt, uint64_t addr, uint64_t size,
			    const struct srcpos *pos)
{
	struct reserve *r = arena_alloc(&dt->arena, sizeof(*r));

	r->address = addr;
	r->size = size;
	if (pos)
		r->pos = *pos;
	return r;
}

/* ---- sorting (-s) --------------------------------------------------- */

struct sort_item {
	const char *name;
	size_t index;
	void *ptr;
	uint64_t k1, k2;
};

static int cmp_by_name(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r)
		return r;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int cmp_reserve(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;

	if (x->k1 != y->k1)
		return x->k1 < y->k1 ? -1 : 1;
	if (x->k2 != y->k2)
		return x->k2 < y->k2 ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static struct sort_item *items_grow(struct sort_item *v, size_t n,
				    size_t *cap)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 16;
	return xrealloc(v, *cap * sizeof(*v));
}

static void sort_node(struct node *n, struct sort_item **buf, size_t *cap)
{
	struct property *p;
	struct node *c;
	size_t cnt = 0, i;

	for_each_property_withdel(n, p) {
		*buf = items_grow(*buf, cnt, cap);
		(*buf)[cnt] = (struct sort_item){ p->name, cnt, p, 0, 0 };
		cnt++;
	}
	if (cnt) {
		qsort(*buf, cnt, sizeof(**buf), cmp_by_name);
		n->props = (*buf)[0].ptr;
		for (i = 0; i + 1 < cnt; i++)
			((struct property *)(*buf)[i].ptr)->next =
				(*buf)[i + 1].ptr;
		n->last_prop = (*buf)[cnt - 1].ptr;
		n->last_prop->next = NULL;
	}
	cnt = 0;
	for_each_child_withdel(n, c) {
		*buf = items_grow(*buf, cnt, cap);
		(*buf)[cnt] = (struct sort_item){ c->name, cnt, c, 0, 0 };
		cnt++;
	}
	if (cnt) {
		qsort(*buf, cnt, sizeof(**buf), cmp_by_name);
		n->children = (*buf)[0].ptr;
		for (i = 0; i + 1 < cnt; i++)
			((struct node *)(*buf)[i].ptr)->next_sibling =
				(*buf)[i + 1].ptr;
		n->last_child = (*buf)[cnt - 1].ptr;
		n->last_child->next_sibling = NULL;
	}
	for_each_child_withdel(n, c)
		sort_node(c, buf, cap);
}

static void sort_reserves(struct dt *dt)
{
	struct sort_item *v = NULL;
	struct reserve *r;
	size_t n = 0, cap = 0, i;

	for (r = dt->reserves; r; r = r->next) {
		v = items_grow(v, n, &cap);
		v[n] = (struct sort_item){ "", n, r, r->address, r->size };
		n++;
	}
	if (n) {
		qsort(v, n, sizeof(*v), cmp_reserve);
		dt->reserves = v[0].ptr;
		for (i = 0; i + 1 < n; i++)
			((struct reserve *)v[i].ptr)->next = v[i + 1].ptr;
		((struct reserve *)v[n - 1].ptr)->next = NULL;
	}
	free(v);
}

void dt_sort(struct dt *dt)
{
	struct sort_item *buf = NULL;
	size_t cap = 0;

	sort_reserves(dt);
	if (dt->root)
		sort_node(dt->root, &buf, &cap);
	free(buf);
}

/* ---- diagnostics about nodes --------------------------------------- */

static struct srcpos where(struct dt *dt, struct node *n, struct property *p)
{
	struct srcpos pos = { 0 };
	const struct srcpos *at = p ? &p->pos : &n->pos;
	char *name;

	if (at->src && !dt->from_blob)
		return *at;
	if (p)
		name = arena_printf(&dt->arena, "%s:%s:%s",
				    dt->input_name ? dt->input_name : "",
				    node_path(dt, n), p->name);
	else
		name = arena_printf(&dt->arena, "%s:%s",
				    dt->input_name ? dt->input_name : "",
				    node_path(dt, n));
	pos.src = src_name_only(name);
	return pos;
}

static void vdiag_node(struct dt *dt, enum diag_level level, struct node *n,
		       struct property *p, const char *check, const char *fmt,
		       va_list ap)
{
	struct srcpos pos = where(dt, n, p);
	char *msg;
	va_list ap2;
	int len;

	va_copy(ap2, ap);
	len = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	msg = xmalloc((size_t)len + 1);
	vsnprintf(msg, (size_t)len + 1, fmt, ap);
	diag_at(level, &pos, check, "%s", msg);
	free(msg);
}

void diag_node(struct dt *dt, enum diag_level level, struct node *n,
	       const char *check, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag_node(dt, level, n, NULL, check, fmt, ap);
	va_end(ap);
}

void diag_prop(struct dt *dt, enum diag_level level, struct node *n,
	       struct property *p, const char *check, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag_node(dt, level, n, p, check, fmt, ap);
	va_end(ap);
}
