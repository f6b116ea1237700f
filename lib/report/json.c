/* SPDX-License-Identifier: MIT */
#include "json.h"

#include <inttypes.h>
#include <string.h>

#include "../utf8.h"

void gw_json_init(gw_json *j, gw_buf *out)
{
	memset(j, 0, sizeof *j);
	j->out = out;
}

static void indent(gw_json *j)
{
	gw_buf_putc(j->out, '\n');
	for (int i = 0; i < j->depth; i++)
		gw_buf_puts(j->out, "  ");
}

void gw_json_quote(gw_buf *b, const uint8_t *p, size_t n)
{
	gw_buf_putc(b, '"');
	size_t i = 0;
	while (i < n) {
		uint8_t c = p[i];
		size_t run = i;
		/* Copy plain ASCII in runs. */
		while (run < n && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' && p[run] != '\\')
			run++;
		if (run > i) {
			gw_buf_append(b, p + i, run - i);
			i = run;
			continue;
		}
		switch (c) {
		case '"': gw_buf_puts(b, "\\\""); i++; continue;
		case '\\': gw_buf_puts(b, "\\\\"); i++; continue;
		case '\n': gw_buf_puts(b, "\\n"); i++; continue;
		case '\t': gw_buf_puts(b, "\\t"); i++; continue;
		case '\r': gw_buf_puts(b, "\\r"); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			gw_buf_printf(b, "\\u%04x", c);
			i++;
			continue;
		}
		size_t len = gw_utf8_seq_len(p + i, n - i);
		if (len && gw_utf8_is_control(p + i, len)) {
			/* The same string, safe to print raw on a terminal. */
			unsigned cp = len == 2 ? (p[i] & 0x1fu) << 6 | (p[i + 1] & 0x3fu)
			                       : (p[i] & 0x0fu) << 12 | (p[i + 1] & 0x3fu) << 6 | (p[i + 2] & 0x3fu);
			gw_buf_printf(b, "\\u%04x", cp);
			i += len;
		} else if (len) {
			gw_buf_append(b, p + i, len);
			i += len;
		} else {
			gw_buf_puts(b, "\xef\xbf\xbd"); /* U+FFFD */
			i++;
		}
	}
	gw_buf_putc(b, '"');
}

static void key(gw_json *j, const char *k)
{
	if (j->depth > 0) {
		if (j->need_comma[j->depth])
			gw_buf_putc(j->out, ',');
		indent(j);
	}
	j->need_comma[j->depth] = true;
	if (k) {
		gw_json_quote(j->out, (const uint8_t *)k, strlen(k));
		gw_buf_puts(j->out, ": ");
	}
}

static void open_(gw_json *j, const char *k, char c)
{
	if (j->depth >= GW_JSON_MAX_DEPTH) {
		j->out->oom = true; /* too deep: fail the whole document */
		return;
	}
	key(j, k);
	gw_buf_putc(j->out, c);
	j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_(gw_json *j, char c)
{
	if (j->depth == 0) {
		j->out->oom = true; /* unbalanced */
		return;
	}
	bool had = j->need_comma[j->depth];
	j->depth--;
	if (had)
		indent(j);
	gw_buf_putc(j->out, c);
	if (j->depth == 0)
		gw_buf_putc(j->out, '\n');
}

void gw_json_object_begin(gw_json *j, const char *k) { open_(j, k, '{'); }
void gw_json_object_end(gw_json *j) { close_(j, '}'); }
void gw_json_array_begin(gw_json *j, const char *k) { open_(j, k, '['); }
void gw_json_array_end(gw_json *j) { close_(j, ']'); }

void gw_json_string(gw_json *j, const char *k, const char *s)
{
	if (!s) {
		gw_json_null(j, k);
		return;
	}
	gw_json_string_n(j, k, (const uint8_t *)s, strlen(s));
}

void gw_json_string_n(gw_json *j, const char *k, const uint8_t *p, size_t n)
{
	key(j, k);
	gw_json_quote(j->out, p, n);
}

void gw_json_uint(gw_json *j, const char *k, uint64_t v)
{
	key(j, k);
	gw_buf_printf(j->out, "%" PRIu64, v);
}

void gw_json_int(gw_json *j, const char *k, int64_t v)
{
	key(j, k);
	gw_buf_printf(j->out, "%" PRId64, v);
}

void gw_json_bool(gw_json *j, const char *k, bool v)
{
	key(j, k);
	gw_buf_puts(j->out, v ? "true" : "false");
}

void gw_json_null(gw_json *j, const char *k)
{
	key(j, k);
	gw_buf_puts(j->out, "null");
}
