/* test_progress.c: unit tests for the progress file (src/lab/progress.c):
 * what is saved loads back the same, a corrupt file is reported with
 * file:line and moved aside with its content intact (never lost), clearing
 * one session leaves the others, and a temporary file left by a kill -9
 * during a save does not break loading. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lab/progress.h"
#include "util/err.h"

/* ---- fixtures: a fresh, empty directory per test ---- */

static char dir[64];
static char path[128]; /* dir/progress */
static struct progress *cur;

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/dnslab-test-progress-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	progress_path(dir, path, sizeof path);
	return 0;
}

static int teardown(void **state)
{
	progress_free(cur);
	cur = NULL;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

static void put(const char *p, const char *text, size_t len)
{
	FILE *fp = fopen(p, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* The whole file, NUL-terminated; caller frees. */
static char *slurp(const char *p, size_t *len)
{
	FILE *fp = fopen(p, "rb");
	assert_non_null(fp);
	char *buf = malloc(65536);
	assert_non_null(buf);
	*len = fread(buf, 1, 65535, fp);
	buf[*len] = '\0';
	fclose(fp);
	return buf;
}

/* How many names in dir start with prefix; the first one found goes to
 * first (dir/name) when asked. */
static int count_prefixed(const char *prefix, char *first, size_t len)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (!strncmp(e->d_name, prefix, strlen(prefix))) {
			if (!n && first)
				snprintf(first, len, "%s/%s", dir, e->d_name);
			n++;
		}
	closedir(d);
	return n;
}

/* ---- the path ---- */

static void test_path(void **state)
{
	char buf[256];
	assert_string_equal(progress_path("/w", buf, sizeof buf), "/w/progress");
	char *saved_home = getenv("DNSLAB_HOME") ? strdup(getenv("DNSLAB_HOME")) : NULL;
	unsetenv("DNSLAB_HOME");
	setenv("XDG_STATE_HOME", "/xdg/state", 1);
	assert_string_equal(progress_path(NULL, buf, sizeof buf), "/xdg/state/dnslab/progress");
	assert_string_equal(progress_path("", buf, sizeof buf), "/xdg/state/dnslab/progress");
	/* A relative XDG_STATE_HOME is invalid (XDG spec): the default. */
	setenv("XDG_STATE_HOME", "rel", 1);
	setenv("HOME", "/home/st", 1);
	assert_string_equal(progress_path(NULL, buf, sizeof buf), "/home/st/.local/state/dnslab/progress");
	unsetenv("XDG_STATE_HOME");
	assert_string_equal(progress_path(NULL, buf, sizeof buf), "/home/st/.local/state/dnslab/progress");
	/* DNSLAB_HOME (the test suite's) keeps the student's own state apart. */
	setenv("DNSLAB_HOME", "/dh", 1);
	assert_string_equal(progress_path(NULL, buf, sizeof buf), "/dh/state/progress");
	if (saved_home)
		setenv("DNSLAB_HOME", saved_home, 1);
	else
		unsetenv("DNSLAB_HOME");
	free(saved_home);
}

/* ---- round trip ---- */

static void test_missing_file_is_empty(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(progress_load(path, &cur, &err), 0);
	assert_non_null(cur);
	assert_false(progress_any(cur, NULL));
	assert_int_equal(progress_count(cur, "dns101"), 0);
	assert_null(progress_current(cur, "dns101"));
	/* Loading creates nothing. */
	assert_int_equal(access(path, F_OK), -1);
}

static void test_round_trip(void **state)
{
	struct progress *p = progress_new();
	assert_non_null(p);
	assert_int_equal(progress_mark(p, "dns101", "ask-the-resolver", 1795596571), 0);
	assert_int_equal(progress_mark(p, "dns101", "ask-the-root", 1795596600), 0);
	assert_int_equal(progress_mark(p, "dnssec101", "validate-it", 1795596700), 0);
	/* Marking again keeps the first time. */
	assert_int_equal(progress_mark(p, "dns101", "ask-the-root", 1795599999), 0);
	assert_int_equal(progress_set_current(p, "dns101", "ask-the-tld"), 0);
	assert_int_equal(progress_set_current(p, "dnssec101", "sign-it"), 0);
	assert_int_equal(progress_set_current(p, "dnssec101", "sign-it-again"), 0);
	struct dl_error err = { 0 };
	/* The directory is created as needed. */
	char deep[256];
	snprintf(deep, sizeof deep, "%s/a/b/progress", dir);
	assert_int_equal(progress_save(p, deep, &err), 0);
	assert_int_equal(progress_save(p, path, &err), 0);
	progress_free(p);

	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Nothing else is left next to it. */
	assert_int_equal(count_prefixed("progress.", NULL, 0), 0);

	assert_int_equal(progress_load(path, &cur, &err), 0);
	assert_int_equal(progress_count(cur, "dns101"), 2);
	assert_int_equal(progress_count(cur, "dnssec101"), 1);
	assert_int_equal(progress_count(cur, "icann"), 0);
	assert_true(progress_done(cur, "dns101", "ask-the-root"));
	assert_true(progress_done(cur, "dns101", "ask-the-resolver"));
	assert_false(progress_done(cur, "dns101", "validate-it"));
	assert_false(progress_done(cur, "dns101", "ask-the-tld"));
	assert_int_equal(progress_done_time(cur, "dns101", "ask-the-root"), 1795596600);
	assert_int_equal(progress_done_time(cur, "dns101", "ask-the-tld"), 0);
	assert_string_equal(progress_current(cur, "dns101"), "ask-the-tld");
	assert_string_equal(progress_current(cur, "dnssec101"), "sign-it-again");
	assert_null(progress_current(cur, "icann"));
	assert_true(progress_any(cur, "dns101"));
	assert_false(progress_any(cur, "ecosystem"));

	struct progress *q = NULL;
	assert_int_equal(progress_load(deep, &q, &err), 0);
	assert_int_equal(progress_count(q, "dns101"), 2);
	progress_free(q);

	/* Forgetting the current exercise. */
	assert_int_equal(progress_set_current(cur, "dns101", NULL), 0);
	assert_null(progress_current(cur, "dns101"));
	assert_string_equal(progress_current(cur, "dnssec101"), "sign-it-again");
}

/* A file in the format, written by hand: comments, blank lines, tabs. */
static void test_hand_written(void **state)
{
	static const char text[] = "# my progress\n"
				   "\n"
				   "dnslab-progress 1\n"
				   "  # indented comment\n"
				   "done\tdns101\tone\t0\n"
				   "current dns101 two\n"
				   "done dns101 one 5\n";
	put(path, text, sizeof text - 1);
	struct dl_error err = { 0 };
	assert_int_equal(progress_load(path, &cur, &err), 0);
	assert_int_equal(progress_count(cur, "dns101"), 1);
	assert_int_equal(progress_done_time(cur, "dns101", "one"), 0);
	assert_true(progress_done(cur, "dns101", "one"));
	assert_string_equal(progress_current(cur, "dns101"), "two");
}

static void test_empty_file_is_empty(void **state)
{
	put(path, "", 0);
	struct dl_error err = { 0 };
	assert_int_equal(progress_load(path, &cur, &err), 0);
	assert_false(progress_any(cur, NULL));
}

static void test_bad_ids_refused(void **state)
{
	cur = progress_new();
	/* A space or a newline in an id would break the line it is saved on. */
	assert_int_equal(progress_mark(cur, "dns101", "two words", 1), DL_ERR_INPUT);
	assert_int_equal(progress_mark(cur, "dns101", "x\ndone", 1), DL_ERR_INPUT);
	assert_int_equal(progress_mark(cur, "", "x", 1), DL_ERR_INPUT);
	assert_int_equal(progress_set_current(cur, "dns101", "a b"), DL_ERR_INPUT);
	assert_false(progress_any(cur, NULL));
}

/* ---- clearing ---- */

static void test_clear_one_session(void **state)
{
	cur = progress_new();
	assert_int_equal(progress_mark(cur, "dns101", "a", 1), 0);
	assert_int_equal(progress_mark(cur, "dnssec101", "b", 2), 0);
	assert_int_equal(progress_mark(cur, "dns101", "c", 3), 0);
	assert_int_equal(progress_mark(cur, "icann", "d", 4), 0);
	assert_int_equal(progress_set_current(cur, "dns101", "e"), 0);
	assert_int_equal(progress_set_current(cur, "icann", "f"), 0);

	assert_int_equal(progress_clear(cur, "dns101"), 2);
	assert_false(progress_any(cur, "dns101"));
	assert_null(progress_current(cur, "dns101"));
	assert_true(progress_done(cur, "dnssec101", "b"));
	assert_true(progress_done(cur, "icann", "d"));
	assert_int_equal(progress_done_time(cur, "icann", "d"), 4);
	assert_string_equal(progress_current(cur, "icann"), "f");

	/* Saved and loaded, the other sessions are still there. */
	struct dl_error err = { 0 };
	assert_int_equal(progress_save(cur, path, &err), 0);
	progress_free(cur);
	assert_int_equal(progress_load(path, &cur, &err), 0);
	assert_int_equal(progress_count(cur, "dns101"), 0);
	assert_int_equal(progress_count(cur, "dnssec101"), 1);
	assert_int_equal(progress_count(cur, "icann"), 1);
	assert_string_equal(progress_current(cur, "icann"), "f");

	assert_int_equal(progress_clear(cur, "ecosystem"), 0);
	assert_int_equal(progress_count(cur, "icann"), 1);
	assert_int_equal(progress_clear(cur, NULL), 2);
	assert_false(progress_any(cur, NULL));
}

/* ---- corrupt files ---- */

/* Load text as the progress file: it must be moved aside intact, with a
 * warning naming path:line and the copy, and give empty progress. */
static void expect_corrupt_at(const char *text, size_t len, int line, const char *reason, const char *f, int at)
{
	put(path, text, len);
	struct dl_error err = { 0 };
	int rc = progress_load(path, &cur, &err);
	_assert_int_equal(rc, PROGRESS_RECOVERED, f, at);
	_assert_int_equal(err.code, PROGRESS_RECOVERED, f, at);
	_assert_true(cur != NULL, "empty progress", f, at);
	_assert_true(!progress_any(cur, NULL), "nothing from a corrupt file is used", f, at);
	/* The original is gone from its place, and kept whole beside it. */
	_assert_int_equal(access(path, F_OK), -1, f, at);
	char aside[256];
	_assert_int_equal(count_prefixed("progress.corrupt-", aside, sizeof aside), 1, f, at);
	size_t n;
	char *kept = slurp(aside, &n);
	_assert_int_equal(n, len, f, at);
	_assert_true(memcmp(kept, text, len) == 0, "the corrupt file's content is intact", f, at);
	free(kept);
	char want[1024];
	snprintf(want, sizeof want,
		 "%s:%d: %s: the progress file is corrupt; it was moved to %s (nothing is lost) and the lab goes on "
		 "with no progress",
		 path, line, reason, aside);
	_assert_string_equal(err.msg, want, f, at);
	unlink(aside);
}

#define expect_corrupt(text, line, reason) \
	expect_corrupt_at(text, sizeof text - 1, line, reason, __FILE__, __LINE__)

static void test_corrupt_garbage(void **state)
{
	/* The bytes that are not printable are not sent to the terminal. */
	expect_corrupt("\x7f" "ELF\x02\x01\x01\n", 1, "expected 'dnslab-progress 1' first, found '?ELF??" "?'");
}

static void test_corrupt_no_header(void **state)
{
	expect_corrupt("# c\ndone dns101 a 1\n", 2, "expected 'dnslab-progress 1' first, found 'done'");
}

static void test_corrupt_other_version(void **state)
{
	expect_corrupt("dnslab-progress 2\n", 1, "format '2' is not one this dnslab reads ('dnslab-progress 1')");
}

static void test_corrupt_unknown_record(void **state)
{
	expect_corrupt("dnslab-progress 1\ndone dns101 a 1\nfinished dns101 b 2\n", 3,
		       "unknown record 'finished' (expected done or current)");
}

static void test_corrupt_fields(void **state)
{
	expect_corrupt("dnslab-progress 1\ndone dns101 a\n", 2, "expected 'done SESSION EXERCISE TIME'");
	progress_free(cur);
	cur = NULL;
	expect_corrupt("dnslab-progress 1\ncurrent dns101 a b\n", 2, "expected 'current SESSION EXERCISE'");
}

static void test_corrupt_time(void **state)
{
	expect_corrupt("dnslab-progress 1\ndone dns101 a yesterday\n", 2, "'yesterday' is not a time (seconds since 1970)");
	progress_free(cur);
	cur = NULL;
	expect_corrupt("dnslab-progress 1\ndone dns101 a -5\n", 2, "'-5' is not a time (seconds since 1970)");
}

static void test_corrupt_id(void **state)
{
	expect_corrupt("dnslab-progress 1\ndone dns101 a/b 1\n", 2, "'a/b' is not a session or exercise id");
}

static void test_corrupt_cut_short(void **state)
{
	/* What a torn write would leave (atomic saves never do). */
	expect_corrupt("dnslab-progress 1\ndone dns101 a 1\ndone dns1", 3,
		       "the last line is cut short (no newline at the end)");
}

static void test_corrupt_nul(void **state)
{
	expect_corrupt("dnslab-progress 1\ndone dns101 a 1\n\0\0\0\n", 3, "a NUL byte: this is not a text file");
}

/* The lab goes on: the next save writes a fresh file, and the copy stays. */
static void test_corrupt_then_save(void **state)
{
	static const char bad[] = "dnslab-progress 1\ndone dns101 a 1\ngarbage\n";
	put(path, bad, sizeof bad - 1);
	struct dl_error err = { 0 };
	assert_int_equal(progress_load(path, &cur, &err), PROGRESS_RECOVERED);
	assert_int_equal(progress_mark(cur, "dns101", "b", 7), 0);
	assert_int_equal(progress_save(cur, path, &err), 0);
	progress_free(cur);
	cur = NULL;
	assert_int_equal(progress_load(path, &cur, &err), 0);
	assert_true(progress_done(cur, "dns101", "b"));
	assert_false(progress_done(cur, "dns101", "a"));
	char aside[256];
	assert_int_equal(count_prefixed("progress.corrupt-", aside, sizeof aside), 1);
	size_t n;
	char *kept = slurp(aside, &n);
	assert_string_equal(kept, bad);
	free(kept);
}

/* A corrupt file never replaces an earlier copy, even one of the same
 * second: copies named for now and the next two seconds are there already,
 * so the new one needs a suffix. */
static void test_corrupt_copies_never_replaced(void **state)
{
	struct dl_error err = { 0 };
	size_t n;
	char *kept;
	time_t now = time(NULL);
	char taken[3][256];
	for (int i = 0; i < 3; i++) {
		time_t t = now + i;
		struct tm tm;
		char stamp[32];
		gmtime_r(&t, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
		snprintf(taken[i], sizeof taken[i], "%s.corrupt-%s", path, stamp);
		put(taken[i], "earlier copy\n", 13);
	}
	put(path, "nonsense\n", 9);
	assert_int_equal(progress_load(path, &cur, &err), PROGRESS_RECOVERED);
	assert_int_equal(count_prefixed("progress.corrupt-", NULL, 0), 4);
	assert_non_null(strstr(err.msg, "Z-2 (nothing is lost)"));
	for (int i = 0; i < 3; i++) {
		kept = slurp(taken[i], &n);
		assert_string_equal(kept, "earlier copy\n");
		free(kept);
	}
}

static void test_not_a_file(void **state)
{
	assert_int_equal(mkdir(path, 0700), 0);
	struct dl_error err = { 0 };
	assert_int_equal(progress_load(path, &cur, &err), DL_ERR_ENV);
	assert_null(cur);
	char want[256];
	snprintf(want, sizeof want, "cannot read the progress file %s: not a regular file", path);
	assert_string_equal(err.msg, want);
}

/* ---- kill -9 safety ---- */

/* A save killed before its rename leaves progress.tmpPID.N behind; the
 * progress file itself is the old one, whole, and loads. */
static void test_leftover_temp_file(void **state)
{
	cur = progress_new();
	assert_int_equal(progress_mark(cur, "dns101", "a", 1), 0);
	struct dl_error err = { 0 };
	assert_int_equal(progress_save(cur, path, &err), 0);
	progress_free(cur);
	cur = NULL;
	char tmp[256];
	snprintf(tmp, sizeof tmp, "%s.tmp%d.0", path, (int)getpid());
	put(tmp, "dnslab-progress 1\ndone dns1", 27); /* half written */
	assert_int_equal(progress_load(path, &cur, &err), 0);
	assert_true(progress_done(cur, "dns101", "a"));
	/* And the next save still works, even with our own pid's name taken. */
	assert_int_equal(progress_mark(cur, "dns101", "b", 2), 0);
	assert_int_equal(progress_save(cur, path, &err), 0);
	progress_free(cur);
	cur = NULL;
	assert_int_equal(progress_load(path, &cur, &err), 0);
	assert_int_equal(progress_count(cur, "dns101"), 2);
	assert_int_equal(count_prefixed("progress.corrupt-", NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_path),
		T(test_missing_file_is_empty),
		T(test_round_trip),
		T(test_hand_written),
		T(test_empty_file_is_empty),
		T(test_bad_ids_refused),
		T(test_clear_one_session),
		T(test_corrupt_garbage),
		T(test_corrupt_no_header),
		T(test_corrupt_other_version),
		T(test_corrupt_unknown_record),
		T(test_corrupt_fields),
		T(test_corrupt_time),
		T(test_corrupt_id),
		T(test_corrupt_cut_short),
		T(test_corrupt_nul),
		T(test_corrupt_then_save),
		T(test_corrupt_copies_never_replaced),
		T(test_not_a_file),
		T(test_leftover_temp_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
