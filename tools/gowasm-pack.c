/* SPDX-License-Identifier: MIT */
/* gowasm-pack: a reproducible bundle of a Go js/wasm module, its glue, its
 * loader and a typed manifest. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../lib/gowasm.h"
#include "../packager/bundle.h"
#include "../packager/digest.h"
#include "../packager/glue.h"
#include "../packager/limits.h"
#include "../packager/loader.h"
#include "../packager/manifest.h"
#include "../packager/npmpackage.h"
#include "../packager/verify.h"
#include "cli.h"
#include "embedded.h"

static const char *const prog = "gowasm-pack";

static const char about[] =
	"Bundle a Go js/wasm module for publishing: the module, its wasm_exec.js glue\n"
	"(refused when its ABI does not match the module), the JS companion when the\n"
	"module was batched by gowasm-batch, an ES-module loader that checks the\n"
	"module's integrity (SHA-384) before instantiating it, TypeScript declarations,\n"
	"and manifest.json (see gowasm-manifest(5)) with every file's size, SHA-256 and\n"
	"SRI string, the Go version, ABI, exports, memory, features, host capabilities,\n"
	"build info and the gowasm-check summary. A module with gowasm-check errors is\n"
	"refused, with the findings, unless --allow-findings. The same inputs and\n"
	"SOURCE_DATE_EPOCH give a byte-identical zip. Outputs are written atomically.";

static const char epilogue[] =
	"Environment: SOURCE_DATE_EPOCH, the time recorded in the manifest and the zip\n"
	"(default: now); GOROOT, where to look for the glue before asking go env.\n"
	"\n"
	"Exit status: 0 written; 1 not written: gowasm-check found errors (shown on\n"
	"stderr; --allow-findings packs anyway); 2 usage error, an unreadable or\n"
	"malformed module, not a Go js/wasm module, a glue that does not match it, or\n"
	"an output that could not be written.\n"
	"\n"
	"Examples:\n"
	"  gowasm-pack app.wasm --glue wasm_exec.js --pkg-version 1.2.0 -o app-1.2.0.zip\n"
	"  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) gowasm-pack app.wasm --gzip -o app.zip\n"
	"  gowasm-pack app.wasm --name @me/app --pkg-version 1.2.0 --npm dist/npm\n";

#define NAME_PATTERN "^(@[a-z0-9~-][a-z0-9._~-]*/)?[a-z0-9~-][a-z0-9._~-]*$"
#define VERSION_PATTERN "^[0-9A-Za-z][0-9A-Za-z.+_-]*$"

/* The default name: the module's file name, lowercased, other characters
 * as '-'. */
static void default_name(const char *path, char *out, size_t size)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".wasm"))
		n -= 5;
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < size && o < 200; i++) {
		unsigned char ch = (unsigned char)tolower((unsigned char)base[i]);
		out[o++] = (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') ? (char)ch : '-';
	}
	out[o] = 0;
	if (!o || out[0] == '.' || out[0] == '_')
		snprintf(out, size, "app");
}

/* $GOROOT, else `go env GOROOT`; then lib/wasm or misc/wasm. */
static int find_glue(char *out, size_t size)
{
	char root[4096] = "";
	const char *env = getenv("GOROOT");
	if (env && *env) {
		snprintf(root, sizeof root, "%s", env);
	} else {
		FILE *p = popen("go env GOROOT 2>/dev/null", "r");
		if (p) {
			if (fgets(root, sizeof root, p))
				root[strcspn(root, "\n")] = 0;
			pclose(p);
		}
	}
	if (!*root)
		return -1;
	static const char *const rel[] = {"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"};
	for (size_t i = 0; i < 2; i++) {
		struct stat st;
		snprintf(out, size, "%s/%s", root, rel[i]);
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
			return 0;
	}
	return -1;
}

typedef struct packed {
	gw_bundle_file files[16];
	gw_manifest_file hashes[16];
	uint32_t n;
} packed;

static void add(packed *p, const char *path, const char *role, const uint8_t *data, size_t size)
{
	gw_bundle_file *f = &p->files[p->n++];
	memset(f, 0, sizeof *f);
	f->path = path;
	f->role = role;
	f->data = data;
	f->size = size;
}

static int cmp_bundle(const void *a, const void *b)
{
	return strcmp(((const gw_bundle_file *)a)->path, ((const gw_bundle_file *)b)->path);
}

/* Writes the files into a new folder beside DIR, then renames it into
 * place; DIR may exist only as an empty folder. */
static int write_npm(const char *dir, const packed *p, const char *manifest, size_t manifest_len,
                     const char *pkg, size_t pkg_len)
{
	struct stat st;
	/* The new folder is renamed over DIR: a symbolic link would fail only
	 * then, after everything was written (rename does not follow it). */
	if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode)) {
		gw_cli_fail(prog, dir, "is a symbolic link: name the folder itself; nothing written");
		return -1;
	}
	if (stat(dir, &st) == 0) {
		DIR *d = S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
		bool empty = d != NULL;
		struct dirent *e;
		while (d && (e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				empty = false;
		if (d)
			closedir(d);
		if (!empty) {
			gw_cli_fail(prog, dir, "exists and is not an empty folder; nothing written");
			return -1;
		}
	}
	char tmp[4096];
	int slots[19], rc = 0; /* removed on SIGINT/TERM/HUP: the folder, then its files */
	for (uint32_t i = 0; i < 19; i++)
		slots[i] = i ? -1 : gw_cli_temp_mkdir(dir, tmp, sizeof tmp);
	if (slots[0] < 0) {
		gw_cli_fail(prog, dir, "cannot create a folder beside it: %s", strerror(errno));
		return -1;
	}
	chmod(tmp, 0755);
	for (uint32_t i = 0; i <= p->n + 1 && !rc; i++) {
		const char *name;
		const void *data;
		size_t len;
		if (i < p->n) {
			name = p->files[i].path;
			data = p->files[i].data;
			len = p->files[i].size;
		} else if (i == p->n) {
			name = "manifest.json";
			data = manifest;
			len = manifest_len;
		} else {
			name = "package.json";
			data = pkg;
			len = pkg_len;
		}
		char path[4400];
		snprintf(path, sizeof path, "%s/%s", tmp, name);
		slots[i + 1] = gw_cli_temp_add(path);
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
			gw_cli_fail(prog, path, "cannot write: %s", strerror(errno));
			rc = -1;
		}
	}
	if (!rc) {
		rmdir(dir); /* an empty folder, checked above */
		if (gw_cli_temp_rename(slots[0], dir) != 0) {
			gw_cli_fail(prog, dir, "cannot rename the new folder into place: %s", strerror(errno));
			rc = -1;
		}
	}
	if (rc) {
		for (uint32_t i = 0; i <= p->n + 1; i++) {
			char path[4400];
			snprintf(path, sizeof path, "%s/%s", tmp,
			         i < p->n ? p->files[i].path : i == p->n ? "manifest.json" : "package.json");
			unlink(path);
		}
		rmdir(tmp);
	}
	for (uint32_t i = 0; i <= p->n + 2; i++)
		gw_cli_temp_forget(slots[i]);
	return rc;
}

typedef struct options {
	const char *output, *npm, *glue_path, *name, *version, *target;
	gw_npm_meta meta_flags; /* --license, --repository, --homepage */
	const char *package_json;
	bool gzip, brotli, no_check, json, quiet, source_map, allow_findings;
	int quality;
	time_t when;
	bool sde; /* SOURCE_DATE_EPOCH set */
	char name_buf[256], glue_found[4096];
} options;

static int opt_brotli_quality(void *ctx, const char *arg)
{
	options *o = ctx;
	char *end;
	long q = strtol(arg, &end, 10);
	if (*end || end == arg || q < 0 || q > 11) {
		gw_cli_usage_error(prog, "--brotli-quality: expected 0 to 11, not '%s'", arg);
		return GW_EXIT_ERROR;
	}
	o->quality = (int)q;
	o->brotli = true;
	return GW_CLI_GO_ON;
}

static int opt_target(void *ctx, const char *arg)
{
	if (strcmp(arg, "browser") && strcmp(arg, "node")) {
		gw_cli_usage_error(prog, "--target: expected browser or node, not '%s'", arg);
		return GW_EXIT_ERROR;
	}
	((options *)ctx)->target = arg;
	return GW_CLI_GO_ON;
}

/* Earlier releases spelled the package version `--version VERSION` and
 * the tool's version `--version-info`. Both still work, with a note on
 * stderr: `--version` (or `--version=V`) followed by a value, that is an
 * argument not starting with '-', is the package version; `--version`
 * alone, or before another option, is the tool's version like in every
 * gowasm tool. Returns a new argv (free it), or NULL when out of memory. */
static char **new_spellings(int argc, char **argv)
{
	char **v = calloc(2 * (size_t)argc + 1, sizeof *v);
	int n = 0;
	bool noted_version = false, noted_info = false, options_end = false;
	for (int i = 0; v && i < argc; i++) {
		const char *a = argv[i];
		options_end |= i > 0 && !strcmp(a, "--");
		bool value = i + 1 < argc && argv[i + 1][0] != '-';
		if (!options_end && ((!strcmp(a, "--version") && value) || !strncmp(a, "--version=", 10))) {
			v[n++] = (char *)"--pkg-version";
			v[n++] = a[9] == '=' ? (char *)a + 10 : argv[++i];
			if (!noted_version)
				fprintf(stderr, "%s: --version VERSION is deprecated: use --pkg-version VERSION "
				        "(--version is the tool's version)\n", prog);
			noted_version = true;
		} else if (!options_end && !strcmp(a, "--version-info")) {
			v[n++] = (char *)"--version";
			if (!noted_info)
				fprintf(stderr, "%s: --version-info is deprecated: use --version\n", prog);
			noted_info = true;
		} else {
			v[n++] = argv[i];
		}
	}
	return v;
}

/* SOURCE_DATE_EPOCH, else now. */
static int read_epoch(options *o)
{
	o->when = time(NULL);
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	if (!epoch || !*epoch)
		return 0;
	char *end;
	errno = 0;
	long long v = strtoll(epoch, &end, 10);
	if (*end || errno || v < 0 || v > 253402300799LL) {
		gw_cli_usage_error(prog, "SOURCE_DATE_EPOCH: '%s' is not a time in seconds since 1970", epoch);
		return -1;
	}
	o->when = (time_t)v;
	o->sde = true;
	return 0;
}

/* What the options say together: a name and version a package may have,
 * an output, a glue, and no input replaced. */
static int check_options(options *o, const char *file)
{
	if (!o->output && !o->npm) {
		gw_cli_usage_error(prog, "no output: use -o APP.zip, --npm DIR, or both");
		return -1;
	}
	if (!o->name) {
		default_name(file, o->name_buf, sizeof o->name_buf);
		o->name = o->name_buf;
	}
	if (strlen(o->name) > 214 || !gw_regex_found(NAME_PATTERN, o->name, false)) {
		gw_cli_usage_error(prog, "--name: '%s' is not a valid package name (lowercase letters, digits, - . _ ~, "
		                   "optionally @scope/)", o->name);
		return -1;
	}
	if (strlen(o->version) > 128 || !gw_regex_found(VERSION_PATTERN, o->version, false)) {
		gw_cli_usage_error(prog, "--pkg-version: '%s' is not a valid version", o->version);
		return -1;
	}
	if (read_epoch(o))
		return -1;
	if (o->output && strcmp(o->output, "-") == 0) {
		gw_cli_usage_error(prog, "-o -: a zip is binary; name an output file");
		return -1;
	}
	if (!o->glue_path) {
		if (find_glue(o->glue_found, sizeof o->glue_found) != 0) {
			gw_cli_usage_error(prog, "no --glue, and no wasm_exec.js under $(go env GOROOT) (lib/wasm or misc/wasm)");
			return -1;
		}
		o->glue_path = o->glue_found;
	}
	const char *const inputs[] = { file, o->glue_path };
	return gw_cli_refuse_overwrite(prog, o->output, inputs, 2);
}

static int parse_options(int argc, char **argv, options *o, const char **file)
{
	const gw_cli_option table[] = {
		{ "output", 'o', "FILE", "write the zip bundle to FILE", 0, NULL, &o->output, NULL },
		{ "npm", 0, "DIR", "write an npm package folder to DIR (new or empty)", 0, NULL, &o->npm, NULL },
		{ "glue", 0, "FILE", "the wasm_exec.js to ship (default: from\n$(go env GOROOT), lib/wasm/ or misc/wasm/)",
		  0, NULL, &o->glue_path, NULL },
		{ "name", 0, "NAME", "package name (default: the module's file name)", 0, NULL, &o->name, NULL },
		{ "pkg-version", 0, "VERSION", "package version (default: 0.0.0)", 0, NULL, &o->version, NULL },
		{ "gzip", 0, NULL, "add NAME.wasm.gz, a gzip copy for static hosting", 0, &o->gzip, NULL, NULL },
		{ "brotli", 0, NULL, "add NAME.wasm.br, a brotli copy", 0, &o->brotli, NULL, NULL },
		{ "brotli-quality", 0, "Q", "brotli quality, 0-11 (default: 11)", 0, NULL, NULL, opt_brotli_quality },
		{ "source-map", 0, NULL, "add NAME.wasm.map, the module's source map (Go file and\n"
		  "line of every code offset), and a sourceMappingURL\nsection naming it in the packed module", 0,
		  &o->source_map, NULL, NULL },
		{ "target", 0, "TARGET", "browser (default) or node: the check summary's target", 0, NULL, NULL,
		  opt_target },
		{ "no-check", 0, NULL, "do not run gowasm-check; the manifest says \"absent\"", 0, &o->no_check, NULL,
		  NULL },
		{ "allow-findings", 0, NULL, "pack even when gowasm-check finds errors (the\n"
		  "manifest counts them)", 0, &o->allow_findings, NULL, NULL },
		{ "license", 0, "SPDX", "package.json license (an SPDX expression)", 0, NULL, &o->meta_flags.license,
		  NULL },
		{ "repository", 0, "URL", "package.json repository", 0, NULL, &o->meta_flags.repository, NULL },
		{ "homepage", 0, "URL", "package.json homepage", 0, NULL, &o->meta_flags.homepage, NULL },
		{ "package-json", 0, "FILE", "take license, repository and homepage from FILE", 0, NULL,
		  &o->package_json, NULL },
		{ "json", 0, NULL, "report what was written as JSON on stdout", 0, &o->json, NULL, NULL },
		{ "quiet", 'q', NULL, "no report on success", 0, &o->quiet, NULL, NULL },
		{ NULL, 0, NULL, NULL, 0, NULL, NULL, NULL },
	};
	const gw_cli_tool tool = { prog, "[OPTIONS] APP.wasm -o APP-VERSION.zip\n[OPTIONS] APP.wasm --npm DIR", about,
	                           table, epilogue, o, 1, 1, NULL, NULL };
	int next, rc = gw_cli_parse(&tool, argc, argv, &next);
	if (rc != GW_CLI_GO_ON)
		return rc;
	*file = argv[next];
	return check_options(o, *file) ? GW_EXIT_ERROR : GW_CLI_GO_ON;
}

/* Everything one run of the packer holds, freed by pack_free. */
typedef struct pack {
	const char *file;
	const options *o;
	gw_loaded l;
	const uint8_t *mod_data; /* the module shipped: the input, or `attached` */
	size_t mod_len;
	gw_buf attached, map, loader, loader_cjs, manifest, pkg, report, readme, types;
	gw_npm_meta meta;
	gw_js_globals globals;
	gw_go_addr *addr;
	gw_mapped_file gluef, companionf;
	gw_findings findings;
	bool batched;
	char companion_version[64];
	uint8_t *deflated, *gz, *br, *zipped;
	size_t deflated_len, gz_len, br_len, zipped_len;
	double brotli_seconds;
	char module_path[300], gz_path[310], br_path[310], map_path[310];
	gw_manifest_file module_hash;
	packed p;
} pack;

static void pack_free(pack *s)
{
	gw_go_addr_free(s->addr);
	gw_buf_free(&s->map);
	gw_unmap_file(&s->gluef);
	gw_unmap_file(&s->companionf);
	free(s->deflated);
	free(s->gz);
	free(s->br);
	free(s->zipped);
	gw_buf_free(&s->loader);
	gw_buf_free(&s->loader_cjs);
	gw_buf_free(&s->manifest);
	gw_buf_free(&s->pkg);
	gw_buf_free(&s->report);
	gw_buf_free(&s->readme);
	gw_buf_free(&s->types);
	gw_npm_meta_free(&s->meta);
	gw_js_globals_free(&s->globals);
	gw_findings_free(&s->findings);
	gw_unload(&s->l);
	gw_buf_free(&s->attached); /* after the module read from it */
}

/* --source-map: the input with a sourceMappingURL section naming the map
 * beside it, read again so every fact, hash and the map itself are of the
 * bytes shipped. */
static int attach_source_map(pack *s, gw_error *err)
{
	gw_loaded la;
	if (gw_sourcemap_attach(s->l.m, s->map_path, &s->attached, err) ||
	    gw_load_bytes((const uint8_t *)s->attached.data, s->attached.len, &la, err))
		return -1;
	gw_unload(&s->l);
	s->l = la;
	s->mod_data = (const uint8_t *)s->attached.data;
	s->mod_len = s->attached.len;
	gw_sourcemap_opts so = { s->module_path, NULL, NULL, NULL };
	gw_sourcemap_stats st;
	if (gw_go_addr_new(s->l.m, s->l.go, s->l.syms, &s->addr, err) ||
	    gw_sourcemap_write(s->addr, s->l.m, s->l.go, &so, &s->map, &st, err))
		return -1;
	if (s->map.len > GW_BUNDLE_MAX_ENTRY) {
		gw_cli_fail(prog, s->file, "its source map would be %zu bytes, over the %llu bytes a bundle entry may hold",
		            s->map.len, (unsigned long long)GW_BUNDLE_MAX_ENTRY);
		return 1;
	}
	return 0;
}

/* The module: a Go js/wasm module of a known Go version, with its source
 * map attached when asked. Returns 0, or -1 after printing. */
static int load_module(pack *s)
{
	const char *file = s->file;
	if (gw_cli_load(prog, file, false, &s->l))
		return -1;
	if (s->l.go->producer != GW_PRODUCER_GC_JS) {
		gw_cli_fail(prog, file, "not a Go js/wasm module (%s): the loader runs Go's js/wasm modules only",
		            gw_producer_name(s->l.go->producer));
		return -1;
	}
	if (!s->l.go->version.known) {
		gw_cli_fail(prog, file, "its Go version cannot be found (no producers section, no go.version, no "
		            "runtime.buildVersion): the manifest needs it");
		return -1;
	}
	gw_bundle_module_name(s->o->name, s->module_path, sizeof s->module_path);
	snprintf(s->gz_path, sizeof s->gz_path, "%s.gz", s->module_path);
	snprintf(s->br_path, sizeof s->br_path, "%s.br", s->module_path);
	snprintf(s->map_path, sizeof s->map_path, "%s.map", s->module_path);
	s->mod_data = s->l.file.data;
	s->mod_len = s->l.file.size;
	gw_error err;
	gw_error_clear(&err);
	if (s->o->source_map) {
		int rc = attach_source_map(s, &err);
		if (rc < 0)
			gw_cli_error(prog, file, &err);
		return rc ? -1 : 0;
	}
	/* A section naming the map this bundle would not have: verify would
	 * call the bundle invalid. */
	bool found;
	gw_str url;
	if (gw_sourcemap_url(s->l.m, &found, &url, &err)) {
		gw_cli_error(prog, file, &err);
		return -1;
	}
	if (found && gw_str_eq(url, s->map_path)) {
		gw_cli_fail(prog, file, "its sourceMappingURL section names %s, which only --source-map ships", s->map_path);
		return -1;
	}
	return 0;
}

/* The glue, which must define Go and match the module; the check summary
 * comes with it. */
static int check_glue(pack *s)
{
	const options *o = s->o;
	if (gw_cli_map_input(prog, o->glue_path, (size_t)16 << 20, "glue file", &s->gluef))
		return -1;
	char why[300];
	if (!gw_glue_defines_go(s->gluef.data, s->gluef.size, why, sizeof why)) {
		gw_cli_fail(prog, o->glue_path, "cannot be bundled: it does not define globalThis.Go as the loader runs it: %s",
		            why);
		return -1;
	}
	gw_error err;
	gw_error_clear(&err);
	gw_check_options opt = { s->gluef.data, s->gluef.size,
		                 strcmp(o->target, "node") ? GW_TARGET_BROWSER : GW_TARGET_NODE };
	if (gw_check_run(s->l.m, s->l.go, s->l.syms, &s->l.integrity, &opt, &s->findings, &err)) {
		gw_cli_error(prog, s->file, &err);
		return -1;
	}
	for (uint32_t i = 0; i < s->findings.n; i++) {
		if (s->findings.v[i].rule->code == GW_RULE_GLUE_MISMATCH) {
			gw_cli_fail(prog, o->glue_path, "does not match %s: %s", s->file, s->findings.v[i].message);
			return -1;
		}
	}
	return 0;
}

/* gowasm-check's gate (its default --fail-on error): a module with errors
 * is not packed unless --allow-findings; the findings are shown as
 * gowasm-check shows them. Returns 0 to go on, else the exit status. */
static int check_gate(pack *s)
{
	const options *o = s->o;
	if (o->no_check || o->allow_findings)
		return 0;
	gw_check_report report = { s->file, &s->findings, NULL, GW_SEV_ERROR, false };
	if (!gw_check_failed(&report))
		return 0;
	uint32_t errors = 0;
	for (uint32_t i = 0; i < s->findings.n; i++)
		errors += s->findings.v[i].severity >= GW_SEV_ERROR;
	gw_buf b;
	gw_buf_init(&b);
	gw_check_text(&report, &b);
	gw_buf_printf(&b, "%s: %s: not packed: gowasm-check found %u error%s (--allow-findings packs anyway)\n", prog,
	              s->file, errors, errors == 1 ? "" : "s");
	int rc = b.oom ? -1 : gw_cli_print_text(stderr, prog, b.data, b.len);
	gw_buf_free(&b);
	return rc ? GW_EXIT_ERROR : GW_EXIT_FINDINGS;
}

/* A batched module ships with the installed companion, which must speak
 * its batch protocol. */
static int read_companion(pack *s)
{
	gw_batch_info bi;
	s->batched = gw_batch_info_read(s->l.m, &bi);
	if (!s->batched)
		return 0;
	char cpath[4096];
	if (gw_cli_data_file("gowasm-batch.mjs", cpath, sizeof cpath) != 0) {
		gw_cli_fail(prog, s->file, "is batched, but the JS companion (gowasm-batch.mjs) is not installed");
		return -1;
	}
	if (gw_cli_map_input(prog, cpath, (size_t)1 << 20, "companion", &s->companionf))
		return -1;
	if (gw_companion_version(s->companionf.data, s->companionf.size, s->companion_version,
	                         sizeof s->companion_version) != bi.protocol) {
		gw_cli_fail(prog, cpath, "speaks another batch protocol than %s (protocol %d)", s->file, bi.protocol);
		return -1;
	}
	return 0;
}

/* package.json's metadata: --package-json FILE's, each flag given
 * replacing its field; checked. Returns 0, or -1 after printing. */
static int npm_meta(pack *s)
{
	const options *o = s->o;
	gw_error err;
	gw_error_clear(&err);
	if (o->package_json && gw_npm_meta_load(o->package_json, &s->meta, &err)) {
		gw_cli_error(prog, o->package_json, &err);
		return -1;
	}
	const char **fields[] = { &s->meta.license, &s->meta.repository, &s->meta.homepage };
	const char *given[] = { o->meta_flags.license, o->meta_flags.repository, o->meta_flags.homepage };
	for (size_t i = 0; i < 3; i++) {
		if (!given[i])
			continue;
		free((void *)*fields[i]);
		if (!(*fields[i] = strdup(given[i]))) {
			fprintf(stderr, "%s: out of memory\n", prog);
			return -1;
		}
	}
	char why[400];
	if (!gw_npm_meta_valid(&s->meta, why, sizeof why)) {
		gw_cli_usage_error(prog, "%s%s%s", o->package_json ? o->package_json : "", o->package_json ? ": " : "", why);
		return -1;
	}
	return 0;
}

/* The loader: its bundle line, the lines naming its files (what bundlers
 * follow), the template. */
static void build_loader(pack *s)
{
	gw_loader_facts lf = { GW_VERSION, s->o->name, s->o->version, s->module_path, s->module_hash.integrity,
	                       s->batched ? "gowasm-batch.mjs" : NULL, s->l.go->version.text, s->l.go->abi_module };
	gw_loader_write(&s->loader, &lf);
	gw_loader_cjs_write(&s->loader_cjs, &lf);
}

/* index.d.ts with the functions the program puts on globalThis, and the
 * README. Returns 0, or -1 after printing. */
static int build_docs(pack *s)
{
	gw_error err;
	gw_error_clear(&err);
	if (gw_js_globals_find(s->l.m, s->l.go, s->l.syms, &s->globals, &err)) {
		gw_cli_error(prog, s->file, &err);
		return -1;
	}
	gw_types_write(&s->types, (const char *const *)s->globals.names, s->globals.n);
	gw_bundle_readme(&s->readme, s->o->name, s->o->version, s->l.go->version.text, s->module_path, s->batched);
	if (s->readme.oom || s->types.oom || s->loader.oom || s->loader_cjs.oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	return 0;
}

/* The module deflated once (the zip entry and the .gz copy), within
 * gowasm-verify's limits (packager/limits.h): never write a bundle it
 * would reject. */
static int compress_module(pack *s, gw_error *err)
{
	const char *file = s->file;
	if (gw_deflate_raw(s->mod_data, s->mod_len, GW_DEFLATE_LEVEL, &s->deflated, &s->deflated_len, err))
		return -1;
	if (s->mod_len > GW_BUNDLE_MAX_ENTRY) {
		gw_cli_fail(prog, file, "%zu bytes: over the %llu bytes a bundle entry may hold", s->mod_len,
		            (unsigned long long)GW_BUNDLE_MAX_ENTRY);
		return 1;
	}
	if (s->mod_len > GW_BUNDLE_RATIO_FROM && s->deflated_len && s->mod_len / s->deflated_len > GW_BUNDLE_MAX_RATIO) {
		gw_cli_fail(prog, file, "compresses %zu:1, more than the %d:1 gowasm-verify accepts (a zip bomb's ratio); "
		            "nothing written", s->mod_len / s->deflated_len, GW_BUNDLE_MAX_RATIO);
		return 1;
	}
	if (s->o->gzip && gw_gzip_wrap(s->mod_data, s->mod_len, s->deflated, s->deflated_len, &s->gz, &s->gz_len, err))
		return -1;
	if (s->o->brotli) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (gw_brotli(s->mod_data, s->mod_len, s->o->quality, &s->br, &s->br_len, err))
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		s->brotli_seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	}
	return 0;
}

/* Every file of the bundle but manifest.json, sorted, with its hashes. */
static int collect_files(pack *s)
{
	gw_error err;
	gw_error_clear(&err);
	int rc = compress_module(s, &err);
	if (rc) {
		if (rc < 0)
			gw_cli_error(prog, s->file, &err);
		return -1;
	}
	packed *p = &s->p;
	add(p, s->module_path, "module", s->mod_data, s->mod_len);
	p->files[0].deflated = s->deflated;
	p->files[0].deflated_size = s->deflated_len;
	if (s->gz) {
		add(p, s->gz_path, "module-gzip", s->gz, s->gz_len);
		p->files[p->n - 1].store = true;
	}
	if (s->br) {
		add(p, s->br_path, "module-brotli", s->br, s->br_len);
		p->files[p->n - 1].store = true;
	}
	if (s->o->source_map)
		add(p, s->map_path, "source-map", (const uint8_t *)s->map.data, s->map.len);
	add(p, "wasm_exec.js", "glue", s->gluef.data, s->gluef.size);
	if (s->batched)
		add(p, "gowasm-batch.mjs", "companion", s->companionf.data, s->companionf.size);
	add(p, "loader.mjs", "loader", (const uint8_t *)s->loader.data, s->loader.len);
	add(p, "loader.cjs", "loader-cjs", (const uint8_t *)s->loader_cjs.data, s->loader_cjs.len);
	add(p, "index.d.ts", "types", (const uint8_t *)s->types.data, s->types.len);
	add(p, GW_README_PATH, "readme", (const uint8_t *)s->readme.data, s->readme.len);
	add(p, GW_GLUE_LICENSE_PATH, "glue-license", (const uint8_t *)gw_glue_license, gw_glue_license_len);
	qsort(p->files, p->n, sizeof *p->files, cmp_bundle);
	for (uint32_t i = 0; i < p->n; i++) {
		if (p->files[i].data == s->mod_data)
			p->hashes[i] = s->module_hash;
		else
			gw_manifest_file_hash(&p->hashes[i], p->files[i].path, p->files[i].role, p->files[i].data,
			                      p->files[i].size);
	}
	return 0;
}

static int write_manifest(pack *s)
{
	const options *o = s->o;
	gw_manifest_input in = {
		.name = o->name, .version = o->version, .module_path = s->module_path, .l = &s->l,
		.findings = o->no_check ? NULL : &s->findings, .check_target = o->target,
		.files = s->p.hashes, .num_files = s->p.n,
		.companion_path = s->batched ? "gowasm-batch.mjs" : NULL, .companion_version = s->companion_version,
		.tool_version = GW_VERSION, .timestamp = o->when, .has_source_date_epoch = o->sde,
	};
	gw_error err;
	gw_error_clear(&err);
	if (gw_manifest_write(&s->manifest, &in, &err)) {
		gw_cli_error(prog, s->file, &err);
		return -1;
	}
	if (s->manifest.len > GW_BUNDLE_MAX_MANIFEST) {
		gw_cli_fail(prog, s->file, "its manifest.json would be %zu bytes, over the %u gowasm-verify accepts; nothing "
		            "written", s->manifest.len, GW_BUNDLE_MAX_MANIFEST);
		return -1;
	}
	return 0;
}

/* -o: the zip, refused when gowasm-verify would reject it. */
static int write_zip(pack *s)
{
	const char *output = s->o->output;
	const packed *p = &s->p;
	gw_bundle_file all[17];
	memcpy(all, p->files, p->n * sizeof *all);
	memset(&all[p->n], 0, sizeof all[p->n]);
	all[p->n].path = "manifest.json";
	all[p->n].role = "manifest";
	all[p->n].data = (const uint8_t *)s->manifest.data;
	all[p->n].size = s->manifest.len;
	qsort(all, p->n + 1, sizeof *all, cmp_bundle);
	gw_error err;
	gw_error_clear(&err);
	if (gw_zip_build(all, p->n + 1, s->o->when, &s->zipped, &s->zipped_len, &err)) {
		gw_cli_error(prog, output, &err);
		return -1;
	}
	gw_verify_report vr;
	bool fits = gw_verify_zip_limits(s->zipped, s->zipped_len, &vr);
	if (!fits)
		gw_cli_fail(prog, output, "not written: gowasm-verify would reject it: %s: %s", vr.n ? vr.v[0].what : "zip",
		            vr.n ? vr.v[0].msg : "out of memory");
	gw_verify_report_free(&vr);
	if (!fits)
		return -1;
	return gw_cli_write_output(prog, output, (const char *)s->zipped, s->zipped_len);
}

/* --npm: the files, manifest.json and package.json in a folder. */
static int write_npm_package(pack *s)
{
	const packed *p = &s->p;
	const char *paths[17];
	for (uint32_t i = 0; i < p->n; i++)
		paths[i] = p->files[i].path;
	paths[p->n] = "manifest.json";
	gw_npm_package_json(&s->pkg, s->o->name, s->o->version, s->l.go->version.text, s->module_path, paths, p->n + 1,
	                    &s->meta);
	if (s->pkg.oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	return write_npm(s->o->npm, p, s->manifest.data, s->manifest.len, s->pkg.data, s->pkg.len);
}

static void report_json(pack *s)
{
	const options *o = s->o;
	gw_json rj;
	gw_json_init(&rj, &s->report);
	gw_json_object_begin(&rj, NULL);
	gw_json_string(&rj, "schema", "gowasm-pack/1");
	gw_json_string(&rj, "input", s->file);
	if (o->output)
		gw_json_string(&rj, "output", o->output);
	else
		gw_json_null(&rj, "output");
	if (o->npm)
		gw_json_string(&rj, "npm", o->npm);
	else
		gw_json_null(&rj, "npm");
	gw_json_string(&rj, "name", o->name);
	gw_json_string(&rj, "version", o->version);
	gw_json_bool(&rj, "batched", s->batched);
	if (o->output) {
		uint8_t d[32];
		char hx[65];
		gw_sha256(s->zipped, s->zipped_len, d);
		gw_hex(d, 32, hx);
		gw_json_uint(&rj, "size", s->zipped_len);
		gw_json_string(&rj, "sha256", hx);
	}
	gw_json_array_begin(&rj, "files");
	for (uint32_t i = 0; i < s->p.n; i++) {
		gw_json_object_begin(&rj, NULL);
		gw_json_string(&rj, "path", s->p.hashes[i].path);
		gw_json_string(&rj, "role", s->p.hashes[i].role);
		gw_json_uint(&rj, "size", s->p.hashes[i].size);
		gw_json_object_end(&rj);
	}
	gw_json_array_end(&rj);
	if (o->brotli)
		gw_json_uint(&rj, "brotli_ms", (uint64_t)(s->brotli_seconds * 1000));
	gw_json_object_end(&rj);
	gw_buf_putc(&s->report, '\n');
}

static void report_text(pack *s)
{
	const options *o = s->o;
	const gw_go_info *go = s->l.go;
	gw_buf *r = &s->report;
	gw_buf_printf(r, "%s: %s %s (%s, module \"%.*s\")%s\n", prog, o->name, o->version, go->version.text,
	              (int)go->abi_module.len, (const char *)go->abi_module.p, s->batched ? ", batched" : "");
	for (uint32_t i = 0; i < s->p.n; i++)
		gw_buf_printf(r, "  %-22s %-14s %10llu bytes\n", s->p.hashes[i].path, s->p.hashes[i].role,
		              (unsigned long long)s->p.hashes[i].size);
	gw_buf_printf(r, "  %-22s %-14s %10zu bytes\n", "manifest.json", "", s->manifest.len);
	if (o->output)
		gw_buf_printf(r, "  wrote %s: %zu bytes\n", o->output, s->zipped_len);
	if (o->npm)
		gw_buf_printf(r, "  wrote %s/ (npm package)\n", o->npm);
}

static int pack_file(const char *file, const options *o)
{
	pack s;
	memset(&s, 0, sizeof s);
	s.file = file;
	s.o = o;
	gw_buf_init(&s.attached);
	gw_buf_init(&s.map);
	gw_buf_init(&s.loader);
	gw_buf_init(&s.loader_cjs);
	gw_buf_init(&s.manifest);
	gw_buf_init(&s.pkg);
	gw_buf_init(&s.report);
	gw_buf_init(&s.readme);
	gw_buf_init(&s.types);
	int rc = GW_EXIT_ERROR;
	if (npm_meta(&s) || load_module(&s) || check_glue(&s))
		goto done;
	if ((rc = check_gate(&s)) != 0)
		goto done;
	rc = GW_EXIT_ERROR;
	if (read_companion(&s))
		goto done;
	/* The module's hashes, once: the loader's integrity and the manifest's. */
	gw_manifest_file_hash(&s.module_hash, s.module_path, "module", s.mod_data, s.mod_len);
	build_loader(&s);
	if (build_docs(&s) || collect_files(&s) || write_manifest(&s) || (o->output && write_zip(&s)) || (o->npm && write_npm_package(&s)))
		goto done;
	if (o->json)
		report_json(&s);
	else if (!o->quiet)
		report_text(&s);
	if (gw_cli_emit(prog, NULL, &s.report, !o->json) == 0)
		rc = GW_EXIT_OK;
done:
	pack_free(&s);
	return rc;
}

int main(int argc, char **argv)
{
	options o = { .version = "0.0.0", .target = "browser", .quality = 11 };
	char **args = new_spellings(argc, argv);
	if (!args) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return GW_EXIT_ERROR;
	}
	int nargs = 0;
	while (args[nargs])
		nargs++;
	const char *file;
	int rc = parse_options(nargs, args, &o, &file);
	if (rc == GW_CLI_GO_ON)
		rc = pack_file(file, &o);
	free(args);
	return rc;
}
