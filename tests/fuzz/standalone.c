// SPDX-License-Identifier: GPL-2.0
/*
 * Runs a libFuzzer harness over files, without libFuzzer: `make check`
 * replays every seed and crash reproducer under gcc and the sanitizers;
 * `make fuzz` links the same harness with clang's libFuzzer instead.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int i, count = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;
		struct dirent *d;
		DIR *dp;

		if (stat(argv[i], &st) < 0) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (run_file(argv[i]))
				return 1;
			count++;
			continue;
		}
		dp = opendir(argv[i]);
		while (dp && (d = readdir(dp))) {
			char path[4096];

			if (d->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i],
				 d->d_name);
			if (run_file(path))
				return 1;
			count++;
		}
		if (dp)
			closedir(dp);
	}
	printf("%s: %d inputs replayed\n", argv[0], count);
	return count ? 0 : 1;
}
