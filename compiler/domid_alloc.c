// SPDX-License-Identifier: GPL-2.0-or-later
#include "domid_alloc.h"

#include <string.h>

void domid_alloc_init(struct domid_alloc *a)
{
	memset(a, 0, sizeof(*a));
}

bool domid_is_used(const struct domid_alloc *a, uint16_t id)
{
	return id < DOMID_FIRST_RESERVED &&
	       (a->bits[id / 64] >> (id % 64)) & 1;
}

static void set_used(struct domid_alloc *a, uint16_t id)
{
	a->bits[id / 64] |= 1ULL << (id % 64);
	a->used++;
}

/* First free ID in [from, bound), or bound. Skips whole full words. */
static uint32_t next_free(const struct domid_alloc *a, uint32_t from,
			  uint32_t bound)
{
	uint32_t id = from;

	while (id < bound) {
		uint64_t word = a->bits[id / 64] >> (id % 64);

		if (word == ~0ULL >> (id % 64)) {
			id = (id / 64 + 1) * 64;
			continue;
		}
		if (!(word & 1))
			return id;
		id++;
	}
	return bound;
}

static uint16_t search_any(const struct domid_alloc *a)
{
	uint32_t id = next_free(a, (uint32_t)a->last + 1,
				DOMID_FIRST_RESERVED);

	if (id < DOMID_FIRST_RESERVED)
		return (uint16_t)id;
	if (a->last == 0)
		return DOMID_INVALID;
	id = next_free(a, 1, (uint32_t)a->last + 1);
	return id <= a->last ? (uint16_t)id : DOMID_INVALID;
}

uint16_t domid_alloc(struct domid_alloc *a, uint16_t domid)
{
	uint16_t id;

	if (domid >= DOMID_FIRST_RESERVED && domid != DOMID_ANY)
		return DOMID_INVALID;
	if (domid != DOMID_ANY) {
		if (domid_is_used(a, domid))
			return DOMID_INVALID;
		set_used(a, domid);
		return domid;
	}
	id = search_any(a);
	if (id == DOMID_INVALID)
		return id;
	set_used(a, id);
	a->last = id;
	return id;
}

void domid_free(struct domid_alloc *a, uint16_t id)
{
	if (!domid_is_used(a, id))
		return;
	a->bits[id / 64] &= ~(1ULL << (id % 64));
	a->used--;
}

uint32_t domid_free_count(const struct domid_alloc *a)
{
	return DOMID_FIRST_RESERVED - 1 - a->used +
	       (domid_is_used(a, 0) ? 1 : 0);
}

uint16_t domid_peek_any(const struct domid_alloc *a)
{
	return search_any(a);
}

const char *domid_reserved_name(uint32_t id)
{
	switch (id) {
	case DOMID_SELF: return "DOMID_SELF";
	case DOMID_IO: return "DOMID_IO";
	case DOMID_XEN: return "DOMID_XEN";
	case DOMID_COW: return "DOMID_COW";
	case DOMID_INVALID: return "DOMID_INVALID";
	case DOMID_ANY: return "DOMID_ANY";
	case DOMID_IDLE: return "DOMID_IDLE";
	default: return NULL;
	}
}
