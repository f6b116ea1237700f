/* SPDX-License-Identifier: MIT */
#include "sourcemap.h"

#include <stdlib.h>
#include <string.h>

#include "../util/array.h"
#include "json.h"
#include "../wasm/leb128.h"

/* Distinct strings, numbered in order of first use. */
typedef struct intern {
	gw_str *v;            /* by number */
	uint32_t n, cap;
	uint32_t *slots;      /* open addressing: number + 1, 0 = empty */
	uint32_t nslots;
	bool oom;
} intern;

static uint32_t hash_str(gw_str s)
{
	uint32_t h = 2166136261u;
	for (uint32_t i = 0; i < s.len; i++)
		h = (h ^ s.p[i]) * 16777619u;
	return h;
}

static bool intern_grow(intern *t)
{
	uint32_t ns = t->nslots ? t->nslots * 2 : 1024;
	uint32_t *slots = calloc(ns, sizeof *slots);
	if (!slots)
		return false;
	for (uint32_t i = 0; i < t->n; i++) {
		uint32_t k = hash_str(t->v[i]) & (ns - 1);
		while (slots[k])
			k = (k + 1) & (ns - 1);
		slots[k] = i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = ns;
	return true;
}

/* The number of s, added when new; UINT32_MAX on allocation failure. */
static uint32_t intern_add(intern *t, gw_str s)
{
	if ((t->n + 1) * 2 > t->nslots && !intern_grow(t)) {
		t->oom = true;
		return UINT32_MAX;
	}
	uint32_t k = hash_str(s) & (t->nslots - 1);
	for (; t->slots[k]; k = (k + 1) & (t->nslots - 1))
		if (gw_str_same(t->v[t->slots[k] - 1], s))
			return t->slots[k] - 1;
	if (GW_ARRAY_RESERVE(t->v, t->cap, t->n + 1, 256)) {
		t->oom = true;
		return UINT32_MAX;
	}
	t->v[t->n] = s;
	t->slots[k] = t->n + 1;
	return t->n++;
}

static void intern_free(intern *t)
{
	free(t->v);
	free(t->slots);
}

static void vlq(gw_buf *b, int64_t v)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint64_t u = v < 0 ? ((uint64_t)(-v) << 1) | 1 : (uint64_t)v << 1;
	char tmp[16];
	size_t n = 0;
	do {
		unsigned digit = u & 31;
		u >>= 5;
		tmp[n++] = b64[digit | (u ? 32 : 0)];
	} while (u);
	gw_buf_append(b, tmp, n);
}

/* The mappings string: segments relative to the previous one. A segment
 * is held until the next offset is known, so several points at one
 * offset leave only the last. */
typedef struct mapper {
	gw_buf *b;
	bool any, pending, pending_mapped;
	uint64_t pending_col;
	uint32_t pending_src, pending_name;
	int32_t pending_line;
	/* The last segment written. */
	bool last_mapped;
	uint64_t col;
	uint32_t src, name;
	int32_t line;
	uint64_t segments;
} mapper;

static void flush_segment(mapper *mp)
{
	if (!mp->pending)
		return;
	mp->pending = false;
	bool same = mp->any && mp->last_mapped == mp->pending_mapped &&
	            (!mp->pending_mapped || (mp->src == mp->pending_src && mp->line == mp->pending_line &&
	                                     mp->name == mp->pending_name));
	if (same || (!mp->any && !mp->pending_mapped))
		return;
	if (mp->any)
		gw_buf_putc(mp->b, ',');
	vlq(mp->b, (int64_t)mp->pending_col - (int64_t)mp->col);
	mp->col = mp->pending_col;
	if (mp->pending_mapped) {
		vlq(mp->b, (int64_t)mp->pending_src - (int64_t)mp->src);
		vlq(mp->b, (int64_t)mp->pending_line - (int64_t)mp->line);
		vlq(mp->b, 0);
		vlq(mp->b, (int64_t)mp->pending_name - (int64_t)mp->name);
		mp->src = mp->pending_src;
		mp->line = mp->pending_line;
		mp->name = mp->pending_name;
		mp->segments++;
	}
	mp->last_mapped = mp->pending_mapped;
	mp->any = true;
}

static void segment(mapper *mp, uint64_t col, bool mapped, uint32_t src, int32_t line, uint32_t name)
{
	if (mp->pending && mp->pending_col != col)
		flush_segment(mp);
	mp->pending = true;
	mp->pending_col = col;
	mp->pending_mapped = mapped;
	mp->pending_src = src;
	mp->pending_line = line;
	mp->pending_name = name;
}

/* The name a source is written under. */
static void source_name(gw_buf *b, gw_str file, const gw_go_info *go, const char *root)
{
	gw_str rel;
	if (root && gw_go_main_module_file(go, file, &rel)) {
		size_t rl = strlen(root);
		while (rl > 1 && root[rl - 1] == '/')
			rl--;
		gw_buf_append(b, root, rl);
		gw_buf_putc(b, '/');
		gw_buf_append(b, rel.p, rel.len);
		return;
	}
	gw_buf_append(b, file.p, file.len);
}

static gw_status map_function(gw_go_addr *a, const gw_pclntab *t, uint32_t d, mapper *mp, intern *sources,
                              intern *names, gw_error *err)
{
	gw_pcln_func pf;
	const gw_pc_point *v;
	uint32_t n;
	gw_status s = gw_pclntab_func(t, d, &pf, err);
	if (!s)
		s = gw_go_addr_points(a, d, &v, &n, err);
	if (s)
		return s;
	gw_pcvalue vf, vl;
	gw_pcvalue_init(&vf, t, &pf, pf.pcfile);
	gw_pcvalue_init(&vl, t, &pf, pf.pcln);
	gw_inline_view view;
	if ((s = gw_inline_view_init(&view, t, &pf, err)) != GW_OK)
		return s;
	gw_str self = gw_pclntab_name(t, pf.nameoff);
	/* Neighbouring points mostly share their strings (the same bytes of
	 * the table): look each up only when it changes. */
	gw_str last_file = { NULL, 0 }, last_name = { NULL, 0 };
	uint32_t si = UINT32_MAX, ni = UINT32_MAX;
	for (uint32_t i = 0; i < n && s == GW_OK; i++) {
		uint64_t pc = pf.entry | v[i].pcb;
		int32_t fileno, line;
		if ((s = gw_pcvalue_at(&vf, pc, &fileno, err)) != GW_OK || (s = gw_pcvalue_at(&vl, pc, &line, err)) != GW_OK)
			break;
		gw_str file = gw_pclntab_file_name(t, &pf, fileno), name = self;
		int32_t ix = gw_inline_view_at(&view, pc);
		uint32_t nameoff;
		int32_t parent;
		if (ix >= 0 && gw_inline_view_entry(t, &view, ix, &nameoff, &parent))
			name = gw_pclntab_name(t, nameoff);
		if (!file.len || line <= 0) {
			segment(mp, v[i].offset, false, 0, 0, 0);
			continue;
		}
		if (file.p != last_file.p || file.len != last_file.len || si == UINT32_MAX) {
			si = intern_add(sources, file);
			last_file = file;
		}
		if (name.p != last_name.p || name.len != last_name.len || ni == UINT32_MAX) {
			ni = intern_add(names, name);
			last_name = name;
		}
		if (si == UINT32_MAX || ni == UINT32_MAX)
			s = gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
		else
			segment(mp, v[i].offset, true, si, line - 1, ni);
	}
	gw_inline_view_free(&view);
	return s;
}

gw_status gw_sourcemap_write(gw_go_addr *a, const gw_module *m, const gw_go_info *go, const gw_sourcemap_opts *o,
                             gw_buf *out, gw_sourcemap_stats *st, gw_error *err)
{
	memset(st, 0, sizeof *st);
	const gw_pclntab *t = go->pcln;
	if (!t)
		return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "no Go symbol table (runtime.pclntab): nothing to map");
	intern sources = { 0 }, names = { 0 };
	gw_buf mappings;
	gw_buf_init(&mappings);
	mapper mp = { .b = &mappings };
	gw_status s = GW_OK;
	for (uint32_t d = 0; d < m->num_funcs && s == GW_OK; d++) {
		const gw_func *f = &m->funcs[d];
		if (!gw_go_addr_is_go(a, d)) {
			segment(&mp, f->body_offset, false, 0, 0, 0);
			continue;
		}
		st->functions++;
		s = map_function(a, t, d, &mp, &sources, &names, err);
	}
	const gw_section *code = gw_module_section(m, GW_SEC_CODE);
	if (code)
		segment(&mp, code->offset + code->size, false, 0, 0, 0);
	flush_segment(&mp);
	if (!s && (sources.oom || names.oom || mappings.oom))
		s = gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	if (!s) {
		st->segments = mp.segments;
		st->sources = sources.n;
		st->names = names.n;
		gw_buf_puts(out, "{\"version\":3,\"file\":");
		const char *file = o->file ? o->file : "";
		gw_json_quote(out, (const uint8_t *)file, strlen(file));
		gw_buf_puts(out, ",\"sources\":[");
		gw_buf name;
		gw_buf_init(&name);
		for (uint32_t i = 0; i < sources.n; i++) {
			name.len = 0;
			source_name(&name, sources.v[i], go, o->source_root);
			if (i)
				gw_buf_putc(out, ',');
			gw_json_quote(out, (const uint8_t *)name.data, name.len);
		}
		gw_buf_putc(out, ']');
		if (o->read_source) {
			gw_buf_puts(out, ",\"sourcesContent\":[");
			gw_buf content;
			gw_buf_init(&content);
			for (uint32_t i = 0; i < sources.n; i++) {
				name.len = 0;
				source_name(&name, sources.v[i], go, o->source_root);
				gw_buf_putc(&name, 0);
				content.len = 0;
				if (i)
					gw_buf_putc(out, ',');
				if (!name.oom && o->read_source(o->ctx, name.data, &content)) {
					gw_json_quote(out, (const uint8_t *)content.data, content.len);
					st->sources_read++;
				} else {
					gw_buf_puts(out, "null");
				}
			}
			if (content.oom)
				out->oom = true;
			gw_buf_free(&content);
			gw_buf_putc(out, ']');
		}
		if (name.oom)
			out->oom = true;
		gw_buf_free(&name);
		gw_buf_puts(out, ",\"names\":[");
		for (uint32_t i = 0; i < names.n; i++) {
			if (i)
				gw_buf_putc(out, ',');
			gw_json_quote(out, names.v[i].p, names.v[i].len);
		}
		gw_buf_puts(out, "],\"mappings\":\"");
		gw_buf_append(out, mappings.data, mappings.len);
		gw_buf_puts(out, "\"}\n");
		if (out->oom)
			s = gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	}
	gw_buf_free(&mappings);
	intern_free(&sources);
	intern_free(&names);
	return s;
}

static void put_uleb(gw_buf *b, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		if (v)
			c |= 0x80;
		gw_buf_putc(b, (char)c);
	} while (v);
}

gw_status gw_sourcemap_attach(const gw_module *m, const char *url, gw_buf *out, gw_error *err)
{
	static const char name[] = "sourceMappingURL";
	size_t at = 8; /* magic and version */
	gw_buf_append(out, m->bytes, at);
	for (uint32_t i = 0; i < m->num_sections; i++) {
		const gw_section *sec = &m->sections[i];
		size_t end = sec->offset + sec->size;
		if (sec->id == GW_SEC_CUSTOM && gw_str_eq(sec->name, name)) {
			gw_buf_append(out, m->bytes + at, sec->header_offset - at);
			at = end;
		}
	}
	gw_buf_append(out, m->bytes + at, m->size - at);
	size_t ulen = strlen(url), nlen = sizeof name - 1;
	gw_buf payload;
	gw_buf_init(&payload);
	put_uleb(&payload, nlen);
	gw_buf_append(&payload, name, nlen);
	put_uleb(&payload, ulen);
	gw_buf_append(&payload, url, ulen);
	gw_buf_putc(out, 0);
	put_uleb(out, payload.len);
	gw_buf_append(out, payload.data, payload.len);
	bool oom = payload.oom || out->oom;
	gw_buf_free(&payload);
	if (oom)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	return GW_OK;
}

gw_status gw_sourcemap_url(const gw_module *m, bool *found, gw_str *url, gw_error *err)
{
	*found = false;
	url->p = NULL;
	url->len = 0;
	for (uint32_t i = 0; i < m->num_sections; i++) {
		const gw_section *sec = &m->sections[i];
		if (sec->id != GW_SEC_CUSTOM || !gw_str_eq(sec->name, "sourceMappingURL"))
			continue;
		if (*found)
			return gw_fail(err, GW_ERR_FORMAT, sec->header_offset, "a second sourceMappingURL section");
		size_t at = (size_t)(sec->name.p + sec->name.len - m->bytes), end = sec->offset + sec->size;
		gw_cursor c = gw_cursor_make(m->bytes, at, end);
		if (gw_read_name(&c, &url->p, &url->len, true, "sourceMappingURL", err))
			return err->status;
		if (gw_cursor_left(&c))
			return gw_fail(err, GW_ERR_FORMAT, c.pos, "%zu bytes after the URL in the sourceMappingURL section",
			               gw_cursor_left(&c));
		*found = true;
	}
	return GW_OK;
}
