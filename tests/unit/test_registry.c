/* test_registry.c: unit tests for the lab's domain registry
 * (src/lab/registry.c): the file round-trips, each invalid request is
 * refused with its reason and changes nothing, serials follow RFC 1982, a
 * corrupt file is "file:line: reason" and never reset, the registry's
 * directory follows the workspace, and its records go into the TLD zone
 * with the served serial. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns/zone.h"
#include "lab/registry.h"
#include "util/err.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/dnslab-test-reg-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

static void write_file(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static struct registry *empty(void)
{
	struct registry *r = NULL;
	struct dl_error err = { 0, "" };
	assert_int_equal(registry_load(dir, "test.", &r, &err), 0);
	assert_int_equal(r->n, 0);
	assert_false(r->has_serial);
	return r;
}

/* register NAME with ns[] and glue[] into r, as the registrar does. */
static int delegate(struct registry *r, const char *name, char **ns, size_t nns, char **glue, size_t nglue,
		    struct dl_error *err)
{
	ldns_rdf *d = NULL;
	ldns_rr_list *nsl = NULL, *gl = NULL, *out = NULL;
	int rc = registry_check_name(r, name, &d, err);
	if (!rc)
		rc = registry_build_delegation(d, ns, nns, glue, nglue, 172800, &nsl, &gl, &out, err);
	if (!rc) {
		struct reg_domain *dom = registry_add(r, d, 1000, 2000);
		assert_non_null(dom);
		ldns_rr_list_deep_free(dom->ns);
		ldns_rr_list_deep_free(dom->glue);
		dom->ns = nsl;
		dom->glue = gl;
		dom->serial = 2026112502;
	}
	ldns_rr_list_deep_free(out);
	ldns_rdf_deep_free(d);
	return rc;
}

static void test_round_trip(void **state)
{
	(void)state;
	struct registry *r = empty();
	struct dl_error err = { 0, "" };
	char *ns[] = { "ns1.student.test", "ns.example.test." };
	char *glue[] = { "127.53.3.1" };
	assert_int_equal(delegate(r, "Student.test", ns, 2, glue, 1, &err), 0);
	ldns_rr *ds = NULL;
	assert_int_equal(ldns_rr_new_frm_str(&ds, "student.test. 172800 IN DS 6078 13 2 "
						  "C39BAB3BEEBF4FD32C313B13D770C200D04014CBC87EEDE8C10FF917E7728B53",
					     0, NULL, NULL),
			 LDNS_STATUS_OK);
	ldns_rr_list_push_rr(r->domains[0].ds, ds);
	r->serial = 2026112502;
	r->has_serial = true;
	assert_int_equal(registry_log(r, 1000, 2000, "registrar (me)", "student.test.", 2026112502,
				      "register student.test.: \"quoted\" \\ back"),
			 0);
	assert_int_equal(registry_save(r, &err), 0);
	registry_free(r);

	struct registry *back = NULL;
	assert_int_equal(registry_load(dir, "test.", &back, &err), 0);
	assert_int_equal(back->n, 1);
	assert_true(back->has_serial);
	assert_int_equal(back->serial, 2026112502);
	const struct reg_domain *d = &back->domains[0];
	char *name = ldns_rdf2str(d->name);
	assert_string_equal(name, "student.test."); /* lowercased */
	free(name);
	assert_int_equal(ldns_rr_list_rr_count(d->ns), 2);
	assert_int_equal(ldns_rr_list_rr_count(d->glue), 1);
	assert_int_equal(ldns_rr_list_rr_count(d->ds), 1);
	assert_int_equal(d->created, 1000);
	assert_int_equal(d->created_lab, 2000);
	assert_int_equal(d->serial, 2026112502);
	assert_int_equal(back->nlog, 1);
	assert_string_equal(back->log[0].what, "register student.test.: \"quoted\" \\ back");
	assert_string_equal(back->log[0].domain, "student.test.");
	registry_free(back);
}

/* delete: the domain goes, the others stay in order, and a saved registry
 * with none left loads back empty but keeps its serial and log. */
static void test_remove(void **state)
{
	(void)state;
	struct registry *r = empty();
	struct dl_error err = { 0, "" };
	char *ns1[] = { "ns1.one.test" }, *ns2[] = { "ns1.two.test" }, *ns3[] = { "ns1.three.test" };
	char *g1[] = { "127.53.3.1" }, *g2[] = { "127.53.3.2" }, *g3[] = { "127.53.3.3" };
	assert_int_equal(delegate(r, "one.test", ns1, 1, g1, 1, &err), 0);
	assert_int_equal(delegate(r, "two.test", ns2, 1, g2, 1, &err), 0);
	assert_int_equal(delegate(r, "three.test", ns3, 1, g3, 1, &err), 0);
	ldns_rdf *two = ldns_dname_new_frm_str("two.test.");
	registry_remove(r, registry_find(r, two));
	assert_int_equal(r->n, 2);
	assert_null(registry_find(r, two));
	char *a = ldns_rdf2str(r->domains[0].name), *b = ldns_rdf2str(r->domains[1].name);
	assert_string_equal(a, "one.test.");
	assert_string_equal(b, "three.test.");
	free(a);
	free(b);
	registry_remove(r, &r->domains[0]);
	registry_remove(r, &r->domains[0]);
	assert_int_equal(r->n, 0);
	r->serial = 2026112504;
	r->has_serial = true;
	assert_int_equal(registry_log(r, 1, 2, "registrar (me)", "two.test.", 2026112504, "delete two.test."), 0);
	assert_int_equal(registry_save(r, &err), 0);
	registry_free(r);
	struct registry *back = NULL;
	assert_int_equal(registry_load(dir, "test.", &back, &err), 0);
	assert_int_equal(back->n, 0);
	assert_int_equal(back->serial, 2026112504);
	assert_int_equal(back->nlog, 1);
	registry_free(back);
	ldns_rdf_deep_free(two);
}

/* Each invalid request: refused with its reason. */
static void expect_refused(const char *name, char **ns, size_t nns, char **glue, size_t nglue, const char *why)
{
	struct registry *r = empty();
	struct dl_error err = { 0, "" };
	int rc = delegate(r, name, ns, nns, glue, nglue, &err);
	assert_true(rc == DL_ERR_INPUT || rc == DL_ERR_USAGE);
	if (!strstr(err.msg, why))
		fail_msg("'%s' lacks '%s'", err.msg, why);
	assert_int_equal(r->n, 0); /* nothing changed */
	registry_free(r);
}

static void test_invalid_requests(void **state)
{
	(void)state;
	char *one[] = { "ns1.student.test" };
	char *outside[] = { "ns1.example.test" };
	char *twice[] = { "ns1.student.test", "NS1.student.test." };
	char *bad_ns[] = { "ns1..student.test" };
	char *glue_ok[] = { "127.53.3.1" };
	char *glue_bad[] = { "300.1.2.3" };
	char *glue_far[] = { "192.0.2.1" };
	char *glue_other[] = { "ns9.student.test=127.53.3.1" };
	expect_refused("stu_dent.test", one, 1, glue_ok, 1, "only letters, digits and hyphens");
	expect_refused("-student.test", one, 1, glue_ok, 1, "starts or ends with a hyphen");
	expect_refused("www.student.test", one, 1, glue_ok, 1, "one label directly under test.");
	expect_refused("student.example", one, 1, glue_ok, 1, "one label directly under test.");
	expect_refused("test", one, 1, glue_ok, 1, "one label directly under test.");
	expect_refused("student.test", one, 1, NULL, 0, "has no address");
	expect_refused("student.test", bad_ns, 1, NULL, 0, "empty label");
	expect_refused("student.test", twice, 2, glue_ok, 1, "listed twice");
	expect_refused("student.test", one, 1, glue_bad, 1, "not an IPv4 or IPv6 address");
	expect_refused("student.test", one, 1, glue_far, 1, "not a lab address");
	expect_refused("student.test", one, 1, glue_other, 1, "not one of the name servers");
	expect_refused("student.test", outside, 1, glue_ok, 1, "takes no glue");
	expect_refused("student.test", NULL, 0, NULL, 0, "at least one name server");
}

static void test_outside_ns_returned(void **state)
{
	(void)state;
	struct registry *r = empty();
	struct dl_error err = { 0, "" };
	ldns_rdf *d = ldns_dname_new_frm_str("student.test.");
	char *ns[] = { "ns1.student.test", "ns1.example.test", "ns2.student.test" };
	char *glue[] = { "ns1.student.test=127.53.3.1", "ns2.student.test=::1" };
	ldns_rr_list *nsl = NULL, *gl = NULL, *out = NULL;
	assert_int_equal(registry_build_delegation(d, ns, 3, glue, 2, 3600, &nsl, &gl, &out, &err), 0);
	assert_int_equal(ldns_rr_list_rr_count(nsl), 3);
	assert_int_equal(ldns_rr_list_rr_count(gl), 2);
	assert_int_equal(ldns_rr_get_type(ldns_rr_list_rr(gl, 1)), LDNS_RR_TYPE_AAAA);
	assert_int_equal(ldns_rr_list_rr_count(out), 1); /* the caller asks the lab for its address */
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(nsl, 0)), 3600);
	/* Two name servers inside: --glue ADDR alone is ambiguous. */
	char *bare[] = { "127.53.3.1" };
	ldns_rr_list *n2 = NULL, *g2 = NULL, *o2 = NULL;
	char *two[] = { "ns1.student.test", "ns2.student.test" };
	assert_int_equal(registry_build_delegation(d, two, 2, bare, 1, 3600, &n2, &g2, &o2, &err), DL_ERR_USAGE);
	assert_non_null(strstr(err.msg, "--glue NSNAME=127.53.3.1"));
	assert_null(n2);
	ldns_rr_list_deep_free(nsl);
	ldns_rr_list_deep_free(gl);
	ldns_rr_list_deep_free(out);
	ldns_rdf_deep_free(d);
	registry_free(r);
}

static void test_serials(void **state)
{
	(void)state;
	assert_true(registry_serial_gt(2, 1));
	assert_false(registry_serial_gt(1, 2));
	assert_false(registry_serial_gt(5, 5));
	assert_true(registry_serial_gt(1, 0xffffffffu)); /* wrapped: 1 follows 2^32-1 */
	assert_false(registry_serial_gt(0xffffffffu, 1));
	struct registry r = { .tld = "test." };
	assert_int_equal(registry_served_serial(&r, 2026112501), 2026112501);
	assert_int_equal(registry_next_serial(&r, 2026112501), 2026112502);
	r.has_serial = true;
	r.serial = 2026112505;
	assert_int_equal(registry_next_serial(&r, 2026112501), 2026112506);
	/* An instructor raised the file's serial past the registry's: never below it. */
	assert_int_equal(registry_served_serial(&r, 2026120100), 2026120100);
	assert_int_equal(registry_next_serial(&r, 2026120100), 2026120101);
	r.serial = 0xffffffffu;
	assert_int_equal(registry_next_serial(&r, 0xfffffff0u), 0); /* RFC 1982 wrap */
	assert_int_equal(registry_next_serial(&r, 100), 101); /* 2^32-1 is not after 100 */
}

static void expect_corrupt(const char *text, const char *where, const char *why)
{
	write_file("test.yaml", text);
	struct registry *r = NULL;
	struct dl_error err = { 0, "" };
	assert_int_equal(registry_load(dir, "test.", &r, &err), DL_ERR_INPUT);
	assert_null(r);
	char want[128];
	snprintf(want, sizeof want, "%s/test.yaml:%s", dir, where);
	if (!strstr(err.msg, want) || !strstr(err.msg, why))
		fail_msg("'%s' lacks '%s' or '%s'", err.msg, want, why);
	/* Never reset: the file is as it was. */
	char path[128], buf[2048] = "";
	snprintf(path, sizeof path, "%s/test.yaml", dir);
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	size_t n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	assert_string_equal(buf, text);
}

static void test_corrupt_file(void **state)
{
	(void)state;
	expect_corrupt("tld: test.\ndomains: [\n", "3", "");
	expect_corrupt("tld: example.\n", "1", "not of test.");
	expect_corrupt("tld: test.\nserial: lots\n", "2", "a serial is a number");
	expect_corrupt("tld: test.\ncolour: blue\n", "2", "unknown key");
	expect_corrupt("tld: test.\ndomains:\n  - name: student.test.\n    created: \"2026-11-25T10:00:00Z\"\n"
		       "    created-lab: \"2026-11-25T10:00:00Z\"\n    updated: \"yesterday\"\n"
		       "    updated-lab: \"2026-11-25T10:00:00Z\"\n    serial: 1\n    records: []\n",
		       "6", "not a time");
	expect_corrupt("tld: test.\ndomains:\n  - name: student.test.\n    created: \"2026-11-25T10:00:00Z\"\n"
		       "    created-lab: \"2026-11-25T10:00:00Z\"\n    updated: \"2026-11-25T10:00:00Z\"\n"
		       "    updated-lab: \"2026-11-25T10:00:00Z\"\n    serial: 1\n    records:\n"
		       "      - \"student.test. 3600 IN NS\"\n",
		       "10", "");
	expect_corrupt("tld: test.\ndomains:\n  - name: student.test.\n    created: \"2026-11-25T10:00:00Z\"\n"
		       "    created-lab: \"2026-11-25T10:00:00Z\"\n    updated: \"2026-11-25T10:00:00Z\"\n"
		       "    updated-lab: \"2026-11-25T10:00:00Z\"\n    serial: 1\n    records:\n"
		       "      - \"www.example.test. 3600 IN A 127.0.0.1\"\n",
		       "10", "not this");
	expect_corrupt("tld: test.\ndomains:\n  - name: a.b.test.\n", "3", "one label directly under");
}

static void test_dir(void **state)
{
	(void)state;
	char buf[4400], topo[256], want[256];
	/* A workspace: WORKDIR/zones/lab.yaml -> WORKDIR/registry. */
	snprintf(topo, sizeof topo, "%s/zones", dir);
	assert_int_equal(mkdir(topo, 0700), 0);
	snprintf(topo, sizeof topo, "%s/zones/lab.yaml", dir);
	write_file("zones/lab.yaml", "servers: []\n");
	snprintf(want, sizeof want, "%s/registry", dir);
	char real[4096];
	assert_non_null(realpath(dir, real));
	snprintf(want, sizeof want, "%s/registry", real);
	assert_string_equal(registry_dir(topo, buf, sizeof buf), want);
	/* Another topology file: beside it. */
	snprintf(topo, sizeof topo, "%s/mylab.yaml", dir);
	write_file("mylab.yaml", "servers: []\n");
	assert_string_equal(registry_dir(topo, buf, sizeof buf), want);
	/* The default lab: the student's own directory. */
	setenv("DNSLAB_HOME", dir, 1);
	snprintf(want, sizeof want, "%s/registry", dir);
	assert_string_equal(registry_dir(NULL, buf, sizeof buf), want);
	unsetenv("DNSLAB_HOME");
	assert_true(registry_is_tld("test."));
	assert_false(registry_is_tld("arpa."));
	assert_false(registry_is_tld("."));
	assert_false(registry_is_tld("example.test."));
}

static void test_apply(void **state)
{
	(void)state;
	char zonedir[128], topo[160], zfile[200];
	snprintf(zonedir, sizeof zonedir, "%s/zones", dir);
	assert_int_equal(mkdir(zonedir, 0700), 0);
	snprintf(topo, sizeof topo, "%s/lab.yaml", zonedir);
	snprintf(zfile, sizeof zfile, "%s/test.zone", zonedir);
	write_file("zones/lab.yaml", "servers: []\n");
	write_file("zones/test.zone", "$ORIGIN test.\n$TTL 3600\n@ SOA ns1.nic.test. h.nic.test. 2026112501 1 1 1 1\n"
				      "@ NS ns1.nic.test.\nns1.nic A 127.53.1.1\nexample NS ns1.example.test.\n");
	struct registry *r = NULL;
	struct dl_error err = { 0, "" };
	char regdir[200];
	assert_int_equal(mkdir(strcat(strcpy(regdir, dir), "/registry"), 0700), 0);
	assert_int_equal(registry_load(regdir, "test.", &r, &err), 0);
	char *ns[] = { "ns1.student.test" };
	char *glue[] = { "127.53.3.1" };
	assert_int_equal(delegate(r, "student.test", ns, 1, glue, 1, &err), 0);
	r->has_serial = true;
	r->serial = 2026112507;
	assert_int_equal(registry_save(r, &err), 0);

	struct zone *z = NULL;
	assert_int_equal(zone_load(zfile, "test.", &z, &err), 0);
	assert_int_equal(registry_apply(topo, z, &err), 0);
	assert_int_equal(ldns_rdf2native_int32(ldns_rr_rdf(z->soa, 2)), 2026112507);
	ldns_rdf *st = ldns_dname_new_frm_str("student.test."), *g = ldns_dname_new_frm_str("ns1.student.test.");
	assert_non_null(zone_rrset(zone_find(z, st), LDNS_RR_TYPE_NS));
	assert_non_null(zone_rrset(zone_find(z, g), LDNS_RR_TYPE_A));
	zone_free(z);

	/* A name the zone file holds itself is not the registry's. */
	ldns_rdf *ex = ldns_dname_new_frm_str("example.test.");
	struct reg_domain *d = registry_add(r, ex, 1, 1);
	ldns_rr *rr = NULL;
	ldns_rr_new_frm_str(&rr, "example.test. 3600 IN NS ns1.example.test.", 0, NULL, NULL);
	ldns_rr_list_push_rr(d->ns, rr);
	assert_int_equal(registry_save(r, &err), 0);
	assert_int_equal(zone_load(zfile, "test.", &z, &err), 0);
	assert_int_equal(registry_apply(topo, z, &err), DL_ERR_INPUT);
	assert_non_null(strstr(err.msg, "example.test. is registered in the registry"));
	zone_free(z);
	ldns_rdf_deep_free(ex);
	ldns_rdf_deep_free(st);
	ldns_rdf_deep_free(g);
	registry_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_round_trip), T(test_remove), T(test_invalid_requests), T(test_outside_ns_returned), T(test_serials),
		T(test_corrupt_file), T(test_dir), T(test_apply),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
