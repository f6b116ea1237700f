/* SPDX-License-Identifier: MIT */
/* The run-time shape of a wasm_exec.js glue, as the bundle's loader runs
 * it (packager/loader.template.mjs imports it for its side effect, then
 * takes globalThis.Go). */
#ifndef GW_PACKAGER_GLUE_H
#define GW_PACKAGER_GLUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* True when the glue, run as a script or imported as a module, defines Go
 * on the real global object: outside comments and strings it assigns
 * globalThis.Go or global.Go (every Go release's wasm_exec.js since 1.12
 * does), exports nothing (module.exports, exports.X, an export
 * statement: a factory its importer must call, such as
 * `module.exports = globalThis => {...}`, never runs under the loader),
 * and takes neither globalThis nor global as a parameter (Go would be
 * defined on an object someone passes in). Otherwise false, with the
 * reason in why. */
bool gw_glue_defines_go(const uint8_t *js, size_t n, char *why, size_t why_len);
/* The same, telling a glue that does not (GW_ERR_FORMAT) from an
 * allocation failure (GW_ERR_NOMEM). */
gw_status gw_glue_check_defines_go(const uint8_t *js, size_t n, char *why, size_t why_len);

/* Whether the POSIX extended regular expression `pattern` matches in
 * `text` (per_line: ^ and $ match at newlines, . does not match one);
 * false when the pattern does not compile. */
bool gw_regex_found(const char *pattern, const char *text, bool per_line);

#endif
