/* SPDX-License-Identifier: MIT */
/* What Binaryen 108 can be handed.
 *
 * gowasm-batch rewrites through Binaryen, which exits the process
 * ("Fatal", exit 1, no file or offset) on what it cannot parse, prints
 * warnings and silently drops or renames what it does not understand,
 * and recurses over expressions on the C stack. A module is handed to it
 * only once these checks, made by the project's own reader, say Binaryen
 * will read it faithfully; otherwise the caller refuses it with the reason
 * and the offset (GW_ERR_UNSUPPORTED).
 *
 * Nothing here calls Binaryen: these are facts about it, measured (see
 * man/gowasm-batch.1, LIMITS). */
#ifndef GW_ANALYSIS_REWRITE_INPUT_H
#define GW_ANALYSIS_REWRITE_INPUT_H

#include "../wasm/module.h"

/* Names Binaryen reads as C strings or interns: import modules and
 * fields, export names and custom section names must have no NUL byte
 * (Binaryen: "inline string contains NULL"); the export names in
 * `reserved` (NULL-terminated list) must not be taken. */
GW_NODISCARD gw_status gw_rewrite_check_strings(const gw_module *m, const char *const *reserved, gw_error *err);

/* The name section as Binaryen 108 reads it exactly: one section; only
 * the subsections it knows (0 module, 1 functions, 2 locals, 4 types,
 * 5 tables, 6 memories, 7 globals, 8 element and 9 data segments), each
 * well formed to its last byte, indices sorted, unique and in range
 * (Binaryen warns and drops the others), names valid UTF-8 without NUL
 * and unique within their map (Binaryen renames duplicates). Function
 * names must not look like the names Binaryen gives unnamed functions
 * ("fimport$N" for imports, a decimal number for defined functions) or
 * contain '$' (the rewrite's own names do). */
GW_NODISCARD gw_status gw_rewrite_check_names(const gw_module *m, gw_error *err);

#endif
