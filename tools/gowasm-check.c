/* gowasm-check: the release gate for Go WebAssembly modules. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/gowasm.h"
#include "cli.h"

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
	       "  --fail-on SEVERITY    error (default), warning, note, or none: exit 1 when a\n"
	       "                        finding at or above it remains\n"
	       "  --allow RULE          do not report RULE (repeatable)\n"
	       "  --baseline FILE       do not report the findings FILE lists\n"
	       "                        (see gowasm-baseline(5))\n"
	       "  --write-baseline FILE write the current findings to FILE as a baseline\n"
	       "                        and exit 0\n"
	       "  --original ORIG.wasm  FILE.wasm is ORIG.wasm optimized after linking (wasm-opt):\n"
	       "                        require that it derives from ORIG.wasm, then check ORIG.wasm\n"
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
	       "  %s --write-baseline gowasm.baseline app.wasm\n"
	       "  %s --baseline gowasm.baseline --fail-on warning app.wasm\n",
	       prog, prog, prog, prog, prog, prog);
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

static void list_rules(void)
{
	size_t n;
	const gw_rule *r = gw_rules(&n);
	for (size_t i = 0; i < n; i++)
		printf("%-20s %-8s %s\n", r[i].id, gw_severity_name(r[i].severity), r[i].summary);
}

int main(int argc, char **argv)
{
	enum { O_GLUE = 256, O_COMPANION, O_TARGET, O_FORMAT, O_FAIL_ON, O_ALLOW, O_BASELINE, O_WRITE_BASELINE, O_LIST, O_ORIGINAL };
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
		{ "original", required_argument, NULL, O_ORIGINAL },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *glue_path = NULL, *output = NULL, *baseline_path = NULL, *write_baseline = NULL;
	const char *format = "text";
	const char *original = NULL;
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
		case O_LIST: list_rules(); return GW_EXIT_OK;
		case O_ORIGINAL: original = optarg; break;
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

	const char *inputs[] = { file, glue_path, baseline_path, original };
	if (gw_cli_refuse_overwrite(prog, output, inputs, 4) || gw_cli_refuse_overwrite(prog, write_baseline, inputs, 4))
		return GW_EXIT_ERROR;
	if (original) {
		if (require_derived(file, original))
			return GW_EXIT_ERROR;
		file = original;
	}

	int rc = GW_EXIT_ERROR;
	gw_error err;
	gw_error_clear(&err);
	gw_mapped_file gluef = { 0 }, basef = { 0 };
	gw_loaded l = { 0 };
	gw_findings findings = { 0 };
	gw_baseline baseline = { 0 };
	bool *suppressed = NULL;
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
	suppressed = calloc(findings.n ? findings.n : 1, sizeof *suppressed);
	if (!suppressed) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	for (uint32_t i = 0; i < findings.n; i++) {
		for (int a = 0; a < nallow; a++)
			suppressed[i] |= strcmp(findings.v[i].rule->id, allow[a]) == 0;
		suppressed[i] |= gw_baseline_has(&baseline, &findings.v[i]);
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
		free(include);
		int w = bl.oom ? -1 : gw_cli_write_output(prog, write_baseline, bl.data, bl.len);
		gw_buf_free(&bl);
		if (w)
			goto out;
		for (uint32_t i = 0; i < findings.n; i++)
			suppressed[i] = true; /* all baselined now */
	}
	gw_check_report report = { file, &findings, suppressed, fail_on, fail_never };
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
	gw_baseline_free(&baseline);
	gw_findings_free(&findings);
	gw_unload(&l);
	gw_unmap_file(&gluef);
	gw_unmap_file(&basef);
	return rc;
}
