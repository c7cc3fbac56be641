// SPDX-License-Identifier: GPL-2.0
/* Privilege drop and seccomp filter for what runs inside a cappsule. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "privs.h"
#include "sandbox.h"
#include "util.h"

int sandbox_drop(const struct sandbox_id *id)
{
	gid_t groups[64];
	uint32_t i;

	if (id->ngroups > ARRAY_SIZE(groups))
		return -E2BIG;
	for (i = 0; i < id->ngroups; i++)
		groups[i] = id->groups[i];
	if (setgroups(id->ngroups, groups) < 0)
		return -errno;
	/* uid 0 inside gets no privilege from being uid 0. */
	return privs_drop(id->uid, id->gid);
}

void sandbox_oom_killable(void)
{
	/*
	 * Raising it needs no privilege; should it fail, so did the agent's
	 * own -1000 (no CAP_SYS_RESOURCE) and there is nothing to undo.
	 */
	write_file("/proc/self/oom_score_adj", "0");
}

/*
 * What runs in a cappsule is confined by three stacked filters; the
 * kernel applies the strictest answer of all (KILL over ERRNO over ALLOW):
 *
 *  abi     every number nobody reviewed fails with ENOSYS, so that programs
 *          fall back as on an older kernel; a foreign ABI (i386 through
 *          int 0x80, x32) kills the process. libseccomp cannot compare a
 *          syscall number against a bound, hence these few BPF lines.
 *  base    (libseccomp) known-dangerous calls EPERM, a few by argument,
 *          socket families other than unix, inet, inet6, netlink route,
 *          raw inet sockets and the legacy netfilter setsockopt()s.
 *  userns  (libseccomp) no new user namespace; not loaded for a policy
 *          with "userns": true.
 */
#define X32_SYSCALL_BIT 0x40000000u

static const struct sock_filter abi_insns[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, SANDBOX_SECCOMP_LAST_NR, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

/* x86_64 numbers newer than libseccomp 2.5's table */
#define NR_statmount 457
#define NR_listmount 458
#define NR_open_tree_attr 467

/*
 * Kernel-wide operations and attack surface a cappsule never needs. They
 * fail with EPERM, so programs that probe for them carry on.
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
	NR_open_tree_attr,
	SCMP_SYS(fsopen),
	SCMP_SYS(fsconfig),
	SCMP_SYS(fsmount),
	SCMP_SYS(fspick),
	SCMP_SYS(mount_setattr),
	NR_statmount, /* the host's mount tree, which a cappsule hides */
	NR_listmount,
	SCMP_SYS(swapon),
	SCMP_SYS(swapoff),
	SCMP_SYS(reboot),
	SCMP_SYS(acct),
	SCMP_SYS(syslog),
	SCMP_SYS(quotactl),
	SCMP_SYS(quotactl_fd),
	SCMP_SYS(lookup_dcookie),
	SCMP_SYS(userfaultfd),
	SCMP_SYS(io_uring_setup), /* a kernel of its own behind the ring */
	SCMP_SYS(io_uring_enter),
	SCMP_SYS(io_uring_register),
	SCMP_SYS(modify_ldt), /* 16-bit segments: exploit material only */
	SCMP_SYS(iopl),
	SCMP_SYS(ioperm),
	SCMP_SYS(settimeofday),
	SCMP_SYS(clock_settime),
	SCMP_SYS(clock_adjtime),
	SCMP_SYS(adjtimex),
	SCMP_SYS(setns),
	SCMP_SYS(open_by_handle_at),
	SCMP_SYS(process_vm_writev),
	SCMP_SYS(nfsservctl),
	SCMP_SYS(uselib),
	SCMP_SYS(vhangup),
};

/* Socket families the kernel reads as an int: see socket_rules(). */
static const int bad_low_families[] = {
	AF_UNSPEC, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15,
};

static int add(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned n,
	       const struct scmp_arg_cmp *cmp)
{
	int ret = seccomp_rule_add_array(ctx, action, nr, n, cmp);

	return ret == -EDOM ? 0 : ret; /* -EDOM: not on this arch */
}

/*
 * socket(2) for AF_UNIX (1), AF_INET (2), AF_INET6 (10) and AF_NETLINK
 * (16) with NETLINK_ROUTE (0) only. The kernel reads family and protocol
 * as ints, libseccomp compares 64 bits: a value with high bits set is
 * above 16 and refused, so no mask is needed. The errors are those of a
 * kernel without the family, which programs (libaudit, udev) expect.
 */
static int socket_rules(scmp_filter_ctx ctx)
{
	const uint32_t noaf = SCMP_ACT_ERRNO(EAFNOSUPPORT);
	struct scmp_arg_cmp cmp[2] = { SCMP_A0(SCMP_CMP_GT, AF_NETLINK) };
	size_t i;
	int ret;

	ret = add(ctx, noaf, SCMP_SYS(socket), 1, cmp);
	for (i = 0; !ret && i < ARRAY_SIZE(bad_low_families); i++) {
		cmp[0] = SCMP_A0(SCMP_CMP_EQ, bad_low_families[i]);
		ret = add(ctx, noaf, SCMP_SYS(socket), 1, cmp);
	}
	if (ret)
		return ret;
	cmp[0] = SCMP_A0(SCMP_CMP_EQ, AF_NETLINK);
	cmp[1] = SCMP_A2(SCMP_CMP_NE, NETLINK_ROUTE);
	ret = add(ctx, SCMP_ACT_ERRNO(EPROTONOSUPPORT), SCMP_SYS(socket), 2,
		  cmp);
	if (ret)
		return ret;
	/* only AF_UNIX makes pairs */
	cmp[0] = SCMP_A0(SCMP_CMP_NE, AF_UNIX);
	return add(ctx, noaf, SCMP_SYS(socketpair), 1, cmp);
}

/*
 * What root of a nested network namespace ("userns": true) would reach
 * with inet sockets: raw and SOCK_PACKET sockets, and the legacy
 * iptables, ip6tables, arptables, ebtables and IPVS tables, which any
 * inet socket's setsockopt() feeds to their parsers. Refused with the
 * EPERM a process without CAP_NET_RAW / CAP_NET_ADMIN gets anyway.
 */
static int inet_admin_rules(scmp_filter_ctx ctx)
{
	static const int ip_set[] = { 64, 65, 96, 97, 128, 129 };
	static const int types[] = { SOCK_RAW, SOCK_PACKET };
	static const int families[] = { AF_INET, AF_INET6 };
	const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
	struct scmp_arg_cmp cmp[2];
	int ret = 0, opt;
	size_t i, j;

	for (i = 0; !ret && i < ARRAY_SIZE(families); i++)
		for (j = 0; !ret && j < ARRAY_SIZE(types); j++) {
			cmp[0] = SCMP_A0(SCMP_CMP_EQ, families[i]);
			cmp[1] = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, types[j]);
			ret = add(ctx, eperm, SCMP_SYS(socket), 2, cmp);
		}
	/* level and optname are ints: compare their low 32 bits */
	cmp[0] = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, SOL_IP);
	for (i = 0; !ret && i < ARRAY_SIZE(ip_set); i++) {
		cmp[1] = SCMP_A2(SCMP_CMP_MASKED_EQ, 0xffffffffu, ip_set[i]);
		ret = add(ctx, eperm, SCMP_SYS(setsockopt), 2, cmp);
	}
	for (opt = 1152; !ret && opt < 1152 + 16; opt++) { /* IP_VS_SO_SET_* */
		cmp[1] = SCMP_A2(SCMP_CMP_MASKED_EQ, 0xffffffffu, opt);
		ret = add(ctx, eperm, SCMP_SYS(setsockopt), 2, cmp);
	}
	cmp[0] = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, SOL_IPV6);
	for (opt = 64; !ret && opt <= 65; opt++) { /* IP6T_SO_SET_* */
		cmp[1] = SCMP_A2(SCMP_CMP_MASKED_EQ, 0xffffffffu, opt);
		ret = add(ctx, eperm, SCMP_SYS(setsockopt), 2, cmp);
	}
	return ret;
}

static int base_rules(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp cmp;
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < ARRAY_SIZE(deny); i++)
		ret = add(ctx, SCMP_ACT_ERRNO(EPERM), deny[i], 0, NULL);
	if (ret)
		return ret;
	/*
	 * personality(): asking (0xffffffff) only. PER_LINUX32 and
	 * READ_IMPLIES_EXEC change the address space layout and make data
	 * executable. Any value with high bits set is above 0xffffffff.
	 */
	cmp = SCMP_A0(SCMP_CMP_LT, 0xffffffffu);
	ret = add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 1, &cmp);
	cmp = SCMP_A0(SCMP_CMP_GT, 0xffffffffu);
	if (!ret)
		ret = add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 1,
			  &cmp);
	/* Typing into a terminal someone else reads. */
	cmp = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI);
	if (!ret)
		ret = add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1, &cmp);
	cmp = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCLINUX);
	if (!ret)
		ret = add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1, &cmp);
	/*
	 * clone3's flags are in memory, where seccomp cannot look: ENOSYS,
	 * and libc falls back to clone, whose flags the userns filter sees.
	 */
	if (!ret)
		ret = add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0,
			  NULL);
	if (!ret)
		ret = socket_rules(ctx);
	if (!ret)
		ret = inet_admin_rules(ctx);
	return ret;
}

/*
 * No user namespace: the gate to nf_tables, AF_PACKET, mounts and much
 * more kernel code run as "root". setns is refused by the base filter.
 */
static int userns_rules(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp cmp =
		SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER);
	int ret;

	ret = add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1, &cmp);
	if (!ret)
		ret = add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
			  &cmp);
	return ret;
}

/* One compiled filter, made once by sandbox_seccomp_prepare(). */
struct prog {
	struct sock_filter insns[BPF_MAXINSNS];
	unsigned short len;
};

static struct prog base, nouserns;
static bool userns;

/*
 * libseccomp compiles @rules into @out. For the native ABI only: libseccomp
 * kills a foreign one, as the abi filter does. The program is read back
 * from a memfd (libseccomp 2.5 exports only to a descriptor).
 */
static int compile(int (*rules)(scmp_filter_ctx), struct prog *out)
{
	scmp_filter_ctx ctx;
	ssize_t n;
	off_t len;
	int fd = -1, ret;

	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
			       SCMP_ACT_KILL_PROCESS);
	if (!ret)
		ret = rules(ctx);
	if (ret)
		goto out;
	fd = memfd_create("cappsule-seccomp", MFD_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	ret = seccomp_export_bpf(ctx, fd);
	if (ret)
		goto out;
	len = lseek(fd, 0, SEEK_END);
	if (len <= 0 || len % sizeof(out->insns[0]) ||
	    (size_t)len > sizeof(out->insns)) {
		ret = -E2BIG;
		goto out;
	}
	n = pread(fd, out->insns, (size_t)len, 0);
	if (n != len) {
		ret = n < 0 ? -errno : -EIO;
		goto out;
	}
	out->len = (unsigned short)(len / sizeof(out->insns[0]));
out:
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	return ret;
}

/*
 * Done once, before START: the ~0.4 ms libseccomp takes is off the launch
 * path.
 */
int sandbox_seccomp_prepare(void)
{
	int ret = 0;

	if (!base.len)
		ret = compile(base_rules, &base);
	if (!ret && !nouserns.len)
		ret = compile(userns_rules, &nouserns);
	return ret;
}

void sandbox_seccomp_userns(bool allow)
{
	userns = allow;
}

bool sandbox_seccomp_userns_allowed(void)
{
	return userns;
}

static int load(const struct sock_filter *insns, unsigned short len)
{
	struct sock_fprog prog = { .len = len,
				   .filter = (struct sock_filter *)insns };

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return -errno;
	return 0;
}

int sandbox_seccomp(void)
{
	int ret = sandbox_seccomp_prepare();

	if (ret)
		return ret;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	ret = load(abi_insns, ARRAY_SIZE(abi_insns));
	if (!ret)
		ret = load(base.insns, base.len);
	if (!ret && !userns)
		ret = load(nouserns.insns, nouserns.len);
	return ret;
}

/* Keep exactly @fds (moved to SANDBOX_RELAY_FD...) open. */
static int keep_only(int *fds, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (fcntl(fds[i], F_DUPFD_CLOEXEC, SANDBOX_RELAY_FD + i) !=
		    SANDBOX_RELAY_FD + i)
			return -EBADF;
		fds[i] = SANDBOX_RELAY_FD + i;
	}
	if (syscall(SYS_close_range, 3, SANDBOX_RELAY_FD - 1, 0) < 0 ||
	    syscall(SYS_close_range, SANDBOX_RELAY_FD + n, ~0u, 0) < 0)
		return -errno;
	return 0;
}

int sandbox_relay(const struct sandbox_id *id, const char *name, int *fds,
		  int n)
{
	sigset_t none;
	int i, err;

	for (i = 1; i < NSIG; i++)
		signal(i, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_NAME, name);
	err = keep_only(fds, n);
	if (!err)
		err = sandbox_drop(id);
	/* After the identity change, which clears it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (!err && prctl(PR_SET_DUMPABLE, 0) < 0)
		err = -errno;
	if (!err)
		err = sandbox_seccomp();
	return err;
}
