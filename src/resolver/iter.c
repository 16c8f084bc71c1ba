/* iter.c: iterative resolution as a state machine (iter.h).
 *
 * Trust rules, after Unbound and BIND: an answer is taken only from a server
 * of the current zone cut and only with AA; records about names outside
 * that cut are ignored (bailiwick); glue is kept only for name servers
 * below the zone that sent the referral; a referral must go down the tree. */
#include "resolver/iter.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dname.h"
#include "dns/rrtext.h"
#include "net/addr.h"
#include "util/err.h"

#define ITER_MAX_SERVERS 16
#define ITER_EDNS_SIZE 1232

/* RFC 8914 codes used here. */
#define EDE_OTHER 0
#define EDE_NO_REACHABLE_AUTHORITY 22
#define EDE_NETWORK_ERROR 23

struct srv {
	ldns_rdf *name; /* owned */
	struct sockaddr_storage addr;
	bool has_addr;
	bool tried;      /* asked for the current question */
	bool addr_tried; /* glueless lookup already done */
};

struct iter {
	struct iter_config cfg;
	double (*now)(void *arg);
	void *now_arg;
	iter_event_fn ev_fn;
	void *ev_arg;
	int depth;
	unsigned *queries; /* shared with glueless sub-resolutions */
	unsigned own_queries; /* the counter, in the outermost resolution */
	unsigned sent;        /* queries this (sub-)resolution sent itself */

	ldns_rdf *qname;
	ldns_rr_type qtype;
	ldns_rr_class qclass;
	ldns_rdf *name; /* current name, after CNAMEs */
	enum iter_state state;

	ldns_rdf *cut;
	struct srv srv[ITER_MAX_SERVERS];
	size_t nsrv, cur;
	unsigned qmin_extra; /* labels below the cut known to hold no cut */
	bool qmin_off;       /* a CNAME met on the way: ask full names */
	bool cache_only;
	unsigned referrals, cnames, lame_seen, timeouts;

	uint8_t *wire; /* the query in flight */
	size_t wire_len;
	ldns_rdf *sent_name;
	ldns_rr_type sent_type;

	struct iter *child;

	ldns_rr_list *answer, *authority;
	ldns_pkt_rcode rcode;
	uint16_t ede;
	char ede_text[200];
	char why[400];
};

static const char *const state_names[] = {
	"START", "FIND_CUT", "PICK_SERVER", "NS_ADDRESS", "QUERY",
	"RESPONSE", "REFERRAL", "CNAME", "DONE", "FAIL",
};

const char *iter_state_name(enum iter_state s)
{
	return (unsigned)s < sizeof state_names / sizeof state_names[0] ? state_names[s] : "?";
}

void iter_hints_free(struct iter_hints *h)
{
	for (size_t i = 0; i < h->n; i++)
		ldns_rdf_deep_free(h->servers[i].name);
	free(h->servers);
	h->servers = NULL;
	h->n = 0;
}

void iter_lame_free(struct iter_lame *l)
{
	for (size_t i = 0; i < ITER_LAME_SLOTS; i++) {
		ldns_rdf_deep_free(l->e[i].zone);
		l->e[i].zone = NULL;
	}
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	char x[64], y[64];
	return net_addr_port((const struct sockaddr *)a) == net_addr_port((const struct sockaddr *)b) &&
	       strcmp(net_addr_ip((const struct sockaddr *)a, x, sizeof x),
		      net_addr_ip((const struct sockaddr *)b, y, sizeof y)) == 0;
}

static bool lame_is(const struct iter *it, const struct sockaddr_storage *addr, double now)
{
	const struct iter_lame *l = it->cfg.lame;
	for (size_t i = 0; l && i < ITER_LAME_SLOTS; i++)
		if (l->e[i].zone && l->e[i].until > now && same_addr(&l->e[i].addr, addr) &&
		    ldns_dname_compare(l->e[i].zone, it->cut) == 0)
			return true;
	return false;
}

static void lame_mark(struct iter *it, const struct sockaddr_storage *addr, double now)
{
	struct iter_lame *l = it->cfg.lame;
	if (!l)
		return;
	size_t i = l->next++ % ITER_LAME_SLOTS;
	ldns_rdf_deep_free(l->e[i].zone);
	l->e[i].zone = ldns_rdf_clone(it->cut);
	l->e[i].addr = *addr;
	l->e[i].until = now + it->cfg.lame_seconds;
}

static double now_of(const struct iter *it)
{
	return it->now(it->now_arg);
}


static void emit(struct iter *it, enum iter_state st, const char *kind, const ldns_pkt *resp,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void emit(struct iter *it, enum iter_state st, const char *kind, const ldns_pkt *resp,
		 const char *fmt, ...)
{
	if (!it->ev_fn)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(it->why, sizeof it->why, fmt, ap);
	va_end(ap);
	const struct srv *s = it->cur < it->nsrv ? &it->srv[it->cur] : NULL;
	bool with_server = st == ITER_QUERY || st == ITER_RESPONSE;
	struct iter_event ev = {
		.state = st, .depth = it->depth, .zone = it->cut,
		.server = with_server && s ? s->name : NULL,
		.addr = with_server && s ? (const struct sockaddr *)&s->addr : NULL,
		.qname = st == ITER_QUERY || st == ITER_RESPONSE ? it->sent_name : it->name,
		.qtype = st == ITER_QUERY || st == ITER_RESPONSE ? it->sent_type : it->qtype,
		.response = resp, .kind = kind, .why = it->why,
	};
	it->ev_fn(it->ev_arg, &ev);
}

/* The arguments of an event (names turned into text) cost allocations and
 * printf: only when someone listens (trace), not on a resolver's every step. */
#define EMIT(it, ...)                       \
	do {                                \
		if ((it)->ev_fn)            \
			emit((it), __VA_ARGS__); \
	} while (0)

static void iter_fail(struct iter *it, uint16_t ede, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void iter_fail(struct iter *it, uint16_t ede, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(it->ede_text, sizeof it->ede_text, fmt, ap);
	va_end(ap);
	it->ede = ede;
	it->rcode = LDNS_RCODE_SERVFAIL;
	it->state = ITER_FAIL;
	EMIT(it, ITER_FAIL, "servfail", NULL, "%s", it->ede_text);
}

static void clear_servers(struct iter *it)
{
	for (size_t i = 0; i < it->nsrv; i++)
		ldns_rdf_deep_free(it->srv[i].name);
	it->nsrv = 0;
	it->cur = 0;
}

/* The first cached address of host (A, then AAAA), any trust level: glue is
 * what addresses of name servers are for. */
static bool cached_addr(struct iter *it, const ldns_rdf *host, struct sockaddr_storage *ss)
{
	static const ldns_rr_type types[] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA };
	for (size_t t = 0; t < 2; t++) {
		const struct cache_entry *e = cache_get(it->cfg.cache, host, types[t], it->qclass, now_of(it));
		if (!e || e->kind != CACHE_POSITIVE || !ldns_rr_list_rr_count(e->rrs))
			continue;
		char ip[64];
		const ldns_rdf *rd = ldns_rr_rdf(ldns_rr_list_rr(e->rrs, 0), 0);
		char *s = ldns_rdf2str(rd);
		snprintf(ip, sizeof ip, "%s", s ? s : "");
		free(s);
		if (net_addr_parse(ip, it->cfg.port, ss) == 0)
			return true;
	}
	return false;
}

/* Make zone with the NS names in ns the current cut. */
static void set_cut(struct iter *it, const ldns_rdf *zone, const ldns_rr_list *ns)
{
	clear_servers(it);
	it->lame_seen = it->timeouts = 0; /* the EDE tells about this zone's servers */
	ldns_rdf_deep_free(it->cut);
	it->cut = ldns_rdf_clone(zone);
	if (it->cut)
		ldns_dname2canonical(it->cut);
	for (size_t i = 0; i < ldns_rr_list_rr_count(ns) && it->nsrv < ITER_MAX_SERVERS; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ns, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS)
			continue;
		struct srv *s = &it->srv[it->nsrv];
		memset(s, 0, sizeof *s);
		s->name = ldns_rdf_clone(ldns_rr_rdf(rr, 0));
		if (!s->name)
			continue;
		s->has_addr = cached_addr(it, s->name, &s->addr);
		it->nsrv++;
	}
	it->qmin_extra = 0;
}

static void set_cut_hints(struct iter *it)
{
	clear_servers(it);
	it->lame_seen = it->timeouts = 0;
	ldns_rdf_deep_free(it->cut);
	it->cut = ldns_dname_new_frm_str(".");
	for (size_t i = 0; i < it->cfg.hints->n && it->nsrv < ITER_MAX_SERVERS; i++) {
		struct srv *s = &it->srv[it->nsrv++];
		memset(s, 0, sizeof *s);
		s->name = ldns_rdf_clone(it->cfg.hints->servers[i].name);
		s->addr = it->cfg.hints->servers[i].addr;
		s->has_addr = true;
	}
	it->qmin_extra = 0;
}


static void append_ttl(ldns_rr_list *to, const ldns_rr_list *from, uint32_t ttl)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(from); i++) {
		ldns_rr *c = ldns_rr_clone(ldns_rr_list_rr(from, i));
		if (!c)
			continue;
		ldns_rr_set_ttl(c, ttl);
		if (!ldns_rr_list_push_rr(to, c))
			ldns_rr_free(c);
	}
}

/* A copy of the cached records, then their signatures (and for a negative
 * answer its proof), with TTLs lowered to what is left. */
static void append_cached(ldns_rr_list *to, const struct cache_entry *e, double now)
{
	uint32_t left = cache_ttl_left(e, now);
	append_ttl(to, e->rrs, left);
	append_ttl(to, e->sigs, left);
}

static void append_rrs(ldns_rr_list *to, const ldns_rr_list *from)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(from); i++) {
		ldns_rr *c = ldns_rr_clone(ldns_rr_list_rr(from, i));
		if (c && !ldns_rr_list_push_rr(to, c))
			ldns_rr_free(c);
	}
}

/* ---- states ---- */

static void st_start(struct iter *it)
{
	double now = now_of(it);
	char n[300], t[24];
	const struct cache_entry *e = cache_get(it->cfg.cache, it->name, it->qtype, it->qclass, now);
	if (e && (e->kind != CACHE_POSITIVE || e->trust >= CACHE_TRUST_ANSWER)) {
		if (e->kind == CACHE_POSITIVE) {
			append_cached(it->answer, e, now);
			if (e->proof)
				append_ttl(it->authority, e->proof, cache_ttl_left(e, now));
		} else {
			append_cached(it->authority, e, now);
			if (e->kind == CACHE_NXDOMAIN)
				it->rcode = LDNS_RCODE_NXDOMAIN;
		}
		it->state = ITER_DONE;
		EMIT(it, ITER_START, "cache", NULL, "%s %s is in the cache (%s, %u s left)", dname_text(it->name, n, sizeof n),
		     rrtype_text(it->qtype, t, sizeof t),
		     e->kind == CACHE_POSITIVE ? "answer" : e->kind == CACHE_NXDOMAIN ? "NXDOMAIN" : "NODATA",
		     cache_ttl_left(e, now));
		return;
	}
	if (it->qtype != LDNS_RR_TYPE_CNAME) {
		e = cache_get(it->cfg.cache, it->name, LDNS_RR_TYPE_CNAME, it->qclass, now);
		if (e && e->kind == CACHE_POSITIVE && e->trust >= CACHE_TRUST_ANSWER && ldns_rr_list_rr_count(e->rrs)) {
			if (++it->cnames > it->cfg.max_cnames) {
				iter_fail(it, EDE_OTHER, "more than %u CNAMEs in a chain", it->cfg.max_cnames);
				return;
			}
			append_cached(it->answer, e, now);
			ldns_rdf *target = ldns_rdf_clone(ldns_rr_rdf(ldns_rr_list_rr(e->rrs, 0), 0));
			if (!target) {
				iter_fail(it, EDE_OTHER, "out of memory");
				return;
			}
			char tg[300];
			EMIT(it, ITER_START, "cache", NULL, "%s is an alias for %s (from the cache)",
			     dname_text(it->name, n, sizeof n), dname_text(target, tg, sizeof tg));
			ldns_rdf_deep_free(it->name);
			it->name = target;
			ldns_dname2canonical(it->name);
			it->state = ITER_CNAME;
			return;
		}
	}
	it->state = ITER_FIND_CUT;
}

static void st_find_cut(struct iter *it)
{
	if (it->cache_only) {
		char n[300];
		snprintf(it->ede_text, sizeof it->ede_text,
			 "%s is not in the cache, and RD=0 asks the resolver not to look it up",
			 dname_text(it->name, n, sizeof n));
		it->ede = 20; /* Not Authoritative */
		it->rcode = LDNS_RCODE_REFUSED;
		it->state = ITER_FAIL;
		EMIT(it, ITER_FAIL, "refused", NULL, "%s", it->ede_text);
		return;
	}
	double now = now_of(it);
	char z[300];
	ldns_rdf *d = ldns_rdf_clone(it->name);
	/* The DS RRset lives in the parent zone (RFC 4035 3.1.4.1). */
	if (d && it->qtype == LDNS_RR_TYPE_DS && ldns_dname_label_count(d) > 0) {
		ldns_rdf *p = ldns_dname_left_chop(d);
		ldns_rdf_deep_free(d);
		d = p;
	}
	while (d && ldns_dname_label_count(d) > 0) {
		const struct cache_entry *e = cache_get(it->cfg.cache, d, LDNS_RR_TYPE_NS, it->qclass, now);
		if (e && e->kind == CACHE_POSITIVE) {
			set_cut(it, d, e->rrs);
			bool usable = false;
			for (size_t i = 0; i < it->nsrv; i++)
				usable = usable || it->srv[i].has_addr || !dname_at_or_below(it->srv[i].name, d);
			if (usable) {
				EMIT(it, ITER_FIND_CUT, "cache", NULL,
				     "the servers of %s are in the cache: start there, not at the root",
				     dname_text(d, z, sizeof z));
				ldns_rdf_deep_free(d);
				it->state = ITER_PICK_SERVER;
				return;
			}
		}
		ldns_rdf *p = ldns_dname_left_chop(d);
		ldns_rdf_deep_free(d);
		d = p;
	}
	ldns_rdf_deep_free(d);
	set_cut_hints(it);
	EMIT(it, ITER_FIND_CUT, "hints", NULL, "no closer zone is cached: start at the root (%zu root server%s in the hints)",
	     it->nsrv, it->nsrv == 1 ? "" : "s");
	it->state = ITER_PICK_SERVER;
}

/* The name to ask with QNAME minimisation: one label more than the cut
 * (plus those already known to hold no cut), with type A (RFC 9156 3). */
static void choose_question(struct iter *it)
{
	ldns_rdf_deep_free(it->sent_name);
	size_t nl = ldns_dname_label_count(it->name);
	size_t want = ldns_dname_label_count(it->cut) + 1 + it->qmin_extra;
	if (it->cfg.qmin && !it->qmin_off && want < nl) {
		it->sent_name = ldns_dname_clone_from(it->name, nl - want);
		it->sent_type = LDNS_RR_TYPE_A;
	} else {
		it->sent_name = ldns_rdf_clone(it->name);
		it->sent_type = it->qtype;
	}
}

static bool build_query(struct iter *it)
{
	free(it->wire);
	it->wire = NULL;
	ldns_pkt *p = ldns_pkt_query_new(ldns_rdf_clone(it->sent_name), it->sent_type, it->qclass, 0);
	if (!p)
		return false;
	ldns_pkt_set_random_id(p);
	ldns_pkt_set_edns_udp_size(p, ITER_EDNS_SIZE);
	/* DO=1 always: the signatures and proofs go into the cache, so the
	 * answer can be validated, and handed to clients that ask with DO. */
	ldns_pkt_set_edns_do(p, true);
	bool ok = ldns_pkt2wire(&it->wire, p, &it->wire_len) == LDNS_STATUS_OK;
	ldns_pkt_free(p);
	return ok;
}

static void no_server_left(struct iter *it)
{
	char z[300];
	dname_text(it->cut, z, sizeof z);
	if (it->timeouts && !it->lame_seen)
		iter_fail(it, EDE_NETWORK_ERROR, "no response from the %zu server%s of %s", it->nsrv,
			  it->nsrv == 1 ? "" : "s", z);
	else
		iter_fail(it, EDE_NO_REACHABLE_AUTHORITY,
			  "no server of %s answered with authority (%u lame, %u timed out)", z, it->lame_seen,
			  it->timeouts);
}

static bool st_pick_server(struct iter *it, struct iter_send *out)
{
	double now = now_of(it);
	char nm[300], ip[64], t[24];
	if (*it->queries >= it->cfg.max_queries) {
		iter_fail(it, EDE_OTHER, "gave up after %u queries (the limit per resolution)", *it->queries);
		return false;
	}
	for (size_t i = 0; i < it->nsrv; i++) {
		struct srv *s = &it->srv[i];
		if (s->tried || !s->has_addr)
			continue;
		if (lame_is(it, &s->addr, now)) {
			s->tried = true;
			it->lame_seen++;
			continue;
		}
		it->cur = i;
		choose_question(it);
		if (!it->sent_name || !build_query(it)) {
			iter_fail(it, EDE_OTHER, "out of memory");
			return false;
		}
		s->tried = true;
		(*it->queries)++;
		it->sent++;
		it->state = ITER_QUERY;
		bool minimised = ldns_dname_compare(it->sent_name, it->name) != 0;
		char full[300], cut[300];
		EMIT(it, ITER_QUERY, minimised ? "minimised" : "query", NULL, "ask %s (%s) for %s %s%s%s%s",
		     dname_text(s->name, nm, sizeof nm), net_addr_ip((struct sockaddr *)&s->addr, ip, sizeof ip),
		     dname_text(it->sent_name, full, sizeof full), rrtype_text(it->sent_type, t, sizeof t),
		     minimised ? " (QNAME minimisation: the server of " : "",
		     minimised ? dname_text(it->cut, cut, sizeof cut) : "",
		     minimised ? " needs no more of the name, RFC 9156)" : "");
		out->to = s->addr;
		out->wire = it->wire;
		out->len = it->wire_len;
		return true;
	}
	for (size_t i = 0; i < it->nsrv; i++) {
		struct srv *s = &it->srv[i];
		if (s->has_addr || s->addr_tried)
			continue;
		s->addr_tried = true;
		if (it->depth >= (int)it->cfg.max_depth)
			continue;
		if (dname_at_or_below(s->name, it->cut))
			continue; /* needs glue we do not have: resolving it would loop */
		it->child = iter_new(&it->cfg, s->name, LDNS_RR_TYPE_A, it->qclass, it->now, it->now_arg);
		if (!it->child)
			continue;
		it->child->depth = it->depth + 1;
		it->child->queries = it->queries;
		iter_on_event(it->child, it->ev_fn, it->ev_arg);
		it->cur = i;
		it->state = ITER_NS_ADDRESS;
		EMIT(it, ITER_NS_ADDRESS, "glueless", NULL,
		     "the referral gave no address (glue) for %s: resolve it first, then come back",
		     dname_text(s->name, nm, sizeof nm));
		return false;
	}
	no_server_left(it);
	return false;
}

static void st_ns_address_done(struct iter *it)
{
	struct iter_result r;
	iter_result(it->child, &r);
	struct srv *s = &it->srv[it->cur];
	char nm[300], ip[64], back[300];
	for (size_t i = 0; i < ldns_rr_list_rr_count(r.answer) && !s->has_addr; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(r.answer, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_A)
			continue;
		char *a = ldns_rdf2str(ldns_rr_rdf(rr, 0));
		s->has_addr = a && net_addr_parse(a, it->cfg.port, &s->addr) == 0;
		free(a);
	}
	iter_free(it->child);
	it->child = NULL;
	if (s->has_addr)
		EMIT(it, ITER_NS_ADDRESS, "glueless", NULL, "%s is at %s: back to %s", dname_text(s->name, nm, sizeof nm),
		     net_addr_ip((struct sockaddr *)&s->addr, ip, sizeof ip), dname_text(it->name, back, sizeof back));
	else
		EMIT(it, ITER_NS_ADDRESS, "glueless", NULL, "no address found for %s", dname_text(s->name, nm, sizeof nm));
	it->state = ITER_PICK_SERVER;
}

/* ---- responses ---- */

/* The records of l owned by owner with type t (any type for ANY), borrowed. */
static ldns_rr_list *rrset_in(const ldns_rr_list *l, const ldns_rdf *owner, ldns_rr_type t)
{
	ldns_rr_list *r = ldns_rr_list_new();
	for (size_t i = 0; r && i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		if ((t == LDNS_RR_TYPE_ANY || ldns_rr_get_type(rr) == t) &&
		    ldns_dname_compare(ldns_rr_owner(rr), owner) == 0)
			ldns_rr_list_push_rr(r, rr); /* borrowed */
	}
	return r;
}

/* The RRSIGs in l over (owner, covered), borrowed; any type for ANY. */
static ldns_rr_list *sigs_in(const ldns_rr_list *l, const ldns_rdf *owner, ldns_rr_type covered)
{
	ldns_rr_list *r = ldns_rr_list_new();
	for (size_t i = 0; r && i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG && ldns_dname_compare(ldns_rr_owner(rr), owner) == 0 &&
		    ldns_rr_rrsig_typecovered(rr) &&
		    (covered == LDNS_RR_TYPE_ANY || ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == covered))
			ldns_rr_list_push_rr(r, rr);
	}
	return r;
}

/* The DNSSEC part of an authority section, inside the cut: the NSEC and
 * NSEC3 records with their RRSIGs, and the RRSIG over the SOA; borrowed. */
static ldns_rr_list *proof_in(const ldns_pkt *p, const ldns_rdf *cut)
{
	const ldns_rr_list *ns = ldns_pkt_authority(p);
	ldns_rr_list *r = ldns_rr_list_new();
	for (size_t i = 0; r && i < ldns_rr_list_rr_count(ns); i++) {
		ldns_rr *rr = ldns_rr_list_rr(ns, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		if (t == LDNS_RR_TYPE_RRSIG && ldns_rr_rrsig_typecovered(rr))
			t = ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr));
		else if (t == LDNS_RR_TYPE_SOA)
			continue;
		if ((t == LDNS_RR_TYPE_SOA || t == LDNS_RR_TYPE_NSEC || t == LDNS_RR_TYPE_NSEC3) &&
		    dname_at_or_below(ldns_rr_owner(rr), cut))
			ldns_rr_list_push_rr(r, rr);
	}
	return r;
}

static const ldns_rr *find_soa(const ldns_pkt *p, const ldns_rdf *cut)
{
	const ldns_rr_list *ns = ldns_pkt_authority(p);
	for (size_t i = 0; i < ldns_rr_list_rr_count(ns); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ns, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && dname_at_or_below(ldns_rr_owner(rr), cut))
			return rr;
	}
	return NULL;
}

static void lame(struct iter *it, const ldns_pkt *p, const char *why)
{
	double now = now_of(it);
	char nm[300], z[300];
	it->lame_seen++;
	lame_mark(it, &it->srv[it->cur].addr, now);
	EMIT(it, ITER_RESPONSE, "lame", p, "%s is lame for %s: %s; try another server",
	     dname_text(it->srv[it->cur].name, nm, sizeof nm), dname_text(it->cut, z, sizeof z), why);
	it->state = ITER_PICK_SERVER;
}

/* The question needs one more label: same servers, fresh question. */
static void qmin_next(struct iter *it, const ldns_pkt *p, const char *what)
{
	char n[300], z[300];
	it->qmin_extra++;
	for (size_t i = 0; i < it->nsrv; i++)
		it->srv[i].tried = false;
	EMIT(it, ITER_RESPONSE, what, p, "%s exists but is no zone cut: %s keeps it; ask for one more label",
	     dname_text(it->sent_name, n, sizeof n), dname_text(it->cut, z, sizeof z));
	it->state = ITER_PICK_SERVER;
}

static void negative(struct iter *it, const ldns_pkt *p, bool nxdomain)
{
	double now = now_of(it);
	const ldns_rr *soa = find_soa(p, it->cut);
	char n[300], t[300];
	if (soa) {
		ldns_rr_list *proof = proof_in(p, it->cut);
		cache_put_negative(it->cfg.cache, it->sent_name, it->sent_type, it->qclass,
				   nxdomain ? CACHE_NXDOMAIN : CACHE_NODATA, soa, proof, now);
		/* RFC 8020: nothing exists below a name that does not exist. */
		if (nxdomain && ldns_dname_compare(it->sent_name, it->name) != 0)
			cache_put_negative(it->cfg.cache, it->name, it->qtype, it->qclass, CACHE_NXDOMAIN, soa, proof, now);
		ldns_rr *c = ldns_rr_clone(soa);
		if (c) {
			uint32_t min = ldns_rdf2native_int32(ldns_rr_rdf(soa, 6));
			if (min < ldns_rr_ttl(c))
				ldns_rr_set_ttl(c, min);
			if (!ldns_rr_list_push_rr(it->authority, c))
				ldns_rr_free(c);
		}
		append_rrs(it->authority, proof);
		ldns_rr_list_free(proof);
	}
	if (nxdomain)
		it->rcode = LDNS_RCODE_NXDOMAIN;
	EMIT(it, ITER_RESPONSE, nxdomain ? "nxdomain" : "nodata", p,
	     nxdomain ? "NXDOMAIN: %s does not exist%s%s" : "NODATA: %s exists but has no %s records",
	     dname_text(it->sent_name, n, sizeof n),
	     nxdomain ? (ldns_dname_compare(it->sent_name, it->name) ? ", so neither does " : "")
		      : rrtype_text(it->sent_type, t, sizeof t),
	     nxdomain && ldns_dname_compare(it->sent_name, it->name) ? dname_text(it->name, t, sizeof t) : "");
	it->state = ITER_DONE;
}

static void referral(struct iter *it, const ldns_pkt *p, const ldns_rdf *zone, ldns_rr_list *ns)
{
	double now = now_of(it);
	char z[300], from[300];
	if (++it->referrals > it->cfg.max_referrals) {
		iter_fail(it, EDE_OTHER, "more than %u referrals: giving up", it->cfg.max_referrals);
		return;
	}
	cache_put_rrset(it->cfg.cache, ns, NULL, CACHE_TRUST_REFERRAL, now);
	/* The child's DS set is the parent's own, signed data (RFC 4035 3.1.4):
	 * the validator asks for it next. */
	ldns_rr_list *ds = rrset_in(ldns_pkt_authority(p), zone, LDNS_RR_TYPE_DS);
	if (ds && ldns_rr_list_rr_count(ds)) {
		ldns_rr_list *sigs = sigs_in(ldns_pkt_authority(p), zone, LDNS_RR_TYPE_DS);
		cache_put_rrset(it->cfg.cache, ds, sigs, CACHE_TRUST_ANSWER, now);
		ldns_rr_list_free(sigs);
	}
	ldns_rr_list_free(ds);
	/* Glue: addresses of this zone's servers, only from inside the
	 * sending server's own zone (in bailiwick). */
	const ldns_rr_list *ad = ldns_pkt_additional(p);
	size_t glue = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(ns); i++) {
		const ldns_rdf *host = ldns_rr_rdf(ldns_rr_list_rr(ns, i), 0);
		if (!dname_at_or_below(host, it->cut))
			continue;
		static const ldns_rr_type types[] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA };
		for (size_t t = 0; t < 2; t++) {
			ldns_rr_list *g = rrset_in(ad, host, types[t]);
			if (g && ldns_rr_list_rr_count(g)) {
				cache_put_rrset(it->cfg.cache, g, NULL, CACHE_TRUST_GLUE, now);
				glue++;
			}
			ldns_rr_list_free(g);
		}
	}
	dname_text(it->cut, from, sizeof from);
	char host[300];
	EMIT(it, ITER_RESPONSE, "referral", p, "referral to %s (NS %s%s)", dname_text(zone, z, sizeof z),
	     dname_text(ldns_rr_rdf(ldns_rr_list_rr(ns, 0), 0), host, sizeof host),
	     ldns_rr_list_rr_count(ns) > 1 ? " ..." : "");
	set_cut(it, zone, ns);
	EMIT(it, ITER_REFERRAL, "referral", p, "%s delegates %s to %zu server%s%s", from,
	     dname_text(zone, z, sizeof z), it->nsrv, it->nsrv == 1 ? "" : "s",
	     glue ? ", with their addresses (glue)" : ", without addresses: glueless");
	it->state = ITER_PICK_SERVER;
}

/* Follow the answer section: the CNAME chain from name, cached as it goes,
 * within the bailiwick of the cut.  Ends DONE or in ITER_CNAME. */
static void answer(struct iter *it, const ldns_pkt *p, bool aa)
{
	double now = now_of(it);
	const ldns_rr_list *an = ldns_pkt_answer(p);
	enum cache_trust trust = aa ? CACHE_TRUST_AUTH : CACHE_TRUST_ANSWER;
	char n[300], t[24];
	for (;;) {
		ldns_rr_list *set = rrset_in(an, it->name, it->qtype);
		size_t count = set ? ldns_rr_list_rr_count(set) : 0;
		if (count) {
			ldns_rr_list *sigs = sigs_in(an, it->name, it->qtype);
			/* ANY gathers several RRsets: answered, not cached as one. */
			if (it->qtype != LDNS_RR_TYPE_ANY)
				cache_put_rrset(it->cfg.cache, set, sigs, trust, now);
			append_rrs(it->answer, set);
			append_rrs(it->answer, sigs);
			/* A wildcard answer carries the proof that the name itself
			 * does not exist: the validator needs it. */
			ldns_rr_list *proof = proof_in(p, it->cut);
			if (it->qtype != LDNS_RR_TYPE_ANY)
				cache_attach_proof(it->cfg.cache, it->name, it->qtype, it->qclass, proof, now);
			append_rrs(it->authority, proof);
			ldns_rr_list_free(proof);
			ldns_rr_list_free(sigs);
			ldns_rr_list_free(set);
			EMIT(it, ITER_RESPONSE, "answer", p, "%zu %s record%s for %s, with authority (AA)", count,
			     rrtype_text(it->qtype, t, sizeof t), count == 1 ? "" : "s", dname_text(it->name, n, sizeof n));
			it->state = ITER_DONE;
			return;
		}
		ldns_rr_list_free(set);
		set = rrset_in(an, it->name, LDNS_RR_TYPE_CNAME);
		if (!set || !ldns_rr_list_rr_count(set) || it->qtype == LDNS_RR_TYPE_CNAME) {
			ldns_rr_list_free(set);
			break;
		}
		ldns_rr_list *sigs = sigs_in(an, it->name, LDNS_RR_TYPE_CNAME);
		cache_put_rrset(it->cfg.cache, set, sigs, trust, now);
		append_rrs(it->answer, set);
		append_rrs(it->answer, sigs);
		ldns_rr_list_free(sigs);
		const ldns_rdf *target = ldns_rr_rdf(ldns_rr_list_rr(set, 0), 0);
		ldns_rdf *next = ldns_rdf_clone(target);
		ldns_rr_list_free(set);
		if (++it->cnames > it->cfg.max_cnames) {
			ldns_rdf_deep_free(next);
			iter_fail(it, EDE_OTHER, "more than %u CNAMEs in a chain", it->cfg.max_cnames);
			return;
		}
		char tg[300];
		EMIT(it, ITER_RESPONSE, "cname", p, "%s is an alias (CNAME) for %s", dname_text(it->name, n, sizeof n),
		     dname_text(next, tg, sizeof tg));
		ldns_rdf_deep_free(it->name);
		it->name = next;
		ldns_dname2canonical(it->name);
		if (!dname_at_or_below(it->name, it->cut))
			break; /* not this server's to say: ask afresh */
	}
	it->state = ITER_CNAME;
}

void iter_on_response(struct iter *it, const uint8_t *wire, size_t len)
{
	if (it->state == ITER_NS_ADDRESS && it->child) {
		iter_on_response(it->child, wire, len);
		return;
	}
	if (it->state != ITER_QUERY)
		return;
	it->state = ITER_RESPONSE;
	ldns_pkt *p = NULL;
	if (ldns_wire2pkt(&p, wire, len) != LDNS_STATUS_OK) {
		lame(it, NULL, "its response does not parse");
		return;
	}
	ldns_pkt_rcode rc = ldns_pkt_get_rcode(p);
	bool aa = ldns_pkt_aa(p);
	bool minimised = ldns_dname_compare(it->sent_name, it->name) != 0;
	const ldns_rr_list *an = ldns_pkt_answer(p), *auth = ldns_pkt_authority(p);
	char why[700];
	if (rc != LDNS_RCODE_NOERROR && rc != LDNS_RCODE_NXDOMAIN) {
		char *r = ldns_pkt_rcode2str(rc);
		snprintf(why, sizeof why, "it answered %s", r ? r : "an error");
		free(r);
		lame(it, p, why);
	} else if (ldns_rr_list_rr_count(an)) {
		/* Data for the name asked, from an authority for it. */
		ldns_rr_list *own = rrset_in(an, it->sent_name, it->sent_type);
		ldns_rr_list *cname = rrset_in(an, it->sent_name, LDNS_RR_TYPE_CNAME);
		bool about_name = (own && ldns_rr_list_rr_count(own)) || (cname && ldns_rr_list_rr_count(cname));
		ldns_rr_list_free(own);
		ldns_rr_list_free(cname);
		if (!aa)
			lame(it, p, "it answered without authority (AA=0)");
		else if (!about_name)
			lame(it, p, "its answer is about another name");
		else if (minimised && rc == LDNS_RCODE_NOERROR) {
			if (ldns_rr_list_rr_count(an) && ldns_rr_get_type(ldns_rr_list_rr(an, 0)) == LDNS_RR_TYPE_CNAME) {
				it->qmin_off = true; /* an alias on the way: ask the full name */
				for (size_t i = 0; i < it->nsrv; i++)
					it->srv[i].tried = false;
				EMIT(it, ITER_RESPONSE, "cname", p, "an alias on the way: ask for the full name");
				it->state = ITER_PICK_SERVER;
			} else {
				qmin_next(it, p, "answer");
			}
		} else {
			answer(it, p, aa);
		}
	} else if (rc == LDNS_RCODE_NXDOMAIN) {
		if (aa)
			negative(it, p, true);
		else
			lame(it, p, "it said NXDOMAIN without authority");
	} else {
		/* No answer: a referral down the tree, or NODATA. */
		const ldns_rr *ns = NULL;
		for (size_t i = 0; i < ldns_rr_list_rr_count(auth) && !ns; i++)
			if (ldns_rr_get_type(ldns_rr_list_rr(auth, i)) == LDNS_RR_TYPE_NS)
				ns = ldns_rr_list_rr(auth, i);
		if (ns && !aa) {
			const ldns_rdf *zone = ldns_rr_owner(ns);
			if (ldns_dname_compare(zone, it->cut) == 0 || !ldns_dname_is_subdomain(zone, it->cut) ||
			    !dname_at_or_below(it->sent_name, zone)) {
				char z[300], c[300];
				snprintf(why, sizeof why, "it refers to %s, which is not below %s (a referral loop or upward referral)",
					 dname_text(zone, z, sizeof z), dname_text(it->cut, c, sizeof c));
				lame(it, p, why);
			} else {
				ldns_rr_list *set = rrset_in(auth, zone, LDNS_RR_TYPE_NS);
				if (set)
					referral(it, p, zone, set);
				ldns_rr_list_free(set);
			}
		} else if (aa) {
			if (minimised)
				qmin_next(it, p, "nodata");
			else
				negative(it, p, false);
		} else {
			lame(it, p, "no answer, no referral and no authority");
		}
	}
	ldns_pkt_free(p);
}

void iter_on_timeout(struct iter *it)
{
	if (it->state == ITER_NS_ADDRESS && it->child) {
		iter_on_timeout(it->child);
		return;
	}
	if (it->state != ITER_QUERY)
		return;
	char nm[300];
	it->timeouts++;
	EMIT(it, ITER_RESPONSE, "timeout", NULL, "%s did not answer in time; try another server",
	     dname_text(it->srv[it->cur].name, nm, sizeof nm));
	it->state = ITER_PICK_SERVER;
}

enum iter_action iter_run(struct iter *it, struct iter_send *out)
{
	for (;;) {
		switch (it->state) {
		case ITER_START:
			st_start(it);
			break;
		case ITER_FIND_CUT:
			st_find_cut(it);
			break;
		case ITER_PICK_SERVER:
			if (st_pick_server(it, out))
				return ITER_ACT_SEND;
			break;
		case ITER_NS_ADDRESS:
			if (iter_run(it->child, out) == ITER_ACT_SEND)
				return ITER_ACT_SEND;
			st_ns_address_done(it);
			break;
		case ITER_CNAME: {
			char n[300];
			EMIT(it, ITER_CNAME, "restart", NULL, "start again with %s", dname_text(it->name, n, sizeof n));
			it->qmin_off = false;
			it->state = ITER_START;
			break;
		}
		case ITER_QUERY:
		case ITER_RESPONSE:
		case ITER_REFERRAL:
			return ITER_ACT_SEND; /* waiting: the driver must report first */
		case ITER_DONE: {
			char n[300], t[24];
			if (it->sent || it->depth == 0)
				EMIT(it, ITER_DONE, it->rcode == LDNS_RCODE_NXDOMAIN ? "nxdomain" : "done", NULL,
				     "done: %s %s, %s", dname_text(it->qname, n, sizeof n), rrtype_text(it->qtype, t, sizeof t),
				     it->rcode == LDNS_RCODE_NXDOMAIN ? "NXDOMAIN" :
				     ldns_rr_list_rr_count(it->answer) ? "answered" : "NODATA");
			return ITER_ACT_DONE;
		}
		case ITER_FAIL:
			return ITER_ACT_DONE;
		}
	}
}

struct iter *iter_new(const struct iter_config *cfg, const ldns_rdf *qname, ldns_rr_type qtype,
		      ldns_rr_class qclass, double (*now)(void *arg), void *now_arg)
{
	struct iter *it = calloc(1, sizeof *it);
	if (!it)
		return NULL;
	it->cfg = *cfg;
	if (!it->cfg.max_queries)
		it->cfg.max_queries = 50;
	if (!it->cfg.max_referrals)
		it->cfg.max_referrals = 16;
	if (!it->cfg.max_cnames)
		it->cfg.max_cnames = 8;
	if (!it->cfg.max_depth)
		it->cfg.max_depth = 3;
	if (it->cfg.lame_seconds <= 0)
		it->cfg.lame_seconds = 900;
	it->now = now;
	it->now_arg = now_arg;
	it->queries = &it->own_queries;
	it->qname = ldns_rdf_clone(qname);
	it->name = ldns_rdf_clone(qname);
	it->qtype = qtype;
	it->qclass = qclass;
	it->answer = ldns_rr_list_new();
	it->authority = ldns_rr_list_new();
	it->rcode = LDNS_RCODE_NOERROR;
	if (!it->qname || !it->name || !it->answer || !it->authority) {
		iter_free(it);
		return NULL;
	}
	ldns_dname2canonical(it->name);
	it->state = ITER_START;
	return it;
}

void iter_free(struct iter *it)
{
	if (!it)
		return;
	iter_free(it->child);
	clear_servers(it);
	ldns_rdf_deep_free(it->qname);
	ldns_rdf_deep_free(it->name);
	ldns_rdf_deep_free(it->cut);
	ldns_rdf_deep_free(it->sent_name);
	ldns_rr_list_deep_free(it->answer);
	ldns_rr_list_deep_free(it->authority);
	free(it->wire);
	free(it);
}

void iter_set_cache_only(struct iter *it)
{
	it->cache_only = true;
}

void iter_on_event(struct iter *it, iter_event_fn fn, void *arg)
{
	it->ev_fn = fn;
	it->ev_arg = arg;
}

void iter_result(const struct iter *it, struct iter_result *r)
{
	memset(r, 0, sizeof *r);
	r->rcode = it->rcode;
	r->answer = it->answer;
	r->authority = it->authority;
	r->ede = it->ede;
	r->ede_text = it->state == ITER_FAIL ? it->ede_text : NULL;
	r->queries = *it->queries;
	r->from_cache = *it->queries == 0;
}
