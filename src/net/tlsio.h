/* tlsio.h: TLS on a libuv stream with libuv as the only event loop.
 *
 * OpenSSL never touches the socket: it reads the ciphertext the stream
 * received from one memory BIO and writes what it has to send into
 * another, which tlsio_flush hands to uv_write.  The DoT server (tls.h) and
 * the client exchange (exchange.h) both use it. */
#ifndef DNSLAB_TLSIO_H
#define DNSLAB_TLSIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>
#include <uv.h>

struct tlsio {
	SSL *ssl;
	BIO *in;  /* network -> SSL; owned by ssl */
	BIO *out; /* SSL -> network; owned by ssl */
	size_t fed; /* ciphertext bytes put into in so far */
};

/* A fresh SSL of ctx on two memory BIOs; server picks the accept side.
 * 0, or -1 (out of memory) with nothing to free. */
int tlsio_init(struct tlsio *t, SSL_CTX *ctx, bool server);
void tlsio_free(struct tlsio *t);

/* Give SSL n bytes that came from the network.  0 or -1. */
int tlsio_feed(struct tlsio *t, const void *data, size_t n);

/* The ciphertext bytes SSL has consumed from what was fed. */
size_t tlsio_consumed(const struct tlsio *t);

/* The ciphertext SSL has written and tlsio_flush has not sent yet. */
size_t tlsio_pending(const struct tlsio *t);

/* uv_write everything SSL has written to s.  0, or a negative libuv error. */
int tlsio_flush(struct tlsio *t, uv_stream_t *s);

/* The next DNS message in a stream buffer (RFC 1035 4.2.2: a 2-byte length,
 * then the message).  Returns 1 with *mlen when buf[0..len) begins with a
 * whole one, 0 when more bytes are needed, -1 for a zero length, which is
 * never a message. */
int tlsio_frame(const uint8_t *buf, size_t len, size_t *mlen);

#endif
