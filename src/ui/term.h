/* term.h: whether to colour terminal output, the few colours the UI uses, and
 * a safe way to print text that came off the wire.
 *
 * The palette is the eight basic SGR colours a terminal theme remaps for its
 * own background, minus blue (unreadable on black) and white (invisible on
 * white); emphasis is bold or dim, never a background colour. */
#ifndef DNSLAB_TERM_H
#define DNSLAB_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum term_role {
	TERM_BOLD,   /* names, section headings */
	TERM_DIM,    /* footers and other secondary text */
	TERM_RED,    /* errors, failing rcodes */
	TERM_GREEN,  /* success */
	TERM_YELLOW, /* warnings, extended errors */
	TERM_CYAN,   /* neutral highlights */
};

#define TERM_RESET "\033[0m"

/* True only when f is a terminal, NO_COLOR is unset or empty
 * (https://no-color.org) and TERM is set and not "dumb". */
bool term_use_color(FILE *f);

/* The escape sequence that starts role, or "" when !on.  Static storage. */
const char *term_sgr(bool on, enum term_role role);

/* TERM_RESET, or "" when !on. */
const char *term_reset(bool on);

/* Write len bytes of untrusted text (EDE text, labels) so that nothing in it
 * can drive the terminal: control characters, DEL, C1 controls and bytes
 * that are not valid UTF-8 become \DDD (the DNS presentation escape);
 * backslash becomes \\; other valid UTF-8 passes through. */
void term_put_text(FILE *f, const char *s, size_t len);

#endif
