/* ytree.h: a YAML document loaded (with libyaml) into a small tree that keeps
 * the line of every node, so lab and topology files can report file:line. */
#ifndef DNSLAB_YTREE_H
#define DNSLAB_YTREE_H

#include <stddef.h>

#include "util/err.h"

enum ynode_kind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ynode_kind kind;
	int line;             /* 1-based */
	char *value;          /* Y_SCALAR */
	size_t n;             /* items in a Y_SEQ or Y_MAP */
	struct ynode **items; /* Y_SEQ items, or Y_MAP values */
	char **keys;          /* Y_MAP keys */
	int *key_lines;
};

/* Load the first document of path. On success *out is the root (caller frees
 * with ytree_free). Errors read "path:line: reason" with DL_ERR_INPUT, or
 * DL_ERR_ENV when the file cannot be opened. */
int ytree_load(const char *path, struct ynode **out, struct dl_error *err);
void ytree_free(struct ynode *n);

/* Borrowed child of a map, or NULL. */
const struct ynode *ymap_get(const struct ynode *map, const char *key);

/* Fail with "path:line: unknown key 'k' (expected one of: a, b)" when map has
 * a key not in the NULL-terminated list allowed. */
int ymap_check_keys(const struct ynode *map, const char *const *allowed, const char *path,
		    struct dl_error *err);

/* A required scalar child: "path:line: missing 'key'" or "... 'key' must be text". */
int ymap_scalar(const struct ynode *map, const char *key, const char *path, const char **out,
		struct dl_error *err);

const char *ynode_kind_name(enum ynode_kind k);

#endif
