/* resolve.c: `dnslab resolve`: ask the lab resolver, and say where the
 * answer came from (its cache or the network) and how much TTL is left. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/labclient.h"
#include "net/addr.h"
#include "ui/json.h"
#include "ui/pktprint.h"
#include "ui/term.h"

static const char usage[] =
	"usage: dnslab resolve NAME [TYPE] [--port N] [--json]\n"
	"\n"
	"Ask the lab's recursive resolver for NAME and print the answer, with where\n"
	"it came from: the resolver's cache (and the TTL left) or the network (and\n"
	"how many queries the resolver sent).  Ask twice to see the cache at work.\n"
	"Exit status 1 when the resolver answers SERVFAIL.\n"
	"\n"
	"  -p, --port N     lab port (default 5300)\n"
	"  -t, --topology FILE  the lab topology (default: zones/lab.yaml)\n"
	"  --clock OFFSET   lab clock offset (e.g. +1h) for a lab started here\n"
	"  --no-qmin        no QNAME minimisation in a lab started here\n"
	"  --no-embed       fail instead of starting a lab in this process\n"
	"  -j, --json       one JSON object\n"
	"  -h, --help       this help\n";

struct resolve_run {
	struct labclient lc;
	uint8_t *answer;
	size_t len;
	int status;
	double rtt_ms;
};

static void resolve_on_answer(const struct exchange_result *r, void *arg)
{
	struct resolve_run *run = arg;
	run->status = r->status;
	run->rtt_ms = r->rtt_ms;
	if (r->status == 0 && (run->answer = malloc(r->len)) != NULL) {
		memcpy(run->answer, r->msg, r->len);
		run->len = r->len;
	}
	labclient_stop(&run->lc);
}

static uint8_t *build_query(const char *name, ldns_rr_type type, size_t *len)
{
	ldns_rdf *dname = NULL;
	if (ldns_str2rdf_dname(&dname, name) != LDNS_STATUS_OK)
		return NULL;
	ldns_pkt *p = ldns_pkt_query_new(dname, type, LDNS_RR_CLASS_IN, LDNS_RD);
	if (!p)
		return NULL;
	ldns_pkt_set_random_id(p);
	ldns_pkt_set_edns_udp_size(p, 1232);
	/* AD=1 asks whether the data validated (RFC 6840 5.7), without DO's
	 * signatures in the answer. */
	ldns_pkt_set_ad(p, true);
	ldns_edns_option_list *opts = ldns_edns_option_list_new();
	ldns_edns_option *o = ldns_edns_new_from_data((ldns_edns_option_code)RESOLVER_OPT_CACHE_INFO, 0, "");
	if (opts && o && ldns_edns_option_list_push(opts, o))
		ldns_pkt_set_edns_option_list(p, opts);
	else {
		ldns_edns_deep_free(o);
		ldns_edns_option_list_deep_free(opts);
	}
	uint8_t *wire = NULL;
	if (ldns_pkt2wire(&wire, p, len) != LDNS_STATUS_OK) {
		free(wire);
		wire = NULL;
	}
	ldns_pkt_free(p);
	return wire;
}

/* Our cache-info option in the reply: 0 when absent. */
static int cache_info(ldns_pkt *p, bool *cached, unsigned *queries)
{
	ldns_edns_option_list *l = ldns_pkt_edns_get_option_list(p);
	for (size_t i = 0; l && i < ldns_edns_option_list_get_count(l); i++) {
		ldns_edns_option *o = ldns_edns_option_list_get_option(l, i);
		if (ldns_edns_get_code(o) == RESOLVER_OPT_CACHE_INFO && ldns_edns_get_size(o) == 3) {
			const uint8_t *d = ldns_edns_get_data(o);
			*cached = d[0] == 1;
			*queries = (unsigned)(d[1] << 8 | d[2]);
			return 1;
		}
	}
	return 0;
}

static int report(const char *name, const char *type, const char *addr, int port, struct resolve_run *run,
		  bool json)
{
	ldns_pkt *p = NULL;
	if (ldns_wire2pkt(&p, run->answer, run->len) != LDNS_STATUS_OK) {
		fprintf(stderr, "dnslab resolve: the resolver's answer does not parse\n");
		return 3;
	}
	bool cached = false, color = !json && term_use_color(stdout);
	unsigned queries = 0;
	int known = cache_info(p, &cached, &queries);
	/* The TTL left: of the answer, or of the SOA that carries a negative one. */
	const ldns_rr_list *ttl_from = ldns_rr_list_rr_count(ldns_pkt_answer(p)) ? ldns_pkt_answer(p) : ldns_pkt_authority(p);
	uint32_t ttl = ldns_rr_list_rr_count(ttl_from) ? ldns_rr_ttl(ldns_rr_list_rr(ttl_from, 0)) : 0;
	char *rcode = ldns_pkt_rcode2str(ldns_pkt_get_rcode(p));
	uint16_t ede_code = 0;
	char ede[300] = "";
	ldns_edns_option_list *l = ldns_pkt_edns_get_option_list(p);
	for (size_t i = 0; l && i < ldns_edns_option_list_get_count(l); i++) {
		ldns_edns_option *o = ldns_edns_option_list_get_option(l, i);
		size_t n = ldns_edns_get_size(o);
		if (ldns_edns_get_code(o) == LDNS_EDNS_EDE && n >= 2) {
			const uint8_t *d = ldns_edns_get_data(o);
			ede_code = (uint16_t)(d[0] << 8 | d[1]);
			snprintf(ede, sizeof ede, "%.*s", (int)(n - 2), (const char *)d + 2);
		}
	}
	const char *source = !known ? "unknown" : cached ? "cache" : "network";
	if (json) {
		struct json j;
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_key(&j, "qname");
		json_str(&j, name);
		json_key(&j, "qtype");
		json_str(&j, type);
		json_key(&j, "resolver");
		json_obj_begin(&j);
		json_key(&j, "address");
		json_str(&j, addr);
		json_key(&j, "port");
		json_int(&j, port);
		json_obj_end(&j);
		json_key(&j, "rcode");
		json_str(&j, rcode);
		json_key(&j, "answer");
		json_arr_begin(&j);
		pktprint_rr_lines(stdout, &j, ldns_pkt_answer(p), "");
		json_arr_end(&j);
		json_key(&j, "authority");
		json_arr_begin(&j);
		pktprint_rr_lines(stdout, &j, ldns_pkt_authority(p), "");
		json_arr_end(&j);
		json_key(&j, "ad");
		json_bool(&j, ldns_pkt_ad(p));
		json_key(&j, "source");
		json_str(&j, source);
		json_key(&j, "queries");
		json_uint(&j, queries);
		json_key(&j, "ttl");
		json_uint(&j, ttl);
		json_key(&j, "ede");
		if (ede_code || ede[0]) {
			json_obj_begin(&j);
			json_key(&j, "code");
			json_int(&j, ede_code);
			json_key(&j, "name");
			json_str(&j, pktprint_ede_name(ede_code));
			json_key(&j, "text");
			json_str(&j, ede);
			json_obj_end(&j);
		} else {
			json_null(&j);
		}
		json_key(&j, "rtt_ms");
		json_double(&j, run->rtt_ms);
		json_obj_end(&j);
		json_end(&j);
	} else {
		if (ldns_pkt_get_rcode(p) != LDNS_RCODE_NOERROR || !ldns_rr_list_rr_count(ldns_pkt_answer(p)))
			printf("%s%s%s: %s %s\n", term_sgr(color, TERM_RED), rcode, term_reset(color), name, type);
		pktprint_rr_lines(stdout, NULL, ldns_pkt_answer(p), "");
		pktprint_rr_lines(stdout, NULL, ldns_pkt_authority(p), "");
		if (ede_code || ede[0]) {
			const char *en = pktprint_ede_name(ede_code);
			printf("EDE %u (%s): %s\n", ede_code, en ? en : "?", ede);
		}
		printf("\n%s", term_sgr(color, TERM_DIM));
		if (ldns_pkt_get_rcode(p) != LDNS_RCODE_SERVFAIL)
			printf(";; DNSSEC: %s\n", ldns_pkt_ad(p) ? "secure: the resolver validated it (flag AD)"
							 : "not secure: unsigned, or below an insecure delegation (no AD)");
		if (!known)
			printf(";; answered by %s#%d\n", addr, port);
		else if (ldns_pkt_get_rcode(p) == LDNS_RCODE_SERVFAIL)
			printf(";; SERVFAIL after %u quer%s from the resolver%s (resolver %s#%d)\n", queries,
			       queries == 1 ? "y" : "ies",
			       queries ? ""
			       : ede_code >= 6 && ede_code <= 12 ? ": the data it holds failed validation (see the EDE)"
							    : ": it remembers that these servers failed",
			       addr, port);
		else if (cached)
			printf(";; from the resolver's cache: %u s of the %sTTL left (resolver %s#%d)\n", ttl,
			       ldns_rr_list_rr_count(ldns_pkt_answer(p)) ? "" : "negative ", addr, port);
		else
			printf(";; from the network: the resolver sent %u quer%s to resolve it (resolver %s#%d)\n", queries,
			       queries == 1 ? "y" : "ies", addr, port);
		printf("%s", term_reset(color));
	}
	int status = ldns_pkt_get_rcode(p) == LDNS_RCODE_SERVFAIL ? 1 : 0;
	free(rcode);
	ldns_pkt_free(p);
	return status;
}

int cmd_resolve(int argc, char **argv)
{
	struct labclient_opts lo = { .port = LAB_DEFAULT_PORT, .need_lab = true };
	const char *name, *type;
	bool json;
	int prc = labclient_parse_question("resolve", usage, argc, argv, &lo, &name, &type, &json);
	if (prc >= 0)
		return prc;
	ldns_rr_type qtype = type ? ldns_get_rr_type_by_name(type) : LDNS_RR_TYPE_A;
	size_t qlen = 0;
	uint8_t *q = build_query(name, qtype, &qlen);
	if (!q) {
		fprintf(stderr, "dnslab resolve: '%s' is not a valid domain name\n", name);
		return 2;
	}
	struct resolve_run run = { 0 };
	struct dl_error err = { 0, "" };
	lo.quiet = json;
	int rc = labclient_open(&run.lc, &lo, &err);
	if (rc) {
		free(q);
		return dl_error_report(&err);
	}
	const struct topo_server *res = lab_resolver(run.lc.lab);
	char addr[64] = "";
	if (res)
		snprintf(addr, sizeof addr, "%s", res->address);
	struct sockaddr_storage to;
	if (!res || net_addr_parse(addr, lo.port, &to) != 0) {
		rc = dl_error_set(&err, DL_ERR_INPUT, "%s has no server with role: resolver", run.lc.lab->topo->path);
		labclient_stop(&run.lc);
	} else {
		struct exchange_opts xo = { .timeout_ms = 3000, .tries = 1 };
		int xrc = exchange_start(&run.lc.loop, (struct sockaddr *)&to, q, qlen, &xo, resolve_on_answer, &run, NULL);
		if (xrc) {
			rc = dl_error_set(&err, DL_ERR_NET, "cannot send to %s#%d: %s", addr, lo.port, uv_strerror(xrc));
			labclient_stop(&run.lc);
		}
	}
	int closed = labclient_run(&run.lc);
	int status;
	if (rc)
		status = dl_error_report(&err);
	else if (run.status || !run.answer) {
		fprintf(stderr, "dnslab resolve: no answer from the resolver at %s#%d: %s\n", addr, lo.port,
			uv_strerror(run.status ? run.status : UV_ENOMEM));
		status = 3;
	} else {
		const char *tn = type ? type : "A";
		status = report(name, tn, addr, lo.port, &run, json);
	}
	free(run.answer);
	free(q);
	return closed ? closed : status;
}
