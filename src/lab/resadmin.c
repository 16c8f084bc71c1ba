/* resadmin.c: the resolver operator's commands (resadmin.h). */
#include "lab/resadmin.h"

#include <stdlib.h>
#include <string.h>

#include "resolver/resolver.h"

const char resadmin_help[] =
	"resolver status          what the resolver does: QNAME minimisation, who may ask, NTAs, hyperlocal root\n"
	"resolver qmin on|off     QNAME minimisation (RFC 9156) for the next resolutions (flush to see it)\n"
	"resolver open|closed     answer everyone (an open resolver: RFC 5358) or only the clients list\n"
	"resolver hyperlocal on|off  keep a checked copy of the root zone and ask no root server (RFC 8806)\n"
	"nta add NAME [DURATION]  stop validating NAME and below for a while (RFC 7646; default 1h, max 7d)\n"
	"nta remove NAME, nta list\n";

bool resadmin_handles(const char *cmd)
{
	return !strcmp(cmd, "resolver") || !strcmp(cmd, "nta");
}

static void report_to(void *arg, const char *msg)
{
	FILE *out = arg;
	fprintf(out, "%s\n", msg);
	fflush(out);
}

static int on_off(const char *s, bool *v)
{
	if (s && (!strcmp(s, "on") || !strcmp(s, "yes")))
		*v = true;
	else if (s && (!strcmp(s, "off") || !strcmp(s, "no")))
		*v = false;
	else
		return -1;
	return 0;
}

static void print_ntas(struct resolver *r, FILE *out)
{
	double now = labclock_now(r->clock);
	if (!r->nta.n) {
		fprintf(out, "nta: no negative trust anchors; every signed domain is validated\n");
		return;
	}
	for (size_t i = 0; i < r->nta.n; i++) {
		char until[64];
		const struct nta *n = &r->nta.e[i];
		fprintf(out, "nta: %s is not validated until %s (%.0f s left on the lab clock)\n", n->text,
			nta_time(n->until, until, sizeof until), n->until - now);
	}
}

static void print_status(struct lab *lab, struct resolver *r, FILE *out)
{
	const struct topo_server *ts = lab_resolver(lab);
	char acl[1024], hl[1200];
	fprintf(out, "resolver %s (%s): %llu answers, %llu from the cache, %llu refused\n", ts ? ts->name : "?",
		ts ? ts->address : "?", r->answered, r->from_cache, r->refused);
	fprintf(out, "  QNAME minimisation (RFC 9156): %s\n", r->cfg.qmin ? "on" : "off");
	if (r->open)
		fprintf(out, "  clients: everyone -- an OPEN resolver (RFC 5358); 'resolver closed' to stop\n");
	else
		fprintf(out, "  clients: %s; others get REFUSED (EDE 18)\n", acl_describe(&r->allowed, acl, sizeof acl));
	if (ts && ts->offnet)
		fprintf(out, "  off-net stand-in (the Internet outside the ISP): %s  (dig -b %s ...)\n", ts->offnet,
			ts->offnet);
	fprintf(out, "  DNSSEC: %s\n", r->anchor ? "validating from the lab's trust anchor" : "no trust anchor");
	hyperlocal_describe(&r->hyper, hl, sizeof hl);
	fprintf(out, "  %s\n", hl);
	resolver_nta_expire(r);
	for (size_t i = 0; i < r->nta.n; i++) {
		char until[64];
		fprintf(out, "  negative trust anchor: %s until %s\n", r->nta.e[i].text,
			nta_time(r->nta.e[i].until, until, sizeof until));
	}
}

struct news {
	void (*fn)(void *arg, const char *msg);
	void *arg;
};

static int resolver_cmd(struct lab *lab, struct resolver *r, int argc, char **argv, FILE *out, const struct news *nw)
{
	const char *sub = argc > 1 ? argv[1] : "status";
	bool v;
	if (!strcmp(sub, "status")) {
		print_status(lab, r, out);
	} else if (!strcmp(sub, "qmin")) {
		if (on_off(argc > 2 ? argv[2] : NULL, &v) != 0) {
			fprintf(out, "usage: resolver qmin on|off\n");
			return 2;
		}
		lab->qmin = v;
		r->cfg.qmin = v;
		fprintf(out,
			"resolver: QNAME minimisation %s (RFC 9156): %s. Resolutions from now on; what is cached is "
			"not asked again (flush first to watch the root and the TLD)\n",
			v ? "on" : "off",
			v ? "each server is asked only for the next label below its zone"
			  : "every server is asked the full name");
	} else if (!strcmp(sub, "open")) {
		r->open = true;
		fprintf(out,
			"resolver: OPEN: it now answers anyone who asks. On the real Internet an open resolver is "
			"used to amplify floods of traffic at a victim whose address is forged as the source "
			"(RFC 5358); 'resolver closed' answers only the clients list again\n");
	} else if (!strcmp(sub, "closed") || !strcmp(sub, "close")) {
		char acl[1024];
		r->open = false;
		fprintf(out, "resolver: closed: it answers only %s; anyone else gets REFUSED (EDE 18, Prohibited)\n",
			acl_describe(&r->allowed, acl, sizeof acl));
	} else if (!strcmp(sub, "hyperlocal")) {
		if (on_off(argc > 2 ? argv[2] : NULL, &v) != 0) {
			fprintf(out, "usage: resolver hyperlocal on|off\n");
			return 2;
		}
		if (v) {
			fprintf(out, "resolver: hyperlocal root on (RFC 8806): fetching the root zone by AXFR...\n");
			fflush(out);
			hyperlocal_enable(&r->hyper, nw->fn, nw->arg);
		} else {
			hyperlocal_disable(&r->hyper);
			fprintf(out, "resolver: hyperlocal root off: the resolver asks the root servers again\n");
		}
	} else {
		fprintf(out, "resolver: unknown '%s'; try resolver status, qmin on|off, open, closed, hyperlocal on|off\n",
			sub);
		return 2;
	}
	return 0;
}

/* "30m", "+2h", "1d12h": a positive duration in seconds, or -1. */
static double duration(const char *s)
{
	int64_t secs = 0;
	if (labclock_parse_offset(s, &secs) != 0 || secs <= 0 || *s == '-')
		return -1;
	return (double)secs;
}

static int nta_cmd(struct resolver *r, int argc, char **argv, FILE *out)
{
	const char *sub = argc > 1 ? argv[1] : "list";
	struct dl_error err = { 0, "" };
	double now = labclock_now(r->clock);
	resolver_nta_expire(r);
	if (!strcmp(sub, "list")) {
		print_ntas(r, out);
		return 0;
	}
	if (!strcmp(sub, "add") && argc >= 3 && argc <= 4) {
		double secs = argc == 4 ? duration(argv[3]) : NTA_DEFAULT_SECONDS;
		if (secs < 0) {
			fprintf(out, "nta: '%s' is not a duration; try 30m, 1h or 2d\n", argv[3]);
			return 2;
		}
		if (nta_add(&r->nta, argv[2], now, secs, &err) != 0) {
			fprintf(out, "nta: %s\n", err.msg);
			return 2;
		}
		const struct nta *n = nta_get(&r->nta, argv[2]);
		char until[64];
		if (n) {
			resolver_flush_below(r, n->name); /* what was judged before is judged again */
			fprintf(out,
				"nta: %s and the names below it are not validated until %s on the lab clock (RFC 7646): "
				"answers come without AD instead of SERVFAIL. Remove it as soon as the domain is fixed: "
				"nta remove %s\n",
				n->text, nta_time(n->until, until, sizeof until), n->text);
		}
		return 0;
	}
	if (!strcmp(sub, "remove") && argc == 3) {
		ldns_rdf *name = ldns_dname_new_frm_str(argv[2]);
		if (nta_remove(&r->nta, argv[2], &err) != 0) {
			ldns_rdf_deep_free(name);
			fprintf(out, "nta: %s\n", err.msg);
			return 2;
		}
		if (name)
			resolver_flush_below(r, name);
		ldns_rdf_deep_free(name);
		fprintf(out, "nta: removed; %s is validated again\n", argv[2]);
		return 0;
	}
	fprintf(out, "usage: nta add NAME [DURATION] | nta remove NAME | nta list\n");
	return 2;
}

int resadmin_command(struct lab *lab, int argc, char **argv, FILE *out)
{
	return resadmin_command_news(lab, argc, argv, out, report_to, out);
}

int resadmin_command_news(struct lab *lab, int argc, char **argv, FILE *out, void (*news)(void *arg, const char *msg),
			  void *news_arg)
{
	int rc;
	struct news nw = { news, news_arg };
	struct resolver *r = lab_running_resolver(lab);
	if (argc < 1 || !resadmin_handles(argv[0])) {
		fprintf(out, "resolver status | resolver qmin|hyperlocal on|off | resolver open|closed | nta ...\n");
		rc = 2;
	} else if (!r) {
		fprintf(out, "%s: this lab has no running resolver\n", argv[0]);
		rc = 3;
	} else if (!strcmp(argv[0], "resolver")) {
		rc = resolver_cmd(lab, r, argc, argv, out, &nw);
	} else {
		rc = nta_cmd(r, argc, argv, out);
	}
	fflush(out);
	return rc;
}
