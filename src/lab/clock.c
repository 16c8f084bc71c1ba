/* clock.c: the lab clock (clock.h). */
#include "lab/clock.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/err.h"

double labclock_now(const struct labclock *c)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + (double)(c ? c->offset : 0);
}

int labclock_parse_offset(const char *s, int64_t *out)
{
	int sign = 1;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (!*s)
		return DL_ERR_USAGE;
	int64_t total = 0;
	while (*s) {
		if (!isdigit((unsigned char)*s))
			return DL_ERR_USAGE;
		int64_t n = 0;
		while (isdigit((unsigned char)*s)) {
			n = n * 10 + (*s++ - '0');
			if (n > 100L * 365 * 86400)
				return DL_ERR_USAGE;
		}
		int64_t unit;
		switch (*s) {
		case '\0': unit = 1; break;
		case 's': unit = 1; s++; break;
		case 'm': unit = 60; s++; break;
		case 'h': unit = 3600; s++; break;
		case 'd': unit = 86400; s++; break;
		case 'w': unit = 7 * 86400; s++; break;
		default: return DL_ERR_USAGE;
		}
		total += n * unit;
		if (total > 100L * 365 * 86400)
			return DL_ERR_USAGE;
	}
	*out = sign * total;
	return 0;
}

int labclock_command(struct labclock *c, const char *arg)
{
	int64_t off = 0;
	if (!strcmp(arg, "reset"))
		c->offset = 0;
	else if (*arg && labclock_parse_offset(arg, &off) == 0)
		c->offset += off;
	else if (*arg)
		return -1;
	return 0;
}

const char *labclock_describe(const struct labclock *c, char *buf, size_t len)
{
	time_t t = (time_t)labclock_now(c);
	char when[64];
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
	snprintf(buf, len, "lab clock: %s (real time %+lld s)", when, (long long)c->offset);
	return buf;
}
