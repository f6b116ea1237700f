/* gowasm-symbolize: Go file:line for the wasm frames of a stack trace. */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <getopt.h>
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

static void usage(void)
{
	printf("Usage: %s [OPTIONS] APP.wasm [TRACE|-]\n"
	       "\n"
	       "Rewrite the WebAssembly frames of a stack trace, as Chrome, Node, Firefox and\n"
	       "Safari print them (wasm-function[N]:0xOFF), into Go frames: the function and\n"
	       "its file:line, inlined calls expanded, innermost first, like go tool addr2line.\n"
	       "Positions come from the module's own runtime.pclntab, so stripped and\n"
	       "-trimpath builds work; gowasm-batch's functions are named as such. Other lines\n"
	       "pass through unchanged. A frame whose offset is outside the code, or whose\n"
	       "function index disagrees with its offset, is kept as it is with a warning; when\n"
	       "most frames disagree, the trace is reported as coming from another module.\n"
	       "The trace is read from TRACE, or standard input when absent or '-'.\n"
	       "\n"
	       "Options:\n"
	       "  --json             print the wasm frames as JSON (schema \"" GW_SYMBOLIZE_SCHEMA "\")\n"
	       "  -o, --output FILE  write to FILE (replaced atomically)\n"
	       "  -q, --quiet        no warnings on standard error\n"
	       "  -h, --help         show this help and exit\n"
	       "  -V, --version      show the version and exit\n"
	       "\n"
	       "Exit status: 0 every wasm frame was symbolized; 1 some were kept (warnings);\n"
	       "2 usage error, or an unreadable, malformed or non-WebAssembly module or an\n"
	       "unreadable trace.\n"
	       "\n"
	       "Examples:\n"
	       "  %s app.wasm < crash.txt\n"
	       "  node run.js 2>&1 | %s app.wasm\n"
	       "  %s --json app.wasm crash.txt | jq '.frames[].frames[0]'\n",
	       prog, prog, prog, prog);
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
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, quiet = false;
	const char *output = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'o': output = optarg; break;
		case 'q': quiet = true; break;
		case 'h': usage(); return GW_EXIT_OK;
		case 'V': gw_cli_version(prog); return GW_EXIT_OK;
		default:
			gw_cli_option_error(prog, c, argv, optind);
			return GW_EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		gw_cli_usage_error(prog, "no module");
		return GW_EXIT_ERROR;
	}
	if (argc - optind > 2) {
		gw_cli_usage_error(prog, "one module and at most one trace are accepted");
		return GW_EXIT_ERROR;
	}
	const char *file = argv[optind];
	const char *trace = optind + 1 < argc ? argv[optind + 1] : "-";
	bool from_stdin = strcmp(trace, "-") == 0;

	gw_error err;
	gw_error_clear(&err);
	gw_loaded l;
	if (gw_load_symbols(file, &l, &err)) {
		gw_cli_error(prog, file, &err);
		return GW_EXIT_ERROR;
	}
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
	    gw_symbolize(a, l.m, text ? text : "", len, json, &out, &warnings, &st, &err)) {
		gw_cli_error(prog, file, &err);
		goto out;
	}
	if (out.oom || warnings.oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	if (gw_cli_write_output(prog, output, out.data ? out.data : "", out.len))
		goto out;
	if (!quiet)
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
