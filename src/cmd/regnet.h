/* regnet.h: what the registrar asks the lab over real packets, as a
 * registry would: the addresses of a name server (the lab resolver), the
 * DNSKEYs a zone's name servers serve, and the NOTIFY that makes the TLD
 * server serve a change.  Each call runs the command's loop until its answer
 * (or its timeout), so a lab started inside the command answers too. */
#ifndef DNSLAB_REGNET_H
#define DNSLAB_REGNET_H

#include <stdint.h>

#include <ldns/ldns.h>

#include "cmd/labclient.h"
#include "util/err.h"

/* Send q to ip (on the lab port) and wait for the answer: *answer (caller
 * frees).  DL_ERR_NET on timeout. */
int regnet_ask(struct labclient *c, const char *ip, const ldns_pkt *q, ldns_pkt **answer, struct dl_error *err);

/* The A and AAAA records of host as the lab resolver finds them, appended
 * to out (caller's).  None found is not an error: out stays as it was. */
int regnet_addresses(struct labclient *c, const ldns_rdf *host, ldns_rr_list *out, struct dl_error *err);

/* The DNSKEY records of zone served by the name server at ip (asked with
 * RD=0, DO=1), appended to out.  An answer that is not authoritative, or an
 * error rcode, is an error naming it. */
int regnet_dnskeys(struct labclient *c, const ldns_rdf *zone, const char *ip, ldns_rr_list *out,
		   struct dl_error *err);

/* NOTIFY zone to the server at ip, wait for its NOERROR, then ask it for the
 * zone's SOA: *serial is what it serves now. */
int regnet_notify(struct labclient *c, const char *ip, const char *zone, uint32_t *serial, struct dl_error *err);

#endif
