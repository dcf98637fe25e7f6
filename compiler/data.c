// SPDX-License-Identifier: GPL-2.0-or-later
/* Property values: bytes plus markers that remember types and references. */
#include "tree.h"

#include <stddef.h>
#include <string.h>

bool data_reserve(struct dt *dt, struct data *d, size_t extra)
{
	size_t need = (size_t)d->len + extra, ncap;

	if (need <= d->cap)
		return true;
	if (extra > DATA_MAX_LEN || need > DATA_MAX_LEN) {
		if (!dt->value_too_big)
			diag_plain(DIAG_ERROR, "a property value would exceed "
				   "%u MiB (the limit)", DATA_MAX_LEN >> 20);
		dt->value_too_big = true;
		return false;
	}
	ncap = d->cap ? d->cap : 16;
	while (ncap < need)
		ncap *= 2;
	/* len, not cap: a value may point into a blob (cap 0) */
	d->val = arena_realloc(&dt->values, d->val, d->len, ncap);
	d->cap = (uint32_t)ncap;
	return true;
}

void data_append(struct dt *dt, struct data *d, const void *p, size_t len)
{
	if (!len || !data_reserve(dt, d, len))
		return;
	memcpy(d->val + d->len, p, len);
	d->len += (uint32_t)len;
}

void data_append_integer(struct dt *dt, struct data *d, uint64_t v, int bits)
{
	uint8_t buf[8];
	int n = bits / 8, i;

	for (i = 0; i < n; i++)
		buf[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	data_append(dt, d, buf, (size_t)n);
}

void data_append_cell(struct dt *dt, struct data *d, cell_t v)
{
	data_append_integer(dt, d, v, 32);
}

void data_append_byte(struct dt *dt, struct data *d, uint8_t b)
{
	data_append(dt, d, &b, 1);
}

static bool is_plain_type(enum marker_type type, const char *ref)
{
	return type >= MARK_TYPE_U8 && !ref;
}

struct marker *data_add_marker(struct dt *dt, struct data *d,
			       enum marker_type type, const char *ref,
			       const struct srcpos *pos)
{
	bool plain = is_plain_type(type, ref);
	size_t size = plain ? offsetof(struct marker, ref) :
			      sizeof(struct marker);
	struct marker *m;

	if (plain && dt->untyped_values)
		return NULL;
	m = arena_alloc_uninit(&dt->arena, size);

	m->next = NULL;
	m->type = type;
	m->offset = d->len;
	if (size == sizeof(*m)) {
		m->ref = ref;
		if (pos)
			m->pos = *pos;
		else
			memset(&m->pos, 0, sizeof(m->pos));
	}
	if (d->last_marker)
		d->last_marker->next = m;
	else
		d->markers = m;
	d->last_marker = m;
	return m;
}

void data_merge(struct dt *dt, struct data *d1, struct data *d2)
{
	struct marker *m;
	uint32_t base = d1->len;

	data_seal(dt, d2);
	/* The usual case, a value's first chunk: take d2 over, no copy. */
	if (!d1->len && !d1->markers && !d1->val) {
		*d1 = *d2;
		memset(d2, 0, sizeof(*d2));
		return;
	}
	/* Sealed pieces lie back to back in dt->values: just join them. */
	if (d1->cap == d1->len && d2->cap &&
	    arena_join(&dt->values, d1->val, d1->len, d2->val)) {
		d1->len += d2->len;
		d1->cap = d1->len + (d2->cap - d2->len);
	} else {
		data_append(dt, d1, d2->val, d2->len);
	}
	for_each_marker(d2->markers, m)
		m->offset += base;
	if (d2->markers) {
		if (d1->last_marker)
			d1->last_marker->next = d2->markers;
		else
			d1->markers = d2->markers;
		d1->last_marker = d2->last_marker;
	}
	memset(d2, 0, sizeof(*d2));
}

void data_insert_at_marker(struct dt *dt, struct data *d, struct marker *m,
			   const void *p, size_t len)
{
	uint32_t off = m->offset;
	struct marker *later;

	if (!data_reserve(dt, d, len))
		return;
	memmove(d->val + off + len, d->val + off, d->len - off);
	memcpy(d->val + off, p, len);
	d->len += (uint32_t)len;
	for (later = m->next; later; later = later->next)
		later->offset += (uint32_t)len;
}

void data_seal(struct dt *dt, struct data *d)
{
	if (d->cap > d->len) {
		arena_trim(&dt->values, d->val, d->len);
		d->cap = d->len;
	}
}

bool data_is_one_string(const struct data *d)
{
	uint32_t i;

	if (!d->len)
		return false;
	for (i = 0; i < d->len - 1; i++)
		if (d->val[i] == '\0')
			return false;
	return d->val[d->len - 1] == '\0';
}
