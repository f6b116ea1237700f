/* SPDX-License-Identifier: MIT */
/* Where gowasm-check places the files of its findings: the source root
 * (--source-root), the main module's folder in it, the module's own
 * absolute path and the working directory (see gw_check_report). */
#ifndef GW_TOOLS_SRCROOT_H
#define GW_TOOLS_SRCROOT_H

#include "../lib/gowasm.h"

typedef struct gw_cli_places {
	char *source_root;   /* absolute, or NULL */
	char *module_dir;    /* relative to source_root, or NULL */
	char *file_path;     /* the module's absolute path, or NULL */
	char *cwd;           /* or NULL */
} gw_cli_places;

/* Resolves `dir` (NULL: no source root) and, for a -trimpath build
 * whose main module path is known, finds the folder of `dir` whose go.mod
 * declares it: `dir` itself, else the first in a breadth-first walk (at
 * most 8 levels and 10000 folders, names in byte order, skipping hidden
 * folders, node_modules, vendor and testdata, not following symbolic
 * links); a warning on stderr when there is none. Builds of Go 1.18 or
 * later without -trimpath need no walk (they record -trimpath). Returns
 * 0, or -1 after printing an error (dir missing or not a folder, out of
 * memory). */
int gw_cli_places_resolve(const char *prog, const char *dir, const gw_go_info *go, const char *module_file,
                          gw_cli_places *out);
void gw_cli_places_free(gw_cli_places *p);

#endif
