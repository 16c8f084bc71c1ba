/* lookup.h: one question answered the way the lab resolver answers it: an
 * iterative resolution over the network (resolver.h), then, with a trust
 * anchor, DNSSEC validation of the outcome, running each DS and DNSKEY
 * fetch the validator asks for as a further resolution on the same cache.
 * The resolver's clients and `dnslab validate` both use it. */
#ifndef DNSLAB_LOOKUP_H
#define DNSLAB_LOOKUP_H

#include <stdbool.h>
#include <uv.h>

#include "net/exchange.h"
#include "resolver/iter.h"
#include "resolver/validator.h"

struct nta_list;
struct resolution_local;

struct lookup_params {
	const struct iter_config *cfg;   /* borrowed; copied into each iterator */
	const struct exchange_opts *xo;  /* borrowed */
	double (*now)(void *arg);
	void *now_arg;
	const ldns_rr_list *anchor;      /* borrowed; NULL: no validation */
	struct keycache *keys;           /* borrowed, may be NULL: proofs kept across lookups */
	iter_event_fn on_event;          /* may be NULL: the main resolution's events */
	void *event_arg;
	bool cache_only;                 /* RD=0: the cache and nothing more */
	const struct nta_list *nta;      /* borrowed, may be NULL: negative trust anchors */
	const struct resolution_local *local; /* borrowed, may be NULL: the hyperlocal root */
};

/* r: the resolution's outcome; v: the validator (NULL without an anchor),
 * its verdict and report read through validator.h.  Both borrowed for the
 * call only. */
typedef void (*lookup_done_fn)(void *arg, const struct iter_result *r, const struct validator *v);

struct lookup;

/* Start; done(arg, ...) runs exactly once, possibly before this returns
 * (then the result is NULL too).  Returns NULL on OOM without calling done. */
struct lookup *lookup_start(uv_loop_t *loop, const struct lookup_params *p, const ldns_rdf *qname,
			    ldns_rr_type qtype, lookup_done_fn done, void *arg, bool *finished);
/* Stop a lookup whose done has not run; done will not run. */
void lookup_cancel(struct lookup *l);

#endif
