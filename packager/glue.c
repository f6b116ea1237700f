/* SPDX-License-Identifier: MIT */
#include "glue.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A copy of the text with comments and the contents of string and
 * template literals blanked (newlines kept), so that patterns see code
 * only. Regular expression literals are not recognised: Go's glue has
 * none, and one holding a quote only blanks more. */
static char *code_only(const uint8_t *js, size_t n)
{
	char *s = malloc(n + 1);
	if (!s)
		return NULL;
	size_t i = 0;
	while (i < n) {
		uint8_t c = js[i];
		if (c == '/' && i + 1 < n && js[i + 1] == '/') {
			while (i < n && js[i] != '\n')
				s[i++] = ' ';
		} else if (c == '/' && i + 1 < n && js[i + 1] == '*') {
			s[i] = s[i + 1] = ' ';
			i += 2;
			while (i < n && !(js[i] == '*' && i + 1 < n && js[i + 1] == '/'))
				s[i] = js[i] == '\n' ? '\n' : ' ', i++;
			for (int k = 0; k < 2 && i < n; k++)
				s[i++] = ' ';
		} else if (c == '"' || c == '\'' || c == '`') {
			s[i++] = (char)c;
			while (i < n && js[i] != c && !(c != '`' && js[i] == '\n')) {
				bool esc = js[i] == '\\' && i + 1 < n;
				s[i] = js[i] == '\n' ? '\n' : ' ';
				i++;
				if (esc) {
					s[i] = js[i] == '\n' ? '\n' : ' ';
					i++;
				}
			}
			if (i < n)
				s[i] = (char)js[i], i++;
		} else {
			s[i] = c ? (char)c : ' ';
			i++;
		}
	}
	s[n] = 0;
	return s;
}

bool gw_regex_found(const char *pattern, const char *text, bool per_line)
{
	regex_t re;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB | (per_line ? REG_NEWLINE : 0)) != 0)
		return false;
	bool m = regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	return m;
}

#define NOT_IDENT "(^|[^A-Za-z0-9_$.])"
#define SP "[[:space:]]*"
#define GLOBAL "(globalThis|global)"

bool gw_glue_defines_go(const uint8_t *js, size_t n, char *why, size_t why_len)
{
	return gw_glue_check_defines_go(js, n, why, why_len) == GW_OK;
}

gw_status gw_glue_check_defines_go(const uint8_t *js, size_t n, char *why, size_t why_len)
{
	char *code = code_only(js, n);
	if (!code) {
		snprintf(why, why_len, "out of memory");
		return GW_ERR_NOMEM;
	}
	const char *reason = NULL;
	if (gw_regex_found(NOT_IDENT "module" SP "\\." SP "exports" SP "=([^=]|$)", code, true) ||
	    gw_regex_found(NOT_IDENT "exports" SP "\\." SP "[A-Za-z_$][A-Za-z0-9_$]*" SP "=([^=]|$)", code, true) ||
	    gw_regex_found("(^|[;{}])" SP "export[[:space:]]*(default|\\{|\\*|class|const|let|var|function|async)", code, true))
		reason = "it exports something (module.exports, exports.X or an export statement): a module factory "
		         "its importer must call, which never runs when the loader imports it for globalThis.Go";
	else if (gw_regex_found(NOT_IDENT GLOBAL SP "=>", code, true) ||
	         gw_regex_found("\\((" "[^()]*[,[:space:]]" ")?" GLOBAL SP "(,[^()]*)?\\)" SP "=>", code, true) ||
	         gw_regex_found("function" SP "[A-Za-z0-9_$]*" SP "\\(([^()]*[,[:space:]])?" GLOBAL SP "[,)=]", code, true))
		reason = "it takes globalThis or global as a parameter: Go would be defined on an object passed in, "
		         "not on the global object";
	else if (!gw_regex_found(NOT_IDENT GLOBAL SP "\\." SP "Go" SP "=([^=]|$)", code, true))
		reason = "it never assigns globalThis.Go (or global.Go), which the loader takes after running it";
	free(code);
	if (reason)
		snprintf(why, why_len, "%s", reason);
	return reason ? GW_ERR_FORMAT : GW_OK;
}
