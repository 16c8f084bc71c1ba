/* verify.c: offline verification of a signed zone (verify.h).
 *
 * Names are walked in canonical order, so data below a delegation (glue,
 * occluded names) follows its cut and is skipped as unsigned by design.
 * Every authoritative RRset needs a signature that is valid at the given
 * time and verifies with a DNSKEY of the apex; the NSEC or NSEC3 chain must
 * be whole and each record's type bitmap must match the name's types. */
#include "dnssec/verify.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "dnssec/rrsig.h"

/* The walk records jobs in zone order: an RRset whose signatures are to be
 * checked, or a problem found on the way.  The signature checks, nearly all
 * of the time, then run on one thread per CPU (at most VERIFY_MAX_THREADS),
 * each taking the next VERIFY_BATCH jobs as it gets to them; the report
 * follows the recorded order, so the output does not depend on the threads. */
#define VERIFY_MAX_THREADS 4
#define VERIFY_BATCH 256

/* One per RRset of the zone (200,000 for a signed zone of 100,000 names),
 * so kept small: 48 bytes. */
struct vjob {
	const ldns_rdf *owner;
	union {
		const ldns_dnssec_rrs *rrs; /* the RRset */
		const ldns_rr *one;         /* is_one: an NSEC/NSEC3 record, the RRset of one */
	} u;
	const ldns_dnssec_rrs *sigs;
	const char *what;    /* result: a problem code, or NULL */
	char *why;           /* result: owned */
	uint32_t signatures; /* checked */
	uint16_t type;
	bool rrset;          /* a signature check, not a recorded problem */
	bool is_one;
};

#define VERIFY_MAX_KEYS 16

struct vctx {
	const struct zone *z;
	ldns_rr_list *keys; /* the apex DNSKEY RRset, borrowed records */
	struct rrsig_key fast[VERIFY_MAX_KEYS]; /* the apex keys, prepared once */
	size_t nfast;
	time_t at;
	verify_report_fn report;
	void *arg;
	struct verify_stats *st;
	struct vjob *jobs;
	size_t njobs, cap;
	bool oom;
	atomic_size_t next_job; /* run_jobs: the next batch to take */
};

static struct vjob *job_new(struct vctx *v)
{
	if (v->njobs == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 1024;
		struct vjob *j = realloc(v->jobs, cap * sizeof *j);
		if (!j) {
			v->oom = true;
			return NULL;
		}
		v->jobs = j;
		v->cap = cap;
	}
	struct vjob *j = &v->jobs[v->njobs++];
	memset(j, 0, sizeof *j);
	return j;
}

static void problem(struct vctx *v, const ldns_rdf *owner, ldns_rr_type type, const char *what,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void problem(struct vctx *v, const ldns_rdf *owner, ldns_rr_type type, const char *what,
		    const char *fmt, ...)
{
	struct vjob *j = job_new(v);
	if (!j)
		return;
	char why[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	j->owner = owner;
	j->type = type;
	j->what = what;
	j->why = strdup(why);
}

static ldns_rr_list *rrs_list(const ldns_dnssec_rrs *r)
{
	ldns_rr_list *l = ldns_rr_list_new();
	for (; l && r; r = r->next)
		ldns_rr_list_push_rr(l, r->rr);
	return l;
}

static void time_str(uint32_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&tt, &tm)); /* runs on worker threads */
}

static void check_rrset(struct vctx *v, const ldns_rdf *owner, ldns_rr_type type, const ldns_dnssec_rrs *rrs,
			const ldns_dnssec_rrs *sigs, const ldns_rr *one)
{
	struct vjob *j = job_new(v);
	if (j) {
		j->owner = owner;
		j->type = type;
		if (one)
			j->u.one = one;
		else
			j->u.rrs = rrs;
		j->is_one = one != NULL;
		j->sigs = sigs;
		j->what = "pending";
		j->rrset = true;
	}
}

/* What one checking thread keeps from job to job. */
struct vthread {
	struct rrsig_cache *cache; /* the keys' OpenSSL contexts and buffers; NULL: none */
	ldns_rr_list *set;         /* the RRset of the job, borrowed records */
};

/* A prepared key of the zone checks sig; LDNS_STATUS_NOT_IMPL when sig
 * names none of them (more keys than VERIFY_MAX_KEYS, or an unknown tag). */
static ldns_status fast_verify(const struct vctx *v, struct vthread *th, const ldns_rr_list *set, const ldns_rr *sig)
{
	if (ldns_rr_rd_count(sig) < 9)
		return LDNS_STATUS_NOT_IMPL;
	uint8_t alg = ldns_rdf2native_int8(ldns_rr_rdf(sig, 1));
	uint16_t tag = ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig));
	ldns_status st = LDNS_STATUS_NOT_IMPL;
	/* Key tags may collide: try each key that has the tag. */
	for (size_t i = 0; i < v->nfast && st != LDNS_STATUS_OK; i++)
		if (v->fast[i].tag == tag && v->fast[i].alg == alg)
			st = rrsig_verify_cached(th->cache, set, sig, &v->fast[i], v->at);
	return st;
}

/* One RRset and its signatures: at least one must be valid at v->at.  Runs
 * on worker threads: it touches only its job, th and read-only zone data. */
static void run_job(const struct vctx *v, struct vthread *th, struct vjob *j)
{
	j->what = NULL;
	if (!j->sigs) {
		char *t = ldns_rr_type2str(j->type);
		j->what = "missing-rrsig";
		if (asprintf(&j->why, "the %s RRset has no RRSIG: a validator calls it bogus", t ? t : "?") < 0)
			j->why = NULL;
		free(t);
		return;
	}
	ldns_rr_list *set = th->set;
	ldns_rr_list_set_rr_count(set, 0);
	bool pushed = !j->is_one || ldns_rr_list_push_rr(set, (ldns_rr *)j->u.one);
	for (const ldns_dnssec_rrs *r = j->is_one ? NULL : j->u.rrs; pushed && r; r = r->next)
		pushed = ldns_rr_list_push_rr(set, r->rr);
	bool good = false;
	char reasons[400] = "";
	for (const ldns_dnssec_rrs *s = j->sigs; s && pushed; s = s->next) {
		j->signatures++;
		ldns_status st = fast_verify(v, th, set, s->rr);
		if (st == LDNS_STATUS_NOT_IMPL) {
			ldns_rr_list *good_keys = ldns_rr_list_new();
			st = ldns_verify_rrsig_keylist_time(set, s->rr, v->keys, v->at, good_keys);
			ldns_rr_list_free(good_keys);
		}
		if (st == LDNS_STATUS_OK) {
			good = true;
			break;
		}
		uint16_t tag = ldns_rdf2native_int16(ldns_rr_rrsig_keytag(s->rr));
		char when[40], r[200];
		if (st == LDNS_STATUS_CRYPTO_SIG_EXPIRED) {
			time_str(ldns_rdf2native_int32(ldns_rr_rrsig_expiration(s->rr)), when, sizeof when);
			snprintf(r, sizeof r, "the RRSIG by key %u expired at %s", tag, when);
		} else if (st == LDNS_STATUS_CRYPTO_SIG_NOT_INCEPTED) {
			time_str(ldns_rdf2native_int32(ldns_rr_rrsig_inception(s->rr)), when, sizeof when);
			snprintf(r, sizeof r, "the RRSIG by key %u is valid only from %s", tag, when);
		} else if (st == LDNS_STATUS_CRYPTO_NO_MATCHING_KEYTAG_DNSKEY ||
			   st == LDNS_STATUS_CRYPTO_NO_DNSKEY) {
			snprintf(r, sizeof r, "the RRSIG names key %u, which is not in the DNSKEY RRset", tag);
		} else {
			snprintf(r, sizeof r, "the RRSIG by key %u does not verify (%s)", tag, ldns_get_errorstr_by_id(st));
		}
		if (!reasons[0])
			snprintf(reasons, sizeof reasons, "%s", r);
	}
	if (!pushed) {
		j->what = "out-of-memory";
		j->why = strdup("out of memory: this RRset was not checked");
	} else if (!good) {
		j->what = strstr(reasons, "expired") ? "expired"
			  : strstr(reasons, "valid only from") ? "not-yet-valid"
			  : strstr(reasons, "not in the DNSKEY") ? "unknown-key" : "bad-signature";
		j->why = strdup(reasons);
	}
}

struct vworker {
	struct vctx *v;
	pthread_t tid;
};

/* Take batches of jobs until none are left.  Batches rather than a fixed
 * share: a thread that the machine slows down does not hold up the rest. */
static void *vworker_run(void *arg)
{
	struct vworker *w = arg;
	struct vctx *v = w->v;
	/* Without a cache or a list the checks still run, only slower (a
	 * cache made per check) or not at all (reported per job). */
	struct vthread th = { rrsig_cache_new(), ldns_rr_list_new() };
	for (;;) {
		size_t first = atomic_fetch_add(&v->next_job, VERIFY_BATCH);
		if (first >= v->njobs)
			break;
		size_t end = first + VERIFY_BATCH < v->njobs ? first + VERIFY_BATCH : v->njobs;
		for (size_t i = first; i < end; i++) {
			struct vjob *j = &v->jobs[i];
			if (!j->rrset)
				continue;
			if (th.set) {
				run_job(v, &th, j);
			} else {
				j->what = "out-of-memory";
				j->why = strdup("out of memory: this RRset was not checked");
			}
		}
	}
	rrsig_cache_free(th.cache);
	ldns_rr_list_free(th.set);
	return NULL;
}

static size_t verify_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > VERIFY_MAX_THREADS ? VERIFY_MAX_THREADS : (size_t)n;
}

/* Check every pending job, on threads when there is enough work. */
static void run_jobs(struct vctx *v)
{
	struct vworker w[VERIFY_MAX_THREADS];
	size_t want = v->njobs > 64 ? verify_threads() : 1, started = 0;
	atomic_init(&v->next_job, 0);
	for (size_t t = 1; t < want; t++) {
		w[t] = (struct vworker){ v, 0 };
		if (pthread_create(&w[t].tid, NULL, vworker_run, &w[t]) != 0)
			break;
		started = t;
	}
	/* This thread works too, and takes what is left if no thread started. */
	w[0] = (struct vworker){ v, 0 };
	vworker_run(&w[0]);
	for (size_t t = 1; t <= started; t++)
		pthread_join(w[t].tid, NULL);
}

/* Is t among the types of n that its NSEC/NSEC3 must list? */
static bool name_has_type(const ldns_dnssec_name *n, ldns_rr_type t, bool delegation)
{
	for (const ldns_dnssec_rrsets *s = n->rrsets; s; s = s->next)
		if (s->type == t && s->rrs && (!delegation || t == LDNS_RR_TYPE_NS || t == LDNS_RR_TYPE_DS))
			return true;
	return false;
}

/* Every type the bitmap lists (RFC 4034 4.1.2 windows) must be present,
 * apart from RRSIG and NSEC, which the record itself brings. */
static bool bitmap_lists_only_present(const ldns_dnssec_name *n, const ldns_rdf *bitmap, bool delegation)
{
	const uint8_t *d = ldns_rdf_data(bitmap);
	size_t len = ldns_rdf_size(bitmap);
	for (size_t pos = 0; pos + 2 <= len;) {
		unsigned window = d[pos], blen = d[pos + 1];
		if (blen == 0 || blen > 32 || pos + 2 + blen > len)
			return false;
		for (unsigned byte = 0; byte < blen; byte++)
			for (unsigned bit = 0; bit < 8; bit++) {
				if (!(d[pos + 2 + byte] & (0x80 >> bit)))
					continue;
				ldns_rr_type t = (ldns_rr_type)(window * 256 + byte * 8 + bit);
				if (t != LDNS_RR_TYPE_RRSIG && t != LDNS_RR_TYPE_NSEC && !name_has_type(n, t, delegation))
					return false;
			}
		pos += 2 + blen;
	}
	return true;
}

/* The types present at name, as an NSEC/NSEC3 bitmap would list them. */
static bool bitmap_matches(const ldns_dnssec_name *n, const ldns_rr *nsec, bool is_nsec3, bool delegation)
{
	const ldns_rdf *bitmap = ldns_rr_rdf(nsec, is_nsec3 ? 5 : 1);
	bool any = false;
	if (!bitmap) /* an empty non-terminal's NSEC3 may list nothing at all */
		return is_nsec3 && !n->rrsets;
	if (!bitmap_lists_only_present(n, bitmap, delegation))
		return false;
	for (const ldns_dnssec_rrsets *s = n->rrsets; s; s = s->next) {
		any = true;
		if (delegation && s->type != LDNS_RR_TYPE_NS && s->type != LDNS_RR_TYPE_DS)
			continue;
		if (!ldns_nsec_bitmap_covers_type(bitmap, s->type))
			return false;
	}
	if (!is_nsec3 && !ldns_nsec_bitmap_covers_type(bitmap, LDNS_RR_TYPE_NSEC))
		return false;
	if (any && !ldns_nsec_bitmap_covers_type(bitmap, LDNS_RR_TYPE_RRSIG) && !(delegation && !n->rrsets->next &&
								       is_nsec3))
		return false;
	return true;
}

/* Does anchor a (a DS, or the DNSKEY itself) name key? */
static bool anchor_names_key(const ldns_rr *a, const ldns_rr *key)
{
	if (ldns_rr_get_type(a) == LDNS_RR_TYPE_DS)
		return ldns_rr_compare_ds(a, key);
	return ldns_rr_get_type(a) == LDNS_RR_TYPE_DNSKEY &&
	       ldns_rdf_compare(ldns_rr_rdf(a, 3), ldns_rr_rdf(key, 3)) == 0;
}

/* Does a key that the anchors name sign the DNSKEY RRset, validly at v->at? */
static bool anchor_signs_keys(const struct vctx *v, const ldns_dnssec_rrsets *keyset, const ldns_rr_list *anchors)
{
	bool ok = false;
	ldns_rr_list *set = ldns_rr_list_new(), *one = ldns_rr_list_new();
	for (const ldns_dnssec_rrs *r = keyset->rrs; set && r; r = r->next)
		ldns_rr_list_push_rr(set, r->rr);
	for (const ldns_dnssec_rrs *k = keyset->rrs; !ok && one && k; k = k->next) {
		bool named = false;
		for (size_t i = 0; i < ldns_rr_list_rr_count(anchors); i++) {
			const ldns_rr *a = ldns_rr_list_rr(anchors, i);
			named = named || anchor_names_key(a, k->rr);
		}
		if (!named)
			continue;
		ldns_rr_list_set_rr_count(one, 0);
		ldns_rr_list_push_rr(one, k->rr);
		for (const ldns_dnssec_rrs *sig = keyset->signatures; !ok && sig; sig = sig->next) {
			ldns_rr_list *good = ldns_rr_list_new();
			ok = ldns_verify_rrsig_keylist_time(set, sig->rr, one, v->at, good) == LDNS_STATUS_OK;
			ldns_rr_list_free(good);
		}
	}
	ldns_rr_list_free(set);
	ldns_rr_list_free(one);
	return ok;
}

size_t verify_zone(const struct zone *z, const ldns_rr_list *anchors, time_t at, verify_report_fn report,
		   void *arg, struct verify_stats *st)
{
	memset(st, 0, sizeof *st);
	struct vctx v = { .z = z, .at = at, .report = report, .arg = arg, .st = st };
	const ldns_dnssec_name *apex = zone_find(z, z->origin);
	const ldns_dnssec_rrsets *keyset = zone_rrset(apex, LDNS_RR_TYPE_DNSKEY);
	v.keys = rrs_list(keyset ? keyset->rrs : NULL);
	if (!keyset) {
		problem(&v, z->origin, LDNS_RR_TYPE_DNSKEY, "no-dnskey", "the apex has no DNSKEY RRset: the zone is not signed");
		for (size_t i = 0; i < v.njobs; i++) {
			struct verify_problem p = { v.jobs[i].owner, v.jobs[i].type, v.jobs[i].what, v.jobs[i].why };
			st->problems++;
			v.report(v.arg, &p);
			free(v.jobs[i].why);
		}
		free(v.jobs);
		ldns_rr_list_free(v.keys);
		return st->problems;
	}
	for (const ldns_dnssec_rrs *k = keyset->rrs; k && v.nfast < VERIFY_MAX_KEYS; k = k->next)
		if (rrsig_key_init(&v.fast[v.nfast], k->rr) == 0)
			v.nfast++;
	/* Keys: a key signing key, and one the anchors name. */
	bool sep = false, anchored = !anchors || ldns_rr_list_rr_count(anchors) == 0;
	for (const ldns_dnssec_rrs *k = keyset->rrs; k; k = k->next) {
		uint16_t flags = ldns_rdf2native_int16(ldns_rr_rdf(k->rr, 0));
		sep = sep || (flags & LDNS_KEY_SEP_KEY);
		for (size_t i = 0; anchors && i < ldns_rr_list_rr_count(anchors); i++) {
			const ldns_rr *a = ldns_rr_list_rr(anchors, i);
			if (anchor_names_key(a, k->rr)) {
				anchored = true;
				if (!(flags & LDNS_KEY_SEP_KEY))
					problem(&v, z->origin, LDNS_RR_TYPE_DNSKEY, "ksk-without-sep",
						"key %u is the one the parent's DS names, but its flags are %u: a key signing key has the SEP bit (257)",
						(unsigned)ldns_calc_keytag(k->rr), flags);
			}
		}
	}
	if (!sep)
		problem(&v, z->origin, LDNS_RR_TYPE_DNSKEY, "no-ksk",
			"no DNSKEY has the SEP bit (flags 257): there is no key signing key for the parent's DS");
	if (!anchored)
		problem(&v, z->origin, LDNS_RR_TYPE_DNSKEY, "no-anchor-match",
			"no DNSKEY matches the DS records of the anchor: the chain of trust is broken here");
	else if (anchors && ldns_rr_list_rr_count(anchors) && !anchor_signs_keys(&v, keyset, anchors))
		problem(&v, z->origin, LDNS_RR_TYPE_DNSKEY, "no-anchor-match",
			"the key the anchor names does not sign the DNSKEY RRset with a valid signature: "
			"a validator cannot go from the DS to the zone's keys (RFC 4035 5.2)");
	const ldns_dnssec_name *first = NULL, *prev = NULL;
	const ldns_rdf *cut = NULL;
	for (ldns_rbnode_t *node = ldns_rbtree_first(z->dz->names); node != LDNS_RBTREE_NULL;
	     node = ldns_rbtree_next(node)) {
		const ldns_dnssec_name *n = node->data;
		if (cut && ldns_dname_is_subdomain(n->name, cut))
			continue; /* glue or occluded: not signed, not in the chain */
		cut = NULL;
		bool is_apex = ldns_dname_compare(n->name, z->origin) == 0;
		bool delegation = !is_apex && zone_rrset(n, LDNS_RR_TYPE_NS);
		if (delegation)
			cut = n->name;
		st->names++;
		for (const ldns_dnssec_rrsets *s = n->rrsets; s; s = s->next) {
			if (delegation && s->type != LDNS_RR_TYPE_DS)
				continue;
			if (!s->rrs) {
				char *t = ldns_rr_type2str(s->type);
				problem(&v, n->name, s->type, "orphan-rrsig",
					"RRSIGs cover %s, but this name has no %s records", t ? t : "?", t ? t : "?");
				free(t);
				continue;
			}
			check_rrset(&v, n->name, s->type, s->rrs, s->signatures, NULL);
		}
		if (n->nsec && ldns_rr_get_type(n->nsec) == LDNS_RR_TYPE_NSEC3)
			st->nsec3 = true;
		/* The chain: each name with data (or each name, for NSEC3) has its record. */
		if (!n->nsec) {
			if (n->rrsets || zone_rrset(apex, LDNS_RR_TYPE_NSEC3PARAM))
				problem(&v, n->name, 0, "missing-nsec", "%s has no %s record: denial of existence has a hole here",
					n->rrsets ? "this name" : "this empty non-terminal",
					zone_rrset(apex, LDNS_RR_TYPE_NSEC3PARAM) ? "NSEC3" : "NSEC");
			continue;
		}
		bool is_nsec3 = ldns_rr_get_type(n->nsec) == LDNS_RR_TYPE_NSEC3;
		check_rrset(&v, is_nsec3 ? ldns_rr_owner(n->nsec) : n->name, ldns_rr_get_type(n->nsec), NULL,
			    n->nsec_signatures, n->nsec);
		if (!bitmap_matches(n, n->nsec, is_nsec3, delegation))
			problem(&v, n->name, ldns_rr_get_type(n->nsec), "bad-bitmap",
				"the %s type bitmap does not list the types this name has", is_nsec3 ? "NSEC3" : "NSEC");
		if (!is_nsec3) {
			if (prev && ldns_dname_compare(ldns_rr_rdf(prev->nsec, 0), n->name) != 0) {
				char *want = ldns_rdf2str(n->name), *got = ldns_rdf2str(ldns_rr_rdf(prev->nsec, 0));
				problem(&v, prev->name, LDNS_RR_TYPE_NSEC, "broken-chain",
					"its NSEC points to %s, but the next name in the zone is %s", got ? got : "?",
					want ? want : "?");
				free(want);
				free(got);
			}
			if (!first)
				first = n;
			prev = n;
		}
	}
	if (prev && first && ldns_dname_compare(ldns_rr_rdf(prev->nsec, 0), first->name) != 0)
		problem(&v, prev->name, LDNS_RR_TYPE_NSEC, "broken-chain",
			"the last NSEC must point back to the apex");
	if (st->nsec3) {
		/* The hashed chain: sort the NSEC3 records, each must name the next. */
		ldns_rr_list *chain = ldns_rr_list_new();
		for (ldns_rbnode_t *node = ldns_rbtree_first(z->dz->names); chain && node != LDNS_RBTREE_NULL;
		     node = ldns_rbtree_next(node)) {
			const ldns_dnssec_name *n = node->data;
			if (n->nsec && ldns_rr_get_type(n->nsec) == LDNS_RR_TYPE_NSEC3)
				ldns_rr_list_push_rr(chain, n->nsec);
		}
		ldns_rr_list_sort_nsec3(chain);
		size_t c = ldns_rr_list_rr_count(chain);
		for (size_t i = 0; i < c; i++) {
			const ldns_rr *a = ldns_rr_list_rr(chain, i), *b = ldns_rr_list_rr(chain, (i + 1) % c);
			ldns_rdf *next = ldns_nsec3_next_owner(a) ? ldns_rdf_clone(ldns_nsec3_next_owner(a)) : NULL;
			ldns_rdf *label = ldns_dname_label(ldns_rr_owner(b), 0);
			char *x = next ? ldns_rdf2str(next) : NULL, *y = label ? ldns_rdf2str(label) : NULL;
			/* next hashed owner is base32hex in wire form; compare as text */
			if (x && y && strncasecmp(x, y, strlen(x)) != 0)
				problem(&v, ldns_rr_owner(a), LDNS_RR_TYPE_NSEC3, "broken-chain",
					"its next hashed owner is %s, but the next NSEC3 in hash order is %s", x, y);
			free(x);
			free(y);
			ldns_rdf_deep_free(next);
			ldns_rdf_deep_free(label);
		}
		ldns_rr_list_free(chain);
	}
	run_jobs(&v);
	if (v.oom) {
		struct verify_problem p = { z->origin, 0, "out-of-memory", "out of memory: the check is incomplete" };
		st->problems++;
		v.report(v.arg, &p);
	}
	for (size_t i = 0; i < v.njobs; i++) {
		struct vjob *j = &v.jobs[i];
		st->rrsets += j->rrset;
		st->signatures += j->signatures;
		if (j->what && j->why) {
			struct verify_problem p = { j->owner, j->type, j->what, j->why };
			st->problems++;
			v.report(v.arg, &p);
		}
		free(j->why);
	}
	free(v.jobs);
	for (size_t i = 0; i < v.nfast; i++)
		rrsig_key_clear(&v.fast[i]);
	ldns_rr_list_free(v.keys);
	return st->problems;
}
