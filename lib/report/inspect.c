/* The gowasm-inspect report, as text for people and as JSON (schema
 * "gowasm-inspect/1", documented in gowasm-inspect(1)). */
#include "inspect.h"

#include <inttypes.h>
#include <string.h>

#include "json.h"

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

/* The first memory, imported or defined. */
static const gw_limits *first_memory(const gw_module *m)
{
	for (uint32_t i = 0; i < m->num_imports; i++)
		if (m->imports[i].kind == GW_EXT_MEMORY)
			return &m->imports[i].limits;
	return m->num_memories ? &m->memories[0] : NULL;
}

static gw_import_role import_role(const gw_go_info *go, const gw_import *im, const gw_abi_import **abi)
{
	*abi = NULL;
	if (gw_str_eq(im->module, "wasi_snapshot_preview1") || gw_str_eq(im->module, "wasi_unstable"))
		return GW_ROLE_WASI;
	if (go->producer == GW_PRODUCER_GC_JS && im->module.len == go->abi_module.len &&
	    memcmp(im->module.p, go->abi_module.p, im->module.len) == 0) {
		*abi = gw_abi_lookup(im->field);
		return *abi ? (*abi)->role : GW_ROLE_UNKNOWN;
	}
	return go->producer == GW_PRODUCER_NOT_GO ? GW_ROLE_UNKNOWN : GW_ROLE_USER;
}

static uint64_t bridge_total(const gw_module *m, const gw_go_info *go)
{
	uint64_t n = 0;
	for (uint32_t i = 0; go->calls_counted && i < m->num_func_imports; i++) {
		const gw_import *im = gw_module_func_import(m, i);
		const gw_abi_import *abi;
		if (im && import_role(go, im, &abi) == GW_ROLE_BRIDGE)
			n += go->call_sites[i];
	}
	return n;
}

static const char *section_label(const gw_section *s)
{
	return gw_section_name(s->id);
}

void gw_inspect_text(gw_buf *b, const gw_module *m, const gw_go_info *go, const char *file, unsigned flags)
{
	gw_buf_printf(b, "%s: ", file);
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
	if (!m->has_names)
		gw_buf_puts(b, "  name section:  absent (stripped)\n");
	else if (m->names_malformed)
		gw_buf_printf(b, "  name section:  malformed at offset 0x%zx: %s\n", m->names_error.offset, m->names_error.msg);
	else
		gw_buf_printf(b, "  name section:  %u function names\n", m->num_named_funcs);
	const gw_limits *mem = first_memory(m);
	if (mem) {
		gw_buf_printf(b, "  memory:        %" PRIu64 " pages initial (%" PRIu64 " KiB)", mem->min, mem->min * 64);
		if (mem->has_max)
			gw_buf_printf(b, ", %" PRIu64 " maximum", mem->max);
		gw_buf_putc(b, '\n');
	}
	gw_buf_printf(b, "  size:          %zu bytes: %u defined functions, %u imports, %u exports, %u data segments\n",
	              m->size, m->num_funcs, m->num_imports, m->num_exports, m->num_datas);

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

	gw_buf_printf(b, "\nimports (%u):\n", m->num_imports);
	for (uint32_t i = 0; i < m->num_imports; i++) {
		const gw_import *im = &m->imports[i];
		const gw_abi_import *abi;
		gw_import_role role = import_role(go, im, &abi);
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

	if (go->producer == GW_PRODUCER_GC_JS && go->calls_counted) {
		gw_buf_printf(b, "\nhost import call sites: %" PRIu64 " (through %u import wrappers), %" PRIu64
		              " of them syscall/js bridge calls:\n", go->total_call_sites, go->num_wrappers,
		              bridge_total(m, go));
		for (uint32_t i = 0; i < m->num_func_imports; i++) {
			const gw_import *im = gw_module_func_import(m, i);
			if (!im || !go->call_sites[i])
				continue;
			const gw_abi_import *abi;
			if (import_role(go, im, &abi) != GW_ROLE_BRIDGE)
				continue;
			gw_buf_printf(b, "  %8" PRIu64 "  ", go->call_sites[i]);
			put_str(b, im->field);
			gw_buf_putc(b, '\n');
		}
	}

	if (flags & GW_INSPECT_FUNCTIONS) {
		gw_buf_printf(b, "\nfunctions (%u defined):\n", m->num_funcs);
		for (uint32_t i = 0; i < m->num_funcs; i++) {
			uint32_t idx = m->num_func_imports + i;
			gw_buf_printf(b, "  %6u  %8u  ", idx, m->funcs[i].body_size);
			gw_str name = gw_module_func_name(m, idx);
			if (name.len)
				put_str(b, name);
			else
				gw_buf_puts(b, "-");
			gw_buf_putc(b, '\n');
		}
	}
	if (flags & GW_INSPECT_SEGMENTS) {
		gw_buf_printf(b, "\ndata segments (%u):\n", m->num_datas);
		for (uint32_t i = 0; i < m->num_datas; i++) {
			const gw_data *d = &m->datas[i];
			if (d->offset_known)
				gw_buf_printf(b, "  %6u  0x%08" PRIx64 "  %8u\n", i, d->offset_value, d->size);
			else
				gw_buf_printf(b, "  %6u  %-10s  %8u\n", i, d->active ? "(global)" : "(passive)", d->size);
		}
	}
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

void gw_inspect_json(gw_buf *b, const gw_module *m, const gw_go_info *go, const char *file, unsigned flags)
{
	gw_json j;
	gw_json_init(&j, b);
	gw_json_object_begin(&j, NULL);
	gw_json_string(&j, "schema", GW_INSPECT_SCHEMA);
	gw_json_string(&j, "file", file);
	gw_json_uint(&j, "size", m->size);
	gw_json_bool(&j, "go", go->producer != GW_PRODUCER_NOT_GO);
	gw_json_string(&j, "producer", gw_producer_name(go->producer));
	gw_json_string(&j, "target", gw_producer_target(go->producer));
	if (go->version.known) {
		gw_json_string(&j, "go_version", go->version.text);
		gw_json_string(&j, "go_version_source", go->version.source);
	} else {
		gw_json_null(&j, "go_version");
		gw_json_null(&j, "go_version_source");
	}
	json_str_or_null(&j, "abi", go->abi_module);
	json_str_or_null(&j, "build_id", go->build_id);

	const gw_go_buildinfo *bi = &go->build;
	if (bi->present) {
		gw_json_object_begin(&j, "build_info");
		json_str(&j, "path", bi->path);
		if (bi->main.path.len)
			json_module_line(&j, "main", &bi->main);
		else
			gw_json_null(&j, "main");
		gw_json_array_begin(&j, "deps");
		for (uint32_t i = 0; i < bi->num_deps; i++)
			json_module_line(&j, NULL, &bi->deps[i]);
		gw_json_array_end(&j);
		gw_json_array_begin(&j, "settings");
		for (uint32_t i = 0; i < bi->num_settings; i++) {
			gw_json_object_begin(&j, NULL);
			json_str(&j, "key", bi->settings[i].key);
			json_str(&j, "value", bi->settings[i].value);
			gw_json_object_end(&j);
		}
		gw_json_array_end(&j);
		gw_json_object_end(&j);
	} else {
		gw_json_null(&j, "build_info");
	}

	gw_json_object_begin(&j, "name_section");
	gw_json_bool(&j, "present", m->has_names);
	gw_json_uint(&j, "function_names", m->num_named_funcs);
	if (m->names_malformed)
		gw_json_string(&j, "error", m->names_error.msg);
	else
		gw_json_null(&j, "error");
	gw_json_object_end(&j);

	gw_json_object_begin(&j, "counts");
	gw_json_uint(&j, "types", m->num_types);
	gw_json_uint(&j, "imports", m->num_imports);
	gw_json_uint(&j, "functions", gw_module_num_funcs(m));
	gw_json_uint(&j, "defined_functions", m->num_funcs);
	gw_json_uint(&j, "tables", m->num_table_imports + m->num_tables);
	gw_json_uint(&j, "memories", m->num_memory_imports + m->num_memories);
	gw_json_uint(&j, "globals", m->num_global_imports + m->num_globals);
	gw_json_uint(&j, "exports", m->num_exports);
	gw_json_uint(&j, "element_segments", m->num_elems);
	gw_json_uint(&j, "data_segments", m->num_datas);
	gw_json_object_end(&j);

	json_limits(&j, "memory", first_memory(m));

	gw_json_array_begin(&j, "sections");
	for (uint32_t i = 0; i < m->num_sections; i++) {
		const gw_section *s = &m->sections[i];
		gw_json_object_begin(&j, NULL);
		gw_json_uint(&j, "id", s->id);
		gw_json_string(&j, "kind", gw_section_name(s->id));
		if (s->id == GW_SEC_CUSTOM)
			json_str(&j, "name", s->name);
		else
			gw_json_null(&j, "name");
		gw_json_uint(&j, "offset", s->header_offset);
		gw_json_uint(&j, "payload_offset", s->offset);
		gw_json_uint(&j, "size", s->size);
		if (s->id == GW_SEC_CUSTOM || s->id == GW_SEC_START)
			gw_json_null(&j, "count");
		else
			gw_json_uint(&j, "count", s->count);
		gw_json_object_end(&j);
	}
	gw_json_array_end(&j);

	gw_json_array_begin(&j, "imports");
	for (uint32_t i = 0; i < m->num_imports; i++) {
		const gw_import *im = &m->imports[i];
		const gw_abi_import *abi;
		gw_import_role role = import_role(go, im, &abi);
		gw_json_object_begin(&j, NULL);
		json_str(&j, "module", im->module);
		json_str(&j, "name", im->field);
		gw_json_string(&j, "kind", gw_extern_kind_name(im->kind));
		gw_json_uint(&j, "index", im->index);
		if (im->kind == GW_EXT_FUNC) {
			gw_buf sig;
			gw_buf_init(&sig);
			type_sig(&sig, &m->types[im->type_index]);
			gw_json_string(&j, "type", sig.data ? sig.data : "");
			gw_buf_free(&sig);
		} else {
			gw_json_null(&j, "type");
		}
		gw_json_string(&j, "role", gw_import_role_name(role));
		gw_json_string(&j, "go_api", abi ? abi->go_api : NULL);
		gw_json_string(&j, "capability", abi ? abi->capability : NULL);
		if (abi)
			gw_json_bool(&j, "reads_only", abi->reads_only);
		else
			gw_json_null(&j, "reads_only");
		uint32_t w = im->kind == GW_EXT_FUNC ? go->wrapper_of_import[im->index] : UINT32_MAX;
		if (w != UINT32_MAX)
			gw_json_uint(&j, "wrapper", w);
		else
			gw_json_null(&j, "wrapper");
		if (im->kind == GW_EXT_FUNC && go->calls_counted)
			gw_json_uint(&j, "call_sites", go->call_sites[im->index]);
		else
			gw_json_null(&j, "call_sites");
		gw_json_object_end(&j);
	}
	gw_json_array_end(&j);

	gw_json_array_begin(&j, "exports");
	for (uint32_t i = 0; i < m->num_exports; i++) {
		const gw_export *e = &m->exports[i];
		gw_json_object_begin(&j, NULL);
		json_str(&j, "name", e->name);
		gw_json_string(&j, "kind", gw_extern_kind_name(e->kind));
		gw_json_uint(&j, "index", e->index);
		if (e->kind == GW_EXT_FUNC) {
			gw_buf sig;
			gw_buf_init(&sig);
			type_sig(&sig, gw_module_func_type(m, e->index));
			gw_json_string(&j, "type", sig.data ? sig.data : "");
			gw_buf_free(&sig);
		} else {
			gw_json_null(&j, "type");
		}
		gw_json_object_end(&j);
	}
	gw_json_array_end(&j);

	gw_json_object_begin(&j, "bridge_calls");
	gw_json_bool(&j, "counted", go->calls_counted);
	gw_json_uint(&j, "wrappers", go->num_wrappers);
	gw_json_uint(&j, "total", go->total_call_sites);
	gw_json_uint(&j, "syscall_js", bridge_total(m, go));
	gw_json_object_end(&j);

	if (flags & GW_INSPECT_FUNCTIONS) {
		gw_json_array_begin(&j, "functions");
		for (uint32_t i = 0; i < m->num_funcs; i++) {
			uint32_t idx = m->num_func_imports + i;
			gw_json_object_begin(&j, NULL);
			gw_json_uint(&j, "index", idx);
			json_str_or_null(&j, "name", gw_module_func_name(m, idx));
			gw_json_uint(&j, "size", m->funcs[i].body_size);
			gw_json_object_end(&j);
		}
		gw_json_array_end(&j);
	}
	if (flags & GW_INSPECT_SEGMENTS) {
		gw_json_array_begin(&j, "data_segments");
		for (uint32_t i = 0; i < m->num_datas; i++) {
			const gw_data *d = &m->datas[i];
			gw_json_object_begin(&j, NULL);
			gw_json_string(&j, "mode", d->active ? "active" : "passive");
			if (d->offset_known)
				gw_json_uint(&j, "address", d->offset_value);
			else
				gw_json_null(&j, "address");
			gw_json_uint(&j, "size", d->size);
			gw_json_object_end(&j);
		}
		gw_json_array_end(&j);
	}

	gw_json_object_end(&j);
}
