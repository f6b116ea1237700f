/* SPDX-License-Identifier: MIT */
/* SHA-256 and SHA-384 (FIPS 180-4), and base64, for file hashes and
 * Subresource Integrity strings. The digests are libcrypto's (OpenSSL),
 * which libzip already loads; tests/bench/digest.py measures them. */
#ifndef GW_PACKAGER_DIGEST_H
#define GW_PACKAGER_DIGEST_H

#include <stddef.h>
#include <stdint.h>

void gw_sha256(const void *data, size_t len, uint8_t out[32]);
void gw_sha384(const void *data, size_t len, uint8_t out[48]);

/* Lowercase hex of n bytes into out (2n + 1 bytes with the NUL). */
void gw_hex(const uint8_t *p, size_t n, char *out);
/* Standard base64 with padding into out (4 * ceil(n / 3) + 1 bytes). */
void gw_base64(const uint8_t *p, size_t n, char *out);

/* "sha384-" + base64(sha384(data)): 7 + 64 characters and a NUL. */
void gw_sri_sha384(const void *data, size_t len, char out[72]);

#endif
