"""The app's own middleware, around every request (:class:`api.app.Server` stacks them once, outermost first): the
request body limit (413) and the answer cache with ETags. Bare ASGI, no FastAPI."""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict

from starlette.exceptions import HTTPException

from api.asgi import read_body, replay
from api.state import STORE_VERSION
from graph.errors import GraphError


# -- answers: a cache valid for one version of the store; ETag and 304 for GETs ----------------------------------------


class CachedAnswers:
    """The response cache, and ETags.

    Successful answers to GETs and to SPARQL queries sent by POST (a query is safe whichever method carries it) are
    kept, keyed by method, path, query string, ``Accept``, ``Content-Type``, ``Host`` (relative IRIs in a query resolve
    against the endpoint's URL) and body, while the store is unchanged: any
    write, by this server or by another process, changes :meth:`graph.sparql.Snapshot.version` and so empties it in
    effect. An answer marked ``Cache-Control: no-store`` (a query using ``NOW()`` or ``RAND()``) is not kept.

    The version it reads is left in the request state for the endpoint's store (:func:`api.deps.get_store`), so
    the store is looked at once per request. GET answers get an ETag (a hash of the body) unless they have their own
    (the explorer's files), and ``If-None-Match`` gets 304. Exports stream and are neither hashed nor cached.
    ``max_entries=0`` keeps the ETags and turns the cache off.
    """

    def __init__(self, app, version, max_entries: int = 4096, max_body: int = 1 << 20, max_key_body: int = 64 << 10):
        self.app, self.version, self.max_entries, self.max_body = app, version, max_entries, max_body
        self.max_key_body = max_key_body  # longer POSTed queries are answered, not kept
        self.cache: OrderedDict[tuple, tuple] = OrderedDict()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith("/export"):
            return await self.app(scope, receive, send)
        method = scope["method"]
        if method == "POST" and scope["path"] == "/sparql":
            request_body = await read_body(receive)
            receive = replay(request_body, receive)
        elif method == "GET":
            request_body = b""
        else:
            return await self.app(scope, receive, send)
        try:
            version = self.version(scope)
        except GraphError:  # no store folder any more: the app answers that (503), the cache stays out of it
            return await self.app(scope, receive, send)
        scope.setdefault("state", {})[STORE_VERSION] = version  # the endpoint's store is read at this version
        request_headers = dict(scope["headers"])
        key = (method, scope["path"], scope["query_string"], request_headers.get(b"accept", b""),
               request_headers.get(b"content-type", b""), request_body,
               request_headers.get(b"host", b""))  # relative IRIs in a query resolve against the endpoint's URL
        cached = self.cache.get(key)
        if cached is not None and cached[0] == version:
            self.cache.move_to_end(key)
            _, status, headers, body = cached
        else:
            status, headers, body = await _collect(self.app, scope, receive)
            if status == 200 and method == "GET" and _etag(headers) is None:  # the app's own first (the explorer's)
                headers.append((b"etag", b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'))
            if (status == 200 and self.max_entries and len(body) <= self.max_body
                    and len(request_body) <= self.max_key_body and (b"cache-control", b"no-store") not in headers):
                self.cache[key] = (version, status, headers, body)
                if len(self.cache) > self.max_entries:
                    self.cache.popitem(last=False)
        if status == 200 and method == "GET":
            tag = _etag(headers)
            wanted = [t.strip() for t in request_headers.get(b"if-none-match", b"").split(b",")]
            if tag in wanted:
                await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", tag)]})
                await send({"type": "http.response.body", "body": b""})
                return
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _etag(headers: list[tuple[bytes, bytes]]) -> bytes | None:
    return next((value for name, value in headers if name == b"etag"), None)


async def _collect(app, scope, receive) -> tuple[int, list, bytes]:
    """Run ``app`` and gather its whole answer."""
    start: dict = {}
    chunks: list[bytes] = []

    async def collect(message):
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, collect)
    body = b"".join(chunks)
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    return start["status"], headers, body


# -- request bodies over the limit: 413 ----------------------------------------------------------------------------


class _TooLarge(HTTPException):
    """A chunked body grown over the limit: an ``HTTPException``, so that the app reading the body answers 413 as
    it answers any (FastAPI's outermost layer would answer any other exception with a 500 before re-raising it)."""

    def __init__(self, detail: str):
        super().__init__(413, detail)


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` with 413, by Content-Length or while a chunked body streams in."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes
        self.too_large = f"request body over {max_bytes} bytes (max_body_bytes)"

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = chunked = None
        for name, value in scope["headers"]:
            if name == b"content-length" and length is None:
                length = value
            elif name == b"transfer-encoding":
                chunked = value
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            status = 413 if length.isdigit() else 400
            return await _send_problem(send, status, self.too_large if status == 413 else "invalid Content-Length")
        if chunked is None:  # no body, or one the server reads to its Content-Length and no further: nothing to count
            return await self.app(scope, receive, send)
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge(self.too_large)
            return message

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge as err:  # read before any app (the answer cache reads a POSTed query): answered here
            if not started:
                await _send_problem(send, 413, err.detail)


async def _send_problem(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
