/* test_zone.c: unit tests for zone loading and checking (src/dns/zone.c):
 * the lab zones load with the right negative TTLs (RFC 2308), empty
 * non-terminals exist, and every kind of bad zone file is rejected with
 * "file:line: reason" naming the offending line and DL_ERR_INPUT (or
 * DL_ERR_ENV when the file cannot be read), the way named-checkzone would.
 *
 * Bad zones are written inline into a temporary directory, so each test
 * shows the text and the line it expects side by side. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "dns/zone.h"
#include "util/err.h"

/* ---- fixtures ---- */

static char tmpdir[64];
static char zpath[128]; /* the zone file of the current test */
static struct zone *cur; /* freed after each test, even a failed one */

static int group_setup(void **state)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/dnslab-test-zone-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(zpath, sizeof zpath, "%s/t.zone", tmpdir);
	return 0;
}

static int group_teardown(void **state)
{
	char sub[160];
	snprintf(sub, sizeof sub, "%s/adir", tmpdir);
	rmdir(sub);
	unlink(zpath);
	rmdir(tmpdir);
	return 0;
}

static int teardown(void **state)
{
	zone_free(cur);
	cur = NULL;
	unlink(zpath);
	return 0;
}

#define T(f) cmocka_unit_test_teardown(f, teardown)

/* ---- helpers ---- */

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* Load text as zone origin; returns zone_load's code, the zone in cur. */
static int load_text(const char *text, const char *origin, struct dl_error *err)
{
	write_file(zpath, text);
	return zone_load(zpath, origin, &cur, err);
}

/* Loading text as example.test. fails with DL_ERR_INPUT and exactly
 * "<file>:<line>: <reason>". */
static void expect_error_at(const char *text, const char *origin, int line, const char *reason,
			    const char *file, int at)
{
	struct dl_error err = { 0 };
	int rc = load_text(text, origin, &err);
	_assert_int_equal(rc, DL_ERR_INPUT, file, at);
	_assert_int_equal(err.code, DL_ERR_INPUT, file, at);
	_assert_true(cur == NULL, "no zone on error", file, at);
	char want[1200];
	snprintf(want, sizeof want, "%s:%d: %s", zpath, line, reason);
	_assert_string_equal(err.msg, want, file, at);
}

#define expect_error(text, line, reason) expect_error_at(text, "example.test.", line, reason, __FILE__, __LINE__)

/* A valid head: lines 1 to 3. */
#define HEAD "$ORIGIN example.test.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
/* Lines 1 to 4 with the apex NS. */
#define HEAD_NS HEAD "@ IN NS ns1\n"

static const ldns_dnssec_name *find(const struct zone *z, const char *name)
{
	ldns_rdf *n = ldns_dname_new_frm_str(name);
	assert_non_null(n);
	const ldns_dnssec_name *node = zone_find(z, n);
	ldns_rdf_deep_free(n);
	return node;
}

static size_t count_rrs(const ldns_dnssec_rrs *r)
{
	size_t n = 0;
	for (; r; r = r->next)
		n++;
	return n;
}

static size_t rrset_size(const struct zone *z, const char *name, ldns_rr_type t)
{
	const ldns_dnssec_rrsets *s = zone_rrset(find(z, name), t);
	return s ? count_rrs(s->rrs) : 0;
}

/* ---- the lab zones ---- */

static void test_load_example_zone(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(zone_load("zones/example.test.zone", "example.test.", &cur, &err), 0);
	assert_non_null(cur);
	assert_string_equal(cur->origin_str, "example.test.");
	assert_string_equal(cur->file, "zones/example.test.zone");
	/* 32 records: 8 at the apex, 23 below it, and big's TXT. */
	assert_int_equal(cur->nrecords, 32);
	assert_non_null(cur->soa);
	assert_int_equal(ldns_rr_get_type(cur->soa), LDNS_RR_TYPE_SOA);
	assert_int_equal(ldns_rr_ttl(cur->soa), 3600);
	assert_int_equal(ldns_rdf2native_int32(ldns_rr_rdf(cur->soa, 2)), 2026112501u);
	/* RFC 2308 5: min(SOA TTL 3600, SOA minimum 300). */
	assert_int_equal(cur->neg_ttl, 300);
	assert_int_equal(rrset_size(cur, "example.test.", LDNS_RR_TYPE_MX), 2);
	assert_int_equal(rrset_size(cur, "example.test.", LDNS_RR_TYPE_TXT), 2);
	assert_int_equal(rrset_size(cur, "_sip._tcp.example.test.", LDNS_RR_TYPE_SRV), 2);
	assert_int_equal(rrset_size(cur, "www.example.test.", LDNS_RR_TYPE_A), 1);
	assert_int_equal(rrset_size(cur, "www.example.test.", LDNS_RR_TYPE_MX), 0);
	/* big's seven strings are one record. */
	assert_int_equal(rrset_size(cur, "big.example.test.", LDNS_RR_TYPE_TXT), 1);
}

static void test_lab_zones_negative_ttl(void **state)
{
	static const struct {
		const char *file, *origin;
		uint32_t neg_ttl;
		size_t nrecords;
	} lab[] = {
		{ "zones/root.zone", ".", 3600, 10 },                  /* min(86400, 3600) */
		/* 22 records: SOA, NS, 4 A, example NS and its glue A, lame NS,
		 * the six teaching zones' NS with their glue A, and ns1.teach A
		 * (the lab adds the DS records when it signs; the file has none). */
		{ "zones/test.zone", "test.", 3600, 22 },              /* min(3600, 86400) */
		{ "zones/arpa.zone", "arpa.", 3600, 3 },               /* min(3600, 86400) */
		{ "zones/2.0.192.in-addr.arpa.zone", "2.0.192.in-addr.arpa.", 300, 13 },
		{ "zones/shop.example.test.zone", "shop.example.test.", 300, 7 },
		/* The DNSSEC teaching zones (min(3600, 300)): SOA, NS, the apex
		 * TXT, ns1 A, www A and AAAA, plus each zone's extras. */
		{ "zones/nsec3.test.zone", "nsec3.test.", 300, 8 },     /* + a.b A, *.wild TXT */
		{ "zones/island.test.zone", "island.test.", 300, 6 },
		{ "zones/unsigned.test.zone", "unsigned.test.", 300, 6 },
		{ "zones/expired.test.zone", "expired.test.", 300, 6 },
		{ "zones/wrongds.test.zone", "wrongds.test.", 300, 6 },
		{ "zones/badsig.test.zone", "badsig.test.", 300, 7 },   /* + ok A */
		{ "tests/unit/data/corner.test.zone", "corner.test.", 300, 35 }, /* min(900, 300) */
	};
	for (size_t i = 0; i < sizeof lab / sizeof lab[0]; i++) {
		struct dl_error err = { 0 };
		int rc = zone_load(lab[i].file, lab[i].origin, &cur, &err);
		if (rc)
			print_error("%s: %s\n", lab[i].file, err.msg);
		assert_int_equal(rc, 0);
		assert_int_equal(cur->neg_ttl, lab[i].neg_ttl);
		assert_int_equal(cur->nrecords, lab[i].nrecords);
		zone_free(cur);
		cur = NULL;
	}
}

static void test_empty_non_terminals_exist(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(zone_load("zones/example.test.zone", "example.test.", &cur, &err), 0);
	static const char *const ents[] = { "ent.example.test.", "wild.example.test.",
					    "_tcp.example.test.", "shop.example.test." };
	for (size_t i = 0; i < 3; i++) {
		const ldns_dnssec_name *n = find(cur, ents[i]);
		assert_non_null(n);
		assert_null(n->rrsets);
	}
	/* The cut has its NS: a node with data, not an ENT. */
	assert_non_null(zone_rrset(find(cur, ents[3]), LDNS_RR_TYPE_NS));
	assert_null(find(cur, "nothing.example.test."));
	assert_null(find(cur, "x.wild.example.test."));
	assert_null(zone_rrset(NULL, LDNS_RR_TYPE_A));
	zone_free(cur);
	cur = NULL;
	/* The reverse tree's skipped levels in arpa. */
	assert_int_equal(zone_load("zones/arpa.zone", "arpa.", &cur, &err), 0);
	static const char *const rev[] = { "in-addr.arpa.", "192.in-addr.arpa.", "0.192.in-addr.arpa." };
	for (size_t i = 0; i < 3; i++) {
		const ldns_dnssec_name *n = find(cur, rev[i]);
		assert_non_null(n);
		assert_null(n->rrsets);
	}
}

static void test_negative_soa(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(zone_load("zones/example.test.zone", "example.test.", &cur, &err), 0);
	ldns_rr *soa = zone_negative_soa(cur);
	assert_non_null(soa);
	assert_int_equal(ldns_rr_ttl(soa), 300);
	assert_int_equal(ldns_rr_compare(soa, cur->soa), 0); /* same data */
	assert_int_equal(ldns_rr_ttl(cur->soa), 3600);       /* the zone's copy untouched */
	ldns_rr_free(soa);
}

static void test_rrsigs_attach_to_their_rrset(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(zone_load("tests/unit/data/corner.test.zone", "corner.test.", &cur, &err), 0);
	const ldns_dnssec_rrsets *a = zone_rrset(find(cur, "www.corner.test."), LDNS_RR_TYPE_A);
	assert_non_null(a);
	assert_int_equal(count_rrs(a->rrs), 1);
	assert_int_equal(count_rrs(a->signatures), 1);
	assert_null(zone_rrset(find(cur, "www.corner.test."), LDNS_RR_TYPE_RRSIG));
	/* Occluded data below a cut is kept (it is legal, only never answered). */
	assert_int_equal(rrset_size(cur, "hidden.sub.corner.test.", LDNS_RR_TYPE_A), 1);
}

/* ---- syntax errors: the line of the offending record ---- */

static void test_bad_rdata_line(void **state)
{
	expect_error(HEAD_NS "www IN A 192.0.2.1\nmail IN A 999.0.2.1\n", 6,
		     "Syntax error, could not parse the RR's rdata: mail IN A 999.0.2.1");
}

static void test_bad_rdata_after_comments_and_parens(void **state)
{
	/* A multi-line SOA, comments and blank lines all count as lines. */
	expect_error("$ORIGIN example.test.\n"                /* 1 */
		     "$TTL 3600\n"                            /* 2 */
		     "; the apex\n"                           /* 3 */
		     "@ IN SOA ns1 hostmaster (\n"            /* 4 */
		     "        1 7200 3600\n"                  /* 5 */
		     "        1209600 300 ) ; minimum\n"      /* 6 */
		     "@ IN NS ns1\n"                          /* 7 */
		     "\n"                                     /* 8 */
		     "; hosts\n"                              /* 9 */
		     "ns1 IN AAAA 2001:db8::zz\n",            /* 10 */
		     10, "Syntax error, could not parse the RR's rdata: ns1 IN AAAA 2001:db8::zz");
}

static void test_bad_rdata_in_multiline_record(void **state)
{
	expect_error(HEAD_NS "mx IN MX ( 10\n   bad..name. )\nwww IN A 192.0.2.1\n", 6,
		     /* the error names the record's last line, where ldns stopped */
		     "Syntax error, could not parse the RR's rdata: bad..name. )");
}

static void test_superfluous_text(void **state)
{
	expect_error(HEAD_NS "www IN A 192.0.2.1 192.0.2.2\n", 5,
		     "Syntax error, superfluous text present: www IN A 192.0.2.1 192.0.2.2");
}

static void test_soa_missing_field(void **state)
{
	expect_error("$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600\n@ IN NS ns1\n", 2,
		     "Syntax error, value expected: @ IN SOA ns1 hostmaster 1 7200 3600 1209600");
}

/* ---- semantic errors ---- */

static void test_owner_outside_zone(void **state)
{
	expect_error(HEAD_NS "www.other.test. IN A 192.0.2.1\n", 5,
		     "www.other.test. is outside the zone example.test.");
}

static void test_owner_outside_zone_lookalike(void **state)
{
	/* Containment is by labels: notexample.test. is not below example.test. */
	expect_error(HEAD_NS "notexample.test. IN A 192.0.2.1\n", 5,
		     "notexample.test. is outside the zone example.test.");
}

static void test_origin_moved_outside_zone(void **state)
{
	expect_error(HEAD_NS "$ORIGIN other.test.\nwww IN A 192.0.2.1\n", 6,
		     "www.other.test. is outside the zone example.test.");
}

#define CNAME_CLASH " has a CNAME and other data; a CNAME must be alone at its name (RFC 2181 10.1)"

static void test_cname_after_other_data(void **state)
{
	expect_error(HEAD_NS "www IN A 192.0.2.1\nwww IN CNAME mail\n", 6, "www.example.test." CNAME_CLASH);
}

static void test_other_data_after_cname(void **state)
{
	expect_error(HEAD_NS "www IN CNAME mail\nwww IN TXT \"x\"\n", 6, "www.example.test." CNAME_CLASH);
}

static void test_two_different_cnames(void **state)
{
	expect_error(HEAD_NS "www IN CNAME mail\nwww IN CNAME mail2\n", 6,
		     "www.example.test. has a second CNAME; an alias points to exactly one name (RFC 1034 3.6.2)");
}

static void test_cname_at_apex(void **state)
{
	expect_error(HEAD_NS "@ IN CNAME www\n", 5, "example.test." CNAME_CLASH);
}

static void test_cname_with_dnssec_records(void **state)
{
	/* RFC 4035 2.5: RRSIG and NSEC may sit beside a CNAME. */
	struct dl_error err = { 0 };
	assert_int_equal(load_text(HEAD_NS
				   "x IN CNAME www\n"
				   "x IN RRSIG CNAME 13 3 3600 20300101000000 20200101000000 1 example.test. dGVzdA==\n"
				   "x IN NSEC z.example.test. CNAME RRSIG NSEC\n",
				   "example.test.", &err),
			 0);
	assert_int_equal(cur->nrecords, 5);
	assert_int_equal(rrset_size(cur, "x.example.test.", LDNS_RR_TYPE_CNAME), 1);
	/* ldns keeps a name's NSEC apart from its RRsets. */
	assert_non_null(find(cur, "x.example.test.")->nsec);
}

static void test_identical_cname_is_a_duplicate(void **state)
{
	/* RFC 2181 5: an identical record repeated is a duplicate, dropped like
	 * any other, not "a CNAME and other data". */
	struct dl_error err = { 0 };
	int rc = load_text(HEAD_NS "www IN CNAME mail\nwww IN CNAME mail\n", "example.test.", &err);
	if (rc)
		print_error("%s\n", err.msg);
	assert_int_equal(rc, 0);
	assert_int_equal(cur->nrecords, 3);
	assert_int_equal(rrset_size(cur, "www.example.test.", LDNS_RR_TYPE_CNAME), 1);
}

static void test_second_soa(void **state)
{
	expect_error(HEAD_NS "www IN A 192.0.2.1\n@ IN SOA ns1 hostmaster 2 7200 3600 1209600 300\n", 6,
		     "a second SOA record; a zone has exactly one");
}

static void test_soa_below_apex(void **state)
{
	expect_error("$ORIGIN example.test.\n$TTL 3600\nsub IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n",
		     3, "the SOA must be at the zone apex example.test.");
}

static void test_other_class(void **state)
{
	expect_error(HEAD_NS "www CH A 192.0.2.1\n", 5, "only class IN is served");
}

static void test_include_rejected(void **state)
{
	expect_error(HEAD_NS "$INCLUDE hosts.zone\nwww IN A 192.0.2.1\n", 5,
		     "$INCLUDE is not supported; put the records in this file");
}

/* ---- whole-zone checks: reported at the last line ---- */

static void test_missing_soa(void **state)
{
	expect_error("$ORIGIN example.test.\n$TTL 3600\n@ IN NS ns1\nns1 IN A 192.0.2.53\n", 4,
		     "no SOA record for example.test.; a zone starts with one");
}

static void test_missing_soa_empty_file(void **state)
{
	/* Lines count from 1: an empty file's only position is line 1. */
	expect_error("", 1, "no SOA record for example.test.; a zone starts with one");
}

static void test_missing_apex_ns(void **state)
{
	/* A delegation's NS is not the apex NS. */
	expect_error(HEAD "sub IN NS ns.sub\nns.sub IN A 192.0.2.54\n", 5,
		     "no NS records at the apex of example.test.");
}

/* ---- files and origins ---- */

static void test_missing_file(void **state)
{
	struct dl_error err = { 0 };
	char path[160];
	snprintf(path, sizeof path, "%s/no-such.zone", tmpdir);
	assert_int_equal(zone_load(path, "example.test.", &cur, &err), DL_ERR_ENV);
	assert_null(cur);
	assert_int_equal(err.code, DL_ERR_ENV);
	char want[300];
	snprintf(want, sizeof want, "cannot open zone file %s: No such file or directory", path);
	assert_string_equal(err.msg, want);
	/* DL_ERR_ENV is exit status 3; DL_ERR_INPUT is 2. */
	assert_int_equal(dl_exit_status(DL_ERR_ENV), 3);
	assert_int_equal(dl_exit_status(DL_ERR_INPUT), 2);
}

static void test_directory_is_unreadable(void **state)
{
	/* A directory opens with fopen but cannot be read (EISDIR).  The load
	 * must fail with DL_ERR_ENV, not loop forever: run it in a child and
	 * give it 5 seconds. */
	char dir[160];
	snprintf(dir, sizeof dir, "%s/adir", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		struct zone *z = NULL;
		struct dl_error err = { 0 };
		int rc = zone_load(dir, "example.test.", &z, &err);
		int8_t code = (int8_t)rc;
		(void)!write(fds[1], &code, 1);
		(void)!write(fds[1], err.msg, strlen(err.msg));
		_exit(0);
	}
	close(fds[1]);
	int status = 0;
	pid_t done = 0;
	for (int i = 0; i < 500 && done == 0; i++) {
		done = waitpid(pid, &status, WNOHANG);
		if (done == 0)
			nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	if (done == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	char buf[1100] = "";
	ssize_t n = done ? read(fds[0], buf, sizeof buf - 1) : 0;
	close(fds[0]);
	rmdir(dir);
	if (done == 0)
		fail_msg("zone_load(\"%s\") did not return within 5 s (a directory)", dir);
	assert_true(n >= 1);
	buf[n] = '\0';
	assert_int_equal((int8_t)buf[0], DL_ERR_ENV);
	assert_non_null(strstr(buf + 1, dir));
}

static void test_invalid_origin(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(zone_load("zones/example.test.zone", "a..b", &cur, &err), DL_ERR_INPUT);
	assert_null(cur);
	assert_string_equal(err.msg, "'a..b' is not a valid zone name");
}

/* ---- duplicates (RFC 2181 5) ---- */

static void test_duplicates_dropped_silently(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(load_text(HEAD_NS
				   "www IN A 192.0.2.1\n"
				   "www IN A 192.0.2.2\n"
				   "www 60 IN A 192.0.2.1\n" /* same data, other TTL */
				   "WWW IN A 192.0.2.2\n"   /* same name, other case */
				   "@ IN NS ns1.example.test.\n",
				   "example.test.", &err),
			 0);
	assert_int_equal(cur->nrecords, 4);
	assert_int_equal(rrset_size(cur, "www.example.test.", LDNS_RR_TYPE_A), 2);
	assert_int_equal(rrset_size(cur, "example.test.", LDNS_RR_TYPE_NS), 1);
}

static void test_duplicate_rrsig_dropped(void **state)
{
	/* An RRSIG is kept with the RRset it covers, so a repeated one must be
	 * found there and dropped (and freed: LeakSanitizer checks). */
	struct dl_error err = { 0 };
	assert_int_equal(load_text(HEAD_NS
				   "www IN A 192.0.2.1\n"
				   "www IN RRSIG A 13 3 3600 20300101000000 20200101000000 1 example.test. dGVzdA==\n"
				   "www IN RRSIG A 13 3 3600 20300101000000 20200101000000 1 example.test. dGVzdA==\n",
				   "example.test.", &err),
			 0);
	const ldns_dnssec_rrsets *a = zone_rrset(find(cur, "www.example.test."), LDNS_RR_TYPE_A);
	assert_non_null(a);
	assert_int_equal(count_rrs(a->signatures), 1);
	assert_int_equal(cur->nrecords, 4);
}

static void test_duplicate_nsec_dropped(void **state)
{
	/* ldns keeps one NSEC per name (name->nsec): an identical second one is
	 * a duplicate to drop (and free: LeakSanitizer checks). */
	struct dl_error err = { 0 };
	assert_int_equal(load_text(HEAD_NS
				   "x IN A 192.0.2.1\n"
				   "x IN NSEC z.example.test. A RRSIG NSEC\n"
				   "x IN NSEC z.example.test. A RRSIG NSEC\n",
				   "example.test.", &err),
			 0);
	assert_non_null(find(cur, "x.example.test.")->nsec);
	assert_int_equal(cur->nrecords, 4);
}

static void test_second_different_nsec_rejected(void **state)
{
	/* One owner, one NSEC (RFC 4034 4): a second, different NSEC at the same
	 * name cannot be part of a valid chain.  It must be an error naming its
	 * line, not a silent overwrite of the first. */
	struct dl_error err = { 0 };
	int rc = load_text(HEAD_NS
			   "x IN A 192.0.2.1\n"
			   "x IN NSEC z.example.test. A RRSIG NSEC\n"
			   "x IN NSEC y.example.test. A RRSIG NSEC\n",
			   "example.test.", &err);
	assert_int_equal(rc, DL_ERR_INPUT);
	assert_null(cur);
	char prefix[160];
	snprintf(prefix, sizeof prefix, "%s:7: ", zpath);
	if (strncmp(err.msg, prefix, strlen(prefix)) != 0)
		fail_msg("message '%s' does not start with '%s'", err.msg, prefix);
}

/* ---- negative TTL (RFC 2308 5) ---- */

static void test_negative_ttl_computed(void **state)
{
	static const struct {
		const char *soa;
		uint32_t neg;
	} cases[] = {
		{ "@ 100 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n", 100 },
		{ "@ 600 IN SOA ns1 hostmaster 1 7200 3600 1209600 60\n", 60 },
		{ "@ 300 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n", 300 },
		{ "@ 0 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[256];
		snprintf(text, sizeof text, "$ORIGIN example.test.\n$TTL 3600\n%s@ IN NS ns1\n", cases[i].soa);
		struct dl_error err = { 0 };
		assert_int_equal(load_text(text, "example.test.", &err), 0);
		assert_int_equal(cur->neg_ttl, cases[i].neg);
		ldns_rr *soa = zone_negative_soa(cur);
		assert_int_equal(ldns_rr_ttl(soa), cases[i].neg);
		ldns_rr_free(soa);
		zone_free(cur);
		cur = NULL;
	}
}

static void test_directives_apply(void **state)
{
	/* $TTL sets later records' TTL; $ORIGIN moves relative names. */
	struct dl_error err = { 0 };
	assert_int_equal(load_text(HEAD_NS
				   "$TTL 60\n"
				   "www IN A 192.0.2.1\n"
				   "$ORIGIN sub.example.test.\n"
				   "host IN A 192.0.2.2\n"
				   "@ 120 IN TXT \"at sub\"\n",
				   "example.test.", &err),
			 0);
	const ldns_dnssec_rrsets *s = zone_rrset(find(cur, "www.example.test."), LDNS_RR_TYPE_A);
	assert_non_null(s);
	assert_int_equal(ldns_rr_ttl(s->rrs->rr), 60);
	s = zone_rrset(find(cur, "host.sub.example.test."), LDNS_RR_TYPE_A);
	assert_non_null(s);
	assert_int_equal(ldns_rr_ttl(s->rrs->rr), 60);
	s = zone_rrset(find(cur, "sub.example.test."), LDNS_RR_TYPE_TXT);
	assert_non_null(s);
	assert_int_equal(ldns_rr_ttl(s->rrs->rr), 120);
	/* The SOA keeps the $TTL that was in force on its line. */
	assert_int_equal(ldns_rr_ttl(cur->soa), 3600);
	assert_int_equal(cur->nrecords, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_load_example_zone),
		T(test_lab_zones_negative_ttl),
		T(test_empty_non_terminals_exist),
		T(test_negative_soa),
		T(test_rrsigs_attach_to_their_rrset),
		T(test_bad_rdata_line),
		T(test_bad_rdata_after_comments_and_parens),
		T(test_bad_rdata_in_multiline_record),
		T(test_superfluous_text),
		T(test_soa_missing_field),
		T(test_owner_outside_zone),
		T(test_owner_outside_zone_lookalike),
		T(test_origin_moved_outside_zone),
		T(test_cname_after_other_data),
		T(test_other_data_after_cname),
		T(test_two_different_cnames),
		T(test_cname_at_apex),
		T(test_cname_with_dnssec_records),
		T(test_identical_cname_is_a_duplicate),
		T(test_second_soa),
		T(test_soa_below_apex),
		T(test_other_class),
		T(test_include_rejected),
		T(test_missing_soa),
		T(test_missing_soa_empty_file),
		T(test_missing_apex_ns),
		T(test_missing_file),
		T(test_directory_is_unreadable),
		T(test_invalid_origin),
		T(test_duplicates_dropped_silently),
		T(test_duplicate_rrsig_dropped),
		T(test_duplicate_nsec_dropped),
		T(test_second_different_nsec_rejected),
		T(test_negative_ttl_computed),
		T(test_directives_apply),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
