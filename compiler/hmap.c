// SPDX-License-Identifier: GPL-2.0-or-later
#include "hmap.h"
#include "arena.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_key(const void *owner, const char *key, size_t len)
{
	/* FNV-1a over the key, mixed with the owner pointer. */
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)owner;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)key[i];
		h *= 1099511628211ULL;
	}
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return h;
}

void hmap_init(struct hmap *m, struct arena *arena)
{
	m->nbuckets = 64;
	m->count = 0;
	m->arena = arena;
	m->buckets = calloc(m->nbuckets, sizeof(*m->buckets));
	if (!m->buckets)
		m->buckets = xmalloc(1); /* xmalloc reports OOM and exits */
}

void hmap_free(struct hmap *m)
{
	free(m->buckets);
	memset(m, 0, sizeof(*m));
}

static void hmap_grow(struct hmap *m)
{
	size_t n = m->nbuckets * 2, i;
	struct hmap_entry **nb = xmalloc(n * sizeof(*nb));

	memset(nb, 0, n * sizeof(*nb));
	/* Walk each chain from its head and append, keeping insertion order. */
	for (i = 0; i < m->nbuckets; i++) {
		struct hmap_entry *e = m->buckets[i], *next;

		for (; e; e = next) {
			struct hmap_entry **pp = &nb[e->hash & (n - 1)];

			next = e->next;
			while (*pp)
				pp = &(*pp)->next;
			e->next = NULL;
			*pp = e;
		}
	}
	free(m->buckets);
	m->buckets = nb;
	m->nbuckets = n;
}

struct hmap_entry *hmap_add(struct hmap *m, const void *owner,
			    const char *key, size_t keylen, void *value)
{
	struct hmap_entry *e, **pp;

	if (m->count >= m->nbuckets)
		hmap_grow(m);
	e = arena_alloc(m->arena, sizeof(*e));
	e->hash = hash_key(owner, key, keylen);
	e->owner = owner;
	e->key = key;
	e->keylen = keylen;
	e->value = value;
	pp = &m->buckets[e->hash & (m->nbuckets - 1)];
	while (*pp)
		pp = &(*pp)->next;
	*pp = e;
	m->count++;
	return e;
}

static int entry_matches(const struct hmap_entry *e, uint64_t h,
			 const void *owner, const char *key, size_t len)
{
	return e->hash == h && e->owner == owner && e->keylen == len &&
	       memcmp(e->key, key, len) == 0;
}

struct hmap_entry *hmap_find(const struct hmap *m, const void *owner,
			     const char *key, size_t keylen)
{
	uint64_t h = hash_key(owner, key, keylen);
	struct hmap_entry *e = m->buckets[h & (m->nbuckets - 1)];

	for (; e; e = e->next)
		if (entry_matches(e, h, owner, key, keylen))
			return e;
	return NULL;
}

struct hmap_entry *hmap_next(const struct hmap_entry *cur)
{
	struct hmap_entry *e = cur->next;

	for (; e; e = e->next)
		if (entry_matches(e, cur->hash, cur->owner, cur->key,
				  cur->keylen))
			return e;
	return NULL;
}

void hmap_remove(struct hmap *m, struct hmap_entry *e)
{
	struct hmap_entry **pp = &m->buckets[e->hash & (m->nbuckets - 1)];

	while (*pp && *pp != e)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = e->next;
		m->count--;
	}
}
