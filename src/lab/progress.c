/* progress.c: the student's progress file (progress.h).
 *
 * The whole file is read and parsed before anything is trusted: a corrupt
 * file is refused as a whole, not half-used, and moved aside untouched so a
 * student (or we) can still recover what it held. */
#include "lab/progress.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/paths.h"
#include "util/atomic.h"

#define PROGRESS_HEADER "dnslab-progress"
#define PROGRESS_VERSION "1"
/* Far more than four sessions will ever record; a bigger file is not ours. */
#define PROGRESS_MAX_BYTES (4u << 20)
#define PROGRESS_MAX_ID 128

struct done_rec {
	char *session, *exercise;
	time_t t;
};

struct cur_rec {
	char *session, *exercise;
};

struct progress {
	struct done_rec *done; /* in the order they were done */
	size_t ndone, capdone;
	struct cur_rec *cur;   /* at most one per session */
	size_t ncur, capcur;
};

const char *progress_path(const char *workdir, char *buf, size_t len)
{
	if (workdir && *workdir) {
		snprintf(buf, len, "%s/progress", workdir);
		return buf;
	}
	char dir[PATH_MAX];
	paths_statedir(dir, sizeof dir);
	snprintf(buf, len, "%s/progress", dir);
	return buf;
}

struct progress *progress_new(void)
{
	return calloc(1, sizeof(struct progress));
}

void progress_free(struct progress *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->ndone; i++) {
		free(p->done[i].session);
		free(p->done[i].exercise);
	}
	for (size_t i = 0; i < p->ncur; i++) {
		free(p->cur[i].session);
		free(p->cur[i].exercise);
	}
	free(p->done);
	free(p->cur);
	free(p);
}

/* Ids go into a space-separated line: anything else would corrupt it. */
static bool valid_id(const char *s)
{
	size_t n = 0;
	if (!s || !*s)
		return false;
	for (; s[n]; n++) {
		char c = s[n];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
			  c == '_';
		if (!ok || n >= PROGRESS_MAX_ID)
			return false;
	}
	return true;
}

static struct done_rec *find_done(const struct progress *p, const char *session, const char *exercise)
{
	for (size_t i = 0; i < p->ndone; i++)
		if (!strcmp(p->done[i].session, session) && !strcmp(p->done[i].exercise, exercise))
			return &p->done[i];
	return NULL;
}

static struct cur_rec *find_cur(const struct progress *p, const char *session)
{
	for (size_t i = 0; i < p->ncur; i++)
		if (!strcmp(p->cur[i].session, session))
			return &p->cur[i];
	return NULL;
}

bool progress_done(const struct progress *p, const char *session, const char *exercise)
{
	return p && session && exercise && find_done(p, session, exercise);
}

time_t progress_done_time(const struct progress *p, const char *session, const char *exercise)
{
	const struct done_rec *d = p && session && exercise ? find_done(p, session, exercise) : NULL;
	return d ? d->t : 0;
}

int progress_mark(struct progress *p, const char *session, const char *exercise, time_t t)
{
	if (!valid_id(session) || !valid_id(exercise))
		return DL_ERR_INPUT;
	if (find_done(p, session, exercise))
		return 0;
	if (p->ndone == p->capdone) {
		size_t cap = p->capdone ? p->capdone * 2 : 16;
		struct done_rec *d = realloc(p->done, cap * sizeof *d);
		if (!d)
			return DL_ERR_NOMEM;
		p->done = d;
		p->capdone = cap;
	}
	struct done_rec *r = &p->done[p->ndone];
	r->session = strdup(session);
	r->exercise = strdup(exercise);
	r->t = t;
	if (!r->session || !r->exercise) {
		free(r->session);
		free(r->exercise);
		return DL_ERR_NOMEM;
	}
	p->ndone++;
	return 0;
}

size_t progress_count(const struct progress *p, const char *session)
{
	size_t n = 0;
	for (size_t i = 0; p && session && i < p->ndone; i++)
		n += !strcmp(p->done[i].session, session);
	return n;
}

const char *progress_current(const struct progress *p, const char *session)
{
	const struct cur_rec *c = p && session ? find_cur(p, session) : NULL;
	return c ? c->exercise : NULL;
}

static void drop_cur(struct progress *p, struct cur_rec *c)
{
	free(c->session);
	free(c->exercise);
	size_t i = (size_t)(c - p->cur);
	memmove(c, c + 1, (p->ncur - i - 1) * sizeof *c);
	p->ncur--;
}

int progress_set_current(struct progress *p, const char *session, const char *exercise)
{
	if (!valid_id(session) || (exercise && !valid_id(exercise)))
		return DL_ERR_INPUT;
	struct cur_rec *c = find_cur(p, session);
	if (!exercise) {
		if (c)
			drop_cur(p, c);
		return 0;
	}
	char *ex = strdup(exercise);
	if (!ex)
		return DL_ERR_NOMEM;
	if (c) {
		free(c->exercise);
		c->exercise = ex;
		return 0;
	}
	if (p->ncur == p->capcur) {
		size_t cap = p->capcur ? p->capcur * 2 : 4;
		struct cur_rec *n = realloc(p->cur, cap * sizeof *n);
		if (!n) {
			free(ex);
			return DL_ERR_NOMEM;
		}
		p->cur = n;
		p->capcur = cap;
	}
	char *s = strdup(session);
	if (!s) {
		free(ex);
		return DL_ERR_NOMEM;
	}
	p->cur[p->ncur++] = (struct cur_rec){ s, ex };
	return 0;
}

size_t progress_clear(struct progress *p, const char *session)
{
	size_t cleared = 0, keep = 0;
	for (size_t i = 0; i < p->ndone; i++) {
		if (!session || !strcmp(p->done[i].session, session)) {
			free(p->done[i].session);
			free(p->done[i].exercise);
			cleared++;
		} else {
			p->done[keep++] = p->done[i];
		}
	}
	p->ndone = keep;
	keep = 0;
	for (size_t i = 0; i < p->ncur; i++) {
		if (!session || !strcmp(p->cur[i].session, session)) {
			free(p->cur[i].session);
			free(p->cur[i].exercise);
		} else {
			p->cur[keep++] = p->cur[i];
		}
	}
	p->ncur = keep;
	return cleared;
}

bool progress_any(const struct progress *p, const char *session)
{
	if (!session)
		return p->ndone || p->ncur;
	return progress_count(p, session) || find_cur(p, session);
}

/* ---- reading ---------------------------------------------------------- */

/* At most 40 bytes of a token for a message, with anything that is not
 * printable ASCII as '?': the file may be any binary, the message goes to a
 * terminal. */
static const char *shown(const char *tok, char *buf, size_t len)
{
	size_t i = 0;
	for (; tok[i] && i < 40 && i + 1 < len; i++)
		buf[i] = tok[i] >= 0x20 && tok[i] < 0x7f ? tok[i] : '?';
	buf[i] = '\0';
	return buf;
}

/* Parse the file's text (NUL-terminated, len bytes, modified in place) into
 * p.  0; 1 when it is corrupt, with the line of the first problem and why;
 * or DL_ERR_NOMEM. */
static int parse(char *text, size_t len, struct progress *p, char *why, size_t whylen, int *err_line)
{
	bool header = false;
	int line = 0;
	char tok[48];
	char *s = text, *end = text + len;
	if (len && end[-1] != '\n') {
		/* What a torn write would leave; atomic saves never do. */
		for (char *q = text; q < end; q++)
			line += *q == '\n';
		*err_line = line + 1;
		snprintf(why, whylen, "the last line is cut short (no newline at the end)");
		return 1;
	}
	while (s < end) {
		char *nl = memchr(s, '\n', (size_t)(end - s));
		*nl = '\0';
		line++;
		*err_line = line;
		if (strlen(s) != (size_t)(nl - s)) {
			snprintf(why, whylen, "a NUL byte: this is not a text file");
			return 1;
		}
		char *f[5], *save = NULL;
		int nf = 0;
		for (char *t = strtok_r(s, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
			if (nf < 5)
				f[nf++] = t;
			else
				nf = 6;
		s = nl + 1;
		if (nf == 0 || f[0][0] == '#')
			continue;
		if (!header) {
			if (strcmp(f[0], PROGRESS_HEADER) != 0) {
				snprintf(why, whylen, "expected '%s %s' first, found '%s'", PROGRESS_HEADER,
					 PROGRESS_VERSION, shown(f[0], tok, sizeof tok));
				return 1;
			}
			if (nf != 2 || strcmp(f[1], PROGRESS_VERSION) != 0) {
				snprintf(why, whylen, "format '%s' is not one this dnslab reads ('%s %s')",
					 shown(nf >= 2 ? f[1] : "", tok, sizeof tok), PROGRESS_HEADER, PROGRESS_VERSION);
				return 1;
			}
			header = true;
			continue;
		}
		bool done = !strcmp(f[0], "done"), cur = !strcmp(f[0], "current");
		if (!done && !cur) {
			snprintf(why, whylen, "unknown record '%s' (expected done or current)", shown(f[0], tok, sizeof tok));
			return 1;
		}
		if ((done && nf != 4) || (cur && nf != 3)) {
			snprintf(why, whylen, "%s", done ? "expected 'done SESSION EXERCISE TIME'"
							 : "expected 'current SESSION EXERCISE'");
			return 1;
		}
		if (!valid_id(f[1]) || !valid_id(f[2])) {
			snprintf(why, whylen, "'%s' is not a session or exercise id",
				 shown(valid_id(f[1]) ? f[2] : f[1], tok, sizeof tok));
			return 1;
		}
		int rc;
		if (done) {
			char *e = NULL;
			errno = 0;
			long long t = strtoll(f[3], &e, 10);
			if (f[3][0] < '0' || f[3][0] > '9' || *e || errno) {
				snprintf(why, whylen, "'%s' is not a time (seconds since 1970)", shown(f[3], tok, sizeof tok));
				return 1;
			}
			rc = progress_mark(p, f[1], f[2], (time_t)t);
		} else {
			rc = progress_set_current(p, f[1], f[2]);
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* Move path aside to path.corrupt-<UTC time>, never over another copy.
 * The name is written to aside.  0 or -1 with errno. */
static int move_aside(const char *path, char *aside, size_t len)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	for (int n = 1; n < 100; n++) {
		if (n == 1)
			snprintf(aside, len, "%s.corrupt-%s", path, stamp);
		else
			snprintf(aside, len, "%s.corrupt-%s-%d", path, stamp, n);
		/* link() refuses to replace an existing copy, where rename would
		 * overwrite it; fall back to rename where links are unsupported. */
		if (link(path, aside) == 0)
			return unlink(path);
		if (errno == EEXIST)
			continue;
		if (access(aside, F_OK) == 0)
			continue;
		return rename(path, aside);
	}
	errno = EEXIST;
	return -1;
}

int progress_load(const char *path, struct progress **out, struct dl_error *err)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			return dl_error_set(err, DL_ERR_ENV, "cannot read the progress file %s: %s", path, strerror(errno));
		*out = progress_new();
		return *out ? 0 : dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return dl_error_set(err, DL_ERR_ENV, "cannot read the progress file %s: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return dl_error_set(err, DL_ERR_ENV, "cannot read the progress file %s: not a regular file", path);
	}
	char why[256] = "";
	int line = 0, rc = 0;
	size_t len = 0;
	char *text = NULL;
	if ((size_t)st.st_size > PROGRESS_MAX_BYTES) {
		line = 1;
		snprintf(why, sizeof why, "larger than %u bytes: not a progress file", PROGRESS_MAX_BYTES);
	} else {
		text = malloc((size_t)st.st_size + 1);
		if (!text) {
			close(fd);
			return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
		}
		/* Read to EOF, not to st_size: the size is only the likely one. */
		for (;;) {
			if (len == (size_t)st.st_size + 1) {
				line = 1;
				snprintf(why, sizeof why, "it grew while being read");
				break;
			}
			ssize_t n = read(fd, text + len, (size_t)st.st_size + 1 - len);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				int e = errno;
				free(text);
				close(fd);
				return dl_error_set(err, DL_ERR_ENV, "cannot read the progress file %s: %s", path,
						    strerror(e));
			}
			if (n == 0)
				break;
			len += (size_t)n;
		}
	}
	close(fd);
	struct progress *p = progress_new();
	if (!p) {
		free(text);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	if (!why[0]) {
		text[len] = '\0';
		rc = parse(text, len, p, why, sizeof why, &line);
		if (rc < 0) {
			free(text);
			progress_free(p);
			return dl_error_set(err, rc, "out of memory");
		}
	}
	free(text);
	if (!why[0]) {
		*out = p;
		return 0;
	}
	/* Corrupt: never use part of it, never let a save overwrite it. */
	progress_clear(p, NULL);
	char aside[PATH_MAX + 64];
	if (move_aside(path, aside, sizeof aside) != 0) {
		int e = errno;
		progress_free(p);
		return dl_error_set(err, DL_ERR_ENV,
				    "%s:%d: %s: the progress file is corrupt, and it cannot be moved aside (%s); "
				    "move it away yourself to start again",
				    path, line, why, strerror(e));
	}
	*out = p;
	return dl_error_set(err, PROGRESS_RECOVERED,
			    "%s:%d: %s: the progress file is corrupt; it was moved to %s (nothing is lost) "
			    "and the lab goes on with no progress",
			    path, line, why, aside);
}

/* ---- writing ---------------------------------------------------------- */

int progress_save(const struct progress *p, const char *path, struct dl_error *err)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (paths_mkdirs(dir) != 0)
			return dl_error_set(err, DL_ERR_ENV, "cannot create %s for the progress file: %s", dir,
					    strerror(errno));
	}
	struct atomic_file a;
	int rc = atomic_open(&a, path, 0600, true, err);
	if (rc)
		return rc;
	fprintf(a.fp, "# dnslab: the exercises done, and where each session was; written by dnslab.\n"
		      "# Records: 'done SESSION EXERCISE UNIX-TIME' and 'current SESSION EXERCISE'.\n"
		      "%s %s\n", PROGRESS_HEADER, PROGRESS_VERSION);
	for (size_t i = 0; i < p->ncur; i++)
		fprintf(a.fp, "current %s %s\n", p->cur[i].session, p->cur[i].exercise);
	for (size_t i = 0; i < p->ndone; i++)
		fprintf(a.fp, "done %s %s %lld\n", p->done[i].session, p->done[i].exercise, (long long)p->done[i].t);
	if (ferror(a.fp)) {
		atomic_abort(&a);
		return dl_error_set(err, DL_ERR_ENV, "cannot write %s: %s", path, strerror(errno));
	}
	return atomic_commit(&a, err);
}
