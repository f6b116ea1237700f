/* SPDX-License-Identifier: MIT */
/* The rule table (lib/analysis/rules.def): every code names its own
 * entry, ids are unique and found again by name, and a name that is no
 * rule's is refused instead of being dereferenced. */
#include <ctype.h>
#include <string.h>

#include "analysis/rules.h"
#include "tap.h"

int main(void)
{
	size_t n;
	const gw_rule *rules = gw_rules(&n);
	ok(n == GW_RULE_COUNT && n >= 16, "issue 13 rule table: gw_rules lists all %zu codes", n);
	for (size_t i = 0; i < n; i++) {
		const gw_rule *r = &rules[i];
		ok(r->code == (gw_rule_code)i && gw_rule_of(r->code) == r, "issue 13 rule table: %s is entry %zu of its code",
		   r->id, i);
		ok(gw_rule_find(r->id) == r, "issue 13 rule table: %s is found by its id", r->id);
		bool lower = r->id[0] != '\0';
		for (const char *p = r->id; *p; p++)
			lower &= (islower((unsigned char)*p) || *p == '-');
		ok(lower && r->name && isupper((unsigned char)r->name[0]) && r->summary[0] && r->help[0] &&
		       r->summary[strlen(r->summary) - 1] == '.' && r->help[strlen(r->help) - 1] == '.',
		   "issue 13 rule table: %s has a lower-case id, a PascalCase name, a summary and a fix", r->id);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(rules[j].id, r->id) || !strcmp(rules[j].name, r->name))
				ok(false, "issue 13 rule table: %s and %s share an id or name", r->id, rules[j].id);
	}
	ok(gw_rule_of(GW_RULE_GLUE_MISMATCH)->severity == GW_SEV_ERROR &&
	       !strcmp(gw_rule_of(GW_RULE_GLUE_MISMATCH)->id, "glue-mismatch"),
	   "issue 13 rule table: GW_RULE_GLUE_MISMATCH is glue-mismatch, an error");
	ok(gw_rule_find("glue-mismach") == NULL && gw_rule_find("") == NULL && gw_rule_find("GLUE-MISMATCH") == NULL,
	   "issue 13 rule table: a misspelt id finds no rule");
	return done_testing();
}
