# A client-side decorated GTK 3 application for tests/gui/gui_csd_gtk.sh:
# a window with a header bar (its own title bar, close button) and a label.
import gi

gi.require_version('Gtk', '3.0')
from gi.repository import Gtk  # noqa: E402

w = Gtk.Window()
bar = Gtk.HeaderBar(title="CSD demo", subtitle="GTK 3 header bar",
                    show_close_button=True)
bar.pack_start(Gtk.Button(label="Open"))
w.set_titlebar(bar)
w.add(Gtk.Label(label="hello from a cappsule"))
w.set_default_size(420, 220)
w.connect('destroy', Gtk.main_quit)
w.show_all()
print("shown", flush=True)
Gtk.main()
print("closed", flush=True)
