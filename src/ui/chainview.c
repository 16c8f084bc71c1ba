/* chainview.c: the views of a DNSSEC validation report (see chainview.h).
 *
 * The report says, per zone, which DS records and DNSKEYs there were and
 * which checks passed; it does not say which node of a picture is secure.
 * The helpers under "what each record earned" derive that once, so the text,
 * the tree and the graph never disagree about a colour.
 *
 * Names in the report are in presentation format (ldns_rdf2str): a backslash
 * in them is already an escape, so text output keeps it as it is and only
 * makes control characters and stray bytes harmless (cv_puts). */
#include "ui/chainview.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <ldns/ldns.h>

#include "ui/json.h"
#include "ui/pktprint.h"
#include "ui/term.h"

#define DNSKEY_ZONE 0x0100   /* RFC 4034 2.1.1 */
#define DNSKEY_REVOKE 0x0080 /* RFC 5011 */
#define DNSKEY_SEP 0x0001

/* ---- names of numbers ---- */

/* IANA "DNS Security Algorithm Numbers", the ones a lab meets. */
static const char *alg_name(uint8_t alg, char buf[16])
{
	switch (alg) {
	case 5: return "RSASHA1";
	case 7: return "RSASHA1-NSEC3-SHA1";
	case 8: return "RSASHA256";
	case 10: return "RSASHA512";
	case 13: return "ECDSAP256SHA256";
	case 14: return "ECDSAP384SHA384";
	case 15: return "ED25519";
	case 16: return "ED448";
	}
	snprintf(buf, 16, "ALG%u", alg);
	return buf;
}

/* IANA "Delegation Signer (DS) Resource Record Digest Algorithms". */
static const char *digest_name(uint8_t d, char buf[16])
{
	switch (d) {
	case 1: return "SHA-1";
	case 2: return "SHA-256";
	case 4: return "SHA-384";
	}
	snprintf(buf, 16, "DIGEST%u", d);
	return buf;
}

/* "EDE 7 Signature Expired", or "EDE 99" for a code with no name. */
static const char *ede_label(uint16_t code, char buf[64])
{
	const char *n = pktprint_ede_name(code);

	if (n)
		snprintf(buf, 64, "EDE %u %s", code, n);
	else
		snprintf(buf, 64, "EDE %u", code);
	return buf;
}

static const char *type_name(uint16_t t, char buf[16])
{
	char *s = ldns_rr_type2str((ldns_rr_type)t); /* ours to free */

	if (s)
		snprintf(buf, 16, "%s", s);
	else
		snprintf(buf, 16, "TYPE%u", t);
	free(s);
	return buf;
}

static const char *rcode_name(int rc, char buf[16])
{
	ldns_lookup_table *t = rc >= 0 && rc < 16 ? ldns_lookup_by_id(ldns_rcodes, rc) : NULL;

	if (t && t->name)
		return t->name;
	snprintf(buf, 16, "RCODE%d", rc);
	return buf;
}

static const char *key_role(uint16_t flags)
{
	if (!(flags & DNSKEY_ZONE))
		return "not a zone key";
	return flags & DNSKEY_SEP ? "KSK" : "ZSK";
}

static bool name_eq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0; /* presentation names: ASCII case folds */
}

/* ---- the lab clock against a signature's window ---- */

enum sig_when { SIG_VALID, SIG_EXPIRED, SIG_EARLY };

/* The lab clock in whole seconds, rounded down (floor() would need libm,
 * which the build does not link); 0 for a clock that is no number. */
static int64_t clock_secs(double now)
{
	int64_t n;

	if (!(now > -9e18 && now < 9e18))
		return 0;
	n = (int64_t)now;
	return (double)n > now ? n - 1 : n;
}

/* RRSIG times are 32-bit serial numbers (RFC 4034 3.1.5): the instant meant
 * is the one nearest the clock, which keeps windows right past 2106. */
static int64_t sig_abs(uint32_t t, double now)
{
	int64_t n = clock_secs(now);

	return n + (int32_t)(t - (uint32_t)n);
}

/* Where now falls; *delta is the time to the expiry (valid), since the expiry
 * (expired) or to the inception (early), in whole seconds. */
static enum sig_when sig_window(const struct valr_sig *s, double now, int64_t *delta)
{
	int64_t n = clock_secs(now);
	int64_t inc = sig_abs(s->inception, now), exp = sig_abs(s->expiration, now);

	if (n < inc) {
		*delta = inc - n;
		return SIG_EARLY;
	}
	if (n > exp) {
		*delta = n - exp;
		return SIG_EXPIRED;
	}
	*delta = exp - n;
	return SIG_VALID;
}

/* "29d 23h", "5h 2m", "3m 10s", "42s": the two largest units. */
static const char *fmt_dur(int64_t s, char buf[32])
{
	if (s < 0)
		s = -s;
	if (s >= 86400)
		snprintf(buf, 32, "%lldd %lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
	else if (s >= 3600)
		snprintf(buf, 32, "%lldh %lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else if (s >= 60)
		snprintf(buf, 32, "%lldm %llds", (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(buf, 32, "%llds", (long long)s);
	return buf;
}

static const char *fmt_time(int64_t t, char buf[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, 32, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(buf, 32, "@%lld", (long long)t);
	return buf;
}

/* The short form for the tree: "RRSIG expires in 29d 23h". */
static const char *window_short(const struct valr_sig *s, double now, char buf[64])
{
	int64_t d;
	char dur[32];

	switch (sig_window(s, now, &d)) {
	case SIG_VALID: snprintf(buf, 64, "RRSIG expires in %s", fmt_dur(d, dur)); break;
	case SIG_EXPIRED: snprintf(buf, 64, "RRSIG EXPIRED %s ago", fmt_dur(d, dur)); break;
	case SIG_EARLY: snprintf(buf, 64, "RRSIG NOT YET VALID for %s", fmt_dur(d, dur)); break;
	}
	return buf;
}

/* ---- what each record earned ---- */

static int first_broken(const struct val_report *r)
{
	for (size_t i = 0; i < r->nlinks && i < VALR_MAX_LINKS; i++)
		if (r->links[i].state == VAL_BOGUS)
			return (int)i;
	return -1;
}

static int first_no_ds(const struct val_report *r)
{
	for (size_t i = 0; i < r->nlinks && i < VALR_MAX_LINKS; i++)
		if (r->links[i].no_ds)
			return (int)i;
	return -1;
}

static size_t nlinks(const struct val_report *r)
{
	return r->nlinks < VALR_MAX_LINKS ? r->nlinks : VALR_MAX_LINKS;
}

static size_t nds(const struct valr_link *l)
{
	return l->nds < VALR_MAX_DS ? l->nds : VALR_MAX_DS;
}

static size_t nkeys(const struct valr_link *l)
{
	return l->nkeys < VALR_MAX_KEYS ? l->nkeys : VALR_MAX_KEYS;
}

static size_t nsigs(const struct val_report *r)
{
	return r->nsigs < VALR_MAX_SIGS ? r->nsigs : VALR_MAX_SIGS;
}

/* A record's own state: what its link reached when it checked out, bogus
 * when it did not, and the link's state where nothing was checked. */
static enum val_security earned(const struct valr_link *l, bool ok)
{
	if (l->state == VAL_INSECURE || l->state == VAL_UNCHECKED)
		return l->state;
	return ok ? VAL_SECURE : VAL_BOGUS;
}

static bool ds_ok(const struct valr_link *l, const struct valr_ds *d)
{
	return d->matched && (l->anchor || !l->has_ds_sig || l->ds_sig.verified);
}

static bool any_ds_matched(const struct valr_link *l)
{
	for (size_t j = 0; j < nds(l); j++)
		if (l->ds[j].matched)
			return true;
	return false;
}

/* The DS names the key: same tag and algorithm, and the key matched one. */
static bool ds_names(const struct valr_ds *d, const struct valr_key *k)
{
	return k->matches_ds && d->tag == k->tag && d->alg == k->alg;
}

/* The key a matched DS names, or -1. */
static int ds_key(const struct valr_link *l, const struct valr_ds *d)
{
	for (size_t k = 0; k < nkeys(l); k++)
		if (ds_names(d, &l->keys[k]))
			return (int)k;
	return -1;
}

static bool key_trusted(const struct valr_link *l, const struct valr_key *k)
{
	if (l->state == VAL_SECURE)
		return true;
	if (l->has_key_sig && l->key_sig.verified)
		return true;
	for (size_t j = 0; j < nds(l); j++)
		if (ds_names(&l->ds[j], k) && ds_ok(l, &l->ds[j]))
			return true;
	/* An anchor given as DNSKEYs has no DS entries. */
	return l->anchor && nds(l) == 0 && k->matches_ds;
}

static enum val_security ds_state(const struct valr_link *l, const struct valr_ds *d)
{
	if (!d->matched && any_ds_matched(l))
		return VAL_UNCHECKED; /* a spare DS, e.g. during a key rollover */
	return earned(l, ds_ok(l, d));
}

/* Was s made by key k of zone l? */
static bool sig_by(const struct valr_sig *s, const struct valr_link *l, const struct valr_key *k)
{
	return s->tag == k->tag && s->alg == k->alg && name_eq(s->signer, l->zone);
}

static int find_key(const struct valr_link *l, const struct valr_sig *s)
{
	for (size_t k = 0; k < nkeys(l); k++)
		if (sig_by(s, l, &l->keys[k]))
			return (int)k;
	return -1;
}

/* The link whose zone made s, or -1. */
static int find_signer(const struct val_report *r, const struct valr_sig *s)
{
	for (size_t i = 0; i < nlinks(r); i++)
		if (name_eq(r->links[i].zone, s->signer))
			return (int)i;
	return -1;
}

static enum val_security sig_state(const struct valr_link *l, const struct valr_sig *s)
{
	return earned(l, s->verified);
}

/* ---- safe text ---- */

/* term_put_text makes control characters and bad UTF-8 harmless but doubles
 * a backslash, which in a presentation name is already an escape; so feed it
 * the pieces between backslashes. */
static void cv_puts(FILE *out, const char *s)
{
	for (;;) {
		size_t n = strcspn(s, "\\");
		term_put_text(out, s, n);
		if (s[n] == '\0')
			return;
		fputc('\\', out);
		s += n + 1;
	}
}

static void cv_printf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cv_printf(FILE *out, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	cv_puts(out, buf);
}

static enum term_role state_role(enum val_security s)
{
	switch (s) {
	case VAL_SECURE: return TERM_GREEN;
	case VAL_INSECURE: return TERM_YELLOW;
	case VAL_BOGUS: return TERM_RED;
	case VAL_UNCHECKED: return TERM_DIM;
	}
	return TERM_DIM;
}

static void put_state(FILE *out, enum val_security s, bool color)
{
	fprintf(out, "%s%s%s", term_sgr(color, state_role(s)), val_security_name(s), term_reset(color));
}

/* ---- the verdict line (validate and tree) ---- */

static const char *qtype_name(const struct val_report *r, char buf[16])
{
	return type_name(r->qtype, buf);
}

/* Why the verdict is what it is, in words, or "" when it needs none. */
static void verdict_reason(const struct val_report *r, char *buf, size_t len)
{
	char e[64], rc[16];
	int b = first_broken(r), n = first_no_ds(r);
	const char *why = r->why[0] ? r->why : b >= 0 ? r->links[b].why : "";

	buf[0] = '\0';
	switch (r->verdict) {
	case VAL_SECURE:
		if (r->negative)
			snprintf(buf, len, "%s, proven by %s", r->rcode == 3 ? "NXDOMAIN" : "NODATA",
				r->denial[0] ? r->denial : "a signed denial");
		break;
	case VAL_INSECURE:
		if (r->why[0])
			snprintf(buf, len, "%s", r->why);
		else if (n > 0)
			snprintf(buf, len, "%s has no DS in its parent: the chain of trust ends there",
				r->links[n].zone);
		break;
	case VAL_BOGUS:
		snprintf(buf, len, "%s%s%s", ede_label(r->ede, e), why[0] ? ": " : "", why);
		break;
	case VAL_UNCHECKED:
		if (r->rcode != 0)
			snprintf(buf, len, "%s, not validated", rcode_name(r->rcode, rc));
		break;
	}
}

static void verdict_line(FILE *out, const struct val_report *r, bool color)
{
	char t[16], why[VALR_WHY * 2 + 80];

	fputs(term_sgr(color, TERM_BOLD), out);
	cv_printf(out, "%s %s", r->qname, qtype_name(r, t));
	fprintf(out, "%s: ", term_reset(color));
	put_state(out, r->verdict, color);
	verdict_reason(r, why, sizeof why);
	if (why[0]) {
		fputs(" (", out);
		cv_puts(out, why);
		fputc(')', out);
	}
	fputc('\n', out);
}

/* ---- chainview_validate ---- */

static void label(FILE *out, const char *l)
{
	fprintf(out, "  %-9s ", l);
}

/* "verified, valid A .. B (expires in X)" and its alarming variants. */
static void sig_detail(FILE *out, const struct valr_sig *s, double now, bool color)
{
	char a[32], b[32], d[32];
	int64_t delta;
	enum sig_when w = sig_window(s, now, &delta);
	int64_t inc = sig_abs(s->inception, now), exp = sig_abs(s->expiration, now);

	if (s->verified)
		fputs("verified, ", out);
	else
		fprintf(out, "%sNOT VERIFIED%s, ", term_sgr(color, TERM_RED), term_reset(color));
	fmt_time(inc, a);
	fmt_time(exp, b);
	switch (w) {
	case SIG_VALID:
		fprintf(out, "valid %s .. %s (expires in %s)", a, b, fmt_dur(delta, d));
		break;
	case SIG_EXPIRED:
		fprintf(out, "%sEXPIRED %s ago%s (%s .. %s)", term_sgr(color, TERM_RED), fmt_dur(delta, d),
			term_reset(color), a, b);
		break;
	case SIG_EARLY:
		fprintf(out, "%sNOT YET VALID, starts in %s%s (%s .. %s)", term_sgr(color, TERM_RED),
			fmt_dur(delta, d), term_reset(color), a, b);
		break;
	}
}

/* One RRSIG line; with_owner for the answer, where the owner is news. */
static void sig_line(FILE *out, const struct valr_sig *s, double now, bool with_owner, bool color)
{
	char t[16];

	label(out, "RRSIG");
	if (with_owner)
		cv_printf(out, "%s ", s->owner);
	cv_printf(out, "%s by %s key %u: ", type_name(s->type_covered, t), s->signer, s->tag);
	sig_detail(out, s, now, color);
	fputc('\n', out);
}

static void broken_line(FILE *out, uint16_t ede, const char *why, bool color)
{
	char e[64];

	label(out, "");
	fprintf(out, "%s%s^ the chain breaks here: %s", term_sgr(color, TERM_BOLD), term_sgr(color, TERM_RED),
		ede_label(ede, e));
	if (why[0]) {
		fputs(": ", out);
		cv_puts(out, why);
	}
	fprintf(out, "%s\n", term_reset(color));
}

static void trust_lines(FILE *out, const struct val_report *r, size_t i, bool color)
{
	const struct valr_link *l = &r->links[i];
	const char *parent = i > 0 ? r->links[i - 1].zone : "the parent";
	char a[16], d[16];

	if (l->nta) {
		char until[32];
		label(out, "trust");
		fprintf(out, "%snegative trust anchor%s until %s (RFC 7646): not validated\n", term_sgr(color, TERM_YELLOW),
			term_reset(color), fmt_time((int64_t)l->nta_until, until));
	} else if (l->no_ds) {
		label(out, "trust");
		fprintf(out, "%sno DS%s: insecure delegation, ", term_sgr(color, TERM_YELLOW), term_reset(color));
		if (l->denial[0])
			cv_printf(out, "proven by %s in %s", l->denial, parent);
		else
			cv_printf(out, "the parent %s says so", parent);
		fputc('\n', out);
	} else if (nds(l) == 0) {
		label(out, "trust");
		if (l->anchor)
			fputs("trust anchor (configured DNSKEYs)", out);
		else
			cv_printf(out, "no DS in %s", parent);
		fputc('\n', out);
	}
	for (size_t j = 0; j < nds(l); j++) {
		const struct valr_ds *ds = &l->ds[j];
		label(out, "DS");
		fprintf(out, "%u %s %s", ds->tag, alg_name(ds->alg, a), digest_name(ds->digest_type, d));
		if (l->anchor)
			fputs(", the trust anchor", out);
		else
			cv_printf(out, " in %s", parent);
		if (ds->matched) {
			int k = ds_key(l, ds);
			if (k >= 0)
				fprintf(out, ": matches DNSKEY %u\n", l->keys[k].tag);
			else
				fputs(": matches a DNSKEY\n", out);
		} else if (any_ds_matched(l)) {
			fputs(": no DNSKEY has this digest (unused)\n", out);
		} else {
			fprintf(out, ": %sno DNSKEY has this digest%s\n", term_sgr(color, TERM_RED), term_reset(color));
		}
	}
	if (l->has_ds_sig && !l->anchor)
		sig_line(out, &l->ds_sig, r->now, false, color);
}

static void key_lines(FILE *out, const struct val_report *r, const struct valr_link *l, bool color)
{
	char a[16];

	if (nkeys(l) == 0 && l->state != VAL_UNCHECKED) {
		label(out, "DNSKEY");
		if (l->no_ds && !l->nta)
			fputs("not checked: with no DS in the parent, no key of this zone can be trusted\n", out);
		else if (l->state == VAL_INSECURE)
			fputs("not checked: the chain of trust ends here\n", out);
		else
			fprintf(out, "%snone%s\n", term_sgr(color, TERM_RED), term_reset(color));
	}
	for (size_t k = 0; k < nkeys(l); k++) {
		const struct valr_key *key = &l->keys[k];
		const char *sep = ": ";
		label(out, "DNSKEY");
		fprintf(out, "%u %s %s", key->tag, alg_name(key->alg, a), key_role(key->flags));
		if (key->flags & DNSKEY_REVOKE)
			fputs(" REVOKED", out);
		if (key->matches_ds) {
			fprintf(out, "%s%s", sep, l->anchor ? "matches the trust anchor" : "matches DS");
			sep = ", ";
		}
		if (key->signed_keys)
			fprintf(out, "%ssigns the key set", sep);
		fputc('\n', out);
	}
	if (l->has_key_sig)
		sig_line(out, &l->key_sig, r->now, false, color);
	else if (nkeys(l) > 0 && l->state == VAL_BOGUS) {
		bool any = false;
		for (size_t k = 0; k < nkeys(l); k++)
			any = any || l->keys[k].matches_ds;
		label(out, "RRSIG");
		if (!any) /* nothing to check it with */
			fputs("over the DNSKEY set: not checked, since no DNSKEY matches the DS\n", out);
		else
			fprintf(out, "%snone over the DNSKEY set%s\n", term_sgr(color, TERM_RED), term_reset(color));
	}
}

static void link_text(FILE *out, const struct val_report *r, size_t i, int brk, bool color)
{
	const struct valr_link *l = &r->links[i];

	fprintf(out, "zone %s", term_sgr(color, TERM_BOLD));
	cv_puts(out, l->zone);
	fprintf(out, "%s: ", term_reset(color));
	if (brk >= 0 && (int)i > brk && l->state == VAL_UNCHECKED) {
		fprintf(out, "%snot checked: the chain broke above%s\n", term_sgr(color, TERM_DIM),
			term_reset(color));
		return;
	}
	put_state(out, l->state, color);
	fputc('\n', out);
	trust_lines(out, r, i, color);
	key_lines(out, r, l, color);
	if ((int)i == brk)
		broken_line(out, l->ede, l->why, color);
}

static void answer_text(FILE *out, const struct val_report *r, int brk, bool color)
{
	char t[16], rc[16];

	fputs("answer ", out);
	fputs(term_sgr(color, TERM_BOLD), out);
	cv_printf(out, "%s %s", r->qname, qtype_name(r, t));
	fprintf(out, "%s: ", term_reset(color));
	if (r->negative && r->denial[0]) {
		cv_printf(out, "%s, denial by %s", r->rcode == 3 ? "NXDOMAIN" : "NODATA", r->denial);
		fputc('\n', out);
	} else if (r->negative)
		fprintf(out, "%s, no denial records\n", r->rcode == 3 ? "NXDOMAIN" : "NODATA");
	else
		fprintf(out, "%s\n", rcode_name(r->rcode, rc));
	for (size_t n = 0; n < nsigs(r); n++)
		sig_line(out, &r->sigs[n], r->now, true, color);
	if (nsigs(r) == 0 && r->verdict != VAL_UNCHECKED) {
		label(out, "RRSIG");
		if (brk >= 0 || (r->verdict == VAL_INSECURE && r->nlinks && r->links[r->nlinks - 1].state == VAL_INSECURE))
			fputs("not checked: the chain of trust ended above\n", out);
		else if (r->verdict == VAL_BOGUS)
			fprintf(out, "%snone%s\n", term_sgr(color, TERM_RED), term_reset(color));
		else
			fputs("none\n", out);
	}
	if (r->verdict == VAL_BOGUS && brk < 0)
		broken_line(out, r->ede, r->why, color);
}

void chainview_validate(FILE *out, const struct val_report *r, bool color)
{
	int brk = first_broken(r);
	char at[32];

	verdict_line(out, r, color);
	for (size_t i = 0; i < nlinks(r); i++)
		link_text(out, r, i, brk, color);
	answer_text(out, r, brk, color);
	fprintf(out, "%schecked at %s on the lab clock, %u signature check%s%s\n", term_sgr(color, TERM_DIM),
		fmt_time(clock_secs(r->now), at), r->validations, r->validations == 1 ? "" : "s",
		term_reset(color));
}

/* ---- chainview_tree ---- */

/* One zone's part of the tree is built first and printed after, because a
 * node's connector (├─ or └─) depends on whether a sibling follows it.
 * TREE_MAX has room for the worst a report can hold, every DS naming every
 * key; past it nodes are left out, never written out of bounds. */
#define TREE_MAX 160
#define TREE_TEXT (VALR_WHY * 2 + 128)
#define NO_STATE (-1)
#define TREE_FULL (-2) /* what tree_add returns when there was no room */

struct tnode {
	int parent;     /* index, or -1 for the zone line */
	int state;      /* enum val_security, or NO_STATE */
	bool alarm;     /* the break: the whole line in red */
	char text[TREE_TEXT];
};

struct tree {
	const struct val_report *r;
	const struct valr_link *l; /* the zone being drawn */
	size_t i;                  /* its index */
	bool key_shown[VALR_MAX_KEYS];
	struct tnode n[TREE_MAX];
	int count;
};

static int tree_add(struct tree *t, int parent, int state, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int tree_add(struct tree *t, int parent, int state, const char *fmt, ...)
{
	va_list ap;
	struct tnode *n;

	if (t->count >= TREE_MAX || parent == TREE_FULL)
		return TREE_FULL; /* the node and everything under it are left out */
	n = &t->n[t->count];
	n->parent = parent;
	n->state = state;
	n->alarm = false;
	va_start(ap, fmt);
	vsnprintf(n->text, sizeof n->text, fmt, ap);
	va_end(ap);
	return t->count++;
}

static void tree_print_node(FILE *out, const struct tree *t, int idx, char *prefix, size_t plen, bool color)
{
	const struct tnode *n = &t->n[idx];
	bool last = true;

	for (int j = idx + 1; j < t->count; j++)
		if (t->n[j].parent == n->parent)
			last = false;
	if (n->parent >= 0)
		fprintf(out, "%s%s", prefix, last ? "└─ " : "├─ ");
	if (n->alarm)
		fprintf(out, "%s%s", term_sgr(color, TERM_BOLD), term_sgr(color, TERM_RED));
	cv_puts(out, n->text);
	if (n->alarm)
		fputs(term_reset(color), out);
	if (n->state != NO_STATE) {
		fputs(" [", out);
		put_state(out, (enum val_security)n->state, color);
		fputc(']', out);
	}
	fputc('\n', out);

	/* The zone line's children start at the margin. */
	size_t add = n->parent < 0 ? 0 : strlen(last ? "   " : "│  ");
	if (plen + add + 1 > 256)
		return;
	if (n->parent >= 0)
		memcpy(prefix + plen, last ? "   " : "│  ", add + 1);
	for (int j = idx + 1; j < t->count; j++)
		if (t->n[j].parent == idx)
			tree_print_node(out, t, j, prefix, plen + add, color);
	prefix[plen] = '\0';
}

static void tree_print(FILE *out, const struct tree *t, bool color)
{
	char prefix[256] = "";

	for (int i = 0; i < t->count; i++)
		if (t->n[i].parent < 0)
			tree_print_node(out, t, i, prefix, 0, color);
}

/* What key k signs below its own key set: the child's DS (or the proof that
 * there is none) and records of the answer. */
static void tree_signs(struct tree *t, int parent, const struct valr_key *k, bool *sig_shown)
{
	const struct val_report *r = t->r;
	const struct valr_link *l = t->l;
	char w[64], ty[16];

	if (t->i + 1 < nlinks(r)) {
		const struct valr_link *c = &r->links[t->i + 1];
		if (c->has_ds_sig && sig_by(&c->ds_sig, l, k)) {
			if (c->no_ds)
				tree_add(t, parent, sig_state(l, &c->ds_sig), "signs the %s proof that %s has no DS, %s",
					type_name(c->ds_sig.type_covered, ty), c->zone, window_short(&c->ds_sig, r->now, w));
			else
				tree_add(t, parent, sig_state(l, &c->ds_sig), "signs the DS of %s, %s", c->zone,
					window_short(&c->ds_sig, r->now, w));
		}
	}
	for (size_t s = 0; s < nsigs(r); s++) {
		const struct valr_sig *sg = &r->sigs[s];
		if (!sig_by(sg, l, k))
			continue;
		sig_shown[s] = true;
		tree_add(t, parent, sig_state(l, sg), "signs %s %s, %s%s", sg->owner,
			type_name(sg->type_covered, ty), window_short(sg, r->now, w),
			sg->verified ? "" : ", NOT VERIFIED");
	}
}

static void tree_key(struct tree *t, int parent, size_t k, bool *sig_shown)
{
	const struct valr_link *l = t->l;
	const struct valr_key *key = &l->keys[k];
	char a[16], w[64];
	int kn = tree_add(t, parent, earned(l, key_trusted(l, key)), "DNSKEY %u %s %s%s%s", key->tag,
		key_role(key->flags), alg_name(key->alg, a), key->flags & DNSKEY_REVOKE ? " REVOKED" : "",
		t->key_shown[k] ? " (see above)" : "");

	if (t->key_shown[k])
		return;
	t->key_shown[k] = true;
	if (l->has_key_sig && sig_by(&l->key_sig, l, key)) {
		int sn = tree_add(t, kn, sig_state(l, &l->key_sig), "signs the DNSKEY set, %s%s",
			window_short(&l->key_sig, t->r->now, w), l->key_sig.verified ? "" : ", NOT VERIFIED");
		for (size_t m = 0; m < nkeys(l); m++)
			if (!t->key_shown[m])
				tree_key(t, sn, m, sig_shown);
	}
	tree_signs(t, kn, key, sig_shown);
}

/* Draws zone i; returns false when the chain stops there. */
static bool tree_zone(FILE *out, const struct val_report *r, size_t i, bool *sig_shown, bool color)
{
	struct tree *t = calloc(1, sizeof *t); /* ~115 KiB: too much for a stack frame */
	const struct valr_link *l = &r->links[i];
	const char *parent = i > 0 ? r->links[i - 1].zone : "the parent";
	char a[16], d[16], e[64], w[64];
	bool go_on = true;
	int root;

	if (!t) {
		fputs("(out of memory drawing the tree)\n", out);
		return false;
	}
	t->r = r;
	t->l = l;
	t->i = i;
	root = tree_add(t, -1, l->state, "zone %s", l->zone);
	if (l->nta) {
		char until[32];
		tree_add(t, root, VAL_INSECURE, "negative trust anchor until %s (RFC 7646): not validated",
			 fmt_time((int64_t)l->nta_until, until));
		tree_add(t, root, NO_STATE, "the chain of trust ends here: nothing below is validated");
		go_on = false;
	} else if (l->no_ds) {
		int nn = tree_add(t, root, VAL_INSECURE, "no DS in %s: insecure delegation%s%s", parent,
			l->denial[0] ? ", proven by " : "", l->denial);
		/* The parent's key that signed the proof showed it above, unless there is none. */
		if (l->has_ds_sig && (i == 0 || find_key(&r->links[i - 1], &l->ds_sig) < 0))
			tree_add(t, nn, VAL_BOGUS, "proof signed by %s key %u, which is not in the chain, %s",
				l->ds_sig.signer, l->ds_sig.tag, window_short(&l->ds_sig, r->now, w));
		tree_add(t, root, NO_STATE, "the chain of trust ends here: nothing below is validated");
		go_on = false;
	}
	for (size_t j = 0; go_on && j < nds(l); j++) {
		const struct valr_ds *ds = &l->ds[j];
		char sig[VALR_NAME + 96] = "";
		if (l->has_ds_sig && !l->anchor)
			snprintf(sig, sizeof sig, ", signed by %s key %u, %s", l->ds_sig.signer, l->ds_sig.tag,
				window_short(&l->ds_sig, r->now, w));
		int dn = tree_add(t, root, ds_state(l, ds), "%sDS %u %s %s%s%s", l->anchor ? "trust anchor " : "",
			ds->tag, alg_name(ds->alg, a), digest_name(ds->digest_type, d), sig,
			ds->matched ? "" : ": no DNSKEY has this digest");
		for (size_t k = 0; k < nkeys(l); k++)
			if (ds_names(ds, &l->keys[k]))
				tree_key(t, dn, k, sig_shown);
	}
	if (go_on && l->anchor && nds(l) == 0) {
		int an = tree_add(t, root, l->state, "trust anchor (configured DNSKEYs)");
		for (size_t k = 0; k < nkeys(l); k++)
			if (l->keys[k].matches_ds)
				tree_key(t, an, k, sig_shown);
	}
	for (size_t k = 0; go_on && k < nkeys(l); k++)
		if (!t->key_shown[k]) {
			int kn = t->count;
			tree_key(t, root, k, sig_shown);
			if (kn < t->count)
				strncat(t->n[kn].text, " (not reached from a DS)",
					sizeof t->n[kn].text - strlen(t->n[kn].text) - 1);
		}
	if (go_on && l->state == VAL_BOGUS) {
		int bn = tree_add(t, root, NO_STATE, "✗ the chain breaks here: %s%s%s", ede_label(l->ede, e),
			l->why[0] ? ": " : "", l->why);
		if (bn >= 0)
			t->n[bn].alarm = true;
		go_on = false;
	}
	tree_print(out, t, color);
	free(t);
	return go_on;
}

static void tree_answer(FILE *out, const struct val_report *r, const bool *sig_shown, bool color)
{
	struct tree *t = calloc(1, sizeof *t);
	char ty[16], e[64], w[64];
	int root;

	if (!t) {
		fputs("(out of memory drawing the tree)\n", out);
		return;
	}
	t->r = r;
	root = tree_add(t, -1, r->verdict, "%s %s (the answer%s%s%s)", r->qname, type_name(r->qtype, ty),
		r->negative ? (r->rcode == 3 ? ": NXDOMAIN" : ": NODATA") : "",
		r->negative && r->denial[0] ? ", denial by " : "", r->negative ? r->denial : "");
	/* Signatures no key of the chain accounts for. */
	for (size_t s = 0; s < nsigs(r); s++)
		if (!sig_shown[s])
			tree_add(t, root, r->sigs[s].verified ? r->verdict : VAL_BOGUS,
				"RRSIG %s %s by %s key %u (no such key in the chain), %s", r->sigs[s].owner,
				type_name(r->sigs[s].type_covered, ty), r->sigs[s].signer, r->sigs[s].tag,
				window_short(&r->sigs[s], r->now, w));
	if (nsigs(r) == 0 && r->verdict == VAL_BOGUS)
		tree_add(t, root, VAL_BOGUS, "no RRSIG over the answer");
	if (r->verdict == VAL_BOGUS) {
		int bn = tree_add(t, root, NO_STATE, "✗ the chain breaks here: %s%s%s", ede_label(r->ede, e),
			r->why[0] ? ": " : "", r->why);
		if (bn >= 0)
			t->n[bn].alarm = true;
	} else if (r->verdict == VAL_INSECURE && r->why[0]) {
		tree_add(t, root, NO_STATE, "%s", r->why);
	}
	tree_print(out, t, color);
	free(t);
}

void chainview_tree(FILE *out, const struct val_report *r, bool color)
{
	bool sig_shown[VALR_MAX_SIGS] = { false };
	bool go_on = true;

	verdict_line(out, r, color);
	for (size_t i = 0; go_on && i < nlinks(r); i++)
		go_on = tree_zone(out, r, i, sig_shown, color);
	if (go_on)
		tree_answer(out, r, sig_shown, color);
}

/* ---- chainview_dot ---- */

static const char *dot_color(enum val_security s)
{
	switch (s) {
	case VAL_SECURE: return "darkgreen";
	case VAL_INSECURE: return "orange";
	case VAL_BOGUS: return "red";
	case VAL_UNCHECKED: return "gray50";
	}
	return "gray50";
}

/* The inside of a DOT quoted string: quote and backslash escaped, a newline
 * becomes a centred line break, and anything not printable ASCII appears as
 * \DDD so dot never sees bytes it would reject as UTF-8. */
static void dot_esc(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\\\%03u", *p);
		else
			fputc(*p, out);
	}
}

static void dot_label(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void dot_label(FILE *out, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fputs("label=\"", out);
	dot_esc(out, buf);
	fputc('"', out);
}

/* An edge; label (may be NULL) says what went wrong on it. */
static void dot_edge(FILE *out, const char *from, const char *to, enum val_security s, bool missing,
	const char *label)
{
	fprintf(out, "\t\"%s\" -> \"%s\" [color=\"%s\"%s", from, to, dot_color(s), missing ? ", style=dashed" : "");
	if (label) {
		fprintf(out, ", fontcolor=\"%s\", ", dot_color(s));
		dot_label(out, "%s", label);
	}
	fputs("];\n", out);
}

/* Why signature s by zone l failed, for its edge, or NULL.  A report does not
 * say whether an unverified signature was tried, so "does not verify" is
 * claimed only when its key was trusted: below a break, nothing is. */
static const char *sig_trouble(const struct valr_link *l, const struct valr_sig *s, double now, char buf[64])
{
	int64_t d;
	char dur[32];
	int k;

	if (s->verified)
		return NULL;
	switch (sig_window(s, now, &d)) {
	case SIG_EXPIRED:
		snprintf(buf, 64, "expired %s ago", fmt_dur(d, dur));
		return buf;
	case SIG_EARLY:
		snprintf(buf, 64, "not valid for %s", fmt_dur(d, dur));
		return buf;
	case SIG_VALID:
		break;
	}
	k = find_key(l, s);
	if (k < 0 || !key_trusted(l, &l->keys[k]))
		return NULL;
	snprintf(buf, 64, "does not verify");
	return buf;
}

/* A key a signature names but the zone did not have. */
static void dot_missing_key(FILE *out, const char *id, uint16_t tag)
{
	fprintf(out, "\t\t\"%s\" [shape=ellipse, style=dashed, color=red, fontcolor=red, ", id);
	dot_label(out, "DNSKEY %u\nmissing", tag);
	fputs("];\n", out);
}

/* The zone whose cluster holds the answer: the signer of the first RRSIG
 * over it, else the deepest zone. */
static int answer_zone(const struct val_report *r)
{
	int z = nsigs(r) ? find_signer(r, &r->sigs[0]) : -1;

	return z >= 0 ? z : (int)nlinks(r) - 1;
}

/* The first RRSIG with the same owner and type as sigs[s]: one node per RRset. */
static size_t rrset_of(const struct val_report *r, size_t s)
{
	for (size_t o = 0; o < s; o++)
		if (r->sigs[o].type_covered == r->sigs[s].type_covered && name_eq(r->sigs[o].owner, r->sigs[s].owner))
			return o;
	return s;
}

static bool is_denial_type(uint16_t t)
{
	return t == LDNS_RR_TYPE_NSEC || t == LDNS_RR_TYPE_NSEC3;
}

/* Does an RRSIG cover the question itself (positive answers only)? */
static bool answer_signed(const struct val_report *r)
{
	for (size_t s = 0; s < nsigs(r); s++)
		if (r->sigs[s].type_covered == r->qtype && name_eq(r->sigs[s].owner, r->qname))
			return true;
	return false;
}

static void dot_answer_nodes(FILE *out, const struct val_report *r)
{
	char ty[16];

	for (size_t s = 0; s < nsigs(r); s++) {
		const struct valr_sig *sg = &r->sigs[s];
		if (rrset_of(r, s) != s)
			continue;
		enum val_security st = sg->verified ? r->verdict : VAL_BOGUS;
		bool denial = is_denial_type(sg->type_covered);
		fprintf(out, "\t\t\"rr%zu\" [shape=box%s, color=\"%s\", ", s, denial ? ", style=rounded" : "",
			dot_color(st));
		dot_label(out, "%s/%s", sg->owner, type_name(sg->type_covered, ty));
		fputs("];\n", out);
	}
	if (r->negative || !answer_signed(r)) {
		fprintf(out, "\t\t\"q\" [shape=box, penwidth=2, color=\"%s\", ", dot_color(r->verdict));
		if (r->negative)
			dot_label(out, "%s/%s\n%s", r->qname, type_name(r->qtype, ty), r->rcode == 3 ? "NXDOMAIN" : "NODATA");
		else
			dot_label(out, "%s/%s", r->qname, type_name(r->qtype, ty));
		fputs("];\n", out);
	}
}

static void dot_cluster(FILE *out, const struct val_report *r, size_t i, int az)
{
	const struct valr_link *l = &r->links[i];
	char a[16], d[16];

	fprintf(out, "\tsubgraph \"cluster_%zu\" {\n\t\tgraph [style=rounded, color=\"%s\", ", i, dot_color(l->state));
	dot_label(out, "%s", l->zone);
	fputs("];\n", out);
	for (size_t j = 0; j < nds(l); j++) {
		const struct valr_ds *ds = &l->ds[j];
		fprintf(out, "\t\t\"z%zu_ds%zu\" [shape=ellipse, color=\"%s\", ", i, j, dot_color(ds_state(l, ds)));
		dot_label(out, "%sDS %u\n%s / %s", l->anchor ? "trust anchor\n" : "", ds->tag, alg_name(ds->alg, a),
			digest_name(ds->digest_type, d));
		fputs("];\n", out);
		if (!any_ds_matched(l))
			fprintf(out, "\t\t\"z%zu_dsmiss%zu\" [shape=ellipse, style=dashed, color=red, fontcolor=red, "
				"label=\"DNSKEY %u\\nmissing\"];\n", i, j, ds->tag);
	}
	if (l->no_ds) {
		fprintf(out, "\t\t\"z%zu_nods\" [shape=box, style=\"rounded,dashed\", color=orange, ", i);
		dot_label(out, "no DS\n%s%s", l->denial[0] ? "proven by " : "", l->denial);
		fputs("];\n", out);
	}
	for (size_t k = 0; k < nkeys(l); k++) {
		const struct valr_key *key = &l->keys[k];
		fprintf(out, "\t\t\"z%zu_k%zu\" [shape=ellipse, %scolor=\"%s\", ", i, k,
			(key->flags & DNSKEY_SEP) ? "peripheries=2, " : "", dot_color(earned(l, key_trusted(l, key))));
		dot_label(out, "DNSKEY %u\n%s\n%s", key->tag, alg_name(key->alg, a), key_role(key->flags));
		fputs("];\n", out);
	}
	/* Signers a signature names that the zone did not show. */
	char id[48];
	if (l->has_key_sig && find_key(l, &l->key_sig) < 0) {
		snprintf(id, sizeof id, "z%zu_ksmiss", i);
		dot_missing_key(out, id, l->key_sig.tag);
	}
	if (i + 1 < nlinks(r) && r->links[i + 1].has_ds_sig && find_key(l, &r->links[i + 1].ds_sig) < 0 &&
	    name_eq(r->links[i + 1].ds_sig.signer, l->zone)) {
		snprintf(id, sizeof id, "z%zu_dsigmiss", i);
		dot_missing_key(out, id, r->links[i + 1].ds_sig.tag);
	}
	for (size_t s = 0; s < nsigs(r); s++)
		if (name_eq(r->sigs[s].signer, l->zone) && find_key(l, &r->sigs[s]) < 0) {
			snprintf(id, sizeof id, "z%zu_smiss%zu", i, s);
			dot_missing_key(out, id, r->sigs[s].tag);
		}
	if ((int)i == az)
		dot_answer_nodes(out, r);
	fputs("\t}\n", out);
}

/* The node that made signature s in zone i: its key, or the missing one. */
static void signer_id(char *buf, size_t len, const struct valr_link *l, size_t i, const struct valr_sig *s,
	const char *miss)
{
	int k = find_key(l, s);

	if (k >= 0)
		snprintf(buf, len, "z%zu_k%d", i, k);
	else
		snprintf(buf, len, "z%zu_%s", i, miss);
}

static void dot_edges(FILE *out, const struct val_report *r, size_t i)
{
	const struct valr_link *l = &r->links[i];
	char from[48], to[48], why[64];

	/* DS -> DNSKEY: the digest matches. */
	for (size_t j = 0; j < nds(l); j++) {
		snprintf(from, sizeof from, "z%zu_ds%zu", i, j);
		for (size_t k = 0; k < nkeys(l); k++)
			if (ds_names(&l->ds[j], &l->keys[k])) {
				snprintf(to, sizeof to, "z%zu_k%zu", i, k);
				dot_edge(out, from, to, earned(l, ds_ok(l, &l->ds[j])), false, NULL);
			}
		if (!any_ds_matched(l)) {
			snprintf(to, sizeof to, "z%zu_dsmiss%zu", i, j);
			dot_edge(out, from, to, VAL_BOGUS, true, NULL);
		}
	}
	/* DNSKEY -> DNSKEY: the RRSIG over the key set, self-loop included. */
	if (l->has_key_sig) {
		bool missing = find_key(l, &l->key_sig) < 0;
		signer_id(from, sizeof from, l, i, &l->key_sig, "ksmiss");
		for (size_t k = 0; k < nkeys(l); k++) {
			snprintf(to, sizeof to, "z%zu_k%zu", i, k);
			/* One label for the RRSIG, not one per key it covers. */
			dot_edge(out, from, to, sig_state(l, &l->key_sig), missing,
				k == 0 ? sig_trouble(l, &l->key_sig, r->now, why) : NULL);
		}
	}
	/* parent DNSKEY -> DS (or the proof there is none). */
	if (i > 0 && l->has_ds_sig && name_eq(l->ds_sig.signer, r->links[i - 1].zone)) {
		const struct valr_link *p = &r->links[i - 1];
		bool missing = find_key(p, &l->ds_sig) < 0;
		enum val_security st = l->no_ds ? (l->ds_sig.verified ? VAL_INSECURE : VAL_BOGUS)
			: sig_state(p, &l->ds_sig);
		signer_id(from, sizeof from, p, i - 1, &l->ds_sig, "dsigmiss");
		if (l->no_ds) {
			snprintf(to, sizeof to, "z%zu_nods", i);
			dot_edge(out, from, to, st, missing, sig_trouble(p, &l->ds_sig, r->now, why));
		}
		for (size_t j = 0; j < nds(l); j++) {
			snprintf(to, sizeof to, "z%zu_ds%zu", i, j);
			dot_edge(out, from, to, st, missing, j == 0 ? sig_trouble(p, &l->ds_sig, r->now, why) : NULL);
		}
	}
}

static void dot_answer_edges(FILE *out, const struct val_report *r, int az)
{
	char from[48], to[48], why[64];

	for (size_t s = 0; s < nsigs(r); s++) {
		const struct valr_sig *sg = &r->sigs[s];
		int z = find_signer(r, sg);
		snprintf(to, sizeof to, "rr%zu", rrset_of(r, s));
		if (z < 0)
			continue; /* a signer outside the chain: the node stands alone */
		signer_id(from, sizeof from, &r->links[z], (size_t)z, sg, "");
		if (find_key(&r->links[z], sg) < 0)
			snprintf(from, sizeof from, "z%d_smiss%zu", z, s);
		dot_edge(out, from, to, sig_state(&r->links[z], sg), find_key(&r->links[z], sg) < 0,
			sig_trouble(&r->links[z], sg, r->now, why));
	}
	/* A denial proves the question's answer away. */
	if (r->negative)
		for (size_t s = 0; s < nsigs(r); s++)
			if (rrset_of(r, s) == s && is_denial_type(r->sigs[s].type_covered)) {
				snprintf(from, sizeof from, "rr%zu", s);
				dot_edge(out, from, "q", r->sigs[s].verified ? r->verdict : VAL_BOGUS, false, NULL);
			}
	/* No signature where one was needed: the missing edge. */
	if (nsigs(r) == 0 && r->verdict == VAL_BOGUS && az >= 0 && nkeys(&r->links[az]) > 0) {
		size_t k = 0;
		for (size_t m = 0; m < nkeys(&r->links[az]); m++)
			if (!(r->links[az].keys[m].flags & DNSKEY_SEP)) {
				k = m;
				break;
			}
		snprintf(from, sizeof from, "z%d_k%zu", az, k);
		dot_edge(out, from, "q", VAL_BOGUS, true, "no RRSIG");
	}
}

/* Break s into lines of about width characters at spaces, for a label. */
static void wrap(char *s, size_t width)
{
	size_t col = 0;
	char *space = NULL;

	for (char *p = s; *p; p++, col++) {
		if (*p == ' ')
			space = p;
		if (col >= width && space) {
			*space = '\n';
			col = (size_t)(p - space);
			space = NULL;
		}
	}
}

void chainview_dot(FILE *out, const struct val_report *r)
{
	char t[16], why[VALR_WHY * 2 + 80];
	int az = answer_zone(r);

	fputs("digraph \"dnssec\" {\n\tgraph [labelloc=t, fontname=\"Helvetica\", fontsize=12, ", out);
	verdict_reason(r, why, sizeof why);
	wrap(why, 60);
	dot_label(out, "%s %s: %s%s%s", r->qname, type_name(r->qtype, t), val_security_name(r->verdict),
		why[0] ? "\n" : "", why);
	fputs("];\n\tnode [fontname=\"Helvetica\", fontsize=10];\n"
		"\tedge [fontname=\"Helvetica\", fontsize=9, penwidth=1.5];\n", out);
	for (size_t i = 0; i < nlinks(r); i++)
		dot_cluster(out, r, i, az);
	if (az < 0)
		dot_answer_nodes(out, r); /* no zones at all: the answer alone */
	for (size_t i = 0; i < nlinks(r); i++)
		dot_edges(out, r, i);
	dot_answer_edges(out, r, az);
	fputs("}\n", out);
}

/* ---- chainview_json ---- */

static void json_sig(struct json *j, const struct valr_sig *s, double now)
{
	char t[16], a[16];
	int64_t d;
	static const char *const when[] = { "valid", "expired", "not yet valid" };

	json_obj_begin(j);
	json_key(j, "owner");
	json_str(j, s->owner);
	json_key(j, "type_covered");
	json_str(j, type_name(s->type_covered, t));
	json_key(j, "tag");
	json_uint(j, s->tag);
	json_key(j, "alg");
	json_uint(j, s->alg);
	json_key(j, "alg_name");
	json_str(j, alg_name(s->alg, a));
	json_key(j, "signer");
	json_str(j, s->signer);
	json_key(j, "inception");
	json_uint(j, s->inception);
	json_key(j, "expiration");
	json_uint(j, s->expiration);
	json_key(j, "window");
	json_str(j, when[sig_window(s, now, &d)]);
	json_key(j, "verified");
	json_bool(j, s->verified);
	json_obj_end(j);
}

static void json_opt_sig(struct json *j, const char *key, bool has, const struct valr_sig *s, double now)
{
	json_key(j, key);
	if (has)
		json_sig(j, s, now);
	else
		json_null(j);
}

/* ede and ede_name: the code and its registered name, or null twice. */
static void json_ede(struct json *j, bool broken, uint16_t ede)
{
	json_key(j, "ede");
	if (broken)
		json_uint(j, ede);
	else
		json_null(j);
	json_key(j, "ede_name");
	json_str(j, broken ? pktprint_ede_name(ede) : NULL);
}

static void json_link(struct json *j, const struct valr_link *l, double now)
{
	char a[16], d[16];

	json_obj_begin(j);
	json_key(j, "zone");
	json_str(j, l->zone);
	json_key(j, "state");
	json_str(j, val_security_name(l->state));
	json_key(j, "anchor");
	json_bool(j, l->anchor);
	json_key(j, "no_ds");
	json_bool(j, l->no_ds);
	json_key(j, "nta_until"); /* a negative trust anchor's end, epoch seconds; null without one */
	if (l->nta)
		json_int(j, (long long)l->nta_until);
	else
		json_str(j, NULL);
	json_key(j, "denial");
	json_str(j, l->no_ds && l->denial[0] ? l->denial : NULL);
	json_key(j, "ds");
	json_arr_begin(j);
	for (size_t i = 0; i < nds(l); i++) {
		const struct valr_ds *ds = &l->ds[i];
		json_obj_begin(j);
		json_key(j, "tag");
		json_uint(j, ds->tag);
		json_key(j, "alg");
		json_uint(j, ds->alg);
		json_key(j, "alg_name");
		json_str(j, alg_name(ds->alg, a));
		json_key(j, "digest_type");
		json_uint(j, ds->digest_type);
		json_key(j, "digest_name");
		json_str(j, digest_name(ds->digest_type, d));
		json_key(j, "matched");
		json_bool(j, ds->matched);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "keys");
	json_arr_begin(j);
	for (size_t i = 0; i < nkeys(l); i++) {
		const struct valr_key *k = &l->keys[i];
		json_obj_begin(j);
		json_key(j, "tag");
		json_uint(j, k->tag);
		json_key(j, "alg");
		json_uint(j, k->alg);
		json_key(j, "alg_name");
		json_str(j, alg_name(k->alg, a));
		json_key(j, "flags");
		json_uint(j, k->flags);
		json_key(j, "role");
		json_str(j, (k->flags & DNSKEY_ZONE) ? key_role(k->flags) : NULL);
		json_key(j, "matches_ds");
		json_bool(j, k->matches_ds);
		json_key(j, "signed_keys");
		json_bool(j, k->signed_keys);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_opt_sig(j, "key_sig", l->has_key_sig, &l->key_sig, now);
	json_opt_sig(j, "ds_sig", l->has_ds_sig, &l->ds_sig, now);
	json_ede(j, l->state == VAL_BOGUS, l->ede);
	json_key(j, "why");
	json_str(j, l->why[0] ? l->why : NULL);
	json_obj_end(j);
}

int chainview_json(FILE *out, const struct val_report *r)
{
	struct json j;
	char t[16], rc[16];

	json_init(&j, out);
	json_obj_begin(&j);
	json_key(&j, "qname");
	json_str(&j, r->qname);
	json_key(&j, "qtype");
	json_str(&j, type_name(r->qtype, t));
	json_key(&j, "rcode");
	json_str(&j, rcode_name(r->rcode, rc));
	json_key(&j, "verdict");
	json_str(&j, val_security_name(r->verdict));
	json_ede(&j, r->verdict == VAL_BOGUS, r->ede);
	json_key(&j, "why");
	json_str(&j, r->why[0] ? r->why : NULL);
	json_key(&j, "now");
	json_int(&j, (long long)clock_secs(r->now));
	json_key(&j, "validations");
	json_uint(&j, r->validations);
	json_key(&j, "negative");
	json_bool(&j, r->negative);
	json_key(&j, "denial");
	json_str(&j, r->negative && r->denial[0] ? r->denial : NULL);
	json_key(&j, "chain");
	json_arr_begin(&j);
	for (size_t i = 0; i < nlinks(r); i++)
		json_link(&j, &r->links[i], r->now);
	json_arr_end(&j);
	json_key(&j, "sigs");
	json_arr_begin(&j);
	for (size_t s = 0; s < nsigs(r); s++)
		json_sig(&j, &r->sigs[s], r->now);
	json_arr_end(&j);
	json_obj_end(&j);
	return json_end(&j);
}
