/* SPDX-License-Identifier: MIT */
#include "wasmbuild.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wb_init(wb *b)
{
	memset(b, 0, sizeof *b);
}

void wb_free(wb *b)
{
	free(b->data);
	wb_init(b);
}

void wb_reset(wb *b)
{
	b->len = 0;
	b->num_sections = 0;
}

static void reserve(wb *b, size_t extra)
{
	if (b->len + extra <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra)
		cap *= 2;
	uint8_t *p = realloc(b->data, cap);
	if (!p) {
		fprintf(stderr, "wasmbuild: out of memory\n");
		abort();
	}
	b->data = p;
	b->cap = cap;
}

void wb_u8(wb *b, uint8_t v)
{
	reserve(b, 1);
	b->data[b->len++] = v;
}

void wb_bytes(wb *b, const void *p, size_t n)
{
	if (!n)
		return;
	reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void wb_str(wb *b, const char *s)
{
	wb_bytes(b, s, strlen(s));
}

void wb_u32le(wb *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		wb_u8(b, (uint8_t)(v >> (8 * i)));
}

void wb_u64le(wb *b, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		wb_u8(b, (uint8_t)(v >> (8 * i)));
}

void wb_u64(wb *b, uint64_t v)
{
	do {
		uint8_t byte = v & 0x7f;
		v >>= 7;
		wb_u8(b, (uint8_t)(byte | (v ? 0x80 : 0)));
	} while (v);
}

void wb_u32(wb *b, uint32_t v)
{
	wb_u64(b, v);
}

void wb_s64(wb *b, int64_t v)
{
	/* Arithmetic shift of a negative value is implementation-defined in
	 * C11, so shift the two's complement bits and extend by hand. */
	uint64_t u = (uint64_t)v;
	bool neg = v < 0;
	for (;;) {
		uint8_t byte = u & 0x7f;
		u >>= 7;
		if (neg)
			u |= ~(~(uint64_t)0 >> 7);
		bool done = (!neg && u == 0 && !(byte & 0x40)) ||
		            (neg && u == ~(uint64_t)0 && (byte & 0x40));
		wb_u8(b, (uint8_t)(byte | (done ? 0 : 0x80)));
		if (done)
			break;
	}
}

void wb_s32(wb *b, int32_t v)
{
	wb_s64(b, v);
}

void wb_u32_padded(wb *b, uint32_t v, unsigned nbytes)
{
	for (unsigned i = 0; i < nbytes; i++) {
		uint8_t byte = v & 0x7f;
		v >>= 7;
		wb_u8(b, (uint8_t)(byte | (i + 1 < nbytes ? 0x80 : 0)));
	}
}

void wb_name_n(wb *b, const void *p, size_t n)
{
	wb_u32(b, (uint32_t)n);
	wb_bytes(b, p, n);
}

void wb_name(wb *b, const char *s)
{
	wb_name_n(b, s, strlen(s));
}

void wb_header(wb *b)
{
	wb_bytes(b, "\0asm", 4);
	wb_u32le(b, 1);
}

size_t wb_begin(wb *b)
{
	return b->len;
}

size_t wb_end(wb *b, size_t mark)
{
	uint8_t tmp[5];
	size_t n = 0;
	uint32_t v = (uint32_t)(b->len - mark);
	do {
		uint8_t byte = v & 0x7f;
		v >>= 7;
		tmp[n++] = (uint8_t)(byte | (v ? 0x80 : 0));
	} while (v);
	reserve(b, n);
	memmove(b->data + mark + n, b->data + mark, b->len - mark);
	memcpy(b->data + mark, tmp, n);
	b->len += n;
	return n;
}

static void record(wb *b, uint8_t id, size_t header, size_t payload)
{
	if (b->num_sections == WB_MAX_SECTIONS) {
		fprintf(stderr, "wasmbuild: more than %d sections\n", WB_MAX_SECTIONS);
		abort();
	}
	wb_section_rec *r = &b->sections[b->num_sections++];
	r->id = id;
	r->header_offset = header;
	r->offset = payload;
	r->end = b->len;
}

size_t wb_section_begin(wb *b, uint8_t id)
{
	wb_u8(b, id);
	return wb_begin(b);
}

void wb_section_end(wb *b, size_t mark)
{
	size_t n = wb_end(b, mark);
	record(b, b->data[mark - 1], mark - 1, mark + n);
}

size_t wb_custom_begin(wb *b, const char *name)
{
	size_t mark = wb_section_begin(b, WB_SEC_CUSTOM);
	wb_name(b, name);
	return mark;
}

size_t wb_section(wb *b, uint8_t id, const wb *payload)
{
	size_t header = b->len;
	wb_u8(b, id);
	wb_u32(b, (uint32_t)payload->len);
	size_t at = b->len;
	wb_bytes(b, payload->data, payload->len);
	record(b, id, header, at);
	return at;
}

uint8_t wb_valtype(char letter)
{
	switch (letter) {
	case 'i': return 0x7f;
	case 'I': return 0x7e;
	case 'f': return 0x7d;
	case 'F': return 0x7c;
	case 'v': return 0x7b;
	case 'r': return 0x70;
	case 'e': return 0x6f;
	}
	fprintf(stderr, "wasmbuild: unknown value type letter '%c'\n", letter);
	abort();
}

void wb_functype(wb *b, const char *params, const char *results)
{
	wb_u8(b, 0x60);
	wb_u32(b, (uint32_t)strlen(params));
	for (const char *p = params; *p; p++)
		wb_u8(b, wb_valtype(*p));
	wb_u32(b, (uint32_t)strlen(results));
	for (const char *p = results; *p; p++)
		wb_u8(b, wb_valtype(*p));
}

int wb_is_boundary(const wb *b, size_t len)
{
	if (len == 8)
		return 1;
	for (unsigned i = 0; i < b->num_sections; i++)
		if (b->sections[i].end == len)
			return 1;
	return 0;
}
