/* A read-only mapping of an input file. Inputs are never written: the
 * mapping is PROT_READ and MAP_PRIVATE. */
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
	void *map;      /* NULL when size is 0 */
} gw_mapped_file;

gw_status gw_map_file(const char *path, gw_mapped_file *out, gw_error *err);
void gw_unmap_file(gw_mapped_file *f);

#endif
