/* SPDX-License-Identifier: MIT */
#include "integrity.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../go/abi.h"
#include "../go/pclntab.h"
#include "../problem.h"
#include "../util/array.h"
#include "../wasm/leb128.h"

/* At most this many problems of one check are listed one by one; the rest
 * are counted in a last problem of the same check. */
#define LIST_MAX 5

/* How many problems of one check were listed, and how many more seen. */
typedef struct listed_count {
	gw_rule_code rule;
	uint32_t listed, more;
} listed_count;

typedef struct checker {
	gw_integrity *g;
	gw_error *err;
	listed_count counts[GW_RULE_COUNT]; /* one per rule at most */
	uint32_t num_counts;
} checker;

static gw_status vadd(checker *c, gw_rule_code rule, gw_severity sev, uint32_t func, const char *fmt, va_list ap)
{
	gw_integrity *g = c->g;
	gw_problem *p = GW_PROBLEM_VAPPEND(gw_problem, message, g->problems, g->num_problems, g->cap, fmt, ap);
	if (!p)
		return gw_fail(c->err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	p->rule = rule;
	p->severity = sev;
	p->func = func;
	return GW_OK;
}

static gw_status add(checker *c, gw_rule_code rule, gw_severity sev, uint32_t func, const char *fmt, ...)
	GW_PRINTF(5, 6);

static gw_status add(checker *c, gw_rule_code rule, gw_severity sev, uint32_t func, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gw_status s = vadd(c, rule, sev, func, fmt, ap);
	va_end(ap);
	return s;
}

/* Lists the first LIST_MAX problems of each check, counts the rest. */
static gw_status add_listed(checker *c, gw_rule_code rule, gw_severity sev, uint32_t func, const char *fmt, ...)
	GW_PRINTF(5, 6);

static gw_status add_listed(checker *c, gw_rule_code rule, gw_severity sev, uint32_t func, const char *fmt, ...)
{
	listed_count *n = NULL;
	for (uint32_t i = 0; i < c->num_counts && !n; i++)
		if (c->counts[i].rule == rule)
			n = &c->counts[i];
	if (!n && c->num_counts < sizeof c->counts / sizeof c->counts[0]) {
		n = &c->counts[c->num_counts++];
		n->rule = rule;
		n->listed = n->more = 0;
	}
	if (!n || n->listed >= LIST_MAX) {
		if (n)
			n->more++;
		return GW_OK;
	}
	n->listed++;
	va_list ap;
	va_start(ap, fmt);
	gw_status s = vadd(c, rule, sev, func, fmt, ap);
	va_end(ap);
	return s;
}

/* Adds the "... and N more" problem of every check that had more. */
static gw_status flush_listed(checker *c, gw_severity sev)
{
	for (uint32_t i = 0; i < c->num_counts; i++) {
		listed_count *n = &c->counts[i];
		if (n->more)
			GW_TRY(add(c, n->rule, sev, UINT32_MAX, "... and %u more", n->more));
		n->more = 0;
		n->listed = LIST_MAX; /* keep counting, never list again */
	}
	return GW_OK;
}

static bool has_elision(gw_str s)
{
	for (uint32_t i = 0; i + 5 <= s.len; i++)
		if (memcmp(s.p + i, "[...]", 5) == 0)
			return true;
	return false;
}

static int clip(gw_str s)
{
	return s.len > 120 ? 120 : (int)s.len;
}

/* Whether the module was rewritten after Go linked it, by an optimizer such
 * as Binaryen's wasm-opt: Go's linker writes one active element segment at
 * table slot 0x1000 listing every defined function in order (slot 0x1000 + i
 * holds function num_func_imports + i: the runtime calls PC >> 16 through
 * it). wasm-opt keeps what each slot means but renumbers, merges and adds
 * functions, so the slots point elsewhere. gowasm-batch only appends. */
static bool rewritten_after_linking(const gw_module *m, uint32_t nfunc)
{
	const gw_section *sec = gw_module_section(m, GW_SEC_ELEM);
	if (!sec || m->num_elems != 1)
		return false;
	const gw_elem *e = &m->elems[0];
	if (!e->active || e->exprs || !e->offset_known || e->offset_value != 0x1000)
		return false;
	gw_cursor cur = gw_cursor_make(m->bytes, e->items_offset, sec->offset + sec->size);
	gw_error err;
	for (uint32_t i = 0; i < e->count && i < nfunc; i++) {
		uint32_t f;
		if (gw_read_u32(&cur, &f, "element", &err) != GW_OK)
			return false;
		if (f != m->num_func_imports + i)
			return true;
	}
	return false;
}

static gw_status check_pclntab(checker *c, const gw_module *m, const gw_go_info *go, const gw_go_symbols *syms)
{
	gw_integrity *g = c->g;
	const gw_pclntab *t = go->pcln;
	if (!t) {
		if (go->pcln_error.status != GW_OK)
			return add(c, GW_RULE_PCLNTAB_CORRUPT, GW_SEV_ERROR, UINT32_MAX, "%s", go->pcln_error.msg);
		return add(c, GW_RULE_PCLNTAB_MISSING, GW_SEV_ERROR, UINT32_MAX,
		           "no runtime.pclntab in the data segments: functions cannot be named in a stripped build");
	}
	/* gowasm-batch appends its own functions after Go's (the table and
	 * every Go PC stay as they were); they are not in Go's table. */
	bool batched = gw_module_batched(m);
	if (rewritten_after_linking(m, t->nfunc))
		return add(c, GW_RULE_PCLNTAB_FUNCTIONS, GW_SEV_ERROR, UINT32_MAX,
		           "the module was rewritten after Go linked it (by wasm-opt or another optimizer: pclntab has %u functions, "
		           "the module %u, and the table no longer maps Go function i to function i); the leak rules "
		           "cannot run: check the module before optimizing, then this one with --original "
		           "(gowasm-check(1), OPTIMIZED MODULES)", t->nfunc, m->num_funcs);
	if (t->nfunc != m->num_funcs && !(batched && t->nfunc < m->num_funcs))
		GW_TRY(add(c, GW_RULE_PCLNTAB_FUNCTIONS, GW_SEV_ERROR, UINT32_MAX,
		        "pclntab has %u functions but the module defines %u", t->nfunc, m->num_funcs));
	uint32_t n = t->nfunc < m->num_funcs ? t->nfunc : m->num_funcs;
	uint64_t prev = 0;
	for (uint32_t i = 0; i < t->nfunc; i++) {
		gw_error e;
		gw_error_clear(&e);
		gw_pcln_func f;
		if (gw_pclntab_check_func(t, i, &f, &e) != GW_OK) {
			if (e.status == GW_ERR_NOMEM)
				return gw_fail(c->err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
			GW_TRY(add_listed(c, GW_RULE_PCLNTAB_CORRUPT, GW_SEV_ERROR, i < n ? i : UINT32_MAX, "%s", e.msg));
			continue;
		}
		g->functions_checked++;
		if (i < n && f.entry != (0x1000ull + i) << 16)
			GW_TRY(add_listed(c, GW_RULE_PCLNTAB_FUNCTIONS, GW_SEV_ERROR, i,
			               "pclntab function %u has entry pc 0x%llx, not 0x%llx", i, (unsigned long long)f.entry,
			               (unsigned long long)((0x1000ull + i) << 16)));
		if (i && f.entry <= prev)
			GW_TRY(add_listed(c, GW_RULE_PCLNTAB_FUNCTIONS, GW_SEV_ERROR, i < n ? i : UINT32_MAX,
			               "pclntab function %u is not sorted after the one before it", i));
		prev = f.entry;
		gw_str name = gw_pclntab_name(t, f.nameoff);
		if (!name.len)
			GW_TRY(add_listed(c, GW_RULE_PCLNTAB_CORRUPT, GW_SEV_ERROR, i < n ? i : UINT32_MAX,
			               "pclntab function %u has no name (name offset 0x%x)", i, f.nameoff));
		/* Functions without a compilation unit (the go.buildid stub) have
		 * no positions by design. */
		if (f.cu_offset != UINT32_MAX) {
			gw_str file;
			int32_t line;
			if (gw_pclntab_file_line(t, &f, f.entry, &file, &line, &e) != GW_OK || line < 0 || !file.len)
				g->entries_unresolved++;
		}
	}
	GW_TRY(flush_listed(c, GW_SEV_ERROR));
	if (g->entries_unresolved)
		GW_TRY(add(c, GW_RULE_PCLNTAB_CORRUPT, GW_SEV_WARNING, UINT32_MAX,
		        "%u functions have no file:line at their entry", g->entries_unresolved));

	/* Name section against pclntab. */
	if (m->has_names && !m->names_malformed && syms->source == GW_NAMES_PCLNTAB) {
		for (uint32_t i = 0; i < n; i++) {
			gw_str sec = gw_module_func_name(m, m->num_func_imports + i);
			if (!sec.len)
				continue;
			g->names_compared++;
			gw_str go_name = syms->funcs[i].name;
			if (gw_go_name_matches(go_name, sec)) {
				g->names_matched++;
				if (has_elision(go_name))
					g->names_elided++;
			} else {
				GW_TRY(add_listed(c, GW_RULE_NAME_MISMATCH, GW_SEV_ERROR, i,
				               "function %u is \"%.*s\" in the name section but \"%.*s\" in pclntab", i,
				               clip(sec), (const char *)sec.p, clip(go_name), (const char *)go_name.p));
			}
		}
		GW_TRY(flush_listed(c, GW_SEV_ERROR));
	}
	return GW_OK;
}

static gw_status check_imports(checker *c, const gw_module *m, const gw_go_info *go)
{
	if (go->producer != GW_PRODUCER_GC_JS)
		return GW_OK;
	int minor = go->version.known ? go->version.minor : -1;
	for (uint32_t i = 0; i < m->num_imports; i++) {
		const gw_import *im = &m->imports[i];
		bool js_module = gw_str_eq(im->module, "go") || gw_str_eq(im->module, "gojs");
		if (!js_module)
			continue; /* go:wasmimport and others are the user's */
		if (minor >= 0 && !gw_str_eq(im->module, gw_abi_module_for(minor)))
			GW_TRY(add_listed(c, GW_RULE_IMPORT_ABI, GW_SEV_ERROR, UINT32_MAX,
			               "import %.*s.%.*s: Go 1.%d imports from module \"%s\"", clip(im->module),
			               (const char *)im->module.p, clip(im->field), (const char *)im->field.p, minor,
			               gw_abi_module_for(minor)));
		const gw_abi_import *abi = gw_abi_lookup(im->field);
		if (!abi)
			GW_TRY(add_listed(c, GW_RULE_IMPORT_ABI, GW_SEV_ERROR, UINT32_MAX,
			               "import %.*s.%.*s is not part of any Go version's js/wasm ABI", clip(im->module),
			               (const char *)im->module.p, clip(im->field), (const char *)im->field.p));
		else if (minor >= 0 && (minor < abi->since || (abi->until && minor > abi->until))) {
			char range[32];
			if (abi->until)
				snprintf(range, sizeof range, "Go 1.%d to 1.%d", abi->since, abi->until);
			else
				snprintf(range, sizeof range, "Go 1.%d and later", abi->since);
			GW_TRY(add_listed(c, GW_RULE_IMPORT_ABI, GW_SEV_ERROR, UINT32_MAX,
			               "import %.*s is not in the Go 1.%d ABI (it belongs to %s)", clip(im->field),
			               (const char *)im->field.p, minor, range));
		}
	}
	return flush_listed(c, GW_SEV_ERROR);
}

static bool has_export(const gw_module *m, const char *name, uint8_t kind)
{
	return gw_module_export(m, name, kind) != NULL;
}

static gw_status check_exports(checker *c, const gw_module *m, const gw_go_info *go)
{
	static const struct { const char *name; uint8_t kind; } js[] = {
		{ "run", GW_EXT_FUNC }, { "resume", GW_EXT_FUNC }, { "getsp", GW_EXT_FUNC }, { "mem", GW_EXT_MEMORY },
	};
	if (go->producer == GW_PRODUCER_GC_JS) {
		int minor = go->version.known ? go->version.minor : 12;
		for (size_t i = 0; i < sizeof js / sizeof js[0]; i++) {
			if (minor < 12 && (i == 1 || i == 2))
				continue; /* Go 1.11 exported only run and mem */
			if (!has_export(m, js[i].name, js[i].kind))
				GW_TRY(add(c, GW_RULE_MISSING_EXPORT, GW_SEV_ERROR, UINT32_MAX,
				        "the %s \"%s\" export that wasm_exec.js calls is missing",
				        js[i].kind == GW_EXT_FUNC ? "function" : "memory", js[i].name));
		}
	} else if (go->producer == GW_PRODUCER_GC_WASIP1) {
		if (!has_export(m, "_start", GW_EXT_FUNC) && !has_export(m, "_initialize", GW_EXT_FUNC))
			GW_TRY(add(c, GW_RULE_MISSING_EXPORT, GW_SEV_ERROR, UINT32_MAX, "neither _start nor _initialize is exported"));
		if (!has_export(m, "memory", GW_EXT_MEMORY))
			GW_TRY(add(c, GW_RULE_MISSING_EXPORT, GW_SEV_ERROR, UINT32_MAX, "the \"memory\" export is missing"));
	}
	return GW_OK;
}

gw_status gw_integrity_check(const gw_module *m, const gw_go_info *go, const gw_go_symbols *syms,
                             gw_integrity *out, gw_error *err)
{
	memset(out, 0, sizeof *out);
	checker c = { .g = out, .err = err };
	if (m->names_malformed)
		GW_TRY(add(&c, GW_RULE_NAME_SECTION, GW_SEV_ERROR, UINT32_MAX, "malformed name section at offset 0x%zx: %s",
		        m->names_error.offset, m->names_error.msg));
	if (go->producer != GW_PRODUCER_GC_JS && go->producer != GW_PRODUCER_GC_WASIP1)
		return GW_OK;
	GW_TRY(check_pclntab(&c, m, go, syms));
	GW_TRY(check_imports(&c, m, go));
	GW_TRY(check_exports(&c, m, go));
	if (!go->build_id.len)
		GW_TRY(add(&c, GW_RULE_BUILD_ID, GW_SEV_NOTE, UINT32_MAX,
		        "no Go build id section (built with an empty -buildid, or the section was removed)"));
	return GW_OK;
}

void gw_integrity_free(gw_integrity *g)
{
	free(g->problems);
	memset(g, 0, sizeof *g);
}

uint32_t gw_integrity_count(const gw_integrity *g, gw_severity min)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < g->num_problems; i++)
		n += g->problems[i].severity >= min;
	return n;
}
