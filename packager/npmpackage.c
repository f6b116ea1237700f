/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* strdup */
#include "npmpackage.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glue.h"
#include "report/json.h"

#define SPDX_ID "[A-Za-z0-9.+-]+"
#define SPDX_PATTERN "^\\(*" SPDX_ID "\\)*( (AND|OR|WITH) \\(*" SPDX_ID "\\)*)*$"
#define URL_PATTERN "^[A-Za-z][A-Za-z0-9+.-]*:[!-~]+$"

static bool printable(const char *s, size_t max)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return n && n <= max;
}

bool gw_npm_meta_valid(const gw_npm_meta *meta, char *why, size_t why_len)
{
	const char *l = meta->license;
	if (l && !(printable(l, 200) && (gw_regex_found(SPDX_PATTERN, l, false) ||
	                                 (!strncmp(l, "SEE LICENSE IN ", 15) && l[15])))) {
		snprintf(why, why_len, "license: '%.200s' is not an SPDX expression (such as MIT or Apache-2.0 OR MIT), "
		         "UNLICENSED, or SEE LICENSE IN FILE", l);
		return false;
	}
	if (meta->repository && !(printable(meta->repository, 1000) && gw_regex_found(URL_PATTERN, meta->repository, false))) {
		snprintf(why, why_len, "repository: '%.200s' is not a URL (such as git+https://host/owner/repo.git)",
		         meta->repository);
		return false;
	}
	if (meta->homepage && !(printable(meta->homepage, 1000) && gw_regex_found("^https?://[!-~]+$", meta->homepage, false))) {
		snprintf(why, why_len, "homepage: '%.200s' is not an http(s) URL", meta->homepage);
		return false;
	}
	return true;
}

static gw_status take(json_t *v, const char *field, const char **out, gw_error *err)
{
	if (!v)
		return GW_OK;
	if (!json_is_string(v))
		return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "its \"%s\" is not a string", field);
	char *s = strdup(json_string_value(v));
	if (!s)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	*out = s;
	return GW_OK;
}

gw_status gw_npm_meta_read(const char *text, size_t len, gw_npm_meta *out, gw_error *err)
{
	json_error_t je;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "not JSON: line %d: %s", je.line, je.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "not a JSON object, as a package.json is");
	}
	json_t *repo = json_object_get(j, "repository");
	if (json_is_object(repo))
		repo = json_object_get(repo, "url");
	gw_status s = take(json_object_get(j, "license"), "license", &out->license, err);
	if (!s)
		s = take(repo, "repository", &out->repository, err);
	if (!s)
		s = take(json_object_get(j, "homepage"), "homepage", &out->homepage, err);
	json_decref(j);
	return s;
}

gw_status gw_npm_meta_load(const char *path, gw_npm_meta *out, gw_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return gw_fail(err, GW_ERR_IO, GW_NO_OFFSET, "cannot open: %s", strerror(errno));
	char *text = malloc(GW_NPM_PACKAGE_JSON_MAX + 1);
	size_t n = text ? fread(text, 1, GW_NPM_PACKAGE_JSON_MAX + 1, f) : 0;
	bool bad = ferror(f);
	fclose(f);
	gw_status s;
	if (!text)
		s = gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	else if (bad)
		s = gw_fail(err, GW_ERR_IO, GW_NO_OFFSET, "cannot read it");
	else if (n > GW_NPM_PACKAGE_JSON_MAX)
		s = gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "over %d bytes: not a package.json", GW_NPM_PACKAGE_JSON_MAX);
	else
		s = gw_npm_meta_read(text, n, out, err);
	free(text);
	return s;
}

void gw_npm_meta_free(gw_npm_meta *meta)
{
	free((void *)meta->license);
	free((void *)meta->repository);
	free((void *)meta->homepage);
	memset(meta, 0, sizeof *meta);
}

void gw_npm_package_json(gw_buf *b, const char *name, const char *version, const char *go_version,
                         const char *module_path, const char *const *files, uint32_t num_files,
                         const gw_npm_meta *meta)
{
	gw_json pj;
	gw_json_init(&pj, b);
	gw_json_object_begin(&pj, NULL);
	gw_json_string(&pj, "name", name);
	gw_json_string(&pj, "version", version);
	char desc[300];
	snprintf(desc, sizeof desc, "Go WebAssembly module (%s), packed by gowasm-pack", go_version);
	gw_json_string(&pj, "description", desc);
	if (meta->license)
		gw_json_string(&pj, "license", meta->license);
	if (meta->repository) {
		gw_json_object_begin(&pj, "repository");
		gw_json_string(&pj, "type", "git");
		gw_json_string(&pj, "url", meta->repository);
		gw_json_object_end(&pj);
	}
	if (meta->homepage)
		gw_json_string(&pj, "homepage", meta->homepage);
	gw_json_string(&pj, "type", "module");
	gw_json_string(&pj, "main", "./loader.mjs");
	gw_json_string(&pj, "types", "./index.d.ts");
	gw_json_object_begin(&pj, "exports");
	gw_json_object_begin(&pj, ".");
	gw_json_string(&pj, "types", "./index.d.ts");
	/* require() gets loader.cjs on every Node, with or without require(esm). */
	gw_json_string(&pj, "require", "./loader.cjs");
	gw_json_string(&pj, "default", "./loader.mjs");
	gw_json_object_end(&pj);
	gw_json_string(&pj, "./manifest.json", "./manifest.json");
	char key[320];
	snprintf(key, sizeof key, "./%s", module_path);
	gw_json_string(&pj, key, key);
	/* The glue and the companion, which the loader imports: bundlers and
	 * apps that import them themselves reach them by these names. */
	for (uint32_t i = 0; i < num_files; i++) {
		if (!strcmp(files[i], "wasm_exec.js") || !strcmp(files[i], "gowasm-batch.mjs")) {
			snprintf(key, sizeof key, "./%s", files[i]);
			gw_json_string(&pj, key, key);
		}
	}
	gw_json_string(&pj, "./package.json", "./package.json");
	gw_json_object_end(&pj);
	/* Only the glue runs code when imported (it defines globalThis.Go):
	 * bundlers may drop what else is unused. */
	gw_json_array_begin(&pj, "sideEffects");
	gw_json_string(&pj, NULL, "./wasm_exec.js");
	gw_json_array_end(&pj);
	/* The loader sets up Node's fs and Web Crypto for the glue from Node 18
	 * on; loader.cjs gives require() it there too. */
	gw_json_object_begin(&pj, "engines");
	gw_json_string(&pj, "node", ">=18");
	gw_json_object_end(&pj);
	gw_json_array_begin(&pj, "files");
	for (uint32_t i = 0; i < num_files; i++)
		gw_json_string(&pj, NULL, files[i]);
	gw_json_array_end(&pj);
	gw_json_array_begin(&pj, "keywords");
	gw_json_string(&pj, NULL, "webassembly");
	gw_json_string(&pj, NULL, "go");
	gw_json_array_end(&pj);
	gw_json_object_end(&pj);
	gw_buf_putc(b, '\n');
}

void gw_bundle_readme(gw_buf *b, const char *name, const char *version, const char *go_version,
                      const char *module_path, bool batched)
{
	gw_buf_printf(b, "# %s %s\n\n", name, version);
	gw_buf_printf(b, "A Go WebAssembly program (%s, `GOOS=js GOARCH=wasm`), packed by gowasm-pack with\n"
	              "the glue that runs it and a loader that checks the module's SHA-384 digest\n"
	              "before instantiating it.\n\n", go_version);
	gw_buf_printf(b, "## Use\n\n```js\nimport { run, load } from \"%s\";\n\n"
	              "const code = await run({ argv: [\"-v\"], env: { HOME: \"/\" } }); // its exit code\n"
	              "const { go, instance } = await load();                         // or run it yourself\n"
	              "```\n\n", name);
	gw_buf_printf(b, "In Node (18 and later) `import` it, or `require()` it: `load()` and `run()`\n"
	              "return the same Promises (`loader.cjs` imports `loader.mjs`). vite and webpack 5 bundle it as it is; rollup with an asset\n"
	              "plugin for `new URL(\"./%s\", import.meta.url)`; with esbuild, import the\n"
	              "module's URL with `--loader:.wasm=file` and pass it on:\n\n"
	              "```js\nimport moduleFile from \"%s/%s\";\nawait run({ module: new URL(moduleFile, import.meta.url) });\n"
	              "```\n\n", module_path, name, module_path);
	gw_buf_printf(b, "`load({ module })` also takes the module's bytes, a `Response` (or a Promise\n"
	              "of one) or a `WebAssembly.Module`.\n\n## Files\n\n");
	gw_buf_printf(b, "- `%s`: the module\n- `wasm_exec.js`: Go's glue, which defines `globalThis.Go`\n", module_path);
	if (batched)
		gw_buf_puts(b, "- `gowasm-batch.mjs`: the companion the module, rewritten by gowasm-batch, needs\n");
	gw_buf_puts(b, "- `loader.mjs`, `index.d.ts`: the loader and its TypeScript declarations\n"
	               "- `loader.cjs`: what `require()` gives, `loader.mjs` through `import()`\n"
	               "- `manifest.json`: what the module is, and every file's size and hashes\n"
	               "  (gowasm-manifest(5)); `gowasm-verify` checks all of it\n"
	               "- `" GW_GLUE_LICENSE_PATH "`: the licence of `wasm_exec.js` (Go's, BSD-3-Clause)\n\n");
	gw_buf_puts(b, "## Licence\n\nThe module's: the `license` field of package.json, as its publisher states it.\n"
	               "wasm_exec.js: BSD-3-Clause, in " GW_GLUE_LICENSE_PATH ".\n");
}
