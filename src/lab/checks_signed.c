/* checks_signed.c: checks on the student's signed zone (checks_signed.h).
 *
 * The signatures are checked with rrsig.c, as the resolver's validator does,
 * at the lab clock's now: after `clock +40d` a zone signed at real time is
 * no longer signed in this sense, and the message says so.
 *
 * A rollover step cannot be told from the served zone alone: "old ZSK
 * signs, new ZSK published" and "new ZSK signs, old ZSK published" look the
 * same without knowing which key is new.  The new key is the zone's newest
 * ZSK by the time its .key file was written (keygen writes it once and
 * nothing rewrites it). */
#include "lab/checks_signed.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dnssec/keyroles.h"
#include "dnssec/rrsig.h"

#define MAX_KEYS 16

struct served {
	const struct lab_server *srv;
	const struct zone *z;
	const ldns_dnssec_rrsets *keys, *soa;
	uint16_t tags[MAX_KEYS];
	bool ksk[MAX_KEYS];
	size_t nkeys;
	int dnskey_by, soa_by; /* index of the key whose signature verifies, or -1 */
	char soa_why[160];
};

static const struct zone *served_zone(const struct lab_server *s, const char *zone)
{
	for (size_t k = 0; s && k < s->auth.zones.n; k++)
		if (!strcasecmp(s->auth.zones.zones[k]->origin_str, zone))
			return s->auth.zones.zones[k];
	return NULL;
}

static ldns_rr_list *set_list(const ldns_dnssec_rrs *r)
{
	ldns_rr_list *l = ldns_rr_list_new();
	for (; l && r; r = r->next)
		ldns_rr_list_push_rr(l, r->rr);
	return l;
}

static const char *status_words(ldns_status st)
{
	switch (st) {
	case LDNS_STATUS_CRYPTO_SIG_EXPIRED:
		return "it has expired on the lab clock (sign again, at the lab's now)";
	case LDNS_STATUS_CRYPTO_SIG_NOT_INCEPTED:
		return "it is not valid yet on the lab clock (signed in the lab's future: sign again)";
	default:
		return "it does not verify";
	}
}

/* Which key of the DNSKEY set verifies a signature over set at now: the
 * index into sv->tags, or -1 with the reason in why. */
static int signed_by(struct served *sv, const ldns_dnssec_rrsets *set, bool want_ksk, double now, char *why,
		     size_t len)
{
	snprintf(why, len, "it has no RRSIG");
	if (!set || !set->signatures)
		return -1;
	ldns_rr_list *data = set_list(set->rrs);
	int found = -1;
	for (const ldns_dnssec_rrs *sig = set->signatures; sig && found < 0 && data; sig = sig->next) {
		uint16_t tag = ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig->rr));
		size_t i = 0;
		const ldns_dnssec_rrs *k = sv->keys->rrs;
		for (; k && !(sv->tags[i] == tag && sv->ksk[i] == want_ksk); k = k->next)
			i++;
		if (!k) {
			snprintf(why, len, "its RRSIG (key tag %u) names no %s of the DNSKEY RRset", (unsigned)tag,
				 want_ksk ? "KSK" : "ZSK");
			continue;
		}
		struct rrsig_key rk;
		if (rrsig_key_init(&rk, k->rr) != 0)
			continue;
		ldns_status st = rrsig_verify(data, sig->rr, &rk, (time_t)now);
		rrsig_key_clear(&rk);
		if (st == LDNS_STATUS_OK)
			found = (int)i;
		else
			snprintf(why, len, "its RRSIG by key %u: %s", (unsigned)tag, status_words(st));
	}
	ldns_rr_list_free(data);
	return found;
}

/* Fill sv from what s->server serves for s->zone; false with o->why set
 * when the zone is not served or not signed at all. */
static bool look(const struct check_env *e, const struct check_spec *s, struct served *sv, struct check_outcome *o)
{
	memset(sv, 0, sizeof *sv);
	sv->dnskey_by = sv->soa_by = -1;
	sv->srv = lab_find(e->lab, s->server);
	sv->z = served_zone(sv->srv, s->zone);
	if (!sv->z) {
		snprintf(o->why, sizeof o->why, "%s serves no zone %s", s->server, s->zone);
		return false;
	}
	const ldns_dnssec_name *apex = zone_find(sv->z, sv->z->origin);
	sv->keys = zone_rrset(apex, LDNS_RR_TYPE_DNSKEY);
	sv->soa = zone_rrset(apex, LDNS_RR_TYPE_SOA);
	if (!sv->keys) {
		snprintf(o->why, sizeof o->why,
			 "%s serves %s without a DNSKEY RRset: it is not signed (keygen, sign, then reload)", s->server,
			 s->zone);
		return false;
	}
	for (const ldns_dnssec_rrs *k = sv->keys->rrs; k && sv->nkeys < MAX_KEYS; k = k->next) {
		sv->tags[sv->nkeys] = ldns_calc_keytag(k->rr);
		sv->ksk[sv->nkeys++] = ldns_rdf2native_int16(ldns_rr_rdf(k->rr, 0)) & LDNS_KEY_SEP_KEY;
	}
	double now = labclock_now(&e->lab->clock);
	char why[160];
	sv->dnskey_by = signed_by(sv, sv->keys, true, now, why, sizeof why);
	if (sv->dnskey_by < 0) {
		snprintf(o->why, sizeof o->why, "the DNSKEY RRset of %s as %s serves it: %s", s->zone, s->server, why);
		return false;
	}
	sv->soa_by = signed_by(sv, sv->soa, false, now, sv->soa_why, sizeof sv->soa_why);
	if (sv->soa_by < 0) {
		snprintf(o->why, sizeof o->why, "the SOA of %s as %s serves it: %s", s->zone, s->server, sv->soa_why);
		return false;
	}
	return true;
}

/* "47733 (KSK), 26613 (ZSK)" */
static void key_words(const struct served *sv, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sv->nkeys && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%u (%s)", i ? ", " : "", (unsigned)sv->tags[i],
				      sv->ksk[i] ? "KSK" : "ZSK");
}

void check_zone_signed(const struct check_env *e, const struct check_spec *s, struct check_outcome *o)
{
	struct served sv;
	if (!look(e, s, &sv, o))
		return;
	char keys[300];
	key_words(&sv, keys, sizeof keys);
	o->pass = true;
	snprintf(o->why, sizeof o->why, "%s serves %s signed: the KSK %u signs its DNSKEY RRset, the ZSK %u its SOA",
		 s->server, s->zone, (unsigned)sv.tags[sv.dnskey_by], (unsigned)sv.tags[sv.soa_by]);
	snprintf(o->quote, sizeof o->quote, "%s\nDNSKEY RRset: %s; both signatures verify on the lab clock", o->why,
		 keys);
}

/* ---- the rollover ---- */

static bool list_has_tag(const ldns_rr_list *l, uint16_t tag)
{
	for (size_t i = 0; l && i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(l, i)) == LDNS_RR_TYPE_DNSKEY &&
		    ldns_calc_keytag(ldns_rr_list_rr(l, i)) == tag)
			return true;
	return false;
}

/* The resolver's cached data of a zone still signed by a key. */
struct old_sig {
	const ldns_rdf *zone;
	uint16_t tag;
	double now;
	char what[300];
	uint32_t left;
};

static void find_old_sig(void *arg, const struct cache_entry *c)
{
	struct old_sig *w = arg;
	if (!ldns_dname_is_subdomain(c->name, w->zone) && ldns_dname_compare(c->name, w->zone) != 0)
		return;
	for (size_t i = 0; c->sigs && i < ldns_rr_list_rr_count(c->sigs); i++) {
		const ldns_rr *sig = ldns_rr_list_rr(c->sigs, i);
		uint32_t left = cache_ttl_left(c, w->now);
		/* A negative entry's list holds its proof's records too. */
		if (ldns_rr_get_type(sig) != LDNS_RR_TYPE_RRSIG || ldns_rr_rd_count(sig) < 9 ||
		    ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig)) != w->tag || left <= w->left)
			continue;
		char *n = ldns_rdf2str(c->name), *t = ldns_rr_type2str(c->type);
		snprintf(w->what, sizeof w->what, "%s %s", n ? n : "?", t ? t : "?");
		free(n);
		free(t);
		w->left = left;
	}
}

bool check_zsk_rollover(const struct check_env *e, const struct check_spec *s, struct check_outcome *o)
{
	struct served sv;
	if (!look(e, s, &sv, o))
		return false;
	char dir[4200];
	snprintf(dir, sizeof dir, "%s", sv.z->file);
	uint16_t tag = 0, older[KEYROLES_MAX], old = 0;
	size_t nolder = 0;
	if (keyroles_zsks(dirname(dir), s->zone, &tag, older, &nolder) != 0) {
		snprintf(o->why, sizeof o->why, "%s has no ZSK next to its zone file", s->zone);
		return false;
	}
	size_t zsks = 0;
	bool published = false;
	for (size_t i = 0; i < sv.nkeys; i++) {
		if (sv.ksk[i])
			continue;
		zsks++;
		if (sv.tags[i] == tag)
			published = true;
		else
			old = sv.tags[i];
	}
	bool new_signs = sv.tags[sv.soa_by] == tag;
	char keys[300];
	key_words(&sv, keys, sizeof keys);
	snprintf(o->quote, sizeof o->quote, "DNSKEY RRset served by %s: %s; the SOA is signed by %u; the new ZSK is %u",
		 s->server, keys, (unsigned)sv.tags[sv.soa_by], (unsigned)tag);
	struct resolver *r = lab_running_resolver(e->lab);
	double now = labclock_now(&e->lab->clock);
	if (!published) {
		snprintf(o->why, sizeof o->why, "the new ZSK %u is not in the DNSKEY RRset %s serves (sign with "
			 "--publish-only %u, then reload)", (unsigned)tag, s->server, (unsigned)tag);
		return false;
	}
	if (!strcmp(s->state, "published")) {
		if (new_signs) {
			snprintf(o->why, sizeof o->why, "the new ZSK %u already signs: in this step it is only "
				 "published (sign --publish-only %u)", (unsigned)tag, (unsigned)tag);
			return false;
		}
		/* Pre-published means every cached copy of the DNSKEY RRset has it. */
		const struct cache_entry *c = r ? cache_get(&r->cache, sv.z->origin, LDNS_RR_TYPE_DNSKEY,
							    LDNS_RR_CLASS_IN, now) : NULL;
		const struct kc_entry *k = r ? keycache_get(&r->keys, sv.z->origin, now) : NULL;
		if ((c && !list_has_tag(c->rrs, tag)) || (k && k->keys && !list_has_tag(k->keys, tag))) {
			unsigned left = c && !list_has_tag(c->rrs, tag) ? cache_ttl_left(c, now)
									: (unsigned)(k->expires - now);
			snprintf(o->why, sizeof o->why, "the resolver still holds the DNSKEY RRset of %s without key %u "
				 "for %u s: wait for it to expire (clock +%us) before any signature needs it",
				 s->zone, (unsigned)tag, left, left + 1);
			return false;
		}
		snprintf(o->why, sizeof o->why, "the ZSK %u is published and the resolver's copy of the DNSKEY RRset "
			 "has it; %u still signs", (unsigned)tag, (unsigned)sv.tags[sv.soa_by]);
		return true;
	}
	if (!new_signs) {
		snprintf(o->why, sizeof o->why, "the SOA is signed by %u, not by the new ZSK %u (to switch: sign "
			 "--publish-only %u, the old key)", (unsigned)sv.tags[sv.soa_by], (unsigned)tag,
			 (unsigned)sv.tags[sv.soa_by]);
		return false;
	}
	if (!strcmp(s->state, "signing")) {
		if (zsks < 2) {
			snprintf(o->why, sizeof o->why, "the old ZSK is gone from the DNSKEY RRset already: in this step it "
				 "stays published (--publish-only), while signatures made with it are in caches");
			return false;
		}
		struct old_sig w = { sv.z->origin, old, now, "", 0 };
		if (r)
			cache_walk(&r->cache, now, find_old_sig, &w);
		if (w.left) {
			snprintf(o->why, sizeof o->why, "the new ZSK signs, but the resolver still holds %s signed by the "
				 "old ZSK %u for %u s: keep %u published until that has expired (clock +%us)", w.what,
				 (unsigned)old, w.left, (unsigned)old, w.left + 1);
			return false;
		}
		snprintf(o->why, sizeof o->why, "the new ZSK %u signs; the old one, %u, is still published and no "
			 "signature of it is left in the resolver's cache", (unsigned)tag, (unsigned)old);
		return true;
	}
	/* removed */
	if (zsks > 1) {
		snprintf(o->why, sizeof o->why, "the old ZSK %u is still in the DNSKEY RRset (sign --without %u)",
			 (unsigned)old, (unsigned)old);
		return false;
	}
	snprintf(o->why, sizeof o->why, "the rollover is done: the ZSK %u alone signs and is published",
		 (unsigned)tag);
	return true;
}
