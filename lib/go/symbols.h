/* SPDX-License-Identifier: MIT */
/* Go names for a module's functions, their source positions and sizes,
 * and call sites placed at file:line: from the pclntab when it can be
 * read (stripped modules included), else from the name section.
 *
 * Everything points into the module or the pclntab copy; the symbols
 * must not outlive the gw_go_info they were made from. */
#ifndef GW_GO_SYMBOLS_H
#define GW_GO_SYMBOLS_H

#include <stdbool.h>
#include <stdint.h>

#include "../wasm/code.h"
#include "goinfo.h"
#include "loops.h"
#include "pclntab.h"

typedef struct gw_go_func {
	gw_str name;          /* len 0 when no source names it */
	gw_str file;          /* source file of the entry (pclntab only) */
	int32_t line;         /* line at the entry, -1 when unknown */
	gw_str package;       /* see gw_go_symbol_package */
	uint32_t code_bytes;  /* body and its size field in the code section */
} gw_go_func;

typedef struct gw_go_package {
	gw_str name;          /* "?" for functions with no name */
	uint64_t code_bytes;
	uint32_t funcs;
} gw_go_package;

typedef enum gw_names_source {
	GW_NAMES_NONE = 0,
	GW_NAMES_PCLNTAB,
	GW_NAMES_NAME_SECTION
} gw_names_source;

const char *gw_names_source_name(gw_names_source s);

typedef struct gw_go_symbols {
	gw_go_func *funcs;            /* [defined function index] */
	uint32_t num_funcs;
	uint32_t named;               /* functions with a name */
	gw_names_source source;
	gw_go_package *packages;      /* by code bytes, largest first */
	uint32_t num_packages;
	uint64_t code_section_bytes;  /* payload of the code section */
	uint64_t code_header_bytes;   /* its function count field */
} gw_go_symbols;

GW_NODISCARD gw_status gw_go_symbols_read(const gw_module *m, const gw_go_info *go, gw_go_symbols **out, gw_error *err);
void gw_go_symbols_free(gw_go_symbols *s);

/* The defined function index with this exact Go name, from `from` on
 * (to iterate over duplicates), or UINT32_MAX. */
uint32_t gw_go_symbols_lookup(const gw_go_symbols *s, gw_str name, uint32_t from);

/* One call site at its source position. frames[0 .. nframes) is the
 * position stack, innermost first: frames[0] is where the call is written,
 * later frames are the functions it was inlined into. nframes is 0 when
 * the site carries no return PC or the module has no pclntab. */
typedef struct gw_call_site {
	const gw_call *call;
	uint32_t import;       /* the host import it reaches, or UINT32_MAX */
	bool inlined_target;   /* the target itself was inlined here */
	bool in_loop;          /* inside a source loop of its function (loops.h) */
	const gw_frame *frames;
	int nframes;
} gw_call_site;

/* Called for each call site; GW_WALK_STOP ends the search early. */
typedef gw_walk (*gw_call_site_fn)(void *ctx, const gw_call_site *site);

/* Every call site whose target is `name`: a Go function called directly,
 * a host import (by field name, e.g. "syscall/js.valueGet": calls to its
 * wrapper), or a Go function inlined into its caller (found through the
 * inline tree, reported once per inlined copy). In code order. */
GW_NODISCARD
gw_status gw_go_find_calls(const gw_module *m, const gw_go_info *go, const gw_go_symbols *syms, gw_str name,
                           gw_call_site_fn fn, void *ctx, gw_error *err);

/* Whether the module knows `name` at all: a defined function, a host
 * import's field, or a function name in the pclntab (one inlined
 * everywhere has no function of its own). */
bool gw_go_name_known(const gw_module *m, const gw_go_info *go, const gw_go_symbols *syms, gw_str name);

/* The call sites of `name` (gw_go_find_calls), kept: the list owns copies
 * of the calls and their frames; v[i].call and v[i].frames point into it. */
typedef struct gw_call_site_list {
	gw_call_site *v;
	uint32_t n;
	gw_call *calls;
	gw_frame *frames;
} gw_call_site_list;

/* On failure the list is empty and needs no freeing. */
GW_NODISCARD
gw_status gw_go_collect_calls(const gw_module *m, const gw_go_info *go, const gw_go_symbols *syms, gw_str name,
                              gw_call_site_list *out, gw_error *err);
void gw_call_site_list_free(gw_call_site_list *l);

/* Places one call at its source position: fills frames (up to max) and
 * returns their number, 0 when the call has no return PC or there is no
 * pclntab, -1 with *err on corrupt tables. */
int gw_go_call_frames(const gw_go_info *go, const gw_call *call, gw_frame *frames, int max, gw_error *err);

#endif
