/* test_cache.c: unit tests for the resolver cache (src/resolver/cache.c):
 * TTL countdown on the lab clock, keys, negative answers, trust ranking,
 * the memory bound and input checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolver/cache.h"
#include "util/err.h"

#define SOA_STR(ttl, min) \
	"example.com. " #ttl " IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 " #min

/* ---- fixtures ---- */

static struct cache cache;

/* Names made by dn() are freed in teardown, so tests can use them inline. */
static ldns_rdf *names[64];
static size_t nnames;

static int setup(void **state)
{
	return cache_init(&cache, 0);
}

static int teardown(void **state)
{
	cache_free(&cache);
	for (size_t i = 0; i < nnames; i++)
		ldns_rdf_deep_free(names[i]);
	nnames = 0;
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

static ldns_rdf *dn(const char *s)
{
	ldns_rdf *r = ldns_dname_new_frm_str(s);
	assert_non_null(r);
	assert_true(nnames < sizeof names / sizeof names[0]);
	names[nnames++] = r;
	return r;
}

static ldns_rr *mkrr(const char *s)
{
	ldns_rr *rr = NULL;
	assert_int_equal(ldns_rr_new_frm_str(&rr, s, 0, NULL, NULL), LDNS_STATUS_OK);
	return rr;
}

/* A list of the records given, NULL-terminated; caller deep-frees. */
static ldns_rr_list *mklist(const char *first, ...)
{
	ldns_rr_list *l = ldns_rr_list_new();
	assert_non_null(l);
	va_list ap;
	va_start(ap, first);
	for (const char *s = first; s; s = va_arg(ap, const char *))
		assert_true(ldns_rr_list_push_rr(l, mkrr(s)));
	va_end(ap);
	return l;
}

/* Store a one-record RRset. */
static int put1(const char *rr, enum cache_trust trust, double now)
{
	ldns_rr_list *l = mklist(rr, NULL);
	int rc = cache_put_rrset(&cache, l, NULL, trust, now);
	ldns_rr_list_deep_free(l);
	return rc;
}

static int put_neg(const char *name, ldns_rr_type type, enum cache_kind kind, const char *soa,
		   double now)
{
	ldns_rr *rr = mkrr(soa);
	int rc = cache_put_negative(&cache, dn(name), type, LDNS_RR_CLASS_IN, kind, rr, NULL, now);
	ldns_rr_free(rr);
	return rc;
}

static const struct cache_entry *get(const char *name, ldns_rr_type type, double now)
{
	return cache_get(&cache, dn(name), type, LDNS_RR_CLASS_IN, now);
}

/* The rdata of the first record, as text, for comparing contents. */
static void assert_first_rdata(const struct cache_entry *e, const char *want)
{
	assert_non_null(e);
	char *s = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(e->rrs, 0), 0));
	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

/* ---- basics ---- */

static void test_init_defaults(void **state)
{
	assert_int_equal(cache.max_entries, 100000);
	assert_true(cache.nbuckets >= 64);
	assert_int_equal(cache.nbuckets & (cache.nbuckets - 1), 0);
	assert_int_equal(cache.count, 0);
	assert_null(get("example.com.", LDNS_RR_TYPE_A, 0));
}

static void test_positive_ttl_countdown(void **state)
{
	assert_int_equal(put1("www.example.com. 300 IN A 192.0.2.1", CACHE_TRUST_AUTH, 1000), 0);
	assert_int_equal(cache.count, 1);

	const struct cache_entry *e = get("www.example.com.", LDNS_RR_TYPE_A, 1000);
	assert_non_null(e);
	assert_int_equal(e->kind, CACHE_POSITIVE);
	assert_int_equal(e->trust, CACHE_TRUST_AUTH);
	assert_int_equal(e->ttl, 300);
	assert_true(e->stored == 1000);
	assert_true(e->expires == 1300);
	assert_int_equal(ldns_rr_list_rr_count(e->rrs), 1);
	assert_non_null(e->sigs);
	assert_int_equal(ldns_rr_list_rr_count(e->sigs), 0);
	assert_first_rdata(e, "192.0.2.1");

	assert_int_equal(cache_ttl_left(e, 1000), 300);
	/* Any time passed shows one second less: floor, not round. */
	assert_int_equal(cache_ttl_left(e, 1000.001), 299);
	assert_int_equal(cache_ttl_left(e, 1010.5), 289);
	assert_int_equal(cache_ttl_left(e, 1299.9), 0);
	assert_int_equal(cache_ttl_left(e, 1300), 0);
	assert_int_equal(cache_ttl_left(e, 5000), 0);
	assert_non_null(get("www.example.com.", LDNS_RR_TYPE_A, 1299.9));
}

static void test_expiry_at_expires_removes(void **state)
{
	assert_int_equal(put1("www.example.com. 60 IN A 192.0.2.1", CACHE_TRUST_AUTH, 0.25), 0);
	assert_int_equal(put1("www.example.com. 600 IN AAAA 2001:db8::1", CACHE_TRUST_AUTH, 0.25), 0);
	assert_int_equal(cache.count, 2);
	assert_non_null(get("www.example.com.", LDNS_RR_TYPE_A, 60.2));
	assert_int_equal(cache.count, 2);
	assert_null(get("www.example.com.", LDNS_RR_TYPE_A, 60.25));
	assert_int_equal(cache.count, 1);
	/* Gone for good, even if the clock is set back. */
	assert_null(get("www.example.com.", LDNS_RR_TYPE_A, 1));
	assert_non_null(get("www.example.com.", LDNS_RR_TYPE_AAAA, 61));
}

static void test_ttl_is_min_of_rrset(void **state)
{
	ldns_rr_list *l = mklist("ns.example.com. 300 IN A 192.0.2.1", "ns.example.com. 60 IN A 192.0.2.2",
				 "ns.example.com. 120 IN A 192.0.2.3", NULL);
	assert_int_equal(cache_put_rrset(&cache, l, NULL, CACHE_TRUST_AUTH, 0), 0);
	ldns_rr_list_deep_free(l);
	const struct cache_entry *e = get("ns.example.com.", LDNS_RR_TYPE_A, 0);
	assert_non_null(e);
	assert_int_equal(e->ttl, 60);
	assert_int_equal(ldns_rr_list_rr_count(e->rrs), 3);
	assert_null(get("ns.example.com.", LDNS_RR_TYPE_A, 60));
}

static void test_case_insensitive_names(void **state)
{
	assert_int_equal(put1("WWW.Example.COM. 300 IN A 192.0.2.1", CACHE_TRUST_AUTH, 0), 0);
	const struct cache_entry *e = get("www.example.com.", LDNS_RR_TYPE_A, 1);
	assert_non_null(e);
	assert_ptr_equal(get("wWw.EXAMPLE.cOm.", LDNS_RR_TYPE_A, 1), e);
	char *s = ldns_rdf2str(e->name);
	assert_string_equal(s, "www.example.com.");
	free(s);
	/* The records themselves keep the case they came with (RFC 4343). */
	s = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(e->rrs, 0)));
	assert_string_equal(s, "WWW.Example.COM.");
	free(s);
	/* The same name in another case is the same key: it replaces. */
	assert_int_equal(put1("www.EXAMPLE.com. 300 IN A 192.0.2.9", CACHE_TRUST_AUTH, 2), 0);
	assert_int_equal(cache.count, 1);
	assert_first_rdata(get("WWW.EXAMPLE.COM.", LDNS_RR_TYPE_A, 3), "192.0.2.9");
}

static void test_class_separation(void **state)
{
	assert_int_equal(put1("version.bind. 300 CH TXT \"lab\"", CACHE_TRUST_AUTH, 0), 0);
	assert_null(cache_get(&cache, dn("version.bind."), LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_IN, 1));
	assert_non_null(cache_get(&cache, dn("version.bind."), LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_CH, 1));
	assert_int_equal(put1("version.bind. 300 IN TXT \"in\"", CACHE_TRUST_AUTH, 0), 0);
	assert_int_equal(cache.count, 2);
	const struct cache_entry *in =
		cache_get(&cache, dn("version.bind."), LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_IN, 1);
	assert_non_null(in);
	assert_int_equal(in->klass, LDNS_RR_CLASS_IN);
	assert_first_rdata(in, "\"in\"");
}

static void test_type_separation(void **state)
{
	assert_int_equal(put1("example.com. 300 IN A 192.0.2.1", CACHE_TRUST_AUTH, 0), 0);
	assert_int_equal(put1("example.com. 300 IN MX 10 mail.example.com.", CACHE_TRUST_AUTH, 0), 0);
	assert_int_equal(cache.count, 2);
	assert_int_equal(get("example.com.", LDNS_RR_TYPE_A, 1)->type, LDNS_RR_TYPE_A);
	assert_int_equal(get("example.com.", LDNS_RR_TYPE_MX, 1)->type, LDNS_RR_TYPE_MX);
	assert_null(get("example.com.", LDNS_RR_TYPE_AAAA, 1));
	assert_null(get("www.example.com.", LDNS_RR_TYPE_A, 1));
}

static void test_hit_miss_counters(void **state)
{
	assert_int_equal(put1("example.com. 300 IN A 192.0.2.1", CACHE_TRUST_AUTH, 0), 0);
	assert_non_null(get("example.com.", LDNS_RR_TYPE_A, 1));
	assert_non_null(get("example.com.", LDNS_RR_TYPE_A, 2));
	assert_null(get("example.com.", LDNS_RR_TYPE_AAAA, 2));
	assert_null(get("example.com.", LDNS_RR_TYPE_A, 400));
	assert_int_equal(cache.hits, 2);
	assert_int_equal(cache.misses, 2);
}

/* ---- TTL 0 ---- */

static void test_ttl_zero_not_stored(void **state)
{
	assert_int_equal(put1("www.example.com. 0 IN A 192.0.2.1", CACHE_TRUST_AUTH, 0), 0);
	assert_int_equal(cache.count, 0);
	assert_null(get("www.example.com.", LDNS_RR_TYPE_A, 0));

	/* One record at 0 makes the whole RRset uncacheable. */
	ldns_rr_list *l = mklist("www.example.com. 300 IN A 192.0.2.1", "www.example.com. 0 IN A 192.0.2.2", NULL);
	assert_int_equal(cache_put_rrset(&cache, l, NULL, CACHE_TRUST_AUTH, 0), 0);
	ldns_rr_list_deep_free(l);
	assert_int_equal(cache.count, 0);

	assert_int_equal(put_neg("nx.example.com.", 0, CACHE_NXDOMAIN, SOA_STR(3600, 0), 0), 0);
	assert_int_equal(put_neg("www.example.com.", LDNS_RR_TYPE_TXT, CACHE_NODATA, SOA_STR(0, 300), 0), 0);
	assert_int_equal(cache.count, 0);
}

static void test_ttl_top_bit_is_zero(void **state)
{
	/* RFC 2181 8: a TTL with the top bit set counts as 0. */
	ldns_rr_list *l = mklist("www.example.com. 300 IN A 192.0.2.1", NULL);
	ldns_rr_set_ttl(ldns_rr_list_rr(l, 0), 0x80000000u);
	assert_int_equal(cache_put_rrset(&cache, l, NULL, CACHE_TRUST_AUTH, 0), 0);
	ldns_rr_list_deep_free(l);
	assert_int_equal(cache.count, 0);
}

/* ---- negative answers ---- */

static void test_nxdomain_answers_all_types(void **state)
{
	assert_int_equal(put_neg("NX.example.com.", LDNS_RR_TYPE_A, CACHE_NXDOMAIN, SOA_STR(3600, 300), 0), 0);
	assert_int_equal(cache.count, 1);
	const ldns_rr_type types[] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_MX,
				       LDNS_RR_TYPE_TXT, LDNS_RR_TYPE_DS };
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		const struct cache_entry *e = get("nx.EXAMPLE.com.", types[i], 10);
		assert_non_null(e);
		assert_int_equal(e->kind, CACHE_NXDOMAIN);
		assert_int_equal(e->type, 0);
		assert_int_equal(ldns_rr_list_rr_count(e->rrs), 1);
		assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(e->rrs, 0)), LDNS_RR_TYPE_SOA);
	}
	/* Only that name, and only that class. */
	assert_null(get("a.nx.example.com.", LDNS_RR_TYPE_A, 10));
	assert_null(cache_get(&cache, dn("nx.example.com."), LDNS_RR_TYPE_A, LDNS_RR_CLASS_CH, 10));
	assert_null(get("nx.example.com.", LDNS_RR_TYPE_A, 300));
	assert_int_equal(cache.count, 0);
}

static void test_nodata_only_its_type(void **state)
{
	assert_int_equal(put_neg("www.example.com.", LDNS_RR_TYPE_AAAA, CACHE_NODATA, SOA_STR(3600, 300), 0), 0);
	const struct cache_entry *e = get("www.example.com.", LDNS_RR_TYPE_AAAA, 1);
	assert_non_null(e);
	assert_int_equal(e->kind, CACHE_NODATA);
	assert_int_equal(e->type, LDNS_RR_TYPE_AAAA);
	assert_null(get("www.example.com.", LDNS_RR_TYPE_A, 1));
	assert_null(get("www.example.com.", LDNS_RR_TYPE_TXT, 1));
}

static void test_negative_ttl_soa_ttl_lower(void **state)
{
	assert_int_equal(put_neg("nx.example.com.", 0, CACHE_NXDOMAIN, SOA_STR(60, 900), 100), 0);
	const struct cache_entry *e = get("nx.example.com.", LDNS_RR_TYPE_A, 100);
	assert_non_null(e);
	assert_int_equal(e->ttl, 60);
	assert_int_equal(cache_ttl_left(e, 130.5), 29);
	assert_null(get("nx.example.com.", LDNS_RR_TYPE_A, 160));
}

static void test_negative_ttl_minimum_lower(void **state)
{
	assert_int_equal(put_neg("www.example.com.", LDNS_RR_TYPE_MX, CACHE_NODATA, SOA_STR(3600, 120), 100), 0);
	const struct cache_entry *e = get("www.example.com.", LDNS_RR_TYPE_MX, 100);
	assert_non_null(e);
	assert_int_equal(e->ttl, 120);
	assert_non_null(get("www.example.com.", LDNS_RR_TYPE_MX, 219.9));
	assert_null(get("www.example.com.", LDNS_RR_TYPE_MX, 220));
}

static void test_positive_removes_nxdomain(void **state)
{
	assert_int_equal(put_neg("new.example.com.", 0, CACHE_NXDOMAIN, SOA_STR(3600, 300), 0), 0);
	assert_int_equal(get("new.example.com.", LDNS_RR_TYPE_A, 1)->kind, CACHE_NXDOMAIN);
	/* RFC 2308 5: the name now exists, so the later answer replaces it. */
	assert_int_equal(put1("new.example.com. 300 IN A 192.0.2.7", CACHE_TRUST_ANSWER, 2), 0);
	assert_int_equal(cache.count, 1);
	const struct cache_entry *e = get("new.example.com.", LDNS_RR_TYPE_A, 3);
	assert_non_null(e);
	assert_int_equal(e->kind, CACHE_POSITIVE);
	assert_null(get("new.example.com.", LDNS_RR_TYPE_AAAA, 3));
}

static void test_glue_does_not_remove_nxdomain(void **state)
{
	assert_int_equal(put_neg("ns.example.com.", 0, CACHE_NXDOMAIN, SOA_STR(3600, 300), 0), 0);
	assert_int_equal(put1("ns.example.com. 300 IN A 192.0.2.7", CACHE_TRUST_GLUE, 1), 0);
	assert_int_equal(put1("ns.example.com. 300 IN A 192.0.2.7", CACHE_TRUST_REFERRAL, 1), 0);
	assert_int_equal(cache.count, 1);
	assert_int_equal(get("ns.example.com.", LDNS_RR_TYPE_A, 2)->kind, CACHE_NXDOMAIN);
}

static void test_nxdomain_after_positive(void **state)
{
	assert_int_equal(put1("a.example.com. 300 IN A 192.0.2.1", CACHE_TRUST_ANSWER, 0), 0);
	assert_int_equal(put1("b.example.com. 300 IN A 192.0.2.2", CACHE_TRUST_AUTH, 0), 0);
	assert_int_equal(put_neg("a.example.com.", 0, CACHE_NXDOMAIN, SOA_STR(3600, 300), 5), 0);
	assert_int_equal(put_neg("b.example.com.", 0, CACHE_NXDOMAIN, SOA_STR(3600, 300), 5), 0);
	/* The newer NXDOMAIN wins over an equally trusted answer ... */
	assert_int_equal(get("a.example.com.", LDNS_RR_TYPE_A, 6)->kind, CACHE_NXDOMAIN);
	/* ... but not over an authoritative one still live. */
	assert_int_equal(get("b.example.com.", LDNS_RR_TYPE_A, 6)->kind, CACHE_POSITIVE);
	assert_int_equal(get("b.example.com.", LDNS_RR_TYPE_MX, 6)->kind, CACHE_NXDOMAIN);
}

static void test_nodata_replaces_nxdomain(void **state)
{
	assert_int_equal(put_neg("x.example.com.", 0, CACHE_NXDOMAIN, SOA_STR(3600, 300), 0), 0);
	assert_int_equal(put_neg("x.example.com.", LDNS_RR_TYPE_AAAA, CACHE_NODATA, SOA_STR(3600, 300), 1), 0);
	assert_int_equal(cache.count, 1);
	assert_int_equal(get("x.example.com.", LDNS_RR_TYPE_AAAA, 2)->kind, CACHE_NODATA);
	assert_null(get("x.example.com.", LDNS_RR_TYPE_A, 2));
}

/* ---- trust (RFC 2181 5.4.1) ---- */

static void test_glue_does_not_replace_auth(void **state)
{
	assert_int_equal(put1("ns1.example.com. 300 IN A 192.0.2.1", CACHE_TRUST_AUTH, 0), 0);
	assert_int_equal(put1("ns1.example.com. 900 IN A 198.51.100.1", CACHE_TRUST_GLUE, 1), 0);
	assert_int_equal(put1("ns1.example.com. 900 IN A 198.51.100.1", CACHE_TRUST_ANSWER, 1), 0);
	assert_int_equal(cache.count, 1);
	const struct cache_entry *e = get("ns1.example.com.", LDNS_RR_TYPE_A, 2);
	assert_int_equal(e->trust, CACHE_TRUST_AUTH);
	assert_int_equal(e->ttl, 300);
	assert_first_rdata(e, "192.0.2.1");
}

static void test_auth_replaces_glue(void **state)
{
	assert_int_equal(put1("ns1.example.com. 900 IN A 198.51.100.1", CACHE_TRUST_GLUE, 0), 0);
	assert_int_equal(put1("ns1.example.com. 300 IN A 192.0.2.1", CACHE_TRUST_AUTH, 1), 0);
	assert_int_equal(cache.count, 1);
	const struct cache_entry *e = get("ns1.example.com.", LDNS_RR_TYPE_A, 2);
	assert_int_equal(e->trust, CACHE_TRUST_AUTH);
	assert_first_rdata(e, "192.0.2.1");
	assert_true(e->expires == 301);
	/* Equal trust replaces too: the newer data is as good. */
	assert_int_equal(put1("ns1.example.com. 300 IN A 192.0.2.2", CACHE_TRUST_AUTH, 5), 0);
	assert_int_equal(cache.count, 1);
	assert_first_rdata(get("ns1.example.com.", LDNS_RR_TYPE_A, 6), "192.0.2.2");
}

static void test_expired_trusted_entry_replaced(void **state)
{
	assert_int_equal(put1("ns1.example.com. 10 IN A 192.0.2.1", CACHE_TRUST_AUTH, 0), 0);
	assert_int_equal(put1("ns1.example.com. 900 IN A 198.51.100.1", CACHE_TRUST_GLUE, 9.9), 0);
	assert_first_rdata(get("ns1.example.com.", LDNS_RR_TYPE_A, 9.9), "192.0.2.1");
	assert_int_equal(put1("ns1.example.com. 900 IN A 198.51.100.1", CACHE_TRUST_GLUE, 10), 0);
	assert_int_equal(cache.count, 1);
	const struct cache_entry *e = get("ns1.example.com.", LDNS_RR_TYPE_A, 11);
	assert_int_equal(e->trust, CACHE_TRUST_GLUE);
	assert_first_rdata(e, "198.51.100.1");
}

/* ---- copies ---- */

static void test_sigs_stored_and_copied(void **state)
{
	ldns_rr_list *rrs = mklist("www.example.com. 300 IN A 192.0.2.1", NULL);
	ldns_rr_list *sigs = mklist("www.example.com. 300 IN RRSIG A 13 3 300 20300101000000 "
				    "20200101000000 12345 example.com. AAECAwQFBgc=",
				    NULL);
	assert_int_equal(cache_put_rrset(&cache, rrs, sigs, CACHE_TRUST_AUTH, 0), 0);
	ldns_rr *orig_sig = ldns_rr_list_rr(sigs, 0);
	const struct cache_entry *e = get("www.example.com.", LDNS_RR_TYPE_A, 1);
	assert_non_null(e);
	assert_int_equal(ldns_rr_list_rr_count(e->sigs), 1);
	ldns_rr *sig = ldns_rr_list_rr(e->sigs, 0);
	assert_ptr_not_equal(sig, orig_sig);
	assert_int_equal(ldns_rr_compare(sig, orig_sig), 0);
	ldns_rr_list_deep_free(rrs);
	ldns_rr_list_deep_free(sigs);
	/* Still readable after the caller freed its copies (ASan checks). */
	assert_int_equal(ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig)), 12345);
}

static void test_rrs_deep_copied(void **state)
{
	ldns_rr_list *l = mklist("www.example.com. 300 IN A 192.0.2.1", "www.example.com. 300 IN A 192.0.2.2", NULL);
	assert_int_equal(cache_put_rrset(&cache, l, NULL, CACHE_TRUST_AUTH, 0), 0);
	ldns_rr *in = ldns_rr_list_rr(l, 0);
	ldns_rr_set_ttl(in, 5);
	ldns_rdf_deep_free(ldns_rr_set_rdf(in, ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, "203.0.113.9"), 0));
	ldns_dname2canonical(ldns_rr_owner(in));

	const struct cache_entry *e = get("www.example.com.", LDNS_RR_TYPE_A, 1);
	assert_non_null(e);
	assert_ptr_not_equal(e->rrs, l);
	assert_ptr_not_equal(ldns_rr_list_rr(e->rrs, 0), in);
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(e->rrs, 0)), 300);
	assert_first_rdata(e, "192.0.2.1");
	ldns_rr_list_deep_free(l);
	assert_int_equal(ldns_rr_list_rr_count(e->rrs), 2);
	assert_first_rdata(get("www.example.com.", LDNS_RR_TYPE_A, 2), "192.0.2.1");

	/* The negative path copies its SOA and name too. */
	ldns_rr *soa = mkrr(SOA_STR(3600, 300));
	ldns_rdf *name = ldns_dname_new_frm_str("gone.example.com.");
	assert_int_equal(cache_put_negative(&cache, name, 0, LDNS_RR_CLASS_IN, CACHE_NXDOMAIN, soa, NULL, 0), 0);
	ldns_rr_free(soa);
	ldns_rdf_deep_free(name);
	e = get("gone.example.com.", LDNS_RR_TYPE_A, 1);
	assert_non_null(e);
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(e->rrs, 0)), 3600);
}

/* ---- memory bound ---- */

static void test_capacity_bound(void **state)
{
	cache_free(&cache);
	assert_int_equal(cache_init(&cache, 10), 0);
	for (int i = 0; i < 100; i++) {
		char rr[128], name[64];
		snprintf(name, sizeof name, "h%d.example.com.", i);
		snprintf(rr, sizeof rr, "%s 3600 IN A 192.0.2.%d", name, i + 1);
		assert_int_equal(put1(rr, CACHE_TRUST_AUTH, i), 0);
		assert_true(cache.count <= 10);
		assert_non_null(get(name, LDNS_RR_TYPE_A, i));
		ldns_rdf_deep_free(names[--nnames]);
	}
	assert_int_equal(cache.count, 10);
}

static void test_full_table_sweeps_expired_first(void **state)
{
	cache_free(&cache);
	assert_int_equal(cache_init(&cache, 10), 0);
	char rr[128];
	for (int i = 0; i < 10; i++) {
		snprintf(rr, sizeof rr, "%s%d.example.com. %d IN A 192.0.2.%d", i < 5 ? "short" : "long", i,
			 i < 5 ? 10 : 1000, i + 1);
		assert_int_equal(put1(rr, CACHE_TRUST_AUTH, 0), 0);
	}
	assert_int_equal(cache.count, 10);
	assert_int_equal(put1("new.example.com. 300 IN A 192.0.2.99", CACHE_TRUST_AUTH, 20), 0);
	/* The five expired entries went, so no live one had to. */
	assert_int_equal(cache.count, 6);
	for (int i = 5; i < 10; i++) {
		char name[64];
		snprintf(name, sizeof name, "long%d.example.com.", i);
		assert_non_null(get(name, LDNS_RR_TYPE_A, 20));
	}
	assert_non_null(get("new.example.com.", LDNS_RR_TYPE_A, 20));
}

static void test_replacing_in_full_table_evicts_nothing(void **state)
{
	cache_free(&cache);
	assert_int_equal(cache_init(&cache, 3), 0);
	assert_int_equal(put1("a.example.com. 300 IN A 192.0.2.1", CACHE_TRUST_AUTH, 0), 0);
	assert_int_equal(put1("b.example.com. 300 IN A 192.0.2.2", CACHE_TRUST_AUTH, 0), 0);
	assert_int_equal(put1("c.example.com. 300 IN A 192.0.2.3", CACHE_TRUST_AUTH, 0), 0);
	assert_int_equal(put1("b.example.com. 300 IN A 192.0.2.22", CACHE_TRUST_AUTH, 1), 0);
	assert_int_equal(cache.count, 3);
	assert_non_null(get("a.example.com.", LDNS_RR_TYPE_A, 2));
	assert_first_rdata(get("b.example.com.", LDNS_RR_TYPE_A, 2), "192.0.2.22");
	assert_non_null(get("c.example.com.", LDNS_RR_TYPE_A, 2));
}

static void test_flush(void **state)
{
	assert_int_equal(put1("a.example.com. 300 IN A 192.0.2.1", CACHE_TRUST_AUTH, 0), 0);
	assert_int_equal(put_neg("nx.example.com.", 0, CACHE_NXDOMAIN, SOA_STR(3600, 300), 0), 0);
	cache_flush(&cache);
	assert_int_equal(cache.count, 0);
	assert_null(get("a.example.com.", LDNS_RR_TYPE_A, 1));
	assert_null(get("nx.example.com.", LDNS_RR_TYPE_A, 1));
	/* Still usable afterwards. */
	assert_int_equal(put1("a.example.com. 300 IN A 192.0.2.1", CACHE_TRUST_AUTH, 2), 0);
	assert_non_null(get("a.example.com.", LDNS_RR_TYPE_A, 3));
	cache_flush(&cache);
	cache_flush(&cache);
	assert_int_equal(cache.count, 0);
}

struct walk_seen {
	int n;
	int kinds[3];
	uint32_t ttl_sum;
};

static void walk_count(void *arg, const struct cache_entry *e)
{
	struct walk_seen *w = arg;
	w->n++;
	w->kinds[e->kind]++;
	w->ttl_sum += e->ttl;
}

static void test_walk_visits_live_only(void **state)
{
	assert_int_equal(put1("a.example.com. 10 IN A 192.0.2.1", CACHE_TRUST_AUTH, 0), 0);
	assert_int_equal(put1("b.example.com. 100 IN A 192.0.2.2", CACHE_TRUST_AUTH, 0), 0);
	assert_int_equal(put_neg("nx.example.com.", 0, CACHE_NXDOMAIN, SOA_STR(3600, 50), 0), 0);
	assert_int_equal(put_neg("b.example.com.", LDNS_RR_TYPE_MX, CACHE_NODATA, SOA_STR(3600, 5), 0), 0);

	struct walk_seen w = { 0 };
	cache_walk(&cache, 0, walk_count, &w);
	assert_int_equal(w.n, 4);

	memset(&w, 0, sizeof w);
	cache_walk(&cache, 10, walk_count, &w);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.kinds[CACHE_POSITIVE], 1);
	assert_int_equal(w.kinds[CACHE_NXDOMAIN], 1);
	assert_int_equal(w.ttl_sum, 150);

	memset(&w, 0, sizeof w);
	cache_walk(&cache, 1000, walk_count, &w);
	assert_int_equal(w.n, 0);
}

/* ---- input checks ---- */

static void test_invalid_rrsets(void **state)
{
	ldns_rr_list *empty = ldns_rr_list_new();
	assert_int_equal(cache_put_rrset(&cache, empty, NULL, CACHE_TRUST_AUTH, 0), DL_ERR_INPUT);
	ldns_rr_list_free(empty);
	assert_int_equal(cache_put_rrset(&cache, NULL, NULL, CACHE_TRUST_AUTH, 0), DL_ERR_INPUT);

	const char *mixed[][2] = {
		{ "a.example.com. 300 IN A 192.0.2.1", "b.example.com. 300 IN A 192.0.2.2" },
		{ "a.example.com. 300 IN A 192.0.2.1", "a.example.com. 300 IN AAAA 2001:db8::1" },
		{ "a.example.com. 300 IN TXT \"x\"", "a.example.com. 300 CH TXT \"y\"" },
	};
	for (size_t i = 0; i < sizeof mixed / sizeof mixed[0]; i++) {
		ldns_rr_list *l = mklist(mixed[i][0], mixed[i][1], NULL);
		assert_int_equal(cache_put_rrset(&cache, l, NULL, CACHE_TRUST_AUTH, 0), DL_ERR_INPUT);
		ldns_rr_list_deep_free(l);
	}
	/* Owners differing only in case are one owner. */
	ldns_rr_list *l = mklist("a.example.com. 300 IN A 192.0.2.1", "A.Example.com. 300 IN A 192.0.2.2", NULL);
	assert_int_equal(cache_put_rrset(&cache, l, NULL, CACHE_TRUST_AUTH, 0), 0);
	ldns_rr_list_deep_free(l);
	assert_int_equal(cache.count, 1);
	cache_flush(&cache);

	/* Signatures must be RRSIGs over this very RRset. */
	const char *bad_sigs[] = {
		"www.example.com. 300 IN A 192.0.2.9",
		"www.example.com. 300 IN RRSIG AAAA 13 3 300 20300101000000 20200101000000 1 example.com. AAECAwQFBgc=",
		"other.example.com. 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 1 example.com. AAECAwQFBgc=",
	};
	for (size_t i = 0; i < sizeof bad_sigs / sizeof bad_sigs[0]; i++) {
		ldns_rr_list *rrs = mklist("www.example.com. 300 IN A 192.0.2.1", NULL);
		ldns_rr_list *sigs = mklist(bad_sigs[i], NULL);
		assert_int_equal(cache_put_rrset(&cache, rrs, sigs, CACHE_TRUST_AUTH, 0), DL_ERR_INPUT);
		ldns_rr_list_deep_free(rrs);
		ldns_rr_list_deep_free(sigs);
	}
	assert_int_equal(cache.count, 0);
}

static void test_invalid_negatives(void **state)
{
	assert_int_equal(put_neg("nx.example.com.", 0, CACHE_NXDOMAIN, "example.com. 300 IN A 192.0.2.1", 0),
			 DL_ERR_INPUT);
	assert_int_equal(put_neg("nx.example.com.", LDNS_RR_TYPE_A, CACHE_NODATA,
				 "example.com. 300 IN NS ns1.example.com.", 0),
			 DL_ERR_INPUT);
	/* NODATA needs a type; POSITIVE is not a negative kind. */
	assert_int_equal(put_neg("www.example.com.", 0, CACHE_NODATA, SOA_STR(3600, 300), 0), DL_ERR_INPUT);
	assert_int_equal(put_neg("www.example.com.", LDNS_RR_TYPE_A, CACHE_POSITIVE, SOA_STR(3600, 300), 0),
			 DL_ERR_INPUT);
	ldns_rr *soa = mkrr(SOA_STR(3600, 300));
	assert_int_equal(cache_put_negative(&cache, NULL, 0, LDNS_RR_CLASS_IN, CACHE_NXDOMAIN, soa, NULL, 0), DL_ERR_INPUT);
	ldns_rr_free(soa);
	assert_int_equal(cache_put_negative(&cache, dn("x.example."), 0, LDNS_RR_CLASS_IN, CACHE_NXDOMAIN, NULL, NULL, 0),
			 DL_ERR_INPUT);
	assert_int_equal(cache.count, 0);
}

static void test_free_twice_and_uninitialised_get(void **state)
{
	cache_free(&cache);
	cache_free(&cache);
	assert_null(get("a.example.com.", LDNS_RR_TYPE_A, 0));
	assert_int_equal(put1("a.example.com. 300 IN A 192.0.2.1", CACHE_TRUST_AUTH, 0), DL_ERR_INPUT);
	assert_int_equal(cache_init(&cache, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_defaults),
		T(test_positive_ttl_countdown),
		T(test_expiry_at_expires_removes),
		T(test_ttl_is_min_of_rrset),
		T(test_case_insensitive_names),
		T(test_class_separation),
		T(test_type_separation),
		T(test_hit_miss_counters),
		T(test_ttl_zero_not_stored),
		T(test_ttl_top_bit_is_zero),
		T(test_nxdomain_answers_all_types),
		T(test_nodata_only_its_type),
		T(test_negative_ttl_soa_ttl_lower),
		T(test_negative_ttl_minimum_lower),
		T(test_positive_removes_nxdomain),
		T(test_glue_does_not_remove_nxdomain),
		T(test_nxdomain_after_positive),
		T(test_nodata_replaces_nxdomain),
		T(test_glue_does_not_replace_auth),
		T(test_auth_replaces_glue),
		T(test_expired_trusted_entry_replaced),
		T(test_sigs_stored_and_copied),
		T(test_rrs_deep_copied),
		T(test_capacity_bound),
		T(test_full_table_sweeps_expired_first),
		T(test_replacing_in_full_table_evicts_nothing),
		T(test_flush),
		T(test_walk_visits_live_only),
		T(test_invalid_rrsets),
		T(test_invalid_negatives),
		T(test_free_twice_and_uninitialised_get),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
