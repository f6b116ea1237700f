/* SPDX-License-Identifier: MIT */
/* validate/wabt_validate.cc: wabt's binary reader and validator, as a
 * second opinion on a module (gowasm-batch and gowasm-verify). */
#ifndef GW_VALIDATE_WABT_H
#define GW_VALIDATE_WABT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Returns 0 when valid; otherwise -1 with the first error in msg, or -2
 * when the validator ran out of memory. Memory: about 16 bytes per
 * instruction, at most 6 times `size` (measured), freed before it
 * returns. */
int gw_wabt_validate(const uint8_t *data, size_t size, char *msg, size_t msglen);

#ifdef __cplusplus
}
#endif

#endif
