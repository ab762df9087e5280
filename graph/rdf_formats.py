"""RDF file formats by the names the CLI and the API take ("ttl", "turtle", "nq", "json-ld", …), for loading files into
the store and dumping it."""

from __future__ import annotations

import pyoxigraph as ox

from graph.errors import StoreError

# File extension (as the CLI says it) -> Oxigraph format.
FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
}
_FORMAT_ALIASES = {"turtle": "ttl", "n-triples": "nt", "ntriples": "nt", "n-quads": "nq", "nquads": "nq",
                   "json-ld": "jsonld", "json": "jsonld", "rdfxml": "rdf", "xml": "rdf", "owl": "rdf"}


def rdf_format(name: str) -> ox.RdfFormat:
    """``"ttl"``, ``"turtle"``, ``"nq"``, ``"json-ld"``, … -> the Oxigraph format.

    >>> rdf_format("turtle").name
    'Turtle'
    """
    key = name.lower().lstrip(".")
    key = _FORMAT_ALIASES.get(key, key)
    if key not in FORMATS:
        raise StoreError(f"unknown RDF format {name!r}; use one of {', '.join(FORMATS)}")
    return FORMATS[key]
