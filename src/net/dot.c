/* dot.c: the DNS-over-TLS listener (dot.h).
 *
 * A connection goes through three states on one timer: the handshake (it
 * must finish within handshake_ms), open (closed after idle_ms with no
 * query and none pending), and closing (close_notify or an alert sent,
 * then a TCP shutdown; a peer that never reads is cut off after a second).
 * Anything that is not TLS, such as DNS over plain TCP, fails the
 * handshake and is closed this way without a word in the log: a port scan
 * or a confused client is not an incident. */
#include "net/dot.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>

#include "net/tlsio.h"

#define DOT_IDLE_MS_DEFAULT 10000
#define DOT_HANDSHAKE_MS_MAX 3000
#define DOT_MAX_CONNS_DEFAULT 64
#define DOT_CLOSE_GRACE_MS 1000
#define DOT_MAX_INFLIGHT 32                  /* queries pending per connection */
#define DOT_MAX_WRITE_QUEUE (256 * 1024)     /* unsent bytes per connection */
#define DOT_PLAIN_MAX (2 * DOT_OBUF_SIZE)    /* decrypted, not yet framed */

struct dot_conn {
	uv_tcp_t h;
	uv_timer_t timer;
	uv_shutdown_t shut;
	struct dot_listener *d; /* NULL once the connection is closing */
	struct dot_conn *prev, *next;
	struct tlsio tls;
	uint8_t *buf; /* decrypted bytes not yet split into messages */
	size_t len, cap;
	size_t in_mark; /* tlsio_consumed() when the last query was taken */
	struct sockaddr_storage peer;
	int handles; /* h and timer */
	int refs;    /* queries the server has not answered yet */
	bool ready, closing, paused, driving;
};

static void conn_drive(struct dot_conn *c);
static void conn_on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);
static void conn_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

/* ---- the connection list (least recently active first) ---- */

static void conn_unlink(struct dot_conn *c)
{
	struct dot_listener *d = c->d;
	if (c->prev)
		c->prev->next = c->next;
	else
		d->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		d->conns_tail = c->prev;
	c->prev = c->next = NULL;
	d->nconns--;
}

static void conn_append(struct dot_conn *c)
{
	struct dot_listener *d = c->d;
	c->prev = d->conns_tail;
	c->next = NULL;
	if (d->conns_tail)
		d->conns_tail->next = c;
	else
		d->conns = c;
	d->conns_tail = c;
	d->nconns++;
}

/* ---- closing ---- */

static void conn_release(struct dot_conn *c)
{
	if (c->handles == 0 && c->refs == 0) {
		tlsio_free(&c->tls);
		free(c->buf);
		free(c);
	}
}

static void conn_on_closed(uv_handle_t *h)
{
	struct dot_conn *c = h->data;
	c->handles--;
	conn_release(c);
}

/* At once: nothing more is sent or read. */
static void conn_close(struct dot_conn *c)
{
	if (!c->d)
		return;
	c->closing = true;
	conn_unlink(c);
	c->d = NULL;
	uv_close((uv_handle_t *)&c->timer, conn_on_closed);
	uv_close((uv_handle_t *)&c->h, conn_on_closed);
}

static void conn_on_timer(uv_timer_t *t);

static void conn_on_shutdown(uv_shutdown_t *req, int status)
{
	conn_close(req->data);
}

/* Send what TLS has to say last (close_notify, or the alert of a failed
 * handshake), then end the TCP stream. */
static void conn_finish(struct dot_conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	if (c->ready) {
		ERR_clear_error();
		SSL_shutdown(c->tls.ssl);
	}
	ERR_clear_error();
	uv_read_stop((uv_stream_t *)&c->h);
	c->shut.data = c;
	if (tlsio_flush(&c->tls, (uv_stream_t *)&c->h) != 0 ||
	    uv_shutdown(&c->shut, (uv_stream_t *)&c->h, conn_on_shutdown) != 0) {
		conn_close(c);
		return;
	}
	uv_timer_start(&c->timer, conn_on_timer, DOT_CLOSE_GRACE_MS, 0);
}

static void conn_on_timer(uv_timer_t *t)
{
	struct dot_conn *c = t->data;
	if (c->closing) {
		conn_close(c); /* the peer did not take our last words */
		return;
	}
	if (c->ready && c->refs > 0) {
		/* Not idle: answers are on their way (the resolver times out). */
		uv_timer_start(&c->timer, conn_on_timer, c->d->idle_ms, 0);
		return;
	}
	if (!c->ready)
		c->d->failed_handshakes++;
	conn_finish(c);
}

static void conn_touch(struct dot_conn *c)
{
	uv_timer_start(&c->timer, conn_on_timer, c->d->idle_ms, 0);
	conn_unlink(c);
	conn_append(c);
}

/* ---- answers ---- */

static void publish(struct dot_conn *c, const uint8_t *msg, size_t len, size_t wire_len, bool out)
{
	struct dot_listener *d = c->d;
	const struct sockaddr *peer = (struct sockaddr *)&c->peer, *me = (struct sockaddr *)&d->addr;
	struct net_event ev = { out ? me : peer, out ? peer : me, NET_TLS, msg, len, d->label, out, wire_len };
	net_tap_publish(d->tap, &ev);
}

static void conn_flush(struct dot_conn *c)
{
	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->h) > DOT_MAX_WRITE_QUEUE ||
	    tlsio_flush(&c->tls, (uv_stream_t *)&c->h) != 0)
		conn_close(c); /* a client that sends but never reads */
}

static void conn_on_answer(void *arg, const uint8_t *resp, size_t len)
{
	struct dot_conn *c = arg;
	if (c->closing || len > 65535)
		return;
	struct dot_listener *d = c->d;
	d->obuf[0] = (uint8_t)(len >> 8);
	d->obuf[1] = (uint8_t)len;
	memcpy(d->obuf + 2, resp, len);
	size_t before = tlsio_pending(&c->tls);
	ERR_clear_error();
	if (SSL_write(c->tls.ssl, d->obuf, (int)(len + 2)) <= 0) {
		ERR_clear_error();
		conn_close(c);
		return;
	}
	publish(c, resp, len, tlsio_pending(&c->tls) - before, true);
	conn_flush(c);
}

static void conn_on_release(void *arg)
{
	struct dot_conn *c = arg;
	c->refs--;
	if (c->closing) {
		conn_release(c);
		return;
	}
	if (c->paused && c->refs < DOT_MAX_INFLIGHT / 2 && !c->driving)
		conn_drive(c);
}

static const struct net_stream_sink dot_sink = { conn_on_answer, conn_on_release };

/* ---- queries ---- */

/* Hand every whole message in c->buf to the server; false when the
 * connection is closing. */
static bool conn_take_queries(struct dot_conn *c)
{
	size_t off = 0, mlen = 0;
	int f;
	while (!c->closing && c->refs < DOT_MAX_INFLIGHT && (f = tlsio_frame(c->buf + off, c->len - off, &mlen)) != 0) {
		if (f < 0) {
			conn_finish(c);
			return false;
		}
		struct dot_listener *d = c->d;
		const uint8_t *q = c->buf + off + 2;
		size_t consumed = tlsio_consumed(&c->tls);
		d->queries++;
		publish(c, q, mlen, consumed - c->in_mark, false);
		c->in_mark = consumed;
		conn_touch(c);
		c->refs++;
		net_listener_stream_query(d->dns, q, mlen, (struct sockaddr *)&c->peer, &dot_sink, c);
		off += 2 + mlen;
	}
	if (c->closing)
		return false;
	if (off) {
		memmove(c->buf, c->buf + off, c->len - off);
		c->len -= off;
	}
	return true;
}

/* Read what TLS has decrypted into c->buf, as long as there is room and
 * the client has not too many queries pending. */
static void conn_read_plain(struct dot_conn *c)
{
	for (int rounds = 0; rounds < 1024 && !c->closing; rounds++) {
		if (!conn_take_queries(c))
			return;
		if (c->refs >= DOT_MAX_INFLIGHT) {
			if (!c->paused)
				uv_read_stop((uv_stream_t *)&c->h);
			c->paused = true;
			return;
		}
		if (c->cap - c->len < 4096) {
			size_t cap = c->cap ? c->cap * 2 : 4096;
			uint8_t *nb = cap <= DOT_PLAIN_MAX ? realloc(c->buf, cap) : NULL;
			if (!nb) {
				conn_close(c);
				return;
			}
			c->buf = nb;
			c->cap = cap;
		}
		ERR_clear_error();
		int n = SSL_read(c->tls.ssl, c->buf + c->len, (int)(c->cap - c->len));
		if (n > 0) {
			c->len += (size_t)n;
			continue;
		}
		int e = SSL_get_error(c->tls.ssl, n);
		ERR_clear_error();
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
			return;
		conn_finish(c); /* close_notify from the client, or a broken record */
		return;
	}
}

static void conn_drive(struct dot_conn *c)
{
	c->driving = true;
	if (!c->ready) {
		ERR_clear_error();
		int r = SSL_do_handshake(c->tls.ssl);
		int e = r == 1 ? SSL_ERROR_NONE : SSL_get_error(c->tls.ssl, r);
		ERR_clear_error();
		if (r != 1 && e != SSL_ERROR_WANT_READ) {
			c->d->failed_handshakes++;
			conn_finish(c); /* not TLS, or no common ground */
			c->driving = false;
			return;
		}
		conn_flush(c);
		if (r != 1 || c->closing) {
			c->driving = false;
			return;
		}
		c->ready = true;
		c->d->handshakes++;
		c->in_mark = tlsio_consumed(&c->tls);
		conn_touch(c);
	}
	if (c->paused && c->refs < DOT_MAX_INFLIGHT) {
		c->paused = false;
		if (uv_read_start((uv_stream_t *)&c->h, conn_on_alloc, conn_on_read) != 0) {
			conn_close(c);
			c->driving = false;
			return;
		}
	}
	conn_read_plain(c);
	if (!c->closing)
		conn_flush(c);
	c->driving = false;
}

static void conn_on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct dot_conn *c = h->data;
	*buf = uv_buf_init((char *)c->d->rbuf, sizeof c->d->rbuf);
}

static void conn_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct dot_conn *c = s->data;
	if (c->closing || nread == 0)
		return;
	if (nread < 0) {
		conn_close(c); /* EOF or a reset: nobody to say goodbye to */
		return;
	}
	if (tlsio_feed(&c->tls, buf->base, (size_t)nread) != 0) {
		conn_close(c);
		return;
	}
	conn_drive(c);
}

static void dot_on_connection(uv_stream_t *server, int status)
{
	struct dot_listener *d = server->data;
	if (status < 0)
		return;
	struct dot_conn *c = calloc(1, sizeof *c);
	if (!c)
		return;
	uv_tcp_init(d->loop, &c->h);
	c->h.data = c;
	c->handles = 1;
	if (uv_accept(server, (uv_stream_t *)&c->h) != 0 || tlsio_init(&c->tls, d->ctx, true) != 0) {
		c->closing = true;
		uv_close((uv_handle_t *)&c->h, conn_on_closed);
		return;
	}
	c->d = d;
	uv_timer_init(d->loop, &c->timer);
	c->timer.data = c;
	c->handles = 2;
	int plen = sizeof c->peer;
	uv_tcp_getpeername(&c->h, (struct sockaddr *)&c->peer, &plen);
	/* Each answer is its own small write: Nagle would hold it back for
	 * the client's delayed ACK (40 ms on Linux). */
	uv_tcp_nodelay(&c->h, 1);
	if (d->nconns >= d->max_conns && d->conns)
		conn_close(d->conns); /* the least recently active makes room */
	conn_append(c);
	uv_timer_start(&c->timer, conn_on_timer, d->handshake_ms, 0);
	if (uv_read_start((uv_stream_t *)&c->h, conn_on_alloc, conn_on_read) != 0)
		conn_close(c);
}

/* ---- the listener ---- */

/* ALPN (RFC 7301): "dot" when the client offers it (RFC 7858 has none, but
 * clients send the IANA name); a client that offers only others gets no
 * ALPN at all rather than a failed handshake. */
static int dot_on_alpn(SSL *ssl, const unsigned char **out, unsigned char *outlen, const unsigned char *in,
		       unsigned int inlen, void *arg)
{
	static const unsigned char dot[] = "\x03" "dot";
	unsigned char *sel = NULL;
	if (SSL_select_next_proto(&sel, outlen, dot, sizeof dot - 1, in, inlen) == OPENSSL_NPN_NEGOTIATED) {
		*out = sel;
		return SSL_TLSEXT_ERR_OK;
	}
	return SSL_TLSEXT_ERR_NOACK;
}

static int ctx_error(struct dl_error *err, const char *what, const char *file)
{
	char why[256];
	ERR_error_string_n(ERR_get_error(), why, sizeof why);
	ERR_clear_error();
	return dl_error_set(err, DL_ERR_ENV, "DNS over TLS: cannot %s %s: %s", what, file, why);
}

static int make_ctx(struct dot_listener *d, const char *cert_file, const char *key_file, struct dl_error *err)
{
	ERR_clear_error();
	d->ctx = SSL_CTX_new(TLS_server_method());
	if (!d->ctx)
		return ctx_error(err, "set up", "TLS");
	SSL_CTX_set_min_proto_version(d->ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(d->ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_mode(d->ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_alpn_select_cb(d->ctx, dot_on_alpn, NULL);
	if (SSL_CTX_use_certificate_chain_file(d->ctx, cert_file) != 1)
		return ctx_error(err, "read the certificate", cert_file);
	if (SSL_CTX_use_PrivateKey_file(d->ctx, key_file, SSL_FILETYPE_PEM) != 1)
		return ctx_error(err, "read the key", key_file);
	if (SSL_CTX_check_private_key(d->ctx) != 1)
		return ctx_error(err, "match the key to the certificate", cert_file);
	return 0;
}

int dot_listener_start(struct dot_listener *d, uv_loop_t *loop, const char *ip, int port, const char *label,
		       const char *cert_file, const char *key_file, struct net_listener *dns,
		       const struct net_tap *tap, struct dl_error *err)
{
	memset(d, 0, offsetof(struct dot_listener, rbuf));
	d->loop = loop;
	d->label = label;
	d->dns = dns;
	d->tap = tap;
	d->max_conns = DOT_MAX_CONNS_DEFAULT;
	const char *idle = getenv("DNSLAB_TCP_IDLE_MS");
	d->idle_ms = idle && atoi(idle) > 0 ? (unsigned)atoi(idle) : DOT_IDLE_MS_DEFAULT;
	d->handshake_ms = d->idle_ms < DOT_HANDSHAKE_MS_MAX ? d->idle_ms : DOT_HANDSHAKE_MS_MAX;
	if (net_addr_parse(ip, port, &d->addr) != 0)
		return dl_error_set(err, DL_ERR_INPUT, "'%s' is not an IP address", ip);
	int rc = make_ctx(d, cert_file, key_file, err);
	if (rc)
		return rc;
	uv_tcp_init(loop, &d->tcp);
	d->tcp.data = d;
	d->handle_open = true;
	rc = uv_tcp_bind(&d->tcp, (struct sockaddr *)&d->addr, 0);
	if (!rc)
		rc = uv_listen((uv_stream_t *)&d->tcp, 128, dot_on_connection);
	if (rc == UV_EADDRINUSE)
		return dl_error_set(err, DL_ERR_ENV, "port %d on %s is already in use (DNS over TLS)", port, ip);
	if (rc)
		return dl_error_set(err, DL_ERR_ENV, "cannot listen on %s port %d (DNS over TLS): %s", ip, port,
				    uv_strerror(rc));
	return 0;
}

static void dot_on_closed(uv_handle_t *h)
{
	struct dot_listener *d = h->data;
	SSL_CTX_free(d->ctx); /* each connection's SSL holds its own reference */
	d->ctx = NULL;
	if (d->on_closed)
		d->on_closed(d);
}

void dot_listener_close(struct dot_listener *d, void (*on_closed)(struct dot_listener *d))
{
	d->on_closed = on_closed;
	while (d->conns)
		conn_close(d->conns);
	if (!d->handle_open) {
		SSL_CTX_free(d->ctx);
		d->ctx = NULL;
		if (on_closed)
			on_closed(d);
		return;
	}
	d->handle_open = false;
	uv_close((uv_handle_t *)&d->tcp, dot_on_closed);
}
