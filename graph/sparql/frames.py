"""The messages between the server and a SPARQL worker (:mod:`graph.sparql.pool`, :mod:`graph.sparql.worker`) over
their Unix socket: length-prefixed frames.

A query job (:class:`~graph.sparql.jobs.Job`) goes as a pickled plain tuple (pickling the named tuple itself
calls back into Python: 6 against 1.6 µs, for every request); another job goes pickled as it is. An answer is
``("ok", result)`` or ``("error", exception)``; a query's result, ``(media type, body)``, travels as the media type
and the body's bytes as they are, not pickled, so that a large answer is neither copied into a pickle nor re-read
from one: the server hands the bytes to the HTTP response.

>>> buffer = bytearray(encode_answer("ok", ("text/csv", b"x\\r\\n")))
>>> decode(take(buffer)), buffer
(('ok', ('text/csv', b'x\\r\\n')), bytearray(b''))
"""

from __future__ import annotations

import pickle
import select
import socket

from graph.sparql.jobs import Job

_LENGTH = 4  # bytes of the big-endian length before each frame
_BYTES, _PICKLED, _ERROR = b"B", b"P", b"E"  # an answer frame's first byte: what follows
_QUERY = b"Q"  # a job frame's first byte: a query job's fields follow (else _PICKLED: any job)


def encode_job(job: object) -> bytes:
    if type(job) is Job:
        return _frame(_QUERY, pickle.dumps(tuple(job), protocol=pickle.HIGHEST_PROTOCOL))
    return _frame(_PICKLED, pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))


def decode_job(frame: bytes) -> object:
    job = pickle.loads(memoryview(frame)[1:])
    return Job(*job) if frame[:1] == _QUERY else job


def encode_answer(status: str, payload: object) -> bytes:
    if status == "error":
        return _frame(_ERROR, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
    if isinstance(payload, tuple) and len(payload) == 2 and isinstance(payload[1], bytes):
        media, body = payload
        return _frame(_BYTES, media.encode(), b"\0", body)
    return _frame(_PICKLED, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))


def decode(answer: bytes) -> tuple[str, object]:
    """An answer frame's ``(status, payload)``."""
    kind, rest = answer[:1], memoryview(answer)[1:]
    if kind == _BYTES:
        end = answer.index(b"\0")
        return "ok", (answer[1:end].decode(), answer[end + 1:])
    return ("error" if kind == _ERROR else "ok"), pickle.loads(rest)


def take(buffer: bytearray) -> bytes | None:
    """The first whole frame in ``buffer``, removed from it; None while it is incomplete."""
    if len(buffer) < _LENGTH:
        return None
    end = _LENGTH + int.from_bytes(buffer[:_LENGTH], "big")
    if len(buffer) < end:
        return None
    with memoryview(buffer) as view:  # released before the bytearray shrinks
        frame = bytes(view[_LENGTH:end])
    del buffer[:end]
    return frame


class JobReader:
    """The jobs coming over a blocking socket, one at a time (several may come in one read)."""

    def __init__(self, channel: socket.socket):
        self.channel, self.buffer = channel, bytearray()

    def next(self, timeout: float | None = None) -> object:
        """The next job; EOFError when the server closed the socket, TimeoutError when none came within
        ``timeout`` seconds (the job that comes after is still read by the next call)."""
        while (frame := take(self.buffer)) is None:
            if timeout is not None and not select.select([self.channel], [], [], timeout)[0]:
                raise TimeoutError
            data = self.channel.recv(1 << 16)
            if not data:
                raise EOFError
            self.buffer += data
        return decode_job(frame)


def _frame(*parts: bytes) -> bytes:
    return b"".join((sum(map(len, parts)).to_bytes(_LENGTH, "big"), *parts))
