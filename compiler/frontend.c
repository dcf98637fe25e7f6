// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Front end driver: file reading, the /include/ stack, cpp line markers,
 * positions, escapes and /incbin/, around the generated lexer and parser.
 */
#include "frontend.h"
#include "checks.h"
#include "output.h"
#include "parse.h"
#include "dts.tab.h"
#include "dts.lex.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
bool lex_nul(struct parse_ctx *ctx, const char *text, size_t len,
	     const struct srcpos *loc)
{
	const char *nul = memchr(text, '\0', len);
	struct srcpos pos = *loc;
	enum diag_level level;

	if (!nul)
		return false;
	pos.off = loc->off + (uint32_t)(nul - text);
	pos.end = pos.off + 1;
	if (checks_level("nul_in_source", &level))
		diag_at(level, &pos, "nul_in_source", "NUL byte in source text");
	if (!ctx->input->nul_cut)
		return false;
	ctx->lexical_error_pending = true;
	return true;
}

/* ---- reading files ---------------------------------------------------- */

static char *dir_of(struct parse_ctx *ctx, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return NULL;
	return arena_strndup(&ctx->dt->arena, path,
			     slash == path ? 1 : (size_t)(slash - path));
}

/*
 * Reads all of f into a buffer with two NULs after it. With nul_cut, f is
 * a pipe or a device and every NUL byte an error: reading stops after the
 * first (*nul_cut then true), so that `domc /dev/zero` fails at once.
 */
static char *slurp(FILE *f, size_t *lenp, const char **why, bool *nul_cut)
{
	size_t cap = 64 * 1024, len = 0, n, want;
	char *buf = xmalloc(cap + 2);
	int err = 0;

	for (;;) {
		want = cap - len;
		if (nul_cut && want > OUTPUT_STREAM_CHUNK)
			want = OUTPUT_STREAM_CHUNK;
		n = nul_cut ? output_read_chunk(f, buf + len, want, &err) :
			      fread(buf + len, 1, want, f);
		if (n == 0)
			break;
		if (nul_cut) {
			const char *nul = memchr(buf + len, '\0', n);

			if (nul) {
				len = (size_t)(nul - buf) + 1;
				*nul_cut = true;
				break;
			}
		}
		len += n;
		if (len == cap) {
			if (cap >= (size_t)DTS_MAX_FILE_SIZE) {
				free(buf);
				*why = "file larger than 1 GiB";
				return NULL;
			}
			cap *= 2;
			buf = xrealloc(buf, cap + 2);
		}
	}
	if (err || ferror(f)) {
		*why = strerror(err ? err : errno ? errno : EIO);
		free(buf);
		return NULL;
	}
	buf[len] = buf[len + 1] = '\0';
	*lenp = len;
	return buf;
}

/*
 * The main input may be a pipe or device (`domc <(cpp ...)`); /include/ and
 * /incbin/ (regular_only) take regular files only, so that /dev/zero or a
 * FIFO named in a source fails at once instead of hanging or reading 1 GiB.
 */
static FILE *open_regular(const char *path, bool regular_only,
			  const char **why)
{
	struct stat st;
	FILE *f;

	if (stat(path, &st) != 0) {
		*why = strerror(errno);
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		*why = "is a directory";
		return NULL;
	}
	if (regular_only && !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		return NULL;
	}
	if (S_ISREG(st.st_mode) && st.st_size > DTS_MAX_FILE_SIZE) {
		*why = "file larger than 1 GiB";
		return NULL;
	}
	f = fopen(path, "rb");
	if (!f)
		*why = strerror(errno);
	return f;
}

/*
 * dtc's search order: absolute as is; else the including file's directory,
 * then each -i directory. Returns the path opened, or NULL with *why set
 * from the first attempt.
 */
static FILE *open_relative(struct parse_ctx *ctx, const char *name,
			   const char **path_out, const char **why)
{
	const struct dts_options *opt = ctx->opt;
	const char *first_why = NULL, *path;
	const char *dir = ctx->input ? ctx->input->dir : NULL;
	FILE *f;
	int i;

	if (name[0] == '/' || !dir)
		path = name;
	else
		path = arena_printf(&ctx->dt->arena, "%s/%s", dir, name);
	f = open_regular(path, true, &first_why);
	for (i = 0; !f && name[0] != '/' && opt && i < opt->n_include_dirs;
	     i++) {
		const char *ignored;

		path = arena_printf(&ctx->dt->arena, "%s/%s",
				    opt->include_dirs[i], name);
		f = open_regular(path, true, &ignored);
	}
	*why = first_why;
	*path_out = path;
	if (f && opt && opt->depfile)
		fprintf(opt->depfile, " %s", path);
	return f;
}

#define RELEASE_STEP	(4u << 20)

void lex_input_from_file(struct dts_input *in)
{
	in->from_file = true;
	in->release_at = RELEASE_STEP;
}

void lex_release(struct dts_input *in, uint32_t off)
{
	src_release_upto(in->src, off);
	in->release_at = off + RELEASE_STEP;
}

static struct dts_input *input_new(struct parse_ctx *ctx, char *buf,
				   size_t len, const char *name,
				   const char *real_path)
{
	struct dts_input *in = arena_alloc(&ctx->dt->arena, sizeof(*in));
	enum diag_level level;
	char *nul;

	/*
	 * When a NUL byte is an error, nothing after the first one matters:
	 * the text ends right after it (the lexer reports it and stops). Flex
	 * would otherwise rescan a token from its start at every NUL inside
	 * it, quadratic in a long string full of them.
	 */
	if (checks_level("nul_in_source", &level) && level == DIAG_ERROR &&
	    (nul = memchr(buf, '\0', len)) != NULL) {
		len = (size_t)(nul - buf) + 1;
		buf[len] = buf[len + 1] = '\0';
		in->nul_cut = true;
	}
	/* One copy of the text: flex scans it (see lex_hold_fixup for the
	 * byte it borrows), positions and caret lines refer to it. */
	in->buf = buf;
	in->len = len;
	in->src = src_new(name, buf, len, true);
	in->dir = real_path ? dir_of(ctx, real_path) : NULL;
	in->release_at = UINT32_MAX;
	if (real_path)
		lex_input_from_file(in);
	in->prev = ctx->input;
	in->next_all = ctx->all_inputs;
	ctx->all_inputs = in;
	return in;
}

bool lex_push_include(struct parse_ctx *ctx, const char *text, size_t len,
		      const struct srcpos *loc)
{
	const char *q = memchr(text, '"', len), *path, *why;
	struct data name = { 0 };
	size_t flen;
	char *buf;
	FILE *f;

	dts_unescape(ctx, q + 1, (size_t)(text + len - q - 2), &name, loc);
	if (ctx->include_depth >= DTS_MAX_INCLUDE_DEPTH) {
		lex_error(ctx, loc, "includes nested more than %d deep "
			  "(an include cycle?)", DTS_MAX_INCLUDE_DEPTH);
		ctx->fatal = true;
		return false;
	}
	f = open_relative(ctx, (const char *)name.val, &path, &why);
	if (!f) {
		lex_error(ctx, loc, "cannot open include file \"%s\": %s",
			  (const char *)name.val, why);
		ctx->fatal = true;
		return false;
	}
	buf = slurp(f, &flen, &why, NULL);
	fclose(f);
	if (!buf) {
		lex_error(ctx, loc, "cannot read include file \"%s\": %s",
			  path, why);
		ctx->fatal = true;
		return false;
	}
	ctx->input = input_new(ctx, buf, flen, path, path);
	ctx->include_depth++;
	return true;
}

bool lex_pop_input(struct parse_ctx *ctx)
{
	if (!ctx->input->prev)
		return false;
	ctx->input = ctx->input->prev;
	ctx->include_depth--;
	return true;
}

void lex_line_marker(struct parse_ctx *ctx, const char *text, size_t len,
		     const struct srcpos *loc)
{
	const char *p = text, *q1 = memchr(text, '"', len), *q2;
	struct data name = { 0 };
	unsigned long line;

	while (*p < '0' || *p > '9')
		p++;
	line = strtoul(p, NULL, 10);
	for (q2 = text + len - 1; *q2 != '"'; q2--)
		;
	dts_unescape(ctx, q1 + 1, (size_t)(q2 - q1 - 1), &name, loc);
	if (name.len && memchr(name.val, '\0', name.len - 1)) {
		lex_error(ctx, loc, "NUL in line marker file name");
		return;
	}
	/* The marker names the line after it; its newline comes next. */
	src_remap(ctx->input->src, loc->end,
		  name.len ? (const char *)name.val : "", (uint32_t)line);
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

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
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

		while (i < len && is_space(text[i]))
			i++;
		if (i >= len || text[i] == '>')
			break;
		start = i;
		while (i < len && !is_space(text[i]) && text[i] != '>')
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
		if (is_space(text[i]))
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

/* ---- /incbin/ ----------------------------------------------------------- */

bool dts_incbin(struct parse_ctx *ctx, struct data *d, const struct data *fname,
		bool slice, uint64_t offset, uint64_t len,
		const struct srcpos *loc)
{
	const char *name = (const char *)fname->val, *path, *why;
	size_t flen;
	char *buf;
	FILE *f = open_relative(ctx, name, &path, &why);

	if (!f) {
		diag_at(DIAG_ERROR, loc, NULL,
			"cannot open /incbin/ file \"%s\": %s", name, why);
		return false;
	}
	buf = slurp(f, &flen, &why, NULL);
	fclose(f);
	if (!buf) {
		diag_at(DIAG_ERROR, loc, NULL,
			"cannot read /incbin/ file \"%s\": %s", path, why);
		return false;
	}
	if (slice && (offset > flen || len > flen - offset)) {
		diag_at(DIAG_ERROR, loc, NULL,
			"/incbin/ of \"%s\": %llu bytes at offset %llu, "
			"but the file has %zu", name, (unsigned long long)len,
			(unsigned long long)offset, flen);
		free(buf);
		return false;
	}
	if (!slice) {
		offset = 0;
		len = flen;
	}
	data_append(ctx->dt, d, buf + offset, (size_t)len);
	free(buf);
	return true;
}

/* ---- entry points --------------------------------------------------------- */

static struct dt *parse_input(struct parse_ctx *ctx)
{
	struct dts_input *in;
	yyscan_t sc;
	int rc;

	if (yylex_init_extra(ctx, &sc) != 0) {
		diag_plain(DIAG_ERROR, "cannot initialise the lexer");
		return NULL;
	}
	ctx->scanner = sc;
	yy_scan_buffer(ctx->input->buf, ctx->input->len + 2, sc);
	src_set_fixup(lex_hold_fixup, sc);
	rc = yyparse(sc, ctx);
	src_set_fixup(NULL, NULL);
	lex_free_buffers(sc);
	yylex_destroy(sc);
	free(ctx->names);
	ctx->names = NULL;
	for (in = ctx->all_inputs; in; in = in->next_all) {
		/* A file can be read again for a caret line: its memory is
		 * better spent on the tree. */
		if (in->from_file)
			src_drop_text(in->src);
		in->buf = NULL;
	}
	if (rc == 2)
		diag_plain(DIAG_ERROR, "parser out of memory");
	if (!ctx->dt->root && !diag_error_count())
		diag_plain(DIAG_ERROR, "no root node");
	return ctx->dt;
}

struct dt *dts_parse_buffer(const char *name, const char *buf, size_t len,
			    const struct dts_options *opt)
{
	struct parse_ctx ctx = { 0 };
	char *copy = xmalloc(len + 2);
	struct dt *dt;

	memcpy(copy, buf, len);
	copy[len] = copy[len + 1] = '\0';
	ctx.dt = dt_new();
	ctx.dt->input_name = arena_strdup(&ctx.dt->arena, name);
	ctx.opt = opt;
	ctx.input = input_new(&ctx, copy, len, name, NULL);
	dt = parse_input(&ctx);
	return dt;
}

/*
 * A pipe or device main input is read until a NUL byte when any NUL is an
 * error (nul_in_source at error level): /dev/zero then fails at its first
 * byte instead of after 1 GiB. A regular file is read whole.
 */
static bool stop_at_nul(FILE *f)
{
	enum diag_level level;
	struct stat st;

	return fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode) &&
	       checks_level("nul_in_source", &level) && level == DIAG_ERROR;
}

struct dt *dts_parse_file(const char *name, const struct dts_options *opt)
{
	struct stat st;
	bool regular;
	struct parse_ctx ctx = { 0 };
	const char *why = NULL, *path = name;
	bool nul_cut = false;
	size_t len;
	char *buf;
	FILE *f;
	struct dt *dt;

	ctx.dt = dt_new();
	ctx.opt = opt;
	if (strcmp(name, "-") == 0) {
		f = stdin;
		path = "<stdin>";
	} else {
		f = open_regular(name, false, &why);
	}
	ctx.dt->input_name = arena_strdup(&ctx.dt->arena, path);
	if (!f) {
		diag_plain(DIAG_ERROR, "cannot open \"%s\": %s", name, why);
		dt_free(ctx.dt);
		return NULL;
	}
	if (opt && opt->depfile)
		fprintf(opt->depfile, " %s", path);
	buf = slurp(f, &len, &why, stop_at_nul(f) ? &nul_cut : NULL);
	regular = f != stdin && fstat(fileno(f), &st) == 0 &&
		  S_ISREG(st.st_mode);
	if (f != stdin)
		fclose(f);
	if (!buf) {
		diag_plain(DIAG_ERROR, "cannot read \"%s\": %s", name, why);
		dt_free(ctx.dt);
		return NULL;
	}
	ctx.input = input_new(&ctx, buf, len, path,
			      f == stdin ? NULL : name);
	/* a pipe or device (`domc <(cpp ...)`) cannot be read twice */
	if (regular)
		lex_input_from_file(ctx.input);
	else
		ctx.input->from_file = false, ctx.input->release_at = UINT32_MAX;
	ctx.input->nul_cut = ctx.input->nul_cut || nul_cut;
	dt = parse_input(&ctx);
	return dt;
}
