/* SPDX-License-Identifier: MIT */
/* Whether, and how, a module can be rewritten for batched bridge calls.
 *
 * gowasm-batch defers the host imports that only read their arguments
 * (go-wasm-abi.md §1): their calls are recorded into a buffer in linear
 * memory and replayed by the JS companion in one import call. This file
 * decides, from the module alone, whether that is safe, and computes what
 * the rewrite needs: the import module, the buffer (the unused gap between
 * the glue's argv area and the start of Go's data, §7), the read-only data
 * range (property names there never change and can be decoded once), and
 * which imports are deferred. It rewrites nothing: passes/ does, through
 * Binaryen, from this plan.
 *
 * Every refusal is a GW_ERR_UNSUPPORTED with a one-line reason. */
#ifndef GW_ANALYSIS_BATCHPLAN_H
#define GW_ANALYSIS_BATCHPLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "load.h"
#include "../wasm/code.h"

/* The deferrable imports, as bits of a set. */
enum {
	GW_DEFER_FINALIZE_REF = 1u << 0,   /* syscall/js.finalizeRef */
	GW_DEFER_VALUE_SET = 1u << 1,      /* syscall/js.valueSet */
	GW_DEFER_VALUE_SET_INDEX = 1u << 2, /* syscall/js.valueSetIndex */
	GW_DEFER_VALUE_DELETE = 1u << 3,   /* syscall/js.valueDelete */
	GW_DEFER_ALL = 0xfu,
	GW_DEFER_COUNT = 4
};

/* "syscall/js.finalizeRef"... for bit i; NULL past the last. */
const char *gw_defer_import_name(unsigned bit);
/* Parses a comma-separated list of short names ("finalizeRef,valueSet"),
 * "all" or "none". Returns false with *bad pointing at the unknown word. */
bool gw_defer_parse(const char *list, unsigned *set, const char **bad, size_t *bad_len);

/* Code nesting the plan accepts. Binaryen 108 recurses over expression
 * trees and wabt over nested blocks on the C stack; gowasm-batch gives
 * them a 256 MiB stack, where they crash at depths measured by
 * tests/bench/binaryen_depth.py (see man/gowasm-batch.1, LIMITS). The
 * limits keep a wide margin below those depths and far above real Go
 * code (esbuild 0.28.2: depth 3297, 4 loops and ifs). */
#define GW_BATCH_MAX_DEPTH 50000u      /* expression tree depth, control included */
#define GW_BATCH_MAX_LOOPS_IFS 10000u  /* nested loops and ifs */
/* Passed with the GW_DEFER_* set: skip the depth limits (measurements). */
#define GW_BATCH_NO_DEPTH_LIMIT (1u << 16)

/* The glue protocol: the flush call's field (its module and the section
 * marking a batched module are in go/goinfo.h), the exports of the
 * read-only range; js/companion.js must agree. The protocol version, the
 * record kinds and their layout come from batch_protocol.def, which the
 * companion's constants are generated from. */
#define GW_BATCH_FLUSH_FIELD "flush"
enum {
#define GW_BATCH_CONST(name, value) GW_BATCH_##name = value,
#define GW_BATCH_RECORD(name, kind, size) GW_BATCH_RECORD_##name = kind, GW_BATCH_RECORD_##name##_SIZE = size,
#define GW_BATCH_FIELD(name, offset) GW_BATCH_AT_##name = offset,
#include "batch_protocol.def"
};
#define GW_BATCH_EXPORT_RO_START "gowasm.ro_start"
#define GW_BATCH_EXPORT_RO_END "gowasm.ro_end"

/* Argv and environment are written by wasm_exec.js into [4096, 12288). */
#define GW_BATCH_GAP_START 12288u
/* A smaller gap is refused: each flush would carry too few records. */
#define GW_BATCH_MIN_BUFFER 1024u

typedef struct gw_batch_plan {
	char abi_module[8];          /* "go" or "gojs" */
	int go_minor;
	unsigned features;           /* GW_FEAT_* the module uses */
	unsigned deferred;           /* GW_DEFER_* present in the module and asked for */
	unsigned requested;          /* GW_DEFER_* asked for */
	uint32_t sp_global;          /* the Go stack pointer global (0) */
	uint32_t buffer_start, buffer_end; /* the batch buffer, 8-aligned */
	uint32_t ro_start, ro_end;   /* read-only data (etext .. noptrdata) */
	uint32_t first_data;         /* lowest data segment address */
	uint64_t etext;
	/* Call sites of each deferrable import's wrapper (by bit index), and
	 * of every other host import. */
	uint64_t sites[GW_DEFER_COUNT];
	uint64_t other_sites;
	uint32_t other_imports;      /* host function imports that will flush first */
	uint32_t exports_wrapped;    /* function exports that flush on return */
	gw_code_depth depth;         /* how deep the code nests (Binaryen recurses on it) */
} gw_batch_plan;

/* Fills *plan for `requested` deferred imports, or refuses: not a Go
 * js/wasm module, Go older than 1.14 or of unknown version, an import
 * module other than go/gojs, an unreadable symbol table (the end of text
 * bounds the gap), a gap below GW_BATCH_MIN_BUFFER, a module already
 * batched, features Binaryen must not see. */
GW_NODISCARD gw_status gw_batch_plan_make(const gw_loaded *l, unsigned requested, gw_batch_plan *plan, gw_error *err);

#endif
