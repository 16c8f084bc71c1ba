/* topology.c: load and check the lab's topology file (topology.h). */
#include "lab/topology.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/addr.h"
#include "util/ytree.h"

static const char *const top_keys[] = { "servers", "dnssec", NULL };
static const char *const zone_keys[] = { "zone", "sign", "denial", "iterations", "fault", NULL };
static const char *const fault_names[] = { "none", "no-ds", "expired", "wrong-ds", "bad-sig" };

const char *topo_fault_name(enum topo_fault f)
{
	return (unsigned)f < sizeof fault_names / sizeof fault_names[0] ? fault_names[f] : "?";
}
static const char *const server_keys[] = { "id", "name", "address", "zones", "role", "clients", "offnet", NULL };

void topology_free(struct topology *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nservers; i++) {
		struct topo_server *s = &t->servers[i];
		for (size_t z = 0; z < s->nzones; z++) {
			free(s->zones[z].origin);
			free(s->zones[z].file);
		}
		free(s->zones);
		free(s->id);
		free(s->name);
		free(s->address);
		free(s->offnet);
	}
	free(t->servers);
	free(t->path);
	free(t);
}

/* "example.test" or "example.test." -> "example.test."; "." stays. */
static char *absolute_name(const char *s)
{
	size_t n = strlen(s);
	char *r = malloc(n + 2);
	if (!r)
		return NULL;
	memcpy(r, s, n + 1);
	if (n == 0 || r[n - 1] != '.') {
		r[n] = '.';
		r[n + 1] = '\0';
	}
	return r;
}

static bool valid_id(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

/* zones/<origin without trailing dot>.zone, root.zone for the root. */
static char *zone_file_for(const char *dir, const char *origin)
{
	size_t n = strlen(origin);
	const char *base = strcmp(origin, ".") == 0 ? "root" : origin;
	size_t blen = strcmp(origin, ".") == 0 ? 4 : n - 1;
	size_t len = strlen(dir) + 1 + blen + sizeof ".zone";
	char *p = malloc(len);
	if (p)
		snprintf(p, len, "%s/%.*s.zone", dir, (int)blen, base);
	return p;
}

static int yes_no(const struct ynode *v, const char *path, const char *key, bool *out, struct dl_error *err)
{
	if (v->kind == Y_SCALAR && (!strcmp(v->value, "yes") || !strcmp(v->value, "true")))
		*out = true;
	else if (v->kind == Y_SCALAR && (!strcmp(v->value, "no") || !strcmp(v->value, "false")))
		*out = false;
	else
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: '%s' must be yes or no", path, v->line, key);
	return 0;
}

/* A zone entry: its name, or a map { zone: NAME, sign, denial, iterations,
 * fault } saying how the lab signs it. */
static int load_zone(const struct ynode *z, const char *path, const char *dir, struct topo_zone *tz,
		     struct dl_error *err)
{
	int rc;
	const char *origin;
	tz->line = z->line;
	tz->sign = true;
	if (z->kind == Y_MAP) {
		if ((rc = ymap_check_keys(z, zone_keys, path, err)) || (rc = ymap_scalar(z, "zone", path, &origin, err)))
			return rc;
		const struct ynode *v;
		if ((v = ymap_get(z, "sign")) && (rc = yes_no(v, path, "sign", &tz->sign, err)))
			return rc;
		if ((v = ymap_get(z, "denial"))) {
			if (v->kind != Y_SCALAR || (strcmp(v->value, "nsec") && strcmp(v->value, "nsec3")))
				return dl_error_set(err, DL_ERR_INPUT, "%s:%d: 'denial' must be nsec or nsec3", path, v->line);
			tz->nsec3 = !strcmp(v->value, "nsec3");
		}
		if ((v = ymap_get(z, "iterations"))) {
			char *end = NULL;
			unsigned long n = v->kind == Y_SCALAR ? strtoul(v->value, &end, 10) : 0;
			if (v->kind != Y_SCALAR || !*v->value || *end || n > 2500 || !tz->nsec3)
				return dl_error_set(err, DL_ERR_INPUT,
						    "%s:%d: 'iterations' must be a number from 0 to 2500, with denial: nsec3",
						    path, v->line);
			tz->iterations = (unsigned)n;
		}
		if ((v = ymap_get(z, "fault"))) {
			size_t f = 0, nf = sizeof fault_names / sizeof fault_names[0];
			while (v->kind == Y_SCALAR && f < nf && strcmp(v->value, fault_names[f]))
				f++;
			if (v->kind != Y_SCALAR || f == nf)
				return dl_error_set(err, DL_ERR_INPUT,
						    "%s:%d: 'fault' must be one of: none, no-ds, expired, wrong-ds, bad-sig",
						    path, v->line);
			tz->fault = (enum topo_fault)f;
			if (tz->fault != TOPO_FAULT_NONE && !tz->sign)
				return dl_error_set(err, DL_ERR_INPUT, "%s:%d: a fault needs a signed zone (sign: no)",
						    path, v->line);
		}
	} else if (z->kind == Y_SCALAR && *z->value) {
		origin = z->value;
	} else {
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: a zone must be a domain name, or a map with 'zone'",
				    path, z->line);
	}
	if (!*origin)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: a zone must be a domain name", path, z->line);
	tz->origin = absolute_name(origin);
	tz->file = tz->origin ? zone_file_for(dir, tz->origin) : NULL;
	if (!tz->origin || !tz->file)
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	return 0;
}

/* A resolver's clients: [PREFIX ...] (its allow list) and offnet: ADDRESS
 * (a loopback address outside that list, standing for the Internet). */
static int load_resolver_keys(const struct ynode *node, const char *path, struct topo_server *s,
			      struct dl_error *err)
{
	const struct ynode *clients = ymap_get(node, "clients"), *offnet = ymap_get(node, "offnet");
	if ((clients || offnet) && s->role != TOPO_RESOLVER)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: only a resolver (role: resolver) has clients and offnet",
				    path, (clients ? clients : offnet)->line);
	if (!clients) {
		acl_loopback(&s->clients);
	} else if (clients->kind != Y_SEQ || clients->n == 0) {
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: 'clients' must be a list of address prefixes, "
				    "e.g. [127.0.0.1/32, ::1/128]", path, clients->line);
	}
	for (size_t i = 0; clients && i < clients->n; i++) {
		const struct ynode *c = clients->items[i];
		struct dl_error why = { 0, "" };
		if (c->kind != Y_SCALAR || acl_add(&s->clients, c->value, &why) != 0)
			return dl_error_set(err, DL_ERR_INPUT, "%s:%d: %s", path, c->line,
					    c->kind == Y_SCALAR ? why.msg : "a client must be an address prefix");
	}
	if (offnet) {
		unsigned char buf[16];
		if (offnet->kind != Y_SCALAR || (inet_pton(AF_INET, offnet->value, buf) != 1 &&
						 inet_pton(AF_INET6, offnet->value, buf) != 1))
			return dl_error_set(err, DL_ERR_INPUT, "%s:%d: 'offnet' must be an IPv4 or IPv6 address", path,
					    offnet->line);
		if (!(s->offnet = strdup(offnet->value)))
			return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	return 0;
}

static int load_server(const struct ynode *node, const char *path, const char *dir,
		       struct topo_server *s, struct dl_error *err)
{
	int rc;
	const char *id, *name, *addr;
	if (node->kind != Y_MAP)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: a server must be a map with id, name, address, zones",
				    path, node->line);
	if ((rc = ymap_check_keys(node, server_keys, path, err)) ||
	    (rc = ymap_scalar(node, "id", path, &id, err)) ||
	    (rc = ymap_scalar(node, "name", path, &name, err)) ||
	    (rc = ymap_scalar(node, "address", path, &addr, err)))
		return rc;
	s->line = node->line;
	if (!valid_id(id))
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: server id '%s' must be letters, digits, - or _",
				    path, ymap_get(node, "id")->line, id);
	unsigned char buf[16];
	if (inet_pton(AF_INET, addr, buf) != 1 && inet_pton(AF_INET6, addr, buf) != 1)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: '%s' is not an IPv4 or IPv6 address",
				    path, ymap_get(node, "address")->line, addr);
	const struct ynode *role = ymap_get(node, "role");
	if (role) {
		if (role->kind == Y_SCALAR && strcmp(role->value, "resolver") == 0)
			s->role = TOPO_RESOLVER;
		else if (role->kind == Y_SCALAR && strcmp(role->value, "authoritative") == 0)
			s->role = TOPO_AUTHORITATIVE;
		else
			return dl_error_set(err, DL_ERR_INPUT, "%s:%d: role must be 'authoritative' or 'resolver'",
					    path, role->line);
	}
	if ((rc = load_resolver_keys(node, path, s, err)))
		return rc;
	s->id = strdup(id);
	s->name = absolute_name(name);
	s->address = strdup(addr);
	if (!s->id || !s->name || !s->address)
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	const struct ynode *zones = ymap_get(node, "zones");
	if (!zones)
		return 0;
	if (s->role == TOPO_RESOLVER && (zones->kind != Y_SEQ || zones->n))
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: a resolver serves no zones", path, zones->line);
	if (zones->kind != Y_SEQ)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: 'zones' must be a list of zone names",
				    path, zones->line);
	s->zones = calloc(zones->n ? zones->n : 1, sizeof *s->zones);
	if (!s->zones)
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < zones->n; i++) {
		struct topo_zone *tz = &s->zones[s->nzones++];
		if ((rc = load_zone(zones->items[i], path, dir, tz, err)))
			return rc;
	}
	return 0;
}

/* Compare parsed addresses: 2001:db8::1 and 2001:DB8:0::1 are one host. */
static bool same_address(const char *a, const char *b)
{
	struct sockaddr_storage x, y;
	if (net_addr_parse(a, 0, &x) || net_addr_parse(b, 0, &y))
		return strcmp(a, b) == 0;
	return memcmp(&x, &y, sizeof x) == 0;
}

static int check_unique(const struct topology *t, struct dl_error *err)
{
	for (size_t i = 0; i < t->nservers; i++)
		for (size_t j = 0; j < i; j++) {
			const struct topo_server *a = &t->servers[i], *b = &t->servers[j];
			if (strcmp(a->id, b->id) == 0)
				return dl_error_set(err, DL_ERR_INPUT, "%s:%d: server id '%s' is used twice (also line %d)",
						    t->path, a->line, a->id, b->line);
			if (same_address(a->address, b->address))
				return dl_error_set(err, DL_ERR_INPUT, "%s:%d: address %s is used twice (also line %d)",
						    t->path, a->line, a->address, b->line);
		}
	return 0;
}

int topology_load(const char *path, struct topology **out, struct dl_error *err)
{
	*out = NULL;
	struct ynode *root = NULL;
	int rc = ytree_load(path, &root, err);
	if (rc)
		return rc;
	struct topology *t = calloc(1, sizeof *t);
	char *dir = strdup(path);
	if (!t || !dir || !(t->path = strdup(path))) {
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
		goto out;
	}
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	if (root->kind != Y_MAP) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: expected a map with 'servers'", path, root->line);
		goto out;
	}
	if ((rc = ymap_check_keys(root, top_keys, path, err)))
		goto out;
	const struct ynode *dnssec = ymap_get(root, "dnssec");
	if (dnssec) {
		if (dnssec->kind != Y_SCALAR || (strcmp(dnssec->value, "sign") && strcmp(dnssec->value, "files"))) {
			rc = dl_error_set(err, DL_ERR_INPUT,
					  "%s:%d: 'dnssec' must be 'sign' (the lab signs its zones) or 'files' (served as written)",
					  path, dnssec->line);
			goto out;
		}
		t->sign = !strcmp(dnssec->value, "sign");
	}
	const struct ynode *servers = ymap_get(root, "servers");
	if (!servers || servers->kind != Y_SEQ || servers->n == 0) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: 'servers' must be a non-empty list", path,
				  servers ? servers->line : root->line);
		goto out;
	}
	t->servers = calloc(servers->n, sizeof *t->servers);
	if (!t->servers) {
		rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < servers->n; i++) {
		t->nservers++;
		if ((rc = load_server(servers->items[i], path, dir, &t->servers[i], err)))
			goto out;
	}
	rc = check_unique(t, err);
out:
	free(dir);
	ytree_free(root);
	if (rc)
		topology_free(t);
	else
		*out = t;
	return rc;
}

const struct topo_server *topology_find(const struct topology *t, const char *key)
{
	size_t klen = strlen(key);
	for (size_t i = 0; i < t->nservers; i++) {
		const struct topo_server *s = &t->servers[i];
		if (strcasecmp(s->id, key) == 0 || strcmp(s->address, key) == 0 ||
		    strcasecmp(s->name, key) == 0 ||
		    (klen + 1 == strlen(s->name) && strncasecmp(s->name, key, klen) == 0))
			return s;
	}
	return NULL;
}
