/* SPDX-License-Identifier: MIT */
#include "code.h"

#include <stdlib.h>
#include <string.h>

#include "../util/array.h"

gw_status gw_code_begin(gw_code_reader *r, const gw_module *m, uint32_t func_index, gw_error *err)
{
	memset(r, 0, sizeof *r);
	r->m = m;
	r->func_index = func_index;
	const gw_func *f = gw_module_defined_func(m, func_index);
	if (!f)
		return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "function %u is not a defined function", func_index);
	r->c = gw_cursor_make(m->bytes, f->body_offset, f->body_offset + f->body_size);
	const gw_functype *t = &m->types[f->type_index];
	r->num_locals = t->nparams;
	uint32_t ndecl;
	GW_TRY(gw_read_u32(&r->c, &ndecl, "local declaration count", err));
	if (ndecl > gw_cursor_left(&r->c) / 2)
		return gw_fail(err, GW_ERR_FORMAT, r->c.pos, "function %u: local declaration count %u too large for its body",
		               func_index, ndecl);
	for (uint32_t i = 0; i < ndecl; i++) {
		uint32_t n;
		uint8_t ty;
		size_t at = r->c.pos;
		GW_TRY(gw_read_u32(&r->c, &n, "local count", err));
		GW_TRY(gw_read_u8(&r->c, &ty, "local type", err));
		r->num_locals += n;
		if (r->num_locals > 50000)
			return gw_fail(err, GW_ERR_LIMIT, at, "function %u declares more than 50000 locals", func_index);
		if (!((ty >= GW_V128 && ty <= GW_I32) || ty == GW_FUNCREF || ty == GW_EXTERNREF))
			return gw_fail(err, GW_ERR_FORMAT, at, "invalid local type 0x%02x", ty);
	}
	r->cap = 16;
	r->blocks = malloc(r->cap);
	if (!r->blocks)
		return gw_fail(err, GW_ERR_NOMEM, r->c.pos, "out of memory");
	r->blocks[0] = 0;
	r->depth = 1;
	return GW_OK;
}

void gw_code_end(gw_code_reader *r)
{
	free(r->blocks);
	r->blocks = NULL;
}

static gw_status push_block(gw_code_reader *r, uint8_t kind, gw_error *err)
{
	/* Depth is bounded by the body size: every block opcode is a byte. */
	if (GW_ARRAY_RESERVE(r->blocks, r->cap, r->depth + 1, 16))
		return gw_fail(err, GW_ERR_NOMEM, r->c.pos, "out of memory");
	r->blocks[r->depth++] = kind;
	if (kind == 1)
		r->loop_depth++;
	return GW_OK;
}

static gw_status read_blocktype(gw_code_reader *r, gw_insn *in, gw_error *err)
{
	gw_cursor *c = &r->c;
	if (c->pos < c->end) {
		uint8_t b = c->base[c->pos];
		if (b == 0x40 || (b >= GW_V128 && b <= GW_I32) || b == GW_FUNCREF || b == GW_EXTERNREF) {
			c->pos++;
			in->a = b;
			return GW_OK;
		}
	}
	int64_t idx;
	size_t at = c->pos;
	GW_TRY(gw_read_sleb(c, 33, &idx, "block type", err));
	if (idx < 0 || (uint64_t)idx >= r->m->num_types)
		return gw_fail(err, GW_ERR_FORMAT, at,
		               "function %u: invalid block type %lld: neither empty (0x40), a value type, nor one of the "
		               "module's %u type indices", r->func_index, (long long)idx, r->m->num_types);
	in->a = (uint64_t)idx | 0x100000000ull;
	return GW_OK;
}

static gw_status read_index(gw_code_reader *r, uint64_t limit, uint64_t *out, const char *what, gw_error *err)
{
	size_t at = r->c.pos;
	uint32_t v;
	GW_TRY(gw_read_u32(&r->c, &v, what, err));
	if (v >= limit)
		return gw_fail(err, GW_ERR_FORMAT, at, "function %u: %s %u out of range (%llu exist%s)", r->func_index, what,
		               v, (unsigned long long)limit, limit == 1 ? "s" : "");
	*out = v;
	return GW_OK;
}

/* The natural alignment (log2 of the access width in bytes) of the
 * loads and stores 0x28..0x3e, which an alignment hint may not exceed. */
static uint32_t natural_alignment(uint32_t op)
{
	static const uint8_t log2_width[] = {
		2, 3, 2, 3, 0, 0, 1, 1, 0, 0, 1, 1, 2, 2, /* loads 0x28..0x35 */
		2, 3, 2, 3, 0, 1, 0, 1, 2,                /* stores 0x36..0x3e */
	};
	return log2_width[op - 0x28];
}

static gw_status read_memarg(gw_code_reader *r, gw_insn *in, gw_error *err)
{
	uint32_t align, off;
	size_t at = r->c.pos;
	GW_TRY(gw_read_u32(&r->c, &align, "memory alignment", err));
	if (align & 0x40) { /* multi-memory: a memory index follows */
		uint32_t mem;
		size_t mem_at = r->c.pos;
		GW_TRY(gw_read_u32(&r->c, &mem, "memory index", err));
		if (mem != 0)
			return gw_fail(err, GW_ERR_UNSUPPORTED, mem_at,
			               "function %u: %s of memory %u: only memory 0 is supported", r->func_index,
			               gw_op_name(in->op), mem);
		align &= ~0x40u;
	}
	uint32_t natural = natural_alignment(in->op);
	if (align > natural)
		return gw_fail(err, GW_ERR_FORMAT, at,
		               "function %u: %s: alignment field %u is invalid; it is the log2 of the alignment and "
		               "may be at most %u for this %u-byte access",
		               r->func_index, gw_op_name(in->op), align, natural, 1u << natural);
	GW_TRY(gw_read_u32(&r->c, &off, "memory offset", err));
	in->a = align;
	in->b = off;
	return GW_OK;
}

static gw_status unsupported(gw_code_reader *r, gw_insn *in, const char *what, gw_error *err)
{
	return gw_fail(err, GW_ERR_UNSUPPORTED, in->offset, "function %u: unsupported %s opcode 0x%02x",
	               r->func_index, what, in->op);
}

/* One-byte LEB128 immediates are by far the most common: decode them
 * inline and leave everything else to the general readers. */
static inline bool small_u32(gw_cursor *c, uint64_t *out)
{
	if (c->pos < c->end && c->base[c->pos] < 0x80) {
		*out = c->base[c->pos++];
		return true;
	}
	return false;
}

static inline gw_status decode(gw_code_reader *r, gw_insn *in, gw_error *err)
{
	gw_cursor *c = &r->c;
	const gw_module *m = r->m;
	in->offset = c->pos;
	in->a = in->b = 0;
	if (c->pos >= c->end)
		return gw_fail(err, GW_ERR_FORMAT, c->pos, "function %u: body ends without a final end", r->func_index);
	uint8_t op = c->base[c->pos++];
	in->op = op;
	/* Fast paths for the opcodes that make up most of Go's code. */
	if (op >= 0x20 && op <= 0x22 && small_u32(c, &in->a)) {
		if (in->a < r->num_locals)
			return GW_OK;
		c->pos--;
		return read_index(r, r->num_locals, &in->a, "local index", err);
	}
	if (op >= 0x28 && op <= 0x3e && c->end - c->pos >= 2 && c->base[c->pos] <= natural_alignment(op) && c->base[c->pos + 1] < 0x80) {
		in->a = c->base[c->pos];
		in->b = c->base[c->pos + 1];
		c->pos += 2;
		return GW_OK;
	}
	if (op == 0x41 && c->pos < c->end && c->base[c->pos] < 0x80) {
		uint8_t b = c->base[c->pos++];
		in->a = b & 0x40 ? (uint64_t)b | ~(uint64_t)0x7f : b; /* sign-extend */
		return GW_OK;
	}
	if (op >= 0x45 && op <= 0xc4)
		return GW_OK;
	switch (op) {
	case 0x00: case 0x01: case 0x0f: case 0x1a: case 0x1b: case 0xd1:
		return GW_OK;
	case 0x02: case 0x03: case 0x04:
		GW_TRY(read_blocktype(r, in, err));
		return push_block(r, op == 0x03 ? 1 : op == 0x04 ? 2 : 0, err);
	case 0x05:
		if (r->depth < 2 || r->blocks[r->depth - 1] != 2)
			return gw_fail(err, GW_ERR_FORMAT, in->offset, "function %u: else without if", r->func_index);
		r->blocks[r->depth - 1] = 3; /* an if whose else was seen */
		return GW_OK;
	case 0x0b:
		r->depth--;
		if (r->blocks[r->depth] == 1)
			r->loop_depth--;
		if (r->depth == 0) {
			r->done = true;
			if (c->pos != c->end)
				return gw_fail(err, GW_ERR_FORMAT, c->pos, "function %u: %zu bytes after the final end",
				               r->func_index, c->end - c->pos);
		}
		return GW_OK;
	case 0x0c: case 0x0d:
		return read_index(r, r->depth, &in->a, "branch depth", err);
	case 0x0e: {
		uint32_t n;
		size_t at = c->pos;
		GW_TRY(gw_read_u32(c, &n, "br_table size", err));
		if (n > gw_cursor_left(c))
			return gw_fail(err, GW_ERR_FORMAT, at, "function %u: br_table size %u too large for its body",
			               r->func_index, n);
		in->a = n;
		in->b = c->pos;
		uint64_t t;
		for (uint64_t i = 0; i <= n; i++)
			GW_TRY(read_index(r, r->depth, &t, "branch depth", err));
		return GW_OK;
	}
	case 0x10: case 0x12:
		return read_index(r, gw_module_num_funcs(m), &in->a, "called function index", err);
	case 0x11: case 0x13:
		GW_TRY(read_index(r, m->num_types, &in->a, "call_indirect type index", err));
		return read_index(r, (uint64_t)m->num_table_imports + m->num_tables, &in->b, "table index", err);
	case 0x1c: {
		uint32_t n;
		const uint8_t *p;
		GW_TRY(gw_read_u32(c, &n, "select type count", err));
		GW_TRY(gw_read_bytes(c, n, &p, "select types", err));
		return GW_OK;
	}
	case 0x20: case 0x21: case 0x22:
		return read_index(r, r->num_locals, &in->a, "local index", err);
	case 0x23: case 0x24:
		return read_index(r, (uint64_t)m->num_global_imports + m->num_globals, &in->a, "global index", err);
	case 0x25: case 0x26:
		return read_index(r, (uint64_t)m->num_table_imports + m->num_tables, &in->a, "table index", err);
	case 0x3f: case 0x40: {
		uint32_t mem;
		GW_TRY(gw_read_u32(c, &mem, "memory index", err));
		in->a = mem;
		return GW_OK;
	}
	case 0x41: {
		int64_t v;
		GW_TRY(gw_read_sleb(c, 32, &v, "i32.const", err));
		in->a = (uint64_t)v;
		return GW_OK;
	}
	case 0x42: {
		/* Go's return PCs are 4-5 byte constants: decode up to 9 bytes
		 * inline, leaving the 10-byte form's range checks to the reader. */
		uint64_t v = 0;
		for (unsigned i = 0, shift = 0; i < 9 && c->pos + i < c->end; i++, shift += 7) {
			uint8_t b = c->base[c->pos + i];
			v |= (uint64_t)(b & 0x7f) << shift;
			if (!(b & 0x80)) {
				shift += 7;
				if (b & 0x40)
					v |= ~(uint64_t)0 << shift;
				c->pos += i + 1;
				in->a = v;
				return GW_OK;
			}
		}
		int64_t sv;
		GW_TRY(gw_read_sleb(c, 64, &sv, "i64.const", err));
		in->a = (uint64_t)sv;
		return GW_OK;
	}
	case 0x43: {
		uint32_t v;
		GW_TRY(gw_read_u32le(c, &v, "f32.const", err));
		in->a = v;
		return GW_OK;
	}
	case 0x44:
		return gw_read_u64le(c, &in->a, "f64.const", err);
	case 0xd0: {
		uint8_t t;
		GW_TRY(gw_read_u8(c, &t, "ref.null type", err));
		if (t != GW_FUNCREF && t != GW_EXTERNREF)
			return gw_fail(err, GW_ERR_FORMAT, in->offset + 1, "invalid reference type 0x%02x", t);
		in->a = t;
		return GW_OK;
	}
	case 0xd2:
		return read_index(r, gw_module_num_funcs(m), &in->a, "ref.func index", err);
	case 0xfc: {
		uint32_t sub;
		GW_TRY(gw_read_u32(c, &sub, "0xfc sub-opcode", err));
		in->op = GW_OP_PREFIX_FC | (sub & 0xff);
		uint64_t ntables = (uint64_t)m->num_table_imports + m->num_tables;
		uint32_t mem;
		switch (sub) {
		case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
			return GW_OK;
		case 8: /* memory.init data mem */
			GW_TRY(gw_read_u32(c, &mem, "data index", err));
			in->a = mem;
			return gw_read_u32(c, &mem, "memory index", err);
		case 9: /* data.drop */
			GW_TRY(gw_read_u32(c, &mem, "data index", err));
			in->a = mem;
			return GW_OK;
		case 10: /* memory.copy */
			GW_TRY(gw_read_u32(c, &mem, "memory index", err));
			return gw_read_u32(c, &mem, "memory index", err);
		case 11: /* memory.fill */
			return gw_read_u32(c, &mem, "memory index", err);
		case 12: /* table.init elem table */
			GW_TRY(read_index(r, m->num_elems, &in->a, "element segment index", err));
			return read_index(r, ntables, &in->b, "table index", err);
		case 13: /* elem.drop */
			return read_index(r, m->num_elems, &in->a, "element segment index", err);
		case 14: /* table.copy */
			GW_TRY(read_index(r, ntables, &in->a, "table index", err));
			return read_index(r, ntables, &in->b, "table index", err);
		case 15: case 16: case 17:
			return read_index(r, ntables, &in->a, "table index", err);
		default:
			return gw_fail(err, GW_ERR_FORMAT, in->offset, "function %u: unknown 0xfc sub-opcode %u",
			               r->func_index, sub);
		}
	}
	case 0xfd:
		return unsupported(r, in, "SIMD (0xfd prefix)", err);
	case 0xfe:
		return unsupported(r, in, "threads (0xfe prefix)", err);
	case 0x06: case 0x07: case 0x08: case 0x09: case 0x0a: case 0x18: case 0x19: case 0x1f:
		return unsupported(r, in, "exception handling", err);
	default:
		break;
	}
	if (op >= 0x28 && op <= 0x3e)
		return read_memarg(r, in, err);
	return gw_fail(err, GW_ERR_FORMAT, in->offset, "function %u: unknown opcode 0x%02x", r->func_index, op);
}

gw_status gw_code_next(gw_code_reader *r, gw_insn *in, gw_error *err)
{
	if (r->done)
		return gw_fail(err, GW_ERR_FORMAT, r->c.pos, "read past the end of function %u", r->func_index);
	return decode(r, in, err);
}

const char *gw_op_name(uint32_t op)
{
	switch (op) {
	case 0x00: return "unreachable";
	case 0x01: return "nop";
	case 0x02: return "block";
	case 0x03: return "loop";
	case 0x04: return "if";
	case 0x05: return "else";
	case 0x0b: return "end";
	case 0x0c: return "br";
	case 0x0d: return "br_if";
	case 0x0e: return "br_table";
	case 0x0f: return "return";
	case 0x10: return "call";
	case 0x11: return "call_indirect";
	case 0x12: return "return_call";
	case 0x13: return "return_call_indirect";
	case 0x1a: return "drop";
	case 0x1b: return "select";
	case 0x1c: return "select_t";
	case 0x20: return "local.get";
	case 0x21: return "local.set";
	case 0x22: return "local.tee";
	case 0x23: return "global.get";
	case 0x24: return "global.set";
	case 0x28: return "i32.load";
	case 0x29: return "i64.load";
	case 0x2a: return "f32.load";
	case 0x2b: return "f64.load";
	case 0x2c: return "i32.load8_s";
	case 0x2d: return "i32.load8_u";
	case 0x2e: return "i32.load16_s";
	case 0x2f: return "i32.load16_u";
	case 0x30: return "i64.load8_s";
	case 0x31: return "i64.load8_u";
	case 0x32: return "i64.load16_s";
	case 0x33: return "i64.load16_u";
	case 0x34: return "i64.load32_s";
	case 0x35: return "i64.load32_u";
	case 0x36: return "i32.store";
	case 0x37: return "i64.store";
	case 0x38: return "f32.store";
	case 0x39: return "f64.store";
	case 0x3a: return "i32.store8";
	case 0x3b: return "i32.store16";
	case 0x3c: return "i64.store8";
	case 0x3d: return "i64.store16";
	case 0x3e: return "i64.store32";
	case 0x41: return "i32.const";
	case 0x42: return "i64.const";
	case 0x43: return "f32.const";
	case 0x44: return "f64.const";
	case 0xfc08: return "memory.init";
	case 0xfc0a: return "memory.copy";
	case 0xfc0b: return "memory.fill";
	}
	return "other";
}

/* Instructions that may stand between the return-PC store and the call:
 * plain stack and arithmetic operations, no control flow, no stores. */
static bool is_plain(uint32_t op)
{
	return op == 0x20 || op == 0x21 || op == 0x22 || op == 0x23 ||
	       op == 0x28 || op == 0x29 || op == 0x41 || op == 0xa7 /* i32.wrap_i64 */ ||
	       (op >= 0x6a && op <= 0x78) /* i32 arithmetic */;
}

static gw_status func_calls(const gw_module *m, uint32_t func_index, gw_call_fn fn, gw_pc_const_fn pc_fn, void *ctx,
                            bool *stopped, gw_error *err)
{
	gw_code_reader r;
	gw_status s = gw_code_begin(&r, m, func_index, err);
	if (s) {
		gw_code_end(&r);
		return s;
	}
	uint64_t self = 0x1000 + (uint64_t)(func_index - m->num_func_imports);
	/* Return-PC recognition: 0 idle, 1 saw i64.const, 2 saw its store. */
	int state = 0;
	uint64_t pending = 0;
	unsigned between = 0;
	gw_insn in;
	while (!r.done) {
		uint32_t loops = r.loop_depth;
		if ((s = decode(&r, &in, err)) != GW_OK)
			break;
		switch (in.op) {
		case GW_OP_I64_CONST:
			state = 1;
			pending = in.a;
			if (pc_fn && !(in.a & 0xffff) && (in.a >> 16) >= 0x1000 && (in.a >> 16) != self &&
			    pc_fn(ctx, func_index, in.offset, in.a) == GW_WALK_STOP) {
				*stopped = true;
				gw_code_end(&r);
				return GW_OK;
			}
			continue;
		case GW_OP_I64_STORE:
			if (state == 1 && in.b == 0 && (pending >> 16) == self) {
				state = 2;
				between = 0;
			} else {
				state = 0;
			}
			continue;
		case GW_OP_CALL:
		case GW_OP_CALL_INDIRECT:
		case GW_OP_RETURN_CALL:
		case GW_OP_RETURN_CALL_INDIRECT: {
			gw_call call = {
				.offset = in.offset,
				.caller = func_index,
				.indirect = in.op == GW_OP_CALL_INDIRECT || in.op == GW_OP_RETURN_CALL_INDIRECT,
				.callee = (uint32_t)in.a,
				.has_retpc = state == 2,
				.retpc = state == 2 ? pending : 0,
				.loop_depth = loops,
			};
			state = 0;
			if (fn && fn(ctx, &call) == GW_WALK_STOP) {
				*stopped = true;
				gw_code_end(&r);
				return GW_OK;
			}
			continue;
		}
		default:
			if (state == 2 && is_plain(in.op) && ++between <= 8)
				continue;
			state = 0;
		}
	}
	gw_code_end(&r);
	return s;
}

gw_status gw_func_calls(const gw_module *m, uint32_t func_index, gw_call_fn fn, void *ctx, gw_error *err)
{
	bool stopped = false;
	return func_calls(m, func_index, fn, NULL, ctx, &stopped, err);
}

gw_status gw_module_walk(const gw_module *m, gw_call_fn fn, gw_pc_const_fn pc_fn, void *ctx, gw_error *err)
{
	bool stopped = false;
	for (uint32_t i = 0; i < m->num_funcs && !stopped; i++) {
		gw_status s = func_calls(m, m->num_func_imports + i, fn, pc_fn, ctx, &stopped, err);
		if (s)
			return s;
	}
	return GW_OK;
}

gw_status gw_module_calls(const gw_module *m, gw_call_fn fn, void *ctx, gw_error *err)
{
	return gw_module_walk(m, fn, NULL, ctx, err);
}

gw_status gw_module_check_code(const gw_module *m, gw_error *err)
{
	return gw_module_calls(m, NULL, NULL, err);
}

const char *gw_feature_name(unsigned bit)
{
	static const char *const names[GW_FEAT_COUNT] = {
		"sign-ext", "nontrapping-float-to-int", "bulk-memory", "reference-types",
		"multivalue", "mutable-globals", "tail-call",
	};
	return bit < GW_FEAT_COUNT ? names[bit] : NULL;
}

static unsigned insn_features(uint32_t op)
{
	if (op >= 0xc0 && op <= 0xc4)
		return GW_FEAT_SIGN_EXT;
	if (op >= (GW_OP_PREFIX_FC | 0) && op <= (GW_OP_PREFIX_FC | 7))
		return GW_FEAT_SAT_FLOAT_TO_INT;
	if (op >= (GW_OP_PREFIX_FC | 8) && op <= (GW_OP_PREFIX_FC | 14))
		return GW_FEAT_BULK_MEMORY;
	if (op >= (GW_OP_PREFIX_FC | 15) && op <= (GW_OP_PREFIX_FC | 17))
		return GW_FEAT_REFERENCE_TYPES;
	switch (op) {
	case 0x12: case 0x13:
		return GW_FEAT_TAIL_CALL;
	case 0x1c: case 0x25: case 0x26: case 0xd0: case 0xd1: case 0xd2:
		return GW_FEAT_REFERENCE_TYPES;
	default:
		return 0;
	}
}

gw_status gw_module_features(const gw_module *m, unsigned *features, gw_error *err)
{
	unsigned f = 0;
	for (uint32_t i = 0; i < m->num_types; i++)
		if (m->types[i].nresults > 1)
			f |= GW_FEAT_MULTI_VALUE;
	for (uint32_t i = 0; i < m->num_imports; i++) {
		const gw_import *im = &m->imports[i];
		if (im->kind == GW_EXT_GLOBAL && im->mutable_)
			f |= GW_FEAT_MUTABLE_GLOBALS;
		if ((im->kind == GW_EXT_GLOBAL && im->valtype == GW_EXTERNREF) ||
		    (im->kind == GW_EXT_TABLE && im->valtype == GW_EXTERNREF))
			f |= GW_FEAT_REFERENCE_TYPES;
	}
	for (uint32_t i = 0; i < m->num_exports; i++) {
		const gw_export *ex = &m->exports[i];
		if (ex->kind == GW_EXT_GLOBAL && ex->index >= m->num_global_imports &&
		    ex->index - m->num_global_imports < m->num_globals &&
		    m->globals[ex->index - m->num_global_imports].mutable_)
			f |= GW_FEAT_MUTABLE_GLOBALS;
	}
	if ((uint64_t)m->num_table_imports + m->num_tables > 1)
		f |= GW_FEAT_REFERENCE_TYPES;
	if (m->has_data_count)
		f |= GW_FEAT_BULK_MEMORY;
	for (uint32_t i = 0; i < m->num_datas; i++)
		if (!m->datas[i].active)
			f |= GW_FEAT_BULK_MEMORY;
	for (uint32_t i = 0; i < m->num_funcs; i++) {
		gw_code_reader r;
		gw_insn in;
		gw_status s = gw_code_begin(&r, m, m->num_func_imports + i, err);
		while (!s && !r.done) {
			s = gw_code_next(&r, &in, err);
			if (!s && in.op >= 0xc0)
				f |= insn_features(in.op);
			else if (!s && (in.op == 0x12 || in.op == 0x13 || in.op == 0x1c || in.op == 0x25 || in.op == 0x26))
				f |= insn_features(in.op);
		}
		gw_code_end(&r);
		if (s)
			return s;
	}
	*features = f;
	return GW_OK;
}

/* --- depth of the code, as a tree */

typedef struct depth_frame {
	size_t base;        /* value-stack height when the block opened */
	uint32_t max;       /* deepest expression completed inside */
	uint32_t results;   /* values the block leaves */
	uint32_t label;     /* values a branch to it carries */
	bool unreachable;   /* the rest of the block is dead code */
	bool loop_or_if;
} depth_frame;

typedef struct depth_walk {
	uint32_t *vals;     /* depth of each operand-stack value */
	size_t nvals, cap_vals;
	depth_frame *frames;
	size_t nframes, cap_frames;
	uint32_t loops_ifs; /* open loops and ifs */
	gw_code_depth *out;
	uint32_t func;
} depth_walk;

static void note_expr(depth_walk *w, uint32_t d, size_t offset)
{
	if (d > w->out->expression) {
		w->out->expression = d;
		w->out->expression_func = w->func;
		w->out->expression_offset = offset;
	}
}

/* Pops n values of the current frame (dead code may pop what is not
 * there); returns the deepest. */
static uint32_t pop_vals(depth_walk *w, uint32_t n)
{
	depth_frame *f = &w->frames[w->nframes - 1];
	uint32_t d = 0;
	for (uint32_t i = 0; i < n && w->nvals > f->base; i++) {
		uint32_t v = w->vals[--w->nvals];
		if (v > d)
			d = v;
	}
	return d;
}

static bool push_vals(depth_walk *w, uint32_t n, uint32_t d)
{
	if (GW_ARRAY_RESERVE(w->vals, w->cap_vals, w->nvals + n, 64))
		return false;
	for (uint32_t i = 0; i < n; i++)
		w->vals[w->nvals++] = d;
	return true;
}

/* The values left in the current frame become statements of it. */
static void settle(depth_walk *w)
{
	depth_frame *f = &w->frames[w->nframes - 1];
	uint32_t d = pop_vals(w, UINT32_MAX);
	if (d > f->max)
		f->max = d;
}

static void blocktype_arity(const gw_module *m, uint64_t bt, uint32_t *params, uint32_t *results)
{
	*params = 0;
	*results = bt == 0x40 ? 0 : 1;
	if (bt & 0x100000000ull) {
		const gw_functype *t = &m->types[(uint32_t)bt];
		*params = t->nparams;
		*results = t->nresults;
	}
}

/* Operands and results of the instructions that are not control flow. */
static void stack_effect(const gw_module *m, const gw_insn *in, uint32_t *pop, uint32_t *push)
{
	uint32_t op = in->op;
	*pop = 0;
	*push = 1;
	if (op == 0x45 || op == 0x50 || (op >= 0x67 && op <= 0x69) || (op >= 0x79 && op <= 0x7b) ||
	    (op >= 0x8b && op <= 0x91) || (op >= 0x99 && op <= 0x9f) || (op >= 0xa7 && op <= 0xc4) ||
	    (op >= 0x28 && op <= 0x35) || op == 0x40 || op == 0x22 || op == 0xd1 || op == 0x25 ||
	    (op >= (GW_OP_PREFIX_FC | 0) && op <= (GW_OP_PREFIX_FC | 7))) {
		*pop = 1; /* unary, conversions, loads, memory.grow, local.tee, ref.is_null, table.get */
		return;
	}
	if ((op >= 0x46 && op <= 0x4f) || (op >= 0x51 && op <= 0x66) || (op >= 0x6a && op <= 0x78) ||
	    (op >= 0x7c && op <= 0x8a) || (op >= 0x92 && op <= 0x98) || (op >= 0xa0 && op <= 0xa6) ||
	    op == (GW_OP_PREFIX_FC | 15)) {
		*pop = 2; /* binary, comparisons, table.grow */
		return;
	}
	switch (op) {
	case 0x36: case 0x37: case 0x38: case 0x39: case 0x3a: case 0x3b: case 0x3c: case 0x3d: case 0x3e:
	case 0x26:
		*pop = 2; *push = 0; return;            /* stores, table.set */
	case 0x1a: case 0x21: case 0x24:
		*pop = 1; *push = 0; return;            /* drop, local.set, global.set */
	case 0x1b: case 0x1c:
		*pop = 3; return;                       /* select */
	case GW_OP_PREFIX_FC | 8: case GW_OP_PREFIX_FC | 10: case GW_OP_PREFIX_FC | 11:
	case GW_OP_PREFIX_FC | 12: case GW_OP_PREFIX_FC | 14: case GW_OP_PREFIX_FC | 17:
		*pop = 3; *push = 0; return;            /* memory.init/copy/fill, table.init/copy/fill */
	case GW_OP_PREFIX_FC | 9: case GW_OP_PREFIX_FC | 13: case 0x01:
		*push = 0; return;                      /* data.drop, elem.drop, nop */
	case 0x10: case 0x11: case 0x12: case 0x13: {
		const gw_functype *t = op == 0x10 || op == 0x12 ? gw_module_func_type(m, (uint32_t)in->a)
		                                                 : &m->types[(uint32_t)in->a];
		*pop = (t ? t->nparams : 0) + (op == 0x11 || op == 0x13);
		*push = t ? t->nresults : 0;
		return;
	}
	default:
		return;                                 /* constants, local.get, global.get, sizes, ref.null/func */
	}
}

static gw_status depth_step(depth_walk *w, const gw_module *m, const gw_code_reader *r, const gw_insn *in,
                            gw_error *err)
{
	depth_frame *f = &w->frames[w->nframes - 1];
	switch (in->op) {
	case GW_OP_BLOCK: case GW_OP_LOOP: case GW_OP_IF: {
		uint32_t params, results;
		blocktype_arity(m, in->a, &params, &results);
		uint32_t cond = in->op == GW_OP_IF ? pop_vals(w, 1) : 0;
		uint32_t pd = pop_vals(w, params);
		if (GW_ARRAY_RESERVE(w->frames, w->cap_frames, w->nframes + 1, 64))
			return gw_fail(err, GW_ERR_NOMEM, in->offset, "out of memory");
		bool li = in->op != GW_OP_BLOCK;
		w->frames[w->nframes++] = (depth_frame){
			.base = w->nvals, .max = cond, .results = results,
			.label = in->op == GW_OP_LOOP ? params : results, .loop_or_if = li,
		};
		if (!push_vals(w, params, pd))
			return gw_fail(err, GW_ERR_NOMEM, in->offset, "out of memory");
		w->loops_ifs += li;
		uint32_t control = (uint32_t)w->nframes - 1;
		if (control > w->out->control) {
			w->out->control = control;
			w->out->control_func = w->func;
			w->out->control_offset = in->offset;
		}
		if (w->loops_ifs > w->out->loops_ifs) {
			w->out->loops_ifs = w->loops_ifs;
			w->out->loops_ifs_func = w->func;
			w->out->loops_ifs_offset = in->offset;
		}
		return GW_OK;
	}
	case GW_OP_ELSE:
		settle(w);
		f->unreachable = false;
		return GW_OK;
	case GW_OP_END: {
		settle(w);
		uint32_t d = f->max + 1;
		uint32_t results = f->results;
		w->loops_ifs -= f->loop_or_if;
		note_expr(w, d, in->offset);
		if (--w->nframes == 0)
			return GW_OK; /* the body's own end */
		depth_frame *p = &w->frames[w->nframes - 1];
		if (results == 0) {
			if (d > p->max)
				p->max = d;
		} else if (!push_vals(w, results, d)) {
			return gw_fail(err, GW_ERR_NOMEM, in->offset, "out of memory");
		}
		return GW_OK;
	}
	case GW_OP_BR: case GW_OP_BR_IF: case GW_OP_BR_TABLE: case GW_OP_RETURN: case 0x00: {
		uint32_t label = 0;
		if (in->op == GW_OP_BR || in->op == GW_OP_BR_IF)
			label = w->frames[w->nframes - 1 - (size_t)in->a].label;
		else if (in->op == GW_OP_RETURN)
			label = w->frames[0].results;
		else if (in->op == GW_OP_BR_TABLE) {
			/* The default target's arity stands for all (validation makes them equal). */
			gw_cursor c = gw_cursor_make(r->m->bytes, (size_t)in->b, r->c.end);
			uint32_t t = 0;
			gw_error ignore;
			gw_error_clear(&ignore);
			for (uint64_t i = 0; i <= in->a; i++)
				if (gw_read_u32(&c, &t, "branch depth", &ignore))
					break;
			if (t < w->nframes)
				label = w->frames[w->nframes - 1 - t].label;
		}
		uint32_t d = 1 + pop_vals(w, label + (in->op == GW_OP_BR_IF || in->op == GW_OP_BR_TABLE));
		note_expr(w, d, in->offset);
		if (in->op == GW_OP_BR_IF) {
			if (!push_vals(w, label, d))
				return gw_fail(err, GW_ERR_NOMEM, in->offset, "out of memory");
			if (!label && d > f->max)
				f->max = d;
			return GW_OK;
		}
		if (d > f->max)
			f->max = d;
		settle(w);
		f->unreachable = true;
		return GW_OK;
	}
	default: {
		uint32_t pop, push;
		stack_effect(m, in, &pop, &push);
		uint32_t d = 1 + pop_vals(w, pop);
		note_expr(w, d, in->offset);
		if (in->op == GW_OP_RETURN_CALL || in->op == GW_OP_RETURN_CALL_INDIRECT) {
			if (d > f->max)
				f->max = d;
			settle(w);
			f->unreachable = true;
			return GW_OK;
		}
		if (push == 0) {
			if (d > f->max)
				f->max = d;
			return GW_OK;
		}
		if (!push_vals(w, push, d))
			return gw_fail(err, GW_ERR_NOMEM, in->offset, "out of memory");
		return GW_OK;
	}
	}
}

gw_status gw_module_code_depth(const gw_module *m, gw_code_depth *depth, gw_error *err)
{
	memset(depth, 0, sizeof *depth);
	depth_walk w = { .out = depth };
	gw_status s = GW_OK;
	for (uint32_t i = 0; i < m->num_funcs && !s; i++) {
		gw_code_reader r;
		gw_insn in;
		w.func = m->num_func_imports + i;
		w.nvals = 0;
		w.loops_ifs = 0;
		s = gw_code_begin(&r, m, w.func, err);
		if (!s && GW_ARRAY_RESERVE(w.frames, w.cap_frames, 1, 64))
			s = gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
		if (!s) {
			const gw_functype *t = gw_module_func_type(m, w.func);
			w.frames[0] = (depth_frame){ .results = t ? t->nresults : 0, .label = t ? t->nresults : 0 };
			w.nframes = 1;
		}
		while (!s && !r.done) {
			s = gw_code_next(&r, &in, err);
			if (!s)
				s = depth_step(&w, m, &r, &in, err);
		}
		gw_code_end(&r);
	}
	free(w.vals);
	free(w.frames);
	return s;
}
