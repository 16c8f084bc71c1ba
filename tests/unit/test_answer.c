/* test_answer.c: unit tests for the authoritative answer engine
 * (src/dns/answer.c): RFC 1034 4.3.2 lookup, referrals and glue, CNAME
 * chasing, wildcards (RFC 4592), empty non-terminals, negative answers with
 * the RFC 2308 TTL, DS at a cut (RFC 4035 3.1.4.1), DO=1 RRSIGs, REFUSED.
 *
 * The lab's own zones (the files in zones/) are loaded once, from the
 * repository root, grouped the way zones/lab.yaml assigns them to servers;
 * the corner cases they lack live in tests/unit/data/corner.test.zone.  Each
 * record is compared in presentation form, so owner, TTL, class, type and
 * rdata are all checked at once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns/answer.h"
#include "dns/zone.h"

/* ---- fixtures ---- */

enum { Z_ROOT, Z_TEST, Z_ARPA, Z_EXAMPLE, Z_REV, Z_SHOP, Z_CORNER, Z_COUNT };

static const struct {
	const char *file, *origin;
} zone_files[Z_COUNT] = {
	[Z_ROOT] = { "zones/root.zone", "." },
	[Z_TEST] = { "zones/test.zone", "test." },
	[Z_ARPA] = { "zones/arpa.zone", "arpa." },
	[Z_EXAMPLE] = { "zones/example.test.zone", "example.test." },
	[Z_REV] = { "zones/2.0.192.in-addr.arpa.zone", "2.0.192.in-addr.arpa." },
	[Z_SHOP] = { "zones/shop.example.test.zone", "shop.example.test." },
	[Z_CORNER] = { "tests/unit/data/corner.test.zone", "corner.test." },
};

static struct zone *zones[Z_COUNT];

/* The servers of zones/lab.yaml, plus two combinations the lab does not use
 * (one server holding a parent and its child) and the corner fixture. */
static struct zone *root_z[1], *tld_z[2], *ex_z[2], *shop_z[1], *both_z[2], *corner_z[1], *cornex_z[2];
static struct zoneset root_zs = { root_z, 1 }, tld_zs = { tld_z, 2 }, ex_zs = { ex_z, 2 },
		      shop_zs = { shop_z, 1 }, both_zs = { both_z, 2 }, corner_zs = { corner_z, 1 },
		      cornex_zs = { cornex_z, 2 };

static int group_setup(void **state)
{
	for (int i = 0; i < Z_COUNT; i++) {
		struct dl_error err = { 0 };
		if (zone_load(zone_files[i].file, zone_files[i].origin, &zones[i], &err) != 0) {
			fprintf(stderr, "cannot load %s (run from the repository root): %s\n",
				zone_files[i].file, err.msg);
			return -1;
		}
	}
	root_z[0] = zones[Z_ROOT];
	tld_z[0] = zones[Z_TEST];
	tld_z[1] = zones[Z_ARPA];
	ex_z[0] = zones[Z_EXAMPLE];
	ex_z[1] = zones[Z_REV];
	shop_z[0] = zones[Z_SHOP];
	both_z[0] = zones[Z_EXAMPLE];
	both_z[1] = zones[Z_SHOP];
	corner_z[0] = zones[Z_CORNER];
	cornex_z[0] = zones[Z_CORNER];
	cornex_z[1] = zones[Z_EXAMPLE];
	return 0;
}

static int group_teardown(void **state)
{
	for (int i = 0; i < Z_COUNT; i++) {
		zone_free(zones[i]);
		zones[i] = NULL;
	}
	return 0;
}

/* Packets made by a test; freed by the per-test teardown so a failed
 * assertion does not turn into a leak report as well. */
static ldns_pkt *made[8];
static size_t nmade;

static int free_made(void **state)
{
	for (size_t i = 0; i < nmade; i++)
		ldns_pkt_free(made[i]);
	nmade = 0;
	return 0;
}

#define T(f) cmocka_unit_test_teardown(f, free_made)

/* ---- helpers ---- */

static ldns_pkt *ask_class(const struct zoneset *zs, const char *name, ldns_rr_type t,
			   ldns_rr_class c, bool dnssec_ok)
{
	ldns_rdf *qname = ldns_dname_new_frm_str(name);
	assert_non_null(qname);
	ldns_pkt *p = answer_build(zs, qname, t, c, dnssec_ok);
	ldns_rdf_deep_free(qname);
	assert_non_null(p);
	assert_true(nmade < sizeof made / sizeof made[0]);
	made[nmade++] = p;
	return p;
}

static ldns_pkt *ask(const struct zoneset *zs, const char *name, ldns_rr_type t)
{
	return ask_class(zs, name, t, LDNS_RR_CLASS_IN, false);
}

static ldns_pkt *ask_do(const struct zoneset *zs, const char *name, ldns_rr_type t)
{
	return ask_class(zs, name, t, LDNS_RR_CLASS_IN, true);
}

/* Header: QR always; the rcode, AA and the three section counts.  The
 * engine leaves the question, ID, RD, TC and EDNS to the caller.  The
 * checks report the caller's line (the macro below). */
static void expect_header_at(const ldns_pkt *p, ldns_pkt_rcode rcode, bool aa, size_t an, size_t ns,
			     size_t ar, const char *file, int line)
{
	_assert_true(ldns_pkt_qr(p), "QR", file, line);
	_assert_int_equal(ldns_pkt_get_rcode(p), rcode, file, line);
	_assert_int_equal(ldns_pkt_aa(p), aa, file, line);
	_assert_true(!ldns_pkt_tc(p), "TC clear", file, line);
	_assert_int_equal(ldns_pkt_qdcount(p), 0, file, line);
	_assert_int_equal(ldns_pkt_ancount(p), an, file, line);
	_assert_int_equal(ldns_pkt_nscount(p), ns, file, line);
	_assert_int_equal(ldns_pkt_arcount(p), ar, file, line);
	_assert_true(!ldns_pkt_edns(p), "no EDNS", file, line);
}

#define expect_header(...) expect_header_at(__VA_ARGS__, __FILE__, __LINE__)

static ldns_rr_list *section(const ldns_pkt *p, ldns_pkt_section s)
{
	switch (s) {
	case LDNS_SECTION_ANSWER: return ldns_pkt_answer(p);
	case LDNS_SECTION_AUTHORITY: return ldns_pkt_authority(p);
	default: return ldns_pkt_additional(p);
	}
}

/* Record i of section s is exactly `text` (owner, TTL, class, type, rdata),
 * compared in ldns's presentation form. */
static void expect_rr_at(const ldns_pkt *p, ldns_pkt_section s, size_t i, const char *text,
			 const char *file, int line)
{
	ldns_rr_list *list = section(p, s);
	_assert_true(i < ldns_rr_list_rr_count(list), "record index in range", file, line);
	ldns_rr *want = NULL;
	_assert_int_equal(ldns_rr_new_frm_str(&want, text, 0, NULL, NULL), LDNS_STATUS_OK, file, line);
	char *ws = ldns_rr2str(want);
	char *gs = ldns_rr2str(ldns_rr_list_rr(list, i));
	ldns_rr_free(want);
	int same = ws && gs && strcmp(ws, gs) == 0;
	if (!same)
		print_error("section %d record %zu:\n  want %s  got  %s", (int)s, i, ws, gs);
	free(ws);
	free(gs);
	_assert_true(same, "record as expected", file, line);
}

#define expect_rr(...) expect_rr_at(__VA_ARGS__, __FILE__, __LINE__)

#define AN LDNS_SECTION_ANSWER
#define NS LDNS_SECTION_AUTHORITY
#define AR LDNS_SECTION_ADDITIONAL

static const char *const EX_SOA_NEG =
	"example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 2026112501 7200 3600 1209600 300";
static const char *const EX_NS = "example.test. 3600 IN NS ns1.example.test.";
static const char *const EX_NS1_A = "ns1.example.test. 3600 IN A 127.53.2.1";
static const char *const CORNER_SOA_NEG =
	"corner.test. 300 IN SOA ns1.corner.test. hostmaster.corner.test. 1 7200 3600 1209600 300";

/* The usual tail of a positive example.test. answer: apex NS + its address. */
static void expect_example_ns(const ldns_pkt *p, size_t ns_at, size_t ar_at)
{
	expect_rr(p, NS, ns_at, EX_NS);
	expect_rr(p, AR, ar_at, EX_NS1_A);
}

/* ---- positive answers (RFC 1034 4.3.2 step 3a) ---- */

static void test_exact_a(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "www.example.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 1, 1);
	/* www has its own TTL of 300; everything else takes $TTL 3600. */
	expect_rr(p, AN, 0, "www.example.test. 300 IN A 192.0.2.10");
	expect_example_ns(p, 0, 0);
}

static void test_exact_aaaa(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "www.example.test.", LDNS_RR_TYPE_AAAA);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 1, 1);
	expect_rr(p, AN, 0, "www.example.test. 300 IN AAAA 2001:db8::10");
	expect_example_ns(p, 0, 0);
}

static void test_apex_txt_rrset(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "example.test.", LDNS_RR_TYPE_TXT);
	expect_header(p, LDNS_RCODE_NOERROR, true, 2, 1, 1);
	/* Both records of the RRset, shorter rdata first (RFC 4034 6.3 order). */
	expect_rr(p, AN, 0, "example.test. 3600 IN TXT \"v=spf1 mx -all\"");
	expect_rr(p, AN, 1, "example.test. 3600 IN TXT \"dnslab: example.test is the example organisation of the lab internet\"");
	expect_example_ns(p, 0, 0);
}

static void test_apex_soa(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "example.test.", LDNS_RR_TYPE_SOA);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 1, 1);
	/* A positive SOA answer keeps the record's own TTL (3600), not the
	 * negative TTL. */
	expect_rr(p, AN, 0, "example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. 2026112501 7200 3600 1209600 300");
	expect_example_ns(p, 0, 0);
}

static void test_apex_ns_no_authority_copy(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "example.test.", LDNS_RR_TYPE_NS);
	/* The NS RRset is the answer; repeating it in authority would be noise. */
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 0, 1);
	expect_rr(p, AN, 0, EX_NS);
	expect_rr(p, AR, 0, EX_NS1_A);
}

static void test_mx_additional_addresses(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "example.test.", LDNS_RR_TYPE_MX);
	expect_header(p, LDNS_RCODE_NOERROR, true, 2, 1, 5);
	expect_rr(p, AN, 0, "example.test. 3600 IN MX 10 mail.example.test.");
	expect_rr(p, AN, 1, "example.test. 3600 IN MX 20 mail2.example.test.");
	expect_rr(p, NS, 0, EX_NS);
	/* RFC 1035 3.3.9: the exchanges' addresses, A and AAAA, then the NS's. */
	expect_rr(p, AR, 0, "mail.example.test. 3600 IN A 192.0.2.25");
	expect_rr(p, AR, 1, "mail.example.test. 3600 IN AAAA 2001:db8::25");
	expect_rr(p, AR, 2, "mail2.example.test. 3600 IN A 192.0.2.26");
	expect_rr(p, AR, 3, "mail2.example.test. 3600 IN AAAA 2001:db8::26");
	expect_rr(p, AR, 4, EX_NS1_A);
}

static void test_srv_additional_targets(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "_sip._tcp.example.test.", LDNS_RR_TYPE_SRV);
	expect_header(p, LDNS_RCODE_NOERROR, true, 2, 1, 3);
	expect_rr(p, AN, 0, "_sip._tcp.example.test. 3600 IN SRV 10 40 5060 sip2.example.test.");
	expect_rr(p, AN, 1, "_sip._tcp.example.test. 3600 IN SRV 10 60 5060 sip.example.test.");
	/* RFC 2782: the targets' addresses go to the additional section. */
	expect_rr(p, AR, 0, "sip2.example.test. 3600 IN A 192.0.2.51");
	expect_rr(p, AR, 1, "sip.example.test. 3600 IN A 192.0.2.50");
	expect_example_ns(p, 0, 2);
}

static void test_any_returns_every_rrset(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "www.example.test.", LDNS_RR_TYPE_ANY);
	expect_header(p, LDNS_RCODE_NOERROR, true, 2, 1, 1);
	expect_rr(p, AN, 0, "www.example.test. 300 IN A 192.0.2.10");
	expect_rr(p, AN, 1, "www.example.test. 300 IN AAAA 2001:db8::10");
	expect_example_ns(p, 0, 0);
}

static void test_case_insensitive_lookup(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "WwW.ExAmPlE.TeSt.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 1, 1);
	/* RFC 4343: names compare case-insensitively; the owner is the zone's. */
	expect_rr(p, AN, 0, "www.example.test. 300 IN A 192.0.2.10");
}

static void test_reverse_ptr_cross_zone_additional(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "10.2.0.192.in-addr.arpa.", LDNS_RR_TYPE_PTR);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 1, 1);
	expect_rr(p, AN, 0, "10.2.0.192.in-addr.arpa. 3600 IN PTR www.example.test.");
	expect_rr(p, NS, 0, "2.0.192.in-addr.arpa. 3600 IN NS ns1.example.test.");
	/* The NS's address is authoritative data of the other zone this server has. */
	expect_rr(p, AR, 0, EX_NS1_A);
}

static void test_tld_authoritative_infrastructure_name(void **state)
{
	ldns_pkt *p = ask(&tld_zs, "a.root-servers.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 1, 1);
	expect_rr(p, AN, 0, "a.root-servers.test. 172800 IN A 127.53.0.1");
	expect_rr(p, NS, 0, "test. 172800 IN NS ns1.nic.test.");
	expect_rr(p, AR, 0, "ns1.nic.test. 172800 IN A 127.53.1.1");
}

/* ---- referrals (step 3b) ---- */

static void test_referral_below_cut_with_glue(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "www.shop.example.test.", LDNS_RR_TYPE_A);
	/* Not authoritative: AA=0, empty answer, the child's NS and its glue. */
	expect_header(p, LDNS_RCODE_NOERROR, false, 0, 1, 1);
	expect_rr(p, NS, 0, "shop.example.test. 3600 IN NS ns1.shop.example.test.");
	expect_rr(p, AR, 0, "ns1.shop.example.test. 3600 IN A 127.53.2.2");
}

static void test_referral_at_cut_for_ns(void **state)
{
	/* The NS RRset at a cut is the child's: the parent refers, it does not
	 * answer with AA=1. */
	ldns_pkt *p = ask(&ex_zs, "shop.example.test.", LDNS_RR_TYPE_NS);
	expect_header(p, LDNS_RCODE_NOERROR, false, 0, 1, 1);
	expect_rr(p, NS, 0, "shop.example.test. 3600 IN NS ns1.shop.example.test.");
	expect_rr(p, AR, 0, "ns1.shop.example.test. 3600 IN A 127.53.2.2");
}

static void test_referral_for_glue_name(void **state)
{
	/* Glue is not authoritative data: asking for it gets the referral. */
	ldns_pkt *p = ask(&ex_zs, "ns1.shop.example.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, false, 0, 1, 1);
	expect_rr(p, NS, 0, "shop.example.test. 3600 IN NS ns1.shop.example.test.");
	expect_rr(p, AR, 0, "ns1.shop.example.test. 3600 IN A 127.53.2.2");
}

static void test_referral_occluded_data(void **state)
{
	/* hidden.sub.corner.test. A exists in the file but lies below the cut. */
	ldns_pkt *p = ask(&corner_zs, "hidden.sub.corner.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, false, 0, 2, 4);
	expect_rr(p, NS, 0, "sub.corner.test. 600 IN NS ns.sub.corner.test.");
	expect_rr(p, NS, 1, "sub.corner.test. 600 IN NS ns1.corner.test.");
	expect_rr(p, AR, 0, "ns.sub.corner.test. 600 IN A 192.0.2.54");
	expect_rr(p, AR, 1, "ns.sub.corner.test. 600 IN AAAA 2001:db8::54");
	expect_rr(p, AR, 2, "ns1.corner.test. 600 IN A 192.0.2.53");
	expect_rr(p, AR, 3, "ns1.corner.test. 600 IN AAAA 2001:db8::53");
}

static void test_root_referral_to_tld(void **state)
{
	ldns_pkt *p = ask(&root_zs, "www.example.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, false, 0, 1, 1);
	expect_rr(p, NS, 0, "test. 172800 IN NS ns1.nic.test.");
	expect_rr(p, AR, 0, "ns1.nic.test. 172800 IN A 127.53.1.1");
}

static void test_root_referral_arpa_glue_under_sibling(void **state)
{
	/* arpa.'s server name lies under test.: sibling glue (RFC 9471). */
	ldns_pkt *p = ask(&root_zs, "arpa.", LDNS_RR_TYPE_SOA);
	expect_header(p, LDNS_RCODE_NOERROR, false, 0, 1, 1);
	expect_rr(p, NS, 0, "arpa. 172800 IN NS ns1.nic.test.");
	expect_rr(p, AR, 0, "ns1.nic.test. 172800 IN A 127.53.1.1");
}

static void test_tld_referral_lame(void **state)
{
	ldns_pkt *p = ask(&tld_zs, "www.lame.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, false, 0, 1, 1);
	expect_rr(p, NS, 0, "lame.test. 172800 IN NS ns1.example.test.");
	expect_rr(p, AR, 0, "ns1.example.test. 172800 IN A 127.53.2.1");
}

static void test_tld_referral_reverse(void **state)
{
	/* The additional section is left unchecked on purpose: arpa.zone has
	 * no glue for ns1.example.test., but this server also holds test.,
	 * whose glue for it is out of arpa.'s bailiwick.  Whether to offer it
	 * is a design choice; a resolver discards it as out of bailiwick. */
	ldns_pkt *p = ask(&tld_zs, "10.2.0.192.in-addr.arpa.", LDNS_RR_TYPE_PTR);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_false(ldns_pkt_aa(p));
	assert_int_equal(ldns_pkt_ancount(p), 0);
	assert_int_equal(ldns_pkt_nscount(p), 1);
	expect_rr(p, NS, 0, "2.0.192.in-addr.arpa. 172800 IN NS ns1.example.test.");
}

static void test_root_priming_has_root_server_address(void **state)
{
	/* RFC 8109 4.1: a priming response (". NS") carries the root servers'
	 * addresses in the additional section.  ?.root-servers.test. lie below
	 * the test. cut, so root.zone holds its A as glue, exactly as the real
	 * root holds root-servers.net. addresses; glue for the NS RRset must be
	 * offered here just as it is in a referral. */
	ldns_pkt *p = ask(&root_zs, ".", LDNS_RR_TYPE_NS);
	expect_header(p, LDNS_RCODE_NOERROR, true, 3, 0, 3);
	expect_rr(p, AN, 0, ". 518400 IN NS a.root-servers.test.");
	expect_rr(p, AN, 2, ". 518400 IN NS c.root-servers.test.");
	expect_rr(p, AR, 0, "a.root-servers.test. 172800 IN A 127.53.0.1");
	expect_rr(p, AR, 1, "b.root-servers.test. 172800 IN A 127.53.0.2");
	expect_rr(p, AR, 2, "c.root-servers.test. 172800 IN A 127.53.0.3");
}

/* ---- DS at a cut (RFC 4035 3.1.4.1) ---- */

static void test_ds_at_cut_answered_by_parent(void **state)
{
	/* DS lives on the parent side: no referral; shop has no DS: NODATA. */
	ldns_pkt *p = ask(&ex_zs, "shop.example.test.", LDNS_RR_TYPE_DS);
	expect_header(p, LDNS_RCODE_NOERROR, true, 0, 1, 0);
	expect_rr(p, NS, 0, EX_SOA_NEG);
}

static void test_ds_below_cut_is_referral(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "www.shop.example.test.", LDNS_RR_TYPE_DS);
	expect_header(p, LDNS_RCODE_NOERROR, false, 0, 1, 1);
	expect_rr(p, NS, 0, "shop.example.test. 3600 IN NS ns1.shop.example.test.");
}

static void test_ds_parent_zone_preferred(void **state)
{
	/* A server with both sides answers DS from the parent. */
	ldns_pkt *p = ask(&both_zs, "shop.example.test.", LDNS_RR_TYPE_DS);
	expect_header(p, LDNS_RCODE_NOERROR, true, 0, 1, 0);
	expect_rr(p, NS, 0, EX_SOA_NEG);
	/* ... and other types from the child. */
	p = ask(&both_zs, "shop.example.test.", LDNS_RR_TYPE_NS);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 0, 1);
	expect_rr(p, AN, 0, "shop.example.test. 3600 IN NS ns1.shop.example.test.");
	expect_rr(p, AR, 0, "ns1.shop.example.test. 3600 IN A 127.53.2.2");
}

static void test_ds_at_apex_without_parent(void **state)
{
	/* Only the child is here: it answers (NODATA from its own zone). */
	ldns_pkt *p = ask(&ex_zs, "example.test.", LDNS_RR_TYPE_DS);
	expect_header(p, LDNS_RCODE_NOERROR, true, 0, 1, 0);
	expect_rr(p, NS, 0, EX_SOA_NEG);
	/* The root asked for test. DS: parent side, NODATA, root's negative TTL. */
	p = ask(&root_zs, "test.", LDNS_RR_TYPE_DS);
	expect_header(p, LDNS_RCODE_NOERROR, true, 0, 1, 0);
	expect_rr(p, NS, 0, ". 3600 IN SOA a.root-servers.test. hostmaster.nic.test. 2026112501 1800 900 604800 3600");
}

static void test_find_zone(void **state)
{
	ldns_rdf *n = ldns_dname_new_frm_str("www.shop.example.test.");
	assert_ptr_equal(answer_find_zone(&both_zs, n, LDNS_RR_TYPE_A), zones[Z_SHOP]);
	assert_ptr_equal(answer_find_zone(&ex_zs, n, LDNS_RR_TYPE_A), zones[Z_EXAMPLE]);
	ldns_rdf_deep_free(n);
	n = ldns_dname_new_frm_str("shop.example.test.");
	assert_ptr_equal(answer_find_zone(&both_zs, n, LDNS_RR_TYPE_DS), zones[Z_EXAMPLE]);
	assert_ptr_equal(answer_find_zone(&both_zs, n, LDNS_RR_TYPE_SOA), zones[Z_SHOP]);
	assert_ptr_equal(answer_find_zone(&shop_zs, n, LDNS_RR_TYPE_DS), zones[Z_SHOP]);
	ldns_rdf_deep_free(n);
	/* Label-wise containment: contest. is not below test. */
	n = ldns_dname_new_frm_str("contest.");
	assert_null(answer_find_zone(&tld_zs, n, LDNS_RR_TYPE_A));
	assert_ptr_equal(answer_find_zone(&root_zs, n, LDNS_RR_TYPE_A), zones[Z_ROOT]);
	ldns_rdf_deep_free(n);
}

/* ---- CNAME (RFC 1034 4.3.2 step 3a, RFC 2181 10.1) ---- */

static void test_cname_chain_in_zone(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "alias2.example.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 3, 1, 1);
	expect_rr(p, AN, 0, "alias2.example.test. 3600 IN CNAME alias.example.test.");
	expect_rr(p, AN, 1, "alias.example.test. 3600 IN CNAME www.example.test.");
	expect_rr(p, AN, 2, "www.example.test. 300 IN A 192.0.2.10");
	expect_example_ns(p, 0, 0);
}

static void test_cname_query_not_chased(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "alias2.example.test.", LDNS_RR_TYPE_CNAME);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 1, 1);
	expect_rr(p, AN, 0, "alias2.example.test. 3600 IN CNAME alias.example.test.");
	expect_example_ns(p, 0, 0);
}

static void test_cname_into_delegated_child_stops(void **state)
{
	/* www.shop.example.test. is below a cut here: the resolver continues. */
	ldns_pkt *p = ask(&ex_zs, "shopfront.example.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 0, 0);
	expect_rr(p, AN, 0, "shopfront.example.test. 3600 IN CNAME www.shop.example.test.");
}

static void test_cname_chased_into_other_served_zone(void **state)
{
	ldns_pkt *p = ask(&both_zs, "shopfront.example.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 2, 1, 1);
	expect_rr(p, AN, 0, "shopfront.example.test. 3600 IN CNAME www.shop.example.test.");
	expect_rr(p, AN, 1, "www.shop.example.test. 3600 IN A 192.0.2.60");
	/* Authority and additional describe the zone of the final answer. */
	expect_rr(p, NS, 0, "shop.example.test. 3600 IN NS ns1.shop.example.test.");
	expect_rr(p, AR, 0, "ns1.shop.example.test. 3600 IN A 127.53.2.2");

	p = ask(&cornex_zs, "out.corner.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 2, 1, 1);
	expect_rr(p, AN, 0, "out.corner.test. 600 IN CNAME www.example.test.");
	expect_rr(p, AN, 1, "www.example.test. 300 IN A 192.0.2.10");
	expect_example_ns(p, 0, 0);
}

static void test_cname_to_unserved_name(void **state)
{
	ldns_pkt *p = ask(&corner_zs, "out.corner.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 0, 0);
	expect_rr(p, AN, 0, "out.corner.test. 600 IN CNAME www.example.test.");
}

static void test_cname_loop_stops(void **state)
{
	ldns_pkt *p = ask(&corner_zs, "loop1.corner.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 2, 0, 0);
	expect_rr(p, AN, 0, "loop1.corner.test. 600 IN CNAME loop2.corner.test.");
	expect_rr(p, AN, 1, "loop2.corner.test. 600 IN CNAME loop1.corner.test.");

	p = ask(&corner_zs, "self.corner.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 0, 0);
	expect_rr(p, AN, 0, "self.corner.test. 600 IN CNAME self.corner.test.");
}

static void test_cname_chain_limit(void **state)
{
	ldns_pkt *p = ask(&corner_zs, "c1.corner.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, ANSWER_MAX_CNAME, 0, 0);
	for (int i = 0; i < ANSWER_MAX_CNAME; i++) {
		char want[128];
		snprintf(want, sizeof want, "c%d.corner.test. 600 IN CNAME c%d.corner.test.", i + 1, i + 2);
		expect_rr(p, AN, (size_t)i, want);
	}
}

static void test_cname_dangling_nxdomain(void **state)
{
	/* RFC 6604 2.1: the rcode is that of the last name in the chain. */
	ldns_pkt *p = ask(&corner_zs, "dangling.corner.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NXDOMAIN, true, 1, 1, 0);
	expect_rr(p, AN, 0, "dangling.corner.test. 600 IN CNAME missing.corner.test.");
	expect_rr(p, NS, 0, CORNER_SOA_NEG);
}

static void test_cname_to_wildcard_and_wildcard_cname(void **state)
{
	ldns_pkt *p = ask(&corner_zs, "towild.corner.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 2, 2, 2);
	expect_rr(p, AN, 0, "towild.corner.test. 600 IN CNAME host.wild.corner.test.");
	expect_rr(p, AN, 1, "host.wild.corner.test. 600 IN A 192.0.2.80");

	p = ask(&corner_zs, "foo.cw.corner.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 2, 2, 2);
	/* RFC 4592 4.3: a synthesised CNAME takes the query name as owner. */
	expect_rr(p, AN, 0, "foo.cw.corner.test. 600 IN CNAME www.corner.test.");
	expect_rr(p, AN, 1, "www.corner.test. 600 IN A 192.0.2.10");
	expect_rr(p, NS, 0, "corner.test. 600 IN NS ns1.corner.test.");
	expect_rr(p, NS, 1, "corner.test. 600 IN NS ns2.elsewhere.test.");
	expect_rr(p, AR, 0, "ns1.corner.test. 600 IN A 192.0.2.53");
	expect_rr(p, AR, 1, "ns1.corner.test. 600 IN AAAA 2001:db8::53");
}

/* ---- wildcards (RFC 4592) ---- */

static void test_wildcard_synthesis(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "anything.wild.example.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 1, 1);
	expect_rr(p, AN, 0, "anything.wild.example.test. 3600 IN A 192.0.2.80");
	expect_example_ns(p, 0, 0);

	/* Closest encloser wild.example.test.: two labels below still match. */
	p = ask(&ex_zs, "a.b.wild.example.test.", LDNS_RR_TYPE_TXT);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 1, 1);
	expect_rr(p, AN, 0, "a.b.wild.example.test. 3600 IN TXT \"synthesised from the wildcard *.wild.example.test\"");
}

static void test_wildcard_any(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "x.wild.example.test.", LDNS_RR_TYPE_ANY);
	expect_header(p, LDNS_RCODE_NOERROR, true, 2, 1, 1);
	expect_rr(p, AN, 0, "x.wild.example.test. 3600 IN A 192.0.2.80");
	expect_rr(p, AN, 1, "x.wild.example.test. 3600 IN TXT \"synthesised from the wildcard *.wild.example.test\"");
}

static void test_wildcard_nodata_for_missing_type(void **state)
{
	/* The wildcard matches the name, so the name "exists": NODATA. */
	ldns_pkt *p = ask(&ex_zs, "anything.wild.example.test.", LDNS_RR_TYPE_AAAA);
	expect_header(p, LDNS_RCODE_NOERROR, true, 0, 1, 0);
	expect_rr(p, NS, 0, EX_SOA_NEG);
}

static void test_wildcard_own_name_is_literal(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "*.wild.example.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 1, 1);
	expect_rr(p, AN, 0, "*.wild.example.test. 3600 IN A 192.0.2.80");
}

static void test_wildcard_blocked_by_existing_name(void **state)
{
	/* host.wild exists: no synthesis for it (NODATA for TXT) ... */
	ldns_pkt *p = ask(&ex_zs, "host.wild.example.test.", LDNS_RR_TYPE_TXT);
	expect_header(p, LDNS_RCODE_NOERROR, true, 0, 1, 0);
	expect_rr(p, NS, 0, EX_SOA_NEG);
	/* ... and below it the closest encloser is host.wild, with no '*'. */
	p = ask(&ex_zs, "x.host.wild.example.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NXDOMAIN, true, 0, 1, 0);
	expect_rr(p, NS, 0, EX_SOA_NEG);
}

static void test_wildcard_parent_is_ent(void **state)
{
	/* wild.example.test. itself is an empty non-terminal, not matched. */
	ldns_pkt *p = ask(&ex_zs, "wild.example.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 0, 1, 0);
	expect_rr(p, NS, 0, EX_SOA_NEG);
}

/* ---- negative answers (RFC 2308) ---- */

static void test_nxdomain(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "nothing.example.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NXDOMAIN, true, 0, 1, 0);
	/* min(SOA TTL 3600, minimum 300) = 300, on the SOA itself (RFC 2308 3). */
	expect_rr(p, NS, 0, EX_SOA_NEG);
}

static void test_nodata(void **state)
{
	ldns_pkt *p = ask(&ex_zs, "www.example.test.", LDNS_RR_TYPE_MX);
	expect_header(p, LDNS_RCODE_NOERROR, true, 0, 1, 0);
	expect_rr(p, NS, 0, EX_SOA_NEG);
	/* NS and SOA asked below the apex are NODATA too. */
	p = ask(&ex_zs, "www.example.test.", LDNS_RR_TYPE_NS);
	expect_header(p, LDNS_RCODE_NOERROR, true, 0, 1, 0);
	p = ask(&ex_zs, "www.example.test.", LDNS_RR_TYPE_SOA);
	expect_header(p, LDNS_RCODE_NOERROR, true, 0, 1, 0);
	expect_rr(p, NS, 0, EX_SOA_NEG);
}

static void test_empty_non_terminal(void **state)
{
	static const char *const ents[] = { "ent.example.test.", "_tcp.example.test." };
	for (size_t i = 0; i < 2; i++) {
		ldns_pkt *p = ask(&ex_zs, ents[i], LDNS_RR_TYPE_A);
		expect_header(p, LDNS_RCODE_NOERROR, true, 0, 1, 0);
		expect_rr(p, NS, 0, EX_SOA_NEG);
	}
	ldns_pkt *p = ask(&ex_zs, "ent.example.test.", LDNS_RR_TYPE_ANY);
	expect_header(p, LDNS_RCODE_NOERROR, true, 0, 1, 0);
	p = ask(&ex_zs, "deep.ent.example.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 1, 1);
	expect_rr(p, AN, 0, "deep.ent.example.test. 3600 IN A 192.0.2.82");
}

static void test_reverse_ent_in_arpa(void **state)
{
	/* 192.in-addr.arpa. exists because names below it do (arpa.zone). */
	ldns_pkt *p = ask(&tld_zs, "192.in-addr.arpa.", LDNS_RR_TYPE_PTR);
	expect_header(p, LDNS_RCODE_NOERROR, true, 0, 1, 0);
	expect_rr(p, NS, 0, "arpa. 3600 IN SOA ns1.nic.test. hostmaster.nic.test. 2026112501 7200 3600 1209600 86400");
}

static void test_negative_ttl_soa_ttl_wins(void **state)
{
	/* test.: SOA TTL 3600 < minimum 86400, so 3600. */
	ldns_pkt *p = ask(&tld_zs, "nothing.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NXDOMAIN, true, 0, 1, 0);
	expect_rr(p, NS, 0, "test. 3600 IN SOA ns1.nic.test. hostmaster.nic.test. 2026112501 7200 3600 1209600 86400");
	/* The root: SOA TTL 86400 > minimum 3600, so 3600. */
	p = ask(&root_zs, "nothing.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NXDOMAIN, true, 0, 1, 0);
	expect_rr(p, NS, 0, ". 3600 IN SOA a.root-servers.test. hostmaster.nic.test. 2026112501 1800 900 604800 3600");
	/* The reverse zone: minimum 300. */
	p = ask(&ex_zs, "99.2.0.192.in-addr.arpa.", LDNS_RR_TYPE_PTR);
	expect_header(p, LDNS_RCODE_NXDOMAIN, true, 0, 1, 0);
	expect_rr(p, NS, 0, "2.0.192.in-addr.arpa. 300 IN SOA ns1.example.test. hostmaster.example.test. 2026112501 7200 3600 1209600 300");
}

/* ---- REFUSED ---- */

static void test_refused_outside_served_zones(void **state)
{
	static const char *const names[] = { "www.google.com.", "lame.test.", "test.", "." };
	for (size_t i = 0; i < 4; i++) {
		ldns_pkt *p = ask(&ex_zs, names[i], LDNS_RR_TYPE_A);
		expect_header(p, LDNS_RCODE_REFUSED, false, 0, 0, 0);
	}
}

static void test_refused_other_class(void **state)
{
	ldns_pkt *p = ask_class(&ex_zs, "www.example.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_CH, false);
	expect_header(p, LDNS_RCODE_REFUSED, false, 0, 0, 0);
	p = ask_class(&ex_zs, "www.example.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_ANY, false);
	expect_header(p, LDNS_RCODE_REFUSED, false, 0, 0, 0);
}

static void test_empty_zoneset_refuses(void **state)
{
	struct zoneset none = { NULL, 0 };
	ldns_pkt *p = ask(&none, "www.example.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_REFUSED, false, 0, 0, 0);
}

/* ---- additional-section rules ---- */

static void test_mx_target_glue_not_additional(void **state)
{
	/* ns.sub.corner.test. is glue below a cut: not offered as if it were
	 * authoritative data for an MX answer. */
	ldns_pkt *p = ask(&corner_zs, "mx.corner.test.", LDNS_RR_TYPE_MX);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 2, 2);
	expect_rr(p, AN, 0, "mx.corner.test. 600 IN MX 10 ns.sub.corner.test.");
	expect_rr(p, AR, 0, "ns1.corner.test. 600 IN A 192.0.2.53");
	expect_rr(p, AR, 1, "ns1.corner.test. 600 IN AAAA 2001:db8::53");
}

/* ---- DNSSEC OK (RFC 4035 3.1) ---- */

static const char *const WWW_SIG =
	"www.corner.test. 600 IN RRSIG A 13 3 600 20300101000000 20200101000000 4711 corner.test. YS1zaWc=";
static const char *const NS_SIG =
	"corner.test. 600 IN RRSIG NS 13 2 600 20300101000000 20200101000000 4711 corner.test. bnMtc2ln";
static const char *const DS_SIG =
	"sub.corner.test. 600 IN RRSIG DS 13 3 600 20300101000000 20200101000000 4711 corner.test. ZHMtc2ln";
static const char *const SUB_DS =
	"sub.corner.test. 600 IN DS 4711 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static void test_do_adds_rrsigs(void **state)
{
	ldns_pkt *p = ask_do(&corner_zs, "www.corner.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 2, 3, 2);
	expect_rr(p, AN, 0, "www.corner.test. 600 IN A 192.0.2.10");
	expect_rr(p, AN, 1, WWW_SIG);
	expect_rr(p, NS, 0, "corner.test. 600 IN NS ns1.corner.test.");
	expect_rr(p, NS, 1, "corner.test. 600 IN NS ns2.elsewhere.test.");
	expect_rr(p, NS, 2, NS_SIG);
}

static void test_no_do_no_rrsigs(void **state)
{
	ldns_pkt *p = ask(&corner_zs, "www.corner.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 2, 2);
	expect_rr(p, AN, 0, "www.corner.test. 600 IN A 192.0.2.10");
	p = ask(&corner_zs, "www.corner.test.", LDNS_RR_TYPE_ANY);
	expect_header(p, LDNS_RCODE_NOERROR, true, 1, 2, 2);
	p = ask_do(&corner_zs, "www.corner.test.", LDNS_RR_TYPE_ANY);
	expect_header(p, LDNS_RCODE_NOERROR, true, 2, 3, 2);
	expect_rr(p, AN, 1, WWW_SIG);
}

static void test_do_signed_referral(void **state)
{
	/* RFC 4035 3.1.4: DS and its RRSIG with the referral; the NS RRset at
	 * the cut is the child's and unsigned; glue carries no RRSIG. */
	ldns_pkt *p = ask_do(&corner_zs, "www.sub.corner.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, false, 0, 4, 4);
	expect_rr(p, NS, 0, "sub.corner.test. 600 IN NS ns.sub.corner.test.");
	expect_rr(p, NS, 1, "sub.corner.test. 600 IN NS ns1.corner.test.");
	expect_rr(p, NS, 2, SUB_DS);
	expect_rr(p, NS, 3, DS_SIG);
	expect_rr(p, AR, 0, "ns.sub.corner.test. 600 IN A 192.0.2.54");
	expect_rr(p, AR, 1, "ns.sub.corner.test. 600 IN AAAA 2001:db8::54");
	/* Without DO the DS stays out. */
	p = ask(&corner_zs, "www.sub.corner.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NOERROR, false, 0, 2, 4);
}

static void test_do_ds_query_at_cut(void **state)
{
	ldns_pkt *p = ask_do(&corner_zs, "sub.corner.test.", LDNS_RR_TYPE_DS);
	expect_header(p, LDNS_RCODE_NOERROR, true, 2, 3, 2);
	expect_rr(p, AN, 0, SUB_DS);
	expect_rr(p, AN, 1, DS_SIG);
	expect_rr(p, NS, 2, NS_SIG);
}

static void test_do_negative_soa_rrsig_ttl(void **state)
{
	/* RFC 4034 3: an RRSIG's TTL equals that of the RRset it covers.  The
	 * SOA in a negative answer has TTL min(900, 300) = 300 (RFC 2308), so
	 * its RRSIG must carry 300 too, as BIND and NSD send it; the original
	 * TTL field inside the RRSIG stays 900. */
	ldns_pkt *p = ask_do(&corner_zs, "nothing.corner.test.", LDNS_RR_TYPE_A);
	expect_header(p, LDNS_RCODE_NXDOMAIN, true, 0, 2, 0);
	expect_rr(p, NS, 0, CORNER_SOA_NEG);
	expect_rr(p, NS, 1,
		  "corner.test. 300 IN RRSIG SOA 13 2 900 20300101000000 20200101000000 4711 corner.test. c29hLXNpZw==");
}

static void test_do_negative_without_do_has_no_rrsig(void **state)
{
	ldns_pkt *p = ask(&corner_zs, "www.corner.test.", LDNS_RR_TYPE_TXT);
	expect_header(p, LDNS_RCODE_NOERROR, true, 0, 1, 0);
	expect_rr(p, NS, 0, CORNER_SOA_NEG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_exact_a),
		T(test_exact_aaaa),
		T(test_apex_txt_rrset),
		T(test_apex_soa),
		T(test_apex_ns_no_authority_copy),
		T(test_mx_additional_addresses),
		T(test_srv_additional_targets),
		T(test_any_returns_every_rrset),
		T(test_case_insensitive_lookup),
		T(test_reverse_ptr_cross_zone_additional),
		T(test_tld_authoritative_infrastructure_name),
		T(test_referral_below_cut_with_glue),
		T(test_referral_at_cut_for_ns),
		T(test_referral_for_glue_name),
		T(test_referral_occluded_data),
		T(test_root_referral_to_tld),
		T(test_root_referral_arpa_glue_under_sibling),
		T(test_tld_referral_lame),
		T(test_tld_referral_reverse),
		T(test_root_priming_has_root_server_address),
		T(test_ds_at_cut_answered_by_parent),
		T(test_ds_below_cut_is_referral),
		T(test_ds_parent_zone_preferred),
		T(test_ds_at_apex_without_parent),
		T(test_find_zone),
		T(test_cname_chain_in_zone),
		T(test_cname_query_not_chased),
		T(test_cname_into_delegated_child_stops),
		T(test_cname_chased_into_other_served_zone),
		T(test_cname_to_unserved_name),
		T(test_cname_loop_stops),
		T(test_cname_chain_limit),
		T(test_cname_dangling_nxdomain),
		T(test_cname_to_wildcard_and_wildcard_cname),
		T(test_wildcard_synthesis),
		T(test_wildcard_any),
		T(test_wildcard_nodata_for_missing_type),
		T(test_wildcard_own_name_is_literal),
		T(test_wildcard_blocked_by_existing_name),
		T(test_wildcard_parent_is_ent),
		T(test_nxdomain),
		T(test_nodata),
		T(test_empty_non_terminal),
		T(test_reverse_ent_in_arpa),
		T(test_negative_ttl_soa_ttl_wins),
		T(test_refused_outside_served_zones),
		T(test_refused_other_class),
		T(test_empty_zoneset_refuses),
		T(test_mx_target_glue_not_additional),
		T(test_do_adds_rrsigs),
		T(test_no_do_no_rrsigs),
		T(test_do_signed_referral),
		T(test_do_ds_query_at_cut),
		T(test_do_negative_soa_rrsig_ttl),
		T(test_do_negative_without_do_has_no_rrsig),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
