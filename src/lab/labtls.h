/* labtls.h: DNS over TLS in the lab: the resolver's DoT port, the lab CA
 * and the resolver's certificate in the workspace, and the listener.
 *
 * The files live in userdir/tls: ca.pem (the lab CA, public: give it to
 * kdig +tls-ca or dnslab query +tls-ca), ca.key and server.key (mode
 * 0600), server.pem (for the resolver's name and address).  They are made
 * once and reused, so a student who trusted ca.pem keeps trusting it. */
#ifndef DNSLAB_LABTLS_H
#define DNSLAB_LABTLS_H

#include <stdbool.h>
#include <time.h>
#include <uv.h>

#include "lab/lab.h"
#include "util/err.h"

#define LABTLS_CA_DAYS 3650
#define LABTLS_SERVER_DAYS 825

/* The DoT port for a lab port: 853 when the lab runs on 53, as on the real
 * internet, else the lab port + 1 (5300 -> 5301). */
int labtls_port(int lab_port);

struct labtls_files {
	char dir[4200];
	char ca[4300], ca_key[4300], cert[4300], key[4300];
};

/* The file names under userdir (nothing is read or made). */
void labtls_files(const char *userdir, struct labtls_files *f);

enum labtls_made { LABTLS_REUSED, LABTLS_MADE_SERVER, LABTLS_MADE_ALL };

/* Make sure userdir/tls holds a CA and a server certificate for host name
 * name (a trailing dot is ignored) and address ip, valid at now and for a
 * day more, signed by that CA, with their keys (ECDSA P-256).  What is
 * good is reused; a missing, expired or mismatched server certificate is
 * made again with the same CA; a missing or expired CA makes both again.
 * Under a lock, so two labs starting at once agree; every file is written
 * atomically.  0, or DL_ERR_ENV/DL_ERR_NOMEM with the message in err. */
int labtls_ensure(const char *userdir, const char *name, const char *ip, time_t now, struct labtls_files *f,
		  enum labtls_made *made, struct dl_error *err);

/* Start the DoT listener of the resolver server s (whose UDP/TCP listener
 * runs) on labtls_port(lab->port).  DoT is an extra: when it cannot start
 * (port taken, files unwritable) the reason goes to lab->dot_note and the
 * lab runs without it.  Returns 0 or DL_ERR_NOMEM. */
int labtls_listen(struct lab *lab, struct lab_server *s, uv_loop_t *loop);

/* Close s's DoT listener, if any.  The caller has counted it in
 * lab->closing: once it is closed, the count goes down and the last one
 * runs lab->on_closed. */
void labtls_close(struct lab_server *s);

#endif
