// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.h"
#include "domid_alloc.h"

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

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_path_or_null(FILE *f, struct dt *dt, struct node *n)
{
	if (n)
		json_str(f, node_path(dt, n));
	else
		fputs("null", f);
}

static void json_domain(FILE *f, struct dt *dt, const struct domain *d)
{
	struct srcloc l, *pos = &l;

	srcpos_resolve(&d->node->pos, &l);
	fputs("    {\"id\": ", f);
	if (d->has_id)
		fprintf(f, "%u", d->id);
	else
		fputs("null", f);
	fputs(", \"path\": ", f);
	json_str(f, node_path(dt, d->node));
	fputs(", \"name\": ", f);
	json_str(f, d->how == DOMID_HOW_DOM0 ? "dom0" : d->node->name);
	fputs(", \"source\": {\"file\": ", f);
	json_str(f, dt->from_blob || !pos->file ?
		 (dt->input_name ? dt->input_name : "") : pos->file);
	fprintf(f, ", \"line\": %u, \"column\": %u}",
		dt->from_blob ? 0 : pos->line, dt->from_blob ? 0 : pos->col);
	fprintf(f, ", \"how\": \"%s\"", how_name(d->how));
	if (d->has_request)
		fprintf(f, ", \"requested\": %u", d->requested);
	else
		fputs(", \"requested\": null", f);
	fprintf(f, ", \"layout\": \"%s\"",
		d->how == DOMID_HOW_DOM0 ? "classic-dom0" :
		d->hyperlaunch ? "hyperlaunch" : "dom0less");
	if (d->has_caps || d->how == DOMID_HOW_DOM0)
		fprintf(f, ", \"capabilities\": %u", d->caps);
	else
		fputs(", \"capabilities\": null", f);
	if (d->has_vcpus)
		fprintf(f, ", \"vcpus\": %u", d->vcpus);
	else
		fputs(", \"vcpus\": null", f);
	if (d->has_memory)
		fprintf(f, ", \"memory_kib\": %llu",
			(unsigned long long)d->memory_kib);
	else
		fputs(", \"memory_kib\": null", f);
	fputs(", \"cpupool\": ", f);
	json_path_or_null(f, dt, d->cpupool);
	fputs(", \"kernel\": ", f);
	json_path_or_null(f, dt, d->kernel);
	fputc('}', f);
}

static void write_json(FILE *f, struct dt *dt, const struct domid_result *r,
		       const struct report_options *o)
{
	size_t i;

	fputs("{\n  \"schema\": \"domc-domid-report/1\",\n", f);
	fprintf(f, "  \"xen\": \"4.%d\",\n  \"patched\": %s,\n",
		o->domid->xen_minor, o->domid->stock ? "false" : "true");
	fprintf(f, "  \"static_reservation\": %s,\n",
		!o->domid->stock && !o->domid->no_assign ? "true" : "false");
	fputs("  \"domains\": [", f);
	for (i = 0; i < r->n; i++) {
		fputs(i ? ",\n" : "\n", f);
		json_domain(f, dt, &r->domains[i]);
	}
	fputs(r->n ? "\n  ],\n" : "],\n", f);
	if (r->next_toolstack_id == DOMID_INVALID || !r->any)
		fputs("  \"next_toolstack_id\": null,\n", f);
	else
		fprintf(f, "  \"next_toolstack_id\": %u,\n",
			r->next_toolstack_id);
	fprintf(f, "  \"free_ids\": %u\n}\n", r->any ? r->free_ids :
		DOMID_FIRST_RESERVED - 1);
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
