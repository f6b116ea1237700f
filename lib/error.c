#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

gw_status gw_fail(gw_error *err, gw_status status, size_t offset,
                  const char *fmt, ...)
{
	if (!err || err->status != GW_OK)
		return status;
	err->status = status;
	err->offset = offset;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return status;
}

void gw_error_clear(gw_error *err)
{
	if (!err)
		return;
	err->status = GW_OK;
	err->offset = GW_NO_OFFSET;
	err->msg[0] = '\0';
}

const char *gw_status_name(gw_status status)
{
	switch (status) {
	case GW_OK: return "ok";
	case GW_ERR_IO: return "I/O error";
	case GW_ERR_FORMAT: return "malformed";
	case GW_ERR_NOMEM: return "out of memory";
	case GW_ERR_LIMIT: return "over limit";
	case GW_ERR_UNSUPPORTED: return "unsupported";
	}
	return "error";
}
