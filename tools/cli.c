#define _XOPEN_SOURCE 700
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/buf.h"

void gw_cli_error(const char *prog, const char *file, const gw_error *err)
{
	gw_buf b;
	gw_buf_init(&b);
	gw_buf_printf(&b, "%s: ", prog);
	gw_buf_put_printable(&b, file, strlen(file));
	gw_buf_puts(&b, ": ");
	if (err->offset != GW_NO_OFFSET)
		gw_buf_printf(&b, "offset 0x%zx: ", err->offset);
	gw_buf_put_printable(&b, err->msg, strlen(err->msg));
	gw_buf_putc(&b, '\n');
	if (!b.oom)
		fputs(b.data, stderr);
	else
		fprintf(stderr, "%s: out of memory\n", prog);
	gw_buf_free(&b);
}

void gw_cli_fail(const char *prog, const char *file, const char *fmt, ...)
{
	gw_error err;
	gw_error_clear(&err);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err.msg, sizeof err.msg, fmt, ap);
	va_end(ap);
	err.status = GW_ERR_FORMAT;
	err.offset = GW_NO_OFFSET;
	gw_cli_error(prog, file, &err);
}

void gw_cli_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
	va_end(ap);
}

void gw_cli_option_error(const char *prog, int c, char **argv, int next)
{
	if (c == ':')
		gw_cli_usage_error(prog, "option '%s' needs an argument", argv[next - 1]);
	else
		gw_cli_usage_error(prog, "unknown option '%s'", argv[next - 1]);
}

const char *gw_cli_one_input(const char *prog, int argc, char **argv, int next)
{
	if (next != argc - 1) {
		gw_cli_usage_error(prog, next == argc ? "no input file" : "only one input file is accepted");
		return NULL;
	}
	return argv[next];
}

void gw_cli_version(const char *prog)
{
	printf("%s (gowasm) %s\n", prog, GW_VERSION);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int gw_cli_write_output(const char *prog, const char *path, const char *data, size_t len)
{
	if (!path || strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
			fprintf(stderr, "%s: cannot write to standard output: %s\n", prog, strerror(errno));
			return -1;
		}
		return 0;
	}
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 16);
	if (!tmp) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp.XXXXXX", 12);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: cannot create: %s\n", prog, path, strerror(errno));
		free(tmp);
		return -1;
	}
	int rc = write_all(fd, data, len);
	int e = errno;
	if (rc == 0 && fsync(fd) != 0) {
		rc = -1;
		e = errno;
	}
	if (close(fd) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	/* mkstemp creates 0600; outputs are ordinary files. */
	if (rc == 0) {
		mode_t mask = umask(0);
		umask(mask);
		chmod(tmp, 0666 & ~mask);
	}
	if (rc == 0 && rename(tmp, path) != 0) {
		rc = -1;
		e = errno;
	}
	if (rc != 0) {
		unlink(tmp);
		fprintf(stderr, "%s: %s: cannot write: %s\n", prog, path, strerror(e));
	}
	free(tmp);
	return rc;
}

#ifndef GW_DATADIR
#define GW_DATADIR "/usr/local/share/gowasm"
#endif

static int regular(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int gw_cli_data_file(const char *name, char *out, size_t size)
{
	char exe[PATH_MAX], cand[PATH_MAX + 300];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
		static const char *const rel[] = {"../js", "../packager", "../share/gowasm"};
		for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
			snprintf(cand, sizeof cand, "%s/%s/%s", exe, rel[i], name);
			if (regular(cand)) {
				char real[PATH_MAX];
				snprintf(out, size, "%s", realpath(cand, real) ? real : cand);
				return 0;
			}
		}
	}
	snprintf(cand, sizeof cand, "%s/%s", GW_DATADIR, name);
	if (regular(cand)) {
		snprintf(out, size, "%s", cand);
		return 0;
	}
	return -1;
}

int gw_cli_map_input(const char *prog, const char *path, size_t max, const char *what, gw_mapped_file *mf)
{
	gw_error err;
	gw_error_clear(&err);
	if (gw_map_file(path, mf, &err)) {
		gw_cli_error(prog, path, &err);
		return -1;
	}
	if (mf->size > max) {
		gw_cli_fail(prog, path, "larger than %zu MiB, not a %s", max >> 20, what);
		gw_unmap_file(mf);
		return -1;
	}
	return 0;
}

int gw_cli_same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
