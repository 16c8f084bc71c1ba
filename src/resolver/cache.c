/* cache.c: the resolver cache of RRsets and negative answers, aged by the lab clock.
 *
 * Keys are (lowercased wire name, type, class); NXDOMAIN entries use type 0
 * so one lookup per name finds them whatever type is asked.  Entries own deep
 * copies of everything, so callers may free their packets at once.  Memory is
 * bounded by max_entries: a full table sweeps expired entries, then evicts
 * with a clock hand over the buckets. */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dname.h"
#include "resolver/cache.h"
#include "util/err.h"

#define CACHE_DEFAULT_MAX 100000
#define CACHE_MIN_BUCKETS 64
#define CACHE_MAX_BUCKETS ((size_t)1 << 17)

/* Locale-free: DNS names compare case-insensitively in ASCII only
 * (RFC 4343), and label length bytes (<= 63) are below 'A' so folding
 * the whole wire form is safe. */
static inline uint8_t lower(uint8_t b)
{
	return (b >= 'A' && b <= 'Z') ? (uint8_t)(b + ('a' - 'A')) : b;
}

static bool name_eq(const ldns_rdf *a, const ldns_rdf *b)
{
	size_t n = ldns_rdf_size(a);
	if (n != ldns_rdf_size(b))
		return false;
	const uint8_t *x = ldns_rdf_data(a), *y = ldns_rdf_data(b);
	for (size_t i = 0; i < n; i++)
		if (lower(x[i]) != lower(y[i]))
			return false;
	return true;
}

static bool is_dname(const ldns_rdf *r)
{
	return r && ldns_rdf_get_type(r) == LDNS_RDF_TYPE_DNAME && ldns_rdf_size(r) > 0;
}

static size_t bucket_of(const struct cache *c, const ldns_rdf *name, ldns_rr_type type,
			ldns_rr_class klass)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const uint8_t *p = ldns_rdf_data(name);
	for (size_t i = 0, n = ldns_rdf_size(name); i < n; i++)
		h = (h ^ lower(p[i])) * 0x100000001b3ULL;
	uint8_t tail[4] = { (uint8_t)(type >> 8), (uint8_t)type, (uint8_t)(klass >> 8), (uint8_t)klass };
	for (size_t i = 0; i < sizeof tail; i++)
		h = (h ^ tail[i]) * 0x100000001b3ULL;
	/* FNV's low bits mix poorly on short keys; fold the high half in. */
	h ^= h >> 32;
	return (size_t)h & (c->nbuckets - 1);
}

static void entry_free(struct cache_entry *e)
{
	ldns_rr_list_deep_free(e->rrs);
	ldns_rr_list_deep_free(e->sigs);
	ldns_rr_list_deep_free(e->proof);
	ldns_rdf_deep_free(e->name);
	free(e);
}

static void unlink_entry(struct cache *c, struct cache_entry **slot)
{
	struct cache_entry *e = *slot;
	*slot = e->next;
	entry_free(e);
	c->count--;
}

/* The link pointing at the entry for the key, or NULL.  An expired entry met
 * here is dropped, so callers only ever see live ones. */
static struct cache_entry **find_live(struct cache *c, const ldns_rdf *name, ldns_rr_type type,
				      ldns_rr_class klass, double now)
{
	struct cache_entry **slot = &c->buckets[bucket_of(c, name, type, klass)];
	for (; *slot; slot = &(*slot)->next) {
		struct cache_entry *e = *slot;
		if (e->type != type || e->klass != klass || !name_eq(e->name, name))
			continue;
		/* Stored later than now: the lab clock was turned back (clock
		 * reset after clock +31d).  Data from the future is dropped, or
		 * its TTL would stand still until the clock caught up. */
		if (e->expires <= now || e->stored > now + 1.0) {
			unlink_entry(c, slot);
			return NULL;
		}
		return slot;
	}
	return NULL;
}

static void sweep_expired(struct cache *c, double now)
{
	double next = DBL_MAX;
	for (size_t b = 0; b < c->nbuckets; b++) {
		struct cache_entry **slot = &c->buckets[b];
		while (*slot) {
			if ((*slot)->expires <= now) {
				unlink_entry(c, slot);
				continue;
			}
			if ((*slot)->expires < next)
				next = (*slot)->expires;
			slot = &(*slot)->next;
		}
	}
	c->sweep_at = next;
}

/* Drops the oldest entry of the next non-empty bucket: cheap, needs no
 * per-entry bookkeeping, and spreads evictions over the whole table. */
static bool evict_one(struct cache *c)
{
	for (size_t i = 0; i < c->nbuckets; i++) {
		size_t b = (c->hand + i) & (c->nbuckets - 1);
		struct cache_entry **slot = &c->buckets[b];
		if (!*slot)
			continue;
		while ((*slot)->next)
			slot = &(*slot)->next;
		unlink_entry(c, slot);
		c->hand = (b + 1) & (c->nbuckets - 1);
		return true;
	}
	return false;
}

static void insert(struct cache *c, struct cache_entry *e, double now)
{
	if (c->count >= c->max_entries && c->sweep_at <= now)
		sweep_expired(c, now);
	while (c->count >= c->max_entries && evict_one(c))
		;
	struct cache_entry **head = &c->buckets[bucket_of(c, e->name, e->type, e->klass)];
	e->next = *head;
	*head = e;
	c->count++;
	if (e->expires < c->sweep_at)
		c->sweep_at = e->expires;
}

/* RFC 2181 8: a TTL with the top bit set is treated as zero. */
static uint32_t sane_ttl(uint32_t ttl)
{
	return ttl > INT32_MAX ? 0 : ttl;
}

static struct cache_entry *entry_new(const ldns_rdf *name, ldns_rr_type type, ldns_rr_class klass,
				     enum cache_kind kind, enum cache_trust trust, uint32_t ttl,
				     double now)
{
	struct cache_entry *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->name = ldns_rdf_clone(name);
	if (!e->name) {
		free(e);
		return NULL;
	}
	ldns_dname2canonical(e->name);
	e->kind = kind;
	e->trust = trust;
	e->type = type;
	e->klass = klass;
	e->ttl = ttl;
	e->stored = now;
	e->expires = now + ttl;
	return e;
}

int cache_init(struct cache *c, size_t max_entries)
{
	memset(c, 0, sizeof *c);
	c->max_entries = max_entries ? max_entries : CACHE_DEFAULT_MAX;
	size_t n = CACHE_MIN_BUCKETS;
	while (n < c->max_entries && n < CACHE_MAX_BUCKETS)
		n <<= 1;
	c->buckets = calloc(n, sizeof *c->buckets);
	if (!c->buckets)
		return DL_ERR_NOMEM;
	c->nbuckets = n;
	c->sweep_at = DBL_MAX;
	return 0;
}

void cache_flush(struct cache *c)
{
	if (!c->buckets)
		return;
	for (size_t b = 0; b < c->nbuckets; b++) {
		while (c->buckets[b])
			unlink_entry(c, &c->buckets[b]);
	}
	c->hand = 0;
	c->sweep_at = DBL_MAX;
}

size_t cache_flush_below(struct cache *c, const ldns_rdf *name)
{
	size_t n = 0;
	for (size_t b = 0; c->buckets && b < c->nbuckets; b++) {
		struct cache_entry **slot = &c->buckets[b];
		while (*slot) {
			const ldns_rdf *o = (*slot)->name;
			if (dname_at_or_below(o, name)) {
				unlink_entry(c, slot);
				n++;
			} else {
				slot = &(*slot)->next;
			}
		}
	}
	return n;
}

void cache_free(struct cache *c)
{
	cache_flush(c);
	free(c->buckets);
	memset(c, 0, sizeof *c);
}

const struct cache_entry *cache_get(struct cache *c, const ldns_rdf *name, ldns_rr_type type,
				    ldns_rr_class klass, double now)
{
	if (!c->buckets || !is_dname(name)) {
		c->misses++;
		return NULL;
	}
	struct cache_entry **slot = find_live(c, name, type, klass, now);
	struct cache_entry *exact = slot ? *slot : NULL;
	struct cache_entry *nx = NULL;
	if (type != 0) {
		slot = find_live(c, name, 0, klass, now);
		nx = slot ? *slot : NULL;
	}
	/* Both live only when the NXDOMAIN came after the positive entry (puts
	 * remove an older NXDOMAIN); the newer wins if it is trusted enough. */
	const struct cache_entry *e = exact;
	if (nx && (!exact || (nx->stored >= exact->stored && nx->trust >= exact->trust)))
		e = nx;
	if (e)
		c->hits++;
	else
		c->misses++;
	return e;
}

uint32_t cache_ttl_left(const struct cache_entry *e, double now)
{
	if (!e || now >= e->expires)
		return 0;
	/* Counted from stored rather than expires: now - stored is exact for
	 * nearby doubles, so no time passed reads the full TTL, not TTL - 1. */
	double elapsed = now - e->stored;
	if (elapsed <= 0)
		return e->ttl;
	if (elapsed >= e->ttl)
		return 0;
	uint32_t whole = (uint32_t)elapsed;
	if ((double)whole < elapsed)
		whole++;
	return whole >= e->ttl ? 0 : e->ttl - whole;
}

static bool rrset_valid(const ldns_rr_list *rrset)
{
	if (!rrset || ldns_rr_list_rr_count(rrset) == 0)
		return false;
	const ldns_rr *first = ldns_rr_list_rr(rrset, 0);
	if (!first || !is_dname(ldns_rr_owner(first)) || ldns_rr_get_type(first) == 0)
		return false;
	for (size_t i = 1; i < ldns_rr_list_rr_count(rrset); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(rrset, i);
		if (!rr || !is_dname(ldns_rr_owner(rr)) ||
		    ldns_rr_get_type(rr) != ldns_rr_get_type(first) ||
		    ldns_rr_get_class(rr) != ldns_rr_get_class(first) ||
		    !name_eq(ldns_rr_owner(rr), ldns_rr_owner(first)))
			return false;
	}
	return true;
}

static bool sigs_valid(const ldns_rr_list *sigs, const ldns_rr *first)
{
	for (size_t i = 0; sigs && i < ldns_rr_list_rr_count(sigs); i++) {
		const ldns_rr *s = ldns_rr_list_rr(sigs, i);
		if (!s || ldns_rr_get_type(s) != LDNS_RR_TYPE_RRSIG ||
		    ldns_rr_get_class(s) != ldns_rr_get_class(first) || !is_dname(ldns_rr_owner(s)) ||
		    !name_eq(ldns_rr_owner(s), ldns_rr_owner(first)))
			return false;
		const ldns_rdf *covered = ldns_rr_rrsig_typecovered(s);
		if (!covered || ldns_rdf_size(covered) != 2 ||
		    ldns_rdf2rr_type(covered) != ldns_rr_get_type(first))
			return false;
	}
	return true;
}

/* RFC 2181 5.4.1: a put may not displace a live entry that is more trusted,
 * neither the one at its own key nor the name's NXDOMAIN (RFC 2308 5: a
 * later answer replaces a negative one only if it is at least as good). */
static bool may_replace(struct cache *c, const ldns_rdf *name, ldns_rr_type type, ldns_rr_class klass,
			enum cache_trust trust, double now)
{
	struct cache_entry **old = find_live(c, name, type, klass, now);
	if (old && (*old)->trust > trust)
		return false;
	struct cache_entry **nx = type != 0 ? find_live(c, name, 0, klass, now) : NULL;
	return !(nx && (*nx)->trust > trust);
}

/* Only called once may_replace allowed it.  Each link is looked up afresh
 * because unlinking one entry can move the other's link in a shared bucket. */
static void replace(struct cache *c, struct cache_entry *e, double now)
{
	struct cache_entry **slot = find_live(c, e->name, e->type, e->klass, now);
	if (slot)
		unlink_entry(c, slot);
	if (e->type != 0 && (slot = find_live(c, e->name, 0, e->klass, now)))
		unlink_entry(c, slot);
	insert(c, e, now);
}

int cache_put_rrset(struct cache *c, const ldns_rr_list *rrset, const ldns_rr_list *sigs,
		    enum cache_trust trust, double now)
{
	if (!c->buckets || !rrset_valid(rrset))
		return DL_ERR_INPUT;
	const ldns_rr *first = ldns_rr_list_rr(rrset, 0);
	if (!sigs_valid(sigs, first))
		return DL_ERR_INPUT;

	uint32_t ttl = UINT32_MAX;
	for (size_t i = 0; i < ldns_rr_list_rr_count(rrset); i++) {
		uint32_t t = sane_ttl(ldns_rr_ttl(ldns_rr_list_rr(rrset, i)));
		if (t < ttl)
			ttl = t;
	}
	if (ttl == 0)
		return 0;

	const ldns_rdf *owner = ldns_rr_owner(first);
	ldns_rr_type type = ldns_rr_get_type(first);
	ldns_rr_class klass = ldns_rr_get_class(first);
	if (!may_replace(c, owner, type, klass, trust, now))
		return 0;

	struct cache_entry *e = entry_new(owner, type, klass, CACHE_POSITIVE, trust, ttl, now);
	if (!e)
		return DL_ERR_NOMEM;
	e->rrs = ldns_rr_list_clone(rrset);
	e->sigs = sigs ? ldns_rr_list_clone(sigs) : ldns_rr_list_new();
	if (!e->rrs || !e->sigs) {
		entry_free(e);
		return DL_ERR_NOMEM;
	}
	replace(c, e, now);
	return 0;
}

int cache_put_negative(struct cache *c, const ldns_rdf *name, ldns_rr_type type, ldns_rr_class klass,
		       enum cache_kind kind, const ldns_rr *soa, const ldns_rr_list *proof, double now)
{
	if (!c->buckets || !is_dname(name) || !soa || ldns_rr_get_type(soa) != LDNS_RR_TYPE_SOA ||
	    ldns_rr_rd_count(soa) < 7)
		return DL_ERR_INPUT;
	if (kind == CACHE_NXDOMAIN)
		type = 0;
	else if (kind != CACHE_NODATA || type == 0)
		return DL_ERR_INPUT;
	const ldns_rdf *minimum = ldns_rr_rdf(soa, 6);
	if (!minimum || ldns_rdf_size(minimum) != 4)
		return DL_ERR_INPUT;

	uint32_t ttl = sane_ttl(ldns_rr_ttl(soa));
	uint32_t min = sane_ttl(ldns_rdf2native_int32(minimum));
	if (min < ttl)
		ttl = min;
	if (ttl == 0)
		return 0;

	if (!may_replace(c, name, type, klass, CACHE_TRUST_NEGATIVE, now))
		return 0;

	struct cache_entry *e = entry_new(name, type, klass, kind, CACHE_TRUST_NEGATIVE, ttl, now);
	if (!e)
		return DL_ERR_NOMEM;
	e->rrs = ldns_rr_list_new();
	e->sigs = proof ? ldns_rr_list_clone(proof) : ldns_rr_list_new();
	ldns_rr *copy = ldns_rr_clone(soa);
	if (!e->rrs || !e->sigs || !copy || !ldns_rr_list_push_rr(e->rrs, copy)) {
		ldns_rr_free(copy);
		entry_free(e);
		return DL_ERR_NOMEM;
	}
	replace(c, e, now);
	return 0;
}

void cache_walk(struct cache *c, double now, void (*fn)(void *arg, const struct cache_entry *e),
		void *arg)
{
	if (!c->buckets)
		return;
	for (size_t b = 0; b < c->nbuckets; b++)
		for (const struct cache_entry *e = c->buckets[b]; e; e = e->next)
			if (e->expires > now)
				fn(arg, e);
}

int cache_attach_proof(struct cache *c, const ldns_rdf *name, ldns_rr_type type, ldns_rr_class klass,
		       const ldns_rr_list *proof, double now)
{
	if (!c->buckets || !is_dname(name) || !ldns_rr_list_rr_count(proof))
		return 0;
	struct cache_entry **slot = find_live(c, name, type, klass, now);
	if (!slot || (*slot)->kind != CACHE_POSITIVE)
		return 0;
	ldns_rr_list *copy = ldns_rr_list_clone(proof);
	if (!copy)
		return DL_ERR_NOMEM;
	ldns_rr_list_deep_free((*slot)->proof);
	(*slot)->proof = copy;
	return 0;
}
