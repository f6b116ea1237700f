/* SPDX-License-Identifier: MIT */
/* gowasm-sourcemap: a source map of a Go WebAssembly module, from its
 * runtime.pclntab, and the custom section that points DevTools at it. */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/gowasm.h"
#include "cli.h"

static const char *const prog = "gowasm-sourcemap";

/* Larger sources are written as null. */
#define MAX_SOURCE ((size_t)16 << 20)

static const char about[] =
	"Write a source map (revision 3) of a Go WebAssembly module: every instruction\n"
	"range of every Go function mapped to its Go file and line (inlined code to the\n"
	"inlined function's source) with the function's name, from the module's own\n"
	"runtime.pclntab, so stripped and -trimpath builds work. Generated positions are\n"
	"line 1 and column = byte offset in the module, as Chrome, Firefox and Node read\n"
	"them for WebAssembly. With --attach, write a copy of the module with a\n"
	"sourceMappingURL custom section naming URL instead (the input is never\n"
	"modified).";

static const char epilogue[] =
	"Exit status: 0 written; 2 usage error, or an unreadable, malformed or\n"
	"non-WebAssembly module, or one without a Go symbol table.\n"
	"\n"
	"Examples:\n"
	"  gowasm-sourcemap app.wasm -o app.wasm.map\n"
	"  gowasm-sourcemap --source-root . --sources-content app.wasm -o dist/app.wasm.map\n"
	"  gowasm-sourcemap --attach app.wasm.map --map dist/app.wasm.map app.wasm -o dist/app.wasm\n";

typedef struct options {
	const char *output, *root, *attach, *map;
	bool content;
} options;

static int parse_options(int argc, char **argv, options *o, const char **file)
{
	const gw_cli_option table[] = {
		{ "output", 'o', "FILE", "the map, or with --attach the new module (replaced\n"
		  "atomically; default: APP.wasm.map)", 0, NULL, &o->output, NULL },
		{ "source-root", 0, "DIR|URL", "place the main module's files under DIR or URL\n"
		  "(-trimpath names such as example.com/app/main.go)", 0, NULL, &o->root, NULL },
		{ "sources-content", 0, NULL, "embed each source that can be read (sourcesContent)", 0, &o->content, NULL,
		  NULL },
		{ "attach", 0, "URL", "write the module with a sourceMappingURL section", 0, NULL, &o->attach, NULL },
		{ "map", 0, "FILE", "with --attach: also write the map to FILE", 0, NULL, &o->map, NULL },
		{ NULL, 0, NULL, NULL, 0, NULL, NULL, NULL },
	};
	const gw_cli_tool tool = { prog, "[OPTIONS] APP.wasm -o APP.wasm.map\n--attach URL [--map APP.wasm.map] APP.wasm -o OUT.wasm",
	                           about, table, epilogue, NULL, 1, 1, NULL, NULL };
	int next, rc = gw_cli_parse(&tool, argc, argv, &next);
	if (rc != GW_CLI_GO_ON)
		return rc;
	*file = argv[next];
	if (o->map && !o->attach) {
		gw_cli_usage_error(prog, "--map goes with --attach (the map is -o otherwise)");
		return GW_EXIT_ERROR;
	}
	if (o->attach && !o->output) {
		gw_cli_usage_error(prog, "--attach needs -o OUT.wasm");
		return GW_EXIT_ERROR;
	}
	return GW_CLI_GO_ON;
}

/* sourcesContent: a local file, read whole when small enough. */
static bool read_source(void *ctx, const char *path, gw_buf *out)
{
	(void)ctx;
	if (strstr(path, "://"))
		return false;
	gw_mapped_file mf;
	gw_error err;
	gw_error_clear(&err);
	if (gw_map_file(path, &mf, &err))
		return false;
	bool ok = mf.size <= MAX_SOURCE;
	if (ok)
		gw_buf_append(out, mf.data, mf.size);
	gw_unmap_file(&mf);
	return ok && !out->oom;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

int main(int argc, char **argv)
{
	options opt = { 0 };
	const char *file;
	int prc = parse_options(argc, argv, &opt, &file);
	if (prc != GW_CLI_GO_ON)
		return prc;
	const char *output = opt.output, *root = opt.root, *attach = opt.attach, *map = opt.map;
	bool content = opt.content;
	char *default_out = NULL;
	if (!output) {
		size_t n = strlen(file);
		default_out = malloc(n + 5);
		if (!default_out) {
			fprintf(stderr, "%s: out of memory\n", prog);
			return GW_EXIT_ERROR;
		}
		memcpy(default_out, file, n);
		memcpy(default_out + n, ".map", 5);
		output = default_out;
	}
	if (gw_cli_refuse_overwrite(prog, output, &file, 1) || gw_cli_refuse_overwrite(prog, map, &file, 1)) {
		free(default_out);
		return GW_EXIT_ERROR;
	}

	gw_loaded l;
	if (gw_cli_load(prog, file, false, &l)) {
		free(default_out);
		return GW_EXIT_ERROR;
	}
	gw_error err;
	gw_error_clear(&err);
	int rc = GW_EXIT_ERROR;
	gw_buf out, mod;
	gw_buf_init(&out);
	gw_buf_init(&mod);
	gw_go_addr *a = NULL;
	const char *map_out = attach ? map : output;
	if (map_out || !attach) {
		gw_sourcemap_opts o = { base_name(file), root, content ? read_source : NULL, NULL };
		gw_sourcemap_stats st;
		if (gw_go_addr_new(l.m, l.go, l.syms, &a, &err) || gw_sourcemap_write(a, l.m, l.go, &o, &out, &st, &err)) {
			gw_cli_error(prog, file, &err);
			goto out;
		}
	}
	if (attach && gw_sourcemap_attach(l.m, attach, &mod, &err)) {
		gw_cli_error(prog, file, &err);
		goto out;
	}
	if (out.oom || mod.oom) { /* nothing written then */
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	if (map_out && gw_cli_emit(prog, map_out, &out, 0))
		goto out;
	if (attach && gw_cli_emit(prog, output, &mod, 0))
		goto out;
	rc = GW_EXIT_OK;
out:
	gw_go_addr_free(a);
	gw_buf_free(&out);
	gw_buf_free(&mod);
	gw_unload(&l);
	free(default_out);
	return rc;
}
