/* test_wire.c: unit tests for the structural DNS message check in src/dns/wire.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <ldns/ldns.h>

#include "dns/wire.h"

/* Messages are built by hand so each test shows exactly which bytes it sends. */
struct msg {
	uint8_t b[4096];
	size_t n;
};

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

static void put32(struct msg *m, uint32_t v)
{
	put16(m, (uint16_t)(v >> 16));
	put16(m, (uint16_t)v);
}

static void putn(struct msg *m, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(m, ((const uint8_t *)p)[i]);
}

/* "www.example.com" or "." as an uncompressed wire name; returns its offset. */
static size_t put_name(struct msg *m, const char *dotted)
{
	size_t at = m->n;
	const char *s = dotted;
	while (*s && strcmp(s, ".") != 0) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		put8(m, (uint8_t)l);
		putn(m, s, l);
		s += l;
		if (*s == '.')
			s++;
	}
	put8(m, 0);
	return at;
}

static void put_ptr(struct msg *m, size_t target)
{
	put16(m, (uint16_t)(0xc000 | target));
}

static void hdr(struct msg *m, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
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

static void set16(struct msg *m, size_t off, uint16_t v)
{
	m->b[off] = (uint8_t)(v >> 8);
	m->b[off + 1] = (uint8_t)v;
}

static void question(struct msg *m, const char *name, uint16_t type, uint16_t cls)
{
	put_name(m, name);
	put16(m, type);
	put16(m, cls);
}

/* The fixed part of an RR, after its owner name. */
static void rr_fixed(struct msg *m, uint16_t type, uint16_t cls, uint32_t ttl, uint16_t rdlen)
{
	put16(m, type);
	put16(m, cls);
	put32(m, ttl);
	put16(m, rdlen);
}

static void opt(struct msg *m, uint16_t udp, uint8_t version, int do_bit)
{
	put8(m, 0);
	rr_fixed(m, 41, udp, (uint32_t)version << 16 | (do_bit ? 0x8000u : 0), 0);
}

static enum wire_verdict parse(const struct msg *m, struct wire_query *q)
{
	return wire_parse_query(m->b, m->n, q);
}

/* A query for example.com/A with RD, the baseline most tests bend. */
static void simple_query(struct msg *m, uint16_t ar)
{
	hdr(m, 0x1234, WIRE_FLAG_RD, 1, 0, 0, ar);
	question(m, "example.com", 1, 1);
}

static void expect_formerr(const struct msg *m, const char *why)
{
	struct wire_query q;
	assert_int_equal(parse(m, &q), WIRE_FORMERR);
	assert_non_null(q.why);
	assert_string_equal(q.why, why);
}

static void test_valid_query(void **state)
{
	struct msg m;
	struct wire_query q;
	simple_query(&m, 0);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	assert_null(q.why);
	assert_int_equal(q.id, 0x1234);
	assert_int_equal(q.flags, WIRE_FLAG_RD);
	assert_int_equal(q.opcode, 0);
	assert_int_equal(q.qdcount, 1);
	assert_int_equal(q.ancount + q.nscount + q.arcount, 0);
	assert_int_equal(q.qname_off, 12);
	assert_int_equal(q.qname_len, 13);
	assert_memory_equal(q.qname_lower, "\7example\3com\0", 13);
	assert_int_equal(q.qtype, 1);
	assert_int_equal(q.qclass, 1);
	assert_int_equal(q.question_end, 12 + 13 + 4);
	assert_false(q.has_edns);
	assert_int_equal(q.udp_size, 0);
}

static void test_edns(void **state)
{
	struct msg m;
	struct wire_query q;
	simple_query(&m, 1);
	opt(&m, 4096, 1, 1);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	assert_true(q.has_edns);
	assert_int_equal(q.udp_size, 4096);
	assert_int_equal(q.edns_version, 1);
	assert_true(q.do_bit);
	assert_int_equal(q.question_end, 29);
}

static void test_edns_small_udp_no_do(void **state)
{
	struct msg m;
	struct wire_query q;
	simple_query(&m, 1);
	opt(&m, 100, 0, 0);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	assert_true(q.has_edns);
	assert_int_equal(q.udp_size, 100);
	assert_int_equal(q.edns_version, 0);
	assert_false(q.do_bit);
}

/* Byte for byte what `dig example.com` (9.18) sends: AD set, EDNS with a client COOKIE. */
static void test_dig_cookie(void **state)
{
	static const uint8_t dig[] = {
		0xab, 0xcd, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x03, 'c', 'o', 'm', 0x00,
		0x00, 0x01, 0x00, 0x01,
		0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c,
		0x00, 0x0a, 0x00, 0x08, 0x5c, 0x0f, 0x3e, 0x1a, 0x9b, 0x27, 0x60, 0x01,
	};
	struct wire_query q;
	assert_int_equal(wire_parse_query(dig, sizeof dig, &q), WIRE_OK);
	assert_int_equal(q.id, 0xabcd);
	assert_int_equal(q.flags, WIRE_FLAG_RD | WIRE_FLAG_AD);
	assert_true(q.has_edns);
	assert_int_equal(q.udp_size, 1232);
	assert_int_equal(q.edns_version, 0);
	assert_false(q.do_bit);
	assert_int_equal(q.question_end, 29);
}

static void test_mixed_case(void **state)
{
	struct msg m;
	struct wire_query q;
	hdr(&m, 1, 0, 1, 0, 0, 0);
	question(&m, "WwW.ExAmPle-Z@[.COM", 28, 1);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	assert_int_equal(q.qname_off, 12);
	assert_int_equal(q.qname_len, 21);
	/* Only A-Z move; '@' and '[' sit next to them in ASCII and must not. */
	assert_memory_equal(q.qname_lower, "\3www\13example-z@[\3com\0", 21);
	/* The message itself keeps the case the client sent. */
	assert_memory_equal(m.b + 12, "\3WwW\13ExAmPle-Z@[\3COM\0", 21);
	assert_int_equal(q.qtype, 28);
}

static void test_root_qname(void **state)
{
	struct msg m;
	struct wire_query q;
	hdr(&m, 1, 0, 1, 0, 0, 0);
	question(&m, ".", 2, 1);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	assert_int_equal(q.qname_len, 1);
	assert_int_equal(q.qname_lower[0], 0);
	assert_int_equal(q.qtype, 2);
	assert_int_equal(q.question_end, 17);
}

static void test_short_drop(void **state)
{
	struct msg m;
	struct wire_query q;
	simple_query(&m, 0);
	for (size_t n = 0; n < WIRE_HEADER_LEN; n++) {
		assert_int_equal(wire_parse_query(m.b, n, &q), WIRE_DROP);
		assert_non_null(q.why);
	}
	/* A bare header parses as far as the counts let it: here it is short. */
	assert_int_equal(wire_parse_query(m.b, WIRE_HEADER_LEN, &q), WIRE_FORMERR);
}

static void test_qr_drop(void **state)
{
	struct msg m;
	struct wire_query q;
	simple_query(&m, 0);
	set16(&m, 2, WIRE_FLAG_QR | WIRE_FLAG_RD);
	assert_int_equal(parse(&m, &q), WIRE_DROP);
	assert_string_equal(q.why, "QR bit set: a response, not a query");
	assert_int_equal(q.id, 0x1234);
}

static void test_counts_exceed_data(void **state)
{
	struct msg m;
	simple_query(&m, 0);
	set16(&m, 6, 1);
	expect_formerr(&m, "fewer records than the header counts say");
	simple_query(&m, 0);
	set16(&m, 10, 3);
	opt(&m, 1232, 0, 0);
	expect_formerr(&m, "fewer records than the header counts say");
	simple_query(&m, 0);
	set16(&m, 4, 2);
	expect_formerr(&m, "fewer questions than QDCOUNT says");
	simple_query(&m, 0);
	set16(&m, 4, 0xffff);
	expect_formerr(&m, "fewer questions than QDCOUNT says");
}

/* The question-and-answer prefix for pointer tests: answer owner follows. */
static void answer_prefix(struct msg *m)
{
	hdr(m, 7, 0, 1, 1, 0, 0);
	question(m, "example.com", 1, 1);
}

static void a_record_tail(struct msg *m)
{
	rr_fixed(m, 1, 1, 300, 4);
	put32(m, 0xc0000201);
}

static void test_pointer_self_loop(void **state)
{
	struct msg m;
	answer_prefix(&m);
	put_ptr(&m, m.n);
	a_record_tail(&m);
	expect_formerr(&m, "compression pointer loop or forward pointer");
}

static void test_pointer_label_loop(void **state)
{
	struct msg m;
	answer_prefix(&m);
	size_t at = m.n;
	put8(&m, 3);
	putn(&m, "www", 3);
	put_ptr(&m, at);
	a_record_tail(&m);
	expect_formerr(&m, "compression pointer loop or forward pointer");
}

/* Every pointer here aims before itself and before the owner that starts
 * the walk, yet the walk loops: only "before the label run it ends" stops it. */
static void test_pointer_loop_through_rdata(void **state)
{
	struct msg m;
	hdr(&m, 7, 0, 1, 2, 0, 0);
	question(&m, "example.com", 1, 1);
	put_ptr(&m, 12);
	rr_fixed(&m, 10, 1, 0, 12);
	size_t run = m.n;
	put8(&m, 11);
	putn(&m, "loop-around", 11);
	put_ptr(&m, run); /* the second owner, right after the RDATA */
	a_record_tail(&m);
	expect_formerr(&m, "compression pointer loop or forward pointer");
}

static void test_forward_pointer(void **state)
{
	struct msg m;
	answer_prefix(&m);
	put_ptr(&m, m.n + 2 + 10);
	rr_fixed(&m, 5, 1, 300, 13);
	put_name(&m, "example.com");
	expect_formerr(&m, "compression pointer loop or forward pointer");
}

static void test_pointer_into_header(void **state)
{
	struct msg m;
	answer_prefix(&m);
	put_ptr(&m, 4);
	a_record_tail(&m);
	expect_formerr(&m, "compression pointer into the header");
}

static void test_pointer_past_end(void **state)
{
	struct msg m;
	answer_prefix(&m);
	put8(&m, 0xc0); /* the pointer's second octet is missing */
	expect_formerr(&m, "name runs past the end of the message");
}

static void test_pointer_in_qname(void **state)
{
	struct msg m;
	hdr(&m, 1, 0, 1, 0, 0, 0);
	put8(&m, 3);
	putn(&m, "www", 3);
	put_ptr(&m, 12);
	put16(&m, 1);
	put16(&m, 1);
	expect_formerr(&m, "compressed QNAME (compression pointer in the question)");
	hdr(&m, 1, 0, 1, 0, 0, 0);
	put_ptr(&m, 12);
	put16(&m, 1);
	put16(&m, 1);
	expect_formerr(&m, "compressed QNAME (compression pointer in the question)");
}

static void test_label_64(void **state)
{
	static const char why[] = "label longer than 63 octets (or extended label type 0x40)";
	char l63[64], l64[65];
	struct msg m;
	struct wire_query q;
	memset(l63, 'a', 63);
	l63[63] = 0;
	memset(l64, 'a', 64);
	l64[64] = 0;
	hdr(&m, 1, 0, 1, 0, 0, 0);
	question(&m, l63, 1, 1);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	assert_int_equal(q.qname_len, 65);
	hdr(&m, 1, 0, 1, 0, 0, 0);
	question(&m, l64, 1, 1);
	expect_formerr(&m, why);
	/* The same label as an answer owner. */
	answer_prefix(&m);
	put_name(&m, l64);
	a_record_tail(&m);
	expect_formerr(&m, why);
}

static void test_reserved_label_type(void **state)
{
	struct msg m;
	hdr(&m, 1, 0, 1, 0, 0, 0);
	put8(&m, 0x80);
	put8(&m, 0);
	put16(&m, 1);
	put16(&m, 1);
	expect_formerr(&m, "reserved label type 0x80");
	answer_prefix(&m);
	put8(&m, 0x41); /* RFC 2673 bitstring label, long gone */
	put8(&m, 0);
	a_record_tail(&m);
	expect_formerr(&m, "label longer than 63 octets (or extended label type 0x40)");
}

/* n one-octet labels make a 2n+1 octet name: 127 fits 255 exactly, 128 does not. */
static void many_labels(char *out, int n)
{
	for (int i = 0; i < n; i++) {
		out[2 * i] = 'a';
		out[2 * i + 1] = '.';
	}
	out[2 * n - 1] = 0;
}

static void test_name_255_boundary(void **state)
{
	char name[300];
	struct msg m;
	struct wire_query q;
	many_labels(name, 127);
	hdr(&m, 1, 0, 1, 0, 0, 0);
	question(&m, name, 1, 1);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	assert_int_equal(q.qname_len, 255);
	many_labels(name, 128);
	hdr(&m, 1, 0, 1, 0, 0, 0);
	question(&m, name, 1, 1);
	expect_formerr(&m, "name longer than 255 octets");
}

static void test_name_too_long_long_labels(void **state)
{
	char name[300];
	struct msg m;
	memset(name, 'x', sizeof name);
	/* 4 x 63-octet labels: 4 * 64 + 1 = 257 octets. */
	for (int i = 1; i < 4; i++)
		name[64 * i - 1] = '.';
	name[64 * 4 - 1] = 0;
	answer_prefix(&m);
	put_name(&m, name);
	a_record_tail(&m);
	expect_formerr(&m, "name longer than 255 octets");
}

/* Each piece is short, but the name the pointers spell is not. */
static void test_name_too_long_via_pointer(void **state)
{
	char name[300];
	struct msg m;
	struct wire_query q;
	hdr(&m, 7, 0, 1, 1, 0, 0);
	many_labels(name, 120);
	question(&m, name, 1, 1); /* 241 octets at 12 */
	/* 6 more octets on top of "example.com" (13): fine. */
	put8(&m, 5);
	putn(&m, "hello", 5);
	put_ptr(&m, 12);
	a_record_tail(&m);
	assert_int_equal(parse(&m, &q), WIRE_OK);

	hdr(&m, 7, 0, 1, 1, 0, 0);
	question(&m, name, 1, 1);
	/* 241 + 7 + 7 = 255: exactly the limit. */
	put8(&m, 6);
	putn(&m, "abcdef", 6);
	put8(&m, 6);
	putn(&m, "ghijkl", 6);
	put_ptr(&m, 12);
	a_record_tail(&m);
	assert_int_equal(parse(&m, &q), WIRE_OK);

	hdr(&m, 7, 0, 1, 1, 0, 0);
	question(&m, name, 1, 1);
	put8(&m, 7);
	putn(&m, "abcdefg", 7);
	put8(&m, 6);
	putn(&m, "ghijkl", 6);
	put_ptr(&m, 12);
	a_record_tail(&m);
	expect_formerr(&m, "name longer than 255 octets");
}

/* A chain of bare pointers, each strictly backward, hidden in RDATA. */
static void pointer_chain(struct msg *m, int hops)
{
	hdr(m, 7, 0, 1, 2, 0, 0);
	question(m, "example.com", 1, 1);
	put_ptr(m, 12);
	rr_fixed(m, 10, 1, 0, (uint16_t)(2 * (hops - 1)));
	size_t chain = m->n;
	for (int i = 0; i < hops - 1; i++)
		put_ptr(m, i == 0 ? 12 : chain + 2 * (size_t)(i - 1));
	put_ptr(m, hops == 1 ? 12 : chain + 2 * (size_t)(hops - 2));
	a_record_tail(m);
}

static void test_pointer_chain_limit(void **state)
{
	struct msg m;
	struct wire_query q;
	pointer_chain(&m, 128);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	pointer_chain(&m, 129);
	expect_formerr(&m, "too many compression pointers in one name");
}

static void test_qdcount_zero(void **state)
{
	struct msg m;
	struct wire_query q;
	hdr(&m, 0x4242, WIRE_FLAG_RD, 0, 0, 0, 1);
	opt(&m, 1232, 0, 1);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	assert_int_equal(q.id, 0x4242);
	assert_int_equal(q.qdcount, 0);
	assert_int_equal(q.question_end, 0);
	assert_int_equal(q.qname_len, 0);
	assert_true(q.has_edns);
	assert_true(q.do_bit);
	hdr(&m, 0x4242, 0, 0, 0, 0, 0);
	assert_int_equal(parse(&m, &q), WIRE_OK);
}

static void test_qdcount_two(void **state)
{
	struct msg m;
	struct wire_query q;
	hdr(&m, 9, 0, 2, 0, 0, 1);
	question(&m, "example.com", 1, 1);
	question(&m, "example.net", 28, 1);
	opt(&m, 1232, 0, 0);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	assert_int_equal(q.qdcount, 2);
	assert_int_equal(q.question_end, 0);
	assert_true(q.has_edns);
	/* The second question is checked just as strictly. */
	hdr(&m, 9, 0, 2, 0, 0, 0);
	question(&m, "example.com", 1, 1);
	put_name(&m, "example.net");
	put16(&m, 28);
	expect_formerr(&m, "question runs past the end (QTYPE/QCLASS cut off)");
	hdr(&m, 9, 0, 2, 0, 0, 0);
	question(&m, "example.com", 1, 1);
	put_ptr(&m, 12);
	put16(&m, 28);
	put16(&m, 1);
	expect_formerr(&m, "compressed QNAME (compression pointer in the question)");
}

static void test_two_opts(void **state)
{
	struct msg m;
	simple_query(&m, 2);
	opt(&m, 1232, 0, 0);
	opt(&m, 4096, 0, 1);
	expect_formerr(&m, "more than one OPT record");
}

static void test_opt_in_answer(void **state)
{
	struct msg m;
	hdr(&m, 1, 0, 1, 1, 0, 0);
	question(&m, "example.com", 1, 1);
	opt(&m, 1232, 0, 0);
	expect_formerr(&m, "OPT record outside the additional section");
	hdr(&m, 1, 0, 1, 0, 1, 0);
	question(&m, "example.com", 1, 1);
	opt(&m, 1232, 0, 0);
	expect_formerr(&m, "OPT record outside the additional section");
}

static void test_opt_owner_not_root(void **state)
{
	struct msg m;
	simple_query(&m, 1);
	put_name(&m, "example.com");
	rr_fixed(&m, 41, 1232, 0, 0);
	expect_formerr(&m, "OPT record owner is not the root");
	/* A pointer that spells the root is still not the single zero octet. */
	simple_query(&m, 1);
	put_ptr(&m, 12 + 12);
	rr_fixed(&m, 41, 1232, 0, 0);
	expect_formerr(&m, "OPT record owner is not the root");
}

static void test_trailing_garbage(void **state)
{
	struct msg m;
	struct wire_query q;
	simple_query(&m, 1);
	opt(&m, 1232, 0, 0);
	put8(&m, 0);
	assert_int_equal(parse(&m, &q), WIRE_FORMERR);
	assert_string_equal(q.why, "trailing garbage after the last record");
	/* The question did parse, so a FORMERR can echo it. */
	assert_int_equal(q.question_end, 29);
	simple_query(&m, 0);
	putn(&m, "junk", 4);
	expect_formerr(&m, "trailing garbage after the last record");
}

static void test_rdlength_beyond_end(void **state)
{
	struct msg m;
	answer_prefix(&m);
	put_ptr(&m, 12);
	rr_fixed(&m, 1, 1, 300, 5);
	put32(&m, 0xc0000201);
	expect_formerr(&m, "RDLENGTH runs past the end of the message");
	simple_query(&m, 1);
	put8(&m, 0);
	rr_fixed(&m, 41, 1232, 0, 0xffff);
	expect_formerr(&m, "RDLENGTH runs past the end of the message");
}

static void test_rr_header_cut(void **state)
{
	struct msg m;
	simple_query(&m, 1);
	opt(&m, 1232, 0, 0);
	m.n -= 1;
	expect_formerr(&m, "record header runs past the end of the message");
}

static void test_truncated_question(void **state)
{
	struct msg m;
	struct wire_query q;
	simple_query(&m, 0);
	for (size_t cut = 1; cut <= 4; cut++) {
		assert_int_equal(wire_parse_query(m.b, m.n - cut, &q), WIRE_FORMERR);
		assert_string_equal(q.why, "question runs past the end (QTYPE/QCLASS cut off)");
		assert_int_equal(q.question_end, 0);
	}
	/* Cut inside the QNAME itself. */
	for (size_t cut = 5; cut < 5 + 12; cut++) {
		assert_int_equal(wire_parse_query(m.b, m.n - cut, &q), WIRE_FORMERR);
		assert_string_equal(q.why, "name runs past the end of the message");
	}
}

/* A response's shape (QR cleared to get past the DROP): compressed owners
 * and RDATA names, pointers to pointers' targets, glue and an OPT. */
static void test_compressed_response(void **state)
{
	struct msg m;
	struct wire_query q;
	hdr(&m, 0x5555, WIRE_FLAG_AA | WIRE_FLAG_RD, 1, 2, 1, 2);
	size_t qname = put_name(&m, "WWW.example.com");
	put16(&m, 5);
	put16(&m, 1);
	/* www.example.com CNAME web.example.com */
	put_ptr(&m, qname);
	rr_fixed(&m, 5, 1, 300, 6);
	size_t web = m.n;
	put8(&m, 3);
	putn(&m, "web", 3);
	put_ptr(&m, qname + 4);
	/* web.example.com A 192.0.2.1 */
	put_ptr(&m, web);
	a_record_tail(&m);
	/* example.com NS ns1.example.com */
	put_ptr(&m, qname + 4);
	rr_fixed(&m, 2, 1, 3600, 6);
	size_t ns1 = m.n;
	put8(&m, 3);
	putn(&m, "ns1", 3);
	put_ptr(&m, qname + 4);
	/* ns1.example.com A 192.0.2.53 */
	put_ptr(&m, ns1);
	a_record_tail(&m);
	opt(&m, 1232, 0, 1);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	assert_int_equal(q.ancount, 2);
	assert_int_equal(q.nscount, 1);
	assert_int_equal(q.arcount, 2);
	assert_memory_equal(q.qname_lower, "\3www\7example\3com\0", 17);
	assert_true(q.has_edns);
	assert_true(q.do_bit);
	assert_int_equal(q.opcode, 0);
	assert_int_equal(q.flags, WIRE_FLAG_AA | WIRE_FLAG_RD);
}

static void test_error_response_formerr(void **state)
{
	struct msg m;
	struct wire_query q;
	uint8_t out[512];
	hdr(&m, 0xbeef, WIRE_FLAG_RD | WIRE_FLAG_CD | WIRE_FLAG_AD | WIRE_FLAG_TC | WIRE_FLAG_AA,
	    1, 0, 0, 0);
	question(&m, "ExAmple.COM", 16, 3);
	putn(&m, "xx", 2);
	assert_int_equal(parse(&m, &q), WIRE_FORMERR);
	size_t n = wire_error_response(m.b, &q, 1, out, sizeof out);
	assert_int_equal(n, 29);
	assert_int_equal(wire_u16(out), 0xbeef);
	assert_int_equal(wire_u16(out + 2), WIRE_FLAG_QR | WIRE_FLAG_RD | WIRE_FLAG_CD | 1);
	assert_int_equal(wire_u16(out + 4), 1);
	assert_int_equal(wire_u16(out + 6), 0);
	assert_int_equal(wire_u16(out + 8), 0);
	assert_int_equal(wire_u16(out + 10), 0);
	assert_memory_equal(out + 12, "\7ExAmple\3COM\0\0\x10\0\3", 17);
}

static void test_error_response_opcode_rcode(void **state)
{
	struct msg m;
	struct wire_query q;
	uint8_t out[512];
	/* UPDATE (opcode 5) answered NOTIMP; RD clear, so it stays clear. */
	hdr(&m, 0x0102, 5 << 11, 1, 0, 0, 0);
	question(&m, "example.com", 6, 1);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	assert_int_equal(q.opcode, 5);
	size_t n = wire_error_response(m.b, &q, 4, out, sizeof out);
	assert_int_equal(n, 29);
	assert_int_equal(wire_u16(out + 2), WIRE_FLAG_QR | 5 << 11 | 4);
	/* BADVERS (16) only has its low four bits in the header: 0. */
	n = wire_error_response(m.b, &q, 16, out, sizeof out);
	assert_int_equal(wire_u16(out + 2), WIRE_FLAG_QR | 5 << 11);
	/* REFUSED with every query flag set: only RD and CD come back. */
	set16(&m, 2, 0x7fff);
	n = wire_error_response(m.b, &q, 5, out, sizeof out);
	assert_int_equal(wire_u16(out + 2), WIRE_FLAG_QR | 0x7800 | WIRE_FLAG_RD | WIRE_FLAG_CD | 5);
}

/* EDNS options found in the OPT's data without a full parse: present,
 * absent, after another option, and never past a truncated one. */
static void test_edns_options(void **state)
{
	struct msg m;
	struct wire_query q;
	simple_query(&m, 1);
	put8(&m, 0);
	rr_fixed(&m, 41, 1232, 0, 4 + 2 + 4 + 3);
	put16(&m, 10); /* COOKIE, 2 bytes (short, but the walk only needs its length) */
	put16(&m, 2);
	put16(&m, 0xabcd);
	put16(&m, 12); /* Padding, 3 bytes */
	put16(&m, 3);
	put8(&m, 0);
	put8(&m, 0);
	put8(&m, 0);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	assert_true(q.has_edns);
	assert_int_equal(q.opt_rdata_len, 13);
	assert_true(wire_edns_option(m.b, &q, 10));
	assert_true(wire_edns_option(m.b, &q, 12));
	assert_false(wire_edns_option(m.b, &q, 15));
	/* An option whose length runs past the OPT's data: not found. */
	simple_query(&m, 1);
	put8(&m, 0);
	rr_fixed(&m, 41, 1232, 0, 6);
	put16(&m, 12);
	put16(&m, 9);
	put16(&m, 0);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	assert_false(wire_edns_option(m.b, &q, 12));
	/* Without EDNS there is nothing to find. */
	simple_query(&m, 0);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	assert_false(wire_edns_option(m.b, &q, 12));
}

/* An EDE (RFC 8914) appended to an error response's OPT: ldns reads it
 * back with its code and text; one that does not fit changes nothing. */
static void test_error_response_ede(void **state)
{
	struct msg m;
	struct wire_query q;
	uint8_t out[512];
	simple_query(&m, 1);
	opt(&m, 1232, 0, 0);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	size_t n = wire_error_response_edns(m.b, &q, 2, 1232, out, sizeof out);
	assert_int_equal(n, 29 + 11);
	size_t with = wire_add_ede(out, n, sizeof out, 0, "zones/test.zone:3: bad");
	assert_int_equal(with, n + 4 + 2 + 22);
	ldns_pkt *p = NULL;
	assert_int_equal(ldns_wire2pkt(&p, out, with), LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_SERVFAIL);
	ldns_edns_option_list *l = ldns_pkt_edns_get_option_list(p);
	assert_non_null(l);
	assert_int_equal(ldns_edns_option_list_get_count(l), 1);
	ldns_edns_option *o = ldns_edns_option_list_get_option(l, 0);
	assert_int_equal(ldns_edns_get_code(o), LDNS_EDNS_EDE);
	assert_int_equal(ldns_edns_get_size(o), 24);
	assert_memory_equal((const uint8_t *)ldns_edns_get_data(o) + 2, "zones/test.zone:3: bad", 22);
	ldns_pkt_free(p);
	assert_int_equal(wire_add_ede(out, n, n + 10, 0, "too long to fit"), n);
}

static void test_error_response_header_only(void **state)
{
	struct msg m;
	struct wire_query q;
	uint8_t out[512];
	memset(out, 0xaa, sizeof out);
	/* No parsed question: counts all zero. */
	simple_query(&m, 0);
	m.n -= 2;
	assert_int_equal(parse(&m, &q), WIRE_FORMERR);
	assert_int_equal(wire_error_response(m.b, &q, 1, out, sizeof out), 12);
	assert_int_equal(wire_u16(out), 0x1234);
	assert_int_equal(wire_u16(out + 2), WIRE_FLAG_QR | WIRE_FLAG_RD | 1);
	for (int i = 4; i < 12; i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(out[12], 0xaa);
	/* q == NULL. */
	assert_int_equal(wire_error_response(m.b, NULL, 2, out, sizeof out), 12);
	assert_int_equal(wire_u16(out + 2), WIRE_FLAG_QR | WIRE_FLAG_RD | 2);
	assert_int_equal(wire_u16(out + 4), 0);
	/* Two questions: neither is echoed. */
	hdr(&m, 3, 0, 2, 0, 0, 0);
	question(&m, "example.com", 1, 1);
	question(&m, "example.net", 1, 1);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	assert_int_equal(wire_error_response(m.b, &q, 1, out, sizeof out), 12);
	assert_int_equal(wire_u16(out + 4), 0);
}

static void test_error_response_cap(void **state)
{
	struct msg m;
	struct wire_query q;
	uint8_t out[64];
	simple_query(&m, 0);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	assert_int_equal(wire_error_response(m.b, &q, 5, out, 28), 0);
	assert_int_equal(wire_error_response(m.b, &q, 5, out, 29), 29);
	assert_int_equal(wire_error_response(m.b, NULL, 5, out, 11), 0);
	assert_int_equal(wire_error_response(m.b, NULL, 5, out, 12), 12);
	assert_int_equal(wire_error_response(m.b, &q, 5, out, 0), 0);
}

/* Servers may turn the query buffer into the answer. */
static void test_error_response_in_place(void **state)
{
	struct msg m;
	struct wire_query q;
	simple_query(&m, 1);
	opt(&m, 1232, 0, 0);
	assert_int_equal(parse(&m, &q), WIRE_OK);
	size_t n = wire_error_response(m.b, &q, 5, m.b, sizeof m.b);
	assert_int_equal(n, 29);
	assert_int_equal(wire_u16(m.b), 0x1234);
	assert_int_equal(wire_u16(m.b + 2), WIRE_FLAG_QR | WIRE_FLAG_RD | 5);
	assert_int_equal(wire_u16(m.b + 4), 1);
	assert_int_equal(wire_u16(m.b + 10), 0);
	assert_memory_equal(m.b + 12, "\7example\3com\0\0\1\0\1", 17);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_query),
		cmocka_unit_test(test_edns),
		cmocka_unit_test(test_edns_small_udp_no_do),
		cmocka_unit_test(test_dig_cookie),
		cmocka_unit_test(test_mixed_case),
		cmocka_unit_test(test_root_qname),
		cmocka_unit_test(test_short_drop),
		cmocka_unit_test(test_qr_drop),
		cmocka_unit_test(test_counts_exceed_data),
		cmocka_unit_test(test_pointer_self_loop),
		cmocka_unit_test(test_pointer_label_loop),
		cmocka_unit_test(test_pointer_loop_through_rdata),
		cmocka_unit_test(test_forward_pointer),
		cmocka_unit_test(test_pointer_into_header),
		cmocka_unit_test(test_pointer_past_end),
		cmocka_unit_test(test_pointer_in_qname),
		cmocka_unit_test(test_label_64),
		cmocka_unit_test(test_reserved_label_type),
		cmocka_unit_test(test_name_255_boundary),
		cmocka_unit_test(test_name_too_long_long_labels),
		cmocka_unit_test(test_name_too_long_via_pointer),
		cmocka_unit_test(test_pointer_chain_limit),
		cmocka_unit_test(test_qdcount_zero),
		cmocka_unit_test(test_qdcount_two),
		cmocka_unit_test(test_two_opts),
		cmocka_unit_test(test_opt_in_answer),
		cmocka_unit_test(test_opt_owner_not_root),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_rdlength_beyond_end),
		cmocka_unit_test(test_rr_header_cut),
		cmocka_unit_test(test_truncated_question),
		cmocka_unit_test(test_compressed_response),
		cmocka_unit_test(test_error_response_formerr),
		cmocka_unit_test(test_error_response_opcode_rcode),
		cmocka_unit_test(test_edns_options),
		cmocka_unit_test(test_error_response_ede),
		cmocka_unit_test(test_error_response_header_only),
		cmocka_unit_test(test_error_response_cap),
		cmocka_unit_test(test_error_response_in_place),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
