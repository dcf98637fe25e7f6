// SPDX-License-Identifier: GPL-2.0-or-later
#include "output.h"
#include "arena.h"
#include "diag.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *temp_name_for(const char *name)
{
	size_t n = strlen(name);
	char *t = xmalloc(n + 16);

	memcpy(t, name, n);
	memcpy(t + n, ".domc-XXXXXX", 13);
	return t;
}

/* mkstemp makes 0600 files; give the file what a plain fopen would. */
static void default_mode(int fd)
{
	mode_t mask = umask(0);

	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0) {
		/* Keeping 0600 is safe; nothing to report. */
	}
}

/*
 * Where the bytes finally go: devices and FIFOs (-o /dev/null) are written
 * in place, never replaced; a symlink is followed so the link survives.
 */
static char *final_target(const char *name, bool *in_place)
{
	struct stat st;
	char *real;

	*in_place = false;
	if (stat(name, &st) != 0)
		return xstrdup(name);
	if (!S_ISREG(st.st_mode)) {
		*in_place = true;
		return xstrdup(name);
	}
	real = realpath(name, NULL);
	return real ? real : xstrdup(name);
}

static FILE *open_temp(const char *name, char **tmp)
{
	int fd;
	FILE *f;

	*tmp = temp_name_for(name);
	fd = mkstemp(*tmp);
	if (fd < 0) {
		diag_plain(DIAG_ERROR, "cannot create \"%s\": %s", name,
			   strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	default_mode(fd);
	f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
	}
	return f;
}

static bool finish(FILE *f, char *tmp, const char *name)
{
	bool ok = !ferror(f);

	if (fclose(f) != 0)
		ok = false;
	if (ok && rename(tmp, name) != 0) {
		diag_plain(DIAG_ERROR, "cannot write \"%s\": %s", name,
			   strerror(errno));
		ok = false;
	} else if (!ok) {
		diag_plain(DIAG_ERROR, "cannot write \"%s\": %s", name,
			   strerror(errno ? errno : EIO));
	}
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok;
}

static bool write_in_place(const char *name, const void *buf, size_t len)
{
	FILE *f = fopen(name, "wb");
	bool ok;

	if (!f) {
		diag_plain(DIAG_ERROR, "cannot open \"%s\": %s", name,
			   strerror(errno));
		return false;
	}
	ok = fwrite(buf, 1, len, f) == len;
	if (fclose(f) != 0)
		ok = false;
	if (!ok)
		diag_plain(DIAG_ERROR, "cannot write \"%s\": %s", name,
			   strerror(errno));
	return ok;
}

bool output_write_file(const char *name, const void *buf, size_t len)
{
	char *tmp, *target;
	bool in_place, ok;
	FILE *f;

	if (strcmp(name, "-") == 0) {
		if (fwrite(buf, 1, len, stdout) != len || fflush(stdout)) {
			diag_plain(DIAG_ERROR, "cannot write to stdout: %s",
				   strerror(errno));
			return false;
		}
		return true;
	}
	target = final_target(name, &in_place);
	if (in_place) {
		ok = write_in_place(target, buf, len);
		free(target);
		return ok;
	}
	f = open_temp(target, &tmp);
	if (!f) {
		free(target);
		return false;
	}
	if (len && fwrite(buf, 1, len, f) != len) {
		fclose(f);
		unlink(tmp);
		diag_plain(DIAG_ERROR, "cannot write \"%s\": %s", name,
			   strerror(errno));
		free(tmp);
		free(target);
		return false;
	}
	ok = finish(f, tmp, target);
	free(target);
	return ok;
}

bool output_open_text(struct output *o, const char *name)
{
	bool in_place;

	o->name = name;
	o->target = NULL;
	o->tmp_name = NULL;
	if (strcmp(name, "-") == 0) {
		o->f = stdout;
		return true;
	}
	o->target = final_target(name, &in_place);
	if (in_place) {
		o->f = fopen(o->target, "w");
		if (!o->f)
			diag_plain(DIAG_ERROR, "cannot open \"%s\": %s", name,
				   strerror(errno));
		return o->f != NULL;
	}
	o->f = open_temp(o->target, &o->tmp_name);
	return o->f != NULL;
}

bool output_commit_text(struct output *o)
{
	bool ok;

	if (!o->tmp_name) {
		ok = o->f == stdout ? fflush(o->f) == 0 : fclose(o->f) == 0;
		o->f = NULL;
		free(o->target);
		o->target = NULL;
		return ok;
	}
	ok = finish(o->f, o->tmp_name, o->target);
	o->f = NULL;
	o->tmp_name = NULL;
	free(o->target);
	o->target = NULL;
	return ok;
}

void output_discard_text(struct output *o)
{
	if (o->f && o->tmp_name) {
		fclose(o->f);
		unlink(o->tmp_name);
		free(o->tmp_name);
	} else if (o->f && o->f != stdout) {
		fclose(o->f);
	}
	free(o->target);
	o->f = NULL;
	o->tmp_name = NULL;
	o->target = NULL;
}

void *output_slurp(const char *name, size_t *len, char **why)
{
	return output_slurp_until(name, len, why, NULL);
}

size_t output_read_chunk(FILE *f, void *buf, size_t want, int *err)
{
	ssize_t r;

	do
		r = read(fileno(f), buf, want);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		*err = errno;
		return 0;
	}
	return (size_t)r;
}

void *output_slurp_until(const char *name, size_t *len, char **why,
			 size_t (*enough)(const void *buf, size_t len))
{
	FILE *f = strcmp(name, "-") ? fopen(name, "rb") : stdin;
	size_t cap = 1 << 16, n = 0, r, want, need;
	char *buf;
	struct stat st;
	bool stream;
	int err = 0;

	if (!f) {
		*why = xstrdup(strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0)
		st.st_mode = 0;
	if (S_ISDIR(st.st_mode)) {
		if (f != stdin)
			fclose(f);
		*why = xstrdup("is a directory");
		return NULL;
	}
	/* A pipe or device may never end: read it in chunks, and only as
	 * far as enough() asks once it can tell. */
	stream = enough && !S_ISREG(st.st_mode);
	buf = xmalloc(cap);
	for (;;) {
		want = cap - n;
		if (stream && want > OUTPUT_STREAM_CHUNK)
			want = OUTPUT_STREAM_CHUNK;
		r = stream ? output_read_chunk(f, buf + n, want, &err) :
			     fread(buf + n, 1, want, f);
		if (r == 0)
			break;
		n += r;
		if (stream) {
			need = enough(buf, n);
			if (need && (n >= need || need > OUTPUT_SLURP_MAX))
				break;
		}
		if (n == cap) {
			if (cap >= OUTPUT_SLURP_MAX) {
				*why = xstrdup("file larger than 1 GiB");
				goto fail;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	if (err || ferror(f)) {
		*why = xstrdup(strerror(err ? err : errno ? errno : EIO));
		goto fail;
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
fail:
	if (f != stdin)
		fclose(f);
	free(buf);
	return NULL;
}
