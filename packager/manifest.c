/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* memmem, gmtime_r */
#include "manifest.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "digest.h"
#include "analysis/jsglobals.h"
#include "go/abi.h"
#include "report/json.h"
#include "wasm/code.h"

void gw_manifest_file_hash(gw_manifest_file *f, const char *path, const char *role, const uint8_t *data,
                           uint64_t size)
{
	uint8_t d[32];
	f->path = path;
	f->role = role;
	f->size = size;
	gw_sha256(data, (size_t)size, d);
	gw_hex(d, 32, f->sha256);
	gw_sri_sha384(data, (size_t)size, f->integrity);
}

bool gw_batch_info_read(const gw_module *m, gw_batch_info *out)
{
	memset(out, 0, sizeof *out);
	const gw_section *s = gw_module_custom_section(m, GW_BATCH_SECTION);
	if (!s)
		return false;
	/* The section's payload: its name, then the JSON text. */
	const uint8_t *p = m->bytes + s->offset;
	size_t n = s->size;
	const uint8_t *brace = memchr(p, '{', n);
	if (!brace)
		return false;
	json_error_t je;
	json_t *j = json_loadb((const char *)brace, n - (size_t)(brace - p), JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(j)) {
		json_decref(j);
		return false;
	}
	json_t *proto = json_object_get(j, "protocol"), *tool = json_object_get(j, "tool"),
	       *def = json_object_get(j, "deferred");
	bool good = json_is_integer(proto) && json_is_string(tool) && json_is_array(def);
	if (good) {
		out->batched = true;
		out->protocol = (int)json_integer_value(proto);
		snprintf(out->tool, sizeof out->tool, "%s", json_string_value(tool));
		size_t i;
		json_t *v;
		json_array_foreach(def, i, v) {
			if (json_is_string(v) && out->num_deferred < 8)
				snprintf(out->deferred[out->num_deferred++], sizeof out->deferred[0], "%s", json_string_value(v));
		}
	}
	json_decref(j);
	return good;
}

int gw_companion_version(const uint8_t *text, size_t len, char *version, size_t size)
{
	static const char marker[] = "gowasm-batch companion ", proto[] = "(batch protocol ";
	version[0] = 0;
	const char *p = memmem(text, len, marker, sizeof marker - 1);
	const char *end = (const char *)text + len;
	if (!p)
		return -1;
	p += sizeof marker - 1;
	size_t k = 0;
	while (k + 1 < size && p + k < end && p[k] != ' ' && p[k] != '\n')
		k++;
	memcpy(version, p, k);
	version[k] = 0;
	const char *q = memmem(p, (size_t)(end - p), proto, sizeof proto - 1);
	int n = 0;
	for (q = q ? q + sizeof proto - 1 : NULL; q && q < end && *q >= '0' && *q <= '9' && n < 1000000; q++)
		n = n * 10 + (*q - '0');
	return q ? n : -1;
}

void gw_bundle_module_name(const char *package, char *out, size_t size)
{
	const char *base = strrchr(package, '/');
	snprintf(out, size, "%s.wasm", base ? base + 1 : package);
}

static void str_or_null(gw_json *j, const char *key, gw_str s)
{
	if (s.len)
		gw_json_string_n(j, key, s.p, s.len);
	else
		gw_json_null(j, key);
}

static void gomodule(gw_json *j, const char *key, gw_str path, gw_str version, gw_str sum, gw_str rpath,
                     gw_str rversion, gw_str rsum)
{
	gw_json_object_begin(j, key);
	gw_json_string_n(j, "path", path.p, path.len);
	gw_json_string_n(j, "version", version.p, version.len);
	str_or_null(j, "sum", sum);
	if (rpath.len) {
		gw_json_object_begin(j, "replace");
		gw_json_string_n(j, "path", rpath.p, rpath.len);
		gw_json_string_n(j, "version", rversion.p, rversion.len);
		str_or_null(j, "sum", rsum);
		gw_json_object_end(j);
	} else {
		gw_json_null(j, "replace");
	}
	gw_json_object_end(j);
}

static void valtypes(gw_json *j, const char *key, const uint8_t *t, uint32_t n)
{
	gw_json_array_begin(j, key);
	for (uint32_t i = 0; i < n; i++)
		gw_json_string(j, NULL, gw_valtype_name(t[i]));
	gw_json_array_end(j);
}

static const char *export_kind(uint8_t k)
{
	switch (k) {
	case GW_EXT_FUNC: return "function";
	case GW_EXT_TABLE: return "table";
	case GW_EXT_MEMORY: return "memory";
	case GW_EXT_GLOBAL: return "global";
	default: return "tag";
	}
}

/* "go": the toolchain and the ABI imports it expects of wasm_exec.js. */
static void write_go(gw_json *j, const gw_module *m, const gw_go_info *go)
{
	gw_json_object_begin(j, "go");
	gw_json_string(j, "version", go->version.text);
	gw_json_string(j, "target", gw_producer_target(go->producer));
	gw_json_object_begin(j, "abi");
	gw_json_string_n(j, "module", go->abi_module.p, go->abi_module.len);
	gw_json_array_begin(j, "imports");
	for (uint32_t i = 0; i < m->num_imports; i++) {
		const gw_import *im = &m->imports[i];
		if (im->kind != GW_EXT_FUNC)
			continue;
		gw_json_object_begin(j, NULL);
		gw_json_string_n(j, "module", im->module.p, im->module.len);
		gw_json_string_n(j, "name", im->field.p, im->field.len);
		gw_json_object_end(j);
	}
	gw_json_array_end(j);
	gw_json_object_end(j);
	gw_json_object_end(j);
}

/* The runtime's own exports, which are not //go:wasmexport functions. */
static bool is_runtime_glue(gw_str name)
{
	return gw_str_eq(name, "run") || gw_str_eq(name, "resume") || gw_str_eq(name, "getsp") ||
	       gw_str_eq(name, "_start") || gw_str_eq(name, "_initialize");
}

static void write_exports(gw_json *j, const gw_module *m, const gw_go_info *go)
{
	gw_json_array_begin(j, "exports");
	for (uint32_t i = 0; i < m->num_exports; i++) {
		const gw_export *ex = &m->exports[i];
		gw_json_object_begin(j, NULL);
		gw_json_string_n(j, "name", ex->name.p, ex->name.len);
		gw_json_string(j, "kind", export_kind(ex->kind));
		if (ex->kind == GW_EXT_FUNC) {
			const gw_functype *t = gw_module_func_type(m, ex->index);
			valtypes(j, "params", t ? t->params : NULL, t ? t->nparams : 0);
			valtypes(j, "results", t ? t->results : NULL, t ? t->nresults : 0);
			gw_json_bool(j, "wasmexport", !is_runtime_glue(ex->name) && go->producer != GW_PRODUCER_NOT_GO);
		}
		gw_json_object_end(j);
	}
	gw_json_array_end(j);
}

/* "globals": js.Global().Set("name", js.FuncOf(...)) with a constant name. */
static gw_status write_globals(gw_json *j, const gw_manifest_input *in, gw_error *err)
{
	gw_js_globals globals;
	gw_status gs = gw_js_globals_find(in->l->m, in->l->go, in->l->syms, &globals, err);
	if (gs)
		return gs;
	gw_json_array_begin(j, "globals");
	for (uint32_t i = 0; i < globals.n; i++)
		gw_json_string(j, NULL, globals.names[i]);
	gw_json_array_end(j);
	gw_js_globals_free(&globals);
	return GW_OK;
}

/* "memory", "features" and "capabilities": what the host must provide. */
static gw_status write_requirements(gw_json *j, const gw_manifest_input *in, gw_error *err)
{
	const gw_module *m = in->l->m;
	const gw_limits *mem = gw_module_memory0(m);
	gw_json_object_begin(j, "memory");
	gw_json_uint(j, "initial", mem ? mem->min : 0);
	if (mem && mem->has_max)
		gw_json_uint(j, "maximum", mem->max);
	else
		gw_json_null(j, "maximum");
	gw_json_object_end(j);

	unsigned feats = 0;
	gw_status s = gw_module_features(m, &feats, err);
	if (s)
		return s;
	gw_json_array_begin(j, "features");
	for (unsigned i = 0; i < GW_FEAT_COUNT; i++)
		if (feats & (1u << i))
			gw_json_string(j, NULL, gw_feature_name(i));
	gw_json_array_end(j);

	gw_json_array_begin(j, "capabilities");
	for (uint32_t i = 0; in->findings && i < in->findings->num_capabilities; i++)
		gw_json_string(j, NULL, in->findings->capabilities[i]);
	gw_json_array_end(j);
	return GW_OK;
}

static void write_files(gw_json *j, const gw_manifest_input *in)
{
	gw_json_array_begin(j, "files");
	for (uint32_t i = 0; i < in->num_files; i++) {
		const gw_manifest_file *f = &in->files[i];
		gw_json_object_begin(j, NULL);
		gw_json_string(j, "path", f->path);
		gw_json_string(j, "role", f->role);
		gw_json_uint(j, "size", f->size);
		gw_json_string(j, "sha256", f->sha256);
		gw_json_string(j, "integrity", f->integrity);
		gw_json_object_end(j);
	}
	gw_json_array_end(j);
}

/* "build": the build id and the Go build info (main module, dependencies, settings). */
static void write_build(gw_json *j, const gw_go_info *go)
{
	const gw_go_buildinfo *bi = &go->build;
	gw_json_object_begin(j, "build");
	str_or_null(j, "id", go->build_id);
	if (bi->present && bi->main.path.len)
		gomodule(j, "main", bi->main.path, bi->main.version, bi->main.sum, bi->main.replace_path,
		         bi->main.replace_version, bi->main.replace_sum);
	else
		gw_json_null(j, "main");
	gw_json_array_begin(j, "dependencies");
	for (uint32_t i = 0; bi->present && i < bi->num_deps; i++) {
		const gw_go_module_line *d = &bi->deps[i];
		gomodule(j, NULL, d->path, d->version, d->sum, d->replace_path, d->replace_version, d->replace_sum);
	}
	gw_json_array_end(j);
	gw_json_array_begin(j, "settings");
	for (uint32_t i = 0; bi->present && i < bi->num_settings; i++) {
		gw_json_object_begin(j, NULL);
		gw_json_string_n(j, "key", bi->settings[i].key.p, bi->settings[i].key.len);
		gw_json_string_n(j, "value", bi->settings[i].value.p, bi->settings[i].value.len);
		gw_json_object_end(j);
	}
	gw_json_array_end(j);
	gw_json_object_end(j);
}

/* The check's findings counted by rule and severity, in the order of the rules table. */
static void write_check_rules(gw_json *j, const gw_findings *f)
{
	size_t nr;
	const gw_rule *rules = gw_rules(&nr);
	gw_json_array_begin(j, "rules");
	for (size_t r = 0; r < nr; r++) {
		for (int sev = 0; sev < 3; sev++) {
			gw_severity want = sev == 0 ? GW_SEV_ERROR : sev == 1 ? GW_SEV_WARNING : GW_SEV_NOTE;
			uint64_t c = 0;
			for (uint32_t i = 0; i < f->n; i++)
				c += f->v[i].rule == &rules[r] && f->v[i].severity == want;
			if (!c)
				continue;
			gw_json_object_begin(j, NULL);
			gw_json_string(j, "rule", rules[r].id);
			gw_json_string(j, "severity", gw_severity_name(want));
			gw_json_uint(j, "count", c);
			gw_json_object_end(j);
		}
	}
	gw_json_array_end(j);
}

/* "check": absent, or the check's target and counts. */
static void write_check(gw_json *j, const gw_manifest_input *in)
{
	gw_json_object_begin(j, "check");
	if (!in->findings) {
		gw_json_string(j, "status", "absent");
	} else {
		const gw_findings *f = in->findings;
		uint64_t count[3] = {0, 0, 0};
		for (uint32_t i = 0; i < f->n; i++)
			count[f->v[i].severity == GW_SEV_ERROR ? 0 : f->v[i].severity == GW_SEV_WARNING ? 1 : 2]++;
		gw_json_string(j, "status", "checked");
		gw_json_string(j, "target", in->check_target);
		gw_json_uint(j, "errors", count[0]);
		gw_json_uint(j, "warnings", count[1]);
		gw_json_uint(j, "notes", count[2]);
		write_check_rules(j, f);
	}
	gw_json_object_end(j);
}

/* "batch": whether gowasm-batch rewrote the module, and its companion. */
static void write_batch(gw_json *j, const gw_manifest_input *in)
{
	gw_batch_info bi;
	gw_json_object_begin(j, "batch");
	if (gw_batch_info_read(in->l->m, &bi)) {
		gw_json_bool(j, "batched", true);
		gw_json_int(j, "protocol", bi.protocol);
		gw_json_string(j, "tool", bi.tool);
		gw_json_array_begin(j, "deferred");
		for (uint32_t i = 0; i < bi.num_deferred; i++)
			gw_json_string(j, NULL, bi.deferred[i]);
		gw_json_array_end(j);
		if (in->companion_path) {
			gw_json_string(j, "companion", in->companion_path);
			gw_json_string(j, "companion_version", in->companion_version ? in->companion_version : "");
		}
	} else {
		gw_json_bool(j, "batched", false);
	}
	gw_json_object_end(j);
}

/* "tool", "timestamp" and "source_date_epoch": who wrote the package, and when. */
static void write_provenance(gw_json *j, const gw_manifest_input *in)
{
	gw_json_object_begin(j, "tool");
	gw_json_string(j, "name", "gowasm-pack");
	gw_json_string(j, "version", in->tool_version);
	gw_json_object_end(j);

	char ts[32];
	struct tm tm;
	time_t t = in->timestamp;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	gw_json_string(j, "timestamp", ts);
	if (in->has_source_date_epoch)
		gw_json_int(j, "source_date_epoch", (int64_t)in->timestamp);
	else
		gw_json_null(j, "source_date_epoch");
}

gw_status gw_manifest_write(gw_buf *b, const gw_manifest_input *in, gw_error *err)
{
	const gw_module *m = in->l->m;
	const gw_go_info *go = in->l->go;
	gw_json j;
	gw_json_init(&j, b);
	gw_json_object_begin(&j, NULL);
	gw_json_string(&j, "schema", GW_MANIFEST_SCHEMA);
	gw_json_string(&j, "name", in->name);
	gw_json_string(&j, "version", in->version);
	gw_json_string(&j, "module", in->module_path);
	write_go(&j, m, go);
	write_exports(&j, m, go);
	gw_status s = write_globals(&j, in, err);
	if (!s)
		s = write_requirements(&j, in, err);
	if (s)
		return s;
	write_files(&j, in);
	write_build(&j, go);
	write_check(&j, in);
	write_batch(&j, in);
	write_provenance(&j, in);
	gw_json_object_end(&j);
	gw_buf_putc(b, '\n');
	if (b->oom)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory writing the manifest");
	return GW_OK;
}
