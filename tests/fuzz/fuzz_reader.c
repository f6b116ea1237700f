/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the reader: parse a module, recognise Go, walk
 * every function body, and write both reports with every optional part.
 * Any crash, sanitizer report, leak or timeout is a bug (statuses are
 * ignored with (void): clang, which alone builds it, honours the cast). */
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
	if (gw_go_info_read(m, &go, &err) == GW_OK) {
		gw_error_clear(&err);
		(void)gw_go_count_call_sites(m, go, &err);
		gw_go_symbols *syms = NULL;
		gw_integrity integrity = { 0 };
		if (gw_go_symbols_read(m, go, &syms, &err) == GW_OK && gw_integrity_check(m, go, syms, &integrity, &err) == GW_OK) {
			gw_inspect_input in = { "fuzz.wasm", m, go, syms, &integrity,
			                        GW_INSPECT_FUNCTIONS | GW_INSPECT_SEGMENTS | GW_INSPECT_PACKAGES, "syscall/js.FuncOf" };
			gw_buf b;
			gw_buf_init(&b);
			(void)gw_inspect_json(&b, &in, &err);
			(void)gw_inspect_text(&b, &in, &err);
			gw_buf_free(&b);
		}
		gw_integrity_free(&integrity);
		gw_go_symbols_free(syms);
		for (uint32_t i = 0; i < 64 && i < m->num_datas; i++)
			gw_module_data_at(m, m->datas[i].offset_value + m->datas[i].size / 2);
	}
	gw_go_info_free(go);
	gw_module_free(m);
	return 0;
}
