/* SPDX-License-Identifier: MIT */
#include "rules.h"

#include <string.h>

static const gw_rule rules[GW_RULE_COUNT] = {
#define GW_RULE(code, id, name, severity, summary, help, description) \
	{ GW_RULE_##code, id, name, GW_SEV_##severity, summary, help, description },
#include "rules.def"
};

const char *gw_severity_name(gw_severity s)
{
	switch (s) {
	case GW_SEV_NOTE: return "note";
	case GW_SEV_WARNING: return "warning";
	case GW_SEV_ERROR: return "error";
	}
	return "error";
}

const gw_rule *gw_rules(size_t *count)
{
	*count = GW_RULE_COUNT;
	return rules;
}

const gw_rule *gw_rule_of(gw_rule_code code)
{
	return &rules[(unsigned)code < GW_RULE_COUNT ? code : 0];
}

const gw_rule *gw_rule_find(const char *id)
{
	for (size_t i = 0; i < GW_RULE_COUNT; i++)
		if (strcmp(rules[i].id, id) == 0)
			return &rules[i];
	return NULL;
}
