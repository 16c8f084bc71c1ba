/* term.c: colour decisions and terminal-safe text (see term.h). */
#include "ui/term.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool term_use_color(FILE *f)
{
	const char *no_color = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	int fd;

	if (no_color && no_color[0] != '\0')
		return false;
	/* No TERM at all means nothing has told us the other end speaks ANSI. */
	if (!term || term[0] == '\0' || strcmp(term, "dumb") == 0)
		return false;
	if (!f)
		return false;
	fd = fileno(f);
	return fd >= 0 && isatty(fd);
}

const char *term_sgr(bool on, enum term_role role)
{
	if (!on)
		return "";
	switch (role) {
	case TERM_BOLD: return "\033[1m";
	case TERM_DIM: return "\033[2m";
	case TERM_RED: return "\033[31m";
	case TERM_GREEN: return "\033[32m";
	case TERM_YELLOW: return "\033[33m";
	case TERM_CYAN: return "\033[36m";
	}
	return "";
}

const char *term_reset(bool on)
{
	return on ? TERM_RESET : "";
}

/* Code point of the well-formed UTF-8 sequence at s and its length in *len,
 * or *len = 0 when the bytes at s are not one (overlong, surrogate, cut). */
static uint32_t term_utf8_decode(const unsigned char *s, size_t n, size_t *len)
{
	uint32_t cp, min;
	size_t l;

	*len = 0;
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) {
		l = 2; cp = s[0] & 0x1f; min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		l = 3; cp = s[0] & 0x0f; min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		l = 4; cp = s[0] & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (l > n)
		return 0;
	for (size_t i = 1; i < l; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*len = l;
	return cp;
}

void term_put_text(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		size_t n;
		uint32_t cp = term_utf8_decode(p + i, len - i, &n);

		if (n == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			/* Escape the bytes one by one so the reader sees what was sent. */
			size_t bad = n ? n : 1;
			for (size_t k = 0; k < bad; k++)
				fprintf(f, "\\%03u", p[i + k]);
			i += bad;
			continue;
		}
		if (cp == '\\')
			fputs("\\\\", f);
		else
			fwrite(p + i, 1, n, f);
		i += n;
	}
}
