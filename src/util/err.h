/* err.h: error codes, the error record every fallible call fills, and the one
 * mapping from an error to a process exit status.
 *
 * Functions return 0 (DL_OK) or a negative DL_ERR_* code; the message in a
 * struct dl_error is the user's next step: what failed, where, what to do. */
#ifndef DNSLAB_ERR_H
#define DNSLAB_ERR_H

enum {
	DL_OK = 0,
	DL_ERR_FALSE = -1, /* the thing checked is false (exit 1) */
	DL_ERR_USAGE = -2, /* bad command line (exit 2) */
	DL_ERR_INPUT = -3, /* bad zone, lab or packet input (exit 2) */
	DL_ERR_ENV = -4,   /* port busy, missing file or dependency (exit 3) */
	DL_ERR_NOMEM = -5, /* out of memory (exit 3) */
	DL_ERR_NET = -6,   /* timeout or network failure talking to a server (exit 3) */
};

struct dl_error {
	int code;
	char msg[1024];
};

/* Record code and a printf-style message in e (which may be NULL); returns code. */
int dl_error_set(struct dl_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Exit status for an error code: 0 ok, 1 false, 2 usage/input, 3 environment. */
int dl_exit_status(int code);

/* Print "dnslab: MSG" to stderr and return the exit status for e->code. */
int dl_error_report(const struct dl_error *e);

#endif
