/* test_atomic.c: unit tests for atomic file replacement (src/util/atomic.c):
 * an existing file is never replaced without overwrite (--force), readers
 * see the old content until commit, abort and failed commits leave no
 * temporary file behind, and the mode is exactly the one asked whatever
 * the umask. */
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
#include <sys/types.h>
#include <unistd.h>

#include "util/atomic.h"
#include "util/err.h"

/* ---- fixtures: a fresh, empty directory per test ---- */

static char dir[64];
static char path[128];
static mode_t saved_umask;

static void rm_tree(const char *d)
{
	DIR *dp = opendir(d);
	if (!dp)
		return;
	struct dirent *e;
	while ((e = readdir(dp)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char p[512];
		snprintf(p, sizeof p, "%s/%s", d, e->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_tree(p);
		else
			unlink(p);
	}
	closedir(dp);
	rmdir(d);
}

static int setup(void **state)
{
	saved_umask = umask(022);
	umask(saved_umask);
	snprintf(dir, sizeof dir, "/tmp/dnslab-test-atomic-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/out.txt", dir);
	return 0;
}

static int teardown(void **state)
{
	umask(saved_umask);
	chmod(dir, 0700);
	rm_tree(dir);
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* ---- helpers ---- */

/* The names in d (without . and ..), sorted, joined by '|'; "" when empty. */
static char *listing(const char *d)
{
	static char buf[2048];
	char names[32][256];
	int n = 0;
	buf[0] = '\0';
	DIR *dp = opendir(d);
	assert_non_null(dp);
	struct dirent *e;
	while ((e = readdir(dp)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		assert_true(n < 32);
		snprintf(names[n++], sizeof names[0], "%s", e->d_name);
	}
	closedir(dp);
	qsort(names, (size_t)n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(buf, "|");
		strcat(buf, names[i]);
	}
	return buf;
}

static int entries(const char *d)
{
	const char *l = listing(d);
	int n = *l ? 1 : 0;
	for (; *l; l++)
		n += *l == '|';
	return n;
}

static void write_plain(const char *p, const char *text)
{
	FILE *fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

/* The whole content of p (static buffer); NULL when it cannot be opened. */
static const char *slurp(const char *p)
{
	static char buf[4096];
	FILE *fp = fopen(p, "r");
	if (!fp)
		return NULL;
	size_t n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static mode_t mode_of(const char *p)
{
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	return st.st_mode & 07777;
}

static bool all_zero(const struct atomic_file *a)
{
	return a->fp == NULL && a->path == NULL && a->tmp == NULL;
}

/* ---- tests ---- */

static void test_refuses_existing_without_overwrite(void **state)
{
	write_plain(path, "old content\n");
	chmod(path, 0640);
	struct atomic_file a;
	struct dl_error err = { 0, "" };
	int rc = atomic_open(&a, path, 0644, false, &err);
	assert_int_equal(rc, DL_ERR_INPUT);
	assert_int_equal(err.code, DL_ERR_INPUT);
	assert_non_null(strstr(err.msg, "--force"));
	assert_non_null(strstr(err.msg, path)); /* names the file */
	assert_true(all_zero(&a));
	atomic_abort(&a); /* harmless after a failed open */
	assert_string_equal(slurp(path), "old content\n");
	assert_int_equal(mode_of(path), 0640);
	assert_string_equal(listing(dir), "out.txt"); /* no temporary file */
}

static void test_refuses_existing_directory_entry(void **state)
{
	/* Anything at the path counts as existing: here an empty directory. */
	assert_int_equal(mkdir(path, 0755), 0);
	struct atomic_file a;
	struct dl_error err = { 0, "" };
	assert_int_equal(atomic_open(&a, path, 0644, false, &err), DL_ERR_INPUT);
	assert_non_null(strstr(err.msg, "--force"));
	assert_string_equal(listing(dir), "out.txt");
}

static void test_overwrite_replaces_only_at_commit(void **state)
{
	write_plain(path, "old content\n");
	struct atomic_file a;
	struct dl_error err = { 0, "" };
	assert_int_equal(atomic_open(&a, path, 0644, true, &err), 0);
	assert_non_null(a.fp);
	fputs("new content\n", a.fp);
	assert_int_equal(fflush(a.fp), 0); /* even flushed, it is not there yet */
	assert_string_equal(slurp(path), "old content\n");
	/* The temporary file sits next to the target, in the same directory
	 * (so that rename is atomic): two names there now. */
	assert_int_equal(entries(dir), 2);
	assert_int_equal(atomic_commit(&a, &err), 0);
	assert_true(all_zero(&a));
	assert_string_equal(slurp(path), "new content\n");
	assert_string_equal(listing(dir), "out.txt");
}

static void test_abort_leaves_no_temp_file(void **state)
{
	struct atomic_file a;
	struct dl_error err = { 0, "" };
	/* A new file: abort leaves the directory empty. */
	assert_int_equal(atomic_open(&a, path, 0644, false, &err), 0);
	fputs("half written", a.fp);
	assert_string_not_equal(listing(dir), "");
	atomic_abort(&a);
	assert_true(all_zero(&a));
	assert_string_equal(listing(dir), "");
	atomic_abort(&a); /* twice is harmless */

	/* Replacing: abort leaves the old file as it was, and only it. */
	write_plain(path, "keep me\n");
	assert_int_equal(atomic_open(&a, path, 0600, true, &err), 0);
	fputs("discard me\n", a.fp);
	atomic_abort(&a);
	assert_string_equal(listing(dir), "out.txt");
	assert_string_equal(slurp(path), "keep me\n");
}

static void check_mode(mode_t um, mode_t want)
{
	char p[160];
	snprintf(p, sizeof p, "%s/mode-%03o-%03o", dir, (unsigned)um, (unsigned)want);
	umask(um);
	struct atomic_file a;
	struct dl_error err = { 0, "" };
	assert_int_equal(atomic_open(&a, p, want, false, &err), 0);
	/* Exact from the start: the temporary file already has the mode, so a
	 * private key is never readable by others, not even for a moment. */
	struct stat st;
	assert_int_equal(fstat(fileno(a.fp), &st), 0);
	if ((st.st_mode & 07777) != want)
		print_error("umask %03o: temporary file has mode %03o, want %03o\n", (unsigned)um,
			    (unsigned)(st.st_mode & 07777), (unsigned)want);
	assert_int_equal(st.st_mode & 07777, want);
	fputs("secret\n", a.fp);
	assert_int_equal(atomic_commit(&a, &err), 0);
	if (mode_of(p) != want)
		print_error("umask %03o: file has mode %03o, want %03o\n", (unsigned)um, (unsigned)mode_of(p),
			    (unsigned)want);
	assert_int_equal(mode_of(p), want);
	umask(saved_umask);
}

static void test_mode_exact_whatever_the_umask(void **state)
{
	check_mode(077, 0600);
	check_mode(000, 0600);
	check_mode(022, 0600);
	check_mode(077, 0644); /* the umask must not narrow it either */
	check_mode(000, 0644);
}

static void test_mode_exact_when_replacing(void **state)
{
	/* The replaced file's mode does not carry over: a key rewritten with
	 * --force over a world-readable file is 0600 again. */
	write_plain(path, "old\n");
	chmod(path, 0666);
	umask(000);
	struct atomic_file a;
	struct dl_error err = { 0, "" };
	assert_int_equal(atomic_open(&a, path, 0600, true, &err), 0);
	fputs("new\n", a.fp);
	assert_int_equal(atomic_commit(&a, &err), 0);
	assert_int_equal(mode_of(path), 0600);
	assert_string_equal(slurp(path), "new\n");
}

static void test_open_in_missing_directory(void **state)
{
	char p[192];
	snprintf(p, sizeof p, "%s/no/such/dir/out.txt", dir);
	struct atomic_file a;
	struct dl_error err = { 0, "" };
	int rc = atomic_open(&a, p, 0644, false, &err);
	assert_int_equal(rc, DL_ERR_ENV);
	assert_int_equal(err.code, DL_ERR_ENV);
	assert_non_null(strstr(err.msg, p));
	assert_true(all_zero(&a));
	atomic_abort(&a);
	assert_string_equal(listing(dir), "");
	/* The same with overwrite: a missing directory is not an existing file. */
	rc = atomic_open(&a, p, 0644, true, &err);
	assert_int_equal(rc, DL_ERR_ENV);
	assert_string_equal(listing(dir), "");
}

static void test_commit_to_vanished_directory(void **state)
{
	/* The directory disappears between open and commit: commit fails with
	 * DL_ERR_ENV and creates nothing (the directory does not come back). */
	char sub[96], p[160];
	snprintf(sub, sizeof sub, "%s/sub", dir);
	snprintf(p, sizeof p, "%s/out.txt", sub);
	assert_int_equal(mkdir(sub, 0755), 0);
	struct atomic_file a;
	struct dl_error err = { 0, "" };
	assert_int_equal(atomic_open(&a, p, 0644, false, &err), 0);
	fputs("data\n", a.fp);
	assert_int_equal(unlink(a.tmp), 0);
	assert_int_equal(rmdir(sub), 0);
	int rc = atomic_commit(&a, &err);
	assert_int_equal(rc, DL_ERR_ENV);
	assert_int_equal(err.code, DL_ERR_ENV);
	assert_true(all_zero(&a));
	assert_string_equal(listing(dir), "");
}

static void test_failed_rename_leaves_target_and_no_temp(void **state)
{
	/* Commit over a non-empty directory (with overwrite) cannot rename:
	 * DL_ERR_ENV, the target untouched, the temporary file removed. */
	char inner[192];
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(inner, sizeof inner, "%s/inner", path);
	write_plain(inner, "inside\n");
	struct atomic_file a;
	struct dl_error err = { 0, "" };
	assert_int_equal(atomic_open(&a, path, 0644, true, &err), 0);
	fputs("data\n", a.fp);
	int rc = atomic_commit(&a, &err);
	assert_int_equal(rc, DL_ERR_ENV);
	assert_non_null(strstr(err.msg, path));
	assert_true(all_zero(&a));
	assert_string_equal(listing(dir), "out.txt");
	assert_string_equal(slurp(inner), "inside\n");
}

static void test_commit_refuses_file_that_appeared(void **state)
{
	/* Without overwrite, a file created by someone else between open and
	 * commit is not replaced either. */
	struct atomic_file a;
	struct dl_error err = { 0, "" };
	assert_int_equal(atomic_open(&a, path, 0644, false, &err), 0);
	fputs("mine\n", a.fp);
	write_plain(path, "theirs\n");
	int rc = atomic_commit(&a, &err);
	assert_int_equal(rc, DL_ERR_INPUT);
	assert_non_null(strstr(err.msg, "--force"));
	assert_true(all_zero(&a));
	assert_string_equal(slurp(path), "theirs\n");
	assert_string_equal(listing(dir), "out.txt");
}

static void test_commit_creates_exactly_one_file(void **state)
{
	assert_string_equal(listing(dir), "");
	struct atomic_file a;
	struct dl_error err = { 0, "" };
	assert_int_equal(atomic_open(&a, path, 0644, false, &err), 0);
	for (int i = 0; i < 1000; i++)
		fprintf(a.fp, "line %d\n", i);
	assert_int_equal(atomic_commit(&a, &err), 0);
	assert_string_equal(listing(dir), "out.txt");
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	char line[64];
	int i = 0;
	while (fgets(line, sizeof line, fp)) {
		char want[64];
		snprintf(want, sizeof want, "line %d\n", i++);
		assert_string_equal(line, want);
	}
	fclose(fp);
	assert_int_equal(i, 1000);
}

static void test_null_error_record(void **state)
{
	/* err may be NULL: the codes still come back. */
	write_plain(path, "x\n");
	struct atomic_file a;
	assert_int_equal(atomic_open(&a, path, 0644, false, NULL), DL_ERR_INPUT);
	assert_int_equal(atomic_open(&a, path, 0644, true, NULL), 0);
	fputs("y\n", a.fp);
	assert_int_equal(atomic_commit(&a, NULL), 0);
	assert_string_equal(slurp(path), "y\n");
	assert_string_equal(listing(dir), "out.txt");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_refuses_existing_without_overwrite),
		T(test_refuses_existing_directory_entry),
		T(test_overwrite_replaces_only_at_commit),
		T(test_abort_leaves_no_temp_file),
		T(test_mode_exact_whatever_the_umask),
		T(test_mode_exact_when_replacing),
		T(test_open_in_missing_directory),
		T(test_commit_to_vanished_directory),
		T(test_failed_rename_leaves_target_and_no_temp),
		T(test_commit_refuses_file_that_appeared),
		T(test_commit_creates_exactly_one_file),
		T(test_null_error_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
