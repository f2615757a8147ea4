"""Top-level windows on the Xvfb display through Xlib (ctypes, no extra package): find one by
title, read whether it is mapped, and ask it to close as a window manager's close button does."""

import ctypes


class _ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong),
                ("message_type", ctypes.c_ulong), ("format", ctypes.c_int),
                ("data", ctypes.c_long * 5), ("pad", ctypes.c_long * 12)]


class _Attributes(ctypes.Structure):
    # XWindowAttributes up to map_state (the rest is padding).
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int),
                ("height", ctypes.c_int), ("border_width", ctypes.c_int), ("depth", ctypes.c_int),
                ("visual", ctypes.c_void_p), ("root", ctypes.c_ulong), ("class_", ctypes.c_int),
                ("bit_gravity", ctypes.c_int), ("win_gravity", ctypes.c_int),
                ("backing_store", ctypes.c_int), ("backing_planes", ctypes.c_ulong),
                ("backing_pixel", ctypes.c_ulong), ("save_under", ctypes.c_int),
                ("colormap", ctypes.c_ulong), ("map_installed", ctypes.c_int),
                ("map_state", ctypes.c_int), ("pad", ctypes.c_long * 16)]


class X11:
    """The few Xlib calls these tests need, through ctypes (no extra packages): find a top-level
    window by title, read whether it is mapped, and ask it to close as a window manager does."""

    def __init__(self, display: str):
        x = self.x = ctypes.CDLL("libX11.so.6")
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XInternAtom.restype = ctypes.c_ulong
        x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        x.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                                 ctypes.POINTER(ctypes.c_ulong),
                                 ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                                 ctypes.POINTER(ctypes.c_uint)]
        x.XGetWindowProperty.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long, ctypes.c_long,
            ctypes.c_int, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_void_p)]
        x.XGetWindowAttributes.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                                           ctypes.POINTER(_Attributes)]
        x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long,
                                 ctypes.POINTER(_ClientMessage)]
        x.XFree.argtypes = [ctypes.c_void_p]
        x.XFlush.argtypes = [ctypes.c_void_p]
        x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.dpy = x.XOpenDisplay(display.encode())
        assert self.dpy, f"cannot open {display}"

    def close(self):
        self.x.XCloseDisplay(self.dpy)

    def _title(self, window: int) -> str:
        x = self.x
        utf8 = x.XInternAtom(self.dpy, b"UTF8_STRING", 0)
        name = x.XInternAtom(self.dpy, b"_NET_WM_NAME", 0)
        kind, fmt = ctypes.c_ulong(), ctypes.c_int()
        count, after, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        status = x.XGetWindowProperty(self.dpy, window, name, 0, 1024, 0, utf8, ctypes.byref(kind),
                                      ctypes.byref(fmt), ctypes.byref(count), ctypes.byref(after),
                                      ctypes.byref(data))
        if status != 0 or not data.value:
            return ""
        try:
            return ctypes.string_at(data.value, count.value).decode("utf-8", "replace")
        finally:
            x.XFree(data)

    def window(self, title: str) -> int:
        """The top-level window titled exactly `title` (no window manager: a child of the root)."""
        root_out, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children, count = ctypes.POINTER(ctypes.c_ulong)(), ctypes.c_uint()
        root = self.x.XDefaultRootWindow(self.dpy)
        assert self.x.XQueryTree(self.dpy, root, ctypes.byref(root_out), ctypes.byref(parent),
                                 ctypes.byref(children), ctypes.byref(count))
        try:
            windows = [children[i] for i in range(count.value)]
        finally:
            if children:
                self.x.XFree(children)
        for window in windows:
            if self._title(window) == title:
                return window
        raise AssertionError(f"no window titled {title!r}")

    def mapped(self, window: int) -> bool:
        attributes = _Attributes()
        assert self.x.XGetWindowAttributes(self.dpy, window, ctypes.byref(attributes))
        return attributes.map_state == 2  # IsViewable

    def request_close(self, window: int):
        """A WM_DELETE_WINDOW client message, as a window manager's close button sends (GTK
        turns it into the window's close request)."""
        event = _ClientMessage()
        event.type = 33  # ClientMessage
        event.window = window
        event.message_type = self.x.XInternAtom(self.dpy, b"WM_PROTOCOLS", 0)
        event.format = 32
        event.data[0] = self.x.XInternAtom(self.dpy, b"WM_DELETE_WINDOW", 0)
        self.x.XSendEvent(self.dpy, window, 0, 0, ctypes.byref(event))
        self.x.XSync(self.dpy, 0)
