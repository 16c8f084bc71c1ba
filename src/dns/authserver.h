/* authserver.h: one virtual authoritative server's message handling: wire
 * query in, wire response out.  No I/O, so the listeners, the fuzzer and the
 * unit tests all drive the same function. */
#ifndef DNSLAB_AUTHSERVER_H
#define DNSLAB_AUTHSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/answer.h"
#include "dns/anscache.h"

#define AUTHSERVER_EDNS_SIZE 1232 /* DNS Flag Day 2020 */
#define AUTHSERVER_MAX_MSG 65535

struct authserver {
	struct zoneset zones; /* borrowed zone pointers; the array is owned */
	struct anscache cache;
	char identity[256];   /* CH TXT id.server / hostname.bind; "" answers REFUSED */
};

/* zones: borrowed; the array itself is copied. */
int authserver_init(struct authserver *s, struct zone *const *zones, size_t n);
void authserver_free(struct authserver *s);
/* The name this instance gives for CH TXT id.server. and hostname.bind.
 * (RFC 4892), e.g. its host name. */
void authserver_set_identity(struct authserver *s, const char *name);
/* Forget precomputed answers (call after the zones change). */
void authserver_zones_changed(struct authserver *s);

/* Answer query q[0..qlen) received over UDP (tcp false) or TCP.  Writes the
 * response into out (cap >= AUTHSERVER_MAX_MSG) and returns its length, or 0
 * when the message must be dropped (too short to answer, or a response). */
size_t authserver_respond(struct authserver *s, const uint8_t *q, size_t qlen, bool tcp,
			  uint8_t *out, size_t cap);

#endif
