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

typedef struct gw_error {
	gw_status status;
	size_t offset;      /* byte offset in the input, or GW_NO_OFFSET */
	char msg[240];
} gw_error;

#if defined(__GNUC__)
#define GW_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define GW_PRINTF(a, b)
#endif

/* Records the first error only: later calls keep the original cause.
 * Returns `status` so callers can write `return gw_fail(...)`. */
gw_status gw_fail(gw_error *err, gw_status status, size_t offset,
                  const char *fmt, ...) GW_PRINTF(4, 5);

void gw_error_clear(gw_error *err);

/* A short, stable word for a status ("format error", ...). */
const char *gw_status_name(gw_status status);

#endif
