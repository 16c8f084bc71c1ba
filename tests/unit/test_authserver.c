/* test_authserver.c: unit tests for one virtual authoritative server's wire
 * handling (src/dns/authserver.c): a query in wire form in, a response in
 * wire form out, no sockets.  The server is the lab's "example" server of
 * zones/lab.yaml (example.test. and 2.0.192.in-addr.arpa.).
 *
 * Queries are built with ldns (ldns_pkt_query_new + ldns_pkt2wire) or, for
 * malformed ones, by hand; responses are parsed back with ldns_wire2pkt. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns/authserver.h"
#include "dns/wire.h"
#include "dns/zone.h"

/* ---- fixtures ---- */

static struct zone *example_zone, *rev_zone, *huge_zone;
static struct authserver srv;
static uint8_t out[AUTHSERVER_MAX_MSG];

static int load(const char *file, const char *origin, struct zone **z)
{
	struct dl_error err = { 0 };
	if (zone_load(file, origin, z, &err) != 0) {
		fprintf(stderr, "cannot load %s (run from the repository root): %s\n", file, err.msg);
		return -1;
	}
	return 0;
}

static int group_setup(void **state)
{
	if (load("zones/example.test.zone", "example.test.", &example_zone) ||
	    load("zones/2.0.192.in-addr.arpa.zone", "2.0.192.in-addr.arpa.", &rev_zone) ||
	    load("tests/unit/data/huge.test.zone", "huge.test.", &huge_zone))
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	zone_free(example_zone);
	zone_free(rev_zone);
	zone_free(huge_zone);
	return 0;
}

/* Responses parsed by a test; freed after each test, even a failed one. */
static ldns_pkt *parsed[8];
static size_t nparsed;

/* A fresh server per test, so that cache state never leaks between tests. */
static int setup(void **state)
{
	struct zone *zs[] = { example_zone, rev_zone };
	return authserver_init(&srv, zs, 2);
}

static int teardown(void **state)
{
	for (size_t i = 0; i < nparsed; i++)
		ldns_pkt_free(parsed[i]);
	nparsed = 0;
	authserver_free(&srv);
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* ---- helpers ---- */

struct msg {
	uint8_t b[4096];
	size_t n;
};

enum { NO_EDNS = -1 };

/* A query built by ldns: flags are LDNS_RD, LDNS_CD ...; edns_size NO_EDNS
 * for none. */
static void mkquery_full(struct msg *m, const char *name, ldns_rr_type t, ldns_rr_class c,
			 uint16_t id, uint16_t flags, int edns_size, bool do_bit, uint8_t version)
{
	ldns_rdf *qname = ldns_dname_new_frm_str(name);
	assert_non_null(qname);
	ldns_pkt *q = ldns_pkt_query_new(qname, t, c, flags);
	assert_non_null(q);
	ldns_pkt_set_id(q, id);
	if (edns_size != NO_EDNS) {
		ldns_pkt_set_edns_udp_size(q, (uint16_t)edns_size);
		ldns_pkt_set_edns_do(q, do_bit);
		ldns_pkt_set_edns_version(q, version);
	}
	uint8_t *wire = NULL;
	size_t len = 0;
	assert_int_equal(ldns_pkt2wire(&wire, q, &len), LDNS_STATUS_OK);
	ldns_pkt_free(q);
	assert_true(len <= sizeof m->b);
	memcpy(m->b, wire, len);
	m->n = len;
	free(wire);
	/* ldns leaves OPT out when every EDNS field is zero; the tests that
	 * want EDNS always set a size. */
	assert_int_equal(wire_u16(m->b + 10), edns_size != NO_EDNS ? 1 : 0);
}

static void mkquery(struct msg *m, const char *name, ldns_rr_type t, uint16_t id, uint16_t flags,
		    int edns_size, bool do_bit)
{
	mkquery_full(m, name, t, LDNS_RR_CLASS_IN, id, flags, edns_size, do_bit, 0);
}

static size_t respond(const struct msg *q, bool tcp)
{
	return authserver_respond(&srv, q->b, q->n, tcp, out, sizeof out);
}

static ldns_pkt *parse(const uint8_t *buf, size_t n)
{
	ldns_pkt *p = NULL;
	assert_true(n >= WIRE_HEADER_LEN);
	assert_int_equal(ldns_wire2pkt(&p, buf, n), LDNS_STATUS_OK);
	assert_true(nparsed < sizeof parsed / sizeof parsed[0]);
	parsed[nparsed++] = p;
	return p;
}

/* Respond to q and parse the answer (which must not be dropped). */
static ldns_pkt *exchange(const struct msg *q, bool tcp, size_t *len)
{
	size_t n = respond(q, tcp);
	assert_true(n > 0);
	if (len)
		*len = n;
	return parse(out, n);
}

static char *owner_str(const ldns_rr *rr)
{
	return ldns_rdf2str(ldns_rr_owner(rr));
}

static void expect_owner(const ldns_rr *rr, const char *want)
{
	char *s = owner_str(rr);
	assert_non_null(s);
	int same = strcmp(s, want) == 0;
	if (!same)
		print_error("owner: want %s got %s\n", want, s);
	free(s);
	assert_true(same);
}

/* The question of p is exactly name/t/IN, in the case given. */
static void expect_question(const ldns_pkt *p, const char *name, ldns_rr_type t)
{
	assert_int_equal(ldns_pkt_qdcount(p), 1);
	const ldns_rr *q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	expect_owner(q, name);
	assert_int_equal(ldns_rr_get_type(q), t);
	assert_int_equal(ldns_rr_get_class(q), LDNS_RR_CLASS_IN);
}

/* Hand-built messages. */
static void put8(struct msg *m, uint8_t v)
{
	assert_true(m->n < sizeof m->b);
	m->b[m->n++] = v;
}

static void put16(struct msg *m, uint16_t v)
{
	put8(m, (uint8_t)(v >> 8));
	put8(m, (uint8_t)v);
}

static void put_header(struct msg *m, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
		       uint16_t ns, uint16_t ar)
{
	m->n = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

static void put_question(struct msg *m, const char *dotted, uint16_t type)
{
	const char *s = dotted;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		put8(m, (uint8_t)l);
		for (size_t i = 0; i < l; i++)
			put8(m, (uint8_t)s[i]);
		s += l + (dot ? 1 : 0);
	}
	put8(m, 0);
	put16(m, type);
	put16(m, LDNS_RR_CLASS_IN);
}

/* ---- header fields the cached form cannot know ---- */

static void test_basic_answer_copies_id_and_rd(void **state)
{
	struct msg q;
	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_A, 0xbeef, LDNS_RD, NO_EDNS, false);
	ldns_pkt *r = exchange(&q, false, NULL);
	assert_int_equal(ldns_pkt_id(r), 0xbeef);
	assert_true(ldns_pkt_qr(r));
	assert_true(ldns_pkt_aa(r));
	assert_true(ldns_pkt_rd(r));
	assert_false(ldns_pkt_ra(r));
	assert_false(ldns_pkt_tc(r));
	assert_false(ldns_pkt_cd(r));
	assert_int_equal(ldns_pkt_get_opcode(r), LDNS_PACKET_QUERY);
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	expect_question(r, "www.example.test.", LDNS_RR_TYPE_A);
	assert_int_equal(ldns_pkt_ancount(r), 1);
	const ldns_rr *a = ldns_rr_list_rr(ldns_pkt_answer(r), 0);
	expect_owner(a, "www.example.test.");
	assert_int_equal(ldns_rr_get_type(a), LDNS_RR_TYPE_A);
	assert_int_equal(ldns_rr_ttl(a), 300);
	assert_int_equal(ldns_rdf2native_int32(ldns_rr_rdf(a, 0)), 0xc000020a); /* 192.0.2.10 */
	assert_int_equal(ldns_pkt_nscount(r), 1);
	assert_int_equal(ldns_pkt_arcount(r), 1);
	/* No EDNS in the query: no OPT in the response (RFC 6891 7). */
	assert_false(ldns_pkt_edns(r));
}


/* CH TXT id.server. / hostname.bind. (RFC 4892): the instance's name, with
 * authority; other CH questions, and a server without a name, REFUSED. */
static void ch_query(struct msg *m, const char *name)
{
	ldns_pkt *p = ldns_pkt_query_new(ldns_dname_new_frm_str(name), LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_CH, 0);
	uint8_t *wire = NULL;
	assert_non_null(p);
	ldns_pkt_set_id(p, 0x1234);
	assert_int_equal(ldns_pkt2wire(&wire, p, &m->n), LDNS_STATUS_OK);
	memcpy(m->b, wire, m->n);
	free(wire);
	ldns_pkt_free(p);
}

static void test_identity_ch_txt(void **state)
{
	struct msg q;
	ch_query(&q, "id.server.");
	ldns_pkt *r = exchange(&q, false, NULL);
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED); /* no name given yet */
	authserver_set_identity(&srv, "ns1.example.test.");
	authserver_zones_changed(&srv);
	for (int i = 0; i < 2; i++) {
		ch_query(&q, i ? "HOSTNAME.bind." : "id.server.");
		r = exchange(&q, false, NULL);
		assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
		assert_true(ldns_pkt_aa(r));
		assert_int_equal(ldns_pkt_id(r), 0x1234);
		assert_int_equal(ldns_pkt_ancount(r), 1);
		const ldns_rr *t = ldns_rr_list_rr(ldns_pkt_answer(r), 0);
		assert_int_equal(ldns_rr_get_class(t), LDNS_RR_CLASS_CH);
		assert_int_equal(ldns_rr_get_type(t), LDNS_RR_TYPE_TXT);
		char *txt = ldns_rdf2str(ldns_rr_rdf(t, 0));
		assert_string_equal(txt, "\"ns1.example.test.\"");
		free(txt);
		/* The question as asked, its case kept. */
		char *qn = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(r), 0)));
		assert_string_equal(qn, i ? "HOSTNAME.bind." : "id.server.");
		free(qn);
	}
	ch_query(&q, "version.bind.");
	r = exchange(&q, false, NULL);
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED);
}

static void test_rd_clear_and_cd_copied(void **state)
{
	struct msg q;
	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_A, 1, 0, NO_EDNS, false);
	ldns_pkt *r = exchange(&q, false, NULL);
	assert_false(ldns_pkt_rd(r));
	assert_false(ldns_pkt_cd(r));
	/* Same question with CD set: a cache hit, patched to CD=1 (RFC 4035 3.2.2). */
	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_A, 2, LDNS_CD, NO_EDNS, false);
	r = exchange(&q, false, NULL);
	assert_int_equal(ldns_pkt_id(r), 2);
	assert_true(ldns_pkt_cd(r));
	assert_false(ldns_pkt_rd(r));
	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_A, 3, LDNS_RD | LDNS_CD, NO_EDNS, false);
	r = exchange(&q, false, NULL);
	assert_true(ldns_pkt_cd(r));
	assert_true(ldns_pkt_rd(r));
	assert_int_equal(srv.cache.used, 1);
}

static void test_question_case_preserved(void **state)
{
	struct msg q;
	/* First a lowercase query fills the cache, then a mixed-case one
	 * (0x20 randomisation) must get its own spelling back. */
	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_A, 7, LDNS_RD, NO_EDNS, false);
	ldns_pkt *r = exchange(&q, false, NULL);
	expect_question(r, "www.example.test.", LDNS_RR_TYPE_A);
	mkquery(&q, "WwW.eXaMpLe.TeSt.", LDNS_RR_TYPE_A, 8, LDNS_RD, NO_EDNS, false);
	r = exchange(&q, false, NULL);
	expect_question(r, "WwW.eXaMpLe.TeSt.", LDNS_RR_TYPE_A);
	/* The answer's owner is compressed to the question, and follows it. */
	expect_owner(ldns_rr_list_rr(ldns_pkt_answer(r), 0), "WwW.eXaMpLe.TeSt.");
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	assert_int_equal(ldns_pkt_ancount(r), 1);
	assert_int_equal(srv.cache.used, 1);
}

static void test_question_case_preserved_on_miss(void **state)
{
	struct msg q;
	mkquery(&q, "NoThInG.ExAmPlE.TeSt.", LDNS_RR_TYPE_A, 9, 0, NO_EDNS, false);
	ldns_pkt *r = exchange(&q, false, NULL);
	expect_question(r, "NoThInG.ExAmPlE.TeSt.", LDNS_RR_TYPE_A);
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_NXDOMAIN);
	assert_true(ldns_pkt_aa(r));
	assert_int_equal(ldns_pkt_ancount(r), 0);
	assert_int_equal(ldns_pkt_nscount(r), 1);
	const ldns_rr *soa = ldns_rr_list_rr(ldns_pkt_authority(r), 0);
	assert_int_equal(ldns_rr_get_type(soa), LDNS_RR_TYPE_SOA);
	/* The SOA owner is compressed to the question's suffix, so it takes the
	 * client's spelling too (as NSD and BIND do). */
	expect_owner(soa, "ExAmPlE.TeSt.");
	assert_int_equal(ldns_rr_ttl(soa), 300);
}

/* ---- the answer cache ---- */

static void test_cache_hit_identical_but_id(void **state)
{
	struct msg q;
	uint8_t first[AUTHSERVER_MAX_MSG];
	mkquery(&q, "example.test.", LDNS_RR_TYPE_MX, 0x1111, LDNS_RD, AUTHSERVER_EDNS_SIZE, false);
	size_t n1 = respond(&q, false);
	assert_true(n1 > WIRE_HEADER_LEN);
	memcpy(first, out, n1);
	assert_int_equal(srv.cache.used, 1);
	mkquery(&q, "example.test.", LDNS_RR_TYPE_MX, 0x2222, LDNS_RD, AUTHSERVER_EDNS_SIZE, false);
	size_t n2 = respond(&q, false);
	assert_int_equal(srv.cache.used, 1);
	assert_int_equal(n2, n1);
	assert_int_equal(wire_u16(first), 0x1111);
	assert_int_equal(wire_u16(out), 0x2222);
	assert_memory_equal(first + 2, out + 2, n1 - 2);
	ldns_pkt *r = parse(out, n2);
	assert_int_equal(ldns_pkt_ancount(r), 2);
	assert_int_equal(ldns_pkt_arcount(r), 5); /* 4 addresses, ns1 A */
	assert_true(ldns_pkt_edns(r)); /* ldns keeps OPT apart from arcount */
}

static void test_cache_variants_kept_apart(void **state)
{
	struct msg q;
	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_A, 1, 0, NO_EDNS, false);
	ldns_pkt *r = exchange(&q, false, NULL);
	assert_false(ldns_pkt_edns(r));
	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_A, 2, 0, AUTHSERVER_EDNS_SIZE, false);
	r = exchange(&q, false, NULL);
	assert_true(ldns_pkt_edns(r));
	assert_false(ldns_pkt_edns_do(r));
	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_A, 3, 0, AUTHSERVER_EDNS_SIZE, true);
	r = exchange(&q, false, NULL);
	assert_true(ldns_pkt_edns_do(r));
	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_AAAA, 4, 0, NO_EDNS, false);
	exchange(&q, false, NULL);
	assert_int_equal(srv.cache.used, 4);
	/* Asked again, each variant is a hit and still has its own EDNS. */
	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_A, 5, 0, NO_EDNS, false);
	r = exchange(&q, false, NULL);
	assert_false(ldns_pkt_edns(r));
	assert_int_equal(srv.cache.used, 4);
}

static void test_zones_changed_clears_cache(void **state)
{
	struct msg q;
	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_A, 1, 0, NO_EDNS, false);
	exchange(&q, false, NULL);
	assert_int_equal(srv.cache.used, 1);
	authserver_zones_changed(&srv);
	assert_int_equal(srv.cache.used, 0);
	assert_null(srv.cache.slots);
	ldns_pkt *r = exchange(&q, false, NULL);
	assert_int_equal(ldns_pkt_ancount(r), 1);
	assert_int_equal(srv.cache.used, 1);
}

/* ---- truncation (RFC 1035 4.2.1, RFC 6891 7) ---- */

/* big.example.test. TXT is about 760 octets: over 512, under 1232. */
static void expect_truncated(const struct msg *q, bool edns, bool do_bit)
{
	size_t n = respond(q, false);
	/* Header, the question (18 + 4 octets), and an OPT (11) with EDNS. */
	assert_int_equal(n, WIRE_HEADER_LEN + 22 + (edns ? 11 : 0));
	ldns_pkt *r = parse(out, n);
	assert_true(ldns_pkt_tc(r));
	assert_true(ldns_pkt_qr(r));
	assert_true(ldns_pkt_aa(r));
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	expect_question(r, "big.example.test.", LDNS_RR_TYPE_TXT);
	assert_int_equal(ldns_pkt_ancount(r), 0);
	assert_int_equal(ldns_pkt_nscount(r), 0);
	assert_int_equal(ldns_pkt_arcount(r), 0); /* ldns counts OPT apart */
	assert_int_equal(ldns_pkt_edns(r), edns);
	if (edns) {
		assert_int_equal(ldns_pkt_edns_udp_size(r), AUTHSERVER_EDNS_SIZE);
		assert_int_equal(ldns_pkt_edns_do(r), do_bit);
	}
}

static void test_tc_without_edns(void **state)
{
	struct msg q;
	mkquery(&q, "big.example.test.", LDNS_RR_TYPE_TXT, 0x5151, LDNS_RD, NO_EDNS, false);
	expect_truncated(&q, false, false);
	assert_int_equal(wire_u16(out), 0x5151);
	assert_true(out[2] & (WIRE_FLAG_RD >> 8));
	/* Asked again (now a cache hit), still truncated. */
	expect_truncated(&q, false, false);
}

static void test_tc_with_edns_512(void **state)
{
	struct msg q;
	mkquery(&q, "big.example.test.", LDNS_RR_TYPE_TXT, 1, 0, 512, true);
	expect_truncated(&q, true, true);
}

static void test_edns_size_below_512_means_512(void **state)
{
	/* RFC 6891 6.2.3: values below 512 are treated as 512. */
	struct msg q;
	mkquery(&q, "big.example.test.", LDNS_RR_TYPE_TXT, 1, 0, 100, false);
	expect_truncated(&q, true, false);
	mkquery(&q, "example.test.", LDNS_RR_TYPE_MX, 2, 0, 100, false);
	ldns_pkt *r = exchange(&q, false, NULL);
	assert_false(ldns_pkt_tc(r));
	assert_int_equal(ldns_pkt_ancount(r), 2);
}

static void expect_big_txt(const ldns_pkt *r)
{
	assert_false(ldns_pkt_tc(r));
	assert_true(ldns_pkt_aa(r));
	assert_int_equal(ldns_pkt_ancount(r), 1);
	const ldns_rr *txt = ldns_rr_list_rr(ldns_pkt_answer(r), 0);
	assert_int_equal(ldns_rr_get_type(txt), LDNS_RR_TYPE_TXT);
	assert_int_equal(ldns_rr_rd_count(txt), 7);
	assert_int_equal(ldns_rr_ttl(txt), 3600);
}

static void test_full_answer_with_edns_1232(void **state)
{
	struct msg q;
	mkquery(&q, "big.example.test.", LDNS_RR_TYPE_TXT, 1, 0, 1232, false);
	size_t n = 0;
	ldns_pkt *r = exchange(&q, false, &n);
	assert_true(n > 512 && n <= 1232);
	expect_big_txt(r);
	assert_true(ldns_pkt_edns(r));
	assert_int_equal(ldns_pkt_edns_udp_size(r), AUTHSERVER_EDNS_SIZE);
}

static void test_full_answer_over_tcp(void **state)
{
	struct msg q;
	mkquery(&q, "big.example.test.", LDNS_RR_TYPE_TXT, 1, 0, NO_EDNS, false);
	size_t n = 0;
	ldns_pkt *r = exchange(&q, true, &n);
	assert_true(n > 512);
	expect_big_txt(r);
	assert_false(ldns_pkt_edns(r));
	/* The UDP copy of the same question is still truncated. */
	expect_truncated(&q, false, false);
}

static void test_udp_capped_at_server_edns_size(void **state)
{
	/* A client announcing 4096 still gets at most AUTHSERVER_EDNS_SIZE
	 * (1232) octets over UDP: the server advertises 1232 in its own OPT,
	 * and DNS Flag Day 2020 picked that figure so that no UDP response
	 * is fragmented (BIND max-udp-size, NSD ipv4-edns-size, Knot
	 * udp-max-payload all default to it).  huge.test. big TXT is ~1.6 KB. */
	struct zone *zs[] = { huge_zone };
	authserver_free(&srv);
	assert_int_equal(authserver_init(&srv, zs, 1), 0);
	struct msg q;
	mkquery(&q, "big.huge.test.", LDNS_RR_TYPE_TXT, 1, 0, 4096, false);
	size_t n = respond(&q, false);
	assert_true(n > 0);
	assert_true(n <= AUTHSERVER_EDNS_SIZE);
	ldns_pkt *r = parse(out, n);
	assert_true(ldns_pkt_tc(r));
	assert_int_equal(ldns_pkt_ancount(r), 0);
	/* Over TCP the whole RRset comes back. */
	r = exchange(&q, true, &n);
	assert_true(n > AUTHSERVER_EDNS_SIZE);
	assert_false(ldns_pkt_tc(r));
	assert_int_equal(ldns_pkt_ancount(r), 6);
}

/* ---- EDNS (RFC 6891) ---- */

static void test_opt_echoed_with_do(void **state)
{
	struct msg q;
	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_A, 1, 0, 4096, true);
	ldns_pkt *r = exchange(&q, false, NULL);
	assert_true(ldns_pkt_edns(r));
	assert_int_equal(ldns_pkt_edns_udp_size(r), AUTHSERVER_EDNS_SIZE);
	assert_true(ldns_pkt_edns_do(r));
	assert_int_equal(ldns_pkt_edns_version(r), 0);
	assert_int_equal(ldns_pkt_edns_extended_rcode(r), 0);
	assert_int_equal(ldns_pkt_ancount(r), 1);

	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_A, 2, 0, 1232, false);
	r = exchange(&q, false, NULL);
	assert_true(ldns_pkt_edns(r));
	assert_int_equal(ldns_pkt_edns_udp_size(r), AUTHSERVER_EDNS_SIZE);
	assert_false(ldns_pkt_edns_do(r));
}

static void test_badvers(void **state)
{
	struct msg q;
	mkquery_full(&q, "www.example.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0x4242, LDNS_RD, 1232,
		     true, 1);
	ldns_pkt *r = exchange(&q, false, NULL);
	assert_int_equal(ldns_pkt_id(r), 0x4242);
	assert_true(ldns_pkt_qr(r));
	assert_true(ldns_pkt_rd(r));
	assert_false(ldns_pkt_aa(r));
	/* BADVERS is 16: 0 in the header, 1 in the OPT's extended rcode. */
	assert_int_equal(ldns_pkt_get_rcode(r), 0);
	assert_true(ldns_pkt_edns(r));
	assert_int_equal(ldns_pkt_edns_extended_rcode(r), 1);
	assert_int_equal(ldns_pkt_edns_version(r), 0);
	assert_int_equal(ldns_pkt_edns_udp_size(r), AUTHSERVER_EDNS_SIZE);
	assert_true(ldns_pkt_edns_do(r));
	assert_int_equal(ldns_pkt_ancount(r), 0);
	assert_int_equal(ldns_pkt_nscount(r), 0);
	expect_question(r, "www.example.test.", LDNS_RR_TYPE_A);
}

/* ---- errors ---- */

static void test_notimp_for_status_opcode(void **state)
{
	struct msg q;
	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_A, 0x0102, LDNS_RD, NO_EDNS, false);
	q.b[2] = (uint8_t)((q.b[2] & 0x87) | (LDNS_PACKET_STATUS << 3)); /* opcode 2 */
	ldns_pkt *r = exchange(&q, false, NULL);
	assert_int_equal(ldns_pkt_id(r), 0x0102);
	assert_true(ldns_pkt_qr(r));
	assert_true(ldns_pkt_rd(r));
	assert_int_equal(ldns_pkt_get_opcode(r), LDNS_PACKET_STATUS);
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_NOTIMPL);
	assert_int_equal(ldns_pkt_ancount(r), 0);
	assert_false(ldns_pkt_edns(r));
}

static void test_notimp_keeps_edns(void **state)
{
	struct msg q;
	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_A, 1, 0, 1232, true);
	q.b[2] = (uint8_t)((q.b[2] & 0x87) | (LDNS_PACKET_NOTIFY << 3));
	ldns_pkt *r = exchange(&q, false, NULL);
	assert_int_equal(ldns_pkt_get_opcode(r), LDNS_PACKET_NOTIFY);
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_NOTIMPL);
	assert_true(ldns_pkt_edns(r));
	assert_true(ldns_pkt_edns_do(r));
	assert_int_equal(ldns_pkt_edns_extended_rcode(r), 0);
}

static void test_formerr_qdcount_0(void **state)
{
	struct msg q;
	put_header(&q, 0xabcd, WIRE_FLAG_RD | WIRE_FLAG_CD, 0, 0, 0, 0);
	size_t n = respond(&q, false);
	assert_int_equal(n, WIRE_HEADER_LEN);
	ldns_pkt *r = parse(out, n);
	assert_int_equal(ldns_pkt_id(r), 0xabcd);
	assert_true(ldns_pkt_qr(r));
	assert_true(ldns_pkt_rd(r));
	assert_true(ldns_pkt_cd(r));
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_FORMERR);
	assert_int_equal(ldns_pkt_qdcount(r), 0);
}

static void test_formerr_qdcount_0_keeps_edns(void **state)
{
	/* A well-formed message with no question but a valid OPT: RFC 6891
	 * 6.1.1 says a responder MUST include an OPT in its response when the
	 * request had one (BIND answers such a query FORMERR with OPT). */
	struct msg q;
	put_header(&q, 0x0c0c, 0, 0, 0, 0, 1);
	put8(&q, 0);                  /* root owner */
	put16(&q, LDNS_RR_TYPE_OPT);
	put16(&q, 1232);              /* UDP size */
	put16(&q, 0x0000);            /* extended rcode 0, version 0 */
	put16(&q, 0x8000);            /* DO */
	put16(&q, 0);                 /* no options */
	size_t n = respond(&q, false);
	assert_int_equal(n, WIRE_HEADER_LEN + 11);
	ldns_pkt *r = parse(out, n);
	assert_int_equal(ldns_pkt_id(r), 0x0c0c);
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_FORMERR);
	assert_int_equal(ldns_pkt_qdcount(r), 0);
	assert_true(ldns_pkt_edns(r));
	assert_int_equal(ldns_pkt_edns_udp_size(r), AUTHSERVER_EDNS_SIZE);
	assert_true(ldns_pkt_edns_do(r));
}

static void test_formerr_qdcount_2(void **state)
{
	struct msg q;
	put_header(&q, 0x0a0b, 0, 2, 0, 0, 0);
	put_question(&q, "www.example.test", LDNS_RR_TYPE_A);
	put_question(&q, "mail.example.test", LDNS_RR_TYPE_A);
	size_t n = respond(&q, false);
	assert_int_equal(n, WIRE_HEADER_LEN);
	ldns_pkt *r = parse(out, n);
	assert_int_equal(ldns_pkt_id(r), 0x0a0b);
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_FORMERR);
	assert_int_equal(ldns_pkt_qdcount(r), 0);
	assert_int_equal(ldns_pkt_ancount(r), 0);
}

static void test_formerr_trailing_garbage(void **state)
{
	struct msg q;
	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_A, 0x7777, LDNS_RD, NO_EDNS, false);
	size_t qlen = q.n;
	put8(&q, 0xff);
	put8(&q, 0x00);
	size_t n = respond(&q, false);
	/* Header and the question echoed, nothing else. */
	assert_int_equal(n, qlen);
	ldns_pkt *r = parse(out, n);
	assert_int_equal(ldns_pkt_id(r), 0x7777);
	assert_true(ldns_pkt_qr(r));
	assert_true(ldns_pkt_rd(r));
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_FORMERR);
	expect_question(r, "www.example.test.", LDNS_RR_TYPE_A);
	assert_int_equal(ldns_pkt_ancount(r), 0);
	assert_int_equal(srv.cache.used, 0);
}

static void test_formerr_answer_in_query(void **state)
{
	struct msg q;
	put_header(&q, 5, 0, 1, 1, 0, 0);
	put_question(&q, "www.example.test", LDNS_RR_TYPE_A);
	/* www.example.test. 0 IN A 192.0.2.1, owner compressed to the question. */
	put16(&q, 0xc00c);
	put16(&q, LDNS_RR_TYPE_A);
	put16(&q, LDNS_RR_CLASS_IN);
	put16(&q, 0);
	put16(&q, 0);
	put16(&q, 4);
	put16(&q, 0xc000);
	put16(&q, 0x0201);
	ldns_pkt *r = exchange(&q, false, NULL);
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_FORMERR);
	assert_int_equal(ldns_pkt_ancount(r), 0);
}

static void test_formerr_qtype_opt(void **state)
{
	struct msg q;
	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_OPT, 6, 0, NO_EDNS, false);
	ldns_pkt *r = exchange(&q, false, NULL);
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_FORMERR);
	assert_int_equal(ldns_pkt_ancount(r), 0);
}

static void test_drop_responses_and_runts(void **state)
{
	struct msg q;
	mkquery(&q, "www.example.test.", LDNS_RR_TYPE_A, 1, 0, NO_EDNS, false);
	q.b[2] |= WIRE_FLAG_QR >> 8;
	assert_int_equal(respond(&q, false), 0);
	assert_int_equal(respond(&q, true), 0);
	static const uint8_t five[5] = { 0x12, 0x34, 0x01, 0x00, 0x00 };
	assert_int_equal(authserver_respond(&srv, five, sizeof five, false, out, sizeof out), 0);
	assert_int_equal(authserver_respond(&srv, five, 0, false, out, sizeof out), 0);
	struct msg h;
	put_header(&h, 1, 0, 1, 0, 0, 0);
	assert_int_equal(authserver_respond(&srv, h.b, WIRE_HEADER_LEN - 1, false, out, sizeof out), 0);
	assert_int_equal(srv.cache.used, 0);
}

static void test_refused_not_served(void **state)
{
	struct msg q;
	mkquery(&q, "www.google.com.", LDNS_RR_TYPE_A, 0x0404, LDNS_RD, NO_EDNS, false);
	ldns_pkt *r = exchange(&q, false, NULL);
	assert_int_equal(ldns_pkt_id(r), 0x0404);
	assert_true(ldns_pkt_qr(r));
	assert_false(ldns_pkt_aa(r));
	assert_true(ldns_pkt_rd(r));
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED);
	expect_question(r, "www.google.com.", LDNS_RR_TYPE_A);
	assert_int_equal(ldns_pkt_ancount(r), 0);
	assert_int_equal(ldns_pkt_nscount(r), 0);
	assert_int_equal(ldns_pkt_arcount(r), 0);
	/* The lame delegation: test. points lame.test. here, but it is not served. */
	mkquery(&q, "lame.test.", LDNS_RR_TYPE_NS, 2, 0, 1232, false);
	r = exchange(&q, false, NULL);
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED);
	assert_true(ldns_pkt_edns(r));
}

static void test_refused_other_class(void **state)
{
	struct msg q;
	mkquery_full(&q, "www.example.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_CH, 1, 0, NO_EDNS, false, 0);
	ldns_pkt *r = exchange(&q, false, NULL);
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED);
	assert_false(ldns_pkt_aa(r));
}

static void test_refused_zone_transfer(void **state)
{
	static const ldns_rr_type types[] = { LDNS_RR_TYPE_AXFR, LDNS_RR_TYPE_IXFR };
	for (size_t i = 0; i < 2; i++) {
		struct msg q;
		mkquery(&q, "example.test.", types[i], 0x0300 + (uint16_t)i, 0, NO_EDNS, false);
		ldns_pkt *r = exchange(&q, true, NULL);
		assert_int_equal(ldns_pkt_id(r), 0x0300 + i);
		assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_REFUSED);
		assert_false(ldns_pkt_aa(r));
		expect_question(r, "example.test.", types[i]);
		assert_int_equal(ldns_pkt_ancount(r), 0);
	}
	assert_int_equal(srv.cache.used, 0);
}

/* ---- answers through the wire ---- */

static void test_referral_over_wire(void **state)
{
	struct msg q;
	mkquery(&q, "www.shop.example.test.", LDNS_RR_TYPE_A, 1, 0, NO_EDNS, false);
	ldns_pkt *r = exchange(&q, false, NULL);
	assert_false(ldns_pkt_aa(r));
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	assert_int_equal(ldns_pkt_ancount(r), 0);
	assert_int_equal(ldns_pkt_nscount(r), 1);
	assert_int_equal(ldns_pkt_arcount(r), 1);
	const ldns_rr *ns = ldns_rr_list_rr(ldns_pkt_authority(r), 0);
	expect_owner(ns, "shop.example.test.");
	assert_int_equal(ldns_rr_get_type(ns), LDNS_RR_TYPE_NS);
	expect_owner(ldns_rr_list_rr(ldns_pkt_additional(r), 0), "ns1.shop.example.test.");
}

static void test_reverse_zone_over_wire(void **state)
{
	struct msg q;
	mkquery(&q, "10.2.0.192.IN-ADDR.ARPA.", LDNS_RR_TYPE_PTR, 1, LDNS_RD, 1232, false);
	ldns_pkt *r = exchange(&q, false, NULL);
	assert_true(ldns_pkt_aa(r));
	expect_question(r, "10.2.0.192.IN-ADDR.ARPA.", LDNS_RR_TYPE_PTR);
	assert_int_equal(ldns_pkt_ancount(r), 1);
	const ldns_rr *ptr = ldns_rr_list_rr(ldns_pkt_answer(r), 0);
	assert_int_equal(ldns_rr_get_type(ptr), LDNS_RR_TYPE_PTR);
	char *target = ldns_rdf2str(ldns_rr_rdf(ptr, 0));
	assert_string_equal(target, "www.example.test.");
	free(target);
}

static void test_tcp_response_stays_within_cap(void **state)
{
	/* The header asks for cap >= AUTHSERVER_MAX_MSG: with exactly that,
	 * nothing is written past it (canary bytes after the buffer). */
	struct msg q;
	static uint8_t big[AUTHSERVER_MAX_MSG + 16];
	memset(big, 0xa5, sizeof big);
	mkquery(&q, "big.example.test.", LDNS_RR_TYPE_TXT, 1, 0, NO_EDNS, false);
	size_t n = authserver_respond(&srv, q.b, q.n, true, big, AUTHSERVER_MAX_MSG);
	assert_true(n > 512 && n <= AUTHSERVER_MAX_MSG);
	for (size_t i = AUTHSERVER_MAX_MSG; i < sizeof big; i++)
		assert_int_equal(big[i], 0xa5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_basic_answer_copies_id_and_rd),
		T(test_rd_clear_and_cd_copied),
		T(test_question_case_preserved),
		T(test_question_case_preserved_on_miss),
		T(test_cache_hit_identical_but_id),
		T(test_cache_variants_kept_apart),
		T(test_zones_changed_clears_cache),
		T(test_tc_without_edns),
		T(test_tc_with_edns_512),
		T(test_edns_size_below_512_means_512),
		T(test_full_answer_with_edns_1232),
		T(test_full_answer_over_tcp),
		T(test_udp_capped_at_server_edns_size),
		T(test_opt_echoed_with_do),
		T(test_badvers),
		T(test_notimp_for_status_opcode),
		T(test_notimp_keeps_edns),
		T(test_formerr_qdcount_0),
		T(test_formerr_qdcount_0_keeps_edns),
		T(test_formerr_qdcount_2),
		T(test_formerr_trailing_garbage),
		T(test_formerr_answer_in_query),
		T(test_formerr_qtype_opt),
		T(test_drop_responses_and_runts),
		T(test_refused_not_served),
		T(test_refused_other_class),
		T(test_refused_zone_transfer),
		T(test_referral_over_wire),
		T(test_reverse_zone_over_wire),
		T(test_tcp_response_stays_within_cap),
		T(test_identity_ch_txt),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
