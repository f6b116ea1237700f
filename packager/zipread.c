/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* memmem */
#include "zipread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

static uint16_t u16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t u64(const uint8_t *p)
{
	return (uint64_t)u32(p) | (uint64_t)u32(p + 4) << 32;
}

#define LAYOUT(...) gw_verify_add(r, "zip", __VA_ARGS__)

/* Flags a bundle entry may carry: deflate options (bits 1, 2) and UTF-8
 * names (bit 11). Encryption (0, 6), data descriptors (3), patches (5)
 * and masked headers (13) are refused. */
#define ALLOWED_FLAGS 0x0806u

/* The extra fields of one header: zip64 sizes and offset where the
 * 32-bit field is 0xffffffff, in the order of the format; timestamps and
 * Unix owners are harmless. Any other field (an Info-ZIP Unicode path,
 * which some readers use as the name, among them) is refused. */
static bool extras(gw_verify_report *r, const char *what, const uint8_t *x, size_t xlen, uint64_t *usize,
                   uint64_t *csize, uint64_t *off, bool central)
{
	bool need_u = *usize == 0xffffffffu, need_c = *csize == 0xffffffffu, need_o = off && *off == 0xffffffffu;
	bool seen64 = false;
	size_t p = 0;
	while (p < xlen) {
		if (xlen - p < 4) {
			gw_verify_add(r, what, "a truncated extra field in its %s header", central ? "central" : "local");
			return false;
		}
		uint16_t id = u16(x + p), sz = u16(x + p + 2);
		if (sz > xlen - p - 4) {
			gw_verify_add(r, what, "an extra field longer than its %s header's extra data", central ? "central" : "local");
			return false;
		}
		const uint8_t *d = x + p + 4;
		if (id == 0x0001) {
			if (seen64) {
				gw_verify_add(r, what, "two zip64 extra fields");
				return false;
			}
			seen64 = true;
			size_t q = 0;
			uint64_t *want[3] = {need_u ? usize : NULL, need_c ? csize : NULL, need_o ? off : NULL};
			/* A local zip64 field holds both sizes, whatever the 32-bit ones say. */
			if (!central && (need_u || need_c)) {
				want[0] = usize;
				want[1] = csize;
			}
			for (int k = 0; k < 3; k++) {
				if (!want[k])
					continue;
				if (sz - q < 8) {
					gw_verify_add(r, what, "a zip64 extra field without the values it must hold");
					return false;
				}
				*want[k] = u64(d + q);
				q += 8;
			}
			need_u = need_c = need_o = false;
		} else if (id != 0x5455 && id != 0x7875 && id != 0x000a) {
			gw_verify_add(r, what, "an extra field of type 0x%04x: gowasm-verify refuses what may change how "
			              "another reader sees the entry (a Unicode path field gives it another name)", id);
			return false;
		}
		p += 4 + (size_t)sz;
	}
	if (need_u || need_c || need_o) {
		gw_verify_add(r, what, "a size or offset of 0xffffffff without its zip64 extra field");
		return false;
	}
	return true;
}

static int cmp_local(const void *a, const void *b)
{
	uint64_t x = ((const gw_zip_entry *)a)->local, y = ((const gw_zip_entry *)b)->local;
	return x < y ? -1 : x > y;
}

/* Names must be printable ASCII: nothing for Unicode normalisation or
 * another code page to turn into another name. */
static bool name_ok(gw_verify_report *r, gw_zip_entry *e, const uint8_t *raw)
{
	char shown[80];
	size_t n = e->name_len, k = 0;
	for (size_t i = 0; i < n && k < 60; i++)
		shown[k++] = raw[i] >= 0x20 && raw[i] < 0x7f ? (char)raw[i] : '?';
	shown[k] = 0;
	if (!n) {
		gw_verify_add(r, "zip", "an entry with an empty name");
		return false;
	}
	if (n > GW_BUNDLE_MAX_NAME) {
		gw_verify_add(r, shown, "a name of %zu bytes, over the limit of %d", n, GW_BUNDLE_MAX_NAME);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!raw[i]) {
			gw_verify_add(r, shown, "unsafe entry name: a NUL byte");
			return false;
		}
		if (raw[i] >= 0x80) {
			gw_verify_add(r, shown, "unsafe entry name: a byte outside ASCII (readers differ on what it means)");
			return false;
		}
	}
	memcpy(e->name, raw, n);
	e->name[n] = 0;
	return true;
}

static bool entry_type_ok(gw_verify_report *r, const gw_zip_entry *e)
{
	/* The mode in the high 16 bits, whatever the "made by" host byte
	 * says: unzip and others honour S_IFLNK from hosts other than Unix. */
	mode_t mode = (mode_t)(e->attr >> 16);
	if ((mode & S_IFMT) == S_IFLNK) {
		gw_verify_add(r, e->name, "a symbolic link: bundles hold plain files only");
		return false;
	}
	if ((mode & S_IFMT) && !S_ISREG(mode)) {
		gw_verify_add(r, e->name, "not a plain file (mode 0%o)", (unsigned)mode);
		return false;
	}
	if (e->attr & 0x10) { /* MS-DOS directory attribute */
		gw_verify_add(r, e->name, "a folder: bundles are flat, with no folders");
		return false;
	}
	return true;
}

/* The last end of central directory record within reach of a comment;
 * len when there is none. len is at least 22. */
static size_t find_eocd(const uint8_t *z, size_t len)
{
	size_t lo = len - 22 > 65535 ? len - 22 - 65535 : 0;
	for (size_t p = len - 22 + 1; p-- > lo;)
		if (!memcmp(z + p, "PK\x05\x06", 4))
			return p;
	return len;
}

/* Where the central directory lies, as the end records declare it. */
typedef struct zip_dir {
	uint64_t count, count_here, cd_size, cd_off;
	uint64_t cd_end; /* where the end records begin */
} zip_dir;

/* The zip64 locator right before the end of central directory record at
 * eocd, and the zip64 end record right before it: their values replace
 * those of *d. False, with the problem added, when they are not sound. */
static bool zip64_end(const uint8_t *z, size_t eocd, zip_dir *d, gw_verify_report *r)
{
	const uint8_t *loc = z + eocd - 20;
	uint64_t z64 = u64(loc + 8);
	if (u32(loc + 4) || u32(loc + 16) != 1 || z64 > eocd - 20 || eocd - 20 - z64 < 56 ||
	    memcmp(z + z64, "PK\x06\x06", 4) || u64(z + z64 + 4) + 12 != eocd - 20 - z64) {
		LAYOUT("a zip64 end record that is not exactly before its locator");
		return false;
	}
	const uint8_t *x = z + z64;
	if (u32(x + 16) || u32(x + 20)) {
		LAYOUT("a multi-disk archive");
		return false;
	}
	uint64_t c64 = u64(x + 32), h64 = u64(x + 24), s64 = u64(x + 40), o64 = u64(x + 48);
	if ((d->count != 0xffff && d->count != c64) || (d->count_here != 0xffff && d->count_here != h64) ||
	    (d->cd_size != 0xffffffffu && d->cd_size != s64) || (d->cd_off != 0xffffffffu && d->cd_off != o64)) {
		LAYOUT("the zip64 end record and the end of central directory record disagree");
		return false;
	}
	d->count = c64;
	d->count_here = h64;
	d->cd_size = s64;
	d->cd_off = o64;
	d->cd_end = z64;
	return true;
}

/* The end records (the end of central directory record at eocd, and the
 * zip64 ones before it if any) read into *d; *total is the declared count
 * once known. False, with the problem added, when they are not sound or
 * the directory they declare is not where they begin. */
static bool end_records(const uint8_t *z, size_t len, size_t eocd, zip_dir *d, uint64_t *total,
                        gw_verify_report *r)
{
	const uint8_t *e = z + eocd;
	uint16_t comment = u16(e + 20);
	if (eocd + 22 != len) {
		if (eocd + 22 + comment == len)
			LAYOUT("an archive comment of %u bytes: bundles have none (it may hide another archive)", comment);
		else
			LAYOUT("%zu bytes follow the end of central directory record: another reader may take them for "
			       "the archive", len - eocd - 22);
		return false;
	}
	if (comment) {
		LAYOUT("the end of central directory record declares a comment the file does not hold");
		return false;
	}
	d->count = u16(e + 10);
	d->count_here = u16(e + 8);
	d->cd_size = u32(e + 12);
	d->cd_off = u32(e + 16);
	d->cd_end = eocd;
	if (u16(e + 4) || u16(e + 6)) {
		LAYOUT("a multi-disk archive");
		return false;
	}
	if (eocd >= 20 && !memcmp(z + eocd - 20, "PK\x06\x07", 4)) {
		if (!zip64_end(z, eocd, d, r))
			return false;
	} else if (d->count == 0xffff || d->cd_size == 0xffffffffu || d->cd_off == 0xffffffffu) {
		LAYOUT("zip64 values without a zip64 end record");
		return false;
	}
	*total = d->count;
	if (d->count != d->count_here) {
		LAYOUT("the end record declares %llu entries in all but %llu here", (unsigned long long)d->count,
		       (unsigned long long)d->count_here);
		return false;
	}
	/* Bounded before anything else is read. */
	if (d->count > GW_BUNDLE_MAX_ENTRIES) {
		LAYOUT("%llu entries, more than a bundle has (at most %d)", (unsigned long long)d->count,
		       GW_BUNDLE_MAX_ENTRIES);
		return false;
	}
	if (d->cd_off > d->cd_end || d->cd_size != d->cd_end - d->cd_off) {
		LAYOUT("the central directory (%llu bytes at %llu) does not end where the end records begin (%llu)",
		       (unsigned long long)d->cd_size, (unsigned long long)d->cd_off, (unsigned long long)d->cd_end);
		return false;
	}
	return true;
}

/* Central directory entry i, at q, read into *en; *next is where the
 * next one begins. False, with the problem added, when the directory
 * cannot be read on; an entry read but refused is marked bad. */
static bool central_entry(const uint8_t *z, uint64_t q, uint64_t cd_end, uint32_t i, gw_zip_entry *en,
                          uint64_t *next, gw_verify_report *r)
{
	if (cd_end - q < 46 || memcmp(z + q, "PK\x01\x02", 4)) {
		LAYOUT("central directory entry %u is not where the one before it ends", i);
		return false;
	}
	const uint8_t *c = z + q;
	uint16_t nlen = u16(c + 28), xlen = u16(c + 30), clen = u16(c + 32);
	if (cd_end - q - 46 < (uint64_t)nlen + xlen + clen) {
		LAYOUT("central directory entry %u runs past the directory", i);
		return false;
	}
	en->host = c[5];
	en->flags = u16(c + 8);
	en->method = u16(c + 10);
	en->crc = u32(c + 16);
	en->csize = u32(c + 20);
	en->usize = u32(c + 24);
	en->attr = u32(c + 38);
	en->local = u32(c + 42);
	en->name_len = nlen;
	if (!name_ok(r, en, c + 46)) {
		en->bad = true;
		snprintf(en->name, sizeof en->name, "entry %u", i);
	}
	if (!extras(r, en->name, c + 46 + nlen, xlen, &en->usize, &en->csize, &en->local, true))
		return false;
	if (u16(c + 34) != 0) {
		LAYOUT("a multi-disk archive");
		return false;
	}
	if (!en->bad && (en->flags & ~ALLOWED_FLAGS)) {
		gw_verify_add(r, en->name, "general purpose flags 0x%04x: encrypted, with a data descriptor or "
		              "otherwise not a plain entry", en->flags);
		en->bad = true;
	}
	if (!en->bad && en->method != 0 && en->method != 8) {
		gw_verify_add(r, en->name, "compression method %u: bundles use stored (0) or deflate (8)", en->method);
		en->bad = true;
	}
	if (!en->bad && !entry_type_ok(r, en))
		en->bad = true;
	*next = q + 46 + (uint64_t)nlen + xlen + clen;
	return true;
}

/* The central directory's entries, back to back from its start to its
 * end, read into es. False, with the problem added, when it is not. */
static bool central_directory(const uint8_t *z, const zip_dir *d, gw_zip_entry *es, gw_verify_report *r)
{
	uint64_t q = d->cd_off;
	for (uint32_t i = 0; i < d->count; i++)
		if (!central_entry(z, q, d->cd_end, i, &es[i], &q, r))
			return false;
	if (q != d->cd_end) {
		LAYOUT("%llu bytes in the central directory after its last entry", (unsigned long long)(d->cd_end - q));
		return false;
	}
	return true;
}

/* The local header of en, which must begin at `at` and agree with its
 * central entry; *data is where the entry's data begins. False, with the
 * problem added, when it does not. */
static bool local_entry(const uint8_t *z, uint64_t at, uint64_t cd_off, const gw_zip_entry *en, uint64_t *data,
                        gw_verify_report *r)
{
	if (en->local != at) {
		if (en->local > at)
			LAYOUT("bytes %llu to %llu belong to no entry (prepended or hidden data)", (unsigned long long)at,
			       (unsigned long long)en->local);
		else
			gw_verify_add(r, en->name, "its local header overlaps the entry before it");
		return false;
	}
	const uint8_t *l = z + at;
	if (cd_off - at < 30 || memcmp(l, "PK\x03\x04", 4)) {
		gw_verify_add(r, en->name, "no local header where the central directory says");
		return false;
	}
	uint16_t nlen = u16(l + 26), xlen = u16(l + 28);
	uint64_t lu = u32(l + 22), lc = u32(l + 18);
	if (cd_off - at - 30 < (uint64_t)nlen + xlen) {
		gw_verify_add(r, en->name, "its local header runs into the central directory");
		return false;
	}
	if (nlen != en->name_len || (!en->bad && memcmp(l + 30, en->name, nlen))) {
		gw_verify_add(r, en->name, "its local header names another file (%.*s)", nlen < 60 ? (int)nlen : 60,
		              (const char *)(l + 30));
		return false;
	}
	if (!extras(r, en->name, l + 30 + nlen, xlen, &lu, &lc, NULL, false))
		return false;
	if (u16(l + 6) != en->flags || u16(l + 8) != en->method || u32(l + 14) != en->crc || lu != en->usize ||
	    lc != en->csize) {
		gw_verify_add(r, en->name, "its local header disagrees with the central directory (flags, method, "
		              "CRC or sizes: %llu/%llu bytes there, %llu/%llu here)", (unsigned long long)lc,
		              (unsigned long long)lu, (unsigned long long)en->csize, (unsigned long long)en->usize);
		return false;
	}
	*data = at + 30 + nlen + xlen;
	if (en->csize > cd_off - *data) {
		gw_verify_add(r, en->name, "its %llu compressed bytes run into the central directory",
		              (unsigned long long)en->csize);
		return false;
	}
	return true;
}

/* The local entries (byoff: the central ones in order of offset): back to
 * back from offset 0 to the directory, each agreeing with its central
 * entry. Sets each entry's data offset in es. False, with the problem
 * added, when they are not. */
static bool local_entries(const uint8_t *z, const zip_dir *d, gw_zip_entry *es, const gw_zip_entry *byoff,
                          gw_verify_report *r)
{
	uint64_t at = 0;
	for (uint32_t i = 0; i < d->count; i++) {
		const gw_zip_entry *en = &byoff[i];
		uint64_t data;
		if (!local_entry(z, at, d->cd_off, en, &data, r))
			return false;
		for (uint32_t k = 0; k < d->count; k++)
			if (es[k].local == en->local)
				es[k].data = data;
		at = data + en->csize;
	}
	if (at != d->cd_off) {
		LAYOUT("bytes %llu to %llu, before the central directory, belong to no entry", (unsigned long long)at,
		       (unsigned long long)d->cd_off);
		return false;
	}
	return true;
}

gw_status gw_zip_layout(const uint8_t *z, size_t len, gw_zip_entry **out, uint32_t *n, uint64_t *total,
                        gw_verify_report *r, gw_error *err)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	if (len < 22)
		return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "not a readable zip: %zu bytes, too short for one", len);
	size_t eocd = find_eocd(z, len);
	if (eocd == len)
		return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "not a readable zip: no end of central directory record");
	zip_dir d;
	if (!end_records(z, len, eocd, &d, total, r))
		return GW_OK;
	gw_zip_entry *es = calloc(d.count ? d.count : 1, sizeof *es);
	if (!es)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	bool sound = central_directory(z, &d, es, r);
	if (sound) {
		gw_zip_entry *byoff = malloc((d.count ? d.count : 1) * sizeof *byoff);
		if (!byoff) {
			free(es);
			return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
		}
		memcpy(byoff, es, d.count * sizeof *byoff);
		qsort(byoff, d.count, sizeof *byoff, cmp_local);
		sound = local_entries(z, &d, es, byoff, r);
		free(byoff);
	}
	if (!sound) {
		free(es);
		return GW_OK;
	}
	*out = es;
	*n = (uint32_t)d.count;
	return GW_OK;
}

bool gw_zip_extract(const uint8_t *z, const gw_zip_entry *e, uint8_t **out, gw_verify_report *r)
{
	*out = NULL;
	const uint8_t *src = z + e->data;
	if (e->method == 0 && e->csize != e->usize) {
		gw_verify_add(r, e->name, "stored, but declares %llu bytes for %llu", (unsigned long long)e->usize,
		              (unsigned long long)e->csize);
		return false;
	}
	/* The buffer grows with what actually comes out, up to the declared
	 * size and one byte more: a lying header costs nothing up front. */
	uint64_t cap = e->usize + 1 < (1u << 20) ? e->usize + 1 : (1u << 20);
	uint8_t *buf = malloc(cap);
	if (!buf) {
		gw_verify_add(r, e->name, "out of memory for %llu bytes", (unsigned long long)cap);
		r->oom = true;
		return false;
	}
	uint64_t got = 0;
	bool good = true;
	if (e->method == 0) {
		free(buf);
		buf = malloc(e->usize ? e->usize : 1);
		if (!buf) {
			gw_verify_add(r, e->name, "out of memory for %llu bytes", (unsigned long long)e->usize);
			r->oom = true;
			return false;
		}
		memcpy(buf, src, e->usize);
		got = e->usize;
	} else {
		z_stream zs;
		memset(&zs, 0, sizeof zs);
		if (inflateInit2(&zs, -15) != Z_OK) {
			free(buf);
			gw_verify_add(r, e->name, "out of memory");
			r->oom = true;
			return false;
		}
		uint64_t in_left = e->csize;
		int rc = Z_OK;
		while (rc != Z_STREAM_END) {
			if (got == cap) {
				if (got > e->usize) {
					gw_verify_add(r, e->name, "inflates beyond its declared size of %llu bytes (a zip bomb?)",
					              (unsigned long long)e->usize);
					good = false;
					break;
				}
				uint64_t nc = cap * 2 < e->usize + 1 ? cap * 2 : e->usize + 1;
				uint8_t *nb = realloc(buf, nc);
				if (!nb) {
					gw_verify_add(r, e->name, "out of memory for %llu bytes", (unsigned long long)nc);
					r->oom = true;
					good = false;
					break;
				}
				buf = nb;
				cap = nc;
			}
			if (!zs.avail_in && in_left) {
				uInt k = in_left > (1u << 30) ? (1u << 30) : (uInt)in_left;
				zs.next_in = (Bytef *)(src + (e->csize - in_left));
				zs.avail_in = k;
				in_left -= k;
			}
			uint64_t room = cap - got;
			zs.next_out = buf + got;
			zs.avail_out = room > (1u << 30) ? (1u << 30) : (uInt)room;
			uInt before = zs.avail_out;
			rc = inflate(&zs, Z_NO_FLUSH);
			got += before - zs.avail_out;
			if (rc == Z_BUF_ERROR && !zs.avail_in && !in_left) {
				gw_verify_add(r, e->name, "cannot be decompressed: its deflate stream ends early");
				good = false;
				break;
			}
			if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
				gw_verify_add(r, e->name, "cannot be decompressed: %s", zs.msg ? zs.msg : "invalid deflate data");
				good = false;
				break;
			}
		}
		if (good && got > e->usize) {
			gw_verify_add(r, e->name, "inflates beyond its declared size of %llu bytes (a zip bomb?)",
			              (unsigned long long)e->usize);
			good = false;
		}
		if (good && (zs.avail_in || in_left)) {
			gw_verify_add(r, e->name, "its deflate stream ends before its %llu compressed bytes do",
			              (unsigned long long)e->csize);
			good = false;
		}
		inflateEnd(&zs);
	}
	if (good && got != e->usize) {
		gw_verify_add(r, e->name, "holds %llu bytes, not the %llu it declares", (unsigned long long)got,
		              (unsigned long long)e->usize);
		good = false;
	}
	if (good) {
		uLong crc = crc32(0L, Z_NULL, 0);
		for (uint64_t o = 0; o < got;) {
			uInt k = got - o > (1u << 30) ? (1u << 30) : (uInt)(got - o);
			crc = crc32(crc, buf + o, k);
			o += k;
		}
		if ((uint32_t)crc != e->crc) {
			gw_verify_add(r, e->name, "CRC error: %08x, the zip says %08x", (unsigned)crc, (unsigned)e->crc);
			good = false;
		}
	}
	if (!good) {
		free(buf);
		return false;
	}
	*out = buf;
	return true;
}
