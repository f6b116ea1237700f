/* SPDX-License-Identifier: MIT */
/* Growable arrays: one way to make room, with the size arithmetic
 * checked (after libgit2's src/util/array.h).
 *
 * An array is any typed pointer and a capacity counted in elements, a
 * uint32_t or a size_t:
 *
 *     gw_call *v = NULL; uint32_t n = 0, cap = 0;
 *     if (GW_ARRAY_RESERVE(v, cap, n + 1, 16) != GW_OK)
 *             return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
 *     v[n++] = x;
 *
 * The capacity starts at `first` and doubles until it holds `need`; it
 * never exceeds what its own type counts or what size_t bytes can hold.
 * On failure (GW_ERR_NOMEM: realloc failed, or the size would overflow)
 * the array and its capacity are left as they were, so the caller still
 * owns and frees the old block. */
#ifndef GW_UTIL_ARRAY_H
#define GW_UTIL_ARRAY_H

#include <stddef.h>

#include "../error.h"

#define GW_ARRAY_RESERVE(ptr, cap, need, first) \
	gw_array_reserve_((void *)&(ptr), sizeof *(ptr), (void *)&(cap), GW_ARRAY_CAP_SIZE_(cap), (need), (first))

/* sizeof(cap), and a compile error when cap is neither 4 bytes nor a size_t. */
#define GW_ARRAY_CAP_SIZE_(cap) sizeof(char[sizeof(cap) == 4 || sizeof(cap) == sizeof(size_t) ? sizeof(cap) : -1])

/* What GW_ARRAY_RESERVE calls: `pptr` is the address of the array's
 * pointer, `pcap` that of its capacity, of `cap_size` bytes (4 or 8). */
gw_status gw_array_reserve_(void *pptr, size_t elem_size, void *pcap, size_t cap_size, size_t need, size_t first);

#endif
