/* keycache.c: the validator's memory across queries (keycache.h).  A few
 * hundred zones at most in a lab: a linear scan is plenty. */
#include "resolver/keycache.h"

#include <stdio.h>
#include <string.h>

#include "dns/dname.h"

void keycache_init(struct keycache *kc)
{
	memset(kc, 0, sizeof *kc);
}

static void entry_clear(struct kc_entry *e)
{
	ldns_rdf_deep_free(e->name);
	ldns_rr_list_deep_free(e->keys);
	memset(e, 0, sizeof *e);
}

void keycache_flush(struct keycache *kc)
{
	for (size_t i = 0; i < kc->n; i++)
		entry_clear(&kc->e[i]);
	kc->n = 0;
	kc->hand = 0;
	memset(kc->memo_used, 0, sizeof kc->memo_used);
	rrsig_cache_free(kc->rc);
	kc->rc = NULL;
}

struct rrsig_cache *keycache_rrsig(struct keycache *kc)
{
	if (!kc->rc)
		kc->rc = rrsig_cache_new();
	return kc->rc;
}

static size_t memo_slot(const uint8_t key[32])
{
	return ((size_t)key[0] | (size_t)key[1] << 8) % SIGMEMO_SLOTS;
}

bool keycache_sig_known(const struct keycache *kc, const uint8_t key[32])
{
	size_t i = memo_slot(key);
	return kc->memo_used[i] && !memcmp(kc->memo[i], key, 32);
}

void keycache_sig_remember(struct keycache *kc, const uint8_t key[32])
{
	size_t i = memo_slot(key);
	memcpy(kc->memo[i], key, 32);
	kc->memo_used[i] = 1;
}

void keycache_flush_below(struct keycache *kc, const ldns_rdf *name)
{
	for (size_t i = 0; i < kc->n;) {
		const ldns_rdf *o = kc->e[i].name;
		if (o && dname_at_or_below(o, name)) {
			entry_clear(&kc->e[i]);
			kc->e[i] = kc->e[--kc->n]; /* keep the table dense */
			memset(&kc->e[kc->n], 0, sizeof kc->e[kc->n]);
			kc->hand = 0;
		} else {
			i++;
		}
	}
}

static struct kc_entry *find(struct keycache *kc, const ldns_rdf *name)
{
	for (size_t i = 0; i < kc->n; i++)
		if (kc->e[i].name && ldns_dname_compare(kc->e[i].name, name) == 0)
			return &kc->e[i];
	return NULL;
}

const struct kc_entry *keycache_get(struct keycache *kc, const ldns_rdf *name, double now)
{
	struct kc_entry *e = find(kc, name);
	/* Expired, or stored on a lab clock since turned back. */
	if (e && (e->expires <= now || e->stored > now + 1.0))
		return NULL;
	return e;
}

void keycache_put(struct keycache *kc, const ldns_rdf *name, enum kc_state state, const ldns_rr_list *keys,
		  uint16_t ede, const char *why, double now, double ttl)
{
	if (ttl <= 0)
		return;
	struct kc_entry *e = find(kc, name);
	if (!e && kc->n < KEYCACHE_SLOTS)
		e = &kc->e[kc->n++];
	if (!e)
		e = &kc->e[kc->hand++ % KEYCACHE_SLOTS];
	entry_clear(e);
	e->name = ldns_rdf_clone(name);
	e->keys = keys ? ldns_rr_list_clone(keys) : NULL;
	if (!e->name || (keys && !e->keys)) {
		entry_clear(e);
		return; /* out of memory: simply not remembered */
	}
	ldns_dname2canonical(e->name);
	e->state = state;
	e->ede = ede;
	snprintf(e->why, sizeof e->why, "%s", why ? why : "");
	e->stored = now;
	e->expires = now + ttl;
}
