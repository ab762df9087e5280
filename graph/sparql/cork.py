"""Writes held back until the event loop has run the callbacks at hand, then sent together (as ``TCP_CORK`` would):
one system call, and one wake-up of the reader, for everything written in one turn of the loop. Used for the jobs
sent to a query worker (:mod:`graph.sparql.pool`) and for the server's HTTP responses (``api/http_protocol.py``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Cork:
    """Gathers what is written (:meth:`write`) on ``loop`` and hands it to ``send`` (a list of chunks) once the
    loop's current turn ends, or at :meth:`flush`."""

    __slots__ = ("_loop", "_send", "_waiting")

    def __init__(self, loop: asyncio.AbstractEventLoop, send: Callable[[list[bytes]], None]):
        self._loop, self._send = loop, send
        self._waiting: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._waiting:
            self._loop.call_soon(self.flush)
        self._waiting.append(data)

    def flush(self) -> None:
        """Send what waits now (nothing if nothing does: the flush at the turn's end after an early one)."""
        waiting, self._waiting = self._waiting, []
        if waiting:
            self._send(waiting)
