/* rrtext.c: record parts as text (rrtext.h). */
#include "dns/rrtext.h"

#include <stdio.h>
#include <stdlib.h>

char *rdf_text(const ldns_rdf *rdf, char *buf, size_t len)
{
	char *s = rdf ? ldns_rdf2str(rdf) : NULL;
	snprintf(buf, len, "%s", s ? s : "?");
	free(s);
	return buf;
}

char *rrtype_text(ldns_rr_type t, char *buf, size_t len)
{
	char *s = ldns_rr_type2str(t);
	snprintf(buf, len, "%s", s ? s : "?");
	free(s);
	return buf;
}
