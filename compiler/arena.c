// SPDX-License-Identifier: GPL-2.0-or-later
#include "arena.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define ARENA_BLOCK_MIN (64 * 1024)
#define ARENA_ALIGN 8
#define LENT ((size_t)-1)

struct arena_block {
	struct arena_block *next;
	size_t size, used;
	size_t mapped;		/* 0: malloc'd; LENT: donated; else mmap'd length */
	size_t touched;		/* huge pages timed so far (see touch_ahead) */
	char data[];
};

/*
 * Big blocks are mapped on their own, 2 MiB aligned, and offered to the
 * kernel for transparent huge pages: a tree of a million properties then
 * takes a few hundred page faults instead of tens of thousands.
 *
 * On a virtual machine that is a gamble. A huge page the guest has just
 * freed costs about 0.25 ms to fault in; one the host has reclaimed (free
 * page reporting, ballooning) costs about 7 ms, where the 512 small pages
 * of the same size cost 1 to 1.6 ms. So each huge page of a block is first
 * touched by touch_ahead(), timed, and the first slow one ends huge pages
 * for the rest of the run.
 */
#define HUGE_PAGE	(2u * 1024 * 1024)
#define SLOW_HUGE_PAGE_NS	2000000

static atomic_bool huge_pages_slow;

/* The thread's own time: a fault counts, being preempted does not. */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Faults in the huge page at p (untouched, so zero) and times it. */
static void time_huge_page(char *p)
{
	uint64_t start = now_ns();

	*(volatile char *)p = 0;
	if (now_ns() - start > SLOW_HUGE_PAGE_NS)
		atomic_store_explicit(&huge_pages_slow, true,
				      memory_order_relaxed);
}

/* b's allocations now reach end bytes into its mapping. */
static void touch_ahead(struct arena_block *b, size_t end)
{
	char *base = (char *)b;

	while (b->touched < end) {
		if (atomic_load_explicit(&huge_pages_slow,
					 memory_order_relaxed)) {
			madvise(base + b->touched, b->mapped - b->touched,
				MADV_NOHUGEPAGE);
			b->touched = b->mapped;
			return;
		}
		time_huge_page(base + b->touched);
		b->touched += HUGE_PAGE;
	}
}

static void cover(struct arena_block *b)
{
	size_t end = offsetof(struct arena_block, data) + b->used;

	if (end > b->touched)
		touch_ahead(b, end);
}

static struct arena_block *block_new(size_t bsize, size_t need)
{
	struct arena_block *b;
	size_t want = sizeof(*b) + bsize, len;
	char *p, *start;

	/* 16 MiB blocks map exactly 16 MiB, header included */
	if (bsize >= HUGE_PAGE && bsize % HUGE_PAGE == 0 &&
	    bsize - sizeof(*b) >= need)
		want = bsize;
	if (bsize < HUGE_PAGE) {
		b = malloc(want);
		if (b) {
			b->mapped = 0;
			b->touched = SIZE_MAX;
		}
		return b;
	}
	len = (want + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	p = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	start = (char *)(((uintptr_t)p + HUGE_PAGE - 1) &
			 ~(uintptr_t)(HUGE_PAGE - 1));
	if (start > p)
		munmap(p, (size_t)(start - p));
	if (start + len < p + len + HUGE_PAGE)
		munmap(start + len, (size_t)(p + len + HUGE_PAGE - (start + len)));
	if (atomic_load_explicit(&huge_pages_slow, memory_order_relaxed)) {
		madvise(start, len, MADV_NOHUGEPAGE);
		b = (struct arena_block *)start;
		b->touched = SIZE_MAX;
	} else {
		madvise(start, len, MADV_HUGEPAGE);
		time_huge_page(start);
		b = (struct arena_block *)start;
		b->touched = HUGE_PAGE;
	}
	b->mapped = len;
	return b;
}

static void block_free(struct arena_block *b)
{
	if (b->mapped == LENT)
		return;
	if (b->mapped)
		munmap(b, b->mapped);
	else
		free(b);
}

static void out_of_memory(size_t size)
{
	fprintf(stderr, "domc: out of memory (allocating %zu bytes)\n", size);
	exit(3);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		out_of_memory(size);
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		out_of_memory(size);
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

void arena_init(struct arena *a)
{
	memset(a, 0, sizeof(*a));
}

void arena_init_packed(struct arena *a)
{
	memset(a, 0, sizeof(*a));
	a->align = 1;
}

void arena_free(struct arena *a)
{
	struct arena_block *b = a->head, *next;
	size_t i;

	for (; b; b = next) {
		next = b->next;
		block_free(b);
	}
	for (i = 0; i < a->nadopted; i++)
		free(a->adopted[i]);
	free(a->adopted);
	memset(a, 0, sizeof(*a));
}

void arena_absorb(struct arena *dst, struct arena *src)
{
	struct arena_block **tail = &dst->head;
	size_t i;

	/* after dst's blocks: dst's current block stays current */
	while (*tail)
		tail = &(*tail)->next;
	*tail = src->head;
	while (*tail)
		tail = &(*tail)->next;
	*tail = src->lent;
	for (i = 0; i < src->nadopted; i++)
		arena_adopt(dst, src->adopted[i]);
	free(src->adopted);
	dst->total += src->total;
	memset(src, 0, sizeof(*src));
}

void arena_adopt(struct arena *a, void *buf)
{
	a->adopted = xrealloc(a->adopted,
			      (a->nadopted + 1) * sizeof(*a->adopted));
	a->adopted[a->nadopted++] = buf;
}

void arena_donate(struct arena *a, void *p, size_t len)
{
	struct arena_block *b = p;

	/* p is page aligned; a scrap too small to hold much is not worth it */
	if (len < sizeof(*b) + ARENA_BLOCK_MIN)
		return;
	b->size = len - sizeof(*b);
	b->used = 0;
	b->mapped = LENT;
	b->touched = SIZE_MAX;
	b->next = a->lent;
	a->lent = b;
}

static size_t align_up_to(size_t n, size_t align)
{
	return (n + align - 1) & ~(align - 1);
}

static size_t align_up(const struct arena *a, size_t n)
{
	return align_up_to(n, a->align ? a->align : ARENA_ALIGN);
}

static void *arena_alloc_raw(struct arena *a, size_t size)
{
	struct arena_block *b = a->head;
	char *p;

	size = align_up(a, size ? size : 1);
	if ((!b || b->size - b->used < size) && a->lent &&
	    a->lent->size >= size) {
		b = a->lent;
		a->lent = b->next;
		b->next = a->head;
		a->head = b;
	}
	if (!b || b->size - b->used < size) {
		size_t bsize = ARENA_BLOCK_MIN;

		if (b && b->size < 16 * 1024 * 1024)
			bsize = b->size * 2;
		if (bsize < size)
			bsize = size;
		b = block_new(bsize, size);
		if (!b)
			out_of_memory(bsize);
		/* a mapped block's whole length is usable, up to its end */
		b->size = b->mapped ? b->mapped - sizeof(*b) : bsize;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += size;
	cover(b);
	a->total += size;
	a->last = p;
	return p;
}

void *arena_alloc_uninit(struct arena *a, size_t size)
{
	return arena_alloc_raw(a, size);
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p = arena_alloc_raw(a, size);

	memset(p, 0, size);
	return p;
}

void *arena_realloc(struct arena *a, void *ptr, size_t old_size,
		    size_t new_size)
{
	struct arena_block *b = a->head;
	void *p;

	if (!ptr)
		return arena_alloc_raw(a, new_size);
	if (new_size <= old_size)
		return ptr;
	if (ptr == a->last && b) {
		size_t start = (size_t)((char *)ptr - b->data);

		if (align_up(a, new_size) <= b->size - start) {
			size_t grow = align_up(a, new_size) - (b->used - start);

			b->used = start + align_up(a, new_size);
			cover(b);
			a->total += grow;
			return ptr;
		}
	}
	p = arena_alloc_raw(a, new_size);
	memcpy(p, ptr, old_size);
	return p;
}

void arena_trim(struct arena *a, void *ptr, size_t size)
{
	struct arena_block *b = a->head;
	size_t start, end;

	if (!b || ptr != a->last)
		return;
	start = (size_t)((char *)ptr - b->data);
	end = start + align_up(a, size ? size : 1);
	if (end < b->used) {
		a->total -= b->used - end;
		b->used = end;
	}
}

bool arena_join(struct arena *a, void *p1, size_t len1, void *p2)
{
	struct arena_block *b = a->head;

	if (!b || !p1 || p2 != a->last || (char *)p1 + len1 != (char *)p2 ||
	    (char *)p1 < b->data || (char *)p1 >= b->data + b->size)
		return false;
	a->last = p1;
	return true;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc_raw(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = arena_alloc_raw(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
