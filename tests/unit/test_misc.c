/* test_misc.c: unit tests for the small modules under the lab: the
 * line-numbered YAML tree (src/util/ytree.c), the per-server answer cache
 * (src/dns/anscache.c) and the lab clock's offset parser (src/lab/clock.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dns/anscache.h"
#include "lab/clock.h"
#include "util/err.h"
#include "util/ytree.h"

/* ---- fixtures ---- */

static char tmpdir[64];
static char ypath[128];
static struct ynode *tree;
static struct anscache cache;

static int group_setup(void **state)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/dnslab-test-misc-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(ypath, sizeof ypath, "%s/t.yaml", tmpdir);
	return 0;
}

static int group_teardown(void **state)
{
	unlink(ypath);
	rmdir(tmpdir);
	return 0;
}

static int teardown(void **state)
{
	ytree_free(tree);
	tree = NULL;
	anscache_clear(&cache);
	unlink(ypath);
	return 0;
}

#define T(f) cmocka_unit_test_teardown(f, teardown)

/* ---- ytree ---- */

static int yload(const char *text, struct dl_error *err)
{
	FILE *fp = fopen(ypath, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	return ytree_load(ypath, &tree, err);
}

static void expect_yerror_at(const char *text, int line, const char *reason, const char *file, int at)
{
	struct dl_error err = { 0 };
	_assert_int_equal(yload(text, &err), DL_ERR_INPUT, file, at);
	_assert_true(tree == NULL, "no tree on error", file, at);
	char want[1200];
	snprintf(want, sizeof want, "%s:%d: %s", ypath, line, reason);
	_assert_string_equal(err.msg, want, file, at);
}

#define expect_yerror(text, line, reason) expect_yerror_at(text, line, reason, __FILE__, __LINE__)

static void test_ytree_structure_and_lines(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(yload("# a comment\n"                /* 1 */
			       "name: lab\n"                  /* 2 */
			       "list:\n"                      /* 3 */
			       "  - one\n"                    /* 4 */
			       "  - \"two words\"\n"          /* 5 */
			       "nested:\n"                    /* 6 */
			       "  inner: 42\n"                /* 7 */
			       "  flow: [a, b]\n"             /* 8 */
			       "empty:\n",                    /* 9 */
			       &err),
			 0);
	assert_non_null(tree);
	assert_int_equal(tree->kind, Y_MAP);
	assert_int_equal(tree->line, 2);
	assert_int_equal(tree->n, 4);
	assert_string_equal(tree->keys[0], "name");
	assert_int_equal(tree->key_lines[0], 2);
	assert_string_equal(tree->keys[3], "empty");
	assert_int_equal(tree->key_lines[3], 9);

	const struct ynode *name = ymap_get(tree, "name");
	assert_non_null(name);
	assert_int_equal(name->kind, Y_SCALAR);
	assert_string_equal(name->value, "lab");
	assert_int_equal(name->line, 2);

	const struct ynode *list = ymap_get(tree, "list");
	assert_int_equal(list->kind, Y_SEQ);
	assert_int_equal(list->n, 2);
	assert_null(list->keys);
	assert_string_equal(list->items[0]->value, "one");
	assert_int_equal(list->items[0]->line, 4);
	assert_string_equal(list->items[1]->value, "two words");
	assert_int_equal(list->items[1]->line, 5);

	const struct ynode *nested = ymap_get(tree, "nested");
	assert_int_equal(nested->kind, Y_MAP);
	assert_int_equal(nested->line, 7);
	assert_string_equal(ymap_get(nested, "inner")->value, "42");
	const struct ynode *flow = ymap_get(nested, "flow");
	assert_int_equal(flow->kind, Y_SEQ);
	assert_int_equal(flow->line, 8);
	assert_int_equal(flow->n, 2);
	assert_string_equal(flow->items[1]->value, "b");

	/* A key with no value is an empty scalar. */
	const struct ynode *empty = ymap_get(tree, "empty");
	assert_int_equal(empty->kind, Y_SCALAR);
	assert_string_equal(empty->value, "");

	assert_null(ymap_get(tree, "missing"));
	assert_null(ymap_get(list, "one")); /* not a map */
	assert_null(ymap_get(NULL, "name"));
}

static void test_ytree_empty_and_scalar_documents(void **state)
{
	struct dl_error err = { 0 };
	/* An empty file (or one with only comments) is an empty map. */
	assert_int_equal(yload("# nothing\n", &err), 0);
	assert_int_equal(tree->kind, Y_MAP);
	assert_int_equal(tree->n, 0);
	assert_int_equal(tree->line, 1);
	ytree_free(tree);
	tree = NULL;
	assert_int_equal(yload("", &err), 0);
	assert_int_equal(tree->kind, Y_MAP);
	ytree_free(tree);
	tree = NULL;
	assert_int_equal(yload("--- just text\n", &err), 0);
	assert_int_equal(tree->kind, Y_SCALAR);
	assert_string_equal(tree->value, "just text");
}

static void test_ytree_missing_file(void **state)
{
	struct dl_error err = { 0 };
	char path[200];
	snprintf(path, sizeof path, "%s/absent.yaml", tmpdir);
	assert_int_equal(ytree_load(path, &tree, &err), DL_ERR_ENV);
	assert_null(tree);
	char want[300];
	snprintf(want, sizeof want, "cannot open %s: No such file or directory", path);
	assert_string_equal(err.msg, want);
}

static void test_ytree_errors(void **state)
{
	expect_yerror("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a' (first at line 1)");
	expect_yerror("a: &anchor 1\nb: *anchor\n", 2, "YAML aliases are not supported here");
	expect_yerror("a: 1\n? [x, y]\n: 2\n", 2, "a key must be plain text");
	expect_yerror("a: 1\n b: 2\n", 2, "mapping values are not allowed in this context");
}

static void test_ytree_depth_limit(void **state)
{
	char text[256] = "ok: 1\ndeep: ";
	for (int i = 0; i < 40; i++)
		strcat(text, "[");
	for (int i = 0; i < 40; i++)
		strcat(text, "]");
	strcat(text, "\n");
	expect_yerror(text, 2, "nested too deeply");
	/* 30 levels are fine. */
	struct dl_error err = { 0 };
	char ok[128] = "deep: ";
	for (int i = 0; i < 30; i++)
		strcat(ok, "[");
	for (int i = 0; i < 30; i++)
		strcat(ok, "]");
	assert_int_equal(yload(ok, &err), 0);
}

static void test_ymap_check_keys(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(yload("id: x\nname: y\n", &err), 0);
	static const char *const allowed[] = { "id", "name", "address", NULL };
	assert_int_equal(ymap_check_keys(tree, allowed, "f.yaml", &err), 0);
	static const char *const fewer[] = { "id", "address", NULL };
	assert_int_equal(ymap_check_keys(tree, fewer, "f.yaml", &err), DL_ERR_INPUT);
	assert_string_equal(err.msg, "f.yaml:2: unknown key 'name' (expected one of: id, address)");
}

static void test_ymap_scalar(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(yload("top:\n  id: x\n  list: [1]\n  map: {a: b}\n", &err), 0);
	const struct ynode *top = ymap_get(tree, "top");
	const char *v = NULL;
	assert_int_equal(ymap_scalar(top, "id", "f.yaml", &v, &err), 0);
	assert_string_equal(v, "x");
	assert_int_equal(ymap_scalar(top, "name", "f.yaml", &v, &err), DL_ERR_INPUT);
	assert_string_equal(err.msg, "f.yaml:2: missing 'name'");
	assert_int_equal(ymap_scalar(top, "list", "f.yaml", &v, &err), DL_ERR_INPUT);
	assert_string_equal(err.msg, "f.yaml:3: 'list' must be text, not a list");
	assert_int_equal(ymap_scalar(top, "map", "f.yaml", &v, &err), DL_ERR_INPUT);
	assert_string_equal(err.msg, "f.yaml:4: 'map' must be text, not a map");
	assert_string_equal(ynode_kind_name(Y_SCALAR), "value");
	assert_string_equal(ynode_kind_name(Y_SEQ), "list");
	assert_string_equal(ynode_kind_name(Y_MAP), "map");
}

/* ---- anscache ---- */

/* A wire name with one label "h<i>" under "test". */
static size_t mkname(uint8_t *buf, unsigned i)
{
	char label[16];
	int l = snprintf(label, sizeof label, "h%u", i);
	size_t n = 0;
	buf[n++] = (uint8_t)l;
	memcpy(buf + n, label, (size_t)l);
	n += (size_t)l;
	buf[n++] = 4;
	memcpy(buf + n, "test", 4);
	n += 4;
	buf[n++] = 0;
	return n;
}

static struct anscache_key mkkey(const uint8_t *name, size_t len, uint16_t type, uint8_t variant)
{
	return (struct anscache_key){ .qname = name, .qname_len = len, .qtype = type, .qclass = 1,
				      .variant = variant };
}

static void test_anscache_put_get(void **state)
{
	uint8_t name[32];
	size_t nl = mkname(name, 1);
	struct anscache_key k = mkkey(name, nl, 1, 0);
	size_t len = 99;
	assert_null(anscache_get(&cache, &k, &len));
	assert_int_equal(len, 99);

	uint8_t resp[100];
	for (size_t i = 0; i < sizeof resp; i++)
		resp[i] = (uint8_t)i;
	anscache_put(&cache, &k, resp, sizeof resp);
	assert_int_equal(cache.used, 1);
	memset(resp, 0, sizeof resp); /* the cache keeps its own copy */
	const uint8_t *got = anscache_get(&cache, &k, &len);
	assert_non_null(got);
	assert_int_equal(len, 100);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(got[i], (uint8_t)i);
	/* A second put for the same key keeps the first response. */
	anscache_put(&cache, &k, resp, 10);
	assert_int_equal(cache.used, 1);
	got = anscache_get(&cache, &k, &len);
	assert_int_equal(len, 100);
	assert_int_equal(got[99], 99);
}

static void test_anscache_key_fields(void **state)
{
	uint8_t name[32], other[32];
	size_t nl = mkname(name, 7), ol = mkname(other, 8);
	const uint8_t a = 'A', b = 'B', c = 'C', d = 'D', e = 'E';
	struct anscache_key k = mkkey(name, nl, 1, 0);
	anscache_put(&cache, &k, &a, 1);
	struct anscache_key kv = mkkey(name, nl, 1, 1);
	anscache_put(&cache, &kv, &b, 1);
	struct anscache_key kt = mkkey(name, nl, 28, 0);
	anscache_put(&cache, &kt, &c, 1);
	struct anscache_key kc = k;
	kc.qclass = 3;
	anscache_put(&cache, &kc, &d, 1);
	struct anscache_key kn = mkkey(other, ol, 1, 0);
	anscache_put(&cache, &kn, &e, 1);
	assert_int_equal(cache.used, 5);
	size_t len = 0;
	assert_int_equal(*anscache_get(&cache, &k, &len), 'A');
	assert_int_equal(*anscache_get(&cache, &kv, &len), 'B');
	assert_int_equal(*anscache_get(&cache, &kt, &len), 'C');
	assert_int_equal(*anscache_get(&cache, &kc, &len), 'D');
	assert_int_equal(*anscache_get(&cache, &kn, &len), 'E');
	struct anscache_key kdo = mkkey(name, nl, 1, 3);
	assert_null(anscache_get(&cache, &kdo, &len));
}

static void test_anscache_rejects_oversized(void **state)
{
	uint8_t name[300];
	memset(name, 1, sizeof name);
	struct anscache_key k = mkkey(name, 256, 1, 0);
	const uint8_t r = 0;
	anscache_put(&cache, &k, &r, 1);
	assert_int_equal(cache.used, 0);
	size_t len = 0;
	assert_null(anscache_get(&cache, &k, &len));
	/* A response over 65535 octets cannot be stored in a 16-bit length. */
	uint8_t small[16];
	size_t nl = mkname(small, 1);
	struct anscache_key k2 = mkkey(small, nl, 1, 0);
	static uint8_t huge[70000];
	anscache_put(&cache, &k2, huge, sizeof huge);
	assert_int_equal(cache.used, 0);
	assert_null(anscache_get(&cache, &k2, &len));
}

static void test_anscache_bounded(void **state)
{
	const size_t limit = ANSCACHE_SLOTS / 4 * 3;
	uint8_t name[32];
	for (unsigned i = 0; i < limit + 10; i++) {
		size_t nl = mkname(name, i);
		struct anscache_key k = mkkey(name, nl, 1, 0);
		uint8_t r[4] = { (uint8_t)(i >> 24), (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
		anscache_put(&cache, &k, r, sizeof r);
	}
	/* Full at three quarters: emptied, then the latest answers are kept. */
	assert_int_equal(cache.used, 10);
	size_t len = 0;
	for (unsigned i = 0; i < limit + 10; i++) {
		size_t nl = mkname(name, i);
		struct anscache_key k = mkkey(name, nl, 1, 0);
		const uint8_t *got = anscache_get(&cache, &k, &len);
		if (i >= limit) {
			assert_non_null(got);
			assert_int_equal(len, 4);
			assert_int_equal(got[2] << 8 | got[3], i & 0xffff);
		} else {
			assert_null(got);
		}
	}
}

static void test_anscache_clear(void **state)
{
	uint8_t name[32];
	size_t nl = mkname(name, 3);
	struct anscache_key k = mkkey(name, nl, 1, 0);
	const uint8_t r = 9;
	anscache_clear(&cache); /* clearing an empty cache is fine */
	anscache_put(&cache, &k, &r, 1);
	anscache_clear(&cache);
	assert_null(cache.slots);
	assert_int_equal(cache.used, 0);
	size_t len = 0;
	assert_null(anscache_get(&cache, &k, &len));
	anscache_put(&cache, &k, &r, 1);
	assert_non_null(anscache_get(&cache, &k, &len));
}

/* ---- lab clock ---- */

static void test_clock_parse_offsets(void **state)
{
	static const struct {
		const char *s;
		int64_t v;
	} ok[] = {
		{ "+40d", 40 * 86400 },
		{ "-2h", -7200 },
		{ "90s", 90 },
		{ "90", 90 },
		{ "+1h30m", 5400 },
		{ "1m", 60 },
		{ "2w", 14 * 86400 },
		{ "1w2d3h4m5s", 7 * 86400 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5 },
		{ "-0", 0 },
		{ "+0s", 0 },
		{ "007s", 7 },
		{ "36500d", 36500LL * 86400 }, /* 100 years: the limit */
		{ "-36500d", -36500LL * 86400 },
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		int64_t v = 12345;
		int rc = labclock_parse_offset(ok[i].s, &v);
		if (rc || v != ok[i].v)
			print_error("'%s' -> rc %d, %lld\n", ok[i].s, rc, (long long)v);
		assert_int_equal(rc, 0);
		assert_int_equal(v, ok[i].v);
	}
}

static void test_clock_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"", "+", "-", "h", "5x", "1.5h", "1h-30m", " 1h", "1h ", "--1h", "+-1h", "1 h",
		"1hh", "36501d", "3153600001", "99999999999999999999999999", "5300w", "1y", "1M",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t v = 12345;
		int rc = labclock_parse_offset(bad[i], &v);
		if (rc != DL_ERR_USAGE)
			print_error("'%s' accepted as %lld\n", bad[i], (long long)v);
		assert_int_equal(rc, DL_ERR_USAGE);
		assert_int_equal(v, 12345); /* untouched on error */
	}
}

static void test_clock_now_with_offset(void **state)
{
	struct labclock real = { 0 }, later = { 40 * 86400 }, earlier = { -3600 };
	double t0 = (double)time(NULL);
	double now = labclock_now(&real);
	assert_true(fabs(now - t0) < 2.0);
	assert_true(fabs(labclock_now(NULL) - t0) < 2.0);
	assert_true(fabs(labclock_now(&later) - labclock_now(&real) - 40 * 86400.0) < 1.0);
	assert_true(fabs(labclock_now(&earlier) - labclock_now(&real) + 3600.0) < 1.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ytree_structure_and_lines),
		T(test_ytree_empty_and_scalar_documents),
		T(test_ytree_missing_file),
		T(test_ytree_errors),
		T(test_ytree_depth_limit),
		T(test_ymap_check_keys),
		T(test_ymap_scalar),
		T(test_anscache_put_get),
		T(test_anscache_key_fields),
		T(test_anscache_rejects_oversized),
		T(test_anscache_bounded),
		T(test_anscache_clear),
		T(test_clock_parse_offsets),
		T(test_clock_parse_rejects),
		T(test_clock_now_with_offset),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
