/* keycache.h: what the validator has learnt about zones, kept across
 * queries (Unbound's key cache): a zone whose DNSKEY set was proven secure,
 * with the keys; a zone proven insecure (no DS in a signed parent); a name
 * proven to be no zone cut.  Without it every answer from the cache would
 * cost the checks of the whole chain again.  Times are lab-clock seconds;
 * an entry lives as long as the shortest TTL it rests on, and never past
 * the signatures that made it. */
#ifndef DNSLAB_KEYCACHE_H
#define DNSLAB_KEYCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "dnssec/rrsig.h"

enum kc_state { KC_SECURE, KC_INSECURE, KC_NOT_A_CUT };

struct kc_entry {
	ldns_rdf *name;      /* owned, canonical */
	enum kc_state state;
	ldns_rr_list *keys;  /* KC_SECURE: the DNSKEY set, owned */
	char why[300];       /* KC_INSECURE: the reason, for the EDE text */
	uint16_t ede;
	double stored, expires;
};

#define KEYCACHE_SLOTS 256

/* Signatures already verified: a digest of each (DNSKEY, RRSIG, RRset)
 * whose signature checked out (rrsig_memo_key).  Verification is a pure
 * function of those bytes, so a second answer from the cache skips the
 * public-key operation (tens of microseconds) and keeps only the cheap
 * checks: the key still in a proven DNSKEY set, the validity window on the
 * lab clock.  A DNSKEY set fetched again without the key still fails, as a
 * cold check would.  Direct-mapped: a collision only costs a new check. */
#define SIGMEMO_SLOTS 4096

struct keycache {
	struct kc_entry e[KEYCACHE_SLOTS];
	size_t n;
	size_t hand; /* the next slot to reuse when full */
	uint8_t memo[SIGMEMO_SLOTS][32];
	uint8_t memo_used[SIGMEMO_SLOTS];
	struct rrsig_cache *rc; /* the checks' OpenSSL state, made on first use */
};

void keycache_init(struct keycache *kc);
void keycache_flush(struct keycache *kc);
/* Forget name and every name below it. */
void keycache_flush_below(struct keycache *kc, const ldns_rdf *name);

/* The live entry for name at now, or NULL (borrowed until the next put). */
const struct kc_entry *keycache_get(struct keycache *kc, const ldns_rdf *name, double now);

/* The OpenSSL state the checks reuse (rrsig.h), owned by kc and freed by
 * keycache_flush; NULL when out of memory (the checks then make their own). */
struct rrsig_cache *keycache_rrsig(struct keycache *kc);

/* Has the signature with this memo key (rrsig_memo_key) verified before? */
bool keycache_sig_known(const struct keycache *kc, const uint8_t key[32]);
void keycache_sig_remember(struct keycache *kc, const uint8_t key[32]);

/* Remember name (copied; keys copied too) until now + ttl. */
void keycache_put(struct keycache *kc, const ldns_rdf *name, enum kc_state state, const ldns_rr_list *keys,
		  uint16_t ede, const char *why, double now, double ttl);

#endif
