/* test_validator.c: unit tests for the DNSSEC validator (src/resolver/
 * validator.c), a state machine with no I/O.
 *
 * The harness is a signed lab in memory, with no sockets: the default lab
 * (zones/lab.yaml, signed by lab_load with fresh keys in a temporary
 * DNSLAB_HOME) and a small lab of its own (the zone files in tests/unit/validator/,
 * signed with labsign_zones).  Every zone gets its own authserver.  The
 * answer to validate and every fetch the validator asks for are answered by
 * the authserver of the zone that holds the name (for DS: the zone that holds
 * the name's parent), asked with DO=1, and parsed back with ldns.  Tests then
 * tamper with those answers the way an attacker on the path could.
 *
 * The tests named test_bug_* are regressions for validator bugs this file
 * found (forged denials, decoy signatures, deep delegations), now fixed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldns/ldns.h>

#include "dns/authserver.h"
#include "dns/zone.h"
#include "dnssec/keys.h"
#include "lab/lab.h"
#include "labfixture.h"
#include "lab/labsign.h"
#include "dnssec/rrsig.h"
#include "resolver/keycache.h"
#include "resolver/validator.h"

#define DAY 86400.0

/* ---- worlds: zones, one authserver each ---- */

struct world {
	struct zone **zones; /* borrowed */
	size_t n;
	struct authserver *auth; /* one per zone, owned */
	const ldns_rr_list *anchor;
	double now; /* when it was signed */
	char keydir[4200];
};

static char tmpdir[] = "/tmp/dnslab-test-validator-XXXXXX";
static struct lab *lab;
static struct world labw, mini;

/* The small lab: a root signed with NSEC3, and children. */
#define MINI_DIR "tests/unit/validator/"
static const struct {
	const char *origin, *file;
	bool sign, nsec3;
	unsigned iterations;
} mini_cfg[] = {
	{ ".", MINI_DIR "root.zone", true, true, 0 },
	{ "it50.", MINI_DIR "it50.zone", true, true, 50 },
	{ "it51.", MINI_DIR "it51.zone", true, true, 51 },
	{ "p51.", MINI_DIR "p51.zone", true, true, 51 },
	{ "u.p51.", MINI_DIR "u.p51.zone", false, false, 0 },
	{ "deep.", MINI_DIR "deep.zone", true, false, 0 },
	{ "v6.", MINI_DIR "v6.zone", true, false, 0 },
	{ "0.0.0.0.8.b.d.0.1.0.0.2.v6.", MINI_DIR "0.0.0.0.8.b.d.0.1.0.0.2.v6.zone", true, false, 0 },
};
#define MINI_N (sizeof mini_cfg / sizeof mini_cfg[0])
static struct zone *mini_zones[MINI_N];
static ldns_rr_list *mini_anchor;

static int world_init(struct world *w, struct zone **zones, size_t n, const ldns_rr_list *anchor, double now)
{
	w->zones = zones;
	w->n = n;
	w->anchor = anchor;
	w->now = now;
	w->auth = calloc(n, sizeof *w->auth);
	if (!w->auth)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (authserver_init(&w->auth[i], &zones[i], 1) != 0)
			return -1;
	return 0;
}

static void world_free(struct world *w)
{
	for (size_t i = 0; w->auth && i < w->n; i++)
		authserver_free(&w->auth[i]);
	free(w->auth);
	w->auth = NULL;
}

static int group_setup(void **state)
{
	struct dl_error err = { 0 };
	if (labfixture_load(tmpdir, &lab) != 0)
		return -1;
	if (world_init(&labw, lab->zones, lab->nzones, lab->anchor, (double)time(NULL)) != 0)
		return -1;
	snprintf(labw.keydir, sizeof labw.keydir, "%s/keys", lab->userdir);

	struct topo_zone cfg[MINI_N];
	const struct topo_zone *cfgp[MINI_N];
	for (size_t i = 0; i < MINI_N; i++) {
		if (zone_load(mini_cfg[i].file, mini_cfg[i].origin, &mini_zones[i], &err) != 0) {
			fprintf(stderr, "%s\n", err.msg);
			return -1;
		}
		cfg[i] = (struct topo_zone){ .origin = (char *)mini_cfg[i].origin, .file = (char *)mini_cfg[i].file,
					     .sign = mini_cfg[i].sign, .nsec3 = mini_cfg[i].nsec3,
					     .iterations = mini_cfg[i].iterations };
		cfgp[i] = &cfg[i];
	}
	snprintf(mini.keydir, sizeof mini.keydir, "%s/minikeys", tmpdir);
	struct labsign_stats st;
	time_t now = time(NULL);
	if (labsign_zones(mini_zones, cfgp, MINI_N, mini.keydir, now, &mini_anchor, &st, &err) != 0) {
		fprintf(stderr, "labsign_zones: %s\n", err.msg);
		return -1;
	}
	if (!mini_anchor || world_init(&mini, mini_zones, MINI_N, mini_anchor, (double)now) != 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	world_free(&labw);
	world_free(&mini);
	for (size_t i = 0; i < MINI_N; i++)
		zone_free(mini_zones[i]);
	ldns_rr_list_deep_free(mini_anchor);
	labfixture_free(tmpdir, lab);
	return 0;
}

/* ---- what a test allocates, freed after it even when it fails ---- */

struct kept {
	void *p;
	void (*fn)(void *);
};
static struct kept kept[128];
static size_t nkept;

static void free_list(void *p)
{
	ldns_rr_list_deep_free(p);
}

static ldns_rr_list *keep_list(ldns_rr_list *l)
{
	assert_non_null(l);
	assert_true(nkept < sizeof kept / sizeof kept[0]);
	kept[nkept++] = (struct kept){ l, free_list };
	return l;
}

/* Free a kept list and keep its replacement instead. */
static ldns_rr_list *replace_kept(ldns_rr_list *old, ldns_rr_list *with)
{
	assert_non_null(with);
	for (size_t i = 0; i < nkept; i++)
		if (kept[i].p == old) {
			kept[i].p = with;
			ldns_rr_list_deep_free(old);
			return with;
		}
	ldns_rr_list_deep_free(with);
	fail_msg("the list replaced was not kept");
	return NULL;
}

static int teardown(void **state)
{
	while (nkept) {
		nkept--;
		kept[nkept].fn(kept[nkept].p);
	}
	return 0;
}

#define T(f) cmocka_unit_test_teardown(f, teardown)

/* ---- asking the authoritative servers ---- */

static bool at_or_below(const ldns_rdf *name, const ldns_rdf *zone)
{
	return ldns_dname_compare(name, zone) == 0 || ldns_dname_is_subdomain(name, zone);
}

/* The zone whose origin is the closest encloser of name, or w->n. */
static size_t zone_index(const struct world *w, const ldns_rdf *name)
{
	size_t best = w->n, bl = 0;
	for (size_t i = 0; i < w->n; i++) {
		size_t l = ldns_dname_label_count(w->zones[i]->origin);
		if (at_or_below(name, w->zones[i]->origin) && (best == w->n || l > bl)) {
			best = i;
			bl = l;
		}
	}
	return best;
}

static uint8_t outbuf[AUTHSERVER_MAX_MSG];

/* Ask the server that holds (name, t) with DO=1; NULL when none does or it
 * drops the query. */
static ldns_pkt *ask(const struct world *w, const ldns_rdf *name, ldns_rr_type t)
{
	ldns_rdf *where = t == LDNS_RR_TYPE_DS && ldns_dname_label_count(name) > 0 ? ldns_dname_left_chop(name)
										     : ldns_rdf_clone(name);
	size_t i = where ? zone_index(w, where) : w->n;
	ldns_rdf_deep_free(where);
	if (i == w->n)
		return NULL;
	ldns_pkt *q = ldns_pkt_query_new(ldns_rdf_clone(name), t, LDNS_RR_CLASS_IN, 0);
	if (!q)
		return NULL;
	ldns_pkt_set_id(q, 4242);
	ldns_pkt_set_edns_udp_size(q, AUTHSERVER_EDNS_SIZE);
	ldns_pkt_set_edns_do(q, true);
	uint8_t *wire = NULL;
	size_t len = 0;
	ldns_status s = ldns_pkt2wire(&wire, q, &len);
	ldns_pkt_free(q);
	if (s != LDNS_STATUS_OK)
		return NULL;
	size_t n = authserver_respond(&w->auth[i], wire, len, true, outbuf, sizeof outbuf);
	free(wire);
	ldns_pkt *p = NULL;
	if (n == 0 || ldns_wire2pkt(&p, outbuf, n) != LDNS_STATUS_OK)
		return NULL;
	return p;
}

/* An answer to validate: the lists are kept (freed in teardown). */
struct answer {
	ldns_pkt_rcode rcode;
	ldns_rr_list *an, *ns;
};

static bool has_rrset(const ldns_rr_list *l, const ldns_rdf *owner, ldns_rr_type t)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) == t && ldns_dname_compare(ldns_rr_owner(rr), owner) == 0)
			return true;
	}
	return false;
}

/* Resolve (qname, qtype) like the iterator does: ask the zone's server,
 * follow a CNAME chain into other zones; the answer sections are joined,
 * the authority section and rcode are the last server's. */
static struct answer resolve_in(const struct world *w, const char *qname, ldns_rr_type qtype)
{
	struct answer a = { LDNS_RCODE_SERVFAIL, keep_list(ldns_rr_list_new()), NULL };
	ldns_rdf *name = ldns_dname_new_frm_str(qname);
	assert_non_null(name);
	for (int hop = 0; hop < 8; hop++) {
		ldns_pkt *p = ask(w, name, qtype);
		if (!p)
			break;
		a.rcode = ldns_pkt_get_rcode(p);
		ldns_rr_list *an = ldns_pkt_answer(p);
		for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++)
			ldns_rr_list_push_rr(a.an, ldns_rr_clone(ldns_rr_list_rr(an, i)));
		if (a.ns)
			ldns_rr_list_deep_free(a.ns);
		a.ns = ldns_rr_list_clone(ldns_pkt_authority(p));
		bool moved = false, more = true;
		for (int links = 0; more && links < 16; links++) { /* a CNAME loop ends too */
			more = false;
			for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
				const ldns_rr *rr = ldns_rr_list_rr(an, i);
				if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
				    ldns_dname_compare(ldns_rr_owner(rr), name) == 0 && qtype != LDNS_RR_TYPE_CNAME) {
					ldns_rdf_deep_free(name);
					name = ldns_rdf_clone(ldns_rr_rdf(rr, 0));
					moved = more = true;
					break;
				}
			}
		}
		bool done = !moved || a.rcode != LDNS_RCODE_NOERROR || has_rrset(an, name, qtype) ||
			    has_rrset(an, name, LDNS_RR_TYPE_CNAME);
		ldns_pkt_free(p);
		if (done)
			break;
	}
	ldns_rdf_deep_free(name);
	if (!a.ns)
		a.ns = ldns_rr_list_new();
	keep_list(a.ns);
	return a;
}

/* ---- running the validator ---- */

/* May change the outcome of a fetch before the validator sees it. */
typedef void fetch_hook(void *arg, const ldns_rdf *name, ldns_rr_type t, ldns_pkt_rcode *rcode, ldns_rr_list **an,
			ldns_rr_list **ns);

struct ctx {
	const struct world *w;
	const ldns_rr_list *anchor;
	double now;
	struct keycache *kc; /* NULL: each validation on its own */
	fetch_hook *hook;
	void *arg;
};

static struct outcome {
	bool finished;
	int start;
	enum val_security verdict;
	uint16_t ede;
	char why[VALR_WHY * 2 + 1];
	struct val_report rep;
	unsigned fetches;
	char log[4096]; /* "DNSKEY . | DS test. | ..." */
} R;

static void validate_answer(const struct ctx *c, const char *qname, ldns_rr_type qtype, const struct answer *a)
{
	memset(&R, 0, sizeof R);
	ldns_rdf *qn = ldns_dname_new_frm_str(qname);
	struct validator *v = validator_new(c->anchor, c->now);
	if (v)
		validator_use_keycache(v, c->kc);
	R.start = v && qn ? validator_start(v, qn, qtype, a->rcode, a->an, a->ns) : -1;
	ldns_rdf_deep_free(qn);
	for (unsigned i = 0; R.start == 0 && i < 100; i++) {
		struct val_fetch f;
		if (validator_run(v, &f) == VAL_ACT_DONE) {
			R.finished = true;
			break;
		}
		R.fetches++;
		char *ns = ldns_rdf2str(f.name), *ts = ldns_rr_type2str(f.type);
		size_t len = strlen(R.log);
		snprintf(R.log + len, sizeof R.log - len, "%s%s %s", len ? " | " : "", ts ? ts : "?", ns ? ns : "?");
		free(ns);
		free(ts);
		ldns_pkt *p = ask(c->w, f.name, f.type);
		ldns_pkt_rcode rcode = p ? ldns_pkt_get_rcode(p) : LDNS_RCODE_SERVFAIL;
		ldns_rr_list *an = p ? ldns_rr_list_clone(ldns_pkt_answer(p)) : ldns_rr_list_new();
		ldns_rr_list *au = p ? ldns_rr_list_clone(ldns_pkt_authority(p)) : ldns_rr_list_new();
		ldns_pkt_free(p);
		if (c->hook)
			c->hook(c->arg, f.name, f.type, &rcode, &an, &au);
		struct iter_result r = { .rcode = rcode, .answer = an, .authority = au };
		validator_on_fetch(v, &r);
		ldns_rr_list_deep_free(an);
		ldns_rr_list_deep_free(au);
	}
	if (v) {
		const char *why = NULL;
		R.verdict = validator_verdict(v, &R.ede, &why);
		snprintf(R.why, sizeof R.why, "%s", why ? why : "");
		R.rep = *validator_report(v);
	}
	validator_free(v);
	if (!R.finished || R.start != 0)
		print_error("the validation did not finish (start %d, fetches: %s)\n", R.start, R.log);
	assert_int_equal(R.start, 0);
	assert_true(R.finished);
}

static struct ctx at(const struct world *w)
{
	return (struct ctx){ .w = w, .anchor = w->anchor, .now = w->now };
}

/* Resolve in w and validate at w's signing time with w's anchor. */
static const struct outcome *check(const struct world *w, const char *qname, ldns_rr_type qtype)
{
	struct answer a = resolve_in(w, qname, qtype);
	struct ctx c = at(w);
	validate_answer(&c, qname, qtype, &a);
	return &R;
}

static void expect_verdict(enum val_security want, uint16_t ede)
{
	if (R.verdict != want || R.ede != ede)
		print_error("%s: want %s EDE %u, got %s EDE %u: %s\n  fetches: %s\n", R.rep.qname, val_security_name(want),
			    ede, val_security_name(R.verdict), R.ede, R.why, R.log);
	assert_int_equal(R.verdict, want);
	assert_int_equal(R.ede, ede);
	assert_int_equal(R.rep.verdict, want);
	assert_int_equal(R.rep.ede, ede);
}

static void expect_state(enum val_security want)
{
	if (R.verdict != want)
		print_error("%s: want %s, got %s EDE %u: %s\n  fetches: %s\n", R.rep.qname, val_security_name(want),
			    val_security_name(R.verdict), R.ede, R.why, R.log);
	assert_int_equal(R.verdict, want);
}

static void expect_links(const char *const *zones, size_t n)
{
	if (R.rep.nlinks != n)
		print_error("%zu links, want %zu (fetches: %s)\n", R.rep.nlinks, n, R.log);
	assert_int_equal(R.rep.nlinks, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(R.rep.links[i].zone, zones[i]);
}

#define LINKS(...)                                                                                           \
	do {                                                                                                   \
		static const char *const z_[] = { __VA_ARGS__ };                                               \
		expect_links(z_, sizeof z_ / sizeof z_[0]);                                                    \
	} while (0)

static void expect_why(const char *part)
{
	if (!strstr(R.why, part))
		print_error("why: want \"%s\" in \"%s\"\n", part, R.why);
	assert_non_null(strstr(R.why, part));
	assert_non_null(strstr(R.rep.why, part));
}

/* A secure link: the DS (or the anchor) names a KSK that signed the key set,
 * and there is a ZSK. */
static void expect_secure_link(const struct valr_link *l)
{
	assert_int_equal(l->state, VAL_SECURE);
	assert_false(l->no_ds);
	assert_true(l->nds >= 1);
	assert_true(l->ds[0].matched);
	assert_true(l->has_key_sig);
	assert_true(l->key_sig.verified);
	assert_int_equal(l->key_sig.type_covered, LDNS_RR_TYPE_DNSKEY);
	assert_string_equal(l->key_sig.signer, l->zone);
	size_t ksk = 0, zsk = 0;
	for (size_t k = 0; k < l->nkeys; k++) {
		const struct valr_key *key = &l->keys[k];
		assert_int_equal(key->alg, LDNS_ECDSAP256SHA256);
		if (key->flags == 257) {
			ksk++;
			assert_true(key->matches_ds);
			assert_true(key->signed_keys);
			assert_int_equal(key->tag, l->ds[0].tag);
			assert_int_equal(key->tag, l->key_sig.tag);
		} else {
			assert_int_equal(key->flags, 256);
			zsk++;
			assert_false(key->matches_ds);
			assert_false(key->signed_keys);
		}
	}
	assert_int_equal(ksk, 1);
	assert_int_equal(zsk, 1);
	if (l->anchor) {
		assert_false(l->has_ds_sig);
	} else {
		assert_true(l->has_ds_sig);
		assert_true(l->ds_sig.verified);
		assert_int_equal(l->ds_sig.type_covered, LDNS_RR_TYPE_DS);
		assert_string_equal(l->ds_sig.owner, l->zone);
	}
}

/* The test_bug_* tests pin validator bugs found and fixed: each asserts the
 * right verdict and, when it fails, says what went wrong. */
static void verdict_ok(bool correct, const char *what)
{
	if (!correct)
		print_message("# %s\n#   got %s EDE %u: %s\n", what, val_security_name(R.verdict), R.ede, R.why);
	assert_true(correct);
}

#define KNOWN_BUG(correct, what) verdict_ok((correct), (what))

/* ---- editing records ---- */

static ldns_rdf *dname(const char *s)
{
	ldns_rdf *d = ldns_dname_new_frm_str(s);
	assert_non_null(d);
	return d;
}

static bool is(const ldns_rr *rr, ldns_rr_type t, ldns_rr_type covered)
{
	if (ldns_rr_get_type(rr) != t)
		return false;
	return t != LDNS_RR_TYPE_RRSIG || !covered || ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == covered;
}

/* Remove (and free) the records of type t from l; for RRSIG, only those
 * covering covered (0: all). */
static size_t drop(ldns_rr_list *l, ldns_rr_type t, ldns_rr_type covered)
{
	size_t j = 0, n = ldns_rr_list_rr_count(l), gone = 0;
	for (size_t i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		if (is(rr, t, covered)) {
			ldns_rr_free(rr);
			gone++;
		} else {
			ldns_rr_list_set_rr(l, rr, j++);
		}
	}
	ldns_rr_list_set_rr_count(l, j);
	return gone;
}

static ldns_rr *find(const ldns_rr_list *l, ldns_rr_type t, ldns_rr_type covered)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
		if (is(ldns_rr_list_rr(l, i), t, covered))
			return ldns_rr_list_rr(l, i);
	return NULL;
}

static size_t count(const ldns_rr_list *l, ldns_rr_type t)
{
	size_t n = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
		n += ldns_rr_get_type(ldns_rr_list_rr(l, i)) == t;
	return n;
}

/* Put rr (taken over) at index pos of l. */
static void insert_at(ldns_rr_list *l, size_t pos, ldns_rr *rr)
{
	assert_true(ldns_rr_list_push_rr(l, rr));
	for (size_t i = ldns_rr_list_rr_count(l) - 1; i > pos; i--)
		ldns_rr_list_set_rr(l, ldns_rr_list_rr(l, i - 1), i);
	ldns_rr_list_set_rr(l, rr, pos);
}

static void set_rdf(ldns_rr *rr, ldns_rdf *d, size_t i)
{
	assert_non_null(d);
	ldns_rdf_deep_free(ldns_rr_set_rdf(rr, d, i));
}

/* A copy of an RRSIG whose signature bytes are garbage (variant n). */
static ldns_rr *garbage_sig(const ldns_rr *sig, unsigned n)
{
	ldns_rr *g = ldns_rr_clone(sig);
	assert_non_null(g);
	ldns_rdf *s = ldns_rr_rdf(g, 8);
	uint8_t *d = ldns_rdf_data(s);
	for (size_t i = 0; i < ldns_rdf_size(s); i += 7)
		d[i] ^= (uint8_t)(0x5a + n);
	return g;
}

static void append_clone(ldns_rr_list *dst, const ldns_rr_list *src)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(src); i++)
		assert_true(ldns_rr_list_push_rr(dst, ldns_rr_clone(ldns_rr_list_rr(src, i))));
}

static void set_owner(ldns_rr_list *l, const char *owner)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		ldns_rdf_deep_free(ldns_rr_owner(rr));
		ldns_rr_set_owner(rr, dname(owner));
	}
}

/* ---- 1. the default lab: secure ---- */

static void test_secure_www_example(void **state)
{
	check(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	expect_verdict(VAL_SECURE, 0);
	LINKS(".", "test.", "example.test.");
	assert_string_equal(R.rep.qname, "www.example.test.");
	assert_int_equal(R.rep.qtype, LDNS_RR_TYPE_A);
	assert_int_equal(R.rep.rcode, LDNS_RCODE_NOERROR);
	assert_false(R.rep.negative);
	assert_string_equal(R.rep.denial, "");
	assert_true(R.rep.links[0].anchor);
	for (size_t i = 0; i < 3; i++)
		expect_secure_link(&R.rep.links[i]);
	/* The anchor is the root KSK's DS. */
	const ldns_rr *ds = ldns_rr_list_rr(labw.anchor, 0);
	assert_int_equal(R.rep.links[0].ds[0].tag, ldns_rdf2native_int16(ldns_rr_rdf(ds, 0)));
	assert_int_equal(R.rep.links[0].ds[0].digest_type, LDNS_SHA256);
	/* Each DS was signed by the parent's ZSK. */
	for (size_t i = 1; i < 3; i++) {
		const struct valr_link *l = &R.rep.links[i], *p = &R.rep.links[i - 1];
		assert_string_equal(l->ds_sig.signer, p->zone);
		assert_true(l->ds_sig.tag == p->keys[0].tag || l->ds_sig.tag == p->keys[1].tag);
		assert_int_not_equal(l->ds_sig.tag, p->key_sig.tag);
	}
	assert_int_equal(R.rep.nsigs, 1);
	assert_true(R.rep.sigs[0].verified);
	assert_string_equal(R.rep.sigs[0].owner, "www.example.test.");
	assert_string_equal(R.rep.sigs[0].signer, "example.test.");
	assert_int_equal(R.rep.sigs[0].type_covered, LDNS_RR_TYPE_A);
	assert_true(R.rep.sigs[0].inception <= (uint32_t)labw.now && (uint32_t)labw.now < R.rep.sigs[0].expiration);
	/* Three key sets, two DS sets, the A RRset.  The answer's signer
	 * (example.test.) is asked for its DS first; that DS's signer names the
	 * parent (test.), whose own DS leads up to the anchor. */
	assert_int_equal(R.rep.validations, 6);
	assert_string_equal(R.log, "DNSKEY . | DS example.test. | DS test. | DNSKEY test. | DNSKEY example.test.");
	assert_int_equal(R.rep.now, labw.now);
}

static const ldns_rr *key_with_flags(const ldns_rr_list *l, uint16_t flags)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY && ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)) == flags)
			return rr;
	}
	return NULL;
}

/* An anchor given as the root's KSK itself rather than its DS. */
static void test_secure_with_dnskey_anchor(void **state)
{
	ldns_rdf *root = dname(".");
	ldns_pkt *p = ask(&labw, root, LDNS_RR_TYPE_DNSKEY);
	ldns_rdf_deep_free(root);
	assert_non_null(p);
	ldns_rr_list *anchor = keep_list(ldns_rr_list_new());
	const ldns_rr *ksk = key_with_flags(ldns_pkt_answer(p), 257);
	if (ksk)
		ldns_rr_list_push_rr(anchor, ldns_rr_clone(ksk));
	ldns_pkt_free(p);
	assert_int_equal(ldns_rr_list_rr_count(anchor), 1);
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	struct ctx c = at(&labw);
	c.anchor = anchor;
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_SECURE, 0);
	LINKS(".", "test.", "example.test.");
	assert_int_equal(R.rep.links[0].ds[0].digest_type, 0);
	assert_true(R.rep.links[0].ds[0].matched);
	assert_int_equal(R.rep.links[0].ds[0].tag, R.rep.links[0].key_sig.tag);

	/* The ZSK as the anchor: it matches, but did not sign the key set. */
	anchor = replace_kept(anchor, ldns_rr_list_new());
	p = ask(&labw, (root = dname(".")), LDNS_RR_TYPE_DNSKEY);
	ldns_rdf_deep_free(root);
	assert_non_null(p);
	ldns_rr_list_push_rr(anchor, ldns_rr_clone(key_with_flags(ldns_pkt_answer(p), 256)));
	ldns_pkt_free(p);
	c.anchor = anchor;
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_DNSKEY_MISSING);
	LINKS(".");
}

static void test_secure_cname_chain_across_zones(void **state)
{
	check(&labw, "shopfront.example.test.", LDNS_RR_TYPE_A);
	expect_verdict(VAL_SECURE, 0);
	LINKS(".", "test.", "example.test.", "shop.example.test.");
	expect_secure_link(&R.rep.links[3]);
	assert_int_equal(R.rep.nsigs, 2);
	assert_int_equal(R.rep.sigs[0].type_covered, LDNS_RR_TYPE_CNAME);
	assert_string_equal(R.rep.sigs[0].signer, "example.test.");
	assert_int_equal(R.rep.sigs[1].type_covered, LDNS_RR_TYPE_A);
	assert_string_equal(R.rep.sigs[1].signer, "shop.example.test.");
	assert_int_equal(R.rep.validations, 9);

	check(&labw, "alias2.example.test.", LDNS_RR_TYPE_A);
	expect_verdict(VAL_SECURE, 0);
	LINKS(".", "test.", "example.test.");
	assert_int_equal(R.rep.nsigs, 3);
}

/* 2.0.192.in-addr.arpa. is three labels below arpa.: its DS, signed by
 * arpa., names the parent at once, so the empty labels between
 * (in-addr.arpa. ...) cost neither a fetch nor a signature check. */
static void test_secure_reverse_through_empty_non_terminals(void **state)
{
	check(&labw, "10.2.0.192.in-addr.arpa.", LDNS_RR_TYPE_PTR);
	expect_verdict(VAL_SECURE, 0);
	LINKS(".", "arpa.", "2.0.192.in-addr.arpa.");
	assert_string_equal(R.log, "DNSKEY . | DS 2.0.192.in-addr.arpa. | DS arpa. | DNSKEY arpa. | "
				   "DNSKEY 2.0.192.in-addr.arpa.");
	assert_null(strstr(R.log, "DS in-addr.arpa."));
	expect_secure_link(&R.rep.links[2]);
	/* 3 key sets, 2 DS sets, the PTR. */
	assert_int_equal(R.rep.validations, 6);
}

static void test_secure_negative_nsec(void **state)
{
	check(&labw, "nothing.example.test.", LDNS_RR_TYPE_A);
	expect_verdict(VAL_SECURE, 0);
	assert_int_equal(R.rep.rcode, LDNS_RCODE_NXDOMAIN);
	assert_true(R.rep.negative);
	assert_string_equal(R.rep.denial, "NSEC");
	LINKS(".", "test.", "example.test.");
	assert_true(R.rep.nsigs >= 1);
	assert_int_equal(R.rep.sigs[0].type_covered, LDNS_RR_TYPE_SOA);
	assert_true(R.rep.sigs[0].verified);

	check(&labw, "www.example.test.", LDNS_RR_TYPE_MX); /* NODATA */
	expect_verdict(VAL_SECURE, 0);
	assert_int_equal(R.rep.rcode, LDNS_RCODE_NOERROR);
	assert_true(R.rep.negative);
	assert_string_equal(R.rep.denial, "NSEC");

	check(&labw, "ent.example.test.", LDNS_RR_TYPE_A); /* an empty non-terminal */
	expect_verdict(VAL_SECURE, 0);
	assert_true(R.rep.negative);
}

static void test_secure_wildcard_nsec(void **state)
{
	check(&labw, "any.wild.example.test.", LDNS_RR_TYPE_A);
	expect_verdict(VAL_SECURE, 0);
	assert_false(R.rep.negative);
	check(&labw, "any.wild.example.test.", LDNS_RR_TYPE_MX); /* wildcard NODATA */
	expect_verdict(VAL_SECURE, 0);
	assert_true(R.rep.negative);
	check(&labw, "host.wild.example.test.", LDNS_RR_TYPE_A); /* a real name beside the wildcard */
	expect_verdict(VAL_SECURE, 0);
}

/* The DS RRset itself as the question, and its signed absence. */
static void test_secure_ds_questions(void **state)
{
	check(&labw, "example.test.", LDNS_RR_TYPE_DS);
	expect_verdict(VAL_SECURE, 0);
	LINKS(".", "test.");
	assert_int_equal(R.rep.sigs[0].type_covered, LDNS_RR_TYPE_DS);
	assert_string_equal(R.rep.sigs[0].signer, "test.");

	check(&labw, "island.test.", LDNS_RR_TYPE_DS);
	expect_verdict(VAL_SECURE, 0);
	assert_true(R.rep.negative);
	assert_string_equal(R.rep.denial, "NSEC");
}

/* ---- 2, 3. insecure ---- */

static void test_insecure_island(void **state)
{
	check(&labw, "www.island.test.", LDNS_RR_TYPE_A);
	expect_verdict(VAL_INSECURE, 0);
	LINKS(".", "test.", "island.test.");
	const struct valr_link *l = &R.rep.links[2];
	assert_int_equal(l->state, VAL_INSECURE);
	assert_true(l->no_ds);
	assert_string_equal(l->denial, "NSEC");
	assert_int_equal(l->nds, 0);
	assert_int_equal(l->nkeys, 0);
	assert_non_null(strstr(l->why, "no DS"));
	expect_secure_link(&R.rep.links[1]);
	/* Its signature is not even looked at. */
	assert_int_equal(R.rep.nsigs, 0);
	assert_int_equal(R.rep.validations, 4); /* 2 key sets, 1 DS, the NSEC */
	assert_null(strstr(R.log, "DNSKEY island.test."));
}

static void test_insecure_unsigned(void **state)
{
	check(&labw, "www.unsigned.test.", LDNS_RR_TYPE_A);
	expect_verdict(VAL_INSECURE, 0);
	LINKS(".", "test.", "unsigned.test.");
	assert_true(R.rep.links[2].no_ds);
	assert_string_equal(R.rep.links[2].denial, "NSEC");

	check(&labw, "nothing.unsigned.test.", LDNS_RR_TYPE_A);
	expect_verdict(VAL_INSECURE, 0);
	assert_true(R.rep.negative);
}

/* ---- 4. signature windows ---- */

static void test_bogus_expired_zone(void **state)
{
	check(&labw, "www.expired.test.", LDNS_RR_TYPE_A);
	expect_verdict(VAL_BOGUS, EDE_SIG_EXPIRED);
	LINKS(".", "test.", "expired.test.");
	const struct valr_link *l = &R.rep.links[2];
	assert_int_equal(l->state, VAL_BOGUS);
	assert_int_equal(l->ede, EDE_SIG_EXPIRED);
	assert_true(l->ds[0].matched);
	assert_true(l->has_key_sig);
	assert_false(l->key_sig.verified);
	assert_true(l->key_sig.expiration < (uint32_t)labw.now);
	expect_why("expired");
}

static void test_bogus_clock_after_expiry(void **state)
{
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	struct ctx c = at(&labw);
	c.now = labw.now + 40 * DAY;
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_SIG_EXPIRED);
	assert_int_equal(R.rep.now, c.now);
	/* The first link already fails: the root's key set. */
	LINKS(".");
	assert_int_equal(R.rep.links[0].state, VAL_BOGUS);
	assert_int_equal(R.rep.validations, 0);
}

static void test_bogus_clock_before_inception(void **state)
{
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	struct ctx c = at(&labw);
	c.now = labw.now - 2 * 3600;
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_SIG_NOT_YET_VALID);
	expect_why("not valid yet");
	/* An hour before the signing is still inside the window. */
	c.now = labw.now - 3000;
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_SECURE, 0);
}

/* ---- 5. a DS that matches no key ---- */

static void test_bogus_wrong_ds(void **state)
{
	check(&labw, "www.wrongds.test.", LDNS_RR_TYPE_A);
	expect_verdict(VAL_BOGUS, EDE_DNSKEY_MISSING);
	LINKS(".", "test.", "wrongds.test.");
	const struct valr_link *l = &R.rep.links[2];
	assert_int_equal(l->state, VAL_BOGUS);
	assert_int_equal(l->nds, 1);
	assert_false(l->ds[0].matched);
	assert_true(l->has_ds_sig && l->ds_sig.verified); /* the DS itself is genuine */
	assert_int_equal(l->nkeys, 2);
	assert_false(l->keys[0].matches_ds);
	assert_false(l->keys[1].matches_ds);
	expect_why("matches the DS");
}

/* ---- 6. corrupt signatures ---- */

static void test_bogus_bad_sig(void **state)
{
	check(&labw, "www.badsig.test.", LDNS_RR_TYPE_A);
	expect_verdict(VAL_BOGUS, EDE_DNSSEC_BOGUS);
	LINKS(".", "test.", "badsig.test.");
	expect_secure_link(&R.rep.links[2]);
	assert_int_equal(R.rep.nsigs, 1);
	assert_false(R.rep.sigs[0].verified);
	expect_why("does not verify");

	check(&labw, "ok.badsig.test.", LDNS_RR_TYPE_A);
	expect_verdict(VAL_SECURE, 0);
	assert_true(R.rep.sigs[0].verified);

	check(&labw, "nothing.badsig.test.", LDNS_RR_TYPE_A);
	assert_int_equal(R.rep.rcode, LDNS_RCODE_NXDOMAIN);
	expect_verdict(VAL_BOGUS, EDE_DNSSEC_BOGUS);
	expect_why("SOA");
}

/* ---- 7. NSEC3 ---- */

static void test_nsec3_nxdomain(void **state)
{
	check(&labw, "nx.nsec3.test.", LDNS_RR_TYPE_A);
	expect_verdict(VAL_SECURE, 0);
	assert_int_equal(R.rep.rcode, LDNS_RCODE_NXDOMAIN);
	assert_true(R.rep.negative);
	assert_string_equal(R.rep.denial, "NSEC3");
	LINKS(".", "test.", "nsec3.test.");
	expect_secure_link(&R.rep.links[2]);
	assert_int_equal(R.rep.sigs[0].type_covered, LDNS_RR_TYPE_SOA);
	/* 5 for the chain, the SOA, and the three NSEC3s of the proof. */
	assert_int_equal(R.rep.validations, 9);
}

static void test_nsec3_nodata(void **state)
{
	check(&labw, "www.nsec3.test.", LDNS_RR_TYPE_TXT);
	expect_verdict(VAL_SECURE, 0);
	assert_int_equal(R.rep.rcode, LDNS_RCODE_NOERROR);
	assert_true(R.rep.negative);
	assert_string_equal(R.rep.denial, "NSEC3");

	check(&labw, "b.nsec3.test.", LDNS_RR_TYPE_A); /* empty non-terminal */
	expect_verdict(VAL_SECURE, 0);
	assert_true(R.rep.negative);
	assert_string_equal(R.rep.denial, "NSEC3");

	check(&labw, "www.nsec3.test.", LDNS_RR_TYPE_AAAA);
	expect_verdict(VAL_SECURE, 0);
	assert_false(R.rep.negative);
}

static void test_nsec3_wildcard(void **state)
{
	check(&labw, "x.wild.nsec3.test.", LDNS_RR_TYPE_TXT);
	expect_verdict(VAL_SECURE, 0);
	assert_false(R.rep.negative);
	assert_int_equal(R.rep.sigs[0].type_covered, LDNS_RR_TYPE_TXT);

	check(&labw, "x.wild.nsec3.test.", LDNS_RR_TYPE_A); /* wildcard NODATA */
	expect_verdict(VAL_SECURE, 0);
	assert_true(R.rep.negative);
	assert_string_equal(R.rep.denial, "NSEC3");
}

/* At most 8 NSEC3 hashes per proof: 6 labels below the zone still fit
 * (6 closest-encloser candidates, the next closer name, the wildcard). */
static void test_nsec3_hash_budget(void **state)
{
	check(&labw, "a.b.c.d.e.f.nsec3.test.", LDNS_RR_TYPE_A);
	assert_int_equal(R.rep.rcode, LDNS_RCODE_NXDOMAIN);
	expect_verdict(VAL_SECURE, 0);

	check(&labw, "a.b.c.d.e.f.g.nsec3.test.", LDNS_RR_TYPE_A);
	assert_int_equal(R.rep.rcode, LDNS_RCODE_NXDOMAIN);
	expect_verdict(VAL_BOGUS, EDE_DNSSEC_BOGUS);
	expect_why("hash");
}

/* ---- 8. tampering ---- */

static void test_tamper_rrsig_dropped(void **state)
{
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	assert_int_equal(drop(a.an, LDNS_RR_TYPE_RRSIG, 0), 1);
	struct ctx c = at(&labw);
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_RRSIGS_MISSING);
	expect_why("no RRSIG");
	/* The walk went to www itself and found it is no zone cut. */
	assert_non_null(strstr(R.log, "DS www.example.test."));
	LINKS(".", "test.", "example.test.");
}

static void test_tamper_address_changed(void **state)
{
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	ldns_rr *rr = find(a.an, LDNS_RR_TYPE_A, 0);
	assert_non_null(rr);
	set_rdf(rr, ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, "192.0.2.66"), 0);
	struct ctx c = at(&labw);
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_DNSSEC_BOGUS);
	assert_false(R.rep.sigs[0].verified);
}

static void test_tamper_nxdomain_without_nsec(void **state)
{
	struct answer a = resolve_in(&labw, "nothing.example.test.", LDNS_RR_TYPE_A);
	assert_int_equal(a.rcode, LDNS_RCODE_NXDOMAIN);
	assert_true(drop(a.ns, LDNS_RR_TYPE_NSEC, 0) >= 1);
	struct ctx c = at(&labw);
	validate_answer(&c, "nothing.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_NSEC_MISSING);

	/* NSEC3 too, with the signatures gone as well. */
	a = resolve_in(&labw, "nx.nsec3.test.", LDNS_RR_TYPE_A);
	assert_int_equal(drop(a.ns, LDNS_RR_TYPE_NSEC3, 0), 3);
	assert_int_equal(drop(a.ns, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_NSEC3), 3);
	validate_answer(&c, "nx.nsec3.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_NSEC_MISSING);

	/* Any one of the three NSEC3s left out (closest encloser, next closer
	 * name, wildcard): not proven. */
	a = resolve_in(&labw, "nx.nsec3.test.", LDNS_RR_TYPE_A);
	assert_int_equal(count(a.ns, LDNS_RR_TYPE_NSEC3), 3);
	struct answer b = a;
	bool bogus_each = true;
	for (size_t k = 0; k < 3; k++) {
		/* leave out the k-th NSEC3 and its signature */
		const ldns_rdf *owner = NULL;
		for (size_t i = 0, seen = 0; i < ldns_rr_list_rr_count(a.ns) && !owner; i++)
			if (ldns_rr_get_type(ldns_rr_list_rr(a.ns, i)) == LDNS_RR_TYPE_NSEC3 && seen++ == k)
				owner = ldns_rr_owner(ldns_rr_list_rr(a.ns, i));
		assert_non_null(owner);
		b.ns = keep_list(ldns_rr_list_new());
		for (size_t i = 0; i < ldns_rr_list_rr_count(a.ns); i++) {
			const ldns_rr *rr = ldns_rr_list_rr(a.ns, i);
			if (ldns_dname_compare(ldns_rr_owner(rr), owner) != 0)
				ldns_rr_list_push_rr(b.ns, ldns_rr_clone(rr));
		}
		assert_int_equal(count(b.ns, LDNS_RR_TYPE_NSEC3), 2);
		validate_answer(&c, "nx.nsec3.test.", LDNS_RR_TYPE_A, &b);
		bogus_each = bogus_each && R.verdict == VAL_BOGUS;
		if (R.verdict != VAL_BOGUS)
			print_error("without NSEC3 #%zu: %s\n", k, val_security_name(R.verdict));
	}
	assert_true(bogus_each);
}

static void test_tamper_wildcard_without_proof(void **state)
{
	struct ctx c = at(&labw);
	struct answer a = resolve_in(&labw, "x.wild.nsec3.test.", LDNS_RR_TYPE_TXT);
	assert_true(count(a.ns, LDNS_RR_TYPE_NSEC3) >= 1);
	a.ns = replace_kept(a.ns, ldns_rr_list_new());
	validate_answer(&c, "x.wild.nsec3.test.", LDNS_RR_TYPE_TXT, &a);
	expect_verdict(VAL_BOGUS, EDE_NSEC_MISSING);
	expect_why("wildcard");

	a = resolve_in(&labw, "any.wild.example.test.", LDNS_RR_TYPE_A);
	assert_int_equal(drop(a.ns, LDNS_RR_TYPE_NSEC, 0), 1);
	validate_answer(&c, "any.wild.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_NSEC_MISSING);
}

/* A wildcard answer replayed for a name that exists: the NSEC3 proof of the
 * real answer does not cover it. */
static void test_tamper_wildcard_replayed_over_real_name(void **state)
{
	struct answer a = resolve_in(&labw, "any.wild.example.test.", LDNS_RR_TYPE_A);
	set_owner(a.an, "host.wild.example.test.");
	struct ctx c = at(&labw);
	validate_answer(&c, "host.wild.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_NSEC_MISSING);
}

/* The outcome of fetches can be broken too. */
struct fail_fetch {
	const char *name;
	ldns_rr_type type;
};

static void fail_hook(void *arg, const ldns_rdf *name, ldns_rr_type t, ldns_pkt_rcode *rcode, ldns_rr_list **an,
		      ldns_rr_list **ns)
{
	const struct fail_fetch *f = arg;
	ldns_rdf *want = ldns_dname_new_frm_str(f->name);
	if (t == f->type && want && ldns_dname_compare(want, name) == 0) {
		*rcode = LDNS_RCODE_SERVFAIL;
		drop(*an, LDNS_RR_TYPE_DS, 0);
		drop(*an, LDNS_RR_TYPE_DNSKEY, 0);
		drop(*an, LDNS_RR_TYPE_RRSIG, 0);
	}
	ldns_rdf_deep_free(want);
}

static void test_failed_fetches(void **state)
{
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	struct fail_fetch ff = { "example.test.", LDNS_RR_TYPE_DS };
	struct ctx c = at(&labw);
	c.hook = fail_hook;
	c.arg = &ff;
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_DNSSEC_BOGUS);
	expect_why("SERVFAIL");
	LINKS(".", "test.", "example.test.");

	ff = (struct fail_fetch){ "example.test.", LDNS_RR_TYPE_DNSKEY };
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_DNSKEY_MISSING);
	assert_true(R.rep.links[2].ds[0].matched == false);
}

/* A resolution that failed is not validated. */
static void test_servfail_unchecked(void **state)
{
	struct answer a = { LDNS_RCODE_SERVFAIL, keep_list(ldns_rr_list_new()), keep_list(ldns_rr_list_new()) };
	struct ctx c = at(&labw);
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	assert_int_equal(R.verdict, VAL_UNCHECKED);
	assert_int_equal(R.fetches, 0);
	assert_int_equal(R.rep.nlinks, 0);
}

/* ---- 9. NSEC3 iterations (RFC 9276) ---- */

static void test_nsec3_iterations(void **state)
{
	check(&mini, "nx.it51.", LDNS_RR_TYPE_A);
	assert_int_equal(R.rep.rcode, LDNS_RCODE_NXDOMAIN);
	expect_verdict(VAL_INSECURE, EDE_NSEC3_ITERATIONS);
	assert_string_equal(R.rep.denial, "NSEC3");
	LINKS(".", "it51.");
	expect_secure_link(&R.rep.links[1]);
	expect_why("51 iterations");

	check(&mini, "nx.it50.", LDNS_RR_TYPE_A);
	assert_int_equal(R.rep.rcode, LDNS_RCODE_NXDOMAIN);
	expect_verdict(VAL_SECURE, 0);
	assert_string_equal(R.rep.denial, "NSEC3");

	/* Positive answers do not need the chain. */
	check(&mini, "www.it51.", LDNS_RR_TYPE_A);
	expect_verdict(VAL_SECURE, 0);

	/* The proof that an unsigned child has no DS, with 51 iterations. */
	check(&mini, "www.u.p51.", LDNS_RR_TYPE_A);
	expect_verdict(VAL_INSECURE, EDE_NSEC3_ITERATIONS);
	LINKS(".", "p51.", "u.p51.");
	assert_int_equal(R.rep.links[2].state, VAL_INSECURE);
	assert_int_equal(R.rep.links[2].ede, EDE_NSEC3_ITERATIONS);
}

/* ---- 10. KeyTrap ---- */

/* A DNSKEY with the same flags, algorithm and key tag as key but another
 * public key (variant n): one byte changed, then the last two steered. */
static ldns_rr *colliding_key(const ldns_rr *key, unsigned n)
{
	const ldns_rdf *pub = ldns_rr_rdf(key, 3);
	size_t plen = ldns_rdf_size(pub), len = 4 + plen;
	uint8_t *buf = malloc(len);
	assert_non_null(buf);
	uint16_t flags = ldns_rdf2native_int16(ldns_rr_rdf(key, 0));
	buf[0] = (uint8_t)(flags >> 8);
	buf[1] = (uint8_t)flags;
	buf[2] = ldns_rdf2native_int8(ldns_rr_rdf(key, 1));
	buf[3] = ldns_rdf2native_int8(ldns_rr_rdf(key, 2));
	memcpy(buf + 4, ldns_rdf_data(pub), plen);
	uint16_t tag = ldns_calc_keytag(key);
	assert_int_equal(ldns_calc_keytag_raw(buf, len), tag);
	buf[4 + plen / 2] ^= (uint8_t)(n + 1);
	bool found = false;
	for (unsigned v = 0; v < 65536 && !found; v++) {
		buf[len - 2] = (uint8_t)(v >> 8);
		buf[len - 1] = (uint8_t)v;
		found = ldns_calc_keytag_raw(buf, len) == tag;
	}
	ldns_rr *c = ldns_rr_clone(key);
	ldns_rdf *np = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_B64, plen, buf + 4);
	free(buf);
	assert_true(found);
	set_rdf(c, np, 3);
	assert_int_equal(ldns_calc_keytag(c), tag);
	assert_int_not_equal(ldns_rdf_compare(ldns_rr_rdf(c, 3), pub), 0);
	return c;
}

/* Sign set (records of zone) with the zone's KSK (ksk) or ZSK from keydir,
 * valid for a week from an hour before now; returns the RRSIGs. */
static ldns_rr_list *sign_rrset(const char *keydir, const ldns_rdf *zone, ldns_rr_list *set, double now, bool ksk)
{
	ldns_key_list *kl = NULL;
	ldns_rr_list *dnskeys = NULL;
	struct dl_error err = { 0 };
	assert_int_equal(keys_load_dir(keydir, zone, &kl, &dnskeys, &err), 0);
	for (size_t i = 0; i < ldns_key_list_key_count(kl); i++) {
		ldns_key *k = ldns_key_list_key(kl, i);
		ldns_key_set_inception(k, (uint32_t)now - 3600);
		ldns_key_set_expiration(k, (uint32_t)now + 7 * 86400);
		ldns_key_set_use(k, ((ldns_key_flags(k) & LDNS_KEY_SEP_KEY) != 0) == ksk);
	}
	ldns_rr_list *sigs = ldns_sign_public(set, kl);
	ldns_rr_list *out = ldns_rr_list_new();
	const ldns_rr *key = key_with_flags(dnskeys, ksk ? 257 : 256);
	for (size_t i = 0; sigs && i < ldns_rr_list_rr_count(sigs); i++) {
		ldns_rr *s = ldns_rr_list_rr(sigs, i);
		if (key && ldns_rdf2native_int16(ldns_rr_rrsig_keytag(s)) == ldns_calc_keytag(key))
			ldns_rr_list_push_rr(out, ldns_rr_clone(s));
	}
	ldns_rr_list_deep_free(sigs);
	ldns_key_list_free(kl);
	ldns_rr_list_deep_free(dnskeys);
	return out;
}

/* Replace example.test.'s DNSKEY set by one with n keys colliding with its
 * ZSK placed before the real ZSK, re-signed with its KSK. */
struct collide {
	const char *zone;
	unsigned fakes;
	const char *keydir;
	double now;
};

static void collide_hook(void *arg, const ldns_rdf *name, ldns_rr_type t, ldns_pkt_rcode *rcode, ldns_rr_list **an,
			 ldns_rr_list **ns)
{
	const struct collide *c = arg;
	ldns_rdf *zone = ldns_dname_new_frm_str(c->zone);
	bool mine = t == LDNS_RR_TYPE_DNSKEY && zone && ldns_dname_compare(zone, name) == 0;
	if (!mine) {
		ldns_rdf_deep_free(zone);
		return;
	}
	const ldns_rr *ksk = key_with_flags(*an, 257), *zsk = key_with_flags(*an, 256);
	ldns_rr_list *set = ldns_rr_list_new();
	ldns_rr_list_push_rr(set, ldns_rr_clone(ksk));
	for (unsigned i = 0; i < c->fakes; i++)
		ldns_rr_list_push_rr(set, colliding_key(zsk, i));
	ldns_rr_list_push_rr(set, ldns_rr_clone(zsk));
	ldns_rr_list *sigs = sign_rrset(c->keydir, zone, set, c->now, true);
	ldns_rdf_deep_free(zone);
	ldns_rr_list_push_rr_list(set, sigs);
	ldns_rr_list_free(sigs);
	ldns_rr_list_deep_free(*an);
	*an = set;
}

static void test_keytrap_key_tag_collision_found(void **state)
{
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	struct collide col = { "example.test.", 2, labw.keydir, labw.now };
	struct ctx c = at(&labw);
	c.hook = collide_hook;
	c.arg = &col;
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_SECURE, 0);
	const struct valr_link *l = &R.rep.links[2];
	assert_int_equal(l->nkeys, 4);
	assert_int_equal(l->keys[1].tag, l->keys[3].tag);
	assert_int_equal(l->keys[2].tag, l->keys[3].tag);
	/* 5 for the chain, then the two fakes and the real ZSK. */
	assert_int_equal(R.rep.validations, 8);
}

static void test_keytrap_per_rrset_limit(void **state)
{
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	struct collide col = { "example.test.", 9, labw.keydir, labw.now };
	struct ctx c = at(&labw);
	c.hook = collide_hook;
	c.arg = &col;
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_DNSSEC_BOGUS);
	expect_why("KeyTrap");
	assert_int_equal(R.rep.links[2].state, VAL_SECURE);
	assert_int_equal(R.rep.links[2].nkeys, VALR_MAX_KEYS); /* 11 keys, 8 reported */
	assert_int_equal(R.rep.validations, 5 + VAL_MAX_PER_RRSET);
}

/* Many RRSIGs naming the ZSK, none of them good. */
static void test_keytrap_many_signatures(void **state)
{
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	ldns_rr *sig = ldns_rr_clone(find(a.an, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_A));
	assert_non_null(sig);
	drop(a.an, LDNS_RR_TYPE_RRSIG, 0);
	for (unsigned i = 0; i < 10; i++)
		ldns_rr_list_push_rr(a.an, garbage_sig(sig, i));
	ldns_rr_free(sig);
	struct ctx c = at(&labw);
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_DNSSEC_BOGUS);
	expect_why("KeyTrap");
	assert_int_equal(R.rep.validations, 5 + VAL_MAX_PER_RRSET);
}

/* Two RRsets, each with 7 bad RRSIGs before its good one: the first
 * verifies at its 8th check, the second runs out of the query's 16. */
static void test_keytrap_per_query_limit(void **state)
{
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	struct answer b = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_AAAA);
	ldns_rr_list *an = keep_list(ldns_rr_list_new());
	const struct answer a0 = a, b0 = b, *parts[] = { &a0, &b0 };
	for (size_t p = 0; p < 2; p++) {
		const ldns_rr *sig = find(parts[p]->an, LDNS_RR_TYPE_RRSIG, 0);
		assert_non_null(sig);
		for (size_t i = 0; i < ldns_rr_list_rr_count(parts[p]->an); i++)
			if (ldns_rr_get_type(ldns_rr_list_rr(parts[p]->an, i)) != LDNS_RR_TYPE_RRSIG)
				ldns_rr_list_push_rr(an, ldns_rr_clone(ldns_rr_list_rr(parts[p]->an, i)));
		for (unsigned i = 0; i < 7; i++)
			ldns_rr_list_push_rr(an, garbage_sig(sig, i));
		ldns_rr_list_push_rr(an, ldns_rr_clone(sig));
	}
	a.an = an;
	struct ctx c = at(&labw);
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_DNSSEC_BOGUS);
	expect_why("KeyTrap");
	assert_int_equal(R.rep.validations, VAL_MAX_PER_QUERY);
	assert_int_equal(R.rep.nsigs, 2);
	assert_true(R.rep.sigs[0].verified);
	assert_false(R.rep.sigs[1].verified);

	/* With 4 bad ones each, both fit: 5 + 5 + 5 = 15 checks. */
	ldns_rr_list *an2 = keep_list(ldns_rr_list_new());
	for (size_t p = 0; p < 2; p++) {
		const ldns_rr *sig = find(parts[p]->an, LDNS_RR_TYPE_RRSIG, 0);
		for (size_t i = 0; i < ldns_rr_list_rr_count(parts[p]->an); i++)
			if (ldns_rr_get_type(ldns_rr_list_rr(parts[p]->an, i)) != LDNS_RR_TYPE_RRSIG)
				ldns_rr_list_push_rr(an2, ldns_rr_clone(ldns_rr_list_rr(parts[p]->an, i)));
		for (unsigned i = 0; i < 4; i++)
			ldns_rr_list_push_rr(an2, garbage_sig(sig, i));
		ldns_rr_list_push_rr(an2, ldns_rr_clone(sig));
	}
	a.an = an2;
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_SECURE, 0);
	assert_int_equal(R.rep.validations, 15);
}

/* 33 empty non-terminals between deep. and a name whose RRSIG is
 * stripped: the walk down asks for the DS of each, and each proof costs a
 * signature check, so the query's budget ends the walk. */
static void test_keytrap_deep_walk(void **state)
{
	const char *name = "x.l33.l32.l31.l30.l29.l28.l27.l26.l25.l24.l23.l22.l21.l20.l19.l18.l17.l16.l15.l14."
			   "l13.l12.l11.l10.l9.l8.l7.l6.l5.l4.l3.l2.l1.deep.";
	struct answer a = resolve_in(&mini, name, LDNS_RR_TYPE_A);
	assert_int_equal(count(a.an, LDNS_RR_TYPE_A), 1);
	check(&mini, name, LDNS_RR_TYPE_A);
	expect_verdict(VAL_SECURE, 0);
	assert_int_equal(R.rep.validations, 4);
	assert_int_equal(drop(a.an, LDNS_RR_TYPE_RRSIG, 0), 1);
	struct ctx c = at(&mini);
	validate_answer(&c, name, LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_DNSSEC_BOGUS);
	expect_why("KeyTrap");
	assert_int_equal(R.rep.validations, VAL_MAX_PER_QUERY);
	/* DNSKEY ., DS deep., DNSKEY deep. (3 checks), 13 DS proven absent
	 * (13 checks), and the 14th, whose proof is not checked any more. */
	assert_int_equal(R.fetches, 3 + 14);
}

/* ---- DS records the validator cannot use ---- */

/* example.test.'s DS set in test., changed (digest type, algorithm) or
 * with an extra DS, and re-signed with test.'s ZSK. */
struct ds_edit {
	int digest_type, alg; /* -1: unchanged */
	bool add;             /* add the changed DS beside the real one */
};

static void ds_hook(void *arg, const ldns_rdf *name, ldns_rr_type t, ldns_pkt_rcode *rcode, ldns_rr_list **an,
		    ldns_rr_list **ns)
{
	const struct ds_edit *e = arg;
	ldns_rdf *child = ldns_dname_new_frm_str("example.test."), *parent = ldns_dname_new_frm_str("test.");
	if (t == LDNS_RR_TYPE_DS && child && parent && ldns_dname_compare(child, name) == 0) {
		ldns_rr_list *set = ldns_rr_list_new();
		for (size_t i = 0; i < ldns_rr_list_rr_count(*an); i++) {
			const ldns_rr *ds = ldns_rr_list_rr(*an, i);
			if (ldns_rr_get_type(ds) != LDNS_RR_TYPE_DS)
				continue;
			ldns_rr *c = ldns_rr_clone(ds);
			if (e->alg >= 0)
				ldns_rdf_deep_free(ldns_rr_set_rdf(c, ldns_native2rdf_int8(LDNS_RDF_TYPE_ALG, (uint8_t)e->alg), 1));
			if (e->digest_type >= 0)
				ldns_rdf_deep_free(ldns_rr_set_rdf(
					c, ldns_native2rdf_int8(LDNS_RDF_TYPE_INT8, (uint8_t)e->digest_type), 2));
			if (e->add)
				ldns_rr_list_push_rr(set, ldns_rr_clone(ds));
			ldns_rr_list_push_rr(set, c);
		}
		ldns_rr_list *sigs = sign_rrset(labw.keydir, parent, set, labw.now, false);
		ldns_rr_list_push_rr_list(set, sigs);
		ldns_rr_list_free(sigs);
		ldns_rr_list_deep_free(*an);
		*an = set;
	}
	ldns_rdf_deep_free(child);
	ldns_rdf_deep_free(parent);
}

static void test_ds_unusable(void **state)
{
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	struct ds_edit e = { .digest_type = -1, .alg = -1 };
	struct ctx c = at(&labw);
	c.hook = ds_hook;
	c.arg = &e;
	/* Re-signed but unchanged: the hook itself breaks nothing. */
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_SECURE, 0);

	/* RFC 4035 5.2: no DS with a digest or algorithm the validator knows
	 * is as good as no DS. */
	e = (struct ds_edit){ .digest_type = 99, .alg = -1 };
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_INSECURE, 0);
	LINKS(".", "test.", "example.test.");
	assert_int_equal(R.rep.links[2].state, VAL_INSECURE);
	assert_int_equal(R.rep.links[2].ds[0].digest_type, 99);
	assert_true(R.rep.links[2].has_ds_sig && R.rep.links[2].ds_sig.verified);
	assert_non_null(strstr(R.rep.links[2].why, "no DS uses"));

	e = (struct ds_edit){ .digest_type = -1, .alg = 253 };
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_INSECURE, 0);

	/* Beside a DS it can use, an unknown one changes nothing. */
	e = (struct ds_edit){ .digest_type = 99, .alg = -1, .add = true };
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_SECURE, 0);
	assert_int_equal(R.rep.links[2].nds, 2);
	assert_true(R.rep.links[2].ds[0].matched);
	assert_false(R.rep.links[2].ds[1].matched);

	/* A known digest type that is wrong (SHA-384 over the key, claimed
	 * SHA-256 bytes): matches no key. */
	e = (struct ds_edit){ .digest_type = LDNS_SHA384, .alg = -1 };
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_DNSKEY_MISSING);
}

/* ---- what the RRSIG claims about its signer ---- */

static void test_signer_name_claims(void **state)
{
	struct ctx c = at(&labw);
	/* Signed by "www.example.test.", which is no zone. */
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	ldns_rr *sig = find(a.an, LDNS_RR_TYPE_RRSIG, 0);
	set_rdf(sig, dname("www.example.test."), 7);
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_DNSSEC_BOGUS);
	expect_why("not a zone");

	/* Signed by "test.", whose keys did not sign it. */
	set_rdf(sig, dname("test."), 7);
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_DNSKEY_MISSING);
	LINKS(".", "test.");

	/* A signer that does not enclose the owner is no claim at all: the
	 * walk goes to the owner's zone, which finds no RRSIG by it. */
	set_rdf(sig, dname("nsec3.test."), 7);
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_RRSIGS_MISSING);
}

/* Every RRset of the answer is checked; the weakest decides. */
static void test_mixed_rrsets(void **state)
{
	struct ctx c = at(&labw);
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	struct answer u = resolve_in(&labw, "www.unsigned.test.", LDNS_RR_TYPE_A);
	struct answer b = resolve_in(&labw, "www.badsig.test.", LDNS_RR_TYPE_A);
	ldns_rr_list *secure_then_insecure = keep_list(ldns_rr_list_clone(a.an));
	append_clone(secure_then_insecure, u.an);
	struct answer m = { LDNS_RCODE_NOERROR, secure_then_insecure, a.ns };
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &m);
	expect_verdict(VAL_INSECURE, 0);
	LINKS(".", "test.", "example.test.", "unsigned.test.");

	ldns_rr_list *insecure_then_bogus = keep_list(ldns_rr_list_clone(u.an));
	append_clone(insecure_then_bogus, b.an);
	m.an = insecure_then_bogus;
	validate_answer(&c, "www.unsigned.test.", LDNS_RR_TYPE_A, &m);
	expect_verdict(VAL_BOGUS, EDE_DNSSEC_BOGUS);
}

/* The state machine's edges. */
static void test_api_edges(void **state)
{
	validator_free(NULL);
	struct validator *v = validator_new(labw.anchor, labw.now);
	assert_non_null(v);
	ldns_rdf *qn = dname("www.example.test.");
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	assert_int_equal(validator_start(v, qn, LDNS_RR_TYPE_A, a.rcode, a.an, a.ns), 0);
	ldns_rdf_deep_free(qn);
	/* An outcome nobody asked for is ignored. */
	struct iter_result junk = { .rcode = LDNS_RCODE_SERVFAIL };
	validator_on_fetch(v, &junk);
	struct val_fetch f = { 0 };
	unsigned fetches = 0;
	enum val_action act;
	while ((act = validator_run(v, &f)) == VAL_ACT_FETCH && fetches < 20) {
		fetches++;
		/* Asked again without an answer: the same fetch. */
		ldns_rdf *first = ldns_rdf_clone(f.name);
		ldns_rr_type first_type = f.type;
		struct val_fetch again = { 0 };
		enum val_action act2 = validator_run(v, &again);
		bool same = act2 == VAL_ACT_FETCH && again.type == first_type &&
			    ldns_dname_compare(again.name, first) == 0;
		ldns_rdf_deep_free(first);
		if (!same) {
			validator_free(v);
			fail_msg("a second validator_run asked for something else");
		}
		ldns_pkt *p = ask(&labw, again.name, again.type);
		struct iter_result r = { .rcode = p ? ldns_pkt_get_rcode(p) : LDNS_RCODE_SERVFAIL,
					 .answer = p ? ldns_pkt_answer(p) : NULL,
					 .authority = p ? ldns_pkt_authority(p) : NULL };
		validator_on_fetch(v, &r);
		ldns_pkt_free(p);
	}
	uint16_t ede = 1;
	const char *why = NULL;
	enum val_security sec = validator_verdict(v, &ede, &why);
	/* Done stays done. */
	enum val_action again = validator_run(v, &f);
	validator_free(v);
	assert_int_equal(act, VAL_ACT_DONE);
	assert_int_equal(again, VAL_ACT_DONE);
	assert_int_equal(fetches, 5);
	assert_int_equal(sec, VAL_SECURE);
	assert_int_equal(ede, 0);
	assert_non_null(why);
	assert_string_equal(val_security_name(VAL_SECURE), "secure");
	assert_string_equal(val_security_name(VAL_INSECURE), "insecure");
	assert_string_equal(val_security_name(VAL_BOGUS), "bogus");
}

/* ---- 11. no trust anchor ---- */

static void test_no_anchor(void **state)
{
	const char *names[] = { "www.example.test.", "www.expired.test.", "nothing.example.test.",
				"www.badsig.test." };
	for (size_t i = 0; i < 4; i++) {
		struct answer a = resolve_in(&labw, names[i], LDNS_RR_TYPE_A);
		struct ctx c = at(&labw);
		c.anchor = NULL;
		validate_answer(&c, names[i], LDNS_RR_TYPE_A, &a);
		expect_verdict(VAL_INSECURE, 0);
		assert_int_equal(R.fetches, 0);
		LINKS(".");
		assert_true(R.rep.links[0].anchor);
		assert_int_equal(R.rep.links[0].state, VAL_INSECURE);
		assert_int_equal(R.rep.validations, 0);
	}
	/* An empty anchor list is no anchor either. */
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	ldns_rr_list *empty = keep_list(ldns_rr_list_new());
	struct ctx c = at(&labw);
	c.anchor = empty;
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_INSECURE, 0);
}

/* An anchor for another root: nothing matches it. */
static void test_wrong_anchor(void **state)
{
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	struct ctx c = at(&labw);
	c.anchor = mini.anchor;
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_DNSKEY_MISSING);
	LINKS(".");
	assert_true(R.rep.links[0].anchor);
	assert_false(R.rep.links[0].ds[0].matched);
}

static void test_is_dnssec_rr(void **state)
{
	const char *yes[] = { "a. 300 IN RRSIG A 13 1 300 20260101000000 20250101000000 1 a. AAAA",
			      "a. 300 IN NSEC b. A RRSIG NSEC",
			      "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.a. 300 IN NSEC3 1 0 0 - 0p9mhaveqvm6t7vbl5lop2u3t2rp3ton A" };
	const char *no[] = { "a. 300 IN A 192.0.2.1", "a. 300 IN DS 1 13 2 "
				"0000000000000000000000000000000000000000000000000000000000000000",
			     "a. 300 IN DNSKEY 256 3 13 AAAA" };
	for (size_t i = 0; i < 3; i++) {
		ldns_rr *rr = NULL;
		assert_int_equal(ldns_rr_new_frm_str(&rr, yes[i], 0, NULL, NULL), LDNS_STATUS_OK);
		bool r = validator_is_dnssec_rr(rr);
		ldns_rr_free(rr);
		assert_true(r);
		assert_int_equal(ldns_rr_new_frm_str(&rr, no[i], 0, NULL, NULL), LDNS_STATUS_OK);
		r = validator_is_dnssec_rr(rr);
		ldns_rr_free(rr);
		assert_false(r);
	}
}

/* ---- known bugs ---- */

/* An NXDOMAIN for a name in the secure example.test., "proven" with the SOA
 * and NSEC of another zone.  The validator takes the SOA's owner as the zone
 * to check, without asking whether it encloses the name. */
static void test_bug_negative_with_unrelated_insecure_soa(void **state)
{
	struct answer fake = resolve_in(&labw, "nothing.unsigned.test.", LDNS_RR_TYPE_A);
	assert_int_equal(fake.rcode, LDNS_RCODE_NXDOMAIN);
	struct ctx c = at(&labw);
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &fake);
	KNOWN_BUG(R.verdict == VAL_BOGUS,
		  "NXDOMAIN for www.example.test. A with the authority section of unsigned.test. validates INSECURE");
	expect_state(VAL_BOGUS);
}

static void test_bug_negative_with_sibling_zone_proof(void **state)
{
	/* zzz.shop.example.test. is covered by shop's last NSEC, which wraps
	 * to its apex; www.example.test. sorts after every name of shop. */
	struct answer fake = resolve_in(&labw, "zzz.shop.example.test.", LDNS_RR_TYPE_A);
	assert_int_equal(fake.rcode, LDNS_RCODE_NXDOMAIN);
	struct ctx c = at(&labw);
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &fake);
	KNOWN_BUG(R.verdict == VAL_BOGUS,
		  "NXDOMAIN for the existing www.example.test. A, proven with shop.example.test.'s SOA and NSEC, "
		  "validates SECURE");
	expect_state(VAL_BOGUS);
}

/* The NSEC at a delegation in the parent (NS, no SOA) says nothing about
 * names below the cut (RFC 6840 4.1). */
static void test_bug_denial_from_parent_side_of_cut(void **state)
{
	/* exb.test. sorts between example.test. and expired.test.: its
	 * NXDOMAIN holds test.'s NSEC example.test. -> expired.test. */
	struct answer fake = resolve_in(&labw, "exb.test.", LDNS_RR_TYPE_A);
	assert_int_equal(fake.rcode, LDNS_RCODE_NXDOMAIN);
	struct ctx c = at(&labw);
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &fake);
	KNOWN_BUG(R.verdict == VAL_BOGUS, "NXDOMAIN for www.example.test. proven by test.'s NSEC at the "
					  "example.test. delegation validates SECURE");
	expect_state(VAL_BOGUS);
}

/* a.host.wild.example.test. cannot come from *.wild.example.test.: its
 * closest encloser is host.wild.example.test.  An NSEC that covers the name
 * is not enough (RFC 4035 5.3.4): the next closer name must be covered. */
static void test_bug_wildcard_nsec_closer_name(void **state)
{
	struct answer a = resolve_in(&labw, "x.wild.example.test.", LDNS_RR_TYPE_A);
	struct answer nx = resolve_in(&labw, "a.host.wild.example.test.", LDNS_RR_TYPE_A);
	assert_int_equal(nx.rcode, LDNS_RCODE_NXDOMAIN);
	set_owner(a.an, "a.host.wild.example.test.");
	a.ns = nx.ns;
	struct ctx c = at(&labw);
	validate_answer(&c, "a.host.wild.example.test.", LDNS_RR_TYPE_A, &a);
	KNOWN_BUG(R.verdict == VAL_BOGUS, "a wildcard A from *.wild.example.test. for a.host.wild.example.test. "
					  "(whose closest encloser host.wild exists) validates SECURE");
	expect_state(VAL_BOGUS);
}

/* Which RRSIG's labels field says "wildcard": the one that verified, not
 * the first one with the same key tag.  The wildcard A of *.wild.example.test.
 * replayed as host.wild.example.test. (which exists, with another address),
 * without a proof, behind a decoy RRSIG whose labels field (4) says the
 * owner is no wildcard expansion. */
static void test_bug_wildcard_decoy_rrsig(void **state)
{
	struct answer a = resolve_in(&labw, "any.wild.example.test.", LDNS_RR_TYPE_A);
	set_owner(a.an, "host.wild.example.test.");
	ldns_rr *sig = find(a.an, LDNS_RR_TYPE_RRSIG, 0);
	assert_non_null(sig);
	assert_int_equal(ldns_rdf2native_int8(ldns_rr_rrsig_labels(sig)), 3);
	ldns_rr *decoy = ldns_rr_clone(sig);
	set_rdf(decoy, ldns_native2rdf_int8(LDNS_RDF_TYPE_INT8, 4), 2); /* the labels field */
	insert_at(a.an, 0, decoy);
	a.ns = replace_kept(a.ns, ldns_rr_list_new());
	struct ctx c = at(&labw);
	validate_answer(&c, "host.wild.example.test.", LDNS_RR_TYPE_A, &a);
	KNOWN_BUG(R.verdict == VAL_BOGUS, "the wildcard A 192.0.2.80 replayed as host.wild.example.test. (really "
					  "192.0.2.81), with no proof and a decoy RRSIG (labels 4) first, validates SECURE");
	expect_state(VAL_BOGUS);
}

/* A root signed with NSEC3: the closest encloser of "nx." is the root,
 * with 0 labels, which the closest-encloser search never tries. */
static void test_bug_nsec3_root_nxdomain(void **state)
{
	check(&mini, "nx.", LDNS_RR_TYPE_A);
	assert_int_equal(R.rep.rcode, LDNS_RCODE_NXDOMAIN);
	KNOWN_BUG(R.verdict == VAL_SECURE, "NXDOMAIN for nx. from a root signed with NSEC3 is BOGUS");
	expect_verdict(VAL_SECURE, 0);
}

/* A signed zone 12 labels below its parent, like an IPv6 reverse zone for
 * a /48: the walk down from v6. proves, for each of the 11 empty
 * non-terminals in between, that it is no zone cut, one NSEC check each.
 * With the key sets and the answer that is 17 signature checks, one more
 * than the KeyTrap budget of a query: a genuine answer comes out bogus.
 * (Validators that follow the RRSIG's signer name fetch the DS of
 * 0.0.0.0.8.b.d.0.1.0.0.2.v6. directly: 6 checks.) */
static void test_bug_deep_delegation_exhausts_budget(void **state)
{
	check(&mini, "www.0.0.0.0.8.b.d.0.1.0.0.2.v6.", LDNS_RR_TYPE_A);
	KNOWN_BUG(R.verdict == VAL_SECURE, "www.0.0.0.0.8.b.d.0.1.0.0.2.v6. A, signed and delegated 12 labels "
					   "below v6., is BOGUS: the walk spends the 16 checks of the KeyTrap budget "
					   "on the empty non-terminals");
	expect_verdict(VAL_SECURE, 0);
	LINKS(".", "v6.", "0.0.0.0.8.b.d.0.1.0.0.2.v6.");
}


/* ---- the key cache: what one validation proved serves the next ---- */

static void test_keycache_second_answer_costs_one_check(void **state)
{
	struct keycache kc;
	keycache_init(&kc);
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	struct ctx c = at(&labw);
	c.kc = &kc;
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_SECURE, 0);
	assert_int_equal(R.fetches, 5);
	assert_int_equal(R.rep.validations, 6);
	/* Another name of the same zone: only its own signature is checked. */
	a = resolve_in(&labw, "mail.example.test.", LDNS_RR_TYPE_A);
	validate_answer(&c, "mail.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_SECURE, 0);
	assert_int_equal(R.fetches, 0);
	assert_int_equal(R.rep.validations, 1);
	/* Straight from the anchor's zone to the signer's: both remembered. */
	LINKS(".", "example.test.");
	/* An island stays insecure without asking again. */
	a = resolve_in(&labw, "www.island.test.", LDNS_RR_TYPE_A);
	validate_answer(&c, "www.island.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_INSECURE, 0);
	unsigned first = R.fetches;
	assert_true(first > 0);
	a = resolve_in(&labw, "www.island.test.", LDNS_RR_TYPE_AAAA);
	validate_answer(&c, "www.island.test.", LDNS_RR_TYPE_AAAA, &a);
	expect_verdict(VAL_INSECURE, 0);
	assert_int_equal(R.fetches, 0);
	assert_int_equal(R.rep.validations, 0);
	/* Past the DNSKEY TTLs everything is proven again. */
	c.now += 2 * DAY;
	a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_SECURE, 0);
	assert_int_equal(R.fetches, 5);
	/* A lab clock turned back (stored "in the future"): not trusted. */
	c.now -= 2 * DAY;
	a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_SECURE, 0);
	assert_int_equal(R.fetches, 5);
	keycache_flush(&kc);
	assert_int_equal(kc.n, 0);
}

/* The memo of verified signatures: the same answer again is secure without
 * a new public-key check, but only the exact bytes that verified count: a
 * changed address, or the same answer past its signature's end, is judged
 * afresh. */
static void test_keycache_signature_memo(void **state)
{
	struct keycache kc;
	keycache_init(&kc);
	struct ctx c = at(&labw);
	c.kc = &kc;
	struct answer a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_SECURE, 0);
	/* The memo key of the A RRset's check is remembered; the TTLs are not
	 * part of it (a cached answer's TTL counts down). */
	ldns_rr_list *set = ldns_rr_list_new(), *keys = NULL;
	ldns_rr *sig = NULL;
	for (size_t i = 0; i < ldns_rr_list_rr_count(a.an); i++) {
		ldns_rr *rr = ldns_rr_list_rr(a.an, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_A)
			ldns_rr_list_push_rr(set, ldns_rr_clone(rr));
		else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG)
			sig = rr;
	}
	assert_non_null(sig);
	ldns_rdf *zone = ldns_dname_new_frm_str("example.test.");
	const struct kc_entry *e = keycache_get(&kc, zone, c.now);
	assert_non_null(e);
	keys = e->keys;
	uint16_t tag = ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig));
	const ldns_rr *zsk = NULL;
	for (size_t i = 0; i < ldns_rr_list_rr_count(keys); i++)
		if (ldns_calc_keytag(ldns_rr_list_rr(keys, i)) == tag)
			zsk = ldns_rr_list_rr(keys, i);
	assert_non_null(zsk);
	uint8_t m1[32], m2[32];
	assert_int_equal(rrsig_memo_key(set, sig, zsk, m1), 0);
	assert_true(keycache_sig_known(&kc, m1));
	ldns_rr_set_ttl(ldns_rr_list_rr(set, 0), 7);
	assert_int_equal(rrsig_memo_key(set, sig, zsk, m2), 0);
	assert_memory_equal(m1, m2, 32);
	/* Another address: another key, not known. */
	set_rdf(ldns_rr_list_rr(set, 0), ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, "192.0.2.66"), 0);
	assert_int_equal(rrsig_memo_key(set, sig, zsk, m2), 0);
	assert_memory_not_equal(m1, m2, 32);
	assert_false(keycache_sig_known(&kc, m2));
	ldns_rr_list_deep_free(set);
	/* The same answer again: secure, from the memo. */
	a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_SECURE, 0);
	/* A forged address with the remembered signature: still bogus. */
	a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	set_rdf(find(a.an, LDNS_RR_TYPE_A, 0), ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, "192.0.2.66"), 0);
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_DNSSEC_BOGUS);
	/* Past the signature's end the memo does not help: expired. */
	c.now += 40 * DAY;
	a = resolve_in(&labw, "www.example.test.", LDNS_RR_TYPE_A);
	validate_answer(&c, "www.example.test.", LDNS_RR_TYPE_A, &a);
	expect_verdict(VAL_BOGUS, EDE_SIG_EXPIRED);
	/* flush forgets it. */
	keycache_flush(&kc);
	assert_false(keycache_sig_known(&kc, m1));
	ldns_rdf_deep_free(zone);
}

static void test_keycache_bogus_is_not_remembered(void **state)
{
	struct keycache kc;
	keycache_init(&kc);
	struct ctx c = at(&labw);
	c.kc = &kc;
	for (int round = 0; round < 2; round++) {
		struct answer a = resolve_in(&labw, "www.expired.test.", LDNS_RR_TYPE_A);
		validate_answer(&c, "www.expired.test.", LDNS_RR_TYPE_A, &a);
		expect_verdict(VAL_BOGUS, EDE_SIG_EXPIRED);
		/* The expired zone's keys are fetched and checked every time. */
		assert_non_null(strstr(R.log, "DNSKEY expired.test."));
	}
	keycache_flush(&kc);
}

static void test_keycache_entries(void **state)
{
	struct keycache kc;
	keycache_init(&kc);
	ldns_rdf *n = dname("a.test.");
	keycache_put(&kc, n, KC_NOT_A_CUT, NULL, 0, NULL, 1000, 60);
	assert_non_null(keycache_get(&kc, n, 1030));
	assert_null(keycache_get(&kc, n, 1060));   /* expired */
	assert_null(keycache_get(&kc, n, 900));    /* stored later than now */
	keycache_put(&kc, n, KC_INSECURE, NULL, 0, "why", 1000, 0);
	assert_int_equal(keycache_get(&kc, n, 1001)->state, KC_NOT_A_CUT); /* ttl 0: not stored */
	for (int i = 0; i < KEYCACHE_SLOTS + 10; i++) {
		char name[32];
		snprintf(name, sizeof name, "n%d.test.", i);
		ldns_rdf *d = dname(name);
		keycache_put(&kc, d, KC_NOT_A_CUT, NULL, 0, NULL, 1000, 60);
		ldns_rdf_deep_free(d);
	}
	assert_int_equal(kc.n, KEYCACHE_SLOTS); /* full: old entries make way */
	ldns_rdf_deep_free(n);
	keycache_flush(&kc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_secure_www_example),
		T(test_secure_with_dnskey_anchor),
		T(test_secure_cname_chain_across_zones),
		T(test_secure_reverse_through_empty_non_terminals),
		T(test_secure_negative_nsec),
		T(test_secure_wildcard_nsec),
		T(test_secure_ds_questions),
		T(test_insecure_island),
		T(test_insecure_unsigned),
		T(test_bogus_expired_zone),
		T(test_bogus_clock_after_expiry),
		T(test_bogus_clock_before_inception),
		T(test_bogus_wrong_ds),
		T(test_bogus_bad_sig),
		T(test_nsec3_nxdomain),
		T(test_nsec3_nodata),
		T(test_nsec3_wildcard),
		T(test_nsec3_hash_budget),
		T(test_tamper_rrsig_dropped),
		T(test_tamper_address_changed),
		T(test_tamper_nxdomain_without_nsec),
		T(test_tamper_wildcard_without_proof),
		T(test_tamper_wildcard_replayed_over_real_name),
		T(test_failed_fetches),
		T(test_servfail_unchecked),
		T(test_nsec3_iterations),
		T(test_keytrap_key_tag_collision_found),
		T(test_keytrap_per_rrset_limit),
		T(test_keytrap_many_signatures),
		T(test_keytrap_per_query_limit),
		T(test_keytrap_deep_walk),
		T(test_ds_unusable),
		T(test_signer_name_claims),
		T(test_mixed_rrsets),
		T(test_api_edges),
		T(test_no_anchor),
		T(test_wrong_anchor),
		T(test_is_dnssec_rr),
		T(test_bug_negative_with_unrelated_insecure_soa),
		T(test_bug_negative_with_sibling_zone_proof),
		T(test_bug_denial_from_parent_side_of_cut),
		T(test_bug_wildcard_nsec_closer_name),
		T(test_bug_wildcard_decoy_rrsig),
		T(test_bug_nsec3_root_nxdomain),
		T(test_bug_deep_delegation_exhausts_budget),
		T(test_keycache_second_answer_costs_one_check),
		T(test_keycache_signature_memo), T(test_keycache_bogus_is_not_remembered),
		T(test_keycache_entries),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
