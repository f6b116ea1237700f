/* SPDX-License-Identifier: MIT */
#include "symbolize.h"

#include <string.h>

#include "json.h"

const char *gw_frame_status_name(gw_frame_status s)
{
	switch (s) {
	case GW_FRAME_OK: return "ok";
	case GW_FRAME_ENTRY: return "entry";
	case GW_FRAME_OUTSIDE: return "outside-code";
	case GW_FRAME_MISMATCH: return "function-mismatch";
	case GW_FRAME_NO_FUNCTION: return "no-function";
	case GW_FRAME_WRONG_MODULE: return "wrong-module";
	}
	return "?";
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hex_value(char c)
{
	return c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

bool gw_wasm_frame_parse(const char *line, size_t len, gw_wasm_frame_ref *out)
{
	static const char key[] = "wasm-function[";
	const size_t klen = sizeof key - 1;
	memset(out, 0, sizeof *out);
	while (out->indent < len && (line[out->indent] == ' ' || line[out->indent] == '\t'))
		out->indent++;
	for (size_t i = 0; i + klen <= len; i++) {
		if (line[i] != 'w' || memcmp(line + i, key, klen) != 0)
			continue;
		size_t p = i + klen, digits = 0;
		uint64_t n = 0;
		while (p < len && line[p] >= '0' && line[p] <= '9' && digits < 10) {
			n = n * 10 + (uint64_t)(line[p++] - '0');
			digits++;
		}
		if (!digits || n > UINT32_MAX || p >= len || line[p] != ']')
			continue;
		out->func = (uint32_t)n;
		p++;
		if (p + 3 < len && line[p] == ':' && line[p + 1] == '0' && (line[p + 2] == 'x' || line[p + 2] == 'X') &&
		    is_hex(line[p + 3])) {
			uint64_t off = 0;
			size_t q = p + 3, hd = 0;
			while (q < len && is_hex(line[q]) && hd < 17)
				off = off << 4 | hex_value(line[q++]), hd++;
			out->has_offset = true;
			out->offset = hd <= 16 ? off : UINT64_MAX; /* too long: outside any module */
		}
		return true;
	}
	return false;
}

typedef struct sym_ctx {
	gw_go_addr *a;
	gw_buf *out, *warnings;
	gw_json j;
	bool json;
	gw_symbolize_stats *st;
	gw_code_loc loc;
} sym_ctx;

static gw_status resolve(sym_ctx *c, const gw_wasm_frame_ref *ref, gw_frame_status *status, gw_error *err)
{
	gw_status s;
	if (!ref->has_offset) {
		s = gw_go_addr_lookup_func(c->a, ref->func, &c->loc, err);
		*status = c->loc.kind == GW_CODE_OUTSIDE ? GW_FRAME_NO_FUNCTION : GW_FRAME_ENTRY;
		return s;
	}
	s = gw_go_addr_lookup(c->a, ref->offset, &c->loc, err);
	if (s)
		return s;
	if (c->loc.kind == GW_CODE_OUTSIDE)
		*status = GW_FRAME_OUTSIDE;
	else if (c->loc.func != ref->func)
		*status = GW_FRAME_MISMATCH;
	else
		*status = GW_FRAME_OK;
	return GW_OK;
}

static void warn(sym_ctx *c, uint64_t lineno, const gw_wasm_frame_ref *ref, gw_frame_status status)
{
	gw_buf *w = c->warnings;
	gw_buf_printf(w, "%llu: ", (unsigned long long)lineno);
	switch (status) {
	case GW_FRAME_OUTSIDE:
		gw_buf_printf(w, "offset 0x%llx of wasm-function[%u] is outside every function body of the module",
		              (unsigned long long)ref->offset, ref->func);
		break;
	case GW_FRAME_MISMATCH:
		gw_buf_printf(w, "wasm-function[%u] does not hold offset 0x%llx (wasm-function[%u] does)", ref->func,
		              (unsigned long long)ref->offset, c->loc.func);
		break;
	default:
		gw_buf_printf(w, "wasm-function[%u] is not a function defined in the module", ref->func);
		break;
	}
	gw_buf_puts(w, "; line kept\n");
}

/* The name to show for a function without Go frames. */
static void other_name(const gw_code_loc *loc, gw_buf *b)
{
	if (loc->role[0])
		gw_buf_puts(b, loc->role);
	else if (loc->name.len)
		gw_buf_put_printable(b, loc->name.p, loc->name.len);
	else
		gw_buf_printf(b, "wasm-function[%u]", loc->func);
}

static void write_text(sym_ctx *c, const char *line, size_t indent)
{
	const gw_code_loc *loc = &c->loc;
	gw_buf *b = c->out;
	if (!loc->nframes) {
		gw_buf_append(b, line, indent);
		other_name(loc, b);
		gw_buf_puts(b, "  ?:0\n");
		return;
	}
	for (int i = 0; i < loc->nframes; i++) {
		const gw_frame *f = &loc->frames[i];
		gw_buf_append(b, line, indent);
		gw_buf_put_printable(b, f->func.p, f->func.len);
		gw_buf_puts(b, "  ");
		if (f->file.len)
			gw_buf_put_printable(b, f->file.p, f->file.len);
		else
			gw_buf_putc(b, '?');
		gw_buf_printf(b, ":%d%s\n", f->line > 0 ? f->line : 0, f->inlined ? "  (inlined)" : "");
	}
}

static void write_json(sym_ctx *c, uint64_t lineno, const char *line, size_t len, const gw_wasm_frame_ref *ref,
                       gw_frame_status status)
{
	gw_json *j = &c->j;
	const gw_code_loc *loc = &c->loc;
	bool kept = status != GW_FRAME_OK && status != GW_FRAME_ENTRY;
	gw_json_object_begin(j, NULL);
	gw_json_uint(j, "line", lineno);
	gw_json_string_n(j, "text", (const uint8_t *)line, len);
	gw_json_uint(j, "wasm_function", ref->func);
	if (ref->has_offset)
		gw_json_uint(j, "offset", ref->offset);
	else
		gw_json_null(j, "offset");
	gw_json_string(j, "status", gw_frame_status_name(status));
	if (kept || loc->kind == GW_CODE_OUTSIDE) {
		gw_json_null(j, "function");
		if (status == GW_FRAME_MISMATCH)
			gw_json_uint(j, "function_at_offset", loc->func);
	} else {
		gw_json_object_begin(j, "function");
		gw_json_uint(j, "index", loc->func);
		if (loc->kind == GW_CODE_GO) {
			gw_json_string_n(j, "name", loc->name.p, loc->name.len);
			gw_json_uint(j, "pc", loc->pc);
			gw_json_bool(j, "at_call", loc->at_call);
		} else {
			gw_buf nb;
			gw_buf_init(&nb);
			other_name(loc, &nb);
			gw_json_string_n(j, "name", (const uint8_t *)nb.data, nb.len);
			gw_buf_free(&nb);
			gw_json_null(j, "pc");
			gw_json_bool(j, "at_call", false);
		}
		gw_json_object_end(j);
	}
	gw_json_array_begin(j, "frames");
	for (int i = 0; !kept && i < loc->nframes; i++) {
		const gw_frame *f = &loc->frames[i];
		gw_json_object_begin(j, NULL);
		gw_json_string_n(j, "function", f->func.p, f->func.len);
		if (f->file.len)
			gw_json_string_n(j, "file", f->file.p, f->file.len);
		else
			gw_json_null(j, "file");
		if (f->line > 0)
			gw_json_int(j, "line", f->line);
		else
			gw_json_null(j, "line");
		gw_json_bool(j, "inlined", f->inlined);
		gw_json_object_end(j);
	}
	gw_json_array_end(j);
	gw_json_object_end(j);
}

/* V8 names a module compiled from bytes wasm://wasm/HASH (or NAME-HASH),
 * HASH being 8 hex digits of its hash of the bytes; for modules longer than
 * 16383 bytes that hash is computed from the length alone: (length << 2) |
 * 2 (V8's trivial string hash). Returns the hash a line names, or -1. */
static int64_t v8_hash_in(const char *line, size_t len)
{
	static const char key[] = "wasm://wasm/";
	const size_t klen = sizeof key - 1;
	for (size_t i = 0; i + klen <= len; i++) {
		if (memcmp(line + i, key, klen) != 0)
			continue;
		size_t p = i + klen, end = p;
		while (end < len && line[end] != ':' && line[end] != ')' && line[end] != ' ')
			end++;
		if (end - p < 8 || (end - p > 8 && line[end - 9] != '-'))
			return -1;
		uint32_t h = 0;
		for (size_t k = end - 8; k < end; k++) {
			if (!is_hex(line[k]))
				return -1;
			h = h << 4 | hex_value(line[k]);
		}
		return h;
	}
	return -1;
}

/* Does the frame disagree with the module? The cheap test of the first pass. */
static bool disagrees(const gw_go_addr *a, const gw_module *m, const gw_wasm_frame_ref *ref)
{
	bool defined = ref->func >= m->num_func_imports && ref->func - m->num_func_imports < m->num_funcs;
	return ref->has_offset ? gw_go_addr_func_at(a, ref->offset) != ref->func : !defined;
}

/* The next line of text from *pos: its length without the newline. */
static size_t next_line(const char *text, size_t len, size_t *pos, bool *has_nl)
{
	const char *line = text + *pos;
	const char *nl = memchr(line, '\n', len - *pos);
	size_t n = nl ? (size_t)(nl - line) : len - *pos;
	*pos += n + (nl ? 1 : 0);
	*has_nl = nl != NULL;
	return n;
}

gw_status gw_symbolize(gw_go_addr *a, const gw_module *m, const char *text, size_t len, bool json, gw_buf *out,
                       gw_buf *warnings, gw_symbolize_stats *st, gw_error *err)
{
	memset(st, 0, sizeof *st);
	/* First pass: is the trace from this module at all? When most frames
	 * disagree with it, the few that agree do so by chance: keep them all. */
	uint64_t frames = 0, disagree = 0, other_hash = 0;
	int64_t seen_hash = -1;
	/* Only for long modules: a short one's hash depends on its bytes. */
	int64_t want_hash = m->size > 16383 ? (int64_t)(((uint32_t)m->size << 2) | 2) : -1;
	for (size_t pos = 0; pos < len;) {
		bool nl;
		const char *line = text + pos;
		size_t n = next_line(text, len, &pos, &nl);
		gw_wasm_frame_ref ref;
		if (gw_wasm_frame_parse(line, n, &ref)) {
			frames++;
			disagree += disagrees(a, m, &ref);
			int64_t h = want_hash >= 0 ? v8_hash_in(line, n) : -1;
			if (h >= 0 && h != want_hash) {
				other_hash++;
				seen_hash = h;
			}
		}
	}
	st->wrong_module = frames && disagree * 2 > frames;
	if (other_hash)
		gw_buf_printf(warnings,
		              "0: %llu frames name the module wasm://wasm/%08llx, but V8 names this one wasm://wasm/%08llx "
		              "(a hash of its length): the trace may come from another build\n",
		              (unsigned long long)other_hash, (unsigned long long)seen_hash,
		              (unsigned long long)want_hash);
	sym_ctx c = { .a = a, .out = out, .warnings = warnings, .json = json, .st = st };
	if (json) {
		gw_json_init(&c.j, out);
		gw_json_object_begin(&c.j, NULL);
		gw_json_string(&c.j, "schema", GW_SYMBOLIZE_SCHEMA);
		gw_json_array_begin(&c.j, "frames");
	}
	for (size_t pos = 0; pos < len;) {
		bool nl;
		const char *line = text + pos;
		size_t n = next_line(text, len, &pos, &nl);
		size_t shown = n && line[n - 1] == '\r' ? n - 1 : n;
		st->lines++;
		gw_wasm_frame_ref ref;
		if (!gw_wasm_frame_parse(line, shown, &ref)) {
			if (!json) {
				gw_buf_append(out, line, n);
				if (nl)
					gw_buf_putc(out, '\n');
			}
			continue;
		}
		st->frames++;
		gw_frame_status status;
		gw_status s = resolve(&c, &ref, &status, err);
		if (s)
			return s;
		bool kept = status != GW_FRAME_OK && status != GW_FRAME_ENTRY;
		if (kept) {
			st->disagree++;
			warn(&c, st->lines, &ref, status);
		} else if (st->wrong_module) {
			status = GW_FRAME_WRONG_MODULE;
			kept = true;
			st->disagree++;
		} else {
			st->resolved++;
		}
		if (json) {
			write_json(&c, st->lines, line, shown, &ref, status);
		} else if (kept) {
			gw_buf_append(out, line, n);
			if (nl)
				gw_buf_putc(out, '\n');
		} else {
			write_text(&c, line, ref.indent);
		}
	}
	if (st->wrong_module)
		gw_buf_printf(warnings,
		              "0: %llu of %llu wasm frames disagree with the module: the trace is probably from another "
		              "module; every line kept\n",
		              (unsigned long long)disagree, (unsigned long long)frames);
	if (json) {
		gw_json_array_end(&c.j);
		gw_json_object_begin(&c.j, "summary");
		gw_json_uint(&c.j, "lines", st->lines);
		gw_json_uint(&c.j, "wasm_frames", st->frames);
		gw_json_uint(&c.j, "resolved", st->resolved);
		gw_json_uint(&c.j, "kept", st->disagree);
		gw_json_bool(&c.j, "wrong_module", st->wrong_module);
		gw_json_object_end(&c.j);
		gw_json_object_end(&c.j);
		gw_buf_putc(out, '\n');
	}
	return GW_OK;
}
