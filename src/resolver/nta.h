/* nta.h: negative trust anchors (RFC 7646): domains an operator told the
 * resolver not to validate for a while, because their DNSSEC is broken by
 * mistake and the operator has checked that it is not an attack.  Data at
 * or below an NTA is treated as insecure (no AD, no SERVFAIL) until the
 * NTA's expiry on the lab clock; then the domain validates (bogus) again.
 * No I/O; times are lab-clock seconds passed in by the caller. */
#ifndef DNSLAB_NTA_H
#define DNSLAB_NTA_H

#include <stdbool.h>
#include <stddef.h>

#include <ldns/ldns.h>

#include "util/err.h"

#define NTA_MAX 32
#define NTA_DEFAULT_SECONDS 3600.0     /* RFC 7646 8: short, e.g. an hour */
#define NTA_MAX_SECONDS (7 * 86400.0)  /* RFC 7646 8: a week at most */

struct nta {
	ldns_rdf *name;  /* owned, lower case */
	char text[256];  /* presentation form, trailing dot */
	double added, until;
};

struct nta_list {
	struct nta e[NTA_MAX];
	size_t n;
};

void nta_init(struct nta_list *l);
void nta_free(struct nta_list *l);

/* Add (or renew) an NTA for name (presentation form) lasting seconds from
 * now.  The root cannot have one (that would turn validation off).  0, or
 * DL_ERR_USAGE with the reason in err. */
int nta_add(struct nta_list *l, const char *name, double now, double seconds, struct dl_error *err);

/* The NTA for exactly name (presentation form), live or not, or NULL. */
const struct nta *nta_get(const struct nta_list *l, const char *name);

/* Remove the NTA for name: 0, or DL_ERR_USAGE when there is none. */
int nta_remove(struct nta_list *l, const char *name, struct dl_error *err);

/* The live NTA at or above name at now (the highest one), or NULL
 * (borrowed until the list changes). */
const struct nta *nta_covering(const struct nta_list *l, const ldns_rdf *name, double now);

/* Drop the NTAs that have ended at now, calling gone(arg, nta) for each
 * before it is freed.  Returns how many were dropped. */
size_t nta_expire(struct nta_list *l, double now, void (*gone)(void *arg, const struct nta *n), void *arg);

/* "2026-11-25 10:00:00 UTC" for a lab-clock time. */
const char *nta_time(double t, char *buf, size_t len);

#endif
