// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DTS output. The text matches dtc 1.6.1's -O dts byte for byte:
 *
 *  - A value is cut into chunks at its markers. A type marker opens a
 *    chunk group ("<", "[", "/bits/ N <" or a string), a label marker is
 *    written as "name:", and any other marker (references) only splits the
 *    bytes, costing a space when it is not at offset 0. A group is closed
 *    when the bytes up to the next type marker have been written.
 *  - A value with no type marker at all (read from a blob, or made by a
 *    fixup) is typed by dtc's guess: string list, cells, or bytes.
 *  - References are written as the numbers and path strings they became;
 *    dtc 1.6.1 does not write "&label" and does not write "/plugin/;".
 *
 * Where dtc would stop on an assertion (a string chunk without its NUL, a
 * chunk of bytes before any type marker) we write something readable
 * instead. The one deliberate difference from dtc is in strings: a NUL
 * followed by an octal digit is written "\000" rather than "\0", which
 * dtc's lexer would read back as a different octal escape.
 *
 * The tree is walked with an explicit stack, so a very deep tree from a
 * blob cannot exhaust the C stack.
 */
#include "emit_dts.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static bool is_type_marker(const struct marker *m)
{
	return m->type >= MARK_TYPE_U8 && m->type <= MARK_TYPE_STRING;
}

/* dtc runs in the "C" locale: printable means ASCII 0x20..0x7e. */
static bool is_print(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

/* Bytes a guessed string list may hold: printable, NUL, \a .. \r. */
static bool is_string_byte(uint8_t c)
{
	return is_print(c) || c == '\0' || (c >= '\a' && c <= '\r');
}

static void write_indent(FILE *f, int level)
{
	while (level-- > 0)
		fputc('\t', f);
}

static void write_labels(FILE *f, struct label *labels)
{
	struct label *l;

	for_each_label(labels, l)
		fprintf(f, "%s: ", l->name);
}

static const char *char_escape(uint8_t c)
{
	switch (c) {
	case '\a': return "\\a";
	case '\b': return "\\b";
	case '\t': return "\\t";
	case '\n': return "\\n";
	case '\v': return "\\v";
	case '\f': return "\\f";
	case '\r': return "\\r";
	case '\\': return "\\\\";
	case '"':  return "\\\"";
	default:   return NULL;
	}
}

static bool is_octal_digit(uint8_t c)
{
	return c >= '0' && c <= '7';
}

static void write_string_byte(FILE *f, const uint8_t *s, size_t i, size_t n)
{
	uint8_t c = s[i];
	const char *esc = char_escape(c);

	if (esc) {
		fputs(esc, f);
	} else if (c == '\0') {
		/* "\0" then a digit 0-7 would read back as one octal escape */
		if (i + 1 < n && is_octal_digit(s[i + 1]))
			fputs("\\000", f);
		else
			fputs("\\0", f);
	} else if (is_print(c)) {
		fputc(c, f);
	} else {
		/* dtc prints a plain (signed) char here: 0x80 -> ffffff80 */
		fprintf(f, "\\x%02x", (unsigned int)(int)(signed char)c);
	}
}

/* One string chunk: its bytes up to the final NUL, quoted. */
static void write_string(FILE *f, const uint8_t *s, size_t len)
{
	size_t n, i;

	if (!len)
		return;
	n = s[len - 1] == '\0' ? len - 1 : len;
	fputc('"', f);
	for (i = 0; i < n; i++)
		write_string_byte(f, s, i, n);
	fputc('"', f);
}

static uint64_t load_be(const uint8_t *p, size_t width)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < width; i++)
		v = (v << 8) | p[i];
	return v;
}

static void write_ints(FILE *f, const uint8_t *p, size_t len, size_t width)
{
	size_t off, w;

	for (off = 0; off < len; off += w) {
		w = len - off < width ? len - off : width;
		if (off)
			fputc(' ', f);
		if (width == 1)
			fprintf(f, "%02x", p[off]);
		else
			fprintf(f, "0x%02" PRIx64, load_be(p + off, w));
	}
}

static const char *group_open(enum marker_type t)
{
	switch (t) {
	case MARK_TYPE_U8:	return "[";
	case MARK_TYPE_U16:	return "/bits/ 16 <";
	case MARK_TYPE_U32:	return "<";
	case MARK_TYPE_U64:	return "/bits/ 64 <";
	default:		return "";
	}
}

static const char *group_close(enum marker_type t)
{
	switch (t) {
	case MARK_TYPE_U8:	return "]";
	case MARK_TYPE_U16:
	case MARK_TYPE_U32:
	case MARK_TYPE_U64:	return ">";
	default:		return "";
	}
}

static void write_chunk(FILE *f, enum marker_type t, const uint8_t *p,
			size_t len)
{
	switch (t) {
	case MARK_TYPE_U16:
		write_ints(f, p, len, 2);
		break;
	case MARK_TYPE_U32:
		write_ints(f, p, len, 4);
		break;
	case MARK_TYPE_U64:
		write_ints(f, p, len, 8);
		break;
	case MARK_TYPE_STRING:
		write_string(f, p, len);
		break;
	default:
		write_ints(f, p, len, 1);
		break;
	}
}

/* dtc's guess for a value that carries no type marker. */
static enum marker_type guess_type(const struct data *d)
{
	const uint8_t *p = d->val;
	size_t len = d->len, i, nnul = 0, notstr = 0;
	size_t lbl_notstr = 0, lbl_notcell = 0;
	struct marker *m;

	for (i = 0; i < len; i++) {
		if (!is_string_byte(p[i]))
			notstr++;
		if (p[i] == '\0')
			nnul++;
	}
	for_each_marker_of_type(d->markers, m, MARK_LABEL) {
		if (m->offset > 0 && m->offset <= len &&
		    p[m->offset - 1] != '\0')
			lbl_notstr++;
		if (m->offset % sizeof(cell_t))
			lbl_notcell++;
	}
	if (p[len - 1] == '\0' && !notstr && nnul <= len - nnul &&
	    !lbl_notstr)
		return MARK_TYPE_STRING;
	if (len % sizeof(cell_t) == 0 && !lbl_notcell)
		return MARK_TYPE_U32;
	return MARK_TYPE_U8;
}

static const struct marker *next_type_marker(const struct marker *m)
{
	while (m && !is_type_marker(m))
		m = m->next;
	return m;
}

static size_t clamp_offset(uint32_t off, size_t len)
{
	return off < len ? off : len;
}

/* Bytes from m to the next type marker; 0 when there is none. */
static size_t group_rest(const struct marker *m, size_t len)
{
	const struct marker *next = next_type_marker(m->next);
	size_t from = clamp_offset(m->offset, len), to;

	if (!next)
		return 0;
	to = clamp_offset(next->offset, len);
	return to > from ? to - from : 0;
}

static size_t chunk_length(const struct marker *m, size_t len)
{
	size_t from = clamp_offset(m->offset, len);
	size_t to = m->next ? clamp_offset(m->next->offset, len) : len;

	return to > from ? to - from : 0;
}

static void write_value_chunks(FILE *f, const struct data *d,
			       const struct marker *m)
{
	enum marker_type emit = MARK_NONE;
	size_t len = d->len;

	for (; m; m = m->next) {
		size_t off = clamp_offset(m->offset, len);
		size_t chunk = chunk_length(m, len);
		size_t group = group_rest(m, len);

		if (!group)
			group = len - off;
		if (is_type_marker(m)) {
			emit = m->type;
			fprintf(f, " %s", group_open(emit));
		} else if (m->type == MARK_LABEL) {
			fprintf(f, " %s:", m->ref ? m->ref : "");
		} else if (off) {
			fputc(' ', f);
		}
		if (emit == MARK_NONE) {
			if (!chunk)
				continue;
			/* untyped bytes (dtc asserts): show them as bytes */
			emit = MARK_TYPE_U8;
			fprintf(f, "%s%s", off ? "" : " ", group_open(emit));
		}
		write_chunk(f, emit, d->val + off, chunk);
		if (chunk == group) {
			fputs(group_close(emit), f);
			if (off + chunk != len)
				fputc(',', f);
			emit = MARK_NONE;
		}
	}
}

static void write_value(FILE *f, const struct property *p)
{
	const struct data *d = &p->val;
	struct marker guess;

	if (!d->len) {
		fputs(";\n", f);
		return;
	}
	fputs(" =", f);
	if (next_type_marker(d->markers)) {
		write_value_chunks(f, d, d->markers);
	} else {
		memset(&guess, 0, sizeof(guess));
		guess.type = guess_type(d);
		guess.next = d->markers;
		write_value_chunks(f, d, &guess);
	}
	fputs(";\n", f);
}

static void open_node(FILE *f, struct node *n, int level)
{
	struct property *p;

	write_indent(f, level);
	write_labels(f, n->labels);
	if (n->name && *n->name)
		fprintf(f, "%s {\n", n->name);
	else
		fputs("/ {\n", f);
	for_each_property(n, p) {
		write_indent(f, level + 1);
		write_labels(f, p->labels);
		fputs(p->name ? p->name : "", f);
		write_value(f, p);
	}
}

static void close_node(FILE *f, int level)
{
	write_indent(f, level);
	fputs("};\n", f);
}

struct frame {
	struct node *cursor;	/* next child to consider */
};

static struct node *next_live(struct node *c)
{
	while (c && c->deleted)
		c = c->next_sibling;
	return c;
}

static void write_tree(FILE *f, struct node *root)
{
	struct frame *stack;
	size_t depth = 1, cap = 64;

	stack = xmalloc(cap * sizeof(*stack));
	open_node(f, root, 0);
	stack[0].cursor = root->children;
	while (depth) {
		struct node *c = next_live(stack[depth - 1].cursor);

		if (!c) {
			depth--;
			close_node(f, (int)depth);
			continue;
		}
		stack[depth - 1].cursor = c->next_sibling;
		fputc('\n', f);
		open_node(f, c, (int)depth);
		if (depth == cap) {
			cap *= 2;
			stack = xrealloc(stack, cap * sizeof(*stack));
		}
		stack[depth++].cursor = c->children;
	}
	free(stack);
}

static void write_reserves(FILE *f, const struct reserve *r)
{
	for (; r; r = r->next) {
		write_labels(f, r->labels);
		fprintf(f, "/memreserve/\t0x%016llx 0x%016llx;\n",
			(unsigned long long)r->address,
			(unsigned long long)r->size);
	}
}

int dts_write(FILE *f, struct dt *dt)
{
	fputs("/dts-v1/;\n\n", f);
	write_reserves(f, dt->reserves);
	if (dt->root)
		write_tree(f, dt->root);
	if (fflush(f) == EOF || ferror(f))
		return -1;
	return 0;
}
