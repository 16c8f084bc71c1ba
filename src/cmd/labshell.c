/* labshell.c: `dnslab dns101` (dnssec101, ecosystem, icann) and `dnslab
 * demo`: the lab internet and its resolver in this process, the session's
 * story, and a shell that walks the student through the exercises.
 *
 * One libuv loop runs the servers, the resolver and the shell's input, so
 * the lab keeps answering while the student types.  The commands that talk
 * to the lab like any client (dig, trace, resolve, validate) run the same
 * code as `dnslab query` and the others, on a worker thread: their packets
 * cross real loopback sockets to the servers on this loop, so the wiretap
 * sees the student's queries exactly as it sees a dig from another
 * terminal. */
#include <ctype.h>
#include <signal.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/labmap.h"
#include "cmd/shelltools.h"
#include "lab/checks.h"
#include "lab/lab.h"
#include "lab/paths.h"
#include "lab/progress.h"
#include "lab/resadmin.h"
#include "lab/session.h"
#include "ui/lineedit.h"
#include "ui/term.h"
#include "util/atomic.h"

#define MAX_ARGS 32

struct shell {
	uv_loop_t loop;
	struct lab *lab;
	struct session *s;
	struct progress *prog;
	char progress_path[4200];
	char workdir[4200];
	char topology[4400]; /* the workspace's lab.yaml */
	int port;
	struct lineedit *le;
	struct asked_log asked;
	bool watching;
	bool color;
	/* the current exercise */
	size_t cur;
	size_t hints_shown;
	unsigned long long since;
	/* scripted mode: every check and answer must pass */
	unsigned checks_run, checks_failed;
	bool busy;          /* a command is running: input waits */
	bool interactive;   /* a terminal: the exit status does not count checks */
	bool quitting;
	int status;
	/* demo */
	bool demo;
	double auto_seconds; /* < 0: wait for Enter */
	uv_timer_t timer;
	bool timer_on;      /* initialised: must be closed */
	uv_signal_t sigint, sigterm;
	bool signals_on;
	size_t step;        /* the next solution line of the current exercise */
	size_t last_ex;     /* the demo stops after this exercise */
	unsigned demo_failures;
};

static void shell_continue(struct shell *sh);

/* ---- output ---- */

/* A projector shows 100 columns: the demo breaks longer lines (a wiretap
 * line, a DS record) and indents what follows the break. */
#define DEMO_COLUMNS 100

static void put_wrapped(FILE *out, const char *text, size_t len)
{
	const char *end = text + len;
	while (text < end) {
		size_t n = (size_t)((const char *)memchr(text, '\n', (size_t)(end - text)) ?
				    (const char *)memchr(text, '\n', (size_t)(end - text)) - text : end - text);
		const char *line = text;
		bool first = true;
		size_t width = DEMO_COLUMNS;
		while (n > width) {
			size_t cut = width;
			while (cut > width / 2 && line[cut] != ' ' && line[cut] != '\t')
				cut--;
			if (line[cut] != ' ' && line[cut] != '\t')
				cut = width;
			fprintf(out, "%s%.*s\n", first ? "" : "    ", (int)cut, line);
			line += cut;
			n -= cut;
			while (n && (*line == ' ' || *line == '\t'))
				line++, n--;
			first = false;
			width = DEMO_COLUMNS - 4;
		}
		fprintf(out, "%s%.*s", first ? "" : "    ", (int)n, line);
		text = line + n;
		if (text < end) { /* the newline */
			fputc('\n', out);
			text++;
		}
	}
}

static void say(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct shell *sh, const char *fmt, ...)
{
	char *buf = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&buf, fmt, ap); /* a whole zone may be said at once */
	va_end(ap);
	if (n < 0)
		return;
	if (sh->demo) {
		put_wrapped(stdout, buf, strlen(buf));
		fflush(stdout);
	} else if (sh->le) {
		lineedit_printf(sh->le, "%s", buf);
	} else {
		fputs(buf, stdout);
	}
	free(buf);
}

/* Text as written in the lab file, indented: its authors break their lines
 * (YAML |) for a 100-column screen; only a longer line (a folded > paragraph)
 * is wrapped here, at 96 columns. */
static void say_text(struct shell *sh, const char *text, const char *indent)
{
	if (!text)
		return;
	size_t in = strlen(indent);
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		const char *line = p;
		p += len + (p[len] == '\n');
		while (in + len > 96) {
			size_t max = 96 - in, cut = max;
			while (cut > 20 && line[cut] != ' ')
				cut--;
			if (line[cut] != ' ')
				cut = max;
			say(sh, "%s%.*s\n", indent, (int)cut, line);
			size_t skip = cut + (line[cut] == ' ');
			line += skip;
			len -= skip;
		}
		say(sh, "%s%.*s\n", len ? indent : "", (int)len, line);
	}
}

static const struct exercise *current(const struct shell *sh)
{
	return sh->s->nex ? &sh->s->ex[sh->cur] : NULL;
}

static size_t done_count(const struct shell *sh)
{
	size_t n = 0;
	for (size_t i = 0; i < sh->s->nex; i++)
		n += progress_done(sh->prog, sh->s->id, sh->s->ex[i].id);
	return n;
}

static void set_prompt(struct shell *sh)
{
	char p[128];
	snprintf(p, sizeof p, "%s [%zu/%zu]> ", sh->s->id, sh->s->nex ? sh->cur + 1 : 0, sh->s->nex);
	if (sh->le)
		lineedit_set_prompt(sh->le, p);
}

/* ---- exercises ---- */

static void show_task(struct shell *sh)
{
	const struct exercise *e = current(sh);
	if (!e) {
		say(sh, "This session has no exercises yet.\n");
		return;
	}
	bool done = progress_done(sh->prog, sh->s->id, e->id);
	say(sh, "\n%sExercise %zu of %zu: %s%s%s\n", term_sgr(sh->color, TERM_BOLD), sh->cur + 1, sh->s->nex, e->title,
	    done ? " (done)" : "", term_reset(sh->color));
	say(sh, "\nWhy it matters\n");
	say_text(sh, e->why, "  ");
	if (e->where && *e->where)
		say(sh, "  (In the session: %s.)\n", e->where);
	say(sh, "\nYour task\n");
	say_text(sh, e->task, "  ");
	say(sh, "\n%s%s\n", e->nhints ? "Type hint for a hint, " : "Type ",
	    check_kind_is_question(e->check.kind) ? "answer TEXT to answer." : "check when you are done.");
}

static void go_to(struct shell *sh, size_t i)
{
	sh->cur = i;
	sh->hints_shown = 0;
	sh->since = asked_log_now(&sh->asked);
	if (current(sh)) {
		struct dl_error err = { 0, "" };
		progress_set_current(sh->prog, sh->s->id, current(sh)->id);
		if (progress_save(sh->prog, sh->progress_path, &err) != 0)
			say(sh, "warning: %s\n", err.msg);
	}
	set_prompt(sh);
	show_task(sh);
}

static struct check_env env_of(struct shell *sh)
{
	return (struct check_env){ .lab = sh->lab, .loop = &sh->loop, .asked = &sh->asked, .since = sh->since };
}

static void passed(struct shell *sh, const char *quote)
{
	const struct exercise *e = current(sh);
	struct dl_error err = { 0, "" };
	progress_mark(sh->prog, sh->s->id, e->id, time(NULL));
	if (progress_save(sh->prog, sh->progress_path, &err) != 0)
		say(sh, "warning: your progress could not be saved: %s\n", err.msg);
	say(sh, "%sCorrect.%s %zu of %zu exercises done.\n", term_sgr(sh->color, TERM_GREEN), term_reset(sh->color),
	    done_count(sh), sh->s->nex);
	say_text(sh, e->explain, "  ");
	if (quote && *quote) {
		say(sh, "\n  What the lab served when it checked:\n");
		say_text(sh, quote, "    ");
	}
	if (sh->cur + 1 < sh->s->nex)
		say(sh, "\nType next for exercise %zu.\n", sh->cur + 2);
	else
		say(sh, "\nThat was the last exercise of %s.\n", sh->s->title);
}

static void not_yet(struct shell *sh, const char *why)
{
	sh->checks_failed++;
	say(sh, "%sNot yet.%s %s\n", term_sgr(sh->color, TERM_YELLOW), term_reset(sh->color), why);
	if (current(sh) && sh->hints_shown < current(sh)->nhints)
		say(sh, "Type hint for a hint.\n");
}

static void cmd_answer(struct shell *sh, const char *text)
{
	const struct exercise *e = current(sh);
	if (!e)
		return;
	if (!check_kind_is_question(e->check.kind)) {
		say(sh, "This exercise is not a question: do the task, then type check.\n");
		return;
	}
	if (!*text) {
		say(sh, "usage: answer TEXT   (for example: answer 192.0.2.1)\n");
		return;
	}
	sh->checks_run++;
	char *expected = NULL, *quote = NULL;
	struct dl_error err = { 0, "" };
	if (check_expect(&(struct check_env){ .lab = sh->lab, .loop = &sh->loop, .asked = &sh->asked,
					       .since = sh->since },
			 &e->check, &expected, &quote, &err) != 0) {
		/* Mostly the lab is not in the state the question is about yet
		 * (nothing resolved, no referral yet): say what is missing. */
		char why[700];
		snprintf(why, sizeof why, "The lab has no answer to compare with yet: %s.", err.msg);
		not_yet(sh, why);
		return;
	}
	if (check_answer_ok(&e->check, expected, text))
		passed(sh, quote);
	else
		not_yet(sh, e->check.kind == CHECK_SHORT ? "That is not the answer. Read the task again."
							 : "That is not what the lab serves. Look at the answer again.");
	free(expected);
	free(quote);
}

static void on_checked(void *arg, const struct check_outcome *o)
{
	struct shell *sh = arg;
	if (o->pass) {
		passed(sh, o->quote);
	} else {
		not_yet(sh, o->why);
		if (sh->demo)
			sh->demo_failures++;
	}
	sh->busy = false;
	shell_continue(sh);
}

static void cmd_check(struct shell *sh)
{
	const struct exercise *e = current(sh);
	if (!e)
		return;
	if (check_kind_is_question(e->check.kind)) {
		say(sh, "This exercise is a question: type answer TEXT.\n");
		return;
	}
	sh->checks_run++;
	sh->busy = true;
	struct check_env env = env_of(sh);
	check_action(&env, &e->check, on_checked, sh);
}

/* A solution line with {expected} filled in from the live lab.  Caller
 * frees; NULL when the expected answer cannot be computed (err says). */
static char *expand(struct shell *sh, const char *line, struct dl_error *err)
{
	const char *at = strstr(line, "{expected}");
	if (!at)
		return strdup(line);
	char *expected = NULL, *quote = NULL;
	struct check_env env = env_of(sh);
	if (check_expect(&env, &current(sh)->check, &expected, &quote, err) != 0)
		return NULL;
	size_t n = strlen(line) + strlen(expected) + 1;
	char *out = malloc(n);
	if (out)
		snprintf(out, n, "%.*s%s%s", (int)(at - line), line, expected, at + strlen("{expected}"));
	free(expected);
	free(quote);
	return out;
}

static void cmd_solution(struct shell *sh)
{
	const struct exercise *e = current(sh);
	if (!e)
		return;
	say(sh, "The steps (type them yourself: this does not mark the exercise done):\n");
	for (size_t i = 0; i < e->nsolution; i++) {
		struct dl_error err = { 0, "" };
		char *l = expand(sh, e->solution[i], &err);
		say(sh, "  %s\n", l ? l : err.msg);
		free(l);
	}
}

static void cmd_list(struct shell *sh)
{
	for (size_t i = 0; i < sh->s->nex; i++)
		say(sh, "  %c %2zu. %s%s\n", progress_done(sh->prog, sh->s->id, sh->s->ex[i].id) ? '*' : ' ', i + 1,
		    sh->s->ex[i].title, i == sh->cur ? "   <- you are here" : "");
	say(sh, "%zu of %zu done (* marks a done exercise).\n", done_count(sh), sh->s->nex);
}

/* ---- the lab ---- */

struct cache_printer {
	struct shell *sh;
	double now;
	size_t n;
};

static void print_entry(void *arg, const struct cache_entry *e)
{
	struct cache_printer *cp = arg;
	char *n = ldns_rdf2str(e->name), *t = e->type ? ldns_rr_type2str(e->type) : strdup("*");
	const char *kind = e->kind == CACHE_POSITIVE ? "" : e->kind == CACHE_NXDOMAIN ? " NXDOMAIN" : " NODATA";
	say(cp->sh, "  %-34s %-6s %6u s left%s\n", n ? n : "?", t ? t : "?", cache_ttl_left(e, cp->now), kind);
	free(n);
	free(t);
	cp->n++;
}

/* The address map, through say(): above the line being typed, or wrapped
 * for the demo's projector. */
static void say_map(struct shell *sh)
{
	char *map = NULL;
	size_t maplen = 0;
	FILE *m = open_memstream(&map, &maplen);
	if (m) {
		labmap_print(sh->lab, m, false);
		fclose(m);
		say(sh, "%s", map ? map : "");
	}
	free(map);
}

static void cmd_cache(struct shell *sh)
{
	struct resolver *r = lab_running_resolver(sh->lab);
	if (!r)
		return;
	struct cache_printer cp = { sh, labclock_now(&sh->lab->clock), 0 };
	cache_walk(&r->cache, cp.now, print_entry, &cp);
	say(sh, "%zu entr%s in the resolver's cache (lab clock).\n", cp.n, cp.n == 1 ? "y" : "ies");
}

static void cmd_zone(struct shell *sh, const char *name)
{
	char origin[300];
	snprintf(origin, sizeof origin, "%s%s", name, *name && name[strlen(name) - 1] == '.' ? "" : ".");
	for (size_t i = 0; i < sh->lab->nzones; i++) {
		const struct zone *z = sh->lab->zones[i];
		if (strcasecmp(z->origin_str, origin))
			continue;
		say(sh, "; %s as the lab serves it, from %s\n", z->origin_str, z->file);
		char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);
		if (m) {
			ldns_dnssec_zone_print_fmt(m, ldns_output_format_nocomments, z->dz);
			fclose(m);
			say(sh, "%s", text ? text : "");
		}
		free(text);
		return;
	}
	say(sh, "zone: the lab serves no zone %s (type servers to see them)\n", origin);
}

/* zone NAME add RECORD: append RECORD to the workspace copy of NAME, as an
 * editor would; the lab serves it after reload.  The line is checked with
 * ldns first and written in full (absolute owner, TTL), so it means the
 * same wherever it lands in the file. */
static void cmd_zone_add(struct shell *sh, const char *origin_in, const char *record)
{
	char origin[300];
	snprintf(origin, sizeof origin, "%s%s", origin_in, *origin_in && origin_in[strlen(origin_in) - 1] == '.' ? "" : ".");
	const struct zone *z = NULL;
	for (size_t i = 0; i < sh->lab->nzones && !z; i++)
		if (!strcasecmp(sh->lab->zones[i]->origin_str, origin))
			z = sh->lab->zones[i];
	if (!z) {
		say(sh, "zone: the lab serves no zone %s\n", origin);
		return;
	}
	size_t wl = strlen(sh->workdir);
	if (strncmp(z->file, sh->workdir, wl) || z->file[wl] != '/') {
		say(sh, "zone: %s comes from %s, outside the workspace; it is not yours to edit\n", origin, z->file);
		return;
	}
	ldns_rr *rr = NULL;
	ldns_rdf *o = ldns_rdf_clone(z->origin);
	ldns_status st = ldns_rr_new_frm_str(&rr, record, ldns_rr_ttl(z->soa), o, NULL);
	ldns_rdf_deep_free(o);
	if (st != LDNS_STATUS_OK) {
		say(sh, "zone: '%s' is not a record: %s\n", record, ldns_get_errorstr_by_id(st));
		return;
	}
	if (ldns_dname_compare(ldns_rr_owner(rr), z->origin) != 0 && !ldns_dname_is_subdomain(ldns_rr_owner(rr), z->origin)) {
		say(sh, "zone: that record is not in %s\n", origin);
		ldns_rr_free(rr);
		return;
	}
	char *text = ldns_rr2str(rr);
	ldns_rr_free(rr);
	/* A zone served from the student's signed copy: the record goes into
	 * the zone file, which must be signed again to be served. */
	char path[4200];
	size_t fl = strlen(z->file);
	bool own_signed = fl > 7 && !strcmp(z->file + fl - 7, ".signed");
	snprintf(path, sizeof path, "%.*s", (int)(own_signed ? fl - 7 : fl), z->file);
	FILE *in = fopen(path, "r");
	struct atomic_file a;
	struct dl_error err = { 0, "" };
	int rc = in ? atomic_open(&a, path, 0644, true, &err)
		    : dl_error_set(&err, DL_ERR_ENV, "cannot read %s: %s", path, strerror(errno));
	if (!rc) {
		char buf[8192];
		size_t got, last = '\n';
		while ((got = fread(buf, 1, sizeof buf, in)) > 0) {
			fwrite(buf, 1, got, a.fp);
			last = (unsigned char)buf[got - 1];
		}
		fprintf(a.fp, "%s; added with: zone %s add %s\n%s", last == '\n' ? "" : "\n", origin_in, record,
			text ? text : "");
		rc = atomic_commit(&a, &err);
	}
	if (in)
		fclose(in);
	if (rc)
		say(sh, "zone: %s\n", err.msg);
	else
		say(sh, "zone: added to %s:\n  %sType %sreload to serve it.\n", path, text ? text : "",
		    own_signed ? "sign ZONE (you serve it signed), then " : "");
	free(text);
}

static void cmd_clock(struct shell *sh, const char *arg)
{
	char desc[128];
	if (labclock_command(&sh->lab->clock, arg) != 0)
		say(sh, "clock: '%s' is not a duration; try clock +5m, clock +1d or clock reset\n", arg);
	else
		say(sh, "%s\n", labclock_describe(&sh->lab->clock, desc, sizeof desc));
}

static void cmd_reload(struct shell *sh)
{
	struct dl_error err = { 0, "" };
	if (lab_reload(sh->lab, (time_t)labclock_now(&sh->lab->clock), &err) != 0) {
		say(sh, "reload: %s\n(the lab goes on serving the zones it had)\n", err.msg);
		return;
	}
	say(sh, "reload: %zu zones read again from %s/zones%s\n", sh->lab->nzones, sh->workdir,
	    sh->lab->signing.zones ? ", signed again on the lab clock" : "");
	char own[2048];
	if (lab_own_signed(sh->lab, own, sizeof own))
		say(sh, "reload: %s", own);
}

static void on_tap_print(void *arg, const struct wiretap_event *ev)
{
	struct shell *sh = arg;
	char line[1024];
	wiretap_format(&sh->lab->tap, ev, line, sizeof line);
	say(sh, "%s%s%s\n", term_sgr(sh->color, TERM_DIM), line, term_reset(sh->color));
}

static void cmd_watch(struct shell *sh, const char *arg)
{
	bool on = !strcmp(arg, "on") || (!*arg && !sh->watching);
	if (on && !sh->watching && wiretap_subscribe(&sh->lab->tap, on_tap_print, sh) == 0)
		sh->watching = true;
	else if (!on && sh->watching) {
		wiretap_unsubscribe(&sh->lab->tap, on_tap_print, sh);
		sh->watching = false;
	}
	say(sh, "watch: the wiretap is %s%s\n", sh->watching ? "on" : "off",
	    sh->watching ? " (queries from other terminals show too)" : "");
}

/* ---- commands that run like separate clients, on a worker thread ---- */

struct job {
	uv_work_t req;
	struct shell *sh;
	FILE *capture;  /* demo: the command's output, to wrap for the projector */
	int saved_out;
	int (*fn)(int argc, char **argv);
	int argc;
	char *argv[MAX_ARGS + 6];
	char port[16];
	int status;
	bool owned;     /* every argv[i] is the job's (run_tool) */
};

static void job_work(uv_work_t *req)
{
	struct job *j = req->data;
	j->status = j->fn(j->argc, j->argv);
	fflush(stdout);
	fflush(stderr);
}

static void job_done(uv_work_t *req, int status)
{
	struct job *j = req->data;
	struct shell *sh = j->sh;
	if (j->capture) {
		fflush(stdout);
		dup2(j->saved_out, STDOUT_FILENO);
		close(j->saved_out);
		long n = ftell(j->capture);
		char *text = n > 0 ? malloc((size_t)n) : NULL;
		rewind(j->capture);
		if (text && fread(text, 1, (size_t)n, j->capture) == (size_t)n)
			put_wrapped(stdout, text, (size_t)n);
		free(text);
		fclose(j->capture);
		fflush(stdout);
	}
	for (int i = 0; i < j->argc && j->owned; i++)
		free(j->argv[i]);
	for (int i = 1; i < j->argc && !j->owned; i++)
		if (j->argv[i] != j->port && j->argv[i] != j->sh->topology && strcmp(j->argv[i], "--port") &&
		    strcmp(j->argv[i], "--topology"))
			free(j->argv[i]);
	free(j);
	(void)status;
	sh->busy = false;
	shell_continue(sh);
}

static void queue_job(struct shell *sh, struct job *j);

static void run_job(struct shell *sh, int (*fn)(int, char **), const char *name, int argc, char **argv)
{
	struct job *j = calloc(1, sizeof *j);
	if (!j)
		return;
	j->sh = sh;
	j->fn = fn;
	j->argv[j->argc++] = (char *)name;
	for (int i = 1; i < argc && j->argc < MAX_ARGS; i++)
		j->argv[j->argc++] = strdup(argv[i]);
	snprintf(j->port, sizeof j->port, "%d", sh->port);
	j->argv[j->argc++] = "--port";
	j->argv[j->argc++] = j->port;
	/* The same lab as this one: the workspace's topology. */
	j->argv[j->argc++] = "--topology";
	j->argv[j->argc++] = sh->topology;
	queue_job(sh, j);
}

_Static_assert(SHELLTOOLS_MAX_ARGS <= MAX_ARGS + 6, "a tool's arguments fit a job");

/* keygen, sign, ds: the CLI's tools on the workspace (shelltools.c), as
 * jobs too (signing a large zone takes a while), without --port. */
static void run_tool(struct shell *sh, int argc, char **argv)
{
	char msg[600];
	struct job *j = calloc(1, sizeof *j);
	if (!j)
		return;
	if (shelltools_prepare(sh->lab, argc, argv, &j->fn, j->argv, &j->argc, msg, sizeof msg) != 0) {
		say(sh, "%s", msg);
		free(j);
		return;
	}
	j->sh = sh;
	j->owned = true;
	queue_job(sh, j);
}

static void queue_job(struct shell *sh, struct job *j)
{
	j->req.data = j;
	j->saved_out = -1;
	if (sh->demo) {
		/* The command writes to stdout (fd 1) from its thread: send fd 1
		 * to a file for as long as it runs, then show the file wrapped. */
		fflush(stdout);
		j->capture = tmpfile();
		if (j->capture && (j->saved_out = dup(STDOUT_FILENO)) >= 0)
			dup2(fileno(j->capture), STDOUT_FILENO);
		else if (j->capture) {
			fclose(j->capture);
			j->capture = NULL;
		}
	}
	sh->busy = true;
	if (uv_queue_work(&sh->loop, &j->req, job_work, job_done) != 0) {
		sh->busy = false;
		job_done(&j->req, 0);
	}
}

/* ---- dispatch ---- */

static int split(char *line, char **argv, int max)
{
	int argc = 0;
	char *p = line, *o = line;
	while (*p && argc < max) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		argv[argc++] = o;
		char q = 0;
		for (; *p && (q || !isspace((unsigned char)*p)); p++) {
			if (!q && (*p == '"' || *p == '\''))
				q = *p;
			else if (q && *p == q)
				q = 0;
			else
				*o++ = *p;
		}
		if (*p)
			p++;
		*o++ = '\0';
	}
	return argc;
}

static const char help_text[] =
	"Exercises: task, hint, answer TEXT, check, solution, next, prev, goto N, list, skip\n"
	"DNS:       dig ... (like dig; @resolver by default, @root @tld @example ... or an address;\n"
	"           +tls, -b ADDRESS), trace NAME [TYPE], resolve NAME [TYPE],\n"
	"           validate NAME [TYPE], chain NAME, walk ZONE (follow a zone's NSEC chain)\n"
	"The lab:   servers, zone NAME [add RECORD], reload (read the workspace zones again),\n"
	"           cache, flush, clock [+DURATION|reset], watch on|off\n"
	"Resolver:  resolver status|qmin on|off|open|closed|hyperlocal on|off,\n"
	"           nta add NAME [DURATION], nta remove NAME, nta list\n"
	"Registry:  registrar register|set-ns|add-ds|remove-ds|delete|whois|log|list ...\n"
	"           (registrar --help)\n"
	"DNSSEC:    keygen ZONE [--ksk], sign ZONE [--publish-only TAG] [--without TAG]\n"
	"           (TAG: a key tag, new-zsk or old-zsk), ds ZONE: for your zones, such as\n"
	"           student.test (keys, ZONE.zone.signed and ZONE.ds in the workspace's\n"
	"           zones/; sign signs at the lab clock's now)\n"
	"Shell:     help, quit\n";

static void resadmin_news(void *arg, const char *msg)
{
	say(arg, "%s\n", msg);
}

/* The resolver operator's commands (resadmin.h), their output shown like
 * any other. */
static void cmd_resadmin(struct shell *sh, int argc, char **argv)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem)
		return;
	resadmin_command_news(sh->lab, argc, argv, mem, resadmin_news, sh);
	fclose(mem);
	say(sh, "%s", text ? text : "");
	free(text);
}

static void run_line(struct shell *sh, const char *input)
{
	char line[4096];
	snprintf(line, sizeof line, "%s", input);
	char *argv[MAX_ARGS];
	char rest[4096];
	const char *sp = input + strspn(input, " \t");
	sp += strcspn(sp, " \t");
	snprintf(rest, sizeof rest, "%s", sp + strspn(sp, " \t"));
	int argc = split(line, argv, MAX_ARGS);
	if (!argc || argv[0][0] == '#')
		return;
	const char *c = argv[0];
	const struct exercise *e = current(sh);
	if (!strcmp(c, "task")) {
		show_task(sh);
	} else if (!strcmp(c, "hint")) {
		if (!e || !e->nhints)
			say(sh, "No hints for this exercise.\n");
		else if (sh->hints_shown < e->nhints)
			say(sh, "Hint %zu of %zu: %s\n", sh->hints_shown + 1, e->nhints, e->hints[sh->hints_shown]),
				sh->hints_shown++;
		else
			say(sh, "No more hints. Type solution to see the steps.\n");
	} else if (!strcmp(c, "answer")) {
		cmd_answer(sh, rest);
	} else if (!strcmp(c, "check")) {
		cmd_check(sh);
	} else if (!strcmp(c, "solution")) {
		cmd_solution(sh);
	} else if (!strcmp(c, "next") || !strcmp(c, "skip")) {
		if (sh->cur + 1 < sh->s->nex)
			go_to(sh, sh->cur + 1);
		else
			say(sh, "This is the last exercise.\n");
	} else if (!strcmp(c, "prev")) {
		if (sh->cur > 0)
			go_to(sh, sh->cur - 1);
		else
			say(sh, "This is the first exercise.\n");
	} else if (!strcmp(c, "goto")) {
		long n = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
		if (n >= 1 && (size_t)n <= sh->s->nex)
			go_to(sh, (size_t)n - 1);
		else
			say(sh, "usage: goto N   (1 to %zu; list shows them)\n", sh->s->nex);
	} else if (!strcmp(c, "list")) {
		cmd_list(sh);
	} else if (!strcmp(c, "dig") || !strcmp(c, "query")) {
		run_job(sh, cmd_query, "query", argc, argv);
	} else if (!strcmp(c, "trace")) {
		run_job(sh, cmd_trace, "trace", argc, argv);
	} else if (!strcmp(c, "resolve")) {
		run_job(sh, cmd_resolve, "resolve", argc, argv);
	} else if (!strcmp(c, "validate")) {
		run_job(sh, cmd_validate, "validate", argc, argv);
	} else if (!strcmp(c, "chain")) {
		run_job(sh, cmd_chain, "chain", argc, argv);
	} else if (!strcmp(c, "walk")) {
		run_job(sh, cmd_walk, "walk", argc, argv);
	} else if (!strcmp(c, "keygen") || !strcmp(c, "sign") || !strcmp(c, "ds")) {
		run_tool(sh, argc, argv);
	} else if (!strcmp(c, "registrar")) {
		/* A key or DS file is where the shell's ds and keygen wrote it:
		 * the workspace's zones/, whatever the shell's own directory. */
		char *moved[MAX_ARGS] = { NULL }; /* run_job copies the arguments */
		for (int i = 2; i < argc; i++) {
			size_t n = strlen(argv[i]);
			bool keyfile = (n > 3 && !strcmp(argv[i] + n - 3, ".ds")) || (n > 4 && !strcmp(argv[i] + n - 4, ".key"));
			if (!keyfile || argv[i][0] == '/' || access(argv[i], F_OK) == 0)
				continue;
			if (asprintf(&moved[i], "%s/zones/%s", sh->workdir, argv[i]) < 0)
				moved[i] = NULL; /* its contents are undefined then */
			else if (access(moved[i], F_OK) == 0)
				argv[i] = moved[i];
		}
		run_job(sh, cmd_registrar, "registrar", argc, argv);
		for (int i = 0; i < argc; i++)
			free(moved[i]);
	} else if (!strcmp(c, "servers")) {
		say_map(sh);
	} else if (!strcmp(c, "zone")) {
		if (argc < 2)
			say(sh, "usage: zone NAME [add RECORD]   (for example: zone example.test)\n");
		else if (argc >= 4 && !strcmp(argv[2], "add")) {
			/* The record as typed, after "add". */
			const char *r = strstr(input, " add ");
			cmd_zone_add(sh, argv[1], r ? r + 5 + strspn(r + 5, " \t") : "");
		} else
			cmd_zone(sh, argv[1]);
	} else if (!strcmp(c, "cache")) {
		cmd_cache(sh);
	} else if (!strcmp(c, "flush")) {
		lab_flush_resolvers(sh->lab);
		say(sh, "flush: the resolver's cache is empty\n");
	} else if (!strcmp(c, "clock")) {
		cmd_clock(sh, argc > 1 ? argv[1] : "");
	} else if (!strcmp(c, "watch")) {
		cmd_watch(sh, argc > 1 ? argv[1] : "");
	} else if (!strcmp(c, "reload")) {
		cmd_reload(sh);
	} else if (resadmin_handles(c)) {
		cmd_resadmin(sh, argc, argv);
	} else if (!strcmp(c, "help") || !strcmp(c, "?")) {
		say(sh, "%s", help_text);
	} else if (!strcmp(c, "quit") || !strcmp(c, "exit")) {
		sh->quitting = true;
	} else {
		say(sh, "unknown command '%s'; type help for the list\n", c);
	}
}

/* ---- the loop: input, demo steps, the end ---- */

static void on_closed(void *arg)
{
	struct shell *sh = arg;
	sh->le = NULL;
	if (sh->watching)
		wiretap_unsubscribe(&sh->lab->tap, on_tap_print, sh);
	sh->watching = false;
	asked_log_detach(&sh->asked);
	if (sh->timer_on)
		uv_close((uv_handle_t *)&sh->timer, NULL);
	sh->timer_on = false;
	if (sh->signals_on) {
		uv_close((uv_handle_t *)&sh->sigint, NULL);
		uv_close((uv_handle_t *)&sh->sigterm, NULL);
		sh->signals_on = false;
	}
	lab_close(sh->lab, NULL);
}

static void finish(struct shell *sh)
{
	if (sh->quitting && !sh->le)
		return;
	sh->quitting = true;
	if (sh->le)
		lineedit_stop(sh->le, on_closed, sh);
	else
		on_closed(sh);
}

static void demo_step(struct shell *sh);

/* Ctrl-C clears the line being typed, as in a shell; at any other time, and
 * on SIGTERM, the lab stops cleanly (the terminal is restored, progress is
 * already saved). */
static void on_signal(uv_signal_t *h, int signum)
{
	struct shell *sh = h->data;
	if (signum == SIGINT && sh->le && lineedit_on_interrupt(sh->le))
		return;
	say(sh, "\n%s: stopping the lab\n", signum == SIGINT ? "interrupted" : "terminated");
	sh->quitting = true;
	if (!sh->busy)
		finish(sh);
}

static void on_timer(uv_timer_t *t)
{
	demo_step(t->data);
}

/* After a command: the next input line, or the demo's next step. */
static void shell_continue(struct shell *sh)
{
	if (sh->busy)
		return;
	if (sh->quitting) {
		finish(sh);
		return;
	}
	if (sh->demo) {
		if (sh->auto_seconds >= 0)
			uv_timer_start(&sh->timer, on_timer, (uint64_t)(sh->auto_seconds * 1000), 0);
		else if (sh->le)
			lineedit_resume(sh->le); /* Enter goes on */
		return;
	}
	set_prompt(sh);
	if (sh->le)
		lineedit_resume(sh->le);
}

static void on_line(void *arg, const char *line)
{
	struct shell *sh = arg;
	if (!line) { /* end of input */
		sh->quitting = true;
		if (!sh->busy)
			finish(sh);
		return;
	}
	lineedit_pause(sh->le);
	if (sh->demo) { /* Enter: the next step */
		demo_step(sh);
		return;
	}
	run_line(sh, line);
	shell_continue(sh);
}

/* The demo: each exercise's story, then its solution lines typed and run
 * one by one, as a student would, with the wiretap on. */
static void demo_step(struct shell *sh)
{
	const struct exercise *e = current(sh);
	if (!e || sh->quitting) {
		finish(sh);
		return;
	}
	if (sh->step == 0) {
		go_to(sh, sh->cur);
		sh->step = 1;
		sh->checks_failed = 0;
		shell_continue(sh);
		return;
	}
	size_t i = sh->step - 1;
	if (i < e->nsolution) {
		struct dl_error err = { 0, "" };
		char *l = expand(sh, e->solution[i], &err);
		sh->step++;
		if (!l) {
			say(sh, "demo: step %zu of %s: %s\n", i + 1, e->id, err.msg);
			sh->demo_failures++;
			shell_continue(sh);
			return;
		}
		char prompt[128];
		snprintf(prompt, sizeof prompt, "%s [%zu/%zu]> ", sh->s->id, sh->cur + 1, sh->s->nex);
		say(sh, "\n%s%s%s%s\n", term_sgr(sh->color, TERM_BOLD), prompt, l, term_reset(sh->color));
		unsigned before = sh->checks_failed;
		run_line(sh, l);
		free(l);
		if (sh->checks_failed > before)
			sh->demo_failures++;
		shell_continue(sh);
		return;
	}
	/* Every step done: an action check runs now, if the steps had none. */
	if (!progress_done(sh->prog, sh->s->id, e->id) && !check_kind_is_question(e->check.kind) &&
	    sh->step == e->nsolution + 1) {
		sh->step++;
		say(sh, "\n%s%s [%zu/%zu]> check%s\n", term_sgr(sh->color, TERM_BOLD), sh->s->id, sh->cur + 1,
		    sh->s->nex, term_reset(sh->color));
		cmd_check(sh); /* on_checked counts a failure */
		shell_continue(sh);
		return;
	}
	if (!progress_done(sh->prog, sh->s->id, e->id)) {
		say(sh, "demo: exercise %zu (%s) did not pass\n", sh->cur + 1, e->id);
		sh->demo_failures++;
	}
	if (sh->cur >= sh->last_ex || sh->cur + 1 >= sh->s->nex) {
		finish(sh);
		return;
	}
	sh->cur++;
	sh->step = 0;
	demo_step(sh);
}

/* ---- setup ---- */

/* Copy the lab's zone files into the workspace, once: the student edits
 * these, never the templates, and they are never overwritten. */
static int prepare_workspace(const char *workdir, struct dl_error *err)
{
	char zones[4300], src[4300];
	snprintf(zones, sizeof zones, "%s/zones", workdir);
	if (paths_mkdirs(zones) != 0)
		return dl_error_set(err, DL_ERR_ENV, "cannot create the workspace %s: %s", zones, strerror(errno));
	snprintf(src, sizeof src, "%s/zones", paths_datadir());
	DIR *d = opendir(src);
	if (!d)
		return dl_error_set(err, DL_ERR_ENV, "cannot read %s: %s", src, strerror(errno));
	struct dirent *de;
	int rc = 0;
	while (!rc && (de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (!((n > 5 && !strcmp(de->d_name + n - 5, ".zone")) || !strcmp(de->d_name, "lab.yaml")))
			continue;
		char from[4600], to[4600];
		snprintf(from, sizeof from, "%s/%s", src, de->d_name);
		snprintf(to, sizeof to, "%s/%s", zones, de->d_name);
		if (access(to, F_OK) == 0)
			continue; /* the student's copy: never replaced */
		FILE *in = fopen(from, "r");
		struct atomic_file a;
		if (!in) {
			rc = dl_error_set(err, DL_ERR_ENV, "cannot read %s: %s", from, strerror(errno));
			break;
		}
		if ((rc = atomic_open(&a, to, 0644, false, err)) == 0) {
			char buf[8192];
			size_t got;
			while ((got = fread(buf, 1, sizeof buf, in)) > 0)
				fwrite(buf, 1, got, a.fp);
			rc = atomic_commit(&a, err);
		}
		fclose(in);
	}
	closedir(d);
	return rc;
}

static void banner(struct shell *sh)
{
	const struct session *s = sh->s;
	say(sh, "%s%s%s\n", term_sgr(sh->color, TERM_BOLD), s->title, term_reset(sh->color));
	say_text(sh, s->summary, "  ");
	say(sh, "\n  Recording: %s%s%s%s\n", s->recording && *s->recording ? s->recording : s->series,
	    s->recording && *s->recording ? "" : " (the series page; the recording's link is not known yet)",
	    s->passcode && *s->passcode ? ", passcode " : "", s->passcode && *s->passcode ? s->passcode : "");
	for (size_t i = 0; i < s->nslides; i++)
		say(sh, "  Slides:    %s: %s\n", s->slides[i].title,
		    s->slides[i].url && *s->slides[i].url ? s->slides[i].url : s->series);
	say(sh, "  Workspace: %s (your copies of the zone files)\n\n", sh->workdir);
	say_map(sh);
	say(sh, "\nType help for the commands. Progress is saved as you go.\n");
}

static const char usage[] =
	"usage: dnslab SESSION [--port N] [--workdir DIR] [--exercise N]\n"
	"       dnslab demo SESSION [--port N] [--workdir DIR] [--exercise N] [--auto SECONDS]\n"
	"\n"
	"SESSION is dns101, dnssec101, ecosystem or icann (dnslab sessions lists them).\n"
	"The lab internet starts in this process, the session's story is told, and a\n"
	"shell walks you through the exercises; every answer is checked against the\n"
	"live lab.  With standard input not a terminal, commands are read line by line\n"
	"and echoed; the exit status is 0 only if every check and answer passed.\n"
	"\n"
	"  -p, --port N       the lab port (default 5300)\n"
	"  -w, --workdir DIR  the workspace: your copies of the zone files, and with\n"
	"                     this option also the keys, signed zones and progress\n"
	"                     (default: $XDG_DATA_HOME/dnslab/SESSION for the zone\n"
	"                     copies; keys beside it, progress in $XDG_STATE_HOME)\n"
	"  -e, --exercise N   start at exercise N\n"
	"  --auto SECONDS     demo: go on by itself after SECONDS (0: at once)\n";

static int run(int argc, char **argv, bool demo)
{
	const char *id = NULL, *workdir = NULL;
	int port = LAB_DEFAULT_PORT;
	long start = 0;
	double auto_s = -1;
	for (int i = demo ? 1 : 0; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if ((!strcmp(a, "-p") || !strcmp(a, "--port")) && v) {
			if ((port = cmd_parse_port(a, v)) < 0)
				return 2;
			i++;
		} else if ((!strcmp(a, "-w") || !strcmp(a, "--workdir")) && v) {
			workdir = v;
			i++;
		} else if ((!strcmp(a, "-e") || !strcmp(a, "--exercise")) && v) {
			start = strtol(v, NULL, 10);
			i++;
		} else if (demo && !strcmp(a, "--auto") && v) {
			char *end;
			auto_s = strtod(v, &end);
			if (*end || auto_s < 0) {
				fprintf(stderr, "dnslab demo: --auto '%s': give seconds (0 or more)\n", v);
				return 2;
			}
			i++;
		} else if (a[0] == '-') {
			fprintf(stderr, "dnslab: unknown option or missing value '%s'\n%s", a, usage);
			return 2;
		} else if (!id) {
			id = a;
		} else {
			fprintf(stderr, "dnslab: one session at a time ('%s' is extra)\n", a);
			return 2;
		}
	}
	if (!id) {
		fprintf(stderr, "%s", usage);
		return 2;
	}
	struct shell *sh = calloc(1, sizeof *sh);
	if (!sh)
		return 3;
	struct dl_error err = { 0, "" };
	int rc = session_load(paths_datadir(), id, &sh->s, &err);
	if (rc) {
		free(sh);
		return dl_error_report(&err);
	}
	/* The workspace holds everything of this session's lab: zone copies,
	 * keys, the signed zones, progress. */
	if (workdir) {
		snprintf(sh->workdir, sizeof sh->workdir, "%s", workdir);
	} else {
		char home[4096];
		snprintf(sh->workdir, sizeof sh->workdir, "%s/%s", paths_userdir(home, sizeof home), id);
	}
	if (workdir)
		setenv("DNSLAB_HOME", sh->workdir, 1); /* keys and anchor go there too */
	progress_path(workdir, sh->progress_path, sizeof sh->progress_path);
	snprintf(sh->topology, sizeof sh->topology, "%s/zones/lab.yaml", sh->workdir);
	const char *topo = sh->topology;
	rc = prepare_workspace(sh->workdir, &err);
	if (!rc) {
		rc = progress_load(sh->progress_path, &sh->prog, &err);
		if (rc == PROGRESS_RECOVERED) { /* reported, set aside, go on */
			fprintf(stderr, "dnslab: warning: %s\n", err.msg);
			rc = 0;
		}
	}
	if (!rc)
		rc = lab_load(&sh->lab, topo, port, &err);
	if (rc) {
		session_free(sh->s);
		progress_free(sh->prog);
		free(sh);
		return dl_error_report(&err);
	}
	sh->port = port;
	sh->demo = demo;
	sh->auto_seconds = auto_s;
	sh->color = term_use_color(stdout);
	uv_loop_init(&sh->loop);
	bool busy = false;
	rc = lab_listen(sh->lab, &sh->loop, &busy, &err);
	if (rc && busy)
		dl_error_set(&err, DL_ERR_ENV, "port %d is taken (another lab?); run with --port N, e.g. --port %d", port,
			     port + 10); /* port + 1 is its DNS over TLS */
	if (!rc)
		rc = asked_log_attach(&sh->asked, sh->lab);
	if (!rc) {
		char dir[4200];
		struct dl_error werr = { 0, "" };
		if (lab_write_signed(sh->lab, dir, sizeof dir, &werr) != 0)
			fprintf(stderr, "dnslab: %s (the lab runs anyway)\n", werr.msg);
	}
	if (rc) {
		lab_close(sh->lab, NULL);
		uv_run(&sh->loop, UV_RUN_DEFAULT);
		uv_loop_close(&sh->loop);
		lab_free(sh->lab);
		session_free(sh->s);
		progress_free(sh->prog);
		free(sh);
		return dl_error_report(&err);
	}
	/* Start where the student left off: the saved exercise, else the first
	 * not done. */
	size_t first = 0;
	int saved = session_find(sh->s, progress_current(sh->prog, id) ? progress_current(sh->prog, id) : "");
	if (saved >= 0)
		first = (size_t)saved;
	else
		while (first + 1 < sh->s->nex && progress_done(sh->prog, id, sh->s->ex[first].id))
			first++;
	if (start >= 1 && (size_t)start <= sh->s->nex)
		first = (size_t)start - 1;
	sh->cur = first;
	sh->last_ex = demo && start >= 1 ? first : (sh->s->nex ? sh->s->nex - 1 : 0);
	uv_signal_init(&sh->loop, &sh->sigint);
	uv_signal_init(&sh->loop, &sh->sigterm);
	sh->sigint.data = sh->sigterm.data = sh;
	uv_signal_start(&sh->sigint, on_signal, SIGINT);
	uv_signal_start(&sh->sigterm, on_signal, SIGTERM);
	sh->signals_on = true;
	signal(SIGPIPE, SIG_IGN);
	banner(sh);
	char prompt[128];
	snprintf(prompt, sizeof prompt, "%s [%zu/%zu]> ", id, sh->s->nex ? first + 1 : 0, sh->s->nex);
	char hist[4400];
	snprintf(hist, sizeof hist, "%s/history", sh->workdir);
	if (!demo)
		go_to(sh, first); /* the exercise before the first prompt */
	/* A demo with --auto reads nothing: it runs on its timer alone. */
	bool reads = !(demo && auto_s >= 0);
	if (reads && lineedit_start(&sh->le, &sh->loop, demo ? "" : prompt, demo ? NULL : hist, on_line, sh, &err) != 0) {
		fprintf(stderr, "dnslab: cannot read standard input: %s\n", err.msg);
		sh->le = NULL;
		finish(sh);
	} else if (reads) {
		sh->interactive = lineedit_interactive(sh->le);
	}
	if (demo && !sh->quitting) {
		uv_timer_init(&sh->loop, &sh->timer);
		sh->timer_on = true;
		sh->timer.data = sh;
		cmd_watch(sh, "on");
		if (sh->le)
			lineedit_pause(sh->le);
		demo_step(sh);
	}
	uv_run(&sh->loop, UV_RUN_DEFAULT);
	int closed = uv_loop_close(&sh->loop);
	/* Scripted: 0 only if every check and answer passed. */
	int status = demo ? (sh->demo_failures ? 1 : 0) : (sh->checks_failed && !sh->interactive ? 1 : 0);
	lab_free(sh->lab);
	session_free(sh->s);
	progress_free(sh->prog);
	free(sh);
	return closed ? 3 : status;
}

int cmd_session(int argc, char **argv)
{
	return run(argc, argv, false);
}

int cmd_demo(int argc, char **argv)
{
	return run(argc, argv, true);
}
