// SPDX-License-Identifier: GPL-2.0
/* Privilege drop and seccomp filter for what runs inside a cappsule. */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/securebits.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "sandbox.h"
#include "util.h"

int sandbox_drop(const struct sandbox_id *id)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
						0 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	gid_t groups[64];
	uint32_t i;
	int cap;

	if (id->ngroups > ARRAY_SIZE(groups))
		return -E2BIG;
	for (i = 0; i < id->ngroups; i++)
		groups[i] = id->groups[i];
	if (setgroups(id->ngroups, groups) < 0)
		return -errno;
	/* uid 0 inside gets no privilege from being uid 0. */
	if (prctl(PR_SET_SECUREBITS,
		  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
			  SECBIT_NO_CAP_AMBIENT_RAISE |
			  SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED) < 0)
		return -errno;
	for (cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return -errno;
	if (setresgid(id->gid, id->gid, id->gid) < 0 ||
	    setresuid(id->uid, id->uid, id->uid) < 0)
		return -errno;
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

void sandbox_oom_killable(void)
{
	/*
	 * Raising it needs no privilege; should it fail, so did the agent's
	 * own -1000 (no CAP_SYS_RESOURCE) and there is nothing to undo.
	 */
	write_file("/proc/self/oom_score_adj", "0");
}

/* The filter as BPF, made once by sandbox_seccomp_prepare(). */
#define FILTER_MAX 4096 /* instructions: BPF_MAXINSNS */
static struct sock_filter filter[FILTER_MAX];
static unsigned short filter_len;

static int build(scmp_filter_ctx *out)
{
	/*
	 * Kernel-wide operations and attack surface a cappsule never needs.
	 * They fail with EPERM, so programs that probe for them carry on.
	 */
	static const int deny[] = {
		SCMP_SYS(init_module),
		SCMP_SYS(finit_module),
		SCMP_SYS(delete_module),
		SCMP_SYS(kexec_load),
		SCMP_SYS(kexec_file_load),
		SCMP_SYS(bpf),
		SCMP_SYS(perf_event_open),
		SCMP_SYS(keyctl),
		SCMP_SYS(add_key),
		SCMP_SYS(request_key),
		SCMP_SYS(mount),
		SCMP_SYS(umount2),
		SCMP_SYS(pivot_root),
		SCMP_SYS(move_mount),
		SCMP_SYS(open_tree),
		SCMP_SYS(fsopen),
		SCMP_SYS(fsconfig),
		SCMP_SYS(fsmount),
		SCMP_SYS(fspick),
		SCMP_SYS(mount_setattr),
		SCMP_SYS(swapon),
		SCMP_SYS(swapoff),
		SCMP_SYS(reboot),
		SCMP_SYS(acct),
		SCMP_SYS(syslog),
		SCMP_SYS(quotactl),
		SCMP_SYS(lookup_dcookie),
		SCMP_SYS(userfaultfd),
		SCMP_SYS(iopl),
		SCMP_SYS(ioperm),
		SCMP_SYS(settimeofday),
		SCMP_SYS(clock_settime),
		SCMP_SYS(clock_adjtime),
		SCMP_SYS(adjtimex),
		SCMP_SYS(setns),
		SCMP_SYS(process_vm_writev),
		SCMP_SYS(nfsservctl),
		SCMP_SYS(uselib),
		SCMP_SYS(vhangup),
	};
	scmp_filter_ctx ctx;
	size_t i;
	int ret;

	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	/* The same rules for 32-bit and x32 processes. */
	ret = seccomp_arch_add(ctx, SCMP_ARCH_X86);
	if (ret && ret != -EEXIST)
		goto out;
	ret = seccomp_arch_add(ctx, SCMP_ARCH_X32);
	if (ret && ret != -EEXIST)
		goto out;
	for (i = 0; i < ARRAY_SIZE(deny); i++) {
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), deny[i], 0);
		if (ret && ret != -EDOM) /* -EDOM: not on this arch */
			goto out;
	}
	/* Typing into a terminal someone else reads. */
	ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
			       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu,
				       TIOCSTI));
	if (!ret)
		ret = seccomp_rule_add(
			ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
			SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCLINUX));
	if (ret)
		goto out;
	*out = ctx;
	return 0;
out:
	seccomp_release(ctx);
	return ret;
}

/*
 * libseccomp compiles the rules into BPF; done once, before START, the
 * ~0.35 ms it costs is off the launch path. The program is read back from
 * a memfd (libseccomp 2.5 exports only to a descriptor).
 */
int sandbox_seccomp_prepare(void)
{
	scmp_filter_ctx ctx;
	ssize_t n;
	off_t len;
	int fd, ret;

	if (filter_len)
		return 0;
	ret = build(&ctx);
	if (ret)
		return ret;
	fd = memfd_create("cappsule-seccomp", MFD_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	ret = seccomp_export_bpf(ctx, fd);
	if (ret)
		goto out;
	len = lseek(fd, 0, SEEK_END);
	if (len <= 0 || len % sizeof(filter[0]) ||
	    (size_t)len > sizeof(filter)) {
		ret = -E2BIG;
		goto out;
	}
	n = pread(fd, filter, (size_t)len, 0);
	if (n != len) {
		ret = n < 0 ? -errno : -EIO;
		goto out;
	}
	filter_len = (unsigned short)(len / sizeof(filter[0]));
out:
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	return ret;
}

int sandbox_seccomp(void)
{
	struct sock_fprog prog;
	int ret = sandbox_seccomp_prepare();

	if (ret)
		return ret;
	prog.len = filter_len;
	prog.filter = filter;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return -errno;
	return 0;
}
