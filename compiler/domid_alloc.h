/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A model of Xen's common domain-ID allocator (xen/common/domid.c,
 * domid_alloc()/domid_free(), 4.21+; the 4.17 patch series adds the same):
 * a bitmap of the ordinary IDs 0..0x7FEF. An exact request is granted iff
 * free and does not move the search cursor; DOMID_ANY searches upward from
 * one past the last ID it returned, wraps to 1, never returns 0.
 */
#ifndef DOMC_DOMID_ALLOC_H
#define DOMC_DOMID_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

#define DOMID_FIRST_RESERVED	0x7FF0u
#define DOMID_SELF		0x7FF0u
#define DOMID_IO		0x7FF1u
#define DOMID_XEN		0x7FF2u
#define DOMID_COW		0x7FF3u
#define DOMID_INVALID		0x7FF4u
#define DOMID_ANY		0x7FF5u
#define DOMID_IDLE		0x7FFFu
#define DOMID_MAX_VALUE		0xFFFFu	/* domid_t is 16 bits */

struct domid_alloc {
	uint64_t bits[(DOMID_FIRST_RESERVED + 63) / 64];
	uint16_t last;		/* cursor of DOMID_ANY searches */
	uint32_t used;
};

void domid_alloc_init(struct domid_alloc *a);
/* DOMID_ANY or an exact ID; returns the ID or DOMID_INVALID. */
uint16_t domid_alloc(struct domid_alloc *a, uint16_t domid);
void domid_free(struct domid_alloc *a, uint16_t domid);
bool domid_is_used(const struct domid_alloc *a, uint16_t domid);
/* IDs that DOMID_ANY can still hand out (1..0x7FEF, free). */
uint32_t domid_free_count(const struct domid_alloc *a);
/* What the next DOMID_ANY would return, without taking it. */
uint16_t domid_peek_any(const struct domid_alloc *a);
/* Xen's name for a reserved ID, or NULL. */
const char *domid_reserved_name(uint32_t domid);

#endif
