/* sign_par.c: parallel RRSIG creation (sign_par.h).
 *
 * The names of the zone, in canonical order, are cut into chunks of
 * SP_CHUNK names.  Worker threads take the next chunk from an atomic
 * counter, sign its RRsets exactly as ldns_sign_public does (a canonical,
 * sorted copy of the RRset, ldns_create_empty_rrsig, the RRSIG RDATA and the
 * RRset in wire form, signed), attach the RRSIGs to the chunk's own names
 * (no two threads touch the same name), and, when there is an output file,
 * render the chunk's text the way ldns_dnssec_zone_print_fmt would.  The
 * calling thread waits for the chunks in order, writes each as soon as it is
 * done and frees it (so the text of the whole zone is never in memory at
 * once), and reports progress.  With an NSEC chain to make, each worker makes
 * the NSEC records of its own names (ldns_dnssec_create_nsec, to the next
 * name that is not glue) just before it signs them; when the caller needs
 * only the text, the worker frees the chunk's NSECs and RRSIGs once they are
 * rendered, so that the signatures of the whole zone never sit in memory.
 *
 * ECDSA keys (the lab's algorithm) take a fast path: one OpenSSL signing
 * context per key and thread, made once, and a SHA digest fetched once;
 * ldns's own ldns_sign_public_buffer creates, fetches and converts all of
 * that for every signature.  Other algorithms go through
 * ldns_sign_public_buffer (it keeps no shared state: a context per call). */
#include "dnssec/sign_par.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SP_CHUNK 256       /* names per chunk */
#define SP_MAX_THREADS 4
#define SP_MAX_KEYS SIGN_PAR_MAX_KEYS

size_t sign_par_min_rrsets(void)
{
	const char *e = getenv("DNSLAB_SIGN_PARALLEL_MIN");
	if (e && *e) {
		char *end;
		unsigned long long v = strtoull(e, &end, 10);
		if (!*end)
			return (size_t)v;
	}
	return SIGN_PAR_MIN_RRSETS;
}

struct sp_key {
	ldns_key *key;
	size_t half;                        /* ECDSA fast path: bytes of r and of s; 0: ldns */
	EVP_MD *md;                         /* fast path: the digest, fetched once */
	EVP_PKEY_CTX *pctx[SP_MAX_THREADS]; /* fast path: one per thread */
};

struct sp_chunk {
	size_t first, count;
	ldns_buffer *text;     /* the chunk's zone text (with an output) */
	ldns_buffer *soa_text; /* the SOA RRset and its RRSIGs, in the apex's chunk */
	bool done;             /* under the mutex */
};

struct sp_ctx {
	ldns_dnssec_name **names;
	size_t nnames;
	struct sp_chunk *chunks;
	size_t nchunks;
	struct sp_key keys[SP_MAX_KEYS];
	size_t nkeys;
	size_t dnskey_set[SP_MAX_KEYS], ndnskey_set; /* indexes into keys */
	size_t other_set[SP_MAX_KEYS], nother_set;
	const ldns_output_format *fmt; /* NULL: no text */
	bool make_nsec, drop;
	uint32_t nsec_ttl;
	size_t first_nonglue;           /* index of the first name that is not glue */
	const ldns_dnssec_name *apex;   /* dz->soa */
	atomic_size_t next_chunk;
	atomic_size_t rrsets_done;
	atomic_size_t sigs;
	atomic_size_t nsecs;
	atomic_int status; /* the first failure, LDNS_STATUS_OK while none */
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

struct sp_worker {
	struct sp_ctx *c;
	size_t index; /* into sp_key.pctx */
	EVP_MD_CTX *mdctx;
	ldns_buffer *wire;
	pthread_t tid;
};

static void fail(struct sp_ctx *c, ldns_status s)
{
	int ok = LDNS_STATUS_OK;
	atomic_compare_exchange_strong(&c->status, &ok, (int)s);
}

static bool failed(struct sp_ctx *c)
{
	return atomic_load(&c->status) != LDNS_STATUS_OK;
}

/* ECDSA over the wire data: the digest, the signature in DER, and r and s
 * each left-padded to half bytes (RFC 6605), as ldns converts it. */
static ldns_rdf *sign_ecdsa(struct sp_worker *w, const struct sp_key *k)
{
	unsigned char dgst[EVP_MAX_MD_SIZE], der[160], raw[2 * 66];
	unsigned int dlen = 0;
	size_t derlen = sizeof der;
	if (EVP_DigestInit_ex(w->mdctx, k->md, NULL) != 1 ||
	    EVP_DigestUpdate(w->mdctx, ldns_buffer_begin(w->wire), ldns_buffer_position(w->wire)) != 1 ||
	    EVP_DigestFinal_ex(w->mdctx, dgst, &dlen) != 1 ||
	    EVP_PKEY_sign(k->pctx[w->index], der, &derlen, dgst, dlen) != 1)
		return NULL;
	const unsigned char *p = der;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
	if (!sig)
		return NULL;
	const BIGNUM *r = NULL, *s = NULL;
	ECDSA_SIG_get0(sig, &r, &s);
	bool ok = BN_bn2binpad(r, raw, (int)k->half) == (int)k->half &&
		  BN_bn2binpad(s, raw + k->half, (int)k->half) == (int)k->half;
	ECDSA_SIG_free(sig);
	return ok ? ldns_rdf_new_frm_data(LDNS_RDF_TYPE_B64, 2 * k->half, raw) : NULL;
}

/* Sign the RRset rrs[0..n) with the keys of set into *sigs (as
 * ldns_sign_public and ldns_dnssec_zone_create_rrsigs_flg do). */
static bool sign_rrset(struct sp_worker *w, ldns_rr *const *rrs, size_t n, const size_t *set, size_t nset,
		       ldns_dnssec_rrs **sigs)
{
	struct sp_ctx *c = w->c;
	if (!n || !nset)
		return true;
	ldns_rr_list *canon = ldns_rr_list_new();
	bool ok = canon != NULL;
	for (size_t i = 0; ok && i < n; i++) {
		ldns_rr *rr = ldns_rr_clone(rrs[i]);
		if (!rr || !ldns_rr_list_push_rr(canon, rr)) {
			ldns_rr_free(rr);
			ok = false;
			break;
		}
		ldns_rr_set_ttl(rr, ldns_rr_ttl(rrs[0]));
		ldns_rr2canonical(rr);
	}
	if (ok && n > 1)
		ldns_rr_list_sort(canon);
	for (size_t i = 0; ok && i < nset; i++) {
		const struct sp_key *k = &c->keys[set[i]];
		ldns_rr *sig = ldns_create_empty_rrsig(canon, k->key);
		ldns_rdf *b64 = NULL;
		ldns_buffer_clear(w->wire);
		if (sig && ldns_rrsig2buffer_wire(w->wire, sig) == LDNS_STATUS_OK &&
		    ldns_rr_list2buffer_wire(w->wire, canon) == LDNS_STATUS_OK)
			b64 = k->half ? sign_ecdsa(w, k) : ldns_sign_public_buffer(w->wire, k->key);
		if (!b64) {
			ldns_rr_free(sig);
			ok = false;
			break;
		}
		ldns_rr_rrsig_set_sig(sig, b64);
		if (*sigs) {
			if (ldns_dnssec_rrs_add_rr(*sigs, sig) != LDNS_STATUS_OK) {
				ldns_rr_free(sig);
				ok = false;
				break;
			}
		} else if ((*sigs = ldns_dnssec_rrs_new()) != NULL) {
			(*sigs)->rr = sig;
		} else {
			ldns_rr_free(sig);
			ok = false;
			break;
		}
		atomic_fetch_add_explicit(&c->sigs, 1, memory_order_relaxed);
	}
	ldns_rr_list_deep_free(canon);
	return ok;
}

static bool has_type(const ldns_dnssec_name *n, ldns_rr_type t)
{
	for (const ldns_dnssec_rrsets *s = n->rrsets; s; s = s->next)
		if (s->type == t)
			return true;
	return false;
}

static bool is_key_type(ldns_rr_type t)
{
	return t == LDNS_RR_TYPE_DNSKEY || t == LDNS_RR_TYPE_CDNSKEY || t == LDNS_RR_TYPE_CDS;
}

/* Would ldns_dnssec_zone_create_rrsigs_flg sign this RRset of n? */
static bool signed_rrset(const ldns_dnssec_rrsets *s, bool delegation)
{
	return s->rrs && (!delegation || s->type == LDNS_RR_TYPE_DS || s->type == LDNS_RR_TYPE_NSEC ||
			  s->type == LDNS_RR_TYPE_NSEC3);
}

/* The NSEC of names[i] (not glue), as ldns_dnssec_zone_create_nsecs makes
 * it: to the next name that is not glue, the last one back to the first. */
static bool make_nsec(struct sp_ctx *c, size_t i)
{
	size_t j = i + 1;
	while (j < c->nnames && c->names[j]->is_glue)
		j++;
	if (j >= c->nnames)
		j = c->first_nonglue;
	ldns_rr *nsec = ldns_dnssec_create_nsec(c->names[i], c->names[j], LDNS_RR_TYPE_NSEC);
	if (!nsec)
		return false;
	ldns_rr_set_ttl(nsec, c->nsec_ttl);
	if (ldns_dnssec_name_add_rr(c->names[i], nsec) != LDNS_STATUS_OK) {
		ldns_rr_free(nsec);
		return false;
	}
	atomic_fetch_add_explicit(&c->nsecs, 1, memory_order_relaxed);
	return true;
}

/* The RRsets of names[i]; returns how many were signed, or -1. */
static long sign_name(struct sp_worker *w, size_t i)
{
	struct sp_ctx *c = w->c;
	ldns_dnssec_name *n = c->names[i];
	if (n->is_glue)
		return 0;
	if (c->make_nsec && !make_nsec(c, i))
		return -1;
	bool delegation = has_type(n, LDNS_RR_TYPE_NS) && !has_type(n, LDNS_RR_TYPE_SOA);
	long done = 0;
	ldns_rr *one[64], **rrs = one;
	size_t cap = sizeof one / sizeof one[0];
	for (ldns_dnssec_rrsets *s = n->rrsets; s; s = s->next) {
		if (!signed_rrset(s, delegation))
			continue;
		size_t cnt = 0;
		for (const ldns_dnssec_rrs *r = s->rrs; r; r = r->next) {
			if (cnt == cap) {
				ldns_rr **bigger = malloc(2 * cap * sizeof *bigger);
				if (!bigger) {
					done = -1;
					goto out;
				}
				memcpy(bigger, rrs, cnt * sizeof *rrs);
				if (rrs != one)
					free(rrs);
				rrs = bigger;
				cap *= 2;
			}
			rrs[cnt++] = r->rr;
		}
		/* ldns replaces a RRset's old signatures; a fresh zone has none. */
		ldns_dnssec_rrs_deep_free(s->signatures);
		s->signatures = NULL;
		bool key = is_key_type(s->type);
		if (!sign_rrset(w, rrs, cnt, key ? c->dnskey_set : c->other_set, key ? c->ndnskey_set : c->nother_set,
				&s->signatures)) {
			done = -1;
			goto out;
		}
		done++;
	}
	if (n->nsec) {
		ldns_dnssec_rrs_deep_free(n->nsec_signatures);
		n->nsec_signatures = NULL;
		if (!sign_rrset(w, &n->nsec, 1, c->other_set, c->nother_set, &n->nsec_signatures)) {
			done = -1;
			goto out;
		}
		done++;
	}
out:
	if (rrs != one)
		free(rrs);
	return done;
}

/* Append rr as ldns_rr_print_fmt prints it. */
static void put_rr(ldns_buffer *b, const ldns_output_format *fmt, const ldns_rr *rr)
{
	size_t at = ldns_buffer_position(b);
	if (ldns_rr2buffer_str_fmt(b, fmt, rr) != LDNS_STATUS_OK) {
		ldns_buffer_set_position(b, at);
		ldns_buffer_printf(b, ";Unable to convert rr to string\n");
	}
}

static void put_rrs(ldns_buffer *b, const ldns_output_format *fmt, const ldns_dnssec_rrs *r)
{
	for (; r; r = r->next)
		if (r->rr)
			put_rr(b, fmt, r->rr);
}

/* One name as ldns_dnssec_zone_names_print_fmt prints it (the SOA RRset is
 * printed first, on its own). */
static void put_name(ldns_buffer *b, const ldns_output_format *fmt, const ldns_dnssec_name *n)
{
	for (const ldns_dnssec_rrsets *s = n->rrsets; s; s = s->next) {
		if (!s->rrs || ldns_rr_get_type(s->rrs->rr) == LDNS_RR_TYPE_SOA)
			continue;
		put_rrs(b, fmt, s->rrs);
		put_rrs(b, fmt, s->signatures);
	}
	if (n->nsec)
		put_rr(b, fmt, n->nsec);
	put_rrs(b, fmt, n->nsec_signatures);
}

/* Free what signing added to n: its RRSIGs and its NSEC or NSEC3. */
static void drop_name(ldns_dnssec_name *n)
{
	for (ldns_dnssec_rrsets *s = n->rrsets; s; s = s->next) {
		ldns_dnssec_rrs_deep_free(s->signatures);
		s->signatures = NULL;
	}
	ldns_rr_free(n->nsec);
	n->nsec = NULL;
	ldns_dnssec_rrs_deep_free(n->nsec_signatures);
	n->nsec_signatures = NULL;
}

static void run_chunk(struct sp_worker *w, struct sp_chunk *ch)
{
	struct sp_ctx *c = w->c;
	size_t rrsets = 0;
	for (size_t i = ch->first; i < ch->first + ch->count && !failed(c); i++) {
		long d = sign_name(w, i);
		if (d < 0)
			fail(c, LDNS_STATUS_MEM_ERR);
		else
			rrsets += (size_t)d;
	}
	if (c->fmt && !failed(c)) {
		ch->text = ldns_buffer_new(64 * 1024);
		for (size_t i = ch->first; ch->text && i < ch->first + ch->count; i++) {
			if (c->names[i] == c->apex) {
				/* ldns_dnssec_zone_print_fmt: the SOA RRset and its
				 * RRSIGs come first, then every name without it. */
				const ldns_dnssec_rrsets *soa = ldns_dnssec_name_find_rrset(c->apex, LDNS_RR_TYPE_SOA);
				if (soa && soa->rrs && (ch->soa_text = ldns_buffer_new(4096)) != NULL) {
					put_rrs(ch->soa_text, c->fmt, soa->rrs);
					put_rrs(ch->soa_text, c->fmt, soa->signatures);
				}
				if (soa && soa->rrs && (!ch->soa_text || ldns_buffer_status(ch->soa_text) != LDNS_STATUS_OK))
					fail(c, LDNS_STATUS_MEM_ERR);
			}
			put_name(ch->text, c->fmt, c->names[i]);
		}
		if (!ch->text || ldns_buffer_status(ch->text) != LDNS_STATUS_OK)
			fail(c, LDNS_STATUS_MEM_ERR);
		if (c->drop && !failed(c))
			for (size_t i = ch->first; i < ch->first + ch->count; i++)
				drop_name(c->names[i]);
	}
	atomic_fetch_add_explicit(&c->rrsets_done, rrsets, memory_order_relaxed);
	pthread_mutex_lock(&c->mu);
	ch->done = true;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

static void *worker_run(void *arg)
{
	struct sp_worker *w = arg;
	struct sp_ctx *c = w->c;
	for (;;) {
		size_t i = atomic_fetch_add(&c->next_chunk, 1);
		if (i >= c->nchunks)
			break;
		if (failed(c)) { /* still mark it done: the caller waits for every chunk */
			pthread_mutex_lock(&c->mu);
			c->chunks[i].done = true;
			pthread_cond_broadcast(&c->cv);
			pthread_mutex_unlock(&c->mu);
			continue;
		}
		run_chunk(w, &c->chunks[i]);
	}
	return NULL;
}

/* ldns_key_list_filter_for_dnskey / _for_non_dnskey, without changing the
 * keys' use flags: the keys with (or, for other RRsets, without) the SEP bit,
 * or all when there is none; then, as ldns_sign_public, only zone keys. */
static void key_sets(struct sp_ctx *c)
{
	bool any_ksk = false, any_zsk = false;
	for (size_t i = 0; i < c->nkeys; i++) {
		bool sep = ldns_key_flags(c->keys[i].key) & LDNS_KEY_SEP_KEY;
		any_ksk |= sep;
		any_zsk |= !sep;
	}
	for (size_t i = 0; i < c->nkeys; i++) {
		uint16_t flags = ldns_key_flags(c->keys[i].key);
		bool sep = flags & LDNS_KEY_SEP_KEY;
		if (!(flags & LDNS_KEY_ZONE_KEY))
			continue;
		if (!any_ksk || sep)
			c->dnskey_set[c->ndnskey_set++] = i;
		if (!any_zsk || !sep)
			c->other_set[c->nother_set++] = i;
	}
}

/* The fast path for an ECDSA key, ready for nthreads threads; false leaves
 * the key to ldns. */
static bool key_fast(struct sp_key *k, size_t nthreads)
{
	int alg = ldns_key_algorithm(k->key);
	EVP_PKEY *pk = ldns_key_evp_key(k->key);
	const char *mdname = alg == LDNS_SIGN_ECDSAP256SHA256 ? "SHA256" : alg == LDNS_SIGN_ECDSAP384SHA384 ? "SHA384" : NULL;
	if (!mdname || !pk || EVP_PKEY_get_base_id(pk) != EVP_PKEY_EC)
		return false;
	if (!(k->md = EVP_MD_fetch(NULL, mdname, NULL)))
		return false;
	k->half = alg == LDNS_SIGN_ECDSAP256SHA256 ? 32 : 48;
	for (size_t t = 0; t < nthreads; t++) {
		k->pctx[t] = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
		if (!k->pctx[t] || EVP_PKEY_sign_init(k->pctx[t]) != 1)
			return false;
	}
	return true;
}

static void key_free(struct sp_key *k)
{
	for (size_t t = 0; t < SP_MAX_THREADS; t++)
		EVP_PKEY_CTX_free(k->pctx[t]);
	EVP_MD_free(k->md);
	memset(k, 0, sizeof *k);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t thread_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > SP_MAX_THREADS ? SP_MAX_THREADS : (size_t)n;
}

/* The NSEC TTL of ldns_dnssec_zone_create_nsecs: the lesser of the SOA's
 * TTL and MINIMUM (RFC 9077). */
static uint32_t nsec_ttl(const ldns_dnssec_zone *dz)
{
	const ldns_dnssec_rrsets *soa = dz->soa ? ldns_dnssec_name_find_rrset(dz->soa, LDNS_RR_TYPE_SOA) : NULL;
	if (!soa || !soa->rrs || !soa->rrs->rr)
		return LDNS_DEFAULT_TTL;
	const ldns_rr *rr = soa->rrs->rr;
	const ldns_rdf *min = ldns_rr_rdf(rr, 6);
	return !min || ldns_rr_ttl(rr) < ldns_rdf2native_int32(min) ? ldns_rr_ttl(rr) : ldns_rdf2native_int32(min);
}

/* Wait until chunk k is done; report progress meanwhile. */
static void wait_chunk(struct sp_ctx *c, size_t k, const struct sign_par_opts *o, size_t total, double *last)
{
	pthread_mutex_lock(&c->mu);
	while (!c->chunks[k].done) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 100 * 1000 * 1000;
		if (ts.tv_nsec >= 1000 * 1000 * 1000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000 * 1000 * 1000;
		}
		pthread_cond_timedwait(&c->cv, &c->mu, &ts);
		if (o && o->progress && now_s() - *last >= 0.1) {
			pthread_mutex_unlock(&c->mu);
			o->progress(o->progress_arg, atomic_load(&c->rrsets_done), total);
			*last = now_s();
			pthread_mutex_lock(&c->mu);
		}
	}
	pthread_mutex_unlock(&c->mu);
}

static void put_out(ldns_buffer *b, FILE *out)
{
	if (b)
		fwrite(ldns_buffer_begin(b), 1, ldns_buffer_position(b), out);
}

ldns_status sign_par_run(ldns_dnssec_zone *dz, const ldns_key_list *keys, const struct sign_par_opts *o,
			 struct sign_par_stats *stats)
{
	memset(stats, 0, sizeof *stats);
	if (!dz || !dz->names || !keys)
		return LDNS_STATUS_NULL;
	struct sp_ctx *c = calloc(1, sizeof *c);
	if (!c)
		return LDNS_STATUS_MEM_ERR;
	atomic_init(&c->next_chunk, 0);
	atomic_init(&c->rrsets_done, 0);
	atomic_init(&c->sigs, 0);
	atomic_init(&c->nsecs, 0);
	atomic_init(&c->status, LDNS_STATUS_OK);
	c->fmt = o && o->out ? (o->fmt ? o->fmt : ldns_output_format_default) : NULL;
	c->make_nsec = o && o->nsec;
	c->drop = c->fmt && o->drop;
	c->nsec_ttl = nsec_ttl(dz);
	c->apex = dz->soa;
	size_t nthreads = thread_count();
	struct sp_worker w[SP_MAX_THREADS];
	memset(w, 0, sizeof w);
	size_t started = 0, total = 0, soa_chunk = 0;
	bool sync_ok = false, any_nonglue = false;
	ldns_status st = LDNS_STATUS_OK;

	c->nkeys = ldns_key_list_key_count(keys);
	if (c->nkeys > SP_MAX_KEYS) {
		st = LDNS_STATUS_ERR;
		goto out;
	}
	for (size_t i = 0; i < c->nkeys; i++) {
		c->keys[i].key = ldns_key_list_key(keys, i);
		if (!key_fast(&c->keys[i], nthreads)) { /* ldns signs with this one */
			key_free(&c->keys[i]);
			c->keys[i].key = ldns_key_list_key(keys, i);
		}
	}
	key_sets(c);

	/* The names in order, and what there is to sign (for the progress). */
	c->nnames = dz->names->count;
	c->names = malloc((c->nnames ? c->nnames : 1) * sizeof *c->names);
	c->nchunks = (c->nnames + SP_CHUNK - 1) / SP_CHUNK;
	c->chunks = calloc(c->nchunks ? c->nchunks : 1, sizeof *c->chunks);
	if (!c->names || !c->chunks) {
		st = LDNS_STATUS_MEM_ERR;
		goto out;
	}
	size_t i = 0;
	for (ldns_rbnode_t *n = ldns_rbtree_first(dz->names); n != LDNS_RBTREE_NULL && i < c->nnames;
	     n = ldns_rbtree_next(n)) {
		ldns_dnssec_name *name = (ldns_dnssec_name *)n->data;
		c->names[i] = name;
		if (name == dz->soa)
			soa_chunk = i / SP_CHUNK;
		if (!name->is_glue) {
			bool delegation = has_type(name, LDNS_RR_TYPE_NS) && !has_type(name, LDNS_RR_TYPE_SOA);
			for (const ldns_dnssec_rrsets *s = name->rrsets; s; s = s->next)
				total += signed_rrset(s, delegation);
			total += name->nsec != NULL || c->make_nsec;
			if (!any_nonglue)
				c->first_nonglue = i;
			any_nonglue = true;
		}
		i++;
	}
	c->nnames = i;
	for (size_t k = 0; k < c->nchunks; k++) {
		c->chunks[k].first = k * SP_CHUNK;
		c->chunks[k].count = c->nnames - k * SP_CHUNK < SP_CHUNK ? c->nnames - k * SP_CHUNK : SP_CHUNK;
	}

	pthread_condattr_t ca;
	if (pthread_condattr_init(&ca) != 0) {
		st = LDNS_STATUS_MEM_ERR;
		goto out;
	}
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	sync_ok = pthread_mutex_init(&c->mu, NULL) == 0;
	if (sync_ok && pthread_cond_init(&c->cv, &ca) != 0) {
		pthread_mutex_destroy(&c->mu);
		sync_ok = false;
	}
	pthread_condattr_destroy(&ca);
	if (!sync_ok) {
		st = LDNS_STATUS_MEM_ERR;
		goto out;
	}
	for (size_t t = 0; t < nthreads; t++) {
		w[t].c = c;
		w[t].index = t;
		w[t].mdctx = EVP_MD_CTX_new();
		w[t].wire = ldns_buffer_new(4096);
		if (!w[t].mdctx || !w[t].wire) {
			st = LDNS_STATUS_MEM_ERR;
			goto out;
		}
	}
	for (size_t t = 0; t < nthreads; t++) {
		if (pthread_create(&w[t].tid, NULL, worker_run, &w[t]) != 0)
			break;
		started++;
	}
	if (!started) /* no thread at all: do the work here */
		worker_run(&w[0]);

	/* Wait for the chunks in order, write each (the SOA first), report
	 * progress. */
	double last = now_s();
	if (c->fmt && c->nchunks) {
		wait_chunk(c, soa_chunk, o, total, &last);
		if (!failed(c))
			put_out(c->chunks[soa_chunk].soa_text, o->out);
	}
	for (size_t k = 0; k < c->nchunks; k++) {
		struct sp_chunk *ch = &c->chunks[k];
		wait_chunk(c, k, o, total, &last);
		if (c->fmt && !failed(c))
			put_out(ch->text, o->out);
		if (ch->text)
			ldns_buffer_free(ch->text);
		ch->text = NULL;
	}
	if (o && o->progress)
		o->progress(o->progress_arg, atomic_load(&c->rrsets_done), total);
	st = (ldns_status)atomic_load(&c->status);
out:
	for (size_t t = 0; t < started; t++)
		pthread_join(w[t].tid, NULL);
	for (size_t t = 0; t < nthreads; t++) {
		EVP_MD_CTX_free(w[t].mdctx);
		if (w[t].wire)
			ldns_buffer_free(w[t].wire);
	}
	for (size_t k = 0; c->chunks && k < c->nchunks; k++) {
		if (c->chunks[k].text)
			ldns_buffer_free(c->chunks[k].text);
		if (c->chunks[k].soa_text)
			ldns_buffer_free(c->chunks[k].soa_text);
	}
	if (sync_ok) {
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mu);
	}
	for (size_t k = 0; k < c->nkeys; k++)
		key_free(&c->keys[k]);
	stats->signatures = atomic_load(&c->sigs);
	stats->nsecs = atomic_load(&c->nsecs);
	free(c->names);
	free(c->chunks);
	free(c);
	return st;
}
