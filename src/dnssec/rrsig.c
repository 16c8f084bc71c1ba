/* rrsig.c: one RRSIG, one key (rrsig.h). */
#include "dnssec/rrsig.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/params.h>

int rrsig_key_init_deferred(struct rrsig_key *k, const ldns_rr *dnskey)
{
	memset(k, 0, sizeof *k);
	if (!dnskey || ldns_rr_get_type(dnskey) != LDNS_RR_TYPE_DNSKEY || ldns_rr_rd_count(dnskey) < 4)
		return -1;
	k->dnskey = dnskey;
	k->tag = ldns_calc_keytag(dnskey);
	k->flags = ldns_rdf2native_int16(ldns_rr_rdf(dnskey, 0));
	k->alg = ldns_rdf2native_int8(ldns_rr_rdf(dnskey, 2));
	return 0;
}

/* An ECDSA P-256 public key (RFC 6605: x and y, 32 octets each) made the
 * provider's way.  ldns_ecdsa2pkey_raw builds a legacy EC_KEY, which
 * OpenSSL 3 converts again (a second curve set-up) when a context is made
 * for it; a cold validation makes a few keys, and that doubled cost showed
 * in profiles.  NULL when the point is not on the curve or on error. */
static EVP_PKEY *p256_pkey(const uint8_t *xy, size_t len)
{
	if (len != 64)
		return NULL;
	uint8_t pt[65];
	pt[0] = 0x04; /* uncompressed */
	memcpy(pt + 1, xy, 64);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"P-256", 0),
		OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof pt),
		OSSL_PARAM_construct_end(),
	};
	EVP_PKEY *pkey = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!ctx || EVP_PKEY_fromdata_init(ctx) != 1 || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

void rrsig_key_prepare(struct rrsig_key *k)
{
	if (k->prepared || !k->dnskey)
		return;
	k->prepared = true;
	const ldns_rdf *pub = ldns_rr_rdf(k->dnskey, 3);
	if (k->alg == LDNS_ECDSAP256SHA256 && pub)
		k->pkey = p256_pkey(ldns_rdf_data(pub), ldns_rdf_size(pub));
}

int rrsig_key_init(struct rrsig_key *k, const ldns_rr *dnskey)
{
	if (rrsig_key_init_deferred(k, dnskey) != 0)
		return -1;
	rrsig_key_prepare(k);
	return 0;
}

void rrsig_key_clear(struct rrsig_key *k)
{
	EVP_PKEY_free(k->pkey);
	memset(k, 0, sizeof *k);
}

#define CACHE_KEYS 16

struct rrsig_cache {
	EVP_MD *sha256;    /* fetched once: a fetch takes a lock and a lookup */
	EVP_MD_CTX *mdctx; /* the digest of the signed data */
	struct {
		EVP_PKEY *pkey;     /* the key the context was made for (the context holds a reference) */
		EVP_PKEY_CTX *pctx; /* EVP_PKEY_verify_init done, SHA-256 set */
	} keys[CACHE_KEYS];
	size_t nkeys, evict;
	ldns_buffer *data; /* the signed data: RRSIG RDATA without the signature, then the RRset */
	ldns_buffer *rrs;  /* the records of a larger RRset before they are sorted */
	ldns_buffer *der;  /* the signature in the DER form OpenSSL takes */
	struct wire_rr {
		size_t at, len, rdata; /* in rrs: the record, its length, where its RDATA starts */
		const uint8_t *p;      /* the record, once rrs has stopped growing */
	} *pos;
	size_t npos;
};

struct rrsig_cache *rrsig_cache_new(void)
{
	struct rrsig_cache *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	c->mdctx = EVP_MD_CTX_new();
	c->data = ldns_buffer_new(1024); /* all three grow as needed */
	c->rrs = ldns_buffer_new(1024);
	c->der = ldns_buffer_new(128);
	if (!c->sha256 || !c->mdctx || !c->data || !c->rrs || !c->der) {
		rrsig_cache_free(c);
		return NULL;
	}
	return c;
}

void rrsig_cache_free(struct rrsig_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nkeys; i++)
		EVP_PKEY_CTX_free(c->keys[i].pctx);
	EVP_MD_free(c->sha256);
	EVP_MD_CTX_free(c->mdctx);
	ldns_buffer_free(c->data);
	ldns_buffer_free(c->rrs);
	ldns_buffer_free(c->der);
	free(c->pos);
	free(c);
}

/* The verification context for pkey, made on first use.  The context holds
 * a reference to pkey, so a pointer match is the same key even after its
 * rrsig_key was cleared. */
static EVP_PKEY_CTX *key_ctx(struct rrsig_cache *c, EVP_PKEY *pkey)
{
	for (size_t i = 0; i < c->nkeys; i++)
		if (c->keys[i].pkey == pkey)
			return c->keys[i].pctx;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
	/* The digest as EVP_VerifyFinal sets it: the length check it brings. */
	if (!ctx || EVP_PKEY_verify_init(ctx) != 1 || EVP_PKEY_CTX_set_signature_md(ctx, c->sha256) != 1) {
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	size_t i;
	if (c->nkeys < CACHE_KEYS) {
		i = c->nkeys++;
	} else { /* more keys than a zone has: take turns */
		i = c->evict++ % CACHE_KEYS;
		EVP_PKEY_CTX_free(c->keys[i].pctx);
	}
	c->keys[i].pkey = pkey;
	c->keys[i].pctx = ctx;
	return ctx;
}

/* The RRset as RFC 4034 6.2 signs it: original TTL, wildcard owner by the
 * labels field, canonical form and order (what ldns does before verifying). */
static ldns_rr_list *canonical_rrset(const ldns_rr_list *set, const ldns_rr *sig)
{
	ldns_rr_list *c = ldns_rr_list_clone(set);
	uint32_t ttl = ldns_rdf2native_int32(ldns_rr_rdf(sig, 3));
	uint8_t labels = ldns_rdf2native_int8(ldns_rr_rdf(sig, 2));
	for (size_t i = 0; c && i < ldns_rr_list_rr_count(c); i++) {
		ldns_rr *rr = ldns_rr_list_rr(c, i);
		size_t have = ldns_dname_label_count(ldns_rr_owner(rr));
		if (labels < have) {
			ldns_rdf *base = ldns_dname_clone_from(ldns_rr_owner(rr), have - labels);
			ldns_rdf *star = ldns_dname_new_frm_str("*");
			if (base && star && ldns_dname_cat(star, base) == LDNS_STATUS_OK) {
				ldns_rdf_deep_free(ldns_rr_owner(rr));
				ldns_rr_set_owner(rr, star);
				star = NULL;
			}
			ldns_rdf_deep_free(base);
			ldns_rdf_deep_free(star);
		}
		ldns_rr_set_ttl(rr, ttl);
		ldns_rr2canonical(rr);
	}
	if (c)
		ldns_rr_list_sort(c);
	return c;
}

/* RFC 4034 6.3 order within an RRset (as ldns_rr_list_sort has it): the
 * canonical RDATA as octet strings, a shorter one first when it is a prefix
 * of the other. */
static int wire_cmp(const void *a, const void *b)
{
	const struct wire_rr *x = a, *y = b;
	size_t xl = x->len - x->rdata, yl = y->len - y->rdata;
	int d = memcmp(x->p + x->rdata, y->p + y->rdata, xl < yl ? xl : yl);
	return d ? d : (xl > yl) - (xl < yl);
}

/* Append the canonical wire form of rr with ttl to b (ldns_rr2canonical and
 * ldns_rr2buffer_wire, as ldns signs and verifies, without the copy). */
static bool put_canonical(ldns_buffer *b, const ldns_rr *rr, uint32_t ttl)
{
	size_t at = ldns_buffer_position(b);
	if (ldns_rr2buffer_wire_canonical(b, rr, LDNS_SECTION_ANY) != LDNS_STATUS_OK)
		return false;
	ldns_buffer_write_u32_at(b, at + ldns_rdf_size(ldns_rr_owner(rr)) + 4, ttl);
	return true;
}

/* The signed data of sig over set into c->data, without copying or
 * converting records.  LDNS_STATUS_NOT_IMPL for what only the general
 * path (canonical_rrset) handles: a wildcard expansion, records that differ
 * in owner spelling, class or type. */
static ldns_status signed_data(struct rrsig_cache *c, const ldns_rr_list *set, const ldns_rr *sig)
{
	size_t n = ldns_rr_list_rr_count(set);
	const ldns_rr *first = ldns_rr_list_rr(set, 0);
	const ldns_rdf *owner = ldns_rr_owner(first);
	if (!owner || ldns_rdf2native_int8(ldns_rr_rdf(sig, 2)) < ldns_dname_label_count(owner))
		return LDNS_STATUS_NOT_IMPL;
	for (size_t i = 1; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(set, i);
		const ldns_rdf *o = ldns_rr_owner(rr);
		if (ldns_rr_get_type(rr) != ldns_rr_get_type(first) || ldns_rr_get_class(rr) != ldns_rr_get_class(first) ||
		    !o || ldns_rdf_size(o) != ldns_rdf_size(owner) ||
		    memcmp(ldns_rdf_data(o), ldns_rdf_data(owner), ldns_rdf_size(o)) != 0)
			return LDNS_STATUS_NOT_IMPL;
	}
	uint32_t ttl = ldns_rdf2native_int32(ldns_rr_rdf(sig, 3));
	ldns_buffer_clear(c->data);
	if (ldns_rrsig2buffer_wire(c->data, sig) != LDNS_STATUS_OK)
		return LDNS_STATUS_MEM_ERR;
	if (n == 1)
		return put_canonical(c->data, first, ttl) ? LDNS_STATUS_OK : LDNS_STATUS_MEM_ERR;
	if (n > c->npos) {
		struct wire_rr *p = realloc(c->pos, n * sizeof *p);
		if (!p)
			return LDNS_STATUS_MEM_ERR;
		c->pos = p;
		c->npos = n;
	}
	ldns_buffer_clear(c->rrs);
	for (size_t i = 0; i < n; i++) {
		c->pos[i].at = ldns_buffer_position(c->rrs);
		if (!put_canonical(c->rrs, ldns_rr_list_rr(set, i), ttl))
			return LDNS_STATUS_MEM_ERR;
		c->pos[i].len = ldns_buffer_position(c->rrs) - c->pos[i].at;
		c->pos[i].rdata = ldns_rdf_size(owner) + 10; /* owner, type, class, TTL, RDLENGTH */
	}
	for (size_t i = 0; i < n; i++) /* the buffer may have moved while it grew */
		c->pos[i].p = ldns_buffer_at(c->rrs, c->pos[i].at);
	qsort(c->pos, n, sizeof *c->pos, wire_cmp);
	for (size_t i = 0; i < n; i++)
		if (!ldns_buffer_reserve(c->data, c->pos[i].len))
			return LDNS_STATUS_MEM_ERR;
		else
			ldns_buffer_write(c->data, c->pos[i].p, c->pos[i].len);
	return LDNS_STATUS_OK;
}

int rrsig_memo_key(const ldns_rr_list *set, const ldns_rr *sig, const ldns_rr *dnskey, uint8_t out[32])
{
	ldns_buffer *b = ldns_buffer_new(512);
	if (!b)
		return -1;
	bool ok = ldns_rr_rdata2buffer_wire(b, dnskey) == LDNS_STATUS_OK &&
		  ldns_rr_rdata2buffer_wire(b, sig) == LDNS_STATUS_OK;
	for (size_t i = 0; ok && i < ldns_rr_list_rr_count(set); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(set, i);
		ok = ldns_rdf2buffer_wire_canonical(b, ldns_rr_owner(rr)) == LDNS_STATUS_OK &&
		     ldns_buffer_reserve(b, 4);
		if (ok) {
			ldns_buffer_write_u16(b, (uint16_t)ldns_rr_get_type(rr));
			ldns_buffer_write_u16(b, (uint16_t)ldns_rr_get_class(rr));
			ok = ldns_rr_rdata2buffer_wire(b, rr) == LDNS_STATUS_OK;
		}
	}
	unsigned int n = 0;
	ok = ok && EVP_Digest(ldns_buffer_begin(b), ldns_buffer_position(b), out, &n, EVP_sha256(), NULL) == 1 &&
	     n == 32;
	ldns_buffer_free(b);
	return ok ? 0 : -1;
}

ldns_status rrsig_verify(const ldns_rr_list *set, const ldns_rr *sig, const struct rrsig_key *k, time_t at)
{
	return rrsig_verify_cached(NULL, set, sig, k, at);
}

ldns_status rrsig_verify_cached(struct rrsig_cache *c, const ldns_rr_list *set, const ldns_rr *sig,
				const struct rrsig_key *k, time_t at)
{
	if (!k->dnskey || ldns_rr_rd_count(sig) < 9 || !ldns_rr_list_rr_count(set))
		return LDNS_STATUS_CRYPTO_BOGUS;
	uint8_t alg = ldns_rdf2native_int8(ldns_rr_rdf(sig, 1));
	uint16_t tag = ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig));
	if (alg != k->alg || tag != k->tag)
		return LDNS_STATUS_CRYPTO_NO_MATCHING_KEYTAG_DNSKEY;
	int32_t inception = (int32_t)ldns_rdf2native_int32(ldns_rr_rrsig_inception(sig));
	int32_t expiration = (int32_t)ldns_rdf2native_int32(ldns_rr_rrsig_expiration(sig));
	int32_t now = (int32_t)(uint32_t)at;
	if (expiration - inception < 0)
		return LDNS_STATUS_CRYPTO_EXPIRATION_BEFORE_INCEPTION;
	if (now - inception < 0)
		return LDNS_STATUS_CRYPTO_SIG_NOT_INCEPTED;
	if (expiration - now < 0)
		return LDNS_STATUS_CRYPTO_SIG_EXPIRED;
	if (!k->pkey ||
	    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(sig)) != ldns_rr_get_type(ldns_rr_list_rr(set, 0))) {
		/* Any other algorithm: ldns, with its own key handling. */
		ldns_rr_list *keys = ldns_rr_list_new();
		if (!keys)
			return LDNS_STATUS_MEM_ERR;
		ldns_rr_list_push_rr(keys, (ldns_rr *)k->dnskey);
		ldns_status st = ldns_verify_rrsig_keylist_time((ldns_rr_list *)set, (ldns_rr *)sig, keys, at, NULL);
		ldns_rr_list_free(keys);
		return st;
	}
	if (!c) {
		struct rrsig_cache *tmp = rrsig_cache_new();
		if (!tmp)
			return LDNS_STATUS_MEM_ERR;
		ldns_status st = rrsig_verify_cached(tmp, set, sig, k, at);
		rrsig_cache_free(tmp);
		return st;
	}
	ldns_status st = signed_data(c, set, sig);
	if (st == LDNS_STATUS_NOT_IMPL) {
		ldns_rr_list *canon = canonical_rrset(set, sig);
		ldns_buffer_clear(c->data);
		st = canon && ldns_rrsig2buffer_wire(c->data, sig) == LDNS_STATUS_OK &&
				     ldns_rr_list2buffer_wire(c->data, canon) == LDNS_STATUS_OK
			     ? LDNS_STATUS_OK
			     : LDNS_STATUS_MEM_ERR;
		ldns_rr_list_deep_free(canon);
	}
	if (st != LDNS_STATUS_OK)
		return st;
	ldns_buffer_clear(c->der);
	if (ldns_convert_ecdsa_rrsig_rdf2asn1(c->der, ldns_rr_rdf(sig, 8)) != LDNS_STATUS_OK)
		return LDNS_STATUS_MEM_ERR;
	/* What ldns_verify_rrsig_evp_raw does (EVP_VerifyFinal: the digest,
	 * then EVP_PKEY_verify with the digest set), with the contexts kept. */
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_PKEY_CTX *pctx = key_ctx(c, k->pkey);
	if (!pctx || EVP_DigestInit_ex(c->mdctx, c->sha256, NULL) != 1 ||
	    EVP_DigestUpdate(c->mdctx, ldns_buffer_begin(c->data), ldns_buffer_position(c->data)) != 1 ||
	    EVP_DigestFinal_ex(c->mdctx, md, &mdlen) != 1)
		return LDNS_STATUS_SSL_ERR;
	int res = EVP_PKEY_verify(pctx, ldns_buffer_begin(c->der), ldns_buffer_position(c->der), md, mdlen);
	return res == 1 ? LDNS_STATUS_OK : res == 0 ? LDNS_STATUS_CRYPTO_BOGUS : LDNS_STATUS_SSL_ERR;
}
