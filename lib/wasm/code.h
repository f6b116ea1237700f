/* SPDX-License-Identifier: MIT */
/* Walking function bodies: an instruction decoder and a call-site walker.
 *
 * The decoder knows every opcode that the Go gc toolchain and TinyGo emit:
 * the MVP set, sign extension (0xc0-0xc4), the 0xfc prefix (saturating
 * conversions, bulk memory and table operations), reference types and
 * typed select, and tail calls. SIMD (0xfd), threads (0xfe) and exception
 * handling get GW_ERR_UNSUPPORTED naming the opcode and offset.
 *
 * Indices are checked as they are read (functions, types, locals,
 * globals, branch depths), and block nesting must close exactly at the
 * end of the body. */
#ifndef GW_WASM_CODE_H
#define GW_WASM_CODE_H

#include <stdbool.h>
#include <stdint.h>

#include "leb128.h"
#include "module.h"

/* Opcode values: one-byte opcodes as is, prefixed ones as 0xfc00 | sub. */
enum {
	GW_OP_BLOCK = 0x02, GW_OP_LOOP = 0x03, GW_OP_IF = 0x04, GW_OP_ELSE = 0x05,
	GW_OP_END = 0x0b, GW_OP_BR = 0x0c, GW_OP_BR_IF = 0x0d, GW_OP_BR_TABLE = 0x0e,
	GW_OP_RETURN = 0x0f, GW_OP_CALL = 0x10, GW_OP_CALL_INDIRECT = 0x11,
	GW_OP_RETURN_CALL = 0x12, GW_OP_RETURN_CALL_INDIRECT = 0x13,
	GW_OP_LOCAL_GET = 0x20, GW_OP_LOCAL_SET = 0x21, GW_OP_LOCAL_TEE = 0x22,
	GW_OP_GLOBAL_GET = 0x23, GW_OP_GLOBAL_SET = 0x24,
	GW_OP_I32_LOAD = 0x28, GW_OP_I64_LOAD = 0x29, GW_OP_I64_STORE = 0x37,
	GW_OP_I32_CONST = 0x41, GW_OP_I64_CONST = 0x42,
	GW_OP_PREFIX_FC = 0xfc00,
};

typedef struct gw_insn {
	size_t offset;    /* of the opcode */
	uint32_t op;      /* see above */
	uint64_t a, b;    /* immediates: index, constant (sign-extended), memarg
	                     (a = align, b = offset), call_indirect (a = type, b = table),
	                     br_table (a = number of targets, b = offset of the vector) */
} gw_insn;

typedef struct gw_code_reader {
	const gw_module *m;
	gw_cursor c;
	uint32_t func_index;
	uint64_t num_locals;       /* params + declared locals */
	uint8_t *blocks;           /* kind of each open block: 0 block, 1 loop, 2 if */
	uint32_t depth, cap;       /* open blocks, the function's own included */
	uint32_t loop_depth;       /* open loops */
	bool done;
} gw_code_reader;

/* Starts reading the body of function `func_index` (a defined function).
 * Reads the local declarations. */
GW_NODISCARD gw_status gw_code_begin(gw_code_reader *r, const gw_module *m, uint32_t func_index, gw_error *err);
/* Decodes the next instruction. After the body's final `end` is returned,
 * r->done is true. */
GW_NODISCARD gw_status gw_code_next(gw_code_reader *r, gw_insn *insn, gw_error *err);
void gw_code_end(gw_code_reader *r);

/* A name for an opcode ("i64.store"), for diagnostics and tests. */
const char *gw_op_name(uint32_t op);

typedef struct gw_call {
	size_t offset;        /* of the call instruction */
	uint32_t caller;      /* function index */
	bool indirect;        /* call_indirect / return_call_indirect */
	uint32_t callee;      /* function index, or type index when indirect */
	bool has_retpc;       /* a Go return PC was pushed just before */
	uint64_t retpc;       /* ((0x1000 + defined index) << 16) | resume point */
	uint32_t loop_depth;  /* enclosing wasm loops in the caller. Not a source
	                         loop count for Go: every Go function with
	                         resume points runs inside one dispatch loop. */
} gw_call;

/* Called for every call; GW_WALK_STOP ends the walk early. */
typedef gw_walk (*gw_call_fn)(void *ctx, const gw_call *call);

/* Every call and call_indirect in function `func_index`, in order.
 *
 * The return PC is recognised in the Go gc calling sequence:
 *     i64.const RETPC; i64.store offset=0; ...; call
 * where at most a few plain instructions stand between the store and the
 * call, and RETPC's high bits name the caller itself (Go return PCs are
 * ((0x1000 + defined index) << 16) | resume point). */
GW_NODISCARD gw_status gw_func_calls(const gw_module *m, uint32_t func_index, gw_call_fn fn, void *ctx, gw_error *err);

/* gw_func_calls over every defined function; GW_WALK_STOP from `fn`
 * stops the whole walk. */
GW_NODISCARD gw_status gw_module_calls(const gw_module *m, gw_call_fn fn, void *ctx, gw_error *err);

/* Called for every i64.const shaped like a Go entry PC of another
 * function ((0x1000 + i) << 16: a closure being built, a funcval);
 * GW_WALK_STOP ends the walk. */
typedef gw_walk (*gw_pc_const_fn)(void *ctx, uint32_t func_index, size_t offset, uint64_t value);

/* gw_module_calls that also reports entry-PC-shaped constants. */
GW_NODISCARD
gw_status gw_module_walk(const gw_module *m, gw_call_fn fn, gw_pc_const_fn pc_fn, void *ctx, gw_error *err);

/* How deep a module's code nests, as a tree-building reader such as
 * Binaryen sees it. Control: the deepest nesting of block, loop and if
 * (the body itself not counted), and separately of loop and if alone.
 * Expression: the depth of the deepest expression tree, where an
 * instruction's operands are its children (i32.eqz of i32.eqz of ... is
 * as deep as it is long) and a block, loop or if is one deeper than what
 * it holds. Each maximum comes with the function and the offset of the
 * instruction where it is first reached. */
typedef struct gw_code_depth {
	uint32_t control, loops_ifs, expression;
	uint32_t control_func, loops_ifs_func, expression_func;
	size_t control_offset, loops_ifs_offset, expression_offset;
} gw_code_depth;

/* The depths of every defined function's body (a full decode). */
GW_NODISCARD gw_status gw_module_code_depth(const gw_module *m, gw_code_depth *depth, gw_error *err);

/* WebAssembly features beyond the MVP a module uses. */
enum {
	GW_FEAT_SIGN_EXT = 1u << 0,         /* i32.extend8_s ... (0xc0-0xc4) */
	GW_FEAT_SAT_FLOAT_TO_INT = 1u << 1, /* 0xfc 0-7 */
	GW_FEAT_BULK_MEMORY = 1u << 2,      /* 0xfc 8-17, passive segments, data count */
	GW_FEAT_REFERENCE_TYPES = 1u << 3,  /* ref.*, table.get/set, typed select, externref */
	GW_FEAT_MULTI_VALUE = 1u << 4,      /* a type with more than one result */
	GW_FEAT_MUTABLE_GLOBALS = 1u << 5,  /* a mutable global imported or exported */
	GW_FEAT_TAIL_CALL = 1u << 6,        /* return_call, return_call_indirect */
	GW_FEAT_COUNT = 7
};

/* The name of feature bit i ("sign-ext", "bulk-memory", ...), as Binaryen
 * and wabt spell it; NULL past the last. */
const char *gw_feature_name(unsigned bit);

/* Every feature the module uses: its declarations, and every instruction
 * of every body (one full decode, so this also validates the code). */
GW_NODISCARD gw_status gw_module_features(const gw_module *m, unsigned *features, gw_error *err);

/* Decodes every body without calling anything back: full code validation. */
GW_NODISCARD gw_status gw_module_check_code(const gw_module *m, gw_error *err);

#endif
