/* Strict UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF). */
#ifndef GW_UTF8_H
#define GW_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length (1-4) of the valid sequence starting at p, or 0 if invalid. */
size_t gw_utf8_seq_len(const uint8_t *p, size_t n);
bool gw_utf8_valid(const uint8_t *p, size_t n);

#endif
