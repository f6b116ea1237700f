/* SPDX-License-Identifier: MIT */
/* gowasm-verify: checks a bundle written by gowasm-pack before it is
 * published. */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/gowasm.h"
#include "../packager/verify.h"
#include "cli.h"

static const char *const prog = "gowasm-verify";

static const char about_format[] =
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
	"batching) re-derived from the files themselves.";

static const char epilogue[] =
	"Exit status: 0 valid; 1 invalid (every problem is listed); 2 usage error, or a\n"
	"file that is not a readable zip or gzip file.\n"
	"\n"
	"Examples:\n"
	"  gowasm-verify app-1.2.0.zip\n"
	"  gowasm-verify --json app-1.2.0.zip > verify.json\n"
	"  gowasm-verify dist/npm && npm pack ./dist/npm && gowasm-verify app-1.2.0.tgz\n";

typedef struct options {
	bool json, quiet;
} options;

static int parse_options(int argc, char **argv, options *o, const char **file)
{
	const gw_cli_option table[] = {
		{ "json", 0, NULL, "report as JSON on stdout", 0, &o->json, NULL, NULL },
		{ "quiet", 'q', NULL, "print nothing; the exit status says it", 0, &o->quiet, NULL, NULL },
		{ NULL, 0, NULL, NULL, 0, NULL, NULL, NULL },
	};
	char about[sizeof about_format + 32];
	snprintf(about, sizeof about, about_format, (unsigned long long)(GW_BUNDLE_MAX_TOTAL >> 20));
	const gw_cli_tool tool = { prog, "[OPTIONS] BUNDLE.zip|NPM-FOLDER|PACKAGE.tgz", about, table, epilogue, NULL, 1,
	                           1, NULL, NULL };
	int next, rc = gw_cli_parse(&tool, argc, argv, &next);
	if (rc == GW_CLI_GO_ON)
		*file = argv[next];
	return rc;
}

/* A zip, the .tgz npm pack makes of a package folder, or the folder
 * gowasm-pack --npm wrote. */
static int verify_file(const char *file, gw_verify_report *r)
{
	gw_error err;
	gw_error_clear(&err);
	gw_status s;
	struct stat st;
	if (stat(file, &st) == 0 && S_ISDIR(st.st_mode)) {
		s = gw_verify_npm_folder(file, r, &err);
	} else {
		gw_mapped_file mf;
		if (gw_cli_map_input(prog, file, (size_t)GW_BUNDLE_MAX_TOTAL, "bundle", &mf))
			return -1;
		bool gz = mf.size >= 2 && mf.data[0] == 0x1f && mf.data[1] == 0x8b;
		s = gz ? gw_verify_npm_tarball(mf.data, mf.size, r, &err) : gw_verify_bundle(mf.data, mf.size, r, &err);
		gw_unmap_file(&mf);
	}
	if (s != GW_OK) {
		gw_cli_error(prog, file, &err);
		return -1;
	}
	return 0;
}

static void report_json(gw_buf *b, const char *file, const gw_verify_report *r)
{
	gw_json j;
	gw_json_init(&j, b);
	gw_json_object_begin(&j, NULL);
	gw_json_string(&j, "schema", "gowasm-verify/1");
	gw_json_string(&j, "file", file);
	gw_json_bool(&j, "valid", r->n == 0);
	gw_json_string(&j, "name", r->name);
	gw_json_string(&j, "version", r->version);
	gw_json_string(&j, "module", r->module);
	gw_json_bool(&j, "batched", r->batched);
	gw_json_uint(&j, "entries", r->entries);
	gw_json_uint(&j, "bytes_read", r->bytes_read);
	gw_json_array_begin(&j, "problems");
	for (uint32_t i = 0; i < r->n; i++) {
		gw_json_object_begin(&j, NULL);
		gw_json_string(&j, "where", r->v[i].what);
		gw_json_string(&j, "message", r->v[i].msg);
		gw_json_object_end(&j);
	}
	gw_json_array_end(&j);
	gw_json_object_end(&j);
	gw_buf_putc(b, '\n');
}

static void report_text(gw_buf *b, const char *file, const gw_verify_report *r)
{
	for (uint32_t i = 0; i < r->n; i++) {
		gw_buf_printf(b, "%s: ", file);
		gw_buf_put_printable(b, r->v[i].what, strlen(r->v[i].what));
		gw_buf_puts(b, ": ");
		gw_buf_put_printable(b, r->v[i].msg, strlen(r->v[i].msg));
		gw_buf_putc(b, '\n');
	}
	if (!r->n)
		gw_buf_printf(b, "%s: valid: %s %s, %u files, %s\n", file, r->name, r->version, r->entries,
		              r->batched ? "batched" : "not batched");
	else
		gw_buf_printf(b, "%s: invalid: %u problem%s\n", file, r->n, r->n == 1 ? "" : "s");
}

/* Verifies the bundle and reports: exit 0 valid, 1 invalid. */
static int verify_main(const char *file, const options *o)
{
	gw_verify_report r;
	if (verify_file(file, &r))
		return GW_EXIT_ERROR;
	int rc = r.n ? GW_EXIT_FINDINGS : GW_EXIT_OK;
	gw_buf b;
	gw_buf_init(&b);
	int w = 0;
	/* The problems of an invalid bundle go to stderr, like diagnostics. */
	if (o->json) {
		report_json(&b, file, &r);
		w = gw_cli_emit(prog, NULL, &b, 0);
	} else if (!o->quiet) {
		report_text(&b, file, &r);
		w = b.oom ? gw_cli_emit(prog, NULL, &b, 1) : gw_cli_print_text(r.n ? stderr : stdout, prog, b.data, b.len);
	}
	gw_buf_free(&b);
	gw_verify_report_free(&r);
	return w ? GW_EXIT_ERROR : rc;
}

int main(int argc, char **argv)
{
	options o = { 0 };
	const char *file;
	int rc = parse_options(argc, argv, &o, &file);
	return rc != GW_CLI_GO_ON ? rc : verify_main(file, &o);
}
