/* SPDX-License-Identifier: MIT */
/* The section reader. One pass over the file: every standard section is
 * decoded into small tables that point back into the input; code bodies
 * are only located (code.c decodes them on demand). */
#include "module.h"

#include <stdlib.h>
#include <string.h>

#include "../util/array.h"
#include "leb128.h"

bool gw_str_eq(gw_str s, const char *z)
{
	size_t n = strlen(z);
	return s.len == n && (n == 0 || memcmp(s.p, z, n) == 0);
}

bool gw_str_same(gw_str a, gw_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool gw_str_has_prefix(gw_str s, const char *z)
{
	size_t n = strlen(z);
	return s.len >= n && (n == 0 || memcmp(s.p, z, n) == 0);
}

const char *gw_section_name(unsigned id)
{
	static const char *const names[] = {
		"custom", "type", "import", "function", "table", "memory", "global",
		"export", "start", "elem", "code", "data", "datacount", "tag",
	};
	return id < sizeof names / sizeof names[0] ? names[id] : "unknown";
}

const char *gw_extern_kind_name(unsigned kind)
{
	static const char *const names[] = { "func", "table", "memory", "global", "tag" };
	return kind < 5 ? names[kind] : "unknown";
}

const char *gw_valtype_name(uint8_t t)
{
	switch (t) {
	case GW_I32: return "i32";
	case GW_I64: return "i64";
	case GW_F32: return "f32";
	case GW_F64: return "f64";
	case GW_V128: return "v128";
	case GW_FUNCREF: return "funcref";
	case GW_EXTERNREF: return "externref";
	}
	return "unknown";
}

static bool valtype_ok(uint8_t t)
{
	return (t >= GW_V128 && t <= GW_I32) || t == GW_FUNCREF || t == GW_EXTERNREF;
}

static bool reftype_ok(uint8_t t)
{
	return t == GW_FUNCREF || t == GW_EXTERNREF;
}

/* Allocates `count` zeroed entries, after checking that the section could
 * hold that many entries of at least `min_size` bytes each. */
static void *alloc_entries(gw_cursor *c, uint32_t count, size_t min_size, size_t elem_size,
                           const char *what, gw_error *err)
{
	if ((uint64_t)count * min_size > gw_cursor_left(c)) {
		gw_fail(err, GW_ERR_FORMAT, c->pos,
		        "%s count %u is larger than its section can hold (%zu bytes left)",
		        what, count, gw_cursor_left(c));
		return NULL;
	}
	void *p = calloc(count ? count : 1, elem_size);
	if (!p)
		gw_fail(err, GW_ERR_NOMEM, c->pos, "out of memory for %u %s entries", count, what);
	return p;
}

static gw_status read_limits(gw_cursor *c, gw_limits *l, bool memory, gw_error *err)
{
	size_t at = c->pos;
	uint8_t flags;
	GW_TRY(gw_read_u8(c, &flags, "limits flags", err));
	unsigned allowed = memory ? 0x07 : 0x01;
	if (flags & ~allowed)
		return gw_fail(err, GW_ERR_FORMAT, at, "invalid limits flags 0x%02x", flags);
	l->has_max = flags & 1;
	l->shared = flags & 2;
	l->is64 = flags & 4;
	unsigned bits = l->is64 ? 64 : 32;
	GW_TRY(gw_read_uleb(c, bits, &l->min, "limits minimum", err));
	if (l->has_max) {
		GW_TRY(gw_read_uleb(c, bits, &l->max, "limits maximum", err));
		if (l->max < l->min)
			return gw_fail(err, GW_ERR_FORMAT, at,
			               "limits maximum %llu is below minimum %llu",
			               (unsigned long long)l->max, (unsigned long long)l->min);
	}
	if (memory && !l->is64 && (l->min > 65536 || (l->has_max && l->max > 65536)))
		return gw_fail(err, GW_ERR_FORMAT, at, "memory size over 65536 pages");
	return GW_OK;
}

/* A constant expression: one instruction and `end`. */
static gw_status read_init(gw_cursor *c, gw_init *init, gw_error *err)
{
	size_t at = c->pos;
	uint8_t op;
	GW_TRY(gw_read_u8(c, &op, "constant expression", err));
	init->op = op;
	switch (op) {
	case 0x41: {
		int64_t v;
		GW_TRY(gw_read_sleb(c, 32, &v, "i32.const", err));
		init->value = (uint64_t)v;
		break;
	}
	case 0x42: {
		int64_t v;
		GW_TRY(gw_read_sleb(c, 64, &v, "i64.const", err));
		init->value = (uint64_t)v;
		break;
	}
	case 0x43: {
		uint32_t v;
		GW_TRY(gw_read_u32le(c, &v, "f32.const", err));
		init->value = v;
		break;
	}
	case 0x44:
		GW_TRY(gw_read_u64le(c, &init->value, "f64.const", err));
		break;
	case 0x23:
	case 0xd2: {
		uint32_t v;
		GW_TRY(gw_read_u32(c, &v, "index", err));
		init->value = v;
		break;
	}
	case 0xd0: {
		uint8_t t;
		GW_TRY(gw_read_u8(c, &t, "ref.null type", err));
		if (!reftype_ok(t))
			return gw_fail(err, GW_ERR_FORMAT, at + 1, "invalid reference type 0x%02x", t);
		init->value = t;
		break;
	}
	default:
		return gw_fail(err, GW_ERR_UNSUPPORTED, at,
		               "unsupported opcode 0x%02x in constant expression", op);
	}
	uint8_t end;
	size_t end_at = c->pos;
	GW_TRY(gw_read_u8(c, &end, "end of constant expression", err));
	if (end != 0x0b)
		return gw_fail(err, GW_ERR_UNSUPPORTED, end_at,
		               "expected end (0x0b) of constant expression, got 0x%02x", end);
	return GW_OK;
}

static gw_status read_types(gw_module *m, gw_cursor *c, gw_error *err)
{
	uint32_t n;
	GW_TRY(gw_read_u32(c, &n, "type count", err));
	m->types = alloc_entries(c, n, 3, sizeof *m->types, "type", err);
	if (!m->types)
		return err->status;
	m->num_types = n;
	for (uint32_t i = 0; i < n; i++) {
		size_t at = c->pos;
		uint8_t form;
		GW_TRY(gw_read_u8(c, &form, "type form", err));
		if (form != 0x60)
			return gw_fail(err, GW_ERR_FORMAT, at, "expected func type (0x60), got 0x%02x", form);
		gw_functype *t = &m->types[i];
		for (int pass = 0; pass < 2; pass++) {
			uint32_t k;
			const uint8_t *p;
			GW_TRY(gw_read_u32(c, &k, pass ? "result count" : "param count", err));
			size_t vat = c->pos;
			GW_TRY(gw_read_bytes(c, k, &p, pass ? "result types" : "param types", err));
			for (uint32_t j = 0; j < k; j++)
				if (!valtype_ok(p[j]))
					return gw_fail(err, GW_ERR_FORMAT, vat + j, "invalid value type 0x%02x", p[j]);
			if (pass) {
				t->nresults = k;
				t->results = p;
			} else {
				t->nparams = k;
				t->params = p;
			}
		}
	}
	return GW_OK;
}

static gw_status read_imports(gw_module *m, gw_cursor *c, gw_error *err)
{
	uint32_t n;
	GW_TRY(gw_read_u32(c, &n, "import count", err));
	m->imports = alloc_entries(c, n, 4, sizeof *m->imports, "import", err);
	if (!m->imports)
		return err->status;
	m->num_imports = n;
	for (uint32_t i = 0; i < n; i++) {
		gw_import *im = &m->imports[i];
		im->offset = c->pos;
		GW_TRY(gw_read_name(c, &im->module.p, &im->module.len, true, "import module name", err));
		GW_TRY(gw_read_name(c, &im->field.p, &im->field.len, true, "import field name", err));
		size_t at = c->pos;
		GW_TRY(gw_read_u8(c, &im->kind, "import kind", err));
		switch (im->kind) {
		case GW_EXT_FUNC:
			GW_TRY(gw_read_u32(c, &im->type_index, "import type index", err));
			if (im->type_index >= m->num_types)
				return gw_fail(err, GW_ERR_FORMAT, at + 1, "import type index %u out of range (%u types)",
				               im->type_index, m->num_types);
			im->index = m->num_func_imports++;
			break;
		case GW_EXT_TABLE:
			GW_TRY(gw_read_u8(c, &im->valtype, "table element type", err));
			if (!reftype_ok(im->valtype))
				return gw_fail(err, GW_ERR_FORMAT, at + 1, "invalid table element type 0x%02x", im->valtype);
			GW_TRY(read_limits(c, &im->limits, false, err));
			im->index = m->num_table_imports++;
			break;
		case GW_EXT_MEMORY:
			GW_TRY(read_limits(c, &im->limits, true, err));
			im->index = m->num_memory_imports++;
			break;
		case GW_EXT_GLOBAL: {
			uint8_t mut;
			GW_TRY(gw_read_u8(c, &im->valtype, "global type", err));
			if (!valtype_ok(im->valtype))
				return gw_fail(err, GW_ERR_FORMAT, at + 1, "invalid global type 0x%02x", im->valtype);
			GW_TRY(gw_read_u8(c, &mut, "global mutability", err));
			if (mut > 1)
				return gw_fail(err, GW_ERR_FORMAT, at + 2, "invalid global mutability 0x%02x", mut);
			im->mutable_ = mut;
			im->index = m->num_global_imports++;
			break;
		}
		case GW_EXT_TAG: {
			uint8_t attr;
			GW_TRY(gw_read_u8(c, &attr, "tag attribute", err));
			GW_TRY(gw_read_u32(c, &im->type_index, "tag type index", err));
			if (attr != 0 || im->type_index >= m->num_types)
				return gw_fail(err, GW_ERR_FORMAT, at + 1, "invalid tag import");
			im->index = m->num_tag_imports++;
			break;
		}
		default:
			return gw_fail(err, GW_ERR_FORMAT, at, "invalid import kind 0x%02x", im->kind);
		}
	}
	m->func_imports = malloc((m->num_func_imports ? m->num_func_imports : 1) * sizeof *m->func_imports);
	if (!m->func_imports)
		return gw_fail(err, GW_ERR_NOMEM, c->pos, "out of memory for imports");
	for (uint32_t i = 0; i < n; i++)
		if (m->imports[i].kind == GW_EXT_FUNC)
			m->func_imports[m->imports[i].index] = i;
	return GW_OK;
}

static gw_status read_functions(gw_module *m, gw_cursor *c, gw_error *err)
{
	uint32_t n;
	GW_TRY(gw_read_u32(c, &n, "function count", err));
	m->funcs = alloc_entries(c, n, 1, sizeof *m->funcs, "function", err);
	if (!m->funcs)
		return err->status;
	m->num_funcs = n;
	m->have_function_section = true;
	for (uint32_t i = 0; i < n; i++) {
		size_t at = c->pos;
		GW_TRY(gw_read_u32(c, &m->funcs[i].type_index, "function type index", err));
		if (m->funcs[i].type_index >= m->num_types)
			return gw_fail(err, GW_ERR_FORMAT, at, "function %u: type index %u out of range (%u types)",
			               m->num_func_imports + i, m->funcs[i].type_index, m->num_types);
	}
	return GW_OK;
}

static gw_status read_tables(gw_module *m, gw_cursor *c, gw_error *err)
{
	uint32_t n;
	GW_TRY(gw_read_u32(c, &n, "table count", err));
	m->tables = alloc_entries(c, n, 3, sizeof *m->tables, "table", err);
	if (!m->tables)
		return err->status;
	m->num_tables = n;
	for (uint32_t i = 0; i < n; i++) {
		size_t at = c->pos;
		GW_TRY(gw_read_u8(c, &m->tables[i].reftype, "table element type", err));
		if (!reftype_ok(m->tables[i].reftype))
			return gw_fail(err, GW_ERR_FORMAT, at, "invalid table element type 0x%02x", m->tables[i].reftype);
		GW_TRY(read_limits(c, &m->tables[i].limits, false, err));
	}
	return GW_OK;
}

static gw_status read_memories(gw_module *m, gw_cursor *c, gw_error *err)
{
	uint32_t n;
	GW_TRY(gw_read_u32(c, &n, "memory count", err));
	m->memories = alloc_entries(c, n, 2, sizeof *m->memories, "memory", err);
	if (!m->memories)
		return err->status;
	m->num_memories = n;
	for (uint32_t i = 0; i < n; i++)
		GW_TRY(read_limits(c, &m->memories[i], true, err));
	return GW_OK;
}

static gw_status read_globals(gw_module *m, gw_cursor *c, gw_error *err)
{
	uint32_t n;
	GW_TRY(gw_read_u32(c, &n, "global count", err));
	m->globals = alloc_entries(c, n, 4, sizeof *m->globals, "global", err);
	if (!m->globals)
		return err->status;
	m->num_globals = n;
	for (uint32_t i = 0; i < n; i++) {
		gw_global *g = &m->globals[i];
		size_t at = c->pos;
		uint8_t mut;
		GW_TRY(gw_read_u8(c, &g->valtype, "global type", err));
		if (!valtype_ok(g->valtype))
			return gw_fail(err, GW_ERR_FORMAT, at, "invalid global type 0x%02x", g->valtype);
		GW_TRY(gw_read_u8(c, &mut, "global mutability", err));
		if (mut > 1)
			return gw_fail(err, GW_ERR_FORMAT, at + 1, "invalid global mutability 0x%02x", mut);
		g->mutable_ = mut;
		GW_TRY(read_init(c, &g->init, err));
	}
	return GW_OK;
}

static int cmp_export_name(const void *a, const void *b)
{
	const gw_export *x = *(const gw_export *const *)a, *y = *(const gw_export *const *)b;
	uint32_t n = x->name.len < y->name.len ? x->name.len : y->name.len;
	int r = n ? memcmp(x->name.p, y->name.p, n) : 0;
	if (r)
		return r;
	return (x->name.len > y->name.len) - (x->name.len < y->name.len);
}

static gw_status read_exports(gw_module *m, gw_cursor *c, gw_error *err)
{
	uint32_t n;
	GW_TRY(gw_read_u32(c, &n, "export count", err));
	m->exports = alloc_entries(c, n, 3, sizeof *m->exports, "export", err);
	if (!m->exports)
		return err->status;
	m->num_exports = n;
	for (uint32_t i = 0; i < n; i++) {
		gw_export *e = &m->exports[i];
		e->offset = c->pos;
		GW_TRY(gw_read_name(c, &e->name.p, &e->name.len, true, "export name", err));
		size_t at = c->pos;
		GW_TRY(gw_read_u8(c, &e->kind, "export kind", err));
		GW_TRY(gw_read_u32(c, &e->index, "export index", err));
		uint64_t limit;
		switch (e->kind) {
		case GW_EXT_FUNC: limit = (uint64_t)m->num_func_imports + m->num_funcs; break;
		case GW_EXT_TABLE: limit = (uint64_t)m->num_table_imports + m->num_tables; break;
		case GW_EXT_MEMORY: limit = (uint64_t)m->num_memory_imports + m->num_memories; break;
		case GW_EXT_GLOBAL: limit = (uint64_t)m->num_global_imports + m->num_globals; break;
		case GW_EXT_TAG: limit = UINT64_MAX; break;
		default:
			return gw_fail(err, GW_ERR_FORMAT, at, "invalid export kind 0x%02x", e->kind);
		}
		if (e->index >= limit)
			return gw_fail(err, GW_ERR_FORMAT, at + 1, "export \"%.*s\": %s index %u out of range",
			               (int)(e->name.len > 64 ? 64 : e->name.len), (const char *)e->name.p,
			               gw_extern_kind_name(e->kind), e->index);
	}
	/* Export names must be unique: sort pointers, compare neighbours. */
	if (n > 1) {
		gw_export **v = malloc(n * sizeof *v);
		if (!v)
			return gw_fail(err, GW_ERR_NOMEM, c->pos, "out of memory");
		for (uint32_t i = 0; i < n; i++)
			v[i] = &m->exports[i];
		qsort(v, n, sizeof *v, cmp_export_name);
		for (uint32_t i = 1; i < n; i++) {
			if (cmp_export_name(&v[i - 1], &v[i]) == 0) {
				gw_export *d = v[i - 1] > v[i] ? v[i - 1] : v[i];
				free(v);
				return gw_fail(err, GW_ERR_FORMAT, d->offset, "duplicate export name \"%.*s\"",
				               (int)(d->name.len > 64 ? 64 : d->name.len), (const char *)d->name.p);
			}
		}
		free(v);
	}
	return GW_OK;
}

static gw_status read_start(gw_module *m, gw_cursor *c, gw_error *err)
{
	size_t at = c->pos;
	GW_TRY(gw_read_u32(c, &m->start, "start function index", err));
	if (m->start >= gw_module_num_funcs(m))
		return gw_fail(err, GW_ERR_FORMAT, at, "start function index %u out of range", m->start);
	m->has_start = true;
	return GW_OK;
}

static void resolve_offset(gw_init *init, bool *known, uint64_t *value)
{
	*known = false;
	if (init->op == 0x41) {
		*known = true;
		*value = (uint32_t)init->value; /* i32 addresses are unsigned */
	} else if (init->op == 0x42) {
		*known = true;
		*value = init->value;
	}
}

static gw_status read_elems(gw_module *m, gw_cursor *c, gw_error *err)
{
	uint32_t n;
	GW_TRY(gw_read_u32(c, &n, "element segment count", err));
	m->elems = alloc_entries(c, n, 2, sizeof *m->elems, "element segment", err);
	if (!m->elems)
		return err->status;
	m->num_elems = n;
	uint64_t nfuncs = gw_module_num_funcs(m);
	for (uint32_t i = 0; i < n; i++) {
		gw_elem *e = &m->elems[i];
		size_t at = c->pos;
		GW_TRY(gw_read_u32(c, &e->flags, "element segment flags", err));
		if (e->flags > 7)
			return gw_fail(err, GW_ERR_FORMAT, at, "invalid element segment flags %u", e->flags);
		e->active = !(e->flags & 1);
		e->exprs = e->flags & 4;
		if (e->flags & 2 && e->active)
			GW_TRY(gw_read_u32(c, &e->table, "element table index", err));
		if (e->active) {
			GW_TRY(read_init(c, &e->offset, err));
			resolve_offset(&e->offset, &e->offset_known, &e->offset_value);
		}
		if (e->flags & 3) {
			uint8_t kind;
			size_t kat = c->pos;
			GW_TRY(gw_read_u8(c, &kind, e->exprs ? "element reference type" : "element kind", err));
			if (e->exprs ? !reftype_ok(kind) : kind != 0)
				return gw_fail(err, GW_ERR_FORMAT, kat, "invalid element kind 0x%02x", kind);
		}
		GW_TRY(gw_read_u32(c, &e->count, "element count", err));
		if (e->count > gw_cursor_left(c))
			return gw_fail(err, GW_ERR_FORMAT, c->pos, "element count %u is larger than its section can hold",
			               e->count);
		e->items_offset = c->pos;
		for (uint32_t k = 0; k < e->count; k++) {
			size_t iat = c->pos;
			if (e->exprs) {
				gw_init init;
				GW_TRY(read_init(c, &init, err));
				if (init.op == 0xd2 && init.value >= nfuncs)
					return gw_fail(err, GW_ERR_FORMAT, iat, "ref.func index %llu out of range",
					               (unsigned long long)init.value);
			} else {
				uint32_t f;
				GW_TRY(gw_read_u32(c, &f, "element function index", err));
				if (f >= nfuncs)
					return gw_fail(err, GW_ERR_FORMAT, iat, "element function index %u out of range (%llu functions)",
					               f, (unsigned long long)nfuncs);
			}
		}
	}
	return GW_OK;
}

static gw_status read_code(gw_module *m, gw_cursor *c, gw_error *err)
{
	size_t at = c->pos;
	uint32_t n;
	GW_TRY(gw_read_u32(c, &n, "code count", err));
	if (n != m->num_funcs)
		return gw_fail(err, GW_ERR_FORMAT, at, "code section has %u bodies but the function section declares %u",
		               n, m->num_funcs);
	m->have_code_section = true;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t size;
		size_t bat = c->pos;
		GW_TRY(gw_read_u32(c, &size, "function body size", err));
		if (size == 0)
			return gw_fail(err, GW_ERR_FORMAT, bat, "function body %u is empty", i);
		m->funcs[i].entry_offset = bat;
		m->funcs[i].body_offset = c->pos;
		m->funcs[i].body_size = size;
		const uint8_t *p;
		GW_TRY(gw_read_bytes(c, size, &p, "function body", err));
	}
	return GW_OK;
}

static gw_status read_datas(gw_module *m, gw_cursor *c, gw_error *err)
{
	size_t at = c->pos;
	uint32_t n;
	GW_TRY(gw_read_u32(c, &n, "data segment count", err));
	if (m->has_data_count && n != m->data_count)
		return gw_fail(err, GW_ERR_FORMAT, at, "data section has %u segments but datacount says %u",
		               n, m->data_count);
	m->datas = alloc_entries(c, n, 2, sizeof *m->datas, "data segment", err);
	if (!m->datas)
		return err->status;
	m->num_datas = n;
	uint32_t nmem = m->num_memory_imports + m->num_memories;
	for (uint32_t i = 0; i < n; i++) {
		gw_data *d = &m->datas[i];
		size_t sat = c->pos;
		GW_TRY(gw_read_u32(c, &d->flags, "data segment flags", err));
		if (d->flags > 2)
			return gw_fail(err, GW_ERR_FORMAT, sat, "invalid data segment flags %u", d->flags);
		d->active = d->flags != 1;
		if (d->flags == 2)
			GW_TRY(gw_read_u32(c, &d->memory, "data memory index", err));
		if (d->active) {
			if (d->memory >= nmem)
				return gw_fail(err, GW_ERR_FORMAT, sat, "data segment %u: memory index %u out of range", i, d->memory);
			GW_TRY(read_init(c, &d->offset, err));
			resolve_offset(&d->offset, &d->offset_known, &d->offset_value);
		}
		GW_TRY(gw_read_u32(c, &d->size, "data segment size", err));
		d->file_offset = c->pos;
		GW_TRY(gw_read_bytes(c, d->size, &d->bytes, "data segment", err));
	}
	return GW_OK;
}

/* qsort has no context argument in C11: sort (address, index) pairs. */
typedef struct { uint64_t addr; uint32_t index; } addr_index;

static bool addr_le(const addr_index *x, const addr_index *y)
{
	return x->addr < y->addr || (x->addr == y->addr && x->index <= y->index);
}

/* Natural merge sort: Go emits its segments as a few ascending runs (one
 * per data section), so merging runs is linear in practice and never
 * worse than n log n. */
static bool sort_by_addr(addr_index *v, uint32_t n)
{
	addr_index *tmp = malloc((n ? n : 1) * sizeof *tmp);
	if (!tmp)
		return false;
	for (;;) {
		uint32_t runs = 0, i = 0;
		while (i < n) {
			uint32_t a = i, mid = i + 1;
			while (mid < n && addr_le(&v[mid - 1], &v[mid]))
				mid++;
			uint32_t end = mid;
			if (end < n) {
				end++;
				while (end < n && addr_le(&v[end - 1], &v[end]))
					end++;
			}
			/* Merge [a, mid) and [mid, end) into tmp. */
			uint32_t x = a, y = mid, k = a;
			while (x < mid && y < end)
				tmp[k++] = addr_le(&v[x], &v[y]) ? v[x++] : v[y++];
			while (x < mid)
				tmp[k++] = v[x++];
			while (y < end)
				tmp[k++] = v[y++];
			runs++;
			i = end;
		}
		memcpy(v, tmp, n * sizeof *v);
		if (runs <= 1)
			break;
	}
	free(tmp);
	return true;
}

static gw_status index_datas(gw_module *m, gw_error *err)
{
	uint32_t k = 0;
	for (uint32_t i = 0; i < m->num_datas; i++)
		if (m->datas[i].active && m->datas[i].memory == 0 && m->datas[i].offset_known)
			k++;
	addr_index *v = malloc((k ? k : 1) * sizeof *v);
	m->data_by_addr = malloc((k ? k : 1) * sizeof *m->data_by_addr);
	if (!v || !m->data_by_addr) {
		free(v);
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory indexing data segments");
	}
	k = 0;
	bool sorted = true;
	for (uint32_t i = 0; i < m->num_datas; i++) {
		const gw_data *d = &m->datas[i];
		if (!(d->active && d->memory == 0 && d->offset_known))
			continue;
		v[k].addr = d->offset_value;
		v[k].index = i;
		if (k && v[k - 1].addr > v[k].addr)
			sorted = false;
		k++;
	}
	if (!sorted && !sort_by_addr(v, k)) {
		free(v);
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory sorting data segments");
	}
	for (uint32_t i = 0; i < k; i++) {
		m->data_by_addr[i] = v[i].index;
		if (i) {
			const gw_data *p = &m->datas[v[i - 1].index];
			if (p->offset_value + p->size > v[i].addr)
				m->data_overlap = true;
		}
	}
	m->num_data_by_addr = k;
	free(v);
	return GW_OK;
}

/* How many segments (in address order) start at or before addr. */
static uint32_t segments_up_to(const gw_module *m, uint64_t addr)
{
	uint32_t lo = 0, hi = m->num_data_by_addr;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (m->datas[m->data_by_addr[mid]].offset_value <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const gw_data *gw_module_data_at(const gw_module *m, uint64_t addr)
{
	uint32_t lo = segments_up_to(m, addr);
	if (lo == 0)
		return NULL;
	const gw_data *d = &m->datas[m->data_by_addr[lo - 1]];
	if (addr - d->offset_value < d->size)
		return d;
	/* Only overlapping segments (never Go's output) can hide a covering
	 * segment behind one that starts later: look further back. */
	for (uint32_t i = lo - 1; m->data_overlap && i-- > 0;) {
		d = &m->datas[m->data_by_addr[i]];
		if (addr - d->offset_value < d->size)
			return d;
	}
	return NULL;
}

const uint8_t *gw_module_mem(const gw_module *m, uint64_t addr, uint64_t len)
{
	const gw_data *d = gw_module_data_at(m, addr);
	if (!d)
		return NULL;
	uint64_t off = addr - d->offset_value;
	if (len > d->size - off)
		return NULL;
	return d->bytes + off;
}

const gw_limits *gw_module_memory0(const gw_module *m)
{
	for (uint32_t i = 0; i < m->num_imports; i++)
		if (m->imports[i].kind == GW_EXT_MEMORY)
			return &m->imports[i].limits;
	return m->num_memories ? &m->memories[0] : NULL;
}

const gw_export *gw_module_export(const gw_module *m, const char *name, uint8_t kind)
{
	for (uint32_t i = 0; i < m->num_exports; i++)
		if ((kind == 0xff || m->exports[i].kind == kind) && gw_str_eq(m->exports[i].name, name))
			return &m->exports[i];
	return NULL;
}

uint64_t gw_module_memory_size(const gw_module *m)
{
	return m->memory_size;
}

bool gw_module_read_memory(const gw_module *m, uint64_t addr, void *dst, uint64_t len)
{
	uint64_t size = gw_module_memory_size(m);
	if (addr > size || len > size - addr)
		return false;
	uint8_t *out = dst;
	const uint8_t *whole = len ? gw_module_mem(m, addr, len) : NULL;
	if (whole) {
		memcpy(out, whole, len);
		return true;
	}
	memset(out, 0, len);
	if (!len)
		return true;
	uint64_t end = addr + len;
	/* First segment that could overlap: the last one starting at or
	 * before addr, then every later one starting before end. */
	uint32_t lo = segments_up_to(m, addr);
	for (uint32_t i = lo ? lo - 1 : 0; i < m->num_data_by_addr; i++) {
		const gw_data *d = &m->datas[m->data_by_addr[i]];
		if (d->offset_value >= end)
			break;
		uint64_t s = d->offset_value > addr ? d->offset_value : addr;
		uint64_t e = d->offset_value + d->size < end ? d->offset_value + d->size : end;
		if (s < e)
			memcpy(out + (s - addr), d->bytes + (s - d->offset_value), e - s);
	}
	return true;
}

/* The "name" custom section. Its errors do not make the module invalid
 * (custom sections are not validated by engines); they are recorded so
 * that integrity checks can report them. */
static gw_status read_names(gw_module *m, const gw_section *s, gw_error *err)
{
	gw_cursor c = gw_cursor_make(m->bytes, s->offset, s->offset + s->size);
	/* Skip the section's own name. */
	uint32_t nlen;
	const uint8_t *np;
	GW_TRY(gw_read_name(&c, &np, &nlen, false, "section name", err));
	uint32_t total = gw_module_num_funcs(m);
	int last_id = -1;
	while (c.pos < c.end) {
		size_t at = c.pos;
		uint8_t id;
		uint32_t size;
		GW_TRY(gw_read_u8(&c, &id, "name subsection id", err));
		GW_TRY(gw_read_u32(&c, &size, "name subsection size", err));
		if (size > gw_cursor_left(&c))
			return gw_fail(err, GW_ERR_FORMAT, at, "name subsection %u runs past the section end", id);
		if ((int)id <= last_id && id <= 2)
			return gw_fail(err, GW_ERR_FORMAT, at, "name subsection %u out of order or repeated", id);
		if (id > last_id)
			last_id = id;
		gw_cursor sub = gw_cursor_make(m->bytes, c.pos, c.pos + size);
		c.pos += size;
		if (id == 0) {
			GW_TRY(gw_read_name(&sub, &m->module_name.p, &m->module_name.len, true, "module name", err));
		} else if (id == 1) {
			uint32_t n;
			GW_TRY(gw_read_u32(&sub, &n, "function name count", err));
			if (n > gw_cursor_left(&sub) / 2)
				return gw_fail(err, GW_ERR_FORMAT, sub.pos, "function name count %u too large for its subsection", n);
			if (!m->func_names) {
				m->func_names = calloc(total ? total : 1, sizeof *m->func_names);
				if (!m->func_names)
					return gw_fail(err, GW_ERR_NOMEM, sub.pos, "out of memory for names");
			}
			int64_t prev = -1;
			for (uint32_t i = 0; i < n; i++) {
				size_t eat = sub.pos;
				uint32_t idx;
				gw_str name;
				GW_TRY(gw_read_u32(&sub, &idx, "function index in name map", err));
				GW_TRY(gw_read_name(&sub, &name.p, &name.len, true, "function name", err));
				if (idx >= total)
					return gw_fail(err, GW_ERR_FORMAT, eat, "name for function %u, which does not exist (%u functions)",
					               idx, total);
				if ((int64_t)idx <= prev)
					return gw_fail(err, GW_ERR_FORMAT, eat, "function name map not sorted or has a duplicate (index %u)",
					               idx);
				prev = idx;
				m->func_names[idx] = name;
				m->num_named_funcs++;
			}
			if (sub.pos != sub.end)
				return gw_fail(err, GW_ERR_FORMAT, sub.pos, "trailing bytes in function name subsection");
		}
		/* Other subsections (locals, labels, types...) are not needed. */
	}
	return GW_OK;
}

/* Standard sections must appear in this order (datacount and tag sit
 * between others, so ids do not give the order directly). */
static int section_rank(uint8_t id)
{
	static const int rank[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6 };
	return id < sizeof rank / sizeof rank[0] ? rank[id] : -1;
}

static gw_status add_section(gw_module *m, uint32_t *cap, const gw_section *s, gw_error *err)
{
	if (GW_ARRAY_RESERVE(m->sections, *cap, m->num_sections + 1, 16))
		return gw_fail(err, GW_ERR_NOMEM, s->header_offset, "out of memory for sections");
	m->sections[m->num_sections++] = *s;
	return GW_OK;
}

static gw_status parse(gw_module *m, gw_error *err)
{
	gw_cursor c = gw_cursor_make(m->bytes, 0, m->size);
	uint32_t magic;
	if (m->size < 4 || memcmp(m->bytes, "\0asm", 4) != 0)
		return gw_fail(err, GW_ERR_FORMAT, 0, "not a WebAssembly module (no \\0asm magic)");
	GW_TRY(gw_read_u32le(&c, &magic, "magic", err));
	GW_TRY(gw_read_u32le(&c, &m->version, "version", err));
	if (m->version != 1)
		return gw_fail(err, GW_ERR_UNSUPPORTED, 4, "unsupported wasm binary version %u (expected 1)", m->version);

	uint32_t cap = 0;
	int last_rank = 0;
	while (c.pos < c.end) {
		gw_section s = { 0 };
		s.header_offset = c.pos;
		uint32_t size;
		GW_TRY(gw_read_u8(&c, &s.id, "section id", err));
		if (s.id >= GW_SEC_MAX)
			return gw_fail(err, GW_ERR_FORMAT, s.header_offset, "unknown section id %u", s.id);
		GW_TRY(gw_read_u32(&c, &size, "section size", err));
		s.offset = c.pos;
		s.size = size;
		if (size > gw_cursor_left(&c))
			return gw_fail(err, GW_ERR_FORMAT, s.header_offset,
			               "%s section of %u bytes runs past the end of the file (%zu bytes left)",
			               gw_section_name(s.id), size, gw_cursor_left(&c));
		gw_cursor sc = gw_cursor_make(m->bytes, s.offset, s.offset + size);
		if (s.id == GW_SEC_CUSTOM) {
			GW_TRY(gw_read_name(&sc, &s.name.p, &s.name.len, true, "custom section name", err));
		} else {
			int rank = section_rank(s.id);
			if (rank <= last_rank)
				return gw_fail(err, GW_ERR_FORMAT, s.header_offset, "%s section out of order or repeated",
				               gw_section_name(s.id));
			last_rank = rank;
			gw_status st = GW_OK;
			switch (s.id) {
			case GW_SEC_TYPE: st = read_types(m, &sc, err); s.count = m->num_types; break;
			case GW_SEC_IMPORT: st = read_imports(m, &sc, err); s.count = m->num_imports; break;
			case GW_SEC_FUNCTION: st = read_functions(m, &sc, err); s.count = m->num_funcs; break;
			case GW_SEC_TABLE: st = read_tables(m, &sc, err); s.count = m->num_tables; break;
			case GW_SEC_MEMORY: st = read_memories(m, &sc, err); s.count = m->num_memories; break;
			case GW_SEC_GLOBAL: st = read_globals(m, &sc, err); s.count = m->num_globals; break;
			case GW_SEC_EXPORT: st = read_exports(m, &sc, err); s.count = m->num_exports; break;
			case GW_SEC_START: st = read_start(m, &sc, err); break;
			case GW_SEC_ELEM: st = read_elems(m, &sc, err); s.count = m->num_elems; break;
			case GW_SEC_CODE: st = read_code(m, &sc, err); s.count = m->num_funcs; break;
			case GW_SEC_DATA: st = read_datas(m, &sc, err); s.count = m->num_datas; break;
			case GW_SEC_DATACOUNT:
				st = gw_read_u32(&sc, &m->data_count, "data count", err);
				m->has_data_count = true;
				s.count = m->data_count;
				break;
			case GW_SEC_TAG: {
				uint32_t n;
				st = gw_read_u32(&sc, &n, "tag count", err);
				s.count = n;
				sc.pos = sc.end; /* tags are recorded, not decoded */
				break;
			}
			}
			if (st)
				return st;
			if (sc.pos != sc.end)
				return gw_fail(err, GW_ERR_FORMAT, sc.pos, "%s section has %zu trailing bytes",
				               gw_section_name(s.id), sc.end - sc.pos);
		}
		if (m->num_sections == GW_MAX_SECTIONS)
			return gw_fail(err, GW_ERR_LIMIT, s.header_offset,
			               "more than %u sections (real modules have a few dozen at most)", GW_MAX_SECTIONS);
		GW_TRY(add_section(m, &cap, &s, err));
		c.pos = s.offset + size;
	}
	if (m->num_funcs && !m->have_code_section)
		return gw_fail(err, GW_ERR_FORMAT, m->size, "function section declares %u functions but there is no code section",
		               m->num_funcs);
	if (m->has_data_count && !gw_module_section(m, GW_SEC_DATA) && m->data_count)
		return gw_fail(err, GW_ERR_FORMAT, m->size, "datacount is %u but there is no data section", m->data_count);
	GW_TRY(index_datas(m, err));
	const gw_limits *mem0 = gw_module_memory0(m);
	m->memory_size = mem0 ? mem0->min * 65536 : 0;

	const gw_section *names = gw_module_custom_section(m, "name");
	if (names) {
		m->has_names = true;
		gw_error_clear(&m->names_error);
		if (read_names(m, names, &m->names_error) != GW_OK) {
			m->names_malformed = true;
			if (m->names_error.status == GW_ERR_NOMEM)
				return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
		}
	}
	return GW_OK;
}

gw_status gw_module_parse(const uint8_t *bytes, size_t size, gw_module **out, gw_error *err)
{
	*out = NULL;
	gw_module *m = calloc(1, sizeof *m);
	if (!m)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	m->bytes = bytes;
	m->size = size;
	gw_status s = parse(m, err);
	if (s != GW_OK) {
		gw_module_free(m);
		return s;
	}
	*out = m;
	return GW_OK;
}

void gw_module_free(gw_module *m)
{
	if (!m)
		return;
	free(m->sections);
	free(m->types);
	free(m->imports);
	free(m->func_imports);
	free(m->funcs);
	free(m->tables);
	free(m->memories);
	free(m->globals);
	free(m->exports);
	free(m->elems);
	free(m->datas);
	free(m->data_by_addr);
	free(m->func_names);
	free(m);
}

const gw_section *gw_module_custom_section(const gw_module *m, const char *name)
{
	for (uint32_t i = 0; i < m->num_sections; i++)
		if (m->sections[i].id == GW_SEC_CUSTOM && gw_str_eq(m->sections[i].name, name))
			return &m->sections[i];
	return NULL;
}

const gw_section *gw_module_section(const gw_module *m, uint8_t id)
{
	for (uint32_t i = 0; i < m->num_sections; i++)
		if (m->sections[i].id == id)
			return &m->sections[i];
	return NULL;
}

const gw_import *gw_module_func_import(const gw_module *m, uint32_t func_index)
{
	if (func_index >= m->num_func_imports)
		return NULL;
	return &m->imports[m->func_imports[func_index]];
}

const gw_func *gw_module_defined_func(const gw_module *m, uint32_t func_index)
{
	if (func_index < m->num_func_imports || func_index - m->num_func_imports >= m->num_funcs)
		return NULL;
	return &m->funcs[func_index - m->num_func_imports];
}

const gw_functype *gw_module_func_type(const gw_module *m, uint32_t func_index)
{
	uint32_t t;
	if (func_index < m->num_func_imports) {
		const gw_import *im = gw_module_func_import(m, func_index);
		if (!im)
			return NULL;
		t = im->type_index;
	} else {
		const gw_func *f = gw_module_defined_func(m, func_index);
		if (!f)
			return NULL;
		t = f->type_index;
	}
	return t < m->num_types ? &m->types[t] : NULL;
}

gw_str gw_module_func_name(const gw_module *m, uint32_t func_index)
{
	gw_str none = { NULL, 0 };
	if (!m->func_names || func_index >= gw_module_num_funcs(m))
		return none;
	return m->func_names[func_index];
}
