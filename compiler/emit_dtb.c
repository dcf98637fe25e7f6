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

#include <errno.h>
#include <libfdt.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "threads.h"

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

/* Inline: the structure block stores three cells per property. */
static inline void be32_store(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline uint32_t be32_load(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void buf_cell(struct buf *b, uint32_t v)
{
	buf_room(b, 4);
	be32_store(b->p + b->len, v);
	b->len += 4;
}

static void buf_u64(struct buf *b, uint64_t v)
{
	buf_cell(b, (uint32_t)(v >> 32));
	buf_cell(b, (uint32_t)v);
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

/*
 * An offset, once given for a string, never changes: the table only grows.
 * s must outlive the table (a name in the tree): it is remembered by
 * address.
 */
static uint32_t strtab_insert(struct strtab *t, const char *s)
{
	struct recent *r = &t->recent[((uintptr_t)s >> 3) % RECENT_SLOTS];

	if (r->ptr != s) {
		r->off = strtab_lookup(t, s);
		r->ptr = s;
	}
	return r->off;
}

static void strtab_free(struct strtab *t)
{
	free(t->b.p);
	free(t->slots);
	free(t->pslots);
}

/* ---- structure block ------------------------------------------------------ */

struct split;
static void part_name(struct split *sp, uint32_t nameoff, const char *name);
static void part_hand(struct split *sp);

/* A part hands its bytes over in chunks of about this size (below). */
#define PART_CHUNK	(2u << 20)
#define PART_HANDOFF	(PART_CHUNK - (64u << 10))

struct flat {
	const struct version_info *vi;
	struct buf st;
	struct strtab str;
	struct buf path;	/* full path of the node being written */
	FILE *sink;		/* streaming: st's bytes go here as they pile up */
	size_t flushed;		/* bytes of the blob already in sink */
	bool sink_failed;
	int sink_errno;		/* of the first failed write */
	struct split *split;	/* of a part (below): where its bytes go */
};

/* Streaming flushes st beyond this; the blob is never held whole. */
#define FLUSH_AT	(1u << 20)

static void flat_write(struct flat *f, const void *p, size_t n)
{
	if (!f->sink_failed && n && fwrite(p, 1, n, f->sink) != n) {
		f->sink_failed = true;
		f->sink_errno = errno ? errno : EIO;
	}
	f->flushed += n;
}

/* Hands st's bytes to the sink. */
static void flat_flush(struct flat *f)
{
	if (!f->sink)
		return;
	flat_write(f, f->st.p, f->st.len);
	f->st.len = 0;
}

/* Alignment is of the position in the blob, whatever was flushed. */
static void flat_align(struct flat *f, size_t align)
{
	buf_zero(&f->st, (align - (f->flushed + f->st.len) % align) % align);
}

static void put_prop_head(struct flat *f, const char *name, uint32_t len)
{
	uint32_t nameoff = strtab_insert(&f->str, name);
	uint8_t *w;

	buf_room(&f->st, 12);
	w = f->st.p + f->st.len;
	be32_store(w, FDT_PROP);
	be32_store(w + 4, len);
	be32_store(w + 8, nameoff);
	f->st.len += 12;
	if (f->split)
		part_name(f->split, nameoff, name);
	if ((f->vi->flags & VF_VARALIGN) && len >= 8)
		flat_align(f, 8);
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
	flat_align(f, 4);
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
	flat_align(f, 4);
}

/* The begin tag, the name and the properties of a node. */
static void open_node(struct flat *f, const struct node *n)
{
	const struct property *p;
	/* only old versions look for "name" */
	bool seen_name = !(f->vi->flags & VF_NAMEPROPS);

	/*
	 * The walk is a chain of cache misses (properties, then the next
	 * node); asking for the next link early lets them overlap with the
	 * copying.
	 */
	__builtin_prefetch(n->next_sibling);
	buf_cell(&f->st, FDT_BEGIN_NODE);
	put_node_name(f, n);
	for_each_property(n, p) {
		__builtin_prefetch(p->next);
		if (!seen_name && strcmp(p->name, "name") == 0)
			seen_name = true;
		put_prop(f, p);
	}
	if (!seen_name)
		put_name_prop(f, n);
}

static void close_node(struct flat *f)
{
	buf_cell(&f->st, FDT_END_NODE);
	if (f->sink && f->st.len >= FLUSH_AT)
		flat_flush(f);
	else if (f->split && f->st.len >= PART_HANDOFF)
		part_hand(f->split);
}

static void flatten_node(struct flat *f, const struct node *n)
{
	const struct node *c;
	size_t pathlen = f->path.len;

	if (n->deleted)
		return;
	/* only old versions need the full path */
	if (f->vi->flags & VF_FULLPATH)
		path_push(&f->path, n->name);
	open_node(f, n);
	for_each_child(n, c) {
		flatten_node(f, c);
	}
	f->path.len = pathlen;
	close_node(f);
}

/* ---- the structure block on two threads --------------------------------- */

/*
 * A big tree is flattened in two parts at once. A helper thread takes the
 * later children of the node that holds most of the tree (the part), with
 * a strings table of its own, and hands its bytes over in chunks, each
 * with the names it met first. This thread writes everything before the
 * part (the head), then takes each chunk: it enters the chunk's new names
 * in the blob's table in the order the part met them, which gives each the
 * offset one walk would have given, and rewrites the chunk's name offsets.
 * It writes the chunk itself while the helper walks; once the helper is
 * done, the helper writes the rest at their places in the file while this
 * thread goes on: with the part's last children if it took them from a
 * slow helper (split_rebalance), then with what follows the part (end
 * tags, later siblings of its ancestors: the tail), as in one walk. Only
 * this thread reports.
 *
 * Only versions 16 and 17: a part cannot know the alignment to 8 of its
 * start, nor the full paths of its nodes.
 */

/*
 * Tree memory (nodes, properties, values) from which a thread pays off: a
 * blob of 12 MB or so (the tree takes 4 to 6 times the blob's size). At
 * 6 to 8 MB (200,000 properties, 32,751 domains) it was no faster.
 */
#define SPLIT_MIN_TREE	(64u << 20)
#define SPLIT_MAX_DEPTH	64

/* A name the part met first in a chunk, with its offset in its table. */
struct part_name {
	uint32_t local;
	const char *name;
};

struct chunk {
	struct chunk *next;
	struct buf bytes;
	struct buf names;	/* struct part_name, in the order met */
	off_t at;		/* where its bytes go in the file */
};

struct split {
	const struct node *path[SPLIT_MAX_DEPTH];	/* root .. the parent */
	size_t depth;
	uint64_t mid;			/* the part starts at this child */
	/*
	 * Under lock: the part's first child once the helper has found it
	 * (NULL: not yet, or never if this thread got there first); the
	 * children this thread has taken; the helper's next child and where
	 * it stops (NULL: at the end); the children it took.
	 */
	const struct node *first;
	uint64_t nhead;
	const struct node *next, *limit;
	uint64_t claimed;
	struct flat part;		/* the helper thread's */
	struct buf names;		/* the chunk being filled's new names */
	struct buf seen;		/* a byte per offset in part.str */
	uint32_t *map;			/* offset in part.str -> in the blob */
	size_t nmap;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* to this thread */
	pthread_cond_t to_helper;
	struct chunk *ready, **ready_end;	/* handed over, in order */
	struct chunk *spare;		/* written, for the helper to refill */
	bool done;
	/* streaming: the helper writes what it made once its walk is done */
	int fd;				/* the sink's; -1: a blob in memory */
	struct chunk *fixed, **fixed_end;	/* rewritten, to be written */
	bool fixed_all;			/* no more will come */
	int write_errno;		/* the helper's first failed write */
};

/*
 * Chunk memory in huge pages where the system allows it: a fresh 4 KiB
 * page costs a fault, and the part's chunks are mostly fresh memory.
 */
static uint8_t *chunk_mem(void)
{
	void *p = aligned_alloc(PART_CHUNK, PART_CHUNK);

	if (!p)
		return xmalloc(PART_CHUNK);
	madvise(p, PART_CHUNK, MADV_HUGEPAGE);
	return p;
}

static void part_name(struct split *sp, uint32_t nameoff, const char *name)
{
	struct part_name pn = { nameoff, name };
	size_t len = sp->part.str.b.len;

	if (sp->seen.len < len)
		buf_zero(&sp->seen, len - sp->seen.len);
	if (sp->seen.p[nameoff])
		return;
	sp->seen.p[nameoff] = 1;
	buf_put(&sp->names, &pn, sizeof(pn));
}

/*
 * The helper thread: the part's bytes so far go to the ready list; last:
 * they are the end of it. Returns a chunk already written, if any.
 */
static struct chunk *part_push(struct split *sp, bool last)
{
	struct chunk *c = xmalloc(sizeof(*c)), *spare = NULL;

	c->next = NULL;
	c->bytes = sp->part.st;
	c->names = sp->names;
	sp->part.flushed += c->bytes.len;
	pthread_mutex_lock(&sp->lock);
	*sp->ready_end = c;
	sp->ready_end = &c->next;
	if (!last && sp->spare) {
		spare = sp->spare;
		sp->spare = spare->next;
	}
	sp->done = last;
	pthread_cond_signal(&sp->cond);
	pthread_mutex_unlock(&sp->lock);
	return spare;
}

static void part_hand(struct split *sp)
{
	struct chunk *spare = part_push(sp, false);

	if (spare) {
		sp->part.st = spare->bytes;
		sp->names = spare->names;
		free(spare);
	} else {
		sp->part.st = (struct buf){ chunk_mem(), 0, PART_CHUNK };
		sp->names = (struct buf){ 0 };
	}
	sp->part.st.len = 0;
	sp->names.len = 0;
}

/* pwrite() all of it; false with *err set (if not yet) on a failure. */
static bool write_at(int fd, const uint8_t *p, size_t n, off_t at, int *err)
{
	ssize_t w;

	while (n) {
		w = pwrite(fd, p, n, at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (!*err)
				*err = w < 0 && errno ? errno : EIO;
			return false;
		}
		p += w;
		n -= (size_t)w;
		at += w;
	}
	return true;
}

/*
 * The helper thread, its walk done: writes the chunks this thread has
 * rewritten meanwhile, so that this one can go on with the tail. Errors
 * are kept for this thread to report.
 */
static void part_write(struct split *sp)
{
	struct chunk *list, *c;
	bool all;

	do {
		pthread_mutex_lock(&sp->lock);
		while (!sp->fixed && !sp->fixed_all)
			pthread_cond_wait(&sp->to_helper, &sp->lock);
		list = sp->fixed;
		sp->fixed = NULL;
		sp->fixed_end = &sp->fixed;
		all = sp->fixed_all;
		pthread_mutex_unlock(&sp->lock);
		while ((c = list)) {
			list = c->next;
			if (!sp->write_errno)
				write_at(sp->fd, c->bytes.p, c->bytes.len, c->at,
					 &sp->write_errno);
			free(c->bytes.p);
			free(c->names.p);
			free(c);
		}
	} while (!all);
}

/* The helper's next child, if this thread has not taken it. */
static const struct node *part_claim(struct split *sp)
{
	const struct node *c;

	pthread_mutex_lock(&sp->lock);
	c = sp->next;
	if (c == sp->limit) {
		c = NULL;
	} else {
		sp->next = c->next_sibling;
		sp->claimed++;
	}
	pthread_mutex_unlock(&sp->lock);
	return c;
}

/*
 * The helper finds the part's first child itself (a chain of cache misses
 * on a long list) while this thread starts on the head, and takes it only
 * if this thread has not got there yet.
 */
static void part_find(struct split *sp)
{
	const struct node *c = sp->path[sp->depth - 1]->children;
	uint64_t i;

	for (i = 0; c && i < sp->mid; i++)
		c = c->next_sibling;
	pthread_mutex_lock(&sp->lock);
	if (c && sp->nhead <= sp->mid)
		sp->first = sp->next = c;
	pthread_mutex_unlock(&sp->lock);
}

static void *part_main(void *arg)
{
	struct split *sp = arg;
	const struct node *c;

	part_find(sp);
	while ((c = part_claim(sp)))
		flatten_node(&sp->part, c);
	part_push(sp, true);
	if (sp->fd >= 0)
		part_write(sp);
	return NULL;
}

/* Children looked at for a bigger one: each look is a cache miss. */
#define SPLIT_SCAN	64

/*
 * Follows the child with the most children (among the first SPLIT_SCAN:
 * one further on is missed, which makes the split less even, never wrong)
 * while it has more than its parent: the benchmark's root with its
 * thousands of buses, /chosen with thousands of domains. The part starts
 * at its middle child.
 */
static bool split_find(struct split *sp, const struct node *root)
{
	const struct node *n = root, *c, *best;
	uint64_t i;

	sp->depth = 0;
	for (;;) {
		sp->path[sp->depth++] = n;
		best = NULL;
		i = 0;
		for (c = n->children; c && i < SPLIT_SCAN; c = c->next_sibling) {
			if (c->deleted)
				continue;
			if (!best || c->nchildren > best->nchildren)
				best = c;
			i++;
		}
		if (!best || best->nchildren <= n->nchildren ||
		    sp->depth == SPLIT_MAX_DEPTH)
			break;
		n = best;
	}
	sp->mid = n->nchildren / 2;
	return sp->mid > 0;
}

static bool split_worth(const struct dt *dt)
{
	switch (thread_use()) {
	case THREADS_NEVER:
		return false;
	case THREADS_BY_SIZE:
		return dt->arena.total + dt->values.total >= SPLIT_MIN_TREE;
	default:
		return true;
	}
}

/* The helper thread is running the part; false: flatten in one walk. */
static bool split_start(const struct dt *dt, const struct flat *f,
			struct split *sp)
{
	if ((f->vi->flags & (VF_FULLPATH | VF_VARALIGN)) || dt->root->deleted ||
	    !split_worth(dt) || !split_find(sp, dt->root))
		return false;
	sp->part = (struct flat){ .vi = f->vi, .split = sp };
	sp->part.st = (struct buf){ chunk_mem(), 0, PART_CHUNK };
	sp->names = sp->seen = (struct buf){ 0 };
	sp->map = NULL;
	sp->nmap = 0;
	sp->first = sp->next = sp->limit = NULL;
	sp->nhead = sp->claimed = 0;
	sp->ready = sp->spare = sp->fixed = NULL;
	sp->ready_end = &sp->ready;
	sp->fixed_end = &sp->fixed;
	sp->done = sp->fixed_all = false;
	sp->fd = f->sink ? fileno(f->sink) : -1;
	sp->write_errno = 0;
	pthread_mutex_init(&sp->lock, NULL);
	pthread_cond_init(&sp->cond, NULL);
	pthread_cond_init(&sp->to_helper, NULL);
	if (pthread_create(&sp->thread, NULL, part_main, sp) == 0)
		return true;
	pthread_mutex_destroy(&sp->lock);
	pthread_cond_destroy(&sp->cond);
	pthread_cond_destroy(&sp->to_helper);
	free(sp->part.st.p);
	return false;
}

/* This thread takes child c of the parent, unless it is the part's. */
static bool head_takes(struct split *sp, const struct node *c)
{
	bool mine;

	pthread_mutex_lock(&sp->lock);
	mine = c != sp->first;
	if (mine)
		sp->nhead++;
	pthread_mutex_unlock(&sp->lock);
	return mine;
}

/* Everything before the part: its ancestors opened, earlier children. */
static void flatten_head(struct flat *f, struct split *sp)
{
	const struct node *n, *c;
	size_t i;

	for (i = 0; i + 1 < sp->depth; i++) {
		n = sp->path[i];
		open_node(f, n);
		for (c = n->children; c != sp->path[i + 1]; c = c->next_sibling)
			flatten_node(f, c);
	}
	open_node(f, sp->path[i]);
	for (c = sp->path[i]->children; c && head_takes(sp, c);
	     c = c->next_sibling)
		flatten_node(f, c);
}

/* The chunk's new names into the blob's table, in the part's order. */
static void chunk_names(struct flat *f, struct split *sp,
			const struct chunk *c)
{
	const struct part_name *pn = (const struct part_name *)c->names.p;
	size_t i, n = c->names.len / sizeof(*pn), need;

	for (i = 0; i < n; i++) {
		need = (size_t)pn[i].local + 1;
		if (need > sp->nmap) {
			sp->map = xrealloc(sp->map, 2 * need * sizeof(*sp->map));
			sp->nmap = 2 * need;
		}
		sp->map[pn[i].local] = strtab_insert(&f->str, pn[i].name);
	}
}

/*
 * Rewrites name offsets from p on, a node or a property at a time, until
 * past limit; returns where it stopped. The bytes are whole nodes of a
 * version 16 or 17 structure block, written here: only these three tags.
 */
static uint8_t *part_fix(const struct split *sp, uint8_t *p,
			 const uint8_t *limit)
{
	uint32_t tag;

	while (p < limit) {
		tag = be32_load(p);
		p += 4;
		if (tag == FDT_BEGIN_NODE) {
			p += (strlen((const char *)p) + 4) & ~(size_t)3;
		} else if (tag == FDT_PROP) {
			be32_store(p + 4, sp->map[be32_load(p + 4)]);
			p += 8 + ((be32_load(p) + (size_t)3) & ~(size_t)3);
		}
	}
	return p;
}

/* A piece is rewritten, then written while still in the cache. */
#define PART_PIECE	(128u << 10)

/* Rewrites and writes a chunk here: while the helper is still walking. */
static void put_chunk(struct flat *f, struct split *sp, struct chunk *c)
{
	uint8_t *p = c->bytes.p, *end = p + c->bytes.len, *done = p;

	while (p < end) {
		p = part_fix(sp, p, end - p > PART_PIECE ? p + PART_PIECE : end);
		if (!f->sink)
			buf_put(&f->st, done, (size_t)(p - done));
		else if (!f->sink_failed &&
			 !write_at(sp->fd, done, (size_t)(p - done),
				   c->at + (done - c->bytes.p), &f->sink_errno))
			f->sink_failed = true;
		done = p;
	}
}

/* Rewrites a chunk for the helper to write, its walk being done. */
static void pass_chunk(struct split *sp, struct chunk *c)
{
	part_fix(sp, c->bytes.p, c->bytes.p + c->bytes.len);
	c->next = NULL;
	pthread_mutex_lock(&sp->lock);
	*sp->fixed_end = c;
	sp->fixed_end = &c->next;
	pthread_cond_signal(&sp->to_helper);
	pthread_mutex_unlock(&sp->lock);
}

/* Takes what the helper has handed over, waiting for some; *done: all. */
static struct chunk *take_ready(struct split *sp, bool *done)
{
	struct chunk *list;

	pthread_mutex_lock(&sp->lock);
	while (!sp->ready && !sp->done)
		pthread_cond_wait(&sp->cond, &sp->lock);
	list = sp->ready;
	sp->ready = NULL;
	sp->ready_end = &sp->ready;
	*done = sp->done;
	pthread_mutex_unlock(&sp->lock);
	return list;
}

static void give_spare(struct split *sp, struct chunk *c)
{
	pthread_mutex_lock(&sp->lock);
	c->next = sp->spare;
	sp->spare = c;
	pthread_mutex_unlock(&sp->lock);
}

/*
 * The part's chunks in order, as the helper hands them over: written here
 * while it walks, passed back to it once it is done. Streaming, they go to
 * their place in the file (pwrite), and the tail after them.
 */
static void put_part(struct flat *f, struct split *sp)
{
	struct chunk *list, *c;
	off_t at = 0;
	bool done;

	if (f->sink) {
		flat_flush(f);
		if (!f->sink_failed && fflush(f->sink) != 0) {
			f->sink_failed = true;
			f->sink_errno = errno ? errno : EIO;
		}
		at = (off_t)f->flushed;
	}
	do {
		list = take_ready(sp, &done);
		while ((c = list)) {
			list = c->next;
			chunk_names(f, sp, c);
			c->at = at;
			at += (off_t)c->bytes.len;
			if (done && sp->fd >= 0) {
				pass_chunk(sp, c);
			} else {
				put_chunk(f, sp, c);
				give_spare(sp, c);
			}
		}
	} while (!done);
	if (sp->fd < 0)
		return;
	pthread_mutex_lock(&sp->lock);
	sp->fixed_all = true;
	pthread_cond_signal(&sp->to_helper);
	pthread_mutex_unlock(&sp->lock);
	f->flushed = (size_t)at;
	if (!f->sink_failed && fseeko(f->sink, at, SEEK_SET) != 0) {
		f->sink_failed = true;
		f->sink_errno = errno ? errno : EIO;
	}
}

/* The end tags of the part's ancestors, with their later siblings. */
static void flatten_tail(struct flat *f, const struct split *sp)
{
	const struct node *c;
	size_t i;

	for (i = sp->depth; i-- > 0;) {
		close_node(f);
		if (!i)
			break;
		for (c = sp->path[i]->next_sibling; c; c = c->next_sibling)
			flatten_node(f, c);
	}
}

static void split_free(struct split *sp)
{
	struct chunk *c;

	while ((c = sp->spare)) {
		sp->spare = c->next;
		free(c->bytes.p);
		free(c->names.p);
		free(c);
	}
	strtab_free(&sp->part.str);
	free(sp->seen.p);
	free(sp->map);
	pthread_mutex_destroy(&sp->lock);
	pthread_cond_destroy(&sp->cond);
	pthread_cond_destroy(&sp->to_helper);
}

/*
 * The head is done: this thread takes the last of the part's children the
 * helper has not reached, as many as the two would walk in the same time
 * at the pace each had so far: about none when both had a core, most of
 * them when the helper had to share one.
 */
static void split_rebalance(struct split *sp)
{
	uint64_t npart, left, keep, i;
	const struct node *c;

	pthread_mutex_lock(&sp->lock);
	npart = sp->first ? sp->path[sp->depth - 1]->nchildren - sp->mid : 0;
	left = npart > sp->claimed ? npart - sp->claimed : 0;
	keep = left - left * sp->nhead / (sp->nhead + sp->claimed);
	for (c = sp->next, i = 0; c && i < keep; i++)
		c = c->next_sibling;
	sp->limit = c;
	pthread_mutex_unlock(&sp->lock);
}

static void flatten_split(struct flat *f, struct split *sp)
{
	const struct node *c;

	flatten_head(f, sp);
	split_rebalance(sp);
	put_part(f, sp);
	/* while the helper may still be writing the part */
	for (c = sp->limit; c; c = c->next_sibling)
		flatten_node(f, c);
	flatten_tail(f, sp);
	pthread_join(sp->thread, NULL);
	if (sp->write_errno && !f->sink_failed) {
		f->sink_failed = true;
		f->sink_errno = sp->write_errno;
	}
	split_free(sp);
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
		flat_flush(f);
		if (!f->sink_failed &&
		    (fseek(f->sink, 0, SEEK_SET) != 0 ||
		     fwrite(hdr.p, 1, hdr.len, f->sink) != hdr.len ||
		     fflush(f->sink) != 0)) {
			f->sink_failed = true;
			f->sink_errno = errno ? errno : EIO;
		}
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
	struct split sp;
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
	if (dt->root && split_start(dt, f, &sp))
		flatten_split(f, &sp);
	else if (dt->root)
		flatten_node(f, dt->root);
	buf_cell(&f->st, FDT_END);
	ok = assemble(dt, opt, f->vi, f, prefix);
	strtab_free(&f->str);
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
	/* for the caller's message: what ran since may have changed errno */
	if (f.sink_failed)
		errno = f.sink_errno;
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
