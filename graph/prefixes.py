"""The namespaces' IRIs as strings: the prefixes every SPARQL query gets predeclared (:data:`PREFIXES`) and the base
under which resources are minted. Imports nothing, so that the server and the query workers have them without rdflib;
:mod:`graph.namespaces` makes the namespace objects of eventkg's own from them, and takes the W3C ones from rdflib
(which agree, as :mod:`graph.namespaces` checks)."""

DEFAULT_BASE_IRI = "https://w3id.org/eventkg/id/"

PREFIXES = {
    "ekg": "https://w3id.org/eventkg/ontology#",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "cameo": "https://w3id.org/eventkg/ontology/cameo/",
    "plover": "https://w3id.org/eventkg/ontology/plover/",
}
