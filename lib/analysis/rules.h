/* SPDX-License-Identifier: MIT */
/* The rules of gowasm-check and the symbol-table integrity checks, by
 * code: one table (rules.def) gives each its stable id, SARIF name,
 * default severity, summary and fix. Code refers to a rule by its
 * enumerator, so a misspelt rule is a compile error; only ids that come
 * from the user (--allow) are looked up by name. */
#ifndef GW_ANALYSIS_RULES_H
#define GW_ANALYSIS_RULES_H

#include <stddef.h>

typedef enum gw_severity { GW_SEV_NOTE = 0, GW_SEV_WARNING, GW_SEV_ERROR } gw_severity;

const char *gw_severity_name(gw_severity s);

typedef enum gw_rule_code {
#define GW_RULE(code, id, name, severity, summary, help, description) GW_RULE_##code,
#include "rules.def"
	GW_RULE_COUNT
} gw_rule_code;

typedef struct gw_rule {
	gw_rule_code code;
	const char *id;
	const char *name;        /* PascalCase, for SARIF */
	gw_severity severity;    /* default */
	const char *summary;     /* one sentence */
	const char *help;        /* what to do about it */
	const char *description; /* what the rule finds, how, and what it cannot see
	                            (SARIF fullDescription; one paragraph) */
} gw_rule;

/* Every rule, in a stable order: gw_rules()[code] is rule `code`. */
const gw_rule *gw_rules(size_t *count);
/* The rule of a code (always one: codes come from the table). */
const gw_rule *gw_rule_of(gw_rule_code code);
/* The rule of an id a user gave, or NULL when there is none. */
const gw_rule *gw_rule_find(const char *id);

#endif
