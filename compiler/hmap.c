// SPDX-License-Identifier: GPL-2.0-or-later
#include "hmap.h"
#include "arena.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash_key(const void *owner, const char *key, size_t len)
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
	return (uint32_t)h;
}

void hmap_init(struct hmap *m, struct arena *arena)
{
	(void)arena;
	memset(m, 0, sizeof(*m));
}

void hmap_free(struct hmap *m)
{
	free(m->slots);
	free(m->entries);
	memset(m, 0, sizeof(*m));
}

/* Slots for n entries at most half full. */
static void rehash(struct hmap *m, size_t n)
{
	size_t size = m->nslots ? m->nslots : 64, mask, i, j;

	while (size < 2 * n)
		size *= 2;
	if (size == m->nslots)
		return;
	free(m->slots);
	m->slots = xmalloc(size * sizeof(*m->slots));
	memset(m->slots, 0, size * sizeof(*m->slots));
	m->nslots = size;
	mask = size - 1;
	/* re-inserting in insertion order keeps equal keys in order */
	for (j = 0; j < m->count; j++) {
		uint32_t h = m->entries[j].hash;

		for (i = h & mask; m->slots[i].idx; i = (i + 1) & mask)
			;
		m->slots[i].hash = h;
		m->slots[i].idx = (uint32_t)j + 1;
	}
}

void hmap_reserve(struct hmap *m, size_t n)
{
	if (m->count + n > m->cap) {
		/* geometric, or reserving a little at a time is quadratic */
		m->cap = m->cap ? 2 * m->cap : 64;
		if (m->cap < m->count + n)
			m->cap = m->count + n;
		m->entries = xrealloc(m->entries, m->cap * sizeof(*m->entries));
	}
	if (2 * (m->count + n) > m->nslots)
		rehash(m, m->count + n);
}

struct hmap_entry *hmap_add(struct hmap *m, const void *owner,
			    const char *key, size_t keylen, void *value)
{
	uint32_t h = hash_key(owner, key, keylen);
	struct hmap_entry *e;
	size_t i, mask;

	if (m->count == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->entries = xrealloc(m->entries, m->cap * sizeof(*m->entries));
	}
	if (2 * (m->count + 1) > m->nslots)
		rehash(m, m->count + 1);
	e = &m->entries[m->count];
	e->owner = owner;
	e->key = key;
	e->keylen = (uint32_t)keylen;
	e->hash = h;
	e->value = value;
	/* the first empty slot of the run: after every equal key */
	mask = m->nslots - 1;
	for (i = h & mask; m->slots[i].idx; i = (i + 1) & mask)
		;
	m->slots[i].hash = h;
	m->slots[i].idx = (uint32_t)++m->count;
	return e;
}

static int entry_matches(const struct hmap_entry *e, const void *owner,
			 const char *key, size_t len)
{
	return e->owner == owner && e->keylen == len &&
	       (e->key == key || memcmp(e->key, key, len) == 0);
}

/* The first entry from slot i on with this key and hash. */
static struct hmap_entry *probe(const struct hmap *m, size_t i, uint32_t h,
				const void *owner, const char *key,
				size_t keylen)
{
	size_t mask = m->nslots - 1;

	for (; m->slots[i].idx; i = (i + 1) & mask) {
		struct hmap_entry *e;

		if (m->slots[i].hash != h)
			continue;
		e = &m->entries[m->slots[i].idx - 1];
		if (entry_matches(e, owner, key, keylen))
			return e;
	}
	return NULL;
}

struct hmap_entry *hmap_find(const struct hmap *m, const void *owner,
			     const char *key, size_t keylen)
{
	uint32_t h;

	if (!m->count)
		return NULL;
	h = hash_key(owner, key, keylen);
	return probe(m, h & (m->nslots - 1), h, owner, key, keylen);
}

struct hmap_entry *hmap_next(const struct hmap *m,
			     const struct hmap_entry *cur)
{
	uint32_t h = cur->hash;
	uint32_t idx = (uint32_t)(cur - m->entries) + 1;
	size_t mask = m->nslots - 1, i;

	/* cur's own slot is on its key's probe run: continue after it */
	for (i = h & mask; m->slots[i].idx != idx; i = (i + 1) & mask)
		;
	return probe(m, (i + 1) & mask, h, cur->owner, cur->key, cur->keylen);
}
