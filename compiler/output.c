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

bool output_write_file(const char *name, const void *buf, size_t len)
{
	char *tmp;
	FILE *f;

	if (strcmp(name, "-") == 0) {
		if (fwrite(buf, 1, len, stdout) != len || fflush(stdout)) {
			diag_plain(DIAG_ERROR, "cannot write to stdout: %s",
				   strerror(errno));
			return false;
		}
		return true;
	}
	f = open_temp(name, &tmp);
	if (!f)
		return false;
	if (len && fwrite(buf, 1, len, f) != len) {
		fclose(f);
		unlink(tmp);
		diag_plain(DIAG_ERROR, "cannot write \"%s\": %s", name,
			   strerror(errno));
		free(tmp);
		return false;
	}
	return finish(f, tmp, name);
}

bool output_open_text(struct output *o, const char *name)
{
	o->name = name;
	if (strcmp(name, "-") == 0) {
		o->f = stdout;
		o->tmp_name = NULL;
		return true;
	}
	o->f = open_temp(name, &o->tmp_name);
	return o->f != NULL;
}

bool output_commit_text(struct output *o)
{
	bool ok;

	if (!o->tmp_name) {
		ok = fflush(o->f) == 0;
		o->f = NULL;
		return ok;
	}
	ok = finish(o->f, o->tmp_name, o->name);
	o->f = NULL;
	o->tmp_name = NULL;
	return ok;
}

void output_discard_text(struct output *o)
{
	if (o->f && o->tmp_name) {
		fclose(o->f);
		unlink(o->tmp_name);
		free(o->tmp_name);
	}
	o->f = NULL;
	o->tmp_name = NULL;
}

void *output_slurp(const char *name, size_t *len, char **why)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "rb") : stdin;
	size_t cap = 1 << 16, n = 0, r;
	char *buf;
	struct stat st;

	if (!f) {
		*why = xstrdup(strerror(errno));
		return NULL;
	}
	if (f != stdin && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		*why = xstrdup("is a directory");
		return NULL;
	}
	buf = xmalloc(cap);
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			if (cap >= (1UL << 30)) {
				*why = xstrdup("file larger than 1 GiB");
				goto fail;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	if (ferror(f)) {
		*why = xstrdup(strerror(errno ? errno : EIO));
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
