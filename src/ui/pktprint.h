/* pktprint.h: a DNS response shown the way dig shows it, or as one line of
 * JSON, so users recognise what they see and scripts can parse it.
 *
 * Neither function changes the packet; both write only to out. */
#ifndef DNSLAB_PKTPRINT_H
#define DNSLAB_PKTPRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <ldns/ldns.h>

/* How the answer arrived; strings are borrowed for the call. */
struct pktprint_meta {
	const char *server_label;  /* e.g. "example" (topology id) or NULL */
	const char *server_addr;   /* "127.53.2.1"; NULL leaves out the SERVER line */
	int port;                  /* 5300 */
	const char *transport;     /* "UDP" or "TCP" (or "TLS"); may be NULL */
	double rtt_ms;
	size_t size;               /* bytes received */
	time_t when;               /* 0 leaves out the WHEN line */
	bool tc_retry;             /* the UDP answer was truncated and we retried over TCP */
};

/* dig's layout: header, flags, OPT pseudosection (EDNS, Extended DNS Errors,
 * other options), the non-empty sections with dig's column alignment, then
 * the query time / server / when / size footer (left out when m is NULL).
 * color adds SGR sequences from term.h; pass term_use_color(out). */
void pktprint_text(FILE *out, const ldns_pkt *pkt, const struct pktprint_meta *m, bool color);

/* The same answer as one compact JSON object and a newline.  Field names are
 * stable: server, rtt_ms, size, tc_retry, id, opcode, rcode, flags, edns
 * (null without EDNS; version, udp_size, do, ede[], options[]), question,
 * answer, authority, additional (never the OPT record), and tsig when the
 * message carried one.  server, rtt_ms and size are null when m is NULL. */
void pktprint_json(FILE *out, const ldns_pkt *pkt, const struct pktprint_meta *m);

/* The registered name of Extended DNS Error INFO-CODE code (RFC 8914 and the
 * IANA registry, 0-29), or NULL when it is unassigned.  Static storage. */
const char *pktprint_ede_name(uint16_t code);

struct json;

/* Each record of l on one line, as ldns presents it: into the JSON array
 * being written to j, or, when j is NULL, to out after indent. */
void pktprint_rr_lines(FILE *out, struct json *j, const ldns_rr_list *l, const char *indent);

#endif
