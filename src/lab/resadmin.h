/* resadmin.h: the resolver operator's controls, one front for `dnslab
 * serve`'s standard input and the lab shell:
 *   resolver status | qmin on|off | hyperlocal on|off | open | closed
 *   nta add NAME [DURATION] | nta remove NAME | nta list
 * Each changes the running resolver at once. */
#ifndef DNSLAB_RESADMIN_H
#define DNSLAB_RESADMIN_H

#include <stdbool.h>
#include <stdio.h>

#include "lab/lab.h"

/* Is argv[0] one of this front's commands ("resolver", "nta")? */
bool resadmin_handles(const char *cmd);

/* Run one command (argv[0] is "resolver" or "nta"), writing what happened
 * to out; later news (a hyperlocal transfer that ends) goes to out too.
 * Returns 0, 2 for a usage error (the message says what to type), or 3
 * when the lab has no running resolver. */
int resadmin_command(struct lab *lab, int argc, char **argv, FILE *out);

/* The same, with later news given to news(arg, msg) instead of out (a
 * shell that shows it above its prompt). */
int resadmin_command_news(struct lab *lab, int argc, char **argv, FILE *out, void (*news)(void *arg, const char *msg),
			  void *news_arg);

/* The help lines of these commands, for the shell's and serve's help. */
extern const char resadmin_help[];

#endif
