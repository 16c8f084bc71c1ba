/* denial.c: NSEC and NSEC3 proofs (denial.h). */
#include "resolver/denial.h"

#include <stdlib.h>

#include "dns/dname.h"

/* The next name of an NSEC, or the next hashed owner of an NSEC3 as a full
 * name in its zone.  Caller frees. */
static ldns_rdf *next_name(const ldns_rr *rr)
{
	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NSEC)
		return ldns_rdf_clone(ldns_rr_rdf(rr, 0));
	char *s = ldns_rdf2str(ldns_nsec3_next_owner(rr));
	ldns_rdf *n = s ? ldns_dname_new_frm_str(s) : NULL;
	free(s);
	ldns_rdf *zone = ldns_dname_left_chop(ldns_rr_owner(rr));
	if (n && zone && ldns_dname_cat(n, zone) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(n);
		n = NULL;
	}
	ldns_rdf_deep_free(zone);
	return n;
}

/* Strictly between owner and next.  The last NSEC of a zone points back at
 * the apex: it covers what sorts after it (a name before the apex is not in
 * the zone at all, so the caller has checked name is in it).  The last NSEC3
 * wraps around the hash space: after its owner or before the first hash. */
static bool covers(const ldns_rr *rr, const ldns_rdf *name)
{
	ldns_rdf *next = next_name(rr);
	if (!next)
		return false;
	const ldns_rdf *owner = ldns_rr_owner(rr);
	bool r;
	if (ldns_dname_compare(owner, next) < 0)
		r = ldns_dname_compare(owner, name) < 0 && ldns_dname_compare(name, next) < 0;
	else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NSEC)
		r = ldns_dname_compare(owner, name) < 0;
	else
		r = ldns_dname_compare(owner, name) < 0 || ldns_dname_compare(name, next) < 0;
	ldns_rdf_deep_free(next);
	return r;
}

static bool has_type(const ldns_rr *rr, ldns_rr_type t)
{
	const ldns_rdf *bitmap = ldns_rr_rdf(rr, ldns_rr_get_type(rr) == LDNS_RR_TYPE_NSEC ? 1 : 5);
	return bitmap && ldns_nsec_bitmap_covers_type(bitmap, t);
}

/* A parent's record at a delegation (NS without SOA), or a DNAME: it says
 * nothing about the names below its owner, which belong to another zone
 * (RFC 6840 4.1, RFC 5155 8.3). */
static bool is_cut(const ldns_rr *rr)
{
	return (has_type(rr, LDNS_RR_TYPE_NS) && !has_type(rr, LDNS_RR_TYPE_SOA)) || has_type(rr, LDNS_RR_TYPE_DNAME);
}

static ldns_rdf *wildcard_of(const ldns_rdf *ce)
{
	ldns_rdf *w = ldns_dname_new_frm_str("*");
	if (w && ldns_dname_cat(w, ce) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(w);
		return NULL;
	}
	return w;
}

/* The ancestor of name with labels labels (name itself when it has them). */
static ldns_rdf *ancestor(const ldns_rdf *name, size_t labels)
{
	size_t n = ldns_dname_label_count(name);
	return ldns_dname_clone_from(name, n > labels ? n - labels : 0);
}

struct nsec3_ctx {
	const ldns_rr_list *nsec3s;
	const ldns_rdf *zone;
	unsigned hashes;
	bool over_limit;
};

/* The NSEC3 whose owner is the hash of name (exact) or covers it. */
static const ldns_rr *nsec3_for(struct nsec3_ctx *c, const ldns_rdf *name, bool exact)
{
	if (!ldns_rr_list_rr_count(c->nsec3s))
		return NULL;
	if (c->hashes >= DENIAL_MAX_NSEC3_HASHES) {
		c->over_limit = true;
		return NULL;
	}
	c->hashes++;
	ldns_rdf *h = ldns_nsec3_hash_name_frm_nsec3(ldns_rr_list_rr(c->nsec3s, 0), name);
	if (!h || ldns_dname_cat(h, c->zone) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(h);
		return NULL;
	}
	const ldns_rr *found = NULL;
	for (size_t i = 0; i < ldns_rr_list_rr_count(c->nsec3s) && !found; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(c->nsec3s, i);
		if (exact ? dname_same(ldns_rr_owner(rr), h) : covers(rr, h))
			found = rr;
	}
	ldns_rdf_deep_free(h);
	return found;
}

/* RFC 5155 8.3: the closest encloser of name, with the next closer name
 * covered.  Returns the closest encloser (caller frees) or NULL. */
static ldns_rdf *nsec3_closest_encloser(struct nsec3_ctx *c, const ldns_rdf *name)
{
	size_t zl = ldns_dname_label_count(c->zone), nl = ldns_dname_label_count(name);
	/* From the name's parent up to the apex, the root included. */
	for (size_t l = nl; l-- > zl;) {
		ldns_rdf *ce = ancestor(name, l);
		if (!ce)
			return NULL;
		const ldns_rr *m = nsec3_for(c, ce, true);
		if (m && is_cut(m)) {
			ldns_rdf_deep_free(ce);
			return NULL; /* a delegation cannot be the closest encloser */
		}
		if (m) {
			ldns_rdf *closer = ancestor(name, l + 1);
			bool ok = closer && nsec3_for(c, closer, false);
			ldns_rdf_deep_free(closer);
			if (ok)
				return ce;
			ldns_rdf_deep_free(ce);
			return NULL;
		}
		ldns_rdf_deep_free(ce);
		if (c->over_limit)
			return NULL;
	}
	return NULL;
}

enum denial denial_check(const ldns_rr_list *nsecs, const ldns_rdf *zone, const ldns_rdf *name,
				ldns_rr_type type, bool nxdomain, bool *hash_limit)
{
	/* A zone speaks only for its own names. */
	if (!ldns_rr_list_rr_count(nsecs) || !dname_at_or_below(name, zone))
		return DENIAL_FAIL;
	bool nsec3 = ldns_rr_get_type(ldns_rr_list_rr(nsecs, 0)) == LDNS_RR_TYPE_NSEC3;
	if (!nsec3) {
		for (size_t i = 0; i < ldns_rr_list_rr_count(nsecs); i++) {
			const ldns_rr *rr = ldns_rr_list_rr(nsecs, i);
			if (!nxdomain && dname_same(ldns_rr_owner(rr), name)) {
				if (has_type(rr, type) || has_type(rr, LDNS_RR_TYPE_CNAME))
					return DENIAL_FAIL;
				if (is_cut(rr) && type != LDNS_RR_TYPE_DS)
					return DENIAL_FAIL; /* the child's apex data is the child's to deny */
				if (type == LDNS_RR_TYPE_DS)
					return has_type(rr, LDNS_RR_TYPE_NS) && !has_type(rr, LDNS_RR_TYPE_SOA)
						       ? DENIAL_CUT_INSECURE : DENIAL_NOT_CUT;
				return DENIAL_OK;
			}
		}
		/* name is covered: it does not exist, or is an empty non-terminal
		 * (the next name lies below it), and no wildcard could answer. */
		for (size_t i = 0; i < ldns_rr_list_rr_count(nsecs); i++) {
			const ldns_rr *rr = ldns_rr_list_rr(nsecs, i);
			if (!covers(rr, name) || (is_cut(rr) && ldns_dname_is_subdomain(name, ldns_rr_owner(rr))))
				continue;
			ldns_rdf *next = next_name(rr);
			bool ent = next && ldns_dname_is_subdomain(next, name);
			ldns_rdf_deep_free(next);
			if (ent)
				return nxdomain ? DENIAL_FAIL : (type == LDNS_RR_TYPE_DS ? DENIAL_NOT_CUT : DENIAL_OK);
			/* The closest encloser is the longer common ancestor of name
			 * with the owner or the next name; *.ce must not exist. */
			ldns_rdf *nx = next_name(rr);
			size_t a = nx ? ldns_dname_label_count(name) : 0, ce_labels = 0;
			for (size_t l = 1; l <= a; l++) {
				ldns_rdf *anc = ancestor(name, l);
				if (anc && (dname_at_or_below(ldns_rr_owner(rr), anc) || dname_at_or_below(nx, anc)))
					ce_labels = l;
				ldns_rdf_deep_free(anc);
			}
			ldns_rdf_deep_free(nx);
			if (ce_labels < ldns_dname_label_count(zone))
				ce_labels = ldns_dname_label_count(zone);
			ldns_rdf *ce = ancestor(name, ce_labels), *wild = ce ? wildcard_of(ce) : NULL;
			bool no_wild = false;
			for (size_t j = 0; wild && j < ldns_rr_list_rr_count(nsecs) && !no_wild; j++) {
				const ldns_rr *w = ldns_rr_list_rr(nsecs, j);
				if (is_cut(w) && ldns_dname_is_subdomain(wild, ldns_rr_owner(w)))
					continue;
				no_wild = covers(w, wild) ||
					  (!nxdomain && dname_same(ldns_rr_owner(w), wild) && !has_type(w, type) &&
					   !has_type(w, LDNS_RR_TYPE_CNAME));
			}
			ldns_rdf_deep_free(ce);
			ldns_rdf_deep_free(wild);
			if (no_wild)
				return DENIAL_OK;
		}
		return DENIAL_FAIL;
	}
	struct nsec3_ctx c = { nsecs, zone, 0, false };
	enum denial out = DENIAL_FAIL;
	const ldns_rr *match = nxdomain ? NULL : nsec3_for(&c, name, true);
	if (match) {
		if (has_type(match, type) || has_type(match, LDNS_RR_TYPE_CNAME) ||
		    (is_cut(match) && type != LDNS_RR_TYPE_DS))
			out = DENIAL_FAIL;
		else if (type == LDNS_RR_TYPE_DS)
			out = has_type(match, LDNS_RR_TYPE_NS) && !has_type(match, LDNS_RR_TYPE_SOA) ? DENIAL_CUT_INSECURE
												  : DENIAL_NOT_CUT;
		else
			out = DENIAL_OK;
	} else if (!c.over_limit) {
		ldns_rdf *ce = nsec3_closest_encloser(&c, name);
		ldns_rdf *wild = ce ? wildcard_of(ce) : NULL;
		if (wild) {
			const ldns_rr *w = nxdomain ? NULL : nsec3_for(&c, wild, true);
			if (w && !has_type(w, type) && !has_type(w, LDNS_RR_TYPE_CNAME))
				out = DENIAL_OK; /* NODATA for a wildcard (RFC 5155 8.7) */
			else if (!w && nsec3_for(&c, wild, false))
				out = nxdomain ? DENIAL_OK : DENIAL_FAIL;
			/* RFC 5155 8.6: opt-out may leave an unsigned delegation. */
			if (out == DENIAL_FAIL && type == LDNS_RR_TYPE_DS && !nxdomain) {
				ldns_rdf *closer = ancestor(name, ldns_dname_label_count(ce) + 1);
				const ldns_rr *cov = closer ? nsec3_for(&c, closer, false) : NULL;
				if (cov && (ldns_nsec3_flags(cov) & LDNS_NSEC3_VARS_OPTOUT_MASK))
					out = DENIAL_CUT_INSECURE;
				ldns_rdf_deep_free(closer);
			}
		}
		ldns_rdf_deep_free(ce);
		ldns_rdf_deep_free(wild);
	}
	if (c.over_limit) {
		*hash_limit = true;
		return DENIAL_FAIL;
	}
	return out;
}

bool denial_wildcard_ok(const ldns_rr_list *nsecs, const ldns_rdf *zone, const ldns_rdf *owner, unsigned labels,
			bool *hash_limit)
{
	if (!ldns_rr_list_rr_count(nsecs))
		return false;
	if (ldns_rr_get_type(ldns_rr_list_rr(nsecs, 0)) == LDNS_RR_TYPE_NSEC3) {
		struct nsec3_ctx n3 = { nsecs, zone, 0, false };
		ldns_rdf *closer = ancestor(owner, labels + 1);
		bool ok = closer && nsec3_for(&n3, closer, false);
		*hash_limit = n3.over_limit;
		ldns_rdf_deep_free(closer);
		return ok;
	}
	/* The next closer name (one label below the wildcard's parent) must
	 * not exist: otherwise the wildcard could not have been used. */
	ldns_rdf *closer = ancestor(owner, labels + 1);
	bool ok = false;
	for (size_t i = 0; closer && i < ldns_rr_list_rr_count(nsecs) && !ok; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(nsecs, i);
		ok = covers(rr, closer) && !(is_cut(rr) && ldns_dname_is_subdomain(closer, ldns_rr_owner(rr)));
	}
	ldns_rdf_deep_free(closer);
	return ok && dname_at_or_below(owner, zone);
}
