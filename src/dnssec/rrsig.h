/* rrsig.h: checking one RRSIG over an RRset with one DNSKEY, fast for the
 * lab's algorithm.  ldns_verify_rrsig_keylist_time builds an OpenSSL key
 * from the DNSKEY's rdata for every signature; here a key is prepared once
 * and reused, which is what both `dnslab verify` (a whole zone) and the
 * resolver's validator (a few keys, many answers) need. */
#ifndef DNSLAB_RRSIG_H
#define DNSLAB_RRSIG_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <ldns/ldns.h>
#include <openssl/evp.h>

struct rrsig_key {
	const ldns_rr *dnskey; /* borrowed */
	uint16_t tag;
	uint8_t alg;
	uint16_t flags;
	EVP_PKEY *pkey;        /* owned; NULL when ldns does the work */
	bool prepared;         /* pkey made (or not needed) */
};

/* Prepare dnskey (borrowed: it must outlive k).  0, or -1 when it is not a
 * DNSKEY. */
int rrsig_key_init(struct rrsig_key *k, const ldns_rr *dnskey);
void rrsig_key_clear(struct rrsig_key *k);

/* As rrsig_key_init, without the OpenSSL key: a validator that answers
 * from its memo of verified signatures (keycache.h) mostly never needs it,
 * and importing an EC key costs as much as a check.  rrsig_key_prepare
 * makes it before the first rrsig_verify. */
int rrsig_key_init_deferred(struct rrsig_key *k, const ldns_rr *dnskey);
void rrsig_key_prepare(struct rrsig_key *k);

/* Does sig (an RRSIG over set, whose records share owner and type) verify
 * with k at time at (RFC 4034 3.1.5 serial arithmetic on the window)?
 * LDNS_STATUS_OK, or the ldns status saying why not
 * (LDNS_STATUS_CRYPTO_SIG_EXPIRED, ..._NOT_INCEPTED, ..._BOGUS ...). */
ldns_status rrsig_verify(const ldns_rr_list *set, const ldns_rr *sig, const struct rrsig_key *k, time_t at);

/* The memo key of a check: SHA-256 over everything the verification reads
 * (the DNSKEY's rdata, the whole RRSIG rdata with its signature, and each
 * record's owner, type, class and rdata; not the TTLs, which the RRSIG's
 * original TTL replaces), so equal keys mean an equal outcome.  0, or -1
 * (out of memory: just check). */
int rrsig_memo_key(const ldns_rr_list *set, const ldns_rr *sig, const ldns_rr *dnskey, uint8_t out[32]);

/* For many checks on one thread (`dnslab verify` makes one per thread): the
 * OpenSSL verification context of each key, made on first use and kept,
 * the digest context, and the buffers the signed data is assembled in.
 * rrsig_verify makes and frees all of that for every call, as ldns does;
 * with thousands of signatures that is several microseconds each.  A cache
 * belongs to one thread at a time.  It holds a reference to each key it has
 * seen, so it may outlive the rrsig_key (rrsig_key_clear is safe). */
struct rrsig_cache;
struct rrsig_cache *rrsig_cache_new(void);
void rrsig_cache_free(struct rrsig_cache *c);

/* rrsig_verify, with c's prepared state (NULL: none, as rrsig_verify). */
ldns_status rrsig_verify_cached(struct rrsig_cache *c, const ldns_rr_list *set, const ldns_rr *sig,
				const struct rrsig_key *k, time_t at);

#endif
