/* query.c: `dnslab query`: a dig-like stub client for the lab.
 *
 * When no lab answers on the lab port, the lab is started inside this
 * process for this one query: binding the lab's own sockets tells at once
 * whether another lab holds them, with no timeout to wait for. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/labclient.h"
#include "lab/lab.h"
#include "lab/labtls.h"
#include "lab/paths.h"
#include "net/addr.h"
#include "net/exchange.h"
#include "ui/pktprint.h"
#include "ui/term.h"

static const char usage[] =
	"usage: dnslab query NAME [TYPE] [CLASS] [@SERVER] [+OPTION...] [--port N] [--json]\n"
	"       dnslab query -x ADDRESS [@SERVER] [+OPTION...]\n"
	"\n"
	"Ask one lab server one question and print the answer like dig.\n"
	"SERVER is a lab server's id (@root, @tld, @example ...), its host name, or\n"
	"an IP address.  Without @SERVER the lab's resolver is asked when the lab\n"
	"has one, else the server authoritative for NAME.\n"
	"If no lab is running on the port, one is started inside this command.\n"
	"\n"
	"  +tcp            ask over TCP (UDP otherwise; TC=1 falls back to TCP)\n"
	"  +tls            ask over DNS over TLS (RFC 7858) on the server's DoT port:\n"
	"                  853 for lab port 53, else the lab port + 1 (5301); the\n"
	"                  certificate must be signed by the lab CA and name the server\n"
	"  +tls-ca=FILE    the CA to trust for +tls (default: tls/ca.pem in the lab's\n"
	"                  directory, $DNSLAB_HOME or ~/.local/share/dnslab)\n"
	"  +tls-hostname=NAME  the name the certificate must carry (default: the lab\n"
	"                  server's host name, e.g. resolver.isp.test)\n"
	"                  Over TLS the query is padded to 128 bytes (EDNS padding,\n"
	"                  RFC 8467), so its encrypted size does not tell the name.\n"
	"  +dnssec         set the DO bit: ask for DNSSEC records\n"
	"  +norec          clear RD: ask a non-recursive question, as resolvers do\n"
	"  +cd             set CD: checking disabled\n"
	"  +noedns         send no EDNS OPT record (512-byte UDP limit)\n"
	"  +bufsize=N      advertise an EDNS UDP size of N (default 1232)\n"
	"  +ignore         keep a truncated UDP answer, do not retry over TCP\n"
	"  +short          print only the answer's data\n"
	"  -x ADDRESS      the reverse question: PTR for ADDRESS (IPv4 or IPv6)\n"
	"  -b ADDRESS      send from this local address (like dig -b), e.g. 127.0.0.9\n"
	"  -p, --port N    lab port (default 5300)\n"
	"  -t, --topology FILE  the lab topology (default: zones/lab.yaml)\n"
	"  --timeout MS    per-try timeout (default 1500)\n"
	"  -j, --json      one JSON object with the whole response\n"
	"  --no-embed      fail instead of starting a lab in this process\n"
	"  --clock OFFSET  lab clock offset (e.g. +1h) for a lab started here\n"
	"  --no-qmin       no QNAME minimisation in a lab started here\n"
	"  -h, --help      this help\n"
	"\n"
	"Exit status: 0 an answer (whatever its RCODE), 2 a usage error, 3 no answer:\n"
	"a timeout, a refused connection, or a TLS certificate that was not accepted.\n";

struct query_opts {
	const char *name, *type, *klass, *server;
	struct labclient_opts lab; /* --port, --topology, --clock, --no-qmin, --no-embed */
	bool tcp, tls, dnssec, norec, cd, noedns, ignore_tc, short_out, json;
	const char *tls_ca, *tls_host; /* +tls-ca=, +tls-hostname= */
	struct sockaddr_storage source; /* -b ADDRESS */
	bool has_source;
	unsigned bufsize, timeout_ms;
	char reverse[128]; /* -x ADDRESS: the PTR name */
};

struct query_run {
	struct labclient lc;
	struct exchange_result result;
	uint8_t *answer; /* copy of result.msg */
	char error[300]; /* copy of result.error */
	bool done;
};

static int parse_args(int argc, char **argv, struct query_opts *o)
{
	memset(o, 0, sizeof *o);
	o->lab.port = LAB_DEFAULT_PORT;
	o->bufsize = 1232;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		int opt;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 1;
		} else if ((opt = labclient_option(&o->lab, argc, argv, &i)) != 0) {
			if (opt < 0)
				return -1;
		} else if (!strcmp(a, "--timeout")) {
			if (!val)
				goto missing;
			int ms = atoi(argv[++i]);
			if (ms < 1 || ms > 60000) {
				fprintf(stderr, "dnslab query: --timeout takes milliseconds, 1 to 60000\n");
				return -1;
			}
			o->timeout_ms = (unsigned)ms;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			o->json = true;
		} else if (!strcmp(a, "-x")) {
			/* Like dig -x: the PTR question for an address (RFC 1035 3.5,
			 * RFC 3596 2.5), the name built by ldns. */
			if (!val)
				goto missing;
			ldns_rdf *addr = ldns_rdf_new_frm_str(strchr(val, ':') ? LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A, val);
			ldns_rdf *rev = addr ? ldns_rdf_address_reverse(addr) : NULL;
			char *rs = rev ? ldns_rdf2str(rev) : NULL;
			ldns_rdf_deep_free(addr);
			ldns_rdf_deep_free(rev);
			if (!rs) {
				fprintf(stderr, "dnslab query: -x '%s' is not an IPv4 or IPv6 address\n", val);
				return -1;
			}
			snprintf(o->reverse, sizeof o->reverse, "%s", rs);
			free(rs);
			o->name = o->reverse;
			o->type = "PTR";
			i++;
		} else if (!strcmp(a, "-b")) {
			if (!val)
				goto missing;
			if (net_addr_parse(val, 0, &o->source) != 0) {
				fprintf(stderr, "dnslab query: -b '%s' is not an IPv4 or IPv6 address\n", val);
				return -1;
			}
			o->has_source = true;
			i++;
		} else if (a[0] == '@') {
			o->server = a + 1;
		} else if (a[0] == '+') {
			const char *p = a + 1;
			bool no = !strncmp(p, "no", 2) && strcmp(p, "norec") && strcmp(p, "noedns");
			if (no)
				p += 2;
			if (!strcmp(p, "tcp") || !strcmp(p, "vc"))
				o->tcp = !no;
			else if (!strcmp(p, "tls"))
				o->tls = !no;
			else if (!strncmp(p, "tls-ca=", 7) && p[7] && !no)
				o->tls_ca = p + 7, o->tls = true;
			else if (!strncmp(p, "tls-hostname=", 13) && p[13] && !no)
				o->tls_host = p + 13, o->tls = true;
			else if (!strcmp(p, "dnssec"))
				o->dnssec = !no;
			else if (!strcmp(p, "norec"))
				o->norec = true;
			else if (!strcmp(p, "rec") || !strcmp(p, "recurse"))
				o->norec = no;
			else if (!strcmp(p, "cd") || !strcmp(p, "cdflag"))
				o->cd = !no;
			else if (!strcmp(p, "noedns"))
				o->noedns = true;
			else if (!strcmp(p, "edns"))
				o->noedns = no;
			else if (!strcmp(p, "ignore"))
				o->ignore_tc = !no;
			else if (!strcmp(p, "short"))
				o->short_out = !no;
			else if (!strncmp(p, "bufsize=", 8)) {
				char *end = NULL;
				long v = strtol(p + 8, &end, 10);
				if (!p[8] || *end || v < 0 || v > 65535) {
					fprintf(stderr, "dnslab query: %s: the EDNS buffer size is 0 to 65535 bytes\n", a);
					return -1;
				}
				o->bufsize = (unsigned)v;
			} else {
				fprintf(stderr, "dnslab query: unknown option '%s' (see dnslab query --help)\n", a);
				return -1;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "dnslab query: unknown option '%s' (see dnslab query --help)\n", a);
			return -1;
		} else if (!o->name) {
			o->name = a;
		} else if (!o->type && ldns_get_rr_type_by_name(a)) {
			o->type = a;
		} else if (!o->klass && ldns_get_rr_class_by_name(a)) {
			o->klass = a;
		} else {
			fprintf(stderr, "dnslab query: '%s' is not a record type or class (e.g. A, AAAA, MX, NS, TXT)\n", a);
			return -1;
		}
	}
	if (!o->name) {
		fprintf(stderr, "dnslab query: which name? e.g. dnslab query www.example.test\n\n%s", usage);
		return -1;
	}
	return 0;
missing:
	fprintf(stderr, "dnslab query: %s needs a value\n", argv[argc - 1]);
	return -1;
}

static uint8_t *build_query(const struct query_opts *o, size_t *len, struct dl_error *err)
{
	ldns_rdf *name = NULL;
	if (ldns_str2rdf_dname(&name, o->name) != LDNS_STATUS_OK) {
		dl_error_set(err, DL_ERR_USAGE, "'%s' is not a valid domain name", o->name);
		return NULL;
	}
	ldns_rr_type type = o->type ? ldns_get_rr_type_by_name(o->type) : LDNS_RR_TYPE_A;
	ldns_rr_class klass = o->klass ? ldns_get_rr_class_by_name(o->klass) : LDNS_RR_CLASS_IN;
	ldns_pkt *p = ldns_pkt_query_new(name, type, klass, o->norec ? 0 : LDNS_RD);
	if (!p) {
		dl_error_set(err, DL_ERR_NOMEM, "out of memory");
		return NULL;
	}
	ldns_pkt_set_random_id(p);
	ldns_pkt_set_cd(p, o->cd);
	if (!o->noedns) {
		ldns_pkt_set_edns_udp_size(p, (uint16_t)(o->bufsize ? o->bufsize : 512));
		ldns_pkt_set_edns_do(p, o->dnssec);
		/* ldns writes an OPT only when some EDNS field is set. */
		if (!o->bufsize && !o->dnssec)
			ldns_pkt_set_edns_udp_size(p, 512);
	}
	uint8_t *wire = NULL;
	if (ldns_pkt2wire(&wire, p, len) != LDNS_STATUS_OK) {
		dl_error_set(err, DL_ERR_NOMEM, "could not encode the query");
		wire = NULL;
	}
	/* Over TLS, pad to a multiple of 128 bytes (RFC 7830, RFC 8467 4.1),
	 * as kdig does: otherwise the encrypted size tells the name's length. */
	size_t pad = (128 - (*len + 4) % 128) % 128;
	if (wire && o->tls && !o->noedns) {
		uint8_t *zeros = calloc(1, pad + 1);
		ldns_edns_option_list *list = ldns_edns_option_list_new();
		ldns_edns_option *opt = zeros ? ldns_edns_new_from_data(LDNS_EDNS_PADDING, pad, zeros) : NULL;
		free(zeros);
		if (list && opt && ldns_edns_option_list_push(list, opt)) {
			ldns_pkt_set_edns_option_list(p, list);
			free(wire);
			wire = NULL;
			if (ldns_pkt2wire(&wire, p, len) != LDNS_STATUS_OK) {
				dl_error_set(err, DL_ERR_NOMEM, "could not encode the query");
				wire = NULL;
			}
		} else {
			ldns_edns_deep_free(opt);
			ldns_edns_option_list_deep_free(list);
		}
	}
	ldns_pkt_free(p);
	return wire;
}

static void query_on_answer(const struct exchange_result *r, void *arg)
{
	struct query_run *run = arg;
	run->result = *r;
	run->result.msg = NULL;
	if (r->error) {
		snprintf(run->error, sizeof run->error, "%s", r->error);
		run->result.error = run->error;
	}
	if (r->status == 0 && (run->answer = malloc(r->len)) != NULL) {
		memcpy(run->answer, r->msg, r->len);
		run->result.msg = run->answer;
	}
	run->done = true;
	labclient_stop(&run->lc);
}

static void print_short(const ldns_pkt *p)
{
	const ldns_rr_list *an = ldns_pkt_answer(p);
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		for (size_t f = 0; f < ldns_rr_rd_count(rr); f++) {
			char *s = ldns_rdf2str(ldns_rr_rdf(rr, f));
			printf("%s%s", f ? " " : "", s ? s : "?");
			free(s);
		}
		putchar('\n');
	}
}

static int print_answer(const struct query_opts *o, const struct query_run *run, const char *label,
			const char *addr)
{
	const struct exchange_result *r = &run->result;
	int port = o->tls ? labtls_port(o->lab.port) : o->lab.port;
	if (r->status && o->tls) {
		fprintf(stderr, ";; TLS error with %s#%d: %s\n", addr, port, r->error ? r->error : uv_strerror(r->status));
		fprintf(stderr, ";; no answer over TLS from %s%s%s; %s\n", label ? label : addr, label ? " at " : "",
			label ? addr : "",
			r->error && strstr(r->error, "certificate")
				? "is +tls-ca= the lab's CA, and +tls-hostname= the server's name?"
				: "does it offer DNS over TLS? (in the lab only the resolver does)");
		return 3;
	}
	if (r->status) {
		fprintf(stderr, ";; communications error to %s#%d: %s\n", addr, o->lab.port, uv_strerror(r->status));
		fprintf(stderr, ";; no answer from %s%s%s after %u tries; is something else using port %d?\n",
			label ? label : addr, label ? " at " : "", label ? addr : "", r->tries ? r->tries : 1,
			o->lab.port);
		return 3;
	}
	if (!r->msg)
		return 3;
	ldns_pkt *p = NULL;
	if (ldns_wire2pkt(&p, r->msg, r->len) != LDNS_STATUS_OK) {
		fprintf(stderr, ";; malformed answer of %zu bytes from %s#%d\n", r->len, addr, o->lab.port);
		return 3;
	}
	struct pktprint_meta m = {
		.server_label = label, .server_addr = addr, .port = port,
		.transport = r->transport == NET_TLS ? "TLS" : r->transport == NET_TCP ? "TCP" : "UDP",
		.rtt_ms = r->rtt_ms, .size = r->len, .when = time(NULL), .tc_retry = r->tc_fallback,
	};
	if (o->json)
		pktprint_json(stdout, p, &m);
	else if (o->short_out)
		print_short(p);
	else
		pktprint_text(stdout, p, &m, term_use_color(stdout));
	ldns_pkt_free(p);
	return 0;
}

int cmd_query(int argc, char **argv)
{
	struct query_opts o;
	int prc = parse_args(argc, argv, &o);
	if (prc)
		return prc > 0 ? 0 : 2;
	struct dl_error err = { 0, "" };
	size_t qlen = 0;
	uint8_t *q = build_query(&o, &qlen, &err);
	if (!q)
		return dl_error_report(&err);
	/* The topology names the servers, so load it before anything else. */
	struct topology *topo = NULL;
	int rc = lab_topology_load(o.lab.topology, &topo, &err);
	if (rc) {
		free(q);
		return dl_error_report(&err);
	}
	/* Which server: a lab server by id, name or address, or any IP. */
	const struct topo_server *ts = NULL;
	const char *server = o.server;
	if (!server) {
		ts = topology_find(topo, "resolver");
		if (!ts) {
			for (size_t i = 0; i < topo->nservers; i++)
				if (topo->servers[i].role == TOPO_RESOLVER)
					ts = &topo->servers[i];
		}
	} else {
		ts = topology_find(topo, server);
	}
	struct sockaddr_storage to;
	if (server && !ts && net_addr_parse(server, o.lab.port, &to) != 0) {
		fprintf(stderr, "dnslab query: '@%s' is neither a lab server (", server);
		for (size_t i = 0; i < topo->nservers; i++)
			fprintf(stderr, "%s@%s", i ? ", " : "", topo->servers[i].id);
		fprintf(stderr, ") nor an IP address\n");
		free(q);
		topology_free(topo);
		return 2;
	}
	char id[64] = "", addr[64] = "", host[300] = "";
	if (ts) {
		snprintf(id, sizeof id, "%s", ts->id);
		snprintf(addr, sizeof addr, "%s", ts->address);
		snprintf(host, sizeof host, "%s", ts->name);
	} else if (server) {
		snprintf(addr, sizeof addr, "%s", server);
	}
	topology_free(topo);
	struct query_run run = { 0 };
	struct labclient_opts lo = o.lab;
	lo.need_lab = ts || !server;
	rc = labclient_open(&run.lc, &lo, &err);
	if (rc) {
		free(q);
		return dl_error_report(&err);
	}
	if (!addr[0]) { /* no resolver in the topology: the server for the name */
		const struct topo_server *auth = lab_authority_for(run.lc.lab, o.name);
		if (!auth)
			auth = &run.lc.lab->topo->servers[0];
		snprintf(id, sizeof id, "%s", auth->id);
		snprintf(addr, sizeof addr, "%s", auth->address);
		snprintf(host, sizeof host, "%s", auth->name);
	}
	/* The certificate names the server's host name (without the root's
	 * dot), or, for a bare address, that address. */
	size_t hl = strlen(host);
	if (hl > 1 && host[hl - 1] == '.')
		host[hl - 1] = '\0';
	char ca[4300];
	if (o.tls && !o.tls_ca) {
		char userdir[4096];
		struct labtls_files tf;
		labtls_files(paths_userdir(userdir, sizeof userdir), &tf);
		snprintf(ca, sizeof ca, "%s", tf.ca);
		o.tls_ca = ca;
	}
	net_addr_parse(addr, o.tls ? labtls_port(o.lab.port) : o.lab.port, &to);
	struct exchange_opts xo = {
		.tcp = o.tcp, .no_tc_fallback = o.ignore_tc, .timeout_ms = o.timeout_ms,
		.source = o.has_source ? (struct sockaddr *)&o.source : NULL,
		.tls = o.tls, .tls_ca = o.tls_ca, .tls_host = o.tls_host ? o.tls_host : host[0] ? host : addr,
	};
	int xrc = exchange_start(&run.lc.loop, (struct sockaddr *)&to, q, qlen, &xo, query_on_answer, &run, NULL);
	if (xrc) {
		rc = dl_error_set(&err, DL_ERR_NET, "cannot send to %s#%d: %s", addr, net_addr_port((struct sockaddr *)&to),
				  uv_strerror(xrc));
		labclient_stop(&run.lc);
	}
	int closed = labclient_run(&run.lc);
	int status = rc ? dl_error_report(&err) : print_answer(&o, &run, id[0] ? id : NULL, addr);
	if (closed && !status)
		status = closed;
	free(run.answer);
	free(q);
	return status;
}
