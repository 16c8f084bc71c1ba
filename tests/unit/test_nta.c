/* test_nta.c: negative trust anchors (src/resolver/nta.c) and what the
 * validator makes of them (RFC 7646), on the default lab signed in memory:
 * each zone answered by its own authserver, no sockets.  expired.test. and
 * wrongds.test. are the lab's bogus teaching zones. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/authserver.h"
#include "lab/lab.h"
#include "labfixture.h"
#include "resolver/keycache.h"
#include "resolver/nta.h"
#include "resolver/validator.h"

static char tmpdir[] = "/tmp/dnslab-test-nta-XXXXXX";
static struct lab *lab;
static struct authserver *auth; /* one per zone */
static double t0;

static int group_setup(void **state)
{
	if (labfixture_load(tmpdir, &lab) != 0)
		return -1;
	auth = calloc(lab->nzones, sizeof *auth);
	for (size_t i = 0; auth && i < lab->nzones; i++)
		if (authserver_init(&auth[i], &lab->zones[i], 1) != 0)
			return -1;
	t0 = (double)time(NULL);
	return auth ? 0 : -1;
}

static int group_teardown(void **state)
{
	for (size_t i = 0; auth && i < lab->nzones; i++)
		authserver_free(&auth[i]);
	free(auth);
	labfixture_free(tmpdir, lab);
	return 0;
}

/* The server of the closest enclosing zone (for DS: of the parent) answers,
 * with DO=1, as over TCP. */
static ldns_pkt *ask(const ldns_rdf *name, ldns_rr_type t)
{
	ldns_rdf *where = t == LDNS_RR_TYPE_DS ? ldns_dname_left_chop(name) : ldns_rdf_clone(name);
	size_t best = lab->nzones, bl = 0;
	for (size_t i = 0; i < lab->nzones; i++) {
		const ldns_rdf *o = lab->zones[i]->origin;
		size_t l = ldns_dname_label_count(o);
		if ((ldns_dname_compare(where, o) == 0 || ldns_dname_is_subdomain(where, o)) && (best == lab->nzones || l > bl)) {
			best = i;
			bl = l;
		}
	}
	ldns_rdf_deep_free(where);
	assert_true(best < lab->nzones);
	ldns_pkt *q = ldns_pkt_query_new(ldns_rdf_clone(name), t, LDNS_RR_CLASS_IN, 0);
	ldns_pkt_set_edns_udp_size(q, 1232);
	ldns_pkt_set_edns_do(q, true);
	uint8_t *wire = NULL, *out = malloc(AUTHSERVER_MAX_MSG);
	size_t len = 0;
	assert_int_equal(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	size_t n = authserver_respond(&auth[best], wire, len, true, out, AUTHSERVER_MAX_MSG);
	ldns_pkt *p = NULL;
	assert_true(n > 0);
	assert_int_equal(ldns_wire2pkt(&p, out, n), LDNS_STATUS_OK);
	free(wire);
	free(out);
	ldns_pkt_free(q);
	return p;
}

struct verdict {
	enum val_security sec;
	uint16_t ede;
	char why[600];
	bool nta;
};

static struct verdict validate(const char *qname, const struct nta_list *nta, struct keycache *kc, double now)
{
	ldns_rdf *name = ldns_dname_new_frm_str(qname);
	ldns_pkt *p = ask(name, LDNS_RR_TYPE_A);
	struct validator *v = validator_new(lab->anchor, now);
	assert_non_null(v);
	validator_use_keycache(v, kc);
	validator_use_nta(v, nta);
	assert_int_equal(validator_start(v, name, LDNS_RR_TYPE_A, ldns_pkt_get_rcode(p), ldns_pkt_answer(p),
					 ldns_pkt_authority(p)), 0);
	struct val_fetch f;
	for (int i = 0; i < 64 && validator_run(v, &f) == VAL_ACT_FETCH; i++) {
		ldns_pkt *fp = ask(f.name, f.type);
		struct iter_result r = { .rcode = ldns_pkt_get_rcode(fp), .answer = ldns_pkt_answer(fp),
					 .authority = ldns_pkt_authority(fp) };
		validator_on_fetch(v, &r);
		ldns_pkt_free(fp);
	}
	struct verdict out = { 0 };
	const char *why = NULL;
	out.sec = validator_verdict(v, &out.ede, &why);
	snprintf(out.why, sizeof out.why, "%s", why ? why : "");
	out.nta = validator_report(v)->nta;
	validator_free(v);
	ldns_pkt_free(p);
	ldns_rdf_deep_free(name);
	return out;
}

static void test_bogus_zones_without_nta(void **state)
{
	struct verdict v = validate("www.expired.test.", NULL, NULL, t0);
	assert_int_equal(v.sec, VAL_BOGUS);
	assert_int_equal(v.ede, EDE_SIG_EXPIRED);
	v = validate("www.wrongds.test.", NULL, NULL, t0);
	assert_int_equal(v.sec, VAL_BOGUS);
	assert_int_equal(v.ede, EDE_DNSKEY_MISSING);
	v = validate("www.example.test.", NULL, NULL, t0);
	assert_int_equal(v.sec, VAL_SECURE);
}

static void note_gone(void *arg, const struct nta *n)
{
	snprintf(arg, 256, "%s", n->text);
}

static void test_nta_makes_insecure_until_expiry(void **state)
{
	struct nta_list l;
	nta_init(&l);
	assert_int_equal(nta_add(&l, "expired.test", t0, NTA_DEFAULT_SECONDS, NULL), 0);
	struct verdict v = validate("www.expired.test.", &l, NULL, t0 + 10);
	assert_int_equal(v.sec, VAL_INSECURE);
	assert_true(v.nta);
	assert_int_equal(v.ede, 0);
	assert_non_null(strstr(v.why, "negative trust anchor for expired.test. until"));
	/* The lab clock moves past the hour: bogus again. */
	v = validate("www.expired.test.", &l, NULL, t0 + NTA_DEFAULT_SECONDS + 1);
	assert_int_equal(v.sec, VAL_BOGUS);
	assert_int_equal(v.ede, EDE_SIG_EXPIRED);
	assert_false(v.nta);
	/* ... and expiring it drops it, saying which. */
	char gone[256] = "";
	assert_int_equal(nta_expire(&l, t0 + 10, note_gone, gone), 0);
	assert_int_equal(nta_expire(&l, t0 + NTA_DEFAULT_SECONDS + 1, note_gone, gone), 1);
	assert_string_equal(gone, "expired.test.");
	assert_int_equal(l.n, 0);
	nta_free(&l);
}

static void test_nta_is_for_its_subtree_only(void **state)
{
	struct nta_list l;
	nta_init(&l);
	assert_int_equal(nta_add(&l, "expired.test.", t0, 600, NULL), 0);
	/* A sibling zone stays bogus, another stays secure. */
	assert_int_equal(validate("www.wrongds.test.", &l, NULL, t0).sec, VAL_BOGUS);
	assert_int_equal(validate("www.example.test.", &l, NULL, t0).sec, VAL_SECURE);
	/* A name below the NTA is covered; a parent's NTA covers its children. */
	assert_int_equal(validate("www.expired.test.", &l, NULL, t0).sec, VAL_INSECURE);
	assert_int_equal(nta_add(&l, "test.", t0, 600, NULL), 0);
	struct verdict v = validate("www.example.test.", &l, NULL, t0);
	assert_int_equal(v.sec, VAL_INSECURE);
	assert_non_null(strstr(v.why, "for test."));
	assert_int_equal(nta_remove(&l, "TEST", NULL), 0);
	assert_int_equal(validate("www.example.test.", &l, NULL, t0).sec, VAL_SECURE);
	nta_free(&l);
}

static void test_nta_overrides_the_key_cache(void **state)
{
	struct keycache kc;
	keycache_init(&kc);
	struct nta_list l;
	nta_init(&l);
	/* example.test. proven secure and kept in the key cache ... */
	assert_int_equal(validate("www.example.test.", &l, &kc, t0).sec, VAL_SECURE);
	/* ... does not make it secure under an NTA, and nothing learnt under
	 * the NTA outlives it. */
	assert_int_equal(nta_add(&l, "example.test.", t0, 60, NULL), 0);
	assert_int_equal(validate("www.example.test.", &l, &kc, t0 + 1).sec, VAL_INSECURE);
	assert_int_equal(nta_add(&l, "expired.test.", t0, 60, NULL), 0);
	assert_int_equal(validate("www.expired.test.", &l, &kc, t0 + 1).sec, VAL_INSECURE);
	assert_int_equal(validate("www.expired.test.", &l, &kc, t0 + 61).sec, VAL_BOGUS);
	assert_int_equal(validate("www.example.test.", &l, &kc, t0 + 61).sec, VAL_SECURE);
	/* keycache_flush_below forgets a subtree only. */
	ldns_rdf *ex = ldns_dname_new_frm_str("example.test."), *test = ldns_dname_new_frm_str("test.");
	assert_non_null(keycache_get(&kc, ex, t0 + 62));
	assert_non_null(keycache_get(&kc, test, t0 + 62));
	keycache_flush_below(&kc, ex);
	assert_null(keycache_get(&kc, ex, t0 + 62));
	assert_non_null(keycache_get(&kc, test, t0 + 62));
	ldns_rdf_deep_free(ex);
	ldns_rdf_deep_free(test);
	keycache_flush(&kc);
	nta_free(&l);
}

static void test_nta_limits(void **state)
{
	struct nta_list l;
	struct dl_error err = { 0 };
	nta_init(&l);
	assert_int_equal(nta_add(&l, ".", t0, 60, &err), DL_ERR_USAGE);
	assert_non_null(strstr(err.msg, "root"));
	assert_int_equal(nta_add(&l, "expired.test", t0, NTA_MAX_SECONDS + 1, &err), DL_ERR_USAGE);
	assert_non_null(strstr(err.msg, "7 days"));
	assert_int_equal(nta_add(&l, "a..b", t0, 60, &err), DL_ERR_USAGE);
	assert_int_equal(nta_remove(&l, "expired.test", &err), DL_ERR_USAGE);
	assert_non_null(strstr(err.msg, "no negative trust anchor"));
	/* Adding again renews from now. */
	assert_int_equal(nta_add(&l, "expired.test", t0, 60, NULL), 0);
	assert_int_equal(nta_add(&l, "Expired.Test.", t0 + 50, 60, NULL), 0);
	assert_int_equal(l.n, 1);
	assert_true(nta_get(&l, "expired.test")->until == t0 + 110);
	assert_string_equal(l.e[0].text, "expired.test.");
	/* Before it was added (the clock turned back), it does not apply. */
	ldns_rdf *n = ldns_dname_new_frm_str("www.expired.test.");
	assert_null(nta_covering(&l, n, t0 - 3600));
	assert_non_null(nta_covering(&l, n, t0 + 100));
	ldns_rdf_deep_free(n);
	nta_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bogus_zones_without_nta),
		cmocka_unit_test(test_nta_makes_insecure_until_expiry),
		cmocka_unit_test(test_nta_is_for_its_subtree_only),
		cmocka_unit_test(test_nta_overrides_the_key_cache),
		cmocka_unit_test(test_nta_limits),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
