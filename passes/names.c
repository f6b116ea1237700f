/* SPDX-License-Identifier: MIT */
/* Names for what the passes add.
 *
 * Binaryen names every function and global, and exits the process
 * ("Fatal: Module::addFunction: X already exists") when a pass adds one
 * under a taken name. The module's own names come from its name section
 * (any string) or from Binaryen ("fimport$N", "global$N", a decimal
 * index), so no fixed name is safe: each added function or global gets
 * the first of PREFIX SUFFIX, PREFIX SUFFIX$1, PREFIX SUFFIX$2... that no
 * function and no global of the module has.
 *
 * What the JS side must provide: nothing (internal names only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passes.h"

char *gw_pass_unique_name(BinaryenModuleRef mod, const char *prefix, const char *suffix)
{
	size_t n = strlen(prefix) + strlen(suffix) + 24;
	char *name = malloc(n);
	if (!name)
		return NULL;
	snprintf(name, n, "%s%s", prefix, suffix);
	for (unsigned long k = 1; BinaryenGetFunction(mod, name) || BinaryenGetGlobal(mod, name); k++)
		snprintf(name, n, "%s%s$%lu", prefix, suffix, k);
	return name;
}
