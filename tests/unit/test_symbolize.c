/* SPDX-License-Identifier: MIT */
/* gowasm-symbolize's and gowasm-sourcemap's library parts that need no Go
 * module: the stack-frame parser (every engine's syntax, and text that
 * only looks like a frame), the symbolizer on a module without Go code
 * (every frame kept, the trace reported as another module's, other lines
 * byte for byte), and the sourceMappingURL section (added, replaced). */
#include <string.h>

#include "analysis/load.h"
#include "go/addr.h"
#include "report/sourcemap.h"
#include "report/symbolize.h"
#include "tap.h"

static void parse(const char *line, bool want, uint32_t func, bool has_offset, uint64_t offset, size_t indent)
{
	gw_wasm_frame_ref r;
	bool got = gw_wasm_frame_parse(line, strlen(line), &r);
	if (!is_int(got, want, "item 12: frame parse %s: %s", want ? "finds" : "rejects", line) || !want)
		return;
	is_uint(r.func, func, "item 12: frame parse: function index of %s", line);
	is_int(r.has_offset, has_offset, "item 12: frame parse: offset present in %s", line);
	if (has_offset)
		is_uint(r.offset, offset, "item 12: frame parse: offset of %s", line);
	is_uint(r.indent, indent, "item 12: frame parse: indentation of %s", line);
}

static void frames(void)
{
	parse("    at main.main (wasm://wasm/0123abcd:wasm-function[123]:0x4567)", true, 123, true, 0x4567, 4);
	parse("    at wasm://wasm/0123abcd:wasm-function[0]:0x0", true, 0, true, 0, 4);
	parse("\tat http://h:8080/app.wasm:wasm-function[5307]:0xABCdef", true, 5307, true, 0xabcdef, 1);
	parse("main.main@http://localhost/wasm_exec.js line 437 > WebAssembly.instantiate:wasm-function[9]:0x10",
	      true, 9, true, 0x10, 0);
	parse("<?>.wasm-function[77]@[wasm code]", true, 77, false, 0, 0);
	parse("at <anonymous>:wasm-function[4294967295]:0x1", true, 4294967295u, true, 1, 0);
	/* An offset too long for any module is kept as "beyond everything". */
	parse("wasm-function[1]:0x12345678901234567", true, 1, true, UINT64_MAX, 0);
	parse("wasm-function[1]:0xffffffffffffffff", true, 1, true, UINT64_MAX, 0);
	/* The first well-formed location counts. */
	parse("x wasm-function[] wasm-function[3]:0x3", true, 3, true, 3, 0);
	parse("wasm-function[1]:0x", true, 1, false, 0, 0);
	parse("wasm-function[1]:0xg", true, 1, false, 0, 0);
	parse("", false, 0, false, 0, 0);
	parse("wasm-function[", false, 0, false, 0, 0);
	parse("wasm-function[]:0x10", false, 0, false, 0, 0);
	parse("wasm-function[main.main]@[wasm code]", false, 0, false, 0, 0);
	parse("wasm-function[4294967296]:0x1", false, 0, false, 0, 0);
	parse("wasm-function[12345678901]:0x1", false, 0, false, 0, 0);
	parse("wasm-function[12:0x10", false, 0, false, 0, 0);
	parse("wasm_function[12]:0x10", false, 0, false, 0, 0);
}

/* magic, version, a type ()->(), one function, its body: a module with code
 * but no Go symbol table. */
static const uint8_t tiny[] = {
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x04, 0x01, 0x60, 0x00, 0x00,             /* type */
	0x03, 0x02, 0x01, 0x00,                         /* function */
	0x0a, 0x05, 0x01, 0x03, 0x00, 0x01, 0x0b,       /* code: body at 0x17: nop, end */
};

static void not_go(void)
{
	gw_loaded l;
	gw_error err;
	gw_error_clear(&err);
	if (!ok(gw_load_bytes(tiny, sizeof tiny, &l, &err) == GW_OK, "item 12: the tiny module loads (%s)", err.msg))
		return;
	gw_go_addr *a = NULL;
	if (!ok(gw_go_addr_new(l.m, l.go, l.syms, &a, &err) == GW_OK, "item 12: a resolver for a module without Go")) {
		gw_unload(&l);
		return;
	}
	gw_code_loc loc;
	ok(gw_go_addr_lookup(a, 0x17, &loc, &err) == GW_OK && loc.kind == GW_CODE_OTHER && loc.func == 0 &&
	       loc.nframes == 0,
	   "item 12: an offset in a function outside any Go table: that function, no Go frames");
	ok(gw_go_addr_lookup(a, 0x3, &loc, &err) == GW_OK && loc.kind == GW_CODE_OUTSIDE,
	   "item 12: an offset in the header is outside the code");
	ok(gw_go_addr_lookup(a, sizeof tiny, &loc, &err) == GW_OK && loc.kind == GW_CODE_OUTSIDE,
	   "item 12: an offset past the end is outside the code");
	ok(gw_go_addr_lookup_func(a, 7, &loc, &err) == GW_OK && loc.kind == GW_CODE_OUTSIDE,
	   "item 12: a function index past the module is no function");

	static const char trace[] = "Error: x\r\n    at f (wasm://wasm/ab:wasm-function[0]:0x17)\n"
	                            "    at wasm://wasm/ab:wasm-function[3]:0x99\n<?>.wasm-function[9]@[wasm code]\n"
	                            "last line, no newline";
	gw_buf out, warn;
	gw_buf_init(&out);
	gw_buf_init(&warn);
	gw_symbolize_stats st;
	ok(gw_symbolize(a, l.m, trace, sizeof trace - 1, false, &out, &warn, &st, &err) == GW_OK,
	   "item 12: symbolize a three-frame trace");
	is_mem(out.data, out.len, trace, sizeof trace - 1,
	       "item 12: one frame of three fits: the trace is another module's, every line kept byte for byte");
	is_uint(st.lines, 5, "item 12: five lines read");
	is_uint(st.frames, 3, "item 12: three wasm frames");
	is_uint(st.disagree, 3, "item 12: all kept");
	ok(st.wrong_module, "item 12: reported as from another module");
	ok(warn.data && strstr(warn.data, "3: offset 0x99 of wasm-function[3] is outside every function body") &&
	       strstr(warn.data, "4: wasm-function[9] is not a function defined in the module") &&
	       strstr(warn.data, "0: 2 of 3 wasm frames disagree with the module"),
	   "item 12: warnings name the lines: %s", warn.data ? warn.data : "(none)");
	out.len = 0;
	gw_buf_free(&warn);
	gw_buf_init(&warn);
	static const char two[] = "wasm-function[0]:0x17\nwasm-function[0]:0x99\n";
	ok(gw_symbolize(a, l.m, two, sizeof two - 1, false, &out, &warn, &st, &err) == GW_OK && !st.wrong_module &&
	       st.disagree == 1 && st.resolved == 1,
	   "item 12: one frame of two fits: not \"most\", the fitting one is placed");
	out.len = 0;
	gw_buf_free(&warn);
	gw_buf_init(&warn);
	static const char one[] = "  at wasm://wasm/ab:wasm-function[0]:0x18\n";
	ok(gw_symbolize(a, l.m, one, sizeof one - 1, false, &out, &warn, &st, &err) == GW_OK && !st.disagree &&
	       !warn.len,
	   "item 12: a frame that fits: placed, no warning");
	is_str(out.data, "  wasm-function[0]  ?:0\n", "item 12: a function nothing names: its index and ?:0");
	gw_buf_free(&out);
	gw_buf_free(&warn);

	gw_sourcemap_opts o = { "tiny.wasm", NULL, NULL, NULL };
	gw_sourcemap_stats ms;
	gw_buf_init(&out);
	ok(gw_sourcemap_write(a, l.m, l.go, &o, &out, &ms, &err) == GW_ERR_FORMAT &&
	       strstr(err.msg, "no Go symbol table"),
	   "item 12: no source map for a module without a Go symbol table (%s)", err.msg);
	gw_buf_free(&out);
	gw_go_addr_free(a);
	gw_unload(&l);
}

static void attach(void)
{
	gw_module *m = NULL, *m2 = NULL, *m3 = NULL;
	gw_error err;
	gw_error_clear(&err);
	if (!ok(gw_module_parse(tiny, sizeof tiny, &m, &err) == GW_OK, "item 12: parse the tiny module"))
		return;
	gw_buf a, b;
	gw_buf_init(&a);
	gw_buf_init(&b);
	ok(gw_sourcemap_attach(m, "app.wasm.map", &a, &err) == GW_OK, "item 12: attach a URL");
	is_mem(a.data, sizeof tiny, tiny, sizeof tiny, "item 12: attach: the module's bytes come first, unchanged");
	static const uint8_t sec[] = "\x00\x1e\x10sourceMappingURL\x0c" "app.wasm.map";
	is_mem(a.data + sizeof tiny, a.len - sizeof tiny, sec, sizeof sec - 1,
	       "item 12: attach: a custom section sourceMappingURL holding the URL as a wasm string");
	if (ok(gw_module_parse((const uint8_t *)a.data, a.len, &m2, &err) == GW_OK, "item 12: the result parses") &&
	    ok(gw_module_custom_section(m2, "sourceMappingURL") != NULL, "item 12: ... with the section")) {
		ok(gw_sourcemap_attach(m2, "https://x.example/y.map", &b, &err) == GW_OK, "item 12: attach again");
		if (ok(gw_module_parse((const uint8_t *)b.data, b.len, &m3, &err) == GW_OK, "item 12: that parses too")) {
			unsigned n = 0;
			for (uint32_t i = 0; i < m3->num_sections; i++)
				n += m3->sections[i].id == GW_SEC_CUSTOM && gw_str_eq(m3->sections[i].name, "sourceMappingURL");
			is_uint(n, 1, "item 12: attaching again replaces the section");
			ok(b.len > 23 && memcmp(b.data + b.len - 23, "https://x.example/y.map", 23) == 0,
			   "item 12: ... with the new URL");
		}
	}
	gw_module_free(m);
	gw_module_free(m2);
	gw_module_free(m3);
	gw_buf_free(&a);
	gw_buf_free(&b);
}

int main(void)
{
	frames();
	not_go();
	attach();
	return done_testing();
}
