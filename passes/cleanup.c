/* SPDX-License-Identifier: MIT */
/* The cleanup pipeline, run after rewriting.
 *
 * What it does. Reading a module into Binaryen's IR and writing it back
 * is not neutral for Go's code: the IR's structured blocks and fresh
 * locals come out as extra blocks, locals and local traffic, and on
 * esbuild.wasm a bare round trip makes the module 5-7% larger and its
 * transform 2-4 times slower. These cheap function-local passes bring
 * size and speed back, much faster than -O1 on big modules:
 * simplify-locals, coalesce-locals, merge-blocks, vacuum, reorder-locals.
 * The optimize and shrink levels stay at 0: nothing here inlines,
 * reorders functions or touches data, so Go's function indices, table and
 * pclntab stay valid.
 *
 * What the JS side must provide: nothing. */
#include "passes.h"

void gw_pass_cleanup(BinaryenModuleRef mod)
{
	static const char *passes[] = {
		"simplify-locals", "coalesce-locals", "merge-blocks", "vacuum", "reorder-locals",
	};
	BinaryenSetOptimizeLevel(0);
	BinaryenSetShrinkLevel(0);
	BinaryenModuleRunPasses(mod, passes, sizeof passes / sizeof *passes);
}

BinaryenFeatures gw_binaryen_features(unsigned f)
{
	BinaryenFeatures b = BinaryenFeatureMVP();
	if (f & GW_FEAT_SIGN_EXT)
		b |= BinaryenFeatureSignExt();
	if (f & GW_FEAT_SAT_FLOAT_TO_INT)
		b |= BinaryenFeatureNontrappingFPToInt();
	if (f & GW_FEAT_BULK_MEMORY)
		b |= BinaryenFeatureBulkMemory();
	if (f & GW_FEAT_REFERENCE_TYPES)
		b |= BinaryenFeatureReferenceTypes();
	if (f & GW_FEAT_MULTI_VALUE)
		b |= BinaryenFeatureMultivalue();
	if (f & GW_FEAT_MUTABLE_GLOBALS)
		b |= BinaryenFeatureMutableGlobals();
	if (f & GW_FEAT_TAIL_CALL)
		b |= BinaryenFeatureTailCall();
	return b;
}
