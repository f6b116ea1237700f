/* SPDX-License-Identifier: MIT */
/* loader.mjs, the ES module that loads a bundle, and loader.cjs, its
 * CommonJS entry: written by gowasm-pack, re-derived by gowasm-verify
 * with the same code (loader.mjs's generated lines, loader.cjs whole). */
#ifndef GW_PACKAGER_LOADER_H
#define GW_PACKAGER_LOADER_H

#include "buf.h"
#include "wasm/module.h"

typedef struct gw_loader_facts {
	const char *tool_version;
	const char *name, *version;
	const char *module_path;     /* "app.wasm" */
	const char *integrity;       /* the module's SRI string */
	const char *companion_path;  /* NULL when not batched */
	const char *go_version;
	gw_str abi_module;
} gw_loader_facts;

/* The three lines after the bundle line: the module as
 * `new URL("./NAME.wasm", import.meta.url)`, the glue and the companion
 * as dynamic imports with literal specifiers (importCompanion = null when
 * not batched), which bundlers follow. */
void gw_loader_files(gw_buf *b, const char *module_path, const char *companion_path);

/* The whole loader: a comment line, `export const bundle = {...};`, the
 * lines of gw_loader_files, then packager/loader.template.mjs. */
void gw_loader_write(gw_buf *b, const gw_loader_facts *f);

/* loader.cjs, the CommonJS entry (package.json's exports["."].require):
 * a comment line, `exports.bundle = {...};` (the object of loader.mjs's
 * bundle line), then packager/loader.template.cjs, whose load() and run()
 * import() loader.mjs. It does not depend on the tool's version
 * (f->tool_version is unused), so gowasm-verify re-derives it byte for
 * byte. */
void gw_loader_cjs_write(gw_buf *b, const gw_loader_facts *f);

/* index.d.ts: packager/index.template.d.ts, then, when the program
 * registers functions on the global object (the manifest's "globals"),
 * a GoGlobals interface and `declare global` variables for them, typed
 * (...args: any[]) => any. */
void gw_types_write(gw_buf *b, const char *const *globals, uint32_t n);
/* The part gw_types_write appends after the template (empty when n is 0). */
void gw_types_globals(gw_buf *b, const char *const *globals, uint32_t n);

#endif
