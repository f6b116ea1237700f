/* SPDX-License-Identifier: MIT */
/* A growable byte buffer: how the library hands text (reports, JSON) to a
 * tool without printing. On allocation failure the buffer latches `oom`
 * and further appends are ignored, so callers check once at the end. */
#ifndef GW_BUF_H
#define GW_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

typedef struct gw_buf {
	char *data;   /* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
	bool oom;
} gw_buf;

void gw_buf_init(gw_buf *b);
void gw_buf_free(gw_buf *b);
void gw_buf_append(gw_buf *b, const void *p, size_t n);
void gw_buf_puts(gw_buf *b, const char *s);
void gw_buf_putc(gw_buf *b, char c);
void gw_buf_printf(gw_buf *b, const char *fmt, ...) GW_PRINTF(2, 3);
/* Appends bytes from the input for a terminal: printable ASCII and valid
 * UTF-8 as is, anything else (control bytes, DEL, escape sequences, the
 * C1 controls and the other code points of gw_utf8_is_control, invalid
 * UTF-8) as \xNN per byte. The one escaping rule of every text output. */
void gw_buf_put_printable(gw_buf *b, const void *p, size_t n);
/* The same for a whole text that may span lines: newlines and tabs are
 * kept, everything else is escaped as above. Idempotent on its output. */
void gw_buf_put_text(gw_buf *b, const void *p, size_t n);

#endif
