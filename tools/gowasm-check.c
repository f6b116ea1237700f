/* SPDX-License-Identifier: MIT */
/* gowasm-check: the release gate for Go WebAssembly modules. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/gowasm.h"
#include "cli.h"
#include "srcroot.h"

static const char *const prog = "gowasm-check";

static const char about[] =
	"Check a Go WebAssembly module before it is published: js.Func leaks, bridge\n"
	"calls in loops, missing js.Value finalizers, symbol-table integrity, the\n"
	"wasm_exec.js glue it needs, and the host facilities it reaches. Findings are\n"
	"placed at the Go source file:line (stripped modules too) and name the Go\n"
	"function. The file is only read.";

static const char epilogue[] =
	"Exit status: 0 no finding at or above --fail-on; 1 findings; 2 usage error, or\n"
	"an unreadable, malformed or non-WebAssembly file (or glue, or baseline).\n"
	"\n"
	"Examples:\n"
	"  gowasm-check app.wasm\n"
	"  gowasm-check --glue wasm_exec.js --target browser app.wasm\n"
	"  gowasm-check --format sarif -o gowasm.sarif app.wasm\n"
	"  gowasm-check --source-root . --sarif-output gowasm.sarif app.wasm\n"
	"  gowasm-check --write-baseline gowasm.baseline app.wasm\n"
	"  gowasm-check --baseline gowasm.baseline --fail-on warning app.wasm\n";

typedef enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF } format;

typedef struct options {
	const char *glue_path, *output, *baseline_path, *write_baseline, *sarif_output, *source_root, *original;
	format format;
	const gw_rule *allow[64];
	int nallow;
	gw_check_options check;
	bool companion;
	gw_severity fail_on;
	bool fail_never;
} options;

/* The first of `names` equal to `arg`, or -1. */
static int pick(const char *arg, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(arg, names[i]))
			return i;
	return -1;
}

static int opt_target(void *ctx, const char *arg)
{
	static const char *const names[] = { "browser", "node" };
	static const gw_target targets[] = { GW_TARGET_BROWSER, GW_TARGET_NODE };
	int i = pick(arg, names, 2);
	if (i < 0) {
		gw_cli_usage_error(prog, "--target must be browser or node, not '%s'", arg);
		return GW_EXIT_ERROR;
	}
	((options *)ctx)->check.target = targets[i];
	return GW_CLI_GO_ON;
}

static int opt_format(void *ctx, const char *arg)
{
	static const char *const names[] = { "text", "json", "sarif" };
	int i = pick(arg, names, 3);
	if (i < 0) {
		gw_cli_usage_error(prog, "--format must be text, json or sarif, not '%s'", arg);
		return GW_EXIT_ERROR;
	}
	((options *)ctx)->format = (format)i;
	return GW_CLI_GO_ON;
}

static int opt_fail_on(void *ctx, const char *arg)
{
	static const char *const names[] = { "error", "warning", "note", "none" };
	static const gw_severity sev[] = { GW_SEV_ERROR, GW_SEV_WARNING, GW_SEV_NOTE, GW_SEV_ERROR };
	options *o = ctx;
	int i = pick(arg, names, 4);
	if (i < 0) {
		gw_cli_usage_error(prog, "--fail-on must be error, warning, note or none, not '%s'", arg);
		return GW_EXIT_ERROR;
	}
	o->fail_on = sev[i];
	o->fail_never = i == 3;
	return GW_CLI_GO_ON;
}

static int opt_allow(void *ctx, const char *arg)
{
	options *o = ctx;
	if (!gw_rule_find(arg)) {
		gw_cli_usage_error(prog, "--allow: no rule '%s' (--list-rules lists them)", arg);
		return GW_EXIT_ERROR;
	}
	if (o->nallow == (int)(sizeof o->allow / sizeof o->allow[0])) {
		gw_cli_usage_error(prog, "too many --allow options");
		return GW_EXIT_ERROR;
	}
	o->allow[o->nallow++] = gw_rule_find(arg);
	return GW_CLI_GO_ON;
}

static int list_rules(void *ctx, const char *arg)
{
	(void)ctx;
	(void)arg;
	size_t n;
	const gw_rule *r = gw_rules(&n);
	gw_buf b;
	gw_buf_init(&b);
	for (size_t i = 0; i < n; i++)
		gw_buf_printf(&b, "%-20s %-8s %s\n", r[i].id, gw_severity_name(r[i].severity), r[i].summary);
	int rc = gw_cli_emit(prog, NULL, &b, 0);
	gw_buf_free(&b);
	return rc ? GW_EXIT_ERROR : GW_EXIT_OK;
}

/* --sarif-output naming the file of -o or --write-baseline, or standard
 * output when the report goes there too: a usage error (returns -1). */
static int sarif_output_clash(const char *sarif, const char *output, const char *write_baseline, bool machine_format)
{
	if (!sarif)
		return 0;
	bool clash = false;
	if (strcmp(sarif, "-") == 0)
		clash = output ? strcmp(output, "-") == 0 : machine_format;
	const char *outputs[] = { output, write_baseline };
	for (int i = 0; i < 2 && !clash; i++)
		clash = outputs[i] && strcmp(outputs[i], "-") &&
		        (strcmp(sarif, outputs[i]) == 0 || gw_cli_same_file(sarif, outputs[i]));
	if (clash)
		gw_cli_usage_error(prog, "--sarif-output %s: also named as another output", sarif);
	return clash ? -1 : 0;
}

static int parse_options(int argc, char **argv, options *o, const char **file)
{
	const gw_cli_option table[] = {
		{ "glue", 0, "FILE", "check the module against this wasm_exec.js", 0, NULL, &o->glue_path, NULL },
		{ "companion", 0, NULL, "the glue runs with the gowasm-batch companion\n"
		  "(enableBatching), which a batched module needs", 0, &o->companion, NULL, NULL },
		{ "target", 0, "TARGET", "browser or node: where the module will run", 0, NULL, NULL, opt_target },
		{ "format", 0, "FORMAT", "text (default), json, or sarif (SARIF 2.1.0)", 0, NULL, NULL, opt_format },
		{ "output", 'o', "FILE", "write the report to FILE (replaced atomically)", 0, NULL, &o->output, NULL },
		{ "sarif-output", 0, "FILE", "also write the report as SARIF 2.1.0 to FILE", 0, NULL, &o->sarif_output,
		  NULL },
		{ "source-root", 0, "DIR", "place files relative to DIR (the repository): SARIF\n"
		  "URIs relative to %SRCROOT%; -trimpath module paths\n"
		  "mapped to the folder of DIR holding the module's go.mod", 0, NULL, &o->source_root, NULL },
		{ "fail-on", 0, "SEVERITY", "error (default), warning, note, or none: exit 1 when a\n"
		  "finding at or above it remains", 0, NULL, NULL, opt_fail_on },
		{ "allow", 0, "RULE", "do not report RULE (repeatable)", 0, NULL, NULL, opt_allow },
		{ "baseline", 0, "FILE", "do not report the findings FILE lists\n(see gowasm-baseline(5))", 0, NULL,
		  &o->baseline_path, NULL },
		{ "write-baseline", 0, "FILE", "write the current findings to FILE as a baseline\nand exit 0", 0, NULL,
		  &o->write_baseline, NULL },
		{ "original", 0, "ORIG.wasm", "FILE.wasm is ORIG.wasm optimized after linking\n"
		  "(wasm-opt): require that it derives from ORIG.wasm,\nthen check ORIG.wasm", 0, NULL, &o->original, NULL },
		{ "list-rules", 0, NULL, "list the rules and exit", 0, NULL, NULL, list_rules },
		{ NULL, 0, NULL, NULL, 0, NULL, NULL, NULL },
	};
	const gw_cli_tool tool = { prog, "[OPTIONS] FILE.wasm", about, table, epilogue, o, 1, 1, NULL, NULL };
	int next, rc = gw_cli_parse(&tool, argc, argv, &next);
	if (rc != GW_CLI_GO_ON)
		return rc;
	*file = argv[next];
	o->check.glue_alone = !o->companion;
	const char *inputs[] = { *file, o->glue_path, o->baseline_path, o->original };
	if (gw_cli_refuse_overwrite(prog, o->output, inputs, 4) || gw_cli_refuse_overwrite(prog, o->write_baseline, inputs, 4) ||
	    gw_cli_refuse_overwrite(prog, o->sarif_output, inputs, 4) ||
	    sarif_output_clash(o->sarif_output, o->output, o->write_baseline, o->format != FORMAT_TEXT))
		return GW_EXIT_ERROR;
	return GW_CLI_GO_ON;
}

/* The glue and the baseline, read before the module. */
typedef struct side_inputs {
	gw_mapped_file glue, base;
	gw_baseline baseline;
} side_inputs;

static int read_side_inputs(const options *o, gw_check_options *copt, side_inputs *s)
{
	if (o->glue_path) {
		if (gw_cli_map_input(prog, o->glue_path, (size_t)16 << 20, "glue or baseline file", &s->glue))
			return -1;
		copt->glue = s->glue.data;
		copt->glue_len = s->glue.size;
	}
	if (o->baseline_path) {
		gw_error err;
		gw_error_clear(&err);
		if (gw_cli_map_input(prog, o->baseline_path, (size_t)16 << 20, "glue or baseline file", &s->base))
			return -1;
		if (gw_baseline_parse(s->base.data, s->base.size, &s->baseline, &err)) {
			gw_cli_error(prog, o->baseline_path, &err);
			return -1;
		}
	}
	return 0;
}

static void free_side_inputs(side_inputs *s)
{
	gw_baseline_free(&s->baseline);
	gw_unmap_file(&s->glue);
	gw_unmap_file(&s->base);
}

/* Which findings are not reported: --allow, and the baseline (those are
 * also marked in `baselined`, kept in SARIF as suppressed). */
static int suppressions(const options *o, const gw_findings *f, const gw_baseline *baseline, bool **suppressed,
                        bool **baselined)
{
	*suppressed = calloc(f->n ? f->n : 1, sizeof **suppressed);
	*baselined = calloc(f->n ? f->n : 1, sizeof **baselined);
	if (!*suppressed || !*baselined) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	for (uint32_t i = 0; i < f->n; i++) {
		for (int a = 0; a < o->nallow; a++)
			(*suppressed)[i] |= f->v[i].rule == o->allow[a];
		(*baselined)[i] = !(*suppressed)[i] && gw_baseline_has(baseline, &f->v[i]);
		(*suppressed)[i] |= (*baselined)[i];
	}
	return 0;
}

/* --write-baseline: what is reported now, and what the old baseline had;
 * everything is then suppressed, as in the baseline written. */
static int write_baseline(const options *o, const gw_findings *f, const gw_baseline *baseline, bool *suppressed,
                          bool *baselined)
{
	bool *include = calloc(f->n ? f->n : 1, sizeof *include);
	if (!include) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	for (uint32_t i = 0; i < f->n; i++)
		include[i] = !suppressed[i] || gw_baseline_has(baseline, &f->v[i]);
	gw_buf bl;
	gw_buf_init(&bl);
	gw_baseline_write(f, include, &bl);
	int w = gw_cli_emit(prog, o->write_baseline, &bl, 0);
	gw_buf_free(&bl);
	for (uint32_t i = 0; i < f->n && !w; i++) {
		suppressed[i] = true;
		baselined[i] = include[i];
	}
	free(include);
	return w;
}

/* The report in its format: text on stderr like any compiler's
 * diagnostics, unless -o; -o is always written, empty when clean, so that
 * no stale report remains. */
/* --sarif-output: the SARIF log of `report`, written atomically. Returns
 * 0, or -1 after printing an error. */
static int write_sarif(const char *path, const gw_check_report *report)
{
	gw_buf b;
	gw_buf_init(&b);
	gw_check_sarif(report, &b);
	int rc = b.oom ? -1 : gw_cli_emit(prog, path, &b, 0);
	if (b.oom)
		fprintf(stderr, "%s: out of memory\n", prog);
	gw_buf_free(&b);
	return rc;
}

static int print_report(const options *o, const gw_check_report *report)
{
	gw_buf b;
	gw_buf_init(&b);
	if (o->format == FORMAT_JSON)
		gw_check_json(report, &b);
	else if (o->format == FORMAT_SARIF)
		gw_check_sarif(report, &b);
	else
		gw_check_text(report, &b);
	bool text = o->format == FORMAT_TEXT;
	int rc;
	if (b.oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		rc = -1;
	} else if (text && !o->output) {
		rc = gw_cli_print_text(stderr, prog, b.data, b.len);
	} else {
		rc = gw_cli_emit(prog, o->output, &b, text);
	}
	gw_buf_free(&b);
	return rc;
}

/* Runs the rules on the loaded module; a glue that is not one is the
 * glue's fault. */
static int run_rules(const char *file, const options *o, const gw_check_options *copt, gw_loaded *l,
                     gw_findings *findings)
{
	gw_error err;
	gw_error_clear(&err);
	if (l->go->producer == GW_PRODUCER_NOT_GO) {
		gw_cli_fail(prog, file, "not a Go WebAssembly module");
		return -1;
	}
	if (gw_check_run(l->m, l->go, l->syms, &l->integrity, copt, findings, &err)) {
		/* A glue that is not one is the glue's fault. */
		gw_cli_error(prog, err.input == GW_INPUT_GLUE && o->glue_path ? o->glue_path : file, &err);
		return -1;
	}
	return 0;
}

/* --original: the optimized module must derive from the original (same
 * build id, initial memory, exports; imports a subset); the findings are
 * then the original's. Returns 0, or 2 after saying why on stderr. */
static int require_derived(const char *optimized, const char *original)
{
	gw_error err;
	gw_error_clear(&err);
	gw_loaded a = { 0 }, b = { 0 };
	char why[256];
	bool derived = false;
	int rc = GW_EXIT_ERROR;
	if (gw_load(original, &a, &err)) {
		gw_cli_error(prog, original, &err);
	} else if (gw_load(optimized, &b, &err)) {
		gw_cli_error(prog, optimized, &err);
	} else if (gw_module_derived_from(a.m, b.m, &derived, why, sizeof why, &err)) {
		gw_cli_error(prog, optimized, &err);
	} else if (!derived) {
		fprintf(stderr, "%s: %s: not an optimized copy of %s: %s\n", prog, optimized, original, why);
	} else {
		rc = GW_EXIT_OK;
	}
	gw_unload(&a);
	gw_unload(&b);
	return rc;
}

static int check_file(const char *file, const options *o)
{
	int rc = GW_EXIT_ERROR;
	gw_check_options copt = o->check;
	side_inputs side = { 0 };
	gw_loaded l = { 0 };
	gw_findings findings = { 0 };
	bool *suppressed = NULL, *baselined = NULL;
	gw_cli_places places = { 0 };
	if (read_side_inputs(o, &copt, &side) || gw_cli_load(prog, file, false, &l) ||
	    run_rules(file, o, &copt, &l, &findings) || gw_cli_places_resolve(prog, o->source_root, l.go, file, &places))
		goto out;
	if (suppressions(o, &findings, &side.baseline, &suppressed, &baselined) ||
	    (o->write_baseline && write_baseline(o, &findings, &side.baseline, suppressed, baselined)))
		goto out;
	gw_check_report report = {
		.file = file, .findings = &findings, .suppressed = suppressed, .fail_on = o->fail_on,
		.fail_never = o->fail_never, .baselined = baselined,
		.baseline_file = o->write_baseline ? o->write_baseline : o->baseline_path, .go = l.go,
		.source_root = places.source_root, .module_dir = places.module_dir, .file_path = places.file_path,
		.cwd = places.cwd,
	};
	if ((o->sarif_output && write_sarif(o->sarif_output, &report)) || print_report(o, &report))
		goto out;
	rc = gw_check_failed(&report) ? GW_EXIT_FINDINGS : GW_EXIT_OK;
out:
	free(suppressed);
	free(baselined);
	gw_cli_places_free(&places);
	gw_findings_free(&findings);
	gw_unload(&l);
	free_side_inputs(&side);
	return rc;
}

int main(int argc, char **argv)
{
	options o = { .check = { NULL, 0, GW_TARGET_ANY, true }, .fail_on = GW_SEV_ERROR };
	const char *file;
	int rc = parse_options(argc, argv, &o, &file);
	if (rc != GW_CLI_GO_ON)
		return rc;
	if (o.original) {
		if (require_derived(file, o.original))
			return GW_EXIT_ERROR;
		file = o.original;
	}
	return check_file(file, &o);
}
