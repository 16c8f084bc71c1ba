/* authserver.c: wire-level handling for an authoritative server (authserver.h).
 *
 * Every query is checked by wire_parse_query.  A cache hit costs one copy plus
 * patching the ID, RD/CD and the question's case (RFC 1034 preserves the
 * client's case in the question, and compressed owner names that point at it
 * follow it, as with NSD and BIND).  A miss builds the answer with ldns once. */
#include "dns/authserver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/axfr.h"
#include "dns/wire.h"

#define RCODE_FORMERR 1
#define RCODE_SERVFAIL 2
#define RCODE_NOTIMP 4
#define RCODE_REFUSED 5
#define EXT_RCODE_BADVERS 16 /* RFC 6891 */

int authserver_init(struct authserver *s, struct zone *const *zones, size_t n)
{
	memset(s, 0, sizeof *s);
	s->zones.zones = calloc(n ? n : 1, sizeof *s->zones.zones);
	if (!s->zones.zones)
		return -1;
	memcpy(s->zones.zones, zones, n * sizeof *zones);
	s->zones.n = n;
	return 0;
}

void authserver_free(struct authserver *s)
{
	anscache_clear(&s->cache);
	free(s->zones.zones);
	s->zones.zones = NULL;
	s->zones.n = 0;
}

void authserver_zones_changed(struct authserver *s)
{
	anscache_clear(&s->cache);
}

static size_t error_with_opt(const uint8_t *q, const struct wire_query *wq, int rcode,
			     uint8_t *out, size_t cap)
{
	return wire_error_response_edns(q, wq, rcode, AUTHSERVER_EDNS_SIZE, out, cap);
}

void authserver_set_identity(struct authserver *s, const char *name)
{
	snprintf(s->identity, sizeof s->identity, "%s", name ? name : "");
}

/* CH TXT id.server. or hostname.bind. (RFC 4892): which instance answered,
 * so that servers sharing one address or one zone can be told apart. */
static ldns_pkt *identity_answer(const struct authserver *s, const struct wire_query *wq, const ldns_rdf *qname)
{
	static const uint8_t id_server[] = "\2id\6server", hostname_bind[] = "\10hostname\4bind";
	bool asked = wq->qclass == LDNS_RR_CLASS_CH && (wq->qtype == LDNS_RR_TYPE_TXT || wq->qtype == LDNS_RR_TYPE_ANY) &&
		     ((wq->qname_len == sizeof id_server && !memcmp(wq->qname_lower, id_server, sizeof id_server)) ||
		      (wq->qname_len == sizeof hostname_bind && !memcmp(wq->qname_lower, hostname_bind, sizeof hostname_bind)));
	if (!asked || !s->identity[0])
		return NULL;
	ldns_pkt *pkt = ldns_pkt_new();
	ldns_rr *rr = ldns_rr_new();
	ldns_rdf *txt = NULL;
	if (!pkt || !rr || ldns_str2rdf_str(&txt, s->identity) != LDNS_STATUS_OK) {
		ldns_pkt_free(pkt);
		ldns_rr_free(rr);
		return NULL;
	}
	ldns_rr_set_owner(rr, ldns_rdf_clone(qname));
	ldns_rr_set_type(rr, LDNS_RR_TYPE_TXT);
	ldns_rr_set_class(rr, LDNS_RR_CLASS_CH);
	ldns_rr_set_ttl(rr, 0);
	ldns_rr_push_rdf(rr, txt);
	ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, rr);
	ldns_pkt_set_qr(pkt, true);
	ldns_pkt_set_aa(pkt, true);
	return pkt;
}

/* Build the full response for the question with ldns, lowercased question. */
static uint8_t *build_response(struct authserver *s, const struct wire_query *wq, size_t *len)
{
	ldns_rdf *qname = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, wq->qname_len, wq->qname_lower);
	if (!qname)
		return NULL;
	ldns_pkt *pkt = identity_answer(s, wq, qname);
	if (!pkt)
		pkt = answer_build(&s->zones, qname, wq->qtype, wq->qclass, wq->has_edns && wq->do_bit);
	ldns_rr *question = pkt ? ldns_rr_new() : NULL;
	if (!question) {
		ldns_rdf_deep_free(qname);
		ldns_pkt_free(pkt);
		return NULL;
	}
	ldns_rr_set_owner(question, qname);
	ldns_rr_set_type(question, wq->qtype);
	ldns_rr_set_class(question, wq->qclass);
	ldns_rr_set_question(question, true);
	ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, question);
	if (wq->has_edns) {
		ldns_pkt_set_edns_udp_size(pkt, AUTHSERVER_EDNS_SIZE);
		ldns_pkt_set_edns_do(pkt, wq->do_bit);
	}
	uint8_t *wire = NULL;
	if (ldns_pkt2wire(&wire, pkt, len) != LDNS_STATUS_OK) {
		free(wire);
		wire = NULL;
	}
	ldns_pkt_free(pkt);
	return wire;
}

/* AXFR over TCP of a zone that allows it (axfr.h), in one message; anything
 * else is REFUSED, as before. */
static size_t axfr_respond(struct authserver *s, const uint8_t *q, const struct wire_query *wq, bool tcp,
			   uint8_t *out, size_t cap)
{
	ldns_rdf *qname = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, wq->qname_len, wq->qname_lower);
	const struct zone *z = qname ? answer_find_zone(&s->zones, qname, LDNS_RR_TYPE_SOA) : NULL;
	bool apex = z && ldns_dname_compare(z->origin, qname) == 0;
	if (!tcp || !apex || !axfr_allowed(z) || wq->qclass != LDNS_RR_CLASS_IN) {
		ldns_rdf_deep_free(qname);
		return error_with_opt(q, wq, RCODE_REFUSED, out, cap);
	}
	ldns_pkt *pkt = ldns_pkt_query_new(qname, LDNS_RR_TYPE_AXFR, LDNS_RR_CLASS_IN, 0); /* takes qname */
	if (!pkt)
		ldns_rdf_deep_free(qname);
	ldns_rr_list *rrs = axfr_records(z);
	uint8_t *wire = NULL;
	size_t len = 0;
	if (pkt && rrs) {
		ldns_pkt_push_rr_list(pkt, LDNS_SECTION_ANSWER, rrs);
		ldns_rr_list_free(rrs); /* the records now belong to pkt */
		rrs = NULL;
		ldns_pkt_set_id(pkt, wq->id);
		ldns_pkt_set_qr(pkt, true);
		ldns_pkt_set_aa(pkt, true);
		if (ldns_pkt2wire(&wire, pkt, &len) != LDNS_STATUS_OK)
			len = 0;
	}
	ldns_rr_list_deep_free(rrs);
	ldns_pkt_free(pkt);
	if (!len || len > cap || len > AUTHSERVER_MAX_MSG) {
		free(wire);
		return error_with_opt(q, wq, RCODE_SERVFAIL, out, cap);
	}
	memcpy(out, wire, len);
	free(wire);
	memcpy(out + wq->qname_off, q + wq->qname_off, wq->qname_len); /* the question's case */
	return len;
}

size_t authserver_respond(struct authserver *s, const uint8_t *q, size_t qlen, bool tcp,
			  uint8_t *out, size_t cap)
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
	if (wq.opcode != LDNS_PACKET_QUERY)
		return error_with_opt(q, &wq, RCODE_NOTIMP, out, cap);
	/* An IXFR query carries the client's SOA in authority (RFC 1995 3). */
	if (wq.qdcount == 1 && wq.qtype == LDNS_RR_TYPE_IXFR)
		return error_with_opt(q, &wq, RCODE_REFUSED, out, cap);
	if (wq.qdcount != 1 || wq.ancount != 0 || wq.nscount != 0)
		return error_with_opt(q, &wq, RCODE_FORMERR, out, cap);
	if (wq.has_edns && wq.edns_version != 0)
		return error_with_opt(q, &wq, EXT_RCODE_BADVERS, out, cap);
	if (wq.qtype == LDNS_RR_TYPE_OPT || wq.qtype == LDNS_RR_TYPE_TSIG)
		return error_with_opt(q, &wq, RCODE_FORMERR, out, cap);
	if (wq.qtype == LDNS_RR_TYPE_AXFR)
		return axfr_respond(s, q, &wq, tcp, out, cap);

	struct anscache_key key = {
		.qname = wq.qname_lower, .qname_len = wq.qname_len,
		.qtype = wq.qtype, .qclass = wq.qclass,
		.variant = (uint8_t)((wq.has_edns ? 1 : 0) | (wq.has_edns && wq.do_bit ? 2 : 0)),
	};
	size_t len = 0;
	const uint8_t *resp = anscache_get(&s->cache, &key, &len);
	uint8_t *built = NULL;
	if (!resp) {
		built = build_response(s, &wq, &len);
		if (!built || len > cap || len > AUTHSERVER_MAX_MSG) {
			free(built);
			return error_with_opt(q, &wq, RCODE_SERVFAIL, out, cap);
		}
		anscache_put(&s->cache, &key, built, len);
		resp = built;
	}
	/* UDP: the client's EDNS size, at least 512, and never above our own
	 * 1232 so that answers are not fragmented (DNS Flag Day 2020). */
	size_t limit = tcp ? AUTHSERVER_MAX_MSG : wire_udp_limit(&wq, AUTHSERVER_EDNS_SIZE);
	size_t n = len <= limit ? len : wire_truncated(resp, &wq, AUTHSERVER_EDNS_SIZE, out);
	if (len <= limit)
		memcpy(out, resp, len);
	free(built);
	/* Patch what the cached form cannot know: ID, RD, CD, question case. */
	out[0] = q[0];
	out[1] = q[1];
	out[2] = (uint8_t)((out[2] & ~0x01) | (q[2] & 0x01));
	out[3] = (uint8_t)((out[3] & ~0x10) | (q[3] & 0x10));
	memcpy(out + wq.qname_off, q + wq.qname_off, wq.qname_len);
	return n;
}
