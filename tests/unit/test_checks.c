/* test_checks.c: how a student's answer is compared with what the lab
 * computed (src/lab/checks.c check_answer_ok): case, trailing dots, blanks,
 * order, TXT quotes, and each kind's own form. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "lab/checks.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rrset_forms), cmocka_unit_test(test_referral), cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_words), cmocka_unit_test(test_choice), cmocka_unit_test(test_short),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
