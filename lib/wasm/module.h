/* SPDX-License-Identifier: MIT */
/* gw_module: a read-only view of a WebAssembly binary.
 *
 * The module keeps pointers into the caller's bytes (usually a read-only
 * mapping of the file, see mapfile.h): sections are never copied. Tables
 * sized by counts from the input are bounded by the bytes that could hold
 * them, so a hostile count costs an error, not memory. Code bodies are
 * located but not decoded here; code.h walks them. */
#ifndef GW_WASM_MODULE_H
#define GW_WASM_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../error.h"

/* A byte string inside the input (names are not NUL-terminated). */
typedef struct gw_str {
	const uint8_t *p;
	uint32_t len;
} gw_str;

bool gw_str_eq(gw_str s, const char *z);
/* Two byte strings are equal. */
bool gw_str_same(gw_str a, gw_str b);
bool gw_str_has_prefix(gw_str s, const char *z);

enum gw_section_id {
	GW_SEC_CUSTOM = 0, GW_SEC_TYPE, GW_SEC_IMPORT, GW_SEC_FUNCTION,
	GW_SEC_TABLE, GW_SEC_MEMORY, GW_SEC_GLOBAL, GW_SEC_EXPORT,
	GW_SEC_START, GW_SEC_ELEM, GW_SEC_CODE, GW_SEC_DATA, GW_SEC_DATACOUNT,
	GW_SEC_TAG, /* exception handling proposal; recorded, not decoded */
	GW_SEC_MAX
};

const char *gw_section_name(unsigned id);

enum gw_extern_kind { GW_EXT_FUNC = 0, GW_EXT_TABLE = 1, GW_EXT_MEMORY = 2, GW_EXT_GLOBAL = 3, GW_EXT_TAG = 4 };

const char *gw_extern_kind_name(unsigned kind);

/* Value types (their binary encodings). */
enum gw_valtype {
	GW_I32 = 0x7f, GW_I64 = 0x7e, GW_F32 = 0x7d, GW_F64 = 0x7c, GW_V128 = 0x7b,
	GW_FUNCREF = 0x70, GW_EXTERNREF = 0x6f
};

const char *gw_valtype_name(uint8_t t);

/* At most this many sections (custom ones included) are read; a module
 * with more is refused with GW_ERR_LIMIT. Each costs a record and, in
 * reports, a line: 16M empty custom sections (48 MB) would otherwise cost
 * gigabytes and minutes. */
#define GW_MAX_SECTIONS 4096u

typedef struct gw_section {
	uint8_t id;
	size_t header_offset;  /* offset of the id byte */
	size_t offset;         /* offset of the payload */
	size_t size;           /* payload size */
	gw_str name;           /* custom sections only */
	uint32_t count;        /* entry count for vector sections, else 0 */
} gw_section;

typedef struct gw_functype {
	uint32_t nparams, nresults;
	const uint8_t *params;  /* valtype bytes, in the input */
	const uint8_t *results;
} gw_functype;

typedef struct gw_limits {
	uint64_t min, max;
	bool has_max, shared, is64;
} gw_limits;

typedef struct gw_import {
	gw_str module, field;
	uint8_t kind;
	uint32_t type_index;     /* GW_EXT_FUNC / GW_EXT_TAG */
	uint32_t index;          /* index in its own index space (func, table...) */
	uint8_t valtype;         /* GW_EXT_GLOBAL: value type; GW_EXT_TABLE: reftype */
	bool mutable_;           /* GW_EXT_GLOBAL */
	gw_limits limits;        /* GW_EXT_TABLE / GW_EXT_MEMORY */
	size_t offset;
} gw_import;

typedef struct gw_export {
	gw_str name;
	uint8_t kind;
	uint32_t index;
	size_t offset;
} gw_export;

/* A constant expression, as far as Go and TinyGo use them. */
typedef struct gw_init {
	uint8_t op;          /* 0x41 i32.const, 0x42 i64.const, 0x43 f32, 0x44 f64,
	                        0x23 global.get, 0xd0 ref.null, 0xd2 ref.func */
	uint64_t value;      /* constant (sign-extended), raw float bits, or index */
} gw_init;

typedef struct gw_global {
	uint8_t valtype;
	bool mutable_;
	gw_init init;
} gw_global;

typedef struct gw_table {
	uint8_t reftype;
	gw_limits limits;
} gw_table;

typedef struct gw_elem {
	uint32_t flags;
	bool active;
	uint32_t table;
	gw_init offset;          /* active only */
	bool offset_known;       /* offset resolved to a number */
	uint64_t offset_value;
	uint32_t count;
	bool exprs;              /* items are expressions, not function indices */
	size_t items_offset;     /* offset of the first item */
} gw_elem;

typedef struct gw_data {
	uint32_t flags;
	bool active;
	uint32_t memory;
	gw_init offset;
	bool offset_known;
	uint64_t offset_value;   /* linear memory address, when known */
	const uint8_t *bytes;
	uint32_t size;
	size_t file_offset;      /* offset of `bytes` in the input */
} gw_data;

typedef struct gw_func {
	uint32_t type_index;
	size_t entry_offset;     /* offset of the body's size field */
	size_t body_offset;      /* offset of the body (after its size) */
	uint32_t body_size;
} gw_func;

typedef struct gw_module {
	const uint8_t *bytes;
	size_t size;
	uint32_t version;

	gw_section *sections;
	uint32_t num_sections;

	gw_functype *types;
	uint32_t num_types;

	gw_import *imports;
	uint32_t num_imports;
	uint32_t *func_imports;  /* function index -> position in imports[] */
	uint32_t num_func_imports, num_table_imports, num_memory_imports,
	         num_global_imports, num_tag_imports;

	gw_func *funcs;          /* defined functions; index i is func index num_func_imports + i */
	uint32_t num_funcs;
	bool have_function_section, have_code_section;

	gw_table *tables;
	uint32_t num_tables;
	gw_limits *memories;
	uint32_t num_memories;
	gw_global *globals;      /* defined globals */
	uint32_t num_globals;
	gw_export *exports;
	uint32_t num_exports;
	bool has_start;
	uint32_t start;
	gw_elem *elems;
	uint32_t num_elems;
	gw_data *datas;
	uint32_t num_datas;
	uint32_t *data_by_addr;  /* indices of active memory-0 segments with a
	                            known offset, sorted by address */
	uint32_t num_data_by_addr;
	bool data_overlap;       /* two such segments overlap */
	uint64_t memory_size;    /* initial size of memory 0 in bytes */
	bool has_data_count;
	uint32_t data_count;

	/* The "name" custom section. */
	bool has_names;
	bool names_malformed;    /* present but not decodable; see names_error */
	gw_error names_error;
	gw_str module_name;
	gw_str *func_names;      /* indexed by function index; len 0 = unnamed */
	uint32_t num_named_funcs;
} gw_module;

/* Total number of functions, imported and defined. */
static inline uint32_t gw_module_num_funcs(const gw_module *m)
{
	return m->num_func_imports + m->num_funcs;
}

/* Parses `size` bytes at `bytes` (which must outlive the module).
 * Returns GW_OK or an error whose offset points at the offending byte.
 * On error *out is NULL. */
GW_NODISCARD gw_status gw_module_parse(const uint8_t *bytes, size_t size, gw_module **out, gw_error *err);
void gw_module_free(gw_module *m);

/* The first custom section named `name`, or NULL. */
const gw_section *gw_module_custom_section(const gw_module *m, const char *name);
/* The standard section with this id, or NULL. */
const gw_section *gw_module_section(const gw_module *m, uint8_t id);

/* Imported function number `func_index` (< num_func_imports), or NULL. */
const gw_import *gw_module_func_import(const gw_module *m, uint32_t func_index);
/* The defined function for `func_index`, or NULL for imports/out of range. */
const gw_func *gw_module_defined_func(const gw_module *m, uint32_t func_index);
/* Type of any function (imported or defined), or NULL. */
const gw_functype *gw_module_func_type(const gw_module *m, uint32_t func_index);
/* The name-section name of a function (len 0 when none). */
gw_str gw_module_func_name(const gw_module *m, uint32_t func_index);

/* The active data segment (of memory 0) whose bytes cover `addr`, or NULL.
 * A binary search over the segments sorted by address. */
const gw_data *gw_module_data_at(const gw_module *m, uint64_t addr);

/* Reads `len` bytes of initial memory at `addr` when one segment covers
 * them all; returns a pointer into the input, or NULL. */
const uint8_t *gw_module_mem(const gw_module *m, uint64_t addr, uint64_t len);

/* Copies initial linear memory [addr, addr + len) into `dst`: the bytes of
 * the active data segments of memory 0, zero where no segment lies (Go
 * splits runs of zeros out of its segments). Returns false, leaving `dst`
 * unspecified, when the range is not inside the initial memory. */
bool gw_module_read_memory(const gw_module *m, uint64_t addr, void *dst, uint64_t len);

/* Initial size of memory 0 in bytes (0 when there is no memory). */
uint64_t gw_module_memory_size(const gw_module *m);

/* The limits of memory 0, imported or defined, or NULL. */
const gw_limits *gw_module_memory0(const gw_module *m);

/* The export of that name (and kind, when kind < 0xff), or NULL. */
const gw_export *gw_module_export(const gw_module *m, const char *name, uint8_t kind);

#endif
