// SPDX-License-Identifier: GPL-2.0
/*
 * gui-testclient: a small X client for the gui tests, run inside a
 * cappsule. It draws known colours and logs, one line each on stdout,
 * the events it receives (keys with the text Xlib gives a real
 * application, buttons, focus, size, close). Keys: m opens a menu
 * (override-redirect), p pastes CLIPBOARD into the log, s logs the
 * screen size, q quits.
 * --bench redraws the whole window continuously and logs key times.
 * --nopos asks for no position (no USPosition/PPosition: the WM places
 * it); --icon WxH[,WxH...] sets _NET_WM_ICON (each image filled with
 * 0xff000000 | W << 12 | H), --bogus-icon one that claims more pixels
 * than it has; --csd draws its own title bar (Motif decorations off,
 * _GTK_FRAME_EXTENTS); --xsettings logs the screen's XSETTINGS
 * (Net/ThemeName, Xft/DPI) now and when they change.
 */
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/cursorfont.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MENU_W 120
#define MENU_H 80

static Display *dpy;
static Window win, menu;
static GC gc;
static unsigned width = 320, height = 240;
static bool bench;
static const char *clip_text;
static Atom a_clipboard, a_utf8, a_targets, a_prop, a_delete;
static unsigned long frame_no;
static Atom a_xsettings_sel, a_xsettings;
static Window xs_owner;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void fill(Window w, unsigned long rgb, int x, int y, unsigned cw,
		 unsigned ch)
{
	XSetForeground(dpy, gc, rgb);
	XFillRectangle(dpy, w, gc, x, y, cw, ch);
}

/* Four quadrants: red, green / blue, yellow. */
static void draw(void)
{
	unsigned hw = width / 2, hh = height / 2;

	if (bench) {
		/* Every frame different, all of it: full damage. */
		fill(win, (frame_no * 0x010203u) & 0xffffff, 0, 0, width,
		     height);
		frame_no++;
		return;
	}
	fill(win, 0xff0000, 0, 0, hw, hh);
	fill(win, 0x00ff00, (int)hw, 0, width - hw, hh);
	fill(win, 0x0000ff, 0, (int)hh, hw, height - hh);
	fill(win, 0xffff00, (int)hw, (int)hh, width - hw, height - hh);
}

static void open_menu(void)
{
	XSetWindowAttributes at = { .override_redirect = True,
				    .background_pixel = 0xff00ff };
	Window child;
	int rx, ry;

	if (menu)
		return;
	XTranslateCoordinates(dpy, win, DefaultRootWindow(dpy), 30, 40, &rx,
			      &ry, &child);
	menu = XCreateWindow(dpy, DefaultRootWindow(dpy), rx, ry, MENU_W,
			     MENU_H, 0, CopyFromParent, InputOutput,
			     CopyFromParent, CWOverrideRedirect | CWBackPixel,
			     &at);
	XSelectInput(dpy, menu, ButtonPressMask | ExposureMask);
	XMapRaised(dpy, menu);
	printf("menu at %d %d %d %d\n", rx, ry, MENU_W, MENU_H);
}

static void serve(XSelectionRequestEvent *rq)
{
	XSelectionEvent n = { .type = SelectionNotify,
			      .requestor = rq->requestor,
			      .selection = rq->selection,
			      .target = rq->target,
			      .time = rq->time,
			      .property = None };

	if (clip_text && rq->target == a_targets) {
		Atom t[2] = { a_targets, a_utf8 };

		XChangeProperty(dpy, rq->requestor, rq->property, XA_ATOM, 32,
				PropModeReplace, (unsigned char *)t, 2);
		n.property = rq->property;
	} else if (clip_text &&
		   (rq->target == a_utf8 || rq->target == XA_STRING)) {
		XChangeProperty(dpy, rq->requestor, rq->property, rq->target, 8,
				PropModeReplace,
				(const unsigned char *)clip_text,
				(int)strlen(clip_text));
		n.property = rq->property;
	}
	XSendEvent(dpy, rq->requestor, False, 0, (XEvent *)&n);
}

static void pasted(XSelectionEvent *n)
{
	unsigned long nitems, after;
	unsigned char *data = NULL;
	int format;
	Atom type;

	if (n->property == None) {
		printf("paste none\n");
		return;
	}
	XGetWindowProperty(dpy, win, a_prop, 0, 65536, True, AnyPropertyType,
			   &type, &format, &nitems, &after, &data);
	printf("paste %s\n", data ? (char *)data : "");
	XFree(data);
}

/* The screen's current size (RANDR may have changed it). */
static void log_screen(void)
{
	unsigned w, h, bw, depth;
	Window root;
	int x, y;

	XGetGeometry(dpy, DefaultRootWindow(dpy), &root, &x, &y, &w, &h, &bw,
		     &depth);
	printf("screen %u %u\n", w, h);
}

static void key(XKeyEvent *k, XIC ic)
{
	char text[64] = "";
	KeySym sym = NoSymbol;
	Status st;
	int n;

	n = Xutf8LookupString(ic, k, text, sizeof(text) - 1, &sym, &st);
	text[n > 0 ? n : 0] = '\0';
	printf("key %s %s %lu text=%s t=%llu\n",
	       k->type == KeyPress ? "press" : "release",
	       XKeysymToString(sym) ? XKeysymToString(sym) : "none",
	       (unsigned long)sym, text, (unsigned long long)mono_ns());
	if (k->type != KeyPress || bench)
		return;
	if (sym == XK_m)
		open_menu();
	else if (sym == XK_p)
		XConvertSelection(dpy, a_clipboard, a_utf8, a_prop, win,
				  k->time);
	else if (sym == XK_s)
		log_screen();
	else if (sym == XK_q)
		exit(0);
}

/* _NET_WM_ICON: one image per "WxH" of @spec, or a lying one (@bogus). */
static void set_icon(const char *spec, bool bogus)
{
	Atom a = XInternAtom(dpy, "_NET_WM_ICON", False);
	unsigned long *v = NULL, n = 0;
	unsigned iw, ih, i;
	int used;

	if (bogus) {
		/* 100000x100000 claimed, four pixels given */
		static unsigned long lie[] = { 100000, 100000, 1, 2, 3, 4 };

		XChangeProperty(dpy, win, a, XA_CARDINAL, 32, PropModeReplace,
				(unsigned char *)lie, 6);
		return;
	}
	while (spec && sscanf(spec, "%ux%u%n", &iw, &ih, &used) == 2) {
		v = realloc(v, (n + 2 + (unsigned long)iw * ih) * sizeof(*v));
		if (!v)
			exit(1);
		v[n++] = iw;
		v[n++] = ih;
		for (i = 0; i < iw * ih; i++)
			v[n++] = 0xff000000ul | (unsigned long)iw << 12 | ih;
		spec += used;
		spec = *spec == ',' ? spec + 1 : NULL;
	}
	XChangeProperty(dpy, win, a, XA_CARDINAL, 32, PropModeReplace,
			(unsigned char *)v, (int)n);
	free(v);
}

/* A client-side decorated window, as GTK makes them. */
static void set_csd(void)
{
	long motif[5] = { 2, 0, 0, 0, 0 }; /* MWM_HINTS_DECORATIONS, none */
	long extents[4] = { 0, 0, 0, 0 };
	Atom m = XInternAtom(dpy, "_MOTIF_WM_HINTS", False);

	XChangeProperty(dpy, win, m, m, 32, PropModeReplace,
			(unsigned char *)motif, 5);
	XChangeProperty(dpy, win, XInternAtom(dpy, "_GTK_FRAME_EXTENTS", False),
			XA_CARDINAL, 32, PropModeReplace,
			(unsigned char *)extents, 4);
}

static uint32_t rd32(const unsigned char *p, bool big)
{
	return big ? (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3] :
		     (uint32_t)p[3] << 24 | p[2] << 16 | p[1] << 8 | p[0];
}

/* Log Net/ThemeName and Xft/DPI of the XSETTINGS manager, if any. */
static void log_xsettings(void)
{
	unsigned long nitems = 0, after, off, n, i;
	unsigned char *d = NULL;
	int format;
	Atom type;
	bool big;

	XGrabServer(dpy);
	xs_owner = XGetSelectionOwner(dpy, a_xsettings_sel);
	if (xs_owner) {
		XSelectInput(dpy, xs_owner,
			     PropertyChangeMask | StructureNotifyMask);
		XGetWindowProperty(dpy, xs_owner, a_xsettings, 0, 65536, False,
				   a_xsettings, &type, &format, &nitems, &after,
				   &d);
	}
	XUngrabServer(dpy);
	if (!d || nitems < 12) {
		printf("xsettings none\n");
		XFree(d);
		return;
	}
	big = d[0] == 1; /* MSBFirst */
	n = rd32(d + 8, big);
	for (off = 12, i = 0; i < n && off + 8 <= nitems; i++) {
		unsigned t = d[off], nl = d[off + 2] | d[off + 3] << 8;
		char name[128] = "";
		unsigned long vl;

		if (big)
			nl = d[off + 2] << 8 | d[off + 3];
		if (off + 4 + nl > nitems || nl >= sizeof(name))
			break;
		memcpy(name, d + off + 4, nl);
		off += 4 + ((nl + 3) & ~3ul) + 4; /* name, serial */
		if (t == 0 && off + 4 <= nitems) { /* integer */
			printf("xsetting %s %d\n", name,
			       (int)rd32(d + off, big));
			off += 4;
		} else if (t == 1 && off + 4 <= nitems) { /* string */
			vl = rd32(d + off, big);
			if (off + 4 + vl > nitems)
				break;
			printf("xsetting %s %.*s\n", name, (int)vl,
			       (const char *)d + off + 4);
			off += 4 + ((vl + 3) & ~3ul);
		} else if (t == 2) { /* colour */
			off += 8;
		} else {
			break;
		}
	}
	printf("xsettings end\n");
	XFree(d);
	d = NULL;
	/* and the Xft resources the manager set beside them */
	XGetWindowProperty(dpy, DefaultRootWindow(dpy), XA_RESOURCE_MANAGER, 0,
			   65536, False, XA_STRING, &type, &format, &nitems,
			   &after, &d);
	if (d && strstr((char *)d, "Xft.dpi:\t"))
		printf("resource Xft.dpi %d\n",
		       atoi(strstr((char *)d, "Xft.dpi:\t") + 9));
	XFree(d);
}

static void event(XEvent *e, XIC ic)
{
	switch (e->type) {
	case Expose:
		if (e->xexpose.window == win && !e->xexpose.count)
			draw();
		break;
	case ConfigureNotify:
		if (e->xconfigure.window == win &&
		    (e->xconfigure.width != (int)width ||
		     e->xconfigure.height != (int)height)) {
			width = (unsigned)e->xconfigure.width;
			height = (unsigned)e->xconfigure.height;
			printf("configure %u %u\n", width, height);
			draw();
		}
		break;
	case MapNotify:
		printf("map\n");
		break;
	case KeyPress:
	case KeyRelease:
		key(&e->xkey, ic);
		break;
	case ButtonPress:
	case ButtonRelease:
		printf("%sbutton %s %u %d %d\n",
		       e->xbutton.window == menu ? "menu " : "",
		       e->type == ButtonPress ? "press" : "release",
		       e->xbutton.button, e->xbutton.x, e->xbutton.y);
		if (e->xbutton.window == menu && menu) {
			/* a click chooses: the menu goes */
			XDestroyWindow(dpy, menu);
			menu = 0;
		}
		break;
	case EnterNotify:
		printf("enter %d %d\n", e->xcrossing.x, e->xcrossing.y);
		break;
	case LeaveNotify:
		printf("leave\n");
		break;
	case FocusIn:
		printf("focus in\n");
		break;
	case FocusOut:
		printf("focus out\n");
		break;
	case ClientMessage:
		/* a new XSETTINGS manager announces itself on the root */
		if (a_xsettings &&
		    e->xclient.window == DefaultRootWindow(dpy) &&
		    (Atom)e->xclient.data.l[1] == a_xsettings_sel) {
			log_xsettings();
			break;
		}
		if ((Atom)e->xclient.data.l[0] == a_delete) {
			printf("close\n");
			fflush(stdout);
			exit(0);
		}
		break;
	case PropertyNotify:
		if (xs_owner && e->xproperty.window == xs_owner &&
		    e->xproperty.atom == a_xsettings)
			log_xsettings();
		break;
	case SelectionRequest:
		serve(&e->xselectionrequest);
		break;
	case SelectionNotify:
		pasted(&e->xselection);
		break;
	}
}

int main(int argc, char **argv)
{
	const char *title = "gui-testclient";
	XSizeHints hints = { .flags = PMinSize | USPosition,
			     .x = 100,
			     .y = 100,
			     .min_width = 100,
			     .min_height = 80 };
	XClassHint cls = { .res_name = "testclient", .res_class = "GuiTest" };
	XSetWindowAttributes at = { .background_pixmap = None };
	int i, x = 100, y = 100;
	const char *icon = NULL;
	bool nopos = false, bogus_icon = false, csd = false, xsettings = false;
	XIM im;
	XIC ic;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--size") && i + 1 < argc)
			sscanf(argv[++i], "%ux%u", &width, &height);
		else if (!strcmp(argv[i], "--pos") && i + 1 < argc)
			sscanf(argv[++i], "%d,%d", &x, &y);
		else if (!strcmp(argv[i], "--title") && i + 1 < argc)
			title = argv[++i];
		else if (!strcmp(argv[i], "--clip") && i + 1 < argc)
			clip_text = argv[++i];
		else if (!strcmp(argv[i], "--bench"))
			bench = true;
		else if (!strcmp(argv[i], "--nopos"))
			nopos = true;
		else if (!strcmp(argv[i], "--icon") && i + 1 < argc)
			icon = argv[++i];
		else if (!strcmp(argv[i], "--bogus-icon"))
			bogus_icon = true;
		else if (!strcmp(argv[i], "--csd"))
			csd = true;
		else if (!strcmp(argv[i], "--xsettings"))
			xsettings = true;
		else {
			fprintf(stderr,
				"usage: gui-testclient [--size WxH] [--pos X,Y] [--nopos] [--title T] [--clip TEXT] [--icon WxH,...] [--bogus-icon] [--csd] [--xsettings] [--bench]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	setlocale(LC_ALL, "C.UTF-8");
	XSetLocaleModifiers("@im=none");
	dpy = XOpenDisplay(NULL);
	if (!dpy) {
		fprintf(stderr, "gui-testclient: cannot open display %s\n",
			getenv("DISPLAY"));
		return 1;
	}
	a_clipboard = XInternAtom(dpy, "CLIPBOARD", False);
	a_utf8 = XInternAtom(dpy, "UTF8_STRING", False);
	a_targets = XInternAtom(dpy, "TARGETS", False);
	a_prop = XInternAtom(dpy, "GUI_TEST_PASTE", False);
	a_delete = XInternAtom(dpy, "WM_DELETE_WINDOW", False);
	win = XCreateWindow(dpy, DefaultRootWindow(dpy), x, y, width, height, 0,
			    CopyFromParent, InputOutput, CopyFromParent,
			    CWBackPixmap, &at);
	hints.x = x;
	hints.y = y;
	if (nopos) {
		/* like most applications: created at 0,0, no position hint */
		hints.flags &= ~(USPosition | PPosition);
		XMoveWindow(dpy, win, 0, 0);
	}
	XSetWMNormalHints(dpy, win, &hints);
	XSetClassHint(dpy, win, &cls);
	XStoreName(dpy, win, title);
	XChangeProperty(dpy, win, XInternAtom(dpy, "_NET_WM_NAME", False),
			a_utf8, 8, PropModeReplace,
			(const unsigned char *)title, (int)strlen(title));
	XSetWMProtocols(dpy, win, &a_delete, 1);
	XSelectInput(dpy, win,
		     ExposureMask | StructureNotifyMask | KeyPressMask |
			     KeyReleaseMask | ButtonPressMask |
			     ButtonReleaseMask | EnterWindowMask |
			     LeaveWindowMask | FocusChangeMask);
	gc = XCreateGC(dpy, win, 0, NULL);
	/* a hand over the window: the host should show one too */
	XDefineCursor(dpy, win, XCreateFontCursor(dpy, XC_hand2));
	im = XOpenIM(dpy, NULL, NULL, NULL);
	ic = im ? XCreateIC(im, XNInputStyle,
			    XIMPreeditNothing | XIMStatusNothing,
			    XNClientWindow, win, NULL) :
		  NULL;
	if (!ic) {
		fprintf(stderr, "gui-testclient: no input context\n");
		return 1;
	}
	if (clip_text)
		XSetSelectionOwner(dpy, a_clipboard, win, CurrentTime);
	if (icon || bogus_icon)
		set_icon(icon, bogus_icon);
	if (csd)
		set_csd();
	if (xsettings) {
		a_xsettings_sel = XInternAtom(dpy, "_XSETTINGS_S0", False);
		a_xsettings = XInternAtom(dpy, "_XSETTINGS_SETTINGS", False);
		XSelectInput(dpy, DefaultRootWindow(dpy), StructureNotifyMask);
		log_xsettings();
	}
	XMapWindow(dpy, win);
	printf("ready %u %u\n", width, height);
	for (;;) {
		XEvent e;

		if (bench) {
			/* A frame, then whatever events came in meanwhile. */
			draw();
			XSync(dpy, False);
			while (XPending(dpy)) {
				XNextEvent(dpy, &e);
				event(&e, ic);
			}
			continue;
		}
		XNextEvent(dpy, &e);
		event(&e, ic);
	}
}
