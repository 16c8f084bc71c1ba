/* valreport.h: what a DNSSEC validation found, link by link from the trust
 * anchor down to the answer, in plain data the views print (`dnslab
 * validate`, `dnslab chain`, their JSON) without knowing ldns. */
#ifndef DNSLAB_VALREPORT_H
#define DNSLAB_VALREPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 4035 4.3 security states. */
enum val_security {
	VAL_UNCHECKED = 0, /* not looked at (yet) */
	VAL_SECURE,        /* a chain of signatures leads to the trust anchor */
	VAL_INSECURE,      /* a signed proof says the chain ends (no DS) above */
	VAL_BOGUS,         /* it should verify and does not */
};

const char *val_security_name(enum val_security s); /* "secure" ... */

#define VALR_NAME 256
#define VALR_MAX_DS 8
#define VALR_MAX_KEYS 8
#define VALR_MAX_LINKS 16
#define VALR_MAX_SIGS 8
#define VALR_WHY 300

struct valr_ds {
	uint16_t tag;
	uint8_t alg;
	uint8_t digest_type;
	bool matched; /* some DNSKEY of the zone has this digest */
};

struct valr_key {
	uint16_t tag;
	uint8_t alg;
	uint16_t flags;   /* 257 KSK (SEP), 256 ZSK */
	bool matches_ds;  /* a DS (or the anchor) names this key */
	bool signed_keys; /* its RRSIG over the DNSKEY set verified */
};

/* One RRSIG and what became of it. */
struct valr_sig {
	char owner[VALR_NAME];
	uint16_t type_covered;
	uint16_t tag;
	uint8_t alg;
	char signer[VALR_NAME];
	uint32_t inception, expiration; /* epoch seconds, as in the record */
	bool verified;
};

/* One zone on the chain, from the root down. */
struct valr_link {
	char zone[VALR_NAME];
	enum val_security state;    /* of this zone's key set */
	bool anchor;                /* the DS set is the configured trust anchor */
	bool no_ds;                 /* the parent proved there is no DS: insecure from here */
	bool nta;                   /* a negative trust anchor (RFC 7646): not validated */
	double nta_until;           /* ... until this lab-clock time */
	char denial[8];             /* "NSEC" or "NSEC3": the kind of proof, when no_ds */
	struct valr_ds ds[VALR_MAX_DS];
	size_t nds;
	struct valr_key keys[VALR_MAX_KEYS];
	size_t nkeys;
	struct valr_sig key_sig;    /* the RRSIG over the DNSKEY set that was checked */
	bool has_key_sig;
	struct valr_sig ds_sig;     /* the parent's RRSIG over this zone's DS set */
	bool has_ds_sig;
	uint16_t ede;               /* RFC 8914 code when this link is broken */
	char why[VALR_WHY];         /* plain words when this link is broken */
};

struct val_report {
	char qname[VALR_NAME];
	uint16_t qtype;
	int rcode;                  /* of the answer: 0 NOERROR, 3 NXDOMAIN, 2 SERVFAIL */
	enum val_security verdict;
	uint16_t ede;               /* RFC 8914 code of a bogus verdict (6, 7, 9, 10 ...) */
	char why[VALR_WHY * 2];     /* the first broken link, in plain words */
	double now;                 /* the lab-clock time the windows were checked at */
	struct valr_link links[VALR_MAX_LINKS]; /* root first */
	size_t nlinks;
	struct valr_sig sigs[VALR_MAX_SIGS]; /* RRSIGs over the answer (or denial) */
	size_t nsigs;
	bool negative;              /* NXDOMAIN or NODATA */
	bool nta;                   /* insecure because of a negative trust anchor */
	char denial[8];             /* "NSEC", "NSEC3" or "" for a negative answer */
	unsigned validations;       /* signature checks spent (KeyTrap budget: 16) */
};

#endif
