/* registry.h: the lab's domain registry.  For each TLD the lab serves
 * (test.), the domains registered through `dnslab registrar`: their NS, glue
 * and DS records, when they were created and changed (real time and lab
 * clock), and a log of every change with the serial it gave the TLD.
 *
 * One YAML file per TLD (DIR/test.yaml), state and log together, so one
 * atomic rename writes both and they never disagree after a crash.  The
 * directory is the workspace's (registry_dir).  The lab adds the registered
 * records to the TLD zone whenever it loads it (registry_apply), before the
 * zone is signed, and serves the registry's SOA serial when it is newer
 * than the zone file's (RFC 1982). */
#ifndef DNSLAB_REGISTRY_H
#define DNSLAB_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <ldns/ldns.h>

#include "dns/zone.h"
#include "util/err.h"

#define REGISTRY_WHO "registrar"

struct reg_domain {
	ldns_rdf *name;       /* owned, lowercase, e.g. student.test. */
	ldns_rr_list *ns;     /* owned: the NS RRset at name */
	ldns_rr_list *glue;   /* owned: A/AAAA of in-bailiwick name servers */
	ldns_rr_list *ds;     /* owned: the DS RRset at name (may be empty) */
	time_t created, updated;         /* real time */
	time_t created_lab, updated_lab; /* the lab clock's time */
	uint32_t serial;      /* the TLD's serial after the domain's last change */
};

struct reg_change {
	time_t when, when_lab;
	char *who;  /* owned: REGISTRY_WHO, and the user: "registrar (alice)" */
	char *domain; /* owned: the domain changed, "student.test." */
	char *what; /* owned: "register student.test.: NS ns1.student.test. ..." */
	uint32_t serial; /* the TLD's serial after the change */
};

struct registry {
	char *path;       /* owned: the file */
	char *tld;        /* owned: "test." */
	bool has_serial;  /* a change was made: serial is the TLD's */
	uint32_t serial;
	struct reg_domain *domains;
	size_t n, cap;
	struct reg_change *log;
	size_t nlog, logcap;
};

/* The registry directory for the lab of topology_path (NULL: the default
 * lab): a workspace's topology WORKDIR/zones/lab.yaml gives WORKDIR/registry;
 * another topology file, a registry/ beside it; the installed default lab
 * (read-only), paths_userdir()/registry.  One function, so the lab and the
 * registrar always agree. */
const char *registry_dir(const char *topology_path, char *buf, size_t len);

/* Is origin a TLD whose names the registry hands out?  Every one-label zone
 * but arpa. (infrastructure, not for registration). */
bool registry_is_tld(const char *origin);

/* Load DIR/<tld>.yaml; a missing file is an empty registry.  A file that
 * does not parse is "file:line: reason" (DL_ERR_INPUT), never reset.  Caller
 * frees *out with registry_free. */
int registry_load(const char *dir, const char *tld, struct registry **out, struct dl_error *err);
void registry_free(struct registry *r);

/* Write the registry atomically (temporary file, fsync, rename). */
int registry_save(const struct registry *r, struct dl_error *err);

/* A read-modify-write holds paths_lock_dir(dir, ...) around load and save. */

/* The domain name (borrowed) or NULL. */
struct reg_domain *registry_find(const struct registry *r, const ldns_rdf *name);

/* Take d (one of r's domains) out of the registry and free it: the TLD
 * delegates it no more. */
void registry_remove(struct registry *r, struct reg_domain *d);

/* A new, empty domain (NS, glue, DS lists empty) owned by r. */
struct reg_domain *registry_add(struct registry *r, const ldns_rdf *name, time_t now, time_t now_lab);

/* Append a change to the log (strings copied). */
int registry_log(struct registry *r, time_t when, time_t when_lab, const char *who, const char *domain,
		 uint32_t serial, const char *what);

/* RFC 1982: is serial a greater than b? */
bool registry_serial_gt(uint32_t a, uint32_t b);

/* The serial the TLD is served with: the registry's when it is greater than
 * the zone file's, else the file's. */
uint32_t registry_served_serial(const struct registry *r, uint32_t file_serial);

/* The serial of the next change: one more than the served one (mod 2^32). */
uint32_t registry_next_serial(const struct registry *r, uint32_t file_serial);

/* Parse and check a domain name to register under r's TLD: letters, digits
 * and hyphens (RFC 952/1123), one label directly under the TLD.  *out
 * (caller frees) is the lowercase name.  DL_ERR_INPUT with the reason. */
int registry_check_name(const struct registry *r, const char *text, ldns_rdf **out, struct dl_error *err);

/* Build a delegation for name from the command line: ns[0..nns) host names,
 * glue[0..nglue) "NSNAME=ADDR", or "ADDR" when exactly one name server is
 * inside name.  Checks: host name syntax, no duplicate NS, glue only for
 * name servers inside name (in bailiwick), each of those has glue, a glue
 * value is an IPv4/IPv6 address on loopback (the lab sends queries only
 * there).  *ns_out and *glue_out (caller frees deep) get the records with
 * ttl; *outside (caller frees deep) the name servers outside name, whose
 * addresses the caller must find in the lab. */
int registry_build_delegation(const ldns_rdf *name, char *const *ns, size_t nns, char *const *glue, size_t nglue,
			      uint32_t ttl, ldns_rr_list **ns_out, ldns_rr_list **glue_out, ldns_rr_list **outside,
			      struct dl_error *err);

/* Is the address text a loopback address (127.0.0.0/8, ::1)? */
bool registry_addr_is_lab(const char *addr);

/* Add the registry of z's TLD (when z is one, and the registry of
 * topology_path's lab has a file for it) to z before it is signed: the
 * records of every domain, and the served serial.  A domain the zone file
 * also holds is an error naming both files: the zone file's names are not
 * the registry's. */
int registry_apply(const char *topology_path, struct zone *z, struct dl_error *err);

#endif
