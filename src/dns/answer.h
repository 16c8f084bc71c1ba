/* answer.h: the authoritative answer engine (RFC 1034 4.3.2, RFC 2308,
 * RFC 4592, RFC 6672-free).  It does no I/O: a question in, an ldns_pkt out,
 * so it can be tested with canned questions and no sockets. */
#ifndef DNSLAB_ANSWER_H
#define DNSLAB_ANSWER_H

#include <stdbool.h>

#include <ldns/ldns.h>

#include "dns/zone.h"

/* The zones one virtual server is authoritative for (borrowed pointers). */
struct zoneset {
	struct zone **zones;
	size_t n;
};

#define ANSWER_MAX_CNAME 8

/* The most specific zone of zs containing name, or NULL.  For a DS question
 * at a zone apex the parent side is chosen when this server has it too
 * (RFC 4035 3.1.4.1). */
const struct zone *answer_find_zone(const struct zoneset *zs, const ldns_rdf *name, ldns_rr_type t);

/* Build the response to (qname, qtype, qclass).  Sets QR, AA, rcode and the
 * answer, authority and additional sections; RRSIGs follow their RRsets when
 * dnssec_ok.  The caller adds the ID, question, RD/CD and EDNS.  Returns a
 * packet the caller frees with ldns_pkt_free, or NULL when out of memory. */
ldns_pkt *answer_build(const struct zoneset *zs, const ldns_rdf *qname, ldns_rr_type qtype,
		       ldns_rr_class qclass, bool dnssec_ok);

#endif
