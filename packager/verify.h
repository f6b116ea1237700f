/* SPDX-License-Identifier: MIT */
/* gowasm-verify's checks of a bundle, from its bytes: the zip itself
 * (entry names, sizes, bounded decompression), the manifest against its
 * schema, every file against its hashes, and every fact of the manifest
 * re-derived from the module, the glue and the companion. */
#ifndef GW_PACKAGER_VERIFY_H
#define GW_PACKAGER_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#include "limits.h"

typedef struct gw_verify_problem {
	char what[64];     /* the entry or manifest field concerned */
	char msg[400];
} gw_verify_problem;

typedef struct gw_verify_report {
	gw_verify_problem *v;
	uint32_t n, cap;
	uint32_t entries;          /* in the zip */
	uint64_t bytes_read;       /* uncompressed, in all */
	char name[128], version[64], module[256];
	bool batched;
	/* An allocation failed on the way (a problem may be lost): no verdict
	 * can be given. The functions below then fail with GW_ERR_NOMEM. */
	bool oom;
} gw_verify_report;

/* GW_OK with the problems listed in *out (none: the bundle is valid);
 * an error status when the bytes are not a readable zip at all, or on
 * allocation failure. */
gw_status gw_verify_bundle(const uint8_t *zip, size_t len, gw_verify_report *out, gw_error *err);
void gw_verify_report_free(gw_verify_report *r);
/* The checks of gw_verify_bundle that need no entry's contents: the zip's
 * layout, entry names, and the declared sizes against the limits. For
 * gowasm-pack, on the zip it is about to write. True when none fails
 * (and no allocation did); the problems are in *r either way (free it). */
bool gw_verify_zip_limits(const uint8_t *zip, size_t len, gw_verify_report *r);
/* Adds a problem (`what`: the entry or field concerned); sets r->oom when
 * it cannot be kept. */
void gw_verify_add(gw_verify_report *r, const char *what, const char *fmt, ...) GW_PRINTF(3, 4);
/* GW_OK, or when r->oom: r freed and GW_ERR_NOMEM. How every function
 * that verifies ends, so that a lost problem never leaves a bundle valid. */
gw_status gw_verify_finish(gw_verify_report *r, gw_error *err);

/* The .tgz that `npm pack` makes of such a folder: gzip inflated within
 * GW_BUNDLE_MAX_RATIO of its size, ustar headers checked (plain files
 * under package/ only: no links, devices, folders, pax or GNU headers),
 * then the same checks. */
gw_status gw_verify_npm_tarball(const uint8_t *tgz, size_t len, gw_verify_report *out, gw_error *err);
/* An npm package folder written by gowasm-pack --npm: every file in it
 * (symbolic links and anything but plain files are problems, never
 * followed), read within the limits, then the checks of a zip bundle,
 * plus package.json against what gowasm-pack writes. */
gw_status gw_verify_npm_folder(const char *dir, gw_verify_report *out, gw_error *err);

/* For the readers of the forms above: one file, its data malloc'd (NULL:
 * a problem was reported, not read); gw_verify_files takes the data it
 * uses (sets it NULL) and runs every check of a bundle on the files;
 * `extra` is the one file the manifest need not list (package.json), or
 * NULL. gw_verify_declared checks a declared size (and compressed size,
 * 0: unknown) against the limits, adding it to *total. */
typedef struct gw_verify_file {
	const char *name;
	uint8_t *data;
	size_t size;
} gw_verify_file;
gw_status gw_verify_files(gw_verify_file *files, uint32_t n, const char *extra, gw_verify_report *r, gw_error *err);
bool gw_verify_declared(gw_verify_report *r, const char *name, uint64_t size, uint64_t csize, uint64_t *total);

/* Validates a JSON text against a JSON Schema text (the subset of draft
 * 2020-12 the manifest schema uses), adding problems to r. Returns
 * false when either text is not JSON or the schema uses a keyword this
 * validator does not implement. Exposed for tests. */
bool gw_schema_validate(const char *schema, size_t schema_len, const char *doc, size_t doc_len,
                        gw_verify_report *r);

#endif
