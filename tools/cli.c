/* SPDX-License-Identifier: MIT */
#define _XOPEN_SOURCE 700
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
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
	/* Arguments are the user's, but a file name from a script or an
	 * archive may hold anything: escaped like every other message. */
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	gw_buf b;
	gw_buf_init(&b);
	gw_buf_printf(&b, "%s: ", prog);
	gw_buf_put_printable(&b, msg, strlen(msg));
	gw_buf_printf(&b, "\nTry '%s --help' for more information.\n", prog);
	fputs(b.oom ? "out of memory\n" : b.data, stderr);
	gw_buf_free(&b);
}

int gw_cli_write_report(const char *prog, const char *path, const char *data, size_t len, int text)
{
	if (!text)
		return gw_cli_write_output(prog, path, data, len);
	gw_buf b;
	gw_buf_init(&b);
	gw_buf_put_text(&b, data, len);
	int rc = -1;
	if (b.oom)
		fprintf(stderr, "%s: out of memory\n", prog);
	else
		rc = gw_cli_write_output(prog, path, b.data ? b.data : "", b.len);
	gw_buf_free(&b);
	return rc;
}

int gw_cli_print_text(FILE *f, const char *prog, const char *text, size_t len)
{
	gw_buf b;
	gw_buf_init(&b);
	gw_buf_put_text(&b, text, len);
	int rc = 0;
	if (b.oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		rc = -1;
	} else if (b.len && (fwrite(b.data, 1, b.len, f) != b.len || fflush(f) != 0)) {
		fprintf(stderr, "%s: cannot write: %s\n", prog, strerror(errno));
		rc = -1;
	}
	gw_buf_free(&b);
	return rc;
}

int gw_cli_emit(const char *prog, const char *path, const gw_buf *b, int text)
{
	if (b->oom) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	return gw_cli_write_report(prog, path, b->data ? b->data : "", b->len, text);
}

int gw_cli_version(const char *prog)
{
	gw_buf b;
	gw_buf_init(&b);
	gw_buf_printf(&b, "%s (gowasm) %s\n", prog, GW_VERSION);
	int rc = gw_cli_emit(prog, NULL, &b, 0);
	gw_buf_free(&b);
	return rc ? GW_EXIT_ERROR : GW_EXIT_OK;
}

/* The options every tool has, after its own. */
static const gw_cli_option common_options[] = {
	{ "help", 'h', NULL, "show this help and exit", 0, NULL, NULL, NULL },
	{ "version", 'V', NULL, "show the version and exit", 0, NULL, NULL, NULL },
};
enum { N_COMMON = sizeof common_options / sizeof *common_options };

static size_t count_options(const gw_cli_option *o)
{
	size_t n = 0;
	while (o && o[n].name)
		n++;
	return n;
}

/* Row i of the tool's table followed by the common rows. */
static const gw_cli_option *option_at(const gw_cli_tool *t, size_t n, size_t i)
{
	return i < n ? &t->options[i] : &common_options[i - n];
}

/* "  -o, --output FILE" or "  --companion-path[=FMT]". */
static void option_label(gw_buf *b, const gw_cli_option *o)
{
	gw_buf_puts(b, "  ");
	if (o->letter)
		gw_buf_printf(b, "-%c, ", o->letter);
	gw_buf_printf(b, "--%s", o->name);
	if (o->arg)
		gw_buf_printf(b, (o->flags & GW_CLI_OPTIONAL) ? "[=%s]" : " %s", o->arg);
}

int gw_cli_help(const gw_cli_tool *t)
{
	gw_buf b, label;
	gw_buf_init(&b);
	gw_buf_init(&label);
	const char *u = t->usage;
	for (bool first = true; u && *u; first = false) {
		size_t n = strcspn(u, "\n");
		gw_buf_printf(&b, "%s%s %.*s\n", first ? "Usage: " : "       ", t->prog, (int)n, u);
		u += n + (u[n] == '\n');
	}
	gw_buf_printf(&b, "\n%s\n\nOptions:\n", t->about);
	size_t n = count_options(t->options), width = 0;
	for (size_t i = 0; i < n + N_COMMON; i++) {
		const gw_cli_option *o = option_at(t, n, i);
		label.len = 0;
		option_label(&label, o);
		if (label.len > width)
			width = label.len;
	}
	for (size_t i = 0; i < n + N_COMMON; i++) {
		const gw_cli_option *o = option_at(t, n, i);
		label.len = 0;
		option_label(&label, o);
		gw_buf_append(&b, label.data, label.len);
		if (!*o->help)
			gw_buf_putc(&b, '\n');
		for (const char *h = o->help; *h;) {
			size_t k = strcspn(h, "\n");
			gw_buf_printf(&b, "%*s%.*s\n", (int)(width + 2 - (h == o->help ? label.len : 0)), "", (int)k, h);
			h += k + (h[k] == '\n');
		}
	}
	if (t->epilogue)
		gw_buf_printf(&b, "\n%s", t->epilogue);
	int rc = gw_cli_emit(t->prog, NULL, &b, 0);
	gw_buf_free(&b);
	gw_buf_free(&label);
	return rc ? GW_EXIT_ERROR : GW_EXIT_OK;
}

/* Carries out row `o` with its argument; returns GW_CLI_GO_ON or the exit
 * status. */
static int apply_option(const gw_cli_tool *t, const gw_cli_option *o, const char *arg)
{
	if (o->call)
		return o->call(t->ctx, arg);
	if (o->flag)
		*o->flag = !(o->flags & GW_CLI_CLEAR);
	if (o->value)
		*o->value = arg;
	if (o->flag || o->value)
		return GW_CLI_GO_ON;
	return o->letter == 'h' ? gw_cli_help(t) : gw_cli_version(t->prog);
}

int gw_cli_parse(const gw_cli_tool *t, int argc, char **argv, int *next)
{
	size_t n = count_options(t->options);
	struct option *longs = calloc(n + N_COMMON + 1, sizeof *longs);
	char shorts[2 * (26 * 2 + 10) + 2] = ":";
	size_t ns = 1;
	if (!longs) {
		fprintf(stderr, "%s: out of memory\n", t->prog);
		return GW_EXIT_ERROR;
	}
	size_t nl = 0;
	for (size_t i = 0; i < n + N_COMMON; i++) {
		const gw_cli_option *o = option_at(t, n, i);
		int has = !o->arg ? no_argument : (o->flags & GW_CLI_OPTIONAL) ? optional_argument : required_argument;
		longs[nl++] = (struct option){ o->name, has, NULL, 256 + (int)i };
		if (o->letter && ns + 3 < sizeof shorts) {
			shorts[ns++] = o->letter;
			if (has == required_argument)
				shorts[ns++] = ':';
		}
	}
	shorts[ns] = 0;
	int rc = GW_CLI_GO_ON, c;
	opterr = 0;
	optind = 1;
	while (rc == GW_CLI_GO_ON && (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const gw_cli_option *o = NULL;
		for (size_t i = 0; i < n + N_COMMON && !o && c != ':' && c != '?'; i++) {
			const gw_cli_option *x = option_at(t, n, i);
			if (c == 256 + (int)i || c == x->letter)
				o = x;
		}
		if (o) {
			rc = apply_option(t, o, optarg);
			continue;
		}
		if (c == ':')
			gw_cli_usage_error(t->prog, "option '%s' needs an argument", argv[optind - 1]);
		else
			gw_cli_usage_error(t->prog, "unknown option '%s'", argv[optind - 1]);
		rc = GW_EXIT_ERROR;
	}
	free(longs);
	if (rc != GW_CLI_GO_ON)
		return rc;
	int operands = argc - optind;
	if (operands < t->min_operands || operands > t->max_operands) {
		gw_cli_usage_error(t->prog, "%s",
		                   operands < t->min_operands ? (t->no_operand ? t->no_operand : "no input file")
		                                              : (t->too_many ? t->too_many : "only one input file is accepted"));
		return GW_EXIT_ERROR;
	}
	*next = optind;
	return GW_CLI_GO_ON;
}

int gw_cli_load(const char *prog, const char *file, bool symbols_only, gw_loaded *l)
{
	gw_error err;
	gw_error_clear(&err);
	if ((symbols_only ? gw_load_symbols : gw_load)(file, l, &err)) {
		gw_cli_error(prog, file, &err);
		return -1;
	}
	return 0;
}

/* Temporary files and folders, removed if a signal ends the program
 * before they are renamed into place. The handler only reads this table
 * and calls unlink, rmdir and raise (async-signal-safe); the table only
 * changes with those signals blocked, so the handler never sees it half
 * updated. */
#define MAX_TEMPS 64
static char *temps[MAX_TEMPS];
static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void remove_temps_and_die(int sig)
{
	for (int i = MAX_TEMPS - 1; i >= 0; i--)
		if (temps[i] && unlink(temps[i]) != 0)
			rmdir(temps[i]); /* a folder: its files came later, so are gone */
	/* SA_RESETHAND restored the default action: die of the same signal,
	 * so that the parent sees the right status. */
	raise(sig);
}

static void block_signals(sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof cleanup_signals / sizeof *cleanup_signals; i++)
		sigaddset(&set, cleanup_signals[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void install_handlers(void)
{
	static bool installed;
	if (installed)
		return;
	installed = true;
	for (size_t i = 0; i < sizeof cleanup_signals / sizeof *cleanup_signals; i++) {
		struct sigaction sa, old;
		if (sigaction(cleanup_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue; /* nohup and friends: stay immune */
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = remove_temps_and_die;
		sa.sa_flags = SA_RESETHAND;
		sigfillset(&sa.sa_mask);
		sigaction(cleanup_signals[i], &sa, NULL);
	}
}

int gw_cli_temp_add(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return -1;
	sigset_t old;
	block_signals(&old);
	install_handlers();
	int slot = -1;
	for (int i = 0; i < MAX_TEMPS && slot < 0; i++)
		if (!temps[i])
			slot = i;
	if (slot >= 0)
		temps[slot] = copy;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (slot < 0)
		free(copy);
	return slot;
}

void gw_cli_temp_forget(int slot)
{
	if (slot < 0 || slot >= MAX_TEMPS)
		return;
	sigset_t old;
	block_signals(&old);
	char *p = temps[slot];
	temps[slot] = NULL;
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(p);
}

int gw_cli_temp_rename(int slot, const char *to)
{
	if (slot < 0 || slot >= MAX_TEMPS || !temps[slot]) {
		errno = EINVAL;
		return -1;
	}
	/* Blocked so that a signal cannot come between the rename and the
	 * table forgetting the old name. */
	sigset_t old;
	block_signals(&old);
	int rc = rename(temps[slot], to);
	int e = errno;
	char *p = NULL;
	if (rc == 0) {
		p = temps[slot];
		temps[slot] = NULL;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(p);
	errno = e;
	return rc;
}

/* Creates a new temporary file (0600) or folder (0700) named
 * TARGET SEP PID.N, registered before it is created: a signal handled by
 * another thread (Binaryen's workers do not block it) or between two
 * calls must never find it created but not registered. Returns the file
 * descriptor (0 for a folder) with its name in out and its slot, or -1
 * with errno set. */
static int temp_create(const char *target, const char *sep, bool dir, char *out, size_t size, int *slot)
{
	static unsigned serial;
	for (int attempt = 0; attempt < 100; attempt++) {
		snprintf(out, size, "%s%s%ld.%u", target, sep, (long)getpid(), serial++);
		*slot = gw_cli_temp_add(out);
		if (*slot < 0) {
			errno = ENOMEM;
			return -1;
		}
		int fd = dir ? mkdir(out, 0700) : open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
		if (fd >= 0)
			return fd;
		int e = errno;
		gw_cli_temp_forget(*slot);
		*slot = -1;
		errno = e;
		if (e != EEXIST)
			return -1;
	}
	return -1;
}

int gw_cli_temp_mkdir(const char *target, char *out, size_t size)
{
	int slot;
	return temp_create(target, ".tmp-", true, out, size, &slot) < 0 ? -1 : slot;
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

/* The file that `path` finally names, following symbolic links (also
 * dangling ones, whose target is to be created). Returns a malloc'd path
 * or NULL with errno set. */
static char *final_path(const char *path)
{
	char *cur = strdup(path);
	for (int hops = 0; cur && hops < 40; hops++) {
		struct stat st;
		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
			return cur;
		char target[PATH_MAX];
		ssize_t n = readlink(cur, target, sizeof target - 1);
		if (n < 0) {
			free(cur);
			return NULL;
		}
		target[n] = 0;
		char *next;
		const char *slash = strrchr(cur, '/');
		if (target[0] == '/' || !slash) {
			next = strdup(target);
		} else {
			size_t dir = (size_t)(slash - cur) + 1;
			next = malloc(dir + (size_t)n + 1);
			if (next) {
				memcpy(next, cur, dir);
				memcpy(next + dir, target, (size_t)n + 1);
			}
		}
		free(cur);
		cur = next;
	}
	if (cur) {
		free(cur);
		errno = ELOOP;
	}
	return NULL;
}

/* Writes to something that is not a regular file (a device, a FIFO, a
 * terminal) in place: there is nothing to replace atomically. */
static int write_in_place(const char *prog, const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	int rc = fd < 0 ? -1 : write_all(fd, data, len);
	int e = errno;
	if (fd >= 0 && close(fd) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	if (rc != 0)
		gw_cli_fail(prog, path, "cannot write: %s", strerror(e));
	return rc;
}

int gw_cli_write_output(const char *prog, const char *path, const char *data, size_t len)
{
	struct stat st, out;
	if (path && strcmp(path, "-") != 0 && stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			gw_cli_fail(prog, path, "cannot write: is a directory");
			return -1;
		}
		if (!S_ISREG(st.st_mode))
			return write_in_place(prog, path, data, len);
		/* /dev/stdout, /proc/self/fd/1...: our own standard output,
		 * redirected to a file the shell opened (maybe for appending). */
		if (fstat(STDOUT_FILENO, &out) == 0 && out.st_dev == st.st_dev && out.st_ino == st.st_ino)
			path = NULL;
	}
	if (!path || strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
			fprintf(stderr, "%s: cannot write to standard output: %s\n", prog, strerror(errno));
			return -1;
		}
		return 0;
	}
	/* A regular file, or none yet: a temporary file beside the file the
	 * path finally names, renamed over it. A symbolic link stays a link;
	 * its target is replaced. */
	char *target = final_path(path);
	if (!target) {
		gw_cli_fail(prog, path, "cannot write: %s", strerror(errno));
		return -1;
	}
	size_t plen = strlen(target);
	char *tmp = malloc(plen + 48);
	if (!tmp) {
		fprintf(stderr, "%s: out of memory\n", prog);
		free(target);
		return -1;
	}
	int slot;
	int fd = temp_create(target, ".tmp.", false, tmp, plen + 48, &slot);
	if (fd < 0) {
		gw_cli_fail(prog, path, "cannot create: %s", strerror(errno));
		free(tmp);
		free(target);
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
	/* Created 0600; outputs are ordinary files. */
	if (rc == 0) {
		mode_t mask = umask(0);
		umask(mask);
		chmod(tmp, 0666 & ~mask);
	}
	if (rc == 0 && gw_cli_temp_rename(slot, target) != 0) {
		rc = -1;
		e = errno;
	}
	if (rc != 0) {
		unlink(tmp);
		gw_cli_temp_forget(slot);
		gw_cli_fail(prog, path, "cannot write: %s", strerror(e));
	}
	free(tmp);
	free(target);
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
	if (gw_read_file(path, max, mf, &err)) {
		if (err.status == GW_ERR_LIMIT)
			gw_cli_fail(prog, path, "larger than %zu MiB, not a %s", max >> 20, what);
		else
			gw_cli_error(prog, path, &err);
		return -1;
	}
	return 0;
}

int gw_cli_same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && S_ISREG(sa.st_mode) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int gw_cli_refuse_overwrite(const char *prog, const char *output, const char *const *inputs, size_t n)
{
	if (!output || strcmp(output, "-") == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (gw_cli_same_file(output, inputs[i])) {
			gw_cli_usage_error(prog, "%s: the output would replace the input %s; name another file", output,
			                   inputs[i]);
			return -1;
		}
	}
	return 0;
}
