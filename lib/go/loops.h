/* SPDX-License-Identifier: MIT */
/* Source loops in Go's wasm code.
 *
 * Go does not map its control flow onto wasm loops. A function with
 * resume points runs inside one dispatch block nest: a br_table on the
 * resume point (local 0, PC_B) selects a region of straight-line code, and
 * a Go jump is `i32.const K; local.set 0; br <dispatch loop>`. Regions
 * fall through to the next one unless they end in br, return or
 * unreachable. A region is in a loop when it lies on a cycle of that
 * graph (a strongly connected component with more than one region, or a
 * jump to itself). Cycles, not back edges: the compiler lays loop bodies
 * out after the code that follows the loop, so "between a backward
 * jump's target and source" would take in code after the loop.
 *
 * What this cannot see: recursion, and loops made by goto-free control
 * flow through other functions (callbacks, goroutines). A function whose
 * jumps all go forward has no dispatch loop and no cycles. */
#ifndef GW_GO_LOOPS_H
#define GW_GO_LOOPS_H

#include <stdbool.h>
#include <stdint.h>

#include "../wasm/module.h"

typedef struct gw_go_loops {
	bool has_dispatch;
	uint32_t num_regions;
	bool *in_loop;             /* [region] */
	/* The region of each call, in code order of the function's calls. */
	uint32_t *call_regions;
	uint32_t num_calls;
	/* Where each region's code starts (module offset of its first
	 * instruction), and the dispatch table: the region each resume point
	 * (PC_B) selects, pc_regions[num_pcs - 1] being the br_table default.
	 * Entries that name no region are UINT32_MAX. */
	size_t *region_offsets;       /* [region] */
	uint32_t *pc_regions;
	uint32_t num_pcs;
} gw_go_loops;

/* Analyses one defined function (func_index is a function index). */
GW_NODISCARD gw_status gw_go_loops_read(const gw_module *m, uint32_t func_index, gw_go_loops *out, gw_error *err);
void gw_go_loops_free(gw_go_loops *l);
/* Only the regions: has_dispatch, num_regions, region_offsets, pc_regions
 * and num_pcs (no cycles, no call regions): cheaper. */
GW_NODISCARD gw_status gw_go_regions_read(const gw_module *m, uint32_t func_index, gw_go_loops *out, gw_error *err);

/* Whether region r lies on a cycle. */
bool gw_go_loops_in_loop(const gw_go_loops *l, uint32_t region);

#endif
