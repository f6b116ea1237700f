/* SPDX-License-Identifier: MIT */
/* The functions a Go js/wasm program registers on the global object under
 * a constant name: js.Global().Set("name", js.FuncOf(...)), found at the
 * call sites of syscall/js.Value.Set. */
#ifndef GW_ANALYSIS_JSGLOBALS_H
#define GW_ANALYSIS_JSGLOBALS_H

#include "error.h"
#include "go/goinfo.h"
#include "go/symbols.h"
#include "wasm/module.h"

typedef struct gw_js_globals {
	char **names;       /* sorted, distinct, NUL-terminated */
	uint32_t n;
} gw_js_globals;

/* Every name N of a call js.Global().Set(N, x) where N is a string
 * constant in the data segments (at most 256 bytes, valid UTF-8, no
 * NUL) and x holds the result of a js.FuncOf call of the same function.
 * Read from the code of each caller as Go gc compiles it for js/wasm
 * (Go 1.14 and later: arguments stored at SP offsets before the call);
 * a call it cannot read is left out, never guessed. Empty for modules
 * without syscall/js.Value.Set or whose syscall/js.init does not set
 * the global object's ref. */
gw_status gw_js_globals_find(const gw_module *m, const gw_go_info *go, const gw_go_symbols *syms, gw_js_globals *out,
                             gw_error *err);
void gw_js_globals_free(gw_js_globals *g);

#endif
