/* atomic.c: atomic file replacement (atomic.h). */
#include "util/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int atomic_open(struct atomic_file *a, const char *path, mode_t mode, bool overwrite, struct dl_error *err)
{
	memset(a, 0, sizeof *a);
	if (!overwrite && access(path, F_OK) == 0)
		return dl_error_set(err, DL_ERR_INPUT, "%s already exists; use --force to replace it", path);
	size_t n = strlen(path) + 32;
	a->path = strdup(path);
	a->tmp = malloc(n);
	if (!a->path || !a->tmp) {
		atomic_abort(a);
		return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
	}
	for (int attempt = 0; attempt < 100; attempt++) {
		snprintf(a->tmp, n, "%s.tmp%d.%d", path, (int)getpid(), attempt);
		int fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0) {
			int rc = dl_error_set(err, DL_ERR_ENV, "cannot write next to %s: %s", path, strerror(errno));
			free(a->tmp);
			a->tmp = NULL;
			atomic_abort(a);
			return rc;
		}
		fchmod(fd, mode); /* the umask must not widen or narrow a key's mode */
		a->fp = fdopen(fd, "w");
		if (!a->fp) {
			close(fd);
			atomic_abort(a);
			return dl_error_set(err, DL_ERR_NOMEM, "out of memory");
		}
		a->overwrite = overwrite;
		return 0;
	}
	free(a->tmp);
	a->tmp = NULL;
	atomic_abort(a);
	return dl_error_set(err, DL_ERR_ENV, "cannot create a temporary file next to %s", path);
}

int atomic_commit(struct atomic_file *a, struct dl_error *err)
{
	int rc = 0;
	if (fflush(a->fp) != 0 || fsync(fileno(a->fp)) != 0)
		rc = dl_error_set(err, DL_ERR_ENV, "cannot write %s: %s", a->path, strerror(errno));
	if (fclose(a->fp) != 0 && !rc)
		rc = dl_error_set(err, DL_ERR_ENV, "cannot write %s: %s", a->path, strerror(errno));
	a->fp = NULL;
	if (!rc && !a->overwrite && access(a->path, F_OK) == 0)
		rc = dl_error_set(err, DL_ERR_INPUT, "%s appeared meanwhile; use --force to replace it", a->path);
	if (!rc && rename(a->tmp, a->path) != 0)
		rc = dl_error_set(err, DL_ERR_ENV, "cannot rename into %s: %s", a->path, strerror(errno));
	if (!rc) {
		char *d = strdup(a->path);
		int dfd = d ? open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		if (dfd >= 0) {
			fsync(dfd); /* the rename itself survives a crash */
			close(dfd);
		}
		free(d);
		free(a->tmp);
		a->tmp = NULL;
	}
	atomic_abort(a);
	return rc;
}

void atomic_abort(struct atomic_file *a)
{
	if (a->fp)
		fclose(a->fp);
	if (a->tmp)
		unlink(a->tmp);
	free(a->tmp);
	free(a->path);
	memset(a, 0, sizeof *a);
}
