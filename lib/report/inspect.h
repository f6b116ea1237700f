/* The gowasm-inspect report. */
#ifndef GW_REPORT_INSPECT_H
#define GW_REPORT_INSPECT_H

#include "../buf.h"
#include "../go/goinfo.h"
#include "../wasm/module.h"

#define GW_INSPECT_SCHEMA "gowasm-inspect/1"

/* Optional parts of the report. */
enum {
	GW_INSPECT_FUNCTIONS = 1 << 0, /* every defined function: index, name, body size */
	GW_INSPECT_SEGMENTS = 1 << 1,  /* every data segment: address, size */
};

void gw_inspect_text(gw_buf *b, const gw_module *m, const gw_go_info *go, const char *file, unsigned flags);
void gw_inspect_json(gw_buf *b, const gw_module *m, const gw_go_info *go, const char *file, unsigned flags);

#endif
