/* registrar.c: `dnslab registrar`: register domains under the lab's TLDs
 * and change their NS, glue and DS the way a registry does: check the
 * request against the live lab, store it (lab/registry.h), bump the TLD's
 * serial, log who changed what, and NOTIFY the TLD server so the change is
 * served at once (lab/labnotify.h). */
#include "cmd/cmd.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd/labclient.h"
#include "cmd/regnet.h"
#include "dns/rrtext.h"
#include "dnssec/keys.h"
#include "lab/paths.h"
#include "lab/registry.h"
#include "ui/json.h"

static const char usage[] =
	"usage: dnslab registrar COMMAND [ARGS] [--port N] [--topology FILE]\n"
	"\n"
	"The registry of the lab's top-level domains (test.): register a domain\n"
	"and change its name servers and DS records. Every change is checked\n"
	"against the live lab, stored in the workspace, logged, and takes effect\n"
	"at once: the registry's TLD server is told (a DNS NOTIFY) and serves the\n"
	"new delegation with a higher SOA serial. Resolvers that cached the old\n"
	"answers keep them until their TTL runs out.\n"
	"\n"
	"Commands:\n"
	"  register NAME NS... [--glue NSNAME=ADDR]...\n"
	"                     register NAME, delegated to the name servers NS.\n"
	"                     A name server inside NAME needs its address (glue);\n"
	"                     --glue ADDR is enough when only one is inside.\n"
	"  set-ns NAME NS... [--glue NSNAME=ADDR]...\n"
	"                     replace NAME's name servers (and glue)\n"
	"  add-ds NAME DS     add a DS record: as `dnslab ds` prints it, its data\n"
	"                     \"TAG ALGORITHM DIGESTTYPE DIGEST\", or a .ds or .key\n"
	"                     file. It must match a DNSKEY that NAME's name\n"
	"                     servers serve (the registry asks them).\n"
	"  remove-ds NAME [TAG | --all]\n"
	"                     remove a DS record (the only one, or by key tag)\n"
	"  delete NAME        end the registration: the TLD no longer delegates\n"
	"                     NAME (its NS, glue and DS go)\n"
	"  whois NAME         who registered NAME, when, its servers, glue and DS\n"
	"  log [NAME]         every change, oldest first\n"
	"  list               the registered domains\n"
	"\n"
	"Options:\n"
	"  -p, --port N         the lab's port (default 5300)\n"
	"  -t, --topology FILE  the lab's topology (default: the lab's zones/lab.yaml);\n"
	"                       the registry lives in the workspace beside it\n"
	"  -j, --json           whois, log and list as JSON\n"
	"  -h, --help           this help\n"
	"\n"
	"Examples:\n"
	"  dnslab registrar register student.test ns1.student.test --glue 127.53.3.1\n"
	"  dnslab registrar add-ds student.test Kstudent.test.+013+12345.key\n"
	"  dnslab registrar whois student.test\n"
	"\n"
	"Registering a name again with the same name servers and glue, or adding\n"
	"a DS it already has, changes nothing and is not an error, so a lab's\n"
	"steps can be run twice.\n"
	"\n"
	"Exit status: 0 done, 2 an invalid request (nothing changed), 3 the lab or\n"
	"the files could not be used.\n";

#define MAX_POS 64
#define MAX_GLUE 16

enum sub { SUB_REGISTER, SUB_SET_NS, SUB_ADD_DS, SUB_REMOVE_DS, SUB_DELETE, SUB_WHOIS, SUB_LOG, SUB_LIST };

static const char *const sub_names[] = { "register", "set-ns", "add-ds", "remove-ds", "delete", "whois", "log", "list" };

struct req {
	enum sub sub;
	struct labclient_opts lo;
	bool json, all;
	char *pos[MAX_POS]; /* the arguments after the subcommand */
	size_t npos;
	char *glue[MAX_GLUE];
	size_t nglue;
	struct topology *topo;
	char dir[4400];
};

static int fail(const struct dl_error *e)
{
	fprintf(stderr, "dnslab registrar: %s\n", e->msg);
	return dl_exit_status(e->code);
}

static int parse(int argc, char **argv, struct req *r)
{
	memset(r, 0, sizeof *r);
	r->lo.port = LAB_DEFAULT_PORT;
	bool have_sub = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int opt;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if ((opt = labclient_option(&r->lo, argc, argv, &i)) != 0) {
			if (opt < 0)
				return 2;
		} else if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
			r->json = true;
		} else if (!strcmp(a, "--all")) {
			r->all = true;
		} else if (!strcmp(a, "--glue") || !strncmp(a, "--glue=", 7)) {
			if (!a[6] && i + 1 >= argc) {
				fprintf(stderr, "dnslab registrar: --glue needs an address (NSNAME=ADDR or ADDR)\n");
				return 2;
			}
			if (r->nglue == MAX_GLUE) {
				fprintf(stderr, "dnslab registrar: at most %d --glue\n", MAX_GLUE);
				return 2;
			}
			r->glue[r->nglue++] = a[6] ? (char *)a + 7 : argv[++i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "dnslab registrar: unknown option '%s'\n\n%s", a, usage);
			return 2;
		} else if (!have_sub) {
			size_t k = 0;
			while (k < sizeof sub_names / sizeof *sub_names && strcmp(a, sub_names[k]))
				k++;
			if (k == sizeof sub_names / sizeof *sub_names) {
				fprintf(stderr, "dnslab registrar: unknown command '%s'\n\n%s", a, usage);
				return 2;
			}
			r->sub = (enum sub)k;
			have_sub = true;
		} else if (r->npos < MAX_POS) {
			r->pos[r->npos++] = (char *)a;
		} else {
			fprintf(stderr, "dnslab registrar: too many arguments\n");
			return 2;
		}
	}
	if (!have_sub) {
		fprintf(stderr, "dnslab registrar: which command? e.g. dnslab registrar whois student.test\n\n%s", usage);
		return 2;
	}
	static const size_t min_pos[] = { 2, 2, 2, 1, 1, 1, 0, 0 };
	static const size_t max_pos[] = { MAX_POS, MAX_POS, MAX_POS, 2, 1, 1, 1, 0 };
	if (r->npos < min_pos[r->sub] || r->npos > max_pos[r->sub]) {
		fprintf(stderr, "dnslab registrar %s: %s arguments\n\n%s", sub_names[r->sub],
			r->npos < min_pos[r->sub] ? "missing" : "too many", usage);
		return 2;
	}
	if (r->nglue && r->sub != SUB_REGISTER && r->sub != SUB_SET_NS) {
		fprintf(stderr, "dnslab registrar %s: --glue goes with register and set-ns\n", sub_names[r->sub]);
		return 2;
	}
	return -1;
}

/* ---- which registry ---- */

/* The TLD zone that name would be registered under (borrowed), or NULL
 * with the reason in err. */
static const struct topo_zone *tld_for(const struct topology *t, const char *name, struct dl_error *err)
{
	size_t n = strlen(name);
	while (n > 0 && name[n - 1] == '.')
		n--;
	const char *last = name + n;
	while (last > name && last[-1] != '.')
		last--;
	char tld[300], all[600] = "";
	snprintf(tld, sizeof tld, "%.*s.", (int)(name + n - last), last);
	for (size_t i = 0; i < t->nservers; i++)
		for (size_t k = 0; k < t->servers[i].nzones; k++) {
			const struct topo_zone *z = &t->servers[i].zones[k];
			if (!registry_is_tld(z->origin))
				continue;
			if (!strcasecmp(z->origin, tld))
				return z;
			if (!strstr(all, z->origin) && strlen(all) + strlen(z->origin) + 3 < sizeof all)
				snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s", all[0] ? ", " : "", z->origin);
		}
	dl_error_set(err, DL_ERR_INPUT, "'%s' is not under a top-level domain the lab's registry runs (%s)", name,
		     all[0] ? all : "none");
	return NULL;
}

/* The first server that serves zone (borrowed), for the NOTIFY. */
static const struct topo_server *server_of(const struct topology *t, const char *zone)
{
	for (size_t i = 0; i < t->nservers; i++)
		for (size_t k = 0; k < t->servers[i].nzones; k++)
			if (!strcasecmp(t->servers[i].zones[k].origin, zone))
				return &t->servers[i];
	return NULL;
}


static const char *when(time_t t, char *buf, size_t len)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
	return buf;
}

/* ---- the views: whois, log, list ---- */

static void rr_data(const ldns_rr *rr, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		char *s = ldns_rdf2str(ldns_rr_rdf(rr, i));
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? " " : "", s ? s : "?");
		free(s);
	}
}

static void whois_json(const struct registry *reg, const struct reg_domain *d)
{
	struct json j;
	char b[1200];
	json_init(&j, stdout);
	json_obj_begin(&j);
	json_key(&j, "domain");
	json_str(&j, rdf_text(d->name, b, sizeof b));
	json_key(&j, "tld");
	json_str(&j, reg->tld);
	json_key(&j, "registrar");
	json_str(&j, REGISTRY_WHO);
	json_key(&j, "created");
	json_int(&j, (long long)d->created);
	json_key(&j, "created_lab");
	json_int(&j, (long long)d->created_lab);
	json_key(&j, "updated");
	json_int(&j, (long long)d->updated);
	json_key(&j, "updated_lab");
	json_int(&j, (long long)d->updated_lab);
	json_key(&j, "ns");
	json_arr_begin(&j);
	for (size_t i = 0; i < ldns_rr_list_rr_count(d->ns); i++)
		json_str(&j, rdf_text(ldns_rr_rdf(ldns_rr_list_rr(d->ns, i), 0), b, sizeof b));
	json_arr_end(&j);
	json_key(&j, "glue");
	json_arr_begin(&j);
	for (size_t i = 0; i < ldns_rr_list_rr_count(d->glue); i++) {
		const ldns_rr *g = ldns_rr_list_rr(d->glue, i);
		json_obj_begin(&j);
		json_key(&j, "name");
		json_str(&j, rdf_text(ldns_rr_owner(g), b, sizeof b));
		json_key(&j, "address");
		json_str(&j, rdf_text(ldns_rr_rdf(g, 0), b, sizeof b));
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "ds");
	json_arr_begin(&j);
	for (size_t i = 0; i < ldns_rr_list_rr_count(d->ds); i++) {
		rr_data(ldns_rr_list_rr(d->ds, i), b, sizeof b);
		json_str(&j, b);
	}
	json_arr_end(&j);
	json_key(&j, "serial");
	json_uint(&j, d->serial);
	json_key(&j, "tld_serial");
	json_uint(&j, reg->serial);
	json_obj_end(&j);
	json_end(&j);
}

static void whois_text(const struct registry *reg, const struct reg_domain *d)
{
	char b[1200], t1[40], t2[40];
	printf("domain:      %s\n", rdf_text(d->name, b, sizeof b));
	printf("registry:    %s\n", reg->tld);
	printf("registrar:   %s\n", REGISTRY_WHO);
	printf("created:     %s (lab clock; real time %s)\n", when(d->created_lab, t1, sizeof t1),
	       when(d->created, t2, sizeof t2));
	printf("updated:     %s (lab clock; real time %s)\n", when(d->updated_lab, t1, sizeof t1),
	       when(d->updated, t2, sizeof t2));
	for (size_t i = 0; i < ldns_rr_list_rr_count(d->ns); i++) {
		const ldns_rdf *host = ldns_rr_rdf(ldns_rr_list_rr(d->ns, i), 0);
		printf("name server: %s", rdf_text(host, b, sizeof b));
		for (size_t k = 0; k < ldns_rr_list_rr_count(d->glue); k++) {
			const ldns_rr *g = ldns_rr_list_rr(d->glue, k);
			if (!ldns_dname_compare(ldns_rr_owner(g), host))
				printf(" %s", rdf_text(ldns_rr_rdf(g, 0), b, sizeof b));
		}
		printf("%s\n", ldns_rr_list_rr_count(d->glue) && ldns_dname_is_subdomain(host, d->name) ? " (glue)" : "");
	}
	if (!ldns_rr_list_rr_count(d->ds))
		printf("DS:          none (the delegation is insecure: validators treat the zone as unsigned)\n");
	for (size_t i = 0; i < ldns_rr_list_rr_count(d->ds); i++) {
		rr_data(ldns_rr_list_rr(d->ds, i), b, sizeof b);
		printf("DS:          %s\n", b);
	}
	printf("serial:      %s serial %u after this domain's last change\n", reg->tld, (unsigned)d->serial);
}

static void log_entry(struct json *j, const struct reg_change *c)
{
	char t1[40], t2[40];
	if (!j) {
		printf("%s (lab clock %s)  %s  %s serial %u: %s\n", when(c->when, t1, sizeof t1),
		       when(c->when_lab, t2, sizeof t2), c->who, c->domain, (unsigned)c->serial, c->what);
		return;
	}
	json_obj_begin(j);
	json_key(j, "time");
	json_int(j, (long long)c->when);
	json_key(j, "lab_time");
	json_int(j, (long long)c->when_lab);
	json_key(j, "who");
	json_str(j, c->who);
	json_key(j, "domain");
	json_str(j, c->domain);
	json_key(j, "serial");
	json_uint(j, c->serial);
	json_key(j, "what");
	json_str(j, c->what);
	json_obj_end(j);
}

/* log, list and whois: read the registry (locked, so never half of a
 * change), no lab needed. */
static int views(struct req *r)
{
	struct dl_error err = { 0, "" };
	struct json j;
	json_init(&j, stdout);
	ldns_rdf *want = NULL;
	const struct topo_zone *only = NULL;
	if (r->npos) {
		if (!(only = tld_for(r->topo, r->pos[0], &err)))
			return fail(&err);
	}
	int lock = -1, rc = paths_lock_dir(r->dir, "the registry directory", &lock, &err);
	if (rc)
		return fail(&err);
	if (r->json && r->sub != SUB_WHOIS)
		json_arr_begin(&j);
	size_t shown = 0;
	for (size_t s = 0; !rc && s < r->topo->nservers; s++)
		for (size_t z = 0; !rc && z < r->topo->servers[s].nzones; z++) {
			const struct topo_zone *tz = &r->topo->servers[s].zones[z];
			if (!registry_is_tld(tz->origin) || (only && strcasecmp(only->origin, tz->origin)) ||
			    server_of(r->topo, tz->origin) != &r->topo->servers[s])
				continue;
			struct registry *reg = NULL;
			if ((rc = registry_load(r->dir, tz->origin, &reg, &err)))
				break;
			if (r->npos && !want && (rc = registry_check_name(reg, r->pos[0], &want, &err)) != 0) {
				registry_free(reg);
				break;
			}
			const struct reg_domain *d = want ? registry_find(reg, want) : NULL;
			char b[300];
			if (r->sub == SUB_WHOIS && !d) {
				rc = dl_error_set(&err, DL_ERR_INPUT, "%s is not registered (dnslab registrar list shows what is)",
						  rdf_text(want, b, sizeof b));
			} else if (r->sub == SUB_WHOIS) {
				(r->json ? whois_json : whois_text)(reg, d);
				shown++;
			} else if (r->sub == SUB_LIST) {
				for (size_t i = 0; i < reg->n; i++, shown++) {
					const struct reg_domain *x = &reg->domains[i];
					char t1[40];
					if (r->json) {
						json_obj_begin(&j);
						json_key(&j, "domain");
						json_str(&j, rdf_text(x->name, b, sizeof b));
						json_key(&j, "ns");
						json_uint(&j, ldns_rr_list_rr_count(x->ns));
						json_key(&j, "ds");
						json_uint(&j, ldns_rr_list_rr_count(x->ds));
						json_key(&j, "updated_lab");
						json_int(&j, (long long)x->updated_lab);
						json_obj_end(&j);
					} else {
						printf("%-24s %zu NS, %zu DS, updated %s (lab clock)\n", rdf_text(x->name, b, sizeof b),
						       ldns_rr_list_rr_count(x->ns), ldns_rr_list_rr_count(x->ds),
						       when(x->updated_lab, t1, sizeof t1));
					}
				}
			} else {
				for (size_t i = 0; i < reg->nlog; i++) {
					if (want && strcasecmp(reg->log[i].domain, rdf_text(want, b, sizeof b)))
						continue;
					log_entry(r->json ? &j : NULL, &reg->log[i]);
					shown++;
				}
			}
			registry_free(reg);
		}
	paths_unlock_dir(lock);
	ldns_rdf_deep_free(want);
	if (rc)
		return fail(&err);
	if (r->json && r->sub != SUB_WHOIS) {
		json_arr_end(&j);
		json_end(&j);
	} else if (!shown && !r->json) {
		printf(r->sub == SUB_LIST ? "No domains are registered yet.\n" : "No changes yet.\n");
	}
	return 0;
}

/* ---- the changes ---- */

struct change {
	struct req *r;
	struct labclient c;
	struct registry *reg;
	struct zone *file;       /* the TLD's zone file as written */
	const struct topo_zone *tz;
	ldns_rdf *name;
	struct reg_domain *d;    /* in reg, when registered */
	uint32_t ttl;            /* the delegation TTL: the TLD's apex NS TTL */
	char what[2048];         /* for the log */
	char done[2048];         /* for the user */
	bool unchanged;          /* register again, as it stands: nothing to do */
	bool deleting;           /* delete: d goes once the change is logged */
};

static void append(char *buf, size_t len, const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(buf);
	snprintf(buf + n, len - n, fmt, a, b);
}

static void describe_delegation(char *buf, size_t len, const ldns_rr_list *ns, const ldns_rr_list *glue)
{
	char a[300], b[300];
	for (size_t i = 0; i < ldns_rr_list_rr_count(ns); i++)
		append(buf, len, "%s%s", i ? ", " : "NS ", rdf_text(ldns_rr_rdf(ldns_rr_list_rr(ns, i), 0), a, sizeof a));
	for (size_t i = 0; i < ldns_rr_list_rr_count(glue); i++) {
		const ldns_rr *g = ldns_rr_list_rr(glue, i);
		append(buf, len, "%s%s", i ? ", " : "; glue ", rdf_text(ldns_rr_owner(g), a, sizeof a));
		append(buf, len, " %s %s", ldns_rr_get_type(g) == LDNS_RR_TYPE_A ? "A" : "AAAA",
		       rdf_text(ldns_rr_rdf(g, 0), b, sizeof b));
	}
}

/* The addresses the lab has for each name server outside the domain: one
 * with none cannot be reached, and a registry refuses it. */
static int check_outside(struct change *ch, const ldns_rr_list *outside, struct dl_error *err)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(outside); i++) {
		const ldns_rdf *host = ldns_rr_rdf(ldns_rr_list_rr(outside, i), 0);
		ldns_rr_list *addrs = ldns_rr_list_new();
		char h[300], ip[64];
		int rc = addrs ? regnet_addresses(&ch->c, host, addrs, err) : dl_error_set(err, DL_ERR_NOMEM, "out of memory");
		if (!rc && ldns_rr_list_rr_count(addrs) == 0)
			rc = dl_error_set(err, DL_ERR_INPUT,
					  "name server %s has no address in the lab (the lab resolver finds no A or AAAA "
					  "for it); give a name server that resolves, or one inside %s with --glue",
					  rdf_text(host, h, sizeof h), rdf_text(ch->name, ip, sizeof ip));
		for (size_t k = 0; !rc && k < ldns_rr_list_rr_count(addrs); k++) {
			rdf_text(ldns_rr_rdf(ldns_rr_list_rr(addrs, k), 0), ip, sizeof ip);
			if (!registry_addr_is_lab(ip))
				rc = dl_error_set(err, DL_ERR_INPUT,
						  "name server %s is at %s, outside the lab (its servers are on loopback)",
						  rdf_text(host, h, sizeof h), ip);
		}
		ldns_rr_list_deep_free(addrs);
		if (rc)
			return rc;
	}
	return 0;
}

static int do_delegation(struct change *ch, bool create, struct dl_error *err)
{
	struct req *r = ch->r;
	ldns_rr_list *ns = NULL, *glue = NULL, *outside = NULL;
	int rc = registry_build_delegation(ch->name, r->pos + 1, r->npos - 1, r->glue, r->nglue, ch->ttl, &ns, &glue,
					   &outside, err);
	if (!rc)
		rc = check_outside(ch, outside, err);
	ldns_rr_list_deep_free(outside);
	if (rc) {
		ldns_rr_list_deep_free(ns);
		ldns_rr_list_deep_free(glue);
		return rc;
	}
	char nm[300];
	rdf_text(ch->name, nm, sizeof nm);
	snprintf(ch->what, sizeof ch->what, "%s %s: ", create ? "register" : "set-ns", nm);
	describe_delegation(ch->what, sizeof ch->what, ns, glue);
	if (!create) {
		append(ch->what, sizeof ch->what, "%s%s", " (was ", "");
		describe_delegation(ch->what, sizeof ch->what, ch->d->ns, ch->d->glue);
		append(ch->what, sizeof ch->what, "%s%s", ")", "");
	}
	snprintf(ch->done, sizeof ch->done, "%s %s", create ? "registered" : "name servers of", nm);
	if (create && !(ch->d = registry_add(ch->reg, ch->name, 0, 0))) {
		ldns_rr_list_deep_free(ns);
		ldns_rr_list_deep_free(glue);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	ldns_rr_list_deep_free(ch->d->ns);
	ldns_rr_list_deep_free(ch->d->glue);
	ch->d->ns = ns;
	ch->d->glue = glue;
	return 0;
}

/* register of a name already registered: the same name servers and glue
 * again is no change (a lab's steps may run twice); anything else is
 * refused, since set-ns is the way to change them. */
static int register_again(struct change *ch, struct dl_error *err)
{
	struct req *r = ch->r;
	char nm[300];
	rdf_text(ch->name, nm, sizeof nm);
	ldns_rr_list *ns = NULL, *glue = NULL, *outside = NULL;
	int rc = registry_build_delegation(ch->name, r->pos + 1, r->npos - 1, r->glue, r->nglue, ch->ttl, &ns, &glue,
					   &outside, err);
	ldns_rr_list_deep_free(outside);
	if (rc)
		return rc;
	ldns_rr_list *had_ns = ldns_rr_list_clone(ch->d->ns), *had_glue = ldns_rr_list_clone(ch->d->glue);
	bool same = had_ns && had_glue;
	if (same) {
		ldns_rr_list_sort(ns);
		ldns_rr_list_sort(glue);
		ldns_rr_list_sort(had_ns);
		ldns_rr_list_sort(had_glue);
		same = !ldns_rr_list_compare(ns, had_ns) && !ldns_rr_list_compare(glue, had_glue);
	}
	ldns_rr_list_deep_free(ns);
	ldns_rr_list_deep_free(glue);
	ldns_rr_list_deep_free(had_ns);
	ldns_rr_list_deep_free(had_glue);
	if (!same)
		return dl_error_set(err, DL_ERR_INPUT,
				    "%s is already registered, with other name servers (see dnslab registrar whois %s; "
				    "set-ns changes them)",
				    nm, nm);
	ch->unchanged = true;
	snprintf(ch->done, sizeof ch->done, "%s is already registered with these name servers and glue: nothing changed",
		 nm);
	return 0;
}

/* delete: the log names what the TLD stops publishing. */
static int do_delete(struct change *ch)
{
	char nm[300], data[1024];
	rdf_text(ch->name, nm, sizeof nm);
	snprintf(ch->what, sizeof ch->what, "delete %s: ", nm);
	describe_delegation(ch->what, sizeof ch->what, ch->d->ns, ch->d->glue);
	for (size_t i = 0; i < ldns_rr_list_rr_count(ch->d->ds); i++) {
		rr_data(ldns_rr_list_rr(ch->d->ds, i), data, sizeof data);
		append(ch->what, sizeof ch->what, "; DS %s%s", data, "");
	}
	snprintf(ch->done, sizeof ch->done, "deleted %s: the registry no longer delegates it", nm);
	ch->deleting = true;
	return 0;
}

struct ds_reader {
	const ldns_rdf *name;
	ldns_rr_list *out;
};

/* keys_read_records callback: DS records, and the DS (SHA-256) of DNSKEYs. */
static int take_ds(void *arg, ldns_rr *rr, int line, struct dl_error *err)
{
	struct ds_reader *d = arg;
	(void)line;
	(void)err;
	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY) {
		ldns_rr *ds = ldns_key_rr2ds(rr, LDNS_SHA256);
		ldns_rr_free(rr);
		rr = ds;
	}
	if (rr && ldns_rr_get_type(rr) == LDNS_RR_TYPE_DS)
		ldns_rr_list_push_rr(d->out, rr);
	else
		ldns_rr_free(rr);
	return 0;
}

/* The DS records the user gave: a file (.ds, .key, any zone-file records),
 * a whole DS record, or its data alone.  Owners must be name. */
static int parse_ds(struct change *ch, ldns_rr_list *out, struct dl_error *err)
{
	struct req *r = ch->r;
	char nm[300], text[4096] = "";
	rdf_text(ch->name, nm, sizeof nm);
	if (r->npos == 2 && access(r->pos[1], R_OK) == 0) {
		struct ds_reader d = { ch->name, out };
		int rc = keys_read_records(r->pos[1], "the DS file ", take_ds, &d, err);
		if (rc)
			return rc;
		if (!ldns_rr_list_rr_count(out))
			return dl_error_set(err, DL_ERR_INPUT, "%s holds no DS or DNSKEY record", r->pos[1]);
	} else {
		for (size_t i = 1; i < r->npos; i++)
			snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s", i > 1 ? " " : "", r->pos[i]);
		text[strcspn(text, ";")] = '\0'; /* `dnslab ds` may add a comment */
		ldns_rr *rr = NULL;
		char full[4500];
		if (ldns_rr_new_frm_str(&rr, text, ch->ttl, NULL, NULL) != LDNS_STATUS_OK ||
		    ldns_rr_get_type(rr) != LDNS_RR_TYPE_DS) {
			ldns_rr_free(rr);
			rr = NULL;
			snprintf(full, sizeof full, "%s %u IN DS %s", nm, (unsigned)ch->ttl, text);
			if (ldns_rr_new_frm_str(&rr, full, ch->ttl, NULL, NULL) != LDNS_STATUS_OK) {
				ldns_rr_free(rr);
				return dl_error_set(err, DL_ERR_INPUT,
						    "'%s' is not a DS record: give it as `dnslab ds` prints it, as "
						    "\"TAG ALGORITHM DIGESTTYPE DIGEST\", or a .ds or .key file",
						    text);
			}
		}
		ldns_rr_list_push_rr(out, rr);
	}
	for (size_t i = 0; i < ldns_rr_list_rr_count(out); i++) {
		ldns_rr *ds = ldns_rr_list_rr(out, i);
		char o[300];
		if (ldns_dname_compare(ldns_rr_owner(ds), ch->name) != 0)
			return dl_error_set(err, DL_ERR_INPUT, "the DS is for %s, not for %s",
					    rdf_text(ldns_rr_owner(ds), o, sizeof o), nm);
		uint8_t dt = ldns_rdf2native_int8(ldns_rr_rdf(ds, 2));
		size_t want = dt == LDNS_SHA1 ? 20 : dt == LDNS_SHA256 ? 32 : dt == LDNS_SHA384 ? 48 : 0;
		if (!want)
			return dl_error_set(err, DL_ERR_INPUT,
					    "digest type %u is not one a registry accepts: 2 (SHA-256) or 4 (SHA-384)",
					    (unsigned)dt);
		if (ldns_rdf_size(ldns_rr_rdf(ds, 3)) != want)
			return dl_error_set(err, DL_ERR_INPUT, "the digest is %zu bytes long; digest type %u has %zu",
					    ldns_rdf_size(ldns_rr_rdf(ds, 3)), (unsigned)dt, want);
		ldns_rr_set_ttl(ds, ch->ttl);
		ldns_rr_set_class(ds, LDNS_RR_CLASS_IN);
	}
	return 0;
}

/* The addresses of the domain's name servers: glue, else the lab resolver's. */
static int ns_addresses(struct change *ch, ldns_rr_list *out, struct dl_error *err)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(ch->d->ns); i++) {
		const ldns_rdf *host = ldns_rr_rdf(ldns_rr_list_rr(ch->d->ns, i), 0);
		size_t before = ldns_rr_list_rr_count(out);
		for (size_t k = 0; k < ldns_rr_list_rr_count(ch->d->glue); k++)
			if (!ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(ch->d->glue, k)), host))
				ldns_rr_list_push_rr(out, ldns_rr_clone(ldns_rr_list_rr(ch->d->glue, k)));
		int rc = ldns_rr_list_rr_count(out) == before ? regnet_addresses(&ch->c, host, out, err) : 0;
		if (rc)
			return rc;
	}
	return 0;
}

static void describe_keys(char *buf, size_t len, const ldns_rr_list *keys)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(keys); i++) {
		const ldns_rr *k = ldns_rr_list_rr(keys, i);
		uint16_t flags = ldns_rdf2native_int16(ldns_rr_rdf(k, 0));
		size_t n = strlen(buf);
		snprintf(buf + n, len - n, "%stag %u algorithm %u flags %u (%s)", i ? ", " : "",
			 (unsigned)ldns_calc_keytag(k), (unsigned)ldns_rdf2native_int8(ldns_rr_rdf(k, 2)), (unsigned)flags,
			 flags & LDNS_KEY_SEP_KEY ? "KSK" : "ZSK");
	}
}

/* Each DS must match a DNSKEY that every name server of the domain serves
 * (asked over the wire), as registries such as .cz check before they
 * publish one: a DS for a key the zone lacks makes the domain bogus. */
static int check_ds(struct change *ch, const ldns_rr_list *ds, struct dl_error *err)
{
	ldns_rr_list *addrs = ldns_rr_list_new();
	int rc = addrs ? ns_addresses(ch, addrs, err) : dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	char nm[300], ip[64];
	rdf_text(ch->name, nm, sizeof nm);
	if (!rc && !ldns_rr_list_rr_count(addrs))
		rc = dl_error_set(err, DL_ERR_INPUT, "no name server of %s has an address to ask for its keys", nm);
	for (size_t a = 0; !rc && a < ldns_rr_list_rr_count(addrs); a++) {
		const ldns_rr *addr = ldns_rr_list_rr(addrs, a);
		rdf_text(ldns_rr_rdf(addr, 0), ip, sizeof ip);
		ldns_rr_list *keys = ldns_rr_list_new();
		char host[300], why[1024];
		rdf_text(ldns_rr_owner(addr), host, sizeof host);
		if (!keys) {
			rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
			break;
		}
		if ((rc = regnet_dnskeys(&ch->c, ch->name, ip, keys, err)) != 0) {
			snprintf(why, sizeof why, "%s", err->msg);
			rc = dl_error_set(err, DL_ERR_INPUT, "cannot check the DS: asked for the DNSKEYs of %s, %s (%s): %s",
					  nm, host, ip, why);
		}
		for (size_t i = 0; !rc && i < ldns_rr_list_rr_count(ds); i++) {
			const ldns_rr *d = ldns_rr_list_rr(ds, i);
			const ldns_rr *match = NULL;
			for (size_t k = 0; k < ldns_rr_list_rr_count(keys) && !match; k++)
				if (ldns_rr_compare_ds(d, ldns_rr_list_rr(keys, k)))
					match = ldns_rr_list_rr(keys, k);
			if (match && a == 0 && !(ldns_rdf2native_int16(ldns_rr_rdf(match, 0)) & LDNS_KEY_SEP_KEY))
				fprintf(stderr, ";; note: the DS names key %u, a zone signing key (flags 256); the parent's DS "
						"usually names the KSK\n",
					(unsigned)ldns_calc_keytag(match));
			if (match)
				continue;
			char have[1024] = "";
			describe_keys(have, sizeof have, keys);
			rc = dl_error_set(err, DL_ERR_INPUT,
					  "the DS (key tag %u, algorithm %u, digest type %u) matches no DNSKEY that %s serves: "
					  "%s (%s) %s%s%s",
					  (unsigned)ldns_rdf2native_int16(ldns_rr_rdf(d, 0)),
					  (unsigned)ldns_rdf2native_int8(ldns_rr_rdf(d, 1)),
					  (unsigned)ldns_rdf2native_int8(ldns_rr_rdf(d, 2)), nm, host, ip,
					  have[0] ? "publishes " : "publishes no DNSKEY at all: sign the zone and reload it first",
					  have, have[0] ? "; give the DS of the KSK it publishes (dnslab ds KEYFILE)" : "");
		}
		ldns_rr_list_deep_free(keys);
	}
	ldns_rr_list_deep_free(addrs);
	return rc;
}

static int do_add_ds(struct change *ch, struct dl_error *err)
{
	ldns_rr_list *ds = ldns_rr_list_new();
	int rc = ds ? parse_ds(ch, ds, err) : dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	char nm[300], data[1024];
	rdf_text(ch->name, nm, sizeof nm);
	/* A DS the registry already holds is no change (a lab's steps may run
	 * twice); only the others are checked and added. */
	ldns_rr_list *fresh = rc ? NULL : ldns_rr_list_new();
	if (!rc && !fresh)
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	for (size_t i = 0; !rc && i < ldns_rr_list_rr_count(ds); i++) {
		ldns_rr *d = ldns_rr_list_rr(ds, i);
		if (ldns_rr_list_contains_rr(ch->d->ds, d) || ldns_rr_list_contains_rr(fresh, d))
			ldns_rr_free(d);
		else
			ldns_rr_list_push_rr(fresh, d);
	}
	if (ds && !rc) {
		ldns_rr_list_free(ds); /* its records were freed or moved */
		ds = fresh;
	} else {
		ldns_rr_list_deep_free(fresh);
	}
	if (!rc && !ldns_rr_list_rr_count(ds)) {
		ldns_rr_list_deep_free(ds);
		ch->unchanged = true;
		snprintf(ch->done, sizeof ch->done, "%s already has %s: nothing changed", nm,
			 ldns_rr_list_rr_count(ch->d->ds) == 1 ? "this DS" : "these DS records");
		return 0;
	}
	if (!rc)
		rc = check_ds(ch, ds, err);
	if (rc) {
		ldns_rr_list_deep_free(ds);
		return rc;
	}
	snprintf(ch->what, sizeof ch->what, "add-ds %s:", nm);
	for (size_t i = 0; i < ldns_rr_list_rr_count(ds); i++) {
		ldns_rr *d = ldns_rr_list_rr(ds, i);
		rr_data(d, data, sizeof data);
		append(ch->what, sizeof ch->what, " DS %s%s", data, "");
		ldns_rr_list_push_rr(ch->d->ds, d);
	}
	ldns_rr_list_free(ds); /* the records moved */
	snprintf(ch->done, sizeof ch->done, "DS added to %s", nm);
	return 0;
}

static int do_remove_ds(struct change *ch, struct dl_error *err)
{
	struct req *r = ch->r;
	char nm[300], tags[512] = "", data[1024];
	rdf_text(ch->name, nm, sizeof nm);
	size_t n = ldns_rr_list_rr_count(ch->d->ds);
	for (size_t i = 0; i < n; i++)
		snprintf(tags + strlen(tags), sizeof tags - strlen(tags), "%s%u", i ? ", " : "",
			 (unsigned)ldns_rdf2native_int16(ldns_rr_rdf(ldns_rr_list_rr(ch->d->ds, i), 0)));
	if (!n)
		return dl_error_set(err, DL_ERR_INPUT, "%s has no DS record to remove", nm);
	long tag = -1;
	if (r->npos == 2) {
		char *end;
		tag = strtol(r->pos[1], &end, 10);
		if (*end || end == r->pos[1] || tag < 0 || tag > 65535)
			return dl_error_set(err, DL_ERR_USAGE, "'%s' is not a key tag (a number from 0 to 65535)", r->pos[1]);
	} else if (!r->all && n > 1) {
		return dl_error_set(err, DL_ERR_USAGE, "%s has %zu DS records (key tags %s): say which tag, or --all", nm,
				    n, tags);
	}
	ldns_rr_list *keep = ldns_rr_list_new();
	if (!keep)
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	snprintf(ch->what, sizeof ch->what, "remove-ds %s:", nm);
	for (size_t i = 0; i < n; i++) {
		ldns_rr *d = ldns_rr_list_rr(ch->d->ds, i);
		if (tag >= 0 && ldns_rdf2native_int16(ldns_rr_rdf(d, 0)) != tag) {
			ldns_rr_list_push_rr(keep, d);
			continue;
		}
		rr_data(d, data, sizeof data);
		append(ch->what, sizeof ch->what, " DS %s%s", data, "");
		ldns_rr_free(d);
	}
	if (ldns_rr_list_rr_count(keep) == n) {
		ldns_rr_list_free(keep);
		return dl_error_set(err, DL_ERR_INPUT, "%s has no DS with key tag %ld (it has %s)", nm, tag, tags);
	}
	ldns_rr_list_free(ch->d->ds); /* its records were freed or moved */
	ch->d->ds = keep;
	snprintf(ch->done, sizeof ch->done, "DS removed from %s%s", nm,
		 ldns_rr_list_rr_count(keep) ? "" : " (its delegation is insecure now)");
	return 0;
}

static const char *user_name(char *buf, size_t len)
{
	const struct passwd *pw = getpwuid(getuid());
	snprintf(buf, len, "%s (%s)", REGISTRY_WHO, pw && pw->pw_name ? pw->pw_name : "unknown user");
	return buf;
}

/* Check the request against the registry, the TLD's zone file and the
 * live lab, then apply it to ch->reg.  Nothing is written here. */
static int prepare(struct change *ch, struct dl_error *err)
{
	struct req *r = ch->r;
	int rc = registry_check_name(ch->reg, r->pos[0], &ch->name, err);
	if (rc)
		return rc;
	char nm[300];
	rdf_text(ch->name, nm, sizeof nm);
	if (zone_find(ch->file, ch->name))
		return dl_error_set(err, DL_ERR_INPUT,
				    "%s is in the zone file %s itself, not in the registry: the registry changes only "
				    "what it registered",
				    nm, ch->tz->file);
	ch->d = registry_find(ch->reg, ch->name);
	if (r->sub == SUB_REGISTER && ch->d)
		return register_again(ch, err);
	if (r->sub != SUB_REGISTER && !ch->d)
		return dl_error_set(err, DL_ERR_INPUT, "%s is not registered; register it first", nm);
	switch (r->sub) {
	case SUB_REGISTER:
	case SUB_SET_NS:
		return do_delegation(ch, r->sub == SUB_REGISTER, err);
	case SUB_ADD_DS:
		return do_add_ds(ch, err);
	case SUB_REMOVE_DS:
		return do_remove_ds(ch, err);
	case SUB_DELETE:
		return do_delete(ch);
	default:
		return dl_error_set(err, DL_ERR_USAGE, "not a change");
	}
}

/* Tell the TLD's server; say what it serves now. */
static int announce(struct change *ch, uint32_t serial, struct dl_error *err)
{
	const struct topo_server *ts = server_of(ch->r->topo, ch->reg->tld);
	if (ch->c.embedded || !ts) {
		printf("no lab is running on port %d: the change is stored in %s and takes effect when the lab starts\n",
		       ch->c.lab->port, ch->reg->path);
		return 0;
	}
	uint32_t served = 0;
	int rc = regnet_notify(&ch->c, ts->address, ch->reg->tld, &served, err);
	if (rc) {
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		return dl_error_set(err, DL_ERR_NET,
				    "the change is stored (%s serial %u), but the lab did not take it: %s; it takes effect "
				    "when the lab reloads or starts",
				    ch->reg->tld, (unsigned)serial, why);
	}
	printf("%s serial %u is now served by %s (%s)\n", ch->reg->tld, (unsigned)served, ts->name, ts->address);
	return 0;
}

static int change(struct req *r)
{
	struct dl_error err = { 0, "" };
	struct change ch = { .r = r };
	if (!(ch.tz = tld_for(r->topo, r->pos[0], &err)))
		return fail(&err);
	/* The lab that answers the checks: the running one (at its clock), or
	 * one started here. */
	r->lo.need_lab = true;
	r->lo.lab_clock = true;
	r->lo.quiet = true;
	int rc = labclient_open(&ch.c, &r->lo, &err);
	if (rc)
		return fail(&err);
	int lock = -1;
	rc = paths_lock_dir(r->dir, "the registry directory", &lock, &err);
	if (!rc)
		rc = registry_load(r->dir, ch.tz->origin, &ch.reg, &err);
	if (!rc)
		rc = zone_load(ch.tz->file, ch.tz->origin, &ch.file, &err);
	if (!rc) {
		const ldns_dnssec_rrsets *ns = zone_rrset(zone_find(ch.file, ch.file->origin), LDNS_RR_TYPE_NS);
		ch.ttl = ns && ns->rrs ? ldns_rr_ttl(ns->rrs->rr) : 172800;
		rc = prepare(&ch, &err);
	}
	uint32_t serial = 0;
	if (!rc && !ch.unchanged) {
		time_t now = time(NULL), lab_now = (time_t)labclock_now(&ch.c.lab->clock);
		char who[300], nm[300];
		serial = registry_next_serial(ch.reg, ldns_rdf2native_int32(ldns_rr_rdf(ch.file->soa, 2)));
		ch.reg->serial = serial;
		ch.reg->has_serial = true;
		if (ch.deleting) {
			registry_remove(ch.reg, ch.d);
			ch.d = NULL;
		} else {
			ch.d->updated = now;
			ch.d->updated_lab = lab_now;
			if (r->sub == SUB_REGISTER) {
				ch.d->created = now;
				ch.d->created_lab = lab_now;
			}
			ch.d->serial = serial;
		}
		if (registry_log(ch.reg, now, lab_now, user_name(who, sizeof who), rdf_text(ch.name, nm, sizeof nm), serial,
				 ch.what) != 0)
			rc = dl_error_set(&err, DL_ERR_NOMEM, "out of memory");
		if (!rc)
			rc = registry_save(ch.reg, &err);
	}
	paths_unlock_dir(lock);
	if (!rc && ch.unchanged) {
		printf("registrar: %s\n", ch.done); /* nothing stored, nothing to tell the lab */
	} else if (!rc) {
		printf("registrar: %s (%s serial %u)\n", ch.done, ch.reg->tld, (unsigned)serial);
		rc = announce(&ch, serial, &err);
	}
	labclient_stop(&ch.c);
	int run = labclient_run(&ch.c);
	ldns_rdf_deep_free(ch.name);
	zone_free(ch.file);
	registry_free(ch.reg);
	if (rc)
		return fail(&err);
	return run;
}

int cmd_registrar(int argc, char **argv)
{
	struct req r;
	int rc = parse(argc, argv, &r);
	if (rc >= 0)
		return rc;
	struct dl_error err = { 0, "" };
	if ((rc = lab_topology_load(r.lo.topology, &r.topo, &err)) != 0)
		return fail(&err);
	registry_dir(r.topo->path, r.dir, sizeof r.dir);
	rc = r.sub >= SUB_WHOIS ? views(&r) : change(&r);
	topology_free(r.topo);
	return rc;
}
