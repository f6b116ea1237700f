/* SPDX-License-Identifier: MIT */
/* Go detection on synthetic modules shaped like the output of the gc
 * toolchain (js/wasm and wasip1) and TinyGo: producer, ABI module,
 * version, build id, runtime.modinfo build information, host import
 * wrappers and their call sites. */
#include <stdlib.h>
#include <string.h>

#include "go/goinfo.h"
#include "gwtest.h"
#include "wasm/code.h"

/* The sentinels around runtime.modinfo (cmd/go/internal/modload). */
static const uint8_t start_sentinel[16] = {
	0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6
};
static const uint8_t end_sentinel[16] = {
	0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2
};

static const char modinfo_text[] =
	"path\texample.com/hello\n"
	"mod\texample.com/hello\t(devel)\t\n"
	"dep\tgolang.org/x/text\tv0.3.0\th1:abc=\n"
	"=>\tgithub.com/fork/text\tv0.3.1\th1:def=\n"
	"dep\tgithub.com/foo/bar\tv1.2.3\th1:xyz=\n"
	"build\t-compiler=gc\n"
	"build\t-ldflags=-X main.a=b\n"
	"build\tGOOS=js\n"
	"build\tGOARCH=wasm\n";

/* Where the modinfo text lands in linear memory. */
#define DATA_ADDR 4096
static const char data_prefix[] = "some rodata before ";

typedef struct go_opts {
	const char *abi;           /* import module of the js imports, NULL for none */
	bool native_types;         /* js imports with TinyGo's native signatures */
	bool wasi;                 /* wasi_snapshot_preview1 imports */
	const char *language;      /* producers: language Go <version> */
	const char *compile;       /* producers: processed-by Go cmd/compile <version> */
	const char *processed_by;  /* producers: another processed-by tool, "name version" split at ' ' */
	const char *buildid;       /* go.buildid payload */
	const char *go_version;    /* go.version payload */
	size_t go_version_len;
	bool modinfo;              /* the modinfo data segment */
	const char *rodata;        /* a second data segment */
	size_t rodata_len;
	bool run_export;           /* exports run/resume/getsp/mem */
	const char *extra_export;
	bool bad_wrapper;          /* a small function with an invalid body */
} go_opts;

/* Function layout of the js shape: imports 0..3 are debug,
 * runtime.wasmExit, runtime.wasmWrite, syscall/js.valueGet (when `abi`);
 * then wasi imports; defined functions follow:
 *   d0 wrapper of runtime.wasmExit     d1 wrapper of syscall/js.valueGet
 *   d2 main (calls d0, d1 twice, runtime.wasmWrite directly)
 *   d3 run (calls d2)                  d4 getsp
 *   d5 a large function calling debug directly */
typedef struct go_layout {
	uint32_t nimports;
	uint32_t d0;          /* index of the first defined function */
	size_t modinfo_addr;
} go_layout;

static size_t flush(wb *b, uint8_t id, wb *payload)
{
	size_t at = wb_section(b, id, payload);
	wb_reset(payload);
	return at;
}

static uint64_t retpc(uint32_t defined, uint32_t resume)
{
	return (uint64_t)(0x1000 + defined) << 16 | resume;
}

/* SP -= 8; *SP = pc; then the call. */
static void go_call(wb *w, uint32_t self_defined, uint32_t resume, uint32_t callee)
{
	wb_bytes(w, "\x20\x01\x41\x08\x6b\x22\x01\x24\x00\x20\x01", 11);
	wb_u8(w, 0x42);
	wb_s64(w, (int64_t)retpc(self_defined, resume));
	wb_bytes(w, "\x37\x03\x00\x41\x00\x10", 6);
	wb_u32(w, callee);
	wb_u8(w, 0x1a); /* drop the "unwinding" result */
}

/* The shape of a gc wrapper for host import `imp`. */
static void wrapper_body(wb *w, uint32_t imp)
{
	wb_bytes(w, "\x01\x01\x7f", 3);          /* one i32 local */
	wb_bytes(w, "\x23\x00\x21\x01\x20\x01\x10", 7); /* global.get 0; local.set 1; local.get 1; call */
	wb_u32(w, imp);
	wb_bytes(w, "\x41\x00\x0f\x0b", 4);      /* i32.const 0; return; end */
}

static void add_body(wb *code, wb *body)
{
	wb_u32(code, (uint32_t)body->len);
	wb_bytes(code, body->data, body->len);
	wb_reset(body);
}

static void producers_field(wb *p, const char *field, const char *name, const char *version)
{
	wb_name(p, field);
	wb_u32(p, 1);
	wb_name(p, name);
	wb_name(p, version);
}

static void build_go(wb *b, const go_opts *o, go_layout *L)
{
	wb p, w, code;
	wb_init(&p);
	wb_init(&w);
	wb_init(&code);
	wb_reset(b);
	wb_header(b);

	/* 0 (i32)->()  1 (i32)->(i32)  2 ()->(i32)  3 (i32 i32 i32 i32)->(i32)  4 (i32 i32 i32)->() */
	wb_u32(&p, 5);
	wb_functype(&p, "i", "");
	wb_functype(&p, "i", "i");
	wb_functype(&p, "", "i");
	wb_functype(&p, "iiii", "i");
	wb_functype(&p, "iii", "");
	flush(b, WB_SEC_TYPE, &p);

	static const char *const js[] = { "debug", "runtime.wasmExit", "runtime.wasmWrite", "syscall/js.valueGet" };
	uint32_t n = (o->abi ? 4 : 0) + (o->wasi ? 2 : 0);
	L->nimports = n;
	if (n) {
		wb_u32(&p, n);
		for (int i = 0; o->abi && i < 4; i++) {
			wb_name(&p, o->abi);
			wb_name(&p, js[i]);
			wb_u8(&p, 0);
			wb_u32(&p, o->native_types && i == 3 ? 4 : 0);
		}
		if (o->wasi) {
			wb_name(&p, "wasi_snapshot_preview1"); wb_name(&p, "fd_write"); wb_u8(&p, 0); wb_u32(&p, 3);
			wb_name(&p, "wasi_snapshot_preview1"); wb_name(&p, "proc_exit"); wb_u8(&p, 0); wb_u32(&p, 0);
		}
		flush(b, WB_SEC_IMPORT, &p);
	}
	L->d0 = n;

	/* Bodies. Without js imports, the wrappers call function 0 of the
	 * module instead (a wasi import or, if none, d4) so the shape stays. */
	uint32_t ni = n;
	uint32_t exit_imp = o->abi ? 1 : 0, get_imp = o->abi ? 3 : 0, write_imp = o->abi ? 2 : 0,
	         debug_imp = 0;
	if (!ni)
		exit_imp = get_imp = write_imp = debug_imp = 4; /* d4: getsp */
	uint32_t nfuncs = 6 + (o->bad_wrapper ? 1 : 0);
	wb_u32(&code, nfuncs);
	wrapper_body(&w, exit_imp);
	add_body(&code, &w);
	wrapper_body(&w, get_imp);
	add_body(&code, &w);
	/* d2: main. */
	wb_bytes(&w, "\x01\x01\x7f", 3);
	go_call(&w, 2, 1, ni + 0);
	wb_bytes(&w, "\x03\x40", 2); /* loop */
	go_call(&w, 2, 2, ni + 1);
	wb_u8(&w, 0x0b);
	go_call(&w, 2, 3, ni + 1);
	wb_bytes(&w, "\x20\x01\x10", 3);
	wb_u32(&w, write_imp);
	wb_bytes(&w, "\x41\x00\x0b", 3);
	add_body(&code, &w);
	/* d3: run. */
	wb_bytes(&w, "\x01\x01\x7f", 3);
	go_call(&w, 3, 1, ni + 2);
	wb_bytes(&w, "\x41\x00\x0b", 3);
	add_body(&code, &w);
	/* d4: getsp. */
	wb_bytes(&w, "\x00\x23\x00\x0b", 4);
	add_body(&code, &w);
	/* d5: too large to be a wrapper, calls debug directly. */
	wb_bytes(&w, "\x00\x20\x00\x10", 4);
	wb_u32(&w, debug_imp);
	for (int i = 0; i < 70; i++)
		wb_u8(&w, 0x01);
	wb_bytes(&w, "\x41\x00\x0b", 3);
	add_body(&code, &w);
	if (o->bad_wrapper) {
		wb_bytes(&w, "\x00\x27\x0b", 3); /* unknown opcode 0x27 */
		add_body(&code, &w);
	}

	wb_u32(&p, nfuncs);
	static const uint32_t types[] = { 1, 1, 1, 1, 2, 1, 1 };
	for (uint32_t i = 0; i < nfuncs; i++)
		wb_u32(&p, types[i]);
	flush(b, WB_SEC_FUNCTION, &p);

	wb_bytes(&p, "\x01\x00\x01", 3);
	flush(b, WB_SEC_MEMORY, &p);
	wb_u32(&p, 1);
	wb_u8(&p, 0x7f); wb_u8(&p, 1); wb_u8(&p, 0x41); wb_s32(&p, 65536); wb_u8(&p, 0x0b);
	flush(b, WB_SEC_GLOBAL, &p);

	uint32_t nexp = (o->run_export ? 4 : 0) + (o->extra_export ? 1 : 0);
	if (nexp) {
		wb_u32(&p, nexp);
		if (o->run_export) {
			wb_name(&p, "run"); wb_u8(&p, 0); wb_u32(&p, ni + 3);
			wb_name(&p, "resume"); wb_u8(&p, 0); wb_u32(&p, ni + 3);
			wb_name(&p, "getsp"); wb_u8(&p, 0); wb_u32(&p, ni + 4);
			wb_name(&p, "mem"); wb_u8(&p, 2); wb_u32(&p, 0);
		}
		if (o->extra_export) {
			wb_name(&p, o->extra_export); wb_u8(&p, 0); wb_u32(&p, ni + 4);
		}
		flush(b, WB_SEC_EXPORT, &p);
	}

	flush(b, WB_SEC_CODE, &code);

	uint32_t ndata = (o->modinfo ? 1 : 0) + (o->rodata ? 1 : 0);
	if (ndata) {
		wb_u32(&p, ndata);
		if (o->modinfo) {
			wb_u32(&p, 0);
			wb_u8(&p, 0x41); wb_s32(&p, DATA_ADDR); wb_u8(&p, 0x0b);
			size_t len = strlen(data_prefix) + 32 + strlen(modinfo_text) + 5;
			wb_u32(&p, (uint32_t)len);
			wb_str(&p, data_prefix);
			wb_bytes(&p, start_sentinel, 16);
			wb_str(&p, modinfo_text);
			wb_bytes(&p, end_sentinel, 16);
			wb_str(&p, " tail");
			L->modinfo_addr = DATA_ADDR + strlen(data_prefix) + 16;
		}
		if (o->rodata) {
			wb_u32(&p, 0);
			wb_u8(&p, 0x41); wb_s32(&p, 2 * DATA_ADDR); wb_u8(&p, 0x0b);
			wb_name_n(&p, o->rodata, o->rodata_len);
		}
		flush(b, WB_SEC_DATA, &p);
	}

	if (o->language || o->compile || o->processed_by) {
		wb_name(&p, "producers");
		wb_u32(&p, (o->language ? 1 : 0) + (o->compile || o->processed_by ? 1 : 0));
		if (o->language)
			producers_field(&p, "language", "Go", o->language);
		if (o->compile)
			producers_field(&p, "processed-by", "Go cmd/compile", o->compile);
		else if (o->processed_by) {
			const char *sp = strchr(o->processed_by, ' ');
			wb_name(&p, "processed-by");
			wb_u32(&p, 1);
			wb_name_n(&p, o->processed_by, (size_t)(sp - o->processed_by));
			wb_name(&p, sp + 1);
		}
		flush(b, WB_SEC_CUSTOM, &p);
	}
	if (o->buildid) {
		wb_name(&p, "go.buildid");
		wb_str(&p, o->buildid);
		flush(b, WB_SEC_CUSTOM, &p);
	}
	if (o->go_version) {
		wb_name(&p, "go.version");
		wb_bytes(&p, o->go_version, o->go_version_len);
		flush(b, WB_SEC_CUSTOM, &p);
	}
	wb_free(&p);
	wb_free(&w);
	wb_free(&code);
}

static gw_walk first_call(void *ctx, const gw_call *call)
{
	*(gw_call *)ctx = *call;
	return GW_WALK_STOP;
}

typedef struct parsed {
	gwt_mod t;
	gw_go_info *info;
	gw_status status;
	gw_error err;
} parsed;

static bool read_go(parsed *x, const wb *b, const char *name)
{
	x->info = NULL;
	if (!ok(gwt_parse_wb(&x->t, b) == GW_OK, "%s: module parses (%s)", name, x->t.err.msg))
		return false;
	gw_error_clear(&x->err);
	x->status = gw_go_info_read(x->t.m, &x->info, &x->err);
	return ok(x->status == GW_OK && x->info, "%s: gw_go_info_read (%s)", name, x->err.msg);
}

static void done(parsed *x)
{
	gw_go_info_free(x->info);
	gwt_free(&x->t);
}

/* ------------------------------------------------------------------ */

static void test_version_parse(void)
{
	static const struct {
		const char *s;
		bool ok;
		int major, minor, patch;
		const char *text;
	} v[] = {
		{ "go1.19.8", true, 1, 19, 8, "go1.19.8" },
		{ "go1.21rc2", true, 1, 21, -1, "go1.21rc2" },
		{ "go1.21beta1", true, 1, 21, -1, "go1.21beta1" },
		{ "go1.22.0 X:foo", true, 1, 22, 0, "go1.22.0" },
		{ "go1.22.0 X:nocoverageredesign,noloopvar", true, 1, 22, 0, "go1.22.0" },
		{ "go1.9", true, 1, 9, -1, "go1.9" },
		{ "go1.20.14", true, 1, 20, 14, "go1.20.14" },
		{ "go1.", false, 0, 0, 0, NULL },
		{ "go2.0", false, 0, 0, 0, NULL },
		{ "go1.19.8x", false, 0, 0, 0, NULL },
		{ "golang", false, 0, 0, 0, NULL },
		{ "go1.19.", false, 0, 0, 0, NULL },
		{ "go1.19.8.1", false, 0, 0, 0, NULL },
		{ "go12345.1", false, 0, 0, 0, NULL },
		{ "go1.12345", false, 0, 0, 0, NULL },
		{ "go1.19.12345", false, 0, 0, 0, NULL },
		{ "go1.9999.9999", true, 1, 9999, 9999, "go1.9999.9999" },
		{ "go1.19rc", false, 0, 0, 0, NULL },
		{ "go1.x", false, 0, 0, 0, NULL },
		{ "Go1.19.8", false, 0, 0, 0, NULL },
		{ "devel go1.22", false, 0, 0, 0, NULL },
		{ "", false, 0, 0, 0, NULL },
		{ "go", false, 0, 0, 0, NULL },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		gw_go_version gv;
		size_t n = strlen(v[i].s);
		/* An exact-size copy: the parser must not look for a NUL. */
		uint8_t *p = malloc(n ? n : 1);
		memcpy(p, v[i].s, n);
		bool r = gw_go_version_parse(p, n, &gv);
		if (v[i].ok) {
			ok(r && gv.known && gv.major == v[i].major && gv.minor == v[i].minor && gv.patch == v[i].patch,
			   "version \"%s\" is %d.%d.%d", v[i].s, v[i].major, v[i].minor, v[i].patch);
			is_str(gv.text, v[i].text, "version \"%s\" text", v[i].s);
		} else {
			ok(!r && !gv.known, "\"%s\" is not a Go version", v[i].s);
		}
		free(p);
	}
	/* Only n bytes count. */
	gw_go_version gv;
	ok(gw_go_version_parse((const uint8_t *)"go1.19.8xyz", 8, &gv) && gv.patch == 8,
	   "\"go1.19.8\" cut from \"go1.19.8xyz\"");
	ok(!gw_go_version_parse((const uint8_t *)"go1.19.8", 7, &gv), "\"go1.19.\" (7 of 8 bytes) is not a version");
	ok(gw_go_version_parse((const uint8_t *)"go1.21\0rc", 6, &gv) && gv.minor == 21 && gv.patch == -1,
	   "\"go1.21\" followed by a NUL");
}

static void test_producer_names(void)
{
	is_str(gw_producer_name(GW_PRODUCER_GC_JS), "gc", "gc js name");
	is_str(gw_producer_name(GW_PRODUCER_GC_WASIP1), "gc", "gc wasip1 name");
	is_str(gw_producer_name(GW_PRODUCER_TINYGO), "tinygo", "tinygo name");
	is_str(gw_producer_name(GW_PRODUCER_NOT_GO), "none", "not-go name");
	is_str(gw_producer_target(GW_PRODUCER_GC_JS), "js/wasm", "gc js target");
	is_str(gw_producer_target(GW_PRODUCER_GC_WASIP1), "wasip1/wasm", "gc wasip1 target");
}

static void test_gc_js(void)
{
	go_opts o = { .abi = "go", .language = "go1.19.8", .compile = "go1.19.8",
	              .buildid = "\xff Go build ID: \"abc/def\"\n \xff", .modinfo = true, .run_export = true };
	wb b;
	wb_init(&b);
	go_layout L;
	build_go(&b, &o, &L);
	parsed x;
	if (!read_go(&x, &b, "gc js/wasm")) {
		done(&x);
		wb_free(&b);
		return;
	}
	const gw_module *m = x.t.m;
	gw_go_info *g = x.info;
	is_int(g->producer, GW_PRODUCER_GC_JS, "gc js/wasm: producer");
	is_gwstr(g->abi_module, "go", "gc js/wasm: ABI module");
	ok(g->version.known && g->version.major == 1 && g->version.minor == 19 && g->version.patch == 8,
	   "gc js/wasm: version 1.19.8");
	is_str(g->version.text, "go1.19.8", "gc js/wasm: version text");
	is_str(g->version.source, "producers", "gc js/wasm: version from producers");
	is_gwstr(g->build_id, "abc/def", "gc js/wasm: build id");

	const gw_go_buildinfo *bi = &g->build;
	ok(bi->present, "gc js/wasm: build info found");
	is_gwstr(bi->text, modinfo_text, "build info: raw text");
	is_uint(bi->address, L.modinfo_addr, "build info: address in linear memory");
	is_gwstr(bi->path, "example.com/hello", "build info: path");
	is_gwstr(bi->main.path, "example.com/hello", "build info: main module");
	is_gwstr(bi->main.version, "(devel)", "build info: main version");
	is_uint(bi->main.sum.len, 0, "build info: main has no sum");
	is_uint(bi->num_deps, 2, "build info: 2 deps");
	if (bi->num_deps == 2) {
		is_gwstr(bi->deps[0].path, "golang.org/x/text", "dep 0 path");
		is_gwstr(bi->deps[0].version, "v0.3.0", "dep 0 version");
		is_gwstr(bi->deps[0].sum, "h1:abc=", "dep 0 sum");
		is_gwstr(bi->deps[0].replace_path, "github.com/fork/text", "dep 0 replaced by");
		is_gwstr(bi->deps[0].replace_version, "v0.3.1", "dep 0 replacement version");
		is_gwstr(bi->deps[0].replace_sum, "h1:def=", "dep 0 replacement sum");
		is_gwstr(bi->deps[1].path, "github.com/foo/bar", "dep 1 path");
		is_gwstr(bi->deps[1].sum, "h1:xyz=", "dep 1 sum");
		is_uint(bi->deps[1].replace_path.len, 0, "dep 1 not replaced");
	}
	is_uint(bi->num_settings, 4, "build info: 4 settings");
	if (bi->num_settings == 4) {
		is_gwstr(bi->settings[0].key, "-compiler", "setting 0 key");
		is_gwstr(bi->settings[0].value, "gc", "setting 0 value");
		is_gwstr(bi->settings[1].key, "-ldflags", "setting 1 key: up to the first =");
		is_gwstr(bi->settings[1].value, "-X main.a=b", "setting 1 value keeps later =");
		is_gwstr(bi->settings[3].key, "GOARCH", "setting 3 key");
		is_gwstr(bi->settings[3].value, "wasm", "setting 3 value");
	}

	/* Wrappers: d0 wraps runtime.wasmExit (1), d1 wraps valueGet (3). */
	is_uint(g->num_wrappers, 2, "2 wrappers");
	is_uint(g->wrapper_of_import[1], L.d0 + 0, "runtime.wasmExit is wrapped by d0");
	is_uint(g->wrapper_of_import[3], L.d0 + 1, "syscall/js.valueGet is wrapped by d1");
	is_uint(g->wrapper_of_import[0], UINT32_MAX, "debug: no wrapper (its caller is too large)");
	is_uint(g->wrapper_of_import[2], UINT32_MAX, "runtime.wasmWrite: no wrapper (main calls it among others)");
	is_uint(g->import_of_wrapper[0], 1, "d0 wraps import 1");
	is_uint(g->import_of_wrapper[1], 3, "d1 wraps import 3");
	bool others = true;
	for (uint32_t i = 2; i < m->num_funcs; i++)
		others = others && g->import_of_wrapper[i] == UINT32_MAX;
	ok(others, "d2..d5 are not wrappers (main, run, getsp, a large function)");
	is_uint(gw_go_call_target_import(m, g, 1), 1, "calling import 1 reaches import 1");
	is_uint(gw_go_call_target_import(m, g, L.d0), 1, "calling d0 reaches import 1");
	is_uint(gw_go_call_target_import(m, g, L.d0 + 1), 3, "calling d1 reaches import 3");
	is_uint(gw_go_call_target_import(m, g, L.d0 + 2), UINT32_MAX, "calling main reaches no import");
	is_uint(gw_go_call_target_import(m, g, L.d0 + 99), UINT32_MAX, "a function that does not exist");

	/* main's first call is Go-shaped: it carries main's own return PC. */
	gw_call first = { 0 };
	gw_error cerr;
	gw_error_clear(&cerr);
	ok(gw_func_calls(m, L.d0 + 2, first_call, &first, &cerr) == GW_OK && first.callee == L.d0 &&
	   first.has_retpc && first.retpc == retpc(2, 1), "main calls d0 with return PC 0x%llx",
	   (unsigned long long)retpc(2, 1));

	ok(!g->calls_counted, "call sites not counted yet");
	gw_error err;
	for (int pass = 0; pass < 2; pass++) {
		gw_error_clear(&err);
		is_int(gw_go_count_call_sites(m, g, &err), GW_OK, "count call sites, pass %d (%s)", pass + 1, err.msg);
		ok(g->calls_counted, "pass %d: counted", pass + 1);
		is_uint(g->call_sites[0], 1, "pass %d: debug called once, directly from a large function", pass + 1);
		is_uint(g->call_sites[1], 1, "pass %d: runtime.wasmExit once through its wrapper", pass + 1);
		is_uint(g->call_sites[2], 1, "pass %d: runtime.wasmWrite once, directly", pass + 1);
		is_uint(g->call_sites[3], 2, "pass %d: syscall/js.valueGet twice through its wrapper", pass + 1);
		is_uint(g->total_call_sites, 5, "pass %d: 5 call sites in all (wrappers' own calls excluded)", pass + 1);
	}
	done(&x);

	/* A wrapper candidate with a malformed body: an error, no info. */
	o.bad_wrapper = true;
	build_go(&b, &o, &L);
	gwt_mod t;
	if (ok(gwt_parse_wb(&t, &b) == GW_OK, "malformed small function: module parses")) {
		static gw_go_info dummy;
		gw_go_info *info = &dummy; /* must be reset to NULL */
		gw_error_clear(&err);
		gw_status st = gw_go_info_read(t.m, &info, &err);
		ok(st == GW_ERR_FORMAT && info == NULL && strstr(err.msg, "unknown opcode 0x27"),
		   "malformed wrapper candidate: format error and no info (%s)", err.msg);
	}
	gwt_free(&t);
	wb_free(&b);
}

static void test_gc_js_121(void)
{
	/* Go 1.21: module "gojs", version only in processed-by, no build id
	 * and no build info. */
	go_opts o = { .abi = "gojs", .compile = "go1.21.0", .run_export = true };
	wb b;
	wb_init(&b);
	go_layout L;
	build_go(&b, &o, &L);
	parsed x;
	if (read_go(&x, &b, "gc js/wasm 1.21")) {
		gw_go_info *g = x.info;
		is_int(g->producer, GW_PRODUCER_GC_JS, "1.21: producer");
		is_gwstr(g->abi_module, "gojs", "1.21: ABI module gojs");
		ok(g->version.known && g->version.minor == 21 && g->version.patch == 0, "1.21: version 1.21.0");
		is_str(g->version.source, "producers", "1.21: from processed-by");
		is_uint(g->build_id.len, 0, "1.21: no build id");
		ok(!g->build.present, "1.21: no build info");
		is_uint(g->num_wrappers, 2, "1.21: wrappers found under gojs too");
		gw_error err;
		gw_error_clear(&err);
		ok(gw_go_count_call_sites(x.t.m, g, &err) == GW_OK && g->total_call_sites == 5, "1.21: 5 call sites");
	}
	done(&x);

	/* Older versions: the go.version section, raw or length-prefixed. */
	o = (go_opts){ .abi = "go", .go_version = "go1.12.17", .go_version_len = 9 };
	build_go(&b, &o, &L);
	if (read_go(&x, &b, "go.version raw")) {
		ok(x.info->producer == GW_PRODUCER_GC_JS, "go.version marks gc");
		ok(x.info->version.minor == 12 && x.info->version.patch == 17, "go.version raw: 1.12.17");
		is_str(x.info->version.source, "go.version", "go.version raw: source");
	}
	done(&x);
	o = (go_opts){ .abi = "go", .go_version = "\x08go1.11.4", .go_version_len = 9 };
	build_go(&b, &o, &L);
	if (read_go(&x, &b, "go.version prefixed")) {
		ok(x.info->version.minor == 11 && x.info->version.patch == 4, "go.version length-prefixed: 1.11.4");
		is_str(x.info->version.source, "go.version", "go.version prefixed: source");
	}
	done(&x);

	/* No version anywhere but the runtime.buildVersion string in data;
	 * "run" alone marks gc. Versions inside longer tokens do not count. */
	static const char rodata[] = "go1.18 xgo1.99.1 /go1.98.0 go1.20.3\0more";
	o = (go_opts){ .abi = "gojs", .run_export = true, .rodata = rodata, .rodata_len = sizeof rodata };
	build_go(&b, &o, &L);
	if (read_go(&x, &b, "rodata version")) {
		ok(x.info->producer == GW_PRODUCER_GC_JS, "rodata: exports run: gc");
		ok(x.info->version.known && x.info->version.minor == 20 && x.info->version.patch == 3,
		   "rodata: the first standalone go1.N.P is go1.20.3");
		is_str(x.info->version.source, "rodata", "rodata: source");
	}
	done(&x);

	/* js imports of the gc shape, but nothing else that says gc. */
	o = (go_opts){ .abi = "go" };
	build_go(&b, &o, &L);
	if (read_go(&x, &b, "go imports only")) {
		is_int(x.info->producer, GW_PRODUCER_NOT_GO, "go imports without run or producers: not Go");
		is_uint(x.info->num_wrappers, 0, "not Go: no wrappers searched");
	}
	done(&x);
	wb_free(&b);
}

static void test_tinygo(void)
{
	wb b;
	wb_init(&b);
	go_layout L;
	parsed x;

	go_opts o = { .abi = "gojs", .native_types = true };
	build_go(&b, &o, &L);
	if (read_go(&x, &b, "tinygo js")) {
		is_int(x.info->producer, GW_PRODUCER_TINYGO, "gojs imports with native types: TinyGo");
		is_gwstr(x.info->abi_module, "gojs", "TinyGo js: ABI module gojs");
		is_str(gw_producer_name(x.info->producer), "tinygo", "TinyGo name");
		ok(!x.info->version.known, "TinyGo: no version guessed from data");
		is_uint(x.info->num_wrappers, 0, "TinyGo: no gc wrappers");
	}
	done(&x);

	o = (go_opts){ .wasi = true, .extra_export = "asyncify_start_unwind" };
	build_go(&b, &o, &L);
	if (read_go(&x, &b, "tinygo asyncify")) {
		is_int(x.info->producer, GW_PRODUCER_TINYGO, "export asyncify_start_unwind: TinyGo");
		is_gwstr(x.info->abi_module, "wasi_snapshot_preview1", "TinyGo wasi: ABI module");
	}
	done(&x);

	o = (go_opts){ .wasi = true, .language = "go1.21.0", .processed_by = "TinyGo 0.30.0" };
	build_go(&b, &o, &L);
	if (read_go(&x, &b, "tinygo producers")) {
		is_int(x.info->producer, GW_PRODUCER_TINYGO, "processed-by TinyGo beats language Go");
		ok(x.info->version.known && x.info->version.minor == 21, "TinyGo: Go version from producers");
	}
	done(&x);

	/* TinyGo-style js imports next to gc marks: gc marks win only when
	 * the imports have the gc signature, so this is not gc. */
	o = (go_opts){ .abi = "go", .native_types = true, .language = "go1.19.8" };
	build_go(&b, &o, &L);
	if (read_go(&x, &b, "native types with gc marks"))
		ok(x.info->producer != GW_PRODUCER_GC_JS, "native-typed js imports are never gc js/wasm");
	done(&x);
	wb_free(&b);
}

static void test_wasip1(void)
{
	wb b;
	wb_init(&b);
	go_layout L;
	parsed x;
	go_opts o = { .wasi = true, .language = "go1.21.0", .buildid = "\xff Go build ID: \"w/x\"\n \xff",
	              .modinfo = true };
	build_go(&b, &o, &L);
	if (read_go(&x, &b, "wasip1")) {
		is_int(x.info->producer, GW_PRODUCER_GC_WASIP1, "wasi imports + producers Go: gc wasip1");
		is_gwstr(x.info->abi_module, "wasi_snapshot_preview1", "wasip1: ABI module");
		is_str(gw_producer_target(x.info->producer), "wasip1/wasm", "wasip1: target");
		ok(x.info->version.minor == 21 && x.info->version.patch == 0, "wasip1: go1.21.0");
		is_gwstr(x.info->build_id, "w/x", "wasip1: build id");
		ok(x.info->build.present && x.info->build.num_deps == 2, "wasip1: build info read");
		is_uint(x.info->num_wrappers, 0, "wasip1: wrappers are a js/wasm thing");
	}
	done(&x);

	/* wasi imports alone do not say Go. */
	o = (go_opts){ .wasi = true };
	build_go(&b, &o, &L);
	if (read_go(&x, &b, "plain wasi"))
		is_int(x.info->producer, GW_PRODUCER_NOT_GO, "wasi imports without Go marks: not Go");
	done(&x);
	wb_free(&b);
}

static void test_not_go(void)
{
	wb b;
	wb_init(&b);
	go_layout L;
	parsed x;
	/* No imports, no Go sections, but the modinfo sentinels in data: the
	 * build info is only looked for in Go modules. */
	go_opts o = { .modinfo = true, .extra_export = "main",
	              .rodata = "go1.20.3", .rodata_len = 8 };
	build_go(&b, &o, &L);
	if (read_go(&x, &b, "plain module")) {
		is_int(x.info->producer, GW_PRODUCER_NOT_GO, "no Go markers: not Go");
		is_str(gw_producer_name(x.info->producer), "none", "not Go: name none");
		ok(!x.info->version.known, "not Go: no version");
		ok(!x.info->build.present, "not Go: build info not read");
		is_uint(x.info->build_id.len, 0, "not Go: no build id");
		is_uint(x.info->num_wrappers, 0, "not Go: no wrappers");
		is_uint(x.info->import_of_wrapper[0], UINT32_MAX, "not Go: wrapper table still allocated and empty");
		gw_error err;
		gw_error_clear(&err);
		ok(gw_go_count_call_sites(x.t.m, x.info, &err) == GW_OK && x.info->total_call_sites == 0,
		   "not Go: no import, no call sites");
	}
	done(&x);

	/* The smallest module. */
	wb_reset(&b);
	wb_header(&b);
	if (read_go(&x, &b, "empty module")) {
		is_int(x.info->producer, GW_PRODUCER_NOT_GO, "empty module: not Go");
		is_uint(x.info->abi_module.len, 0, "empty module: no ABI module");
	}
	done(&x);
	wb_free(&b);
}

static gw_str S(const char *s)
{
	gw_str r = { (const uint8_t *)s, (uint32_t)strlen(s) };
	return r;
}

/* item sarif-roots: the -trimpath main-module mapping that gowasm-check
 * --source-root and gowasm-sourcemap --source-root share. */
static void test_main_module_file(void)
{
	gw_go_module_line deps[2] = { { .path = S("example.com/app/v2") },
		                      { .path = S("example.com/app/tools"), .replace_path = S("example.com/app/tools2") } };
	gw_go_info go;
	memset(&go, 0, sizeof go);
	go.build.main.path = S("example.com/app");
	go.build.deps = deps;
	go.build.num_deps = 2;
	static const struct { const char *file, *rel; } cases[] = {
		{ "example.com/app/main.go", "main.go" },
		{ "example.com/app/cmd/x/main.go", "cmd/x/main.go" },
		{ "example.com/application/main.go", NULL },       /* another module sharing the prefix */
		{ "example.com/app", NULL },                       /* the path alone */
		{ "example.com/app@v1.0.0/x.go", NULL },           /* a module cache path */
		{ "example.com/app/v2@v2.1.0/x.go", NULL },        /* a nested module from the cache */
		{ "example.com/app/v2/x.go", NULL },               /* ... replaced by a folder */
		{ "example.com/app/tools2@v0.1.0/x.go", NULL },    /* a nested replacement */
		{ "/home/u/app/main.go", NULL },                   /* without -trimpath */
		{ "fmt/print.go", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		gw_str rel = { NULL, 0 };
		bool got = gw_go_main_module_file(&go, S(cases[i].file), &rel);
		if (cases[i].rel)
			ok(got && gw_str_same(rel, S(cases[i].rel)), "item sarif-roots: %s is the main module's %s", cases[i].file,
			   cases[i].rel);
		else
			ok(!got, "item sarif-roots: %s is not the main module's", cases[i].file);
	}
	go.build.main.path = S("");
	gw_str rel;
	ok(!gw_go_main_module_file(&go, S("/main.go"), &rel), "item sarif-roots: no main module path: no file is its");
}

int main(void)
{
	test_main_module_file();
	test_version_parse();
	test_producer_names();
	test_gc_js();
	test_gc_js_121();
	test_tinygo();
	test_wasip1();
	test_not_go();
	return done_testing();
}
