/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * When domc starts helper threads. A thread pays for itself only on big
 * inputs, so each stage decides by size; DOMC_THREADS overrides that so the
 * threaded code paths can be tested on small inputs, and turned off.
 */
#ifndef DOMC_THREADS_H
#define DOMC_THREADS_H

enum thread_use {
	THREADS_NEVER,		/* DOMC_THREADS=0 */
	THREADS_BY_SIZE,	/* unset, or 1 */
	THREADS_ALWAYS,		/* DOMC_THREADS=2: every threaded path, and
				 * the most work handed to each thread */
};

enum thread_use thread_use(void);

#endif
