/* SPDX-License-Identifier: MIT */
/* Who produced a module, and which Go version: the producers section
 * (Go 1.14+), the go.version section (1.11-1.13), or as a last resort the
 * runtime.buildVersion string in read-only data. */
#include <stdlib.h>
#include <string.h>

#include "../wasm/leb128.h"
#include "goinfo.h"
#include "internal.h"

const char *gw_producer_name(gw_producer p)
{
	switch (p) {
	case GW_PRODUCER_GC_JS:
	case GW_PRODUCER_GC_WASIP1: return "gc";
	case GW_PRODUCER_TINYGO: return "tinygo";
	case GW_PRODUCER_NOT_GO: break;
	}
	return "none";
}

const char *gw_producer_target(gw_producer p)
{
	switch (p) {
	case GW_PRODUCER_GC_JS: return "js/wasm";
	case GW_PRODUCER_GC_WASIP1: return "wasip1/wasm";
	case GW_PRODUCER_TINYGO: return "tinygo";
	case GW_PRODUCER_NOT_GO: break;
	}
	return "none";
}

static bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/* Reads a decimal number of at most 4 digits. */
static bool read_num(const uint8_t *p, size_t n, size_t *i, int *out)
{
	size_t start = *i;
	int v = 0;
	while (*i < n && is_digit(p[*i]) && *i - start < 4)
		v = v * 10 + (p[(*i)++] - '0');
	if (*i == start || (*i < n && is_digit(p[*i])))
		return false;
	*out = v;
	return true;
}

bool gw_go_version_parse(const uint8_t *p, size_t n, gw_go_version *v)
{
	memset(v, 0, sizeof *v);
	size_t i = 0;
	if (n < 5 || memcmp(p, "go", 2) != 0)
		return false;
	i = 2;
	if (!read_num(p, n, &i, &v->major) || i >= n || p[i] != '.')
		return false;
	i++;
	if (!read_num(p, n, &i, &v->minor))
		return false;
	v->patch = -1;
	if (i < n && p[i] == '.') {
		i++;
		if (!read_num(p, n, &i, &v->patch))
			return false;
	} else if (i + 2 <= n && (memcmp(p + i, "rc", 2) == 0 || (i + 4 <= n && memcmp(p + i, "beta", 4) == 0))) {
		i += p[i] == 'r' ? 2 : 4;
		int pre;
		if (!read_num(p, n, &i, &pre))
			return false;
	}
	/* A version ends at the string's end, a space (" X:nocoverage..."),
	 * or a non-version byte; "go1.19.8x" is not a version. */
	if (i < n && (p[i] == '.' || (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') || p[i] == '_'))
		return false;
	if (v->major != 1)
		return false;
	size_t len = i < sizeof v->text - 1 ? i : sizeof v->text - 1;
	memcpy(v->text, p, len);
	v->text[len] = '\0';
	v->known = true;
	return true;
}

/* Producers section: vec(field), field = name vec(name version). Calls
 * `fn` for each (field, value, version); a malformed section is ignored. */
typedef void (*producer_fn)(void *ctx, gw_str field, gw_str value, gw_str version);

static void walk_producers(const gw_module *m, producer_fn fn, void *ctx)
{
	const gw_section *s = gw_module_custom_section(m, "producers");
	if (!s)
		return;
	gw_error e;
	gw_error_clear(&e);
	gw_cursor c = gw_cursor_make(m->bytes, s->offset, s->offset + s->size);
	gw_str name;
	if (gw_read_name(&c, &name.p, &name.len, false, "name", &e))
		return;
	uint32_t nfields;
	if (gw_read_u32(&c, &nfields, "field count", &e))
		return;
	for (uint32_t i = 0; i < nfields && c.pos < c.end; i++) {
		gw_str field;
		uint32_t nvals;
		if (gw_read_name(&c, &field.p, &field.len, false, "field", &e) ||
		    gw_read_u32(&c, &nvals, "value count", &e))
			return;
		for (uint32_t k = 0; k < nvals && c.pos < c.end; k++) {
			gw_str value, version;
			if (gw_read_name(&c, &value.p, &value.len, false, "value", &e) ||
			    gw_read_name(&c, &version.p, &version.len, false, "version", &e))
				return;
			fn(ctx, field, value, version);
		}
	}
}

typedef struct producer_facts {
	gw_str go_language;   /* version of language "Go" */
	gw_str go_compile;    /* version of processed-by "Go cmd/compile" */
	bool tinygo;
} producer_facts;

static bool str_contains(gw_str s, const char *z)
{
	size_t n = strlen(z);
	for (size_t i = 0; i + n <= s.len; i++)
		if (memcmp(s.p + i, z, n) == 0)
			return true;
	return false;
}

static void collect_producer(void *ctx, gw_str field, gw_str value, gw_str version)
{
	producer_facts *f = ctx;
	if (gw_str_eq(field, "language") && gw_str_eq(value, "Go"))
		f->go_language = version;
	else if (gw_str_eq(field, "processed-by") && gw_str_eq(value, "Go cmd/compile"))
		f->go_compile = version;
	if (str_contains(value, "TinyGo") || str_contains(value, "tinygo"))
		f->tinygo = true;
}

/* runtime.buildVersion's bytes in read-only data: the first "go1.N[.P]"
 * that stands alone (not inside a longer token). */
static bool version_from_rodata(const gw_module *m, gw_go_version *v)
{
	for (uint32_t i = 0; i < m->num_datas; i++) {
		const gw_data *d = &m->datas[i];
		const uint8_t *p = d->bytes, *end = d->bytes + d->size;
		while (p + 5 <= end) {
			const uint8_t *q = memchr(p, 'g', (size_t)(end - p) - 4);
			if (!q)
				break;
			if (q[1] == 'o' && q[2] == '1' && q[3] == '.' &&
			    (q == d->bytes || !((q[-1] >= 'a' && q[-1] <= 'z') || (q[-1] >= 'A' && q[-1] <= 'Z') ||
			                        is_digit(q[-1]) || q[-1] == '/' || q[-1] == '.'))) {
				if (gw_go_version_parse(q, (size_t)(end - q), v) && v->patch >= 0) {
					v->source = "rodata";
					return true;
				}
			}
			p = q + 1;
		}
	}
	memset(v, 0, sizeof *v);
	return false;
}

static void read_build_id(const gw_module *m, gw_go_info *info)
{
	const gw_section *s = gw_module_custom_section(m, "go:buildid");
	if (!s)
		s = gw_module_custom_section(m, "go.buildid");
	if (!s)
		return;
	/* Payload after the name: "\xff Go build ID: \"...\"\n \xff". */
	const uint8_t *p = s->name.p + s->name.len, *end = m->bytes + s->offset + s->size;
	const uint8_t *q1 = memchr(p, '"', (size_t)(end - p));
	if (!q1)
		return;
	const uint8_t *q2 = memchr(q1 + 1, '"', (size_t)(end - q1 - 1));
	if (!q2)
		return;
	info->build_id.p = q1 + 1;
	info->build_id.len = (uint32_t)(q2 - q1 - 1);
}

static bool is_go_js_module(gw_str s)
{
	return gw_str_eq(s, "go") || gw_str_eq(s, "gojs");
}

/* Type (i32) -> (): the signature of every gc js/wasm host import. */
static bool is_sp_type(const gw_functype *t)
{
	return t && t->nparams == 1 && t->params[0] == GW_I32 && t->nresults == 0;
}

static bool has_export(const gw_module *m, const char *name)
{
	return gw_module_export(m, name, 0xff) != NULL;
}

/* What the imports, exports and function names say about the producer. */
typedef struct import_facts {
	bool js_imports, js_native_types, wasi, tinygo_names;
	gw_str js_module;
} import_facts;

static void collect_import_facts(const gw_module *m, import_facts *f)
{
	for (uint32_t i = 0; i < m->num_imports; i++) {
		const gw_import *im = &m->imports[i];
		if (im->kind != GW_EXT_FUNC)
			continue;
		if (is_go_js_module(im->module)) {
			f->js_imports = true;
			f->js_module = im->module;
			if (!is_sp_type(&m->types[im->type_index]))
				f->js_native_types = true;
			/* TinyGo's own runtime imports. */
			if (gw_str_eq(im->field, "runtime.ticks") || gw_str_eq(im->field, "runtime.sleepTicks"))
				f->tinygo_names = true;
		} else if (gw_str_eq(im->module, "wasi_snapshot_preview1") || gw_str_eq(im->module, "wasi_unstable")) {
			f->wasi = true;
		}
	}
	if (has_export(m, "asyncify_start_unwind") || has_export(m, "go_scheduler"))
		f->tinygo_names = true;
	for (uint32_t i = 0; m->func_names && i < gw_module_num_funcs(m) && !f->tinygo_names; i++)
		if (gw_str_has_prefix(m->func_names[i], "tinygo_"))
			f->tinygo_names = true;
}

static void classify_producer(const gw_module *m, const producer_facts *facts, const import_facts *f,
                              gw_go_info *info)
{
	bool gc_marks = facts->go_language.len || facts->go_compile.len ||
	                gw_module_custom_section(m, "go.buildid") || gw_module_custom_section(m, "go:buildid") ||
	                gw_module_custom_section(m, "go.version");

	if (facts->tinygo || f->tinygo_names || (f->js_imports && f->js_native_types && !gc_marks)) {
		info->producer = GW_PRODUCER_TINYGO;
		if (f->js_imports)
			info->abi_module = f->js_module;
	} else if (f->js_imports && !f->js_native_types && (gc_marks || has_export(m, "run"))) {
		info->producer = GW_PRODUCER_GC_JS;
		info->abi_module = f->js_module;
	} else if (f->wasi && gc_marks) {
		info->producer = GW_PRODUCER_GC_WASIP1;
	}
	if (f->wasi && info->producer != GW_PRODUCER_GC_JS && !info->abi_module.len) {
		static const uint8_t wasi_name[] = "wasi_snapshot_preview1";
		info->abi_module.p = wasi_name;
		info->abi_module.len = sizeof wasi_name - 1;
	}
}

/* The Go version: producers section, then go.version, then rodata (gc only). */
static void read_version(const gw_module *m, const producer_facts *facts, gw_go_info *info)
{
	gw_go_version *v = &info->version;
	if (facts->go_language.len && gw_go_version_parse(facts->go_language.p, facts->go_language.len, v))
		v->source = "producers";
	else if (facts->go_compile.len && gw_go_version_parse(facts->go_compile.p, facts->go_compile.len, v))
		v->source = "producers";
	if (!v->known) {
		const gw_section *s = gw_module_custom_section(m, "go.version");
		if (s) {
			const uint8_t *p = s->name.p + s->name.len, *end = m->bytes + s->offset + s->size;
			/* Raw bytes, or a length-prefixed string. */
			if (p < end && *p < 0x80 && *p != 'g' && end - p > 1)
				p++;
			if (gw_go_version_parse(p, (size_t)(end - p), v))
				v->source = "go.version";
		}
	}
	if (!v->known && info->producer != GW_PRODUCER_TINYGO)
		version_from_rodata(m, v);
}

void gw_go_detect(const gw_module *m, gw_go_info *info)
{
	producer_facts facts = { 0 };
	walk_producers(m, collect_producer, &facts);
	import_facts f = { 0 };
	collect_import_facts(m, &f);
	classify_producer(m, &facts, &f, info);
	if (info->producer == GW_PRODUCER_NOT_GO)
		return;
	read_version(m, &facts, info);
	read_build_id(m, info);
}
