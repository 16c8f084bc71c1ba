/* checks.c: the exercise checks, against the live lab (checks.h). */
#include "lab/checks.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/wire.h"
#include "lab/checks_dnssec.h"
#include "lab/checks_signed.h"
#include "net/addr.h"
#include "resolver/lookup.h"

/* ---- the wiretap's record of queries ---- */

static void on_tap(void *arg, const struct wiretap_event *ev)
{
	struct asked_log *l = arg;
	const struct net_event *n = ev->net;
	struct wire_query q;
	/* A query received by a lab server (not an answer, not sent by it). */
	if (n->outgoing || !n->server || wire_parse_query(n->msg, n->len, &q) != WIRE_OK || q.qdcount != 1 ||
	    (q.flags & 0x8000))
		return;
	ldns_rdf *name = ldns_dname_new_frm_data((uint16_t)q.qname_len, q.qname_lower);
	char *s = name ? ldns_rdf2str(name) : NULL;
	ldns_rdf_deep_free(name);
	if (!s)
		return;
	struct asked_entry *e = &l->e[l->next++ % ASKED_LOG_SIZE];
	if (l->n < ASKED_LOG_SIZE)
		l->n++;
	e->seq = ev->seq;
	snprintf(e->server, sizeof e->server, "%s", n->server);
	snprintf(e->qname, sizeof e->qname, "%s", s);
	free(s);
	e->qtype = q.qtype;
	e->transport = n->transport;
	/* The lab's resolver asks from its own address. */
	const struct topo_server *r = lab_resolver(l->lab);
	char ip[64];
	e->from_lab = r && n->src && !strcmp(net_addr_ip(n->src, ip, sizeof ip), r->address);
}

int asked_log_attach(struct asked_log *l, struct lab *lab)
{
	memset(l, 0, sizeof *l);
	l->lab = lab;
	return wiretap_subscribe(&lab->tap, on_tap, l);
}

void asked_log_detach(struct asked_log *l)
{
	if (l->lab)
		wiretap_unsubscribe(&l->lab->tap, on_tap, l);
	l->lab = NULL;
}

unsigned long long asked_log_now(const struct asked_log *l)
{
	return l->lab ? l->lab->tap.seq : 0;
}

/* ---- asking a lab server, in-process ---- */

/* The response of server id (a lab server's own answer engine, as if asked
 * with dig +norec, and +dnssec when dnssec) to (name, type, cls).  Caller
 * frees. */
static ldns_pkt *ask_auth(struct lab *lab, const char *id, const ldns_rdf *name, ldns_rr_type type,
			  ldns_rr_class cls, bool dnssec, struct dl_error *err)
{
	const struct lab_server *s = lab_find(lab, id);
	if (!s || s->ts->role == TOPO_RESOLVER) {
		dl_error_set(err, DL_ERR_INPUT, "'%s' is not an authoritative server of this lab", id);
		return NULL;
	}
	ldns_pkt *q = ldns_pkt_query_new(ldns_rdf_clone(name), type, cls, 0);
	uint8_t *wire = NULL, *out = malloc(AUTHSERVER_MAX_MSG);
	size_t len = 0;
	ldns_pkt *p = NULL;
	if (q && out) {
		ldns_pkt_set_edns_udp_size(q, 1232);
		ldns_pkt_set_edns_do(q, dnssec);
		if (ldns_pkt2wire(&wire, q, &len) == LDNS_STATUS_OK) {
			/* As over TCP: the whole answer, never truncated. */
			size_t n = authserver_respond((struct authserver *)&s->auth, wire, len, true, out, AUTHSERVER_MAX_MSG);
			if (n && ldns_wire2pkt(&p, out, n) != LDNS_STATUS_OK)
				p = NULL;
		}
	}
	if (!p)
		dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	free(wire);
	free(out);
	ldns_pkt_free(q);
	return p;
}

static void quote_rr(char **quote, const ldns_rr *rr);

/* What server id says it is: its answer to id.server. CH TXT (RFC 4892),
 * the question operators ask to tell instances of one service apart. */
static int expect_identity(const struct check_env *e, const struct check_spec *s, char **expected, char **quote,
			   struct dl_error *err)
{
	ldns_rdf *name = ldns_dname_new_frm_str("id.server.");
	ldns_pkt *p = name ? ask_auth(e->lab, s->server, name, LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_CH, false, err) : NULL;
	ldns_rdf_deep_free(name);
	if (!p)
		return err->code ? err->code : dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	const ldns_rr_list *an = p ? ldns_pkt_answer(p) : NULL;
	for (size_t i = 0; an && i < ldns_rr_list_rr_count(an) && !*expected; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TXT || ldns_rr_rd_count(rr) < 1)
			continue;
		char *t = ldns_rdf2str(ldns_rr_rdf(rr, 0)); /* "text", quoted */
		size_t tl = t ? strlen(t) : 0;
		if (tl >= 2 && t[0] == '"' && t[tl - 1] == '"')
			*expected = strndup(t + 1, tl - 2);
		free(t);
		quote_rr(quote, rr);
	}
	ldns_pkt_free(p);
	if (!*expected)
		return dl_error_set(err, DL_ERR_INPUT, "%s gives no id.server CH TXT answer", s->server);
	return 0;
}

/* What the lab resolver would answer now: its cache, or, when the cache
 * has nothing, what a resolution would find (the authority's answer). */
static ldns_pkt *ask_resolver(struct lab *lab, const ldns_rdf *name, ldns_rr_type type, struct dl_error *err)
{
	struct resolver *r = lab_running_resolver(lab);
	if (!r) {
		dl_error_set(err, DL_ERR_INPUT, "this lab has no running resolver");
		return NULL;
	}
	double now = labclock_now(&lab->clock);
	const struct cache_entry *e = cache_get(&r->cache, name, type, LDNS_RR_CLASS_IN, now);
	if (!e) {
		char *s = ldns_rdf2str(name);
		const struct topo_server *t = s ? lab_authority_for(lab, s) : NULL;
		free(s);
		if (!t) {
			dl_error_set(err, DL_ERR_INPUT, "no lab server is authoritative for that name");
			return NULL;
		}
		/* What a resolution would bring back, as the resolver hands it on:
		 * recursion available, no authority of its own. */
		ldns_pkt *p = ask_auth(lab, t->id, name, type, LDNS_RR_CLASS_IN, false, err);
		if (p) {
			ldns_pkt_set_aa(p, false);
			ldns_pkt_set_ra(p, true);
			ldns_pkt_set_rd(p, true);
		}
		return p;
	}
	ldns_pkt *p = ldns_pkt_new();
	if (!p) {
		dl_error_set(err, DL_ERR_NOMEM, "out of memory");
		return NULL;
	}
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_rd(p, true);
	ldns_pkt_set_ra(p, true);
	uint32_t left = cache_ttl_left(e, now);
	if (e->kind == CACHE_NXDOMAIN)
		ldns_pkt_set_rcode(p, LDNS_RCODE_NXDOMAIN);
	for (size_t i = 0; i < ldns_rr_list_rr_count(e->rrs); i++) {
		ldns_rr *c = ldns_rr_clone(ldns_rr_list_rr(e->rrs, i));
		if (!c)
			continue;
		ldns_rr_set_ttl(c, left);
		ldns_pkt_push_rr(p, e->kind == CACHE_POSITIVE ? LDNS_SECTION_ANSWER : LDNS_SECTION_AUTHORITY, c);
	}
	return p;
}

static ldns_pkt *ask(const struct check_env *e, const struct check_spec *s, struct dl_error *err)
{
	ldns_rdf *name = ldns_dname_new_frm_str(s->name);
	ldns_rr_type type = s->type ? ldns_get_rr_type_by_name(s->type) : LDNS_RR_TYPE_A;
	if (!name) {
		dl_error_set(err, DL_ERR_INPUT, "'%s' is not a domain name", s->name);
		return NULL;
	}
	ldns_pkt *p = !strcmp(s->server, "resolver") ? ask_resolver(e->lab, name, type, err)
						      : ask_auth(e->lab, s->server, name, type, LDNS_RR_CLASS_IN, false, err);
	ldns_rdf_deep_free(name);
	return p;
}

/* ---- normal forms ---- */

/* Lower case, no double quotes, single blanks, no trailing dot on any word
 * (but "." itself stays): how a person types record data. */
static void normalise(const char *in, char *out, size_t len)
{
	size_t o = 0;
	bool blank = false;
	for (const char *p = in; *p && o + 1 < len; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			continue;
		if (isspace(c)) {
			blank = o > 0;
			continue;
		}
		if (blank) {
			if (o > 1 && out[o - 1] == '.' && out[o - 2] != ' ')
				o--;
			out[o++] = ' ';
			blank = false;
			if (o + 1 >= len)
				break;
		}
		out[o++] = (char)tolower(c);
	}
	if (o > 1 && out[o - 1] == '.' && out[o - 2] != ' ')
		o--;
	out[o] = '\0';
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Items (already normal) sorted and joined with ", ".  Takes the items. */
static char *join_sorted(char **items, size_t n)
{
	qsort(items, n, sizeof *items, cmp_str);
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(items[i]) + 2;
	char *s = malloc(len);
	if (s) {
		s[0] = '\0';
		for (size_t i = 0; i < n; i++) {
			if (i)
				strcat(s, ", ");
			strcat(s, items[i]);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
	return s;
}

/* "a, b , c" from a student: each item normal, sorted. */
static char *normal_list(const char *answer)
{
	size_t cap = 8, n = 0;
	char **items = malloc(cap * sizeof *items);
	char *copy = strdup(answer);
	if (!items || !copy) {
		free(items);
		free(copy);
		return NULL;
	}
	for (char *save = NULL, *tok = strtok_r(copy, ",;\n", &save); tok; tok = strtok_r(NULL, ",;\n", &save)) {
		char buf[1024];
		normalise(tok, buf, sizeof buf);
		if (!buf[0])
			continue;
		if (n == cap) {
			char **m = realloc(items, (cap *= 2) * sizeof *items);
			if (!m)
				break;
			items = m;
		}
		items[n++] = strdup(buf);
	}
	free(copy);
	return join_sorted(items, n);
}

/* The record data of rr as one normal string. */
static char *rdata_normal(const ldns_rr *rr)
{
	char raw[1024] = "", buf[1024];
	size_t o = 0;
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		char *s = ldns_rdf2str(ldns_rr_rdf(rr, i));
		if (s)
			o += (size_t)snprintf(raw + o, o < sizeof raw ? sizeof raw - o : 0, "%s%s", i ? " " : "", s);
		free(s);
		if (o >= sizeof raw)
			break;
	}
	normalise(raw, buf, sizeof buf);
	return strdup(buf);
}

static void quote_rr(char **quote, const ldns_rr *rr)
{
	char *s = ldns_rr2str(rr);
	if (!s)
		return;
	s[strcspn(s, "\n")] = '\0';
	for (char *c = s; *c; c++)
		if (*c == '\t')
			*c = ' ';
	size_t old = *quote ? strlen(*quote) : 0;
	char *q = realloc(*quote, old + strlen(s) + 2);
	if (q) {
		snprintf(q + old, strlen(s) + 2, "%s%s", old ? "\n" : "", s);
		*quote = q;
	}
	free(s);
}

static const char *rcode_word(const ldns_pkt *p, ldns_rr_type type)
{
	ldns_pkt_rcode rc = ldns_pkt_get_rcode(p);
	if (rc == LDNS_RCODE_NXDOMAIN)
		return "NXDOMAIN";
	if (rc != LDNS_RCODE_NOERROR)
		return rc == LDNS_RCODE_SERVFAIL ? "SERVFAIL" : rc == LDNS_RCODE_REFUSED ? "REFUSED" : "FORMERR";
	const ldns_rr_list *an = ldns_pkt_answer(p);
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(an, i)) == type || type == LDNS_RR_TYPE_ANY)
			return "NOERROR";
	return "NODATA";
}

/* The i-th newest entry of the asked log (0: the newest). */
static const struct asked_entry *asked_newest(const struct asked_log *l, size_t i)
{
	return &l->e[(l->next + ASKED_LOG_SIZE - 1 - i) % ASKED_LOG_SIZE];
}

/* The lab server s->server names, by id, name or address: its id. */
static const char *server_id(const struct check_env *e, const char *key)
{
	const struct lab_server *srv = lab_find(e->lab, key);
	return srv ? srv->ts->id : NULL;
}

/* seen: what server last received from the lab's resolver since the
 * exercise began, not counting the validator's DS and DNSKEY fetches (the
 * chain of trust, asked after the resolution). */
static int expect_seen(const struct check_env *e, const struct check_spec *s, char **expected, char **quote,
		       struct dl_error *err)
{
	const char *id = server_id(e, s->server);
	if (!id)
		return dl_error_set(err, DL_ERR_INPUT, "'%s' is not a server of this lab", s->server);
	for (size_t i = 0; e->asked && i < e->asked->n; i++) {
		const struct asked_entry *a = asked_newest(e->asked, i);
		if (a->seq <= e->since)
			break;
		if (!a->from_lab || strcasecmp(a->server, id) || a->qtype == LDNS_RR_TYPE_DS ||
		    a->qtype == LDNS_RR_TYPE_DNSKEY || a->qtype == LDNS_RR_TYPE_AXFR)
			continue;
		char *t = ldns_rr_type2str((ldns_rr_type)a->qtype), q[400];
		snprintf(q, sizeof q, "the wiretap saw the lab's resolver ask %s: %s %s?", id, a->qname, t ? t : "?");
		free(t);
		*expected = strdup(a->qname);
		*quote = strdup(q);
		return *expected && *quote ? 0 : dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	return dl_error_set(err, DL_ERR_INPUT,
			    "%s has received no query from the lab's resolver since this exercise began: flush, then "
			    "resolve a name it has not seen (dig www.example.test)", id);
}

int check_expect(const struct check_env *e, const struct check_spec *s, char **expected, char **quote,
		 struct dl_error *err)
{
	*expected = NULL;
	*quote = NULL;
	char buf[64];
	if (s->kind == CHECK_CHOICE) {
		snprintf(buf, sizeof buf, "%d", s->correct);
		*expected = strdup(buf);
		if (s->correct >= 1 && (size_t)s->correct <= s->nchoices)
			*quote = strdup(s->choices[s->correct - 1]);
		return *expected ? 0 : dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	if (s->kind == CHECK_SHORT) {
		/* A fact outside the lab: its key is the file's, the model answer first. */
		*expected = s->naccept ? strdup(s->accept[0]) : NULL;
		return *expected ? 0 : dl_error_set(err, DL_ERR_INPUT, "a short answer check needs 'accept'");
	}
	if (!check_kind_is_question(s->kind))
		return dl_error_set(err, DL_ERR_INPUT, "a %s check is not a question", check_kind_name(s->kind));
	if (s->kind == CHECK_SEEN)
		return expect_seen(e, s, expected, quote, err);
	if (s->kind == CHECK_IDENTITY)
		return expect_identity(e, s, expected, quote, err);
	if (checks_dnssec_kind(s->kind)) {
		/* Signatures and proofs come with DO, from the authority only. */
		ldns_rdf *name = ldns_dname_new_frm_str(s->name);
		ldns_pkt *p = name ? ask_auth(e->lab, s->server, name, checks_dnssec_qtype(s), LDNS_RR_CLASS_IN, true, err) : NULL;
		ldns_rdf_deep_free(name);
		if (!p)
			return err->code ? err->code : dl_error_set(err, DL_ERR_INPUT, "'%s' is not a domain name", s->name);
		int rc = checks_dnssec_expect(s, p, expected, quote, err);
		ldns_pkt_free(p);
		return rc;
	}
	ldns_pkt *p = ask(e, s, err);
	if (!p)
		return err->code ? err->code : DL_ERR_INPUT;
	ldns_rr_type type = s->type ? ldns_get_rr_type_by_name(s->type) : LDNS_RR_TYPE_A;
	const ldns_rr_list *an = ldns_pkt_answer(p), *ns = ldns_pkt_authority(p);
	size_t count = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(an, i)) == type)
			count++;
	switch (s->kind) {
	case CHECK_RRSET:
	case CHECK_REFERRAL: {
		const ldns_rr_list *from = s->kind == CHECK_RRSET ? an : ns;
		ldns_rr_type want = s->kind == CHECK_RRSET ? type : LDNS_RR_TYPE_NS;
		char **items = calloc(ldns_rr_list_rr_count(from) + 1, sizeof *items);
		size_t n = 0;
		for (size_t i = 0; items && i < ldns_rr_list_rr_count(from); i++) {
			const ldns_rr *rr = ldns_rr_list_rr(from, i);
			if (ldns_rr_get_type(rr) != want)
				continue;
			items[n++] = rdata_normal(rr);
			quote_rr(quote, rr);
		}
		if (s->kind == CHECK_REFERRAL && (!n || ldns_pkt_aa(p))) {
			for (size_t i = 0; i < n; i++)
				free(items[i]);
			free(items);
			ldns_pkt_free(p);
			free(*quote);
			*quote = NULL;
			return dl_error_set(err, DL_ERR_INPUT, "%s gives no referral for %s (it answers itself)", s->server,
					    s->name);
		}
		*expected = items ? join_sorted(items, n) : NULL;
		break;
	}
	case CHECK_TTL:
		for (size_t i = 0; i < ldns_rr_list_rr_count(an) && !*expected; i++) {
			const ldns_rr *rr = ldns_rr_list_rr(an, i);
			if (ldns_rr_get_type(rr) != type)
				continue;
			snprintf(buf, sizeof buf, "%u", ldns_rr_ttl(rr));
			*expected = strdup(buf);
			quote_rr(quote, rr);
		}
		if (!*expected) {
			ldns_pkt_free(p);
			return dl_error_set(err, DL_ERR_INPUT, "%s has no %s record for %s to take a TTL from", s->server,
					    s->type, s->name);
		}
		break;
	case CHECK_RCODE:
		*expected = strdup(rcode_word(p, type));
		for (size_t i = 0; i < ldns_rr_list_rr_count(ns); i++)
			if (ldns_rr_get_type(ldns_rr_list_rr(ns, i)) == LDNS_RR_TYPE_SOA)
				quote_rr(quote, ldns_rr_list_rr(ns, i));
		break;
	case CHECK_FLAG: {
		bool f = !strcmp(s->flag, "aa")   ? ldns_pkt_aa(p)
			 : !strcmp(s->flag, "ra") ? ldns_pkt_ra(p)
			 : !strcmp(s->flag, "ad") ? ldns_pkt_ad(p)
						  : ldns_pkt_tc(p);
		*expected = strdup(f ? "yes" : "no");
		char flags[128];
		snprintf(flags, sizeof flags, "%s's answer for %s %s had the flags:%s%s%s%s%s%s", s->server, s->name,
			 s->type ? s->type : "A", ldns_pkt_qr(p) ? " qr" : "", ldns_pkt_aa(p) ? " aa" : "",
			 ldns_pkt_tc(p) ? " tc" : "", ldns_pkt_rd(p) ? " rd" : "", ldns_pkt_ra(p) ? " ra" : "",
			 ldns_pkt_ad(p) ? " ad" : "");
		*quote = strdup(flags);
		break;
	}
	case CHECK_COUNT:
		snprintf(buf, sizeof buf, "%zu", count);
		*expected = strdup(buf);
		for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++)
			if (ldns_rr_get_type(ldns_rr_list_rr(an, i)) == type)
				quote_rr(quote, ldns_rr_list_rr(an, i));
		break;
	default:
		break;
	}
	ldns_pkt_free(p);
	return *expected ? 0 : dl_error_set(err, DL_ERR_NOMEM, "out of memory");
}

/* A short answer as compared: letters and digits only, ASCII ones in lower
 * case, other bytes (UTF-8 letters) kept as they are, after a leading
 * "the": "The P.T.I." and "pti" are the same answer, and so are
 * "Contracted Party House" and "contracted-party house". */
static void short_form(const char *in, char *out, size_t len)
{
	while (*in && !isalnum((unsigned char)*in) && !((unsigned char)*in & 0x80))
		in++;
	if (!strncasecmp(in, "the", 3) && in[3] && !isalnum((unsigned char)in[3]) && !((unsigned char)in[3] & 0x80))
		in += 3;
	size_t o = 0;
	for (; *in && o + 1 < len; in++) {
		unsigned char c = (unsigned char)*in;
		if (c & 0x80)
			out[o++] = (char)c;
		else if (isalnum(c))
			out[o++] = (char)tolower(c);
	}
	out[o] = '\0';
}

static bool yes(const char *s)
{
	return !strcasecmp(s, "yes") || !strcasecmp(s, "y") || !strcasecmp(s, "true") || !strcmp(s, "1");
}

static bool no(const char *s)
{
	return !strcasecmp(s, "no") || !strcasecmp(s, "n") || !strcasecmp(s, "false") || !strcmp(s, "0");
}

bool check_answer_ok(const struct check_spec *s, const char *expected, const char *answer)
{
	char a[1024];
	normalise(answer, a, sizeof a);
	if (!a[0] || !expected)
		return false;
	if (checks_dnssec_kind(s->kind))
		return checks_dnssec_answer_ok(s, expected, answer);
	switch (s->kind) {
	case CHECK_RRSET:
	case CHECK_REFERRAL: {
		char *n = normal_list(answer);
		bool ok = n && !strcmp(n, expected);
		free(n);
		return ok;
	}
	case CHECK_TTL:
	case CHECK_COUNT: {
		char *end;
		long got = strtol(a, &end, 10), want = strtol(expected, NULL, 10);
		/* The resolver's TTL counts down while the student reads and
		 * types: what dig showed up to a minute ago is right. */
		bool counting = s->kind == CHECK_TTL && s->server && !strcmp(s->server, "resolver");
		return !*end && got >= want - (counting ? 1 : 0) && got <= want + (counting ? 60 : 0);
	}
	case CHECK_RCODE:
		return !strcasecmp(a, expected);
	case CHECK_SEEN:
	case CHECK_IDENTITY: {
		char x[1024];
		normalise(expected, x, sizeof x);
		return !strcmp(a, x);
	}
	case CHECK_FLAG:
		return !strcmp(expected, "yes") ? yes(a) : no(a);
	case CHECK_CHOICE: {
		char c[1024];
		if (s->correct < 1 || (size_t)s->correct > s->nchoices)
			return false;
		normalise(s->choices[s->correct - 1], c, sizeof c);
		return !strcmp(a, expected) || !strcmp(a, c);
	}
	case CHECK_SHORT: {
		char got[1024], key[1024];
		short_form(answer, got, sizeof got);
		for (size_t i = 0; got[0] && i < s->naccept; i++) {
			short_form(s->accept[i], key, sizeof key);
			if (!strcmp(got, key))
				return true;
		}
		return false;
	}
	default:
		return false;
	}
}

/* ---- actions ---- */

struct validating {
	check_done_fn done;
	void *arg;
	char state[16];
	char name[256];
};

static void on_validated(void *arg, const struct iter_result *r, const struct validator *v)
{
	struct validating *w = arg;
	struct check_outcome o = { 0 };
	uint16_t ede = 0;
	const char *why = NULL;
	enum val_security sec = v ? validator_verdict(v, &ede, &why) : VAL_UNCHECKED;
	const char *got = sec == VAL_UNCHECKED ? "not validated" : val_security_name(sec);
	o.pass = !strcmp(got, w->state);
	/* A name that does not exist is no zone that validates, however well
	 * its parent proves the NXDOMAIN (student.test before it is registered). */
	bool nx = r && r->rcode == LDNS_RCODE_NXDOMAIN;
	o.pass = o.pass && !nx;
	if (nx)
		snprintf(o.why, sizeof o.why, "%s does not exist for the resolver (NXDOMAIN, %s): is it delegated? "
			 "a cached NXDOMAIN lasts up to the parent's SOA TTL or minimum (flush)", w->name, got);
	else if (sec == VAL_UNCHECKED)
		snprintf(o.why, sizeof o.why, "the lookup of %s failed (%s)", w->name,
			 r->ede_text ? r->ede_text : "no answer");
	else
		snprintf(o.why, sizeof o.why, "%s validates as %s%s%s", w->name, got, why && *why ? ": " : "",
			 why ? why : "");
	snprintf(o.quote, sizeof o.quote, "%s", o.why);
	w->done(w->arg, &o);
	free(w);
}

static struct lab_server *zone_server(struct lab *lab, const char *zone, const struct zone **z)
{
	for (size_t i = 0; i < lab->nservers; i++) {
		struct lab_server *s = &lab->servers[i];
		for (size_t k = 0; k < s->auth.zones.n; k++)
			if (!strcasecmp(s->auth.zones.zones[k]->origin_str, zone)) {
				*z = s->auth.zones.zones[k];
				return s;
			}
	}
	return NULL;
}

static bool serves(const struct lab_server *srv, const char *zone)
{
	for (size_t k = 0; k < srv->auth.zones.n; k++)
		if (!strcasecmp(srv->auth.zones.zones[k]->origin_str, zone))
			return true;
	return false;
}

/* quiet: since the exercise began the resolver resolved something (it
 * asked some server) and asked no server of s->zone (zone transfers
 * aside: a hyperlocal root fetches its copy of the root that way). */
static void check_quiet(const struct check_env *e, const struct check_spec *s, struct check_outcome *o)
{
	size_t elsewhere = 0, nservers = 0;
	const struct asked_entry *bad = NULL;
	for (size_t i = 0; i < e->lab->nservers; i++)
		nservers += serves(&e->lab->servers[i], s->zone);
	for (size_t i = 0; e->asked && i < e->asked->n; i++) {
		const struct asked_entry *a = asked_newest(e->asked, i);
		if (a->seq <= e->since)
			break;
		if (!a->from_lab || a->qtype == LDNS_RR_TYPE_AXFR || a->qtype == LDNS_RR_TYPE_IXFR)
			continue;
		const struct lab_server *srv = lab_find(e->lab, a->server);
		if (srv && serves(srv, s->zone))
			bad = a; /* the oldest such query, by the end of the loop */
		else
			elsewhere++;
	}
	if (!nservers) {
		snprintf(o->why, sizeof o->why, "no lab server serves the zone %s", s->zone);
	} else if (bad) {
		char *t = ldns_rr_type2str((ldns_rr_type)bad->qtype);
		snprintf(o->why, sizeof o->why, "the lab's resolver asked %s (a server of %s) for %s %s since this exercise "
			 "began", bad->server, s->zone, bad->qname, t ? t : "?");
		free(t);
	} else if (!elsewhere) {
		snprintf(o->why, sizeof o->why, "the resolver has not resolved any name since this exercise began: flush, "
			 "then ask it for a name (dig www.example.test)");
	} else {
		o->pass = true;
		snprintf(o->why, sizeof o->why, "the resolver sent %zu queries since this exercise began, none of them to "
			 "a server of %s", elsewhere, s->zone);
	}
	snprintf(o->quote, sizeof o->quote, "%s", o->why);
}

/* A rollover step reached: its outcome waits for the zone's validation. */
struct rollover_step {
	check_done_fn done;
	void *arg;
	char why[512], quote[1024];
};

static void on_step_validated(void *arg, const struct check_outcome *v)
{
	struct rollover_step *w = arg;
	struct check_outcome o = { .pass = v->pass };
	if (v->pass)
		snprintf(o.why, sizeof o.why, "%s; %s", w->why, v->why);
	else
		snprintf(o.why, sizeof o.why, "the step is done (%s), but %s", w->why, v->why);
	snprintf(o.quote, sizeof o.quote, "%s\n%s", w->quote, v->quote);
	w->done(w->arg, &o);
	free(w);
}

void check_action(const struct check_env *e, const struct check_spec *s, check_done_fn done, void *arg)
{
	struct check_outcome o = { 0 };
	ldns_rr_type type = s->type ? ldns_get_rr_type_by_name(s->type) : LDNS_RR_TYPE_A;
	char tn[16];
	char *t = ldns_rr_type2str(type);
	snprintf(tn, sizeof tn, "%s", t ? t : "?");
	free(t);
	switch (s->kind) {
	case CHECK_ASKED: {
		const struct asked_log *l = e->asked;
		size_t lab_only = 0;
		for (size_t i = 0; l && i < l->n && !o.pass; i++) {
			const struct asked_entry *a = &l->e[i];
			if (a->seq <= e->since || strcasecmp(a->server, s->server) || strcasecmp(a->qname, s->name) ||
			    a->qtype != type || (s->transport && strcmp(net_transport_name(a->transport), s->transport)))
				continue;
			if (a->from_lab) {
				lab_only++;
				continue;
			}
			o.pass = true;
			if (a->transport == NET_TLS) /* the wire showed sizes only; the server read the rest */
				snprintf(o.quote, sizeof o.quote, "%s decrypted your query over TLS: %s %s?", a->server,
					 a->qname, tn);
			else
				snprintf(o.quote, sizeof o.quote, "the wiretap saw you ask %s: %s %s?", a->server, a->qname,
					 tn);
		}
		if (o.pass)
			snprintf(o.why, sizeof o.why, "%s received your query for %s %s", s->server, s->name, tn);
		else if (lab_only)
			snprintf(o.why, sizeof o.why,
				 "only the lab's resolver asked %s for %s %s: ask it yourself (dig ... @%s)", s->server,
				 s->name, tn, s->server);
		else if (s->transport)
			snprintf(o.why, sizeof o.why, "%s has not been asked for %s %s over %s since this exercise began",
				 s->server, s->name, tn, s->transport);
		else
			snprintf(o.why, sizeof o.why, "%s has not been asked for %s %s since this exercise began",
				 s->server, s->name, tn);
		break;
	}
	case CHECK_ZONE_HAS: {
		const struct zone *z = NULL;
		struct lab_server *srv = zone_server(e->lab, s->zone, &z);
		ldns_rdf *name = ldns_dname_new_frm_str(s->name);
		const ldns_dnssec_rrsets *set = z && name ? zone_rrset(zone_find(z, name), type) : NULL;
		ldns_rdf_deep_free(name);
		o.pass = set != NULL;
		if (!srv)
			snprintf(o.why, sizeof o.why, "no lab server serves the zone %s", s->zone);
		else if (!o.pass)
			snprintf(o.why, sizeof o.why,
				 "%s (served by %s) has no %s record at %s yet; after editing the zone, type reload",
				 s->zone, srv->ts->id, tn, s->name);
		else
			snprintf(o.why, sizeof o.why, "%s serves the %s record of %s", srv->ts->id, tn, s->name);
		for (const ldns_dnssec_rrs *r = set ? set->rrs : NULL; r; r = r->next) {
			char *q = NULL;
			quote_rr(&q, r->rr);
			size_t ol = strlen(o.quote);
			if (q)
				snprintf(o.quote + ol, sizeof o.quote - ol, "%s%s", ol ? "\n" : "", q);
			free(q);
		}
		break;
	}
	case CHECK_CACHED: {
		struct resolver *r = lab_running_resolver(e->lab);
		ldns_rdf *name = ldns_dname_new_frm_str(s->name);
		double now = labclock_now(&e->lab->clock);
		const struct cache_entry *c = r && name ? cache_get(&r->cache, name, type, LDNS_RR_CLASS_IN, now) : NULL;
		ldns_rdf_deep_free(name);
		bool want = !strcmp(s->state, "yes");
		o.pass = (c != NULL) == want;
		if (c)
			snprintf(o.why, sizeof o.why, "the resolver's cache holds %s %s, %u s left", s->name, tn,
				 cache_ttl_left(c, now));
		else
			snprintf(o.why, sizeof o.why, "the resolver's cache holds nothing live for %s %s", s->name, tn);
		snprintf(o.quote, sizeof o.quote, "%s", o.why);
		break;
	}
	case CHECK_VALIDATES: {
		struct resolver *r = lab_running_resolver(e->lab);
		struct validating *w = calloc(1, sizeof *w);
		ldns_rdf *name = ldns_dname_new_frm_str(s->name);
		if (!r || !w || !name) {
			free(w);
			ldns_rdf_deep_free(name);
			snprintf(o.why, sizeof o.why, "%s", r ? "out of memory" : "this lab has no running resolver");
			break;
		}
		*w = (struct validating){ .done = done, .arg = arg };
		snprintf(w->state, sizeof w->state, "%s", s->state);
		snprintf(w->name, sizeof w->name, "%s", s->name);
		struct lookup_params lp;
		resolver_lookup_params(r, &lp);
		bool finished = false;
		struct lookup *lk = lookup_start(e->loop, &lp, name, type, on_validated, w, &finished);
		ldns_rdf_deep_free(name);
		if (!lk && !finished) {
			free(w);
			snprintf(o.why, sizeof o.why, "out of memory");
			break;
		}
		return; /* on_validated reports */
	}
	case CHECK_QUIET:
		check_quiet(e, s, &o);
		break;
	case CHECK_ZONE_SIGNED:
		check_zone_signed(e, s, &o);
		break;
	case CHECK_ZSK_ROLLOVER: {
		/* Each step must leave the zone secure: validated like `validates`
		 * once the step itself is reached. */
		struct rollover_step *w = calloc(1, sizeof *w);
		if (!w || !check_zsk_rollover(e, s, &o)) {
			free(w);
			break;
		}
		*w = (struct rollover_step){ .done = done, .arg = arg };
		snprintf(w->why, sizeof w->why, "%s", o.why);
		snprintf(w->quote, sizeof w->quote, "%s", o.quote);
		struct check_spec v = { .kind = CHECK_VALIDATES, .name = s->zone, .type = "SOA", .state = "secure" };
		check_action(e, &v, on_step_validated, w);
		return;
	}
	default:
		snprintf(o.why, sizeof o.why, "a %s check is answered with: answer TEXT", check_kind_name(s->kind));
		break;
	}
	done(arg, &o);
}
