# Attacks run inside a cappsule (or, as the control, on the host) by the
# escape suite: each prints one line, "OK ..." when the attack worked,
# "REFUSED <errno name>" when the kernel said no. Python's ctypes reaches
# the raw syscalls that no shell tool makes.
#   attack.py connect PATH|@ABSTRACT   attack.py ptrace PID
#   attack.py vm_readv PID             attack.py pidfd PID
#   attack.py syscall NAME             attack.py mknod PATH
import ctypes
import errno
import os
import socket
import sys

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
NR = {"mount": 165, "umount2": 166, "pivot_root": 155, "init_module": 175,
      "finit_module": 313, "delete_module": 176, "kexec_load": 246,
      "kexec_file_load": 320, "swapon": 167, "swapoff": 168, "reboot": 169,
      "ptrace": 101, "process_vm_readv": 310, "pidfd_open": 434,
      "chroot": 161, "settimeofday": 164, "sethostname": 170,
      "iopl": 172, "ioperm": 173, "open_tree": 428, "fsopen": 430}


def result(ret):
    if ret >= 0:
        print("OK", ret)
    else:
        e = ctypes.get_errno()
        print("REFUSED", errno.errorcode.get(e, str(e)))


def sc(name, *args):
    return libc.syscall(ctypes.c_long(NR[name]), *args)


def connect(addr):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(3)
    if addr.startswith("@"):
        addr = "\0" + addr[1:]
    try:
        s.connect(addr)
        print("OK connected")
    except OSError as e:
        print("REFUSED", errno.errorcode.get(e.errno, str(e.errno)))


def syscall(name):
    c = ctypes
    if name == "mount":
        return sc(name, b"none", b"/tmp", b"tmpfs", c.c_ulong(0), None)
    if name == "umount2":
        return sc(name, b"/", 2)  # MNT_DETACH
    if name == "pivot_root":
        return sc(name, b"/tmp", b"/tmp")
    if name == "init_module":
        buf = c.create_string_buffer(b"\x7fELF" + b"\0" * 60)
        return sc(name, buf, c.c_ulong(64), b"")
    if name == "finit_module":
        fd = os.open("/etc/passwd", os.O_RDONLY)
        return sc(name, fd, b"", 0)
    if name == "delete_module":
        return sc(name, b"loop", 0o4000)  # O_NONBLOCK
    if name == "kexec_load":
        return sc(name, c.c_ulong(0), c.c_ulong(0), None, c.c_ulong(0))
    if name == "kexec_file_load":
        return sc(name, -1, -1, c.c_ulong(0), None, c.c_ulong(8))  # unload
    if name == "swapon":
        return sc(name, b"/etc/passwd", 0)
    if name == "swapoff":
        return sc(name, b"/etc/passwd")
    if name == "reboot":
        # LINUX_REBOOT_CMD_CAD_OFF: harmless even where it is allowed
        return sc(name, c.c_int(0xfee1dead), 672274793, 0, None)
    if name == "settimeofday":
        return sc(name, None, None)
    if name == "iopl":
        return sc(name, 3)
    if name == "ioperm":
        return sc(name, c.c_ulong(0x80), c.c_ulong(1), 1)
    if name == "open_tree":
        return sc(name, -100, b"/", 1 | 0x80000)  # OPEN_TREE_CLONE|CLOEXEC
    if name == "fsopen":
        return sc(name, b"tmpfs", 0)
    raise SystemExit("unknown syscall " + name)


def main():
    what, arg = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else ""
    if what == "connect":
        connect(arg)
    elif what == "ptrace":
        result(sc("ptrace", 16, int(arg), None, None))  # PTRACE_ATTACH
    elif what == "vm_readv":
        buf = ctypes.create_string_buffer(16)
        iov = (ctypes.c_void_p * 2)(ctypes.addressof(buf), 16)
        riov = (ctypes.c_void_p * 2)(0x400000, 16)
        result(sc("process_vm_readv", int(arg), iov, ctypes.c_ulong(1),
                  riov, ctypes.c_ulong(1), ctypes.c_ulong(0)))
    elif what == "pidfd":
        result(sc("pidfd_open", int(arg), 0))
    elif what == "syscall":
        result(syscall(arg))
    elif what == "mknod":
        try:
            os.mknod(arg, 0o600 | 0o020000, os.makedev(1, 1))  # /dev/mem
            print("OK made")
        except OSError as e:
            print("REFUSED", errno.errorcode.get(e.errno, str(e.errno)))
    else:
        raise SystemExit("unknown attack " + what)


main()
