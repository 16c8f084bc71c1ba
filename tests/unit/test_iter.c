/* test_iter.c: unit tests for the iterator (src/resolver/iter.c), driven over
 * a fake network of canned responses with no sockets, after Unbound's replay
 * tests.  Each test scripts what every (server, qname, qtype) gets back
 * (a message built with ldns, a timeout, or bytes that do not parse), runs
 * the iterator on a fake clock, and asserts the exact queries sent, in
 * order, and the result.
 *
 * The lab: one root server a.root.test. at 127.53.0.1, all servers on port
 * 5300.  test. is served by ns.test. (127.53.0.2), example.test. by
 * ns1.example.test. (127.53.0.3) and, where a test says so, ns2 (.13). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/addr.h"
#include "resolver/cache.h"
#include "resolver/iter.h"

#define PORT 5300
#define ROOT "127.53.0.1"   /* a.root.test. */
#define TLD "127.53.0.2"    /* ns.test. (ns1.test. where there are two) */
#define TLD2 "127.53.0.12"  /* ns2.test. */
#define EX "127.53.0.3"     /* ns1.example.test. */
#define EX2 "127.53.0.13"   /* ns2.example.test. */
#define ORG "127.53.0.4"    /* ns.org., also authoritative for example.org. */
#define EXORG "127.53.0.5"  /* ns.example.org. */
#define OTHER "127.53.0.6"  /* ns.other.test. */
#define EVIL "6.6.6.6"      /* where forged records point */

#define MAX_RR 6         /* records per section in a scripted response */
#define MAX_SENT 64      /* queries recorded per resolution */
#define MAX_STEPS 100    /* the driver's hard bound on queries */
#define MAX_EVENTS 2000  /* more events than this is a runaway iterator */
#define KEPT_EVENTS 256

/* ---- the fake network ---- */

enum reply { PKT, TIMEOUT, GARBAGE };

/* What a server sends back.  The first rule that matches a query wins;
 * a query no rule matches fails the test. */
struct rule {
	const char *addr;  /* server IP */
	const char *qname; /* exactly this name, or NULL */
	const char *under; /* or any name at or below this one, or NULL */
	const char *qtype; /* this type, or NULL for any */
	enum reply reply;
	bool aa;
	ldns_pkt_rcode rcode;
	const char *an[MAX_RR], *ns[MAX_RR], *ar[MAX_RR];
};

#define END { 0 }

/* The usual delegations. */
#define ROOT_TO_TEST                                                                       \
	{ .addr = ROOT, .under = "test.", .ns = { "test. 86400 IN NS ns.test." },          \
	  .ar = { "ns.test. 86400 IN A " TLD } }
#define ROOT_TO_ORG                                                                        \
	{ .addr = ROOT, .under = "org.", .ns = { "org. 86400 IN NS ns.org." },             \
	  .ar = { "ns.org. 86400 IN A " ORG } }
#define TLD_TO_EXAMPLE                                                                     \
	{ .addr = TLD, .under = "example.test.",                                           \
	  .ns = { "example.test. 3600 IN NS ns1.example.test." },                          \
	  .ar = { "ns1.example.test. 3600 IN A " EX } }
#define TLD_TO_EXAMPLE_TWO                                                                 \
	{ .addr = TLD, .under = "example.test.",                                           \
	  .ns = { "example.test. 3600 IN NS ns1.example.test.",                            \
		  "example.test. 3600 IN NS ns2.example.test." },                          \
	  .ar = { "ns1.example.test. 3600 IN A " EX, "ns2.example.test. 3600 IN A " EX2 } }

#define SOA_EXAMPLE "example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. 1 7200 3600 1209600 60"
#define SOA_TEST "test. 86400 IN SOA ns.test. hostmaster.test. 1 7200 3600 1209600 300"
#define SOA_ORG "org. 3600 IN SOA ns.org. hostmaster.org. 1 7200 3600 1209600 60"
#define WWW_A "www.example.test. 300 IN A 192.0.2.1"
#define WWW_ANSWER(server) { .addr = server, .qname = "www.example.test.", .qtype = "A", .aa = true, .an = { WWW_A } }

struct event {
	enum iter_state state;
	int depth;
	char kind[32];
	char zone[128], server[128], qname[128];
	char why[512];
};

static struct {
	struct iter_hints hints;
	struct cache cache;
	struct iter_lame lame;
	struct iter_config cfg;
	double now;
	bool cache_only;
	const struct rule *rules;
	struct iter *it;
	struct iter_result res;
	char sent[MAX_SENT][200];
	size_t nsent;
	struct event ev[KEPT_EVENTS];
	size_t nev, nev_total;
} W;

static double fake_now(void *arg)
{
	return *(const double *)arg;
}

static char *dname_text(const ldns_rdf *d, char *buf, size_t len)
{
	char *s = d ? ldns_rdf2str(d) : NULL;
	snprintf(buf, len, "%s", s ? s : "");
	free(s);
	return buf;
}

static void on_event(void *arg, const struct iter_event *ev)
{
	/* A state machine that goes round without sending is a bug: stop it
	 * here (teardown frees the iterator) rather than hang the suite. */
	if (++W.nev_total > MAX_EVENTS)
		fail_msg("runaway iterator: more than %d events without finishing; last: %s %s: %s", MAX_EVENTS,
			 iter_state_name(ev->state), ev->kind ? ev->kind : "", ev->why ? ev->why : "");
	if (W.nev >= KEPT_EVENTS)
		return;
	struct event *e = &W.ev[W.nev++];
	e->state = ev->state;
	e->depth = ev->depth;
	snprintf(e->kind, sizeof e->kind, "%s", ev->kind ? ev->kind : "");
	snprintf(e->why, sizeof e->why, "%s", ev->why ? ev->why : "");
	dname_text(ev->zone, e->zone, sizeof e->zone);
	dname_text(ev->server, e->server, sizeof e->server);
	dname_text(ev->qname, e->qname, sizeof e->qname);
}

static ldns_rr *mkrr(const char *s)
{
	ldns_rr *rr = NULL;
	if (ldns_rr_new_frm_str(&rr, s, 0, NULL, NULL) != LDNS_STATUS_OK)
		fail_msg("bad record in the script: %s", s);
	return rr;
}

static bool rule_matches(const struct rule *r, const char *ip, const ldns_rdf *qname, ldns_rr_type qtype)
{
	if (strcmp(r->addr, ip) != 0)
		return false;
	if (r->qtype && ldns_get_rr_type_by_name(r->qtype) != qtype)
		return false;
	const char *want = r->qname ? r->qname : r->under;
	if (!want)
		return true;
	ldns_rdf *d = ldns_dname_new_frm_str(want);
	assert_non_null(d);
	bool ok = ldns_dname_compare(d, qname) == 0 || (!r->qname && ldns_dname_is_subdomain(qname, d));
	ldns_rdf_deep_free(d);
	return ok;
}

static void push_all(ldns_pkt *p, ldns_pkt_section sec, const char *const *rrs)
{
	for (size_t i = 0; i < MAX_RR && rrs[i]; i++)
		assert_true(ldns_pkt_push_rr(p, sec, mkrr(rrs[i])));
}

/* Answer the query the iterator sent, as the script says. */
static void exchange(const struct iter_send *s)
{
	ldns_pkt *q = NULL;
	assert_int_equal(ldns_wire2pkt(&q, s->wire, s->len), LDNS_STATUS_OK);
	/* An iterative query: one question, RD=0, with EDNS. */
	assert_int_equal(ldns_pkt_qdcount(q), 1);
	assert_false(ldns_pkt_qr(q));
	assert_false(ldns_pkt_rd(q));
	assert_int_equal(ldns_pkt_get_opcode(q), LDNS_PACKET_QUERY);
	assert_true(ldns_pkt_edns(q));
	assert_int_equal(net_addr_port((const struct sockaddr *)&s->to), PORT);
	const ldns_rr *qrr = ldns_rr_list_rr(ldns_pkt_question(q), 0);
	assert_int_equal(ldns_rr_get_class(qrr), LDNS_RR_CLASS_IN);

	char ip[64], qn[128];
	net_addr_ip((const struct sockaddr *)&s->to, ip, sizeof ip);
	char *qt = ldns_rr_type2str(ldns_rr_get_type(qrr));
	assert_true(W.nsent < MAX_SENT);
	snprintf(W.sent[W.nsent], sizeof W.sent[0], "%s %s %s", ip, dname_text(ldns_rr_owner(qrr), qn, sizeof qn),
		 qt ? qt : "?");
	free(qt);
	const char *desc = W.sent[W.nsent++];

	const struct rule *r = NULL;
	for (const struct rule *x = W.rules; x && x->addr && !r; x++)
		if (rule_matches(x, ip, ldns_rr_owner(qrr), ldns_rr_get_type(qrr)))
			r = x;
	if (!r) {
		ldns_pkt_free(q);
		for (size_t i = 0; i < W.nsent; i++)
			print_message("  sent %zu: %s\n", i + 1, W.sent[i]);
		fail_msg("unscripted query: %s", desc);
	}

	if (r->reply == TIMEOUT) {
		iter_on_timeout(W.it);
	} else if (r->reply == GARBAGE) {
		/* The right ID and QR, then a question that stops halfway. */
		uint8_t junk[] = { 0, 0, 0x84, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x03, 'w', 'w' };
		junk[0] = (uint8_t)(ldns_pkt_id(q) >> 8);
		junk[1] = (uint8_t)ldns_pkt_id(q);
		iter_on_response(W.it, junk, sizeof junk);
	} else {
		ldns_pkt *p = ldns_pkt_new();
		assert_non_null(p);
		ldns_pkt_set_id(p, ldns_pkt_id(q));
		ldns_pkt_set_qr(p, true);
		ldns_pkt_set_aa(p, r->aa);
		ldns_pkt_set_rcode(p, (uint8_t)r->rcode);
		assert_true(ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, ldns_rr_clone(qrr)));
		push_all(p, LDNS_SECTION_ANSWER, r->an);
		push_all(p, LDNS_SECTION_AUTHORITY, r->ns);
		push_all(p, LDNS_SECTION_ADDITIONAL, r->ar);
		/* Without name compression, so that every name keeps the case
		 * the script gives it (ldns compresses case-insensitively). */
		ldns_buffer *b = ldns_buffer_new(LDNS_MAX_PACKETLEN);
		assert_non_null(b);
		assert_int_equal(ldns_pkt2buffer_wire_compress(b, p, NULL), LDNS_STATUS_OK);
		ldns_pkt_free(p);
		iter_on_response(W.it, ldns_buffer_begin(b), ldns_buffer_position(b));
		ldns_buffer_free(b);
	}
	ldns_pkt_free(q);
}

/* One resolution over the scripted network; the result stays valid until
 * the next resolve() (it borrows from the iterator). */
static const struct iter_result *resolve(const char *name, ldns_rr_type type)
{
	iter_free(W.it);
	W.it = NULL;
	W.nsent = 0;
	W.nev = 0;
	W.nev_total = 0;
	memset(&W.res, 0, sizeof W.res);
	ldns_rdf *q = ldns_dname_new_frm_str(name);
	assert_non_null(q);
	W.it = iter_new(&W.cfg, q, type, LDNS_RR_CLASS_IN, fake_now, &W.now);
	ldns_rdf_deep_free(q);
	assert_non_null(W.it);
	if (W.cache_only)
		iter_set_cache_only(W.it);
	iter_on_event(W.it, on_event, NULL);
	struct iter_send s;
	unsigned steps = 0;
	while (iter_run(W.it, &s) == ITER_ACT_SEND) {
		if (++steps > MAX_STEPS)
			fail_msg("more than %d queries: the driver gives up", MAX_STEPS);
		exchange(&s);
	}
	iter_result(W.it, &W.res);
	return &W.res;
}

/* ---- assertions ---- */

static void check_queries(const char *const *want)
{
	size_t n = 0;
	while (want[n])
		n++;
	bool same = n == W.nsent;
	for (size_t i = 0; same && i < n; i++)
		same = strcmp(want[i], W.sent[i]) == 0;
	if (same)
		return;
	print_message("queries expected:\n");
	for (size_t i = 0; i < n; i++)
		print_message("  %zu: %s\n", i + 1, want[i]);
	print_message("queries sent:\n");
	for (size_t i = 0; i < W.nsent; i++)
		print_message("  %zu: %s\n", i + 1, W.sent[i]);
	fail_msg("the iterator sent other queries than expected");
}

#define EXPECT_QUERIES(...) check_queries((const char *const[]){ __VA_ARGS__, NULL })
#define EXPECT_NO_QUERIES() check_queries((const char *const[]){ NULL })

/* A record as ldns prints it, without the newline. */
static char *rr_text(const ldns_rr *rr)
{
	char *s = ldns_rr2str(rr);
	assert_non_null(s);
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	return s;
}

static void check_rrs(const char *what, const ldns_rr_list *got, const char *const *want)
{
	size_t n = 0;
	while (want[n])
		n++;
	size_t have = got ? ldns_rr_list_rr_count(got) : 0;
	bool same = have == n;
	for (size_t i = 0; same && i < n; i++) {
		ldns_rr *w = mkrr(want[i]);
		char *a = rr_text(w), *b = rr_text(ldns_rr_list_rr(got, i));
		same = strcmp(a, b) == 0;
		free(a);
		free(b);
		ldns_rr_free(w);
	}
	if (same)
		return;
	print_message("%s expected:\n", what);
	for (size_t i = 0; i < n; i++)
		print_message("  %s\n", want[i]);
	print_message("%s got:\n", what);
	for (size_t i = 0; i < have; i++) {
		char *b = rr_text(ldns_rr_list_rr(got, i));
		print_message("  %s\n", b);
		free(b);
	}
	fail_msg("the %s section differs", what);
}

#define EXPECT_ANSWER(...) check_rrs("answer", W.res.answer, (const char *const[]){ __VA_ARGS__, NULL })
#define EXPECT_NO_ANSWER() check_rrs("answer", W.res.answer, (const char *const[]){ NULL })
#define EXPECT_AUTHORITY(...) check_rrs("authority", W.res.authority, (const char *const[]){ __VA_ARGS__, NULL })
#define EXPECT_NO_AUTHORITY() check_rrs("authority", W.res.authority, (const char *const[]){ NULL })

static void expect_ok(const struct iter_result *r, unsigned queries)
{
	assert_int_equal(r->rcode, LDNS_RCODE_NOERROR);
	assert_int_equal(r->ede, 0);
	assert_null(r->ede_text);
	assert_int_equal(r->queries, queries);
	assert_true(r->from_cache == (queries == 0));
}

static void expect_servfail(const struct iter_result *r, uint16_t ede, unsigned queries)
{
	assert_int_equal(r->rcode, LDNS_RCODE_SERVFAIL);
	assert_int_equal(r->ede, ede);
	assert_non_null(r->ede_text);
	assert_true(strlen(r->ede_text) > 0);
	assert_int_equal(r->queries, queries);
	assert_false(r->from_cache);
}

/* How many recorded events have this state and kind (kind NULL: any). */
static size_t saw(enum iter_state st, const char *kind)
{
	size_t n = 0;
	for (size_t i = 0; i < W.nev; i++)
		if (W.ev[i].state == st && (!kind || strcmp(W.ev[i].kind, kind) == 0))
			n++;
	return n;
}

static const struct event *nth_event(enum iter_state st, const char *kind, size_t nth)
{
	for (size_t i = 0; i < W.nev; i++)
		if (W.ev[i].state == st && (!kind || strcmp(W.ev[i].kind, kind) == 0) && nth-- == 0)
			return &W.ev[i];
	fail_msg("no event %s/%s number %zu", iter_state_name(st), kind ? kind : "*", nth);
	return NULL;
}

static const struct cache_entry *cached(const char *name, ldns_rr_type type)
{
	ldns_rdf *d = ldns_dname_new_frm_str(name);
	assert_non_null(d);
	const struct cache_entry *e = cache_get(&W.cache, d, type, LDNS_RR_CLASS_IN, W.now);
	ldns_rdf_deep_free(d);
	return e;
}

static void expect_cached_rdata(const char *name, ldns_rr_type type, const char *rdata)
{
	const struct cache_entry *e = cached(name, type);
	assert_non_null(e);
	assert_int_equal(e->kind, CACHE_POSITIVE);
	char *s = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(e->rrs, 0), 0));
	assert_non_null(s);
	assert_string_equal(s, rdata);
	free(s);
}

/* ---- fixtures ---- */

static int setup(void **state)
{
	memset(&W, 0, sizeof W);
	if (cache_init(&W.cache, 0) != 0)
		return -1;
	W.hints.servers = calloc(1, sizeof *W.hints.servers);
	if (!W.hints.servers)
		return -1;
	W.hints.n = 1;
	W.hints.servers[0].name = ldns_dname_new_frm_str("a.root.test.");
	if (!W.hints.servers[0].name || net_addr_parse(ROOT, PORT, &W.hints.servers[0].addr) != 0)
		return -1;
	W.cfg = (struct iter_config){
		.hints = &W.hints, .cache = &W.cache, .lame = &W.lame, .port = PORT, .qmin = true,
	};
	W.now = 1000;
	return 0;
}

static int teardown(void **state)
{
	iter_free(W.it);
	W.it = NULL;
	iter_hints_free(&W.hints);
	cache_free(&W.cache);
	iter_lame_free(&W.lame);
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* ---- full resolutions ---- */

static const struct rule net_basic[] = {
	ROOT_TO_TEST,
	WWW_ANSWER(EX),
	{ .addr = EX, .qname = "www.example.test.", .qtype = "MX", .aa = true,
	  .an = { "www.example.test. 300 IN MX 10 mail.example.test." } },
	{ .addr = EX, .qname = "example.test.", .qtype = "NS", .aa = true,
	  .an = { "example.test. 3600 IN NS ns1.example.test." } },
	TLD_TO_EXAMPLE,
	END,
};

/* example.test. with two servers; the first refuses everything. */
static const struct rule net_two[] = {
	ROOT_TO_TEST,
	{ .addr = EX, .rcode = LDNS_RCODE_REFUSED },
	WWW_ANSWER(EX2),
	{ .addr = EX2, .qname = "ftp.example.test.", .qtype = "A", .aa = true,
	  .an = { "ftp.example.test. 300 IN A 192.0.2.21" } },
	{ .addr = EX2, .qname = "mail.example.test.", .qtype = "A", .aa = true,
	  .an = { "mail.example.test. 300 IN A 192.0.2.25" } },
	TLD_TO_EXAMPLE_TWO,
	END,
};

static void test_glue_without_qmin(void **state)
{
	W.cfg.qmin = false;
	W.rules = net_basic;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " www.example.test. A", TLD " www.example.test. A", EX " www.example.test. A");
	expect_ok(r, 3);
	EXPECT_ANSWER(WWW_A);
	EXPECT_NO_AUTHORITY();
	/* The delegations and their glue are cached on the way. */
	expect_cached_rdata("example.test.", LDNS_RR_TYPE_NS, "ns1.example.test.");
	expect_cached_rdata("ns1.example.test.", LDNS_RR_TYPE_A, EX);
	expect_cached_rdata("ns.test.", LDNS_RR_TYPE_A, TLD);
	assert_int_equal(cached("www.example.test.", LDNS_RR_TYPE_A)->trust, CACHE_TRUST_AUTH);
}

static void test_glue_with_qmin(void **state)
{
	W.rules = net_basic;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " www.example.test. A");
	expect_ok(r, 3);
	EXPECT_ANSWER(WWW_A);
	assert_int_equal(saw(ITER_QUERY, "minimised"), 2);
	assert_int_equal(saw(ITER_QUERY, "query"), 1);
}

static void test_qmin_asks_real_type_last(void **state)
{
	W.rules = net_basic;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_MX);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " www.example.test. MX");
	expect_ok(r, 3);
	EXPECT_ANSWER("www.example.test. 300 IN MX 10 mail.example.test.");
}

/* The trace view prints these transitions: they are part of what the lab
 * teaches. */
static void test_trace_states(void **state)
{
	W.cfg.qmin = false;
	W.rules = net_basic;
	resolve("www.example.test.", LDNS_RR_TYPE_A);
	static const struct {
		enum iter_state st;
		const char *kind;
	} want[] = {
		{ ITER_FIND_CUT, "hints" },   { ITER_QUERY, "query" },       { ITER_RESPONSE, "referral" },
		{ ITER_REFERRAL, "referral" }, { ITER_QUERY, "query" },       { ITER_RESPONSE, "referral" },
		{ ITER_REFERRAL, "referral" }, { ITER_QUERY, "query" },       { ITER_RESPONSE, "answer" },
		{ ITER_DONE, "done" },
	};
	size_t n = sizeof want / sizeof want[0];
	for (size_t i = 0; i < W.nev; i++)
		print_message("  event %zu: %s %s\n", i, iter_state_name(W.ev[i].state), W.ev[i].kind);
	assert_int_equal(W.nev, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(W.ev[i].state, want[i].st);
		assert_string_equal(W.ev[i].kind, want[i].kind);
		assert_int_equal(W.ev[i].depth, 0);
	}
	/* A query event names the server, its zone and what was asked. */
	const struct event *e = nth_event(ITER_QUERY, NULL, 1);
	assert_string_equal(e->server, "ns.test.");
	assert_string_equal(e->zone, "test.");
	assert_string_equal(e->qname, "www.example.test.");
}

/* The why of a minimised query names both the server asked and the zone
 * it serves (they are different names). */
static void test_qmin_event_names_server_and_zone(void **state)
{
	W.rules = net_basic;
	resolve("www.example.test.", LDNS_RR_TYPE_A);
	const struct event *e = nth_event(ITER_QUERY, "minimised", 1);
	assert_string_equal(e->server, "ns.test.");
	assert_string_equal(e->zone, "test.");
	assert_string_equal(e->qname, "example.test.");
	print_message("  why: %s\n", e->why);
	assert_non_null(strstr(e->why, "ask ns.test. (" TLD ")"));
	assert_non_null(strstr(e->why, "the server of test. "));
}

/* ---- the cache ---- */

static void test_second_resolution_from_cache(void **state)
{
	W.rules = net_basic;
	resolve("www.example.test.", LDNS_RR_TYPE_A);
	assert_int_equal(W.res.queries, 3);
	W.now += 10;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_NO_QUERIES();
	expect_ok(r, 0);
	assert_true(r->from_cache);
	EXPECT_ANSWER("www.example.test. 290 IN A 192.0.2.1");
	assert_int_equal(saw(ITER_START, "cache"), 1);
	assert_int_equal(saw(ITER_QUERY, NULL), 0);
	/* Names are case-insensitive: the same entry answers. */
	W.now += 0.5;
	r = resolve("WWW.Example.TEST.", LDNS_RR_TYPE_A);
	EXPECT_NO_QUERIES();
	expect_ok(r, 0);
	EXPECT_ANSWER("www.example.test. 289 IN A 192.0.2.1");
}

static void test_expired_answer_starts_at_cached_cut(void **state)
{
	W.rules = net_basic;
	resolve("www.example.test.", LDNS_RR_TYPE_A);
	W.now += 301; /* the answer (300 s) is gone; the delegation (3600 s) is not */
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(EX " www.example.test. A");
	expect_ok(r, 1);
	EXPECT_ANSWER(WWW_A);
	assert_int_equal(saw(ITER_FIND_CUT, "cache"), 1);
	assert_int_equal(saw(ITER_FIND_CUT, "hints"), 0);
}

/* When the glue of a cached cut has expired, start one zone higher. */
static void test_expired_glue_starts_at_parent(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		WWW_ANSWER(EX),
		{ .addr = TLD, .under = "example.test.", .ns = { "example.test. 3600 IN NS ns1.example.test." },
		  .ar = { "ns1.example.test. 600 IN A " EX } },
		END,
	};
	W.rules = net;
	resolve("www.example.test.", LDNS_RR_TYPE_A);
	W.now += 700;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(TLD " example.test. A", EX " www.example.test. A");
	expect_ok(r, 2);
	EXPECT_ANSWER(WWW_A);
}

/* A referral's NS RRset is the parent's copy: an NS query goes to the
 * child for the authoritative one. */
static void test_ns_query_asks_the_child(void **state)
{
	W.rules = net_basic;
	resolve("www.example.test.", LDNS_RR_TYPE_A);
	const struct iter_result *r = resolve("example.test.", LDNS_RR_TYPE_NS);
	EXPECT_QUERIES(EX " example.test. NS");
	expect_ok(r, 1);
	EXPECT_ANSWER("example.test. 3600 IN NS ns1.example.test.");
	assert_int_equal(cached("example.test.", LDNS_RR_TYPE_NS)->trust, CACHE_TRUST_AUTH);
}

/* ---- negative answers ---- */

static const struct rule net_negative[] = {
	ROOT_TO_TEST,
	WWW_ANSWER(EX),
	{ .addr = EX, .qname = "www.example.test.", .qtype = "AAAA", .aa = true, .ns = { SOA_EXAMPLE } },
	{ .addr = EX, .qname = "nope.example.test.", .aa = true, .rcode = LDNS_RCODE_NXDOMAIN, .ns = { SOA_EXAMPLE } },
	{ .addr = EX, .under = "nx.example.test.", .aa = true, .rcode = LDNS_RCODE_NXDOMAIN, .ns = { SOA_EXAMPLE } },
	TLD_TO_EXAMPLE,
	END,
};

static void test_nxdomain_with_soa(void **state)
{
	W.rules = net_negative;
	const struct iter_result *r = resolve("nope.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " nope.example.test. A");
	assert_int_equal(r->rcode, LDNS_RCODE_NXDOMAIN);
	assert_int_equal(r->ede, 0);
	assert_null(r->ede_text);
	assert_int_equal(r->queries, 3);
	EXPECT_NO_ANSWER();
	/* The SOA's TTL is min(SOA TTL, MINIMUM) (RFC 2308 5). */
	EXPECT_AUTHORITY("example.test. 60 IN SOA ns1.example.test. hostmaster.example.test. 1 7200 3600 1209600 60");
	assert_int_equal(saw(ITER_DONE, "nxdomain"), 1);

	W.now += 5;
	r = resolve("nope.example.test.", LDNS_RR_TYPE_A);
	EXPECT_NO_QUERIES();
	assert_int_equal(r->rcode, LDNS_RCODE_NXDOMAIN);
	assert_true(r->from_cache);
	assert_int_equal(r->queries, 0);
	EXPECT_NO_ANSWER();
	EXPECT_AUTHORITY("example.test. 55 IN SOA ns1.example.test. hostmaster.example.test. 1 7200 3600 1209600 60");

	/* A name that does not exist has no records of any type. */
	r = resolve("nope.example.test.", LDNS_RR_TYPE_TXT);
	EXPECT_NO_QUERIES();
	assert_int_equal(r->rcode, LDNS_RCODE_NXDOMAIN);
	assert_true(r->from_cache);

	/* After the negative TTL, the network again (from the cached cut). */
	W.now += 56;
	r = resolve("nope.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(EX " nope.example.test. A");
	assert_int_equal(r->rcode, LDNS_RCODE_NXDOMAIN);
	assert_int_equal(r->queries, 1);
}

/* RFC 8020: NXDOMAIN for a minimised name means nothing exists below it,
 * so the resolution ends there. */
static void test_nxdomain_minimised_ends_resolution(void **state)
{
	W.rules = net_negative;
	const struct iter_result *r = resolve("a.b.nx.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " nx.example.test. A");
	assert_int_equal(r->rcode, LDNS_RCODE_NXDOMAIN);
	assert_int_equal(r->queries, 3);
	EXPECT_NO_ANSWER();
	EXPECT_AUTHORITY("example.test. 60 IN SOA ns1.example.test. hostmaster.example.test. 1 7200 3600 1209600 60");
	assert_int_equal(cached("nx.example.test.", LDNS_RR_TYPE_A)->kind, CACHE_NXDOMAIN);

	r = resolve("a.b.nx.example.test.", LDNS_RR_TYPE_A);
	EXPECT_NO_QUERIES();
	assert_int_equal(r->rcode, LDNS_RCODE_NXDOMAIN);
	assert_true(r->from_cache);
}

/* The trace's explanation names the whole name the client asked for. */
static void test_nxdomain_event_names_full_qname(void **state)
{
	W.rules = net_negative;
	resolve("a.rather.long.name.below.nx.example.test.", LDNS_RR_TYPE_A);
	assert_int_equal(W.res.rcode, LDNS_RCODE_NXDOMAIN);
	const struct event *e = nth_event(ITER_RESPONSE, "nxdomain", 0);
	print_message("  why: %s\n", e->why);
	assert_non_null(strstr(e->why, "nx.example.test."));
	assert_non_null(strstr(e->why, "a.rather.long.name.below.nx.example.test."));
}

static void test_nodata_cached_per_type(void **state)
{
	W.rules = net_negative;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_AAAA);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " www.example.test. AAAA");
	expect_ok(r, 3);
	EXPECT_NO_ANSWER();
	EXPECT_AUTHORITY("example.test. 60 IN SOA ns1.example.test. hostmaster.example.test. 1 7200 3600 1209600 60");
	assert_int_equal(saw(ITER_RESPONSE, "nodata"), 1);
	assert_int_equal(cached("www.example.test.", LDNS_RR_TYPE_AAAA)->kind, CACHE_NODATA);

	W.now += 20;
	r = resolve("www.example.test.", LDNS_RR_TYPE_AAAA);
	EXPECT_NO_QUERIES();
	expect_ok(r, 0);
	EXPECT_NO_ANSWER();
	EXPECT_AUTHORITY("example.test. 40 IN SOA ns1.example.test. hostmaster.example.test. 1 7200 3600 1209600 60");

	/* NODATA for AAAA says nothing about A. */
	r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(EX " www.example.test. A");
	expect_ok(r, 1);
	EXPECT_ANSWER(WWW_A);

	r = resolve("www.example.test.", LDNS_RR_TYPE_AAAA);
	EXPECT_NO_QUERIES();
	expect_ok(r, 0);
	EXPECT_NO_ANSWER();
}

/* A minimised name that exists without being a zone cut (an empty
 * non-terminal): ask for one more label at the same server. */
static void test_qmin_empty_non_terminal(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		{ .addr = EX, .qname = "b.example.test.", .qtype = "A", .aa = true, .ns = { SOA_EXAMPLE } },
		{ .addr = EX, .qname = "a.b.example.test.", .qtype = "A", .aa = true,
		  .an = { "a.b.example.test. 300 IN A 192.0.2.5" } },
		TLD_TO_EXAMPLE,
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("a.b.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " b.example.test. A", EX " a.b.example.test. A");
	expect_ok(r, 4);
	EXPECT_ANSWER("a.b.example.test. 300 IN A 192.0.2.5");
	EXPECT_NO_AUTHORITY();
	/* The minimised NODATA is not an answer for b.example.test. A. */
	assert_null(cached("b.example.test.", LDNS_RR_TYPE_A));
}

/* ---- CNAME ---- */

static const struct rule net_cname[] = {
	ROOT_TO_TEST,
	{ .addr = EX, .qname = "www.example.test.", .qtype = "A", .aa = true,
	  .an = { "www.example.test. 300 IN CNAME web.example.test.", "web.example.test. 300 IN A 192.0.2.2" } },
	{ .addr = EX, .qname = "alias.example.test.", .qtype = "A", .aa = true,
	  /* with a forged address for the target, which is not this server's to give */
	  .an = { "alias.example.test. 300 IN CNAME www.other.test.", "www.other.test. 300 IN A " EVIL } },
	{ .addr = EX, .qname = "a.example.test.", .qtype = "A", .aa = true,
	  .an = { "a.example.test. 300 IN CNAME b.example.test." } },
	{ .addr = EX, .qname = "b.example.test.", .qtype = "A", .aa = true,
	  .an = { "b.example.test. 300 IN CNAME a.example.test." } },
	{ .addr = EX, .qname = "loop.example.test.", .qtype = "A", .aa = true,
	  .an = { "loop.example.test. 300 IN CNAME pool.example.test.",
		  "pool.example.test. 300 IN CNAME loop.example.test." } },
	TLD_TO_EXAMPLE,
	{ .addr = TLD, .under = "other.test.", .ns = { "other.test. 3600 IN NS ns.other.test." },
	  .ar = { "ns.other.test. 3600 IN A " OTHER } },
	{ .addr = OTHER, .qname = "www.other.test.", .qtype = "A", .aa = true,
	  .an = { "www.other.test. 120 IN A 192.0.2.7" } },
	END,
};

static void test_cname_in_zone_one_query(void **state)
{
	W.rules = net_cname;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " www.example.test. A");
	expect_ok(r, 3);
	EXPECT_ANSWER("www.example.test. 300 IN CNAME web.example.test.", "web.example.test. 300 IN A 192.0.2.2");
	expect_cached_rdata("www.example.test.", LDNS_RR_TYPE_CNAME, "web.example.test.");
	expect_cached_rdata("web.example.test.", LDNS_RR_TYPE_A, "192.0.2.2");
	assert_int_equal(saw(ITER_CNAME, NULL), 0);
}

/* A cached alias answers a second time with no query: the CNAME and its
 * target's records, their TTLs counted down. */
static void test_cname_second_resolution_from_cache(void **state)
{
	W.rules = net_cname;
	resolve("www.example.test.", LDNS_RR_TYPE_A);
	W.now += 30;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_NO_QUERIES();
	expect_ok(r, 0);
	EXPECT_ANSWER("www.example.test. 270 IN CNAME web.example.test.", "web.example.test. 270 IN A 192.0.2.2");
}

static void test_cname_to_other_zone_restarts(void **state)
{
	W.rules = net_cname;
	const struct iter_result *r = resolve("alias.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " alias.example.test. A", TLD " other.test. A",
		       OTHER " www.other.test. A");
	expect_ok(r, 5);
	EXPECT_ANSWER("alias.example.test. 300 IN CNAME www.other.test.", "www.other.test. 120 IN A 192.0.2.7");
	assert_int_equal(saw(ITER_CNAME, "restart"), 1);
	/* The forged address never reached the cache. */
	expect_cached_rdata("www.other.test.", LDNS_RR_TYPE_A, "192.0.2.7");
}

static void test_cname_to_other_zone_without_qmin(void **state)
{
	W.cfg.qmin = false;
	W.rules = net_cname;
	const struct iter_result *r = resolve("alias.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " alias.example.test. A", TLD " alias.example.test. A", EX " alias.example.test. A",
		       TLD " www.other.test. A", OTHER " www.other.test. A");
	expect_ok(r, 5);
	EXPECT_ANSWER("alias.example.test. 300 IN CNAME www.other.test.", "www.other.test. 120 IN A 192.0.2.7");
}

/* A loop inside one response. */
static void test_cname_loop_in_one_response(void **state)
{
	W.cfg.max_cnames = 3;
	W.rules = net_cname;
	const struct iter_result *r = resolve("loop.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " loop.example.test. A");
	expect_servfail(r, 0, 3);
	assert_int_equal(saw(ITER_FAIL, NULL), 1);
}

/* a -> b from one response, b -> a from the next: the second link leads
 * back to an alias now in the cache.  SERVFAIL after max_cnames links,
 * with no further queries. */
static void test_cname_loop_across_responses(void **state)
{
	W.rules = net_cname;
	const struct iter_result *r = resolve("a.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " a.example.test. A", EX " b.example.test. A");
	expect_servfail(r, 0, 4);
}


/* An alias to another zone, answered from the cache with both TTLs
 * counted down. */
static void test_cname_other_zone_from_cache(void **state)
{
	W.rules = net_cname;
	resolve("alias.example.test.", LDNS_RR_TYPE_A);
	W.now += 100;
	const struct iter_result *r = resolve("alias.example.test.", LDNS_RR_TYPE_A);
	EXPECT_NO_QUERIES();
	expect_ok(r, 0);
	EXPECT_ANSWER("alias.example.test. 200 IN CNAME www.other.test.", "www.other.test. 20 IN A 192.0.2.7");
	/* The target expires first: only it is asked again, at its own zone. */
	W.now += 21;
	r = resolve("alias.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(OTHER " www.other.test. A");
	expect_ok(r, 1);
	EXPECT_ANSWER("alias.example.test. 179 IN CNAME www.other.test.", "www.other.test. 120 IN A 192.0.2.7");
}

/* An alias whose target does not exist: NXDOMAIN, with the CNAME
 * (RFC 6604), and the same from the cache. */
static void test_cname_to_nxdomain(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		{ .addr = EX, .qname = "gone.example.test.", .qtype = "A", .aa = true,
		  .an = { "gone.example.test. 300 IN CNAME gone.other.test." } },
		TLD_TO_EXAMPLE,
		{ .addr = TLD, .under = "other.test.", .ns = { "other.test. 3600 IN NS ns.other.test." },
		  .ar = { "ns.other.test. 3600 IN A " OTHER } },
		{ .addr = OTHER, .qname = "gone.other.test.", .aa = true, .rcode = LDNS_RCODE_NXDOMAIN,
		  .ns = { "other.test. 3600 IN SOA ns.other.test. hostmaster.other.test. 1 7200 3600 1209600 30" } },
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("gone.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " gone.example.test. A", TLD " other.test. A",
		       OTHER " gone.other.test. A");
	assert_int_equal(r->rcode, LDNS_RCODE_NXDOMAIN);
	assert_int_equal(r->queries, 5);
	EXPECT_ANSWER("gone.example.test. 300 IN CNAME gone.other.test.");
	EXPECT_AUTHORITY("other.test. 30 IN SOA ns.other.test. hostmaster.other.test. 1 7200 3600 1209600 30");
	W.now += 10;
	r = resolve("gone.example.test.", LDNS_RR_TYPE_A);
	EXPECT_NO_QUERIES();
	assert_int_equal(r->rcode, LDNS_RCODE_NXDOMAIN);
	assert_true(r->from_cache);
	EXPECT_ANSWER("gone.example.test. 290 IN CNAME gone.other.test.");
	EXPECT_AUTHORITY("other.test. 20 IN SOA ns.other.test. hostmaster.other.test. 1 7200 3600 1209600 30");
}

/* QNAME minimisation meets an alias on the way down: ask the full name
 * (RFC 9156 2.3). */
static void test_qmin_meets_cname_on_the_way(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		{ .addr = EX, .qname = "www.example.test.", .qtype = "A", .aa = true,
		  .an = { "www.example.test. 300 IN CNAME web.example.test.", "web.example.test. 300 IN A 192.0.2.2" } },
		{ .addr = EX, .qname = "a.www.example.test.", .qtype = "A", .aa = true, .rcode = LDNS_RCODE_NXDOMAIN,
		  .ns = { SOA_EXAMPLE } },
		TLD_TO_EXAMPLE,
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("a.www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " www.example.test. A", EX " a.www.example.test. A");
	assert_int_equal(r->rcode, LDNS_RCODE_NXDOMAIN);
	assert_int_equal(r->queries, 4);
	EXPECT_NO_ANSWER();
}

static void test_root_query(void **state)
{
	static const struct rule net[] = {
		{ .addr = ROOT, .qname = ".", .qtype = "NS", .aa = true, .an = { ". 518400 IN NS a.root.test." } },
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve(".", LDNS_RR_TYPE_NS);
	EXPECT_QUERIES(ROOT " . NS");
	expect_ok(r, 1);
	EXPECT_ANSWER(". 518400 IN NS a.root.test.");
}

/* Without an SOA there is no negative TTL: NXDOMAIN, not cached. */
static void test_nxdomain_without_soa_not_cached(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		{ .addr = EX, .qname = "nope.example.test.", .aa = true, .rcode = LDNS_RCODE_NXDOMAIN },
		TLD_TO_EXAMPLE,
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("nope.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " nope.example.test. A");
	assert_int_equal(r->rcode, LDNS_RCODE_NXDOMAIN);
	EXPECT_NO_AUTHORITY();
	r = resolve("nope.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(EX " nope.example.test. A");
	assert_int_equal(r->rcode, LDNS_RCODE_NXDOMAIN);
}

/* Names compare without regard to case (RFC 4343): a referral and glue in
 * another case work as usual. */
static void test_mixed_case_referral(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		{ .addr = TLD, .under = "example.test.", .ns = { "EXAMPLE.Test. 3600 IN NS NS1.example.TEST." },
		  .ar = { "ns1.EXAMPLE.test. 3600 IN A " EX } },
		{ .addr = EX, .qname = "www.example.test.", .qtype = "A", .aa = true,
		  .an = { "WWW.Example.Test. 300 IN A 192.0.2.1" } },
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " www.example.test. A");
	expect_ok(r, 3);
	EXPECT_ANSWER("WWW.Example.Test. 300 IN A 192.0.2.1");
}

/* A referral to the very zone the server serves, spelt in another case,
 * is still a referral loop: lame.  (ldns_dname_is_subdomain() returns
 * true for two spellings of the same name.) */
static void test_same_zone_referral_other_case_is_lame(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		{ .addr = EX, .ns = { "EXAMPLE.test. 3600 IN NS ns1.example.test." },
		  .ar = { "ns1.example.test. 3600 IN A " EX } },
		TLD_TO_EXAMPLE,
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " www.example.test. A");
	expect_servfail(r, 22, 3);
}

/* A server known only by an IPv6 address (AAAA glue). */
static void test_aaaa_glue(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		{ .addr = TLD, .under = "example.test.", .ns = { "example.test. 3600 IN NS ns6.example.test." },
		  .ar = { "ns6.example.test. 3600 IN AAAA fd00::53" } },
		WWW_ANSWER("fd00::53"),
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", "fd00::53 www.example.test. A");
	expect_ok(r, 3);
	EXPECT_ANSWER(WWW_A);
}

/* Servers with an address are tried before a glueless lookup is spent. */
static void test_glued_servers_before_glueless(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_ORG,
		ROOT_TO_TEST,
		{ .addr = TLD, .under = "example.test.",
		  .ns = { "example.test. 3600 IN NS ns.example.org.", "example.test. 3600 IN NS ns2.example.test." },
		  .ar = { "ns2.example.test. 3600 IN A " EX2 } },
		{ .addr = EX2, .rcode = LDNS_RCODE_REFUSED },
		{ .addr = ORG, .qname = "ns.example.org.", .qtype = "A", .aa = true,
		  .an = { "ns.example.org. 3600 IN A " EXORG } },
		WWW_ANSWER(EXORG),
		END,
	};
	W.cfg.qmin = false;
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " www.example.test. A", TLD " www.example.test. A", EX2 " www.example.test. A",
		       ROOT " ns.example.org. A", ORG " ns.example.org. A", EXORG " www.example.test. A");
	expect_ok(r, 6);
	EXPECT_ANSWER(WWW_A);
}

/* lame_seconds sets how long a lame mark lasts. */
static void test_lame_seconds_configurable(void **state)
{
	W.cfg.lame_seconds = 10;
	W.rules = net_two;
	resolve("www.example.test.", LDNS_RR_TYPE_A);
	W.now += 9;
	resolve("ftp.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(EX2 " ftp.example.test. A");
	W.now += 2;
	const struct iter_result *r = resolve("mail.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(EX " mail.example.test. A", EX2 " mail.example.test. A");
	expect_ok(r, 2);
}

/* ---- delegations without glue, and glue not to be trusted ---- */

static const struct rule net_glueless[] = {
	ROOT_TO_ORG,
	ROOT_TO_TEST,
	{ .addr = TLD, .under = "example.test.", .ns = { "example.test. 3600 IN NS ns.example.org." } },
	{ .addr = ORG, .qname = "example.org.", .qtype = "A", .aa = true, .ns = { SOA_ORG } },
	{ .addr = ORG, .qname = "ns.example.org.", .qtype = "A", .aa = true,
	  .an = { "ns.example.org. 3600 IN A " EXORG } },
	WWW_ANSWER(EXORG),
	END,
};

static void test_glueless_without_qmin(void **state)
{
	W.cfg.qmin = false;
	W.rules = net_glueless;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " www.example.test. A", TLD " www.example.test. A", ROOT " ns.example.org. A",
		       ORG " ns.example.org. A", EXORG " www.example.test. A");
	expect_ok(r, 5); /* the glueless lookup's queries count too */
	EXPECT_ANSWER(WWW_A);
	assert_int_equal(saw(ITER_NS_ADDRESS, "glueless"), 2); /* going, and coming back */
	/* The sub-resolution's events are one level deeper. */
	const struct event *e = nth_event(ITER_QUERY, NULL, 2);
	assert_int_equal(e->depth, 1);
	assert_string_equal(e->qname, "ns.example.org.");
	assert_int_equal(nth_event(ITER_QUERY, NULL, 4)->depth, 0);
	expect_cached_rdata("ns.example.org.", LDNS_RR_TYPE_A, EXORG);
}

static void test_glueless_with_qmin(void **state)
{
	W.rules = net_glueless;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", ROOT " org. A", ORG " example.org. A",
		       ORG " ns.example.org. A", EXORG " www.example.test. A");
	expect_ok(r, 6);
	EXPECT_ANSWER(WWW_A);
}

/* Glue for a name outside the referring zone (test.) could be a forgery:
 * neither used nor cached; the name is resolved instead.  Unrelated
 * additional records are not cached either. */
static void test_glue_out_of_bailiwick_ignored(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_ORG,
		ROOT_TO_TEST,
		{ .addr = TLD, .under = "example.test.", .ns = { "example.test. 3600 IN NS ns.example.org." },
		  .ar = { "ns.example.org. 3600 IN A " EVIL, "evil.example.test. 3600 IN A " EVIL } },
		{ .addr = ORG, .qname = "ns.example.org.", .qtype = "A", .aa = true,
		  .an = { "ns.example.org. 3600 IN A " EXORG } },
		WWW_ANSWER(EXORG),
		END,
	};
	W.cfg.qmin = false;
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " www.example.test. A", TLD " www.example.test. A", ROOT " ns.example.org. A",
		       ORG " ns.example.org. A", EXORG " www.example.test. A");
	expect_ok(r, 5);
	EXPECT_ANSWER(WWW_A);
	expect_cached_rdata("ns.example.org.", LDNS_RR_TYPE_A, EXORG);
	assert_null(cached("evil.example.test.", LDNS_RR_TYPE_A));
}

/* A server named inside the zone it serves, with no glue: there is no
 * way to find its address. */
static void test_in_zone_server_without_glue_fails(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		{ .addr = TLD, .under = "example.test.", .ns = { "example.test. 3600 IN NS ns1.example.test." } },
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A");
	expect_servfail(r, 22, 2);
}

/* example.test. is served by ns.example.org. and example.org. by
 * ns.example.test., neither with glue: the nesting limit ends it. */
static void test_glueless_loop_terminates(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_ORG,
		ROOT_TO_TEST,
		{ .addr = TLD, .under = "example.test.", .ns = { "example.test. 3600 IN NS ns.example.org." } },
		{ .addr = ORG, .under = "example.org.", .ns = { "example.org. 3600 IN NS ns.example.test." } },
		END,
	};
	W.cfg.qmin = false;
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " www.example.test. A", TLD " www.example.test. A", ROOT " ns.example.org. A",
		       ORG " ns.example.org. A");
	expect_servfail(r, 22, 4);
	for (size_t i = 0; i < W.nev; i++)
		assert_true(W.ev[i].depth <= 3);
}

/* ---- lame servers ---- */

static void test_refused_only_server(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		{ .addr = EX, .rcode = LDNS_RCODE_REFUSED },
		TLD_TO_EXAMPLE,
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " www.example.test. A");
	expect_servfail(r, 22, 3);
	EXPECT_NO_ANSWER();
	assert_int_equal(saw(ITER_RESPONSE, "lame"), 1);
}


static void test_refused_first_then_second_answers(void **state)
{
	W.rules = net_two;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " www.example.test. A", EX2 " www.example.test. A");
	expect_ok(r, 4);
	EXPECT_ANSWER(WWW_A);
}

/* A lame mark lasts lame_seconds (900 by default), then the server gets
 * another chance. */
static void test_lame_server_remembered(void **state)
{
	W.rules = net_two;
	resolve("www.example.test.", LDNS_RR_TYPE_A);
	W.now += 60;
	const struct iter_result *r = resolve("ftp.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(EX2 " ftp.example.test. A");
	expect_ok(r, 1);
	EXPECT_ANSWER("ftp.example.test. 300 IN A 192.0.2.21");
	W.now += 900;
	r = resolve("mail.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(EX " mail.example.test. A", EX2 " mail.example.test. A");
	expect_ok(r, 2);
}

static void test_servfail_rcode_then_second_answers(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		{ .addr = EX, .rcode = LDNS_RCODE_SERVFAIL },
		WWW_ANSWER(EX2),
		TLD_TO_EXAMPLE_TWO,
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " www.example.test. A", EX2 " www.example.test. A");
	expect_ok(r, 4);
	EXPECT_ANSWER(WWW_A);
}

/* An answer without AA is no answer from an authority: lame, and not
 * cached. */
static void test_non_aa_answer_is_lame(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		{ .addr = EX, .qname = "www.example.test.", .aa = false, .an = { WWW_A } },
		TLD_TO_EXAMPLE,
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " www.example.test. A");
	expect_servfail(r, 22, 3);
	EXPECT_NO_ANSWER();
	assert_null(cached("www.example.test.", LDNS_RR_TYPE_A));
}

static void test_answer_about_other_name_is_lame(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		{ .addr = EX, .qname = "www.example.test.", .aa = true,
		  .an = { "mail.example.test. 300 IN A " EVIL } },
		WWW_ANSWER(EX2),
		TLD_TO_EXAMPLE_TWO,
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " www.example.test. A", EX2 " www.example.test. A");
	expect_ok(r, 4);
	EXPECT_ANSWER(WWW_A);
	assert_null(cached("mail.example.test.", LDNS_RR_TYPE_A));
}

/* A server of example.test. that refers back up to test. */
static void test_upward_referral_is_lame(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		{ .addr = EX, .ns = { "test. 86400 IN NS ns.test." }, .ar = { "ns.test. 86400 IN A " TLD } },
		TLD_TO_EXAMPLE,
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " www.example.test. A");
	expect_servfail(r, 22, 3);
	assert_int_equal(saw(ITER_RESPONSE, "lame"), 1);
	assert_int_equal(saw(ITER_REFERRAL, NULL), 2);
}

/* A referral to the zone it came from, or to one beside the name. */
static void test_sideways_and_same_zone_referrals_are_lame(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		{ .addr = EX, .ns = { "example.test. 3600 IN NS ns1.example.test." },
		  .ar = { "ns1.example.test. 3600 IN A " EX } },
		{ .addr = EX2, .ns = { "other.example.test. 3600 IN NS ns.other.example.test." },
		  .ar = { "ns.other.example.test. 3600 IN A " EVIL } },
		TLD_TO_EXAMPLE_TWO,
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " www.example.test. A", EX2 " www.example.test. A");
	expect_servfail(r, 22, 4);
	assert_int_equal(saw(ITER_RESPONSE, "lame"), 2);
}

static void test_unparsable_response_is_lame(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		{ .addr = EX, .reply = GARBAGE },
		WWW_ANSWER(EX2),
		TLD_TO_EXAMPLE_TWO,
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " www.example.test. A", EX2 " www.example.test. A");
	expect_ok(r, 4);
	EXPECT_ANSWER(WWW_A);
	assert_int_equal(saw(ITER_RESPONSE, "lame"), 1);
}

static void test_unparsable_from_only_server(void **state)
{
	static const struct rule net[] = {
		{ .addr = ROOT, .reply = GARBAGE },
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A");
	expect_servfail(r, 22, 1);
}

/* ---- timeouts ---- */

static void test_timeout_from_all_servers(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		{ .addr = EX, .reply = TIMEOUT },
		{ .addr = EX2, .reply = TIMEOUT },
		TLD_TO_EXAMPLE_TWO,
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " www.example.test. A", EX2 " www.example.test. A");
	expect_servfail(r, 23, 4);
	assert_int_equal(saw(ITER_RESPONSE, "timeout"), 2);
}

static void test_timeout_from_root(void **state)
{
	static const struct rule net[] = {
		{ .addr = ROOT, .reply = TIMEOUT },
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A");
	expect_servfail(r, 23, 1);
}

static void test_timeout_then_other_server_answers(void **state)
{
	static const struct rule net[] = {
		ROOT_TO_TEST,
		{ .addr = EX, .reply = TIMEOUT },
		WWW_ANSWER(EX2),
		TLD_TO_EXAMPLE_TWO,
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", EX " www.example.test. A", EX2 " www.example.test. A");
	expect_ok(r, 4);
	EXPECT_ANSWER(WWW_A);
}

/* The failure is about the zone where the resolution stopped: a lame
 * server met higher up (at test.) does not make example.test.'s silent
 * servers "lame". */
static void test_timeout_ede_counts_only_the_failing_zone(void **state)
{
	static const struct rule net[] = {
		{ .addr = ROOT, .under = "test.", .ns = { "test. 86400 IN NS ns1.test.", "test. 86400 IN NS ns2.test." },
		  .ar = { "ns1.test. 86400 IN A " TLD, "ns2.test. 86400 IN A " TLD2 } },
		{ .addr = TLD, .rcode = LDNS_RCODE_REFUSED },
		{ .addr = TLD2, .under = "example.test.", .ns = { "example.test. 3600 IN NS ns1.example.test." },
		  .ar = { "ns1.example.test. 3600 IN A " EX } },
		{ .addr = EX, .reply = TIMEOUT },
		END,
	};
	W.rules = net;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. A", TLD2 " example.test. A", EX " www.example.test. A");
	print_message("  ede_text: %s\n", r->ede_text ? r->ede_text : "(null)");
	expect_servfail(r, 23, 4);
}

/* ---- limits ---- */

/* test. -> d.test. -> c.d.test. -> b.c.d.test. -> a.b.c.d.test. */
static const struct rule net_chain[] = {
	ROOT_TO_TEST,
	{ .addr = TLD, .under = "d.test.", .ns = { "d.test. 3600 IN NS ns.d.test." },
	  .ar = { "ns.d.test. 3600 IN A 127.53.1.4" } },
	{ .addr = "127.53.1.4", .under = "c.d.test.", .ns = { "c.d.test. 3600 IN NS ns.c.d.test." },
	  .ar = { "ns.c.d.test. 3600 IN A 127.53.1.3" } },
	{ .addr = "127.53.1.3", .under = "b.c.d.test.", .ns = { "b.c.d.test. 3600 IN NS ns.b.c.d.test." },
	  .ar = { "ns.b.c.d.test. 3600 IN A 127.53.1.2" } },
	{ .addr = "127.53.1.2", .under = "a.b.c.d.test.", .ns = { "a.b.c.d.test. 3600 IN NS ns.a.b.c.d.test." },
	  .ar = { "ns.a.b.c.d.test. 3600 IN A 127.53.1.1" } },
	{ .addr = "127.53.1.1", .qname = "www.a.b.c.d.test.", .qtype = "A", .aa = true,
	  .an = { "www.a.b.c.d.test. 300 IN A 192.0.2.99" } },
	END,
};

static void test_long_chain_within_limits(void **state)
{
	W.rules = net_chain;
	const struct iter_result *r = resolve("www.a.b.c.d.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " test. A", TLD " d.test. A", "127.53.1.4 c.d.test. A", "127.53.1.3 b.c.d.test. A",
		       "127.53.1.2 a.b.c.d.test. A", "127.53.1.1 www.a.b.c.d.test. A");
	expect_ok(r, 6);
	EXPECT_ANSWER("www.a.b.c.d.test. 300 IN A 192.0.2.99");
}

static void test_max_queries(void **state)
{
	W.cfg.qmin = false;
	W.cfg.max_queries = 3;
	W.rules = net_chain;
	const struct iter_result *r = resolve("www.a.b.c.d.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " www.a.b.c.d.test. A", TLD " www.a.b.c.d.test. A", "127.53.1.4 www.a.b.c.d.test. A");
	expect_servfail(r, 0, 3);
	EXPECT_NO_ANSWER();
}

/* The limit counts the queries of glueless lookups too. */
static void test_max_queries_counts_glueless(void **state)
{
	W.cfg.qmin = false;
	W.cfg.max_queries = 4;
	W.rules = net_glueless;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " www.example.test. A", TLD " www.example.test. A", ROOT " ns.example.org. A",
		       ORG " ns.example.org. A");
	expect_servfail(r, 0, 4);
}

static void test_max_referrals(void **state)
{
	W.cfg.qmin = false;
	W.cfg.max_referrals = 3;
	W.rules = net_chain;
	const struct iter_result *r = resolve("www.a.b.c.d.test.", LDNS_RR_TYPE_A);
	EXPECT_QUERIES(ROOT " www.a.b.c.d.test. A", TLD " www.a.b.c.d.test. A", "127.53.1.4 www.a.b.c.d.test. A",
		       "127.53.1.3 www.a.b.c.d.test. A");
	expect_servfail(r, 0, 4);
	assert_int_equal(saw(ITER_REFERRAL, NULL), 3);
}

/* ---- DS ---- */

#define DS_RR "example.test. 3600 IN DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"

static const struct rule net_ds[] = {
	ROOT_TO_TEST,
	{ .addr = TLD, .qname = "example.test.", .qtype = "DS", .aa = true, .an = { DS_RR } },
	TLD_TO_EXAMPLE,
	WWW_ANSWER(EX),
	END,
};

/* The DS RRset is the parent's (RFC 4035): asked at test., never at
 * example.test.'s own servers even when they are cached. */
static void test_ds_asks_parent(void **state)
{
	W.rules = net_ds;
	resolve("www.example.test.", LDNS_RR_TYPE_A);
	assert_non_null(cached("example.test.", LDNS_RR_TYPE_NS));
	const struct iter_result *r = resolve("example.test.", LDNS_RR_TYPE_DS);
	EXPECT_QUERIES(TLD " example.test. DS");
	expect_ok(r, 1);
	EXPECT_ANSWER(DS_RR);
}

static void test_ds_from_root(void **state)
{
	W.rules = net_ds;
	const struct iter_result *r = resolve("example.test.", LDNS_RR_TYPE_DS);
	EXPECT_QUERIES(ROOT " test. A", TLD " example.test. DS");
	expect_ok(r, 2);
	EXPECT_ANSWER(DS_RR);
	W.cfg.qmin = false;
	cache_flush(&W.cache);
	r = resolve("example.test.", LDNS_RR_TYPE_DS);
	EXPECT_QUERIES(ROOT " example.test. DS", TLD " example.test. DS");
	expect_ok(r, 2);
}

/* ---- cache only (RD=0) ---- */

static void test_cache_only_miss(void **state)
{
	W.rules = net_basic;
	W.cache_only = true;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_NO_QUERIES();
	assert_int_equal(r->rcode, LDNS_RCODE_REFUSED);
	assert_int_equal(r->ede, 20);
	assert_non_null(r->ede_text);
	assert_int_equal(r->queries, 0);
	EXPECT_NO_ANSWER();
}

static void test_cache_only_hit(void **state)
{
	W.rules = net_basic;
	resolve("www.example.test.", LDNS_RR_TYPE_A);
	W.now += 100;
	W.cache_only = true;
	const struct iter_result *r = resolve("www.example.test.", LDNS_RR_TYPE_A);
	EXPECT_NO_QUERIES();
	expect_ok(r, 0);
	EXPECT_ANSWER("www.example.test. 200 IN A 192.0.2.1");
	/* Referral data is no answer, even for RD=0. */
	r = resolve("example.test.", LDNS_RR_TYPE_NS);
	EXPECT_NO_QUERIES();
	assert_int_equal(r->rcode, LDNS_RCODE_REFUSED);
	assert_int_equal(r->ede, 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_glue_without_qmin),
		T(test_glue_with_qmin),
		T(test_qmin_asks_real_type_last),
		T(test_trace_states),
		T(test_qmin_event_names_server_and_zone),
		T(test_second_resolution_from_cache),
		T(test_expired_answer_starts_at_cached_cut),
		T(test_expired_glue_starts_at_parent),
		T(test_ns_query_asks_the_child),
		T(test_nxdomain_with_soa),
		T(test_nxdomain_minimised_ends_resolution),
		T(test_nxdomain_event_names_full_qname),
		T(test_nodata_cached_per_type),
		T(test_qmin_empty_non_terminal),
		T(test_cname_in_zone_one_query),
		T(test_cname_second_resolution_from_cache),
		T(test_cname_to_other_zone_restarts),
		T(test_cname_to_other_zone_without_qmin),
		T(test_cname_loop_in_one_response),
		T(test_cname_loop_across_responses),
		T(test_cname_other_zone_from_cache),
		T(test_cname_to_nxdomain),
		T(test_qmin_meets_cname_on_the_way),
		T(test_root_query),
		T(test_nxdomain_without_soa_not_cached),
		T(test_mixed_case_referral),
		T(test_same_zone_referral_other_case_is_lame),
		T(test_aaaa_glue),
		T(test_glued_servers_before_glueless),
		T(test_lame_seconds_configurable),
		T(test_glueless_without_qmin),
		T(test_glueless_with_qmin),
		T(test_glue_out_of_bailiwick_ignored),
		T(test_in_zone_server_without_glue_fails),
		T(test_glueless_loop_terminates),
		T(test_refused_only_server),
		T(test_refused_first_then_second_answers),
		T(test_lame_server_remembered),
		T(test_servfail_rcode_then_second_answers),
		T(test_non_aa_answer_is_lame),
		T(test_answer_about_other_name_is_lame),
		T(test_upward_referral_is_lame),
		T(test_sideways_and_same_zone_referrals_are_lame),
		T(test_unparsable_response_is_lame),
		T(test_unparsable_from_only_server),
		T(test_timeout_from_all_servers),
		T(test_timeout_from_root),
		T(test_timeout_then_other_server_answers),
		T(test_timeout_ede_counts_only_the_failing_zone),
		T(test_long_chain_within_limits),
		T(test_max_queries),
		T(test_max_queries_counts_glueless),
		T(test_max_referrals),
		T(test_ds_asks_parent),
		T(test_ds_from_root),
		T(test_cache_only_miss),
		T(test_cache_only_hit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
