/* SPDX-License-Identifier: MIT */
#include "problem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *gw_problem_vappend(void **v, uint32_t *n, uint32_t *cap, size_t size, size_t msg_at, size_t msg_size,
                         const char *fmt, va_list ap)
{
	if (*n == *cap) {
		if (*cap > UINT32_MAX / 2 || (size_t)*cap * 2 > SIZE_MAX / size)
			return NULL;
		uint32_t ncap = *cap ? *cap * 2 : 16;
		void *p = realloc(*v, (size_t)ncap * size);
		if (!p)
			return NULL;
		*v = p;
		*cap = ncap;
	}
	char *rec = (char *)*v + (size_t)*n * size;
	memset(rec, 0, size);
	vsnprintf(rec + msg_at, msg_size, fmt, ap);
	(*n)++;
	return rec;
}
