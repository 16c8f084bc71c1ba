/* signer.h: sign a zone file with ldns: the keys of a directory, KSK/ZSK
 * split, NSEC by default or NSEC3 with RFC 9276 parameters, written
 * atomically. */
#ifndef DNSLAB_SIGNER_H
#define DNSLAB_SIGNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "dnssec/keyroles.h"
#include "util/err.h"

struct signer_opts {
	const char *zonefile;
	const char *origin;   /* NULL: from the file name (example.test.zone) */
	const char *keydir;   /* NULL: the zone file's directory */
	const char *out;      /* NULL: zonefile + ".signed" */
	bool force;           /* replace an existing output */
	uint32_t inception;   /* epoch seconds */
	uint32_t expiration;
	bool nsec3;
	uint16_t iterations;  /* NSEC3: 0 (RFC 9276) */
	const char *salt;     /* NSEC3 salt in hex, NULL or "-" for none */
	const struct keyroles *roles; /* NULL: every key of the directory signs */
	/* Progress while a large zone (over SIGNER_PROGRESS_MIN_RECORDS
	 * records) is signed, at most about ten times a second, on the calling
	 * thread: done of total RRsets signed (NSEC/NSEC3 included).  NULL: none. */
	void (*progress)(void *arg, const char *zone, size_t done, size_t total);
	void *progress_arg;
};

#define SIGNER_PROGRESS_MIN_RECORDS 10000

struct signer_stats {
	size_t records_in, records_out, signatures;
	size_t keys;      /* that signed */
	size_t published; /* DNSKEYs in the zone, signing or not */
	char out[4096];
};

int signer_sign(const struct signer_opts *o, struct signer_stats *st, struct dl_error *err);

struct zone;

/* How signer_sign_zone signs: the validity window and the denial. */
struct sign_params {
	uint32_t inception, expiration; /* epoch seconds */
	bool nsec3;
	uint16_t iterations;
	uint8_t salt_len;
	const uint8_t *salt;
};

/* Sign the records of z (its own RRSIGs, NSEC and NSEC3 are dropped), plus
 * extra (borrowed: e.g. the DS records of signed children) and the DNSKEYs
 * in dnskeys, with keys.  *out (caller frees deep) is a new ldns zone with
 * the signatures and the NSEC or NSEC3 chain; *nsigs counts the RRSIGs.
 * Small zones (up to SIGN_PAR_MIN_RRSETS RRsets, sign_par.h) are signed by
 * ldns on the calling thread; larger ones on threads, with the same result
 * apart from the signature bytes. */
int signer_sign_zone(const struct zone *z, const ldns_rr_list *extra, ldns_key_list *keys,
		     const ldns_rr_list *dnskeys, const struct sign_params *p, ldns_dnssec_zone **out,
		     size_t *nsigs, struct dl_error *err);

#endif
