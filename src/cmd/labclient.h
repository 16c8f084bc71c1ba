/* labclient.h: what every command that talks to the lab shares: load the
 * topology, and use the lab on the port, or start one in this process when
 * none is running there (one bind attempt tells, with no timeout). */
#ifndef DNSLAB_LABCLIENT_H
#define DNSLAB_LABCLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "lab/lab.h"

struct labclient_opts {
	const char *topology; /* NULL: the default lab */
	int port;
	bool no_embed;        /* fail instead of starting a lab here */
	bool need_lab;        /* false when talking to an address outside the lab */
	int64_t clock_offset; /* --clock, for a lab started here (or to judge at) */
	bool clock_given;     /* --clock was given */
	bool lab_clock;       /* without --clock, use a running lab's clock (validate, chain) */
	bool no_qmin;         /* --no-qmin, for a lab started here */
	bool quiet;           /* no note on stderr when a lab is started here */
};

struct labclient {
	struct lab *lab;
	uv_loop_t loop;
	bool embedded;
	bool stopped;
	struct nta_list nta; /* with lab_clock: the running lab's negative trust anchors */
};

/* Load the lab and decide where it runs.  On error the message is in err and
 * nothing needs closing. */
int labclient_open(struct labclient *c, const struct labclient_opts *o, struct dl_error *err);

/* Call when the command's work is done: closes a lab started here, so that
 * the loop can end.  Safe to call twice. */
void labclient_stop(struct labclient *c);

/* Run the loop until the work and the lab are done, then free everything.
 * Returns 0, or 3 when a handle was left open (an internal error). */
int labclient_run(struct labclient *c);

/* One of the options every command that talks to the lab takes: -p/--port,
 * -t/--topology, --clock, --no-qmin, --no-embed.  Returns 1 when argv[*i]
 * (with its value, *i advanced) was one, 0 when not, -1 after an error. */
int labclient_option(struct labclient_opts *o, int argc, char **argv, int *i);

/* The command line of `trace` and `resolve`: NAME [TYPE], the lab options
 * and --json.  Returns -1 to go on, or the exit status (0 after --help,
 * 2 after an error, printed). */
int labclient_parse_question(const char *cmd, const char *usage, int argc, char **argv,
			     struct labclient_opts *lo, const char **name, const char **type, bool *json);

/* "+1h" etc. for --clock; prints the error and returns -1. */
int labclient_parse_clock(const char *value, int64_t *out);

#endif
