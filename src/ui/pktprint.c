/* pktprint.c: dig-style and JSON rendering of a DNS message (see pktprint.h).
 *
 * Columns.  dig lays records out in bind's master-file style: owner at column
 * 0, TTL at 24, class at 32, type at 40, rdata at 48, reaching each column
 * with tabs and falling back to one space when a field overruns it.
 * ldns_rr2str puts exactly one tab between fields, so short owners would not
 * line up the way they do in dig; instead each field is taken from ldns on
 * its own (the same text ldns_rr2str would give, without its DNSKEY comment)
 * and laid out here.
 *
 * EDNS options.  ldns_pkt_edns_get_option_list() is not used: for a packet
 * read off the wire it parses the OPT rdata into a new list and caches it in
 * the packet, which then owns and frees it (ldns 1.8.3 packet.c) -- a write
 * through our const pointer.  ldns's own printer (ldns_pkt2buffer_str) reads
 * the structured list when one was set and otherwise parses the raw rdata;
 * this file does the same, walking the raw bytes in place, so nothing here is
 * allocated for options and nothing needs freeing. */
#include "ui/pktprint.h"

#include <stdlib.h>
#include <string.h>

#include "ui/json.h"
#include "ui/term.h"

enum {
	COL_TTL = 24,
	COL_CLASS = 32,
	COL_TYPE = 40,
	COL_RDATA = 48,
	TAB_WIDTH = 8,
};

/* RFC 8914 section 4, then the IANA "Extended DNS Error Codes" registry. */
static const char *const ede_names[] = {
	"Other Error",
	"Unsupported DNSKEY Algorithm",
	"Unsupported DS Digest Type",
	"Stale Answer",
	"Forged Answer",
	"DNSSEC Indeterminate",
	"DNSSEC Bogus",
	"Signature Expired",
	"Signature Not Yet Valid",
	"DNSKEY Missing",
	"RRSIGs Missing",
	"No Zone Key Bit Set",
	"NSEC Missing",
	"Cached Error",
	"Not Ready",
	"Blocked",
	"Censored",
	"Filtered",
	"Prohibited",
	"Stale NXDomain Answer",
	"Not Authoritative",
	"Not Supported",
	"No Reachable Authority",
	"Network Error",
	"Invalid Data",
	"Signature Expired before Valid",
	"Too Early",
	"Unsupported NSEC3 Iterations Value",
	"Unable to conform to policy",
	"Synthesized",
};

const char *pktprint_ede_name(uint16_t code)
{
	if (code < sizeof ede_names / sizeof ede_names[0])
		return ede_names[code];
	return NULL;
}

static const char *opcode_name(unsigned opcode, char buf[16])
{
	ldns_lookup_table *t = ldns_lookup_by_id(ldns_opcodes, (int)opcode);

	if (t && t->name)
		return t->name;
	snprintf(buf, 16, "RESERVED%u", opcode);
	return buf;
}

/* The full 12-bit RCODE: an OPT record carries the upper eight bits, so
 * BADVERS (16) arrives as header RCODE 0 plus extended RCODE 1. */
static unsigned pkt_rcode(const ldns_pkt *pkt)
{
	unsigned rc = ldns_pkt_get_rcode(pkt) & 0xfu;

	if (ldns_pkt_edns(pkt))
		rc |= (unsigned)ldns_pkt_edns_extended_rcode(pkt) << 4;
	return rc;
}

static const char *rcode_name(unsigned rc, char buf[16])
{
	/* 16-23 need EDNS (or TSIG/TKEY); ldns's table stops at 10. */
	static const char *const high[] = {
		"BADVERS", "BADKEY", "BADTIME", "BADMODE",
		"BADNAME", "BADALG", "BADTRUNC", "BADCOOKIE",
	};
	ldns_lookup_table *t;

	if (rc == 11)
		return "DSOTYPENI";
	if (rc >= 16 && rc - 16 < sizeof high / sizeof high[0])
		return high[rc - 16];
	if (rc < 16 && (t = ldns_lookup_by_id(ldns_rcodes, (int)rc)) && t->name)
		return t->name;
	snprintf(buf, 16, "%u", rc);
	return buf;
}

/* One EDNS option; data is borrowed from the packet. */
struct opt {
	uint16_t code;
	size_t len;
	const uint8_t *data;
};

typedef void opt_fn(const struct opt *o, void *arg);

/* Call fn on each EDNS option of pkt without changing pkt.  Returns false
 * when the raw option data is malformed; fn has then seen the options that
 * came before the damage. */
static bool opts_each(const ldns_pkt *pkt, opt_fn *fn, void *arg)
{
	const ldns_edns_option_list *list = pkt->_edns_list;
	const ldns_rdf *raw;
	const uint8_t *p;
	size_t n, pos = 0;

	if (list) {
		size_t count = ldns_edns_option_list_get_count(list);
		for (size_t i = 0; i < count; i++) {
			const ldns_edns_option *o = ldns_edns_option_list_get_option(list, i);
			struct opt v;
			if (!o)
				continue;
			v.code = (uint16_t)ldns_edns_get_code(o);
			v.len = ldns_edns_get_size(o);
			v.data = ldns_edns_get_data(o);
			fn(&v, arg);
		}
		return true;
	}
	raw = ldns_pkt_edns_data(pkt);
	if (!raw)
		return true;
	p = ldns_rdf_data(raw);
	n = ldns_rdf_size(raw);
	while (pos < n) {
		struct opt v;
		if (n - pos < 4)
			return false;
		v.code = ldns_read_uint16(p + pos);
		v.len = ldns_read_uint16(p + pos + 2);
		v.data = p + pos + 4;
		if (v.len > n - pos - 4)
			return false;
		fn(&v, arg);
		pos += 4 + v.len;
	}
	return true;
}

/* Presentation fields.  Each leaves one field's text at the start of b
 * (replacing what was there), the same text ldns_rr2str gives for it. */
static void fld_owner(ldns_buffer *b, const ldns_rr *rr)
{
	ldns_buffer_clear(b);
	(void)ldns_rdf2buffer_str(b, ldns_rr_owner(rr));
}

static void fld_class(ldns_buffer *b, const ldns_rr *rr)
{
	ldns_buffer_clear(b);
	(void)ldns_rr_class2buffer_str(b, ldns_rr_get_class(rr));
}

static void fld_type(ldns_buffer *b, const ldns_rr *rr)
{
	ldns_buffer_clear(b);
	(void)ldns_rr_type2buffer_str(b, ldns_rr_get_type(rr));
}

/* ldns leaves a tab inside a character-string unescaped; dig writes \009,
 * which also keeps a stray tab from breaking the columns. */
static void fld_escape_tabs(ldns_buffer *b)
{
	size_t len = ldns_buffer_position(b), tabs = 0, dst;
	uint8_t *p;

	for (size_t i = 0; i < len; i++)
		tabs += ldns_buffer_begin(b)[i] == '\t';
	if (tabs == 0 || !ldns_buffer_reserve(b, tabs * 3))
		return;
	p = ldns_buffer_begin(b);
	dst = len + tabs * 3;
	for (size_t src = len; src-- > 0;) {
		if (p[src] == '\t') {
			dst -= 4;
			memcpy(p + dst, "\\009", 4);
		} else {
			p[--dst] = p[src];
		}
	}
	ldns_buffer_set_position(b, len + tabs * 3);
}

static void fld_rdata(ldns_buffer *b, const ldns_rr *rr)
{
	ldns_buffer_clear(b);
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		if (i > 0)
			ldns_buffer_printf(b, " ");
		(void)ldns_rdf2buffer_str(b, ldns_rr_rdf(rr, i));
	}
	fld_escape_tabs(b);
}

static void fld_hex(ldns_buffer *b, const uint8_t *data, size_t len)
{
	ldns_buffer_clear(b);
	for (size_t i = 0; i < len; i++)
		ldns_buffer_printf(b, "%02x", data[i]);
}

static const char *fld_text(ldns_buffer *b)
{
	return (const char *)ldns_buffer_begin(b);
}

static size_t fld_len(ldns_buffer *b)
{
	return ldns_buffer_position(b);
}

/* ---- text ---- */

struct text {
	FILE *out;
	bool color;
	ldns_buffer *b; /* scratch for one field at a time */
};

/* bind's indent(): tabs up to column `to`, or one space when the text has
 * already reached or passed it. */
static void col_to(FILE *out, unsigned *col, unsigned to)
{
	unsigned from = *col;
	unsigned ntabs;

	if (to < from + 1)
		to = from + 1;
	ntabs = to / TAB_WIDTH - from / TAB_WIDTH;
	for (unsigned i = 0; i < ntabs; i++)
		fputc('\t', out);
	if (ntabs > 0)
		from = to / TAB_WIDTH * TAB_WIDTH;
	for (; from < to; from++)
		fputc(' ', out);
	*col = to;
}

static void col_put_field(const struct text *t, unsigned *col, bool bold)
{
	fputs(term_sgr(t->color && bold, TERM_BOLD), t->out);
	fwrite(fld_text(t->b), 1, fld_len(t->b), t->out);
	fputs(term_reset(t->color && bold), t->out);
	*col += (unsigned)fld_len(t->b);
}

static void text_rr(const struct text *t, const ldns_rr *rr, bool question)
{
	unsigned col = 0;

	if (question) {
		fputc(';', t->out);
		col = 1;
	}
	fld_owner(t->b, rr);
	col_put_field(t, &col, true);
	if (!question) {
		col_to(t->out, &col, COL_TTL);
		col += (unsigned)fprintf(t->out, "%u", (unsigned)ldns_rr_ttl(rr));
	}
	col_to(t->out, &col, COL_CLASS);
	fld_class(t->b, rr);
	col_put_field(t, &col, false);
	col_to(t->out, &col, COL_TYPE);
	fld_type(t->b, rr);
	col_put_field(t, &col, false);
	if (!question && ldns_rr_rd_count(rr) > 0) {
		col_to(t->out, &col, COL_RDATA);
		fld_rdata(t->b, rr);
		col_put_field(t, &col, false);
	}
	fputc('\n', t->out);
}

static void text_heading(const struct text *t, const char *s)
{
	fprintf(t->out, "%s%s%s\n", term_sgr(t->color, TERM_BOLD), s,
		term_reset(t->color));
}

static void text_section(const struct text *t, const char *name,
	const ldns_rr_list *list, bool question)
{
	size_t count = list ? ldns_rr_list_rr_count(list) : 0;
	char heading[64];

	if (count == 0)
		return;
	snprintf(heading, sizeof heading, ";; %s SECTION:", name);
	text_heading(t, heading);
	for (size_t i = 0; i < count; i++)
		text_rr(t, ldns_rr_list_rr(list, i), question);
	fputc('\n', t->out);
}

/* dig's rendering of opaque option data: spaced hex, then the printable
 * ASCII with dots for the rest, which also keeps the terminal safe. */
static void text_hex_ascii(FILE *out, const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fprintf(out, " %02x", data[i]);
	fputs(" (\"", out);
	for (size_t i = 0; i < len; i++)
		fputc(data[i] >= 0x20 && data[i] < 0x7f ? data[i] : '.', out);
	fputs("\")", out);
}

static void text_opt(const struct opt *o, void *arg)
{
	const struct text *t = arg;
	FILE *out = t->out;

	switch (o->code) {
	case LDNS_EDNS_EDE: {
		uint16_t info;
		const char *name;

		fputs(term_sgr(t->color, TERM_YELLOW), out);
		if (o->len < 2) {
			fputs("; EDE: malformed:", out);
			text_hex_ascii(out, o->data, o->len);
		} else {
			info = ldns_read_uint16(o->data);
			name = pktprint_ede_name(info);
			fprintf(out, "; EDE: %u", info);
			if (name)
				fprintf(out, " (%s)", name);
			if (o->len > 2) {
				fputs(": (", out);
				term_put_text(out, (const char *)o->data + 2, o->len - 2);
				fputc(')', out);
			}
		}
		fprintf(out, "%s\n", term_reset(t->color));
		break;
	}
	case LDNS_EDNS_NSID:
		fputs("; NSID:", out);
		text_hex_ascii(out, o->data, o->len);
		fputc('\n', out);
		break;
	case LDNS_EDNS_COOKIE:
		fputs("; COOKIE: ", out);
		for (size_t i = 0; i < o->len; i++)
			fprintf(out, "%02x", o->data[i]);
		fputc('\n', out);
		break;
	default:
		fprintf(out, "; OPT=%u", o->code);
		if (o->len > 0) {
			fputc(':', out);
			text_hex_ascii(out, o->data, o->len);
		}
		fputc('\n', out);
		break;
	}
}

static void text_edns(const struct text *t, const ldns_pkt *pkt)
{
	unsigned mbz = ldns_pkt_edns_z(pkt) & 0x7fffu;

	text_heading(t, ";; OPT PSEUDOSECTION:");
	fprintf(t->out, "; EDNS: version: %u, flags:%s;", ldns_pkt_edns_version(pkt),
		ldns_pkt_edns_do(pkt) ? " do" : "");
	if (mbz)
		fprintf(t->out, " MBZ: 0x%04x,", mbz);
	fprintf(t->out, " udp: %u\n", ldns_pkt_edns_udp_size(pkt));
	if (!opts_each(pkt, text_opt, (void *)t))
		fprintf(t->out, "%s;; WARNING: malformed EDNS option data%s\n",
			term_sgr(t->color, TERM_YELLOW), term_reset(t->color));
	/* Like dig, no blank line before the question section. */
}

static void text_footer(const struct text *t, const struct pktprint_meta *m)
{
	const char *dim = term_sgr(t->color, TERM_DIM);
	const char *off = term_reset(t->color);
	long long ms = m->rtt_ms > 0 ? (long long)m->rtt_ms : 0;

	/* dig truncates to whole milliseconds; so do we, for the same look. */
	fprintf(t->out, "%s;; Query time: %lld msec%s\n", dim, ms, off);
	if (m->server_addr) {
		fprintf(t->out, "%s;; SERVER: %s#%d(%s)", dim, m->server_addr, m->port,
			m->server_label ? m->server_label : m->server_addr);
		if (m->transport)
			fprintf(t->out, " (%s)", m->transport);
		fprintf(t->out, "%s\n", off);
	}
	if (m->when != 0) {
		struct tm tm;
		char when[64];
		if (localtime_r(&m->when, &tm) &&
		    strftime(when, sizeof when, "%a %b %d %H:%M:%S %Z %Y", &tm) > 0)
			fprintf(t->out, "%s;; WHEN: %s%s\n", dim, when, off);
	}
	fprintf(t->out, "%s;; MSG SIZE  rcvd: %zu%s\n\n", dim, m->size, off);
}

void pktprint_text(FILE *out, const ldns_pkt *pkt, const struct pktprint_meta *m, bool color)
{
	struct text t = { out, color, NULL };
	char obuf[16], rbuf[16];
	unsigned rc = pkt_rcode(pkt);
	bool update = ldns_pkt_get_opcode(pkt) == LDNS_PACKET_UPDATE;
	bool edns = ldns_pkt_edns(pkt);
	/* ldns counts neither OPT nor TSIG in ARCOUNT; dig, showing the wire
	 * header, counts both. */
	unsigned arcount = ldns_pkt_arcount(pkt) + (edns ? 1u : 0u) +
		(ldns_pkt_tsig(pkt) ? 1u : 0u);
	static const struct {
		bool (*get)(const ldns_pkt *);
		const char *name;
	} flags[] = {
		{ ldns_pkt_qr, "qr" }, { ldns_pkt_aa, "aa" }, { ldns_pkt_tc, "tc" },
		{ ldns_pkt_rd, "rd" }, { ldns_pkt_ra, "ra" }, { ldns_pkt_ad, "ad" },
		{ ldns_pkt_cd, "cd" },
	};

	t.b = ldns_buffer_new(256);
	if (!t.b) {
		fputs(";; out of memory while formatting the answer\n", out);
		return;
	}

	if (m && m->tc_retry)
		fprintf(out, "%s;; WARNING: answer was truncated (TC=1), retried over TCP%s\n",
			term_sgr(color, TERM_YELLOW), term_reset(color));

	fprintf(out, ";; ->>HEADER<<- opcode: %s, status: %s%s%s, id: %u\n",
		opcode_name(ldns_pkt_get_opcode(pkt), obuf),
		term_sgr(color, rc == LDNS_RCODE_NOERROR ? TERM_GREEN : TERM_RED),
		rcode_name(rc, rbuf), term_reset(color), ldns_pkt_id(pkt));
	fputs(";; flags:", out);
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		if (flags[i].get(pkt))
			fprintf(out, " %s", flags[i].name);
	fprintf(out, update ? "; ZONE: %u, PREREQ: %u, UPDATE: %u, ADDITIONAL: %u\n"
			    : "; QUERY: %u, ANSWER: %u, AUTHORITY: %u, ADDITIONAL: %u\n",
		ldns_pkt_qdcount(pkt), ldns_pkt_ancount(pkt), ldns_pkt_nscount(pkt), arcount);
	if (ldns_pkt_rd(pkt) && !ldns_pkt_ra(pkt))
		fputs(";; WARNING: recursion requested but not available\n", out);
	fputc('\n', out);

	if (edns)
		text_edns(&t, pkt);

	text_section(&t, update ? "ZONE" : "QUESTION", ldns_pkt_question(pkt), true);
	text_section(&t, update ? "PREREQUISITE" : "ANSWER", ldns_pkt_answer(pkt), false);
	text_section(&t, update ? "UPDATE" : "AUTHORITY", ldns_pkt_authority(pkt), false);
	text_section(&t, "ADDITIONAL", ldns_pkt_additional(pkt), false);
	if (ldns_pkt_tsig(pkt)) {
		text_heading(&t, ";; TSIG PSEUDOSECTION:");
		text_rr(&t, ldns_pkt_tsig(pkt), false);
		fputc('\n', out);
	}

	if (m)
		text_footer(&t, m);
	ldns_buffer_free(t.b);
}

/* ---- JSON ---- */

struct jctx {
	struct json *j;
	ldns_buffer *b;
};

static void json_field(struct json *j, ldns_buffer *b)
{
	json_strn(j, fld_text(b), fld_len(b));
}

static void json_rr(const struct jctx *c, const ldns_rr *rr, bool question)
{
	json_obj_begin(c->j);
	json_key(c->j, "name");
	fld_owner(c->b, rr);
	json_field(c->j, c->b);
	if (!question) {
		json_key(c->j, "ttl");
		json_uint(c->j, ldns_rr_ttl(rr));
	}
	json_key(c->j, "class");
	fld_class(c->b, rr);
	json_field(c->j, c->b);
	json_key(c->j, "type");
	fld_type(c->b, rr);
	json_field(c->j, c->b);
	if (!question) {
		json_key(c->j, "rdata");
		fld_rdata(c->b, rr);
		json_field(c->j, c->b);
	}
	json_obj_end(c->j);
}

static void json_section(const struct jctx *c, const char *key,
	const ldns_rr_list *list, bool question)
{
	size_t count = list ? ldns_rr_list_rr_count(list) : 0;

	json_key(c->j, key);
	json_arr_begin(c->j);
	for (size_t i = 0; i < count; i++)
		json_rr(c, ldns_rr_list_rr(list, i), question);
	json_arr_end(c->j);
}

static void json_ede(const struct opt *o, void *arg)
{
	const struct jctx *c = arg;
	uint16_t info;

	if (o->code != LDNS_EDNS_EDE || o->len < 2)
		return;
	info = ldns_read_uint16(o->data);
	json_obj_begin(c->j);
	json_key(c->j, "code");
	json_uint(c->j, info);
	json_key(c->j, "name");
	json_str(c->j, pktprint_ede_name(info));
	json_key(c->j, "text");
	json_strn(c->j, (const char *)o->data + 2, o->len - 2);
	json_obj_end(c->j);
}

/* Everything json_ede does not show, including an EDE too short to hold
 * its INFO-CODE. */
static void json_other_opt(const struct opt *o, void *arg)
{
	const struct jctx *c = arg;

	if (o->code == LDNS_EDNS_EDE && o->len >= 2)
		return;
	json_obj_begin(c->j);
	json_key(c->j, "code");
	json_uint(c->j, o->code);
	json_key(c->j, "data");
	fld_hex(c->b, o->data, o->len);
	json_field(c->j, c->b);
	json_obj_end(c->j);
}

static void json_edns(const struct jctx *c, const ldns_pkt *pkt)
{
	bool ok;

	json_key(c->j, "edns");
	if (!ldns_pkt_edns(pkt)) {
		json_null(c->j);
		return;
	}
	json_obj_begin(c->j);
	json_key(c->j, "version");
	json_uint(c->j, ldns_pkt_edns_version(pkt));
	json_key(c->j, "udp_size");
	json_uint(c->j, ldns_pkt_edns_udp_size(pkt));
	json_key(c->j, "do");
	json_bool(c->j, ldns_pkt_edns_do(pkt));
	json_key(c->j, "ede");
	json_arr_begin(c->j);
	ok = opts_each(pkt, json_ede, (void *)c);
	json_arr_end(c->j);
	json_key(c->j, "options");
	json_arr_begin(c->j);
	(void)opts_each(pkt, json_other_opt, (void *)c);
	json_arr_end(c->j);
	if (!ok) {
		json_key(c->j, "malformed");
		json_bool(c->j, true);
	}
	json_obj_end(c->j);
}

static void json_server(struct json *j, const struct pktprint_meta *m)
{
	json_key(j, "server");
	if (!m) {
		json_null(j);
		return;
	}
	json_obj_begin(j);
	json_key(j, "label");
	json_str(j, m->server_label);
	json_key(j, "address");
	json_str(j, m->server_addr);
	json_key(j, "port");
	json_int(j, m->port);
	json_key(j, "transport");
	json_str(j, m->transport);
	json_obj_end(j);
}

void pktprint_json(FILE *out, const ldns_pkt *pkt, const struct pktprint_meta *m)
{
	struct json j;
	struct jctx c = { &j, NULL };
	char obuf[16], rbuf[16];
	static const struct {
		bool (*get)(const ldns_pkt *);
		const char *name;
	} flags[] = {
		{ ldns_pkt_qr, "qr" }, { ldns_pkt_aa, "aa" }, { ldns_pkt_tc, "tc" },
		{ ldns_pkt_rd, "rd" }, { ldns_pkt_ra, "ra" }, { ldns_pkt_ad, "ad" },
		{ ldns_pkt_cd, "cd" },
	};

	json_init(&j, out);
	c.b = ldns_buffer_new(256);
	if (!c.b) {
		json_obj_begin(&j);
		json_key(&j, "error");
		json_str(&j, "out of memory while formatting the answer");
		json_obj_end(&j);
		(void)json_end(&j);
		return;
	}

	json_obj_begin(&j);
	json_server(&j, m);
	json_key(&j, "rtt_ms");
	if (m)
		json_double(&j, m->rtt_ms);
	else
		json_null(&j);
	json_key(&j, "size");
	if (m)
		json_uint(&j, m->size);
	else
		json_null(&j);
	json_key(&j, "tc_retry");
	json_bool(&j, m && m->tc_retry);
	json_key(&j, "id");
	json_uint(&j, ldns_pkt_id(pkt));
	json_key(&j, "opcode");
	json_str(&j, opcode_name(ldns_pkt_get_opcode(pkt), obuf));
	json_key(&j, "rcode");
	json_str(&j, rcode_name(pkt_rcode(pkt), rbuf));
	json_key(&j, "flags");
	json_obj_begin(&j);
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		json_key(&j, flags[i].name);
		json_bool(&j, flags[i].get(pkt));
	}
	json_obj_end(&j);
	json_edns(&c, pkt);
	json_section(&c, "question", ldns_pkt_question(pkt), true);
	json_section(&c, "answer", ldns_pkt_answer(pkt), false);
	json_section(&c, "authority", ldns_pkt_authority(pkt), false);
	json_section(&c, "additional", ldns_pkt_additional(pkt), false);
	if (ldns_pkt_tsig(pkt)) {
		json_key(&j, "tsig");
		json_rr(&c, ldns_pkt_tsig(pkt), false);
	}
	json_obj_end(&j);
	(void)json_end(&j);
	ldns_buffer_free(c.b);
}

void pktprint_rr_lines(FILE *out, struct json *j, const ldns_rr_list *l, const char *indent)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		char *r = ldns_rr2str(ldns_rr_list_rr(l, i));
		if (!r)
			continue;
		r[strcspn(r, "\n")] = '\0';
		if (j)
			json_str(j, r);
		else
			fprintf(out, "%s%s\n", indent, r);
		free(r);
	}
}
