/* labmap.h: the table of the lab's servers with their addresses and
 * zones, the DNSSEC files, and copy-paste lines for a second terminal. */
#ifndef DNSLAB_LABMAP_H
#define DNSLAB_LABMAP_H

#include <stdbool.h>
#include <stdio.h>

#include "lab/lab.h"

/* serve_hints: end with how to stop a `serve` (Ctrl-C). */
void labmap_print(const struct lab *lab, FILE *out, bool serve_hints);

#endif
