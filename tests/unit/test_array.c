/* SPDX-License-Identifier: MIT */
/* item 13: the growable-array helper (lib/util/array.h) and the callers
 * that now fail closed on allocation failure. realloc and strdup are
 * wrapped at link time (-Wl,--wrap), so a failure can be injected into
 * the library's own calls. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "problem.h"
#include "util/array.h"
#include "verify.h"

/* Calls that succeed before the wrapped function starts failing; -1: never fail. */
static long realloc_left = -1, strdup_left = -1;

void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__wrap_strdup(const char *s);

void *__wrap_realloc(void *p, size_t n)
{
	if (realloc_left == 0)
		return NULL;
	if (realloc_left > 0)
		realloc_left--;
	return __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	if (strdup_left == 0)
		return NULL;
	if (strdup_left > 0)
		strdup_left--;
	return __real_strdup(s);
}

static void test_growth(void)
{
	uint32_t *v = NULL, n = 0, cap = 0;
	bool good = true;
	for (uint32_t i = 0; i < 1000; i++) {
		if (GW_ARRAY_RESERVE(v, cap, n + 1, 16) != GW_OK) {
			good = false;
			break;
		}
		v[n++] = i * 7;
	}
	ok(good, "item 13: 1000 appends succeed");
	is_uint(cap, 1024, "item 13: the capacity doubles from the first size (16 ... 1024)");
	bool same = good;
	for (uint32_t i = 0; same && i < n; i++)
		same = v[i] == i * 7;
	ok(same, "item 13: the elements survive every growth");
	is_int(GW_ARRAY_RESERVE(v, cap, 10, 16), GW_OK, "item 13: a need within the capacity is a no-op");
	is_uint(cap, 1024, "item 13: ... and keeps the capacity");
	free(v);

	char *s = NULL;
	size_t scap = 0;
	is_int(GW_ARRAY_RESERVE(s, scap, 300, 256), GW_OK, "item 13: a size_t capacity grows too");
	is_uint(scap, 512, "item 13: ... to the first power-of-two multiple of the first size that holds the need");
	free(s);
}

static void test_overflow(void)
{
	uint64_t *v = NULL;
	uint32_t cap = 0;
	is_int(GW_ARRAY_RESERVE(v, cap, (size_t)UINT32_MAX + 1, 16), GW_ERR_NOMEM,
	       "item 13: a uint32_t capacity refuses a need it cannot count");
	ok(v == NULL && cap == 0, "item 13: ... and leaves the array as it was");

	struct big { char b[1 << 20]; } *b = NULL;
	size_t bcap = 0;
	is_int(GW_ARRAY_RESERVE(b, bcap, SIZE_MAX / 1024, 1), GW_ERR_NOMEM,
	       "item 13: a byte size that overflows size_t is refused before realloc");
	ok(b == NULL && bcap == 0, "item 13: ... and leaves the array as it was");
}

static void test_realloc_failure(void)
{
	int *v = NULL;
	uint32_t n = 0, cap = 0;
	for (int i = 0; i < 16; i++) {
		if (GW_ARRAY_RESERVE(v, cap, n + 1, 16) != GW_OK)
			break;
		v[n++] = i;
	}
	realloc_left = 0;
	gw_status s = GW_ARRAY_RESERVE(v, cap, n + 1, 16);
	realloc_left = -1;
	is_int(s, GW_ERR_NOMEM, "item 13: a failed realloc is GW_ERR_NOMEM");
	ok(v && cap == 16 && v[15] == 15, "item 13: ... the old block and its capacity are kept");
	free(v);
}

/* gw_problem_vappend grows its list with GW_ARRAY_RESERVE. */
typedef struct {
	int kind;
	char msg[24];
} test_problem;

static test_problem *add_problem(test_problem **v, uint32_t *n, uint32_t *cap, const char *fmt, ...) GW_PRINTF(4, 5);
static test_problem *add_problem(test_problem **v, uint32_t *n, uint32_t *cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	test_problem *p = GW_PROBLEM_VAPPEND(test_problem, msg, *v, *n, *cap, fmt, ap);
	va_end(ap);
	return p;
}

static void test_problem_append(void)
{
	test_problem *v = NULL;
	uint32_t n = 0, cap = 0;
	bool good = true;
	for (int i = 0; good && i < 40; i++) {
		test_problem *p = add_problem(&v, &n, &cap, "problem %d of a message cut to fit", i);
		good = p && p == &v[n - 1] && p->kind == 0;
		if (good)
			p->kind = i;
	}
	ok(good && n == 40, "item 13: problem list: 40 appends, each record zeroed");
	is_uint(cap, 64, "item 13: problem list: the room doubles from 16 (16, 32, 64)");
	bool same = good;
	for (uint32_t i = 0; same && i < n; i++) {
		char want[64];
		snprintf(want, sizeof want, "problem %u of a message cut to fit", i);
		want[sizeof v[i].msg - 1] = 0;
		same = v[i].kind == (int)i && !strcmp(v[i].msg, want);
	}
	ok(same, "item 13: problem list: every record and its cut message survive the growth");
	while (n < cap)
		add_problem(&v, &n, &cap, "filler");
	realloc_left = 0;
	test_problem *p = add_problem(&v, &n, &cap, "one too many");
	realloc_left = -1;
	ok(p == NULL && n == 64 && cap == 64 && v[39].kind == 39,
	   "item 13: problem list: a failed realloc returns NULL and leaves the list as it was");
	free(v);
}

/* gw_verify_npm_folder with realloc and strdup failing after the given
 * numbers of calls (-1: never). */
static gw_status verify_folder(const char *dir, long reallocs, long strdups, gw_verify_report *r)
{
	gw_error err;
	gw_error_clear(&err);
	realloc_left = reallocs;
	strdup_left = strdups;
	gw_status s = gw_verify_npm_folder(dir, r, &err);
	realloc_left = strdup_left = -1;
	return s;
}

/* An npm folder of `nfiles` files: before, a failed realloc or strdup
 * while listing it silently left names out and the folder was verified
 * without them. */
static void test_npm_folder_fails_closed(void)
{
	char dir[] = "/tmp/gowasm-test-array-XXXXXX";
	if (!ok(mkdtemp(dir) != NULL, "item 13: a temporary folder"))
		return;
	enum { NFILES = 20 };
	char path[512];
	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof path, "%s/f%02d.js", dir, i);
		FILE *f = fopen(path, "w");
		if (f) {
			fputs("x\n", f);
			fclose(f);
		}
	}
	gw_verify_report r;
	gw_status s = verify_folder(dir, -1, -1, &r);
	ok(s == GW_OK && r.n > 0, "item 13: the folder verifies (with problems: it is no package) when memory suffices");
	gw_verify_report_free(&r);
	/* The first realloc holds 16 names; the second, for the 17th, fails. */
	is_int(verify_folder(dir, 1, -1, &r), GW_ERR_NOMEM,
	       "item 13: npm folder: a failed realloc of the name list is an error, not a shorter list");
	gw_verify_report_free(&r);
	is_int(verify_folder(dir, -1, 5, &r), GW_ERR_NOMEM,
	       "item 13: npm folder: a failed strdup of a name is an error, not a missing file");
	gw_verify_report_free(&r);

	for (int i = 0; i < NFILES; i++) {
		snprintf(path, sizeof path, "%s/f%02d.js", dir, i);
		unlink(path);
	}
	rmdir(dir);
}

int main(void)
{
	test_growth();
	test_overflow();
	test_realloc_failure();
	test_problem_append();
	test_npm_folder_fails_closed();
	return done_testing();
}
