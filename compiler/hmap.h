/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A hash multimap keyed by (owner pointer, byte string). It is the index
 * behind every lookup that dtc does by walking the whole tree: labels
 * (owner NULL), children by name (owner = parent node), phandles (owner =
 * phandle value, empty key). Entries with equal keys are kept in insertion
 * order, so "the first one" is well defined.
 *
 * Entries sit in one array in insertion order; the table is open
 * addressing over 8-byte slots (a 32-bit hash and the entry's index).
 * Adding is an append and one probe, growing re-inserts the array in
 * order (which keeps equal keys in order along their probe run), and a
 * miss is decided from the slots without touching an entry: a chained
 * table cost a cache miss per link on large trees.
 */
#ifndef DOMC_HMAP_H
#define DOMC_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct arena;

struct hmap_entry {
	const void *owner;
	const char *key;
	uint32_t keylen;
	uint32_t hash;		/* kept for growing and hmap_next() */
	void *value;
};

struct hmap_slot {
	uint32_t hash;
	uint32_t idx;		/* entries index + 1; 0: empty */
};

struct hmap {
	struct hmap_slot *slots;	/* a power of 2 of them, or none */
	size_t nslots, count;
	struct hmap_entry *entries;	/* in insertion order */
	size_t cap;
};

void hmap_init(struct hmap *m, struct arena *arena);
void hmap_free(struct hmap *m);
/* Room for n more entries without growing (a hint: adding needs none). */
void hmap_reserve(struct hmap *m, size_t n);
/* The new entry is valid until the next hmap_add(). */
struct hmap_entry *hmap_add(struct hmap *m, const void *owner,
			    const char *key, size_t keylen, void *value);
/* First entry with this key, or NULL; hmap_next() continues the search. */
struct hmap_entry *hmap_find(const struct hmap *m, const void *owner,
			     const char *key, size_t keylen);
struct hmap_entry *hmap_next(const struct hmap *m,
			     const struct hmap_entry *e);

#endif
