/* SPDX-License-Identifier: MIT */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../go/abi.h"
#include "../go/loops.h"
#include "../problem.h"
#include "../util/array.h"
#include "../wasm/code.h"

void gw_findings_free(gw_findings *f)
{
	free(f->v);
	memset(f, 0, sizeof *f);
}

typedef struct checker {
	const gw_module *m;
	const gw_go_info *go;
	const gw_go_symbols *syms;
	const gw_check_options *opt;
	gw_findings *out;
	gw_error *err;
	uint32_t ni, nf;
	/* The direct call graph over defined functions, both ways (CSR). */
	uint32_t *fwd_first, *fwd, *rev_first, *rev;
	bool *reachable;             /* [defined] from the entry points */
	bool *address_taken;         /* [defined] entry PC held in code or data */
	/* Closure constants per function: entry PCs of functions it refers to
	 * (directly, or through a static funcval word). Per function, not per
	 * call: the compiler lays rotated loops out so that a closure can be
	 * built after the call that uses it in code order. */
	uint32_t *closure_first;     /* [defined function] into closures, nf + 1 */
	uint32_t *closures;
	uint32_t num_closures;
	/* The symbol table is whole (no pclntab-* integrity error): only then
	 * do rules walk it. */
	bool table_ok;
} checker;

static gw_status add(checker *c, gw_rule_code rule, gw_str file, int32_t line, gw_str function, uint64_t offset,
                     const char *fmt, ...) GW_PRINTF(7, 8);

static gw_status add(checker *c, gw_rule_code rule, gw_str file, int32_t line, gw_str function, uint64_t offset,
                     const char *fmt, ...)
{
	gw_findings *f = c->out;
	va_list ap;
	va_start(ap, fmt);
	gw_finding *x = GW_PROBLEM_VAPPEND(gw_finding, message, f->v, f->n, f->cap, fmt, ap);
	va_end(ap);
	if (!x)
		return gw_fail(c->err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	x->rule = gw_rule_of(rule);
	x->severity = x->rule->severity;
	x->file = file;
	x->line = line;
	x->function = function;
	x->offset = offset;
	return GW_OK;
}

static const gw_str none = { NULL, 0 };

static int clip(gw_str s)
{
	return s.len > 160 ? 160 : (int)s.len;
}

/* The module's own code: package main, or a module path (its first
 * element has a dot). The standard library and linker symbols are not. */
static bool user_package(gw_str pkg, gw_str main_module)
{
	if (gw_str_eq(pkg, "main"))
		return true;
	/* Packages of the main module, whatever its path looks like. */
	if (main_module.len && pkg.len >= main_module.len && !memcmp(pkg.p, main_module.p, main_module.len) &&
	    (pkg.len == main_module.len || pkg.p[main_module.len] == '/'))
		return true;
	if (!pkg.len || gw_str_eq(pkg, "go:") || gw_str_eq(pkg, "type:") || gw_str_eq(pkg, "?"))
		return false;
	const uint8_t *slash = memchr(pkg.p, '/', pkg.len);
	uint32_t first = slash ? (uint32_t)(slash - pkg.p) : pkg.len;
	return memchr(pkg.p, '.', first) != NULL;
}

static bool user_function(const checker *c, gw_str name)
{
	return user_package(gw_go_symbol_package(name), c->go->build.main.path);
}

/* ---- the call graph ---- */

static gw_status build_graph(checker *c)
{
	const gw_go_info *go = c->go;
	uint32_t nf = c->nf;
	c->fwd_first = calloc((size_t)nf + 1, sizeof *c->fwd_first);
	c->rev_first = calloc((size_t)nf + 1, sizeof *c->rev_first);
	c->fwd = malloc((go->num_calls ? go->num_calls : 1) * sizeof *c->fwd);
	c->rev = malloc((go->num_calls ? go->num_calls : 1) * sizeof *c->rev);
	uint32_t *pos = malloc(((size_t)nf + 1) * sizeof *pos);
	if (!c->fwd_first || !c->rev_first || !c->fwd || !c->rev || !pos) {
		free(pos);
		return gw_fail(c->err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory for the call graph");
	}
	for (uint32_t i = 0; i < go->num_calls; i++) {
		const gw_call *k = &go->calls[i];
		if (k->indirect || k->callee < c->ni)
			continue;
		c->fwd_first[k->caller - c->ni + 1]++;
		c->rev_first[k->callee - c->ni + 1]++;
	}
	for (uint32_t i = 0; i < nf; i++) {
		c->fwd_first[i + 1] += c->fwd_first[i];
		c->rev_first[i + 1] += c->rev_first[i];
	}
	memcpy(pos, c->fwd_first, ((size_t)nf + 1) * sizeof *pos);
	for (uint32_t i = 0; i < go->num_calls; i++) {
		const gw_call *k = &go->calls[i];
		if (!k->indirect && k->callee >= c->ni)
			c->fwd[pos[k->caller - c->ni]++] = k->callee - c->ni;
	}
	memcpy(pos, c->rev_first, ((size_t)nf + 1) * sizeof *pos);
	for (uint32_t i = 0; i < go->num_calls; i++) {
		const gw_call *k = &go->calls[i];
		if (!k->indirect && k->callee >= c->ni)
			c->rev[pos[k->callee - c->ni]++] = k->caller - c->ni;
	}
	free(pos);
	return GW_OK;
}

/* Marks everything reachable from the marked functions, following calls
 * forward (or backward: who can reach them). */
static gw_status close_over(checker *c, bool *mark, bool backward)
{
	uint32_t *stack = malloc((c->nf ? c->nf : 1) * sizeof *stack), sp = 0;
	if (!stack)
		return gw_fail(c->err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	for (uint32_t i = 0; i < c->nf; i++)
		if (mark[i])
			stack[sp++] = i;
	const uint32_t *first = backward ? c->rev_first : c->fwd_first, *adj = backward ? c->rev : c->fwd;
	while (sp) {
		uint32_t v = stack[--sp];
		for (uint32_t e = first[v]; e < first[v + 1]; e++) {
			uint32_t w = adj[e];
			if (!mark[w]) {
				mark[w] = true;
				stack[sp++] = w;
			}
		}
	}
	free(stack);
	return GW_OK;
}

/* The defined function whose entry PC is v, or UINT32_MAX. */
static uint32_t entry_function(const checker *c, uint64_t v)
{
	if ((v & 0xffff) || (v >> 16) < 0x1000)
		return UINT32_MAX;
	uint64_t d = (v >> 16) - 0x1000;
	return d < c->nf ? (uint32_t)d : UINT32_MAX;
}

/* Appends the static funcvals function f loads: i64.const addresses of
 * data words that hold an entry PC (closures that capture nothing). Only
 * done for the few functions that call js.FuncOf. */
static gw_status scan_funcvals(checker *c, uint32_t f, uint32_t *cap)
{
	const gw_module *m = c->m;
	uint64_t memsize = gw_module_memory_size(m);
	gw_code_reader r;
	gw_status s = gw_code_begin(&r, m, c->ni + f, c->err);
	gw_insn in;
	while (!s && !r.done) {
		if ((s = gw_code_next(&r, &in, c->err)) != GW_OK)
			break;
		if (in.op != GW_OP_I64_CONST || in.a < 0x1000 || in.a >= memsize || (in.a & 7))
			continue;
		uint8_t w[8];
		if (!gw_module_read_memory(m, in.a, w, 8))
			continue;
		uint64_t v = 0;
		for (int k = 7; k >= 0; k--)
			v = v << 8 | w[k];
		uint32_t target = entry_function(c, v);
		if (target == UINT32_MAX || target == f)
			continue;
		if (GW_ARRAY_RESERVE(c->closures, *cap, c->num_closures + 1, 16)) {
			s = gw_fail(c->err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
			break;
		}
		c->closures[c->num_closures++] = target;
		c->address_taken[target] = true;
	}
	gw_code_end(&r);
	return s;
}

/* The functions each function refers to (closures being built, static
 * funcvals loaded): they are address-taken and, in a function calling
 * js.FuncOf, its callbacks. Entry-PC constants come from the walk that
 * recorded the calls; static funcvals from the data. */
static gw_status scan_closures(checker *c)
{
	const gw_go_info *go = c->go;
	uint32_t cap = 256 + go->num_func_refs;
	c->closure_first = calloc((size_t)c->nf + 1, sizeof *c->closure_first);
	c->closures = malloc(cap * sizeof *c->closures);
	c->address_taken = calloc(c->nf ? c->nf : 1, sizeof *c->address_taken);
	bool *calls_funcof = calloc(c->nf ? c->nf : 1, sizeof *calls_funcof);
	if (!c->closure_first || !c->closures || !c->address_taken || !calls_funcof) {
		free(calls_funcof);
		return gw_fail(c->err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	}
	gw_str funcof = { (const uint8_t *)"syscall/js.FuncOf", 17 };
	uint32_t fo = gw_go_symbols_lookup(c->syms, funcof, 0);
	for (uint32_t i = 0; fo != UINT32_MAX && i < go->num_calls; i++)
		if (!go->calls[i].indirect && go->calls[i].callee == c->ni + fo)
			calls_funcof[go->calls[i].caller - c->ni] = true;
	gw_status s = GW_OK;
	uint32_t r = 0;
	for (uint32_t f = 0; f < c->nf && !s; f++) {
		c->closure_first[f] = c->num_closures;
		for (; r < go->num_func_refs && go->func_refs[r].from == f; r++) {
			c->closures[c->num_closures++] = go->func_refs[r].to;
			c->address_taken[go->func_refs[r].to] = true;
		}
		if (calls_funcof[f])
			s = scan_funcvals(c, f, &cap);
	}
	free(calls_funcof);
	if (s)
		return s;
	c->closure_first[c->nf] = c->num_closures;
	/* Static funcvals and method tables in data hold entry PCs too. */
	const gw_module *m = c->m;
	for (uint32_t i = 0; i < m->num_datas; i++) {
		const gw_data *d = &m->datas[i];
		for (uint64_t a = (d->offset_value + 7) & ~(uint64_t)7; a + 8 <= d->offset_value + d->size; a += 8) {
			const uint8_t *p = d->bytes + (a - d->offset_value);
			if (p[0] || p[1] || p[4] || p[5] || p[6] || p[7])
				continue;
			uint32_t t = entry_function(c, (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24);
			if (t != UINT32_MAX)
				c->address_taken[t] = true;
		}
	}
	return GW_OK;
}

static gw_status compute_reachable(checker *c)
{
	c->reachable = calloc(c->nf ? c->nf : 1, sizeof *c->reachable);
	if (!c->reachable)
		return gw_fail(c->err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	for (uint32_t i = 0; i < c->m->num_exports; i++) {
		const gw_export *e = &c->m->exports[i];
		if (e->kind == GW_EXT_FUNC && e->index >= c->ni)
			c->reachable[e->index - c->ni] = true;
	}
	if (c->m->has_start && c->m->start >= c->ni)
		c->reachable[c->m->start - c->ni] = true;
	/* Indirect calls may reach any function whose address is taken. */
	for (uint32_t i = 0; i < c->nf; i++)
		if (c->address_taken[i])
			c->reachable[i] = true;
	return close_over(c, c->reachable, false);
}

/* ---- js.Func leaks ---- */

static gw_status sites_of(checker *c, const char *name, gw_call_site_list *sv)
{
	gw_str n = { (const uint8_t *)name, (uint32_t)strlen(name) };
	return gw_go_collect_calls(c->m, c->go, c->syms, n, sv, c->err);
}

static gw_str func_name(const checker *c, uint32_t defined)
{
	return defined < c->syms->num_funcs ? c->syms->funcs[defined].name : none;
}

/* Can function f be a js.FuncOf callback? Its argument frame must be
 * that of func(this js.Value, args []js.Value) any: 56 bytes from Go 1.14
 * (a js.Value is 16 bytes), 48 before. This keeps goroutines and other
 * function values a FuncOf caller refers to out of the callbacks. */
static bool is_callback(const checker *c, uint32_t f)
{
	gw_pcln_func pf;
	gw_error e;
	gw_error_clear(&e);
	if (!c->go->pcln || gw_pclntab_func(c->go->pcln, f, &pf, &e) != GW_OK)
		return true; /* no table to tell: keep it */
	return pf.args == 56 || pf.args == 48;
}

static gw_status check_func_leaks(checker *c)
{
	gw_call_site_list funcof, release;
	GW_TRY(sites_of(c, "syscall/js.FuncOf", &funcof));
	gw_status s = sites_of(c, "syscall/js.Func.Release", &release);
	bool *releases = NULL, *event = NULL;
	if (s)
		goto out;
	releases = calloc(c->nf ? c->nf : 1, sizeof *releases);
	event = calloc(c->nf ? c->nf : 1, sizeof *event);
	if (!releases || !event) {
		s = gw_fail(c->err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
		goto out;
	}
	/* Functions from which a Release is reachable. */
	for (uint32_t i = 0; i < release.n; i++)
		releases[release.v[i].call->caller - c->ni] = true;
	if ((s = close_over(c, releases, true)) != GW_OK)
		goto out;
	/* Code that runs per event: every callback handed to a js.FuncOf and
	 * what it calls. */
	for (uint32_t i = 0; i < funcof.n; i++) {
		uint32_t k = funcof.v[i].call->caller - c->ni;
		for (uint32_t j = c->closure_first[k]; j < c->closure_first[k + 1]; j++)
			if (is_callback(c, c->closures[j]))
				event[c->closures[j]] = true;
	}
	if ((s = close_over(c, event, false)) != GW_OK)
		goto out;
	for (uint32_t i = 0; i < funcof.n && !s; i++) {
		const gw_call_site *site = &funcof.v[i];
		uint32_t caller = site->call->caller - c->ni;
		if (!c->reachable[caller] || !site->nframes)
			continue;
		bool per_event = event[caller];
		if (!site->in_loop && !per_event)
			continue; /* runs once, e.g. registering an API from main */
		if (releases[caller])
			continue;
		uint32_t k = caller;
		bool released = false;
		gw_str callback = none;
		for (uint32_t j = c->closure_first[k]; j < c->closure_first[k + 1]; j++) {
			if (!is_callback(c, c->closures[j]))
				continue;
			released |= releases[c->closures[j]];
			if (!callback.len)
				callback = func_name(c, c->closures[j]);
		}
		if (released)
			continue;
		const gw_frame *at = &site->frames[0];
		char cb[200] = "";
		if (callback.len)
			snprintf(cb, sizeof cb, " or from its callback %.*s", clip(callback), (const char *)callback.p);
		s = add(c, GW_RULE_JS_FUNC_LEAK, at->file, at->line, at->func, site->call->offset,
		        "js.FuncOf %s creates a new js.Func each time and none is ever released: no js.Func.Release is "
		        "reachable from %.*s%s",
		        site->in_loop ? "in a loop" : "in code that runs per event (reached from a js.FuncOf callback)",
		        clip(func_name(c, caller)), (const char *)func_name(c, caller).p, cb);
	}
out:
	free(releases);
	free(event);
	gw_call_site_list_free(&funcof);
	gw_call_site_list_free(&release);
	return s;
}

/* ---- bridge calls in loops ---- */

/* The js.Value methods that cross into JavaScript, each with what to do
 * instead of calling it in a loop. */
static const struct hot_target {
	const char *name;
	const char *fix;
} hot_targets[] = {
	{ "syscall/js.Value.Get", "cache the js.Value outside the loop" },
	{ "syscall/js.Value.Set", "set the properties once, or build the object in one call" },
	{ "syscall/js.Value.Call", "cache the js.Value outside the loop" },
	{ "syscall/js.Value.Index", "cache the js.Value outside the loop" },
	{ "syscall/js.Value.SetIndex", "for bytes, js.CopyBytesToJS copies a whole slice in one call" },
	{ "syscall/js.Value.New", "cache the js.Value outside the loop" },
	{ "syscall/js.Value.Invoke", "cache the js.Value outside the loop" },
};

static gw_status check_hot_calls(checker *c)
{
	uint32_t first = c->out->n;
	for (size_t t = 0; t < sizeof hot_targets / sizeof hot_targets[0]; t++) {
		const struct hot_target *target = &hot_targets[t];
		gw_call_site_list sv;
		GW_TRY(sites_of(c, target->name, &sv));
		gw_status s = GW_OK;
		for (uint32_t i = 0; i < sv.n && !s; i++) {
			const gw_call_site *site = &sv.v[i];
			if (!site->in_loop || !site->nframes || !c->reachable[site->call->caller - c->ni])
				continue;
			const gw_frame *at = &site->frames[0];
			if (!user_function(c, at->func))
				continue;
			s = add(c, GW_RULE_HOT_BRIDGE_CALL, at->file, at->line, at->func, site->call->offset,
			        "js.Value.%s in a loop crosses into JavaScript on every iteration; %s",
			        target->name + sizeof "syscall/js.Value." - 1, target->fix);
			if (!s)
				c->out->v[c->out->n - 1].callee =
					(gw_str){ (const uint8_t *)target->name, (uint32_t)strlen(target->name) };
		}
		gw_call_site_list_free(&sv);
		GW_TRY(s);
	}
	/* Rank: how many bridge calls in loops the function has; the more,
	 * the hotter (the count is in the message and the JSON rank). */
	uint32_t n = c->out->n - first;
	if (!n)
		return GW_OK;
	gw_finding *v = c->out->v + first;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t same = 0;
		for (uint32_t j = 0; j < n; j++)
			same += gw_str_same(v[j].function, v[i].function);
		v[i].rank = same;
		size_t len = strlen(v[i].message);
		snprintf(v[i].message + len, sizeof v[i].message - len, " (%u bridge call%s in loops of this function)",
		         same, same == 1 ? "" : "s");
	}
	return GW_OK;
}

/* ---- finalizers ---- */

static gw_status check_finalizers(checker *c)
{
	const gw_module *m = c->m;
	const gw_go_info *go = c->go;
	bool bridge = false, finalize = false;
	for (uint32_t i = 0; i < m->num_func_imports; i++) {
		const gw_import *im = gw_module_func_import(m, i);
		if (!im || !gw_str_same(im->module, go->abi_module))
			continue;
		bridge |= gw_str_has_prefix(im->field, "syscall/js.");
		finalize |= gw_str_eq(im->field, "syscall/js.finalizeRef");
	}
	if (!bridge)
		return GW_OK;
	if (go->version.known && go->version.minor < 14)
		return add(c, GW_RULE_MISSING_FINALIZERS, none, -1, none, 0,
		           "built with %s, whose syscall/js never releases a js.Value: every object, string and function "
		           "that reaches Go stays referenced on the JavaScript side", go->version.text);
	if (!finalize)
		return add(c, GW_RULE_MISSING_FINALIZERS, none, -1, none, 0,
		           "the module uses syscall/js but does not import syscall/js.finalizeRef: js.Values are never "
		           "released");
	/* The wiring: makeValue sets a finalizer that calls finalizeRef. */
	if (!c->table_ok)
		return GW_OK; /* the wiring is read through the symbol table */
	gw_str make = { (const uint8_t *)"syscall/js.makeValue", 20 };
	uint32_t mv = gw_go_symbols_lookup(c->syms, make, 0);
	if (mv == UINT32_MAX)
		return GW_OK; /* inlined or absent: nothing to check */
	gw_call_site_list sv;
	GW_TRY(sites_of(c, "runtime.SetFinalizer", &sv));
	bool wired = false;
	for (uint32_t i = 0; i < sv.n; i++)
		wired |= sv.v[i].call->caller - c->ni == mv;
	gw_call_site_list_free(&sv);
	if (!wired)
		return add(c, GW_RULE_MISSING_FINALIZERS, c->syms->funcs[mv].file, c->syms->funcs[mv].line, make, 0,
		           "syscall/js.makeValue does not call runtime.SetFinalizer: js.Values are never released");
	return GW_OK;
}

/* ---- glue ---- */

static gw_status check_glue(checker *c)
{
	const gw_module *m = c->m;
	const gw_go_info *go = c->go;
	if (go->producer != GW_PRODUCER_GC_JS)
		return GW_OK;
	if (!c->opt->glue) {
		if (!go->version.known)
			return GW_OK;
		return add(c, GW_RULE_GLUE_VERSION, none, -1, none, 0,
		           "needs the wasm_exec.js of %s (import module \"%.*s\"; the file is %s/wasm_exec.js in that "
		           "Go's GOROOT)",
		           go->version.text, clip(go->abi_module), (const char *)go->abi_module.p,
		           go->version.minor >= 24 ? "lib/wasm" : "misc/wasm");
	}
	gw_glue g;
	GW_TRY(gw_glue_parse(c->opt->glue, c->opt->glue_len, &g, c->err));
	gw_status s = GW_OK;
	if (!gw_str_eq(go->abi_module, g.module)) {
		s = add(c, GW_RULE_GLUE_MISMATCH, none, -1, none, 0,
		        "the glue provides import module \"%s\" but the module imports from \"%.*s\": instantiation fails "
		        "with Import #0 module=\"%.*s\": module is not an object or function",
		        g.module[0] ? g.module : "(none)", clip(go->abi_module), (const char *)go->abi_module.p,
		        clip(go->abi_module), (const char *)go->abi_module.p);
	} else {
		for (uint32_t i = 0; i < m->num_imports && !s; i++) {
			const gw_import *im = &m->imports[i];
			if (im->kind != GW_EXT_FUNC || !gw_str_eq(im->module, g.module))
				continue;
			bool found = false;
			for (uint32_t k = 0; k < g.num_names && !found; k++)
				found = gw_str_same(g.names[k], im->field);
			if (!found)
				s = add(c, GW_RULE_GLUE_MISMATCH, none, -1, none, 0,
				        "the glue does not provide import %.*s: instantiation fails with Import #%u module=\"%s\" "
				        "function=\"%.*s\": function import requires a callable",
				        clip(im->field), (const char *)im->field.p, i, g.module, clip(im->field),
				        (const char *)im->field.p);
		}
	}
	gw_glue_free(&g);
	/* A module gowasm-batch rewrote imports its flush from "gowasm": no
	 * wasm_exec.js provides that module, the companion does. */
	for (uint32_t i = 0; i < m->num_imports && !s && c->opt->glue_alone; i++) {
		const gw_import *im = &m->imports[i];
		if (!gw_str_eq(im->module, GW_BATCH_IMPORT_MODULE))
			continue;
		s = add(c, GW_RULE_BATCH_COMPANION, none, -1, none, 0,
		        "the module was rewritten by gowasm-batch and imports %.*s.%.*s, which no wasm_exec.js provides: "
		        "with this glue alone, instantiation fails with Import #%u module=\"%.*s\": module is not an object "
		        "or function; load the gowasm-batch companion (enableBatching(go)) with the glue",
		        clip(im->module), (const char *)im->module.p, clip(im->field), (const char *)im->field.p, i,
		        clip(im->module), (const char *)im->module.p);
		break;
	}
	return s;
}

/* ---- host capabilities and the browser file system ---- */

/* Appends one capability to the list and to the message. */
static size_t cap(checker *c, char *caps, size_t size, size_t used, const char *name)
{
	if (c->out->num_capabilities < GW_MAX_CAPABILITIES)
		c->out->capabilities[c->out->num_capabilities++] = name;
	return (size_t)snprintf(caps + used, size - used, "%s%s", used ? ", " : "", name);
}

/* The capabilities the imports give (clocks, timers, random, stdio, exit,
 * js), in that order, those with call sites; returns the new length. */
static size_t import_capabilities(checker *c, char *caps, size_t size, size_t used)
{
	const gw_module *m = c->m;
	static const char *const order[] = { "time", "timers", "random", "stdio", "exit", "js" };
	for (size_t o = 0; o < sizeof order / sizeof order[0]; o++) {
		bool have = false;
		for (uint32_t i = 0; i < m->num_func_imports && !have; i++) {
			const gw_import *im = gw_module_func_import(m, i);
			const gw_abi_import *abi = im ? gw_abi_lookup(im->field) : NULL;
			have = abi && strcmp(abi->capability, order[o]) == 0 && c->go->call_sites[i];
		}
		if (have)
			used += cap(c, caps, size, used, order[o]);
	}
	return used;
}

/* A browser-fs finding for the call k from the module's code to the file
 * system, unless one for its place and callee exists since first_fs; sets
 * *full instead when there are enough. */
static gw_status fs_finding(checker *c, const gw_call *k, uint32_t first_fs, bool *full)
{
	uint32_t caller = k->caller - c->ni, callee = k->callee - c->ni;
	gw_frame fr[GW_PCLN_MAX_FRAMES];
	int n = c->table_ok ? gw_go_call_frames(c->go, k, fr, GW_PCLN_MAX_FRAMES, c->err) : 0;
	if (n < 0)
		return c->err->status;
	/* Place it in the module's own code: standard-library code
	 * inlined into it (ioutil.ReadFile...) is not where to fix it. */
	int at = 0;
	while (at < n && !user_function(c, fr[at].func))
		at++;
	gw_str file = at < n ? fr[at].file : none, fn = at < n ? fr[at].func : func_name(c, caller);
	int32_t line = at < n ? fr[at].line : -1;
	gw_str callee_name = at > 0 && at < n ? fr[at - 1].func : func_name(c, callee);
	/* One finding per place and callee, however many calls. */
	for (uint32_t i = first_fs; i < c->out->n; i++) {
		const gw_finding *x = &c->out->v[i];
		if (x->line == line && gw_str_same(x->file, file) && gw_str_same(x->callee, callee_name))
			return GW_OK;
	}
	if (c->out->n - first_fs >= 500) {
		*full = true; /* enough to act on */
		return GW_OK;
	}
	gw_status s = add(c, GW_RULE_BROWSER_FS, file, line, fn, k->offset,
	                  "%.*s reaches the file system, which the standard wasm_exec.js only stubs in browsers "
	                  "(calls fail with ENOSYS)", clip(callee_name), (const char *)callee_name.p);
	if (!s)
		c->out->v[c->out->n - 1].callee = callee_name;
	return s;
}

/* The file system: whether the module's own reachable code calls into
 * what reaches syscall.fsCall (*user_fs), with a finding per such call
 * for the browser. */
static gw_status check_fs_calls(checker *c, bool *user_fs)
{
	*user_fs = false;
	gw_str fscall = { (const uint8_t *)"syscall.fsCall", 14 };
	uint32_t fs = gw_go_symbols_lookup(c->syms, fscall, 0);
	if (fs == UINT32_MAX)
		return GW_OK;
	bool *to_fs = calloc(c->nf ? c->nf : 1, sizeof *to_fs);
	if (!to_fs)
		return gw_fail(c->err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	to_fs[fs] = true;
	gw_status s = close_over(c, to_fs, true);
	uint32_t first_fs = c->out->n;
	bool full = false;
	for (uint32_t i = 0; i < c->go->num_calls && !s && !full; i++) {
		const gw_call *k = &c->go->calls[i];
		if (k->indirect || k->callee < c->ni)
			continue;
		uint32_t caller = k->caller - c->ni, callee = k->callee - c->ni;
		if (!to_fs[callee] || !c->reachable[caller] || !user_function(c, func_name(c, caller)) ||
		    user_function(c, func_name(c, callee)))
			continue;
		*user_fs = true;
		if (c->opt->target == GW_TARGET_BROWSER)
			s = fs_finding(c, k, first_fs, &full);
	}
	free(to_fs);
	return s;
}

/* Whether any of the named functions is reachable. */
static bool reaches_any(const checker *c, const char *const *names, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		gw_str n = { (const uint8_t *)names[i], (uint32_t)strlen(names[i]) };
		uint32_t f = gw_go_symbols_lookup(c->syms, n, 0);
		if (f != UINT32_MAX && c->reachable[f])
			return true;
	}
	return false;
}

static gw_status check_capabilities(checker *c)
{
	if (c->go->producer != GW_PRODUCER_GC_JS)
		return GW_OK;
	/* From the imports: clocks, timers, random, stdio, exit. */
	char caps[512] = "";
	size_t used = import_capabilities(c, caps, sizeof caps, 0);
	bool user_fs;
	GW_TRY(check_fs_calls(c, &user_fs));
	if (user_fs)
		used += cap(c, caps, sizeof caps, used, "file system");
	/* The process object (syscall/js's jsProcess): pid, uid, cwd, umask. */
	static const char *const process_calls[] = {
		"syscall.Getpid", "syscall.Getppid", "syscall.Getuid", "syscall.Getgid", "syscall.Geteuid",
		"syscall.Getegid", "syscall.Getgroups", "syscall.Getwd", "syscall.Chdir", "syscall.Umask",
	};
	if (reaches_any(c, process_calls, sizeof process_calls / sizeof process_calls[0]))
		used += cap(c, caps, sizeof caps, used, "process");
	static const char *const fetch_calls[] = { "net/http.(*Transport).RoundTrip" };
	if (reaches_any(c, fetch_calls, 1))
		used += cap(c, caps, sizeof caps, used, "fetch (net/http)");
	if (!used)
		return GW_OK;
	return add(c, GW_RULE_HOST_CAPABILITIES, none, -1, none, 0, "the module uses these host facilities: %s", caps);
}

/* ---- integrity, as rules ---- */

/* An integrity rule about the symbol table itself. */
static bool about_table(gw_rule_code rule)
{
	return rule == GW_RULE_PCLNTAB_MISSING || rule == GW_RULE_PCLNTAB_CORRUPT || rule == GW_RULE_PCLNTAB_FUNCTIONS;
}

static gw_status check_integrity(checker *c, const gw_integrity *g)
{
	for (uint32_t i = 0; i < g->num_problems; i++) {
		const gw_problem *p = &g->problems[i];
		gw_str fn = p->func != UINT32_MAX ? func_name(c, p->func) : none;
		GW_TRY(add(c, p->rule, none, -1, fn, 0, "%s", p->message));
		c->out->v[c->out->n - 1].severity = p->severity;
	}
	return GW_OK;
}

gw_status gw_check_run(const gw_module *m, const gw_go_info *go, const gw_go_symbols *syms,
                       const gw_integrity *integrity, const gw_check_options *opt, gw_findings *out,
                       gw_error *err)
{
	memset(out, 0, sizeof *out);
	checker c = { .m = m, .go = go, .syms = syms, .opt = opt, .out = out, .err = err,
	              .ni = m->num_func_imports, .nf = m->num_funcs };
	/* Rules that walk the symbol table need it whole: a table the
	 * integrity checks found corrupt is reported, not used. */
	c.table_ok = go->pcln && syms->source == GW_NAMES_PCLNTAB;
	for (uint32_t i = 0; i < integrity->num_problems; i++)
		if (integrity->problems[i].severity == GW_SEV_ERROR && about_table(integrity->problems[i].rule))
			c.table_ok = false;
	gw_status s = check_integrity(&c, integrity);
	if (!s && (go->producer == GW_PRODUCER_GC_JS || go->producer == GW_PRODUCER_GC_WASIP1)) {
		if (!go->calls_counted)
			s = gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "call sites were not scanned");
		if (!s)
			s = build_graph(&c);
		if (!s)
			s = scan_closures(&c);
		if (!s)
			s = compute_reachable(&c);
		if (!s && c.table_ok) {
			s = check_func_leaks(&c);
			if (!s)
				s = check_hot_calls(&c);
		}
		if (!s)
			s = check_finalizers(&c);
		if (!s)
			s = check_glue(&c);
		if (!s)
			s = check_capabilities(&c);
	}
	free(c.fwd_first);
	free(c.fwd);
	free(c.rev_first);
	free(c.rev);
	free(c.reachable);
	free(c.address_taken);
	free(c.closure_first);
	free(c.closures);
	if (s)
		gw_findings_free(out);
	return s;
}
