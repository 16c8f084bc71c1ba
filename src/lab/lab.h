/* lab.h: the lab internet: the topology's virtual servers with their zones,
 * each listening on its own loopback address, the shared lab port, the lab
 * clock and the wiretap, all on one libuv loop. */
#ifndef DNSLAB_LAB_H
#define DNSLAB_LAB_H

#include <stdbool.h>
#include <time.h>
#include <uv.h>

#include "dns/authserver.h"
#include "lab/clock.h"
#include "lab/labsign.h"
#include "lab/topology.h"
#include "lab/wiretap.h"
#include "net/listener.h"
#include "resolver/resolver.h"

#define LAB_DEFAULT_PORT 5300

struct lab;
struct dot_listener;

struct lab_server {
	struct lab *lab;
	const struct topo_server *ts; /* borrowed from lab->topo */
	struct authserver auth;
	struct net_listener listener;
	bool listening;
	struct resolver *resolver; /* role resolver only; owned */
	struct dot_listener *dot;  /* role resolver: DNS over TLS (labtls.h); owned, or NULL */
};

struct lab {
	struct topology *topo;
	struct zone **zones; /* each zone once, however many servers serve it */
	size_t nzones;
	struct lab_server *servers;
	size_t nservers;
	int port;
	bool qmin;             /* the resolver's QNAME minimisation (default on) */
	struct labclock clock; /* move clock.offset before lab_listen, or any time */
	struct wiretap tap;
	ldns_rr_list *anchor;  /* the root KSK's DS when the lab signs its zones, else NULL */
	struct labsign_stats signing;
	char userdir[4096];    /* keys/ and the trust-anchor files live here */
	int dot_port;          /* the resolver's DNS-over-TLS port once listening, else 0 */
	char dot_note[1100];   /* why DNS over TLS is off, or "" */
	int closing;
	void (*on_closed)(struct lab *lab);
};

/* The topology at path (NULL: the default lab's).  A missing file named by
 * the user is a usage error (exit 2); a missing default is an install problem. */
int lab_topology_load(const char *path, struct topology **out, struct dl_error *err);

/* Load topology_path (NULL: the default lab) and every zone; no sockets yet.
 * When the topology says dnssec: sign, the zones are signed with the keys in
 * paths_userdir()/keys (made on first use) and the trust anchor is written
 * next to them.  Zone and topology errors are "file:line: ..." (DL_ERR_INPUT). */
int lab_load(struct lab **out, const char *topology_path, int port, struct dl_error *err);

/* Read every zone file again and sign the zones at sign_time (the lab
 * clock's now, so a re-sign after a clock jump gives fresh signatures), then
 * serve them.  On error (file:line in err) the old zones go on serving. */
int lab_reload(struct lab *lab, time_t sign_time, struct dl_error *err);

/* When the lab signs its zones: write each zone as served (signed) to
 * dir = userdir/signed/<zone>.zone, for reading and for `dnslab verify`.
 * Returns 0 (dir filled in either case) or DL_ERR_ENV. */
int lab_write_signed(const struct lab *lab, char *dir, size_t dirlen, struct dl_error *err);

/* Start every server's listeners on loop.  When the port is taken on every
 * server address, *all_busy is set (another lab is probably running). */
int lab_listen(struct lab *lab, uv_loop_t *loop, bool *all_busy, struct dl_error *err);

/* Close all listeners; on_closed(lab) runs when the last handle is closed
 * (at once if none is open). */
void lab_close(struct lab *lab, void (*on_closed)(struct lab *lab));

/* Free a lab whose listeners are closed (or were never opened). */
void lab_free(struct lab *lab);

/* Root hints from the topology: the servers that serve ".". */
int lab_root_hints(const struct lab *lab, struct iter_hints *out);

/* Zones served from a signed file of their own (a zone the lab does not
 * sign, whose zone file has a ".signed" copy next to it): one line
 * "ORIGIN served from FILE" each into buf (noting a copy older than its
 * zone file).  Returns how many. */
size_t lab_own_signed(const struct lab *lab, char *buf, size_t len);

/* The running resolver (once lab_listen started it; borrowed), or NULL. */
struct resolver *lab_running_resolver(const struct lab *lab);

/* Empty the cache and key cache of every running resolver. */
void lab_flush_resolvers(struct lab *lab);

/* The resolver of the topology (borrowed), or NULL. */
const struct topo_server *lab_resolver(const struct lab *lab);

/* The server named by key (id, host name or address), borrowed or NULL. */
const struct lab_server *lab_find(const struct lab *lab, const char *key);

/* The topology server whose zones most closely enclose name (borrowed or
 * NULL): who is authoritative for it. */
const struct topo_server *lab_authority_for(const struct lab *lab, const char *name);

#endif
