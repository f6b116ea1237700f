/* SPDX-License-Identifier: MIT */
/* gowasm-symbolize: Go file:line for the wasm frames of a stack trace. */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/gowasm.h"
#include "cli.h"

static const char *const prog = "gowasm-symbolize";

/* A stack trace larger than this is not one. */
#define MAX_TRACE ((size_t)256 << 20)
/* Up to this many frames, each function's calls are read when needed. */
#define LAZY_FRAMES 256

static const char about[] =
	"Rewrite the WebAssembly frames of a stack trace, as Chrome, Node, Firefox and\n"
	"Safari print them (wasm-function[N]:0xOFF), into Go frames: the function and\n"
	"its file:line, inlined calls expanded, innermost first, like go tool addr2line.\n"
	"Positions come from the module's own runtime.pclntab, so stripped and\n"
	"-trimpath builds work; gowasm-batch's functions are named as such. Other lines\n"
	"pass through unchanged. A frame whose offset is outside the code, or whose\n"
	"function index disagrees with its offset, is kept as it is with a warning; when\n"
	"most frames disagree, the trace is reported as coming from another module.\n"
	"The trace is read from TRACE, or standard input when absent or '-'.";

static const char epilogue[] =
	"Exit status: 0 every wasm frame was symbolized; 1 some were kept (warnings);\n"
	"2 usage error, or an unreadable, malformed or non-WebAssembly module or an\n"
	"unreadable trace.\n"
	"\n"
	"Examples:\n"
	"  gowasm-symbolize app.wasm < crash.txt\n"
	"  node run.js 2>&1 | gowasm-symbolize app.wasm\n"
	"  gowasm-symbolize --json app.wasm crash.txt | jq '.frames[].frames[0]'\n";

typedef struct options {
	bool json, quiet;
	const char *output;
} options;

static int parse_options(int argc, char **argv, options *o, const char **file, const char **trace)
{
	const gw_cli_option table[] = {
		{ "json", 0, NULL, "print the wasm frames as JSON (schema \"" GW_SYMBOLIZE_SCHEMA "\")", 0, &o->json,
		  NULL, NULL },
		{ "output", 'o', "FILE", "write to FILE (replaced atomically)", 0, NULL, &o->output, NULL },
		{ "quiet", 'q', NULL, "no warnings on standard error", 0, &o->quiet, NULL, NULL },
		{ NULL, 0, NULL, NULL, 0, NULL, NULL, NULL },
	};
	const gw_cli_tool tool = { prog, "[OPTIONS] APP.wasm [TRACE|-]", about, table, epilogue, NULL, 1, 2,
	                           "no module", "one module and at most one trace are accepted" };
	int next, rc = gw_cli_parse(&tool, argc, argv, &next);
	if (rc == GW_CLI_GO_ON) {
		*file = argv[next];
		*trace = next + 1 < argc ? argv[next + 1] : "-";
	}
	return rc;
}

static int read_stdin(gw_buf *b)
{
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
		gw_buf_append(b, chunk, n);
		if (b->len > MAX_TRACE) {
			fprintf(stderr, "%s: standard input: larger than %zu MiB, not a stack trace\n", prog, MAX_TRACE >> 20);
			return -1;
		}
	}
	if (ferror(stdin)) {
		fprintf(stderr, "%s: standard input: cannot read: %s\n", prog, strerror(errno));
		return -1;
	}
	if (b->oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	return 0;
}

static void print_warnings(const char *trace, const gw_buf *w)
{
	const char *p = w->data;
	const char *end = p ? p + w->len : p;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *colon = memchr(p, ':', n);
		if (!colon)
			break;
		unsigned long line = strtoul(p, NULL, 10);
		gw_buf b;
		gw_buf_init(&b);
		gw_buf_printf(&b, "%s: ", prog);
		gw_buf_put_printable(&b, trace, strlen(trace));
		if (line)
			gw_buf_printf(&b, ":%lu", line);
		gw_buf_puts(&b, ": warning:");
		gw_buf_append(&b, colon + 1, n - (size_t)(colon + 1 - p));
		gw_buf_putc(&b, '\n');
		if (!b.oom)
			fputs(b.data, stderr);
		gw_buf_free(&b);
		p += n + 1;
	}
}

int main(int argc, char **argv)
{
	options o = { 0 };
	const char *file, *trace;
	int prc = parse_options(argc, argv, &o, &file, &trace);
	if (prc != GW_CLI_GO_ON)
		return prc;
	bool from_stdin = strcmp(trace, "-") == 0;
	gw_error err;
	gw_error_clear(&err);
	gw_loaded l;
	if (gw_cli_load(prog, file, true, &l))
		return GW_EXIT_ERROR;
	int rc = GW_EXIT_ERROR;
	gw_buf in, out, warnings;
	gw_buf_init(&in);
	gw_buf_init(&out);
	gw_buf_init(&warnings);
	gw_mapped_file mf = { 0 };
	gw_go_addr *a = NULL;
	const char *text = NULL;
	size_t len = 0;
	if (from_stdin) {
		if (read_stdin(&in))
			goto out;
		text = in.data;
		len = in.len;
	} else {
		if (gw_cli_map_input(prog, trace, MAX_TRACE, "stack trace", &mf))
			goto out;
		text = (const char *)mf.data;
		len = mf.size;
	}
	/* A long trace touches most functions: one walk over all the code is
	 * cheaper than reading the calls function by function. */
	size_t frames = 0;
	for (const char *p = text; p && frames <= LAZY_FRAMES && (p = memmem(p, len - (size_t)(p - text), "wasm-function[", 14));
	     p += 14)
		frames++;
	gw_symbolize_stats st;
	if ((frames > LAZY_FRAMES && gw_go_count_call_sites(l.m, l.go, &err)) ||
	    gw_go_addr_new(l.m, l.go, l.syms, &a, &err) ||
	    gw_symbolize(a, l.m, text ? text : "", len, o.json, &out, &warnings, &st, &err)) {
		gw_cli_error(prog, file, &err);
		goto out;
	}
	if (out.oom || warnings.oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	if (gw_cli_emit(prog, o.output, &out, 0))
		goto out;
	if (!o.quiet)
		print_warnings(from_stdin ? "standard input" : trace, &warnings);
	rc = st.disagree ? GW_EXIT_FINDINGS : GW_EXIT_OK;
out:
	gw_go_addr_free(a);
	gw_unmap_file(&mf);
	gw_buf_free(&in);
	gw_buf_free(&out);
	gw_buf_free(&warnings);
	gw_unload(&l);
	return rc;
}
