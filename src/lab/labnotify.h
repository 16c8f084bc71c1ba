/* labnotify.h: the lab's answer to a DNS NOTIFY (RFC 1996, opcode 4): "the
 * zone changed, read it again".  The registrar sends one to the TLD server
 * after each registry change; the server reads the zone file again with the
 * registry's records, signs it again at the lab clock's now (keeping the DS
 * records the lab put in for its signed children), serves it, and only then
 * answers (QR, AA, NOERROR), so the registrar's next query sees the change.
 * A NOTIFY for a zone the server does not serve gets NOTAUTH, a malformed
 * one FORMERR; the server's other zones and the resolvers' caches are not
 * touched (old answers live on until their TTLs run out on the lab clock). */
#ifndef DNSLAB_LABNOTIFY_H
#define DNSLAB_LABNOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <ldns/ldns.h>

#include "util/err.h"

struct lab;
struct lab_server;

/* Is q a NOTIFY request (opcode 4, QR=0)?  Only the header is looked at. */
bool labnotify_is_notify(const uint8_t *q, size_t qlen);

/* The response of server s of lab to the NOTIFY q (written into out, cap
 * bytes; 0: drop).  Loads and swaps the zone synchronously. */
size_t labnotify_respond(struct lab *lab, struct lab_server *s, const uint8_t *q, size_t qlen, uint8_t *out,
			 size_t cap);

/* Read the zone origin again from its file (with the registry applied),
 * sign it at now when the lab signs it, and serve the new copy on every
 * server of the lab that serves it.  On error (file:line in err) the old
 * copy goes on serving. */
int labnotify_reload_zone(struct lab *lab, const ldns_rdf *origin, time_t now, struct dl_error *err);

#endif
