/* fuzz_query.c: libFuzzer target over the servers' query path: any bytes in,
 * a well-formed response (or a drop) out, from every server of the default lab.
 * The first input byte picks the lab (default, NSEC-signed, NSEC3-signed), the
 * server and UDP or TCP; the rest is the message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <ldns/ldns.h>

#include "dns/authserver.h"
#include "lab/lab.h"

/* The default lab, and example.test. signed with NSEC and with NSEC3. */
static struct lab *fuzz_labs[3];
static const char *const topologies[3] = { NULL, "tests/fuzz/signed/nsec/lab.yaml",
					   "tests/fuzz/signed/nsec3/lab.yaml" };
static uint8_t out[AUTHSERVER_MAX_MSG];

static void fuzz_free_labs(void)
{
	for (size_t i = 0; i < 3; i++)
		lab_free(fuzz_labs[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fuzz_labs[0]) {
		for (size_t i = 0; i < 3; i++) {
			struct dl_error err = { 0, "" };
			if (lab_load(&fuzz_labs[i], topologies[i], LAB_DEFAULT_PORT, &err) != 0) {
				fprintf(stderr, "fuzz_query: %s (run from the source tree)\n", err.msg);
				abort();
			}
		}
		atexit(fuzz_free_labs);
	}
	if (size < 1)
		return 0;
	/* Low bits: the server; bits 5-6: which lab; bit 7: TCP. */
	struct lab *lab = fuzz_labs[((data[0] >> 5) & 3) % 3];
	struct lab_server *s = &lab->servers[(data[0] & 0x1f) % lab->nservers];
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
