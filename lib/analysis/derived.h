/* SPDX-License-Identifier: MIT */
/* Whether one module is an optimized copy of another (wasm-opt after
 * linking): what gowasm-check --original requires before it reports the
 * original's findings for the optimized module. */
#ifndef GW_ANALYSIS_DERIVED_H
#define GW_ANALYSIS_DERIVED_H

#include <stdbool.h>
#include <stddef.h>

#include "../error.h"
#include "../wasm/module.h"

/* True when `opt` keeps everything of `orig` that the Go program's meaning
 * and gowasm-check's findings rest on: the same Go build id, the same
 * initial memory (every active data segment applied: rodata, the symbol
 * table, data), the same exports (name and kind), imports that are a subset
 * of the original's (an optimizer drops unused ones), and the same number of
 * function-table slots. Else false, and `why` (n bytes) says what differs.
 * Fails only on allocation failure; memory images over 1 GiB are refused. */
gw_status gw_module_derived_from(const gw_module *orig, const gw_module *opt, bool *derived, char *why, size_t n,
                                 gw_error *err);

#endif
