/* SPDX-License-Identifier: MIT */
/* Appending a problem to a list: gowasm-check's findings, the integrity
 * problems of a symbol table and gowasm-verify's bundle problems are each
 * a growable array of fixed-size records with a formatted message in a
 * char array. One function grows such a list and formats the message of
 * the record it adds; the caller fills the record's other fields. */
#ifndef GW_PROBLEM_H
#define GW_PROBLEM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Adds one record of `size` bytes to the array *v of *n records (room for
 * *cap), doubling its room as needed, zeroes it and formats the message
 * into its char array of msg_size bytes at byte msg_at (cut to fit).
 * Returns the record, or NULL on allocation failure, the list unchanged. */
void *gw_problem_vappend(void **v, uint32_t *n, uint32_t *cap, size_t size, size_t msg_at, size_t msg_size,
                         const char *fmt, va_list ap) GW_PRINTF(7, 0);

/* The same for a list of TYPE records whose message is the array FIELD:
 * GW_PROBLEM_VAPPEND(gw_finding, message, f->v, f->n, f->cap, fmt, ap). */
#define GW_PROBLEM_VAPPEND(type, field, v, n, cap, fmt, ap)                                              \
	((type *)gw_problem_vappend((void **)&(v), &(n), &(cap), sizeof(type), offsetof(type, field),      \
	                            sizeof(((type *)0)->field), (fmt), (ap)))

#endif
