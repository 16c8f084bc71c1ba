/* test_lineedit.c: unit tests for the lab shell's line input
 * (src/ui/lineedit.c): scripted mode from a pipe, a regular file, /dev/null
 * and a terminal whose output is redirected (lines in order, CRLF, the last
 * line without a newline, end of input once, the echo, pause/resume, long
 * lines, stopping from the callback); and the terminal mode on a
 * pseudo-terminal (editing, history file, output while typing, Ctrl-C,
 * Ctrl-D, pause, the terminal modes given back).
 *
 * Every test runs its own loop to the end and checks uv_loop_close() == 0. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ui/lineedit.h"

/* ---- a recording line callback ---- */

#define MAXLINES 64

struct rec {
	uv_loop_t loop;
	struct lineedit *le;
	char *lines[MAXLINES];
	int nlines, nnull, total;
	char log[1024];
	const char *pause_on; /* pause on this line, resume from a timer */
	const char *stop_on;  /* stop on this line */
	int pause_every;      /* pause on every Nth line (counting all lines) */
	int resume_ms;
	uv_timer_t timer;
	bool closed;
};

static void logf_(struct rec *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct rec *r, const char *fmt, ...)
{
	size_t n = strlen(r->log);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->log + n, sizeof r->log - n, fmt, ap);
	va_end(ap);
}

static void on_closed(void *arg)
{
	struct rec *r = arg;
	r->closed = true;
	uv_close((uv_handle_t *)&r->timer, NULL);
}

static void on_timer(uv_timer_t *t)
{
	struct rec *r = t->data;
	logf_(r, "T;");
	lineedit_resume(r->le);
	logf_(r, "R;"); /* before the next line: resume never delivers inline */
}

static void on_line(void *arg, const char *line)
{
	struct rec *r = arg;
	if (!line) {
		r->nnull++;
		logf_(r, "EOF;");
		lineedit_stop(r->le, on_closed, r);
		return;
	}
	r->total++;
	if (r->nlines < MAXLINES)
		r->lines[r->nlines++] = strdup(line);
	if (strlen(line) < 32)
		logf_(r, "L:%s;", line);
	if (r->stop_on && !strcmp(line, r->stop_on)) {
		lineedit_stop(r->le, on_closed, r);
		lineedit_stop(r->le, on_closed, r); /* a second call does nothing */
		return;
	}
	if ((r->pause_on && !strcmp(line, r->pause_on)) || (r->pause_every && r->total % r->pause_every == 0)) {
		lineedit_pause(r->le);
		uv_timer_start(&r->timer, on_timer, (uint64_t)r->resume_ms, 0);
	}
}

static void rec_init(struct rec *r)
{
	memset(r, 0, sizeof *r);
	assert_int_equal(uv_loop_init(&r->loop), 0);
	uv_timer_init(&r->loop, &r->timer);
	r->timer.data = r;
	r->resume_ms = 30;
}

static void rec_done(struct rec *r)
{
	assert_true(r->closed);
	assert_int_equal(uv_loop_close(&r->loop), 0);
	for (int i = 0; i < r->nlines; i++)
		free(r->lines[i]);
}

/* The whole of f (a tmpfile), malloc'd. */
static char *slurp(FILE *f)
{
	fflush(f);
	long n = ftell(f);
	char *s = malloc((size_t)n + 1);
	rewind(f);
	size_t got = fread(s, 1, (size_t)n, f);
	s[got] = '\0';
	return s;
}

static int temp_file_with(const char *data, size_t len)
{
	char path[] = "/tmp/dnslab-test-lineedit-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* Run a scripted session over fd; output (echo) into *echo (malloc'd). */
static void run_scripted(struct rec *r, int fd, char **echo)
{
	FILE *out = tmpfile();
	assert_non_null(out);
	struct dl_error err = { 0, "" };
	assert_int_equal(lineedit_start_fd(&r->le, &r->loop, fd, out, "t> ", NULL, on_line, r, &err), 0);
	assert_false(lineedit_interactive(r->le));
	assert_int_equal(r->nlines, 0); /* nothing delivered inside start */
	uv_run(&r->loop, UV_RUN_DEFAULT);
	*echo = slurp(out);
	fclose(out);
}

static const char basic_input[] = "first\nsecond\r\n\nlast without newline";
static const char basic_echo[] = "t> first\nt> second\nt> \nt> last without newline\n";

static void check_basic(struct rec *r, const char *echo)
{
	assert_int_equal(r->nlines, 4);
	assert_string_equal(r->lines[0], "first");
	assert_string_equal(r->lines[1], "second");
	assert_string_equal(r->lines[2], "");
	assert_string_equal(r->lines[3], "last without newline");
	assert_int_equal(r->nnull, 1);
	assert_string_equal(echo, basic_echo);
}

/* ---- scripted ---- */

static void test_pipe_lines(void **state)
{
	struct rec r;
	rec_init(&r);
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], basic_input, strlen(basic_input)), (ssize_t)strlen(basic_input));
	close(p[1]);
	char *echo;
	run_scripted(&r, p[0], &echo);
	check_basic(&r, echo);
	/* the fd is the caller's: still open, and blocking again */
	assert_true(fcntl(p[0], F_GETFL) >= 0);
	assert_int_equal(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);
	close(p[0]);
	free(echo);
	rec_done(&r);
}

static void test_file_lines(void **state)
{
	struct rec r;
	rec_init(&r);
	int fd = temp_file_with(basic_input, strlen(basic_input));
	char *echo;
	run_scripted(&r, fd, &echo);
	check_basic(&r, echo);
	assert_true(fcntl(fd, F_GETFL) >= 0);
	close(fd);
	free(echo);
	rec_done(&r);
}

static void test_devnull(void **state)
{
	struct rec r;
	rec_init(&r);
	int fd = open("/dev/null", O_RDONLY);
	assert_true(fd >= 0);
	char *echo;
	run_scripted(&r, fd, &echo);
	assert_int_equal(r.nlines, 0);
	assert_int_equal(r.nnull, 1);
	assert_string_equal(echo, "");
	assert_string_equal(r.log, "EOF;");
	close(fd);
	free(echo);
	rec_done(&r);
}

static void test_empty_lines_and_crlf(void **state)
{
	struct rec r;
	rec_init(&r);
	static const char in[] = "\n\r\n \r\nx\r\r\n";
	int fd = temp_file_with(in, strlen(in));
	char *echo;
	run_scripted(&r, fd, &echo);
	assert_int_equal(r.nlines, 4);
	assert_string_equal(r.lines[0], "");
	assert_string_equal(r.lines[1], "");
	assert_string_equal(r.lines[2], " ");
	assert_string_equal(r.lines[3], "x\r"); /* only the CR of the CRLF goes */
	assert_int_equal(r.nnull, 1);
	close(fd);
	free(echo);
	rec_done(&r);
}

static void check_paused(int fd)
{
	struct rec r;
	rec_init(&r);
	r.pause_on = "a";
	char *echo;
	run_scripted(&r, fd, &echo);
	/* b arrives only after the timer resumed, and not inside resume */
	assert_string_equal(r.log, "L:a;T;R;L:b;L:c;EOF;");
	assert_string_equal(echo, "t> a\nt> b\nt> c\n");
	free(echo);
	rec_done(&r);
}

static void test_pause_resume_pipe(void **state)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "a\nb\nc\n", 6), 6);
	close(p[1]);
	check_paused(p[0]);
	close(p[0]);
}

static void test_pause_resume_file(void **state)
{
	int fd = temp_file_with("a\nb\nc\n", 6);
	check_paused(fd);
	close(fd);
}

/* The end of input waits for a paused command too. */
static void test_pause_before_eof(void **state)
{
	struct rec r;
	rec_init(&r);
	r.pause_on = "c";
	int fd = temp_file_with("a\nb\nc\n", 6);
	char *echo;
	run_scripted(&r, fd, &echo);
	assert_string_equal(r.log, "L:a;L:b;L:c;T;R;EOF;");
	close(fd);
	free(echo);
	rec_done(&r);
}

/* Pause and resume within the callback: nothing is lost or repeated. */
static void on_line_pause_resume(void *arg, const char *line)
{
	struct rec *r = arg;
	if (line) {
		lineedit_pause(r->le);
		lineedit_resume(r->le);
	}
	on_line(arg, line);
}

static void test_pause_resume_inline(void **state)
{
	struct rec r;
	rec_init(&r);
	int fd = temp_file_with("a\nb\nc\n", 6);
	FILE *out = tmpfile();
	assert_int_equal(lineedit_start_fd(&r.le, &r.loop, fd, out, "t> ", NULL, on_line_pause_resume, &r, NULL), 0);
	uv_run(&r.loop, UV_RUN_DEFAULT);
	assert_string_equal(r.log, "L:a;L:b;L:c;EOF;");
	fclose(out);
	close(fd);
	rec_done(&r);
}

/* Lines longer than LINEEDIT_LINE_MAX are cut, with a note on stderr. */
static void test_overlong(void **state)
{
	size_t cap = 3 * 5000 + 100;
	char *in = malloc(cap), *p = in;
	memset(p, 'x', 5000), p += 5000, *p++ = '\n';
	memcpy(p, "ok\n", 3), p += 3;
	memset(p, 'y', LINEEDIT_LINE_MAX), p += LINEEDIT_LINE_MAX; /* exactly the limit, CRLF */
	*p++ = '\r', *p++ = '\n';
	memset(p, 'z', LINEEDIT_LINE_MAX + 1), p += LINEEDIT_LINE_MAX + 1; /* one over, no newline */
	int fd = temp_file_with(in, (size_t)(p - in));

	struct rec r;
	rec_init(&r);
	FILE *errf = tmpfile();
	int saved = dup(STDERR_FILENO);
	fflush(stderr);
	dup2(fileno(errf), STDERR_FILENO);
	char *echo;
	run_scripted(&r, fd, &echo);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	char *msgs = slurp(errf);
	fclose(errf);

	assert_int_equal(r.nlines, 4);
	assert_int_equal(strlen(r.lines[0]), LINEEDIT_LINE_MAX);
	assert_int_equal(strspn(r.lines[0], "x"), LINEEDIT_LINE_MAX);
	assert_string_equal(r.lines[1], "ok");
	assert_int_equal(strlen(r.lines[2]), LINEEDIT_LINE_MAX);
	assert_int_equal(strlen(r.lines[3]), LINEEDIT_LINE_MAX);
	assert_int_equal(r.nnull, 1);
	assert_non_null(strstr(msgs, "input line 1 has more than"));
	assert_non_null(strstr(msgs, "input line 4 has 4097 bytes; only its first 4096 are used"));
	assert_null(strstr(msgs, "line 3"));
	free(msgs);
	free(echo);
	free(in);
	close(fd);
	rec_done(&r);
}

/* quit stops at once, though the writer keeps the pipe open. */
static void test_stop_in_callback(void **state)
{
	struct rec r;
	rec_init(&r);
	r.stop_on = "quit";
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "one\nquit\ntwo\n", 13), 13);
	char *echo;
	run_scripted(&r, p[0], &echo);
	assert_string_equal(r.log, "L:one;L:quit;");
	assert_int_equal(r.nnull, 0);
	assert_string_equal(echo, "t> one\nt> quit\n");
	assert_int_equal(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);
	close(p[0]);
	close(p[1]);
	free(echo);
	rec_done(&r);
}

/* Many lines across chunk and pipe-buffer boundaries, written by another
 * process, with pauses in the middle of chunks. */
static void test_many_lines_pipe(void **state)
{
	enum { N = 30000 };
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		FILE *w = fdopen(p[1], "w");
		for (int i = 0; i < N; i++)
			fprintf(w, "line %d\n", i);
		fclose(w);
		_exit(0);
	}
	close(p[1]);
	struct rec r;
	rec_init(&r);
	r.pause_every = 7919;
	r.resume_ms = 1;
	FILE *out = tmpfile();
	assert_int_equal(lineedit_start_fd(&r.le, &r.loop, p[0], out, "", NULL, on_line, &r, NULL), 0);
	uv_run(&r.loop, UV_RUN_DEFAULT);
	waitpid(pid, NULL, 0);
	assert_int_equal(r.total, N);
	assert_int_equal(r.nnull, 1);
	/* the echo is the input, line for line */
	char *echo = slurp(out);
	char expect[32];
	snprintf(expect, sizeof expect, "line %d\n", N - 1);
	assert_int_equal(strncmp(echo, "line 0\nline 1\n", 14), 0);
	assert_string_equal(echo + strlen(echo) - strlen(expect), expect);
	size_t nl = 0;
	for (char *c = echo; *c; c++)
		nl += *c == '\n';
	assert_int_equal(nl, N);
	free(echo);
	fclose(out);
	close(p[0]);
	rec_done(&r);
}

/* Scripted output goes straight out, in order with the echoes. */
static void on_line_print(void *arg, const char *line)
{
	struct rec *r = arg;
	if (line) {
		lineedit_printf(r->le, "out %s", line);
		fprintf(lineedit_stream(r->le), " +stream\n");
	}
	on_line(arg, line);
}

static void test_scripted_output(void **state)
{
	struct rec r;
	rec_init(&r);
	int fd = temp_file_with("a\nb\n", 4);
	FILE *out = tmpfile();
	assert_int_equal(lineedit_start_fd(&r.le, &r.loop, fd, out, "t> ", NULL, on_line_print, &r, NULL), 0);
	lineedit_set_prompt(r.le, "\001\033[1m\002u>\001\033[0m\002 ");
	uv_run(&r.loop, UV_RUN_DEFAULT);
	char *echo = slurp(out);
	assert_string_equal(echo, "\033[1mu>\033[0m a\nout a +stream\n\033[1mu>\033[0m b\nout b +stream\n");
	free(echo);
	fclose(out);
	close(fd);
	rec_done(&r);
}

static void test_bad_fd(void **state)
{
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct lineedit *le = (struct lineedit *)&loop; /* overwritten with NULL */
	struct dl_error err = { 0, "" };
	int fd = open("/dev/null", O_RDONLY);
	close(fd);
	assert_int_equal(lineedit_start_fd(&le, &loop, fd, stdout, "> ", NULL, on_line, NULL, &err), DL_ERR_ENV);
	assert_null(le);
	assert_non_null(strstr(err.msg, "not open"));
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* ---- a terminal: a pseudo-terminal ---- */

struct pty {
	int master, slave;
	FILE *out; /* on the slave */
	char *screen; /* everything the master read */
	size_t len, cap;
	struct termios orig;
};

static size_t screen_mark; /* where have_text starts looking */

static void pty_open(struct pty *t)
{
	memset(t, 0, sizeof *t);
	screen_mark = 0;
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	assert_int_equal(openpty(&t->master, &t->slave, NULL, NULL, &ws), 0);
	fcntl(t->master, F_SETFL, fcntl(t->master, F_GETFL) | O_NONBLOCK);
	t->out = fdopen(dup(t->slave), "w");
	assert_non_null(t->out);
	tcgetattr(t->slave, &t->orig);
	t->cap = 1 << 16;
	t->screen = calloc(1, t->cap);
}

static void pty_close(struct pty *t)
{
	fclose(t->out);
	close(t->slave);
	close(t->master);
	free(t->screen);
}

static void pty_drain(struct pty *t)
{
	for (;;) {
		if (t->cap - t->len < 4096) {
			t->cap *= 2;
			t->screen = realloc(t->screen, t->cap);
		}
		ssize_t n = read(t->master, t->screen + t->len, t->cap - t->len - 1);
		if (n <= 0)
			break;
		t->len += (size_t)n;
		t->screen[t->len] = '\0';
	}
}

static void pty_type(struct pty *t, const char *keys)
{
	assert_int_equal(write(t->master, keys, strlen(keys)), (ssize_t)strlen(keys));
}

/* Turn the loop for up to ms milliseconds, until cond (if given) holds. */
static bool spin(struct rec *r, struct pty *t, int ms, bool (*cond)(struct rec *r, struct pty *t))
{
	struct timespec nap = { 0, 2000000 };
	for (int i = 0; i < ms / 2; i++) {
		uv_run(&r->loop, UV_RUN_NOWAIT);
		pty_drain(t);
		if (cond && cond(r, t))
			return true;
		nanosleep(&nap, NULL);
	}
	return false;
}

static int want_lines;
static bool have_lines(struct rec *r, struct pty *t)
{
	return r->nlines >= want_lines;
}

static bool have_closed(struct rec *r, struct pty *t)
{
	return r->closed;
}

static const char *want_text;
static bool have_text(struct rec *r, struct pty *t)
{
	return strstr(t->screen + screen_mark, want_text) != NULL;
}

#define WAIT_LINES(n) (want_lines = (n), assert_true(spin(&r, &t, 3000, have_lines)))
#define WAIT_TEXT(s) (want_text = (s), assert_true(spin(&r, &t, 3000, have_text)))

static char histpath[64];

static void test_tty_session(void **state)
{
	setenv("TERM", "xterm", 1);
	struct pty t;
	pty_open(&t);
	struct rec r;
	rec_init(&r);
	snprintf(histpath, sizeof histpath, "/tmp/dnslab-test-hist-%d", (int)getpid());
	unlink(histpath);
	struct dl_error err = { 0, "" };
	assert_int_equal(lineedit_start_fd(&r.le, &r.loop, t.slave, t.out, "p> ", histpath, on_line, &r, &err), 0);
	assert_true(lineedit_interactive(r.le));
	WAIT_TEXT("p> ");
	/* the terminal is in edit mode: no echo, no canonical input */
	struct termios now;
	tcgetattr(t.slave, &now);
	assert_int_equal(now.c_lflag & (ICANON | ECHO), 0);
	assert_true(now.c_lflag & ISIG);
	assert_int_equal(fcntl(t.slave, F_GETFL) & O_NONBLOCK, 0);

	/* editing: typo, backspace, cursor left, insert */
	pty_type(&t, "dig wwx\177w.xample\033[D\033[D\033[D\033[D\033[D\033[De\r");
	WAIT_LINES(1);
	assert_string_equal(r.lines[0], "dig www.example");

	/* output while a partial line is typed */
	screen_mark = t.len;
	pty_type(&t, "abc");
	WAIT_TEXT("abc");
	screen_mark = t.len;
	lineedit_printf(r.le, "event %d\n", 1);
	lineedit_printf(r.le, "half ");          /* held: the line is not whole */
	assert_null(strstr(t.screen + screen_mark, "half"));
	fprintf(lineedit_stream(r.le), "and half\n");
	WAIT_TEXT("p> abc");
	const char *s = t.screen + screen_mark;
	/* erased (CR, erase to end of screen), printed, prompt and line again */
	assert_non_null(strstr(s, "\r\033[J"));
	const char *ev = strstr(s, "event 1\r\n");
	assert_non_null(ev);
	const char *hf = strstr(ev, "half and half\r\n");
	assert_non_null(hf);
	assert_non_null(strstr(hf, "p> abc"));
	pty_type(&t, "\r");
	WAIT_LINES(2);
	assert_string_equal(r.lines[1], "abc");

	/* Ctrl-C (the caller's SIGINT handler) abandons the line */
	screen_mark = t.len;
	pty_type(&t, "xyz");
	WAIT_TEXT("xyz");
	assert_true(lineedit_on_interrupt(r.le));
	WAIT_TEXT("^C");
	pty_type(&t, "ok\r");
	WAIT_LINES(3);
	assert_string_equal(r.lines[2], "ok");

	/* a blank line is delivered but not remembered */
	pty_type(&t, "   \r");
	WAIT_LINES(4);
	assert_string_equal(r.lines[3], "   ");

	/* the prompt can change while shown */
	screen_mark = t.len;
	pty_type(&t, "q");
	WAIT_TEXT("q");
	lineedit_set_prompt(r.le, "new> ");
	WAIT_TEXT("new> q");
	pty_type(&t, "\025"); /* ^U: kill the line */

	/* Ctrl-D on an empty line ends the input */
	pty_type(&t, "\004");
	assert_true(spin(&r, &t, 3000, have_closed));
	assert_int_equal(r.nnull, 1);
	assert_int_equal(r.nlines, 4);
	uv_run(&r.loop, UV_RUN_DEFAULT);
	/* the terminal is given back as it was */
	tcgetattr(t.slave, &now);
	assert_int_equal(now.c_lflag, t.orig.c_lflag);
	assert_int_equal(now.c_iflag, t.orig.c_iflag);
	rec_done(&r);

	/* The history file: a new session recalls the lines, newest first. */
	struct rec r2;
	rec_init(&r2);
	assert_int_equal(lineedit_start_fd(&r2.le, &r2.loop, t.slave, t.out, "p> ", histpath, on_line, &r2, NULL), 0);
	struct rec *rp = &r2;
	want_lines = 1;
	pty_type(&t, "\033[A\r");
	assert_true(spin(rp, &t, 3000, have_lines));
	assert_string_equal(r2.lines[0], "ok");
	pty_type(&t, "\033[A\033[A\033[A\r");
	want_lines = 2;
	assert_true(spin(rp, &t, 3000, have_lines));
	assert_string_equal(r2.lines[1], "dig www.example");
	/* ^R: the newest line that contains what is typed */
	pty_type(&t, "ab\022\r");
	want_lines = 3;
	assert_true(spin(rp, &t, 3000, have_lines));
	assert_string_equal(r2.lines[2], "abc");
	lineedit_stop(r2.le, on_closed, &r2);
	uv_run(&r2.loop, UV_RUN_DEFAULT);
	rec_done(&r2);

	FILE *h = fopen(histpath, "r");
	assert_non_null(h);
	char buf[256] = "";
	size_t got = fread(buf, 1, sizeof buf - 1, h);
	buf[got] = '\0';
	fclose(h);
	assert_int_equal(strncmp(buf, "_HiStOrY_V2_\n", 13), 0);
	assert_non_null(strstr(buf, "dig\\040www.example\n"));
	unlink(histpath);
	pty_close(&t);
}

/* While paused nothing is read; keys typed meanwhile wait for the prompt. */
static void test_tty_pause(void **state)
{
	setenv("TERM", "xterm", 1);
	struct pty t;
	pty_open(&t);
	struct rec r;
	rec_init(&r);
	r.pause_on = "first";
	r.resume_ms = 200;
	assert_int_equal(lineedit_start_fd(&r.le, &r.loop, t.slave, t.out, "p> ", NULL, on_line, &r, NULL), 0);
	WAIT_TEXT("p> ");
	pty_type(&t, "first\r");
	WAIT_LINES(1);
	screen_mark = t.len;
	pty_type(&t, "second\r");
	spin(&r, &t, 100, NULL);
	assert_int_equal(r.nlines, 1); /* paused: not read */
	assert_null(strstr(t.screen + screen_mark, "second")); /* nor echoed */
	assert_false(lineedit_on_interrupt(r.le)); /* a command runs: not ours */
	lineedit_printf(r.le, "command output\n");
	WAIT_LINES(2);
	assert_string_equal(r.lines[1], "second");
	assert_string_equal(r.log, "L:first;T;R;L:second;");
	const char *o = strstr(t.screen + screen_mark, "command output");
	assert_non_null(o);
	assert_non_null(strstr(o, "p> second"));

	/* pausing with a partial line keeps it for the next prompt */
	pty_type(&t, "par");
	WAIT_TEXT("par");
	lineedit_pause(r.le);
	lineedit_pause(r.le);
	screen_mark = t.len;
	lineedit_resume(r.le);
	WAIT_TEXT("p> par");
	pty_type(&t, "t\r");
	WAIT_LINES(3);
	assert_string_equal(r.lines[2], "part");
	lineedit_stop(r.le, on_closed, &r);
	uv_run(&r.loop, UV_RUN_DEFAULT);
	rec_done(&r);
	pty_close(&t);
}

/* A terminal with echo off (an Emacs shell buffer): plain lines, the
 * terminal's own line editing, still a prompt. */
static void test_tty_echo_off(void **state)
{
	setenv("TERM", "xterm", 1);
	struct pty t;
	pty_open(&t);
	struct termios tio = t.orig;
	tio.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(t.slave, TCSANOW, &tio);
	struct rec r;
	rec_init(&r);
	assert_int_equal(lineedit_start_fd(&r.le, &r.loop, t.slave, t.out, "p> ", NULL, on_line, &r, NULL), 0);
	WAIT_TEXT("p> ");
	screen_mark = t.len;
	pty_type(&t, "hellp\177o\n");
	WAIT_LINES(1);
	assert_string_equal(r.lines[0], "hello");
	WAIT_TEXT("p> "); /* the next prompt */
	pty_type(&t, "\004");
	assert_true(spin(&r, &t, 3000, have_closed));
	assert_int_equal(r.nnull, 1);
	uv_run(&r.loop, UV_RUN_DEFAULT);
	struct termios now;
	tcgetattr(t.slave, &now);
	assert_int_equal(now.c_lflag, tio.c_lflag);
	rec_done(&r);
	pty_close(&t);
}

/* A terminal on input but not on output: scripted, with echo. */
static void test_tty_input_redirected_output(void **state)
{
	struct pty t;
	pty_open(&t);
	struct rec r;
	rec_init(&r);
	FILE *out = tmpfile();
	assert_int_equal(lineedit_start_fd(&r.le, &r.loop, t.slave, out, "t> ", NULL, on_line, &r, NULL), 0);
	assert_false(lineedit_interactive(r.le));
	pty_type(&t, "hello\n");
	WAIT_LINES(1);
	assert_string_equal(r.lines[0], "hello");
	pty_type(&t, "\004"); /* end of file in canonical mode */
	assert_true(spin(&r, &t, 3000, have_closed));
	assert_int_equal(r.nnull, 1);
	uv_run(&r.loop, UV_RUN_DEFAULT);
	char *echo = slurp(out);
	assert_string_equal(echo, "t> hello\n");
	free(echo);
	fclose(out);
	rec_done(&r);
	pty_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipe_lines),
		cmocka_unit_test(test_file_lines),
		cmocka_unit_test(test_devnull),
		cmocka_unit_test(test_empty_lines_and_crlf),
		cmocka_unit_test(test_pause_resume_pipe),
		cmocka_unit_test(test_pause_resume_file),
		cmocka_unit_test(test_pause_before_eof),
		cmocka_unit_test(test_pause_resume_inline),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_stop_in_callback),
		cmocka_unit_test(test_many_lines_pipe),
		cmocka_unit_test(test_scripted_output),
		cmocka_unit_test(test_bad_fd),
		cmocka_unit_test(test_tty_session),
		cmocka_unit_test(test_tty_pause),
		cmocka_unit_test(test_tty_echo_off),
		cmocka_unit_test(test_tty_input_redirected_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
