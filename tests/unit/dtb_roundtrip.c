// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dtb_roundtrip [-V N] [-R N] [-S N] [-p N] [-a N] file.dtb > out.dtb
 * dtb_roundtrip -H seed.dtb
 *
 * Reads a blob with dtb_read() and writes it back with dtb_flatten(), so
 * that the result can be compared with `dtc -I dtb -O dtb` given the same
 * options. dtc's checks run between the two and one of them edits the
 * tree: a "name" property equal to the node's base name (as old blob
 * versions carry) is dropped. That one check is repeated here.
 *
 * -H feeds dtb_read() hostile variants of seed.dtb (truncated, bad magic,
 * sizes and offsets out of range, bad name offsets, absurd nesting, random
 * byte flips): each of the broken ones must be rejected with an error, and
 * none may crash (run it under valgrind or a sanitizer).
 *
 * Exit status: 0 written (or all hostile blobs handled), 1 the blob was
 * rejected or could not be written (or a hostile blob was accepted),
 * 2 usage.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit_dtb.h"
#include "output.h"
#include "read_dtb.h"

/* Header word offsets */
#define H_TOTALSIZE	4
#define H_OFF_STRUCT	8
#define H_OFF_STRINGS	12
#define H_OFF_RSVMAP	16
#define H_VERSION	20
#define H_LAST_COMP	24
#define H_SIZE_STRINGS	32
#define H_SIZE_STRUCT	36

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

/* The project's reader: the whole file, or NULL after a message. */
static char *slurp(const char *name, size_t *len)
{
	char *why = NULL;
	char *buf = output_slurp(name, len, &why);

	if (!buf) {
		diag_plain(DIAG_ERROR, "cannot read %s: %s", name, why);
		free(why);
	}
	return buf;
}

static int usage(void)
{
	fprintf(stderr, "usage: dtb_roundtrip [-V N] [-R N] [-S N] [-p N] [-a N] file.dtb\n"
			"       dtb_roundtrip -H seed.dtb\n");
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

/* ---- -H: hostile blobs ------------------------------------------------ */

struct hostile {
	const uint8_t *seed;
	size_t len;
	uint32_t version, off_struct;
	unsigned int tried, failed;
};

static uint32_t get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* must_fail: the blob is broken and dtb_read() has to say so. */
static void try_blob(struct hostile *h, const char *what, const uint8_t *b,
		     size_t len, bool must_fail)
{
	unsigned int errors = diag_error_count();
	uint8_t *copy = xmalloc(len ? len : 1);
	struct dt *dt;

	/* An exact-size heap copy lets valgrind/ASan see any overrun. */
	memcpy(copy, b, len);
	dt = dtb_read(what, copy, len);
	h->tried++;
	if (must_fail && (dt || diag_error_count() == errors)) {
		fprintf(stderr, "dtb-hostile: %s: accepted%s\n", what,
			dt ? "" : " without an error message");
		h->failed++;
	}
	if (!dt && diag_error_count() == errors) {
		fprintf(stderr, "dtb-hostile: %s: rejected silently\n", what);
		h->failed++;
	}
	dt_free(dt);
	free(copy);
}

static void try_patch(struct hostile *h, const char *what, size_t at,
		      uint32_t v)
{
	uint8_t *b;

	if (at + 4 > h->len)
		return;
	b = xmalloc(h->len);
	memcpy(b, h->seed, h->len);
	put32(b + at, v);
	try_blob(h, what, b, h->len, true);
	free(b);
}

static void try_truncations(struct hostile *h)
{
	uint8_t *b = xmalloc(h->len);
	size_t n;

	for (n = 0; n < h->len; n++) {
		try_blob(h, "truncated file", h->seed, n, true);
		if (n < 8 || n % 4)
			continue;
		/* ... and with totalsize claiming the cut length */
		memcpy(b, h->seed, n);
		put32(b + H_TOTALSIZE, (uint32_t)n);
		try_blob(h, "truncated blob", b, n, false);
	}
	free(b);
}

static void try_header(struct hostile *h)
{
	uint32_t size = (uint32_t)h->len;

	try_patch(h, "bad magic", 0, 0x12345678);
	try_patch(h, "totalsize huge", H_TOTALSIZE, 0xffffffffu);
	try_patch(h, "totalsize tiny", H_TOTALSIZE, 27);
	try_patch(h, "struct offset past end", H_OFF_STRUCT, size);
	try_patch(h, "struct offset misaligned", H_OFF_STRUCT,
		  h->off_struct + 2);
	try_patch(h, "strings offset past end", H_OFF_STRINGS, size + 1);
	try_patch(h, "rsvmap offset past end", H_OFF_RSVMAP, size);
	try_patch(h, "rsvmap inside header", H_OFF_RSVMAP, 8);
	if (h->version >= 3)
		try_patch(h, "strings size huge", H_SIZE_STRINGS, 0xfffffff0u);
	if (h->version >= 16)
		try_patch(h, "last_comp_version 18", H_LAST_COMP, 18);
	if (h->version >= 17)
		try_patch(h, "struct size huge", H_SIZE_STRUCT, 0xfffffff0u);
}

/* The root's first property, as dtc lays it out. */
static void try_first_prop(struct hostile *h)
{
	size_t at = h->off_struct + 4, name;

	if (at >= h->len)
		return;
	name = strnlen((const char *)h->seed + at, h->len - at) + 1;
	at += (name + 3) & ~(size_t)3;
	if (at + 12 > h->len || get32(h->seed + at) != FDT_PROP)
		return;
	try_patch(h, "property length huge", at + 4, 0xffffffffu);
	try_patch(h, "property length past end", at + 4,
		  (uint32_t)(h->len - at));
	try_patch(h, "name offset huge", at + 8, 0xfffffff0u);
	try_patch(h, "name offset negative", at + 8, 0x80000000u);
	try_patch(h, "bad tag", at, 0x77);
	try_patch(h, "premature FDT_END", at, FDT_END);
}

static void try_deep(struct hostile *h, int depth, bool must_fail)
{
	size_t words = 2 * (size_t)depth + 1, i;
	size_t len = 48 + 4 * 2 * words;
	uint8_t *b = memset(xmalloc(len), 0, len);
	uint8_t *st = b + 56;

	for (i = 0; i < (size_t)depth; i++) {
		put32(st, FDT_BEGIN_NODE);
		/* name: "" for the root, "n" below it */
		st[4] = i ? 'n' : 0;
		st += 8;
	}
	for (i = 0; i < (size_t)depth; i++, st += 4)
		put32(st, FDT_END_NODE);
	put32(st, FDT_END);
	st += 4;
	put32(b, FDT_MAGIC);
	put32(b + H_TOTALSIZE, (uint32_t)(st - b));
	put32(b + H_OFF_STRUCT, 56);
	put32(b + H_OFF_STRINGS, (uint32_t)(st - b));
	put32(b + H_OFF_RSVMAP, 40);
	put32(b + H_VERSION, 17);
	put32(b + H_LAST_COMP, 16);
	put32(b + H_SIZE_STRUCT, (uint32_t)(st - b - 56));
	try_blob(h, must_fail ? "absurd nesting" : "deep nesting", b,
		 (size_t)(st - b), must_fail);
	free(b);
}

static void try_flips(struct hostile *h, unsigned int count)
{
	uint8_t *b = xmalloc(h->len);
	unsigned int i, k, seed = 12345;

	for (i = 0; i < count; i++) {
		memcpy(b, h->seed, h->len);
		for (k = 0; k < 1 + i % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			b[(seed >> 8) % h->len] ^= (uint8_t)(1u << (seed % 8));
		}
		try_blob(h, "flipped bits", b, h->len, false);
	}
	free(b);
}

static int hostile(const char *name)
{
	struct hostile h = { 0 };
	char *buf = slurp(name, &h.len);
	struct dt *dt;

	if (!buf)
		return 1;
	dt = dtb_read(name, buf, h.len);
	if (!dt || h.len < 40 || get32((uint8_t *)buf + H_TOTALSIZE) != h.len) {
		diag_plain(DIAG_ERROR, "%s: the seed must be a valid blob without trailing bytes",
			   name);
		dt_free(dt);
		free(buf);
		return 1;
	}
	dt_free(dt);
	h.seed = (const uint8_t *)buf;
	h.version = get32(h.seed + H_VERSION);
	h.off_struct = get32(h.seed + H_OFF_STRUCT);
	diag_set_quiet(2);
	try_truncations(&h);
	try_header(&h);
	try_first_prop(&h);
	try_deep(&h, 100, false);
	try_deep(&h, DTB_MAX_DEPTH + 1, true);
	try_deep(&h, 200000, true);
	try_flips(&h, 3000);
	diag_set_quiet(0);
	printf("dtb-hostile: %s: %u blobs, %u mishandled\n", name, h.tried,
	       h.failed);
	free(buf);
	return h.failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct dtb_options opt = DTB_OPTIONS_DEFAULT;
	int c;

	bool hostile_mode = false;

	while ((c = getopt(argc, argv, "V:R:S:p:a:H")) != -1) {
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
		case 'H':
			hostile_mode = true;
			break;
		default:
			return usage();
		}
	}
	if (optind + 1 != argc)
		return usage();
	if (hostile_mode)
		return hostile(argv[optind]);
	return roundtrip(argv[optind], &opt);
}
