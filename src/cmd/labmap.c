/* labmap.c: the lab's address map, as `serve` and the lab shell print it. */
#include "cmd/labmap.h"

#include <string.h>

#include "lab/labtls.h"
#include "ui/term.h"

void labmap_print(const struct lab *lab, FILE *out, bool serve_hints)
{
	bool color = term_use_color(out);
	fprintf(out, "%sThe lab internet is up%s on port %d (UDP and TCP):\n\n", term_sgr(color, TERM_BOLD),
		term_reset(color), lab->port);
	fprintf(out, "  %-10s %-24s %-15s %s\n", "SERVER", "NAME", "ADDRESS", "ZONES");
	for (size_t i = 0; i < lab->nservers; i++) {
		const struct topo_server *ts = lab->servers[i].ts;
		fprintf(out, "  %s%-10s%s %-24s %-15s ", term_sgr(color, TERM_CYAN), ts->id, term_reset(color),
			ts->name, ts->address);
		if (ts->role == TOPO_RESOLVER)
			fprintf(out, "(recursive resolver)");
		else if (!ts->nzones)
			fprintf(out, "(none yet)");
		for (size_t z = 0; z < ts->nzones; z++)
			fprintf(out, "%s%s", z ? " " : "", ts->zones[z].origin);
		fputc('\n', out);
		if (ts->role == TOPO_RESOLVER && ts->offnet)
			fprintf(out, "  %s%-10s%s %-24s %-15s (the Internet outside the ISP: not a client)\n",
				term_sgr(color, TERM_CYAN), "offnet", term_reset(color), "-", ts->offnet);
	}
	const struct topo_server *ex = lab_authority_for(lab, "www.example.test.");
	const struct topo_server *root = lab_authority_for(lab, ".");
	const struct topo_server *res = lab_resolver(lab);
	if (lab->anchor) {
		fprintf(out, "\nDNSSEC: %zu zones signed in %.0f ms (ECDSAP256SHA256, keys in %s/keys).\n",
			lab->signing.zones, lab->signing.ms, lab->userdir);
		fprintf(out, "Trust anchor: %s/trust-anchor.ds (drill -k, unbound) and\n"
			     "              %s/trust-anchor.conf (delv -a).\n", lab->userdir, lab->userdir);
		fprintf(out, "Signed zones as served: %s/signed/ (dnslab verify %s/signed/example.test.zone)\n",
			lab->userdir, lab->userdir);
	}
	struct labtls_files tf;
	labtls_files(lab->userdir, &tf);
	if (res && lab->dot_port) {
		fprintf(out, "\nDNS over TLS (RFC 7858): the resolver also listens on %s port %d.\n", res->address,
			lab->dot_port);
		fprintf(out, "Lab CA (trust it for TLS to the lab only): %s\n", tf.ca);
	} else if (res && lab->dot_note[0]) {
		fprintf(out, "\nDNS over TLS is off: %s\n", lab->dot_note);
	}
	char own[2048];
	if (lab_own_signed(lab, own, sizeof own))
		fprintf(out, "\nSigned by you (not by the lab):\n  %s", own);
	fprintf(out, "\nTry it from another terminal:\n");
	if (root)
		fprintf(out, "  dig @%s -p %d www.example.test +norec\n", root->address, lab->port);
	if (ex)
		fprintf(out, "  dig @%s -p %d www.example.test\n", ex->address, lab->port);
	if (res && lab->anchor)
		fprintf(out, "  dig @%s -p %d www.example.test +dnssec     # the resolver validates: flag ad\n",
			res->address, lab->port);
	if (res && res->offnet)
		fprintf(out, "  dig -b %s @%s -p %d www.example.test   # from off-net: REFUSED\n", res->offnet,
			res->address, lab->port);
	if (res && lab->dot_port) {
		char host[300];
		snprintf(host, sizeof host, "%s", res->name);
		if (strlen(host) > 1 && host[strlen(host) - 1] == '.')
			host[strlen(host) - 1] = '\0';
		fprintf(out, "  kdig +tls-ca=%s +tls-hostname=%s @%s -p %d www.example.test\n", tf.ca, host,
			res->address, lab->dot_port);
	}
	if (lab->port == LAB_DEFAULT_PORT)
		fprintf(out, "  dnslab query www.example.test @%s\n", ex ? ex->id : "root");
	else
		fprintf(out, "  dnslab query www.example.test @%s --port %d\n", ex ? ex->id : "root", lab->port);
	if (serve_hints)
		fprintf(out, "\nCtrl-C stops the lab.\n");
	fflush(out);
}

