/* listener.h: one virtual server's sockets: UDP and TCP on one address and
 * port, on the shared libuv loop.  The handler turns a query into a response
 * and knows nothing of sockets. */
#ifndef DNSLAB_LISTENER_H
#define DNSLAB_LISTENER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "net/tap.h"
#include "util/err.h"

/* Write the response to q into out (cap bytes); return its length, 0 to drop. */
typedef size_t (*net_handler_fn)(void *arg, const uint8_t *q, size_t qlen, bool tcp,
				 uint8_t *out, size_t cap);

struct tcp_conn;
struct net_request;
struct udp_batch;

/* For servers that answer later (the resolver): the handler keeps req and
 * must call net_request_reply or net_request_drop on it exactly once. */
typedef void (*net_async_fn)(void *arg, const uint8_t *q, size_t qlen, struct net_request *req);

struct net_listener {
	uv_udp_t udp;
	uv_tcp_t tcp;
	uv_loop_t *loop;
	struct sockaddr_storage addr;
	const char *label;        /* borrowed: topology id */
	net_handler_fn handler;
	void *handler_arg;
	const struct net_tap *tap; /* borrowed, may be NULL */
	uint8_t *rbuf;             /* UDP receive buffer (recvmmsg batch) */
	uint8_t *obuf;             /* response buffer, reused for every reply */
	struct udp_batch *batch;   /* replies waiting for one sendmmsg */
	struct tcp_conn *conns;    /* least recently active first */
	struct tcp_conn *conns_tail;
	size_t nconns;
	unsigned tcp_idle_ms;
	size_t max_conns;
	int open_handles;          /* udp + tcp still to close */
	void (*on_closed)(struct net_listener *l);
	uint64_t udp_queries, tcp_queries, dropped;
	net_async_fn async;        /* when set, used instead of handler */
	struct net_request *pending; /* requests not answered yet */
};

/* Another stream transport (DNS over TLS, net/tls.h) hands its queries to a
 * listener's server through a sink: reply(conn, ...) sends an answer back
 * and release(conn) ends the request, after a reply or a drop, always once. */
struct net_stream_sink {
	void (*reply)(void *conn, const uint8_t *resp, size_t len);
	void (*release)(void *conn);
};

/* Ask l's server (the same path as its UDP and TCP queries) the query
 * q[0..qlen) from peer, answering through sink on conn (borrowed until
 * release).  Publishing on the tap is the transport's: it alone knows what
 * crossed the wire. */
void net_listener_stream_query(struct net_listener *l, const uint8_t *q, size_t qlen, const struct sockaddr *peer,
			       const struct net_stream_sink *sink, void *conn);

/* The client of a pending request: borrowed, valid until reply/drop. */
const struct sockaddr *net_request_peer(const struct net_request *req);
/* Over a stream (TCP or TLS): no UDP size limit applies. */
bool net_request_tcp(const struct net_request *req);
/* Over an encrypted transport (DNS over TLS): padding makes sense. */
bool net_request_encrypted(const struct net_request *req);

/* Send resp (copied) to the client of req and free req.  A request whose
 * listener or TCP connection has gone away is dropped quietly. */
void net_request_reply(struct net_request *req, const uint8_t *resp, size_t len);
void net_request_drop(struct net_request *req);

/* Bind UDP and TCP on ip:port and start serving.  A busy address gives
 * DL_ERR_ENV with a message naming the port.  On error nothing stays open
 * except handles that net_listener_close must still close. */
int net_listener_start(struct net_listener *l, uv_loop_t *loop, const char *ip, int port,
		       const char *label, net_handler_fn fn, void *arg, const struct net_tap *tap,
		       struct dl_error *err);

/* The same for a server that answers asynchronously. */
int net_listener_start_async(struct net_listener *l, uv_loop_t *loop, const char *ip, int port,
			     const char *label, net_async_fn fn, void *arg, const struct net_tap *tap,
			     struct dl_error *err);

/* Close every handle; on_closed(l) runs when the last one is closed, after
 * which l may be freed. */
void net_listener_close(struct net_listener *l, void (*on_closed)(struct net_listener *l));

#endif
