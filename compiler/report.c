// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.h"
#include "domid_alloc.h"

#include <stdlib.h>
#include <string.h>

static const char *how_name(enum domid_how how)
{
	switch (how) {
	case DOMID_HOW_DOM0: return "dom0";
	case DOMID_HOW_REQUESTED: return "requested";
	case DOMID_HOW_ASSIGNED: return "assigned";
	default: return "tree-order";
	}
}

/*
 * The JSON document goes through a buffer of its own: one fprintf or
 * fputc per field is most of the cost of a report on 32,751 domains.
 */
struct jbuf {
	FILE *f;
	size_t n;
	char b[1 << 16];
};

static void jflush(struct jbuf *j)
{
	fwrite(j->b, 1, j->n, j->f);
	j->n = 0;
}

static void jputn(struct jbuf *j, const char *s, size_t len)
{
	if (j->n + len > sizeof(j->b)) {
		jflush(j);
		if (len > sizeof(j->b)) {
			fwrite(s, 1, len, j->f);
			return;
		}
	}
	memcpy(j->b + j->n, s, len);
	j->n += len;
}

static void jputs(struct jbuf *j, const char *s)
{
	jputn(j, s, strlen(s));
}

static void jputc(struct jbuf *j, char c)
{
	if (j->n == sizeof(j->b))
		jflush(j);
	j->b[j->n++] = c;
}

static void jput_u64(struct jbuf *j, unsigned long long v)
{
	char d[24];
	size_t i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	jputn(j, d + i, sizeof(d) - i);
}

/* s's characters, escaped, without the quotes */
static void json_chars(struct jbuf *j, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			jputc(j, '\\');
			jputc(j, (char)c);
		} else if (c < 0x20 || c >= 0x7f) {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4],
				      hex[c & 15] };

			jputn(j, u, sizeof(u));
		} else {
			jputc(j, (char)c);
		}
	}
}

static void json_str(struct jbuf *j, const char *s)
{
	jputc(j, '"');
	json_chars(j, s);
	jputc(j, '"');
}

/*
 * node_path(n)'s text, written straight out: node_path() formats and
 * keeps a copy of every path, which the report needs just once.
 */
static bool path_is_root(const struct node *n)
{
	return n->fullpath ? strcmp(n->fullpath, "/") == 0 : !n->parent;
}

static void json_path_chars(struct jbuf *j, const struct node *n)
{
	if (n->fullpath) {
		json_chars(j, n->fullpath);
		return;
	}
	if (!n->parent) {
		jputc(j, '/');
		return;
	}
	if (!path_is_root(n->parent))
		json_path_chars(j, n->parent);
	jputc(j, '/');
	json_chars(j, n->name);
}

static void json_path(struct jbuf *j, const struct node *n)
{
	jputc(j, '"');
	json_path_chars(j, n);
	jputc(j, '"');
}

static void json_path_or_null(struct jbuf *j, const struct node *n)
{
	if (n)
		json_path(j, n);
	else
		jputs(j, "null");
}

/* ", \"key\": " then v, or null */
static void json_u64_or_null(struct jbuf *j, const char *key, bool has,
			     unsigned long long v)
{
	jputs(j, key);
	if (has)
		jput_u64(j, v);
	else
		jputs(j, "null");
}

static void json_domain(struct jbuf *j, struct dt *dt, const struct domain *d)
{
	struct srcloc l, *pos = &l;

	srcpos_resolve(&d->node->pos, &l);
	json_u64_or_null(j, "    {\"id\": ", d->has_id, d->id);
	jputs(j, ", \"path\": ");
	json_path(j, d->node);
	jputs(j, ", \"name\": ");
	json_str(j, d->how == DOMID_HOW_DOM0 ? "dom0" : d->node->name);
	jputs(j, ", \"source\": {\"file\": ");
	json_str(j, dt->from_blob || !pos->file ?
		 (dt->input_name ? dt->input_name : "") : pos->file);
	jputs(j, ", \"line\": ");
	jput_u64(j, dt->from_blob ? 0 : pos->line);
	jputs(j, ", \"column\": ");
	jput_u64(j, dt->from_blob ? 0 : pos->col);
	jputs(j, "}, \"how\": \"");
	jputs(j, how_name(d->how));
	jputc(j, '"');
	json_u64_or_null(j, ", \"requested\": ", d->has_request,
			 d->requested);
	jputs(j, ", \"layout\": \"");
	jputs(j, d->how == DOMID_HOW_DOM0 ? "classic-dom0" :
	      d->hyperlaunch ? "hyperlaunch" : "dom0less");
	jputc(j, '"');
	json_u64_or_null(j, ", \"capabilities\": ",
			 d->has_caps || d->how == DOMID_HOW_DOM0, d->caps);
	json_u64_or_null(j, ", \"vcpus\": ", d->has_vcpus, d->vcpus);
	json_u64_or_null(j, ", \"memory_kib\": ", d->has_memory,
			 d->memory_kib);
	jputs(j, ", \"cpupool\": ");
	json_path_or_null(j, d->cpupool);
	jputs(j, ", \"kernel\": ");
	json_path_or_null(j, d->kernel);
	jputc(j, '}');
}

static void write_json(FILE *f, struct dt *dt, const struct domid_result *r,
		       const struct report_options *o)
{
	struct jbuf *j = xmalloc(sizeof(*j));
	size_t i;

	j->f = f;
	j->n = 0;
	jputs(j, "{\n  \"schema\": \"domc-domid-report/1\",\n");
	jputs(j, "  \"xen\": \"4.");
	jput_u64(j, (unsigned int)o->domid->xen_minor);
	jputs(j, "\",\n  \"patched\": ");
	jputs(j, o->domid->stock ? "false" : "true");
	jputs(j, ",\n  \"static_reservation\": ");
	jputs(j, !o->domid->stock && !o->domid->no_assign ? "true" : "false");
	jputs(j, ",\n  \"domains\": [");
	for (i = 0; i < r->n; i++) {
		/* nodes and their names are cache misses one after another
		 * on large configurations: ask for them ahead */
		if (i + 8 < r->n) {
			__builtin_prefetch(r->domains[i + 8].node);
			__builtin_prefetch(r->domains[i + 8].kernel);
		}
		if (i + 4 < r->n) {
			const struct domain *a = &r->domains[i + 4];

			__builtin_prefetch(a->node->name);
			if (a->kernel)
				__builtin_prefetch(a->kernel->name);
		}
		jputs(j, i ? ",\n" : "\n");
		json_domain(j, dt, &r->domains[i]);
	}
	jputs(j, r->n ? "\n  ],\n" : "],\n");
	json_u64_or_null(j, "  \"next_toolstack_id\": ",
			 r->next_toolstack_id != DOMID_INVALID && r->any,
			 r->next_toolstack_id);
	jputs(j, ",\n  \"free_ids\": ");
	jput_u64(j, r->any ? r->free_ids : DOMID_FIRST_RESERVED - 1);
	jputs(j, "\n}\n");
	jflush(j);
	free(j);
}

static void format_memory(char *buf, size_t len, const struct domain *d)
{
	if (!d->has_memory)
		snprintf(buf, len, "-");
	else if (d->memory_kib % (1024 * 1024) == 0)
		snprintf(buf, len, "%llu GiB",
			 (unsigned long long)(d->memory_kib / (1024 * 1024)));
	else if (d->memory_kib % 1024 == 0)
		snprintf(buf, len, "%llu MiB",
			 (unsigned long long)(d->memory_kib / 1024));
	else
		snprintf(buf, len, "%llu KiB",
			 (unsigned long long)d->memory_kib);
}

static void text_domain(FILE *f, struct dt *dt, const struct domain *d)
{
	char id[8], mem[32], caps[16], vcpus[16];
	struct srcloc l, *pos = &l;

	srcpos_resolve(&d->node->pos, &l);
	snprintf(id, sizeof(id), d->has_id ? "%u" : "?", d->id);
	format_memory(mem, sizeof(mem), d);
	snprintf(caps, sizeof(caps), d->has_caps ? "0x%x" : "-", d->caps);
	snprintf(vcpus, sizeof(vcpus), d->has_vcpus ? "%u" : "-", d->vcpus);
	fprintf(f, "%5s  %-10s %-5s %-5s %-9s %-24s", id, how_name(d->how),
		caps, vcpus, mem, node_path(dt, d->node));
	if (d->cpupool)
		fprintf(f, " pool=%s", node_path(dt, d->cpupool));
	if (d->kernel)
		fprintf(f, " kernel=%s", d->kernel->name);
	if (!dt->from_blob && pos->file && d->how != DOMID_HOW_DOM0)
		fprintf(f, "  (%s:%u)", pos->file, pos->line);
	fputc('\n', f);
}

static void write_text(FILE *f, struct dt *dt, const struct domid_result *r,
		       const struct report_options *o)
{
	size_t i;

	fprintf(f, "domc: %zu domain%s, target Xen 4.%d %s\n", r->n,
		r->n == 1 ? "" : "s", o->domid->xen_minor,
		o->domid->stock ? "(stock: domid ignored, tree order)" :
		o->domid->no_assign ? "with domc's domid patches" :
		"with domc's domid patches, IDs reserved in the blob");
	if (!r->n)
		return;
	fprintf(f, "%5s  %-10s %-5s %-5s %-9s %s\n", "ID", "how", "caps",
		"vcpus", "memory", "node");
	for (i = 0; i < r->n; i++)
		text_domain(f, dt, &r->domains[i]);
	if (r->next_toolstack_id == DOMID_INVALID)
		fprintf(f, "after boot: no free ID for a toolstack domain\n");
	else
		fprintf(f, "after boot: the first toolstack domain gets ID %u; "
			"%u IDs free\n", r->next_toolstack_id, r->free_ids);
}

int report_write(FILE *f, struct dt *dt, const struct domid_result *res,
		 const struct report_options *opt)
{
	if (opt->json)
		write_json(f, dt, res, opt);
	else
		write_text(f, dt, res, opt);
	return ferror(f) ? -1 : 0;
}
