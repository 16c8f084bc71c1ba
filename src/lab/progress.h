/* progress.h: the student's progress through the sessions: which exercises
 * are done (and when), and the exercise each session was on, so the lab
 * shell reopens there.  Kept in one small text file, written atomically
 * (temporary file, fsync, rename) after each change, so a crash or kill -9
 * leaves the old file or the new one, never half of one.
 *
 * The file (one record a line, '#' comments; ids are letters, digits, - _):
 *
 *   dnslab-progress 1
 *   current dns101 ask-the-root
 *   done dns101 ask-the-resolver 1795596571      (Unix time it was done)
 *
 * A file that does not read as this is corrupt: progress_load reports it
 * (file:line), moves it aside to progress.corrupt-<UTC time> so nothing is
 * lost, and goes on with empty progress. */
#ifndef DNSLAB_PROGRESS_H
#define DNSLAB_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/err.h"

struct progress;

/* progress_load's return value when the file was corrupt and was moved
 * aside: a warning, not an error.  Positive, so it is never a DL_ERR_*. */
#define PROGRESS_RECOVERED 1

/* The progress file: workdir/progress when workdir is given (--workdir),
 * else paths_statedir()/progress.  Written into buf, which is returned. */
const char *progress_path(const char *workdir, char *buf, size_t len);

/* Empty progress; NULL when out of memory.  Free with progress_free. */
struct progress *progress_new(void);
void progress_free(struct progress *p);

/* Read path into *out (caller frees with progress_free).  Returns:
 *   0                   loaded; a missing file is empty progress;
 *   PROGRESS_RECOVERED  the file was corrupt: it was moved aside, *out is
 *                       empty progress, and err->msg (err->code is
 *                       PROGRESS_RECOVERED) says "PATH:LINE: what is wrong;
 *                       moved it to PATH.corrupt-...": print it as a warning
 *                       and go on;
 *   DL_ERR_ENV          the file cannot be read, or is corrupt and cannot be
 *                       moved aside (then nothing may overwrite it); *out
 *                       is NULL;
 *   DL_ERR_NOMEM. */
int progress_load(const char *path, struct progress **out, struct dl_error *err);

/* Write p to path atomically (mode 0600), creating its directory.  0 or
 * DL_ERR_ENV / DL_ERR_NOMEM; on failure the old file is untouched. */
int progress_save(const struct progress *p, const char *path, struct dl_error *err);

/* Is exercise of session done? */
bool progress_done(const struct progress *p, const char *session, const char *exercise);

/* When it was done (Unix time), or 0 when it is not. */
time_t progress_done_time(const struct progress *p, const char *session, const char *exercise);

/* Record exercise of session as done at time t.  Marking it again keeps the
 * first time.  0, DL_ERR_INPUT for an id the file cannot hold (empty, or not
 * letters, digits, - and _), or DL_ERR_NOMEM.  Not saved: progress_save. */
int progress_mark(struct progress *p, const char *session, const char *exercise, time_t t);

/* How many exercises of session are done (as recorded: an id the session no
 * longer has still counts; compare with progress_done to skip those). */
size_t progress_count(const struct progress *p, const char *session);

/* The exercise the student was on in session (borrowed, valid until p
 * changes), or NULL. */
const char *progress_current(const struct progress *p, const char *session);

/* Set it; exercise NULL forgets it.  0, DL_ERR_INPUT (a bad id) or
 * DL_ERR_NOMEM.  Not saved: progress_save. */
int progress_set_current(struct progress *p, const char *session, const char *exercise);

/* Forget the done exercises and the current one of session, or of every
 * session when session is NULL; other sessions are untouched.  Returns how
 * many done exercises were forgotten.  Not saved: progress_save. */
size_t progress_clear(struct progress *p, const char *session);

/* Is there anything recorded for session (any session when NULL)? */
bool progress_any(const struct progress *p, const char *session);

#endif
