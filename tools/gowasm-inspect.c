/* gowasm-inspect: what a Go WebAssembly module is. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../lib/gowasm.h"
#include "cli.h"

static const char *const prog = "gowasm-inspect";

static void usage(void)
{
	printf("Usage: %s [OPTIONS] FILE.wasm\n"
	       "\n"
	       "Describe a Go WebAssembly module: producer (Go gc js/wasm or wasip1, TinyGo,\n"
	       "or not Go), Go version and import ABI, build id and build information (main\n"
	       "module, dependencies, settings), sections, imports with their role, exports,\n"
	       "the number of call sites per host import, the Go symbol table (function names,\n"
	       "files and lines from runtime.pclntab), code size by Go package, and symbol-table\n"
	       "integrity. Works on stripped modules. The file is only read.\n"
	       "\n"
	       "Options:\n"
	       "  --json             print the report as JSON (schema \"" GW_INSPECT_SCHEMA "\",\n"
	       "                     see gowasm-inspect(1))\n"
	       "  --functions        also list every defined function (index, body size, name)\n"
	       "  --segments         also list every data segment (address, size)\n"
	       "  --packages         list every Go package in the code size breakdown\n"
	       "  --calls NAME       list the call sites of NAME, a Go function (syscall/js.FuncOf)\n"
	       "                     or a host import (syscall/js.valueGet), at file:line with the\n"
	       "                     functions they were inlined into\n"
	       "  -o, --output FILE  write the report to FILE (replaced atomically)\n"
	       "  -h, --help         show this help and exit\n"
	       "  -V, --version      show the version and exit\n"
	       "\n"
	       "Exit status: 0 the module was read; 2 usage error (--calls of a name the\n"
	       "module does not have), or the file is unreadable, malformed or not WebAssembly.\n"
	       "\n"
	       "Examples:\n"
	       "  %s app.wasm\n"
	       "  %s --json app.wasm | jq .go_version\n"
	       "  %s --json -o app.inspect.json app.wasm\n"
	       "  %s --calls syscall/js.FuncOf app.wasm\n"
	       "  %s --packages app.wasm\n",
	       prog, prog, prog, prog, prog, prog);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "functions", no_argument, NULL, 'f' },
		{ "segments", no_argument, NULL, 's' },
		{ "packages", no_argument, NULL, 'p' },
		{ "calls", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int json = 0;
	unsigned flags = 0;
	const char *calls = NULL;
	const char *output = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'f': flags |= GW_INSPECT_FUNCTIONS; break;
		case 's': flags |= GW_INSPECT_SEGMENTS; break;
		case 'p': flags |= GW_INSPECT_PACKAGES; break;
		case 'c': calls = optarg; break;
		case 'o': output = optarg; break;
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

	if (gw_cli_refuse_overwrite(prog, output, &file, 1))
		return GW_EXIT_ERROR;

	gw_error err;
	gw_error_clear(&err);
	gw_loaded l;
	if (gw_load(file, &l, &err)) {
		gw_cli_error(prog, file, &err);
		return GW_EXIT_ERROR;
	}
	int rc = GW_EXIT_ERROR;
	if (calls && !gw_go_name_known(l.m, l.go, l.syms, (gw_str){ (const uint8_t *)calls, (uint32_t)strlen(calls) })) {
		gw_cli_fail(prog, file, "--calls %s: no Go function, inlined function or host import of that name "
		            "in the module", calls);
		gw_unload(&l);
		return GW_EXIT_ERROR;
	}
	gw_inspect_input in = { file, l.m, l.go, l.syms, &l.integrity, flags, calls };
	gw_buf b;
	gw_buf_init(&b);
	if ((json ? gw_inspect_json(&b, &in, &err) : gw_inspect_text(&b, &in, &err)) != GW_OK)
		gw_cli_error(prog, file, &err);
	else if (b.oom)
		fprintf(stderr, "%s: out of memory\n", prog);
	else if (gw_cli_write_report(prog, output, b.data, b.len, !json) == 0)
		rc = GW_EXIT_OK;
	gw_buf_free(&b);
	gw_unload(&l);
	return rc;
}
