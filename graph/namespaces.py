"""RDF namespaces and the minting of resource IRIs (docs/data-model.md §2).

Terms are Python objects (``EKG.Attack``, ``SEM.accordingTo``), never IRIs pasted as strings. ``EKG`` is a closed
namespace: a misspelt term raises ``AttributeError`` instead of silently minting a new IRI.

>>> EKG.Attack
rdflib.term.URIRef('https://w3id.org/eventkg/ontology#Attack')
>>> iris = IRIs("https://example.org/kg/")
>>> iris.entity("organization/isis")
rdflib.term.URIRef('https://example.org/kg/entity/organization/isis')
>>> iris.event("a 1", "ev2")
rdflib.term.URIRef('https://example.org/kg/event/a%201/ev2')

The prefixes' IRIs are written once, as strings (:mod:`graph.prefixes`); rdflib's W3C namespaces agree with them:

>>> all(PREFIXES[p] == str(ns) for p, ns in [("prov", PROV), ("skos", SKOS), ("rdf", RDF), ("rdfs", RDFS),
...                                          ("owl", OWL), ("xsd", XSD)])
True
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from rdflib import Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

from extract.model import EVENT_TYPES, PREDICATES
from graph.prefixes import DEFAULT_BASE_IRI, PREFIXES

__all__ = [
    "CAMEO",
    "DEFAULT_BASE_IRI",
    "EKG",
    "GEO",
    "GEONAMES",
    "IRIs",
    "OWL",
    "PLOVER",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SEM",
    "SKOS",
    "XSD",
    "local_name",
]

class EKG(DefinedNamespace):
    """The eventkg ontology (``ontology/eventkg.ttl`` defines every term listed here)."""

    _NS = Namespace(PREFIXES["ekg"])
    _fail = True
    _extras = [*EVENT_TYPES, *PREDICATES]  # event classes and direct-edge predicates, listed once in extract/model.py

    # Classes
    Event: URIRef
    Entity: URIRef
    Person: URIRef
    Organization: URIRef
    Group: URIRef
    Place: URIRef
    Article: URIRef
    EventMention: URIRef
    EntityClaim: URIRef
    Merge: URIRef
    CuratorMerge: URIRef
    CuratorSplit: URIRef
    Incident: URIRef
    # Event roles
    agent: URIRef
    target: URIRef
    victim: URIRef
    place: URIRef
    instrument: URIRef
    topic: URIRef
    # Event description and evidence
    time: URIRef
    timeText: URIRef
    modality: URIRef
    triggerText: URIRef
    triggerStart: URIRef
    triggerEnd: URIRef
    sentence: URIRef
    sentenceStart: URIRef
    sentenceEnd: URIRef
    mention: URIRef
    confidence: URIRef
    # Statements (direct edges reified) and mentions
    event: URIRef
    role: URIRef
    mentionedIn: URIRef
    belongsTo: URIRef
    # Entities and articles
    geonamesId: URIRef
    contentHash: URIRef
    text: URIRef
    articleId: URIRef
    # The change log (graph/changes.py) and the counters maintained at write time (graph/aggregates.py)
    ingestedAt: URIRef
    deletedAt: URIRef
    EventsPerPeriod: URIRef
    EventsPerPlace: URIRef
    EventsPerAgent: URIRef
    ofType: URIRef
    ofModality: URIRef
    inPeriod: URIRef
    ofPlace: URIRef
    ofAgent: URIRef
    eventCount: URIRef
    CountTable: URIRef
    counts: URIRef
    CountTableDigests: URIRef
    tableDigests: URIRef
    extraction: URIRef
    # Claims, merges and the curator's overrides (entity resolution across articles)
    about: URIRef
    key: URIRef
    claimedType: URIRef
    claimedLabel: URIRef
    claimedGeonamesId: URIRef
    mergedInto: URIRef
    reason: URIRef
    score: URIRef
    # Incidents: one real incident reported by events of several articles
    report: URIRef
    source: URIRef
    sourceCount: URIRef
    incidentType: URIRef
    victimCount: URIRef


SEM = Namespace(PREFIXES["sem"])
SCHEMA = Namespace(PREFIXES["schema"])
GEO = Namespace(PREFIXES["geo"])
GEONAMES = Namespace("https://sws.geonames.org/")
# SKOS concept schemes for the event codebooks the ontology maps its event classes to.
CAMEO = Namespace(PREFIXES["cameo"])
PLOVER = Namespace(PREFIXES["plover"])


def compact(iri: str, base: str = DEFAULT_BASE_IRI) -> str:
    """An IRI shortened for people to read: a known prefix (``ekg:killed``) or the part after the resource base
    (``entity/organization/isis``); otherwise unchanged.

    >>> compact("https://w3id.org/eventkg/ontology#killed"), compact("https://w3id.org/eventkg/id/entity/person/x")
    ('ekg:killed', 'entity/person/x')
    """
    if iri.startswith(base):
        return iri[len(base):]
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and "/" not in iri[len(namespace):]:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def local_name(iri: str | None) -> str | None:
    """The part of an IRI after its last ``#`` or ``/``: ``ekg:Attack`` -> ``"Attack"``."""
    if iri is None:
        return None
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


class IRIs:
    """Mints the IRIs of resources under one base (setting ``EVENTKG_BASE_IRI``).

    Ids become percent-encoded path segments; an entity key keeps its ``/`` (``organization/isis``).
    """

    def __init__(self, base: str = DEFAULT_BASE_IRI):
        self.base = base if base.endswith(("/", "#")) else base + "/"
        self.entities_graph = self._mint("graph/entities")
        self.ontology_graph = self._mint("graph/ontology")
        self.changes_graph = self._mint("graph/changes")  # graph/changes.py: when each article was written
        self.aggregates_graph = self._mint("graph/aggregates")  # graph/aggregates.py: counters kept at write time
        self.curation_graph = self._mint("graph/curation")
        self.incidents_graph = self._mint("graph/incidents")

    def _mint(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    @property
    def entity_prefix(self) -> str:
        """Every entity IRI starts with this."""
        return self.base + "entity/"

    @property
    def event_prefix(self) -> str:
        """Every event IRI starts with this."""
        return self.base + "event/"

    @property
    def article_prefix(self) -> str:
        """Every article IRI starts with this."""
        return self.base + "article/"

    def entity(self, key: str) -> URIRef:
        return URIRef(self.entity_prefix + quote(key, safe="/"))

    def article(self, article_id: str) -> URIRef:
        return URIRef(self.article_prefix + _segment(article_id))

    def event(self, article_id: str, event_id: str) -> URIRef:
        return URIRef(f"{self.event_prefix}{_segment(article_id)}/{_segment(event_id)}")

    def event_mention(self, article_id: str, event_id: str, number: int) -> URIRef:
        """The ``number``-th mention (1-based, text order) of an event told more than once."""
        return URIRef(f"{self.event(article_id, event_id)}/mention/{number}")

    def statement(self, article_id: str, number: int) -> URIRef:
        return self._mint(f"statement/{_segment(article_id)}/{number}")

    def extractor(self, name: str, version: str) -> URIRef:
        return self._mint("extractor/" + _segment(f"{name}-{version}"))

    def claim(self, article_id: str, key: str) -> URIRef:
        return self._mint(f"claim/{_segment(article_id)}/{quote(key, safe='/')}")

    def merge(self, merge_id: str) -> URIRef:
        return self._mint("merge/" + _segment(merge_id))

    def override(self, kind: str, override_id: str) -> URIRef:
        return self._mint(f"curation/{kind}/{_segment(override_id)}")

    def incident(self, incident_id: str) -> URIRef:
        return self._mint("incident/" + _segment(incident_id))

    def key_of(self, entity: str) -> str | None:
        """The entity key of an entity IRI of this base; None for anything else."""
        prefix = self.entity_prefix
        return unquote(entity[len(prefix):]) if entity.startswith(prefix) else None

    def article_graph(self, article_id: str) -> URIRef:
        return URIRef(self.article_graph_prefix + _segment(article_id))

    @property
    def article_graph_prefix(self) -> str:
        """Every article graph IRI starts with this."""
        return self.base + "graph/article/"


def _segment(value: str) -> str:
    return quote(value, safe="")
