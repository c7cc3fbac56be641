#!/usr/bin/env python3
# What the launcher's window shows, read through AT-SPI (the accessibility
# bus, as a screen reader reads it), and its buttons pressed the same way:
#   atspi.py dump APP                  -> "role|name|text" of each showing node
#   atspi.py wait APP ROLE REGEX SECS  -> exit 0 once such a node shows
#   atspi.py gone APP ROLE REGEX SECS  -> exit 0 once none shows
#   atspi.py press APP ROLE REGEX      -> its first action (click), exit 0
import re
import sys
import time
import warnings

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

# get_text_iface() and friends are deprecated for properties that are
# not in Debian 12's bindings yet
warnings.filterwarnings("ignore", category=DeprecationWarning)


def app_named(name):
    desk = Atspi.get_desktop(0)
    for i in range(desk.get_child_count()):
        a = desk.get_child_at_index(i)
        if a is not None and a.get_name() == name:
            return a
    return None


def text_of(node):
    try:
        t = node.get_text_iface()
        if t is not None:
            return t.get_text(0, t.get_character_count())
    except Exception:
        pass
    return ""


def walk(node, depth=0):
    """Showing nodes, depth first (hidden subtrees are not entered)."""
    if node is None or depth > 40:
        return
    try:
        states = node.get_state_set()
        if depth > 1 and not states.contains(Atspi.StateType.SHOWING):
            return
        yield node
        for i in range(node.get_child_count()):
            yield from walk(node.get_child_at_index(i), depth + 1)
    except Exception:
        return


def nodes(app):
    a = app_named(app)
    if a is None:
        return []
    out = []
    for n in walk(a):
        try:
            out.append((n, n.get_role_name(), n.get_name() or "", text_of(n)))
        except Exception:
            pass
    return out


def matching(app, role, regex):
    r = re.compile(regex)
    return [n for n, ro, na, tx in nodes(app)
            if ro == role and (r.search(na) or r.search(tx))]


def main():
    cmd, app = sys.argv[1], sys.argv[2]
    if cmd == "dump":
        for n, ro, na, tx in nodes(app):
            print("%s|%s|%s" % (ro, na, tx.replace("\n", " ")))
        return 0
    role, regex = sys.argv[3], sys.argv[4]
    if cmd == "press":
        found = matching(app, role, regex)
        if not found:
            print("no %s matching %s" % (role, regex), file=sys.stderr)
            return 1
        return 0 if found[0].get_action_iface().do_action(0) else 1
    end = time.time() + float(sys.argv[5])
    while time.time() < end:
        found = matching(app, role, regex)
        if (cmd == "wait") == bool(found):
            return 0
        time.sleep(0.2)
    return 1


if __name__ == "__main__":
    sys.exit(main())
