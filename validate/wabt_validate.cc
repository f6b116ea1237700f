/* SPDX-License-Identifier: MIT */
// wabt's binary reader and validator, as a second opinion on a module:
// gowasm-batch runs it on its input before Binaryen sees it (Binaryen
// exits the process on malformed input) and on its output before writing;
// gowasm-verify runs it on a bundle's module.
//
// It reads through wabt's interpreter loader (ReadBinaryInterp), which
// runs wabt's one validator (SharedValidator, the same checks as
// wasm-validate) instruction by instruction while it reads, and keeps the
// code as a flat instruction stream. wabt's IR (ReadBinaryIr +
// ValidateModule) costs about 80 bytes per instruction (a 20 MiB module:
// 1.66 GB) and frees nested blocks recursively (a million nested blocks
// overflow the stack); the stream costs about 16 bytes per instruction
// (measured: at most 6 times the module's size) and has no recursion.
// wabt rejects bad input with an error, never by aborting; running out of
// memory is reported, not an abort.
#include <cstdio>
#include <cstring>
#include <new>

#include "wabt/binary-reader.h"
#include "wabt/interp/binary-reader-interp.h"
#include "wabt/interp/interp.h"

#include "wabt.h"

extern "C" int gw_wabt_validate(const uint8_t *data, size_t size, char *msg, size_t msglen)
{
	const char *text = "invalid module";
	std::string first;
	int rc = -1;
	try {
		wabt::Features features;  // wabt 1.0.32 defaults: the finished proposals
		wabt::Errors errors;
		wabt::interp::ModuleDesc module;
		wabt::ReadBinaryOptions options(features, nullptr, false, true, false);
		wabt::Result r = wabt::interp::ReadBinaryInterp("module", data, size, options, &errors, &module);
		if (wabt::Succeeded(r))
			return 0;
		if (!errors.empty()) {
			first = errors.front().message;
			text = first.c_str();
		}
	} catch (const std::bad_alloc &) {
		text = "out of memory in wabt's validator";
		rc = -2;
	}
	if (msglen)
		std::snprintf(msg, msglen, "%s", text);
	return rc;
}
