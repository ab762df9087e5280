"""The errors graph/ raises, in one hierarchy that the API maps to HTTP once (``api/app.py``) and the CLI to exit codes.

Every message is meant for the user: it says what was wrong and, where it helps, what to do. It never contains a
filesystem path or an upstream server's error body.

>>> issubclass(NotFound, GraphError), issubclass(InvalidInput, ValueError)
(True, True)
"""

from __future__ import annotations


class GraphError(Exception):
    """Something graph/ could not do; the message is meant for the user."""


class NotFound(GraphError, LookupError):
    """The entity, event, article or path asked for does not exist (HTTP 404)."""


class InvalidInput(GraphError, ValueError):
    """The request itself is wrong: a malformed query or filter, an unknown type, an ambiguous name (HTTP 400)."""


class Unavailable(GraphError):
    """The store cannot answer now (busy, being rewritten, a query ran out of time); trying again later helps
    (HTTP 503 with Retry-After, unless ``retry`` says otherwise)."""

    retry = True


class StoreError(Unavailable):
    """A store that cannot be opened or an input that cannot be loaded; the message is meant for the user (it names
    no path: the caller knows which store it opened)."""


class StoreBusy(StoreError):
    """Another process (an ``eventkg ingest``, a server's write) holds the store's write lock (RocksDB allows one
    writing process)."""


# Oxigraph reports storage failures (a read-only snapshot losing a file to another process's compaction mid-query) as
# OSError or RuntimeError with RocksDB's words, which name files.
_STORAGE_FAILURE = ("IO error", "Corruption", "No such file")


def is_storage_failure(err: BaseException) -> bool:
    """Whether an error Oxigraph raised is a failure to read or write the store (rather than a bug or bad input).

    >>> is_storage_failure(OSError("IO error: No such file or directory: /srv/kg/000123.sst"))
    True
    """
    return isinstance(err, (OSError, RuntimeError)) and any(words in str(err) for words in _STORAGE_FAILURE)
