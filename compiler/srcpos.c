// SPDX-License-Identifier: GPL-2.0-or-later
#include "srcpos.h"
#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Files read only to quote a caret line stay below this size. */
#define CARET_FILE_MAX (64u * 1024 * 1024)

struct src_remap {
	uint32_t off;
	uint32_t line;
	const char *name;
};

struct src {
	struct src *next;
	char *name;
	const char *text;	/* NULL: a name only */
	size_t len;
	char *owned;
	bool lent;		/* owned by an arena now (src_lend_upto) */
	struct src_remap *remaps;
	size_t nremaps, remap_cap;
	uint32_t *starts;	/* offsets where lines start, as far as indexed */
	size_t nstarts, starts_cap;
	size_t indexed;		/* newlines before this offset are in starts */
	bool dropped;		/* text freed after a full index */
	bool partial;		/* text before `released` given back */
	size_t released;
	char **names;		/* remap names, owned */
	size_t nnames;
};

/* donated text starts and ends on a page */
#define LEND_ALIGN	4096u

static struct src *all_srcs;
static void (*text_fixup)(bool restore, void *arg);
static void *text_fixup_arg;

static struct src *src_alloc(const char *name)
{
	struct src *s = xmalloc(sizeof(*s));

	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	s->next = all_srcs;
	all_srcs = s;
	return s;
}

struct src *src_new(const char *name, const char *text, size_t len,
		    bool adopt)
{
	struct src *s = src_alloc(name);

	s->text = text;
	s->len = len;
	if (adopt)
		s->owned = (char *)text;
	return s;
}

struct src *src_name_only(const char *name)
{
	return src_alloc(name);
}

void src_remap(struct src *s, uint32_t off, const char *name, uint32_t line)
{
	struct src_remap *r;

	if (s->nremaps == s->remap_cap) {
		s->remap_cap = s->remap_cap ? s->remap_cap * 2 : 16;
		s->remaps = xrealloc(s->remaps,
				     s->remap_cap * sizeof(*s->remaps));
		s->names = xrealloc(s->names, s->remap_cap * sizeof(char *));
	}
	s->names[s->nnames++] = xstrdup(name);
	r = &s->remaps[s->nremaps++];
	r->off = off;
	r->line = line ? line : 1;
	r->name = s->names[s->nnames - 1];
}

void src_set_fixup(void (*fixup)(bool restore, void *arg), void *arg)
{
	text_fixup = fixup;
	text_fixup_arg = arg;
}

void src_begin_read(void)
{
	if (text_fixup)
		text_fixup(true, text_fixup_arg);
}

void src_end_read(void)
{
	if (text_fixup)
		text_fixup(false, text_fixup_arg);
}

static void add_start(struct src *s, uint32_t off)
{
	if (s->nstarts == s->starts_cap) {
		s->starts_cap = s->starts_cap ? s->starts_cap * 2 : 1024;
		s->starts = xrealloc(s->starts,
				     s->starts_cap * sizeof(*s->starts));
	}
	s->starts[s->nstarts++] = off;
}

/*
 * Index the newlines before off only: a position handed to us lies in text
 * the lexer has passed, and flex's stand-in NUL is never before it.
 */
static void index_to(struct src *s, size_t off)
{
	const char *p, *end, *nl;

	if (!s->nstarts)
		add_start(s, 0);
	if (s->dropped)
		return;
	if (off > s->len)
		off = s->len;
	if (off <= s->indexed)
		return;
	p = s->text + s->indexed;
	end = s->text + off;
	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		add_start(s, (uint32_t)(nl - s->text + 1));
		p = nl + 1;
	}
	s->indexed = off;
}

/* 0-based line holding offset off */
static size_t line_index(struct src *s, uint32_t off)
{
	size_t lo = 0, hi;

	index_to(s, off);
	hi = s->nstarts;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->starts[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static const struct src_remap *remap_at(const struct src *s, uint32_t off)
{
	size_t lo = 0, hi = s->nremaps;

	if (!hi || s->remaps[0].off > off)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->remaps[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return &s->remaps[lo];
}

static void line_col(struct src *s, uint32_t off, const char **file,
		     uint32_t *line, uint32_t *col)
{
	const struct src_remap *r = remap_at(s, off);
	size_t idx = line_index(s, off);

	*col = off - s->starts[idx] + 1;
	if (r) {
		*file = r->name;
		*line = (uint32_t)(r->line - 1 + idx - line_index(s, r->off));
	} else {
		*file = s->name;
		*line = (uint32_t)idx + 1;
	}
}

bool srcpos_resolve(const struct srcpos *pos, struct srcloc *loc)
{
	struct src *s;
	const char *end_file;
	uint32_t last;

	memset(loc, 0, sizeof(*loc));
	if (!pos || !pos->src)
		return false;
	s = (struct src *)pos->src;
	loc->file = s->name;
	if (!s->text && !s->dropped)
		return true;
	src_begin_read();
	line_col(s, pos->off, &loc->file, &loc->line, &loc->col);
	last = pos->end > pos->off ? pos->end - 1 : pos->off;
	line_col(s, last, &end_file, &loc->end_line, &loc->end_col);
	src_end_read();
	return true;
}

void src_lend_upto(struct src *s, size_t upto, struct arena *a)
{
	uintptr_t start, end;

	if (!s->text || upto <= s->released)
		return;
	if (s->owned) {
		arena_adopt(a, s->owned);
		s->owned = NULL;
		s->lent = true;
	}
	index_to(s, upto);
	start = ((uintptr_t)s->text + s->released + LEND_ALIGN - 1) &
		~(uintptr_t)(LEND_ALIGN - 1);
	end = ((uintptr_t)s->text + upto) & ~(uintptr_t)(LEND_ALIGN - 1);
	if (end > start)
		arena_donate(a, (void *)start, end - start);
	s->released = (size_t)(end > start ? end - (uintptr_t)s->text :
			       s->released);
	s->partial = true;
}

void src_drop_text(struct src *s)
{
	if ((!s->owned && !s->lent) || s->dropped)
		return;
	index_to(s, s->len);
	free(s->owned);
	s->owned = NULL;
	s->text = NULL;
	s->dropped = true;
}

static char *read_small_file(const char *name, size_t *len)
{
	struct stat st;
	FILE *f;
	char *buf;

	if (stat(name, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (unsigned long long)st.st_size > CARET_FILE_MAX)
		return NULL;
	f = fopen(name, "rb");
	if (!f)
		return NULL;
	buf = xmalloc((size_t)st.st_size + 1);
	if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*len = (size_t)st.st_size;
	return buf;
}

const char *src_text_by_name(const char *name, size_t *len)
{
	struct src *s;
	char *buf;

	for (s = all_srcs; s; s = s->next)
		if (s->text && !s->partial && strcmp(s->name, name) == 0) {
			*len = s->len;
			return s->text;
		}
	buf = read_small_file(name, len);
	if (!buf)
		return NULL;
	return src_new(name, buf, *len, true)->text;
}

void src_free_all(void)
{
	struct src *s = all_srcs, *next;
	size_t i;

	for (; s; s = next) {
		next = s->next;
		for (i = 0; i < s->nnames; i++)
			free(s->names[i]);
		free(s->names);
		free(s->remaps);
		free(s->starts);
		free(s->owned);
		free(s->name);
		free(s);
	}
	all_srcs = NULL;
	text_fixup = NULL;
}
