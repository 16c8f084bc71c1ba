/* shelltools.h: the lab shell's keygen, sign and ds: the CLI commands of
 * dnssec_tools.c run on the workspace, with its paths and the lab clock
 * filled in, for the zones the student signs (sign: no in lab.yaml). */
#ifndef DNSLAB_SHELLTOOLS_H
#define DNSLAB_SHELLTOOLS_H

#include <stddef.h>

#include "lab/lab.h"

#define SHELLTOOLS_MAX_ARGS 38 /* the size of the shell job's argv */

/* The argument vector of the CLI command behind the shell's argv[0]
 * (keygen, sign or ds) for argv[1] (a zone), the student's further options
 * appended: out[0..*outc) are strdup'd (caller frees each), *fn the command
 * to run.  Returns 0, or -1 with a message for the student in msg (not
 * one of the student's zones, no keys yet ...). */
int shelltools_prepare(const struct lab *lab, int argc, char **argv, int (**fn)(int, char **), char **out,
		       int *outc, char *msg, size_t msglen);

#endif
