/* SPDX-License-Identifier: MIT */
/* Reading the two other forms a bundle is published in: the npm package
 * folder gowasm-pack --npm writes, and the .tgz `npm pack` makes of it.
 * Both end in gw_verify_files, the checks of a zip bundle. */
#define _GNU_SOURCE /* O_NOFOLLOW, strcasecmp */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "limits.h"
#include "util/array.h"
#include "verify.h"

/* Room for every file of a package, package.json included. */
#define MAX_FILES (GW_BUNDLE_MAX_ENTRIES + 1)

typedef struct files {
	gw_verify_file v[MAX_FILES];
	char names[MAX_FILES][GW_BUNDLE_MAX_NAME + 8]; /* longer names are reported */
	uint32_t n;
} files;

static void files_free(files *f)
{
	for (uint32_t i = 0; i < f->n; i++)
		free(f->v[i].data);
	f->n = 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

gw_status gw_verify_npm_folder(const char *dir, gw_verify_report *r, gw_error *err)
{
	memset(r, 0, sizeof *r);
	DIR *d = opendir(dir);
	if (!d)
		return gw_fail(err, GW_ERR_IO, GW_NO_OFFSET, "cannot open the folder: %s", strerror(errno));
	/* The names first (sorted: readdir's order is the file system's). */
	char **names = NULL;
	size_t nn = 0, cap = 0;
	struct dirent *de;
	bool too_many = false;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (nn == MAX_FILES) {
			too_many = true;
			break;
		}
		/* A name that cannot be kept fails the whole listing: a file
		 * left out would go unverified. */
		if (GW_ARRAY_RESERVE(names, cap, nn + 1, 16) || !(names[nn] = strdup(de->d_name))) {
			r->oom = true;
			break;
		}
		nn++;
	}
	closedir(d);
	if (too_many) {
		gw_verify_add(r, "folder", "more than %d files, more than a bundle has", MAX_FILES);
		for (size_t i = 0; i < nn; i++)
			free(names[i]);
		free(names);
		return gw_verify_finish(r, err);
	}
	if (r->oom) {
		for (size_t i = 0; i < nn; i++)
			free(names[i]);
		free(names);
		return gw_verify_finish(r, err);
	}
	if (nn)
		qsort(names, nn, sizeof *names, cmp_names);
	files f;
	memset(&f, 0, sizeof f);
	uint64_t total = 0;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd < 0) {
		gw_status st = gw_fail(err, GW_ERR_IO, GW_NO_OFFSET, "cannot open the folder: %s", strerror(errno));
		for (size_t i = 0; i < nn; i++)
			free(names[i]);
		free(names);
		gw_verify_report_free(r);
		return st;
	}
	for (size_t i = 0; i < nn; i++) {
		gw_verify_file *v = &f.v[f.n];
		snprintf(f.names[f.n], sizeof f.names[f.n], "%s", names[i]);
		v->name = f.names[f.n];
		f.n++;
		struct stat st;
		if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) != 0) {
			gw_verify_add(r, v->name, "cannot be read: %s", strerror(errno));
			continue;
		}
		if (S_ISLNK(st.st_mode)) {
			gw_verify_add(r, v->name, "a symbolic link: bundles hold plain files only");
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			gw_verify_add(r, v->name, "a folder: bundles are flat, with no folders");
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			gw_verify_add(r, v->name, "not a plain file");
			continue;
		}
		if (!gw_verify_declared(r, v->name, (uint64_t)st.st_size, 0, &total))
			continue;
		int fd = openat(dfd, names[i], O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
		struct stat fst;
		if (fd < 0 || fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode) || fst.st_size != st.st_size) {
			gw_verify_add(r, v->name, "cannot be read: %s", fd < 0 ? strerror(errno) : "it changed while read");
			if (fd >= 0)
				close(fd);
			continue;
		}
		size_t size = (size_t)st.st_size, got = 0;
		uint8_t *buf = malloc(size ? size : 1);
		while (buf && got < size) {
			ssize_t k = read(fd, buf + got, size - got);
			if (k <= 0)
				break;
			got += (size_t)k;
		}
		close(fd);
		if (!buf || got != size) {
			gw_verify_add(r, v->name, "cannot be read: %s", buf ? "short read" : "out of memory");
			r->oom = r->oom || !buf;
			free(buf);
			continue;
		}
		v->data = buf;
		v->size = size;
	}
	close(dfd);
	for (size_t i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	r->entries = f.n;
	gw_status s = gw_verify_files(f.v, f.n, "package.json", r, err);
	files_free(&f);
	return s;
}

/* ---- tar ---- */

static bool octal(const uint8_t *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	while (i < n && p[i] == ' ')
		i++;
	if (i == n || p[i] < '0' || p[i] > '7')
		return false;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v >> 60)
			return false;
		v = v * 8 + (uint64_t)(p[i] - '0');
	}
	for (; i < n; i++)
		if (p[i] != ' ' && p[i] != 0)
			return false;
	*out = v;
	return true;
}

static bool zero_block(const uint8_t *p)
{
	for (int i = 0; i < 512; i++)
		if (p[i])
			return false;
	return true;
}

/* The gzip stream tgz inflated into *tar (*got bytes, free it), bounded:
 * at most GW_BUNDLE_MAX_RATIO times the input (past the first MiB), and
 * never more than the limits with room for the tar headers. *good is
 * false, with the problem added, when the stream is unreadable or too
 * large. An error status only when the buffer cannot be had at all. */
static gw_status gunzip(const uint8_t *tgz, size_t len, uint8_t **tar, size_t *got, bool *good, gw_verify_report *r,
                        gw_error *err)
{
	uint64_t cap = (uint64_t)len * GW_BUNDLE_MAX_RATIO;
	if (cap < GW_BUNDLE_RATIO_FROM)
		cap = GW_BUNDLE_RATIO_FROM;
	uint64_t hard = GW_BUNDLE_MAX_TOTAL + (uint64_t)MAX_FILES * 1024 + 10240;
	if (cap > hard)
		cap = hard;
	size_t bcap = 1u << 20;
	*got = 0;
	*good = true;
	*tar = malloc(bcap);
	if (!*tar)
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 15 + 16) != Z_OK) {
		free(*tar);
		*tar = NULL;
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory");
	}
	z.next_in = (Bytef *)tgz;
	z.avail_in = len > (1u << 30) ? (1u << 30) : (uInt)len;
	int rc = Z_OK;
	while (rc != Z_STREAM_END) {
		if (*got == bcap) {
			if (bcap >= cap) {
				gw_verify_add(r, "tgz", "inflates past %llu bytes, %d times its size (a gzip bomb?)",
				              (unsigned long long)cap, GW_BUNDLE_MAX_RATIO);
				*good = false;
				break;
			}
			size_t nc = (uint64_t)bcap * 2 > cap ? (size_t)cap : bcap * 2;
			uint8_t *nb = realloc(*tar, nc);
			if (!nb) {
				gw_verify_add(r, "tgz", "out of memory");
				r->oom = true;
				*good = false;
				break;
			}
			*tar = nb;
			bcap = nc;
		}
		z.next_out = *tar + *got;
		z.avail_out = (uInt)(bcap - *got > (1u << 30) ? (1u << 30) : bcap - *got);
		uInt before = z.avail_out;
		rc = inflate(&z, Z_NO_FLUSH);
		*got += before - z.avail_out;
		if (rc != Z_OK && rc != Z_STREAM_END) {
			gw_verify_add(r, "tgz", "not a readable gzip stream: %s", z.msg ? z.msg : "truncated");
			*good = false;
			break;
		}
	}
	if (*good && (z.avail_in || len > (1u << 30)))
		gw_verify_add(r, "tgz", "data after the gzip stream");
	inflateEnd(&z);
	return GW_OK;
}

/* The ustar header h, at offset at: its checksum, magic and size (into
 * *size), and its name (prefix and name joined, into name). False, with
 * the problem added, when it is not a valid one. */
static bool ustar_header(const uint8_t *h, size_t at, uint64_t *size, char name[260], gw_verify_report *r)
{
	uint64_t sum;
	unsigned want = 0;
	for (int k = 0; k < 512; k++)
		want += k >= 148 && k < 156 ? ' ' : h[k];
	if (!octal(h + 148, 8, &sum) || sum != want || memcmp(h + 257, "ustar", 5)) {
		gw_verify_add(r, "tgz", "a tar header at %zu that is not a valid ustar header", at);
		return false;
	}
	if (!octal(h + 124, 12, size)) {
		gw_verify_add(r, "tgz", "a tar header at %zu with an unreadable size", at);
		return false;
	}
	size_t pl = strnlen((const char *)h + 345, 155), nl = strnlen((const char *)h, 100);
	snprintf(name, 260, "%.*s%s%.*s", (int)pl, (const char *)h + 345, pl ? "/" : "", (int)nl, (const char *)h);
	return true;
}

/* Whether the tar entry of this type and name (shown: without package/)
 * is a plain file under package/; the problem is added when not, and
 * *stop set when the archive cannot be read on past it. */
static bool plain_file(uint8_t type, const char *name, const char *shown, bool *stop, gw_verify_report *r)
{
	if (type == '2') {
		gw_verify_add(r, shown, "a symbolic link: bundles hold plain files only");
		return false;
	}
	if (type == '1') {
		gw_verify_add(r, shown, "a hard link: bundles hold plain files only");
		return false;
	}
	if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
		gw_verify_add(r, shown, "a pax or GNU extended header: it would give readers another name or size");
		*stop = true;
		return false;
	}
	if (type != '0' && type != 0) {
		gw_verify_add(r, shown, "not a plain file (tar type '%c')", type >= 0x20 && type < 0x7f ? type : '?');
		return false;
	}
	if (name[0] == '/') {
		gw_verify_add(r, shown, "unsafe entry name: an absolute path");
		return false;
	}
	if (shown == name) {
		gw_verify_add(r, shown, "outside package/, where npm puts a package's files");
		return false;
	}
	return true;
}

/* The tar entry whose header is at *at, kept in f when it is a plain file
 * under package/ within the limits (a refused one is reported, and the
 * reading goes on); *at moves past it. *ended at the end blocks. False,
 * with the problem added, when the archive cannot be read on. */
static bool tar_entry(const uint8_t *tar, size_t got, size_t *at, files *f, uint64_t *total, bool *ended,
                      gw_verify_report *r)
{
	if (got - *at < 512) {
		gw_verify_add(r, "tgz", "the tar archive ends without its end blocks");
		return false;
	}
	const uint8_t *h = tar + *at;
	if (zero_block(h)) {
		*ended = true;
		for (size_t k = *at; k < got; k++) {
			if (tar[k]) {
				gw_verify_add(r, "tgz", "data after the end of the tar archive");
				return false;
			}
		}
		return true;
	}
	uint64_t size;
	char name[260];
	if (!ustar_header(h, *at, &size, name, r))
		return false;
	uint8_t type = h[156];
	uint64_t blocks = (size + 511) / 512;
	if (blocks > (got - *at - 512) / 512) {
		gw_verify_add(r, name, "its %llu bytes run past the end of the archive", (unsigned long long)size);
		return false;
	}
	*at += 512 + blocks * 512;
	if (f->n == MAX_FILES) {
		gw_verify_add(r, "tgz", "more than %d files, more than a bundle has", MAX_FILES);
		return false;
	}
	gw_verify_file *v = &f->v[f->n];
	const char *shown = name;
	if (!strncmp(name, "package/", 8) && name[8])
		shown = name + 8;
	snprintf(f->names[f->n], sizeof f->names[f->n], "%s", shown);
	f->n++;
	bool stop = false;
	if (!plain_file(type, name, shown, &stop, r))
		return !stop;
	if (!gw_verify_declared(r, shown, size, 0, total))
		return true;
	v->name = f->names[f->n - 1];
	v->data = malloc(size ? size : 1);
	if (!v->data) {
		gw_verify_add(r, shown, "out of memory");
		r->oom = true;
		return true;
	}
	memcpy(v->data, h + 512, size);
	v->size = size;
	return true;
}

gw_status gw_verify_npm_tarball(const uint8_t *tgz, size_t len, gw_verify_report *r, gw_error *err)
{
	memset(r, 0, sizeof *r);
	if (len < 18 || tgz[0] != 0x1f || tgz[1] != 0x8b)
		return gw_fail(err, GW_ERR_FORMAT, GW_NO_OFFSET, "neither a zip nor a gzip file");
	uint8_t *tar;
	size_t got;
	bool good;
	gw_status gs = gunzip(tgz, len, &tar, &got, &good, r, err);
	if (gs != GW_OK)
		return gs;
	files f;
	memset(&f, 0, sizeof f);
	uint64_t total = 0;
	size_t at = 0;
	bool ended = false;
	while (good && !ended)
		good = tar_entry(tar, got, &at, &f, &total, &ended, r);
	free(tar);
	r->entries = f.n;
	if (!good) {
		files_free(&f);
		return gw_verify_finish(r, err);
	}
	gw_status s = gw_verify_files(f.v, f.n, "package.json", r, err);
	files_free(&f);
	return s;
}
