/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A chained hash multimap keyed by (owner pointer, byte string). It is the
 * index behind every lookup that dtc does by walking the whole tree: labels
 * (owner NULL), children by name (owner = parent node), phandles (owner =
 * phandle value, empty key). Entries with equal keys are kept in insertion
 * order, so "the first one" is well defined.
 */
#ifndef DOMC_HMAP_H
#define DOMC_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct arena;

struct hmap_entry {
	struct hmap_entry *next;	/* bucket chain */
	uint64_t hash;
	const void *owner;
	const char *key;
	size_t keylen;
	void *value;
};

struct hmap {
	struct hmap_entry **buckets;
	size_t nbuckets, count;
	struct arena *arena;
};

void hmap_init(struct hmap *m, struct arena *arena);
void hmap_free(struct hmap *m);
struct hmap_entry *hmap_add(struct hmap *m, const void *owner,
			    const char *key, size_t keylen, void *value);
/* First entry with this key, or NULL; hmap_next() continues the search. */
struct hmap_entry *hmap_find(const struct hmap *m, const void *owner,
			     const char *key, size_t keylen);
struct hmap_entry *hmap_next(const struct hmap_entry *e);
/* Unlinks one entry (found with hmap_find/hmap_next). */
void hmap_remove(struct hmap *m, struct hmap_entry *e);

#endif
