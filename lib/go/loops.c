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

static gw_status read_regions(const gw_module *m, uint32_t func_index, bool cycles, gw_go_loops *out, gw_error *err)
{
	memset(out, 0, sizeof *out);
	gw_code_reader r;
	gw_status s = gw_code_begin(&r, m, func_index, err);
	if (s) {
		gw_code_end(&r);
		return s;
	}
	uint32_t *targets = NULL, ntargets = 0;  /* PC_B -> region */
	uint32_t calls_cap = 0, ncalls = 0;
	edge_list edges = { 0 };
	int64_t loop_at = -1;          /* index of the dispatch loop among open blocks */
	uint32_t dispatch_depth = 0;   /* open blocks at the br_table */
	uint32_t region = 0, region_depth = 0;
	bool in_regions = false;
	/* Recognising `local.get 0; br_table` and `i32.const K; local.set 0; br`. */
	uint32_t prev_op = 0, prev2_op = 0;
	uint64_t prev_a = 0, prev2_a = 0;
	gw_insn in;
	while (!r.done && s == GW_OK) {
		if ((s = gw_code_next(&r, &in, err)) != GW_OK)
			break;
		switch (in.op) {
		case GW_OP_LOOP:
			if (loop_at < 0)
				loop_at = r.depth - 1;
			break;
		case GW_OP_BR_TABLE:
			if (!targets && loop_at >= 0 && prev_op == GW_OP_LOCAL_GET && prev_a == 0) {
				/* Re-read the label vector: the region of each resume point. */
				ntargets = (uint32_t)in.a + 1;
				targets = malloc(ntargets * sizeof *targets);
				if (!targets) {
					s = gw_fail(err, GW_ERR_NOMEM, in.offset, "out of memory");
					break;
				}
				gw_cursor c = gw_cursor_make(m->bytes, (size_t)in.b, r.c.end);
				for (uint32_t i = 0; i < ntargets && s == GW_OK; i++)
					s = gw_read_u32(&c, &targets[i], "br_table label", err);
				dispatch_depth = r.depth;
				out->has_dispatch = true;
				out->num_regions = (uint32_t)(dispatch_depth - 1 - (uint32_t)loop_at);
				for (uint32_t i = 0; i < ntargets; i++)
					if (targets[i] >= out->num_regions)
						targets[i] = UINT32_MAX; /* not a region: ignore jumps there */
				out->region_offsets = calloc(out->num_regions ? out->num_regions : 1, sizeof *out->region_offsets);
				if (!out->region_offsets)
					s = gw_fail(err, GW_ERR_NOMEM, in.offset, "out of memory");
			}
			break;
		case GW_OP_END:
			/* Leaving a dispatch block starts the region its label selects;
			 * the region before falls into it unless it ended in a jump. */
			if (out->has_dispatch && (int64_t)r.depth > loop_at && (!in_regions || r.depth < region_depth)) {
				uint32_t next_region = dispatch_depth - 1 - r.depth;
				bool falls = prev_op != GW_OP_BR && prev_op != GW_OP_RETURN && prev_op != 0x00 /* unreachable */;
				if (cycles && in_regions && falls && next_region < out->num_regions && !add_edge(&edges, region, next_region))
					s = gw_fail(err, GW_ERR_NOMEM, in.offset, "out of memory");
				region = next_region;
				if (region < out->num_regions)
					out->region_offsets[region] = in.offset + 1; /* `end` is one byte */
				region_depth = r.depth;
				in_regions = true;
			}
			break;
		case GW_OP_BR:
		case GW_OP_BR_IF:
			if (cycles && out->has_dispatch && in_regions && prev_op == GW_OP_LOCAL_SET && prev_a == 0 &&
			    prev2_op == GW_OP_I32_CONST && (int64_t)r.depth - 1 - (int64_t)in.a == loop_at &&
			    prev2_a < ntargets && targets[prev2_a] != UINT32_MAX && region < out->num_regions &&
			    !add_edge(&edges, region, targets[prev2_a]))
				s = gw_fail(err, GW_ERR_NOMEM, in.offset, "out of memory");
			break;
		case GW_OP_CALL:
		case GW_OP_CALL_INDIRECT:
		case GW_OP_RETURN_CALL:
		case GW_OP_RETURN_CALL_INDIRECT:
			if (cycles && !push_u32(&out->call_regions, &ncalls, &calls_cap, in_regions ? region : UINT32_MAX))
				s = gw_fail(err, GW_ERR_NOMEM, in.offset, "out of memory");
			break;
		}
		prev2_op = prev_op;
		prev2_a = prev_a;
		prev_op = in.op;
		prev_a = in.a;
	}
	out->num_calls = ncalls;
	if (!s && cycles && out->num_regions) {
		out->in_loop = calloc(out->num_regions, sizeof *out->in_loop);
		if (!out->in_loop || !mark_cycles(out->num_regions, &edges, out->in_loop))
			s = gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	}
	free(edges.from);
	free(edges.to);
	out->pc_regions = targets;
	out->num_pcs = ntargets;
	gw_code_end(&r);
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
