/* SPDX-License-Identifier: MIT */
/* A tiny header-only TAP 13 harness for the unit tests.
 *
 * Each test program is one translation unit that includes this header
 * once, so the counters can live in static storage here. The plan is
 * printed last ("1..N") because the number of assertions in loops
 * (truncation at every prefix) depends on the inputs built at run time.
 *
 * Every check prints one "ok N - name" or "not ok N - name" line; a
 * failure adds "#" diagnostic lines with the source position and the
 * got/expected values, which meson shows with `meson test -v`. */
#ifndef GW_TESTS_TAP_H
#define GW_TESTS_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define TAP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TAP_PRINTF(a, b)
#endif

static struct {
	unsigned run, failed;
	bool header;
} tap_state_;

static inline void tap_header_(void)
{
	if (!tap_state_.header) {
		/* meson's TAP parser wants the version line first. */
		printf("TAP version 13\n");
		tap_state_.header = true;
	}
}

static inline void tap_vdiag_(const char *fmt, va_list ap)
{
	tap_header_();
	printf("# ");
	vprintf(fmt, ap);
	printf("\n");
}

static inline void diag(const char *fmt, ...) TAP_PRINTF(1, 2);
static inline void diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tap_vdiag_(fmt, ap);
	va_end(ap);
}

static inline bool tap_vok_(bool pass, const char *file, int line, const char *fmt, va_list ap)
{
	tap_header_();
	tap_state_.run++;
	if (!pass)
		tap_state_.failed++;
	printf("%s %u - ", pass ? "ok" : "not ok", tap_state_.run);
	vprintf(fmt, ap);
	printf("\n");
	if (!pass)
		printf("#   failed at %s:%d\n", file, line);
	/* Flush so that a crash in the next check still shows this one. */
	fflush(stdout);
	return pass;
}

static inline bool tap_ok_(bool pass, const char *file, int line, const char *fmt, ...) TAP_PRINTF(4, 5);
static inline bool tap_ok_(bool pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool r = tap_vok_(pass, file, line, fmt, ap);
	va_end(ap);
	return r;
}

static inline bool tap_is_int_(long long got, long long want, const char *file, int line,
                               const char *fmt, ...) TAP_PRINTF(5, 6);
static inline bool tap_is_int_(long long got, long long want, const char *file, int line,
                               const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool r = tap_vok_(got == want, file, line, fmt, ap);
	va_end(ap);
	if (!r)
		printf("#          got: %lld\n#     expected: %lld\n", got, want);
	return r;
}

static inline bool tap_is_uint_(unsigned long long got, unsigned long long want, const char *file,
                                int line, const char *fmt, ...) TAP_PRINTF(5, 6);
static inline bool tap_is_uint_(unsigned long long got, unsigned long long want, const char *file,
                                int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool r = tap_vok_(got == want, file, line, fmt, ap);
	va_end(ap);
	if (!r)
		printf("#          got: %llu (0x%llx)\n#     expected: %llu (0x%llx)\n", got, got, want, want);
	return r;
}

/* Prints a byte string for a diagnostic, escaping what is not printable
 * so that a failing comparison of binary data stays one readable line. */
static inline void tap_print_bytes_(const void *p, size_t n)
{
	const unsigned char *s = p;
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			printf("\\%c", s[i]);
		else if (s[i] >= 0x20 && s[i] < 0x7f)
			putchar(s[i]);
		else if (s[i] == '\n')
			printf("\\n");
		else
			printf("\\x%02x", s[i]);
	}
	putchar('"');
}

static inline bool tap_is_mem_(const void *got, size_t got_len, const void *want, size_t want_len,
                               const char *file, int line, const char *fmt, ...) TAP_PRINTF(7, 8);
static inline bool tap_is_mem_(const void *got, size_t got_len, const void *want, size_t want_len,
                               const char *file, int line, const char *fmt, ...)
{
	bool pass;
	if (!got || !want)
		pass = got == want; /* NULL matches only NULL */
	else
		pass = got_len == want_len && (got_len == 0 || memcmp(got, want, got_len) == 0);
	va_list ap;
	va_start(ap, fmt);
	bool r = tap_vok_(pass, file, line, fmt, ap);
	va_end(ap);
	if (!r) {
		printf("#          got: ");
		if (got)
			tap_print_bytes_(got, got_len);
		else
			printf("NULL");
		printf("\n#     expected: ");
		if (want)
			tap_print_bytes_(want, want_len);
		else
			printf("NULL");
		printf("\n");
	}
	return r;
}

/* ok(cond, "name %d", ...): passes when cond is true. */
#define ok(cond, ...) tap_ok_(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
/* is_int(got, want, "name"): signed comparison. */
#define is_int(got, want, ...) \
	tap_is_int_((long long)(got), (long long)(want), __FILE__, __LINE__, __VA_ARGS__)
/* is_uint(got, want, "name"): unsigned comparison, shown in hex too. */
#define is_uint(got, want, ...) \
	tap_is_uint_((unsigned long long)(got), (unsigned long long)(want), __FILE__, __LINE__, __VA_ARGS__)
/* is_mem(gotp, gotn, wantp, wantn, "name"): byte strings, NULL-aware. */
#define is_mem(got, got_len, want, want_len, ...) \
	tap_is_mem_((got), (got_len), (want), (want_len), __FILE__, __LINE__, __VA_ARGS__)
/* is_str(got, want, "name"): NUL-terminated strings, NULL-aware. */
#define is_str(got, want, ...) \
	tap_is_str_((got), (want), __FILE__, __LINE__, __VA_ARGS__)

static inline bool tap_is_str_(const char *got, const char *want, const char *file, int line,
                               const char *fmt, ...) TAP_PRINTF(5, 6);
static inline bool tap_is_str_(const char *got, const char *want, const char *file, int line,
                               const char *fmt, ...)
{
	bool pass = (got && want) ? strcmp(got, want) == 0 : got == want;
	va_list ap;
	va_start(ap, fmt);
	bool r = tap_vok_(pass, file, line, fmt, ap);
	va_end(ap);
	if (!r) {
		printf("#          got: ");
		if (got)
			tap_print_bytes_(got, strlen(got));
		else
			printf("NULL");
		printf("\n#     expected: ");
		if (want)
			tap_print_bytes_(want, strlen(want));
		else
			printf("NULL");
		printf("\n");
	}
	return r;
}

/* Prints the plan and returns the process exit status: 0 only when every
 * assertion passed and at least one ran (an empty run is a broken test). */
static inline int done_testing(void)
{
	tap_header_();
	printf("1..%u\n", tap_state_.run);
	if (tap_state_.failed)
		printf("# %u of %u assertions failed\n", tap_state_.failed, tap_state_.run);
	fflush(stdout);
	return tap_state_.failed || tap_state_.run == 0 ? 1 : 0;
}

#endif
