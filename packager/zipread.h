/* SPDX-License-Identifier: MIT */
/* gowasm-verify's own zip reader. A bundle is accepted only when its
 * bytes are exactly what every reader (unzip, Python's zipfile, libzip,
 * browsers' and npm's unzippers) sees the same way: local entries back to
 * back from offset 0, then one central directory, then (when needed) the
 * zip64 end records, then one end of central directory record ending the
 * file. No gap, no overlap, nothing prepended or appended, no archive
 * comment, and every local header agreeing with its central entry. The
 * entry count comes from the end record and is bounded before anything
 * else is read. Entries are then inflated here (zlib), bounded by their
 * declared sizes, and their CRC checked. */
#ifndef GW_PACKAGER_ZIPREAD_H
#define GW_PACKAGER_ZIPREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "verify.h"

typedef struct gw_zip_entry {
	char name[GW_BUNDLE_MAX_NAME + 1];   /* raw bytes, NUL-terminated */
	uint16_t name_len;                   /* as recorded (may exceed the buffer) */
	uint16_t flags, method;
	uint8_t host;                        /* "made by" host byte */
	uint32_t crc, attr;                  /* attr: external attributes */
	uint64_t csize, usize, local, data;  /* data: offset of the compressed bytes */
	bool bad;                            /* a problem was reported: not to be read */
} gw_zip_entry;

/* Parses the layout of `z`. GW_ERR_FORMAT (not a zip at all: no end of
 * central directory record) or GW_ERR_NOMEM; otherwise GW_OK with the
 * problems added to r, *total the entry count the end record declares,
 * and the entries in *out (malloc'd, *n of them) only when the layout is
 * exact (*out NULL and *n 0 otherwise). */
gw_status gw_zip_layout(const uint8_t *z, size_t len, gw_zip_entry **out, uint32_t *n, uint64_t *total,
                        gw_verify_report *r, gw_error *err);

/* The entry's uncompressed bytes (malloc'd), never more than it declares:
 * false after adding a problem to r. */
bool gw_zip_extract(const uint8_t *z, const gw_zip_entry *e, uint8_t **out, gw_verify_report *r);

#endif
