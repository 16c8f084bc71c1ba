/* trace.c: `dnslab trace`: one resolution from the root, step by step.
 *
 * Like `dig +trace` it iterates from this process with an empty cache and
 * sends real queries to the lab's servers; unlike it, it says why it goes
 * where it goes: glue, glueless lookups, QNAME minimisation, CNAME restarts
 * and lame servers, in plain words.  It prints what the iterator reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/labclient.h"
#include "net/addr.h"
#include "resolver/validator.h"
#include "ui/json.h"
#include "ui/pktprint.h"
#include "ui/term.h"

static const char usage[] =
	"usage: dnslab trace NAME [TYPE] [--port N] [--no-qmin] [--json]\n"
	"\n"
	"Resolve NAME from the root as the lab resolver does, from this process and\n"
	"with an empty cache, and show every step: which server was asked, what it\n"
	"said, and why the next step goes where it goes.\n"
	"\n"
	"  -p, --port N     lab port (default 5300)\n"
	"  -t, --topology FILE  the lab topology (default: zones/lab.yaml)\n"
	"  --no-qmin        send the full name to every server (no RFC 9156 QNAME\n"
	"                   minimisation), to compare what the root gets to see\n"
	"  --clock OFFSET   lab clock offset (e.g. +1h)\n"
	"  --no-embed       fail instead of starting a lab in this process\n"
	"  -j, --json       the steps and the result as one JSON object\n"
	"  -h, --help       this help\n";

struct trace_run {
	struct labclient lc;
	struct cache cache;
	struct iter_hints hints;
	struct iter_lame lame;
	bool json, color;
	int indent; /* of the record lines: follows the glueless depth */
	unsigned step;
	struct json j;
	uint64_t started;
	/* the result, copied when the resolution ends */
	struct iter_result res;
	ldns_rr_list *answer, *authority;
	char ede_text[256];
	bool done;
	double ms;
};

static const char *server_id(const struct trace_run *t, const struct sockaddr *sa)
{
	char ip[64];
	net_addr_ip(sa, ip, sizeof ip);
	for (size_t i = 0; i < t->lc.lab->topo->nservers; i++)
		if (strcmp(t->lc.lab->topo->servers[i].address, ip) == 0)
			return t->lc.lab->topo->servers[i].id;
	return NULL;
}

static char *rdf_s(const ldns_rdf *d)
{
	return d ? ldns_rdf2str(d) : strdup("?");
}

/* The records of a response that explain it: answer, else authority, plus
 * glue, one line each. */
static void response_records(const ldns_pkt *p, void (*line)(void *arg, const char *s), void *arg)
{
	const ldns_rr_list *secs[] = { ldns_pkt_answer(p), ldns_pkt_authority(p), ldns_pkt_additional(p) };
	size_t shown = 0;
	for (size_t s = 0; s < 3; s++) {
		if (s == 1 && ldns_rr_list_rr_count(secs[0]))
			break;
		for (size_t i = 0; i < ldns_rr_list_rr_count(secs[s]) && shown < 8; i++) {
			if (validator_is_dnssec_rr(ldns_rr_list_rr(secs[s], i)))
				continue;
			shown++;
			char *r = ldns_rr2str(ldns_rr_list_rr(secs[s], i));
			if (!r)
				continue;
			r[strcspn(r, "\n")] = '\0';
			for (char *c = r; *c; c++)
				if (*c == '\t')
					*c = ' ';
			if (strlen(r) > 110)
				strcpy(r + 100, " [...]");
			line(arg, r);
			free(r);
		}
	}
}

static void text_record(void *arg, const char *s)
{
	struct trace_run *t = arg;
	printf("%*s%s%s%s\n", t->indent, "", term_sgr(t->color, TERM_DIM), s, term_reset(t->color));
}

static void json_record(void *arg, const char *s)
{
	json_str(arg, s);
}

static void trace_on_event(void *arg, const struct iter_event *ev)
{
	struct trace_run *t = arg;
	char *qn = rdf_s(ev->qname), *sv = ev->server ? rdf_s(ev->server) : NULL;
	char *ty = ldns_rr_type2str(ev->qtype);
	char ip[64] = "";
	if (ev->addr)
		net_addr_ip(ev->addr, ip, sizeof ip);
	const char *id = ev->addr ? server_id(t, ev->addr) : NULL;
	int indent = 2 + 4 * ev->depth;
	if (t->json) {
		json_obj_begin(&t->j);
		json_key(&t->j, "state");
		json_str(&t->j, iter_state_name(ev->state));
		json_key(&t->j, "depth");
		json_int(&t->j, ev->depth);
		json_key(&t->j, "kind");
		json_str(&t->j, ev->kind);
		if (ev->zone) {
			char *z = rdf_s(ev->zone);
			json_key(&t->j, "zone");
			json_str(&t->j, z);
			free(z);
		}
		if (ev->server) {
			json_key(&t->j, "server");
			json_obj_begin(&t->j);
			json_key(&t->j, "id");
			json_str(&t->j, id);
			json_key(&t->j, "name");
			json_str(&t->j, sv);
			json_key(&t->j, "address");
			json_str(&t->j, ip);
			json_obj_end(&t->j);
		}
		json_key(&t->j, "qname");
		json_str(&t->j, qn);
		json_key(&t->j, "qtype");
		json_str(&t->j, ty);
		if (ev->response) {
			json_key(&t->j, "rcode");
			char *rc = ldns_pkt_rcode2str(ldns_pkt_get_rcode(ev->response));
			json_str(&t->j, rc);
			free(rc);
			json_key(&t->j, "aa");
			json_bool(&t->j, ldns_pkt_aa(ev->response));
			json_key(&t->j, "records");
			json_arr_begin(&t->j);
			response_records(ev->response, json_record, &t->j);
			json_arr_end(&t->j);
		}
		json_key(&t->j, "why");
		json_str(&t->j, ev->why);
		json_obj_end(&t->j);
	} else if (ev->state == ITER_QUERY) {
		t->step++;
		printf("%*s%s%2u  %s%s%s (%s)%s\n", indent - 2, "", term_sgr(t->color, TERM_BOLD), t->step,
		       id ? id : "", id ? ": " : "", sv, ip, term_reset(t->color));
		bool qmin = !strcmp(ev->kind, "minimised");
		printf("%*s    ask  %s %s%s\n", indent - 2, "", qn, ty,
		       qmin ? "   (QNAME minimisation: no more of the name than this server needs, RFC 9156)" : "");
	} else if (ev->state == ITER_RESPONSE) {
		bool bad = !strcmp(ev->kind, "lame") || !strcmp(ev->kind, "timeout");
		printf("%*s    got  %s%s%s: %s\n", indent - 2, "", term_sgr(t->color, bad ? TERM_RED : TERM_GREEN),
		       ev->kind, term_reset(t->color), ev->why);
		t->indent = indent + 6;
		if (ev->response)
			response_records(ev->response, text_record, t);
	} else if (ev->state == ITER_REFERRAL) {
		printf("%*s    so   %s\n", indent - 2, "", ev->why);
	} else if (ev->state == ITER_DONE && ev->depth > 0) {
		printf("%*s    %s\n", indent - 2, "", ev->why);
	} else if (ev->state != ITER_DONE) {
		printf("%*s%s%s%s\n", indent, "", term_sgr(t->color, TERM_CYAN), ev->why, term_reset(t->color));
	}
	free(qn);
	free(sv);
	free(ty);
}

/* The trace tells how delegation works; signatures and proofs are the
 * business of `dnslab validate`, so they are left out here. */
static ldns_rr_list *without_dnssec(const ldns_rr_list *l)
{
	ldns_rr_list *r = ldns_rr_list_new();
	for (size_t i = 0; r && i < ldns_rr_list_rr_count(l); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		ldns_rr *c = validator_is_dnssec_rr(rr) ? NULL : ldns_rr_clone(rr);
		if (c && !ldns_rr_list_push_rr(r, c))
			ldns_rr_free(c);
	}
	return r;
}

static void trace_on_done(void *arg, struct iter *it)
{
	struct trace_run *t = arg;
	iter_result(it, &t->res);
	t->answer = without_dnssec(t->res.answer);
	t->authority = without_dnssec(t->res.authority);
	snprintf(t->ede_text, sizeof t->ede_text, "%s", t->res.ede_text ? t->res.ede_text : "");
	t->res.answer = t->answer;
	t->res.authority = t->authority;
	t->res.ede_text = t->ede_text[0] ? t->ede_text : NULL;
	t->ms = (double)(uv_hrtime() - t->started) / 1e6;
	t->done = true;
	labclient_stop(&t->lc);
}

static int print_result(struct trace_run *t)
{
	char *rc = ldns_pkt_rcode2str(t->res.rcode);
	int status = t->res.rcode == LDNS_RCODE_SERVFAIL ? 1 : 0;
	if (t->json) {
		json_arr_end(&t->j);
		json_key(&t->j, "result");
		json_obj_begin(&t->j);
		json_key(&t->j, "rcode");
		json_str(&t->j, rc);
		json_key(&t->j, "answer");
		json_arr_begin(&t->j);
		pktprint_rr_lines(stdout, &t->j, t->res.answer, "");
		json_arr_end(&t->j);
		json_key(&t->j, "authority");
		json_arr_begin(&t->j);
		pktprint_rr_lines(stdout, &t->j, t->res.authority, "");
		json_arr_end(&t->j);
		if (t->res.ede_text) {
			json_key(&t->j, "ede");
			json_obj_begin(&t->j);
			json_key(&t->j, "code");
			json_int(&t->j, t->res.ede);
			json_key(&t->j, "name");
			json_str(&t->j, pktprint_ede_name(t->res.ede));
			json_key(&t->j, "text");
			json_str(&t->j, t->res.ede_text);
			json_obj_end(&t->j);
		}
		json_key(&t->j, "queries");
		json_uint(&t->j, t->res.queries);
		json_key(&t->j, "time_ms");
		json_double(&t->j, t->ms);
		json_obj_end(&t->j);
		json_obj_end(&t->j);
		json_end(&t->j);
	} else {
		printf("\n%s%s%s after %u quer%s in %.1f ms\n", term_sgr(t->color, status ? TERM_RED : TERM_GREEN), rc,
		       term_reset(t->color), t->res.queries, t->res.queries == 1 ? "y" : "ies", t->ms);
		pktprint_rr_lines(stdout, NULL, t->res.answer, "  ");
		pktprint_rr_lines(stdout, NULL, t->res.authority, "  ");
		if (t->res.ede_text)
			printf("  EDE %u: %s\n", t->res.ede, t->res.ede_text);
	}
	free(rc);
	return status;
}

static double trace_now(void *arg)
{
	return labclock_now(arg);
}

int cmd_trace(int argc, char **argv)
{
	struct labclient_opts lo = { .port = LAB_DEFAULT_PORT, .need_lab = true };
	const char *name, *type;
	bool json;
	int prc = labclient_parse_question("trace", usage, argc, argv, &lo, &name, &type, &json);
	if (prc >= 0)
		return prc;
	ldns_rdf *qname = NULL;
	if (ldns_str2rdf_dname(&qname, name) != LDNS_STATUS_OK) {
		fprintf(stderr, "dnslab trace: '%s' is not a valid domain name\n", name);
		return 2;
	}
	ldns_rr_type qtype = type ? ldns_get_rr_type_by_name(type) : LDNS_RR_TYPE_A;
	struct trace_run t = { .json = json, .color = !json && term_use_color(stdout) };
	struct dl_error err = { 0, "" };
	lo.quiet = json;
	int rc = labclient_open(&t.lc, &lo, &err);
	if (rc) {
		ldns_rdf_deep_free(qname);
		return dl_error_report(&err);
	}
	cache_init(&t.cache, 10000);
	lab_root_hints(t.lc.lab, &t.hints);
	struct iter_config cfg = {
		.hints = &t.hints, .cache = &t.cache, .lame = &t.lame, .port = lo.port, .qmin = !lo.no_qmin,
	};
	struct iter *it = iter_new(&cfg, qname, qtype, LDNS_RR_CLASS_IN, trace_now, &t.lc.lab->clock);
	if (json) {
		json_init(&t.j, stdout);
		json_obj_begin(&t.j);
		json_key(&t.j, "qname");
		json_str(&t.j, name);
		json_key(&t.j, "qtype");
		json_str(&t.j, type ? type : "A");
		json_key(&t.j, "qmin");
		json_bool(&t.j, !lo.no_qmin);
		json_key(&t.j, "port");
		json_int(&t.j, lo.port);
		json_key(&t.j, "steps");
		json_arr_begin(&t.j);
	} else {
		printf("%strace %s %s%s  (lab port %d, QNAME minimisation %s)\n\n", term_sgr(t.color, TERM_BOLD), name,
		       type ? type : "A", term_reset(t.color), lo.port, lo.no_qmin ? "off" : "on");
	}
	ldns_rdf_deep_free(qname);
	int status = 3;
	if (it) {
		iter_on_event(it, trace_on_event, &t);
		struct exchange_opts xo = { .timeout_ms = 800, .tries = 2 };
		t.started = uv_hrtime();
		resolution_start(&t.lc.loop, it, &xo, trace_on_done, &t);
	} else {
		labclient_stop(&t.lc);
	}
	int closed = labclient_run(&t.lc);
	if (t.done)
		status = print_result(&t);
	else
		fprintf(stderr, "dnslab trace: out of memory\n");
	ldns_rr_list_deep_free(t.answer);
	ldns_rr_list_deep_free(t.authority);
	cache_free(&t.cache);
	iter_lame_free(&t.lame);
	iter_hints_free(&t.hints);
	return closed ? closed : status;
}
