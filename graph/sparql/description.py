"""The SPARQL 1.1 service description of the endpoint (``GET /sparql`` without a query)."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef

from graph.namespaces import RDF, RDFS

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
# The W3C IRI of each format of graph.sparql.jobs.RESULT_MEDIA and GRAPH_MEDIA.
FORMAT_IRIS = {
    "application/sparql-results+json": FORMATS_NS.SPARQL_Results_JSON,
    "application/sparql-results+xml": FORMATS_NS.SPARQL_Results_XML,
    "text/csv": FORMATS_NS.SPARQL_Results_CSV,
    "text/tab-separated-values": FORMATS_NS.SPARQL_Results_TSV,
    "text/turtle": FORMATS_NS.Turtle,
    "application/n-triples": FORMATS_NS["N-Triples"],
    "application/ld+json": FORMATS_NS["JSON-LD"],
    "application/rdf+xml": FORMATS_NS.RDF_XML,
}


def service_description(endpoint: str, *, update: bool = False) -> str:
    """The service description of the endpoint at URL ``endpoint``, in Turtle; ``update``: it takes SPARQL Update
    too (at ``/sparql/update``)."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS_NS)
    service = BNode("service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if update:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for iri in FORMAT_IRIS.values():
        graph.add((service, SD.resultFormat, iri))
    graph.add((service, RDFS.comment, Literal("eventkg: SPARQL 1.1 query service over an event graph; it makes no "
                                              "outbound requests (no SERVICE, no LOAD).")))
    return graph.serialize(format="turtle")
