/* SPDX-License-Identifier: MIT */
#include "addr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/array.h"
#include "loops.h"

struct gw_go_addr {
	const gw_module *m;
	const gw_go_info *go;
	const gw_go_symbols *syms;
	/* The calls of each function: from go->calls when the module's calls
	 * were scanned, else read function by function when first needed. */
	bool lazy;
	uint32_t *call_start;      /* [defined index + 1]: its calls in go->calls */
	gw_call **fcalls;          /* lazy: [defined index] */
	uint32_t *nfcalls;         /* lazy: UINT32_MAX until read */
	gw_pc_point **points;      /* [defined index], NULL until computed */
	uint32_t *num_points;
	/* gowasm-batch's functions: the first Go function calling each one
	 * (defined index, UINT32_MAX when none), computed once when needed. */
	uint32_t *go_caller;
};

bool gw_go_addr_is_go(const gw_go_addr *a, uint32_t d)
{
	const gw_pclntab *t = a->go->pcln;
	return t && d < t->nfunc && a->syms->source == GW_NAMES_PCLNTAB;
}

gw_status gw_go_addr_new(const gw_module *m, const gw_go_info *go, const gw_go_symbols *syms, gw_go_addr **out,
                         gw_error *err)
{
	*out = NULL;
	gw_go_addr *a = calloc(1, sizeof *a);
	size_t n = (size_t)m->num_funcs + 1;
	if (!a || !(a->call_start = calloc(n, sizeof *a->call_start)) || !(a->points = calloc(n, sizeof *a->points)) ||
	    !(a->num_points = calloc(n, sizeof *a->num_points)) ||
	    (!go->calls_counted && (!(a->fcalls = calloc(n, sizeof *a->fcalls)) ||
	                            !(a->nfcalls = malloc(n * sizeof *a->nfcalls))))) {
		gw_go_addr_free(a);
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	}
	a->m = m;
	a->go = go;
	a->syms = syms;
	a->lazy = !go->calls_counted;
	if (a->lazy) {
		for (size_t d = 0; d < n; d++)
			a->nfcalls[d] = UINT32_MAX;
		*out = a;
		return GW_OK;
	}
	/* Calls are in code order, so each caller's are contiguous: count
	 * them, then turn the counts into starts. */
	for (uint32_t i = 0; i < go->num_calls; i++) {
		uint32_t d = go->calls[i].caller - m->num_func_imports;
		if (d < m->num_funcs)
			a->call_start[d + 1]++;
	}
	for (uint32_t d = 0; d < m->num_funcs; d++)
		a->call_start[d + 1] += a->call_start[d];
	*out = a;
	return GW_OK;
}

void gw_go_addr_free(gw_go_addr *a)
{
	if (!a)
		return;
	if (a->points)
		for (uint32_t d = 0; d < a->m->num_funcs; d++)
			free(a->points[d]);
	if (a->fcalls)
		for (uint32_t d = 0; d < a->m->num_funcs; d++)
			free(a->fcalls[d]);
	free(a->fcalls);
	free(a->nfcalls);
	free(a->points);
	free(a->num_points);
	free(a->call_start);
	free(a->go_caller);
	free(a);
}

typedef struct call_vec {
	gw_call *v;
	uint32_t n, cap;
	bool oom;
} call_vec;

static gw_walk push_call(void *ctx, const gw_call *c)
{
	call_vec *cv = ctx;
	if (GW_ARRAY_RESERVE(cv->v, cv->cap, cv->n + 1, 16)) {
		cv->oom = true;
		return GW_WALK_STOP;
	}
	cv->v[cv->n++] = *c;
	return GW_WALK_CONTINUE;
}

/* The calls of defined function d, in code order. */
static gw_status calls_of(gw_go_addr *a, uint32_t d, const gw_call **v, uint32_t *n, gw_error *err)
{
	if (!a->lazy) {
		*v = a->go->calls + a->call_start[d];
		*n = a->call_start[d + 1] - a->call_start[d];
		return GW_OK;
	}
	if (a->nfcalls[d] == UINT32_MAX) {
		call_vec cv = { 0 };
		gw_status s = gw_func_calls(a->m, a->m->num_func_imports + d, push_call, &cv, err);
		if (!s && cv.oom)
			s = gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
		if (s) {
			free(cv.v);
			return s;
		}
		a->fcalls[d] = cv.v;
		a->nfcalls[d] = cv.n;
	}
	*v = a->fcalls[d];
	*n = a->nfcalls[d];
	return GW_OK;
}

/* The region the dispatch sends PC_B to. */
static uint32_t region_of_pcb(const gw_go_loops *l, uint32_t pcb)
{
	if (!l->num_pcs)
		return UINT32_MAX;
	return l->pc_regions[pcb < l->num_pcs - 1 ? pcb : l->num_pcs - 1];
}

static gw_status compute_points(gw_go_addr *a, uint32_t d, gw_error *err)
{
	const gw_module *m = a->m;
	const gw_func *f = &m->funcs[d];
	const gw_call *calls;
	uint32_t ncalls;
	gw_status s = calls_of(a, d, &calls, &ncalls, err);
	if (s)
		return s;
	gw_go_loops l;
	if ((s = gw_go_regions_read(m, m->num_func_imports + d, &l, err)) != GW_OK)
		return s;
	size_t cap = 1 + (size_t)l.num_regions + 2 * (size_t)ncalls;
	gw_pc_point *v = malloc(cap * sizeof *v);
	if (!v) {
		gw_go_loops_free(&l);
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	}
	uint32_t n = 0;
	v[n++] = (gw_pc_point){ (uint32_t)f->body_offset, 0, GW_PC_ENTRY };
	/* A region starts at the lowest PC_B the dispatch sends to it (the
	 * default target: the first PC_B past the table). */
	uint32_t *first = NULL;
	if (l.num_regions) {
		first = malloc(l.num_regions * sizeof *first);
		if (!first) {
			free(v);
			gw_go_loops_free(&l);
			return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
		}
		for (uint32_t r = 0; r < l.num_regions; r++)
			first[r] = UINT32_MAX;
		for (uint32_t pcb = l.num_pcs; pcb-- > 0;)
			if (l.pc_regions[pcb] != UINT32_MAX)
				first[l.pc_regions[pcb]] = pcb;
	}
	/* Regions and calls are both in code order: merge them. */
	uint32_t next_region = 0;
	for (uint32_t k = 0; k <= ncalls; k++) {
		const gw_call *c = k < ncalls ? &calls[k] : NULL;
		for (; next_region < l.num_regions && (!c || l.region_offsets[next_region] <= c->offset); next_region++)
			if (first[next_region] != UINT32_MAX && l.region_offsets[next_region])
				v[n++] = (gw_pc_point){ (uint32_t)l.region_offsets[next_region], first[next_region], GW_PC_REGION };
		if (!c || !c->has_retpc)
			continue;
		uint32_t r = (uint32_t)(c->retpc & 0xffff);
		/* PC_B 0: the stack-growth call, which returns to the entry. */
		v[n++] = (gw_pc_point){ (uint32_t)c->offset, r ? r - 1 : 0, GW_PC_CALL };
		/* After a call that ends its region the code left runs at the
		 * call's PC; after one inside a region (no resume point), at the
		 * return PC. A call instruction is at least two bytes: offset + 1
		 * is inside it, so no reported offset lands there. */
		uint32_t here = next_region ? next_region - 1 : UINT32_MAX;
		uint32_t after = r && region_of_pcb(&l, r) != here ? r - 1 : r;
		v[n++] = (gw_pc_point){ (uint32_t)c->offset + 1, after, GW_PC_AFTER_CALL };
	}
	free(first);
	gw_go_loops_free(&l);
	a->points[d] = v;
	a->num_points[d] = n;
	return GW_OK;
}

gw_status gw_go_addr_points(gw_go_addr *a, uint32_t d, const gw_pc_point **v, uint32_t *n, gw_error *err)
{
	if (d >= a->m->num_funcs)
		return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "no defined function %u", d);
	if (!a->points[d]) {
		gw_status s = compute_points(a, d, err);
		if (s)
			return s;
	}
	*v = a->points[d];
	*n = a->num_points[d];
	return GW_OK;
}

/* For gowasm-batch's functions: who calls them from Go. */
static gw_status find_go_callers(gw_go_addr *a, gw_error *err)
{
	const gw_module *m = a->m;
	a->go_caller = malloc(((size_t)m->num_funcs + 1) * sizeof *a->go_caller);
	if (!a->go_caller)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	for (uint32_t d = 0; d < m->num_funcs; d++)
		a->go_caller[d] = UINT32_MAX;
	for (uint32_t caller = 0; caller < m->num_funcs; caller++) {
		if (!gw_go_addr_is_go(a, caller))
			continue;
		const gw_call *calls;
		uint32_t n;
		gw_status s = calls_of(a, caller, &calls, &n, err);
		if (s)
			return s;
		for (uint32_t i = 0; i < n; i++) {
			uint32_t callee = calls[i].callee - m->num_func_imports;
			if (!calls[i].indirect && callee < m->num_funcs && !gw_go_addr_is_go(a, callee) &&
			    a->go_caller[callee] == UINT32_MAX)
				a->go_caller[callee] = caller;
		}
	}
	return GW_OK;
}

/* Names a function outside Go's table by what it does in a batched module:
 * the flush (it calls the gowasm.flush import), the stand-in a Go import
 * wrapper calls, the wrapper of an export. */
static gw_status batch_role(gw_go_addr *a, gw_code_loc *loc, gw_error *err)
{
	const gw_module *m = a->m;
	if (!gw_module_batched(m))
		return GW_OK;
	if (!a->go_caller && find_go_callers(a, err))
		return err->status;
	const gw_call *calls;
	uint32_t ncalls;
	if (calls_of(a, loc->defined, &calls, &ncalls, err))
		return err->status;
	for (uint32_t k = 0; k < ncalls; k++) {
		const gw_call *c = &calls[k];
		const gw_import *im = c->indirect ? NULL : gw_module_func_import(m, c->callee);
		if (im && gw_str_eq(im->module, GW_BATCH_IMPORT_MODULE)) {
			snprintf(loc->role, sizeof loc->role, "gowasm-batch flush");
			return GW_OK;
		}
	}
	uint32_t caller = a->go_caller[loc->defined];
	if (caller != UINT32_MAX) {
		gw_str name = a->syms->funcs[caller].name;
		snprintf(loc->role, sizeof loc->role, "gowasm-batch stand-in for %.*s", (int)(name.len > 60 ? 60 : name.len),
		         (const char *)name.p);
		return GW_OK;
	}
	for (uint32_t i = 0; i < m->num_exports; i++) {
		const gw_export *e = &m->exports[i];
		if (e->kind == GW_EXT_FUNC && e->index == loc->func) {
			snprintf(loc->role, sizeof loc->role, "gowasm-batch wrapper of export %.*s",
			         (int)(e->name.len > 60 ? 60 : e->name.len), (const char *)e->name.p);
			return GW_OK;
		}
	}
	snprintf(loc->role, sizeof loc->role, "gowasm-batch");
	return GW_OK;
}

gw_status gw_go_addr_frames(gw_go_addr *a, gw_code_loc *loc, gw_error *err)
{
	loc->nframes = 0;
	loc->role[0] = 0;
	loc->name = a->syms->funcs[loc->defined].name;
	if (loc->kind != GW_CODE_GO)
		return batch_role(a, loc, err);
	int n = gw_pclntab_frames(a->go->pcln, loc->pc, loc->frames, GW_PCLN_MAX_FRAMES, err);
	if (n < 0)
		return err->status;
	loc->nframes = n;
	if (n)
		loc->name = loc->frames[n - 1].func;
	return GW_OK;
}

gw_status gw_go_addr_lookup_func(gw_go_addr *a, uint32_t func_index, gw_code_loc *loc, gw_error *err)
{
	memset(loc, 0, sizeof *loc);
	const gw_module *m = a->m;
	if (func_index < m->num_func_imports || func_index - m->num_func_imports >= m->num_funcs) {
		loc->kind = GW_CODE_OUTSIDE;
		loc->func = func_index;
		return GW_OK;
	}
	loc->func = func_index;
	loc->defined = func_index - m->num_func_imports;
	loc->kind = gw_go_addr_is_go(a, loc->defined) ? GW_CODE_GO : GW_CODE_OTHER;
	loc->pc = (0x1000ull + loc->defined) << 16;
	return gw_go_addr_frames(a, loc, err);
}

uint32_t gw_go_addr_func_at(const gw_go_addr *a, uint64_t offset)
{
	const gw_module *m = a->m;
	/* Bodies are in index order and offset order. */
	uint32_t lo = 0, hi = m->num_funcs;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (m->funcs[mid].entry_offset <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || offset >= m->funcs[lo - 1].body_offset + m->funcs[lo - 1].body_size)
		return UINT32_MAX;
	return m->num_func_imports + lo - 1;
}

gw_status gw_go_addr_lookup(gw_go_addr *a, uint64_t offset, gw_code_loc *loc, gw_error *err)
{
	memset(loc, 0, sizeof *loc);
	const gw_module *m = a->m;
	loc->func = gw_go_addr_func_at(a, offset);
	if (loc->func == UINT32_MAX) {
		loc->kind = GW_CODE_OUTSIDE;
		return GW_OK;
	}
	uint32_t d = loc->func - m->num_func_imports;
	loc->defined = d;
	loc->kind = gw_go_addr_is_go(a, d) ? GW_CODE_GO : GW_CODE_OTHER;
	if (loc->kind == GW_CODE_GO) {
		/* A call: its PC needs no decoding (the frames of a stack trace
		 * but the innermost are all calls). */
		const gw_call *calls;
		uint32_t ncalls, clo = 0, chi;
		gw_status s = calls_of(a, d, &calls, &ncalls, err);
		if (s)
			return s;
		for (chi = ncalls; clo < chi;) {
			uint32_t mid = clo + (chi - clo) / 2;
			if (calls[mid].offset < offset)
				clo = mid + 1;
			else
				chi = mid;
		}
		if (clo < ncalls && calls[clo].offset == offset && calls[clo].has_retpc) {
			uint32_t r = (uint32_t)(calls[clo].retpc & 0xffff);
			loc->pc = ((0x1000ull + d) << 16) | (r ? r - 1 : 0);
			loc->at_call = true;
			return gw_go_addr_frames(a, loc, err);
		}
		const gw_pc_point *v;
		uint32_t n;
		if ((s = gw_go_addr_points(a, d, &v, &n, err)) != GW_OK)
			return s;
		uint32_t pcb = 0, lo = 0, hi = n;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (v[mid].offset <= offset)
				lo = mid + 1;
			else
				hi = mid;
		}
		/* Several points at one offset: the last one (sorted by kind). */
		if (lo) {
			pcb = v[lo - 1].pcb;
			loc->at_call = v[lo - 1].kind == GW_PC_CALL && v[lo - 1].offset == offset;
		}
		loc->pc = ((0x1000ull + d) << 16) | pcb;
	}
	return gw_go_addr_frames(a, loc, err);
}
