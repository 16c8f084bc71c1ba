/* validator.c: DNSSEC validation as a state machine (validator.h).
 *
 * Everything the validator learns is kept per zone (struct vzone, root
 * first) and per name proven not to be a zone cut, so each signature is
 * checked once however often validator_run is called. */
#include "resolver/validator.h"

#include "dnssec/rrsig.h"
#include "dns/dname.h"
#include "dns/rrtext.h"
#include "resolver/keycache.h"
#include "resolver/nta.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ZONES VALR_MAX_LINKS
#define MAX_NONCUTS 32

enum vz_state { VZ_DS_OK, VZ_SECURE, VZ_INSECURE, VZ_BOGUS };

#define MAX_KEYS 16

/* The keys of a zone, prepared once for all the signatures they check. */
struct keyset {
	struct rrsig_key k[MAX_KEYS];
	size_t n;
};

struct vzone {
	ldns_rdf *name;
	enum vz_state state;
	ldns_rr_list *ds;   /* the DS set (or the anchor), owned */
	ldns_rr_list *keys; /* the DNSKEY set, owned, once secure */
	struct keyset ks;   /* keys prepared, borrowing from keys */
	struct valr_link *link;
};

struct fetched {
	ldns_rdf *name;
	ldns_rr_type type;
	ldns_pkt_rcode rcode;
	uint16_t ede;
	ldns_rr_list *answer, *authority;
};

struct validator {
	ldns_rr_list *anchor;
	double now;
	struct keycache *kc; /* borrowed, may be NULL */
	const struct nta_list *nta; /* borrowed, may be NULL */
	ldns_rdf *qname;
	ldns_rr_type qtype;
	ldns_pkt_rcode rcode;
	ldns_rr_list *answer, *authority;

	struct vzone zones[MAX_ZONES];
	size_t nzones;
	ldns_rdf *noncut[MAX_NONCUTS]; /* names proven to be no zone cut */
	size_t nnoncut;
	struct fetched *fetched;
	size_t nfetched;
	ldns_rdf *want_name; /* the fetch asked for */
	ldns_rr_type want_type;

	size_t next_set; /* answer RRsets checked so far */
	bool proof_done;
	bool insecure;   /* some RRset lives below an insecure delegation */
	uint16_t insecure_ede;
	char insecure_why[VALR_WHY];
	bool done;
	enum val_security verdict;
	uint16_t ede;
	char why[VALR_WHY * 2];
	struct val_report rep;
};

bool validator_is_dnssec_rr(const ldns_rr *rr)
{
	ldns_rr_type t = ldns_rr_get_type(rr);
	return t == LDNS_RR_TYPE_RRSIG || t == LDNS_RR_TYPE_NSEC || t == LDNS_RR_TYPE_NSEC3;
}


/* ---- the verdict ---- */

static void finish(struct validator *v, enum val_security s, uint16_t ede, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void finish(struct validator *v, enum val_security s, uint16_t ede, const char *fmt, ...)
{
	v->done = true;
	v->verdict = s;
	v->ede = s == VAL_BOGUS ? ede : (s == VAL_INSECURE ? ede : 0);
	v->why[0] = '\0';
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(v->why, sizeof v->why, fmt, ap);
		va_end(ap);
	}
	v->rep.verdict = s;
	v->rep.ede = v->ede;
	snprintf(v->rep.why, sizeof v->rep.why, "%s", v->why);
}

/* ---- signatures ---- */

static void sig_report(const ldns_rr *sig, struct valr_sig *out, bool ok)
{
	memset(out, 0, sizeof *out);
	dname_text(ldns_rr_owner(sig), out->owner, sizeof out->owner);
	out->type_covered = ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(sig));
	out->tag = ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig));
	out->alg = ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(sig));
	dname_text(ldns_rr_rrsig_signame(sig), out->signer, sizeof out->signer);
	out->inception = ldns_rdf2native_time_t(ldns_rr_rrsig_inception(sig));
	out->expiration = ldns_rdf2native_time_t(ldns_rr_rrsig_expiration(sig));
	out->verified = ok;
}

/* RFC 4034 3.1.5: serial number arithmetic on 32-bit times. */
static bool time_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static void keyset_fill(struct keyset *ks, const ldns_rr_list *keys)
{
	ks->n = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(keys) && ks->n < MAX_KEYS; i++)
		if (rrsig_key_init_deferred(&ks->k[ks->n], ldns_rr_list_rr(keys, i)) == 0)
			ks->n++;
}

static void keyset_clear(struct keyset *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		rrsig_key_clear(&ks->k[i]);
	ks->n = 0;
}

struct check {
	uint16_t ede;
	unsigned labels;     /* the labels field of the RRSIG that verified */
	char why[VALR_WHY];
	struct valr_sig sig; /* the signature that verified, or the last tried */
	bool has_sig;
};

static void describe(const ldns_rr *first, const ldns_rdf *zone, char owner[VALR_NAME], char tn[24],
		     char zn[VALR_NAME])
{
	dname_text(ldns_rr_owner(first), owner, VALR_NAME);
	rrtype_text(ldns_rr_get_type(first), tn, 24);
	dname_text(zone, zn, VALR_NAME);
}

/* Check rrset (one owner and type) against its RRSIGs in sigs with the zone
 * keys in keys (a DNSKEY list) of signer zone.  True when one signature
 * verifies; else c says why. */
static bool verify_rrset(struct validator *v, ldns_rr_list *rrset, const ldns_rr_list *sigs, struct keyset *keys,
			 const ldns_rdf *zone, struct check *c)
{
	memset(c, 0, sizeof *c);
	const ldns_rr *first = ldns_rr_list_rr(rrset, 0);
	/* The names are spelled out only for the reason of a failure. */
	char owner[VALR_NAME], tn[24], zn[VALR_NAME];
	unsigned tried = 0;
	bool any_sig = false, expired = false, early = false, key_found = false;
	uint32_t now = (uint32_t)v->now;
	for (size_t i = 0; i < ldns_rr_list_rr_count(sigs); i++) {
		const ldns_rr *sig = ldns_rr_list_rr(sigs, i);
		if (ldns_rr_get_type(sig) != LDNS_RR_TYPE_RRSIG || !dname_same(ldns_rr_owner(sig), ldns_rr_owner(first)) ||
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(sig)) != ldns_rr_get_type(first) ||
		    !dname_same(ldns_rr_rrsig_signame(sig), zone) ||
		    ldns_rdf2native_int8(ldns_rr_rrsig_labels(sig)) > ldns_dname_label_count(ldns_rr_owner(first)))
			continue; /* RFC 4035 5.3.1: not a signature over this RRset */
		any_sig = true;
		sig_report(sig, &c->sig, false);
		c->has_sig = true;
		if (time_before(c->sig.expiration, now)) {
			expired = true;
			continue;
		}
		if (time_before(now, c->sig.inception)) {
			early = true;
			continue;
		}
		for (size_t k = 0; k < keys->n; k++) {
			struct rrsig_key *key = &keys->k[k];
			if (key->tag != c->sig.tag || key->alg != c->sig.alg)
				continue;
			key_found = true;
			if (!(key->flags & LDNS_KEY_ZONE_KEY))
				continue;
			if (tried >= VAL_MAX_PER_RRSET || v->rep.validations >= VAL_MAX_PER_QUERY) {
				c->ede = EDE_DNSSEC_BOGUS;
				describe(first, zone, owner, tn, zn);
				snprintf(c->why, sizeof c->why,
					 "too many signature checks for %s %s (at most %d per RRset and %d per query, "
					 "the KeyTrap limits)", owner, tn, VAL_MAX_PER_RRSET, VAL_MAX_PER_QUERY);
				return false;
			}
			tried++;
			v->rep.validations++;
			uint8_t memo[32];
			bool memo_ok = v->kc && rrsig_memo_key(rrset, sig, key->dnskey, memo) == 0;
			ldns_status s = LDNS_STATUS_OK;
			if (!memo_ok || !keycache_sig_known(v->kc, memo)) {
				rrsig_key_prepare(key);
				s = rrsig_verify_cached(v->kc ? keycache_rrsig(v->kc) : NULL, rrset, sig, key, (time_t)now);
			}
			if (s == LDNS_STATUS_OK && memo_ok)
				keycache_sig_remember(v->kc, memo);
			if (s == LDNS_STATUS_OK) {
				c->sig.verified = true;
				c->labels = ldns_rdf2native_int8(ldns_rr_rrsig_labels(sig));
				return true;
			}
		}
	}
	describe(first, zone, owner, tn, zn);
	if (!any_sig) {
		c->ede = EDE_RRSIGS_MISSING;
		snprintf(c->why, sizeof c->why, "%s %s has no RRSIG by %s, which is signed", owner, tn, zn);
	} else if (tried) {
		c->ede = EDE_DNSSEC_BOGUS;
		snprintf(c->why, sizeof c->why, "the RRSIG over %s %s does not verify with %s's key %u", owner, tn, zn,
			 c->sig.tag);
	} else if (expired) {
		c->ede = EDE_SIG_EXPIRED;
		snprintf(c->why, sizeof c->why, "the RRSIG over %s %s expired (lab clock past its end)", owner, tn);
	} else if (early) {
		c->ede = EDE_SIG_NOT_YET_VALID;
		snprintf(c->why, sizeof c->why, "the RRSIG over %s %s is not valid yet (lab clock before its start)",
			 owner, tn);
	} else {
		c->ede = key_found ? EDE_NO_ZONE_KEY_BIT : EDE_DNSKEY_MISSING;
		snprintf(c->why, sizeof c->why, "%s %s is signed by key %u, which %s has no usable DNSKEY for", owner, tn,
			 c->sig.tag, zn);
	}
	return false;
}

/* The records of l with owner and type (type 0: any but RRSIG), borrowed in
 * a new list. */
static ldns_rr_list *select_rrs(const ldns_rr_list *l, const ldns_rdf *owner, ldns_rr_type type)
{
	ldns_rr_list *r = ldns_rr_list_new();
	for (size_t i = 0; r && i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		if ((!owner || dname_same(ldns_rr_owner(rr), owner)) && ldns_rr_get_type(rr) == type)
			ldns_rr_list_push_rr(r, rr);
	}
	return r;
}

/* ---- the zone table ---- */

static struct vzone *zone_add(struct validator *v, const ldns_rdf *name, enum vz_state st)
{
	if (v->nzones == MAX_ZONES)
		return NULL;
	struct vzone *z = &v->zones[v->nzones];
	memset(z, 0, sizeof *z);
	z->name = ldns_rdf_clone(name);
	z->state = st;
	z->link = &v->rep.links[v->nzones];
	memset(z->link, 0, sizeof *z->link);
	dname_text(name, z->link->zone, sizeof z->link->zone);
	v->nzones++;
	v->rep.nlinks = v->nzones;
	return z;
}

static void zone_fail(struct vzone *z, enum vz_state st, uint16_t ede, const char *why)
{
	z->state = st;
	z->link->state = st == VZ_INSECURE ? VAL_INSECURE : VAL_BOGUS;
	z->link->ede = ede;
	snprintf(z->link->why, sizeof z->link->why, "%s", why);
}

static bool is_noncut(const struct validator *v, const ldns_rdf *name)
{
	for (size_t i = 0; i < v->nnoncut; i++)
		if (dname_same(v->noncut[i], name))
			return true;
	return false;
}

/* ---- fetches ---- */

static const struct fetched *fetched_get(const struct validator *v, const ldns_rdf *name, ldns_rr_type t)
{
	for (size_t i = 0; i < v->nfetched; i++)
		if (v->fetched[i].type == t && dname_same(v->fetched[i].name, name))
			return &v->fetched[i];
	return NULL;
}

/* The outcome of (name, t), or NULL after asking for it. */
static const struct fetched *need(struct validator *v, const ldns_rdf *name, ldns_rr_type t)
{
	const struct fetched *f = fetched_get(v, name, t);
	if (f)
		return f;
	ldns_rdf_deep_free(v->want_name);
	v->want_name = ldns_rdf_clone(name);
	v->want_type = t;
	return NULL;
}

void validator_on_fetch(struct validator *v, const struct iter_result *r)
{
	if (!v->want_name)
		return;
	struct fetched *n = realloc(v->fetched, (v->nfetched + 1) * sizeof *n);
	if (!n)
		return; /* asked again, and failing again, the validation ends bogus */
	v->fetched = n;
	struct fetched *f = &n[v->nfetched++];
	f->name = v->want_name;
	f->type = v->want_type;
	f->rcode = r->rcode;
	f->ede = r->ede;
	f->answer = ldns_rr_list_clone(r->answer);
	f->authority = ldns_rr_list_clone(r->authority);
	v->want_name = NULL;
}

/* ---- what earlier validations proved (keycache.h) ---- */

void validator_use_keycache(struct validator *v, struct keycache *kc)
{
	v->kc = kc;
}

void validator_use_nta(struct validator *v, const struct nta_list *l)
{
	v->nta = l;
}

static const struct nta *nta_for(const struct validator *v, const ldns_rdf *name)
{
	return v->nta ? nta_covering(v->nta, name, v->now) : NULL;
}

static double min_ttl(const ldns_rr_list *l, double ttl)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_ttl(ldns_rr_list_rr(l, i)) < ttl)
			ttl = ldns_rr_ttl(ldns_rr_list_rr(l, i));
	return ttl;
}

static void remember(struct validator *v, const ldns_rdf *name, enum kc_state st, const ldns_rr_list *keys,
		     uint16_t ede, const char *why, double ttl)
{
	if (v->kc)
		keycache_put(v->kc, name, st, keys, ede, why, v->now, ttl);
}

/* Add name as a zone (or a known non-cut) from the key cache.  Returns true
 * when the cache knew it. */
static bool from_keycache(struct validator *v, const ldns_rdf *name)
{
	/* What was proven before an NTA was added does not apply under it. */
	const struct kc_entry *e = v->kc && !nta_for(v, name) ? keycache_get(v->kc, name, v->now) : NULL;
	if (!e)
		return false;
	if (e->state == KC_NOT_A_CUT) {
		if (v->nnoncut == MAX_NONCUTS)
			return false;
		v->noncut[v->nnoncut++] = ldns_rdf_clone(name);
		return true;
	}
	struct vzone *z = zone_add(v, name, e->state == KC_SECURE ? VZ_SECURE : VZ_INSECURE);
	if (!z)
		return false;
	if (e->state == KC_SECURE) {
		z->keys = ldns_rr_list_clone(e->keys);
		keyset_fill(&z->ks, z->keys);
		z->link->state = VAL_SECURE;
		z->link->anchor = ldns_dname_label_count(name) == 0;
	} else {
		z->link->no_ds = true;
		zone_fail(z, VZ_INSECURE, e->ede, e->why);
	}
	return true;
}

/* ---- keys: DS to DNSKEY ---- */

static ldns_hash ds_hash(uint8_t digest_type, bool *ok)
{
	*ok = true;
	switch (digest_type) {
	case LDNS_SHA1:
		return LDNS_SHA1;
	case LDNS_SHA256:
		return LDNS_SHA256;
	case LDNS_SHA384:
		return LDNS_SHA384;
	default:
		*ok = false;
		return LDNS_SHA256;
	}
}

static bool alg_supported(uint8_t alg)
{
	return alg == LDNS_RSASHA256 || alg == LDNS_RSASHA512 || alg == LDNS_ECDSAP256SHA256 ||
	       alg == LDNS_ECDSAP384SHA384 || alg == LDNS_ED25519 || alg == LDNS_ED448 || alg == LDNS_RSASHA1 ||
	       alg == LDNS_RSASHA1_NSEC3;
}

/* Does key hash to ds? */
static bool ds_matches(const ldns_rr *ds, const ldns_rr *key)
{
	if (ldns_rr_get_type(ds) == LDNS_RR_TYPE_DNSKEY) /* an anchor given as a key */
		return ldns_rdf_compare(ldns_rr_rdf(ds, 3), ldns_rr_rdf(key, 3)) == 0 &&
		       ldns_rdf2native_int8(ldns_rr_rdf(ds, 2)) == ldns_rdf2native_int8(ldns_rr_rdf(key, 2));
	bool ok;
	ldns_hash h = ds_hash(ldns_rdf2native_int8(ldns_rr_rdf(ds, 2)), &ok);
	if (!ok || ldns_calc_keytag(key) != ldns_rdf2native_int16(ldns_rr_rdf(ds, 0)) ||
	    ldns_rdf2native_int8(ldns_rr_rdf(key, 2)) != ldns_rdf2native_int8(ldns_rr_rdf(ds, 1)))
		return false;
	ldns_rr *mine = ldns_key_rr2ds(key, h);
	bool same = mine && ldns_rdf_compare(ldns_rr_rdf(mine, 3), ldns_rr_rdf(ds, 3)) == 0;
	ldns_rr_free(mine);
	return same;
}

static void report_ds(struct vzone *z)
{
	struct valr_link *l = z->link;
	l->nds = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(z->ds) && l->nds < VALR_MAX_DS; i++) {
		const ldns_rr *d = ldns_rr_list_rr(z->ds, i);
		struct valr_ds *o = &l->ds[l->nds++];
		if (ldns_rr_get_type(d) == LDNS_RR_TYPE_DNSKEY) {
			o->tag = ldns_calc_keytag(d);
			o->alg = ldns_rdf2native_int8(ldns_rr_rdf(d, 2));
			o->digest_type = 0;
		} else {
			o->tag = ldns_rdf2native_int16(ldns_rr_rdf(d, 0));
			o->alg = ldns_rdf2native_int8(ldns_rr_rdf(d, 1));
			o->digest_type = ldns_rdf2native_int8(ldns_rr_rdf(d, 2));
		}
	}
}

/* The zone's DNSKEY set is fetched: find the keys the DS names and check
 * that one of them signs the set.  Ends with z SECURE, INSECURE or BOGUS. */
static void zone_keys(struct validator *v, struct vzone *z, const struct fetched *f)
{
	char zn[VALR_NAME], why[VALR_WHY];
	dname_text(z->name, zn, sizeof zn);
	report_ds(z);
	bool usable = false;
	for (size_t i = 0; i < ldns_rr_list_rr_count(z->ds); i++) {
		const ldns_rr *d = ldns_rr_list_rr(z->ds, i);
		bool ok = true;
		if (ldns_rr_get_type(d) == LDNS_RR_TYPE_DS)
			ds_hash(ldns_rdf2native_int8(ldns_rr_rdf(d, 2)), &ok);
		uint8_t alg = ldns_rdf2native_int8(ldns_rr_rdf(d, ldns_rr_get_type(d) == LDNS_RR_TYPE_DS ? 1 : 2));
		usable = usable || (ok && alg_supported(alg));
	}
	if (!usable) {
		/* RFC 4035 5.2: no DS this validator can use is as good as none. */
		zone_fail(z, VZ_INSECURE, 0, "no DS uses an algorithm and digest this validator supports");
		return;
	}
	ldns_rr_list *keys = select_rrs(f->answer, z->name, LDNS_RR_TYPE_DNSKEY);
	ldns_rr_list *sigs = select_rrs(f->answer, z->name, LDNS_RR_TYPE_RRSIG);
	struct valr_link *l = z->link;
	l->nkeys = 0;
	ldns_rr_list *matched = ldns_rr_list_new();
	for (size_t k = 0; k < ldns_rr_list_rr_count(keys); k++) {
		ldns_rr *key = ldns_rr_list_rr(keys, k);
		bool m = false;
		for (size_t i = 0; i < ldns_rr_list_rr_count(z->ds) && !m; i++)
			m = ds_matches(ldns_rr_list_rr(z->ds, i), key);
		if (m)
			ldns_rr_list_push_rr(matched, key);
		for (size_t i = 0; i < ldns_rr_list_rr_count(z->ds) && i < l->nds; i++)
			if (ds_matches(ldns_rr_list_rr(z->ds, i), key))
				l->ds[i].matched = true;
		if (l->nkeys < VALR_MAX_KEYS)
			l->keys[l->nkeys++] = (struct valr_key){
				.tag = ldns_calc_keytag(key), .alg = ldns_rdf2native_int8(ldns_rr_rdf(key, 2)),
				.flags = ldns_rdf2native_int16(ldns_rr_rdf(key, 0)), .matches_ds = m,
			};
	}
	if (f->rcode == LDNS_RCODE_SERVFAIL || !ldns_rr_list_rr_count(keys)) {
		snprintf(why, sizeof why, "%s has a DS in its parent but no DNSKEY could be fetched", zn);
		zone_fail(z, VZ_BOGUS, EDE_DNSKEY_MISSING, why);
	} else if (!ldns_rr_list_rr_count(matched)) {
		snprintf(why, sizeof why, "no DNSKEY of %s matches the DS %s(tag %u): the chain of trust is broken there", zn,
			 l->anchor ? "of the trust anchor " : "in its parent ", l->nds ? l->ds[0].tag : 0);
		zone_fail(z, VZ_BOGUS, EDE_DNSKEY_MISSING, why);
	} else {
		struct check c;
		/* The DNSKEY set must be signed by a key the DS names. */
		struct keyset ks;
		keyset_fill(&ks, matched);
		bool ok = verify_rrset(v, keys, sigs, &ks, z->name, &c);
		keyset_clear(&ks);
		l->key_sig = c.sig;
		l->has_key_sig = c.has_sig;
		if (ok) {
			for (size_t k = 0; k < l->nkeys; k++)
				l->keys[k].signed_keys = l->keys[k].tag == c.sig.tag && l->keys[k].matches_ds;
			z->keys = ldns_rr_list_clone(keys);
			keyset_fill(&z->ks, z->keys);
			z->state = VZ_SECURE;
			/* As long as the DS, the keys and their signature last. */
			double ttl = min_ttl(z->ds, min_ttl(keys, 86400));
			if ((double)c.sig.expiration - v->now < ttl)
				ttl = (double)c.sig.expiration - v->now;
			remember(v, z->name, KC_SECURE, keys, 0, NULL, ttl);
			l->state = VAL_SECURE;
		} else {
			snprintf(why, sizeof why, "the DNSKEY set of %s: %s", zn, c.why);
			zone_fail(z, VZ_BOGUS, c.ede == EDE_RRSIGS_MISSING ? EDE_DNSSEC_BOGUS : c.ede, why);
		}
	}
	ldns_rr_list_free(matched);
	ldns_rr_list_free(keys);
	ldns_rr_list_free(sigs);
}

/* The NSEC or NSEC3 records of a response's authority section with their
 * signatures checked by zone's keys.  Returns the verified records
 * (borrowed in a new list) or NULL with c filled. */
static ldns_rr_list *verified_proof(struct validator *v, const ldns_rr_list *auth, struct vzone *z,
				    struct check *c, unsigned *iterations)
{
	ldns_rr_list *out = ldns_rr_list_new();
	*iterations = 0;
	memset(c, 0, sizeof *c);
	for (size_t i = 0; out && i < ldns_rr_list_rr_count(auth); i++) {
		ldns_rr *rr = ldns_rr_list_rr(auth, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		if (t != LDNS_RR_TYPE_NSEC && t != LDNS_RR_TYPE_NSEC3)
			continue;
		if (!dname_at_or_below(ldns_rr_owner(rr), z->name))
			continue;
		if (t == LDNS_RR_TYPE_NSEC3 && ldns_nsec3_iterations(rr) > *iterations)
			*iterations = ldns_nsec3_iterations(rr);
		ldns_rr_list *one = ldns_rr_list_new();
		ldns_rr_list_push_rr(one, rr);
		bool ok = verify_rrset(v, one, auth, &z->ks, z->name, c);
		ldns_rr_list_free(one);
		if (!ok) {
			ldns_rr_list_free(out);
			return NULL;
		}
		ldns_rr_list_push_rr(out, rr);
	}
	if (out && !ldns_rr_list_rr_count(out)) {
		c->ede = EDE_NSEC_MISSING;
		snprintf(c->why, sizeof c->why, "no NSEC or NSEC3 record proves it");
		ldns_rr_list_free(out);
		return NULL;
	}
	return out;
}

/* ---- the walk down from the trust anchor ---- */

/* The deepest zone known on the way to target. */
static struct vzone *deepest(struct validator *v, const ldns_rdf *target)
{
	struct vzone *best = NULL;
	for (size_t i = 0; i < v->nzones; i++)
		if (dname_at_or_below(target, v->zones[i].name) &&
		    (!best || ldns_dname_label_count(v->zones[i].name) > ldns_dname_label_count(best->name)))
			best = &v->zones[i];
	return best;
}

/* n's DS set ds (from fetch f) is z's to sign: check it and add n as a
 * zone whose DNSKEY set comes next (or a bogus one).  NULL when the
 * validation has finished (too many zones). */
static struct vzone *ds_child(struct validator *v, struct vzone *z, const ldns_rdf *n, const struct fetched *f,
			      ldns_rr_list *ds)
{
	char why[VALR_WHY * 2], nn[VALR_NAME], zn[VALR_NAME];
	struct check c;
	ldns_rr_list *sigs = select_rrs(f->answer, n, LDNS_RR_TYPE_RRSIG);
	bool ok = verify_rrset(v, ds, sigs, &z->ks, z->name, &c);
	ldns_rr_list_free(sigs);
	struct vzone *child = zone_add(v, n, ok ? VZ_DS_OK : VZ_BOGUS);
	if (!child) {
		finish(v, VAL_BOGUS, EDE_DNSSEC_BOGUS, "the chain of trust is more than %d zones deep", MAX_ZONES);
		return NULL;
	}
	child->ds = ldns_rr_list_clone(ds);
	child->link->ds_sig = c.sig;
	child->link->has_ds_sig = c.has_sig;
	report_ds(child);
	if (!ok) {
		dname_text(n, nn, sizeof nn);
		dname_text(z->name, zn, sizeof zn);
		snprintf(why, sizeof why, "the DS of %s in %s: %s", nn, zn, c.why);
		zone_fail(child, VZ_BOGUS, c.ede, why);
	}
	return child;
}

/* The zone that signed name's DS set in f (borrowed), or NULL. */
static const ldns_rdf *ds_signer(const struct fetched *f, const ldns_rdf *name)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(f->answer); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(f->answer, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG && dname_same(ldns_rr_owner(rr), name) &&
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == LDNS_RR_TYPE_DS &&
		    ldns_dname_is_subdomain(name, ldns_rr_rrsig_signame(rr)))
			return ldns_rr_rrsig_signame(rr);
	}
	return NULL;
}

static struct vzone *walk(struct validator *v, const ldns_rdf *target, bool cut);

/* A negative trust anchor (RFC 7646) below the secure zone z, over target:
 * the chain ends there, insecure, without asking for its DS or keys.
 * Returns 1 when that zone was added, 0 when there is none, -1 when the
 * validation has finished (too many zones). */
static int nta_cut(struct validator *v, const struct vzone *z, const ldns_rdf *target)
{
	const struct nta *n = nta_for(v, target);
	if (!n || ldns_dname_label_count(n->name) <= ldns_dname_label_count(z->name))
		return 0;
	struct vzone *c = zone_add(v, n->name, VZ_INSECURE);
	if (!c) {
		finish(v, VAL_BOGUS, EDE_DNSSEC_BOGUS, "the chain of trust is more than %d zones deep", MAX_ZONES);
		return -1;
	}
	char why[VALR_WHY], until[64];
	snprintf(why, sizeof why, "negative trust anchor for %s until %s (RFC 7646): not validated", n->text,
		 nta_time(n->until, until, sizeof until));
	zone_fail(c, VZ_INSECURE, 0, why);
	c->link->nta = true;
	c->link->nta_until = n->until;
	v->rep.nta = true;
	return 1;
}

/* Signed data names its zone: ask for that zone's DS at once, and let the
 * DS's own signature name the parent, instead of asking label by label
 * (a zone delegated many labels below its parent, like an IPv6 reverse
 * zone, would cost a signature check per empty label).  Returns 1 when the
 * zone of target is now known, 0 to walk label by label, -1 when a fetch is
 * pending or the validation has finished. */
static int jump(struct validator *v, struct vzone *z, const ldns_rdf *target)
{
	if (from_keycache(v, target))
		return 1;
	const struct fetched *f = need(v, target, LDNS_RR_TYPE_DS);
	if (!f)
		return -1;
	ldns_rr_list *ds = select_rrs(f->answer, target, LDNS_RR_TYPE_DS);
	const ldns_rdf *parent = ldns_rr_list_rr_count(ds) ? ds_signer(f, target) : NULL;
	if (!parent || !dname_at_or_below(parent, z->name)) {
		ldns_rr_list_free(ds);
		return 0; /* unsigned, or no DS: go label by label */
	}
	struct vzone *pz = dname_same(parent, z->name) ? z : walk(v, parent, true);
	if (!pz || pz->state != VZ_SECURE || !dname_same(pz->name, parent)) {
		ldns_rr_list_free(ds);
		return pz && !v->done ? 1 : -1; /* pz ends the walk, or a fetch is pending */
	}
	struct vzone *child = ds_child(v, pz, target, f, ds);
	ldns_rr_list_free(ds);
	return child ? 1 : -1;
}

/* Walk from the anchor to the zone that holds target.  Returns the zone
 * (whatever its state) when known, or NULL with a fetch asked for (or the
 * validation finished). */
static struct vzone *walk(struct validator *v, const ldns_rdf *target, bool cut)
{
	bool jumped = false;
	char why[VALR_WHY * 2], nn[VALR_NAME], zn[VALR_NAME];
	for (;;) {
		struct vzone *z = deepest(v, target);
		if (!z) {
			ldns_rdf *root = ldns_dname_new_frm_str(".");
			if (root && ldns_rr_list_rr_count(v->anchor) && from_keycache(v, root)) {
				ldns_rdf_deep_free(root);
				continue;
			}
			z = root ? zone_add(v, root, VZ_DS_OK) : NULL;
			ldns_rdf_deep_free(root);
			if (!z) {
				finish(v, VAL_BOGUS, EDE_DNSSEC_BOGUS, "out of memory");
				return NULL;
			}
			z->link->anchor = true;
			z->ds = ldns_rr_list_clone(v->anchor);
			if (!ldns_rr_list_rr_count(v->anchor)) {
				zone_fail(z, VZ_INSECURE, 0, "no trust anchor is configured");
				return z;
			}
		}
		if (z->state == VZ_DS_OK) {
			const struct fetched *f = need(v, z->name, LDNS_RR_TYPE_DNSKEY);
			if (!f)
				return NULL;
			zone_keys(v, z, f);
			continue;
		}
		if (z->state != VZ_SECURE)
			return z;
		int nc = nta_cut(v, z, target);
		if (nc < 0)
			return NULL;
		if (nc > 0)
			continue; /* the NTA's zone is now the deepest: insecure */
		if (cut && !jumped && ldns_dname_is_subdomain(target, z->name)) {
			jumped = true;
			int j = jump(v, z, target);
			if (j < 0)
				return NULL;
			if (j > 0)
				continue; /* from the zone now known */
		}
		/* The next name down: one label below the zone, past names known
		 * to be no cut. */
		size_t tl = ldns_dname_label_count(target), l = ldns_dname_label_count(z->name) + 1;
		ldns_rdf *n = NULL;
		for (; l <= tl; l++) {
			ldns_rdf_deep_free(n);
			n = ldns_dname_clone_from(target, tl - l); /* the ancestor with l labels */
			if (!n || !is_noncut(v, n))
				break;
		}
		if (!n || l > tl) {
			ldns_rdf_deep_free(n);
			return z; /* target lives in z */
		}
		if (from_keycache(v, n)) {
			ldns_rdf_deep_free(n);
			continue;
		}
		const struct fetched *f = need(v, n, LDNS_RR_TYPE_DS);
		if (!f) {
			ldns_rdf_deep_free(n);
			return NULL;
		}
		dname_text(n, nn, sizeof nn);
		dname_text(z->name, zn, sizeof zn);
		ldns_rr_list *ds = select_rrs(f->answer, n, LDNS_RR_TYPE_DS);
		if (f->rcode == LDNS_RCODE_SERVFAIL) {
			struct vzone *c = zone_add(v, n, VZ_BOGUS);
			snprintf(why, sizeof why, "the DS lookup for %s failed (SERVFAIL)", nn);
			if (c)
				zone_fail(c, VZ_BOGUS, EDE_DNSSEC_BOGUS, why);
			ldns_rr_list_free(ds);
			ldns_rdf_deep_free(n);
			return c ? c : z;
		}
		if (ldns_rr_list_rr_count(ds)) {
			struct vzone *child = ds_child(v, z, n, f, ds);
			ldns_rr_list_free(ds);
			ldns_rdf_deep_free(n);
			if (!child)
				return NULL;
			continue;
		}
		ldns_rr_list_free(ds);
		/* No DS: the parent must prove it, and say whether n is a cut. */
		struct check c;
		unsigned iterations;
		ldns_rr_list *proof = verified_proof(v, f->authority, z, &c, &iterations);
		enum denial d = DENIAL_FAIL;
		bool hash_limit = false;
		if (proof && iterations > VAL_MAX_NSEC3_ITERATIONS) {
			struct vzone *child = zone_add(v, n, VZ_INSECURE);
			snprintf(why, sizeof why,
				 "%s proves the absence of a DS with NSEC3 using %u iterations; above %d a validator "
				 "treats the zone as insecure (RFC 9276)", zn, iterations, VAL_MAX_NSEC3_ITERATIONS);
			if (child)
				zone_fail(child, VZ_INSECURE, EDE_NSEC3_ITERATIONS, why);
			ldns_rr_list_free(proof);
			ldns_rdf_deep_free(n);
			return child ? child : z;
		}
		if (proof)
			d = denial_check(proof, z->name, n, LDNS_RR_TYPE_DS, f->rcode == LDNS_RCODE_NXDOMAIN, &hash_limit);
		const char *kind = proof && ldns_rr_list_rr_count(proof) &&
					   ldns_rr_get_type(ldns_rr_list_rr(proof, 0)) == LDNS_RR_TYPE_NSEC3 ? "NSEC3" : "NSEC";
		ldns_rr_list_free(proof);
		if (f->rcode == LDNS_RCODE_NXDOMAIN && d == DENIAL_OK)
			d = DENIAL_NOT_CUT; /* nothing below exists: the data is z's to sign */
		if (d == DENIAL_NOT_CUT) {
			remember(v, n, KC_NOT_A_CUT, NULL, 0, NULL, min_ttl(f->authority, 3600));
			if (v->nnoncut == MAX_NONCUTS) {
				ldns_rdf_deep_free(n);
				finish(v, VAL_BOGUS, EDE_DNSSEC_BOGUS, "more than %d empty labels between zones", MAX_NONCUTS);
				return NULL;
			}
			v->noncut[v->nnoncut++] = n;
			if (f->rcode == LDNS_RCODE_NXDOMAIN)
				return z;
			continue;
		}
		struct vzone *child = zone_add(v, n, d == DENIAL_CUT_INSECURE ? VZ_INSECURE : VZ_BOGUS);
		ldns_rdf_deep_free(n);
		if (!child) {
			finish(v, VAL_BOGUS, EDE_DNSSEC_BOGUS, "the chain of trust is more than %d zones deep", MAX_ZONES);
			return NULL;
		}
		if (d == DENIAL_CUT_INSECURE) {
			child->link->no_ds = true;
			snprintf(child->link->denial, sizeof child->link->denial, "%s", kind);
			snprintf(why, sizeof why, "%s has no DS in %s (proven by %s): an insecure delegation", nn, zn, kind);
			zone_fail(child, VZ_INSECURE, 0, why);
			remember(v, child->name, KC_INSECURE, NULL, 0, why, min_ttl(f->authority, 3600));
		} else if (hash_limit) {
			snprintf(why, sizeof why, "proving that %s has no DS needs more than %d NSEC3 hashes", nn,
				 VAL_MAX_NSEC3_HASHES);
			zone_fail(child, VZ_BOGUS, EDE_DNSSEC_BOGUS, why);
		} else {
			snprintf(why, sizeof why, "%s answers that %s has no DS, but %s", zn, nn,
				 c.why[0] ? c.why : "its NSEC records do not prove it");
			zone_fail(child, VZ_BOGUS, c.ede ? c.ede : EDE_NSEC_MISSING, why);
		}
		return child;
	}
}

/* ---- the answer ---- */

/* The next RRset of the answer section to check: owner and type of the
 * first record not an RRSIG at index >= *from. */
static const ldns_rr *nth_set(const ldns_rr_list *an, size_t n)
{
	size_t seen = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG)
			continue;
		bool first = true;
		for (size_t j = 0; j < i && first; j++) {
			const ldns_rr *p = ldns_rr_list_rr(an, j);
			first = !(ldns_rr_get_type(p) == ldns_rr_get_type(rr) && dname_same(ldns_rr_owner(p), ldns_rr_owner(rr)));
		}
		if (first && seen++ == n)
			return rr;
	}
	return NULL;
}

/* The signer the data claims, or NULL: then the walk goes to the owner. */
static const ldns_rdf *claimed_signer(const ldns_rr_list *l, const ldns_rdf *owner, ldns_rr_type t)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG && dname_same(ldns_rr_owner(rr), owner) &&
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == t && dname_at_or_below(owner, ldns_rr_rrsig_signame(rr)))
			return ldns_rr_rrsig_signame(rr);
	}
	return NULL;
}

static void add_sig_report(struct validator *v, const struct check *c)
{
	if (c->has_sig && v->rep.nsigs < VALR_MAX_SIGS)
		v->rep.sigs[v->rep.nsigs++] = c->sig;
}

/* A zone state ended the walk insecure or bogus: the verdict. */
static bool zone_verdict(struct validator *v, const struct vzone *z)
{
	if (z->state == VZ_INSECURE) {
		finish(v, VAL_INSECURE, z->link->ede, "%s", z->link->why);
		return true;
	}
	if (z->state == VZ_BOGUS) {
		finish(v, VAL_BOGUS, z->link->ede ? z->link->ede : EDE_DNSSEC_BOGUS, "%s", z->link->why);
		return true;
	}
	return false;
}

/* Check one RRset of the answer.  Returns true when done with it (the
 * validation may have finished), false when a fetch is pending. */
static void mark_insecure(struct validator *v, const struct vzone *z)
{
	if (v->insecure)
		return;
	v->insecure = true;
	v->insecure_ede = z->link->ede;
	snprintf(v->insecure_why, sizeof v->insecure_why, "%s", z->link->why);
}

static bool check_set(struct validator *v, const ldns_rr *first)
{
	const ldns_rdf *owner = ldns_rr_owner(first);
	ldns_rr_type t = ldns_rr_get_type(first);
	const ldns_rdf *signer = claimed_signer(v->answer, owner, t);
	struct vzone *z = walk(v, signer ? signer : owner, signer != NULL);
	if (!z)
		return v->done;
	if (z->state == VZ_INSECURE) {
		mark_insecure(v, z);
		return true;
	}
	if (zone_verdict(v, z))
		return true;
	char on[VALR_NAME];
	dname_text(owner, on, sizeof on);
	if (signer && !dname_same(signer, z->name)) {
		char sn[VALR_NAME];
		dname_text(signer, sn, sizeof sn);
		finish(v, VAL_BOGUS, EDE_DNSSEC_BOGUS, "%s is signed by %s, which is not a zone", on, sn);
		return true;
	}
	ldns_rr_list *set = select_rrs(v->answer, owner, t);
	struct check c;
	bool ok = verify_rrset(v, set, v->answer, &z->ks, z->name, &c);
	ldns_rr_list_free(set);
	add_sig_report(v, &c);
	if (!ok) {
		finish(v, VAL_BOGUS, c.ede, "%s", c.why);
		return true;
	}
	unsigned labels = c.labels; /* of the signature that verified, not of any decoy */
	if (labels < ldns_dname_label_count(owner)) {
		/* A wildcard answer: the name itself must be proven absent
		 * (RFC 4035 5.3.4, RFC 5155 8.8). */
		unsigned iterations;
		ldns_rr_list *proof = verified_proof(v, v->authority, z, &c, &iterations);
		bool proven = false, hash_limit = false;
		if (proof && ldns_rr_get_type(ldns_rr_list_rr(proof, 0)) == LDNS_RR_TYPE_NSEC3 &&
		    iterations > VAL_MAX_NSEC3_ITERATIONS) {
			ldns_rr_list_free(proof);
			finish(v, VAL_INSECURE, EDE_NSEC3_ITERATIONS,
			       "the wildcard proof uses NSEC3 with %u iterations (over %d)", iterations,
			       VAL_MAX_NSEC3_ITERATIONS);
			return true;
		}
		if (proof)
			proven = denial_wildcard_ok(proof, z->name, owner, labels, &hash_limit);
		ldns_rr_list_free(proof);
		if (!proven) {
			finish(v, VAL_BOGUS, hash_limit ? EDE_DNSSEC_BOGUS : EDE_NSEC_MISSING,
			       "%s was made from a wildcard, but nothing proves that %s itself does not exist", on, on);
			return true;
		}
	}
	return true;
}

/* NXDOMAIN or NODATA: the SOA and the proof, signed by the zone. */
static void check_negative(struct validator *v)
{
	v->rep.negative = true;
	const ldns_rr *soa = NULL;
	for (size_t i = 0; i < ldns_rr_list_rr_count(v->authority) && !soa; i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(v->authority, i)) == LDNS_RR_TYPE_SOA)
			soa = ldns_rr_list_rr(v->authority, i);
	/* A CNAME chain ends at the last target: that is the name denied. */
	const ldns_rdf *name = v->qname;
	for (size_t i = 0; i < ldns_rr_list_rr_count(v->answer); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(v->answer, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME && dname_same(ldns_rr_owner(rr), name))
			name = ldns_rr_rdf(rr, 0);
	}
	char qn[VALR_NAME], sn[VALR_NAME];
	dname_text(name, qn, sizeof qn);
	if (soa && !dname_at_or_below(name, ldns_rr_owner(soa))) {
		/* Another zone's SOA (and proof) cannot deny this name: it would
		 * let an insecure or unrelated zone stand in for the real one. */
		dname_text(ldns_rr_owner(soa), sn, sizeof sn);
		v->proof_done = true;
		finish(v, VAL_BOGUS, EDE_DNSSEC_BOGUS, "the negative answer for %s comes with the SOA of %s, which does "
			"not hold that name", qn, sn);
		return;
	}
	const ldns_rdf *zone_name = soa ? ldns_rr_owner(soa) : name;
	struct vzone *z = walk(v, zone_name, soa != NULL);
	if (!z)
		return;
	if (z->state == VZ_INSECURE) {
		mark_insecure(v, z);
		v->proof_done = true;
		return;
	}
	if (zone_verdict(v, z))
		return;
	v->proof_done = true;
	if (!soa) {
		finish(v, VAL_BOGUS, EDE_RRSIGS_MISSING, "the negative answer for %s carries no SOA record", qn);
		return;
	}
	if (!dname_same(z->name, ldns_rr_owner(soa))) {
		dname_text(ldns_rr_owner(soa), sn, sizeof sn);
		finish(v, VAL_BOGUS, EDE_DNSSEC_BOGUS, "the negative answer's SOA is at %s, which is not a zone apex", sn);
		return;
	}
	ldns_rr_list *set = select_rrs(v->authority, ldns_rr_owner(soa), LDNS_RR_TYPE_SOA);
	struct check c;
	bool ok = verify_rrset(v, set, v->authority, &z->ks, z->name, &c);
	ldns_rr_list_free(set);
	add_sig_report(v, &c);
	if (!ok) {
		finish(v, VAL_BOGUS, c.ede, "the SOA of the negative answer: %s", c.why);
		return;
	}
	unsigned iterations;
	ldns_rr_list *proof = verified_proof(v, v->authority, z, &c, &iterations);
	if (!proof) {
		finish(v, VAL_BOGUS, c.ede ? c.ede : EDE_NSEC_MISSING, "the denial of %s: %s", qn, c.why);
		return;
	}
	bool n3 = ldns_rr_get_type(ldns_rr_list_rr(proof, 0)) == LDNS_RR_TYPE_NSEC3;
	snprintf(v->rep.denial, sizeof v->rep.denial, "%s", n3 ? "NSEC3" : "NSEC");
	if (n3 && iterations > VAL_MAX_NSEC3_ITERATIONS) {
		ldns_rr_list_free(proof);
		finish(v, VAL_INSECURE, EDE_NSEC3_ITERATIONS,
		       "the denial uses NSEC3 with %u iterations; above %d a validator treats it as insecure (RFC 9276)",
		       iterations, VAL_MAX_NSEC3_ITERATIONS);
		return;
	}
	bool hash_limit = false;
	bool nx = v->rcode == LDNS_RCODE_NXDOMAIN;
	enum denial d = denial_check(proof, z->name, name, v->qtype, nx, &hash_limit);
	ldns_rr_list_free(proof);
	if (v->qtype == LDNS_RR_TYPE_DS && (d == DENIAL_CUT_INSECURE || d == DENIAL_NOT_CUT))
		d = DENIAL_OK;
	if (d != DENIAL_OK)
		finish(v, VAL_BOGUS, hash_limit ? EDE_DNSSEC_BOGUS : EDE_NSEC_MISSING,
		       hash_limit ? "the NSEC3 proof for %s needs more than 8 hash computations"
				  : "the %s records do not prove that %s %s",
		       hash_limit ? qn : (n3 ? "NSEC3" : "NSEC"), hash_limit ? "" : qn,
		       hash_limit ? "" : nx ? "does not exist" : "has no data of that type");
}

/* NXDOMAIN, or NOERROR without the type asked for (NODATA, possibly at
 * the end of a CNAME chain). */
static bool is_negative(const struct validator *v)
{
	if (v->rcode == LDNS_RCODE_NXDOMAIN)
		return true;
	if (v->qtype == LDNS_RR_TYPE_ANY || v->qtype == LDNS_RR_TYPE_CNAME)
		return !nth_set(v->answer, 0);
	for (size_t i = 0; i < ldns_rr_list_rr_count(v->answer); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(v->answer, i)) == v->qtype)
			return false;
	return true;
}

enum val_action validator_run(struct validator *v, struct val_fetch *out)
{
	while (!v->done) {
		ldns_rdf_deep_free(v->want_name);
		v->want_name = NULL;
		const ldns_rr *first = nth_set(v->answer, v->next_set);
		if (first) {
			if (!check_set(v, first))
				break; /* a fetch is pending */
			if (!v->done)
				v->next_set++;
			continue;
		}
		if (is_negative(v) && !v->proof_done) {
			check_negative(v);
			if (!v->proof_done && !v->done)
				break;
			continue;
		}
		if (v->insecure)
			finish(v, VAL_INSECURE, v->insecure_ede, "%s", v->insecure_why);
		else
			finish(v, VAL_SECURE, 0, NULL);
	}
	if (v->done)
		return VAL_ACT_DONE;
	out->name = v->want_name;
	out->type = v->want_type;
	return VAL_ACT_FETCH;
}

struct validator *validator_new(const ldns_rr_list *anchor, double now)
{
	struct validator *v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	v->anchor = anchor ? ldns_rr_list_clone(anchor) : ldns_rr_list_new();
	v->now = now;
	v->rep.now = now;
	if (!v->anchor) {
		free(v);
		return NULL;
	}
	return v;
}

int validator_start(struct validator *v, const ldns_rdf *qname, ldns_rr_type qtype, ldns_pkt_rcode rcode,
		    const ldns_rr_list *answer, const ldns_rr_list *authority)
{
	v->qname = ldns_rdf_clone(qname);
	v->qtype = qtype;
	v->rcode = rcode;
	v->answer = answer ? ldns_rr_list_clone(answer) : ldns_rr_list_new();
	v->authority = authority ? ldns_rr_list_clone(authority) : ldns_rr_list_new();
	dname_text(qname, v->rep.qname, sizeof v->rep.qname);
	v->rep.qtype = qtype;
	v->rep.rcode = rcode;
	if (!v->qname || !v->answer || !v->authority)
		return -1;
	if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN)
		finish(v, VAL_UNCHECKED, 0, "the resolution failed: nothing to validate");
	return 0;
}

void validator_free(struct validator *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->nzones; i++) {
		ldns_rdf_deep_free(v->zones[i].name);
		ldns_rr_list_deep_free(v->zones[i].ds);
		keyset_clear(&v->zones[i].ks);
		ldns_rr_list_deep_free(v->zones[i].keys);
	}
	for (size_t i = 0; i < v->nnoncut; i++)
		ldns_rdf_deep_free(v->noncut[i]);
	for (size_t i = 0; i < v->nfetched; i++) {
		ldns_rdf_deep_free(v->fetched[i].name);
		ldns_rr_list_deep_free(v->fetched[i].answer);
		ldns_rr_list_deep_free(v->fetched[i].authority);
	}
	free(v->fetched);
	ldns_rdf_deep_free(v->want_name);
	ldns_rdf_deep_free(v->qname);
	ldns_rr_list_deep_free(v->answer);
	ldns_rr_list_deep_free(v->authority);
	ldns_rr_list_deep_free(v->anchor);
	free(v);
}

enum val_security validator_verdict(const struct validator *v, uint16_t *ede, const char **why)
{
	if (ede)
		*ede = v->ede;
	if (why)
		*why = v->why;
	return v->verdict;
}

const struct val_report *validator_report(const struct validator *v)
{
	return &v->rep;
}
