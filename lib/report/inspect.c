/* SPDX-License-Identifier: MIT */
/* The gowasm-inspect report, as text for people and as JSON (schema
 * "gowasm-inspect/1", documented in gowasm-inspect(1)). */
#include "inspect.h"

#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "../go/pclntab.h"

#include <stdlib.h>

static void put_str(gw_buf *b, gw_str s)
{
	gw_buf_put_printable(b, s.p, s.len);
}

static void type_sig(gw_buf *b, const gw_functype *t)
{
	gw_buf_putc(b, '(');
	for (uint32_t i = 0; t && i < t->nparams; i++)
		gw_buf_printf(b, "%s%s", i ? ", " : "", gw_valtype_name(t->params[i]));
	gw_buf_puts(b, ") -> (");
	for (uint32_t i = 0; t && i < t->nresults; i++)
		gw_buf_printf(b, "%s%s", i ? ", " : "", gw_valtype_name(t->results[i]));
	gw_buf_putc(b, ')');
}

static gw_import_role import_role(const gw_module *m, const gw_go_info *go, const gw_import *im,
                                  const gw_abi_import **abi)
{
	*abi = NULL;
	if (gw_str_eq(im->module, "wasi_snapshot_preview1") || gw_str_eq(im->module, "wasi_unstable"))
		return GW_ROLE_WASI;
	if (go->producer == GW_PRODUCER_GC_JS && gw_str_same(im->module, go->abi_module)) {
		*abi = gw_abi_lookup(im->field);
		return *abi ? (*abi)->role : GW_ROLE_UNKNOWN;
	}
	if (go->producer == GW_PRODUCER_GC_JS && gw_str_eq(im->module, GW_BATCH_IMPORT_MODULE) && gw_module_batched(m))
		return GW_ROLE_BATCH;
	return go->producer == GW_PRODUCER_NOT_GO ? GW_ROLE_UNKNOWN : GW_ROLE_USER;
}

static uint64_t bridge_total(const gw_module *m, const gw_go_info *go)
{
	uint64_t n = 0;
	for (uint32_t i = 0; go->calls_counted && i < m->num_func_imports; i++) {
		const gw_import *im = gw_module_func_import(m, i);
		const gw_abi_import *abi;
		if (im && import_role(m, go, im, &abi) == GW_ROLE_BRIDGE)
			n += go->call_sites[i];
	}
	return n;
}

static const char *section_label(const gw_section *s)
{
	return gw_section_name(s->id);
}


static void json_str(gw_json *j, const char *k, gw_str s)
{
	gw_json_string_n(j, k, s.p, s.len);
}

static void json_str_or_null(gw_json *j, const char *k, gw_str s)
{
	if (s.len)
		json_str(j, k, s);
	else
		gw_json_null(j, k);
}

static void put_func_name(gw_buf *b, const gw_inspect_input *in, uint32_t defined)
{
	gw_str n = in->syms && defined < in->syms->num_funcs ? in->syms->funcs[defined].name : (gw_str){ NULL, 0 };
	if (n.len)
		put_str(b, n);
	else
		gw_buf_printf(b, "func[%u]", in->m->num_func_imports + defined);
}

static void text_symbols(gw_buf *b, const gw_inspect_input *in)
{
	const gw_go_symbols *s = in->syms;
	const gw_go_info *go = in->go;
	if (!s || go->producer == GW_PRODUCER_NOT_GO)
		return;
	gw_buf_printf(b, "  symbols:       %s", gw_names_source_name(s->source));
	if (go->pcln)
		gw_buf_printf(b, " (Go %s format, %u functions, %" PRIu64 " files)", gw_pclntab_format_name(go->pcln),
		              go->pcln->nfunc, go->pcln->nfiles);
	gw_buf_printf(b, ", %u of %u functions named\n", s->named, s->num_funcs);
}

static void text_integrity(gw_buf *b, const gw_inspect_input *in)
{
	const gw_integrity *g = in->integrity;
	if (!g || in->go->producer == GW_PRODUCER_NOT_GO)
		return;
	uint32_t errors = 0, warnings = 0;
	for (uint32_t i = 0; i < g->num_problems; i++) {
		errors += g->problems[i].severity == GW_SEV_ERROR;
		warnings += g->problems[i].severity == GW_SEV_WARNING;
	}
	gw_buf_printf(b, "\nintegrity: %s (%u errors, %u warnings)", errors ? "FAILED" : "ok", errors, warnings);
	gw_buf_printf(b, ": %u pclntab functions checked", g->functions_checked);
	if (g->names_compared)
		gw_buf_printf(b, ", %u of %u name-section names match", g->names_matched, g->names_compared);
	gw_buf_putc(b, '\n');
	for (uint32_t i = 0; i < g->num_problems; i++) {
		const gw_problem *p = &g->problems[i];
		gw_buf_printf(b, "  %s: ", gw_severity_name(p->severity));
		gw_buf_put_printable(b, p->message, strlen(p->message));
		gw_buf_printf(b, " [%s]\n", gw_rule_of(p->rule)->id);
	}
}

static void text_packages(gw_buf *b, const gw_inspect_input *in)
{
	const gw_go_symbols *s = in->syms;
	if (!s || !s->named)
		return;
	uint32_t show = (in->flags & GW_INSPECT_PACKAGES) ? s->num_packages
	                : s->num_packages < GW_INSPECT_TOP_PACKAGES ? s->num_packages : GW_INSPECT_TOP_PACKAGES;
	gw_buf_printf(b, "\ncode size by package (%u packages, %" PRIu64 " bytes of code section):\n", s->num_packages,
	              s->code_section_bytes);
	for (uint32_t i = 0; i < show; i++) {
		const gw_go_package *p = &s->packages[i];
		gw_buf_printf(b, "  %10" PRIu64 "  %5.1f%%  %5u  ", p->code_bytes,
		              s->code_section_bytes ? 100.0 * (double)p->code_bytes / (double)s->code_section_bytes : 0.0,
		              p->funcs);
		put_str(b, p->name);
		gw_buf_putc(b, '\n');
	}
	if (show < s->num_packages) {
		uint64_t rest = 0;
		uint32_t funcs = 0;
		for (uint32_t i = show; i < s->num_packages; i++) {
			rest += s->packages[i].code_bytes;
			funcs += s->packages[i].funcs;
		}
		gw_buf_printf(b, "  %10" PRIu64 "  %5.1f%%  %5u  (%u more packages: --packages lists them)\n", rest,
		              s->code_section_bytes ? 100.0 * (double)rest / (double)s->code_section_bytes : 0.0, funcs,
		              s->num_packages - show);
	}
	gw_buf_printf(b, "  %10" PRIu64 "                 (section header)\n", s->code_header_bytes);
}

static void text_functions(gw_buf *b, const gw_inspect_input *in)
{
	const gw_module *m = in->m;
	gw_buf_printf(b, "\nfunctions (%u defined):\n", m->num_funcs);
	for (uint32_t i = 0; i < m->num_funcs; i++) {
		gw_buf_printf(b, "  %6u  %8u  ", m->num_func_imports + i, m->funcs[i].body_size);
		const gw_go_func *f = in->syms ? &in->syms->funcs[i] : NULL;
		if (f && f->name.len)
			put_str(b, f->name);
		else
			gw_buf_puts(b, "-");
		if (f && f->file.len) {
			gw_buf_puts(b, "  ");
			put_str(b, f->file);
			if (f->line >= 0)
				gw_buf_printf(b, ":%d", f->line);
		}
		gw_buf_putc(b, '\n');
	}
}

static gw_status find_sites(const gw_inspect_input *in, gw_call_site_list *l, gw_error *err)
{
	gw_str name = { (const uint8_t *)in->calls, (uint32_t)strlen(in->calls) };
	return gw_go_collect_calls(in->m, in->go, in->syms, name, l, err);
}

static gw_status text_calls(gw_buf *b, const gw_inspect_input *in, gw_error *err)
{
	gw_call_site_list l;
	gw_status s = find_sites(in, &l, err);
	if (s)
		return s;
	gw_buf_printf(b, "\ncall sites of %s: %u\n", in->calls, l.n);
	for (uint32_t i = 0; i < l.n; i++) {
		const gw_call_site *r = &l.v[i];
		gw_buf_puts(b, "  ");
		if (r->nframes && r->frames[0].file.len) {
			put_str(b, r->frames[0].file);
			gw_buf_printf(b, ":%d: ", r->frames[0].line);
		} else {
			gw_buf_puts(b, "?: ");
		}
		if (r->nframes)
			put_str(b, r->frames[0].func);
		else
			put_func_name(b, in, r->call->caller - in->m->num_func_imports);
		gw_buf_printf(b, " %s %s", r->inlined_target ? "inlines" : "calls", in->calls);
		for (int k = 1; k < r->nframes; k++) {
			gw_buf_puts(b, k == 1 ? " (inlined into " : ", into ");
			put_str(b, r->frames[k].func);
			gw_buf_puts(b, " at ");
			put_str(b, r->frames[k].file);
			gw_buf_printf(b, ":%d", r->frames[k].line);
		}
		gw_buf_puts(b, r->nframes > 1 ? ")" : "");
		gw_buf_puts(b, r->in_loop ? " in a loop\n" : "\n");
	}
	gw_call_site_list_free(&l);
	return GW_OK;
}

static gw_status json_calls(gw_json *j, const gw_inspect_input *in, gw_error *err)
{
	gw_call_site_list l;
	gw_status s = find_sites(in, &l, err);
	if (s)
		return s;
	const gw_module *m = in->m;
	gw_json_object_begin(j, "calls");
	gw_json_string(j, "target", in->calls);
	gw_json_array_begin(j, "sites");
	for (uint32_t i = 0; i < l.n; i++) {
		const gw_call_site *r = &l.v[i];
		gw_json_object_begin(j, NULL);
		if (r->nframes) {
			json_str_or_null(j, "file", r->frames[0].file);
			if (r->frames[0].line >= 0)
				gw_json_int(j, "line", r->frames[0].line);
			else
				gw_json_null(j, "line");
			json_str_or_null(j, "function", r->frames[0].func);
		} else {
			gw_json_null(j, "file");
			gw_json_null(j, "line");
			json_str_or_null(j, "function", in->syms->funcs[r->call->caller - m->num_func_imports].name);
		}
		gw_json_uint(j, "caller_index", r->call->caller);
		gw_json_uint(j, "offset", r->call->offset);
		if (r->call->has_retpc)
			gw_json_uint(j, "return_pc", r->call->retpc);
		else
			gw_json_null(j, "return_pc");
		gw_json_bool(j, "inlined_target", r->inlined_target);
		gw_json_bool(j, "in_loop", r->in_loop);
		gw_json_array_begin(j, "inlined_into");
		for (int k = 1; k < r->nframes; k++) {
			gw_json_object_begin(j, NULL);
			json_str_or_null(j, "function", r->frames[k].func);
			json_str_or_null(j, "file", r->frames[k].file);
			if (r->frames[k].line >= 0)
				gw_json_int(j, "line", r->frames[k].line);
			else
				gw_json_null(j, "line");
			gw_json_object_end(j);
		}
		gw_json_array_end(j);
		gw_json_object_end(j);
	}
	gw_json_array_end(j);
	gw_json_object_end(j);
	gw_call_site_list_free(&l);
	return GW_OK;
}

static void json_symbols(gw_json *j, const gw_inspect_input *in)
{
	const gw_go_symbols *s = in->syms;
	const gw_go_info *go = in->go;
	gw_json_object_begin(j, "symbols");
	gw_json_string(j, "source", gw_names_source_name(s ? s->source : GW_NAMES_NONE));
	gw_json_uint(j, "named", s ? s->named : 0);
	if (go->pcln) {
		const gw_pclntab *t = go->pcln;
		gw_json_object_begin(j, "pclntab");
		gw_json_string(j, "format", gw_pclntab_format_name(t));
		gw_json_uint(j, "magic", t->magic);
		gw_json_uint(j, "address", t->header_addr);
		gw_json_uint(j, "moduledata", t->moduledata_addr);
		gw_json_uint(j, "functions", t->nfunc);
		gw_json_uint(j, "files", t->nfiles);
		gw_json_string(j, "entry_form", t->entry_is_index ? "index" : "pc");
		gw_json_uint(j, "etext", t->etext);
		gw_json_object_end(j);
	} else {
		gw_json_null(j, "pclntab");
	}
	if (go->pcln_error.status)
		gw_json_string(j, "error", go->pcln_error.msg);
	else
		gw_json_null(j, "error");
	gw_json_object_end(j);
}

static void json_integrity(gw_json *j, const gw_inspect_input *in)
{
	const gw_integrity *g = in->integrity;
	if (!g) {
		gw_json_null(j, "integrity");
		return;
	}
	gw_json_object_begin(j, "integrity");
	gw_json_bool(j, "ok", gw_integrity_count(g, GW_SEV_ERROR) == 0);
	gw_json_uint(j, "errors", gw_integrity_count(g, GW_SEV_ERROR));
	gw_json_uint(j, "warnings", gw_integrity_count(g, GW_SEV_WARNING) - gw_integrity_count(g, GW_SEV_ERROR));
	gw_json_uint(j, "functions_checked", g->functions_checked);
	gw_json_uint(j, "names_compared", g->names_compared);
	gw_json_uint(j, "names_matched", g->names_matched);
	gw_json_uint(j, "names_elided", g->names_elided);
	gw_json_array_begin(j, "problems");
	for (uint32_t i = 0; i < g->num_problems; i++) {
		const gw_problem *p = &g->problems[i];
		gw_json_object_begin(j, NULL);
		gw_json_string(j, "check", gw_rule_of(p->rule)->id);
		gw_json_string(j, "severity", gw_severity_name(p->severity));
		gw_json_string(j, "message", p->message);
		if (p->func != UINT32_MAX && in->syms && p->func < in->syms->num_funcs)
			json_str_or_null(j, "function", in->syms->funcs[p->func].name);
		else
			gw_json_null(j, "function");
		gw_json_object_end(j);
	}
	gw_json_array_end(j);
	gw_json_object_end(j);
}

static void json_packages(gw_json *j, const gw_inspect_input *in)
{
	const gw_go_symbols *s = in->syms;
	gw_json_object_begin(j, "code_size");
	gw_json_uint(j, "section", s ? s->code_section_bytes : 0);
	gw_json_uint(j, "section_header", s ? s->code_header_bytes : 0);
	gw_json_array_begin(j, "packages");
	for (uint32_t i = 0; s && i < s->num_packages; i++) {
		gw_json_object_begin(j, NULL);
		json_str_or_null(j, "name", s->packages[i].name);
		gw_json_uint(j, "code_bytes", s->packages[i].code_bytes);
		gw_json_uint(j, "functions", s->packages[i].funcs);
		gw_json_object_end(j);
	}
	gw_json_array_end(j);
	gw_json_object_end(j);
}

static void json_functions(gw_json *j, const gw_inspect_input *in)
{
	const gw_module *m = in->m;
	gw_json_array_begin(j, "functions");
	for (uint32_t i = 0; i < m->num_funcs; i++) {
		uint32_t idx = m->num_func_imports + i;
		const gw_go_func *f = in->syms ? &in->syms->funcs[i] : NULL;
		gw_json_object_begin(j, NULL);
		gw_json_uint(j, "index", idx);
		json_str_or_null(j, "name", f ? f->name : (gw_str){ NULL, 0 });
		json_str_or_null(j, "name_section", gw_module_func_name(m, idx));
		gw_json_uint(j, "size", m->funcs[i].body_size);
		json_str_or_null(j, "package", f ? f->package : (gw_str){ NULL, 0 });
		json_str_or_null(j, "file", f ? f->file : (gw_str){ NULL, 0 });
		if (f && f->line >= 0)
			gw_json_int(j, "line", f->line);
		else
			gw_json_null(j, "line");
		gw_json_object_end(j);
	}
	gw_json_array_end(j);
}

/* The first lines: what produced the module. */
static void text_header(gw_buf *b, const gw_inspect_input *in)
{
	const gw_go_info *go = in->go;
	gw_buf_printf(b, "%s: ", in->file);
	if (go->producer == GW_PRODUCER_NOT_GO)
		gw_buf_puts(b, "WebAssembly module, not produced by Go\n");
	else if (go->producer == GW_PRODUCER_TINYGO)
		gw_buf_puts(b, "TinyGo WebAssembly module (a different runtime and ABI: gowasm reads it, "
		               "but its Go analyses target the gc toolchain)\n");
	else
		gw_buf_printf(b, "Go WebAssembly module (%s)\n", gw_producer_target(go->producer));

	gw_buf_printf(b, "  producer:      %s\n", gw_producer_name(go->producer));
	gw_buf_printf(b, "  target:        %s\n", gw_producer_target(go->producer));
	if (go->version.known)
		gw_buf_printf(b, "  go version:    %s (from %s)\n", go->version.text, go->version.source);
	else
		gw_buf_puts(b, "  go version:    unknown\n");
	gw_buf_puts(b, "  abi:           ");
	if (go->abi_module.len)
		put_str(b, go->abi_module);
	else
		gw_buf_puts(b, "none");
	gw_buf_putc(b, '\n');
	if (go->build_id.len) {
		gw_buf_puts(b, "  build id:      ");
		put_str(b, go->build_id);
		gw_buf_putc(b, '\n');
	}
}

/* Main package, module, dependencies and build settings. */
static void text_buildinfo(gw_buf *b, const gw_inspect_input *in)
{
	const gw_go_info *go = in->go;
	const gw_go_buildinfo *bi = &go->build;
	if (bi->present) {
		gw_buf_puts(b, "  main package:  ");
		put_str(b, bi->path);
		gw_buf_puts(b, "\n  main module:   ");
		put_str(b, bi->main.path);
		if (bi->main.version.len) {
			gw_buf_putc(b, ' ');
			put_str(b, bi->main.version);
		}
		gw_buf_printf(b, "\n  dependencies:  %u\n", bi->num_deps);
		for (uint32_t i = 0; i < bi->num_deps; i++) {
			gw_buf_puts(b, "    ");
			put_str(b, bi->deps[i].path);
			gw_buf_putc(b, ' ');
			put_str(b, bi->deps[i].version);
			if (bi->deps[i].replace_path.len) {
				gw_buf_puts(b, " => ");
				put_str(b, bi->deps[i].replace_path);
				if (bi->deps[i].replace_version.len) {
					gw_buf_putc(b, ' ');
					put_str(b, bi->deps[i].replace_version);
				}
			}
			gw_buf_putc(b, '\n');
		}
		gw_buf_puts(b, "  build settings:\n");
		for (uint32_t i = 0; i < bi->num_settings; i++) {
			gw_buf_puts(b, "    ");
			put_str(b, bi->settings[i].key);
			gw_buf_putc(b, '=');
			put_str(b, bi->settings[i].value);
			gw_buf_putc(b, '\n');
		}
	} else if (go->producer != GW_PRODUCER_NOT_GO) {
		gw_buf_puts(b, "  build info:    none found\n");
	}
}

/* Name section, symbols, memory and size. */
static void text_module_summary(gw_buf *b, const gw_inspect_input *in)
{
	const gw_module *m = in->m;
	if (!m->has_names)
		gw_buf_puts(b, "  name section:  absent (stripped)\n");
	else if (m->names_malformed)
		gw_buf_printf(b, "  name section:  malformed at offset 0x%zx: %s\n", m->names_error.offset, m->names_error.msg);
	else
		gw_buf_printf(b, "  name section:  %u function names\n", m->num_named_funcs);
	text_symbols(b, in);
	const gw_limits *mem = gw_module_memory0(m);
	if (mem) {
		gw_buf_printf(b, "  memory:        %" PRIu64 " pages initial (%" PRIu64 " KiB)", mem->min, mem->min * 64);
		if (mem->has_max)
			gw_buf_printf(b, ", %" PRIu64 " maximum", mem->max);
		gw_buf_putc(b, '\n');
	}
	gw_buf_printf(b, "  size:          %zu bytes: %u defined functions, %u imports, %u exports, %u data segments\n",
	              m->size, m->num_funcs, m->num_imports, m->num_exports, m->num_datas);
}

static void text_sections(gw_buf *b, const gw_inspect_input *in)
{
	const gw_module *m = in->m;
	gw_buf_printf(b, "\nsections (%u):\n", m->num_sections);
	for (uint32_t i = 0; i < m->num_sections; i++) {
		const gw_section *s = &m->sections[i];
		gw_buf_printf(b, "  %-10s offset 0x%08zx  size %10zu", section_label(s), s->header_offset, s->size);
		if (s->id == GW_SEC_CUSTOM) {
			gw_buf_puts(b, "  \"");
			put_str(b, s->name);
			gw_buf_putc(b, '"');
		} else if (s->id != GW_SEC_START) {
			gw_buf_printf(b, "  count %u", s->count);
		}
		gw_buf_putc(b, '\n');
	}
}

static void text_imports(gw_buf *b, const gw_inspect_input *in)
{
	const gw_module *m = in->m;
	const gw_go_info *go = in->go;
	gw_buf_printf(b, "\nimports (%u):\n", m->num_imports);
	for (uint32_t i = 0; i < m->num_imports; i++) {
		const gw_import *im = &m->imports[i];
		const gw_abi_import *abi;
		gw_import_role role = import_role(m, go, im, &abi);
		gw_buf_printf(b, "  %s[%u] ", gw_extern_kind_name(im->kind), im->index);
		put_str(b, im->module);
		gw_buf_putc(b, '.');
		put_str(b, im->field);
		gw_buf_printf(b, "  [%s", gw_import_role_name(role));
		if (abi)
			gw_buf_printf(b, ": %s%s", abi->go_api, abi->reads_only ? ", reads only" : "");
		gw_buf_putc(b, ']');
		if (im->kind == GW_EXT_FUNC && go->calls_counted && go->producer == GW_PRODUCER_GC_JS)
			gw_buf_printf(b, "  %" PRIu64 " call site%s", go->call_sites[im->index],
			              go->call_sites[im->index] == 1 ? "" : "s");
		gw_buf_putc(b, '\n');
	}
}

static void text_exports(gw_buf *b, const gw_inspect_input *in)
{
	const gw_module *m = in->m;
	gw_buf_printf(b, "\nexports (%u):\n", m->num_exports);
	for (uint32_t i = 0; i < m->num_exports; i++) {
		const gw_export *e = &m->exports[i];
		gw_buf_puts(b, "  ");
		put_str(b, e->name);
		gw_buf_printf(b, "  %s[%u]", gw_extern_kind_name(e->kind), e->index);
		if (e->kind == GW_EXT_FUNC) {
			gw_buf_putc(b, ' ');
			type_sig(b, gw_module_func_type(m, e->index));
		}
		gw_buf_putc(b, '\n');
	}
}

/* The syscall/js bridge imports by call sites (gc js/wasm). */
static void text_bridge_calls(gw_buf *b, const gw_inspect_input *in)
{
	const gw_module *m = in->m;
	const gw_go_info *go = in->go;
	if (go->producer != GW_PRODUCER_GC_JS || !go->calls_counted)
		return;
	gw_buf_printf(b, "\nhost import call sites: %" PRIu64 " (through %u import wrappers), %" PRIu64
	              " of them syscall/js bridge calls:\n", go->total_call_sites, go->num_wrappers,
	              bridge_total(m, go));
	for (uint32_t i = 0; i < m->num_func_imports; i++) {
		const gw_import *im = gw_module_func_import(m, i);
		if (!im || !go->call_sites[i])
			continue;
		const gw_abi_import *abi;
		if (import_role(m, go, im, &abi) != GW_ROLE_BRIDGE)
			continue;
		gw_buf_printf(b, "  %8" PRIu64 "  ", go->call_sites[i]);
		put_str(b, im->field);
		gw_buf_putc(b, '\n');
	}
}

static void text_segments(gw_buf *b, const gw_inspect_input *in)
{
	const gw_module *m = in->m;
	gw_buf_printf(b, "\ndata segments (%u):\n", m->num_datas);
	for (uint32_t i = 0; i < m->num_datas; i++) {
		const gw_data *d = &m->datas[i];
		if (d->offset_known)
			gw_buf_printf(b, "  %6u  0x%08" PRIx64 "  %8u\n", i, d->offset_value, d->size);
		else
			gw_buf_printf(b, "  %6u  %-10s  %8u\n", i, d->active ? "(global)" : "(passive)", d->size);
	}
}

gw_status gw_inspect_text(gw_buf *b, const gw_inspect_input *in, gw_error *err)
{
	text_header(b, in);
	text_buildinfo(b, in);
	text_module_summary(b, in);
	text_sections(b, in);
	text_imports(b, in);
	text_exports(b, in);
	text_bridge_calls(b, in);
	text_integrity(b, in);
	text_packages(b, in);
	if (in->flags & GW_INSPECT_FUNCTIONS)
		text_functions(b, in);
	if (in->flags & GW_INSPECT_SEGMENTS)
		text_segments(b, in);
	if (in->calls)
		return text_calls(b, in, err);
	return GW_OK;
}


static void json_module_line(gw_json *j, const char *k, const gw_go_module_line *ml)
{
	gw_json_object_begin(j, k);
	json_str(j, "path", ml->path);
	json_str_or_null(j, "version", ml->version);
	json_str_or_null(j, "sum", ml->sum);
	if (ml->replace_path.len) {
		gw_json_object_begin(j, "replace");
		json_str(j, "path", ml->replace_path);
		json_str_or_null(j, "version", ml->replace_version);
		json_str_or_null(j, "sum", ml->replace_sum);
		gw_json_object_end(j);
	} else {
		gw_json_null(j, "replace");
	}
	gw_json_object_end(j);
}

static void json_limits(gw_json *j, const char *k, const gw_limits *l)
{
	if (!l) {
		gw_json_null(j, k);
		return;
	}
	gw_json_object_begin(j, k);
	gw_json_uint(j, "initial", l->min);
	if (l->has_max)
		gw_json_uint(j, "maximum", l->max);
	else
		gw_json_null(j, "maximum");
	gw_json_bool(j, "shared", l->shared);
	gw_json_bool(j, "memory64", l->is64);
	gw_json_object_end(j);
}

/* "type": the signature of a function type, as text. */
static void json_type_sig(gw_json *j, const gw_functype *t)
{
	gw_buf sig;
	gw_buf_init(&sig);
	type_sig(&sig, t);
	gw_json_string(j, "type", sig.data ? sig.data : "");
	gw_buf_free(&sig);
}

/* What produced the module. */
static void json_header(gw_json *j, const gw_inspect_input *in)
{
	const gw_module *m = in->m;
	const gw_go_info *go = in->go;
	gw_json_string(j, "schema", GW_INSPECT_SCHEMA);
	gw_json_string(j, "file", in->file);
	gw_json_uint(j, "size", m->size);
	gw_json_bool(j, "go", go->producer != GW_PRODUCER_NOT_GO);
	gw_json_string(j, "producer", gw_producer_name(go->producer));
	gw_json_string(j, "target", gw_producer_target(go->producer));
	if (go->version.known) {
		gw_json_string(j, "go_version", go->version.text);
		gw_json_string(j, "go_version_source", go->version.source);
	} else {
		gw_json_null(j, "go_version");
		gw_json_null(j, "go_version_source");
	}
	json_str_or_null(j, "abi", go->abi_module);
	json_str_or_null(j, "build_id", go->build_id);
}

static void json_buildinfo(gw_json *j, const gw_inspect_input *in)
{
	const gw_go_info *go = in->go;
	const gw_go_buildinfo *bi = &go->build;
	if (bi->present) {
		gw_json_object_begin(j, "build_info");
		json_str(j, "path", bi->path);
		if (bi->main.path.len)
			json_module_line(j, "main", &bi->main);
		else
			gw_json_null(j, "main");
		gw_json_array_begin(j, "deps");
		for (uint32_t i = 0; i < bi->num_deps; i++)
			json_module_line(j, NULL, &bi->deps[i]);
		gw_json_array_end(j);
		gw_json_array_begin(j, "settings");
		for (uint32_t i = 0; i < bi->num_settings; i++) {
			gw_json_object_begin(j, NULL);
			json_str(j, "key", bi->settings[i].key);
			json_str(j, "value", bi->settings[i].value);
			gw_json_object_end(j);
		}
		gw_json_array_end(j);
		gw_json_object_end(j);
	} else {
		gw_json_null(j, "build_info");
	}
}

/* The name section, the counts of each kind and the memory. */
static void json_counts(gw_json *j, const gw_inspect_input *in)
{
	const gw_module *m = in->m;
	gw_json_object_begin(j, "name_section");
	gw_json_bool(j, "present", m->has_names);
	gw_json_uint(j, "function_names", m->num_named_funcs);
	if (m->names_malformed)
		gw_json_string(j, "error", m->names_error.msg);
	else
		gw_json_null(j, "error");
	gw_json_object_end(j);

	gw_json_object_begin(j, "counts");
	gw_json_uint(j, "types", m->num_types);
	gw_json_uint(j, "imports", m->num_imports);
	gw_json_uint(j, "functions", gw_module_num_funcs(m));
	gw_json_uint(j, "defined_functions", m->num_funcs);
	gw_json_uint(j, "tables", m->num_table_imports + m->num_tables);
	gw_json_uint(j, "memories", m->num_memory_imports + m->num_memories);
	gw_json_uint(j, "globals", m->num_global_imports + m->num_globals);
	gw_json_uint(j, "exports", m->num_exports);
	gw_json_uint(j, "element_segments", m->num_elems);
	gw_json_uint(j, "data_segments", m->num_datas);
	gw_json_object_end(j);

	json_limits(j, "memory", gw_module_memory0(m));
}

static void json_sections(gw_json *j, const gw_inspect_input *in)
{
	const gw_module *m = in->m;
	gw_json_array_begin(j, "sections");
	for (uint32_t i = 0; i < m->num_sections; i++) {
		const gw_section *s = &m->sections[i];
		gw_json_object_begin(j, NULL);
		gw_json_uint(j, "id", s->id);
		gw_json_string(j, "kind", gw_section_name(s->id));
		if (s->id == GW_SEC_CUSTOM)
			json_str(j, "name", s->name);
		else
			gw_json_null(j, "name");
		gw_json_uint(j, "offset", s->header_offset);
		gw_json_uint(j, "payload_offset", s->offset);
		gw_json_uint(j, "size", s->size);
		if (s->id == GW_SEC_CUSTOM || s->id == GW_SEC_START)
			gw_json_null(j, "count");
		else
			gw_json_uint(j, "count", s->count);
		gw_json_object_end(j);
	}
	gw_json_array_end(j);
}

/* One import: its role, Go API, wrapper and call sites. */
static void json_import(gw_json *j, const gw_inspect_input *in, const gw_import *im)
{
	const gw_module *m = in->m;
	const gw_go_info *go = in->go;
	const gw_abi_import *abi;
	gw_import_role role = import_role(m, go, im, &abi);
	gw_json_object_begin(j, NULL);
	json_str(j, "module", im->module);
	json_str(j, "name", im->field);
	gw_json_string(j, "kind", gw_extern_kind_name(im->kind));
	gw_json_uint(j, "index", im->index);
	if (im->kind == GW_EXT_FUNC)
		json_type_sig(j, &m->types[im->type_index]);
	else
		gw_json_null(j, "type");
	gw_json_string(j, "role", gw_import_role_name(role));
	gw_json_string(j, "go_api", abi ? abi->go_api : NULL);
	gw_json_string(j, "capability", abi ? abi->capability : NULL);
	if (abi)
		gw_json_bool(j, "reads_only", abi->reads_only);
	else
		gw_json_null(j, "reads_only");
	uint32_t w = im->kind == GW_EXT_FUNC ? go->wrapper_of_import[im->index] : UINT32_MAX;
	if (w != UINT32_MAX)
		gw_json_uint(j, "wrapper", w);
	else
		gw_json_null(j, "wrapper");
	if (im->kind == GW_EXT_FUNC && go->calls_counted)
		gw_json_uint(j, "call_sites", go->call_sites[im->index]);
	else
		gw_json_null(j, "call_sites");
	gw_json_object_end(j);
}

static void json_imports(gw_json *j, const gw_inspect_input *in)
{
	const gw_module *m = in->m;
	gw_json_array_begin(j, "imports");
	for (uint32_t i = 0; i < m->num_imports; i++)
		json_import(j, in, &m->imports[i]);
	gw_json_array_end(j);
}

static void json_exports(gw_json *j, const gw_inspect_input *in)
{
	const gw_module *m = in->m;
	gw_json_array_begin(j, "exports");
	for (uint32_t i = 0; i < m->num_exports; i++) {
		const gw_export *e = &m->exports[i];
		gw_json_object_begin(j, NULL);
		json_str(j, "name", e->name);
		gw_json_string(j, "kind", gw_extern_kind_name(e->kind));
		gw_json_uint(j, "index", e->index);
		if (e->kind == GW_EXT_FUNC)
			json_type_sig(j, gw_module_func_type(m, e->index));
		else
			gw_json_null(j, "type");
		gw_json_object_end(j);
	}
	gw_json_array_end(j);
}

static void json_bridge_calls(gw_json *j, const gw_inspect_input *in)
{
	const gw_module *m = in->m;
	const gw_go_info *go = in->go;
	gw_json_object_begin(j, "bridge_calls");
	gw_json_bool(j, "counted", go->calls_counted);
	gw_json_uint(j, "wrappers", go->num_wrappers);
	gw_json_uint(j, "total", go->total_call_sites);
	gw_json_uint(j, "syscall_js", bridge_total(m, go));
	gw_json_object_end(j);
}

static void json_segments(gw_json *j, const gw_inspect_input *in)
{
	const gw_module *m = in->m;
	gw_json_array_begin(j, "data_segments");
	for (uint32_t i = 0; i < m->num_datas; i++) {
		const gw_data *d = &m->datas[i];
		gw_json_object_begin(j, NULL);
		gw_json_string(j, "mode", d->active ? "active" : "passive");
		if (d->offset_known)
			gw_json_uint(j, "address", d->offset_value);
		else
			gw_json_null(j, "address");
		gw_json_uint(j, "size", d->size);
		gw_json_object_end(j);
	}
	gw_json_array_end(j);
}

gw_status gw_inspect_json(gw_buf *b, const gw_inspect_input *in, gw_error *err)
{
	gw_json j;
	gw_json_init(&j, b);
	gw_json_object_begin(&j, NULL);
	json_header(&j, in);
	json_buildinfo(&j, in);
	json_counts(&j, in);
	json_sections(&j, in);
	json_imports(&j, in);
	json_exports(&j, in);
	json_bridge_calls(&j, in);
	json_symbols(&j, in);
	json_integrity(&j, in);
	json_packages(&j, in);
	if (in->flags & GW_INSPECT_FUNCTIONS)
		json_functions(&j, in);
	if (in->flags & GW_INSPECT_SEGMENTS)
		json_segments(&j, in);
	gw_status st = GW_OK;
	if (in->calls)
		st = json_calls(&j, in, err);
	gw_json_object_end(&j);
	return st;
}
