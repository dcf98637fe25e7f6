// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Front end driver: file reading, the /include/ stack, cpp line markers
 * and /incbin/, around the generated lexer and parser.
 */
#include "frontend.h"
#include "checks.h"
#include "output.h"
#include "parse.h"
#include "threads.h"
#include "dts.tab.h"
#include "dts.lex.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
 * Reading a big file is mostly copying from the page cache and faulting in
 * the buffer's pages: two threads, a half each, take half the time.
 */
#define SPLIT_READ_MIN	(8u << 20)

struct read_part {
	int fd;
	char *buf;
	size_t len;
	off_t at;
	bool ok;
};

static void *read_part(void *arg)
{
	struct read_part *r = arg;
	size_t done = 0;
	ssize_t n;

	while (done < r->len) {
		n = pread(r->fd, r->buf + done, r->len - done,
			  r->at + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	r->ok = done == r->len;
	return NULL;
}

/*
 * The whole of a big regular file f, read by two threads; NULL when that
 * does not apply or the file changed meanwhile (the caller then reads it
 * the usual way, from its start: pread moves no file position).
 */
static char *read_split(FILE *f, size_t *lenp)
{
	struct read_part lo, hi;
	struct stat st;
	pthread_t thread;
	size_t len, half;
	char *buf, extra;

	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < (off_t)SPLIT_READ_MIN ||
	    st.st_size > DTS_MAX_FILE_SIZE || thread_use() == THREADS_NEVER)
		return NULL;
	len = (size_t)st.st_size;
	half = (len / 2) & ~(size_t)4095;
	buf = xmalloc(len + 2);
	lo = (struct read_part){ fileno(f), buf, half, 0, false };
	hi = (struct read_part){ fileno(f), buf + half, len - half,
				 (off_t)half, false };
	if (pthread_create(&thread, NULL, read_part, &hi) != 0) {
		free(buf);
		return NULL;
	}
	read_part(&lo);
	pthread_join(thread, NULL);
	/* grown since fstat(): the usual way reads it all */
	if (!lo.ok || !hi.ok || pread(fileno(f), &extra, 1, (off_t)len) != 0) {
		free(buf);
		return NULL;
	}
	buf[len] = buf[len + 1] = '\0';
	*lenp = len;
	return buf;
}

/*
 * Reads all of f into a buffer with two NULs after it. With nul_cut, f is
 * a pipe or a device and every NUL byte an error: reading stops after the
 * first (*nul_cut then true), so that `domc /dev/zero` fails at once.
 */
static char *slurp(FILE *f, size_t *lenp, const char **why, bool *nul_cut)
{
	size_t cap = 64 * 1024, len = 0, n, want;
	char *buf;
	int err = 0;

	if (!nul_cut && (buf = read_split(f, lenp)) != NULL)
		return buf;
	buf = xmalloc(cap + 2);
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
static FILE *open_relative(struct parse_ctx *ctx,
			   const struct dts_input *from, const char *name,
			   const char **path_out, const char **why)
{
	const struct dts_options *opt = ctx->opt;
	const char *first_why = NULL, *path;
	const char *dir = from ? from->dir : NULL;
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

void lex_release(struct parse_ctx *ctx, struct dts_input *in, uint32_t off)
{
	src_lend_upto(in->src, off, &ctx->dt->arena);
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

bool lex_push_include(struct parse_ctx *ctx, const struct lex_token *t)
{
	const char *text = t->text, *path, *why;
	size_t len = t->len;
	const struct srcpos *loc = &t->loc;
	const char *q = memchr(text, '"', len);
	struct data name = { 0 };
	size_t flen;
	char *buf;
	FILE *f;

	dts_unescape(ctx, q + 1, (size_t)(text + len - q - 2), &name, loc);
	if (ctx->include_depth >= DTS_MAX_INCLUDE_DEPTH) {
		lex_error(ctx, loc, "includes nested more than %d deep "
			  "(an include cycle?)", DTS_MAX_INCLUDE_DEPTH);
		return false;
	}
	f = open_relative(ctx, t->in, (const char *)name.val, &path, &why);
	if (!f) {
		lex_error(ctx, loc, "cannot open include file \"%s\": %s",
			  (const char *)name.val, why);
		return false;
	}
	buf = slurp(f, &flen, &why, NULL);
	fclose(f);
	if (!buf) {
		lex_error(ctx, loc, "cannot read include file \"%s\": %s",
			  path, why);
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

void lex_line_marker(struct parse_ctx *ctx, const struct lex_token *t)
{
	const char *text = t->text, *p = text, *q1 = memchr(text, '"', t->len);
	const char *q2;
	const struct srcpos *loc = &t->loc;
	size_t len = t->len;
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
	src_remap(t->in->src, loc->end,
		  name.len ? (const char *)name.val : "", (uint32_t)line);
}

/* ---- /incbin/ ----------------------------------------------------------- */

bool dts_incbin(struct parse_ctx *ctx, struct data *d, const struct data *fname,
		bool slice, uint64_t offset, uint64_t len,
		const struct srcpos *loc)
{
	const char *name = (const char *)fname->val, *path, *why;
	size_t flen;
	char *buf;
	FILE *f = open_relative(ctx, ctx->tok_input, name, &path, &why);

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
	ctx->tok_input = ctx->input;
	lexq_start(ctx);
	rc = yyparse(sc, ctx);
	lexq_stop(ctx);
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
	ctx.dt->untyped_values = opt && opt->untyped_values;
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
	ctx.dt->untyped_values = opt && opt->untyped_values;
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
