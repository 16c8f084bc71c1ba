/* topology.h: the lab internet as data: which virtual servers exist, at which
 * loopback address, serving which zones (zones/lab.yaml by default). */
#ifndef DNSLAB_TOPOLOGY_H
#define DNSLAB_TOPOLOGY_H

#include <stddef.h>

#include "util/err.h"

struct topo_zone {
	char *origin; /* presentation form with trailing dot, "." for the root */
	char *file;   /* path of the zone file */
	int line;     /* where the topology names it */
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
};

struct topology {
	char *path;
	struct topo_server *servers;
	size_t nservers;
};

/* Load and check a topology file; zone file names resolve next to it.
 * Caller frees *out with topology_free. */
int topology_load(const char *path, struct topology **out, struct dl_error *err);
void topology_free(struct topology *t);

/* The server whose id, name (with or without trailing dot) or address is key;
 * borrowed, or NULL. */
const struct topo_server *topology_find(const struct topology *t, const char *key);

#endif
