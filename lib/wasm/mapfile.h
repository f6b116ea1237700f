/* SPDX-License-Identifier: MIT */
/* A whole input file, read into memory once.
 *
 * Inputs are read, not mapped: a file truncated by another process while
 * a mapping is in use kills the reader with SIGBUS, where a read simply
 * ends early and is reported. Inputs must be regular files, opened
 * without blocking, so that a FIFO or a device named as an input is
 * refused at once instead of waiting for a writer. Inputs are never
 * written. */
#ifndef GW_WASM_MAPFILE_H
#define GW_WASM_MAPFILE_H

#include <stddef.h>
#include <stdint.h>

#include "../error.h"

/* Inputs larger than this are refused with GW_ERR_LIMIT (engines cap
 * modules far below it; a larger file is not a module anyone ships). */
#define GW_MAX_INPUT_SIZE ((size_t)1 << 30)

typedef struct gw_mapped_file {
	const uint8_t *data;
	size_t size;
	void *map;      /* the allocation; NULL when size is 0 */
	size_t map_len; /* its length, when it is an anonymous mapping */
} gw_mapped_file;

/* Reads the regular file at `path` (at most `max` bytes, and never more
 * than GW_MAX_INPUT_SIZE; 0 means GW_MAX_INPUT_SIZE). A file that
 * changes size while it is read is an error (GW_ERR_IO). */
GW_NODISCARD gw_status gw_read_file(const char *path, size_t max, gw_mapped_file *out, gw_error *err);
/* gw_read_file with the default limit. */
GW_NODISCARD gw_status gw_map_file(const char *path, gw_mapped_file *out, gw_error *err);
void gw_unmap_file(gw_mapped_file *f);

#endif
