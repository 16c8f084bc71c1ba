/* validate.c: `dnslab validate` and `dnslab chain`: resolve a name through
 * the lab from the root, in this process and over real packets like
 * `trace`, then validate the outcome from the lab's trust anchor and show
 * the chain of trust link by link (the way delv does, with the reasons). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/labclient.h"
#include "resolver/lookup.h"
#include "resolver/resolver.h"
#include "ui/chainview.h"
#include "ui/term.h"

static const char validate_usage[] =
	"usage: dnslab validate NAME [TYPE] [--json] [--port N] [--clock OFFSET] [--topology FILE]\n"
	"                       [--no-qmin] [--no-embed]\n"
	"\n"
	"Resolve NAME (type A by default) through the lab from the root and validate\n"
	"the answer with DNSSEC from the lab's trust anchor, as a validating resolver\n"
	"does.  Prints the verdict (secure, insecure or bogus) and, for each zone from\n"
	"the root down, the DS, the DNSKEY it matches, the RRSIG that covers the\n"
	"answer and its validity window against the lab clock, and the first broken\n"
	"link in plain words.\n"
	"\n"
	"  -j, --json        one JSON object instead of text\n"
	"  -p, --port N      the lab port (default 5300)\n"
	"  --clock OFFSET    judge signatures at this lab-clock offset (e.g. +40d); by\n"
	"                    default, the running lab's clock (or real time); a running\n"
	"                    lab's negative trust anchors (nta) apply too\n"
	"  -t, --topology F  the lab's topology file (default: zones/lab.yaml)\n"
	"  --no-qmin         ask full names (no QNAME minimisation)\n"
	"  --no-embed        fail when no lab is running instead of starting one\n"
	"\n"
	"The trust anchor is the lab's own (trust-anchor.ds next to its keys: DNSLAB_HOME).\n"
	"Exit status: 0 secure or insecure, 1 bogus or the lookup failed, 2 usage error,\n"
	"3 environment (no lab with --no-embed, the port is busy).\n"
	"Example: dnslab validate www.expired.test\n";

static const char chain_usage[] =
	"usage: dnslab chain NAME [TYPE] [--format text|dot] [--port N] [--clock OFFSET]\n"
	"\n"
	"Draw the chain of trust of NAME: from the trust anchor through each zone's\n"
	"DS and DNSKEY records to the answer.  The text form is a tree; the dot form\n"
	"is a Graphviz graph in the manner of DNSViz (secure green, insecure orange,\n"
	"bogus red):  dnslab chain www.example.test --format dot | dot -Tsvg >chain.svg\n"
	"\n"
	"  -f, --format F    text (default) or dot\n"
	"  -p, --port N      the lab port (default 5300)\n"
	"  --clock OFFSET    judge signatures at this lab-clock offset (e.g. +40d); by\n"
	"                    default, the running lab's clock (or real time); a running\n"
	"                    lab's negative trust anchors (nta) apply too\n"
	"  -t, --topology F  the lab's topology file (default: zones/lab.yaml)\n"
	"  --no-qmin         ask full names (no QNAME minimisation)\n"
	"  --no-embed        fail when no lab is running instead of starting one\n"
	"\n"
	"Exit status: 0 secure or insecure, 1 bogus or the lookup failed, 2 usage error,\n"
	"3 environment.\n";

struct run {
	struct labclient lc;
	const char *qname;
	ldns_rr_type qtype;
	struct cache cache;
	struct iter_hints hints;
	struct iter_lame lame;
	struct val_report rep;
	bool done, validated;
};

static double run_now(void *arg)
{
	return labclock_now(arg);
}

static void on_done(void *arg, const struct iter_result *r, const struct validator *v)
{
	struct run *t = arg;
	t->done = true;
	if (v && validator_verdict(v, NULL, NULL) != VAL_UNCHECKED) {
		t->rep = *validator_report(v);
		t->validated = true;
	} else {
		memset(&t->rep, 0, sizeof t->rep);
		snprintf(t->rep.qname, sizeof t->rep.qname, "%s%s", t->qname,
			 t->qname[0] && t->qname[strlen(t->qname) - 1] == '.' ? "" : ".");
		t->rep.qtype = t->qtype;
		t->rep.now = labclock_now(&t->lc.lab->clock);
		t->rep.rcode = r->rcode;
		t->rep.ede = r->ede;
		snprintf(t->rep.why, sizeof t->rep.why, "the lookup failed before any validation: %s",
			 r->ede_text ? r->ede_text : "no answer");
	}
	labclient_stop(&t->lc);
}

enum view { VIEW_VALIDATE, VIEW_JSON, VIEW_TREE, VIEW_DOT };

static int run_view(const char *cmd, const char *usage, int argc, char **argv, bool chain)
{
	/* --format is chain's own; the rest is the usual question syntax. */
	enum view view = chain ? VIEW_TREE : VIEW_VALIDATE;
	char **args = calloc((size_t)argc + 1, sizeof *args);
	int n = 0;
	if (!args)
		return 3;
	for (int i = 0; i < argc; i++) {
		if (chain && (!strcmp(argv[i], "--format") || !strcmp(argv[i], "-f"))) {
			const char *f = i + 1 < argc ? argv[++i] : "";
			if (!strcmp(f, "text")) {
				view = VIEW_TREE;
			} else if (!strcmp(f, "dot")) {
				view = VIEW_DOT;
			} else {
				fprintf(stderr, "dnslab chain: --format '%s': give text or dot\n", f);
				free(args);
				return 2;
			}
			continue;
		}
		args[n++] = argv[i];
	}
	struct labclient_opts lo = { .port = LAB_DEFAULT_PORT, .need_lab = true, .lab_clock = true };
	const char *name, *type;
	bool json;
	int prc = labclient_parse_question(cmd, usage, n, args, &lo, &name, &type, &json);
	free(args);
	if (prc >= 0)
		return prc;
	if (json && chain) {
		fprintf(stderr, "dnslab chain: --json is for dnslab validate; chain draws text or dot\n");
		return 2;
	}
	if (json)
		view = VIEW_JSON;
	ldns_rdf *qname = NULL;
	if (ldns_str2rdf_dname(&qname, name) != LDNS_STATUS_OK) {
		fprintf(stderr, "dnslab %s: '%s' is not a valid domain name\n", cmd, name);
		return 2;
	}
	ldns_rr_type qtype = type ? ldns_get_rr_type_by_name(type) : LDNS_RR_TYPE_A;
	struct run t;
	memset(&t, 0, sizeof t);
	t.qname = name;
	t.qtype = qtype;
	struct dl_error err = { 0, "" };
	lo.quiet = view != VIEW_VALIDATE && view != VIEW_TREE;
	int rc = labclient_open(&t.lc, &lo, &err);
	if (rc) {
		ldns_rdf_deep_free(qname);
		return dl_error_report(&err);
	}
	if (!t.lc.lab->anchor) {
		fprintf(stderr, "dnslab %s: this lab does not sign its zones (its topology lacks 'dnssec: sign'), so there "
				"is no trust anchor to validate from\n", cmd);
		labclient_stop(&t.lc);
		labclient_run(&t.lc);
		ldns_rdf_deep_free(qname);
		return 2;
	}
	cache_init(&t.cache, 10000);
	lab_root_hints(t.lc.lab, &t.hints);
	struct iter_config cfg = {
		.hints = &t.hints, .cache = &t.cache, .lame = &t.lame, .port = lo.port, .qmin = !lo.no_qmin,
	};
	struct exchange_opts xo = { .timeout_ms = 800, .tries = 2 };
	struct lookup_params lp = {
		.cfg = &cfg, .xo = &xo, .now = run_now, .now_arg = &t.lc.lab->clock, .anchor = t.lc.lab->anchor,
		.nta = &t.lc.nta, /* the running lab's, as its resolver judges */
	};
	bool finished = false;
	struct lookup *lk = lookup_start(&t.lc.loop, &lp, qname, qtype, on_done, &t, &finished);
	(void)lk; /* runs to its end with the loop */
	ldns_rdf_deep_free(qname);
	if (!lk && !finished)
		labclient_stop(&t.lc);
	int closed = labclient_run(&t.lc);
	int status = 3;
	if (t.done) {
		bool color = term_use_color(stdout);
		switch (view) {
		case VIEW_VALIDATE:
			chainview_validate(stdout, &t.rep, color);
			break;
		case VIEW_JSON:
			chainview_json(stdout, &t.rep);
			break;
		case VIEW_TREE:
			chainview_tree(stdout, &t.rep, color);
			break;
		case VIEW_DOT:
			chainview_dot(stdout, &t.rep);
			break;
		}
		status = !t.validated ? 1 : t.rep.verdict == VAL_BOGUS ? 1 : 0;
		if (!t.validated && view != VIEW_JSON && view != VIEW_DOT)
			fprintf(stderr, "dnslab %s: %s\n", cmd, t.rep.why);
	} else {
		fprintf(stderr, "dnslab %s: out of memory\n", cmd);
	}
	cache_free(&t.cache);
	iter_hints_free(&t.hints);
	iter_lame_free(&t.lame);
	return closed ? closed : status;
}

int cmd_validate(int argc, char **argv)
{
	return run_view("validate", validate_usage, argc, argv, false);
}

int cmd_chain(int argc, char **argv)
{
	return run_view("chain", chain_usage, argc, argv, true);
}
