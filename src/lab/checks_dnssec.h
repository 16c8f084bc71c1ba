/* checks_dnssec.h: the DNSSEC reading questions of the exercises (keytag,
 * rrsig, nsec-next, denial-count; docs/lab-format.md): their expected
 * answer, read from one response of a lab server asked with DO, and how a
 * student's answer is compared with it.
 *
 * No I/O here: checks.c asks the server (its own answer engine) and hands
 * the response over, so unit tests feed canned packets.  When several
 * values are right (two KSKs during a rollover, two RRSIGs over one RRset)
 * the expected answer lists them as "A or B", and any one of them passes. */
#ifndef DNSLAB_CHECKS_DNSSEC_H
#define DNSLAB_CHECKS_DNSSEC_H

#include <stdbool.h>

#include <ldns/ldns.h>

#include "lab/session.h"
#include "util/err.h"

/* True for the kinds this file answers. */
bool checks_dnssec_kind(enum check_kind k);

/* The type to ask the server for, with DO: DNSKEY for keytag, the check's
 * type for rrsig and denial-count, A for nsec-next. */
ldns_rr_type checks_dnssec_qtype(const struct check_spec *s);

/* The expected answer (*expected, caller frees) and the live records it
 * comes from, one per line (*quote, caller frees), read from p, the
 * response of s->server to (s->name, checks_dnssec_qtype(s)) with DO.
 * p is borrowed.  0, or DL_ERR_INPUT with what is missing in err (an
 * unsigned zone, a name that exists for nsec-next, an NSEC3 zone ...). */
int checks_dnssec_expect(const struct check_spec *s, const ldns_pkt *p, char **expected, char **quote,
			 struct dl_error *err);

/* Does answer equal expected (or one of its "A or B" values), in the forms
 * a student copies from dig: a time as YYYYMMDDHHMMSS or epoch seconds, an
 * algorithm as its number or mnemonic, a name with or without its dot? */
bool checks_dnssec_answer_ok(const struct check_spec *s, const char *expected, const char *answer);

#endif
