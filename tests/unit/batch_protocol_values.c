/* SPDX-License-Identifier: MIT */
/* Prints the batch protocol's values as the C side is compiled with them
 * (the enumerators of lib/analysis/batchplan.h, from batch_protocol.def),
 * one "NAME VALUE" a line, for tests/js/test_batch_protocol.cjs to compare
 * with the constants generated into the JS companion. */
#include <stdio.h>

#include "analysis/batchplan.h"

int main(void)
{
#define GW_BATCH_CONST(name, value) printf("BATCH_%s %d\n", #name, (int)GW_BATCH_##name);
#define GW_BATCH_RECORD(name, kind, size)                                          \
	printf("RECORD_%s %d\n", #name, (int)GW_BATCH_RECORD_##name);                \
	printf("RECORD_%s_SIZE %d\n", #name, (int)GW_BATCH_RECORD_##name##_SIZE);
#define GW_BATCH_FIELD(name, offset) printf("AT_%s %d\n", #name, (int)GW_BATCH_AT_##name);
#include "analysis/batch_protocol.def"
	return 0;
}
