/* test_keyroles.c: the signer's key roles for a rollover by pre-publication
 * (src/dnssec/keyroles.c through signer_sign): which keys are in the DNSKEY
 * RRset, which sign what, and that the output still verifies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/zone.h"
#include "dnssec/keys.h"
#include "dnssec/keyroles.h"
#include "dnssec/signer.h"
#include "dnssec/verify.h"

struct fixture {
	char dir[64];
	char zonefile[128];
	uint16_t ksk, zsk_old, zsk_new;
};

static uint16_t make_key(const char *dir, bool ksk)
{
	char base[4096];
	ldns_rr *rr = NULL;
	struct dl_error err = { 0, "" };
	assert_int_equal(keys_generate("student.test.", LDNS_SIGN_ECDSAP256SHA256, ksk, dir, false, 3600, base,
				       sizeof base, &rr, &err), 0);
	uint16_t tag = ldns_calc_keytag(rr);
	ldns_rr_free(rr);
	return tag;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/dnslab-keyroles-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->zonefile, sizeof f->zonefile, "%s/student.test.zone", f->dir);
	FILE *fp = fopen(f->zonefile, "w");
	fputs("$ORIGIN student.test.\n$TTL 3600\n"
	      "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\nns1 IN A 127.53.3.1\n"
	      "www 300 IN A 192.0.2.200\n", fp);
	fclose(fp);
	f->ksk = make_key(f->dir, true);
	f->zsk_old = make_key(f->dir, false);
	f->zsk_new = make_key(f->dir, false);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Sign with roles; *z (caller frees) is the output, loaded back. */
static int sign(struct fixture *f, const struct keyroles *r, struct zone **z, struct signer_stats *st,
		struct dl_error *err)
{
	struct signer_opts o = { .zonefile = f->zonefile, .force = true, .inception = 1700000000,
				 .expiration = 1700000000 + 30 * 86400, .roles = r };
	int rc = signer_sign(&o, st, err);
	if (rc == 0)
		assert_int_equal(zone_load(st->out, "student.test.", z, err), 0);
	return rc;
}

static bool published(const struct zone *z, uint16_t tag)
{
	const ldns_dnssec_rrsets *s = zone_rrset(zone_find(z, z->origin), LDNS_RR_TYPE_DNSKEY);
	for (const ldns_dnssec_rrs *r = s ? s->rrs : NULL; r; r = r->next)
		if (ldns_calc_keytag(r->rr) == tag)
			return true;
	return false;
}

/* Does a signature by tag cover (name, type)? */
static bool signs(const struct zone *z, const char *name, ldns_rr_type t, uint16_t tag)
{
	ldns_rdf *n = ldns_dname_new_frm_str(name);
	const ldns_dnssec_rrsets *s = zone_rrset(zone_find(z, n), t);
	ldns_rdf_deep_free(n);
	for (const ldns_dnssec_rrs *r = s ? s->signatures : NULL; r; r = r->next)
		if (ldns_rdf2native_int16(ldns_rr_rrsig_keytag(r->rr)) == tag)
			return true;
	return false;
}

static void print_problem(void *arg, const struct verify_problem *p)
{
	(void)arg;
	fprintf(stderr, "verify: %s: %s\n", p->what, p->why);
}

static size_t problems(const struct zone *z)
{
	struct verify_stats vs;
	return verify_zone(z, NULL, 1700000000 + 86400, print_problem, NULL, &vs);
}

static void test_every_key_signs_by_default(void **state)
{
	struct fixture *f = *state;
	struct zone *z = NULL;
	struct signer_stats st;
	struct dl_error err = { 0, "" };
	assert_int_equal(sign(f, NULL, &z, &st, &err), 0);
	assert_int_equal(st.keys, 3);
	assert_int_equal(st.published, 3);
	assert_true(signs(z, "student.test.", LDNS_RR_TYPE_SOA, f->zsk_old));
	assert_true(signs(z, "student.test.", LDNS_RR_TYPE_SOA, f->zsk_new));
	assert_false(signs(z, "student.test.", LDNS_RR_TYPE_SOA, f->ksk));
	assert_true(signs(z, "student.test.", LDNS_RR_TYPE_DNSKEY, f->ksk));
	assert_int_equal(problems(z), 0);
	zone_free(z);
}

/* RFC 7583 3.2.1, step by step: publish the new ZSK, switch, remove the old. */
static void test_pre_publication_steps(void **state)
{
	struct fixture *f = *state;
	struct zone *z = NULL;
	struct signer_stats st;
	struct dl_error err = { 0, "" };

	struct keyroles publish = { .npublish_only = 1 };
	publish.publish_only[0] = f->zsk_new;
	assert_int_equal(sign(f, &publish, &z, &st, &err), 0);
	assert_int_equal(st.keys, 2);
	assert_int_equal(st.published, 3);
	assert_true(published(z, f->zsk_new));
	assert_true(signs(z, "student.test.", LDNS_RR_TYPE_SOA, f->zsk_old));
	assert_true(signs(z, "www.student.test.", LDNS_RR_TYPE_A, f->zsk_old));
	assert_false(signs(z, "student.test.", LDNS_RR_TYPE_SOA, f->zsk_new));
	assert_false(signs(z, "www.student.test.", LDNS_RR_TYPE_A, f->zsk_new));
	assert_false(signs(z, "student.test.", LDNS_RR_TYPE_DNSKEY, f->zsk_new));
	assert_true(signs(z, "student.test.", LDNS_RR_TYPE_DNSKEY, f->ksk));
	assert_int_equal(problems(z), 0);
	zone_free(z);

	struct keyroles sw = { .npublish_only = 1 };
	sw.publish_only[0] = f->zsk_old;
	assert_int_equal(sign(f, &sw, &z, &st, &err), 0);
	assert_true(published(z, f->zsk_old));
	assert_true(signs(z, "student.test.", LDNS_RR_TYPE_SOA, f->zsk_new));
	assert_false(signs(z, "student.test.", LDNS_RR_TYPE_SOA, f->zsk_old));
	assert_false(signs(z, "www.student.test.", LDNS_RR_TYPE_A, f->zsk_old));
	assert_int_equal(problems(z), 0);
	zone_free(z);

	struct keyroles rm = { .nwithout = 1 };
	rm.without[0] = f->zsk_old;
	assert_int_equal(sign(f, &rm, &z, &st, &err), 0);
	assert_int_equal(st.published, 2);
	assert_false(published(z, f->zsk_old));
	assert_true(published(z, f->zsk_new));
	assert_true(published(z, f->ksk));
	assert_true(signs(z, "www.student.test.", LDNS_RR_TYPE_A, f->zsk_new));
	assert_int_equal(problems(z), 0);
	zone_free(z);
}

static void test_unknown_tag_names_the_keys(void **state)
{
	struct fixture *f = *state;
	struct zone *z = NULL;
	struct signer_stats st;
	struct dl_error err = { 0, "" };
	uint16_t other = (uint16_t)(f->ksk + f->zsk_old + f->zsk_new + 1);
	while (other == f->ksk || other == f->zsk_old || other == f->zsk_new)
		other++;
	struct keyroles r = { .nwithout = 1 };
	r.without[0] = other;
	assert_int_equal(sign(f, &r, &z, &st, &err), DL_ERR_USAGE);
	assert_non_null(strstr(err.msg, "has no key with that tag"));
	char ksk[16];
	snprintf(ksk, sizeof ksk, "%u (KSK)", (unsigned)f->ksk);
	assert_non_null(strstr(err.msg, ksk));
}

static void test_no_key_left_to_sign(void **state)
{
	struct fixture *f = *state;
	struct zone *z = NULL;
	struct signer_stats st;
	struct dl_error err = { 0, "" };
	struct keyroles r = { .npublish_only = 2, .nwithout = 1 };
	r.publish_only[0] = f->zsk_old;
	r.publish_only[1] = f->zsk_new;
	r.without[0] = f->ksk;
	assert_int_equal(sign(f, &r, &z, &st, &err), DL_ERR_USAGE);
	assert_non_null(strstr(err.msg, "no key of student.test. is left to sign"));
	/* A key cannot be both published and left out. */
	struct keyroles both = { .npublish_only = 1, .nwithout = 1 };
	both.publish_only[0] = both.without[0] = f->zsk_old;
	assert_int_equal(sign(f, &both, &z, &st, &err), DL_ERR_USAGE);
	assert_non_null(strstr(err.msg, "both --publish-only and --without"));
}

/* With only the KSK signing, it signs everything (a CSK): still valid. */
static void test_ksk_alone_signs_all(void **state)
{
	struct fixture *f = *state;
	struct zone *z = NULL;
	struct signer_stats st;
	struct dl_error err = { 0, "" };
	struct keyroles r = { .nwithout = 2 };
	r.without[0] = f->zsk_old;
	r.without[1] = f->zsk_new;
	assert_int_equal(sign(f, &r, &z, &st, &err), 0);
	assert_true(signs(z, "www.student.test.", LDNS_RR_TYPE_A, f->ksk));
	assert_int_equal(problems(z), 0);
	zone_free(z);
}

static void test_tag_syntax(void **state)
{
	(void)state;
	struct keyroles r = { .nwithout = 0 };
	struct dl_error err = { 0, "" };
	assert_int_equal(keyroles_add(r.without, &r.nwithout, "12345", "--without", &err), 0);
	assert_int_equal(r.without[0], 12345);
	assert_int_equal(keyroles_add(r.without, &r.nwithout, "65536", "--without", &err), DL_ERR_USAGE);
	assert_int_equal(keyroles_add(r.without, &r.nwithout, "12a", "--without", &err), DL_ERR_USAGE);
	assert_int_equal(keyroles_add(r.without, &r.nwithout, "", "--without", &err), DL_ERR_USAGE);
	assert_non_null(strstr(err.msg, "give a key tag"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_key_signs_by_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pre_publication_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_tag_names_the_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_key_left_to_sign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ksk_alone_signs_all, setup, teardown),
		cmocka_unit_test(test_tag_syntax),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
