/* SPDX-License-Identifier: MIT */
/* The Go runtime's own symbol table, runtime.pclntab, read from the data
 * segments of a Go js/wasm module. It survives -ldflags=-s (the runtime
 * needs it for stack traces), so it names every function and places every
 * call site at file:line, inlined frames included, in stripped modules.
 *
 * Formats: Go 1.2-1.15 (magic 0xfffffffb; wasm modules exist from Go
 * 1.11, and the layout read is that of 1.12-1.15), 1.16-1.17
 * (0xfffffffa), 1.18-1.19 (0xfffffff0) and 1.20+ (0xfffffff1, including
 * the 1.25 change where wasm function table entries hold function indices
 * rather than PCs).
 *
 * The table is located by its header and validated against the
 * runtime.firstmoduledata that points at it: a header whose offsets, counts
 * and module data do not agree is not used. Of several consistent
 * candidates (decoy headers planted in data, say), the one that agrees
 * with the code is used: its function count and the entry PCs of its
 * first and last function. Every offset read from the
 * table is bounds-checked, every pc-value walk is bounded by its table, and
 * inline expansion is bounded in depth, so a hostile table costs an error.
 *
 * On wasm a PC is ((0x1000 + defined function index) << 16) | resume
 * point; function i of the table is defined wasm function i. */
#ifndef GW_GO_PCLNTAB_H
#define GW_GO_PCLNTAB_H

#include <stdbool.h>
#include <stdint.h>

#include "../wasm/module.h"

/* The table formats, in order: compare with < and >= (as debug/gosym's
 * version). Set once, from the header's magic, when the table is read. */
typedef enum gw_pcln_version {
	GW_PCLN_VER_UNKNOWN = 0,
	GW_PCLN_VER_12,    /* Go 1.2-1.15, magic 0xfffffffb */
	GW_PCLN_VER_116,   /* Go 1.16-1.17, 0xfffffffa */
	GW_PCLN_VER_118,   /* Go 1.18-1.19, 0xfffffff0 */
	GW_PCLN_VER_120,   /* Go 1.20+, 0xfffffff1 */
} gw_pcln_version;

/* Inline expansion stops here; deeper stacks are reported as corrupt. */
#define GW_PCLN_MAX_FRAMES 64

typedef struct gw_pclntab {
	uint32_t magic;              /* as found in the header */
	gw_pcln_version version;     /* the format that magic names */
	uint64_t header_addr;        /* linear-memory address of the pcHeader */
	uint64_t moduledata_addr;    /* runtime.firstmoduledata */
	uint32_t nfunc;
	uint64_t nfiles;
	bool entry_is_index;         /* Go 1.25+: ftab holds function indices */
	uint64_t text, etext, minpc, maxpc, gofunc;
	uint64_t noptrdata;          /* start of writable data: [etext, noptrdata) is read-only */
	uint64_t enoptrdata, data, edata; /* the rest of moduledata's data bounds */

	/* A copy of linear memory [header_addr, header_addr + size): the
	 * header and every table (Go splits zero runs out of its segments,
	 * so the table is not contiguous in the file). */
	uint8_t *mem;
	uint64_t size;
	/* Table extents, as offsets into mem. Go 1.2-1.15 has one table:
	 * names and pc-value tables are at offsets from its start (funcnametab
	 * and pctab are the whole table), filetab holds u32 name offsets and
	 * there is no cutab. */
	uint64_t funcnametab, funcnametab_end;
	uint64_t cutab, cutab_end;
	uint64_t filetab, filetab_end;
	uint64_t pctab, pctab_end;
	uint64_t functab, functab_end; /* _func record offsets are from functab */
	uint64_t ftab;                 /* the {entry, record offset} pairs */

	const gw_module *m;
} gw_pclntab;

/* Finds and validates the table. Returns GW_OK with *out set; GW_OK with
 * *out NULL when the module has none (not Go, or no candidate header);
 * GW_ERR_FORMAT when a header was found but the table is inconsistent (the
 * error says what and where). */
GW_NODISCARD gw_status gw_pclntab_read(const gw_module *m, gw_pclntab **out, gw_error *err);
void gw_pclntab_free(gw_pclntab *t);

/* Go version family of the table: "1.2-1.15", "1.16-1.17", "1.18-1.19",
 * "1.20+". */
const char *gw_pclntab_format_name(const gw_pclntab *t);

typedef struct gw_pcln_func {
	uint32_t index;        /* in the table = defined wasm function index */
	uint64_t entry;        /* entry PC */
	uint64_t funcoff;      /* of the _func record, in mem */
	uint32_t nameoff;
	int32_t args;          /* size of the argument frame in bytes */
	uint32_t pcfile, pcln;
	uint32_t npcdata, nfuncdata;
	uint32_t cu_offset;    /* UINT32_MAX: no compilation unit, no positions
	                        * (Go 1.2-1.15: no file table) */
	int32_t start_line;    /* Go 1.20+, else 0 */
	uint8_t func_id, flag;
} gw_pcln_func;

/* Reads function i's record; GW_ERR_FORMAT if it lies outside the table. */
GW_NODISCARD gw_status gw_pclntab_func(const gw_pclntab *t, uint32_t i, gw_pcln_func *f, gw_error *err);

/* Name at a funcnametab offset (NUL-terminated in the table); len 0 when
 * the offset is out of range or the string is unterminated. */
gw_str gw_pclntab_name(const gw_pclntab *t, uint32_t nameoff);

/* Source file and line of `pc` in function f (innermost inlined position).
 * line is -1 and file empty when the tables say nothing. */
GW_NODISCARD gw_status gw_pclntab_file_line(const gw_pclntab *t, const gw_pcln_func *f, uint64_t pc,
                               gw_str *file, int32_t *line, gw_error *err);

/* The name of file number `fileno` of f's compilation unit (a pcfile
 * value); len 0 when out of range. */
gw_str gw_pclntab_file_name(const gw_pclntab *t, const gw_pcln_func *f, int32_t fileno);

typedef struct gw_frame {
	gw_str func;       /* function name */
	gw_str file;
	int32_t line;
	bool inlined;      /* inlined into the next frame */
	uint64_t pc;       /* the pc the file:line is for */
} gw_frame;

/* Expands a call PC (a call site's return PC - 1) into its stack of
 * frames, innermost first; the last frame is the function itself.
 * Returns the number of frames, or -1 with *err set (corrupt tables, a
 * cycle in the inline tree, more than `max` frames). */
int gw_pclntab_frames(const gw_pclntab *t, uint64_t pc, gw_frame *frames, int max, gw_error *err);

/* A pc-value table walker that answers queries at increasing PCs in one
 * pass (a query below the last one restarts it). */
typedef struct gw_pcvalue {
	const gw_pclntab *t;
	uint64_t entry;
	uint64_t start;        /* offset of the table in mem, 0 = none */
	uint64_t p;            /* next byte */
	uint64_t pc;           /* end of the current run */
	uint64_t prev_pc;      /* start of the current run */
	int32_t val;
	bool first, ended;
} gw_pcvalue;

void gw_pcvalue_init(gw_pcvalue *v, const gw_pclntab *t, const gw_pcln_func *f, uint32_t table);
/* The value at `pc`, or -1 when the table has none. */
GW_NODISCARD gw_status gw_pcvalue_at(gw_pcvalue *v, uint64_t pc, int32_t *out, gw_error *err);

/* A function's inline tree, for random access: the runs of its
 * PCDATA_InlTreeIndex table decoded once, so that the inline index at any
 * pc (and the chain of parents) costs a binary search. */
typedef struct gw_inline_run {
	uint64_t start, end;
	int32_t ix;
} gw_inline_run;

typedef struct gw_inline_view {
	uint64_t entry;
	uint64_t tree;          /* address of the tree in linear memory, 0 = none */
	gw_inline_run *runs;
	uint32_t num_runs;
	uint32_t entry_size;    /* 20 (Go 1.16-1.19) or 16 bytes */
	/* The data segment the last entry came from (a read cache). */
	uint64_t seg_addr, seg_size;
	const uint8_t *seg_bytes;
} gw_inline_view;

/* Decodes f's inline table (an empty view when f has none). */
GW_NODISCARD
gw_status gw_inline_view_init(gw_inline_view *v, const gw_pclntab *t, const gw_pcln_func *f, gw_error *err);
void gw_inline_view_free(gw_inline_view *v);
/* The inline index at pc, -1 when pc is in the function's own code. */
int32_t gw_inline_view_at(const gw_inline_view *v, uint64_t pc);
/* Entry ix of the tree: the inlined function's name offset and the pc
 * (entry + parent_pc) of the call it was inlined at. False when the entry
 * is outside memory. */
bool gw_inline_view_entry(const gw_pclntab *t, gw_inline_view *v, int32_t ix, uint32_t *nameoff,
                          int32_t *parent_pc);

/* Checks function i's record thoroughly: its pc-value tables decode to
 * their end, every inline-tree entry its pcs use is inside memory, names a
 * function and points at a parent pc inside the function, and every
 * chain of parents ends (no cycles). GW_ERR_FORMAT says what is wrong.
 * On success *f holds the record. */
GW_NODISCARD gw_status gw_pclntab_check_func(const gw_pclntab *t, uint32_t i, gw_pcln_func *f, gw_error *err);

/* Go's wasm name section replaces every rune matching [^\w.] with '_':
 * true when `sec` (a name-section name) is what the linker writes for the
 * pclntab name `go`. Go 1.18-1.20 elide generic type arguments in pclntab
 * ("F[...]"): such names match on the parts outside the brackets. */
bool gw_go_name_matches(gw_str go, gw_str sec);

/* The package path of a Go symbol name: "github.com/a/b.(*T).M" ->
 * "github.com/a/b", "type:.eq.main.T" -> "type:.eq" style names and other
 * linker-made symbols get their own groups ("go:buildid", "type:"). */
gw_str gw_go_symbol_package(gw_str name);

#endif
