"""Fake desktop services on the test's private D-Bus session (scripts/with-session.sh), so the
tray and notifications of the real app are tested over the same protocols a desktop uses:

- `FakeWatcher`: the StatusNotifierWatcher (`org.kde.StatusNotifierWatcher`) a panel runs. The
  app's tray (libayatana-appindicator) registers its StatusNotifierItem with it; the test then
  reads the item's properties and drives its menu over `com.canonical.dbusmenu` as a panel would.
- `FakeNotifications`: the notification server (`org.freedesktop.Notifications`). It records every
  `Notify` call (summary, body, actions) and lets the test click one (`ActionInvoked`).

Both run on one asyncio loop in a background thread (dbus-next); the test calls them blocking.
"""

import asyncio
import os
import threading
import time
from dataclasses import dataclass, field

from window import wait_until as wait_for
from dbus_next import BusType, Message, MessageType, Variant
from dbus_next.aio import MessageBus
from dbus_next.constants import RequestNameReply
from dbus_next.service import PropertyAccess, ServiceInterface, dbus_property, method, signal

TIMEOUT = 20.0


def session_bus_address() -> str:
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    assert address, "no D-Bus session: run the tests under scripts/with-session.sh"
    return address


class BusThread:
    """One dbus-next connection on its own event loop thread; `run` executes a coroutine there."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.bus: MessageBus = self.run(self._connect())

    @staticmethod
    async def _connect() -> MessageBus:
        # Made on the loop's own thread: the bus binds to the loop running when it is created.
        return await MessageBus(bus_type=BusType.SESSION).connect()

    def run(self, coroutine, timeout: float = TIMEOUT):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def call_soon(self, function, *args):
        self.loop.call_soon_threadsafe(function, *args)

    async def _call(self, destination, path, interface, member, signature="", body=()):
        reply = await self.bus.call(Message(
            destination=destination, path=path, interface=interface, member=member,
            signature=signature, body=list(body)))
        if reply.message_type == MessageType.ERROR:
            raise RuntimeError(f"{interface}.{member} failed: {reply.error_name} {reply.body}")
        return reply.body

    def call(self, destination, path, interface, member, signature="", body=()):
        return self.run(self._call(destination, path, interface, member, signature, body))

    def close(self):
        self.bus.disconnect()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


# ---------------------------------------------------------------------------------------------
# StatusNotifierWatcher + item + dbusmenu
# ---------------------------------------------------------------------------------------------


class _WatcherInterface(ServiceInterface):
    def __init__(self, owner: "FakeWatcher"):
        super().__init__("org.kde.StatusNotifierWatcher")
        self.owner = owner

    @method()
    def RegisterStatusNotifierItem(self, service: "s"):  # noqa: F821 (D-Bus signature)
        self.StatusNotifierItemRegistered(service)

    @method()
    def RegisterStatusNotifierHost(self, service: "s"):  # noqa: F821
        pass

    @dbus_property(access=PropertyAccess.READ)
    def RegisteredStatusNotifierItems(self) -> "as":  # noqa: F821
        return [f"{sender}{path}" for sender, path in self.owner.items]

    @dbus_property(access=PropertyAccess.READ)
    def IsStatusNotifierHostRegistered(self) -> "b":  # noqa: F821
        return True

    @dbus_property(access=PropertyAccess.READ)
    def ProtocolVersion(self) -> "i":  # noqa: F821
        return 0

    @signal()
    def StatusNotifierItemRegistered(self, service) -> "s":  # noqa: F821
        return service

    @signal()
    def StatusNotifierItemUnregistered(self, service) -> "s":  # noqa: F821
        return service

    @signal()
    def StatusNotifierHostRegistered(self):
        return None


@dataclass
class MenuItem:
    """One dbusmenu entry."""

    id: int
    label: str
    kind: str  # "standard" | "separator"
    enabled: bool
    visible: bool
    children: list["MenuItem"] = field(default_factory=list)


def _menu_item(node) -> MenuItem:
    item_id, props, children = node
    value = lambda key, default: props[key].value if key in props else default  # noqa: E731
    return MenuItem(
        id=item_id,
        label=value("label", ""),
        kind=value("type", "standard"),
        enabled=value("enabled", True),
        visible=value("visible", True),
        children=[_menu_item(child.value) for child in children],
    )


class FakeWatcher:
    """`org.kde.StatusNotifierWatcher` on the session bus; records each item that registers
    (its unique bus name and object path)."""

    NAME = "org.kde.StatusNotifierWatcher"

    def __init__(self):
        self.items: list[tuple[str, str]] = []
        self.conn = BusThread()
        self.interface = _WatcherInterface(self)
        self.conn.bus.add_message_handler(self._note_sender)
        self.conn.bus.export("/StatusNotifierWatcher", self.interface)
        reply = self.conn.run(self.conn.bus.request_name(self.NAME))
        assert reply == RequestNameReply.PRIMARY_OWNER, f"{self.NAME} is taken: {reply}"

    def _note_sender(self, msg: Message):
        # The method's argument is the item's object path (or a bus name); the item lives at the
        # caller's unique name, which only the raw message carries.
        if (msg.message_type == MessageType.METHOD_CALL
                and msg.interface == "org.kde.StatusNotifierWatcher"
                and msg.member == "RegisterStatusNotifierItem"):
            service = msg.body[0]
            path = service if service.startswith("/") else "/StatusNotifierItem"
            self.items.append((msg.sender, path))
        return None  # let the exported interface answer

    def wait_for_item(self, timeout: float = 60.0) -> "TrayItem":
        wait_for(lambda: self.items, timeout, "a StatusNotifierItem to register")
        sender, path = self.items[-1]
        return TrayItem(self.conn, sender, path)

    def close(self):
        self.conn.close()


class TrayItem:
    """A registered StatusNotifierItem, read and clicked as a panel does."""

    def __init__(self, conn: BusThread, sender: str, path: str):
        self.conn, self.sender, self.path = conn, sender, path

    def properties(self) -> dict:
        (props,) = self.conn.call(self.sender, self.path, "org.freedesktop.DBus.Properties",
                                  "GetAll", "s", ["org.kde.StatusNotifierItem"])
        return {key: variant.value for key, variant in props.items()}

    def menu_path(self) -> str:
        return self.properties()["Menu"]

    def layout(self) -> list[MenuItem]:
        """The menu's items (the root's children), as `GetLayout(0, -1, [])` returns them."""
        _revision, root = self.conn.call(self.sender, self.menu_path(), "com.canonical.dbusmenu",
                                         "GetLayout", "iias", [0, -1, []])
        return _menu_item(root).children

    def labels(self) -> list[str]:
        return [item.label for item in self.layout() if item.kind != "separator" and item.visible]

    def item(self, label_prefix: str) -> MenuItem:
        for item in self.layout():
            if item.label.startswith(label_prefix):
                return item
        raise AssertionError(f"no menu item '{label_prefix}…' in {self.labels()}")

    def click(self, label_prefix: str):
        """Clicks the item as a panel does: `AboutToShow`, then `Event(id, "clicked")`."""
        item = self.item(label_prefix)
        path = self.menu_path()
        self.conn.call(self.sender, path, "com.canonical.dbusmenu", "AboutToShow", "i", [0])
        self.conn.call(self.sender, path, "com.canonical.dbusmenu", "Event", "isvu",
                       [item.id, "clicked", Variant("i", 0), int(time.time()) & 0xFFFFFFFF])


# ---------------------------------------------------------------------------------------------
# org.freedesktop.Notifications
# ---------------------------------------------------------------------------------------------


@dataclass
class Notification:
    """One `Notify` call as the server received it."""

    id: int
    app_name: str
    summary: str
    body: str
    actions: dict  # action key -> label
    hints: dict


class _NotificationsInterface(ServiceInterface):
    def __init__(self, owner: "FakeNotifications"):
        super().__init__("org.freedesktop.Notifications")
        self.owner = owner

    @method()
    def Notify(self, app_name: "s", replaces_id: "u", app_icon: "s", summary: "s", body: "s",  # noqa: F821
               actions: "as", hints: "a{sv}", expire_timeout: "i") -> "u":  # noqa: F821
        self.owner.next_id += 1
        number = replaces_id or self.owner.next_id
        pairs = dict(zip(actions[0::2], actions[1::2]))
        self.owner.received.append(Notification(
            number, app_name, summary, body, pairs, {k: v.value for k, v in hints.items()}))
        return number

    @method()
    def CloseNotification(self, number: "u"):  # noqa: F821
        self.owner.closed.append(number)
        self.NotificationClosed(number, 3)

    @method()
    def GetCapabilities(self) -> "as":  # noqa: F821
        return ["actions", "body"]

    @method()
    def GetServerInformation(self) -> "ssss":  # noqa: F821
        return ["hearth-test", "hearth", "1.0", "1.2"]

    @signal()
    def NotificationClosed(self, number, reason) -> "uu":  # noqa: F821
        return [number, reason]

    @signal()
    def ActionInvoked(self, number, key) -> "us":  # noqa: F821
        return [number, key]


class FakeNotifications:
    """`org.freedesktop.Notifications` on the session bus: records notifications (and the ids the
    app closed itself); `invoke` clicks one (`ActionInvoked`, then `NotificationClosed` as
    servers do)."""

    NAME = "org.freedesktop.Notifications"

    def __init__(self):
        self.received: list[Notification] = []
        self.closed: list[int] = []
        self.next_id = 0
        self.conn = BusThread()
        self.interface = _NotificationsInterface(self)
        self.conn.bus.export("/org/freedesktop/Notifications", self.interface)
        reply = self.conn.run(self.conn.bus.request_name(self.NAME))
        assert reply == RequestNameReply.PRIMARY_OWNER, f"{self.NAME} is taken: {reply}"

    def wait_for(self, timeout: float = 30.0) -> Notification:
        return wait_for(lambda: self.received and self.received[-1], timeout, "a notification")

    def invoke(self, number: int, key: str = "default"):
        def emit():
            self.interface.ActionInvoked(number, key)
            self.interface.NotificationClosed(number, 2)
        self.conn.call_soon(emit)

    def close(self):
        self.conn.close()
