/* labsign.c: sign the lab internet at startup (labsign.h). */
#include "lab/labsign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "dnssec/keys.h"
#include "dnssec/signer.h"
#include "lab/paths.h"
#include "util/atomic.h"

static uint16_t key_flags(const ldns_rr *dnskey)
{
	return ldns_rdf2native_int16(ldns_rr_rdf(dnskey, 0));
}

/* The zone's key pairs, with a KSK and a ZSK made first when missing.  The
 * directory is locked by the caller, so two labs starting at once do not
 * both make keys. */
static int zone_keys(const struct zone *z, const char *keydir, ldns_key_list **keys, ldns_rr_list **dnskeys,
		     struct labsign_stats *st, struct dl_error *err)
{
	bool have_ksk = false, have_zsk = false;
	int rc = keys_load_dir(keydir, z->origin, keys, dnskeys, err);
	if (rc == 0) {
		for (size_t i = 0; i < ldns_rr_list_rr_count(*dnskeys); i++) {
			bool sep = key_flags(ldns_rr_list_rr(*dnskeys, i)) & LDNS_KEY_SEP_KEY;
			have_ksk = have_ksk || sep;
			have_zsk = have_zsk || !sep;
		}
		if (have_ksk && have_zsk)
			return 0;
		ldns_key_list_free(*keys);
		ldns_rr_list_deep_free(*dnskeys);
		*keys = NULL;
		*dnskeys = NULL;
	} else if (!strstr(err->msg, "no keys for")) {
		return rc;
	}
	for (int ksk = 1; ksk >= 0; ksk--) {
		if (ksk ? have_ksk : have_zsk)
			continue;
		char base[4200];
		ldns_rr *rr = NULL;
		rc = keys_generate(z->origin_str, LDNS_SIGN_ECDSAP256SHA256, ksk, keydir, false, ldns_rr_ttl(z->soa), base,
				   sizeof base, &rr, err);
		ldns_rr_free(rr);
		if (rc)
			return rc;
		st->keys_made++;
	}
	return keys_load_dir(keydir, z->origin, keys, dnskeys, err);
}

/* The index of the zone that holds the delegation of child: the longest
 * origin that strictly encloses it, or n when the lab serves none. */
static size_t parent_of(struct zone *const *zones, size_t n, size_t child)
{
	size_t best = n, best_labels = 0;
	const ldns_rdf *c = zones[child]->origin;
	for (size_t i = 0; i < n; i++) {
		size_t l = ldns_dname_label_count(zones[i]->origin);
		if (i != child && ldns_dname_is_subdomain(c, zones[i]->origin) && (best == n || l > best_labels)) {
			best = i;
			best_labels = l;
		}
	}
	return best;
}

/* Does the parent delegate name (NS at it)?  A DS without a delegation would
 * be data a resolver never asks for. */
static bool delegates(const struct zone *parent, const ldns_rdf *name)
{
	return zone_rrset(zone_find(parent, name), LDNS_RR_TYPE_NS) != NULL;
}

/* DS records (SHA-256) for the zone's KSKs, as its parent will hold them.
 * wrong: the DS of a key the zone does not publish (its KSK with the public
 * key altered), so the tag and the digest match nothing. */
static int make_ds(const ldns_rr_list *dnskeys, bool wrong, ldns_rr_list *out)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(dnskeys); i++) {
		const ldns_rr *k = ldns_rr_list_rr(dnskeys, i);
		if (!(key_flags(k) & LDNS_KEY_SEP_KEY))
			continue;
		ldns_rr *src = ldns_rr_clone(k);
		if (!src)
			return DL_ERR_NOMEM;
		if (wrong) {
			ldns_rdf *pub = ldns_rr_rdf(src, 3);
			uint8_t *d = ldns_rdf_data(pub);
			d[ldns_rdf_size(pub) - 1] ^= 0x5a;
		}
		ldns_rr *ds = ldns_key_rr2ds(src, LDNS_SHA256);
		ldns_rr_free(src);
		if (!ds || !ldns_rr_list_push_rr(out, ds)) {
			ldns_rr_free(ds);
			return DL_ERR_NOMEM;
		}
	}
	return 0;
}

static void corrupt_sigs(ldns_dnssec_rrs *sigs)
{
	for (; sigs; sigs = sigs->next) {
		ldns_rdf *sig = ldns_rr_rdf(sigs->rr, 8);
		if (sig && ldns_rdf_size(sig) > 0)
			ldns_rdf_data(sig)[ldns_rdf_size(sig) / 2] ^= 0xff;
	}
}

/* bad-sig: the signatures over the apex SOA and over every RRset of www. */
static void apply_bad_sig(ldns_dnssec_zone *dz, const ldns_rdf *origin)
{
	ldns_dnssec_rrsets *soa = ldns_dnssec_zone_find_rrset(dz, origin, LDNS_RR_TYPE_SOA);
	if (soa)
		corrupt_sigs(soa->signatures);
	ldns_rdf *www = ldns_dname_new_frm_str("www");
	if (!www || ldns_dname_cat(www, origin) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(www);
		return;
	}
	ldns_rbnode_t *node = ldns_rbtree_search(dz->names, www);
	ldns_rdf_deep_free(www);
	if (!node || node == LDNS_RBTREE_NULL)
		return;
	ldns_dnssec_name *name = (ldns_dnssec_name *)node->data;
	for (ldns_dnssec_rrsets *s = name->rrsets; s; s = s->next)
		corrupt_sigs(s->signatures);
}

/* Sign zones[i] with its DS children in ds (borrowed), replacing it. */
static int sign_one(struct zone **zp, const struct topo_zone *cfg, const ldns_rr_list *ds, ldns_key_list *keys,
		    const ldns_rr_list *dnskeys, time_t now, struct labsign_stats *st, struct dl_error *err)
{
	struct zone *z = *zp;
	struct sign_params p = {
		.inception = (uint32_t)(now - LABSIGN_BACKDATE),
		.expiration = (uint32_t)(now + LABSIGN_VALIDITY),
		.nsec3 = cfg->nsec3,
		.iterations = (uint16_t)cfg->iterations,
	};
	if (cfg->fault == TOPO_FAULT_EXPIRED) {
		/* A window that closed a day ago, as if nobody re-signed. */
		p.inception = (uint32_t)(now - LABSIGN_VALIDITY - 86400);
		p.expiration = (uint32_t)(now - 86400);
	}
	ldns_dnssec_zone *dz = NULL;
	size_t nsigs = 0;
	int rc = signer_sign_zone(z, ds, keys, dnskeys, &p, &dz, &nsigs, err);
	if (rc)
		return rc;
	if (cfg->fault == TOPO_FAULT_BAD_SIG)
		apply_bad_sig(dz, z->origin);
	struct zone *signed_zone = NULL;
	if ((rc = zone_adopt(dz, z->origin_str, z->file, &signed_zone, err)))
		return rc;
	zone_free(z);
	*zp = signed_zone;
	st->zones++;
	st->signatures += nsigs;
	return 0;
}

struct order {
	size_t index, labels;
};

static int deepest_first(const void *a, const void *b)
{
	const struct order *x = a, *y = b;
	return x->labels < y->labels ? 1 : x->labels > y->labels ? -1 : (x->index > y->index) - (x->index < y->index);
}

int labsign_zones(struct zone **zones, const struct topo_zone *const *cfg, size_t n, const char *keydir,
		  time_t now, ldns_rr_list **anchor, struct labsign_stats *st, struct dl_error *err)
{
	*anchor = NULL;
	memset(st, 0, sizeof *st);
	if (n == 0)
		return 0;
	uint64_t started = uv_hrtime();
	int lock;
	if (paths_lock_dir(keydir, "the key directory", &lock, err) != 0)
		return err->code;
	struct order *ord = calloc(n, sizeof *ord);
	ldns_rr_list **ds = calloc(n, sizeof *ds); /* DS records waiting for each parent */
	int rc = ord && ds ? 0 : dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n && !rc; i++) {
		ord[i] = (struct order){ i, ldns_dname_label_count(zones[i]->origin) };
		if (!(ds[i] = ldns_rr_list_new()))
			rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	if (!rc)
		qsort(ord, n, sizeof *ord, deepest_first);
	for (size_t k = 0; k < n && !rc; k++) {
		size_t i = ord[k].index;
		if (!cfg[i]->sign)
			continue;
		ldns_key_list *keys = NULL;
		ldns_rr_list *dnskeys = NULL;
		if ((rc = zone_keys(zones[i], keydir, &keys, &dnskeys, st, err)))
			break;
		size_t parent = parent_of(zones, n, i);
		ldns_rr_list *mine = ldns_rr_list_new();
		if (!mine || make_ds(dnskeys, cfg[i]->fault == TOPO_FAULT_WRONG_DS, mine) != 0)
			rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
		else
			rc = sign_one(&zones[i], cfg[i], ds[i], keys, dnskeys, now, st, err);
		if (!rc && ldns_dname_label_count(zones[i]->origin) == 0) {
			*anchor = mine;
			mine = NULL;
		} else if (!rc && parent < n && cfg[i]->fault != TOPO_FAULT_NO_DS &&
			   delegates(zones[parent], zones[i]->origin)) {
			for (size_t d = 0; d < ldns_rr_list_rr_count(mine); d++) {
				ldns_rr *r = ldns_rr_list_rr(mine, d);
				/* The DS TTL follows the parent's delegation NS. */
				const ldns_dnssec_rrsets *ns = zone_rrset(zone_find(zones[parent], zones[i]->origin),
									  LDNS_RR_TYPE_NS);
				ldns_rr_set_ttl(r, ldns_rr_ttl(ns->rrs->rr));
				ldns_rr_list_push_rr(ds[parent], r);
			}
			ldns_rr_list_free(mine); /* the records moved */
			mine = NULL;
		}
		ldns_rr_list_deep_free(mine);
		ldns_key_list_free(keys);
		ldns_rr_list_deep_free(dnskeys);
	}
	for (size_t i = 0; ds && i < n; i++)
		ldns_rr_list_deep_free(ds[i]);
	free(ds);
	free(ord);
	paths_unlock_dir(lock);
	st->ms = (double)(uv_hrtime() - started) / 1e6;
	if (rc) {
		ldns_rr_list_deep_free(*anchor);
		*anchor = NULL;
	}
	return rc;
}

int labsign_zone(struct zone **zp, const struct topo_zone *cfg, const ldns_rr_list *ds, const char *keydir,
		 time_t now, struct labsign_stats *st, struct dl_error *err)
{
	memset(st, 0, sizeof *st);
	uint64_t started = uv_hrtime();
	int lock;
	if (paths_lock_dir(keydir, "the key directory", &lock, err) != 0)
		return err->code;
	ldns_key_list *keys = NULL;
	ldns_rr_list *dnskeys = NULL;
	int rc = zone_keys(*zp, keydir, &keys, &dnskeys, st, err);
	if (!rc)
		rc = sign_one(zp, cfg, ds, keys, dnskeys, now, st, err);
	ldns_key_list_free(keys);
	ldns_rr_list_deep_free(dnskeys);
	paths_unlock_dir(lock);
	st->ms = (double)(uv_hrtime() - started) / 1e6;
	return rc;
}

/* Is path's content exactly text? */
static bool same_content(const char *path, const char *text)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return false;
	size_t len = strlen(text);
	char *buf = malloc(len + 2);
	size_t got = buf ? fread(buf, 1, len + 1, fp) : 0;
	fclose(fp);
	bool same = buf && got == len && memcmp(buf, text, len) == 0;
	free(buf);
	return same;
}

static int write_if_changed(const char *path, const char *text, struct dl_error *err)
{
	if (same_content(path, text))
		return 0;
	struct atomic_file a;
	int rc = atomic_open(&a, path, 0644, true, err);
	if (rc)
		return rc;
	fputs(text, a.fp);
	return atomic_commit(&a, err);
}

int labsign_write_anchor(const ldns_rr_list *anchor, const char *dir, struct dl_error *err)
{
	char *ds = NULL, *conf = NULL;
	size_t dslen = 0, conflen = 0;
	FILE *a = open_memstream(&ds, &dslen), *b = open_memstream(&conf, &conflen);
	int rc = 0;
	if (!a || !b) {
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
		goto out;
	}
	fprintf(a, "; The lab's trust anchor: the DS of the lab root's KSK.\n"
		   "; drill -S -k %s/trust-anchor.ds ..., or unbound's trust-anchor-file.\n", dir);
	fprintf(b, "# The lab's trust anchor for BIND tools: delv -a %s/trust-anchor.conf +root=. ...\n"
		   "trust-anchors {\n", dir);
	for (size_t i = 0; i < ldns_rr_list_rr_count(anchor); i++) {
		const ldns_rr *r = ldns_rr_list_rr(anchor, i);
		ldns_rr_print_fmt(a, ldns_output_format_nocomments, r);
		char *digest = ldns_rdf2str(ldns_rr_rdf(r, 3));
		fprintf(b, "\t\".\" static-ds %u %u %u \"%s\";\n", (unsigned)ldns_rdf2native_int16(ldns_rr_rdf(r, 0)),
			(unsigned)ldns_rdf2native_int8(ldns_rr_rdf(r, 1)), (unsigned)ldns_rdf2native_int8(ldns_rr_rdf(r, 2)),
			digest ? digest : "");
		free(digest);
	}
	fprintf(b, "};\n");
out:
	if (a)
		fclose(a);
	if (b)
		fclose(b);
	char path[4200];
	if (!rc) {
		snprintf(path, sizeof path, "%s/trust-anchor.ds", dir);
		rc = write_if_changed(path, ds, err);
	}
	if (!rc) {
		snprintf(path, sizeof path, "%s/trust-anchor.conf", dir);
		rc = write_if_changed(path, conf, err);
	}
	free(ds);
	free(conf);
	return rc;
}
