// SPDX-License-Identifier: GPL-2.0-or-later
#include "diag.h"
#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct diag_state {
	int quiet;
	bool json;
	bool no_carets;
	bool werror;
	unsigned int errors, warnings;
	unsigned int check_errors;	/* errors tagged with a check name */
} ds;

/* This thread's diagnostics are dropped, only noted (diag_mute()). */
static _Thread_local bool muted, muted_hit;

void diag_mute(bool on)
{
	muted = on;
	muted_hit = false;
}

bool diag_muted_hit(void)
{
	return muted_hit;
}

void diag_set_quiet(int quiet)
{
	ds.quiet = quiet;
}

void diag_set_werror(bool on)
{
	ds.werror = on;
}

void diag_set_json(bool json)
{
	ds.json = json;
}

void diag_set_carets(bool on)
{
	ds.no_carets = !on;
}

static void print_caret(const struct srcloc *loc)
{
	const char *text, *p, *end, *line_end;
	uint32_t line = 1, col, last;
	size_t len;

	text = src_text_by_name(loc->file, &len);
	if (!text)
		return;
	p = text;
	end = text + len;
	while (p < end && line < loc->line) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			return;
		p = nl + 1;
		line++;
	}
	if (line != loc->line || p >= end)
		return;
	line_end = memchr(p, '\n', (size_t)(end - p));
	if (!line_end)
		line_end = end;
	if (line_end > p && line_end[-1] == '\r')
		line_end--;
	if ((size_t)(line_end - p) > 500 || memchr(p, '\0', (size_t)(line_end - p)))
		return;
	fprintf(stderr, " %.*s\n ", (int)(line_end - p), p);
	for (col = 1; col < loc->col && p + col - 1 < line_end; col++)
		fputc(p[col - 1] == '\t' ? '\t' : ' ', stderr);
	fputc('^', stderr);
	last = loc->end_line == loc->line ? loc->end_col : loc->col;
	if (last > (uint32_t)(line_end - p))
		last = (uint32_t)(line_end - p);
	for (col = loc->col + 1; col <= last; col++)
		fputc('~', stderr);
	fputc('\n', stderr);
}

static const char *level_name(enum diag_level level)
{
	switch (level) {
	case DIAG_ERROR:
		return "error";
	case DIAG_WARNING:
		return "warning";
	default:
		return "note";
	}
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static bool count_and_filter(enum diag_level level)
{
	if (level == DIAG_ERROR)
		ds.errors++;
	else if (level == DIAG_WARNING)
		ds.warnings++;
	if (level == DIAG_ERROR)
		return ds.quiet < 2;
	return ds.quiet < 1;
}

static void emit(enum diag_level level, const struct srcpos *where,
		 const char *check, const char *msg, bool promoted)
{
	struct srcloc l, *pos = srcpos_resolve(where, &l) ? &l : NULL;

	if (ds.json) {
		fprintf(stderr, "{\"level\":\"%s\",\"file\":",
			level_name(level));
		json_string(stderr, pos && pos->file ? pos->file : "");
		fprintf(stderr, ",\"line\":%u,\"column\":%u,\"check\":",
			pos ? pos->line : 0, pos ? pos->col : 0);
		json_string(stderr, check ? check : "");
		fputs(",\"message\":", stderr);
		json_string(stderr, msg);
		fputs("}\n", stderr);
		return;
	}
	if (pos && pos->file && pos->line)
		fprintf(stderr, "%s:%u:%u: ", pos->file, pos->line, pos->col);
	else if (pos && pos->file)
		fprintf(stderr, "%s: ", pos->file);
	else
		fputs("domc: ", stderr);
	fprintf(stderr, "%s: %s", level_name(level), msg);
	if (check)
		fprintf(stderr, promoted ? " [-Werror,-W%s]" : " [-W%s]",
			check);
	fputc('\n', stderr);
	if (pos && pos->file && pos->line && !ds.no_carets) {
		src_begin_read();
		print_caret(pos);
		src_end_read();
	}
}

static void vdiag(enum diag_level level, const struct srcpos *pos,
		  const char *check, const char *fmt, va_list ap)
{
	char small[512], *msg = small;
	bool promoted = level == DIAG_WARNING && ds.werror;
	va_list ap2;
	int n;

	if (muted) {
		muted_hit = true;
		return;
	}
	if (promoted)
		level = DIAG_ERROR;
	if (level == DIAG_ERROR && check)
		ds.check_errors++;
	if (!count_and_filter(level))
		return;
	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small)) {
		msg = xmalloc((size_t)n + 1);
		vsnprintf(msg, (size_t)n + 1, fmt, ap2);
	}
	va_end(ap2);
	emit(level, pos, check, msg, promoted);
	if (msg != small)
		free(msg);
}

void diag_at(enum diag_level level, const struct srcpos *pos,
	     const char *check, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(level, pos, check, fmt, ap);
	va_end(ap);
}

void diag_plain(enum diag_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(level, NULL, NULL, fmt, ap);
	va_end(ap);
}

unsigned int diag_error_count(void)
{
	return ds.errors;
}

unsigned int diag_check_error_count(void)
{
	return ds.check_errors;
}

unsigned int diag_warning_count(void)
{
	return ds.warnings;
}

void diag_reset(void)
{
	src_free_all();
	memset(&ds, 0, sizeof(ds));
}
