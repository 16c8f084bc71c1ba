/* signer.c: zone signing with ldns (signer.h).
 *
 * The zone is read and checked by zone_load first (file:line errors, out of
 * zone data refused, which the primer warns ldns would sign anyway), then
 * its records are copied into a fresh ldns_dnssec_zone without the empty
 * non-terminals zone_load adds: an NSEC chain must not list them (NSEC3
 * signing adds its own).  `dnslab sign` moves the records instead of copying
 * them, as it needs nothing else of the loaded zone.
 *
 * A small zone (the lab's, at startup) is then signed by ldns on the calling
 * thread.  A zone of more than SIGN_PAR_MIN_RRSETS RRsets is signed on
 * threads by sign_par.c, with the same records, the same RRsets signed by the
 * same keys and the same text as ldns would give (only the signature bytes
 * differ, as ECDSA's do from run to run); for `dnslab sign` it also writes
 * the text while it signs and frees the signatures once written. */
#include "dnssec/signer.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "dns/zone.h"
#include "dnssec/keys.h"
#include "dnssec/sign_par.h"
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

/* copy_records for a zone that is not needed afterwards: its RRsets move
 * (no record is copied) into out, which gets a name for each name of z with
 * records left, in the same order, with the same records in the same order
 * as copy_records would give it.  What stays in z (old RRSIGs, NSECs,
 * NSEC3s, NSEC3PARAM, empty non-terminals) is freed with it. */
static int move_records(struct zone *z, ldns_dnssec_zone *out, size_t *count)
{
	if (!out->names && !(out->names = ldns_rbtree_create(ldns_dname_compare_v)))
		return DL_ERR_NOMEM;
	for (ldns_rbnode_t *n = ldns_rbtree_first(z->dz->names); n != LDNS_RBTREE_NULL; n = ldns_rbtree_next(n)) {
		ldns_dnssec_name *src = (ldns_dnssec_name *)n->data, *dst = NULL;
		ldns_dnssec_rrsets **link = &src->rrsets, **tail = NULL;
		while (*link) {
			ldns_dnssec_rrsets *s = *link;
			if (generated_type(s->type) || !s->rrs) {
				link = &s->next;
				continue;
			}
			if (!dst) {
				ldns_rbnode_t *node = malloc(sizeof *node);
				if (!node || !(dst = ldns_dnssec_name_new())) {
					free(node);
					return DL_ERR_NOMEM;
				}
				dst->name = ldns_rr_owner(s->rrs->rr); /* as ldns_dnssec_name_new_frm_rr */
				node->key = dst->name;
				node->data = dst;
				if (!ldns_rbtree_insert(out->names, node)) { /* cannot happen: z's names are distinct */
					free(node);
					ldns_dnssec_name_free(dst);
					return DL_ERR_NOMEM;
				}
				tail = &dst->rrsets;
			}
			*link = s->next;
			s->next = NULL;
			ldns_dnssec_rrs_deep_free(s->signatures); /* recomputed */
			s->signatures = NULL;
			*tail = s;
			tail = &s->next;
			for (const ldns_dnssec_rrs *r = s->rrs; r; r = r->next)
				(*count)++;
			if (s->type == LDNS_RR_TYPE_SOA)
				out->soa = dst;
		}
		if (dst && !src->name_alloced)
			src->name = NULL; /* it may be the owner of a record that moved */
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

/* The records of z (without its RRSIGs, NSECs and NSEC3s), extra and the
 * DNSKEYs the zone does not have yet, in a fresh ldns zone; *rrsets counts
 * its RRsets.  With take (z itself, which the caller frees next), the
 * records move instead of being copied. */
static int build_zone(const struct zone *z, struct zone *take, const ldns_rr_list *extra,
		      const ldns_rr_list *dnskeys, ldns_dnssec_zone **out, size_t *rrsets, struct dl_error *err)
{
	size_t count = 0;
	ldns_dnssec_zone *dz = ldns_dnssec_zone_new();
	int rc = 0;
	*out = NULL;
	if (!dz || (take ? move_records(take, dz, &count) : copy_records(z, dz, &count)) != 0)
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
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
	if (rc) {
		if (dz)
			ldns_dnssec_zone_deep_free(dz);
		return rc;
	}
	*rrsets = 0;
	for (ldns_rbnode_t *n = ldns_rbtree_first(dz->names); n != LDNS_RBTREE_NULL; n = ldns_rbtree_next(n))
		for (const ldns_dnssec_rrsets *s = ((const ldns_dnssec_name *)n->data)->rrsets; s; s = s->next)
			(*rrsets)++;
	*out = dz;
	return 0;
}

/* What ldns_dnssec_zone_sign and ldns_dnssec_zone_sign_nsec3 do before they
 * make the RRSIGs, in the same order: mark the glue; for NSEC3 add the empty
 * non-terminals and the NSEC3PARAM and build the chain.  The NSEC chain is
 * left to sign_par_run, which makes it on its threads. */
static ldns_status add_denial(ldns_dnssec_zone *dz, const struct sign_params *p)
{
	ldns_rr_list *new_rrs = ldns_rr_list_new(); /* the new records: dz owns them */
	if (!new_rrs)
		return LDNS_STATUS_MEM_ERR;
	ldns_status s = ldns_dnssec_zone_mark_glue(dz);
	if (s == LDNS_STATUS_OK && p->nsec3) {
		s = ldns_dnssec_zone_add_empty_nonterminals(dz);
		if (s == LDNS_STATUS_OK && !ldns_dnssec_zone_find_rrset(dz, dz->soa->name, LDNS_RR_TYPE_NSEC3PARAM)) {
			ldns_rr *param = ldns_rr_new_frm_type(LDNS_RR_TYPE_NSEC3PARAM);
			ldns_rdf *owner = ldns_rdf_clone(dz->soa->name);
			if (!param || !owner) {
				ldns_rr_free(param);
				ldns_rdf_deep_free(owner);
				s = LDNS_STATUS_MEM_ERR;
			} else {
				ldns_rr_set_owner(param, owner);
				ldns_nsec3_add_param_rdfs(param, 1, 0, p->iterations, p->salt_len, p->salt);
				/* RFC 5155 11: the opt-out bit is zero in NSEC3PARAM */
				ldns_set_bit(ldns_rdf_data(ldns_rr_rdf(param, 1)), 0, 0);
				if ((s = ldns_dnssec_zone_add_rr(dz, param)) != LDNS_STATUS_OK)
					ldns_rr_free(param);
			}
		}
		if (s == LDNS_STATUS_OK)
			s = ldns_dnssec_zone_create_nsec3s(dz, new_rrs, 1, 0, p->iterations, p->salt_len, (uint8_t *)p->salt);
	}
	ldns_rr_list_free(new_rrs);
	return s;
}

/* The records of dz: data, NSEC/NSEC3 and RRSIGs. */
static size_t count_records(const ldns_dnssec_zone *dz)
{
	size_t n = 0;
	for (ldns_rbnode_t *node = ldns_rbtree_first(dz->names); node != LDNS_RBTREE_NULL;
	     node = ldns_rbtree_next(node)) {
		const ldns_dnssec_name *name = node->data;
		for (const ldns_dnssec_rrsets *set = name->rrsets; set; set = set->next) {
			for (const ldns_dnssec_rrs *r = set->rrs; r; r = r->next)
				n++;
			for (const ldns_dnssec_rrs *r = set->signatures; r; r = r->next)
				n++;
		}
		n += name->nsec != NULL;
		for (const ldns_dnssec_rrs *r = name->nsec_signatures; r; r = r->next)
			n++;
	}
	return n;
}

/* Sign dz (made by build_zone) with keys: a small zone with ldns on this
 * thread, a large one on threads (sign_par.c), with the same records and
 * the same keys over each RRset.  With po->out, write the signed zone there
 * (as ldns_dnssec_zone_print_fmt with po->fmt; with po->drop a large zone's
 * RRSIGs and NSECs are then gone from dz).  *nsigs counts the RRSIGs,
 * *nrecords (when not NULL) the records of the signed zone. */
static int sign_built(const char *origin, ldns_dnssec_zone *dz, size_t rrsets, ldns_key_list *keys,
		      const struct sign_params *p, const struct sign_par_opts *po, size_t *nsigs, size_t *nrecords,
		      struct dl_error *err)
{
	*nsigs = 0;
	for (size_t i = 0; i < ldns_key_list_key_count(keys); i++) {
		ldns_key *k = ldns_key_list_key(keys, i);
		ldns_key_set_inception(k, p->inception);
		ldns_key_set_expiration(k, p->expiration);
	}
	ldns_status s;
	if (rrsets > sign_par_min_rrsets() && ldns_key_list_key_count(keys) <= SIGN_PAR_MAX_KEYS) {
		struct sign_par_opts opts = { 0 };
		if (po)
			opts = *po;
		opts.nsec = !p->nsec3;
		struct sign_par_stats ps = { 0, 0 };
		size_t before = 0;
		s = add_denial(dz, p);
		if (s == LDNS_STATUS_OK) {
			before = nrecords ? count_records(dz) : 0;
			s = sign_par_run(dz, keys, &opts, &ps);
		}
		*nsigs = ps.signatures;
		if (nrecords)
			*nrecords = before + ps.nsecs + ps.signatures;
	} else {
		ldns_rr_list *new_rrs = ldns_rr_list_new();
		if (!new_rrs)
			return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
		if (p->nsec3)
			s = ldns_dnssec_zone_sign_nsec3(dz, new_rrs, keys, ldns_dnssec_default_replace_signatures, NULL, 1,
							0, p->iterations, p->salt_len, (uint8_t *)p->salt);
		else
			s = ldns_dnssec_zone_sign(dz, new_rrs, keys, ldns_dnssec_default_replace_signatures, NULL);
		for (size_t i = 0; i < ldns_rr_list_rr_count(new_rrs); i++)
			if (ldns_rr_get_type(ldns_rr_list_rr(new_rrs, i)) == LDNS_RR_TYPE_RRSIG)
				(*nsigs)++;
		ldns_rr_list_free(new_rrs);
		if (s == LDNS_STATUS_OK && po && po->out)
			ldns_dnssec_zone_print_fmt(po->out, po->fmt, dz);
		if (nrecords)
			*nrecords = count_records(dz);
	}
	if (s != LDNS_STATUS_OK)
		return dl_error_set(err, s == LDNS_STATUS_MEM_ERR ? DL_ERR_NOMEM : DL_ERR_INPUT, "signing %s failed: %s",
				    origin, ldns_get_errorstr_by_id(s));
	return 0;
}

int signer_sign_zone(const struct zone *z, const ldns_rr_list *extra, ldns_key_list *keys,
		     const ldns_rr_list *dnskeys, const struct sign_params *p, ldns_dnssec_zone **out,
		     size_t *nsigs, struct dl_error *err)
{
	*out = NULL;
	*nsigs = 0;
	ldns_dnssec_zone *dz = NULL;
	size_t rrsets = 0;
	int rc = build_zone(z, NULL, extra, dnskeys, &dz, &rrsets, err);
	if (!rc && (rc = sign_built(z->origin_str, dz, rrsets, keys, p, NULL, nsigs, NULL, err)) != 0) {
		ldns_dnssec_zone_deep_free(dz);
		dz = NULL;
	}
	*out = dz;
	return rc;
}

struct progress_ctx {
	const struct signer_opts *o;
	const char *origin;
};

static void progress_cb(void *arg, size_t done, size_t total)
{
	struct progress_ctx *pc = arg;
	pc->o->progress(pc->o->progress_arg, pc->origin, done, total);
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
	if (o->roles && (rc = keyroles_apply(o->roles, &keys, dnskeys, origin, keydir, err)))
		goto out;
	st->keys = ldns_key_list_key_count(keys);
	st->published = ldns_rr_list_rr_count(dnskeys);
	size_t rrsets = 0;
	if ((rc = build_zone(z, z, NULL, dnskeys, &dz, &rrsets, err)))
		goto out;
	st->records_in = z->nrecords;
	/* Its records are in dz now: nothing else of z is needed. */
	bool show_progress = o->progress && z->nrecords > SIGNER_PROGRESS_MIN_RECORDS;
	zone_free(z);
	z = NULL;
	snprintf(st->out, sizeof st->out, "%s%s", o->out ? o->out : o->zonefile, o->out ? "" : ".signed");
	struct atomic_file a;
	if ((rc = atomic_open(&a, st->out, 0644, o->force, err)))
		goto out;
	struct progress_ctx pc = { o, origin };
	/* Only the text is needed: a large zone's signatures go as soon as
	 * they are written. */
	struct sign_par_opts po = { .out = a.fp, .fmt = ldns_output_format_nocomments, .drop = true,
				    .progress = show_progress ? progress_cb : NULL, .progress_arg = &pc };
	if ((rc = sign_built(origin, dz, rrsets, keys, &sp, &po, &st->signatures, &st->records_out, err))) {
		atomic_abort(&a);
		goto out;
	}
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
