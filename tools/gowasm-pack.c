/* gowasm-pack: a reproducible bundle of a Go js/wasm module, its glue, its
 * loader and a typed manifest. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
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

static void usage(void)
{
	printf("Usage: %s [OPTIONS] APP.wasm -o APP-VERSION.zip\n"
	       "       %s [OPTIONS] APP.wasm --npm DIR\n"
	       "\n"
	       "Bundle a Go js/wasm module for publishing: the module, its wasm_exec.js glue\n"
	       "(refused when its ABI does not match the module), the JS companion when the\n"
	       "module was batched by gowasm-batch, an ES-module loader that checks the\n"
	       "module's integrity (SHA-384) before instantiating it, TypeScript declarations,\n"
	       "and manifest.json (see gowasm-manifest(5)) with every file's size, SHA-256 and\n"
	       "SRI string, the Go version, ABI, exports, memory, features, host capabilities,\n"
	       "build info and the gowasm-check summary. The same inputs and SOURCE_DATE_EPOCH\n"
	       "give a byte-identical zip. Outputs are written atomically.\n"
	       "\n"
	       "Options:\n"
	       "  -o, --output FILE     write the zip bundle to FILE\n"
	       "  --npm DIR             write an npm package folder to DIR (new or empty)\n"
	       "  --glue FILE           the wasm_exec.js to ship (default: from $(go env GOROOT),\n"
	       "                        lib/wasm/ or misc/wasm/)\n"
	       "  --name NAME           package name (default: the module's file name)\n"
	       "  --version VERSION     package version (default: 0.0.0)\n"
	       "  --license SPDX        package.json license (an SPDX expression)\n"
	       "  --repository URL      package.json repository\n"
	       "  --homepage URL        package.json homepage\n"
	       "  --package-json FILE   take license, repository and homepage from FILE\n"
	       "  --gzip                add NAME.wasm.gz, a gzip copy for static hosting\n"
	       "  --brotli              add NAME.wasm.br, a brotli copy\n"
	       "  --brotli-quality Q    brotli quality, 0-11 (default: 11)\n"
	       "  --source-map          add NAME.wasm.map, the module's source map (Go file and\n"
	       "                        line of every code offset), and a sourceMappingURL\n"
	       "                        section naming it in the packed module\n"
	       "  --target TARGET       browser (default) or node: the check summary's target\n"
	       "  --no-check            do not run gowasm-check; the manifest says \"absent\"\n"
	       "  --json                report what was written as JSON on stdout\n"
	       "  -q, --quiet           no report on success\n"
	       "  -h, --help            show this help and exit\n"
	       "  -V, --version-info    show the version and exit\n"
	       "\n"
	       "Environment: SOURCE_DATE_EPOCH, the time recorded in the manifest and the zip\n"
	       "(default: now); GOROOT, where to look for the glue before asking go env.\n"
	       "\n"
	       "Exit status: 0 written; 2 usage error, an unreadable or malformed module, not\n"
	       "a Go js/wasm module, a glue that does not match it, or an output that could\n"
	       "not be written.\n"
	       "\n"
	       "Examples:\n"
	       "  %s app.wasm --glue wasm_exec.js --version 1.2.0 -o app-1.2.0.zip\n"
	       "  SOURCE_DATE_EPOCH=$(git log -1 --format=%%ct) %s app.wasm --gzip -o app.zip\n"
	       "  %s app.wasm --name @me/app --version 1.2.0 --npm dist/npm\n",
	       prog, prog, prog, prog, prog);
}


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

/* package.json's metadata: --package-json FILE's, each flag given
 * replacing its field; checked. Nonzero (reported) on failure. */
static int gw_pack_npm_meta(const char *package_json, const gw_npm_meta *flags, gw_npm_meta *out)
{
	gw_error err;
	gw_error_clear(&err);
	if (package_json && gw_npm_meta_load(package_json, out, &err)) {
		gw_cli_error(prog, package_json, &err);
		return -1;
	}
	const char **fields[] = {&out->license, &out->repository, &out->homepage};
	const char *given[] = {flags->license, flags->repository, flags->homepage};
	for (size_t i = 0; i < 3; i++) {
		if (given[i]) {
			free((void *)*fields[i]);
			*fields[i] = strdup(given[i]);
		}
	}
	char why[400];
	if (!gw_npm_meta_valid(out, why, sizeof why)) {
		gw_cli_usage_error(prog, "%s%s%s", package_json ? package_json : "", package_json ? ": " : "", why);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "npm", required_argument, NULL, 'N' },
		{ "glue", required_argument, NULL, 'g' },
		{ "name", required_argument, NULL, 'n' },
		{ "version", required_argument, NULL, 'v' },
		{ "gzip", no_argument, NULL, 'z' },
		{ "brotli", no_argument, NULL, 'b' },
		{ "brotli-quality", required_argument, NULL, 'B' },
		{ "target", required_argument, NULL, 't' },
		{ "source-map", no_argument, NULL, 'S' },
		{ "no-check", no_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version-info", no_argument, NULL, 'V' },
		{ "license", required_argument, NULL, 'L' },
		{ "repository", required_argument, NULL, 'R' },
		{ "homepage", required_argument, NULL, 'H' },
		{ "package-json", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *npm = NULL, *glue_path = NULL, *name = NULL, *version = "0.0.0";
	const char *target = "browser";
	bool gzip = false, brotli = false, check = true, json = false, quiet = false, source_map = false;
	int quality = 11;
	gw_npm_meta meta_flags = {0}, meta = {0};
	const char *package_json = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'N': npm = optarg; break;
		case 'g': glue_path = optarg; break;
		case 'n': name = optarg; break;
		case 'v': version = optarg; break;
		case 'z': gzip = true; break;
		case 'b': brotli = true; break;
		case 'B': {
			char *end;
			long q = strtol(optarg, &end, 10);
			if (*end || end == optarg || q < 0 || q > 11) {
				gw_cli_usage_error(prog, "--brotli-quality: expected 0 to 11, not '%s'", optarg);
				return GW_EXIT_ERROR;
			}
			quality = (int)q;
			brotli = true;
			break;
		}
		case 't':
			if (strcmp(optarg, "browser") && strcmp(optarg, "node")) {
				gw_cli_usage_error(prog, "--target: expected browser or node, not '%s'", optarg);
				return GW_EXIT_ERROR;
			}
			target = optarg;
			break;
		case 'C': check = false; break;
		case 'S': source_map = true; break;
		case 'j': json = true; break;
		case 'q': quiet = true; break;
		case 'h': usage(); return GW_EXIT_OK;
		case 'V': gw_cli_version(prog); return GW_EXIT_OK;
		case 'L': meta_flags.license = optarg; break;
		case 'R': meta_flags.repository = optarg; break;
		case 'H': meta_flags.homepage = optarg; break;
		case 'P': package_json = optarg; break;
		default:
			gw_cli_option_error(prog, c, argv, optind);
			return GW_EXIT_ERROR;
		}
	}
	const char *file = gw_cli_one_input(prog, argc, argv, optind);
	if (!file)
		return GW_EXIT_ERROR;
	if (!output && !npm) {
		gw_cli_usage_error(prog, "no output: use -o APP.zip, --npm DIR, or both");
		return GW_EXIT_ERROR;
	}
	char name_buf[256];
	if (!name) {
		default_name(file, name_buf, sizeof name_buf);
		name = name_buf;
	}
	if (strlen(name) > 214 || !gw_regex_found(NAME_PATTERN, name, false)) {
		gw_cli_usage_error(prog, "--name: '%s' is not a valid package name (lowercase letters, digits, - . _ ~, "
		                   "optionally @scope/)", name);
		return GW_EXIT_ERROR;
	}
	if (strlen(version) > 128 || !gw_regex_found(VERSION_PATTERN, version, false)) {
		gw_cli_usage_error(prog, "--version: '%s' is not a valid version", version);
		return GW_EXIT_ERROR;
	}
	time_t when = time(NULL);
	bool sde = false;
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	if (epoch && *epoch) {
		char *end;
		errno = 0;
		long long v = strtoll(epoch, &end, 10);
		if (*end || errno || v < 0 || v > 253402300799LL) {
			gw_cli_usage_error(prog, "SOURCE_DATE_EPOCH: '%s' is not a time in seconds since 1970", epoch);
			return GW_EXIT_ERROR;
		}
		when = (time_t)v;
		sde = true;
	}
	/* libzip writes DOS times in local time: make that UTC. */
	setenv("TZ", "UTC0", 1);
	tzset();

	if (output && strcmp(output, "-") == 0) {
		gw_cli_usage_error(prog, "-o -: a zip is binary; name an output file");
		return GW_EXIT_ERROR;
	}
	char glue_found[4096];
	if (!glue_path) {
		if (find_glue(glue_found, sizeof glue_found) != 0) {
			gw_cli_usage_error(prog, "no --glue, and no wasm_exec.js under $(go env GOROOT) (lib/wasm or misc/wasm)");
			return GW_EXIT_ERROR;
		}
		glue_path = glue_found;
	}

	/* Inputs are never replaced. */
	const char *const inputs[] = { file, glue_path };
	if (gw_cli_refuse_overwrite(prog, output, inputs, 2))
		return GW_EXIT_ERROR;
	gw_error err;
	gw_error_clear(&err);
	gw_loaded l;
	if (gw_pack_npm_meta(package_json, &meta_flags, &meta) || gw_load(file, &l, &err)) {
		if (err.msg[0])
			gw_cli_error(prog, file, &err);
		gw_npm_meta_free(&meta);
		return GW_EXIT_ERROR;
	}
	int rc = GW_EXIT_ERROR;
	gw_mapped_file gluef = {0}, companionf = {0};
	uint8_t *deflated = NULL, *gz = NULL, *br = NULL, *zipped = NULL;
	size_t deflated_len = 0, gz_len = 0, br_len = 0, zipped_len = 0;
	gw_findings findings;
	memset(&findings, 0, sizeof findings);
	gw_buf loader, manifest, pkg, report, readme, types;
	gw_buf_init(&readme);
	gw_buf_init(&types);
	gw_js_globals globals = {0};
	gw_buf_init(&loader);
	gw_buf_init(&manifest);
	gw_buf_init(&pkg);
	gw_buf_init(&report);
	char module_path[300], gz_path[310], br_path[310], map_path[310];
	gw_buf attached, map;
	gw_buf_init(&attached);
	gw_buf_init(&map);
	gw_go_addr *addr = NULL;
	char companion_version[64] = "";
	double brotli_seconds = 0;

	if (l.go->producer != GW_PRODUCER_GC_JS) {
		gw_cli_fail(prog, file, "not a Go js/wasm module (%s): the loader runs Go's js/wasm modules only",
		     gw_producer_name(l.go->producer));
		goto done;
	}
	if (!l.go->version.known) {
		gw_cli_fail(prog, file, "its Go version cannot be found (no producers section, no go.version, no runtime.buildVersion): "
		     "the manifest needs it");
		goto done;
	}
	gw_bundle_module_name(name, module_path, sizeof module_path);
	snprintf(gz_path, sizeof gz_path, "%s.gz", module_path);
	snprintf(br_path, sizeof br_path, "%s.br", module_path);
	snprintf(map_path, sizeof map_path, "%s.map", module_path);
	/* The packed module: the input, or with --source-map the input with a
	 * sourceMappingURL section naming the map beside it, read again so
	 * every fact, hash and the map itself are of the bytes shipped. */
	const uint8_t *mod_data = l.file.data;
	size_t mod_len = l.file.size;
	if (source_map) {
		gw_loaded la;
		if (gw_sourcemap_attach(l.m, map_path, &attached, &err) || gw_load_bytes((const uint8_t *)attached.data,
		                                                                        attached.len, &la, &err)) {
			gw_cli_error(prog, file, &err);
			goto done;
		}
		gw_unload(&l);
		l = la;
		mod_data = (const uint8_t *)attached.data;
		mod_len = attached.len;
		gw_sourcemap_opts so = { module_path, NULL, NULL, NULL };
		gw_sourcemap_stats st;
		if (gw_go_addr_new(l.m, l.go, l.syms, &addr, &err) ||
		    gw_sourcemap_write(addr, l.m, l.go, &so, &map, &st, &err)) {
			gw_cli_error(prog, file, &err);
			goto done;
		}
		if (map.len > GW_BUNDLE_MAX_ENTRY) {
			gw_cli_fail(prog, file, "its source map would be %zu bytes, over the %llu bytes a bundle entry may hold",
			            map.len, (unsigned long long)GW_BUNDLE_MAX_ENTRY);
			goto done;
		}
	} else {
		/* A section naming the map this bundle would not have: verify
		 * would call the bundle invalid. */
		bool found;
		gw_str url;
		if (gw_sourcemap_url(l.m, &found, &url, &err)) {
			gw_cli_error(prog, file, &err);
			goto done;
		}
		if (found && gw_str_eq(url, map_path)) {
			gw_cli_fail(prog, file, "its sourceMappingURL section names %s, which only --source-map ships", map_path);
			goto done;
		}
	}
	if (gw_cli_map_input(prog, glue_path, (size_t)16 << 20, "glue file", &gluef))
		goto done;
	const uint8_t *glue = gluef.data;
	size_t glue_len = gluef.size;
	char why[300];
	if (!gw_glue_defines_go(glue, glue_len, why, sizeof why)) {
		gw_cli_fail(prog, glue_path, "cannot be bundled: it does not define globalThis.Go as the loader runs it: %s", why);
		goto done;
	}
	/* The glue must match the module; the check summary comes with it. */
	gw_check_options opt = { glue, glue_len, strcmp(target, "node") ? GW_TARGET_BROWSER : GW_TARGET_NODE };
	if (gw_check_run(l.m, l.go, l.syms, &l.integrity, &opt, &findings, &err)) {
		gw_cli_error(prog, file, &err);
		goto done;
	}
	for (uint32_t i = 0; i < findings.n; i++) {
		if (!strcmp(findings.v[i].rule->id, "glue-mismatch")) {
			gw_cli_fail(prog, glue_path, "does not match %s: %s", file, findings.v[i].message);
			goto done;
		}
	}

	gw_batch_info bi;
	bool batched = gw_batch_info_read(l.m, &bi);
	if (batched) {
		char cpath[4096];
		if (gw_cli_data_file("gowasm-batch.mjs", cpath, sizeof cpath) != 0) {
			gw_cli_fail(prog, file, "is batched, but the JS companion (gowasm-batch.mjs) is not installed");
			goto done;
		}
		if (gw_cli_map_input(prog, cpath, (size_t)1 << 20, "companion", &companionf))
			goto done;
		if (gw_companion_version(companionf.data, companionf.size, companion_version, sizeof companion_version) !=
		    bi.protocol) {
			gw_cli_fail(prog, cpath, "speaks another batch protocol than %s (protocol %d)", file, bi.protocol);
			goto done;
		}
	}

	/* The module's hashes, once: the loader's integrity and the manifest's. */
	gw_manifest_file module_hash;
	gw_manifest_file_hash(&module_hash, module_path, "module", mod_data, mod_len);
	const char *sri = module_hash.integrity;

	/* The loader: its bundle line, the lines naming its files, the template. */
	gw_loader_facts lf = { GW_VERSION, name, version, module_path, sri, batched ? "gowasm-batch.mjs" : NULL,
	                       l.go->version.text, l.go->abi_module };
	gw_loader_write(&loader, &lf);

	packed p;
	memset(&p, 0, sizeof p);
	add(&p, module_path, "module", mod_data, mod_len);
	if (gw_deflate_raw(mod_data, mod_len, GW_DEFLATE_LEVEL, &deflated, &deflated_len, &err)) {
		gw_cli_error(prog, file, &err);
		goto done;
	}
	/* gowasm-verify's limits (packager/limits.h): never write a bundle it
	 * would reject. */
	if (mod_len > GW_BUNDLE_MAX_ENTRY) {
		gw_cli_fail(prog, file, "%zu bytes: over the %llu bytes a bundle entry may hold", mod_len,
		            (unsigned long long)GW_BUNDLE_MAX_ENTRY);
		goto done;
	}
	if (mod_len > GW_BUNDLE_RATIO_FROM && deflated_len && mod_len / deflated_len > GW_BUNDLE_MAX_RATIO) {
		gw_cli_fail(prog, file, "compresses %zu:1, more than the %d:1 gowasm-verify accepts (a zip bomb's ratio); "
		            "nothing written", mod_len / deflated_len, GW_BUNDLE_MAX_RATIO);
		goto done;
	}
	p.files[0].deflated = deflated;
	p.files[0].deflated_size = deflated_len;
	if (gzip) {
		if (gw_gzip_wrap(mod_data, mod_len, deflated, deflated_len, &gz, &gz_len, &err)) {
			gw_cli_error(prog, file, &err);
			goto done;
		}
		add(&p, gz_path, "module-gzip", gz, gz_len);
		p.files[p.n - 1].store = true;
	}
	if (brotli) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (gw_brotli(mod_data, mod_len, quality, &br, &br_len, &err)) {
			gw_cli_error(prog, file, &err);
			goto done;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		brotli_seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		add(&p, br_path, "module-brotli", br, br_len);
		p.files[p.n - 1].store = true;
	}
	if (source_map)
		add(&p, map_path, "source-map", (const uint8_t *)map.data, map.len);
	add(&p, "wasm_exec.js", "glue", glue, glue_len);
	if (batched)
		add(&p, "gowasm-batch.mjs", "companion", companionf.data, companionf.size);
	add(&p, "loader.mjs", "loader", (const uint8_t *)loader.data, loader.len);
	/* The declarations, with the functions the program puts on globalThis. */
	if (gw_js_globals_find(l.m, l.go, l.syms, &globals, &err)) {
		gw_cli_error(prog, file, &err);
		goto done;
	}
	gw_types_write(&types, (const char *const *)globals.names, globals.n);
	add(&p, "index.d.ts", "types", (const uint8_t *)types.data, types.len);
	gw_bundle_readme(&readme, name, version, l.go->version.text, module_path, batched);
	if (readme.oom || types.oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto done;
	}
	add(&p, GW_README_PATH, "readme", (const uint8_t *)readme.data, readme.len);
	add(&p, GW_GLUE_LICENSE_PATH, "glue-license", (const uint8_t *)gw_glue_license, gw_glue_license_len);
	qsort(p.files, p.n, sizeof *p.files, cmp_bundle);
	for (uint32_t i = 0; i < p.n; i++) {
		if (p.files[i].data == mod_data)
			p.hashes[i] = module_hash;
		else
			gw_manifest_file_hash(&p.hashes[i], p.files[i].path, p.files[i].role, p.files[i].data, p.files[i].size);
	}

	gw_manifest_input in = {
		.name = name, .version = version, .module_path = module_path, .l = &l,
		.findings = check ? &findings : NULL, .check_target = target,
		.files = p.hashes, .num_files = p.n,
		.companion_path = batched ? "gowasm-batch.mjs" : NULL, .companion_version = companion_version,
		.tool_version = GW_VERSION, .timestamp = when, .has_source_date_epoch = sde,
	};
	if (gw_manifest_write(&manifest, &in, &err)) {
		gw_cli_error(prog, file, &err);
		goto done;
	}
	if (manifest.len > GW_BUNDLE_MAX_MANIFEST) {
		gw_cli_fail(prog, file, "its manifest.json would be %zu bytes, over the %u gowasm-verify accepts; nothing written",
		            manifest.len, GW_BUNDLE_MAX_MANIFEST);
		goto done;
	}
	if (output) {
		gw_bundle_file all[17];
		memcpy(all, p.files, p.n * sizeof *all);
		memset(&all[p.n], 0, sizeof all[p.n]);
		all[p.n].path = "manifest.json";
		all[p.n].role = "manifest";
		all[p.n].data = (const uint8_t *)manifest.data;
		all[p.n].size = manifest.len;
		qsort(all, p.n + 1, sizeof *all, cmp_bundle);
		if (gw_zip_build(all, p.n + 1, when, &zipped, &zipped_len, &err)) {
			gw_cli_error(prog, output, &err);
			goto done;
		}
		gw_verify_report vr;
		bool fits = gw_verify_zip_limits(zipped, zipped_len, &vr);
		if (!fits)
			gw_cli_fail(prog, output, "not written: gowasm-verify would reject it: %s: %s", vr.n ? vr.v[0].what : "zip",
			            vr.n ? vr.v[0].msg : "out of memory");
		gw_verify_report_free(&vr);
		if (!fits)
			goto done;
		if (gw_cli_write_output(prog, output, (const char *)zipped, zipped_len))
			goto done;
	}
	if (npm) {
		const char *paths[17];
		for (uint32_t i = 0; i < p.n; i++)
			paths[i] = p.files[i].path;
		paths[p.n] = "manifest.json";
		gw_npm_package_json(&pkg, name, version, l.go->version.text, module_path, paths, p.n + 1, &meta);
		if (pkg.oom || write_npm(npm, &p, manifest.data, manifest.len, pkg.data, pkg.len))
			goto done;
	}
	if (json) {
		gw_json rj;
		gw_json_init(&rj, &report);
		gw_json_object_begin(&rj, NULL);
		gw_json_string(&rj, "schema", "gowasm-pack/1");
		gw_json_string(&rj, "input", file);
		if (output)
			gw_json_string(&rj, "output", output);
		else
			gw_json_null(&rj, "output");
		if (npm)
			gw_json_string(&rj, "npm", npm);
		else
			gw_json_null(&rj, "npm");
		gw_json_string(&rj, "name", name);
		gw_json_string(&rj, "version", version);
		gw_json_bool(&rj, "batched", batched);
		if (output) {
			uint8_t d[32];
			char hx[65];
			gw_sha256(zipped, zipped_len, d);
			gw_hex(d, 32, hx);
			gw_json_uint(&rj, "size", zipped_len);
			gw_json_string(&rj, "sha256", hx);
		}
		gw_json_array_begin(&rj, "files");
		for (uint32_t i = 0; i < p.n; i++) {
			gw_json_object_begin(&rj, NULL);
			gw_json_string(&rj, "path", p.hashes[i].path);
			gw_json_string(&rj, "role", p.hashes[i].role);
			gw_json_uint(&rj, "size", p.hashes[i].size);
			gw_json_object_end(&rj);
		}
		gw_json_array_end(&rj);
		if (brotli)
			gw_json_uint(&rj, "brotli_ms", (uint64_t)(brotli_seconds * 1000));
		gw_json_object_end(&rj);
		gw_buf_putc(&report, '\n');
	} else if (!quiet) {
		gw_buf_printf(&report, "%s: %s %s (%s, module \"%.*s\")%s\n", prog, name, version, l.go->version.text,
		              (int)l.go->abi_module.len, (const char *)l.go->abi_module.p, batched ? ", batched" : "");
		for (uint32_t i = 0; i < p.n; i++)
			gw_buf_printf(&report, "  %-22s %-14s %10llu bytes\n", p.hashes[i].path, p.hashes[i].role,
			              (unsigned long long)p.hashes[i].size);
		gw_buf_printf(&report, "  %-22s %-14s %10zu bytes\n", "manifest.json", "", manifest.len);
		if (output)
			gw_buf_printf(&report, "  wrote %s: %zu bytes\n", output, zipped_len);
		if (npm)
			gw_buf_printf(&report, "  wrote %s/ (npm package)\n", npm);
	}
	if (report.oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto done;
	}
	if (gw_cli_write_report(prog, NULL, report.data ? report.data : "", report.len, !json))
		goto done;
	rc = GW_EXIT_OK;
done:
	gw_go_addr_free(addr);
	gw_buf_free(&map);
	gw_unmap_file(&gluef);
	gw_unmap_file(&companionf);
	free(deflated);
	free(gz);
	free(br);
	free(zipped);
	gw_buf_free(&loader);
	gw_buf_free(&readme);
	gw_buf_free(&types);
	gw_js_globals_free(&globals);
	gw_npm_meta_free(&meta);
	gw_buf_free(&manifest);
	gw_buf_free(&pkg);
	gw_buf_free(&report);
	gw_findings_free(&findings);
	gw_unload(&l);
	gw_buf_free(&attached); /* after the module read from it */
	return rc;
}
