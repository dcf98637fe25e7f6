/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Source positions. The lexer stamps every token with a source and two
 * byte offsets, which costs nothing per token; lines and columns are
 * worked out only when a diagnostic or a report needs them, from a line
 * index built on first use and the cpp line markers (`# 12 "board.dts"`)
 * recorded while lexing.
 *
 * A source may also be a bare name with no text: blob input names its
 * problems "file:/node/path:property", which has no line.
 */
#ifndef DOMC_SRCPOS_H
#define DOMC_SRCPOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct src;

struct srcpos {
	const struct src *src;	/* NULL: no position */
	uint32_t off, end;	/* bytes [off, end) of the source's text */
};

/* A position made readable: 1-based; line 0 when the source has no text. */
struct srcloc {
	const char *file;	/* as reported (after line markers) */
	uint32_t line, col;
	uint32_t end_line, end_col;	/* last character, inclusive */
};

/*
 * A text being compiled. The text must stay readable until src_free_all();
 * with adopt, it is freed (with free()) there too.
 */
struct src *src_new(const char *name, const char *text, size_t len,
		    bool adopt);
/* A position that is only a name ("file:/path:prop"). */
struct src *src_name_only(const char *name);
/* From offset off on, lines after the one holding off are numbered from
 * line (the one right after it is line) and belong to file name. */
void src_remap(struct src *s, uint32_t off, const char *name, uint32_t line);

/*
 * While flex scans a text it keeps one byte replaced by a NUL; fixup(true)
 * puts it back, fixup(false) restores the NUL. Set while a scan is under
 * way, NULL otherwise.
 */
void src_set_fixup(void (*fixup)(bool restore, void *arg), void *arg);
/* Around any direct reading of source text (caret lines). */
void src_begin_read(void);
void src_end_read(void);

/*
 * The lexer is past offset upto of a text read from a file that can be
 * read again: index the lines before it and give the memory of that part
 * to arena a, for new blocks (pages already faulted in, instead of fresh
 * ones). a then owns and frees the whole text, which stays readable past
 * upto until the arena is freed. Caret lines read the file again.
 */
struct arena;
void src_lend_upto(struct src *s, size_t upto, struct arena *a);
/*
 * The text was read from a file that can be read again: index every line
 * and free the text. Positions still resolve; a caret line reads the file
 * again when one is printed.
 */
void src_drop_text(struct src *s);

/* false (loc zeroed) for a NULL or empty position */
bool srcpos_resolve(const struct srcpos *pos, struct srcloc *loc);

/* The text of a source known by its reported name, for caret lines;
 * reads the file from disk on first use. NULL if unreadable. */
const char *src_text_by_name(const char *name, size_t *len);

void src_free_all(void);

#endif
