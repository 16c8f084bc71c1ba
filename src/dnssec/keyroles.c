/* keyroles.c: keys that sign, keys only published, keys left out
 * (keyroles.h).
 *
 * Why options on `sign` and not timing metadata in the key files (BIND's
 * Publish/Activate/Inactive/Delete, set with dnssec-settime): the student
 * does each step of the rollover by hand and sees it in the command typed,
 * the key files stay as keygen wrote them (keys are never rewritten), and
 * `sign` stays a function of its inputs: the same zone, keys and options
 * give the same zone.  BIND's metadata is the model for what each role
 * means: publish-only is "published, not active", without is "deleted". */
#include "dnssec/keyroles.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "dnssec/keys.h"

int keyroles_add(uint16_t *list, size_t *n, const char *tag, const char *opt, struct dl_error *err)
{
	char *end;
	long v = strtol(tag, &end, 10);
	if (!*tag || *end || v < 0 || v > 65535 || strlen(tag) > 5)
		return dl_error_set(err, DL_ERR_USAGE, "%s '%s': give a key tag (a number from 0 to 65535, as keygen "
				    "printed it)", opt, tag);
	if (*n == KEYROLES_MAX)
		return dl_error_set(err, DL_ERR_USAGE, "%s: at most %d keys", opt, KEYROLES_MAX);
	list[(*n)++] = (uint16_t)v;
	return 0;
}

static bool in(const uint16_t *list, size_t n, uint16_t tag)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == tag)
			return true;
	return false;
}

/* "12345 (KSK), 23456 (ZSK)": the zone's keys, for a message. */
static void tag_list(const ldns_rr_list *dnskeys, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ldns_rr_list_rr_count(dnskeys) && o < len; i++) {
		const ldns_rr *k = ldns_rr_list_rr(dnskeys, i);
		bool ksk = ldns_rdf2native_int16(ldns_rr_rdf(k, 0)) & LDNS_KEY_SEP_KEY;
		o += (size_t)snprintf(buf + o, len - o, "%s%u (%s)", i ? ", " : "", (unsigned)ldns_calc_keytag(k),
				      ksk ? "KSK" : "ZSK");
	}
}

int keyroles_apply(const struct keyroles *r, ldns_key_list **keys, ldns_rr_list *dnskeys, const char *zone,
		   const char *dir, struct dl_error *err)
{
	char have[600];
	tag_list(dnskeys, have, sizeof have);
	size_t n = ldns_rr_list_rr_count(dnskeys);
	for (size_t l = 0; l < 2; l++) {
		const uint16_t *list = l ? r->without : r->publish_only;
		size_t ln = l ? r->nwithout : r->npublish_only;
		for (size_t i = 0; i < ln; i++) {
			bool found = false;
			for (size_t k = 0; k < n && !found; k++)
				found = ldns_calc_keytag(ldns_rr_list_rr(dnskeys, k)) == list[i];
			if (!found)
				return dl_error_set(err, DL_ERR_USAGE, "%s %u: %s has no key with that tag in %s (its keys: %s)",
						    l ? "--without" : "--publish-only", (unsigned)list[i], zone, dir, have);
			if (!l && in(r->without, r->nwithout, list[i]))
				return dl_error_set(err, DL_ERR_USAGE,
						    "key %u is both --publish-only and --without: a key is published or not",
						    (unsigned)list[i]);
		}
	}
	ldns_key_list *kept = ldns_key_list_new();
	ldns_rr_list *published = ldns_rr_list_new();
	if (!kept || !published) {
		if (kept)
			ldns_key_list_free(kept);
		ldns_rr_list_free(published);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	bool oom = false;
	for (size_t k = 0; k < n; k++) {
		ldns_key *key = ldns_key_list_key(*keys, k);
		ldns_rr *rr = ldns_rr_list_rr(dnskeys, k);
		uint16_t tag = ldns_calc_keytag(rr);
		if (in(r->without, r->nwithout, tag)) {
			ldns_key_deep_free(key);
			ldns_rr_free(rr);
			continue;
		}
		if (!ldns_rr_list_push_rr(published, rr)) {
			ldns_rr_free(rr);
			oom = true;
		}
		if (in(r->publish_only, r->npublish_only, tag) || !ldns_key_list_push_key(kept, key))
			ldns_key_deep_free(key);
	}
	/* Every key moved or was freed: empty the old containers. */
	ldns_key_list_set_key_count(*keys, 0);
	ldns_key_list_free(*keys);
	*keys = kept;
	ldns_rr_list_set_rr_count(dnskeys, 0);
	for (size_t k = 0; k < ldns_rr_list_rr_count(published); k++)
		ldns_rr_list_push_rr(dnskeys, ldns_rr_list_rr(published, k));
	ldns_rr_list_free(published);
	if (oom)
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	if (ldns_key_list_key_count(kept) == 0)
		return dl_error_set(err, DL_ERR_USAGE, "no key of %s is left to sign (its keys: %s)", zone, have);
	return 0;
}

int keyroles_zsks(const char *dir, const char *origin, uint16_t *newest, uint16_t *older, size_t *nolder)
{
	*nolder = 0;
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	char prefix[320];
	snprintf(prefix, sizeof prefix, "K%s+", origin);
	struct dirent *de;
	bool any = false;
	struct timespec best = { 0, 0 };
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (strncasecmp(de->d_name, prefix, strlen(prefix)) || l < 5 || strcmp(de->d_name + l - 4, ".key"))
			continue;
		char path[4400];
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		struct stat st;
		ldns_rr *k = NULL;
		struct dl_error err = { 0, "" };
		if (stat(path, &st) == 0 && keys_read_dnskey(path, false, &k, &err) == 0 &&
		    !(ldns_rdf2native_int16(ldns_rr_rdf(k, 0)) & LDNS_KEY_SEP_KEY)) {
			uint16_t tag = ldns_calc_keytag(k);
			bool later = !any || st.st_mtim.tv_sec > best.tv_sec ||
				     (st.st_mtim.tv_sec == best.tv_sec && st.st_mtim.tv_nsec > best.tv_nsec);
			if (later) {
				if (any && *nolder < KEYROLES_MAX)
					older[(*nolder)++] = *newest;
				*newest = tag;
				best = st.st_mtim;
				any = true;
			} else if (*nolder < KEYROLES_MAX) {
				older[(*nolder)++] = tag;
			}
		}
		ldns_rr_free(k);
	}
	closedir(d);
	return any ? 0 : -1;
}
