/* wire.c: strict, allocation-free structural check of a received DNS message (see wire.h).
 *
 * One pass, front to back: header, questions, then every RR of the three
 * sections.  Each step checks the bytes it needs are there before reading
 * them, so no input can make it read outside pkt[0..len).  Reasons are static
 * strings so the server can log them without copying. */
#include "dns/wire.h"

#include <string.h>

#define WIRE_MAX_LABEL 63
#define WIRE_QFIXED 4   /* QTYPE, QCLASS */
#define WIRE_RRFIXED 10 /* TYPE, CLASS, TTL, RDLENGTH */
#define WIRE_TYPE_OPT 41
#define WIRE_OPCODE_SHIFT 11
#define WIRE_RCODE_MASK 0x000f
/* A 255-octet name has at most 127 labels, so an honest compressor needs at
 * most one pointer per label plus one for the owner.  Longer chains are still
 * strictly backward (so finite) but only exist to burn CPU: a 64 KiB TCP
 * message could otherwise make thousands of names each walk a long chain. */
#define WIRE_MAX_PTRS 128

enum wire_section { WIRE_SEC_AN, WIRE_SEC_NS, WIRE_SEC_AR, WIRE_SEC_COUNT };

static const char *wire_label_why(uint8_t c)
{
	/* 0x40..0x7f is what a 64+ octet label length turns into, and also the
	 * RFC 6891 extended label type; say both so either author understands. */
	if ((c & 0xc0) == 0x40)
		return "label longer than 63 octets (or extended label type 0x40)";
	return "reserved label type 0x80";
}

/* The QNAME: no compression allowed.  Returns the offset just past it, or 0. */
static size_t wire_qname_skip(const uint8_t *pkt, size_t len, size_t off, const char **why)
{
	size_t pos = off;

	for (;;) {
		if (pos >= len) {
			*why = "name runs past the end of the message";
			return 0;
		}
		uint8_t c = pkt[pos];
		if (c == 0)
			return pos + 1;
		if (c > WIRE_MAX_LABEL) {
			*why = (c & 0xc0) == 0xc0 ? "compressed QNAME (compression pointer in the question)"
						  : wire_label_why(c);
			return 0;
		}
		pos += (size_t)c + 1;
		/* >= because the root label still has to follow. */
		if (pos - off >= WIRE_MAX_NAME) {
			*why = "name longer than 255 octets";
			return 0;
		}
	}
}

/* Any name outside the question.  Returns the offset just past the name as
 * it sits in the message (after its first pointer, if any), or 0.  Each
 * pointer must aim strictly before the start of the run of labels it ends,
 * so targets strictly decrease and the walk cannot loop. */
static size_t wire_name_skip(const uint8_t *pkt, size_t len, size_t off, const char **why)
{
	size_t pos = off, seg = off, end = 0, total = 0;
	unsigned ptrs = 0;

	for (;;) {
		if (pos >= len) {
			*why = "name runs past the end of the message";
			return 0;
		}
		uint8_t c = pkt[pos];
		if (c == 0)
			return end ? end : pos + 1;
		if (c <= WIRE_MAX_LABEL) {
			total += (size_t)c + 1;
			if (total >= WIRE_MAX_NAME) {
				*why = "name longer than 255 octets";
				return 0;
			}
			pos += (size_t)c + 1;
			continue;
		}
		if ((c & 0xc0) != 0xc0) {
			*why = wire_label_why(c);
			return 0;
		}
		if (len - pos < 2) {
			*why = "name runs past the end of the message";
			return 0;
		}
		size_t target = (size_t)(c & 0x3f) << 8 | pkt[pos + 1];
		if (target >= seg) {
			*why = "compression pointer loop or forward pointer";
			return 0;
		}
		/* Backward, but the header holds no names; pointing there is a
		 * crafted message, not a compressor's output. */
		if (target < WIRE_HEADER_LEN) {
			*why = "compression pointer into the header";
			return 0;
		}
		if (++ptrs > WIRE_MAX_PTRS) {
			*why = "too many compression pointers in one name";
			return 0;
		}
		if (!end)
			end = pos + 2;
		seg = pos = target;
	}
}

/* Lowercasing the whole wire form is safe: length octets are at most 63,
 * below 'A', so only label bytes can change. */
static void wire_lower_copy(uint8_t *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = src[i];
		dst[i] = (unsigned)(c - 'A') < 26u ? (uint8_t)(c + 32) : c;
	}
}

static enum wire_verdict wire_formerr(struct wire_query *q, const char *why)
{
	q->why = why;
	return WIRE_FORMERR;
}

enum wire_verdict wire_parse_query(const uint8_t *pkt, size_t len, struct wire_query *q)
{
	/* Not a memset: qname_lower is only meaningful up to qname_len, and
	 * clearing 255 bytes per query is wasted work on the hot path. */
	q->id = q->flags = 0;
	q->opcode = 0;
	q->qdcount = q->ancount = q->nscount = q->arcount = 0;
	q->qname_off = q->qname_len = q->question_end = 0;
	q->qtype = q->qclass = 0;
	q->has_edns = false;
	q->udp_size = 0;
	q->edns_version = 0;
	q->do_bit = false;
	q->opt_rdata_off = q->opt_rdata_len = 0;
	q->why = NULL;

	if (len < WIRE_HEADER_LEN) {
		q->why = "shorter than a DNS header (12 octets)";
		return WIRE_DROP;
	}
	q->id = wire_u16(pkt);
	q->flags = wire_u16(pkt + 2);
	q->opcode = (uint8_t)(q->flags >> WIRE_OPCODE_SHIFT & 0x0f);
	q->qdcount = wire_u16(pkt + 4);
	q->ancount = wire_u16(pkt + 6);
	q->nscount = wire_u16(pkt + 8);
	q->arcount = wire_u16(pkt + 10);
	/* Answering a response invites reflection loops between servers. */
	if (q->flags & WIRE_FLAG_QR) {
		q->why = "QR bit set: a response, not a query";
		return WIRE_DROP;
	}

	size_t off = WIRE_HEADER_LEN;
	for (unsigned i = 0; i < q->qdcount; i++) {
		if (off >= len)
			return wire_formerr(q, "fewer questions than QDCOUNT says");
		size_t start = off;
		off = wire_qname_skip(pkt, len, off, &q->why);
		if (!off)
			return WIRE_FORMERR;
		if (len - off < WIRE_QFIXED)
			return wire_formerr(q, "question runs past the end (QTYPE/QCLASS cut off)");
		if (q->qdcount == 1) {
			q->qname_off = start;
			q->qname_len = off - start;
			wire_lower_copy(q->qname_lower, pkt + start, q->qname_len);
			q->qtype = wire_u16(pkt + off);
			q->qclass = wire_u16(pkt + off + 2);
			q->question_end = off + WIRE_QFIXED;
		}
		off += WIRE_QFIXED;
	}

	const uint16_t counts[WIRE_SEC_COUNT] = { q->ancount, q->nscount, q->arcount };
	for (int sec = 0; sec < WIRE_SEC_COUNT; sec++) {
		for (unsigned i = 0; i < counts[sec]; i++) {
			if (off >= len)
				return wire_formerr(q, "fewer records than the header counts say");
			size_t owner = off;
			off = wire_name_skip(pkt, len, off, &q->why);
			if (!off)
				return WIRE_FORMERR;
			if (len - off < WIRE_RRFIXED)
				return wire_formerr(q, "record header runs past the end of the message");
			const uint8_t *rr = pkt + off;
			size_t rdlen = wire_u16(rr + 8);
			off += WIRE_RRFIXED;
			if (len - off < rdlen)
				return wire_formerr(q, "RDLENGTH runs past the end of the message");
			off += rdlen;
			if (wire_u16(rr) != WIRE_TYPE_OPT)
				continue;
			/* RFC 6891 6.1.1: one OPT, in the additional section, owned by the root. */
			if (sec != WIRE_SEC_AR)
				return wire_formerr(q, "OPT record outside the additional section");
			if (q->has_edns)
				return wire_formerr(q, "more than one OPT record");
			if (pkt[owner] != 0)
				return wire_formerr(q, "OPT record owner is not the root");
			q->has_edns = true;
			q->udp_size = wire_u16(rr + 2);
			q->edns_version = rr[5];
			q->do_bit = (rr[6] & 0x80) != 0;
			q->opt_rdata_off = off - rdlen;
			q->opt_rdata_len = (uint16_t)rdlen;
		}
	}
	if (off != len)
		return wire_formerr(q, "trailing garbage after the last record");
	return WIRE_OK;
}

size_t wire_error_response(const uint8_t *pkt, const struct wire_query *q, int rcode,
			   uint8_t *out, size_t cap)
{
	bool with_q = q != NULL && q->qdcount == 1 && q->question_end > WIRE_HEADER_LEN;
	size_t n = with_q ? q->question_end : WIRE_HEADER_LEN;

	if (cap < n)
		return 0;
	/* Read everything from pkt before writing: callers may answer in place. */
	uint16_t id = wire_u16(pkt);
	uint16_t qflags = wire_u16(pkt + 2);
	uint16_t flags = (uint16_t)(WIRE_FLAG_QR | (qflags & (0x0f << WIRE_OPCODE_SHIFT)) |
				    (qflags & (WIRE_FLAG_RD | WIRE_FLAG_CD)) |
				    ((unsigned)rcode & WIRE_RCODE_MASK));
	if (with_q)
		memmove(out + WIRE_HEADER_LEN, pkt + WIRE_HEADER_LEN, n - WIRE_HEADER_LEN);
	wire_put_u16(out, id);
	wire_put_u16(out + 2, flags);
	wire_put_u16(out + 4, with_q ? 1 : 0);
	wire_put_u16(out + 6, 0);
	wire_put_u16(out + 8, 0);
	wire_put_u16(out + 10, 0);
	return n;
}

bool wire_edns_option(const uint8_t *pkt, const struct wire_query *q, uint16_t code)
{
	if (!q->has_edns)
		return false;
	const uint8_t *p = pkt + q->opt_rdata_off, *end = p + q->opt_rdata_len;
	while (end - p >= 4) {
		uint16_t c = wire_u16(p), l = wire_u16(p + 2);
		if (end - p - 4 < l)
			return false;
		if (c == code)
			return true;
		p += 4 + l;
	}
	return false;
}

size_t wire_put_opt(uint8_t *p, uint16_t udp_size, uint8_t ext_rcode, bool do_bit)
{
	p[0] = 0; /* root owner */
	wire_put_u16(p + 1, 41);
	wire_put_u16(p + 3, udp_size);
	p[5] = ext_rcode;
	p[6] = 0; /* version */
	wire_put_u16(p + 7, do_bit ? 0x8000 : 0);
	wire_put_u16(p + 9, 0);
	return 11;
}

size_t wire_error_response_edns(const uint8_t *pkt, const struct wire_query *q, int rcode,
				uint16_t udp_size, uint8_t *out, size_t cap)
{
	size_t n = wire_error_response(pkt, q, rcode & 0xf, out, cap);
	if (n && q->has_edns && n + 11 <= cap) {
		n += wire_put_opt(out + n, udp_size, (uint8_t)(rcode >> 4), q->do_bit);
		wire_put_u16(out + 10, 1);
	}
	return n;
}

size_t wire_add_ede(uint8_t *out, size_t n, size_t cap, uint16_t info, const char *text)
{
	size_t tl = text ? strlen(text) : 0;
	if (tl > 400)
		tl = 400; /* a reason, not a report */
	size_t opt_len = 4 + 2 + tl;
	if (n < 11 || n + opt_len > cap)
		return n;
	uint16_t rdlen = (uint16_t)(out[n - 2] << 8 | out[n - 1]);
	wire_put_u16(out + n - 2, (uint16_t)(rdlen + opt_len));
	wire_put_u16(out + n, 15); /* EDE */
	wire_put_u16(out + n + 2, (uint16_t)(2 + tl));
	wire_put_u16(out + n + 4, info);
	if (tl)
		memcpy(out + n + 6, text, tl);
	return n + opt_len;
}

size_t wire_truncated(const uint8_t *resp, const struct wire_query *q, uint16_t udp_size, uint8_t *out)
{
	memmove(out, resp, q->question_end);
	out[2] |= WIRE_FLAG_TC >> 8;
	wire_put_u16(out + 6, 0);
	wire_put_u16(out + 8, 0);
	wire_put_u16(out + 10, q->has_edns ? 1 : 0);
	size_t n = q->question_end;
	if (q->has_edns)
		n += wire_put_opt(out + n, udp_size, 0, q->do_bit);
	return n;
}

size_t wire_udp_limit(const struct wire_query *q, size_t max)
{
	if (!q->has_edns || q->udp_size <= 512)
		return 512;
	return q->udp_size < max ? q->udp_size : max;
}
