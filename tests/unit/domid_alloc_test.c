// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The domid_alloc() model against an independent, deliberately naive
 * re-implementation (a bool array and a linear scan), over thousands of
 * random request sequences, plus the properties the boot contract relies
 * on: no ID handed out twice, requested IDs honoured exactly, automatic
 * IDs are the lowest free >= 1 while nothing is freed, never 0, and the
 * result does not depend on where explicit requests sit.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domid_alloc.h"

#define N DOMID_FIRST_RESERVED

struct ref {
	bool used[N];
	unsigned int last;
};

static unsigned int ref_alloc(struct ref *r, unsigned int id)
{
	unsigned int i;

	if (id >= N && id != DOMID_ANY)
		return DOMID_INVALID;
	if (id != DOMID_ANY) {
		if (r->used[id])
			return DOMID_INVALID;
		r->used[id] = true;
		return id;
	}
	for (i = r->last + 1; i < N; i++)
		if (!r->used[i])
			goto found;
	for (i = 1; i <= r->last; i++)
		if (!r->used[i])
			goto found;
	return DOMID_INVALID;
found:
	r->used[i] = true;
	r->last = i;
	return i;
}

static unsigned int passed, failed;

static void expect(bool ok, const char *what, unsigned long seed)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	if (failed < 20)
		printf("FAIL: %s (seed %lu)\n", what, seed);
}

static unsigned long rng_state;

static unsigned int rnd(unsigned int n)
{
	rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned int)((rng_state >> 33) % n);
}

/* Random mixes of exact, ANY and free against the reference. */
static void against_reference(unsigned long seed)
{
	static struct ref r;
	struct domid_alloc a;
	unsigned int steps = 50 + rnd(3000), i, span = 16 + rnd(N);
	bool same = true;

	memset(&r, 0, sizeof(r));
	domid_alloc_init(&a);
	for (i = 0; i < steps && same; i++) {
		unsigned int op = rnd(10), id = rnd(span);

		if (op < 4) {
			same = ref_alloc(&r, id) == domid_alloc(&a, (uint16_t)id);
		} else if (op < 9) {
			same = ref_alloc(&r, DOMID_ANY) ==
			       domid_alloc(&a, DOMID_ANY);
		} else if (id < N && r.used[id]) {
			r.used[id] = false;
			domid_free(&a, (uint16_t)id);
		}
	}
	expect(same, "model equals the reference", seed);
}

/* Boot order: exact requests first, then ANY, nothing freed. */
static void boot_properties(unsigned long seed)
{
	unsigned int n = 1 + rnd(400), i, j, k, req[400];
	unsigned int got[400], got2[400], order[400];
	bool explicit_[400], ok = true;
	struct domid_alloc a, b;

	for (i = 0; i < n; i++) {
		explicit_[i] = rnd(3) == 0;
		req[i] = 1 + rnd(n + 8);
		order[i] = i;
	}
	for (i = 0; i < n; i++)	/* make requests unique */
		for (j = 0; j < i; j++)
			if (explicit_[i] && explicit_[j] && req[i] == req[j])
				explicit_[i] = false;
	domid_alloc_init(&a);
	for (i = 0; i < n; i++)
		if (explicit_[i])
			got[i] = domid_alloc(&a, (uint16_t)req[i]);
	for (i = 0; i < n; i++) {
		if (explicit_[i])
			continue;
		got[i] = domid_alloc(&a, DOMID_ANY);
		/* lowest free >= 1 at this point */
		for (k = 1; k < got[i]; k++)
			if (domid_is_used(&a, (uint16_t)k) == false)
				ok = false;
	}
	for (i = 0; i < n; i++) {
		if (got[i] == 0 || got[i] >= N)
			ok = false;
		if (explicit_[i] && got[i] != req[i])
			ok = false;
		for (j = 0; j < i; j++)
			if (got[i] == got[j])
				ok = false;
	}
	expect(ok, "unique, honoured, lowest free, never 0", seed);

	/* Shuffle where the explicit ones sit: same IDs per domain. */
	for (i = n - 1; i > 0; i--) {
		j = rnd(i + 1);
		k = order[i];
		order[i] = order[j];
		order[j] = k;
	}
	domid_alloc_init(&b);
	for (i = 0; i < n; i++)
		if (explicit_[order[i]])
			got2[order[i]] = domid_alloc(&b,
						     (uint16_t)req[order[i]]);
	ok = true;
	for (i = 0; i < n; i++)
		if (explicit_[order[i]] && got2[order[i]] != got[order[i]])
			ok = false;
	expect(ok, "explicit IDs independent of position", seed);
}

static void capacity(void)
{
	struct domid_alloc a;
	unsigned int i, n = 0;

	domid_alloc_init(&a);
	while (domid_alloc(&a, DOMID_ANY) != DOMID_INVALID)
		n++;
	expect(n == N - 1, "ANY hands out exactly 32751 IDs", 0);
	expect(!domid_is_used(&a, 0), "ANY never hands out 0", 0);
	expect(domid_alloc(&a, 0) == 0, "0 only on request", 0);
	expect(domid_free_count(&a) == 0, "free count 0 when full", 0);
	for (i = N; i <= 0xffff; i++)
		if (domid_alloc(&a, (uint16_t)i) != DOMID_INVALID &&
		    i != DOMID_ANY)
			break;
	expect(i > 0xffff, "reserved IDs refused", 0);
	expect(!strcmp(domid_reserved_name(0x7ff2), "DOMID_XEN"),
	       "reserved names", 0);
}

int main(int argc, char **argv)
{
	unsigned long seeds = argc > 1 ? strtoul(argv[1], NULL, 0) : 2000, s;

	for (s = 1; s <= seeds; s++) {
		rng_state = s;
		against_reference(s);
		boot_properties(s);
	}
	capacity();
	printf("domid-alloc: %u passed, %u failed\n", passed, failed);
	return failed != 0;
}
