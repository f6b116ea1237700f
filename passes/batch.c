/* SPDX-License-Identifier: MIT */
/* The batching pass.
 *
 * What it does. Every host import of a Go js/wasm module takes `sp`, the
 * Go stack pointer, and reads its arguments from sp+8 on (go-wasm-abi.md
 * §1). The imports that only read them (finalizeRef, valueSet,
 * valueSetIndex, valueDelete, as chosen by the plan) need not cross into
 * JS at once. For each host import the pass removes the import, imports it
 * again under a new internal name, and puts a defined function in its
 * place under the old name, so every caller (Go's import wrappers) now
 * calls the function:
 *
 *   - a deferred import appends a record to a buffer in the module's
 *     unused memory gap [plan->buffer_start, buffer_end) and returns;
 *   - any other import flushes the buffer first, then calls the host;
 *   - every exported function (run, resume, go:wasmexport ones; not getsp)
 *     is wrapped so the buffer is flushed before control returns to JS.
 *
 * A record is a copy of the import's argument frame, laid out so that the
 * record's own address can stand for `sp`: word 0 (where sp+0 holds the
 * return address) is the header {u32 kind, u32 size}, then the argument
 * words at the same offsets as in the frame. A name string is either in
 * read-only data (etext..noptrdata, never written: the record keeps the
 * pointer, and the companion may cache the decoded name by address) or is
 * copied into the record right after the frame, and the record's string
 * pointer is redirected to the copy (Go may free or reuse heap memory
 * before the flush). Records are 8-byte aligned. The kinds, their sizes
 * and the fields' offsets are lib/analysis/batch_protocol.def's, which
 * the companion's constants are generated from:
 *
 *   FINALIZE_REF  finalizeRef    id @REF
 *   SET_RO        valueSet       ref, name (read-only), value
 *   SET_COPY      valueSet       as SET_RO, the name copied after the frame
 *   DELETE_RO     valueDelete    ref, name (read-only)
 *   DELETE_COPY   valueDelete    as DELETE_RO, the name copied after the frame
 *   SET_INDEX     valueSetIndex  ref, i64 index, value
 *
 * Flushing is one call of the import gowasm.flush(start, end) with the
 * unflushed records [start, end). Two globals, head and base, make the
 * buffer a stack, so flushes may nest: the companion's replay can run JS
 * (a setter) that calls back into Go, which records and flushes on its
 * own above `end`; the outer replay's records are never overwritten. A
 * record that does not fit even in an empty buffer (a very long name)
 * makes the call go to the host directly, after a flush, in order.
 *
 * After any flush, sp is read again from the stack-pointer global: the
 * replayed JS may have run Go code that moved the goroutine's stack, as
 * the glue itself re-reads sp with getsp() after re-entrant calls.
 *
 * What the JS side must provide: importObject.gowasm.flush(start, end),
 * replaying each record in order with the semantics of the original
 * import (js/companion.js does, using the glue's own import functions
 * with the record address as sp), and nothing else: the original imports
 * are still imported under their names.
 *
 * The module also gets a custom section "gowasm.batch" (JSON: protocol,
 * tool version, deferred imports, buffer), which marks it as batched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes.h"

typedef BinaryenExpressionRef E;

typedef struct ctx {
	BinaryenModuleRef m;
	const gw_batch_plan *plan;
	const char *sp;          /* name of the stack-pointer global */
	/* The pass's own functions and globals, under names no other
	 * function or global of the module has (gw_pass_unique_name). */
	char *head, *base, *flush_host, *flush;
} ctx;

static E i32c(ctx *c, uint32_t v) { return BinaryenConst(c->m, BinaryenLiteralInt32((int32_t)v)); }
static E lget(ctx *c, BinaryenIndex i) { return BinaryenLocalGet(c->m, i, BinaryenTypeInt32()); }
static E lset(ctx *c, BinaryenIndex i, E v) { return BinaryenLocalSet(c->m, i, v); }
static E gget(ctx *c, const char *g) { return BinaryenGlobalGet(c->m, g, BinaryenTypeInt32()); }
static E bin(ctx *c, BinaryenOp op, E a, E b) { return BinaryenBinary(c->m, op, a, b); }
static E add(ctx *c, E a, E b) { return bin(c, BinaryenAddInt32(), a, b); }
static E call0(ctx *c, const char *f) { return BinaryenCall(c->m, f, NULL, 0, BinaryenTypeNone()); }
static E call1(ctx *c, const char *f, E a) { return BinaryenCall(c->m, f, &a, 1, BinaryenTypeNone()); }
static E load32(ctx *c, E p, uint32_t off) { return BinaryenLoad(c->m, 4, false, off, 4, BinaryenTypeInt32(), p); }
static E store32(ctx *c, E p, uint32_t off, E v) { return BinaryenStore(c->m, 4, off, 4, p, v, BinaryenTypeInt32()); }

/* Copies the 8-byte word at sp+off into the record at r+off. */
static E copy_word(ctx *c, BinaryenIndex r, BinaryenIndex sp, uint32_t off)
{
	return BinaryenStore(c->m, 8, off, 8, lget(c, r),
	                     BinaryenLoad(c->m, 8, false, off, 8, BinaryenTypeInt64(), lget(c, sp)),
	                     BinaryenTypeInt64());
}

static E block(ctx *c, E *xs, BinaryenIndex n)
{
	return BinaryenBlock(c->m, NULL, xs, n, BinaryenTypeAuto());
}

/* head != base: records wait to be flushed. */
static E pending(ctx *c)
{
	return bin(c, BinaryenNeInt32(), gget(c, c->head), gget(c, c->base));
}

/* flush(): if records wait, hand [base, head) to the host; nested calls
 * see base moved up to the outer end, and everything is reset after. */
static void add_flush(ctx *c)
{
	BinaryenType ii[2] = {BinaryenTypeInt32(), BinaryenTypeInt32()};
	BinaryenAddFunctionImport(c->m, c->flush_host, GW_BATCH_IMPORT_MODULE, GW_BATCH_FLUSH_FIELD,
	                          BinaryenTypeCreate(ii, 2), BinaryenTypeNone());
	E args[2] = {lget(c, 0), lget(c, 1)};
	E body[] = {
		lset(c, 0, gget(c, c->base)),
		lset(c, 1, gget(c, c->head)),
		BinaryenGlobalSet(c->m, c->base, lget(c, 1)),
		BinaryenCall(c->m, c->flush_host, args, 2, BinaryenTypeNone()),
		BinaryenGlobalSet(c->m, c->head, lget(c, 0)),
		BinaryenGlobalSet(c->m, c->base, lget(c, 0)),
	};
	BinaryenType vars[2] = {BinaryenTypeInt32(), BinaryenTypeInt32()};
	BinaryenAddFunction(c->m, c->flush, BinaryenTypeNone(), BinaryenTypeNone(), vars, 2,
	                    BinaryenIf(c->m, pending(c), block(c, body, sizeof body / sizeof *body), NULL));
}

/* A call of `target` with the enclosing function's parameters, of any
 * number, passed on; NULL on allocation failure. */
static E forward_call(ctx *c, const char *target, BinaryenType params, BinaryenType results)
{
	BinaryenIndex n = params == BinaryenTypeNone() ? 0 : BinaryenTypeArity(params);
	BinaryenType *ts = malloc((n ? n : 1) * sizeof *ts);
	E *args = malloc((n ? n : 1) * sizeof *args);
	if (!ts || !args) {
		free(ts);
		free(args);
		return NULL;
	}
	if (n)
		BinaryenTypeExpand(params, ts);
	for (BinaryenIndex i = 0; i < n; i++)
		args[i] = BinaryenLocalGet(c->m, i, ts[i]);
	E call = BinaryenCall(c->m, target, args, n, results); /* copies the operands */
	free(ts);
	free(args);
	return call;
}

/* A host import that is not deferred: flush first (re-reading sp, which
 * the flush may have moved), then call the host. NULL on allocation
 * failure. */
static E flushing_body(ctx *c, const char *host, BinaryenType params, BinaryenType results, bool sp_abi)
{
	if (sp_abi) {
		E flush[] = {call0(c, c->flush), lset(c, 0, gget(c, c->sp))};
		E body[] = {
			BinaryenIf(c->m, pending(c), block(c, flush, 2), NULL),
			call1(c, host, lget(c, 0)),
		};
		return block(c, body, 2);
	}
	E call = forward_call(c, host, params, results);
	if (!call)
		return NULL;
	E body[] = {
		BinaryenIf(c->m, pending(c), call0(c, c->flush), NULL),
		call,
	};
	return BinaryenBlock(c->m, NULL, body, 2, results);
}

/* Locals of a recorder: 0 sp (param), 1 r, 2 p, 3 n, 4 ro, 5 size, 6 i. */
enum { L_SP, L_R, L_P, L_N, L_RO, L_SIZE, L_I, L_COUNT };

/* if (head + size > end) { flush; sp = SP; if (head + size > end) { host(sp); return } }
 * r = head; head = r + size */
static E reserve(ctx *c, const char *host, E *out_alloc)
{
	uint32_t end = c->plan->buffer_end;
	E direct[] = {call1(c, host, lget(c, L_SP)), BinaryenReturn(c->m, NULL)};
	E full[] = {
		call0(c, c->flush),
		lset(c, L_SP, gget(c, c->sp)),
		BinaryenIf(c->m, bin(c, BinaryenGtUInt32(), add(c, gget(c, c->head), lget(c, L_SIZE)), i32c(c, end)),
		           block(c, direct, 2), NULL),
	};
	E alloc[] = {
		lset(c, L_R, gget(c, c->head)),
		BinaryenGlobalSet(c->m, c->head, add(c, lget(c, L_R), lget(c, L_SIZE))),
	};
	*out_alloc = block(c, alloc, 2);
	return BinaryenIf(c->m, bin(c, BinaryenGtUInt32(), add(c, gget(c, c->head), lget(c, L_SIZE)), i32c(c, end)),
	                  block(c, full, 3), NULL);
}

static E header(ctx *c, E kind)
{
	E xs[] = {store32(c, lget(c, L_R), GW_BATCH_AT_KIND, kind),
	          store32(c, lget(c, L_R), GW_BATCH_AT_SIZE, lget(c, L_SIZE))};
	return block(c, xs, 2);
}

/* Fixed-size records: finalizeRef (one word) and valueSetIndex (three),
 * the frame's words after the header copied as they are. */
static E fixed_body(ctx *c, const char *host, uint32_t kind, uint32_t size)
{
	E xs[8];
	BinaryenIndex n = 0;
	E alloc;
	xs[n++] = lset(c, L_SIZE, i32c(c, size));
	xs[n++] = reserve(c, host, &alloc);
	xs[n++] = alloc;
	xs[n++] = header(c, i32c(c, kind));
	for (uint32_t at = GW_BATCH_AT_REF; at < size && n < sizeof xs / sizeof xs[0]; at += 8)
		xs[n++] = copy_word(c, L_R, L_SP, at);
	return block(c, xs, n);
}

/* Copies n bytes from p to r + at: words, then the tail bytes. */
static E copy_bytes(ctx *c, uint32_t at)
{
	E dst = add(c, lget(c, L_R), lget(c, L_I));
	E src = add(c, lget(c, L_P), lget(c, L_I));
	E words[] = {
		BinaryenBreak(c->m, "words_done",
		              bin(c, BinaryenGtUInt32(), add(c, lget(c, L_I), i32c(c, 8)), lget(c, L_N)), NULL),
		BinaryenStore(c->m, 8, at, 1, dst, BinaryenLoad(c->m, 8, false, 0, 1, BinaryenTypeInt64(), src),
		              BinaryenTypeInt64()),
		lset(c, L_I, add(c, lget(c, L_I), i32c(c, 8))),
		BinaryenBreak(c->m, "words", NULL, NULL),
	};
	E dst2 = add(c, lget(c, L_R), lget(c, L_I));
	E src2 = add(c, lget(c, L_P), lget(c, L_I));
	E bytes[] = {
		BinaryenBreak(c->m, "bytes_done", bin(c, BinaryenGeUInt32(), lget(c, L_I), lget(c, L_N)), NULL),
		BinaryenStore(c->m, 1, at, 1, dst2, BinaryenLoad(c->m, 1, false, 0, 1, BinaryenTypeInt32(), src2),
		              BinaryenTypeInt32()),
		lset(c, L_I, add(c, lget(c, L_I), i32c(c, 1))),
		BinaryenBreak(c->m, "bytes", NULL, NULL),
	};
	E wloop = BinaryenLoop(c->m, "words", BinaryenBlock(c->m, NULL, words, 4, BinaryenTypeNone()));
	E bloop = BinaryenLoop(c->m, "bytes", BinaryenBlock(c->m, NULL, bytes, 4, BinaryenTypeNone()));
	E xs[] = {
		lset(c, L_I, i32c(c, 0)),
		BinaryenBlock(c->m, "words_done", &wloop, 1, BinaryenTypeNone()),
		BinaryenBlock(c->m, "bytes_done", &bloop, 1, BinaryenTypeNone()),
	};
	return block(c, xs, 3);
}

/* valueSet (with_value) and valueDelete: a name at sp+16, copied unless
 * it lies in read-only data. */
static E string_body(ctx *c, const char *host, bool with_value)
{
	const gw_batch_plan *plan = c->plan;
	uint32_t hdr = with_value ? GW_BATCH_RECORD_SET_RO_SIZE : GW_BATCH_RECORD_DELETE_RO_SIZE;
	uint32_t room = plan->buffer_end - plan->buffer_start;
	uint32_t kind_ro = with_value ? GW_BATCH_RECORD_SET_RO : GW_BATCH_RECORD_DELETE_RO;
	uint32_t kind_copy = with_value ? GW_BATCH_RECORD_SET_COPY : GW_BATCH_RECORD_DELETE_COPY;

	/* ro = p >= ro_start & p <= ro_end & n <= ro_end - p */
	E ro = bin(c, BinaryenAndInt32(),
	           bin(c, BinaryenAndInt32(),
	               bin(c, BinaryenGeUInt32(), lget(c, L_P), i32c(c, plan->ro_start)),
	               bin(c, BinaryenLeUInt32(), lget(c, L_P), i32c(c, plan->ro_end))),
	           bin(c, BinaryenLeUInt32(), lget(c, L_N),
	               bin(c, BinaryenSubInt32(), i32c(c, plan->ro_end), lget(c, L_P))));
	/* A name too long for the whole buffer goes to the host directly. */
	E direct[] = {
		call0(c, c->flush),
		call1(c, host, gget(c, c->sp)),
		BinaryenReturn(c->m, NULL),
	};
	E too_long = BinaryenIf(c->m,
	                        bin(c, BinaryenAndInt32(), BinaryenUnary(c->m, BinaryenEqZInt32(), lget(c, L_RO)),
	                            bin(c, BinaryenGtUInt32(), lget(c, L_N), i32c(c, room - hdr - 8))),
	                        block(c, direct, 3), NULL);
	E size = BinaryenSelect(c->m, lget(c, L_RO), i32c(c, hdr),
	                        add(c, i32c(c, hdr),
	                            bin(c, BinaryenAndInt32(), add(c, lget(c, L_N), i32c(c, 7)), i32c(c, ~7u))),
	                        BinaryenTypeInt32());
	E alloc;
	E xs[16];
	BinaryenIndex n = 0;
	xs[n++] = lset(c, L_P, load32(c, lget(c, L_SP), GW_BATCH_AT_NAME));
	xs[n++] = lset(c, L_N, load32(c, lget(c, L_SP), GW_BATCH_AT_NAME_LEN));
	xs[n++] = lset(c, L_RO, ro);
	xs[n++] = too_long;
	xs[n++] = lset(c, L_SIZE, size);
	xs[n++] = reserve(c, host, &alloc);
	xs[n++] = alloc;
	/* sp may have moved in a flush: read the pointer again (a name on the
	 * goroutine stack moves with it). */
	xs[n++] = lset(c, L_P, load32(c, lget(c, L_SP), GW_BATCH_AT_NAME));
	xs[n++] = header(c, BinaryenSelect(c->m, lget(c, L_RO), i32c(c, kind_ro), i32c(c, kind_copy),
	                                   BinaryenTypeInt32()));
	xs[n++] = copy_word(c, L_R, L_SP, GW_BATCH_AT_REF);
	xs[n++] = BinaryenStore(c->m, 8, GW_BATCH_AT_NAME, 8, lget(c, L_R),
	                        BinaryenUnary(c->m, BinaryenExtendUInt32(),
	                                      BinaryenSelect(c->m, lget(c, L_RO), lget(c, L_P),
	                                                     add(c, lget(c, L_R), i32c(c, hdr)), BinaryenTypeInt32())),
	                        BinaryenTypeInt64());
	xs[n++] = copy_word(c, L_R, L_SP, GW_BATCH_AT_NAME_LEN);
	if (with_value)
		xs[n++] = copy_word(c, L_R, L_SP, GW_BATCH_AT_SET_VALUE);
	xs[n++] = BinaryenIf(c->m, BinaryenUnary(c->m, BinaryenEqZInt32(), lget(c, L_RO)), copy_bytes(c, hdr), NULL);
	return block(c, xs, n);
}

static int deferred_bit(const gw_batch_plan *plan, const char *module, const char *base)
{
	if (strcmp(module, plan->abi_module) != 0)
		return -1;
	for (unsigned b = 0; b < GW_DEFER_COUNT; b++)
		if ((plan->deferred & (1u << b)) && strcmp(base, gw_defer_import_name(b)) == 0)
			return (int)b;
	return -1;
}

/* Names are copied whole, whatever their length (Binaryen's strings
 * stay valid, but the pass removes what holds some of them). */
typedef struct import_info {
	char *name, *module, *base;
	BinaryenType params, results;
} import_info;

/* A copy of s, or NULL on allocation failure. */
static char *dup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	return p ? memcpy(p, s, n) : NULL;
}

static void free_imports(import_info *imps, BinaryenIndex n)
{
	for (BinaryenIndex i = 0; i < n; i++) {
		free(imps[i].name);
		free(imps[i].module);
		free(imps[i].base);
	}
	free(imps);
}

/* The module's function imports, copied before any is removed; NULL on
 * allocation failure. */
static import_info *list_imports(BinaryenModuleRef m, BinaryenIndex *n)
{
	BinaryenIndex nf = BinaryenGetNumFunctions(m);
	import_info *imps = calloc(nf ? nf : 1, sizeof *imps);
	BinaryenIndex ni = 0;
	for (BinaryenIndex i = 0; imps && i < nf; i++) {
		BinaryenFunctionRef f = BinaryenGetFunctionByIndex(m, i);
		const char *mod = BinaryenFunctionImportGetModule(f);
		if (!mod || !*mod)
			continue;
		import_info *im = &imps[ni++];
		im->name = dup(BinaryenFunctionGetName(f));
		im->module = dup(mod);
		im->base = dup(BinaryenFunctionImportGetBase(f));
		im->params = BinaryenFunctionGetParams(f);
		im->results = BinaryenFunctionGetResults(f);
		if (!im->name || !im->module || !im->base) {
			free_imports(imps, ni);
			return NULL;
		}
	}
	*n = ni;
	return imps;
}

static gw_status rewrite_imports(ctx *c, gw_batch_stats *stats)
{
	BinaryenModuleRef m = c->m;
	BinaryenIndex ni = 0;
	import_info *imps = list_imports(m, &ni);
	if (!imps)
		return GW_ERR_NOMEM;
	for (BinaryenIndex i = 0; i < ni; i++) {
		import_info *im = &imps[i];
		char *host = gw_pass_unique_name(m, im->name, "$host");
		if (!host) {
			free_imports(imps, ni);
			return GW_ERR_NOMEM;
		}
		BinaryenRemoveFunction(m, im->name);
		BinaryenAddFunctionImport(m, host, im->module, im->base, im->params, im->results);

		int bit = deferred_bit(c->plan, im->module, im->base);
		bool sp_abi = strcmp(im->module, c->plan->abi_module) == 0;
		E body;
		BinaryenType vars[L_COUNT];
		BinaryenIndex nvars = 0;
		if (bit >= 0) {
			for (int v = 1; v < L_COUNT; v++)
				vars[nvars++] = BinaryenTypeInt32();
			unsigned which = 1u << bit;
			if (which == GW_DEFER_FINALIZE_REF)
				body = fixed_body(c, host, GW_BATCH_RECORD_FINALIZE_REF, GW_BATCH_RECORD_FINALIZE_REF_SIZE);
			else if (which == GW_DEFER_VALUE_SET_INDEX)
				body = fixed_body(c, host, GW_BATCH_RECORD_SET_INDEX, GW_BATCH_RECORD_SET_INDEX_SIZE);
			else
				body = string_body(c, host, which == GW_DEFER_VALUE_SET);
			stats->deferred_imports++;
		} else {
			body = flushing_body(c, host, im->params, im->results, sp_abi);
			stats->flushing_imports++;
		}
		free(host);
		if (!body) {
			free_imports(imps, ni);
			return GW_ERR_NOMEM;
		}
		BinaryenAddFunction(m, im->name, im->params, im->results, vars, nvars, body);
		stats->functions_added++;
	}
	free_imports(imps, ni);
	return GW_OK;
}

typedef struct export_info {
	char *name, *value;
} export_info;

static void free_exports(export_info *ex, BinaryenIndex n)
{
	for (BinaryenIndex i = 0; i < n; i++) {
		free(ex[i].name);
		free(ex[i].value);
	}
	free(ex);
}

/* The exported functions to wrap (all but getsp), copied before any is
 * replaced; NULL on allocation failure. */
static export_info *list_exports(BinaryenModuleRef m, BinaryenIndex *n)
{
	BinaryenIndex ne = BinaryenGetNumExports(m);
	export_info *ex = calloc(ne ? ne : 1, sizeof *ex);
	BinaryenIndex k = 0;
	for (BinaryenIndex i = 0; ex && i < ne; i++) {
		BinaryenExportRef e = BinaryenGetExportByIndex(m, i);
		if (BinaryenExportGetKind(e) != BinaryenExternalFunction())
			continue;
		if (strcmp(BinaryenExportGetName(e), "getsp") == 0)
			continue; /* the glue's stack-pointer query: nothing to flush */
		ex[k].name = dup(BinaryenExportGetName(e));
		ex[k].value = dup(BinaryenExportGetValue(e));
		if (!ex[k++].name || !ex[k - 1].value) {
			free_exports(ex, k);
			return NULL;
		}
	}
	*n = k;
	return ex;
}

static gw_status wrap_exports(ctx *c, gw_batch_stats *stats)
{
	BinaryenModuleRef m = c->m;
	BinaryenIndex n = 0;
	export_info *ex = list_exports(m, &n);
	if (!ex)
		return GW_ERR_NOMEM;
	for (BinaryenIndex i = 0; i < n; i++) {
		BinaryenFunctionRef f = BinaryenGetFunction(m, ex[i].value);
		BinaryenType params = BinaryenFunctionGetParams(f), results = BinaryenFunctionGetResults(f);
		BinaryenIndex np = params == BinaryenTypeNone() ? 0 : BinaryenTypeArity(params);
		E inner = forward_call(c, ex[i].value, params, results);
		char *name = inner ? gw_pass_unique_name(m, "gowasm$export$", ex[i].name) : NULL;
		if (!name) {
			free_exports(ex, n);
			return GW_ERR_NOMEM;
		}
		E body;
		BinaryenType var = results;
		BinaryenIndex nvars = 0;
		if (results == BinaryenTypeNone()) {
			E xs[] = {inner, call0(c, c->flush)};
			body = BinaryenBlock(m, NULL, xs, 2, BinaryenTypeNone());
		} else {
			nvars = 1;
			E xs[] = {BinaryenLocalSet(m, np, inner), call0(c, c->flush), BinaryenLocalGet(m, np, results)};
			body = BinaryenBlock(m, NULL, xs, 3, results);
		}
		BinaryenAddFunction(m, name, params, results, &var, nvars, body);
		BinaryenRemoveExport(m, ex[i].name);
		BinaryenAddFunctionExport(m, name, ex[i].name);
		stats->exports_wrapped++;
		stats->functions_added++;
		free(name);
	}
	free_exports(ex, n);
	return GW_OK;
}

/* The custom section that marks the module as batched. */
static void add_batch_section(BinaryenModuleRef mod, const gw_batch_plan *plan, const char *tool_version)
{
	char section[512];
	int n = snprintf(section, sizeof section,
	                 "{\"protocol\":%d,\"tool\":\"gowasm-batch %s\",\"deferred\":[", GW_BATCH_PROTOCOL,
	                 tool_version);
	bool first = true;
	for (unsigned b = 0; b < GW_DEFER_COUNT; b++) {
		if (!(plan->deferred & (1u << b)))
			continue;
		n += snprintf(section + n, sizeof section - (size_t)n, "%s\"%s\"", first ? "" : ",",
		              gw_defer_import_name(b));
		first = false;
	}
	n += snprintf(section + n, sizeof section - (size_t)n, "],\"buffer\":[%u,%u],\"readonly\":[%u,%u]}",
	              plan->buffer_start, plan->buffer_end, plan->ro_start, plan->ro_end);
	BinaryenAddCustomSection(mod, GW_BATCH_SECTION, section, (BinaryenIndex)n);
}

gw_status gw_pass_batch(BinaryenModuleRef mod, const gw_batch_plan *plan, const char *tool_version,
                        gw_batch_stats *stats)
{
	ctx cx = {.m = mod, .plan = plan};
	ctx *c = &cx;
	memset(stats, 0, sizeof *stats);
	c->sp = BinaryenGlobalGetName(BinaryenGetGlobalByIndex(mod, plan->sp_global));
	c->head = gw_pass_unique_name(mod, "gowasm$head", "");
	c->base = gw_pass_unique_name(mod, "gowasm$base", "");
	c->flush_host = gw_pass_unique_name(mod, "gowasm$flush_host", "");
	c->flush = gw_pass_unique_name(mod, "gowasm$flush", "");
	gw_status s = c->head && c->base && c->flush_host && c->flush ? GW_OK : GW_ERR_NOMEM;
	if (!s) {
		BinaryenAddGlobal(mod, c->head, BinaryenTypeInt32(), true, i32c(c, plan->buffer_start));
		BinaryenAddGlobal(mod, c->base, BinaryenTypeInt32(), true, i32c(c, plan->buffer_start));
		s = rewrite_imports(c, stats);
	}
	if (!s) {
		add_flush(c);
		stats->functions_added++;
		s = wrap_exports(c, stats);
	}
	if (!s)
		add_batch_section(mod, plan, tool_version);
	free(c->head);
	free(c->base);
	free(c->flush_host);
	free(c->flush);
	return s;
}
