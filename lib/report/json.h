/* SPDX-License-Identifier: MIT */
/* A small streaming JSON writer into a gw_buf: pretty-printed with two
 * spaces, keys in the order written, strings always valid UTF-8 (bytes
 * that are not are written as U+FFFD). */
#ifndef GW_REPORT_JSON_H
#define GW_REPORT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../buf.h"

/* Containers may nest this deep; one more marks the buffer as failed
 * (out->oom), like an allocation failure, so no invalid JSON escapes. */
#define GW_JSON_MAX_DEPTH 32

typedef struct gw_json {
	gw_buf *out;
	int depth;
	bool need_comma[GW_JSON_MAX_DEPTH + 1];
} gw_json;

void gw_json_init(gw_json *j, gw_buf *out);

/* `key` is NULL for array elements and the top-level value. */
void gw_json_object_begin(gw_json *j, const char *key);
void gw_json_object_end(gw_json *j);
void gw_json_array_begin(gw_json *j, const char *key);
void gw_json_array_end(gw_json *j);
void gw_json_string(gw_json *j, const char *key, const char *s);
void gw_json_string_n(gw_json *j, const char *key, const uint8_t *p, size_t n);
void gw_json_uint(gw_json *j, const char *key, uint64_t v);
void gw_json_int(gw_json *j, const char *key, int64_t v);
void gw_json_bool(gw_json *j, const char *key, bool v);
void gw_json_null(gw_json *j, const char *key);

/* Appends `n` bytes as a JSON string literal (with quotes). */
void gw_json_quote(gw_buf *b, const uint8_t *p, size_t n);

#endif
