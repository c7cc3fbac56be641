// SPDX-License-Identifier: GPL-2.0
/*
 * ASan's options for the device proxies, linked into each of them (their
 * Makefile.am's SOURCES) and into nothing else; release builds get nothing.
 */

#if defined(__SANITIZE_ADDRESS__)
/*
 * Sanitizer builds (CI) only: ASan keeps freed memory in a quarantine of
 * 256 MiB by default, which alone fills the proxies' 256 MiB memory
 * cgroup (PROXY_MEMORY_MB): slirp frees its socket buffers at every
 * connection's end, and after ~400 connections the kernel's OOM killer
 * ended net-proxy (seen with cgroup v1's memory controller, net.sh's
 * connection-churn check). fs-, gui- and audio-proxy share that limit. A
 * small quarantine keeps what it checks. ASAN_OPTIONS still overrides it.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=16";
}
#else
/* ISO C wants something in a translation unit */
typedef int proxy_asan_unused;
#endif
