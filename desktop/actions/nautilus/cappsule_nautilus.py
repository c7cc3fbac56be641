# SPDX-License-Identifier: GPL-2.0
# Nautilus (nautilus-python) menu item "Open in cappsule": the selected
# local files, each opened by its default application in a throw-away
# cappsule (virt open). Loaded from nautilus-python/extensions.
import subprocess

import gi

try:
    gi.require_version("Nautilus", "4.0")
except ValueError:
    gi.require_version("Nautilus", "3.0")
from gi.repository import GObject, Nautilus  # noqa: E402


def local_paths(files):
    """The selection's local paths; None if any is a folder or remote."""
    paths = []
    for f in files:
        if f.is_directory() or f.get_uri_scheme() != "file":
            return None
        loc = f.get_location()
        path = loc.get_path() if loc is not None else None
        if not path:
            return None
        paths.append(path)
    return paths


class CappsuleMenuProvider(GObject.GObject, Nautilus.MenuProvider):
    def _open(self, item, paths):
        subprocess.Popen(["virt", "open", "--"] + paths,
                         stdin=subprocess.DEVNULL, start_new_session=True)

    # Nautilus 43 (API 4.0) passes (files); older ones (window, files)
    def get_file_items(self, *args):
        paths = local_paths(args[-1])
        if not paths:
            return []
        item = Nautilus.MenuItem(name="Cappsule::OpenInCappsule",
                                 label="Open in cappsule",
                                 tip="Open with its default application "
                                     "in a throw-away cappsule",
                                 icon="cappsule")
        item.connect("activate", self._open, paths)
        return [item]
