/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DTS output (-O dts), byte-identical to dtc 1.6.1 for the same tree:
 * values with type markers are written chunk by chunk as the source had
 * them; values without (from a blob, or made by fixups) get dtc's guess.
 *
 * One deliberate difference: a NUL inside a string followed by an octal
 * digit is written "\000", not dtc's "\0", so the text reads back to the
 * same bytes.
 */
#ifndef DOMC_EMIT_DTS_H
#define DOMC_EMIT_DTS_H

#include <stdio.h>

#include "tree.h"

/* 0, or -1 on a write error. */
int dts_write(FILE *f, struct dt *dt);

/*
 * The text streamed to the file name ("-": stdout) under a temporary name
 * that replaces it only when complete, as every output is written; the
 * whole text is never held in memory. False after reporting an error.
 */
bool dts_write_file(const char *name, struct dt *dt);

#endif
