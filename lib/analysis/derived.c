/* SPDX-License-Identifier: MIT */
#include "derived.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMAGE_MAX ((uint64_t)1 << 30)

static gw_str build_id(const gw_module *m)
{
	const gw_section *s = gw_module_custom_section(m, "go.buildid");
	if (!s)
		s = gw_module_custom_section(m, "go:buildid");
	return s ? (gw_str){ m->bytes + s->offset, (uint32_t)s->size } : (gw_str){ NULL, 0 };
}

static uint64_t image_end(const gw_module *m)
{
	uint64_t end = 0;
	for (uint32_t i = 0; i < m->num_datas; i++) {
		const gw_data *d = &m->datas[i];
		if (d->active && d->offset_known && d->offset_value + d->size > end)
			end = d->offset_value + d->size;
	}
	return end;
}

/* Every active data segment applied to zeroed memory of `len` bytes. */
static uint8_t *image(const gw_module *m, uint64_t len)
{
	uint8_t *p = calloc(len ? (size_t)len : 1, 1);
	for (uint32_t i = 0; p && i < m->num_datas; i++) {
		const gw_data *d = &m->datas[i];
		if (d->active && d->offset_known)
			memcpy(p + d->offset_value, d->bytes, d->size);
	}
	return p;
}

static bool has_import(const gw_module *m, const gw_import *im)
{
	for (uint32_t i = 0; i < m->num_imports; i++)
		if (m->imports[i].kind == im->kind && gw_str_same(m->imports[i].module, im->module) &&
		    gw_str_same(m->imports[i].field, im->field))
			return true;
	return false;
}

static bool has_export(const gw_module *m, const gw_export *ex)
{
	for (uint32_t i = 0; i < m->num_exports; i++)
		if (m->exports[i].kind == ex->kind && gw_str_same(m->exports[i].name, ex->name))
			return true;
	return false;
}

static int clip(gw_str s)
{
	return s.len > 60 ? 60 : (int)s.len;
}

gw_status gw_module_derived_from(const gw_module *orig, const gw_module *opt, bool *derived, char *why, size_t n,
                                 gw_error *err)
{
	*derived = false;
	gw_str a = build_id(orig), b = build_id(opt);
	if (!a.len) {
		snprintf(why, n, "the original has no Go build id");
		return GW_OK;
	}
	if (!gw_str_same(a, b)) {
		snprintf(why, n, b.len ? "its Go build id differs from the original's" : "it has no Go build id");
		return GW_OK;
	}
	for (uint32_t i = 0; i < orig->num_exports; i++)
		if (!has_export(opt, &orig->exports[i])) {
			snprintf(why, n, "the original's export \"%.*s\" is missing", clip(orig->exports[i].name),
			         (const char *)orig->exports[i].name.p);
			return GW_OK;
		}
	if (opt->num_exports != orig->num_exports) {
		snprintf(why, n, "it has %u exports, the original %u", opt->num_exports, orig->num_exports);
		return GW_OK;
	}
	for (uint32_t i = 0; i < opt->num_imports; i++)
		if (!has_import(orig, &opt->imports[i])) {
			snprintf(why, n, "it imports %.*s.%.*s, which the original does not", clip(opt->imports[i].module),
			         (const char *)opt->imports[i].module.p, clip(opt->imports[i].field),
			         (const char *)opt->imports[i].field.p);
			return GW_OK;
		}
	uint32_t slots_a = orig->num_elems ? orig->elems[0].count : 0, slots_b = opt->num_elems ? opt->elems[0].count : 0;
	if (orig->num_elems != opt->num_elems || slots_a != slots_b) {
		snprintf(why, n, "its function table has %u slots, the original's %u", slots_b, slots_a);
		return GW_OK;
	}
	uint64_t la = image_end(orig), lb = image_end(opt);
	if (la > IMAGE_MAX || lb > IMAGE_MAX) {
		snprintf(why, n, "its data ends beyond 1 GiB");
		return GW_OK;
	}
	uint64_t len = la > lb ? la : lb;
	uint8_t *ia = image(orig, len), *ib = image(opt, len);
	if (!ia || !ib) {
		free(ia);
		free(ib);
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	}
	uint64_t at = len;
	for (uint64_t i = 0; i < len && at == len; i++)
		if (ia[i] != ib[i])
			at = i;
	free(ia);
	free(ib);
	if (at != len) {
		snprintf(why, n, "its initial memory differs from the original's at address 0x%llx (data or symbol table)",
		         (unsigned long long)at);
		return GW_OK;
	}
	*derived = true;
	return GW_OK;
}
