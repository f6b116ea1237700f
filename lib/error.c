/* SPDX-License-Identifier: MIT */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static gw_status vfail(gw_error *err, gw_input input, gw_status status, size_t offset, const char *fmt,
                       va_list ap) GW_PRINTF(5, 0);

static gw_status vfail(gw_error *err, gw_input input, gw_status status, size_t offset, const char *fmt,
                       va_list ap)
{
	if (!err || err->status != GW_OK)
		return status;
	err->status = status;
	err->offset = offset;
	err->input = input;
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	return status;
}

gw_status gw_fail(gw_error *err, gw_status status, size_t offset,
                  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gw_status s = vfail(err, GW_INPUT_PRIMARY, status, offset, fmt, ap);
	va_end(ap);
	return s;
}

gw_status gw_fail_input(gw_error *err, gw_input input, gw_status status, size_t offset, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	gw_status s = vfail(err, input, status, offset, fmt, ap);
	va_end(ap);
	return s;
}

void gw_error_clear(gw_error *err)
{
	if (!err)
		return;
	err->status = GW_OK;
	err->offset = GW_NO_OFFSET;
	err->msg[0] = '\0';
	err->input = GW_INPUT_PRIMARY;
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
