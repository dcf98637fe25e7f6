// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Blob reader (-I dtb).
 *
 * The tree built here matches what dtc 1.6.1 builds from the same blob:
 * nodes and properties in blob order, the reserve map up to (not
 * including) the first entry with a zero size, values verbatim without
 * markers, and no phandles assigned (the checks do that later).
 *
 * The blob lives in the tree's arena and the tree points into it: node
 * names into the structure block, property names into the strings block,
 * values into the structure block (cap 0, so that an append copies them
 * out first). Nothing is copied per node or property, which is most of
 * the memory and time a large blob would otherwise cost.
 *
 * Every read is bounds-checked against the header's totalsize. Blobs of
 * version 16 and later must also be sound for libfdt's fdt_check_full().
 * The walk demands everything that function does except a few header
 * fields, so a blob the walk accepts needs only those checked; libfdt
 * runs (a second pass over the whole structure) only on a blob the walk
 * rejects, to name the problem as libfdt sees it. The walk's warnings
 * wait for that verdict: a blob libfdt rejects gets only its error.
 */
#include "read_dtb.h"
#include "output.h"

#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Byte offsets of the header fields (all big-endian 32-bit words) */
#define HDR_MAGIC		0
#define HDR_TOTALSIZE		4
#define HDR_OFF_STRUCT		8
#define HDR_OFF_STRINGS		12
#define HDR_OFF_RSVMAP		16
#define HDR_VERSION		20
#define HDR_LAST_COMP		24
#define HDR_BOOT_CPUID		28
#define HDR_SIZE_STRINGS	32
#define HDR_SIZE_STRUCT		36

#define RSV_ENTRY_SIZE		16

struct frame {
	struct node *node;
	const char *flat;	/* the name as stored in the blob */
	size_t flatlen;
};

struct reader {
	struct dt *dt;
	struct srcpos pos;
	char why[320];		/* the first error found */
	char **warnings;	/* held back until the blob is judged */
	size_t nwarn, warncap;

	const uint8_t *blob;	/* in the tree's arena, size bytes */
	uint32_t size, version, hdrsize;
	uint32_t off_rsv, off_struct, off_str;
	uint32_t rsv_end, struct_end;
	uint64_t struct_decl_end;	/* v17: off_struct + size_dt_struct */
	bool str_sized;		/* the header gives the strings size */

	const char *strtab;	/* the strings block */
	uint32_t str_size;
	uint32_t str_valid;	/* offsets below this reach a NUL */

	uint32_t cur, climit;	/* structure cursor, relative */
	bool fullpath, varalign, nops;

	struct frame *stack;
	size_t depth, cap;
	struct reserve *last_rsv;
};

static uint32_t ld32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

static uint64_t ld64(const uint8_t *p)
{
	return ((uint64_t)ld32(p) << 32) | ld32(p + 4);
}

/* Records the first error; the caller reports it once at the end. */
__attribute__((format(printf, 2, 3)))
static bool fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->why[0])
		return false;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	return false;
}

__attribute__((format(printf, 2, 3)))
static void warn(struct reader *r, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->nwarn == r->warncap) {
		r->warncap = r->warncap ? r->warncap * 2 : 8;
		r->warnings = xrealloc(r->warnings,
				       r->warncap * sizeof(*r->warnings));
	}
	r->warnings[r->nwarn++] = xstrdup(msg);
}

static void release_warnings(struct reader *r, bool show)
{
	size_t i;

	for (i = 0; i < r->nwarn; i++) {
		if (show)
			diag_at(DIAG_WARNING, &r->pos, NULL, "%s",
				r->warnings[i]);
		free(r->warnings[i]);
	}
	free(r->warnings);
	r->warnings = NULL;
	r->nwarn = r->warncap = 0;
}

static uint32_t header_size(uint32_t version)
{
	if (version <= 1)
		return FDT_V1_SIZE;
	if (version == 2)
		return FDT_V2_SIZE;
	if (version < 17)
		return FDT_V3_SIZE;
	return FDT_V17_SIZE;
}

/* ---- header ---------------------------------------------------------- */

static bool check_size(struct reader *r, const uint8_t *buf, size_t len)
{
	uint32_t magic;

	if (len < 4)
		return fail(r, "file too short (%zu bytes) to be a device tree blob",
			    len);
	magic = ld32(buf + HDR_MAGIC);
	if (magic != FDT_MAGIC)
		return fail(r, "bad magic 0x%08x (not a device tree blob)",
			    magic);
	if (len < FDT_V1_SIZE)
		return fail(r, "truncated header (%zu bytes, at least %zu needed)",
			    len, (size_t)FDT_V1_SIZE);
	r->size = ld32(buf + HDR_TOTALSIZE);
	r->version = ld32(buf + HDR_VERSION);
	r->hdrsize = header_size(r->version);
	if (r->size < r->hdrsize)
		return fail(r, "totalsize %u is smaller than the version %u header (%u bytes)",
			    r->size, r->version, r->hdrsize);
	if (r->size > len)
		return fail(r, "totalsize %u exceeds the %zu bytes of the file (truncated blob?)",
			    r->size, len);
	return true;
}

static bool check_offset(struct reader *r, const char *what, uint32_t off,
			 uint32_t align)
{
	if (off < r->hdrsize)
		return fail(r, "%s offset 0x%x lies inside the %u-byte header",
			    what, off, r->hdrsize);
	if (off >= r->size)
		return fail(r, "%s offset 0x%x is beyond totalsize 0x%x", what,
			    off, r->size);
	if (off % align)
		return fail(r, "%s offset 0x%x is not %u-byte aligned", what,
			    off, align);
	return true;
}

static bool check_blocks(struct reader *r)
{
	const uint8_t *b = r->blob;
	uint64_t end;

	r->off_struct = ld32(b + HDR_OFF_STRUCT);
	r->off_str = ld32(b + HDR_OFF_STRINGS);
	r->off_rsv = ld32(b + HDR_OFF_RSVMAP);
	if (!check_offset(r, "memory reserve map", r->off_rsv, 8) ||
	    !check_offset(r, "structure block", r->off_struct, 4))
		return false;
	if (r->off_str < r->hdrsize || r->off_str > r->size)
		return fail(r, "strings block offset 0x%x is outside the blob (header %u bytes, totalsize 0x%x)",
			    r->off_str, r->hdrsize, r->size);
	r->str_size = r->size - r->off_str;
	r->str_sized = r->version >= 3;
	if (r->str_sized) {
		r->str_size = ld32(b + HDR_SIZE_STRINGS);
		end = (uint64_t)r->off_str + r->str_size;
		if (end > r->size)
			return fail(r, "strings block (offset 0x%x, size 0x%x) extends past totalsize 0x%x",
				    r->off_str, r->str_size, r->size);
	}
	r->climit = r->size - r->off_struct;
	if (r->version >= 17) {
		end = (uint64_t)r->off_struct + ld32(b + HDR_SIZE_STRUCT);
		if (end > r->size)
			return fail(r, "structure block (offset 0x%x, size 0x%x) extends past totalsize 0x%x",
				    r->off_struct, ld32(b + HDR_SIZE_STRUCT),
				    r->size);
		r->struct_decl_end = end;
		r->climit = (uint32_t)(end - r->off_struct);
	}
	return true;
}

/* ---- memory reserve map and strings ----------------------------------- */

static bool read_reserves(struct reader *r)
{
	uint32_t off = r->off_rsv;
	uint64_t addr, size;
	struct reserve *rv;

	for (;;) {
		if (r->size - off < RSV_ENTRY_SIZE)
			return fail(r, "memory reserve map runs past the end of the blob (no terminating entry)");
		addr = ld64(r->blob + off);
		size = ld64(r->blob + off + 8);
		off += RSV_ENTRY_SIZE;
		if (size == 0)
			break;
		rv = reserve_new(r->dt, addr, size, &r->pos);
		if (r->last_rsv)
			r->last_rsv->next = rv;
		else
			r->dt->reserves = rv;
		r->last_rsv = rv;
	}
	r->rsv_end = off;
	return true;
}

/* Names are used in place: every offset below str_valid reaches a NUL
 * inside the block. */
static void load_strings(struct reader *r)
{
	const uint8_t *s = r->blob + r->off_str;
	const uint8_t *nul = r->str_size ? memrchr(s, '\0', r->str_size)
					 : NULL;

	r->strtab = (const char *)s;
	r->str_valid = nul ? (uint32_t)(nul - s) + 1 : 0;
}

static bool lookup_string(struct reader *r, uint32_t off, const char **name)
{
	if (off >= r->str_size)
		return fail(r, "property name offset 0x%x is outside the %u-byte strings block",
			    off, r->str_size);
	if (off >= r->str_valid)
		return fail(r, "property name at strings offset 0x%x has no terminating NUL",
			    off);
	*name = r->strtab + off;
	return true;
}

/* ---- structure block cursor ------------------------------------------- */

static bool premature_end(struct reader *r)
{
	return fail(r, "structure block ends early (at offset 0x%x of the block)",
		    r->cur);
}

static bool cur_word(struct reader *r, uint32_t *v)
{
	if (r->climit - r->cur < 4)
		return premature_end(r);
	*v = ld32(r->blob + r->off_struct + r->cur);
	r->cur += 4;
	return true;
}

static bool cur_align(struct reader *r, uint32_t align)
{
	uint64_t next = ((uint64_t)r->cur + align - 1) & ~(uint64_t)(align - 1);

	if (next > r->climit)
		return premature_end(r);
	r->cur = (uint32_t)next;
	return true;
}

static bool cur_name(struct reader *r, const char **s, size_t *len)
{
	const char *p = (const char *)r->blob + r->off_struct + r->cur;
	const char *nul = memchr(p, '\0', r->climit - r->cur);

	if (!nul)
		return fail(r, "node name at structure offset 0x%x has no terminating NUL",
			    r->cur);
	*s = p;
	*len = (size_t)(nul - p);
	r->cur += (uint32_t)*len + 1;
	return cur_align(r, 4);
}

/* ---- nodes and properties -------------------------------------------- */

/* Old blobs name nodes by full path; the node's own name is what follows
 * the parent's path (and a '/'), as dtc computes it. */
static bool name_from_path(struct reader *r, const struct frame *parent,
			   const char **name, size_t *len)
{
	const char *pflat = parent ? parent->flat : "";
	size_t plen = parent ? parent->flatlen : 0, skip = plen;

	if (!(plen == 1 && pflat[0] == '/'))
		skip++;
	if (*len < plen || memcmp(*name, pflat, plen) != 0)
		return fail(r, "path \"%.*s\" is not valid as a child of \"%.*s\"",
			    (int)(*len > 200 ? 200 : *len), *name,
			    (int)(plen > 200 ? 200 : plen), pflat);
	if (*len < skip)
		return fail(r, "node path \"%.*s\" has no name after its parent's path%s",
			    (int)(*len > 200 ? 200 : *len), *name,
			    parent ? "" : " (the root must be \"/\")");
	*name += skip;
	*len -= skip;
	return true;
}

static bool push_frame(struct reader *r, struct node *n, const char *flat,
		       size_t flatlen)
{
	if (r->depth == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->stack = xrealloc(r->stack, r->cap * sizeof(*r->stack));
	}
	r->stack[r->depth++] = (struct frame){ n, flat, flatlen };
	return true;
}

static bool begin_node(struct reader *r)
{
	struct frame *parent = r->depth ? &r->stack[r->depth - 1] : NULL;
	uint32_t at = r->cur - 4;
	const char *flat = NULL, *name;
	size_t flatlen = 0, len;
	struct node *n;

	if (r->depth >= DTB_MAX_DEPTH)
		return fail(r, "nodes nested deeper than %d levels (structure offset 0x%x)",
			    DTB_MAX_DEPTH, at);
	if (!cur_name(r, &flat, &flatlen))
		return false;
	name = flat;
	len = flatlen;
	if (r->fullpath && !name_from_path(r, parent, &name, &len))
		return false;
	/* Before version 16 the root's full path must be "/": dtc takes
	 * "root" as a root named "oot" and writes a blob nothing reads. */
	if (!parent && len && r->fullpath)
		return fail(r, "root node's path is \"%.*s\"; it must be \"/\"",
			    (int)(flatlen > 200 ? 200 : flatlen), flat);
	if (!parent && len)
		return fail(r, "root node has a name (\"%.*s\"); it must be empty",
			    (int)(len > 200 ? 200 : len), name);
	n = node_new(r->dt, &r->pos);
	/* name is the NUL-terminated tail of flat, inside the blob */
	node_set_name(r->dt, n, name);
	if (parent)
		node_append_child(r->dt, parent->node, n);
	else
		r->dt->root = n;
	return push_frame(r, n, flat, flatlen);
}

static bool read_prop(struct reader *r)
{
	struct node *n = r->stack[r->depth - 1].node;
	uint32_t len, nameoff;
	const char *name = NULL;
	struct data d = { 0 };

	if (n->children)
		warn(r, "flat tree input has subnodes preceding a property (in node \"%s\")",
		     n->name);
	if (!cur_word(r, &len) || !cur_word(r, &nameoff) ||
	    !lookup_string(r, nameoff, &name))
		return false;
	if (r->varalign && len >= 8 && !cur_align(r, 8))
		return false;
	if (r->climit - r->cur < len)
		return fail(r, "value of property \"%.200s\" (%u bytes) runs past the end of the structure block",
			    name, len);
	if (len) {
		/* the blob is the tree's own, writable memory */
		d.val = (uint8_t *)r->blob + r->off_struct + r->cur;
		d.len = len;
	}
	r->cur += len;
	node_append_prop(n, prop_new(r->dt, name, d, &r->pos));
	return cur_align(r, 4);
}

static bool read_tag(struct reader *r)
{
	uint32_t at = r->cur, tag;

	if (!cur_word(r, &tag))
		return false;
	switch (tag) {
	case FDT_PROP:
		return read_prop(r);
	case FDT_BEGIN_NODE:
		return begin_node(r);
	case FDT_END_NODE:
		r->depth--;
		return true;
	case FDT_NOP:
		if (!r->nops)
			warn(r, "NOP tag found in flat tree version <16");
		return true;
	case FDT_END:
		return fail(r, "premature FDT_END at structure offset 0x%x (%zu nodes still open)",
			    at, r->depth);
	default:
		return fail(r, "invalid tag 0x%08x at structure offset 0x%x",
			    tag, at);
	}
}

static bool read_struct(struct reader *r)
{
	uint32_t tag;

	r->fullpath = r->varalign = r->version < 16;
	r->nops = r->version >= 16;
	if (!cur_word(r, &tag))
		return false;
	if (tag != FDT_BEGIN_NODE)
		return fail(r, "structure block does not begin with FDT_BEGIN_NODE (begins with 0x%08x)",
			    tag);
	if (!begin_node(r))
		return false;
	while (r->depth)
		if (!read_tag(r))
			return false;
	if (!cur_word(r, &tag))
		return false;
	if (tag != FDT_END)
		return fail(r, "structure block does not end with FDT_END after the root node (found 0x%08x)",
			    tag);
	r->struct_end = r->off_struct + r->cur;
	return true;
}

/* ---- layout ------------------------------------------------------------ */

struct span {
	const char *what;
	uint64_t start, end;	/* end == start: only the start is known */
};

static bool spans_overlap(const struct span *a, const struct span *b)
{
	if (a->start == a->end)
		return a->start >= b->start && a->start < b->end;
	if (b->start == b->end)
		return b->start >= a->start && b->start < a->end;
	return a->start < b->end && b->start < a->end;
}

static bool check_layout(struct reader *r)
{
	struct span s[3] = {
		{ "memory reserve map", r->off_rsv, r->rsv_end },
		{ "structure block", r->off_struct, r->struct_end },
		{ "strings block", r->off_str, r->off_str },
	};
	int i, j;

	if (r->struct_decl_end > s[1].end)
		s[1].end = r->struct_decl_end;
	if (r->str_sized)
		s[2].end += r->str_size;
	for (i = 0; i < 3; i++)
		for (j = i + 1; j < 3; j++)
			if (spans_overlap(&s[i], &s[j]))
				return fail(r, "%s (0x%llx-0x%llx) overlaps %s (0x%llx-0x%llx)",
					    s[i].what,
					    (unsigned long long)s[i].start,
					    (unsigned long long)s[i].end,
					    s[j].what,
					    (unsigned long long)s[j].start,
					    (unsigned long long)s[j].end);
	return true;
}

/* ---- driver ------------------------------------------------------------ */

static bool parse(struct reader *r)
{
	if (!check_blocks(r) || !read_reserves(r))
		return false;
	load_strings(r);
	if (!read_struct(r) || !check_layout(r))
		return false;
	/* dtc takes the word at this offset even from a version 1 header,
	 * where it is the padding before the reserve map. */
	if (r->size >= HDR_BOOT_CPUID + 4)
		r->dt->boot_cpuid_phys = ld32(r->blob + HDR_BOOT_CPUID);
	r->dt->dtsflags = DTSF_V1;
	return true;
}

static const char *libfdt_words(int err)
{
	switch (-err) {
	case FDT_ERR_TRUNCATED:
		return "a block or the structure runs past the end of the blob";
	case FDT_ERR_BADVERSION:
		return "unsupported version or last compatible version";
	case FDT_ERR_BADSTRUCTURE:
		return "malformed structure block (unbalanced nodes, data after the root node or a named root)";
	case FDT_ERR_BADOFFSET:
		return "a tag, name or property offset is out of range";
	case FDT_ERR_BADMAGIC:
		return "bad magic number";
	case FDT_ERR_BADLAYOUT:
		return "blocks are laid out in an unusable order";
	default:
		return "the blob is inconsistent";
	}
}

/* Builds the tree into r->dt, which holds the blob. */
static bool walk(struct reader *r)
{
	r->depth = 0;
	r->cur = 0;
	r->last_rsv = NULL;
	return parse(r);
}

/*
 * libfdt 1.6.1's fdt_next_tag() takes a property length that wraps the
 * offset back (0xfffffff4: the next tag is this one again) and its
 * fdt_check_full() then loops forever. Follows the tags as libfdt would,
 * in 64-bit arithmetic: false if some step does not move forward within
 * the structure block. Other malformations end libfdt's loop; they are
 * left to it.
 */
static bool tags_advance(const struct reader *r)
{
	uint64_t base = ld32(r->blob + HDR_OFF_STRUCT), end = r->size, off;

	if (r->version >= 17 && base + ld32(r->blob + HDR_SIZE_STRUCT) < end)
		end = base + ld32(r->blob + HDR_SIZE_STRUCT);
	for (off = base; off + 4 <= end;) {
		uint32_t tag = ld32(r->blob + off);
		uint64_t next = off + 4;

		if (tag == FDT_BEGIN_NODE) {
			while (next < end && r->blob[next])
				next++;
			next++;
		} else if (tag == FDT_PROP) {
			/* libfdt needs only the length word in bounds here
			 * (not the name offset after it) to take the step */
			if (next + 4 > end)
				return true;
			next += 8 + (uint64_t)ld32(r->blob + off + 4);
			if (next > end)
				return false;
		} else if (tag == FDT_END) {
			return true;
		} else if (tag != FDT_END_NODE && tag != FDT_NOP) {
			return true;
		}
		off = (next + 3) & ~(uint64_t)3;
	}
	return true;
}

/*
 * After a successful walk of a version 16+ blob: what fdt_check_full()
 * demands beyond the walk. The walk is at least as strict about the rest:
 * block bounds (64-bit, so no 32-bit wrap-around), the reserve map's
 * terminating entry, tags and their bounds, NUL-terminated node names,
 * name offsets inside the strings block reaching a NUL, nesting, an empty
 * root name and FDT_END right after the root node.
 */
static bool libfdt_accepts(const struct reader *r)
{
	uint32_t last_comp = ld32(r->blob + HDR_LAST_COMP);

	return !((uintptr_t)r->blob & 7) &&
	       r->version >= FDT_FIRST_SUPPORTED_VERSION &&
	       last_comp <= FDT_LAST_SUPPORTED_VERSION &&
	       r->version >= last_comp && r->size < INT32_MAX;
}

/* Version 16 and later: libfdt's verdict, reported when it objects. */
static bool libfdt_gate(struct reader *r)
{
	int err = tags_advance(r) ? fdt_check_full(r->blob, r->size) :
		  -FDT_ERR_BADSTRUCTURE;

	if (!err)
		return true;
	/* The walk only knows about layout problems. */
	if (err == -FDT_ERR_BADVERSION)
		snprintf(r->why, sizeof(r->why),
			 "unsupported version %u (last compatible version %u)",
			 r->version, ld32(r->blob + HDR_LAST_COMP));
	diag_at(DIAG_ERROR, &r->pos, NULL, "invalid device tree blob: %s: %s",
		fdt_strerror(err), r->why[0] ? r->why : libfdt_words(err));
	return false;
}

/*
 * The blob is already in dt's arena, len bytes (the whole file). Returns
 * dt with the tree, or NULL (dt freed) after reporting every error.
 */
static struct dt *read_in_place(struct dt *dt, const char *name,
				const uint8_t *blob, size_t len)
{
	struct reader r = { 0 };
	bool ok = false;

	r.pos.src = src_name_only(name);
	r.dt = dt;
	dt->from_blob = true;
	dt->input_name = name;
	if (!check_size(&r, blob, len)) {
		diag_at(DIAG_ERROR, &r.pos, NULL, "%s", r.why);
		goto out;
	}
	r.blob = blob;
	ok = walk(&r);
	if (r.version >= 16 && !(ok && libfdt_accepts(&r)) &&
	    !libfdt_gate(&r)) {
		ok = false;
		goto out;
	}
	release_warnings(&r, true);
	if (!ok)
		diag_at(DIAG_ERROR, &r.pos, NULL, "%s", r.why);
out:
	release_warnings(&r, false);
	free(r.stack);
	if (ok)
		return dt;
	dt_free(dt);
	return NULL;
}

struct dt *dtb_read(const char *name, const void *buf, size_t len)
{
	struct dt *dt = dt_new();
	/* The tree points into the blob, so it gets a copy of its own; the
	 * arena's memory is 8-byte aligned, as libfdt wants. */
	uint8_t *blob = arena_alloc(&dt->arena, len);

	if (len)
		memcpy(blob, buf, len);
	return read_in_place(dt, name, blob, len);
}

static void *arena_room(void *arena, size_t size)
{
	return arena_alloc(arena, size);
}

/*
 * How much of a blob read from a pipe or device is needed: its header's
 * totalsize, or nothing more once the magic is wrong (`domc -I dtb
 * /dev/zero` must not read 1 GiB of zeros to say so). dtc reads to the
 * end of the stream, but uses no byte past totalsize either.
 */
static size_t blob_enough(const void *buf, size_t len)
{
	const unsigned char *b = buf;
	size_t total;

	if (len < 4)
		return 0;
	if (b[0] != 0xd0 || b[1] != 0x0d || b[2] != 0xfe || b[3] != 0xed)
		return len;
	if (len < 8)
		return 0;
	total = (size_t)b[4] << 24 | (size_t)b[5] << 16 | (size_t)b[6] << 8 |
		b[7];
	return total ? total : len;
}

struct dt *dtb_read_file(const char *path, const char *name)
{
	struct dt *dt = dt_new();
	char *why = NULL;
	size_t len;
	void *blob = output_slurp_until(path, &len, &why, blob_enough,
					arena_room, &dt->arena);

	if (!blob) {
		diag_plain(DIAG_ERROR, "cannot read \"%s\": %s", name, why);
		free(why);
		dt_free(dt);
		return NULL;
	}
	return read_in_place(dt, name, blob, len);
}
