/* test_acl.c: the resolver's client allow list (src/resolver/acl.c) and
 * its place in the topology (clients:, offnet: on the resolver). */
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
#include "net/addr.h"
#include "resolver/acl.h"

static bool allows(const struct acl *a, const char *ip)
{
	struct sockaddr_storage ss;
	assert_int_equal(net_addr_parse(ip, 53, &ss), 0);
	return acl_allows(a, (struct sockaddr *)&ss);
}

static void test_prefixes(void **state)
{
	struct acl a = { 0 };
	char buf[256];
	assert_int_equal(acl_add(&a, "127.0.0.1/32", NULL), 0);
	assert_int_equal(acl_add(&a, "127.53.0.0/16", NULL), 0);
	assert_int_equal(acl_add(&a, "::1", NULL), 0);
	assert_int_equal(acl_add(&a, "2001:db8::/33", NULL), 0);
	assert_string_equal(acl_describe(&a, buf, sizeof buf), "127.0.0.1/32, 127.53.0.0/16, ::1/128, 2001:db8::/33");
	assert_true(allows(&a, "127.0.0.1"));
	assert_false(allows(&a, "127.0.0.2"));
	assert_true(allows(&a, "127.53.255.1"));
	assert_false(allows(&a, "127.54.0.1"));
	assert_false(allows(&a, "127.66.0.1")); /* the lab's off-net stand-in */
	assert_true(allows(&a, "::1"));
	assert_false(allows(&a, "::2"));
	assert_true(allows(&a, "2001:db8:7fff::1"));
	assert_false(allows(&a, "2001:db8:8000::1"));
	assert_true(allows(&a, "::ffff:127.53.0.1")); /* a mapped IPv4 client is that client */
	struct acl lo;
	acl_loopback(&lo);
	assert_true(allows(&lo, "127.66.0.1"));
	assert_true(allows(&lo, "::1"));
	assert_false(allows(&lo, "192.0.2.1"));
	struct acl all = { 0 };
	assert_int_equal(acl_add(&all, "0.0.0.0/0", NULL), 0);
	assert_true(allows(&all, "198.51.100.7"));
	assert_false(allows(&all, "::1"));
}

static void test_bad_prefixes(void **state)
{
	struct acl a = { 0 };
	struct dl_error err = { 0 };
	assert_int_equal(acl_add(&a, "127.53.0.1/16", &err), DL_ERR_INPUT);
	assert_non_null(strstr(err.msg, "host bits"));
	assert_int_equal(acl_add(&a, "10.0.0.0/33", &err), DL_ERR_INPUT);
	assert_non_null(strstr(err.msg, "0 to 32"));
	assert_int_equal(acl_add(&a, "::/129", &err), DL_ERR_INPUT);
	assert_int_equal(acl_add(&a, "10.0.0.0/", &err), DL_ERR_INPUT);
	assert_int_equal(acl_add(&a, "localhost", &err), DL_ERR_INPUT);
	assert_non_null(strstr(err.msg, "not an IPv4 or IPv6"));
	assert_int_equal(a.n, 0);
}

static void test_lab_topology(void **state)
{
	struct topology *t = NULL;
	struct dl_error err = { 0 };
	assert_int_equal(topology_load("zones/lab.yaml", &t, &err), 0);
	const struct topo_server *r = topology_find(t, "resolver");
	assert_non_null(r);
	assert_int_equal(r->clients.n, 3);
	assert_non_null(r->offnet);
	assert_true(allows(&r->clients, "127.0.0.1"));
	assert_true(allows(&r->clients, "127.53.0.53"));
	assert_false(allows(&r->clients, r->offnet));
	assert_null(topology_find(t, "root")->offnet);
	topology_free(t);
}

static int load_text(const char *text, struct dl_error *err)
{
	char path[] = "/tmp/dnslab-test-acl-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct topology *t = NULL;
	int rc = topology_load(path, &t, err);
	topology_free(t);
	unlink(path);
	return rc;
}

static void test_topology_errors(void **state)
{
	struct dl_error err = { 0 };
	assert_int_equal(load_text("servers:\n  - { id: r, name: r.test, address: 127.53.0.53, role: resolver,\n"
				   "      clients: [127.0.0.1/32, 127.53.0.1/8] }\n", &err), DL_ERR_INPUT);
	assert_non_null(strstr(err.msg, ":3: '127.53.0.1/8' has host bits"));
	assert_int_equal(load_text("servers:\n  - { id: root, name: a.test, address: 127.53.0.1, zones: [.],\n"
				   "      clients: [127.0.0.1] }\n", &err), DL_ERR_INPUT);
	assert_non_null(strstr(err.msg, "only a resolver"));
	assert_int_equal(load_text("servers:\n  - { id: r, name: r.test, address: 127.53.0.53, role: resolver,\n"
				   "      offnet: outside }\n", &err), DL_ERR_INPUT);
	assert_non_null(strstr(err.msg, "'offnet' must be"));
	assert_int_equal(load_text("servers:\n  - { id: r, name: r.test, address: 127.53.0.53, role: resolver,\n"
				   "      clients: [] }\n", &err), DL_ERR_INPUT);
	assert_non_null(strstr(err.msg, "list of address prefixes"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_bad_prefixes),
		cmocka_unit_test(test_lab_topology),
		cmocka_unit_test(test_topology_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
