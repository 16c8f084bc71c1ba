/* labclient.c: use the running lab, or start one here (labclient.h). */
#include "cmd/labclient.h"

#include "cmd/cmd.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/addr.h"
#include "resolver/resolver.h"

/* The running lab's answer to CH TXT name, asked of its resolver (see
 * resolver.h), or NULL when it does not answer in time.  Caller frees. */
static ldns_pkt *ask_lab(const struct lab *lab, int port, const char *name)
{
	const struct topo_server *r = lab_resolver(lab);
	struct sockaddr_storage to;
	if (!r || net_addr_parse(r->address, port, &to) != 0)
		return NULL;
	ldns_pkt *q = ldns_pkt_query_new(ldns_dname_new_frm_str(name), LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_CH, 0);
	uint8_t *wire = NULL, buf[4096];
	size_t len = 0;
	ldns_pkt *a = NULL;
	int fd = -1;
	if (!q)
		return NULL;
	ldns_pkt_set_random_id(q);
	uint16_t id = ldns_pkt_id(q);
	if (ldns_pkt2wire(&wire, q, &len) == LDNS_STATUS_OK &&
	    (fd = socket(to.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) >= 0 &&
	    sendto(fd, wire, len, 0, (struct sockaddr *)&to,
		   to.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) == (ssize_t)len) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		if (!(poll(&pfd, 1, 300) == 1 && (n = recv(fd, buf, sizeof buf, 0)) > 12 &&
		      ldns_wire2pkt(&a, buf, (size_t)n) == LDNS_STATUS_OK && ldns_pkt_id(a) == id &&
		      ldns_pkt_get_rcode(a) == LDNS_RCODE_NOERROR)) {
			ldns_pkt_free(a);
			a = NULL;
		}
	}
	if (fd >= 0)
		close(fd);
	free(wire);
	ldns_pkt_free(q);
	return a;
}

/* String i of TXT record t, without its quotes, as a number. */
static bool txt_number(const ldns_rr *t, size_t i, long long *out)
{
	char *text = ldns_rr_rd_count(t) > i ? ldns_rdf2str(ldns_rr_rdf(t, i)) : NULL;
	bool ok = text && sscanf(text, "\"%lld\"", out) == 1;
	free(text);
	return ok;
}

/* The running lab's clock offset (CH TXT clock.dnslab.: "epoch" "offset"),
 * so that a command validates at the same lab time the lab serves. */
static bool ask_clock(const struct lab *lab, int port, int64_t *offset)
{
	ldns_pkt *a = ask_lab(lab, port, RESOLVER_CLOCK_NAME);
	long long off;
	bool ok = a && ldns_rr_list_rr_count(ldns_pkt_answer(a)) == 1 &&
		  txt_number(ldns_rr_list_rr(ldns_pkt_answer(a), 0), 1, &off);
	if (ok)
		*offset = off;
	ldns_pkt_free(a);
	return ok;
}

/* The running lab's negative trust anchors (CH TXT nta.dnslab.: "NAME"
 * "UNTIL" each), into l, so that validate and chain judge as its resolver
 * does.  An NTA that does not parse is left out. */
static void ask_ntas(const struct lab *lab, int port, double now, struct nta_list *l)
{
	ldns_pkt *a = ask_lab(lab, port, RESOLVER_NTA_NAME);
	const ldns_rr_list *an = a ? ldns_pkt_answer(a) : NULL;
	for (size_t i = 0; an && i < ldns_rr_list_rr_count(an); i++) {
		const ldns_rr *t = ldns_rr_list_rr(an, i);
		long long until;
		char *name = ldns_rr_rd_count(t) >= 1 ? ldns_rdf2str(ldns_rr_rdf(t, 0)) : NULL;
		size_t nl = name ? strlen(name) : 0;
		struct dl_error err = { 0, "" };
		if (nl > 2 && name[0] == '"' && name[nl - 1] == '"' && txt_number(t, 1, &until) && (double)until > now) {
			name[nl - 1] = '\0';
			nta_add(l, name + 1, now, (double)until - now, &err);
		}
		free(name);
	}
	ldns_pkt_free(a);
}

int labclient_open(struct labclient *c, const struct labclient_opts *o, struct dl_error *err)
{
	memset(c, 0, sizeof *c);
	nta_init(&c->nta);
	int rc = lab_load(&c->lab, o->topology, o->port, err);
	if (rc)
		return rc;
	c->lab->clock.offset = o->clock_offset;
	c->lab->qmin = !o->no_qmin;
	uv_loop_init(&c->loop);
	signal(SIGPIPE, SIG_IGN);
	if (!o->need_lab) {
		c->stopped = true;
		return 0;
	}
	bool all_busy = false;
	rc = lab_listen(c->lab, &c->loop, &all_busy, err);
	if (rc == 0 && o->no_embed) {
		rc = dl_error_set(err, DL_ERR_ENV,
				  "no lab is running on port %d; start one with 'dnslab serve --port %d' (or drop --no-embed)",
				  o->port, o->port);
	} else if (rc == 0) {
		c->embedded = true;
		if (!o->quiet)
			fprintf(stderr, ";; no lab on port %d: started one inside this command\n", o->port);
		return 0;
	} else if (all_busy) {
		rc = 0; /* a lab is running there: talk to it, at its time */
		int64_t off;
		if (o->lab_clock && !o->clock_given && ask_clock(c->lab, o->port, &off))
			c->lab->clock.offset = off;
		if (o->lab_clock)
			ask_ntas(c->lab, o->port, labclock_now(&c->lab->clock), &c->nta);
	}
	lab_close(c->lab, NULL);
	c->stopped = true;
	if (rc) {
		uv_run(&c->loop, UV_RUN_DEFAULT);
		uv_loop_close(&c->loop);
		lab_free(c->lab);
		nta_free(&c->nta);
		c->lab = NULL;
	}
	return rc;
}

void labclient_stop(struct labclient *c)
{
	if (c->stopped)
		return;
	c->stopped = true;
	lab_close(c->lab, NULL);
}

int labclient_run(struct labclient *c)
{
	uv_run(&c->loop, UV_RUN_DEFAULT);
	labclient_stop(c);
	uv_run(&c->loop, UV_RUN_DEFAULT);
	int rc = uv_loop_close(&c->loop);
	lab_free(c->lab);
	c->lab = NULL;
	nta_free(&c->nta);
	if (rc) {
		fprintf(stderr, "dnslab: internal error: handles left open at exit\n");
		return 3;
	}
	return 0;
}

int labclient_parse_clock(const char *value, int64_t *out)
{
	if (labclock_parse_offset(value, out) != 0) {
		fprintf(stderr, "dnslab: --clock '%s': give an offset such as +40d, +1h30m or -2h (units s m h d w)\n",
			value);
		return -1;
	}
	return 0;
}

int labclient_option(struct labclient_opts *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	bool has_value = *i + 1 < argc;
	if (!strcmp(a, "-p") || !strcmp(a, "--port") || !strcmp(a, "-t") || !strcmp(a, "--topology") ||
	    !strcmp(a, "--clock")) {
		if (!has_value) {
			fprintf(stderr, "dnslab: %s needs a value\n", a);
			return -1;
		}
		const char *v = argv[++*i];
		if (a[1] == 'p' || !strcmp(a, "--port"))
			return (o->port = cmd_parse_port(a, v)) < 0 ? -1 : 1;
		if (a[1] == 't' || !strcmp(a, "--topology")) {
			o->topology = v;
			return 1;
		}
		o->clock_given = true;
		return labclient_parse_clock(v, &o->clock_offset) ? -1 : 1;
	}
	if (!strncmp(a, "--port=", 7))
		return (o->port = cmd_parse_port("--port", a + 7)) < 0 ? -1 : 1;
	if (!strcmp(a, "--no-qmin")) {
		o->no_qmin = true;
		return 1;
	}
	if (!strcmp(a, "--no-embed")) {
		o->no_embed = true;
		return 1;
	}
	return 0;
}

int labclient_parse_question(const char *cmd, const char *usage, int argc, char **argv,
			     struct labclient_opts *lo, const char **name, const char **type, bool *json)
{
	*name = *type = NULL;
	*json = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int opt;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if ((opt = labclient_option(lo, argc, argv, &i)) != 0) {
			if (opt < 0)
				return 2;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			*json = true;
		} else if (a[0] == '-') {
			fprintf(stderr, "dnslab %s: unknown option or missing value '%s'\n%s", cmd, a, usage);
			return 2;
		} else if (!*name) {
			*name = a;
		} else if (!*type && ldns_get_rr_type_by_name(a)) {
			*type = a;
		} else {
			fprintf(stderr, "dnslab %s: '%s' is not a record type (e.g. A, AAAA, MX, NS, TXT)\n", cmd, a);
			return 2;
		}
	}
	if (!*name) {
		fprintf(stderr, "dnslab %s: which name? e.g. dnslab %s www.example.test\n\n%s", cmd, cmd, usage);
		return 2;
	}
	return -1;
}
