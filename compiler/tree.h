/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data model every stage shares: a device tree of nodes and properties,
 * each keeping its source position, plus the indexes that replace dtc's
 * whole-tree walks (labels, children by name, phandles).
 *
 * Semantics follow dtc 1.6.1 where output bytes depend on them: deleted
 * nodes and properties stay in their lists (flagged) so a later definition
 * revives them in place; labels are prepended; new properties and children
 * are appended.
 */
#ifndef DOMC_TREE_H
#define DOMC_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "hmap.h"

typedef uint32_t cell_t;

/* ---- property values ---------------------------------------------- */

enum marker_type {
	MARK_NONE,
	MARK_REF_PHANDLE,	/* 4 bytes at offset get the phandle of ref */
	MARK_REF_PATH,		/* ref's full path is inserted at offset */
	MARK_LABEL,		/* a label inside a value */
	MARK_TYPE_U8,		/* the value is typed from offset on */
	MARK_TYPE_U16,
	MARK_TYPE_U32,
	MARK_TYPE_U64,
	MARK_TYPE_STRING,
};

/*
 * A plain type marker (MARK_TYPE_* without a ref) is allocated without
 * the fields after `type`: most markers are of that kind, one or more per
 * property. Read ref and pos only of labels, references, or a marker whose
 * ref was set.
 */
struct marker {
	struct marker *next;
	uint32_t offset;
	enum marker_type type;
	const char *ref;	/* label or path; NULL for plain type marks */
	struct srcpos pos;
};

struct data {
	uint8_t *val;
	uint32_t len, cap;
	struct marker *markers;	/* sorted by offset (by construction) */
	struct marker *last_marker;
};

struct dt;

/*
 * Largest property value: beyond it an append is dropped and one error
 * reported. Keeps lengths far from uint32_t wrap-around whatever grows a
 * value (/incbin/s, path references inserted many times).
 */
#define DATA_MAX_LEN	(1U << 30)

/* Room for extra more bytes at d->val + d->len; false (reported) past
 * DATA_MAX_LEN. */
bool data_reserve(struct dt *dt, struct data *d, size_t extra);
void data_append(struct dt *dt, struct data *d, const void *p, size_t len);
void data_append_cell(struct dt *dt, struct data *d, cell_t v);
/* bits: 8, 16, 32 or 64; big-endian */
void data_append_integer(struct dt *dt, struct data *d, uint64_t v, int bits);
void data_append_byte(struct dt *dt, struct data *d, uint8_t b);
/* NULL for a plain type marker in a tree with untyped_values. */
struct marker *data_add_marker(struct dt *dt, struct data *d,
			       enum marker_type type, const char *ref,
			       const struct srcpos *pos);
/* d1 followed by d2 (d2's markers shifted); d2 is consumed. */
void data_merge(struct dt *dt, struct data *d1, struct data *d2);
/* Insert len bytes at m's offset; later markers move along. */
void data_insert_at_marker(struct dt *dt, struct data *d, struct marker *m,
			   const void *p, size_t len);
bool data_is_one_string(const struct data *d);
/*
 * A value (or a piece of one) is complete: its spare capacity goes back to
 * the arena, so the next piece lands right after it and data_merge can
 * join the two without copying.
 */
void data_seal(struct dt *dt, struct data *d);

/* ---- labels, properties, nodes ------------------------------------- */

struct node;

struct label {
	const char *name;
	bool deleted;
	struct srcpos pos;
	struct node *owner;	/* node it names, for the label index */
	struct label *next;
};

struct property {
	const char *name;
	struct data val;
	bool deleted;
	struct label *labels;
	struct srcpos pos;
	struct property *next;
};

struct node {
	const char *name;	/* with unit address; "" for the root */
	uint32_t basenamelen;	/* length of the part before '@' */
	uint32_t nchildren;	/* in the children list, deleted ones too */
	struct property *props, *last_prop;
	struct node *children, *last_child, *next_sibling, *parent;
	struct label *labels;
	struct srcpos pos;
	const char *fullpath;	/* set by node_path(), cached */
	cell_t phandle;		/* 0: none; set by resolve */
	int addr_cells, size_cells;	/* -1: not known */
	bool deleted;
	bool merged_away;	/* contents moved into another node */
	bool omit_if_unused, is_referenced;
	uint32_t child_index;	/* dt->cix index + 1; 0: none (tree.c) */
};

#define for_each_property_withdel(n, p) \
	for ((p) = (n)->props; (p); (p) = (p)->next)
#define for_each_property(n, p) \
	for_each_property_withdel(n, p) \
		if (!(p)->deleted)
#define for_each_child_withdel(n, c) \
	for ((c) = (n)->children; (c); (c) = (c)->next_sibling)
#define for_each_child(n, c) \
	for_each_child_withdel(n, c) \
		if (!(c)->deleted)
#define for_each_label_withdel(l0, l) \
	for ((l) = (l0); (l); (l) = (l)->next)
#define for_each_label(l0, l) \
	for_each_label_withdel(l0, l) \
		if (!(l)->deleted)
#define for_each_marker(m0, m) \
	for ((m) = (m0); (m); (m) = (m)->next)
#define for_each_marker_of_type(m0, m, t) \
	for_each_marker(m0, m) \
		if ((m)->type == (t))

struct reserve {
	uint64_t address, size;
	struct label *labels;
	struct srcpos pos;
	struct reserve *next;
};

struct child_index;

/* DTS header flags */
#define DTSF_V1		0x1
#define DTSF_PLUGIN	0x2

/* -H */
#define PHANDLE_LEGACY	0x1
#define PHANDLE_EPAPR	0x2
#define PHANDLE_BOTH	0x3

struct dt {
	struct arena arena;
	struct arena values;	/* property value bytes only (packed) */
	struct node *root;
	struct reserve *reserves;
	unsigned int dtsflags;
	uint32_t boot_cpuid_phys;
	bool from_blob;		/* read with -I dtb: positions are paths */
	const char *input_name;

	struct hmap labels;	/* label name -> struct label (nodes only) */
	struct child_index **cix;	/* children by name, big parents only */
	uint32_t ncix, cix_cap;
	struct hmap phandles;	/* (phandle) -> node */
	cell_t next_phandle;	/* dtc's allocator cursor */
	unsigned int next_orphan_fragment;
	int phandle_format;
	bool value_too_big;	/* DATA_MAX_LEN reported (once) */
	/* No plain type markers (data_add_marker): only DTS output reads
	 * them, and a big tree has one or more per property. */
	bool untyped_values;
};

struct dt *dt_new(void);
void dt_free(struct dt *dt);

/* Building (front end and blob reader) */
struct property *prop_new(struct dt *dt, const char *name, struct data val,
			  const struct srcpos *pos);
struct property *prop_new_delete(struct dt *dt, const char *name,
				 const struct srcpos *pos);
struct node *node_new(struct dt *dt, const struct srcpos *pos);
struct node *node_new_delete(struct dt *dt, const struct srcpos *pos);
void node_set_name(struct dt *dt, struct node *n, const char *name);
/* A label on a node, property or reserve entry (dtc: add_label). */
void node_add_label(struct dt *dt, struct node *n, const char *name,
		    const struct srcpos *pos);
void label_add(struct dt *dt, struct label **list, const char *name,
	       const struct srcpos *pos);
void node_append_prop(struct node *n, struct property *p);
void node_append_child(struct dt *dt, struct node *parent,
		       struct node *child);

/* Tree editing with dtc's semantics */
struct node *node_merge(struct dt *dt, struct node *old, struct node *new);
void node_delete(struct node *n);
void prop_delete(struct property *p);
void node_delete_prop_by_name(struct node *n, const char *name);
void node_delete_child_by_name(struct dt *dt, struct node *n,
			       const char *name);
/* /plugin/ fragment@N { target = <&ref>; __overlay__ { ... } } */
void dt_add_orphan(struct dt *dt, struct node *parent, struct node *overlay,
		   const char *ref, const struct srcpos *pos);
/* Append (or create) property name with a typed chunk (dtc's
 * append_to_property). */
void node_append_to_prop(struct dt *dt, struct node *n, const char *name,
			 const void *p, size_t len, enum marker_type type);

/*
 * n's first child named name[0..len) (in the order children were added)
 * that accept() takes, whatever its flags: the lookup under the others.
 */
struct node *node_child_by_name(const struct dt *dt, const struct node *n,
				const char *name, size_t len,
				bool (*accept)(const struct node *c));
/*
 * Children indexes made outside the lookups: by a walk that has hashed
 * every child's name anyway (the checks' survey), possibly in a helper
 * thread, which must then leave dt alone. Whether n would get an index on
 * its first lookup; such an index for n from the FNV-1a hashes of its
 * children's names (names[i] for the i-th in list order, count of them),
 * in arena a, *same telling whether two of the names are equal; and
 * giving it to n (in the thread that owns dt).
 */
struct name_hash {
	uint32_t fnv;
	const char *name;
};
bool node_wants_child_index(const struct node *n);
struct child_index *child_index_make(struct arena *a, const struct node *n,
				     const struct name_hash *names,
				     size_t count, bool *same);
void dt_attach_child_index(struct dt *dt, struct node *n,
			   struct child_index *ix);
/* The first later sibling of child (a child of n) with its name, deleted
 * or not, that was not merged away. */
struct node *node_next_same_name(const struct dt *dt, const struct node *n,
				 const struct node *child);
/* Lookups (skip deleted nodes, as dtc's for_each_child does) */
struct property *node_get_prop(const struct node *n, const char *name);
struct node *node_get_child(const struct dt *dt, const struct node *n,
			    const char *name);
struct node *node_get_child_n(const struct dt *dt, const struct node *n,
			      const char *name, size_t len);
struct node *dt_node_by_path(struct dt *dt, const char *path);
struct node *dt_node_by_label(struct dt *dt, const char *label);
/* "/" or a path starting with '/' or a label */
struct node *dt_node_by_ref(struct dt *dt, const char *ref);
/*
 * dt_node_by_ref() that writes nothing, not even a child index (a big
 * parent without one is scanned): for threads that read dt together
 * while none edits it.
 */
struct node *dt_find_ref(const struct dt *dt, const char *ref);
/* dt_find_ref() of count paths (each starting with '/'), into out[],
 * faster than one by one. */
void dt_find_paths(const struct dt *dt, const char *const *paths,
		   struct node **out, size_t count);
struct node *dt_node_by_phandle(struct dt *dt, cell_t phandle);
/* Record n's phandle in the index (after setting n->phandle). */
void dt_index_phandle(struct dt *dt, struct node *n);
/* dtc's get_node_phandle: allocate and add phandle properties. */
cell_t dt_node_phandle(struct dt *dt, struct node *n);
/* The same, told whether n may have a live phandle or linux,phandle
 * property: false saves a walk over its properties. */
cell_t dt_node_phandle_props(struct dt *dt, struct node *n, bool may_have);

const char *node_path(struct dt *dt, struct node *n);
const char *node_unit_address(const struct node *n);
/* Whether a walk from the root reaches n (nothing above it deleted). */
bool node_reached(const struct node *n);
bool node_is_attached(const struct dt *dt, const struct node *n);

cell_t prop_cell(const struct property *p, unsigned int i);
/* Store v big-endian at p, as every cell in a blob is. */
void cell_store(uint8_t *p, cell_t v);

/* Reserve map */
struct reserve *reserve_new(struct dt *dt, uint64_t addr, uint64_t size,
			    const struct srcpos *pos);

/* -s */
void dt_sort(struct dt *dt);

/* Diagnostics that name a node or property: source position for DTS
 * input, "blob: /path: " for DTB input. */
void diag_node(struct dt *dt, enum diag_level level, struct node *n,
	       const char *check, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void diag_prop(struct dt *dt, enum diag_level level, struct node *n,
	       struct property *p, const char *check, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#endif
