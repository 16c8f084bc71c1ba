/* test_dname.c: the name helpers (src/dns/dname.c).  dname_text must write
 * exactly what ldns_rdf2str writes, escapes included, for it replaced that
 * call wherever a name is shown. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dns/dname.h"

static ldns_rdf *name(const char *s)
{
	ldns_rdf *d = ldns_dname_new_frm_str(s);
	assert_non_null(d);
	return d;
}

static void test_text_as_ldns(void **state)
{
	(void)state;
	static const char *names[] = {
		".", "example.test.", "WWW.Example.TEST.", "a\\.b.test.", "a\\032b.test.", "\\000.test.",
		"a\\(b\\).test.", "semi\\;colon.test.", "back\\\\slash.test.", "@.test.", "quote\\\".test.",
		"\\127\\255\\001.test.", "_sip._tcp.example.test.", "*.wild.example.test.",
		"012345678901234567890123456789012345678901234567890123456789012.test.",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		ldns_rdf *d = name(names[i]);
		char *want = ldns_rdf2str(d);
		char got[1100];
		assert_ptr_equal(dname_text(d, got, sizeof got), got);
		assert_string_equal(got, want);
		free(want);
		ldns_rdf_deep_free(d);
	}
}

static void test_text_edges(void **state)
{
	(void)state;
	char buf[8];
	assert_string_equal(dname_text(NULL, buf, sizeof buf), "?");
	ldns_rdf *d = name("example.test.");
	/* Cut to the buffer, always terminated. */
	assert_string_equal(dname_text(d, buf, sizeof buf), "example");
	char one[1];
	assert_string_equal(dname_text(d, one, sizeof one), "");
	ldns_rdf *a = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, "192.0.2.1");
	assert_string_equal(dname_text(a, buf, sizeof buf), "?"); /* not a name */
	ldns_rdf_deep_free(a);
	ldns_rdf_deep_free(d);
}

static void test_same_and_below(void **state)
{
	(void)state;
	ldns_rdf *zone = name("example.test."), *www = name("WWW.example.TEST."), *other = name("example.org."),
		 *up = name("EXAMPLE.test.");
	assert_true(dname_same(zone, up));
	assert_false(dname_same(zone, www));
	assert_true(dname_at_or_below(www, zone));
	assert_true(dname_at_or_below(zone, up));
	assert_false(dname_at_or_below(zone, www));
	assert_false(dname_at_or_below(other, zone));
	ldns_rdf_deep_free(zone);
	ldns_rdf_deep_free(www);
	ldns_rdf_deep_free(other);
	ldns_rdf_deep_free(up);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_as_ldns),
		cmocka_unit_test(test_text_edges),
		cmocka_unit_test(test_same_and_below),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
