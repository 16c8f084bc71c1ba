/* dname.h: small questions about domain names (ldns rdfs of type DNAME)
 * that the resolver, the validator and the lab each asked with their own
 * copy of the same few lines. */
#ifndef DNSLAB_DNAME_H
#define DNSLAB_DNAME_H

#include <stdbool.h>
#include <stddef.h>

#include <ldns/ldns.h>

/* a and b are the same name (case does not matter, RFC 4343). */
bool dname_same(const ldns_rdf *a, const ldns_rdf *b);

/* name is zone or lies below it. */
bool dname_at_or_below(const ldns_rdf *name, const ldns_rdf *zone);

/* name in presentation form into buf ("?" for NULL), as ldns_rdf2str writes
 * it, without an allocation: names are turned into text on every step of
 * a resolution that is reported.  Returns buf. */
char *dname_text(const ldns_rdf *name, char *buf, size_t len);

#endif
