"""Two floors under any SPARQL forwarder (issue 13), timed beside eventkg by ``bench.scale_out --floors``: what a
process between the client and Virtuoso costs before it does anything of eventkg's.

    python -m bench.forwarders relay PORT UPSTREAM_URL     # bytes passed both ways, nothing parsed
    python -m bench.forwarders forward PORT UPSTREAM_URL   # the least a Python HTTP forwarder does

- **relay**: each client connection gets a connection of its own to the upstream server and every byte is passed on
  as it comes (uvloop). It parses nothing, so it is the cost of the extra process and its two hops alone.
- **forward**: an ``asyncio.Protocol`` on uvloop that parses each request with httptools, takes the ``query`` from
  the form or the URL, puts before it the prologue eventkg adds (:func:`graph.remote.with_prologue`), sends it on a
  kept-alive connection (:class:`graph.remote_http.Connections`, eventkg's own client, under a timeout) and writes the
  answer back with its media type in one write. No cache, no negotiation, no errors, no limits: a prototype of the
  least per-request Python work a forwarder that reads the query can do, not a server to use.
"""

from __future__ import annotations

import argparse
import asyncio
from urllib.parse import parse_qsl, urlsplit

from graph.prefixes import PREFIXES  # not graph.namespaces: no rdflib in a forwarder
from graph.remote import form_encoded, with_prologue


_ACCEPT = b"application/sparql-results+json"  # asked for when a request names nothing


class _Relay(asyncio.Protocol):
    """A client's connection; its bytes go to the upstream connection made for it, and back."""

    def __init__(self, host: str, port: int):
        self.host, self.port, self.upstream, self.waiting = host, port, None, []

    def connection_made(self, transport) -> None:
        self.transport = transport
        asyncio.get_running_loop().create_task(self._connect())

    async def _connect(self) -> None:
        upstream, _ = await asyncio.get_running_loop().create_connection(
            lambda: _Back(self.transport), self.host, self.port)
        self.upstream = upstream
        upstream.writelines(self.waiting)

    def data_received(self, data: bytes) -> None:
        if self.upstream is None:
            self.waiting.append(data)
        else:
            self.upstream.write(data)

    def connection_lost(self, exc) -> None:
        if self.upstream is not None:
            self.upstream.close()


class _Back(asyncio.Protocol):
    """The upstream connection of a relayed client: what the server sends goes to the client."""

    def __init__(self, client):
        self.client = client

    def data_received(self, data: bytes) -> None:
        self.client.write(data)

    def connection_lost(self, exc) -> None:
        self.client.close()


class _Forward(asyncio.Protocol):
    """A client's connection to the least forwarder: each whole request answered by the upstream server."""

    def __init__(self, connections, base_iri: str):
        import httptools

        self.connections, self.base_iri = connections, base_iri
        self.parser = httptools.HttpRequestParser(self)
        self.url, self.body, self.accept = b"", [], _ACCEPT

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.parser.feed_data(data)

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"accept":
            self.accept = value

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        form, accept = b"".join(self.body) or urlsplit(self.url).query, self.accept.decode("latin-1")
        self.url, self.body, self.accept = b"", [], _ACCEPT  # the next request's own
        asyncio.get_running_loop().create_task(self._answer(form.decode(), accept))

    async def _answer(self, form: str, accept: str) -> None:
        query = dict(parse_qsl(form)).get("query", "ASK {}")
        forwarded = form_encoded([("query", with_prologue(query, PREFIXES, self.base_iri))])  # as eventkg encodes it
        async with asyncio.timeout(30):
            answer = await self.connections.post(forwarded.encode("ascii"), accept)
        self.transport.write(b"HTTP/1.1 %d OK\r\ncontent-type: %s\r\ncontent-length: %d\r\n\r\n%s" % (
            answer.status, answer.content_type.encode("latin-1"), len(answer.body), answer.body))


def _serve(kind: str, port: int, upstream: str) -> None:
    import uvloop

    async def forever() -> None:
        loop = asyncio.get_running_loop()
        if kind == "relay":
            parts = urlsplit(upstream)
            factory = lambda: _Relay(parts.hostname, parts.port)  # noqa: E731
        else:
            from graph.remote_http import Connections

            connections, base_iri = Connections(upstream), f"http://127.0.0.1:{port}/sparql"
            factory = lambda: _Forward(connections, base_iri)  # noqa: E731
        server = await loop.create_server(factory, "127.0.0.1", port)
        await server.serve_forever()

    uvloop.run(forever())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["relay", "forward"])
    parser.add_argument("port", type=int)
    parser.add_argument("upstream", help="the SPARQL server's query URL")
    args = parser.parse_args()
    _serve(args.kind, args.port, args.upstream)


if __name__ == "__main__":
    main()
