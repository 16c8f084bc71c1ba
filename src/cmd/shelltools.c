/* shelltools.c: the lab shell's keygen, sign and ds (shelltools.h).
 *
 * The keys go next to the zone file in the workspace (WORKDIR/zones), where
 * `dnslab sign` looks by default, and the signed zone to ZONEFILE.signed,
 * which the lab serves in place of the zone file (lab.c).  The signed file
 * is derived from the zone and the keys, so the shell's sign replaces it
 * (--force); keys and the zone file are never replaced.  Signatures start
 * from the lab clock's now, so after `clock +40d` a re-signed zone is valid
 * at the lab's date, as an operator's signer would make it. */
#include "cmd/shelltools.h"

#include <dirent.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd/cmd.h"
#include "dnssec/keyroles.h"
#include "dnssec/keys.h"
#include "util/atomic.h"

/* The topology zone named zone (with or without its trailing dot), or NULL. */
static const struct topo_zone *find_zone(const struct lab *lab, const char *zone)
{
	char origin[300];
	snprintf(origin, sizeof origin, "%s%s", zone, *zone && zone[strlen(zone) - 1] == '.' ? "" : ".");
	for (size_t i = 0; i < lab->topo->nservers; i++)
		for (size_t z = 0; z < lab->topo->servers[i].nzones; z++)
			if (!strcasecmp(lab->topo->servers[i].zones[z].origin, origin))
				return &lab->topo->servers[i].zones[z];
	return NULL;
}

/* The directory of the zone file (its keys live there), into buf. */
static const char *zone_dir(const struct topo_zone *tz, char *buf, size_t len)
{
	snprintf(buf, len, "%s", tz->file);
	char *d = dirname(buf);
	if (d != buf)
		snprintf(buf, len, "%s", d);
	return buf;
}

/* `dnslab ds` for each KSK .key file named in argv: the DS of every key
 * signing key of the zone, as the registrar wants them. */
static int ds_each(int argc, char **argv)
{
	int status = 0;
	for (int i = 1; i < argc; i++) {
		char *one[] = { "ds", argv[i], NULL };
		int rc = cmd_ds(2, one);
		if (rc > status)
			status = rc;
	}
	return status;
}

/* The .key files of zone's KSKs in dir, strdup'd into out after *n. */
static int ksk_files(const char *dir, const char *origin, char **out, int *n, int max)
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	char prefix[320];
	snprintf(prefix, sizeof prefix, "K%s+", origin);
	struct dirent *e;
	int found = 0;
	while ((e = readdir(d)) != NULL && *n < max) {
		size_t l = strlen(e->d_name);
		if (strncasecmp(e->d_name, prefix, strlen(prefix)) || l < 5 || strcmp(e->d_name + l - 4, ".key"))
			continue;
		char path[4400];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		ldns_rr *k = NULL;
		struct dl_error err = { 0, "" };
		if (keys_read_dnskey(path, false, &k, &err) == 0 &&
		    (ldns_rdf2native_int16(ldns_rr_rdf(k, 0)) & LDNS_KEY_SEP_KEY)) {
			out[(*n)++] = strdup(path);
			found++;
		}
		ldns_rr_free(k);
	}
	closedir(d);
	return found;
}

/* sign's --publish-only and --without take key tags, or in the shell the
 * names new-zsk (the zone's newest ZSK: the one keygen made last) and
 * old-zsk (every other ZSK), so a rollover's steps read the same for
 * everyone.  The option before the name is already in out: the tags are
 * appended, with the option repeated for each further one. */
static int name_keys(const char *dir, const char *origin, const char *opt, const char *name, char **out, int *outc,
		     char *msg, size_t msglen)
{
	uint16_t newest = 0, older[KEYROLES_MAX];
	size_t nolder = 0;
	if (keyroles_zsks(dir, origin, &newest, older, &nolder) != 0) {
		snprintf(msg, msglen, "sign: %s has no ZSK in %s; make one with: keygen %s\n", origin, dir, origin);
		return -1;
	}
	bool is_new = !strcmp(name, "new-zsk");
	if (!is_new && !nolder) {
		snprintf(msg, msglen, "sign: old-zsk: %s has one ZSK only (%u, the new-zsk); keygen makes a new one\n",
			 origin, (unsigned)newest);
		return -1;
	}
	for (size_t k = 0; k < (is_new ? 1 : nolder) && *outc + 1 < SHELLTOOLS_MAX_ARGS; k++) {
		char tag[8];
		snprintf(tag, sizeof tag, "%u", (unsigned)(is_new ? newest : older[k]));
		if (k)
			out[(*outc)++] = strdup(opt);
		out[(*outc)++] = strdup(tag);
	}
	return 0;
}

/* The DS of each KSK file (as `dnslab ds` prints it) into dir/ZONE.ds, for
 * the registrar: derived from the keys, so replaced freely. */
static void write_ds_file(const char *dir, const char *origin, char *const *files, int n)
{
	char path[4400];
	snprintf(path, sizeof path, "%s/%.*sds", dir, (int)strlen(origin), origin);
	struct atomic_file a;
	struct dl_error err = { 0, "" };
	if (atomic_open(&a, path, 0644, true, &err) != 0)
		return;
	for (int i = 0; i < n; i++) {
		ldns_rr *k = NULL;
		if (keys_read_dnskey(files[i], false, &k, &err) != 0)
			continue;
		ldns_rr *ds = ldns_key_rr2ds(k, LDNS_SHA256);
		if (ds) {
			ldns_rr_set_ttl(ds, ldns_rr_ttl(k));
			ldns_rr_print(a.fp, ds);
		}
		ldns_rr_free(ds);
		ldns_rr_free(k);
	}
	atomic_commit(&a, &err);
}

int shelltools_prepare(const struct lab *lab, int argc, char **argv, int (**fn)(int, char **), char **out,
		       int *outc, char *msg, size_t msglen)
{
	const char *c = argv[0];
	*outc = 0;
	if (argc < 2 || argv[1][0] == '-') {
		snprintf(msg, msglen, "usage: %s ZONE%s   (for example: %s student.test)\n", c,
			 !strcmp(c, "keygen") ? " [--ksk]" : !strcmp(c, "sign") ? " [--publish-only TAG] [--without TAG] ..." : "",
			 c);
		return -1;
	}
	const struct topo_zone *tz = find_zone(lab, argv[1]);
	if (!tz) {
		snprintf(msg, msglen, "%s: the lab serves no zone %s (type servers to see them)\n", c, argv[1]);
		return -1;
	}
	if (tz->sign && lab->topo->sign) {
		snprintf(msg, msglen,
			 "%s: the lab signs %s itself (its keys are in %s/keys); %s is for the zones you sign,\n"
			 "such as student.test (sign: no in lab.yaml)\n", c, tz->origin, lab->userdir, c);
		return -1;
	}
	char dir[4200];
	zone_dir(tz, dir, sizeof dir);
	char origin[300];
	snprintf(origin, sizeof origin, "%s", tz->origin);
	if (!strcmp(c, "keygen")) {
		*fn = cmd_keygen;
		out[(*outc)++] = strdup("keygen");
		out[(*outc)++] = strdup(origin);
		out[(*outc)++] = strdup("--dir");
		out[(*outc)++] = strdup(dir);
	} else if (!strcmp(c, "sign")) {
		char clock[32];
		snprintf(clock, sizeof clock, "%+llds", (long long)lab->clock.offset);
		*fn = cmd_sign;
		out[(*outc)++] = strdup("sign");
		out[(*outc)++] = strdup(tz->file);
		out[(*outc)++] = strdup("--origin");
		out[(*outc)++] = strdup(origin);
		out[(*outc)++] = strdup("--force");
		out[(*outc)++] = strdup("--clock");
		out[(*outc)++] = strdup(clock);
	} else {
		*fn = ds_each;
		out[(*outc)++] = strdup("ds");
		if (!ksk_files(dir, origin, out, outc, SHELLTOOLS_MAX_ARGS - 1)) {
			snprintf(msg, msglen, "ds: %s has no key signing key in %s yet; make one with: keygen %s --ksk\n",
				 origin, dir, argv[1]);
			free(out[0]);
			*outc = 0;
			return -1;
		}
		if (argc > 2) {
			snprintf(msg, msglen, "usage: ds ZONE   (the DS of each of its KSKs)\n");
			for (int i = 0; i < *outc; i++)
				free(out[i]);
			*outc = 0;
			return -1;
		}
		write_ds_file(dir, origin, out + 1, *outc - 1);
	}
	for (int i = 2; i < argc && *outc < SHELLTOOLS_MAX_ARGS; i++) {
		bool role = !strcmp(c, "sign") && i > 2 && (!strcmp(argv[i - 1], "--publish-only") ||
							      !strcmp(argv[i - 1], "--without"));
		if (role && (!strcmp(argv[i], "new-zsk") || !strcmp(argv[i], "old-zsk"))) {
			if (name_keys(dir, origin, argv[i - 1], argv[i], out, outc, msg, msglen) != 0) {
				for (int k = 0; k < *outc; k++)
					free(out[k]);
				*outc = 0;
				return -1;
			}
			continue;
		}
		out[(*outc)++] = strdup(argv[i]);
	}
	return 0;
}
