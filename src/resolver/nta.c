/* nta.c: negative trust anchors (nta.h).  A handful at most: a linear
 * scan is plenty. */
#include "resolver/nta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void nta_init(struct nta_list *l)
{
	memset(l, 0, sizeof *l);
}

void nta_free(struct nta_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		ldns_rdf_deep_free(l->e[i].name);
	memset(l, 0, sizeof *l);
}

static ldns_rdf *parse_name(const char *name)
{
	ldns_rdf *d = NULL;
	if (!name || !*name || ldns_str2rdf_dname(&d, name) != LDNS_STATUS_OK)
		return NULL;
	ldns_dname2canonical(d);
	return d;
}

static struct nta *find(struct nta_list *l, const ldns_rdf *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (ldns_dname_compare(l->e[i].name, name) == 0)
			return &l->e[i];
	return NULL;
}

const struct nta *nta_get(const struct nta_list *l, const char *name)
{
	ldns_rdf *d = parse_name(name);
	const struct nta *e = d ? find((struct nta_list *)l, d) : NULL;
	ldns_rdf_deep_free(d);
	return e;
}

int nta_add(struct nta_list *l, const char *name, double now, double seconds, struct dl_error *err)
{
	ldns_rdf *d = parse_name(name);
	if (!d)
		return dl_error_set(err, DL_ERR_USAGE, "'%s' is not a domain name", name ? name : "");
	if (ldns_dname_label_count(d) == 0) {
		ldns_rdf_deep_free(d);
		return dl_error_set(err, DL_ERR_USAGE,
				    "no negative trust anchor for the root: that would switch validation off");
	}
	if (seconds <= 0 || seconds > NTA_MAX_SECONDS) {
		ldns_rdf_deep_free(d);
		return dl_error_set(err, DL_ERR_USAGE,
				    "an NTA lasts from 1 s to 7 days (RFC 7646 8: keep it short and remove it "
				    "once the domain is fixed)");
	}
	struct nta *e = find(l, d);
	if (!e && l->n == NTA_MAX) {
		ldns_rdf_deep_free(d);
		return dl_error_set(err, DL_ERR_USAGE, "already %d negative trust anchors: remove one first", NTA_MAX);
	}
	if (e) {
		ldns_rdf_deep_free(d); /* renewed: a new lifetime from now */
	} else {
		e = &l->e[l->n++];
		e->name = d;
		char *s = ldns_rdf2str(d);
		snprintf(e->text, sizeof e->text, "%s", s ? s : name);
		free(s);
	}
	e->added = now;
	e->until = now + seconds;
	return 0;
}

static void drop(struct nta_list *l, size_t i)
{
	ldns_rdf_deep_free(l->e[i].name);
	l->e[i] = l->e[--l->n];
	memset(&l->e[l->n], 0, sizeof l->e[l->n]);
}

int nta_remove(struct nta_list *l, const char *name, struct dl_error *err)
{
	ldns_rdf *d = parse_name(name);
	if (!d)
		return dl_error_set(err, DL_ERR_USAGE, "'%s' is not a domain name", name ? name : "");
	struct nta *e = find(l, d);
	ldns_rdf_deep_free(d);
	if (!e)
		return dl_error_set(err, DL_ERR_USAGE, "there is no negative trust anchor for %s (nta list shows them)",
				    name);
	drop(l, (size_t)(e - l->e));
	return 0;
}

const struct nta *nta_covering(const struct nta_list *l, const ldns_rdf *name, double now)
{
	const struct nta *best = NULL;
	for (size_t i = 0; i < l->n; i++) {
		const struct nta *e = &l->e[i];
		if (e->until <= now || e->added > now + 1.0) /* ended, or the clock went back past its start */
			continue;
		if (ldns_dname_compare(name, e->name) != 0 && !ldns_dname_is_subdomain(name, e->name))
			continue;
		if (!best || ldns_dname_label_count(e->name) < ldns_dname_label_count(best->name))
			best = e;
	}
	return best;
}

size_t nta_expire(struct nta_list *l, double now, void (*gone)(void *arg, const struct nta *n), void *arg)
{
	size_t dropped = 0;
	for (size_t i = 0; i < l->n;) {
		if (l->e[i].until > now) {
			i++;
			continue;
		}
		if (gone)
			gone(arg, &l->e[i]);
		drop(l, i);
		dropped++;
	}
	return dropped;
}

const char *nta_time(double t, char *buf, size_t len)
{
	time_t s = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&s, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, len, "%.0f", t);
	return buf;
}
