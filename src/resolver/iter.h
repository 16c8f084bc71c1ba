/* iter.h: the iterator: one resolution of (name, type) from the root down,
 * as an explicit state machine with no I/O (RFC 1034 5.3.3, RFC 9156).
 *
 * The driver calls iter_run(); when it returns ITER_ACT_SEND it sends the
 * query it was handed to the address given and later reports the outcome
 * with iter_on_response() or iter_on_timeout(), then calls iter_run() again.
 * The lab resolver drives it to answer clients; `dnslab trace` drives it
 * with an empty cache and prints every event. */
#ifndef DNSLAB_ITER_H
#define DNSLAB_ITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include "resolver/cache.h"

/* The states, in the order a simple resolution passes through them. */
enum iter_state {
	ITER_START,       /* look the question up in the cache */
	ITER_FIND_CUT,    /* closest zone cut whose name servers are known */
	ITER_PICK_SERVER, /* next server of that cut: known address, not lame */
	ITER_NS_ADDRESS,  /* a server without glue: resolve its address first */
	ITER_QUERY,       /* a query is out, waiting for the response */
	ITER_RESPONSE,    /* classify the response */
	ITER_REFERRAL,    /* go down to the child zone's servers */
	ITER_CNAME,       /* the name is an alias: start again with its target */
	ITER_DONE,        /* an answer, NXDOMAIN or NODATA */
	ITER_FAIL,        /* SERVFAIL, with an Extended DNS Error saying why */
};

const char *iter_state_name(enum iter_state s);

struct iter_hint {
	ldns_rdf *name;               /* owned */
	struct sockaddr_storage addr; /* with the lab port */
};

/* Root hints (RFC 8109), taken from the topology. */
struct iter_hints {
	struct iter_hint *servers;
	size_t n;
};

void iter_hints_free(struct iter_hints *h);

/* Servers marked lame for a zone (answered REFUSED, or without authority). */
#define ITER_LAME_SLOTS 64
struct iter_lame {
	struct {
		struct sockaddr_storage addr;
		ldns_rdf *zone; /* owned */
		double until;
	} e[ITER_LAME_SLOTS];
	size_t next;
};

void iter_lame_free(struct iter_lame *l);

struct iter_config {
	const struct iter_hints *hints; /* borrowed */
	struct cache *cache;            /* borrowed; shared by all resolutions */
	struct iter_lame *lame;         /* borrowed, may be NULL */
	int port;                       /* port of every lab server */
	bool qmin;                      /* RFC 9156 QNAME minimisation */
	unsigned max_queries;           /* per client query, glueless included (50) */
	unsigned max_referrals;         /* referrals followed (16) */
	unsigned max_cnames;            /* CNAME links (8) */
	unsigned max_depth;             /* nested glueless lookups (3) */
	double lame_seconds;            /* how long a lame mark lasts (900) */
};

/* What an event of the resolution tells the trace view and the logs. */
struct iter_event {
	enum iter_state state;
	int depth;                        /* 0, or 1+ inside a glueless lookup */
	const ldns_rdf *zone;             /* the current zone cut, or NULL */
	const ldns_rdf *server;           /* server name, or NULL */
	const struct sockaddr *addr;      /* server address, or NULL */
	const ldns_rdf *qname;            /* name asked or being resolved */
	ldns_rr_type qtype;
	const ldns_pkt *response;         /* ITER_RESPONSE: what came back */
	const char *kind;                 /* cache, referral, answer, cname, nxdomain,
					     nodata, lame, timeout, glueless ... */
	const char *why;                  /* plain words */
};

typedef void (*iter_event_fn)(void *arg, const struct iter_event *ev);

enum iter_action { ITER_ACT_SEND, ITER_ACT_DONE };

struct iter_send {
	struct sockaddr_storage to;
	const uint8_t *wire; /* borrowed until the next iter_* call */
	size_t len;
};

struct iter;

/* A resolution of (qname, qtype, qclass).  qname is copied.  now is the lab
 * time, read through the callback at each step.  Returns NULL on OOM. */
struct iter *iter_new(const struct iter_config *cfg, const ldns_rdf *qname, ldns_rr_type qtype,
		      ldns_rr_class qclass, double (*now)(void *arg), void *now_arg);
void iter_free(struct iter *it);
/* Answer from the cache only (a client's RD=0): a miss is REFUSED with
 * Extended DNS Error 20 instead of a resolution. */
void iter_set_cache_only(struct iter *it);
void iter_on_event(struct iter *it, iter_event_fn fn, void *arg);

/* Advance until a query must be sent (SEND, with *out filled) or the
 * resolution is finished (DONE: read the result below). */
enum iter_action iter_run(struct iter *it, struct iter_send *out);
void iter_on_response(struct iter *it, const uint8_t *wire, size_t len);
void iter_on_timeout(struct iter *it);

/* The result, once iter_run returned ITER_ACT_DONE. */
struct iter_result {
	ldns_pkt_rcode rcode;        /* NOERROR, NXDOMAIN or SERVFAIL */
	const ldns_rr_list *answer;  /* CNAME chain then the RRset, TTLs as cached */
	const ldns_rr_list *authority; /* the SOA of a negative answer */
	uint16_t ede;                /* RFC 8914 code when rcode is SERVFAIL */
	const char *ede_text;
	bool from_cache;             /* answered without sending a query */
	unsigned queries;            /* queries sent, glueless lookups included */
};

void iter_result(const struct iter *it, struct iter_result *r);

#endif
