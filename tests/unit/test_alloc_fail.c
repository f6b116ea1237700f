/* SPDX-License-Identifier: MIT */
/* Allocation failure, injected: every allocation the project's own code
 * makes while it loads a module (gw_load_bytes), checks it (gw_check_run),
 * verifies a bundle (gw_verify_bundle) or batches a module (gw_pass_batch)
 * is made to fail in turn, one per run, N = 1, 2, ... up to the first run
 * that completes without meeting the failure (the model: SQLite's
 * do_faultsim_test, libgit2's cl_alloc_limit). Each run must end either in
 * GW_ERR_NOMEM or in success with exactly the result of a run without
 * failures: never a crash, a leak (the sanitizer build runs this test with
 * LeakSanitizer), another error, or another result, such as a bundle found
 * valid because a problem was lost (issue 13).
 *
 * The hook: this executable is linked with -Wl,--wrap=malloc,... so the
 * calls to malloc, calloc, realloc and strdup in the static libraries
 * linked into it (libgowasm, the packager, the passes) and in this file
 * reach __wrap_* below, which count them and fail the Nth. What other
 * libraries allocate inside (jansson, libzip, zlib, brotli, libdeflate,
 * wabt's and Binaryen's C++ new, glibc's regcomp and stdio) is not
 * counted. Under ASan, __real_malloc is ASan's interceptor.
 *
 * Usage: test_alloc_fail MODULE.wasm BUNDLE.zip, a Go fixture and a bundle
 * gowasm-pack made of it (with --gzip and --source-map, so that verifying
 * it also inflates the copy and derives the source map again). The runs are sized by a time budget, a quarter
 * of GOWASM_TEST_BUDGET seconds (default 300), shared by the four entry
 * points; the points N are taken from both ends first, then coarse to
 * fine (every 2^k-th, then the ones between), so a budget that ends early
 * still spreads over the whole range. How many N each entry point covered is printed; the rest is
 * reported as "# cut:". */
#define _GNU_SOURCE
#include <binaryen-c.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/batchplan.h"
#include "analysis/check.h"
#include "analysis/load.h"
#include "report/findings.h"
#include "report/inspect.h"
#include "passes/passes.h"
#include "packager/verify.h"
#include "tap.h"
#include "wasm/mapfile.h"

/* ---- the counting allocator ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);

static struct {
	bool armed;          /* counting: only inside the call under test */
	unsigned long count; /* allocations since armed */
	unsigned long fail;  /* fail this one (1-based); 0: none */
	bool failed;         /* the failure was injected */
} hook;

static bool fail_now(void)
{
	if (!hook.armed)
		return false;
	if (++hook.count != hook.fail)
		return false;
	hook.failed = true;
	return true;
}

void *__wrap_malloc(size_t n) { return fail_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return fail_now() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return fail_now() ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return fail_now() ? NULL : __real_strdup(s); }

static void arm(unsigned long fail)
{
	hook.count = 0;
	hook.fail = fail;
	hook.failed = false;
	hook.armed = true;
}

static void disarm(void) { hook.armed = false; }

/* ---- what each entry point returns, as text to compare ---- */

typedef struct outcome {
	gw_status status;
	char *result;        /* on GW_OK: the whole result, rendered (malloc'd) */
} outcome;

static char *take(gw_buf *b)
{
	char *s = b->oom ? NULL : b->data;
	if (!s)
		gw_buf_free(b);
	return s ? s : strdup("(out of memory rendering the result)");
}

typedef struct inputs {
	const uint8_t *module;
	size_t module_size;
	const uint8_t *bundle, *bad_bundle;
	size_t bundle_size;
	gw_loaded l;             /* the module loaded once, for the check and the pass */
	gw_batch_plan plan;
} inputs;

typedef outcome run_fn(inputs *in, unsigned long fail);

static outcome run_load(inputs *in, unsigned long fail)
{
	gw_loaded l;
	gw_error e;
	gw_error_clear(&e);
	arm(fail);
	outcome o = {gw_load_bytes(in->module, in->module_size, &l, &e), NULL};
	disarm();
	if (o.status)
		return o;
	gw_buf b;
	gw_buf_init(&b);
	gw_inspect_input ii = {"module", l.m, l.go, l.syms, &l.integrity, GW_INSPECT_FUNCTIONS | GW_INSPECT_SEGMENTS,
	                       NULL};
	/* Rendered with allocation failures off: a failure here is the
	 * test's, and shows as a result that differs from the reference. */
	gw_status js = gw_inspect_json(&b, &ii, &e);
	gw_unload(&l);
	if (js) {
		gw_buf_free(&b);
		o.result = strdup("(gw_inspect_json failed)");
	} else {
		o.result = take(&b);
	}
	return o;
}

static outcome run_check(inputs *in, unsigned long fail)
{
	gw_findings f;
	memset(&f, 0, sizeof f);
	gw_check_options opt;
	memset(&opt, 0, sizeof opt);
	opt.target = GW_TARGET_BROWSER;
	gw_error e;
	gw_error_clear(&e);
	arm(fail);
	outcome o = {gw_check_run(in->l.m, in->l.go, in->l.syms, &in->l.integrity, &opt, &f, &e), NULL};
	disarm();
	if (!o.status) {
		gw_buf b;
		gw_buf_init(&b);
		gw_check_report r = {"module", &f, NULL, GW_SEV_NOTE, false};
		gw_check_json(&r, &b);
		o.result = take(&b);
	}
	gw_findings_free(&f);
	return o;
}

static outcome verify(const uint8_t *zip, size_t len, unsigned long fail)
{
	gw_verify_report r;
	gw_error e;
	gw_error_clear(&e);
	arm(fail);
	outcome o = {gw_verify_bundle(zip, len, &r, &e), NULL};
	disarm();
	if (o.status)
		return o;
	gw_buf b;
	gw_buf_init(&b);
	gw_buf_printf(&b, "%u problems, %u entries, %s %s %s%s\n", r.n, r.entries, r.name, r.version, r.module,
	              r.batched ? " batched" : "");
	for (uint32_t i = 0; i < r.n; i++)
		gw_buf_printf(&b, "%s: %s\n", r.v[i].what, r.v[i].msg);
	gw_verify_report_free(&r);
	o.result = take(&b);
	return o;
}

static outcome run_verify(inputs *in, unsigned long fail)
{
	return verify(in->bundle, in->bundle_size, fail);
}

/* The same bundle with one entry renamed: invalid, with problems a lost
 * allocation could drop. */
static outcome run_verify_bad(inputs *in, unsigned long fail)
{
	return verify(in->bad_bundle, in->bundle_size, fail);
}

static outcome run_batch(inputs *in, unsigned long fail)
{
	/* Binaryen reads a mutable copy; neither is counted. */
	char *copy = malloc(in->module_size);
	memcpy(copy, in->module, in->module_size);
	BinaryenModuleRef mod = BinaryenModuleRead(copy, in->module_size);
	BinaryenModuleSetFeatures(mod, gw_binaryen_features(in->plan.features));
	gw_batch_stats st;
	arm(fail);
	outcome o = {gw_pass_batch(mod, &in->plan, "test", &st), NULL};
	disarm();
	if (!o.status) {
		char text[256];
		snprintf(text, sizeof text, "%u deferred, %u flushing, %u exports, %u added; %u functions, %u exports",
		         st.deferred_imports, st.flushing_imports, st.exports_wrapped, st.functions_added,
		         (unsigned)BinaryenGetNumFunctions(mod), (unsigned)BinaryenGetNumExports(mod));
		o.result = strdup(text);
	}
	BinaryenModuleDispose(mod);
	free(copy);
	return o;
}

/* ---- the runs ---- */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#define MIN_RUNS 32    /* whatever the budget: the first and last 16 */

#define ENDS 32        /* points taken first at each end of the range */

/* The points 1..total in the order they are tried: the first and last
 * ENDS (in the bundle runs, the allocations of verify's own checks before
 * and after gw_load_bytes and gw_check_run, which have runs of their
 * own), then the rest coarse to fine: the multiples of the largest power
 * of two not above total, then those of each smaller power not taken. */
static unsigned long *points(unsigned long total)
{
	unsigned long *v = malloc((total ? total : 1) * sizeof *v), n = 0, stride = 1;
	bool *seen = calloc(total + 1, 1);
	for (unsigned long i = 1; i <= ENDS && i <= total; i++) {
		unsigned long ends[2] = {i, total + 1 - i};
		for (int e = 0; e < 2; e++)
			if (!seen[ends[e]]) {
				seen[ends[e]] = true;
				v[n++] = ends[e];
			}
	}
	while (stride * 2 <= total)
		stride *= 2;
	for (; stride; stride /= 2)
		for (unsigned long p = stride; p <= total; p += stride)
			if (!seen[p]) {
				seen[p] = true;
				v[n++] = p;
			}
	free(seen);
	return v;
}

static void faultsim(const char *what, run_fn *run, inputs *in, double budget)
{
	double t0 = now();
	outcome base = run(in, 0);
	unsigned long total = hook.count;
	if (!ok(base.status == GW_OK && base.result, "item 13: %s succeeds without injected failures (%lu allocations)",
	        what, total)) {
		free(base.result);
		return;
	}
	unsigned long *order = points(total), covered = 0, failures = 0;
	for (unsigned long i = 0; i < total; i++) {
		unsigned long n = order[i];
		if (covered >= MIN_RUNS && now() - t0 > budget)
			break;
		outcome o = run(in, n);
		covered++;
		bool good = hook.failed && (o.status == GW_ERR_NOMEM || (o.status == GW_OK && !strcmp(o.result, base.result)));
		if (!good && failures++ < 5) {
			diag("%s, allocation %lu failed: %s, status %d%s%s", what, n,
			     hook.failed ? "injected" : "never reached", (int)o.status, o.status ? "" : ", result:\n# ",
			     o.status ? "" : o.result);
		}
		free(o.result);
	}
	free(order);
	ok(failures == 0, "item 13: %s: each of %lu runs with one allocation failing ends in out of memory or in the "
	   "same result", what, covered);
	outcome last = run(in, total + 1);
	ok(last.status == GW_OK && !hook.failed && last.result && !strcmp(last.result, base.result),
	   "item 13: %s: failing allocation %lu, one past the last, is never reached and changes nothing", what,
	   total + 1);
	free(last.result);
	if (covered < total)
		printf("# cut: alloc-fail: %s: %lu of %lu allocation points in %.0f s (GOWASM_TEST_BUDGET)\n", what, covered,
		       total, budget);
	else
		diag("%s: all %lu allocation points covered", what, total);
	free(base.result);
}

/* The bundle with every copy of one entry name changed (names are stored
 * as they are, outside the CRC'd data): a file the manifest does not list,
 * and one it lists but the bundle lacks. */
static uint8_t *rename_entry(const uint8_t *zip, size_t len, const char *from, const char *to)
{
	uint8_t *bad = malloc(len);
	memcpy(bad, zip, len);
	size_t n = strlen(from), hits = 0;
	for (uint8_t *p = bad; (p = memmem(p, len - (size_t)(p - bad), from, n)) != NULL; p += n, hits++)
		memcpy(p, to, n);
	return hits ? bad : (free(bad), NULL);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s MODULE.wasm BUNDLE.zip\n", argv[0]);
		return 2;
	}
	const char *b = getenv("GOWASM_TEST_BUDGET");
	double budget = (b && atof(b) > 0 ? atof(b) : 300) / 4;
	gw_mapped_file mf, zf;
	gw_error e;
	gw_error_clear(&e);
	if (gw_map_file(argv[1], &mf, &e) || gw_map_file(argv[2], &zf, &e)) {
		fprintf(stderr, "%s: %s\n", argv[0], e.msg);
		return 2;
	}
	inputs in;
	memset(&in, 0, sizeof in);
	in.module = mf.data;
	in.module_size = mf.size;
	in.bundle = zf.data;
	in.bundle_size = zf.size;
	in.bad_bundle = rename_entry(zf.data, zf.size, "index.d.ts", "index.d.tx");
	ok(in.bad_bundle != NULL, "the bundle has an index.d.ts to rename");
	if (!ok(gw_load_bytes(mf.data, mf.size, &in.l, &e) == GW_OK, "the module loads") ||
	    !ok(gw_batch_plan_make(&in.l, GW_DEFER_ALL, &in.plan, &e) == GW_OK, "the module can be batched: %s", e.msg))
		return 1;
	BinaryenSetDebugInfo(in.l.m->has_names);

	faultsim("gw_load_bytes", run_load, &in, budget / 5);
	faultsim("gw_check_run", run_check, &in, budget / 5);
	faultsim("gw_verify_bundle (valid bundle)", run_verify, &in, budget / 5);
	if (in.bad_bundle)
		faultsim("gw_verify_bundle (invalid bundle)", run_verify_bad, &in, budget / 5);
	faultsim("gw_pass_batch", run_batch, &in, budget / 5);

	gw_unload(&in.l);
	free((void *)in.bad_bundle);
	gw_unmap_file(&mf);
	gw_unmap_file(&zf);
	return done_testing();
}
