/* SPDX-License-Identifier: MIT */
/* gowasm-check's rules: findings about a Go js/wasm module that should
 * stop a release. Each rule has a stable id and a default severity
 * (rules.def); the man page gowasm-check(1) documents each with an
 * example and its fix.
 *
 *   js-func-leak        a js.FuncOf executed again and again (in a loop, or
 *                       in code reached from a js.FuncOf callback, i.e.
 *                       per event) with no js.Func.Release reachable from
 *                       its function or from the callback it creates
 *   hot-bridge-call     a js.Value Get/Set/Call/Index/SetIndex/New/Invoke
 *                       in a loop of the module's own code
 *   missing-finalizers  js.Values that are never released: Go < 1.14, or
 *                       makeValue -> SetFinalizer -> finalizeRef broken
 *   glue-mismatch       the given wasm_exec.js lacks an import the module
 *                       needs (or serves another import module)
 *   glue-version        (without --glue) which Go version's glue it needs
 *   browser-fs          user code that reaches the file system, which the
 *                       standard glue only stubs in browsers (--target
 *                       browser)
 *   host-capabilities   the host facilities the module can reach (note)
 *   <integrity checks>  the symbol-table checks of integrity.h, as rules
 *
 * Only code reachable from the module's entry points is reported: the
 * exports, and every function whose address the code or data holds
 * (indirect calls are followed conservatively). */
#ifndef GW_ANALYSIS_CHECK_H
#define GW_ANALYSIS_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../go/goinfo.h"
#include "../go/symbols.h"
#include "../wasm/module.h"
#include "integrity.h"
#include "rules.h"

typedef struct gw_finding {
	const gw_rule *rule;
	gw_severity severity;
	char message[512];
	gw_str file;             /* source file, or empty: the module itself */
	int32_t line;            /* -1 when none */
	gw_str function;         /* the Go function concerned, or empty */
	uint64_t offset;         /* code offset of the call, or 0 */
	uint32_t rank;           /* order within its rule (hot-bridge-call) */
	gw_str callee;           /* the function called, where it matters */
} gw_finding;

#define GW_MAX_CAPABILITIES 12

typedef struct gw_findings {
	gw_finding *v;
	uint32_t n, cap;
	/* The host facilities the module reaches ("time", "file system"...),
	 * as the host-capabilities finding lists them; static strings. */
	const char *capabilities[GW_MAX_CAPABILITIES];
	uint32_t num_capabilities;
} gw_findings;

typedef enum gw_target { GW_TARGET_ANY = 0, GW_TARGET_BROWSER, GW_TARGET_NODE } gw_target;

typedef struct gw_check_options {
	const uint8_t *glue;     /* wasm_exec.js text, or NULL */
	size_t glue_len;
	gw_target target;
	/* The glue is all the host provides (gowasm-check --glue without
	 * --companion): a batched module's gowasm imports are then missing.
	 * False when the gowasm-batch companion comes with the glue (a bundle). */
	bool glue_alone;
} gw_check_options;

/* Fails (GW_ERR_FORMAT, err->input GW_INPUT_GLUE) when opt->glue is not
 * a wasm_exec.js, and on allocation failure. */
GW_NODISCARD gw_status gw_check_run(const gw_module *m, const gw_go_info *go, const gw_go_symbols *syms,
                       const gw_integrity *integrity, const gw_check_options *opt, gw_findings *out,
                       gw_error *err);
void gw_findings_free(gw_findings *f);

/* The glue's view of the ABI: its import module and the import names it
 * provides, read from wasm_exec.js text as JavaScript reads its object
 * literals (lib/analysis/glue.c). */
typedef struct gw_glue {
	char module[16];         /* "go", "gojs", or "" when not found */
	gw_str *names;           /* into the text, or into arena when decoded */
	uint32_t num_names;
	uint8_t *arena;
} gw_glue;

GW_NODISCARD gw_status gw_glue_parse(const uint8_t *text, size_t len, gw_glue *out, gw_error *err);
void gw_glue_free(gw_glue *g);

#endif
