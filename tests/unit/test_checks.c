/* test_checks.c: how a student's answer is compared with what the lab
 * computed (src/lab/checks.c check_answer_ok): case, trailing dots, blanks,
 * order, TXT quotes, and each kind's own form; and the DNSSEC reading
 * questions (src/lab/checks_dnssec.c), their expected answers read from
 * canned responses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lab/checks.h"
#include "lab/checks_dnssec.h"

static struct check_spec spec(enum check_kind k, const char *server)
{
	struct check_spec s;
	memset(&s, 0, sizeof s);
	s.kind = k;
	s.server = (char *)server;
	return s;
}

static void test_rrset_forms(void **state)
{
	struct check_spec s = spec(CHECK_RRSET, "example");
	assert_true(check_answer_ok(&s, "192.0.2.10", "192.0.2.10"));
	assert_true(check_answer_ok(&s, "192.0.2.10", "  192.0.2.10  "));
	assert_false(check_answer_ok(&s, "192.0.2.10", "192.0.2.1"));
	assert_false(check_answer_ok(&s, "192.0.2.10", ""));
	/* Names: case and the trailing dot do not matter. */
	assert_true(check_answer_ok(&s, "10 mail.example.test", "10 MAIL.Example.Test."));
	assert_true(check_answer_ok(&s, "10 mail.example.test", "10   mail.example.test"));
	assert_false(check_answer_ok(&s, "10 mail.example.test", "20 mail.example.test"));
	/* Several records: all of them, in any order. */
	assert_true(check_answer_ok(&s, "192.0.2.1, 192.0.2.2", "192.0.2.2,192.0.2.1"));
	assert_true(check_answer_ok(&s, "192.0.2.1, 192.0.2.2", "192.0.2.1; 192.0.2.2"));
	assert_false(check_answer_ok(&s, "192.0.2.1, 192.0.2.2", "192.0.2.1"));
	assert_false(check_answer_ok(&s, "192.0.2.1, 192.0.2.2", "192.0.2.1, 192.0.2.2, 192.0.2.3"));
	/* TXT data with or without its quotes. */
	assert_true(check_answer_ok(&s, "v=spf1 -all", "\"v=spf1 -all\""));
	assert_true(check_answer_ok(&s, "v=spf1 -all", "v=spf1 -all"));
	/* The root name is "." and stays so. */
	assert_true(check_answer_ok(&s, "0 .", "0 ."));
}

static void test_referral(void **state)
{
	struct check_spec s = spec(CHECK_REFERRAL, "root");
	assert_true(check_answer_ok(&s, "ns1.nic.test", "ns1.nic.test."));
	assert_true(check_answer_ok(&s, "a.ns.test, b.ns.test", "B.NS.TEST, a.ns.test."));
	assert_false(check_answer_ok(&s, "ns1.nic.test", "ns1.nic"));
}

static void test_numbers(void **state)
{
	struct check_spec s = spec(CHECK_TTL, "example");
	assert_true(check_answer_ok(&s, "300", "300"));
	assert_false(check_answer_ok(&s, "300", "299"));
	assert_false(check_answer_ok(&s, "300", "300s"));
	/* The resolver's TTL counts down while the student types. */
	struct check_spec r = spec(CHECK_TTL, "resolver");
	assert_true(check_answer_ok(&r, "250", "250"));
	assert_true(check_answer_ok(&r, "250", "249"));
	assert_true(check_answer_ok(&r, "250", "310"));
	assert_false(check_answer_ok(&r, "250", "311"));
	assert_false(check_answer_ok(&r, "250", "248"));
	struct check_spec c = spec(CHECK_COUNT, "example");
	assert_true(check_answer_ok(&c, "2", "2"));
	assert_false(check_answer_ok(&c, "2", "two"));
}

static void test_words(void **state)
{
	struct check_spec s = spec(CHECK_RCODE, "example");
	assert_true(check_answer_ok(&s, "NXDOMAIN", "nxdomain"));
	assert_false(check_answer_ok(&s, "NXDOMAIN", "NODATA"));
	struct check_spec f = spec(CHECK_FLAG, "example");
	assert_true(check_answer_ok(&f, "yes", "Yes"));
	assert_true(check_answer_ok(&f, "yes", "y"));
	assert_false(check_answer_ok(&f, "yes", "no"));
	assert_true(check_answer_ok(&f, "no", "false"));
	assert_false(check_answer_ok(&f, "no", "maybe"));
}

static void test_choice(void **state)
{
	char *choices[] = { (char *)"The referral carries the address", (char *)"Because of TTLs" };
	struct check_spec s = spec(CHECK_CHOICE, NULL);
	s.choices = choices;
	s.nchoices = 2;
	s.correct = 1;
	assert_true(check_answer_ok(&s, "1", "1"));
	assert_true(check_answer_ok(&s, "1", "the referral carries the address"));
	assert_false(check_answer_ok(&s, "1", "2"));
	assert_false(check_answer_ok(&s, "1", "Because of TTLs"));
	s.correct = 3; /* out of range: nothing passes */
	assert_false(check_answer_ok(&s, "3", "3"));
}

/* A short answer: any of the accepted answers, whatever the case, blanks
 * and punctuation, with or without a leading "the"; nothing else. */
static void test_short(void **state)
{
	char *accept[] = { (char *)"Public Technical Identifiers", (char *)"PTI" };
	struct check_spec s = spec(CHECK_SHORT, NULL);
	s.accept = accept;
	s.naccept = 2;
	assert_true(check_answer_ok(&s, "Public Technical Identifiers", "PTI"));
	assert_true(check_answer_ok(&s, "Public Technical Identifiers", "pti"));
	assert_true(check_answer_ok(&s, "Public Technical Identifiers", "  P.T.I.  "));
	assert_true(check_answer_ok(&s, "Public Technical Identifiers", "the PTI"));
	assert_true(check_answer_ok(&s, "Public Technical Identifiers", "public technical identifiers!"));
	assert_true(check_answer_ok(&s, "Public Technical Identifiers", "Public  Technical-Identifiers"));
	assert_true(check_answer_ok(&s, "Public Technical Identifiers", "\"PTI\""));
	assert_false(check_answer_ok(&s, "Public Technical Identifiers", "IANA"));
	assert_false(check_answer_ok(&s, "Public Technical Identifiers", "PTI and IANA"));
	assert_false(check_answer_ok(&s, "Public Technical Identifiers", "Public Technical"));
	assert_false(check_answer_ok(&s, "Public Technical Identifiers", "..."));
	assert_false(check_answer_ok(&s, "Public Technical Identifiers", ""));
	/* "the" is dropped only as a word of its own. */
	char *theta[] = { (char *)"theta" };
	s.accept = theta;
	s.naccept = 1;
	assert_true(check_answer_ok(&s, "theta", "Theta"));
	assert_true(check_answer_ok(&s, "theta", "the theta"));
	assert_false(check_answer_ok(&s, "theta", "ta"));
	/* Numbers are answers too; letters outside ASCII are kept. */
	char *twelve[] = { (char *)"12", (char *)"twelve", (char *)"douze \xc3\xa9" };
	s.accept = twelve;
	s.naccept = 3;
	assert_true(check_answer_ok(&s, "12", "12."));
	assert_true(check_answer_ok(&s, "12", "Twelve"));
	assert_false(check_answer_ok(&s, "12", "13"));
	assert_false(check_answer_ok(&s, "12", "120"));
	assert_true(check_answer_ok(&s, "12", "douze \xc3\xa9"));
	assert_false(check_answer_ok(&s, "12", "douze e"));
	/* No key, no pass. */
	s.naccept = 0;
	assert_false(check_answer_ok(&s, "12", "12"));
}

/* An identity (id.server CH TXT) is the text as dig prints it, quoted or
 * not, in any case, with or without a final dot. */
static void test_identity(void **state)
{
	(void)state;
	struct check_spec s = spec(CHECK_IDENTITY, "root-c");
	assert_true(check_answer_ok(&s, "c.root-servers.test.", "c.root-servers.test."));
	assert_true(check_answer_ok(&s, "c.root-servers.test.", "\"C.Root-Servers.Test\""));
	assert_false(check_answer_ok(&s, "c.root-servers.test.", "b.root-servers.test."));
	assert_false(check_answer_ok(&s, "c.root-servers.test.", ""));
}

/* ---- the DNSSEC reading questions ---- */

/* RFC 4034 2.3's example key (key tag 2642 with flags 256); with flags 257
 * the tag is one more, 2643 (the flags are summed into it). */
#define RFC4034_KEY                                                                                    \
	"3 5 AQPSKmynfzW4kyBv015MUG2DeIQ3Cbl+BBZH4b/0PY1kxkmvHjcZc8nokfzj31GajIQKY+5CptLr3buXA10hWqTkF7H6" \
	"RfoRqXQeogmMHfpftf6zMv1LyBUgia7za6ZEzOJBOztyvhjL742iU/TpPSEDhm2SNKLijfUppn1UaNvv4w=="
#define OTHER_KEY "3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ=="
#define SIG                                                                                          \
	"oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6oB9wfuh3DTJXUAfI/M0zmO/zz" \
	"8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkGJ5D6fwFm8nN+6pBzeDQfsS3Ap3o="

static ldns_pkt *pkt(ldns_pkt_rcode rc, const char *const *answer, const char *const *authority)
{
	ldns_pkt *p = ldns_pkt_new();
	assert_non_null(p);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_aa(p, true);
	ldns_pkt_set_rcode(p, rc);
	for (int sec = 0; sec < 2; sec++)
		for (const char *const *r = sec ? authority : answer; r && *r; r++) {
			ldns_rr *rr = NULL;
			assert_int_equal(ldns_rr_new_frm_str(&rr, *r, 3600, NULL, NULL), LDNS_STATUS_OK);
			ldns_pkt_push_rr(p, sec ? LDNS_SECTION_AUTHORITY : LDNS_SECTION_ANSWER, rr);
		}
	return p;
}

static struct check_spec dspec(enum check_kind k, const char *name, const char *type)
{
	struct check_spec s = spec(k, "example");
	s.name = (char *)name;
	s.type = (char *)type;
	return s;
}

/* The expected answer of s from p, or NULL with err filled. */
static char *expect(const struct check_spec *s, ldns_pkt *p, char **quote, struct dl_error *err)
{
	char *e = NULL;
	int rc = checks_dnssec_expect(s, p, &e, quote, err);
	ldns_pkt_free(p);
	assert_true(rc == 0 ? e != NULL : e == NULL);
	return e;
}

static void test_keytag(void **state)
{
	const char *keys[] = { "example.test. 3600 IN DNSKEY 256 " RFC4034_KEY,
			       "example.test. 3600 IN DNSKEY 257 " RFC4034_KEY, NULL };
	struct check_spec s = dspec(CHECK_KEYTAG, "example.test.", NULL);
	assert_true(checks_dnssec_kind(CHECK_KEYTAG));
	assert_false(checks_dnssec_kind(CHECK_COUNT));
	assert_int_equal(checks_dnssec_qtype(&s), LDNS_RR_TYPE_DNSKEY);
	struct dl_error err = { 0 };
	char *quote = NULL;
	s.role = (char *)"ksk";
	char *e = expect(&s, pkt(LDNS_RCODE_NOERROR, keys, NULL), &quote, &err);
	assert_string_equal(e, "2643");
	/* The quote names each key's role and tag, its key cut short. */
	assert_non_null(strstr(quote, "DNSKEY 257 3 5 AQPSKmynfzW4... ; KSK (flags 257), key tag 2643"));
	assert_non_null(strstr(quote, "; ZSK (flags 256), key tag 2642"));
	assert_true(checks_dnssec_answer_ok(&s, e, "2643"));
	assert_true(check_answer_ok(&s, e, " 2643 "));
	assert_false(checks_dnssec_answer_ok(&s, e, "2642"));
	assert_false(checks_dnssec_answer_ok(&s, e, "2643x"));
	free(e);
	free(quote);
	s.role = (char *)"zsk";
	e = expect(&s, pkt(LDNS_RCODE_NOERROR, keys, NULL), &quote, &err);
	assert_string_equal(e, "2642");
	free(e);
	free(quote);
	/* Two KSKs, as in a rollover: either tag. */
	const char *two[] = { "example.test. 3600 IN DNSKEY 257 " RFC4034_KEY,
			      "example.test. 3600 IN DNSKEY 257 " OTHER_KEY, NULL };
	s.role = (char *)"ksk";
	e = expect(&s, pkt(LDNS_RCODE_NOERROR, two, NULL), &quote, &err);
	assert_non_null(strstr(e, "2643 or "));
	assert_true(checks_dnssec_answer_ok(&s, e, "2643"));
	assert_true(checks_dnssec_answer_ok(&s, e, strstr(e, " or ") + 4));
	assert_true(checks_dnssec_answer_ok(&s, e, e)); /* as the solution shows it */
	assert_non_null(strstr(quote, "any of their tags is accepted"));
	free(e);
	free(quote);
	/* No ZSK at all (a CSK), and an unsigned zone: errors, not answers. */
	s.role = (char *)"zsk";
	assert_null(expect(&s, pkt(LDNS_RCODE_NOERROR, two, NULL), &quote, &err));
	assert_string_equal(err.msg, "example's DNSKEY set for example.test. has no ZSK (flags 256)");
	assert_null(quote);
	assert_null(expect(&s, pkt(LDNS_RCODE_NOERROR, NULL, NULL), &quote, &err));
	assert_string_equal(err.msg, "example serves no DNSKEY for example.test.: is the zone signed?");
}

static void test_rrsig(void **state)
{
	const char *an[] = { "www.example.test. 300 IN A 192.0.2.10",
			     "www.example.test. 300 IN RRSIG A 13 3 300 20261225132308 20261125122308 37017 "
			     "example.test. " SIG,
			     "www.example.test. 300 IN RRSIG AAAA 13 3 300 20270101000000 20261125122308 37017 "
			     "example.test. " SIG,
			     NULL };
	struct check_spec s = dspec(CHECK_RRSIG, "www.example.test.", "A");
	assert_int_equal(checks_dnssec_qtype(&s), LDNS_RR_TYPE_A);
	struct dl_error err = { 0 };
	char *quote = NULL;
	static const struct {
		const char *field, *want, *other_form, *wrong;
	} f[] = {
		/* dig's form, or epoch seconds (date -u -d @1798204988). */
		{ "expiration", "20261225132308", "1798204988", "20270101000000" },
		{ "inception", "20261125122308", NULL, "20261225132308" },
		{ "signer", "example.test.", "EXAMPLE.TEST", "test." },
		{ "algorithm", "13", "ecdsap256sha256", "8" },
		{ "keytag", "37017", NULL, "37018" },
		{ "labels", "3", NULL, "2" },
		{ "original-ttl", "300", NULL, "3600" },
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		s.field = (char *)f[i].field;
		char *e = expect(&s, pkt(LDNS_RCODE_NOERROR, an, NULL), &quote, &err);
		assert_non_null(e);
		assert_string_equal(e, f[i].want);
		assert_true(checks_dnssec_answer_ok(&s, e, f[i].want));
		if (f[i].other_form)
			assert_true(checks_dnssec_answer_ok(&s, e, f[i].other_form));
		assert_false(checks_dnssec_answer_ok(&s, e, f[i].wrong));
		assert_false(checks_dnssec_answer_ok(&s, e, ""));
		/* Only the RRSIG over A, never the one over AAAA. */
		assert_null(strstr(quote, "RRSIG AAAA"));
		assert_non_null(strstr(quote, "RRSIG A 13 3 300 20261225132308"));
		if (i == 0)
			assert_non_null(strstr(quote, "(expiration 20261225132308 is 2026-12-25 13:23:08 UTC, "
						      "1798204988 in epoch seconds)"));
		free(e);
		free(quote);
	}
	s.field = (char *)"expiration";
	assert_false(checks_dnssec_answer_ok(&s, "20261225132308", "2026122513230"));
	assert_false(checks_dnssec_answer_ok(&s, "20261225132308", "tomorrow"));
	s.type = (char *)"MX";
	assert_null(expect(&s, pkt(LDNS_RCODE_NOERROR, an, NULL), &quote, &err));
	assert_string_equal(err.msg, "example serves no RRSIG over www.example.test. MX: is the zone signed?");
}

static void test_nsec_next(void **state)
{
	/* nothing.example.test: the NSEC of mail2 covers it; the apex's proves
	 * there is no wildcard.  Either order in the packet. */
	const char *apex = "example.test. 300 IN NSEC _sip._tcp.example.test. A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY";
	const char *gap = "mail2.example.test. 300 IN NSEC ns1.example.test. A AAAA RRSIG NSEC";
	const char *ns[] = { apex, gap, NULL }, *ns2[] = { gap, apex, NULL };
	struct check_spec s = dspec(CHECK_NSEC_NEXT, "nothing.example.test.", NULL);
	assert_int_equal(checks_dnssec_qtype(&s), LDNS_RR_TYPE_A);
	struct dl_error err = { 0 };
	char *quote = NULL;
	for (int i = 0; i < 2; i++) {
		char *e = expect(&s, pkt(LDNS_RCODE_NXDOMAIN, NULL, i ? ns2 : ns), &quote, &err);
		assert_string_equal(e, "ns1.example.test.");
		assert_true(checks_dnssec_answer_ok(&s, e, "ns1.example.test"));
		assert_true(checks_dnssec_answer_ok(&s, e, "NS1.Example.Test."));
		assert_false(checks_dnssec_answer_ok(&s, e, "_sip._tcp.example.test."));
		assert_false(checks_dnssec_answer_ok(&s, e, "ns1"));
		assert_non_null(strstr(quote, "mail2.example.test. 300 IN NSEC ns1.example.test."));
		assert_null(strstr(quote, "_sip"));
		free(e);
		free(quote);
	}
	/* The last NSEC's next is the apex: the chain wraps around. */
	const char *last[] = { "xmpp.example.test. 300 IN NSEC example.test. A AAAA RRSIG NSEC", NULL };
	s.name = (char *)"zzz.example.test.";
	char *e = expect(&s, pkt(LDNS_RCODE_NXDOMAIN, NULL, last), &quote, &err);
	assert_string_equal(e, "example.test.");
	free(e);
	free(quote);
	/* A name that exists, an NSEC3 zone, an unsigned zone: errors. */
	assert_null(expect(&s, pkt(LDNS_RCODE_NOERROR, NULL, ns), &quote, &err));
	assert_string_equal(err.msg, "example does not answer NXDOMAIN for zzz.example.test.: nsec-next needs a name "
				     "that does not exist");
	const char *n3[] = { "8pbuads05mac49qk5jdnals59la6oa4s.nsec3.test. 300 IN NSEC3 1 0 0 - "
			     "KIE3TTA4EJG5LPCM1DO5J0NE4TH7CJKG A RRSIG",
			     NULL };
	s.name = (char *)"nothing.nsec3.test.";
	assert_null(expect(&s, pkt(LDNS_RCODE_NXDOMAIN, NULL, n3), &quote, &err));
	assert_non_null(strstr(err.msg, "with NSEC3 (hashed names)"));
	assert_null(expect(&s, pkt(LDNS_RCODE_NXDOMAIN, NULL, NULL), &quote, &err));
	assert_non_null(strstr(err.msg, "carries no NSEC that covers it"));
}

static void test_denial_count(void **state)
{
	const char *ns[] = { "nsec3.test. 300 IN SOA ns1.nsec3.test. hostmaster.nsec3.test. 1 7200 3600 1209600 300",
			     "0madr2c2o78cqsoquiejtbeh6gfgb0ff.nsec3.test. 300 IN NSEC3 1 0 0 - "
			     "35JTMRQEFFGOH561OJGVUN7V8EPBQV8B NS SOA TXT RRSIG DNSKEY NSEC3PARAM",
			     "8pbuads05mac49qk5jdnals59la6oa4s.nsec3.test. 300 IN NSEC3 1 0 0 - "
			     "KIE3TTA4EJG5LPCM1DO5J0NE4TH7CJKG",
			     "kie3tta4ejg5lpcm1do5j0ne4th7cjkg.nsec3.test. 300 IN NSEC3 1 0 0 - "
			     "NSOAD3LM3B8BTA3LRHH00HKKGRLU0UEO",
			     NULL };
	struct check_spec s = dspec(CHECK_DENIAL_COUNT, "nothing.nsec3.test.", "A");
	struct dl_error err = { 0 };
	char *quote = NULL;
	char *e = expect(&s, pkt(LDNS_RCODE_NXDOMAIN, NULL, ns), &quote, &err);
	assert_string_equal(e, "3");
	assert_true(check_answer_ok(&s, e, "3"));
	assert_false(check_answer_ok(&s, e, "2"));
	assert_false(check_answer_ok(&s, e, "three"));
	assert_null(strstr(quote, "IN SOA")); /* only the proof */
	free(e);
	free(quote);
	assert_null(expect(&s, pkt(LDNS_RCODE_NOERROR, NULL, NULL), &quote, &err));
	assert_non_null(strstr(err.msg, "carries no NSEC or NSEC3"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rrset_forms), cmocka_unit_test(test_referral), cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_words), cmocka_unit_test(test_choice), cmocka_unit_test(test_short),
		cmocka_unit_test(test_keytag), cmocka_unit_test(test_rrsig), cmocka_unit_test(test_nsec_next),
		cmocka_unit_test(test_denial_count), cmocka_unit_test(test_identity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
