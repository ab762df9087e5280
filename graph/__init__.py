"""Extraction -> RDF, the Oxigraph store, SPARQL, the networkx projection, analytics and exports.

Never imports FastAPI: ``api/`` builds on this package, not the other way round.
"""
