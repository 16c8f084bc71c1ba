/* fuzz_query.c: libFuzzer target over the servers' query path: any bytes in,
 * a well-formed response (or a drop) out, from every server of the default lab.
 * The first input byte picks the server and UDP or TCP; the rest is the message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <ldns/ldns.h>

#include "dns/authserver.h"
#include "lab/lab.h"

static struct lab *lab;
static uint8_t out[AUTHSERVER_MAX_MSG];

static void fuzz_free_lab(void)
{
	lab_free(lab);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!lab) {
		struct dl_error err = { 0, "" };
		if (lab_load(&lab, NULL, LAB_DEFAULT_PORT, &err) != 0) {
			fprintf(stderr, "fuzz_query: %s\n", err.msg);
			abort();
		}
		atexit(fuzz_free_lab);
	}
	if (size < 1)
		return 0;
	struct lab_server *s = &lab->servers[data[0] % lab->nservers];
	bool tcp = data[0] & 0x80;
	size_t n = authserver_respond(&s->auth, data + 1, size - 1, tcp, out, sizeof out);
	if (n == 0)
		return 0;
	/* Every response must be DNS a client can parse, and answer this query. */
	if (n < 12 || size - 1 < 2 || out[0] != data[1] || out[1] != data[2] || !(out[2] & 0x80))
		abort();
	ldns_pkt *p = NULL;
	if (ldns_wire2pkt(&p, out, n) != LDNS_STATUS_OK)
		abort();
	ldns_pkt_free(p);
	if (!tcp && n > 65535)
		abort();
	return 0;
}
