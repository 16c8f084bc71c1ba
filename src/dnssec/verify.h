/* verify.h: check a whole signed zone offline and report every problem with
 * its owner name and a plain-words reason (RFC 4033-4035, RFC 5155). */
#ifndef DNSLAB_VERIFY_H
#define DNSLAB_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <ldns/ldns.h>

#include "dns/zone.h"

struct verify_problem {
	const ldns_rdf *owner; /* borrowed */
	ldns_rr_type type;     /* 0 when about the name */
	const char *what;      /* short code: missing-rrsig, expired, bad-signature ... */
	const char *why;       /* plain words */
};

typedef void (*verify_report_fn)(void *arg, const struct verify_problem *p);

struct verify_stats {
	size_t names, rrsets, signatures, problems;
	bool nsec3;
};

/* Check zone z as of time at.  anchors (DS or DNSKEY records, may be NULL)
 * must match a key that signs the DNSKEY RRset.  Every problem goes to
 * report.  Returns the number of problems. */
size_t verify_zone(const struct zone *z, const ldns_rr_list *anchors, time_t at, verify_report_fn report,
		   void *arg, struct verify_stats *st);

#endif
