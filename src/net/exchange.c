/* exchange.c: client side of one DNS exchange (exchange.h).
 *
 * Answers are matched on ID and question (RFC 5452 4.1), so a stray or
 * spoofed datagram is ignored rather than believed.  The exchange owns all of
 * its handles and frees itself after the last close callback. */
#include "net/exchange.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "dns/wire.h"
#include "net/tlsio.h"

#define DEFAULT_TIMEOUT_MS 1500
#define DEFAULT_TRIES 3

struct exchange {
	uv_loop_t *loop;
	uv_udp_t udp;
	uv_tcp_t tcp;
	uv_connect_t connect;
	uv_write_t write;
	uv_timer_t timer;
	struct sockaddr_storage server;
	struct exchange_opts opts;
	exchange_cb cb;
	void *arg;
	uint8_t *query; /* 2-byte length prefix, then the message */
	size_t qlen;
	size_t qend;    /* end of the question in the query */
	uint8_t *rbuf;  /* UDP datagram, or the TCP stream */
	size_t rlen, rcap;
	uint64_t sent_at;
	unsigned tries;
	bool udp_open, tcp_open, done, tc_fallback;
	int handles;
	/* DNS over TLS: rbuf holds the decrypted stream, cbuf one read. */
	SSL_CTX *tls_ctx;
	struct tlsio tls;
	uint8_t *cbuf;
	size_t tls_mark; /* tlsio_consumed() at the last message */
	bool tls_on, tls_ready;
	char tls_error[300];
};

#define TLS_CBUF 16384

static void exchange_on_closed(uv_handle_t *h)
{
	struct exchange *x = h->data;
	if (--x->handles == 0) {
		if (x->tls_on)
			tlsio_free(&x->tls);
		SSL_CTX_free(x->tls_ctx);
		free(x->cbuf);
		free(x->query);
		free(x->rbuf);
		free(x);
	}
}

static void exchange_close(struct exchange *x);

static void exchange_finish(struct exchange *x, int status, const uint8_t *msg, size_t len,
			    enum net_transport t)
{
	if (x->done)
		return;
	x->done = true;
	struct exchange_result r = {
		.status = status, .msg = msg, .len = len, .transport = t,
		.tc_fallback = x->tc_fallback, .tries = x->tries,
		.rtt_ms = (double)(uv_hrtime() - x->sent_at) / 1e6,
		.error = x->tls_error[0] ? x->tls_error : NULL,
	};
	x->cb(&r, x->arg);
	exchange_close(x);
}



static void publish_wire(struct exchange *x, enum net_transport t, const uint8_t *msg, size_t len, bool out,
			 size_t wire_len)
{
	if (!x->opts.tap)
		return;
	struct sockaddr_storage local;
	int n = sizeof local;
	memset(&local, 0, sizeof local);
	if (t == NET_UDP)
		uv_udp_getsockname(&x->udp, (struct sockaddr *)&local, &n);
	else
		uv_tcp_getsockname(&x->tcp, (struct sockaddr *)&local, &n);
	const struct sockaddr *me = (struct sockaddr *)&local, *srv = (struct sockaddr *)&x->server;
	struct net_event ev = { out ? me : srv, out ? srv : me, t, msg, len, x->opts.label, out, wire_len };
	net_tap_publish(x->opts.tap, &ev);
}

static void publish(struct exchange *x, enum net_transport t, const uint8_t *msg, size_t len, bool out)
{
	publish_wire(x, t, msg, len, out, 0);
}

/* Same ID, QR set, and the same question, compared case-insensitively. */
static bool answer_matches(const struct exchange *x, const uint8_t *r, size_t len)
{
	const uint8_t *q = x->query + 2;
	if (len < 12 || r[0] != q[0] || r[1] != q[1] || !(r[2] & 0x80))
		return false;
	if (wire_u16(r + 4) == 0)
		return true; /* FORMERR and NOTIMP may omit the question */
	if (wire_u16(r + 4) != 1 || len < x->qend)
		return false;
	for (size_t i = 12; i < x->qend; i++) {
		uint8_t a = q[i], b = r[i];
		if (a >= 'A' && a <= 'Z')
			a = (uint8_t)(a + 32);
		if (b >= 'A' && b <= 'Z')
			b = (uint8_t)(b + 32);
		if (a != b)
			return false;
	}
	return true;
}

static int start_tcp(struct exchange *x);

/* ---- UDP ---- */

static int udp_send_try(struct exchange *x)
{
	x->tries++;
	x->sent_at = uv_hrtime();
	uv_buf_t b = uv_buf_init((char *)x->query + 2, (unsigned)x->qlen);
	int rc = uv_udp_try_send(&x->udp, &b, 1, (struct sockaddr *)&x->server);
	if (rc < 0)
		return rc;
	publish(x, NET_UDP, x->query + 2, x->qlen, true);
	return 0;
}

static void on_timeout(uv_timer_t *t)
{
	struct exchange *x = t->data;
	if (!x->tcp_open && x->tries < x->opts.tries) {
		int rc = udp_send_try(x);
		if (rc == 0) {
			uv_timer_start(&x->timer, on_timeout, x->opts.timeout_ms, 0);
			return;
		}
		exchange_finish(x, rc, NULL, 0, NET_UDP);
		return;
	}
	exchange_finish(x, UV_ETIMEDOUT, NULL, 0, x->opts.tls ? NET_TLS : x->tcp_open ? NET_TCP : NET_UDP);
}

static void udp_on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct exchange *x = h->data;
	*buf = uv_buf_init((char *)x->rbuf, (unsigned)x->rcap);
}

static void udp_on_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *from,
			unsigned flags)
{
	struct exchange *x = h->data;
	if (nread <= 0 || !from || x->done || x->tcp_open)
		return;
	const uint8_t *r = (const uint8_t *)buf->base;
	/* Only the server we asked, from its port, may answer. */
	if (net_addr_port(from) != net_addr_port((struct sockaddr *)&x->server))
		return;
	char a[64], b[64];
	if (strcmp(net_addr_ip(from, a, sizeof a), net_addr_ip((struct sockaddr *)&x->server, b, sizeof b)))
		return;
	if (!answer_matches(x, r, (size_t)nread))
		return;
	publish(x, NET_UDP, r, (size_t)nread, false);
	if ((r[2] & 0x02) && !x->opts.no_tc_fallback) {
		x->tc_fallback = true;
		uv_udp_recv_stop(&x->udp);
		int rc = start_tcp(x);
		if (rc)
			exchange_finish(x, rc, NULL, 0, NET_TCP);
		return;
	}
	exchange_finish(x, 0, r, (size_t)nread, NET_UDP);
}

/* ---- TCP ---- */

static void tcp_on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct exchange *x = h->data;
	if (x->rlen == x->rcap) {
		size_t cap = x->rcap * 2;
		uint8_t *nb = cap <= 65537 * 2 ? realloc(x->rbuf, cap) : NULL;
		if (!nb) {
			*buf = uv_buf_init(NULL, 0);
			return;
		}
		x->rbuf = nb;
		x->rcap = cap;
	}
	*buf = uv_buf_init((char *)x->rbuf + x->rlen, (unsigned)(x->rcap - x->rlen));
}

/* Finish with the first message in rbuf that answers the query. */
static void take_answers(struct exchange *x, enum net_transport t)
{
	while (!x->done && x->rlen >= 2) {
		size_t mlen = wire_u16(x->rbuf);
		if (x->rlen < 2 + mlen)
			return;
		if (answer_matches(x, x->rbuf + 2, mlen)) {
			size_t wire = 0;
			if (t == NET_TLS) {
				wire = tlsio_consumed(&x->tls) - x->tls_mark;
				x->tls_mark += wire;
			}
			publish_wire(x, t, x->rbuf + 2, mlen, false, wire);
			exchange_finish(x, 0, x->rbuf + 2, mlen, t);
			return;
		}
		memmove(x->rbuf, x->rbuf + 2 + mlen, x->rlen - 2 - mlen);
		x->rlen -= 2 + mlen;
	}
}

static void tcp_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

/* ---- DNS over TLS ---- */

static void tls_fail(struct exchange *x, const char *what)
{
	long v = x->tls.ssl ? SSL_get_verify_result(x->tls.ssl) : X509_V_OK;
	unsigned long e = ERR_peek_last_error();
	if (v != X509_V_OK)
		snprintf(x->tls_error, sizeof x->tls_error, "the server's certificate was not accepted: %s",
			 X509_verify_cert_error_string(v));
	else if (e)
		snprintf(x->tls_error, sizeof x->tls_error, "%s: %s", what, ERR_reason_error_string(e));
	else
		snprintf(x->tls_error, sizeof x->tls_error, "%s", what);
	ERR_clear_error();
	exchange_finish(x, UV_EPROTO, NULL, 0, NET_TLS);
}

/* Push the handshake on; once it is done send the query, then read. */
static void tls_drive(struct exchange *x)
{
	SSL *ssl = x->tls.ssl;
	if (!x->tls_ready) {
		ERR_clear_error();
		int r = SSL_do_handshake(ssl);
		int e = r == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl, r);
		int frc = tlsio_flush(&x->tls, (uv_stream_t *)&x->tcp);
		if (r != 1 && e != SSL_ERROR_WANT_READ) {
			tls_fail(x, "the TLS handshake failed");
			return;
		}
		if (frc) {
			exchange_finish(x, frc, NULL, 0, NET_TLS);
			return;
		}
		if (r != 1)
			return;
		x->tls_ready = true;
		x->tls_mark = tlsio_consumed(&x->tls);
		size_t before = tlsio_pending(&x->tls);
		x->sent_at = uv_hrtime();
		if (SSL_write(ssl, x->query, (int)(x->qlen + 2)) <= 0) {
			tls_fail(x, "cannot send the query over TLS");
			return;
		}
		publish_wire(x, NET_TLS, x->query + 2, x->qlen, true, tlsio_pending(&x->tls) - before);
	}
	for (int rounds = 0; rounds < 64 && !x->done; rounds++) {
		if (x->rlen == x->rcap) {
			uint8_t *nb = x->rcap * 2 <= 65537 * 2 ? realloc(x->rbuf, x->rcap * 2) : NULL;
			if (!nb) {
				exchange_finish(x, UV_ENOBUFS, NULL, 0, NET_TLS);
				return;
			}
			x->rbuf = nb;
			x->rcap *= 2;
		}
		ERR_clear_error();
		int n = SSL_read(ssl, x->rbuf + x->rlen, (int)(x->rcap - x->rlen));
		if (n <= 0) {
			int e = SSL_get_error(ssl, n);
			if (e == SSL_ERROR_WANT_READ)
				break;
			if (e == SSL_ERROR_ZERO_RETURN) {
				ERR_clear_error();
				exchange_finish(x, UV_ECONNRESET, NULL, 0, NET_TLS);
			} else {
				tls_fail(x, "TLS failed");
			}
			return;
		}
		x->rlen += (size_t)n;
		take_answers(x, NET_TLS);
	}
	if (!x->done) {
		int frc = tlsio_flush(&x->tls, (uv_stream_t *)&x->tcp);
		if (frc)
			exchange_finish(x, frc, NULL, 0, NET_TLS);
	}
}

static void tls_on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct exchange *x = h->data;
	*buf = uv_buf_init((char *)x->cbuf, TLS_CBUF);
}

static int tls_start(struct exchange *x)
{
	ERR_clear_error();
	x->tls_ctx = SSL_CTX_new(TLS_client_method());
	x->cbuf = malloc(TLS_CBUF);
	if (!x->tls_ctx || !x->cbuf)
		return UV_ENOMEM;
	SSL_CTX_set_min_proto_version(x->tls_ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(x->tls_ctx, SSL_VERIFY_PEER, NULL);
	if (!x->opts.tls_ca || SSL_CTX_load_verify_locations(x->tls_ctx, x->opts.tls_ca, NULL) != 1) {
		ERR_clear_error();
		snprintf(x->tls_error, sizeof x->tls_error, "cannot read the CA certificate %s",
			 x->opts.tls_ca ? x->opts.tls_ca : "(none given)");
		return UV_EINVAL;
	}
	if (tlsio_init(&x->tls, x->tls_ctx, false) != 0)
		return UV_ENOMEM;
	x->tls_on = true;
	SSL *ssl = x->tls.ssl;
	static const unsigned char alpn[] = "\x03" "dot";
	SSL_set_alpn_protos(ssl, alpn, sizeof alpn - 1);
	const char *host = x->opts.tls_host;
	unsigned char ip[16];
	if (host && (inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1)) {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host);
	} else if (host) {
		SSL_set_tlsext_host_name(ssl, host);
		SSL_set1_host(ssl, host);
	}
	int rc = uv_read_start((uv_stream_t *)&x->tcp, tls_on_alloc, tcp_on_read);
	if (rc)
		return rc;
	tls_drive(x);
	return 0;
}

static void tcp_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct exchange *x = s->data;
	enum net_transport t = x->tls_on ? NET_TLS : NET_TCP;
	if (x->done)
		return;
	if (nread < 0) {
		if (x->tls_on && !x->tls_ready)
			tls_fail(x, "the server closed the connection during the TLS handshake (is it a DoT port?)");
		else
			exchange_finish(x, nread == UV_EOF ? UV_ECONNRESET : (int)nread, NULL, 0, t);
		return;
	}
	if (x->tls_on) {
		if (tlsio_feed(&x->tls, buf->base, (size_t)nread) != 0)
			exchange_finish(x, UV_ENOMEM, NULL, 0, t);
		else
			tls_drive(x);
		return;
	}
	x->rlen += (size_t)nread;
	take_answers(x, NET_TCP);
}

static void tcp_on_written(uv_write_t *req, int status)
{
	struct exchange *x = req->data;
	if (status < 0)
		exchange_finish(x, status, NULL, 0, NET_TCP);
}

static void tcp_on_connect(uv_connect_t *req, int status)
{
	struct exchange *x = req->data;
	if (x->done)
		return;
	if (status < 0) {
		exchange_finish(x, status, NULL, 0, NET_TCP);
		return;
	}
	x->sent_at = uv_hrtime();
	if (x->opts.tls) {
		int trc = tls_start(x);
		if (trc)
			exchange_finish(x, trc, NULL, 0, NET_TLS);
		return;
	}
	uv_buf_t b = uv_buf_init((char *)x->query, (unsigned)(x->qlen + 2));
	x->write.data = x;
	int rc = uv_write(&x->write, (uv_stream_t *)&x->tcp, &b, 1, tcp_on_written);
	if (!rc)
		rc = uv_read_start((uv_stream_t *)&x->tcp, tcp_on_alloc, tcp_on_read);
	if (rc) {
		exchange_finish(x, rc, NULL, 0, NET_TCP);
		return;
	}
	publish(x, NET_TCP, x->query + 2, x->qlen, true);
}

static int start_tcp(struct exchange *x)
{
	uv_tcp_init(x->loop, &x->tcp);
	x->tcp.data = x;
	x->tcp_open = true;
	x->handles++;
	x->rlen = 0;
	x->connect.data = x;
	if (x->opts.source) {
		int brc = uv_tcp_bind(&x->tcp, x->opts.source, 0);
		if (brc)
			return brc;
	}
	int rc = uv_tcp_connect(&x->connect, &x->tcp, (struct sockaddr *)&x->server, tcp_on_connect);
	if (rc)
		return rc;
	uv_timer_start(&x->timer, on_timeout, x->opts.timeout_ms, 0);
	return 0;
}

static void exchange_close(struct exchange *x)
{
	uv_close((uv_handle_t *)&x->timer, exchange_on_closed);
	if (x->udp_open)
		uv_close((uv_handle_t *)&x->udp, exchange_on_closed);
	if (x->tcp_open)
		uv_close((uv_handle_t *)&x->tcp, exchange_on_closed);
}

void exchange_cancel(struct exchange *x)
{
	if (x && !x->done) {
		x->done = true;
		exchange_close(x);
	}
}

int exchange_start(uv_loop_t *loop, const struct sockaddr *server, const uint8_t *q, size_t qlen,
		   const struct exchange_opts *opts, exchange_cb cb, void *arg, struct exchange **handle)
{
	if (handle)
		*handle = NULL;
	if (qlen < 12 || qlen > 65535)
		return UV_EINVAL;
	struct exchange *x = calloc(1, sizeof *x);
	if (!x)
		return UV_ENOMEM;
	x->loop = loop;
	x->opts = *opts;
	if (!x->opts.timeout_ms)
		x->opts.timeout_ms = DEFAULT_TIMEOUT_MS;
	if (!x->opts.tries)
		x->opts.tries = DEFAULT_TRIES;
	x->cb = cb;
	x->arg = arg;
	memcpy(&x->server, server, server->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
								 : sizeof(struct sockaddr_in));
	x->query = malloc(qlen + 2);
	x->rcap = 65536;
	x->rbuf = malloc(x->rcap);
	if (!x->query || !x->rbuf) {
		free(x->query);
		free(x->rbuf);
		free(x);
		return UV_ENOMEM;
	}
	x->query[0] = (uint8_t)(qlen >> 8);
	x->query[1] = (uint8_t)qlen;
	memcpy(x->query + 2, q, qlen);
	x->qlen = qlen;
	x->qend = 12;
	while (x->qend < qlen && q[x->qend] && q[x->qend] < 64)
		x->qend += q[x->qend] + 1u;
	x->qend = x->qend + 5 <= qlen ? x->qend + 5 : qlen;
	uv_timer_init(loop, &x->timer);
	x->timer.data = x;
	x->handles = 1;
	int rc;
	if (opts->tcp || opts->tls) {
		rc = start_tcp(x);
	} else {
		uv_udp_init(loop, &x->udp);
		x->udp.data = x;
		x->udp_open = true;
		x->handles++;
		struct sockaddr_storage any;
		net_addr_parse(server->sa_family == AF_INET6 ? "::" : "0.0.0.0", 0, &any);
		rc = uv_udp_bind(&x->udp, opts->source ? opts->source : (struct sockaddr *)&any, 0);
		if (!rc)
			rc = uv_udp_recv_start(&x->udp, udp_on_alloc, udp_on_recv);
		if (!rc)
			rc = udp_send_try(x);
		if (!rc)
			uv_timer_start(&x->timer, on_timeout, x->opts.timeout_ms, 0);
	}
	if (rc) {
		x->done = true;
		exchange_close(x);
	} else if (handle) {
		*handle = x;
	}
	return rc;
}
