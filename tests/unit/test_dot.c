/* test_dot.c: unit tests for DNS over TLS in the lab: the stream framing
 * (src/net/tlsio.c), the DoT port rule, and the lab CA and server
 * certificate (src/lab/labtls.c): made once with private keys 0600, reused
 * while good, the server's made again when it expires or names another
 * host or address (with the same CA, which a student may have trusted),
 * and both when the CA expires. */
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

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "lab/labtls.h"
#include "net/tlsio.h"

static void test_frame(void **state)
{
	size_t m = 99;
	const uint8_t none[] = { 0 };
	assert_int_equal(tlsio_frame(none, 0, &m), 0);
	assert_int_equal(tlsio_frame(none, 1, &m), 0);
	const uint8_t zero[] = { 0, 0, 1 };
	assert_int_equal(tlsio_frame(zero, 3, &m), -1); /* a zero length is never a message */
	const uint8_t part[] = { 0, 3, 'a', 'b' };
	assert_int_equal(tlsio_frame(part, 4, &m), 0);
	assert_int_equal(m, 3);
	const uint8_t two[] = { 0, 2, 'a', 'b', 0, 1, 'c' };
	assert_int_equal(tlsio_frame(two, sizeof two, &m), 1);
	assert_int_equal(m, 2);
	assert_int_equal(tlsio_frame(two + 4, 3, &m), 1);
	assert_int_equal(m, 1);
	const uint8_t big[] = { 0xff, 0xff };
	assert_int_equal(tlsio_frame(big, 2, &m), 0);
	assert_int_equal(m, 65535);
}

static void test_port_rule(void **state)
{
	assert_int_equal(labtls_port(53), 853);
	assert_int_equal(labtls_port(5300), 5301);
	assert_int_equal(labtls_port(20000), 20001);
}

/* ---- certificates ---- */

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/dnslab-test-dot-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static X509 *load(const char *path)
{
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	X509 *x = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	assert_non_null(x);
	return x;
}

/* Part of the certificate's SHA-256 fingerprint, to tell a reused file
 * from a new one. */
static long long serial_of(const char *path)
{
	X509 *x = load(path);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	assert_int_equal(X509_digest(x, EVP_sha256(), md, &n), 1);
	X509_free(x);
	long long s = 0;
	memcpy(&s, md, sizeof s);
	return s;
}

static int mode_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (int)(st.st_mode & 0777);
}

static void ensure(const char *name, const char *ip, time_t now, struct labtls_files *f, enum labtls_made want)
{
	enum labtls_made made = 99;
	struct dl_error err = { 0, "" };
	int rc = labtls_ensure(dir, name, ip, now, f, &made, &err);
	if (rc)
		print_error("%s\n", err.msg);
	assert_int_equal(rc, 0);
	assert_int_equal(made, want);
}

static void test_certificates(void **state)
{
	struct labtls_files f;
	time_t now = time(NULL);
	ensure("resolver.isp.test.", "127.53.0.53", now, &f, LABTLS_MADE_ALL);
	assert_int_equal(mode_of(f.ca_key), 0600);
	assert_int_equal(mode_of(f.key), 0600);
	assert_int_equal(mode_of(f.ca), 0644);
	assert_int_equal(mode_of(f.cert), 0644);

	/* The server certificate: the name without the root's dot, the
	 * address, issued by the CA, which is a CA; and nothing more. */
	X509 *ca = load(f.ca), *cert = load(f.cert);
	assert_int_equal(X509_check_host(cert, "resolver.isp.test", 0, 0, NULL), 1);
	assert_int_equal(X509_check_host(cert, "other.isp.test", 0, 0, NULL), 0);
	assert_int_equal(X509_check_ip_asc(cert, "127.53.0.53", 0), 1);
	assert_int_equal(X509_check_ip_asc(cert, "127.53.0.54", 0), 0);
	assert_int_equal(X509_check_issued(ca, cert), X509_V_OK);
	assert_int_equal(X509_verify(cert, X509_get0_pubkey(ca)), 1);
	assert_true(X509_check_ca(ca) > 0);
	assert_int_equal(X509_check_ca(cert), 0);
	assert_int_equal(EVP_PKEY_get_bits(X509_get0_pubkey(cert)), 256);
	X509_free(ca);
	X509_free(cert);

	/* Reused as long as they are good. */
	long long ca_serial = serial_of(f.ca), srv_serial = serial_of(f.cert);
	ensure("resolver.isp.test.", "127.53.0.53", now + 3600, &f, LABTLS_REUSED);
	assert_true(serial_of(f.cert) == srv_serial);

	/* Another name or address: a new server certificate, the same CA. */
	ensure("dot.isp.test.", "127.53.0.53", now, &f, LABTLS_MADE_SERVER);
	assert_true(serial_of(f.ca) == ca_serial);
	srv_serial = serial_of(f.cert);
	ensure("dot.isp.test.", "127.53.0.99", now, &f, LABTLS_MADE_SERVER);
	assert_true(serial_of(f.cert) != srv_serial);
	assert_true(serial_of(f.ca) == ca_serial);

	/* Expired (or within a day of it): the server's first, then the CA's. */
	ensure("dot.isp.test.", "127.53.0.99", now + (LABTLS_SERVER_DAYS - 1) * 86400LL + 3600, &f,
	       LABTLS_MADE_SERVER);
	assert_true(serial_of(f.ca) == ca_serial);
	ensure("dot.isp.test.", "127.53.0.99", now + (LABTLS_CA_DAYS + 1) * 86400LL, &f, LABTLS_MADE_ALL);
	assert_true(serial_of(f.ca) != ca_serial);

	/* A missing or broken file is made again. */
	ensure("dot.isp.test.", "127.53.0.99", now, &f, LABTLS_MADE_ALL); /* the CA is from the future */
	unlink(f.key);
	ensure("dot.isp.test.", "127.53.0.99", now, &f, LABTLS_MADE_SERVER);
	FILE *fp = fopen(f.ca, "w");
	fputs("not a certificate\n", fp);
	fclose(fp);
	ensure("dot.isp.test.", "127.53.0.99", now, &f, LABTLS_MADE_ALL);
	ensure("dot.isp.test.", "127.53.0.99", now, &f, LABTLS_REUSED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_port_rule),
		cmocka_unit_test_setup_teardown(test_certificates, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
