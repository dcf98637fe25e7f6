/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a flattened device tree blob (-I dtb) into the data model.
 *
 * Versions 16 and later are validated with libfdt before they are walked;
 * the old versions 1, 2 and 3 (full-path node names, variable alignment)
 * are parsed by hand with bounds checks on every access.
 */
#ifndef DOMC_READ_DTB_H
#define DOMC_READ_DTB_H

#include <stddef.h>

#include "tree.h"

/*
 * Deepest node nesting accepted; deeper blobs are rejected so that the
 * recursive stages after the reader stay within their stack.
 */
#define DTB_MAX_DEPTH	4096

/*
 * Parse len bytes at buf (the whole file; only the header's totalsize is
 * used). name is how the blob is reported in diagnostics and must outlive
 * the tree. Returns a new tree, or NULL after reporting every error. The
 * tree keeps a copy of the blob: buf may be freed at once.
 */
struct dt *dtb_read(const char *name, const void *buf, size_t len);

/*
 * The same for the file at path ("-": stdin), read straight into the
 * tree's memory with no second copy. name is as above; a file that cannot
 * be read is reported as "cannot read \"name\": why".
 */
struct dt *dtb_read_file(const char *path, const char *name);

#endif
