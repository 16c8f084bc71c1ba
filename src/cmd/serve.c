/* serve.c: `dnslab serve`: run the lab internet until Ctrl-C or SIGTERM. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lab/lab.h"
#include "ui/json.h"
#include "ui/term.h"

static const char usage[] =
	"usage: dnslab serve [--port N] [--topology FILE] [--wiretap] [--json]\n"
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
	"  -h, --help          this help\n";

struct serve_ctx {
	struct lab *lab;
	uv_signal_t sigint, sigterm;
	bool stopping;
};

static void serve_on_signal(uv_signal_t *h, int signum)
{
	struct serve_ctx *c = h->data;
	if (c->stopping)
		return;
	c->stopping = true;
	fprintf(stderr, "dnslab: %s received, stopping the lab\n", signum == SIGINT ? "SIGINT" : "SIGTERM");
	lab_close(c->lab, NULL);
	uv_close((uv_handle_t *)&c->sigint, NULL);
	uv_close((uv_handle_t *)&c->sigterm, NULL);
}

static void print_map_text(const struct lab *lab, FILE *out)
{
	bool color = term_use_color(out);
	fprintf(out, "%sThe lab internet is up%s on port %d (UDP and TCP):\n\n", term_sgr(color, TERM_BOLD),
		term_reset(color), lab->port);
	fprintf(out, "  %-10s %-24s %-15s %s\n", "SERVER", "NAME", "ADDRESS", "ZONES");
	for (size_t i = 0; i < lab->nservers; i++) {
		const struct topo_server *ts = lab->servers[i].ts;
		fprintf(out, "  %s%-10s%s %-24s %-15s ", term_sgr(color, TERM_CYAN), ts->id, term_reset(color),
			ts->name, ts->address);
		if (!ts->nzones)
			fprintf(out, "(none yet)");
		for (size_t z = 0; z < ts->nzones; z++)
			fprintf(out, "%s%s", z ? " " : "", ts->zones[z].origin);
		fputc('\n', out);
	}
	const struct topo_server *ex = lab_authority_for(lab, "www.example.test.");
	const struct topo_server *root = lab_authority_for(lab, ".");
	fprintf(out, "\nTry it from another terminal:\n");
	if (root)
		fprintf(out, "  dig @%s -p %d www.example.test +norec\n", root->address, lab->port);
	if (ex)
		fprintf(out, "  dig @%s -p %d www.example.test\n", ex->address, lab->port);
	if (lab->port == LAB_DEFAULT_PORT)
		fprintf(out, "  dnslab query www.example.test @%s\n", ex ? ex->id : "root");
	else
		fprintf(out, "  dnslab query www.example.test @%s --port %d\n", ex ? ex->id : "root", lab->port);
	fprintf(out, "\nCtrl-C stops the lab.\n");
	fflush(out);
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int port = LAB_DEFAULT_PORT, c;
	const char *topology = NULL;
	bool wiretap = false, json = false;
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:t:wjh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if ((port = cmd_parse_port("--port", optarg)) < 0)
				return 2;
			break;
		case 't': topology = optarg; break;
		case 'w': wiretap = true; break;
		case 'j': json = true; break;
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
	uv_loop_t loop;
	uv_loop_init(&loop);
	rc = lab_listen(lab, &loop, NULL, &err);
	struct serve_ctx ctx = { .lab = lab };
	struct wiretap_printer printer = { &lab->tap, stdout, term_use_color(stdout) };
	if (!rc) {
		if (json)
			print_map_json(lab, stdout);
		else
			print_map_text(lab, stdout);
		if (wiretap || json)
			wiretap_subscribe(&lab->tap, json ? wiretap_print_json : wiretap_print_text, &printer);
		uv_signal_init(&loop, &ctx.sigint);
		uv_signal_init(&loop, &ctx.sigterm);
		ctx.sigint.data = ctx.sigterm.data = &ctx;
		uv_signal_start(&ctx.sigint, serve_on_signal, SIGINT);
		uv_signal_start(&ctx.sigterm, serve_on_signal, SIGTERM);
		signal(SIGPIPE, SIG_IGN);
		uv_run(&loop, UV_RUN_DEFAULT);
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
