/* walk.c: `dnslab walk ZONE`: list a signed zone by following its NSEC
 * chain, one real query per name, like ldns-walk; on an NSEC3 zone, show
 * the hashes that are all a walker gets (dnssec/nsecwalk.h has the logic,
 * this file the packets and the printing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/labclient.h"
#include "dnssec/nsecwalk.h"
#include "lab/lab.h"
#include "net/addr.h"
#include "net/exchange.h"
#include "ui/json.h"

/* A walk ends within this time, whatever the zone's size. */
#define WALK_SECONDS 30

static const char usage[] =
	"usage: dnslab walk ZONE [@SERVER] [--port N] [--max N] [--json]\n"
	"\n"
	"Walk a signed zone: ask its authoritative server for the NSEC record of\n"
	"the apex, then of the next name that record names, and so on, until the\n"
	"chain comes back to the apex.  Each NSEC proves a gap between two names,\n"
	"so together they list every name of the zone with its record types.\n"
	"A zone signed with NSEC3 names hashes instead: the walk stops and shows\n"
	"the hashes it saw.\n"
	"SERVER is a lab server's id (@example, @teach ...), its host name, or an\n"
	"IP address; without it, the lab server authoritative for ZONE.\n"
	"If no lab is running on the port, one is started inside this command.\n"
	"\n"
	"  --max N         stop after N names (default 1000)\n"
	"  -p, --port N    lab port (default 5300)\n"
	"  -t, --topology FILE  the lab topology (default: zones/lab.yaml)\n"
	"  -j, --json      one JSON object: the names, or the NSEC3 hashes\n"
	"  --no-embed      fail instead of starting a lab in this process\n"
	"  -h, --help      this help\n"
	"\n"
	"Exit status: 0 the walk came back to the apex (or reached --max); 1 it\n"
	"could not walk (NSEC3, unsigned, a broken chain); 2 usage; 3 no answer.\n";

struct walk_run {
	struct labclient lc;
	struct nsecwalk w;
	struct sockaddr_storage to;
	uint64_t deadline;
	char error[256]; /* a network failure or the time limit */
};

static void walk_send(struct walk_run *r);

static void walk_on_answer(const struct exchange_result *res, void *arg)
{
	struct walk_run *r = arg;
	ldns_pkt *p = NULL;
	if (res->status)
		snprintf(r->error, sizeof r->error, "no answer: %s", uv_strerror(res->status));
	else if (ldns_wire2pkt(&p, res->msg, res->len) != LDNS_STATUS_OK)
		snprintf(r->error, sizeof r->error, "a malformed answer of %zu bytes", res->len);
	if (p && nsecwalk_take(&r->w, p) == NSECWALK_ASK) {
		if (uv_now(&r->lc.loop) < r->deadline)
			walk_send(r);
		else
			snprintf(r->error, sizeof r->error, "the walk took more than %d s (%zu names so far)",
				 WALK_SECONDS, r->w.nnames);
	}
	ldns_pkt_free(p);
	if (r->error[0] || r->w.state != NSECWALK_ASK)
		labclient_stop(&r->lc);
}

/* The walk's next question, with DO and without RD, as ldns-walk asks. */
static void walk_send(struct walk_run *r)
{
	ldns_pkt *q = ldns_pkt_query_new(ldns_rdf_clone(r->w.qname), r->w.qtype, LDNS_RR_CLASS_IN, 0);
	uint8_t *wire = NULL;
	size_t len = 0;
	int rc = UV_ENOMEM;
	if (q) {
		ldns_pkt_set_random_id(q);
		ldns_pkt_set_edns_udp_size(q, 1232);
		ldns_pkt_set_edns_do(q, true);
		if (ldns_pkt2wire(&wire, q, &len) == LDNS_STATUS_OK)
			rc = exchange_start(&r->lc.loop, (struct sockaddr *)&r->to, wire, len,
					    &(struct exchange_opts){ 0 }, walk_on_answer, r, NULL);
	}
	if (rc)
		snprintf(r->error, sizeof r->error, "cannot send the query: %s", uv_strerror(rc));
	free(wire);
	ldns_pkt_free(q);
}

/* ---- output ---- */

static void print_text(const struct walk_run *r, const char *zone, const char *label, const char *addr, int port)
{
	const struct nsecwalk *w = &r->w;
	printf(";; walk of %s at %s%s%s#%d: asking each name for its NSEC record\n", zone, label,
	       label[0] ? " " : "", addr, port);
	size_t width = 0;
	for (size_t i = 0; i < w->nnames; i++)
		if (strlen(w->names[i].owner) > width)
			width = strlen(w->names[i].owner);
	for (size_t i = 0; i < w->nnames; i++)
		printf("%-*s  %s\n", (int)width, w->names[i].owner, w->names[i].types ? w->names[i].types : "");
	if (r->error[0])
		return; /* said on stderr */
	switch (w->state) {
	case NSECWALK_DONE:
		printf(";; %zu names in %zu queries: the chain came back to %s, so that is the whole zone.\n",
		       w->nnames, w->queries, w->names[w->nnames - 1].next);
		printf(";; Anyone can do this to a zone signed with NSEC (RFC 4034): NSEC3 exists to stop it.\n");
		break;
	case NSECWALK_MAX:
		printf(";; stopped after %zu names (--max); the next name is %s\n", w->nnames,
		       w->names[w->nnames - 1].next);
		break;
	case NSECWALK_NSEC3:
		printf(";; %s proves that names do not exist with NSEC3 (RFC 5155): its records name hashes,\n"
		       ";; not names. The %zu hashes in %zu answers (NSEC3 %s: algorithm 1 is SHA-1, then\n"
		       ";; flags, extra iterations and salt):\n",
		       zone, w->nhashes, w->queries, w->nhashes ? w->hashes[0].params : "?");
		for (size_t i = 0; i < w->nhashes; i++)
			printf("%s -> %s  %s\n", w->hashes[i].hash, w->hashes[i].next ? w->hashes[i].next : "?",
			       w->hashes[i].types && *w->hashes[i].types ? w->hashes[i].types
									 : "(no types: an empty non-terminal)");
		printf(";; The walk stops here. Following the hashes lists hashes, never names: to learn a name,\n"
		       ";; a walker must guess it and hash the guess offline, a dictionary attack that only\n"
		       ";; works for guessable names (RFC 5155 section 12.1.1). More iterations or a salt would not\n"
		       ";; stop it either, only slow resolvers down (RFC 9276). Compare: dnslab walk example.test\n");
		break;
	default:
		printf(";; the walk stopped: %s\n", w->why);
		break;
	}
}

static void print_json(const struct walk_run *r, const char *zone, const char *label, const char *addr, int port)
{
	const struct nsecwalk *w = &r->w;
	static const char *const states[] = { [NSECWALK_ASK] = "stopped",     [NSECWALK_DONE] = "complete",
					      [NSECWALK_MAX] = "max",	       [NSECWALK_NSEC3] = "nsec3",
					      [NSECWALK_UNSIGNED] = "unsigned", [NSECWALK_FAILED] = "failed" };
	struct json j;
	json_init(&j, stdout);
	json_obj_begin(&j);
	json_key(&j, "zone");
	json_str(&j, zone);
	json_key(&j, "server");
	json_obj_begin(&j);
	json_key(&j, "id");
	json_str(&j, label);
	json_key(&j, "address");
	json_str(&j, addr);
	json_key(&j, "port");
	json_int(&j, port);
	json_obj_end(&j);
	json_key(&j, "result");
	json_str(&j, r->error[0] ? "no-answer" : states[w->state]);
	json_key(&j, "queries");
	json_uint(&j, w->queries);
	json_key(&j, "names");
	json_arr_begin(&j);
	for (size_t i = 0; i < w->nnames; i++) {
		json_obj_begin(&j);
		json_key(&j, "name");
		json_str(&j, w->names[i].owner);
		json_key(&j, "types");
		json_str(&j, w->names[i].types ? w->names[i].types : "");
		json_key(&j, "next");
		json_str(&j, w->names[i].next ? w->names[i].next : "");
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "nsec3");
	json_arr_begin(&j);
	for (size_t i = 0; i < w->nhashes; i++) {
		json_obj_begin(&j);
		json_key(&j, "hash");
		json_str(&j, w->hashes[i].hash);
		json_key(&j, "next");
		json_str(&j, w->hashes[i].next ? w->hashes[i].next : "");
		json_key(&j, "types");
		json_str(&j, w->hashes[i].types ? w->hashes[i].types : "");
		json_key(&j, "params");
		json_str(&j, w->hashes[i].params ? w->hashes[i].params : "");
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "why");
	json_str(&j, r->error[0] ? r->error : w->why);
	json_obj_end(&j);
	json_end(&j);
	putchar('\n');
}

/* ---- the command ---- */

int cmd_walk(int argc, char **argv)
{
	struct labclient_opts lo = { .port = LAB_DEFAULT_PORT, .need_lab = true };
	const char *zone = NULL, *server = NULL;
	bool json = false;
	long max = 1000;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int opt;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if ((opt = labclient_option(&lo, argc, argv, &i)) != 0) {
			if (opt < 0)
				return 2;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--max")) {
			char *end = NULL;
			max = i + 1 < argc ? strtol(argv[++i], &end, 10) : 0;
			if (!end || *end || max < 1 || max > 100000) {
				fprintf(stderr, "dnslab walk: --max takes a number of names, 1 to 100000\n");
				return 2;
			}
		} else if (a[0] == '@' && a[1]) {
			server = a + 1;
		} else if (a[0] == '-' || zone) {
			fprintf(stderr, "dnslab walk: unexpected '%s'\n\n%s", a, usage);
			return 2;
		} else {
			zone = a;
		}
	}
	if (!zone) {
		fprintf(stderr, "dnslab walk: which zone? e.g. dnslab walk example.test\n\n%s", usage);
		return 2;
	}
	struct walk_run *r = calloc(1, sizeof *r);
	struct dl_error err = { 0, "" };
	if (!r)
		return 3;
	if (nsecwalk_init(&r->w, zone, (size_t)max, &err)) {
		free(r);
		return dl_error_report(&err);
	}
	char zname[LDNS_MAX_DOMAINLEN * 4 + 2];
	char *zs = ldns_rdf2str(r->w.qname);
	snprintf(zname, sizeof zname, "%s", zs ? zs : zone);
	free(zs);
	/* Which server: the topology names them. */
	struct topology *topo = NULL;
	int rc = lab_topology_load(lo.topology, &topo, &err);
	if (rc) {
		nsecwalk_free(&r->w);
		free(r);
		return dl_error_report(&err);
	}
	const struct topo_server *ts = server ? topology_find(topo, server) : NULL;
	char id[64] = "", addr[64] = "";
	if (ts) {
		snprintf(id, sizeof id, "%s", ts->id);
		snprintf(addr, sizeof addr, "%s", ts->address);
	} else if (server && net_addr_parse(server, lo.port, &r->to) == 0) {
		snprintf(addr, sizeof addr, "%s", server);
	} else if (server) {
		fprintf(stderr, "dnslab walk: '@%s' is neither a lab server (", server);
		for (size_t i = 0; i < topo->nservers; i++)
			fprintf(stderr, "%s@%s", i ? ", " : "", topo->servers[i].id);
		fprintf(stderr, ") nor an IP address\n");
		topology_free(topo);
		nsecwalk_free(&r->w);
		free(r);
		return 2;
	}
	topology_free(topo);
	lo.need_lab = ts || !server;
	lo.quiet = json;
	if ((rc = labclient_open(&r->lc, &lo, &err))) {
		nsecwalk_free(&r->w);
		free(r);
		return dl_error_report(&err);
	}
	if (!addr[0]) {
		const struct topo_server *auth = lab_authority_for(r->lc.lab, zname);
		if (auth && auth->role != TOPO_RESOLVER) {
			snprintf(id, sizeof id, "%s", auth->id);
			snprintf(addr, sizeof addr, "%s", auth->address);
		} else {
			rc = dl_error_set(&err, DL_ERR_USAGE, "no lab server serves %s: name one with @SERVER", zname);
		}
	}
	if (!rc) {
		net_addr_parse(addr, lo.port, &r->to);
		r->deadline = uv_now(&r->lc.loop) + WALK_SECONDS * 1000;
		walk_send(r);
		if (r->error[0])
			labclient_stop(&r->lc);
	} else {
		labclient_stop(&r->lc);
	}
	int closed = labclient_run(&r->lc);
	int status;
	if (rc) {
		status = dl_error_report(&err);
	} else {
		if (json)
			print_json(r, zname, id, addr, lo.port);
		else
			print_text(r, zname, id, addr, lo.port);
		if (r->error[0] && !json)
			fprintf(stderr, "dnslab walk: %s from %s#%d\n", r->error, addr, lo.port);
		status = r->error[0] ? 3 : r->w.state == NSECWALK_DONE || r->w.state == NSECWALK_MAX ? 0 : 1;
	}
	if (closed && !status)
		status = closed;
	nsecwalk_free(&r->w);
	free(r);
	return status;
}
