"""waitress with read deadlines and a connection limit that cannot be held by slow clients.

waitress closes a connection only after ``channel_timeout`` seconds without a byte, so a client
that sends one byte every few seconds (slow loris) keeps its connection for ever, and enough of
them fill ``connection_limit``: the API stops accepting anyone. Here a request must arrive with
its headers within ``header_timeout`` and whole within ``request_timeout`` seconds of its first
byte, and at the connection limit the connection that has been waiting longest for its request
(or idles longest between requests) is closed to make room, so a new client is always accepted.
"""

from __future__ import annotations

import logging
import resource
import time
from typing import Any

from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import MultiSocketServer, TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

log = logging.getLogger(__name__)

# descriptors kept free for the state store, Odoo calls, logs and the listening sockets
SPARE_DESCRIPTORS = 64


class GuardedChannel(HTTPChannel):
    """A connection that remembers when the request it is reading began."""

    request_began: float | None = None

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.request_began = time.time()
        done = super().received(data)
        if self.request is None:  # every request read is complete: none is being read
            self.request_began = None
        elif self.request_began is None:  # a pipelined request began in the same read
            self.request_began = time.time()
        return done

    def overdue(self, now: float, header_timeout: float, request_timeout: float) -> bool:
        """Whether the request being read took too long to arrive."""
        began = self.request_began
        if began is None or self.request is None or self.requests:
            return False
        limit = request_timeout if self.request.headers_finished else header_timeout
        return now - began > limit

    def waiting(self) -> bool:
        """Whether no worker is answering on this connection (it reads, or idles)."""
        return not self.requests and not self.total_outbufs_len


class GuardedServer(TcpWSGIServer):
    """A TCP server whose channels are :class:`GuardedChannel`."""

    channel_class = GuardedChannel
    header_timeout = 10.0
    request_timeout = 30.0

    def maintenance(self, now: float) -> None:
        super().maintenance(now)
        for channel in list(self.active_channels.values()):
            if isinstance(channel, GuardedChannel) and channel.overdue(
                    now, self.header_timeout, self.request_timeout):
                log.warning("closing a connection from %s: its request did not arrive in "
                            "time", _peer(channel))
                channel.will_close = True

    def readable(self) -> bool:
        if self.accepting and len(self._map) >= self.adj.connection_limit:
            self._make_room()
            self.next_channel_cleanup = 0  # check deadlines on every turn while full
        return bool(super().readable())

    def _make_room(self) -> None:
        """Close the connection that has waited longest for a request, unless a worker is
        answering on every connection (then new clients wait in the backlog)."""
        waiting = [channel for channel in self.active_channels.values()
                   if isinstance(channel, GuardedChannel) and channel.waiting()
                   and not channel.will_close]
        if not waiting:
            return
        oldest = min(waiting, key=lambda channel: channel.request_began or
                     channel.last_activity)
        log.warning("connection limit reached: closing the connection from %s, which has "
                    "waited longest", _peer(oldest))
        oldest.handle_close()


def _peer(channel: HTTPChannel) -> str:
    address = getattr(channel, "addr", None)
    return str(address[0]) if isinstance(address, tuple) and address else "a client"


def usable_connection_limit(wanted: int) -> int:
    """``wanted``, lowered to what the process's descriptor limit allows (raising the soft
    limit to the hard one first), so the accept loop never meets EMFILE and spins."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - SPARE_DESCRIPTORS))


def create_guarded_server(application: Any, host: str, port: int, header_timeout: float,
                          request_timeout: float, **options: Any) -> Any:
    """A waitress server (one or several listening sockets) with :class:`GuardedServer`'s
    deadlines; ``options`` are waitress's adjustments."""
    options["connection_limit"] = usable_connection_limit(int(options.get("connection_limit",
                                                                          100)))
    adj = Adjustments(host=host, port=port, **options)
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    socket_map: dict[int, Any] = {}
    servers = []
    for sockinfo in adj.listen:
        server = GuardedServer(application, socket_map, dispatcher=dispatcher, adj=adj,
                               sockinfo=sockinfo)
        server.header_timeout = header_timeout
        server.request_timeout = request_timeout
        servers.append(server)
    if len(servers) == 1:
        return servers[0]
    listening = [(server.effective_host, server.effective_port) for server in servers]
    multi = MultiSocketServer(socket_map, adj, listening, dispatcher, servers[-1].log_info)
    multi.effective_port = servers[0].effective_port
    return multi


def close_server(server: Any) -> None:
    """Stop the workers, then close every socket: the loop in ``run`` ends."""
    server.task_dispatcher.shutdown(timeout=5)
    wasyncore.close_all(getattr(server, "map", None) or server._map)
