/* sessions.c: `dnslab sessions` (also bare `dnslab`), `dnslab status` and
 * `dnslab reset`: the webinar sessions with their links, and the student's
 * progress through them.
 *
 * `sessions` and `status` load every session's lab files, so a broken one
 * is reported (file:line, exit 2) before a student meets it.  `reset` reads
 * only the progress file: a broken lab file must not stop a student from
 * starting over. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "lab/paths.h"
#include "lab/progress.h"
#include "lab/session.h"
#include "ui/json.h"
#include "ui/term.h"

static const char sessions_usage[] =
	"usage: dnslab sessions [--json] [--workdir DIR]\n"
	"\n"
	"List the sessions of the ICANN ISPCP Capacity Building webinar series, each\n"
	"with its summary, the links to its recording (and passcode) and slides, and\n"
	"your progress.  A link not known yet shows the series page in its place.\n"
	"`dnslab` with no command does the same.\n"
	"\n"
	"  --workdir DIR    read progress from DIR/progress instead of\n"
	"                   $XDG_STATE_HOME/dnslab/progress\n"
	"  -j, --json       one JSON object\n"
	"  -h, --help       this help\n";

static const char status_usage[] =
	"usage: dnslab status [SESSION] [--json] [--workdir DIR]\n"
	"\n"
	"Show your progress: for each session (or SESSION: dns101, dnssec101,\n"
	"ecosystem, icann) the exercises done and the one you are on.\n"
	"\n"
	"  --workdir DIR    read progress from DIR/progress instead of\n"
	"                   $XDG_STATE_HOME/dnslab/progress\n"
	"  -j, --json       one JSON object\n"
	"  -h, --help       this help\n";

static const char reset_usage[] =
	"usage: dnslab reset [SESSION] [--workdir DIR]\n"
	"\n"
	"Forget your progress: of one SESSION (dns101, dnssec101, ecosystem, icann),\n"
	"or of every session.  It asks nothing, and prints what it cleared.  The\n"
	"other sessions' progress is never touched.\n"
	"\n"
	"  --workdir DIR    the progress in DIR/progress instead of\n"
	"                   $XDG_STATE_HOME/dnslab/progress\n"
	"  -h, --help       this help\n";

struct opts {
	bool json;
	const char *workdir;
	const char *session; /* NULL: all */
	char path[PATH_MAX];  /* the progress file */
};

/* -1 to go on, else the exit status. */
static int parse_opts(const char *cmd, const char *usage, bool takes_session, bool takes_json, int argc,
		      char **argv, struct opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if (takes_json && (!strcmp(a, "-j") || !strcmp(a, "--json"))) {
			o->json = true;
		} else if (!strcmp(a, "--workdir")) {
			if (i + 1 >= argc || !*argv[i + 1]) {
				fprintf(stderr, "dnslab %s: --workdir needs a directory\n", cmd);
				return 2;
			}
			o->workdir = argv[++i];
		} else if (a[0] == '-') {
			fprintf(stderr, "dnslab %s: unknown option '%s' (dnslab %s --help lists them)\n", cmd, a, cmd);
			return 2;
		} else if (takes_session && !o->session) {
			size_t k = 0;
			while (session_ids[k] && strcmp(session_ids[k], a))
				k++;
			if (!session_ids[k]) {
				fprintf(stderr, "dnslab %s: no session '%s' (the sessions are: %s, %s, %s, %s)\n", cmd, a,
					session_ids[0], session_ids[1], session_ids[2], session_ids[3]);
				return 2;
			}
			o->session = a;
		} else {
			fprintf(stderr, "dnslab %s: unexpected argument '%s' (dnslab %s --help)\n", cmd, a, cmd);
			return 2;
		}
	}
	progress_path(o->workdir, o->path, sizeof o->path);
	return -1;
}

/* The progress, or NULL with the exit status in *status.  A corrupt file
 * is only a warning: it has been moved aside, and the lab goes on. */
static struct progress *load_progress(const char *path, int *status)
{
	struct dl_error err = { 0, "" };
	struct progress *p = NULL;
	int rc = progress_load(path, &p, &err);
	if (rc == PROGRESS_RECOVERED)
		fprintf(stderr, "dnslab: warning: %s\n", err.msg);
	else if (rc)
		*status = dl_error_report(&err);
	return p;
}

/* Every session (or the one asked), in the order of the series; NULL with
 * the exit status in *status when a lab file is wrong. */
static struct session **load_sessions(const char *only, int *status)
{
	struct session **s = calloc(SESSION_COUNT, sizeof *s);
	if (!s) {
		*status = 3;
		return NULL;
	}
	for (size_t i = 0; i < SESSION_COUNT; i++) {
		if (only && strcmp(only, session_ids[i]))
			continue;
		struct dl_error err = { 0, "" };
		if (session_load(paths_datadir(), session_ids[i], &s[i], &err)) {
			*status = dl_error_report(&err);
			for (size_t j = 0; j < i; j++)
				session_free(s[j]);
			free(s);
			return NULL;
		}
	}
	return s;
}

static void free_sessions(struct session **s)
{
	for (size_t i = 0; s && i < SESSION_COUNT; i++)
		session_free(s[i]);
	free(s);
}

/* Done exercises that the session still has: an exercise an instructor
 * removed does not count toward done/total. */
static size_t count_done(const struct session *s, const struct progress *p)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nex; i++)
		n += progress_done(p, s->id, s->ex[i].id);
	return n;
}

/* The exercise the student is on: the one saved as current while it still
 * exists, else the first not done; NULL when all are done (or none exist). */
static const struct exercise *current_exercise(const struct session *s, const struct progress *p)
{
	int i = session_find(s, progress_current(p, s->id));
	if (i >= 0)
		return &s->ex[i];
	for (size_t k = 0; k < s->nex; k++)
		if (!progress_done(p, s->id, s->ex[k].id))
			return &s->ex[k];
	return NULL;
}

static int term_width(void)
{
	struct winsize ws;
	int w = 80;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		w = ws.ws_col;
	return w < 40 ? 40 : w > 100 ? 100 : w;
}

/* text folded into lines of at most width columns (a longer word gets a
 * line of its own), each starting with indent. */
static void print_wrapped(const char *text, const char *indent, int width)
{
	int col = 0, avail = width - (int)strlen(indent);
	const char *s = text;
	while (*s) {
		while (*s == ' ' || *s == '\n' || *s == '\t')
			s++;
		if (!*s)
			break;
		int n = (int)strcspn(s, " \n\t");
		if (col && col + 1 + n > avail) {
			putchar('\n');
			col = 0;
		}
		printf("%s%.*s", col ? " " : indent, n, s);
		col += (col ? 1 : 0) + n;
		s += n;
	}
	if (col)
		putchar('\n');
}

static void json_link(struct json *j, const char *url, const char *series)
{
	json_key(j, "url");
	json_str(j, url);
	json_key(j, "link");
	json_str(j, *url ? url : series);
}

/* ---- dnslab sessions -------------------------------------------------- */

static void sessions_json(struct session **ss, const struct progress *p, const char *path)
{
	struct json j;
	json_init(&j, stdout);
	json_obj_begin(&j);
	json_key(&j, "progress_file");
	json_str(&j, path);
	json_key(&j, "sessions");
	json_arr_begin(&j);
	for (size_t i = 0; i < SESSION_COUNT; i++) {
		const struct session *s = ss[i];
		json_obj_begin(&j);
		json_key(&j, "id");
		json_str(&j, s->id);
		json_key(&j, "title");
		json_str(&j, s->title);
		json_key(&j, "summary");
		json_str(&j, s->summary);
		json_key(&j, "series");
		json_str(&j, s->series);
		json_key(&j, "recording");
		json_obj_begin(&j);
		json_link(&j, s->recording, s->series);
		json_key(&j, "passcode");
		if (*s->passcode)
			json_str(&j, s->passcode);
		else
			json_null(&j);
		json_obj_end(&j);
		json_key(&j, "slides");
		json_arr_begin(&j);
		for (size_t k = 0; k < s->nslides; k++) {
			json_obj_begin(&j);
			json_key(&j, "title");
			json_str(&j, s->slides[k].title);
			json_link(&j, s->slides[k].url, s->series);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		const struct exercise *cur = current_exercise(s, p);
		json_key(&j, "progress");
		json_obj_begin(&j);
		json_key(&j, "done");
		json_uint(&j, count_done(s, p));
		json_key(&j, "total");
		json_uint(&j, s->nex);
		json_key(&j, "current");
		json_str(&j, cur ? cur->id : NULL);
		json_obj_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
}

/* "LABEL  link" where an unknown link is the series page, said so. */
static void print_link(bool color, const char *label, const char *what, const char *url, const char *series)
{
	printf("    %-10s %s%s%s", label, what, *what ? ": " : "", *url ? url : series);
	if (!*url)
		printf("  %s(the series page for now)%s", term_sgr(color, TERM_DIM), term_reset(color));
	putchar('\n');
}

static void progress_line(bool color, const struct session *s, const struct progress *p)
{
	size_t done = count_done(s, p);
	const struct exercise *cur = current_exercise(s, p);
	printf("    %-10s %s%zu/%zu done%s", "progress", term_sgr(color && s->nex && done == s->nex, TERM_GREEN), done,
	       s->nex, term_reset(color && s->nex && done == s->nex));
	if (!s->nex)
		printf(" (no exercises yet)");
	else if (cur && (done || progress_current(p, s->id)))
		printf(", now at %s: %s", cur->id, cur->title);
	else if (cur)
		printf(", first: %s: %s", cur->id, cur->title);
	putchar('\n');
}

static void sessions_text(struct session **ss, const struct progress *p)
{
	bool color = term_use_color(stdout);
	int width = term_width();
	printf("The ICANN ISPCP Capacity Building webinar series as hands-on DNS labs.\n"
	       "Series page: %s\n",
	       ss[0]->series);
	for (size_t i = 0; i < SESSION_COUNT; i++) {
		const struct session *s = ss[i];
		printf("\n%s%s%s  [%s]\n", term_sgr(color, TERM_BOLD), s->title, term_reset(color), s->id);
		print_wrapped(s->summary, "    ", width);
		print_link(color, "recording", "", s->recording, s->series);
		if (*s->passcode)
			printf("    %-10s %s\n", "passcode", s->passcode);
		for (size_t k = 0; k < s->nslides; k++)
			print_link(color, "slides", s->slides[k].title, s->slides[k].url, s->series);
		progress_line(color, s, p);
	}
	printf("\n%s`dnslab status` shows your progress, `dnslab reset SESSION` clears it.%s\n",
	       term_sgr(color, TERM_DIM), term_reset(color));
}

int cmd_sessions(int argc, char **argv)
{
	struct opts o = { 0 };
	int status = parse_opts("sessions", sessions_usage, false, true, argc, argv, &o);
	if (status >= 0)
		return status;
	status = 0;
	struct session **ss = load_sessions(NULL, &status);
	if (!ss)
		return status;
	struct progress *p = load_progress(o.path, &status);
	if (p) {
		if (o.json)
			sessions_json(ss, p, o.path);
		else
			sessions_text(ss, p);
	}
	progress_free(p);
	free_sessions(ss);
	return status;
}

/* ---- dnslab status ----------------------------------------------------- */

static void status_json(struct session **ss, const struct progress *p, const char *path)
{
	struct json j;
	json_init(&j, stdout);
	json_obj_begin(&j);
	json_key(&j, "progress_file");
	json_str(&j, path);
	json_key(&j, "sessions");
	json_arr_begin(&j);
	for (size_t i = 0; i < SESSION_COUNT; i++) {
		const struct session *s = ss[i];
		if (!s)
			continue;
		const struct exercise *cur = current_exercise(s, p);
		json_obj_begin(&j);
		json_key(&j, "id");
		json_str(&j, s->id);
		json_key(&j, "title");
		json_str(&j, s->title);
		json_key(&j, "done");
		json_uint(&j, count_done(s, p));
		json_key(&j, "total");
		json_uint(&j, s->nex);
		json_key(&j, "current");
		json_str(&j, cur ? cur->id : NULL);
		json_key(&j, "exercises");
		json_arr_begin(&j);
		for (size_t k = 0; k < s->nex; k++) {
			time_t t = progress_done_time(p, s->id, s->ex[k].id);
			json_obj_begin(&j);
			json_key(&j, "id");
			json_str(&j, s->ex[k].id);
			json_key(&j, "title");
			json_str(&j, s->ex[k].title);
			json_key(&j, "done");
			json_bool(&j, progress_done(p, s->id, s->ex[k].id));
			json_key(&j, "done_at");
			if (progress_done(p, s->id, s->ex[k].id))
				json_int(&j, (long long)t);
			else
				json_null(&j);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
}

static void status_text(struct session **ss, const struct progress *p, const char *path)
{
	bool color = term_use_color(stdout);
	size_t w = 0;
	for (size_t i = 0; i < SESSION_COUNT; i++)
		if (ss[i] && strlen(ss[i]->title) > w)
			w = strlen(ss[i]->title);
	printf("Your progress %s(%s)%s\n", term_sgr(color, TERM_DIM), path, term_reset(color));
	for (size_t i = 0; i < SESSION_COUNT; i++) {
		const struct session *s = ss[i];
		if (!s)
			continue;
		size_t done = count_done(s, p);
		const struct exercise *cur = current_exercise(s, p);
		char count[48];
		snprintf(count, sizeof count, "%zu/%zu done", done, s->nex);
		printf("  %-*s  %-12s", (int)w, s->title, count);
		if (!s->nex)
			printf("  no exercises yet");
		else if (!cur)
			printf("  %sall done%s", term_sgr(color, TERM_GREEN), term_reset(color));
		else if (done || progress_current(p, s->id))
			printf("  now at %s: %s", cur->id, cur->title);
		else
			printf("  not started; first: %s: %s", cur->id, cur->title);
		putchar('\n');
	}
}

int cmd_status(int argc, char **argv)
{
	struct opts o = { 0 };
	int status = parse_opts("status", status_usage, true, true, argc, argv, &o);
	if (status >= 0)
		return status;
	status = 0;
	struct session **ss = load_sessions(o.session, &status);
	if (!ss)
		return status;
	struct progress *p = load_progress(o.path, &status);
	if (p) {
		if (o.json)
			status_json(ss, p, o.path);
		else
			status_text(ss, p, o.path);
	}
	progress_free(p);
	free_sessions(ss);
	return status;
}

/* ---- dnslab reset ------------------------------------------------------ */

/* "cleared dns101: 3 exercises done, and where you were (ask-the-root)". */
static void say_cleared(const char *id, size_t n, const char *cur)
{
	printf("cleared %s: %zu exercise%s done", id, n, n == 1 ? "" : "s");
	if (cur)
		printf(", and where you were (%s)", cur);
	putchar('\n');
}

int cmd_reset(int argc, char **argv)
{
	struct opts o = { 0 };
	int status = parse_opts("reset", reset_usage, true, false, argc, argv, &o);
	if (status >= 0)
		return status;
	status = 0;
	struct progress *p = load_progress(o.path, &status);
	if (!p)
		return status;
	if (!progress_any(p, o.session)) {
		printf("nothing to clear: no progress recorded for %s (%s)\n", o.session ? o.session : "any session",
		       o.path);
		progress_free(p);
		return 0;
	}
	for (size_t i = 0; i < SESSION_COUNT; i++) {
		const char *id = session_ids[i];
		if ((o.session && strcmp(o.session, id)) || !progress_any(p, id))
			continue;
		say_cleared(id, progress_count(p, id), progress_current(p, id));
		progress_clear(p, id);
	}
	if (!o.session) {
		/* Records of sessions this dnslab does not have (renamed, or from
		 * another version) go too: "reset" means all of it. */
		size_t other = progress_clear(p, NULL);
		if (other)
			printf("cleared %zu exercise%s done in sessions this dnslab does not know\n", other,
			       other == 1 ? "" : "s");
	}
	struct dl_error err = { 0, "" };
	if (progress_save(p, o.path, &err))
		status = dl_error_report(&err);
	else if (o.session)
		printf("the other sessions are untouched (%s)\n", o.path);
	else
		printf("all progress is cleared (%s)\n", o.path);
	progress_free(p);
	return status;
}
