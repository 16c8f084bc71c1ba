/* anscache.h: a server's precomputed responses in wire form, keyed by the
 * lowercased question and the EDNS/DO bits, so that a repeated query is
 * answered with one copy and a few patched bytes instead of ldns allocations.
 * Bounded: when full it is emptied and fills again with what is asked. */
#ifndef DNSLAB_ANSCACHE_H
#define DNSLAB_ANSCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ANSCACHE_SLOTS 8192 /* a power of two; at most 3/4 are used */

struct anscache_key {
	const uint8_t *qname; /* lowercased wire name */
	size_t qname_len;
	uint16_t qtype, qclass;
	uint8_t variant; /* bit 0: EDNS present, bit 1: DO */
};

struct anscache_entry {
	uint8_t *blob; /* key bytes then response bytes, one allocation */
	uint16_t key_len, resp_len;
	uint32_t hash;
};

struct anscache {
	struct anscache_entry *slots; /* NULL until the first insert */
	size_t used;
};

/* The cached response for k (borrowed until the next clear), or NULL. */
const uint8_t *anscache_get(const struct anscache *c, const struct anscache_key *k, size_t *len);
/* Keep a copy of resp for k; silently skipped when full or out of memory. */
void anscache_put(struct anscache *c, const struct anscache_key *k, const uint8_t *resp, size_t len);
/* Drop everything (zones changed); also frees the table. */
void anscache_clear(struct anscache *c);

#endif
