/* dot.h: a DNS-over-TLS listener (RFC 7858) in front of a virtual server.
 *
 * TCP on the shared libuv loop, TLS through memory BIOs (tlsio.h), the
 * 2-byte length framing of DNS over TCP, several queries per connection
 * answered as they are ready, possibly out of order (RFC 7766 6.2.1.1).
 * Queries go to the server of a UDP/TCP listener (listener.h) by the same
 * path as its own, so the resolver cannot tell TLS from TCP.  Each message
 * is published on the tap as NET_TLS with the size of its TLS records. */
#ifndef DNSLAB_DOT_H
#define DNSLAB_DOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>
#include <uv.h>

#include "net/listener.h"
#include "util/err.h"

#define DOT_READ_BUF 16384
#define DOT_OBUF_SIZE (65535 + 2)

struct dot_conn;

struct dot_listener {
	uv_tcp_t tcp;
	uv_loop_t *loop;
	SSL_CTX *ctx;                 /* owned */
	struct net_listener *dns;     /* borrowed: whose server answers */
	struct sockaddr_storage addr;
	const char *label;            /* borrowed: the server's topology id */
	const struct net_tap *tap;    /* borrowed, may be NULL */
	struct dot_conn *conns;       /* least recently active first */
	struct dot_conn *conns_tail;
	size_t nconns, max_conns;
	unsigned idle_ms;             /* RFC 7766 6.2.3: close when idle */
	unsigned handshake_ms;        /* a handshake must finish within this */
	bool handle_open;
	void *data;                   /* the owner's */
	void (*on_closed)(struct dot_listener *d);
	uint64_t queries, handshakes, failed_handshakes;
	uint8_t rbuf[DOT_READ_BUF];   /* ciphertext of one read, any connection */
	uint8_t obuf[DOT_OBUF_SIZE];  /* one framed answer */
};

/* Listen for DNS over TLS on ip:port with the PEM certificate chain and
 * key, handing queries to dns (borrowed; it must outlive the listener's
 * connections).  TLS 1.2 at least; ALPN "dot" is accepted when offered.
 * The timeouts come from DNSLAB_TCP_IDLE_MS (default 10 s) like TCP's.
 * On error (message in err) nothing stays open except the handle that
 * dot_listener_close must still close. */
int dot_listener_start(struct dot_listener *d, uv_loop_t *loop, const char *ip, int port, const char *label,
		       const char *cert_file, const char *key_file, struct net_listener *dns,
		       const struct net_tap *tap, struct dl_error *err);

/* Close the listener and every connection; on_closed(d) runs when its
 * handle is closed, after which d may be freed.  Connections that still
 * wait for an answer free themselves when it comes (or is dropped). */
void dot_listener_close(struct dot_listener *d, void (*on_closed)(struct dot_listener *d));

#endif
