/* main.c: global options and dispatch to a command (src/cmd/). */
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

#define DNSLAB_VERSION "0.1.0"

static const struct cmd commands[] = {
	{ "dns101", "the DNS 101 lab: the story and the exercises, in a lab shell", cmd_session },
	{ "dnssec101", "the DNSSEC 101 lab", cmd_session },
	{ "ecosystem", "The DNS Ecosystem lab", cmd_session },
	{ "icann", "the ICANN & ISPCP lab", cmd_session },
	{ "demo", "an instructor's live run of a session's exercises", cmd_demo },
	{ "sessions", "list the webinar sessions, their links and your progress", cmd_sessions },
	{ "status", "show your progress through the sessions", cmd_status },
	{ "reset", "clear your progress (of one session, or all)", cmd_reset },
	{ "serve", "start the lab internet and keep it running", cmd_serve },
	{ "query", "ask a lab server a question, like dig", cmd_query },
	{ "trace", "follow one resolution from the root, step by step", cmd_trace },
	{ "resolve", "ask the lab resolver; say whether the answer was cached", cmd_resolve },
	{ "validate", "validate a name with DNSSEC and show the chain, link by link", cmd_validate },
	{ "chain", "draw the chain of trust of a name (text tree or Graphviz)", cmd_chain },
	{ "walk", "list a signed zone by following its NSEC chain (zone walking)", cmd_walk },
	{ "keygen", "make a DNSSEC key pair (KSK or ZSK) for a zone", cmd_keygen },
	{ "sign", "sign a zone file (NSEC or NSEC3)", cmd_sign },
	{ "ds", "print the DS record of a key signing key", cmd_ds },
	{ "verify", "check a signed zone file: signatures, chain, keys", cmd_verify },
	{ "registrar", "register a domain under test.: NS, glue, DS, whois, log", cmd_registrar },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: dnslab COMMAND [ARGS]   (dnslab COMMAND --help for details)\n\n"
		     "A private DNS internet on loopback for hands-on DNS and DNSSEC labs.\n\n"
		     "Commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nExamples:\n"
		     "  dnslab dns101\n"
		     "  dnslab serve --wiretap\n"
		     "  dnslab query www.example.test @example\n"
		     "  dnslab query test. NS @root +norec\n"
		     "  dnslab trace www.example.test\n"
		     "  dnslab resolve www.example.test\n");
}

int main(int argc, char **argv)
{
	/* ldns's record parser takes and frees a large line buffer for every
	 * record; at the top of the heap glibc would give it back to the kernel
	 * each time (one brk per record: 400,000 system calls for a 100k zone). */
	/* The lab shell's line editor needs the user's character set to take
	 * more than ASCII; numbers and messages stay in the C locale. */
	setlocale(LC_CTYPE, "");
	mallopt(M_TRIM_THRESHOLD, 8 << 20);
	mallopt(M_TOP_PAD, 1 << 20);
	if (argc < 2) {
		/* A student who types just `dnslab` sees the sessions to pick
		 * from; --help still prints the usage. */
		static char sessions_name[] = "sessions";
		char *sargv[] = { sessions_name, NULL };
		return cmd_sessions(1, sargv);
	}
	const char *name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("dnslab %s\n", DNSLAB_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].run(argc - 1, argv + 1); /* argv[0]: the command's name */
	fprintf(stderr, "dnslab: unknown command '%s'\n\n", name);
	usage(stderr);
	return 2;
}
