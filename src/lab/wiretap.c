/* wiretap.c: the lab's traffic bus and its readable and JSON forms (wiretap.h).
 *
 * Messages are parsed with ldns only when someone is listening: with no
 * subscriber the transports see a NULL hook and publishing costs one test. */
#include "lab/wiretap.h"

#include <string.h>
#include <time.h>

#include <ldns/ldns.h>

#include "dns/rrtext.h"
#include "ui/json.h"
#include "ui/term.h"

static void wiretap_publish(void *arg, const struct net_event *nev)
{
	struct wiretap *t = arg;
	struct wiretap_event ev = { labclock_now(t->clock), ++t->seq, nev };
	for (size_t i = 0; i < t->nsubs; i++)
		t->subs[i].fn(t->subs[i].arg, &ev);
}

void wiretap_init(struct wiretap *t, const struct labclock *clock, const struct topology *topo)
{
	memset(t, 0, sizeof *t);
	t->clock = clock;
	t->topo = topo;
	t->hook.arg = t;
}

int wiretap_subscribe(struct wiretap *t, wiretap_fn fn, void *arg)
{
	if (t->nsubs == WIRETAP_MAX_SUBSCRIBERS)
		return DL_ERR_ENV;
	t->subs[t->nsubs].fn = fn;
	t->subs[t->nsubs].arg = arg;
	t->nsubs++;
	t->hook.publish = wiretap_publish;
	return 0;
}

void wiretap_unsubscribe(struct wiretap *t, wiretap_fn fn, void *arg)
{
	for (size_t i = 0; i < t->nsubs; i++) {
		if (t->subs[i].fn == fn && t->subs[i].arg == arg) {
			memmove(&t->subs[i], &t->subs[i + 1], (t->nsubs - i - 1) * sizeof t->subs[0]);
			t->nsubs--;
			break;
		}
	}
	if (t->nsubs == 0)
		t->hook.publish = NULL;
}

/* What one message says, in the terms the lab teaches. */
struct summary {
	bool parsed, response;
	unsigned id;
	char qname[LDNS_MAX_DOMAINLEN * 4 + 2];
	char qtype[24];
	char rcode[24];
	char flags[40];
	const char *kind;  /* query, answer, cname, referral, nxdomain, nodata, truncated, error */
	char detail[600];
};

static void append(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);
	if (n + 1 < len)
		snprintf(buf + n, len - n, "%s", s);
}


static void rr_brief(const ldns_rr *rr, char *buf, size_t len)
{
	char owner[300], type[24], rdata[300] = "";
	rdf_text(ldns_rr_owner(rr), owner, sizeof owner);
	char *t = ldns_rr_type2str(ldns_rr_get_type(rr));
	snprintf(type, sizeof type, "%s", t ? t : "?");
	free(t);
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		char f[300];
		rdf_text(ldns_rr_rdf(rr, i), f, sizeof f);
		if (i)
			append(rdata, sizeof rdata, " ");
		append(rdata, sizeof rdata, f);
	}
	if (strlen(rdata) > 90) /* a wiretap line is for reading, not for the whole TXT */
		snprintf(rdata + 84, sizeof rdata - 84, " [...]");
	snprintf(buf, len, "%s %u %s %s", owner, ldns_rr_ttl(rr), type, rdata);
}

static void summarize(const struct net_event *nev, struct summary *s)
{
	memset(s, 0, sizeof *s);
	ldns_pkt *p = NULL;
	if (nev->len >= 2)
		s->id = (unsigned)(nev->msg[0] << 8 | nev->msg[1]);
	if (ldns_wire2pkt(&p, nev->msg, nev->len) != LDNS_STATUS_OK) {
		s->kind = "malformed";
		snprintf(s->detail, sizeof s->detail, "%zu bytes that do not parse as DNS", nev->len);
		return;
	}
	s->parsed = true;
	s->response = ldns_pkt_qr(p);
	const ldns_rr *q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	if (q) {
		rdf_text(ldns_rr_owner(q), s->qname, sizeof s->qname);
		char *t = ldns_rr_type2str(ldns_rr_get_type(q));
		snprintf(s->qtype, sizeof s->qtype, "%s", t ? t : "?");
		free(t);
	}
	const char *names[] = { "aa", "tc", "rd", "ra", "ad", "cd", "do" };
	bool on[] = { ldns_pkt_aa(p), ldns_pkt_tc(p), ldns_pkt_rd(p), ldns_pkt_ra(p),
		      ldns_pkt_ad(p), ldns_pkt_cd(p), ldns_pkt_edns_do(p) };
	for (size_t i = 0; i < sizeof on; i++)
		if (on[i]) {
			if (s->flags[0])
				append(s->flags, sizeof s->flags, " ");
			append(s->flags, sizeof s->flags, names[i]);
		}
	unsigned rcode = ldns_pkt_get_rcode(p) | (unsigned)ldns_pkt_edns_extended_rcode(p) << 4;
	/* dig's names (the IANA registry's), not ldns's NOTIMPL/YXDOMAIN spellings. */
	static const char *const rcodes[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
					      "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
					      "NOTZONE", "DSOTYPENI", "RESERVED12", "RESERVED13",
					      "RESERVED14", "RESERVED15", "BADVERS" };
	if (rcode < sizeof rcodes / sizeof rcodes[0])
		snprintf(s->rcode, sizeof s->rcode, "%s", rcodes[rcode]);
	else
		snprintf(s->rcode, sizeof s->rcode, "RCODE%u", rcode);
	if (!s->response) {
		s->kind = "query";
		if (!q)
			snprintf(s->detail, sizeof s->detail, "a query with no question");
		else
			snprintf(s->detail, sizeof s->detail, "%s %s?", s->qname, s->qtype);
		if (ldns_pkt_get_opcode(p) != LDNS_PACKET_QUERY) {
			char *op = ldns_pkt_opcode2str(ldns_pkt_get_opcode(p));
			char more[64];
			snprintf(more, sizeof more, " (opcode %s)", op ? op : "?");
			append(s->detail, sizeof s->detail, more);
			free(op);
		}
		ldns_pkt_free(p);
		return;
	}
	const ldns_rr_list *an = ldns_pkt_answer(p), *ns = ldns_pkt_authority(p);
	size_t nan = ldns_rr_list_rr_count(an);
	char brief[700];
	if (ldns_pkt_get_opcode(p) == LDNS_PACKET_NOTIFY) {
		/* A NOTIFY's answer has no data to summarise: it only says
		 * whether the server took the notice (RFC 1996 4.7). */
		s->kind = rcode == LDNS_RCODE_NOERROR ? "ack" : "error";
		snprintf(s->detail, sizeof s->detail, "NOTIFY for %s %s%s", s->qname,
			 rcode == LDNS_RCODE_NOERROR ? "acknowledged" : "refused: ",
			 rcode == LDNS_RCODE_NOERROR ? "" : s->rcode);
		ldns_pkt_free(p);
		return;
	}
	if (ldns_pkt_tc(p)) {
		s->kind = "truncated";
		snprintf(s->detail, sizeof s->detail, "truncated (TC=1): retry over TCP");
	} else if (ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN) {
		s->kind = "nxdomain";
		snprintf(s->detail, sizeof s->detail, "NXDOMAIN: %s does not exist", s->qname);
	} else if (rcode != LDNS_RCODE_NOERROR) {
		s->kind = "error";
		snprintf(s->detail, sizeof s->detail, "%s", s->rcode);
	} else if (nan > 0) {
		const ldns_rr *first = ldns_rr_list_rr(an, 0);
		const ldns_rr *last = ldns_rr_list_rr(an, nan - 1);
		bool chain = ldns_rr_get_type(first) == LDNS_RR_TYPE_CNAME &&
			     q && ldns_rr_get_type(q) != LDNS_RR_TYPE_CNAME;
		s->kind = chain && ldns_rr_get_type(last) == LDNS_RR_TYPE_CNAME ? "cname" : "answer";
		rr_brief(chain ? last : first, brief, sizeof brief);
		snprintf(s->detail, sizeof s->detail, "%s%s%s", chain ? "via CNAME: " : "", brief,
			 nan > 1 ? " ..." : "");
		if (nan > 1) {
			char more[32];
			snprintf(more, sizeof more, " (%zu records)", nan);
			append(s->detail, sizeof s->detail, more);
		}
	} else {
		const ldns_rr *nsrr = NULL, *soa = NULL;
		for (size_t i = 0; i < ldns_rr_list_rr_count(ns); i++) {
			const ldns_rr *r = ldns_rr_list_rr(ns, i);
			if (ldns_rr_get_type(r) == LDNS_RR_TYPE_NS && !nsrr)
				nsrr = r;
			if (ldns_rr_get_type(r) == LDNS_RR_TYPE_SOA)
				soa = r;
		}
		if (nsrr && !soa && !ldns_pkt_aa(p)) {
			char zone[300], host[300];
			rdf_text(ldns_rr_owner(nsrr), zone, sizeof zone);
			rdf_text(ldns_rr_rdf(nsrr, 0), host, sizeof host);
			s->kind = "referral";
			snprintf(s->detail, sizeof s->detail, "referral to %s (NS %s%s)%s", zone, host,
				 ldns_rr_list_rr_count(ns) > 1 ? " ..." : "",
				 ldns_rr_list_rr_count(ldns_pkt_additional(p)) ? " with glue" : " no glue");
		} else {
			s->kind = "nodata";
			snprintf(s->detail, sizeof s->detail, "NODATA: %s has no %s records", s->qname,
				 s->qtype);
		}
	}
	ldns_pkt_free(p);
}

static const char *label_for(const struct wiretap *t, const struct sockaddr *sa, char *buf, size_t len)
{
	char ip[64];
	net_addr_ip(sa, ip, sizeof ip);
	for (size_t i = 0; t->topo && i < t->topo->nservers; i++)
		if (strcmp(t->topo->servers[i].address, ip) == 0) {
			snprintf(buf, len, "%s(%s)", t->topo->servers[i].id, ip);
			return buf;
		}
	snprintf(buf, len, sa->sa_family == AF_INET6 ? "[%s]:%d" : "%s:%d", ip, net_addr_port(sa));
	return buf;
}

static void clock_str(double when, char *buf, size_t len)
{
	time_t secs = (time_t)when;
	struct tm tm;
	localtime_r(&secs, &tm); /* as dig's ";; WHEN:" */
	size_t n = strftime(buf, len, "%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03d", (int)((when - (double)secs) * 1000));
}

/* Which way the message went: from the server towards its client?  Told
 * by the transport, not by the QR bit, which a hostile client can set. */
static bool toward_client(const struct net_event *n)
{
	return n->server ? n->outgoing : !n->outgoing;
}

/* The client is always written on the left, the server on the right. */
static void endpoints(const struct wiretap *t, const struct wiretap_event *ev, char *client, char *server,
		      size_t len)
{
	const struct net_event *n = ev->net;
	bool back = toward_client(n);
	label_for(t, back ? n->dst : n->src, client, len);
	label_for(t, back ? n->src : n->dst, server, len);
}

/* DNS over TLS as an on-path observer sees it: who talks to whom and how
 * many bytes, never the question or the answer.  The lab server decrypted
 * the message (checks still read it), but the wiretap shows the wire. */
static void summarize_tls(const struct net_event *nev, struct summary *s)
{
	memset(s, 0, sizeof *s);
	s->kind = "encrypted";
	const char *what = toward_client(nev) ? "the answer" : "the name";
	if (nev->wire_len)
		snprintf(s->detail, sizeof s->detail, "encrypted, %zu bytes: %s is not visible", nev->wire_len, what);
	else
		snprintf(s->detail, sizeof s->detail, "encrypted, in the TLS record of the message before: %s is not visible",
			 what);
}

static void tls_server_port(const struct net_event *n, char *server, size_t len)
{
	const struct sockaddr *sa = toward_client(n) ? n->src : n->dst;
	size_t l = strlen(server);
	if (l && server[l - 1] == ')')
		snprintf(server + l - 1, len - (l - 1), ":%d)", net_addr_port(sa));
}

void wiretap_format(const struct wiretap *t, const struct wiretap_event *ev, char *buf, size_t len)
{
	struct summary s;
	if (ev->net->transport == NET_TLS) {
		char when[32], client[96], server[112];
		clock_str(ev->time, when, sizeof when);
		summarize_tls(ev->net, &s);
		endpoints(t, ev, client, server, sizeof client);
		tls_server_port(ev->net, server, sizeof server);
		snprintf(buf, len, "%s tls %s %s %s  %s", when, client, toward_client(ev->net) ? "<-" : "->", server,
			 s.detail);
		return;
	}
	summarize(ev->net, &s);
	char when[32], client[96], server[96];
	clock_str(ev->time, when, sizeof when);
	endpoints(t, ev, client, server, sizeof client);
	const char *arrow = toward_client(ev->net) ? "<-" : "->";
	if (s.parsed && s.response)
		snprintf(buf, len, "%s %s %s %s %s  %s%s%s%s  %s", when, net_transport_name(ev->net->transport),
			 client, arrow, server, s.rcode, s.flags[0] ? " [" : "", s.flags,
			 s.flags[0] ? "]" : "", s.detail);
	else
		snprintf(buf, len, "%s %s %s %s %s  %s%s%s%s", when, net_transport_name(ev->net->transport),
			 client, arrow, server, s.detail, s.flags[0] ? " [" : "", s.flags,
			 s.flags[0] ? "]" : "");
}

void wiretap_write_json(const struct wiretap *t, const struct wiretap_event *ev, FILE *out)
{
	struct summary s;
	bool tls = ev->net->transport == NET_TLS;
	if (tls)
		summarize_tls(ev->net, &s);
	else
		summarize(ev->net, &s);
	char client[96], server[112], ip[64];
	endpoints(t, ev, client, server, sizeof client);
	if (tls)
		tls_server_port(ev->net, server, sizeof server);
	struct json j;
	json_init(&j, out);
	json_obj_begin(&j);
	json_key(&j, "seq");
	json_uint(&j, ev->seq);
	json_key(&j, "time");
	json_double(&j, ev->time);
	json_key(&j, "transport");
	json_str(&j, net_transport_name(ev->net->transport));
	json_key(&j, "src");
	json_str(&j, net_addr_ip(ev->net->src, ip, sizeof ip));
	json_key(&j, "src_port");
	json_int(&j, net_addr_port(ev->net->src));
	json_key(&j, "dst");
	json_str(&j, net_addr_ip(ev->net->dst, ip, sizeof ip));
	json_key(&j, "dst_port");
	json_int(&j, net_addr_port(ev->net->dst));
	json_key(&j, "client");
	json_str(&j, client);
	json_key(&j, "server");
	json_str(&j, server);
	json_key(&j, "size"); /* over TLS: the encrypted bytes, as seen on the wire */
	json_uint(&j, tls ? ev->net->wire_len : ev->net->len);
	json_key(&j, "kind");
	json_str(&j, s.kind);
	if (s.parsed) {
		json_key(&j, "id");
		json_uint(&j, s.id);
		json_key(&j, "qname");
		json_str(&j, s.qname);
		json_key(&j, "qtype");
		json_str(&j, s.qtype);
		json_key(&j, "flags");
		json_str(&j, s.flags);
		if (s.response) {
			json_key(&j, "rcode");
			json_str(&j, s.rcode);
		}
	}
	json_key(&j, "summary");
	json_str(&j, s.detail);
	json_obj_end(&j);
	json_end(&j);
}

void wiretap_print_text(void *arg, const struct wiretap_event *ev)
{
	const struct wiretap_printer *p = arg;
	char line[1200];
	wiretap_format(p->tap, ev, line, sizeof line);
	fprintf(p->out, "%s\n", line);
	fflush(p->out);
}

void wiretap_print_json(void *arg, const struct wiretap_event *ev)
{
	const struct wiretap_printer *p = arg;
	wiretap_write_json(p->tap, ev, p->out);
	fflush(p->out);
}
