/* labfixture.h: the default lab (zones/lab.yaml), loaded and signed in
 * memory with its keys in a fresh temporary DNSLAB_HOME, for the unit tests
 * that resolve or validate against it without sockets.  Header-only, since
 * each unit test is one program. */
#ifndef DNSLAB_TEST_LABFIXTURE_H
#define DNSLAB_TEST_LABFIXTURE_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#include "lab/lab.h"

/* Make tmpdir (a mkdtemp template, filled in), point DNSLAB_HOME below it
 * and load the signed default lab into *lab.  0, or -1 with the reason on
 * stderr (the tests run from the repository root). */
static inline int labfixture_load(char *tmpdir, struct lab **lab)
{
	struct dl_error err = { 0 };
	if (!mkdtemp(tmpdir))
		return -1;
	char home[4200];
	snprintf(home, sizeof home, "%s/home", tmpdir);
	setenv("DNSLAB_HOME", home, 1);
	if (lab_load(lab, "zones/lab.yaml", LAB_DEFAULT_PORT, &err) != 0 || !(*lab)->anchor) {
		fprintf(stderr, "lab_load (run from the repository root): %s\n", err.msg);
		return -1;
	}
	return 0;
}

static inline int labfixture_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Free lab and remove tmpdir with all the keys in it. */
static inline void labfixture_free(char *tmpdir, struct lab *lab)
{
	lab_free(lab);
	nftw(tmpdir, labfixture_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
