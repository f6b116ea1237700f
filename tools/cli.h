/* What every gowasm tool shares: diagnostics in one line on stderr,
 * the version banner, and atomic output files. */
#ifndef GW_TOOLS_CLI_H
#define GW_TOOLS_CLI_H

#include <stddef.h>

#include "../lib/error.h"
#include "../lib/wasm/mapfile.h"

/* Exit codes shared by every tool. */
enum { GW_EXIT_OK = 0, GW_EXIT_FINDINGS = 1, GW_EXIT_ERROR = 2 };

/* "PROG: FILE: offset 0x..: message" on stderr (control bytes escaped). */
void gw_cli_error(const char *prog, const char *file, const gw_error *err);
/* "PROG: FILE: message" from a format, escaped like gw_cli_error. */
void gw_cli_fail(const char *prog, const char *file, const char *fmt, ...) GW_PRINTF(3, 4);
/* "PROG: message" on stderr. */
void gw_cli_usage_error(const char *prog, const char *fmt, ...) GW_PRINTF(2, 3);
void gw_cli_version(const char *prog);

/* For getopt_long's ':' (missing argument) and '?' returns: prints the
 * usage error for the option at argv[next - 1]. */
void gw_cli_option_error(const char *prog, int c, char **argv, int next);
/* The one input file after the options, or NULL after printing a usage
 * error (none, or more than one). */
const char *gw_cli_one_input(const char *prog, int argc, char **argv, int next);

/* Writes `data` to `path` ("-" or NULL: stdout) through a temporary file
 * in the same folder and a rename, so that a failure never leaves a
 * half-written file. Returns 0 or prints an error and returns -1. */
int gw_cli_write_output(const char *prog, const char *path, const char *data, size_t len);

/* The installed data file `name` (the JS companion, the manifest schema):
 * next to the program (build tree: ../js, installed: ../share/gowasm),
 * else in the configured data folder. Returns 0 with its path in out, or
 * -1 when it is nowhere. */
int gw_cli_data_file(const char *name, char *out, size_t size);

/* True when both paths name the same existing file (an output that would
 * replace an input). */
int gw_cli_same_file(const char *a, const char *b);

/* Maps a whole input file read-only (gw_map_file), refusing one larger
 * than `max` bytes as "not a WHAT". Returns 0, or -1 after printing
 * "PROG: PATH: reason". */
int gw_cli_map_input(const char *prog, const char *path, size_t max, const char *what, gw_mapped_file *mf);

#endif
