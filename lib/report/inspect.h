/* SPDX-License-Identifier: MIT */
/* The gowasm-inspect report. */
#ifndef GW_REPORT_INSPECT_H
#define GW_REPORT_INSPECT_H

#include "../analysis/integrity.h"
#include "../buf.h"
#include "../go/goinfo.h"
#include "../go/symbols.h"
#include "../wasm/module.h"

#define GW_INSPECT_SCHEMA "gowasm-inspect/1"

/* Optional parts of the report. */
enum {
	GW_INSPECT_FUNCTIONS = 1 << 0, /* every defined function: index, size, name, source file */
	GW_INSPECT_SEGMENTS = 1 << 1,  /* every data segment: address, size */
	GW_INSPECT_PACKAGES = 1 << 2,  /* every package in the text report (JSON always has all) */
};

/* Packages the text report lists without GW_INSPECT_PACKAGES. */
#define GW_INSPECT_TOP_PACKAGES 15

typedef struct gw_inspect_input {
	const char *file;
	const gw_module *m;
	const gw_go_info *go;
	const gw_go_symbols *syms;
	const gw_integrity *integrity;
	unsigned flags;
	const char *calls;      /* list the call sites of this function or import */
} gw_inspect_input;

/* Fail only when --calls meets corrupt tables (or on allocation failure;
 * b->oom then tells). */
GW_NODISCARD gw_status gw_inspect_text(gw_buf *b, const gw_inspect_input *in, gw_error *err);
GW_NODISCARD gw_status gw_inspect_json(gw_buf *b, const gw_inspect_input *in, gw_error *err);

#endif
