// SPDX-License-Identifier: GPL-2.0
/* Audio messages: what each end accepts from the other, and the encoder. */
#include <stdint.h>
#include <string.h>

#include "audio_msg.h"
#include "lib.h"

static const struct audio_fmt fmt = AUDIO_FMT_DEFAULT;

/* HELLO bytes: header then @name. */
static uint32_t hello(uint8_t *buf, uint32_t format, uint32_t rate,
		      uint16_t channels, const char *name, uint16_t name_len)
{
	struct audio_hello h = { .version = AUDIO_PROTO_VERSION,
				 .format = format,
				 .rate = rate,
				 .channels = channels,
				 .name_len = name_len };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), name, name_len);
	return (uint32_t)sizeof(h) + name_len;
}

START_TEST(test_hello)
{
	uint8_t buf[256];
	struct audio_msg m;
	uint32_t n;

	n = hello(buf, AUDIO_FMT_S32LE, 48000, 2, "paplay", 6);
	ck_assert_int_eq(audio_decode(AUDIO_HELLO, buf, n, NULL, true, &m), 0);
	ck_assert_str_eq(m.hello.name, "paplay");
	ck_assert_uint_eq(m.hello.fmt.frame_size, 8);
	ck_assert_uint_eq(m.hello.fmt.rate, 48000);
	n = hello(buf, AUDIO_FMT_S16LE, 44100, 1, "a\x1b[31m\xc3\xa9", 8);
	ck_assert_int_eq(audio_decode(AUDIO_HELLO, buf, n, NULL, true, &m), 0);
	ck_assert_uint_eq(m.hello.fmt.frame_size, 2);
	/* escape sequences and high bytes never reach the host's mixer */
	ck_assert_str_eq(m.hello.name, "a?[31m??");
	n = hello(buf, AUDIO_FMT_S16LE, 44100, 1, "", 0);
	ck_assert_int_eq(audio_decode(AUDIO_HELLO, buf, n, NULL, true, &m), 0);
	ck_assert_str_eq(m.hello.name, "");
}
END_TEST

START_TEST(test_hello_hostile)
{
	uint8_t buf[256] = { 0 };
	struct audio_hello h;
	struct audio_msg m;
	uint32_t n;

	n = hello(buf, 3, 48000, 2, "x", 1); /* unknown format */
	ck_assert_int_eq(audio_decode(AUDIO_HELLO, buf, n, NULL, true, &m),
			 -EPROTO);
	n = hello(buf, AUDIO_FMT_S32LE, 7999, 2, "x", 1);
	ck_assert_int_eq(audio_decode(AUDIO_HELLO, buf, n, NULL, true, &m),
			 -EPROTO);
	n = hello(buf, AUDIO_FMT_S32LE, 192001, 2, "x", 1);
	ck_assert_int_eq(audio_decode(AUDIO_HELLO, buf, n, NULL, true, &m),
			 -EPROTO);
	n = hello(buf, AUDIO_FMT_S32LE, 48000, 0, "x", 1);
	ck_assert_int_eq(audio_decode(AUDIO_HELLO, buf, n, NULL, true, &m),
			 -EPROTO);
	n = hello(buf, AUDIO_FMT_S32LE, 48000, 3, "x", 1);
	ck_assert_int_eq(audio_decode(AUDIO_HELLO, buf, n, NULL, true, &m),
			 -EPROTO);
	/* the name length must be the rest of the message, and bounded */
	n = hello(buf, AUDIO_FMT_S32LE, 48000, 2, "xy", 2);
	ck_assert_int_eq(audio_decode(AUDIO_HELLO, buf, n - 1, NULL, true, &m),
			 -EPROTO);
	ck_assert_int_eq(audio_decode(AUDIO_HELLO, buf, n + 1, NULL, true, &m),
			 -EPROTO);
	memset(buf + sizeof(h), 'a', 100);
	n = hello(buf, AUDIO_FMT_S32LE, 48000, 2, (char *)buf + sizeof(h), 65);
	ck_assert_int_eq(audio_decode(AUDIO_HELLO, buf, n, NULL, true, &m),
			 -EPROTO);
	n = hello(buf, AUDIO_FMT_S32LE, 48000, 2, "x", 1);
	ck_assert_int_eq(audio_decode(AUDIO_HELLO, buf, 15, NULL, true, &m),
			 -EPROTO);
	memcpy(&h, buf, sizeof(h));
	h.version = 2;
	memcpy(buf, &h, sizeof(h));
	ck_assert_int_eq(audio_decode(AUDIO_HELLO, buf, n, NULL, true, &m),
			 -EPROTO);
	/* the host never sends HELLO */
	n = hello(buf, AUDIO_FMT_S32LE, 48000, 2, "x", 1);
	ck_assert_int_eq(audio_decode(AUDIO_HELLO, buf, n, NULL, false, &m),
			 -EPROTO);
}
END_TEST

START_TEST(test_pcm)
{
	static uint8_t buf[AUDIO_MAX_MSG + 64];
	struct audio_pcm p = { .pos = 1000, .t_ns = 5, .frames = 3 };
	uint32_t max = audio_max_frames(&fmt);
	struct audio_msg m;

	memcpy(buf, &p, sizeof(p));
	memset(buf + sizeof(p), 0x5a, 24);
	ck_assert_int_eq(audio_decode(AUDIO_PCM, buf, sizeof(p) + 24, &fmt,
				      true, &m),
			 0);
	ck_assert_uint_eq(m.pcm.frames, 3);
	ck_assert_uint_eq(m.pcm.pos, 1000);
	ck_assert_ptr_eq(m.pcm.data, buf + sizeof(p));
	/* PCM before HELLO (no format yet) */
	ck_assert_int_eq(audio_decode(AUDIO_PCM, buf, sizeof(p) + 24, NULL,
				      true, &m),
			 -EPROTO);
	/* frames must match the bytes exactly: no partial frame, no slack */
	ck_assert_int_eq(audio_decode(AUDIO_PCM, buf, sizeof(p) + 23, &fmt,
				      true, &m),
			 -EPROTO);
	ck_assert_int_eq(audio_decode(AUDIO_PCM, buf, sizeof(p) + 32, &fmt,
				      true, &m),
			 -EPROTO);
	ck_assert_int_eq(audio_decode(AUDIO_PCM, buf, sizeof(p) - 1, &fmt, true,
				      &m),
			 -EPROTO);
	/* a frame count whose product with the frame size wraps 32 bits */
	p.frames = 0x20000003;
	memcpy(buf, &p, sizeof(p));
	ck_assert_int_eq(audio_decode(AUDIO_PCM, buf, sizeof(p) + 24, &fmt,
				      true, &m),
			 -EPROTO);
	p.frames = 0;
	memcpy(buf, &p, sizeof(p));
	ck_assert_int_eq(audio_decode(AUDIO_PCM, buf, sizeof(p), &fmt, true,
				      &m),
			 -EPROTO);
	/* the largest message, and one frame more */
	p.frames = max;
	memcpy(buf, &p, sizeof(p));
	ck_assert_int_eq(audio_decode(AUDIO_PCM, buf, sizeof(p) + max * 8, &fmt,
				      true, &m),
			 0);
	p.frames = max + 1;
	memcpy(buf, &p, sizeof(p));
	ck_assert_int_eq(audio_decode(AUDIO_PCM, buf, sizeof(p) + (max + 1) * 8,
				      &fmt, true, &m),
			 -EPROTO);
	/* MIC goes host -> guest only, PCM guest -> host only */
	p.frames = 3;
	memcpy(buf, &p, sizeof(p));
	ck_assert_int_eq(audio_decode(AUDIO_MIC, buf, sizeof(p) + 24, &fmt,
				      true, &m),
			 -EPROTO);
	ck_assert_int_eq(audio_decode(AUDIO_MIC, buf, sizeof(p) + 24, &fmt,
				      false, &m),
			 0);
	ck_assert_int_eq(audio_decode(AUDIO_PCM, buf, sizeof(p) + 24, &fmt,
				      false, &m),
			 -EPROTO);
}
END_TEST

START_TEST(test_small_messages)
{
	struct audio_idle idle = { .pos = 42 };
	uint8_t junk[16] = { 0 };
	struct audio_msg m;

	ck_assert_int_eq(audio_decode(AUDIO_IDLE, &idle, sizeof(idle), &fmt,
				      true, &m),
			 0);
	ck_assert_uint_eq(m.idle.pos, 42);
	ck_assert_int_eq(audio_decode(AUDIO_IDLE, &idle, 7, &fmt, true, &m),
			 -EPROTO);
	ck_assert_int_eq(
		audio_decode(AUDIO_INPUT_START, junk, 0, NULL, true, &m), 0);
	ck_assert_int_eq(
		audio_decode(AUDIO_INPUT_STOP, junk, 0, NULL, true, &m), 0);
	ck_assert_int_eq(audio_decode(AUDIO_INPUT_START, junk, 1, NULL, true,
				      &m),
			 -EPROTO);
	ck_assert_int_eq(audio_decode(AUDIO_INPUT_START, junk, 0, NULL, false,
				      &m),
			 -EPROTO);
	ck_assert_int_eq(audio_decode(0, junk, 0, NULL, true, &m), -EPROTO);
	ck_assert_int_eq(audio_decode(999, junk, 16, NULL, true, &m), -EPROTO);
	ck_assert_int_eq(audio_decode(AUDIO_IDLE, junk, AUDIO_MAX_MSG + 1, NULL,
				      true, &m),
			 -EPROTO);
}
END_TEST

START_TEST(test_encode_roundtrip)
{
	static uint8_t pcm[AUDIO_MAX_MSG], buf[AUDIO_MAX_MSG];
	uint32_t max = audio_max_frames(&fmt), i;
	struct xchan_fds fds;
	struct xchan host, guest;
	struct ring_msg_hdr h;
	struct audio_msg m;
	int n;

	for (i = 0; i < sizeof(pcm); i++)
		pcm[i] = (uint8_t)(i * 7);
	ck_assert_int_eq(xchan_create(&audio_layout, &fds), 0);
	ck_assert_int_eq(xchan_map(&host, &audio_layout, &fds, true), 0);
	ck_assert_int_eq(xchan_map(&guest, &audio_layout, &fds, false), 0);
	ck_assert_int_eq(
		audio_send_pcm(&guest, AUDIO_PCM, &fmt, 77, 9, pcm, max), 0);
	ck_assert_int_eq(audio_send_pcm(&guest, AUDIO_PCM, &fmt, 77, 9, pcm,
					max + 1),
			 -EINVAL);
	ck_assert_int_eq(audio_send_pcm(&guest, AUDIO_PCM, &fmt, 77, 9, pcm, 0),
			 -EINVAL);
	n = xchan_recv(&host, &h, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(audio_decode(h.type, buf, (uint32_t)n, &fmt, true, &m),
			 0);
	ck_assert_uint_eq(m.pcm.frames, max);
	ck_assert_uint_eq(m.pcm.pos, 77);
	ck_assert(!memcmp(m.pcm.data, pcm, (size_t)max * 8));
	/* a full ring says so (the relay then drops instead of waiting) */
	for (i = 0; i < 64; i++)
		if (audio_send_pcm(&guest, AUDIO_PCM, &fmt, 0, 0, pcm, max))
			break;
	ck_assert_int_eq(audio_send_pcm(&guest, AUDIO_PCM, &fmt, 0, 0, pcm,
					max),
			 -EAGAIN);
	xchan_unmap(&host);
	xchan_unmap(&guest);
	xchan_fds_close(&fds);
}
END_TEST

Suite *suite_audio(void)
{
	Suite *s = suite_create("audio");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_hello);
	tcase_add_test(tc, test_hello_hostile);
	tcase_add_test(tc, test_pcm);
	tcase_add_test(tc, test_small_messages);
	tcase_add_test(tc, test_encode_roundtrip);
	suite_add_tcase(s, tc);
	return s;
}
