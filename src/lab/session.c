/* session.c: load and check a session's lab files (session.h,
 * docs/lab-format.md).
 *
 * Everything is checked when the session loads, not when an exercise is
 * reached: an instructor who mistypes a key hears about it at once, with
 * file:line, instead of a student meeting it in the middle of a lesson.
 * What only the running lab knows (that a server id exists in the
 * topology) is left to the lab. */
#include "lab/session.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "util/ytree.h"

const char *const session_ids[] = { "dns101", "dnssec101", "ecosystem", "icann", NULL };

static const char *const kind_names[] = {
	[CHECK_RRSET] = "rrset",   [CHECK_TTL] = "ttl",       [CHECK_RCODE] = "rcode",
	[CHECK_REFERRAL] = "referral", [CHECK_FLAG] = "flag", [CHECK_COUNT] = "count",
	[CHECK_CHOICE] = "choice", [CHECK_ASKED] = "asked",   [CHECK_VALIDATES] = "validates",
	[CHECK_ZONE_HAS] = "zone-has", [CHECK_CACHED] = "cached",
	[CHECK_SHORT] = "short",
	[CHECK_SEEN] = "seen",     [CHECK_QUIET] = "quiet",
	[CHECK_KEYTAG] = "keytag", [CHECK_RRSIG] = "rrsig", [CHECK_NSEC_NEXT] = "nsec-next",
	[CHECK_DENIAL_COUNT] = "denial-count", [CHECK_IDENTITY] = "identity",
	[CHECK_ZONE_SIGNED] = "zone-signed", [CHECK_ZSK_ROLLOVER] = "zsk-rollover",
};
#define NKINDS (sizeof kind_names / sizeof kind_names[0])

/* The parameters each kind takes: all required, no others allowed. */
enum { P_NAME = 1, P_TYPE = 2, P_SERVER = 4, P_FLAG = 8, P_STATE = 16, P_ZONE = 32, P_CHOICES = 64,
       P_ACCEPT = 128, P_ROLE = 256, P_FIELD = 512 };
static const unsigned kind_params[] = {
	[CHECK_RRSET] = P_NAME | P_TYPE | P_SERVER,
	[CHECK_TTL] = P_NAME | P_TYPE | P_SERVER,
	[CHECK_RCODE] = P_NAME | P_TYPE | P_SERVER,
	[CHECK_REFERRAL] = P_NAME | P_SERVER,
	[CHECK_FLAG] = P_NAME | P_TYPE | P_SERVER | P_FLAG,
	[CHECK_COUNT] = P_NAME | P_TYPE | P_SERVER,
	[CHECK_CHOICE] = P_CHOICES,
	[CHECK_ASKED] = P_SERVER | P_NAME | P_TYPE,
	[CHECK_VALIDATES] = P_NAME | P_TYPE | P_STATE,
	[CHECK_ZONE_HAS] = P_ZONE | P_NAME | P_TYPE,
	[CHECK_CACHED] = P_NAME | P_TYPE | P_STATE,
	[CHECK_SHORT] = P_ACCEPT,
	[CHECK_SEEN] = P_SERVER,
	[CHECK_QUIET] = P_ZONE,
	[CHECK_KEYTAG] = P_NAME | P_SERVER | P_ROLE,
	[CHECK_RRSIG] = P_NAME | P_TYPE | P_SERVER | P_FIELD,
	[CHECK_NSEC_NEXT] = P_NAME | P_SERVER,
	[CHECK_DENIAL_COUNT] = P_NAME | P_TYPE | P_SERVER,
	[CHECK_IDENTITY] = P_SERVER,
	[CHECK_ZONE_SIGNED] = P_ZONE | P_SERVER,
	[CHECK_ZSK_ROLLOVER] = P_ZONE | P_SERVER | P_STATE,
};

static const char *const session_keys[] = { "id", "title", "summary", "series", "recording",
					     "passcode", "slides", "exercises", NULL };
static const char *const slide_keys[] = { "title", "url", NULL };
static const char *const exercise_keys[] = { "id", "title", "why", "where", "task", "hints",
					     "check", "solution", "explain", NULL };

const char *check_kind_name(enum check_kind k)
{
	return (unsigned)k < NKINDS ? kind_names[k] : NULL;
}

int check_kind_is_question(enum check_kind k)
{
	return k == CHECK_RRSET || k == CHECK_TTL || k == CHECK_RCODE || k == CHECK_REFERRAL || k == CHECK_FLAG ||
	       k == CHECK_COUNT || k == CHECK_CHOICE || k == CHECK_SHORT || k == CHECK_SEEN || k == CHECK_KEYTAG ||
	       k == CHECK_RRSIG || k == CHECK_NSEC_NEXT || k == CHECK_DENIAL_COUNT ||
	       k == CHECK_IDENTITY;
}

/* ---- freeing ------------------------------------------------------------ */

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static void exercise_free(struct exercise *e)
{
	free(e->id);
	free(e->title);
	free(e->why);
	free(e->where);
	free(e->task);
	free(e->explain);
	free_list(e->hints, e->nhints);
	free_list(e->solution, e->nsolution);
	struct check_spec *c = &e->check;
	free(c->name);
	free(c->type);
	free(c->server);
	free(c->flag);
	free(c->state);
	free(c->zone);
	free(c->role);
	free(c->field);
	free(c->transport);
	free_list(c->choices, c->nchoices);
	free_list(c->accept, c->naccept);
	free(c->source);
	free(e->file);
}

void session_free(struct session *s)
{
	if (!s)
		return;
	free(s->id);
	free(s->title);
	free(s->summary);
	free(s->series);
	free(s->recording);
	free(s->passcode);
	for (size_t i = 0; i < s->nslides; i++) {
		free(s->slides[i].title);
		free(s->slides[i].url);
	}
	free(s->slides);
	for (size_t i = 0; i < s->nex; i++)
		exercise_free(&s->ex[i]);
	free(s->ex);
	free(s->dir);
	free(s);
}

int session_find(const struct session *s, const char *exercise_id)
{
	for (size_t i = 0; s && exercise_id && i < s->nex; i++)
		if (!strcmp(s->ex[i].id, exercise_id))
			return (int)i;
	return -1;
}

/* ---- field helpers ------------------------------------------------------ */

static int nomem(struct dl_error *err)
{
	return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
}

/* A copy without the trailing newline a YAML block scalar ends with, so
 * every text prints the same way whether written with | > or on one line. */
static char *dup_trimmed(const char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return strndup(s, n);
}

/* A required, non-empty text field. */
static int req_text(const struct ynode *map, const char *key, const char *path, char **out, struct dl_error *err)
{
	const char *v;
	int rc = ymap_scalar(map, key, path, &v, err);
	if (rc)
		return rc;
	*out = dup_trimmed(v);
	if (!*out)
		return nomem(err);
	if (!**out)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: '%s' is empty", path, ymap_get(map, key)->line, key);
	return 0;
}

/* An optional text field: "" when absent. */
static int opt_text(const struct ynode *map, const char *key, const char *path, char **out, struct dl_error *err)
{
	const char *v = "";
	int rc = ymap_get(map, key) ? ymap_scalar(map, key, path, &v, err) : 0;
	if (rc)
		return rc;
	*out = dup_trimmed(v);
	return *out ? 0 : nomem(err);
}

/* A list of non-empty texts; at least one when required. */
static int text_list(const struct ynode *map, const char *key, bool required, const char *what, const char *path,
		     char ***out, size_t *n, struct dl_error *err)
{
	const struct ynode *l = ymap_get(map, key);
	if (!l) {
		if (required)
			return dl_error_set(err, DL_ERR_INPUT, "%s:%d: missing '%s'", path, map->line, key);
		return 0;
	}
	if (l->kind != Y_SEQ || (required && l->n == 0))
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: '%s' must be a %slist of %s", path, l->line, key,
				    required ? "non-empty " : "", what);
	*out = calloc(l->n ? l->n : 1, sizeof **out);
	if (!*out)
		return nomem(err);
	for (size_t i = 0; i < l->n; i++) {
		const struct ynode *it = l->items[i];
		if (it->kind != Y_SCALAR || !*it->value)
			return dl_error_set(err, DL_ERR_INPUT, "%s:%d: each entry of '%s' must be %s (text)", path,
					    it->line, key, what);
		if (!((*out)[(*n)++] = dup_trimmed(it->value)))
			return nomem(err);
	}
	return 0;
}

/* Links are opened by a student's browser: only web addresses. */
static int check_url(const char *url, const char *key, int line, const char *path, struct dl_error *err)
{
	if (!*url || !strncmp(url, "https://", 8) || !strncmp(url, "http://", 7))
		return 0;
	return dl_error_set(err, DL_ERR_INPUT, "%s:%d: '%s' must be a web address (https://...) or \"\", not '%s'",
			    path, line, key, url);
}

static int line_of(const struct ynode *map, const char *key)
{
	const struct ynode *v = ymap_get(map, key);
	return v ? v->line : map->line;
}

/* The line of key itself (the value of a block map or list starts below). */
static int key_line(const struct ynode *map, const char *key)
{
	for (size_t i = 0; i < map->n; i++)
		if (!strcmp(map->keys[i], key))
			return map->key_lines[i];
	return map->line;
}

static bool valid_exercise_id(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-')
			return false;
	return true;
}

/* ---- the check ---------------------------------------------------------- */

/* A domain name parameter, made absolute, checked by ldns. */
static int name_param(const struct ynode *c, const char *key, const char *path, char **out, struct dl_error *err)
{
	const char *v;
	int rc = ymap_scalar(c, key, path, &v, err);
	if (rc)
		return rc;
	size_t n = strlen(v);
	ldns_rdf *d = NULL;
	if (n && ldns_str2rdf_dname(&d, v) == LDNS_STATUS_OK && ldns_rdf_size(d) <= LDNS_MAX_DOMAINLEN) {
		ldns_rdf_deep_free(d);
		*out = malloc(n + 2);
		if (!*out)
			return nomem(err);
		memcpy(*out, v, n + 1);
		if (v[n - 1] != '.')
			memcpy(*out + n, ".", 2);
		return 0;
	}
	ldns_rdf_deep_free(d);
	return dl_error_set(err, DL_ERR_INPUT, "%s:%d: '%s' is not a valid domain name in '%s'", path,
			    line_of(c, key), v, key);
}

/* A scalar that must be one of a few words; stored lower case. */
static int word_param(const struct ynode *c, const char *key, const char *const *words, const char *path,
		      char **out, struct dl_error *err)
{
	const char *v;
	int rc = ymap_scalar(c, key, path, &v, err);
	if (rc)
		return rc;
	char list[128] = "";
	for (const char *const *w = words; *w; w++) {
		if (!strcasecmp(v, *w))
			return (*out = strdup(*w)) ? 0 : nomem(err);
		strncat(list, *w, sizeof list - strlen(list) - 1);
		if (w[1])
			strncat(list, w[2] ? ", " : " or ", sizeof list - strlen(list) - 1);
	}
	return dl_error_set(err, DL_ERR_INPUT, "%s:%d: '%s' must be %s, not '%s'", path, line_of(c, key), key, list,
			    v);
}

/* A short answer's key is the one place an expected answer is written as
 * data, so it is kept for facts outside the lab (docs/lab-format.md) and
 * must name the page that states the fact.  Every accepted answer needs a
 * letter or a digit: blanks and punctuation do not count when comparing. */
static int load_short(const struct ynode *c, const char *path, struct check_spec *s, struct dl_error *err)
{
	int rc;
	if ((rc = text_list(c, "accept", true, "accepted answers", path, &s->accept, &s->naccept, err)))
		return rc;
	for (size_t i = 0; i < s->naccept; i++) {
		const char *p = s->accept[i];
		while (*p && !isalnum((unsigned char)*p) && !((unsigned char)*p & 0x80))
			p++;
		if (!*p)
			return dl_error_set(err, DL_ERR_INPUT, "%s:%d: accepted answer '%s' has no letter or digit",
					    path, ymap_get(c, "accept")->items[i]->line, s->accept[i]);
	}
	const char *v;
	if ((rc = ymap_scalar(c, "source", path, &v, err)))
		return rc;
	if (strncmp(v, "https://", 8) && strncmp(v, "http://", 7))
		return dl_error_set(err, DL_ERR_INPUT,
				    "%s:%d: 'source' must be the address (https://...) of the page that states the fact, "
				    "not '%s'",
				    path, line_of(c, "source"), v);
	return (s->source = strdup(v)) ? 0 : nomem(err);
}

static int load_check(const struct ynode *c, int at, const char *path, struct check_spec *s, struct dl_error *err)
{
	int rc;
	s->line = at;
	if (c->kind != Y_MAP)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: 'check' must be a map with 'kind' and its parameters",
				    path, c->line);
	const char *kind;
	if ((rc = ymap_scalar(c, "kind", path, &kind, err)))
		return rc;
	size_t k = 0;
	while (k < NKINDS && strcmp(kind, kind_names[k]))
		k++;
	if (k == NKINDS) {
		char list[256] = "";
		for (size_t i = 0; i < NKINDS; i++) {
			strncat(list, kind_names[i], sizeof list - strlen(list) - 1);
			if (i + 1 < NKINDS)
				strncat(list, ", ", sizeof list - strlen(list) - 1);
		}
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: unknown check kind '%s' (expected one of: %s)", path,
				    line_of(c, "kind"), kind, list);
	}
	s->kind = (enum check_kind)k;
	unsigned want = kind_params[k];
	/* Each kind takes its own parameters and no others: a parameter another
	 * kind uses is as much a mistake as a typo. */
	const char *allowed[12] = { "kind" };
	size_t na = 1;
	static const struct {
		unsigned bit;
		const char *key;
	} order[] = { { P_ZONE, "zone" },     { P_NAME, "name" },       { P_TYPE, "type" },
		      { P_SERVER, "server" }, { P_FLAG, "flag" },       { P_STATE, "state" },
		      { P_CHOICES, "choices" }, { P_CHOICES, "correct" }, { P_ACCEPT, "accept" },
		      { P_ACCEPT, "source" }, { P_ROLE, "role" }, { P_FIELD, "field" } };
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (want & order[i].bit)
			allowed[na++] = order[i].key;
	if (s->kind == CHECK_ASKED)
		allowed[na++] = "transport"; /* optional: how the query came */
	allowed[na] = NULL;
	if ((rc = ymap_check_keys(c, allowed, path, err)))
		return rc;

	if ((want & P_ZONE) && (rc = name_param(c, "zone", path, &s->zone, err)))
		return rc;
	if ((want & P_NAME) && (rc = name_param(c, "name", path, &s->name, err)))
		return rc;
	if (want & P_TYPE) {
		const char *t;
		if ((rc = ymap_scalar(c, "type", path, &t, err)))
			return rc;
		if (!(s->type = strdup(t)))
			return nomem(err);
		for (char *p = s->type; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if (!*s->type || ldns_get_rr_type_by_name(s->type) == 0)
			return dl_error_set(err, DL_ERR_INPUT, "%s:%d: '%s' is not a record type", path,
					    line_of(c, "type"), t);
	}
	if (want & P_SERVER) {
		/* Only an id here: the topology, which the lab loads, knows
		 * whether such a server exists. */
		const char *srv;
		if ((rc = ymap_scalar(c, "server", path, &srv, err)))
			return rc;
		if (!*srv)
			return dl_error_set(err, DL_ERR_INPUT, "%s:%d: 'server' is empty (a server id: root, tld, ...)",
					    path, line_of(c, "server"));
		if (!(s->server = strdup(srv)))
			return nomem(err);
	}
	if (s->kind == CHECK_ASKED && ymap_get(c, "transport")) {
		static const char *const transports[] = { "udp", "tcp", "tls", NULL };
		if ((rc = word_param(c, "transport", transports, path, &s->transport, err)))
			return rc;
	}
	if (want & P_FLAG) {
		static const char *const flags[] = { "aa", "ra", "ad", "tc", NULL };
		if ((rc = word_param(c, "flag", flags, path, &s->flag, err)))
			return rc;
	}
	if (want & P_STATE) {
		static const char *const val[] = { "secure", "insecure", "bogus", NULL };
		static const char *const yn[] = { "yes", "no", NULL };
		static const char *const roll[] = { "published", "signing", "removed", NULL };
		const char *const *words = s->kind == CHECK_VALIDATES ? val : s->kind == CHECK_ZSK_ROLLOVER ? roll : yn;
		if ((rc = word_param(c, "state", words, path, &s->state, err)))
			return rc;
	}
	if (want & P_ROLE) {
		static const char *const roles[] = { "ksk", "zsk", NULL };
		if ((rc = word_param(c, "role", roles, path, &s->role, err)))
			return rc;
	}
	if (want & P_FIELD) {
		static const char *const fields[] = { "expiration", "inception", "signer", "algorithm",
						      "keytag", "labels", "original-ttl", NULL };
		if ((rc = word_param(c, "field", fields, path, &s->field, err)))
			return rc;
	}
	if (want & P_CHOICES) {
		if ((rc = text_list(c, "choices", true, "answers", path, &s->choices, &s->nchoices, err)))
			return rc;
		if (s->nchoices < 2)
			return dl_error_set(err, DL_ERR_INPUT, "%s:%d: a quiz needs at least two 'choices'", path,
					    line_of(c, "choices"));
		const char *v;
		if ((rc = ymap_scalar(c, "correct", path, &v, err)))
			return rc;
		char *end = NULL;
		errno = 0;
		long n = strtol(v, &end, 10);
		if (!isdigit((unsigned char)*v) || *end || errno || n < 1 || (size_t)n > s->nchoices)
			return dl_error_set(err, DL_ERR_INPUT,
					    "%s:%d: 'correct' must be the number of the right choice, 1 to %zu, not '%s'",
					    path, line_of(c, "correct"), s->nchoices, v);
		s->correct = (int)n;
	}
	if ((want & P_ACCEPT) && (rc = load_short(c, path, s, err)))
		return rc;
	return 0;
}

/* ---- an exercise file ----------------------------------------------------- */

static int load_exercise(const char *path, struct exercise *e, int *id_line, struct dl_error *err)
{
	struct ynode *root = NULL;
	int rc = ytree_load(path, &root, err);
	if (rc)
		return rc;
	if (root->kind != Y_MAP) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: an exercise must be a map with id, title, why, task, "
						     "check, solution, explain",
				  path, root->line);
		goto out;
	}
	if ((rc = ymap_check_keys(root, exercise_keys, path, err)) ||
	    (rc = req_text(root, "id", path, &e->id, err)))
		goto out;
	*id_line = line_of(root, "id");
	if (!valid_exercise_id(e->id)) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: exercise id '%s' must be letters, digits and -", path,
				  *id_line, e->id);
		goto out;
	}
	if ((rc = req_text(root, "title", path, &e->title, err)) || (rc = req_text(root, "why", path, &e->why, err)) ||
	    (rc = opt_text(root, "where", path, &e->where, err)) ||
	    (rc = req_text(root, "task", path, &e->task, err)) ||
	    (rc = text_list(root, "hints", false, "hints", path, &e->hints, &e->nhints, err)))
		goto out;
	const struct ynode *check = ymap_get(root, "check");
	if (!check) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: missing 'check'", path, root->line);
		goto out;
	}
	if ((rc = load_check(check, key_line(root, "check"), path, &e->check, err)) ||
	    (rc = text_list(root, "solution", true, "lab shell commands", path, &e->solution, &e->nsolution, err)) ||
	    (rc = req_text(root, "explain", path, &e->explain, err)))
		goto out;
out:
	ytree_free(root);
	return rc;
}

/* ---- session.yaml ----------------------------------------------------------- */

static int load_slides(const struct ynode *root, const char *path, struct session *s, struct dl_error *err)
{
	const struct ynode *l = ymap_get(root, "slides");
	if (!l)
		return 0;
	if (l->kind != Y_SEQ)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: 'slides' must be a list of decks (title, url)", path,
				    l->line);
	s->slides = calloc(l->n ? l->n : 1, sizeof *s->slides);
	if (!s->slides)
		return nomem(err);
	for (size_t i = 0; i < l->n; i++) {
		const struct ynode *d = l->items[i];
		struct slide_deck *sd = &s->slides[s->nslides++];
		int rc;
		if (d->kind != Y_MAP)
			return dl_error_set(err, DL_ERR_INPUT, "%s:%d: a slide deck must be a map with title and url",
					    path, d->line);
		if ((rc = ymap_check_keys(d, slide_keys, path, err)) || (rc = req_text(d, "title", path, &sd->title, err)) ||
		    (rc = opt_text(d, "url", path, &sd->url, err)) ||
		    (rc = check_url(sd->url, "url", line_of(d, "url"), path, err)))
			return rc;
	}
	return 0;
}

static int load_exercises(const struct ynode *root, const char *path, struct session *s, struct dl_error *err)
{
	const struct ynode *l = ymap_get(root, "exercises");
	if (!l)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: missing 'exercises'", path, root->line);
	/* An empty list is accepted while a session has no exercises yet; the
	 * lab then shows the session's story and links only. */
	if (l->kind != Y_SEQ)
		return dl_error_set(err, DL_ERR_INPUT,
				    "%s:%d: 'exercises' must be a list of exercise files ([] while there are none yet)",
				    path, l->line);
	s->ex = calloc(l->n ? l->n : 1, sizeof *s->ex);
	int *id_lines = calloc(l->n ? l->n : 1, sizeof *id_lines);
	if (!s->ex || !id_lines) {
		free(id_lines);
		return nomem(err);
	}
	int rc = 0;
	for (size_t i = 0; i < l->n && !rc; i++) {
		const struct ynode *f = l->items[i];
		if (f->kind != Y_SCALAR || !*f->value || strchr(f->value, '/')) {
			rc = dl_error_set(err, DL_ERR_INPUT,
					  "%s:%d: an exercise entry must be a file name in %s/ (no '/')", path, f->line,
					  s->dir);
			break;
		}
		char file[PATH_MAX];
		if (snprintf(file, sizeof file, "%s/%s", s->dir, f->value) >= (int)sizeof file) {
			rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: exercise file name too long", path, f->line);
			break;
		}
		if (access(file, F_OK) != 0) {
			rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: exercise file %s not found (%s)", path, f->line,
					  f->value, file);
			break;
		}
		struct exercise *e = &s->ex[s->nex++];
		if (!(e->file = strdup(file))) {
			rc = nomem(err);
			break;
		}
		if ((rc = load_exercise(file, e, &id_lines[i], err)))
			break;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->ex[j].id, e->id)) {
				rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: exercise id '%s' is used twice (also %s:%d)",
						  file, id_lines[i], e->id, s->ex[j].file, id_lines[j]);
				break;
			}
	}
	free(id_lines);
	return rc;
}

int session_load(const char *datadir, const char *id, struct session **out, struct dl_error *err)
{
	*out = NULL;
	size_t k = 0;
	while (session_ids[k] && strcmp(session_ids[k], id))
		k++;
	if (!session_ids[k])
		return dl_error_set(err, DL_ERR_USAGE, "no session '%s' (the sessions are: %s, %s, %s, %s)", id,
				    session_ids[0], session_ids[1], session_ids[2], session_ids[3]);
	struct session *s = calloc(1, sizeof *s);
	char path[PATH_MAX];
	if (!s)
		return nomem(err);
	int rc = 0;
	struct ynode *root = NULL;
	size_t need = strlen(datadir) + strlen(id) + sizeof "/labs//session.yaml";
	if (need > sizeof path) {
		rc = dl_error_set(err, DL_ERR_ENV, "the data directory's name is too long: %s", datadir);
		goto out;
	}
	snprintf(path, sizeof path, "%s/labs/%s/session.yaml", datadir, id);
	if (!(s->dir = strndup(path, strlen(path) - strlen("/session.yaml")))) {
		rc = nomem(err);
		goto out;
	}
	if ((rc = ytree_load(path, &root, err)))
		goto out;
	if (root->kind != Y_MAP) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: expected a map with id, title, summary, series, exercises",
				  path, root->line);
		goto out;
	}
	if ((rc = ymap_check_keys(root, session_keys, path, err)) || (rc = req_text(root, "id", path, &s->id, err)))
		goto out;
	if (strcmp(s->id, id)) {
		rc = dl_error_set(err, DL_ERR_INPUT, "%s:%d: id '%s' must be the folder's name, '%s'", path,
				  line_of(root, "id"), s->id, id);
		goto out;
	}
	if ((rc = req_text(root, "title", path, &s->title, err)) ||
	    (rc = req_text(root, "summary", path, &s->summary, err)) ||
	    (rc = req_text(root, "series", path, &s->series, err)) ||
	    (rc = check_url(s->series, "series", line_of(root, "series"), path, err)) ||
	    (rc = opt_text(root, "recording", path, &s->recording, err)) ||
	    (rc = check_url(s->recording, "recording", line_of(root, "recording"), path, err)) ||
	    (rc = opt_text(root, "passcode", path, &s->passcode, err)) || (rc = load_slides(root, path, s, err)) ||
	    (rc = load_exercises(root, path, s, err)))
		goto out;
out:
	ytree_free(root);
	if (rc)
		session_free(s);
	else
		*out = s;
	return rc;
}
