/* rrsig.c: one RRSIG, one key (rrsig.h). */
#include "dnssec/rrsig.h"

#include <string.h>

int rrsig_key_init(struct rrsig_key *k, const ldns_rr *dnskey)
{
	memset(k, 0, sizeof *k);
	if (!dnskey || ldns_rr_get_type(dnskey) != LDNS_RR_TYPE_DNSKEY || ldns_rr_rd_count(dnskey) < 4)
		return -1;
	k->dnskey = dnskey;
	k->tag = ldns_calc_keytag(dnskey);
	k->flags = ldns_rdf2native_int16(ldns_rr_rdf(dnskey, 0));
	k->alg = ldns_rdf2native_int8(ldns_rr_rdf(dnskey, 2));
	const ldns_rdf *pub = ldns_rr_rdf(dnskey, 3);
	if (k->alg == LDNS_ECDSAP256SHA256 && pub)
		k->pkey = ldns_ecdsa2pkey_raw(ldns_rdf_data(pub), ldns_rdf_size(pub), k->alg);
	return 0;
}

void rrsig_key_clear(struct rrsig_key *k)
{
	EVP_PKEY_free(k->pkey);
	memset(k, 0, sizeof *k);
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

ldns_status rrsig_verify(const ldns_rr_list *set, const ldns_rr *sig, const struct rrsig_key *k, time_t at)
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
	ldns_rr_list *c = canonical_rrset(set, sig);
	ldns_buffer *data = ldns_buffer_new(1024), *der = ldns_buffer_new(128); /* both grow as needed */
	ldns_status st = LDNS_STATUS_MEM_ERR;
	if (c && data && der && ldns_rrsig2buffer_wire(data, sig) == LDNS_STATUS_OK &&
	    ldns_rr_list2buffer_wire(data, c) == LDNS_STATUS_OK &&
	    ldns_convert_ecdsa_rrsig_rdf2asn1(der, ldns_rr_rdf(sig, 8)) == LDNS_STATUS_OK)
		st = ldns_verify_rrsig_evp_raw(ldns_buffer_begin(der), ldns_buffer_position(der), data, k->pkey,
					       EVP_sha256());
	ldns_buffer_free(data);
	ldns_buffer_free(der);
	ldns_rr_list_deep_free(c);
	return st;
}
