/* ytree.c: libyaml's event stream folded into a line-numbered tree (ytree.h). */
#include "util/ytree.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define YTREE_MAX_DEPTH 32

struct builder {
	yaml_parser_t parser;
	const char *path;
	struct dl_error *err;
};

static struct ynode *ynode_new(enum ynode_kind kind, int line)
{
	struct ynode *n = calloc(1, sizeof *n);
	if (n) {
		n->kind = kind;
		n->line = line;
	}
	return n;
}

void ytree_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++) {
		ytree_free(n->items[i]);
		if (n->keys)
			free(n->keys[i]);
	}
	free(n->items);
	free(n->keys);
	free(n->key_lines);
	free(n->value);
	free(n);
}

static int ynode_append(struct ynode *parent, char *key, int key_line, struct ynode *child)
{
	size_t cap = parent->n + 1;
	struct ynode **items = realloc(parent->items, cap * sizeof *items);
	if (!items)
		return -1;
	parent->items = items;
	if (parent->kind == Y_MAP) {
		char **keys = realloc(parent->keys, cap * sizeof *keys);
		if (!keys)
			return -1;
		parent->keys = keys;
		int *lines = realloc(parent->key_lines, cap * sizeof *lines);
		if (!lines)
			return -1;
		parent->key_lines = lines;
		keys[parent->n] = key;
		lines[parent->n] = key_line;
	}
	items[parent->n++] = child;
	return 0;
}

static int next_event(struct builder *b, yaml_event_t *ev)
{
	if (yaml_parser_parse(&b->parser, ev))
		return 0;
	return dl_error_set(b->err, DL_ERR_INPUT, "%s:%zu: %s%s%s", b->path,
			    b->parser.problem_mark.line + 1,
			    b->parser.problem ? b->parser.problem : "YAML syntax error",
			    b->parser.context ? " " : "",
			    b->parser.context ? b->parser.context : "");
}

/* Build the node that starts with event ev (consumed). */
static int build_node(struct builder *b, yaml_event_t *ev, int depth, struct ynode **out)
{
	int line = (int)ev->start_mark.line + 1;
	if (depth > YTREE_MAX_DEPTH) {
		yaml_event_delete(ev);
		return dl_error_set(b->err, DL_ERR_INPUT, "%s:%d: nested too deeply", b->path, line);
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT: {
		struct ynode *n = ynode_new(Y_SCALAR, line);
		if (n)
			n->value = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		yaml_event_delete(ev);
		if (!n || !n->value) {
			ytree_free(n);
			return dl_error_set(b->err, DL_ERR_NOMEM, "out of memory reading %s", b->path);
		}
		*out = n;
		return 0;
	}
	case YAML_ALIAS_EVENT:
		yaml_event_delete(ev);
		return dl_error_set(b->err, DL_ERR_INPUT, "%s:%d: YAML aliases are not supported here",
				    b->path, line);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool is_map = ev->type == YAML_MAPPING_START_EVENT;
		yaml_event_type_t end = is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
		yaml_event_delete(ev);
		struct ynode *n = ynode_new(is_map ? Y_MAP : Y_SEQ, line);
		if (!n)
			return dl_error_set(b->err, DL_ERR_NOMEM, "out of memory reading %s", b->path);
		for (;;) {
			yaml_event_t e;
			int rc = next_event(b, &e);
			if (rc) {
				ytree_free(n);
				return rc;
			}
			if (e.type == end) {
				yaml_event_delete(&e);
				break;
			}
			char *key = NULL;
			int key_line = (int)e.start_mark.line + 1;
			if (is_map) {
				if (e.type != YAML_SCALAR_EVENT) {
					yaml_event_delete(&e);
					ytree_free(n);
					return dl_error_set(b->err, DL_ERR_INPUT,
							    "%s:%d: a key must be plain text", b->path,
							    key_line);
				}
				key = strndup((const char *)e.data.scalar.value, e.data.scalar.length);
				yaml_event_delete(&e);
				for (size_t i = 0; key && i < n->n; i++) {
					if (strcmp(n->keys[i], key) == 0) {
						dl_error_set(b->err, DL_ERR_INPUT,
							     "%s:%d: duplicate key '%s' (first at line %d)",
							     b->path, key_line, key, n->key_lines[i]);
						free(key);
						ytree_free(n);
						return DL_ERR_INPUT;
					}
				}
				rc = key ? next_event(b, &e) : DL_ERR_NOMEM;
				if (rc) {
					free(key);
					ytree_free(n);
					return rc;
				}
			}
			struct ynode *child = NULL;
			rc = build_node(b, &e, depth + 1, &child);
			if (!rc && ynode_append(n, key, key_line, child) != 0) {
				ytree_free(child);
				rc = dl_error_set(b->err, DL_ERR_NOMEM, "out of memory reading %s",
						  b->path);
			}
			if (rc) {
				free(key);
				ytree_free(n);
				return rc;
			}
		}
		*out = n;
		return 0;
	}
	default:
		yaml_event_delete(ev);
		return dl_error_set(b->err, DL_ERR_INPUT, "%s:%d: unexpected YAML structure", b->path,
				    line);
	}
}

int ytree_load(const char *path, struct ynode **out, struct dl_error *err)
{
	*out = NULL;
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return dl_error_set(err, DL_ERR_ENV, "cannot open %s: %s", path, strerror(errno));
	struct builder b = { .path = path, .err = err };
	if (!yaml_parser_initialize(&b.parser)) {
		fclose(fp);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory reading %s", path);
	}
	yaml_parser_set_input_file(&b.parser, fp);
	int rc = 0;
	/* Skip STREAM-START and DOCUMENT-START; an empty file is an empty map. */
	for (;;) {
		yaml_event_t ev;
		if ((rc = next_event(&b, &ev)))
			break;
		if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			*out = ynode_new(Y_MAP, 1);
			if (!*out)
				rc = dl_error_set(err, DL_ERR_NOMEM, "out of memory reading %s", path);
			break;
		}
		rc = build_node(&b, &ev, 0, out);
		break;
	}
	yaml_parser_delete(&b.parser);
	fclose(fp);
	return rc;
}

const struct ynode *ymap_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != Y_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->keys[i], key) == 0)
			return map->items[i];
	return NULL;
}

int ymap_check_keys(const struct ynode *map, const char *const *allowed, const char *path,
		    struct dl_error *err)
{
	for (size_t i = 0; i < map->n; i++) {
		bool ok = false;
		for (const char *const *a = allowed; *a; a++)
			ok = ok || strcmp(*a, map->keys[i]) == 0;
		if (ok)
			continue;
		char list[512] = "";
		for (const char *const *a = allowed; *a; a++) {
			strncat(list, *a, sizeof list - strlen(list) - 1);
			if (a[1])
				strncat(list, ", ", sizeof list - strlen(list) - 1);
		}
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: unknown key '%s' (expected one of: %s)",
				    path, map->key_lines[i], map->keys[i], list);
	}
	return 0;
}

int ymap_scalar(const struct ynode *map, const char *key, const char *path, const char **out,
		struct dl_error *err)
{
	const struct ynode *n = ymap_get(map, key);
	if (!n)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: missing '%s'", path, map->line, key);
	if (n->kind != Y_SCALAR)
		return dl_error_set(err, DL_ERR_INPUT, "%s:%d: '%s' must be text, not a %s", path,
				    n->line, key, ynode_kind_name(n->kind));
	*out = n->value;
	return 0;
}

const char *ynode_kind_name(enum ynode_kind k)
{
	return k == Y_SCALAR ? "value" : k == Y_SEQ ? "list" : "map";
}
