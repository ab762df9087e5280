"""An article and its extraction as RDF, following docs/data-model.md §2.

:func:`article_rdf` returns an :class:`ArticleRDF`: the triples of the article's named graph and the article's claims
about its entities. Entity references are written with the canonical IRI the resolution across articles gives each key
(``resolved``; graph/resolution.py, chosen by the store); the entity graph itself is the store's to write. Nothing is
written that contradicts the ontology's ``rdfs:domain``/``rdfs:range`` (a place role that resolved to a person, an event
predicate whose object is an entity): under RDFS inference the graph keeps meaning what it says.

>>> from extract.model import Argument, Article, Entity, Event, Extraction, Span
>>> article = Article(id="a1", text="ISIS attacked Paris.", published="2015-11-13")
>>> isis = Entity("organization/isis", "ISIS", "Organization", mentions=[Span("ISIS", 0, 4)])
>>> attack = Event("ev1", "Attack", "asserted", Span("attacked", 5, 13), Span(article.text, 0, 20),
...                [Argument("agent", "ISIS", 0, 4, "organization/isis")])
>>> ex = Extraction(id="a1", entities=[isis], events=[attack])
>>> rdf = article_rdf(article, ex, IRIs())
>>> (rdf.iris.event("a1", "ev1"), RDF.type, EKG.Attack) in rdf.triples
True
>>> len(rdf.quads()) == len(rdf.triples) and [c.key for c in rdf.claims]
['organization/isis']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

import ontology
from extract.model import Article, Entity, Event, Extraction, Relation, name_text
from graph.belongings import belongings, force_claims, state_forces
from graph.namespaces import EKG, PREFIXES, PROV, RDF, RDFS, SCHEMA, SEM, SKOS, XSD, IRIs
from graph.claims import Claim, claims_of
from graph.resolution import country_geonames_ids
from graph.stored_extraction import extraction_json

Triple = tuple[URIRef, URIRef, Node]
PARTICIPANT_ROLES = ("agent", "target", "victim", "place")
Quad = tuple[URIRef, URIRef, Node, URIRef]

# The datatype of a time value follows its granularity: a day, a month or a year.
_TIME_DATATYPES = (
    (re.compile(r"^-?\d{4}-\d{2}-\d{2}$"), XSD.date),
    (re.compile(r"^-?\d{4}-\d{2}$"), XSD.gYearMonth),
    (re.compile(r"^-?\d{4}$"), XSD.gYear),
)


@dataclass(frozen=True)
class EntityRef:
    """What the article graph needs to know of an entity key: the canonical key it resolved to, that entity's type,
    and for a place its gazetteer country key and whether GeoNames knows it."""

    key: str
    type: str
    country_key: str | None = None
    known_place: bool = False


class ArticleRDF:
    """One article as RDF: its named graph (made when first asked for) and its claims about its entities.

    The store resolves the article's entity keys first (:meth:`resolve`), so the graph is usually made once, with the
    canonical IRIs; an article the store already has unchanged is never made at all.
    """

    def __init__(self, article: Article, extraction: Extraction, iris: IRIs,
                 resolved: Mapping[str, EntityRef] | None = None, stored: str | None = None):
        self.article, self.extraction, self.iris = article, extraction, iris
        self.article_id = article.id
        self.content_hash = article.content_hash
        self.extractor_run = iris.extractor(extraction.extractor, extraction.extractor_version)
        self.graph = iris.article_graph(article.id)
        self.refs = {e.id: own_ref(e) for e in extraction.entities}
        self.forces = state_forces(extraction)  # the country's force each unnamed state force belongs to
        self.refs.update((c.key, EntityRef(c.key, c.type)) for c in self.forces.values())
        self._stored = stored
        self._triples: list[Triple] | None = None
        self.resolve(resolved or {})

    def resolve(self, resolved: Mapping[str, EntityRef]) -> None:
        """Use these canonical entities for the article's keys (the graph is made again if any changes)."""
        changed = {k: v for k, v in resolved.items() if k in self.refs and self.refs[k] != v}
        if changed:
            self.refs.update(changed)
            self._triples = None

    @property
    def stored(self) -> str:
        """The extraction as stored with the article (``ekg:extraction``)."""
        if self._stored is None:
            self._stored = extraction_json(self.article, self.extraction)
        return self._stored

    @property
    def claims(self) -> list[Claim]:
        return claims_of(self.article_id, self.extraction) + force_claims(self.article_id, self.forces)

    @property
    def triples(self) -> list[Triple]:
        if self._triples is None:
            self._triples = _Builder(self.article, self.extraction, self.iris, self.refs, self.stored,
                                     self.forces).triples
        return self._triples

    @property
    def event_count(self) -> int:
        """Events in the article's graph (extracted events with nothing to connect to are not)."""
        return sum(1 for _, p, _ in self.triples if p == EKG.modality)

    def quads(self) -> list[Quad]:
        """The quads of the article's graph."""
        return [(s, p, o, self.graph) for s, p, o in self.triples]

    def dataset(self) -> Dataset:
        """The quads in an in-memory rdflib Dataset (for validation and tests; the store never goes through this)."""
        ds = Dataset()
        for prefix, namespace in PREFIXES.items():
            ds.bind(prefix, namespace)
        ds.addN(self.quads())
        return ds


def article_rdf(
    article: Article, extraction: Extraction, iris: IRIs, resolved: Mapping[str, EntityRef] | None = None,
    stored: str | None = None,
) -> ArticleRDF:
    """The RDF of ``article`` and what was extracted from it; ``resolved`` maps entity keys to their canonical
    entities (by default each key is its own entity, as the extractor describes it); ``stored`` is the extraction's
    stored form if the caller has it already (:func:`extraction_json`)."""
    return ArticleRDF(article, extraction, iris, resolved, stored)


def own_ref(entity: Entity) -> EntityRef:
    """An entity as its own extraction describes it."""
    country = country_geonames_ids().get(entity.country.casefold()) if entity.type == "Place" and entity.country else None
    country_key = f"place/geonames-{country}" if country is not None and country != entity.geonames_id else None
    return EntityRef(entity.id, entity.type, country_key, entity.geonames_id is not None)


def time_literal(value: str | None) -> Literal | None:
    """``"2022-02"`` -> ``"2022-02"^^xsd:gYearMonth``; None for anything that is not an ISO day, month or year.

    >>> time_literal("2022").datatype == XSD.gYear
    True
    """
    for pattern, datatype in _TIME_DATATYPES:
        if value and pattern.match(value):
            return Literal(value, datatype=datatype)
    return None


class _Builder:
    """Walks one extraction once, collecting triples; kept private so the public surface is :func:`article_rdf`."""

    def __init__(self, article: Article, extraction: Extraction, iris: IRIs, refs: Mapping[str, EntityRef],
                 stored: str, forces: Mapping[str, Claim]):
        self.article, self.extraction, self.iris, self.refs, self.stored = article, extraction, iris, refs, stored
        self.article_iri = iris.article(article.id)
        self.entity_keys = {e.id for e in extraction.entities}
        self.event_ids = _events_to_keep(extraction, self.entity_keys, self._role_fits)
        self.labels = {e.id: e.label for e in extraction.entities}
        self.triples: list[Triple] = []
        self._article()
        for entity in extraction.entities:
            self._entity(entity)
        for event in extraction.events:
            if event.id in self.event_ids:
                self._event(event)
        for number, relation in enumerate(extraction.relations, start=1):
            self._relation(number, relation)
        owners = {local: iris.entity(refs[force.key].key) for local, force in forces.items()}
        for local, named in belongings(extraction, refs).items():  # a country may be one the article does not name
            owners.setdefault(local, self.node(named) or iris.entity(named))
        for local, owner in owners.items():
            self.add(self.node(local), EKG.belongsTo, owner)

    def add(self, s: URIRef, p: URIRef, o: Node | None) -> None:
        if o is not None:
            self.triples.append((s, p, o))

    def node(self, local_id: str | None) -> URIRef | None:
        """The IRI of an entity key (its canonical entity) or of an event id of this article; None for anything
        unknown."""
        if local_id in self.event_ids:
            return self.iris.event(self.article.id, local_id)
        if local_id in self.entity_keys:
            return self.iris.entity(self.refs[local_id].key)
        return None

    def _kind(self, local_id: str | None) -> str | None:
        """``"Event"``, the resolved entity type, or None."""
        if local_id in self.event_ids:
            return "Event"
        return self.refs[local_id].type if local_id in self.entity_keys else None

    def _role_fits(self, role: str, local_id: str | None) -> bool:
        """An event role filled by something its ``rdfs:range`` allows (a topic is an event, a place a place)."""
        kind = self.refs[local_id].type if local_id in self.entity_keys else None
        return kind is not None and fits(EKG[role], "range", kind)

    def _article(self) -> None:
        a, art = self.article_iri, self.article
        self.add(a, RDF.type, EKG.Article)
        self.add(a, RDF.type, SCHEMA.NewsArticle)
        self.add(a, EKG.articleId, Literal(art.id))
        self.add(a, EKG.contentHash, Literal(art.content_hash))
        self.add(a, EKG.text, Literal(art.text))
        self.add(a, EKG.extraction, Literal(self.stored))
        self.add(a, SCHEMA.headline, _optional(art.title))
        self.add(a, SCHEMA.publisher, _optional(art.publisher))
        self.add(a, SCHEMA.url, Literal(art.url, datatype=XSD.anyURI) if art.url else None)
        self.add(a, SCHEMA.datePublished, time_literal(art.published))
        self.add(a, SCHEMA.inLanguage, _optional(art.language))
        run = self.iris.extractor(self.extraction.extractor, self.extraction.extractor_version)
        self.add(run, RDF.type, PROV.Activity)
        self.add(run, RDFS.label, Literal(f"{self.extraction.extractor} {self.extraction.extractor_version}"))
        self.add(run, SCHEMA.softwareVersion, Literal(self.extraction.extractor_version))
        self.run = run

    def _entity(self, entity: Entity) -> None:
        """The mention, the surface forms this article used, and its claim: what this article says the entity is."""
        iri = self.node(entity.id)
        self.add(iri, EKG.mentionedIn, self.article_iri)
        for surface in _unique(name_text(m.text) for m in entity.mentions):
            if surface != entity.label:
                self.add(iri, SKOS.altLabel, Literal(surface))
        claim = self.iris.claim(self.article.id, entity.id)
        self.add(claim, RDF.type, EKG.EntityClaim)
        self.add(claim, EKG.about, iri)
        self.add(claim, EKG.key, Literal(entity.id))
        self.add(claim, EKG.claimedType, EKG[entity.type])
        self.add(claim, EKG.claimedLabel, Literal(entity.label))
        if entity.geonames_id is not None:
            self.add(claim, EKG.claimedGeonamesId, Literal(int(entity.geonames_id), datatype=XSD.integer))

    def _event(self, event: Event) -> None:
        e = self.iris.event(self.article.id, event.id)
        self.add(e, RDF.type, EKG[event.type])
        self.add(e, RDFS.label, Literal(self._event_label(event)))
        self.add(e, EKG.modality, Literal(event.modality))
        for argument in event.arguments:
            if argument.role == "topic":
                if argument.entity in self.event_ids:
                    self.add(e, EKG.topic, self.node(argument.entity))
            elif self._role_fits(argument.role, argument.entity):
                self.add(e, EKG[argument.role], self.node(argument.entity))
        if event.time is not None:
            self.add(e, EKG.time, time_literal(event.time.value))
            self.add(e, EKG.timeText, _optional(event.time.text))
        if event.source is not None:
            self.add(e, SEM.accordingTo, self.node(event.source))
        self._trigger(e, event.trigger)
        self._evidence(e, event.sentence)
        self._mentions(e, event)
        self.add(e, EKG.confidence, Literal(float(event.confidence), datatype=XSD.double))
        self.add(e, PROV.wasGeneratedBy, self.run)
        self.add(e, PROV.wasDerivedFrom, self.article_iri)

    def _trigger(self, node: URIRef, trigger) -> None:
        self.add(node, EKG.triggerText, Literal(trigger.text))
        self.add(node, EKG.triggerStart, Literal(trigger.start))
        self.add(node, EKG.triggerEnd, Literal(trigger.end))

    def _mentions(self, e: URIRef, event: Event) -> None:
        """An event the article tells more than once ("a car bomb exploded ... the blast") points to every mention,
        each with its trigger and sentence; an event told once has only its own trigger and sentence."""
        if len(event.mentions) < 2:
            return
        for number, mention in enumerate(event.mentions, start=1):
            m = self.iris.event_mention(self.article.id, event.id, number)
            self.add(e, EKG.mention, m)
            self.add(m, RDF.type, EKG.EventMention)
            self._trigger(m, mention.trigger)
            self._evidence(m, mention.sentence)

    def _event_label(self, event: Event) -> str:
        """A short label such as ``Attack "attacks" by ISIS in Israel``."""
        parts = [f'{event.type} "{event.trigger.text}"']
        for role, word in (("agent", "by"), ("victim", "of"), ("target", "on"), ("place", "in")):
            names = [self.labels[a.entity] for a in event.args(role) if a.entity in self.labels]
            if names:
                parts.append(f"{word} {', '.join(names)}")
        return " ".join(parts)

    def _evidence(self, node: URIRef, sentence) -> None:
        self.add(node, EKG.sentence, Literal(sentence.text))
        self.add(node, EKG.sentenceStart, Literal(sentence.start))
        self.add(node, EKG.sentenceEnd, Literal(sentence.end))

    def _relation(self, number: int, relation: Relation) -> None:
        subject, obj = self.node(relation.subject), self.node(relation.object)
        if subject is None or obj is None or not self._relation_fits(relation):
            return
        predicate = EKG[relation.predicate]
        self.add(subject, predicate, obj)
        st = self.iris.statement(self.article.id, number)
        self.add(st, RDF.type, RDF.Statement)
        self.add(st, RDF.subject, subject)
        self.add(st, RDF.predicate, predicate)
        self.add(st, RDF.object, obj)
        event = self.node(relation.event)
        self.add(st, EKG.event, event)
        self.add(st, EKG.confidence, Literal(float(relation.confidence), datatype=XSD.double))
        self.add(st, PROV.wasDerivedFrom, self.article_iri)
        self.add(st, EKG.role, _optional(relation.role))
        evidence = relation.evidence or self._event_sentence(relation.event)
        if evidence is not None:
            self._evidence(st, evidence)

    def _relation_fits(self, relation: Relation) -> bool:
        """The ontology's domain and range hold, and a text ``locatedIn`` does not contradict the gazetteer: between
        two places GeoNames knows, only the gazetteer's own "lies in its country" is kept (it says "Iraq, Syria" is no
        containment); a venue or village GeoNames lacks may be placed by the text."""
        predicate = EKG[relation.predicate]
        subject, obj = self._kind(relation.subject), self._kind(relation.object)
        if not (fits(predicate, "domain", subject) and fits(predicate, "range", obj)):
            return False
        if relation.predicate == "locatedIn":
            ref = self.refs[relation.subject]
            return not ref.known_place or ref.country_key == self.refs[relation.object].key
        return True

    def _event_sentence(self, event_id: str | None):
        return next((e.sentence for e in self.extraction.events if e.id == event_id), None)


def _events_to_keep(extraction: Extraction, entity_keys: set[str], role_fits) -> set[str]:
    """Ids of the events worth a node: those with a participant entity (agent, target, victim or place), those a
    relation refers to, and the topics of the events kept (what was called for, threatened, stated).

    An event none of that applies to ("attacks continue across the country") has nothing to connect to; the shapes in
    ontology/shapes.ttl call it malformed, so it is left out of the graph.
    """
    kept = {
        event.id
        for event in extraction.events
        if any(a.role in PARTICIPANT_ROLES and a.entity in entity_keys and role_fits(a.role, a.entity)
               for a in event.arguments)
    }
    event_ids = {event.id for event in extraction.events}
    kept |= {ref for r in extraction.relations for ref in (r.subject, r.object, r.event) if ref in event_ids}
    topics = {e.id: [a.entity for a in e.args("topic") if a.entity in event_ids] for e in extraction.events}
    frontier = set(kept)
    while frontier:  # topics of topics: a call for a threat of an attack
        frontier = {t for event_id in frontier for t in topics[event_id]} - kept
        kept |= frontier
    return kept


def _optional(value: str | None) -> Literal | None:
    return Literal(value) if value else None


def _unique(values: Iterable) -> list:
    return list(dict.fromkeys(values))


def fits(predicate: URIRef, side: str, kind: str | None) -> bool:
    """Whether a node of ``kind`` (``"Event"``, an entity type, or None for a literal or unknown) may be the subject
    (``side="domain"``) or object (``"range"``) of ``predicate`` by its ``rdfs:domain``/``rdfs:range`` in
    ontology/eventkg.ttl. Only classes of events and entities are checked."""
    required = _signatures().get((predicate, side))
    if required is None:
        return True
    if kind is None:
        return False
    if required == EKG.Entity:
        return kind != "Event"
    return required == EKG[kind]


_NODE_CLASSES = {EKG.Entity, EKG.Event, EKG.Person, EKG.Organization, EKG.Group, EKG.Place}


@lru_cache(maxsize=1)
def _signatures() -> dict[tuple[URIRef, str], URIRef]:
    """``(property, "domain"|"range") -> class`` for the event and entity classes of the ontology."""
    onto = Graph().parse(ontology.path("eventkg.ttl"))
    out = {}
    for side, term in (("domain", RDFS.domain), ("range", RDFS.range)):
        for p, cls in onto.subject_objects(term):
            if cls in _NODE_CLASSES:
                out[(p, side)] = cls
    return out
