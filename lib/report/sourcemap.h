/* SPDX-License-Identifier: MIT */
/* Source maps (revision 3) for Go WebAssembly modules, from the pclntab.
 *
 * For wasm, browsers and Node read a map's generated positions as line 1
 * and column = byte offset in the module. Every PC-fixing point of every
 * Go function (go/addr.h: entry, dispatch regions, calls and the code after
 * them) maps to the innermost Go file and line there, with the innermost
 * function's name (inlined code maps to the inlined function's source).
 * Functions outside Go's table and the bytes after the code are unmapped.
 *
 * Sources: the file names of the table. With a source root, the files of
 * the main module are placed under it: a -trimpath name
 * "example.com/app/cmd/x/main.go" of module example.com/app becomes
 * ROOT/cmd/x/main.go. Other files (absolute names of builds without
 * -trimpath, the standard library, dependencies) keep their names. */
#ifndef GW_REPORT_SOURCEMAP_H
#define GW_REPORT_SOURCEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../buf.h"
#include "../go/addr.h"

typedef struct gw_sourcemap_opts {
	const char *file;          /* the map's "file": the module's name */
	const char *source_root;   /* DIR or URL prefix for the main module's files, or NULL */
	/* When set, sourcesContent is written: read_source fills `out` with
	 * the content of `path` (the mapped source name) and returns true, or
	 * false for null. */
	bool (*read_source)(void *ctx, const char *path, gw_buf *out);
	void *ctx;
} gw_sourcemap_opts;

typedef struct gw_sourcemap_stats {
	uint64_t segments;         /* mapped segments */
	uint32_t sources, names, functions;
	uint32_t sources_read;     /* sourcesContent entries that are not null */
} gw_sourcemap_stats;

/* Writes the map as one line of JSON. GW_ERR_FORMAT when the module has
 * no Go symbol table. */
GW_NODISCARD
gw_status gw_sourcemap_write(gw_go_addr *a, const gw_module *m, const gw_go_info *go, const gw_sourcemap_opts *o,
                             gw_buf *out, gw_sourcemap_stats *st, gw_error *err);

/* The module's bytes with a `sourceMappingURL` custom section naming
 * `url` at the end (an existing one is dropped). */
GW_NODISCARD gw_status gw_sourcemap_attach(const gw_module *m, const char *url, gw_buf *out, gw_error *err);

/* The URL a module's `sourceMappingURL` custom section names: *found
 * false when it has none. GW_ERR_FORMAT when it has two, or when the
 * section's content is not one length-prefixed string filling it. */
GW_NODISCARD gw_status gw_sourcemap_url(const gw_module *m, bool *found, gw_str *url, gw_error *err);

#endif
