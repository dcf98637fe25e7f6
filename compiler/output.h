/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output files are written under a temporary name beside the target and
 * renamed only when complete, so a failing run never leaves a truncated or
 * stale file behind.
 */
#ifndef DOMC_OUTPUT_H
#define DOMC_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* "-" is stdout. Reports errors through diag. */
bool output_write_file(const char *name, const void *buf, size_t len);

/* A text output built with stdio (dependency file, reports). */
struct output {
	FILE *f;
	char *tmp_name;
	char *target;	/* resolved destination */
	const char *name;
};
bool output_open_text(struct output *o, const char *name);
bool output_commit_text(struct output *o);
void output_discard_text(struct output *o);

/* Whole file ("-": stdin) into a malloc'd buffer; *why on failure (to be
 * freed by the caller). */
void *output_slurp(const char *name, size_t *len, char **why);
/*
 * The same into memory from alloc(ctx, size): a regular file is read with
 * one read of its known size straight into the one block alloc gives, so
 * a large input is never held twice. On failure a block alloc gave may
 * remain; dropping it is the caller's business.
 */
void *output_slurp_to(const char *name, size_t *len, char **why,
		      void *(*alloc)(void *ctx, size_t size), void *ctx);

#define OUTPUT_SLURP_MAX (1UL << 30)
#define OUTPUT_STREAM_CHUNK (64 * 1024)

/*
 * One read(2) of at most want bytes, retried on EINTR: from a pipe it
 * returns what has arrived, where fread() waits for all want bytes or the
 * end. 0 at the end; 0 with *err set on an error.
 */
size_t output_read_chunk(FILE *f, void *buf, size_t want, int *err);

/*
 * output_slurp_to(); a pipe or device (not a regular file) is read 64 KiB
 * at a time, and after each chunk enough(buf, len) returns how many bytes
 * suffice (0: cannot tell yet): reading stops there, or at once if that
 * is over the 1 GiB limit.
 */
void *output_slurp_until(const char *name, size_t *len, char **why,
			 size_t (*enough)(const void *buf, size_t len),
			 void *(*alloc)(void *ctx, size_t size), void *ctx);

#endif
