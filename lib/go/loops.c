/* SPDX-License-Identifier: MIT */
#include "loops.h"

#include <stdlib.h>
#include <string.h>

#include "../util/array.h"
#include "../wasm/code.h"

typedef struct edge_list {
	uint32_t *from, *to;
	uint32_t n, from_cap, to_cap;
} edge_list;

static bool add_edge(edge_list *e, uint32_t from, uint32_t to)
{
	if (GW_ARRAY_RESERVE(e->from, e->from_cap, e->n + 1, 32) || GW_ARRAY_RESERVE(e->to, e->to_cap, e->n + 1, 32))
		return false;
	e->from[e->n] = from;
	e->to[e->n] = to;
	e->n++;
	return true;
}

static bool push_u32(uint32_t **v, uint32_t *n, uint32_t *cap, uint32_t x)
{
	if (GW_ARRAY_RESERVE(*v, *cap, *n + 1, 16))
		return false;
	(*v)[(*n)++] = x;
	return true;
}

/* Marks the regions on cycles: Tarjan's strongly connected components,
 * iterative (a function may have thousands of regions). */
static bool mark_cycles(uint32_t n, const edge_list *e, bool *in_loop)
{
	bool ok = false;
	uint32_t *first = calloc((size_t)n + 1, sizeof *first), *adj = malloc((e->n ? e->n : 1) * sizeof *adj);
	uint32_t *index = malloc((n ? n : 1) * sizeof *index), *low = malloc((n ? n : 1) * sizeof *low);
	uint32_t *stack = malloc((n ? n : 1) * sizeof *stack), *call = malloc((n ? n : 1) * sizeof *call);
	uint32_t *next = malloc((n ? n : 1) * sizeof *next);
	bool *on = calloc(n ? n : 1, sizeof *on);
	if (!first || !adj || !index || !low || !stack || !call || !next || !on)
		goto out;
	/* Adjacency in compressed form. */
	for (uint32_t i = 0; i < e->n; i++)
		first[e->from[i] + 1]++;
	for (uint32_t i = 0; i < n; i++)
		first[i + 1] += first[i];
	for (uint32_t i = 0; i < n; i++)
		next[i] = first[i];
	for (uint32_t i = 0; i < e->n; i++) {
		adj[next[e->from[i]]++] = e->to[i];
		if (e->from[i] == e->to[i])
			in_loop[e->from[i]] = true;
	}
	const uint32_t unvisited = UINT32_MAX;
	for (uint32_t i = 0; i < n; i++)
		index[i] = unvisited;
	uint32_t counter = 0, sp = 0, cp = 0;
	for (uint32_t root = 0; root < n; root++) {
		if (index[root] != unvisited)
			continue;
		call[cp++] = root;
		index[root] = low[root] = counter++;
		stack[sp++] = root;
		on[root] = true;
		next[root] = first[root];
		while (cp) {
			uint32_t v = call[cp - 1];
			if (next[v] < first[v + 1]) {
				uint32_t w = adj[next[v]++];
				if (index[w] == unvisited) {
					index[w] = low[w] = counter++;
					stack[sp++] = w;
					on[w] = true;
					next[w] = first[w];
					call[cp++] = w;
				} else if (on[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			cp--;
			if (cp && low[v] < low[call[cp - 1]])
				low[call[cp - 1]] = low[v];
			if (low[v] == index[v]) {
				uint32_t size = 0, top = sp;
				do {
					on[stack[--sp]] = false;
					size++;
				} while (stack[sp] != v);
				if (size > 1)
					for (uint32_t k = sp; k < top; k++)
						in_loop[stack[k]] = true;
			}
		}
	}
	ok = true;
out:
	free(first);
	free(adj);
	free(index);
	free(low);
	free(stack);
	free(call);
	free(next);
	free(on);
	return ok;
}

/* The state of one pass over a function body (read_regions). */
typedef struct region_scan {
	const gw_module *m;
	gw_code_reader r;
	bool cycles;
	gw_go_loops *out;
	uint32_t *targets, ntargets;  /* PC_B -> region */
	uint32_t calls_cap, ncalls;
	edge_list edges;
	int64_t loop_at;          /* index of the dispatch loop among open blocks */
	uint32_t dispatch_depth;  /* open blocks at the br_table */
	uint32_t region, region_depth;
	bool in_regions;
	/* Recognising `local.get 0; br_table` and `i32.const K; local.set 0; br`. */
	uint32_t prev_op, prev2_op;
	uint64_t prev_a, prev2_a;
} region_scan;

/* `local.get 0; br_table` inside the first loop: the resume-point dispatch. */
static gw_status scan_br_table(region_scan *st, const gw_insn *in, gw_error *err)
{
	gw_status s = GW_OK;
	gw_go_loops *out = st->out;
	if (st->targets || st->loop_at < 0 || st->prev_op != GW_OP_LOCAL_GET || st->prev_a != 0)
		return GW_OK;
	/* Re-read the label vector: the region of each resume point. */
	st->ntargets = (uint32_t)in->a + 1;
	st->targets = malloc(st->ntargets * sizeof *st->targets);
	if (!st->targets)
		return gw_fail(err, GW_ERR_NOMEM, in->offset, "out of memory");
	gw_cursor c = gw_cursor_make(st->m->bytes, (size_t)in->b, st->r.c.end);
	for (uint32_t i = 0; i < st->ntargets && s == GW_OK; i++)
		s = gw_read_u32(&c, &st->targets[i], "br_table label", err);
	st->dispatch_depth = st->r.depth;
	out->has_dispatch = true;
	out->num_regions = (uint32_t)(st->dispatch_depth - 1 - (uint32_t)st->loop_at);
	for (uint32_t i = 0; i < st->ntargets; i++)
		if (st->targets[i] >= out->num_regions)
			st->targets[i] = UINT32_MAX; /* not a region: ignore jumps there */
	out->region_offsets = calloc(out->num_regions ? out->num_regions : 1, sizeof *out->region_offsets);
	if (!out->region_offsets)
		s = gw_fail(err, GW_ERR_NOMEM, in->offset, "out of memory");
	return s;
}

/* Leaving a dispatch block starts the region its label selects;
 * the region before falls into it unless it ended in a jump. */
static gw_status scan_end(region_scan *st, const gw_insn *in, gw_error *err)
{
	gw_status s = GW_OK;
	gw_go_loops *out = st->out;
	uint32_t depth = st->r.depth;
	if (!out->has_dispatch || (int64_t)depth <= st->loop_at || (st->in_regions && depth >= st->region_depth))
		return GW_OK;
	uint32_t next_region = st->dispatch_depth - 1 - depth;
	bool falls = st->prev_op != GW_OP_BR && st->prev_op != GW_OP_RETURN && st->prev_op != 0x00 /* unreachable */;
	if (st->cycles && st->in_regions && falls && next_region < out->num_regions &&
	    !add_edge(&st->edges, st->region, next_region))
		s = gw_fail(err, GW_ERR_NOMEM, in->offset, "out of memory");
	st->region = next_region;
	if (st->region < out->num_regions)
		out->region_offsets[st->region] = in->offset + 1; /* `end` is one byte */
	st->region_depth = depth;
	st->in_regions = true;
	return s;
}

/* `i32.const K; local.set 0; br loop`: a jump to the region of resume point K. */
static gw_status scan_br(region_scan *st, const gw_insn *in, gw_error *err)
{
	if (st->cycles && st->out->has_dispatch && st->in_regions && st->prev_op == GW_OP_LOCAL_SET && st->prev_a == 0 &&
	    st->prev2_op == GW_OP_I32_CONST && (int64_t)st->r.depth - 1 - (int64_t)in->a == st->loop_at &&
	    st->prev2_a < st->ntargets && st->targets[st->prev2_a] != UINT32_MAX && st->region < st->out->num_regions &&
	    !add_edge(&st->edges, st->region, st->targets[st->prev2_a]))
		return gw_fail(err, GW_ERR_NOMEM, in->offset, "out of memory");
	return GW_OK;
}

static gw_status scan_insn(region_scan *st, const gw_insn *in, gw_error *err)
{
	switch (in->op) {
	case GW_OP_LOOP:
		if (st->loop_at < 0)
			st->loop_at = st->r.depth - 1;
		return GW_OK;
	case GW_OP_BR_TABLE:
		return scan_br_table(st, in, err);
	case GW_OP_END:
		return scan_end(st, in, err);
	case GW_OP_BR:
	case GW_OP_BR_IF:
		return scan_br(st, in, err);
	case GW_OP_CALL:
	case GW_OP_CALL_INDIRECT:
	case GW_OP_RETURN_CALL:
	case GW_OP_RETURN_CALL_INDIRECT:
		if (st->cycles && !push_u32(&st->out->call_regions, &st->ncalls, &st->calls_cap,
		                            st->in_regions ? st->region : UINT32_MAX))
			return gw_fail(err, GW_ERR_NOMEM, in->offset, "out of memory");
		return GW_OK;
	}
	return GW_OK;
}

static gw_status read_regions(const gw_module *m, uint32_t func_index, bool cycles, gw_go_loops *out, gw_error *err)
{
	memset(out, 0, sizeof *out);
	region_scan st = { .m = m, .cycles = cycles, .out = out, .loop_at = -1 };
	gw_status s = gw_code_begin(&st.r, m, func_index, err);
	if (s) {
		gw_code_end(&st.r);
		return s;
	}
	gw_insn in;
	while (!st.r.done && s == GW_OK) {
		if ((s = gw_code_next(&st.r, &in, err)) != GW_OK)
			break;
		s = scan_insn(&st, &in, err);
		st.prev2_op = st.prev_op;
		st.prev2_a = st.prev_a;
		st.prev_op = in.op;
		st.prev_a = in.a;
	}
	out->num_calls = st.ncalls;
	if (!s && cycles && out->num_regions) {
		out->in_loop = calloc(out->num_regions, sizeof *out->in_loop);
		if (!out->in_loop || !mark_cycles(out->num_regions, &st.edges, out->in_loop))
			s = gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	}
	free(st.edges.from);
	free(st.edges.to);
	out->pc_regions = st.targets;
	out->num_pcs = st.ntargets;
	gw_code_end(&st.r);
	if (s)
		gw_go_loops_free(out);
	return s;
}

gw_status gw_go_loops_read(const gw_module *m, uint32_t func_index, gw_go_loops *out, gw_error *err)
{
	return read_regions(m, func_index, true, out, err);
}

gw_status gw_go_regions_read(const gw_module *m, uint32_t func_index, gw_go_loops *out, gw_error *err)
{
	return read_regions(m, func_index, false, out, err);
}

void gw_go_loops_free(gw_go_loops *l)
{
	free(l->in_loop);
	free(l->call_regions);
	free(l->region_offsets);
	free(l->pc_regions);
	memset(l, 0, sizeof *l);
}

bool gw_go_loops_in_loop(const gw_go_loops *l, uint32_t region)
{
	return l->in_loop && region < l->num_regions && l->in_loop[region];
}
