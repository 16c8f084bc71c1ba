/* wiretap.h: the in-process bus that every message crossing the lab is
 * published on.  Terminal views, --json output, exercise checks and the
 * instructor's live view subscribe here; nothing else prints packets. */
#ifndef DNSLAB_WIRETAP_H
#define DNSLAB_WIRETAP_H

#include <stdbool.h>
#include <stdio.h>

#include "lab/clock.h"
#include "lab/topology.h"
#include "net/tap.h"

#define WIRETAP_MAX_SUBSCRIBERS 16

struct wiretap_event {
	double time;                /* lab clock */
	unsigned long long seq;     /* 1, 2, 3 ... per bus */
	const struct net_event *net;
};

typedef void (*wiretap_fn)(void *arg, const struct wiretap_event *ev);

struct wiretap {
	struct net_tap hook; /* hand &hook to the transports */
	struct {
		wiretap_fn fn;
		void *arg;
	} subs[WIRETAP_MAX_SUBSCRIBERS];
	size_t nsubs;
	unsigned long long seq;
	const struct labclock *clock;  /* borrowed, may be NULL */
	const struct topology *topo;   /* borrowed: names addresses */
};

void wiretap_init(struct wiretap *t, const struct labclock *clock, const struct topology *topo);
/* Returns 0, or DL_ERR_ENV when all slots are taken. */
int wiretap_subscribe(struct wiretap *t, wiretap_fn fn, void *arg);
void wiretap_unsubscribe(struct wiretap *t, wiretap_fn fn, void *arg);

/* One readable line (no newline) describing ev into buf: who talked to
 * whom, over what, and what was asked or answered. */
void wiretap_format(const struct wiretap *t, const struct wiretap_event *ev, char *buf, size_t len);
/* The same as one JSON object on its own line. */
void wiretap_write_json(const struct wiretap *t, const struct wiretap_event *ev, FILE *out);

/* Subscribers that print each event to a FILE* (arg), text or JSON lines. */
void wiretap_print_text(void *arg, const struct wiretap_event *ev);
void wiretap_print_json(void *arg, const struct wiretap_event *ev);

/* Bind the printers' FILE and bus: arg for the two printers above. */
struct wiretap_printer {
	const struct wiretap *tap;
	FILE *out;
	bool color;
};

#endif
