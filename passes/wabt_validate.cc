// wabt's binary reader and validator, as a second opinion on a module:
// gowasm-batch runs it on its input before Binaryen sees it (Binaryen
// exits the process on malformed input) and on its output before writing.
// wabt rejects bad input with an error, never by aborting.
#include <cstdio>
#include <cstring>

#include "wabt/binary-reader-ir.h"
#include "wabt/binary-reader.h"
#include "wabt/ir.h"
#include "wabt/validator.h"

extern "C" int gw_wabt_validate(const uint8_t *data, size_t size, char *msg, size_t msglen)
{
	wabt::Features features;  // wabt 1.0.32 defaults: the finished proposals
	wabt::Errors errors;
	wabt::Module module;
	wabt::ReadBinaryOptions options(features, nullptr, false, true, false);
	wabt::Result r = wabt::ReadBinaryIr("module", data, size, options, &errors, &module);
	if (wabt::Succeeded(r)) {
		wabt::ValidateOptions vo(features);
		r = wabt::ValidateModule(&module, &errors, vo);
	}
	if (wabt::Succeeded(r))
		return 0;
	if (msglen) {
		const char *text = errors.empty() ? "invalid module" : errors.front().message.c_str();
		std::snprintf(msg, msglen, "%s", text);
	}
	return -1;
}
