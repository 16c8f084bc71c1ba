/* clock.h: the lab clock: real time plus an offset the student can move, so
 * TTLs and signature validity can be watched expiring without waiting. */
#ifndef DNSLAB_CLOCK_H
#define DNSLAB_CLOCK_H

#include <stdint.h>

struct labclock {
	int64_t offset; /* seconds added to real time */
};

/* Lab time in seconds since the epoch, with sub-second precision. */
double labclock_now(const struct labclock *c);

/* Parse "+40d", "-2h", "90s", "+1h30m" (units s, m, h, d, w) into seconds.
 * Returns 0, or DL_ERR_USAGE for anything else. */
int labclock_parse_offset(const char *s, int64_t *out);

#endif
