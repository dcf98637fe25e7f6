// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dts_emit_test FILE.dtb   read a blob, write it as DTS to stdout
 * dts_emit_test --unit     trees built by hand with the markers dtc's
 *                          parser places, checked against the text dtc
 *                          1.6.1 -I dts -O dts printed for the same source
 *
 * Build: gcc -std=c11 -Wall -Wextra -D_GNU_SOURCE -Icompiler \
 *	tests/unit/dts_emit_test.c compiler/{arena,hmap,diag,data,tree,\
 *	read_dtb,emit_dts}.c -lfdt
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit_dts.h"
#include "output.h"
#include "tree.h"

struct dt *dtb_read(const char *name, const void *buf, size_t len);

/* ---- building values the way dtc's parser does -------------------- */

static struct dt *g_dt;

static void v_mark(struct data *d, enum marker_type t, const char *ref)
{
	data_add_marker(g_dt, d, t, ref, NULL);
}

/* "<...>" or "/bits/ N <...>": a type marker, then the integers */
static void v_ints(struct data *d, int bits, int n, ...)
{
	static const enum marker_type types[] = {
		MARK_TYPE_U8, MARK_TYPE_U16, MARK_TYPE_U32, MARK_TYPE_U64,
	};
	int idx = bits == 8 ? 0 : bits == 16 ? 1 : bits == 32 ? 2 : 3;
	va_list ap;

	v_mark(d, types[idx], NULL);
	va_start(ap, n);
	while (n--)
		data_append_integer(g_dt, d, va_arg(ap, uint64_t), bits);
	va_end(ap);
}

static void v_int(struct data *d, int bits, uint64_t v)
{
	data_append_integer(g_dt, d, v, bits);
}

/* A string literal: type marker, bytes, NUL (len covers the NUL) */
static void v_strn(struct data *d, const char *s, size_t len)
{
	v_mark(d, MARK_TYPE_STRING, NULL);
	data_append(g_dt, d, s, len);
}

static void v_str(struct data *d, const char *s)
{
	v_strn(d, s, strlen(s) + 1);
}

/* "&label" in a value, after the path was inserted by the fixup */
static void v_path_ref(struct data *d, const char *ref, const char *path)
{
	v_mark(d, MARK_TYPE_STRING, ref);
	v_mark(d, MARK_REF_PATH, ref);
	data_append(g_dt, d, path, strlen(path) + 1);
}

/* "&label" inside <...>, already resolved to phandle */
static void v_phandle_ref(struct data *d, const char *ref, cell_t phandle)
{
	v_mark(d, MARK_REF_PHANDLE, ref);
	data_append_cell(g_dt, d, phandle);
}

static struct property *add_prop(struct node *n, const char *name,
				 struct data d)
{
	struct property *p = prop_new(g_dt, name, d, NULL);

	node_append_prop(n, p);
	return p;
}

static struct node *add_node(struct node *parent, const char *name)
{
	struct node *n = node_new(g_dt, NULL);

	node_set_name(g_dt, n, name);
	if (parent)
		node_append_child(g_dt, parent, n);
	else
		g_dt->root = n;
	return n;
}

static struct data empty(void)
{
	struct data d = { 0 };

	return d;
}

/* ---- case 1: the marker zoo --------------------------------------- */

static const char expect_zoo[] =
	"/dts-v1/;\n"
	"\n"
	"/memreserve/\t0x0000000000001000 0x0000000000002000;\n"
	"r1: r2: /memreserve/\t0x0000000000003000 0x0000000000000010;\n"
	"/ {\n"
	"\tmodel = \"m\";\n"
	"\n"
	"\tl1: l2: foo: node@1 {\n"
	"\t\tp1 = <0x01 0x01 0x02>;\n"
	"\t\tp2 = \"a\",  \"/node@1\";\n"
	"\t\tp3 = \"/node@1\";\n"
	"\t\tp4 = <0x01 0x02> lbl:;\n"
	"\t\tp5 = <0x01 lb:0x02>, \"x\", [01 02 lb2:03], "
	"/bits/ 16 <0x01 0x02>, /bits/ 64 <0x03>, [04 05];\n"
	/* dtc prints "a\01b" here, which reads back as 0x01: domc differs */
	"\t\tp6 = \"a\\0001b\", \"c\", \"1d\";\n"
	"\t\tp7 = <0x01>;\n"
	"\t\tp8 = \"\\x01\\t\\\"\\\\\\a\\b\\n\\v\\f\\r\";\n"
	"\t\tpl: p9;\n"
	"\t\tp10 = < \"a\";\n"
	"\t\tp11;\n"
	"\t\tp12 = \"\";\n"
	"\t\tp13 = \"\", \"\";\n"
	"\t\tpa: pb: p14 = s: \"x\", e: \"y\";\n"
	"\t\tp15 = <0xffffffff 0x00>, <0x05>;\n"
	"\t\tp16 = /bits/ 64 <0xffffffffffffffff>;\n"
	"\t\tp17 = /bits/ 16 <0xffff>;\n"
	"\t\tp18 = [ff 00 a0];\n"
	"\t\tp19 = \"\\xffffff80z\";\n"
	"\t\tp20 = <0x01>,  \"/node@1\", <0x02>;\n"
	"\t\tphandle = <0x01>;\n"
	"\t};\n"
	"\n"
	"\tn3 {\n"
	"\t\tr;\n"
	"\t};\n"
	"\n"
	"\tn2 {\n"
	"\t\ty = <0x03>;\n"
	"\t};\n"
	"};\n";

static void zoo_reserves(void)
{
	struct reserve *r1 = reserve_new(g_dt, 0x1000, 0x2000, NULL);
	struct reserve *r2 = reserve_new(g_dt, 0x3000, 0x10, NULL);

	label_add(g_dt, &r2->labels, "r2", NULL);
	label_add(g_dt, &r2->labels, "r1", NULL);
	r1->next = r2;
	g_dt->reserves = r1;
}

static void zoo_props_a(struct node *n)
{
	struct data d;

	d = empty();
	v_ints(&d, 32, 1, (uint64_t)1);
	v_phandle_ref(&d, "foo", 1);
	v_int(&d, 32, 2);
	add_prop(n, "p1", d);

	d = empty();
	v_str(&d, "a");
	v_path_ref(&d, "foo", "/node@1");
	add_prop(n, "p2", d);

	d = empty();
	v_path_ref(&d, "foo", "/node@1");
	add_prop(n, "p3", d);

	d = empty();
	v_ints(&d, 32, 2, (uint64_t)1, (uint64_t)2);
	v_mark(&d, MARK_LABEL, "lbl");
	add_prop(n, "p4", d);

	d = empty();
	v_ints(&d, 32, 1, (uint64_t)1);
	v_mark(&d, MARK_LABEL, "lb");
	v_int(&d, 32, 2);
	v_str(&d, "x");
	v_ints(&d, 8, 2, (uint64_t)1, (uint64_t)2);
	v_mark(&d, MARK_LABEL, "lb2");
	v_int(&d, 8, 3);
	v_ints(&d, 16, 2, (uint64_t)1, (uint64_t)2);
	v_ints(&d, 64, 1, (uint64_t)3);
	v_ints(&d, 8, 2, (uint64_t)4, (uint64_t)5);
	add_prop(n, "p5", d);

	d = empty();
	v_strn(&d, "a\0" "1b", 5);
	v_str(&d, "c");
	v_str(&d, "1d");
	add_prop(n, "p6", d);

	d = empty();
	v_ints(&d, 32, 0);
	v_phandle_ref(&d, "/node@1", 1);
	add_prop(n, "p7", d);

	d = empty();
	v_str(&d, "\x01\t\"\\\a\b\n\v\f\r");
	add_prop(n, "p8", d);
}

static void zoo_props_b(struct node *n)
{
	struct data d;
	struct property *p;

	p = add_prop(n, "p9", empty());
	label_add(g_dt, &p->labels, "pl", NULL);

	d = empty();
	v_ints(&d, 32, 0);
	v_str(&d, "a");
	add_prop(n, "p10", d);

	d = empty();
	v_ints(&d, 8, 0);
	add_prop(n, "p11", d);

	d = empty();
	v_str(&d, "");
	add_prop(n, "p12", d);

	d = empty();
	v_str(&d, "");
	v_str(&d, "");
	add_prop(n, "p13", d);

	d = empty();
	v_mark(&d, MARK_LABEL, "s");
	v_str(&d, "x");
	v_mark(&d, MARK_LABEL, "e");
	v_str(&d, "y");
	p = add_prop(n, "p14", d);
	label_add(g_dt, &p->labels, "pb", NULL);
	label_add(g_dt, &p->labels, "pa", NULL);
}

static void zoo_props_c(struct node *n)
{
	struct data d;

	d = empty();
	v_ints(&d, 32, 2, (uint64_t)0xffffffff, (uint64_t)0);
	v_ints(&d, 32, 1, (uint64_t)5);
	add_prop(n, "p15", d);

	d = empty();
	v_ints(&d, 64, 1, (uint64_t)-1);
	add_prop(n, "p16", d);

	d = empty();
	v_ints(&d, 16, 1, (uint64_t)0xffff);
	add_prop(n, "p17", d);

	d = empty();
	v_ints(&d, 8, 3, (uint64_t)0xff, (uint64_t)0, (uint64_t)0xa0);
	add_prop(n, "p18", d);

	d = empty();
	v_str(&d, "\x80z");
	add_prop(n, "p19", d);

	d = empty();
	v_ints(&d, 32, 1, (uint64_t)1);
	v_path_ref(&d, "foo", "/node@1");
	v_ints(&d, 32, 1, (uint64_t)2);
	add_prop(n, "p20", d);

	/* made by the phandle fixup: no markers, so the type is guessed */
	d = empty();
	data_append_cell(g_dt, &d, 1);
	add_prop(n, "phandle", d);
}

static void zoo_nodes(struct node *root)
{
	struct node *n;
	struct property *p;
	struct label *l;
	struct data d;

	/* lx: ly: n3 { q = <1>; }; /delete-node/ &lx; n3 { r; }; */
	n = add_node(root, "n3");
	node_add_label(g_dt, n, "ly", NULL);
	node_add_label(g_dt, n, "lx", NULL);
	for_each_label(n->labels, l)
		l->deleted = true;
	d = empty();
	v_ints(&d, 32, 1, (uint64_t)1);
	p = add_prop(n, "q", d);
	p->deleted = true;
	add_prop(n, "r", empty());

	n = add_node(root, "gone");
	n->deleted = true;

	n = add_node(root, "n2");
	p = add_prop(n, "x", empty());
	p->deleted = true;
	d = empty();
	v_ints(&d, 32, 1, (uint64_t)3);
	add_prop(n, "y", d);
}

static void build_zoo(void)
{
	struct node *root = add_node(NULL, "");
	struct node *n;
	struct data d;

	zoo_reserves();
	d = empty();
	v_str(&d, "m");
	add_prop(root, "model", d);
	n = add_node(root, "node@1");
	node_add_label(g_dt, n, "foo", NULL);
	node_add_label(g_dt, n, "l2", NULL);
	node_add_label(g_dt, n, "l1", NULL);
	zoo_props_a(n);
	zoo_props_b(n);
	zoo_props_c(n);
	zoo_nodes(root);
}

/* ---- case 2: /plugin/ (dtc 1.6.1 does not print it), empty root ---- */

static const char expect_plugin[] =
	"/dts-v1/;\n"
	"\n"
	"/ {\n"
	"};\n";

static void build_plugin(void)
{
	g_dt->dtsflags = DTSF_V1 | DTSF_PLUGIN;
	add_node(NULL, "");
}

/* ---- case 3: values without markers (fixup-made), dtc's guess ----- */

static const char expect_guess[] =
	"/dts-v1/;\n"
	"\n"
	"/ {\n"
	"\tlinux,phandle = <0x4100>;\n"
	"\tphandle = \"A\\0A\";\n"
	"\ta = [00];\n"
	"\tb = \"a\\0001b\\0c\";\n"
	"\tc = [01 02 03];\n"
	"\td = <0x01 0x02>;\n"
	"};\n";

static void add_raw(struct node *n, const char *name, const void *p,
		    size_t len)
{
	struct data d = { 0 };

	data_append(g_dt, &d, p, len);
	add_prop(n, name, d);
}

static void build_guess(void)
{
	struct node *root = add_node(NULL, "");

	add_raw(root, "linux,phandle", "\0\0\x41\0", 4);
	add_raw(root, "phandle", "A\0A\0", 4);
	add_raw(root, "a", "", 1);
	add_raw(root, "b", "a\0" "1b\0c", 7);
	add_raw(root, "c", "\1\2\3", 3);
	add_raw(root, "d", "\0\0\0\1\0\0\0\2", 8);
}

/* ---- case 4: inputs dtc would assert on; only must not crash ----- */

static void build_robust(void)
{
	struct node *root = add_node(NULL, "");
	struct data d;
	struct marker *m;

	/* bytes before the first type marker (an /incbin/ first) */
	d = empty();
	v_mark(&d, MARK_NONE, NULL);
	data_append(g_dt, &d, "\1\2\3\4", 4);
	v_str(&d, "a");
	add_prop(root, "untyped-first", d);

	/* a string chunk without its NUL, then cells */
	d = empty();
	v_mark(&d, MARK_TYPE_STRING, NULL);
	data_append(g_dt, &d, "ab", 2);
	v_ints(&d, 32, 1, (uint64_t)7);
	add_prop(root, "no-nul", d);

	/* cells not a multiple of their width; markers past the end */
	d = empty();
	v_ints(&d, 32, 0);
	data_append(g_dt, &d, "\1\2\3\4\5\6", 6);
	m = data_add_marker(g_dt, &d, MARK_LABEL, NULL, NULL);
	m->offset = 100;
	m = data_add_marker(g_dt, &d, MARK_TYPE_U64, NULL, NULL);
	m->offset = 200;
	add_prop(root, "odd", d);
}

/* ---- driver ------------------------------------------------------- */

struct unit_case {
	const char *name;
	void (*build)(void);
	const char *expect;
};

static const struct unit_case cases[] = {
	{ "markers", build_zoo, expect_zoo },
	{ "plugin", build_plugin, expect_plugin },
	{ "guess", build_guess, expect_guess },
	{ "robust", build_robust, NULL },
};

static char *emit_to_string(struct dt *dt, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	if (dts_write(f, dt))
		fprintf(stderr, "dts_write reported an error\n");
	fclose(f);
	return buf;
}

static void show_diff(const char *want, const char *got)
{
	size_t i = 0;

	while (want[i] && want[i] == got[i])
		i++;
	fprintf(stderr, "  first difference at byte %zu\n", i);
	fprintf(stderr, "--- expected\n%s--- got\n%s", want, got);
}

static int run_unit(void)
{
	size_t i, ok = 0, n = sizeof(cases) / sizeof(cases[0]);

	for (i = 0; i < n; i++) {
		size_t len;
		char *got;

		g_dt = dt_new();
		cases[i].build();
		got = emit_to_string(g_dt, &len);
		if (got && !cases[i].expect) {
			ok++;	/* no crash is the test */
			if (getenv("DTS_EMIT_SHOW"))
				fputs(got, stdout);
		} else if (got && strcmp(got, cases[i].expect) == 0) {
			ok++;
		} else {
			fprintf(stderr, "dts-emit unit %s: MISMATCH\n",
				cases[i].name);
			if (got)
				show_diff(cases[i].expect, got);
		}
		free(got);
		dt_free(g_dt);
	}
	printf("dts-emit unit: %zu/%zu ok\n", ok, n);
	return ok == n ? 0 : 1;
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

static int run_file(const char *name)
{
	size_t len;
	char *buf = slurp(name, &len);
	struct dt *dt;
	int ret;

	if (!buf) {
		perror(name);
		return 1;
	}
	dt = dtb_read(name, buf, len);
	if (!dt) {
		fprintf(stderr, "%s: cannot read blob\n", name);
		free(buf);
		return 1;
	}
	ret = dts_write(stdout, dt) ? 1 : 0;
	dt_free(dt);
	free(buf);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--unit") == 0)
		return run_unit();
	if (argc == 2)
		return run_file(argv[1]);
	fprintf(stderr, "usage: %s FILE.dtb | --unit\n", argv[0]);
	return 2;
}
