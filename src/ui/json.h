/* json.h: a tiny streaming JSON writer over a FILE*, for the machine-readable
 * (--json) output: compact, one document per line, no allocation.
 *
 * The writer tracks only where commas go.  It does not check that keys and
 * values alternate; a caller that writes a key must write one value next.
 * Nesting deeper than JSON_MAX_DEPTH is a programming error (asserted). */
#ifndef DNSLAB_JSON_H
#define DNSLAB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 64

struct json {
	FILE *out;                       /* borrowed */
	int depth;                       /* open objects and arrays */
	bool need_comma[JSON_MAX_DEPTH]; /* per level: a value was already written */
	bool after_key;                  /* the next value completes a "key": pair */
};

/* Start a writer on out (borrowed; it must outlive j). */
void json_init(struct json *j, FILE *out);

void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);

/* Write "name": (escaped like a string); the next call writes its value. */
void json_key(struct json *j, const char *name);

/* Strings are escaped: quote, backslash and control characters; valid UTF-8
 * passes through; a byte that is not part of valid UTF-8 becomes U+FFFD, so
 * the output is always valid JSON whatever the wire sent.  NULL writes null. */
void json_str(struct json *j, const char *s);
void json_strn(struct json *j, const char *s, size_t len);

void json_int(struct json *j, long long v);
void json_uint(struct json *j, unsigned long long v);
/* Three decimals; NaN and infinities (not JSON) are written as null. */
void json_double(struct json *j, double v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* Finish a document: at depth 0 write the newline that ends it and get ready
 * for the next.  Returns 0, or -1 when objects or arrays are still open or the
 * stream had a write error. */
int json_end(struct json *j);

#endif
