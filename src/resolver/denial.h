/* denial.h: what NSEC and NSEC3 records prove (RFC 4035 5.4, RFC 5155 8),
 * once their signatures have been checked: that a name or a type does not
 * exist, that a wildcard answer was right to be made, or that a delegation
 * has no DS.  No crypto beyond the NSEC3 hashes, at most
 * DENIAL_MAX_NSEC3_HASHES per proof (CVE-2023-50868). */
#ifndef DNSLAB_DENIAL_H
#define DNSLAB_DENIAL_H

#include <stdbool.h>

#include <ldns/ldns.h>

#define DENIAL_MAX_NSEC3_HASHES 8

enum denial {
	DENIAL_OK,           /* proven */
	DENIAL_FAIL,         /* not proven */
	DENIAL_CUT_INSECURE, /* type DS: a delegation without DS (insecure below) */
	DENIAL_NOT_CUT,      /* type DS: the name exists but is no zone cut */
};

/* Do nsecs (all NSEC or all NSEC3, of zone) prove that (name, type) does
 * not exist, NXDOMAIN (nxdomain) or NODATA?  *hash_limit is set when the
 * NSEC3 proof needed more hashes than allowed. */
enum denial denial_check(const ldns_rr_list *nsecs, const ldns_rdf *zone, const ldns_rdf *name, ldns_rr_type type,
			 bool nxdomain, bool *hash_limit);

/* A wildcard answer for owner, whose RRSIG has labels labels: do nsecs
 * prove that no closer name exists (RFC 4035 5.3.4, RFC 5155 8.8)? */
bool denial_wildcard_ok(const ldns_rr_list *nsecs, const ldns_rdf *zone, const ldns_rdf *owner, unsigned labels,
			bool *hash_limit);

#endif
