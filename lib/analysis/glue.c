/* SPDX-License-Identifier: MIT */
/* The import object of a wasm_exec.js glue, read as JavaScript reads it.
 *
 * A small lexer (whitespace, // and block comments, '...' and "..."
 * strings with their escapes, template literals with nested ${...},
 * regular expression literals, numbers, identifiers, punctuators) feeds a
 * tracker of the brace, bracket and parenthesis nesting that tells object
 * literals from blocks. In an object literal, a property key is what
 * JavaScript takes for one: an identifier, a string, a number or a
 * computed key of one string (["x"]), optionally after async, get, set or
 * *, and followed by ':' (value), '(' (method) or, for an identifier, ','
 * or '}' (shorthand). So `debug: (v) => {`, `debug(v) {`,
 * `"debug": function (v) {` and `["debug"]: ...` all name the import
 * "debug", while keys inside comments, strings and templates name nothing.
 *
 * The glue's import module is the object literal that is the value of a
 * key `go` or `gojs` and has import-like keys (runtime.*, syscall/js.*);
 * its direct keys are the imports it provides. A glue without such an
 * object (it builds its imports some other way) gives every import-like
 * key of any object literal, and no module. */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/array.h"

enum { T_END, T_IDENT, T_STRING, T_NUMBER, T_PUNCT, T_TEMPLATE, T_REGEX };

/* Nesting: what each open {, [, ( or ${ is. */
enum { C_BLOCK, C_OBJECT, C_PAREN, C_BRACKET, C_TEMPLATE };

#define MAX_DEPTH 512

typedef struct ctx {
	uint8_t kind;
	bool expect_key;      /* C_OBJECT: at the start of a property */
	int32_t key;          /* C_OBJECT: index of the key it is the value of, -1 */
	bool has_imports;     /* C_OBJECT: holds an import-like key */
} ctx;

typedef struct key {
	gw_str name;
	int32_t parent;       /* index of the key whose object holds it, -1 */
	uint32_t object;      /* serial number of the object literal holding it */
} key;

typedef struct parser {
	const uint8_t *p, *end;
	/* The last significant token, to tell a regex from a division and
	 * an object literal from a block. */
	int prev;
	uint8_t prev_punct[3];
	gw_str prev_word;
	uint8_t *arena;       /* decoded string keys (never longer than the text) */
	size_t arena_used;
	ctx stack[MAX_DEPTH];
	int depth;
	key *keys;
	uint32_t num_keys, cap_keys;
	uint32_t objects;     /* object literals opened so far */
	uint32_t object_id[MAX_DEPTH];
	/* The object literal that is the value of a go/gojs key and holds
	 * import-like keys: its serial number (the first one wins), -1. */
	int64_t module_object;
	gw_str module_name;
	gw_error *err;
} parser;

static bool ident_start(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80;
}

static bool ident_char(uint8_t c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

static int hex(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes the string literal [s, e) (quotes excluded) into the arena.
 * Escapes of non-ASCII code points are kept as UTF-8. */
static gw_str decode_string(parser *ps, const uint8_t *s, const uint8_t *e)
{
	gw_str out = { s, (uint32_t)(e - s) };
	if (!memchr(s, '\\', (size_t)(e - s)))
		return out;
	uint8_t *o = ps->arena + ps->arena_used, *start = o;
	while (s < e) {
		if (*s != '\\' || s + 1 >= e) {
			*o++ = *s++;
			continue;
		}
		uint8_t c = s[1];
		s += 2;
		uint32_t cp = 0;
		int n = 0;
		if (c == 'x' && e - s >= 2 && hex(s[0]) >= 0 && hex(s[1]) >= 0)
			n = 2;
		else if (c == 'u' && e - s >= 4 && hex(s[0]) >= 0 && hex(s[1]) >= 0 && hex(s[2]) >= 0 && hex(s[3]) >= 0)
			n = 4;
		if (n) {
			for (int k = 0; k < n; k++)
				cp = cp << 4 | (uint32_t)hex(s[k]);
			s += n;
			/* Never longer than the escape itself (\xHH is 4 bytes, \uHHHH 6). */
			if (cp < 0x80) {
				*o++ = (uint8_t)cp;
			} else if (cp < 0x800) {
				*o++ = (uint8_t)(0xc0 | cp >> 6);
				*o++ = (uint8_t)(0x80 | (cp & 0x3f));
			} else {
				*o++ = (uint8_t)(0xe0 | cp >> 12);
				*o++ = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
				*o++ = (uint8_t)(0x80 | (cp & 0x3f));
			}
			continue;
		}
		switch (c) {
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'r': *o++ = '\r'; break;
		case '0': *o++ = 0; break;
		case '\n': break; /* line continuation */
		default: *o++ = c; break;
		}
	}
	ps->arena_used += (size_t)(o - start);
	out.p = start;
	out.len = (uint32_t)(o - start);
	return out;
}

static void skip_space_and_comments(parser *ps)
{
	while (ps->p < ps->end) {
		uint8_t c = *ps->p;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			ps->p++;
		} else if (c == '/' && ps->p + 1 < ps->end && ps->p[1] == '/') {
			const uint8_t *nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
			ps->p = nl ? nl + 1 : ps->end;
		} else if (c == '/' && ps->p + 1 < ps->end && ps->p[1] == '*') {
			const uint8_t *q = ps->p + 2;
			while (q + 1 < ps->end && !(q[0] == '*' && q[1] == '/'))
				q++;
			ps->p = q + 1 < ps->end ? q + 2 : ps->end;
		} else {
			break;
		}
	}
}

/* A '/' here starts a regular expression, not a division. */
static bool regex_allowed(const parser *ps)
{
	static const char *const words[] = { "return", "typeof", "instanceof", "in", "of", "new", "delete", "void",
	                                     "throw", "case", "do", "else", "yield", "await" };
	switch (ps->prev) {
	case T_END:
		return true;
	case T_IDENT:
		for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
			if (gw_str_eq(ps->prev_word, words[i]))
				return true;
		return false;
	case T_PUNCT:
		return !(ps->prev_punct[0] == ')' || ps->prev_punct[0] == ']' || ps->prev_punct[0] == '}');
	default:
		return false;
	}
}

/* Skips a quoted string from its opening quote; the token is its value. */
static bool string_literal(parser *ps, gw_str *value)
{
	uint8_t q = *ps->p;
	const uint8_t *s = ++ps->p;
	while (ps->p < ps->end && *ps->p != q && *ps->p != '\n') {
		if (*ps->p == '\\' && ps->p + 1 < ps->end)
			ps->p++;
		ps->p++;
	}
	if (ps->p >= ps->end || *ps->p != q)
		return false; /* unterminated: not a key */
	*value = decode_string(ps, s, ps->p);
	ps->p++;
	return true;
}

/* Scans template text from after ` or } to the closing ` (true) or to a
 * ${ (false, the expression follows). */
static bool template_text(parser *ps)
{
	while (ps->p < ps->end) {
		if (*ps->p == '\\') {
			ps->p += ps->p + 1 < ps->end ? 2 : 1;
		} else if (*ps->p == '`') {
			ps->p++;
			return true;
		} else if (*ps->p == '$' && ps->p + 1 < ps->end && ps->p[1] == '{') {
			ps->p += 2;
			return false;
		} else {
			ps->p++;
		}
	}
	return true;
}

static void regex_literal(parser *ps)
{
	bool in_class = false;
	ps->p++;
	while (ps->p < ps->end && *ps->p != '\n') {
		uint8_t c = *ps->p++;
		if (c == '\\' && ps->p < ps->end)
			ps->p++;
		else if (c == '[')
			in_class = true;
		else if (c == ']')
			in_class = false;
		else if (c == '/' && !in_class)
			break;
	}
	while (ps->p < ps->end && ident_char(*ps->p))
		ps->p++;
}

typedef struct token {
	int type;
	gw_str text;     /* identifier, string value, punctuator */
} token;

/* The next token; T_TEMPLATE for a whole template or its head up to ${
 * (then a C_TEMPLATE context is pushed by the caller: text.len is 1). */
static token next_token(parser *ps)
{
	token t = { T_END, { NULL, 0 } };
	skip_space_and_comments(ps);
	if (ps->p >= ps->end)
		return t;
	uint8_t c = *ps->p;
	const uint8_t *s = ps->p;
	if (c == '"' || c == '\'') {
		t.type = string_literal(ps, &t.text) ? T_STRING : T_PUNCT;
		if (t.type == T_PUNCT) {
			t.text.p = s;
			t.text.len = 1;
		}
	} else if (c == '`') {
		ps->p++;
		t.type = T_TEMPLATE;
		t.text.len = template_text(ps) ? 0 : 1;
	} else if (c == '/' && regex_allowed(ps)) {
		regex_literal(ps);
		t.type = T_REGEX;
	} else if (ident_start(c) || c == '\\') {
		while (ps->p < ps->end && (ident_char(*ps->p) || *ps->p == '\\'))
			ps->p++;
		t.type = T_IDENT;
		t.text.p = s;
		t.text.len = (uint32_t)(ps->p - s);
	} else if ((c >= '0' && c <= '9') || (c == '.' && ps->p + 1 < ps->end && ps->p[1] >= '0' && ps->p[1] <= '9')) {
		while (ps->p < ps->end && (ident_char(*ps->p) || *ps->p == '.'))
			ps->p++;
		t.type = T_NUMBER;
		t.text.p = s;
		t.text.len = (uint32_t)(ps->p - s);
	} else {
		/* "=>" and "..." matter; other punctuators are one byte here. */
		size_t n = 1;
		if (c == '=' && ps->p + 1 < ps->end && ps->p[1] == '>')
			n = 2;
		else if (c == '.' && ps->end - ps->p >= 3 && ps->p[1] == '.' && ps->p[2] == '.')
			n = 3;
		ps->p += n;
		t.type = T_PUNCT;
		t.text.p = s;
		t.text.len = (uint32_t)n;
	}
	return t;
}

static bool punct(const token *t, char c)
{
	return t->type == T_PUNCT && t->text.len == 1 && t->text.p[0] == (uint8_t)c;
}

static bool import_like(gw_str name)
{
	return gw_str_has_prefix(name, "runtime.") || gw_str_has_prefix(name, "syscall/js.") || gw_str_eq(name, "debug");
}

/* A '{' after this token opens an object literal (else a block). */
static bool object_follows(const parser *ps)
{
	if (ps->prev == T_END)
		return false;
	if (ps->prev == T_IDENT)
		return gw_str_eq(ps->prev_word, "return") || gw_str_eq(ps->prev_word, "yield") ||
		       gw_str_eq(ps->prev_word, "await") || gw_str_eq(ps->prev_word, "typeof") ||
		       gw_str_eq(ps->prev_word, "case");
	if (ps->prev != T_PUNCT)
		return false;
	if (ps->prev_punct[0] == '=' && ps->prev_punct[1] == '>')
		return false; /* an arrow function's body */
	return strchr("=:(,[?!&|+-*%<>~^", ps->prev_punct[0]) != NULL || ps->prev_punct[0] == '.';
}

static gw_status add_key(parser *ps, gw_str name, const ctx *c)
{
	if (GW_ARRAY_RESERVE(ps->keys, ps->cap_keys, ps->num_keys + 1, 64))
		return gw_fail(ps->err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	ps->keys[ps->num_keys++] = (key){ name, c->key, ps->object_id[ps->depth - 1] };
	return GW_OK;
}

static void remember(parser *ps, const token *t)
{
	ps->prev = t->type;
	if (t->type == T_PUNCT) {
		memset(ps->prev_punct, 0, sizeof ps->prev_punct);
		memcpy(ps->prev_punct, t->text.p, t->text.len < 3 ? t->text.len : 2);
	} else if (t->type == T_IDENT) {
		ps->prev_word = t->text;
	}
}

static bool push(parser *ps, uint8_t kind, int32_t k)
{
	if (ps->depth >= MAX_DEPTH)
		return false;
	ps->stack[ps->depth] = (ctx){ kind, kind == C_OBJECT, k, false };
	ps->object_id[ps->depth] = kind == C_OBJECT ? ps->objects++ : 0;
	ps->depth++;
	return true;
}

/* At the start of a property in an object literal: reads its key, if the
 * tokens make one, and leaves the token after it in *t. */
static gw_status property(parser *ps, token *t, int32_t *key_index)
{
	ctx *c = &ps->stack[ps->depth - 1];
	c->expect_key = false;
	*key_index = -1;
	/* async / get / set / * before a key (but `get: 1` is the key "get"). */
	for (int i = 0; i < 2; i++) {
		bool modifier = (t->type == T_IDENT && (gw_str_eq(t->text, "async") || gw_str_eq(t->text, "get") ||
		                                        gw_str_eq(t->text, "set"))) || punct(t, '*');
		if (!modifier)
			break;
		const uint8_t *save = ps->p;
		int prev = ps->prev;
		uint8_t prev_punct[3];
		memcpy(prev_punct, ps->prev_punct, sizeof prev_punct);
		gw_str prev_word = ps->prev_word;
		remember(ps, t);
		token n = next_token(ps);
		if (punct(&n, ':') || punct(&n, '(') || punct(&n, ',') || punct(&n, '}')) {
			ps->p = save; /* the modifier word is the key itself */
			ps->prev = prev;
			memcpy(ps->prev_punct, prev_punct, sizeof prev_punct);
			ps->prev_word = prev_word;
			break;
		}
		*t = n;
	}
	gw_str name = { NULL, 0 };
	bool ident = false;
	if (t->type == T_IDENT || t->type == T_STRING || t->type == T_NUMBER) {
		name = t->text;
		ident = t->type == T_IDENT;
		remember(ps, t);
		*t = next_token(ps);
	} else if (punct(t, '[')) {
		/* A computed key of one string constant. */
		const uint8_t *save = ps->p;
		remember(ps, t);
		token s = next_token(ps);
		token close = s.type == T_STRING ? next_token(ps) : s;
		if (s.type != T_STRING || !punct(&close, ']')) {
			ps->p = save;
			return GW_OK; /* an expression: the main loop reads it */
		}
		name = s.text;
		remember(ps, &close);
		*t = next_token(ps);
	} else {
		return GW_OK;
	}
	bool is_key = punct(t, ':') || punct(t, '(') || (ident && (punct(t, ',') || punct(t, '}')));
	if (!is_key)
		return GW_OK;
	if (import_like(name))
		c->has_imports = true;
	*key_index = (int32_t)ps->num_keys;
	return add_key(ps, name, c);
}

static bool is_module_key(gw_str s)
{
	return gw_str_eq(s, "go") || gw_str_eq(s, "gojs");
}

/* A closing '}', ')' or ']': leaves its context, noting the module object;
 * after a template's ${...}, reads the rest of the template (*t becomes
 * its tail). */
static void close_context(parser *ps, token *t)
{
	if (ps->depth <= 1)
		return;
	ctx done = ps->stack[ps->depth - 1];
	uint32_t id = ps->object_id[ps->depth - 1];
	ps->depth--;
	if (done.kind == C_OBJECT && done.has_imports && ps->module_object < 0 && done.key >= 0 &&
	    is_module_key(ps->keys[done.key].name)) {
		ps->module_object = id;
		ps->module_name = ps->keys[done.key].name;
	}
	if (done.kind == C_TEMPLATE) {
		/* The rest of the template after ${...}. */
		if (!template_text(ps))
			push(ps, C_TEMPLATE, -1);
		t->type = T_TEMPLATE;
		t->text.len = 0;
	}
}

/* Follows the nesting for the token *t; pending_key is the key a '{' after
 * ':' is the value of. False when *t opens a context deeper than MAX_DEPTH. */
static bool track_nesting(parser *ps, token *t, int32_t pending_key)
{
	ctx *c = &ps->stack[ps->depth - 1];
	if (punct(t, '{')) {
		bool object = object_follows(ps);
		bool after_colon = ps->prev == T_PUNCT && ps->prev_punct[0] == ':' && !ps->prev_punct[1];
		return push(ps, object ? C_OBJECT : C_BLOCK, object && after_colon ? pending_key : -1);
	}
	if (punct(t, '('))
		return push(ps, C_PAREN, -1);
	if (punct(t, '['))
		return push(ps, C_BRACKET, -1);
	if (t->type == T_TEMPLATE && t->text.len)
		return push(ps, C_TEMPLATE, -1);
	if (punct(t, '}') || punct(t, ')') || punct(t, ']'))
		close_context(ps, t);
	else if (punct(t, ',') && c->kind == C_OBJECT)
		c->expect_key = true;
	return true;
}

/* Reads the whole text (or up to a nesting deeper than MAX_DEPTH),
 * collecting the keys and the module object. */
static gw_status read_text(parser *ps)
{
	int32_t pending_key = -1; /* a key just read, whose value may be an object */
	token t = next_token(ps);
	while (t.type != T_END) {
		ctx *c = &ps->stack[ps->depth - 1];
		if (c->kind == C_OBJECT && c->expect_key) {
			int32_t k;
			gw_status st = property(ps, &t, &k);
			if (st != GW_OK)
				return st;
			pending_key = k >= 0 && punct(&t, ':') ? k : -1;
			if (t.type == T_END)
				break;
		}
		if (!track_nesting(ps, &t, pending_key))
			break; /* nested deeper than MAX_DEPTH: stop reading */
		if (!punct(&t, ':'))
			pending_key = -1;
		remember(ps, &t);
		t = next_token(ps);
	}
	return GW_OK;
}

/* Key i is a name of the glue: a direct key of the module object or, with
 * no module object, any import-like key. */
static bool is_name(const parser *ps, uint32_t i)
{
	if (ps->module_object >= 0)
		return ps->keys[i].object == (uint32_t)ps->module_object;
	return import_like(ps->keys[i].name);
}

/* Fills out from the keys read; out takes over the arena. */
static gw_status collect_names(parser *ps, gw_glue *out)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < ps->num_keys; i++)
		if (is_name(ps, i))
			n++;
	out->names = malloc((n ? n : 1) * sizeof *out->names);
	if (!out->names)
		return gw_fail(ps->err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	for (uint32_t i = 0; i < ps->num_keys; i++)
		if (is_name(ps, i))
			out->names[out->num_names++] = ps->keys[i].name;
	if (ps->module_object >= 0)
		snprintf(out->module, sizeof out->module, "%.*s", (int)ps->module_name.len,
		         (const char *)ps->module_name.p);
	out->arena = ps->arena;
	ps->arena = NULL;
	return GW_OK;
}

gw_status gw_glue_parse(const uint8_t *text, size_t len, gw_glue *out, gw_error *err)
{
	memset(out, 0, sizeof *out);
	parser *ps = calloc(1, sizeof *ps);
	uint8_t *arena = malloc(len ? len : 1);
	if (!ps || !arena) {
		free(ps);
		free(arena);
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	}
	ps->p = text;
	ps->end = text + len;
	ps->arena = arena;
	ps->err = err;
	ps->prev = T_END;
	ps->module_object = -1;
	push(ps, C_BLOCK, -1);
	gw_status st = read_text(ps);
	if (st == GW_OK)
		st = collect_names(ps, out);
	free(ps->keys);
	free(ps->arena);
	free(ps);
	if (st == GW_OK && !out->module[0] && !out->num_names) {
		gw_glue_free(out);
		return gw_fail_input(err, GW_INPUT_GLUE, GW_ERR_FORMAT, GW_NO_OFFSET,
		                     "not a Go wasm_exec.js: no import object with go or gojs imports");
	}
	if (st != GW_OK)
		gw_glue_free(out);
	return st;
}

void gw_glue_free(gw_glue *g)
{
	free(g->names);
	free(g->arena);
	memset(g, 0, sizeof *g);
}
