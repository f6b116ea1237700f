/* SPDX-License-Identifier: MIT */
/* The error vocabulary (lib/error.h): the first error is kept, GW_TRY
 * passes on the status of the call that failed, and an error says which
 * input it concerns without anyone reading its message. */
#include <string.h>

#include "analysis/check.h"
#include "error.h"
#include "tap.h"

static gw_status fails_with(gw_error *err, gw_status status)
{
	return gw_fail(err, status, 7, "failed with %d", (int)status);
}

static gw_status two_steps(gw_error *err, gw_status first, gw_status second, int *reached)
{
	GW_TRY(first == GW_OK ? GW_OK : fails_with(err, first));
	(*reached)++;
	GW_TRY(second == GW_OK ? GW_OK : fails_with(err, second));
	(*reached)++;
	return GW_OK;
}

int main(void)
{
	gw_error err;
	gw_error_clear(&err);
	int reached = 0;
	ok(two_steps(&err, GW_OK, GW_OK, &reached) == GW_OK && reached == 2 && err.status == GW_OK,
	   "issue 13 error vocabulary: GW_TRY goes on after GW_OK");
	reached = 0;
	ok(two_steps(&err, GW_OK, GW_ERR_FORMAT, &reached) == GW_ERR_FORMAT && reached == 1 &&
	       err.status == GW_ERR_FORMAT && err.offset == 7 && err.input == GW_INPUT_PRIMARY,
	   "issue 13 error vocabulary: GW_TRY returns the failed call's status, recorded in err");
	/* An error already recorded stays (the first cause), and GW_TRY
	 * still returns what the later call returned. */
	reached = 0;
	ok(two_steps(&err, GW_ERR_NOMEM, GW_OK, &reached) == GW_ERR_NOMEM && reached == 0 &&
	       err.status == GW_ERR_FORMAT && !strcmp(err.msg, "failed with 2"),
	   "issue 13 error vocabulary: GW_TRY returns the call's status; err keeps the first cause");

	gw_error_clear(&err);
	ok(gw_fail_input(&err, GW_INPUT_GLUE, GW_ERR_FORMAT, GW_NO_OFFSET, "x") == GW_ERR_FORMAT &&
	       err.input == GW_INPUT_GLUE,
	   "issue 13 error vocabulary: gw_fail_input records the input concerned");
	gw_error_clear(&err);
	ok(err.input == GW_INPUT_PRIMARY && err.status == GW_OK, "issue 13 error vocabulary: cleared, it is about no input");

	/* The glue parser blames the glue, whatever its message says. */
	static const char not_glue[] = "console.log('hello');\n";
	gw_glue g;
	gw_error_clear(&err);
	ok(gw_glue_parse((const uint8_t *)not_glue, sizeof not_glue - 1, &g, &err) == GW_ERR_FORMAT &&
	       err.input == GW_INPUT_GLUE,
	   "issue 13 error vocabulary: a glue that is not a wasm_exec.js is an error about the glue");
	static const char glue[] = "importObject = { gojs: { \"runtime.wasmExit\": (sp) => {} } };\n";
	gw_error_clear(&err);
	gw_status s = gw_glue_parse((const uint8_t *)glue, sizeof glue - 1, &g, &err);
	ok(s == GW_OK && !strcmp(g.module, "gojs") && err.input == GW_INPUT_PRIMARY && err.status == GW_OK,
	   "issue 13 error vocabulary: a glue that is one reads without an error (%s)", err.msg);
	if (s == GW_OK)
		gw_glue_free(&g);
	return done_testing();
}
