/* rrtext.h: parts of records as text into the caller's buffer, as ldns
 * prints them ("?" when there is nothing to print), for messages and
 * reports.  Names alone have the faster dname_text (dname.h). */
#ifndef DNSLAB_RRTEXT_H
#define DNSLAB_RRTEXT_H

#include <stddef.h>

#include <ldns/ldns.h>

/* Any rdf (a name, an address, ...) in presentation form.  Returns buf. */
char *rdf_text(const ldns_rdf *rdf, char *buf, size_t len);

/* A record type's mnemonic ("A", "TYPE65534").  Returns buf. */
char *rrtype_text(ldns_rr_type t, char *buf, size_t len);

#endif
