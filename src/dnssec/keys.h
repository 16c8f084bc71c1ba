/* keys.h: DNSSEC key pairs on disk, in BIND's file format as ldns writes
 * it: Kzone.+ALG+TAG.key (the DNSKEY record) and .private (mode 0600). */
#ifndef DNSLAB_KEYS_H
#define DNSLAB_KEYS_H

#include <stdbool.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "util/err.h"

/* "ecdsap256sha256" (13, the default), "ed25519" (15), "rsasha256" (8), or
 * the number.  Returns 0 or DL_ERR_USAGE. */
int keys_algorithm(const char *name, ldns_signing_algorithm *out);

/* Generate a key pair for zone (a KSK when ksk: flags 257, else a ZSK: 256)
 * and write it to dir.  Never replaces existing files unless force.  On
 * success base receives "dir/Kzone.+013+12345" and *dnskey (caller frees)
 * the DNSKEY record with ttl. */
int keys_generate(const char *zone, ldns_signing_algorithm alg, bool ksk, const char *dir, bool force,
		  uint32_t ttl, char *base, size_t base_len, ldns_rr **dnskey, struct dl_error *err);

/* Called for each record of a file, in order; takes ownership of rr.
 * Returns 0 to go on, 1 to stop, or a negative error (err filled). */
typedef int (*keys_record_fn)(void *arg, ldns_rr *rr, int line, struct dl_error *err);

/* Read the records of a file in zone-file syntax ($TTL, $ORIGIN, comments)
 * and hand each to take.  what prefixes the file in the can't-open message
 * ("the anchor file "); syntax errors are "path:line: reason". */
int keys_read_records(const char *path, const char *what, keys_record_fn take, void *arg, struct dl_error *err);

/* Read the first DNSKEY record of a .key file (or any zone file whose SEP
 * DNSKEY is wanted: with want_sep the first DNSKEY with flags 257).
 * Caller frees *out. */
int keys_read_dnskey(const char *path, bool want_sep, ldns_rr **out, struct dl_error *err);

/* Load every key pair for zone found in dir (Kzone.+*.key with its
 * .private).  *keys (caller frees with ldns_key_list_free) holds ready
 * signing keys; *dnskeys (caller frees deep) their DNSKEY records. */
int keys_load_dir(const char *dir, const ldns_rdf *zone, ldns_key_list **keys, ldns_rr_list **dnskeys,
		  struct dl_error *err);

#endif
