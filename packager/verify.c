/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* memmem */
#include "verify.h"

#include <brotli/decode.h>
#include <jansson.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zlib.h>

#include "analysis/check.h"
#include "analysis/load.h"
#include "problem.h"
#include "report/sourcemap.h"
#include "bundle.h"
#include "digest.h"
#include "glue.h"
#include "loader.h"
#include "npmpackage.h"
#include "embedded.h"
#include "manifest.h"
#include "zipread.h"
#include "wasm/code.h"
#include "../validate/wabt.h"

void gw_verify_add(gw_verify_report *r, const char *what, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gw_verify_problem *p = GW_PROBLEM_VAPPEND(gw_verify_problem, msg, r->v, r->n, r->cap, fmt, ap);
	va_end(ap);
	if (p)
		snprintf(p->what, sizeof p->what, "%s", what);
	else
		r->oom = true;
}

gw_status gw_verify_finish(gw_verify_report *r, gw_error *err)
{
	if (!r->oom)
		return GW_OK;
	gw_verify_report_free(r);
	return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
}

/* A check could not be made for want of memory: no verdict. True then. */
static bool out_of_memory(gw_verify_report *r, gw_status s)
{
	if (s == GW_ERR_NOMEM)
		r->oom = true;
	return s == GW_ERR_NOMEM;
}

void gw_verify_report_free(gw_verify_report *r)
{
	free(r->v);
	memset(r, 0, sizeof *r);
}

/* ---- a JSON Schema subset over jansson ---- */

typedef struct schema_ctx {
	json_t *root;
	gw_verify_report *r;
	bool unsupported;
	int depth;
} schema_ctx;

static const char *json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "integer";
	case JSON_REAL: return "number";
	case JSON_TRUE: case JSON_FALSE: return "boolean";
	default: return "null";
	}
}

static bool type_is(const json_t *v, const char *t)
{
	if (!strcmp(t, "number"))
		return json_is_number(v);
	return !strcmp(json_type_name(v), t);
}

static size_t utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static bool validate(schema_ctx *c, json_t *schema, json_t *v, const char *path, bool report);

/* One keyword of a schema, applied to a value. */
typedef struct keyword {
	json_t *schema;      /* the schema object the keyword is in */
	const char *key;
	json_t *kw;          /* the keyword's value */
	json_t *v;           /* the value validated */
	const char *path;    /* its JSON pointer, for messages */
	bool report;         /* false in oneOf's trial runs */
} keyword;

/* A value the schema refuses: a problem when reporting; always false. */
static bool fail(schema_ctx *c, const keyword *k, const char *fmt, ...) GW_PRINTF(3, 4);

static bool fail(schema_ctx *c, const keyword *k, const char *fmt, ...)
{
	if (k->report) {
		char msg[sizeof c->r->v->msg];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		gw_verify_add(c->r, "manifest.json", "%s", msg);
	}
	return false;
}

/* A schema this validator cannot apply: the validation as a whole fails. */
static bool unsupported(schema_ctx *c)
{
	c->unsupported = true;
	return false;
}

/* The value at path/name (a property or an index) against a sub-schema. */
static bool validate_at(schema_ctx *c, const keyword *k, json_t *schema, json_t *v, const char *name)
{
	char sub[512];
	snprintf(sub, sizeof sub, "%s/%s", k->path, name);
	return validate(c, schema, v, sub, k->report);
}

static bool kw_annotation(schema_ctx *c, const keyword *k)
{
	(void)c;
	(void)k;
	return true;
}

static bool kw_ref(schema_ctx *c, const keyword *k)
{
	const char *ref = json_string_value(k->kw);
	json_t *target = NULL;
	if (ref && !strncmp(ref, "#/$defs/", 8))
		target = json_object_get(json_object_get(c->root, "$defs"), ref + 8);
	if (!target)
		return unsupported(c);
	return validate(c, target, k->v, k->path, k->report);
}

static bool kw_type(schema_ctx *c, const keyword *k)
{
	bool any = false;
	if (json_is_string(k->kw)) {
		any = type_is(k->v, json_string_value(k->kw));
	} else {
		size_t i;
		json_t *t;
		json_array_foreach(k->kw, i, t) any = any || (json_is_string(t) && type_is(k->v, json_string_value(t)));
	}
	return any || fail(c, k, "%s: a %s where the schema wants %s", k->path, json_type_name(k->v),
	                   json_is_string(k->kw) ? json_string_value(k->kw) : "another type");
}

static bool kw_const(schema_ctx *c, const keyword *k)
{
	return json_equal(k->kw, k->v) || fail(c, k, "%s: not the value the schema requires", k->path);
}

static bool kw_enum(schema_ctx *c, const keyword *k)
{
	size_t i;
	json_t *e;
	json_array_foreach(k->kw, i, e) {
		if (json_equal(e, k->v))
			return true;
	}
	const char *q = json_is_string(k->v) ? "\"" : "";
	return fail(c, k, "%s: %s%s%s is not one of the allowed values", k->path, q,
	            json_is_string(k->v) ? json_string_value(k->v) : json_type_name(k->v), q);
}

static bool kw_required(schema_ctx *c, const keyword *k)
{
	bool good = true;
	size_t i;
	json_t *name;
	json_array_foreach(k->kw, i, name) {
		if (json_is_object(k->v) && json_is_string(name) && !json_object_get(k->v, json_string_value(name)))
			good = fail(c, k, "%s: the required property \"%s\" is missing", k->path, json_string_value(name));
	}
	return good;
}

static bool kw_properties(schema_ctx *c, const keyword *k)
{
	bool good = true;
	const char *pk;
	json_t *ps;
	json_object_foreach(k->kw, pk, ps) {
		json_t *pv = json_is_object(k->v) ? json_object_get(k->v, pk) : NULL;
		if (pv && !validate_at(c, k, ps, pv, pk))
			good = false;
	}
	return good;
}

static bool kw_additional(schema_ctx *c, const keyword *k)
{
	if (!json_is_object(k->v))
		return true;
	bool good = true;
	json_t *props = json_object_get(k->schema, "properties");
	const char *vk;
	json_t *vv;
	json_object_foreach(k->v, vk, vv) {
		if (json_object_get(props, vk))
			continue;
		if (json_is_false(k->kw))
			good = fail(c, k, "%s/%s: a property the schema does not allow", k->path, vk);
		else if (!validate_at(c, k, k->kw, vv, vk))
			good = false;
	}
	return good;
}

static bool kw_items(schema_ctx *c, const keyword *k)
{
	bool good = true;
	size_t i;
	json_t *e;
	json_array_foreach(k->v, i, e) {
		char index[24];
		snprintf(index, sizeof index, "%zu", i);
		if (!validate_at(c, k, k->kw, e, index))
			good = false;
	}
	return good;
}

/* minItems/maxItems, minLength/maxLength, minimum/maximum: the keyword's
 * second letter says which bound. */
static bool kw_bound(schema_ctx *c, const keyword *k)
{
	bool min = k->key[1] == 'i';
	const char *least = min ? "at least" : "at most";
	if (strstr(k->key, "Items") && json_is_array(k->v)) {
		json_int_t lim = json_integer_value(k->kw), n = (json_int_t)json_array_size(k->v);
		if (min ? n < lim : n > lim)
			return fail(c, k, "%s: %lld items, the schema wants %s %lld", k->path, (long long)n, least,
			            (long long)lim);
	} else if (strstr(k->key, "Length") && json_is_string(k->v)) {
		json_int_t lim = json_integer_value(k->kw), n = (json_int_t)utf8_len(json_string_value(k->v));
		if (min ? n < lim : n > lim)
			return fail(c, k, "%s: a string of %lld characters, the schema wants %s %lld", k->path, (long long)n,
			            least, (long long)lim);
	} else if (strstr(k->key, "imum") && json_is_number(k->v)) {
		double lim = json_number_value(k->kw), n = json_number_value(k->v);
		if (min ? n < lim : n > lim)
			return fail(c, k, "%s: %g is %s the schema's %s %g", k->path, n, min ? "below" : "above", k->key, lim);
	}
	return true;
}

static bool kw_pattern(schema_ctx *c, const keyword *k)
{
	if (!json_is_string(k->v))
		return true;
	regex_t re;
	if (regcomp(&re, json_string_value(k->kw), REG_EXTENDED | REG_NOSUB) != 0)
		return unsupported(c);
	/* A string with a NUL matches no pattern: regexec would see only
	 * what comes before it. */
	bool good = strlen(json_string_value(k->v)) == json_string_length(k->v) &&
	            regexec(&re, json_string_value(k->v), 0, NULL, 0) == 0;
	regfree(&re);
	return good || fail(c, k, "%s: \"%.80s\" does not match the pattern %s", k->path, json_string_value(k->v),
	                    json_string_value(k->kw));
}

static bool kw_one_of(schema_ctx *c, const keyword *k)
{
	size_t i, matches = 0;
	json_t *alt;
	json_array_foreach(k->kw, i, alt) matches += validate(c, alt, k->v, k->path, false);
	return matches == 1 ||
	       fail(c, k, "%s: matches %zu of the schema's alternatives, not exactly one", k->path, matches);
}

/* The keywords of the subset; annotations (format is one in 2020-12 by
 * default) are accepted and ignored. Any other keyword is unsupported. */
static const struct {
	const char *key;
	bool (*apply)(schema_ctx *c, const keyword *k);
} keywords[] = {
	{"$schema", kw_annotation}, {"$id", kw_annotation}, {"title", kw_annotation},
	{"description", kw_annotation}, {"$defs", kw_annotation}, {"format", kw_annotation},
	{"$ref", kw_ref}, {"type", kw_type}, {"const", kw_const}, {"enum", kw_enum},
	{"required", kw_required}, {"properties", kw_properties}, {"additionalProperties", kw_additional},
	{"items", kw_items}, {"minItems", kw_bound}, {"maxItems", kw_bound}, {"minLength", kw_bound},
	{"maxLength", kw_bound}, {"minimum", kw_bound}, {"maximum", kw_bound}, {"pattern", kw_pattern},
	{"oneOf", kw_one_of},
};

static bool validate(schema_ctx *c, json_t *schema, json_t *v, const char *path, bool report)
{
	if (json_is_true(schema))
		return true;
	if (!json_is_object(schema) || ++c->depth > 64) {
		c->unsupported = true;
		c->depth--;
		return false;
	}
	bool good = true;
	const char *key;
	json_t *kw;
	json_object_foreach(schema, key, kw) {
		size_t i = 0, n = sizeof keywords / sizeof *keywords;
		while (i < n && strcmp(keywords[i].key, key))
			i++;
		keyword k = {schema, key, kw, v, path, report};
		if (!(i < n ? keywords[i].apply(c, &k) : unsupported(c)))
			good = false;
	}
	c->depth--;
	return good;
}

bool gw_schema_validate(const char *schema, size_t schema_len, const char *doc, size_t doc_len,
                        gw_verify_report *r)
{
	json_error_t je;
	json_t *s = json_loadb(schema, schema_len, JSON_REJECT_DUPLICATES, &je);
	json_t *d = json_loadb(doc, doc_len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	bool ok = s && d;
	if (ok) {
		schema_ctx c = {s, r, false, 0};
		validate(&c, s, d, "", true);
		ok = !c.unsupported;
	}
	json_decref(s);
	json_decref(d);
	return ok;
}

/* ---- the zip ---- */

typedef struct entry {
	char name[256];
	uint8_t *data;
	size_t size;
	bool read;
	const char *role;    /* from the manifest */
	gw_manifest_file h;  /* its hashes, once computed */
	bool hashed;
} entry;

/* An entry's size and hashes, computed once however many checks use them. */
static const gw_manifest_file *hashes(entry *e)
{
	if (!e->hashed) {
		gw_manifest_file_hash(&e->h, e->name, "", e->data, e->size);
		e->hashed = true;
	}
	e->h.path = e->name;
	e->h.role = e->role ? e->role : "";
	return &e->h;
}

static bool safe_name(gw_verify_report *r, const char *raw, size_t n)
{
	char shown[80];
	snprintf(shown, sizeof shown, "%.*s", (int)(n < 60 ? n : 60), raw);
	for (size_t i = 0; i < strlen(shown); i++)
		if ((unsigned char)shown[i] < 0x20 || shown[i] == 0x7f)
			shown[i] = '?';
	if (n == 0) {
		gw_verify_add(r, "zip", "an entry has an empty name");
		return false;
	}
	if (n > GW_BUNDLE_MAX_NAME) {
		gw_verify_add(r, "zip", "an entry name of %zu bytes (at most %d)", n, GW_BUNDLE_MAX_NAME);
		return false;
	}
	if (memchr(raw, '\\', n)) {
		gw_verify_add(r, shown, "unsafe entry name: a backslash");
		return false;
	}
	if (raw[0] == '/' || (n >= 2 && raw[1] == ':')) {
		gw_verify_add(r, shown, "unsafe entry name: an absolute path");
		return false;
	}
	if (memmem(raw, n, "..", 2) && (n == 2 || !memcmp(raw, "../", 3) || memmem(raw, n, "/../", 4) ||
	                                (n >= 3 && !memcmp(raw + n - 3, "/..", 3)))) {
		gw_verify_add(r, shown, "unsafe entry name: a parent folder (..)");
		return false;
	}
	if (memchr(raw, '/', n)) {
		gw_verify_add(r, shown, "unexpected entry: bundles are flat, with no folders");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)raw[i] < 0x20 || raw[i] == 0x7f) {
			gw_verify_add(r, shown, "unsafe entry name: a control character");
			return false;
		}
	}
	return true;
}

static entry *find(entry *es, uint32_t n, const char *name)
{
	for (uint32_t i = 0; name && i < n; i++)
		if (es[i].read && !strcmp(es[i].name, name))
			return &es[i];
	return NULL;
}

/* The source map (role source-map, always MODULE.map): byte for byte the
 * map gowasm-sourcemap derives from the shipped module, as gowasm-pack
 * wrote it. The module's sourceMappingURL section, when it has one, names
 * that map; without a map in the bundle it may name any other URL (a map
 * hosted elsewhere), but not MODULE.map, which would be missing. */
static void check_source_map(gw_verify_report *r, const gw_loaded *l, const entry *mod, const entry *map)
{
	char want[300];
	snprintf(want, sizeof want, "%s.map", mod->name);
	bool found;
	gw_str url;
	gw_error e;
	gw_error_clear(&e);
	gw_status s = gw_sourcemap_url(l->m, &found, &url, &e);
	if (out_of_memory(r, s)) {
		return;
	} else if (s) {
		gw_verify_add(r, mod->name, "its sourceMappingURL section: %s", e.msg);
	} else if (found && (map ? !gw_str_eq(url, want) : gw_str_eq(url, want))) {
		bool printable = url.len <= 200;
		for (uint32_t i = 0; i < url.len && printable; i++)
			printable = url.p[i] >= 0x20 && url.p[i] != 0x7f;
		char shown[260];
		if (printable)
			snprintf(shown, sizeof shown, "\"%.*s\"", (int)url.len, (const char *)url.p);
		else
			snprintf(shown, sizeof shown, "a URL of %u bytes", url.len);
		if (map)
			gw_verify_add(r, mod->name, "its sourceMappingURL section names %s, not the bundle's %s", shown, want);
		else
			gw_verify_add(r, mod->name, "its sourceMappingURL section names %s, but the bundle has no source map",
			              shown);
	}
	if (!map)
		return;
	gw_go_addr *a = NULL;
	gw_buf b;
	gw_buf_init(&b);
	gw_sourcemap_opts o = { mod->name, NULL, NULL, NULL };
	gw_sourcemap_stats st;
	s = gw_go_addr_new(l->m, l->go, l->syms, &a, &e);
	if (!s)
		s = gw_sourcemap_write(a, l->m, l->go, &o, &b, &st, &e);
	if (out_of_memory(r, s)) {
		/* no verdict */
	} else if (s) {
		gw_verify_add(r, map->name, "cannot be re-derived from the module: %s", e.msg);
	} else if (b.len != map->size || memcmp(b.data, map->data, b.len)) {
		size_t at = 0;
		while (at < b.len && at < map->size && b.data[at] == (char)map->data[at])
			at++;
		gw_verify_add(r, map->name, "is not the module's source map (%zu bytes, as gowasm-sourcemap derives it): "
		              "they differ from byte %zu", b.len, at);
	}
	gw_go_addr_free(a);
	gw_buf_free(&b);
}

/* Bounded decompression of a .gz or .br copy; compared with the module. */
static void check_copy(gw_verify_report *r, const entry *copy, const entry *mod, bool brotli)
{
	size_t cap = mod->size + 1, out_len = 0;
	uint8_t *out = malloc(cap);
	if (!out) {
		r->oom = true;
		return;
	}
	bool good;
	if (brotli) {
		size_t avail_in = copy->size, avail_out = cap;
		const uint8_t *next_in = copy->data;
		uint8_t *next_out = out;
		BrotliDecoderState *st = BrotliDecoderCreateInstance(NULL, NULL, NULL);
		BrotliDecoderResult res = st ? BrotliDecoderDecompressStream(st, &avail_in, &next_in, &avail_out,
		                                                              &next_out, NULL)
		                             : BROTLI_DECODER_RESULT_ERROR;
		BrotliDecoderDestroyInstance(st);
		out_len = cap - avail_out;
		good = res == BROTLI_DECODER_RESULT_SUCCESS;
	} else {
		z_stream z;
		memset(&z, 0, sizeof z);
		good = inflateInit2(&z, 15 + 16) == Z_OK;
		if (good) {
			z.next_in = (Bytef *)copy->data;
			z.avail_in = (uInt)copy->size;
			z.next_out = out;
			z.avail_out = (uInt)cap;
			int rc = inflate(&z, Z_FINISH);
			out_len = z.total_out;
			good = rc == Z_STREAM_END && z.avail_in == 0;
			inflateEnd(&z);
		}
	}
	if (!good || out_len != mod->size || memcmp(out, mod->data, mod->size) != 0)
		gw_verify_add(r, copy->name, "is not a %s copy of %s", brotli ? "brotli" : "gzip", mod->name);
	free(out);
}

/* The JSON object on loader.mjs's `export const bundle = {...};` line. */
static json_t *loader_bundle(const entry *loader)
{
	static const char marker[] = "export const bundle = ";
	const char *p = memmem(loader->data, loader->size, marker, sizeof marker - 1);
	if (!p)
		return NULL;
	p += sizeof marker - 1;
	const char *end = memchr(p, '\n', loader->size - (size_t)(p - (const char *)loader->data));
	if (!end || end == p || end[-1] != ';')
		return NULL;
	json_error_t je;
	return json_loadb(p, (size_t)(end - 1 - p), JSON_REJECT_DUPLICATES, &je);
}

/* Whether the lines right after the bundle line are exactly those
 * gowasm-pack writes for this module and companion (gw_loader_files); out
 * of memory sets the report's oom instead of calling them different. */
static bool loader_files_ok(gw_verify_report *r, const entry *loader, const char *module, const char *companion)
{
	static const char marker[] = "export const bundle = ";
	const char *p = memmem(loader->data, loader->size, marker, sizeof marker - 1);
	const char *end = (const char *)loader->data + loader->size;
	p = p ? memchr(p, '\n', (size_t)(end - p)) : NULL;
	if (!p)
		return false;
	p++;
	gw_buf want;
	gw_buf_init(&want);
	gw_loader_files(&want, module, companion);
	if (want.oom)
		r->oom = true;
	bool same = want.oom || ((size_t)(end - p) >= want.len && !memcmp(p, want.data, want.len));
	gw_buf_free(&want);
	return same;
}

static int cmp_files(const void *a, const void *b)
{
	return strcmp(((const gw_manifest_file *)a)->path, ((const gw_manifest_file *)b)->path);
}

static const char *js_string(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Re-derives the manifest from the bundle's own files and compares it
 * key by key with the one in the bundle. */
static void check_facts(gw_verify_report *r, json_t *man, entry *es, uint32_t ne, const gw_loaded *l,
                        const entry *companion, gw_findings *findings)
{
	gw_manifest_file files[GW_BUNDLE_MAX_ENTRIES];
	uint32_t nf = 0;
	for (uint32_t i = 0; i < ne; i++) {
		if (!es[i].read || !strcmp(es[i].name, "manifest.json") || !es[i].role)
			continue;
		files[nf++] = *hashes(&es[i]);
	}
	qsort(files, nf, sizeof *files, cmp_files);
	char companion_version[64] = "";
	if (companion)
		gw_companion_version(companion->data, companion->size, companion_version, sizeof companion_version);
	json_t *check = json_object_get(man, "check");
	json_t *src_epoch = json_object_get(man, "source_date_epoch");
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *ts = js_string(man, "timestamp");
	time_t when = 0;
	if (ts && strptime(ts, "%Y-%m-%dT%H:%M:%SZ", &tm))
		when = timegm(&tm);
	gw_manifest_input in = {
		.name = js_string(man, "name") ? js_string(man, "name") : "",
		.version = js_string(man, "version") ? js_string(man, "version") : "",
		.module_path = js_string(man, "module") ? js_string(man, "module") : "",
		.l = l,
		.findings = findings,
		.check_target = js_string(check, "target") ? js_string(check, "target") : "browser",
		.files = files,
		.num_files = nf,
		.companion_path = companion ? companion->name : NULL,
		.companion_version = companion_version,
		.tool_version = js_string(json_object_get(man, "tool"), "version") ? js_string(json_object_get(man, "tool"), "version") : "",
		.timestamp = when,
		.has_source_date_epoch = json_is_integer(src_epoch),
	};
	gw_buf b;
	gw_buf_init(&b);
	gw_error err;
	gw_error_clear(&err);
	gw_status s = gw_manifest_write(&b, &in, &err);
	if (s) {
		if (!out_of_memory(r, s))
			gw_verify_add(r, "manifest.json", "cannot re-derive the manifest: %s", err.msg);
		gw_buf_free(&b);
		return;
	}
	json_error_t je;
	json_t *want = json_loadb(b.data, b.len, JSON_ALLOW_NUL, &je);
	gw_buf_free(&b);
	if (!want) {
		gw_verify_add(r, "manifest.json", "cannot re-derive the manifest");
		return;
	}
	const char *key;
	json_t *wv;
	json_object_foreach(want, key, wv) {
		json_t *got = json_object_get(man, key);
		if (!got || !json_equal(got, wv)) {
			char *text = json_dumps(wv, JSON_COMPACT);
			gw_verify_add(r, "manifest.json", "\"%s\" does not match the bundle: derived from its files it is %.200s%s",
			        key, text ? text : "?", text && strlen(text) > 200 ? "..." : "");
			free(text);
		}
	}
	json_decref(want);
}

/* Exactly one file per role, each under the one name the loader and every
 * consumer use for it (loader.mjs imports ./wasm_exec.js, package.json
 * names ./loader.mjs...): a second loader or glue, or a glue listed under
 * another role, would be a file nobody checked as what it is. */
static void check_roles(gw_verify_report *r, entry *es, uint32_t ne, const char *module)
{
	char gz[300], br[300], map[300];
	snprintf(gz, sizeof gz, "%s.gz", module ? module : "");
	snprintf(br, sizeof br, "%s.br", module ? module : "");
	snprintf(map, sizeof map, "%s.map", module ? module : "");
	static const char *const roles[] = {"module", "module-gzip", "module-brotli", "source-map", "glue", "companion",
	                                    "loader", "loader-cjs", "types", "readme", "glue-license"};
	const char *names[] = {module, gz, br, map, "wasm_exec.js", "gowasm-batch.mjs", "loader.mjs", "loader.cjs", "index.d.ts",
	                       GW_README_PATH, GW_GLUE_LICENSE_PATH};
	for (size_t k = 0; k < sizeof roles / sizeof *roles; k++) {
		const entry *first = NULL;
		for (uint32_t i = 0; i < ne; i++) {
			if (!es[i].read || !es[i].role)
				continue;
			bool has_role = !strcmp(es[i].role, roles[k]);
			bool has_name = names[k] && module && !strcmp(es[i].name, names[k]);
			if (has_role && first)
				gw_verify_add(r, es[i].name, "a second file of role %s (the first is %s): a bundle has one", roles[k],
				              first->name);
			else if (has_role)
				first = &es[i];
			if (has_role && names[k] && module && !has_name)
				gw_verify_add(r, es[i].name, "listed with role %s, which is always %s", roles[k], names[k]);
			if (has_name && !has_role)
				gw_verify_add(r, es[i].name, "listed with role %s, but %s is the bundle's %s", es[i].role, es[i].name,
				              roles[k]);
		}
	}
}

/* An npm package's package.json: exactly what gowasm-pack writes for the
 * manifest's name, version, Go version, module and files (compared as
 * JSON: npm pack keeps the file as it is). */
static void check_package_json(gw_verify_report *r, json_t *man, const entry *pj)
{
	if (!pj) {
		gw_verify_add(r, "package.json", "missing: an npm package has one");
		return;
	}
	json_error_t je;
	json_t *got = json_loadb((const char *)pj->data, pj->size, JSON_REJECT_DUPLICATES, &je);
	if (!got) {
		gw_verify_add(r, "package.json", "not JSON: line %d: %s", je.line, je.text);
		return;
	}
	const char *paths[GW_BUNDLE_MAX_ENTRIES + 1];
	uint32_t n = 0;
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(man, "files"), i, f) {
		if (n < GW_BUNDLE_MAX_ENTRIES && js_string(f, "path"))
			paths[n++] = js_string(f, "path");
	}
	paths[n++] = "manifest.json";
	const char *name = js_string(man, "name"), *version = js_string(man, "version"), *module = js_string(man, "module");
	const char *go = js_string(json_object_get(man, "go"), "version");
	/* The metadata only the publisher knows is taken as written, in the
	 * form gowasm-pack writes it, once its form is checked. */
	json_t *repo = json_object_get(got, "repository");
	gw_npm_meta meta = { json_string_value(json_object_get(got, "license")),
	                     json_string_value(json_object_get(repo, "url")),
	                     json_string_value(json_object_get(got, "homepage")) };
	char why[400];
	if (!gw_npm_meta_valid(&meta, why, sizeof why))
		gw_verify_add(r, "package.json", "%s", why);
	gw_buf b;
	gw_buf_init(&b);
	gw_npm_package_json(&b, name ? name : "", version ? version : "", go ? go : "", module ? module : "", paths, n,
	                    &meta);
	json_t *want = b.oom ? NULL : json_loadb(b.data, b.len, 0, &je);
	gw_buf_free(&b);
	if (!want) { /* what gowasm-pack writes is JSON: only memory can fail */
		r->oom = true;
		json_decref(got);
		return;
	}
	const char *key;
	json_t *wv;
	json_object_foreach(want, key, wv) {
		if (!json_equal(json_object_get(got, key), wv)) {
			char *t = json_dumps(wv, JSON_COMPACT);
			gw_verify_add(r, "package.json", "\"%s\" is not what gowasm-pack writes for this bundle: %.200s", key,
			              t ? t : "?");
			free(t);
		}
	}
	json_object_foreach(got, key, wv) {
		if (!json_object_get(want, key))
			gw_verify_add(r, "package.json", "\"%s\": a key gowasm-pack does not write (npm would act on it)", key);
	}
	json_decref(want);
	json_decref(got);
}

/* index.d.ts declares the functions the manifest's "globals" names (the
 * manifest's own list is re-derived from the module with the other facts):
 * it ends with what gowasm-pack appends for them. */
static void check_types(gw_verify_report *r, json_t *man, const entry *types)
{
	json_t *list = json_object_get(man, "globals");
	const char **names = malloc((json_array_size(list) + 1) * sizeof *names);
	if (!names) {
		r->oom = true;
		return;
	}
	uint32_t n = 0;
	size_t i;
	json_t *g;
	json_array_foreach(list, i, g) {
		if (json_is_string(g))
			names[n++] = json_string_value(g);
	}
	gw_buf want;
	gw_buf_init(&want);
	gw_types_globals(&want, names, n);
	free(names);
	if (want.oom)
		r->oom = true;
	else if (want.len && (types->size < want.len ||
	                      memcmp(types->data + types->size - want.len, want.data, want.len)))
		gw_verify_add(r, types->name, "does not end with the declarations of the manifest's globals that "
		              "gowasm-pack writes");
	gw_buf_free(&want);
}

/* The checks every form of a bundle shares (a zip, an npm package folder,
 * its tarball), on entries already read. `extra` names one more file the
 * manifest does not list (package.json in an npm package), or NULL. */
static gw_status verify_entries(gw_verify_report *r, entry *es, uint32_t ne, const char *extra, gw_error *err);

/* One entry name against the rules every form shares, and against the
 * names before it (exact and case-insensitive duplicates). */
static bool entry_name_ok(gw_verify_report *r, entry *es, uint32_t i, const char *raw, size_t rn)
{
	if (!safe_name(r, raw, rn))
		return false;
	snprintf(es[i].name, sizeof es[i].name, "%s", raw);
	for (uint32_t k = 0; k < i; k++) {
		if (!es[k].name[0])
			continue;
		if (!strcmp(es[k].name, es[i].name)) {
			gw_verify_add(r, es[i].name, "the bundle holds two entries of this name");
			es[i].name[0] = 0;
			return false;
		}
		if (!strcasecmp(es[k].name, es[i].name)) {
			gw_verify_add(r, es[i].name, "the bundle also holds %s: names that differ only in case are one "
			              "file on some file systems", es[k].name);
			es[i].name[0] = 0;
			return false;
		}
	}
	return true;
}

/* An entry's declared size against the limits, before anything is read. */
bool gw_verify_declared(gw_verify_report *r, const char *name, uint64_t size, uint64_t csize, uint64_t *total)
{
	if (size > GW_BUNDLE_RATIO_FROM && csize && size / csize > GW_BUNDLE_MAX_RATIO) {
		gw_verify_add(r, name, "compressed %llu:1, far beyond what a bundle file compresses (a zip bomb?)",
		              (unsigned long long)(size / csize));
		return false;
	}
	if (size > GW_BUNDLE_MAX_ENTRY) {
		gw_verify_add(r, name, "declares %llu bytes uncompressed, over the limit of %llu (a zip bomb?)",
		              (unsigned long long)size, (unsigned long long)GW_BUNDLE_MAX_ENTRY);
		return false;
	}
	if (*total + size > GW_BUNDLE_MAX_TOTAL) {
		gw_verify_add(r, name, "the bundle declares more than %llu bytes uncompressed in all (a zip bomb?)",
		              (unsigned long long)GW_BUNDLE_MAX_TOTAL);
		return false;
	}
	*total += size;
	return true;
}

gw_status gw_verify_bundle(const uint8_t *zbytes, size_t len, gw_verify_report *r, gw_error *err)
{
	memset(r, 0, sizeof *r);
	/* gowasm-verify's own reading of the layout, bounded by the entry
	 * count of the end record, before any entry is read. */
	gw_zip_entry *zes;
	uint32_t ne;
	uint64_t declared;
	gw_status s = gw_zip_layout(zbytes, len, &zes, &ne, &declared, r, err);
	if (s) {
		gw_verify_report_free(r);
		return s;
	}
	r->entries = declared > UINT32_MAX ? UINT32_MAX : (uint32_t)declared;
	if (!zes) /* the layout is not exact: nothing in it is trusted */
		return gw_verify_finish(r, err);
	entry *es = calloc(ne ? ne : 1, sizeof *es);
	if (!es) {
		free(zes);
		r->oom = true;
		return gw_verify_finish(r, err);
	}
	uint64_t total = 0;
	for (uint32_t i = 0; i < ne; i++) {
		gw_zip_entry *z = &zes[i];
		if (z->bad || !entry_name_ok(r, es, i, z->name, z->name_len) ||
		    !gw_verify_declared(r, es[i].name, z->usize, z->csize, &total))
			continue;
		if (gw_zip_extract(zbytes, z, &es[i].data, r)) {
			es[i].size = (size_t)z->usize;
			es[i].read = true;
			r->bytes_read += z->usize;
		}
	}
	free(zes);
	return verify_entries(r, es, ne, NULL, err);
}

gw_status gw_verify_files(gw_verify_file *files, uint32_t n, const char *extra, gw_verify_report *r, gw_error *err)
{
	entry *es = calloc(n ? n : 1, sizeof *es);
	if (!es) {
		r->oom = true;
		return gw_verify_finish(r, err);
	}
	for (uint32_t i = 0; i < n; i++) {
		if (!files[i].name || !entry_name_ok(r, es, i, files[i].name, strlen(files[i].name)))
			continue;
		es[i].data = files[i].data;
		es[i].size = files[i].size;
		es[i].read = files[i].data != NULL;
		files[i].data = NULL;
		r->bytes_read += es[i].size;
	}
	return verify_entries(r, es, n, extra, err);
}

bool gw_verify_zip_limits(const uint8_t *zip, size_t len, gw_verify_report *r)
{
	memset(r, 0, sizeof *r);
	gw_zip_entry *zes;
	uint32_t ne;
	uint64_t declared;
	gw_error err;
	gw_error_clear(&err);
	if (gw_zip_layout(zip, len, &zes, &ne, &declared, r, &err) != GW_OK) {
		gw_verify_add(r, "zip", "%s", err.msg);
		return false;
	}
	entry *es = zes ? calloc(ne ? ne : 1, sizeof *es) : NULL;
	uint64_t total = 0;
	for (uint32_t i = 0; es && i < ne; i++)
		if (!zes[i].bad && entry_name_ok(r, es, i, zes[i].name, zes[i].name_len))
			gw_verify_declared(r, es[i].name, zes[i].usize, zes[i].csize, &total);
	if (zes && !es)
		gw_verify_add(r, "zip", "out of memory");
	r->oom = r->oom || (zes && !es);
	free(es);
	free(zes);
	return r->n == 0 && !r->oom;
}

/* What the checks of one bundle share: its entries, the manifest, the
 * entries of each role, and the module as loaded and checked. */
typedef struct bundle {
	gw_verify_report *r;
	entry *es;
	uint32_t ne;
	const char *extra;       /* the one file the manifest need not list, or NULL */
	json_t *man;             /* NULL: missing or not JSON */
	entry *mod, *glue, *companion, *loader, *loader_cjs, *smap, *glue_license, *readme, *types;
	gw_loaded l;
	bool loaded;             /* l holds the module */
	gw_findings findings;
	bool checked;            /* findings holds gowasm-check's */
	bool wabt_oom;
} bundle;

/* The manifest: JSON, then the schema; its name, version and module
 * copied into the report. */
static void read_manifest(bundle *b)
{
	gw_verify_report *r = b->r;
	entry *me = find(b->es, b->ne, "manifest.json");
	if (!me) {
		gw_verify_add(r, "manifest.json", "missing: the bundle has no manifest");
	} else if (me->size > GW_BUNDLE_MAX_MANIFEST) {
		gw_verify_add(r, "manifest.json", "%zu bytes, over the limit of %u", me->size, GW_BUNDLE_MAX_MANIFEST);
	} else {
		json_error_t je;
		b->man = json_loadb((const char *)me->data, me->size, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
		if (!b->man)
			gw_verify_add(r, "manifest.json", "not JSON: line %d: %s", je.line, je.text);
		else if (!gw_schema_validate(gw_manifest_schema, gw_manifest_schema_len, (const char *)me->data, me->size, r))
			gw_verify_add(r, "manifest.json", "cannot be checked against the schema");
	}
	if (b->man && json_is_object(b->man)) {
		const char *name = js_string(b->man, "name"), *version = js_string(b->man, "version");
		const char *module = js_string(b->man, "module");
		snprintf(r->name, sizeof r->name, "%s", name ? name : "");
		snprintf(r->version, sizeof r->version, "%s", version ? version : "");
		snprintf(r->module, sizeof r->module, "%s", module ? module : "");
	}
}

/* One file the manifest lists: in the bundle once, with its size and
 * hashes; the entry takes the role listed. */
static void check_listed_file(bundle *b, json_t *f)
{
	gw_verify_report *r = b->r;
	const char *path = js_string(f, "path");
	if (!path)
		return;
	entry *e = find(b->es, b->ne, path);
	if (!e) {
		gw_verify_add(r, path, "listed in the manifest but not in the bundle");
		return;
	}
	if (e->role) {
		gw_verify_add(r, path, "listed twice in the manifest");
		return;
	}
	e->role = js_string(f, "role") ? js_string(f, "role") : "";
	const gw_manifest_file h = *hashes(e);
	json_t *size = json_object_get(f, "size");
	const char *sha256 = js_string(f, "sha256"), *integrity = js_string(f, "integrity");
	if (!json_is_integer(size) || (uint64_t)json_integer_value(size) != e->size)
		gw_verify_add(r, path, "is %zu bytes, the manifest says %lld", e->size,
		              json_is_integer(size) ? (long long)json_integer_value(size) : -1LL);
	if (!sha256 || strcmp(sha256, h.sha256))
		gw_verify_add(r, path, "sha256 %s differs from the manifest's %s", h.sha256, sha256 ? sha256 : "(none)");
	if (!integrity || strcmp(integrity, h.integrity))
		gw_verify_add(r, path, "integrity %s differs from the manifest's %s", h.integrity,
		              integrity ? integrity : "(none)");
}

/* Every file listed, with its size and hashes; nothing unlisted. */
static void check_listed(bundle *b)
{
	size_t fi;
	json_t *f;
	json_array_foreach(b->man ? json_object_get(b->man, "files") : NULL, fi, f) check_listed_file(b, f);
	for (uint32_t i = 0; i < b->ne; i++) {
		const entry *e = &b->es[i];
		if (e->read && !e->role && strcmp(e->name, "manifest.json") && !(b->extra && !strcmp(e->name, b->extra)))
			gw_verify_add(b->r, e->name, "a file the manifest does not list");
	}
}

/* The module the manifest names and the entries of the roles checked on
 * their own; then the roles' names. */
static void find_roles(bundle *b)
{
	b->mod = b->man ? find(b->es, b->ne, js_string(b->man, "module")) : NULL;
	for (uint32_t i = 0; i < b->ne; i++) {
		entry *e = &b->es[i];
		if (!e->read || !e->role)
			continue;
		if (!strcmp(e->role, "source-map"))
			b->smap = e;
		else if (!strcmp(e->role, "glue"))
			b->glue = e;
		else if (!strcmp(e->role, "companion"))
			b->companion = e;
		else if (!strcmp(e->role, "loader"))
			b->loader = e;
		else if (!strcmp(e->role, "loader-cjs"))
			b->loader_cjs = e;
		else if (!strcmp(e->role, "glue-license"))
			b->glue_license = e;
		else if (!strcmp(e->role, "readme"))
			b->readme = e;
		else if (!strcmp(e->role, "types"))
			b->types = e;
	}
	if (b->man && !b->mod)
		gw_verify_add(b->r, "module", "the module the manifest names is not in the bundle");
	check_roles(b->r, b->es, b->ne, b->man ? js_string(b->man, "module") : NULL);
	char why[300];
	gw_status s = b->glue ? gw_glue_check_defines_go(b->glue->data, b->glue->size, why, sizeof why) : GW_OK;
	if (s && !out_of_memory(b->r, s))
		gw_verify_add(b->r, b->glue->name, "does not define globalThis.Go as the loader runs it: %s", why);
}

/* gw_load_bytes reads the structure and decodes every body. What gowasm's
 * own reader accepts is read on even when wabt does not, so every other
 * problem is listed too. */
static void load_module(bundle *b)
{
	gw_error e;
	gw_error_clear(&e);
	gw_status s = gw_load_bytes(b->mod->data, b->mod->size, &b->l, &e);
	char msg[256];
	int w = s ? 0 : gw_wabt_validate(b->mod->data, b->mod->size, msg, sizeof msg);
	if (w == -2)
		b->wabt_oom = true;
	else if (w)
		gw_verify_add(b->r, b->mod->name, "not a valid module (wabt's validator): %s", msg);
	if (s) {
		if (!out_of_memory(b->r, s))
			gw_verify_add(b->r, b->mod->name, "not a valid module: %s", e.msg);
	} else {
		b->loaded = true;
		b->r->batched = gw_module_batched(b->l.m);
	}
}

/* gowasm-check on the loaded module with the bundle's glue and the
 * manifest's target: the glue must match the module. */
static void check_module(bundle *b)
{
	gw_check_options opt;
	memset(&opt, 0, sizeof opt);
	const char *target = js_string(json_object_get(b->man, "check"), "target");
	opt.target = target && !strcmp(target, "node") ? GW_TARGET_NODE : GW_TARGET_BROWSER;
	if (b->glue) {
		opt.glue = b->glue->data;
		opt.glue_len = b->glue->size;
	}
	gw_error e;
	gw_error_clear(&e);
	gw_status s = gw_check_run(b->l.m, b->l.go, b->l.syms, &b->l.integrity, &opt, &b->findings, &e);
	if (s) {
		if (!out_of_memory(b->r, s))
			gw_verify_add(b->r, b->mod->name, "cannot be checked: %s", e.msg);
		return;
	}
	b->checked = true;
	gw_findings *findings = &b->findings;
	gw_verify_report *r = b->r;
	entry *glue = b->glue;
	for (uint32_t i = 0; i < findings->n; i++)
		if (findings->v[i].rule->code == GW_RULE_GLUE_MISMATCH)
			gw_verify_add(r, glue ? glue->name : "glue", "does not match the module: %s", findings->v[i].message);
}

/* The README gowasm-pack writes for this bundle, and Go's licence with
 * Go's glue. */
static void check_docs(bundle *b)
{
	gw_verify_report *r = b->r;
	if (!b->readme) {
		gw_verify_add(r, GW_README_PATH, "missing: gowasm-pack writes one (role readme)");
	} else {
		gw_buf want;
		gw_buf_init(&want);
		const char *mname = js_string(b->man, "name"), *mversion = js_string(b->man, "version");
		gw_bundle_readme(&want, mname ? mname : "", mversion ? mversion : "", b->l.go->version.text, b->mod->name,
		                 r->batched);
		if (want.oom)
			r->oom = true;
		else if (want.len != b->readme->size || memcmp(want.data, b->readme->data, want.len))
			gw_verify_add(r, b->readme->name, "is not the README gowasm-pack writes for this bundle");
		gw_buf_free(&want);
	}
	static const char bsd[] = "Redistribution and use in source and binary forms";
	const entry *lic = b->glue_license;
	if (b->glue && !lic)
		gw_verify_add(r, GW_GLUE_LICENSE_PATH, "missing: wasm_exec.js is Go's, and its licence (role "
		              "glue-license) must travel with it");
	else if (lic && (!memmem(lic->data, lic->size, "The Go Authors", 14) || !memmem(lic->data, lic->size, bsd,
	                                                                                   sizeof bsd - 1)))
		gw_verify_add(r, lic->name, "is not Go's licence (BSD-3-Clause, The Go Authors)");
}

/* loader.cjs, the CommonJS entry: generated from the manifest's facts and
 * the module, so written again and compared byte for byte. */
static void check_loader_cjs(bundle *b)
{
	gw_verify_report *r = b->r;
	if (!b->loader_cjs) {
		gw_verify_add(r, "loader.cjs", "missing: gowasm-pack writes one (role loader-cjs), what require() gives");
		return;
	}
	const char *mname = js_string(b->man, "name"), *mversion = js_string(b->man, "version");
	gw_loader_facts f = { NULL, mname ? mname : "", mversion ? mversion : "", b->mod->name, hashes(b->mod)->integrity,
	                      r->batched ? "gowasm-batch.mjs" : NULL, b->l.go->version.text, b->l.go->abi_module };
	gw_buf want;
	gw_buf_init(&want);
	gw_loader_cjs_write(&want, &f);
	if (want.oom)
		r->oom = true;
	else if (want.len != b->loader_cjs->size || memcmp(want.data, b->loader_cjs->data, want.len))
		gw_verify_add(r, b->loader_cjs->name, "is not the CommonJS entry gowasm-pack writes for this bundle");
	gw_buf_free(&want);
}

/* The glue and companion a module of this kind needs, every fact of the
 * manifest re-derived, and the source map. */
static void check_module_facts(bundle *b)
{
	gw_verify_report *r = b->r;
	if (!b->glue)
		gw_verify_add(r, "glue", "the bundle has no wasm_exec.js (role glue)");
	check_docs(b);
	check_loader_cjs(b);
	if (r->batched && !b->companion)
		gw_verify_add(r, "companion", "the module is batched but the bundle has no companion");
	if (!r->batched && b->companion)
		gw_verify_add(r, b->companion->name, "a companion in a bundle whose module is not batched");
	const char *status = js_string(json_object_get(b->man, "check"), "status");
	bool absent = status && !strcmp(status, "absent");
	check_facts(r, b->man, b->es, b->ne, &b->l, b->companion, b->checked && !absent ? &b->findings : NULL);
	check_source_map(r, &b->l, b->mod, b->smap);
}

/* The .gz and .br copies of the module. */
static void check_copies(bundle *b)
{
	for (uint32_t i = 0; i < b->ne; i++) {
		entry *e = &b->es[i];
		if (!e->read || !e->role)
			continue;
		if (!strcmp(e->role, "module-gzip"))
			check_copy(b->r, e, b->mod, false);
		else if (!strcmp(e->role, "module-brotli"))
			check_copy(b->r, e, b->mod, true);
	}
}

/* The manifest's name and version against the loader's, and the module's
 * file name against the package name. */
static void check_loader_names(bundle *b, json_t *lb)
{
	gw_verify_report *r = b->r;
	const char *mname = js_string(b->man, "name"), *mversion = js_string(b->man, "version");
	const char *lname = js_string(lb, "name"), *lversion = js_string(lb, "version");
	if (lb && mname && (!lname || strcmp(lname, mname)))
		gw_verify_add(r, "manifest.json", "name \"%s\" differs from the loader's \"%s\"", mname, lname ? lname : "?");
	if (lb && mversion && (!lversion || strcmp(lversion, mversion)))
		gw_verify_add(r, "manifest.json", "version \"%s\" differs from the loader's \"%s\"", mversion,
		              lversion ? lversion : "?");
	if (mname) {
		char want[300];
		gw_bundle_module_name(mname, want, sizeof want);
		if (strcmp(want, b->mod->name))
			gw_verify_add(r, "manifest.json", "the module of package \"%s\" should be %s, not %s", mname, want,
			              b->mod->name);
	}
}

/* The loader's own idea of the module: its name and integrity, and the
 * companion it loads. */
static void check_loader(bundle *b)
{
	gw_verify_report *r = b->r;
	if (b->man && !b->loader) {
		gw_verify_add(r, "loader", "the bundle has no loader (role loader)");
		return;
	}
	if (!b->loader || !b->mod)
		return;
	json_t *lb = loader_bundle(b->loader);
	check_loader_names(b, lb);
	const gw_manifest_file h = *hashes(b->mod);
	const char *lmodule = js_string(lb, "module"), *lintegrity = js_string(lb, "integrity");
	const char *lcompanion = js_string(lb, "companion");
	if (!lb)
		gw_verify_add(r, b->loader->name, "has no `export const bundle = {...};` line");
	else if (!lintegrity || strcmp(lintegrity, h.integrity) || !lmodule || strcmp(lmodule, b->mod->name))
		gw_verify_add(r, b->loader->name, "loads %s with integrity %s, not %s %s", lmodule ? lmodule : "?",
		              lintegrity ? lintegrity : "?", b->mod->name, h.integrity);
	else if (b->companion ? !lcompanion || strcmp(lcompanion, b->companion->name)
	                      : !json_is_null(json_object_get(lb, "companion")))
		gw_verify_add(r, b->loader->name, "does not load the bundle's companion as it should");
	else if (!loader_files_ok(r, b->loader, b->mod->name, b->companion ? b->companion->name : NULL))
		gw_verify_add(r, b->loader->name, "the lines after the bundle line do not name %s, wasm_exec.js and %s "
		              "as gowasm-pack writes them (what bundlers follow)", b->mod->name,
		              b->companion ? b->companion->name : "no companion");
	json_decref(lb);
}

static void bundle_free(bundle *b)
{
	if (b->loaded)
		gw_unload(&b->l);
	gw_findings_free(&b->findings);
	json_decref(b->man);
	for (uint32_t i = 0; i < b->ne; i++)
		free(b->es[i].data);
	free(b->es);
}

static gw_status verify_entries(gw_verify_report *r, entry *es, uint32_t ne, const char *extra, gw_error *err)
{
	bundle b;
	memset(&b, 0, sizeof b);
	b.r = r;
	b.es = es;
	b.ne = ne;
	b.extra = extra;
	read_manifest(&b);
	check_listed(&b);
	find_roles(&b);
	if (b.mod)
		load_module(&b);
	if (b.loaded) {
		check_module(&b);
		check_module_facts(&b);
	}
	if (extra && b.man)
		check_package_json(r, b.man, find(es, ne, extra));
	if (b.types && b.man)
		check_types(r, b.man, b.types);
	if (b.mod)
		check_copies(&b);
	check_loader(&b);
	bool wabt_oom = b.wabt_oom;
	bundle_free(&b);
	if (wabt_oom) {
		gw_verify_report_free(r);
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory in wabt's validator");
	}
	return gw_verify_finish(r, err);
}
