/* Go code never calls a host import directly: each import has a small
 * wrapper (named like `syscall_js.valueGet` when names survive) whose body
 * is `local.get SP; call $import` plus the stack-pointer bookkeeping. A
 * call to the wrapper is therefore a call to the import, and the return
 * PC pushed before it places the call site in the Go source. */
#include <stdlib.h>
#include <string.h>

#include "../wasm/code.h"
#include "goinfo.h"
#include "internal.h"

/* Wrappers are tiny; anything larger is real code that happens to call an
 * import once. */
#define WRAPPER_MAX_BODY 64

typedef struct wrapper_scan {
	uint32_t calls;
	uint32_t target;
} wrapper_scan;

static int scan_call(void *ctx, const gw_call *call)
{
	wrapper_scan *w = ctx;
	w->calls++;
	w->target = call->indirect ? UINT32_MAX : call->callee;
	return w->calls > 1;
}

gw_status gw_go_find_wrappers(const gw_module *m, gw_go_info *info, gw_error *err)
{
	uint32_t ni = m->num_func_imports, nf = m->num_funcs;
	info->wrapper_of_import = malloc((ni ? ni : 1) * sizeof *info->wrapper_of_import);
	info->import_of_wrapper = malloc((nf ? nf : 1) * sizeof *info->import_of_wrapper);
	info->call_sites = calloc(ni ? ni : 1, sizeof *info->call_sites);
	if (!info->wrapper_of_import || !info->import_of_wrapper || !info->call_sites)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory for import wrappers");
	memset(info->wrapper_of_import, 0xff, (ni ? ni : 1) * sizeof *info->wrapper_of_import);
	memset(info->import_of_wrapper, 0xff, (nf ? nf : 1) * sizeof *info->import_of_wrapper);
	if (info->producer != GW_PRODUCER_GC_JS)
		return GW_OK;
	for (uint32_t i = 0; i < nf; i++) {
		if (m->funcs[i].body_size > WRAPPER_MAX_BODY)
			continue;
		wrapper_scan w = { 0, UINT32_MAX };
		gw_status s = gw_func_calls(m, ni + i, scan_call, &w, err);
		if (s)
			return s;
		if (w.calls != 1 || w.target >= ni)
			continue;
		const gw_import *im = gw_module_func_import(m, w.target);
		if (!im || !gw_str_same(im->module, info->abi_module))
			continue;
		info->import_of_wrapper[i] = w.target;
		if (info->wrapper_of_import[w.target] == UINT32_MAX) {
			info->wrapper_of_import[w.target] = ni + i;
			info->num_wrappers++;
		}
	}
	return GW_OK;
}
