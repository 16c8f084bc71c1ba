/* hyperlocal.h: the resolver's hyperlocal root (RFC 8806).  When on, the
 * resolver fetches the root zone from a root server by zone transfer (AXFR
 * over TCP), checks it against its trust anchor (localroot.h) and from then
 * on answers what it would have asked a root server from that copy, in
 * this process: no query goes to a root server, only the transfers do.
 * The copy is fetched again when the SOA's refresh has passed on the lab
 * clock, and dropped when its expire has passed without a new one; a
 * failed transfer or check is reported and the resolver goes on asking the
 * root servers. */
#ifndef DNSLAB_HYPERLOCAL_H
#define DNSLAB_HYPERLOCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "lab/clock.h"
#include "net/exchange.h"
#include "resolver/iter.h"
#include "resolver/localroot.h"

typedef void (*hyperlocal_report_fn)(void *arg, const char *msg);

struct hyperlocal {
	uv_loop_t *loop;
	const struct iter_hints *hints;      /* borrowed: the root servers */
	const struct sockaddr *source;       /* borrowed: the resolver's address */
	const struct labclock *clock;        /* borrowed */
	const ldns_rr_list *const *anchor;   /* borrowed: the resolver's anchor pointer */
	bool on;
	struct localroot *copy;              /* owned, or NULL: ask the root servers */
	struct exchange *x;                  /* the transfer in flight, or NULL */
	ldns_rr_list *xfr_anchor;            /* owned: the anchor the transfer is checked with */
	size_t server;                       /* hints index of the transfer in flight */
	double loaded_at, refresh_at, expire_at;
	char from[300];                      /* "a.root-servers.test. (127.53.0.1)" */
	char status[900];                    /* the last thing that happened, in plain words */
	unsigned long long answered;         /* queries answered from the copy */
	unsigned transfers;
	uint8_t *buf;                        /* owned: the last local answer */
	hyperlocal_report_fn report;
	void *report_arg;
};

void hyperlocal_init(struct hyperlocal *h, uv_loop_t *loop, const struct iter_hints *hints,
		     const struct sockaddr *source, const struct labclock *clock, const ldns_rr_list *const *anchor);
/* Cancel a transfer in flight and free the copy. */
void hyperlocal_free(struct hyperlocal *h);

/* Switch on (a transfer starts; report(arg, msg) says how it ended) or off
 * (back to the root servers at once).  report may be NULL. */
void hyperlocal_enable(struct hyperlocal *h, hyperlocal_report_fn report, void *arg);
void hyperlocal_disable(struct hyperlocal *h);
/* Fetch the zone again now (after a reload), when on. */
void hyperlocal_refresh(struct hyperlocal *h);

/* For the resolution driver (resolver.h): the response to query q sent to
 * to, from the copy, when on and to is a root server's address; NULL to
 * send it over the network.  *len is set; the buffer is borrowed until the
 * next call. */
const uint8_t *hyperlocal_answer(void *arg, const struct sockaddr *to, const uint8_t *q, size_t qlen, size_t *len);

/* One paragraph for `resolver status`. */
void hyperlocal_describe(const struct hyperlocal *h, char *buf, size_t len);

#endif
