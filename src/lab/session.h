/* session.h: a webinar session as data (labs/<id>/session.yaml and its
 * exercise files, docs/lab-format.md), loaded with libyaml and checked, so
 * that a mistake in a lab file is "file:line: what is wrong" (exit 2). */
#ifndef DNSLAB_SESSION_H
#define DNSLAB_SESSION_H

#include <stddef.h>

#include "util/err.h"

enum check_kind {
	CHECK_RRSET,
	CHECK_TTL,
	CHECK_RCODE,
	CHECK_REFERRAL,
	CHECK_FLAG,
	CHECK_COUNT,
	CHECK_CHOICE,
	CHECK_ASKED,
	CHECK_VALIDATES,
	CHECK_ZONE_HAS,
	CHECK_CACHED,
	CHECK_SHORT,
	CHECK_SEEN,   /* question: the QNAME a server last received from the lab resolver */
	CHECK_QUIET,  /* action: the resolver resolved, and asked no server of a zone */
	CHECK_KEYTAG,       /* the DNSSEC reading questions (checks_dnssec.h) */
	CHECK_RRSIG,
	CHECK_NSEC_NEXT,
	CHECK_DENIAL_COUNT,
	CHECK_IDENTITY,     /* question: what a server answers for id.server CH TXT */
	CHECK_ZONE_SIGNED,  /* the student's signed zone (checks_signed.h) */
	CHECK_ZSK_ROLLOVER,
};

/* "rrset" ...; NULL for an unknown kind. */
const char *check_kind_name(enum check_kind k);
/* True for the kinds the student answers with `answer TEXT`. */
int check_kind_is_question(enum check_kind k);

struct check_spec {
	enum check_kind kind;
	char *name;   /* owner name, absolute (trailing dot added) */
	char *type;   /* record type mnemonic, upper case ("A") */
	char *server; /* lab server id, or "resolver" */
	char *flag;   /* CHECK_FLAG: aa, ra, ad, tc */
	char *state;  /* CHECK_VALIDATES: secure|insecure|bogus; CHECK_CACHED: yes|no;
		       * CHECK_ZSK_ROLLOVER: published|signing|removed */
	char *zone;   /* CHECK_ZONE_HAS, _ZONE_SIGNED, _ZSK_ROLLOVER: the zone, absolute */
	char *role;   /* CHECK_KEYTAG: ksk|zsk */
	char *field;  /* CHECK_RRSIG: expiration|inception|signer|algorithm|keytag|labels|original-ttl */
	char *transport; /* CHECK_ASKED, optional: udp, tcp or tls; NULL for any */
	char **choices; /* CHECK_CHOICE */
	size_t nchoices;
	int correct;  /* CHECK_CHOICE: 1-based */
	char **accept; /* CHECK_SHORT: the accepted answers, the first one the model */
	size_t naccept;
	char *source;  /* CHECK_SHORT: the page that states the fact (https://...) */
	int line;     /* of the check in its file */
};

struct exercise {
	char *id, *title, *why, *where, *task, *explain;
	char **hints;
	size_t nhints;
	char **solution; /* lab shell commands; "{expected}" is filled in */
	size_t nsolution;
	struct check_spec check;
	char *file;      /* the exercise file, for messages */
};

struct slide_deck {
	char *title, *url; /* url may be "" (not known yet) */
};

struct session {
	char *id, *title, *summary, *series, *recording, *passcode;
	struct slide_deck *slides;
	size_t nslides;
	struct exercise *ex;
	size_t nex;
	char *dir; /* labs/<id> */
};

/* The sessions, in the order of the series. */
extern const char *const session_ids[];
#define SESSION_COUNT 4

/* Load labs/<id>/ under datadir.  Errors: DL_ERR_INPUT "file:line: ..." for
 * a bad file, DL_ERR_USAGE for an unknown session id.  Free with
 * session_free. */
int session_load(const char *datadir, const char *id, struct session **out, struct dl_error *err);
void session_free(struct session *s);

/* The index of the exercise with this id, or -1. */
int session_find(const struct session *s, const char *exercise_id);

#endif
