/* SPDX-License-Identifier: MIT */
/* LEB128 and fixed-width reads over a bounded byte range.
 *
 * The wasm binary format allows padded (non-minimal) encodings up to
 * ceil(N/7) bytes; anything longer, or a final byte whose unused bits do
 * not match, is malformed. Every read checks the range first: no read
 * past `end`, ever. Offsets are absolute positions in the input. */
#ifndef GW_LEB128_H
#define GW_LEB128_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../error.h"
#include "../utf8.h"

typedef struct gw_cursor {
	const uint8_t *base; /* start of the whole input */
	size_t pos;          /* absolute offset of the next byte */
	size_t end;          /* absolute offset one past the last readable byte */
} gw_cursor;

static inline gw_cursor gw_cursor_make(const uint8_t *base, size_t pos, size_t end)
{
	gw_cursor c = { base, pos, end };
	return c;
}

static inline size_t gw_cursor_left(const gw_cursor *c)
{
	return c->end - c->pos;
}

/* The decoders return GW_OK or GW_ERR_FORMAT with a message naming what
 * was being read (`what`). */
GW_NODISCARD gw_status gw_read_u8(gw_cursor *c, uint8_t *out, const char *what, gw_error *err);
GW_NODISCARD gw_status gw_read_u32le(gw_cursor *c, uint32_t *out, const char *what, gw_error *err);
GW_NODISCARD gw_status gw_read_u64le(gw_cursor *c, uint64_t *out, const char *what, gw_error *err);
GW_NODISCARD gw_status gw_read_bytes(gw_cursor *c, size_t n, const uint8_t **out, const char *what, gw_error *err);

/* Unsigned LEB128 of at most `bits` (1..64) value bits. */
GW_NODISCARD gw_status gw_read_uleb(gw_cursor *c, unsigned bits, uint64_t *out, const char *what, gw_error *err);
/* Signed LEB128 of at most `bits` (1..64) value bits, sign-extended. */
GW_NODISCARD gw_status gw_read_sleb(gw_cursor *c, unsigned bits, int64_t *out, const char *what, gw_error *err);

GW_NODISCARD static inline gw_status gw_read_u32(gw_cursor *c, uint32_t *out, const char *what, gw_error *err)
{
	/* Fast paths: most integers in a module fit in one to three bytes
	 * (21 bits: no range check needed). */
	if (c->end - c->pos >= 3) {
		const uint8_t *p = c->base + c->pos;
		if (p[0] < 0x80) {
			*out = p[0];
			c->pos += 1;
			return GW_OK;
		}
		if (p[1] < 0x80) {
			*out = (uint32_t)(p[0] & 0x7f) | (uint32_t)p[1] << 7;
			c->pos += 2;
			return GW_OK;
		}
		if (p[2] < 0x80) {
			*out = (uint32_t)(p[0] & 0x7f) | (uint32_t)(p[1] & 0x7f) << 7 | (uint32_t)p[2] << 14;
			c->pos += 3;
			return GW_OK;
		}
	} else if (c->pos < c->end && c->base[c->pos] < 0x80) {
		*out = c->base[c->pos++];
		return GW_OK;
	}
	uint64_t v;
	gw_status s = gw_read_uleb(c, 32, &v, what, err);
	*out = (uint32_t)v;
	return s;
}

/* A length-prefixed name (vec(byte)); valid UTF-8 is required when `utf8`. */
GW_NODISCARD gw_status gw_read_name(gw_cursor *c, const uint8_t **p, uint32_t *len, bool utf8,
                       const char *what, gw_error *err);


#endif
