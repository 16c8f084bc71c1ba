/* dname.c: domain name helpers (dname.h). */
#include "dns/dname.h"

#include <ctype.h>
#include <stdio.h>

bool dname_same(const ldns_rdf *a, const ldns_rdf *b)
{
	return ldns_dname_compare(a, b) == 0;
}

bool dname_at_or_below(const ldns_rdf *name, const ldns_rdf *zone)
{
	return dname_same(name, zone) || ldns_dname_is_subdomain(name, zone);
}

/* Append c to buf at *o, escaped the way ldns_rdf2buffer_str_dname does:
 * \X for the characters that mean something in a zone file, \DDD for
 * anything not printable.  Stops (leaving room for the NUL) when full. */
static void put_char(char *buf, size_t len, size_t *o, unsigned char c)
{
	char tmp[5];
	int n;
	if (c == '.' || c == ';' || c == '(' || c == ')' || c == '\\')
		n = snprintf(tmp, sizeof tmp, "\\%c", c);
	else if (!(isascii(c) && isgraph(c)))
		n = snprintf(tmp, sizeof tmp, "\\%03u", (unsigned)c);
	else
		n = (tmp[0] = (char)c, 1);
	for (int i = 0; i < n && *o + 1 < len; i++)
		buf[(*o)++] = tmp[i];
}

char *dname_text(const ldns_rdf *name, char *buf, size_t len)
{
	if (!len)
		return buf;
	size_t o = 0;
	if (!name || ldns_rdf_get_type(name) != LDNS_RDF_TYPE_DNAME || !ldns_rdf_size(name)) {
		snprintf(buf, len, "?");
		return buf;
	}
	const uint8_t *p = ldns_rdf_data(name), *end = p + ldns_rdf_size(name);
	if (*p == 0) {
		snprintf(buf, len, ".");
		return buf;
	}
	while (p < end && *p) {
		size_t l = *p++;
		for (size_t i = 0; i < l && p < end; i++)
			put_char(buf, len, &o, *p++);
		if (o + 1 < len)
			buf[o++] = '.';
	}
	buf[o] = '\0';
	return buf;
}
