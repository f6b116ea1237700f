/* SPDX-License-Identifier: MIT */
/* Symbol-table integrity: is what the module says about itself
 * consistent? The checks gowasm-inspect summarises and gowasm-check turns
 * into rules:
 *
 *   pclntab-missing      a gc module without a readable runtime.pclntab
 *   pclntab-corrupt      a table whose offsets, records or pc tables do not
 *                        hold together
 *   pclntab-functions    table entries not one per defined function at
 *                        PC (0x1000 + i) << 16, or not sorted
 *   name-mismatch        a name-section name differs from the pclntab name
 *                        after Go's [^\w.] -> '_' substitution (Go 1.18-1.20
 *                        "[...]" generic elisions are documented matches)
 *   name-section         a malformed name section (indices out of range,
 *                        duplicates, bad UTF-8)
 *   import-abi           an import the detected Go version's ABI does not
 *                        have, or from the wrong module (go/gojs)
 *   missing-export       an export the target's glue needs
 *   build-id             no Go build id section
 */
#ifndef GW_ANALYSIS_INTEGRITY_H
#define GW_ANALYSIS_INTEGRITY_H

#include <stdint.h>

#include "../go/goinfo.h"
#include "../go/symbols.h"
#include "../wasm/module.h"
#include "rules.h"

typedef struct gw_problem {
	gw_rule_code rule;     /* the check, as above (rules.def) */
	gw_severity severity;
	char message[320];
	uint32_t func;         /* defined function index concerned, or UINT32_MAX */
} gw_problem;

typedef struct gw_integrity {
	gw_problem *problems;
	uint32_t num_problems, cap;
	/* Measurements behind the checks. */
	uint32_t functions_checked;    /* pclntab records decoded */
	uint32_t names_compared;       /* name-section names compared with pclntab */
	uint32_t names_matched;
	uint32_t names_elided;         /* of those, matched through a "[...]" elision */
	uint32_t entries_unresolved;   /* functions whose entry has no file:line */
} gw_integrity;

/* Runs every check; problems beyond the first few of one kind are counted
 * in a summary problem rather than listed. Fails only on allocation
 * failure. */
GW_NODISCARD gw_status gw_integrity_check(const gw_module *m, const gw_go_info *go, const gw_go_symbols *syms,
                             gw_integrity *out, gw_error *err);
void gw_integrity_free(gw_integrity *g);

/* Problems of at least this severity. */
uint32_t gw_integrity_count(const gw_integrity *g, gw_severity min);

#endif
