/* cache.h: the resolver's cache of RRsets and negative answers, keyed by
 * name, type and class, with TTLs counted down on the lab clock so that a
 * clock jump ages every entry at once (RFC 1035 7.4, RFC 2181 5.4.1,
 * RFC 2308).  No I/O; times are lab-clock seconds passed in by the caller. */
#ifndef DNSLAB_CACHE_H
#define DNSLAB_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

/* How much a cached RRset is believed (RFC 2181 5.4.1), lowest first.  Data
 * is only replaced by data at least as trustworthy. */
enum cache_trust {
	CACHE_TRUST_GLUE = 1,      /* additional section, glue from a referral */
	CACHE_TRUST_REFERRAL = 2,  /* authority section of a non-authoritative answer */
	CACHE_TRUST_ANSWER = 3,    /* answer section of a non-authoritative answer */
	CACHE_TRUST_AUTH = 4,      /* answer section with AA=1 */
};

enum cache_kind {
	CACHE_POSITIVE,  /* rrs is the RRset */
	CACHE_NXDOMAIN,  /* the name does not exist (any type); rrs holds the SOA */
	CACHE_NODATA,    /* the name exists, not this type; rrs holds the SOA */
};

struct cache_entry {
	enum cache_kind kind;
	enum cache_trust trust;
	ldns_rr_list *rrs;    /* owned by the cache */
	ldns_rr_list *sigs;   /* RRSIGs covering rrs, owned; may be empty */
	ldns_rr_list *proof;  /* a wildcard answer's NSEC/NSEC3 proof, owned, or NULL */
	ldns_rdf *name;       /* owned, lowercased */
	ldns_rr_type type;    /* 0 for NXDOMAIN entries */
	ldns_rr_class klass;
	double stored;        /* lab clock when stored */
	double expires;       /* lab clock when it stops being served */
	uint32_t ttl;         /* TTL when stored */
	struct cache_entry *next; /* hash chain */
};

struct cache {
	struct cache_entry **buckets;
	size_t nbuckets;
	size_t count;
	size_t max_entries;
	uint64_t hits, misses;
	size_t hand;          /* eviction clock hand: next bucket to evict from */
	double sweep_at;      /* no entry expires before this, so a full table
			       * skips the expiry sweep until then */
};

/* Negative answers carry this trust: a positive RRset removes or replaces
 * an NXDOMAIN or NODATA entry only when at least this trusted, so glue and
 * referral data never undo an authoritative "does not exist". */
#define CACHE_TRUST_NEGATIVE CACHE_TRUST_ANSWER

/* max_entries bounds memory; 0 means 100000.  Returns 0 or DL_ERR_NOMEM. */
int cache_init(struct cache *c, size_t max_entries);
void cache_free(struct cache *c);
void cache_flush(struct cache *c);
/* Remove every entry for name and the names below it (the subtree an
 * operator changed the trust in).  Returns how many went. */
size_t cache_flush_below(struct cache *c, const ldns_rdf *name);

/* The live entry for (name, type, class) at lab time now, or NULL.  An
 * NXDOMAIN entry for name answers every type.  Expired entries are removed
 * on the way.  Borrowed until the next put/flush/expire. */
const struct cache_entry *cache_get(struct cache *c, const ldns_rdf *name, ldns_rr_type type,
				    ldns_rr_class klass, double now);

/* Seconds left for e at now, rounded down (so a cached answer reads one
 * second lower as soon as any time has passed), never below 0. */
uint32_t cache_ttl_left(const struct cache_entry *e, double now);

/* Store a copy of an RRset (all records share owner, type and class; the
 * TTL stored is the smallest of them).  sigs may be NULL.  Ignored when an
 * existing live entry is more trusted.  Returns 0, or DL_ERR_NOMEM/DL_ERR_INPUT. */
int cache_put_rrset(struct cache *c, const ldns_rr_list *rrset, const ldns_rr_list *sigs,
		    enum cache_trust trust, double now);

/* Store a negative answer for (name, type): kind is CACHE_NXDOMAIN (type
 * ignored) or CACHE_NODATA.  soa is copied; the TTL is min(SOA TTL, SOA
 * MINIMUM) as RFC 2308 5 says.  proof (may be NULL) is the rest of the
 * authority section that a validator needs again: the RRSIG over the SOA,
 * the NSEC or NSEC3 records and their RRSIGs; it is kept in the entry's
 * sigs. */
int cache_put_negative(struct cache *c, const ldns_rdf *name, ldns_rr_type type, ldns_rr_class klass,
		       enum cache_kind kind, const ldns_rr *soa, const ldns_rr_list *proof, double now);

/* Further rules for the two puts above (RFC 2181 5.4.1, RFC 2308 5):
 * - Input is borrowed and deep-copied; nothing is stored on DL_ERR_INPUT.
 * - sigs, when given, must all be RRSIGs with the RRset's owner and class
 *   covering its type, else DL_ERR_INPUT.  The stored sigs list is never
 *   NULL (empty when none were given).
 * - A TTL of 0, or one with the top bit set (RFC 2181 8), is not cached:
 *   the put returns 0 and changes nothing.
 * - An RRset or NODATA put removes the name's live NXDOMAIN entry when at
 *   least as trusted as it, and is ignored otherwise.  An NXDOMAIN stored
 *   after a positive entry hides it from cache_get while at least as
 *   trusted.
 * - When the table holds max_entries, expired entries are swept first and
 *   then one entry is evicted, so a put always stores its entry. */

/* Keep proof (copied) with the live positive entry for (name, type): the
 * authority records of a wildcard answer, which a validator needs each time
 * the answer is given out.  0, or DL_ERR_NOMEM. */
int cache_attach_proof(struct cache *c, const ldns_rdf *name, ldns_rr_type type, ldns_rr_class klass,
		       const ldns_rr_list *proof, double now);

/* Call fn for every live entry (in no particular order).  fn must not
 * change the cache. */
void cache_walk(struct cache *c, double now, void (*fn)(void *arg, const struct cache_entry *e),
		void *arg);

#endif
