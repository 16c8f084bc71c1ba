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
	/* dnssec: sign -- the lab signs its zones at startup. */
	assert_true(cur->sign);
	assert_int_equal(cur->nservers, 7);
	static const struct {
		const char *id, *name, *address;
		size_t nzones;
		int line;
		enum topo_role role;
	} want[] = {
		{ "root", "a.root-servers.test.", "127.53.0.1", 1, 36, TOPO_AUTHORITATIVE },
		{ "tld", "ns1.nic.test.", "127.53.1.1", 2, 45, TOPO_AUTHORITATIVE },
		{ "example", "ns1.example.test.", "127.53.2.1", 2, 54, TOPO_AUTHORITATIVE },
		{ "shop", "ns1.shop.example.test.", "127.53.2.2", 1, 61, TOPO_AUTHORITATIVE },
		{ "teach", "ns1.teach.test.", "127.53.2.3", 6, 81, TOPO_AUTHORITATIVE },
		{ "student", "ns1.student.test.", "127.53.3.1", 1, 112, TOPO_AUTHORITATIVE },
		{ "resolver", "resolver.isp.test.", "127.53.0.53", 0, 121, TOPO_RESOLVER },
	};
	for (size_t i = 0; i < 7; i++) {
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
	assert_int_equal(root->zones[0].line, 39);
	assert_string_equal(tld->zones[0].origin, "test.");
	assert_string_equal(tld->zones[0].file, "zones/test.zone");
	assert_string_equal(tld->zones[1].origin, "arpa.");
	assert_string_equal(tld->zones[1].file, "zones/arpa.zone");
	assert_int_equal(tld->zones[1].line, 48);
	assert_string_equal(ex->zones[1].origin, "2.0.192.in-addr.arpa.");
	assert_string_equal(ex->zones[1].file, "zones/2.0.192.in-addr.arpa.zone");
	/* Plain zone names are signed the default way: NSEC, no fault. */
	for (size_t i = 0; i < 4; i++)
		for (size_t z = 0; z < cur->servers[i].nzones; z++) {
			const struct topo_zone *tz = &cur->servers[i].zones[z];
			assert_true(tz->sign);
			assert_false(tz->nsec3);
			assert_int_equal(tz->iterations, 0);
			assert_int_equal(tz->fault, TOPO_FAULT_NONE);
		}
	/* The teaching zones, each a map saying how it is signed. */
	static const struct {
		const char *origin, *file;
		int line;
		bool sign, nsec3;
		enum topo_fault fault;
	} teach[] = {
		{ "nsec3.test.", "zones/nsec3.test.zone", 89, true, true, TOPO_FAULT_NONE },
		{ "island.test.", "zones/island.test.zone", 92, true, false, TOPO_FAULT_NO_DS },
		{ "unsigned.test.", "zones/unsigned.test.zone", 95, false, false, TOPO_FAULT_NONE },
		{ "expired.test.", "zones/expired.test.zone", 98, true, false, TOPO_FAULT_EXPIRED },
		{ "wrongds.test.", "zones/wrongds.test.zone", 102, true, false, TOPO_FAULT_WRONG_DS },
		{ "badsig.test.", "zones/badsig.test.zone", 106, true, false, TOPO_FAULT_BAD_SIG },
	};
	const struct topo_server *tch = &cur->servers[4];
	for (size_t i = 0; i < 6; i++) {
		const struct topo_zone *tz = &tch->zones[i];
		assert_string_equal(tz->origin, teach[i].origin);
		assert_string_equal(tz->file, teach[i].file);
		assert_int_equal(tz->line, teach[i].line);
		assert_int_equal(tz->sign, teach[i].sign);
		assert_int_equal(tz->nsec3, teach[i].nsec3);
		assert_int_equal(tz->iterations, 0);
		assert_int_equal(tz->fault, teach[i].fault);
	}
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

/* ---- DNSSEC: dnssec: sign | files, and zone entries as maps ---- */

/* One server, lines 1 to 5, whose zones list starts on line 6. */
#define TEACH                              \
	"servers:\n"                       \
	"  - id: teach\n"                  \
	"    name: ns1.teach.test.\n"      \
	"    address: 127.53.2.3\n"        \
	"    zones:\n"

static void test_dnssec_sign_or_files(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(load_text("dnssec: sign\n" ROOT, &err), 0);
	assert_true(cur->sign);
	topology_free(cur);
	cur = NULL;
	assert_int_equal(load_text("dnssec: files\n" ROOT, &err), 0);
	assert_false(cur->sign);
	topology_free(cur);
	cur = NULL;
	/* Without the key the zone files are served as written. */
	assert_int_equal(load_text(ROOT, &err), 0);
	assert_false(cur->sign);
}

static void test_zone_map_defaults(void **state)
{
	/* A map with only 'zone' is a plain name: signed, NSEC, no fault. */
	struct dl_error err = { 0 };
	assert_int_equal(load_text(TEACH
				   "      - { zone: island.test }\n"
				   "      - plain.test.\n",
				   &err),
			 0);
	const struct topo_server *s = &cur->servers[0];
	assert_int_equal(s->nzones, 2);
	for (size_t i = 0; i < 2; i++) {
		const struct topo_zone *tz = &s->zones[i];
		assert_int_equal(tz->line, 6 + (int)i);
		assert_true(tz->sign);
		assert_false(tz->nsec3);
		assert_int_equal(tz->iterations, 0);
		assert_int_equal(tz->fault, TOPO_FAULT_NONE);
	}
	/* The origin gets its trailing dot and its file next to lab.yaml. */
	assert_string_equal(s->zones[0].origin, "island.test.");
	char want[200];
	snprintf(want, sizeof want, "%s/island.test.zone", tmpdir);
	assert_string_equal(s->zones[0].file, want);
	assert_string_equal(s->zones[1].origin, "plain.test.");
}

static void test_zone_map_parsed(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(load_text(TEACH
				   "      - { zone: a.test., denial: nsec3, iterations: 0 }\n"
				   "      - zone: b.test.\n"
				   "        iterations: 2500\n" /* before its denial: order does not matter */
				   "        denial: nsec3\n"
				   "        fault: expired\n"
				   "      - { zone: c.test., sign: no }\n"
				   "      - { zone: d.test., sign: false, fault: none }\n"
				   "      - { zone: e.test., sign: yes, denial: nsec, fault: no-ds }\n"
				   "      - { zone: f.test., sign: true, fault: wrong-ds }\n"
				   "      - { zone: g.test., fault: bad-sig, denial: nsec3, iterations: 10 }\n",
				   &err),
			 0);
	static const struct {
		const char *origin;
		int line;
		bool sign, nsec3;
		unsigned iterations;
		enum topo_fault fault;
	} want[] = {
		{ "a.test.", 6, true, true, 0, TOPO_FAULT_NONE },
		{ "b.test.", 7, true, true, 2500, TOPO_FAULT_EXPIRED },
		{ "c.test.", 11, false, false, 0, TOPO_FAULT_NONE },
		{ "d.test.", 12, false, false, 0, TOPO_FAULT_NONE },
		{ "e.test.", 13, true, false, 0, TOPO_FAULT_NO_DS },
		{ "f.test.", 14, true, false, 0, TOPO_FAULT_WRONG_DS },
		{ "g.test.", 15, true, true, 10, TOPO_FAULT_BAD_SIG },
	};
	const struct topo_server *s = &cur->servers[0];
	assert_int_equal(s->nzones, 7);
	for (size_t i = 0; i < 7; i++) {
		const struct topo_zone *tz = &s->zones[i];
		assert_string_equal(tz->origin, want[i].origin);
		assert_int_equal(tz->line, want[i].line);
		assert_int_equal(tz->sign, want[i].sign);
		assert_int_equal(tz->nsec3, want[i].nsec3);
		assert_int_equal(tz->iterations, want[i].iterations);
		assert_int_equal(tz->fault, want[i].fault);
	}
}

static void test_fault_names(void **state)
{
	assert_string_equal(topo_fault_name(TOPO_FAULT_NONE), "none");
	assert_string_equal(topo_fault_name(TOPO_FAULT_NO_DS), "no-ds");
	assert_string_equal(topo_fault_name(TOPO_FAULT_EXPIRED), "expired");
	assert_string_equal(topo_fault_name(TOPO_FAULT_WRONG_DS), "wrong-ds");
	assert_string_equal(topo_fault_name(TOPO_FAULT_BAD_SIG), "bad-sig");
	assert_string_equal(topo_fault_name((enum topo_fault)99), "?");
}

static void test_bad_dnssec_value(void **state)
{
	static const char *const why =
		"'dnssec' must be 'sign' (the lab signs its zones) or 'files' (served as written)";
	expect_error(ROOT "dnssec: yes\n", 6, why);
	expect_error("# comment\ndnssec: signed\n" ROOT, 2, why);
	expect_error("dnssec: [sign]\n" ROOT, 1, why);
}

static void test_unknown_zone_key(void **state)
{
	/* At the offending key's own line, with the list of valid keys. */
	expect_error(TEACH
		     "      - { zone: a.test. }\n"
		     "      - zone: b.test.\n"
		     "        falt: expired\n",
		     8, "unknown key 'falt' (expected one of: zone, sign, denial, iterations, fault)");
	expect_error(TEACH "      - {origin: arpa.}\n", 6,
		     "unknown key 'origin' (expected one of: zone, sign, denial, iterations, fault)");
}

static void test_zone_map_without_zone(void **state)
{
	expect_error(TEACH "      - a.test.\n      - { denial: nsec3 }\n", 7, "missing 'zone'");
	expect_error(TEACH "      - { zone: [a.test.] }\n", 6, "'zone' must be text, not a list");
}

static void test_bad_fault(void **state)
{
	static const char *const why = "'fault' must be one of: none, no-ds, expired, wrong-ds, bad-sig";
	expect_error(TEACH
		     "      - zone: a.test.\n"
		     "        fault: expired\n"
		     "      - zone: b.test.\n"
		     "        fault: wrongds\n",
		     9, why);
	expect_error(TEACH "      - { zone: a.test., fault: Expired }\n", 6, why);
	expect_error(TEACH "      - { zone: a.test., fault: }\n", 6, why);
	expect_error(TEACH "      - { zone: a.test., fault: [expired] }\n", 6, why);
}

static void test_fault_needs_signed_zone(void **state)
{
	/* Reported at the fault, whichever comes first in the map. */
	expect_error(TEACH
		     "      - zone: a.test.\n"
		     "        sign: no\n"
		     "        fault: no-ds\n",
		     8, "a fault needs a signed zone (sign: no)");
	expect_error(TEACH
		     "      - zone: a.test.\n"
		     "        fault: bad-sig\n"
		     "        sign: false\n",
		     7, "a fault needs a signed zone (sign: no)");
}

static void test_bad_sign_and_denial(void **state)
{
	expect_error(TEACH "      - { zone: a.test., sign: maybe }\n", 6, "'sign' must be yes or no");
	expect_error(TEACH "      - zone: a.test.\n        sign: [yes]\n", 7, "'sign' must be yes or no");
	expect_error(TEACH "      - zone: a.test.\n        denial: nsec5\n", 7, "'denial' must be nsec or nsec3");
	expect_error(TEACH "      - { zone: a.test., denial: NSEC3 }\n", 6, "'denial' must be nsec or nsec3");
}

static void test_iterations_need_nsec3(void **state)
{
	static const char *const why = "'iterations' must be a number from 0 to 2500, with denial: nsec3";
	/* Without denial: nsec3, even 0 (RFC 9276's value) is refused. */
	expect_error(TEACH "      - zone: a.test.\n        iterations: 0\n", 7, why);
	expect_error(TEACH "      - zone: a.test.\n        denial: nsec\n        iterations: 0\n", 8, why);
	/* With it, only a number from 0 to 2500. */
	expect_error(TEACH "      - { zone: a.test., denial: nsec3, iterations: 2501 }\n", 6, why);
	expect_error(TEACH "      - { zone: a.test., denial: nsec3, iterations: -1 }\n", 6, why);
	expect_error(TEACH "      - { zone: a.test., denial: nsec3, iterations: ten }\n", 6, why);
	expect_error(TEACH "      - { zone: a.test., denial: nsec3, iterations: 1x }\n", 6, why);
	expect_error(TEACH "      - { zone: a.test., denial: nsec3, iterations: \"\" }\n", 6, why);
}

/* ---- errors ---- */

static void test_unknown_top_key(void **state)
{
	expect_error(ROOT "server:\n  - id: x\n", 6, "unknown key 'server' (expected one of: servers, dnssec)");
	/* dnssec is a known key now; a misspelling of it is not. */
	expect_error("dnssec: sign\n" ROOT "dnsec: files\n", 7,
		     "unknown key 'dnsec' (expected one of: servers, dnssec)");
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
		     "      - [arpa.]\n",
		     7, "a zone must be a domain name, or a map with 'zone'");
	expect_error("servers:\n  - id: a\n    name: a.\n    address: 127.0.0.1\n    zones: [\"\"]\n", 5,
		     "a zone must be a domain name, or a map with 'zone'");
	/* A map names its zone with 'zone': an empty one is no name either. */
	expect_error("servers:\n  - id: a\n    name: a.\n    address: 127.0.0.1\n    zones:\n"
		     "      - { zone: \"\" }\n",
		     6, "a zone must be a domain name");
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
		T(test_dnssec_sign_or_files),
		T(test_zone_map_defaults),
		T(test_zone_map_parsed),
		T(test_fault_names),
		T(test_bad_dnssec_value),
		T(test_unknown_zone_key),
		T(test_zone_map_without_zone),
		T(test_bad_fault),
		T(test_fault_needs_signed_zone),
		T(test_bad_sign_and_denial),
		T(test_iterations_need_nsec3),
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
