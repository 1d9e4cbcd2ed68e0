"""Network guard for subprocess tests: put this folder on PYTHONPATH and any attempt to open an
internet socket, connect or resolve a name raises, and is logged to $NETGUARD_LOG (so an attempt
that the code under test swallows still fails the test). Unix socket pairs stay allowed:
asyncio's event loop wakes itself with one, and they never leave the machine."""

import os
import socket

_LOG = os.environ.get("NETGUARD_LOG")
_Socket = socket.socket
_INET = {socket.AF_INET, socket.AF_INET6}


def _refuse(what):
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as handle:
            handle.write(f"{what}\n")
    raise OSError(f"network use refused by the test guard: {what}")


class GuardedSocket(_Socket):
    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        if fileno is None and (family == -1 or family in _INET):
            _refuse(f"socket.socket(family={family})")
        super().__init__(family, type, proto, fileno)

    def connect(self, address):
        if self.family in _INET:
            _refuse(f"connect {address!r}")
        return super().connect(address)


def _create_connection(address, *args, **kwargs):
    _refuse(f"create_connection {address!r}")


def _getaddrinfo(host, *args, **kwargs):
    _refuse(f"getaddrinfo {host!r}")


socket.socket = GuardedSocket
socket.SocketType = GuardedSocket
socket.create_connection = _create_connection
socket.getaddrinfo = _getaddrinfo
