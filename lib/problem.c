/* SPDX-License-Identifier: MIT */
#include "problem.h"

#include <stdio.h>
#include <string.h>

#include "util/array.h"

void *gw_problem_vappend(void **v, uint32_t *n, uint32_t *cap, size_t size, size_t msg_at, size_t msg_size,
                         const char *fmt, va_list ap)
{
	/* GW_ARRAY_RESERVE's own call: the record type is known here only by its size. */
	if (gw_array_reserve_(v, size, cap, sizeof *cap, (size_t)*n + 1, 16))
		return NULL;
	char *rec = (char *)*v + (size_t)*n * size;
	memset(rec, 0, size);
	vsnprintf(rec + msg_at, msg_size, fmt, ap);
	(*n)++;
	return rec;
}
