# The first window of a launch on the host display, watched without
# polling (tests/bench/apps.sh, apps_ab.sh): a client of the host's X
# server (libX11 through ctypes) that hears every top-level window's map
# and title change, so that the watcher takes no CPU from the launch it
# times (a loop of `xdotool search` took most of one of the 2 CPUs).
# With no window manager, top-level windows are the root's children.
import ctypes, ctypes.util, os, re, select, signal, subprocess, time

_x = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
_x.XOpenDisplay.restype = ctypes.c_void_p
_x.XOpenDisplay.argtypes = [ctypes.c_char_p]
_x.XDefaultRootWindow.restype = ctypes.c_ulong
_x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
_x.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
_x.XConnectionNumber.argtypes = [ctypes.c_void_p]
_x.XPending.argtypes = [ctypes.c_void_p]
_x.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
_x.XInternAtom.restype = ctypes.c_ulong
_x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
_x.XGetWindowProperty.argtypes = [
    ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long,
    ctypes.c_long, ctypes.c_int, ctypes.c_ulong,
    ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_int),
    ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_ulong),
    ctypes.POINTER(ctypes.c_void_p)]
_x.XFree.argtypes = [ctypes.c_void_p]
_x.XQueryTree.argtypes = [
    ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
    ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_void_p),
    ctypes.POINTER(ctypes.c_uint)]
_x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
_x.XSetErrorHandler.argtypes = [ctypes.c_void_p]

MAP_NOTIFY, UNMAP_NOTIFY, DESTROY_NOTIFY, PROPERTY_NOTIFY = 19, 18, 17, 28
SUBSTRUCTURE_NOTIFY, PROPERTY_CHANGE = 1 << 19, 1 << 22
_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(
    lambda d, e: 0)  # a window gone between event and request: ignored


class Watcher:
    def __init__(self):
        self.d = _x.XOpenDisplay(None)
        if not self.d:
            raise RuntimeError("cannot open the host display")
        _x.XSetErrorHandler(ctypes.cast(_HANDLER, ctypes.c_void_p))
        self.root = _x.XDefaultRootWindow(self.d)
        self.names = [_x.XInternAtom(self.d, b"_NET_WM_NAME", 0), 39]  # WM_NAME
        _x.XSelectInput(self.d, self.root, SUBSTRUCTURE_NOTIFY)
        self.mapped = set()
        self.ev = ctypes.create_string_buffer(192)

    def _title(self, w):
        for a in self.names:
            t, f = ctypes.c_ulong(), ctypes.c_int()
            n, left, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
            if _x.XGetWindowProperty(self.d, w, a, 0, 1024, 0, 0, ctypes.byref(t),
                                     ctypes.byref(f), ctypes.byref(n),
                                     ctypes.byref(left), ctypes.byref(data)) == 0 and data.value:
                s = ctypes.string_at(data.value, n.value).decode("utf-8", "replace")
                _x.XFree(data)
                if s:
                    return s
        return ""

    def _drain(self):
        while _x.XPending(self.d):
            _x.XNextEvent(self.d, self.ev)
            typ = ctypes.c_int.from_buffer(self.ev, 0).value
            win = ctypes.c_ulong.from_buffer(self.ev, 40).value
            if typ == MAP_NOTIFY:
                self.mapped.add(win)
                _x.XSelectInput(self.d, win, PROPERTY_CHANGE)
            elif typ in (UNMAP_NOTIFY, DESTROY_NOTIFY):
                self.mapped.discard(win)
            elif typ == PROPERTY_NOTIFY:
                win = ctypes.c_ulong.from_buffer(self.ev, 32).value
            yield win

    def reset(self):
        _x.XSync(self.d, 0)
        for _ in self._drain():
            pass
        self.mapped.clear()

    def wait(self, regex, proc, timeout=60):
        """ms from now to a mapped window whose title matches, None if
        @proc ended or the timeout passed first."""
        rx, fd = re.compile(regex), _x.XConnectionNumber(self.d)
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            for w in list(self._drain()):
                if w in self.mapped and rx.search(self._title(w)):
                    return (time.perf_counter() - t0) * 1000
            if proc.poll() is not None:
                return None
            select.select([fd], [], [], 0.05)
            _x.XSync(self.d, 0)
        return None

    def gone(self, regex, timeout=10):
        rx, end = re.compile(regex), time.perf_counter() + timeout
        while time.perf_counter() < end:
            for _ in self._drain():
                pass
            if not any(rx.search(self._title(w)) for w in self.mapped):
                return True
            time.sleep(0.05)
        return False


def launch(watcher, cmd, regex, timeout=60, log=None):
    """ms from the command's start to its first window, then ended."""
    err = open(log, "w") if log else subprocess.DEVNULL
    watcher.reset()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=err,
                         stderr=err, start_new_session=True)
    dt = watcher.wait(regex, p, timeout)
    try:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(10)
    except ProcessLookupError:
        p.wait()
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    watcher.gone(regex)
    time.sleep(0.3)
    return dt


class PollWatcher:
    """The former way, for comparison (APPS_WATCH=xdotool): `xdotool
    search` in a loop, a process each time."""

    @staticmethod
    def _shown(regex):
        return subprocess.run(["xdotool", "search", "--onlyvisible", "--name", regex],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0

    def reset(self):
        pass

    def wait(self, regex, proc, timeout=60):
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            if self._shown(regex):
                return (time.perf_counter() - t0) * 1000
            if proc.poll() is not None:
                return None
        return None

    def gone(self, regex, timeout=10):
        end = time.perf_counter() + timeout
        while self._shown(regex) and time.perf_counter() < end:
            time.sleep(0.05)


def watcher():
    return PollWatcher() if os.environ.get("APPS_WATCH") == "xdotool" else Watcher()
