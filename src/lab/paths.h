/* paths.h: where the lab's read-only data (zones/, labs/) lives: the source
 * tree for a build run from it, PREFIX/share/dnslab once installed. */
#ifndef DNSLAB_PATHS_H
#define DNSLAB_PATHS_H

#include <stddef.h>

/* The data directory, found in this order: $DNSLAB_DATA, the tree above the
 * running binary (build/dnslab, build/asan/dnslab), the install DATADIR.
 * Borrowed, static storage. */
const char *paths_datadir(void);

/* datadir/zones/lab.yaml into buf. */
const char *paths_default_topology(char *buf, size_t len);

#endif
