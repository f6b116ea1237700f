/* SPDX-License-Identifier: MIT */
/* runtime.modinfo: the `go version -m` text that the linker leaves in
 * read-only data between two 16-byte sentinels, even in wasm (where the
 * "\xff Go buildinf:" blob is never written):
 *
 *   path <main package>
 *   mod  <module> <version> <sum>
 *   dep  <module> <version> <sum>
 *   =>   <replacement> <version> <sum>     (replaces the line above)
 *   build <key>=<value>
 */
#include <stdlib.h>
#include <string.h>

#include "goinfo.h"
#include "internal.h"

static const uint8_t start_sentinel[16] = {
	0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6
};
static const uint8_t end_sentinel[16] = {
	0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2
};

const uint8_t *gw_go_find_bytes(const uint8_t *p, size_t n, const uint8_t *needle, size_t k)
{
	if (n < k)
		return NULL;
	const uint8_t *end = p + n - k + 1;
	while (p < end) {
		const uint8_t *q = memchr(p, needle[0], (size_t)(end - p));
		if (!q)
			return NULL;
		if (memcmp(q, needle, k) == 0)
			return q;
		p = q + 1;
	}
	return NULL;
}

/* Splits a line on tabs into at most `max` fields; returns the count. */
static uint32_t split_tabs(gw_str line, gw_str *f, uint32_t max)
{
	uint32_t n = 0;
	const uint8_t *p = line.p, *end = line.p + line.len;
	while (n < max) {
		const uint8_t *t = memchr(p, '\t', (size_t)(end - p));
		const uint8_t *e = t ? t : end;
		f[n].p = p;
		f[n].len = (uint32_t)(e - p);
		n++;
		if (!t)
			break;
		p = t + 1;
	}
	return n;
}

static void set_module(gw_go_module_line *ml, gw_str *f, uint32_t n)
{
	ml->path = f[1];
	if (n > 2)
		ml->version = f[2];
	if (n > 3)
		ml->sum = f[3];
}

gw_status gw_go_read_buildinfo(const gw_module *m, gw_go_buildinfo *b, gw_error *err)
{
	const uint8_t *text = NULL, *text_end = NULL;
	const gw_data *seg = NULL;
	for (uint32_t i = 0; i < m->num_datas && !text; i++) {
		const gw_data *d = &m->datas[i];
		const uint8_t *s = gw_go_find_bytes(d->bytes, d->size, start_sentinel, 16);
		if (!s)
			continue;
		const uint8_t *after = s + 16;
		const uint8_t *e = gw_go_find_bytes(after, (size_t)(d->bytes + d->size - after), end_sentinel, 16);
		if (!e)
			continue;
		text = after;
		text_end = e;
		seg = d;
	}
	if (!text)
		return GW_OK;
	b->present = true;
	b->text.p = text;
	b->text.len = (uint32_t)(text_end - text);
	b->address = seg->offset_value + (uint64_t)(text - seg->bytes);

	/* Count lines to size the tables (bounded by the text length). */
	uint32_t lines = 1;
	for (const uint8_t *p = text; p < text_end; p++)
		lines += *p == '\n';
	b->deps = calloc(lines, sizeof *b->deps);
	b->settings = calloc(lines, sizeof *b->settings);
	if (!b->deps || !b->settings)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory for build info");

	gw_go_module_line *last = NULL;
	const uint8_t *p = text;
	while (p < text_end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(text_end - p));
		const uint8_t *e = nl ? nl : text_end;
		gw_str line = { p, (uint32_t)(e - p) };
		p = nl ? nl + 1 : text_end;
		gw_str f[4];
		uint32_t n = split_tabs(line, f, 4);
		if (n < 2)
			continue;
		if (gw_str_eq(f[0], "path")) {
			b->path = f[1];
		} else if (gw_str_eq(f[0], "mod")) {
			set_module(&b->main, f, n);
			last = &b->main;
		} else if (gw_str_eq(f[0], "dep")) {
			last = &b->deps[b->num_deps++];
			set_module(last, f, n);
		} else if (gw_str_eq(f[0], "=>") && last) {
			last->replace_path = f[1];
			if (n > 2)
				last->replace_version = f[2];
			if (n > 3)
				last->replace_sum = f[3];
		} else if (gw_str_eq(f[0], "build")) {
			/* The value may itself contain tabs: take the rest of the line. */
			gw_str kv = { f[1].p, (uint32_t)(line.p + line.len - f[1].p) };
			const uint8_t *eq = memchr(kv.p, '=', kv.len);
			gw_go_setting *s = &b->settings[b->num_settings++];
			if (eq) {
				s->key.p = kv.p;
				s->key.len = (uint32_t)(eq - kv.p);
				s->value.p = eq + 1;
				s->value.len = (uint32_t)(kv.p + kv.len - eq - 1);
			} else {
				s->key = kv;
			}
		}
	}
	return GW_OK;
}

/* True when `file` starts with module path `mod` followed by '/' or '@'
 * (a module cache path "mod@version/..."). */
static bool under_module(gw_str file, gw_str mod, char sep)
{
	return mod.len && file.len > mod.len && memcmp(file.p, mod.p, mod.len) == 0 && file.p[mod.len] == sep;
}

bool gw_go_main_module_file(const gw_go_info *go, gw_str file, gw_str *rel)
{
	gw_str mod = go->build.main.path;
	if (!under_module(file, mod, '/'))
		return false;
	/* A module nested under the main module's path owns its files. */
	for (uint32_t i = 0; i < go->build.num_deps; i++) {
		const gw_go_module_line *d = &go->build.deps[i];
		const gw_str paths[2] = { d->path, d->replace_path };
		for (int k = 0; k < 2; k++)
			if (paths[k].len > mod.len && (under_module(file, paths[k], '/') || under_module(file, paths[k], '@')))
				return false;
	}
	rel->p = file.p + mod.len + 1;
	rel->len = file.len - mod.len - 1;
	return true;
}
