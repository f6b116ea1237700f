/* SPDX-License-Identifier: MIT */
/* The bundle manifest (packager/manifest.schema.json, gowasm-manifest(5)):
 * written by gowasm-pack, re-derived by gowasm-verify with the same code,
 * so the two cannot disagree on what a fact is. */
#ifndef GW_PACKAGER_MANIFEST_H
#define GW_PACKAGER_MANIFEST_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "analysis/check.h"
#include "analysis/load.h"
#include "buf.h"

#define GW_MANIFEST_SCHEMA "gowasm-manifest/1"

typedef struct gw_manifest_file {
	const char *path, *role;
	uint64_t size;
	char sha256[65];
	char integrity[72];
} gw_manifest_file;

typedef struct gw_manifest_input {
	const char *name, *version;
	const char *module_path;          /* the module's entry name */
	const gw_loaded *l;
	const gw_findings *findings;      /* NULL: check absent */
	const char *check_target;         /* "browser" or "node" */
	const gw_manifest_file *files;    /* every entry but manifest.json, sorted */
	uint32_t num_files;
	const char *companion_path;       /* NULL when not batched */
	const char *companion_version;
	const char *tool_version;
	time_t timestamp;
	bool has_source_date_epoch;
} gw_manifest_input;

/* Fills the hashes of one file. */
void gw_manifest_file_hash(gw_manifest_file *f, const char *path, const char *role, const uint8_t *data,
                           uint64_t size);

/* Writes the manifest JSON (with a final newline) into b. */
gw_status gw_manifest_write(gw_buf *b, const gw_manifest_input *in, gw_error *err);

/* The custom section gowasm-batch leaves: protocol, tool, deferred
 * imports; false when the module is not batched or the section is not
 * the JSON object gowasm-batch writes. */
typedef struct gw_batch_info {
	bool batched;
	int protocol;
	char tool[64];
	char deferred[8][48];
	uint32_t num_deferred;
} gw_batch_info;
bool gw_batch_info_read(const gw_module *m, gw_batch_info *out);

/* The companion's version and batch protocol, from the first line of
 * gowasm-batch.mjs/.cjs ("gowasm-batch companion V (batch protocol N)").
 * Returns the protocol, or -1 (version left empty) when the text is not
 * a companion. */
int gw_companion_version(const uint8_t *text, size_t len, char *version, size_t size);

/* The module's entry name for a package name: its last part + ".wasm"
 * ("@scope/app" -> "app.wasm"). */
void gw_bundle_module_name(const char *package, char *out, size_t size);

#endif
