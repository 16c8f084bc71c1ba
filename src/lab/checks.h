/* checks.h: the check vocabulary of the exercises (docs/lab-format.md),
 * evaluated against the live lab.  Every expected value is computed when
 * the check runs: an answer from a lab server's own engine, the resolver's
 * cache, the wiretap, or a validation.  Nothing expected is ever read from
 * an exercise file, so an instructor who edits a zone breaks no exercise. */
#ifndef DNSLAB_CHECKS_H
#define DNSLAB_CHECKS_H

#include <stdbool.h>
#include <uv.h>

#include "lab/lab.h"
#include "lab/session.h"

/* The queries the lab's servers received, as the wiretap saw them, so that
 * an `asked` check can tell the student asked the root themselves. */
#define ASKED_LOG_SIZE 512

struct asked_entry {
	unsigned long long seq; /* the wiretap's sequence number */
	char server[32];        /* the listener's id: root, tld ... */
	char qname[256];        /* presentation form, lower case, trailing dot */
	uint16_t qtype;
	bool from_lab;          /* sent by the lab's own resolver */
	enum net_transport transport; /* udp, tcp or tls */
};

struct asked_log {
	struct asked_entry e[ASKED_LOG_SIZE];
	size_t n, next;
	struct lab *lab;        /* borrowed: its wiretap, its resolver's address */
};

/* Subscribe to lab's wiretap; detach before the lab goes.  0 or DL_ERR_ENV. */
int asked_log_attach(struct asked_log *l, struct lab *lab);
void asked_log_detach(struct asked_log *l);
/* The wiretap's sequence number now: checks look at what comes after. */
unsigned long long asked_log_now(const struct asked_log *l);

struct check_env {
	struct lab *lab;
	uv_loop_t *loop;
	const struct asked_log *asked;
	unsigned long long since; /* wiretap sequence when the exercise began */
};

/* A question check's expected answer, computed now (*expected, caller
 * frees), and the live records it comes from, for the explanation
 * (*quote, caller frees, one record per line).  0, or an error in err
 * (an unknown server, a lab without a resolver ...). */
int check_expect(const struct check_env *e, const struct check_spec *s, char **expected, char **quote,
		 struct dl_error *err);

/* Does the student's answer equal expected, in the kind's normal form
 * (case, trailing dots, blanks, order, quotes of TXT data)? */
bool check_answer_ok(const struct check_spec *s, const char *expected, const char *answer);

/* An action check: pass or not, why in plain words (both for the caller's
 * message), and the live data it looked at.  done runs once, possibly
 * before check_action returns. */
struct check_outcome {
	bool pass;
	char why[512];
	char quote[1024];
};
typedef void (*check_done_fn)(void *arg, const struct check_outcome *o);
void check_action(const struct check_env *e, const struct check_spec *s, check_done_fn done, void *arg);

#endif
