/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
/* The file digests of gowasm-pack and gowasm-verify, timed in-process for
 * tests/bench/digest.py: prints each digest in hex and the best time of N
 * runs, so the bench can compare them with sha256sum/sha384sum. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "digest.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: digest-file FILE RUNS\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) != 0) {
		perror(argv[1]);
		return 2;
	}
	long size = ftell(f);
	rewind(f);
	unsigned char *data = malloc(size > 0 ? (size_t)size : 1);
	if (size < 0 || !data || fread(data, 1, (size_t)size, f) != (size_t)size) {
		perror(argv[1]);
		return 2;
	}
	fclose(f);
	int runs = atoi(argv[2]) > 0 ? atoi(argv[2]) : 1;
	double best256 = 1e9, best384 = 1e9;
	uint8_t d256[32], d384[48];
	for (int i = 0; i < runs; i++) {
		double t0 = now();
		gw_sha256(data, (size_t)size, d256);
		double t1 = now();
		gw_sha384(data, (size_t)size, d384);
		double t2 = now();
		best256 = t1 - t0 < best256 ? t1 - t0 : best256;
		best384 = t2 - t1 < best384 ? t2 - t1 : best384;
	}
	char h256[65], h384[97];
	gw_hex(d256, 32, h256);
	gw_hex(d384, 48, h384);
	printf("sha256 %s %.6f\nsha384 %s %.6f\n", h256, best256, h384, best384);
	free(data);
	return 0;
}
