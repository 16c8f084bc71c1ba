/* checks_signed.h: the checks on a zone the student signs (checks.h):
 * zone-signed (the zone as a server serves it is signed, and its signatures
 * verify on the lab clock) and zsk-rollover (a step of a ZSK rollover by
 * pre-publication, RFC 7583 3.2.1, judged from the served zone, the key
 * files and the lab resolver's caches). */
#ifndef DNSLAB_CHECKS_SIGNED_H
#define DNSLAB_CHECKS_SIGNED_H

#include <stdbool.h>
#include <stddef.h>

#include "lab/checks.h"

/* zone-signed: s->server serves s->zone with a DNSKEY RRset whose RRSIG by
 * a KSK of the set verifies, and an SOA whose RRSIG verifies with a ZSK of
 * the set, both at the lab clock's now.  o->why says what is missing. */
void check_zone_signed(const struct check_env *e, const struct check_spec *s, struct check_outcome *o);

/* zsk-rollover, the structural half: the step s->state (published, signing
 * or removed) is reached, judged with the zone's newest ZSK (the newest .key
 * file next to the zone file) as the new key.  Returns true when it is;
 * the caller then checks that the zone validates as secure. */
bool check_zsk_rollover(const struct check_env *e, const struct check_spec *s, struct check_outcome *o);

#endif
