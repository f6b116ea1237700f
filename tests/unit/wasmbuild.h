/* SPDX-License-Identifier: MIT */
/* An in-memory wasm module builder for the unit tests.
 *
 * Tests write modules byte by byte so that every field, count and size
 * is under their control, including the wrong ones. Sizes that prefix a
 * payload (sections, code bodies, name subsections) can be written two
 * ways:
 *
 *  - wb_begin() / wb_end(): write the payload in place, then insert its
 *    minimal LEB128 size in front of it. Offsets taken inside the payload
 *    before wb_end() move by the size's length, so use this when exact
 *    offsets do not matter;
 *  - wb_section(): append a payload built in a separate wb, and learn the
 *    final offset of its first byte, so that a test can turn an offset
 *    inside the payload into an offset in the module.
 *
 * Every section appended through wb_section_end()/wb_section() is
 * recorded (id and end offset) so that truncation tests know which
 * prefixes of a module end exactly on a section boundary.
 *
 * Allocation failure aborts: a test cannot do anything useful without
 * its input. */
#ifndef GW_TESTS_WASMBUILD_H
#define GW_TESTS_WASMBUILD_H

#include <stddef.h>
#include <stdint.h>

#define WB_MAX_SECTIONS 64

typedef struct wb_section_rec {
	uint8_t id;
	size_t header_offset; /* the id byte */
	size_t offset;        /* the payload */
	size_t end;           /* one past the payload */
} wb_section_rec;

typedef struct wb {
	uint8_t *data;
	size_t len, cap;
	wb_section_rec sections[WB_MAX_SECTIONS];
	unsigned num_sections;
} wb;

/* Section ids, spelled out for readability in the tests. */
enum {
	WB_SEC_CUSTOM = 0, WB_SEC_TYPE = 1, WB_SEC_IMPORT = 2, WB_SEC_FUNCTION = 3,
	WB_SEC_TABLE = 4, WB_SEC_MEMORY = 5, WB_SEC_GLOBAL = 6, WB_SEC_EXPORT = 7,
	WB_SEC_START = 8, WB_SEC_ELEM = 9, WB_SEC_CODE = 10, WB_SEC_DATA = 11,
	WB_SEC_DATACOUNT = 12
};

void wb_init(wb *b);
void wb_free(wb *b);
/* Forgets the contents but keeps the allocation. */
void wb_reset(wb *b);

void wb_u8(wb *b, uint8_t v);
void wb_bytes(wb *b, const void *p, size_t n);
/* A NUL-terminated string's bytes, without a length. */
void wb_str(wb *b, const char *s);
void wb_u32le(wb *b, uint32_t v);
void wb_u64le(wb *b, uint64_t v);

/* Minimal LEB128 encodings. */
void wb_u32(wb *b, uint32_t v);
void wb_u64(wb *b, uint64_t v);
void wb_s32(wb *b, int32_t v);
void wb_s64(wb *b, int64_t v);
/* Unsigned LEB128 padded to exactly `nbytes` bytes (legal if nbytes is
 * at most ceil(N/7) for the field's width N). */
void wb_u32_padded(wb *b, uint32_t v, unsigned nbytes);

/* A name: u32 length, then the bytes. */
void wb_name(wb *b, const char *s);
void wb_name_n(wb *b, const void *p, size_t n);

/* The 8-byte header: "\0asm" and version 1. */
void wb_header(wb *b);

/* Starts a size-prefixed payload; returns the mark for wb_end(). */
size_t wb_begin(wb *b);
/* Inserts the payload's size (minimal u32 LEB128) before the mark and
 * returns the number of bytes inserted. */
size_t wb_end(wb *b, size_t mark);

/* A section written in place: the id byte, then wb_begin(). */
size_t wb_section_begin(wb *b, uint8_t id);
void wb_section_end(wb *b, size_t mark);
/* A custom section written in place: starts it and writes its name. */
size_t wb_custom_begin(wb *b, const char *name);

/* Appends section `id` with a payload built separately. Returns the
 * offset of the payload's first byte in `b`. */
size_t wb_section(wb *b, uint8_t id, const wb *payload);

/* A function type from letters: i = i32, I = i64, f = f32, F = f64,
 * r = funcref, e = externref. Example: wb_functype(b, "iI", "i"). */
void wb_functype(wb *b, const char *params, const char *results);
uint8_t wb_valtype(char letter);

/* True when `len` bytes of the module end exactly after a section (or
 * after the header when len == 8). */
int wb_is_boundary(const wb *b, size_t len);

#endif
