// SPDX-License-Identifier: GPL-2.0
/* API framing: partial frames, oversize, fds across a socketpair. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frame.h"
#include "lib.h"

START_TEST(test_extract)
{
	uint8_t buf[16] = { 5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o', 'X' };
	const uint8_t *p;
	uint32_t len;

	ck_assert_int_eq(frame_extract(buf, 3, 100, &p, &len), 0);
	ck_assert_int_eq(frame_extract(buf, 8, 100, &p, &len), 0);
	ck_assert_int_eq(frame_extract(buf, 10, 100, &p, &len), 9);
	ck_assert_uint_eq(len, 5);
	ck_assert(!memcmp(p, "hello", 5));
	ck_assert_int_eq(frame_extract(buf, 10, 4, &p, &len), -EMSGSIZE);
	buf[3] = 0xff; /* a 4 GiB claim */
	ck_assert_int_eq(frame_extract(buf, 10, 1 << 20, &p, &len), -EMSGSIZE);
}
END_TEST

START_TEST(test_send_recv_with_fds)
{
	int sv[2], fds[4], nfds = 0, pipefd[2];
	char *payload = NULL;
	uint32_t len;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(pipe(pipefd), 0);
	ck_assert_int_eq(frame_send(sv[0], "{\"a\":1}", 7, pipefd, 2), 0);
	ck_assert_int_eq(frame_recv(sv[1], 1024, &payload, &len, fds, 4, &nfds),
			 0);
	ck_assert_str_eq(payload, "{\"a\":1}");
	ck_assert_int_eq(nfds, 2);
	/* the received fds are the pipe */
	ck_assert_int_eq(write(pipefd[1], "z", 1), 1);
	{
		char c = 0;

		ck_assert_int_eq(read(fds[0], &c, 1), 1);
		ck_assert_int_eq(c, 'z');
	}
	free(payload);
	/* too large for the receiver */
	ck_assert_int_eq(frame_send(sv[0], "0123456789", 10, NULL, 0), 0);
	ck_assert_int_eq(frame_recv(sv[1], 5, &payload, &len, fds, 4, &nfds),
			 -EMSGSIZE);
	/* after that the stream is out of step: the caller drops it */
	close(sv[0]);
	close(sv[1]);
	/* EOF, even in the middle of a header */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(write(sv[0], "\x05\x00", 2), 2);
	close(sv[0]);
	ck_assert_int_eq(frame_recv(sv[1], 1024, &payload, &len, fds, 4, &nfds),
			 -EPIPE);
	close(sv[1]);
}
END_TEST

Suite *suite_frame(void)
{
	Suite *s = suite_create("frame");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_extract);
	tcase_add_test(tc, test_send_recv_with_fds);
	suite_add_tcase(s, tc);
	return s;
}
