/* paths.c: locate the lab's data (paths.h). */
#include "lab/paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef DNSLAB_DATADIR
#define DNSLAB_DATADIR "/usr/local/share/dnslab"
#endif

static char datadir[PATH_MAX];

static int has_topology(const char *dir)
{
	char p[PATH_MAX + 32];
	snprintf(p, sizeof p, "%s/zones/lab.yaml", dir);
	return access(p, R_OK) == 0;
}

const char *paths_datadir(void)
{
	if (datadir[0])
		return datadir;
	const char *env = getenv("DNSLAB_DATA");
	if (env && *env) {
		snprintf(datadir, sizeof datadir, "%s", env);
		return datadir;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		/* Walk up from the binary's directory at most three levels: the
		 * source tree (build/dnslab), or an install (bin/../share/dnslab)
		 * whose PREFIX differs from the one compiled in. */
		for (int up = 0; up < 3; up++) {
			char *slash = strrchr(exe, '/');
			if (!slash)
				break;
			*slash = '\0';
			char shared[PATH_MAX + 32];
			snprintf(shared, sizeof shared, "%s/share/dnslab", exe);
			const char *hit = has_topology(exe) ? exe : has_topology(shared) ? shared : NULL;
			if (hit) {
				snprintf(datadir, sizeof datadir, "%s", hit);
				return datadir;
			}
		}
	}
	snprintf(datadir, sizeof datadir, "%s", DNSLAB_DATADIR);
	return datadir;
}

const char *paths_default_topology(char *buf, size_t len)
{
	snprintf(buf, len, "%s/zones/lab.yaml", paths_datadir());
	return buf;
}

const char *paths_userdir(char *buf, size_t len)
{
	const char *home = getenv("DNSLAB_HOME");
	if (home && *home) {
		snprintf(buf, len, "%s", home);
		return buf;
	}
	const char *xdg = getenv("XDG_DATA_HOME");
	if (xdg && *xdg == '/') {
		snprintf(buf, len, "%s/dnslab", xdg);
		return buf;
	}
	home = getenv("HOME");
	snprintf(buf, len, "%s/.local/share/dnslab", home && *home ? home : "/tmp");
	return buf;
}

const char *paths_statedir(char *buf, size_t len)
{
	const char *home = getenv("DNSLAB_HOME");
	if (home && *home) {
		snprintf(buf, len, "%s/state", home);
		return buf;
	}
	/* The XDG spec says a relative XDG_STATE_HOME is invalid: ignore it. */
	const char *xdg = getenv("XDG_STATE_HOME");
	if (xdg && *xdg == '/') {
		snprintf(buf, len, "%s/dnslab", xdg);
		return buf;
	}
	home = getenv("HOME");
	snprintf(buf, len, "%s/.local/state/dnslab", home && *home ? home : "/tmp");
	return buf;
}

int paths_mkdirs(const char *dir)
{
	char p[PATH_MAX];
	if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			return -1;
		*s = c;
		if (!c)
			break;
	}
	return 0;
}

int paths_lock_dir(const char *dir, const char *what, int *fd, struct dl_error *err)
{
	*fd = -1;
	if (paths_mkdirs(dir) != 0)
		return dl_error_set(err, DL_ERR_ENV, "cannot create %s %s: %s", what, dir, strerror(errno));
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/.lock", dir);
	int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (f < 0 || flock(f, LOCK_EX) != 0) {
		int rc = dl_error_set(err, DL_ERR_ENV, "cannot lock %s %s: %s", what, dir, strerror(errno));
		if (f >= 0)
			close(f);
		return rc;
	}
	*fd = f;
	return 0;
}

void paths_unlock_dir(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}
