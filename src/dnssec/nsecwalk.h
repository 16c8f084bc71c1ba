/* nsecwalk.h: zone walking, the logic without the I/O: which question to
 * ask next, and what each answer adds to the walk (`dnslab walk`, like
 * ldns-walk).
 *
 * An NSEC record names the next owner name of its zone (RFC 4034 4.1), so
 * asking each name for its NSEC lists the whole zone, one name per
 * question, until the chain wraps back to the apex.  That is why NSEC3
 * (RFC 5155) exists: its records name hashes, and a walk that meets them
 * stops, keeping the hashes it saw to show what little they give away. */
#ifndef DNSLAB_NSECWALK_H
#define DNSLAB_NSECWALK_H

#include <stdbool.h>
#include <stddef.h>

#include <ldns/ldns.h>

#include "util/err.h"

enum nsecwalk_state {
	NSECWALK_ASK,      /* ask qname/qtype (with DO, no RD) and give the answer to nsecwalk_take */
	NSECWALK_DONE,     /* the chain wrapped back to the apex: every name is listed */
	NSECWALK_MAX,      /* stopped after max names */
	NSECWALK_NSEC3,    /* the zone denies with NSEC3: only hashes were seen */
	NSECWALK_UNSIGNED, /* no NSEC or NSEC3 at all */
	NSECWALK_FAILED,   /* a broken chain or an odd answer: why says */
};

struct nsecwalk_name {
	char *owner, *next; /* presentation form, trailing dot */
	char *types;        /* the type bitmap: "A NS SOA ..." */
};

struct nsecwalk_hash {
	char *hash, *next;  /* base32hex, as the records print them */
	char *types;
	char *params;       /* "1 0 0 -": algorithm, flags, iterations, salt */
};

struct nsecwalk {
	enum nsecwalk_state state;
	ldns_rdf *qname;    /* the next question (owned) */
	ldns_rr_type qtype;
	struct nsecwalk_name *names;
	size_t nnames;
	struct nsecwalk_hash *hashes;
	size_t nhashes;
	size_t max;         /* names at most */
	size_t queries;     /* answers taken */
	char why[512];      /* NSECWALK_FAILED, NSECWALK_UNSIGNED: in plain words */
	/* private */
	ldns_rdf *zone, *cur;
	bool probing;       /* cur's NSEC is asked for with a name just after it */
	size_t cap, hcap;
};

/* Start a walk of zone (a name) listing at most max names.  0, or
 * DL_ERR_USAGE for a bad name.  Free with nsecwalk_free. */
int nsecwalk_init(struct nsecwalk *w, const char *zone, size_t max, struct dl_error *err);
void nsecwalk_free(struct nsecwalk *w);

/* The answer p (borrowed) to the question w->qname/w->qtype: returns the new
 * state; in NSECWALK_ASK, w->qname/qtype hold the next question. */
enum nsecwalk_state nsecwalk_take(struct nsecwalk *w, const ldns_pkt *p);

#endif
