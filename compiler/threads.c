// SPDX-License-Identifier: GPL-2.0-or-later
#include "threads.h"

#include <stdlib.h>
#include <string.h>

enum thread_use thread_use(void)
{
	const char *env = getenv("DOMC_THREADS");

	if (!env || !*env || strcmp(env, "1") == 0)
		return THREADS_BY_SIZE;
	return strcmp(env, "0") == 0 ? THREADS_NEVER : THREADS_ALWAYS;
}
