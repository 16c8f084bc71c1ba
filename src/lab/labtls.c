/* labtls.c: the lab's DNS-over-TLS certificates and listener (labtls.h). */
#include "lab/labtls.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "lab/paths.h"
#include "net/dot.h"
#include "util/atomic.h"

int labtls_port(int lab_port)
{
	return lab_port == 53 ? 853 : lab_port + 1;
}

void labtls_files(const char *userdir, struct labtls_files *f)
{
	snprintf(f->dir, sizeof f->dir, "%s/tls", userdir);
	snprintf(f->ca, sizeof f->ca, "%s/ca.pem", f->dir);
	snprintf(f->ca_key, sizeof f->ca_key, "%s/ca.key", f->dir);
	snprintf(f->cert, sizeof f->cert, "%s/server.pem", f->dir);
	snprintf(f->key, sizeof f->key, "%s/server.key", f->dir);
}

/* ---- reading and checking what is there ---- */

static X509 *read_cert(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return NULL;
	X509 *x = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	return x;
}

static EVP_PKEY *read_key(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return NULL;
	EVP_PKEY *k = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	fclose(fp);
	return k;
}

/* Valid from before now until at least a day after it. */
static bool in_validity(X509 *x, time_t now)
{
	time_t later = now + 86400;
	return X509_cmp_time(X509_get0_notBefore(x), &now) < 0 && X509_cmp_time(X509_get0_notAfter(x), &later) > 0;
}

static bool ca_usable(X509 *ca, EVP_PKEY *key, time_t now)
{
	return ca && key && X509_check_private_key(ca, key) == 1 && X509_check_ca(ca) && in_validity(ca, now);
}

static bool server_usable(X509 *cert, EVP_PKEY *key, X509 *ca, const char *host, const char *ip, time_t now)
{
	return cert && key && X509_check_private_key(cert, key) == 1 && in_validity(cert, now) &&
	       X509_verify(cert, X509_get0_pubkey(ca)) == 1 &&
	       X509_check_issued(ca, cert) == X509_V_OK && X509_check_host(cert, host, 0, 0, NULL) == 1 &&
	       X509_check_ip_asc(cert, ip, 0) == 1;
}

/* ---- making new ones ---- */

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	int ok = e && X509_add_ext(x, e, -1) == 1;
	X509_EXTENSION_free(e);
	return ok ? 0 : -1;
}

/* A certificate for key, named cn, signed by issuer/issuer_key (itself
 * when issuer is NULL), with the extensions of a CA or of a server. */
static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key, const char *san,
		       time_t now, int days)
{
	X509 *x = X509_new();
	BIGNUM *serial = BN_new();
	bool ok = x && serial && X509_set_version(x, 2) == 1 && BN_rand(serial, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
		  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) &&
		  X509_time_adj_ex(X509_getm_notBefore(x), 0, -3600, &now) &&
		  X509_time_adj_ex(X509_getm_notAfter(x), days, 0, &now) && X509_set_pubkey(x, key) == 1;
	BN_free(serial);
	X509_NAME *name = ok ? X509_get_subject_name(x) : NULL;
	ok = ok && X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"dnslab", -1, -1, 0) &&
	     X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0) &&
	     X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) == 1;
	X509 *iss = issuer ? issuer : x;
	if (ok && !issuer)
		ok = add_ext(x, iss, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") == 0 &&
		     add_ext(x, iss, NID_key_usage, "critical,keyCertSign,cRLSign") == 0 &&
		     add_ext(x, iss, NID_subject_key_identifier, "hash") == 0;
	else if (ok)
		ok = add_ext(x, iss, NID_basic_constraints, "critical,CA:FALSE") == 0 &&
		     add_ext(x, iss, NID_key_usage, "critical,digitalSignature") == 0 &&
		     add_ext(x, iss, NID_ext_key_usage, "serverAuth") == 0 &&
		     add_ext(x, iss, NID_subject_alt_name, san) == 0 &&
		     add_ext(x, iss, NID_authority_key_identifier, "keyid:always") == 0;
	if (ok)
		ok = X509_sign(x, issuer ? issuer_key : key, EVP_sha256()) > 0;
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static int write_pem(const char *path, mode_t mode, X509 *x, EVP_PKEY *k, struct dl_error *err)
{
	struct atomic_file a;
	int rc = atomic_open(&a, path, mode, true, err);
	if (rc)
		return rc;
	bool ok = x ? PEM_write_X509(a.fp, x) == 1 : PEM_write_PrivateKey(a.fp, k, NULL, NULL, 0, NULL, NULL) == 1;
	if (!ok) {
		atomic_abort(&a);
		return dl_error_set(err, DL_ERR_ENV, "cannot write %s", path);
	}
	return atomic_commit(&a, err);
}

/* Keys first, then the certificates: a crash in between leaves a
 * certificate that does not match its key, which the next start replaces. */
static int make_files(const struct labtls_files *f, bool new_ca, X509 **ca, EVP_PKEY **ca_key, const char *host,
		      const char *ip, time_t now, struct dl_error *err)
{
	int rc = 0;
	if (new_ca) {
		X509_free(*ca);
		EVP_PKEY_free(*ca_key);
		*ca = NULL;
		*ca_key = EVP_EC_gen("P-256");
		if (*ca_key)
			*ca = make_cert(*ca_key, "dnslab lab CA (for this workspace only)", NULL, NULL, NULL, now,
					LABTLS_CA_DAYS);
		if (!*ca)
			return dl_error_set(err, DL_ERR_NOMEM, "cannot make the lab CA certificate");
		if ((rc = write_pem(f->ca_key, 0600, NULL, *ca_key, err)) || (rc = write_pem(f->ca, 0644, *ca, NULL, err)))
			return rc;
	}
	char san[600];
	snprintf(san, sizeof san, "DNS:%s,IP:%s", host, ip);
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *cert = key ? make_cert(key, host, *ca, *ca_key, san, now, LABTLS_SERVER_DAYS) : NULL;
	if (!cert)
		rc = dl_error_set(err, DL_ERR_NOMEM, "cannot make the certificate for %s", host);
	if (!rc)
		rc = write_pem(f->key, 0600, NULL, key, err);
	if (!rc)
		rc = write_pem(f->cert, 0644, cert, NULL, err);
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}

int labtls_ensure(const char *userdir, const char *name, const char *ip, time_t now, struct labtls_files *f,
		  enum labtls_made *made, struct dl_error *err)
{
	labtls_files(userdir, f);
	*made = LABTLS_REUSED;
	char host[300];
	snprintf(host, sizeof host, "%s", name);
	size_t hl = strlen(host);
	if (hl > 1 && host[hl - 1] == '.')
		host[hl - 1] = '\0';
	int lock;
	if (paths_lock_dir(f->dir, "the TLS directory", &lock, err) != 0)
		return err->code;
	X509 *ca = read_cert(f->ca), *cert = read_cert(f->cert);
	EVP_PKEY *ca_key = read_key(f->ca_key), *key = read_key(f->key);
	int rc = 0;
	if (!ca_usable(ca, ca_key, now)) {
		rc = make_files(f, true, &ca, &ca_key, host, ip, now, err);
		*made = LABTLS_MADE_ALL;
	} else if (!server_usable(cert, key, ca, host, ip, now)) {
		rc = make_files(f, false, &ca, &ca_key, host, ip, now, err);
		*made = LABTLS_MADE_SERVER;
	}
	ERR_clear_error(); /* failed reads of missing files leave errors behind */
	X509_free(ca);
	X509_free(cert);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(key);
	paths_unlock_dir(lock);
	return rc;
}

/* ---- the listener ---- */

static void labtls_failed_closed(struct dot_listener *d)
{
	free(d);
}

int labtls_listen(struct lab *lab, struct lab_server *s, uv_loop_t *loop)
{
	if (!lab->userdir[0])
		paths_userdir(lab->userdir, sizeof lab->userdir);
	struct labtls_files f;
	enum labtls_made made;
	struct dl_error err = { 0, "" };
	int port = labtls_port(lab->port);
	int rc = labtls_ensure(lab->userdir, s->ts->name, s->ts->address, time(NULL), &f, &made, &err);
	if (rc) {
		snprintf(lab->dot_note, sizeof lab->dot_note, "%s", err.msg);
		return 0;
	}
	struct dot_listener *d = malloc(sizeof *d);
	if (!d)
		return DL_ERR_NOMEM;
	rc = dot_listener_start(d, loop, s->ts->address, port, s->ts->id, f.cert, f.key, &s->listener,
				&lab->tap.hook, &err);
	if (rc) {
		snprintf(lab->dot_note, sizeof lab->dot_note, "%s", err.msg);
		dot_listener_close(d, labtls_failed_closed);
		return 0;
	}
	d->data = s;
	s->dot = d;
	lab->dot_port = port;
	return 0;
}

/* As the UDP/TCP listeners do in lab.c: the last handle closed ends the lab. */
static void labtls_closed(struct dot_listener *d)
{
	struct lab *lab = ((struct lab_server *)d->data)->lab;
	free(d);
	if (--lab->closing == 0 && lab->on_closed)
		lab->on_closed(lab);
}

void labtls_close(struct lab_server *s)
{
	struct dot_listener *d = s->dot;
	if (!d)
		return;
	s->dot = NULL;
	dot_listener_close(d, labtls_closed);
}
