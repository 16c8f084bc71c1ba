/* test_chainview.c: unit tests for the views of a DNSSEC validation report
 * (src/ui/chainview.c): the validate text, the chain tree, the Graphviz graph
 * and the JSON, over synthetic reports. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolver/valreport.h"
#include "ui/chainview.h"

/* ---- building reports ---- */

#define T0 1795597200u        /* 2026-11-25 09:00 UTC */
#define NOW (T0 + 3600.0)     /* an hour into every fresh window */
#define DAY 86400u
#define ALG 13                /* ECDSAP256SHA256 */
#define TYPE_A 1
#define TYPE_DS 43
#define TYPE_DNSKEY 48
#define TYPE_NSEC 47
#define TYPE_NSEC3 50

static void sig(struct valr_sig *s, const char *owner, uint16_t type, uint16_t tag, const char *signer,
	uint32_t inc, uint32_t exp, bool ok)
{
	memset(s, 0, sizeof *s);
	snprintf(s->owner, sizeof s->owner, "%s", owner);
	snprintf(s->signer, sizeof s->signer, "%s", signer);
	s->type_covered = type;
	s->tag = tag;
	s->alg = ALG;
	s->inception = inc;
	s->expiration = exp;
	s->verified = ok;
}

static struct valr_link *link_add(struct val_report *r, const char *zone, enum val_security st)
{
	struct valr_link *l = &r->links[r->nlinks++];

	snprintf(l->zone, sizeof l->zone, "%s", zone);
	l->state = st;
	return l;
}

static void ds_add(struct valr_link *l, uint16_t tag, bool matched)
{
	l->ds[l->nds++] = (struct valr_ds){ .tag = tag, .alg = ALG, .digest_type = 2, .matched = matched };
}

static void key_add(struct valr_link *l, uint16_t tag, uint16_t flags, bool matches_ds, bool signed_keys)
{
	l->keys[l->nkeys++] = (struct valr_key){ .tag = tag, .alg = ALG, .flags = flags,
		.matches_ds = matches_ds, .signed_keys = signed_keys };
}

/* A zone signed the usual way: a KSK the DS names signs the key set, a ZSK
 * signs the rest; the parent's ZSK (ptag) signed this zone's DS. */
static struct valr_link *zone_add(struct val_report *r, const char *zone, uint16_t ksk, const char *parent,
	uint16_t ptag)
{
	struct valr_link *l = link_add(r, zone, VAL_SECURE);

	ds_add(l, ksk, true);
	key_add(l, ksk, 257, true, true);
	key_add(l, (uint16_t)(ksk + 1), 256, false, false);
	sig(&l->key_sig, zone, TYPE_DNSKEY, ksk, zone, T0, T0 + 30 * DAY, true);
	l->has_key_sig = true;
	if (parent) {
		sig(&l->ds_sig, zone, TYPE_DS, ptag, parent, T0, T0 + 30 * DAY, true);
		l->has_ds_sig = true;
	} else {
		l->anchor = true;
	}
	return l;
}

static struct val_report *report_new(const char *qname, uint16_t qtype)
{
	struct val_report *r = calloc(1, sizeof *r);

	assert_non_null(r);
	snprintf(r->qname, sizeof r->qname, "%s", qname);
	r->qtype = qtype;
	r->now = NOW;
	r->verdict = VAL_SECURE;
	r->validations = 7;
	return r;
}

/* www.example.test. A, secure from the root down. */
static struct val_report *secure_report(void)
{
	struct val_report *r = report_new("www.example.test.", TYPE_A);

	zone_add(r, ".", 20326, NULL, 0);
	zone_add(r, "test.", 31000, ".", 20327);
	zone_add(r, "example.test.", 42000, "test.", 31001);
	sig(&r->sigs[r->nsigs++], "www.example.test.", TYPE_A, 42001, "example.test.", T0, T0 + 30 * DAY, true);
	return r;
}

/* www.island.test. A: test. proves with NSEC that island.test. has no DS. */
static struct val_report *insecure_report(void)
{
	struct val_report *r = report_new("www.island.test.", TYPE_A);
	struct valr_link *l;

	zone_add(r, ".", 20326, NULL, 0);
	zone_add(r, "test.", 31000, ".", 20327);
	l = link_add(r, "island.test.", VAL_INSECURE);
	l->no_ds = true;
	strcpy(l->denial, "NSEC");
	sig(&l->ds_sig, "island.test.", TYPE_NSEC, 31001, "test.", T0, T0 + 30 * DAY, true);
	l->has_ds_sig = true;
	r->verdict = VAL_INSECURE;
	return r;
}

/* The RRSIG over example.test.'s DNSKEY set expired 3d 2h before now. */
static struct val_report *expired_report(void)
{
	struct val_report *r = secure_report();
	struct valr_link *l = &r->links[2];
	uint32_t exp = (uint32_t)NOW - (3 * DAY + 2 * 3600);

	sig(&l->key_sig, "example.test.", TYPE_DNSKEY, 42000, "example.test.", exp - 30 * DAY, exp, false);
	l->keys[0].signed_keys = false;
	l->state = VAL_BOGUS;
	l->ede = 7;
	strcpy(l->why, "the RRSIG over the example.test. DNSKEY set expired");
	r->sigs[0].verified = false;
	r->verdict = VAL_BOGUS;
	r->ede = 7;
	r->rcode = 2;
	strcpy(r->why, "the RRSIG over the example.test. DNSKEY set expired");
	return r;
}

/* test. publishes a DS for example.test. that no key of the zone matches. */
static struct val_report *wrong_ds_report(void)
{
	struct val_report *r = secure_report();
	struct valr_link *l = &r->links[2];

	l->ds[0] = (struct valr_ds){ .tag = 42999, .alg = ALG, .digest_type = 2, .matched = false };
	l->keys[0].matches_ds = false;
	l->keys[0].signed_keys = false;
	l->key_sig.verified = false;
	l->state = VAL_BOGUS;
	l->ede = 9;
	strcpy(l->why, "no DNSKEY of example.test. matches the DS 42999 in test.");
	r->sigs[0].verified = false;
	r->verdict = VAL_BOGUS;
	r->ede = 9;
	r->rcode = 2;
	strcpy(r->why, l->why);
	return r;
}

/* A secure NXDOMAIN under a zone with a name that needs escaping. */
static struct val_report *odd_name_report(void)
{
	struct val_report *r = report_new("nx.we\\\"ird.test.", TYPE_A);

	zone_add(r, ".", 20326, NULL, 0);
	zone_add(r, "test.", 31000, ".", 20327);
	zone_add(r, "we\\\"ird.test.", 42000, "test.", 31001);
	r->negative = true;
	r->rcode = 3;
	strcpy(r->denial, "NSEC3");
	sig(&r->sigs[r->nsigs++], "ab12cd.we\\\"ird.test.", TYPE_NSEC3, 42001, "we\\\"ird.test.", T0,
		T0 + 30 * DAY, true);
	return r;
}

typedef void view_fn(FILE *out, const struct val_report *r, bool color);

static char *render(view_fn *fn, const struct val_report *r, bool color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, r, color);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void dot_view(FILE *out, const struct val_report *r, bool color)
{
	chainview_dot(out, r);
}

static void json_view(FILE *out, const struct val_report *r, bool color)
{
	assert_int_equal(chainview_json(out, r), 0);
}

static void assert_has(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		print_error("expected \"%s\" in:\n", needle);
		fputs(hay, stderr);
		fail();
	}
}

static void assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle)) {
		print_error("did not expect \"%s\" in:\n", needle);
		fputs(hay, stderr);
		fail();
	}
}

static void assert_first_line(const char *text, const char *want)
{
	size_t n = strcspn(text, "\n");

	if (strlen(want) != n || strncmp(text, want, n) != 0)
		fail_msg("first line is \"%.*s\", want \"%s\"", (int)n, text, want);
}

/* Braces and brackets balance outside quoted strings. */
static void assert_balanced(const char *s, char open, char close)
{
	int depth = 0;
	bool in_str = false;

	for (; *s; s++) {
		if (in_str) {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '"')
				in_str = false;
			continue;
		}
		if (*s == '"')
			in_str = true;
		else if (*s == open)
			depth++;
		else if (*s == close)
			assert_true(--depth >= 0);
	}
	assert_false(in_str);
	assert_int_equal(depth, 0);
}

/* ---- tests ---- */

static void test_security_names(void **state)
{
	assert_string_equal(val_security_name(VAL_UNCHECKED), "unchecked");
	assert_string_equal(val_security_name(VAL_SECURE), "secure");
	assert_string_equal(val_security_name(VAL_INSECURE), "insecure");
	assert_string_equal(val_security_name(VAL_BOGUS), "bogus");
}

static void test_validate_secure(void **state)
{
	struct val_report *r = secure_report();
	char *out = render(chainview_validate, r, false);

	assert_first_line(out, "www.example.test. A: secure");
	assert_has(out, "zone .: secure");
	assert_has(out, "  DS        20326 ECDSAP256SHA256 SHA-256, the trust anchor: matches DNSKEY 20326\n");
	assert_has(out, "20326 ECDSAP256SHA256 KSK: matches the trust anchor, signs the key set");
	assert_has(out, "20327 ECDSAP256SHA256 ZSK");
	assert_has(out, "DS        31000 ECDSAP256SHA256 SHA-256 in .: matches DNSKEY 31000\n");
	assert_has(out, "RRSIG     DS by . key 20327: verified");
	assert_has(out, "42000 ECDSAP256SHA256 KSK: matches DS, signs the key set");
	assert_has(out, "RRSIG     DNSKEY by example.test. key 42000: verified, "
		"valid 2026-11-25 09:00 UTC .. 2026-12-25 09:00 UTC (expires in 29d 23h)");
	assert_has(out, "RRSIG     www.example.test. A by example.test. key 42001: verified");
	assert_has(out, "answer www.example.test. A: NOERROR");
	assert_has(out, "7 signature checks");
	assert_lacks(out, "EXPIRED");
	assert_lacks(out, "breaks");
	assert_lacks(out, "\033");
	free(out);
	free(r);
}

static void test_validate_insecure(void **state)
{
	struct val_report *r = insecure_report();
	char *out = render(chainview_validate, r, false);

	assert_first_line(out,
		"www.island.test. A: insecure (island.test. has no DS in its parent: the chain of trust ends there)");
	assert_has(out, "zone island.test.: insecure");
	assert_has(out, "  trust     no DS: insecure delegation, proven by NSEC in test.\n");
	assert_has(out, "RRSIG     NSEC by test. key 31001: verified");
	assert_has(out, "not checked: with no DS in the parent, no key of this zone can be trusted");
	free(out);

	/* The validator's own words win over the made-up ones. */
	strcpy(r->why, "island.test. is an island of security");
	out = render(chainview_validate, r, false);
	assert_first_line(out, "www.island.test. A: insecure (island.test. is an island of security)");
	free(out);
	free(r);
}

static void test_validate_expired(void **state)
{
	struct val_report *r = expired_report();
	char *out = render(chainview_validate, r, false);

	assert_first_line(out, "www.example.test. A: bogus (EDE 7 Signature Expired: "
		"the RRSIG over the example.test. DNSKEY set expired)");
	assert_has(out, "zone example.test.: bogus");
	assert_has(out, "NOT VERIFIED, EXPIRED 3d 2h ago (2026-10-23 08:00 UTC .. 2026-11-22 08:00 UTC)");
	assert_has(out, "^ the chain breaks here: EDE 7 Signature Expired: the RRSIG over");
	assert_has(out, "answer www.example.test. A: SERVFAIL");
	/* The links above the break are still secure. */
	assert_has(out, "zone test.: secure");
	assert_lacks(out, "\033");
	free(out);
	free(r);
}

static void test_validate_not_yet_valid(void **state)
{
	struct val_report *r = secure_report();
	char *out;

	r->sigs[0].inception = (uint32_t)NOW + 2 * 3600 + 5 * 60;
	r->sigs[0].verified = false;
	out = render(chainview_validate, r, false);
	assert_has(out, "NOT YET VALID, starts in 2h 5m");
	free(out);
	free(r);
}

/* RRSIG times are serial numbers: a window reaching past 2106 wraps. */
static void test_window_wraps_past_2106(void **state)
{
	struct val_report *r = secure_report();
	char *out;

	r->now = 4294960000.0;                                   /* 2106-02-07 */
	r->sigs[0].inception = (uint32_t)(4294960000u - DAY);
	r->sigs[0].expiration = (uint32_t)(4294960000ull + DAY); /* wraps to a small number */
	out = render(chainview_validate, r, false);
	assert_has(out, "RRSIG     www.example.test. A by example.test. key 42001: verified, valid "
		"2106-02-06");
	assert_has(out, "(expires in 1d 0h)");
	free(out);
	free(r);
}

static void test_validate_wrong_ds(void **state)
{
	struct val_report *r = wrong_ds_report();
	char *out = render(chainview_validate, r, false);

	assert_first_line(out, "www.example.test. A: bogus (EDE 9 DNSKEY Missing: "
		"no DNSKEY of example.test. matches the DS 42999 in test.)");
	assert_has(out, "42999 ECDSAP256SHA256 SHA-256 in test.: no DNSKEY has this digest");
	assert_has(out, "42000 ECDSAP256SHA256 KSK\n");
	assert_has(out, "^ the chain breaks here: EDE 9 DNSKEY Missing");
	free(out);
	free(r);
}

static void test_validate_negative_and_unknown_codes(void **state)
{
	struct val_report *r = odd_name_report();
	char *out = render(chainview_validate, r, false);

	assert_first_line(out, "nx.we\\\"ird.test. A: secure (NXDOMAIN, proven by NSEC3)");
	assert_has(out, "answer nx.we\\\"ird.test. A: NXDOMAIN, denial by NSEC3\n");
	assert_has(out, "RRSIG     ab12cd.we\\\"ird.test. NSEC3 by we\\\"ird.test. key 42001");
	free(out);

	r->links[2].keys[1].alg = 99;
	r->verdict = VAL_BOGUS;
	r->ede = 99;
	strcpy(r->why, "a bell\a in the words");
	out = render(chainview_validate, r, false);
	assert_has(out, "ALG99 ZSK");
	assert_has(out, "bogus (EDE 99: a bell\\007 in the words)");
	free(out);
	free(r);
}

static void test_validate_color(void **state)
{
	struct val_report *r = secure_report();
	char *out = render(chainview_validate, r, true);

	assert_has(out, "\033[32msecure\033[0m");
	free(out);
	free(r);

	r = expired_report();
	out = render(chainview_validate, r, true);
	assert_has(out, "\033[31mbogus\033[0m");
	assert_has(out, "\033[31mEXPIRED 3d 2h ago\033[0m");
	free(out);
	free(r);

	r = insecure_report();
	out = render(chainview_validate, r, true);
	assert_has(out, "\033[33minsecure\033[0m");
	free(out);
	free(r);
}

static void test_tree_secure(void **state)
{
	struct val_report *r = secure_report();
	char *out = render(chainview_tree, r, false);

	assert_first_line(out, "www.example.test. A: secure");
	assert_has(out, "\nzone . [secure]\n"
		"└─ trust anchor DS 20326 ECDSAP256SHA256 SHA-256 [secure]\n"
		"   └─ DNSKEY 20326 KSK ECDSAP256SHA256 [secure]\n"
		"      └─ signs the DNSKEY set, RRSIG expires in 29d 23h [secure]\n"
		"         └─ DNSKEY 20327 ZSK ECDSAP256SHA256 [secure]\n"
		"            └─ signs the DS of test., RRSIG expires in 29d 23h [secure]\n"
		"zone test. [secure]\n");
	assert_has(out, "DS 31000 ECDSAP256SHA256 SHA-256, signed by . key 20327, RRSIG expires in 29d 23h [secure]");
	assert_has(out, "signs www.example.test. A, RRSIG expires in 29d 23h [secure]");
	assert_has(out, "www.example.test. A (the answer) [secure]\n");
	assert_lacks(out, "\033");
	free(out);
	free(r);
}

/* www.expired.test. A under a negative trust anchor (RFC 7646): the link
 * says so and until when, not "no DS", in every view. */
static void test_nta_link(void **state)
{
	struct val_report *r = report_new("www.expired.test.", TYPE_A);
	zone_add(r, ".", 20326, NULL, 0);
	struct valr_link *l = link_add(r, "expired.test.", VAL_INSECURE);
	l->nta = true;
	l->nta_until = (double)(T0 + 3600);
	r->nta = true;
	r->verdict = VAL_INSECURE;
	strcpy(r->why, "negative trust anchor for expired.test. (RFC 7646): not validated");
	char *out = render(chainview_validate, r, false);
	assert_has(out, "zone expired.test.: insecure");
	assert_has(out, "  trust     negative trust anchor until ");
	assert_has(out, " (RFC 7646): not validated\n");
	assert_lacks(out, "no DS");
	free(out);
	out = render(chainview_tree, r, false);
	assert_has(out, "zone expired.test. [insecure]\n├─ negative trust anchor until ");
	assert_has(out, "└─ the chain of trust ends here");
	assert_lacks(out, "no DS in");
	free(out);
	out = render(json_view, r, false);
	char want[64];
	snprintf(want, sizeof want, "\"nta_until\":%lld,", (long long)(T0 + 3600));
	assert_has(out, want);
	free(out);
	free(r);
}

static void test_tree_stops_at_insecure(void **state)
{
	struct val_report *r = insecure_report();
	char *out = render(chainview_tree, r, false);

	assert_has(out, "signs the NSEC proof that island.test. has no DS, RRSIG expires in 29d 23h [secure]");
	assert_has(out, "zone island.test. [insecure]\n├─ no DS in test.: insecure delegation, proven by NSEC [insecure]\n");
	assert_has(out, "└─ the chain of trust ends here");
	assert_lacks(out, "(the answer");
	free(out);
	free(r);
}

static void test_tree_stops_at_break(void **state)
{
	struct val_report *r = expired_report();
	char *out = render(chainview_tree, r, false);

	assert_has(out, "\nzone example.test. [bogus]\n├─ DS 42000");
	assert_has(out, "│  └─ DNSKEY 42000 KSK ECDSAP256SHA256 [secure]\n");
	assert_has(out, "signs the DNSKEY set, RRSIG EXPIRED 3d 2h ago, NOT VERIFIED [bogus]");
	assert_has(out, "DNSKEY 42001 ZSK ECDSAP256SHA256 [bogus]");
	assert_has(out, "└─ ✗ the chain breaks here: EDE 7 Signature Expired: the RRSIG over");
	/* The KSK still matches its DS: only what hangs off the bad RRSIG is bogus. */
	assert_has(out, "DNSKEY 42000 KSK ECDSAP256SHA256 [secure]");
	assert_lacks(out, "(the answer");
	free(out);
	free(r);

	r = wrong_ds_report();
	out = render(chainview_tree, r, true);
	assert_has(out, "DS 42999 ECDSAP256SHA256 SHA-256, signed by test. key 31001, RRSIG expires in 29d 23h: "
		"no DNSKEY has this digest [\033[31mbogus\033[0m]");
	assert_has(out, "DNSKEY 42000 KSK ECDSAP256SHA256 (not reached from a DS)");
	assert_has(out, "\033[1m\033[31m✗ the chain breaks here: EDE 9 DNSKEY Missing");
	free(out);
	free(r);
}

static void test_dot_secure(void **state)
{
	struct val_report *r = secure_report();
	char *out = render(dot_view, r, false);

	assert_true(strncmp(out, "digraph \"dnssec\" {\n", 19) == 0);
	assert_balanced(out, '{', '}');
	assert_balanced(out, '[', ']');
	assert_has(out, "subgraph \"cluster_0\"");
	assert_has(out, "label=\"example.test.\"");
	assert_has(out, "\"z0_k0\" [shape=ellipse, peripheries=2, color=\"darkgreen\", "
		"label=\"DNSKEY 20326\\nECDSAP256SHA256\\nKSK\"]");
	assert_has(out, "\"z0_k1\" [shape=ellipse, color=\"darkgreen\", label=\"DNSKEY 20327\\nECDSAP256SHA256\\nZSK\"]");
	assert_has(out, "label=\"trust anchor\\nDS 20326\\nECDSAP256SHA256 / SHA-256\"");
	assert_has(out, "\"z0_ds0\" -> \"z0_k0\" [color=\"darkgreen\"]");   /* digest */
	assert_has(out, "\"z0_k0\" -> \"z0_k1\" [color=\"darkgreen\"]");    /* key set */
	assert_has(out, "\"z0_k1\" -> \"z1_ds0\" [color=\"darkgreen\"]");   /* child DS */
	assert_has(out, "\"z2_k1\" -> \"rr0\" [color=\"darkgreen\"]");      /* answer */
	assert_has(out, "label=\"www.example.test./A\"");
	assert_lacks(out, "red");
	assert_lacks(out, "\"q\"");
	free(out);
	free(r);
}

static void test_dot_bogus(void **state)
{
	struct val_report *r = expired_report();
	char *out = render(dot_view, r, false);

	assert_balanced(out, '{', '}');
	assert_has(out, "\"z2_k0\" -> \"z2_k0\" [color=\"red\", fontcolor=\"red\", label=\"expired 3d 2h ago\"]");
	assert_has(out, "\"z2_k0\" -> \"z2_k1\" [color=\"red\"]");
	/* Below the break nothing was trusted, so nothing is said to fail. */
	assert_has(out, "\"z2_k1\" -> \"rr0\" [color=\"red\"]");
	assert_has(out, "label=\"www.example.test. A: bogus\\nEDE 7 Signature Expired: the RRSIG over the example.test.\\n"
		"DNSKEY set expired\"");
	assert_has(out, "\"z2_ds0\" -> \"z2_k0\" [color=\"darkgreen\"]");  /* the KSK still matches */
	free(out);
	free(r);

	r = wrong_ds_report();
	out = render(dot_view, r, false);
	assert_balanced(out, '{', '}');
	assert_has(out, "\"z2_ds0\" [shape=ellipse, color=\"red\"");
	assert_has(out, "\"z2_dsmiss0\" [shape=ellipse, style=dashed, color=red, fontcolor=red, "
		"label=\"DNSKEY 42999\\nmissing\"]");
	assert_has(out, "\"z2_ds0\" -> \"z2_dsmiss0\" [color=\"red\", style=dashed]");
	free(out);
	free(r);

	r = insecure_report();
	out = render(dot_view, r, false);
	assert_balanced(out, '{', '}');
	assert_has(out, "\"z2_nods\" [shape=box, style=\"rounded,dashed\", color=orange, "
		"label=\"no DS\\nproven by NSEC\"]");
	assert_has(out, "\"z1_k1\" -> \"z2_nods\" [color=\"orange\"]");
	assert_has(out, "\"q\" [shape=box, penwidth=2, color=\"orange\", label=\"www.island.test./A\"]");
	free(out);
	free(r);
}

static void test_dot_escapes_names(void **state)
{
	struct val_report *r = odd_name_report();
	char *out;

	strcpy(r->why, "line\none");
	out = render(dot_view, r, false);
	assert_balanced(out, '{', '}');
	assert_balanced(out, '[', ']');
	/* we\"ird: the backslash and the quote each escaped for DOT. */
	assert_has(out, "label=\"we\\\\\\\"ird.test.\"");
	assert_has(out, "\"rr0\" [shape=box, style=rounded, color=\"darkgreen\", "
		"label=\"ab12cd.we\\\\\\\"ird.test./NSEC3\"]");
	assert_has(out, "label=\"nx.we\\\\\\\"ird.test./A\\nNXDOMAIN\"");
	assert_has(out, "\"rr0\" -> \"q\" [color=\"darkgreen\"]");
	free(out);
	free(r);
}

static void test_json(void **state)
{
	struct val_report *r = secure_report();
	char *out = render(json_view, r, false);

	assert_true(out[0] == '{');
	assert_int_equal(out[strlen(out) - 1], '\n');
	assert_balanced(out, '{', '}');
	assert_balanced(out, '[', ']');
	assert_has(out, "\"qname\":\"www.example.test.\",\"qtype\":\"A\",\"rcode\":\"NOERROR\","
		"\"verdict\":\"secure\",\"ede\":null,\"ede_name\":null,\"why\":null,\"now\":1795600800,"
		"\"validations\":7,\"negative\":false,\"denial\":null,\"chain\":[");
	assert_has(out, "{\"zone\":\".\",\"state\":\"secure\",\"anchor\":true,\"no_ds\":false,\"nta_until\":null,\"denial\":null,"
		"\"ds\":[{\"tag\":20326,\"alg\":13,\"alg_name\":\"ECDSAP256SHA256\",\"digest_type\":2,"
		"\"digest_name\":\"SHA-256\",\"matched\":true}]");
	assert_has(out, "{\"tag\":20326,\"alg\":13,\"alg_name\":\"ECDSAP256SHA256\",\"flags\":257,\"role\":\"KSK\","
		"\"matches_ds\":true,\"signed_keys\":true}");
	assert_has(out, "\"key_sig\":{\"owner\":\".\",\"type_covered\":\"DNSKEY\",\"tag\":20326");
	assert_has(out, "\"ds_sig\":null");
	assert_has(out, "\"sigs\":[{\"owner\":\"www.example.test.\",\"type_covered\":\"A\",\"tag\":42001,"
		"\"alg\":13,\"alg_name\":\"ECDSAP256SHA256\",\"signer\":\"example.test.\",\"inception\":1795597200,"
		"\"expiration\":1798189200,\"window\":\"valid\",\"verified\":true}]}\n");
	free(out);
	free(r);

	r = expired_report();
	out = render(json_view, r, false);
	assert_has(out, "\"verdict\":\"bogus\",\"ede\":7,\"ede_name\":\"Signature Expired\","
		"\"why\":\"the RRSIG over the example.test. DNSKEY set expired\"");
	assert_has(out, "\"window\":\"expired\",\"verified\":false");
	assert_has(out, "\"state\":\"bogus\"");
	free(out);
	free(r);

	r = odd_name_report();
	out = render(json_view, r, false);
	assert_has(out, "\"qname\":\"nx.we\\\\\\\"ird.test.\"");
	assert_has(out, "\"rcode\":\"NXDOMAIN\"");
	assert_has(out, "\"negative\":true,\"denial\":\"NSEC3\"");
	free(out);
	free(r);
}

/* All links secure, but the answer's own RRSIG fails: the break is at the
 * answer, and only there is "does not verify" claimed. */
static void test_break_at_answer(void **state)
{
	struct val_report *r = secure_report();
	char *out;

	r->sigs[0].verified = false;
	r->verdict = VAL_BOGUS;
	r->ede = 6;
	r->rcode = 2;
	strcpy(r->why, "the RRSIG over www.example.test. A does not verify with key 42001");
	out = render(chainview_validate, r, false);
	assert_first_line(out, "www.example.test. A: bogus (EDE 6 DNSSEC Bogus: "
		"the RRSIG over www.example.test. A does not verify with key 42001)");
	assert_has(out, "answer www.example.test. A: SERVFAIL\n"
		"  RRSIG     www.example.test. A by example.test. key 42001: NOT VERIFIED, valid");
	assert_has(out, "^ the chain breaks here: EDE 6 DNSSEC Bogus");
	free(out);

	out = render(chainview_tree, r, false);
	assert_has(out, "signs www.example.test. A, RRSIG expires in 29d 23h, NOT VERIFIED [bogus]");
	assert_has(out, "www.example.test. A (the answer) [bogus]\n"
		"└─ ✗ the chain breaks here: EDE 6 DNSSEC Bogus");
	free(out);

	out = render(dot_view, r, false);
	assert_has(out, "\"z2_k1\" -> \"rr0\" [color=\"red\", fontcolor=\"red\", label=\"does not verify\"]");
	assert_has(out, "\"rr0\" [shape=box, color=\"red\"");
	free(out);

	r->nsigs = 0; /* no RRSIG at all: a dashed edge from the ZSK */
	out = render(dot_view, r, false);
	assert_has(out, "\"q\" [shape=box, penwidth=2, color=\"red\", label=\"www.example.test./A\"]");
	assert_has(out, "\"z2_k1\" -> \"q\" [color=\"red\", style=dashed, fontcolor=\"red\", label=\"no RRSIG\"]");
	free(out);
	free(r);
}

/* test. has one key (a CSK) under two DS digests: the key shows once in
 * full, and the tree branches where it signs both its set and the child DS. */
static void test_tree_csk_two_digests(void **state)
{
	struct val_report *r = secure_report();
	struct valr_link *l = &r->links[1];
	char *out;

	l->ds[1] = l->ds[0];
	l->ds[1].digest_type = 1;
	l->nds = 2;
	l->nkeys = 1;
	r->links[2].ds_sig.tag = 31000;
	out = render(chainview_tree, r, false);
	assert_has(out, "zone test. [secure]\n"
		"├─ DS 31000 ECDSAP256SHA256 SHA-256, signed by . key 20327, RRSIG expires in 29d 23h [secure]\n"
		"│  └─ DNSKEY 31000 KSK ECDSAP256SHA256 [secure]\n"
		"│     ├─ signs the DNSKEY set, RRSIG expires in 29d 23h [secure]\n"
		"│     └─ signs the DS of example.test., RRSIG expires in 29d 23h [secure]\n"
		"└─ DS 31000 ECDSAP256SHA256 SHA-1, signed by . key 20327, RRSIG expires in 29d 23h [secure]\n"
		"   └─ DNSKEY 31000 KSK ECDSAP256SHA256 (see above) [secure]\n"
		"zone example.test. [secure]\n");
	free(out);

	out = render(dot_view, r, false);
	assert_has(out, "\"z1_ds1\" -> \"z1_k0\" [color=\"darkgreen\"]");
	assert_has(out, "\"z1_k0\" -> \"z2_ds0\" [color=\"darkgreen\"]");
	free(out);
	free(r);
}

/* The most a report can hold: every DS naming every key, all sharing a tag. */
static void test_full_report(void **state)
{
	struct val_report *r = secure_report();
	view_fn *fn[] = { chainview_validate, chainview_tree, dot_view, json_view };

	for (size_t i = 0; i < VALR_MAX_LINKS; i++) {
		struct valr_link *l = &r->links[i];
		snprintf(l->zone, sizeof l->zone, "z%zu.", i);
		l->state = VAL_SECURE;
		l->nds = VALR_MAX_DS;
		l->nkeys = VALR_MAX_KEYS;
		for (size_t j = 0; j < VALR_MAX_DS; j++)
			l->ds[j] = (struct valr_ds){ .tag = 7, .alg = ALG, .digest_type = 2, .matched = true };
		for (size_t k = 0; k < VALR_MAX_KEYS; k++)
			l->keys[k] = (struct valr_key){ .tag = 7, .alg = ALG, .flags = 257, .matches_ds = true };
		sig(&l->key_sig, l->zone, TYPE_DNSKEY, 7, l->zone, T0, T0 + DAY, true);
		l->has_key_sig = true;
		if (i > 0) {
			sig(&l->ds_sig, l->zone, TYPE_DS, 7, r->links[i - 1].zone, T0, T0 + DAY, true);
			l->has_ds_sig = true;
		}
		memset(l->why, 'w', sizeof l->why - 1);
	}
	r->nlinks = VALR_MAX_LINKS;
	for (size_t s = 0; s < VALR_MAX_SIGS; s++)
		sig(&r->sigs[s], "z15.", TYPE_A, 7, "z15.", T0, T0 + DAY, true);
	r->nsigs = VALR_MAX_SIGS;
	memset(r->qname, 'q', sizeof r->qname - 1);
	memset(r->why, 'y', sizeof r->why - 1);
	for (int v = 0; v < 4; v++) {
		char *out = render(fn[v], r, false);
		assert_true(strlen(out) > 1000);
		free(out);
	}
	free(r);
}

/* Nothing in a report may overrun the views, whatever its counts say. */
static void test_counts_clamped(void **state)
{
	struct val_report *r = secure_report();
	char *out;

	r->nlinks = 1000;
	r->nsigs = 1000;
	r->links[0].nds = 1000;
	r->links[0].nkeys = 1000;
	for (int v = 0; v < 4; v++) {
		view_fn *fn[] = { chainview_validate, chainview_tree, dot_view, json_view };
		out = render(fn[v], r, false);
		assert_non_null(out);
		free(out);
	}
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_security_names),
		cmocka_unit_test(test_validate_secure),
		cmocka_unit_test(test_validate_insecure),
		cmocka_unit_test(test_validate_expired),
		cmocka_unit_test(test_validate_not_yet_valid),
		cmocka_unit_test(test_window_wraps_past_2106),
		cmocka_unit_test(test_validate_wrong_ds),
		cmocka_unit_test(test_validate_negative_and_unknown_codes),
		cmocka_unit_test(test_validate_color),
		cmocka_unit_test(test_tree_secure),
		cmocka_unit_test(test_nta_link), cmocka_unit_test(test_tree_stops_at_insecure),
		cmocka_unit_test(test_tree_stops_at_break),
		cmocka_unit_test(test_dot_secure),
		cmocka_unit_test(test_dot_bogus),
		cmocka_unit_test(test_dot_escapes_names),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_break_at_answer),
		cmocka_unit_test(test_tree_csk_two_digests),
		cmocka_unit_test(test_full_report),
		cmocka_unit_test(test_counts_clamped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
