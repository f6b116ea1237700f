/* SPDX-License-Identifier: MIT */
#define _DEFAULT_SOURCE /* scandir, alphasort, realpath, DT_DIR */
#include "srcroot.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* The module path a go.mod's text declares ("module example.com/app",
 * quoted or not, a comment after it), or an empty string. */
static gw_str module_directive(const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n;
	gw_str none = { NULL, 0 };
	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		const uint8_t *e = nl ? nl : end;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (e - p > 7 && memcmp(p, "module", 6) == 0 && (p[6] == ' ' || p[6] == '\t')) {
			const uint8_t *q = p + 7;
			while (q < e && (*q == ' ' || *q == '\t'))
				q++;
			char quote = q < e && (*q == '"' || *q == '`') ? (char)*q++ : 0;
			const uint8_t *t = q;
			while (t < e && (quote ? *t != quote
			                       : *t != ' ' && *t != '\t' && *t != '\r' && !(t[0] == '/' && t + 1 < e && t[1] == '/')))
				t++;
			gw_str s = { q, (uint32_t)(t - q) };
			return s;
		}
		p = nl ? nl + 1 : end;
	}
	return none;
}

/* Whether folder `dir` has a go.mod that declares module `mod`. */
static bool declares(const char *dir, gw_str mod)
{
	char path[PATH_MAX];
	if ((size_t)snprintf(path, sizeof path, "%s%sgo.mod", dir, dir[strlen(dir) - 1] == '/' ? "" : "/") >= sizeof path)
		return false;
	gw_mapped_file mf = { 0 };
	gw_error err;
	if (gw_read_file(path, (size_t)1 << 20, &mf, &err))
		return false;
	bool found = gw_str_same(module_directive(mf.data, mf.size), mod);
	gw_unmap_file(&mf);
	return found;
}

static int only_dirs(const struct dirent *d)
{
	const char *s = d->d_name;
	return d->d_type == DT_DIR && s[0] != '.' && strcmp(s, "node_modules") != 0 && strcmp(s, "vendor") != 0 &&
	       strcmp(s, "testdata") != 0;
}

typedef struct walk {
	char **rel;           /* folders relative to the root, in visiting order */
	unsigned char *depth;
	size_t n, cap;
} walk;

static bool push(walk *w, char *rel, unsigned depth)
{
	if (!rel)
		return false;
	if (w->n == w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 64;
		char **r = realloc(w->rel, nc * sizeof *r);
		if (r)
			w->rel = r;
		unsigned char *d = r ? realloc(w->depth, nc) : NULL;
		if (!d) {
			free(rel);
			return false;
		}
		w->depth = d;
		w->cap = nc;
	}
	w->rel[w->n] = rel;
	w->depth[w->n++] = (unsigned char)depth;
	return true;
}

static char *join(const char *a, const char *b)
{
	size_t need = strlen(a) + strlen(b) + 2;
	char *s = malloc(need);
	if (s)
		snprintf(s, need, "%s%s%s", a, a[0] && a[strlen(a) - 1] != '/' ? "/" : "", b);
	return s;
}

/* The folder under `root` whose go.mod declares `mod`, relative to root
 * ("" for root itself), in *out, or NULL when none. -1: out of memory. */
static int find_module_dir(const char *root, gw_str mod, char **out)
{
	enum { MAX_DEPTH = 8, MAX_DIRS = 10000 };
	*out = NULL;
	walk w = { 0 };
	int rc = push(&w, strdup(""), 0) ? 0 : -1;
	for (size_t head = 0; !rc && head < w.n && w.n < MAX_DIRS; head++) {
		char *abs = join(root, w.rel[head]);
		if (!abs) {
			rc = -1;
			break;
		}
		if (declares(abs, mod)) {
			free(abs);
			if (!(*out = strdup(w.rel[head])))
				rc = -1;
			break;
		}
		struct dirent **list;
		int k = w.depth[head] < MAX_DEPTH ? scandir(abs, &list, only_dirs, alphasort) : -1;
		free(abs);
		for (int i = 0; i < k; i++) {
			if (!rc && !push(&w, join(w.rel[head], list[i]->d_name), w.depth[head] + 1u))
				rc = -1;
			free(list[i]);
		}
		if (k >= 0)
			free(list);
	}
	for (size_t i = 0; i < w.n; i++)
		free(w.rel[i]);
	free(w.rel);
	free(w.depth);
	return rc;
}

static bool trimpath_build(const gw_go_info *go)
{
	for (uint32_t i = 0; i < go->build.num_settings; i++) {
		const gw_go_setting *s = &go->build.settings[i];
		if (s->key.len == 9 && memcmp(s->key.p, "-trimpath", 9) == 0)
			return s->value.len == 4 && memcmp(s->value.p, "true", 4) == 0;
	}
	return false;
}

int gw_cli_places_resolve(const char *prog, const char *dir, const gw_go_info *go, const char *module_file,
                          gw_cli_places *out)
{
	memset(out, 0, sizeof *out);
	char buf[PATH_MAX];
	if (getcwd(buf, sizeof buf))
		out->cwd = strdup(buf);
	out->file_path = realpath(module_file, NULL);
	if (!dir)
		return 0;
	struct stat st;
	if (stat(dir, &st) != 0) {
		gw_cli_fail(prog, dir, "--source-root: %s", strerror(errno));
		gw_cli_places_free(out);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		gw_cli_fail(prog, dir, "--source-root: not a directory");
		gw_cli_places_free(out);
		return -1;
	}
	if (!(out->source_root = realpath(dir, NULL))) {
		gw_cli_fail(prog, dir, "--source-root: %s", strerror(errno));
		gw_cli_places_free(out);
		return -1;
	}
	gw_str mod = go->build.main.path;
	/* Go 1.18 and later record -trimpath among the build settings: only
	 * such builds need the walk. */
	bool trimpath = trimpath_build(go);
	if (!mod.len || (go->build.num_settings && !trimpath))
		return 0;
	if (find_module_dir(out->source_root, mod, &out->module_dir)) {
		fprintf(stderr, "%s: out of memory\n", prog);
		gw_cli_places_free(out);
		return -1;
	}
	if (!out->module_dir && trimpath) {
		gw_buf msg;
		gw_buf_init(&msg);
		gw_buf_printf(&msg, "%s: warning: %s: no go.mod of module %.*s in it; the module's -trimpath file names "
		              "are not placed\n", prog, dir, (int)mod.len, (const char *)mod.p);
		gw_cli_print_text(stderr, prog, msg.data ? msg.data : "", msg.len);
		gw_buf_free(&msg);
	}
	return 0;
}

void gw_cli_places_free(gw_cli_places *p)
{
	free(p->source_root);
	free(p->module_dir);
	free(p->file_path);
	free(p->cwd);
	memset(p, 0, sizeof *p);
}
