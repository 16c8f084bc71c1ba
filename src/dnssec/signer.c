/* signer.c: zone signing with ldns (signer.h).
 *
 * The zone is read and checked by zone_load first (file:line errors, out of
 * zone data refused, which the primer warns ldns would sign anyway), then
 * its records are copied into a fresh ldns_dnssec_zone without the empty
 * non-terminals zone_load adds: an NSEC chain must not list them (NSEC3
 * signing adds its own). */
#include "dnssec/signer.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns/zone.h"
#include "dnssec/keys.h"
#include "util/atomic.h"

/* Records a signer recomputes itself: never copied from the input. */
static bool generated_type(ldns_rr_type t)
{
	return t == LDNS_RR_TYPE_RRSIG || t == LDNS_RR_TYPE_NSEC || t == LDNS_RR_TYPE_NSEC3 ||
	       t == LDNS_RR_TYPE_NSEC3PARAM;
}

static int copy_records(const struct zone *z, ldns_dnssec_zone *out, size_t *count)
{
	for (ldns_rbnode_t *n = ldns_rbtree_first(z->dz->names); n != LDNS_RBTREE_NULL; n = ldns_rbtree_next(n)) {
		const ldns_dnssec_name *name = n->data;
		for (const ldns_dnssec_rrsets *s = name->rrsets; s; s = s->next) {
			if (generated_type(s->type))
				continue;
			for (const ldns_dnssec_rrs *r = s->rrs; r; r = r->next) {
				ldns_rr *c = ldns_rr_clone(r->rr);
				if (!c || ldns_dnssec_zone_add_rr(out, c) != LDNS_STATUS_OK) {
					ldns_rr_free(c);
					return DL_ERR_NOMEM;
				}
				(*count)++;
			}
		}
	}
	return 0;
}

/* Is this DNSKEY already in the zone's apex DNSKEY RRset? */
static bool has_dnskey(ldns_dnssec_zone *dz, const ldns_rr *key)
{
	ldns_dnssec_rrsets *s = ldns_dnssec_zone_find_rrset(dz, ldns_rr_owner(key), LDNS_RR_TYPE_DNSKEY);
	for (ldns_dnssec_rrs *r = s ? s->rrs : NULL; r; r = r->next)
		if (ldns_rdf_compare(ldns_rr_rdf(r->rr, 3), ldns_rr_rdf(key, 3)) == 0)
			return true;
	return false;
}

static char *default_origin(const char *file)
{
	char *copy = strdup(file);
	if (!copy)
		return NULL;
	char *b = basename(copy);
	size_t n = strlen(b);
	if (n > 5 && !strcmp(b + n - 5, ".zone"))
		b[n - 5] = '\0';
	char *o = malloc(strlen(b) + 2);
	if (o)
		snprintf(o, strlen(b) + 2, "%s%s", !strcmp(b, "root") ? "" : b, ".");
	free(copy);
	return o;
}

int signer_sign_zone(const struct zone *z, const ldns_rr_list *extra, ldns_key_list *keys,
		     const ldns_rr_list *dnskeys, const struct sign_params *p, ldns_dnssec_zone **out,
		     size_t *nsigs, struct dl_error *err)
{
	*out = NULL;
	*nsigs = 0;
	size_t count = 0;
	ldns_dnssec_zone *dz = ldns_dnssec_zone_new();
	ldns_rr_list *new_rrs = ldns_rr_list_new();
	int rc = 0;
	if (!dz || !new_rrs || copy_records(z, dz, &count) != 0) {
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < ldns_rr_list_rr_count(extra) && !rc; i++) {
		ldns_rr *c = ldns_rr_clone(ldns_rr_list_rr(extra, i));
		if (!c || ldns_dnssec_zone_add_rr(dz, c) != LDNS_STATUS_OK) {
			ldns_rr_free(c);
			rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
		}
	}
	for (size_t i = 0; i < ldns_rr_list_rr_count(dnskeys) && !rc; i++) {
		ldns_rr *k = ldns_rr_list_rr(dnskeys, i);
		if (has_dnskey(dz, k))
			continue;
		ldns_rr *c = ldns_rr_clone(k);
		/* The DNSKEY RRset takes the SOA's TTL unless the zone set one. */
		if (c)
			ldns_rr_set_ttl(c, ldns_rr_ttl(z->soa));
		if (!c || ldns_dnssec_zone_add_rr(dz, c) != LDNS_STATUS_OK) {
			ldns_rr_free(c);
			rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
		}
	}
	if (rc)
		goto out;
	for (size_t i = 0; i < ldns_key_list_key_count(keys); i++) {
		ldns_key *k = ldns_key_list_key(keys, i);
		ldns_key_set_inception(k, p->inception);
		ldns_key_set_expiration(k, p->expiration);
	}
	ldns_status s;
	if (p->nsec3)
		s = ldns_dnssec_zone_sign_nsec3(dz, new_rrs, keys, ldns_dnssec_default_replace_signatures, NULL, 1, 0,
						p->iterations, p->salt_len, (uint8_t *)p->salt);
	else
		s = ldns_dnssec_zone_sign(dz, new_rrs, keys, ldns_dnssec_default_replace_signatures, NULL);
	if (s != LDNS_STATUS_OK) {
		rc = dl_error_set(err, DL_ERR_INPUT, "signing %s failed: %s", z->origin_str, ldns_get_errorstr_by_id(s));
		goto out;
	}
	for (size_t i = 0; i < ldns_rr_list_rr_count(new_rrs); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(new_rrs, i)) == LDNS_RR_TYPE_RRSIG)
			(*nsigs)++;
out:
	ldns_rr_list_free(new_rrs);
	if (rc && dz) {
		ldns_dnssec_zone_deep_free(dz);
		dz = NULL;
	}
	*out = dz;
	return rc;
}

int signer_sign(const struct signer_opts *o, struct signer_stats *st, struct dl_error *err)
{
	memset(st, 0, sizeof *st);
	char *origin = o->origin ? strdup(o->origin) : default_origin(o->zonefile);
	char *dircopy = strdup(o->zonefile);
	if (!origin || !dircopy) {
		free(origin);
		free(dircopy);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	size_t ol = strlen(origin);
	if (ol && origin[ol - 1] != '.') {
		char *abs = malloc(ol + 2);
		if (abs)
			snprintf(abs, ol + 2, "%s.", origin);
		free(origin);
		origin = abs;
	}
	const char *keydir = o->keydir ? o->keydir : dirname(dircopy);
	struct zone *z = NULL;
	ldns_dnssec_zone *dz = NULL;
	ldns_key_list *keys = NULL;
	ldns_rr_list *dnskeys = NULL;
	uint8_t salt[255];
	struct sign_params sp = { .inception = o->inception, .expiration = o->expiration, .nsec3 = o->nsec3,
				  .iterations = o->iterations, .salt = salt };
	int rc = origin ? zone_load(o->zonefile, origin, &z, err) : dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	if (rc == DL_ERR_ENV) /* the file the user named: an input error */
		rc = err->code = DL_ERR_INPUT;
	if (rc)
		goto out;
	if (o->nsec3 && o->salt && strcmp(o->salt, "-")) {
		size_t hl = strlen(o->salt);
		if (hl % 2 || hl / 2 > sizeof salt) {
			rc = dl_error_set(err, DL_ERR_USAGE, "--salt '%s': give hex digits (an even number), or - for none",
					  o->salt);
			goto out;
		}
		for (size_t i = 0; i < hl / 2; i++) {
			unsigned v;
			if (sscanf(o->salt + 2 * i, "%2x", &v) != 1) {
				rc = dl_error_set(err, DL_ERR_USAGE, "--salt '%s' is not hex", o->salt);
				goto out;
			}
			salt[sp.salt_len++] = (uint8_t)v;
		}
	}
	if ((rc = keys_load_dir(keydir, z->origin, &keys, &dnskeys, err)))
		goto out;
	st->keys = ldns_key_list_key_count(keys);
	if ((rc = signer_sign_zone(z, NULL, keys, dnskeys, &sp, &dz, &st->signatures, err)))
		goto out;
	st->records_in = z->nrecords;
	st->records_out = 0;
	for (ldns_rbnode_t *n = ldns_rbtree_first(dz->names); n != LDNS_RBTREE_NULL; n = ldns_rbtree_next(n)) {
		const ldns_dnssec_name *name = n->data;
		for (const ldns_dnssec_rrsets *set = name->rrsets; set; set = set->next) {
			for (const ldns_dnssec_rrs *r = set->rrs; r; r = r->next)
				st->records_out++;
			for (const ldns_dnssec_rrs *r = set->signatures; r; r = r->next)
				st->records_out++;
		}
		if (name->nsec)
			st->records_out++;
		for (const ldns_dnssec_rrs *r = name->nsec_signatures; r; r = r->next)
			st->records_out++;
	}
	snprintf(st->out, sizeof st->out, "%s%s", o->out ? o->out : o->zonefile, o->out ? "" : ".signed");
	struct atomic_file a;
	if ((rc = atomic_open(&a, st->out, 0644, o->force, err)))
		goto out;
	ldns_dnssec_zone_print_fmt(a.fp, ldns_output_format_nocomments, dz);
	rc = atomic_commit(&a, err);
out:
	if (dz)
		ldns_dnssec_zone_deep_free(dz);
	if (keys) /* ldns_key_list_free does not take NULL */
		ldns_key_list_free(keys);
	ldns_rr_list_deep_free(dnskeys);
	zone_free(z);
	free(origin);
	free(dircopy);
	return rc;
}
