/* SPDX-License-Identifier: MIT */
/* gw_module_parse on modules built byte by byte: every section kind and
 * its fields, the error offsets of malformed input, the name section's
 * soft errors, truncation at every byte, and hostile counts. */
#include <stdlib.h>
#include <string.h>

#include "gwtest.h"
#include "wasm/leb128.h"

/* Appends `payload` as section `id`, empties it for the next section, and
 * returns the offset of its first byte in `b`. */
static size_t flush(wb *b, uint8_t id, wb *payload)
{
	size_t at = wb_section(b, id, payload);
	wb_reset(payload);
	return at;
}

/* A name subsection: id, size, content. Empties `content`. Returns the
 * offset of the content within `p`. */
static size_t subsection(wb *p, uint8_t id, wb *content)
{
	wb_u8(p, id);
	wb_u32(p, (uint32_t)content->len);
	size_t at = p->len;
	wb_bytes(p, content->data, content->len);
	wb_reset(content);
	return at;
}

static void end_(wb *p)
{
	wb_u8(p, 0x0b);
}

static void i32_const(wb *p, int32_t v)
{
	wb_u8(p, 0x41);
	wb_s32(p, v);
	end_(p);
}

static void export_(wb *p, const char *name, uint8_t kind, uint32_t index)
{
	wb_name(p, name);
	wb_u8(p, kind);
	wb_u32(p, index);
}

/* ------------------------------------------------------------------ */
/* The full module: every section kind, custom sections in three places. */

typedef struct full_layout {
	size_t import_offset[4];
	size_t export_offset[5];
	size_t elem_items[8];
	size_t body_offset[3];
	uint32_t body_size[3];
	size_t data_bytes[3];
	size_t first_payload, last_payload;
} full_layout;

static void build_full(wb *b, full_layout *L)
{
	wb p, c;
	wb_init(&p);
	wb_init(&c);
	size_t rel[8], at;

	wb_header(b);

	wb_name(&p, "first");
	wb_bytes(&p, "\x01\x02", 2);
	L->first_payload = flush(b, WB_SEC_CUSTOM, &p);

	wb_u32(&p, 4);
	wb_functype(&p, "i", "");
	wb_functype(&p, "", "iI");
	wb_functype(&p, "fF", "F");
	wb_functype(&p, "", "");
	flush(b, WB_SEC_TYPE, &p);

	wb_u32(&p, 4);
	rel[0] = p.len;
	wb_name(&p, "env"); wb_name(&p, "f0"); wb_u8(&p, 0); wb_u32(&p, 0);
	rel[1] = p.len;
	wb_name(&p, "env"); wb_name(&p, "tab"); wb_u8(&p, 1); wb_u8(&p, 0x70); wb_u8(&p, 0); wb_u32(&p, 1);
	rel[2] = p.len;
	wb_name(&p, "env"); wb_name(&p, "g"); wb_u8(&p, 3); wb_u8(&p, 0x7f); wb_u8(&p, 0);
	rel[3] = p.len;
	wb_name(&p, "env"); wb_name(&p, "f1"); wb_u8(&p, 0); wb_u32(&p, 1);
	at = flush(b, WB_SEC_IMPORT, &p);
	for (int i = 0; i < 4; i++)
		L->import_offset[i] = at + rel[i];

	/* Functions 2, 3, 4. */
	wb_u32(&p, 3);
	wb_u32(&p, 0);
	wb_u32(&p, 1);
	wb_u32(&p, 3);
	flush(b, WB_SEC_FUNCTION, &p);

	/* Table 1 (table 0 is imported). */
	wb_u32(&p, 1);
	wb_u8(&p, 0x70); wb_u8(&p, 1); wb_u32(&p, 2); wb_u32(&p, 10);
	flush(b, WB_SEC_TABLE, &p);

	wb_u32(&p, 1);
	wb_u8(&p, 1); wb_u32(&p, 1); wb_u32(&p, 3);
	flush(b, WB_SEC_MEMORY, &p);

	/* Globals 1..7 (global 0 is imported). */
	wb_u32(&p, 7);
	wb_u8(&p, 0x7f); wb_u8(&p, 1); i32_const(&p, -5);
	wb_u8(&p, 0x7e); wb_u8(&p, 0); wb_u8(&p, 0x42); wb_s64(&p, 0x123456789ll); end_(&p);
	wb_u8(&p, 0x7d); wb_u8(&p, 0); wb_u8(&p, 0x43); wb_u32le(&p, 0x3f800000); end_(&p);
	wb_u8(&p, 0x7c); wb_u8(&p, 1); wb_u8(&p, 0x44); wb_u64le(&p, 0x400921fb54442d18ull); end_(&p);
	wb_u8(&p, 0x7f); wb_u8(&p, 0); wb_u8(&p, 0x23); wb_u32(&p, 0); end_(&p);
	wb_u8(&p, 0x70); wb_u8(&p, 0); wb_u8(&p, 0xd2); wb_u32(&p, 2); end_(&p);
	wb_u8(&p, 0x6f); wb_u8(&p, 0); wb_u8(&p, 0xd0); wb_u8(&p, 0x6f); end_(&p);
	flush(b, WB_SEC_GLOBAL, &p);

	wb_u32(&p, 5);
	rel[0] = p.len; export_(&p, "run", 0, 2);
	rel[1] = p.len; export_(&p, "mem", 2, 0);
	rel[2] = p.len; export_(&p, "tab", 1, 1);
	rel[3] = p.len; export_(&p, "g", 3, 1);
	rel[4] = p.len; export_(&p, "imp", 0, 0);
	at = flush(b, WB_SEC_EXPORT, &p);
	for (int i = 0; i < 5; i++)
		L->export_offset[i] = at + rel[i];

	wb_u32(&p, 4);
	flush(b, WB_SEC_START, &p);

	wb_name(&p, "middle");
	wb_str(&p, "mid");
	flush(b, WB_SEC_CUSTOM, &p);

	/* Element segments with flags 0..7. */
	wb_u32(&p, 8);
	wb_u32(&p, 0); i32_const(&p, 1); wb_u32(&p, 2);
	rel[0] = p.len; wb_u32(&p, 2); wb_u32(&p, 3);
	wb_u32(&p, 1); wb_u8(&p, 0); wb_u32(&p, 1);
	rel[1] = p.len; wb_u32(&p, 4);
	wb_u32(&p, 2); wb_u32(&p, 1); i32_const(&p, 0); wb_u8(&p, 0); wb_u32(&p, 3);
	rel[2] = p.len; wb_u32(&p, 0); wb_u32(&p, 1); wb_u32(&p, 2);
	wb_u32(&p, 3); wb_u8(&p, 0); wb_u32(&p, 1);
	rel[3] = p.len; wb_u32(&p, 1);
	wb_u32(&p, 4); i32_const(&p, 2); wb_u32(&p, 2);
	rel[4] = p.len; wb_u8(&p, 0xd2); wb_u32(&p, 2); end_(&p); wb_u8(&p, 0xd0); wb_u8(&p, 0x70); end_(&p);
	wb_u32(&p, 5); wb_u8(&p, 0x70); wb_u32(&p, 1);
	rel[5] = p.len; wb_u8(&p, 0xd2); wb_u32(&p, 3); end_(&p);
	wb_u32(&p, 6); wb_u32(&p, 1); wb_u8(&p, 0x23); wb_u32(&p, 0); end_(&p); wb_u8(&p, 0x70); wb_u32(&p, 2);
	rel[6] = p.len; wb_u8(&p, 0xd2); wb_u32(&p, 4); end_(&p); wb_u8(&p, 0xd2); wb_u32(&p, 0); end_(&p);
	wb_u32(&p, 7); wb_u8(&p, 0x70); wb_u32(&p, 1);
	rel[7] = p.len; wb_u8(&p, 0xd2); wb_u32(&p, 1); end_(&p);
	at = flush(b, WB_SEC_ELEM, &p);
	for (int i = 0; i < 8; i++)
		L->elem_items[i] = at + rel[i];

	wb_u32(&p, 3);
	flush(b, WB_SEC_DATACOUNT, &p);

	static const uint8_t body0[] = { 0x01, 0x02, 0x7f, 0x20, 0x00, 0x1a, 0x0b };
	static const uint8_t body1[] = { 0x00, 0x41, 0x01, 0x42, 0x02, 0x0b };
	static const uint8_t body2[] = { 0x02, 0x01, 0x7e, 0x03, 0x7d, 0x41, 0x00, 0x10, 0x02, 0x0b };
	const uint8_t *bodies[3] = { body0, body1, body2 };
	const uint32_t sizes[3] = { sizeof body0, sizeof body1, sizeof body2 };
	wb_u32(&p, 3);
	for (int i = 0; i < 3; i++) {
		wb_u32(&p, sizes[i]);
		rel[i] = p.len;
		wb_bytes(&p, bodies[i], sizes[i]);
	}
	at = flush(b, WB_SEC_CODE, &p);
	for (int i = 0; i < 3; i++) {
		L->body_offset[i] = at + rel[i];
		L->body_size[i] = sizes[i];
	}

	wb_u32(&p, 3);
	wb_u32(&p, 0); i32_const(&p, 1024); wb_u32(&p, 5);
	rel[0] = p.len; wb_str(&p, "hello");
	wb_u32(&p, 1); wb_u32(&p, 3);
	rel[1] = p.len; wb_str(&p, "xyz");
	wb_u32(&p, 2); wb_u32(&p, 0); i32_const(&p, 16); wb_u32(&p, 10);
	rel[2] = p.len; wb_str(&p, "0123456789");
	at = flush(b, WB_SEC_DATA, &p);
	for (int i = 0; i < 3; i++)
		L->data_bytes[i] = at + rel[i];

	wb_name(&p, "name");
	wb_name(&c, "full");
	subsection(&p, 0, &c);
	wb_u32(&c, 3);
	wb_u32(&c, 0); wb_name(&c, "imp0");
	wb_u32(&c, 2); wb_name(&c, "main");
	wb_u32(&c, 4); wb_name(&c, "start");
	subsection(&p, 1, &c);
	wb_u32(&c, 0); /* local names: none; skipped by the reader */
	subsection(&p, 2, &c);
	flush(b, WB_SEC_CUSTOM, &p);

	wb_name(&p, "last");
	L->last_payload = flush(b, WB_SEC_CUSTOM, &p);

	wb_free(&p);
	wb_free(&c);
}

static void test_full(void)
{
	wb b;
	wb_init(&b);
	full_layout L;
	build_full(&b, &L);
	gwt_mod t;
	if (!ok(gwt_parse_wb(&t, &b) == GW_OK, "full module parses (%s)", t.err.msg)) {
		gwt_free(&t);
		wb_free(&b);
		return;
	}
	const gw_module *m = t.m;
	is_uint(m->version, 1, "version");
	is_uint(m->size, b.len, "size");

	/* Sections: ids, offsets and sizes as written. */
	static const uint8_t ids[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 9, 12, 10, 11, 0, 0 };
	static const uint32_t counts[] = { 0, 4, 4, 3, 1, 1, 7, 5, 0, 0, 8, 3, 3, 3, 0, 0 };
	is_uint(m->num_sections, sizeof ids, "16 sections");
	is_uint(b.num_sections, sizeof ids, "builder wrote 16 sections");
	for (uint32_t i = 0; i < m->num_sections && i < sizeof ids; i++) {
		const gw_section *s = &m->sections[i];
		const wb_section_rec *r = &b.sections[i];
		ok(s->id == ids[i] && s->header_offset == r->header_offset && s->offset == r->offset &&
		   s->size == r->end - r->offset && s->count == counts[i],
		   "section %u: %s at %zu, payload %zu+%zu, count %u", i, gw_section_name(ids[i]),
		   r->header_offset, r->offset, r->end - r->offset, counts[i]);
	}
	const gw_section *first = gw_module_custom_section(m, "first");
	ok(first && first->offset == L.first_payload && first->size == 8, "custom section \"first\" found");
	if (first) {
		is_gwstr(first->name, "first", "custom section name");
		is_mem(first->name.p, 5, t.bytes + L.first_payload + 1, 5, "custom name points into the input");
	}
	const gw_section *last = gw_module_custom_section(m, "last");
	ok(last && last->offset == L.last_payload && last->size == 5, "empty custom section \"last\" at the end");
	ok(gw_module_custom_section(m, "middle") != NULL, "custom section between start and elem");
	ok(gw_module_custom_section(m, "nope") == NULL, "missing custom section is NULL");
	ok(gw_module_custom_section(m, "firs") == NULL, "custom section lookup is exact, not a prefix");
	ok(gw_module_section(m, GW_SEC_CODE) == &m->sections[12], "gw_module_section finds code");
	ok(gw_module_section(m, GW_SEC_TAG) == NULL, "no tag section");

	/* Types. */
	is_uint(m->num_types, 4, "4 types");
	if (m->num_types == 4) {
		ok(m->types[0].nparams == 1 && m->types[0].params[0] == GW_I32 && m->types[0].nresults == 0,
		   "type 0: (i32) -> ()");
		ok(m->types[1].nparams == 0 && m->types[1].nresults == 2 && m->types[1].results[0] == GW_I32 &&
		   m->types[1].results[1] == GW_I64, "type 1: () -> (i32 i64)");
		ok(m->types[2].nparams == 2 && m->types[2].params[0] == GW_F32 && m->types[2].params[1] == GW_F64 &&
		   m->types[2].nresults == 1 && m->types[2].results[0] == GW_F64, "type 2: (f32 f64) -> (f64)");
		ok(m->types[3].nparams == 0 && m->types[3].nresults == 0, "type 3: () -> ()");
	}

	/* Imports and index spaces. */
	is_uint(m->num_imports, 4, "4 imports");
	is_uint(m->num_func_imports, 2, "2 function imports");
	is_uint(m->num_table_imports, 1, "1 table import");
	is_uint(m->num_memory_imports, 0, "0 memory imports");
	is_uint(m->num_global_imports, 1, "1 global import");
	if (m->num_imports == 4) {
		const gw_import *im = m->imports;
		is_gwstr(im[0].module, "env", "import 0 module");
		is_gwstr(im[0].field, "f0", "import 0 field");
		ok(im[0].kind == GW_EXT_FUNC && im[0].type_index == 0 && im[0].index == 0, "import 0: func 0, type 0");
		ok(im[1].kind == GW_EXT_TABLE && im[1].valtype == GW_FUNCREF && im[1].index == 0 &&
		   im[1].limits.min == 1 && !im[1].limits.has_max, "import 1: table 0, funcref, min 1");
		ok(im[2].kind == GW_EXT_GLOBAL && im[2].valtype == GW_I32 && !im[2].mutable_ && im[2].index == 0,
		   "import 2: global 0, const i32");
		ok(im[3].kind == GW_EXT_FUNC && im[3].type_index == 1 && im[3].index == 1, "import 3: func 1, type 1");
		for (int i = 0; i < 4; i++)
			is_uint(im[i].offset, L.import_offset[i], "import %d offset", i);
	}
	const gw_import *fi = gw_module_func_import(m, 1);
	ok(fi && fi == &m->imports[3], "func import 1 is the 4th import");
	ok(gw_module_func_import(m, 2) == NULL, "func 2 is not an import");

	/* Functions. */
	is_uint(m->num_funcs, 3, "3 defined functions");
	is_uint(gw_module_num_funcs(m), 5, "5 functions in all");
	ok(m->have_function_section && m->have_code_section, "function and code sections seen");
	if (m->num_funcs == 3) {
		static const uint32_t types[] = { 0, 1, 3 };
		for (int i = 0; i < 3; i++)
			ok(m->funcs[i].type_index == types[i] && m->funcs[i].body_offset == L.body_offset[i] &&
			   m->funcs[i].body_size == L.body_size[i],
			   "function %d: type %u, body at %zu size %u", i + 2, types[i], L.body_offset[i], L.body_size[i]);
	}
	ok(gw_module_defined_func(m, 2) == &m->funcs[0], "defined func 2 is funcs[0]");
	ok(gw_module_defined_func(m, 4) == &m->funcs[2], "defined func 4 is funcs[2]");
	ok(gw_module_defined_func(m, 1) == NULL, "imported func has no body");
	ok(gw_module_defined_func(m, 5) == NULL, "func 5 does not exist");
	ok(gw_module_defined_func(m, UINT32_MAX) == NULL, "func 2^32-1 does not exist");
	ok(gw_module_func_type(m, 0) == &m->types[0], "type of import func 0");
	ok(gw_module_func_type(m, 1) == &m->types[1], "type of import func 1");
	ok(gw_module_func_type(m, 3) == &m->types[1], "type of defined func 3");
	ok(gw_module_func_type(m, 4) == &m->types[3], "type of defined func 4");
	ok(gw_module_func_type(m, 5) == NULL, "no type for func 5");

	/* Tables and memories. */
	is_uint(m->num_tables, 1, "1 defined table");
	if (m->num_tables == 1)
		ok(m->tables[0].reftype == GW_FUNCREF && m->tables[0].limits.has_max && m->tables[0].limits.min == 2 &&
		   m->tables[0].limits.max == 10, "table: funcref 2..10");
	is_uint(m->num_memories, 1, "1 memory");
	if (m->num_memories == 1)
		ok(m->memories[0].has_max && m->memories[0].min == 1 && m->memories[0].max == 3 &&
		   !m->memories[0].shared && !m->memories[0].is64, "memory: 1..3 pages");

	/* Globals and their initialisers. */
	is_uint(m->num_globals, 7, "7 defined globals");
	if (m->num_globals == 7) {
		const gw_global *g = m->globals;
		ok(g[0].valtype == GW_I32 && g[0].mutable_ && g[0].init.op == 0x41 &&
		   g[0].init.value == (uint64_t)(int64_t)-5, "global 1: mut i32 = -5 (sign-extended)");
		ok(g[1].valtype == GW_I64 && !g[1].mutable_ && g[1].init.op == 0x42 && g[1].init.value == 0x123456789ull,
		   "global 2: i64 = 0x123456789");
		ok(g[2].valtype == GW_F32 && g[2].init.op == 0x43 && g[2].init.value == 0x3f800000, "global 3: f32 bits");
		ok(g[3].valtype == GW_F64 && g[3].mutable_ && g[3].init.op == 0x44 &&
		   g[3].init.value == 0x400921fb54442d18ull, "global 4: f64 bits");
		ok(g[4].init.op == 0x23 && g[4].init.value == 0, "global 5: global.get 0");
		ok(g[5].valtype == GW_FUNCREF && g[5].init.op == 0xd2 && g[5].init.value == 2, "global 6: ref.func 2");
		ok(g[6].valtype == GW_EXTERNREF && g[6].init.op == 0xd0 && g[6].init.value == GW_EXTERNREF,
		   "global 7: ref.null extern");
	}

	/* Exports. */
	is_uint(m->num_exports, 5, "5 exports");
	if (m->num_exports == 5) {
		static const char *const names[] = { "run", "mem", "tab", "g", "imp" };
		static const uint8_t kinds[] = { 0, 2, 1, 3, 0 };
		static const uint32_t idx[] = { 2, 0, 1, 1, 0 };
		for (int i = 0; i < 5; i++) {
			is_gwstr(m->exports[i].name, names[i], "export %d name", i);
			ok(m->exports[i].kind == kinds[i] && m->exports[i].index == idx[i] &&
			   m->exports[i].offset == L.export_offset[i], "export %s: %s %u at %zu", names[i],
			   gw_extern_kind_name(kinds[i]), idx[i], L.export_offset[i]);
		}
	}
	ok(m->has_start && m->start == 4, "start function 4");

	/* Element segments. */
	is_uint(m->num_elems, 8, "8 element segments");
	if (m->num_elems == 8) {
		const gw_elem *e = m->elems;
		for (uint32_t i = 0; i < 8; i++)
			ok(e[i].flags == i && e[i].items_offset == L.elem_items[i], "elem %u: flags %u, items at %zu", i, i,
			   L.elem_items[i]);
		ok(e[0].active && !e[0].exprs && e[0].table == 0 && e[0].offset_known && e[0].offset_value == 1 &&
		   e[0].count == 2, "elem 0: active table 0 at 1, 2 funcs");
		ok(!e[1].active && !e[1].exprs && e[1].count == 1, "elem 1: passive, 1 func");
		ok(e[2].active && e[2].table == 1 && e[2].offset_known && e[2].offset_value == 0 && e[2].count == 3,
		   "elem 2: active table 1 at 0, 3 funcs");
		ok(!e[3].active && e[3].count == 1, "elem 3: declarative, 1 func");
		ok(e[4].active && e[4].exprs && e[4].table == 0 && e[4].offset_value == 2 && e[4].count == 2,
		   "elem 4: active exprs at 2, 2 items");
		ok(!e[5].active && e[5].exprs && e[5].count == 1, "elem 5: passive exprs");
		ok(e[6].active && e[6].exprs && e[6].table == 1 && e[6].offset.op == 0x23 && !e[6].offset_known &&
		   e[6].count == 2, "elem 6: active exprs, table 1, offset global.get (unknown)");
		ok(!e[7].active && e[7].exprs && e[7].count == 1, "elem 7: declarative exprs");
	}

	ok(m->has_data_count && m->data_count == 3, "datacount 3");

	/* Data segments. */
	is_uint(m->num_datas, 3, "3 data segments");
	if (m->num_datas == 3) {
		const gw_data *d = m->datas;
		ok(d[0].flags == 0 && d[0].active && d[0].memory == 0 && d[0].offset_known && d[0].offset_value == 1024,
		   "data 0: active at 1024");
		is_mem(d[0].bytes, d[0].size, "hello", 5, "data 0 bytes");
		is_uint(d[0].file_offset, L.data_bytes[0], "data 0 file offset");
		ok(d[0].bytes == t.bytes + L.data_bytes[0], "data 0 points into the input");
		ok(d[1].flags == 1 && !d[1].active && !d[1].offset_known, "data 1: passive");
		is_mem(d[1].bytes, d[1].size, "xyz", 3, "data 1 bytes");
		is_uint(d[1].file_offset, L.data_bytes[1], "data 1 file offset");
		ok(d[2].flags == 2 && d[2].active && d[2].memory == 0 && d[2].offset_value == 16, "data 2: memory 0 at 16");
		is_mem(d[2].bytes, d[2].size, "0123456789", 10, "data 2 bytes");
		is_uint(d[2].file_offset, L.data_bytes[2], "data 2 file offset");
	}
	is_uint(m->num_data_by_addr, 2, "two active segments with known addresses");
	if (m->num_data_by_addr == 2)
		ok(m->data_by_addr[0] == 2 && m->data_by_addr[1] == 0, "sorted by address: data 2 (16), data 0 (1024)");
	ok(!m->data_overlap, "no overlap");
	ok(gw_module_data_at(m, 16) == &m->datas[2], "address 16 is in data 2");
	ok(gw_module_data_at(m, 1028) == &m->datas[0], "address 1028 is in data 0");
	ok(gw_module_data_at(m, 1029) == NULL, "address 1029 is past data 0");

	/* Initial memory as the engine lays it out: segment bytes, zeros between. */
	{
		uint8_t mem[20];
		uint64_t size = gw_module_memory_size(m);
		ok(size >= 2048, "memory 0 is at least 2 KiB (%llu)", (unsigned long long)size);
		ok(gw_module_read_memory(m, 14, mem, 14), "read_memory [14, 28)");
		is_mem(mem, 14, "\0\0" "0123456789" "\0\0", 14, "read_memory: zeros around data 2");
		ok(gw_module_read_memory(m, 1020, mem, 12), "read_memory [1020, 1032)");
		is_mem(mem, 12, "\0\0\0\0" "hello" "\0\0\0", 12, "read_memory: data 0 with zeros before and after");
		ok(gw_module_read_memory(m, size - 4, mem, 4), "read_memory: the last 4 bytes");
		ok(!gw_module_read_memory(m, size - 4, mem, 5), "read_memory: one byte past the end is refused");
		ok(!gw_module_read_memory(m, UINT64_MAX - 1, mem, 4), "read_memory: wrapping range is refused");
	}

	/* Names. */
	ok(m->has_names && !m->names_malformed, "name section read (%s)", m->names_error.msg);
	is_gwstr(m->module_name, "full", "module name");
	is_uint(m->num_named_funcs, 3, "3 named functions");
	is_gwstr(gw_module_func_name(m, 0), "imp0", "name of func 0");
	is_gwstr(gw_module_func_name(m, 2), "main", "name of func 2");
	is_gwstr(gw_module_func_name(m, 4), "start", "name of func 4");
	is_uint(gw_module_func_name(m, 1).len, 0, "func 1 has no name");
	is_uint(gw_module_func_name(m, 5).len, 0, "func 5 (out of range) has no name");

	gwt_free(&t);
	wb_free(&b);
}

/* Imports of all five kinds, with their own index spaces. */
static void test_imports(void)
{
	wb b, p;
	wb_init(&b);
	wb_init(&p);
	wb_header(&b);
	wb_u32(&p, 1);
	wb_functype(&p, "", "");
	flush(&b, WB_SEC_TYPE, &p);

	wb_u32(&p, 8);
	wb_name(&p, "a"); wb_name(&p, "f"); wb_u8(&p, 0); wb_u32(&p, 0);
	wb_name(&p, "a"); wb_name(&p, "m"); wb_u8(&p, 2); wb_u8(&p, 1); wb_u32(&p, 1); wb_u32(&p, 2);
	wb_name(&p, "a"); wb_name(&p, "t"); wb_u8(&p, 1); wb_u8(&p, 0x6f); wb_u8(&p, 1); wb_u32(&p, 0); wb_u32(&p, 5);
	wb_name(&p, "a"); wb_name(&p, "g"); wb_u8(&p, 3); wb_u8(&p, 0x7e); wb_u8(&p, 1);
	wb_name(&p, "b"); wb_name(&p, "f2"); wb_u8(&p, 0); wb_u32(&p, 0);
	wb_name(&p, "a"); wb_name(&p, "g2"); wb_u8(&p, 3); wb_u8(&p, 0x7d); wb_u8(&p, 0);
	wb_name(&p, "a"); wb_name(&p, "shared"); wb_u8(&p, 2); wb_u8(&p, 3); wb_u32(&p, 1); wb_u32(&p, 2);
	wb_name(&p, "a"); wb_name(&p, "tag"); wb_u8(&p, 4); wb_u8(&p, 0); wb_u32(&p, 0);
	flush(&b, WB_SEC_IMPORT, &p);

	wb_u32(&p, 1);
	wb_u32(&p, 0);
	flush(&b, WB_SEC_FUNCTION, &p);
	/* Memory 2: memory64 with a maximum past 4 GiB pages' 32-bit range. */
	wb_u32(&p, 1);
	wb_u8(&p, 5); wb_u32(&p, 2); wb_u64(&p, 0x100000000ull);
	flush(&b, WB_SEC_MEMORY, &p);
	wb_u32(&p, 1);
	wb_u8(&p, 0x7f); wb_u8(&p, 0); i32_const(&p, 7);
	flush(&b, WB_SEC_GLOBAL, &p);
	wb_u32(&p, 4);
	export_(&p, "f", 0, 2);
	export_(&p, "m", 2, 2);
	export_(&p, "t", 1, 0);
	export_(&p, "g", 3, 2);
	flush(&b, WB_SEC_EXPORT, &p);
	wb_u32(&p, 1);
	wb_u32(&p, 2); wb_u8(&p, 0x00); wb_u8(&p, 0x0b);
	flush(&b, WB_SEC_CODE, &p);

	gwt_mod t;
	if (ok(gwt_parse_wb(&t, &b) == GW_OK, "all import kinds parse (%s)", t.err.msg)) {
		const gw_module *m = t.m;
		ok(m->num_imports == 8 && m->num_func_imports == 2 && m->num_memory_imports == 2 &&
		   m->num_table_imports == 1 && m->num_global_imports == 2 && m->num_tag_imports == 1,
		   "counts per kind: 2 func, 2 memory, 1 table, 2 global, 1 tag");
		const gw_import *im = m->imports;
		ok(im[0].index == 0 && im[4].index == 1, "funcs numbered 0, 1 across other kinds");
		ok(im[1].index == 0 && im[6].index == 1, "memories numbered 0, 1");
		ok(im[3].index == 0 && im[5].index == 1, "globals numbered 0, 1");
		ok(im[1].limits.has_max && im[1].limits.min == 1 && im[1].limits.max == 2 && !im[1].limits.shared,
		   "memory import limits 1..2");
		ok(im[6].limits.shared && im[6].limits.has_max, "shared memory import");
		ok(im[2].valtype == GW_EXTERNREF && im[2].limits.max == 5, "externref table import 0..5");
		ok(im[3].valtype == GW_I64 && im[3].mutable_, "mutable i64 global import");
		ok(im[5].valtype == GW_F32 && !im[5].mutable_, "const f32 global import");
		ok(im[7].kind == GW_EXT_TAG && im[7].type_index == 0, "tag import");
		ok(gw_module_func_import(m, 1) == &im[4], "func import 1 is b.f2");
		ok(m->num_memories == 1 && m->memories[0].is64 && m->memories[0].min == 2 &&
		   m->memories[0].max == 0x100000000ull, "memory64 limits beyond 32 bits");
		ok(m->num_exports == 4 && m->exports[1].index == 2 && m->exports[3].index == 2,
		   "exports index the combined spaces");
		ok(m->num_globals == 1 && m->globals[0].init.value == 7, "defined global = 7");
	}
	gwt_free(&t);
	wb_free(&b);
	wb_free(&p);
}

/* The tag section (exception handling) sits between memory and global. */
static void test_tag_section(void)
{
	wb b, p;
	wb_init(&b);
	wb_init(&p);
	wb_header(&b);
	wb_u32(&p, 1); wb_functype(&p, "i", ""); flush(&b, WB_SEC_TYPE, &p);
	wb_u32(&p, 1); wb_u8(&p, 0); wb_u32(&p, 1); flush(&b, WB_SEC_MEMORY, &p);
	wb_u32(&p, 2); wb_u8(&p, 0); wb_u32(&p, 0); wb_u8(&p, 0); wb_u32(&p, 0); flush(&b, 13, &p);
	wb_u32(&p, 0); flush(&b, WB_SEC_GLOBAL, &p);
	gwt_mod t;
	if (ok(gwt_parse_wb(&t, &b) == GW_OK, "tag section between memory and global (%s)", t.err.msg)) {
		const gw_section *s = gw_module_section(t.m, GW_SEC_TAG);
		ok(s && s->count == 2, "tag section recorded with its count");
	}
	gwt_free(&t);

	/* After global it is out of order. */
	wb_reset(&b);
	wb_header(&b);
	wb_u32(&p, 0); flush(&b, WB_SEC_GLOBAL, &p);
	size_t hdr = b.len;
	wb_u32(&p, 0); flush(&b, 13, &p);
	gwt_parse_wb(&t, &b);
	ok(t.status == GW_ERR_FORMAT && t.err.offset == hdr, "tag section after global: error at its header");
	gwt_free(&t);
	wb_free(&b);
	wb_free(&p);
}

/* ------------------------------------------------------------------ */
/* Data segment lookup. */

static void test_data_lookup(void)
{
	wb b, p;
	wb_init(&b);
	wb_init(&p);
	wb_header(&b);
	wb_u32(&p, 1);
	wb_name(&p, "env"); wb_name(&p, "base"); wb_u8(&p, 3); wb_u8(&p, 0x7f); wb_u8(&p, 0);
	flush(&b, WB_SEC_IMPORT, &p);
	wb_u32(&p, 1); wb_u8(&p, 0); wb_u32(&p, 1);
	flush(&b, WB_SEC_MEMORY, &p);
	wb_u32(&p, 7);
	wb_u32(&p, 0); i32_const(&p, 100); wb_name(&p, "AAAA");
	wb_u32(&p, 0); i32_const(&p, 10); wb_name(&p, "BBBBBBBB");
	wb_u32(&p, 1); wb_name(&p, "PPPP");
	wb_u32(&p, 0); i32_const(&p, 50); wb_name(&p, "");
	wb_u32(&p, 0); i32_const(&p, INT32_MIN); wb_name(&p, "HI");
	wb_u32(&p, 0); wb_u8(&p, 0x23); wb_u32(&p, 0); end_(&p); wb_name(&p, "GG");
	wb_u32(&p, 0); i32_const(&p, -2); wb_name(&p, "ZZ");
	flush(&b, WB_SEC_DATA, &p);

	gwt_mod t;
	if (!ok(gwt_parse_wb(&t, &b) == GW_OK, "data module parses (%s)", t.err.msg)) {
		gwt_free(&t);
		wb_free(&b);
		wb_free(&p);
		return;
	}
	const gw_module *m = t.m;
	const gw_data *d = m->datas;
	ok(d[4].offset_known && d[4].offset_value == 0x80000000ull, "i32.const INT32_MIN is address 0x80000000");
	ok(d[6].offset_value == 0xfffffffeull, "i32.const -2 is address 0xfffffffe");
	ok(!d[5].offset_known && d[5].offset.op == 0x23, "global.get offset is unknown");
	is_uint(m->num_data_by_addr, 5, "5 segments indexed (not passive, not global.get)");
	static const uint32_t order[] = { 1, 3, 0, 4, 6 };
	bool sorted = m->num_data_by_addr == 5;
	for (uint32_t i = 0; sorted && i < 5; i++)
		sorted = m->data_by_addr[i] == order[i];
	ok(sorted, "index sorted by address: 10, 50, 100, 0x80000000, 0xfffffffe");
	ok(!m->data_overlap, "no overlap");

	static const struct { uint64_t addr; int seg; } at[] = {
		{ 0, -1 }, { 9, -1 }, { 10, 1 }, { 17, 1 }, { 18, -1 }, { 50, -1 }, { 99, -1 }, { 100, 0 },
		{ 103, 0 }, { 104, -1 }, { 0x7fffffff, -1 }, { 0x80000000, 4 }, { 0x80000001, 4 },
		{ 0x80000002, -1 }, { 0xfffffffe, 6 }, { 0xffffffff, 6 }, { 0x100000000ull, -1 }, { UINT64_MAX, -1 },
	};
	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		const gw_data *want = at[i].seg < 0 ? NULL : &d[at[i].seg];
		ok(gw_module_data_at(m, at[i].addr) == want, "data_at(0x%llx) is %s%d", (unsigned long long)at[i].addr,
		   at[i].seg < 0 ? "none " : "data ", at[i].seg);
	}
	ok(gw_module_mem(m, 10, 8) == d[1].bytes, "mem(10, 8): all of data 1");
	ok(gw_module_mem(m, 12, 6) == d[1].bytes + 2, "mem(12, 6): the tail of data 1");
	ok(gw_module_mem(m, 17, 1) == d[1].bytes + 7, "mem(17, 1): the last byte");
	ok(gw_module_mem(m, 10, 9) == NULL, "mem(10, 9) runs past data 1");
	ok(gw_module_mem(m, 17, 2) == NULL, "mem(17, 2) runs past data 1");
	ok(gw_module_mem(m, 10, UINT64_MAX) == NULL, "mem with a huge length is NULL");
	ok(gw_module_mem(m, 103, 0) == d[0].bytes + 3, "mem of 0 bytes inside a segment");
	ok(gw_module_mem(m, 18, 0) == NULL, "mem outside any segment is NULL");
	ok(gw_module_mem(m, 0xfffffffe, 2) == d[6].bytes, "mem at the top of the 32-bit space");
	ok(gw_module_mem(m, 0xffffffff, 2) == NULL, "mem past the top");
	gwt_free(&t);

	/* Overlapping and adjacent segments. */
	for (int overlap = 0; overlap < 2; overlap++) {
		wb_reset(&b);
		wb_header(&b);
		wb_u32(&p, 1); wb_u8(&p, 0); wb_u32(&p, 1);
		flush(&b, WB_SEC_MEMORY, &p);
		wb_u32(&p, 2);
		wb_u32(&p, 0); i32_const(&p, overlap ? 2 : 4); wb_name(&p, "xy");
		wb_u32(&p, 0); i32_const(&p, 0); wb_name(&p, "abcd");
		flush(&b, WB_SEC_DATA, &p);
		if (ok(gwt_parse_wb(&t, &b) == GW_OK, "two segments parse")) {
			is_int(t.m->data_overlap, overlap, "segments at 0+4 and %d+2: overlap %d", overlap ? 2 : 4, overlap);
			if (!overlap)
				ok(gw_module_data_at(t.m, 4) == &t.m->datas[0] && gw_module_data_at(t.m, 3) == &t.m->datas[1],
				   "adjacent segments: 3 and 4 in different segments");
		}
		gwt_free(&t);
	}

	/* A segment nested inside a larger one: addresses of the larger one
	 * past the nested one are still covered by it. Segments apply in
	 * section order, so where both cover an address the later one (the
	 * nested one here) holds the initial bytes. */
	wb_reset(&b);
	wb_header(&b);
	wb_u32(&p, 1); wb_u8(&p, 0); wb_u32(&p, 1);
	flush(&b, WB_SEC_MEMORY, &p);
	wb_u32(&p, 2);
	wb_u32(&p, 0); i32_const(&p, 0); wb_u32(&p, 100);
	for (int i = 0; i < 100; i++)
		wb_u8(&p, 'A');
	wb_u32(&p, 0); i32_const(&p, 10); wb_name(&p, "BBBBBBBBBB");
	flush(&b, WB_SEC_DATA, &p);
	if (ok(gwt_parse_wb(&t, &b) == GW_OK, "nested segments parse")) {
		ok(t.m->data_overlap, "nested segments: overlap flagged");
		ok(gw_module_data_at(t.m, 5) == &t.m->datas[0], "nested: 5 is only in the outer segment");
		ok(gw_module_data_at(t.m, 15) == &t.m->datas[1], "nested: 15 is in the later, inner segment");
		ok(gw_module_data_at(t.m, 50) == &t.m->datas[0],
		   "nested: 50 is covered by the outer segment (0..100) even though the inner one (10..20) starts later");
		ok(gw_module_mem(t.m, 50, 4) == t.m->datas[0].bytes + 50, "nested: mem(50, 4) reads the outer segment");
	}
	gwt_free(&t);

	/* memory64: an i64.const offset is an address too. */
	wb_reset(&b);
	wb_header(&b);
	wb_u32(&p, 1); wb_u8(&p, 4); wb_u64(&p, 1);
	flush(&b, WB_SEC_MEMORY, &p);
	wb_u32(&p, 1);
	wb_u32(&p, 0); wb_u8(&p, 0x42); wb_s64(&p, 0x200000000ll); end_(&p); wb_name(&p, "Q");
	flush(&b, WB_SEC_DATA, &p);
	if (ok(gwt_parse_wb(&t, &b) == GW_OK, "memory64 data parses (%s)", t.err.msg)) {
		ok(t.m->datas[0].offset_known && t.m->datas[0].offset_value == 0x200000000ull, "i64.const address");
		ok(gw_module_data_at(t.m, 0x200000000ull) == &t.m->datas[0], "data_at a 64-bit address");
	}
	gwt_free(&t);

	wb_free(&b);
	wb_free(&p);
}

/* ------------------------------------------------------------------ */
/* Errors with exact offsets. */

static void expect_error(const wb *b, gw_status want, size_t offset, const char *substr, const char *name)
{
	gwt_mod t;
	gwt_parse_wb(&t, b);
	is_int(t.status, want, "%s: %s", name, gw_status_name(want));
	is_uint(t.err.offset, offset, "%s: error offset", name);
	ok(t.m == NULL, "%s: no module on error", name);
	if (substr)
		ok(strstr(t.err.msg, substr) != NULL, "%s: message mentions \"%s\" (%s)", name, substr, t.err.msg);
	gwt_free(&t);
}

static void expect_ok(const wb *b, const char *name)
{
	gwt_mod t;
	ok(gwt_parse_wb(&t, b) == GW_OK && t.m != NULL, "%s: parses (%s)", name, t.err.msg);
	gwt_free(&t);
}

/* Header plus one type section of `ntypes` () -> () types. */
static void start_module(wb *b, wb *p, uint32_t ntypes)
{
	wb_reset(b);
	wb_reset(p);
	wb_header(b);
	if (ntypes) {
		wb_u32(p, ntypes);
		for (uint32_t i = 0; i < ntypes; i++)
			wb_functype(p, "", "");
		flush(b, WB_SEC_TYPE, p);
	}
}

/* A function section and a code section with `n` trivial bodies. */
static void add_funcs(wb *b, wb *p, uint32_t n)
{
	wb_u32(p, n);
	for (uint32_t i = 0; i < n; i++)
		wb_u32(p, 0);
	flush(b, WB_SEC_FUNCTION, p);
}

static size_t add_code(wb *b, wb *p, uint32_t n)
{
	wb_u32(p, n);
	for (uint32_t i = 0; i < n; i++) {
		wb_u32(p, 2);
		wb_u8(p, 0);
		wb_u8(p, 0x0b);
	}
	return flush(b, WB_SEC_CODE, p);
}

static void test_errors(void)
{
	wb b, p;
	wb_init(&b);
	wb_init(&p);
	size_t at, hdr;

	/* Header. */
	wb_bytes(&b, "\0asn\1\0\0\0", 8);
	expect_error(&b, GW_ERR_FORMAT, 0, "magic", "bad magic");
	wb_reset(&b);
	expect_error(&b, GW_ERR_FORMAT, 0, "magic", "empty input");
	wb_bytes(&b, "\0as", 3);
	expect_error(&b, GW_ERR_FORMAT, 0, "magic", "3-byte input");
	wb_reset(&b);
	wb_bytes(&b, "\0asm\2\0\0\0", 8);
	expect_error(&b, GW_ERR_UNSUPPORTED, 4, "version 2", "version 2");
	wb_reset(&b);
	wb_bytes(&b, "\0asm\x0d\0\0\0", 8);
	expect_error(&b, GW_ERR_UNSUPPORTED, 4, "version", "pre-MVP version 0xd");
	wb_reset(&b);
	wb_bytes(&b, "\0asm\1\0", 6);
	expect_error(&b, GW_ERR_FORMAT, 4, "version", "truncated version");
	wb_reset(&b);
	wb_header(&b);
	expect_ok(&b, "header only");

	/* Section framing. */
	start_module(&b, &p, 0);
	wb_u32(&p, 0);
	flush(&b, WB_SEC_TYPE, &p);
	hdr = b.len;
	wb_u8(&b, 14);
	wb_u8(&b, 0);
	expect_error(&b, GW_ERR_FORMAT, hdr, "unknown section id 14", "unknown section id 14");
	start_module(&b, &p, 0);
	wb_u8(&b, 0x7f);
	wb_u8(&b, 0);
	expect_error(&b, GW_ERR_FORMAT, 8, "unknown section id 127", "unknown section id 127");
	start_module(&b, &p, 0);
	wb_bytes(&b, "\x01\x0a\x00", 3);
	expect_error(&b, GW_ERR_FORMAT, 8, "runs past the end", "section size past EOF");
	start_module(&b, &p, 0);
	wb_bytes(&b, "\x00\x06\x04name", 7);
	expect_error(&b, GW_ERR_FORMAT, 8, "runs past the end", "custom section size past EOF by one");
	start_module(&b, &p, 0);
	wb_bytes(&b, "\x01\x80", 2);
	expect_error(&b, GW_ERR_FORMAT, 9, "section size", "truncated section size");
	start_module(&b, &p, 0);
	wb_bytes(&b, "\x01\xff\xff\xff\xff\x7f", 6);
	expect_error(&b, GW_ERR_FORMAT, 9, "section size", "section size over 32 bits");

	/* Order. */
	start_module(&b, &p, 0);
	wb_u32(&p, 0); flush(&b, WB_SEC_FUNCTION, &p);
	hdr = b.len;
	wb_u32(&p, 0); flush(&b, WB_SEC_TYPE, &p);
	expect_error(&b, GW_ERR_FORMAT, hdr, "out of order", "type after function");
	start_module(&b, &p, 1);
	hdr = b.len;
	wb_u32(&p, 0); flush(&b, WB_SEC_TYPE, &p);
	expect_error(&b, GW_ERR_FORMAT, hdr, "out of order or repeated", "duplicate type section");
	start_module(&b, &p, 0);
	wb_u32(&p, 0); flush(&b, WB_SEC_CODE, &p);
	hdr = b.len;
	wb_u32(&p, 0); flush(&b, WB_SEC_DATACOUNT, &p);
	expect_error(&b, GW_ERR_FORMAT, hdr, "datacount section out of order", "datacount after code");
	start_module(&b, &p, 0);
	wb_u32(&p, 0); flush(&b, WB_SEC_DATA, &p);
	hdr = b.len;
	wb_u32(&p, 0); flush(&b, WB_SEC_CODE, &p);
	expect_error(&b, GW_ERR_FORMAT, hdr, "code section out of order", "code after data");
	start_module(&b, &p, 0);
	wb_u32(&p, 0); flush(&b, WB_SEC_ELEM, &p);
	wb_u32(&p, 0); flush(&b, WB_SEC_DATACOUNT, &p);
	wb_u32(&p, 0); flush(&b, WB_SEC_CODE, &p);
	wb_u32(&p, 0); flush(&b, WB_SEC_DATA, &p);
	expect_ok(&b, "elem, datacount, code, data in order");

	/* Counts. */
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x05\x60\x00\x00", 4);
	at = flush(&b, WB_SEC_TYPE, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 1, "larger than its section", "type count 5 in 3 bytes");

	/* Types. */
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x60\x01\x40\x00", 5);
	at = flush(&b, WB_SEC_TYPE, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 3, "value type 0x40", "bad parameter type");
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x60\x00\x02\x7f\x00", 6);
	at = flush(&b, WB_SEC_TYPE, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 5, "value type 0x00", "bad second result type");
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x5f\x00\x00", 4);
	at = flush(&b, WB_SEC_TYPE, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 1, "func type", "bad type form");

	/* Imports. */
	start_module(&b, &p, 1);
	wb_u32(&p, 1); wb_name(&p, "m"); wb_name(&p, "f"); wb_u8(&p, 0); wb_u32(&p, 1);
	at = flush(&b, WB_SEC_IMPORT, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 6, "type index 1 out of range", "import type index out of range");
	start_module(&b, &p, 0);
	wb_u32(&p, 1); wb_name(&p, "m"); wb_name(&p, "f"); wb_u8(&p, 0); wb_u32(&p, 0);
	at = flush(&b, WB_SEC_IMPORT, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 6, "out of range", "import type index with no types");
	start_module(&b, &p, 1);
	wb_u32(&p, 1); wb_name(&p, "m"); wb_name(&p, "f"); wb_u8(&p, 5);
	at = flush(&b, WB_SEC_IMPORT, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 5, "import kind", "import kind 5");
	start_module(&b, &p, 1);
	wb_u32(&p, 1); wb_name(&p, "m"); wb_name(&p, "g"); wb_u8(&p, 3); wb_u8(&p, 0x40); wb_u8(&p, 0);
	at = flush(&b, WB_SEC_IMPORT, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 6, "global type", "import global of type 0x40");
	start_module(&b, &p, 1);
	wb_u32(&p, 1); wb_name(&p, "m"); wb_name(&p, "g"); wb_u8(&p, 3); wb_u8(&p, 0x7f); wb_u8(&p, 2);
	at = flush(&b, WB_SEC_IMPORT, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 7, "mutability", "import global mutability 2");
	start_module(&b, &p, 1);
	wb_u32(&p, 1); wb_name(&p, "m"); wb_name(&p, "t"); wb_u8(&p, 1); wb_u8(&p, 0x7f); wb_u8(&p, 0); wb_u8(&p, 0);
	at = flush(&b, WB_SEC_IMPORT, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 6, "table element type", "import table of i32");
	start_module(&b, &p, 1);
	wb_u32(&p, 1); wb_name_n(&p, "\xc0\x80", 2); wb_name(&p, "f"); wb_u8(&p, 0); wb_u32(&p, 0);
	at = flush(&b, WB_SEC_IMPORT, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 1, "import module name is not valid UTF-8", "import module name overlong");
	start_module(&b, &p, 1);
	wb_u32(&p, 1); wb_name(&p, "m"); wb_name_n(&p, "\xed\xa0\x80", 3); wb_u8(&p, 0); wb_u32(&p, 0);
	at = flush(&b, WB_SEC_IMPORT, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 3, "import field name is not valid UTF-8", "import field name surrogate");
	start_module(&b, &p, 1);
	wb_u32(&p, 1); wb_name(&p, "m"); wb_u32(&p, 9); wb_str(&p, "ab");
	at = flush(&b, WB_SEC_IMPORT, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 4, "import field name", "import field name longer than the section");

	/* Functions and code. */
	start_module(&b, &p, 1);
	wb_bytes(&p, "\x01\x05", 2);
	at = flush(&b, WB_SEC_FUNCTION, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 1, "type index 5 out of range", "function type index out of range");
	start_module(&b, &p, 1);
	add_funcs(&b, &p, 2);
	wb_u32(&p, 1); wb_u32(&p, 2); wb_u8(&p, 0); wb_u8(&p, 0x0b);
	at = flush(&b, WB_SEC_CODE, &p);
	expect_error(&b, GW_ERR_FORMAT, at, "1 bodies but the function section declares 2", "code count 1, function count 2");
	start_module(&b, &p, 1);
	at = add_code(&b, &p, 1);
	expect_error(&b, GW_ERR_FORMAT, at, "declares 0", "code without a function section");
	start_module(&b, &p, 1);
	add_funcs(&b, &p, 1);
	expect_error(&b, GW_ERR_FORMAT, b.len, "no code section", "function section without code");
	start_module(&b, &p, 1);
	wb_u32(&p, 0); flush(&b, WB_SEC_FUNCTION, &p);
	expect_ok(&b, "empty function section without code");
	start_module(&b, &p, 1);
	add_funcs(&b, &p, 1);
	wb_bytes(&p, "\x01\x00", 2);
	at = flush(&b, WB_SEC_CODE, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 1, "empty", "empty function body");
	start_module(&b, &p, 1);
	add_funcs(&b, &p, 1);
	wb_bytes(&p, "\x01\x05\x00\x0b", 4);
	at = flush(&b, WB_SEC_CODE, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 2, "function body", "function body past its section");

	/* Tables, memories, limits. */
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x70\x02\x00", 4);
	at = flush(&b, WB_SEC_TABLE, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 2, "limits flags", "table limits flag 2 (shared)");
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x7f\x00\x00", 4);
	at = flush(&b, WB_SEC_TABLE, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 1, "table element type", "table of i32");
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x01\x05\x02", 4);
	at = flush(&b, WB_SEC_MEMORY, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 1, "below minimum", "memory max < min");
	start_module(&b, &p, 0);
	wb_u32(&p, 1); wb_u8(&p, 0); wb_u32(&p, 65537);
	at = flush(&b, WB_SEC_MEMORY, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 1, "65536 pages", "memory of 65537 pages");
	start_module(&b, &p, 0);
	wb_u32(&p, 1); wb_u8(&p, 0); wb_u32(&p, 65536);
	flush(&b, WB_SEC_MEMORY, &p);
	expect_ok(&b, "memory of 65536 pages");
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x08\x00", 3);
	at = flush(&b, WB_SEC_MEMORY, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 1, "limits flags 0x08", "memory limits flags 8");

	/* Trailing bytes. */
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x00\x01\x00", 4);
	at = flush(&b, WB_SEC_MEMORY, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 3, "1 trailing bytes", "trailing byte in memory section");
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x60\x00\x00\xff\xff", 6);
	at = flush(&b, WB_SEC_TYPE, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 4, "2 trailing bytes", "trailing bytes in type section");
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x00\x00", 2);
	at = flush(&b, WB_SEC_DATACOUNT, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 1, "trailing", "trailing byte in datacount section");

	/* Globals. */
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x7f\x02\x41\x00\x0b", 6);
	at = flush(&b, WB_SEC_GLOBAL, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 2, "mutability", "global mutability 2");
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x7f\x00\x6a\x0b", 5);
	at = flush(&b, WB_SEC_GLOBAL, &p);
	expect_error(&b, GW_ERR_UNSUPPORTED, at + 3, "0x6a", "global initialised by i32.add");
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x7f\x00\x41\x00\x41\x01\x0b", 8);
	at = flush(&b, WB_SEC_GLOBAL, &p);
	expect_error(&b, GW_ERR_UNSUPPORTED, at + 5, "expected end", "global init of two constants");
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x70\x00\xd0\x7f\x0b", 6);
	at = flush(&b, WB_SEC_GLOBAL, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 4, "reference type", "ref.null of i32");
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x7f\x00\x41\x80", 5);
	at = flush(&b, WB_SEC_GLOBAL, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 4, "i32.const", "global init truncated in its constant");

	/* Exports. */
	start_module(&b, &p, 1);
	add_funcs(&b, &p, 1);
	wb_u32(&p, 1); export_(&p, "f", 0, 1);
	at = flush(&b, WB_SEC_EXPORT, &p);
	add_code(&b, &p, 1);
	expect_error(&b, GW_ERR_FORMAT, at + 4, "func index 1 out of range", "export func index out of range");
	start_module(&b, &p, 0);
	wb_u32(&p, 1); export_(&p, "m", 2, 0);
	at = flush(&b, WB_SEC_EXPORT, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 4, "memory index 0 out of range", "export of a missing memory");
	start_module(&b, &p, 0);
	wb_u32(&p, 1); export_(&p, "x", 9, 0);
	at = flush(&b, WB_SEC_EXPORT, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 3, "export kind", "export kind 9");
	start_module(&b, &p, 1);
	add_funcs(&b, &p, 1);
	wb_u32(&p, 3); export_(&p, "a", 0, 0); export_(&p, "b", 0, 0); export_(&p, "a", 0, 0);
	at = flush(&b, WB_SEC_EXPORT, &p);
	add_code(&b, &p, 1);
	expect_error(&b, GW_ERR_FORMAT, at + 9, "duplicate export name \"a\"", "duplicate export a, b, a");
	start_module(&b, &p, 1);
	add_funcs(&b, &p, 1);
	wb_u32(&p, 4); export_(&p, "zz", 0, 0); export_(&p, "z", 0, 0); export_(&p, "zz", 0, 0);
	export_(&p, "y", 0, 0);
	at = flush(&b, WB_SEC_EXPORT, &p);
	add_code(&b, &p, 1);
	expect_error(&b, GW_ERR_FORMAT, at + 1 + 5 + 4, "duplicate export name \"zz\"", "duplicate export zz, z, zz, y");
	start_module(&b, &p, 1);
	add_funcs(&b, &p, 1);
	wb_u32(&p, 3); export_(&p, "ab", 0, 0); export_(&p, "a", 0, 0); export_(&p, "", 0, 0);
	flush(&b, WB_SEC_EXPORT, &p);
	add_code(&b, &p, 1);
	expect_ok(&b, "exports ab, a, and the empty name are distinct");
	start_module(&b, &p, 1);
	add_funcs(&b, &p, 1);
	wb_u32(&p, 2); export_(&p, "", 0, 0); export_(&p, "", 0, 0);
	at = flush(&b, WB_SEC_EXPORT, &p);
	add_code(&b, &p, 1);
	expect_error(&b, GW_ERR_FORMAT, at + 4, "duplicate export name", "two empty export names");
	start_module(&b, &p, 1);
	add_funcs(&b, &p, 1);
	wb_u32(&p, 1); wb_name_n(&p, "\xf4\x90\x80\x80", 4); wb_u8(&p, 0); wb_u32(&p, 0);
	at = flush(&b, WB_SEC_EXPORT, &p);
	add_code(&b, &p, 1);
	expect_error(&b, GW_ERR_FORMAT, at + 1, "export name is not valid UTF-8", "export name past U+10FFFF");

	/* Custom section names. */
	start_module(&b, &p, 0);
	wb_name_n(&p, "\xff\xfe", 2);
	at = flush(&b, WB_SEC_CUSTOM, &p);
	expect_error(&b, GW_ERR_FORMAT, at, "custom section name is not valid UTF-8", "custom section name invalid");
	start_module(&b, &p, 0);
	wb_u32(&p, 5); wb_str(&p, "ab");
	at = flush(&b, WB_SEC_CUSTOM, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 1, "custom section name", "custom section name past its section");
	start_module(&b, &p, 0);
	at = flush(&b, WB_SEC_CUSTOM, &p);
	expect_error(&b, GW_ERR_FORMAT, at, "custom section name", "custom section with no name");

	/* Start. */
	start_module(&b, &p, 1);
	wb_u32(&p, 0);
	at = flush(&b, WB_SEC_START, &p);
	expect_error(&b, GW_ERR_FORMAT, at, "start function index 0 out of range", "start with no functions");

	/* Element segments. */
	start_module(&b, &p, 1);
	add_funcs(&b, &p, 1);
	wb_bytes(&p, "\x01\x70\x00\x01", 4);
	flush(&b, WB_SEC_TABLE, &p);
	wb_bytes(&p, "\x01\x00\x41\x00\x0b\x02\x00\x05", 8);
	at = flush(&b, WB_SEC_ELEM, &p);
	add_code(&b, &p, 1);
	expect_error(&b, GW_ERR_FORMAT, at + 7, "function index 5 out of range", "elem function index out of range");
	start_module(&b, &p, 1);
	wb_bytes(&p, "\x01\x08\x00", 3);
	at = flush(&b, WB_SEC_ELEM, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 1, "flags 8", "elem flags 8");
	start_module(&b, &p, 1);
	wb_bytes(&p, "\x01\x01\x01\x00", 4);
	at = flush(&b, WB_SEC_ELEM, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 2, "element kind 0x01", "elem kind 1");
	start_module(&b, &p, 1);
	wb_bytes(&p, "\x01\x05\x7f\x00", 4);
	at = flush(&b, WB_SEC_ELEM, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 2, "element kind 0x7f", "elem reftype i32");
	start_module(&b, &p, 1);
	add_funcs(&b, &p, 1);
	wb_bytes(&p, "\x01\x05\x70\x01\xd2\x01\x0b", 7);
	at = flush(&b, WB_SEC_ELEM, &p);
	add_code(&b, &p, 1);
	expect_error(&b, GW_ERR_FORMAT, at + 4, "ref.func index 1 out of range", "elem ref.func out of range");
	start_module(&b, &p, 1);
	wb_bytes(&p, "\x01\x01\x00\x7f", 4);
	at = flush(&b, WB_SEC_ELEM, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 4, "element count 127", "elem count larger than section");

	/* Data segments. */
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x00\x01", 3);
	flush(&b, WB_SEC_MEMORY, &p);
	wb_bytes(&p, "\x01\x03\x00", 3);
	at = flush(&b, WB_SEC_DATA, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 1, "flags 3", "data flags 3");
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x00\x41\x00\x0b\x00", 6);
	at = flush(&b, WB_SEC_DATA, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 1, "memory index 0 out of range", "active data without memory");
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x01\x03" "abc", 6);
	flush(&b, WB_SEC_DATA, &p);
	expect_ok(&b, "passive data without memory");
	start_module(&b, &p, 0);
	wb_bytes(&p, "\x01\x00\x01", 3);
	flush(&b, WB_SEC_MEMORY, &p);
	wb_bytes(&p, "\x01\x00\x41\x00\x0b\x05" "abc", 9);
	at = flush(&b, WB_SEC_DATA, &p);
	expect_error(&b, GW_ERR_FORMAT, at + 6, "data segment", "data bytes past the section");
	start_module(&b, &p, 0);
	wb_u32(&p, 2);
	flush(&b, WB_SEC_DATACOUNT, &p);
	wb_bytes(&p, "\x01\x01\x00", 3);
	at = flush(&b, WB_SEC_DATA, &p);
	expect_error(&b, GW_ERR_FORMAT, at, "datacount says 2", "datacount 2, one data segment");
	start_module(&b, &p, 0);
	wb_u32(&p, 1);
	flush(&b, WB_SEC_DATACOUNT, &p);
	expect_error(&b, GW_ERR_FORMAT, b.len, "no data section", "datacount 1 without data");
	start_module(&b, &p, 0);
	wb_u32(&p, 0);
	flush(&b, WB_SEC_DATACOUNT, &p);
	expect_ok(&b, "datacount 0 without data");

	wb_free(&b);
	wb_free(&p);
}

/* ------------------------------------------------------------------ */
/* The name section: errors make it "malformed", not the module. */

typedef struct name_entry {
	uint32_t index;
	const char *name;
	size_t len;
} name_entry;

/* A module with `nfuncs` defined functions and a name section whose
 * function-name subsection holds `entries`. Returns the offset in `b` of
 * entry `which` (or of the subsection content when `which` < 0). */
static size_t names_module(wb *b, uint32_t nfuncs, const name_entry *entries, uint32_t n, int which)
{
	wb p, c;
	wb_init(&p);
	wb_init(&c);
	start_module(b, &p, 1);
	add_funcs(b, &p, nfuncs);
	add_code(b, &p, nfuncs);
	wb_name(&p, "name");
	wb_u32(&c, n);
	size_t rel = c.len;
	for (uint32_t i = 0; i < n; i++) {
		if ((int)i == which)
			rel = c.len;
		wb_u32(&c, entries[i].index);
		wb_name_n(&c, entries[i].name, entries[i].len);
	}
	size_t sub = subsection(&p, 1, &c);
	size_t at = flush(b, WB_SEC_CUSTOM, &p);
	wb_free(&p);
	wb_free(&c);
	return which < 0 ? at + sub : at + sub + rel;
}

static void expect_names_malformed(const wb *b, size_t offset, const char *substr, const char *name)
{
	gwt_mod t;
	if (ok(gwt_parse_wb(&t, b) == GW_OK && t.m, "%s: module still parses (%s)", name, t.err.msg)) {
		ok(t.m->has_names && t.m->names_malformed, "%s: names_malformed", name);
		is_int(t.m->names_error.status, GW_ERR_FORMAT, "%s: names_error status", name);
		is_uint(t.m->names_error.offset, offset, "%s: names_error offset", name);
		ok(strstr(t.m->names_error.msg, substr) != NULL, "%s: message mentions \"%s\" (%s)", name, substr,
		   t.m->names_error.msg);
	}
	gwt_free(&t);
}

static void test_names(void)
{
	wb b, p, c;
	wb_init(&b);
	wb_init(&p);
	wb_init(&c);
	size_t off;

	const name_entry good[] = { { 0, "a", 1 }, { 2, "c", 1 } };
	names_module(&b, 3, good, 2, -1);
	gwt_mod t;
	if (ok(gwt_parse_wb(&t, &b) == GW_OK, "sparse function names parse")) {
		ok(t.m->has_names && !t.m->names_malformed, "sparse names are well formed");
		is_uint(t.m->num_named_funcs, 2, "2 named functions");
		is_gwstr(gw_module_func_name(t.m, 2), "c", "function 2 is c");
		is_uint(gw_module_func_name(t.m, 1).len, 0, "function 1 unnamed");
	}
	gwt_free(&t);

	const name_entry range[] = { { 0, "a", 1 }, { 3, "d", 1 } };
	off = names_module(&b, 3, range, 2, 1);
	expect_names_malformed(&b, off, "does not exist", "name for function 3 of 3");
	const name_entry unsorted[] = { { 1, "b", 1 }, { 0, "a", 1 } };
	off = names_module(&b, 2, unsorted, 2, 1);
	expect_names_malformed(&b, off, "not sorted", "unsorted function names");
	const name_entry dup[] = { { 0, "a", 1 }, { 0, "b", 1 } };
	off = names_module(&b, 2, dup, 2, 1);
	expect_names_malformed(&b, off, "duplicate", "duplicate function name index");
	const name_entry badutf[] = { { 0, "\xc0\x80", 2 } };
	off = names_module(&b, 1, badutf, 1, 0);
	expect_names_malformed(&b, off + 1, "function name is not valid UTF-8", "function name overlong UTF-8");
	off = names_module(&b, 1, NULL, 0, -1);
	/* A count that cannot fit: patch the (one-byte) count to 0x7f. */
	b.data[off] = 0x7f;
	expect_names_malformed(&b, off + 1, "too large", "function name count 127 in 1 byte");

	/* Subsection framing. */
	start_module(&b, &p, 1);
	add_funcs(&b, &p, 1);
	add_code(&b, &p, 1);
	wb_name(&p, "name");
	wb_u32(&c, 0);
	subsection(&p, 1, &c);
	size_t rel = p.len;
	wb_name(&c, "m");
	subsection(&p, 0, &c);
	off = flush(&b, WB_SEC_CUSTOM, &p);
	expect_names_malformed(&b, off + rel, "out of order", "module name after function names");

	start_module(&b, &p, 1);
	add_funcs(&b, &p, 1);
	add_code(&b, &p, 1);
	wb_name(&p, "name");
	rel = p.len;
	wb_bytes(&p, "\x01\x32\x00", 3);
	off = flush(&b, WB_SEC_CUSTOM, &p);
	expect_names_malformed(&b, off + rel, "past the section end", "function subsection size 50");

	start_module(&b, &p, 1);
	add_funcs(&b, &p, 1);
	add_code(&b, &p, 1);
	wb_name(&p, "name");
	wb_u32(&c, 0);
	wb_u8(&c, 0xaa);
	rel = subsection(&p, 1, &c);
	off = flush(&b, WB_SEC_CUSTOM, &p);
	expect_names_malformed(&b, off + rel + 1, "trailing", "trailing byte in function names");

	start_module(&b, &p, 1);
	wb_name(&p, "name");
	wb_name_n(&c, "\xe0\x80\x80", 3);
	rel = subsection(&p, 0, &c);
	off = flush(&b, WB_SEC_CUSTOM, &p);
	expect_names_malformed(&b, off + rel, "module name is not valid UTF-8", "module name overlong UTF-8");

	/* Unknown and later subsections are skipped. */
	start_module(&b, &p, 1);
	add_funcs(&b, &p, 1);
	add_code(&b, &p, 1);
	wb_name(&p, "name");
	wb_name(&c, "mod");
	subsection(&p, 0, &c);
	wb_u32(&c, 1); wb_u32(&c, 0); wb_name(&c, "f");
	subsection(&p, 1, &c);
	wb_bytes(&c, "\x01\x00\x00", 3);
	subsection(&p, 2, &c);
	wb_bytes(&c, "junk", 4);
	subsection(&p, 7, &c);
	wb_bytes(&c, "more", 4);
	subsection(&p, 4, &c);
	flush(&b, WB_SEC_CUSTOM, &p);
	if (ok(gwt_parse_wb(&t, &b) == GW_OK, "names with extra subsections parse")) {
		ok(!t.m->names_malformed, "extra subsections are not an error (%s)", t.m->names_error.msg);
		is_gwstr(t.m->module_name, "mod", "module name");
		is_gwstr(gw_module_func_name(t.m, 0), "f", "function 0 named f");
	}
	gwt_free(&t);

	wb_free(&b);
	wb_free(&p);
	wb_free(&c);
}

/* ------------------------------------------------------------------ */
/* Truncation and hostile counts. */

static bool prefix_valid(const wb *b, size_t len)
{
	if (len < 8 || !wb_is_boundary(b, len))
		return false;
	bool func = false, code = false, datacount = false, data = false;
	for (unsigned i = 0; i < b->num_sections; i++) {
		if (b->sections[i].end > len)
			break;
		switch (b->sections[i].id) {
		case WB_SEC_FUNCTION: func = true; break;
		case WB_SEC_CODE: code = true; break;
		case WB_SEC_DATACOUNT: datacount = true; break;
		case WB_SEC_DATA: data = true; break;
		}
	}
	/* The full module declares 3 functions and a datacount of 3: a prefix
	 * that keeps those promises without their sections is malformed. */
	return !(func && !code) && !(datacount && !data);
}

static void test_truncation(void)
{
	wb b;
	wb_init(&b);
	full_layout L;
	build_full(&b, &L);
	unsigned valid = 0, bad = 0, wrong = 0;
	for (size_t len = 0; len < b.len; len++) {
		gwt_mod t;
		gw_status st = gwt_parse(&t, b.data, len);
		bool want = prefix_valid(&b, len);
		if (want) {
			valid++;
			ok(st == GW_OK && t.m && t.m->size == len, "prefix of %zu bytes ends on a section boundary: parses (%s)",
			   len, t.err.msg);
		} else {
			bad++;
			bool fine = st != GW_OK && t.m == NULL && (t.err.offset <= len || t.err.offset == GW_NO_OFFSET);
			if (!fine)
				wrong++;
			ok(fine, "prefix of %zu bytes: error at %zu within the input (%s)", len, t.err.offset, t.err.msg);
		}
		gwt_free(&t);
	}
	diag("%u valid prefixes, %u malformed prefixes", valid, bad);
	/* 8 (header), first, type, import, data, name: the others promise
	 * code or data that the prefix lacks. */
	is_uint(valid, 6, "six prefixes are whole modules");
	is_uint(wrong, 0, "no prefix misparsed");

	/* Each standard section cut short inside a still-consistent file: its
	 * size field says k bytes and the rest of the file follows. The error
	 * must come from inside the k bytes, not from the next section. */
	for (unsigned i = 0; i < b.num_sections; i++) {
		const wb_section_rec *r = &b.sections[i];
		if (r->id == WB_SEC_CUSTOM)
			continue;
		size_t size = r->end - r->offset;
		unsigned failures = 0;
		for (size_t k = 0; k < size; k++) {
			wb cut;
			wb_init(&cut);
			wb_bytes(&cut, b.data, r->header_offset);
			wb_u8(&cut, r->id);
			wb_u32(&cut, (uint32_t)k);
			size_t payload = cut.len;
			wb_bytes(&cut, b.data + r->offset, k);
			wb_bytes(&cut, b.data + r->end, b.len - r->end);
			gwt_mod t;
			gw_status st = gwt_parse_wb(&t, &cut);
			if (!(st != GW_OK && t.err.offset >= payload && t.err.offset <= payload + k)) {
				failures++;
				diag("%s section cut to %zu of %zu bytes: status %d, offset %zu (payload %zu): %s",
				     gw_section_name(r->id), k, size, st, t.err.offset, payload, t.err.msg);
			}
			gwt_free(&t);
			wb_free(&cut);
		}
		is_uint(failures, 0, "%s section cut to each of 0..%zu bytes: error inside the cut section",
		        gw_section_name(r->id), size - 1);
	}
	wb_free(&b);
}

static void test_hostile_counts(void)
{
	static const struct { uint8_t id; const char *what; } kinds[] = {
		{ WB_SEC_TYPE, "type" }, { WB_SEC_IMPORT, "import" }, { WB_SEC_FUNCTION, "function" },
		{ WB_SEC_TABLE, "table" }, { WB_SEC_MEMORY, "memory" }, { WB_SEC_GLOBAL, "global" },
		{ WB_SEC_EXPORT, "export" }, { WB_SEC_ELEM, "element segment" }, { WB_SEC_DATA, "data segment" },
	};
	wb b, p;
	wb_init(&b);
	wb_init(&p);
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		/* A 10-byte section: the count 0xffffffff and five bytes. If the
		 * reader trusted the count it would allocate gigabytes (which a
		 * sanitizer build reports) or fail later at another offset. */
		wb_reset(&b);
		wb_header(&b);
		wb_bytes(&p, "\xff\xff\xff\xff\x0f\x00\x00\x00\x00\x00", 10);
		size_t at = flush(&b, kinds[i].id, &p);
		gwt_mod t;
		gwt_parse_wb(&t, &b);
		ok(t.status == GW_ERR_FORMAT && t.err.offset == at + 5 && strstr(t.err.msg, "larger than") &&
		   strstr(t.err.msg, kinds[i].what),
		   "%s count 0xffffffff in a 10-byte section: format error right after the count (%s)", kinds[i].what,
		   t.err.msg);
		gwt_free(&t);
	}
	/* Code: checked against the function count before any body. */
	wb_reset(&b);
	wb_header(&b);
	wb_bytes(&p, "\xff\xff\xff\xff\x0f\x00\x00\x00\x00\x00", 10);
	size_t at = flush(&b, WB_SEC_CODE, &p);
	gwt_mod t;
	gwt_parse_wb(&t, &b);
	ok(t.status == GW_ERR_FORMAT && t.err.offset == at, "code count 0xffffffff: mismatch at the count");
	gwt_free(&t);
	/* Name section: a huge function-name count is a soft error. */
	wb_reset(&b);
	wb_header(&b);
	wb_name(&p, "name");
	wb_bytes(&p, "\x01\x07\xff\xff\xff\xff\x0f\x00\x00", 9);
	flush(&b, WB_SEC_CUSTOM, &p);
	if (ok(gwt_parse_wb(&t, &b) == GW_OK, "huge name count: module parses"))
		ok(t.m->names_malformed && strstr(t.m->names_error.msg, "too large"), "huge name count: names malformed");
	gwt_free(&t);
	wb_free(&b);
	wb_free(&p);
}

/* The two ways of writing sizes in wasmbuild give the same bytes, and
 * padded (non-minimal) LEB128 sizes and counts are legal wasm. */
static void test_builder_and_padding(void)
{
	wb a, c, p;
	wb_init(&a);
	wb_init(&c);
	wb_init(&p);

	/* Separately built payloads. */
	wb_header(&a);
	wb_u32(&p, 1); wb_functype(&p, "iI", "f"); flush(&a, WB_SEC_TYPE, &p);
	wb_u32(&p, 1); wb_u32(&p, 0); flush(&a, WB_SEC_FUNCTION, &p);
	wb_u32(&p, 1);
	wb_u32(&p, 5); wb_bytes(&p, "\x00\x43\x00\x00", 4); wb_u8(&p, 0x0b);
	flush(&a, WB_SEC_CODE, &p);
	wb_name(&p, "c"); wb_str(&p, "payload"); flush(&a, WB_SEC_CUSTOM, &p);

	/* The same, written in place. */
	wb_header(&c);
	size_t s = wb_section_begin(&c, WB_SEC_TYPE);
	wb_u32(&c, 1); wb_functype(&c, "iI", "f");
	wb_section_end(&c, s);
	s = wb_section_begin(&c, WB_SEC_FUNCTION);
	wb_u32(&c, 1); wb_u32(&c, 0);
	wb_section_end(&c, s);
	s = wb_section_begin(&c, WB_SEC_CODE);
	wb_u32(&c, 1);
	size_t body = wb_begin(&c);
	wb_bytes(&c, "\x00\x43\x00\x00", 4); wb_u8(&c, 0x0b);
	is_uint(wb_end(&c, body), 1, "a 5-byte body's size takes one byte");
	wb_section_end(&c, s);
	s = wb_custom_begin(&c, "c");
	wb_str(&c, "payload");
	wb_section_end(&c, s);
	is_mem(c.data, c.len, a.data, a.len, "in-place sections equal separately built ones");
	ok(c.num_sections == 4 && c.sections[2].id == WB_SEC_CODE && c.sections[3].end == c.len,
	   "in-place sections are recorded");
	expect_ok(&c, "in-place module");

	/* Every size and count padded to 5 bytes. */
	wb_reset(&c);
	wb_header(&c);
	wb_u8(&c, WB_SEC_TYPE); wb_u32_padded(&c, 13, 5);
	size_t type_payload = c.len;
	wb_u32_padded(&c, 1, 5); wb_u8(&c, 0x60); wb_u32_padded(&c, 1, 5); wb_u8(&c, 0x7f); wb_u8(&c, 0);
	wb_u8(&c, WB_SEC_FUNCTION); wb_u32_padded(&c, 6, 5);
	wb_u32_padded(&c, 1, 5); wb_u8(&c, 0);
	wb_u8(&c, WB_SEC_CODE); wb_u32_padded(&c, 12, 5);
	size_t code_payload = c.len;
	wb_u32_padded(&c, 1, 5); wb_u32_padded(&c, 2, 5); wb_u8(&c, 0x00); wb_u8(&c, 0x0b);
	gwt_mod t;
	if (ok(gwt_parse_wb(&t, &c) == GW_OK, "padded sizes and counts parse (%s)", t.err.msg)) {
		ok(t.m->num_sections == 3 && t.m->sections[0].offset == type_payload && t.m->sections[0].size == 13,
		   "padded type section: payload after a 5-byte size");
		ok(t.m->num_types == 1 && t.m->types[0].nparams == 1 && t.m->num_funcs == 1,
		   "padded counts read as 1");
		ok(t.m->funcs[0].body_offset == code_payload + 10 && t.m->funcs[0].body_size == 2,
		   "padded body size: body located");
	}
	gwt_free(&t);
	wb_free(&a);
	wb_free(&c);
	wb_free(&p);
}

static void test_names_of_things(void)
{
	is_str(gw_section_name(GW_SEC_DATACOUNT), "datacount", "section name 12");
	is_str(gw_section_name(GW_SEC_TAG), "tag", "section name 13");
	is_str(gw_section_name(99), "unknown", "section name 99");
	is_str(gw_extern_kind_name(GW_EXT_GLOBAL), "global", "extern kind 3");
	is_str(gw_extern_kind_name(7), "unknown", "extern kind 7");
	is_str(gw_valtype_name(GW_F64), "f64", "valtype f64");
	is_str(gw_valtype_name(0x40), "unknown", "valtype 0x40");
	gw_str s = { (const uint8_t *)"hello", 5 };
	ok(gw_str_eq(s, "hello") && !gw_str_eq(s, "hell") && !gw_str_eq(s, "hello!"), "gw_str_eq is exact");
	ok(gw_str_has_prefix(s, "he") && gw_str_has_prefix(s, "") && !gw_str_has_prefix(s, "hello!"),
	   "gw_str_has_prefix");
	gw_str empty = { NULL, 0 };
	ok(gw_str_eq(empty, "") && !gw_str_eq(empty, "a"), "empty gw_str with a NULL pointer");
}

int main(void)
{
	test_full();
	test_imports();
	test_tag_section();
	test_data_lookup();
	test_errors();
	test_names();
	test_truncation();
	test_hostile_counts();
	test_builder_and_padding();
	test_names_of_things();
	return done_testing();
}
