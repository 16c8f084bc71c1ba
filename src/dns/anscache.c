/* anscache.c: open-addressing table of precomputed wire responses (anscache.h). */
#include "dns/anscache.h"

#include <stdlib.h>
#include <string.h>

#define KEY_MAX (255 + 5)

static size_t key_bytes(const struct anscache_key *k, uint8_t *buf)
{
	memcpy(buf, k->qname, k->qname_len);
	size_t n = k->qname_len;
	buf[n++] = (uint8_t)(k->qtype >> 8);
	buf[n++] = (uint8_t)k->qtype;
	buf[n++] = (uint8_t)(k->qclass >> 8);
	buf[n++] = (uint8_t)k->qclass;
	buf[n++] = k->variant;
	return n;
}

/* FNV-1a: short keys, no adversary can do much against a bounded table that
 * stops accepting entries when full. */
static uint32_t hash_bytes(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

const uint8_t *anscache_get(const struct anscache *c, const struct anscache_key *k, size_t *len)
{
	if (!c->slots || k->qname_len > 255)
		return NULL;
	uint8_t key[KEY_MAX];
	size_t kl = key_bytes(k, key);
	uint32_t h = hash_bytes(key, kl);
	for (size_t i = h & (ANSCACHE_SLOTS - 1);; i = (i + 1) & (ANSCACHE_SLOTS - 1)) {
		const struct anscache_entry *e = &c->slots[i];
		if (!e->blob)
			return NULL;
		if (e->hash == h && e->key_len == kl && memcmp(e->blob, key, kl) == 0) {
			*len = e->resp_len;
			return e->blob + kl;
		}
	}
}

void anscache_put(struct anscache *c, const struct anscache_key *k, const uint8_t *resp, size_t len)
{
	if (k->qname_len > 255 || len > UINT16_MAX)
		return;
	/* Full (a flood of distinct names): start afresh rather than serve every
	 * later name the slow way; the hot names come back at once. */
	if (c->used >= ANSCACHE_SLOTS / 4 * 3)
		anscache_clear(c);
	if (!c->slots && !(c->slots = calloc(ANSCACHE_SLOTS, sizeof *c->slots)))
		return;
	uint8_t key[KEY_MAX];
	size_t kl = key_bytes(k, key);
	uint32_t h = hash_bytes(key, kl);
	size_t i = h & (ANSCACHE_SLOTS - 1);
	for (; c->slots[i].blob; i = (i + 1) & (ANSCACHE_SLOTS - 1)) {
		const struct anscache_entry *e = &c->slots[i];
		if (e->hash == h && e->key_len == kl && memcmp(e->blob, key, kl) == 0)
			return;
	}
	uint8_t *blob = malloc(kl + len);
	if (!blob)
		return;
	memcpy(blob, key, kl);
	memcpy(blob + kl, resp, len);
	c->slots[i] = (struct anscache_entry){ blob, (uint16_t)kl, (uint16_t)len, h };
	c->used++;
}

void anscache_clear(struct anscache *c)
{
	if (c->slots)
		for (size_t i = 0; i < ANSCACHE_SLOTS; i++)
			free(c->slots[i].blob);
	free(c->slots);
	c->slots = NULL;
	c->used = 0;
}
