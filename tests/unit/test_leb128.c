/* SPDX-License-Identifier: MIT */
/* LEB128, fixed-width reads, names and UTF-8: the bottom layer every
 * other reader trusts to stay inside its range. Each encoding is decoded
 * from a heap block of exactly its length (so a sanitizer build catches
 * any read past the end) and again at a nonzero position, to check that
 * error offsets are absolute. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "utf8.h"
#include "wasm/leb128.h"

typedef struct leb_case {
	const char *name;
	unsigned bits;
	bool is_signed;
	size_t n;
	uint8_t bytes[12];
	bool ok;
	uint64_t want;  /* for signed reads: the int64_t value's bits */
} leb_case;

#define U(name, bits, want, ...) \
	{ name, bits, false, sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ }, true, (uint64_t)(want) }
#define UBAD(name, bits, ...) \
	{ name, bits, false, sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ }, false, 0 }
#define S(name, bits, want, ...) \
	{ name, bits, true, sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ }, true, (uint64_t)(int64_t)(want) }
#define SBAD(name, bits, ...) \
	{ name, bits, true, sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ }, false, 0 }

static const leb_case cases[] = {
	/* Unsigned 32. */
	U("u32 0", 32, 0, 0x00),
	U("u32 1", 32, 1, 0x01),
	U("u32 127", 32, 127, 0x7f),
	U("u32 128", 32, 128, 0x80, 0x01),
	U("u32 624485", 32, 624485, 0xe5, 0x8e, 0x26),
	U("u32 max", 32, UINT32_MAX, 0xff, 0xff, 0xff, 0xff, 0x0f),
	U("u32 2^28", 32, 1u << 28, 0x80, 0x80, 0x80, 0x80, 0x01),
	U("u32 0 padded to 2 bytes", 32, 0, 0x80, 0x00),
	U("u32 0 padded to 3 bytes", 32, 0, 0x80, 0x80, 0x00),
	U("u32 0 padded to 5 bytes", 32, 0, 0x80, 0x80, 0x80, 0x80, 0x00),
	U("u32 127 padded to 5 bytes", 32, 127, 0xff, 0x80, 0x80, 0x80, 0x00),
	UBAD("u32 6 bytes", 32, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00),
	UBAD("u32 5th byte 0x10", 32, 0x80, 0x80, 0x80, 0x80, 0x10),
	UBAD("u32 5th byte 0x1f", 32, 0xff, 0xff, 0xff, 0xff, 0x1f),
	UBAD("u32 5th byte 0x70", 32, 0xff, 0xff, 0xff, 0xff, 0x70),
	UBAD("u32 5th byte with continuation", 32, 0xff, 0xff, 0xff, 0xff, 0x8f),
	/* Unsigned 64. */
	U("u64 0", 64, 0, 0x00),
	U("u64 2^35", 64, 1ull << 35, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01),
	U("u64 max", 64, UINT64_MAX, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
	U("u64 2^63", 64, 1ull << 63, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01),
	U("u64 0 padded to 10 bytes", 64, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00),
	UBAD("u64 11 bytes", 64, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00),
	UBAD("u64 10th byte 0x02", 64, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02),
	UBAD("u64 10th byte 0x7f", 64, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f),
	/* Unsigned 1 and 7: the smallest widths, one byte long. */
	U("u1 1", 1, 1, 0x01),
	UBAD("u1 2", 1, 0x02),
	UBAD("u1 with continuation", 1, 0x81, 0x00),
	U("u7 127", 7, 127, 0x7f),
	U("u8 255", 8, 255, 0xff, 0x01),
	UBAD("u8 256", 8, 0x80, 0x02),

	/* Signed 32. */
	S("s32 0", 32, 0, 0x00),
	S("s32 -1", 32, -1, 0x7f),
	S("s32 63", 32, 63, 0x3f),
	S("s32 -64", 32, -64, 0x40),
	S("s32 64", 32, 64, 0xc0, 0x00),
	S("s32 -65", 32, -65, 0xbf, 0x7f),
	S("s32 -128", 32, -128, 0x80, 0x7f),
	S("s32 -123456", 32, -123456, 0xc0, 0xbb, 0x78),
	S("s32 max", 32, INT32_MAX, 0xff, 0xff, 0xff, 0xff, 0x07),
	S("s32 min", 32, INT32_MIN, 0x80, 0x80, 0x80, 0x80, 0x78),
	S("s32 -1 padded to 5 bytes", 32, -1, 0xff, 0xff, 0xff, 0xff, 0x7f),
	S("s32 -1 padded to 2 bytes", 32, -1, 0xff, 0x7f),
	S("s32 0 padded to 5 bytes", 32, 0, 0x80, 0x80, 0x80, 0x80, 0x00),
	S("s32 5th byte 0x7f after zeros", 32, -268435456, 0x80, 0x80, 0x80, 0x80, 0x7f),
	SBAD("s32 5th byte 0x08 (2^31)", 32, 0x80, 0x80, 0x80, 0x80, 0x08),
	SBAD("s32 5th byte 0x0f", 32, 0xff, 0xff, 0xff, 0xff, 0x0f),
	SBAD("s32 5th byte 0x70 (sign bit clear)", 32, 0xff, 0xff, 0xff, 0xff, 0x70),
	SBAD("s32 5th byte 0x77", 32, 0xff, 0xff, 0xff, 0xff, 0x77),
	SBAD("s32 5th byte 0x4f", 32, 0xff, 0xff, 0xff, 0xff, 0x4f),
	SBAD("s32 6 bytes", 32, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f),
	/* Signed 64. */
	S("s64 -1", 64, -1, 0x7f),
	S("s64 min", 64, INT64_MIN, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f),
	S("s64 max", 64, INT64_MAX, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00),
	S("s64 -1 padded to 10 bytes", 64, -1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f),
	S("s64 0x123456789abcdef", 64, 0x123456789abcdefll, 0xef, 0x9b, 0xaf, 0xcd, 0xf8, 0xac, 0xd1, 0x91, 0x01),
	S("s64 -2^35", 64, -(1ll << 35), 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f),
	SBAD("s64 10th byte 0x01 (2^63)", 64, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01),
	SBAD("s64 10th byte 0x7e", 64, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7e),
	SBAD("s64 10th byte 0x40", 64, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40),
	SBAD("s64 11 bytes", 64, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f),
	/* Signed 33: block types (empty, value types, type indices). */
	S("s33 0x40 empty block", 33, -64, 0x40),
	S("s33 0x7f i32", 33, -1, 0x7f),
	S("s33 0x70 funcref", 33, -16, 0x70),
	S("s33 type index 0", 33, 0, 0x00),
	S("s33 type index 64", 33, 64, 0xc0, 0x00),
	S("s33 type index 2^32-1", 33, 0xffffffffll, 0xff, 0xff, 0xff, 0xff, 0x0f),
	S("s33 min", 33, -(1ll << 32), 0x80, 0x80, 0x80, 0x80, 0x70),
	S("s33 -1 padded to 5 bytes", 33, -1, 0xff, 0xff, 0xff, 0xff, 0x7f),
	SBAD("s33 5th byte 0x10 (2^32)", 33, 0x80, 0x80, 0x80, 0x80, 0x10),
	SBAD("s33 5th byte 0x1f", 33, 0xff, 0xff, 0xff, 0xff, 0x1f),
	SBAD("s33 5th byte 0x6f", 33, 0xff, 0xff, 0xff, 0xff, 0x6f),
	SBAD("s33 6 bytes", 33, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00),
	/* Signed 7: one byte, all of it used. */
	S("s7 -64", 7, -64, 0x40),
	S("s7 63", 7, 63, 0x3f),
	SBAD("s7 two bytes", 7, 0x80, 0x00),
	/* Signed 8: second byte has one value bit and six sign bits. */
	S("s8 -128", 8, -128, 0x80, 0x7f),
	S("s8 127", 8, 127, 0xff, 0x00),
	SBAD("s8 128", 8, 0x80, 0x01),
	SBAD("s8 -129", 8, 0xff, 0x7e),
};

static gw_status decode(const leb_case *c, gw_cursor *cur, uint64_t *v, gw_error *err)
{
	gw_error_clear(err);
	if (c->is_signed) {
		int64_t s = 0;
		gw_status st = gw_read_sleb(cur, c->bits, &s, c->name, err);
		memcpy(v, &s, sizeof s);
		return st;
	}
	return gw_read_uleb(cur, c->bits, v, c->name, err);
}

static void test_case(const leb_case *c)
{
	/* An exact-size heap copy: any read past the end is a sanitizer error. */
	uint8_t *p = malloc(c->n);
	memcpy(p, c->bytes, c->n);
	gw_cursor cur = gw_cursor_make(p, 0, c->n);
	gw_error err;
	uint64_t v = 0;
	gw_status st = decode(c, &cur, &v, &err);
	if (c->ok) {
		is_int(st, GW_OK, "%s: decodes", c->name);
		is_uint(v, c->want, "%s: value", c->name);
		is_uint(cur.pos, c->n, "%s: consumes %zu bytes", c->name, c->n);
	} else {
		is_int(st, GW_ERR_FORMAT, "%s: rejected", c->name);
		is_uint(err.offset, 0, "%s: error at the first byte", c->name);
		ok(strstr(err.msg, c->name) != NULL, "%s: message names what was read (%s)", c->name, err.msg);
	}

	/* The same bytes at position 3 of a larger buffer. */
	uint8_t *q = malloc(c->n + 3);
	memset(q, 0xaa, 3);
	memcpy(q + 3, c->bytes, c->n);
	cur = gw_cursor_make(q, 3, c->n + 3);
	st = decode(c, &cur, &v, &err);
	if (c->ok)
		ok(st == GW_OK && v == c->want && cur.pos == c->n + 3, "%s: at offset 3", c->name);
	else
		ok(st == GW_ERR_FORMAT && err.offset == 3, "%s: at offset 3, error offset 3 (got %zu)", c->name,
		   err.offset);

	/* Every proper prefix of a valid encoding is truncated: an error at
	 * the first byte, whether the prefix is the whole allocation or the
	 * cursor stops short of bytes that would complete the number. */
	if (c->ok) {
		for (size_t k = 0; k < c->n; k++) {
			uint8_t *t = malloc(k ? k : 1);
			memcpy(t, c->bytes, k);
			cur = gw_cursor_make(t, 0, k);
			st = decode(c, &cur, &v, &err);
			bool exact = st == GW_ERR_FORMAT && err.offset == 0 && strstr(err.msg, "end of data");
			free(t);

			cur = gw_cursor_make(q, 3, 3 + k);
			st = decode(c, &cur, &v, &err);
			bool shortcur = st == GW_ERR_FORMAT && err.offset == 3;
			ok(exact && shortcur, "%s: truncated to %zu of %zu bytes is an error at its start", c->name, k, c->n);
		}
	}
	free(q);
	free(p);
}

static void test_read_u32(void)
{
	static const struct {
		size_t n;
		uint8_t b[6];
		bool ok;
		uint32_t want;
	} v[] = {
		{ 1, { 0x05 }, true, 5 },
		{ 1, { 0x7f }, true, 127 },
		{ 2, { 0x80, 0x01 }, true, 128 },
		{ 3, { 0x80, 0x80, 0x00 }, true, 0 },
		{ 5, { 0xff, 0xff, 0xff, 0xff, 0x0f }, true, UINT32_MAX },
		{ 5, { 0xff, 0xff, 0xff, 0xff, 0x10 }, false, 0 },
		{ 6, { 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, false, 0 },
		{ 1, { 0x80 }, false, 0 },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		uint8_t *p = malloc(v[i].n);
		memcpy(p, v[i].b, v[i].n);
		gw_cursor c = gw_cursor_make(p, 0, v[i].n);
		gw_error err;
		gw_error_clear(&err);
		uint32_t out = 0;
		gw_status st = gw_read_u32(&c, &out, "count", &err);
		if (v[i].ok)
			ok(st == GW_OK && out == v[i].want && c.pos == v[i].n,
			   "gw_read_u32 case %zu: %u in %zu bytes", i, v[i].want, v[i].n);
		else
			ok(st == GW_ERR_FORMAT && err.offset == 0, "gw_read_u32 case %zu rejected at offset 0", i);
		free(p);
	}
	/* The one-byte fast path must respect `end` too. */
	uint8_t one[2] = { 0x05, 0x06 };
	gw_cursor c = gw_cursor_make(one, 1, 1);
	gw_error err;
	gw_error_clear(&err);
	uint32_t out = 99;
	is_int(gw_read_u32(&c, &out, "count", &err), GW_ERR_FORMAT, "gw_read_u32 at end is an error");
	is_uint(err.offset, 1, "gw_read_u32 at end: offset is the cursor position");
}

static void test_fixed(void)
{
	static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
	uint8_t *p = malloc(sizeof b);
	memcpy(p, b, sizeof b);
	gw_error err;
	gw_error_clear(&err);

	gw_cursor c = gw_cursor_make(p, 0, 8);
	uint32_t u32 = 0;
	is_int(gw_read_u32le(&c, &u32, "u32", &err), GW_OK, "u32le reads");
	is_uint(u32, 0x04030201, "u32le is little-endian");
	uint64_t u64 = 0;
	c = gw_cursor_make(p, 0, 8);
	is_int(gw_read_u64le(&c, &u64, "u64", &err), GW_OK, "u64le reads");
	is_uint(u64, 0x0807060504030201ull, "u64le is little-endian");
	is_uint(c.pos, 8, "u64le advances 8");

	for (size_t k = 0; k < 4; k++) {
		gw_error_clear(&err);
		c = gw_cursor_make(p, 8 - k, 8);
		ok(gw_read_u32le(&c, &u32, "u32", &err) == GW_ERR_FORMAT && err.offset == 8 - k && c.pos == 8 - k,
		   "u32le with %zu bytes left fails at %zu without moving", k, 8 - k);
	}
	for (size_t k = 0; k < 8; k++) {
		gw_error_clear(&err);
		c = gw_cursor_make(p, 8 - k, 8);
		ok(gw_read_u64le(&c, &u64, "u64", &err) == GW_ERR_FORMAT && err.offset == 8 - k,
		   "u64le with %zu bytes left fails at %zu", k, 8 - k);
	}
	gw_error_clear(&err);
	c = gw_cursor_make(p, 8, 8);
	uint8_t u8;
	ok(gw_read_u8(&c, &u8, "byte", &err) == GW_ERR_FORMAT && err.offset == 8, "u8 at end fails at 8");

	const uint8_t *out = NULL;
	gw_error_clear(&err);
	c = gw_cursor_make(p, 2, 8);
	ok(gw_read_bytes(&c, 6, &out, "blob", &err) == GW_OK && out == p + 2 && c.pos == 8,
	   "read_bytes of exactly what is left");
	gw_error_clear(&err);
	c = gw_cursor_make(p, 2, 8);
	ok(gw_read_bytes(&c, 7, &out, "blob", &err) == GW_ERR_FORMAT && err.offset == 2 && c.pos == 2,
	   "read_bytes one past the end fails at its start");
	gw_error_clear(&err);
	c = gw_cursor_make(p, 2, 8);
	ok(gw_read_bytes(&c, SIZE_MAX, &out, "blob", &err) == GW_ERR_FORMAT,
	   "read_bytes of SIZE_MAX fails (no pointer overflow)");
	free(p);
}

static void test_names(void)
{
	gw_error err;
	const uint8_t *p;
	uint32_t len;

	static const uint8_t good[] = { 0xaa, 0x04, 'g', 'o', 0xc3, 0xa9 };
	uint8_t *g = malloc(sizeof good);
	memcpy(g, good, sizeof good);
	gw_cursor c = gw_cursor_make(g, 1, sizeof good);
	gw_error_clear(&err);
	is_int(gw_read_name(&c, &p, &len, true, "name", &err), GW_OK, "UTF-8 name reads");
	ok(len == 4 && p == g + 2 && c.pos == sizeof good, "name points into the input");
	/* Every truncation of it: a missing length is reported where the
	 * length should be, missing bytes where the bytes start. */
	for (size_t k = 1; k < sizeof good; k++) {
		size_t want = k == 1 ? 1 : 2;
		c = gw_cursor_make(g, 1, k);
		gw_error_clear(&err);
		ok(gw_read_name(&c, &p, &len, true, "name", &err) == GW_ERR_FORMAT && err.offset == want,
		   "name truncated to %zu bytes fails at offset %zu (got %zu)", k - 1, want, err.offset);
	}
	free(g);

	static const uint8_t bad[] = { 0xaa, 0xaa, 0x02, 0xc0, 0x80 };
	uint8_t *b = malloc(sizeof bad);
	memcpy(b, bad, sizeof bad);
	c = gw_cursor_make(b, 2, sizeof bad);
	gw_error_clear(&err);
	is_int(gw_read_name(&c, &p, &len, true, "import name", &err), GW_ERR_FORMAT, "overlong UTF-8 name rejected");
	is_uint(err.offset, 2, "invalid UTF-8 name: offset of its length");
	ok(strstr(err.msg, "import name") != NULL, "invalid UTF-8 message names the field");
	c = gw_cursor_make(b, 2, sizeof bad);
	gw_error_clear(&err);
	is_int(gw_read_name(&c, &p, &len, false, "raw", &err), GW_OK, "the same bytes without the UTF-8 check");
	free(b);
}

static void test_first_error_wins(void)
{
	/* gw_fail keeps the first cause: a caller that hits a second error
	 * while unwinding must not overwrite the original offset. */
	gw_error err;
	gw_error_clear(&err);
	is_uint(err.offset, GW_NO_OFFSET, "cleared error has no offset");
	is_int(gw_fail(&err, GW_ERR_FORMAT, 7, "first"), GW_ERR_FORMAT, "gw_fail returns its status");
	is_int(gw_fail(&err, GW_ERR_LIMIT, 9, "second"), GW_ERR_LIMIT, "a second gw_fail returns its status too");
	ok(err.status == GW_ERR_FORMAT && err.offset == 7 && strcmp(err.msg, "first") == 0,
	   "the first error is kept");
	is_int(gw_fail(NULL, GW_ERR_IO, 0, "nowhere"), GW_ERR_IO, "gw_fail accepts a NULL error");
}

typedef struct utf8_case {
	const char *name;
	size_t n;
	uint8_t b[8];
	bool valid;
	size_t seq; /* gw_utf8_seq_len of the first byte */
} utf8_case;

#define V(name, seq, ...) { name, sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ }, true, seq }
#define X(name, ...) { name, sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ }, false, 0 }

static const utf8_case utf8_cases[] = {
	V("ASCII", 1, 'g', 'o'),
	V("NUL", 1, 0x00),
	V("U+0080", 2, 0xc2, 0x80),
	V("U+00E9", 2, 0xc3, 0xa9),
	V("U+07FF", 2, 0xdf, 0xbf),
	V("U+0800", 3, 0xe0, 0xa0, 0x80),
	V("U+20AC", 3, 0xe2, 0x82, 0xac),
	V("U+D7FF", 3, 0xed, 0x9f, 0xbf),
	V("U+E000", 3, 0xee, 0x80, 0x80),
	V("U+FFFF", 3, 0xef, 0xbf, 0xbf),
	V("U+10000", 4, 0xf0, 0x90, 0x80, 0x80),
	V("U+1F600", 4, 0xf0, 0x9f, 0x98, 0x80),
	V("U+10FFFF", 4, 0xf4, 0x8f, 0xbf, 0xbf),
	X("overlong NUL c0 80", 0xc0, 0x80),
	X("overlong c1 bf", 0xc1, 0xbf),
	X("overlong 3-byte e0 80 80", 0xe0, 0x80, 0x80),
	X("overlong U+07FF e0 9f bf", 0xe0, 0x9f, 0xbf),
	X("overlong 4-byte f0 80 80 80", 0xf0, 0x80, 0x80, 0x80),
	X("overlong U+FFFF f0 8f bf bf", 0xf0, 0x8f, 0xbf, 0xbf),
	X("surrogate U+D800", 0xed, 0xa0, 0x80),
	X("surrogate U+DFFF", 0xed, 0xbf, 0xbf),
	X("surrogate pair as CESU-8", 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80),
	X("U+110000", 0xf4, 0x90, 0x80, 0x80),
	X("f5 lead", 0xf5, 0x80, 0x80, 0x80),
	X("f8 lead", 0xf8, 0x88, 0x80, 0x80, 0x80),
	X("ff", 0xff),
	X("lone continuation", 0x80),
	X("truncated 2-byte", 0xc3),
	X("truncated 3-byte", 0xe2, 0x82),
	X("truncated 4-byte", 0xf0, 0x9f, 0x98),
	X("bad continuation", 0xc3, 0x41),
	X("bad 3rd byte", 0xe2, 0x82, 0x41),
	X("bad 4th byte", 0xf0, 0x9f, 0x98, 0xc0),
};

static void test_utf8(void)
{
	ok(gw_utf8_valid((const uint8_t *)"", 0), "empty string is valid");
	ok(gw_utf8_valid(NULL, 0), "NULL with length 0 is valid");
	is_uint(gw_utf8_seq_len(NULL, 0), 0, "seq_len of nothing is 0");
	for (size_t i = 0; i < sizeof utf8_cases / sizeof utf8_cases[0]; i++) {
		const utf8_case *c = &utf8_cases[i];
		uint8_t *p = malloc(c->n);
		memcpy(p, c->b, c->n);
		is_int(gw_utf8_valid(p, c->n), c->valid, "utf8 %s: %s", c->name, c->valid ? "valid" : "invalid");
		if (c->valid) {
			is_uint(gw_utf8_seq_len(p, c->n), c->seq, "utf8 %s: sequence length", c->name);
			/* Cut in the middle of the first sequence: invalid. */
			if (c->seq > 1)
				ok(!gw_utf8_valid(p, c->seq - 1), "utf8 %s cut to %zu bytes is invalid", c->name, c->seq - 1);
		} else if (c->b[0] >= 0x80) {
			is_uint(gw_utf8_seq_len(p, c->n), 0, "utf8 %s: no valid sequence", c->name);
		}
		free(p);
	}
	/* Valid text around an invalid byte is still invalid. */
	static const uint8_t mixed[] = { 'a', 0xc3, 0xa9, 'b', 0xff, 'c' };
	ok(!gw_utf8_valid(mixed, sizeof mixed), "an invalid byte after valid text is found");
	ok(gw_utf8_valid(mixed, 4), "the valid prefix of it is valid");
}

int main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		test_case(&cases[i]);
	test_read_u32();
	test_fixed();
	test_names();
	test_first_error_wins();
	test_utf8();
	return done_testing();
}
