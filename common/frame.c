// SPDX-License-Identifier: GPL-2.0
/* Length-framed messages on unix stream sockets (the daemon's API). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "frame.h"
#include "util.h"

long frame_extract(const uint8_t *buf, size_t buflen, size_t max,
		   const uint8_t **payload, uint32_t *len)
{
	uint32_t untrusted_len;

	if (buflen < FRAME_HDR)
		return 0;
	untrusted_len = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 |
			(uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
	if (untrusted_len > max)
		return -EMSGSIZE;
	if (buflen - FRAME_HDR < untrusted_len)
		return 0;
	*payload = buf + FRAME_HDR;
	*len = untrusted_len;
	return (long)(FRAME_HDR + untrusted_len);
}

int frame_send(int sock, const void *payload, uint32_t len, const int *fds,
	       int nfds)
{
	uint8_t hdr[FRAME_HDR] = { len & 0xff, (len >> 8) & 0xff,
				   (len >> 16) & 0xff, len >> 24 };
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 16)];
	} cbuf;
	struct iovec iov[2] = { { hdr, FRAME_HDR }, { (void *)payload, len } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	size_t total = FRAME_HDR + len, done = 0;

	if (nfds > 16)
		return -EINVAL;
	if (nfds > 0) {
		struct cmsghdr *c;

		memset(&cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
	}
	while (done < total) {
		ssize_t n = sendmsg(sock, &msg, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)n;
		/* fds went with the first chunk; send the rest plainly. */
		msg.msg_control = NULL;
		msg.msg_controllen = 0;
		while (n > 0 && msg.msg_iovlen) {
			size_t step = MIN((size_t)n, msg.msg_iov->iov_len);

			msg.msg_iov->iov_base =
				(char *)msg.msg_iov->iov_base + step;
			msg.msg_iov->iov_len -= step;
			n -= (ssize_t)step;
			if (!msg.msg_iov->iov_len) {
				msg.msg_iov++;
				msg.msg_iovlen--;
			}
		}
	}
	return 0;
}

static int recv_fds(int sock, void *buf, size_t len, int *fds, int maxfds,
		    int *nfds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 16)];
	} cbuf;
	struct iovec iov = { buf, len };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = cbuf.buf,
			      .msg_controllen = sizeof(cbuf.buf) };
	struct cmsghdr *c;
	ssize_t n;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		int *in = (int *)CMSG_DATA(c);
		size_t cnt, i;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < cnt; i++) {
			if (*nfds < maxfds)
				fds[(*nfds)++] = in[i];
			else
				close(in[i]);
		}
	}
	return (int)n;
}

int frame_recv(int sock, size_t max, char **payload, uint32_t *len, int *fds,
	       int maxfds, int *nfds)
{
	uint8_t hdr[FRAME_HDR];
	size_t got = 0;
	uint32_t plen;
	char *buf;
	int n;

	*nfds = 0;
	while (got < FRAME_HDR) {
		n = recv_fds(sock, hdr + got, FRAME_HDR - got, fds, maxfds,
			     nfds);
		if (n < 0)
			return n;
		if (n == 0)
			return -EPIPE;
		got += (size_t)n;
	}
	plen = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 |
	       (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
	if (plen > max)
		return -EMSGSIZE;
	buf = malloc((size_t)plen + 1);
	if (!buf)
		return -ENOMEM;
	for (got = 0; got < plen; got += (size_t)n) {
		n = recv_fds(sock, buf + got, plen - got, fds, maxfds, nfds);
		if (n <= 0) {
			free(buf);
			return n < 0 ? n : -EPIPE;
		}
	}
	buf[plen] = '\0';
	*payload = buf;
	*len = plen;
	return 0;
}
