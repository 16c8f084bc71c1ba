/* test_nsecwalk.c: zone walking without sockets (src/dnssec/nsecwalk.c):
 * canned answers in, the next question and the walk's state out. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dnssec/nsecwalk.h"

/* An authoritative answer with the given answer and authority records. */
static ldns_pkt *pkt(ldns_pkt_rcode rc, const char *const *answer, const char *const *authority)
{
	ldns_pkt *p = ldns_pkt_new();
	assert_non_null(p);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_rcode(p, rc);
	for (int sec = 0; sec < 2; sec++)
		for (const char *const *r = sec ? authority : answer; r && *r; r++) {
			ldns_rr *rr = NULL;
			assert_int_equal(ldns_rr_new_frm_str(&rr, *r, 300, NULL, NULL), LDNS_STATUS_OK);
			ldns_pkt_push_rr(p, sec ? LDNS_SECTION_AUTHORITY : LDNS_SECTION_ANSWER, rr);
		}
	return p;
}

static enum nsecwalk_state take(struct nsecwalk *w, ldns_pkt *p)
{
	enum nsecwalk_state st = nsecwalk_take(w, p);
	ldns_pkt_free(p);
	return st;
}

static void assert_question(const struct nsecwalk *w, const char *name, ldns_rr_type type)
{
	char *q = ldns_rdf2str(w->qname);
	assert_string_equal(q, name);
	free(q);
	assert_int_equal(w->qtype, type);
}

#define APEX "z.test. IN NSEC a.z.test. NS SOA RRSIG NSEC DNSKEY"
#define A "a.z.test. IN NSEC shop.z.test. A RRSIG NSEC"
#define SHOP "shop.z.test. IN NSEC www.z.test. NS DS RRSIG NSEC"
#define WWW "www.z.test. IN NSEC z.test. A RRSIG NSEC"

static void test_walk_to_the_apex(void **state)
{
	struct nsecwalk w;
	struct dl_error err = { 0 };
	assert_int_equal(nsecwalk_init(&w, "Z.test", 100, &err), 0);
	assert_question(&w, "z.test.", LDNS_RR_TYPE_NSEC);
	assert_int_equal(take(&w, pkt(LDNS_RCODE_NOERROR, (const char *[]){ APEX, NULL }, NULL)), NSECWALK_ASK);
	assert_question(&w, "a.z.test.", LDNS_RR_TYPE_NSEC);
	assert_int_equal(take(&w, pkt(LDNS_RCODE_NOERROR, (const char *[]){ A, NULL }, NULL)), NSECWALK_ASK);
	assert_question(&w, "shop.z.test.", LDNS_RR_TYPE_NSEC);
	/* A zone cut: the parent refers the NSEC question to the child, so the
	 * walk asks for the name just past the cut, whose NXDOMAIN holds the
	 * cut's NSEC (and the apex's, for the wildcard). */
	assert_int_equal(take(&w, pkt(LDNS_RCODE_NOERROR, NULL,
				      (const char *[]){ "shop.z.test. IN NS ns.shop.z.test.", NULL })),
			 NSECWALK_ASK);
	assert_question(&w, "shop\\000.z.test.", LDNS_RR_TYPE_A);
	assert_int_equal(take(&w, pkt(LDNS_RCODE_NXDOMAIN, NULL, (const char *[]){ APEX, SHOP, NULL })),
			 NSECWALK_ASK);
	assert_question(&w, "www.z.test.", LDNS_RR_TYPE_NSEC);
	assert_int_equal(take(&w, pkt(LDNS_RCODE_NOERROR, (const char *[]){ WWW, NULL }, NULL)), NSECWALK_DONE);
	assert_int_equal(w.nnames, 4);
	assert_int_equal(w.queries, 5);
	assert_string_equal(w.names[2].owner, "shop.z.test.");
	assert_string_equal(w.names[2].types, "NS DS RRSIG NSEC");
	assert_string_equal(w.names[3].next, "z.test.");
	/* Done is done: more answers change nothing. */
	assert_int_equal(take(&w, pkt(LDNS_RCODE_NOERROR, (const char *[]){ A, NULL }, NULL)), NSECWALK_DONE);
	nsecwalk_free(&w);
}

static void test_walk_max_and_broken_chains(void **state)
{
	struct nsecwalk w;
	struct dl_error err = { 0 };
	assert_int_equal(nsecwalk_init(&w, "z.test.", 1, &err), 0);
	assert_int_equal(take(&w, pkt(LDNS_RCODE_NOERROR, (const char *[]){ APEX, NULL }, NULL)), NSECWALK_MAX);
	nsecwalk_free(&w);
	/* A chain that goes backwards would loop for ever. */
	assert_int_equal(nsecwalk_init(&w, "z.test.", 100, &err), 0);
	take(&w, pkt(LDNS_RCODE_NOERROR, (const char *[]){ APEX, NULL }, NULL));
	const char *back[] = { "a.z.test. IN NSEC 0.z.test. A", NULL };
	assert_int_equal(take(&w, pkt(LDNS_RCODE_NOERROR, back, NULL)), NSECWALK_FAILED);
	assert_string_equal(w.why,
			    "the NSEC of a.z.test. names 0.z.test. next, which comes before it: the chain is broken");
	nsecwalk_free(&w);
	/* One that leaves the zone. */
	assert_int_equal(nsecwalk_init(&w, "z.test.", 100, &err), 0);
	const char *out[] = { "z.test. IN NSEC other.test. NS", NULL };
	assert_int_equal(take(&w, pkt(LDNS_RCODE_NOERROR, out, NULL)), NSECWALK_FAILED);
	assert_non_null(strstr(w.why, "outside the zone"));
	nsecwalk_free(&w);
	/* A server that is not authoritative. */
	assert_int_equal(nsecwalk_init(&w, "z.test.", 100, &err), 0);
	assert_int_equal(take(&w, pkt(LDNS_RCODE_REFUSED, NULL, NULL)), NSECWALK_FAILED);
	assert_string_equal(w.why, "the server answered REFUSED for z.test.: is it authoritative for the zone?");
	nsecwalk_free(&w);
	/* A bad zone name is a usage error. */
	assert_int_equal(nsecwalk_init(&w, "a..b", 100, &err), DL_ERR_USAGE);
}

static void test_walk_unsigned(void **state)
{
	struct nsecwalk w;
	struct dl_error err = { 0 };
	assert_int_equal(nsecwalk_init(&w, "u.test", 100, &err), 0);
	assert_int_equal(take(&w, pkt(LDNS_RCODE_NOERROR, NULL,
				      (const char *[]){ "u.test. IN SOA ns.u.test. h.u.test. 1 2 3 4 5", NULL })),
			 NSECWALK_UNSIGNED);
	assert_int_equal(w.nnames, 0);
	nsecwalk_free(&w);
}

static void test_walk_nsec3(void **state)
{
	struct nsecwalk w;
	struct dl_error err = { 0 };
	assert_int_equal(nsecwalk_init(&w, "nsec3.test", 100, &err), 0);
	const char *apex[] = { "0madr2c2o78cqsoquiejtbeh6gfgb0ff.nsec3.test. IN NSEC3 1 0 0 - "
			       "35JTMRQEFFGOH561OJGVUN7V8EPBQV8B NS SOA TXT RRSIG DNSKEY NSEC3PARAM",
			       NULL };
	const char *proof[] = { apex[0],
				"8pbuads05mac49qk5jdnals59la6oa4s.nsec3.test. IN NSEC3 1 0 0 - "
				"KIE3TTA4EJG5LPCM1DO5J0NE4TH7CJKG",
				NULL };
	/* The apex's NSEC3, then one look at an NXDOMAIN proof, then stop. */
	assert_int_equal(take(&w, pkt(LDNS_RCODE_NOERROR, NULL, apex)), NSECWALK_ASK);
	assert_question(&w, "dnslab-walk-probe.nsec3.test.", LDNS_RR_TYPE_A);
	assert_int_equal(take(&w, pkt(LDNS_RCODE_NXDOMAIN, NULL, proof)), NSECWALK_NSEC3);
	assert_int_equal(w.nnames, 0);
	assert_int_equal(w.nhashes, 2); /* the apex's hash once */
	assert_string_equal(w.hashes[0].hash, "0madr2c2o78cqsoquiejtbeh6gfgb0ff");
	assert_string_equal(w.hashes[0].params, "1 0 0 -");
	assert_string_equal(w.hashes[0].types, "NS SOA TXT RRSIG DNSKEY NSEC3PARAM");
	assert_string_equal(w.hashes[1].types, ""); /* an empty non-terminal */
	nsecwalk_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_to_the_apex),
		cmocka_unit_test(test_walk_max_and_broken_chains),
		cmocka_unit_test(test_walk_unsigned),
		cmocka_unit_test(test_walk_nsec3),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
