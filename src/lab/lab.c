/* lab.c: bring the lab internet up and down (lab.h). */
#include "lab/lab.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lab/labtls.h"
#include "lab/labnotify.h"
#include "lab/paths.h"
#include "lab/registry.h"
#include "net/addr.h"

static size_t lab_on_query(void *arg, const uint8_t *q, size_t qlen, bool tcp, uint8_t *out, size_t cap)
{
	/* A NOTIFY (RFC 1996) changes what the server serves: the lab's, not
	 * the answer engine's. */
	if (labnotify_is_notify(q, qlen)) {
		struct lab_server *s = (struct lab_server *)((char *)arg - offsetof(struct lab_server, auth));
		return labnotify_respond(s->lab, s, q, qlen, out, cap);
	}
	return authserver_respond(arg, q, qlen, tcp, out, cap);
}

void lab_free(struct lab *lab)
{
	if (!lab)
		return;
	for (size_t i = 0; i < lab->nservers; i++) {
		authserver_free(&lab->servers[i].auth);
		if (lab->servers[i].resolver) {
			resolver_free(lab->servers[i].resolver);
			free(lab->servers[i].resolver);
		}
	}
	free(lab->servers);
	for (size_t i = 0; i < lab->nzones; i++)
		zone_free(lab->zones[i]);
	free(lab->zones);
	ldns_rr_list_deep_free(lab->anchor);
	topology_free(lab->topo);
	free(lab);
}

/* The file the lab serves tz from: a zone the lab does not sign (sign: no)
 * is served from its own signed copy, tz->file + ".signed", when that file
 * exists (the student signs student.test. with `sign` next to the zone);
 * otherwise, and for every zone the lab signs, tz->file itself. */
static const char *served_file(const struct topo_zone *tz, char *buf, size_t len)
{
	if (tz->sign || (size_t)snprintf(buf, len, "%s.signed", tz->file) >= len || access(buf, F_OK) != 0)
		return tz->file;
	return buf;
}

/* The zone for tz in zones[0..*n), loaded (and appended) when missing:
 * one copy however many servers serve it. */
static int find_or_load(const struct topology *topo, struct zone **zones, size_t *n, const struct topo_zone *tz,
			struct zone **out, struct dl_error *err)
{
	char sbuf[4200];
	const char *file = served_file(tz, sbuf, sizeof sbuf);
	for (size_t i = 0; i < *n; i++)
		if (strcasecmp(zones[i]->origin_str, tz->origin) == 0 && strcmp(zones[i]->file, file) == 0) {
			*out = zones[i];
			return 0;
		}
	struct zone *z = NULL;
	int rc = zone_load(file, tz->origin, &z, err);
	if (!rc && (rc = registry_apply(topo->path, z, err)) != 0) { /* a TLD: what the registry added */
		zone_free(z);
		return rc;
	}
	if (rc) {
		if (rc == DL_ERR_ENV) { /* name the topology line that wants the file */
			char why[sizeof err->msg];
			snprintf(why, sizeof why, "%s", err->msg);
			rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: zone %s: %s", topo->path, tz->line, tz->origin, why);
		}
		return rc;
	}
	zones[(*n)++] = z;
	*out = z;
	return 0;
}

/* Every zone of the topology loaded from its file and, when the topology
 * says dnssec: sign, signed at sign_time.  On success *zones (n of them)
 * and *anchor are the caller's. */
static int load_zones(struct lab *lab, time_t sign_time, struct zone ***zones, size_t *n, ldns_rr_list **anchor,
		      struct labsign_stats *st, struct dl_error *err)
{
	const struct topology *topo = lab->topo;
	size_t total = 0;
	for (size_t i = 0; i < topo->nservers; i++)
		total += topo->servers[i].nzones;
	*n = 0;
	*anchor = NULL;
	memset(st, 0, sizeof *st);
	*zones = calloc(total ? total : 1, sizeof **zones);
	const struct topo_zone **cfg = calloc(total ? total : 1, sizeof *cfg);
	int rc = *zones && cfg ? 0 : dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < topo->nservers && !rc; i++) {
		const struct topo_server *ts = &topo->servers[i];
		if (ts->nzones > 64)
			rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: at most 64 zones per server", topo->path, ts->line);
		for (size_t z = 0; z < ts->nzones && !rc; z++) {
			struct zone *zp;
			size_t before = *n;
			rc = find_or_load(topo, *zones, n, &ts->zones[z], &zp, err);
			if (!rc && *n > before)
				cfg[before] = &ts->zones[z];
		}
	}
	if (!rc && topo->sign) {
		char keydir[4200];
		paths_userdir(lab->userdir, sizeof lab->userdir);
		snprintf(keydir, sizeof keydir, "%s/keys", lab->userdir);
		rc = labsign_zones(*zones, cfg, *n, keydir, sign_time, anchor, st, err);
		if (!rc && *anchor)
			rc = labsign_write_anchor(*anchor, lab->userdir, err);
	}
	free(cfg);
	if (rc) {
		for (size_t i = 0; *zones && i < *n; i++)
			zone_free((*zones)[i]);
		free(*zones);
		*zones = NULL;
		*n = 0;
		ldns_rr_list_deep_free(*anchor);
		*anchor = NULL;
	}
	return rc;
}

/* Point server s at its zones among zones[0..n). */
static int server_zones(const struct topo_server *ts, struct zone **zones, size_t n, struct zone **zs)
{
	for (size_t z = 0; z < ts->nzones; z++) {
		char sbuf[4200];
		const char *file = served_file(&ts->zones[z], sbuf, sizeof sbuf);
		zs[z] = NULL;
		for (size_t i = 0; i < n && !zs[z]; i++)
			if (strcasecmp(zones[i]->origin_str, ts->zones[z].origin) == 0 &&
			    strcmp(zones[i]->file, file) == 0)
				zs[z] = zones[i];
		if (!zs[z])
			return -1;
	}
	return 0;
}

int lab_topology_load(const char *path, struct topology **out, struct dl_error *err)
{
	char deflt[4096];
	const char *p = path ? path : paths_default_topology(deflt, sizeof deflt);
	int rc = topology_load(p, out, err);
	if (rc == DL_ERR_ENV) {
		/* A file the user named is their input; the default one is the
		 * installation's. */
		char why[sizeof err->msg];
		snprintf(why, sizeof why, "%s", err->msg);
		rc = path ? dl_error_set(err, DL_ERR_USAGE, "%s; check the --topology path", why)
			  : dl_error_set(err, DL_ERR_ENV, "%s; is dnslab installed? set DNSLAB_DATA to its data directory",
					 why);
	}
	return rc;
}

int lab_load(struct lab **out, const char *topology_path, int port, struct dl_error *err)
{
	*out = NULL;
	struct lab *lab = calloc(1, sizeof *lab);
	if (!lab)
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	lab->port = port;
	lab->qmin = true;
	int rc = lab_topology_load(topology_path, &lab->topo, err);
	if (rc) {
		lab_free(lab);
		return rc;
	}
	lab->servers = calloc(lab->topo->nservers, sizeof *lab->servers);
	if (!lab->servers) {
		lab_free(lab);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	/* The lab signs at startup against real time: `serve --clock +40d`
	 * shows what a lab nobody re-signed looks like 40 days on (reload
	 * re-signs on the lab clock). */
	rc = load_zones(lab, time(NULL), &lab->zones, &lab->nzones, &lab->anchor, &lab->signing, err);
	for (size_t i = 0; i < lab->topo->nservers && !rc; i++) {
		const struct topo_server *ts = &lab->topo->servers[i];
		struct zone *zs[64];
		lab->servers[i].ts = ts;
		lab->servers[i].lab = lab;
		if (server_zones(ts, lab->zones, lab->nzones, zs) != 0 || authserver_init(&lab->servers[i].auth, zs, ts->nzones) != 0) {
			rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
			break;
		}
		authserver_set_identity(&lab->servers[i].auth, ts->name);
		lab->nservers++;
	}
	if (rc) {
		lab_free(lab);
		return rc;
	}
	wiretap_init(&lab->tap, &lab->clock, lab->topo);
	*out = lab;
	return 0;
}

static void lab_listener_closed(struct net_listener *l)
{
	struct lab_server *s = (struct lab_server *)((char *)l - offsetof(struct lab_server, listener));
	struct lab *lab = s->lab;
	s->listening = false;
	if (--lab->closing == 0 && lab->on_closed)
		lab->on_closed(lab);
}

int lab_listen(struct lab *lab, uv_loop_t *loop, bool *all_busy, struct dl_error *err)
{
	size_t busy = 0;
	int rc = 0;
	struct dl_error first = { 0, "" };
	for (size_t i = 0; i < lab->nservers; i++) {
		struct lab_server *s = &lab->servers[i];
		if (s->ts->role == TOPO_RESOLVER) {
			struct iter_hints hints;
			s->resolver = calloc(1, sizeof *s->resolver);
			if (!s->resolver || lab_root_hints(lab, &hints) != 0) {
				rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
				break;
			}
			if (resolver_init(s->resolver, loop, &hints, lab->port, s->ts->address, &lab->clock, lab->qmin, lab->anchor) != 0) {
				iter_hints_free(&hints);
				rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory");
				break;
			}
			s->resolver->allowed = s->ts->clients;
			rc = net_listener_start_async(&s->listener, loop, s->ts->address, lab->port, s->ts->id,
						      resolver_on_query, s->resolver, &lab->tap.hook, err);
			if (!rc)
				rc = labtls_listen(lab, s, loop);
		} else {
			rc = net_listener_start(&s->listener, loop, s->ts->address, lab->port, s->ts->id, lab_on_query,
						&s->auth, &lab->tap.hook, err);
		}
		s->listening = true; /* handles exist and must be closed, even on error */
		if (rc && rc == DL_ERR_ENV && strstr(err->msg, "already in use")) {
			if (!busy++)
				first = *err;
			rc = 0;
			continue;
		}
		if (rc)
			break;
	}
	if (all_busy)
		*all_busy = busy == lab->nservers && busy > 0;
	if (!rc && busy) {
		*err = first;
		if (busy < lab->nservers)
			dl_error_set(err, DL_ERR_ENV, "%s (%zu of %zu lab addresses are taken)", first.msg, busy,
				     lab->nservers);
		rc = DL_ERR_ENV;
	}
	return rc;
}

void lab_close(struct lab *lab, void (*on_closed)(struct lab *lab))
{
	lab->on_closed = on_closed;
	lab->closing = 0;
	for (size_t i = 0; i < lab->nservers; i++)
		lab->closing += lab->servers[i].listening + (lab->servers[i].dot != NULL);
	if (!lab->closing) {
		if (on_closed)
			on_closed(lab);
		return;
	}
	for (size_t i = 0; i < lab->nservers; i++) {
		struct lab_server *s = &lab->servers[i];
		if (s->resolver) {
			/* Cancel resolutions first: their replies need open listeners. */
			resolver_free(s->resolver);
			free(s->resolver);
			s->resolver = NULL;
		}
	}
	for (size_t i = 0; i < lab->nservers; i++) {
		labtls_close(&lab->servers[i]);
		if (lab->servers[i].listening)
			net_listener_close(&lab->servers[i].listener, lab_listener_closed);
	}
}

int lab_root_hints(const struct lab *lab, struct iter_hints *out)
{
	memset(out, 0, sizeof *out);
	out->servers = calloc(lab->topo->nservers, sizeof *out->servers);
	if (!out->servers)
		return DL_ERR_NOMEM;
	for (size_t i = 0; i < lab->topo->nservers; i++) {
		const struct topo_server *ts = &lab->topo->servers[i];
		bool root = false;
		for (size_t z = 0; z < ts->nzones; z++)
			root = root || strcmp(ts->zones[z].origin, ".") == 0;
		if (!root)
			continue;
		struct iter_hint *h = &out->servers[out->n];
		h->name = ldns_dname_new_frm_str(ts->name);
		if (!h->name || net_addr_parse(ts->address, lab->port, &h->addr) != 0) {
			ldns_rdf_deep_free(h->name);
			continue;
		}
		out->n++;
	}
	return 0;
}

const struct topo_server *lab_resolver(const struct lab *lab)
{
	for (size_t i = 0; i < lab->topo->nservers; i++)
		if (lab->topo->servers[i].role == TOPO_RESOLVER)
			return &lab->topo->servers[i];
	return NULL;
}

const struct lab_server *lab_find(const struct lab *lab, const char *key)
{
	const struct topo_server *ts = topology_find(lab->topo, key);
	for (size_t i = 0; ts && i < lab->nservers; i++)
		if (lab->servers[i].ts == ts)
			return &lab->servers[i];
	return NULL;
}

const struct topo_server *lab_authority_for(const struct lab *lab, const char *name)
{
	ldns_rdf *dname = ldns_dname_new_frm_str(name);
	if (!dname)
		return NULL;
	const struct topo_server *best = NULL;
	size_t best_labels = 0;
	for (size_t i = 0; i < lab->nservers; i++) {
		const struct zoneset *zs = &lab->servers[i].auth.zones;
		const struct zone *z = answer_find_zone(zs, dname, LDNS_RR_TYPE_A);
		if (z && (!best || ldns_dname_label_count(z->origin) > best_labels)) {
			best = lab->servers[i].ts;
			best_labels = ldns_dname_label_count(z->origin);
		}
	}
	ldns_rdf_deep_free(dname);
	return best;
}

int lab_reload(struct lab *lab, time_t sign_time, struct dl_error *err)
{
	struct zone **zones = NULL;
	size_t n = 0;
	ldns_rr_list *anchor = NULL;
	struct labsign_stats st;
	int rc = load_zones(lab, sign_time, &zones, &n, &anchor, &st, err);
	if (rc)
		return rc; /* the lab goes on serving what it had */
	for (size_t i = 0; i < lab->nservers; i++) {
		struct lab_server *s = &lab->servers[i];
		struct zone *zs[64];
		if (server_zones(s->ts, zones, n, zs) == 0 && s->auth.zones.n == s->ts->nzones) {
			memcpy(s->auth.zones.zones, zs, s->ts->nzones * sizeof *zs);
			authserver_zones_changed(&s->auth);
		}
		if (s->resolver)
			s->resolver->anchor = anchor;
	}
	for (size_t i = 0; i < lab->nservers; i++)
		if (lab->servers[i].resolver) /* a hyperlocal root fetches the new root zone */
			hyperlocal_refresh(&lab->servers[i].resolver->hyper);
	for (size_t i = 0; i < lab->nzones; i++)
		zone_free(lab->zones[i]);
	free(lab->zones);
	ldns_rr_list_deep_free(lab->anchor);
	lab->zones = zones;
	lab->nzones = n;
	lab->anchor = anchor;
	lab->signing = st;
	return 0;
}

int lab_write_signed(const struct lab *lab, char *dir, size_t dirlen, struct dl_error *err)
{
	snprintf(dir, dirlen, "%s/signed", lab->userdir);
	if (!lab->anchor)
		return 0;
	if (paths_mkdirs(dir) != 0)
		return dl_error_set(err, DL_ERR_ENV, "cannot create %s: %s", dir, strerror(errno));
	for (size_t i = 0; i < lab->nzones; i++) {
		const struct zone *z = lab->zones[i];
		char path[4400], tmp[4420];
		size_t ol = strlen(z->origin_str);
		snprintf(path, sizeof path, "%s/%.*s.zone", dir, ol > 1 ? (int)ol - 1 : 4, ol > 1 ? z->origin_str : "root");
		snprintf(tmp, sizeof tmp, "%s.tmp", path);
		/* A copy for reading, made again at every start: renamed into
		 * place so a reader never sees half of it, but not fsync'd (it is
		 * not student work, and a crash only means a fresh copy). */
		FILE *fp = fopen(tmp, "w");
		if (!fp)
			return dl_error_set(err, DL_ERR_ENV, "cannot write %s: %s", tmp, strerror(errno));
		fprintf(fp, "; %s as the lab serves it (signed from %s). Written by dnslab serve\n"
			    "; at every start and reload; edit the template, not this file.\n",
			z->origin_str, z->file);
		ldns_dnssec_zone_print_fmt(fp, ldns_output_format_nocomments, z->dz);
		if (fclose(fp) != 0 || rename(tmp, path) != 0) {
			unlink(tmp);
			return dl_error_set(err, DL_ERR_ENV, "cannot write %s: %s", path, strerror(errno));
		}
	}
	return 0;
}

struct resolver *lab_running_resolver(const struct lab *lab)
{
	for (size_t i = 0; i < lab->nservers; i++)
		if (lab->servers[i].resolver)
			return lab->servers[i].resolver;
	return NULL;
}

void lab_flush_resolvers(struct lab *lab)
{
	for (size_t i = 0; i < lab->nservers; i++)
		if (lab->servers[i].resolver)
			resolver_flush(lab->servers[i].resolver);
}

size_t lab_own_signed(const struct lab *lab, char *buf, size_t len)
{
	size_t count = 0, o = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < lab->nzones; i++) {
		const struct zone *z = lab->zones[i];
		size_t fl = strlen(z->file);
		if (fl <= 7 || strcmp(z->file + fl - 7, ".signed") != 0)
			continue;
		/* Signed before the zone file's last edit: the edit is not served. */
		struct stat zs, ss;
		char zfile[4200];
		snprintf(zfile, sizeof zfile, "%.*s", (int)(fl - 7), z->file);
		bool stale = stat(zfile, &zs) == 0 && stat(z->file, &ss) == 0 &&
			     (zs.st_mtim.tv_sec > ss.st_mtim.tv_sec ||
			      (zs.st_mtim.tv_sec == ss.st_mtim.tv_sec && zs.st_mtim.tv_nsec > ss.st_mtim.tv_nsec));
		count++;
		if (o < len)
			o += (size_t)snprintf(buf + o, len - o, "%s served from %s%s\n", z->origin_str, z->file,
					      stale ? " (older than the zone file: sign it again to serve your edit)" : "");
	}
	return count;
}
