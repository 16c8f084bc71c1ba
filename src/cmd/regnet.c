/* regnet.c: the registrar's questions to the lab (regnet.h). */
#include "cmd/regnet.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "net/addr.h"
#include "net/exchange.h"

struct pending {
	bool done;
	int status;
	ldns_pkt *pkt;
};

static void on_answer(const struct exchange_result *r, void *arg)
{
	struct pending *p = arg;
	p->done = true;
	p->status = r->status;
	if (r->status == 0 && ldns_wire2pkt(&p->pkt, r->msg, r->len) != LDNS_STATUS_OK)
		p->status = -1;
}

int regnet_ask(struct labclient *c, const char *ip, const ldns_pkt *q, ldns_pkt **answer, struct dl_error *err)
{
	*answer = NULL;
	struct sockaddr_storage to;
	if (net_addr_parse(ip, c->lab->port, &to) != 0)
		return dl_error_set(err, DL_ERR_INPUT, "'%s' is not an address", ip);
	uint8_t *wire = NULL;
	size_t len = 0;
	if (ldns_pkt2wire(&wire, q, &len) != LDNS_STATUS_OK) {
		free(wire);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	struct pending p = { false, 0, NULL };
	struct exchange_opts o = { .timeout_ms = 1500, .tries = 2 };
	struct exchange *x = NULL;
	int rc = exchange_start(&c->loop, (struct sockaddr *)&to, wire, len, &o, on_answer, &p, &x);
	free(wire);
	if (rc != 0)
		return dl_error_set(err, DL_ERR_NET, "cannot send to %s: %s", ip, uv_strerror(rc));
	/* The exchange's own timer ends this (its callback always runs); the
	 * deadline is only a guard. */
	uint64_t deadline = uv_hrtime() + 10ull * 1000000000ull;
	while (!p.done && uv_hrtime() < deadline)
		uv_run(&c->loop, UV_RUN_ONCE);
	if (!p.done) {
		exchange_cancel(x);
		return dl_error_set(err, DL_ERR_NET, "%s:%d did not answer (timeout)", ip, c->lab->port);
	}
	if (p.status != 0) {
		ldns_pkt_free(p.pkt);
		return dl_error_set(err, DL_ERR_NET, "%s:%d did not answer (%s)", ip, c->lab->port,
				    p.status == UV_ETIMEDOUT ? "timeout" : p.status < 0 ? uv_strerror(p.status) : "bad answer");
	}
	*answer = p.pkt;
	return 0;
}

static ldns_pkt *question(const ldns_rdf *name, ldns_rr_type t, bool rd, bool dnssec)
{
	ldns_pkt *q = ldns_pkt_query_new(ldns_rdf_clone(name), t, LDNS_RR_CLASS_IN, rd ? LDNS_RD : 0);
	if (!q)
		return NULL;
	ldns_pkt_set_random_id(q);
	if (dnssec) {
		ldns_pkt_set_edns_udp_size(q, 1232);
		ldns_pkt_set_edns_do(q, true);
	}
	return q;
}

int regnet_addresses(struct labclient *c, const ldns_rdf *host, ldns_rr_list *out, struct dl_error *err)
{
	const struct topo_server *r = lab_resolver(c->lab);
	if (!r)
		return dl_error_set(err, DL_ERR_INPUT, "the lab has no resolver to look up name servers with");
	static const ldns_rr_type types[] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA };
	for (size_t t = 0; t < 2; t++) {
		ldns_pkt *q = question(host, types[t], true, false), *a = NULL;
		if (!q)
			return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
		int rc = regnet_ask(c, r->address, q, &a, err);
		ldns_pkt_free(q);
		if (rc)
			return rc;
		const ldns_rr_list *an = ldns_pkt_answer(a);
		for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
			const ldns_rr *rr = ldns_rr_list_rr(an, i);
			if (ldns_rr_get_type(rr) == types[t])
				ldns_rr_list_push_rr(out, ldns_rr_clone(rr));
		}
		ldns_pkt_free(a);
	}
	return 0;
}

static const char *rcode_name(ldns_pkt_rcode rc, char *buf, size_t len)
{
	ldns_lookup_table *t = ldns_lookup_by_id(ldns_rcodes, (int)rc);
	snprintf(buf, len, "%s", t ? t->name : "an unknown rcode");
	return buf;
}

int regnet_dnskeys(struct labclient *c, const ldns_rdf *zone, const char *ip, ldns_rr_list *out,
		   struct dl_error *err)
{
	ldns_pkt *q = question(zone, LDNS_RR_TYPE_DNSKEY, false, true), *a = NULL;
	if (!q)
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	int rc = regnet_ask(c, ip, q, &a, err);
	ldns_pkt_free(q);
	if (rc)
		return rc;
	char rn[32];
	if (ldns_pkt_get_rcode(a) != LDNS_RCODE_NOERROR || !ldns_pkt_aa(a))
		rc = dl_error_set(err, DL_ERR_INPUT, "%s answered %s%s, not as the zone's server", ip,
				  rcode_name(ldns_pkt_get_rcode(a), rn, sizeof rn), ldns_pkt_aa(a) ? "" : " without AA");
	const ldns_rr_list *an = ldns_pkt_answer(a);
	for (size_t i = 0; !rc && i < ldns_rr_list_rr_count(an); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY && ldns_dname_compare(ldns_rr_owner(rr), zone) == 0)
			ldns_rr_list_push_rr(out, ldns_rr_clone(rr));
	}
	ldns_pkt_free(a);
	return rc;
}

int regnet_notify(struct labclient *c, const char *ip, const char *zone, uint32_t *serial, struct dl_error *err)
{
	ldns_rdf *name = ldns_dname_new_frm_str(zone);
	ldns_pkt *q = name ? question(name, LDNS_RR_TYPE_SOA, false, false) : NULL, *a = NULL;
	if (!q) {
		ldns_rdf_deep_free(name);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	/* RFC 1996 3.7: opcode NOTIFY, AA set, the zone's SOA as the question;
	 * with EDNS, so that a refusal can say why (RFC 8914). */
	ldns_pkt_set_opcode(q, LDNS_PACKET_NOTIFY);
	ldns_pkt_set_aa(q, true);
	ldns_pkt_set_edns_udp_size(q, 1232);
	int rc = regnet_ask(c, ip, q, &a, err);
	ldns_pkt_free(q);
	char rn[32];
	if (!rc && (ldns_pkt_get_opcode(a) != LDNS_PACKET_NOTIFY || ldns_pkt_get_rcode(a) != LDNS_RCODE_NOERROR)) {
		char why[512] = "";
		ldns_edns_option_list *l = ldns_pkt_edns_get_option_list(a);
		for (size_t i = 0; l && i < ldns_edns_option_list_get_count(l); i++) {
			ldns_edns_option *o = ldns_edns_option_list_get_option(l, i);
			size_t sz = ldns_edns_get_size(o);
			if (ldns_edns_get_code(o) == LDNS_EDNS_EDE && sz > 2)
				snprintf(why, sizeof why, " (%.*s)", (int)(sz - 2), (const char *)ldns_edns_get_data(o) + 2);
		}
		rc = dl_error_set(err, DL_ERR_NET, "%s answered the NOTIFY with %s%s", ip,
				  rcode_name(ldns_pkt_get_rcode(a), rn, sizeof rn), why);
	}
	ldns_pkt_free(a);
	a = NULL;
	if (!rc && !(q = question(name, LDNS_RR_TYPE_SOA, false, false)))
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	if (!rc) {
		rc = regnet_ask(c, ip, q, &a, err);
		ldns_pkt_free(q);
	}
	const ldns_rr_list *an = a ? ldns_pkt_answer(a) : NULL;
	if (!rc && (ldns_rr_list_rr_count(an) < 1 || ldns_rr_get_type(ldns_rr_list_rr(an, 0)) != LDNS_RR_TYPE_SOA))
		rc = dl_error_set(err, DL_ERR_NET, "%s gave no SOA for %s after the NOTIFY", ip, zone);
	if (!rc)
		*serial = ldns_rdf2native_int32(ldns_rr_rdf(ldns_rr_list_rr(an, 0), 2));
	ldns_pkt_free(a);
	ldns_rdf_deep_free(name);
	return rc;
}
