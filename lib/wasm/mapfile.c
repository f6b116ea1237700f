#define _POSIX_C_SOURCE 200809L
#include "mapfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

gw_status gw_map_file(const char *path, gw_mapped_file *out, gw_error *err)
{
	static const uint8_t empty[1];
	memset(out, 0, sizeof *out);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return gw_fail(err, GW_ERR_IO, GW_NO_OFFSET, "cannot open: %s", strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return gw_fail(err, GW_ERR_IO, GW_NO_OFFSET, "cannot stat: %s", strerror(e));
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return gw_fail(err, GW_ERR_IO, GW_NO_OFFSET, "is a directory");
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return gw_fail(err, GW_ERR_IO, GW_NO_OFFSET, "not a regular file");
	}
	if ((uint64_t)st.st_size > GW_MAX_INPUT_SIZE) {
		close(fd);
		return gw_fail(err, GW_ERR_LIMIT, GW_NO_OFFSET, "file of %lld bytes is larger than the %zu-byte limit",
		               (long long)st.st_size, GW_MAX_INPUT_SIZE);
	}
	out->size = (size_t)st.st_size;
	if (out->size == 0) {
		close(fd);
		out->data = empty;
		return GW_OK;
	}
	void *p = mmap(NULL, out->size, PROT_READ, MAP_PRIVATE, fd, 0);
	int e = errno;
	close(fd);
	if (p == MAP_FAILED)
		return gw_fail(err, GW_ERR_IO, GW_NO_OFFSET, "cannot map: %s", strerror(e));
	out->map = p;
	out->data = p;
	return GW_OK;
}

void gw_unmap_file(gw_mapped_file *f)
{
	if (f->map)
		munmap(f->map, f->size);
	memset(f, 0, sizeof *f);
}
