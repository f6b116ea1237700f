/* SPDX-License-Identifier: MIT */
#include "buf.h"

#include <stdint.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util/array.h"

void gw_buf_init(gw_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}

void gw_buf_free(gw_buf *b)
{
	free(b->data);
	gw_buf_init(b);
}

static bool reserve(gw_buf *b, size_t extra)
{
	if (b->oom)
		return false;
	if (extra > ((size_t)-1) / 2 - b->len - 1) {
		b->oom = true;
		return false;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	if (GW_ARRAY_RESERVE(b->data, b->cap, need, 256)) {
		b->oom = true;
		return false;
	}
	return true;
}

void gw_buf_append(gw_buf *b, const void *p, size_t n)
{
	if (!reserve(b, n))
		return;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void gw_buf_puts(gw_buf *b, const char *s)
{
	gw_buf_append(b, s, strlen(s));
}

void gw_buf_putc(gw_buf *b, char c)
{
	gw_buf_append(b, &c, 1);
}

void gw_buf_printf(gw_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		gw_buf_append(b, small, (size_t)n);
		return;
	}
	if (!reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void put_escaped(gw_buf *b, const unsigned char *p, size_t n, bool keep_lines)
{
	size_t i = 0;
	while (i < n) {
		size_t run = i;
		while (run < n && ((p[run] >= 0x20 && p[run] < 0x7f) || (keep_lines && (p[run] == '\n' || p[run] == '\t'))))
			run++;
		if (run > i) {
			gw_buf_append(b, p + i, run - i);
			i = run;
			continue;
		}
		size_t len = p[i] >= 0x80 ? gw_utf8_seq_len(p + i, n - i) : 0;
		if (len && !gw_utf8_is_control(p + i, len)) {
			gw_buf_append(b, p + i, len);
			i += len;
		} else {
			/* A control sequence is shown byte by byte, so that the
			 * original bytes can be read back from the message. */
			for (size_t k = 0; k < (len ? len : 1); k++)
				gw_buf_printf(b, "\\x%02x", p[i + k]);
			i += len ? len : 1;
		}
	}
}

void gw_buf_put_printable(gw_buf *b, const void *data, size_t n)
{
	put_escaped(b, data, n, false);
}

void gw_buf_put_text(gw_buf *b, const void *data, size_t n)
{
	put_escaped(b, data, n, true);
}
