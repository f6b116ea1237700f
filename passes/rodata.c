/* SPDX-License-Identifier: MIT */
/* The read-only names pass.
 *
 * What it does. Property names in Go code are mostly string literals,
 * which the linker places in read-only data: [etext, noptrdata) in
 * runtime.firstmoduledata, never written at run time. The glue decodes a
 * name from UTF-8 on every Get/Set/Call (on Go 1.19, most of the cost of
 * one Value.Set with a literal name under Node 20). A name at a given
 * read-only address always decodes to the same string, so it can be
 * decoded once.
 *
 * The batching pass already keeps read-only names as pointers in its
 * records (kinds 2 and 4). This pass publishes the read-only range as two
 * exported immutable i32 globals, "gowasm.ro_start" and "gowasm.ro_end",
 * so the companion can cache by address the names of the imports that are
 * not deferred (valueGet, valueCall...) as well, and decode any other name
 * as before.
 *
 * What the JS side must provide: nothing; a companion that does not read
 * the globals just decodes every name, as the original glue does. */
#include <stdlib.h>

#include "passes.h"

gw_status gw_pass_rodata(BinaryenModuleRef mod, const gw_batch_plan *plan)
{
	char *start = gw_pass_unique_name(mod, "gowasm$ro_start", "");
	if (!start)
		return GW_ERR_NOMEM;
	BinaryenAddGlobal(mod, start, BinaryenTypeInt32(), false,
	                  BinaryenConst(mod, BinaryenLiteralInt32((int32_t)plan->ro_start)));
	char *end = gw_pass_unique_name(mod, "gowasm$ro_end", "");
	if (!end) {
		free(start);
		return GW_ERR_NOMEM;
	}
	BinaryenAddGlobal(mod, end, BinaryenTypeInt32(), false,
	                  BinaryenConst(mod, BinaryenLiteralInt32((int32_t)plan->ro_end)));
	/* The export names are the protocol's: the plan refused a module
	 * that already exports them. */
	BinaryenAddGlobalExport(mod, start, GW_BATCH_EXPORT_RO_START);
	BinaryenAddGlobalExport(mod, end, GW_BATCH_EXPORT_RO_END);
	free(start);
	free(end);
	return GW_OK;
}
