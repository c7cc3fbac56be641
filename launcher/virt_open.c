// SPDX-License-Identifier: GPL-2.0
/*
 * virt open: a file or URL opened by its default application inside a
 * fresh cappsule. A file is copied into a private staging folder, the only
 * thing the cappsule gets of it; with --rw each save is copied back over
 * the host file (atomically, bounded). A watcher process, detached from
 * the terminal, holds the cappsule, drains its console, cleans up and
 * says when the application failed.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "policy.h"
#include "virt.h"

/* A save bigger than this is not copied back (a cappsule filling the disk). */
#define COPYBACK_MIN_BOUND (256ll << 20)

struct open_job {
	const char *target;
	bool url, rw;
	char orig[PATH_MAX]; /* the host file */
	char staging[PATH_MAX]; /* its private folder */
	char staged[PATH_MAX]; /* the copy the cappsule opens */
	long long bound;
	struct timespec copied; /* mtime of the last copy back */
};

static const char *helper(void)
{
	const char *h = getenv("CAPPSULE_OPEN_HELPER");

	return h && *h ? h : CAPPSULE_LIBEXECDIR "/cappsule-open";
}

/* Tell the user: stderr, and a desktop notification without a terminal. */
static int report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int report(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "virt: %s\n", msg);
	if (!isatty(2)) {
		pid_t pid = fork();

		if (pid == 0) {
			int fd = open("/dev/null", O_RDWR);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
			execlp("notify-send", "notify-send",
			       "--app-name=Cappsule", "--icon=cappsule",
			       "Cappsule", msg, (char *)NULL);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	return VIRT_EXIT_ERROR;
}

/*
 * A file: URI (what a desktop's Exec %U gives for a local file) as its
 * path, in @out; false if @s is not one.
 */
static bool file_uri_path(const char *s, char *out, size_t len)
{
	const char *p;
	size_t n = 0;

	if (!strncmp(s, "file://localhost/", 17))
		p = s + 16;
	else if (!strncmp(s, "file:///", 8))
		p = s + 7;
	else
		return false;
	for (; *p && n + 1 < len; p++) {
		if (*p == '%' && isxdigit((unsigned char)p[1]) &&
		    isxdigit((unsigned char)p[2])) {
			char hex[3] = { p[1], p[2], '\0' };

			out[n++] = (char)strtol(hex, NULL, 16);
			p += 2;
		} else {
			out[n++] = *p;
		}
	}
	out[n] = '\0';
	return !*p && n && !memchr(out, '\0', n);
}

static bool looks_like_url(const char *s)
{
	const char *c = s;

	if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
		return false;
	while (*c && (isalnum((unsigned char)*c) || strchr("+.-", *c)))
		c++;
	return *c == ':' && strncmp(s, "file:", 5) && access(s, F_OK);
}

/* The default application's program, as the host's MIME settings say. */
static int app_program(const char *target, char *out, size_t len)
{
	int p[2], st;
	ssize_t n = 0, r;
	pid_t pid;
	char *tab;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		execl(helper(), "cappsule-open", "--which", target,
		      (char *)NULL);
		fprintf(stderr, "virt: %s: %s\n", helper(), strerror(errno));
		_exit(127);
	}
	close(p[1]);
	while (pid > 0 && (size_t)n < len - 1 &&
	       (r = read(p[0], out + n, len - 1 - (size_t)n)) > 0)
		n += r;
	close(p[0]);
	out[n] = '\0';
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
	    WEXITSTATUS(st))
		return -ENOENT;
	out[strcspn(out, "\n")] = '\0';
	tab = strchr(out, '\t');
	if (!tab)
		return -ENOENT;
	memmove(out, tab + 1, strlen(tab + 1) + 1);
	tab = strrchr(out, '/');
	if (tab)
		memmove(out, tab + 1, strlen(tab + 1) + 1);
	return 0;
}

/* Does policy @p (the daemon's JSON of it) name @prog in its "aliases"? */
static bool policy_aliases(json_object *p, const char *prog)
{
	json_object *pol, *arr;
	size_t i;

	if (!json_object_object_get_ex(p, "policy", &pol) ||
	    !json_object_object_get_ex(pol, "aliases", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return false;
	for (i = 0; i < json_object_array_length(arr); i++) {
		const char *a = json_object_get_string(
			json_object_array_get_idx(arr, i));

		if (a && !strcmp(a, prog))
			return true;
	}
	return false;
}

/*
 * The policy for program @prog, as `virt exec` picks it: the one named
 * @prog for this user, else the one that names it in its "aliases"
 * (firefox-esr: firefox; gimp-2.10: gimp), in @out; false if none.
 */
static bool policy_for(const char *prog, char *out, size_t len)
{
	struct cps_conn conn;
	json_object *r = virt_request(cps_op("policies"), &conn, NULL, NULL),
		    *arr, *p;
	const char *found = NULL;
	size_t i;

	if (r && json_object_object_get_ex(r, "policies", &arr)) {
		for (i = 0; i < json_object_array_length(arr) && !found; i++) {
			p = json_object_array_get_idx(arr, i);
			if (!strcmp(cps_str(p, "name"), prog))
				found = cps_str(p, "name");
		}
		for (i = 0; i < json_object_array_length(arr) && !found; i++) {
			p = json_object_array_get_idx(arr, i);
			if (policy_aliases(p, prog))
				found = cps_str(p, "name");
		}
	}
	if (found)
		snprintf(out, len, "%s", found);
	json_object_put(r);
	return found;
}

static int copy_fd(int in, int out)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -EIO;
	return n < 0 ? -errno : 0;
}

/* The host file into the staging folder, as the only thing shared. */
static int stage(struct open_job *j)
{
	const char *base;
	struct stat st;
	int in, out, ret;

	if (!realpath(j->target, j->orig))
		return report("open %s: %s", j->target, strerror(errno));
	in = open(j->orig, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return report("open %s: %s", j->orig, strerror(errno));
	if (fstat(in, &st) || !S_ISREG(st.st_mode)) {
		close(in);
		return report("open %s: not a regular file", j->orig);
	}
	j->bound = st.st_size * 4 > COPYBACK_MIN_BOUND ? st.st_size * 4 :
							 COPYBACK_MIN_BOUND;
	snprintf(j->staging, sizeof(j->staging),
		 "/var/tmp/cappsule-open.XXXXXX");
	if (!mkdtemp(j->staging)) {
		close(in);
		return report(
			"open: cannot make a staging folder in /var/tmp: %s",
			strerror(errno));
	}
	base = strrchr(j->orig, '/') + 1;
	snprintf(j->staged, sizeof(j->staged), "%s/%s", j->staging, base);
	out = open(j->staged, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		   (st.st_mode & 0755) | 0600);
	ret = out < 0 ? -errno : copy_fd(in, out);
	close(in);
	if (out >= 0 && close(out))
		ret = ret ? ret : -errno;
	if (ret) {
		unlink(j->staged);
		rmdir(j->staging);
		return report("open %s: cannot copy it for the cappsule: %s",
			      j->orig, strerror(-ret));
	}
	stat(j->staged, &st);
	j->copied = st.st_mtim;
	return 0;
}

/*
 * Copy what the cappsule saved back over the host file: the staged file is
 * written in a cappsule, so untrusted: a regular file (no link followed),
 * bounded, and put in place by rename so the host file is never torn.
 */
static void copy_back(struct open_job *j)
{
	char tmp[PATH_MAX + 32];
	struct stat st, host;
	int in, out, ret;

	in = open(j->staged, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (in < 0)
		return;
	if (fstat(in, &st) || !S_ISREG(st.st_mode) ||
	    (st.st_mtim.tv_sec == j->copied.tv_sec &&
	     st.st_mtim.tv_nsec == j->copied.tv_nsec)) {
		close(in);
		return;
	}
	if (st.st_size > j->bound) {
		report("open %s: the cappsule saved %lld MiB; not copied back (more than %lld MiB)",
		       j->orig, (long long)st.st_size >> 20, j->bound >> 20);
		j->copied = st.st_mtim;
		close(in);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s.cappsule-XXXXXX", j->orig);
	out = mkostemp(tmp, O_CLOEXEC);
	if (out < 0) {
		close(in);
		return;
	}
	ret = copy_fd(in, out);
	if (!ret && !stat(j->orig, &host))
		ret = fchmod(out, host.st_mode & 07777) ? -errno : 0;
	if (!ret && fsync(out))
		ret = -errno;
	if (close(out) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, j->orig))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		report("open %s: cannot write the cappsule's changes back: %s",
		       j->orig, strerror(-ret));
	}
	j->copied = st.st_mtim;
	close(in);
}

/* --rw: copy back after each save, until killed. */
static __attribute__((noreturn)) void watch_saves(struct open_job *j)
{
	char buf[4096] __attribute__((aligned(8)));
	int fd = inotify_init1(IN_CLOEXEC);

	if (fd < 0 ||
	    inotify_add_watch(fd, j->staging, IN_CLOSE_WRITE | IN_MOVED_TO) < 0)
		_exit(1);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n <= 0 && errno != EINTR)
			_exit(1);
		copy_back(j);
	}
}

static void remove_staging(const struct open_job *j)
{
	char cmd[PATH_MAX + 32];
	pid_t pid;

	if (!j->staging[0])
		return;
	snprintf(cmd, sizeof(cmd), "%s", j->staging);
	pid = fork();
	if (pid == 0) {
		execlp("rm", "rm", "-rf", "--one-file-system", "--", cmd,
		       (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/*
 * Cappsule @id, @prog's, ended with @status (virt_console's): unless it
 * ended well or on request (virt kill: whoever did knows), one line that
 * names the application and why, on the terminal virt open ran from
 * (@term) if there was one, else as a notification (report()).
 */
static void report_end(const struct open_job *j, const char *prog, unsigned id,
		       int status, int term)
{
	json_object *req, *r;
	struct cps_conn conn;
	const char *why;
	bool exited; /* the app itself ended, with @status */

	if (!status)
		return;
	req = cps_op("info");
	json_object_object_add(req, "id", json_object_new_int64(id));
	r = virt_request(req, &conn, NULL, NULL);
	why = r ? cps_str(r, "reason") : "";
	if (!strcmp(why, "killed")) {
		json_object_put(r);
		return;
	}
	if (term >= 0)
		dup2(term, 2);
	exited = !*why || !strcmp(why, "exit");
	if (exited && status == 126)
		report("open %s: %s could not be started in cappsule %u (exit status 126)",
		       j->target, prog, id);
	else if (exited)
		report("open %s: %s failed in cappsule %u (exit status %d)",
		       j->target, prog, id, status);
	else
		report("open %s: %s failed in cappsule %u: %s", j->target, prog,
		       id, cps_str(r, "message"));
	json_object_put(r);
}

/*
 * The watcher: creates the cappsule (so it is the one holding it), tells
 * the foreground virt the outcome through @res, then drains the console
 * until the cappsule ends, copying saves back with --rw, and says if
 * application @prog failed.
 */
static __attribute__((noreturn)) void
watcher(struct open_job *j, const char *prog, json_object *req, int res)
{
	int fds[3], nfds = 0, null, status, term;
	struct cps_conn conn;
	pid_t saver = -1;
	json_object *r, *v;
	unsigned id;

	setsid();
	signal(SIGHUP, SIG_IGN);
	/* errors of the create go to the foreground virt's stderr */
	r = virt_request(req, &conn, fds, &nfds);
	if (!r || nfds != 3) {
		json_object_put(r);
		remove_staging(j);
		_exit(1);
	}
	id = json_object_object_get_ex(r, "id", &v) ?
		     (unsigned)json_object_get_int64(v) :
		     0;
	virt_print_notice(r, false);
	json_object_put(r);
	dprintf(res, "%u\n", id);
	close(res);
	/* a terminal to tell of a failure on; never a pipe: held, it would
	 * keep `$(virt open F)` waiting for the application */
	term = isatty(2) ? fcntl(2, F_DUPFD_CLOEXEC, 3) : -1;
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	if (j->rw) {
		saver = fork();
		if (saver == 0)
			watch_saves(j);
	}
	status = virt_console(&conn, fds, false, id, 0, NULL, NULL);
	if (saver > 0) {
		kill(saver, SIGKILL);
		waitpid(saver, NULL, 0);
	}
	if (j->rw)
		copy_back(j);
	remove_staging(j);
	report_end(j, prog, id, status, term);
	_exit(0);
}

static int open_one(struct open_job *j, const char *policy)
{
	struct exec_opts o = { .gui = true, .policy = policy };
	char prog[PATH_MAX] = "", idbuf[32] = "";
	char pol[POLICY_NAME_MAX + 1];
	const char *argv[2];
	json_object *req;
	int p[2], st;
	ssize_t n;
	pid_t pid;

	j->url = looks_like_url(j->target);
	if (!j->url && stage(j))
		return VIRT_EXIT_ERROR;
	/*
	 * No application on the host (cappsule-open said which type): none in
	 * the cappsule either, whose view holds less. Said here, not as a
	 * cappsule that "opens" and ends at once with nothing on screen.
	 */
	if (app_program(j->url ? j->target : j->staged, prog, sizeof(prog))) {
		remove_staging(j);
		return report("open %s: no application to open it with",
			      j->target);
	}
	/* evince's policy for what evince opens, firefox's for firefox-esr */
	if (!o.policy && policy_name_valid(prog) &&
	    policy_for(prog, pol, sizeof(pol)))
		o.policy = pol;
	if (!j->url) {
		snprintf(o.shares[0].path, sizeof(o.shares[0].path), "%s",
			 j->staging);
		o.shares[0].mode = "rw";
		o.nshares = 1;
	}
	argv[0] = helper();
	argv[1] = j->url ? j->target : j->staged;
	req = virt_create_request(&o, 2, (char *const *)argv,
				  j->url ? (getenv("HOME") ?: "/") : j->staging,
				  false);
	if (pipe(p)) {
		json_object_put(req);
		remove_staging(j);
		return report("open: %s", strerror(errno));
	}
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (fork() == 0) /* the grandchild: not our child to reap */
			watcher(j, prog, req, p[1]);
		_exit(0);
	}
	close(p[1]);
	json_object_put(req);
	if (pid > 0)
		waitpid(pid, &st, 0);
	n = read(p[0], idbuf, sizeof(idbuf) - 1);
	close(p[0]);
	if (n <= 0)
		return report("open %s: the cappsule did not start (see above)",
			      j->target);
	idbuf[n] = '\0';
	idbuf[strcspn(idbuf, "\n")] = '\0';
	fprintf(stderr, "virt: %s opens in cappsule %s%s%s%s\n", j->target,
		idbuf, o.policy ? " (policy " : "", o.policy ? o.policy : "",
		o.policy ? ")" : "");
	return 0;
}

int virt_cmd_open(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "rw", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *policy = NULL;
	bool rw = false;
	int opt, i, ret = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+p:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (!policy_name_valid(optarg))
				return report("-p %s: not a policy name",
					      optarg);
			policy = optarg;
			break;
		case 'w':
			rw = true;
			break;
		case 'h':
			virt_help("open", stdout);
			return 0;
		default:
			return virt_fail("open: see `virt help open`");
		}
	}
	if (optind >= argc)
		return report(
			"open: which file or URL? (virt open FILE|URL...)");
	for (i = optind; i < argc; i++) {
		struct open_job j = { .target = argv[i], .rw = rw };
		char path[PATH_MAX];

		if (file_uri_path(argv[i], path, sizeof(path)))
			j.target = path;
		if (open_one(&j, policy))
			ret = VIRT_EXIT_ERROR;
	}
	return ret;
}
