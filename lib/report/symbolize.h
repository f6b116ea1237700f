/* SPDX-License-Identifier: MIT */
/* Stack traces as browsers and Node print them, rewritten into Go frames.
 *
 * A wasm frame is any line holding `wasm-function[N]`, optionally followed
 * by `:0xOFF` (the module offset of the instruction): Chrome and Node
 * (`at f (wasm://wasm/1a2b3c4d:wasm-function[N]:0xOFF)`, or the module's
 * URL), Firefox (`f@https://host/app.wasm:wasm-function[N]:0xOFF`, or
 * `... > WebAssembly.instantiate:wasm-function[N]:0xOFF`) and Safari
 * (`<?>.wasm-function[N]@[wasm code]`, no offset: the function's entry).
 * Every other line passes through unchanged. */
#ifndef GW_REPORT_SYMBOLIZE_H
#define GW_REPORT_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../buf.h"
#include "../go/addr.h"

#define GW_SYMBOLIZE_SCHEMA "gowasm-symbolize/1"

/* Where a wasm frame is in a line. */
typedef struct gw_wasm_frame_ref {
	size_t indent;           /* leading blanks of the line */
	uint32_t func;           /* N of wasm-function[N] */
	bool has_offset;
	uint64_t offset;
} gw_wasm_frame_ref;

/* Finds the first wasm frame location in `line` (no newline). */
bool gw_wasm_frame_parse(const char *line, size_t len, gw_wasm_frame_ref *out);

typedef enum gw_frame_status {
	GW_FRAME_OK = 0,
	GW_FRAME_ENTRY,          /* no offset: the function's entry */
	GW_FRAME_OUTSIDE,        /* the offset is not inside any function body */
	GW_FRAME_MISMATCH,       /* the offset is inside another function than N */
	GW_FRAME_NO_FUNCTION,    /* N is an import or not a function of the module */
	GW_FRAME_WRONG_MODULE    /* agrees, but most frames of the trace do not: kept */
} gw_frame_status;

const char *gw_frame_status_name(gw_frame_status s);

typedef struct gw_symbolize_stats {
	uint64_t lines, frames;  /* input lines, wasm frames among them */
	uint64_t resolved;       /* GW_FRAME_OK or GW_FRAME_ENTRY */
	uint64_t disagree;       /* frames kept: OUTSIDE, MISMATCH, NO_FUNCTION, WRONG_MODULE */
	bool wrong_module;       /* most frames disagree with the module: all are kept */
} gw_symbolize_stats;

/* Rewrites `text`: as text (each wasm frame becomes one line per Go
 * frame, `FUNC  FILE:LINE`, inlined frames marked, indentation kept) or
 * as one JSON document (schema GW_SYMBOLIZE_SCHEMA, the wasm frames only).
 * Frames that disagree with the module are kept as they are, with a
 * warning; when most frames disagree, every frame is kept (the trace comes
 * from another module) with one warning. Warnings go to `warnings`, one per line as "LINE: message"
 * (LINE 0 for the whole input). */
GW_NODISCARD
gw_status gw_symbolize(gw_go_addr *a, const gw_module *m, const char *text, size_t len, bool json, gw_buf *out,
                       gw_buf *warnings, gw_symbolize_stats *st, gw_error *err);

#endif
