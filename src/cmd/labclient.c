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

/* The running lab's clock offset, asked of its resolver (CH TXT
 * clock.dnslab., see resolver.h), so that a command validates at the same
 * lab time the lab serves.  False when it does not answer in time. */
static bool ask_clock(const struct lab *lab, int port, int64_t *offset)
{
	const struct topo_server *r = lab_resolver(lab);
	struct sockaddr_storage to;
	if (!r || net_addr_parse(r->address, port, &to) != 0)
		return false;
	ldns_pkt *q = ldns_pkt_query_new(ldns_dname_new_frm_str(RESOLVER_CLOCK_NAME), LDNS_RR_TYPE_TXT,
					 LDNS_RR_CLASS_CH, 0);
	uint8_t *wire = NULL, buf[512];
	size_t len = 0;
	bool ok = false;
	int fd = -1;
	if (!q)
		return false;
	ldns_pkt_set_random_id(q);
	uint16_t id = ldns_pkt_id(q);
	if (ldns_pkt2wire(&wire, q, &len) == LDNS_STATUS_OK &&
	    (fd = socket(to.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) >= 0 &&
	    sendto(fd, wire, len, 0, (struct sockaddr *)&to,
		   to.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) == (ssize_t)len) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		ldns_pkt *a = NULL;
		if (poll(&pfd, 1, 300) == 1 && (n = recv(fd, buf, sizeof buf, 0)) > 12 &&
		    ldns_wire2pkt(&a, buf, (size_t)n) == LDNS_STATUS_OK && ldns_pkt_id(a) == id &&
		    ldns_rr_list_rr_count(ldns_pkt_answer(a)) == 1) {
			const ldns_rr *t = ldns_rr_list_rr(ldns_pkt_answer(a), 0);
			char *text = ldns_rr_rd_count(t) >= 2 ? ldns_rdf2str(ldns_rr_rdf(t, 1)) : NULL;
			long long off;
			/* TXT "epoch" "offset": the second string, quoted */
			ok = text && sscanf(text, "\"%lld\"", &off) == 1;
			if (ok)
				*offset = off;
			free(text);
		}
		ldns_pkt_free(a);
	}
	if (fd >= 0)
		close(fd);
	free(wire);
	ldns_pkt_free(q);
	return ok;
}

int labclient_open(struct labclient *c, const struct labclient_opts *o, struct dl_error *err)
{
	memset(c, 0, sizeof *c);
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
	}
	lab_close(c->lab, NULL);
	c->stopped = true;
	if (rc) {
		uv_run(&c->loop, UV_RUN_DEFAULT);
		uv_loop_close(&c->loop);
		lab_free(c->lab);
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
