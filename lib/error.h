/* SPDX-License-Identifier: MIT */
/* Error reporting shared by every layer of libgowasm.
 *
 * A fallible call fills a caller-provided gw_error and returns a status.
 * The message says what was expected and `offset` says where in the input
 * it went wrong, so a tool can print "file: offset 0x1234: expected ...".
 * The library never prints and never exits. */
#ifndef GW_ERROR_H
#define GW_ERROR_H

#include <stddef.h>

typedef enum gw_status {
	GW_OK = 0,
	GW_ERR_IO,      /* the file could not be opened, mapped or read */
	GW_ERR_FORMAT,  /* the bytes are not what the format allows */
	GW_ERR_NOMEM,   /* an allocation failed */
	GW_ERR_LIMIT,   /* the input is legal but over a documented bound */
	GW_ERR_UNSUPPORTED /* legal wasm this library does not decode */
} gw_status;

#define GW_NO_OFFSET ((size_t)-1)

/* Which input an error concerns, for a call that reads more than one, so
 * that a tool names the right file without reading the message. */
typedef enum gw_input {
	GW_INPUT_PRIMARY = 0, /* the input the call is about (gw_check_run: the module) */
	GW_INPUT_GLUE         /* the wasm_exec.js glue it was given */
} gw_input;

typedef struct gw_error {
	gw_status status;
	size_t offset;      /* byte offset in the input, or GW_NO_OFFSET */
	char msg[240];
	gw_input input;     /* which input `offset` and `msg` are about */
} gw_error;

/* What a callback returns to the walk that calls it: go on, or stop the
 * walk early. A stopped walk returns GW_OK: stopping is not an error. */
typedef enum gw_walk { GW_WALK_CONTINUE = 0, GW_WALK_STOP } gw_walk;

/* Returns from the calling function with the status of a call that
 * failed; the one way to propagate a gw_status. */
#define GW_TRY(x) do { gw_status gw_try_ = (x); if (gw_try_ != GW_OK) return gw_try_; } while (0)

#if defined(__GNUC__)
#define GW_PRINTF(a, b) __attribute__((format(printf, a, b)))
/* On every function of lib/ that returns a gw_status: a status cannot be
 * dropped unnoticed (gcc warns even through a (void) cast: handle it). */
#define GW_NODISCARD __attribute__((warn_unused_result))
#else
#define GW_PRINTF(a, b)
#define GW_NODISCARD
#endif

/* Records the first error only: later calls keep the original cause.
 * Returns `status` so callers can write `return gw_fail(...)`. */
gw_status gw_fail(gw_error *err, gw_status status, size_t offset,
                  const char *fmt, ...) GW_PRINTF(4, 5);
/* gw_fail for an error about another input than the call's primary one. */
gw_status gw_fail_input(gw_error *err, gw_input input, gw_status status, size_t offset,
                        const char *fmt, ...) GW_PRINTF(5, 6);

void gw_error_clear(gw_error *err);

/* A short, stable word for a status ("format error", ...). */
const char *gw_status_name(gw_status status);

#endif
