// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Blob writer (-O dtb), byte-identical to dtc 1.6.1.
 *
 * Layout: header (its size depends on the version, unset words 0xff),
 * zero padding to 8, the reserve map with any -R empty slots and the
 * terminating entry, the structure block, the strings block, then the
 * -S/-p/-a padding. Alignment inside the structure block is relative to
 * the block's start. Versions below 16 name nodes by full path, align
 * values of 8 bytes or more to 8 and add a "name" property to nodes that
 * lack one.
 *
 * The strings block is built with dtc's rule: a name reuses the first
 * offset in the table where it occurs NUL-terminated, which may be the
 * tail of a longer name. libfdt's sequential-write API orders the table
 * differently, so the blob is assembled here.
 */
#include "emit_dtb.h"

#include <libfdt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VF_FULLPATH	0x01
#define VF_VARALIGN	0x02
#define VF_NAMEPROPS	0x04
#define VF_BOOTCPUID	0x08
#define VF_STRTABSIZE	0x10
#define VF_STRUCTSIZE	0x20

struct version_info {
	int version;
	uint32_t last_comp;
	uint32_t hdrsize;
	unsigned int flags;
};

static const struct version_info versions[] = {
	{ 1, 1, FDT_V1_SIZE, VF_FULLPATH | VF_VARALIGN | VF_NAMEPROPS },
	{ 2, 1, FDT_V2_SIZE,
	  VF_FULLPATH | VF_VARALIGN | VF_NAMEPROPS | VF_BOOTCPUID },
	{ 3, 1, FDT_V3_SIZE, VF_FULLPATH | VF_VARALIGN | VF_NAMEPROPS |
			     VF_BOOTCPUID | VF_STRTABSIZE },
	{ 16, 16, FDT_V3_SIZE, VF_BOOTCPUID | VF_STRTABSIZE },
	{ 17, 16, FDT_V17_SIZE,
	  VF_BOOTCPUID | VF_STRTABSIZE | VF_STRUCTSIZE },
};

/* ---- growable byte buffer ---------------------------------------------- */

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void buf_room(struct buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;

	if (b->len + n <= b->cap)
		return;
	while (cap < b->len + n)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

static void buf_put(struct buf *b, const void *p, size_t n)
{
	if (!n)
		return;
	buf_room(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void buf_zero(struct buf *b, size_t n)
{
	buf_room(b, n);
	memset(b->p + b->len, 0, n);
	b->len += n;
}

static void buf_cell(struct buf *b, uint32_t v)
{
	uint8_t c[4];

	cell_store(c, v);
	buf_put(b, c, sizeof(c));
}

static void buf_u64(struct buf *b, uint64_t v)
{
	buf_cell(b, (uint32_t)(v >> 32));
	buf_cell(b, (uint32_t)v);
}

static void buf_align(struct buf *b, size_t align)
{
	buf_zero(b, (align - b->len % align) % align);
}

/* ---- strings block ------------------------------------------------------- */

/*
 * Every position of the table whose NUL-terminated tail is at most
 * SUFFIX_MAX long is indexed (first occurrence only), so short names are
 * found by hashing; longer ones fall back to a search of the table.
 */
#define SUFFIX_MAX	64

struct slot {
	uint32_t off1;		/* offset + 1; 0: empty */
	uint32_t hash;
};

/* Long names already placed, by address: blob input shares them. */
struct pslot {
	const char *ptr;
	uint32_t off;
};

/* Names are mostly shared strings (interned, or pointing into a blob), so
 * the last offset found for an address is remembered. */
#define RECENT_SLOTS	256

struct recent {
	const char *ptr;
	uint32_t off;
};

struct strtab {
	struct buf b;
	struct recent recent[RECENT_SLOTS];
	struct slot *slots;
	size_t nslots, used;
	struct pslot *pslots;
	size_t npslots, pused;
};

static uint32_t str_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

static bool slot_matches(const struct strtab *t, const struct slot *sl,
			 const char *s, size_t len, uint32_t h)
{
	size_t off = sl->off1 - 1;

	return sl->hash == h && off + len < t->b.len &&
	       memcmp(t->b.p + off, s, len + 1) == 0;
}

/* The slot holding s, or the empty slot where it belongs. */
static struct slot *slot_find(struct strtab *t, const char *s, size_t len,
			      uint32_t h)
{
	size_t i = h & (t->nslots - 1);

	while (t->slots[i].off1 && !slot_matches(t, &t->slots[i], s, len, h))
		i = (i + 1) & (t->nslots - 1);
	return &t->slots[i];
}

static void slots_grow(struct strtab *t)
{
	struct slot *old = t->slots;
	size_t n = t->nslots, i;

	t->nslots = n ? n * 2 : 256;
	t->slots = xmalloc(t->nslots * sizeof(*t->slots));
	memset(t->slots, 0, t->nslots * sizeof(*t->slots));
	for (i = 0; i < n; i++) {
		size_t j = old[i].hash & (t->nslots - 1);

		if (!old[i].off1)
			continue;
		while (t->slots[j].off1)
			j = (j + 1) & (t->nslots - 1);
		t->slots[j] = old[i];
	}
	free(old);
}

static void index_suffixes(struct strtab *t, uint32_t off, size_t len)
{
	const char *s = (const char *)t->b.p + off;
	size_t k = len > SUFFIX_MAX ? len - SUFFIX_MAX : 0;
	struct slot *sl;
	uint32_t h;

	for (; k <= len; k++) {
		if (2 * (t->used + 1) > t->nslots)
			slots_grow(t);
		h = str_hash(s + k, len - k);
		sl = slot_find(t, s + k, len - k, h);
		if (sl->off1)
			continue;	/* an earlier offset wins */
		sl->off1 = off + (uint32_t)k + 1;
		sl->hash = h;
		t->used++;
	}
}

static struct pslot *pslot_find(const struct strtab *t, const char *s)
{
	size_t i = ((uintptr_t)s >> 3) * 0x9e3779b97f4a7c15ull >> 40;

	for (i &= t->npslots - 1; t->pslots[i].ptr && t->pslots[i].ptr != s;
	     i = (i + 1) & (t->npslots - 1))
		;
	return &t->pslots[i];
}

static void pslot_add(struct strtab *t, const char *s, uint32_t off)
{
	struct pslot *old = t->pslots;
	size_t n = t->npslots, i;

	if (2 * (t->pused + 1) > t->npslots) {
		t->npslots = n ? n * 2 : 64;
		t->pslots = xmalloc(t->npslots * sizeof(*t->pslots));
		memset(t->pslots, 0, t->npslots * sizeof(*t->pslots));
		for (i = 0; i < n; i++)
			if (old[i].ptr)
				*pslot_find(t, old[i].ptr) = old[i];
		free(old);
	}
	*pslot_find(t, s) = (struct pslot){ s, off };
	t->pused++;
}

/* Names longer than SUFFIX_MAX: search the table itself. */
static uint32_t long_insert(struct strtab *t, const char *s, size_t len)
{
	const uint8_t *hit = NULL;
	struct pslot *ps = t->npslots ? pslot_find(t, s) : NULL;
	uint32_t off;

	if (ps && ps->ptr)
		return ps->off;
	if (t->b.len)
		hit = memmem(t->b.p, t->b.len, s, len + 1);
	if (hit) {
		off = (uint32_t)(hit - t->b.p);
	} else {
		off = (uint32_t)t->b.len;
		buf_put(&t->b, s, len + 1);
		index_suffixes(t, off, len);
	}
	pslot_add(t, s, off);
	return off;
}

static uint32_t strtab_lookup(struct strtab *t, const char *s)
{
	size_t len = strlen(s);
	struct slot *sl;
	uint32_t off;

	if (len > SUFFIX_MAX)
		return long_insert(t, s, len);
	if (t->nslots) {
		sl = slot_find(t, s, len, str_hash(s, len));
		if (sl->off1)
			return sl->off1 - 1;
	}
	off = (uint32_t)t->b.len;
	buf_put(&t->b, s, len + 1);
	index_suffixes(t, off, len);
	return off;
}

/* An offset, once given for a string, never changes: the table only grows. */
static uint32_t strtab_insert(struct strtab *t, const char *s)
{
	struct recent *r = &t->recent[((uintptr_t)s >> 3) % RECENT_SLOTS];

	if (r->ptr != s) {
		r->off = strtab_lookup(t, s);
		r->ptr = s;
	}
	return r->off;
}

/* ---- structure block ------------------------------------------------------ */

struct flat {
	const struct version_info *vi;
	struct buf st;
	struct strtab str;
	struct buf path;	/* full path of the node being written */
	FILE *sink;		/* streaming: st's bytes go here as they pile up */
	size_t flushed;		/* bytes of the blob already in sink */
	bool sink_failed;
};

/* Streaming flushes st beyond this; the blob is never held whole. */
#define FLUSH_AT	(1u << 20)

/*
 * Hands st's bytes to the sink, all of them or a multiple of 8 (st's
 * length modulo 8 is what the alignment of what follows is computed from).
 */
static void flat_flush(struct flat *f, bool all)
{
	size_t n = all ? f->st.len : (f->st.len & ~(size_t)7);

	if (!f->sink || !n)
		return;
	if (!f->sink_failed && fwrite(f->st.p, 1, n, f->sink) != n)
		f->sink_failed = true;
	memmove(f->st.p, f->st.p + n, f->st.len - n);
	f->st.len -= n;
	f->flushed += n;
}

static void put_prop_head(struct flat *f, const char *name, uint32_t len)
{
	uint32_t nameoff = strtab_insert(&f->str, name);
	uint8_t *w;

	buf_room(&f->st, 12);
	w = f->st.p + f->st.len;
	cell_store(w, FDT_PROP);
	cell_store(w + 4, len);
	cell_store(w + 8, nameoff);
	f->st.len += 12;
	if ((f->vi->flags & VF_VARALIGN) && len >= 8)
		buf_align(&f->st, 8);
}

static void put_prop(struct flat *f, const struct property *p)
{
	uint32_t len = p->val.len, pad = (4 - len % 4) % 4;

	put_prop_head(f, p->name, len);
	buf_room(&f->st, (size_t)len + pad);
	if (len)
		memcpy(f->st.p + f->st.len, p->val.val, len);
	memset(f->st.p + f->st.len + len, 0, pad);
	f->st.len += (size_t)len + pad;
}

/*
 * The "name" property of old versions: the base name and a NUL. As in
 * dtc, an empty base name ("@unit") writes the whole name instead while
 * the length still says 1.
 */
static void put_name_prop(struct flat *f, const struct node *n)
{
	size_t len = n->basenamelen ? n->basenamelen : strlen(n->name);

	put_prop_head(f, "name", n->basenamelen + 1);
	buf_put(&f->st, n->name, len);
	buf_zero(&f->st, 1);
	buf_align(&f->st, 4);
}

/* dtc's join_path: no '/' is added after a path that ends in one. */
static void path_push(struct buf *path, const char *name)
{
	if (!path->len || path->p[path->len - 1] != '/')
		buf_put(path, "/", 1);
	buf_put(path, name, strlen(name));
}

static void put_node_name(struct flat *f, const struct node *n)
{
	if (f->vi->flags & VF_FULLPATH) {
		buf_put(&f->st, f->path.p, f->path.len);
		buf_zero(&f->st, 1);
	} else {
		buf_put(&f->st, n->name, strlen(n->name) + 1);
	}
	buf_align(&f->st, 4);
}

static void flatten_node(struct flat *f, const struct node *n)
{
	const struct property *p;
	const struct node *c;
	size_t pathlen = f->path.len;
	/* only old versions need the full path and a look for "name" */
	bool fullpath = f->vi->flags & VF_FULLPATH;
	bool seen_name = !(f->vi->flags & VF_NAMEPROPS);

	if (n->deleted)
		return;
	if (fullpath)
		path_push(&f->path, n->name);
	buf_cell(&f->st, FDT_BEGIN_NODE);
	put_node_name(f, n);
	for_each_property(n, p) {
		if (!seen_name && strcmp(p->name, "name") == 0)
			seen_name = true;
		put_prop(f, p);
	}
	if (!seen_name)
		put_name_prop(f, n);
	for_each_child(n, c) {
		flatten_node(f, c);
	}
	buf_cell(&f->st, FDT_END_NODE);
	f->path.len = pathlen;
	if (f->sink && f->st.len >= FLUSH_AT)
		flat_flush(f, false);
}

/* ---- blob assembly --------------------------------------------------------- */

static const struct version_info *find_version(int version)
{
	size_t i;

	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		if (versions[i].version == version)
			return &versions[i];
	return NULL;
}

static void put_reserves(struct buf *b, const struct dt *dt, int slots)
{
	const struct reserve *r;
	int i;

	for (r = dt->reserves; r; r = r->next) {
		buf_u64(b, r->address);
		buf_u64(b, r->size);
	}
	for (i = 0; i < slots; i++)
		buf_zero(b, 2 * sizeof(uint64_t));
	buf_zero(b, 2 * sizeof(uint64_t));	/* terminator */
}

/* Bytes of zero padding after the strings, as dtc computes them. */
static bool pad_length(const struct dtb_options *opt, long long total,
		       long long *padlen)
{
	long long pad = 0;

	if (opt->align > 0 && (opt->align & (opt->align - 1))) {
		diag_plain(DIAG_ERROR,
			   "invalid alignment %ld: must be a power of two",
			   opt->align);
		return false;
	}
	if (opt->min_size > 0) {
		pad = opt->min_size - total;
		if (pad < 0) {
			pad = 0;
			diag_plain(DIAG_WARNING,
				   "blob size %lld >= minimum size %ld", total,
				   opt->min_size);
		}
	}
	if (opt->pad > 0)
		pad = opt->pad;
	if (opt->align > 0)
		pad = ((total + pad + opt->align - 1) & ~(opt->align - 1LL)) -
		      total;
	*padlen = pad;
	return true;
}

struct layout {
	uint32_t off_rsv, off_struct, off_str, totalsize;
	uint32_t size_struct, size_str;
};

static void put_header(struct buf *b, const struct version_info *vi,
		       const struct dt *dt, const struct layout *l)
{
	uint32_t w[FDT_V17_SIZE / 4];
	size_t i;

	/* Words the version lacks would stay 0xff, as dtc leaves them. */
	memset(w, 0xff, sizeof(w));
	w[0] = FDT_MAGIC;
	w[1] = l->totalsize;
	w[2] = l->off_struct;
	w[3] = l->off_str;
	w[4] = l->off_rsv;
	w[5] = (uint32_t)vi->version;
	w[6] = vi->last_comp;
	if (vi->flags & VF_BOOTCPUID)
		w[7] = dt->boot_cpuid_phys;
	if (vi->flags & VF_STRTABSIZE)
		w[8] = l->size_str;
	if (vi->flags & VF_STRUCTSIZE)
		w[9] = l->size_struct;
	for (i = 0; i < vi->hdrsize / 4; i++)
		buf_cell(b, w[i]);
}

/*
 * The blob is written in one buffer: room for the header and the reserve
 * map first (prefix), the structure block right after it, then the
 * strings, the padding and finally the header over the room left for it.
 */
static size_t put_prefix(struct flat *f, const struct dt *dt,
			 const struct dtb_options *opt)
{
	buf_zero(&f->st, (f->vi->hdrsize + 7) & ~7u);
	put_reserves(&f->st, dt, opt->reserve_slots);
	return f->st.len;
}

static bool assemble(struct dt *dt, const struct dtb_options *opt,
		     const struct version_info *vi, struct flat *f,
		     size_t prefix)
{
	struct buf hdr = { 0 };
	struct layout l;
	long long total, pad;
	size_t end_struct = f->flushed + f->st.len;

	total = (long long)end_struct + (long long)f->str.b.len;
	if (!pad_length(opt, total, &pad))
		return false;
	if (total + pad > UINT32_MAX) {
		diag_plain(DIAG_ERROR, "blob too large (%lld bytes)",
			   total + pad);
		return false;
	}
	l.off_rsv = (vi->hdrsize + 7) & ~7u;
	l.off_struct = (uint32_t)prefix;
	l.size_struct = (uint32_t)(end_struct - prefix);
	l.off_str = (uint32_t)end_struct;
	l.size_str = (uint32_t)f->str.b.len;
	l.totalsize = (uint32_t)(total + (pad > 0 ? pad : 0));
	buf_put(&f->st, f->str.b.p, f->str.b.len);
	if (pad > 0)
		buf_zero(&f->st, (size_t)pad);
	put_header(&hdr, vi, dt, &l);
	if (f->sink) {
		flat_flush(f, true);
		if (!f->sink_failed &&
		    (fseek(f->sink, 0, SEEK_SET) != 0 ||
		     fwrite(hdr.p, 1, hdr.len, f->sink) != hdr.len ||
		     fflush(f->sink) != 0))
			f->sink_failed = true;
	} else {
		memcpy(f->st.p, hdr.p, hdr.len);
	}
	free(hdr.p);
	return true;
}

static int flatten(struct dt *dt, const struct dtb_options *opt,
		   struct flat *f)
{
	struct dtb_options def = DTB_OPTIONS_DEFAULT;
	size_t prefix;
	bool ok;

	if (!opt)
		opt = &def;
	f->vi = find_version(opt->version);
	if (!f->vi) {
		diag_plain(DIAG_ERROR, "unknown blob version %d", opt->version);
		return -1;
	}
	prefix = put_prefix(f, dt, opt);
	if (dt->root)
		flatten_node(f, dt->root);
	buf_cell(&f->st, FDT_END);
	ok = assemble(dt, opt, f->vi, f, prefix);
	free(f->str.b.p);
	free(f->str.slots);
	free(f->str.pslots);
	free(f->path.p);
	return ok ? 0 : -1;
}

int dtb_flatten_to_file(struct dt *dt, const struct dtb_options *opt,
			FILE *out, bool *write_failed)
{
	struct flat f = { 0 };
	int rc;

	f.sink = out;
	rc = flatten(dt, opt, &f);
	free(f.st.p);
	*write_failed = f.sink_failed;
	return rc == 0 && !f.sink_failed ? 0 : -1;
}

int dtb_flatten(struct dt *dt, const struct dtb_options *opt, void **out,
		size_t *outlen)
{
	struct flat f = { 0 };

	*out = NULL;
	*outlen = 0;
	if (flatten(dt, opt, &f) != 0) {
		free(f.st.p);
		return -1;
	}
	*out = f.st.p;
	*outlen = f.st.len;
	return 0;
}
