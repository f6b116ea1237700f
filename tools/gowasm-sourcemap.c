/* gowasm-sourcemap: a source map of a Go WebAssembly module, from its
 * runtime.pclntab, and the custom section that points DevTools at it. */
#define _XOPEN_SOURCE 700
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/gowasm.h"
#include "cli.h"

static const char *const prog = "gowasm-sourcemap";

/* Larger sources are written as null. */
#define MAX_SOURCE ((size_t)16 << 20)

static void usage(void)
{
	printf("Usage: %s [OPTIONS] APP.wasm -o APP.wasm.map\n"
	       "       %s --attach URL [--map APP.wasm.map] APP.wasm -o OUT.wasm\n"
	       "\n"
	       "Write a source map (revision 3) of a Go WebAssembly module: every instruction\n"
	       "range of every Go function mapped to its Go file and line (inlined code to the\n"
	       "inlined function's source) with the function's name, from the module's own\n"
	       "runtime.pclntab, so stripped and -trimpath builds work. Generated positions are\n"
	       "line 1 and column = byte offset in the module, as Chrome, Firefox and Node read\n"
	       "them for WebAssembly. With --attach, write a copy of the module with a\n"
	       "sourceMappingURL custom section naming URL instead (the input is never\n"
	       "modified).\n"
	       "\n"
	       "Options:\n"
	       "  -o, --output FILE       the map, or with --attach the new module (replaced\n"
	       "                          atomically; default: APP.wasm.map)\n"
	       "  --source-root DIR|URL   place the main module's files under DIR or URL\n"
	       "                          (-trimpath names such as example.com/app/main.go)\n"
	       "  --sources-content       embed each source that can be read (sourcesContent)\n"
	       "  --attach URL            write the module with a sourceMappingURL section\n"
	       "  --map FILE              with --attach: also write the map to FILE\n"
	       "  -h, --help              show this help and exit\n"
	       "  -V, --version           show the version and exit\n"
	       "\n"
	       "Exit status: 0 written; 2 usage error, or an unreadable, malformed or\n"
	       "non-WebAssembly module, or one without a Go symbol table.\n"
	       "\n"
	       "Examples:\n"
	       "  %s app.wasm -o app.wasm.map\n"
	       "  %s --source-root . --sources-content app.wasm -o dist/app.wasm.map\n"
	       "  %s --attach app.wasm.map --map dist/app.wasm.map app.wasm -o dist/app.wasm\n",
	       prog, prog, prog, prog, prog);
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
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "source-root", required_argument, NULL, 'r' },
		{ "sources-content", no_argument, NULL, 'c' },
		{ "attach", required_argument, NULL, 'a' },
		{ "map", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *root = NULL, *attach = NULL, *map = NULL;
	bool content = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'r': root = optarg; break;
		case 'c': content = true; break;
		case 'a': attach = optarg; break;
		case 'm': map = optarg; break;
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
	if (map && !attach) {
		gw_cli_usage_error(prog, "--map goes with --attach (the map is -o otherwise)");
		return GW_EXIT_ERROR;
	}
	if (attach && !output) {
		gw_cli_usage_error(prog, "--attach needs -o OUT.wasm");
		return GW_EXIT_ERROR;
	}
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

	gw_error err;
	gw_error_clear(&err);
	gw_loaded l;
	if (gw_load(file, &l, &err)) {
		gw_cli_error(prog, file, &err);
		free(default_out);
		return GW_EXIT_ERROR;
	}
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
	if (out.oom || mod.oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	if (map_out && gw_cli_write_output(prog, map_out, out.data, out.len))
		goto out;
	if (attach && gw_cli_write_output(prog, output, mod.data, mod.len))
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
