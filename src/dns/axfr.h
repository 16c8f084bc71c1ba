/* axfr.h: a zone transfer (RFC 5936) of one zone as one DNS message: the
 * SOA, every record of the zone with its signatures, the SOA again.  The
 * lab's zones are small, so one message over TCP (64 KiB) carries them. */
#ifndef DNSLAB_AXFR_H
#define DNSLAB_AXFR_H

#include <stdbool.h>

#include <ldns/ldns.h>

#include "dns/zone.h"

/* May this zone be transferred by anyone?  Only the root: several real root
 * servers allow AXFR of the root zone (RFC 8806 2), so that resolvers can
 * keep a local copy; every other lab zone refuses transfers. */
bool axfr_allowed(const struct zone *z);

/* The whole zone z in transfer order (SOA first and last): a list the caller
 * frees with ldns_rr_list_deep_free, or NULL when out of memory. */
ldns_rr_list *axfr_records(const struct zone *z);

#endif
