/* answer.c: authoritative answers from a server's zones (answer.h).
 *
 * The walk follows RFC 1034 4.3.2: find the zone, look for a zone cut on the
 * way down to the name (referral), then an exact match, a CNAME to chase, a
 * wildcard at the closest encloser (RFC 4592), or a negative answer whose SOA
 * carries the negative TTL of RFC 2308. */
#include "dns/answer.h"

#include <string.h>

const struct zone *answer_find_zone(const struct zoneset *zs, const ldns_rdf *name, ldns_rr_type t)
{
	const struct zone *best = NULL;
	for (size_t i = 0; i < zs->n; i++) {
		const struct zone *z = zs->zones[i];
		bool apex = ldns_dname_compare(name, z->origin) == 0;
		if (!apex && !ldns_dname_is_subdomain(name, z->origin))
			continue;
		if (t == LDNS_RR_TYPE_DS && apex)
			continue;
		if (!best || ldns_dname_label_count(z->origin) > ldns_dname_label_count(best->origin))
			best = z;
	}
	if (!best && t == LDNS_RR_TYPE_DS) {
		/* DS at an apex whose parent this server lacks: answer from the child. */
		for (size_t i = 0; i < zs->n; i++)
			if (ldns_dname_compare(name, zs->zones[i]->origin) == 0)
				return zs->zones[i];
	}
	return best;
}

/* Is rr already in section s of pkt?  Keeps additional data free of repeats. */
static bool pkt_has_rr(const ldns_pkt *pkt, ldns_pkt_section s, const ldns_rr *rr)
{
	ldns_rr_list *list = s == LDNS_SECTION_ANSWER ? ldns_pkt_answer(pkt)
			     : s == LDNS_SECTION_AUTHORITY ? ldns_pkt_authority(pkt)
							   : ldns_pkt_additional(pkt);
	for (size_t i = 0; i < ldns_rr_list_rr_count(list); i++)
		if (ldns_rr_compare(ldns_rr_list_rr(list, i), rr) == 0)
			return true;
	return false;
}

/* Does the answer section already hold data owned by name?  Stops CNAME loops. */
static bool answer_has_owner(const ldns_pkt *pkt, const ldns_rdf *name)
{
	const ldns_rr_list *list = ldns_pkt_answer(pkt);
	for (size_t i = 0; i < ldns_rr_list_rr_count(list); i++)
		if (ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(list, i)), name) == 0)
			return true;
	return false;
}

/* Copy an RRset (and its RRSIGs when dnssec_ok) into section s.  owner, when
 * not NULL, replaces the owner name: wildcard synthesis (RFC 4592 4.3). */
static bool push_rrset(ldns_pkt *pkt, ldns_pkt_section s, const ldns_dnssec_rrsets *set,
		       const ldns_rdf *owner, bool dnssec_ok)
{
	for (int pass = 0; pass < 2; pass++) {
		const ldns_dnssec_rrs *r = pass == 0 ? set->rrs : dnssec_ok ? set->signatures : NULL;
		for (; r; r = r->next) {
			ldns_rr *c = ldns_rr_clone(r->rr);
			if (!c)
				return false;
			if (owner) {
				ldns_rdf *o = ldns_rdf_clone(owner);
				if (!o) {
					ldns_rr_free(c);
					return false;
				}
				ldns_rdf_deep_free(ldns_rr_owner(c));
				ldns_rr_set_owner(c, o);
			}
			if (s == LDNS_SECTION_ADDITIONAL && pkt_has_rr(pkt, s, c)) {
				ldns_rr_free(c);
				continue;
			}
			if (!ldns_pkt_push_rr(pkt, s, c)) {
				ldns_rr_free(c);
				return false;
			}
		}
	}
	return true;
}

/* Is name at or below a zone cut of z (glue or occluded data)? */
static const ldns_dnssec_name *find_cut(const struct zone *z, const ldns_rdf *name, bool ds_query)
{
	size_t zlabels = ldns_dname_label_count(z->origin);
	size_t nlabels = ldns_dname_label_count(name);
	for (size_t l = zlabels + 1; l <= nlabels; l++) {
		ldns_rdf *anc = ldns_dname_clone_from(name, nlabels - l);
		if (!anc)
			return NULL;
		const ldns_dnssec_name *n = zone_find(z, anc);
		ldns_rdf_deep_free(anc);
		if (!n)
			return NULL; /* nothing exists below a missing name */
		if (zone_rrset(n, LDNS_RR_TYPE_NS) && !(ds_query && l == nlabels))
			return n;
	}
	return NULL;
}

/* A and AAAA for target into the additional section, from any zone of zs
 * where target is authoritative data, or glue below a cut when glue_ok. */
static bool add_addresses(ldns_pkt *pkt, const struct zoneset *zs, const struct zone *only,
			  const ldns_rdf *target, bool glue_ok, bool dnssec_ok)
{
	const struct zone *z = answer_find_zone(zs, target, LDNS_RR_TYPE_A);
	if (!z || (only && z != only))
		return true;
	const ldns_dnssec_name *cut = find_cut(z, target, false);
	if (cut && !glue_ok)
		return true;
	const ldns_dnssec_name *n = zone_find(z, target);
	static const ldns_rr_type types[] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA };
	for (size_t i = 0; i < 2; i++) {
		const ldns_dnssec_rrsets *set = zone_rrset(n, types[i]);
		/* Glue is not signed data: no RRSIGs for it (RFC 4035 3.1.1). */
		if (set && !push_rrset(pkt, LDNS_SECTION_ADDITIONAL, set, NULL, dnssec_ok && !cut))
			return false;
	}
	return true;
}

/* The rdata field of rr that names another host whose address helps the
 * client (RFC 1035 3.3, RFC 2782), or NULL. */
static const ldns_rdf *additional_target(const ldns_rr *rr)
{
	switch (ldns_rr_get_type(rr)) {
	case LDNS_RR_TYPE_NS: return ldns_rr_rdf(rr, 0);
	case LDNS_RR_TYPE_MX: return ldns_rr_rdf(rr, 1);
	case LDNS_RR_TYPE_SRV: return ldns_rr_rdf(rr, 3);
	default: return NULL;
	}
}

/* only: when not NULL, take addresses from that zone alone (referral glue
 * comes from the delegating zone, not from a sibling zone on the server). */
static bool add_additional_for(ldns_pkt *pkt, const struct zoneset *zs, const struct zone *only,
			       const ldns_dnssec_rrsets *set, bool glue_ok, bool dnssec_ok)
{
	/* Addresses of name servers may be glue below a cut: a priming answer
	 * for the root NS set carries them (RFC 8109 4.1). */
	glue_ok = glue_ok || set->type == LDNS_RR_TYPE_NS;
	for (const ldns_dnssec_rrs *r = set->rrs; r; r = r->next) {
		const ldns_rdf *t = additional_target(r->rr);
		if (t && !add_addresses(pkt, zs, only, t, glue_ok, dnssec_ok))
			return false;
	}
	return true;
}

static bool add_referral(ldns_pkt *pkt, const struct zoneset *zs, const struct zone *z,
			 const ldns_dnssec_name *cut, bool dnssec_ok)
{
	const ldns_dnssec_rrsets *ns = zone_rrset(cut, LDNS_RR_TYPE_NS);
	const ldns_dnssec_rrsets *ds = zone_rrset(cut, LDNS_RR_TYPE_DS);
	/* The NS set at a cut belongs to the child: never signed by the parent. */
	if (!push_rrset(pkt, LDNS_SECTION_AUTHORITY, ns, NULL, false))
		return false;
	if (dnssec_ok && ds && !push_rrset(pkt, LDNS_SECTION_AUTHORITY, ds, NULL, true))
		return false;
	return add_additional_for(pkt, zs, z, ns, true, false);
}

/* ---- authenticated denial, NSEC (RFC 4035 3.1.3) ----
 * Proofs are added when the query set DO: NSEC here, NSEC3 below. */

/* n's NSEC in the answer section, with its RRSIGs when sigs. */
static bool push_own_nsec(ldns_pkt *pkt, const ldns_dnssec_name *n, bool sigs)
{
	ldns_rr *c = ldns_rr_clone(n->nsec);
	if (!c || !ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, c)) {
		ldns_rr_free(c);
		return false;
	}
	for (const ldns_dnssec_rrs *r = sigs ? n->nsec_signatures : NULL; r; r = r->next) {
		ldns_rr *sig = ldns_rr_clone(r->rr);
		if (!sig || !ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, sig)) {
			ldns_rr_free(sig);
			return false;
		}
	}
	return true;
}

static bool zone_has_nsec(const struct zone *z)
{
	const ldns_dnssec_name *apex = zone_find(z, z->origin);
	return apex && apex->nsec && ldns_rr_get_type(apex->nsec) == LDNS_RR_TYPE_NSEC;
}

/* The name whose NSEC covers name: the closest one at or before it in
 * canonical order that has an NSEC (empty non-terminals and glue have none),
 * wrapping round to the last. */
static const ldns_dnssec_name *nsec_covering(const struct zone *z, const ldns_rdf *name)
{
	ldns_rbnode_t *node = NULL;
	ldns_rbtree_find_less_equal(z->dz->names, name, &node);
	for (int pass = 0; pass < 2; pass++) {
		for (; node && node != LDNS_RBTREE_NULL; node = ldns_rbtree_previous(node)) {
			const ldns_dnssec_name *n = node->data;
			if (n->nsec && ldns_rr_get_type(n->nsec) == LDNS_RR_TYPE_NSEC)
				return n;
		}
		node = ldns_rbtree_last(z->dz->names);
	}
	return NULL;
}

/* The NSEC of n and its RRSIGs into authority, once. */
static bool push_nsec(ldns_pkt *pkt, const ldns_dnssec_name *n)
{
	if (!n || !n->nsec)
		return true;
	if (pkt_has_rr(pkt, LDNS_SECTION_AUTHORITY, n->nsec))
		return true;
	ldns_rr *c = ldns_rr_clone(n->nsec);
	if (!c || !ldns_pkt_push_rr(pkt, LDNS_SECTION_AUTHORITY, c)) {
		ldns_rr_free(c);
		return false;
	}
	for (const ldns_dnssec_rrs *r = n->nsec_signatures; r; r = r->next) {
		ldns_rr *sig = ldns_rr_clone(r->rr);
		if (!sig || !ldns_pkt_push_rr(pkt, LDNS_SECTION_AUTHORITY, sig)) {
			ldns_rr_free(sig);
			return false;
		}
	}
	return true;
}

/* ---- authenticated denial, NSEC3 (RFC 5155 7.2) ---- */

struct nsec3p {
	uint8_t alg, salt_len;
	uint16_t iterations;
	uint8_t salt[255];
};

static bool zone_nsec3(const struct zone *z, struct nsec3p *p)
{
	const ldns_dnssec_name *apex = zone_find(z, z->origin);
	if (!apex || !apex->nsec || ldns_rr_get_type(apex->nsec) != LDNS_RR_TYPE_NSEC3 || !z->dz->hashed_names)
		return false;
	p->alg = ldns_nsec3_algorithm(apex->nsec);
	p->iterations = ldns_nsec3_iterations(apex->nsec);
	p->salt_len = ldns_nsec3_salt_length(apex->nsec);
	uint8_t *salt = ldns_nsec3_salt_data(apex->nsec);
	if (p->salt_len && !salt)
		return false;
	if (p->salt_len)
		memcpy(p->salt, salt, p->salt_len);
	free(salt);
	return true;
}

/* The name whose NSEC3 matches (exact) or covers name's hash. */
static const ldns_dnssec_name *nsec3_find(const struct zone *z, const struct nsec3p *p, const ldns_rdf *name,
					  bool exact)
{
	ldns_rdf *h = ldns_nsec3_hash_name(name, p->alg, p->iterations, p->salt_len, p->salt);
	if (!h)
		return NULL;
	ldns_rbnode_t *node = NULL;
	int found = ldns_rbtree_find_less_equal(z->dz->hashed_names, h, &node);
	ldns_rdf_deep_free(h);
	if (exact) {
		const ldns_dnssec_name *n = found && node ? node->data : NULL;
		return n && n->nsec ? n : NULL;
	}
	/* Covering: the closest hash before it that owns an NSEC3, wrapping. */
	for (int pass = 0; pass < 2; pass++) {
		for (; node && node != LDNS_RBTREE_NULL; node = ldns_rbtree_previous(node)) {
			const ldns_dnssec_name *n = node->data;
			if (n->nsec && ldns_rr_get_type(n->nsec) == LDNS_RR_TYPE_NSEC3)
				return n;
		}
		node = ldns_rbtree_last(z->dz->hashed_names);
	}
	return NULL;
}

static bool push_nsec3(ldns_pkt *pkt, const struct zone *z, const struct nsec3p *p, const ldns_rdf *name, bool exact)
{
	return push_nsec(pkt, nsec3_find(z, p, name, exact));
}

/* "*." + name, or NULL. */
static ldns_rdf *wildcard_of(const ldns_rdf *name)
{
	ldns_rdf *star = ldns_dname_new_frm_str("*");
	if (star && ldns_dname_cat(star, name) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(star);
		return NULL;
	}
	return star;
}

/* The closest encloser proof (RFC 5155 7.2.1): the NSEC3 matching ce and the
 * one covering the next closer name (ce plus one label of name). */
static bool push_ce_proof(ldns_pkt *pkt, const struct zone *z, const struct nsec3p *p, const ldns_rdf *name,
			  const ldns_rdf *ce)
{
	size_t nl = ldns_dname_label_count(name), cl = ldns_dname_label_count(ce);
	ldns_rdf *next = nl > cl ? ldns_dname_clone_from(name, nl - cl - 1) : NULL;
	bool ok = push_nsec3(pkt, z, p, ce, true) && (!next || push_nsec3(pkt, z, p, next, false));
	ldns_rdf_deep_free(next);
	return ok;
}

static bool add_negative(ldns_pkt *pkt, const struct zone *z, bool dnssec_ok)
{
	ldns_rr *soa = zone_negative_soa(z);
	if (!soa || !ldns_pkt_push_rr(pkt, LDNS_SECTION_AUTHORITY, soa)) {
		ldns_rr_free(soa);
		return false;
	}
	if (dnssec_ok) {
		const ldns_dnssec_rrsets *set = zone_rrset(zone_find(z, z->origin), LDNS_RR_TYPE_SOA);
		for (const ldns_dnssec_rrs *r = set ? set->signatures : NULL; r; r = r->next) {
			ldns_rr *sig = ldns_rr_clone(r->rr);
			if (sig) /* an RRSIG's TTL is its RRset's (RFC 4034 3) */
				ldns_rr_set_ttl(sig, z->neg_ttl);
			if (!sig || !ldns_pkt_push_rr(pkt, LDNS_SECTION_AUTHORITY, sig)) {
				ldns_rr_free(sig);
				return false;
			}
		}
	}
	return true;
}

static bool add_apex_ns(ldns_pkt *pkt, const struct zoneset *zs, const struct zone *z, bool dnssec_ok)
{
	const ldns_dnssec_rrsets *ns = zone_rrset(zone_find(z, z->origin), LDNS_RR_TYPE_NS);
	if (!ns || !push_rrset(pkt, LDNS_SECTION_AUTHORITY, ns, NULL, dnssec_ok))
		return !ns;
	return add_additional_for(pkt, zs, NULL, ns, false, dnssec_ok);
}

/* The closest existing ancestor of name inside z (RFC 4592 3.3.1). */
static ldns_rdf *closest_encloser(const struct zone *z, const ldns_rdf *name)
{
	size_t nlabels = ldns_dname_label_count(name);
	size_t zlabels = ldns_dname_label_count(z->origin);
	for (size_t strip = 1; nlabels - strip >= zlabels; strip++) {
		ldns_rdf *anc = ldns_dname_clone_from(name, strip);
		if (!anc || zone_find(z, anc) || nlabels - strip == zlabels)
			return anc;
		ldns_rdf_deep_free(anc);
	}
	return ldns_rdf_clone(z->origin);
}

static const ldns_dnssec_name *find_wildcard(const struct zone *z, const ldns_rdf *ce)
{
	ldns_rdf *star = ldns_dname_new_frm_str("*");
	if (!star)
		return NULL;
	const ldns_dnssec_name *w = NULL;
	if (ldns_dname_cat(star, ce) == LDNS_STATUS_OK)
		w = zone_find(z, star);
	ldns_rdf_deep_free(star);
	return w;
}

enum step { STEP_DONE, STEP_CHASE, STEP_FAIL };

/* Answer name/qtype from z into pkt; on a CNAME, *next receives its target. */
static enum step answer_in_zone(ldns_pkt *pkt, const struct zoneset *zs, const struct zone *z,
				const ldns_rdf *name, ldns_rr_type qtype, bool dnssec_ok,
				bool first, const ldns_rdf **next)
{
	bool proofs = dnssec_ok && zone_has_nsec(z);
	struct nsec3p n3;
	bool proofs3 = dnssec_ok && !proofs && zone_nsec3(z, &n3);
	const ldns_dnssec_name *cut = find_cut(z, name, qtype == LDNS_RR_TYPE_DS);
	if (cut) {
		if (first)
			ldns_pkt_set_aa(pkt, false);
		if (!add_referral(pkt, zs, z, cut, dnssec_ok))
			return STEP_FAIL;
		/* An unsigned delegation: the NSEC (or NSEC3) of the cut proves
		 * there is no DS. */
		if (proofs && !zone_rrset(cut, LDNS_RR_TYPE_DS) && !push_nsec(pkt, cut))
			return STEP_FAIL;
		if (proofs3 && !zone_rrset(cut, LDNS_RR_TYPE_DS) && !push_nsec3(pkt, z, &n3, cut->name, true))
			return STEP_FAIL;
		return STEP_DONE;
	}
	const ldns_dnssec_name *node = zone_find(z, name);
	const ldns_rdf *owner = NULL; /* set when synthesising from a wildcard */
	if (!node) {
		ldns_rdf *ce = closest_encloser(z, name);
		node = ce ? find_wildcard(z, ce) : NULL;
		if (!node) {
			/* RFC 6604: after a CNAME the rcode describes the last name. */
			ldns_pkt_set_rcode(pkt, LDNS_RCODE_NXDOMAIN);
			bool ok = add_negative(pkt, z, dnssec_ok);
			/* RFC 4035 3.1.3.2: no such name, and no wildcard that could
			 * have made one, at the closest encloser. */
			if (ok && (proofs || proofs3)) {
				ldns_rdf *star = ce ? wildcard_of(ce) : NULL;
				if (proofs)
					ok = push_nsec(pkt, nsec_covering(z, name)) && star &&
					     push_nsec(pkt, nsec_covering(z, star));
				else /* RFC 5155 7.2.2 */
					ok = star && push_ce_proof(pkt, z, &n3, name, ce) &&
					     push_nsec3(pkt, z, &n3, star, false);
				ldns_rdf_deep_free(star);
			}
			ldns_rdf_deep_free(ce);
			return ok ? STEP_DONE : STEP_FAIL;
		}
		owner = name;
		/* RFC 4035 3.1.3.3: a wildcard answer proves the name itself is
		 * absent; with NSEC3, the next closer name is covered (RFC 5155 7.2.6). */
		bool ok = true;
		if (proofs)
			ok = push_nsec(pkt, nsec_covering(z, name));
		else if (proofs3 && !zone_rrset(node, qtype) && !zone_rrset(node, LDNS_RR_TYPE_CNAME))
			ok = push_ce_proof(pkt, z, &n3, name, ce) && push_nsec(pkt, node); /* 7.2.5 */
		else if (proofs3) {
			size_t nl = ldns_dname_label_count(name), cl = ldns_dname_label_count(ce);
			ldns_rdf *closer = ldns_dname_clone_from(name, nl - cl - 1);
			ok = closer && push_nsec3(pkt, z, &n3, closer, false);
			ldns_rdf_deep_free(closer);
		}
		ldns_rdf_deep_free(ce);
		if (!ok)
			return STEP_FAIL;
	}
	/* The name's own NSEC is an RRset of the name too: the answer to a
	 * question for it (asked by type, so even without DO, RFC 4035 3.2.1),
	 * and part of ANY with DO.  Never made from a wildcard. */
	bool own_nsec = !owner && node->nsec && ldns_rr_get_type(node->nsec) == LDNS_RR_TYPE_NSEC;
	if (qtype == LDNS_RR_TYPE_ANY && node->rrsets) {
		for (const ldns_dnssec_rrsets *s = node->rrsets; s; s = s->next)
			if (!push_rrset(pkt, LDNS_SECTION_ANSWER, s, owner, dnssec_ok))
				return STEP_FAIL;
		if (own_nsec && dnssec_ok && !push_own_nsec(pkt, node, true))
			return STEP_FAIL;
		return add_apex_ns(pkt, zs, z, dnssec_ok) ? STEP_DONE : STEP_FAIL;
	}
	if (qtype == LDNS_RR_TYPE_NSEC && own_nsec) {
		if (!push_own_nsec(pkt, node, dnssec_ok))
			return STEP_FAIL;
		return add_apex_ns(pkt, zs, z, dnssec_ok) ? STEP_DONE : STEP_FAIL;
	}
	const ldns_dnssec_rrsets *set = zone_rrset(node, qtype);
	if (set) {
		if (!push_rrset(pkt, LDNS_SECTION_ANSWER, set, owner, dnssec_ok) ||
		    !add_additional_for(pkt, zs, NULL, set, false, dnssec_ok))
			return STEP_FAIL;
		if (qtype != LDNS_RR_TYPE_NS || owner || ldns_dname_compare(name, z->origin) != 0)
			if (!add_apex_ns(pkt, zs, z, dnssec_ok))
				return STEP_FAIL;
		return STEP_DONE;
	}
	const ldns_dnssec_rrsets *cname = zone_rrset(node, LDNS_RR_TYPE_CNAME);
	if (cname) {
		if (!push_rrset(pkt, LDNS_SECTION_ANSWER, cname, owner, dnssec_ok))
			return STEP_FAIL;
		*next = ldns_rr_rdf(cname->rrs->rr, 0);
		return STEP_CHASE;
	}
	if (!add_negative(pkt, z, dnssec_ok))
		return STEP_FAIL;
	/* RFC 5155 7.2.3/7.2.4: the NSEC3 matching the name (empty non-terminals
	 * have one too); the wildcard case was handled above. */
	if (proofs3 && !owner && !push_nsec3(pkt, z, &n3, name, true))
		return STEP_FAIL;
	/* RFC 4035 3.1.3.1/3.1.3.4: NODATA is proved by the name's own NSEC
	 * (an empty non-terminal has none: the NSEC that covers it). */
	if (proofs && !push_nsec(pkt, node->nsec ? node : nsec_covering(z, name)))
		return STEP_FAIL;
	if (proofs && !node->nsec && ldns_dname_compare(name, z->origin) != 0) {
		/* Validators such as ldns also want to see that no wildcard one
		 * level up could have answered instead. */
		ldns_rdf *parent = ldns_dname_left_chop(name), *star = ldns_dname_new_frm_str("*");
		bool ok = parent && star && ldns_dname_cat(star, parent) == LDNS_STATUS_OK &&
			  push_nsec(pkt, nsec_covering(z, star));
		ldns_rdf_deep_free(parent);
		ldns_rdf_deep_free(star);
		if (!ok)
			return STEP_FAIL;
	}
	return STEP_DONE;
}

ldns_pkt *answer_build(const struct zoneset *zs, const ldns_rdf *qname, ldns_rr_type qtype,
		       ldns_rr_class qclass, bool dnssec_ok)
{
	ldns_pkt *pkt = ldns_pkt_new();
	if (!pkt)
		return NULL;
	ldns_pkt_set_qr(pkt, true);
	const struct zone *z = qclass == LDNS_RR_CLASS_IN ? answer_find_zone(zs, qname, qtype) : NULL;
	if (!z) {
		ldns_pkt_set_rcode(pkt, LDNS_RCODE_REFUSED);
		return pkt;
	}
	ldns_pkt_set_aa(pkt, true);
	const ldns_rdf *name = qname;
	for (int links = 0;; links++) {
		const ldns_rdf *next = NULL;
		enum step st = answer_in_zone(pkt, zs, z, name, qtype, dnssec_ok, links == 0, &next);
		if (st == STEP_FAIL) {
			ldns_pkt_free(pkt);
			return NULL;
		}
		if (st == STEP_DONE)
			return pkt;
		/* Chase the CNAME while this server is authoritative for the
		 * target; past that the resolver restarts the query itself. */
		if (links + 1 >= ANSWER_MAX_CNAME || answer_has_owner(pkt, next))
			return pkt;
		z = answer_find_zone(zs, next, qtype);
		if (!z || find_cut(z, next, false))
			return pkt;
		name = next;
	}
}
