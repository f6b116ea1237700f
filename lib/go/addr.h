/* SPDX-License-Identifier: MIT */
/* Code byte offsets to Go source positions: what a browser's
 * `wasm-function[N]:0xOFF` means in Go.
 *
 * Go's js/wasm PCs are ((0x1000 + defined index) << 16) | PC_B, where PC_B
 * counts points of the function where a pc-value table may change: every
 * call, inline boundary and frame adjustment. Only some of those are
 * visible in the binary. A function body dispatches on PC_B with a
 * br_table into regions of straight-line code (loops.h): the PCs that
 * select region R are known, so its first instruction runs at the lowest
 * of them. Every call pushes its return PC (code.h): the call itself is
 * at that PC - 1 (as Go's own traceback reads it), and the code after a
 * call that does not end its region (sigpanic, write barriers, helpers)
 * runs at the return PC. A byte offset takes the PC of the nearest such
 * point at or before it in its function, so it is exact at calls (every
 * frame of a stack trace but possibly the innermost), at region starts
 * and at the function entry; elsewhere it is the PC of the nearest earlier
 * point, whose line may precede the instruction's when an invisible
 * boundary (an inlined call without a call) lies in between. */
#ifndef GW_GO_ADDR_H
#define GW_GO_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#include "goinfo.h"
#include "symbols.h"

/* One point of a function where the PC is fixed by the binary; it holds
 * from `offset` to the next point. */
typedef struct gw_pc_point {
	uint32_t offset;   /* module offset */
	uint32_t pcb;      /* PC_B */
	uint8_t kind;      /* GW_PC_ENTRY, GW_PC_REGION, GW_PC_CALL, GW_PC_AFTER_CALL */
} gw_pc_point;

enum { GW_PC_ENTRY = 0, GW_PC_REGION = 1, GW_PC_CALL = 2, GW_PC_AFTER_CALL = 3 };

typedef enum gw_code_kind {
	GW_CODE_OUTSIDE = 0,   /* not inside any function body */
	GW_CODE_GO,            /* a function of Go's symbol table */
	GW_CODE_OTHER          /* a defined function outside it (gowasm-batch's, a foreign module's) */
} gw_code_kind;

/* What one offset is. frames[0 .. nframes) is the Go position stack at
 * the offset, innermost first, inlined frames expanded; the last is the
 * function itself. Strings point into the module or the pclntab copy. */
typedef struct gw_code_loc {
	gw_code_kind kind;
	uint32_t func;         /* function index (imports included) */
	uint32_t defined;      /* defined function index */
	uint64_t pc;           /* GW_CODE_GO only */
	bool at_call;          /* the offset is a call that pushed a return PC */
	gw_str name;           /* the function's name, empty when nothing names it */
	char role[96];         /* for gowasm-batch's functions: "gowasm-batch flush" etc., else "" */
	gw_frame frames[GW_PCLN_MAX_FRAMES];
	int nframes;
} gw_code_loc;

typedef struct gw_go_addr gw_go_addr;

/* A resolver over a module whose Go facts and symbols are read. When
 * gw_go_count_call_sites has run, it uses the calls recorded then;
 * otherwise it reads each function's calls when a lookup first needs them
 * (a short trace then costs a few functions, not the whole code). It
 * keeps each function's points once computed, so many lookups in one
 * function cost a binary search each. */
GW_NODISCARD
gw_status gw_go_addr_new(const gw_module *m, const gw_go_info *go, const gw_go_symbols *syms, gw_go_addr **out,
                         gw_error *err);
void gw_go_addr_free(gw_go_addr *a);

/* The function holding module offset `offset`, and the Go frames there.
 * An offset outside every body gives kind GW_CODE_OUTSIDE (not an error);
 * an error means corrupt tables or code. */
GW_NODISCARD gw_status gw_go_addr_lookup(gw_go_addr *a, uint64_t offset, gw_code_loc *loc, gw_error *err);

/* Whether defined function d is one of Go's symbol table. */
bool gw_go_addr_is_go(const gw_go_addr *a, uint32_t defined);

/* Only the function index holding `offset` (imports included), or
 * UINT32_MAX outside every body: a binary search, no frames. */
uint32_t gw_go_addr_func_at(const gw_go_addr *a, uint64_t offset);

/* The same for the entry of function `func_index` (a frame with no offset,
 * as Safari prints them). */
GW_NODISCARD gw_status gw_go_addr_lookup_func(gw_go_addr *a, uint32_t func_index, gw_code_loc *loc, gw_error *err);

/* The PC-fixing points of defined function `defined`, in offset order
 * (owned by the resolver). */
GW_NODISCARD
gw_status gw_go_addr_points(gw_go_addr *a, uint32_t defined, const gw_pc_point **v, uint32_t *n, gw_error *err);

/* The frames at one PC of a Go function into loc (kind, func and pc set
 * by the caller); names the function when the pclntab does not. */
GW_NODISCARD gw_status gw_go_addr_frames(gw_go_addr *a, gw_code_loc *loc, gw_error *err);

#endif
