// SPDX-License-Identifier: GPL-2.0
/*
 * Opening a run's shared folders and -d BASEDIR as the caller (shares.h).
 * The backend makes its own mounts of them; the daemon only hands fds on.
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "shares.h"
#include "userpath.h"
#include "util.h"

void shares_close(struct run_shares *sh)
{
	int i;

	for (i = 0; i < MAX_SHARES + 1; i++)
		if (sh->open[i].path)
			close_fd(&sh->open[i].fd);
	memset(sh->open, 0, sizeof(sh->open));
	sh->n = 0;
	sh->basedir_fd = -1;
}

/* The opened folder @k for the backend; the same path twice: the later. */
static void add(struct run_shares *sh, int k)
{
	int i;

	for (i = 0; i < sh->n; i++)
		if (!strcmp(sh->v[i].path, sh->open[k].path))
			break;
	if (i == sh->n)
		sh->n++;
	sh->v[i] = (struct backend_share){ .path = sh->open[k].path,
					   .fd = sh->open[k].fd,
					   .rw = sh->rw[k] };
}

int shares_open(const struct policy *pol, const struct api_create *cr,
		uid_t uid, gid_t gid, bool for_backend, struct run_shares *sh,
		char *err, size_t len)
{
	struct passwd pw, *res = NULL;
	char pwbuf[4096], why[400];
	int n = 0, bad = 0, ret, k;
	size_t i;

	sh->n = 0;
	sh->basedir_fd = -1;
	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) || !res ||
	    !userpath_home_ok(pw.pw_dir))
		res = NULL; /* no home (or "/"): @HOME@ shares share nothing */
	for (i = 0; i < pol->nshared && n < MAX_SHARES; i++) {
		const char *p = pol->shared[i];

		bool home =
			!strncmp(p, "/" POLICY_HOME, strlen(POLICY_HOME) + 1);

		if (home) {
			if (!res)
				continue;
			snprintf(sh->paths[n], sizeof(sh->paths[n]), "%s%s",
				 pw.pw_dir, p + strlen(POLICY_HOME) + 1);
		} else {
			snprintf(sh->paths[n], sizeof(sh->paths[n]), "%s", p);
		}
		/*
		 * A policy's folder in the home (~/Downloads) is made if
		 * missing, as a desktop would: on a fresh account the
		 * browser's downloads must still reach the host.
		 */
		sh->open[n] = (struct user_open){ .path = sh->paths[n],
						  .optional = true,
						  .create = home,
						  .fd = -1 };
		sh->rw[n++] = true;
	}
	for (i = 0; i < cr->nshares && n < MAX_SHARES; i++) {
		sh->open[n] = (struct user_open){ .path = cr->shares[i].path,
						  .files = true,
						  .fd = -1 };
		sh->rw[n++] = cr->shares[i].rw;
	}
	if (cr->basedir)
		sh->open[n++] = (struct user_open){ .path = cr->basedir,
						    .owned = true,
						    .fd = -1 };
	ret = user_open_dirs(uid, gid, sh->open, n, &bad, why, sizeof(why));
	if (ret) {
		if (cr->basedir && bad == n - 1)
			snprintf(err, len, "-d %s: %s", cr->basedir, why);
		else
			snprintf(err, len, "cannot share %s: %s",
				 sh->open[bad].path, why);
		return ret;
	}
	for (k = 0; k < n - !!cr->basedir; k++)
		if (sh->open[k].fd >= 0 && for_backend)
			add(sh, k);
	if (cr->basedir)
		sh->basedir_fd = sh->open[n - 1].fd;
	return 0;
}
