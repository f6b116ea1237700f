/* SPDX-License-Identifier: MIT */
/* What a module is, in Go terms: who produced it, which Go version and
 * ABI, its build id and build information, and which of its functions are
 * the wrappers Go puts around each host import.
 *
 * Everything points into the module's bytes; nothing is copied. */
#ifndef GW_GO_GOINFO_H
#define GW_GO_GOINFO_H

#include <stdbool.h>
#include <stdint.h>

#include "../wasm/code.h"
#include "../wasm/module.h"
#include "abi.h"
#include "pclntab.h"

typedef enum gw_producer {
	GW_PRODUCER_NOT_GO = 0,
	GW_PRODUCER_GC_JS,      /* Go gc, GOOS=js GOARCH=wasm */
	GW_PRODUCER_GC_WASIP1,  /* Go gc, GOOS=wasip1 */
	GW_PRODUCER_TINYGO
} gw_producer;

const char *gw_producer_name(gw_producer p);   /* "gc", "tinygo", "none" */
const char *gw_producer_target(gw_producer p); /* "js/wasm", "wasip1/wasm", ... */

typedef struct gw_go_version {
	bool known;
	int major, minor, patch;  /* patch -1 when absent (e.g. "go1.21rc2") */
	char text[40];            /* as written, e.g. "go1.19.8" */
	const char *source;       /* "producers", "go.version", "rodata" */
} gw_go_version;

/* Parses "go1.19.8", "go1.21rc2", "go1.22.0 X:nocoverageredesign"... */
bool gw_go_version_parse(const uint8_t *p, size_t n, gw_go_version *v);

typedef struct gw_go_module_line {
	gw_str path, version, sum;
	gw_str replace_path, replace_version, replace_sum; /* "=>" line, if any */
} gw_go_module_line;

typedef struct gw_go_setting {
	gw_str key, value;
} gw_go_setting;

typedef struct gw_go_buildinfo {
	bool present;
	gw_str text;             /* the raw modinfo text between the sentinels */
	uint64_t address;        /* its address in linear memory */
	gw_str path;             /* main package path */
	gw_go_module_line main;
	gw_go_module_line *deps;
	uint32_t num_deps;
	gw_go_setting *settings;
	uint32_t num_settings;
} gw_go_buildinfo;

typedef struct gw_go_info {
	gw_producer producer;
	gw_str abi_module;        /* "go", "gojs", "wasi_snapshot_preview1", or empty */
	gw_go_version version;
	gw_str build_id;          /* contents between the quotes, empty if none */
	gw_go_buildinfo build;

	/* The runtime symbol table (gc producers). NULL when absent or not
	 * decodable; pcln_error then says why (status GW_OK: none found). */
	gw_pclntab *pcln;
	gw_error pcln_error;

	/* Host imports and their wrappers. Arrays are indexed as noted and
	 * hold UINT32_MAX for "none". */
	uint32_t *wrapper_of_import;  /* [func import index] -> wrapper function index */
	uint32_t *import_of_wrapper;  /* [defined index] -> func import index */
	uint32_t num_wrappers;

	/* Bridge call sites: calls to a host import's wrapper (or to the
	 * import itself from outside its wrapper). [func import index] */
	uint64_t *call_sites;
	uint64_t total_call_sites;
	bool calls_counted;

	/* Every call and call_indirect of the module, in code order, as the
	 * walk that counted them found them (so later analyses need not
	 * decode the code again). */
	gw_call *calls;
	uint32_t num_calls;

	/* Entry PCs of other functions that code holds as constants (closures
	 * being built), in code order: the referring function and the
	 * function referred to (defined index). */
	struct gw_func_ref { uint32_t from, to; } *func_refs;
	uint32_t num_func_refs;
} gw_go_info;

/* A module rewritten by gowasm-batch: it carries this custom section and
 * imports its flush call from this module. Its extra functions come after
 * Go's, outside Go's symbol table. */
#define GW_BATCH_SECTION "gowasm.batch"
#define GW_BATCH_IMPORT_MODULE "gowasm"
bool gw_module_batched(const gw_module *m);

/* Whether `file`, a name from the symbol table, is a file of the main
 * module as a -trimpath build records it ("example.com/app/cmd/x/main.go"
 * of module example.com/app): then *rel is its path in the module
 * ("cmd/x/main.go"). A file of a dependency whose path extends the main
 * module's ("example.com/app/v2@v2.0.0/x.go", or any module of the build
 * list under the main module's path) is not one. Absolute names (builds
 * without -trimpath) never are. */
bool gw_go_main_module_file(const gw_go_info *go, gw_str file, gw_str *rel);

/* Recognises the producer, version, build id and build info, and finds
 * the import wrappers. Fails only on allocation failure or malformed code
 * in a wrapper candidate; "not Go" is a result, not an error. */
GW_NODISCARD gw_status gw_go_info_read(const gw_module *m, gw_go_info **out, gw_error *err);

/* Walks every function body once to record every call and count the call
 * sites of each host import (through its wrapper). This also validates
 * all code. */
GW_NODISCARD gw_status gw_go_count_call_sites(const gw_module *m, gw_go_info *info, gw_error *err);

void gw_go_info_free(gw_go_info *info);

/* The func import a call to `func_index` reaches: the import itself, or
 * the import its wrapper calls; UINT32_MAX when neither. */
uint32_t gw_go_call_target_import(const gw_module *m, const gw_go_info *info, uint32_t func_index);

#endif
