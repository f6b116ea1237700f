/* SPDX-License-Identifier: MIT */
#include "digest.h"

#include <string.h>

#include <openssl/sha.h>

/* OpenSSL's one-shot SHA256() and SHA384() hash with a context on the
 * stack (OpenSSL 3.0): they neither allocate nor fail, and use the CPU's SHA
 * extensions where there are any. */
void gw_sha256(const void *data, size_t len, uint8_t out[32])
{
	SHA256(data, len, out);
}

void gw_sha384(const void *data, size_t len, uint8_t out[48])
{
	SHA384(data, len, out);
}

void gw_hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

void gw_base64(const uint8_t *p, size_t n, char *out)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0, i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[o++] = t[v >> 18];
		out[o++] = t[(v >> 12) & 63];
		out[o++] = t[(v >> 6) & 63];
		out[o++] = t[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		out[o++] = t[v >> 18];
		out[o++] = t[(v >> 12) & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		out[o++] = t[v >> 18];
		out[o++] = t[(v >> 12) & 63];
		out[o++] = t[(v >> 6) & 63];
		out[o++] = '=';
	}
	out[o] = 0;
}

void gw_sri_sha384(const void *data, size_t len, char out[72])
{
	uint8_t d[48];
	gw_sha384(data, len, d);
	memcpy(out, "sha384-", 7);
	gw_base64(d, 48, out + 7);
}
