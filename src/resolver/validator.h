/* validator.h: DNSSEC validation of a resolution's outcome (RFC 4033-4035,
 * RFC 5155), as a state machine with no I/O, like the iterator.
 *
 * The chain of trust is built top-down from the trust anchor: for each name
 * between a secure zone and the signer of the data, the DS RRset (or the
 * signed proof that there is none) is fetched and checked, then the child's
 * DNSKEY RRset against it.  The driver runs the fetches the validator asks
 * for (VAL_ACT_FETCH) with the iterator and hands back each outcome.
 *
 * Limits against KeyTrap (CVE-2023-50387, CVE-2023-50868): 8 signature
 * checks per RRset, 16 per validation, 8 NSEC3 hashes per proof; NSEC3 with
 * more than 50 iterations is treated as insecure (RFC 9276 3.2). */
#ifndef DNSLAB_VALIDATOR_H
#define DNSLAB_VALIDATOR_H

#include <stdbool.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "resolver/denial.h"
#include "resolver/iter.h"
#include "resolver/valreport.h"

#define VAL_MAX_PER_RRSET 8
#define VAL_MAX_PER_QUERY 16
#define VAL_MAX_NSEC3_HASHES DENIAL_MAX_NSEC3_HASHES
#define VAL_MAX_NSEC3_ITERATIONS 50

/* RFC 8914 codes the validator gives. */
#define EDE_DNSSEC_BOGUS 6
#define EDE_SIG_EXPIRED 7
#define EDE_SIG_NOT_YET_VALID 8
#define EDE_DNSKEY_MISSING 9
#define EDE_RRSIGS_MISSING 10
#define EDE_NO_ZONE_KEY_BIT 11
#define EDE_NSEC_MISSING 12
#define EDE_NSEC3_ITERATIONS 27

struct validator;

/* anchor: DS (or DNSKEY) records for "." (borrowed, copied); NULL or empty
 * means no trust anchor, so everything is insecure.  now: lab-clock seconds
 * for the signature windows. */
struct validator *validator_new(const ldns_rr_list *anchor, double now);
void validator_free(struct validator *v);

struct keycache;
/* Use and fill kc (borrowed): zones and cuts proven by earlier validations
 * are not proven again while they live.  The report then lists such a zone
 * without the details of how it was proven. */
void validator_use_keycache(struct validator *v, struct keycache *kc);

struct nta_list;
/* Consult l (borrowed, may be NULL): below a live negative trust anchor
 * (RFC 7646) the chain of trust ends, insecure, as if the parent had
 * proven that there is no DS; the key cache is not used there. */
void validator_use_nta(struct validator *v, const struct nta_list *l);

/* What to validate: the outcome of resolving (qname, qtype), with the
 * answer's RRSIGs in answer and the SOA, NSEC/NSEC3 and their RRSIGs in
 * authority (borrowed, copied). */
int validator_start(struct validator *v, const ldns_rdf *qname, ldns_rr_type qtype, ldns_pkt_rcode rcode,
		    const ldns_rr_list *answer, const ldns_rr_list *authority);

enum val_action { VAL_ACT_FETCH, VAL_ACT_DONE };

struct val_fetch {
	const ldns_rdf *name; /* borrowed until the next validator_* call */
	ldns_rr_type type;    /* DS or DNSKEY */
};

enum val_action validator_run(struct validator *v, struct val_fetch *out);
/* The outcome of the last fetch asked for (borrowed, copied). */
void validator_on_fetch(struct validator *v, const struct iter_result *r);

/* The verdict once validator_run returned VAL_ACT_DONE: ede and why are
 * set for a bogus one (why borrowed from v). */
enum val_security validator_verdict(const struct validator *v, uint16_t *ede, const char **why);
const struct val_report *validator_report(const struct validator *v);

/* Is this RR one a DO=0 client must not see (RFC 4035 3.2.1)? */
bool validator_is_dnssec_rr(const ldns_rr *rr);

#endif
