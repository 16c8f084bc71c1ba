/* checks_dnssec.c: the DNSSEC reading questions, from a server's response
 * (checks_dnssec.h). */
#include "lab/checks_dnssec.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- small text helpers ---- */

static void appendf(char **buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append a line to *buf (NULL at first); on failure *buf stays as it was. */
static void appendf(char **buf, const char *fmt, ...)
{
	char *line = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t old = *buf ? strlen(*buf) : 0;
	char *b = realloc(*buf, old + (size_t)n + 2);
	if (b) {
		snprintf(b + old, (size_t)n + 2, "%s%s", old ? "\n" : "", line);
		*buf = b;
	}
	free(line);
}

/* A record on one line, as dig prints it, without ldns's comments. */
static char *rr_line(const ldns_rr *rr)
{
	char *s = ldns_rr2str_fmt(ldns_output_format_nocomments, rr);
	if (!s)
		return NULL;
	s[strcspn(s, "\n")] = '\0';
	for (char *c = s; *c; c++)
		if (*c == '\t')
			*c = ' ';
	for (size_t n = strlen(s); n && s[n - 1] == ' ';) /* ldns ends a bitmap with one */
		s[--n] = '\0';
	return s;
}

static void quote_rr(char **quote, const ldns_rr *rr)
{
	char *s = rr_line(rr);
	if (s)
		appendf(quote, "%s", s);
	free(s);
}

static char *rdf_str(const ldns_rdf *r)
{
	char *s = r ? ldns_rdf2str(r) : NULL;
	return s ? s : strdup("?");
}

/* The distinct values, in the order met, joined with " or ".  NULL when
 * there are none or out of memory. */
struct values {
	char *v[16];
	size_t n;
};

static void values_add(struct values *vs, const char *v)
{
	for (size_t i = 0; i < vs->n; i++)
		if (!strcasecmp(vs->v[i], v))
			return;
	if (vs->n < sizeof vs->v / sizeof vs->v[0] && (vs->v[vs->n] = strdup(v)) != NULL)
		vs->n++;
}

static void values_free(struct values *vs)
{
	for (size_t i = 0; i < vs->n; i++)
		free(vs->v[i]);
	vs->n = 0;
}

static char *values_join(struct values *vs)
{
	size_t len = 1;
	for (size_t i = 0; i < vs->n; i++)
		len += strlen(vs->v[i]) + 4;
	char *s = vs->n ? malloc(len) : NULL;
	if (s) {
		s[0] = '\0';
		for (size_t i = 0; i < vs->n; i++) {
			if (i)
				strcat(s, " or ");
			strcat(s, vs->v[i]);
		}
	}
	values_free(vs);
	return s;
}

static bool same_name(const ldns_rdf *a, const char *name)
{
	ldns_rdf *b = ldns_dname_new_frm_str(name);
	bool same = b && ldns_dname_compare(a, b) == 0;
	ldns_rdf_deep_free(b);
	return same;
}

/* ---- keytag ---- */

static int expect_keytag(const struct check_spec *s, const ldns_pkt *p, struct values *vs, char **quote,
			 struct dl_error *err)
{
	bool ksk = !strcmp(s->role, "ksk");
	const ldns_rr_list *an = ldns_pkt_answer(p);
	size_t keys = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_DNSKEY || !same_name(ldns_rr_owner(rr), s->name) ||
		    ldns_rr_rd_count(rr) < 4)
			continue;
		keys++;
		uint16_t flags = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		bool sep = flags & LDNS_KEY_SEP_KEY;
		uint16_t tag = ldns_calc_keytag(rr);
		/* The key itself is long and says nothing to the eye: its start. */
		char *owner = rdf_str(ldns_rr_owner(rr)), *key = rdf_str(ldns_rr_rdf(rr, 3));
		appendf(quote, "%s %u IN DNSKEY %u %u %u %.12s... ; %s, key tag %u", owner, ldns_rr_ttl(rr), flags,
			ldns_rdf2native_int8(ldns_rr_rdf(rr, 1)), ldns_rdf2native_int8(ldns_rr_rdf(rr, 2)), key,
			sep ? "KSK (flags 257)" : "ZSK (flags 256)", tag);
		free(owner);
		free(key);
		if (sep == ksk) {
			char t[8];
			snprintf(t, sizeof t, "%u", tag);
			values_add(vs, t);
		}
	}
	if (!keys)
		return dl_error_set(err, DL_ERR_INPUT, "%s serves no DNSKEY for %s: is the zone signed?", s->server,
				    s->name);
	if (!vs->n)
		return dl_error_set(err, DL_ERR_INPUT, "%s's DNSKEY set for %s has no %s (flags %s)", s->server,
				    s->name, ksk ? "KSK" : "ZSK", ksk ? "257" : "256");
	if (vs->n > 1)
		appendf(quote, "(%zu keys are %ss, as during a rollover: any of their tags is accepted)", vs->n,
			ksk ? "KSK" : "ZSK");
	return 0;
}

/* ---- rrsig ---- */

static const char *const fields[] = { "type", "algorithm", "labels", "original-ttl", "expiration",
				      "inception", "keytag", "signer" };

static int field_index(const char *field)
{
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (!strcmp(fields[i], field))
			return (int)i;
	return -1;
}

static bool is_time_field(const char *field)
{
	return !strcmp(field, "expiration") || !strcmp(field, "inception");
}

static int expect_rrsig(const struct check_spec *s, const ldns_pkt *p, struct values *vs, char **quote,
			struct dl_error *err)
{
	ldns_rr_type type = ldns_get_rr_type_by_name(s->type);
	int f = field_index(s->field);
	const ldns_rr_list *an = ldns_pkt_answer(p);
	for (size_t i = 0; f >= 0 && i < ldns_rr_list_rr_count(an); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG || ldns_rr_rd_count(rr) < 9 ||
		    !same_name(ldns_rr_owner(rr), s->name) || ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) != type)
			continue;
		quote_rr(quote, rr);
		const ldns_rdf *r = ldns_rr_rdf(rr, (size_t)f);
		char *v = rdf_str(r);
		values_add(vs, v);
		if (is_time_field(s->field)) {
			time_t t = (time_t)ldns_rdf2native_int32(r);
			struct tm tm;
			char when[64] = "?";
			if (gmtime_r(&t, &tm))
				strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
			appendf(quote, "(%s %s is %s, %lld in epoch seconds)", s->field, v, when, (long long)t);
		} else if (!strcmp(s->field, "algorithm")) {
			const ldns_lookup_table *a = ldns_lookup_by_id(ldns_algorithms, ldns_rdf2native_int8(r));
			if (a)
				appendf(quote, "(algorithm %s is %s)", v, a->name);
		}
		free(v);
	}
	if (!vs->n)
		return dl_error_set(err, DL_ERR_INPUT, "%s serves no RRSIG over %s %s: is the zone signed?", s->server,
				    s->name, s->type);
	return 0;
}

/* ---- nsec-next and denial-count ---- */

/* Does the NSEC's gap hold name: owner < name < next in canonical order
 * (RFC 4034 6.1), the last NSEC's next being the apex (the chain wraps)? */
static bool nsec_covers(const ldns_rr *nsec, const ldns_rdf *name)
{
	const ldns_rdf *owner = ldns_rr_owner(nsec), *next = ldns_rr_rdf(nsec, 0);
	if (!next || ldns_dname_compare(owner, name) >= 0)
		return false;
	return ldns_dname_compare(next, owner) <= 0 || ldns_dname_compare(name, next) < 0;
}

static size_t count_type(const ldns_rr_list *l, ldns_rr_type t)
{
	size_t n = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
		n += ldns_rr_get_type(ldns_rr_list_rr(l, i)) == t;
	return n;
}

static int expect_nsec_next(const struct check_spec *s, const ldns_pkt *p, struct values *vs, char **quote,
			    struct dl_error *err)
{
	const ldns_rr_list *ns = ldns_pkt_authority(p);
	if (ldns_pkt_get_rcode(p) != LDNS_RCODE_NXDOMAIN)
		return dl_error_set(err, DL_ERR_INPUT,
				    "%s does not answer NXDOMAIN for %s: nsec-next needs a name that does not exist",
				    s->server, s->name);
	/* NSEC3 proves the gap between hashes, not names: there is no next name
	 * a student could read (checks_dnssec.h, docs/lab-format.md). */
	if (!count_type(ns, LDNS_RR_TYPE_NSEC) && count_type(ns, LDNS_RR_TYPE_NSEC3))
		return dl_error_set(err, DL_ERR_INPUT,
				    "%s proves that %s does not exist with NSEC3 (hashed names): nsec-next reads NSEC "
				    "only; ask with denial-count",
				    s->server, s->name);
	ldns_rdf *name = ldns_dname_new_frm_str(s->name);
	for (size_t i = 0; name && i < ldns_rr_list_rr_count(ns) && !vs->n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ns, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NSEC || !nsec_covers(rr, name))
			continue;
		quote_rr(quote, rr);
		char *owner = rdf_str(ldns_rr_owner(rr)), *next = rdf_str(ldns_rr_rdf(rr, 0));
		appendf(quote, "(%s comes after %s and before %s, in the zone's order: the gap it proves empty)",
			s->name, owner, next);
		values_add(vs, next);
		free(owner);
		free(next);
	}
	ldns_rdf_deep_free(name);
	if (!vs->n)
		return dl_error_set(err, DL_ERR_INPUT, "%s's NXDOMAIN for %s carries no NSEC that covers it: is the "
						       "zone signed?",
				    s->server, s->name);
	return 0;
}

static int expect_denial_count(const struct check_spec *s, const ldns_pkt *p, struct values *vs, char **quote,
			       struct dl_error *err)
{
	const ldns_rr_list *ns = ldns_pkt_authority(p);
	size_t n = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(ns); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ns, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		if (t != LDNS_RR_TYPE_NSEC && t != LDNS_RR_TYPE_NSEC3)
			continue;
		n++;
		quote_rr(quote, rr);
	}
	if (!n)
		return dl_error_set(err, DL_ERR_INPUT,
				    "%s's answer for %s %s carries no NSEC or NSEC3: does the name exist, or is the "
				    "zone unsigned?",
				    s->server, s->name, s->type);
	char c[24];
	snprintf(c, sizeof c, "%zu", n);
	values_add(vs, c);
	return 0;
}

/* ---- the interface ---- */

bool checks_dnssec_kind(enum check_kind k)
{
	return k == CHECK_KEYTAG || k == CHECK_RRSIG || k == CHECK_NSEC_NEXT || k == CHECK_DENIAL_COUNT;
}

ldns_rr_type checks_dnssec_qtype(const struct check_spec *s)
{
	if (s->kind == CHECK_KEYTAG)
		return LDNS_RR_TYPE_DNSKEY;
	if (s->kind == CHECK_NSEC_NEXT || !s->type)
		return LDNS_RR_TYPE_A;
	return ldns_get_rr_type_by_name(s->type);
}

int checks_dnssec_expect(const struct check_spec *s, const ldns_pkt *p, char **expected, char **quote,
			 struct dl_error *err)
{
	*expected = NULL;
	*quote = NULL;
	struct values vs = { .n = 0 };
	int rc = s->kind == CHECK_KEYTAG	? expect_keytag(s, p, &vs, quote, err)
		 : s->kind == CHECK_RRSIG	? expect_rrsig(s, p, &vs, quote, err)
		 : s->kind == CHECK_NSEC_NEXT ? expect_nsec_next(s, p, &vs, quote, err)
		 : s->kind == CHECK_DENIAL_COUNT ? expect_denial_count(s, p, &vs, quote, err)
						 : dl_error_set(err, DL_ERR_INPUT, "not a DNSSEC reading check");
	if (!rc && !(*expected = values_join(&vs)))
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	values_free(&vs); /* what an error left */
	if (rc) {
		free(*quote);
		*quote = NULL;
	}
	return rc;
}

/* ---- comparing ---- */

/* The text without blanks at either end, in buf. */
static const char *trim(const char *in, char *buf, size_t len)
{
	while (isspace((unsigned char)*in))
		in++;
	snprintf(buf, len, "%s", in);
	size_t n = strlen(buf);
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return buf;
}

static bool parse_uint(const char *s, unsigned long long *out)
{
	char *end = NULL;
	if (!isdigit((unsigned char)*s))
		return false;
	*out = strtoull(s, &end, 10);
	return !*end;
}

/* A signature time as dig prints it (YYYYMMDDHHMMSS, RFC 4034 3.2) or as
 * epoch seconds (a 32-bit number, up to 10 digits). */
static bool parse_time(const char *s, unsigned long long *out)
{
	size_t n = strlen(s);
	if (n == 14 && strspn(s, "0123456789") == 14) {
		struct tm tm = { 0 };
		if (sscanf(s, "%4d%2d%2d%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
			   &tm.tm_sec) != 6)
			return false;
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		time_t t = timegm(&tm);
		if (t < 0)
			return false;
		*out = (unsigned long long)t;
		return true;
	}
	return n <= 10 && parse_uint(s, out) && *out <= 0xffffffffULL;
}

static bool parse_algorithm(const char *s, unsigned long long *out)
{
	if (parse_uint(s, out))
		return *out <= 255;
	const ldns_lookup_table *a = ldns_lookup_by_name(ldns_algorithms, s);
	if (!a)
		return false;
	*out = (unsigned long long)a->id;
	return true;
}

/* Two names, without regard to case or the trailing dot. */
static bool names_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 1 && a[la - 1] == '.')
		la--;
	if (lb > 1 && b[lb - 1] == '.')
		lb--;
	return la == lb && !strncasecmp(a, b, la);
}

static bool one_ok(const struct check_spec *s, const char *want, const char *got)
{
	unsigned long long w, g;
	if (s->kind == CHECK_NSEC_NEXT || (s->kind == CHECK_RRSIG && !strcmp(s->field, "signer")))
		return names_equal(want, got);
	if (s->kind == CHECK_RRSIG && is_time_field(s->field))
		return parse_time(want, &w) && parse_time(got, &g) && w == g;
	if (s->kind == CHECK_RRSIG && !strcmp(s->field, "algorithm"))
		return parse_algorithm(want, &w) && parse_algorithm(got, &g) && w == g;
	return parse_uint(want, &w) && parse_uint(got, &g) && w == g;
}

bool checks_dnssec_answer_ok(const struct check_spec *s, const char *expected, const char *answer)
{
	char got[512], item[512];
	trim(answer, got, sizeof got);
	if (!expected || !*got)
		return false;
	/* The whole "A or B" as the solution shows it, or any one value. */
	if (!strcasecmp(got, expected))
		return true;
	for (const char *p = expected; *p;) {
		const char *end = strstr(p, " or ");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		snprintf(item, sizeof item, "%.*s", (int)n, p);
		if (one_ok(s, item, got))
			return true;
		p += n + (end ? 4 : 0);
	}
	return false;
}
