/* SPDX-License-Identifier: MIT */
/* The JSON writer and the byte buffer: exact pretty-printed output,
 * string escaping, U+FFFD for invalid UTF-8, and terminal-safe output.
 * Every document is also run through a small strict JSON validator, so
 * that a change in layout cannot hide a syntax error. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "report/json.h"
#include "tap.h"
#include "utf8.h"

/* ------------------------------------------------------------------ */
/* A strict validator for what the writer may emit (RFC 8259). */

typedef struct jv {
	const char *p, *end;
	int depth;
} jv;

static void ws(jv *v)
{
	while (v->p < v->end && (*v->p == ' ' || *v->p == '\n' || *v->p == '\t' || *v->p == '\r'))
		v->p++;
}

static bool lit(jv *v, const char *s)
{
	size_t n = strlen(s);
	if ((size_t)(v->end - v->p) < n || memcmp(v->p, s, n) != 0)
		return false;
	v->p += n;
	return true;
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool jstring(jv *v)
{
	if (!lit(v, "\""))
		return false;
	while (v->p < v->end) {
		unsigned char c = (unsigned char)*v->p;
		if (c == '"') {
			v->p++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			v->p++;
			if (v->p >= v->end)
				return false;
			char e = *v->p++;
			if (e == 'u') {
				for (int i = 0; i < 4; i++)
					if (v->p >= v->end || !is_hex(*v->p++))
						return false;
			} else if (!strchr("\"\\/bfnrt", e)) {
				return false;
			}
			continue;
		}
		if (c >= 0x80) {
			size_t n = gw_utf8_seq_len((const uint8_t *)v->p, (size_t)(v->end - v->p));
			if (!n)
				return false;
			v->p += n;
			continue;
		}
		v->p++;
	}
	return false;
}

static bool jnumber(jv *v)
{
	const char *s = v->p;
	if (v->p < v->end && *v->p == '-')
		v->p++;
	if (v->p >= v->end || *v->p < '0' || *v->p > '9')
		return false;
	if (*v->p == '0') {
		v->p++;
	} else {
		while (v->p < v->end && *v->p >= '0' && *v->p <= '9')
			v->p++;
	}
	return v->p > s;
}

static bool jvalue(jv *v);

static bool jcontainer(jv *v, char open, char close, bool object)
{
	if (!lit(v, (char[]){ open, 0 }))
		return false;
	if (++v->depth > 200)
		return false;
	ws(v);
	if (v->p < v->end && *v->p == close) {
		v->p++;
		v->depth--;
		return true;
	}
	for (;;) {
		ws(v);
		if (object) {
			if (!jstring(v))
				return false;
			ws(v);
			if (!lit(v, ":"))
				return false;
		}
		if (!jvalue(v))
			return false;
		ws(v);
		if (v->p < v->end && *v->p == ',') {
			v->p++;
			continue;
		}
		if (v->p < v->end && *v->p == close) {
			v->p++;
			v->depth--;
			return true;
		}
		return false;
	}
}

static bool jvalue(jv *v)
{
	ws(v);
	if (v->p >= v->end)
		return false;
	switch (*v->p) {
	case '{': return jcontainer(v, '{', '}', true);
	case '[': return jcontainer(v, '[', ']', false);
	case '"': return jstring(v);
	case 't': return lit(v, "true");
	case 'f': return lit(v, "false");
	case 'n': return lit(v, "null");
	default: return jnumber(v);
	}
}

/* One complete JSON text, nothing after it but whitespace. */
static bool json_valid(const char *s, size_t n)
{
	jv v = { s, s + n, 0 };
	if (!jvalue(&v))
		return false;
	ws(&v);
	return v.p == v.end;
}

/* Compares a buffer with the expected text and checks it is valid JSON
 * (when `json`). */
static void expect_buf(gw_buf *b, const char *want, bool json, const char *name)
{
	ok(!b->oom, "%s: no allocation failure", name);
	is_mem(b->data ? b->data : "", b->len, want, strlen(want), "%s: exact output", name);
	if (json)
		ok(b->data && json_valid(b->data, b->len), "%s: valid JSON", name);
	if (b->data)
		is_uint(strlen(b->data), b->len, "%s: NUL-terminated at len", name);
}

/* ------------------------------------------------------------------ */

static void test_validator(void)
{
	/* The validator must itself reject what it is there to catch. */
	ok(json_valid("{\"a\": [1, 2]}", 13), "validator accepts a document");
	ok(!json_valid("{,\"a\": 1}", 9), "validator rejects {,");
	ok(!json_valid("[1,]", 4), "validator rejects a trailing comma");
	ok(!json_valid("[1 2]", 5), "validator rejects a missing comma");
	ok(!json_valid("\"a\x01\"", 4), "validator rejects a raw control byte");
	ok(!json_valid("\"\xff\"", 3), "validator rejects invalid UTF-8");
	ok(!json_valid("{} {}", 5), "validator rejects two documents");
}

static void test_empty(void)
{
	gw_buf b;
	gw_json j;
	gw_buf_init(&b);
	gw_json_init(&j, &b);
	gw_json_object_begin(&j, NULL);
	gw_json_object_end(&j);
	expect_buf(&b, "{}\n", true, "empty object");
	gw_buf_free(&b);

	gw_json_init(&j, &b);
	gw_json_array_begin(&j, NULL);
	gw_json_array_end(&j);
	expect_buf(&b, "[]\n", true, "empty array");
	gw_buf_free(&b);
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "gw_buf_free resets the buffer");
}

static void test_nesting(void)
{
	gw_buf b;
	gw_json j;
	gw_buf_init(&b);
	gw_json_init(&j, &b);
	gw_json_object_begin(&j, NULL);
	gw_json_string(&j, "a", "x");
	gw_json_array_begin(&j, "b");
	gw_json_uint(&j, NULL, 1);
	gw_json_uint(&j, NULL, 2);
	gw_json_array_end(&j);
	gw_json_object_begin(&j, "c");
	gw_json_object_end(&j);
	gw_json_array_begin(&j, "d");
	gw_json_array_end(&j);
	gw_json_null(&j, "n");
	gw_json_bool(&j, "t", true);
	gw_json_bool(&j, "f", false);
	gw_json_int(&j, "i", -5);
	gw_json_int(&j, "min", INT64_MIN);
	gw_json_uint(&j, "u", UINT64_MAX);
	gw_json_string(&j, "s", NULL);
	gw_json_object_end(&j);
	expect_buf(&b,
	           "{\n"
	           "  \"a\": \"x\",\n"
	           "  \"b\": [\n"
	           "    1,\n"
	           "    2\n"
	           "  ],\n"
	           "  \"c\": {},\n"
	           "  \"d\": [],\n"
	           "  \"n\": null,\n"
	           "  \"t\": true,\n"
	           "  \"f\": false,\n"
	           "  \"i\": -5,\n"
	           "  \"min\": -9223372036854775808,\n"
	           "  \"u\": 18446744073709551615,\n"
	           "  \"s\": null\n"
	           "}\n",
	           true, "object with every value kind");
	gw_buf_free(&b);

	gw_json_init(&j, &b);
	gw_json_array_begin(&j, NULL);
	for (int i = 1; i <= 2; i++) {
		gw_json_object_begin(&j, NULL);
		gw_json_uint(&j, "k", (uint64_t)i);
		gw_json_array_begin(&j, "e");
		gw_json_array_end(&j);
		gw_json_object_end(&j);
	}
	gw_json_array_begin(&j, NULL);
	gw_json_array_begin(&j, NULL);
	gw_json_string(&j, NULL, "deep");
	gw_json_array_end(&j);
	gw_json_array_end(&j);
	gw_json_array_end(&j);
	expect_buf(&b,
	           "[\n"
	           "  {\n"
	           "    \"k\": 1,\n"
	           "    \"e\": []\n"
	           "  },\n"
	           "  {\n"
	           "    \"k\": 2,\n"
	           "    \"e\": []\n"
	           "  },\n"
	           "  [\n"
	           "    [\n"
	           "      \"deep\"\n"
	           "    ]\n"
	           "  ]\n"
	           "]\n",
	           true, "array of objects and arrays");
	gw_buf_free(&b);

	/* Two documents in one buffer: each closes with its own newline. */
	gw_json_init(&j, &b);
	gw_json_object_begin(&j, NULL);
	gw_json_object_end(&j);
	gw_json_init(&j, &b);
	gw_json_uint(&j, NULL, 7);
	expect_buf(&b, "{}\n7", false, "a second document appends");
	gw_buf_free(&b);
}

/* Nesting up to the writer's documented depth stays valid JSON. */
static void test_depth(void)
{
	static const int depths[] = { 1, 8, GW_JSON_MAX_DEPTH - 1, GW_JSON_MAX_DEPTH };
	for (size_t d = 0; d < sizeof depths / sizeof depths[0]; d++) {
		int n = depths[d];
		gw_buf b;
		gw_json j;
		gw_buf_init(&b);
		/* Objects and arrays alternate; each holds a scalar and then the
		 * next container (keyed "k" inside an object). */
		gw_json_init(&j, &b);
		for (int i = 0; i < n; i++) {
			const char *key = (i > 0 && (i - 1) % 2 == 0) ? "k" : NULL;
			if (i % 2 == 0)
				gw_json_object_begin(&j, key);
			else
				gw_json_array_begin(&j, key);
			if (i % 2 == 0)
				gw_json_uint(&j, "v", (uint64_t)i);
			else
				gw_json_uint(&j, NULL, (uint64_t)i);
		}
		for (int i = n - 1; i >= 0; i--) {
			if (i % 2 == 0)
				gw_json_object_end(&j);
			else
				gw_json_array_end(&j);
		}
		ok(!b.oom && b.data && json_valid(b.data, b.len), "%d nested containers: valid JSON", n);
		ok(b.len && b.data[b.len - 1] == '\n', "%d nested containers: ends with a newline", n);
		gw_buf_free(&b);
	}
}

static void quote(gw_buf *b, const void *p, size_t n)
{
	gw_buf_free(b);
	gw_json_quote(b, p, n);
}

static void test_escaping(void)
{
	gw_buf b;
	gw_buf_init(&b);
	quote(&b, "plain", 5);
	expect_buf(&b, "\"plain\"", true, "plain ASCII");
	quote(&b, "", 0);
	expect_buf(&b, "\"\"", true, "empty string");
	quote(&b, "a\"b\\c/", 6);
	expect_buf(&b, "\"a\\\"b\\\\c/\"", true, "quote and backslash");
	quote(&b, "\n\t\r", 3);
	expect_buf(&b, "\"\\n\\t\\r\"", true, "newline, tab, CR");
	quote(&b, "\x01\x08\x0c\x1b\x1f", 5);
	expect_buf(&b, "\"\\u0001\\u0008\\u000c\\u001b\\u001f\"", true, "other control bytes as \\u00XX");
	quote(&b, "a\0b", 3);
	expect_buf(&b, "\"a\\u0000b\"", true, "NUL inside a string");
	quote(&b, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9);
	expect_buf(&b, "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", true, "valid UTF-8 kept");
	quote(&b, "a\xff" "b", 3);
	expect_buf(&b, "\"a\xef\xbf\xbd" "b\"", true, "0xff becomes U+FFFD");
	quote(&b, "\xc0\x80", 2);
	expect_buf(&b, "\"\xef\xbf\xbd\xef\xbf\xbd\"", true, "overlong NUL: one U+FFFD per byte");
	quote(&b, "\xe2\x82", 2);
	expect_buf(&b, "\"\xef\xbf\xbd\xef\xbf\xbd\"", true, "truncated sequence at the end");
	quote(&b, "\xed\xa0\x80x", 4);
	expect_buf(&b, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx\"", true, "surrogate: three U+FFFD");
	quote(&b, "\xf4\x90\x80\x80", 4);
	expect_buf(&b, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", true, "past U+10FFFF");
	quote(&b, "\xe2\x82\"", 3);
	expect_buf(&b, "\"\xef\xbf\xbd\xef\xbf\xbd\\\"\"", true, "truncated sequence before a quote");
	/* Keys are escaped like values. */
	gw_buf_free(&b);
	gw_json j;
	gw_json_init(&j, &b);
	gw_json_object_begin(&j, NULL);
	gw_json_string_n(&j, "k\"\n", (const uint8_t *)"v\x80", 2);
	gw_json_object_end(&j);
	expect_buf(&b, "{\n  \"k\\\"\\n\": \"v\xef\xbf\xbd\"\n}\n", true, "escaped key, invalid byte in value");
	gw_buf_free(&b);

	/* Every single byte value yields a valid JSON string. */
	unsigned bad = 0;
	for (int c = 0; c < 256; c++) {
		uint8_t s[3] = { 'x', (uint8_t)c, 'y' };
		quote(&b, s, 3);
		if (b.oom || !json_valid(b.data, b.len))
			bad++;
	}
	is_uint(bad, 0, "all 256 byte values quote to valid JSON");
	gw_buf_free(&b);
}

static void test_printable(void)
{
	static const struct {
		const char *name;
		const char *in;
		size_t n;
		const char *want;
	} v[] = {
		{ "ESC sequence", "a\x1b[31mb", 7, "a\\x1b[31mb" },
		{ "plain text", "hello, world", 12, "hello, world" },
		{ "newline and tab", "a\nb\t", 4, "a\\x0ab\\x09" },
		{ "NUL", "\0", 1, "\\x00" },
		{ "DEL", "\x7f", 1, "\\x7f" },
		{ "valid UTF-8", "\xc3\xa9\xe2\x82\xac", 5, "\xc3\xa9\xe2\x82\xac" },
		{ "0xff", "\xff", 1, "\\xff" },
		{ "overlong", "\xc0\x80", 2, "\\xc0\\x80" },
		{ "truncated", "ok\xe2\x82", 4, "ok\\xe2\\x82" },
		{ "backslash stays", "a\\b", 3, "a\\b" },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		gw_buf b;
		gw_buf_init(&b);
		gw_buf_put_printable(&b, v[i].in, v[i].n);
		expect_buf(&b, v[i].want, false, v[i].name);
		/* Nothing below 0x20 and no DEL ever reaches the terminal. */
		bool clean = true;
		for (size_t k = 0; k < b.len; k++)
			if ((unsigned char)b.data[k] < 0x20 || b.data[k] == 0x7f)
				clean = false;
		ok(clean, "%s: no control byte in the output", v[i].name);
		gw_buf_free(&b);
	}
}

static void test_buf(void)
{
	gw_buf b;
	gw_buf_init(&b);
	ok(b.data == NULL && b.len == 0 && !b.oom, "a new buffer is empty");
	gw_buf_append(&b, "", 0);
	ok(b.data != NULL && b.len == 0 && b.data[0] == '\0', "appending nothing gives an empty C string");
	gw_buf_puts(&b, "ab");
	gw_buf_putc(&b, 'c');
	gw_buf_printf(&b, "%d-%s", 42, "x");
	expect_buf(&b, "abc42-x", false, "puts, putc, printf");
	/* printf output longer than its 256-byte stack buffer. */
	char big[1001];
	memset(big, 'z', 1000);
	big[1000] = '\0';
	gw_buf_printf(&b, "[%s]", big);
	ok(b.len == 7 + 1002 && b.data[7] == '[' && b.data[8] == 'z' && b.data[1007] == 'z' &&
	   b.data[1008] == ']' && b.data[1009] == '\0', "a 1002-byte printf is appended whole");
	gw_buf_putc(&b, '!');
	ok(b.len == 1010 && b.data[1009] == '!' && b.data[1010] == '\0', "appending after the long printf");
	/* Growth keeps earlier contents. */
	for (int i = 0; i < 5000; i++)
		gw_buf_putc(&b, (char)('a' + i % 26));
	ok(b.len == 6010 && memcmp(b.data, "abc42-x[", 8) == 0 && b.data[6009] == 'a' + 4999 % 26,
	   "5000 more bytes: contents kept across growth");
	gw_buf_free(&b);
}

/* One level too deep, or one close too many, fails the document rather
 * than writing invalid JSON. */
static void test_depth_overflow(void)
{
	gw_buf b;
	gw_json j;
	gw_buf_init(&b);
	gw_json_init(&j, &b);
	for (int i = 0; i < GW_JSON_MAX_DEPTH; i++)
		gw_json_array_begin(&j, NULL);
	ok(!b.oom, "%d nested arrays are fine", GW_JSON_MAX_DEPTH);
	gw_json_array_begin(&j, NULL);
	ok(b.oom, "one more level marks the buffer as failed");
	gw_buf_free(&b);

	gw_buf_init(&b);
	gw_json_init(&j, &b);
	gw_json_object_begin(&j, NULL);
	gw_json_object_end(&j);
	ok(!b.oom, "balanced object is fine");
	gw_json_object_end(&j);
	ok(b.oom, "an unbalanced close marks the buffer as failed");
	gw_buf_free(&b);
}

int main(void)
{
	test_depth_overflow();
	test_validator();
	test_empty();
	test_nesting();
	test_depth();
	test_escaping();
	test_printable();
	test_buf();
	return done_testing();
}
