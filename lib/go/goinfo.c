/* SPDX-License-Identifier: MIT */
#include "goinfo.h"

#include <stdlib.h>
#include <string.h>

#include "../util/array.h"
#include "../wasm/code.h"
#include "internal.h"

gw_status gw_go_info_read(const gw_module *m, gw_go_info **out, gw_error *err)
{
	*out = NULL;
	gw_go_info *info = calloc(1, sizeof *info);
	if (!info)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	gw_go_detect(m, info);
	gw_status s = GW_OK;
	if (info->producer != GW_PRODUCER_NOT_GO)
		s = gw_go_read_buildinfo(m, &info->build, err);
	if (!s)
		s = gw_go_find_wrappers(m, info, err);
	/* A table that cannot be read is a finding about the module, not a
	 * failure to read it: keep the reason. */
	gw_error_clear(&info->pcln_error);
	if (!s && (info->producer == GW_PRODUCER_GC_JS || info->producer == GW_PRODUCER_GC_WASIP1) &&
	    gw_pclntab_read(m, &info->pcln, &info->pcln_error) == GW_ERR_NOMEM)
		s = gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory reading the pclntab");
	if (s) {
		gw_go_info_free(info);
		return s;
	}
	*out = info;
	return GW_OK;
}

void gw_go_info_free(gw_go_info *info)
{
	if (!info)
		return;
	free(info->build.deps);
	free(info->build.settings);
	free(info->wrapper_of_import);
	free(info->import_of_wrapper);
	free(info->call_sites);
	free(info->calls);
	free(info->func_refs);
	gw_pclntab_free(info->pcln);
	free(info);
}

uint32_t gw_go_call_target_import(const gw_module *m, const gw_go_info *info, uint32_t func_index)
{
	if (func_index < m->num_func_imports)
		return func_index;
	uint32_t d = func_index - m->num_func_imports;
	if (d < m->num_funcs)
		return info->import_of_wrapper[d];
	return UINT32_MAX;
}

typedef struct count_ctx {
	const gw_module *m;
	gw_go_info *info;
	uint32_t cap, refs_cap;
	bool oom;
	bool batched;
} count_ctx;

static gw_walk record_ref(void *ctx, uint32_t func_index, size_t offset, uint64_t value)
{
	count_ctx *c = ctx;
	gw_go_info *info = c->info;
	(void)offset;
	uint64_t to = (value >> 16) - 0x1000;
	if (to >= c->m->num_funcs)
		return GW_WALK_CONTINUE;
	if (GW_ARRAY_RESERVE(info->func_refs, c->refs_cap, info->num_func_refs + 1, 256)) {
		c->oom = true;
		return GW_WALK_STOP;
	}
	info->func_refs[info->num_func_refs].from = func_index - c->m->num_func_imports;
	info->func_refs[info->num_func_refs].to = (uint32_t)to;
	info->num_func_refs++;
	return GW_WALK_CONTINUE;
}

static gw_walk count_call(void *ctx, const gw_call *call)
{
	count_ctx *c = ctx;
	gw_go_info *info = c->info;
	if (GW_ARRAY_RESERVE(info->calls, c->cap, info->num_calls + 1, 1024)) {
		c->oom = true;
		return GW_WALK_STOP;
	}
	info->calls[info->num_calls++] = *call;
	if (call->indirect)
		return GW_WALK_CONTINUE;
	uint32_t imp = gw_go_call_target_import(c->m, info, call->callee);
	if (imp == UINT32_MAX)
		return GW_WALK_CONTINUE;
	/* A wrapper's own call to its import is not a call site. */
	uint32_t d = call->caller - c->m->num_func_imports;
	if (info->import_of_wrapper[d] == imp)
		return GW_WALK_CONTINUE;
	/* Nor are the calls of the functions gowasm-batch appended after Go's
	 * (its stand-ins for imports no wrapper calls, its flush). */
	if (c->batched && ((info->pcln && d >= info->pcln->nfunc) ||
	                   gw_str_eq(gw_module_func_import(c->m, imp)->module, GW_BATCH_IMPORT_MODULE)))
		return GW_WALK_CONTINUE;
	info->call_sites[imp]++;
	info->total_call_sites++;
	return GW_WALK_CONTINUE;
}

gw_status gw_go_count_call_sites(const gw_module *m, gw_go_info *info, gw_error *err)
{
	memset(info->call_sites, 0, (m->num_func_imports ? m->num_func_imports : 1) * sizeof *info->call_sites);
	info->total_call_sites = 0;
	free(info->calls);
	info->calls = NULL;
	info->num_calls = 0;
	free(info->func_refs);
	info->func_refs = NULL;
	info->num_func_refs = 0;
	count_ctx c = { m, info, 0, 0, false, gw_module_batched(m) };
	gw_status s = gw_module_walk(m, count_call, record_ref, &c, err);
	if (!s && c.oom)
		s = gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory recording call sites");
	if (!s)
		info->calls_counted = true;
	return s;
}

bool gw_module_batched(const gw_module *m)
{
	return gw_module_custom_section(m, GW_BATCH_SECTION) != NULL;
}
