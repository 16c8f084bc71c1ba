/* axfr.c: the records of a zone transfer (axfr.h). */
#include "dns/axfr.h"

bool axfr_allowed(const struct zone *z)
{
	return z && ldns_dname_label_count(z->origin) == 0;
}

static bool push_clone(ldns_rr_list *l, const ldns_rr *rr)
{
	ldns_rr *c = ldns_rr_clone(rr);
	if (c && ldns_rr_list_push_rr(l, c))
		return true;
	ldns_rr_free(c);
	return false;
}

static bool push_rrs(ldns_rr_list *l, const ldns_dnssec_rrs *r)
{
	for (; r; r = r->next)
		if (!push_clone(l, r->rr))
			return false;
	return true;
}

ldns_rr_list *axfr_records(const struct zone *z)
{
	ldns_rr_list *l = ldns_rr_list_new();
	bool ok = l && z->soa && push_clone(l, z->soa);
	for (ldns_rbnode_t *n = ldns_rbtree_first(z->dz->names); ok && n != LDNS_RBTREE_NULL; n = ldns_rbtree_next(n)) {
		const ldns_dnssec_name *name = n->data;
		for (const ldns_dnssec_rrsets *set = name->rrsets; ok && set; set = set->next) {
			/* The SOA opens and closes the transfer; its RRSIG goes in the middle. */
			ok = (set->type == LDNS_RR_TYPE_SOA || push_rrs(l, set->rrs)) && push_rrs(l, set->signatures);
		}
		if (ok && name->nsec)
			ok = push_clone(l, name->nsec) && push_rrs(l, name->nsec_signatures);
	}
	if (!ok || !push_clone(l, z->soa)) {
		ldns_rr_list_deep_free(l);
		return NULL;
	}
	return l;
}
