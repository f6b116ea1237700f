/* SPDX-License-Identifier: MIT */
/* Unit tests of what gowasm-batch decides without Binaryen: the --defer
 * list and the WebAssembly features a module uses (they become Binaryen's
 * feature set, so a missed feature is a module Binaryen cannot read and an
 * extra one is a feature the output may start to use). */
#include <string.h>

#include "gowasm.h" /* batchplan.h comes with the umbrella header */
#include "gwtest.h"
#include "tap.h"
#include "wasmbuild.h"

static void test_defer_parse(void)
{
	unsigned set = 99;
	const char *bad = NULL;
	size_t bad_len = 0;
	ok(gw_defer_parse("all", &set, &bad, &bad_len) && set == GW_DEFER_ALL, "all: every deferrable import");
	ok(gw_defer_parse("none", &set, &bad, &bad_len) && set == 0, "none: the empty set");
	ok(gw_defer_parse("finalizeRef", &set, &bad, &bad_len) && set == GW_DEFER_FINALIZE_REF, "one short name");
	ok(gw_defer_parse("valueSet,valueDelete", &set, &bad, &bad_len) &&
	       set == (GW_DEFER_VALUE_SET | GW_DEFER_VALUE_DELETE), "two names");
	ok(gw_defer_parse("syscall/js.valueSetIndex", &set, &bad, &bad_len) && set == GW_DEFER_VALUE_SET_INDEX,
	   "full import name");
	set = 7;
	ok(!gw_defer_parse("valueSet,valueGet", &set, &bad, &bad_len), "valueGet is not deferrable");
	ok(bad_len == 8 && memcmp(bad, "valueGet", 8) == 0, "the bad word is reported");
	is_uint(set, 7, "the set is untouched on error");
	ok(!gw_defer_parse("valueSet,", &set, &bad, &bad_len) && bad_len == 0, "a trailing comma is an empty word");
	ok(!gw_defer_parse("valueset", &set, &bad, &bad_len), "names are case-sensitive");
	ok(!gw_defer_parse("valueSetX", &set, &bad, &bad_len), "no prefix matches");
	for (unsigned i = 0; i < GW_DEFER_COUNT; i++)
		ok(strncmp(gw_defer_import_name(i), "syscall/js.", 11) == 0, "import name %u is a syscall/js import", i);
	ok(gw_defer_import_name(GW_DEFER_COUNT) == NULL, "no name past the last");
}

/* A module with one function () -> () whose body is `code` (without the
 * final end), plus optional extra type results and a data count. */
static unsigned features_of(const uint8_t *code, size_t n, const char *results, int data_count, int *parsed)
{
	wb b, p;
	wb_init(&b);
	wb_init(&p);
	wb_header(&b);
	wb_u32(&p, 1);
	wb_functype(&p, "", results);
	wb_section(&b, WB_SEC_TYPE, &p);
	wb_reset(&p);
	wb_u32(&p, 1);
	wb_u32(&p, 0);
	wb_section(&b, WB_SEC_FUNCTION, &p);
	wb_reset(&p);
	wb_u32(&p, 1);
	wb_u8(&p, 0); /* no flags: memory 0 */
	wb_u32(&p, 1);
	wb_section(&b, WB_SEC_MEMORY, &p);
	if (data_count) {
		wb_reset(&p);
		wb_u32(&p, 0);
		wb_section(&b, WB_SEC_DATACOUNT, &p);
	}
	wb_reset(&p);
	wb_u32(&p, 1);
	size_t mark = wb_begin(&p);
	wb_u32(&p, 0); /* no locals */
	wb_bytes(&p, code, n);
	wb_u8(&p, 0x0b);
	wb_end(&p, mark);
	wb_section(&b, WB_SEC_CODE, &p);
	gwt_mod t;
	unsigned f = 0xdead;
	*parsed = gwt_parse_wb(&t, &b) == GW_OK;
	if (*parsed) {
		gw_error err;
		gw_error_clear(&err);
		if (gw_module_features(t.m, &f, &err) != GW_OK)
			*parsed = 0;
	}
	gwt_free(&t);
	wb_free(&p);
	wb_free(&b);
	return f;
}

static void test_features(void)
{
	int parsed;
	static const uint8_t mvp[] = {0x41, 0x01, 0x1a};                    /* i32.const 1; drop */
	static const uint8_t signext[] = {0x41, 0x01, 0xc0, 0x1a};          /* i32.extend8_s */
	static const uint8_t sat[] = {0x43, 0, 0, 0, 0, 0xfc, 0x00, 0x1a};  /* i32.trunc_sat_f32_s */
	static const uint8_t copy[] = {0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x0a, 0, 0}; /* memory.copy */
	static const uint8_t fill[] = {0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 0x0b, 0};    /* memory.fill */
	static const uint8_t refnull[] = {0xd0, 0x70, 0x1a};                /* ref.null func; drop */
	static const uint8_t tail[] = {0x12, 0x00};                         /* return_call 0 */

	unsigned f = features_of(mvp, sizeof mvp, "", 0, &parsed);
	ok(parsed && f == 0, "an MVP body uses no feature (got 0x%x)", f);
	f = features_of(signext, sizeof signext, "", 0, &parsed);
	ok(parsed && f == GW_FEAT_SIGN_EXT, "i32.extend8_s: sign-ext (got 0x%x)", f);
	f = features_of(sat, sizeof sat, "", 0, &parsed);
	ok(parsed && f == GW_FEAT_SAT_FLOAT_TO_INT, "trunc_sat: nontrapping-float-to-int (got 0x%x)", f);
	f = features_of(copy, sizeof copy, "", 0, &parsed);
	ok(parsed && f == GW_FEAT_BULK_MEMORY, "memory.copy: bulk-memory (got 0x%x)", f);
	f = features_of(fill, sizeof fill, "", 0, &parsed);
	ok(parsed && f == GW_FEAT_BULK_MEMORY, "memory.fill: bulk-memory (got 0x%x)", f);
	f = features_of(refnull, sizeof refnull, "", 0, &parsed);
	ok(parsed && f == GW_FEAT_REFERENCE_TYPES, "ref.null: reference-types (got 0x%x)", f);
	f = features_of(tail, sizeof tail, "", 0, &parsed);
	ok(parsed && f == GW_FEAT_TAIL_CALL, "return_call: tail-call (got 0x%x)", f);
	static const uint8_t two[] = {0x41, 1, 0x41, 2};
	f = features_of(two, sizeof two, "ii", 0, &parsed);
	ok(parsed && f == GW_FEAT_MULTI_VALUE, "two results: multivalue (got 0x%x)", f);
	f = features_of(mvp, sizeof mvp, "", 1, &parsed);
	ok(parsed && f == GW_FEAT_BULK_MEMORY, "a data count section: bulk-memory (got 0x%x)", f);

	for (unsigned i = 0; i < GW_FEAT_COUNT; i++)
		ok(gw_feature_name(i) && *gw_feature_name(i), "feature %u has a name", i);
	ok(gw_feature_name(GW_FEAT_COUNT) == NULL, "no name past the last feature");
	ok(strcmp(gw_feature_name(2), "bulk-memory") == 0, "bit 2 is bulk-memory");
}

int main(void)
{
	test_defer_parse();
	test_features();
	return done_testing();
}
