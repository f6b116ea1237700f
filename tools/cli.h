/* What every gowasm tool shares: diagnostics in one line on stderr,
 * the version banner, inputs read whole, outputs written atomically,
 * temporary files removed on SIGINT/SIGTERM/SIGHUP, and the escaping of
 * everything printed for a terminal. */
#ifndef GW_TOOLS_CLI_H
#define GW_TOOLS_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "../lib/error.h"
#include "../lib/wasm/mapfile.h"

/* Exit codes shared by every tool. */
enum { GW_EXIT_OK = 0, GW_EXIT_FINDINGS = 1, GW_EXIT_ERROR = 2 };

/* "PROG: FILE: offset 0x..: message" on stderr (control bytes escaped). */
void gw_cli_error(const char *prog, const char *file, const gw_error *err);
/* "PROG: FILE: message" from a format, escaped like gw_cli_error. */
void gw_cli_fail(const char *prog, const char *file, const char *fmt, ...) GW_PRINTF(3, 4);
/* "PROG: message" on stderr, escaped like gw_cli_error, then the
 * "Try --help" line. */
void gw_cli_usage_error(const char *prog, const char *fmt, ...) GW_PRINTF(2, 3);
void gw_cli_version(const char *prog);

/* For getopt_long's ':' (missing argument) and '?' returns: prints the
 * usage error for the option at argv[next - 1]. */
void gw_cli_option_error(const char *prog, int c, char **argv, int next);
/* The one input file after the options, or NULL after printing a usage
 * error (none, or more than one). */
const char *gw_cli_one_input(const char *prog, int argc, char **argv, int next);

/* Writes `data` to `path` ("-" or NULL: stdout). A regular file (or a
 * new one) is written to a temporary file in the same folder, then
 * renamed over it, so that a failure never leaves a half-written file;
 * a symbolic link is followed and its target replaced, the link kept.
 * Anything else (/dev/null, a FIFO, a terminal, /dev/stdout) is written
 * in place, never replaced. Returns 0 or prints an error and returns -1. */
int gw_cli_write_output(const char *prog, const char *path, const char *data, size_t len);

/* gw_cli_write_output of a report; a text report (`text` nonzero) is
 * escaped first by gw_buf_put_text, like gw_cli_print_text. */
int gw_cli_write_report(const char *prog, const char *path, const char *data, size_t len, int text);
/* Writes a text report for people to `f`, escaped by gw_buf_put_text
 * (newlines and tabs kept; control bytes, escape sequences and C1
 * controls shown as \xNN). Returns 0, or -1 after printing an error. */
int gw_cli_print_text(FILE *f, const char *prog, const char *text, size_t len);

/* Temporary files and folders that must not outlive the program: added
 * before (or just after) they are created, they are removed if SIGINT,
 * SIGTERM or SIGHUP ends the program, which then dies of that signal.
 * Add a folder before the files in it. gw_cli_temp_add returns a slot
 * (or -1 when the table is full or out of memory); gw_cli_temp_rename
 * renames the temporary into place and forgets it, with the signals
 * held; gw_cli_temp_forget forgets it (after removing it yourself). */
int gw_cli_temp_add(const char *path);
/* Creates a new folder TARGET.tmp-PID.N (mode 0700), registered as
 * above before it exists. Returns its slot with its name in out, or -1
 * with errno set. */
int gw_cli_temp_mkdir(const char *target, char *out, size_t size);
int gw_cli_temp_rename(int slot, const char *to);
void gw_cli_temp_forget(int slot);

/* The installed data file `name` (the JS companion, the manifest schema):
 * next to the program (build tree: ../js, installed: ../share/gowasm),
 * else in the configured data folder. Returns 0 with its path in out, or
 * -1 when it is nowhere. */
int gw_cli_data_file(const char *name, char *out, size_t size);

/* True when both paths name the same existing regular file (same device
 * and inode: through symbolic and hard links). */
int gw_cli_same_file(const char *a, const char *b);
/* Refuses an output that would replace one of the inputs (NULL entries
 * are skipped): prints a usage error and returns -1, else 0. */
int gw_cli_refuse_overwrite(const char *prog, const char *output, const char *const *inputs, size_t n);

/* Reads a whole input file (gw_read_file: a regular file, never a FIFO
 * or a device), refusing one larger than `max` bytes as "not a WHAT".
 * Returns 0, or -1 after printing "PROG: PATH: reason". */
int gw_cli_map_input(const char *prog, const char *path, size_t max, const char *what, gw_mapped_file *mf);

#endif
