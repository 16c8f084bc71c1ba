/* localroot.h: a verified local copy of the root zone for a hyperlocal root
 * (RFC 8806): built from a zone transfer, checked against the resolver's
 * trust anchor, and answering the queries the resolver would have sent to
 * a root server exactly as a root server would (dns/authserver.h).  No I/O:
 * hyperlocal.h fetches the transfer. */
#ifndef DNSLAB_LOCALROOT_H
#define DNSLAB_LOCALROOT_H

#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "dns/authserver.h"
#include "dns/zone.h"
#include "util/err.h"

struct localroot {
	struct zone *zone;       /* owned */
	struct authserver auth;  /* answers from zone */
	uint32_t serial, refresh, retry, expire;
	size_t nrecords;         /* records in the transfer */
	size_t nrrsets;          /* RRsets whose signatures were checked */
	size_t nsigs;            /* signatures that verified */
	size_t nglue;            /* delegation NS and glue records: unsigned by design */
	bool zonemd;             /* the zone has a ZONEMD record (RFC 8976) */
};

/* Check the records of a transfer of "." (rrs, borrowed: SOA first and
 * last) and keep them: the root DNSKEY set must match anchor (DS or DNSKEY
 * records) and be signed by the key it names, and every authoritative RRset
 * must carry a signature by a root key that verifies at now (lab-clock
 * seconds).  On success *out is the caller's (localroot_free).  On failure
 * err says what is wrong (DL_ERR_INPUT). */
int localroot_from_rrs(const ldns_rr_list *rrs, const ldns_rr_list *anchor, double now, struct localroot **out,
		       struct dl_error *err);

/* The same from an AXFR response message (one message: the lab's root
 * zone fits in one).  A multi-message transfer is reported as incomplete. */
int localroot_from_axfr(const uint8_t *msg, size_t len, const ldns_rr_list *anchor, double now,
			struct localroot **out, struct dl_error *err);

void localroot_free(struct localroot *lr);

/* The response a root server would give to query q[0..qlen), into out
 * (cap >= AUTHSERVER_MAX_MSG): its length, or 0 to drop it. */
size_t localroot_answer(struct localroot *lr, const uint8_t *q, size_t qlen, uint8_t *out, size_t cap);

#endif
