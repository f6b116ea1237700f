/* SPDX-License-Identifier: MIT */
/* The instruction decoder (gw_code_begin/gw_code_next) and the call-site
 * walker (gw_func_calls) on hand-written function bodies. */
#include <stdlib.h>
#include <string.h>

#include "gwtest.h"
#include "wasm/code.h"

/* ------------------------------------------------------------------ */
/* A module around test bodies:
 *   types   0: () -> ()   1: (i32) -> (i32)   2: (i32 i64) -> ()
 *   imports func 0 env.a (type 0), func 1 env.b (type 1), global 0 env.g
 *   one table, one memory, global 1, one passive element segment,
 *   datacount 1, one passive data segment.
 * Defined function i has index 2 + i. */

enum { NIMPORTS = 2, MAX_BODIES = 16 };

typedef struct bodies {
	wb code[MAX_BODIES];
	uint32_t type[MAX_BODIES];
	unsigned n;
	size_t offset[MAX_BODIES]; /* filled by build_module */
} bodies;

/* Starts body number n with the given type; returns its builder. */
static wb *new_body(bodies *bs, uint32_t type)
{
	wb *w = &bs->code[bs->n];
	wb_init(w);
	bs->type[bs->n] = type;
	bs->n++;
	return w;
}

static void free_bodies(bodies *bs)
{
	for (unsigned i = 0; i < bs->n; i++)
		wb_free(&bs->code[i]);
	bs->n = 0;
}

static size_t flush(wb *b, uint8_t id, wb *payload)
{
	size_t at = wb_section(b, id, payload);
	wb_reset(payload);
	return at;
}

static void build_module(wb *b, bodies *bs)
{
	wb p;
	wb_init(&p);
	wb_reset(b);
	wb_header(b);
	wb_u32(&p, 3);
	wb_functype(&p, "", "");
	wb_functype(&p, "i", "i");
	wb_functype(&p, "iI", "");
	flush(b, WB_SEC_TYPE, &p);
	wb_u32(&p, 3);
	wb_name(&p, "env"); wb_name(&p, "a"); wb_u8(&p, 0); wb_u32(&p, 0);
	wb_name(&p, "env"); wb_name(&p, "b"); wb_u8(&p, 0); wb_u32(&p, 1);
	wb_name(&p, "env"); wb_name(&p, "g"); wb_u8(&p, 3); wb_u8(&p, 0x7f); wb_u8(&p, 1);
	flush(b, WB_SEC_IMPORT, &p);
	wb_u32(&p, bs->n);
	for (unsigned i = 0; i < bs->n; i++)
		wb_u32(&p, bs->type[i]);
	flush(b, WB_SEC_FUNCTION, &p);
	wb_bytes(&p, "\x01\x70\x00\x01", 4);
	flush(b, WB_SEC_TABLE, &p);
	wb_bytes(&p, "\x01\x00\x01", 3);
	flush(b, WB_SEC_MEMORY, &p);
	wb_bytes(&p, "\x01\x7f\x01\x41\x00\x0b", 6);
	flush(b, WB_SEC_GLOBAL, &p);
	wb_bytes(&p, "\x01\x01\x00\x01\x00", 5);
	flush(b, WB_SEC_ELEM, &p);
	wb_u32(&p, 1);
	flush(b, WB_SEC_DATACOUNT, &p);
	wb_u32(&p, bs->n);
	size_t rel[MAX_BODIES];
	for (unsigned i = 0; i < bs->n; i++) {
		wb_u32(&p, (uint32_t)bs->code[i].len);
		rel[i] = p.len;
		wb_bytes(&p, bs->code[i].data, bs->code[i].len);
	}
	size_t at = flush(b, WB_SEC_CODE, &p);
	for (unsigned i = 0; i < bs->n; i++)
		bs->offset[i] = at + rel[i];
	wb_bytes(&p, "\x01\x01\x01x", 4);
	flush(b, WB_SEC_DATA, &p);
	wb_free(&p);
}

/* ------------------------------------------------------------------ */
/* Every immediate kind, decoded. */

typedef struct want {
	size_t rel;       /* offset of the opcode in the body */
	uint32_t op;
	uint64_t a, b;
	bool b_is_rel;    /* b is an offset in the body (br_table vector) */
} want;

typedef struct seq {
	wb *w;
	want v[160];
	unsigned n;
} seq;

/* Records the next instruction's expectation at the current position,
 * then appends its bytes. */
static void I(seq *s, uint32_t op, uint64_t a, uint64_t b, const void *bytes, size_t n)
{
	want x = { s->w->len, op, a, b, false };
	s->v[s->n++] = x;
	wb_bytes(s->w, bytes, n);
}

#define INS(s, op, a, b, ...) \
	I((s), (op), (a), (b), (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }))

static void build_everything(seq *s)
{
	wb *w = s->w;
	/* Locals: 2 x i32, 1 x f64 after the (i32 i64) params: 5 locals. */
	wb_bytes(w, "\x02\x02\x7f\x01\x7c", 5);

	INS(s, 0x02, 0x40, 0, 0x02, 0x40);                      /* block */
	INS(s, 0x03, 0x7f, 0, 0x03, 0x7f);                      /* loop (result i32) */
	INS(s, 0x04, 0x100000001ull, 0, 0x04, 0x01);            /* if (type 1) */
	INS(s, 0x05, 0, 0, 0x05);                               /* else */
	INS(s, 0x0b, 0, 0, 0x0b);
	INS(s, 0x0b, 0, 0, 0x0b);
	INS(s, 0x0b, 0, 0, 0x0b);
	INS(s, 0x02, 0x6f, 0, 0x02, 0x6f);                      /* block (result externref) */
	INS(s, 0x02, 0x100000002ull, 0, 0x02, 0x82, 0x00);      /* block (type 2), padded */
	INS(s, 0x20, 0, 0, 0x20, 0x00);
	INS(s, 0x0e, 2, 2, 0x0e, 0x02, 0x00, 0x01, 0x02);       /* br_table 0 1 default 2 */
	s->v[s->n - 1].b = s->v[s->n - 1].rel + 2;
	s->v[s->n - 1].b_is_rel = true;
	INS(s, 0x0b, 0, 0, 0x0b);
	INS(s, 0x0b, 0, 0, 0x0b);
	INS(s, 0x0c, 0, 0, 0x0c, 0x00);                         /* br 0 */
	INS(s, 0x0d, 0, 0, 0x0d, 0x00);                         /* br_if 0 */
	INS(s, 0x10, 0, 0, 0x10, 0x00);                         /* call 0 */
	INS(s, 0x10, 2, 0, 0x10, 0x02);                         /* call 2 (itself) */
	INS(s, 0x11, 1, 0, 0x11, 0x01, 0x00);                   /* call_indirect type 1 table 0 */
	INS(s, 0x12, 1, 0, 0x12, 0x01);                         /* return_call 1 */
	INS(s, 0x13, 0, 0, 0x13, 0x00, 0x00);                   /* return_call_indirect */
	INS(s, 0x20, 4, 0, 0x20, 0x04);                         /* local.get 4 (last) */
	INS(s, 0x21, 3, 0, 0x21, 0x03);
	INS(s, 0x22, 0, 0, 0x22, 0x80, 0x00);                   /* local.tee 0, padded */
	INS(s, 0x23, 1, 0, 0x23, 0x01);                         /* global.get 1 (defined) */
	INS(s, 0x24, 0, 0, 0x24, 0x00);                         /* global.set 0 (imported) */
	INS(s, 0x25, 0, 0, 0x25, 0x00);                         /* table.get */
	INS(s, 0x26, 0, 0, 0x26, 0x00);                         /* table.set */
	INS(s, 0x28, 2, 8, 0x28, 0x02, 0x08);                   /* i32.load align=4 offset=8 */
	INS(s, 0x29, 3, 0, 0x29, 0x03, 0x00);
	INS(s, 0x37, 3, 0x10000, 0x37, 0x03, 0x80, 0x80, 0x04); /* i64.store offset=65536 */
	INS(s, 0x3a, 0, 0xffffffffu, 0x3a, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f);
	INS(s, 0x2b, 3, 16, 0x2b, 0x03, 0x10);                  /* f64.load */
	INS(s, 0x35, 2, 0, 0x35, 0x02, 0x00);                   /* i64.load32_u */
	INS(s, 0x3e, 2, 4, 0x3e, 0x02, 0x04);                   /* i64.store32 */
	INS(s, 0x28, 0, 0, 0x28, 0x40, 0x00, 0x00);             /* i32.load, multi-memory form, memory 0 */
	INS(s, 0x3f, 0, 0, 0x3f, 0x00);                         /* memory.size */
	INS(s, 0x40, 0, 0, 0x40, 0x00);                         /* memory.grow */
	INS(s, 0x41, UINT64_MAX, 0, 0x41, 0x7f);                /* i32.const -1 */
	INS(s, 0x41, (uint64_t)(int64_t)INT32_MIN, 0, 0x41, 0x80, 0x80, 0x80, 0x80, 0x78);
	INS(s, 0x41, INT32_MAX, 0, 0x41, 0xff, 0xff, 0xff, 0xff, 0x07);
	INS(s, 0x42, 5, 0, 0x42, 0x05);
	INS(s, 0x42, 63, 0, 0x42, 0x3f);
	INS(s, 0x42, 64, 0, 0x42, 0xc0, 0x00);
	INS(s, 0x42, (uint64_t)(int64_t)-64, 0, 0x42, 0x40);
	INS(s, 0x42, (uint64_t)(int64_t)-2, 0, 0x42, 0x7e);
	INS(s, 0x42, (uint64_t)INT64_MIN, 0, 0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f);
	INS(s, 0x42, 0x123456789abcdefull, 0, 0x42, 0xef, 0x9b, 0xaf, 0xcd, 0xf8, 0xac, 0xd1, 0x91, 0x01);
	INS(s, 0x43, 0x40490fdb, 0, 0x43, 0xdb, 0x0f, 0x49, 0x40);
	INS(s, 0x44, 0x400921fb54442d18ull, 0, 0x44, 0x18, 0x2d, 0x44, 0x54, 0xfb, 0x21, 0x09, 0x40);
	for (uint8_t sub = 0; sub < 8; sub++) /* saturating truncations */
		INS(s, 0xfc00u | sub, 0, 0, 0xfc, sub);
	INS(s, 0xfc08, 0, 0, 0xfc, 0x08, 0x00, 0x00);           /* memory.init 0 */
	INS(s, 0xfc09, 0, 0, 0xfc, 0x09, 0x00);                 /* data.drop 0 */
	INS(s, 0xfc0a, 0, 0, 0xfc, 0x0a, 0x00, 0x00);           /* memory.copy */
	INS(s, 0xfc0b, 0, 0, 0xfc, 0x0b, 0x00);                 /* memory.fill */
	INS(s, 0xfc0c, 0, 0, 0xfc, 0x0c, 0x00, 0x00);           /* table.init 0 0 */
	INS(s, 0xfc0d, 0, 0, 0xfc, 0x0d, 0x00);                 /* elem.drop 0 */
	INS(s, 0xfc0e, 0, 0, 0xfc, 0x0e, 0x00, 0x00);           /* table.copy */
	INS(s, 0xfc0f, 0, 0, 0xfc, 0x0f, 0x00);                 /* table.grow */
	INS(s, 0xfc10, 0, 0, 0xfc, 0x10, 0x00);                 /* table.size */
	INS(s, 0xfc11, 0, 0, 0xfc, 0x11, 0x00);                 /* table.fill */
	INS(s, 0xfc01, 0, 0, 0xfc, 0x81, 0x00);                 /* padded sub-opcode */
	for (uint8_t op = 0xc0; op <= 0xc4; op++) /* sign extension */
		INS(s, op, 0, 0, op);
	INS(s, 0xd0, 0x70, 0, 0xd0, 0x70);                      /* ref.null func */
	INS(s, 0xd0, 0x6f, 0, 0xd0, 0x6f);                      /* ref.null extern */
	INS(s, 0xd1, 0, 0, 0xd1);                               /* ref.is_null */
	INS(s, 0xd2, 2, 0, 0xd2, 0x02);                         /* ref.func 2 */
	INS(s, 0x1c, 0, 0, 0x1c, 0x01, 0x7f);                   /* select (result i32) */
	INS(s, 0x1b, 0, 0, 0x1b);
	INS(s, 0x1a, 0, 0, 0x1a);
	INS(s, 0x01, 0, 0, 0x01);
	INS(s, 0x45, 0, 0, 0x45);                               /* i32.eqz */
	INS(s, 0x6a, 0, 0, 0x6a);                               /* i32.add */
	INS(s, 0xa7, 0, 0, 0xa7);                               /* i32.wrap_i64 */
	INS(s, 0xbf, 0, 0, 0xbf);                               /* f64.reinterpret_i64 */
	INS(s, 0x0f, 0, 0, 0x0f);                               /* return */
	INS(s, 0x00, 0, 0, 0x00);                               /* unreachable */
	INS(s, 0x0b, 0, 0, 0x0b);                               /* final end */
}

static void test_everything(void)
{
	bodies bs = { 0 };
	seq s = { 0 };
	s.w = new_body(&bs, 2);
	build_everything(&s);
	wb b;
	wb_init(&b);
	build_module(&b, &bs);
	gwt_mod t;
	if (!ok(gwt_parse_wb(&t, &b) == GW_OK, "code module parses (%s)", t.err.msg))
		goto out;

	gw_code_reader r;
	gw_error err;
	gw_error_clear(&err);
	if (!ok(gw_code_begin(&r, t.m, 2, &err) == GW_OK, "begin function 2 (%s)", err.msg)) {
		gw_code_end(&r);
		goto out;
	}
	is_uint(r.num_locals, 5, "2 params + 3 declared locals");
	is_uint(r.depth, 1, "the function's own block is open");
	size_t base = bs.offset[0];
	unsigned i = 0, mismatches = 0;
	gw_insn in;
	while (!r.done && i < s.n) {
		gw_status st = gw_code_next(&r, &in, &err);
		const want *w = &s.v[i];
		uint64_t wb_ = w->b_is_rel ? base + w->b : w->b;
		if (!ok(st == GW_OK && in.offset == base + w->rel && in.op == w->op && in.a == w->a && in.b == wb_,
		        "insn %u %s (0x%x) at +%zu: a=0x%llx b=0x%llx", i, gw_op_name(w->op), w->op, w->rel,
		        (unsigned long long)w->a, (unsigned long long)wb_)) {
			diag("got status %d (%s) op 0x%x at %zu a=0x%llx b=0x%llx", st, err.msg, in.op, in.offset,
			     (unsigned long long)in.a, (unsigned long long)in.b);
			mismatches++;
			if (st)
				break;
		}
		i++;
	}
	is_uint(i, s.n, "decoded all %u instructions", s.n);
	ok(r.done, "done after the final end");
	is_uint(r.depth, 0, "no block left open");
	is_uint(r.c.pos, base + bs.code[0].len, "cursor at the end of the body");
	gw_error_clear(&err);
	is_int(gw_code_next(&r, &in, &err), GW_ERR_FORMAT, "reading past the final end is an error");
	gw_code_end(&r);
	gw_code_end(&r); /* twice is harmless */
	is_uint(mismatches, 0, "no mismatched instruction");

	gw_error_clear(&err);
	is_int(gw_module_check_code(t.m, &err), GW_OK, "gw_module_check_code accepts it (%s)", err.msg);
out:
	gwt_free(&t);
	wb_free(&b);
	free_bodies(&bs);
}

/* ------------------------------------------------------------------ */
/* Decoding errors. */

typedef struct bad_body {
	const char *name;
	uint32_t type;
	size_t n;
	uint8_t bytes[24];
	gw_status status;
	size_t rel;       /* expected error offset in the body; SIZE_MAX: the body's end */
	const char *msg;  /* substring of the message */
} bad_body;

#define B(name, type, status, rel, msg, ...) \
	{ name, type, sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ }, status, rel, msg }

static const bad_body bad_bodies[] = {
	B("unknown opcode 0x27", 0, GW_ERR_FORMAT, 2, "unknown opcode 0x27", 0x00, 0x01, 0x27, 0x0b),
	B("unknown opcode 0xc5", 0, GW_ERR_FORMAT, 1, "unknown opcode 0xc5", 0x00, 0xc5, 0x0b),
	B("unknown opcode 0xff", 0, GW_ERR_FORMAT, 1, "unknown opcode 0xff", 0x00, 0xff, 0x0b),
	B("unknown opcode 0x14", 0, GW_ERR_FORMAT, 1, "unknown opcode 0x14", 0x00, 0x14, 0x00, 0x0b),
	B("unknown 0xfc sub-opcode 18", 0, GW_ERR_FORMAT, 1, "sub-opcode 18", 0x00, 0xfc, 0x12, 0x0b),
	B("0xfc sub-opcode 0x108", 0, GW_ERR_FORMAT, 1, "sub-opcode 264", 0x00, 0xfc, 0x88, 0x02, 0x0b),
	B("SIMD v128.const", 0, GW_ERR_UNSUPPORTED, 1, "SIMD", 0x00, 0xfd, 0x0c, 0x00, 0x0b),
	B("threads atomic.fence", 0, GW_ERR_UNSUPPORTED, 1, "threads", 0x00, 0xfe, 0x03, 0x00, 0x0b),
	B("exception try", 0, GW_ERR_UNSUPPORTED, 1, "exception", 0x00, 0x06, 0x40, 0x0b, 0x0b),
	B("br 1 at function level", 0, GW_ERR_FORMAT, 2, "branch depth 1 out of range", 0x00, 0x0c, 0x01, 0x0b),
	B("br 2 in one block", 0, GW_ERR_FORMAT, 4, "branch depth 2", 0x00, 0x02, 0x40, 0x0c, 0x02, 0x0b, 0x0b),
	B("br_if 1 after the block closed", 0, GW_ERR_FORMAT, 5, "branch depth 1", 0x00, 0x02, 0x40, 0x0b, 0x0d,
	  0x01, 0x0b),
	B("br_table target out of range", 0, GW_ERR_FORMAT, 4, "branch depth 5", 0x00, 0x0e, 0x01, 0x00, 0x05, 0x0b),
	B("br_table default out of range", 0, GW_ERR_FORMAT, 5, "branch depth 1", 0x00, 0x0e, 0x02, 0x00, 0x00,
	  0x01, 0x0b),
	B("br_table size 2^32-1", 0, GW_ERR_FORMAT, 2, "too large", 0x00, 0x0e, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0b),
	B("call 3 of 3 functions", 0, GW_ERR_FORMAT, 2, "called function index 3 out of range", 0x00, 0x10, 0x03,
	  0x0b),
	B("call index 2^32-1", 0, GW_ERR_FORMAT, 2, "out of range", 0x00, 0x10, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0b),
	B("call_indirect type 3", 0, GW_ERR_FORMAT, 2, "type index 3", 0x00, 0x11, 0x03, 0x00, 0x0b),
	B("call_indirect table 1", 0, GW_ERR_FORMAT, 3, "table index 1", 0x00, 0x11, 0x00, 0x01, 0x0b),
	B("local.get 0 without locals", 0, GW_ERR_FORMAT, 2, "local index 0 out of range", 0x00, 0x20, 0x00, 0x0b),
	B("local.set 3 of 3 locals", 1, GW_ERR_FORMAT, 4, "local index 3", 0x01, 0x02, 0x7e, 0x21, 0x03, 0x0b),
	B("global.get 2 of 2", 0, GW_ERR_FORMAT, 2, "global index 2", 0x00, 0x23, 0x02, 0x0b),
	B("table.get 1 of 1", 0, GW_ERR_FORMAT, 2, "table index 1", 0x00, 0x25, 0x01, 0x0b),
	B("ref.func 3 of 3", 0, GW_ERR_FORMAT, 2, "ref.func index 3", 0x00, 0xd2, 0x03, 0x0b),
	B("elem.drop 1 of 1", 0, GW_ERR_FORMAT, 3, "element segment index 1", 0x00, 0xfc, 0x0d, 0x01, 0x0b),
	B("table.copy to table 1", 0, GW_ERR_FORMAT, 3, "table index 1", 0x00, 0xfc, 0x0e, 0x01, 0x00, 0x0b),
	B("else in a block", 0, GW_ERR_FORMAT, 3, "else without if", 0x00, 0x02, 0x40, 0x05, 0x0b, 0x0b),
	B("else at function level", 0, GW_ERR_FORMAT, 1, "else without if", 0x00, 0x05, 0x0b),
	B("second else", 0, GW_ERR_FORMAT, 4, "else without if", 0x00, 0x04, 0x40, 0x05, 0x05, 0x0b, 0x0b),
	B("else in a loop", 0, GW_ERR_FORMAT, 3, "else without if", 0x00, 0x03, 0x40, 0x05, 0x0b, 0x0b),
	B("missing final end", 0, GW_ERR_FORMAT, SIZE_MAX, "without a final end", 0x00, 0x01, 0x01),
	B("empty instruction sequence", 0, GW_ERR_FORMAT, SIZE_MAX, "without a final end", 0x00),
	B("block left open", 0, GW_ERR_FORMAT, SIZE_MAX, "without a final end", 0x00, 0x02, 0x40, 0x0b),
	B("bytes after the final end", 0, GW_ERR_FORMAT, 2, "1 bytes after the final end", 0x00, 0x0b, 0x01),
	B("a block's end then the function's, then more", 0, GW_ERR_FORMAT, 5, "2 bytes after", 0x00, 0x02, 0x40,
	  0x0b, 0x0b, 0x01, 0x01),
	B("block type index 3 of 3", 0, GW_ERR_FORMAT, 2, "invalid block type 3", 0x00, 0x02, 0x03, 0x0b, 0x0b),
	B("block type 0x60", 0, GW_ERR_FORMAT, 2, "invalid block type -32", 0x00, 0x02, 0x60, 0x0b, 0x0b),
	B("item 23: block type 0x60 says what a block type may be", 0, GW_ERR_FORMAT, 2,
	  "invalid block type -32: neither empty (0x40), a value type, nor one of the module's", 0x00, 0x02, 0x60, 0x0b,
	  0x0b),
	B("item 23: an index out of range says how many exist", 0, GW_ERR_FORMAT, 2,
	  "global index 2 out of range (2 exist)", 0x00, 0x23, 0x02, 0x0b),
	B("block type truncated", 0, GW_ERR_FORMAT, 2, "block type", 0x00, 0x02, 0x80),
	B("alignment 2^5", 0, GW_ERR_FORMAT, 2, "alignment", 0x00, 0x28, 0x05, 0x00, 0x0b),
	/* item 23: said "invalid alignment 2^4294967231" */
	B("item 23: alignment field 2^32-1", 0, GW_ERR_FORMAT, 2,
	  "i32.load: alignment field 4294967231 is invalid; it is the log2 of the alignment and may be at most 2 for "
	  "this 4-byte access", 0x00, 0x28, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x0b),
	B("item 23: i32.load8_u aligned to 2 bytes", 0, GW_ERR_FORMAT, 2, "i32.load8_u: alignment field 1 is invalid",
	  0x00, 0x2d, 0x01, 0x00, 0x0b),
	B("item 23: i64.store aligned to 16 bytes", 0, GW_ERR_FORMAT, 2, "may be at most 3 for this 8-byte access",
	  0x00, 0x37, 0x04, 0x00, 0x0b),
	B("item 23: load from memory 1", 0, GW_ERR_UNSUPPORTED, 3, "only memory 0 is supported", 0x00, 0x28, 0x42,
	  0x01, 0x00, 0x0b),
	B("i32.const truncated", 0, GW_ERR_FORMAT, 2, "i32.const", 0x00, 0x41, 0x80),
	B("i32.const too long", 0, GW_ERR_FORMAT, 2, "i32.const", 0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00,
	  0x0b),
	B("i64.const truncated", 0, GW_ERR_FORMAT, 2, "i64.const", 0x00, 0x42, 0xff, 0xff),
	B("f32.const truncated", 0, GW_ERR_FORMAT, 2, "f32.const", 0x00, 0x43, 0x00, 0x00, 0x0b),
	B("f64.const truncated", 0, GW_ERR_FORMAT, 2, "f64.const", 0x00, 0x44, 0x00, 0x00, 0x00, 0x0b),
	B("ref.null i32", 0, GW_ERR_FORMAT, 2, "reference type 0x7f", 0x00, 0xd0, 0x7f, 0x0b),
	B("select with types past the body", 0, GW_ERR_FORMAT, 3, "select types", 0x00, 0x1c, 0x05, 0x7f),
	B("memory offset truncated", 0, GW_ERR_FORMAT, 3, "memory offset", 0x00, 0x28, 0x02, 0x80),
};

static void test_bad_bodies(void)
{
	for (size_t i = 0; i < sizeof bad_bodies / sizeof bad_bodies[0]; i++) {
		const bad_body *c = &bad_bodies[i];
		bodies bs = { 0 };
		wb *w = new_body(&bs, c->type);
		wb_bytes(w, c->bytes, c->n);
		wb b;
		wb_init(&b);
		build_module(&b, &bs);
		gwt_mod t;
		if (!ok(gwt_parse_wb(&t, &b) == GW_OK, "%s: module parses (bodies are decoded later)", c->name)) {
			gwt_free(&t);
			wb_free(&b);
			free_bodies(&bs);
			continue;
		}
		size_t want_at = bs.offset[0] + (c->rel == SIZE_MAX ? c->n : c->rel);
		gw_code_reader r;
		gw_error err;
		gw_error_clear(&err);
		gw_status st = gw_code_begin(&r, t.m, NIMPORTS, &err);
		gw_insn in;
		unsigned steps = 0;
		while (st == GW_OK && !r.done && steps++ < 64)
			st = gw_code_next(&r, &in, &err);
		gw_code_end(&r);
		is_int(st, c->status, "%s: %s", c->name, gw_status_name(c->status));
		is_uint(err.offset, want_at, "%s: error offset", c->name);
		ok(strstr(err.msg, c->msg) != NULL, "%s: message mentions \"%s\" (%s)", c->name, c->msg, err.msg);

		/* The whole-module check and the call walker see the same error. */
		gw_error e2;
		gw_error_clear(&e2);
		ok(gw_module_check_code(t.m, &e2) == c->status && e2.offset == want_at,
		   "%s: gw_module_check_code reports it too", c->name);
		gw_error_clear(&e2);
		ok(gw_func_calls(t.m, NIMPORTS, NULL, NULL, &e2) == c->status && e2.offset == want_at,
		   "%s: gw_func_calls reports it too", c->name);
		gwt_free(&t);
		wb_free(&b);
		free_bodies(&bs);
	}
}

/* Errors in the local declarations and in the choice of function. */
static void test_begin_errors(void)
{
	static const struct {
		const char *name;
		size_t n;
		uint8_t bytes[16];
		gw_status status;
		size_t rel;
		const char *msg;
	} v[] = {
		{ "local type 0x40", 4, { 0x01, 0x01, 0x40, 0x0b }, GW_ERR_FORMAT, 1, "local type 0x40" },
		{ "local declaration count too large", 3, { 0x7f, 0x01, 0x0b }, GW_ERR_FORMAT, 1, "too large" },
		{ "50001 locals", 5, { 0x01, 0xd1, 0x86, 0x03, 0x7f }, GW_ERR_LIMIT, 1, "50000" },
		{ "30000 + 30000 locals", 9, { 0x02, 0xb0, 0xea, 0x01, 0x7f, 0xb0, 0xea, 0x01, 0x7e }, GW_ERR_LIMIT, 5,
		  "50000" },
		{ "2^32-1 locals", 7, { 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f }, GW_ERR_LIMIT, 1, "50000" },
		{ "local type missing", 6, { 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f }, GW_ERR_FORMAT, 6, "local type" },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		bodies bs = { 0 };
		wb *w = new_body(&bs, 0);
		wb_bytes(w, v[i].bytes, v[i].n);
		wb b;
		wb_init(&b);
		build_module(&b, &bs);
		gwt_mod t;
		if (ok(gwt_parse_wb(&t, &b) == GW_OK, "%s: module parses", v[i].name)) {
			gw_code_reader r;
			gw_error err;
			gw_error_clear(&err);
			gw_status st = gw_code_begin(&r, t.m, NIMPORTS, &err);
			gw_code_end(&r);
			ok(st == v[i].status && err.offset == bs.offset[0] + v[i].rel && strstr(err.msg, v[i].msg),
			   "%s: %s at +%zu (got %d at %zu: %s)", v[i].name, gw_status_name(v[i].status), v[i].rel, st,
			   err.offset - bs.offset[0], err.msg);
		}
		gwt_free(&t);
		wb_free(&b);
		free_bodies(&bs);
	}

	/* Exactly 50000 locals is allowed. */
	bodies bs = { 0 };
	wb *w = new_body(&bs, 0);
	wb_bytes(w, "\x01\xd0\x86\x03\x7f\x0b", 6);
	wb b;
	wb_init(&b);
	build_module(&b, &bs);
	gwt_mod t;
	if (ok(gwt_parse_wb(&t, &b) == GW_OK, "50000 locals: module parses")) {
		gw_code_reader r;
		gw_error err;
		gw_error_clear(&err);
		ok(gw_code_begin(&r, t.m, NIMPORTS, &err) == GW_OK && r.num_locals == 50000, "50000 locals are allowed");
		gw_code_end(&r);
		gw_error_clear(&err);
		ok(gw_code_begin(&r, t.m, 0, &err) == GW_ERR_FORMAT && err.offset == GW_NO_OFFSET,
		   "an imported function has no body to read");
		gw_code_end(&r);
		gw_error_clear(&err);
		ok(gw_code_begin(&r, t.m, 3, &err) == GW_ERR_FORMAT, "function 3 does not exist");
		gw_code_end(&r);
	}
	gwt_free(&t);
	wb_free(&b);
	free_bodies(&bs);
}

/* A () -> () body of 100 nested blocks, every third a loop, and a br to
 * the function's own label. */
static void nested_100(bodies *bs)
{
	wb *w = new_body(bs, 0);
	wb_u8(w, 0);
	for (int i = 0; i < 100; i++) {
		wb_u8(w, i % 3 == 0 ? 0x03 : 0x02);
		wb_u8(w, 0x40);
	}
	wb_bytes(w, "\x0c\x64", 2); /* br 100: the function's own label */
	for (int i = 0; i < 101; i++)
		wb_u8(w, 0x0b);
}

/* Deep nesting grows the block stack past its first allocation. */
static void test_deep_nesting(void)
{
	bodies bs = { 0 };
	nested_100(&bs);
	wb b;
	wb_init(&b);
	build_module(&b, &bs);
	gwt_mod t;
	if (ok(gwt_parse_wb(&t, &b) == GW_OK, "deep nesting: module parses")) {
		gw_code_reader r;
		gw_error err;
		gw_error_clear(&err);
		gw_status st = gw_code_begin(&r, t.m, NIMPORTS, &err);
		gw_insn in;
		uint32_t max_depth = 0, max_loops = 0;
		while (st == GW_OK && !r.done) {
			st = gw_code_next(&r, &in, &err);
			if (r.depth > max_depth)
				max_depth = r.depth;
			if (r.loop_depth > max_loops)
				max_loops = r.loop_depth;
		}
		gw_code_end(&r);
		is_int(st, GW_OK, "100 nested blocks decode (%s)", err.msg);
		is_uint(max_depth, 101, "depth reaches 101 (the function's block included)");
		is_uint(max_loops, 34, "34 of them are loops");
		ok(r.depth == 0 && r.loop_depth == 0, "all closed at the end");
	}
	gwt_free(&t);
	wb_free(&b);
	free_bodies(&bs);
}

/* item 10: the depth Binaryen would recurse to, computed before it sees
 * the module. */
static void test_code_depth(void)
{
	bodies bs = { 0 };
	nested_100(&bs); /* f0 (index 2) */
	/* f1 (index 3): i32.const 0, 500 x i32.eqz, drop: a tree 502 deep,
	 * inside 7 nested ifs with elses. */
	wb *w = new_body(&bs, 0);
	wb_u8(w, 0);
	for (int i = 0; i < 7; i++)
		wb_bytes(w, "\x41\x01\x04\x40", 4);
	wb_bytes(w, "\x41\x00", 2);
	for (int i = 0; i < 500; i++)
		wb_u8(w, 0x45);
	wb_u8(w, 0x1a);
	for (int i = 0; i < 7; i++)
		wb_bytes(w, "\x05\x0b", 2);
	wb_u8(w, 0x0b);
	/* f2 (index 4, (i32) -> (i32)): 300 x (i32.const 1, block (result i32)),
	 * i32.const 0, 300 x (end, i32.add): blocks as operands, 601 deep. */
	w = new_body(&bs, 1);
	wb_u8(w, 0);
	for (int i = 0; i < 300; i++)
		wb_bytes(w, "\x41\x01\x02\x7f", 4);
	wb_bytes(w, "\x41\x00", 2);
	for (int i = 0; i < 300; i++)
		wb_bytes(w, "\x0b\x6a", 2);
	wb_u8(w, 0x0b);
	wb b;
	wb_init(&b);
	build_module(&b, &bs);
	gwt_mod t;
	if (ok(gwt_parse_wb(&t, &b) == GW_OK, "item 10: depth module parses")) {
		gw_code_depth d;
		gw_error err;
		gw_error_clear(&err);
		is_int(gw_module_code_depth(t.m, &d, &err), GW_OK, "item 10: depths computed (%s)", err.msg);
		is_uint(d.control, 300, "item 10: deepest control nesting: 300 blocks (f2)");
		is_uint(d.control_func, NIMPORTS + 2, "item 10: ... in f2");
		is_uint(d.loops_ifs, 34, "item 10: deepest loops and ifs: the 34 loops of f0 (f1 has 7 ifs)");
		is_uint(d.loops_ifs_func, NIMPORTS, "item 10: ... in f0");
		is_uint(d.expression, 602, "item 10: deepest expression: f2's 300 adds over 300 blocks (602 with the body)");
		is_uint(d.expression_func, NIMPORTS + 2, "item 10: ... in f2");
		ok(d.expression_offset > bs.offset[2] && d.expression_offset < bs.offset[2] + bs.code[2].len + 4,
		   "item 10: the offset of the deepest expression is inside f2's body");
	}
	gwt_free(&t);
	wb_free(&b);
	free_bodies(&bs);

	/* One function: the unary chain alone, its depth at the drop. */
	w = new_body(&bs, 0);
	wb_u8(w, 0);
	wb_bytes(w, "\x41\x00", 2);
	for (int i = 0; i < 500; i++)
		wb_u8(w, 0x45);
	wb_bytes(w, "\x1a\x0b", 2);
	build_module(&b, &bs);
	if (ok(gwt_parse_wb(&t, &b) == GW_OK, "item 10: unary chain module parses")) {
		gw_code_depth d;
		gw_error err;
		gw_error_clear(&err);
		is_int(gw_module_code_depth(t.m, &d, &err), GW_OK, "item 10: unary chain: depths computed");
		is_uint(d.expression, 503, "item 10: i32.const, 500 x i32.eqz, drop: 502 deep, 503 with the body");
		is_uint(d.control, 0, "item 10: unary chain: no control nesting");
		is_uint(d.loops_ifs, 0, "item 10: unary chain: no loops or ifs");
	}
	gwt_free(&t);
	wb_free(&b);
	free_bodies(&bs);
}

/* ------------------------------------------------------------------ */
/* Call sites. */

typedef struct calls {
	gw_call v[32];
	unsigned n;
	unsigned stop_after; /* 0: never stop */
} calls;

static gw_walk collect(void *ctx, const gw_call *call)
{
	calls *c = ctx;
	if (c->n < 32)
		c->v[c->n] = *call;
	c->n++;
	return c->stop_after && c->n >= c->stop_after ? GW_WALK_STOP : GW_WALK_CONTINUE;
}

static uint64_t retpc(uint32_t defined, uint32_t resume)
{
	return (uint64_t)(0x1000 + defined) << 16 | resume;
}

/* Go's prologue to a call: SP -= 8; store the return PC at SP. */
static void go_push_retpc(wb *w, uint64_t pc, uint32_t store_offset)
{
	wb_bytes(w, "\x20\x01\x41\x08\x6b\x22\x01\x24\x00\x20\x01", 11);
	wb_u8(w, 0x42);
	wb_s64(w, (int64_t)pc);
	wb_bytes(w, "\x37\x03", 2);
	wb_u32(w, store_offset);
}

/* Body scenarios; defined function i is index 2 + i and its own return
 * PCs are retpc(i, ...). Each records the offset of its call(s). */
typedef struct scenario {
	const char *name;
	size_t call_rel[6];
	unsigned ncalls;
} scenario;

static void mark_call(scenario *s, const wb *w)
{
	s->call_rel[s->ncalls++] = w->len;
}

static void test_calls(void)
{
	bodies bs = { 0 };
	scenario sc[MAX_BODIES] = { { 0 } };
	wb *w;
	unsigned k;

	/* 0: the Go direct call sequence. */
	k = bs.n;
	sc[k].name = "Go call sequence";
	w = new_body(&bs, 1);
	wb_bytes(w, "\x01\x01\x7f", 3);
	go_push_retpc(w, retpc(k, 1), 0);
	wb_bytes(w, "\x41\x00", 2);
	mark_call(&sc[k], w);
	wb_bytes(w, "\x10\x03\x1a\x41\x00\x0b", 6); /* call 3; drop; i32.const 0; end */

	/* 1: the return PC names another function (defined index k + 1). */
	k = bs.n;
	sc[k].name = "return PC of another function";
	w = new_body(&bs, 1);
	wb_bytes(w, "\x01\x01\x7f", 3);
	go_push_retpc(w, retpc(k + 1, 1), 0);
	wb_bytes(w, "\x41\x00", 2);
	mark_call(&sc[k], w);
	wb_bytes(w, "\x10\x03\x0b", 3);

	/* 2: stored at offset 8, not at SP. */
	k = bs.n;
	sc[k].name = "i64.store offset=8";
	w = new_body(&bs, 1);
	wb_bytes(w, "\x01\x01\x7f", 3);
	go_push_retpc(w, retpc(k, 1), 8);
	mark_call(&sc[k], w);
	wb_bytes(w, "\x10\x03\x0b", 3);

	/* 3: the indirect shape: the table index is computed from a function
	 * value between the store and call_indirect. */
	k = bs.n;
	sc[k].name = "Go call_indirect sequence";
	w = new_body(&bs, 1);
	wb_bytes(w, "\x01\x01\x7f", 3);
	wb_bytes(w, "\x20\x01", 2);
	wb_u8(w, 0x42);
	wb_s64(w, (int64_t)retpc(k, 7));
	wb_bytes(w, "\x37\x03\x00", 3);
	wb_bytes(w, "\xa7\x41\x10\x76\x21\x00\x41\x00\x20\x00", 10);
	mark_call(&sc[k], w);
	wb_bytes(w, "\x11\x01\x00\x0b", 4);

	/* 4: nine plain instructions between store and call: too far. */
	k = bs.n;
	sc[k].name = "9 instructions between store and call";
	w = new_body(&bs, 1);
	wb_bytes(w, "\x01\x01\x7f", 3);
	go_push_retpc(w, retpc(k, 1), 0);
	for (int i = 0; i < 9; i++)
		wb_bytes(w, "\x41\x00", 2);
	mark_call(&sc[k], w);
	wb_bytes(w, "\x10\x03\x0b", 3);

	/* 5: eight: still recognised. */
	k = bs.n;
	sc[k].name = "8 instructions between store and call";
	w = new_body(&bs, 1);
	wb_bytes(w, "\x01\x01\x7f", 3);
	go_push_retpc(w, retpc(k, 0xffff), 0);
	for (int i = 0; i < 8; i++)
		wb_bytes(w, "\x41\x00", 2);
	mark_call(&sc[k], w);
	wb_bytes(w, "\x10\x03\x0b", 3);

	/* 6: a store between breaks the sequence. */
	k = bs.n;
	sc[k].name = "i32.store between store and call";
	w = new_body(&bs, 1);
	wb_bytes(w, "\x01\x01\x7f", 3);
	go_push_retpc(w, retpc(k, 1), 0);
	wb_bytes(w, "\x41\x00\x41\x00\x36\x02\x00", 7);
	mark_call(&sc[k], w);
	wb_bytes(w, "\x10\x03\x0b", 3);

	/* 7: control flow between breaks it too. */
	k = bs.n;
	sc[k].name = "block between store and call";
	w = new_body(&bs, 1);
	wb_bytes(w, "\x01\x01\x7f", 3);
	go_push_retpc(w, retpc(k, 1), 0);
	wb_bytes(w, "\x02\x40", 2);
	mark_call(&sc[k], w);
	wb_bytes(w, "\x10\x03\x0b\x0b", 4);

	/* 8: loop depth of each call, and a return PC used by one call only. */
	k = bs.n;
	sc[k].name = "loops";
	w = new_body(&bs, 1);
	wb_bytes(w, "\x01\x01\x7f", 3);
	go_push_retpc(w, retpc(k, 2), 0);
	mark_call(&sc[k], w);
	wb_bytes(w, "\x10\x00", 2);                 /* depth 0, with retpc */
	wb_bytes(w, "\x03\x40", 2);                 /* loop */
	mark_call(&sc[k], w);
	wb_bytes(w, "\x10\x00", 2);                 /* depth 1, retpc already used */
	wb_bytes(w, "\x02\x40\x03\x40\x04\x40", 6); /* block loop if */
	mark_call(&sc[k], w);
	wb_bytes(w, "\x10\x00", 2);                 /* depth 2 */
	wb_bytes(w, "\x0b\x0b\x0b", 3);
	mark_call(&sc[k], w);
	wb_bytes(w, "\x10\x00", 2);                 /* depth 1 */
	wb_bytes(w, "\x0b", 1);
	mark_call(&sc[k], w);
	wb_bytes(w, "\x12\x00", 2);                 /* return_call, depth 0 */
	wb_bytes(w, "\x0b", 1);

	/* 9: i64.const, then something else, then the store. */
	k = bs.n;
	sc[k].name = "constant not stored directly";
	w = new_body(&bs, 1);
	wb_bytes(w, "\x01\x01\x7f", 3);
	wb_u8(w, 0x42);
	wb_s64(w, (int64_t)retpc(k, 1));
	wb_bytes(w, "\x41\x00\x37\x03\x00", 5);
	mark_call(&sc[k], w);
	wb_bytes(w, "\x10\x03\x0b", 3);

	/* 10: the retpc of the wrong caller, stored by the right sequence, then
	 * a second, right one: only the second counts. */
	k = bs.n;
	sc[k].name = "two stores";
	w = new_body(&bs, 1);
	wb_bytes(w, "\x01\x01\x7f", 3);
	go_push_retpc(w, retpc(k + 3, 1), 0);
	go_push_retpc(w, retpc(k, 4), 0);
	mark_call(&sc[k], w);
	wb_bytes(w, "\x10\x03\x0b", 3);

	wb b;
	wb_init(&b);
	build_module(&b, &bs);
	gwt_mod t;
	if (!ok(gwt_parse_wb(&t, &b) == GW_OK, "calls module parses (%s)", t.err.msg)) {
		gwt_free(&t);
		wb_free(&b);
		free_bodies(&bs);
		return;
	}
	const gw_module *m = t.m;
	calls c[MAX_BODIES];
	for (unsigned i = 0; i < bs.n; i++) {
		memset(&c[i], 0, sizeof c[i]);
		gw_error err;
		gw_error_clear(&err);
		gw_status st = gw_func_calls(m, NIMPORTS + i, collect, &c[i], &err);
		ok(st == GW_OK && c[i].n == sc[i].ncalls, "%s: %u call(s) (%s)", sc[i].name, sc[i].ncalls, err.msg);
		for (unsigned j = 0; j < c[i].n && j < sc[i].ncalls; j++)
			ok(c[i].v[j].offset == bs.offset[i] + sc[i].call_rel[j] && c[i].v[j].caller == NIMPORTS + i,
			   "%s: call %u at +%zu, caller %u", sc[i].name, j, sc[i].call_rel[j], NIMPORTS + i);
	}
	const gw_call *x;

	x = &c[0].v[0];
	ok(x->has_retpc && x->retpc == retpc(0, 1), "Go call: return PC 0x%llx", (unsigned long long)retpc(0, 1));
	ok(!x->indirect && x->callee == 3 && x->loop_depth == 0, "Go call: direct call to 3 outside loops");
	ok(!c[1].v[0].has_retpc && c[1].v[0].retpc == 0, "return PC of another function: not taken");
	ok(!c[2].v[0].has_retpc, "stored at offset 8: not a return PC");
	x = &c[3].v[0];
	ok(x->indirect && x->callee == 1, "call_indirect: indirect, callee is type 1");
	ok(x->has_retpc && x->retpc == retpc(3, 7), "call_indirect: return PC through wrap/shift/local.set");
	ok(!c[4].v[0].has_retpc, "9 instructions between: not taken");
	ok(c[5].v[0].has_retpc && c[5].v[0].retpc == retpc(5, 0xffff), "8 instructions between: taken (resume 0xffff)");
	ok(!c[6].v[0].has_retpc, "i32.store between: not taken");
	ok(!c[7].v[0].has_retpc, "block between: not taken");
	if (c[8].n == 5) {
		static const uint32_t depth[] = { 0, 1, 2, 1, 0 };
		for (unsigned j = 0; j < 5; j++)
			is_uint(c[8].v[j].loop_depth, depth[j], "loops: call %u inside %u loop(s)", j, depth[j]);
		ok(c[8].v[0].has_retpc && !c[8].v[1].has_retpc && !c[8].v[2].has_retpc,
		   "loops: a return PC serves one call only");
		ok(c[8].v[4].callee == 0 && !c[8].v[4].indirect, "loops: return_call is a direct call");
	}
	ok(!c[9].v[0].has_retpc, "i64.const not directly stored: not taken");
	ok(c[10].v[0].has_retpc && c[10].v[0].retpc == retpc(10, 4), "two stores: the last one counts");

	/* Stop early. */
	calls one = { .stop_after = 2 };
	gw_error err;
	gw_error_clear(&err);
	ok(gw_func_calls(m, NIMPORTS + 8, collect, &one, &err) == GW_OK && one.n == 2,
	   "callback returning nonzero stops the walk");
	/* Every function. */
	calls all = { 0 };
	gw_error_clear(&err);
	unsigned total = 0;
	for (unsigned i = 0; i < bs.n; i++)
		total += sc[i].ncalls;
	ok(gw_module_calls(m, collect, &all, &err) == GW_OK && all.n == total, "gw_module_calls visits all %u calls",
	   total);
	gw_error_clear(&err);
	ok(gw_func_calls(m, 0, collect, &all, &err) == GW_ERR_FORMAT, "gw_func_calls on an import is an error");

	gwt_free(&t);
	wb_free(&b);
	free_bodies(&bs);
}

static void test_op_names(void)
{
	is_str(gw_op_name(GW_OP_I64_STORE), "i64.store", "op name i64.store");
	is_str(gw_op_name(GW_OP_CALL_INDIRECT), "call_indirect", "op name call_indirect");
	is_str(gw_op_name(0xfc08), "memory.init", "op name memory.init");
	is_str(gw_op_name(0x99), "other", "op name of an opcode without one");
}

int main(void)
{
	test_everything();
	test_bad_bodies();
	test_begin_errors();
	test_deep_nesting();
	test_code_depth();
	test_calls();
	test_op_names();
	return done_testing();
}
