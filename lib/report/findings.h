/* SPDX-License-Identifier: MIT */
/* gowasm-check's output: findings as GNU diagnostics, JSON (schema
 * "gowasm-check/1") or SARIF 2.1.0, and baselines (gowasm-baseline(5)).
 *
 * A finding's key is its rule, Go function and source file name, never
 * its line, so that a baseline survives edits around it. */
#ifndef GW_REPORT_FINDINGS_H
#define GW_REPORT_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../analysis/check.h"
#include "../buf.h"

#define GW_CHECK_SCHEMA "gowasm-check/1"
#define GW_BASELINE_HEADER "# gowasm-check baseline 1"

/* "rule\tfunction\tfile" (tabs and newlines in names become spaces). */
void gw_finding_key(const gw_finding *f, gw_buf *out);

typedef struct gw_baseline {
	char **keys;          /* sorted */
	uint32_t n;
} gw_baseline;

/* Reads a baseline file's text; GW_ERR_FORMAT with a line number for a
 * file that is not one. */
GW_NODISCARD gw_status gw_baseline_parse(const uint8_t *text, size_t len, gw_baseline *out, gw_error *err);
bool gw_baseline_has(const gw_baseline *b, const gw_finding *f);
void gw_baseline_free(gw_baseline *b);
/* Writes the baseline of the given findings (sorted, unique keys). */
void gw_baseline_write(const gw_findings *f, const bool *include, gw_buf *out);

typedef struct gw_check_report {
	const char *file;            /* the module, as named by the user */
	const gw_findings *findings;
	const bool *suppressed;      /* [finding]: by baseline or --allow */
	gw_severity fail_on;         /* findings at or above fail the check */
	bool fail_never;
	/* [finding]: suppressed by the baseline (a subset of suppressed), or
	 * NULL. SARIF keeps these as suppressed results; the other formats,
	 * like every format for --allow, leave them out. */
	const bool *baselined;
	const char *baseline_file;   /* named in the suppressions' justification */
	/* Placing files. source_root: an absolute folder (no trailing slash
	 * except "/" itself), or NULL. Absolute file names under it, and with
	 * `go` and module_dir the main module's -trimpath names, are placed
	 * relative to it: SARIF writes them relative to %SRCROOT%, which names
	 * it. module_dir: the main module's folder relative to source_root
	 * ("" for the root itself), or NULL when unknown. */
	const gw_go_info *go;
	const char *source_root;
	const char *module_dir;
	const char *file_path;       /* the module's absolute path, or NULL */
	/* Text: paths under this absolute folder (the working directory) are
	 * written relative to it, as compilers do; NULL: as placed. */
	const char *cwd;
} gw_check_report;

/* Whether the report fails the check (exit 1). */
bool gw_check_failed(const gw_check_report *r);

/* Every format gives a finding the same fingerprint: the 64-bit FNV-1a
 * hash (16 hex digits) of its key, the function called and its ordinal
 * among the findings (suppressed ones included) of the same key, callee
 * and file in report order, so that distinct findings never share one. */
void gw_check_text(const gw_check_report *r, gw_buf *out);
void gw_check_json(const gw_check_report *r, gw_buf *out);
void gw_check_sarif(const gw_check_report *r, gw_buf *out);

#endif
