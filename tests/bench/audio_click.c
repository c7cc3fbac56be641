// SPDX-License-Identifier: GPL-2.0
/*
 * audio-click: the two ends of the audio latency benchmark (bench/audio.sh).
 *   audio-click play N     N clicks between stretches of silence; prints
 *                          "play T" (CLOCK_MONOTONIC ns) as each click is
 *                          handed to the sound server
 *   audio-click listen S   records SOURCE (env, default host_out.monitor)
 *                          for S seconds; prints "click T" for each onset,
 *                          dated back by the recording latency
 * Both run through the same libpulse simple API with the same buffers, so
 * played directly or from a cappsule only the path in between differs.
 */
#include <math.h>
#include <pulse/error.h>
#include <pulse/simple.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RATE 48000
#define CH 2
#define CHUNK (RATE / 200) /* 5 ms */
#define THRESH (0.3 * 32768)

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull +
	       (unsigned long long)ts.tv_nsec;
}

static const pa_sample_spec ss = { PA_SAMPLE_S16LE, RATE, CH };

static int play(int n)
{
	static int16_t silence[CHUNK * CH], click[CHUNK * CH];
	pa_buffer_attr a = { (uint32_t)-1, CHUNK * CH * 2 * 2, (uint32_t)-1,
			     (uint32_t)-1, (uint32_t)-1 };
	pa_simple *s;
	int err, i, k;

	/* 2 ms of 3 kHz at 0.8 full scale, then quiet */
	for (k = 0; k < RATE / 500; k++)
		click[k * CH] = click[k * CH + 1] =
			(int16_t)(0.8 * 32767 *
				  sin(2 * M_PI * 3000 * k / RATE));
	s = pa_simple_new(NULL, "audio-click", PA_STREAM_PLAYBACK, NULL,
			  "click", &ss, NULL, &a, &err);
	if (!s) {
		fprintf(stderr, "audio-click: %s\n", pa_strerror(err));
		return 1;
	}
	srand(42);
	for (i = 0; i < n; i++) {
		/* 400-500 ms of silence: no click rides on a period */
		int quiet = 80 + rand() % 20;

		for (k = 0; k < quiet; k++)
			if (pa_simple_write(s, silence, sizeof(silence), &err) <
			    0)
				goto fail;
		printf("play %llu\n", mono_ns());
		fflush(stdout);
		if (pa_simple_write(s, click, sizeof(click), &err) < 0)
			goto fail;
	}
	for (k = 0; k < 60; k++) /* let the last click out */
		if (pa_simple_write(s, silence, sizeof(silence), &err) < 0)
			goto fail;
	pa_simple_drain(s, &err);
	pa_simple_free(s);
	return 0;
fail:
	fprintf(stderr, "audio-click: %s\n", pa_strerror(err));
	pa_simple_free(s);
	return 1;
}

static int listen_for(double seconds)
{
	static int16_t buf[CHUNK * CH];
	pa_buffer_attr a = { (uint32_t)-1, (uint32_t)-1, (uint32_t)-1,
			     (uint32_t)-1, CHUNK * CH * 2 };
	const char *src = getenv("SOURCE");
	unsigned long long end, hold = 0;
	pa_simple *s;
	int err, k;

	s = pa_simple_new(NULL, "audio-click", PA_STREAM_RECORD,
			  src ? src : "host_out.monitor", "listen", &ss, NULL,
			  &a, &err);
	if (!s) {
		fprintf(stderr, "audio-click: %s\n", pa_strerror(err));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	end = mono_ns() + (unsigned long long)(seconds * 1e9);
	while (mono_ns() < end) {
		unsigned long long t;
		pa_usec_t lat;

		if (pa_simple_read(s, buf, sizeof(buf), &err) < 0)
			break;
		t = mono_ns();
		lat = pa_simple_get_latency(s, &err);
		for (k = 0; k < CHUNK; k++) {
			/* when this sample was in the sink's monitor */
			unsigned long long at =
				t - lat * 1000ull -
				(unsigned long long)(CHUNK - k) *
					1000000000ull / RATE;

			if (abs(buf[k * CH]) < THRESH || at < hold)
				continue;
			printf("click %llu\n", at);
			fflush(stdout);
			hold = at + 200000000ull;
		}
	}
	pa_simple_free(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "play"))
		return play(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "listen"))
		return listen_for(atof(argv[2]));
	fprintf(stderr, "usage: audio-click play N | listen SECONDS\n");
	return 2;
}
