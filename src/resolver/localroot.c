/* localroot.c: the hyperlocal root's verified copy (localroot.h).
 *
 * RFC 8806 2 asks the resolver to check a copy of the root zone before
 * using it, with ZONEMD (RFC 8976) or with DNSSEC.  The lab's root has no
 * ZONEMD, so every RRset the root is authoritative for must carry a valid
 * signature by a root key, and the root keys must chain to the trust
 * anchor.  Delegation NS sets and glue are not signed in any zone (RFC 4035
 * 2.2): they are counted, not checked, as a validator would not trust them
 * either. */
#include "resolver/localroot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dname.h"
#include "dnssec/rrsig.h"

#define MAX_ROOT_KEYS 16

void localroot_free(struct localroot *lr)
{
	if (!lr)
		return;
	authserver_free(&lr->auth);
	zone_free(lr->zone);
	free(lr);
}

static ldns_rr_list *rrs_list(const ldns_dnssec_rrs *r)
{
	ldns_rr_list *l = ldns_rr_list_new();
	for (; l && r; r = r->next)
		ldns_rr_list_push_rr(l, r->rr); /* borrowed: freed with ldns_rr_list_free */
	return l;
}


/* Does some signature in sigs over set verify with one of keys at at? */
static bool signed_by(const ldns_rr_list *set, const ldns_dnssec_rrs *sigs, const struct rrsig_key *keys, size_t nkeys,
		      time_t at, ldns_status *last)
{
	*last = LDNS_STATUS_CRYPTO_NO_RRSIG;
	for (; sigs; sigs = sigs->next) {
		uint16_t tag = ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sigs->rr));
		for (size_t k = 0; k < nkeys; k++) {
			if (keys[k].tag != tag)
				continue;
			*last = rrsig_verify(set, sigs->rr, &keys[k], at);
			if (*last == LDNS_STATUS_OK)
				return true;
		}
	}
	return false;
}

/* The root DNSKEY set, checked against the anchor: keys prepared in k. */
static int root_keys(const struct zone *z, const ldns_rr_list *anchor, time_t at, struct rrsig_key *k, size_t *nk,
		     struct dl_error *err)
{
	const ldns_dnssec_rrsets *set = zone_rrset(zone_find(z, z->origin), LDNS_RR_TYPE_DNSKEY);
	if (!set)
		return dl_error_set(err, DL_ERR_INPUT, "the copy has no DNSKEY set at the root: it is not signed");
	struct rrsig_key anchored[MAX_ROOT_KEYS];
	size_t na = 0;
	*nk = 0;
	for (const ldns_dnssec_rrs *r = set->rrs; r && *nk < MAX_ROOT_KEYS; r = r->next) {
		if (rrsig_key_init(&k[*nk], r->rr) != 0)
			continue;
		for (size_t a = 0; a < ldns_rr_list_rr_count(anchor); a++) {
			const ldns_rr *t = ldns_rr_list_rr(anchor, a);
			bool match = ldns_rr_get_type(t) == LDNS_RR_TYPE_DS ? ldns_rr_compare_ds(t, r->rr)
									    : ldns_rr_compare(t, r->rr) == 0;
			if (match && na < MAX_ROOT_KEYS) {
				anchored[na++] = k[*nk];
				break;
			}
		}
		(*nk)++;
	}
	if (!na)
		return dl_error_set(err, DL_ERR_INPUT, "no root DNSKEY in the copy matches the trust anchor");
	ldns_rr_list *keys = rrs_list(set->rrs);
	ldns_status st;
	bool ok = keys && signed_by(keys, set->signatures, anchored, na, at, &st);
	ldns_rr_list_free(keys);
	if (!ok)
		return dl_error_set(err, DL_ERR_INPUT, "the root DNSKEY set is not signed by the anchored key (%s)",
				    ldns_get_errorstr_by_id(st));
	return 0;
}

/* Is name a delegation point (NS below the apex) or below one (glue)? */
static int cut_state(const struct zone *z, const ldns_dnssec_name *n)
{
	if (ldns_dname_compare(n->name, z->origin) == 0)
		return 0;
	if (zone_rrset(n, LDNS_RR_TYPE_NS))
		return 1; /* the cut itself: DS and NSEC are the parent's, signed */
	size_t labels = ldns_dname_label_count(n->name);
	for (size_t up = 1; up < labels; up++) {
		ldns_rdf *anc = ldns_dname_clone_from(n->name, up);
		const ldns_dnssec_name *a = anc ? zone_find(z, anc) : NULL;
		ldns_rdf_deep_free(anc);
		if (a && zone_rrset(a, LDNS_RR_TYPE_NS))
			return 2; /* glue */
	}
	return 0;
}

static int check_signatures(struct localroot *lr, const struct rrsig_key *keys, size_t nk, time_t at,
			    struct dl_error *err)
{
	const struct zone *z = lr->zone;
	for (ldns_rbnode_t *node = ldns_rbtree_first(z->dz->names); node != LDNS_RBTREE_NULL;
	     node = ldns_rbtree_next(node)) {
		const ldns_dnssec_name *n = node->data;
		int cut = cut_state(z, n);
		for (const ldns_dnssec_rrsets *set = n->rrsets; set; set = set->next) {
			if (set->type == LDNS_RR_TYPE_ZONEMD)
				lr->zonemd = true;
			if (cut == 2 || (cut == 1 && set->type != LDNS_RR_TYPE_DS)) {
				for (const ldns_dnssec_rrs *r = set->rrs; r; r = r->next)
					lr->nglue++;
				continue;
			}
			ldns_rr_list *l = rrs_list(set->rrs);
			ldns_status st;
			bool ok = l && signed_by(l, set->signatures, keys, nk, at, &st);
			ldns_rr_list_free(l);
			if (!ok) {
				char nn[256], tn[32];
				char *t = ldns_rr_type2str(set->type);
				dname_text(n->name, nn, sizeof nn);
				snprintf(tn, sizeof tn, "%s", t ? t : "?");
				free(t);
				return dl_error_set(err, DL_ERR_INPUT, "%s %s in the copy has no valid signature by a root key (%s)",
						    nn, tn, ldns_get_errorstr_by_id(st));
			}
			lr->nrrsets++;
			lr->nsigs++;
		}
		if (n->nsec && cut != 2) {
			ldns_rr_list *l = ldns_rr_list_new();
			ldns_status st;
			bool ok = l && ldns_rr_list_push_rr(l, n->nsec) && signed_by(l, n->nsec_signatures, keys, nk, at, &st);
			ldns_rr_list_free(l);
			if (!ok) {
				char nn[256];
				dname_text(n->name, nn, sizeof nn);
				return dl_error_set(err, DL_ERR_INPUT, "the NSEC of %s in the copy has no valid signature by a root key",
						    nn);
			}
			lr->nrrsets++;
			lr->nsigs++;
		}
	}
	return 0;
}

int localroot_from_rrs(const ldns_rr_list *rrs, const ldns_rr_list *anchor, double now, struct localroot **out,
		       struct dl_error *err)
{
	*out = NULL;
	size_t n = ldns_rr_list_rr_count(rrs);
	const ldns_rr *first = n ? ldns_rr_list_rr(rrs, 0) : NULL, *last = n ? ldns_rr_list_rr(rrs, n - 1) : NULL;
	if (n < 2 || ldns_rr_get_type(first) != LDNS_RR_TYPE_SOA || ldns_rr_get_type(last) != LDNS_RR_TYPE_SOA ||
	    ldns_dname_label_count(ldns_rr_owner(first)) != 0)
		return dl_error_set(err, DL_ERR_INPUT, "the transfer is incomplete: it must begin and end with the root's SOA");
	if (ldns_rr_compare(first, last) != 0)
		return dl_error_set(err, DL_ERR_INPUT, "the transfer's first and last SOA differ: the zone changed during it");
	if (!ldns_rr_list_rr_count(anchor))
		return dl_error_set(err, DL_ERR_INPUT, "the resolver has no trust anchor to check the copy with");
	ldns_dnssec_zone *dz = ldns_dnssec_zone_new();
	if (!dz)
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i + 1 < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(rrs, i);
		if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
			ldns_dnssec_zone_deep_free(dz);
			return dl_error_set(err, DL_ERR_INPUT, "record %zu of the transfer is not of class IN", i + 1);
		}
		ldns_rr *c = ldns_rr_clone(rr);
		if (!c || ldns_dnssec_zone_add_rr(dz, c) != LDNS_STATUS_OK) {
			ldns_rr_free(c);
			ldns_dnssec_zone_deep_free(dz);
			return dl_error_set(err, DL_ERR_INPUT, "record %zu of the transfer cannot be added to a zone", i + 1);
		}
	}
	struct localroot *lr = calloc(1, sizeof *lr);
	if (!lr) {
		ldns_dnssec_zone_deep_free(dz);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	lr->nrecords = n;
	int rc = zone_adopt(dz, ".", "the root zone (zone transfer)", &lr->zone, err);
	if (rc) {
		free(lr);
		return rc;
	}
	struct rrsig_key keys[MAX_ROOT_KEYS];
	size_t nk = 0;
	time_t at = (time_t)now;
	rc = root_keys(lr->zone, anchor, at, keys, &nk, err);
	if (!rc)
		rc = check_signatures(lr, keys, nk, at, err);
	for (size_t i = 0; i < nk; i++)
		rrsig_key_clear(&keys[i]);
	if (!rc && authserver_init(&lr->auth, &lr->zone, 1) != 0)
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	if (rc) {
		zone_free(lr->zone);
		free(lr);
		return rc;
	}
	const ldns_rr *soa = lr->zone->soa;
	lr->serial = ldns_rdf2native_int32(ldns_rr_rdf(soa, 2));
	lr->refresh = ldns_rdf2native_int32(ldns_rr_rdf(soa, 3));
	lr->retry = ldns_rdf2native_int32(ldns_rr_rdf(soa, 4));
	lr->expire = ldns_rdf2native_int32(ldns_rr_rdf(soa, 5));
	*out = lr;
	return 0;
}

int localroot_from_axfr(const uint8_t *msg, size_t len, const ldns_rr_list *anchor, double now,
			struct localroot **out, struct dl_error *err)
{
	*out = NULL;
	ldns_pkt *p = NULL;
	if (ldns_wire2pkt(&p, msg, len) != LDNS_STATUS_OK)
		return dl_error_set(err, DL_ERR_INPUT, "the transfer's message does not parse");
	int rc;
	if (ldns_pkt_get_rcode(p) != LDNS_RCODE_NOERROR) {
		char *r = ldns_pkt_rcode2str(ldns_pkt_get_rcode(p));
		rc = dl_error_set(err, DL_ERR_INPUT, "the root server answered the transfer with %s", r ? r : "an error");
		free(r);
	} else {
		rc = localroot_from_rrs(ldns_pkt_answer(p), anchor, now, out, err);
	}
	ldns_pkt_free(p);
	return rc;
}

size_t localroot_answer(struct localroot *lr, const uint8_t *q, size_t qlen, uint8_t *out, size_t cap)
{
	return authserver_respond(&lr->auth, q, qlen, true, out, cap);
}
