/* test_topology.c: unit tests for the lab topology file (src/lab/topology.c):
 * zones/lab.yaml loads as documented, servers are found by id, name or
 * address, and every mistake an instructor can make in the file is reported
 * as "file:line: reason" with DL_ERR_INPUT (DL_ERR_ENV when unreadable).
 *
 * Bad topologies are written inline into a temporary directory, so each
 * test shows the text and the line it expects side by side. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/topology.h"
#include "util/err.h"

static char tmpdir[64];
static char ypath[128];
static struct topology *cur;

static int group_setup(void **state)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/dnslab-test-topo-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(ypath, sizeof ypath, "%s/lab.yaml", tmpdir);
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
	topology_free(cur);
	cur = NULL;
	unlink(ypath);
	return 0;
}

#define T(f) cmocka_unit_test_teardown(f, teardown)

static int load_text(const char *text, struct dl_error *err)
{
	FILE *fp = fopen(ypath, "w");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	return topology_load(ypath, &cur, err);
}

static void expect_error_at(const char *text, int line, const char *reason, const char *file, int at)
{
	struct dl_error err = { 0 };
	int rc = load_text(text, &err);
	_assert_int_equal(rc, DL_ERR_INPUT, file, at);
	_assert_int_equal(err.code, DL_ERR_INPUT, file, at);
	_assert_true(cur == NULL, "no topology on error", file, at);
	char want[1200];
	snprintf(want, sizeof want, "%s:%d: %s", ypath, line, reason);
	_assert_string_equal(err.msg, want, file, at);
}

#define expect_error(text, line, reason) expect_error_at(text, line, reason, __FILE__, __LINE__)

/* One valid server, lines 2 to 5 after "servers:" on line 1. */
#define ROOT                                   \
	"servers:\n"                           \
	"  - id: root\n"                       \
	"    name: a.root-servers.test.\n"     \
	"    address: 127.53.0.1\n"            \
	"    zones: [\".\"]\n"

/* ---- the lab's topology ---- */

static void test_load_lab_yaml(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(topology_load("zones/lab.yaml", &cur, &err), 0);
	assert_string_equal(cur->path, "zones/lab.yaml");
	assert_int_equal(cur->nservers, 6);
	static const struct {
		const char *id, *name, *address;
		size_t nzones;
		int line;
		enum topo_role role;
	} want[] = {
		{ "root", "a.root-servers.test.", "127.53.0.1", 1, 26, TOPO_AUTHORITATIVE },
		{ "tld", "ns1.nic.test.", "127.53.1.1", 2, 35, TOPO_AUTHORITATIVE },
		{ "example", "ns1.example.test.", "127.53.2.1", 2, 44, TOPO_AUTHORITATIVE },
		{ "shop", "ns1.shop.example.test.", "127.53.2.2", 1, 51, TOPO_AUTHORITATIVE },
		{ "student", "ns1.student.test.", "127.53.3.1", 0, 59, TOPO_AUTHORITATIVE },
		{ "resolver", "resolver.isp.test.", "127.53.0.53", 0, 67, TOPO_RESOLVER },
	};
	for (size_t i = 0; i < 6; i++) {
		const struct topo_server *s = &cur->servers[i];
		assert_int_equal(s->role, want[i].role);
		assert_string_equal(s->id, want[i].id);
		assert_string_equal(s->name, want[i].name);
		assert_string_equal(s->address, want[i].address);
		assert_int_equal(s->nzones, want[i].nzones);
		assert_int_equal(s->line, want[i].line);
	}
	/* Zone origins get their trailing dot; files sit next to lab.yaml. */
	const struct topo_server *root = &cur->servers[0], *tld = &cur->servers[1], *ex = &cur->servers[2];
	assert_string_equal(root->zones[0].origin, ".");
	assert_string_equal(root->zones[0].file, "zones/root.zone");
	assert_int_equal(root->zones[0].line, 29);
	assert_string_equal(tld->zones[0].origin, "test.");
	assert_string_equal(tld->zones[0].file, "zones/test.zone");
	assert_string_equal(tld->zones[1].origin, "arpa.");
	assert_string_equal(tld->zones[1].file, "zones/arpa.zone");
	assert_int_equal(tld->zones[1].line, 38);
	assert_string_equal(ex->zones[1].origin, "2.0.192.in-addr.arpa.");
	assert_string_equal(ex->zones[1].file, "zones/2.0.192.in-addr.arpa.zone");
	for (size_t i = 0; i < cur->nservers; i++)
		for (size_t z = 0; z < cur->servers[i].nzones; z++)
			assert_int_equal(access(cur->servers[i].zones[z].file, R_OK), 0);
}

static void test_find_server(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(topology_load("zones/lab.yaml", &cur, &err), 0);
	const struct topo_server *ex = &cur->servers[2];
	assert_ptr_equal(topology_find(cur, "example"), ex);
	assert_ptr_equal(topology_find(cur, "EXAMPLE"), ex);
	assert_ptr_equal(topology_find(cur, "ns1.example.test."), ex);
	assert_ptr_equal(topology_find(cur, "ns1.example.test"), ex);
	assert_ptr_equal(topology_find(cur, "NS1.Example.Test"), ex);
	assert_ptr_equal(topology_find(cur, "127.53.2.1"), ex);
	assert_ptr_equal(topology_find(cur, "root"), &cur->servers[0]);
	assert_null(topology_find(cur, "nobody"));
	assert_null(topology_find(cur, "127.53.2.9"));
	assert_null(topology_find(cur, "ns1.example"));
	assert_null(topology_find(cur, ""));
}

static void test_names_made_absolute_and_paths(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(load_text("servers:\n"
				   "  - id: my_srv-1\n"
				   "    name: ns1.student.test\n"
				   "    address: \"2001:db8::53\"\n"
				   "    zones:\n"
				   "      - student.test\n"
				   "      - 2.0.192.in-addr.arpa.\n",
				   &err),
			 0);
	const struct topo_server *s = &cur->servers[0];
	assert_string_equal(s->id, "my_srv-1");
	assert_string_equal(s->name, "ns1.student.test.");
	assert_string_equal(s->address, "2001:db8::53");
	assert_int_equal(s->nzones, 2);
	assert_string_equal(s->zones[0].origin, "student.test.");
	assert_int_equal(s->zones[0].line, 6);
	char want[200];
	snprintf(want, sizeof want, "%s/student.test.zone", tmpdir);
	assert_string_equal(s->zones[0].file, want);
	snprintf(want, sizeof want, "%s/2.0.192.in-addr.arpa.zone", tmpdir);
	assert_string_equal(s->zones[1].file, want);
}

static void test_path_without_directory(void **state)
{
	/* A bare file name: zone files are looked up in ".". */
	char cwd[512];
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(tmpdir), 0);
	FILE *fp = fopen("lab.yaml", "w");
	assert_non_null(fp);
	fputs(ROOT, fp);
	fclose(fp);
	struct dl_error err = { 0 };
	int rc = topology_load("lab.yaml", &cur, &err);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(rc, 0);
	assert_string_equal(cur->servers[0].zones[0].file, "./root.zone");
}

/* ---- errors ---- */

static void test_unknown_top_key(void **state)
{
	expect_error(ROOT "server:\n  - id: x\n", 6, "unknown key 'server' (expected one of: servers)");
}

static void test_unknown_server_key(void **state)
{
	expect_error("servers:\n"
		     "  - id: root\n"
		     "    name: a.root-servers.test.\n"
		     "    adress: 127.53.0.1\n",
		     4, "unknown key 'adress' (expected one of: id, name, address, zones, role)");
}

static void test_missing_address(void **state)
{
	/* Reported at the server's first line. */
	expect_error(ROOT
		     "  - id: tld\n"
		     "    name: ns1.nic.test.\n"
		     "    zones: [test.]\n",
		     6, "missing 'address'");
}

static void test_missing_id_and_name(void **state)
{
	expect_error("servers:\n  - name: x.test.\n    address: 127.0.0.1\n", 2, "missing 'id'");
	expect_error("servers:\n  - id: x\n    address: 127.0.0.1\n", 2, "missing 'name'");
}

static void test_bad_address(void **state)
{
	expect_error(ROOT
		     "  - id: tld\n"
		     "    name: ns1.nic.test.\n"
		     "    address: 127.53.1.300\n",
		     8, "'127.53.1.300' is not an IPv4 or IPv6 address");
	expect_error("servers:\n  - id: a\n    name: a.\n    address: localhost\n", 4,
		     "'localhost' is not an IPv4 or IPv6 address");
}

static void test_address_must_be_text(void **state)
{
	expect_error("servers:\n  - id: a\n    name: a.\n    address: [127.0.0.1]\n", 4,
		     "'address' must be text, not a list");
}

static void test_bad_id(void **state)
{
	expect_error("servers:\n  - id: my server\n    name: a.\n    address: 127.0.0.1\n", 2,
		     "server id 'my server' must be letters, digits, - or _");
}

static void test_duplicate_id(void **state)
{
	expect_error(ROOT
		     "  - id: root\n"
		     "    name: b.root-servers.test.\n"
		     "    address: 127.53.0.2\n",
		     6, "server id 'root' is used twice (also line 2)");
}

static void test_duplicate_address(void **state)
{
	expect_error(ROOT
		     "  - id: tld\n"
		     "    name: ns1.nic.test.\n"
		     "    address: 127.53.0.1\n",
		     6, "address 127.53.0.1 is used twice (also line 2)");
}

static void test_duplicate_ipv6_address_other_spelling(void **state)
{
	/* 2001:db8::1 and 2001:DB8:0::1 are one address: two servers cannot
	 * both bind it, so the topology must say so, not the bind() later. */
	expect_error("servers:\n"
		     "  - id: a\n"
		     "    name: a.test.\n"
		     "    address: \"2001:db8::1\"\n"
		     "  - id: b\n"
		     "    name: b.test.\n"
		     "    address: \"2001:DB8:0::1\"\n",
		     5, "address 2001:DB8:0::1 is used twice (also line 2)");
}

static void test_zones_not_a_list(void **state)
{
	expect_error("servers:\n"
		     "  - id: tld\n"
		     "    name: ns1.nic.test.\n"
		     "    address: 127.53.1.1\n"
		     "    zones: test.\n",
		     5, "'zones' must be a list of zone names");
}

static void test_zone_not_a_name(void **state)
{
	expect_error("servers:\n"
		     "  - id: tld\n"
		     "    name: ns1.nic.test.\n"
		     "    address: 127.53.1.1\n"
		     "    zones:\n"
		     "      - test.\n"
		     "      - {origin: arpa.}\n",
		     7, "a zone must be a domain name");
	expect_error("servers:\n  - id: a\n    name: a.\n    address: 127.0.0.1\n    zones: [\"\"]\n", 5,
		     "a zone must be a domain name");
}

static void test_empty_servers(void **state)
{
	expect_error("# nothing yet\nservers: []\n", 2, "'servers' must be a non-empty list");
	expect_error("servers:\n", 1, "'servers' must be a non-empty list");
	expect_error("servers:\n  id: root\n", 2, "'servers' must be a non-empty list");
}

static void test_empty_file(void **state)
{
	expect_error("", 1, "'servers' must be a non-empty list");
}

static void test_not_a_map(void **state)
{
	expect_error("- id: root\n", 1, "expected a map with 'servers'");
	expect_error("servers:\n  - root\n", 2, "a server must be a map with id, name, address, zones");
}

static void test_yaml_syntax_error_line(void **state)
{
	/* Bad indentation on line 4. */
	expect_error("servers:\n"
		     "  - id: root\n"
		     "    name: a.root-servers.test.\n"
		     "   address: 127.53.0.1\n",
		     4, "did not find expected '-' indicator while parsing a block collection");
	/* A tab used for indentation on line 3 (the reason is libyaml's). */
	expect_error("servers:\n  - id: root\n\tname: x\n", 3,
		     "found a tab character that violates indentation while scanning a plain scalar");
}

static void test_yaml_duplicate_key(void **state)
{
	expect_error("servers:\n"
		     "  - id: root\n"
		     "    name: a.root-servers.test.\n"
		     "    id: other\n",
		     4, "duplicate key 'id' (first at line 2)");
}

static void test_missing_file(void **state)
{
	struct dl_error err = { 0 };
	char path[200];
	snprintf(path, sizeof path, "%s/none.yaml", tmpdir);
	assert_int_equal(topology_load(path, &cur, &err), DL_ERR_ENV);
	assert_null(cur);
	char want[300];
	snprintf(want, sizeof want, "cannot open %s: No such file or directory", path);
	assert_string_equal(err.msg, want);
	assert_int_equal(dl_exit_status(err.code), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_load_lab_yaml),
		T(test_find_server),
		T(test_names_made_absolute_and_paths),
		T(test_path_without_directory),
		T(test_unknown_top_key),
		T(test_unknown_server_key),
		T(test_missing_address),
		T(test_missing_id_and_name),
		T(test_bad_address),
		T(test_address_must_be_text),
		T(test_bad_id),
		T(test_duplicate_id),
		T(test_duplicate_address),
		T(test_duplicate_ipv6_address_other_spelling),
		T(test_zones_not_a_list),
		T(test_zone_not_a_name),
		T(test_empty_servers),
		T(test_empty_file),
		T(test_not_a_map),
		T(test_yaml_syntax_error_line),
		T(test_yaml_duplicate_key),
		T(test_missing_file),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
