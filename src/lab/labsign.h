/* labsign.h: sign the lab internet at startup.  Every zone the topology
 * marks signed gets a KSK and a ZSK kept in the student's key directory (so
 * key tags stay stable across runs), is signed in memory, and has its DS put
 * into its parent before the parent is signed; the root's DS is the lab's
 * trust anchor.  Teaching zones break one link on purpose (topo_fault). */
#ifndef DNSLAB_LABSIGN_H
#define DNSLAB_LABSIGN_H

#include <stddef.h>
#include <time.h>

#include <ldns/ldns.h>

#include "dns/zone.h"
#include "lab/topology.h"
#include "util/err.h"

#define LABSIGN_VALIDITY (30 * 86400) /* signatures last 30 days */
#define LABSIGN_BACKDATE 3600         /* from an hour before now (clock skew) */

struct labsign_stats {
	size_t zones, signatures, keys_made;
	double ms; /* wall time spent, keys and signing */
};

/* zones[i] is served as configured by cfg[i] (borrowed).  Signed zones are
 * replaced in zones[] (the unsigned ones freed).  *anchor (caller frees
 * deep) receives the DS records of the root's KSKs, or stays NULL when the
 * root is not signed.  now: the signing time (lab_load passes real time, so
 * `serve --clock +40d` starts with signatures already expired on the lab
 * clock; a later reload passes the lab clock). */
int labsign_zones(struct zone **zones, const struct topo_zone *const *cfg, size_t n, const char *keydir,
		  time_t now, ldns_rr_list **anchor, struct labsign_stats *st, struct dl_error *err);

/* Sign one zone again (*zp replaced, the unsigned one freed), as
 * labsign_zones signed it, with its keys from keydir and the DS records ds
 * (borrowed) of its children: for a zone whose data changed while the lab
 * runs (a registry change, labnotify.h). */
int labsign_zone(struct zone **zp, const struct topo_zone *cfg, const ldns_rr_list *ds, const char *keydir,
		 time_t now, struct labsign_stats *st, struct dl_error *err);

/* Write the anchor for other validators: dir/trust-anchor.ds (zone-file DS
 * records, for drill -k, unbound, ldns-verify-zone -k) and
 * dir/trust-anchor.conf (BIND's trust-anchors clause, for delv -a).  Only
 * rewritten when the content changes. */
int labsign_write_anchor(const ldns_rr_list *anchor, const char *dir, struct dl_error *err);

#endif
