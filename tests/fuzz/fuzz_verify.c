/* libFuzzer harness for gowasm-verify's checks: the bytes are a bundle.
 * The zip reader (libzip), the entry-name rules, bounded decompression,
 * the JSON parser and schema validator, the loader line, and the module
 * reader when a bundle gets that far. Any crash, sanitizer report, leak
 * or timeout is a bug; problems found in the bundle are not. */
#include <stddef.h>
#include <stdint.h>

#include "verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gw_error err;
	gw_error_clear(&err);
	gw_verify_report r;
	if (gw_verify_bundle(data, size, &r, &err) == GW_OK)
		gw_verify_report_free(&r);
	return 0;
}
