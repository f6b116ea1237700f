/* SPDX-License-Identifier: MIT */
#include "array.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

gw_status gw_array_reserve_(void *pptr, size_t elem_size, void *pcap, size_t cap_size, size_t need, size_t first)
{
	size_t cap, max;
	if (cap_size == sizeof(uint32_t)) {
		uint32_t c;
		memcpy(&c, pcap, sizeof c);
		cap = c;
		max = UINT32_MAX;
	} else {
		memcpy(&cap, pcap, sizeof cap);
		max = SIZE_MAX;
	}
	if (need <= cap)
		return GW_OK;
	if (elem_size && max > SIZE_MAX / elem_size)
		max = SIZE_MAX / elem_size;
	if (need > max)
		return GW_ERR_NOMEM;
	size_t n = cap ? cap : (first ? first : 1);
	while (n < need)
		n = n > max / 2 ? max : n * 2;
	if (n > max)
		n = max;
	void *old;
	memcpy(&old, pptr, sizeof old);
	void *p = realloc(old, n * elem_size);
	if (!p)
		return GW_ERR_NOMEM;
	memcpy(pptr, &p, sizeof p);
	if (cap_size == sizeof(uint32_t)) {
		uint32_t c = (uint32_t)n;
		memcpy(pcap, &c, sizeof c);
	} else {
		memcpy(pcap, &n, sizeof n);
	}
	return GW_OK;
}
