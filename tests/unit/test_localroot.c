/* test_localroot.c: the hyperlocal root's copy (src/resolver/localroot.c)
 * and the AXFR the root server gives for it (src/dns/axfr.c), on the
 * default lab signed in memory: the copy answers like the root server, and
 * a tampered, cut short, expired or foreign copy is rejected. */
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
#include "resolver/localroot.h"

static char tmpdir[] = "/tmp/dnslab-test-localroot-XXXXXX";
static struct lab *lab;
static double t0;
static uint8_t out[AUTHSERVER_MAX_MSG], out2[AUTHSERVER_MAX_MSG];

static int group_setup(void **state)
{
	if (labfixture_load(tmpdir, &lab) != 0)
		return -1;
	t0 = (double)time(NULL);
	return 0;
}

static int group_teardown(void **state)
{
	labfixture_free(tmpdir, lab);
	return 0;
}

/* The wire query (caller frees). */
static uint8_t *query(const char *name, ldns_rr_type t, bool dnssec, size_t *len)
{
	ldns_pkt *q = ldns_pkt_query_new(ldns_dname_new_frm_str(name), t, LDNS_RR_CLASS_IN, 0);
	ldns_pkt_set_id(q, 777);
	if (dnssec) {
		ldns_pkt_set_edns_udp_size(q, 1232);
		ldns_pkt_set_edns_do(q, true);
	}
	uint8_t *wire = NULL;
	assert_int_equal(ldns_pkt2wire(&wire, q, len), LDNS_STATUS_OK);
	ldns_pkt_free(q);
	return wire;
}

/* What server id answers, into buf. */
static size_t ask_server(const char *id, const char *name, ldns_rr_type t, bool tcp, uint8_t *buf)
{
	const struct lab_server *s = lab_find(lab, id);
	assert_non_null(s);
	size_t len;
	uint8_t *q = query(name, t, t != LDNS_RR_TYPE_AXFR, &len);
	size_t n = authserver_respond((struct authserver *)&s->auth, q, len, tcp, buf, AUTHSERVER_MAX_MSG);
	free(q);
	return n;
}

static ldns_pkt *root_axfr(void)
{
	size_t n = ask_server("root", ".", LDNS_RR_TYPE_AXFR, true, out);
	ldns_pkt *p = NULL;
	assert_int_equal(ldns_wire2pkt(&p, out, n), LDNS_STATUS_OK);
	return p;
}

static void test_axfr_root_only_over_tcp(void **state)
{
	ldns_pkt *p = root_axfr();
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_true(ldns_pkt_aa(p));
	const ldns_rr_list *an = ldns_pkt_answer(p);
	size_t n = ldns_rr_list_rr_count(an);
	assert_true(n > 10);
	assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(an, 0)), LDNS_RR_TYPE_SOA);
	assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(an, n - 1)), LDNS_RR_TYPE_SOA);
	ldns_pkt_free(p);
	ldns_pkt *r = NULL;
	/* Over UDP: refused (RFC 5936 4.2: transfers are over TCP). */
	size_t len = ask_server("root", ".", LDNS_RR_TYPE_AXFR, false, out);
	assert_int_equal(ldns_wire2pkt(&r, out, len), LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED);
	ldns_pkt_free(r);
	/* Any other zone: refused, as before. */
	len = ask_server("tld", "test.", LDNS_RR_TYPE_AXFR, true, out);
	assert_int_equal(ldns_wire2pkt(&r, out, len), LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED);
	ldns_pkt_free(r);
	len = ask_server("example", "example.test.", LDNS_RR_TYPE_AXFR, true, out);
	assert_int_equal(ldns_wire2pkt(&r, out, len), LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED);
	ldns_pkt_free(r);
}

static void test_copy_answers_like_the_root(void **state)
{
	size_t n = ask_server("root", ".", LDNS_RR_TYPE_AXFR, true, out);
	struct localroot *lr = NULL;
	struct dl_error err = { 0 };
	assert_int_equal(localroot_from_axfr(out, n, lab->anchor, t0, &lr, &err), 0);
	assert_false(lr->zonemd);
	assert_true(lr->nrrsets >= 4);
	assert_true(lr->nglue >= 2); /* test.'s NS and a.root-servers.test.'s glue */
	assert_true(lr->refresh > 0 && lr->expire > lr->refresh);
	static const struct {
		const char *name;
		ldns_rr_type t;
	} qs[] = { { "www.example.test.", LDNS_RR_TYPE_A }, { "test.", LDNS_RR_TYPE_DS }, { ".", LDNS_RR_TYPE_DNSKEY },
		   { "nosuchtld.", LDNS_RR_TYPE_A }, { ".", LDNS_RR_TYPE_NS } };
	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
		size_t len;
		uint8_t *q = query(qs[i].name, qs[i].t, true, &len);
		size_t a = localroot_answer(lr, q, len, out, sizeof out);
		size_t b = ask_server("root", qs[i].name, qs[i].t, true, out2);
		free(q);
		assert_true(a > 0);
		assert_int_equal(a, b);
		assert_memory_equal(out, out2, a); /* byte for byte what the root server says */
	}
	/* The referral for test.: NS in authority, no AA. */
	size_t len;
	uint8_t *q = query("www.example.test.", LDNS_RR_TYPE_A, false, &len);
	size_t a = localroot_answer(lr, q, len, out, sizeof out);
	free(q);
	ldns_pkt *p = NULL;
	assert_int_equal(ldns_wire2pkt(&p, out, a), LDNS_STATUS_OK);
	assert_false(ldns_pkt_aa(p));
	assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_authority(p), 0)), LDNS_RR_TYPE_NS);
	char *owner = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_authority(p), 0)));
	assert_string_equal(owner, "test.");
	free(owner);
	ldns_pkt_free(p);
	localroot_free(lr);
}

/* Change one byte of the last rdata field of the first record of type t. */
static void tamper(ldns_rr_list *l, ldns_rr_type t)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) != t)
			continue;
		ldns_rdf *f = ldns_rr_rdf(rr, ldns_rr_rd_count(rr) - 1);
		ldns_rdf_data(f)[ldns_rdf_size(f) - 1] ^= 0x01;
		return;
	}
	fail_msg("no record to tamper with");
}

static void test_tampered_copies_are_rejected(void **state)
{
	struct localroot *lr = NULL;
	struct dl_error err = { 0 };
	ldns_pkt *p = root_axfr();
	ldns_rr_list *rrs = ldns_rr_list_clone(ldns_pkt_answer(p));
	ldns_pkt_free(p);

	ldns_rr_list *bad = ldns_rr_list_clone(rrs);
	tamper(bad, LDNS_RR_TYPE_DS); /* a TLD's DS: its whole subtree would be someone else's */
	assert_int_equal(localroot_from_rrs(bad, lab->anchor, t0, &lr, &err), DL_ERR_INPUT);
	assert_null(lr);
	assert_non_null(strstr(err.msg, ". DS in the copy has no valid signature"));
	ldns_rr_list_deep_free(bad);

	bad = ldns_rr_list_clone(rrs);
	ldns_rr_free(ldns_rr_list_pop_rr(bad)); /* cut short: no closing SOA */
	assert_int_equal(localroot_from_rrs(bad, lab->anchor, t0, &lr, &err), DL_ERR_INPUT);
	assert_non_null(strstr(err.msg, "incomplete"));
	ldns_rr_list_deep_free(bad);

	/* Checked on a lab clock 60 days on: the signatures have ended. */
	assert_int_equal(localroot_from_rrs(rrs, lab->anchor, t0 + 60 * 86400.0, &lr, &err), DL_ERR_INPUT);
	assert_non_null(strstr(err.msg, "root DNSKEY set is not signed"));

	/* A root whose keys the trust anchor does not name. */
	ldns_rr_list *anchor = ldns_rr_list_clone(lab->anchor);
	tamper(anchor, LDNS_RR_TYPE_DS);
	assert_int_equal(localroot_from_rrs(rrs, anchor, t0, &lr, &err), DL_ERR_INPUT);
	assert_non_null(strstr(err.msg, "matches the trust anchor"));
	ldns_rr_list_deep_free(anchor);

	/* The untouched records pass. */
	assert_int_equal(localroot_from_rrs(rrs, lab->anchor, t0, &lr, &err), 0);
	localroot_free(lr);
	ldns_rr_list_deep_free(rrs);

	/* A refused transfer says so. */
	size_t n = ask_server("tld", "test.", LDNS_RR_TYPE_AXFR, true, out);
	assert_int_equal(localroot_from_axfr(out, n, lab->anchor, t0, &lr, &err), DL_ERR_INPUT);
	assert_non_null(strstr(err.msg, "REFUSED"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_axfr_root_only_over_tcp),
		cmocka_unit_test(test_copy_answers_like_the_root),
		cmocka_unit_test(test_tampered_copies_are_rejected),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
