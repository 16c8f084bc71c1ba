/* exchange.h: one client query/response exchange on the libuv loop: UDP with
 * timeout and retries, falling back to TCP when the answer has TC=1
 * (RFC 7766), or TCP from the start, or DNS over TLS (RFC 7858).  Used by
 * `query` and by the resolver. */
#ifndef DNSLAB_EXCHANGE_H
#define DNSLAB_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "net/tap.h"

struct exchange_opts {
	bool tcp;               /* start with TCP */
	bool no_tc_fallback;    /* keep a truncated UDP answer (dig +ignore) */
	unsigned timeout_ms;    /* per try; 0 means 1500 */
	unsigned tries;         /* UDP tries; 0 means 3 */
	const struct net_tap *tap; /* borrowed, may be NULL */
	const char *label;      /* tap label for this side, may be NULL */
	const struct sockaddr *source; /* bind here (port 0), or NULL for any */
	bool tls;               /* DNS over TLS to server (its DoT port) */
	const char *tls_ca;     /* with tls: PEM file of the CA to trust */
	const char *tls_host;   /* with tls: the name, or address, the certificate must carry */
};

struct exchange_result {
	int status;            /* 0, or a negative libuv error (UV_ETIMEDOUT ...) */
	const uint8_t *msg;    /* borrowed: valid during the callback only */
	size_t len;
	enum net_transport transport; /* of the final answer */
	bool tc_fallback;      /* UDP said TC=1 and TCP was used */
	double rtt_ms;         /* of the final try */
	unsigned tries;        /* datagrams sent */
	const char *error;     /* why TLS failed (certificate ...), or NULL; borrowed */
};

typedef void (*exchange_cb)(const struct exchange_result *r, void *arg);

struct exchange;

/* Send query q[0..qlen) to server.  cb runs exactly once, from the loop, with
 * the first response whose ID and question match the query, unless the
 * exchange is cancelled first.  *handle (when not NULL) identifies it for
 * exchange_cancel until cb runs.  Returns 0, or a negative libuv error (then
 * cb never runs). */
int exchange_start(uv_loop_t *loop, const struct sockaddr *server, const uint8_t *q, size_t qlen,
		   const struct exchange_opts *opts, exchange_cb cb, void *arg, struct exchange **handle);

/* Stop an exchange whose callback has not run yet; cb will not run. */
void exchange_cancel(struct exchange *x);

#endif
