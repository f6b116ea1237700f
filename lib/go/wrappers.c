/* SPDX-License-Identifier: MIT */
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

static gw_walk scan_call(void *ctx, const gw_call *call)
{
	wrapper_scan *w = ctx;
	w->calls++;
	w->target = call->indirect ? UINT32_MAX : call->callee;
	return w->calls > 1 ? GW_WALK_STOP : GW_WALK_CONTINUE;
}

typedef struct import_scan {
	const gw_module *m;
	gw_str abi;
	uint32_t target; /* the one import of the ABI module called, or UINT32_MAX */
	bool mixed;      /* more than one import, or an indirect call */
} import_scan;

static gw_walk scan_imports(void *ctx, const gw_call *call)
{
	import_scan *w = ctx;
	if (call->indirect) {
		w->mixed = true;
		return GW_WALK_STOP;
	}
	if (call->callee >= w->m->num_func_imports)
		return GW_WALK_CONTINUE;
	const gw_import *im = gw_module_func_import(w->m, call->callee);
	if (!im || !gw_str_same(im->module, w->abi) || (w->target != UINT32_MAX && w->target != call->callee)) {
		w->mixed = true;
		return GW_WALK_STOP;
	}
	w->target = call->callee;
	return GW_WALK_CONTINUE;
}

/* In a batched module: the import that defined function `f` stands in
 * for, or UINT32_MAX in *target. */
static gw_status through_batch(const gw_module *m, const gw_go_info *info, uint32_t f, uint32_t *target,
                               gw_error *err)
{
	import_scan w = { m, info->abi_module, UINT32_MAX, false };
	*target = UINT32_MAX;
	if (f - m->num_func_imports >= m->num_funcs || m->funcs[f - m->num_func_imports].body_size > 4 * 1024)
		return GW_OK;
	gw_status s = gw_func_calls(m, f, scan_imports, &w, err);
	if (!s && !w.mixed)
		*target = w.target;
	return s;
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
	bool batched = gw_module_batched(m);
	for (uint32_t i = 0; i < nf; i++) {
		if (m->funcs[i].body_size > WRAPPER_MAX_BODY)
			continue;
		wrapper_scan w = { 0, UINT32_MAX };
		gw_status s = gw_func_calls(m, ni + i, scan_call, &w, err);
		if (s)
			return s;
		if (w.calls != 1)
			continue;
		if (w.target >= ni && batched) {
			/* gowasm-batch put a function in the import's place: it calls
			 * the import (one, perhaps at several places) and its flush.
			 * Its own calls of the import are not call sites either. */
			uint32_t standin = w.target;
			s = through_batch(m, info, standin, &w.target, err);
			if (s)
				return s;
			if (w.target < ni)
				info->import_of_wrapper[standin - ni] = w.target;
		}
		if (w.target >= ni)
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
