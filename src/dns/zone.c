/* zone.c: load and check a zone file (zone.h).
 *
 * Records are read one at a time with ldns_rr_new_frm_fp_l rather than with
 * ldns_zone_new_frm_fp_l so that every semantic error (data outside the zone,
 * CNAME beside other data, a second SOA) can name its line too. */
#include "dns/zone.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void zone_free(struct zone *z)
{
	if (!z)
		return;
	if (z->dz)
		ldns_dnssec_zone_deep_free(z->dz);
	ldns_rdf_deep_free(z->origin);
	free(z->origin_str);
	free(z->file);
	free(z);
}

const ldns_dnssec_name *zone_find(const struct zone *z, const ldns_rdf *name)
{
	if (!z->dz->names)
		return NULL;
	ldns_rbnode_t *node = ldns_rbtree_search(z->dz->names, name);
	return node && node != LDNS_RBTREE_NULL ? node->data : NULL;
}

const ldns_dnssec_rrsets *zone_rrset(const ldns_dnssec_name *n, ldns_rr_type t)
{
	for (const ldns_dnssec_rrsets *s = n ? n->rrsets : NULL; s; s = s->next)
		if (s->type == t)
			return s;
	return NULL;
}

ldns_rr *zone_negative_soa(const struct zone *z)
{
	ldns_rr *soa = ldns_rr_clone(z->soa);
	if (soa)
		ldns_rr_set_ttl(soa, z->neg_ttl);
	return soa;
}

/* ldns counts the blank and comment lines that follow a record as read, so
 * its line number can run past the record.  The record ends on the last line
 * with content at or before that number: "file:line" for it goes into where,
 * and its text (for syntax errors) into text. */
static void record_where(const char *file, int ldns_line, char *where, size_t wlen, char *text, size_t tlen)
{
	FILE *fp = fopen(file, "r");
	char *line = NULL; /* getline: a line of any length counts once */
	size_t cap = 0;
	int at = 0, found = ldns_line > 0 ? ldns_line : 1;
	if (text)
		text[0] = '\0';
	while (fp && at < ldns_line && getline(&line, &cap, fp) >= 0) {
		at++;
		line[strcspn(line, "\r\n")] = '\0';
		char *t = line + strspn(line, " \t");
		if (*t && *t != ';') {
			found = at;
			if (text)
				snprintf(text, tlen, ": %s", t);
		}
	}
	free(line);
	if (fp)
		fclose(fp);
	snprintf(where, wlen, "%s:%d", file, found);
}

static bool is_cname_compatible(ldns_rr_type t)
{
	/* RFC 2181 10.1 and RFC 4035 2.5: only DNSSEC records may sit beside a CNAME. */
	return t == LDNS_RR_TYPE_CNAME || t == LDNS_RR_TYPE_RRSIG || t == LDNS_RR_TYPE_NSEC;
}

/* 0, or an error naming the conflict of rr with data already at its owner. */
static int check_owner(struct zone *z, const ldns_rr *rr, const char *where, struct dl_error *err)
{
	const ldns_dnssec_name *n = zone_find(z, ldns_rr_owner(rr));
	if (!n)
		return 0;
	ldns_rr_type t = ldns_rr_get_type(rr);
	char *owner = ldns_rdf2str(ldns_rr_owner(rr));
	int rc = 0;
	for (const ldns_dnssec_rrsets *s = n->rrsets; s && !rc; s = s->next) {
		bool clash = (t == LDNS_RR_TYPE_CNAME && !is_cname_compatible(s->type)) ||
			     (s->type == LDNS_RR_TYPE_CNAME && !is_cname_compatible(t));
		if (t == LDNS_RR_TYPE_CNAME && s->type == LDNS_RR_TYPE_CNAME)
			rc = dl_error_set(err, DL_ERR_INPUT,
					  "%s: %s has a second CNAME; an alias points to exactly one name (RFC 1034 3.6.2)",
					  where, owner ? owner : "?");
		else if (clash)
			rc = dl_error_set(err, DL_ERR_INPUT,
					  "%s: %s has a CNAME and other data; a CNAME must be alone at its name (RFC 2181 10.1)",
					  where, owner ? owner : "?");
	}
	free(owner);
	return rc;
}

/* True when an identical record is already present (duplicates are dropped, as
 * RFC 2181 5 says an RRset has no duplicate records).  ldns keeps RRSIGs with
 * the RRset they cover and the NSEC of a name apart, so look there for those. */
static bool is_duplicate(const struct zone *z, const ldns_rr *rr)
{
	const ldns_dnssec_name *n = zone_find(z, ldns_rr_owner(rr));
	if (!n)
		return false;
	ldns_rr_type t = ldns_rr_get_type(rr);
	if (t == LDNS_RR_TYPE_NSEC)
		return n->nsec && ldns_rr_compare(n->nsec, rr) == 0;
	const ldns_dnssec_rrsets *s = NULL;
	const ldns_dnssec_rrs *r = NULL;
	if (t == LDNS_RR_TYPE_RRSIG) {
		s = zone_rrset(n, ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)));
		r = s ? s->signatures : NULL;
	} else {
		s = zone_rrset(n, t);
		r = s ? s->rrs : NULL;
	}
	for (; r; r = r->next)
		if (ldns_rr_compare(r->rr, rr) == 0)
			return true;
	return false;
}

/* later: NSEC3 records (and their RRSIGs) whose hashed owner matches no name
 * yet; ldns can place them only once every name, empty non-terminals
 * included, is known and hashed. */
static int add_record(struct zone *z, ldns_rr *rr, const char *where, ldns_rr_list *later, struct dl_error *err)
{
	char *owner = NULL;
	int rc = 0;
	ldns_rr_type t = ldns_rr_get_type(rr);
	if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s: only class IN is served", where);
	} else if (ldns_dname_compare(ldns_rr_owner(rr), z->origin) != 0 &&
		   !ldns_dname_is_subdomain(ldns_rr_owner(rr), z->origin)) {
		owner = ldns_rdf2str(ldns_rr_owner(rr));
		rc = dl_error_set(err, DL_ERR_INPUT, "%s: %s is outside the zone %s", where,
				  owner ? owner : "?", z->origin_str);
	} else if (t == LDNS_RR_TYPE_SOA && z->soa) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s: a second SOA record; a zone has exactly one", where);
	} else if (t == LDNS_RR_TYPE_SOA && ldns_dname_compare(ldns_rr_owner(rr), z->origin) != 0) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s: the SOA must be at the zone apex %s", where,
				  z->origin_str);
	} else if (t == LDNS_RR_TYPE_SOA && ldns_rr_rd_count(rr) != 7) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s: malformed SOA record", where);
	}
	free(owner);
	if (!rc && is_duplicate(z, rr)) {
		ldns_rr_free(rr);
		return 0;
	}
	if (!rc && t == LDNS_RR_TYPE_RRSIG && !ldns_rr_rrsig_typecovered(rr))
		rc = dl_error_set(err, DL_ERR_INPUT, "%s: malformed RRSIG record", where);
	if (!rc && t == LDNS_RR_TYPE_NSEC) {
		const ldns_dnssec_name *n = zone_find(z, ldns_rr_owner(rr));
		if (n && n->nsec)
			rc = dl_error_set(err, DL_ERR_INPUT, "%s: a second, different NSEC record at this name; a name has one",
					  where);
	}
	if (!rc)
		rc = check_owner(z, rr, where, err);
	if (rc) {
		ldns_rr_free(rr);
		return rc;
	}
	ldns_status added = ldns_dnssec_zone_add_rr(z->dz, rr);
	if (added == LDNS_STATUS_DNSSEC_NSEC3_ORIGINAL_NOT_FOUND && ldns_rr_list_push_rr(later, rr))
		return 0;
	if (added != LDNS_STATUS_OK) {
		ldns_rr_free(rr);
		return dl_error_set(err, DL_ERR_INPUT, "%s: record could not be added", where);
	}
	if (t == LDNS_RR_TYPE_SOA)
		z->soa = rr;
	z->nrecords++;
	return 0;
}

static int check_apex(struct zone *z, int last_line, struct dl_error *err)
{
	if (!z->soa)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: no SOA record for %s; a zone starts with one",
				    z->file, last_line, z->origin_str);
	const ldns_dnssec_name *apex = zone_find(z, z->origin);
	if (!zone_rrset(apex, LDNS_RR_TYPE_NS))
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: no NS records at the apex of %s",
				    z->file, last_line, z->origin_str);
	uint32_t ttl = ldns_rr_ttl(z->soa);
	uint32_t minimum = ldns_rdf2native_int32(ldns_rr_rdf(z->soa, 6));
	z->neg_ttl = ttl < minimum ? ttl : minimum;
	return 0;
}

int zone_load(const char *file, const char *origin, struct zone **out, struct dl_error *err)
{
	*out = NULL;
	struct zone *z = calloc(1, sizeof *z);
	if (!z || !(z->file = strdup(file)) || !(z->origin_str = strdup(origin)) ||
	    !(z->dz = ldns_dnssec_zone_new())) {
		zone_free(z);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	if (ldns_str2rdf_dname(&z->origin, origin) != LDNS_STATUS_OK) {
		zone_free(z);
		return dl_error_set(err, DL_ERR_INPUT, "'%s' is not a valid zone name", origin);
	}
	FILE *fp = fopen(file, "r");
	if (!fp) {
		int rc = dl_error_set(err, DL_ERR_ENV, "cannot open zone file %s: %s", file, strerror(errno));
		zone_free(z);
		return rc;
	}
	struct stat st;
	if (fstat(fileno(fp), &st) == 0 && !S_ISREG(st.st_mode)) {
		fclose(fp);
		int rc = dl_error_set(err, DL_ERR_ENV, "cannot read zone file %s: not a regular file", file);
		zone_free(z);
		return rc;
	}
	uint32_t default_ttl = 3600;
	ldns_rr_list *later = ldns_rr_list_new();
	if (!later) {
		fclose(fp);
		zone_free(z);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	ldns_rdf *cur_origin = ldns_rdf_clone(z->origin);
	ldns_rdf *prev = NULL;
	int line = 0, rc = 0;
	while (!rc && !feof(fp) && !ferror(fp)) {
		ldns_rr *rr = NULL;
		ldns_status s = ldns_rr_new_frm_fp_l(&rr, fp, &default_ttl, &cur_origin, &prev, &line);
		char where[600];
		snprintf(where, sizeof where, "%s:%d", file, line);
		switch (s) {
		case LDNS_STATUS_OK:
			rc = add_record(z, rr, where, later, err);
			break;
		case LDNS_STATUS_SYNTAX_EMPTY:
		case LDNS_STATUS_SYNTAX_TTL:
		case LDNS_STATUS_SYNTAX_ORIGIN:
			break;
		case LDNS_STATUS_SYNTAX_INCLUDE:
			rc = dl_error_set(err, DL_ERR_INPUT, "%s: $INCLUDE is not supported; put the records in this file",
					  where);
			break;
		default:
			rc = dl_error_set(err, DL_ERR_INPUT, "%s: %s", where, ldns_get_errorstr_by_id(s));
			break;
		}
	}
	if (rc == DL_ERR_INPUT) {
		/* Name the record's own line (and quote it for a syntax error). */
		char where[600], real[600], text[200], rest[sizeof err->msg];
		snprintf(where, sizeof where, "%s:%d:", file, line);
		size_t wl = strlen(where);
		if (strncmp(err->msg, where, wl) == 0) {
			bool syntax = strstr(err->msg, "Syntax error") != NULL || strstr(err->msg, "syntax") != NULL;
			record_where(file, line, real, sizeof real, text, sizeof text);
			snprintf(rest, sizeof rest, "%s", err->msg + wl);
			dl_error_set(err, DL_ERR_INPUT, "%s:%s%s", real, rest, syntax ? text : "");
		}
	}
	if (!rc && ferror(fp))
		rc = dl_error_set(err, DL_ERR_ENV, "cannot read zone file %s: %s", file, strerror(errno));
	fclose(fp);
	ldns_rdf_deep_free(cur_origin);
	ldns_rdf_deep_free(prev);
	if (!rc)
		rc = check_apex(z, line > 0 ? line : 1, err);
	if (!rc && ldns_dnssec_zone_add_empty_nonterminals(z->dz) != LDNS_STATUS_OK)
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	/* NSEC3 records first, then the RRSIGs that cover them. */
	for (int pass = 0; pass < 2 && !rc; pass++) {
		for (size_t i = 0; i < ldns_rr_list_rr_count(later) && !rc; i++) {
			ldns_rr *rr = ldns_rr_list_rr(later, i);
			if (!rr || (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG) != (pass == 1))
				continue;
			ldns_rr_list_set_rr(later, NULL, i);
			if (ldns_dnssec_zone_add_rr(z->dz, rr) == LDNS_STATUS_OK) {
				z->nrecords++;
				continue;
			}
			char *owner = ldns_rdf2str(ldns_rr_owner(rr));
			rc = dl_error_set(err, DL_ERR_INPUT,
					  "%s: the %s record at %s matches no name of the zone (a stale NSEC3 chain?)",
					  file, pass ? "RRSIG" : "NSEC3", owner ? owner : "?");
			free(owner);
			ldns_rr_free(rr);
		}
	}
	for (size_t i = 0; i < ldns_rr_list_rr_count(later); i++)
		ldns_rr_free(ldns_rr_list_rr(later, i));
	ldns_rr_list_free(later);
	if (rc) {
		zone_free(z);
		return rc;
	}
	*out = z;
	return 0;
}

int zone_adopt(ldns_dnssec_zone *dz, const char *origin, const char *file, struct zone **out,
	       struct dl_error *err)
{
	*out = NULL;
	struct zone *z = calloc(1, sizeof *z);
	if (!z || !(z->file = strdup(file)) || !(z->origin_str = strdup(origin))) {
		free(z ? z->file : NULL);
		free(z);
		ldns_dnssec_zone_deep_free(dz);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	z->dz = dz;
	if (ldns_str2rdf_dname(&z->origin, origin) != LDNS_STATUS_OK) {
		zone_free(z);
		return dl_error_set(err, DL_ERR_INPUT, "'%s' is not a valid zone name", origin);
	}
	const ldns_dnssec_name *apex = zone_find(z, z->origin);
	const ldns_dnssec_rrsets *soa = zone_rrset(apex, LDNS_RR_TYPE_SOA);
	z->soa = soa && soa->rrs ? soa->rrs->rr : NULL;
	for (ldns_rbnode_t *n = ldns_rbtree_first(dz->names); n != LDNS_RBTREE_NULL; n = ldns_rbtree_next(n)) {
		const ldns_dnssec_name *name = n->data;
		for (const ldns_dnssec_rrsets *set = name->rrsets; set; set = set->next)
			for (const ldns_dnssec_rrs *r = set->rrs; r; r = r->next)
				z->nrecords++;
	}
	int rc = check_apex(z, 1, err);
	/* An NSEC3 signer has added them already; an NSEC chain never lists them. */
	if (!rc && ldns_dnssec_zone_add_empty_nonterminals(z->dz) != LDNS_STATUS_OK)
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	if (rc) {
		zone_free(z);
		return rc;
	}
	*out = z;
	return 0;
}
