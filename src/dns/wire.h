/* wire.h: a strict, allocation-free structural check of a DNS message that a
 * server received, and the fields a server needs from it.
 *
 * Why not ldns_wire2pkt alone: ldns accepts forward compression pointers,
 * several OPT records and OPT outside the additional section, and it
 * allocates per record.  The servers face hostile input on every socket and
 * answer most queries from precomputed wire data, so this walks the whole
 * message once, rejects what RFC 1035/6891 forbid, and hands back offsets. */
#ifndef DNSLAB_WIRE_H
#define DNSLAB_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_HEADER_LEN 12
#define WIRE_MAX_NAME 255

enum wire_verdict {
	WIRE_OK = 0,   /* a well-formed message; q is filled in */
	WIRE_DROP,     /* no answer at all: shorter than a header, or QR=1 */
	WIRE_FORMERR,  /* header readable, rest malformed: answer FORMERR */
};

struct wire_query {
	uint16_t id;
	uint16_t flags;        /* second header word as received */
	uint8_t opcode;
	uint16_t qdcount, ancount, nscount, arcount;
	/* The question; only valid when qdcount == 1. */
	size_t qname_off;      /* offset of the QNAME in the message */
	size_t qname_len;      /* its wire length (uncompressed, with root label) */
	uint8_t qname_lower[WIRE_MAX_NAME]; /* the QNAME lowercased (A-Z only) */
	uint16_t qtype, qclass;
	size_t question_end;   /* offset just past QTYPE/QCLASS */
	/* EDNS(0), RFC 6891. */
	bool has_edns;
	uint16_t udp_size;     /* as sent by the client (may be < 512) */
	uint8_t edns_version;
	bool do_bit;
	size_t opt_rdata_off;  /* where the OPT's options are in the message ... */
	uint16_t opt_rdata_len; /* ... and how long (with has_edns) */
	const char *why;       /* for FORMERR/DROP: a short reason, static string */
};

/* Check the message pkt[0..len) and fill q.
 * Rules: DROP when len < 12 or QR=1.  FORMERR when: any name runs past the
 * end, has a label over 63 octets, is longer than 255 octets, or has a
 * compression pointer that does not point strictly before the name it is in
 * (this also rules out loops); the QNAME is compressed; a record runs past the
 * end or its RDLENGTH does; there are bytes after the last record; an OPT RR
 * appears outside the additional section, more than once, or with an owner
 * other than the root.  QDCOUNT other than 1 is NOT rejected here (the server
 * decides: it answers FORMERR for QUERY).  Never reads outside pkt[0..len). */
enum wire_verdict wire_parse_query(const uint8_t *pkt, size_t len, struct wire_query *q);

/* Does the query's OPT carry an EDNS option with this code (RFC 6891 6.1.2)?
 * Options that run past the OPT's data end the search (false). */
bool wire_edns_option(const uint8_t *pkt, const struct wire_query *q, uint16_t code);

/* Write a header-only (or header + question when q->qdcount == 1 and the
 * question parsed) error response with rcode into out (cap bytes); copies
 * ID, opcode, RD and CD; returns its length, or 0 if cap is too small. */
size_t wire_error_response(const uint8_t *pkt, const struct wire_query *q, int rcode,
			   uint8_t *out, size_t cap);

/* An OPT RR (RFC 6891 6.1.2) advertising udp_size, written at p (11 bytes). */
size_t wire_put_opt(uint8_t *p, uint16_t udp_size, uint8_t ext_rcode, bool do_bit);

/* Append an Extended DNS Error (RFC 8914: info code, text cut to fit) to
 * the OPT RR that ends the n-byte message in out, as wire_error_response_edns
 * writes it.  Returns the new length (n when it does not fit). */
size_t wire_add_ede(uint8_t *out, size_t n, size_t cap, uint16_t info, const char *text);

/* wire_error_response, plus an OPT when the query had one (RFC 6891 7);
 * rcode may be extended (BADVERS = 16). */
size_t wire_error_response_edns(const uint8_t *pkt, const struct wire_query *q, int rcode,
				uint16_t udp_size, uint8_t *out, size_t cap);

/* The truncated form of response resp to q: header and question with TC=1,
 * no records but an OPT when q had EDNS.  out needs question_end + 11 bytes. */
size_t wire_truncated(const uint8_t *resp, const struct wire_query *q, uint16_t udp_size, uint8_t *out);

/* The UDP size limit for a response to q: 512 without EDNS, else the
 * client's size but at least 512 and at most ours (max). */
size_t wire_udp_limit(const struct wire_query *q, size_t max);

/* Header field helpers. */
static inline uint16_t wire_u16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline void wire_put_u16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

#define WIRE_FLAG_QR 0x8000
#define WIRE_FLAG_AA 0x0400
#define WIRE_FLAG_TC 0x0200
#define WIRE_FLAG_RD 0x0100
#define WIRE_FLAG_RA 0x0080
#define WIRE_FLAG_AD 0x0020
#define WIRE_FLAG_CD 0x0010

#endif
