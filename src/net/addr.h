/* addr.h: socket address helpers shared by the transports and the lab. */
#ifndef DNSLAB_ADDR_H
#define DNSLAB_ADDR_H

#include <stddef.h>
#include <sys/socket.h>

/* Parse "127.0.0.1" or "::1" with port into ss; 0 or DL_ERR_INPUT. */
int net_addr_parse(const char *ip, int port, struct sockaddr_storage *ss);
/* "127.0.0.1" (no port) into buf. */
const char *net_addr_ip(const struct sockaddr *sa, char *buf, size_t len);
int net_addr_port(const struct sockaddr *sa);

#endif
