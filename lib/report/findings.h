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
/* A stable 64-bit hash of the key, as 16 hex digits. */
void gw_finding_fingerprint(const gw_finding *f, char out[17]);

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
} gw_check_report;

/* Whether the report fails the check (exit 1). */
bool gw_check_failed(const gw_check_report *r);

void gw_check_text(const gw_check_report *r, gw_buf *out);
void gw_check_json(const gw_check_report *r, gw_buf *out);
void gw_check_sarif(const gw_check_report *r, gw_buf *out);

#endif
