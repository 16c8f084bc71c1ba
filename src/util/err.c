/* err.c: error records and exit statuses (see err.h). */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>

int dl_error_set(struct dl_error *e, int code, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
		e->code = code;
	}
	return code;
}

int dl_exit_status(int code)
{
	switch (code) {
	case DL_OK: return 0;
	case DL_ERR_FALSE: return 1;
	case DL_ERR_USAGE:
	case DL_ERR_INPUT: return 2;
	default: return 3;
	}
}

int dl_error_report(const struct dl_error *e)
{
	fprintf(stderr, "dnslab: %s\n", e->msg);
	return dl_exit_status(e->code);
}
