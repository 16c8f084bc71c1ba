/* tlsio.c: TLS over memory BIOs on a libuv stream (tlsio.h). */
#include "net/tlsio.h"

#include <limits.h>
#include <stdlib.h>

struct tlsio_write {
	uv_write_t req;
	uint8_t data[];
};

int tlsio_init(struct tlsio *t, SSL_CTX *ctx, bool server)
{
	t->fed = 0;
	t->ssl = SSL_new(ctx);
	t->in = BIO_new(BIO_s_mem());
	t->out = BIO_new(BIO_s_mem());
	if (!t->ssl || !t->in || !t->out) {
		SSL_free(t->ssl);
		BIO_free(t->in);
		BIO_free(t->out);
		t->ssl = NULL;
		return -1;
	}
	/* An empty input BIO means "wait for more", not end of file. */
	BIO_set_mem_eof_return(t->in, -1);
	SSL_set_bio(t->ssl, t->in, t->out);
	if (server)
		SSL_set_accept_state(t->ssl);
	else
		SSL_set_connect_state(t->ssl);
	return 0;
}

void tlsio_free(struct tlsio *t)
{
	SSL_free(t->ssl); /* and both BIOs */
	t->ssl = NULL;
}

int tlsio_feed(struct tlsio *t, const void *data, size_t n)
{
	if (n > INT_MAX || BIO_write(t->in, data, (int)n) != (int)n)
		return -1;
	t->fed += n;
	return 0;
}

size_t tlsio_consumed(const struct tlsio *t)
{
	return t->fed - BIO_ctrl_pending(t->in);
}

size_t tlsio_pending(const struct tlsio *t)
{
	return BIO_ctrl_pending(t->out);
}

static void tlsio_on_written(uv_write_t *req, int status)
{
	free(req);
}

int tlsio_flush(struct tlsio *t, uv_stream_t *s)
{
	size_t n = BIO_ctrl_pending(t->out);
	if (!n)
		return 0;
	if (n > INT_MAX)
		return UV_ENOBUFS;
	struct tlsio_write *w = malloc(sizeof *w + n);
	if (!w)
		return UV_ENOMEM;
	int got = BIO_read(t->out, w->data, (int)n);
	if (got <= 0) {
		free(w);
		return UV_EIO;
	}
	uv_buf_t b = uv_buf_init((char *)w->data, (unsigned)got);
	int rc = uv_write(&w->req, s, &b, 1, tlsio_on_written);
	if (rc)
		free(w);
	return rc;
}

int tlsio_frame(const uint8_t *buf, size_t len, size_t *mlen)
{
	if (len < 2)
		return 0;
	*mlen = (size_t)(buf[0] << 8 | buf[1]);
	if (*mlen == 0)
		return -1;
	return len - 2 >= *mlen ? 1 : 0;
}
