/* SPDX-License-Identifier: MIT */
/* Helpers shared by the unit tests that parse modules: an exact-size
 * copy of the input (so a sanitizer build catches reads past the end)
 * and comparisons of gw_str values. Header-only, like tap.h. */
#ifndef GW_TESTS_GWTEST_H
#define GW_TESTS_GWTEST_H

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wasm/module.h"
#include "wasmbuild.h"

/* is_gwstr(str, "text", "name"): a gw_str (not NUL-terminated, maybe
 * NULL when empty) equals a C string. */
#define is_gwstr(s, z, ...) \
	tap_is_mem_((s).len ? (const void *)(s).p : (const void *)"", (s).len, (z), strlen(z), \
	            __FILE__, __LINE__, __VA_ARGS__)

typedef struct gwt_mod {
	uint8_t *bytes;   /* exact-size copy; the module points into it */
	size_t size;
	gw_module *m;
	gw_error err;
	gw_status status;
} gwt_mod;

/* Parses a copy of p[0..n). The copy lives until gwt_free(). */
static inline gw_status gwt_parse(gwt_mod *t, const uint8_t *p, size_t n)
{
	t->bytes = malloc(n ? n : 1);
	if (!t->bytes)
		abort();
	if (n)
		memcpy(t->bytes, p, n);
	t->size = n;
	t->m = NULL;
	gw_error_clear(&t->err);
	t->status = gw_module_parse(t->bytes, n, &t->m, &t->err);
	return t->status;
}

static inline gw_status gwt_parse_wb(gwt_mod *t, const wb *b)
{
	return gwt_parse(t, b->data, b->len);
}

static inline void gwt_free(gwt_mod *t)
{
	gw_module_free(t->m);
	free(t->bytes);
	t->m = NULL;
	t->bytes = NULL;
}

#endif
