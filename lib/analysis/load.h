/* SPDX-License-Identifier: MIT */
/* Everything the tools read from one module, in one call: the mapped
 * file, the module, its Go facts, the recorded calls, the Go symbols and
 * the integrity checks. */
#ifndef GW_ANALYSIS_LOAD_H
#define GW_ANALYSIS_LOAD_H

#include "../go/goinfo.h"
#include "../go/symbols.h"
#include "../wasm/mapfile.h"
#include "../wasm/module.h"
#include "integrity.h"

typedef struct gw_loaded {
	gw_mapped_file file;
	gw_module *m;
	gw_go_info *go;
	gw_go_symbols *syms;
	gw_integrity integrity;
} gw_loaded;

/* On failure everything is released and *err says why (its offset points
 * into the file for malformed input). */
GW_NODISCARD gw_status gw_load(const char *path, gw_loaded *out, gw_error *err);
/* Only the module, its Go facts and its symbols: no walk over all the
 * code (go->calls_counted stays false) and no integrity checks. For tools
 * that look at a few functions (gowasm-symbolize). */
GW_NODISCARD gw_status gw_load_symbols(const char *path, gw_loaded *out, gw_error *err);
/* The same over bytes in memory (which must outlive the result); `file`
 * stays empty. */
GW_NODISCARD gw_status gw_load_bytes(const uint8_t *data, size_t size, gw_loaded *out, gw_error *err);
void gw_unload(gw_loaded *l);

#endif
