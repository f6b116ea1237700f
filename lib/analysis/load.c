/* SPDX-License-Identifier: MIT */
#include "load.h"

#include <string.h>

static gw_status analyse(gw_loaded *out, bool all, gw_error *err)
{
	gw_status s = gw_go_info_read(out->m, &out->go, err);
	if (!s && all)
		s = gw_go_count_call_sites(out->m, out->go, err);
	if (!s)
		s = gw_go_symbols_read(out->m, out->go, &out->syms, err);
	if (!s && all)
		s = gw_integrity_check(out->m, out->go, out->syms, &out->integrity, err);
	return s;
}

static gw_status load(const char *path, bool all, gw_loaded *out, gw_error *err)
{
	memset(out, 0, sizeof *out);
	gw_status s = gw_map_file(path, &out->file, err);
	if (!s)
		s = gw_module_parse(out->file.data, out->file.size, &out->m, err);
	if (!s)
		s = analyse(out, all, err);
	if (s)
		gw_unload(out);
	return s;
}

gw_status gw_load(const char *path, gw_loaded *out, gw_error *err)
{
	return load(path, true, out, err);
}

gw_status gw_load_symbols(const char *path, gw_loaded *out, gw_error *err)
{
	return load(path, false, out, err);
}

gw_status gw_load_bytes(const uint8_t *data, size_t size, gw_loaded *out, gw_error *err)
{
	memset(out, 0, sizeof *out);
	gw_status s = gw_module_parse(data, size, &out->m, err);
	if (!s)
		s = analyse(out, true, err);
	if (s)
		gw_unload(out);
	return s;
}

void gw_unload(gw_loaded *l)
{
	gw_integrity_free(&l->integrity);
	gw_go_symbols_free(l->syms);
	gw_go_info_free(l->go);
	gw_module_free(l->m);
	gw_unmap_file(&l->file);
	memset(l, 0, sizeof *l);
}
