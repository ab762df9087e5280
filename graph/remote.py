"""A SPARQL 1.1 server (Virtuoso, the Oxigraph server, …) as the store's engine, in place of the embedded Oxigraph.

:class:`SparqlService` answers the part of ``pyoxigraph.Store``'s interface that :class:`graph.store.EventStore` and the
readers use (``query``, ``update``, ``quads_for_pattern``, ``named_graphs`` …) with requests of the SPARQL 1.1 Protocol,
so every write stays one SPARQL Update request (one transaction on the server) and every read one query. Answers are
parsed by pyoxigraph into the same objects the embedded engine returns.

Differences it smooths over:

- *Bound parameters* (``substitutions``): a trailing ``VALUES`` clause, which SPARQL joins with the query's pattern
  before grouping, ordering and paging.
- *The union default graph*: servers differ (Virtuoso queries all graphs by default; ``oxigraph serve`` only with
  ``--union-default-graph``), so a query that wants the union names it: every graph under the store's base IRI as
  ``default-graph-uri``. That also keeps a server's own graphs (Virtuoso's system graphs) out of the answers.
- *Index reads* (``quads_for_pattern``) become one ``SELECT`` each.
"""

from __future__ import annotations

import asyncio
import re
import ssl
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from graph import remote_load
from graph.errors import InvalidInput, Unavailable
from graph.sparql.jobs import GRAPH_MEDIA, RESULT_MEDIA
from graph.terms import graphs_under

if TYPE_CHECKING:  # imported where used: only a server whose store is a SPARQL service needs it
    from graph.remote_http import Connections

_JSON = "application/sparql-results+json"
_NQUADS = "application/n-quads"
_NTRIPLES = "application/n-triples"
# The query form, when nothing but the prologue, comments and spaces comes before it (else no guess: asked for the
# wrong kind of answer, Virtuoso converts, e.g. a SELECT's rows into a graph describing them)
_PROLOGUE_TOKENS = r"\s|#[^\n]*(?:\n|$)|PREFIX\s*{name}:\s*<[^>\s]*>|BASE\s*<[^>\s]*>"
_PROLOGUE = "(?:" + _PROLOGUE_TOKENS.format(name=r"[\w.-]*") + ")*"
_QUERY_FORM = re.compile(_PROLOGUE + r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_OWN_PROLOGUE = re.compile(_PROLOGUE, re.IGNORECASE)
# a token of the prologue; a PREFIX declaration's name in group 1 (a PREFIX in a comment is part of the comment)
_PROLOGUE_TOKEN = re.compile(_PROLOGUE_TOKENS.format(name=r"([\w.-]*)"), re.IGNORECASE)
# What may resolve against the base IRI: a "<" not followed by a scheme (a relative IRI, or a comparison: a needless
# BASE then), and the IRI()/URI() functions. Two patterns, each with a fixed first character class the engine scans
# for: one alternation under IGNORECASE and \b tried every position, 33-80 us on a 700-character query against 8.
_RELATIVE_IRI = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.-]*:)")
_IRI_CALL = re.compile(r"[IiUu][Rr][Ii]\s*\(")  # also inside a longer name: a needless BASE then
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
FORM = "application/x-www-form-urlencoded"  # what both clients post (form_encoded; graph.remote_http)
REQUEST_BYTES = 4 << 20  # update text per load request (Virtuoso refuses a request text over 10 MB)

# Answer formats each server writes correctly (checked against SPARQL 1.1 and RDF 1.1; tests/test_remote_store.py
# parses every one), so eventkg's /sparql hands the server's answer on unparsed. Virtuoso 7.2's TSV quotes the header
# and leaves tabs and newlines unescaped, its Turtle writes doubles as decimals, its JSON-LD drops language tags, and
# its CSV answers ASK with a column "bool" holding 1: those are parsed and written again.
_ANSWERS = {*RESULT_MEDIA, *GRAPH_MEDIA}
PASSED_THROUGH = {"oxigraph": _ANSWERS,
                  "virtuoso": _ANSWERS - {"text/tab-separated-values", "text/turtle", "application/ld+json", "text/csv"}}
# Virtuoso's JSON results call a typed literal "typed-literal" (a 2007 draft's word; SPARQL 1.1 says "literal" with a
# datatype), and its results name a blank node "nodeID://b1", which is no blank node label. The replaced bytes only
# occur as structure (JSON: inside a string value the quote would be escaped; XML: inside text "<" would be).
_REPAIRS = {("virtuoso", _JSON): lambda body: body.replace(b'"type": "typed-literal"', b'"type": "literal"').replace(
                b'"type": "bnode", "value": "nodeID://', b'"type": "bnode", "value": "'),
            ("virtuoso", "application/sparql-results+xml"): lambda body: body.replace(b"<bnode>nodeID://", b"<bnode>")}


class SparqlService:
    """The store at a SPARQL 1.1 query URL (and update URL), with optional HTTP basic or digest credentials.

    ``graphs_prefix`` is the start of every graph IRI that belongs to the store (the base IRI's ``graph/``).
    """

    def __init__(self, query_url: str, update_url: str | None = None, *, graphs_prefix: str,
                 user: str | None = None, password: str | None = None, timeout: float = 60.0):
        self.query_url, self.update_url = query_url, update_url or query_url
        self._ours = graphs_under(graphs_prefix)  # ?g one of the store's graphs
        import httpx  # here, not at the top: only a store at a SPARQL service needs it (and its memory)

        from graph.remote_auth import Credentials
        auth = Credentials(user, password or "") if user is not None else None
        self._client = httpx.Client(timeout=timeout, auth=auth, follow_redirects=False)
        # for eventkg serve's /sparql, on its event loop (made on first use, inside the loop): no thread per request
        self._forwarding: Connections | None = None
        self._auth = auth
        self._challenged = False  # the query URL asked for credentials: forward() leaves the queries to httpx
        self.product: str | None = None  # the server's software, from its answers' Server header ("virtuoso", …)
        self.request_bytes = REQUEST_BYTES

    def close(self) -> None:
        """Close the connections of the synchronous calls (:meth:`aclose` closes :meth:`forward`'s)."""
        self._client.close()

    # -- the pyoxigraph.Store interface the store and readers use -----------------------------------------------------

    def query(self, query: str, *, prefixes: dict[str, str] | None = None, use_default_graph_as_union: bool = False,
              default_graph=None, named_graphs=None, substitutions: dict | None = None, base_iri: str | None = None):
        params: list[tuple[str, str]] = [("query", with_prologue(_bound(query, substitutions), prefixes, base_iri))]
        # Without default-graph-uri the server's default graph is the union of all graphs: Virtuoso's default, and
        # ``oxigraph serve --union-default-graph`` (docs/scale-out.md), so use_default_graph_as_union needs nothing.
        params += [("default-graph-uri", g) for g in _graph_list(default_graph)]
        params += [("named-graph-uri", g) for g in _graph_list(named_graphs)]
        form = query_form(query)  # None: not a query the server will take (it says why), asked as a SELECT
        accept = _NTRIPLES if form in ("CONSTRUCT", "DESCRIBE") else _JSON
        body = self._post(self.query_url, params, accept)
        body = _repaired(self.product, accept, body)  # the product of this very answer
        if form in ("CONSTRUCT", "DESCRIBE"):
            # pyoxigraph makes its triple answers only from a query: ask one over the triples in memory
            answer = ox.Store()
            answer.extend(ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(body, ox.RdfFormat.N_TRIPLES))
            return answer.query("CONSTRUCT WHERE { ?s ?p ?o }")
        return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)

    def update(self, update: str, *, prefixes: dict[str, str] | None = None, base_iri: str | None = None) -> None:
        self._post(self.update_url, [("update", with_prologue(update, prefixes, base_iri))], "*/*")

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None) -> Iterator[ox.Quad]:
        terms = {"s": subject, "p": predicate, "o": object}
        pattern = " ".join(str(t) if t is not None else f"?{v}" for v, t in terms.items())
        if isinstance(graph_name, ox.DefaultGraph):
            return iter(())  # eventkg keeps nothing in the default graph
        graph = str(graph_name) if graph_name is not None else "?g"
        filter_ = "" if graph_name is not None else self._ours
        rows = self.query(f"SELECT * WHERE {{ GRAPH {graph} {{ {pattern} }} {filter_} }}")
        return iter([ox.Quad(row["s"] if subject is None else subject, row["p"] if predicate is None else predicate,
                             row["o"] if object is None else object,
                             row["g"] if graph_name is None else graph_name) for row in rows])

    def graphs(self) -> list[str]:
        """IRIs of the store's graphs (those under its graph prefix), sorted."""
        rows = self.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours} }}")
        return sorted(row["g"].value for row in rows)

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return iter([ox.NamedNode(g) for g in self.graphs()])

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return bool(self.query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))

    def __contains__(self, quad: ox.Quad) -> bool:
        return bool(self.query(f"ASK {{ GRAPH {quad.graph_name} {{ {quad.subject} {quad.predicate} {quad.object} }} }}"))

    def __len__(self) -> int:
        (row,) = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._ours} }}")
        return int(row["n"].value)

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add ``quads`` to their graphs, graph by graph, each in one transaction (:func:`graph.remote_load.load`)."""
        remote_load.load(self, quads, replace=False)

    def remove_graph(self, graph: ox.NamedNode) -> None:
        self.update(f"DROP SILENT GRAPH {graph}")

    def bulk_load(self, *, path: str | None = None, input: IO[bytes] | None = None, format: ox.RdfFormat,
                  to_graph: ox.NamedNode | None = None, lenient: bool = False) -> None:
        """The quads of a file, read as they are parsed, each graph replacing the graph of its name in one transaction
        (:func:`graph.remote_load.load`): a server-side bulk loader reads files on the server's disk, not ours."""
        source = {"path": path} if path is not None else {"input": input}
        remote_load.load(self, (q if to_graph is None or not isinstance(q.graph_name, ox.DefaultGraph)
                                else ox.Quad(q.subject, q.predicate, q.object, to_graph)
                                for q in ox.parse(**source, format=format, lenient=lenient)))

    def dump(self, output, format: ox.RdfFormat, *, from_graph=None, prefixes=None) -> None:
        graphs = [str(from_graph)] if from_graph is not None else self.graphs()
        quads = [q for g in graphs for q in self.quads_for_pattern(None, None, None, ox.NamedNode(g))]
        if not format.supports_datasets:
            quads = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        ox.serialize(quads, output, format, prefixes=prefixes)

    def flush(self) -> None:
        """Nothing to do: every update was committed by the server when it answered."""

    def optimize(self) -> None:
        """Nothing to do: the server manages its own storage."""

    # -- HTTP ---------------------------------------------------------------------------------------------------------

    async def forward(self, query: str, params: list[tuple[str, str]], media: str, *,
                      prefixes: dict[str, str] | None = None, base_iri: str | None = None) -> bytes | None:
        """The server's answer to ``query`` (with protocol ``params``, and the :func:`prologue` of ``prefixes`` and
        ``base_iri`` it needs) as the server wrote it in ``media``, when the server is known to write that format
        correctly (:data:`PASSED_THROUGH`), else None: then the answer has to be parsed and written again
        (:meth:`query`). Sent from the event loop on a kept-alive connection in one write (:mod:`graph.remote_http`)."""
        if media not in PASSED_THROUGH.get(self.product, ()) or self._challenged:
            return None
        form = form_encoded([("query", with_prologue(query, prefixes, base_iri)), *params])
        try:
            status, server, content_type, body = await self._connections().post(form.encode("ascii"), media)
        except OSError as err:
            raise _unreachable(err) from err
        if status == 401 and self._auth is not None:  # the query URL asks for credentials: httpx answers challenges
            self._challenged = True
            return None
        body = self._checked(status, server, body)
        if content_type.split(";")[0].strip().lower() != media:
            return None
        return _repaired(self.product, media, body)

    def _connections(self) -> Connections:
        """The running event loop's connections (a connection serves the loop it was made in)."""
        from graph.remote_http import Connections  # here, not at the top: only forwarding needs it

        if self._forwarding is None or self._forwarding.loop is not asyncio.get_running_loop():
            self._forwarding = Connections(self.query_url)
        return self._forwarding

    async def aclose(self) -> None:
        """Close the event loop's connections (:meth:`forward`), from that loop."""
        if self._forwarding is not None and self._forwarding.loop is asyncio.get_running_loop():
            self._forwarding.close()
        self._forwarding = None

    def _post(self, url: str, params: list[tuple[str, str]], accept: str) -> bytes:
        import httpx  # imported by __init__ already; the name is for the errors

        try:
            response = self._client.post(url, content=form_encoded(params).encode("ascii"),
                                         headers={"Accept": accept, "Content-Type": FORM})
        except httpx.HTTPError as err:
            raise _unreachable(err) from err
        return self._checked(response.status_code, response.headers.get("server", ""), response.content)

    def _checked(self, status: int, server: str, body: bytes) -> bytes:
        """The body of a successful answer; the errors of a failed one."""
        self.product = server.split("/")[0].strip().lower() or None
        if status in (401, 403):
            raise Unavailable(f"the SPARQL service refused the request (HTTP {status}): check "
                              "EVENTKG_STORE_USER / EVENTKG_STORE_PASSWORD and the update URL")
        if status < 300:
            return body
        text = body.decode("utf-8", "replace")
        if 400 <= status < 500 or _REQUEST_FAULT.match(text):
            raise InvalidInput(f"the SPARQL service refused the request (HTTP {status}): {_first_line(text)}")
        raise Unavailable(f"the SPARQL service failed (HTTP {status}); see its log")


# The request's faults that servers answer with 500. Virtuoso: a query it cannot compile (SQL state 37000), an invalid
# parameter such as dropping a graph it does not hold (22023); the Oxigraph server: a graph an update drops or clears
# is not there, or one it creates is.
_REQUEST_FAULT = re.compile(r"Virtuoso (37000|22023) |The graph <[^>]*> (does not exist|already exists)")


def _unreachable(err: Exception) -> Unavailable:
    """What a request that got no answer tells the user: a TLS certificate that is not trusted says so, with what to
    do (a server behind a private authority); any other failure names its kind only (no addresses)."""
    cause, depth = err, 0
    while cause is not None and not isinstance(cause, ssl.SSLCertVerificationError) and depth < 10:
        cause, depth = cause.__cause__ or cause.__context__, depth + 1
    if isinstance(cause, ssl.SSLCertVerificationError):
        return Unavailable(f"the SPARQL service's TLS certificate is not trusted ({cause.verify_message}): give the "
                           "certificate of the authority that signed it in SSL_CERT_FILE")
    return Unavailable(f"the SPARQL service did not answer ({type(err).__name__})")


def _repaired(product: str | None, media: str, body: bytes) -> bytes:
    repair = _REPAIRS.get((product, media))
    return body if repair is None else repair(body)


def form_encoded(params: list[tuple[str, str]]) -> str:
    """``params`` form-encoded by yarl, in C: a third of ``quote_plus``'s time for a query with the usual prefixes."""
    import yarl  # here, not at the top: only a store at a SPARQL service needs it

    return yarl.URL.build(query=params).raw_query_string


def query_form(query: str) -> str | None:
    r"""SELECT, ASK, CONSTRUCT or DESCRIBE: the form of ``query`` when only its prologue (PREFIX, BASE), comments
    and spaces come before the keyword; else None.

    >>> query_form("PREFIX x: <http://x/>  # a CONSTRUCT in a comment\nselect * {}"), query_form("{ ?s ?p ?o }")
    ('SELECT', None)
    """
    match = _QUERY_FORM.match(query)
    return match.group(1).upper() if match else None


def prologue(text: str, prefixes: dict[str, str] | None, base_iri: str | None = None) -> str:
    r"""The ``BASE`` and ``PREFIX`` lines to put before ``text``, a query or update: ``BASE <base_iri>`` when the text
    may resolve an IRI against it, and the lines of ``prefixes`` (prefix → namespace IRI) whose ``name:`` occurs in it
    and which its own prologue does not declare. A server parses every line it is sent: with all twelve of eventkg's
    and a BASE, Virtuoso took 0.16–0.17 ms longer for a short query (docs/benchmarks.md, issue 13, session 7). A line
    the text may need is never left out (a false match only adds one); a text with ``\u`` escapes, which can spell
    either, gets them all.

    >>> prologue("SELECT * { ?s rdfs:label ?o }", {"rdfs": "http://r#", "owl": "http://o#"}, "http://x/sparql")
    'PREFIX rdfs: <http://r#>\n'
    >>> prologue("PREFIX rdfs: <http://r#> SELECT * { ?s rdfs:label <a> }", {"rdfs": "http://r#"}, "http://x/sparql")
    'BASE <http://x/sparql>\n'
    >>> prologue('SELECT (iri("a") AS ?i) {}', {}, "http://x/"), prologue("ASK { ?s ?p <http://a> }", {}, "http://x/")
    ('BASE <http://x/>\n', '')
    >>> prologue("# PREFIX rdfs: <http://other#>\nASK { ?s rdfs:label ?o }", {"rdfs": "http://r#"})
    'PREFIX rdfs: <http://r#>\n'
    """
    escaped = "\\u" in text or "\\U" in text
    own = _OWN_PROLOGUE.match(text).end()
    declared = set() if escaped else {
        m.group(1) for m in _PROLOGUE_TOKEN.finditer(text, 0, own) if m.group(1) is not None}
    resolves = escaped or _RELATIVE_IRI.search(text) is not None or _IRI_CALL.search(text) is not None
    lines = [f"BASE <{base_iri}>\n"] if base_iri and resolves else []
    lines += [f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or {}).items()
              if escaped or (f"{p}:" in text and p not in declared)]
    return "".join(lines)


def with_prologue(text: str, prefixes: dict[str, str] | None, base_iri: str | None = None) -> str:
    r"""``text`` as a server is sent it: behind the :func:`prologue` it needs.

    >>> with_prologue("ASK { ?s rdfs:label <a> }", {"rdfs": "http://r#"}, "http://x/")
    'BASE <http://x/>\nPREFIX rdfs: <http://r#>\nASK { ?s rdfs:label <a> }'
    """
    return prologue(text, prefixes, base_iri) + text


def _bound(query: str, substitutions: dict | None) -> str:
    """``query`` with its bound variables as a ``VALUES`` block at the start of its ``WHERE`` group (a trailing
    ``VALUES`` would do by the standard, but Virtuoso applies one after LIMIT), else at the end.

    >>> _bound("SELECT ?n WHERE { ?x ?p ?n }", {ox.Variable("x"): ox.NamedNode("http://a")})
    'SELECT ?n WHERE { VALUES (?x) { (<http://a>) } ?x ?p ?n }'
    """
    if not substitutions:
        return query
    names = " ".join(f"?{v.value}" for v in substitutions)
    terms = " ".join(str(t) for t in substitutions.values())
    values = f"VALUES ({names}) {{ ({terms}) }}"
    where = _WHERE.search(query)
    if where is None:
        return f"{query}\n{values}"
    return f"{query[:where.end()]} {values}{query[where.end():]}"


def _graph_list(graphs) -> list[str]:
    if graphs is None:
        return []
    if not isinstance(graphs, list | tuple):
        graphs = [graphs]
    return [g.value for g in graphs if isinstance(g, ox.NamedNode)]


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0][:300]
