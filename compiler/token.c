// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The parser's side of the lexer: a token's text to its value. Names are
 * interned, literals, arrays, byte strings and escapes converted, and what
 * is wrong with a token reported, in token order, whichever thread the
 * lexer itself runs on (lexqueue.c).
 */
#include "checks.h"
#include "parse.h"
#include "dts.tab.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
/*
 * Names, labels and references repeat ("compatible", "reg", "status" in
 * every node): a small direct-mapped cache of recent ones stores each of
 * those once. Unique names (most node names) just miss it; a table of
 * every name would cost a cache miss per lookup for no saving.
 */
static uint32_t name_hash(const char *s, size_t len)
{
	uint64_t h = len, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	}
	for (w = 0; len; len--)
		w = w << 8 | (uint8_t)s[len - 1];
	h ^= w;
	/* murmur3's finaliser: every input bit reaches the low bits */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (uint32_t)h;
}

const char *intern(struct parse_ctx *ctx, const char *s, size_t len)
{
	uint32_t h = name_hash(s, len);
	struct name_slot *slot;

	if (!ctx->names)
		ctx->names = calloc(NAME_CACHE_SLOTS, sizeof(*ctx->names));
	if (!ctx->names)
		return arena_strndup(&ctx->dt->arena, s, len);
	slot = &ctx->names[h % NAME_CACHE_SLOTS];
	if (slot->s && slot->hash == h && slot->len == len &&
	    memcmp(slot->s, s, len) == 0)
		return slot->s;
	slot->s = arena_strndup(&ctx->dt->arena, s, len);
	slot->len = (uint32_t)len;
	slot->hash = h;
	return slot->s;
}

void lex_error(struct parse_ctx *ctx, const struct srcpos *loc,
	       const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_at(DIAG_ERROR, loc, NULL, "%s", msg);
	ctx->lexical_error_pending = true;
}

/*
 * dtc takes a raw NUL byte inside a string, a character literal or a
 * comment as an ordinary character (nul_in_source reports it; one outside
 * every token is a lexical error of its own). Returns true if the token
 * must end the parse: the input was cut at this NUL (cut_at_nul()).
 */
bool lex_nul(struct parse_ctx *ctx, const struct lex_token *t)
{
	const char *nul = memchr(t->text, '\0', t->len);
	struct srcpos pos = t->loc;
	enum diag_level level;

	if (!nul)
		return false;
	pos.off = t->loc.off + (uint32_t)(nul - t->text);
	pos.end = pos.off + 1;
	if (checks_level("nul_in_source", &level))
		diag_at(level, &pos, "nul_in_source", "NUL byte in source text");
	if (!t->in->nul_cut)
		return false;
	ctx->lexical_error_pending = true;
	return true;
}

/* ---- integer literals and whole arrays ------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * strtoull(s, &end, 0) on text the lexer has already shaped as a literal
 * (digits, optional 0x, optional U/L suffix), with dtc's two complaints.
 */
uint64_t lex_literal(struct parse_ctx *ctx, const char *s, size_t len,
		     const struct srcpos *loc)
{
	unsigned int base = 10;
	uint64_t v = 0;
	bool overflow = false;
	size_t i = 0;
	int d;

	if (len > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (s[0] == '0') {
		base = 8;
	}
	for (; i < len && (d = hexval(s[i])) >= 0 && d < (int)base; i++) {
		if (v > (UINT64_MAX - (unsigned int)d) / base)
			overflow = true;
		v = v * base + (unsigned int)d;
	}
	if (strspn(s + i, "UL") < len - i) {
		lex_error(ctx, loc, "bad integer literal '%.*s'", (int)len, s);
		return overflow ? UINT64_MAX : v;
	}
	if (overflow) {
		lex_error(ctx, loc, "integer literal '%.*s' out of range "
			  "(more than 64 bits)", (int)len, s);
		return UINT64_MAX;
	}
	return v;
}

/*
 * The lexer hands a whole `<&clk 1 0x2>` of literals and references as one
 * token, which saves the parser a token and a reduction per cell; the
 * value and every diagnostic are what the cell-by-cell path gives.
 */
void lex_cells(struct parse_ctx *ctx, const char *text, size_t len,
	       const struct srcpos *loc, struct data *d)
{
	struct srcpos at = { loc->src, loc->off, loc->off + 1 };
	size_t i = 1, start;

	*d = (struct data){ 0 };
	data_add_marker(ctx->dt, d, MARK_TYPE_U32, NULL, &at);
	/* a cell takes two characters at least (one and a blank or '>') */
	if (!data_reserve(ctx->dt, d, 4 * (len / 2)))
		return;
	for (;;) {
		uint64_t v;

		while (i < len && lex_is_space(text[i]))
			i++;
		if (i >= len || text[i] == '>')
			break;
		start = i;
		while (i < len && !lex_is_space(text[i]) && text[i] != '>')
			i++;
		at.off = loc->off + (uint32_t)start;
		at.end = loc->off + (uint32_t)i;
		if (text[start] == '&') {
			bool path = text[start + 1] == '{';
			const char *ref = intern(ctx, text + start + 1 + path,
						 i - start - 1 - 2 * path);

			data_add_marker(ctx->dt, d, MARK_REF_PHANDLE, ref, &at);
			v = 0xffffffffu;
		} else {
			v = lex_literal(ctx, text + start, i - start, &at);
			if (v > 0xffffffffULL && (v | 0xffffffffULL) != ~0ULL)
				diag_at(DIAG_ERROR, &at, NULL, "value 0x%llx "
					"out of range for /bits/ 32 elements",
					(unsigned long long)v);
		}
		cell_store(d->val + d->len, (cell_t)v);
		d->len += 4;
	}
	data_seal(ctx->dt, d);
}

/* Same for a `[00 ff]` byte string. */
void lex_bytes(struct parse_ctx *ctx, const char *text, size_t len,
	       struct data *d)
{
	size_t i;

	*d = (struct data){ 0 };
	data_add_marker(ctx->dt, d, MARK_TYPE_U8, NULL, NULL);
	for (i = 1; i + 1 < len; i++) {
		if (lex_is_space(text[i]))
			continue;
		data_append_byte(ctx->dt, d,
				 (uint8_t)(hexval(text[i]) * 16 +
					   hexval(text[i + 1])));
		i++;
	}
	data_seal(ctx->dt, d);
}

/* ---- escapes ---------------------------------------------------------- */

static char escape_char(struct parse_ctx *ctx, const char *s, size_t len,
			size_t *i, const struct srcpos *loc)
{
	char c = s[*i];
	unsigned int v = 0;
	size_t n;

	(*i)++;
	switch (c) {
	case 'a': return '\a';
	case 'b': return '\b';
	case 't': return '\t';
	case 'n': return '\n';
	case 'v': return '\v';
	case 'f': return '\f';
	case 'r': return '\r';
	case 'x':
		for (n = 0; n < 2 && *i < len && hexval(s[*i]) >= 0; n++)
			v = v * 16 + (unsigned int)hexval(s[(*i)++]);
		if (!n)
			lex_error(ctx, loc, "\\x used with no following "
				  "hex digits");
		return (char)v;
	default:
		if (c < '0' || c > '7')
			return c;
		v = (unsigned int)(c - '0');
		for (n = 1; n < 3 && *i < len && s[*i] >= '0' && s[*i] <= '7';
		     n++)
			v = v * 8 + (unsigned int)(s[(*i)++] - '0');
		return (char)v;
	}
}

void dts_unescape(struct parse_ctx *ctx, const char *s, size_t len,
		  struct data *out, const struct srcpos *loc)
{
	struct dt *dt = ctx->dt;
	size_t i = 0, start;

	data_add_marker(dt, out, MARK_TYPE_STRING, NULL, loc);
	if (!memchr(s, '\\', len)) {
		/* no escapes: the usual string, copied in one go */
		if (data_reserve(dt, out, len + 1)) {
			memcpy(out->val + out->len, s, len);
			out->val[out->len + len] = '\0';
			out->len += (uint32_t)len + 1;
		}
		data_seal(dt, out);
		return;
	}
	while (i < len) {
		start = i;
		while (i < len && s[i] != '\\')
			i++;
		data_append(dt, out, s + start, i - start);
		if (i < len) {
			char c;

			i++;
			if (i >= len) {
				data_append_byte(dt, out, '\\');
				break;
			}
			c = escape_char(ctx, s, len, &i, loc);
			data_append_byte(dt, out, (uint8_t)c);
		}
	}
	data_append_byte(dt, out, 0);
	data_seal(dt, out);
}


/* ---- tokens ------------------------------------------------------------ */

size_t lex_prop_name_len(const char *text)
{
	size_t n = text[0] == '\\';

	while (lex_is_namechar(text[n]))
		n++;
	return n;
}

/* The end of the value starting at s[i] (a string, <...>, [...] or a
 * reference), which the lexer has matched whole. */
static size_t value_end(const char *s, size_t i)
{
	char close = s[i] == '"' ? '"' : s[i] == '<' ? '>' :
		     s[i] == '[' ? ']' : s[i + 1] == '{' ? '}' : 0;

	if (!close) {			/* &label */
		for (i++; s[i] == '_' || (s[i] >= '0' && s[i] <= '9') ||
			  (s[i] >= 'a' && s[i] <= 'z') ||
			  (s[i] >= 'A' && s[i] <= 'Z'); i++)
			;
		return i;
	}
	for (i++; s[i] != close; i++)
		if (close == '"' && s[i] == '\\')
			i++;
	return i + 1;
}

/*
 * A whole property: what the grammar's rules for its name, '=', values and
 * ';' do, in the same order (so the same value, markers and diagnostics).
 */
struct property *lex_prop(struct parse_ctx *ctx, const struct lex_token *t)
{
	const char *s = t->text;
	size_t name_len = lex_prop_name_len(s), i = name_len, end;
	struct srcpos name_pos = { t->loc.src, t->loc.off,
				   t->loc.off + (uint32_t)name_len };
	struct data d = { 0 }, piece;
	struct srcpos at = { t->loc.src, 0, 0 };
	const char *name = s[0] == '\\' ? intern(ctx, s + 1, name_len - 1) :
					   intern(ctx, s, name_len);

	while (lex_is_space(s[i]))
		i++;
	while (s[i] != ';') {
		/* '=' or ',' then blanks */
		for (i++; lex_is_space(s[i]); i++)
			;
		end = value_end(s, i);
		at.off = t->loc.off + (uint32_t)i;
		at.end = t->loc.off + (uint32_t)end;
		piece = (struct data){ 0 };
		switch (s[i]) {
		case '"':
			dts_unescape(ctx, s + i + 1, end - i - 2, &piece, &at);
			data_merge(ctx->dt, &d, &piece);
			break;
		case '<':
			lex_cells(ctx, s + i, end - i, &at, &piece);
			data_merge(ctx->dt, &d, &piece);
			break;
		case '[':
			lex_bytes(ctx, s + i, end - i, &piece);
			data_merge(ctx->dt, &d, &piece);
			break;
		default: {
			bool path = s[i + 1] == '{';
			const char *ref = intern(ctx, s + i + 1 + path,
						 end - i - 1 - 2 * path);

			data_add_marker(ctx->dt, &d, MARK_TYPE_STRING, ref, &at);
			data_add_marker(ctx->dt, &d, MARK_REF_PATH, ref, &at);
		}
		}
		for (i = end; lex_is_space(s[i]); i++)
			;
	}
	return prop_new(ctx->dt, name, d, &name_pos);
}

/* 'c': its one character's value, 0 after an error. */
static uint64_t lex_char(struct parse_ctx *ctx, const char *s, size_t len,
			 const struct srcpos *loc)
{
	struct data d = { 0 };

	dts_unescape(ctx, s + 1, len - 2, &d, loc);
	if (d.len <= 1)
		lex_error(ctx, loc, "empty character literal");
	else if (d.len > 2)
		lex_error(ctx, loc, "character literal has %u characters "
			  "instead of 1", d.len - 1);
	else
		return d.val[0];
	return 0;
}

bool lex_include_now(struct parse_ctx *ctx, const struct lex_token *t)
{
	return !lex_nul(ctx, t) && lex_push_include(ctx, t);
}

int lex_cook(struct parse_ctx *ctx, struct lex_token *t, union YYSTYPE *lval)
{
	const char *s = t->text;
	uint32_t len = t->len;

	ctx->lexical_error_pending = false;
	if (t->kind == LK_EOF)
		return t->type;
	ctx->tok_text = s;
	ctx->tok_len = len;
	switch ((enum lex_kind)t->kind) {
	case LK_PLAIN:
	case LK_EOF:
	case LK_INPUT:
		break;
	case LK_REPORTED:
		ctx->lexical_error_pending = true;
		break;
	case LK_PROP:
		lval->props.first = lval->props.last = lex_prop(ctx, t);
		break;
	case LK_PROP_READY:
		lval->props.first = lval->props.last = t->prop;
		break;
	case LK_NODE_BEGIN:
		len = (uint32_t)lex_prop_name_len(s);
		if (s[0] == '\\')
			s++, len--;
		lval->str = intern(ctx, s, len);
		break;
	case LK_NAME:
		if (s[0] == '\\')
			s++, len--;
		lval->str = intern(ctx, s, len);
		break;
	case LK_LABEL:
		lval->str = intern(ctx, s, len - 1);
		break;
	case LK_LABEL_REF:
		lval->str = intern(ctx, s + 1, len - 1);
		break;
	case LK_PATH_REF:
		lval->str = intern(ctx, s + 2, len - 3);
		break;
	case LK_LITERAL:
		lval->integer = lex_literal(ctx, s, len, &t->loc);
		break;
	case LK_CHAR:
		if (lex_nul(ctx, t))
			return DT_BADTOKEN;
		lval->integer = lex_char(ctx, s, len, &t->loc);
		break;
	case LK_STRING:
		if (lex_nul(ctx, t))
			return DT_BADTOKEN;
		lval->data = (struct data){ 0 };
		dts_unescape(ctx, s + 1, len - 2, &lval->data, &t->loc);
		break;
	case LK_CELLS:
		lex_cells(ctx, s, len, &t->loc, &lval->data);
		break;
	case LK_BYTES:
		lex_bytes(ctx, s, len, &lval->data);
		break;
	case LK_BYTE:
		lval->byte = (uint8_t)(hexval(s[0]) * 16 + hexval(s[1]));
		break;
	case LK_LINE_MARKER:
		lex_line_marker(ctx, t);
		break;
	case LK_NUL_SKIP:
		return lex_nul(ctx, t) ? DT_BADTOKEN : LEX_NONE;
	case LK_UNTERM_COMMENT:
		lex_error(ctx, &t->loc, "unterminated comment");
		break;
	case LK_UNTERM_STRING:
		if (!lex_nul(ctx, t))
			lex_error(ctx, &t->loc, "unterminated string");
		break;
	case LK_NUL_BYTE:
		lex_error(ctx, &t->loc, "NUL byte in source text");
		break;
	case LK_STRAY:
		lex_error(ctx, &t->loc, "stray byte 0x%02x in source text",
			  (unsigned char)s[0]);
		break;
	}
	return t->type;
}
