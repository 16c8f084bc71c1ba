/* test_pktprint.c: unit tests for the dig-style and JSON answer rendering
 * (src/ui/pktprint.c) and the JSON writer and terminal helpers under it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "ui/json.h"
#include "ui/pktprint.h"
#include "ui/term.h"

/* ---- helpers ---- */

/* A response to www.example.test/A with id 4242 and the given header flags. */
static ldns_pkt *mkpkt(uint16_t flags)
{
	ldns_pkt *p = ldns_pkt_query_new(ldns_dname_new_frm_str("www.example.test."),
		LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, flags);

	assert_non_null(p);
	ldns_pkt_set_id(p, 4242);
	return p;
}

static void add(ldns_pkt *p, ldns_pkt_section s, const char *text)
{
	ldns_rr *rr = NULL;

	assert_int_equal(ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL), LDNS_STATUS_OK);
	assert_true(ldns_pkt_push_rr(p, s, rr));
}

/* Attach one EDNS option through ldns's option API; the packet owns it. */
static void add_opt(ldns_pkt *p, uint16_t code, const void *data, size_t len)
{
	ldns_edns_option_list *list = ldns_pkt_edns_get_option_list(p);

	if (!list) {
		list = ldns_edns_option_list_new();
		assert_non_null(list);
		ldns_pkt_set_edns_option_list(p, list);
	}
	assert_true(ldns_edns_option_list_push(list,
		ldns_edns_new_from_data((ldns_edns_option_code)code, len, data)));
}

static void add_ede(ldns_pkt *p, uint16_t info, const char *text)
{
	uint8_t buf[256];
	size_t n = strlen(text);

	assert_true(n + 2 <= sizeof buf);
	buf[0] = (uint8_t)(info >> 8);
	buf[1] = (uint8_t)info;
	memcpy(buf + 2, text, n);
	add_opt(p, LDNS_EDNS_EDE, buf, n + 2);
}

/* The example answer from the brief: an A record, an NS, glue, EDNS with DO
 * clear and an EDE 22. */
static ldns_pkt *mkexample(void)
{
	ldns_pkt *p = mkpkt(LDNS_QR | LDNS_AA | LDNS_RD);

	add(p, LDNS_SECTION_ANSWER, "www.example.test. 300 IN A 192.0.2.10");
	add(p, LDNS_SECTION_AUTHORITY, "example.test. 300 IN NS ns1.example.test.");
	add(p, LDNS_SECTION_ADDITIONAL, "ns1.example.test. 300 IN A 192.0.2.53");
	ldns_pkt_set_edns_udp_size(p, 1232);
	add_ede(p, 22, "no server for lame.test answered");
	return p;
}

static const struct pktprint_meta example_meta = {
	.server_label = "example",
	.server_addr = "127.53.2.1",
	.port = 5300,
	.transport = "UDP",
	.rtt_ms = 0.2,
	.size = 87,
	.when = 1795596600, /* Wed Nov 25 08:50:00 UTC 2026 */
	.tc_retry = false,
};

/* Render into a string the caller frees. */
static char *text_of(const ldns_pkt *p, const struct pktprint_meta *m, bool color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	pktprint_text(f, p, m, color);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static char *json_of(const ldns_pkt *p, const struct pktprint_meta *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	pktprint_json(f, p, m);
	assert_int_equal(fclose(f), 0);
	return buf;
}

#define assert_has(hay, needle) do { \
	if (!strstr((hay), (needle))) \
		fail_msg("missing %s\n--- in ---\n%s", (needle), (hay)); \
} while (0)

#define assert_lacks(hay, needle) do { \
	if (strstr((hay), (needle))) \
		fail_msg("unexpected %s\n--- in ---\n%s", (needle), (hay)); \
} while (0)

/* Wire round trip, so the options come from raw OPT rdata as in real use. */
static ldns_pkt *via_wire(const ldns_pkt *p)
{
	uint8_t *wire = NULL;
	size_t len = 0;
	ldns_pkt *q = NULL;

	assert_int_equal(ldns_pkt2wire(&wire, p, &len), LDNS_STATUS_OK);
	assert_int_equal(ldns_wire2pkt(&q, wire, len), LDNS_STATUS_OK);
	free(wire);
	return q;
}

/* ---- text ---- */

static void test_header_line(void **state)
{
	ldns_pkt *p = mkexample();
	char *s = text_of(p, &example_meta, false);

	assert_true(strncmp(s, ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4242\n",
		strlen(";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4242\n")) == 0);
	/* ADDITIONAL counts the OPT record, as dig shows the wire header. */
	assert_has(s, "\n;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 1, ADDITIONAL: 2\n");
	free(s);
	ldns_pkt_free(p);
}

static void test_flags_dig_order(void **state)
{
	ldns_pkt *p = mkpkt(LDNS_CD | LDNS_AD | LDNS_RA | LDNS_RD | LDNS_TC | LDNS_AA | LDNS_QR);
	char *s = text_of(p, NULL, false);

	assert_has(s, ";; flags: qr aa tc rd ra ad cd; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0\n");
	assert_lacks(s, "recursion requested but not available");
	free(s);
	ldns_pkt_free(p);

	p = mkpkt(0);
	s = text_of(p, NULL, false);
	assert_has(s, ";; flags:; QUERY: 1,");
	free(s);
	ldns_pkt_free(p);
}

static void test_rd_without_ra_warns(void **state)
{
	ldns_pkt *p = mkpkt(LDNS_QR | LDNS_RD);
	char *s = text_of(p, NULL, false);

	assert_has(s, ";; WARNING: recursion requested but not available\n");
	free(s);
	ldns_pkt_free(p);
}

static void test_sections_dig_columns(void **state)
{
	ldns_pkt *p = mkexample();
	char *s = text_of(p, &example_meta, false);

	assert_has(s, ";; QUESTION SECTION:\n;www.example.test.\t\tIN\tA\n\n");
	assert_has(s, ";; ANSWER SECTION:\nwww.example.test.\t300\tIN\tA\t192.0.2.10\n\n");
	/* A short owner takes two tabs to reach the TTL column, as in dig. */
	assert_has(s, ";; AUTHORITY SECTION:\nexample.test.\t\t300\tIN\tNS\tns1.example.test.\n\n");
	assert_has(s, ";; ADDITIONAL SECTION:\nns1.example.test.\t300\tIN\tA\t192.0.2.53\n\n");
	free(s);
	ldns_pkt_free(p);
}

static void test_long_owner_falls_back_to_spaces(void **state)
{
	ldns_pkt *p = mkpkt(LDNS_QR);
	char *s;

	add(p, LDNS_SECTION_ANSWER, "a234567890.example.test. 3000000 CH TYPE65280 \\# 2 abcd");
	add(p, LDNS_SECTION_ANSWER,
		"a23456789012345678901234567890.example.test. 3000000 IN SOA ns. host. 1 2 3 4 5");
	s = text_of(p, NULL, false);
	/* Byte for byte what dig 9.18 printed for these records. */
	assert_has(s, "\na234567890.example.test. 3000000 CH\tTYPE65280 \\# 2 abcd\n");
	assert_has(s, "\na23456789012345678901234567890.example.test. 3000000 IN\tSOA ns. host. 1 2 3 4 5\n");
	free(s);
	ldns_pkt_free(p);
}

static void test_empty_sections_absent(void **state)
{
	ldns_pkt *p = mkpkt(LDNS_QR | LDNS_AA);
	char *s;

	ldns_pkt_set_rcode(p, LDNS_RCODE_NXDOMAIN);
	add(p, LDNS_SECTION_AUTHORITY,
		"example.test. 300 IN SOA ns1.example.test. admin.example.test. 1 2 3 4 5");
	s = text_of(p, NULL, false);
	assert_has(s, "status: NXDOMAIN,");
	assert_has(s, ";; QUESTION SECTION:\n");
	assert_has(s, ";; AUTHORITY SECTION:\n");
	assert_lacks(s, "ANSWER SECTION");
	assert_lacks(s, "ADDITIONAL SECTION");
	assert_lacks(s, "OPT PSEUDOSECTION");
	assert_lacks(s, ";; Query time");
	free(s);
	ldns_pkt_free(p);
}

static void test_edns_line_and_ede(void **state)
{
	ldns_pkt *p = mkexample();
	char *s;

	ldns_pkt_set_edns_do(p, true);
	s = text_of(p, &example_meta, false);
	assert_has(s, "\n\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags: do; udp: 1232\n"
		"; EDE: 22 (No Reachable Authority): (no server for lame.test answered)\n"
		";; QUESTION SECTION:\n");
	free(s);
	ldns_pkt_free(p);
}

static void test_options_from_wire_leave_packet_alone(void **state)
{
	ldns_pkt *p = mkexample();
	uint8_t other[] = { 0x01, 0x02, 'A', 0xff };
	ldns_pkt *q;
	char *s;

	add_ede(p, 29, "");
	add_ede(p, 4000, "x");
	add_opt(p, 65001, other, sizeof other);
	add_opt(p, 65002, NULL, 0);
	q = via_wire(p);
	/* Fresh off the wire, ldns keeps only the raw rdata ... */
	assert_null(q->_edns_list);
	s = text_of(q, &example_meta, false);
	assert_has(s, "; EDE: 22 (No Reachable Authority): (no server for lame.test answered)\n"
		"; EDE: 29 (Synthesized)\n"
		"; EDE: 4000: (x)\n"
		"; OPT=65001: 01 02 41 ff (\"..A.\")\n"
		"; OPT=65002\n");
	free(s);
	s = json_of(q, &example_meta);
	assert_has(s, "\"options\":[{\"code\":65001,\"data\":\"010241ff\"},{\"code\":65002,\"data\":\"\"}]");
	free(s);
	/* ... and printing must not have parsed and cached a list in it. */
	assert_null(q->_edns_list);
	ldns_pkt_free(q);
	ldns_pkt_free(p);
}

static void test_malformed_option_data(void **state)
{
	ldns_pkt *p = mkpkt(LDNS_QR);
	static const uint8_t bad[] = { 0x00, 0x0f, 0x00, 0x09, 0x00, 0x16 };
	char *s;

	ldns_pkt_set_edns_udp_size(p, 1232);
	ldns_pkt_set_edns_data(p, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN, sizeof bad, bad));
	s = text_of(p, NULL, false);
	assert_has(s, ";; WARNING: malformed EDNS option data\n");
	free(s);
	s = json_of(p, NULL);
	assert_has(s, "\"ede\":[],\"options\":[],\"malformed\":true}");
	free(s);
	ldns_pkt_free(p);
}

static void test_ede_names(void **state)
{
	assert_string_equal(pktprint_ede_name(0), "Other Error");
	assert_string_equal(pktprint_ede_name(6), "DNSSEC Bogus");
	assert_string_equal(pktprint_ede_name(22), "No Reachable Authority");
	assert_string_equal(pktprint_ede_name(24), "Invalid Data");
	assert_string_equal(pktprint_ede_name(25), "Signature Expired before Valid");
	assert_string_equal(pktprint_ede_name(26), "Too Early");
	assert_string_equal(pktprint_ede_name(27), "Unsupported NSEC3 Iterations Value");
	assert_string_equal(pktprint_ede_name(28), "Unable to conform to policy");
	assert_string_equal(pktprint_ede_name(29), "Synthesized");
	assert_null(pktprint_ede_name(30));
	assert_null(pktprint_ede_name(65535));
}

static void test_ede_text_is_terminal_safe(void **state)
{
	ldns_pkt *p = mkpkt(LDNS_QR);
	char *s;

	ldns_pkt_set_edns_udp_size(p, 1232);
	add_ede(p, 6, "bad \033[2J sig caf\xc3\xa9");
	s = text_of(p, NULL, false);
	assert_has(s, "; EDE: 6 (DNSSEC Bogus): (bad \\027[2J sig caf\xc3\xa9)\n");
	assert_null(strchr(s, '\033'));
	free(s);
	s = json_of(p, NULL);
	assert_has(s, "\"ede\":[{\"code\":6,\"name\":\"DNSSEC Bogus\",\"text\":\"bad \\u001b[2J sig caf\xc3\xa9\"}]");
	free(s);
	ldns_pkt_free(p);
}

static void test_badvers_from_extended_rcode(void **state)
{
	ldns_pkt *p = mkpkt(LDNS_QR);
	ldns_pkt *q;
	char *s;

	ldns_pkt_set_edns_udp_size(p, 1232);
	ldns_pkt_set_edns_extended_rcode(p, 1);
	q = via_wire(p);
	s = text_of(q, NULL, false);
	assert_has(s, "status: BADVERS, id: 4242\n");
	free(s);
	s = json_of(q, NULL);
	assert_has(s, "\"rcode\":\"BADVERS\"");
	free(s);
	ldns_pkt_free(q);
	ldns_pkt_free(p);
}

static void test_opcode_names(void **state)
{
	ldns_pkt *p = mkpkt(LDNS_QR);
	char *s;

	ldns_pkt_set_opcode(p, LDNS_PACKET_NOTIFY);
	s = text_of(p, NULL, false);
	assert_has(s, "opcode: NOTIFY, status: NOERROR");
	free(s);
	ldns_pkt_set_opcode(p, 3);
	s = json_of(p, NULL);
	assert_has(s, "\"opcode\":\"RESERVED3\"");
	free(s);
	ldns_pkt_free(p);
}

static void test_footer(void **state)
{
	ldns_pkt *p = mkexample();
	struct pktprint_meta m = example_meta;
	char *s;

	setenv("TZ", "UTC", 1);
	tzset();
	s = text_of(p, &m, false);
	assert_has(s, "\n;; Query time: 0 msec\n"
		";; SERVER: 127.53.2.1#5300(example) (UDP)\n"
		";; WHEN: Wed Nov 25 08:50:00 UTC 2026\n"
		";; MSG SIZE  rcvd: 87\n\n");
	assert_lacks(s, "WARNING: answer was truncated");
	free(s);

	m.server_label = NULL;
	m.transport = "TCP";
	m.tc_retry = true;
	m.rtt_ms = 12.9;
	s = text_of(p, &m, false);
	assert_true(strncmp(s, ";; WARNING: answer was truncated (TC=1), retried over TCP\n;; ->>HEADER<<-",
		strlen(";; WARNING: answer was truncated (TC=1), retried over TCP\n;; ->>HEADER<<-")) == 0);
	assert_has(s, ";; Query time: 12 msec\n;; SERVER: 127.53.2.1#5300(127.53.2.1) (TCP)\n");
	free(s);
	ldns_pkt_free(p);
}

static void test_color(void **state)
{
	ldns_pkt *p = mkexample();
	char *s = text_of(p, &example_meta, false);

	assert_null(strchr(s, '\033'));
	free(s);
	s = text_of(p, &example_meta, true);
	assert_has(s, "status: \033[32mNOERROR\033[0m, id: 4242");
	assert_has(s, "\033[1mwww.example.test.\033[0m\t300\tIN\tA\t192.0.2.10\n");
	free(s);
	ldns_pkt_set_rcode(p, LDNS_RCODE_SERVFAIL);
	s = text_of(p, &example_meta, true);
	assert_has(s, "status: \033[31mSERVFAIL\033[0m");
	free(s);
	ldns_pkt_free(p);
}

/* ---- JSON ---- */

static void test_json_example(void **state)
{
	ldns_pkt *p = mkexample();
	char *s = json_of(p, &example_meta);

	assert_true(strncmp(s, "{\"server\":{\"label\":\"example\",\"address\":\"127.53.2.1\","
		"\"port\":5300,\"transport\":\"UDP\"},\"rtt_ms\":0.200,\"size\":87,",
		strlen("{\"server\":{\"label\":\"example\",\"address\":\"127.53.2.1\","
			"\"port\":5300,\"transport\":\"UDP\"},\"rtt_ms\":0.200,\"size\":87,")) == 0);
	assert_has(s, "\"id\":4242,\"opcode\":\"QUERY\",\"rcode\":\"NOERROR\"");
	assert_has(s, "\"flags\":{\"qr\":true,\"aa\":true,\"tc\":false,\"rd\":true,"
		"\"ra\":false,\"ad\":false,\"cd\":false}");
	assert_has(s, "\"edns\":{\"version\":0,\"udp_size\":1232,\"do\":false,"
		"\"ede\":[{\"code\":22,\"name\":\"No Reachable Authority\","
		"\"text\":\"no server for lame.test answered\"}],\"options\":[]}");
	assert_has(s, "\"question\":[{\"name\":\"www.example.test.\",\"class\":\"IN\",\"type\":\"A\"}]");
	assert_has(s, "\"answer\":[{\"name\":\"www.example.test.\",\"ttl\":300,\"class\":\"IN\","
		"\"type\":\"A\",\"rdata\":\"192.0.2.10\"}]");
	/* The OPT record is not a record of the additional section. */
	assert_has(s, "\"additional\":[{\"name\":\"ns1.example.test.\",\"ttl\":300,\"class\":\"IN\","
		"\"type\":\"A\",\"rdata\":\"192.0.2.53\"}]}\n");
	assert_lacks(s, "OPT");
	/* One object per line. */
	assert_ptr_equal(strchr(s, '\n'), s + strlen(s) - 1);
	free(s);
	ldns_pkt_free(p);
}

static void test_json_nxdomain_no_edns(void **state)
{
	ldns_pkt *p = mkpkt(LDNS_QR | LDNS_RD | LDNS_RA);
	char *s;

	ldns_pkt_set_rcode(p, LDNS_RCODE_NXDOMAIN);
	s = json_of(p, NULL);
	assert_has(s, "{\"server\":null,\"rtt_ms\":null,\"size\":null,\"tc_retry\":false,");
	assert_has(s, "\"rcode\":\"NXDOMAIN\"");
	assert_has(s, "\"flags\":{\"qr\":true,\"aa\":false,\"tc\":false,\"rd\":true,\"ra\":true,");
	assert_has(s, "\"edns\":null,");
	assert_has(s, "\"answer\":[],\"authority\":[],\"additional\":[]}\n");
	free(s);
	ldns_pkt_free(p);
}

static void test_json_txt_escaping(void **state)
{
	ldns_pkt *p = mkpkt(LDNS_QR);
	char *s;

	add(p, LDNS_SECTION_ANSWER, "t.example.test. 60 IN TXT \"say \\\"hi\\\"\" \"bell\\007\" \"tab\\009\"");
	s = json_of(p, NULL);
	/* ldns gives the presentation form "say \"hi\"" "bell\007" "tab\009";
	 * JSON then escapes its quotes and backslashes. */
	assert_has(s, "\"rdata\":\"\\\"say \\\\\\\"hi\\\\\\\"\\\" \\\"bell\\\\007\\\" \\\"tab\\\\009\\\"\"");
	free(s);
	s = text_of(p, NULL, false);
	assert_has(s, "\tTXT\t\"say \\\"hi\\\"\" \"bell\\007\" \"tab\\009\"\n");
	free(s);
	ldns_pkt_free(p);
}

static char *json_doc(void (*build)(struct json *), int *end_rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	assert_non_null(f);
	json_init(&j, f);
	build(&j);
	*end_rc = json_end(&j);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void build_nested(struct json *j)
{
	json_obj_begin(j);
	json_key(j, "a");
	json_arr_begin(j);
	json_int(j, -1);
	json_uint(j, 18446744073709551615ULL);
	json_obj_begin(j);
	json_obj_end(j);
	json_arr_begin(j);
	json_arr_end(j);
	json_null(j);
	json_arr_end(j);
	json_key(j, "s");
	json_str(j, "q\"b\\s/\n\r\t\b\f\x01\x1f\x7f caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	json_key(j, "bad");
	json_str(j, "\xff\xc3(\xed\xa0\x80\xc0\xaf");
	json_key(j, "n");
	json_strn(j, "ab\0cd", 5);
	json_key(j, "nul");
	json_str(j, NULL);
	json_key(j, "d");
	json_double(j, 1.23456);
	json_key(j, "nan");
	json_double(j, NAN);
	json_key(j, "t");
	json_bool(j, true);
	json_key(j, "f");
	json_bool(j, false);
	json_obj_end(j);
}

static void build_unbalanced(struct json *j)
{
	json_obj_begin(j);
	json_key(j, "x");
	json_arr_begin(j);
}

static void test_json_writer(void **state)
{
	int rc = -2;
	char *s = json_doc(build_nested, &rc);

	assert_int_equal(rc, 0);
	assert_string_equal(s,
		"{\"a\":[-1,18446744073709551615,{},[],null],"
		"\"s\":\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\","
		"\"bad\":\"\\ufffd\\ufffd(\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\","
		"\"n\":\"ab\\u0000cd\",\"nul\":null,\"d\":1.235,\"nan\":null,\"t\":true,\"f\":false}\n");
	free(s);
	s = json_doc(build_unbalanced, &rc);
	assert_int_equal(rc, -1);
	free(s);
}

/* ---- terminal ---- */

static void test_term_sgr(void **state)
{
	assert_string_equal(term_sgr(false, TERM_RED), "");
	assert_string_equal(term_reset(false), "");
	assert_string_equal(term_sgr(true, TERM_GREEN), "\033[32m");
	assert_string_equal(term_reset(true), TERM_RESET);
	/* No blue (34) and no white (37) in the palette. */
	for (int r = TERM_BOLD; r <= TERM_CYAN; r++) {
		assert_null(strstr(term_sgr(true, (enum term_role)r), "34"));
		assert_null(strstr(term_sgr(true, (enum term_role)r), "37"));
	}
}

static void test_term_put_text(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	static const char in[] = "a\\b\033c\x7f\xc2\x9b\xff\xc3\xa9\n";

	assert_non_null(f);
	term_put_text(f, in, sizeof in - 1);
	assert_int_equal(fclose(f), 0);
	/* The C1 CSI (U+009B) can start an escape sequence on some terminals. */
	assert_string_equal(buf, "a\\\\b\\027c\\127\\194\\155\\255\xc3\xa9\\010");
	free(buf);
}

struct env_saved {
	char *no_color;
	char *term;
};

static void env_save(struct env_saved *e)
{
	const char *v;

	e->no_color = (v = getenv("NO_COLOR")) ? strdup(v) : NULL;
	e->term = (v = getenv("TERM")) ? strdup(v) : NULL;
}

static void env_restore(struct env_saved *e)
{
	if (e->no_color)
		setenv("NO_COLOR", e->no_color, 1);
	else
		unsetenv("NO_COLOR");
	if (e->term)
		setenv("TERM", e->term, 1);
	else
		unsetenv("TERM");
	free(e->no_color);
	free(e->term);
}

static void test_term_use_color(void **state)
{
	struct env_saved saved;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem, *tty;
	int master, slave = -1;

	env_save(&saved);
	unsetenv("NO_COLOR");
	setenv("TERM", "xterm-256color", 1);

	/* Not a terminal: never colour. */
	mem = open_memstream(&buf, &len);
	assert_non_null(mem);
	assert_false(term_use_color(mem));
	fclose(mem);
	free(buf);

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0 ||
	    (slave = open(ptsname(master), O_RDWR | O_NOCTTY)) < 0) {
		if (master >= 0)
			close(master);
		env_restore(&saved);
		skip();
	}
	tty = fdopen(slave, "w");
	assert_non_null(tty);

	assert_true(term_use_color(tty));
	setenv("NO_COLOR", "", 1);       /* empty means unset (no-color.org) */
	assert_true(term_use_color(tty));
	setenv("NO_COLOR", "1", 1);
	assert_false(term_use_color(tty));
	setenv("NO_COLOR", "0", 1);      /* any non-empty value disables */
	assert_false(term_use_color(tty));
	unsetenv("NO_COLOR");
	setenv("TERM", "dumb", 1);
	assert_false(term_use_color(tty));
	unsetenv("TERM");
	assert_false(term_use_color(tty));

	fclose(tty);
	close(master);
	env_restore(&saved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_line),
		cmocka_unit_test(test_flags_dig_order),
		cmocka_unit_test(test_rd_without_ra_warns),
		cmocka_unit_test(test_sections_dig_columns),
		cmocka_unit_test(test_long_owner_falls_back_to_spaces),
		cmocka_unit_test(test_empty_sections_absent),
		cmocka_unit_test(test_edns_line_and_ede),
		cmocka_unit_test(test_options_from_wire_leave_packet_alone),
		cmocka_unit_test(test_malformed_option_data),
		cmocka_unit_test(test_ede_names),
		cmocka_unit_test(test_ede_text_is_terminal_safe),
		cmocka_unit_test(test_badvers_from_extended_rcode),
		cmocka_unit_test(test_opcode_names),
		cmocka_unit_test(test_footer),
		cmocka_unit_test(test_color),
		cmocka_unit_test(test_json_example),
		cmocka_unit_test(test_json_nxdomain_no_edns),
		cmocka_unit_test(test_json_txt_escaping),
		cmocka_unit_test(test_json_writer),
		cmocka_unit_test(test_term_sgr),
		cmocka_unit_test(test_term_put_text),
		cmocka_unit_test(test_term_use_color),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
