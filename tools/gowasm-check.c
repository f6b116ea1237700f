/* gowasm-check: the release gate for Go WebAssembly modules. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/gowasm.h"
#include "cli.h"
#include "srcroot.h"

static const char *const prog = "gowasm-check";

static void usage(void)
{
	printf("Usage: %s [OPTIONS] FILE.wasm\n"
	       "\n"
	       "Check a Go WebAssembly module before it is published: js.Func leaks, bridge\n"
	       "calls in loops, missing js.Value finalizers, symbol-table integrity, the\n"
	       "wasm_exec.js glue it needs, and the host facilities it reaches. Findings are\n"
	       "placed at the Go source file:line (stripped modules too) and name the Go\n"
	       "function. The file is only read.\n"
	       "\n"
	       "Options:\n"
	       "  --glue FILE           check the module against this wasm_exec.js\n"
	       "  --companion           the glue runs with the gowasm-batch companion\n"
	       "                        (enableBatching), which a batched module needs\n"
	       "  --target TARGET       browser or node: where the module will run\n"
	       "  --format FORMAT       text (default), json, or sarif (SARIF 2.1.0)\n"
	       "  -o, --output FILE     write the report to FILE (replaced atomically)\n"
	       "  --sarif-output FILE   also write the report as SARIF 2.1.0 to FILE\n"
	       "  --source-root DIR     place files relative to DIR (the repository): SARIF\n"
	       "                        URIs relative to %%SRCROOT%%; -trimpath module paths\n"
	       "                        mapped to the folder of DIR holding the module's go.mod\n"
	       "  --fail-on SEVERITY    error (default), warning, note, or none: exit 1 when a\n"
	       "                        finding at or above it remains\n"
	       "  --allow RULE          do not report RULE (repeatable)\n"
	       "  --baseline FILE       do not report the findings FILE lists\n"
	       "                        (see gowasm-baseline(5))\n"
	       "  --write-baseline FILE write the current findings to FILE as a baseline\n"
	       "                        and exit 0\n"
	       "  --list-rules          list the rules and exit\n"
	       "  -h, --help            show this help and exit\n"
	       "  -V, --version         show the version and exit\n"
	       "\n"
	       "Exit status: 0 no finding at or above --fail-on; 1 findings; 2 usage error, or\n"
	       "an unreadable, malformed or non-WebAssembly file (or glue, or baseline).\n"
	       "\n"
	       "Examples:\n"
	       "  %s app.wasm\n"
	       "  %s --glue wasm_exec.js --target browser app.wasm\n"
	       "  %s --format sarif -o gowasm.sarif app.wasm\n"
	       "  %s --source-root . --sarif-output gowasm.sarif app.wasm\n"
	       "  %s --write-baseline gowasm.baseline app.wasm\n"
	       "  %s --baseline gowasm.baseline --fail-on warning app.wasm\n",
	       prog, prog, prog, prog, prog, prog, prog);
}

static void list_rules(void)
{
	size_t n;
	const gw_rule *r = gw_rules(&n);
	for (size_t i = 0; i < n; i++)
		printf("%-20s %-8s %s\n", r[i].id, gw_severity_name(r[i].severity), r[i].summary);
}

/* Writes the SARIF log of `report` to `path` (atomically). Returns 0, or
 * -1 after printing an error. */
static int write_sarif(const char *path, const gw_check_report *report)
{
	gw_buf b;
	gw_buf_init(&b);
	gw_check_sarif(report, &b);
	int rc = b.oom ? -1 : gw_cli_write_output(prog, path, b.data ? b.data : "", b.len);
	if (b.oom)
		fprintf(stderr, "%s: out of memory\n", prog);
	gw_buf_free(&b);
	return rc;
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

int main(int argc, char **argv)
{
	enum { O_GLUE = 256, O_COMPANION, O_TARGET, O_FORMAT, O_FAIL_ON, O_ALLOW, O_BASELINE, O_WRITE_BASELINE, O_LIST,
	       O_SARIF_OUTPUT, O_SOURCE_ROOT };
	static const struct option opts[] = {
		{ "glue", required_argument, NULL, O_GLUE },
		{ "companion", no_argument, NULL, O_COMPANION },
		{ "target", required_argument, NULL, O_TARGET },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "fail-on", required_argument, NULL, O_FAIL_ON },
		{ "allow", required_argument, NULL, O_ALLOW },
		{ "baseline", required_argument, NULL, O_BASELINE },
		{ "write-baseline", required_argument, NULL, O_WRITE_BASELINE },
		{ "list-rules", no_argument, NULL, O_LIST },
		{ "sarif-output", required_argument, NULL, O_SARIF_OUTPUT },
		{ "source-root", required_argument, NULL, O_SOURCE_ROOT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *glue_path = NULL, *output = NULL, *baseline_path = NULL, *write_baseline = NULL;
	const char *format = "text";
	const char *sarif_output = NULL, *source_root = NULL;
	const char *allow[64];
	int nallow = 0;
	gw_check_options copt = { NULL, 0, GW_TARGET_ANY, true };
	gw_severity fail_on = GW_SEV_ERROR;
	bool fail_never = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:hV", opts, NULL)) != -1) {
		switch (c) {
		case O_GLUE: glue_path = optarg; break;
		case O_COMPANION: copt.glue_alone = false; break;
		case 'o': output = optarg; break;
		case O_BASELINE: baseline_path = optarg; break;
		case O_WRITE_BASELINE: write_baseline = optarg; break;
		case O_TARGET:
			if (strcmp(optarg, "browser") == 0)
				copt.target = GW_TARGET_BROWSER;
			else if (strcmp(optarg, "node") == 0)
				copt.target = GW_TARGET_NODE;
			else {
				gw_cli_usage_error(prog, "--target must be browser or node, not '%s'", optarg);
				return GW_EXIT_ERROR;
			}
			break;
		case O_FORMAT:
			if (strcmp(optarg, "text") && strcmp(optarg, "json") && strcmp(optarg, "sarif")) {
				gw_cli_usage_error(prog, "--format must be text, json or sarif, not '%s'", optarg);
				return GW_EXIT_ERROR;
			}
			format = optarg;
			break;
		case O_FAIL_ON:
			if (strcmp(optarg, "error") == 0)
				fail_on = GW_SEV_ERROR;
			else if (strcmp(optarg, "warning") == 0)
				fail_on = GW_SEV_WARNING;
			else if (strcmp(optarg, "note") == 0)
				fail_on = GW_SEV_NOTE;
			else if (strcmp(optarg, "none") == 0)
				fail_never = true;
			else {
				gw_cli_usage_error(prog, "--fail-on must be error, warning, note or none, not '%s'", optarg);
				return GW_EXIT_ERROR;
			}
			break;
		case O_ALLOW:
			if (!gw_rule_find(optarg)) {
				gw_cli_usage_error(prog, "--allow: no rule '%s' (--list-rules lists them)", optarg);
				return GW_EXIT_ERROR;
			}
			if (nallow == (int)(sizeof allow / sizeof allow[0])) {
				gw_cli_usage_error(prog, "too many --allow options");
				return GW_EXIT_ERROR;
			}
			allow[nallow++] = optarg;
			break;
		case O_SARIF_OUTPUT: sarif_output = optarg; break;
		case O_SOURCE_ROOT: source_root = optarg; break;
		case O_LIST: list_rules(); return GW_EXIT_OK;
		case 'h': usage(); return GW_EXIT_OK;
		case 'V': gw_cli_version(prog); return GW_EXIT_OK;
		default:
			gw_cli_option_error(prog, c, argv, optind);
			return GW_EXIT_ERROR;
		}
	}
	const char *file = gw_cli_one_input(prog, argc, argv, optind);
	if (!file)
		return GW_EXIT_ERROR;

	const char *inputs[] = { file, glue_path, baseline_path };
	if (gw_cli_refuse_overwrite(prog, output, inputs, 3) || gw_cli_refuse_overwrite(prog, write_baseline, inputs, 3) ||
	    gw_cli_refuse_overwrite(prog, sarif_output, inputs, 3))
		return GW_EXIT_ERROR;
	if (sarif_output_clash(sarif_output, output, write_baseline, strcmp(format, "text") != 0))
		return GW_EXIT_ERROR;

	int rc = GW_EXIT_ERROR;
	gw_error err;
	gw_error_clear(&err);
	gw_mapped_file gluef = { 0 }, basef = { 0 };
	gw_loaded l = { 0 };
	gw_findings findings = { 0 };
	gw_baseline baseline = { 0 };
	bool *suppressed = NULL, *baselined = NULL;
	gw_cli_places places = { 0 };
	gw_buf b;
	gw_buf_init(&b);

	if (glue_path) {
		if (gw_cli_map_input(prog, glue_path, (size_t)16 << 20, "glue or baseline file", &gluef))
			goto out;
		copt.glue = gluef.data;
		copt.glue_len = gluef.size;
	}
	if (baseline_path) {
		if (gw_cli_map_input(prog, baseline_path, (size_t)16 << 20, "glue or baseline file", &basef))
			goto out;
		if (gw_baseline_parse(basef.data, basef.size, &baseline, &err)) {
			gw_cli_error(prog, baseline_path, &err);
			goto out;
		}
	}
	if (gw_load(file, &l, &err)) {
		gw_cli_error(prog, file, &err);
		goto out;
	}
	if (l.go->producer == GW_PRODUCER_NOT_GO) {
		gw_cli_fail(prog, file, "not a Go WebAssembly module");
		goto out;
	}
	if (gw_check_run(l.m, l.go, l.syms, &l.integrity, &copt, &findings, &err)) {
		/* A glue that is not one is the glue's fault. */
		gw_cli_error(prog, err.status == GW_ERR_FORMAT && glue_path && strstr(err.msg, "wasm_exec.js") ? glue_path
		                                                                                              : file,
		             &err);
		goto out;
	}
	if (gw_cli_places_resolve(prog, source_root, l.go, file, &places))
		goto out;
	suppressed = calloc(findings.n ? findings.n : 1, sizeof *suppressed);
	baselined = calloc(findings.n ? findings.n : 1, sizeof *baselined);
	if (!suppressed || !baselined) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	for (uint32_t i = 0; i < findings.n; i++) {
		for (int a = 0; a < nallow; a++)
			suppressed[i] |= strcmp(findings.v[i].rule->id, allow[a]) == 0;
		baselined[i] = !suppressed[i] && gw_baseline_has(&baseline, &findings.v[i]);
		suppressed[i] |= baselined[i];
	}
	if (write_baseline) {
		bool *include = calloc(findings.n ? findings.n : 1, sizeof *include);
		if (!include) {
			fprintf(stderr, "%s: out of memory\n", prog);
			goto out;
		}
		for (uint32_t i = 0; i < findings.n; i++)
			include[i] = !suppressed[i] || gw_baseline_has(&baseline, &findings.v[i]);
		gw_buf bl;
		gw_buf_init(&bl);
		gw_baseline_write(&findings, include, &bl);
		int w = bl.oom ? -1 : gw_cli_write_output(prog, write_baseline, bl.data, bl.len);
		gw_buf_free(&bl);
		if (w) {
			free(include);
			goto out;
		}
		for (uint32_t i = 0; i < findings.n; i++) {
			baselined[i] = include[i];
			suppressed[i] = true; /* all baselined now */
		}
		free(include);
	}
	gw_check_report report = {
		.file = file, .findings = &findings, .suppressed = suppressed, .fail_on = fail_on, .fail_never = fail_never,
		.baselined = baselined, .baseline_file = write_baseline ? write_baseline : baseline_path, .go = l.go,
		.source_root = places.source_root, .module_dir = places.module_dir, .file_path = places.file_path,
		.cwd = places.cwd,
	};
	if (sarif_output && write_sarif(sarif_output, &report))
		goto out;
	if (strcmp(format, "json") == 0)
		gw_check_json(&report, &b);
	else if (strcmp(format, "sarif") == 0)
		gw_check_sarif(&report, &b);
	else
		gw_check_text(&report, &b);
	if (b.oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	/* Text goes to stderr like any compiler's diagnostics, unless -o. */
	bool text = strcmp(format, "text") == 0;
	if (text && !output) {
		if (gw_cli_print_text(stderr, prog, b.data, b.len))
			goto out;
	} else if (gw_cli_write_report(prog, output, b.data ? b.data : "", b.len, text)) {
		goto out; /* -o is always written, empty when clean: no stale report */
	}
	rc = gw_check_failed(&report) ? GW_EXIT_FINDINGS : GW_EXIT_OK;
out:
	gw_buf_free(&b);
	free(suppressed);
	free(baselined);
	gw_cli_places_free(&places);
	gw_baseline_free(&baseline);
	gw_findings_free(&findings);
	gw_unload(&l);
	gw_unmap_file(&gluef);
	gw_unmap_file(&basef);
	return rc;
}
