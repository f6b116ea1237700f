/* SPDX-License-Identifier: MIT */
/* Steps of gw_go_info_read, one file each. */
#ifndef GW_GO_INTERNAL_H
#define GW_GO_INTERNAL_H

#include "goinfo.h"

void gw_go_detect(const gw_module *m, gw_go_info *info);
GW_NODISCARD gw_status gw_go_read_buildinfo(const gw_module *m, gw_go_buildinfo *b, gw_error *err);
GW_NODISCARD gw_status gw_go_find_wrappers(const gw_module *m, gw_go_info *info, gw_error *err);

/* The first occurrence of needle[0..k) in p[0..n), or NULL. */
const uint8_t *gw_go_find_bytes(const uint8_t *p, size_t n, const uint8_t *needle, size_t k);

#endif
