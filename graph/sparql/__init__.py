"""SPARQL from users, on Oxigraph's native engine, in sandboxed worker processes; shared by the ``/sparql`` endpoint
and ``eventkg query``. One module per job:

- :mod:`graph.sparql.jobs`: what the server hands a worker (a query, an update) and the media types of answers;
- :mod:`graph.sparql.running`: run a query or an update as Oxigraph parses it (the only parser), serialise the
  answer, and say what the engine's errors mean (:mod:`graph.sparql.errors`);
- :mod:`graph.sparql.text`: lexical looks at a text (may its answer be cached? does it name its dataset?);
- :mod:`graph.sparql.sandbox`: the seccomp filter that leaves the workers no network sockets, so that ``SERVICE``,
  ``LOAD`` and the like can never reach out, whatever the text;
- :mod:`graph.sparql.pool` and :mod:`graph.sparql.worker`: the worker processes, killed at the timeout
  (:mod:`graph.sparql.cork`: the jobs sent to a worker in one turn of the event loop leave together, as the server's
  HTTP responses do);
- :mod:`graph.sparql.snapshot`: reading a store another process writes;
- :mod:`graph.sparql.endpoint`: the pools and snapshot of a store folder or, for a SPARQL server, those of
  :mod:`graph.sparql.remote`, chosen in one place;
- :mod:`graph.sparql.description`: the service description.

The usual prefixes (``ekg:``, ``sem:``, ``rdfs:`` … :data:`graph.namespaces.PREFIXES`) are predeclared and the default
graph is the union of all graphs, unless the query (``FROM``) or the protocol (``default-graph-uri``,
``named-graph-uri``) names the graphs.
"""

from importlib import import_module

# What each public name's module is. Loaded on first use (PEP 562), so that a worker process, which imports
# graph.sparql.worker, loads only what it needs.
_WHERE = {
    "SD": "description", "service_description": "description", "Endpoint": "endpoint", "open_endpoint": "endpoint",
    "NotAcceptable": "errors", "OutboundRefused": "errors", "QuerySyntaxError": "errors", "QueryTimeout": "errors",
    "ResultTooLarge": "errors", "SparqlError": "errors", "StoreUnavailable": "errors",
    "QueryPool": "pool", "UpdatePool": "pool",
    "FORMAT_NAMES": "running", "GRAPH_FORMATS": "running", "RESULT_FORMATS": "running", "Job": "jobs",
    "UpdateJob": "jobs", "execute": "running",
    "Snapshot": "snapshot",
    "is_volatile": "text",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'graph.sparql' has no attribute {name!r}")
    return getattr(import_module(f"graph.sparql.{_WHERE[name]}"), name)
