/* SPDX-License-Identifier: MIT */
#include "findings.h"

#include <stdlib.h>
#include <string.h>

#include "../util/array.h"
#include "json.h"

static void put_clean(gw_buf *b, gw_str s)
{
	for (uint32_t i = 0; i < s.len; i++) {
		uint8_t ch = s.p[i];
		gw_buf_putc(b, ch == '\t' || ch == '\n' || ch == '\r' ? ' ' : (char)ch);
	}
}

static gw_str base_name(gw_str file)
{
	for (uint32_t i = file.len; i > 0; i--) {
		if (file.p[i - 1] == '/') {
			gw_str s = { file.p + i, file.len - i };
			return s;
		}
	}
	return file;
}

void gw_finding_key(const gw_finding *f, gw_buf *out)
{
	gw_buf_puts(out, f->rule->id);
	gw_buf_putc(out, '\t');
	put_clean(out, f->function);
	gw_buf_putc(out, '\t');
	put_clean(out, base_name(f->file));
}

static void hash_hex(const char *p, size_t n, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (uint8_t)p[i];
		h *= 0x100000001b3ull;
	}
	static const char hex[] = "0123456789abcdef";
	for (int i = 15; i >= 0; i--) {
		out[i] = hex[h & 15];
		h >>= 4;
	}
	out[16] = '\0';
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

gw_status gw_baseline_parse(const uint8_t *text, size_t len, gw_baseline *out, gw_error *err)
{
	memset(out, 0, sizeof *out);
	size_t hl = strlen(GW_BASELINE_HEADER);
	if (len < hl || memcmp(text, GW_BASELINE_HEADER, hl) != 0 ||
	    (len > hl && text[hl] != '\n' && text[hl] != '\r'))
		return gw_fail(err, GW_ERR_FORMAT, 0, "not a gowasm-check baseline (first line must be \"%s\")",
		               GW_BASELINE_HEADER);
	uint32_t cap = 0, lineno = 0;
	const uint8_t *p = text, *end = text + len;
	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		const uint8_t *e = nl ? nl : end;
		lineno++;
		size_t n = (size_t)(e - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (n && p[0] != '#') {
			const uint8_t *t1 = memchr(p, '\t', n);
			const uint8_t *t2 = t1 ? memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - p)) : NULL;
			if (!t2) {
				gw_baseline_free(out);
				return gw_fail(err, GW_ERR_FORMAT, (size_t)(p - text),
				               "baseline line %u: expected rule<TAB>function<TAB>file", lineno);
			}
			if (GW_ARRAY_RESERVE(out->keys, cap, out->n + 1, 16)) {
				gw_baseline_free(out);
				return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
			}
			char *k = malloc(n + 1);
			if (!k) {
				gw_baseline_free(out);
				return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
			}
			memcpy(k, p, n);
			k[n] = '\0';
			out->keys[out->n++] = k;
		}
		p = nl ? nl + 1 : end;
	}
	if (out->n)
		qsort(out->keys, out->n, sizeof *out->keys, cmp_keys);
	return GW_OK;
}

bool gw_baseline_has(const gw_baseline *b, const gw_finding *f)
{
	if (!b || !b->n)
		return false;
	gw_buf k;
	gw_buf_init(&k);
	gw_finding_key(f, &k);
	const char *key = k.data ? k.data : "";
	bool found = bsearch(&key, b->keys, b->n, sizeof *b->keys, cmp_keys) != NULL;
	gw_buf_free(&k);
	return found;
}

void gw_baseline_free(gw_baseline *b)
{
	for (uint32_t i = 0; i < b->n; i++)
		free(b->keys[i]);
	free(b->keys);
	memset(b, 0, sizeof *b);
}

void gw_baseline_write(const gw_findings *f, const bool *include, gw_buf *out)
{
	gw_buf_puts(out, GW_BASELINE_HEADER "\n");
	gw_buf_puts(out, "# rule<TAB>Go function<TAB>source file: findings listed here are not reported\n");
	char **keys = calloc(f->n ? f->n : 1, sizeof *keys);
	if (!keys) {
		out->oom = true;
		return;
	}
	uint32_t n = 0;
	for (uint32_t i = 0; i < f->n; i++) {
		if (include && !include[i])
			continue;
		gw_buf k;
		gw_buf_init(&k);
		gw_finding_key(&f->v[i], &k);
		if (k.oom || !k.data) {
			out->oom = true;
			gw_buf_free(&k);
			continue;
		}
		keys[n++] = k.data; /* owned now */
	}
	qsort(keys, n, sizeof *keys, cmp_keys);
	for (uint32_t i = 0; i < n; i++) {
		if (!i || strcmp(keys[i], keys[i - 1]) != 0) {
			gw_buf_puts(out, keys[i]);
			gw_buf_putc(out, '\n');
		}
	}
	for (uint32_t i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

static bool counts(const gw_check_report *r, uint32_t i)
{
	return !r->suppressed || !r->suppressed[i];
}

bool gw_check_failed(const gw_check_report *r)
{
	if (r->fail_never)
		return false;
	for (uint32_t i = 0; i < r->findings->n; i++)
		if (counts(r, i) && r->findings->v[i].severity >= r->fail_on)
			return true;
	return false;
}

/* Findings in report order: module-level first, then by source file and
 * line, then rule. */
static int cmp_order(const void *a, const void *b, const gw_findings *f)
{
	const gw_finding *x = &f->v[*(const uint32_t *)a], *y = &f->v[*(const uint32_t *)b];
	if (!!x->file.len != !!y->file.len)
		return x->file.len ? 1 : -1;
	uint32_t n = x->file.len < y->file.len ? x->file.len : y->file.len;
	int c = n ? memcmp(x->file.p, y->file.p, n) : 0;
	if (c)
		return c;
	if (x->file.len != y->file.len)
		return x->file.len < y->file.len ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	c = strcmp(x->rule->id, y->rule->id);
	if (c)
		return c;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

/* A stable merge sort of finding indices (qsort has no context in C11,
 * and the library keeps no global state). */
static uint32_t *order(const gw_findings *f)
{
	uint32_t n = f->n;
	uint32_t *v = malloc((n ? n : 1) * sizeof *v), *tmp = malloc((n ? n : 1) * sizeof *tmp);
	if (!v || !tmp) {
		free(v);
		free(tmp);
		return NULL;
	}
	for (uint32_t i = 0; i < n; i++)
		v[i] = i;
	for (uint32_t width = 1; width < n; width *= 2) {
		for (uint32_t lo = 0; lo < n; lo += 2 * width) {
			uint32_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
			uint32_t a = lo, b = mid, k = lo;
			while (a < mid && b < hi)
				tmp[k++] = cmp_order(&v[b], &v[a], f) < 0 ? v[b++] : v[a++];
			while (a < mid)
				tmp[k++] = v[a++];
			while (b < hi)
				tmp[k++] = v[b++];
		}
		memcpy(v, tmp, n * sizeof *v);
	}
	free(tmp);
	return v;
}

/* The fingerprints of every finding (indexed by finding), as the header
 * says; NULL when out of memory. */
static char (*fingerprints(const gw_findings *f, const uint32_t *ord))[17]
{
	char(*fp)[17] = malloc((f->n ? f->n : 1) * sizeof *fp);
	if (!fp)
		return NULL;
	gw_buf k;
	gw_buf_init(&k);
	for (uint32_t k2 = 0; k2 < f->n; k2++) {
		const gw_finding *x = &f->v[ord[k2]];
		uint32_t ordinal = 0;
		for (uint32_t q = 0; q < k2; q++) {
			const gw_finding *y = &f->v[ord[q]];
			if (y->rule == x->rule && gw_str_same(y->function, x->function) && gw_str_same(y->callee, x->callee) &&
			    gw_str_same(y->file, x->file))
				ordinal++;
		}
		k.len = 0;
		gw_finding_key(x, &k);
		gw_buf_putc(&k, '\t');
		gw_buf_append(&k, x->callee.p, x->callee.len);
		gw_buf_printf(&k, "\t%u", ordinal);
		if (k.oom) {
			gw_buf_free(&k);
			free(fp);
			return NULL;
		}
		hash_hex(k.data, k.len, fp[ord[k2]]);
	}
	gw_buf_free(&k);
	return fp;
}

/* Where a file is, for people and for code scanning. */
typedef enum { PLACE_AS_IS, PLACE_ABSOLUTE, PLACE_ROOT } place_kind;

static bool under(const char *dir, const uint8_t *p, size_t n, size_t *rest)
{
	size_t dl = strlen(dir);
	if (dl == 1 && dir[0] == '/') {
		*rest = 1;
		return n > 1 && p[0] == '/';
	}
	if (n > dl + 1 && memcmp(p, dir, dl) == 0 && p[dl] == '/') {
		*rest = dl + 1;
		return true;
	}
	return false;
}

/* The file's path into `out`: relative to the source root (PLACE_ROOT),
 * absolute, or as recorded (a -trimpath name outside the main module, or
 * no source root). */
static place_kind place(const gw_check_report *r, const uint8_t *p, size_t n, gw_buf *out)
{
	gw_str file = { p, (uint32_t)n }, rel;
	size_t rest;
	if (r->source_root && r->module_dir && r->go && gw_go_main_module_file(r->go, file, &rel)) {
		gw_buf_puts(out, r->module_dir);
		if (r->module_dir[0])
			gw_buf_putc(out, '/');
		gw_buf_append(out, rel.p, rel.len);
		return PLACE_ROOT;
	}
	if (r->source_root && under(r->source_root, p, n, &rest)) {
		gw_buf_append(out, p + rest, n - rest);
		return PLACE_ROOT;
	}
	gw_buf_append(out, p, n);
	return n && p[0] == '/' ? PLACE_ABSOLUTE : PLACE_AS_IS;
}

/* A file name for a diagnostic: placed, then relative to the working
 * directory when it lies under it. */
static void put_text_path(const gw_check_report *r, const uint8_t *p, size_t n, gw_buf *out)
{
	gw_buf path;
	gw_buf_init(&path);
	if (place(r, p, n, &path) == PLACE_ROOT) {
		gw_buf abs;
		gw_buf_init(&abs);
		gw_buf_puts(&abs, r->source_root);
		if (strcmp(r->source_root, "/") != 0)
			gw_buf_putc(&abs, '/');
		gw_buf_append(&abs, path.data, path.len);
		gw_buf_free(&path);
		path = abs;
	}
	size_t rest;
	if (path.oom) {
		out->oom = true;
	} else if (r->cwd && under(r->cwd, (const uint8_t *)path.data, path.len, &rest)) {
		gw_buf_put_printable(out, path.data + rest, path.len - rest);
	} else {
		gw_buf_put_printable(out, path.data, path.len);
	}
	gw_buf_free(&path);
}

void gw_check_text(const gw_check_report *r, gw_buf *out)
{
	const gw_findings *f = r->findings;
	uint32_t *ord = order(f);
	if (!ord) {
		out->oom = true;
		return;
	}
	for (uint32_t k = 0; k < f->n; k++) {
		uint32_t i = ord[k];
		const gw_finding *x = &f->v[i];
		if (!counts(r, i))
			continue;
		if (x->file.len) {
			put_text_path(r, x->file.p, x->file.len, out);
			if (x->line > 0)
				gw_buf_printf(out, ":%d", x->line);
		} else {
			gw_buf_put_printable(out, r->file, strlen(r->file));
		}
		gw_buf_printf(out, ": %s: ", gw_severity_name(x->severity));
		if (x->function.len) {
			gw_buf_put_printable(out, x->function.p, x->function.len);
			gw_buf_puts(out, ": ");
		}
		gw_buf_put_printable(out, x->message, strlen(x->message));
		gw_buf_printf(out, " [%s]\n", x->rule->id);
	}
	free(ord);
}

void gw_check_json(const gw_check_report *r, gw_buf *out)
{
	const gw_findings *f = r->findings;
	uint32_t *ord = order(f);
	if (!ord) {
		out->oom = true;
		return;
	}
	char(*fps)[17] = fingerprints(f, ord);
	if (!fps) {
		free(ord);
		out->oom = true;
		return;
	}
	gw_json j;
	gw_json_init(&j, out);
	gw_json_object_begin(&j, NULL);
	gw_json_string(&j, "schema", GW_CHECK_SCHEMA);
	gw_json_string(&j, "file", r->file);
	uint32_t sev[3] = { 0 }, suppressed = 0;
	gw_json_array_begin(&j, "findings");
	for (uint32_t k = 0; k < f->n; k++) {
		uint32_t i = ord[k];
		const gw_finding *x = &f->v[i];
		if (!counts(r, i)) {
			suppressed++;
			continue;
		}
		sev[x->severity]++;
		gw_json_object_begin(&j, NULL);
		gw_json_string(&j, "rule", x->rule->id);
		gw_json_string(&j, "severity", gw_severity_name(x->severity));
		gw_json_string(&j, "message", x->message);
		if (x->file.len)
			gw_json_string_n(&j, "file", x->file.p, x->file.len);
		else
			gw_json_null(&j, "file");
		if (x->line > 0)
			gw_json_int(&j, "line", x->line);
		else
			gw_json_null(&j, "line");
		if (x->function.len)
			gw_json_string_n(&j, "function", x->function.p, x->function.len);
		else
			gw_json_null(&j, "function");
		if (x->offset)
			gw_json_uint(&j, "offset", x->offset);
		else
			gw_json_null(&j, "offset");
		gw_json_string(&j, "fingerprint", fps[i]);
		if (x->rank)
			gw_json_uint(&j, "rank", x->rank);
		else
			gw_json_null(&j, "rank");
		gw_json_object_end(&j);
	}
	gw_json_array_end(&j);
	gw_json_object_begin(&j, "summary");
	gw_json_uint(&j, "errors", sev[GW_SEV_ERROR]);
	gw_json_uint(&j, "warnings", sev[GW_SEV_WARNING]);
	gw_json_uint(&j, "notes", sev[GW_SEV_NOTE]);
	gw_json_uint(&j, "suppressed", suppressed);
	if (r->fail_never)
		gw_json_string(&j, "fail_on", "none");
	else
		gw_json_string(&j, "fail_on", gw_severity_name(r->fail_on));
	gw_json_bool(&j, "failed", gw_check_failed(r));
	gw_json_object_end(&j);
	gw_json_object_end(&j);
	free(fps);
	free(ord);
}

static const char *sarif_level(gw_severity s)
{
	return s == GW_SEV_ERROR ? "error" : s == GW_SEV_WARNING ? "warning" : "note";
}

/* A path as a URI reference: absolute paths become file:// URIs,
 * relative ones stay relative. Bytes outside the unreserved and path
 * characters are percent-encoded. */
static void put_uri(gw_buf *b, const uint8_t *p, size_t n)
{
	if (n && p[0] == '/')
		gw_buf_puts(b, "file://");
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = p[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		    ch == '.' || ch == '_' || ch == '~' || ch == '/')
			gw_buf_putc(b, (char)ch);
		else
			gw_buf_printf(b, "%%%c%c", hex[ch >> 4], hex[ch & 15]);
	}
}

#define SRCROOT "%SRCROOT%"
#define MAN_URI "man:gowasm-check(1)"

/* artifactLocation of a file: relative to %SRCROOT% when placed there. */
static void sarif_artifact(gw_json *j, const gw_check_report *r, const uint8_t *p, size_t n)
{
	gw_buf path, uri;
	gw_buf_init(&path);
	gw_buf_init(&uri);
	place_kind k = place(r, p, n, &path);
	put_uri(&uri, (const uint8_t *)path.data, path.len);
	gw_json_object_begin(j, "artifactLocation");
	gw_json_string_n(j, "uri", (const uint8_t *)uri.data, uri.len);
	if (k == PLACE_ROOT)
		gw_json_string(j, "uriBaseId", SRCROOT);
	gw_json_object_end(j);
	if (path.oom || uri.oom)
		j->out->oom = true;
	gw_buf_free(&path);
	gw_buf_free(&uri);
}

static void sarif_rule(gw_json *j, const gw_rule *rule)
{
	gw_json_object_begin(j, NULL);
	gw_json_string(j, "id", rule->id);
	gw_json_string(j, "name", rule->name);
	gw_json_object_begin(j, "shortDescription");
	gw_json_string(j, "text", rule->summary);
	gw_json_object_end(j);
	gw_json_object_begin(j, "fullDescription");
	gw_json_string(j, "text", rule->description);
	gw_json_object_end(j);
	gw_json_string(j, "helpUri", MAN_URI);
	gw_json_object_begin(j, "help");
	gw_json_string(j, "text", rule->help);
	gw_buf md;
	gw_buf_init(&md);
	gw_buf_printf(&md, "**%s**\n\n%s\n\n**What to do:** %s\n\nSee `%s` under RULES in gowasm-check(1).", rule->summary,
	              rule->description, rule->help, rule->id);
	if (md.oom)
		j->out->oom = true;
	gw_json_string(j, "markdown", md.data ? md.data : "");
	gw_buf_free(&md);
	gw_json_object_end(j);
	gw_json_object_begin(j, "defaultConfiguration");
	gw_json_string(j, "level", sarif_level(rule->severity));
	gw_json_object_end(j);
	gw_json_object_end(j);
}

/* tool.driver: gowasm-check and its rules. */
static void sarif_driver(gw_json *j, const gw_rule *rules, size_t nrules)
{
	gw_json_object_begin(j, "tool");
	gw_json_object_begin(j, "driver");
	gw_json_string(j, "name", "gowasm-check");
	gw_json_string(j, "version", GW_VERSION);
	gw_json_string(j, "semanticVersion", GW_VERSION);
	gw_json_string(j, "informationUri", MAN_URI);
	gw_json_array_begin(j, "rules");
	for (size_t i = 0; i < nrules; i++)
		sarif_rule(j, &rules[i]);
	gw_json_array_end(j);
	gw_json_object_end(j);
	gw_json_object_end(j);
}

/* invocations, and originalUriBaseIds when a source root was given. */
static void sarif_invocation(gw_json *j, const gw_check_report *r, gw_buf *out)
{
	gw_json_array_begin(j, "invocations");
	gw_json_object_begin(j, NULL);
	gw_json_bool(j, "executionSuccessful", true);
	gw_json_int(j, "exitCode", gw_check_failed(r) ? 1 : 0);
	gw_json_object_end(j);
	gw_json_array_end(j);
	if (!r->source_root)
		return;
	gw_buf uri;
	gw_buf_init(&uri);
	put_uri(&uri, (const uint8_t *)r->source_root, strlen(r->source_root));
	if (!uri.len || uri.data[uri.len - 1] != '/')
		gw_buf_putc(&uri, '/');
	gw_json_object_begin(j, "originalUriBaseIds");
	gw_json_object_begin(j, SRCROOT);
	gw_json_string_n(j, "uri", (const uint8_t *)uri.data, uri.len);
	gw_json_object_begin(j, "description");
	gw_json_string(j, "text", "The source root given with --source-root.");
	gw_json_object_end(j);
	gw_json_object_end(j);
	gw_json_object_end(j);
	if (uri.oom)
		out->oom = true;
	gw_buf_free(&uri);
}

/* A result's message and its one location. */
static void sarif_message_location(gw_json *j, const gw_check_report *r, const gw_finding *x)
{
	gw_json_object_begin(j, "message");
	gw_buf text;
	gw_buf_init(&text);
	if (x->function.len) {
		gw_buf_append(&text, x->function.p, x->function.len);
		gw_buf_puts(&text, ": ");
	}
	gw_buf_puts(&text, x->message);
	gw_buf_putc(&text, '.');
	gw_json_string(j, "text", text.data ? text.data : "");
	gw_buf_free(&text);
	gw_json_object_end(j);
	gw_json_array_begin(j, "locations");
	gw_json_object_begin(j, NULL);
	gw_json_object_begin(j, "physicalLocation");
	if (x->file.len)
		sarif_artifact(j, r, x->file.p, x->file.len);
	else if (r->file_path)
		sarif_artifact(j, r, (const uint8_t *)r->file_path, strlen(r->file_path));
	else
		sarif_artifact(j, r, (const uint8_t *)r->file, strlen(r->file));
	/* A finding about the module as a whole (or without a line) is
	 * placed at the first line: code scanning needs a region. */
	gw_json_object_begin(j, "region");
	gw_json_int(j, "startLine", x->file.len && x->line > 0 ? x->line : 1);
	gw_json_object_end(j);
	gw_json_object_end(j);
	gw_json_object_end(j);
	gw_json_array_end(j);
}

/* The suppression of a finding listed in the baseline. */
static void sarif_suppression(gw_json *j, const gw_check_report *r, gw_buf *out)
{
	gw_json_array_begin(j, "suppressions");
	gw_json_object_begin(j, NULL);
	gw_json_string(j, "kind", "external");
	gw_buf why;
	gw_buf_init(&why);
	gw_buf_puts(&why, "listed in the baseline");
	if (r->baseline_file) {
		gw_buf_putc(&why, ' ');
		gw_buf_puts(&why, r->baseline_file);
	}
	if (why.oom)
		out->oom = true;
	gw_json_string(j, "justification", why.data ? why.data : "");
	gw_buf_free(&why);
	gw_json_object_end(j);
	gw_json_array_end(j);
}

/* One result: finding i, if it counts or is baselined. */
static void sarif_result(gw_json *j, const gw_check_report *r, const gw_rule *rules, uint32_t i,
                         const char *fp, gw_buf *out)
{
	const gw_finding *x = &r->findings->v[i];
	bool baselined = r->baselined && r->baselined[i];
	if (!counts(r, i) && !baselined)
		return;
	gw_json_object_begin(j, NULL);
	gw_json_string(j, "ruleId", x->rule->id);
	gw_json_uint(j, "ruleIndex", (uint64_t)(x->rule - rules));
	gw_json_string(j, "level", sarif_level(x->severity));
	sarif_message_location(j, r, x);
	gw_json_object_begin(j, "partialFingerprints");
	gw_json_string(j, "gowasmFindingKey/v1", fp);
	gw_json_object_end(j);
	if (baselined)
		sarif_suppression(j, r, out);
	gw_json_object_end(j);
}

void gw_check_sarif(const gw_check_report *r, gw_buf *out)
{
	const gw_findings *f = r->findings;
	uint32_t *ord = order(f);
	char(*fps)[17] = ord ? fingerprints(f, ord) : NULL;
	if (!fps) {
		free(ord);
		out->oom = true;
		return;
	}
	size_t nrules;
	const gw_rule *rules = gw_rules(&nrules);
	gw_json j;
	gw_json_init(&j, out);
	gw_json_object_begin(&j, NULL);
	gw_json_string(&j, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	gw_json_string(&j, "version", "2.1.0");
	gw_json_array_begin(&j, "runs");
	gw_json_object_begin(&j, NULL);
	sarif_driver(&j, rules, nrules);
	sarif_invocation(&j, r, out);
	gw_json_array_begin(&j, "results");
	for (uint32_t k = 0; k < f->n; k++)
		sarif_result(&j, r, rules, ord[k], fps[ord[k]], out);
	gw_json_array_end(&j);
	gw_json_object_end(&j);
	gw_json_array_end(&j);
	gw_json_object_end(&j);
	free(fps);
	free(ord);
}
