/* SPDX-License-Identifier: MIT */
#include "batchplan.h"

#include <stdio.h>
#include <string.h>

#include "../wasm/code.h"
#include "rewrite_input.h"

static const char *const defer_names[GW_DEFER_COUNT] = {
	"syscall/js.finalizeRef",
	"syscall/js.valueSet",
	"syscall/js.valueSetIndex",
	"syscall/js.valueDelete",
};

const char *gw_defer_import_name(unsigned bit)
{
	return bit < GW_DEFER_COUNT ? defer_names[bit] : NULL;
}

bool gw_defer_parse(const char *list, unsigned *set, const char **bad, size_t *bad_len)
{
	unsigned s = 0;
	const char *p = list;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		bool found = false;
		if (n == 3 && !memcmp(p, "all", 3)) {
			s |= GW_DEFER_ALL;
			found = true;
		} else if (n == 4 && !memcmp(p, "none", 4)) {
			found = true;
		}
		for (unsigned i = 0; i < GW_DEFER_COUNT && !found; i++) {
			const char *shortname = defer_names[i] + strlen("syscall/js.");
			if ((n == strlen(shortname) && !memcmp(p, shortname, n)) ||
			    (n == strlen(defer_names[i]) && !memcmp(p, defer_names[i], n))) {
				s |= 1u << i;
				found = true;
			}
		}
		if (!found) {
			*bad = p;
			*bad_len = n;
			return false;
		}
		if (!e)
			break;
		p = e + 1;
	}
	*set = s;
	return true;
}

static gw_status refuse(gw_error *err, const char *why);

/* The stack pointer as the code itself uses it: every function that
 * calls a host import of the ABI module (Go's import wrappers) opens with
 * global.get 0; local.set L, and hands the import local.get L. The pass
 * relies on that: it reads sp again from global 0 after a flush. */
static gw_status check_sp_use(const gw_module *m, const char *abi_module, gw_error *err)
{
	gw_status s = GW_OK;
	for (uint32_t i = 0; i < m->num_funcs && !s; i++) {
		gw_code_reader r;
		gw_insn in, prev = {0};
		uint32_t f = m->num_func_imports + i;
		uint64_t sp_local = UINT64_MAX;
		unsigned n = 0;
		s = gw_code_begin(&r, m, f, err);
		while (!s && !r.done) {
			if ((s = gw_code_next(&r, &in, err)))
				break;
			n++;
			if (n == 2 && prev.op == GW_OP_GLOBAL_GET && prev.a == 0 && in.op == GW_OP_LOCAL_SET)
				sp_local = in.a;
			if (in.op == GW_OP_CALL && in.a < m->num_func_imports &&
			    gw_str_eq(gw_module_func_import(m, (uint32_t)in.a)->module, abi_module) &&
			    (sp_local == UINT64_MAX || prev.op != GW_OP_LOCAL_GET || prev.a != sp_local)) {
				const gw_import *im = gw_module_func_import(m, (uint32_t)in.a);
				s = gw_fail(err, GW_ERR_UNSUPPORTED, in.offset, "global 0 is not Go's stack pointer: function %u "
				            "does not hand %.*s the value of global 0 read in its prologue", f,
				            (int)im->field.len, (const char *)im->field.p);
			}
			prev = in;
		}
		gw_code_end(&r);
	}
	return s;
}

/* Where a segment of Go's data ends, the next section may begin: the
 * linker starts new segments at every section (and where zeros are
 * split out), so no segment runs across a section boundary. */
static const gw_data *segment_across(const gw_module *m, uint64_t addr)
{
	for (uint32_t i = 0; i < m->num_datas; i++) {
		const gw_data *d = &m->datas[i];
		if (d->active && d->offset_value < addr && addr < d->offset_value + d->size)
			return d;
	}
	return NULL;
}

/* The symbol table's facts the plan uses (end of text, start of writable
 * data) against their other sources: the code (16 bytes of text per
 * function in Go's js/wasm layout, seen in Go 1.16 to 1.26), the symbol
 * table's own place (read-only, between them), moduledata's other data
 * bounds, and the data segments. */
static gw_status check_layout(const gw_module *m, const gw_pclntab *t, uint64_t memsize, gw_error *err)
{
	char why[400];
	if (t->etext > 16ull * m->num_funcs) {
		snprintf(why, sizeof why, "the symbol table's end of text (0x%llx) is past the text of the module's %u "
		         "functions (0x%llx, 16 bytes each)", (unsigned long long)t->etext, m->num_funcs,
		         16ull * m->num_funcs);
		return refuse(err, why);
	}
	if (t->header_addr < t->etext || t->header_addr >= t->noptrdata) {
		snprintf(why, sizeof why, "the symbol table (at 0x%llx) is not in the read-only data [0x%llx, 0x%llx) "
		         "that moduledata gives", (unsigned long long)t->header_addr, (unsigned long long)t->etext,
		         (unsigned long long)t->noptrdata);
		return refuse(err, why);
	}
	if (!(t->noptrdata <= t->enoptrdata && t->enoptrdata <= t->data && t->data <= t->edata && t->edata <= memsize)) {
		snprintf(why, sizeof why, "moduledata's data bounds are out of order (noptrdata 0x%llx, enoptrdata 0x%llx, "
		         "data 0x%llx, edata 0x%llx, memory %llu bytes)", (unsigned long long)t->noptrdata,
		         (unsigned long long)t->enoptrdata, (unsigned long long)t->data, (unsigned long long)t->edata,
		         (unsigned long long)memsize);
		return refuse(err, why);
	}
	const uint64_t bounds[] = { t->etext, t->noptrdata, t->enoptrdata, t->data };
	static const char *const names[] = { "end of text", "noptrdata", "enoptrdata", "data" };
	for (unsigned k = 0; k < 4; k++) {
		const gw_data *d = segment_across(m, bounds[k]);
		if (d) {
			snprintf(why, sizeof why, "moduledata's %s (0x%llx) falls inside a data segment [0x%llx, 0x%llx), "
			         "where Go's linker never puts a section boundary", names[k], (unsigned long long)bounds[k],
			         (unsigned long long)d->offset_value, (unsigned long long)d->offset_value + d->size);
			return gw_fail(err, GW_ERR_UNSUPPORTED, d->file_offset, "%s", why);
		}
	}
	for (uint32_t i = 0; i < m->num_datas; i++) {
		const gw_data *d = &m->datas[i];
		if (d->active && d->offset_value + d->size > t->edata) {
			snprintf(why, sizeof why, "a data segment [0x%llx, 0x%llx) runs past moduledata's end of data (0x%llx)",
			         (unsigned long long)d->offset_value, (unsigned long long)d->offset_value + d->size,
			         (unsigned long long)t->edata);
			return gw_fail(err, GW_ERR_UNSUPPORTED, d->file_offset, "%s", why);
		}
	}
	return GW_OK;
}

static gw_status refuse(gw_error *err, const char *why)
{
	return gw_fail(err, GW_ERR_UNSUPPORTED, GW_NO_OFFSET, "%s", why);
}

/* The module is a Go js/wasm module not batched yet, of a Go version and
 * host ABI module the pass knows; sets plan->go_minor and abi_module. */
static gw_status check_eligible(const gw_module *m, const gw_go_info *go, gw_batch_plan *plan, gw_error *err)
{
	char why[400];
	if (go->producer == GW_PRODUCER_TINYGO)
		return refuse(err, "a TinyGo module: its host ABI is not Go's js/wasm ABI");
	if (go->producer == GW_PRODUCER_GC_WASIP1)
		return refuse(err, "a GOOS=wasip1 module: it has no syscall/js bridge to batch");
	if (go->producer != GW_PRODUCER_GC_JS)
		return refuse(err, "not a Go js/wasm module");

	/* A module rewritten once already carries the flush import. */
	if (gw_module_batched(m))
		return refuse(err, "already batched (it has a " GW_BATCH_SECTION " section)");
	for (uint32_t i = 0; i < m->num_imports; i++)
		if (gw_str_eq(m->imports[i].module, GW_BATCH_IMPORT_MODULE))
			return refuse(err, "already batched (it imports from module \"" GW_BATCH_IMPORT_MODULE "\")");

	if (!go->version.known || go->version.major != 1) {
		return refuse(err, "unknown Go version: the ABI cannot be confirmed");
	}
	plan->go_minor = go->version.minor;
	if (go->version.minor < 14) {
		snprintf(why, sizeof why, "%s is older than Go 1.14 (no finalizeRef, other ref encoding)",
		         go->version.text);
		return refuse(err, why);
	}
	if (gw_str_eq(go->abi_module, "go") || gw_str_eq(go->abi_module, "gojs")) {
		memcpy(plan->abi_module, go->abi_module.p, go->abi_module.len);
		plan->abi_module[go->abi_module.len] = 0;
	} else {
		return refuse(err, "unknown host ABI: no import from module \"go\" or \"gojs\"");
	}
	const char *want = gw_abi_module_for(go->version.minor);
	if (strcmp(want, plan->abi_module) != 0) {
		snprintf(why, sizeof why, "%s should import from \"%s\", not \"%s\"", go->version.text, want,
		         plan->abi_module);
		return refuse(err, why);
	}
	return GW_OK;
}

/* The stack pointer global, the ABI imports' type, the imports to defer
 * (and their call sites) against the others, and the exports to wrap. */
static gw_status plan_imports(const gw_module *m, const gw_go_info *go, gw_batch_plan *plan, gw_error *err)
{
	char why[400];
	/* The stack pointer: global 0, a defined mutable i32 (Go 1.13+). */
	if (m->num_global_imports != 0 || m->num_globals < 1 || !m->globals[0].mutable_ ||
	    m->globals[0].valtype != GW_I32)
		return refuse(err, "global 0 is not Go's stack pointer (a defined mutable i32)");
	plan->sp_global = 0;

	/* Every host import of the ABI module takes sp and returns nothing;
	 * find the deferrable ones. */
	for (uint32_t f = 0; f < m->num_func_imports; f++) {
		const gw_import *im = gw_module_func_import(m, f);
		bool abi = gw_str_eq(im->module, plan->abi_module);
		const gw_functype *t = gw_module_func_type(m, f);
		if (abi && (!t || t->nparams != 1 || t->params[0] != GW_I32 || t->nresults != 0)) {
			snprintf(why, sizeof why, "import %.*s.%.*s is not of type (i32) -> ()", (int)im->module.len,
			         (const char *)im->module.p, (int)im->field.len, (const char *)im->field.p);
			return refuse(err, why);
		}
		bool deferred = false;
		for (unsigned b = 0; abi && b < GW_DEFER_COUNT; b++) {
			if (gw_str_eq(im->field, defer_names[b]) && (plan->requested & (1u << b))) {
				plan->deferred |= 1u << b;
				plan->sites[b] += go->call_sites ? go->call_sites[f] : 0;
				deferred = true;
			}
		}
		if (!deferred) {
			plan->other_imports++;
			plan->other_sites += go->call_sites ? go->call_sites[f] : 0;
		}
	}
	if (!plan->deferred)
		return refuse(err, "the module imports none of the imports to defer: nothing to batch");

	for (uint32_t i = 0; i < m->num_exports; i++)
		if (m->exports[i].kind == GW_EXT_FUNC && !gw_str_eq(m->exports[i].name, "getsp"))
			plan->exports_wrapped++;
	return GW_OK;
}

/* The gap: from the end of the glue's argv area to the first of the end
 * of text and the lowest data segment (§7), checked against the layout;
 * sets the buffer and the read-only range. */
static gw_status place_buffer(const gw_module *m, const gw_go_info *go, gw_batch_plan *plan, gw_error *err)
{
	char why[400];
	const gw_pclntab *t = go->pcln;
	if (!t) {
		snprintf(why, sizeof why, "no readable Go symbol table (%s): the end of text, which bounds the buffer, "
		         "is unknown", go->pcln_error.status ? go->pcln_error.msg : "none found");
		return refuse(err, why);
	}
	const gw_limits *mem = gw_module_memory0(m);
	uint64_t memsize = gw_module_memory_size(m);
	if (!mem || memsize == 0)
		return refuse(err, "the module has no linear memory");
	plan->etext = t->etext;
	uint64_t first = memsize;
	if (m->num_data_by_addr)
		first = m->datas[m->data_by_addr[0]].offset_value;
	plan->first_data = (uint32_t)(first < UINT32_MAX ? first : UINT32_MAX);
	if (t->etext > memsize || t->noptrdata < t->etext || t->noptrdata > memsize) {
		snprintf(why, sizeof why, "the symbol table's bounds are inconsistent (etext 0x%llx, noptrdata 0x%llx, "
		         "memory %llu bytes)", (unsigned long long)t->etext, (unsigned long long)t->noptrdata,
		         (unsigned long long)memsize);
		return refuse(err, why);
	}
	uint64_t end = t->etext < first ? t->etext : first;
	end &= ~(uint64_t)7;
	uint64_t start = GW_BATCH_GAP_START;
	if (end < start + GW_BATCH_MIN_BUFFER) {
		snprintf(why, sizeof why, "no room for the batch buffer: %lld bytes free between 0x%x and 0x%llx "
		         "(end of text 0x%llx, first data 0x%llx), at least %u needed",
		         (long long)end - (long long)start, GW_BATCH_GAP_START, (unsigned long long)end,
		         (unsigned long long)t->etext, (unsigned long long)first, GW_BATCH_MIN_BUFFER);
		return refuse(err, why);
	}
	if (check_layout(m, t, memsize, err) || check_sp_use(m, plan->abi_module, err))
		return err->status;
	plan->buffer_start = (uint32_t)start;
	plan->buffer_end = (uint32_t)end;
	plan->ro_start = (uint32_t)t->etext;
	plan->ro_end = (uint32_t)t->noptrdata;
	return GW_OK;
}

/* What Binaryen would refuse (exiting the process) or mis-read: names and
 * strings, and code nested deeper than its limits (unless requested). */
static gw_status check_binaryen(const gw_module *m, unsigned requested, gw_batch_plan *plan, gw_error *err)
{
	static const char *const added_exports[] = { GW_BATCH_EXPORT_RO_START, GW_BATCH_EXPORT_RO_END, NULL };
	if (gw_rewrite_check_strings(m, added_exports, err) || gw_rewrite_check_names(m, err) ||
	    gw_module_code_depth(m, &plan->depth, err))
		return err->status;
	const gw_code_depth *d = &plan->depth;
	if (!(requested & GW_BATCH_NO_DEPTH_LIMIT) && d->expression > GW_BATCH_MAX_DEPTH)
		return gw_fail(err, GW_ERR_UNSUPPORTED, d->expression_offset, "code nested too deep for Binaryen: "
		               "function %u reaches expression depth %u (limit %u)", d->expression_func, d->expression,
		               GW_BATCH_MAX_DEPTH);
	if (!(requested & GW_BATCH_NO_DEPTH_LIMIT) && d->loops_ifs > GW_BATCH_MAX_LOOPS_IFS)
		return gw_fail(err, GW_ERR_UNSUPPORTED, d->loops_ifs_offset, "code nested too deep for Binaryen: "
		               "function %u nests %u loops and ifs (limit %u)", d->loops_ifs_func, d->loops_ifs,
		               GW_BATCH_MAX_LOOPS_IFS);
	return GW_OK;
}

gw_status gw_batch_plan_make(const gw_loaded *l, unsigned requested, gw_batch_plan *plan, gw_error *err)
{
	const gw_module *m = l->m;
	memset(plan, 0, sizeof *plan);
	plan->requested = requested & GW_DEFER_ALL;
	gw_status s = check_eligible(m, l->go, plan, err);
	if (!s)
		s = plan_imports(m, l->go, plan, err);
	if (!s)
		s = place_buffer(m, l->go, plan, err);
	if (!s)
		s = check_binaryen(m, requested, plan, err);
	if (!s)
		s = gw_module_features(m, &plan->features, err);
	return s;
}
