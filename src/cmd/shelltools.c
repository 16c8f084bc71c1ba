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
#include "dnssec/keys.h"

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
	}
	for (int i = 2; i < argc && *outc < SHELLTOOLS_MAX_ARGS; i++)
		out[(*outc)++] = strdup(argv[i]);
	return 0;
}
