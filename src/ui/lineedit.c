/* lineedit.c: line input for the lab shell on the libuv loop (see lineedit.h).
 *
 * Three readers, chosen from what the input is:
 *   LE_EDIT    a terminal: libedit's native API in unbuffered mode.  A uv_poll
 *              watches the fd; each time it is readable el_gets() runs one
 *              editing command and returns the line so far, which is whole
 *              when it ends in '\n'.  The terminal stays in libedit's edit
 *              mode (no echo, no canonical input, signals on) from start to
 *              stop, also while paused, so keys typed during a command are
 *              not echoed into its output.
 *   LE_STREAM  a pipe, socket, or a terminal whose output is redirected:
 *              a uv_pipe_t / uv_tty_t read with uv_read_start.
 *   LE_FILE    a regular file or character device (/dev/null): uv_pipe cannot
 *              open those, so uv_fs_read reads chunks on the thread pool.
 * The two scripted readers share one buffer and one splitter: a chunk is cut
 * into lines one at a time, and reading stops while the caller is paused, so
 * a paused shell consumes nothing.
 *
 * libedit reads keys with blocking read()s inside an editing command (the
 * rest of an escape sequence, ^V's argument).  Our read function answers the
 * first read of each command from the byte the poll saw, and waits at most
 * LE_KEY_WAIT_MS for the others, so a lone ESC cannot stall the lab servers
 * for longer than that.  ^R is bound to the non-incremental history search
 * for the same reason: the incremental one reads keys until it is done.
 *
 * Output that arrives while the prompt is on the screen: erase the prompt
 * and partial line (carriage return, cursor up as many rows as the cursor is
 * below the prompt's first row, erase to the end of the screen), print,
 * then EL_REFRESH draws prompt and line again below.  libedit's readline
 * layer has no rl_clear_visible_line(), and its rl_redisplay() pushes a ^R
 * into the input, so neither is used. */
#include "ui/lineedit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include <histedit.h>

#define LE_KEY_WAIT_MS 500
#define LE_CHUNK 65536
#define LE_KEYS_PER_POLL 256

enum le_mode { LE_EDIT, LE_STREAM, LE_FILE };

struct lineedit {
	uv_loop_t *loop;
	enum le_mode mode;
	int fd;       /* the caller's, borrowed */
	int rfd;      /* our dup of fd, or -1 once a libuv handle owns it */
	int fdflags;  /* fd's file status flags at start, put back at stop */
	FILE *out;
	char *prompt;       /* as given, \001 ... \002 around invisible parts */
	char *prompt_el;    /* for libedit: \001 ... \001 */
	char *prompt_plain; /* for echoes: markers removed */
	lineedit_line_fn fn;
	void *arg;

	bool paused, stopping, eof_delivered;
	int in_cb; /* > 0 while the line callback runs */

	/* scripted */
	union {
		uv_handle_t h;
		uv_stream_t s;
		uv_pipe_t pipe;
		uv_tty_t tty;
	} in;
	bool reading; /* uv_read_start in effect */
	uv_fs_t req;
	bool req_busy;
	uv_idle_t kick; /* delivers lines on a later turn of the loop */
	bool eof_seen;
	char *ibuf; /* LE_CHUNK bytes */
	size_t ipos, ilen;
	char line[LINEEDIT_LINE_MAX + 2];
	size_t llen;
	bool overflow;
	unsigned long lineno;

	/* terminal */
	EditLine *el;
	History *hist;
	char *histfile;
	bool hist_warned;
	uv_poll_t poll;
	bool polling;
	uv_signal_t winch, tstp, cont;
	struct termios tio; /* the terminal's modes at start */
	bool have_tio;
	bool shown; /* prompt and partial line are on the screen */
	bool fresh; /* the next prompt starts an empty line */
	bool ed_eof, timed_out;
	int nreads; /* read calls within the current editing command */

	/* output held while the prompt shows, until a newline */
	char *pend;
	size_t plen, pcap;
	FILE *stream;

	int closing; /* handles and requests not yet closed */
	void (*closed)(void *arg);
	void *closed_arg;
};

/* ---- restoring the terminal at exit ---- */

static struct termios saved_tio;
static int saved_tio_fd = -1;

static void lineedit_atexit(void)
{
	if (saved_tio_fd >= 0)
		tcsetattr(saved_tio_fd, TCSANOW, &saved_tio);
}

/* ---- prompts ---- */

static int le_set_prompt_strings(struct lineedit *le, const char *prompt)
{
	size_t n = strlen(prompt);
	char *p = strdup(prompt), *e = malloc(n + 1), *plain = malloc(n + 1);
	if (!p || !e || !plain) {
		free(p);
		free(e);
		free(plain);
		return DL_ERR_NOMEM;
	}
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		e[i] = prompt[i] == '\002' ? '\001' : prompt[i];
		if (prompt[i] != '\001' && prompt[i] != '\002')
			plain[j++] = prompt[i];
	}
	e[n] = '\0';
	plain[j] = '\0';
	free(le->prompt);
	free(le->prompt_el);
	free(le->prompt_plain);
	le->prompt = p;
	le->prompt_el = e;
	le->prompt_plain = plain;
	return 0;
}

static char *lineedit_on_prompt(EditLine *el)
{
	struct lineedit *le = NULL;
	el_get(el, EL_CLIENTDATA, &le);
	return le ? le->prompt_el : "";
}

/* ---- the terminal: where the cursor is, erasing and redrawing ---- */

/* Columns libedit gives wc at column col (it draws controls as ^X). */
static int le_width(wchar_t wc, int col)
{
	if (wc == L'\t')
		return 8 - (col & 7);
	if (wc < 0x20 || wc == 0x7f)
		return 2;
	int w = wcwidth(wc);
	return w < 0 ? 4 : w;
}

static void le_advance(int *row, int *col, int cols, int w)
{
	if (*col + w > cols) {
		(*row)++;
		*col = 0;
	}
	*col += w;
	if (*col >= cols) {
		(*row)++;
		*col = 0;
	}
}

/* Screen row and column, relative to the prompt's first character, of the
 * cursor (or of the end of the line), the way libedit lays them out. */
static void le_where(struct lineedit *le, bool to_end, int *rowp, int *colp)
{
	int cols = 0, row = 0, col = 0;
	if (el_get(le->el, EL_GETTC, "co", &cols, NULL) != 0 || cols <= 0)
		cols = 80;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	bool invisible = false;
	for (const char *p = le->prompt; *p;) {
		if (*p == '\001' || *p == '\002') {
			invisible = *p++ == '\001';
			continue;
		}
		wchar_t wc;
		size_t k = mbrtowc(&wc, p, strlen(p), &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof st);
			wc = (unsigned char)*p;
			k = 1;
		}
		p += k;
		if (!invisible)
			le_advance(&row, &col, cols, le_width(wc, col));
	}
	const LineInfoW *li = el_wline(le->el);
	const wchar_t *stop = to_end ? li->lastchar : li->cursor;
	for (const wchar_t *w = li->buffer; w < stop; w++)
		le_advance(&row, &col, cols, le_width(*w, col));
	*rowp = row;
	*colp = col;
}

/* The terminal's "cursor up" and "clear to end of screen", or false when it
 * lacks them (TERM=dumb) or editing is off. */
static bool le_caps(struct lineedit *le, const char **up, const char **cd)
{
	int on = 0;
	*up = *cd = NULL;
	if (el_get(le->el, EL_EDITMODE, &on) != 0 || !on)
		return false;
	el_get(le->el, EL_GETTC, "up", up, NULL);
	el_get(le->el, EL_GETTC, "cd", cd, NULL);
	return *up && **up && *cd && **cd;
}

/* Take prompt and partial line off the screen, leaving the cursor where
 * the prompt began.  Without the capabilities for it, go to a new line
 * instead (and leave them). */
static void le_erase(struct lineedit *le)
{
	const char *up, *cd;
	if (!le_caps(le, &up, &cd)) {
		fputc('\n', le->out);
	} else {
		int row, col;
		le_where(le, false, &row, &col);
		fputc('\r', le->out);
		while (row-- > 0)
			fputs(up, le->out);
		fputs(cd, le->out);
	}
	fflush(le->out);
}

static void le_flush_pending(struct lineedit *le)
{
	if (le->plen) {
		fwrite(le->pend, 1, le->plen, le->out);
		le->plen = 0;
	}
	fflush(le->out);
}

/* The prompt is no longer on the screen (erased, or the line was entered). */
static void le_unshow(struct lineedit *le)
{
	le->shown = false;
	le_flush_pending(le);
}

static void le_poll(struct lineedit *le, bool on);

/* Put the prompt (and the partial line unless fresh) on the screen, with the
 * cursor at the start of an empty screen line. */
static void le_show(struct lineedit *le)
{
	if (le->fresh) {
		el_reset(le->el); /* an empty line, history position reset */
		el_set(le->el, EL_PREP_TERM, 1);
		el_resize(le->el);
		le->fresh = false;
	}
	el_set(le->el, EL_REFRESH);
	le->shown = true;
	le_poll(le, true);
}

/* ---- output ---- */

static void le_emit(struct lineedit *le, const char *s, size_t n)
{
	if (!le->shown) {
		le_flush_pending(le);
		fwrite(s, 1, n, le->out);
		fflush(le->out);
		return;
	}
	if (le->plen + n > le->pcap) {
		size_t cap = le->pcap ? le->pcap : 256;
		while (cap < le->plen + n)
			cap *= 2;
		char *p = realloc(le->pend, cap);
		if (!p) { /* print it anyway, garbled, rather than lose it */
			fwrite(s, 1, n, le->out);
			fflush(le->out);
			return;
		}
		le->pend = p;
		le->pcap = cap;
	}
	memcpy(le->pend + le->plen, s, n);
	le->plen += n;
	size_t whole = le->plen;
	while (whole > 0 && le->pend[whole - 1] != '\n')
		whole--;
	if (!whole)
		return;
	le_erase(le);
	fwrite(le->pend, 1, whole, le->out);
	memmove(le->pend, le->pend + whole, le->plen - whole);
	le->plen -= whole;
	le_show(le);
}

void lineedit_printf(struct lineedit *le, const char *fmt, ...)
{
	char small[512], *s = small;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof small) {
		if (!(s = malloc((size_t)n + 1)))
			return;
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	le_emit(le, s, (size_t)n);
	if (s != small)
		free(s);
}

static ssize_t lineedit_on_stream_write(void *cookie, const char *buf, size_t n)
{
	le_emit(cookie, buf, n);
	return (ssize_t)n;
}

FILE *lineedit_stream(struct lineedit *le)
{
	if (!le->stream) {
		cookie_io_functions_t io = { .write = lineedit_on_stream_write };
		le->stream = fopencookie(le, "w", io);
		if (le->stream)
			setvbuf(le->stream, NULL, _IOLBF, BUFSIZ);
	}
	return le->stream;
}

/* ---- delivering lines ---- */

static void le_deliver(struct lineedit *le, const char *line)
{
	if (!line)
		le->eof_delivered = true;
	le->in_cb++;
	le->fn(le->arg, line);
	le->in_cb--;
}

static void le_note_cut(struct lineedit *le, size_t len)
{
	fprintf(stderr, "dnslab: input line %lu has %s%zu bytes; only its first %d are used\n", le->lineno,
		le->overflow ? "more than " : "", len, LINEEDIT_LINE_MAX);
}

/* ---- the terminal: libedit ---- */

static int lineedit_on_getc(EditLine *el, wchar_t *wc)
{
	struct lineedit *le = NULL;
	el_get(el, EL_CLIENTDATA, &le);
	char b[MB_LEN_MAX];
	size_t n = 0;
	for (;;) {
		if (le->nreads++ > 0) {
			/* The rest of a key sequence, or a key a command waits for. */
			struct pollfd pfd = { .fd = le->rfd, .events = POLLIN };
			int r = poll(&pfd, 1, LE_KEY_WAIT_MS);
			if (r < 0 && errno == EINTR)
				continue;
			if (r == 0) {
				le->timed_out = true;
				errno = EAGAIN;
				return -1;
			}
		}
		ssize_t r = read(le->rfd, b + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			le->timed_out = true;
			return -1;
		}
		if (r <= 0) { /* end of file, or the terminal hung up */
			le->ed_eof = true;
			return r == 0 ? 0 : -1;
		}
		n++;
		mbstate_t st;
		memset(&st, 0, sizeof st);
		size_t k = mbrtowc(wc, b, n, &st);
		if (k == (size_t)-2 && n < sizeof b)
			continue;
		if (k == (size_t)-1 || k == (size_t)-2) {
			/* Not a character in this locale: drop it. */
			errno = EILSEQ;
			return -1;
		}
		return 1;
	}
}

static void le_history_save(struct lineedit *le)
{
	if (!le->histfile)
		return;
	size_t n = strlen(le->histfile) + 16;
	char *tmp = malloc(n);
	int fd = -1, rc = -1;
	if (tmp) {
		snprintf(tmp, n, "%s.XXXXXX", le->histfile);
		fd = mkstemp(tmp);
	}
	if (fd >= 0) {
		FILE *f = fdopen(fd, "w");
		HistEvent ev;
		if (f) {
			rc = history(le->hist, &ev, H_SAVE_FP, f) < 0 ? -1 : 0;
			if (fclose(f) != 0)
				rc = -1;
		} else {
			close(fd);
		}
		if (rc == 0)
			rc = rename(tmp, le->histfile);
		if (rc != 0) {
			int e = errno;
			unlink(tmp);
			errno = e;
		}
	}
	if (rc != 0 && !le->hist_warned) {
		le->hist_warned = true;
		fprintf(stderr, "dnslab: cannot save the command history in %s: %s (it is kept for this session only)\n",
			le->histfile, strerror(errno));
	}
	free(tmp);
}

static void le_edit_eof(struct lineedit *le)
{
	if (le->shown)
		fputc('\n', le->out);
	le_unshow(le);
	le_poll(le, false);
	le_deliver(le, NULL);
}

static void le_edit_line(struct lineedit *le, const char *buf, size_t len)
{
	le->lineno++;
	if (len > LINEEDIT_LINE_MAX) {
		le_note_cut(le, len);
		len = LINEEDIT_LINE_MAX;
	}
	memcpy(le->line, buf, len);
	le->line[len] = '\0';
	if (le->line[strspn(le->line, " \t")]) {
		HistEvent ev;
		history(le->hist, &ev, H_ENTER, le->line);
		le_history_save(le);
	}
	/* libedit has moved to a new screen line. */
	le->fresh = true;
	le_unshow(le);
	le_deliver(le, le->line);
	if (le->stopping)
		return;
	if (le->paused)
		le_poll(le, false);
	else
		le_show(le);
}

/* One editing command: a key, or a key sequence. */
static void le_edit_step(struct lineedit *le)
{
	int n = 0;
	le->nreads = 0;
	le->timed_out = false;
	const char *buf = el_gets(le->el, &n);
	if (le->ed_eof) {
		le_edit_eof(le);
		return;
	}
	if (!buf || n <= 0)
		return;
	if (le->timed_out && buf[n - 1] == '\004') {
		/* A command gave up waiting for its key and called it end of file:
		 * libedit appended ^D and went to the line below.  Take the ^D
		 * back, and redraw the line where it was. */
		el_deletestr(le->el, 1);
		const char *up, *cd;
		if (le_caps(le, &up, &cd)) {
			int row, col;
			le_where(le, true, &row, &col);
			fputc('\r', le->out);
			for (int i = 0; i <= row; i++)
				fputs(up, le->out);
			fputs(cd, le->out);
		}
		el_set(le->el, EL_REFRESH);
		return;
	}
	if (buf[n - 1] == '\n')
		le_edit_line(le, buf, (size_t)n - 1);
	else if (n == 1 && buf[0] == '\004') /* ^D on an empty line */
		le_edit_eof(le);
}

static bool le_readable_now(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	return poll(&pfd, 1, 0) > 0;
}

static void lineedit_on_poll(uv_poll_t *h, int status, int events)
{
	struct lineedit *le = h->data;
	if (status < 0)
		le->ed_eof = true;
	for (int i = 0; i < LE_KEYS_PER_POLL && le->shown && !le->paused && !le->stopping; i++) {
		if (le->ed_eof) {
			le_edit_eof(le);
			break;
		}
		le_edit_step(le);
		if (!le_readable_now(le->rfd))
			break;
	}
}

static void le_poll(struct lineedit *le, bool on)
{
	if (le->mode != LE_EDIT || le->stopping || on == le->polling)
		return;
	if (on && uv_poll_start(&le->poll, UV_READABLE, lineedit_on_poll) != 0)
		return;
	if (!on)
		uv_poll_stop(&le->poll);
	le->polling = on;
}

static void lineedit_on_winch(uv_signal_t *h, int signum)
{
	struct lineedit *le = h->data;
	el_resize(le->el);
}

/* Ctrl-Z: give the terminal back in its normal modes, then stop for real. */
static void lineedit_on_tstp(uv_signal_t *h, int signum)
{
	struct lineedit *le = h->data;
	el_set(le->el, EL_PREP_TERM, 0);
	uv_signal_stop(&le->tstp); /* SIGTSTP's default action again */
	raise(SIGTSTP);
	uv_signal_start(&le->tstp, lineedit_on_tstp, SIGTSTP);
	/* lineedit_on_cont takes it from here. */
}

static void lineedit_on_cont(uv_signal_t *h, int signum)
{
	struct lineedit *le = h->data;
	/* The shell may have changed the modes meanwhile: through cooked mode,
	 * so that libedit reads them again, back to edit mode. */
	el_set(le->el, EL_PREP_TERM, 0);
	el_set(le->el, EL_PREP_TERM, 1);
	el_resize(le->el);
	if (le->shown)
		el_set(le->el, EL_REFRESH);
}

static int le_start_edit(struct lineedit *le, const char *history_file, struct dl_error *err)
{
	if (history_file && !(le->histfile = strdup(history_file)))
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	if (tcgetattr(le->rfd, &le->tio) == 0) {
		static bool registered;
		le->have_tio = true;
		if (!registered)
			registered = atexit(lineedit_atexit) == 0;
		saved_tio = le->tio;
		saved_tio_fd = le->fd;
	}
	le->el = el_init_fd("dnslab", stdin, le->out, stderr, le->rfd, fileno(le->out), STDERR_FILENO);
	le->hist = history_init();
	if (!le->el || !le->hist)
		return dl_error_set(err, DL_ERR_NOMEM, "cannot set up line editing (libedit): out of memory");
	HistEvent ev;
	history(le->hist, &ev, H_SETSIZE, LINEEDIT_HISTORY_MAX);
	history(le->hist, &ev, H_SETUNIQUE, 1);
	if (le->histfile)
		history(le->hist, &ev, H_LOAD, le->histfile); /* absent the first time */
	el_set(le->el, EL_CLIENTDATA, le);
	el_set(le->el, EL_EDITOR, "emacs");
	el_set(le->el, EL_SIGNAL, 0);
	el_set(le->el, EL_HIST, history, le->hist);
	el_set(le->el, EL_PROMPT_ESC, lineedit_on_prompt, '\001');
	el_set(le->el, EL_GETCFN, lineedit_on_getc);
	/* The keys people expect from readline; ^R searches the history for the
	 * line typed so far without waiting for more keys (see the top). */
	el_set(le->el, EL_BIND, "^R", "ed-search-prev-history", NULL);
	el_set(le->el, EL_BIND, "\\e[1~", "ed-move-to-beg", NULL);
	el_set(le->el, EL_BIND, "\\e[4~", "ed-move-to-end", NULL);
	el_set(le->el, EL_BIND, "\\e[H", "ed-move-to-beg", NULL);
	el_set(le->el, EL_BIND, "\\e[F", "ed-move-to-end", NULL);
	el_set(le->el, EL_BIND, "\\e[3~", "ed-delete-next-char", NULL);
	el_set(le->el, EL_BIND, "\\e[1;5C", "em-next-word", NULL);
	el_set(le->el, EL_BIND, "\\e[1;5D", "ed-prev-word", NULL);
	el_source(le->el, NULL); /* ~/.editrc, e.g. "bind -v" for vi keys */
	/* A terminal with echo off (Emacs' shell buffer) edits for itself:
	 * read plain lines then, as libedit's readline layer does. */
	struct termios tio;
	if (tcgetattr(le->rfd, &tio) == 0 && !(tio.c_lflag & ECHO))
		el_set(le->el, EL_EDITMODE, 0);

	int rc = uv_poll_init(le->loop, &le->poll, le->rfd);
	if (rc != 0)
		return dl_error_set(err, DL_ERR_ENV, "cannot watch the terminal for input: %s", uv_strerror(rc));
	le->poll.data = le;
	/* uv_poll_init made the fd non-blocking, and on a terminal that open
	 * file is shared with stdout: a full terminal would then lose output. */
	fcntl(le->rfd, F_SETFL, le->fdflags & ~O_NONBLOCK);
	uv_signal_t *sigs[] = { &le->winch, &le->tstp, &le->cont };
	int signums[] = { SIGWINCH, SIGTSTP, SIGCONT };
	uv_signal_cb cbs[] = { lineedit_on_winch, lineedit_on_tstp, lineedit_on_cont };
	for (int i = 0; i < 3; i++) {
		struct sigaction sa;
		if (sigaction(signums[i], NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
			continue; /* e.g. no job control: Ctrl-Z must not stop us */
		uv_signal_init(le->loop, sigs[i]);
		sigs[i]->data = le;
		uv_signal_start(sigs[i], cbs[i], signums[i]);
		uv_unref((uv_handle_t *)sigs[i]);
	}
	el_set(le->el, EL_UNBUFFERED, 1); /* edit mode on, prompt drawn */
	le->shown = true;
	le_poll(le, true);
	return 0;
}

/* ---- scripted: pipes, files ---- */

static void le_more(struct lineedit *le);
static void lineedit_on_kick(uv_idle_t *h);

/* Move bytes from the chunk into le->line; true at a newline. */
static bool le_scan(struct lineedit *le)
{
	while (le->ipos < le->ilen) {
		char c = le->ibuf[le->ipos++];
		if (c == '\n')
			return true;
		if (le->llen < LINEEDIT_LINE_MAX + 1)
			le->line[le->llen++] = c;
		else
			le->overflow = true;
	}
	return false;
}

static void le_scripted_line(struct lineedit *le)
{
	size_t len = le->llen;
	le->lineno++;
	if (!le->overflow && len && le->line[len - 1] == '\r')
		len--;
	if (le->overflow || len > LINEEDIT_LINE_MAX) {
		le_note_cut(le, len);
		len = LINEEDIT_LINE_MAX;
	}
	le->line[len] = '\0';
	le->llen = 0;
	le->overflow = false;
	fprintf(le->out, "%s%s\n", le->prompt_plain, le->line);
	fflush(le->out);
	le_deliver(le, le->line);
}

/* Deliver what is buffered, one line at a time, until paused or short of
 * input; then ask for more, or stop reading while paused. */
static void le_pump(struct lineedit *le)
{
	while (!le->paused && !le->stopping && !le->eof_delivered) {
		if (le_scan(le)) {
			le_scripted_line(le);
		} else if (le->eof_seen) {
			if (le->llen || le->overflow)
				le_scripted_line(le); /* the last line had no newline */
			else
				le_deliver(le, NULL);
		} else {
			le_more(le);
			return;
		}
	}
	if (le->reading && !le->stopping) {
		uv_read_stop(&le->in.s);
		le->reading = false;
	}
}

static void lineedit_on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct lineedit *le = h->data;
	/* Only an empty chunk is refilled (le_pump stops reading otherwise). */
	*buf = uv_buf_init(le->ibuf, le->ipos < le->ilen ? 0 : LE_CHUNK);
}

static void le_read_failed(struct lineedit *le, int status)
{
	if (status != UV_EOF)
		fprintf(stderr, "dnslab: reading the commands: %s; taking it as the end of input\n",
			uv_strerror(status));
	le->eof_seen = true;
}

static void lineedit_on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct lineedit *le = s->data;
	if (n == 0 || n == UV_ENOBUFS)
		return;
	if (n < 0) {
		uv_read_stop(s);
		le->reading = false;
		le_read_failed(le, (int)n);
	} else {
		le->ipos = 0;
		le->ilen = (size_t)n;
	}
	le_pump(le);
}

static void le_closed_one(struct lineedit *le);

static void lineedit_on_fs_read(uv_fs_t *req)
{
	struct lineedit *le = req->data;
	ssize_t n = req->result;
	uv_fs_req_cleanup(req);
	le->req_busy = false;
	if (le->stopping) {
		le_closed_one(le);
		return;
	}
	if (n > 0) {
		le->ipos = 0;
		le->ilen = (size_t)n;
	} else {
		le_read_failed(le, n == 0 ? UV_EOF : (int)n);
	}
	le_pump(le);
}

static void le_more(struct lineedit *le)
{
	int rc = 0;
	if (le->mode == LE_STREAM && !le->reading) {
		rc = uv_read_start(&le->in.s, lineedit_on_alloc, lineedit_on_read);
		le->reading = rc == 0;
	} else if (le->mode == LE_FILE && !le->req_busy) {
		uv_buf_t b = uv_buf_init(le->ibuf, LE_CHUNK);
		le->req.data = le;
		rc = uv_fs_read(le->loop, &le->req, le->rfd, &b, 1, -1, lineedit_on_fs_read);
		le->req_busy = rc == 0;
	}
	if (rc != 0) { /* deliver what is left, then the end, on the next turn */
		le_read_failed(le, rc);
		uv_idle_start(&le->kick, lineedit_on_kick);
	}
}

static void lineedit_on_kick(uv_idle_t *h)
{
	struct lineedit *le = h->data;
	uv_idle_stop(h);
	if (!le->stopping)
		le_pump(le);
}

static int le_start_scripted(struct lineedit *le, uv_handle_type t, struct dl_error *err)
{
	if (!(le->ibuf = malloc(LE_CHUNK)))
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	if (le->mode != LE_STREAM)
		return 0;
	int rc;
	if (t == UV_TTY)
		rc = uv_tty_init(le->loop, &le->in.tty, le->rfd, 1);
	else if ((rc = uv_pipe_init(le->loop, &le->in.pipe, 0)) == 0)
		rc = uv_pipe_open(&le->in.pipe, le->rfd);
	le->in.h.data = le;
	if (rc != 0)
		return dl_error_set(err, DL_ERR_ENV, "cannot read the commands from standard input: %s",
				    uv_strerror(rc));
	/* uv_pipe_open takes the fd, and libuv closes it with the handle;
	 * uv_tty_init usually opens the terminal afresh and keeps that one. */
	uv_os_fd_t hfd = -1;
	if (uv_fileno(&le->in.h, &hfd) == 0 && hfd == le->rfd)
		le->rfd = -1;
	return 0;
}

/* ---- starting and stopping ---- */

int lineedit_start_fd(struct lineedit **out, uv_loop_t *loop, int fd, FILE *output, const char *prompt,
		      const char *history_file, lineedit_line_fn fn, void *arg, struct dl_error *err)
{
	*out = NULL;
	uv_handle_type t = uv_guess_handle(fd);
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0 || t == UV_UNKNOWN_HANDLE || t == UV_UDP)
		return dl_error_set(err, DL_ERR_ENV, "cannot read the commands: file descriptor %d is %s", fd,
				    flags < 0 ? "not open" : "not a terminal, pipe or file");
	struct lineedit *le = calloc(1, sizeof *le);
	if (!le)
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	le->loop = loop;
	le->fd = fd;
	le->fdflags = flags;
	le->out = output;
	le->fn = fn;
	le->arg = arg;
	if (t == UV_TTY && isatty(fileno(output)))
		le->mode = LE_EDIT;
	else if (t == UV_FILE)
		le->mode = LE_FILE;
	else
		le->mode = LE_STREAM;
	int rc = le_set_prompt_strings(le, prompt ? prompt : "");
	if (rc != 0) {
		free(le);
		return dl_error_set(err, rc, "out of memory");
	}
	le->rfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (le->rfd < 0) {
		rc = dl_error_set(err, DL_ERR_ENV, "cannot read the commands: %s", strerror(errno));
		goto fail;
	}
	uv_idle_init(loop, &le->kick);
	le->kick.data = le;
	rc = le->mode == LE_EDIT ? le_start_edit(le, history_file, err) : le_start_scripted(le, t, err);
	if (rc != 0)
		goto fail;
	if (le->mode != LE_EDIT)
		uv_idle_start(&le->kick, lineedit_on_kick);
	*out = le;
	return 0;
fail:
	lineedit_stop(le, NULL, NULL); /* the caller's next uv_run frees it */
	return rc;
}

int lineedit_start(struct lineedit **out, uv_loop_t *loop, const char *prompt, const char *history_file,
		   lineedit_line_fn fn, void *arg, struct dl_error *err)
{
	return lineedit_start_fd(out, loop, STDIN_FILENO, stdout, prompt, history_file, fn, arg, err);
}

static void le_free(struct lineedit *le)
{
	if (le->stream) {
		FILE *s = le->stream;
		le->stream = NULL;
		fclose(s); /* its last write lands in le_emit, le->shown is false */
	}
	le_flush_pending(le);
	if (le->rfd >= 0)
		close(le->rfd);
	fcntl(le->fd, F_SETFL, le->fdflags);
	void (*closed)(void *) = le->closed;
	void *arg = le->closed_arg;
	free(le->prompt);
	free(le->prompt_el);
	free(le->prompt_plain);
	free(le->histfile);
	free(le->ibuf);
	free(le->pend);
	free(le);
	if (closed)
		closed(arg);
}

static void le_closed_one(struct lineedit *le)
{
	if (--le->closing == 0)
		le_free(le);
}

static void lineedit_on_close(uv_handle_t *h)
{
	le_closed_one(h->data);
}

static void le_close(struct lineedit *le, uv_handle_t *h)
{
	if (!h->loop || uv_is_closing(h))
		return;
	h->data = le;
	le->closing++;
	uv_close(h, lineedit_on_close);
}

void lineedit_stop(struct lineedit *le, void (*closed)(void *arg), void *arg)
{
	if (!le || le->stopping)
		return;
	le->closed = closed;
	le->closed_arg = arg;
	le->closing = 1; /* held until the end of this function */
	if (le->mode == LE_EDIT && le->el) {
		if (le->shown)
			le_erase(le);
		le_unshow(le);
		if (le->polling)
			uv_poll_stop(&le->poll);
		le->polling = false;
	}
	le->stopping = true;
	if (le->el) {
		/* el_end would put the terminal back with TCSAFLUSH, throwing away
		 * what was typed after "quit" for the shell: with editing off it
		 * leaves the terminal alone, and we drain instead of flushing. */
		el_set(le->el, EL_EDITMODE, 0);
		el_end(le->el);
		le->el = NULL;
	}
	if (le->have_tio) {
		tcsetattr(le->rfd, TCSADRAIN, &le->tio);
		if (saved_tio_fd == le->fd)
			saved_tio_fd = -1;
	}
	if (le->hist) {
		history_end(le->hist);
		le->hist = NULL;
	}
	le_close(le, (uv_handle_t *)&le->kick);
	if (le->mode == LE_EDIT) {
		le_close(le, (uv_handle_t *)&le->poll);
		le_close(le, (uv_handle_t *)&le->winch);
		le_close(le, (uv_handle_t *)&le->tstp);
		le_close(le, (uv_handle_t *)&le->cont);
	} else if (le->mode == LE_STREAM) {
		le_close(le, &le->in.h);
	}
	if (le->req_busy) {
		le->closing++; /* lineedit_on_fs_read releases it */
		uv_cancel((uv_req_t *)&le->req);
	}
	le_closed_one(le);
}

/* ---- the rest of the API ---- */

bool lineedit_interactive(const struct lineedit *le)
{
	return le->mode == LE_EDIT;
}

void lineedit_set_prompt(struct lineedit *le, const char *prompt)
{
	bool redraw = le->shown;
	if (redraw)
		le_erase(le);
	le_set_prompt_strings(le, prompt ? prompt : "");
	if (redraw)
		el_set(le->el, EL_REFRESH);
}

void lineedit_pause(struct lineedit *le)
{
	if (le->paused || le->stopping)
		return;
	le->paused = true;
	if (le->mode == LE_EDIT) {
		if (le->shown) {
			le_erase(le);
			le_unshow(le);
		}
		le_poll(le, false);
	} else if (le->reading) {
		uv_read_stop(&le->in.s);
		le->reading = false;
	}
}

void lineedit_resume(struct lineedit *le)
{
	if (!le->paused || le->stopping)
		return;
	le->paused = false;
	if (le->eof_delivered)
		return;
	if (le->mode == LE_EDIT) {
		if (!le->in_cb) /* otherwise le_edit_line shows it on return */
			le_show(le);
	} else {
		uv_idle_start(&le->kick, lineedit_on_kick);
	}
}

bool lineedit_on_interrupt(struct lineedit *le)
{
	if (le->mode != LE_EDIT || !le->shown || le->paused || le->stopping)
		return false;
	/* Draw the abandoned line again, whole, with ^C at its end, the way
	 * libedit shows it (control characters as ^X). */
	const char *up, *cd;
	if (le_caps(le, &up, &cd)) {
		le_erase(le);
		fputs(le->prompt_plain, le->out);
		const LineInfo *li = el_line(le->el);
		for (const char *c = li->buffer; c < li->lastchar; c++) {
			unsigned char ch = (unsigned char)*c;
			if (ch < 0x20 || ch == 0x7f)
				fprintf(le->out, "^%c", ch == 0x7f ? '?' : ch + 64);
			else
				fputc(ch, le->out);
		}
	}
	fputs("^C\n", le->out);
	le->fresh = true;
	le_unshow(le);
	le_show(le);
	return true;
}
