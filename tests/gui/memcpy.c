// SPDX-License-Identifier: GPL-2.0
/*
 * gui-memcpy: the ceiling the gui benchmark compares against: how long
 * one copy of a W x H 32-bit frame takes on this machine, hot (the same
 * buffers again) and cold (a new source each time, out of cache).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COLD_BUFS 16

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	size_t w = argc > 2 ? strtoul(argv[1], NULL, 10) : 1920;
	size_t h = argc > 2 ? strtoul(argv[2], NULL, 10) : 1080;
	size_t n = w * h * 4, i;
	uint8_t *dst = malloc(n), *src[COLD_BUFS];
	double hot[100], cold[100], t;

	for (i = 0; i < COLD_BUFS; i++) {
		src[i] = malloc(n);
		if (!src[i])
			return 1;
		memset(src[i], (int)i, n);
	}
	if (!dst)
		return 1;
	memset(dst, 0, n);
	for (i = 0; i < 100; i++) {
		t = now_ms();
		memcpy(dst, src[0], n);
		hot[i] = now_ms() - t;
	}
	for (i = 0; i < 100; i++) {
		t = now_ms();
		memcpy(dst, src[1 + i % (COLD_BUFS - 1)], n);
		cold[i] = now_ms() - t;
	}
	qsort(hot, 100, sizeof(double), cmp);
	qsort(cold, 100, sizeof(double), cmp);
	/* the destination must stay live for the copies to count */
	printf("memcpy %zux%zux4: %.3f ms hot, %.3f ms cold (median): %.0f / %.0f frames/s (%u)\n",
	       w, h, hot[50], cold[50], 1e3 / hot[50], 1e3 / cold[50],
	       dst[n - 1]);
	for (i = 0; i < COLD_BUFS; i++)
		free(src[i]);
	free(dst);
	return 0;
}
