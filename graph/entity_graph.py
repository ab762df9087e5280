"""The shared entity graph of a writable store, kept as a function of every article's claims plus the curator's
overrides (graph/resolution.py), and what a write must change so that it stays one.

:class:`EntityGraph` holds the claims of every stored article in memory (read once from the store, on the first
write). :meth:`EntityGraph.plan` takes the new claims of one article (or None when it is deleted), re-resolves only the
components of the block graph the article touches, and returns a :class:`Plan`: the canonical entity of every key the
article graphs refer to, the other articles whose graphs must be written again because one of their entities changed
its canonical IRI, and the entity-graph triples to delete and insert. The store applies a plan in the same SPARQL Update
as the article itself, then :meth:`EntityGraph.commit`.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Literal

from extract.gazetteer import Gazetteer
from graph.belongings import force_claims, force_kind, state_forces
from graph.claims import Claim, ClaimIndex, entity_claim
from graph.namespaces import EKG, GEO, GEONAMES, OWL, RDF, RDFS, SCHEMA, SKOS, XSD, IRIs
from graph.rdf import EntityRef, Triple
from graph.resolution import Cluster, Overrides, merge_id, resolve
from graph.stored_extraction import article_from_dict, span_text


@dataclass
class Plan:
    """What one article write changes beyond its own graph."""

    refs: dict[str, EntityRef]  # every key of the affected components -> its canonical entity
    rerender: set[str]  # other articles whose graphs refer to an entity whose canonical IRI changed
    delete: set[Triple]  # entity-graph triples to remove
    insert: set[Triple]  # entity-graph triples to add
    clusters: list[Cluster]
    old_clusters: list[Cluster]
    keys: set[str]


@dataclass
class EntityGraph:
    iris: IRIs
    index: ClaimIndex = field(default_factory=ClaimIndex)
    overrides: Overrides = field(default_factory=Overrides)
    cluster_of: dict[str, Cluster] = field(default_factory=dict)  # key -> its cluster
    country_refs: Counter = field(default_factory=Counter)  # country key -> clusters lying in it
    canonicals: set[str] = field(default_factory=set)

    # -- building --------------------------------------------------------------------------------------------------

    @classmethod
    def build(cls, iris: IRIs, claims: dict[str, list[Claim]], overrides: Overrides) -> EntityGraph:
        """The state of a store whose articles made ``claims`` (article -> claims)."""
        graph = cls(iris, overrides=overrides)
        for article in sorted(claims):
            graph.index.set_article(article, claims[article])
        seen: set[str] = set()
        for key in sorted(graph.index.by_key):
            if key in seen:
                continue
            component = graph.index.component([key], graph._links())
            seen |= component
            for cluster in resolve(graph.index.key_claims(component), overrides):
                graph._add(cluster)
        return graph

    def triples(self) -> set[Triple]:
        """Every triple of the entity graph."""
        out = set()
        for cluster in {id(c): c for c in self.cluster_of.values()}.values():
            out |= self.describe(cluster)
        for country in self.country_refs:
            if self._stub_needed(country):
                out |= self.stub(country)
        return out

    # -- writing ---------------------------------------------------------------------------------------------------

    def plan(self, article: str | None, claims: list[Claim] | None, *, keys: Iterable[str] = ()) -> Plan:
        """Put (``claims``) or remove (None) an article's claims, or re-resolve ``keys`` after the overrides changed,
        and work out what changes. Changes the claim index; a caller whose write fails must throw this object away."""
        touched = self.index.set_article(article, claims) if article is not None else set()
        keys = touched | set(keys)
        links = self._links()
        while True:  # the components of the touched keys, and of every key that shared a cluster with one of them
            seeds = keys | {m for k in keys if k in self.cluster_of for m in self.cluster_of[k].members}
            grown = self.index.component(seeds, links) | seeds
            if grown == keys:
                break
            keys = grown
        old_clusters = list({id(c): c for k in keys if k in self.cluster_of for c in [self.cluster_of[k]]}.values())
        clusters = resolve(self.index.key_claims(k for k in keys if k in self.index.by_key), self.overrides)
        refs = {k: ref(c) for c in clusters for k in c.members}
        changed = {k for k in keys if k in self.cluster_of and k in refs and ref(self.cluster_of[k]).key != refs[k].key}
        rerender = self.index.articles_of(changed) - {article}
        old = set().union(*(self.describe(c) for c in old_clusters)) if old_clusters else set()
        new = set().union(*(self.describe(c) for c in clusters)) if clusters else set()
        plan = Plan(refs, rerender, old - new, new - old, clusters, old_clusters, keys)
        self._stubs(plan, new)
        return plan

    def commit(self, plan: Plan) -> None:
        """Make a written plan the current state."""
        for cluster in plan.old_clusters:
            self._remove(cluster)
        for cluster in plan.clusters:
            self._add(cluster)

    def refs(self, keys: Iterable[str]) -> dict[str, EntityRef]:
        return {k: ref(self.cluster_of[k]) for k in keys if k in self.cluster_of}

    def ref_of(self, key: str) -> EntityRef | None:
        """The canonical entity of one key, None for a key no stored article claims."""
        cluster = self.cluster_of.get(key)
        return ref(cluster) if cluster is not None else None

    # -- descriptions ----------------------------------------------------------------------------------------------

    def describe(self, cluster: Cluster) -> set[Triple]:
        """The entity-graph triples of one cluster: type, label, aliases, place facts, the keys it merges (owl:sameAs
        their IRIs) and a record of each merge."""
        if cluster.triples is None:
            cluster.triples = frozenset(self._describe(cluster))
        return set(cluster.triples)

    def _describe(self, cluster: Cluster) -> set[Triple]:
        iri = self.iris.entity(cluster.canonical)
        out: set[Triple] = {(iri, RDF.type, EKG[cluster.type]), (iri, RDFS.label, Literal(cluster.label))}
        out |= {(iri, SKOS.altLabel, Literal(a)) for a in cluster.aliases}
        if cluster.description:
            out.add((iri, SCHEMA.description, Literal(cluster.description)))
        if cluster.type == "Organization" and cluster.country_key is not None:  # a country's state force
            out.add((iri, EKG.belongsTo, self.iris.entity(cluster.country_key)))
        if cluster.type == "Place":
            if cluster.latitude is not None and cluster.longitude is not None:
                out.add((iri, GEO.lat, Literal(float(cluster.latitude), datatype=XSD.double)))
                out.add((iri, GEO.long, Literal(float(cluster.longitude), datatype=XSD.double)))
            if cluster.geonames_id is not None:
                out.add((iri, EKG.geonamesId, Literal(int(cluster.geonames_id), datatype=XSD.integer)))
                out.add((iri, OWL.sameAs, GEONAMES[f"{int(cluster.geonames_id)}/"]))
            if cluster.country_key is not None:
                out.add((iri, EKG.locatedIn, self.iris.entity(cluster.country_key)))
        out |= {(iri, OWL.sameAs, self.iris.entity(k)) for k in cluster.members if k != cluster.canonical}
        for m in cluster.merges:
            record = self.iris.merge(merge_id(m))
            out |= {(record, RDF.type, EKG.Merge), (record, EKG.mergedInto, iri), (record, EKG.key, Literal(m.a)),
                    (record, EKG.key, Literal(m.b)), (record, EKG.reason, Literal(m.reason)),
                    (record, EKG.score, Literal(float(m.score), datatype=XSD.double))}
        return out

    def stub(self, country_key: str) -> set[Triple]:
        """A country no article mentions but a mentioned place lies in, as the gazetteer describes it."""
        entry = Gazetteer.load().by_id(country_key)
        if entry is None:
            return set()
        iri = self.iris.entity(country_key)
        out = {(iri, RDF.type, EKG.Place), (iri, RDFS.label, Literal(entry.label)),
               (iri, EKG.geonamesId, Literal(int(entry.geonames_id), datatype=XSD.integer)),
               (iri, OWL.sameAs, GEONAMES[f"{int(entry.geonames_id)}/"])}
        if entry.latitude is not None and entry.longitude is not None:
            out.add((iri, GEO.lat, Literal(float(entry.latitude), datatype=XSD.double)))
            out.add((iri, GEO.long, Literal(float(entry.longitude), datatype=XSD.double)))
        return out

    # -- internals -------------------------------------------------------------------------------------------------

    def _links(self) -> dict[str, set[str]]:
        links: dict[str, set[str]] = defaultdict(set)
        for a, b in self.overrides.merges:
            links[a].add(b)
            links[b].add(a)
        return links

    def _add(self, cluster: Cluster) -> None:
        for k in cluster.members:
            self.cluster_of[k] = cluster
        self.canonicals.add(cluster.canonical)
        if cluster.country_key:
            self.country_refs[cluster.country_key] += 1

    def _remove(self, cluster: Cluster) -> None:
        for k in cluster.members:
            if self.cluster_of.get(k) is cluster:
                del self.cluster_of[k]
        self.canonicals.discard(cluster.canonical)
        if cluster.country_key:
            self.country_refs[cluster.country_key] -= 1
            if self.country_refs[cluster.country_key] <= 0:
                del self.country_refs[cluster.country_key]

    def _stub_needed(self, country: str) -> bool:
        return self.country_refs.get(country, 0) > 0 and country not in self.canonicals

    def _stubs(self, plan: Plan, described: set[Triple]) -> None:
        """Country stubs that the plan makes needed or unneeded, by trying it on the counters and undoing it."""
        countries = {c.country_key for c in (*plan.old_clusters, *plan.clusters) if c.country_key}
        countries |= {c.canonical for c in (*plan.old_clusters, *plan.clusters)}
        before = {c for c in countries if self._stub_needed(c)}
        self.commit(plan)
        after = {c for c in countries if self._stub_needed(c)}
        for cluster in plan.clusters:
            self._remove(cluster)
        for cluster in plan.old_clusters:
            self._add(cluster)
        for c in sorted(before - after):  # mentioned now, or nothing lies in it any more
            plan.delete |= self.stub(c) - described
        for c in sorted(after - before):
            plan.insert |= self.stub(c)
            plan.delete -= self.stub(c)


def ref(cluster: Cluster) -> EntityRef:
    return EntityRef(cluster.canonical, cluster.type, cluster.country_key, cluster.geonames_id is not None)


def claims_from_json(article: str, stored: str, text: str) -> list[Claim]:
    """An article's claims from its stored extraction (graph/stored_extraction.py) and its text (which gives the
    mentions the stored form left without theirs): the claims of the article as it was put."""
    data = json.loads(stored)
    claims = [entity_claim(article, e, (span_text(m, text) for m in e.get("mentions", [])))
              for e in data.get("entities", [])]
    if any(force_kind(e["id"], e.get("description")) for e in data.get("entities", [])):
        _, extraction = article_from_dict(article, text, data)
        claims += force_claims(article, state_forces(extraction))
    return claims
