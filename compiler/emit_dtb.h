/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Flattening the tree into a device tree blob (-O dtb), byte for byte as
 * dtc 1.6.1 lays it out.
 */
#ifndef DOMC_EMIT_DTB_H
#define DOMC_EMIT_DTB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tree.h"

#define DTB_DEFAULT_VERSION	17

/* dtc's -V, -R, -S, -p and -a; all zero except version by default. */
struct dtb_options {
	int version;
	int reserve_slots;	/* extra empty reserve map entries */
	long min_size;		/* pad the blob to at least this size */
	long pad;		/* append this many zero bytes */
	long align;		/* pad the total size to a power of two */
};

#define DTB_OPTIONS_DEFAULT \
	((struct dtb_options){ .version = DTB_DEFAULT_VERSION })

/*
 * Flatten dt (NULL opt: defaults). On success *out is a malloc'd blob of
 * *outlen bytes, owned by the caller, and 0 is returned; otherwise the
 * problem has been reported and -1 is returned.
 */
int dtb_flatten(struct dt *dt, const struct dtb_options *opt, void **out,
		size_t *outlen);
/*
 * Same, written to out as it is produced, so the blob is never held in
 * memory whole; out must be seekable (the header, written last, goes back
 * to offset 0). *write_failed tells a failed write (errno set) from a
 * problem already reported.
 */
int dtb_flatten_to_file(struct dt *dt, const struct dtb_options *opt,
			FILE *out, bool *write_failed);

#endif
