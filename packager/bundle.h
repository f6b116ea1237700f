/* SPDX-License-Identifier: MIT */
/* Writing and reading bundles: deterministic zips (libzip), gzip and
 * brotli copies. Nothing here prints or exits. */
#ifndef GW_PACKAGER_BUNDLE_H
#define GW_PACKAGER_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "error.h"

typedef struct gw_bundle_file {
	const char *path;        /* entry name: a plain file name */
	const char *role;        /* manifest role: module, glue, ... */
	const uint8_t *data;
	size_t size;
	/* Raw deflate of data, when already computed (the module's, shared
	 * with its .gz copy); the zip entry then uses it as is. */
	const uint8_t *deflated;
	size_t deflated_size;
	bool store;              /* already compressed (.gz, .br): stored */
} gw_bundle_file;

/* A raw deflate stream of `in` (no zlib or gzip framing), as a zip entry
 * and a gzip file hold it, from libdeflate at `level` (1-12; 10 beats
 * zip -9 on size and time). *out is malloc'd. */
#define GW_DEFLATE_LEVEL 10
gw_status gw_deflate_raw(const uint8_t *in, size_t n, int level, uint8_t **out, size_t *out_len, gw_error *err);
/* A gzip file around a raw deflate stream of `in` (no name, mtime 0). */
gw_status gw_gzip_wrap(const uint8_t *in, size_t n, const uint8_t *raw, size_t raw_len, uint8_t **out,
                       size_t *out_len, gw_error *err);
/* Brotli at `quality` (0-11), window 24. */
gw_status gw_brotli(const uint8_t *in, size_t n, int quality, uint8_t **out, size_t *out_len, gw_error *err);

/* The zip of `files`, in the given order (callers sort), every entry with
 * the same time (clamped to the DOS epoch, 1980; written as its UTC date
 * and time, whatever TZ says) and mode 0644, no extra fields, no comment:
 * the same inputs give the same bytes. */
gw_status gw_zip_build(const gw_bundle_file *files, size_t n, time_t mtime, uint8_t **out, size_t *out_len,
                       gw_error *err);

#endif
