/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for gowasm-verify's checks: the bytes are a bundle,
 * a zip or (gzip magic) the .tgz npm pack makes of a package. The zip
 * layout reader and the tar reader, the entry-name rules, bounded
 * decompression, the JSON parser and schema validator, the loader line,
 * and the module reader when a bundle gets that far. Any crash, sanitizer
 * report, leak or timeout is a bug; problems found in the bundle are not. */
#include <stddef.h>
#include <stdint.h>

#include "verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gw_error err;
	gw_error_clear(&err);
	gw_verify_report r;
	bool gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
	if ((gz ? gw_verify_npm_tarball(data, size, &r, &err) : gw_verify_bundle(data, size, &r, &err)) == GW_OK)
		gw_verify_report_free(&r);
	return 0;
}
