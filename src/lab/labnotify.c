/* labnotify.c: a NOTIFY reloads one zone of the running lab (labnotify.h). */
#include "lab/labnotify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/wire.h"
#include "lab/lab.h"
#include "lab/labsign.h"
#include "lab/registry.h"

#define RCODE_FORMERR 1
#define RCODE_SERVFAIL 2
#define RCODE_NOTAUTH 9

bool labnotify_is_notify(const uint8_t *q, size_t qlen)
{
	return qlen >= WIRE_HEADER_LEN && !(q[2] & 0x80) && ((q[2] >> 3) & 0x0f) == LDNS_PACKET_NOTIFY;
}

/* How the topology configures zone z (borrowed), or NULL. */
static const struct topo_zone *cfg_of(const struct lab *lab, const struct zone *z)
{
	for (size_t i = 0; i < lab->topo->nservers; i++)
		for (size_t k = 0; k < lab->topo->servers[i].nzones; k++) {
			const struct topo_zone *tz = &lab->topo->servers[i].zones[k];
			if (strcasecmp(tz->origin, z->origin_str) == 0 && strcmp(tz->file, z->file) == 0)
				return tz;
		}
	return NULL;
}

/* The closest enclosing zone of the lab's for child (index), or NULL. */
static const struct zone *parent_of(const struct lab *lab, const struct zone *child)
{
	const struct zone *best = NULL;
	for (size_t i = 0; i < lab->nzones; i++) {
		const struct zone *z = lab->zones[i];
		if (z != child && ldns_dname_is_subdomain(child->origin, z->origin) &&
		    (!best || ldns_dname_label_count(z->origin) > ldns_dname_label_count(best->origin)))
			best = z;
	}
	return best;
}

/* The DS records the lab put into old (the copy being replaced) for its
 * signed children (labsign_zones), for the new copy nz, which lacks them:
 * every lab zone whose parent old is, which the lab signs and gives a DS,
 * and which nz delegates without a DS of its own (one from the registry). */
static int children_ds(const struct lab *lab, const struct zone *old, const struct zone *nz, ldns_rr_list *out)
{
	for (size_t i = 0; i < lab->nzones; i++) {
		const struct zone *c = lab->zones[i];
		const struct topo_zone *cc = cfg_of(lab, c);
		if (c == old || !cc || !cc->sign || cc->fault == TOPO_FAULT_NO_DS || parent_of(lab, c) != old)
			continue;
		const ldns_dnssec_name *at_new = zone_find(nz, c->origin);
		if (!zone_rrset(at_new, LDNS_RR_TYPE_NS) || zone_rrset(at_new, LDNS_RR_TYPE_DS))
			continue;
		const ldns_dnssec_rrsets *ds = zone_rrset(zone_find(old, c->origin), LDNS_RR_TYPE_DS);
		for (const ldns_dnssec_rrs *r = ds ? ds->rrs : NULL; r; r = r->next) {
			ldns_rr *copy = ldns_rr_clone(r->rr);
			if (!copy || !ldns_rr_list_push_rr(out, copy)) {
				ldns_rr_free(copy);
				return DL_ERR_NOMEM;
			}
		}
	}
	return 0;
}

/* Replace old by nz (taken over) wherever the lab serves it; old is freed. */
static void swap_in(struct lab *lab, size_t idx, struct zone *nz)
{
	struct zone *old = lab->zones[idx];
	for (size_t i = 0; i < lab->nservers; i++) {
		struct authserver *a = &lab->servers[i].auth;
		bool changed = false;
		for (size_t k = 0; k < a->zones.n; k++)
			if (a->zones.zones[k] == old) {
				a->zones.zones[k] = nz;
				changed = true;
			}
		if (changed)
			authserver_zones_changed(a);
	}
	lab->zones[idx] = nz;
	zone_free(old);
}

static int reload_one(struct lab *lab, size_t idx, time_t now, struct dl_error *err)
{
	const struct zone *old = lab->zones[idx];
	const struct topo_zone *cfg = cfg_of(lab, old);
	struct zone *nz = NULL;
	int rc = zone_load(old->file, old->origin_str, &nz, err);
	if (!rc)
		rc = registry_apply(lab->topo->path, nz, err);
	if (!rc && lab->topo->sign && cfg && cfg->sign) {
		char keydir[4200];
		struct labsign_stats st;
		ldns_rr_list *ds = ldns_rr_list_new();
		snprintf(keydir, sizeof keydir, "%s/keys", lab->userdir);
		if (!ds || children_ds(lab, old, nz, ds) != 0)
			rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
		else
			rc = labsign_zone(&nz, cfg, ds, keydir, now, &st, err);
		ldns_rr_list_deep_free(ds);
	}
	if (rc) {
		zone_free(nz);
		return rc;
	}
	swap_in(lab, idx, nz);
	return 0;
}

int labnotify_reload_zone(struct lab *lab, const ldns_rdf *origin, time_t now, struct dl_error *err)
{
	int rc = 0, found = 0;
	for (size_t i = 0; i < lab->nzones && !rc; i++)
		if (ldns_dname_compare(lab->zones[i]->origin, origin) == 0) {
			found++;
			rc = reload_one(lab, i, now, err);
		}
	if (!rc && !found)
		rc = dl_error_set(err, DL_ERR_INPUT, "the lab serves no such zone");
	if (!rc && lab->anchor) {
		/* The copy for reading (lab_write_signed) follows what is served. */
		char dir[4400];
		struct dl_error werr = { 0, "" };
		if (lab_write_signed(lab, dir, sizeof dir, &werr) != 0)
			fprintf(stderr, "dnslab: %s\n", werr.msg);
	}
	return rc;
}

size_t labnotify_respond(struct lab *lab, struct lab_server *s, const uint8_t *q, size_t qlen, uint8_t *out,
			 size_t cap)
{
	struct wire_query wq;
	switch (wire_parse_query(q, qlen, &wq)) {
	case WIRE_DROP:
		return 0;
	case WIRE_FORMERR:
		return wire_error_response(q, &wq, RCODE_FORMERR, out, cap);
	case WIRE_OK:
		break;
	}
	/* RFC 1996 3.7: one question, the zone's SOA, class IN. */
	if (wq.qdcount != 1 || wq.qtype != LDNS_RR_TYPE_SOA || wq.qclass != LDNS_RR_CLASS_IN)
		return wire_error_response_edns(q, &wq, RCODE_FORMERR, AUTHSERVER_EDNS_SIZE, out, cap);
	ldns_rdf *qname = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, wq.qname_len, wq.qname_lower);
	if (!qname)
		return wire_error_response_edns(q, &wq, RCODE_SERVFAIL, AUTHSERVER_EDNS_SIZE, out, cap);
	bool serves = false;
	for (size_t i = 0; i < s->auth.zones.n && !serves; i++)
		serves = ldns_dname_compare(s->auth.zones.zones[i]->origin, qname) == 0;
	int rcode = RCODE_NOTAUTH; /* RFC 1996 3.10 / RFC 2136: not authoritative for it */
	struct dl_error err = { 0, "" };
	if (serves) {
		rcode = labnotify_reload_zone(lab, qname, (time_t)labclock_now(&lab->clock), &err) == 0 ? 0
											 : RCODE_SERVFAIL;
		if (rcode) {
			char *zn = ldns_rdf2str(qname);
			fprintf(stderr, "dnslab: %s: NOTIFY for %s: %s (the old copy goes on serving)\n", s->ts->name,
				zn ? zn : "?", err.msg);
			free(zn);
		}
	}
	ldns_rdf_deep_free(qname);
	size_t n = wire_error_response_edns(q, &wq, rcode, AUTHSERVER_EDNS_SIZE, out, cap);
	if (n && rcode != RCODE_NOTAUTH)
		out[2] |= 0x04; /* AA: the answer of the zone's own server */
	/* Why the zone was not taken, for the registrar to show (EDE 0,
	 * Other): the sender is on this machine, the lab's own tool. */
	if (n && rcode == RCODE_SERVFAIL && wq.has_edns && err.msg[0])
		n = wire_add_ede(out, n, cap, 0, err.msg);
	return n;
}
