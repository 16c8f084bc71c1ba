/* tap.h: the hook through which the transports report every message they
 * carry.  net/ knows nothing of the wiretap's subscribers: the lab attaches
 * its bus here (lab/wiretap.h), and with no hook set publishing is one test. */
#ifndef DNSLAB_NET_TAP_H
#define DNSLAB_NET_TAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum net_transport { NET_UDP, NET_TCP, NET_TLS };

struct net_event {
	const struct sockaddr *src;
	const struct sockaddr *dst;
	enum net_transport transport;
	const uint8_t *msg; /* borrowed for the duration of the call */
	size_t len;
	const char *server; /* label of the listener involved, or NULL */
	int outgoing;       /* 1: sent by the labelled side, 0: received by it */
	size_t wire_len;    /* NET_TLS: the encrypted bytes an on-path observer
			     * saw carry msg (0: unknown); msg itself is what
			     * the endpoint decrypted */
};

struct net_tap {
	void (*publish)(void *arg, const struct net_event *ev);
	void *arg;
};

static inline void net_tap_publish(const struct net_tap *tap, const struct net_event *ev)
{
	if (tap && tap->publish)
		tap->publish(tap->arg, ev);
}

const char *net_transport_name(enum net_transport t);

#include "net/addr.h"

#endif
