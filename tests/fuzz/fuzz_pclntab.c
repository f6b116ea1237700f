/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the Go symbol table: for a module with a
 * pclntab, check every function's record and tables, expand the first
 * PCs of every function into inlined frames, and build the symbols and
 * integrity report. The seeds are small synthetic Go modules in every
 * table format (tests/integration/pclnsynth.py), so mutations land in the
 * table rather than in the wasm structure around it. Statuses are
 * ignored with (void): the harness looks for crashes, and it is built by
 * clang only, which honours the cast (gcc would not). */
#include <stddef.h>
#include <stdint.h>

#include "gowasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gw_error err;
	gw_error_clear(&err);
	gw_module *m = NULL;
	gw_go_info *go = NULL;
	if (gw_module_parse(data, size, &m, &err) != GW_OK)
		return 0;
	if (gw_go_info_read(m, &go, &err) == GW_OK && go->pcln && gw_go_count_call_sites(m, go, &err) == GW_OK) {
		const gw_pclntab *t = go->pcln;
		gw_frame frames[GW_PCLN_MAX_FRAMES];
		for (uint32_t i = 0; i < t->nfunc && i < 4096; i++) {
			gw_pcln_func f;
			gw_error_clear(&err);
			(void)gw_pclntab_check_func(t, i, &f, &err);
			gw_error_clear(&err);
			if (gw_pclntab_func(t, i, &f, &err) != GW_OK)
				continue;
			gw_pclntab_name(t, f.nameoff);
			for (uint64_t pc = f.entry; pc < f.entry + 8; pc++) {
				gw_error_clear(&err);
				gw_pclntab_frames(t, pc, frames, GW_PCLN_MAX_FRAMES, &err);
			}
		}
		gw_go_symbols *syms = NULL;
		gw_integrity integrity = { 0 };
		gw_error_clear(&err);
		if (gw_go_symbols_read(m, go, &syms, &err) == GW_OK) {
			(void)gw_integrity_check(m, go, syms, &integrity, &err);
			gw_str target = { (const uint8_t *)"runtime.other", 13 };
			gw_error_clear(&err);
			(void)gw_go_find_calls(m, go, syms, target, NULL, NULL, &err);
			gw_findings findings = { 0 };
			gw_check_options opt = { NULL, 0, GW_TARGET_BROWSER };
			gw_error_clear(&err);
			if (gw_check_run(m, go, syms, &integrity, &opt, &findings, &err) == GW_OK) {
				gw_check_report report = { .file = "fuzz.wasm", .findings = &findings, .fail_on = GW_SEV_ERROR };
				gw_buf b;
				gw_buf_init(&b);
				gw_check_sarif(&report, &b);
				gw_check_text(&report, &b);
				gw_buf_free(&b);
			}
			gw_findings_free(&findings);
		}
		gw_integrity_free(&integrity);
		gw_go_symbols_free(syms);
	}
	gw_go_info_free(go);
	gw_module_free(m);
	return 0;
}
