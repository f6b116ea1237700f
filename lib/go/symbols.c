/* SPDX-License-Identifier: MIT */
#include "symbols.h"

#include <stdlib.h>
#include <string.h>

#include "../util/array.h"
#include "internal.h"

const char *gw_names_source_name(gw_names_source s)
{
	switch (s) {
	case GW_NAMES_PCLNTAB: return "pclntab";
	case GW_NAMES_NAME_SECTION: return "name section";
	case GW_NAMES_NONE: break;
	}
	return "none";
}

static int cmp_str(gw_str a, gw_str b)
{
	uint32_t n = a.len < b.len ? a.len : b.len;
	int r = n ? memcmp(a.p, b.p, n) : 0;
	if (r)
		return r;
	return (a.len > b.len) - (a.len < b.len);
}

static int cmp_pkg_name(const void *x, const void *y)
{
	return cmp_str(((const gw_go_package *)x)->name, ((const gw_go_package *)y)->name);
}

static int cmp_pkg_size(const void *x, const void *y)
{
	const gw_go_package *a = x, *b = y;
	if (a->code_bytes != b->code_bytes)
		return a->code_bytes < b->code_bytes ? 1 : -1;
	return cmp_str(a->name, b->name);
}

static gw_status group_packages(gw_go_symbols *s, gw_error *err)
{
	static const uint8_t unknown[] = "?";
	gw_go_package *v = calloc(s->num_funcs ? s->num_funcs : 1, sizeof *v);
	if (!v)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory for packages");
	for (uint32_t i = 0; i < s->num_funcs; i++) {
		v[i].name = s->funcs[i].package;
		if (!v[i].name.len) {
			v[i].name.p = unknown;
			v[i].name.len = 1;
		}
		v[i].code_bytes = s->funcs[i].code_bytes;
		v[i].funcs = 1;
	}
	qsort(v, s->num_funcs, sizeof *v, cmp_pkg_name);
	uint32_t k = 0;
	for (uint32_t i = 0; i < s->num_funcs; i++) {
		if (k && cmp_str(v[k - 1].name, v[i].name) == 0) {
			v[k - 1].code_bytes += v[i].code_bytes;
			v[k - 1].funcs++;
		} else {
			v[k++] = v[i];
		}
	}
	qsort(v, k, sizeof *v, cmp_pkg_size);
	s->packages = v;
	s->num_packages = k;
	return GW_OK;
}

gw_status gw_go_symbols_read(const gw_module *m, const gw_go_info *go, gw_go_symbols **out, gw_error *err)
{
	*out = NULL;
	gw_go_symbols *s = calloc(1, sizeof *s);
	if (!s)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	s->num_funcs = m->num_funcs;
	s->funcs = calloc(m->num_funcs ? m->num_funcs : 1, sizeof *s->funcs);
	if (!s->funcs) {
		free(s);
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	}
	const gw_section *code = gw_module_section(m, GW_SEC_CODE);
	if (code) {
		s->code_section_bytes = code->size;
		s->code_header_bytes = m->num_funcs ? m->funcs[0].entry_offset - code->offset : code->size;
	}
	const gw_pclntab *t = go->pcln;
	/* The pclntab names defined function i when it has one entry per
	 * defined function at the expected PC; otherwise it is not trusted
	 * (except for the functions gowasm-batch appends after Go's). */
	bool use_pcln = t && (t->nfunc == m->num_funcs || (gw_module_batched(m) && t->nfunc < m->num_funcs));
	s->source = use_pcln ? GW_NAMES_PCLNTAB : m->has_names && !m->names_malformed ? GW_NAMES_NAME_SECTION
	                                                                              : GW_NAMES_NONE;
	for (uint32_t i = 0; i < m->num_funcs; i++) {
		gw_go_func *f = &s->funcs[i];
		const gw_func *wf = &m->funcs[i];
		f->code_bytes = (uint32_t)(wf->body_offset + wf->body_size - wf->entry_offset);
		f->line = -1;
		if (use_pcln) {
			gw_pcln_func pf;
			gw_error e;
			gw_error_clear(&e);
			if (gw_pclntab_func(t, i, &pf, &e) == GW_OK && pf.entry == (0x1000ull + i) << 16) {
				f->name = gw_pclntab_name(t, pf.nameoff);
				if (gw_pclntab_file_line(t, &pf, pf.entry, &f->file, &f->line, &e) != GW_OK)
					f->line = -1;
			}
		}
		if (!f->name.len)
			f->name = gw_module_func_name(m, m->num_func_imports + i);
		if (f->name.len) {
			s->named++;
			f->package = gw_go_symbol_package(f->name);
		}
	}
	gw_status st = group_packages(s, err);
	if (st) {
		gw_go_symbols_free(s);
		return st;
	}
	*out = s;
	return GW_OK;
}

void gw_go_symbols_free(gw_go_symbols *s)
{
	if (!s)
		return;
	free(s->funcs);
	free(s->packages);
	free(s);
}

uint32_t gw_go_symbols_lookup(const gw_go_symbols *s, gw_str name, uint32_t from)
{
	for (uint32_t i = from; i < s->num_funcs; i++)
		if (gw_str_same(s->funcs[i].name, name))
			return i;
	return UINT32_MAX;
}

int gw_go_call_frames(const gw_go_info *go, const gw_call *call, gw_frame *frames, int max, gw_error *err)
{
	if (!go->pcln || !call->has_retpc)
		return 0;
	return gw_pclntab_frames(go->pcln, call->retpc - 1, frames, max, err);
}

typedef struct find_ctx {
	const gw_module *m;
	const gw_go_info *go;
	gw_str name;
	bool *is_target;            /* [function index] */
	bool *name_is_target;       /* [funcnametab offset]: the string there is `name` */
	gw_call_site_fn fn;
	void *user;
	bool stopped;               /* fn returned GW_WALK_STOP */
	gw_error *err;
	/* The current caller's inline tree and loops. */
	uint32_t caller;
	gw_inline_view view;
	gw_go_loops loops;          /* read when the caller has a site to report */
	bool loops_read;
	uint32_t call_in_caller;    /* index of the current call among the caller's */
	uint64_t *seen;             /* parent pcs already reported in this caller */
	uint32_t nseen, capseen;
	gw_frame frames[GW_PCLN_MAX_FRAMES];
} find_ctx;

static bool seen_before(find_ctx *c, uint64_t pc, bool *oom)
{
	for (uint32_t i = 0; i < c->nseen; i++)
		if (c->seen[i] == pc)
			return true;
	if (GW_ARRAY_RESERVE(c->seen, c->capseen, c->nseen + 1, 16)) {
		*oom = true;
		return true;
	}
	c->seen[c->nseen++] = pc;
	return false;
}

static gw_status start_caller(find_ctx *c, uint32_t caller)
{
	c->caller = caller;
	c->nseen = 0;
	c->call_in_caller = 0;
	gw_inline_view_free(&c->view);
	memset(&c->view, 0, sizeof c->view);
	gw_go_loops_free(&c->loops);
	c->loops_read = false;
	const gw_pclntab *t = c->go->pcln;
	uint32_t d = caller - c->m->num_func_imports;
	if (!t || d >= t->nfunc)
		return GW_OK;
	gw_pcln_func f;
	if (gw_pclntab_func(t, d, &f, c->err))
		return c->err->status;
	return gw_inline_view_init(&c->view, t, &f, c->err);
}

/* Does the inline chain at pc contain the target? Returns the depth of the
 * inlined copy of the target (0 = innermost frame), or -1. */
static int inlined_target_depth(find_ctx *c, uint64_t pc, gw_status *st)
{
	const gw_pclntab *t = c->go->pcln;
	int32_t ix = gw_inline_view_at(&c->view, pc);
	for (int depth = 0; ix >= 0; depth++) {
		uint32_t nameoff;
		int32_t parent_pc;
		if (depth >= GW_PCLN_MAX_FRAMES || !gw_inline_view_entry(t, &c->view, ix, &nameoff, &parent_pc) ||
		    parent_pc < 0) {
			*st = gw_fail(c->err, GW_ERR_FORMAT, GW_NO_OFFSET,
			              "inline tree at pc 0x%llx is corrupt (an entry outside memory, or a cycle)",
			              (unsigned long long)pc);
			return -1;
		}
		if (nameoff < t->funcnametab_end - t->funcnametab && c->name_is_target[nameoff])
			return depth;
		ix = gw_inline_view_at(&c->view, c->view.entry + (uint64_t)parent_pc);
	}
	return -1;
}

static gw_status visit(find_ctx *c, const gw_call *call)
{
	gw_status st = GW_OK;
	if (call->caller != c->caller && (st = start_caller(c, call->caller)) != GW_OK)
		return st;
	uint32_t k = c->call_in_caller++;
	bool direct = !call->indirect && c->is_target[call->callee];
	/* Skip a wrapper's own call to its import. */
	if (direct && call->callee < c->m->num_func_imports &&
	    c->go->import_of_wrapper[call->caller - c->m->num_func_imports] == call->callee)
		direct = false;
	int depth = -1;
	if (!direct && c->view.num_runs && call->has_retpc) {
		depth = inlined_target_depth(c, call->retpc - 1, &st);
		if (st)
			return st;
	}
	if (!direct && depth < 0)
		return GW_OK;
	int n = gw_go_call_frames(c->go, call, c->frames, GW_PCLN_MAX_FRAMES, c->err);
	if (n < 0)
		return c->err->status;
	if (!c->loops_read) {
		if ((st = gw_go_loops_read(c->m, call->caller, &c->loops, c->err)) != GW_OK)
			return st;
		c->loops_read = true;
	}
	bool in_loop = k < c->loops.num_calls && gw_go_loops_in_loop(&c->loops, c->loops.call_regions[k]);
	uint32_t imp = call->indirect ? UINT32_MAX : gw_go_call_target_import(c->m, c->go, call->callee);
	gw_call_site site = { call, imp, false, in_loop, c->frames, n };
	if (direct) {
		c->stopped = c->fn && c->fn(c->user, &site) == GW_WALK_STOP;
		return GW_OK;
	}
	/* An inlined copy of the target: the call of the target is the
	 * position in the frame outside it, reported once per copy. */
	if (depth + 1 >= n)
		return GW_OK;
	bool oom = false;
	if (seen_before(c, c->frames[depth + 1].pc, &oom))
		return oom ? gw_fail(c->err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory") : GW_OK;
	site.inlined_target = true;
	site.frames = c->frames + depth + 1;
	site.nframes = n - depth - 1;
	site.import = UINT32_MAX;
	c->stopped = c->fn && c->fn(c->user, &site) == GW_WALK_STOP;
	return GW_OK;
}

/* Calls f(offset) for each offset of funcnametab holding `name` followed
 * by a NUL, as gw_pclntab_name reads it; stops when f returns true. */
static bool each_name(const gw_pclntab *t, gw_str name, bool (*f)(void *, uint64_t), void *ctx)
{
	uint64_t ntab = t ? t->funcnametab_end - t->funcnametab : 0;
	if (!name.len || memchr(name.p, 0, name.len) || name.len + 1 > ntab)
		return false;
	const uint8_t *tab = t->mem + t->funcnametab;
	for (uint64_t off = 0; off + name.len < ntab;) {
		const uint8_t *p = gw_go_find_bytes(tab + off, (size_t)(ntab - off), name.p, name.len);
		if (!p)
			break;
		off = (uint64_t)(p - tab);
		if (off + name.len < ntab && p[name.len] == 0 && f(ctx, off))
			return true;
		off++;
	}
	return false;
}

static bool mark_one(void *ctx, uint64_t off)
{
	((bool *)ctx)[off] = true;
	return false;
}

static void mark_name(const gw_pclntab *t, gw_str name, bool *marks)
{
	each_name(t, name, mark_one, marks);
}

/* A name in the table that starts a string (after a NUL or at the start):
 * a function name, of an out-of-line or an inlined function. */
static bool starts_string(void *ctx, uint64_t off)
{
	const gw_pclntab *t = ctx;
	return off == 0 || t->mem[t->funcnametab + off - 1] == 0;
}

/* Function i is `name`: by its Go name, or, when the names come from the
 * name section (no usable pclntab), by the linker's rewriting of it
 * ("syscall/js.FuncOf" is "syscall_js.FuncOf" there). */
static bool names_function(const gw_go_symbols *syms, uint32_t i, gw_str name)
{
	gw_str f = syms->funcs[i].name;
	return gw_str_same(f, name) || (syms->source == GW_NAMES_NAME_SECTION && f.len && gw_go_name_matches(name, f));
}

bool gw_go_name_known(const gw_module *m, const gw_go_info *go, const gw_go_symbols *syms, gw_str name)
{
	for (uint32_t i = 0; i < syms->num_funcs; i++)
		if (names_function(syms, i, name))
			return true;
	for (uint32_t i = 0; i < m->num_func_imports; i++) {
		const gw_import *im = gw_module_func_import(m, i);
		if (im && gw_str_same(im->field, name))
			return true;
	}
	return go->pcln && each_name(go->pcln, name, starts_string, (void *)go->pcln);
}

gw_status gw_go_find_calls(const gw_module *m, const gw_go_info *go, const gw_go_symbols *syms, gw_str name,
                           gw_call_site_fn fn, void *ctx, gw_error *err)
{
	if (!go->calls_counted)
		return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "call sites were not scanned (gw_go_count_call_sites)");
	uint32_t total = gw_module_num_funcs(m);
	find_ctx *c = calloc(1, sizeof *c);
	const gw_pclntab *t = go->pcln;
	uint64_t ntab = t ? t->funcnametab_end - t->funcnametab : 0;
	if (!c || !(c->is_target = calloc(total ? total : 1, 1)) || !(c->name_is_target = calloc(ntab ? ntab : 1, 1))) {
		if (c)
			free(c->is_target);
		free(c);
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	}
	c->m = m;
	c->go = go;
	c->name = name;
	c->fn = fn;
	c->user = ctx;
	c->err = err;
	c->caller = UINT32_MAX;
	/* Targets: Go functions of that name, and host imports of that field
	 * name together with their wrappers. */
	for (uint32_t i = 0; i < syms->num_funcs; i++)
		if (names_function(syms, i, name))
			c->is_target[m->num_func_imports + i] = true;
	for (uint32_t i = 0; i < m->num_func_imports; i++) {
		const gw_import *im = gw_module_func_import(m, i);
		if (im && gw_str_same(im->field, name)) {
			c->is_target[i] = true;
			if (go->wrapper_of_import[i] != UINT32_MAX)
				c->is_target[go->wrapper_of_import[i]] = true;
		}
	}
	/* Where the name stands in funcnametab (inline trees point there):
	 * every offset whose NUL-terminated string is the name. */
	mark_name(t, name, c->name_is_target);
	gw_status s = GW_OK;
	for (uint32_t i = 0; i < go->num_calls && s == GW_OK && !c->stopped; i++)
		s = visit(c, &go->calls[i]);
	gw_inline_view_free(&c->view);
	gw_go_loops_free(&c->loops);
	free(c->seen);
	free(c->name_is_target);
	free(c->is_target);
	free(c);
	return s;
}

typedef struct collector {
	gw_call_site_list *l;
	size_t *frame_start;        /* where each site's frames begin */
	uint32_t cap, calls_cap, frame_start_cap; /* of l->v, l->calls, frame_start */
	size_t nframes, frames_cap;
	bool oom;
} collector;

static gw_walk collect(void *ctx, const gw_call_site *site)
{
	collector *c = ctx;
	gw_call_site_list *l = c->l;
	if (GW_ARRAY_RESERVE(l->v, c->cap, l->n + 1, 16) || GW_ARRAY_RESERVE(l->calls, c->calls_cap, l->n + 1, 16) ||
	    GW_ARRAY_RESERVE(c->frame_start, c->frame_start_cap, l->n + 1, 16) ||
	    GW_ARRAY_RESERVE(l->frames, c->frames_cap, c->nframes + (size_t)site->nframes, 64)) {
		c->oom = true;
		return GW_WALK_STOP;
	}
	l->v[l->n] = *site;
	l->calls[l->n] = *site->call;
	c->frame_start[l->n] = c->nframes;
	if (site->nframes)
		memcpy(l->frames + c->nframes, site->frames, (size_t)site->nframes * sizeof *site->frames);
	c->nframes += (size_t)site->nframes;
	l->n++;
	return GW_WALK_CONTINUE;
}

gw_status gw_go_collect_calls(const gw_module *m, const gw_go_info *go, const gw_go_symbols *syms, gw_str name,
                              gw_call_site_list *out, gw_error *err)
{
	memset(out, 0, sizeof *out);
	collector c = { .l = out };
	gw_status s = gw_go_find_calls(m, go, syms, name, collect, &c, err);
	if (!s && c.oom)
		s = gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory collecting call sites");
	if (!s) {
		/* The arrays have stopped moving: point the sites into them. */
		for (uint32_t i = 0; i < out->n; i++) {
			out->v[i].call = &out->calls[i];
			out->v[i].frames = out->v[i].nframes ? out->frames + c.frame_start[i] : NULL;
		}
	} else {
		gw_call_site_list_free(out);
	}
	free(c.frame_start);
	return s;
}

void gw_call_site_list_free(gw_call_site_list *l)
{
	free(l->v);
	free(l->calls);
	free(l->frames);
	memset(l, 0, sizeof *l);
}
