// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile fs client: runs the real cappsule-fs-proxy on an xchan of its
 * own and sends it what a compromised cappsule could (malformed, forged,
 * oversized requests, then a corrupted ring). Every bad request must get
 * an error reply, good ones must still work, and a corrupted ring must end
 * the proxy cleanly. Usage: fs_hostile PROXY DIR (DIR is granted "r").
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proto/fs.h"
#include "util.h"
#include "xchan.h"

static struct xchan x;
static int failures;
static uint8_t buf[FS_MAX_MSG];

#define CHECK(cond, ...)                                       \
	do {                                                   \
		if (!(cond)) {                                 \
			fprintf(stderr, "FAIL: " __VA_ARGS__); \
			fputc('\n', stderr);                   \
			failures++;                            \
		}                                              \
	} while (0)

/* Wait for one reply; NULL after 5 s. */
static const struct fs_rep *reply(int *len)
{
	struct ring_msg_hdr hdr;
	int i, n;

	for (i = 0; i < 500; i++) {
		struct pollfd pf = { x.notify_in, POLLIN, 0 };

		n = xchan_recv(&x, &hdr, buf, sizeof(buf));
		if (n >= (int)sizeof(struct fs_rep) && hdr.type == FS_REPLY) {
			*len = n;
			return (const struct fs_rep *)buf;
		}
		poll(&pf, 1, 10);
		xchan_ack(&x);
	}
	return NULL;
}

static const struct fs_rep *send_raw(uint16_t type, const void *msg,
				     uint32_t len, int *rlen)
{
	if (xchan_send(&x, type, msg, len))
		return NULL;
	return reply(rlen);
}

/* A request with a name (or none) and @unique. */
static const struct fs_rep *req(uint16_t type, uint64_t unique, uint64_t node,
				const char *name, int *rlen)
{
	uint8_t msg[sizeof(struct fs_req) + 300];
	struct fs_req h = { .unique = unique, .nodeid = node };

	h.namelen = (uint16_t)(name ? strlen(name) : 0);
	memcpy(msg, &h, sizeof(h));
	if (name)
		memcpy(msg + sizeof(h), name, h.namelen);
	return send_raw(type, msg, (uint32_t)sizeof(h) + h.namelen, rlen);
}

int main(int argc, char **argv)
{
	static const char pol_fmt[] = "{\"filesystem\": {\"%s/**\": \"r\"}}";
	struct xchan_fds fds;
	const struct fs_rep *r;
	char pol[4200], *dir;
	int polfd, len, status, i;
	uint8_t msg[sizeof(struct fs_req) + 64];
	struct fs_hello hello = { .version = FS_PROTO_VERSION };
	struct fs_req h;
	uint64_t node;
	pid_t pid;

	if (argc != 3)
		return 2;
	dir = argv[2];
	if (xchan_create(&fs_layout, &fds) ||
	    xchan_map(&x, &fs_layout, &fds, false))
		return 2;
	snprintf(pol, sizeof(pol), pol_fmt, dir);
	polfd = memfd_create("policy", 0);
	if (polfd < 0 || write(polfd, pol, strlen(pol)) < 0 ||
	    lseek(polfd, 0, SEEK_SET))
		return 2;
	pid = fork();
	if (pid == 0) {
		int f[4] = { fds.mem, fds.h2g, fds.g2h, polfd };

		for (i = 0; i < 4; i++)
			f[i] = fcntl(f[i], F_DUPFD, 100);
		for (i = 0; i < 4; i++)
			dup2(f[i], 3 + i);
		execl(argv[1], argv[1], "--id", "1", "--policy-fd", "6",
		      (char *)NULL);
		_exit(127);
	}
	r = send_raw(FS_HELLO, &hello, sizeof(hello), &len);
	CHECK(r && r->err == 0, "HELLO answered");
	/* walk to DIR: a good request works */
	node = FS_ROOT_ID;
	{
		char path[4096], *s, *save = NULL;

		snprintf(path, sizeof(path), "%s", dir);
		for (s = strtok_r(path, "/", &save); s && node;
		     s = strtok_r(NULL, "/", &save)) {
			r = req(FS_LOOKUP, 7, node, s, &len);
			node = r && !r->err &&
					       len >= (int)(sizeof(*r) +
							    sizeof(struct fs_entry)) ?
				       ((const struct fs_entry *)(r + 1))
					       ->nodeid :
				       0;
		}
	}
	CHECK(node != 0, "lookup of %s", dir);
	/* malformed: each gets an error reply carrying its unique */
	r = req(FS_LOOKUP, 11, node, "..", &len);
	CHECK(r && r->unique == 11 && r->err == -EINVAL, "'..' refused (%d)",
	      r ? r->err : 0);
	r = req(FS_LOOKUP, 12, node, "a/b", &len);
	CHECK(r && r->unique == 12 && r->err == -EINVAL, "'a/b' refused");
	r = req(77, 13, node, NULL, &len);
	CHECK(r && r->unique == 13 && r->err == -EINVAL,
	      "unknown request refused");
	memset(&h, 0, sizeof(h));
	h.unique = 14;
	h.namelen = 60000; /* more than the message holds */
	memcpy(msg, &h, sizeof(h));
	r = send_raw(FS_LOOKUP, msg, sizeof(h) + 8, &len);
	CHECK(r && r->unique == 14 && r->err == -EPROTO,
	      "lying length refused");
	r = send_raw(FS_GETATTR, msg, 5, &len);
	CHECK(r && r->err == -EPROTO, "short header refused");
	r = req(FS_GETATTR, 15, node + (1ull << 40), NULL, &len);
	CHECK(r && r->unique == 15 && r->err == -ESTALE, "forged node refused");
	memset(&h, 0, sizeof(h));
	h.unique = 16;
	h.fh = 12345;
	h.size = 4096;
	memcpy(msg, &h, sizeof(h));
	r = send_raw(FS_READ, msg, sizeof(h), &len);
	CHECK(r && r->unique == 16 && r->err == -EBADF,
	      "forged handle refused");
	h.unique = 17;
	h.size = FS_MAX_IO * 2;
	memcpy(msg, &h, sizeof(h));
	r = send_raw(FS_READ, msg, sizeof(h), &len);
	CHECK(r && r->unique == 17 && r->err == -EINVAL,
	      "oversized read refused");
	for (i = 0; i < 2000;
	     i++) /* a flood of garbage is answered, not fatal */
		if (!req((uint16_t)(i % 40), (uint64_t)i, (uint64_t)i * 7919,
			 "x", &len))
			break;
	CHECK(i == 2000, "garbage flood answered (%d)", i);
	r = req(FS_GETATTR, 18, node, NULL, &len);
	CHECK(r && r->unique == 18 && r->err == 0,
	      "still serving after all that");
	/* a corrupted ring: the proxy stops, cleanly */
	((struct ring_shared *)((uint8_t *)x.base + 4096 +
				ALIGN_UP(ring_mem_size(FS_RING_SIZE), 4096u)))
		->head += 3;
	xchan_kick(&x);
	for (i = 0; i < 500 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(10000);
	CHECK(i < 500, "the proxy stops on a broken ring");
	if (i == 500) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1,
	      "the proxy exits with status 1, not a crash (status %#x)",
	      status);
	printf("%s: %d failures\n", argv[0], failures);
	return failures ? 1 : 0;
}
