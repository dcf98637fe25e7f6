/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal interface between the front end, the lexer and the parser. */
#ifndef DOMC_PARSE_H
#define DOMC_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "frontend.h"
#include "tree.h"

/* One file being read; a stack of them for /include/. */
struct dts_input {
	struct dts_input *prev;
	struct dts_input *next_all;
	char *buf;		/* file contents + 2 NULs (flex needs them) */
	size_t len;
	struct src *src;	/* owns buf; positions point into it */
	const char *dir;	/* directory of the real file, for includes */
	bool from_file;		/* a regular file (not stdin, not memory) */
	bool nul_cut;		/* read only up to its first NUL byte */
	uint32_t release_at;	/* lex_release() when a token starts here */
	void *flex_buffer;	/* YY_BUFFER_STATE */
};

#define NAME_CACHE_SLOTS	4096

struct name_slot {
	const char *s;	/* NULL: empty */
	uint32_t len, hash;
};

struct parse_ctx {
	struct dt *dt;
	void *scanner;		/* yyscan_t */
	const struct dts_options *opt;
	struct dts_input *input;
	int include_depth;
	int nesting;
	bool nesting_reported;
	bool lexical_error_pending;	/* don't add "syntax error" to it */
	bool fatal;			/* stop: input could not be read */
	struct dts_input *all_inputs;	/* everything read, freed at end */
	const char *tok_text;		/* the last token, for syntax errors */
	size_t tok_len;
	int comment_return;		/* start condition around a comment */
	struct name_slot *names;	/* intern()'s cache */
	unsigned int paren_depth;	/* inside an integer expression */
	bool bits_pending;		/* /bits/ seen: its array goes cell by cell */
	struct srcpos comment_start;
};

struct srcpos;

/*
 * The text before offset `off` of a file being lexed is not read again
 * (tokens hold copies of names and values): its memory goes back to the
 * system every few MiB, so a big input is never held whole.
 */
void lex_release(struct dts_input *in, uint32_t off);
void lex_input_from_file(struct dts_input *in);

/* Called by the lexer for every token: a byte range, nothing counted. */
static inline void lex_update_pos(struct parse_ctx *ctx, struct srcpos *loc,
				  const char *text, size_t len)
{
	ctx->lexical_error_pending = false;
	ctx->tok_text = text;
	ctx->tok_len = len;
	loc->src = ctx->input->src;
	loc->off = (uint32_t)(text - ctx->input->buf);
	loc->end = loc->off + (uint32_t)len;
	if (loc->off >= ctx->input->release_at)
		lex_release(ctx->input, loc->off);
}
/* A token matched with the blanks after it: the token is the text before
 * them, for its position and for syntax errors. Returns its length. */
static inline size_t lex_trim_blanks(struct parse_ctx *ctx,
				     struct srcpos *loc, const char *text,
				     size_t len)
{
	while (len > 1 && (text[len - 1] == ' ' || text[len - 1] == '\t' ||
			   text[len - 1] == '\n' || text[len - 1] == '\r' ||
			   text[len - 1] == '\v' || text[len - 1] == '\f'))
		len--;
	loc->end = loc->off + (uint32_t)len;
	ctx->tok_len = len;
	return len;
}

void lex_line_marker(struct parse_ctx *ctx, const char *text, size_t len,
		     const struct srcpos *loc);
/* Returns false (after reporting) if the file cannot be opened. */
bool lex_push_include(struct parse_ctx *ctx, const char *text, size_t len,
		      const struct srcpos *loc);
/* Returns false when the outermost file is finished. */
bool lex_pop_input(struct parse_ctx *ctx);
/* Frees every buffer still stacked (after a parse that stopped inside an
 * /include/): flex's yylex_destroy frees only the top one. */
void lex_free_buffers(void *scanner);
/* src_set_fixup()'s callback while scanner scans (see srcpos.h). */
void lex_hold_fixup(bool restore, void *scanner);
/* Reports a NUL byte inside a token; true if the parse must stop. */
bool lex_nul(struct parse_ctx *ctx, const char *text, size_t len,
	     const struct srcpos *loc);
void lex_error(struct parse_ctx *ctx, const struct srcpos *loc,
	       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Escape handling shared by strings and character literals. */
void dts_unescape(struct parse_ctx *ctx, const char *s, size_t len,
		  struct data *out, const struct srcpos *loc);

/* /incbin/: append a file (or a slice of it) to d. */
bool dts_incbin(struct parse_ctx *ctx, struct data *d, const struct data *fname,
		bool slice, uint64_t offset, uint64_t len,
		const struct srcpos *loc);

/* Integer literal text to its value, reporting what dtc reports. */
uint64_t lex_literal(struct parse_ctx *ctx, const char *s, size_t len,
		     const struct srcpos *loc);
/* A whole `<literal ...>` array / `[hex ...]` byte string token. */
void lex_cells(struct parse_ctx *ctx, const char *text, size_t len,
	       const struct srcpos *loc, struct data *d);
void lex_bytes(struct parse_ctx *ctx, const char *text, size_t len,
	       struct data *d);

const char *intern(struct parse_ctx *ctx, const char *s, size_t len);

#endif
