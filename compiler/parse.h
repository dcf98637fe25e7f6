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

/* What lex_cook() does with a token's text. */
enum lex_kind {
	LK_PLAIN,		/* nothing: punctuation, keywords */
	LK_REPORTED,		/* an error the lexer's side reported */
	LK_NAME,		/* property or node name */
	LK_PROP,		/* a whole property (see dts.l) */
	LK_PROP_READY,		/* one the lexer's thread has built */
	LK_NODE_BEGIN,		/* "name {" */
	LK_LABEL,		/* "name:" */
	LK_LABEL_REF,		/* "&name" */
	LK_PATH_REF,		/* "&{/path}" */
	LK_LITERAL,
	LK_CHAR,		/* 'c' */
	LK_STRING,
	LK_CELLS,		/* a whole <...> (see dts.l) */
	LK_BYTES,		/* a whole [...] */
	LK_BYTE,		/* two hex digits inside [ ] */
	LK_LINE_MARKER,		/* cpp's # 12 "file": no token */
	LK_NUL_SKIP,		/* a comment holding a NUL byte: no token */
	LK_UNTERM_COMMENT,
	LK_UNTERM_STRING,
	LK_NUL_BYTE,		/* a NUL byte outside any token */
	LK_STRAY,		/* a byte no token starts with */
	LK_EOF,
	LK_INPUT,		/* no token: the next ones come from `in` */
};

/* Token type of a lex_token that is no token (only its kind matters). */
#define LEX_NONE	(-1)

/*
 * A token as the lexer found it, nothing made yet: a byte range in the
 * current input. Small, as it crosses from the lexer's core to the
 * parser's; struct lex_token is the parser's fuller view of it.
 */
struct raw_token {
	uint32_t off, len;
	union {
		struct dts_input *in;	/* LK_INPUT */
		struct property *prop;	/* LK_PROP_READY */
	};
	int16_t type;		/* for the parser, or LEX_NONE */
	uint8_t kind;		/* enum lex_kind */
};

struct lex_token {
	const char *text;	/* into in->buf: valid until released */
	struct dts_input *in;	/* the file it came from */
	struct property *prop;	/* LK_PROP_READY */
	struct srcpos loc;
	uint32_t len;		/* text length (blanks after it excluded) */
	int type;		/* for the parser, or LEX_NONE */
	uint8_t kind;		/* enum lex_kind */
};

struct lex_queue;

struct parse_ctx {
	struct dt *dt;
	void *scanner;		/* yyscan_t */
	const struct dts_options *opt;
	struct lex_queue *queue;	/* lexer on its own thread, or NULL */

	/* The lexer's (on its thread while it runs) */
	struct dts_input *input;	/* the file being scanned */
	int include_depth;
	int comment_return;		/* start condition around a comment */
	unsigned int paren_depth;	/* inside an integer expression */
	bool bits_pending;		/* /bits/ seen: its array goes cell by cell */
	struct raw_token comment_start;

	/* The parser's, away from the lexer's cache line */
	_Alignas(64) struct raw_token raw;	/* the lexer's, without a thread */
	struct dts_input *tok_input;	/* the file of the last token cooked */
	int nesting;
	bool nesting_reported;
	bool lexical_error_pending;	/* don't add "syntax error" to it */
	struct dts_input *all_inputs;	/* everything read, freed at end */
	const char *tok_text;		/* the last token, for syntax errors */
	size_t tok_len;
	struct name_slot *names;	/* intern()'s cache */
};

struct srcpos;

/*
 * The text before offset `off` of a file being lexed is not read again
 * (tokens hold copies of names and values): every few MiB its memory goes
 * to the tree's arena, so a big input is never held twice, as text and as
 * tree, and the tree needs that many fewer fresh pages.
 */
void lex_release(struct parse_ctx *ctx, struct dts_input *in, uint32_t off);
void lex_input_from_file(struct dts_input *in);

/* Called by the lexer for every match: a byte range, nothing counted. */
static inline void lex_mark(struct parse_ctx *ctx, struct raw_token *t,
			    const char *text, size_t len)
{
	t->off = (uint32_t)(text - ctx->input->buf);
	t->len = (uint32_t)len;
	t->kind = LK_PLAIN;
}

/* [[:space:]] in dts.l */
static inline bool lex_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* A token matched with the blanks after it: the token is the text before
 * them, for its position, its value and syntax errors. */
static inline void lex_trim_blanks(struct raw_token *t, const char *text)
{
	uint32_t len = t->len;

	while (len > 1 && lex_is_space(text[len - 1]))
		len--;
	t->len = len;
}

/* PROPNODECHAR in dts.l */
static inline bool lex_is_namechar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == ',' || c == '.' || c == '_' ||
	       c == '+' || c == '*' || c == '#' || c == '?' || c == '@' ||
	       c == '-';
}

/* The next token from the lexer (dts.l): its type, or 0 at the end. */
int lex_raw(struct raw_token *yytok, void *yyscanner);
#define YY_DECL int lex_raw(struct raw_token *yytok, void *yyscanner)
/*
 * Makes the token's value in *lval (the parser's side of the lexer):
 * names interned, literals and arrays converted, lexical errors reported.
 * Returns the token type for the parser, or LEX_NONE for none.
 */
union YYSTYPE;
int lex_cook(struct parse_ctx *ctx, struct lex_token *t, union YYSTYPE *lval);
/* A whole property token's property (no position checks needed). */
struct property *lex_prop(struct parse_ctx *ctx, const struct lex_token *t);
/* The length of a whole property token's name, '\\' included. */
size_t lex_prop_name_len(const char *text);
/*
 * /include/ from the lexer: lex_push_include() on the parser's side (in
 * step with it when the lexer has a thread of its own). False: no file.
 */
bool lex_include(struct parse_ctx *ctx, const struct raw_token *t);
bool lex_include_now(struct parse_ctx *ctx, const struct lex_token *t);

/*
 * The lexer on a thread of its own for a big input (lexqueue.c): from
 * lexq_start() on, yylex() takes its tokens from a queue; lexq_stop()
 * ends the thread, wherever it is. Both do nothing for a small input.
 */
void lexq_start(struct parse_ctx *ctx);
void lexq_stop(struct parse_ctx *ctx);

void lex_line_marker(struct parse_ctx *ctx, const struct lex_token *t);
/* Returns false (after reporting) if the file cannot be opened. */
bool lex_push_include(struct parse_ctx *ctx, const struct lex_token *t);
/* Returns false when the outermost file is finished. */
bool lex_pop_input(struct parse_ctx *ctx);
/* Frees every buffer still stacked (after a parse that stopped inside an
 * /include/): flex's yylex_destroy frees only the top one. */
void lex_free_buffers(void *scanner);
/* src_set_fixup()'s callback while scanner scans (see srcpos.h). */
void lex_hold_fixup(bool restore, void *scanner);
/* Reports a NUL byte inside a token; true if the parse must stop. */
bool lex_nul(struct parse_ctx *ctx, const struct lex_token *t);
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
