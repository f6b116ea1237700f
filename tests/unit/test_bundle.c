/* SPDX-License-Identifier: MIT */
/* item 13: gw_zip_build writes the same bytes whatever the process's time
 * zone (libzip converts times with localtime; the library sets the UTC
 * date and time itself), and those are the UTC date and time. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle.h"
#include "tap.h"

static const uint8_t text[] = "package main\n\nfunc main() {}\n";

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static gw_status build_in(const char *tz, time_t mtime, uint8_t **out, size_t *len)
{
	setenv("TZ", tz, 1);
	tzset();
	uint8_t *raw = NULL;
	size_t raw_len = 0;
	gw_error err;
	gw_error_clear(&err);
	gw_status s = gw_deflate_raw(text, sizeof text - 1, GW_DEFLATE_LEVEL, &raw, &raw_len, &err);
	if (s)
		return s;
	gw_bundle_file files[] = {
		{ .path = "a.txt", .role = "glue", .data = text, .size = sizeof text - 1 },
		{ .path = "b.go", .role = "module", .data = text, .size = sizeof text - 1, .deflated = raw,
		  .deflated_size = raw_len },
		{ .path = "c.gz", .role = "module", .data = text, .size = sizeof text - 1, .store = true },
	};
	s = gw_zip_build(files, sizeof files / sizeof *files, mtime, out, len, &err);
	free(raw);
	return s;
}

/* The time and date of every local header and central record. */
static bool all_times(const uint8_t *z, size_t len, uint16_t dtime, uint16_t ddate, unsigned *n)
{
	*n = 0;
	for (size_t p = 0; p + 16 <= len; p++) {
		if (!memcmp(z + p, "PK\x03\x04", 4)) {
			if (rd16(z + p + 10) != dtime || rd16(z + p + 12) != ddate)
				return false;
			(*n)++;
		} else if (!memcmp(z + p, "PK\x01\x02", 4)) {
			if (rd16(z + p + 12) != dtime || rd16(z + p + 14) != ddate)
				return false;
			(*n)++;
		}
	}
	return true;
}

static void test_time_zones(time_t mtime, const char *when, uint16_t dtime, uint16_t ddate)
{
	static const char *zones[] = { "UTC0", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati" };
	uint8_t *ref = NULL;
	size_t ref_len = 0;
	if (!is_int(build_in(zones[0], mtime, &ref, &ref_len), GW_OK, "item 13: %s: the zip builds under TZ=UTC0", when))
		return;
	unsigned n = 0;
	bool utc = all_times(ref, ref_len, dtime, ddate, &n);
	ok(utc && n == 6, "item 13: %s: every header (%u of 6) holds the UTC date and time", when, n);
	for (size_t i = 1; i < sizeof zones / sizeof *zones; i++) {
		uint8_t *z = NULL;
		size_t len = 0;
		gw_status s = build_in(zones[i], mtime, &z, &len);
		ok(s == GW_OK && len == ref_len && !memcmp(z, ref, len),
		   "item 13: %s: the bytes under TZ=%s are those under TZ=UTC0", when, zones[i]);
		free(z);
	}
	free(ref);
}

int main(void)
{
	/* 2023-07-22 04:26:40 UTC: daylight saving time in New York, where
	 * it is still the 21st; 18:26:40 in Kiritimati (UTC+14). */
	test_time_zones(1690000000, "summer", (uint16_t)((4 << 11) | (26 << 5) | (40 >> 1)),
	                (uint16_t)(((2023 - 1980) << 9) | (7 << 5) | 22));
	/* 1980-01-01 00:00:00 UTC, the DOS epoch: still 1979 west of UTC. */
	test_time_zones(315532800, "the DOS epoch", 0, (uint16_t)((0 << 9) | (1 << 5) | 1));
	/* Before 1980: clamped to the epoch. */
	test_time_zones(0, "1970", 0, (uint16_t)((0 << 9) | (1 << 5) | 1));
	return done_testing();
}
