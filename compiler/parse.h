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
	const char *name;	/* reported name; cpp line markers change it */
	const char *dir;	/* directory of the real file, for includes */
	uint32_t line, col;	/* position of the next character */
	bool nul_cut;		/* read only up to its first NUL byte */
	void *flex_buffer;	/* YY_BUFFER_STATE */
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
	struct srcpos comment_start;
};

struct srcpos;

/* Called by the lexer. */
void lex_update_pos(struct parse_ctx *ctx, struct srcpos *loc,
		    const char *text, size_t len);
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

const char *intern(struct parse_ctx *ctx, const char *s, size_t len);

#endif
