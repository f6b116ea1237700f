/* SPDX-License-Identifier: MIT */
/* gowasm-batch: rewrites a Go js/wasm module so that bridge calls which
 * only read their arguments cross into JS in batches. */
#define _GNU_SOURCE /* pthread_setattr_default_np */
#include <pthread.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/analysis/batchplan.h"
#include "../lib/gowasm.h"
#include "../passes/passes.h"
#include "cli.h"

#ifndef GW_DATADIR
#define GW_DATADIR "/usr/local/share/gowasm"
#endif

static const char *const prog = "gowasm-batch";

static const char about[] =
	"Rewrite a Go js/wasm module (Go 1.14 or later) so that the bridge calls which\n"
	"only read their arguments (js.Value.Set, SetIndex, Delete and the finalizers'\n"
	"finalizeRef) are recorded in a buffer inside the module's unused memory and\n"
	"cross into JS in batches, replayed in order by the JS companion. Property\n"
	"names in read-only data are decoded once. The module must then be loaded\n"
	"with the companion: enableBatching(go) before instantiating.\n"
	"\n"
	"The input is checked by gowasm's own reader and by wabt before Binaryen reads\n"
	"it, and the output is validated by Binaryen, wabt and gowasm's reader before\n"
	"it is written (atomically). A module that cannot be proven safe to rewrite is\n"
	"refused with the reason.";

static const char epilogue[] =
	"Exit status: 0 rewritten (or would be, with --dry-run); 2 usage error, an\n"
	"unreadable or malformed input, a module refused as unsafe to rewrite, or an\n"
	"output that could not be validated or written.\n"
	"\n"
	"Examples:\n"
	"  gowasm-batch app.wasm -o app.batched.wasm\n"
	"  gowasm-batch --defer=finalizeRef app.wasm -o app.batched.wasm\n"
	"  cp \"$(gowasm-batch --companion-path)\" dist/\n";

typedef struct options {
	const char *output;
	unsigned defer;
	bool dry_run, json, quiet, cleanup, depth_limit;
} options;

static int opt_defer(void *ctx, const char *arg)
{
	const char *bad;
	size_t bad_len;
	if (!gw_defer_parse(arg, &((options *)ctx)->defer, &bad, &bad_len)) {
		gw_cli_usage_error(prog, "--defer: unknown import '%.*s' (expected finalizeRef, valueSet, "
		                   "valueSetIndex, valueDelete, all or none)", (int)bad_len, bad);
		return GW_EXIT_ERROR;
	}
	return GW_CLI_GO_ON;
}

/* --companion-path[=cjs|mjs]: prints where the installed companion is. */
static int companion_path(void *ctx, const char *fmt)
{
	(void)ctx;
	if (fmt && strcmp(fmt, "cjs") != 0 && strcmp(fmt, "mjs") != 0) {
		gw_cli_usage_error(prog, "--companion-path: unknown format '%s' (expected cjs or mjs)", fmt);
		return GW_EXIT_ERROR;
	}
	char name[64], path[4096];
	snprintf(name, sizeof name, "gowasm-batch.%s", fmt ? fmt : "cjs");
	if (gw_cli_data_file(name, path, sizeof path) != 0) {
		fprintf(stderr, "%s: the JS companion (%s) is not installed next to this program nor in %s\n", prog,
		        name, GW_DATADIR);
		return GW_EXIT_ERROR;
	}
	gw_buf b;
	gw_buf_init(&b);
	gw_buf_printf(&b, "%s\n", path);
	int rc = gw_cli_emit(prog, NULL, &b, 0);
	gw_buf_free(&b);
	return rc ? GW_EXIT_ERROR : GW_EXIT_OK;
}

static int parse_options(int argc, char **argv, options *o, const char **file)
{
	const gw_cli_option table[] = {
		{ "output", 'o', "FILE", "write the batched module to FILE (required)", 0, NULL, &o->output, NULL },
		{ "defer", 0, "LIST", "imports to defer, comma-separated: finalizeRef,\n"
		  "valueSet, valueSetIndex, valueDelete, all (default),\nor none", 0, NULL, NULL, opt_defer },
		{ "dry-run", 'n', NULL, "check and report what would be rewritten; write nothing", 0, &o->dry_run, NULL,
		  NULL },
		{ "json", 0, NULL, "report as JSON on stdout", 0, &o->json, NULL, NULL },
		{ "quiet", 'q', NULL, "no report on success", 0, &o->quiet, NULL, NULL },
		{ "no-cleanup", 0, NULL, "skip the cleanup passes (for measurements only: the\nmodule gets slower)",
		  GW_CLI_CLEAR, &o->cleanup, NULL, NULL },
		{ "no-depth-limit", 0, NULL, "hand deeper code than the limits to Binaryen (for\n"
		  "measurements only: it may crash)", GW_CLI_CLEAR, &o->depth_limit, NULL, NULL },
		{ "companion-path", 0, "FMT", "print where the installed JS companion is (cjs, the\n"
		  "default, or mjs) and exit", GW_CLI_OPTIONAL, NULL, NULL, companion_path },
		{ NULL, 0, NULL, NULL, 0, NULL, NULL, NULL },
	};
	const gw_cli_tool tool = { prog, "[OPTIONS] IN.wasm -o OUT.wasm\n--companion-path[=cjs|mjs]", about, table,
	                           epilogue, o, 1, 1, NULL, NULL };
	int next, rc = gw_cli_parse(&tool, argc, argv, &next);
	if (rc != GW_CLI_GO_ON)
		return rc;
	*file = argv[next];
	if (!o->output && !o->dry_run) {
		gw_cli_usage_error(prog, "no output file: use -o OUT.wasm (or --dry-run)");
		return GW_EXIT_ERROR;
	}
	if (o->output && (strcmp(o->output, "-") == 0)) {
		gw_cli_usage_error(prog, "-o -: a module is binary; name an output file");
		return GW_EXIT_ERROR;
	}
	return gw_cli_refuse_overwrite(prog, o->output, file, 1) ? GW_EXIT_ERROR : GW_CLI_GO_ON;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct report {
	const char *in, *out;
	const gw_batch_plan *plan;
	const gw_batch_stats *stats;
	const char *go_version;
	size_t in_size, out_size;
	double seconds;
	bool dry_run, cleanup;
} report;

static void report_text(gw_buf *b, const report *r)
{
	const gw_batch_plan *p = r->plan;
	gw_buf_printf(b, "%s: %s (%s, module \"%s\")%s\n", prog, r->in, r->go_version, p->abi_module,
	              r->dry_run ? ": can be batched (dry run, nothing written)" : "");
	for (unsigned i = 0; i < GW_DEFER_COUNT; i++) {
		if (!(p->requested & (1u << i)))
			continue;
		gw_buf_printf(b, "  %-26s %s", gw_defer_import_name(i),
		              p->deferred & (1u << i) ? "deferred" : "not imported");
		if (p->deferred & (1u << i))
			gw_buf_printf(b, ", %llu call site%s", (unsigned long long)p->sites[i], p->sites[i] == 1 ? "" : "s");
		gw_buf_putc(b, '\n');
	}
	gw_buf_printf(b, "  other host imports         %u, flush first (%llu call sites)\n", p->other_imports,
	              (unsigned long long)p->other_sites);
	gw_buf_printf(b, "  exports flushing on return %u\n", p->exports_wrapped);
	gw_buf_printf(b, "  buffer                     0x%x-0x%x (%u bytes; end of text 0x%llx, first data 0x%x)\n",
	              p->buffer_start, p->buffer_end, p->buffer_end - p->buffer_start, (unsigned long long)p->etext,
	              p->first_data);
	gw_buf_printf(b, "  read-only names            0x%x-0x%x\n", p->ro_start, p->ro_end);
	if (!r->dry_run)
		gw_buf_printf(b, "  wrote %s: %zu bytes (input %zu, %+.2f%%), %u functions added, cleanup %s, %.2f s\n",
		              r->out, r->out_size, r->in_size,
		              r->in_size ? 100.0 * ((double)r->out_size - (double)r->in_size) / (double)r->in_size : 0.0,
		              r->stats->functions_added, r->cleanup ? "on" : "off", r->seconds);
}

static void report_json(gw_buf *b, const report *r)
{
	const gw_batch_plan *p = r->plan;
	gw_json j;
	gw_json_init(&j, b);
	gw_json_object_begin(&j, NULL);
	gw_json_string(&j, "schema", "gowasm-batch/1");
	gw_json_string(&j, "input", r->in);
	if (r->dry_run)
		gw_json_null(&j, "output");
	else
		gw_json_string(&j, "output", r->out);
	gw_json_bool(&j, "dry_run", r->dry_run);
	gw_json_string(&j, "go_version", r->go_version);
	gw_json_string(&j, "import_module", p->abi_module);
	gw_json_int(&j, "protocol", GW_BATCH_PROTOCOL);
	gw_json_array_begin(&j, "deferred");
	for (unsigned i = 0; i < GW_DEFER_COUNT; i++) {
		if (!(p->deferred & (1u << i)))
			continue;
		gw_json_object_begin(&j, NULL);
		gw_json_string(&j, "import", gw_defer_import_name(i));
		gw_json_uint(&j, "call_sites", p->sites[i]);
		gw_json_object_end(&j);
	}
	gw_json_array_end(&j);
	gw_json_array_begin(&j, "not_imported");
	for (unsigned i = 0; i < GW_DEFER_COUNT; i++)
		if ((p->requested & (1u << i)) && !(p->deferred & (1u << i)))
			gw_json_string(&j, NULL, gw_defer_import_name(i));
	gw_json_array_end(&j);
	gw_json_uint(&j, "flushing_imports", p->other_imports);
	gw_json_uint(&j, "flushing_call_sites", p->other_sites);
	gw_json_uint(&j, "exports_wrapped", p->exports_wrapped);
	gw_json_object_begin(&j, "buffer");
	gw_json_uint(&j, "start", p->buffer_start);
	gw_json_uint(&j, "end", p->buffer_end);
	gw_json_uint(&j, "size", p->buffer_end - p->buffer_start);
	gw_json_uint(&j, "etext", p->etext);
	gw_json_uint(&j, "first_data", p->first_data);
	gw_json_object_end(&j);
	gw_json_object_begin(&j, "readonly");
	gw_json_uint(&j, "start", p->ro_start);
	gw_json_uint(&j, "end", p->ro_end);
	gw_json_object_end(&j);
	gw_json_object_begin(&j, "code_depth");
	gw_json_uint(&j, "control", p->depth.control);
	gw_json_uint(&j, "loops_ifs", p->depth.loops_ifs);
	gw_json_uint(&j, "expression", p->depth.expression);
	gw_json_object_end(&j);
	gw_json_array_begin(&j, "features");
	for (unsigned i = 0; i < GW_FEAT_COUNT; i++)
		if (p->features & (1u << i))
			gw_json_string(&j, NULL, gw_feature_name(i));
	gw_json_array_end(&j);
	if (!r->dry_run) {
		gw_json_uint(&j, "input_size", r->in_size);
		gw_json_uint(&j, "output_size", r->out_size);
		gw_json_uint(&j, "functions_added", r->stats->functions_added);
		gw_json_bool(&j, "cleanup", r->cleanup);
	}
	gw_json_object_end(&j);
	gw_buf_putc(b, '\n');
}

/* wabt's validator, on the input and the output. */
static int wabt_accepts(const uint8_t *data, size_t size, const char *what, const char *file)
{
	char msg[256];
	if (gw_wabt_validate(data, size, msg, sizeof msg) != 0) {
		gw_cli_fail(prog, file, "%s rejected by wabt's validator: %s", what, msg);
		return -1;
	}
	return 0;
}

/* The rewritten module read back by our own reader, structure and every
 * body, then by wabt. (The input went through both in gw_load, which
 * decodes every body, and wabt_accepts.) */
static int output_reads_back(const uint8_t *data, size_t size, const char *file)
{
	gw_error err;
	gw_error_clear(&err);
	gw_module *m = NULL;
	gw_status s = gw_module_parse(data, size, &m, &err);
	if (!s)
		s = gw_module_check_code(m, &err);
	gw_module_free(m);
	if (s) {
		gw_cli_fail(prog, file, "the rewritten module does not read back: %s (a bug; nothing written)", err.msg);
		return -1;
	}
	return wabt_accepts(data, size, "output", file);
}

static int batch_main(int argc, char **argv)
{
	options o = { .defer = GW_DEFER_ALL, .cleanup = true, .depth_limit = true };
	const char *file;
	int prc = parse_options(argc, argv, &o, &file);
	if (prc != GW_CLI_GO_ON)
		return prc;
	const char *output = o.output;
	bool dry_run = o.dry_run, cleanup = o.cleanup;
	double t0 = now();
	gw_loaded l;
	if (gw_cli_load(prog, file, false, &l))
		return GW_EXIT_ERROR;
	gw_error err;
	gw_error_clear(&err);
	int rc = GW_EXIT_ERROR;
	gw_batch_plan plan;
	gw_batch_stats stats;
	memset(&stats, 0, sizeof stats);
	gw_buf out;
	gw_buf_init(&out);
	BinaryenModuleRef mod = NULL;
	char *copy = NULL;
	BinaryenModuleAllocateAndWriteResult written = {0};

	if (gw_batch_plan_make(&l, o.defer | (o.depth_limit ? 0 : GW_BATCH_NO_DEPTH_LIMIT), &plan, &err)) {
		if (err.status == GW_ERR_UNSUPPORTED && err.offset != GW_NO_OFFSET)
			gw_cli_fail(prog, file, "offset 0x%zx: cannot batch: %s", err.offset, err.msg);
		else if (err.status == GW_ERR_UNSUPPORTED)
			gw_cli_fail(prog, file, "cannot batch: %s", err.msg);
		else
			gw_cli_error(prog, file, &err);
		goto done;
	}
	if (wabt_accepts(l.file.data, l.file.size, "input", file))
		goto done;

	report r = {
		.in = file, .out = output, .plan = &plan, .stats = &stats, .go_version = l.go->version.text,
		.in_size = l.file.size, .dry_run = dry_run, .cleanup = cleanup,
	};
	if (!dry_run) {
		/* Binaryen takes a mutable buffer; the input stays untouched. */
		copy = malloc(l.file.size ? l.file.size : 1);
		if (!copy) {
			fprintf(stderr, "%s: out of memory\n", prog);
			goto done;
		}
		memcpy(copy, l.file.data, l.file.size);
		BinaryenSetDebugInfo(l.m->has_names);
		mod = BinaryenModuleRead(copy, l.file.size);
		BinaryenModuleSetFeatures(mod, gw_binaryen_features(plan.features));
		if (gw_pass_batch(mod, &plan, GW_VERSION, &stats) || gw_pass_rodata(mod, &plan)) {
			gw_cli_fail(prog, file, "out of memory while rewriting the module (nothing written)");
			goto done;
		}
		if (cleanup)
			gw_pass_cleanup(mod);
		if (!BinaryenModuleValidate(mod)) {
			gw_cli_fail(prog, file, "Binaryen rejects the rewritten module (a bug; nothing written)");
			goto done;
		}
		written = BinaryenModuleAllocateAndWrite(mod, NULL);
		if (!written.binary || output_reads_back(written.binary, written.binaryBytes, file))
			goto done;
		if (gw_cli_write_output(prog, output, written.binary, written.binaryBytes))
			goto done;
		r.out_size = written.binaryBytes;
	}
	r.seconds = now() - t0;
	if (o.json)
		report_json(&out, &r);
	else if (!o.quiet)
		report_text(&out, &r);
	if (gw_cli_emit(prog, NULL, &out, !o.json))
		goto done;
	rc = GW_EXIT_OK;
done:
	if (mod)
		BinaryenModuleDispose(mod);
	free(written.binary);
	free(written.sourceMap);
	free(copy);
	gw_buf_free(&out);
	gw_unload(&l);
	return rc;
}

/* Binaryen and wabt recurse over nested code on the C stack. The depth
 * limits the plan enforces (man page, LIMITS) were measured with this
 * stack, so the tool runs on a thread of its own with this much stack,
 * and so do Binaryen's worker threads, whatever `ulimit -s` says and
 * however much stack a build's frames take (sanitizers). Only the pages
 * used are ever touched. */
#define GW_BATCH_STACK ((size_t)256 << 20)

typedef struct batch_args {
	int argc;
	char **argv;
	int rc;
} batch_args;

static void *batch_thread(void *p)
{
	batch_args *a = p;
	a->rc = batch_main(a->argc, a->argv);
	return NULL;
}

int main(int argc, char **argv)
{
	batch_args a = { argc, argv, GW_EXIT_ERROR };
	pthread_attr_t attr;
	pthread_t t;
	if (pthread_attr_init(&attr) == 0) {
		bool ok = pthread_attr_setstacksize(&attr, GW_BATCH_STACK) == 0;
		if (ok)
			pthread_setattr_default_np(&attr); /* for Binaryen's thread pool */
		ok = ok && pthread_create(&t, &attr, batch_thread, &a) == 0;
		pthread_attr_destroy(&attr);
		if (ok && pthread_join(t, NULL) == 0)
			return a.rc;
	}
	fprintf(stderr, "%s: cannot start a thread with a %zu MiB stack\n", prog, GW_BATCH_STACK >> 20);
	return GW_EXIT_ERROR;
}
