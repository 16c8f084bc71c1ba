/* registry.c: the lab's domain registry on disk and its records in the TLD
 * zone (registry.h). */
#include "lab/registry.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns/dname.h"
#include "lab/paths.h"
#include "util/atomic.h"
#include "util/ytree.h"

const char *registry_dir(const char *topology_path, char *buf, size_t len)
{
	char deflt[4096], real_t[PATH_MAX], real_d[PATH_MAX];
	paths_default_topology(deflt, sizeof deflt);
	bool is_default = !topology_path || (realpath(topology_path, real_t) && realpath(deflt, real_d) &&
					     strcmp(real_t, real_d) == 0);
	if (is_default) {
		/* The installed lab's directory is read-only: the student's own. */
		char user[4096];
		paths_userdir(user, sizeof user);
		snprintf(buf, len, "%s/registry", user);
		return buf;
	}
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", realpath(topology_path, real_t) ? real_t : topology_path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, "%s", slash ? "/" : ".");
	/* A workspace keeps its topology in WORKDIR/zones/: the registry is
	 * the workspace's, next to zones/, not one of the zone files. */
	slash = strrchr(dir, '/');
	if (slash && strcmp(slash + 1, "zones") == 0)
		*slash = '\0';
	snprintf(buf, len, "%s/registry", dir[0] ? dir : "");
	return buf;
}

bool registry_is_tld(const char *origin)
{
	size_t n = strlen(origin);
	if (n < 2 || strcasecmp(origin, "arpa.") == 0)
		return false;
	const char *dot = strchr(origin, '.');
	return dot && dot == origin + n - 1;
}

bool registry_serial_gt(uint32_t a, uint32_t b)
{
	return (a < b && b - a > 0x80000000u) || (a > b && a - b < 0x80000000u);
}

uint32_t registry_served_serial(const struct registry *r, uint32_t file_serial)
{
	return r && r->has_serial && registry_serial_gt(r->serial, file_serial) ? r->serial : file_serial;
}

uint32_t registry_next_serial(const struct registry *r, uint32_t file_serial)
{
	return registry_served_serial(r, file_serial) + 1u; /* RFC 1982 addition wraps */
}

static void domain_free(struct reg_domain *d)
{
	ldns_rdf_deep_free(d->name);
	ldns_rr_list_deep_free(d->ns);
	ldns_rr_list_deep_free(d->glue);
	ldns_rr_list_deep_free(d->ds);
}

void registry_free(struct registry *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		domain_free(&r->domains[i]);
	for (size_t i = 0; i < r->nlog; i++) {
		free(r->log[i].who);
		free(r->log[i].domain);
		free(r->log[i].what);
	}
	free(r->domains);
	free(r->log);
	free(r->path);
	free(r->tld);
	free(r);
}

struct reg_domain *registry_find(const struct registry *r, const ldns_rdf *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (ldns_dname_compare(r->domains[i].name, name) == 0)
			return &r->domains[i];
	return NULL;
}

void registry_remove(struct registry *r, struct reg_domain *d)
{
	size_t i = (size_t)(d - r->domains);
	if (i >= r->n)
		return;
	domain_free(d);
	memmove(&r->domains[i], &r->domains[i + 1], (r->n - i - 1) * sizeof *d);
	r->n--;
}

struct reg_domain *registry_add(struct registry *r, const ldns_rdf *name, time_t now, time_t now_lab)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 8;
		struct reg_domain *d = realloc(r->domains, cap * sizeof *d);
		if (!d)
			return NULL;
		r->domains = d;
		r->cap = cap;
	}
	struct reg_domain *d = &r->domains[r->n];
	memset(d, 0, sizeof *d);
	d->name = ldns_rdf_clone(name);
	d->ns = ldns_rr_list_new();
	d->glue = ldns_rr_list_new();
	d->ds = ldns_rr_list_new();
	if (!d->name || !d->ns || !d->glue || !d->ds) {
		domain_free(d);
		return NULL;
	}
	ldns_dname2canonical(d->name);
	d->created = d->updated = now;
	d->created_lab = d->updated_lab = now_lab;
	r->n++;
	return d;
}

int registry_log(struct registry *r, time_t when, time_t when_lab, const char *who, const char *domain,
		 uint32_t serial, const char *what)
{
	if (r->nlog == r->logcap) {
		size_t cap = r->logcap ? 2 * r->logcap : 16;
		struct reg_change *l = realloc(r->log, cap * sizeof *l);
		if (!l)
			return DL_ERR_NOMEM;
		r->log = l;
		r->logcap = cap;
	}
	struct reg_change *c = &r->log[r->nlog];
	c->when = when;
	c->when_lab = when_lab;
	c->serial = serial;
	c->who = strdup(who);
	c->domain = strdup(domain);
	c->what = strdup(what);
	if (!c->who || !c->domain || !c->what) {
		free(c->who);
		free(c->domain);
		free(c->what);
		return DL_ERR_NOMEM;
	}
	r->nlog++;
	return 0;
}

/* ---- names and addresses ---- */

/* A host name in presentation form: LDH labels (RFC 952, RFC 1123 2.1), at
 * most 63 octets each, an optional final dot.  NULL when fine, else why. */
static const char *hostname_problem(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || (n == 1 && s[0] == '.'))
		return "it is empty";
	if (n > 253 + (s[n - 1] == '.'))
		return "it is longer than 253 characters";
	const char *label = s;
	for (const char *p = s;; p++) {
		if (*p == '.' || *p == '\0') {
			size_t l = (size_t)(p - label);
			if (l == 0 && *p == '.')
				return "it has an empty label (two dots in a row, or a leading dot)";
			if (l > 63)
				return "a label is longer than 63 characters";
			if (l && (label[0] == '-' || label[l - 1] == '-'))
				return "a label starts or ends with a hyphen";
			if (*p == '\0' || p[1] == '\0')
				return NULL;
			label = p + 1;
		} else if (!isalnum((unsigned char)*p) && *p != '-') {
			return "only letters, digits and hyphens may be used (RFC 1123)";
		}
	}
}

/* text as a lowercase absolute name, checked as a host name; what names it
 * in the message ("the name", "name server"). */
static int parse_hostname(const char *text, const char *what, ldns_rdf **out, struct dl_error *err)
{
	*out = NULL;
	const char *why = hostname_problem(text);
	if (why)
		return dl_error_set(err, DL_ERR_INPUT, "%s '%s' is not a valid domain name: %s", what, text, why);
	char abs[300];
	snprintf(abs, sizeof abs, "%s%s", text, text[strlen(text) - 1] == '.' ? "" : ".");
	if (!(*out = ldns_dname_new_frm_str(abs)))
		return dl_error_set(err, DL_ERR_INPUT, "%s '%s' is not a valid domain name", what, text);
	ldns_dname2canonical(*out);
	return 0;
}


int registry_check_name(const struct registry *r, const char *text, ldns_rdf **out, struct dl_error *err)
{
	int rc = parse_hostname(text, "the name", out, err);
	if (rc)
		return rc;
	ldns_rdf *tld = ldns_dname_new_frm_str(r->tld);
	bool under = tld && ldns_dname_label_count(*out) == ldns_dname_label_count(tld) + 1 &&
		     ldns_dname_is_subdomain(*out, tld);
	ldns_rdf_deep_free(tld);
	if (!under) {
		char n[300];
		rc = dl_error_set(err, DL_ERR_INPUT,
				  "%s is not a name the %s registry hands out: register one label directly under %s "
				  "(e.g. student.%s)",
				  dname_text(*out, n, sizeof n), r->tld, r->tld, r->tld);
		ldns_rdf_deep_free(*out);
		*out = NULL;
	}
	return rc;
}

bool registry_addr_is_lab(const char *addr)
{
	struct in_addr a4;
	struct in6_addr a6;
	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, addr, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* An A or AAAA record owner -> addr, with ttl; NULL when addr is neither. */
static ldns_rr *address_rr(const ldns_rdf *owner, const char *addr, uint32_t ttl)
{
	struct in_addr a4;
	struct in6_addr a6;
	ldns_rr_type t;
	ldns_rdf *rd = NULL;
	if (inet_pton(AF_INET, addr, &a4) == 1) {
		t = LDNS_RR_TYPE_A;
		rd = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, sizeof a4, &a4);
	} else if (inet_pton(AF_INET6, addr, &a6) == 1) {
		t = LDNS_RR_TYPE_AAAA;
		rd = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, sizeof a6, &a6);
	} else {
		return NULL;
	}
	ldns_rr *rr = rd ? ldns_rr_new_frm_type(t) : NULL;
	if (!rr) {
		ldns_rdf_deep_free(rd);
		return NULL;
	}
	ldns_rr_set_owner(rr, ldns_rdf_clone(owner));
	ldns_rr_set_ttl(rr, ttl);
	ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
	ldns_rr_set_rdf(rr, rd, 0);
	return rr;
}


int registry_build_delegation(const ldns_rdf *name, char *const *ns, size_t nns, char *const *glue, size_t nglue,
			      uint32_t ttl, ldns_rr_list **ns_out, ldns_rr_list **glue_out, ldns_rr_list **outside,
			      struct dl_error *err)
{
	char nm[300], h[300];
	dname_text(name, nm, sizeof nm);
	*ns_out = ldns_rr_list_new();
	*glue_out = ldns_rr_list_new();
	*outside = ldns_rr_list_new();
	int rc = *ns_out && *glue_out && *outside ? 0 : dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	if (!rc && nns == 0)
		rc = dl_error_set(err, DL_ERR_USAGE, "%s needs at least one name server", nm);
	if (!rc && nns > 13)
		rc = dl_error_set(err, DL_ERR_INPUT, "at most 13 name servers per domain (%zu given)", nns);
	size_t inside = 0;
	const ldns_rdf *only_inside = NULL;
	for (size_t i = 0; i < nns && !rc; i++) {
		ldns_rdf *host = NULL;
		if ((rc = parse_hostname(ns[i], "name server", &host, err)))
			break;
		ldns_rr *rr = ldns_rr_new_frm_type(LDNS_RR_TYPE_NS);
		if (!rr) {
			ldns_rdf_deep_free(host);
			rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
			break;
		}
		ldns_rr_set_owner(rr, ldns_rdf_clone(name));
		ldns_rr_set_ttl(rr, ttl);
		ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
		ldns_rr_set_rdf(rr, host, 0);
		if (ldns_rr_list_contains_rr(*ns_out, rr)) {
			rc = dl_error_set(err, DL_ERR_INPUT, "name server %s is listed twice", dname_text(host, h, sizeof h));
			ldns_rr_free(rr); /* and host with it */
			break;
		}
		ldns_rr_list_push_rr(*ns_out, rr);
		if (dname_at_or_below(host, name)) {
			inside++;
			only_inside = host;
		} else {
			ldns_rr_list_push_rr(*outside, ldns_rr_clone(rr));
		}
	}
	for (size_t i = 0; i < nglue && !rc; i++) {
		char text[400];
		snprintf(text, sizeof text, "%s", glue[i]);
		char *eq = strchr(text, '=');
		const char *addr = eq ? eq + 1 : text;
		ldns_rdf *host = NULL;
		if (eq) {
			*eq = '\0';
			if ((rc = parse_hostname(text, "the glue's name server", &host, err)))
				break;
		} else if (inside == 1) {
			host = ldns_rdf_clone(only_inside);
		} else {
			rc = inside ? dl_error_set(err, DL_ERR_USAGE,
						   "--glue %s: %zu name servers are inside %s; say whose address it is: "
						   "--glue NSNAME=%s",
						   text, inside, nm, text)
				    : dl_error_set(err, DL_ERR_INPUT,
						   "--glue %s: no name server is inside %s, so the registry takes no glue "
						   "(each name server's address comes from its own zone)",
						   text, nm);
			break;
		}
		bool listed = false;
		for (size_t k = 0; k < ldns_rr_list_rr_count(*ns_out); k++)
			listed = listed || ldns_dname_compare(ldns_rr_rdf(ldns_rr_list_rr(*ns_out, k), 0), host) == 0;
		dname_text(host, h, sizeof h);
		ldns_rr *rr = NULL;
		if (!listed)
			rc = dl_error_set(err, DL_ERR_INPUT, "glue for %s, which is not one of the name servers given", h);
		else if (!dname_at_or_below(host, name))
			rc = dl_error_set(err, DL_ERR_INPUT,
					  "glue for %s: it is outside %s, so its address comes from its own zone, "
					  "not from glue here",
					  h, nm);
		else if (!(rr = address_rr(host, addr, ttl)))
			rc = dl_error_set(err, DL_ERR_INPUT, "glue for %s: '%s' is not an IPv4 or IPv6 address", h, addr);
		else if (!registry_addr_is_lab(addr))
			rc = dl_error_set(err, DL_ERR_INPUT,
					  "glue for %s: %s is not a lab address; the lab's servers listen on loopback "
					  "(127.0.0.0/8 or ::1) and its resolver sends queries nowhere else",
					  h, addr);
		else if (ldns_rr_list_contains_rr(*glue_out, rr))
			rc = dl_error_set(err, DL_ERR_INPUT, "glue %s %s is given twice", h, addr);
		if (rc)
			ldns_rr_free(rr);
		else
			ldns_rr_list_push_rr(*glue_out, rr);
		ldns_rdf_deep_free(host);
	}
	/* Every name server inside the domain needs its address here: a
	 * resolver would have to resolve the name inside the zone it is trying
	 * to reach. */
	for (size_t i = 0; i < ldns_rr_list_rr_count(*ns_out) && !rc; i++) {
		const ldns_rdf *host = ldns_rr_rdf(ldns_rr_list_rr(*ns_out, i), 0);
		if (!dname_at_or_below(host, name))
			continue;
		bool has = false;
		for (size_t k = 0; k < ldns_rr_list_rr_count(*glue_out); k++)
			has = has || ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(*glue_out, k)), host) == 0;
		if (!has)
			rc = dl_error_set(err, DL_ERR_INPUT,
					  "name server %s has no address: it is inside %s, so the registry must hold its "
					  "address (glue); add --glue %s=ADDRESS",
					  dname_text(host, h, sizeof h), nm, h);
	}
	if (rc) {
		ldns_rr_list_deep_free(*ns_out);
		ldns_rr_list_deep_free(*glue_out);
		ldns_rr_list_deep_free(*outside);
		*ns_out = *glue_out = *outside = NULL;
	}
	return rc;
}

/* ---- the file ---- */

static const char *iso_time(time_t t, char *buf, size_t len)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static bool parse_time(const char *s, time_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return false;
	*out = timegm(&tm);
	return true;
}

/* A YAML double-quoted scalar. */
static void put_quoted(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c == '\t')
			fputc(' ', fp);
		else if (c < 0x20)
			fprintf(fp, "\\x%02x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

static void put_rr(FILE *fp, const ldns_rr *rr)
{
	char *s = ldns_rr2str_fmt(ldns_output_format_nocomments, rr);
	if (s)
		s[strcspn(s, "\n")] = '\0';
	fprintf(fp, "      - ");
	put_quoted(fp, s ? s : "");
	fputc('\n', fp);
	free(s);
}

int registry_save(const struct registry *r, struct dl_error *err)
{
	struct atomic_file a;
	int rc = atomic_open(&a, r->path, 0644, true, err);
	if (rc)
		return rc;
	FILE *fp = a.fp;
	char t1[32], n[300];
	fprintf(fp, "# The registry of %s: the domains registered with `dnslab registrar`, and\n"
		    "# every change. Written by dnslab; make changes with `dnslab registrar`.\n",
		r->tld);
	fprintf(fp, "tld: ");
	put_quoted(fp, r->tld);
	fputc('\n', fp);
	if (r->has_serial)
		fprintf(fp, "serial: %u\n", (unsigned)r->serial);
	fprintf(fp, "domains:%s\n", r->n ? "" : " []");
	for (size_t i = 0; i < r->n; i++) {
		const struct reg_domain *d = &r->domains[i];
		fprintf(fp, "  - name: ");
		put_quoted(fp, dname_text(d->name, n, sizeof n));
		fprintf(fp, "\n    created: \"%s\"\n", iso_time(d->created, t1, sizeof t1));
		fprintf(fp, "    created-lab: \"%s\"\n", iso_time(d->created_lab, t1, sizeof t1));
		fprintf(fp, "    updated: \"%s\"\n", iso_time(d->updated, t1, sizeof t1));
		fprintf(fp, "    updated-lab: \"%s\"\n", iso_time(d->updated_lab, t1, sizeof t1));
		fprintf(fp, "    serial: %u\n", (unsigned)d->serial);
		fprintf(fp, "    records:\n");
		const ldns_rr_list *sets[] = { d->ns, d->glue, d->ds };
		for (size_t s = 0; s < 3; s++)
			for (size_t k = 0; k < ldns_rr_list_rr_count(sets[s]); k++)
				put_rr(fp, ldns_rr_list_rr(sets[s], k));
	}
	fprintf(fp, "log:%s\n", r->nlog ? "" : " []");
	for (size_t i = 0; i < r->nlog; i++) {
		const struct reg_change *c = &r->log[i];
		fprintf(fp, "  - time: \"%s\"\n", iso_time(c->when, t1, sizeof t1));
		fprintf(fp, "    lab-time: \"%s\"\n", iso_time(c->when_lab, t1, sizeof t1));
		fprintf(fp, "    who: ");
		put_quoted(fp, c->who);
		fprintf(fp, "\n    domain: ");
		put_quoted(fp, c->domain);
		fprintf(fp, "\n    serial: %u\n    what: ", (unsigned)c->serial);
		put_quoted(fp, c->what);
		fputc('\n', fp);
	}
	if (ferror(fp)) {
		atomic_abort(&a);
		return dl_error_set(err, DL_ERR_ENV, "cannot write %s", r->path);
	}
	return atomic_commit(&a, err);
}

/* A scalar child as a time: "file:line: ..." when missing or malformed. */
static int get_time(const struct ynode *map, const char *key, const char *path, time_t *out, struct dl_error *err)
{
	const char *s;
	int rc = ymap_scalar(map, key, path, &s, err);
	if (rc)
		return rc;
	if (!parse_time(s, out))
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: '%s' is not a time like 2026-11-25T10:00:00Z", path,
				    ymap_get(map, key)->line, s);
	return 0;
}

static int get_serial(const struct ynode *n, const char *path, uint32_t *out, struct dl_error *err)
{
	char *end = NULL;
	errno = 0;
	unsigned long v = n->kind == Y_SCALAR ? strtoul(n->value, &end, 10) : 0;
	if (n->kind != Y_SCALAR || !end || *end || end == n->value || errno || v > UINT32_MAX)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: a serial is a number from 0 to 4294967295", path, n->line);
	*out = (uint32_t)v;
	return 0;
}

/* One record line of a domain: its type must fit where it is. */
static int load_record(struct reg_domain *d, const struct ynode *item, const char *path, struct dl_error *err)
{
	ldns_rr *rr = NULL;
	if (item->kind != Y_SCALAR)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: a record is one line of text", path, item->line);
	ldns_status s = ldns_rr_new_frm_str(&rr, item->value, 0, NULL, NULL);
	if (s != LDNS_STATUS_OK)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: %s: %s", path, item->line, ldns_get_errorstr_by_id(s),
				    item->value);
	ldns_rr_type t = ldns_rr_get_type(rr);
	bool apex = ldns_dname_compare(ldns_rr_owner(rr), d->name) == 0;
	ldns_rr_list *to = t == LDNS_RR_TYPE_NS && apex   ? d->ns
			   : t == LDNS_RR_TYPE_DS && apex ? d->ds
			   : (t == LDNS_RR_TYPE_A || t == LDNS_RR_TYPE_AAAA) && dname_at_or_below(ldns_rr_owner(rr), d->name)
				   ? d->glue
				   : NULL;
	if (!to) {
		char n[300];
		ldns_rr_free(rr);
		return dl_error_set(err, DL_ERR_INPUT,
				    "%s:%d: a domain holds NS and DS at its name and A/AAAA glue at or below it (%s), "
				    "not this: %s",
				    path, item->line, dname_text(d->name, n, sizeof n), item->value);
	}
	ldns_rr_list_push_rr(to, rr);
	return 0;
}

static int load_domain(struct registry *r, const struct ynode *m, const char *path, struct dl_error *err)
{
	static const char *const keys[] = { "name", "created", "created-lab", "updated", "updated-lab", "serial", "records", NULL };
	if (m->kind != Y_MAP)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: a domain is a map (name:, records: ...)", path, m->line);
	int rc = ymap_check_keys(m, keys, path, err);
	const char *name_text = NULL;
	ldns_rdf *name = NULL;
	if (!rc)
		rc = ymap_scalar(m, "name", path, &name_text, err);
	if (!rc && registry_check_name(r, name_text, &name, err) != 0) {
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: %s", path, ymap_get(m, "name")->line, why);
	}
	if (!rc && registry_find(r, name))
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: %s is listed twice", path, ymap_get(m, "name")->line,
				  name_text);
	struct reg_domain *d = NULL;
	if (!rc && !(d = registry_add(r, name, 0, 0)))
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	ldns_rdf_deep_free(name);
	if (!rc)
		rc = get_time(m, "created", path, &d->created, err);
	if (!rc)
		rc = get_time(m, "created-lab", path, &d->created_lab, err);
	if (!rc)
		rc = get_time(m, "updated", path, &d->updated, err);
	if (!rc)
		rc = get_time(m, "updated-lab", path, &d->updated_lab, err);
	if (!rc && !ymap_get(m, "serial"))
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: missing 'serial'", path, m->line);
	if (!rc)
		rc = get_serial(ymap_get(m, "serial"), path, &d->serial, err);
	const struct ynode *recs = rc ? NULL : ymap_get(m, "records");
	if (!rc && (!recs || recs->kind != Y_SEQ))
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: 'records' must be a list of records", path,
				  recs ? recs->line : m->line);
	for (size_t i = 0; !rc && i < recs->n; i++)
		rc = load_record(d, recs->items[i], path, err);
	if (!rc && ldns_rr_list_rr_count(d->ns) == 0)
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: %s has no NS record", path, m->line, name_text);
	return rc;
}

static int load_change(struct registry *r, const struct ynode *m, const char *path, struct dl_error *err)
{
	static const char *const keys[] = { "time", "lab-time", "who", "domain", "serial", "what", NULL };
	if (m->kind != Y_MAP)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: a log entry is a map (time:, who:, what: ...)", path,
				    m->line);
	time_t when = 0, when_lab = 0;
	uint32_t serial = 0;
	const char *who = NULL, *domain = NULL, *what = NULL;
	int rc = ymap_check_keys(m, keys, path, err);
	if (!rc)
		rc = get_time(m, "time", path, &when, err);
	if (!rc)
		rc = get_time(m, "lab-time", path, &when_lab, err);
	if (!rc)
		rc = ymap_scalar(m, "who", path, &who, err);
	if (!rc)
		rc = ymap_scalar(m, "domain", path, &domain, err);
	if (!rc)
		rc = ymap_scalar(m, "what", path, &what, err);
	if (!rc && !ymap_get(m, "serial"))
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: missing 'serial'", path, m->line);
	if (!rc)
		rc = get_serial(ymap_get(m, "serial"), path, &serial, err);
	if (!rc && registry_log(r, when, when_lab, who, domain, serial, what) != 0)
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	return rc;
}

static int load_tree(struct registry *r, const struct ynode *root, const char *path, struct dl_error *err)
{
	static const char *const keys[] = { "tld", "serial", "domains", "log", NULL };
	if (root->kind != Y_MAP)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: a registry file is a map (tld:, domains:, log:)", path,
				    root->line);
	int rc = ymap_check_keys(root, keys, path, err);
	const char *tld = NULL;
	if (!rc)
		rc = ymap_scalar(root, "tld", path, &tld, err);
	if (!rc && strcasecmp(tld, r->tld) != 0)
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: this is the registry of '%s', not of %s", path,
				  ymap_get(root, "tld")->line, tld, r->tld);
	const struct ynode *serial = rc ? NULL : ymap_get(root, "serial");
	if (serial) {
		rc = get_serial(serial, path, &r->serial, err);
		r->has_serial = rc == 0;
	}
	const struct ynode *doms = rc ? NULL : ymap_get(root, "domains");
	if (doms && doms->kind != Y_SEQ)
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: 'domains' must be a list", path, doms->line);
	for (size_t i = 0; !rc && doms && i < doms->n; i++)
		rc = load_domain(r, doms->items[i], path, err);
	const struct ynode *log = rc ? NULL : ymap_get(root, "log");
	if (log && log->kind != Y_SEQ)
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: 'log' must be a list", path, log->line);
	for (size_t i = 0; !rc && log && i < log->n; i++)
		rc = load_change(r, log->items[i], path, err);
	return rc;
}

int registry_load(const char *dir, const char *tld, struct registry **out, struct dl_error *err)
{
	*out = NULL;
	struct registry *r = calloc(1, sizeof *r);
	size_t tl = strlen(tld);
	char path[4400];
	snprintf(path, sizeof path, "%s/%.*s.yaml", dir, (int)(tl > 1 && tld[tl - 1] == '.' ? tl - 1 : tl), tld);
	if (!r || !(r->path = strdup(path)) || !(r->tld = strdup(tld))) {
		registry_free(r);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	for (char *p = r->tld; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	struct stat st;
	if (stat(path, &st) != 0 && errno == ENOENT) {
		*out = r; /* nothing registered yet */
		return 0;
	}
	struct ynode *root = NULL;
	int rc = ytree_load(path, &root, err);
	if (!rc && root)
		rc = load_tree(r, root, path, err);
	ytree_free(root);
	if (rc) {
		registry_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* ---- into the zone ---- */

static int add_copy(struct zone *z, const ldns_rr *rr)
{
	ldns_rr *c = ldns_rr_clone(rr);
	if (!c || ldns_dnssec_zone_add_rr(z->dz, c) != LDNS_STATUS_OK) {
		ldns_rr_free(c);
		return -1;
	}
	z->nrecords++;
	return 0;
}

int registry_apply(const char *topology_path, struct zone *z, struct dl_error *err)
{
	if (!registry_is_tld(z->origin_str))
		return 0;
	char dir[4400];
	registry_dir(topology_path, dir, sizeof dir);
	struct registry *r = NULL;
	int rc = registry_load(dir, z->origin_str, &r, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < r->n && !rc; i++) {
		const struct reg_domain *d = &r->domains[i];
		char n[300];
		if (zone_find(z, d->name)) {
			rc = dl_error_set(err, DL_ERR_INPUT,
					  "%s: %s is registered in the registry (%s) and is in the zone file too; a name "
					  "is either the zone file's or the registry's: remove it from one of them",
					  z->file, dname_text(d->name, n, sizeof n), r->path);
			break;
		}
		const ldns_rr_list *sets[] = { d->ns, d->glue, d->ds };
		for (size_t s = 0; s < 3 && !rc; s++)
			for (size_t k = 0; k < ldns_rr_list_rr_count(sets[s]) && !rc; k++)
				if (add_copy(z, ldns_rr_list_rr(sets[s], k)) != 0)
					rc = dl_error_set(err, DL_ERR_INPUT, "%s: a record of %s could not be added to %s",
							  r->path, dname_text(d->name, n, sizeof n), z->origin_str);
	}
	if (!rc && r->n && ldns_dnssec_zone_add_empty_nonterminals(z->dz) != LDNS_STATUS_OK)
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	uint32_t file_serial = ldns_rdf2native_int32(ldns_rr_rdf(z->soa, 2));
	uint32_t served = registry_served_serial(r, file_serial);
	if (!rc && served != file_serial) {
		/* z->soa is the record in the zone's tree: change it in place. */
		ldns_rdf *s = ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32, served);
		if (!s)
			rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
		else
			ldns_rdf_deep_free(ldns_rr_set_rdf((ldns_rr *)z->soa, s, 2));
	}
	registry_free(r);
	return rc;
}
