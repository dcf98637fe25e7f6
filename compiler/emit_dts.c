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

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

/* ---- buffered text ------------------------------------------------------
 *
 * The text is formatted by hand into one buffer that goes to the FILE in
 * large pieces: per-byte stdio calls and printf formats were most of the
 * time spent writing a large tree. */

#define OUT_BUF_SIZE	(128 * 1024)
/* Most bytes any single formatting step below asks room for */
#define OUT_STEP_MAX	32

struct out {
	FILE *f;
	char *buf, *p, *end;	/* buffer, write cursor, end of buffer */
	bool failed;
};

static const char hexdigits[] = "0123456789abcdef";

static void out_flush(struct out *o)
{
	size_t n = (size_t)(o->p - o->buf);

	if (n && !o->failed && fwrite(o->buf, 1, n, o->f) != n)
		o->failed = true;
	o->p = o->buf;
}

/* Room for n (<= OUT_STEP_MAX) more bytes at o->p. */
static inline char *out_room(struct out *o, size_t n)
{
	if ((size_t)(o->end - o->p) < n)
		out_flush(o);
	return o->p;
}

static void out_mem_slow(struct out *o, const void *s, size_t n)
{
	const char *c = s;

	while (n) {
		size_t k = (size_t)(o->end - o->p);

		if (!k) {
			out_flush(o);
			k = (size_t)(o->end - o->p);
		}
		if (k > n)
			k = n;
		memcpy(o->p, c, k);
		o->p += k;
		c += k;
		n -= k;
	}
}

static inline void out_mem(struct out *o, const void *s, size_t n)
{
	if ((size_t)(o->end - o->p) >= n) {
		memcpy(o->p, s, n);
		o->p += n;
		return;
	}
	out_mem_slow(o, s, n);
}

static void out_str(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

static inline void out_char(struct out *o, char c)
{
	*out_room(o, 1) = c;
	o->p++;
}

/* v in lowercase hex, at least two digits (printf's "%02x") */
static char *fmt_hex(char *p, uint64_t v)
{
	int n = v < 0x100 ? 2 : (67 - __builtin_clzll(v)) / 4;
	char *q = p + n;

	while (q > p) {
		*--q = hexdigits[v & 0xf];
		v >>= 4;
	}
	return p + n;
}

static char *fmt_hex_byte(char *p, uint8_t c)
{
	p[0] = hexdigits[c >> 4];
	p[1] = hexdigits[c & 0xf];
	return p + 2;
}

/* ---- the DTS text ------------------------------------------------------ */

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

static void write_indent(struct out *o, int level)
{
	static const char tabs[] = "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t";

	while (level > 0) {
		int k = level < 16 ? level : 16;

		out_mem(o, tabs, (size_t)k);
		level -= k;
	}
}

static void write_labels(struct out *o, struct label *labels)
{
	struct label *l;

	for_each_label(labels, l) {
		out_str(o, l->name);
		out_mem(o, ": ", 2);
	}
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

/* Written as itself inside a string */
static bool is_plain(uint8_t c)
{
	return is_print(c) && c != '\\' && c != '"';
}

/* is_plain() and is_string_byte() by table: the inner loops over values */
enum { BC_PLAIN = 1, BC_STRING = 2 };
static uint8_t byte_class[256];

static void init_byte_class(void)
{
	unsigned int c;

	if (byte_class['a'])
		return;
	for (c = 0; c < 256; c++)
		byte_class[c] = (is_plain(c) ? BC_PLAIN : 0) |
				(is_string_byte(c) ? BC_STRING : 0);
}

static void write_string_byte(struct out *o, const uint8_t *s, size_t i,
			      size_t n)
{
	uint8_t c = s[i];
	const char *esc = char_escape(c);
	char *p;

	if (esc) {
		p = out_room(o, 2);
		p[0] = esc[0];
		p[1] = esc[1];
		o->p = p + 2;
	} else if (c == '\0') {
		/* "\0" then a digit 0-7 would read back as one octal escape */
		if (i + 1 < n && is_octal_digit(s[i + 1]))
			out_mem(o, "\\000", 4);
		else
			out_mem(o, "\\0", 2);
	} else {
		/* not printable; dtc prints a plain (signed) char with
		 * "\\x%02x": 0x80 -> ffffff80 */
		p = out_room(o, 10);
		*p++ = '\\';
		*p++ = 'x';
		if (c >= 0x80) {
			memcpy(p, "ffffff", 6);
			p += 6;
		}
		o->p = fmt_hex_byte(p, c);
	}
}

/* One string chunk: its bytes up to the final NUL, quoted. */
static void write_string(struct out *o, const uint8_t *s, size_t len)
{
	size_t n, i, j;

	if (!len)
		return;
	n = s[len - 1] == '\0' ? len - 1 : len;
	out_char(o, '"');
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && (byte_class[s[j]] & BC_PLAIN); j++)
			;
		if (j > i) {
			out_mem(o, s + i, j - i);
		} else {
			write_string_byte(o, s, i, n);
			j++;
		}
	}
	out_char(o, '"');
}

static uint64_t load_be(const uint8_t *p, size_t width)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < width; i++)
		v = (v << 8) | p[i];
	return v;
}

static void write_bytes(struct out *o, const uint8_t *p, size_t len)
{
	size_t off;
	char *q;

	for (off = 0; off < len; off++) {
		q = out_room(o, 3);
		if (off)
			*q++ = ' ';
		o->p = fmt_hex_byte(q, p[off]);
	}
}

/* Integers of width bytes (a short last one as it is): "0x%02x" each */
static void write_ints(struct out *o, const uint8_t *p, size_t len,
		       size_t width)
{
	size_t off, w;
	uint64_t v;
	char *q;

	for (off = 0; off < len; off += w) {
		w = len - off < width ? len - off : width;
		/* cells, by far the most common, without the byte loop */
		v = w == 4 ? ((uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 |
			      (uint32_t)p[off + 2] << 8 | p[off + 3]) :
			     load_be(p + off, w);
		q = out_room(o, 19);
		if (off)
			*q++ = ' ';
		*q++ = '0';
		*q++ = 'x';
		o->p = fmt_hex(q, v);
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

static void write_chunk(struct out *o, enum marker_type t, const uint8_t *p,
			size_t len)
{
	switch (t) {
	case MARK_TYPE_U16:
		write_ints(o, p, len, 2);
		break;
	case MARK_TYPE_U32:
		write_ints(o, p, len, 4);
		break;
	case MARK_TYPE_U64:
		write_ints(o, p, len, 8);
		break;
	case MARK_TYPE_STRING:
		write_string(o, p, len);
		break;
	default:
		write_bytes(o, p, len);
		break;
	}
}

/* Ends in a NUL, holds only string bytes, and no more NULs than others:
 * dtc's test, stopping at the first byte that rules it out. */
static bool is_string_list(const uint8_t *p, size_t len)
{
	size_t i, nnul = 0;

	if (p[len - 1] != '\0')
		return false;
	for (i = 0; i < len; i++) {
		if (!(byte_class[p[i]] & BC_STRING))
			return false;
		nnul += p[i] == '\0';
	}
	return nnul <= len - nnul;
}

/* dtc's guess for a value that carries no type marker (len > 0). */
static enum marker_type guess_type(const struct data *d)
{
	const uint8_t *p = d->val;
	size_t len = d->len;
	size_t lbl_notstr = 0, lbl_notcell = 0;
	struct marker *m;

	for_each_marker_of_type(d->markers, m, MARK_LABEL) {
		if (m->offset > 0 && m->offset <= len &&
		    p[m->offset - 1] != '\0')
			lbl_notstr++;
		if (m->offset % sizeof(cell_t))
			lbl_notcell++;
	}
	if (!lbl_notstr && is_string_list(p, len))
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

static void write_value_chunks(struct out *o, const struct data *d,
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
			out_char(o, ' ');
			out_str(o, group_open(emit));
		} else if (m->type == MARK_LABEL) {
			out_char(o, ' ');
			if (m->ref)
				out_str(o, m->ref);
			out_char(o, ':');
		} else if (off) {
			out_char(o, ' ');
		}
		if (emit == MARK_NONE) {
			if (!chunk)
				continue;
			/* untyped bytes (dtc asserts): show them as bytes */
			emit = MARK_TYPE_U8;
			if (!off)
				out_char(o, ' ');
			out_str(o, group_open(emit));
		}
		write_chunk(o, emit, d->val + off, chunk);
		if (chunk == group) {
			out_str(o, group_close(emit));
			if (off + chunk != len)
				out_char(o, ',');
			emit = MARK_NONE;
		}
	}
}

static void write_value(struct out *o, const struct property *p)
{
	const struct data *d = &p->val;
	struct marker guess;

	if (!d->len) {
		out_mem(o, ";\n", 2);
		return;
	}
	out_mem(o, " =", 2);
	if (next_type_marker(d->markers)) {
		write_value_chunks(o, d, d->markers);
	} else {
		memset(&guess, 0, sizeof(guess));
		guess.type = guess_type(d);
		guess.next = d->markers;
		write_value_chunks(o, d, &guess);
	}
	out_mem(o, ";\n", 2);
}

static void open_node(struct out *o, struct node *n, int level)
{
	struct property *p;

	write_indent(o, level);
	write_labels(o, n->labels);
	if (n->name && *n->name)
		out_str(o, n->name);
	else
		out_char(o, '/');
	out_mem(o, " {\n", 3);
	for_each_property(n, p) {
		write_indent(o, level + 1);
		write_labels(o, p->labels);
		if (p->name)
			out_str(o, p->name);
		write_value(o, p);
	}
}

static void close_node(struct out *o, int level)
{
	write_indent(o, level);
	out_mem(o, "};\n", 3);
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

static void write_tree(struct out *o, struct node *root)
{
	struct frame *stack;
	size_t depth = 1, cap = 64;

	stack = xmalloc(cap * sizeof(*stack));
	open_node(o, root, 0);
	stack[0].cursor = root->children;
	while (depth) {
		struct node *c = next_live(stack[depth - 1].cursor);

		if (!c) {
			depth--;
			close_node(o, (int)depth);
			continue;
		}
		stack[depth - 1].cursor = c->next_sibling;
		out_char(o, '\n');
		open_node(o, c, (int)depth);
		if (depth == cap) {
			cap *= 2;
			stack = xrealloc(stack, cap * sizeof(*stack));
		}
		stack[depth++].cursor = c->children;
	}
	free(stack);
}

/* "0x%016llx" */
static void write_hex64(struct out *o, uint64_t v)
{
	char *p = out_room(o, 18);
	int i;

	*p++ = '0';
	*p++ = 'x';
	for (i = 15; i >= 0; i--) {
		p[i] = hexdigits[v & 0xf];
		v >>= 4;
	}
	o->p = p + 16;
}

static void write_reserves(struct out *o, const struct reserve *r)
{
	for (; r; r = r->next) {
		write_labels(o, r->labels);
		out_str(o, "/memreserve/\t");
		write_hex64(o, r->address);
		out_char(o, ' ');
		write_hex64(o, r->size);
		out_mem(o, ";\n", 2);
	}
}

int dts_write(FILE *f, struct dt *dt)
{
	struct out o = { .f = f };

	init_byte_class();
	o.buf = xmalloc(OUT_BUF_SIZE);
	o.p = o.buf;
	o.end = o.buf + OUT_BUF_SIZE;
	out_str(&o, "/dts-v1/;\n\n");
	write_reserves(&o, dt->reserves);
	if (dt->root)
		write_tree(&o, dt->root);
	out_flush(&o);
	free(o.buf);
	if (o.failed || fflush(f) == EOF || ferror(f))
		return -1;
	return 0;
}

bool dts_write_file(const char *name, struct dt *dt)
{
	struct output o = { 0 };
	bool reported;
	int err;

	if (!output_open_text(&o, name))
		return false;
	if (dts_write(o.f, dt) != 0) {
		err = errno ? errno : EIO;
		output_discard_text(&o);
		goto fail;
	}
	/* only a temporary file's commit reports its own failure */
	reported = o.tmp_name != NULL;
	if (output_commit_text(&o))
		return true;
	if (reported)
		return false;
	err = errno ? errno : EIO;
fail:
	if (strcmp(name, "-") == 0)
		diag_plain(DIAG_ERROR, "cannot write to stdout: %s",
			   strerror(err));
	else
		diag_plain(DIAG_ERROR, "cannot write \"%s\": %s", name,
			   strerror(err));
	return false;
}
