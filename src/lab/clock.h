/* clock.h: the lab clock: real time plus an offset the student can move, so
 * TTLs and signature validity can be watched expiring without waiting. */
#ifndef DNSLAB_CLOCK_H
#define DNSLAB_CLOCK_H

#include <stddef.h>
#include <stdint.h>

struct labclock {
	int64_t offset; /* seconds added to real time */
};

/* Lab time in seconds since the epoch, with sub-second precision. */
double labclock_now(const struct labclock *c);

/* Parse "+40d", "-2h", "90s", "+1h30m" (units s, m, h, d, w) into seconds.
 * Returns 0, or DL_ERR_USAGE for anything else. */
int labclock_parse_offset(const char *s, int64_t *out);

/* The `clock` command of serve and the lab shell: "" leaves the clock,
 * "reset" puts it back to real time, an offset ("+40d") moves it.  Returns
 * 0, or -1 (clock unchanged) when arg is none of these. */
int labclock_command(struct labclock *c, const char *arg);

/* "lab clock: 2026-11-25 10:00:00 UTC (real time +3600 s)" into buf. */
const char *labclock_describe(const struct labclock *c, char *buf, size_t len);

#endif
