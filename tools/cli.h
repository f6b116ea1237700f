/* SPDX-License-Identifier: MIT */
/* What every gowasm tool shares: diagnostics in one line on stderr,
 * the version banner, inputs read whole, outputs written atomically,
 * temporary files removed on SIGINT/SIGTERM/SIGHUP, and the escaping of
 * everything printed for a terminal. */
#ifndef GW_TOOLS_CLI_H
#define GW_TOOLS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../lib/analysis/load.h"
#include "../lib/buf.h"
#include "../lib/error.h"
#include "../lib/wasm/mapfile.h"

/* Exit codes shared by every tool. */
enum { GW_EXIT_OK = 0, GW_EXIT_FINDINGS = 1, GW_EXIT_ERROR = 2 };

/* The option table every tool declares (libgit2's cli_opt_spec, wabt's
 * OptionParser): one row per option, from which gw_cli_parse builds the
 * getopt_long table and gw_cli_help the option list of --help. -h/--help
 * and -V/--version are added to every tool. A row does one of:
 *   `flag`:  a switch, set to true (false with GW_CLI_CLEAR);
 *   `value`: an option with an argument, set to the last one given;
 *   `call`:  called with the argument (NULL for a switch, or an optional
 *            argument not given) and `ctx`; returns GW_CLI_GO_ON, or an
 *            exit status that ends the program (after a usage error it
 *            printed: GW_EXIT_ERROR).
 * A table ends with a row whose name is NULL. */
enum { GW_CLI_GO_ON = -1 };
enum {
	GW_CLI_CLEAR = 1,    /* the switch sets its flag to false */
	GW_CLI_OPTIONAL = 2, /* the argument is optional: --name[=ARG] */
};
typedef struct gw_cli_option {
	const char *name;  /* long name, without "--" */
	char letter;       /* short option, or 0 */
	const char *arg;   /* argument name in --help; NULL: a switch */
	const char *help;  /* lines separated by '\n' */
	unsigned flags;
	bool *flag;
	const char **value;
	int (*call)(void *ctx, const char *arg);
} gw_cli_option;

/* A tool: its name, its usage lines (each after "Usage: PROG "), one
 * paragraph saying what it does, its options, and what --help prints
 * after them (environment, exit status, examples). `operands` is how
 * many file operands it takes: min_operands to max_operands. */
typedef struct gw_cli_tool {
	const char *prog;
	const char *usage;
	const char *about;
	const gw_cli_option *options;
	const char *epilogue;
	void *ctx;
	int min_operands, max_operands;
	/* Usage errors for too few and too many operands (default: "no
	 * input file", "only one input file is accepted"). */
	const char *no_operand, *too_many;
} gw_cli_tool;

/* Parses argv by the tool's table. Returns GW_CLI_GO_ON with the first
 * operand's index in *next, or the exit status to end with: 0 after
 * --help or --version, 2 after a usage error (printed), or what a row's
 * `call` returned. */
int gw_cli_parse(const gw_cli_tool *t, int argc, char **argv, int *next);
/* The --help text of a tool, printed on stdout by the checked writer.
 * Returns an exit status. */
int gw_cli_help(const gw_cli_tool *t);

/* "PROG: FILE: offset 0x..: message" on stderr (control bytes escaped). */
void gw_cli_error(const char *prog, const char *file, const gw_error *err);
/* "PROG: FILE: message" from a format, escaped like gw_cli_error. */
void gw_cli_fail(const char *prog, const char *file, const char *fmt, ...) GW_PRINTF(3, 4);
/* "PROG: message" on stderr, escaped like gw_cli_error, then the
 * "Try --help" line. */
void gw_cli_usage_error(const char *prog, const char *fmt, ...) GW_PRINTF(2, 3);
/* "PROG (gowasm) VERSION" on stdout; returns an exit status (2 when it
 * cannot be written). */
int gw_cli_version(const char *prog);


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
/* The one writer of a tool's reports: out of memory if the buffer ran
 * out, else gw_cli_write_report. Returns 0 or -1 after printing. */
int gw_cli_emit(const char *prog, const char *path, const gw_buf *b, int text);
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

/* gw_load (gw_load_symbols when `symbols_only`) of the input, printing
 * "PROG: FILE: message" on failure. Returns 0 or -1. */
int gw_cli_load(const char *prog, const char *file, bool symbols_only, gw_loaded *l);

/* Reads a whole input file (gw_read_file: a regular file, never a FIFO
 * or a device), refusing one larger than `max` bytes as "not a WHAT".
 * Returns 0, or -1 after printing "PROG: PATH: reason". */
int gw_cli_map_input(const char *prog, const char *path, size_t max, const char *what, gw_mapped_file *mf);

#endif
