/* SPDX-License-Identifier: MIT */
/* Compiled, not run, by the nodiscard tests (tests/unit/meson.build):
 * with IGNORE defined it drops the status of a lib/ call, which
 * GW_NODISCARD must make a compile error under -Werror=unused-result;
 * without, it handles every status and must compile. */
#include "gowasm.h"

int nodiscard_probe(const char *path);

int nodiscard_probe(const char *path)
{
	gw_mapped_file f;
	gw_error err;
	gw_error_clear(&err);
#ifdef IGNORE
	gw_read_file(path, 1024, &f, &err);
#else
	if (gw_read_file(path, 1024, &f, &err) != GW_OK)
		return -1;
#endif
	gw_unmap_file(&f);
	return 0;
}
