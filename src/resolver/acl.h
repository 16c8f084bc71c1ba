/* acl.h: the resolver's client allow list: address prefixes (RFC 4632
 * CIDR, IPv4 and IPv6) whose queries it answers.  Anyone else gets REFUSED:
 * a resolver open to the whole Internet is an amplifier (RFC 5358).  No I/O. */
#ifndef DNSLAB_ACL_H
#define DNSLAB_ACL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "util/err.h"

#define ACL_MAX 32

struct acl_prefix {
	int family;        /* AF_INET or AF_INET6 */
	uint8_t addr[16];  /* network order, host bits zero */
	unsigned bits;
	char text[64];     /* as written, normalised: "127.53.0.0/16" */
};

struct acl {
	struct acl_prefix p[ACL_MAX];
	size_t n;
};

/* Add "192.0.2.0/24", "::1/128" or a bare address (a /32 or /128).  Host
 * bits set below the prefix length are an error (a typo more often than
 * not).  0, or DL_ERR_INPUT with the reason in err. */
int acl_add(struct acl *a, const char *text, struct dl_error *err);

/* The lab's default without a list: this machine's loopback (127.0.0.0/8,
 * ::1/128). */
void acl_loopback(struct acl *a);

/* Is sa's address inside one of the prefixes? */
bool acl_allows(const struct acl *a, const struct sockaddr *sa);

/* "127.0.0.1/32, 127.53.0.0/16, ::1/128" into buf. */
const char *acl_describe(const struct acl *a, char *buf, size_t len);

#endif
