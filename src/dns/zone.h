/* zone.h: one authoritative zone loaded from a master file with ldns and
 * checked the way named-checkzone would, kept as an ldns_dnssec_zone (a tree
 * of names in canonical order, each with its RRsets and their signatures). */
#ifndef DNSLAB_ZONE_H
#define DNSLAB_ZONE_H

#include <ldns/ldns.h>

#include "util/err.h"

struct zone {
	ldns_rdf *origin;     /* owned */
	char *origin_str;     /* owned, presentation form */
	char *file;           /* owned */
	ldns_dnssec_zone *dz; /* owned; names, RRsets, signatures */
	const ldns_rr *soa;   /* borrowed from dz */
	uint32_t neg_ttl;     /* RFC 2308: min(SOA TTL, SOA MINIMUM) */
	size_t nrecords;
};

/* Load file as the zone origin (e.g. "example.test."). Errors are
 * "file:line: what is wrong" with DL_ERR_INPUT (DL_ERR_ENV if unreadable).
 * Caller frees *out with zone_free. */
int zone_load(const char *file, const char *origin, struct zone **out, struct dl_error *err);
void zone_free(struct zone *z);

/* A zone made from records already in an ldns zone (a zone the lab signed):
 * dz is taken over, checked for its SOA and apex NS, and completed with its
 * empty non-terminals.  file names the template it came from.  On error dz
 * is freed too. */
int zone_adopt(ldns_dnssec_zone *dz, const char *origin, const char *file, struct zone **out,
	       struct dl_error *err);

/* The node for name, or NULL (borrowed). Empty non-terminals exist as nodes
 * without RRsets. */
const ldns_dnssec_name *zone_find(const struct zone *z, const ldns_rdf *name);

/* The RRset of type t at node n, or NULL (borrowed). */
const ldns_dnssec_rrsets *zone_rrset(const ldns_dnssec_name *n, ldns_rr_type t);

/* The SOA for a negative answer (caller frees): TTL lowered to neg_ttl. */
ldns_rr *zone_negative_soa(const struct zone *z);

#endif
