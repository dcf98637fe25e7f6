// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dtb_roundtrip [-V N] [-R N] [-S N] [-p N] [-a N] file.dtb > out.dtb
 *
 * Reads a blob with dtb_read() and writes it back with dtb_flatten(), so
 * that the result can be compared with `dtc -I dtb -O dtb` given the same
 * options. dtc's checks run between the two and one of them edits the
 * tree: a "name" property equal to the node's base name (as old blob
 * versions carry) is dropped. That one check is repeated here.
 *
 * Exit status: 0 written, 1 the blob was rejected or could not be written,
 * 2 usage.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit_dtb.h"
#include "read_dtb.h"

static void drop_redundant_names(struct node *n)
{
	struct property *p;
	struct node *c;

	for_each_property(n, p) {
		if (strcmp(p->name, "name") != 0)
			continue;
		if (p->val.len == n->basenamelen + 1 &&
		    memcmp(p->val.val, n->name, n->basenamelen) == 0)
			prop_delete(p);
		break;
	}
	for_each_child(n, c) {
		drop_redundant_names(c);
	}
}

static char *slurp(const char *name, size_t *len)
{
	FILE *f = fopen(name, "rb");
	char *buf = NULL;
	size_t cap = 0, n;

	*len = 0;
	if (!f) {
		diag_plain(DIAG_ERROR, "cannot open %s", name);
		return NULL;
	}
	do {
		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = xrealloc(buf, cap);
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n);
	fclose(f);
	return buf;
}

static int usage(void)
{
	fprintf(stderr, "usage: dtb_roundtrip [-V N] [-R N] [-S N] [-p N] [-a N] file.dtb\n");
	return 2;
}

static int roundtrip(const char *name, const struct dtb_options *opt)
{
	size_t len, outlen;
	void *out;
	char *buf = slurp(name, &len);
	struct dt *dt;
	int rc = 1;

	if (!buf)
		return 1;
	dt = dtb_read(name, buf, len);
	if (dt) {
		if (dt->root)
			drop_redundant_names(dt->root);
		if (dtb_flatten(dt, opt, &out, &outlen) == 0) {
			if (opt->version >= 16 && fdt_check_full(out, outlen))
				diag_plain(DIAG_ERROR, "output fails fdt_check_full");
			else if (fwrite(out, 1, outlen, stdout) == outlen)
				rc = 0;
			free(out);
		}
	}
	dt_free(dt);
	free(buf);
	return rc;
}

int main(int argc, char **argv)
{
	struct dtb_options opt = DTB_OPTIONS_DEFAULT;
	int c;

	while ((c = getopt(argc, argv, "V:R:S:p:a:")) != -1) {
		long v = optarg ? strtol(optarg, NULL, 0) : 0;

		switch (c) {
		case 'V':
			opt.version = (int)v;
			break;
		case 'R':
			opt.reserve_slots = (int)v;
			break;
		case 'S':
			opt.min_size = v;
			break;
		case 'p':
			opt.pad = v;
			break;
		case 'a':
			opt.align = v;
			break;
		default:
			return usage();
		}
	}
	if (optind + 1 != argc)
		return usage();
	return roundtrip(argv[optind], &opt);
}
