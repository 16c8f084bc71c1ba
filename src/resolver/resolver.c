/* resolver.c: the lab resolver's client side and the network driver of the
 * iterator (resolver.h).
 *
 * A client query is checked like any other (wire.h), refused unless it
 * comes from an allowed client (acl.h; everyone when the operator opened
 * the resolver), answered from the cache when RD=0, and otherwise resolved
 * by an iterator.  The response is built once with ldns. */
#include "resolver/resolver.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "dns/wire.h"
#include "resolver/lookup.h"
#include "net/addr.h"
#include "util/err.h"

#define RCODE_FORMERR 1
#define RCODE_SERVFAIL 2
#define RCODE_NOTIMP 4
#define RCODE_REFUSED 5
#define EXT_RCODE_BADVERS 16
#define EDE_PROHIBITED 18
#define EDE_NOT_AUTHORITATIVE 20

/* ---- the driver ---- */

struct resolution {
	uv_loop_t *loop;
	struct iter *it;
	struct exchange *x;
	struct exchange_opts xo;
	const struct resolution_local *local;
	resolution_done_fn done;
	void *arg;
};

static bool resolution_step(struct resolution *r);

static void resolution_on_answer(const struct exchange_result *res, void *arg)
{
	struct resolution *r = arg;
	r->x = NULL;
	if (res->status == 0)
		iter_on_response(r->it, res->msg, res->len);
	else
		iter_on_timeout(r->it);
	(void)resolution_step(r);
}

/* Returns true while a query is in flight; false once done() has run and r
 * is freed. */
static bool resolution_step(struct resolution *r)
{
	struct iter_send s;
	while (iter_run(r->it, &s) == ITER_ACT_SEND) {
		size_t len = 0;
		const uint8_t *local = r->local && r->local->answer
					       ? r->local->answer(r->local->arg, (struct sockaddr *)&s.to, s.wire, s.len, &len)
					       : NULL;
		if (local) {
			/* Answered in this process, as that server would have:
			 * nothing goes on the wire (the iterator's query budget
			 * still bounds this loop). */
			iter_on_response(r->it, local, len);
			continue;
		}
		if (exchange_start(r->loop, (struct sockaddr *)&s.to, s.wire, s.len, &r->xo, resolution_on_answer, r,
				   &r->x) == 0)
			return true;
		iter_on_timeout(r->it); /* could not even send: as good as no answer */
	}
	r->done(r->arg, r->it);
	iter_free(r->it);
	free(r);
	return false;
}

struct resolution *resolution_start(uv_loop_t *loop, struct iter *it, const struct exchange_opts *xo,
				    resolution_done_fn done, void *arg)
{
	return resolution_start_local(loop, it, xo, NULL, done, arg);
}

struct resolution *resolution_start_local(uv_loop_t *loop, struct iter *it, const struct exchange_opts *xo,
					  const struct resolution_local *local, resolution_done_fn done, void *arg)
{
	struct resolution *r = calloc(1, sizeof *r);
	if (!r) {
		iter_free(it);
		return NULL;
	}
	*r = (struct resolution){ .loop = loop, .it = it, .xo = *xo, .local = local, .done = done, .arg = arg };
	/* The first step may finish at once (a cache hit): then done() has run
	 * before this returns, and the caller gets NULL. */
	return resolution_step(r) ? r : NULL;
}

void resolution_cancel(struct resolution *r)
{
	if (!r)
		return;
	exchange_cancel(r->x);
	iter_free(r->it);
	free(r);
}

/* ---- the lab resolver ---- */

struct resolver_client {
	struct resolver *r;
	struct net_request *req;
	struct lookup *lk;
	struct wire_query wq;
	uint8_t *query; /* a copy: the question is echoed with its case */
	size_t qlen;
	bool want_info; /* asked for RESOLVER_OPT_CACHE_INFO */
	bool padded;    /* the query carried an EDNS Padding option (RFC 7830) */
	bool starting;  /* inside resolution_start: the caller frees c */
	bool finished;
	struct resolver_client *prev, *next;
};

double resolver_now(void *arg)
{
	return labclock_now(arg);
}

static void client_unlink(struct resolver_client *c)
{
	struct resolver *r = c->r;
	if (c->prev)
		c->prev->next = c->next;
	else if (r->clients == c)
		r->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
}

static void client_free(struct resolver_client *c)
{
	client_unlink(c);
	free(c->query);
	free(c);
}

static void reply_error(struct net_request *req, const uint8_t *q, const struct wire_query *wq, int rcode)
{
	uint8_t out[512 + 64];
	size_t n = wire_error_response_edns(q, wq, rcode, RESOLVER_EDNS_SIZE, out, sizeof out);
	if (n) {
		out[3] |= WIRE_FLAG_RA & 0xff;
		net_request_reply(req, out, n);
	} else {
		net_request_drop(req);
	}
}

/* RFC 8467 4.1: over an encrypted transport, pad a response to a padded
 * query to a multiple of 468 octets, so that its size says little about
 * the name.  The option adds 4 octets of its own; pad_len is the rest. */
#define RESPONSE_PAD_BLOCK 468

static void add_padding(ldns_pkt *p, size_t pad_len)
{
	ldns_edns_option_list *list = ldns_pkt_edns_get_option_list(p);
	bool fresh = list == NULL;
	if (fresh && !(list = ldns_edns_option_list_new()))
		return;
	uint8_t *zeros = pad_len ? calloc(1, pad_len) : NULL;
	ldns_edns_option *o = (pad_len && !zeros) ? NULL : ldns_edns_new_from_data(LDNS_EDNS_PADDING, pad_len, zeros);
	free(zeros);
	if (o && !ldns_edns_option_list_push(list, o))
		ldns_edns_deep_free(o);
	if (fresh)
		ldns_pkt_set_edns_option_list(p, list);
}

static bool add_edns_options(ldns_pkt *p, uint16_t ede, const char *ede_text, const uint8_t *info, size_t info_len)
{
	ldns_edns_option_list *list = ldns_edns_option_list_new();
	if (!list)
		return false;
	if (ede_text) {
		size_t tl = strlen(ede_text);
		uint8_t *data = malloc(2 + tl);
		if (data) {
			data[0] = (uint8_t)(ede >> 8);
			data[1] = (uint8_t)ede;
			memcpy(data + 2, ede_text, tl);
			ldns_edns_option *o = ldns_edns_new_from_data(LDNS_EDNS_EDE, 2 + tl, data);
			free(data);
			if (o && !ldns_edns_option_list_push(list, o))
				ldns_edns_deep_free(o);
		}
	}
	if (info) {
		ldns_edns_option *o = ldns_edns_new_from_data((ldns_edns_option_code)RESOLVER_OPT_CACHE_INFO, info_len, info);
		if (o && !ldns_edns_option_list_push(list, o))
			ldns_edns_deep_free(o);
	}
	if (ldns_edns_option_list_get_count(list) == 0) {
		ldns_edns_option_list_deep_free(list);
		return true;
	}
	ldns_pkt_set_edns_option_list(p, list);
	return true;
}

/* RFC 4035 3.2.1: DNSSEC records go only to clients that set DO, unless
 * asked for by type. */
static bool client_sees(const struct resolver_client *c, const ldns_rr *rr)
{
	return c->wq.do_bit || !validator_is_dnssec_rr(rr) || ldns_rr_get_type(rr) == c->wq.qtype;
}

/* The response to client c: its question as asked, the iterator's result;
 * ad: the data is secure and the client wants to know (AD or DO set). */
static void client_answer(struct resolver_client *c, const struct iter_result *res, bool ad)
{
	const struct wire_query *wq = &c->wq;
	ldns_pkt *p = ldns_pkt_new();
	ldns_rdf *qname = ldns_dname_new_frm_data((uint16_t)wq->qname_len, c->query + wq->qname_off);
	ldns_rr *question = ldns_rr_new();
	if (!p || !qname || !question) {
		ldns_pkt_free(p);
		ldns_rdf_deep_free(qname);
		ldns_rr_free(question);
		reply_error(c->req, c->query, wq, RCODE_SERVFAIL);
		c->req = NULL;
		return;
	}
	ldns_rr_set_owner(question, qname);
	ldns_rr_set_type(question, wq->qtype);
	ldns_rr_set_class(question, wq->qclass);
	ldns_rr_set_question(question, true);
	ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, question);
	ldns_pkt_set_id(p, wq->id);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_rd(p, (wq->flags & WIRE_FLAG_RD) != 0);
	ldns_pkt_set_cd(p, (wq->flags & WIRE_FLAG_CD) != 0);
	/* RA says whether recursion is available to this client: not to one
	 * outside the clients list (BIND clears it there too). */
	ldns_pkt_set_ra(p, !(res->rcode == LDNS_RCODE_REFUSED && res->ede == EDE_PROHIBITED));
	ldns_pkt_set_ad(p, ad);
	ldns_pkt_set_rcode(p, (uint8_t)res->rcode);
	for (size_t i = 0; i < ldns_rr_list_rr_count(res->answer); i++)
		if (client_sees(c, ldns_rr_list_rr(res->answer, i)))
			ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, ldns_rr_clone(ldns_rr_list_rr(res->answer, i)));
	for (size_t i = 0; i < ldns_rr_list_rr_count(res->authority); i++)
		if (client_sees(c, ldns_rr_list_rr(res->authority, i)))
			ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, ldns_rr_clone(ldns_rr_list_rr(res->authority, i)));
	if (wq->has_edns) {
		ldns_pkt_set_edns_udp_size(p, RESOLVER_EDNS_SIZE);
		ldns_pkt_set_edns_do(p, wq->do_bit);
		uint8_t info[3] = { res->from_cache ? 1 : 0, (uint8_t)(res->queries >> 8), (uint8_t)res->queries };
		add_edns_options(p, res->ede, res->ede_text, c->want_info ? info : NULL, sizeof info);
	}
	uint8_t *wire = NULL;
	size_t len = 0;
	ldns_status st = ldns_pkt2wire(&wire, p, &len);
	if (st == LDNS_STATUS_OK && wq->has_edns && c->padded && net_request_encrypted(c->req)) {
		size_t pad = (RESPONSE_PAD_BLOCK - (len + 4) % RESPONSE_PAD_BLOCK) % RESPONSE_PAD_BLOCK;
		if (len + 4 + pad <= 65535) {
			free(wire);
			wire = NULL;
			add_padding(p, pad);
			st = ldns_pkt2wire(&wire, p, &len);
		}
	}
	if (st != LDNS_STATUS_OK || len > 65535) {
		free(wire);
		ldns_pkt_free(p);
		reply_error(c->req, c->query, wq, RCODE_SERVFAIL);
		c->req = NULL;
		return;
	}
	ldns_pkt_free(p);
	size_t limit = net_request_tcp(c->req) ? 65535 : wire_udp_limit(wq, RESOLVER_EDNS_SIZE);
	if (len > limit)
		len = wire_truncated(wire, wq, RESOLVER_EDNS_SIZE, wire);
	net_request_reply(c->req, wire, len);
	c->req = NULL;
	c->r->answered++;
	if (res->from_cache)
		c->r->from_cache++;
	free(wire);
}

static void client_on_resolved(void *arg, const struct iter_result *r, const struct validator *v)
{
	struct resolver_client *c = arg;
	c->lk = NULL;
	c->finished = true;
	uint16_t ede = 0;
	const char *why = NULL;
	enum val_security sec = v ? validator_verdict(v, &ede, &why) : VAL_UNCHECKED;
	if (sec == VAL_BOGUS) {
		/* RFC 4035 5.5: bogus data is not given out; the EDE says why. */
		struct iter_result bogus = { .rcode = LDNS_RCODE_SERVFAIL, .ede = ede, .ede_text = why,
					     .from_cache = r->from_cache, .queries = r->queries };
		client_answer(c, &bogus, false);
	} else if (sec == VAL_INSECURE && (ede || validator_report(v)->nta)) {
		/* e.g. 27: NSEC3 iterations over the limit; or 0 (Other) saying
		 * that a negative trust anchor is why there is no AD (RFC 7646
		 * 10 asks operators to tell their users). */
		struct iter_result noted = *r;
		noted.ede = ede;
		noted.ede_text = why;
		client_answer(c, &noted, false);
	} else {
		bool wants_ad = (c->wq.flags & WIRE_FLAG_AD) || c->wq.do_bit;
		client_answer(c, r, sec == VAL_SECURE && wants_ad);
	}
	if (!c->starting)
		client_free(c);
}


static bool is_clock_name(const struct wire_query *wq)
{
	static const uint8_t name[] = "\5clock\6dnslab";
	return wq->qname_len == sizeof name && memcmp(wq->qname_lower, name, sizeof name) == 0;
}

/* CH TXT clock.dnslab.: the lab clock, for commands run beside the lab. */
/* An answer of CH TXT records "OWNER 0 CH TXT <rdata[i]>" from the lab
 * itself (clock.dnslab., nta.dnslab.). */
static void reply_chaos_txt(struct net_request *req, const uint8_t *q, const struct wire_query *wq, const char *owner,
			    char rdata[][320], size_t n)
{
	ldns_rdf *qname = ldns_dname_new_frm_str(owner);
	ldns_pkt *p = qname ? ldns_pkt_query_new(qname, LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_CH, 0) : NULL; /* takes qname */
	if (!p)
		ldns_rdf_deep_free(qname);
	uint8_t *wire = NULL;
	size_t len = 0;
	bool ok = p != NULL;
	for (size_t i = 0; ok && i < n; i++) {
		char text[400];
		ldns_rr *rr = NULL;
		snprintf(text, sizeof text, "%s 0 CH TXT %s", owner, rdata[i]);
		ok = ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL) == LDNS_STATUS_OK;
		if (ok)
			ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	}
	if (ok) {
		ldns_pkt_set_id(p, wq->id);
		ldns_pkt_set_qr(p, true);
		ldns_pkt_set_aa(p, true);
		ldns_pkt_set_rd(p, (wq->flags & WIRE_FLAG_RD) != 0);
		ldns_pkt_set_ra(p, true);
		if (ldns_pkt2wire(&wire, p, &len) != LDNS_STATUS_OK)
			len = 0;
	}
	if (len)
		net_request_reply(req, wire, len);
	else
		reply_error(req, q, wq, RCODE_SERVFAIL);
	free(wire);
	ldns_pkt_free(p);
}

static void reply_clock(struct resolver *r, struct net_request *req, const uint8_t *q, const struct wire_query *wq)
{
	char text[1][320];
	snprintf(text[0], sizeof text[0], "\"%.0f\" \"%lld\"", labclock_now(r->clock), (long long)r->clock->offset);
	reply_chaos_txt(req, q, wq, RESOLVER_CLOCK_NAME, text, 1);
}

static bool is_nta_name(const struct wire_query *wq)
{
	static const uint8_t name[] = "\3nta\6dnslab";
	return wq->qname_len == sizeof name && memcmp(wq->qname_lower, name, sizeof name) == 0;
}

static void reply_ntas(struct resolver *r, struct net_request *req, const uint8_t *q, const struct wire_query *wq)
{
	resolver_nta_expire(r);
	char text[NTA_MAX][320];
	size_t n = 0;
	for (size_t i = 0; i < r->nta.n && n < NTA_MAX; i++)
		snprintf(text[n++], sizeof text[0], "\"%s\" \"%.0f\"", r->nta.e[i].text, r->nta.e[i].until);
	reply_chaos_txt(req, q, wq, RESOLVER_NTA_NAME, text, n);
}

void resolver_on_query(void *arg, const uint8_t *q, size_t qlen, struct net_request *req)
{
	struct resolver *r = arg;
	struct wire_query wq;
	switch (wire_parse_query(q, qlen, &wq)) {
	case WIRE_DROP:
		net_request_drop(req);
		return;
	case WIRE_FORMERR:
		reply_error(req, q, &wq, RCODE_FORMERR);
		return;
	case WIRE_OK:
		break;
	}
	if (wq.opcode != LDNS_PACKET_QUERY) {
		reply_error(req, q, &wq, RCODE_NOTIMP);
		return;
	}
	if (wq.qdcount == 1 && wq.qtype == LDNS_RR_TYPE_IXFR) {
		reply_error(req, q, &wq, RCODE_REFUSED);
		return;
	}
	if (wq.qdcount != 1 || wq.ancount || wq.nscount || wq.qtype == LDNS_RR_TYPE_OPT) {
		reply_error(req, q, &wq, RCODE_FORMERR);
		return;
	}
	if (wq.has_edns && wq.edns_version != 0) {
		reply_error(req, q, &wq, EXT_RCODE_BADVERS);
		return;
	}
	if (wq.qclass == LDNS_RR_CLASS_CH && wq.qtype == LDNS_RR_TYPE_TXT && is_clock_name(&wq)) {
		reply_clock(r, req, q, &wq);
		return;
	}
	if (wq.qclass == LDNS_RR_CLASS_CH && wq.qtype == LDNS_RR_TYPE_TXT && is_nta_name(&wq)) {
		reply_ntas(r, req, q, &wq);
		return;
	}
	if (wq.qclass != LDNS_RR_CLASS_IN || wq.qtype == LDNS_RR_TYPE_AXFR || wq.qtype == LDNS_RR_TYPE_IXFR) {
		reply_error(req, q, &wq, RCODE_REFUSED);
		return;
	}
	struct resolver_client *c = calloc(1, sizeof *c);
	if (!c || !(c->query = malloc(qlen))) {
		free(c);
		reply_error(req, q, &wq, RCODE_SERVFAIL);
		return;
	}
	memcpy(c->query, q, qlen);
	c->qlen = qlen;
	c->wq = wq;
	c->r = r;
	c->req = req;
	c->want_info = wire_edns_option(q, &wq, RESOLVER_OPT_CACHE_INFO);
	c->padded = wire_edns_option(q, &wq, LDNS_EDNS_PADDING);
	c->next = r->clients;
	if (r->clients)
		r->clients->prev = c;
	r->clients = c;
	struct iter_result res;
	/* Recursion only for the resolver's own clients: an open resolver is
	 * an amplifier (RFC 5358). */
	if (!r->open && !acl_allows(&r->allowed, net_request_peer(req))) {
		memset(&res, 0, sizeof res);
		res.rcode = LDNS_RCODE_REFUSED;
		res.ede = EDE_PROHIBITED;
		res.ede_text = "recursion is only offered to this resolver's own clients";
		r->refused++;
		client_answer(c, &res, false);
		client_free(c);
		return;
	}
	resolver_nta_expire(r);
	ldns_rdf *qname = ldns_dname_new_frm_data((uint16_t)wq.qname_len, wq.qname_lower);
	struct lookup_params lp;
	resolver_lookup_params(r, &lp);
	/* CD=1: the client validates itself; hand it the data unchecked. */
	if (wq.flags & WIRE_FLAG_CD)
		lp.anchor = NULL;
	lp.cache_only = !(wq.flags & WIRE_FLAG_RD); /* RD=0: the cache, nothing more */
	bool finished = false;
	c->starting = true;
	c->lk = qname ? lookup_start(r->loop, &lp, qname, wq.qtype, client_on_resolved, c, &finished) : NULL;
	c->starting = false;
	ldns_rdf_deep_free(qname);
	if (c->lk)
		return;
	if (!finished) /* out of memory before anything ran */
		reply_error(req, q, &wq, RCODE_SERVFAIL);
	client_free(c);
}

int resolver_init(struct resolver *r, uv_loop_t *loop, struct iter_hints *hints, int port,
		  const char *source_ip, const struct labclock *clock, bool qmin, const ldns_rr_list *anchor)
{
	memset(r, 0, sizeof *r);
	r->anchor = anchor;
	r->loop = loop;
	r->hints = *hints;
	memset(hints, 0, sizeof *hints);
	r->clock = clock;
	/* A teaching lab resolves a few hundred names; 3000 entries (about
	 * 1.5 KiB each as ldns records) keep the lab under 16 MB whatever is asked. */
	if (cache_init(&r->cache, RESOLVER_CACHE_ENTRIES) != 0)
		return DL_ERR_NOMEM;
	net_addr_parse(source_ip, 0, &r->source);
	r->cfg = (struct iter_config){
		.hints = &r->hints, .cache = &r->cache, .lame = &r->lame, .port = port, .qmin = qmin,
	};
	r->xo = (struct exchange_opts){ .timeout_ms = 500, .tries = 2, .source = (struct sockaddr *)&r->source };
	acl_loopback(&r->allowed);
	nta_init(&r->nta);
	hyperlocal_init(&r->hyper, loop, &r->hints, (const struct sockaddr *)&r->source, clock, &r->anchor);
	r->local = (struct resolution_local){ .answer = hyperlocal_answer, .arg = &r->hyper };
	return 0;
}

void resolver_flush(struct resolver *r)
{
	cache_flush(&r->cache);
	keycache_flush(&r->keys);
}

void resolver_flush_below(struct resolver *r, const ldns_rdf *name)
{
	cache_flush_below(&r->cache, name);
	keycache_flush_below(&r->keys, name);
}

static void nta_gone(void *arg, const struct nta *n)
{
	/* What was accepted under the NTA is not kept past it. */
	resolver_flush_below(arg, n->name);
}

size_t resolver_nta_expire(struct resolver *r)
{
	return nta_expire(&r->nta, labclock_now(r->clock), nta_gone, r);
}

void resolver_lookup_params(struct resolver *r, struct lookup_params *lp)
{
	*lp = (struct lookup_params){
		.cfg = &r->cfg, .xo = &r->xo, .now = resolver_now, .now_arg = (void *)r->clock, .anchor = r->anchor,
		.keys = &r->keys, .nta = &r->nta, .local = &r->local,
	};
}

void resolver_free(struct resolver *r)
{
	while (r->clients) {
		struct resolver_client *c = r->clients;
		lookup_cancel(c->lk);
		if (c->req)
			net_request_drop(c->req);
		client_free(c);
	}
	hyperlocal_free(&r->hyper);
	nta_free(&r->nta);
	cache_free(&r->cache);
	keycache_flush(&r->keys);
	iter_lame_free(&r->lame);
	iter_hints_free(&r->hints);
}
