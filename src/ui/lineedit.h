/* lineedit.h: the lab shell's input side, one line at a time, on the libuv
 * loop so the lab keeps serving while the student types.
 *
 * On a terminal (input and output both ttys) the line is edited with libedit
 * (emacs keys, ~/.editrc, history kept in a file).  Anything else (a pipe, a
 * regular file, /dev/null, a terminal whose output is redirected) is
 * scripted mode: lines are read as they come, and each one is echoed after
 * the prompt ("dns101 [3/10]> dig ...") so that a transcript reads like a
 * session.
 *
 * The caller drives the pace: lineedit_pause() while a command runs,
 * lineedit_resume() when it is done; the next prompt appears (or the next
 * scripted line is read) only then.  While a prompt is on the screen, print
 * only through lineedit_printf() or lineedit_stream(): anything else written
 * to the terminal lands in the middle of the line being edited.
 *
 * The caller owns the signals: it handles SIGINT (calling
 * lineedit_on_interrupt()) and SIGTERM on the loop, and stops the lineedit
 * before it exits.  On a terminal the lineedit itself watches SIGWINCH,
 * SIGTSTP and SIGCONT, so Ctrl-Z suspends with the terminal restored.
 * Non-ASCII input needs a UTF-8 LC_CTYPE (setlocale(LC_CTYPE, "") in main);
 * in the C locale such characters are dropped. */
#ifndef DNSLAB_LINEEDIT_H
#define DNSLAB_LINEEDIT_H

#include <stdbool.h>
#include <stdio.h>

#include <uv.h>

#include "util/err.h"

/* Longer lines are cut to this many bytes (with a note on stderr). */
#define LINEEDIT_LINE_MAX 4096
/* Lines the history file keeps. */
#define LINEEDIT_HISTORY_MAX 500

struct lineedit;

/* One line without its newline (and without the \r of a CRLF), borrowed for
 * the duration of the call; or NULL, once, at the end of input (Ctrl-D on an
 * empty line, end of file, hang-up).  After NULL no more lines come: call
 * lineedit_stop(). */
typedef void (*lineedit_line_fn)(void *arg, const char *line);

/* Start reading standard input on loop, writing prompts and echoes to
 * stdout.  See lineedit_start_fd(). */
int lineedit_start(struct lineedit **out, uv_loop_t *loop, const char *prompt, const char *history_file,
		   lineedit_line_fn fn, void *arg, struct dl_error *err);

/* Start reading fd (borrowed: it stays open, and its file status flags are
 * restored at stop) on loop, with prompts and echoes on output (borrowed).
 * The first line is read on a later turn of the loop, never inside this call.
 *
 * prompt is copied; bracket non-printing parts such as colour escapes with
 * \001 and \002 (the readline convention) so the width is right.
 * history_file (copied, may be NULL) is used on a terminal only: loaded if
 * it exists, rewritten (mode 0600) after each new non-blank line, keeping
 * the last LINEEDIT_HISTORY_MAX.
 *
 * On a terminal the prompt is shown at once.  If the terminal is not in the
 * foreground, the job stops (SIGTTOU) until it is, like any interactive
 * program.
 *
 * Returns 0 and *out, or a negative DL_ERR_* code with err filled (err may
 * be NULL): DL_ERR_ENV when fd cannot be read, DL_ERR_NOMEM.  On failure
 * *out is NULL, but handles it opened may still be closing: run the loop
 * before uv_loop_close(). */
int lineedit_start_fd(struct lineedit **out, uv_loop_t *loop, int fd, FILE *output, const char *prompt,
		      const char *history_file, lineedit_line_fn fn, void *arg, struct dl_error *err);

/* Change the prompt (copied); on a terminal a prompt on the screen is
 * redrawn with whatever the student has typed so far. */
void lineedit_set_prompt(struct lineedit *le, const char *prompt);

/* Print output that arrives while the student may be typing.  On a terminal
 * with the prompt showing, the prompt and partial line are erased, the text
 * printed, and both redrawn below it; text is printed a whole line at a
 * time, so a piece without a final newline waits for the rest of its line
 * (or for the prompt to go away).  Otherwise it is printed straight away. */
void lineedit_printf(struct lineedit *le, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A FILE that writes through lineedit_printf()'s path, for printers that
 * take a FILE (the wiretap, packet views).  Line buffered.  Owned by le:
 * valid until lineedit_stop()'s closed callback, which closes it. */
FILE *lineedit_stream(struct lineedit *le);

/* True when reading a terminal with line editing. */
bool lineedit_interactive(const struct lineedit *le);

/* Stop taking input: no line is delivered until lineedit_resume().  On a
 * terminal a prompt on the screen is taken away (what was typed is kept)
 * and keys typed meanwhile wait, unechoed, for the next prompt.  In
 * scripted mode lines stay unread, so commands run strictly one after
 * another.  Idempotent (not counted). */
void lineedit_pause(struct lineedit *le);

/* Take input again: on a terminal show the prompt (with any partial line);
 * in scripted mode read the next line.  Lines are delivered on a later turn
 * of the loop, never inside this call.  Safe inside the line callback. */
void lineedit_resume(struct lineedit *le);

/* For the caller's SIGINT handler.  On a terminal with the prompt showing:
 * mark the line abandoned (^C), and show a fresh prompt with an empty line;
 * returns true.  Otherwise (a command is running, scripted mode) does
 * nothing and returns false: the interrupt is the caller's. */
bool lineedit_on_interrupt(struct lineedit *le);

/* Stop reading for good: restores the terminal modes and fd flags, closes
 * the handles and frees le; closed(arg) (closed may be NULL) runs once they
 * are closed, after which the loop may be stopped or closed.  Safe inside
 * the line callback (le stays valid until closed runs).  A second call does
 * nothing. */
void lineedit_stop(struct lineedit *le, void (*closed)(void *arg), void *arg);

#endif
