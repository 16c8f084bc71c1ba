/* paths.h: where the lab's read-only data (zones/, labs/) lives: the source
 * tree for a build run from it, PREFIX/share/dnslab once installed. */
#ifndef DNSLAB_PATHS_H
#define DNSLAB_PATHS_H

#include <stddef.h>

#include "util/err.h"

/* The data directory, found in this order: $DNSLAB_DATA, the tree above the
 * running binary (build/dnslab, build/asan/dnslab), the install DATADIR.
 * Borrowed, static storage. */
const char *paths_datadir(void);

/* datadir/zones/lab.yaml into buf. */
const char *paths_default_topology(char *buf, size_t len);

/* The student's own dnslab directory (keys, workspaces): $DNSLAB_HOME, else
 * $XDG_DATA_HOME/dnslab, else ~/.local/share/dnslab.  Not created here. */
const char *paths_userdir(char *buf, size_t len);

/* Where the student's state (progress) lives: $DNSLAB_HOME/state when
 * DNSLAB_HOME is set (so the test suite, which sets it, never touches the
 * student's own progress), else $XDG_STATE_HOME/dnslab, else
 * ~/.local/state/dnslab.  Not created here. */
const char *paths_statedir(char *buf, size_t len);

/* Create dir and its missing parents (mode 0700 for new ones).  Returns 0 or
 * -1 with errno set. */
int paths_mkdirs(const char *dir);

/* Create dir (as paths_mkdirs) and hold an exclusive flock on dir/.lock,
 * so that two labs or commands never write the same keys, certificates or
 * registry at once.  *fd is the lock for paths_unlock_dir (-1 on error).
 * what names dir in the error ("the key directory"): DL_ERR_ENV. */
int paths_lock_dir(const char *dir, const char *what, int *fd, struct dl_error *err);
void paths_unlock_dir(int fd);

#endif
