/* SPDX-License-Identifier: MIT */
#include "leb128.h"

#include <string.h>

static gw_status truncated(gw_cursor *c, const char *what, gw_error *err)
{
	return gw_fail(err, GW_ERR_FORMAT, c->pos,
	               "unexpected end of data reading %s", what);
}

gw_status gw_read_u8(gw_cursor *c, uint8_t *out, const char *what, gw_error *err)
{
	if (c->pos >= c->end)
		return truncated(c, what, err);
	*out = c->base[c->pos++];
	return GW_OK;
}

gw_status gw_read_u32le(gw_cursor *c, uint32_t *out, const char *what, gw_error *err)
{
	if (gw_cursor_left(c) < 4)
		return truncated(c, what, err);
	const uint8_t *p = c->base + c->pos;
	*out = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	c->pos += 4;
	return GW_OK;
}

gw_status gw_read_u64le(gw_cursor *c, uint64_t *out, const char *what, gw_error *err)
{
	if (gw_cursor_left(c) < 8)
		return truncated(c, what, err);
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | c->base[c->pos + (size_t)i];
	*out = v;
	c->pos += 8;
	return GW_OK;
}

gw_status gw_read_bytes(gw_cursor *c, size_t n, const uint8_t **out, const char *what, gw_error *err)
{
	if (gw_cursor_left(c) < n)
		return gw_fail(err, GW_ERR_FORMAT, c->pos,
		               "%s of %zu bytes runs past the end of its section (%zu left)",
		               what, n, gw_cursor_left(c));
	*out = c->base + c->pos;
	c->pos += n;
	return GW_OK;
}

gw_status gw_read_uleb(gw_cursor *c, unsigned bits, uint64_t *out, const char *what, gw_error *err)
{
	size_t start = c->pos;
	unsigned maxbytes = (bits + 6) / 7;
	uint64_t v = 0;
	for (unsigned i = 0;; i++) {
		if (c->pos >= c->end)
			return gw_fail(err, GW_ERR_FORMAT, start,
			               "unexpected end of data in LEB128 %s", what);
		uint8_t b = c->base[c->pos++];
		unsigned shift = 7 * i;
		if (i == maxbytes - 1) {
			if (b & 0x80)
				return gw_fail(err, GW_ERR_FORMAT, start,
				               "LEB128 %s longer than %u bytes", what, maxbytes);
			unsigned used = bits - shift; /* value bits in this byte */
			if (used < 7 && (b >> used) != 0)
				return gw_fail(err, GW_ERR_FORMAT, start,
				               "LEB128 %s out of range for u%u", what, bits);
			v |= (uint64_t)b << shift;
			break;
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	*out = v;
	return GW_OK;
}

gw_status gw_read_sleb(gw_cursor *c, unsigned bits, int64_t *out, const char *what, gw_error *err)
{
	size_t start = c->pos;
	unsigned maxbytes = (bits + 6) / 7;
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b;
	for (unsigned i = 0;; i++) {
		if (c->pos >= c->end)
			return gw_fail(err, GW_ERR_FORMAT, start,
			               "unexpected end of data in LEB128 %s", what);
		b = c->base[c->pos++];
		shift = 7 * i;
		if (i == maxbytes - 1) {
			if (b & 0x80)
				return gw_fail(err, GW_ERR_FORMAT, start,
				               "LEB128 %s longer than %u bytes", what, maxbytes);
			/* Bits past the value must all equal its sign bit. */
			unsigned used = bits - shift;
			if (used < 7) {
				int sign = (b >> (used - 1)) & 1;
				uint8_t rest = (uint8_t)(b >> used);
				uint8_t want = sign ? (uint8_t)(0x7f >> used) : 0;
				if (rest != want)
					return gw_fail(err, GW_ERR_FORMAT, start,
					               "LEB128 %s out of range for s%u", what, bits);
			}
			v |= (uint64_t)(b & 0x7f) << shift;
			shift += 7;
			break;
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	if (shift < 64 && (b & 0x40))
		v |= ~(uint64_t)0 << shift;
	/* Keep only `bits` and sign-extend from there (bits < 64). */
	if (bits < 64) {
		uint64_t m = (uint64_t)1 << (bits - 1);
		v &= ((uint64_t)1 << bits) - 1;
		v = (v ^ m) - m;
	}
	memcpy(out, &v, sizeof v);
	return GW_OK;
}

gw_status gw_read_name(gw_cursor *c, const uint8_t **p, uint32_t *len, bool utf8,
                       const char *what, gw_error *err)
{
	size_t start = c->pos;
	if (gw_read_u32(c, len, what, err))
		return err->status;
	if (gw_read_bytes(c, *len, p, what, err))
		return err->status;
	if (utf8 && !gw_utf8_valid(*p, *len))
		return gw_fail(err, GW_ERR_FORMAT, start, "%s is not valid UTF-8", what);
	return GW_OK;
}
