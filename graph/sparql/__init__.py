"""SPARQL from users, on Oxigraph's native engine, in sandboxed worker processes; shared by the ``/sparql`` endpoint
and ``eventkg query``. One module per job:

- :mod:`graph.sparql.running`: run a query or an update as Oxigraph parses it (the only parser), serialise the
  answer, and say what the engine's errors mean (:mod:`graph.sparql.errors`);
- :mod:`graph.sparql.text`: lexical looks at a text (may its answer be cached? does it name its dataset?);
- :mod:`graph.sparql.sandbox`: the seccomp filter that leaves the workers no network sockets, so that ``SERVICE``,
  ``LOAD`` and the like can never reach out, whatever the text;
- :mod:`graph.sparql.pool`: the worker processes, killed at the timeout;
- :mod:`graph.sparql.snapshot`: reading a store another process writes;
- :mod:`graph.sparql.description`: the service description.

The usual prefixes (``ekg:``, ``sem:``, ``rdfs:`` … :data:`graph.namespaces.PREFIXES`) are predeclared and the default
graph is the union of all graphs, unless the query (``FROM``) or the protocol (``default-graph-uri``,
``named-graph-uri``) names the graphs.
"""

from graph.sparql.description import SD, service_description
from graph.sparql.errors import (
    NotAcceptable,
    OutboundRefused,
    QuerySyntaxError,
    QueryTimeout,
    ResultTooLarge,
    SparqlError,
    StoreUnavailable,
)
from graph.sparql.pool import QueryPool, UpdatePool
from graph.sparql.running import FORMAT_NAMES, GRAPH_FORMATS, RESULT_FORMATS, Job, UpdateJob, execute
from graph.sparql.snapshot import MemoryCopy, Snapshot
from graph.sparql.text import is_volatile

__all__ = [
    "FORMAT_NAMES", "GRAPH_FORMATS", "RESULT_FORMATS", "SD", "Job", "MemoryCopy", "NotAcceptable", "OutboundRefused",
    "QueryPool", "QuerySyntaxError", "QueryTimeout", "ResultTooLarge", "Snapshot", "SparqlError", "StoreUnavailable",
    "UpdateJob", "UpdatePool", "execute", "is_volatile", "service_description",
]
