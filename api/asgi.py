"""Small ASGI helpers shared by the app's own middleware (:mod:`api.middleware`) and the ``/sparql`` endpoint, which
reads requests as bare ASGI (:func:`api.sparql_protocol.query`)."""

from __future__ import annotations


async def read_body(receive) -> bytes:
    """The whole request body (what came before the client went away)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def replay(body: bytes, receive):
    """A ``receive`` that hands the app a body already read, then passes on what the client sends next."""
    sent = False

    async def replayed():
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed
