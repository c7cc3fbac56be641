// SPDX-License-Identifier: GPL-2.0
/*
 * audio-flood: a hostile cappsule against a real cappsule-audio-proxy.
 * Creates an audio xchan, starts PROXY on it (as the daemon would: fds
 * 3-5, policy on fd 6), then for SECONDS sends what a hostile agent can:
 * floods of valid PCM, bad lengths, absurd positions, random types and
 * bytes, repeated HELLOs, IDLE and microphone requests the policy denies.
 * The proxy must stay up with bounded memory and end cleanly on SIGTERM;
 * a second proxy whose ring we corrupt must stop with an error, not crash.
 * Prints what it measured; exit 0 only if all of that held.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audio_msg.h"
#include "proxy_exit.h"
#include "util.h"

#define RSS_GROWTH_MAX_KB (32 * 1024)

static const char policy_json[] =
	"{ \"name\": \"flood\", \"audio\": { \"output\": true, \"input\": false } }";

static pid_t start_proxy(const char *proxy, struct xchan_fds *fds)
{
	int pol = memfd_create("policy", 0);
	pid_t pid;

	if (pol < 0 || write_all(pol, policy_json, strlen(policy_json)) ||
	    lseek(pol, 0, SEEK_SET) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int src[4] = { fds->mem, fds->h2g, fds->g2h, pol }, i;

		for (i = 0; i < 4; i++)
			src[i] = fcntl(src[i], F_DUPFD, 100);
		for (i = 0; i < 4; i++)
			if (dup2(src[i], 3 + i) < 0)
				_exit(126);
		syscall(SYS_close_range, 7, ~0u, 0);
		execl(proxy, proxy, "--id", "99", "--policy-fd", "6",
		      (char *)NULL);
		_exit(127);
	}
	close(pol);
	return pid;
}

static long rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int send_hello(struct xchan *x, uint32_t format, const char *name)
{
	struct audio_hello h = { .version = AUDIO_PROTO_VERSION,
				 .format = format,
				 .rate = 48000,
				 .channels = 2,
				 .name_len = (uint16_t)strlen(name) };
	struct iovec iov[2] = { { &h, sizeof(h) },
				{ (void *)name, h.name_len } };

	return xchan_sendv(x, AUDIO_HELLO, iov, 2);
}

/* Wait up to @ms for @pid; its wait status, or -1 if it still runs. */
static int wait_ms(pid_t pid, int ms)
{
	int status, i;

	for (i = 0; i < ms / 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10000);
	}
	return -1;
}

static void hostile_round(struct xchan *x, unsigned i, uint64_t *pos,
			  unsigned long *sent)
{
	static uint8_t buf[AUDIO_MAX_MSG];
	const struct audio_fmt f = AUDIO_FMT_DEFAULT;
	uint32_t max = audio_max_frames(&f), n, k;
	struct audio_pcm p;
	struct audio_idle idle;

	for (k = 0; k < sizeof(buf); k += 4)
		*(uint32_t *)(buf + k) = (uint32_t)random();
	switch (i % 8) {
	case 0: /* valid PCM, as fast as the ring takes it */
		for (k = 0; k < 64; k++, *pos += max)
			if (audio_send_pcm(x, AUDIO_PCM, &f, *pos, 0, buf, max))
				break;
		*sent += k;
		return;
	case 1: /* frames and bytes disagree */
		p = (struct audio_pcm){ .pos = *pos, .frames = 100 };
		memcpy(buf, &p, sizeof(p));
		n = sizeof(p) + 99 * 8;
		break;
	case 2: /* a position far ahead, then a gap exactly at the fill limit */
		audio_send_pcm(x, AUDIO_PCM, &f, *pos + (1ull << 60), 0, buf,
			       1);
		*pos += 4800 + 1;
		audio_send_pcm(x, AUDIO_PCM, &f, *pos, 0, buf, 1);
		*pos += 1;
		*sent += 2;
		return;
	case 3: /* anything at all */
		n = (uint32_t)random() % AUDIO_MAX_MSG;
		if (xchan_send(x, (uint16_t)random(), buf, n) == 0)
			(*sent)++;
		return;
	case 4:
		send_hello(x, AUDIO_FMT_S16LE, "\x1b]0;pwned\x07");
		*sent += 1;
		return;
	case 5:
		idle.pos = *pos;
		xchan_send(x, AUDIO_IDLE, &idle, sizeof(idle));
		audio_send_pcm(x, AUDIO_PCM, &f, *pos, 0, buf, 16);
		*pos += 16;
		*sent += 2;
		return;
	case 6: /* the policy has no microphone */
		xchan_send(x, AUDIO_INPUT_START, NULL, 0);
		xchan_send(x, AUDIO_INPUT_STOP, NULL, 0);
		*sent += 2;
		return;
	default: /* backwards */
		audio_send_pcm(x, AUDIO_PCM, &f, *pos - 100000, 0, buf, 10);
		*sent += 1;
		return;
	}
	if (xchan_send(x, AUDIO_PCM, buf, n) == 0)
		(*sent)++;
}

int main(int argc, char **argv)
{
	struct xchan_fds fds;
	struct xchan x;
	unsigned long sent = 0;
	long rss0, rss, rss_max = 0;
	uint64_t pos = 0, end;
	const char *proxy;
	int status, failed = 0;
	unsigned i = 0;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: audio-flood PROXY SECONDS\n");
		return 2;
	}
	proxy = argv[1];
	signal(SIGPIPE, SIG_IGN);
	if (xchan_create(&audio_layout, &fds) ||
	    (pid = start_proxy(proxy, &fds)) < 0 ||
	    xchan_map(&x, &audio_layout, &fds, false)) {
		perror("audio-flood: set-up");
		return 1;
	}
	send_hello(&x, AUDIO_FMT_S32LE, "flood\x1b[31m");
	/* Warm up with sound the proxy plays, then measure from there. */
	end = now_ns() + 1000000000ull;
	while (now_ns() < end) {
		hostile_round(&x, 0, &pos, &sent);
		usleep(10000);
	}
	rss0 = rss_kb(pid);
	end = now_ns() + (uint64_t)atoi(argv[2]) * 1000000000ull;
	while (now_ns() < end) {
		hostile_round(&x, i++, &pos, &sent);
		if (!(i % 64)) {
			rss = rss_kb(pid);
			rss_max = MAX(rss_max, rss);
			if (rss < 0 || waitpid(pid, &status, WNOHANG) == pid) {
				printf("FAIL: the proxy died under the flood\n");
				return 1;
			}
			usleep(1000);
		}
	}
	printf("sent %lu hostile messages in %s s; proxy RSS %ld kB after warm-up, at most %ld kB during the flood\n",
	       sent, argv[2], rss0, rss_max);
	if (rss_max - rss0 > RSS_GROWTH_MAX_KB) {
		printf("FAIL: the proxy's memory grew by %ld kB\n",
		       rss_max - rss0);
		failed = 1;
	}
	kill(pid, SIGTERM);
	status = wait_ms(pid, 3000);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("FAIL: the proxy did not end cleanly on SIGTERM (status %d)\n",
		       status);
		if (status == -1)
			kill(pid, SIGKILL);
		failed = 1;
	} else {
		printf("ok: the proxy ended cleanly on SIGTERM\n");
	}
	xchan_unmap(&x);
	xchan_fds_close(&fds);

	/* A ring that breaks the rules: the proxy stops, with an error. */
	if (xchan_create(&audio_layout, &fds) ||
	    (pid = start_proxy(proxy, &fds)) < 0 ||
	    xchan_map(&x, &audio_layout, &fds, false))
		return 1;
	send_hello(&x, AUDIO_FMT_S32LE, "broken");
	usleep(300000);
	__atomic_store_n(&x.tx.sh->head, x.tx.sh->head + 3 * AUDIO_RING_SIZE,
			 __ATOMIC_RELEASE);
	xchan_kick(&x);
	status = wait_ms(pid, 3000);
	if (status == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != PROXY_EXIT_VIOLATION) {
		printf("FAIL: a corrupted ring did not stop the proxy with status %d, a violation (status %d)\n",
		       PROXY_EXIT_VIOLATION, status);
		if (status == -1)
			kill(pid, SIGKILL);
		failed = 1;
	} else {
		printf("ok: a corrupted ring stops the proxy with status %d, a violation\n",
		       PROXY_EXIT_VIOLATION);
	}
	xchan_unmap(&x);
	xchan_fds_close(&fds);
	return failed;
}
