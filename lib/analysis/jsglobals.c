/* SPDX-License-Identifier: MIT */
/* Which names a Go program gives its functions on the global object.
 *
 * Go gc compiles a call for js/wasm as stores of the arguments at offsets
 * of the Go stack pointer (a copy of global 0 in a local), a push of the
 * return PC (SP -= 8), then the call; results come back at SP offsets.
 * js.Global() reads the package variable syscall/js.valueGlobal, which
 * syscall/js.init sets to the global object's ref. So, reading each
 * caller of syscall/js.Value.Set in order and following values through
 * locals and stack slots (a small symbolic evaluation of straight-line
 * code; anything it does not model is unknown), a call
 *     Value.Set(recv, name, x)   args: recv ref +0, gcPtr +8, name ptr +16,
 *                                       len +24, x type +32, x data +40
 * registers a function when recv's ref was loaded from valueGlobal, name
 * is a constant pointer and length, and x's data points at a stack slot
 * holding the ref a js.FuncOf call returned. */
#include "jsglobals.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "wasm/code.h"

/* The ref of the global object: NaN head 0x7ff80000 with type flag 1
 * (object), id 5 (syscall/js predefValue(5, typeFlagObject)). */
#define GLOBAL_REF 0x7ff8000100000005ULL

enum { V_UNKNOWN, V_CONST, V_SP, V_LOAD, V_FUNCREF };
typedef struct sym {
	int kind;
	uint64_t v; /* CONST: the value; SP: the offset from SP at entry; LOAD: the address */
} sym;

#define WINDOW 16
#define SLOTS 96
#define MAX_GLOBAL_ADDRS 4

typedef struct walk {
	const gw_module *m;
	sym *locals;
	uint64_t nlocals;
	struct { uint64_t at; sym v; bool used; } slots[SLOTS];
	uint32_t next_slot;
	uint64_t sp;                 /* global 0, as an offset from SP at entry */
	gw_insn win[WINDOW];
	int nwin;
	uint64_t global_addrs[MAX_GLOBAL_ADDRS];
	uint32_t num_global_addrs;
	uint32_t funcof, set;        /* function indices */
	gw_js_globals *out;
	bool oom;
} walk;

static const sym unknown = {V_UNKNOWN, 0};

static sym slot_get(const walk *w, uint64_t at)
{
	for (uint32_t i = 0; i < SLOTS; i++)
		if (w->slots[i].used && w->slots[i].at == at)
			return w->slots[i].v;
	return unknown;
}

static void slot_set(walk *w, uint64_t at, sym v)
{
	for (uint32_t i = 0; i < SLOTS; i++) {
		if (w->slots[i].used && w->slots[i].at == at) {
			w->slots[i].v = v;
			return;
		}
	}
	uint32_t i = w->next_slot++ % SLOTS;
	w->slots[i].used = true;
	w->slots[i].at = at;
	w->slots[i].v = v;
}

/* The value of the expression that ends at win[*i], read backwards;
 * *i is left before its first instruction (-1: nothing more can be read). */
static sym expr(walk *w, int *i)
{
	if (*i < 0)
		return unknown;
	const gw_insn *in = &w->win[(*i)--];
	switch (in->op) {
	case GW_OP_I64_CONST:
	case GW_OP_I32_CONST:
		return (sym){V_CONST, in->a};
	case GW_OP_LOCAL_GET:
		return in->a < w->nlocals ? w->locals[in->a] : unknown;
	case GW_OP_GLOBAL_GET:
		return in->a == 0 ? (sym){V_SP, w->sp} : unknown;
	case 0xa7: /* i32.wrap_i64 */
	case 0xad: /* i64.extend_i32_u */ {
		sym x = expr(w, i);
		if (x.kind == V_CONST)
			x.v &= 0xffffffffu;
		return x;
	}
	case 0x6a: /* i32.add */
	case 0x6b: /* i32.sub */
	case 0x7c: /* i64.add */
	case 0x7d: /* i64.sub */ {
		sym r = expr(w, i), l = expr(w, i);
		if (r.kind != V_CONST)
			return unknown;
		uint64_t k = (in->op == 0x6b || in->op == 0x7d) ? (uint64_t)0 - r.v : r.v;
		if (l.kind == V_SP || l.kind == V_CONST)
			return (sym){l.kind, l.v + k};
		return unknown;
	}
	case GW_OP_I64_LOAD: {
		sym a = expr(w, i);
		if (a.kind == V_SP)
			return slot_get(w, a.v + in->b);
		if (a.kind == V_CONST)
			return (sym){V_LOAD, a.v + in->b};
		return unknown;
	}
	default:
		*i = -1; /* an instruction whose operands are not modelled */
		return unknown;
	}
}

static sym top(walk *w)
{
	int i = w->nwin - 1;
	return expr(w, &i);
}

static bool is_global_ref_load(const walk *w, sym v)
{
	for (uint32_t k = 0; v.kind == V_LOAD && k < w->num_global_addrs; k++)
		if (w->global_addrs[k] == v.v)
			return true;
	return false;
}

/* A name worth listing: 1 to 256 bytes of valid UTF-8, no controls. */
static bool name_text(const uint8_t *p, uint64_t n)
{
	if (!n || n > 256 || !gw_utf8_valid(p, (size_t)n))
		return false;
	for (uint64_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return false;
	return true;
}

static void found_set(walk *w)
{
	uint64_t args = w->sp + 8;
	sym recv = slot_get(w, args), name = slot_get(w, args + 16), len = slot_get(w, args + 24),
	    data = slot_get(w, args + 40);
	if (!is_global_ref_load(w, recv) || name.kind != V_CONST || len.kind != V_CONST || data.kind != V_SP ||
	    slot_get(w, data.v).kind != V_FUNCREF)
		return;
	const uint8_t *p = gw_module_mem(w->m, name.v, len.v);
	if (!p || !name_text(p, len.v))
		return;
	for (uint32_t i = 0; i < w->out->n; i++)
		if (strlen(w->out->names[i]) == len.v && !memcmp(w->out->names[i], p, len.v))
			return;
	char **nv = realloc(w->out->names, (w->out->n + 1) * sizeof *nv);
	char *s = malloc(len.v + 1);
	if (!nv || !s) {
		free(s);
		if (nv)
			w->out->names = nv;
		w->oom = true;
		return;
	}
	w->out->names = nv;
	memcpy(s, p, len.v);
	s[len.v] = 0;
	w->out->names[w->out->n++] = s;
}

static void push(walk *w, const gw_insn *in)
{
	if (w->nwin == WINDOW) {
		memmove(w->win, w->win + 1, (WINDOW - 1) * sizeof *w->win);
		w->nwin--;
	}
	w->win[w->nwin++] = *in;
}

/* One instruction of walk_func: stores and sets update what is known,
 * calls report or record, control flow forgets the window. */
static void step(walk *w, const gw_insn *in, bool collect)
{
	switch (in->op) {
	case GW_OP_I64_STORE:
	case 0x3e: /* i64.store32 */ {
		int i = w->nwin - 1;
		sym v = expr(w, &i), a = expr(w, &i);
		if (a.kind == V_SP)
			slot_set(w, a.v + in->b, in->op == GW_OP_I64_STORE ? v : unknown);
		else if (collect && a.kind == V_CONST && v.kind == V_CONST && v.v == GLOBAL_REF &&
		         in->op == GW_OP_I64_STORE && w->num_global_addrs < MAX_GLOBAL_ADDRS)
			w->global_addrs[w->num_global_addrs++] = a.v + in->b;
		w->nwin = 0;
		break;
	}
	case GW_OP_LOCAL_SET:
	case GW_OP_LOCAL_TEE: {
		sym v = top(w);
		if (in->a < w->nlocals)
			w->locals[in->a] = v;
		w->nwin = 0;
		if (in->op == GW_OP_LOCAL_TEE) {
			gw_insn get = *in;
			get.op = GW_OP_LOCAL_GET;
			push(w, &get);
		}
		break;
	}
	case GW_OP_GLOBAL_SET: {
		sym v = top(w);
		if (in->a == 0 && v.kind == V_SP)
			w->sp = v.v;
		w->nwin = 0;
		break;
	}
	case GW_OP_CALL:
		if (!collect && in->a == w->set)
			found_set(w);
		/* The callee's arguments and results lie above SP + 8. */
		for (uint32_t k = 0; k < SLOTS; k++)
			if (w->slots[k].used && w->slots[k].at - (w->sp + 8) < 64)
				w->slots[k].used = false;
		if (in->a == w->funcof)
			slot_set(w, w->sp + 16, (sym){V_FUNCREF, 0});
		w->sp += 8; /* the callee pops its return PC */
		w->nwin = 0;
		break;
	case GW_OP_BLOCK: case GW_OP_LOOP: case GW_OP_IF: case GW_OP_ELSE: case GW_OP_END:
	case GW_OP_BR: case GW_OP_BR_IF: case GW_OP_BR_TABLE: case GW_OP_RETURN: case GW_OP_CALL_INDIRECT:
		w->nwin = 0;
		break;
	default:
		push(w, in);
	}
}

/* One function, start to end. In syscall/js.init (collect true) it
 * records where the global object's ref is stored; elsewhere it reports
 * the registrations. */
static gw_status walk_func(walk *w, uint32_t func, bool collect, gw_error *err)
{
	gw_code_reader r;
	gw_status s = gw_code_begin(&r, w->m, func, err);
	if (s) {
		gw_code_end(&r);
		return s;
	}
	w->nlocals = r.num_locals;
	w->locals = calloc(r.num_locals ? r.num_locals : 1, sizeof *w->locals);
	if (!w->locals) {
		gw_code_end(&r);
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	}
	memset(w->slots, 0, sizeof w->slots);
	w->next_slot = 0;
	w->sp = 0;
	w->nwin = 0;
	gw_insn in;
	while (!r.done && !w->oom && !(s = gw_code_next(&r, &in, err))) {
		step(w, &in, collect);
	}
	gw_code_end(&r);
	free(w->locals);
	w->locals = NULL;
	if (!s && w->oom)
		s = gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	return s;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static uint32_t lookup(const gw_module *m, const gw_go_symbols *syms, const char *name)
{
	gw_str n = {(const uint8_t *)name, (uint32_t)strlen(name)};
	uint32_t i = syms ? gw_go_symbols_lookup(syms, n, 0) : UINT32_MAX;
	return i == UINT32_MAX ? UINT32_MAX : m->num_func_imports + i;
}

gw_status gw_js_globals_find(const gw_module *m, const gw_go_info *go, const gw_go_symbols *syms, gw_js_globals *out,
                             gw_error *err)
{
	memset(out, 0, sizeof *out);
	walk *w = calloc(1, sizeof *w);
	if (!w)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	w->m = m;
	w->out = out;
	w->set = lookup(m, syms, "syscall/js.Value.Set");
	w->funcof = lookup(m, syms, "syscall/js.FuncOf");
	uint32_t init = lookup(m, syms, "syscall/js.init");
	gw_status s = GW_OK;
	if (w->set != UINT32_MAX && w->funcof != UINT32_MAX && init != UINT32_MAX)
		s = walk_func(w, init, true, err);
	uint32_t last = UINT32_MAX;
	for (uint32_t i = 0; !s && w->num_global_addrs && i < go->num_calls; i++) {
		const gw_call *c = &go->calls[i];
		if (c->indirect || c->callee != w->set || c->caller == last)
			continue;
		last = c->caller; /* calls are in code order: each caller once */
		s = walk_func(w, c->caller, false, err);
	}
	free(w);
	if (s) {
		gw_js_globals_free(out);
		return s;
	}
	if (out->n)
		qsort(out->names, out->n, sizeof *out->names, cmp_names);
	return GW_OK;
}

void gw_js_globals_free(gw_js_globals *g)
{
	for (uint32_t i = 0; i < g->n; i++)
		free(g->names[i]);
	free(g->names);
	memset(g, 0, sizeof *g);
}
