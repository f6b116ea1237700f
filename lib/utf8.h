/* SPDX-License-Identifier: MIT */
/* Strict UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF). */
#ifndef GW_UTF8_H
#define GW_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length (1-4) of the valid sequence starting at p, or 0 if invalid. */
size_t gw_utf8_seq_len(const uint8_t *p, size_t n);
bool gw_utf8_valid(const uint8_t *p, size_t n);
/* True when the valid sequence p[0..len) is a code point that steers a
 * terminal or reorders text rather than showing a character: the C1
 * controls U+0080..U+009F (U+009B is CSI, U+009D OSC on many terminals),
 * the line and paragraph separators U+2028/U+2029, and the bidirectional
 * overrides and isolates U+202A..U+202E, U+2066..U+2069. */
bool gw_utf8_is_control(const uint8_t *p, size_t len);

#endif
