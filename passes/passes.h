/* SPDX-License-Identifier: MIT */
/* The rewriting side of gowasm: passes over Binaryen's C API. Each takes a
 * module Binaryen has read (after the project's own reader and wabt have
 * accepted the bytes: Binaryen exits the process on malformed input) and a
 * plan computed by lib/analysis/batchplan, and rewrites in place. */
#ifndef GW_PASSES_H
#define GW_PASSES_H

#include <binaryen-c.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/batchplan.h"
#include "../validate/wabt.h"

typedef struct gw_batch_stats {
	uint32_t deferred_imports;   /* imports turned into recorders */
	uint32_t flushing_imports;   /* imports that now flush first */
	uint32_t exports_wrapped;    /* exports that flush before returning */
	uint32_t functions_added;
} gw_batch_stats;

/* passes/batch.c: the batching pass. GW_ERR_NOMEM when an allocation
 * fails: the module may then be half rewritten (dispose of it, never
 * write it). */
gw_status gw_pass_batch(BinaryenModuleRef mod, const gw_batch_plan *plan, const char *tool_version,
                        gw_batch_stats *stats);

/* passes/rodata.c: publishes the read-only data range for the companion's
 * property-name cache. GW_ERR_NOMEM as above. */
gw_status gw_pass_rodata(BinaryenModuleRef mod, const gw_batch_plan *plan);

/* passes/cleanup.c: the pipeline that undoes what a Binaryen round trip
 * does to Go's code. */
void gw_pass_cleanup(BinaryenModuleRef mod);

/* passes/names.c: PREFIX SUFFIX, or PREFIX SUFFIX$N, the first that no
 * function or global of the module is named (malloc'd; free it), or NULL
 * on allocation failure. */
char *gw_pass_unique_name(BinaryenModuleRef mod, const char *prefix, const char *suffix);

/* The Binaryen feature set for the GW_FEAT_* bits a module uses. */
BinaryenFeatures gw_binaryen_features(unsigned gw_features);


#endif
