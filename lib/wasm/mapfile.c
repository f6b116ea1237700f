/* SPDX-License-Identifier: MIT */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MADV_HUGEPAGE */
#define _POSIX_C_SOURCE 200809L
#include "mapfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind(mode_t m)
{
	return S_ISDIR(m) ? "is a directory" : S_ISFIFO(m) ? "is a FIFO, not a regular file"
	       : S_ISCHR(m) ? "is a character device, not a regular file"
	       : S_ISBLK(m) ? "is a block device, not a regular file"
	       : S_ISSOCK(m) ? "is a socket, not a regular file" : "not a regular file";
}

/* A buffer for `size` bytes. Large ones are anonymous mappings aligned
 * to 2 MiB and advised to use huge pages: reading esbuild.wasm (14 MB)
 * into malloc'd memory costs a page fault per 4 KiB page, which on a
 * virtual machine took 120-160 ms against 10-18 ms with huge pages. */
static uint8_t *alloc_buffer(gw_mapped_file *out, size_t size)
{
	const size_t huge = (size_t)2 << 20;
	if (size < huge)
		return out->map = malloc(size);
	size_t len = (size + 2 * huge - 1) & ~(huge - 1);
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	out->map = m;
	out->map_len = len;
	uint8_t *p = (uint8_t *)(((uintptr_t)m + huge - 1) & ~(uintptr_t)(huge - 1));
#ifdef MADV_HUGEPAGE
	madvise(p, len - (size_t)(p - (uint8_t *)m), MADV_HUGEPAGE);
#endif
	return p;
}

static void free_buffer(gw_mapped_file *f)
{
	if (f->map_len)
		munmap(f->map, f->map_len);
	else
		free(f->map);
}

gw_status gw_read_file(const char *path, size_t max, gw_mapped_file *out, gw_error *err)
{
	static const uint8_t empty[1];
	memset(out, 0, sizeof *out);
	if (!max || max > GW_MAX_INPUT_SIZE)
		max = GW_MAX_INPUT_SIZE;
	/* O_NONBLOCK: opening a FIFO without a writer returns at once; the
	 * type check below then refuses it. It changes nothing for regular
	 * files. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return gw_fail(err, GW_ERR_IO, GW_NO_OFFSET, "cannot open: %s", strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return gw_fail(err, GW_ERR_IO, GW_NO_OFFSET, "cannot stat: %s", strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return gw_fail(err, GW_ERR_IO, GW_NO_OFFSET, "%s", kind(st.st_mode));
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return gw_fail(err, GW_ERR_LIMIT, GW_NO_OFFSET, "file of %lld bytes is larger than the %zu-byte limit",
		               (long long)st.st_size, max);
	}
	out->size = (size_t)st.st_size;
	if (out->size == 0) {
		close(fd);
		out->data = empty;
		return GW_OK;
	}
	uint8_t *p = alloc_buffer(out, out->size);
	if (!p) {
		size_t want = out->size;
		memset(out, 0, sizeof *out);
		close(fd);
		return gw_fail(err, GW_ERR_NOMEM, GW_NO_OFFSET, "out of memory for %zu bytes", want);
	}
	size_t got = 0;
	while (got < out->size) {
		ssize_t r = read(fd, p + got, out->size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = errno;
			size_t want = out->size;
			free_buffer(out);
			memset(out, 0, sizeof *out);
			close(fd);
			if (r < 0)
				return gw_fail(err, GW_ERR_IO, GW_NO_OFFSET, "cannot read: %s", strerror(e));
			return gw_fail(err, GW_ERR_IO, GW_NO_OFFSET,
			               "the file shrank from %zu to %zu bytes while it was read (changed by another program?)",
			               want, got);
		}
		got += (size_t)r;
	}
	close(fd);
	out->data = p;
	return GW_OK;
}

gw_status gw_map_file(const char *path, gw_mapped_file *out, gw_error *err)
{
	return gw_read_file(path, 0, out, err);
}

void gw_unmap_file(gw_mapped_file *f)
{
	free_buffer(f);
	memset(f, 0, sizeof *f);
}
