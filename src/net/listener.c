/* listener.c: UDP and TCP server sockets of a virtual server (listener.h).
 *
 * UDP reads use recvmmsg batches (UV_UDP_RECVMMSG) and replies go out with
 * uv_udp_try_send from one reused buffer; only when the socket's send queue
 * is busy is a reply copied for uv_udp_send.  TCP (RFC 7766) keeps one buffer
 * per connection, splits it on the 2-byte length prefix, answers pipelined
 * queries in order, closes idle or half-sent connections on a timer, and
 * closes the least recently active connection when the cap is reached. */
#include "net/listener.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#define UDP_DGRAM_MAX (64 * 1024)
#define UDP_BATCH 64
#define OBUF_SIZE (65535 + 2)
#define TCP_IDLE_MS_DEFAULT 10000
#define TCP_MAX_CONNS_DEFAULT 128
#define TCP_BUF_START 1024
#define TCP_MAX_WRITE_QUEUE (1024 * 1024)
#define UDP_MAX_PENDING_SENDS 4096
#define UDP_RCVBUF (4 * 1024 * 1024)
#define UDP_SLOT 1232 /* the largest UDP answer the servers send */

struct tcp_conn {
	uv_tcp_t h;
	uv_timer_t idle;
	struct net_listener *l;
	struct tcp_conn *prev, *next;
	uint8_t *buf;
	size_t len, cap;
	struct sockaddr_storage peer;
	int handles; /* open handles: h and idle */
	int refs;    /* pending requests that will answer on this connection */
	bool closing;
};

struct net_request {
	struct net_listener *l; /* NULL once the listener closed */
	struct tcp_conn *conn;  /* TCP only; holds a reference */
	struct sockaddr_storage peer;
	bool tcp;
	const struct net_stream_sink *sink; /* another stream transport, or NULL */
	void *sink_conn;
	struct net_request *prev, *next;
};

struct udp_send {
	uv_udp_send_t req;
	uint8_t data[];
};

struct tcp_write {
	uv_write_t req;
	uint8_t data[];
};

static size_t pending_udp_sends;

static void listener_handle_closed(uv_handle_t *h)
{
	struct net_listener *l = h->data;
	if (--l->open_handles == 0) {
		free(l->rbuf);
		free(l->obuf);
		free(l->batch);
		l->rbuf = l->obuf = NULL;
		l->batch = NULL;
		if (l->on_closed)
			l->on_closed(l);
	}
}

/* ---- pending requests (asynchronous servers) ---- */

static void conn_release(struct tcp_conn *c);

static void request_start(struct net_listener *l, const uint8_t *q, size_t qlen, const struct sockaddr *peer,
			  struct tcp_conn *conn, const struct net_stream_sink *sink, void *sink_conn)
{
	struct net_request *r = calloc(1, sizeof *r);
	if (!r) {
		l->dropped++;
		if (sink)
			sink->release(sink_conn);
		return;
	}
	r->l = l;
	r->tcp = conn != NULL || sink != NULL;
	r->conn = conn;
	r->sink = sink;
	r->sink_conn = sink_conn;
	if (conn)
		conn->refs++;
	memcpy(&r->peer, peer, peer->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	r->next = l->pending;
	if (l->pending)
		l->pending->prev = r;
	l->pending = r;
	l->async(l->handler_arg, q, qlen, r);
}

static void request_free(struct net_request *r)
{
	if (r->l) {
		if (r->prev)
			r->prev->next = r->next;
		else
			r->l->pending = r->next;
		if (r->next)
			r->next->prev = r->prev;
	}
	if (r->conn) {
		r->conn->refs--;
		conn_release(r->conn);
	}
	if (r->sink)
		r->sink->release(r->sink_conn);
	free(r);
}

const struct sockaddr *net_request_peer(const struct net_request *req)
{
	return (const struct sockaddr *)&req->peer;
}

bool net_request_tcp(const struct net_request *req)
{
	return req->tcp;
}

bool net_request_encrypted(const struct net_request *req)
{
	return req->sink != NULL; /* the only other stream transport is DoT */
}

void net_request_drop(struct net_request *req)
{
	request_free(req);
}

static void udp_reply(struct net_listener *l, const struct sockaddr *to, size_t n);
static void conn_reply(struct tcp_conn *c, size_t n);

void net_request_reply(struct net_request *req, const uint8_t *resp, size_t len)
{
	struct net_listener *l = req->l;
	if (l && len && req->sink) {
		req->sink->reply(req->sink_conn, resp, len);
	} else if (l && len && len <= OBUF_SIZE && l->obuf && (!req->conn || !req->conn->closing)) {
		memcpy(l->obuf, resp, len);
		struct net_event ev = { (struct sockaddr *)&l->addr, (struct sockaddr *)&req->peer,
					req->tcp ? NET_TCP : NET_UDP, l->obuf, len, l->label, 1, 0 };
		net_tap_publish(l->tap, &ev);
		if (req->tcp)
			conn_reply(req->conn, len);
		else
			udp_reply(l, (struct sockaddr *)&req->peer, len);
	}
	request_free(req);
}

/* ---- UDP ---- */

static void udp_on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct net_listener *l = h->data;
	*buf = uv_buf_init((char *)l->rbuf, UDP_DGRAM_MAX * UDP_BATCH);
}

static void udp_on_sent(uv_udp_send_t *req, int status)
{
	pending_udp_sends--;
	free(req);
}

static void udp_reply(struct net_listener *l, const struct sockaddr *to, size_t n)
{
	uv_buf_t b = uv_buf_init((char *)l->obuf, (unsigned)n);
	int rc = uv_udp_try_send(&l->udp, &b, 1, to);
	if (rc >= 0)
		return;
	if (rc != UV_EAGAIN || pending_udp_sends >= UDP_MAX_PENDING_SENDS) {
		l->dropped++;
		return;
	}
	struct udp_send *s = malloc(sizeof *s + n);
	if (!s) {
		l->dropped++;
		return;
	}
	memcpy(s->data, l->obuf, n);
	b = uv_buf_init((char *)s->data, (unsigned)n);
	if (uv_udp_send(&s->req, &l->udp, &b, 1, to, udp_on_sent) == 0)
		pending_udp_sends++;
	else
		free(s);
}

/* Replies to one recvmmsg batch go out in one sendmmsg, as NSD does: one
 * system call instead of one per reply, and the client gets its answers in
 * bursts.  Whatever sendmmsg does not take goes the ordinary way. */
struct udp_batch {
	struct mmsghdr msgs[UDP_BATCH];
	struct iovec iov[UDP_BATCH];
	struct sockaddr_storage to[UDP_BATCH];
	uint8_t data[UDP_BATCH][UDP_SLOT];
	unsigned n;
};

static void udp_flush(struct net_listener *l)
{
	struct udp_batch *b = l->batch;
	if (!b || !b->n)
		return;
	unsigned sent = 0;
	uv_os_fd_t fd;
	if (uv_fileno((uv_handle_t *)&l->udp, &fd) == 0) {
		int rc = sendmmsg(fd, b->msgs, b->n, MSG_DONTWAIT);
		sent = rc > 0 ? (unsigned)rc : 0;
	}
	for (unsigned i = sent; i < b->n; i++) {
		memcpy(l->obuf, b->data[i], b->iov[i].iov_len);
		udp_reply(l, (struct sockaddr *)&b->to[i], b->iov[i].iov_len);
	}
	b->n = 0;
}

static bool udp_batch_add(struct net_listener *l, const struct sockaddr *to, size_t n)
{
	struct udp_batch *b = l->batch;
	if (!b || n > UDP_SLOT || b->n == UDP_BATCH)
		return false;
	unsigned i = b->n++;
	socklen_t alen = to->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	memcpy(&b->to[i], to, alen);
	memcpy(b->data[i], l->obuf, n);
	b->iov[i] = (struct iovec){ b->data[i], n };
	b->msgs[i].msg_hdr = (struct msghdr){ .msg_name = &b->to[i], .msg_namelen = alen,
					      .msg_iov = &b->iov[i], .msg_iovlen = 1 };
	if (b->n == UDP_BATCH)
		udp_flush(l);
	return true;
}

static void udp_on_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *from,
			unsigned flags)
{
	struct net_listener *l = h->data;
	if (flags & UV_UDP_MMSG_FREE) {
		udp_flush(l); /* the end of a recvmmsg batch */
		return;
	}
	if (nread <= 0 || !from)
		return; /* nothing more, or a transient error: keep serving */
	const uint8_t *q = (const uint8_t *)buf->base;
	l->udp_queries++;
	struct net_event ev = { from, (struct sockaddr *)&l->addr, NET_UDP, q, (size_t)nread, l->label, 0, 0 };
	net_tap_publish(l->tap, &ev);
	if (l->async) {
		request_start(l, q, (size_t)nread, from, NULL, NULL, NULL);
		return;
	}
	size_t n = l->handler(l->handler_arg, q, (size_t)nread, false, l->obuf, OBUF_SIZE);
	if (!n)
		return;
	ev = (struct net_event){ (struct sockaddr *)&l->addr, from, NET_UDP, l->obuf, n, l->label, 1, 0 };
	net_tap_publish(l->tap, &ev);
	if (!(flags & UV_UDP_MMSG_CHUNK) || !udp_batch_add(l, from, n))
		udp_reply(l, from, n);
}

/* ---- TCP ---- */

static void conn_unlink(struct tcp_conn *c)
{
	struct net_listener *l = c->l;
	if (c->prev)
		c->prev->next = c->next;
	else
		l->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		l->conns_tail = c->prev;
	c->prev = c->next = NULL;
	l->nconns--;
}

static void conn_append(struct tcp_conn *c)
{
	struct net_listener *l = c->l;
	c->prev = l->conns_tail;
	c->next = NULL;
	if (l->conns_tail)
		l->conns_tail->next = c;
	else
		l->conns = c;
	l->conns_tail = c;
	l->nconns++;
}

static void conn_release(struct tcp_conn *c)
{
	if (c->handles == 0 && c->refs == 0) {
		free(c->buf);
		free(c);
	}
}

static void conn_on_closed(uv_handle_t *h)
{
	struct tcp_conn *c = h->data;
	c->handles--;
	conn_release(c);
}

static void conn_close(struct tcp_conn *c)
{
	if (c->closing)
		return;
	c->closing = true;
	conn_unlink(c);
	uv_close((uv_handle_t *)&c->idle, conn_on_closed);
	uv_close((uv_handle_t *)&c->h, conn_on_closed);
}

static void conn_on_idle(uv_timer_t *t)
{
	conn_close(t->data);
}

static void conn_touch(struct tcp_conn *c)
{
	uv_timer_start(&c->idle, conn_on_idle, c->l->tcp_idle_ms, 0);
	conn_unlink(c);
	conn_append(c);
}

static void conn_on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct tcp_conn *c = h->data;
	size_t need = c->len + 1;
	if (c->len >= 2) {
		size_t msg = 2 + (size_t)((c->buf[0] << 8) | c->buf[1]);
		if (msg > need)
			need = msg;
	}
	if (need > c->cap) {
		size_t cap = c->cap ? c->cap : TCP_BUF_START;
		while (cap < need)
			cap *= 2;
		uint8_t *nb = realloc(c->buf, cap);
		if (!nb) {
			*buf = uv_buf_init(NULL, 0);
			return;
		}
		c->buf = nb;
		c->cap = cap;
	}
	*buf = uv_buf_init((char *)c->buf + c->len, (unsigned)(c->cap - c->len));
}

static void conn_on_written(uv_write_t *req, int status)
{
	free(req);
}

static void conn_reply(struct tcp_conn *c, size_t n)
{
	struct net_listener *l = c->l;
	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->h) > TCP_MAX_WRITE_QUEUE) {
		conn_close(c); /* a client that sends but never reads */
		return;
	}
	struct tcp_write *w = malloc(sizeof *w + 2 + n);
	if (!w) {
		conn_close(c);
		return;
	}
	w->data[0] = (uint8_t)(n >> 8);
	w->data[1] = (uint8_t)n;
	memcpy(w->data + 2, l->obuf, n);
	uv_buf_t b = uv_buf_init((char *)w->data, (unsigned)(n + 2));
	if (uv_write(&w->req, (uv_stream_t *)&c->h, &b, 1, conn_on_written) != 0) {
		free(w);
		conn_close(c);
	}
}

static void conn_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct tcp_conn *c = s->data;
	struct net_listener *l = c->l;
	if (nread < 0) {
		conn_close(c); /* UV_EOF or a reset */
		return;
	}
	c->len += (size_t)nread;
	size_t off = 0;
	while (!c->closing && c->len - off >= 2) {
		size_t mlen = (size_t)((c->buf[off] << 8) | c->buf[off + 1]);
		if (mlen == 0) {
			conn_close(c); /* a zero length prefix is never a message */
			return;
		}
		if (c->len - off - 2 < mlen)
			break;
		const uint8_t *q = c->buf + off + 2;
		l->tcp_queries++;
		struct net_event ev = { (struct sockaddr *)&c->peer, (struct sockaddr *)&l->addr, NET_TCP,
					q, mlen, l->label, 0, 0 };
		net_tap_publish(l->tap, &ev);
		size_t n = 0;
		if (l->async)
			request_start(l, q, mlen, (struct sockaddr *)&c->peer, c, NULL, NULL);
		else
			n = l->handler(l->handler_arg, q, mlen, true, l->obuf, OBUF_SIZE);
		if (n) {
			ev = (struct net_event){ (struct sockaddr *)&l->addr, (struct sockaddr *)&c->peer,
						 NET_TCP, l->obuf, n, l->label, 1, 0 };
			net_tap_publish(l->tap, &ev);
			conn_reply(c, n);
		}
		off += 2 + mlen;
		if (!c->closing)
			conn_touch(c);
	}
	if (off && !c->closing) {
		memmove(c->buf, c->buf + off, c->len - off);
		c->len -= off;
	}
}

static void tcp_on_connection(uv_stream_t *server, int status)
{
	struct net_listener *l = server->data;
	if (status < 0)
		return;
	struct tcp_conn *c = calloc(1, sizeof *c);
	if (!c)
		return;
	c->l = l;
	uv_tcp_init(l->loop, &c->h);
	c->h.data = c;
	c->handles = 1;
	if (uv_accept(server, (uv_stream_t *)&c->h) != 0) {
		uv_close((uv_handle_t *)&c->h, conn_on_closed);
		return;
	}
	uv_timer_init(l->loop, &c->idle);
	c->idle.data = c;
	c->handles = 2;
	int plen = sizeof c->peer;
	uv_tcp_getpeername(&c->h, (struct sockaddr *)&c->peer, &plen);
	if (l->nconns >= l->max_conns && l->conns)
		conn_close(l->conns); /* the least recently active makes room */
	conn_append(c);
	uv_timer_start(&c->idle, conn_on_idle, l->tcp_idle_ms, 0);
	if (uv_read_start((uv_stream_t *)&c->h, conn_on_alloc, conn_on_read) != 0)
		conn_close(c);
}

void net_listener_stream_query(struct net_listener *l, const uint8_t *q, size_t qlen, const struct sockaddr *peer,
			       const struct net_stream_sink *sink, void *conn)
{
	if (l->async) {
		request_start(l, q, qlen, peer, NULL, sink, conn);
		return;
	}
	size_t n = l->obuf ? l->handler(l->handler_arg, q, qlen, true, l->obuf, OBUF_SIZE) : 0;
	if (n)
		sink->reply(conn, l->obuf, n);
	sink->release(conn);
}

/* A burst of queries must not overflow the kernel's default 208 KiB socket
 * buffer while the loop is busy: ask for more, as NSD does (SO_RCVBUFFORCE
 * needs CAP_NET_ADMIN; otherwise the kernel caps SO_RCVBUF at rmem_max). */
static void grow_receive_buffer(uv_udp_t *h)
{
	uv_os_fd_t fd;
	int size = UDP_RCVBUF;
	if (uv_fileno((uv_handle_t *)h, &fd) != 0)
		return;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
}

static int bind_error(struct dl_error *err, int rc, const char *what, const char *ip, int port)
{
	if (rc == UV_EADDRINUSE)
		return dl_error_set(err, DL_ERR_ENV,
				    "port %d on %s is already in use (%s); is another lab running? "
				    "Stop it, or pick another port with --port",
				    port, ip, what);
	if (rc == UV_EACCES)
		return dl_error_set(err, DL_ERR_ENV,
				    "no permission to bind %s port %d (%s); ports below 1024 need root, "
				    "use --port 5300",
				    ip, port, what);
	if (rc == UV_EADDRNOTAVAIL)
		return dl_error_set(err, DL_ERR_ENV,
				    "address %s is not available on this machine (%s); on macOS add it with "
				    "'sudo ifconfig lo0 alias %s'",
				    ip, what, ip);
	return dl_error_set(err, DL_ERR_ENV, "cannot listen on %s port %d (%s): %s", ip, port, what,
			    uv_strerror(rc));
}

int net_listener_start(struct net_listener *l, uv_loop_t *loop, const char *ip, int port,
		       const char *label, net_handler_fn fn, void *arg, const struct net_tap *tap,
		       struct dl_error *err)
{
	memset(l, 0, sizeof *l);
	l->loop = loop;
	l->label = label;
	l->handler = fn;
	l->handler_arg = arg;
	l->tap = tap;
	l->max_conns = TCP_MAX_CONNS_DEFAULT;
	const char *idle = getenv("DNSLAB_TCP_IDLE_MS");
	l->tcp_idle_ms = idle && atoi(idle) > 0 ? (unsigned)atoi(idle) : TCP_IDLE_MS_DEFAULT;
	if (net_addr_parse(ip, port, &l->addr) != 0)
		return dl_error_set(err, DL_ERR_INPUT, "'%s' is not an IP address", ip);
	l->rbuf = malloc(UDP_DGRAM_MAX * UDP_BATCH);
	l->obuf = malloc(OBUF_SIZE);
	l->batch = calloc(1, sizeof *l->batch);
	if (!l->rbuf || !l->obuf || !l->batch) {
		free(l->rbuf);
		free(l->obuf);
		free(l->batch);
		l->rbuf = l->obuf = NULL;
		l->batch = NULL;
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	uv_udp_init_ex(loop, &l->udp, (unsigned)l->addr.ss_family | UV_UDP_RECVMMSG);
	uv_tcp_init(loop, &l->tcp);
	l->udp.data = l->tcp.data = l;
	l->open_handles = 2;
	const struct sockaddr *sa = (const struct sockaddr *)&l->addr;
	int rc = uv_udp_bind(&l->udp, sa, 0);
	if (rc)
		return bind_error(err, rc, "UDP", ip, port);
	rc = uv_tcp_bind(&l->tcp, sa, 0);
	if (!rc)
		rc = uv_listen((uv_stream_t *)&l->tcp, 128, tcp_on_connection);
	if (rc)
		return bind_error(err, rc, "TCP", ip, port);
	rc = uv_udp_recv_start(&l->udp, udp_on_alloc, udp_on_recv);
	if (rc)
		return bind_error(err, rc, "UDP", ip, port);
	grow_receive_buffer(&l->udp);
	return 0;
}

int net_listener_start_async(struct net_listener *l, uv_loop_t *loop, const char *ip, int port,
			     const char *label, net_async_fn fn, void *arg, const struct net_tap *tap,
			     struct dl_error *err)
{
	int rc = net_listener_start(l, loop, ip, port, label, NULL, arg, tap, err);
	l->async = fn;
	return rc;
}

void net_listener_close(struct net_listener *l, void (*on_closed)(struct net_listener *l))
{
	l->on_closed = on_closed;
	/* Requests still pending belong to their server: orphan them so a late
	 * reply is dropped instead of touching closed handles. */
	for (struct net_request *r = l->pending, *next; r; r = next) {
		next = r->next;
		r->l = NULL;
		r->prev = r->next = NULL;
	}
	l->pending = NULL;
	while (l->conns)
		conn_close(l->conns);
	if (l->open_handles == 0) {
		if (on_closed)
			on_closed(l);
		return;
	}
	uv_close((uv_handle_t *)&l->udp, listener_handle_closed);
	uv_close((uv_handle_t *)&l->tcp, listener_handle_closed);
}
