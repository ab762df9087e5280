"""The HTTP/1.1 client that ``eventkg serve`` forwards queries to a SPARQL server with
(:meth:`graph.remote.SparqlService.forward`): connections to the one server kept alive and reused, each request
written in one system call, each answer parsed by httptools (llhttp in C, the parser uvicorn serves eventkg's own HTTP
with).

It does only what forwarding needs: a form POST, an answer with a ``Content-Length``, chunked or ended by the server
closing the connection. No redirects (an answer is taken as it is), cookies, proxies, compression or credentials
(a server that asks for credentials gets its queries from httpx: :mod:`graph.remote`). The extra hop through eventkg
is most of what it adds to a query over the server's own time, and aiohttp's ``ClientSession`` spent 0.54-0.66 ms of
CPU per request there against 0.21-0.24 ms for this (docs/benchmarks.md, issue 13, session 6).
"""

from __future__ import annotations

import asyncio
import ssl
from typing import NamedTuple
from urllib.parse import urlsplit

import httptools

from graph.remote import FORM


class Answer(NamedTuple):
    status: int
    server: str  # the Server header ("" without one)
    content_type: str  # the Content-Type header, as sent ("" without one)
    body: bytes


class Connections:
    """Kept-alive connections to the server of ``url``, made and used on the running event loop: as many as requests
    are under way, at most ``limit`` (more requests wait for one, as aiohttp's default of 100 had them wait), of which
    at most ``keep`` wait idle (the rest close after their answer). The caller bounds the time a request may take
    (``asyncio.timeout`` around :meth:`post`, as :class:`graph.sparql.remote.ForwardingPool` does): a cancelled
    request's connection is closed, not reused."""

    def __init__(self, url: str, *, limit: int = 100, keep: int = 32):
        parts = urlsplit(url)
        self.loop = asyncio.get_running_loop()  # the loop they serve (a connection belongs to the loop it was made in)
        self._host, self._keep, self._slots = parts.hostname, keep, asyncio.Semaphore(limit)
        self._ssl = ssl.create_default_context() if parts.scheme == "https" else None
        self._port = parts.port or (443 if self._ssl else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host = parts.netloc.rpartition("@")[2]
        self._head = (f"POST {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: eventkg\r\n"
                      f"Content-Type: {FORM}\r\n").encode("latin-1")
        self._idle: list[_Connection] = []

    async def post(self, form: bytes, accept: str) -> Answer:
        """The server's answer to the form-encoded ``form``, asked for as ``accept``. Raises ``OSError`` when the
        server cannot be reached, closes the connection or answers what is not HTTP."""
        request = b"%sAccept: %s\r\nContent-Length: %d\r\n\r\n%s" % (self._head, accept.encode("latin-1"), len(form),
                                                                    form)
        async with self._slots:
            while self._idle:  # the most recently used first: the likeliest to be still open
                connection = self._idle.pop()
                if connection.is_open():
                    try:
                        return await self._exchange(connection, request)
                    except _Stale:  # the server closed it while it waited: a query can be sent again
                        continue
            _, connection = await self.loop.create_connection(lambda: _Connection(self.loop), self._host,
                                                              self._port, ssl=self._ssl)
            return await self._exchange(connection, request)

    async def _exchange(self, connection: _Connection, request: bytes) -> Answer:
        try:
            answer, keep_alive = await connection.send(request)
        except BaseException:  # failed, or cancelled by a time limit while the answer may still come: not reused
            connection.close()
            raise
        if keep_alive and len(self._idle) < self._keep:
            self._idle.append(connection)
        else:
            connection.close()
        return answer

    def close(self) -> None:
        for connection in self._idle:
            connection.close()
        self._idle.clear()


class _Stale(ConnectionError):
    """A kept-alive connection was closed before any byte of the answer came."""


class _Connection(asyncio.Protocol):
    """One connection: one request at a time, its answer gathered by the parser's callbacks."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self._loop, self._parser = loop, httptools.HttpResponseParser(self)
        self._transport: asyncio.Transport | None = None
        self._waiting: asyncio.Future | None = None
        self._used = False  # an answer came on it before: closing on a new request means the server dropped it
        self._received = False  # a byte of the current answer came
        self._headers_done = False

    def is_open(self) -> bool:
        return self._transport is not None and not self._transport.is_closing()

    def send(self, request: bytes) -> asyncio.Future:
        self._waiting = self._loop.create_future()
        self._received, self._headers_done, self._headers, self._parts = False, False, {}, []
        self._transport.write(request)
        return self._waiting

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    # -- asyncio.Protocol -------------------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        if self._waiting is None or self._waiting.done():  # nothing was asked: not a server to trust with more
            self._transport.close()
            return
        self._received = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as err:
            self._fail(ConnectionError(f"not an HTTP answer ({err})"))
            self._transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._waiting is None or self._waiting.done():
            return
        if self._headers_done and b"content-length" not in self._headers and not self._chunked():
            self.on_message_complete()  # an answer whose end is the end of the connection
        elif not self._received and self._used:
            self._fail(_Stale())
        else:
            self._fail(ConnectionError("the connection closed before the answer was complete"))

    # -- httptools callbacks ----------------------------------------------------------------------------------------

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers[name.lower()] = value

    def on_headers_complete(self) -> None:
        self._headers_done = True

    def on_body(self, body: bytes) -> None:
        self._parts.append(body)

    def on_message_complete(self) -> None:
        if self._waiting.done():
            return
        self._used = True
        headers = self._headers
        answer = Answer(self._parser.get_status_code(), headers.get(b"server", b"").decode("latin-1"),
                        headers.get(b"content-type", b"").decode("latin-1"), b"".join(self._parts))
        keep_alive = self._parser.should_keep_alive() and self.is_open()
        self._waiting.set_result((answer, keep_alive))

    def _chunked(self) -> bool:
        return b"chunked" in self._headers.get(b"transfer-encoding", b"").lower()

    def _fail(self, error: Exception) -> None:
        if not self._waiting.done():
            self._waiting.set_exception(error)
