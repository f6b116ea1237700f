/* SPDX-License-Identifier: MIT */
/* gowasm-inspect: what a Go WebAssembly module is. */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "../lib/gowasm.h"
#include "cli.h"

static const char *const prog = "gowasm-inspect";

typedef struct options {
	bool json, functions, segments, packages;
	const char *calls, *output;
} options;

static const char about[] =
	"Describe a Go WebAssembly module: producer (Go gc js/wasm or wasip1, TinyGo,\n"
	"or not Go), Go version and import ABI, build id and build information (main\n"
	"module, dependencies, settings), sections, imports with their role, exports,\n"
	"the number of call sites per host import, the Go symbol table (function names,\n"
	"files and lines from runtime.pclntab), code size by Go package, and symbol-table\n"
	"integrity. Works on stripped modules. The file is only read.";

static const char epilogue[] =
	"Exit status: 0 the module was read; 2 usage error (--calls of a name the\n"
	"module does not have), or the file is unreadable, malformed or not WebAssembly.\n"
	"\n"
	"Examples:\n"
	"  gowasm-inspect app.wasm\n"
	"  gowasm-inspect --json app.wasm | jq .go_version\n"
	"  gowasm-inspect --json -o app.inspect.json app.wasm\n"
	"  gowasm-inspect --calls syscall/js.FuncOf app.wasm\n"
	"  gowasm-inspect --packages app.wasm\n";

static int parse_options(int argc, char **argv, options *o, const char **file)
{
	const gw_cli_option table[] = {
		{ "json", 0, NULL, "print the report as JSON (schema \"" GW_INSPECT_SCHEMA "\",\n"
		  "see gowasm-inspect(1))", 0, &o->json, NULL, NULL },
		{ "functions", 0, NULL, "also list every defined function (index, body size, name)", 0, &o->functions,
		  NULL, NULL },
		{ "segments", 0, NULL, "also list every data segment (address, size)", 0, &o->segments, NULL, NULL },
		{ "packages", 0, NULL, "list every Go package in the code size breakdown", 0, &o->packages, NULL, NULL },
		{ "calls", 0, "NAME", "list the call sites of NAME, a Go function (syscall/js.FuncOf)\n"
		  "or a host import (syscall/js.valueGet), at file:line with the\n"
		  "functions they were inlined into", 0, NULL, &o->calls, NULL },
		{ "output", 'o', "FILE", "write the report to FILE (replaced atomically)", 0, NULL, &o->output, NULL },
		{ NULL, 0, NULL, NULL, 0, NULL, NULL, NULL },
	};
	const gw_cli_tool tool = { prog, "[OPTIONS] FILE.wasm", about, table, epilogue, NULL, 1, 1, NULL, NULL };
	int next, rc = gw_cli_parse(&tool, argc, argv, &next);
	if (rc != GW_CLI_GO_ON)
		return rc;
	*file = argv[next];
	return gw_cli_refuse_overwrite(prog, o->output, file, 1) ? GW_EXIT_ERROR : GW_CLI_GO_ON;
}

/* The report of one module. */
static int inspect_file(const char *file, const options *o)
{
	gw_loaded l;
	if (gw_cli_load(prog, file, false, &l))
		return GW_EXIT_ERROR;
	int rc = GW_EXIT_ERROR;
	const char *calls = o->calls;
	if (calls && !gw_go_name_known(l.m, l.go, l.syms, (gw_str){ (const uint8_t *)calls, (uint32_t)strlen(calls) })) {
		gw_cli_fail(prog, file, "--calls %s: no Go function, inlined function or host import of that name "
		            "in the module", calls);
		gw_unload(&l);
		return GW_EXIT_ERROR;
	}
	unsigned flags = (o->functions ? GW_INSPECT_FUNCTIONS : 0) | (o->segments ? GW_INSPECT_SEGMENTS : 0) |
	                 (o->packages ? GW_INSPECT_PACKAGES : 0);
	gw_inspect_input in = { file, l.m, l.go, l.syms, &l.integrity, flags, calls };
	gw_error err;
	gw_error_clear(&err);
	gw_buf b;
	gw_buf_init(&b);
	if ((o->json ? gw_inspect_json(&b, &in, &err) : gw_inspect_text(&b, &in, &err)) != GW_OK)
		gw_cli_error(prog, file, &err);
	else if (gw_cli_emit(prog, o->output, &b, !o->json) == 0)
		rc = GW_EXIT_OK;
	gw_buf_free(&b);
	gw_unload(&l);
	return rc;
}

int main(int argc, char **argv)
{
	options o = { 0 };
	const char *file;
	int rc = parse_options(argc, argv, &o, &file);
	return rc != GW_CLI_GO_ON ? rc : inspect_file(file, &o);
}
