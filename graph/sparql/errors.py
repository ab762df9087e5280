"""The errors of running user SPARQL, on graph/'s one hierarchy (:mod:`graph.errors`): the client's (400) or
the store's (503)."""

from __future__ import annotations

from graph.errors import InvalidInput, Unavailable


class SparqlError(InvalidInput):
    """A query or update that cannot be answered, through the client's doing (HTTP 400)."""


class QuerySyntaxError(SparqlError):
    """The text does not parse (Oxigraph's message)."""


class OutboundRefused(SparqlError):
    """``SERVICE`` or ``LOAD`` asked for a remote (or local) resource: this endpoint never fetches one."""


class ResultTooLarge(SparqlError):
    """The result has more rows than the limit."""


class NotAcceptable(SparqlError):
    """No media type the client accepts fits the kind of answer (results or a graph): HTTP 406."""


class QueryTimeout(Unavailable):
    """The query ran past the timeout and was stopped."""


class StoreUnavailable(Unavailable):
    """The store could not be read or written now (another process rewrote its files, a worker died); trying again
    helps."""


class UpdateNotSettled(Unavailable):
    """A SPARQL update was applied, but what follows from it could not be brought up to date: still a 503 (the store
    failed), but answered without Retry-After (``retry``), since sending the update again would apply it twice."""

    retry = False

    def __init__(self, message: str = "the update was applied, but what follows from it (entities, incidents, the "
                                      "dashboards' counters) could not be brought up to date: do not send it again"):
        super().__init__(message)


OUTBOUND = ("SERVICE and LOAD are refused: this endpoint makes no outbound requests "
            "(federated queries and remote loading are not available)")
