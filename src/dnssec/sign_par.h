/* sign_par.h: the RRSIGs of a large zone, made on several threads, and
 * optionally its text written in order while they are made (signer.c's
 * path for zones above SIGN_PAR_MIN_RRSETS RRsets). */
#ifndef DNSLAB_SIGN_PAR_H
#define DNSLAB_SIGN_PAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <ldns/ldns.h>

/* Zones with more RRsets than this are signed on threads; smaller ones by
 * ldns_dnssec_zone_sign on the calling thread, as before (the lab's zones at
 * startup).  DNSLAB_SIGN_PARALLEL_MIN in the environment overrides it (the
 * tests use it to sign small zones both ways and compare). */
#define SIGN_PAR_MIN_RRSETS 2000

/* More keys than this: ldns signs, on the calling thread. */
#define SIGN_PAR_MAX_KEYS 16

/* The threshold above, after the environment. */
size_t sign_par_min_rrsets(void);

/* Called on the calling thread, at most about ten times a second, while the
 * RRsets are signed: done of total RRsets (the NSEC/NSEC3 records count). */
typedef void (*sign_par_progress_fn)(void *arg, size_t done, size_t total);

struct sign_par_opts {
	FILE *out;                     /* NULL: sign only */
	const ldns_output_format *fmt; /* with out: as ldns_dnssec_zone_print_fmt */
	bool nsec;    /* make the NSEC chain too (as ldns_dnssec_zone_create_nsecs) */
	bool drop;    /* with out: free each name's RRSIGs and NSEC/NSEC3 once written */
	sign_par_progress_fn progress; /* NULL: none */
	void *progress_arg;
};

struct sign_par_stats {
	size_t signatures; /* RRSIGs made */
	size_t nsecs;      /* NSEC records made (with opts.nsec) */
};

/* Sign dz as ldns_dnssec_zone_create_rrsigs (ldns's default key use) would:
 * glue must be marked, and the NSEC3 chain built already (with NSEC3) or
 * no chain at all (with o->nsec, which makes the NSEC chain as
 * ldns_dnssec_zone_create_nsecs would, name by name on the threads).  Key
 * signing keys sign the DNSKEY, CDNSKEY and CDS RRsets (all keys when there
 * is no KSK), zone signing keys everything else (all keys when there is no
 * ZSK); at a delegation only DS and the NSEC/NSEC3 are signed; glue never.
 * The keys' inception and expiration must be set.  With o->out, the zone is
 * written there as ldns_dnssec_zone_print_fmt(out, o->fmt, dz) would write
 * it, byte for byte; with o->drop too, dz is left without its RRSIGs, NSECs
 * and NSEC3s (written and freed chunk by chunk: the memory of the signed
 * zone is never needed at once).  Returns LDNS_STATUS_OK or why signing
 * failed (what was made is then still owned by dz). */
ldns_status sign_par_run(ldns_dnssec_zone *dz, const ldns_key_list *keys, const struct sign_par_opts *o,
			 struct sign_par_stats *st);

#endif
