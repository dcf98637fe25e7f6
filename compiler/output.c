// SPDX-License-Identifier: GPL-2.0-or-later
#include "output.h"
#include "arena.h"
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
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

static bool read_full(int fd, char *buf, size_t want, size_t *got)
{
	ssize_t r;

	*got = 0;
	while (*got < want) {
		r = read(fd, buf + *got, want - *got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return false;
		if (r == 0)
			break;
		*got += (size_t)r;
	}
	return true;
}

/*
 * Pipes, stdin, devices and files whose size is not known (/proc): a
 * growing buffer, read a chunk at a time (a pipe may never end), and only
 * as far as enough() asks once it can tell; then handed over in memory
 * from alloc.
 */
static void *slurp_stream(int fd, size_t *len, char **why,
			  size_t (*enough)(const void *buf, size_t len),
			  void *(*alloc)(void *ctx, size_t size), void *ctx)
{
	size_t cap = 1 << 16, n = 0, want, need;
	char *buf = xmalloc(cap), *out;
	ssize_t r;

	for (;;) {
		want = cap - n;
		if (want > OUTPUT_STREAM_CHUNK)
			want = OUTPUT_STREAM_CHUNK;
		do
			r = read(fd, buf + n, want);
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			*why = xstrdup(strerror(errno));
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (enough) {
			need = enough(buf, n);
			if (need && (n >= need || need > OUTPUT_SLURP_MAX))
				break;
		}
		if (n == cap) {
			if (cap >= OUTPUT_SLURP_MAX) {
				*why = xstrdup("file larger than 1 GiB");
				free(buf);
				return NULL;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	out = alloc(ctx, n);
	if (n)
		memcpy(out, buf, n);
	free(buf);
	*len = n;
	return out;
}

void *output_slurp_until(const char *name, size_t *len, char **why,
			 size_t (*enough)(const void *buf, size_t len),
			 void *(*alloc)(void *ctx, size_t size), void *ctx)
{
	bool is_stdin = strcmp(name, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(name, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t size, got;
	char *buf = NULL;

	if (fd < 0) {
		*why = xstrdup(strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		*why = xstrdup(strerror(errno));
		goto out;
	}
	if (!is_stdin && S_ISDIR(st.st_mode)) {
		*why = xstrdup("is a directory");
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0) {
		buf = slurp_stream(fd, len, why, enough, alloc, ctx);
		goto out;
	}
	if ((unsigned long long)st.st_size >= OUTPUT_SLURP_MAX) {
		*why = xstrdup("file larger than 1 GiB");
		goto out;
	}
	/* One read of the known size into its final place. A file that
	 * shrank meanwhile is taken as it is now. */
	size = (size_t)st.st_size;
	buf = alloc(ctx, size);
	if (!read_full(fd, buf, size, &got)) {
		*why = xstrdup(strerror(errno ? errno : EIO));
		buf = NULL;	/* alloc's block is the caller's to drop */
		goto out;
	}
	*len = got;
out:
	if (!is_stdin)
		close(fd);
	return buf;
}

void *output_slurp_to(const char *name, size_t *len, char **why,
		      void *(*alloc)(void *ctx, size_t size), void *ctx)
{
	return output_slurp_until(name, len, why, NULL, alloc, ctx);
}

/* ctx remembers the block, so that a failed read can free it. */
static void *malloc_room(void *ctx, size_t size)
{
	return *(void **)ctx = xmalloc(size ? size : 1);
}

void *output_slurp(const char *name, size_t *len, char **why)
{
	void *mem = NULL, *buf;
	size_t got = 0;

	buf = output_slurp_to(name, &got, why, malloc_room, &mem);
	if (!buf)
		free(mem);
	*len = got;
	return buf;
}
