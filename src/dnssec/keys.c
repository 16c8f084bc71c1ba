/* keys.c: key pairs on disk (keys.h). */
#include "dnssec/keys.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/atomic.h"

int keys_algorithm(const char *name, ldns_signing_algorithm *out)
{
	static const struct {
		const char *name;
		ldns_signing_algorithm alg;
	} algs[] = {
		{ "ecdsap256sha256", LDNS_SIGN_ECDSAP256SHA256 }, { "13", LDNS_SIGN_ECDSAP256SHA256 },
		{ "ed25519", LDNS_SIGN_ED25519 }, { "15", LDNS_SIGN_ED25519 },
		{ "rsasha256", LDNS_SIGN_RSASHA256 }, { "8", LDNS_SIGN_RSASHA256 },
	};
	for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++)
		if (!strcasecmp(name, algs[i].name)) {
			*out = algs[i].alg;
			return 0;
		}
	return DL_ERR_USAGE;
}

static int write_file(const char *path, mode_t mode, bool force, void (*print)(FILE *, const void *),
		      const void *what, struct dl_error *err)
{
	struct atomic_file a;
	int rc = atomic_open(&a, path, mode, force, err);
	if (rc)
		return rc;
	print(a.fp, what);
	return atomic_commit(&a, err);
}

static void print_private(FILE *fp, const void *k)
{
	ldns_key_print(fp, k);
}

static void print_public(FILE *fp, const void *rr)
{
	const ldns_rr *dnskey = rr;
	fprintf(fp, "; This is a %s-signing key, keyid %u, for ",
		ldns_rdf2native_int16(ldns_rr_rdf(dnskey, 0)) & LDNS_KEY_SEP_KEY ? "key" : "zone",
		(unsigned)ldns_calc_keytag(dnskey));
	ldns_rdf_print(fp, ldns_rr_owner(dnskey));
	fputc('\n', fp);
	ldns_rr_print(fp, dnskey);
}

int keys_generate(const char *zone, ldns_signing_algorithm alg, bool ksk, const char *dir, bool force,
		  uint32_t ttl, char *base, size_t base_len, ldns_rr **dnskey, struct dl_error *err)
{
	*dnskey = NULL;
	ldns_rdf *owner = NULL;
	if (ldns_str2rdf_dname(&owner, zone) != LDNS_STATUS_OK)
		return dl_error_set(err, DL_ERR_USAGE, "'%s' is not a valid zone name", zone);
	ldns_dname2canonical(owner);
	ldns_key *key = ldns_key_new_frm_algorithm(alg, alg == LDNS_SIGN_RSASHA256 ? 2048 : 0);
	if (!key) {
		ldns_rdf_deep_free(owner);
		return dl_error_set(err, DL_ERR_ENV, "could not generate a key (algorithm %d)", (int)alg);
	}
	char *oname = ldns_rdf2str(owner);
	ldns_key_set_pubkey_owner(key, owner); /* the key owns it now */
	ldns_key_set_flags(key, LDNS_KEY_ZONE_KEY | (ksk ? LDNS_KEY_SEP_KEY : 0));
	ldns_rr *rr = ldns_key2rr(key);
	int rc = 0;
	if (!rr || !oname) {
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
		goto out;
	}
	ldns_rr_set_ttl(rr, ttl);
	uint16_t tag = ldns_calc_keytag(rr);
	ldns_key_set_keytag(key, tag);
	snprintf(base, base_len, "%s/K%s+%03u+%05u", dir, oname, (unsigned)alg, (unsigned)tag);
	char path[4200];
	snprintf(path, sizeof path, "%s.key", base);
	if (!force && access(path, F_OK) == 0) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s already exists; use --force to replace it", path);
		goto out;
	}
	snprintf(path, sizeof path, "%s.private", base);
	if ((rc = write_file(path, 0600, force, print_private, key, err)))
		goto out;
	snprintf(path, sizeof path, "%s.key", base);
	rc = write_file(path, 0644, force, print_public, rr, err);
out:
	free(oname);
	ldns_key_deep_free(key);
	if (rc)
		ldns_rr_free(rr);
	else
		*dnskey = rr;
	return rc;
}

int keys_read_records(const char *path, const char *what, keys_record_fn take, void *arg, struct dl_error *err)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return dl_error_set(err, DL_ERR_INPUT, "cannot open %s%s: %s", what, path, strerror(errno));
	uint32_t ttl = 3600;
	ldns_rdf *origin = NULL, *prev = NULL;
	int line = 0, rc = 0;
	while (rc == 0 && !feof(fp) && !ferror(fp)) {
		ldns_rr *rr = NULL;
		ldns_status s = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &origin, &prev, &line);
		if (s == LDNS_STATUS_SYNTAX_EMPTY || s == LDNS_STATUS_SYNTAX_TTL || s == LDNS_STATUS_SYNTAX_ORIGIN)
			continue;
		if (s != LDNS_STATUS_OK)
			rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: %s", path, line, ldns_get_errorstr_by_id(s));
		else
			rc = take(arg, rr, line, err);
	}
	fclose(fp);
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	return rc > 0 ? 0 : rc;
}

struct dnskey_want {
	bool sep;
	ldns_rr *found;
};

static int take_dnskey(void *arg, ldns_rr *rr, int line, struct dl_error *err)
{
	struct dnskey_want *w = arg;
	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY &&
	    (!w->sep || (ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)) & LDNS_KEY_SEP_KEY))) {
		w->found = rr;
		return 1; /* the first one is enough */
	}
	ldns_rr_free(rr);
	return 0;
}

int keys_read_dnskey(const char *path, bool want_sep, ldns_rr **out, struct dl_error *err)
{
	struct dnskey_want w = { want_sep, NULL };
	int rc = keys_read_records(path, "", take_dnskey, &w, err);
	if (!rc && !w.found)
		rc = dl_error_set(err, DL_ERR_INPUT, "%s: no %sDNSKEY record in it", path, want_sep ? "KSK (flags 257) " : "");
	*out = w.found;
	return rc;
}

/* Load base.key and base.private as one signing key. */
static int load_pair(const char *keyfile, ldns_key **key, ldns_rr **dnskey, struct dl_error *err)
{
	int rc = keys_read_dnskey(keyfile, false, dnskey, err);
	if (rc)
		return rc;
	char priv[4200];
	snprintf(priv, sizeof priv, "%.*s.private", (int)(strlen(keyfile) - 4), keyfile);
	FILE *fp = fopen(priv, "r");
	if (!fp) {
		rc = dl_error_set(err, DL_ERR_INPUT, "cannot open %s (the private half of %s): %s", priv, keyfile,
				  strerror(errno));
		goto fail;
	}
	int line = 0;
	ldns_status s = ldns_key_new_frm_fp_l(key, fp, &line);
	fclose(fp);
	if (s != LDNS_STATUS_OK) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: %s", priv, line, ldns_get_errorstr_by_id(s));
		goto fail;
	}
	ldns_key_set_pubkey_owner(*key, ldns_rdf_clone(ldns_rr_owner(*dnskey)));
	ldns_key_set_flags(*key, ldns_rdf2native_int16(ldns_rr_rdf(*dnskey, 0)));
	ldns_key_set_keytag(*key, ldns_calc_keytag(*dnskey));
	/* The halves must belong together: the public key computed from the
	 * private file has to equal the .key file's. */
	ldns_rr *check = ldns_key2rr(*key);
	bool same = check && ldns_rdf_compare(ldns_rr_rdf(check, 3), ldns_rr_rdf(*dnskey, 3)) == 0;
	ldns_rr_free(check);
	if (!same) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s does not match %s: they are not one key pair", priv, keyfile);
		ldns_key_deep_free(*key);
		*key = NULL;
		goto fail;
	}
	return 0;
fail:
	ldns_rr_free(*dnskey);
	*dnskey = NULL;
	return rc;
}

int keys_load_dir(const char *dir, const ldns_rdf *zone, ldns_key_list **keys, ldns_rr_list **dnskeys,
		  struct dl_error *err)
{
	*keys = ldns_key_list_new();
	*dnskeys = ldns_rr_list_new();
	char *zname = ldns_rdf2str(zone);
	DIR *d = opendir(dir);
	int rc = 0;
	if (!*keys || !*dnskeys || !zname) {
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	} else if (!d) {
		rc = dl_error_set(err, DL_ERR_INPUT, "cannot read the key directory %s: %s", dir, strerror(errno));
	} else {
		char prefix[600];
		snprintf(prefix, sizeof prefix, "K%s+", zname);
		struct dirent *e;
		while (!rc && (e = readdir(d)) != NULL) {
			size_t n = strlen(e->d_name);
			if (strncasecmp(e->d_name, prefix, strlen(prefix)) || n < 5 || strcmp(e->d_name + n - 4, ".key"))
				continue;
			char path[4200];
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			ldns_key *k = NULL;
			ldns_rr *rr = NULL;
			rc = load_pair(path, &k, &rr, err);
			if (!rc) {
				ldns_key_list_push_key(*keys, k);
				ldns_rr_list_push_rr(*dnskeys, rr);
			}
		}
	}
	if (d)
		closedir(d);
	if (!rc && ldns_key_list_key_count(*keys) == 0)
		rc = dl_error_set(err, DL_ERR_INPUT,
				  "no keys for %s in %s; make them with 'dnslab keygen %s --ksk' and 'dnslab keygen %s'",
				  zname, dir, zname, zname);
	free(zname);
	if (rc) {
		if (*keys)
			ldns_key_list_free(*keys);
		ldns_rr_list_deep_free(*dnskeys);
		*keys = NULL;
		*dnskeys = NULL;
	}
	return rc;
}
