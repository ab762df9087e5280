"""The HTTP protocol ``eventkg serve`` runs uvicorn with (``--http api.http_protocol:CorkedHttpToolsProtocol``):
uvicorn's httptools protocol, with what a request writes in one turn of the event loop sent in one system call.

uvicorn writes a response's status line and headers as soon as the app starts the response, then the body: two
writes, each waking the client up. On a busy machine the first write was the most expensive line of a computed
``/sparql`` lookup in the server (py-spy: a quarter of its samples), because the client's wake-up preempts the server
before it writes the rest. Here writes are gathered (as ``TCP_CORK`` would) and sent together once the loop has run
the callbacks at hand, before it waits for anything: a response written in one go leaves in one ``writev``.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from graph.sparql.cork import Cork


class CorkedHttpToolsProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_Corked(transport, self.loop))


class _Corked:
    """A transport whose writes wait for the end of the loop's current turn and then leave together; everything
    else is the transport's own (closing sends what waits first)."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop):
        self._transport = transport
        self._cork = Cork(loop, self._send)

    def write(self, data: bytes) -> None:
        self._cork.write(data)

    def writelines(self, chunks) -> None:
        for chunk in chunks:
            self.write(chunk)

    def _send(self, waiting: list[bytes]) -> None:
        if not self._transport.is_closing():
            self._transport.writelines(waiting)

    def close(self) -> None:
        self._cork.flush()
        self._transport.close()

    def write_eof(self) -> None:
        self._cork.flush()
        self._transport.write_eof()

    def __getattr__(self, name: str):
        return getattr(self._transport, name)
