/* gowasm-verify: checks a bundle written by gowasm-pack before it is
 * published. */
#define _XOPEN_SOURCE 700
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/gowasm.h"
#include "../packager/verify.h"
#include "cli.h"

static const char *const prog = "gowasm-verify";

static void usage(void)
{
	printf("Usage: %s [OPTIONS] BUNDLE.zip|NPM-FOLDER|PACKAGE.tgz\n"
	       "\n"
	       "Verify a bundle written by gowasm-pack before publishing it (a zip, an npm\n"
	       "package folder written by --npm, or the .tgz npm pack makes of it): the zip's\n"
	       "exact layout (nothing prepended, appended, hidden or overlapping; local\n"
	       "headers agreeing with the directory), entry names (no absolute paths, no ..,\n"
	       "no backslashes, ASCII, no duplicates even ignoring case, no symbolic links\n"
	       "whatever the host, no folders), one file per role under its one name, a glue\n"
	       "that defines globalThis.Go as the loader runs it, bounded decompression (a\n"
	       "zip bomb costs at most %llu MiB and stops there), manifest.json against its\n"
	       "JSON Schema, every file's size, SHA-256 and SRI string, no file outside the\n"
	       "manifest, the module valid (gowasm's reader and wabt's validator), the glue's\n"
	       "ABI matching the module, the companion present exactly when the module is\n"
	       "batched, the compressed copies equal to the module, the loader loading this\n"
	       "module with this integrity, and every fact of the manifest (Go version, ABI,\n"
	       "exports, memory, features, capabilities, build info, check summary,\n"
	       "batching) re-derived from the files themselves.\n"
	       "\n"
	       "Options:\n"
	       "  --json         report as JSON on stdout\n"
	       "  -q, --quiet    print nothing; the exit status says it\n"
	       "  -h, --help     show this help and exit\n"
	       "  -V, --version  show the version and exit\n"
	       "\n"
	       "Exit status: 0 valid; 1 invalid (every problem is listed); 2 usage error, or a\n"
	       "file that is not a readable zip or gzip file.\n"
	       "\n"
	       "Examples:\n"
	       "  %s app-1.2.0.zip\n"
	       "  %s --json app-1.2.0.zip > verify.json\n"
	       "  %s dist/npm && npm pack ./dist/npm && %s app-1.2.0.tgz\n",
	       prog, (unsigned long long)(GW_BUNDLE_MAX_TOTAL >> 20), prog, prog, prog, prog);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, quiet = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'q': quiet = true; break;
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
	gw_error err;
	gw_error_clear(&err);
	gw_verify_report r;
	struct stat st;
	if (stat(file, &st) == 0 && S_ISDIR(st.st_mode)) {
		/* An npm package folder (gowasm-pack --npm). */
		if (gw_verify_npm_folder(file, &r, &err) != GW_OK) {
			gw_cli_error(prog, file, &err);
			return GW_EXIT_ERROR;
		}
	} else {
		gw_mapped_file mf;
		if (gw_cli_map_input(prog, file, (size_t)GW_BUNDLE_MAX_TOTAL, "bundle", &mf))
			return GW_EXIT_ERROR;
		/* A zip, or the .tgz npm pack makes of a package folder. */
		bool gz = mf.size >= 2 && mf.data[0] == 0x1f && mf.data[1] == 0x8b;
		gw_status s = gz ? gw_verify_npm_tarball(mf.data, mf.size, &r, &err) : gw_verify_bundle(mf.data, mf.size, &r, &err);
		gw_unmap_file(&mf);
		if (s != GW_OK) {
			gw_cli_error(prog, file, &err);
			return GW_EXIT_ERROR;
		}
	}
	gw_buf b;
	gw_buf_init(&b);
	if (json) {
		gw_json j;
		gw_json_init(&j, &b);
		gw_json_object_begin(&j, NULL);
		gw_json_string(&j, "schema", "gowasm-verify/1");
		gw_json_string(&j, "file", file);
		gw_json_bool(&j, "valid", r.n == 0);
		gw_json_string(&j, "name", r.name);
		gw_json_string(&j, "version", r.version);
		gw_json_string(&j, "module", r.module);
		gw_json_bool(&j, "batched", r.batched);
		gw_json_uint(&j, "entries", r.entries);
		gw_json_uint(&j, "bytes_read", r.bytes_read);
		gw_json_array_begin(&j, "problems");
		for (uint32_t i = 0; i < r.n; i++) {
			gw_json_object_begin(&j, NULL);
			gw_json_string(&j, "where", r.v[i].what);
			gw_json_string(&j, "message", r.v[i].msg);
			gw_json_object_end(&j);
		}
		gw_json_array_end(&j);
		gw_json_object_end(&j);
		gw_buf_putc(&b, '\n');
	} else if (!quiet) {
		for (uint32_t i = 0; i < r.n; i++) {
			gw_buf_printf(&b, "%s: ", file);
			gw_buf_put_printable(&b, r.v[i].what, strlen(r.v[i].what));
			gw_buf_puts(&b, ": ");
			gw_buf_put_printable(&b, r.v[i].msg, strlen(r.v[i].msg));
			gw_buf_putc(&b, '\n');
		}
		if (!r.n)
			gw_buf_printf(&b, "%s: valid: %s %s, %u files, %s\n", file, r.name, r.version, r.entries,
			              r.batched ? "batched" : "not batched");
		else
			gw_buf_printf(&b, "%s: invalid: %u problem%s\n", file, r.n, r.n == 1 ? "" : "s");
	}
	int rc = r.n ? GW_EXIT_FINDINGS : GW_EXIT_OK;
	if (b.oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		rc = GW_EXIT_ERROR;
	} else {
		FILE *out = json || !r.n ? stdout : stderr;
		if (json)
			fwrite(b.data, 1, b.len, out);
		else if (gw_cli_print_text(out, prog, b.data, b.len))
			rc = GW_EXIT_ERROR;
	}
	gw_buf_free(&b);
	gw_verify_report_free(&r);
	return rc;
}
