/* serve.c: `dnslab serve`: run the lab internet until Ctrl-C or SIGTERM. */
#include <getopt.h>
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/labmap.h"
#include "lab/labtls.h"
#include "lab/lab.h"
#include "lab/resadmin.h"
#include "ui/json.h"
#include "ui/term.h"

#include <time.h>

static const char usage[] =
	"usage: dnslab serve [--port N] [--topology FILE] [--wiretap] [--json] [--clock OFFSET] [--no-qmin]\n"
	"\n"
	"Start the lab internet: every virtual server of the topology listens on\n"
	"UDP and TCP at its own loopback address, on one lab port.  Stop it with\n"
	"Ctrl-C (or SIGTERM).\n"
	"\n"
	"  -p, --port N        lab port (default 5300; 53 needs root)\n"
	"  -t, --topology FILE topology file (default: the lab's zones/lab.yaml)\n"
	"  -w, --wiretap       print every query and response as it crosses the lab\n"
	"  -j, --json          machine-readable output: the address map, then one\n"
	"                      JSON object per wiretap event\n"
	"  -c, --clock OFFSET  start the lab clock at this offset (e.g. +1h)\n"
	"      --no-qmin       the resolver sends full names (no QNAME minimisation)\n"
	"  -h, --help          this help\n"
	"\n"
	"While it runs, serve reads commands on its standard input (a terminal in\n"
	"the foreground, or a pipe): clock [+OFFSET|reset], flush, reload, help, quit,\n"
	"and the resolver operator's: resolver status|qmin on|off|open|closed|hyperlocal on|off,\n"
	"nta add NAME [DURATION]|remove NAME|list.\n";

struct serve_ctx {
	struct lab *lab;
	uv_signal_t sigint, sigterm;
	union {
		uv_tty_t tty;
		uv_pipe_t pipe;
	} in;
	bool reading;
	char line[512];
	size_t len;
	char rbuf[1024];
	bool stopping;
};

static void serve_stop(struct serve_ctx *c, const char *why)
{
	if (c->stopping)
		return;
	c->stopping = true;
	fprintf(stderr, "dnslab: %s, stopping the lab\n", why);
	lab_close(c->lab, NULL);
	uv_close((uv_handle_t *)&c->sigint, NULL);
	uv_close((uv_handle_t *)&c->sigterm, NULL);
	if (c->reading) {
		c->reading = false;
		uv_close((uv_handle_t *)&c->in, NULL);
	}
}

/* The few lab commands serve understands until the lab shell exists. */
static void serve_command(struct serve_ctx *c, char *cmd)
{
	char *words[8];
	int nw = 0;
	char copy[sizeof c->line];
	snprintf(copy, sizeof copy, "%s", cmd);
	for (char *save = NULL, *w = strtok_r(copy, " \t\r", &save); w && nw < 8; w = strtok_r(NULL, " \t\r", &save))
		words[nw++] = w;
	if (nw && resadmin_handles(words[0])) {
		resadmin_command(c->lab, nw, words, stdout);
		return;
	}
	char *arg = cmd + strcspn(cmd, " \t");
	if (*arg)
		*arg++ = '\0';
	arg += strspn(arg, " \t");
	arg[strcspn(arg, " \t\r")] = '\0';
	if (!*cmd)
		return;
	if (!strcmp(cmd, "clock")) {
		char desc[128];
		if (labclock_command(&c->lab->clock, arg) != 0)
			printf("clock: '%s' is not an offset; try clock +1h, clock +40d or clock reset\n", arg);
		else
			printf("%s\n", labclock_describe(&c->lab->clock, desc, sizeof desc));
		fflush(stdout);
	} else if (!strcmp(cmd, "flush")) {
		lab_flush_resolvers(c->lab);
		printf("flush: the resolver's cache is empty\n");
		fflush(stdout);
	} else if (!strcmp(cmd, "reload") || !strcmp(cmd, "resign")) {
		/* Signed against the lab clock: after "clock +40d" the expired
		 * signatures are replaced by ones valid on the new date. */
		struct dl_error err = { 0, "" };
		time_t now = (time_t)labclock_now(&c->lab->clock);
		if (lab_reload(c->lab, now, &err) != 0) {
			printf("reload: %s (the lab goes on serving the zones it had)\n", err.msg);
		} else {
			lab_flush_resolvers(c->lab);
			char dir[4200];
			struct dl_error werr = { 0, "" };
			if (lab_write_signed(c->lab, dir, sizeof dir, &werr) != 0)
				printf("reload: %s\n", werr.msg);
			printf("reload: %zu zones read again", c->lab->nzones);
			if (c->lab->signing.zones)
				printf(", %zu signed at the lab clock's now (%zu signatures)", c->lab->signing.zones,
				       c->lab->signing.signatures);
			printf("; the resolver's cache is empty\n");
			char own[2048];
			if (lab_own_signed(c->lab, own, sizeof own))
				printf("reload: %s", own);
		}
		fflush(stdout);
	} else if (!strcmp(cmd, "quit") || !strcmp(cmd, "exit")) {
		serve_stop(c, "quit");
	} else if (!strcmp(cmd, "help")) {
		printf("commands: clock [+OFFSET|reset]  flush  reload  quit\n"
		       "  reload  read the zone files again and re-sign them against the lab clock\n%s",
		       resadmin_help);
		fflush(stdout);
	} else {
		printf("unknown command '%s' (commands: clock, flush, reload, resolver, nta, help, quit)\n", cmd);
		fflush(stdout);
	}
}

static void serve_on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct serve_ctx *c = h->data;
	*buf = uv_buf_init(c->rbuf, sizeof c->rbuf);
}

static void serve_on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
	struct serve_ctx *c = st->data;
	if (n < 0) { /* end of input: stop reading, keep serving */
		if (c->reading) {
			c->reading = false;
			uv_close((uv_handle_t *)&c->in, NULL);
		}
		return;
	}
	for (ssize_t i = 0; i < n && !c->stopping; i++) {
		char ch = buf->base[i];
		if (ch == '\n') {
			c->line[c->len] = '\0';
			c->len = 0;
			serve_command(c, c->line);
		} else if (c->len + 1 < sizeof c->line) {
			c->line[c->len++] = ch;
		}
	}
}

/* Read commands from a pipe, or from the terminal when in the foreground
 * (reading it from the background would stop the process with SIGTTIN). */
static void serve_read_stdin(struct serve_ctx *c, uv_loop_t *loop)
{
	uv_handle_type t = uv_guess_handle(STDIN_FILENO);
	int rc = -1;
	if (t == UV_TTY && tcgetpgrp(STDIN_FILENO) == getpgrp())
		rc = uv_tty_init(loop, &c->in.tty, STDIN_FILENO, 1);
	else if (t == UV_NAMED_PIPE && (rc = uv_pipe_init(loop, &c->in.pipe, 0)) == 0 &&
		 (rc = uv_pipe_open(&c->in.pipe, STDIN_FILENO)) != 0)
		uv_close((uv_handle_t *)&c->in, NULL);
	if (rc != 0)
		return;
	c->in.tty.data = c;
	c->reading = uv_read_start((uv_stream_t *)&c->in, serve_on_alloc, serve_on_read) == 0;
	if (!c->reading)
		uv_close((uv_handle_t *)&c->in, NULL);
}

static void serve_on_signal(uv_signal_t *h, int signum)
{
	serve_stop(h->data, signum == SIGINT ? "SIGINT received" : "SIGTERM received");
}

static void print_map_json(const struct lab *lab, FILE *out)
{
	struct json j;
	json_init(&j, out);
	json_obj_begin(&j);
	json_key(&j, "event");
	json_str(&j, "ready");
	json_key(&j, "port");
	json_int(&j, lab->port);
	json_key(&j, "signed_zones");
	json_int(&j, (long long)lab->signing.zones);
	json_key(&j, "signing_ms");
	json_double(&j, lab->signing.ms);
	json_key(&j, "trust_anchor");
	if (lab->anchor) {
		char path[4200];
		snprintf(path, sizeof path, "%s/trust-anchor.ds", lab->userdir);
		json_str(&j, path);
	} else {
		json_null(&j);
	}
	json_key(&j, "dot_port");
	if (lab->dot_port)
		json_int(&j, lab->dot_port);
	else
		json_null(&j);
	json_key(&j, "tls_ca");
	if (lab->dot_port) {
		struct labtls_files tf;
		labtls_files(lab->userdir, &tf);
		json_str(&j, tf.ca);
	} else {
		json_null(&j);
	}
	/* The address that stands in for a host outside the ISP (the resolver
	 * refuses it), for `dig -b`. */
	const struct topo_server *res = lab_resolver(lab);
	json_key(&j, "offnet");
	if (res && res->offnet)
		json_str(&j, res->offnet);
	else
		json_null(&j);
	json_key(&j, "servers");
	json_arr_begin(&j);
	for (size_t i = 0; i < lab->nservers; i++) {
		const struct topo_server *ts = lab->servers[i].ts;
		json_obj_begin(&j);
		json_key(&j, "id");
		json_str(&j, ts->id);
		json_key(&j, "name");
		json_str(&j, ts->name);
		json_key(&j, "address");
		json_str(&j, ts->address);
		json_key(&j, "zones");
		json_arr_begin(&j);
		for (size_t z = 0; z < ts->nzones; z++)
			json_str(&j, ts->zones[z].origin);
		json_arr_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
	fflush(out);
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "topology", required_argument, NULL, 't' },
		{ "wiretap", no_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "clock", required_argument, NULL, 'c' },
		{ "no-qmin", no_argument, NULL, 'Q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int port = LAB_DEFAULT_PORT, c;
	const char *topology = NULL;
	bool wiretap = false, json = false, no_qmin = false;
	int64_t clock_offset = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:t:wjc:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if ((port = cmd_parse_port("--port", optarg)) < 0)
				return 2;
			break;
		case 't': topology = optarg; break;
		case 'w': wiretap = true; break;
		case 'j': json = true; break;
		case 'Q': no_qmin = true; break;
		case 'c':
			if (labclock_parse_offset(optarg, &clock_offset) != 0) {
				fprintf(stderr, "dnslab serve: --clock '%s': give an offset such as +40d or +1h30m\n", optarg);
				return 2;
			}
			break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "dnslab serve: unexpected argument '%s'\n%s", argv[optind], usage);
		return 2;
	}
	struct dl_error err = { 0, "" };
	struct lab *lab = NULL;
	int rc = lab_load(&lab, topology, port, &err);
	if (rc)
		return dl_error_report(&err);
	lab->clock.offset = clock_offset;
	lab->qmin = !no_qmin;
	uv_loop_t loop;
	uv_loop_init(&loop);
	rc = lab_listen(lab, &loop, NULL, &err);
	struct serve_ctx ctx = { .lab = lab };
	struct wiretap_printer printer = { &lab->tap, stdout, term_use_color(stdout) };
	if (!rc) {
		char dir[4200];
		struct dl_error werr = { 0, "" };
		if (lab_write_signed(lab, dir, sizeof dir, &werr) != 0)
			fprintf(stderr, "dnslab serve: %s (the lab runs anyway)\n", werr.msg);
		if (json)
			print_map_json(lab, stdout);
		else
			labmap_print(lab, stdout, true);
		if (wiretap || json)
			wiretap_subscribe(&lab->tap, json ? wiretap_print_json : wiretap_print_text, &printer);
		uv_signal_init(&loop, &ctx.sigint);
		uv_signal_init(&loop, &ctx.sigterm);
		ctx.sigint.data = ctx.sigterm.data = &ctx;
		uv_signal_start(&ctx.sigint, serve_on_signal, SIGINT);
		uv_signal_start(&ctx.sigterm, serve_on_signal, SIGTERM);
		signal(SIGPIPE, SIG_IGN);
		serve_read_stdin(&ctx, &loop);
		uv_run(&loop, UV_RUN_DEFAULT);
		uv_tty_reset_mode();
	} else {
		lab_close(lab, NULL);
		uv_run(&loop, UV_RUN_DEFAULT);
	}
	int closed = uv_loop_close(&loop);
	lab_free(lab);
	if (rc)
		return dl_error_report(&err);
	if (closed != 0) {
		fprintf(stderr, "dnslab: internal error: handles left open at exit\n");
		return 3;
	}
	return 0;
}
