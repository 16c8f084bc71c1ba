/* nsecwalk.c: zone walking, without the I/O (nsecwalk.h). */
#include "dnssec/nsecwalk.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The NSEC3 probe: a name the walk asks for once, to see an NXDOMAIN proof
 * (its hashes) as well as the apex's own NSEC3. */
#define NSEC3_PROBE_LABEL "dnslab-walk-probe"

static char *str_of(const ldns_rdf *r)
{
	char *s = r ? ldns_rdf2str(r) : NULL;
	if (s) { /* ldns ends a bitmap with a blank */
		size_t n = strlen(s);
		while (n && s[n - 1] == ' ')
			s[--n] = '\0';
	}
	return s;
}

int nsecwalk_init(struct nsecwalk *w, const char *zone, size_t max, struct dl_error *err)
{
	memset(w, 0, sizeof *w);
	if (ldns_str2rdf_dname(&w->zone, zone) != LDNS_STATUS_OK) {
		w->zone = NULL;
		return dl_error_set(err, DL_ERR_USAGE, "'%s' is not a valid zone name", zone);
	}
	ldns_dname2canonical(w->zone);
	w->cur = ldns_rdf_clone(w->zone);
	w->qname = ldns_rdf_clone(w->zone);
	if (!w->cur || !w->qname) {
		nsecwalk_free(w);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	w->qtype = LDNS_RR_TYPE_NSEC;
	w->max = max;
	w->state = NSECWALK_ASK;
	return 0;
}

void nsecwalk_free(struct nsecwalk *w)
{
	for (size_t i = 0; i < w->nnames; i++) {
		free(w->names[i].owner);
		free(w->names[i].next);
		free(w->names[i].types);
	}
	free(w->names);
	for (size_t i = 0; i < w->nhashes; i++) {
		free(w->hashes[i].hash);
		free(w->hashes[i].next);
		free(w->hashes[i].types);
		free(w->hashes[i].params);
	}
	free(w->hashes);
	ldns_rdf_deep_free(w->zone);
	ldns_rdf_deep_free(w->cur);
	ldns_rdf_deep_free(w->qname);
	memset(w, 0, sizeof *w);
}

static enum nsecwalk_state fail(struct nsecwalk *w, enum nsecwalk_state st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum nsecwalk_state fail(struct nsecwalk *w, enum nsecwalk_state st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->why, sizeof w->why, fmt, ap);
	va_end(ap);
	return w->state = st;
}

static void ask(struct nsecwalk *w, ldns_rdf *qname, ldns_rr_type qtype)
{
	ldns_rdf_deep_free(w->qname);
	w->qname = qname;
	w->qtype = qtype;
}

/* The first name after every name at or below d in canonical order:
 * d's first label with a zero octet added ("shop" -> "shop\000"), as
 * ldns-walk asks.  NULL when the label is already 63 octets long. */
static ldns_rdf *name_after_subtree(const ldns_rdf *d)
{
	const uint8_t *data = ldns_rdf_data(d);
	size_t size = ldns_rdf_size(d);
	uint8_t len = data[0];
	if (len == 0 || len >= 63 || size + 1 > LDNS_MAX_DOMAINLEN)
		return NULL;
	uint8_t buf[LDNS_MAX_DOMAINLEN + 1];
	buf[0] = (uint8_t)(len + 1);
	memcpy(buf + 1, data + 1, len);
	buf[len + 1] = 0;
	memcpy(buf + len + 2, data + len + 1, size - len - 1);
	return ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, size + 1, buf);
}

static bool grow(void **arr, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return true;
	size_t c = *cap ? *cap * 2 : 16;
	void *a = realloc(*arr, c * size);
	if (!a)
		return false;
	*arr = a;
	*cap = c;
	return true;
}

static void keep_hash(struct nsecwalk *w, const ldns_rr *rr)
{
	/* An empty non-terminal's NSEC3 has no type bitmap at all. */
	if (ldns_rr_rd_count(rr) < 5)
		return;
	ldns_rdf *label = ldns_dname_label(ldns_rr_owner(rr), 0);
	char *hash = str_of(label);
	ldns_rdf_deep_free(label);
	if (!hash)
		return;
	hash[strcspn(hash, ".")] = '\0';
	for (size_t i = 0; i < w->nhashes; i++)
		if (!strcasecmp(w->hashes[i].hash, hash)) {
			free(hash);
			return;
		}
	if (!grow((void **)&w->hashes, &w->hcap, w->nhashes, sizeof *w->hashes)) {
		free(hash);
		return;
	}
	char *a = str_of(ldns_rr_rdf(rr, 0)), *f = str_of(ldns_rr_rdf(rr, 1)), *it = str_of(ldns_rr_rdf(rr, 2)),
	     *salt = str_of(ldns_rr_rdf(rr, 3));
	struct nsecwalk_hash *h = &w->hashes[w->nhashes++];
	h->hash = hash;
	h->next = str_of(ldns_rr_rdf(rr, 4));
	h->types = ldns_rr_rd_count(rr) > 5 ? str_of(ldns_rr_rdf(rr, 5)) : strdup("");
	if (asprintf(&h->params, "%s %s %s %s", a ? a : "?", f ? f : "?", it ? it : "?", salt ? salt : "?") < 0)
		h->params = NULL;
	free(a);
	free(f);
	free(it);
	free(salt);
}

/* The NSEC owned by name in p, or NULL. */
static const ldns_rr *nsec_of(const ldns_pkt *p, const ldns_rdf *name, size_t *nsec, size_t *nsec3)
{
	const ldns_rr *found = NULL;
	const ldns_rr_list *secs[] = { ldns_pkt_answer(p), ldns_pkt_authority(p) };
	for (size_t s = 0; s < 2; s++)
		for (size_t i = 0; i < ldns_rr_list_rr_count(secs[s]); i++) {
			const ldns_rr *rr = ldns_rr_list_rr(secs[s], i);
			ldns_rr_type t = ldns_rr_get_type(rr);
			*nsec += t == LDNS_RR_TYPE_NSEC;
			*nsec3 += t == LDNS_RR_TYPE_NSEC3;
			if (t == LDNS_RR_TYPE_NSEC && !found && ldns_rr_rd_count(rr) >= 2 &&
			    ldns_dname_compare(ldns_rr_owner(rr), name) == 0)
				found = rr;
		}
	return found;
}

static void keep_hashes(struct nsecwalk *w, const ldns_pkt *p)
{
	const ldns_rr_list *secs[] = { ldns_pkt_answer(p), ldns_pkt_authority(p) };
	for (size_t s = 0; s < 2; s++)
		for (size_t i = 0; i < ldns_rr_list_rr_count(secs[s]); i++)
			if (ldns_rr_get_type(ldns_rr_list_rr(secs[s], i)) == LDNS_RR_TYPE_NSEC3)
				keep_hash(w, ldns_rr_list_rr(secs[s], i));
}

enum nsecwalk_state nsecwalk_take(struct nsecwalk *w, const ldns_pkt *p)
{
	if (w->state != NSECWALK_ASK)
		return w->state;
	w->queries++;
	char *cur = str_of(w->cur), *q = str_of(w->qname);
	char rc_name[16] = "";
	ldns_pkt_rcode rc = ldns_pkt_get_rcode(p);
	enum nsecwalk_state st = NSECWALK_ASK;
	size_t nsec = 0, nsec3 = 0;
	const ldns_rr *rr = nsec_of(p, w->cur, &nsec, &nsec3);
	if (rc != LDNS_RCODE_NOERROR && rc != LDNS_RCODE_NXDOMAIN) {
		const ldns_lookup_table *t = ldns_lookup_by_id(ldns_rcodes, (int)rc);
		snprintf(rc_name, sizeof rc_name, "%s", t ? t->name : "an error");
		st = fail(w, NSECWALK_FAILED, "the server answered %s for %s: is it authoritative for the zone?",
			  rc_name, q ? q : "?");
	} else if (nsec3 && !nsec) {
		/* Hashes only: look once at an NXDOMAIN proof too, then stop. */
		keep_hashes(w, p);
		ldns_rdf *probe = ldns_dname_new_frm_str(NSEC3_PROBE_LABEL);
		if (!w->probing && probe && ldns_dname_cat(probe, w->zone) == LDNS_STATUS_OK) {
			w->probing = true;
			ask(w, probe, LDNS_RR_TYPE_A);
			probe = NULL;
		} else {
			st = w->state = NSECWALK_NSEC3;
		}
		ldns_rdf_deep_free(probe);
	} else if (!rr && !w->nnames && !nsec) {
		st = fail(w, NSECWALK_UNSIGNED, "no NSEC or NSEC3 came back for %s: the zone is not signed, or the "
						"server does not serve it",
			  q ? q : "?");
	} else if (!rr && !w->probing) {
		/* At a zone cut the parent refers NSEC questions to the child:
		 * ask for a name just after the cut's subtree, whose NXDOMAIN
		 * proof is the cut's own NSEC. */
		ldns_rdf *after = name_after_subtree(w->cur);
		if (after) {
			w->probing = true;
			ask(w, after, LDNS_RR_TYPE_A);
		} else {
			st = fail(w, NSECWALK_FAILED, "no NSEC for %s, and its first label is too long to ask past it",
				  cur ? cur : "?");
		}
	} else if (!rr) {
		st = fail(w, NSECWALK_FAILED, "the server gave no NSEC for %s, neither asked directly nor past it",
			  cur ? cur : "?");
	} else if (!grow((void **)&w->names, &w->cap, w->nnames, sizeof *w->names)) {
		st = fail(w, NSECWALK_FAILED, "out of memory");
	} else {
		const ldns_rdf *next = ldns_rr_rdf(rr, 0);
		struct nsecwalk_name *n = &w->names[w->nnames++];
		n->owner = str_of(ldns_rr_owner(rr));
		n->next = str_of(next);
		n->types = str_of(ldns_rr_rdf(rr, 1));
		w->probing = false;
		if (ldns_dname_compare(next, w->zone) == 0)
			st = w->state = NSECWALK_DONE;
		else if (!ldns_dname_is_subdomain(next, w->zone))
			st = fail(w, NSECWALK_FAILED, "the NSEC of %s names %s next, outside the zone", n->owner,
				  n->next ? n->next : "?");
		else if (ldns_dname_compare(next, w->cur) <= 0)
			st = fail(w, NSECWALK_FAILED,
				  "the NSEC of %s names %s next, which comes before it: the chain is broken", n->owner,
				  n->next ? n->next : "?");
		else if (w->nnames >= w->max)
			st = w->state = NSECWALK_MAX;
		else {
			ldns_rdf *c = ldns_rdf_clone(next), *qn = ldns_rdf_clone(next);
			if (!c || !qn) {
				ldns_rdf_deep_free(c);
				ldns_rdf_deep_free(qn);
				st = fail(w, NSECWALK_FAILED, "out of memory");
			} else {
				ldns_dname2canonical(c);
				ldns_rdf_deep_free(w->cur);
				w->cur = c;
				ask(w, qn, LDNS_RR_TYPE_NSEC);
			}
		}
	}
	free(cur);
	free(q);
	return w->state = st;
}
