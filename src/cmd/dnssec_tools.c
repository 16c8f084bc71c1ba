/* dnssec_tools.c: `dnslab keygen`, `dnslab sign` and `dnslab ds`: DNSSEC
 * tools on files, for the lab's zones or any real one. */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "dns/zone.h"
#include "dnssec/keys.h"
#include "dnssec/verify.h"
#include "dnssec/signer.h"
#include "lab/clock.h"
#include "ui/json.h"
#include "ui/term.h"

static const char keygen_usage[] =
	"usage: dnslab keygen ZONE [--ksk] [--alg ALGORITHM] [--dir DIR] [--ttl N] [--force]\n"
	"\n"
	"Make a DNSSEC key pair for ZONE: DIR/KZONE.+ALG+TAG.key (the DNSKEY record)\n"
	"and .private (mode 0600), in the format of BIND and ldns.  A zone signing\n"
	"key (flags 256) unless --ksk (a key signing key, flags 257, the one whose\n"
	"DS goes to the parent).  Existing files are never replaced without --force.\n"
	"\n"
	"  --ksk            a key signing key (SEP bit set)\n"
	"  --alg ALGORITHM  ecdsap256sha256 (13, default), ed25519 (15) or rsasha256 (8)\n"
	"  --dir DIR        where to write the files (default: .)\n"
	"  --ttl N          TTL of the DNSKEY record (default 3600)\n"
	"  --force          replace files that exist\n"
	"  -h, --help       this help\n";

static const char sign_usage[] =
	"usage: dnslab sign ZONEFILE [-o OUT] [--keys DIR] [--origin ZONE] [--nsec3 [--iterations N] [--salt HEX|-]]\n"
	"                   [--inception T] [--expiration T | --validity DURATION] [--clock OFFSET]\n"
	"                   [--publish-only TAG]... [--without TAG]... [--force]\n"
	"\n"
	"Sign a zone file with every key of ZONE found in DIR (dnslab keygen makes\n"
	"them): KSKs sign the DNSKEY RRset, ZSKs the rest.  Authenticated denial is\n"
	"NSEC, or NSEC3 with RFC 9276 parameters (SHA-1, 0 iterations, no salt, no\n"
	"opt-out).  The output (default ZONEFILE.signed) is written atomically.\n"
	"\n"
	"A key rollover by pre-publication (RFC 7583) names keys by their tag:\n"
	"--publish-only puts a key in the DNSKEY RRset without signing with it (a\n"
	"new ZSK before its turn, an old one after), --without leaves it out.\n"
	"\n"
	"  -o, --out FILE       output file\n"
	"  --keys DIR           key directory (default: the zone file's)\n"
	"  --origin ZONE        the zone's name (default: from the file name, X.zone)\n"
	"  --nsec3              NSEC3 instead of NSEC\n"
	"  --iterations N       NSEC3 extra iterations (default 0; RFC 9276 says 0)\n"
	"  --salt HEX|-         NSEC3 salt (default - : none, as RFC 9276 says)\n"
	"  --inception T        signatures valid from T (default: an hour ago)\n"
	"  --expiration T       signatures valid until T (default: inception + 30d)\n"
	"  --validity DURATION  instead of --expiration: inception + DURATION (30d, 2w ...)\n"
	"                       (T: epoch seconds, YYYYMMDDHHMMSS in UTC, now, or\n"
	"                       now+DURATION / now-DURATION)\n"
	"  --clock OFFSET       now is the lab clock's: real time + OFFSET (+40d ...);\n"
	"                       the lab shell's sign passes its clock\n"
	"  --publish-only TAG   publish key TAG in the DNSKEY RRset, sign nothing with it\n"
	"  --without TAG        leave key TAG out of the zone (both repeatable)\n"
	"  --force              replace an existing output file\n"
	"  -h, --help           this help\n";

static const char ds_usage[] =
	"usage: dnslab ds KEYFILE|ZONEFILE [--digest sha256|sha384]\n"
	"\n"
	"Print the DS record for a key signing key: from a .key file, or from the\n"
	"first DNSKEY with flags 257 in a zone file.  This is what the parent\n"
	"zone publishes (through the registrar) to complete the chain of trust.\n"
	"\n"
	"  --digest sha256|sha384  the digest type (default sha256, type 2)\n"
	"  -h, --help              this help\n";

static int need_value(const char *cmd, const char *opt, int i, int argc)
{
	if (i + 1 < argc)
		return 0;
	fprintf(stderr, "dnslab %s: %s needs a value\n", cmd, opt);
	return -1;
}

int cmd_keygen(int argc, char **argv)
{
	const char *zone = NULL, *dir = ".";
	bool ksk = false, force = false;
	ldns_signing_algorithm alg = LDNS_SIGN_ECDSAP256SHA256;
	long ttl = 3600;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(keygen_usage, stdout);
			return 0;
		} else if (!strcmp(a, "--ksk")) {
			ksk = true;
		} else if (!strcmp(a, "--force")) {
			force = true;
		} else if (!strcmp(a, "--alg") || !strcmp(a, "-a")) {
			if (need_value("keygen", a, i, argc))
				return 2;
			if (keys_algorithm(argv[++i], &alg) != 0) {
				fprintf(stderr, "dnslab keygen: unknown algorithm '%s' (ecdsap256sha256, ed25519, rsasha256)\n",
					argv[i]);
				return 2;
			}
		} else if (!strcmp(a, "--dir") || !strcmp(a, "-K")) {
			if (need_value("keygen", a, i, argc))
				return 2;
			dir = argv[++i];
		} else if (!strcmp(a, "--ttl")) {
			if (need_value("keygen", a, i, argc))
				return 2;
			char *end;
			ttl = strtol(argv[++i], &end, 10);
			if (*end || ttl < 0 || ttl > 2147483647L) {
				fprintf(stderr, "dnslab keygen: --ttl '%s' is not a TTL\n", argv[i]);
				return 2;
			}
		} else if (a[0] == '-') {
			fprintf(stderr, "dnslab keygen: unknown option '%s'\n%s", a, keygen_usage);
			return 2;
		} else if (!zone) {
			zone = a;
		} else {
			fprintf(stderr, "dnslab keygen: one zone at a time ('%s' is extra)\n", a);
			return 2;
		}
	}
	if (!zone) {
		fprintf(stderr, "dnslab keygen: which zone? e.g. dnslab keygen student.test --ksk\n\n%s", keygen_usage);
		return 2;
	}
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "dnslab keygen: --dir %s is not a directory\n", dir);
		return 2;
	}
	struct dl_error err = { 0, "" };
	char base[4096];
	ldns_rr *dnskey = NULL;
	if (keys_generate(zone, alg, ksk, dir, force, (uint32_t)ttl, base, sizeof base, &dnskey, &err) != 0)
		return dl_error_report(&err);
	printf("%s\n", base);
	/* Two short lines: the lab shell's demo shows them on a projector. */
	fprintf(stderr, ";; wrote %s.key\n;; and its private half, .private (mode 0600): a %s, key tag %u\n", base,
		ksk ? "key signing key (KSK)" : "zone signing key (ZSK)", (unsigned)ldns_calc_keytag(dnskey));
	ldns_rr_free(dnskey);
	return 0;
}

/* sign's progress line on a terminal: "signing ZONE: 45% (90000/200001
 * RRsets)", rewritten in place (\r) and blanked out at the end, so that
 * nothing of it stays in the terminal's scrollback. */
struct sign_progress {
	int width; /* of the line last drawn; 0: none */
};

static void sign_progress_draw(void *arg, const char *zone, size_t done, size_t total)
{
	struct sign_progress *p = arg;
	char line[300];
	int pct = total ? (int)(done * 100 / total) : 100;
	size_t zl = strlen(zone);
	/* One line of a narrow terminal, or \r cannot take it back: a long
	 * zone name keeps its last 40 characters. */
	int n = snprintf(line, sizeof line, "signing %s%s: %d%% (%zu/%zu RRsets)", zl > 40 ? "..." : "",
			 zl > 40 ? zone + zl - 40 : zone, pct, done, total);
	if (n < 0)
		return;
	if (n >= (int)sizeof line)
		n = (int)sizeof line - 1;
	fprintf(stderr, "\r%s%*s", line, p->width > n ? p->width - n : 0, "");
	if (p->width < n)
		p->width = n;
	fflush(stderr);
}

static void sign_progress_erase(struct sign_progress *p)
{
	if (p->width)
		fprintf(stderr, "\r%*s\r", p->width, "");
	p->width = 0;
}

/* Epoch seconds from T (see sign's usage); -1 when it is none of those. */
static long long parse_time(const char *s, time_t now)
{
	if (!strncmp(s, "now", 3)) {
		int64_t off = 0;
		if (s[3] && labclock_parse_offset(s + 3, &off) != 0)
			return -1;
		return (long long)now + off;
	}
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end || v < 0)
		return -1;
	if (strlen(s) == 14) { /* YYYYMMDDHHMMSS, as in RRSIG presentation */
		struct tm tm = { 0 };
		if (!strptime(s, "%Y%m%d%H%M%S", &tm))
			return -1;
		return (long long)timegm(&tm);
	}
	return v;
}

int cmd_sign(int argc, char **argv)
{
	struct keyroles roles = { .npublish_only = 0 };
	struct signer_opts o = { .salt = "-", .roles = &roles };
	const char *inception = NULL, *expiration = NULL, *validity = NULL, *clock = NULL;
	struct dl_error err = { 0, "" };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **dst = NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(sign_usage, stdout);
			return 0;
		} else if (!strcmp(a, "--nsec3")) {
			o.nsec3 = true;
		} else if (!strcmp(a, "--force")) {
			o.force = true;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--out")) {
			dst = &o.out;
		} else if (!strcmp(a, "--keys") || !strcmp(a, "-K")) {
			dst = &o.keydir;
		} else if (!strcmp(a, "--origin")) {
			dst = &o.origin;
		} else if (!strcmp(a, "--salt")) {
			dst = &o.salt;
		} else if (!strcmp(a, "--inception")) {
			dst = &inception;
		} else if (!strcmp(a, "--expiration")) {
			dst = &expiration;
		} else if (!strcmp(a, "--validity")) {
			dst = &validity;
		} else if (!strcmp(a, "--clock")) {
			dst = &clock;
		} else if (!strcmp(a, "--publish-only") || !strcmp(a, "--without")) {
			if (need_value("sign", a, i, argc))
				return 2;
			bool po = !strcmp(a, "--publish-only");
			if (keyroles_add(po ? roles.publish_only : roles.without, po ? &roles.npublish_only : &roles.nwithout,
					 argv[++i], a, &err) != 0)
				return dl_error_report(&err);
		} else if (!strcmp(a, "--iterations")) {
			if (need_value("sign", a, i, argc))
				return 2;
			char *end;
			long n = strtol(argv[++i], &end, 10);
			if (*end || n < 0 || n > 2500) {
				fprintf(stderr, "dnslab sign: --iterations '%s': a number from 0 to 2500 (RFC 9276 says 0)\n",
					argv[i]);
				return 2;
			}
			o.iterations = (uint16_t)n;
		} else if (a[0] == '-') {
			fprintf(stderr, "dnslab sign: unknown option '%s'\n%s", a, sign_usage);
			return 2;
		} else if (!o.zonefile) {
			o.zonefile = a;
		} else {
			fprintf(stderr, "dnslab sign: one zone file at a time ('%s' is extra)\n", a);
			return 2;
		}
		if (dst) {
			if (need_value("sign", a, i, argc))
				return 2;
			*dst = argv[++i];
		}
	}
	if (!o.zonefile) {
		fprintf(stderr, "dnslab sign: which zone file? e.g. dnslab sign student.test.zone\n\n%s", sign_usage);
		return 2;
	}
	if (expiration && validity) {
		fprintf(stderr, "dnslab sign: give --expiration or --validity, not both\n");
		return 2;
	}
	time_t now = time(NULL);
	int64_t off = 0;
	if (clock && labclock_parse_offset(clock, &off) != 0) {
		fprintf(stderr, "dnslab sign: --clock '%s': an offset such as +40d, -2h or 0\n", clock);
		return 2;
	}
	now += (time_t)off;
	long long inc = inception ? parse_time(inception, now) : (long long)now - 3600;
	if (inc < 0) {
		fprintf(stderr, "dnslab sign: --inception '%s': epoch seconds, YYYYMMDDHHMMSS, now or now-1h\n", inception);
		return 2;
	}
	long long exp;
	if (expiration) {
		exp = parse_time(expiration, now);
	} else {
		int64_t v = 30 * 86400;
		if (validity && (labclock_parse_offset(validity, &v) != 0 || v <= 0)) {
			fprintf(stderr, "dnslab sign: --validity '%s': a duration such as 30d, 2w or 12h\n", validity);
			return 2;
		}
		/* The validity counts from the inception: 30 days by default, as
		 * the usage says, the same rule with or without --inception. */
		exp = inc + v;
	}
	if (exp < 0 || exp <= inc || exp > 0xffffffffLL || inc > 0xffffffffLL) {
		fprintf(stderr, "dnslab sign: the signatures' validity must end after it begins\n");
		return 2;
	}
	o.inception = (uint32_t)inc;
	o.expiration = (uint32_t)exp;
	struct signer_stats st;
	/* Large zones take seconds: show progress, but only to a person. */
	struct sign_progress prog = { 0 };
	if (isatty(fileno(stderr))) {
		o.progress = sign_progress_draw;
		o.progress_arg = &prog;
	}
	int rc = signer_sign(&o, &st, &err);
	sign_progress_erase(&prog);
	if (rc != 0)
		return dl_error_report(&err);
	char from[32], to[32];
	time_t ti = (time_t)o.inception, te = (time_t)o.expiration;
	strftime(from, sizeof from, "%Y-%m-%d %H:%M UTC", gmtime(&ti));
	strftime(to, sizeof to, "%Y-%m-%d %H:%M UTC", gmtime(&te));
	printf("%s\n", st.out);
	fprintf(stderr, ";; signed %zu records with %zu key%s (%s): %zu signatures,\n;; valid from %s to %s\n",
		st.records_in, st.keys, st.keys == 1 ? "" : "s", o.nsec3 ? "NSEC3" : "NSEC", st.signatures, from, to);
	if (st.published > st.keys)
		fprintf(stderr, ";; %zu more key%s published in the DNSKEY RRset, signing nothing (--publish-only)\n",
			st.published - st.keys, st.published - st.keys == 1 ? "" : "s");
	return 0;
}

int cmd_ds(int argc, char **argv)
{
	const char *file = NULL;
	ldns_hash digest = LDNS_SHA256;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(ds_usage, stdout);
			return 0;
		} else if (!strcmp(a, "--digest") || !strcmp(a, "-d")) {
			if (need_value("ds", a, i, argc))
				return 2;
			const char *d = argv[++i];
			if (!strcasecmp(d, "sha256") || !strcmp(d, "2"))
				digest = LDNS_SHA256;
			else if (!strcasecmp(d, "sha384") || !strcmp(d, "4"))
				digest = LDNS_SHA384;
			else {
				fprintf(stderr, "dnslab ds: --digest '%s': sha256 or sha384 (SHA-1 is deprecated, RFC 9904)\n", d);
				return 2;
			}
		} else if (a[0] == '-') {
			fprintf(stderr, "dnslab ds: unknown option '%s'\n%s", a, ds_usage);
			return 2;
		} else if (!file) {
			file = a;
		} else {
			fprintf(stderr, "dnslab ds: one file at a time ('%s' is extra)\n", a);
			return 2;
		}
	}
	if (!file) {
		fprintf(stderr, "dnslab ds: which key? e.g. dnslab ds Kstudent.test.+013+12345.key\n\n%s", ds_usage);
		return 2;
	}
	size_t n = strlen(file);
	bool keyfile = n > 4 && !strcmp(file + n - 4, ".key");
	struct dl_error err = { 0, "" };
	ldns_rr *dnskey = NULL;
	if (keys_read_dnskey(file, !keyfile, &dnskey, &err) != 0)
		return dl_error_report(&err);
	if (keyfile && !(ldns_rdf2native_int16(ldns_rr_rdf(dnskey, 0)) & LDNS_KEY_SEP_KEY))
		fprintf(stderr, ";; note: this is a zone signing key (flags 256); the parent's DS usually names the KSK\n");
	ldns_rr *ds = ldns_key_rr2ds(dnskey, digest);
	if (!ds) {
		ldns_rr_free(dnskey);
		fprintf(stderr, "dnslab ds: could not compute the DS\n");
		return 3;
	}
	ldns_rr_set_ttl(ds, ldns_rr_ttl(dnskey));
	ldns_rr_print(stdout, ds);
	ldns_rr_free(ds);
	ldns_rr_free(dnskey);
	return 0;
}

static const char verify_usage[] =
	"usage: dnslab verify SIGNEDZONE [--origin ZONE] [--anchor FILE] [--at TIME] [--json]\n"
	"\n"
	"Check a whole signed zone offline and report every problem with its owner\n"
	"name and a plain-words reason: a missing, expired or not yet valid RRSIG, a\n"
	"signature that does not verify, a hole in the NSEC/NSEC3 chain, a type\n"
	"bitmap that does not match, no key signing key, a KSK without the SEP bit,\n"
	"a DNSKEY that matches no DS of the anchor.  Exit 0 when clean, 1 when\n"
	"problems are found.\n"
	"\n"
	"  --origin ZONE   the zone's name (default: from the file name)\n"
	"  --anchor FILE   DS (or DNSKEY) records the zone's keys must match\n"
	"  --at TIME       check validity at TIME instead of now (epoch seconds,\n"
	"                  YYYYMMDDHHMMSS, now+40d ...)\n"
	"  -j, --json      one JSON object\n"
	"  -h, --help      this help\n";

struct verify_out {
	bool json;
	struct json *j;
	bool color;
};

static void verify_print(void *arg, const struct verify_problem *p)
{
	struct verify_out *o = arg;
	char *owner = ldns_rdf2str(p->owner), *type = p->type ? ldns_rr_type2str(p->type) : NULL;
	if (o->json) {
		json_obj_begin(o->j);
		json_key(o->j, "owner");
		json_str(o->j, owner);
		json_key(o->j, "type");
		json_str(o->j, type);
		json_key(o->j, "problem");
		json_str(o->j, p->what);
		json_key(o->j, "why");
		json_str(o->j, p->why);
		json_obj_end(o->j);
	} else {
		printf("%s%s%s: %s%s%s: %s\n", owner ? owner : "?", type ? " " : "", type ? type : "",
		       term_sgr(o->color, TERM_RED), p->what, term_reset(o->color), p->why);
	}
	free(owner);
	free(type);
}

struct anchor_ctx {
	const char *path;
	ldns_rr_list *list;
};

static int take_anchor(void *arg, ldns_rr *rr, int line, struct dl_error *err)
{
	struct anchor_ctx *a = arg;
	if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_DS && ldns_rr_get_type(rr) != LDNS_RR_TYPE_DNSKEY) {
		ldns_rr_free(rr);
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: an anchor is a DS or DNSKEY record", a->path, line);
	}
	if (!ldns_rr_list_push_rr(a->list, rr)) {
		ldns_rr_free(rr);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	return 0;
}

static int read_anchors(const char *path, ldns_rr_list **out, struct dl_error *err)
{
	struct anchor_ctx a = { path, *out = ldns_rr_list_new() };
	if (!a.list)
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	int rc = keys_read_records(path, "the anchor file ", take_anchor, &a, err);
	if (!rc && !ldns_rr_list_rr_count(a.list))
		rc = dl_error_set(err, DL_ERR_INPUT, "%s: no DS or DNSKEY record in it", path);
	return rc;
}

int cmd_verify(int argc, char **argv)
{
	const char *file = NULL, *origin = NULL, *anchor = NULL, *at = NULL;
	bool json = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **dst = NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(verify_usage, stdout);
			return 0;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--origin")) {
			dst = &origin;
		} else if (!strcmp(a, "--anchor")) {
			dst = &anchor;
		} else if (!strcmp(a, "--at")) {
			dst = &at;
		} else if (a[0] == '-') {
			fprintf(stderr, "dnslab verify: unknown option '%s'\n%s", a, verify_usage);
			return 2;
		} else if (!file) {
			file = a;
		} else {
			fprintf(stderr, "dnslab verify: one zone at a time ('%s' is extra)\n", a);
			return 2;
		}
		if (dst) {
			if (need_value("verify", a, i, argc))
				return 2;
			*dst = argv[++i];
		}
	}
	if (!file) {
		fprintf(stderr, "dnslab verify: which signed zone? e.g. dnslab verify example.test.zone.signed\n\n%s",
			verify_usage);
		return 2;
	}
	time_t now = time(NULL);
	long long when = at ? parse_time(at, now) : (long long)now;
	if (when < 0) {
		fprintf(stderr, "dnslab verify: --at '%s': epoch seconds, YYYYMMDDHHMMSS, now or now+40d\n", at);
		return 2;
	}
	struct dl_error err = { 0, "" };
	char zname[1024];
	if (origin && !*origin) {
		fprintf(stderr, "dnslab verify: --origin needs a zone name (. for the root)\n");
		return 2;
	} else if (origin) {
		snprintf(zname, sizeof zname, "%s%s", origin, origin[strlen(origin) - 1] == '.' ? "" : ".");
	} else {
		/* example.test.zone.signed or example.test.zone -> example.test. */
		const char *b = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
		snprintf(zname, sizeof zname, "%s", b);
		char *cut = strstr(zname, ".zone");
		if (cut)
			*cut = '\0';
		else if ((cut = strstr(zname, ".signed")) != NULL)
			*cut = '\0';
		size_t n = strlen(zname);
		if (!strcmp(zname, "root"))
			snprintf(zname, sizeof zname, ".");
		else if (n && zname[n - 1] != '.' && n + 1 < sizeof zname)
			strcat(zname, ".");
	}
	ldns_rr_list *anchors = NULL;
	if (anchor && read_anchors(anchor, &anchors, &err) != 0) {
		ldns_rr_list_deep_free(anchors);
		return dl_error_report(&err);
	}
	struct zone *z = NULL;
	int rc = zone_load(file, zname, &z, &err);
	if (rc) {
		ldns_rr_list_deep_free(anchors);
		if (rc == DL_ERR_ENV)
			err.code = DL_ERR_INPUT;
		return dl_error_report(&err);
	}
	struct json j;
	struct verify_out out = { .json = json, .j = &j, .color = !json && term_use_color(stdout) };
	if (json) {
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_key(&j, "zone");
		json_str(&j, zname);
		json_key(&j, "at");
		json_int(&j, when);
		json_key(&j, "problems");
		json_arr_begin(&j);
	}
	struct verify_stats st;
	size_t problems = verify_zone(z, anchors, (time_t)when, verify_print, &out, &st);
	char ts[40];
	time_t tw = (time_t)when;
	strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S UTC", gmtime(&tw));
	if (json) {
		json_arr_end(&j);
		json_key(&j, "names");
		json_uint(&j, st.names);
		json_key(&j, "rrsets");
		json_uint(&j, st.rrsets);
		json_key(&j, "signatures");
		json_uint(&j, st.signatures);
		json_key(&j, "denial");
		if (st.rrsets)
			json_str(&j, st.nsec3 ? "NSEC3" : "NSEC");
		else
			json_null(&j);
		json_key(&j, "ok");
		json_bool(&j, problems == 0);
		json_obj_end(&j);
		json_end(&j);
	} else {
		printf("%s%s%s: %zu RRsets at %zu names, %zu signatures checked at %s (%s): %s%zu problem%s%s\n",
		       problems ? "\n" : "", zname, "", st.rrsets, st.names, st.signatures, ts, st.nsec3 ? "NSEC3" : "NSEC",
		       term_sgr(out.color, problems ? TERM_RED : TERM_GREEN), problems, problems == 1 ? "" : "s",
		       term_reset(out.color));
	}
	zone_free(z);
	ldns_rr_list_deep_free(anchors);
	return problems ? 1 : 0;
}
