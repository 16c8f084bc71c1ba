/* atomic.h: write a file so that readers see the old or the new content,
 * never half of either: a temporary file in the same directory, fsync,
 * rename (and the directory fsync'd), with the mode set from the start. */
#ifndef DNSLAB_ATOMIC_H
#define DNSLAB_ATOMIC_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "util/err.h"

struct atomic_file {
	FILE *fp;        /* write here */
	char *path;      /* owned: the final name */
	char *tmp;       /* owned: the temporary name */
	bool overwrite;
};

/* Open a temporary file next to path with mode.  Unless overwrite, fail with
 * DL_ERR_INPUT when path exists (so work is never lost without --force). */
int atomic_open(struct atomic_file *a, const char *path, mode_t mode, bool overwrite, struct dl_error *err);
/* Flush, fsync and rename into place; on any failure the target is untouched. */
int atomic_commit(struct atomic_file *a, struct dl_error *err);
/* Give up: remove the temporary file. */
void atomic_abort(struct atomic_file *a);

#endif
