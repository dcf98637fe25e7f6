/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bump allocator: one owner for everything a compilation creates, freed in
 * one go, so no stage has to track the lifetime of nodes or strings.
 */
#ifndef DOMC_ARENA_H
#define DOMC_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	struct arena_block *lent;	/* donated, not used yet */
	void **adopted;			/* freed by arena_free() */
	size_t nadopted;
	char *last;		/* start of the most recent allocation */
	size_t total;		/* bytes handed out, for statistics */
	size_t align;		/* 0: 8 bytes; 1: packed (byte strings) */
};

void arena_init(struct arena *a);
/*
 * An arena for byte strings only: no alignment padding, so pieces of one
 * property value allocated one after the other are contiguous and can be
 * joined without a copy (arena_join).
 */
void arena_init_packed(struct arena *a);
void arena_free(struct arena *a);

/* Zeroed, 8-byte aligned; aborts with a message only on out-of-memory. */
void *arena_alloc(struct arena *a, size_t size);
/* Same, not zeroed: for objects whose every field is set at once. */
void *arena_alloc_uninit(struct arena *a, size_t size);
/*
 * Grow ptr (of old_size bytes, from this arena) to new_size. Extends in
 * place when ptr is the most recent allocation, which is the common case
 * while a property value is being built token by token.
 */
void *arena_realloc(struct arena *a, void *ptr, size_t old_size,
		    size_t new_size);
/* ptr is the most recent allocation: give back what lies past size. */
void arena_trim(struct arena *a, void *ptr, size_t size);
/*
 * p2 (the most recent allocation) starts right where p1 (len1 bytes) ends:
 * make them one allocation, so growing p1 extends it in place. Returns
 * false, changing nothing, when they are not laid out that way.
 */
bool arena_join(struct arena *a, void *p1, size_t len1, void *p2);
/*
 * Memory that was used for something else, already paid for in page faults
 * (a source text the lexer is past): new blocks come from it first. It
 * belongs to a buffer arena_adopt() gave the arena.
 */
void arena_donate(struct arena *a, void *p, size_t len);
/* Everything src holds becomes dst's (same alignment kind); src is empty. */
void arena_absorb(struct arena *dst, struct arena *src);
/* buf (from malloc) is freed by arena_free(), after every block. */
void arena_adopt(struct arena *a, void *buf);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* For allocations outside any arena. */
void *xmalloc(size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

#endif
