/* test_session.c: unit tests for the session loader (src/lab/session.c):
 * the four sessions in labs/ load as the series gives them, a good session
 * with exercises loads with its names made absolute and its types upper
 * case, and every mistake an instructor can make in a lab file is reported
 * as "file:line: reason" with DL_ERR_INPUT.
 *
 * Lab files are written inline into a temporary data directory, so each test
 * shows the text and the line it expects side by side. */
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

#include "lab/session.h"
#include "util/err.h"

static char data[64];   /* the temporary data directory */
static char sdir[128];  /* data/labs/dns101 */
static struct session *cur;

static void rm_files(void)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -f %s/*", sdir);
	assert_int_equal(system(cmd), 0);
}

static int group_setup(void **state)
{
	snprintf(data, sizeof data, "/tmp/dnslab-test-session-XXXXXX");
	if (!mkdtemp(data))
		return -1;
	char labs[128];
	snprintf(labs, sizeof labs, "%s/labs", data);
	snprintf(sdir, sizeof sdir, "%s/dns101", labs);
	return mkdir(labs, 0700) || mkdir(sdir, 0700);
}

static int group_teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", data);
	return system(cmd) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	session_free(cur);
	cur = NULL;
	rm_files();
	return 0;
}

#define T(f) cmocka_unit_test_teardown(f, teardown)

static void put(const char *name, const char *text)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", sdir, name);
	FILE *fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* session.yaml with one exercise file, 01.yaml (lines 1 to 8). */
#define SESSION                                   \
	"id: dns101\n"                            \
	"title: DNS 101\n"                        \
	"summary: >\n"                            \
	"  How the DNS works.\n"                  \
	"series: https://ispcp.info/webinars\n"   \
	"passcode: \"&qNN82!fjA\"\n"              \
	"exercises:\n"                            \
	"  - 01.yaml\n"

/* An exercise file up to its check (lines 1 to 6); the check follows. */
#define EX_HEAD                                   \
	"id: ask-the-root\n"                      \
	"title: Ask the root\n"                   \
	"why: Because.\n"                         \
	"task: Do it.\n"                          \
	"solution: [\"dig www.example.test @root +norec\"]\n" \
	"explain: Done.\n"

static void expect_error_at(const char *ex, const char *file, int line, const char *reason, const char *src, int at)
{
	struct dl_error err = { 0 };
	if (ex)
		put("01.yaml", ex);
	int rc = session_load(data, "dns101", &cur, &err);
	_assert_int_equal(rc, DL_ERR_INPUT, src, at);
	_assert_int_equal(err.code, DL_ERR_INPUT, src, at);
	_assert_true(cur == NULL, "no session on error", src, at);
	char want[1200];
	snprintf(want, sizeof want, "%s/%s:%d: %s", sdir, file, line, reason);
	_assert_string_equal(err.msg, want, src, at);
}

/* An error in the exercise file 01.yaml, under a good session.yaml. */
#define expect_ex_error(ex, line, reason)                                       \
	do {                                                                    \
		put("session.yaml", SESSION);                                   \
		expect_error_at(ex, "01.yaml", line, reason, __FILE__, __LINE__); \
	} while (0)
/* An error in session.yaml itself (01.yaml is good). */
#define expect_session_error(text, line, reason)                                             \
	do {                                                                                 \
		put("session.yaml", text);                                                   \
		expect_error_at(EX_HEAD "check: {kind: referral, name: x.test, server: root}\n", \
				"session.yaml", line, reason, __FILE__, __LINE__);           \
	} while (0)

/* ---- the sessions in labs/ ---- */

static void test_the_four_sessions(void **state)
{
	static const struct {
		const char *id, *title, *passcode;
		size_t nslides;
	} want[] = {
		{ "dns101", "DNS 101", "&qNN82!fjA", 1 },
		{ "dnssec101", "DNSSEC 101", "", 1 },
		{ "ecosystem", "The DNS Ecosystem", "D.*0fjX7.0", 2 },
		{ "icann", "ICANN & ISPCP", "", 1 },
	};
	assert_int_equal(SESSION_COUNT, 4);
	for (size_t i = 0; i < SESSION_COUNT; i++) {
		struct dl_error err = { 0 };
		struct session *s = NULL;
		assert_string_equal(session_ids[i], want[i].id);
		int rc = session_load(".", session_ids[i], &s, &err);
		if (rc)
			print_error("%s\n", err.msg);
		assert_int_equal(rc, 0);
		assert_string_equal(s->id, want[i].id);
		assert_string_equal(s->title, want[i].title);
		assert_string_equal(s->passcode, want[i].passcode);
		assert_string_equal(s->series, "https://ispcp.info/webinars");
		/* Not known yet: the lab shows the series page in their place. */
		assert_string_equal(s->recording, "");
		assert_int_equal(s->nslides, want[i].nslides);
		for (size_t k = 0; k < s->nslides; k++)
			assert_string_equal(s->slides[k].url, "");
		/* One paragraph, without the block scalar's final newline. */
		assert_true(strlen(s->summary) > 40);
		assert_null(strchr(s->summary, '\n'));
		char dir[64];
		snprintf(dir, sizeof dir, "./labs/%s", want[i].id);
		assert_string_equal(s->dir, dir);
		session_free(s);
	}
}

static void test_ecosystem_decks(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(session_load(".", "ecosystem", &cur, &err), 0);
	assert_string_equal(cur->slides[0].title, "DNS ecosystem");
	assert_string_equal(cur->slides[1].title, "Global Domains and Strategy");
}

static void test_unknown_session(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(session_load(".", "dns102", &cur, &err), DL_ERR_USAGE);
	assert_null(cur);
	assert_string_equal(err.msg, "no session 'dns102' (the sessions are: dns101, dnssec101, ecosystem, icann)");
}

/* ---- a good session ---- */

static void test_good_session(void **state)
{
	put("session.yaml", "id: dns101\n"
			    "title: DNS 101\n"
			    "summary: |\n"
			    "  How the DNS works.\n"
			    "series: https://ispcp.info/webinars\n"
			    "recording: https://example.zoom.us/rec/1\n"
			    "slides:\n"
			    "  - title: Deck\n"
			    "exercises:\n"
			    "  - 01.yaml\n"
			    "  - 02.yaml\n");
	put("01.yaml", "id: ask-the-root\n"
		       "title: Ask the root\n"
		       "why: |\n"
		       "  The root knows who serves test.\n"
		       "where: \"recording 14:05; slide 9\"\n"
		       "task: Ask it.\n"
		       "hints:\n"
		       "  - one\n"
		       "  - two\n"
		       "check:\n"
		       "  kind: flag\n"
		       "  name: www.Example.test\n"
		       "  type: aaaa\n"
		       "  server: example\n"
		       "  flag: AA\n"
		       "solution:\n"
		       "  - dig www.example.test AAAA @example\n"
		       "  - answer {expected}\n"
		       "explain: Done.\n");
	put("02.yaml", "id: quiz\n"
		       "title: A quiz\n"
		       "why: Why not.\n"
		       "task: Choose.\n"
		       "check: {kind: choice, choices: [red, green, blue], correct: 2}\n"
		       "solution: [answer 2]\n"
		       "explain: Green.\n");
	struct dl_error err = { 0 };
	int rc = session_load(data, "dns101", &cur, &err);
	if (rc)
		print_error("%s\n", err.msg);
	assert_int_equal(rc, 0);
	assert_string_equal(cur->summary, "How the DNS works.");
	assert_string_equal(cur->recording, "https://example.zoom.us/rec/1");
	assert_string_equal(cur->passcode, "");
	assert_int_equal(cur->nslides, 1);
	assert_string_equal(cur->slides[0].title, "Deck");
	assert_string_equal(cur->slides[0].url, "");
	assert_int_equal(cur->nex, 2);

	const struct exercise *e = &cur->ex[0];
	assert_string_equal(e->id, "ask-the-root");
	assert_string_equal(e->why, "The root knows who serves test.");
	assert_string_equal(e->where, "recording 14:05; slide 9");
	assert_int_equal(e->nhints, 2);
	assert_string_equal(e->hints[1], "two");
	assert_int_equal(e->nsolution, 2);
	assert_string_equal(e->solution[1], "answer {expected}");
	char file[256];
	snprintf(file, sizeof file, "%s/01.yaml", sdir);
	assert_string_equal(e->file, file);
	assert_int_equal(e->check.kind, CHECK_FLAG);
	assert_int_equal(e->check.line, 10);
	assert_string_equal(e->check.name, "www.Example.test.");
	assert_string_equal(e->check.type, "AAAA");
	assert_string_equal(e->check.server, "example");
	assert_string_equal(e->check.flag, "aa");
	assert_null(e->check.state);
	assert_null(e->check.choices);

	e = &cur->ex[1];
	assert_string_equal(e->where, "");
	assert_int_equal(e->nhints, 0);
	assert_int_equal(e->check.kind, CHECK_CHOICE);
	assert_int_equal(e->check.line, 5);
	assert_int_equal(e->check.nchoices, 3);
	assert_string_equal(e->check.choices[2], "blue");
	assert_int_equal(e->check.correct, 2);
	assert_null(e->check.name);

	assert_int_equal(session_find(cur, "quiz"), 1);
	assert_int_equal(session_find(cur, "ask-the-root"), 0);
	assert_int_equal(session_find(cur, "nope"), -1);
	assert_int_equal(session_find(cur, NULL), -1);
}

/* Every kind with its parameters, as docs/lab-format.md lists them. */
static void test_every_kind(void **state)
{
	static const struct {
		const char *check;
		enum check_kind kind;
	} k[] = {
		{ "{kind: rrset, name: www.example.test, type: a, server: example}", CHECK_RRSET },
		{ "{kind: ttl, name: www.example.test, type: A, server: resolver}", CHECK_TTL },
		{ "{kind: rcode, name: nope.example.test, type: A, server: example}", CHECK_RCODE },
		{ "{kind: referral, name: www.example.test, server: root}", CHECK_REFERRAL },
		{ "{kind: flag, name: www.example.test, type: A, server: resolver, flag: ad}", CHECK_FLAG },
		{ "{kind: count, name: example.test, type: NS, server: example}", CHECK_COUNT },
		{ "{kind: choice, choices: [a, b], correct: 1}", CHECK_CHOICE },
		{ "{kind: asked, server: tld, name: example.test, type: NS}", CHECK_ASKED },
		{ "{kind: validates, name: badsig.test, type: A, state: bogus}", CHECK_VALIDATES },
		{ "{kind: zone-has, zone: student.test, name: www.student.test, type: A}", CHECK_ZONE_HAS },
		{ "{kind: cached, name: www.example.test, type: A, state: no}", CHECK_CACHED },
		{ "{kind: short, accept: [PTI], source: \"https://pti.icann.org\"}", CHECK_SHORT },
		{ "{kind: keytag, name: example.test, server: example, role: KSK}", CHECK_KEYTAG },
		{ "{kind: rrsig, name: www.example.test, type: A, server: example, field: expiration}", CHECK_RRSIG },
		{ "{kind: nsec-next, name: nothing.example.test, server: example}", CHECK_NSEC_NEXT },
		{ "{kind: denial-count, name: nothing.nsec3.test, type: A, server: teach}", CHECK_DENIAL_COUNT },
		{ "{kind: identity, server: root-b}", CHECK_IDENTITY },
	};
	put("session.yaml", SESSION);
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		char text[1024];
		snprintf(text, sizeof text, EX_HEAD "check: %s\n", k[i].check);
		put("01.yaml", text);
		struct dl_error err = { 0 };
		int rc = session_load(data, "dns101", &cur, &err);
		if (rc)
			print_error("%s: %s\n", k[i].check, err.msg);
		assert_int_equal(rc, 0);
		assert_int_equal(cur->ex[0].check.kind, k[i].kind);
		/* The name check_kind_name gives is the one the file uses. */
		const char *kn = check_kind_name(k[i].kind);
		assert_memory_equal(k[i].check + strlen("{kind: "), kn, strlen(kn));
		assert_int_equal(k[i].check[strlen("{kind: ") + strlen(kn)], ',');
		session_free(cur);
		cur = NULL;
	}
	assert_string_equal(check_kind_name(CHECK_ZONE_HAS), "zone-has");
	assert_null(check_kind_name((enum check_kind)99));
	assert_true(check_kind_is_question(CHECK_RRSET));
	assert_true(check_kind_is_question(CHECK_CHOICE));
	assert_false(check_kind_is_question(CHECK_ASKED));
	assert_false(check_kind_is_question(CHECK_CACHED));
	assert_true(check_kind_is_question(CHECK_SHORT));
}

/* No exercises yet: a session with an empty list loads. */
static void test_no_exercises_yet(void **state)
{
	put("session.yaml", "id: dns101\ntitle: DNS 101\nsummary: S.\nseries: https://ispcp.info/webinars\n"
			    "exercises: []\n");
	struct dl_error err = { 0 };
	assert_int_equal(session_load(data, "dns101", &cur, &err), 0);
	assert_int_equal(cur->nex, 0);
	assert_int_equal(cur->nslides, 0);
	assert_string_equal(cur->passcode, "");
	assert_int_equal(session_find(cur, "x"), -1);
}

/* ---- mistakes in session.yaml ---- */

static void test_session_unknown_key(void **state)
{
	expect_session_error(SESSION "recordings: x\n", 9,
			     "unknown key 'recordings' (expected one of: id, title, summary, series, recording, "
			     "passcode, slides, exercises)");
}

static void test_session_missing_title(void **state)
{
	expect_session_error("id: dns101\nsummary: S.\nseries: https://ispcp.info/webinars\nexercises: []\n", 1,
			     "missing 'title'");
}

static void test_session_missing_exercises(void **state)
{
	expect_session_error("id: dns101\ntitle: T\nsummary: S.\nseries: https://ispcp.info/webinars\n", 1,
			     "missing 'exercises'");
}

static void test_session_wrong_id(void **state)
{
	expect_session_error("title: T\nid: dnssec101\n", 2, "id 'dnssec101' must be the folder's name, 'dns101'");
}

static void test_session_empty_summary(void **state)
{
	expect_session_error("id: dns101\ntitle: T\nsummary: \"\"\n", 3, "'summary' is empty");
}

static void test_session_title_not_text(void **state)
{
	expect_session_error("id: dns101\ntitle:\n  - a\n", 3, "'title' must be text, not a list");
}

static void test_session_exercises_not_a_list(void **state)
{
	expect_session_error("id: dns101\ntitle: T\nsummary: S\nseries: https://ispcp.info/webinars\nexercises: 01.yaml\n",
			     5, "'exercises' must be a list of exercise files ([] while there are none yet)");
}

static void test_session_exercise_not_found(void **state)
{
	char reason[512];
	snprintf(reason, sizeof reason, "exercise file 02-missing.yaml not found (%s/02-missing.yaml)", sdir);
	expect_session_error(SESSION "  - 02-missing.yaml\n", 9, reason);
}

static void test_session_exercise_path(void **state)
{
	char reason[512];
	snprintf(reason, sizeof reason, "an exercise entry must be a file name in %s/ (no '/')", sdir);
	expect_session_error(SESSION "  - ../icann/01.yaml\n", 9, reason);
}

static void test_session_bad_url(void **state)
{
	expect_session_error("id: dns101\ntitle: T\nsummary: S\nseries: ispcp.info/webinars\n", 4,
			     "'series' must be a web address (https://...) or \"\", not 'ispcp.info/webinars'");
}

static void test_session_slide_unknown_key(void **state)
{
	expect_session_error("id: dns101\ntitle: T\nsummary: S\nseries: https://ispcp.info/webinars\n"
			     "slides:\n  - title: Deck\n    link: \"\"\n",
			     7, "unknown key 'link' (expected one of: title, url)");
}

static void test_session_yaml_syntax(void **state)
{
	put("session.yaml", "id: dns101\ntitle: [unclosed\n");
	struct dl_error err = { 0 };
	assert_int_equal(session_load(data, "dns101", &cur, &err), DL_ERR_INPUT);
	char want[256];
	snprintf(want, sizeof want, "%s/session.yaml:", sdir);
	assert_memory_equal(err.msg, want, strlen(want));
}

static void test_session_missing_file(void **state)
{
	/* No labs/dns101/session.yaml at all: the data are not installed. */
	struct dl_error err = { 0 };
	assert_int_equal(session_load(data, "dns101", &cur, &err), DL_ERR_ENV);
	assert_non_null(strstr(err.msg, "session.yaml"));
}

/* ---- mistakes in an exercise file ---- */

static void test_ex_unknown_check_kind(void **state)
{
	expect_ex_error(EX_HEAD "check:\n  kind: rrsets\n", 8,
			"unknown check kind 'rrsets' (expected one of: rrset, ttl, rcode, referral, flag, count, "
			"choice, asked, validates, zone-has, cached, short, seen, quiet, keytag, rrsig, nsec-next, denial-count, identity, zone-signed, zsk-rollover)");
}

static void test_ex_unknown_key(void **state)
{
	expect_ex_error(EX_HEAD "hint: one\n", 7,
			"unknown key 'hint' (expected one of: id, title, why, where, task, hints, check, solution, "
			"explain)");
}

static void test_ex_missing_why(void **state)
{
	expect_ex_error("id: x\ntitle: X\ntask: T\n", 1, "missing 'why'");
}

static void test_ex_missing_check(void **state)
{
	expect_ex_error(EX_HEAD, 1, "missing 'check'");
}

static void test_ex_missing_solution(void **state)
{
	expect_ex_error("id: x\ntitle: X\nwhy: W\ntask: T\ncheck: {kind: choice, choices: [a, b], correct: 1}\n"
			"explain: E\n",
			1, "missing 'solution'");
}

static void test_ex_empty_solution(void **state)
{
	expect_ex_error("id: x\ntitle: X\nwhy: W\ntask: T\ncheck: {kind: choice, choices: [a, b], correct: 1}\n"
			"solution: []\n",
			6, "'solution' must be a non-empty list of lab shell commands");
}

static void test_ex_bad_id(void **state)
{
	expect_ex_error("title: X\nid: ask the root\n", 2, "exercise id 'ask the root' must be letters, digits and -");
}

static void test_ex_rrset_needs_server(void **state)
{
	expect_ex_error(EX_HEAD "check:\n  kind: rrset\n  name: www.example.test\n  type: A\n", 8, "missing 'server'");
}

static void test_ex_rrset_empty_server(void **state)
{
	expect_ex_error(EX_HEAD "check:\n  kind: rrset\n  name: www.example.test\n  type: A\n  server: \"\"\n", 11,
			"'server' is empty (a server id: root, tld, ...)");
}

/* asked takes an optional transport; no other kind does. */
static void test_ex_asked_transport(void **state)
{
	put("session.yaml", SESSION);
	put("01.yaml", EX_HEAD "check: {kind: asked, server: resolver, name: www.example.test, type: A, transport: TLS}\n");
	struct dl_error err = { 0 };
	assert_int_equal(session_load(data, "dns101", &cur, &err), 0);
	assert_string_equal(cur->ex[0].check.transport, "tls");
	session_free(cur);
	cur = NULL;
	put("01.yaml", EX_HEAD "check: {kind: asked, server: resolver, name: www.example.test, type: A}\n");
	assert_int_equal(session_load(data, "dns101", &cur, &err), 0);
	assert_null(cur->ex[0].check.transport);
	session_free(cur);
	cur = NULL;
	expect_ex_error(EX_HEAD "check: {kind: asked, server: resolver, name: x.test, type: A, transport: quic}\n", 7,
			"'transport' must be udp, tcp or tls, not 'quic'");
	expect_ex_error(EX_HEAD "check: {kind: rrset, server: resolver, name: x.test, type: A, transport: tls}\n", 7,
			"unknown key 'transport' (expected one of: kind, name, type, server)");
}

static void test_ex_rrset_needs_type(void **state)
{
	expect_ex_error(EX_HEAD "check: {kind: rrset, name: www.example.test, server: example}\n", 7,
			"missing 'type'");
}

static void test_ex_param_of_another_kind(void **state)
{
	expect_ex_error(EX_HEAD "check:\n  kind: referral\n  name: x.test\n  server: root\n  type: NS\n", 11,
			"unknown key 'type' (expected one of: kind, name, server)");
}

static void test_ex_bad_type(void **state)
{
	expect_ex_error(EX_HEAD "check:\n  kind: count\n  name: x.test\n  type: AAA\n  server: root\n", 10,
			"'AAA' is not a record type");
}

static void test_ex_bad_name(void **state)
{
	expect_ex_error(EX_HEAD "check:\n  kind: count\n  name: www..x.test\n  type: A\n  server: root\n", 9,
			"'www..x.test' is not a valid domain name in 'name'");
}

static void test_ex_bad_zone(void **state)
{
	expect_ex_error(EX_HEAD "check:\n  kind: zone-has\n  zone: \"\"\n  name: x.test\n  type: A\n", 9,
			"'' is not a valid domain name in 'zone'");
}

static void test_ex_bad_flag(void **state)
{
	expect_ex_error(EX_HEAD "check:\n  kind: flag\n  name: x.test\n  type: A\n  server: root\n  flag: rd\n", 12,
			"'flag' must be aa, ra, ad or tc, not 'rd'");
}

static void test_ex_validates_state(void **state)
{
	expect_ex_error(EX_HEAD "check:\n  kind: validates\n  name: x.test\n  type: A\n  state: yes\n", 11,
			"'state' must be secure, insecure or bogus, not 'yes'");
}

static void test_ex_cached_state(void **state)
{
	expect_ex_error(EX_HEAD "check:\n  kind: cached\n  name: x.test\n  type: A\n  state: secure\n", 11,
			"'state' must be yes or no, not 'secure'");
}

static void test_ex_keytag_role(void **state)
{
	expect_ex_error(EX_HEAD "check:\n  kind: keytag\n  name: example.test\n  server: example\n  role: csk\n", 11,
			"'role' must be ksk or zsk, not 'csk'");
	expect_ex_error(EX_HEAD "check:\n  kind: keytag\n  name: example.test\n  server: example\n", 8,
			"missing 'role'");
}

static void test_ex_rrsig_field(void **state)
{
	expect_ex_error(EX_HEAD "check:\n  kind: rrsig\n  name: x.test\n  type: A\n  server: root\n  field: end\n", 12,
			"'field' must be expiration, inception, signer, algorithm, keytag, labels or original-ttl, "
			"not 'end'");
	expect_ex_error(EX_HEAD "check:\n  kind: nsec-next\n  name: x.test\n  server: root\n  type: A\n", 11,
			"unknown key 'type' (expected one of: kind, name, server)");
}

static void test_ex_choice_correct_range(void **state)
{
	expect_ex_error(EX_HEAD "check:\n  kind: choice\n  choices: [a, b, c]\n  correct: 4\n", 10,
			"'correct' must be the number of the right choice, 1 to 3, not '4'");
	expect_ex_error(EX_HEAD "check:\n  kind: choice\n  choices: [a, b, c]\n  correct: 0\n", 10,
			"'correct' must be the number of the right choice, 1 to 3, not '0'");
	expect_ex_error(EX_HEAD "check:\n  kind: choice\n  choices: [a, b, c]\n  correct: b\n", 10,
			"'correct' must be the number of the right choice, 1 to 3, not 'b'");
}

static void test_ex_choice_needs_choices(void **state)
{
	expect_ex_error(EX_HEAD "check:\n  kind: choice\n  correct: 1\n", 8, "missing 'choices'");
	expect_ex_error(EX_HEAD "check:\n  kind: choice\n  choices: [only]\n  correct: 1\n", 9,
			"a quiz needs at least two 'choices'");
	expect_ex_error(EX_HEAD "check:\n  kind: choice\n  choices: a, b\n  correct: 1\n", 9,
			"'choices' must be a non-empty list of answers");
}

/* A short answer: its key, and the page that states the fact. */
static void test_ex_short(void **state)
{
	put("session.yaml", SESSION);
	put("01.yaml", EX_HEAD "check:\n  kind: short\n  accept:\n    - Public Technical Identifiers\n    - PTI\n"
			       "  source: https://pti.icann.org\n");
	struct dl_error err = { 0 };
	assert_int_equal(session_load(data, "dns101", &cur, &err), 0);
	const struct check_spec *c = &cur->ex[0].check;
	assert_int_equal(c->kind, CHECK_SHORT);
	assert_int_equal(c->naccept, 2);
	assert_string_equal(c->accept[0], "Public Technical Identifiers");
	assert_string_equal(c->accept[1], "PTI");
	assert_string_equal(c->source, "https://pti.icann.org");
	assert_null(c->choices);
	session_free(cur);
	cur = NULL;
}

static void test_ex_short_needs_source(void **state)
{
	expect_ex_error(EX_HEAD "check:\n  kind: short\n  accept: [PTI]\n", 8, "missing 'source'");
	expect_ex_error(EX_HEAD "check:\n  kind: short\n  accept: [PTI]\n  source: pti.icann.org\n", 10,
			"'source' must be the address (https://...) of the page that states the fact, not "
			"'pti.icann.org'");
	expect_ex_error(EX_HEAD "check:\n  kind: short\n  accept: [PTI]\n  source: \"\"\n", 10,
			"'source' must be the address (https://...) of the page that states the fact, not ''");
}

static void test_ex_short_needs_accept(void **state)
{
	expect_ex_error(EX_HEAD "check:\n  kind: short\n  source: https://pti.icann.org\n", 8, "missing 'accept'");
	expect_ex_error(EX_HEAD "check:\n  kind: short\n  accept: []\n  source: https://pti.icann.org\n", 9,
			"'accept' must be a non-empty list of accepted answers");
	expect_ex_error(EX_HEAD "check:\n  kind: short\n  accept: [PTI, \"...\"]\n  source: https://pti.icann.org\n", 9,
			"accepted answer '...' has no letter or digit");
	/* The kind's own keys only: a quiz's 'correct' is a mistake here. */
	expect_ex_error(EX_HEAD "check:\n  kind: short\n  accept: [PTI]\n  source: https://pti.icann.org\n"
				"  correct: 1\n",
			11, "unknown key 'correct' (expected one of: kind, accept, source)");
}

static void test_ex_check_not_a_map(void **state)
{
	expect_ex_error(EX_HEAD "check: rrset\n", 7, "'check' must be a map with 'kind' and its parameters");
}

static void test_ex_duplicate_id(void **state)
{
	put("session.yaml", SESSION "  - 02.yaml\n");
	put("02.yaml", "# the same id again\n" EX_HEAD "check: {kind: referral, name: x.test, server: root}\n");
	char reason[512];
	snprintf(reason, sizeof reason, "exercise id 'ask-the-root' is used twice (also %s/01.yaml:1)", sdir);
	/* 02.yaml has the id on line 2, after its comment. */
	char ex[1024];
	snprintf(ex, sizeof ex, EX_HEAD "check: {kind: referral, name: x.test, server: root}\n");
	expect_error_at(ex, "02.yaml", 2, reason, __FILE__, __LINE__);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_the_four_sessions),
		T(test_ecosystem_decks),
		T(test_unknown_session),
		T(test_good_session),
		T(test_every_kind),
		T(test_ex_keytag_role),
		T(test_ex_rrsig_field),
		T(test_no_exercises_yet),
		T(test_session_unknown_key),
		T(test_session_missing_title),
		T(test_session_missing_exercises),
		T(test_session_wrong_id),
		T(test_session_empty_summary),
		T(test_session_title_not_text),
		T(test_session_exercises_not_a_list),
		T(test_session_exercise_not_found),
		T(test_session_exercise_path),
		T(test_session_bad_url),
		T(test_session_slide_unknown_key),
		T(test_session_yaml_syntax),
		T(test_session_missing_file),
		T(test_ex_unknown_check_kind),
		T(test_ex_unknown_key),
		T(test_ex_missing_why),
		T(test_ex_missing_check),
		T(test_ex_missing_solution),
		T(test_ex_empty_solution),
		T(test_ex_bad_id),
		T(test_ex_rrset_needs_server),
		T(test_ex_rrset_empty_server),
		T(test_ex_asked_transport),
		T(test_ex_rrset_needs_type),
		T(test_ex_param_of_another_kind),
		T(test_ex_bad_type),
		T(test_ex_bad_name),
		T(test_ex_bad_zone),
		T(test_ex_bad_flag),
		T(test_ex_validates_state),
		T(test_ex_cached_state),
		T(test_ex_choice_correct_range),
		T(test_ex_choice_needs_choices),
		T(test_ex_short),
		T(test_ex_short_needs_source),
		T(test_ex_short_needs_accept),
		T(test_ex_check_not_a_map),
		T(test_ex_duplicate_id),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
