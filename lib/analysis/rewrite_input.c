/* SPDX-License-Identifier: MIT */
#include "rewrite_input.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/array.h"
#include "../wasm/code.h"

static gw_status refuse_at(gw_error *err, size_t offset, const char *what)
{
	return gw_fail(err, GW_ERR_UNSUPPORTED, offset, "%s has a NUL byte, which Binaryen cannot read", what);
}

static bool has_nul(gw_str s)
{
	return s.len && memchr(s.p, 0, s.len) != NULL;
}

static size_t offset_of(const gw_module *m, gw_str s)
{
	return s.p ? (size_t)(s.p - m->bytes) : GW_NO_OFFSET;
}

gw_status gw_rewrite_check_strings(const gw_module *m, const char *const *reserved, gw_error *err)
{
	for (uint32_t i = 0; i < m->num_imports; i++) {
		const gw_import *im = &m->imports[i];
		if (has_nul(im->module))
			return refuse_at(err, offset_of(m, im->module), "an import module name");
		if (has_nul(im->field))
			return refuse_at(err, offset_of(m, im->field), "an import name");
	}
	for (uint32_t i = 0; i < m->num_exports; i++) {
		const gw_export *ex = &m->exports[i];
		if (has_nul(ex->name))
			return refuse_at(err, offset_of(m, ex->name), "an export name");
		for (const char *const *r = reserved; r && *r; r++)
			if (gw_str_eq(ex->name, *r))
				return gw_fail(err, GW_ERR_UNSUPPORTED, offset_of(m, ex->name),
				               "the module already exports \"%s\", a name the rewrite adds", *r);
	}
	for (uint32_t i = 0; i < m->num_sections; i++) {
		const gw_section *s = &m->sections[i];
		if (s->id == 0 && has_nul(s->name))
			return refuse_at(err, offset_of(m, s->name), "a custom section name");
	}
	return GW_OK;
}

/* --- the name section */

typedef struct name_ctx {
	const gw_module *m;
	gw_error *err;
	gw_str *seen;        /* names of the current map, for duplicates */
	size_t nseen, cap;
} name_ctx;

static int cmp_str(const void *a, const void *b)
{
	const gw_str *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = n ? memcmp(x->p, y->p, n) : 0;
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static gw_status bad(name_ctx *nc, size_t at, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return gw_fail(nc->err, GW_ERR_UNSUPPORTED, at, "name section: %s (Binaryen 108 would not read it as is)", msg);
}

/* A function name as Go writes them: no '$' (Binaryen's and the
 * rewrite's own names have one) and not a bare number (Binaryen's name
 * of an unnamed defined function). */
static bool plain_func_name(gw_str s)
{
	if (memchr(s.p, '$', s.len))
		return false;
	for (uint32_t i = 0; i < s.len; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return true;
	return false;
}

/* One name map: vec((index, name)), indices strictly increasing and
 * below `limit`, names valid UTF-8, without NUL, unique. */
static gw_status name_map(name_ctx *nc, gw_cursor *c, const char *what, uint64_t limit, bool funcs)
{
	gw_error *err = nc->err;
	uint32_t n;
	size_t at = c->pos;
	GW_TRY(gw_read_u32(c, &n, "name map count", err));
	if (n > gw_cursor_left(c) / 2)
		return bad(nc, at, "%s name count %u too large for its subsection", what, n);
	if (GW_ARRAY_RESERVE(nc->seen, nc->cap, n, n))
		return gw_fail(err, GW_ERR_NOMEM, at, "out of memory");
	int64_t prev = -1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t idx;
		gw_str s;
		at = c->pos;
		GW_TRY(gw_read_u32(c, &idx, "index in a name map", err));
		GW_TRY(gw_read_name(c, &s.p, &s.len, true, "name", err));
		if (idx >= limit)
			return bad(nc, at, "%s name for index %u, which does not exist (%llu)", what, idx, (unsigned long long)limit);
		if ((int64_t)idx <= prev)
			return bad(nc, at, "%s names not sorted or repeated (index %u)", what, idx);
		prev = idx;
		if (has_nul(s))
			return gw_fail(err, GW_ERR_UNSUPPORTED, at, "name section: a %s name has a NUL byte, which Binaryen "
			               "cannot read", what);
		if (funcs && !plain_func_name(s))
			return gw_fail(err, GW_ERR_UNSUPPORTED, at, "name section: function %u is named \"%.*s\": a name "
			               "with '$' or a bare number can clash with the names Binaryen and the rewrite give",
			               idx, (int)(s.len > 60 ? 60 : s.len), (const char *)s.p);
		nc->seen[i] = s;
	}
	qsort(nc->seen, n, sizeof *nc->seen, cmp_str);
	for (uint32_t i = 1; i < n; i++)
		if (!cmp_str(&nc->seen[i - 1], &nc->seen[i]))
			return gw_fail(err, GW_ERR_UNSUPPORTED, offset_of(nc->m, nc->seen[i]), "name section: two %s names "
			               "\"%.*s\" (Binaryen would rename one)", what,
			               (int)(nc->seen[i].len > 60 ? 60 : nc->seen[i].len), (const char *)nc->seen[i].p);
	return GW_OK;
}

/* Locals (parameters included) of function `f`, or 0 if unreadable. */
static uint64_t num_locals(const gw_module *m, uint32_t f)
{
	if (f < m->num_func_imports) {
		const gw_functype *t = gw_module_func_type(m, f);
		return t ? t->nparams : 0;
	}
	gw_code_reader r;
	gw_error e;
	gw_error_clear(&e);
	uint64_t n = gw_code_begin(&r, m, f, &e) == GW_OK ? r.num_locals : 0;
	gw_code_end(&r);
	return n;
}

static gw_status check_subsection(name_ctx *nc, uint8_t id, gw_cursor *sub)
{
	const gw_module *m = nc->m;
	gw_error *err = nc->err;
	uint64_t nfuncs = gw_module_num_funcs(m);
	switch (id) {
	case 0: {
		gw_str s;
		GW_TRY(gw_read_name(sub, &s.p, &s.len, true, "module name", err));
		if (has_nul(s))
			return gw_fail(err, GW_ERR_UNSUPPORTED, offset_of(m, s), "name section: the module name has a NUL byte, "
			               "which Binaryen cannot read");
		return GW_OK;
	}
	case 1:
		return name_map(nc, sub, "function", nfuncs, true);
	case 2: {
		uint32_t n;
		size_t at = sub->pos;
		GW_TRY(gw_read_u32(sub, &n, "local name count", err));
		if (n > gw_cursor_left(sub) / 2)
			return bad(nc, at, "local name count %u too large for its subsection", n);
		int64_t prev = -1;
		for (uint32_t i = 0; i < n; i++) {
			uint32_t f;
			at = sub->pos;
			GW_TRY(gw_read_u32(sub, &f, "function index of local names", err));
			if (f >= nfuncs)
				return bad(nc, at, "local names of function %u, which does not exist (%llu)", f, (unsigned long long)nfuncs);
			if ((int64_t)f <= prev)
				return bad(nc, at, "local names not sorted or repeated (function %u)", f);
			prev = f;
			GW_TRY(name_map(nc, sub, "local", num_locals(m, f), false));
		}
		return GW_OK;
	}
	case 4:
		return name_map(nc, sub, "type", m->num_types, false);
	case 5:
		return name_map(nc, sub, "table", (uint64_t)m->num_table_imports + m->num_tables, false);
	case 6:
		return name_map(nc, sub, "memory", (uint64_t)m->num_memory_imports + m->num_memories, false);
	case 7:
		return name_map(nc, sub, "global", (uint64_t)m->num_global_imports + m->num_globals, false);
	case 8:
		return name_map(nc, sub, "element segment", m->num_elems, false);
	case 9:
		return name_map(nc, sub, "data segment", m->num_datas, false);
	default:
		return gw_fail(err, GW_ERR_UNSUPPORTED, sub->pos, "name section: subsection %u, which Binaryen 108 does not "
		               "know (it would drop it or stop)", id);
	}
}

gw_status gw_rewrite_check_names(const gw_module *m, gw_error *err)
{
	const gw_section *names = NULL;
	for (uint32_t i = 0; i < m->num_sections; i++) {
		const gw_section *s = &m->sections[i];
		if (s->id != 0 || !gw_str_eq(s->name, "name"))
			continue;
		if (names)
			return gw_fail(err, GW_ERR_UNSUPPORTED, s->header_offset, "a second name section");
		names = s;
	}
	if (!names)
		return GW_OK;
	name_ctx nc = { .m = m, .err = err };
	gw_cursor c = gw_cursor_make(m->bytes, names->offset, names->offset + names->size);
	uint32_t nlen;
	const uint8_t *np;
	gw_status s = gw_read_name(&c, &np, &nlen, false, "section name", err);
	int last = -1;
	while (!s && c.pos < c.end) {
		size_t at = c.pos;
		uint8_t id;
		uint32_t size;
		if ((s = gw_read_u8(&c, &id, "name subsection id", err)) || (s = gw_read_u32(&c, &size, "name subsection size", err)))
			break;
		if (size > gw_cursor_left(&c)) {
			s = gw_fail(err, GW_ERR_UNSUPPORTED, at, "name section: subsection %u runs past the section end", id);
			break;
		}
		if ((int)id <= last) {
			s = gw_fail(err, GW_ERR_UNSUPPORTED, at, "name section: subsection %u out of order or repeated", id);
			break;
		}
		last = id;
		gw_cursor sub = gw_cursor_make(m->bytes, c.pos, c.pos + size);
		c.pos += size;
		if ((s = check_subsection(&nc, id, &sub)))
			break;
		if (sub.pos != sub.end)
			s = gw_fail(err, GW_ERR_UNSUPPORTED, sub.pos, "name section: %zu bytes left over at the end of "
			            "subsection %u", sub.end - sub.pos, id);
	}
	free(nc.seen);
	if (s && s != GW_ERR_NOMEM && err->status != GW_ERR_UNSUPPORTED) {
		/* A malformed field read by the cursor: keep its message and offset. */
		err->status = GW_ERR_UNSUPPORTED;
	}
	return s ? err->status : GW_OK;
}
