"""A deterministic synthetic event graph in eventkg's data model (docs/data-model.md §2), written as N-Quads.

Articles of about 8 events each, one named graph per article, entities drawn with Zipf popularity (a few actors and
places in most articles, a long tail in one or two), places inside countries, a direct edge and its statement per event that yields one,
a standing relation per article, and the entity graph describing every entity used. Same arguments, same bytes.

    python -m bench.synthetic --quads 1000000 -o synthetic-1m.nq

>>> import io
>>> out = io.StringIO()
>>> write_synthetic(out, quads=3000) >= 3000
True
>>> out.getvalue().count("/graph/article/") > 0
True
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from datetime import date, timedelta
from pathlib import Path
from typing import IO

from extract.event_types import EVENT_TYPES
from extract.model import STANDING_PREDICATES
from graph.namespaces import DEFAULT_BASE_IRI, EKG, GEO, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, XSD, IRIs

EVENTS_PER_ARTICLE = 8
ZIPF_EXPONENT = 1.1
COUNTRIES = 25
# The direct edge each event type yields (extract/event_types.py); the types whose edge points at an event (the topic)
# take an earlier event of the article.
EDGE = {t.name: t.edge[0] for t in EVENT_TYPES if t.edge}
ABOUT_AN_EVENT = {t.name for t in EVENT_TYPES if t.edge and t.edge[1] == "topic"}
PATIENT = {t.name: EKG[t.patient] if t.patient != "topic" else EKG.target for t in EVENT_TYPES}
TYPE_WEIGHTS = {"Attack": 20, "Killing": 12, "Statement": 12, "CallForAction": 8, "Threat": 6, "Arrest": 8,
                "MilitaryOperation": 6, "Battle": 6, "Injury": 6, "Death": 5, "Declaration": 4, "Invasion": 4,
                "Proclamation": 2}
MODALITIES = (("asserted", 75), ("reported", 10), ("called-for", 5), ("threatened", 4), ("negated", 3),
              ("hypothetical", 3))
ENTITY_TYPES = (("Person", 40), ("Organization", 25), ("Group", 10), ("Place", 25))

assert set(TYPE_WEIGHTS) == {t.name for t in EVENT_TYPES}


def write_synthetic(out: IO[str] | str | Path, *, quads: int, seed: int = 0, base_iri: str = DEFAULT_BASE_IRI) -> int:
    """Write about ``quads`` quads (never fewer) to a text file object or a path; returns the number written."""
    with open(out, "w", encoding="utf-8") if isinstance(out, (str, Path)) else nullcontext(out) as f:
        written = 0
        for line in _Generator(quads, seed, base_iri).lines():
            f.write(line)
            written += 1
    return written


def _iri(term: object) -> str:
    return f"<{term}>"


def _lit(value: object, datatype: object = None) -> str:
    # generated strings are plain ASCII without quotes or backslashes: no escaping needed
    return f'"{value}"' if datatype is None else f'"{value}"^^<{datatype}>'


class _Generator:
    def __init__(self, quads: int, seed: int, base_iri: str):
        self.target = quads
        self.rng = random.Random(seed)
        self.iris = IRIs(base_iri)
        # about one entity per 150 quads: popular ones recur, the tail appears once or twice
        self.entity_count = max(50, quads // 150)
        kinds, weights = zip(*ENTITY_TYPES)
        self.kinds = self.rng.choices(kinds, weights, k=self.entity_count)
        self.places = [i for i, k in enumerate(self.kinds) if k == "Place"]
        self.actors = [i for i, k in enumerate(self.kinds) if k != "Place"]
        self.popularity = {id(pool): _zipf_cumulative(pool) for pool in (self.places, self.actors)}
        countries = self.places[:COUNTRIES]  # the most popular places are countries
        self.country_of = {i: countries[i % len(countries)] for i in self.places if i not in countries}
        self.used: set[int] = set()
        self.entity_graph_quads = 0  # what entity_graph() will write for the entities used so far
        self.type_names, self.type_weights = zip(*TYPE_WEIGHTS.items())
        self.modality_names, self.modality_weights = zip(*MODALITIES)
        self.run = _iri(self.iris.extractor("synthetic", "1"))

    def pick(self, pool: list[int]) -> int:
        """A Zipf-popular entity of ``pool`` (entities are ranked by their index)."""
        cumulative = self.popularity[id(pool)]
        return pool[bisect.bisect_left(cumulative, self.rng.random() * cumulative[-1])]

    def entity(self, i: int) -> str:
        if i not in self.used:
            self.used.add(i)
            self.entity_graph_quads += 3 + (4 if self.kinds[i] == "Place" else 0) + (i in self.country_of)
            if i in self.country_of:
                self.entity(self.country_of[i])
        return _iri(self.iris.entity(f"{self.kinds[i].lower()}/e{i}"))

    def lines(self) -> Iterator[str]:
        count, article = 0, 0
        while count + self.entity_graph_quads < self.target:
            for line in self.article(article):
                count += 1
                yield line
            article += 1
        yield from self.entity_graph()

    def time(self) -> tuple[str, object]:
        day = date(2020, 1, 1) + timedelta(days=self.rng.randrange(4 * 365))
        granularity = self.rng.random()
        if granularity < 0.6:
            return day.isoformat(), XSD.date
        if granularity < 0.9:
            return day.isoformat()[:7], XSD.gYearMonth
        return str(day.year), XSD.gYear

    def article(self, n: int) -> Iterator[str]:
        rng, iris = self.rng, self.iris
        article_id = f"synthetic-{n:07d}"
        g = _iri(iris.article_graph(article_id))
        a = _iri(iris.article(article_id))

        def q(s: str, p: object, o: str) -> str:
            return f"{s} <{p}> {o} {g} .\n"

        published = (date(2020, 1, 1) + timedelta(days=rng.randrange(4 * 365))).isoformat()
        yield q(a, RDF.type, _iri(EKG.Article))
        yield q(a, RDF.type, _iri(SCHEMA.NewsArticle))
        yield q(a, EKG.articleId, _lit(article_id))
        yield q(a, EKG.contentHash, _lit(f"{rng.getrandbits(256):064x}"))
        yield q(a, SCHEMA.headline, _lit(f"Synthetic article {n}"))
        yield q(a, SCHEMA.publisher, _lit(f"Publisher {rng.randrange(40)}"))
        yield q(a, SCHEMA.datePublished, _lit(published, XSD.date))
        yield q(self.run, RDF.type, _iri(PROV.Activity))

        mentioned: set[str] = set()
        events: list[str] = []
        sentences: list[str] = []  # the article text is these joined by spaces
        statement = 0
        offset = 0
        for e in range(1, EVENTS_PER_ARTICLE + rng.choice((-2, -1, 0, 0, 1, 2)) + 1):
            event_type = rng.choices(self.type_names, self.type_weights)[0]
            ev = _iri(iris.event(article_id, f"ev{e}"))
            agent, other, place = self.pick(self.actors), self.pick(self.actors), self.pick(self.places)
            agent_iri, other_iri, place_iri = self.entity(agent), self.entity(other), self.entity(place)
            mentioned |= {agent_iri, other_iri, place_iri}
            sentence = f"Sentence {e} of article {n} about {event_type.lower()}."
            start, end = offset, offset + len(sentence)
            offset = end + 1
            sentences.append(sentence)
            modality = rng.choices(self.modality_names, self.modality_weights)[0]
            value, datatype = self.time()
            confidence = round(rng.uniform(0.3, 0.95), 2)
            yield q(ev, RDF.type, _iri(EKG[event_type]))
            yield q(ev, RDFS.label, _lit(f"{event_type} {n}/{e}"))
            yield q(ev, EKG.modality, _lit(modality))
            yield q(ev, EKG.agent, agent_iri)
            yield q(ev, PATIENT[event_type], other_iri)
            yield q(ev, EKG.place, place_iri)
            yield q(ev, EKG.time, _lit(value, datatype))
            yield q(ev, EKG.triggerText, _lit(event_type.lower()))
            yield q(ev, EKG.triggerStart, _lit(start, XSD.integer))
            yield q(ev, EKG.triggerEnd, _lit(start + 5, XSD.integer))
            yield q(ev, EKG.sentence, _lit(sentence))
            yield q(ev, EKG.sentenceStart, _lit(start, XSD.integer))
            yield q(ev, EKG.sentenceEnd, _lit(end, XSD.integer))
            yield q(ev, EKG.confidence, _lit(confidence, XSD.double))
            yield q(ev, PROV.wasGeneratedBy, self.run)
            yield q(ev, PROV.wasDerivedFrom, a)
            topic = events[-1] if event_type in ABOUT_AN_EVENT and events else None
            if topic:
                yield q(ev, EKG.topic, topic)
            events.append(ev)

            if event_type in EDGE:  # deaths and military operations yield no direct edge
                statement += 1
                predicate = EKG[EDGE[event_type]]
                obj = topic or other_iri
                st = _iri(iris.statement(article_id, statement))
                yield q(agent_iri, predicate, obj)
                yield from self.statement(q, st, agent_iri, predicate, obj, confidence, a, sentence, start, end)
                yield q(st, EKG.event, ev)

        statement += 1
        person, organization = self.pick(self.actors), self.pick(self.actors)
        s_iri, o_iri = self.entity(person), self.entity(organization)
        mentioned |= {s_iri, o_iri}
        predicate = EKG[rng.choice(STANDING_PREDICATES[:-1])]  # locatedIn is for places
        st = _iri(iris.statement(article_id, statement))
        sentence = f"Standing relation of article {n}."
        sentences.append(sentence)
        yield q(s_iri, predicate, o_iri)
        yield from self.statement(q, st, s_iri, predicate, o_iri, 0.75, a, sentence, offset, offset + len(sentence))
        yield q(a, EKG.text, _lit(" ".join(sentences)))
        for entity in sorted(mentioned):
            yield q(entity, EKG.mentionedIn, a)

    @staticmethod
    def statement(q, st, s, predicate, o, confidence, article, sentence, start, end) -> Iterator[str]:
        yield q(st, RDF.type, _iri(RDF.Statement))
        yield q(st, RDF.subject, s)
        yield q(st, RDF.predicate, _iri(predicate))
        yield q(st, RDF.object, o)
        yield q(st, EKG.confidence, _lit(confidence, XSD.double))
        yield q(st, PROV.wasDerivedFrom, article)
        yield q(st, EKG.sentence, _lit(sentence))
        yield q(st, EKG.sentenceStart, _lit(start, XSD.integer))
        yield q(st, EKG.sentenceEnd, _lit(end, XSD.integer))

    def entity_graph(self) -> Iterator[str]:
        g = _iri(self.iris.entities_graph)
        for i in sorted(self.used):
            e, kind = self.entity(i), self.kinds[i]
            yield f"{e} <{RDF.type}> {_iri(EKG[kind])} {g} .\n"
            yield f"{e} <{RDFS.label}> {_lit(f'{kind} {i}')} {g} .\n"
            yield f"{e} <{SKOS.altLabel}> {_lit(f'{kind[:3].upper()}-{i}')} {g} .\n"
            if kind == "Place":
                geonames = 1_000_000 + i
                yield f"{e} <{GEO.lat}> {_lit(round(self.rng.uniform(-60, 70), 4), XSD.double)} {g} .\n"
                yield f"{e} <{GEO.long}> {_lit(round(self.rng.uniform(-180, 180), 4), XSD.double)} {g} .\n"
                yield f"{e} <{EKG.geonamesId}> {_lit(geonames, XSD.integer)} {g} .\n"
                yield f"{e} <{OWL.sameAs}> <https://sws.geonames.org/{geonames}/> {g} .\n"
                if i in self.country_of:
                    yield f"{e} <{EKG.locatedIn}> {self.entity(self.country_of[i])} {g} .\n"


def _zipf_cumulative(pool: list[int]) -> list[float]:
    return list(itertools.accumulate(1 / (rank + 1) ** ZIPF_EXPONENT for rank in pool))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", type=Path, help="N-Quads file (default: stdout)")
    args = parser.parse_args()
    written = write_synthetic(args.output or sys.stdout, quads=args.quads, seed=args.seed)
    print(f"{written} quads", file=sys.stderr)


if __name__ == "__main__":
    main()
