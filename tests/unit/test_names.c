/* SPDX-License-Identifier: MIT */
/* Go symbol names: the name-section substitution Go's wasm linker applies
 * ([^\w.] -> '_', one underscore per rune), the "[...]" generic elision of
 * Go 1.18-1.20 pclntab names, and package paths of symbols. */
#include <string.h>

#include "gowasm.h"
#include "tap.h"

static gw_str S(const char *z)
{
	gw_str s = { (const uint8_t *)z, (uint32_t)strlen(z) };
	return s;
}

static void matches(const char *go, const char *sec, bool want)
{
	ok(gw_go_name_matches(S(go), S(sec)) == want, "\"%s\" %s \"%s\"", go, want ? "matches" : "does not match", sec);
}

static void package(const char *sym, const char *want)
{
	gw_str p = gw_go_symbol_package(S(sym));
	ok(p.len == strlen(want) && memcmp(p.p, want, p.len) == 0, "package of %s is \"%s\" (got \"%.*s\")", sym, want,
	   (int)p.len, (const char *)p.p);
}

int main(void)
{
	matches("main.main", "main.main", true);
	matches("internal/cpu.processOptions", "internal_cpu.processOptions", true);
	matches("runtime.(*mheap).alloc", "runtime.__mheap_.alloc", true);
	matches("type..eq.[2]interface {}", "type..eq._2_interface___", true);
	/* One underscore per rune, not per byte: U+00B7 is two bytes. */
	matches("type:.eq.main.filteredCallback\xc2\xb7" "1", "type:.eq.main.filteredCallback_1", false);
	matches("type..eq.main.filteredCallback\xc2\xb7" "1", "type..eq.main.filteredCallback_1", true);
	matches("a\xc2\xb7" "b", "a__b", false);
	matches("main.main", "main.mai", false);
	matches("main.main", "main.main_", false);
	matches("main.f", "main_f", false);
	matches("", "", true);
	/* Go 1.18-1.20 elide type arguments in pclntab names only. */
	matches("type..eq.[...]runtime.Frame", "type..eq._2_runtime.Frame", true);
	matches("slices.Sort[...]", "slices.Sort_go.shape.string_", true);
	matches("slices.Sort[...]", "slices.Insert_go.shape.string_", false);
	matches("a.F[...].m", "a.F_x_.n", false);
	matches("a.F[...].m", "a.F.m", false);

	package("main.main", "main");
	package("github.com/evanw/esbuild/internal/js_parser.(*parser).parseExpr", "github.com/evanw/esbuild/internal/js_parser");
	package("runtime.gcBgMarkWorker.func1", "runtime");
	package("internal/abi.(*Type).Len", "internal/abi");
	package("golang.org/x/sys/unix.Syscall", "golang.org/x/sys/unix");
	package("slices.Sort[go.shape.[]uint8]", "slices");
	package("example.com/m.F[example.com/other.T]", "example.com/m");
	package("type:.eq.main.T", "type:");
	package("type..eq.[2]interface {}", "type:");
	package("go:buildid", "go:");
	package("go.buildid", "go:");
	package("noDotAtAll", "noDotAtAll");
	package("a/b/c", "a/b/c");
	return done_testing();
}
