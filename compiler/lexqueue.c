// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The parser's token source, yylex(). On a big input the lexer runs on a
 * thread of its own, batches of tokens ahead of the parser: scanning is
 * about half the work of reading a DTS, and the other half (values, names,
 * the grammar, the tree) then runs beside it on a second core.
 *
 * The lexer only classifies (dts.l). Every value and every diagnostic is
 * made here, on the parser's thread, by lex_cook(), in token order: output
 * and messages are those of the single-threaded path that small inputs
 * take. The lexer's thread shares nothing else with the parser's but:
 * - the input text, which the parser reads only behind the lexer (flex's
 *   borrowed byte, see lex_hold_fixup(), is always ahead of it);
 * - /include/, which the parser's thread opens when it reaches it, while
 *   the lexer waits (the lexer scans the new file next);
 * - reading the text around a position for a diagnostic, which the parser
 *   does while the lexer is parked between two tokens.
 */
#include "parse.h"
#include "threads.h"
#include "dts.tab.h"
#include "dts.lex.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define LEXQ_BATCH		1024	/* tokens handed over at once */
#define LEXQ_MAX_BATCHES	32	/* the lexer waits when this far ahead */
#define LEXQ_MIN_INPUT		(1u << 20)	/* smaller: no thread */

/* Not a token: an /include/ to open when the parser gets there. */
#define LK_SYNC_INCLUDE		0xff

struct lex_batch {
	struct lex_batch *next;
	unsigned int n;
	struct raw_token tok[LEXQ_BATCH];
};

struct lex_queue {
	struct parse_ctx *ctx;
	/* The lexer's thread builds whole properties ahead (prebuild()) in
	 * arenas of its own, given to the tree at the end. */
	struct dt built;
	struct parse_ctx lctx;
	/* DOMC_THREADS=2, for tests: every other one, whatever the lag, so
	 * that runs (extend_run) mix both kinds */
	bool build_alternate;
	bool build_next;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t to_parser;	/* a batch, a parked lexer, its end */
	pthread_cond_t to_lexer;	/* a spare batch, an include done, stop */

	/* under lock */
	struct lex_batch *ready, *ready_tail;	/* for the parser, in order */
	struct lex_batch *spare;
	unsigned int batches;			/* allocated */
	bool stop;			/* the parser is done: end the thread */
	bool lexer_waits;		/* blocked between tokens */
	bool lexer_done;
	bool include_done, include_ok;
	unsigned int readers;		/* of the text, for diagnostics */

	/* Each thread's own on its own cache line: read or written at
	 * every token. */
	_Alignas(64) atomic_bool pause;	/* readers > 0: park between tokens */
	atomic_uint nready;		/* batches the parser has yet to take */
	_Alignas(64) struct lex_batch *filling;	/* the lexer's */
	_Alignas(64) struct lex_batch *reading;	/* the parser's */
	unsigned int next;
};

/* ---- the lexer's thread ----------------------------------------------- */

/* Called with the lock held; false when the parser is done. */
static bool lexer_wait(struct lex_queue *q, bool (*until)(struct lex_queue *))
{
	while (!q->stop && (!until(q) || atomic_load(&q->pause))) {
		q->lexer_waits = true;
		pthread_cond_broadcast(&q->to_parser);
		pthread_cond_wait(&q->to_lexer, &q->lock);
	}
	q->lexer_waits = false;
	return !q->stop;
}

static bool has_spare(struct lex_queue *q)
{
	return q->spare || q->batches < LEXQ_MAX_BATCHES;
}

static bool include_done(struct lex_queue *q)
{
	return q->include_done;
}

static bool always(struct lex_queue *q)
{
	(void)q;
	return true;
}

/* Hands the batch being filled to the parser and takes a spare one. */
static bool publish(struct lex_queue *q)
{
	struct lex_batch *b;
	bool go_on;

	pthread_mutex_lock(&q->lock);
	if (q->filling) {
		q->filling->next = NULL;
		if (q->ready_tail)
			q->ready_tail->next = q->filling;
		else
			q->ready = q->filling;
		q->ready_tail = q->filling;
		q->filling = NULL;
		atomic_fetch_add_explicit(&q->nready, 1, memory_order_relaxed);
		pthread_cond_signal(&q->to_parser);
	}
	go_on = lexer_wait(q, has_spare);
	if (go_on) {
		b = q->spare;
		if (b) {
			q->spare = b->next;
		} else {
			b = malloc(sizeof(*b));
			if (b)
				q->batches++;
		}
		if (b)
			b->n = 0;
		q->filling = b;
		go_on = b != NULL;
	}
	pthread_mutex_unlock(&q->lock);
	return go_on;
}

static void park(struct lex_queue *q)
{
	pthread_mutex_lock(&q->lock);
	lexer_wait(q, always);
	pthread_mutex_unlock(&q->lock);
}

/* The full view of a raw token from input `in`. */
static void view(struct dts_input *in, const struct raw_token *r,
		 struct lex_token *t)
{
	t->in = in;
	t->prop = r->prop;
	t->text = in->buf + r->off;
	t->len = r->len;
	t->loc.src = in->src;
	t->loc.off = r->off;
	t->loc.end = r->off + r->len;
	t->type = r->type;
	t->kind = r->kind;
}

/*
 * A whole property, built on the lexer's thread so that the parser's has
 * less to do. Should it have anything to report, it is dropped and the
 * parser's thread builds it again, reporting, in its turn.
 */
static void prebuild(struct lex_queue *q, struct raw_token *r)
{
	struct lex_token t;
	struct property *p;

	view(q->ctx->input, r, &t);
	diag_mute(true);
	p = lex_prop(&q->lctx, &t);
	if (!diag_muted_hit() && !q->built.value_too_big) {
		r->prop = p;
		r->kind = LK_PROP_READY;
	}
	diag_mute(false);
}

/* When the parser is the slower, work is shared out. */
static bool wants_prebuild(struct lex_queue *q)
{
	if (q->build_alternate)
		return q->build_next = !q->build_next;
	return atomic_load_explicit(&q->nready, memory_order_relaxed) >= 2;
}

static void *lexer_main(void *arg)
{
	struct lex_queue *q = arg;
	struct raw_token t;

	if (publish(q)) {
		for (;;) {
			t.type = (int16_t)lex_raw(&t, q->ctx->scanner);
			if (t.kind == LK_PROP && wants_prebuild(q))
				prebuild(q, &t);
			if (!q->filling)
				break;	/* stopped while waiting on /include/ */
			q->filling->tok[q->filling->n++] = t;
			if (t.type == 0 || q->filling->n == LEXQ_BATCH)
				if (!publish(q) || t.type == 0)
					break;
			if (atomic_load_explicit(&q->pause,
						 memory_order_relaxed))
				park(q);
		}
	}
	pthread_mutex_lock(&q->lock);
	q->lexer_done = true;
	pthread_cond_broadcast(&q->to_parser);
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

bool lex_include(struct parse_ctx *ctx, const struct raw_token *t)
{
	struct lex_queue *q = ctx->queue;
	struct lex_token v;
	bool ok;

	if (!q) {
		view(ctx->tok_input, t, &v);
		return lex_include_now(ctx, &v);
	}
	q->filling->tok[q->filling->n] = *t;
	q->filling->tok[q->filling->n++].kind = LK_SYNC_INCLUDE;
	q->include_done = false;
	if (!publish(q))
		return false;
	pthread_mutex_lock(&q->lock);
	ok = lexer_wait(q, include_done) && q->include_ok;
	pthread_mutex_unlock(&q->lock);
	return ok;
}

/* ---- the parser's thread ---------------------------------------------- */

static const struct raw_token *queue_next(struct lex_queue *q)
{
	while (!q->reading || q->next == q->reading->n) {
		pthread_mutex_lock(&q->lock);
		if (q->reading) {
			q->reading->next = q->spare;
			q->spare = q->reading;
			q->reading = NULL;
			pthread_cond_signal(&q->to_lexer);
		}
		while (!q->ready && !q->lexer_done)
			pthread_cond_wait(&q->to_parser, &q->lock);
		q->reading = q->ready;
		if (q->ready) {
			atomic_fetch_sub_explicit(&q->nready, 1,
						  memory_order_relaxed);
			q->ready = q->ready->next;
			if (!q->ready)
				q->ready_tail = NULL;
		}
		q->next = 0;
		pthread_mutex_unlock(&q->lock);
		if (!q->reading)
			return NULL;
	}
	return &q->reading->tok[q->next++];
}

static void run_include(struct lex_queue *q, const struct raw_token *r)
{
	struct lex_token t;
	bool ok;

	view(q->ctx->tok_input, r, &t);
	ok = lex_include_now(q->ctx, &t);

	pthread_mutex_lock(&q->lock);
	q->include_ok = ok;
	q->include_done = true;
	pthread_cond_broadcast(&q->to_lexer);
	pthread_mutex_unlock(&q->lock);
}

static const struct raw_token *next_token(struct parse_ctx *ctx)
{
	struct raw_token *t = &ctx->raw;

	if (ctx->queue)
		return queue_next(ctx->queue);
	t->type = (int16_t)lex_raw(t, ctx->scanner);
	return t;
}

/* A whole property built with nothing to report, or NULL (then nothing
 * of the attempt is left but arena space). */
static struct property *build_quietly(struct parse_ctx *ctx,
				      const struct raw_token *r)
{
	bool too_big = ctx->dt->value_too_big, quiet;
	struct lex_token t;
	struct property *p;

	view(ctx->tok_input, r, &t);
	diag_mute(true);
	p = lex_prop(ctx, &t);
	quiet = !diag_muted_hit() && ctx->dt->value_too_big == too_big;
	diag_mute(false);
	if (quiet)
		return p;
	ctx->dt->value_too_big = too_big;
	ctx->lexical_error_pending = false;
	return NULL;
}

/*
 * The whole property at b->tok[i], built if need be, for a run or a leaf
 * node; NULL if it is not one, would report anything, or lies past the
 * text's next release point (a syntax error shows the first token of a
 * run or leaf node, which must still be there).
 */
static struct property *prop_at(struct parse_ctx *ctx, struct lex_batch *b,
				unsigned int i)
{
	struct raw_token *r = &b->tok[i];
	struct property *p;

	if (r->off >= ctx->tok_input->release_at)
		return NULL;
	if (r->kind == LK_PROP_READY)
		return r->prop;
	if (r->kind != LK_PROP || !(p = build_quietly(ctx, r)))
		return NULL;
	/* should the leaf node fail, not to be built again */
	r->prop = p;
	r->kind = LK_PROP_READY;
	return p;
}

/*
 * The whole properties that follow in the batch join the one just cooked:
 * the parser then shifts and reduces once per run rather than three times
 * per property. One that would report anything ends the run, to be a
 * token of its own and report in order.
 */
static void extend_run(struct parse_ctx *ctx, struct lex_queue *q,
		       struct prop_list *run)
{
	struct property *p;

	for (; q->next < q->reading->n &&
	       (p = prop_at(ctx, q->reading, q->next)); q->next++) {
		run->last->next = p;
		run->last = p;
	}
}

/*
 * "name {", whole properties and "};" in a row (most nodes of a big tree)
 * become one token, the node built here as the grammar would build it:
 * the parser then takes one step for the node rather than about a dozen.
 * Not when a property is not prop_at()'s, or the nesting is at its limit
 * (which reports).
 */
static bool fold_leaf(struct parse_ctx *ctx, struct lex_queue *q,
		      const struct lex_token *begin, YYSTYPE *lval)
{
	struct lex_batch *b = q->reading;
	struct prop_list props = { NULL, NULL };
	struct property *p;
	struct srcpos pos;
	struct node *n;
	unsigned int i;

	if (ctx->nesting + 1 > DTS_MAX_NESTING)
		return false;
	for (i = q->next; i < b->n && (p = prop_at(ctx, b, i)); i++) {
		if (props.last)
			props.last->next = p;
		else
			props.first = p;
		props.last = p;
	}
	if (i == b->n || b->tok[i].type != DT_NODE_END ||
	    b->tok[i].off >= ctx->tok_input->release_at)
		return false;
	pos = begin->loc;
	pos.end = b->tok[i].off + b->tok[i].len;
	n = node_new(ctx->dt, &pos);
	if (props.last) {
		props.last->next = NULL;
		n->props = props.first;
		n->last_prop = props.last;
	}
	node_set_name(ctx->dt, n, lval->str);
	lval->node = n;
	q->next = i + 1;
	return true;
}

int yylex(YYSTYPE *lval, YYLTYPE *lloc, void *scanner)
{
	struct parse_ctx *ctx = yyget_extra(scanner);
	const struct raw_token *r;
	struct lex_token t;
	int type;

	do {
		r = next_token(ctx);
		if (!r)
			return 0;	/* the lexer's thread failed */
		type = LEX_NONE;
		if (r->kind == LK_SYNC_INCLUDE) {
			run_include(ctx->queue, r);
			continue;
		}
		if (r->kind == LK_INPUT) {
			ctx->tok_input = r->in;
			continue;
		}
		view(ctx->tok_input, r, &t);
		if (t.loc.off >= t.in->release_at)
			lex_release(ctx, t.in, t.loc.off);
		type = lex_cook(ctx, &t, lval);
		*lloc = t.loc;
		if (type == DT_PROP && ctx->queue)
			extend_run(ctx, ctx->queue, &lval->props);
		else if (type == DT_NODE_BEGIN && ctx->queue &&
			 fold_leaf(ctx, ctx->queue, &t, lval))
			type = DT_LEAF_NODE;
	} while (type == LEX_NONE);
	return type;
}

/*
 * src_set_fixup()'s callback while the lexer has its thread: the text may
 * be read once the lexer is parked, with flex's borrowed byte put back.
 */
static void text_access(bool begin, void *arg)
{
	struct lex_queue *q = arg;

	pthread_mutex_lock(&q->lock);
	if (begin && q->readers++ == 0) {
		atomic_store(&q->pause, true);
		while (!q->lexer_waits && !q->lexer_done)
			pthread_cond_wait(&q->to_parser, &q->lock);
		lex_hold_fixup(true, q->ctx->scanner);
	} else if (!begin && --q->readers == 0) {
		lex_hold_fixup(false, q->ctx->scanner);
		atomic_store(&q->pause, false);
		pthread_cond_broadcast(&q->to_lexer);
	}
	pthread_mutex_unlock(&q->lock);
}

/* 0: no thread; 1: a thread; 2: one that builds every other property */
static int want_thread(const struct parse_ctx *ctx)
{
	switch (thread_use()) {
	case THREADS_NEVER:
		return 0;
	case THREADS_ALWAYS:
		return 2;
	default:
		return ctx->input->len >= LEXQ_MIN_INPUT;
	}
}

void lexq_start(struct parse_ctx *ctx)
{
	struct lex_queue *q;
	int mode = want_thread(ctx);

	src_set_fixup(lex_hold_fixup, ctx->scanner);
	if (!mode)
		return;
	q = aligned_alloc(64, sizeof(*q));
	if (!q)
		return;
	memset(q, 0, sizeof(*q));
	q->ctx = ctx;
	arena_init(&q->built.arena);
	arena_init_packed(&q->built.values);
	q->lctx.dt = &q->built;
	q->built.untyped_values = ctx->dt->untyped_values;
	q->lctx.opt = ctx->opt;
	q->build_alternate = mode == 2;
	atomic_init(&q->pause, false);
	atomic_init(&q->nready, 0);
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->to_parser, NULL);
	pthread_cond_init(&q->to_lexer, NULL);
	ctx->queue = q;
	if (pthread_create(&q->thread, NULL, lexer_main, q) != 0) {
		/* no thread: the parser calls the lexer itself */
		ctx->queue = NULL;
		pthread_cond_destroy(&q->to_lexer);
		pthread_cond_destroy(&q->to_parser);
		pthread_mutex_destroy(&q->lock);
		free(q);
		return;
	}
	src_set_fixup(text_access, q);
}

static void free_batches(struct lex_batch *b)
{
	struct lex_batch *next;

	for (; b; b = next) {
		next = b->next;
		free(b);
	}
}

void lexq_stop(struct parse_ctx *ctx)
{
	struct lex_queue *q = ctx->queue;

	src_set_fixup(NULL, NULL);
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->stop = true;
	pthread_cond_broadcast(&q->to_lexer);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	ctx->queue = NULL;
	arena_absorb(&ctx->dt->arena, &q->built.arena);
	arena_absorb(&ctx->dt->values, &q->built.values);
	free(q->lctx.names);
	free_batches(q->ready);
	free_batches(q->spare);
	free(q->filling);
	free(q->reading);
	pthread_cond_destroy(&q->to_lexer);
	pthread_cond_destroy(&q->to_parser);
	pthread_mutex_destroy(&q->lock);
	free(q);
}
