/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* gmtime_r */
#include "bundle.h"

#include <brotli/encode.h>
#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>
#include <zlib.h>

gw_status gw_deflate_raw(const uint8_t *in, size_t n, int level, uint8_t **out, size_t *out_len, gw_error *err)
{
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
	if (!c)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "cannot start deflate at level %d", level);
	size_t cap = libdeflate_deflate_compress_bound(c, n);
	uint8_t *buf = malloc(cap ? cap : 1);
	if (!buf) {
		libdeflate_free_compressor(c);
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory for %zu bytes of deflate", cap);
	}
	size_t len = libdeflate_deflate_compress(c, in, n, buf, cap);
	libdeflate_free_compressor(c);
	if (!len) {
		free(buf);
		return gw_fail(err, GW_ERR_LIMIT, GW_NO_OFFSET, "deflate did not fit its bound");
	}
	*out = buf;
	*out_len = len;
	return GW_OK;
}

gw_status gw_gzip_wrap(const uint8_t *in, size_t n, const uint8_t *raw, size_t raw_len, uint8_t **out,
                       size_t *out_len, gw_error *err)
{
	uint8_t *buf = malloc(raw_len + 18);
	if (!buf)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory for the gzip copy");
	/* magic, deflate, no flags, mtime 0, maximum compression, Unix */
	static const uint8_t head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3};
	memcpy(buf, head, 10);
	memcpy(buf + 10, raw, raw_len);
	uint32_t crc = (uint32_t)crc32(0L, in, (uInt)n);
	uint32_t isize = (uint32_t)n;
	for (int i = 0; i < 4; i++) {
		buf[10 + raw_len + i] = (uint8_t)(crc >> (8 * i));
		buf[14 + raw_len + i] = (uint8_t)(isize >> (8 * i));
	}
	*out = buf;
	*out_len = raw_len + 18;
	return GW_OK;
}

gw_status gw_brotli(const uint8_t *in, size_t n, int quality, uint8_t **out, size_t *out_len, gw_error *err)
{
	size_t cap = BrotliEncoderMaxCompressedSize(n);
	if (!cap)
		cap = n + 1024;
	uint8_t *buf = malloc(cap);
	if (!buf)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory for the brotli copy");
	size_t len = cap;
	if (!BrotliEncoderCompress(quality, 24, BROTLI_MODE_GENERIC, n, in, &len, buf)) {
		free(buf);
		return gw_fail(err, GW_ERR_LIMIT, GW_NO_OFFSET, "brotli compression failed");
	}
	*out = buf;
	*out_len = len;
	return GW_OK;
}

/* A libzip source handing over data that is already deflated: its stat
 * says so (method, sizes, CRC), and libzip then writes it as is. */
typedef struct raw_source {
	const gw_bundle_file *f;
	uint32_t crc;
	size_t pos;
	time_t mtime;
} raw_source;

static zip_int64_t raw_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	raw_source *s = ud;
	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		s->pos = 0;
		return 0;
	case ZIP_SOURCE_READ: {
		size_t left = s->f->deflated_size - s->pos;
		size_t k = len < left ? (size_t)len : left;
		memcpy(data, s->f->deflated + s->pos, k);
		s->pos += k;
		return (zip_int64_t)k;
	}
	case ZIP_SOURCE_CLOSE:
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;
		zip_stat_init(st);
		st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC | ZIP_STAT_MTIME;
		st->size = s->f->size;
		st->comp_size = s->f->deflated_size;
		st->comp_method = ZIP_CM_DEFLATE;
		st->crc = s->crc;
		st->mtime = s->mtime;
		return sizeof *st;
	}
	case ZIP_SOURCE_ERROR:
		return 2 * sizeof(int);
	case ZIP_SOURCE_FREE:
		free(s);
		return 0;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
		                                      ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, ZIP_SOURCE_SUPPORTS, -1);
	default:
		return -1;
	}
}

static gw_status zip_fail(gw_error *err, const char *what, zip_error_t *ze)
{
	return gw_fail(err, GW_ERR_IO, GW_NO_OFFSET, "%s: %s", what, zip_error_strerror(ze));
}

/* The DOS time and date of `t` in UTC, as libzip computes them from the
 * local time (a year past 2107 wraps as it does there). */
static void dos_time_utc(time_t t, uint16_t *dtime, uint16_t *ddate)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		*ddate = (1 << 5) + 1; /* 1980-01-01 00:00:00, as libzip */
		*dtime = 0;
		return;
	}
	*ddate = (uint16_t)(((tm.tm_year + 1900 - 1980) << 9) + ((tm.tm_mon + 1) << 5) + tm.tm_mday);
	*dtime = (uint16_t)((tm.tm_hour << 11) + (tm.tm_min << 5) + (tm.tm_sec >> 1));
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* libzip writes DOS times in the process's local time zone: set every
 * entry's time and date, in its central directory record and its local
 * header, to the UTC ones, so the bytes do not depend on TZ. The zip is
 * the one libzip just wrote (no comment, no zip64): false if it is not
 * laid out as expected. */
static bool set_dos_times(uint8_t *z, size_t len, time_t mtime)
{
	uint16_t dtime, ddate;
	dos_time_utc(mtime, &dtime, &ddate);
	if (len < 22 || rd32(z + len - 22) != 0x06054b50)
		return false;
	const uint8_t *e = z + len - 22;
	uint32_t count = rd16(e + 10), cd = rd32(e + 16);
	size_t p = cd;
	for (uint32_t i = 0; i < count; i++) {
		if (p > len - 22 || len - 22 - p < 46 || rd32(z + p) != 0x02014b50)
			return false;
		uint32_t local = rd32(z + p + 42);
		if (local > cd || cd - local < 30 || rd32(z + local) != 0x04034b50)
			return false;
		wr16(z + p + 12, dtime);
		wr16(z + p + 14, ddate);
		wr16(z + local + 10, dtime);
		wr16(z + local + 12, ddate);
		p += 46 + (size_t)rd16(z + p + 28) + rd16(z + p + 30) + rd16(z + p + 32);
	}
	return p == len - 22;
}

gw_status gw_zip_build(const gw_bundle_file *files, size_t n, time_t mtime, uint8_t **out, size_t *out_len,
                       gw_error *err)
{
	if (mtime < 315532800)
		mtime = 315532800; /* DOS dates start in 1980 */
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *dst = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!dst)
		return zip_fail(err, "cannot create the bundle in memory", &ze);
	zip_t *za = zip_open_from_source(dst, ZIP_TRUNCATE, &ze);
	if (!za) {
		zip_source_free(dst);
		return zip_fail(err, "cannot create the bundle in memory", &ze);
	}
	zip_source_keep(dst);
	for (size_t i = 0; i < n; i++) {
		const gw_bundle_file *f = &files[i];
		zip_source_t *src;
		if (f->deflated) {
			raw_source *rs = calloc(1, sizeof *rs);
			if (!rs)
				goto nomem;
			rs->f = f;
			rs->crc = (uint32_t)crc32(0L, f->data, (uInt)f->size);
			rs->mtime = mtime;
			src = zip_source_function(za, raw_cb, rs);
			if (!src) {
				free(rs);
				goto zerr;
			}
		} else {
			src = zip_source_buffer(za, f->data, f->size, 0);
			if (!src)
				goto zerr;
		}
		zip_int64_t idx = zip_file_add(za, f->path, src, ZIP_FL_ENC_UTF_8);
		if (idx < 0) {
			zip_source_free(src);
			goto zerr;
		}
		zip_uint64_t ix = (zip_uint64_t)idx;
		if (zip_set_file_compression(za, ix, f->store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, f->store ? 0 : 9) < 0 ||
		    zip_file_set_mtime(za, ix, mtime, 0) < 0 ||
		    zip_file_set_external_attributes(za, ix, 0, ZIP_OPSYS_UNIX, (zip_uint32_t)0100644 << 16) < 0)
			goto zerr;
	}
	if (zip_close(za) < 0)
		goto zerr;
	za = NULL;
	zip_stat_t st;
	if (zip_source_stat(dst, &st) < 0 || zip_source_open(dst) < 0) {
		zip_source_free(dst);
		return gw_fail(err, GW_ERR_IO, GW_NO_OFFSET, "cannot read back the bundle");
	}
	uint8_t *buf = malloc(st.size ? st.size : 1);
	if (!buf) {
		zip_source_close(dst);
		zip_source_free(dst);
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory for the bundle");
	}
	zip_int64_t got = zip_source_read(dst, buf, st.size);
	zip_source_close(dst);
	zip_source_free(dst);
	if (got < 0 || (zip_uint64_t)got != st.size || !set_dos_times(buf, (size_t)st.size, mtime)) {
		free(buf);
		return gw_fail(err, GW_ERR_IO, GW_NO_OFFSET, "cannot read back the bundle");
	}
	*out = buf;
	*out_len = (size_t)st.size;
	return GW_OK;
nomem:
	zip_discard(za);
	zip_source_free(dst);
	return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
zerr: {
	gw_status s = gw_fail(err, GW_ERR_IO, GW_NO_OFFSET, "cannot write the bundle: %s", zip_strerror(za));
	zip_discard(za);
	zip_source_free(dst);
	return s;
}
}
