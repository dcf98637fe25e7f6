/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DTS grammar: dtc 1.6.1's language. Lists are left-recursive with head
 * and tail pointers, so the parser stack stays flat however many siblings
 * or properties a node has (dtc's right-recursive node list runs out of
 * stack near 10,000 siblings). Top-level overrides and deletes act on the
 * tree as soon as they are parsed, in source order, exactly as dtc does.
 */
%define api.pure full
%define api.location.type {struct srcpos}
%define parse.error verbose
%locations
%param {void *scanner}
%parse-param {struct parse_ctx *ctx}

%code requires {
#include <stdint.h>
#include "tree.h"
#include "parse.h"

struct node_list {
	struct node *first, *last;
};
struct prop_list {
	struct property *first, *last;
};
struct reserve_list {
	struct reserve *first, *last;
};
struct array_value {
	struct data data;
	int bits;
};
/* An integer expression's value: dtc's 64 bits, and whether the exact
 * value is negative (the bits then hold it in two's complement). */
struct int_value {
	uint64_t v;
	bool neg;
};
}

%code provides {
int yylex(YYSTYPE *lval, YYLTYPE *lloc, void *scanner);
void yyerror(YYLTYPE *loc, void *scanner, struct parse_ctx *ctx,
	     const char *msg);
}

%code {
#include <stdio.h>
#include <string.h>

#include "checks.h"

/* Positions are byte ranges; a range never spans two sources. */
#define YYLLOC_DEFAULT(cur, rhs, n)					\
	do {								\
		if (n) {						\
			(cur).src = YYRHSLOC(rhs, 1).src;		\
			(cur).off = YYRHSLOC(rhs, 1).off;		\
			(cur).end = YYRHSLOC(rhs, n).src == (cur).src ?	\
				    YYRHSLOC(rhs, n).end : (cur).off + 1; \
		} else {						\
			(cur).src = YYRHSLOC(rhs, 0).src;		\
			(cur).off = (cur).end = YYRHSLOC(rhs, 0).end;	\
		}							\
	} while (0)

/* Deep nesting is bounded explicitly (DTS_MAX_NESTING), not by the stack. */
#define YYMAXDEPTH 1000000
#define YYINITDEPTH 1024

#define DT (ctx->dt)
#define ERR(loc, ...) diag_at(DIAG_ERROR, &(loc), NULL, __VA_ARGS__)

static void list_add_node(struct node_list *l, struct node *n)
{
	n->next_sibling = NULL;
	if (l->last)
		l->last->next_sibling = n;
	else
		l->first = n;
	l->last = n;
}

/* p..last are linked already (a run of whole properties, see yylex) */
static void list_add_props(struct prop_list *l, struct prop_list run)
{
	run.last->next = NULL;
	if (l->last)
		l->last->next = run.first;
	else
		l->first = run.first;
	l->last = run.last;
}

static struct prop_list one_prop(struct property *p)
{
	return (struct prop_list){ p, p };
}

static struct node *build_node(struct parse_ctx *ctx, struct prop_list *props,
			       struct node_list *children,
			       const struct srcpos *pos)
{
	struct node *n = node_new(ctx->dt, pos);
	struct property *p, *pnext;
	struct node *c, *cnext;

	for (p = props->first; p; p = pnext) {
		pnext = p->next;
		node_append_prop(n, p);
	}
	for (c = children->first; c; c = cnext) {
		cnext = c->next_sibling;
		node_append_child(ctx->dt, n, c);
	}
	return n;
}

static bool is_plugin(struct parse_ctx *ctx)
{
	return ctx->dt->dtsflags & DTSF_PLUGIN;
}

static void not_found(const struct srcpos *loc, const char *ref)
{
	if (ref[0] == '/')
		diag_at(DIAG_ERROR, loc, NULL, "no node at path '%s'", ref);
	else
		diag_at(DIAG_ERROR, loc, NULL,
			"reference to undefined label '%s'", ref);
}

/*
 * Integer expressions (check integer_overflow). dtc computes in uint64_t
 * and wraps silently; domc evaluates exactly, over [-2^63, 2^64 - 1], and
 * reports what falls outside, a shift count outside 0..63, and / or % of
 * a negative number (dtc divides it as unsigned: (-6 / 2) is
 * 0x7ffffffffffffffd). The bits are always dtc's, so that with the check
 * off (-E no-integer_overflow) the output is dtc's.
 */
typedef __int128 exact_t;

#define EXACT_MIN (-((exact_t)1 << 63))
#define EXACT_MAX ((exact_t)UINT64_MAX)

static exact_t exact(struct int_value a)
{
	return a.neg ? (exact_t)(int64_t)a.v : (exact_t)a.v;
}

/* "0x5" or "-0x5", for messages */
static const char *hex(char *buf, size_t len, struct int_value a)
{
	snprintf(buf, len, "%s0x%llx", a.neg ? "-" : "",
		 (unsigned long long)(a.neg ? 0 - a.v : a.v));
	return buf;
}

static void int_report(const struct srcpos *loc, const char *what,
		       const char *op, struct int_value a, struct int_value b,
		       const char *dtc_does, uint64_t dtc)
{
	enum diag_level level;
	char x[24], y[24];

	if (!checks_level("integer_overflow", &level))
		return;
	diag_at(level, loc, "integer_overflow", "%s in '%s': %s %s %s (dtc "
		"%s 0x%llx)", what, op, hex(x, sizeof(x), a), op,
		hex(y, sizeof(y), b), dtc_does, (unsigned long long)dtc);
}

/* The result of + - * <<: dtc's bits, checked against the exact value. */
static struct int_value int_exact(const struct srcpos *loc, const char *op,
				  struct int_value a, struct int_value b,
				  uint64_t dtc, exact_t r, bool overflow)
{
	if (overflow || r < EXACT_MIN || r > EXACT_MAX) {
		int_report(loc, "integer overflow", op, a, b, "silently gives",
			   dtc);
		return (struct int_value){ dtc, false };
	}
	return (struct int_value){ dtc, r < 0 };
}

static struct int_value int_add(const struct srcpos *loc, struct int_value a,
				struct int_value b, bool sub)
{
	exact_t r = sub ? exact(a) - exact(b) : exact(a) + exact(b);

	return int_exact(loc, sub ? "-" : "+", a, b,
			 sub ? a.v - b.v : a.v + b.v, r, false);
}

static struct int_value int_mul(const struct srcpos *loc, struct int_value a,
				struct int_value b)
{
	exact_t r;
	bool overflow = __builtin_mul_overflow(exact(a), exact(b), &r);

	return int_exact(loc, "*", a, b, a.v * b.v, r, overflow);
}

static struct int_value int_shift(const struct srcpos *loc, struct int_value a,
				  struct int_value n, bool left)
{
	/* dtc 1.6.1: a shift by 64 or more gives 0 */
	uint64_t dtc = n.v >= 64 ? 0 : left ? a.v << n.v : a.v >> n.v;

	if (n.neg || n.v >= 64) {
		int_report(loc, "shift count not in 0..63", left ? "<<" : ">>",
			   a, n, "silently gives", dtc);
		return (struct int_value){ dtc, false };
	}
	if (!left)
		return (struct int_value){ dtc, false };
	/* |a| < 2^64, so a * 2^63 still fits in 128 bits */
	return int_exact(loc, "<<", a, n, dtc, exact(a) * ((exact_t)1 << n.v),
			 false);
}

/* / and %; division by zero is an error of its own, not a check. */
static struct int_value int_div(const struct srcpos *loc, struct int_value a,
				struct int_value b, bool mod)
{
	uint64_t dtc;

	if (b.v == 0) {
		diag_at(DIAG_ERROR, loc, NULL, "division by zero");
		return (struct int_value){ 0, false };
	}
	dtc = mod ? a.v % b.v : a.v / b.v;
	if (a.neg || b.neg)
		int_report(loc, "negative operand", mod ? "%" : "/", a, b,
			   "divides as unsigned 64-bit and gives", dtc);
	return (struct int_value){ dtc, false };
}

static struct int_value int_neg(const struct srcpos *loc, struct int_value a)
{
	exact_t r = -exact(a);

	if (r < EXACT_MIN) {
		enum diag_level level;
		char x[24];

		if (checks_level("integer_overflow", &level))
			diag_at(level, loc, "integer_overflow", "integer "
				"overflow in unary '-': -%s (dtc silently "
				"gives 0x%llx)", hex(x, sizeof(x), a),
				(unsigned long long)(0 - a.v));
		return (struct int_value){ 0 - a.v, false };
	}
	return (struct int_value){ 0 - a.v, r < 0 };
}

static struct int_value int_plain(uint64_t v)
{
	return (struct int_value){ v, false };
}

static void nest(struct parse_ctx *ctx, const struct srcpos *loc)
{
	if (++ctx->nesting > DTS_MAX_NESTING && !ctx->nesting_reported) {
		diag_at(DIAG_ERROR, loc, NULL,
			"nodes nested more than %d deep", DTS_MAX_NESTING);
		ctx->nesting_reported = true;
	}
}
}

%union {
	const char *str;
	uint8_t byte;
	uint64_t integer;
	unsigned int flags;
	struct data data;
	struct array_value array;
	struct int_value ival;
	struct prop_list props;
	struct node *node;
	struct node_list nodes;
	struct reserve *re;
	struct reserve_list res;
}

%token DT_V1 "/dts-v1/"
%token DT_PLUGIN "/plugin/"
%token DT_MEMRESERVE "/memreserve/"
%token DT_LSHIFT "<<" DT_RSHIFT ">>" DT_LE "<=" DT_GE ">="
%token DT_EQ "==" DT_NE "!=" DT_AND "&&" DT_OR "||"
%token DT_BITS "/bits/"
%token DT_DEL_PROP "/delete-property/"
%token DT_DEL_NODE "/delete-node/"
%token DT_OMIT_NO_REF "/omit-if-no-ref/"
%token <str> DT_PROPNODENAME "property or node name"
%token <props> DT_PROP "whole property"
%token <str> DT_NODE_BEGIN "node start"
%token DT_NODE_END "node end"
%token <integer> DT_LITERAL "integer"
%token <integer> DT_CHAR_LITERAL "character literal"
%token <byte> DT_BYTE "byte"
%token <data> DT_STRING "string"
%token <data> DT_CELLS "cell array"
%token <data> DT_BYTES "byte string"
%token <str> DT_LABEL "label"
%token <str> DT_LABEL_REF "label reference"
%token <str> DT_PATH_REF "path reference"
%token DT_INCBIN "/incbin/"
%token DT_BADTOKEN "invalid token"
/* "name { whole properties };" built whole (lexqueue.c's fold_leaf) */
%token <node> DT_LEAF_NODE "leaf node"

%type <data> propdata propdataprefix bytestring
%type <flags> header headers
%type <re> memreserve
%type <res> memreserves
%type <array> arrayprefix
%type <props> propdef proplist
%type <str> dt_ref
%type <node> devicetree nodedef subnode
%type <nodes> subnodes subnode_list
%type <ival> integer_prim integer_unary integer_mul integer_add
%type <ival> integer_shift integer_rela integer_eq integer_bitand
%type <ival> integer_bitxor integer_bitor integer_and integer_or
%type <ival> integer_trinary integer_expr

%%

sourcefile:
	  headers memreserves devicetree
		{
			struct reserve *r = $2.first;

			DT->reserves = r;
			(void)$3;
		}
	;

header:
	  DT_V1 ';'
		{
			$$ = DTSF_V1;
			DT->dtsflags = $$;
		}
	| DT_V1 ';' DT_PLUGIN ';'
		{
			$$ = DTSF_V1 | DTSF_PLUGIN;
			DT->dtsflags = $$;
		}
	;

headers:
	  header
	| header headers
		{
			if ($2 != $1)
				ERR(@2, "header flags don't match earlier "
				    "ones (/plugin/ in one header only)");
			$$ = $1;
			DT->dtsflags = $1;
		}
	;

memreserves:
	  %empty
		{
			$$.first = $$.last = NULL;
		}
	| memreserves memreserve
		{
			$$ = $1;
			if ($$.last)
				$$.last->next = $2;
			else
				$$.first = $2;
			$$.last = $2;
		}
	;

memreserve:
	  DT_MEMRESERVE integer_prim integer_prim ';'
		{
			uint64_t addr = $2.v, size = $3.v;
			enum diag_level level;

			/* dtc takes it; the range's last byte would be
			 * below its first */
			if (size && size - 1 > UINT64_MAX - addr &&
			    checks_level("memreserve_overflow", &level))
				diag_at(level, &@$, "memreserve_overflow",
					"/memreserve/ 0x%llx 0x%llx wraps past "
					"the end of the 64-bit address space",
					(unsigned long long)addr,
					(unsigned long long)size);
			$$ = reserve_new(DT, addr, size, &@$);
		}
	| DT_LABEL memreserve
		{
			label_add(DT, &$2->labels, $1, &@1);
			$$ = $2;
		}
	;

dt_ref: DT_LABEL_REF | DT_PATH_REF;

devicetree:
	  '/' nodedef
		{
			node_set_name(DT, $2, "");
			DT->root = $2;
			$$ = $2;
		}
	| dt_ref nodedef
		{
			struct node *root = node_new(DT, &@1);

			if (!is_plugin(ctx))
				not_found(&@1, $1);
			node_set_name(DT, root, "");
			DT->root = root;
			dt_add_orphan(DT, root, $2, $1, &@1);
			$$ = root;
		}
	| devicetree '/' nodedef
		{
			node_merge(DT, $1, $3);
			$$ = $1;
		}
	| devicetree DT_LABEL dt_ref nodedef
		{
			struct node *target = dt_node_by_ref(DT, $3);

			if (target) {
				node_add_label(DT, target, $2, &@2);
				node_merge(DT, target, $4);
			} else {
				not_found(&@3, $3);
			}
			$$ = $1;
		}
	| devicetree DT_PATH_REF nodedef
		{
			if (is_plugin(ctx)) {
				dt_add_orphan(DT, $1, $3, $2, &@2);
			} else {
				struct node *target = dt_node_by_ref(DT, $2);

				if (target)
					node_merge(DT, target, $3);
				else
					not_found(&@2, $2);
			}
			$$ = $1;
		}
	| devicetree DT_LABEL_REF nodedef
		{
			struct node *target = dt_node_by_ref(DT, $2);

			if (target)
				node_merge(DT, target, $3);
			else if (is_plugin(ctx))
				dt_add_orphan(DT, $1, $3, $2, &@2);
			else
				not_found(&@2, $2);
			$$ = $1;
		}
	| devicetree DT_DEL_NODE dt_ref ';'
		{
			struct node *target = dt_node_by_ref(DT, $3);

			if (target)
				node_delete(target);
			else
				not_found(&@3, $3);
			$$ = $1;
		}
	| devicetree DT_OMIT_NO_REF dt_ref ';'
		{
			struct node *target = dt_node_by_ref(DT, $3);

			if (target)
				target->omit_if_unused = true;
			else
				not_found(&@3, $3);
			$$ = $1;
		}
	;

/* "};" is one token (see dts.l), or two */
nodeend: '}' ';' | DT_NODE_END;

nodedef:
	  '{' { nest(ctx, &@1); } proplist subnodes nodeend
		{
			ctx->nesting--;
			$$ = build_node(ctx, &$3, &$4, &@$);
		}
	;

proplist:
	  %empty
		{
			$$.first = $$.last = NULL;
		}
	| proplist propdef
		{
			$$ = $1;
			list_add_props(&$$, $2);
		}
	;

propdef:
	  DT_PROP
	| DT_PROPNODENAME '=' propdata ';'
		{
			$$ = one_prop(prop_new(DT, $1, $3, &@1));
		}
	| DT_PROPNODENAME ';'
		{
			$$ = one_prop(prop_new(DT, $1, (struct data){ 0 }, &@1));
		}
	| DT_DEL_PROP DT_PROPNODENAME ';'
		{
			$$ = one_prop(prop_new_delete(DT, $2, &@2));
		}
	| DT_LABEL propdef
		{
			/* a run: the label is its first property's */
			label_add(DT, &$2.first->labels, $1, &@1);
			$$ = $2;
		}
	;

propdata:
	  propdataprefix DT_STRING
		{
			$$ = $1;
			data_merge(DT, &$$, &$2);
		}
	| propdataprefix arrayprefix '>'
		{
			$$ = $1;
			data_merge(DT, &$$, &$2.data);
		}
	| propdataprefix DT_CELLS
		{
			$$ = $1;
			data_merge(DT, &$$, &$2);
		}
	| propdataprefix DT_BYTES
		{
			$$ = $1;
			data_merge(DT, &$$, &$2);
		}
	| propdataprefix '[' bytestring ']'
		{
			$$ = $1;
			data_merge(DT, &$$, &$3);
		}
	| propdataprefix dt_ref
		{
			$$ = $1;
			data_add_marker(DT, &$$, MARK_TYPE_STRING, $2, &@2);
			data_add_marker(DT, &$$, MARK_REF_PATH, $2, &@2);
		}
	| propdataprefix DT_INCBIN '(' DT_STRING ',' integer_prim ','
	  integer_prim ')'
		{
			$$ = $1;
			if (!dts_incbin(ctx, &$$, &$4, true, $6.v, $8.v,
					&@4))
				YYABORT;
		}
	| propdataprefix DT_INCBIN '(' DT_STRING ')'
		{
			$$ = $1;
			if (!dts_incbin(ctx, &$$, &$4, false, 0, 0, &@4))
				YYABORT;
		}
	| propdata DT_LABEL
		{
			$$ = $1;
			data_add_marker(DT, &$$, MARK_LABEL, $2, &@2);
		}
	;

propdataprefix:
	  %empty
		{
			$$ = (struct data){ 0 };
		}
	| propdata ','
		{
			$$ = $1;
		}
	| propdataprefix DT_LABEL
		{
			$$ = $1;
			data_add_marker(DT, &$$, MARK_LABEL, $2, &@2);
		}
	;

arrayprefix:
	  DT_BITS DT_LITERAL '<'
		{
			enum marker_type type = MARK_TYPE_U32;
			int bits = 32;

			switch ($2) {
			case 8: type = MARK_TYPE_U8; bits = 8; break;
			case 16: type = MARK_TYPE_U16; bits = 16; break;
			case 32: type = MARK_TYPE_U32; bits = 32; break;
			case 64: type = MARK_TYPE_U64; bits = 64; break;
			default:
				ERR(@2, "/bits/ must be 8, 16, 32 or 64, not "
				    "%llu", (unsigned long long)$2);
			}
			$$.data = (struct data){ 0 };
			data_add_marker(DT, &$$.data, type, NULL, &@1);
			$$.bits = bits;
		}
	| '<'
		{
			$$.data = (struct data){ 0 };
			data_add_marker(DT, &$$.data, MARK_TYPE_U32, NULL, &@1);
			$$.bits = 32;
		}
	| arrayprefix integer_prim
		{
			uint64_t v = $2.v;

			$$ = $1;
			if ($1.bits < 64) {
				uint64_t mask = (1ULL << $1.bits) - 1;

				/* Above the mask: all zero (fits) or all one
				 * (a negative number, sign-extended). */
				if (v > mask && (v | mask) != ~0ULL)
					ERR(@2, "value 0x%llx out of range for "
					    "/bits/ %d elements",
					    (unsigned long long)v, $1.bits);
			}
			data_append_integer(DT, &$$.data, v, $1.bits);
		}
	| arrayprefix dt_ref
		{
			$$ = $1;
			if ($1.bits == 32)
				data_add_marker(DT, &$$.data, MARK_REF_PHANDLE,
						$2, &@2);
			else
				ERR(@2, "references are only allowed in arrays "
				    "of 32-bit elements, not /bits/ %d",
				    $1.bits);
			data_append_integer(DT, &$$.data,
					    ~0ULL >> (64 - $1.bits), $1.bits);
		}
	| arrayprefix DT_LABEL
		{
			$$ = $1;
			data_add_marker(DT, &$$.data, MARK_LABEL, $2, &@2);
		}
	;

integer_prim:
	  DT_LITERAL { $$ = int_plain($1); }
	| DT_CHAR_LITERAL { $$ = int_plain($1); }
	| '(' integer_expr ')'
		{
			$$ = $2;
		}
	;

integer_expr:
	integer_trinary
	;

integer_trinary:
	  integer_or
	| integer_or '?' integer_expr ':' integer_trinary { $$ = $1.v ? $3 : $5; }
	;

integer_or:
	  integer_and
	| integer_or DT_OR integer_and { $$ = int_plain($1.v || $3.v); }
	;

integer_and:
	  integer_bitor
	| integer_and DT_AND integer_bitor { $$ = int_plain($1.v && $3.v); }
	;

integer_bitor:
	  integer_bitxor
	| integer_bitor '|' integer_bitxor { $$ = int_plain($1.v | $3.v); }
	;

integer_bitxor:
	  integer_bitand
	| integer_bitxor '^' integer_bitand { $$ = int_plain($1.v ^ $3.v); }
	;

integer_bitand:
	  integer_eq
	| integer_bitand '&' integer_eq { $$ = int_plain($1.v & $3.v); }
	;

integer_eq:
	  integer_rela
	| integer_eq DT_EQ integer_rela { $$ = int_plain($1.v == $3.v); }
	| integer_eq DT_NE integer_rela { $$ = int_plain($1.v != $3.v); }
	;

integer_rela:
	  integer_shift
	| integer_rela '<' integer_shift { $$ = int_plain($1.v < $3.v); }
	| integer_rela '>' integer_shift { $$ = int_plain($1.v > $3.v); }
	| integer_rela DT_LE integer_shift { $$ = int_plain($1.v <= $3.v); }
	| integer_rela DT_GE integer_shift { $$ = int_plain($1.v >= $3.v); }
	;

integer_shift:
	  integer_shift DT_LSHIFT integer_add { $$ = int_shift(&@$, $1, $3, true); }
	| integer_shift DT_RSHIFT integer_add { $$ = int_shift(&@$, $1, $3, false); }
	| integer_add
	;

integer_add:
	  integer_add '+' integer_mul { $$ = int_add(&@$, $1, $3, false); }
	| integer_add '-' integer_mul { $$ = int_add(&@$, $1, $3, true); }
	| integer_mul
	;

integer_mul:
	  integer_mul '*' integer_unary { $$ = int_mul(&@$, $1, $3); }
	| integer_mul '/' integer_unary { $$ = int_div(&@$, $1, $3, false); }
	| integer_mul '%' integer_unary { $$ = int_div(&@$, $1, $3, true); }
	| integer_unary
	;

integer_unary:
	  integer_prim
	| '-' integer_unary { $$ = int_neg(&@$, $2); }
	| '~' integer_unary { $$ = int_plain(~$2.v); }
	| '!' integer_unary { $$ = int_plain(!$2.v); }
	;

bytestring:
	  %empty
		{
			$$ = (struct data){ 0 };
			data_add_marker(DT, &$$, MARK_TYPE_U8, NULL, NULL);
		}
	| bytestring DT_BYTE
		{
			$$ = $1;
			data_append_byte(DT, &$$, $2);
		}
	| bytestring DT_LABEL
		{
			$$ = $1;
			data_add_marker(DT, &$$, MARK_LABEL, $2, &@2);
		}
	;

subnodes:
	  %empty
		{
			$$.first = $$.last = NULL;
		}
	| subnode_list
	;

subnode_list:
	  subnode
		{
			$$.first = $$.last = NULL;
			list_add_node(&$$, $1);
		}
	| subnode_list subnode
		{
			$$ = $1;
			list_add_node(&$$, $2);
		}
	| subnode_list propdef
		{
			ERR(@2, "properties must precede subnodes");
			YYERROR;
		}
	;

subnode:
	  DT_NODE_BEGIN
		{
			/* "name {" is one token (see dts.l) */
			struct srcpos brace = @1;

			brace.off = brace.end - 1;
			nest(ctx, &brace);
		}
	  proplist subnodes nodeend
		{
			/* as DT_PROPNODENAME nodedef below */
			struct srcpos pos = { @1.src, @1.off,
					      @5.src == @1.src ? @5.end :
					      @1.end };

			ctx->nesting--;
			$$ = build_node(ctx, &$3, &$4, &pos);
			node_set_name(DT, $$, $1);
		}
	| DT_LEAF_NODE
	| DT_PROPNODENAME nodedef
		{
			node_set_name(DT, $2, $1);
			$2->pos.src = @1.src;
			$2->pos.off = @1.off;
			if ($2->pos.end < $2->pos.off)
				$2->pos.end = @1.end;
			$$ = $2;
		}
	| DT_DEL_NODE DT_PROPNODENAME ';'
		{
			$$ = node_new_delete(DT, &@$);
			node_set_name(DT, $$, $2);
		}
	| DT_OMIT_NO_REF subnode
		{
			$2->omit_if_unused = true;
			$$ = $2;
		}
	| DT_LABEL subnode
		{
			node_add_label(DT, $2, $1, &@1);
			$$ = $2;
		}
	;

%%

/*
 * "expecting A or B or A": one token and a shorter one for the same thing
 * ("};" and '}') are named alike; each name once.
 */
static void drop_repeats(char *msg)
{
	char *list = strstr(msg, ", expecting "), *p, *q, *end;
	size_t len;

	if (!list)
		return;
	p = list + strlen(", expecting ");
	while ((q = strstr(p, " or ")) != NULL) {
		char *next = q + 4;

		end = strstr(next, " or ");
		len = end ? (size_t)(end - next) : strlen(next);
		/* next is a repeat if an earlier item in the list matches */
		{
			char *it = list + strlen(", expecting "), *stop;
			bool seen = false;

			while (it < next) {
				stop = strstr(it, " or ");
				if ((size_t)(stop - it) == len &&
				    strncmp(it, next, len) == 0) {
					seen = true;
					break;
				}
				it = stop + 4;
			}
			if (seen) {
				memmove(q, next + len, strlen(next + len) + 1);
				continue;
			}
		}
		p = next;
	}
}

/*
 * Whole arrays, byte strings and properties are single tokens (see dts.l),
 * but to the user they are the '<', '[' or name that starts them, as token
 * by token. *first: how long that is in the unexpected token, or 0.
 */
static const char *user_token_names(struct parse_ctx *ctx, const char *msg,
				    char *buf, size_t size, uint32_t *first)
{
	static const char *const from[] = { "cell array", "byte string",
					    "whole property", "node start",
					    "leaf node", "node end" };
	static const char *const to[] = { "'<'", "'['",
					  "property or node name",
					  "property or node name",
					  "property or node name", "'}'" };
	const size_t n_names = sizeof(from) / sizeof(from[0]);
	size_t o = 0, i, n;

	*first = 0;
	while (*msg && o + 32 < size) {
		for (i = 0; i < n_names; i++)
			if (strncmp(msg, from[i], strlen(from[i])) == 0)
				break;
		if (i == n_names) {
			buf[o++] = *msg++;
			continue;
		}
		if (o >= 11 && strncmp(buf + o - 11, "unexpected ", 11) == 0)
			*first = to[i][0] == '\'' ? 1 : ctx->tok_text ?
				 (uint32_t)lex_prop_name_len(ctx->tok_text) : 0;
		n = strlen(to[i]);
		memcpy(buf + o, to[i], n);
		o += n;
		msg += strlen(from[i]);
	}
	buf[o] = '\0';
	drop_repeats(buf);
	return buf;
}

void yyerror(YYLTYPE *loc, void *scanner, struct parse_ctx *ctx,
	     const char *msg)
{
	(void)scanner;
	const char *bad = "unexpected invalid token";
	const char *at = strstr(msg, bad);
	char buf[512];
	YYLTYPE one;
	uint32_t first;

	if (ctx->lexical_error_pending) {
		ctx->lexical_error_pending = false;
		return;
	}
	/* Bison calls a character no rule uses "invalid token": show it. */
	if (at && ctx->tok_text && ctx->tok_len) {
		int n = ctx->tok_len > 40 ? 40 : (int)ctx->tok_len;

		diag_at(DIAG_ERROR, loc, NULL, "%.*sunexpected '%.*s'%s",
			(int)(at - msg), msg, n, ctx->tok_text,
			at + strlen(bad));
		return;
	}
	msg = user_token_names(ctx, msg, buf, sizeof(buf), &first);
	if (first) {
		one = *loc;
		one.end = one.off + first;
		loc = &one;
	}
	diag_at(DIAG_ERROR, loc, NULL, "%s", msg);
}
