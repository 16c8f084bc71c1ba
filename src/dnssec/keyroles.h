/* keyroles.h: which of a zone's keys sign and which are only published, for
 * rollovers done by hand (RFC 7583).  A key named "publish only" is in the
 * DNSKEY RRset but makes no signature (a ZSK pre-published before it signs,
 * or an old ZSK kept after it stopped signing); a key named "without" is
 * left out of the zone entirely (retired and removed).  Every other key of
 * the directory signs, as before. */
#ifndef DNSLAB_KEYROLES_H
#define DNSLAB_KEYROLES_H

#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "util/err.h"

#define KEYROLES_MAX 16

struct keyroles {
	uint16_t publish_only[KEYROLES_MAX]; /* key tags */
	size_t npublish_only;
	uint16_t without[KEYROLES_MAX];
	size_t nwithout;
};

/* Add tag (a key tag as typed: 1 to 5 digits) to list; DL_ERR_USAGE when
 * it is not a key tag or the list is full. */
int keyroles_add(uint16_t *list, size_t *n, const char *tag, const char *opt, struct dl_error *err);

/* Apply roles to the keys of one zone as keys_load_dir gave them (keys[i]
 * is the private half of dnskeys[i]): a publish-only key leaves *keys (its
 * DNSKEY stays in *dnskeys), a without key leaves both.  Every tag must name
 * a key of the directory, no tag may be in both lists, and at least one key
 * must be left to sign; otherwise DL_ERR_USAGE naming the zone's key tags.
 * zone and dir are for the messages. */
int keyroles_apply(const struct keyroles *r, ldns_key_list **keys, ldns_rr_list *dnskeys, const char *zone,
		   const char *dir, struct dl_error *err);

/* The ZSKs of zone (origin with its trailing dot) among the .key files of
 * dir: *newest the one whose .key file was written last (keygen writes a
 * key once, so that is the new key of a rollover), older[0..*nolder) the
 * others.  Returns 0, or -1 when dir holds no ZSK of the zone. */
int keyroles_zsks(const char *dir, const char *origin, uint16_t *newest, uint16_t *older, size_t *nolder);

#endif
