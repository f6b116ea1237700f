/* SPDX-License-Identifier: MIT */
/* The npm package's own files: package.json (its metadata, and the
 * exports bundlers and Node resolve), README.md, and the licence of the
 * Go glue (LICENSE.wasm_exec.js). Written by gowasm-pack, re-derived by
 * gowasm-verify with the same code. */
#ifndef GW_PACKAGER_NPMPACKAGE_H
#define GW_PACKAGER_NPMPACKAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"

/* The file names of the README and of the glue's licence in a bundle. */
#define GW_README_PATH "README.md"
#define GW_GLUE_LICENSE_PATH "LICENSE.wasm_exec.js"

/* What package.json says that the module cannot: each NULL when not
 * given (the key is then left out). */
typedef struct gw_npm_meta {
	const char *license;     /* an SPDX expression, UNLICENSED or "SEE LICENSE IN FILE" */
	const char *repository;  /* a URL: written as {"type": "git", "url": ...} */
	const char *homepage;    /* an http(s) URL */
} gw_npm_meta;

/* Whether each field has the form npm and gowasm-verify accept; false
 * with the reason (naming the field) in why. */
bool gw_npm_meta_valid(const gw_npm_meta *meta, char *why, size_t why_len);

/* The fields of an existing package.json (license, repository as a string
 * or {"url": ...}, homepage), copied into *out; strings set are
 * malloc'd (gw_npm_meta_free). Fields that are absent stay as they were. */
gw_status gw_npm_meta_read(const char *json, size_t len, gw_npm_meta *out, gw_error *err);
/* gw_npm_meta_read of a file (at most GW_NPM_PACKAGE_JSON_MAX bytes). */
#define GW_NPM_PACKAGE_JSON_MAX (1 << 20)
gw_status gw_npm_meta_load(const char *path, gw_npm_meta *out, gw_error *err);
void gw_npm_meta_free(gw_npm_meta *meta);

/* The package.json of an npm package folder (gowasm-pack --npm), with a
 * final newline. `files` lists the package's files but package.json, in
 * order. */
void gw_npm_package_json(gw_buf *b, const char *name, const char *version, const char *go_version,
                         const char *module_path, const char *const *files, uint32_t num_files,
                         const gw_npm_meta *meta);

/* README.md of a bundle: what it is, how to use it with and without a
 * bundler, what its files are; from the manifest's facts only, so
 * gowasm-verify re-derives it. */
void gw_bundle_readme(gw_buf *b, const char *name, const char *version, const char *go_version,
                      const char *module_path, bool batched);

#endif
