/* topology.h: the lab internet as data: which virtual servers exist, at which
 * loopback address, serving which zones (zones/lab.yaml by default). */
#ifndef DNSLAB_TOPOLOGY_H
#define DNSLAB_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>

#include "resolver/acl.h"
#include "util/err.h"

/* What the lab does to a zone when it signs the lab at startup (teaching
 * zones break one link of the chain of trust on purpose). */
enum topo_fault {
	TOPO_FAULT_NONE,
	TOPO_FAULT_NO_DS,    /* signed, but the parent holds no DS: an island */
	TOPO_FAULT_EXPIRED,  /* every signature's validity has ended */
	TOPO_FAULT_WRONG_DS, /* the parent's DS matches no key of the zone */
	TOPO_FAULT_BAD_SIG,  /* the signatures over the apex SOA and www are corrupt */
};

struct topo_zone {
	char *origin; /* presentation form with trailing dot, "." for the root */
	char *file;   /* path of the zone file */
	int line;     /* where the topology names it */
	bool sign;    /* signed at startup (when the topology says dnssec: sign) */
	bool nsec3;   /* denial with NSEC3 instead of NSEC */
	unsigned iterations; /* NSEC3 extra iterations (RFC 9276: 0) */
	enum topo_fault fault;
};

enum topo_role { TOPO_AUTHORITATIVE, TOPO_RESOLVER };

struct topo_server {
	enum topo_role role;
	char *id;      /* short name used as @id: root, tld, example ... */
	char *name;    /* host name, e.g. a.root-servers.test. */
	char *address; /* IPv4 or IPv6 literal */
	struct topo_zone *zones;
	size_t nzones;
	int line;
	/* role resolver: whom it answers (clients:, default this machine's
	 * loopback), and the address that stands for the Internet outside the
	 * ISP (offnet:, or NULL) */
	struct acl clients;
	char *offnet;
};

struct topology {
	char *path;
	bool sign; /* dnssec: sign -- the lab signs its zones at startup */
	struct topo_server *servers;
	size_t nservers;
};

/* The fault's name in the topology file ("no-ds" ...). */
const char *topo_fault_name(enum topo_fault f);

/* Load and check a topology file; zone file names resolve next to it.
 * Caller frees *out with topology_free. */
int topology_load(const char *path, struct topology **out, struct dl_error *err);
void topology_free(struct topology *t);

/* The server whose id, name (with or without trailing dot) or address is key;
 * borrowed, or NULL. */
const struct topo_server *topology_find(const struct topology *t, const char *key);

#endif
