/* resolver.h: the lab's recursive resolver: client queries in, answers out,
 * resolving iteratively over real packets (iter.h) with a shared cache on
 * the lab clock.  Also the driver that runs one iterator over the network,
 * which `dnslab trace` uses on its own. */
#ifndef DNSLAB_RESOLVER_H
#define DNSLAB_RESOLVER_H

#include <stdbool.h>
#include <uv.h>

#include "lab/clock.h"
#include "net/exchange.h"
#include "net/listener.h"
#include "resolver/acl.h"
#include "resolver/cache.h"
#include "resolver/hyperlocal.h"
#include "resolver/keycache.h"
#include "resolver/iter.h"
#include "resolver/nta.h"

/* A private EDNS option (RFC 6891 9: 65001-65534 are for local use) that
 * `dnslab resolve` sends to learn whether the answer came from the cache:
 * the reply carries 1 byte (1 = cache, 0 = network) and 2 bytes (queries sent). */
#define RESOLVER_OPT_CACHE_INFO 65053
#define RESOLVER_EDNS_SIZE 1232
/* CH TXT clock.dnslab. asked of the resolver: two strings, the lab clock's
 * now and its offset from real time in seconds, so that a command run
 * beside a lab validates at the lab's time. */
#define RESOLVER_CLOCK_NAME "clock.dnslab."
/* CH TXT nta.dnslab.: one TXT "NAME" "UNTIL" per live negative trust anchor
 * (UNTIL in lab-clock seconds), so that validate and chain, run beside the
 * lab, judge as its resolver does. */
#define RESOLVER_NTA_NAME "nta.dnslab."
#define RESOLVER_CACHE_ENTRIES 3000

struct resolution;
typedef void (*resolution_done_fn)(void *arg, struct iter *it);

/* Answers some of the iterator's queries in this process instead of over
 * the network (the hyperlocal root): answer() returns the response (borrowed
 * until its next call) or NULL to send the query as usual. */
struct resolution_local {
	const uint8_t *(*answer)(void *arg, const struct sockaddr *to, const uint8_t *q, size_t qlen, size_t *len);
	void *arg;
};

/* Drive it over the network until done; done(arg, it) runs once, then the
 * resolution and it are freed.  xo is copied (its pointers are borrowed). */
struct resolution *resolution_start(uv_loop_t *loop, struct iter *it, const struct exchange_opts *xo,
				    resolution_done_fn done, void *arg);
/* The same, with local (borrowed, may be NULL) asked first for each query. */
struct resolution *resolution_start_local(uv_loop_t *loop, struct iter *it, const struct exchange_opts *xo,
					  const struct resolution_local *local, resolution_done_fn done, void *arg);
/* Stop and free a resolution whose done callback has not run. */
void resolution_cancel(struct resolution *r);

struct resolver_client;
struct lookup_params;

struct resolver {
	uv_loop_t *loop;
	struct iter_config cfg;
	struct iter_hints hints;     /* owned */
	struct cache cache;
	struct keycache keys;        /* what validation proved, across queries */
	struct iter_lame lame;
	const struct labclock *clock; /* borrowed */
	struct sockaddr_storage source; /* queries leave from the resolver's address */
	struct exchange_opts xo;
	const ldns_rr_list *anchor;   /* borrowed: the lab's trust anchor, or NULL */
	struct resolver_client *clients; /* in flight */
	unsigned long long answered, from_cache;
	unsigned long long refused;   /* queries from outside the allow list */
	struct acl allowed;           /* who may ask (default: loopback) */
	bool open;                    /* answer everyone: an open resolver (RFC 5358) */
	struct nta_list nta;          /* negative trust anchors (RFC 7646) */
	struct hyperlocal hyper;      /* the hyperlocal root (RFC 8806) */
	struct resolution_local local; /* hyper, for the resolution driver */
};

/* hints: taken over (hints->servers moves into the resolver).  source_ip:
 * the resolver's own address.  anchor (borrowed, may be NULL): validate
 * from it.  Returns 0 or DL_ERR_NOMEM. */
int resolver_init(struct resolver *r, uv_loop_t *loop, struct iter_hints *hints, int port,
		  const char *source_ip, const struct labclock *clock, bool qmin, const ldns_rr_list *anchor);
/* Cancel everything in flight and free the resolver's memory. */
void resolver_free(struct resolver *r);

/* Empty the cache and the key cache (serve's flush and reload). */
void resolver_flush(struct resolver *r);

/* Forget what the cache and key cache hold for name and below (after an
 * NTA for it was added or removed). */
void resolver_flush_below(struct resolver *r, const ldns_rdf *name);

/* Drop the NTAs that have ended on the lab clock, and what was cached
 * under them.  Returns how many ended. */
size_t resolver_nta_expire(struct resolver *r);

/* The lookup parameters of this resolver (its cache, keys, NTAs and
 * hyperlocal root); the caller sets the per-query fields. */
void resolver_lookup_params(struct resolver *r, struct lookup_params *lp);

/* The listener callback (net_async_fn): arg is the resolver. */
void resolver_on_query(void *arg, const uint8_t *q, size_t qlen, struct net_request *req);

/* Lab time for iterators: arg is a struct labclock. */
double resolver_now(void *arg);

#endif
