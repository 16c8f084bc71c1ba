/* acl.c: the client allow list (acl.h). */
#include "resolver/acl.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int acl_add(struct acl *a, const char *text, struct dl_error *err)
{
	char buf[80];
	if (!text || strlen(text) >= sizeof buf)
		return dl_error_set(err, DL_ERR_INPUT, "'%s' is not an address prefix", text ? text : "");
	snprintf(buf, sizeof buf, "%s", text);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	struct acl_prefix p = { 0 };
	unsigned max;
	if (inet_pton(AF_INET, buf, p.addr) == 1) {
		p.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, p.addr) == 1) {
		p.family = AF_INET6;
		max = 128;
	} else {
		return dl_error_set(err, DL_ERR_INPUT, "'%s' is not an IPv4 or IPv6 address prefix (e.g. 127.0.0.1/32)",
				    text);
	}
	p.bits = max;
	if (slash) {
		char *end = NULL;
		unsigned long b = strtoul(slash, &end, 10);
		if (!*slash || *end || b > max)
			return dl_error_set(err, DL_ERR_INPUT, "'%s': the prefix length must be 0 to %u", text, max);
		p.bits = (unsigned)b;
	}
	for (unsigned bit = p.bits; bit < max; bit++)
		if (p.addr[bit / 8] & (0x80 >> (bit % 8)))
			return dl_error_set(err, DL_ERR_INPUT, "'%s' has host bits set below /%u; did you mean a network address?",
					    text, p.bits);
	if (a->n == ACL_MAX)
		return dl_error_set(err, DL_ERR_INPUT, "at most %d client prefixes", ACL_MAX);
	char ip[INET6_ADDRSTRLEN];
	inet_ntop(p.family, p.addr, ip, sizeof ip);
	snprintf(p.text, sizeof p.text, "%s/%u", ip, p.bits);
	a->p[a->n++] = p;
	return 0;
}

void acl_loopback(struct acl *a)
{
	memset(a, 0, sizeof *a);
	acl_add(a, "127.0.0.0/8", NULL);
	acl_add(a, "::1/128", NULL);
}

static bool prefix_match(const struct acl_prefix *p, const uint8_t *addr)
{
	unsigned full = p->bits / 8, rest = p->bits % 8;
	if (memcmp(p->addr, addr, full) != 0)
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (p->addr[full] & mask) == (addr[full] & mask);
}

bool acl_allows(const struct acl *a, const struct sockaddr *sa)
{
	const uint8_t *addr;
	int family = sa->sa_family;
	uint8_t v4[4];
	if (family == AF_INET) {
		addr = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
	} else if (family == AF_INET6) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		addr = a6->s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a6)) { /* ::ffff:127.0.0.1 is 127.0.0.1 */
			memcpy(v4, a6->s6_addr + 12, 4);
			addr = v4;
			family = AF_INET;
		}
	} else {
		return false;
	}
	for (size_t i = 0; i < a->n; i++)
		if (a->p[i].family == family && prefix_match(&a->p[i], addr))
			return true;
	return false;
}

const char *acl_describe(const struct acl *a, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < a->n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", a->p[i].text);
	return buf;
}
