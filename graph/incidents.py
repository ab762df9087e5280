"""Incidents: the events of several articles that report one real-world incident, grouped into one ``ekg:Incident``
that points to every reporting event and article and counts its independent sources (docs/data-model.md, "Incidents").

A *report* is an event of an occurrence type (attack, killing, death, injury, arrest, invasion, military operation,
battle) that the article asserts or reports (not one called for, threatened, hypothetical or negated) and that has a
named participant or a place. Its time is its own when it is a day or a month, else (a year, or none) the week before
the article's publication; a report without either has no time and joins no other. An event without a place or time
of its own takes those of the events of its sentence ("attacked the FSA in Homs on Saturday, killing 11 people").

Two reports are *compatible* when they have the same type, their times overlap (with one day of slack either side),
their places (if both have one) agree (the same entity, or one is the other's GeoNames country), and they share
evidence: a compatible place, or a named participant (agent, target or victim, after entity resolution). Incidents are
the connected components of compatibility (single linkage), so they are a function of the set of reports, whatever the
order they came in. ``ekg:sourceCount`` is the number of distinct publishers (an article without a publisher counts as
one of its own); ``ekg:victimCount`` holds every report's figure, so an incident with two is one whose sources
disagree. A report's figure is the number of dead its article gives for it, the largest if it gives several (a toll
rises): the victims of a killing or death ("killing 11 people", "twelve civilians died") count for that event, for
the event the article says did the killing ("The attack killed 12 people": the killing's subject) and for the nearest
lethal event of its sentence before it ("attacked … in Homs, killing 11 people"); a death toll ("the death toll rose
to 15") counts for the lethal events of the nearest sentence up to it. An injury's figure is its wounded, for itself
only.

The store keeps the incidents graph up to date on every write (:class:`IncidentIndex`); graph/reading/incidents.py
reads it (REST and dashboards).
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from rdflib import Literal, URIRef

from graph.namespaces import EKG, RDF, RDFS, XSD, IRIs
from graph.rdf import EntityRef, Triple, fits
from graph.times import time_bounds

OCCURRENCES = ("Attack", "Killing", "Death", "Injury", "Arrest", "Invasion", "MilitaryOperation", "Battle")
FACTUAL = ("asserted", "reported")
SLACK = timedelta(days=1)
UNDATED_WINDOW = timedelta(days=7)  # an event without a day or month happened in the week before publication
MAX_SPAN = timedelta(days=31)  # a year is no evidence of time
_COUNTED = ("Killing", "Injury", "Death")
_LETHAL = ("Attack", "Killing", "Death", "Battle", "MilitaryOperation", "Invasion")  # events a death toll is of
_TOLL = re.compile(r"\b(?:death|casualty) toll\b[^.;]{0,40}?\b(?:to|at|of|reached|hit|is|was)\s+"
                   r"((?:at least |some |about |nearly |more than )?(?:[\d,]+|[a-z]+))\b", re.IGNORECASE)
_NUMBER_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty".split())}
_LEADING_NUMBER = re.compile(r"^\s*(?:at least |some |about |nearly |more than )?([\d,]+|[a-z]+)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Report:
    """One event as a report of an incident, with entity keys as its article's extraction gives them."""

    article: str
    event: str
    publisher: str
    type: str
    time: tuple[date, date] | None
    places: tuple[str, ...]
    actors: tuple[str, ...]
    figure: int | None
    own: tuple[tuple[str, str], ...]  # its own (role, key) participants: what keeps the event in its article graph


def reports_of(article_id: str, stored: str, text: str | None = None) -> list[Report]:
    """The candidate reports of one article, from its stored extraction (graph/stored_extraction.py) and its
    text (for death tolls)."""
    data = json.loads(stored)
    meta = data.get("article", {})
    publisher = meta.get("publisher") or f"article:{article_id}"
    published = time_bounds(meta.get("published"))
    window = (_clamped_shift(published[0], -UNDATED_WINDOW), published[1]) if published else None
    events = data.get("events", [])
    figures = victim_figures(events, data.get("relations", []), text)
    by_sentence: dict[tuple, list[dict]] = defaultdict(list)
    for e in events:
        by_sentence[(e["sentence"]["start"], e["sentence"]["end"])].append(e)
    out = []
    for e in events:
        if e["type"] not in OCCURRENCES or e["modality"] not in FACTUAL:
            continue
        siblings = by_sentence[(e["sentence"]["start"], e["sentence"]["end"])]
        places = _args(e, ("place",)) or tuple(sorted({k for s in siblings for k in _args(s, ("place",))}))
        time = _time(e) or next((t for s in siblings if (t := _time(s))), None) or window
        actors = tuple(k for k in _args(e, ("agent", "target", "victim")) if "@" not in k)
        figure = max(figures.get(e["id"], ()), default=None)
        own = tuple(sorted({(a["role"], a["entity"]) for a in e.get("arguments", [])
                            if a["role"] in ("agent", "target", "victim", "place") and a.get("entity")}))
        if own and (places or actors):
            out.append(Report(article_id, e["id"], publisher, e["type"], time, places, actors, figure, own))
    return out


def cluster(reports: Iterable[Report], ref: Callable[[str], EntityRef | None]) -> list[list[Report]]:
    """The incidents of ``reports``: connected components of compatibility, each sorted, sorted by first report."""
    resolved = [x for r in sorted(reports, key=lambda r: (r.article, r.event)) if (x := _resolved(r, ref))]
    parent = list(range(len(resolved)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_type: dict[str, list[int]] = defaultdict(list)
    for i, (r, _, _) in enumerate(resolved):
        if r.time is not None:
            by_type[r.type].append(i)
    for indexes in by_type.values():
        indexes.sort(key=lambda i: resolved[i][0].time[0])
        for n, i in enumerate(indexes):  # a sweep over start times: only reports that can overlap are compared
            for j in indexes[n + 1:]:
                if resolved[j][0].time[0] - resolved[i][0].time[1] > 2 * SLACK:  # a difference cannot overflow
                    break
                if _compatible(resolved[i], resolved[j]):
                    parent[find(j)] = find(i)
    groups: dict[int, list[Report]] = defaultdict(list)
    for i, (r, _, _) in enumerate(resolved):
        groups[find(i)].append(r)
    return sorted((sorted(g, key=lambda r: (r.article, r.event)) for g in groups.values()),
                  key=lambda g: (g[0].article, g[0].event))


def triples(iris: IRIs, groups: Iterable[list[Report]]) -> set[Triple]:
    """The incidents graph: one ``ekg:Incident`` per group, named after its first report."""
    out: set[Triple] = set()
    for group in groups:
        first = group[0]
        incident = incident_iri(iris, first.article, first.event)
        sources = {r.publisher for r in group}
        out |= {(incident, RDF.type, EKG.Incident), (incident, EKG.incidentType, EKG[first.type]),
                (incident, EKG.sourceCount, Literal(len(sources), datatype=XSD.integer)),
                (incident, RDFS.label, Literal(f"{first.type} reported by {len(sources)} "
                                               f"source{'s' if len(sources) != 1 else ''}"))}
        for r in group:
            out.add((incident, EKG.report, iris.event(r.article, r.event)))
            out.add((incident, EKG.source, iris.article(r.article)))
            if r.figure is not None:
                out.add((incident, EKG.victimCount, Literal(r.figure, datatype=XSD.integer)))
    return out


class IncidentIndex:
    """Every stored article's reports, kept by the store's writer. A write re-clusters only the reports that can be
    connected to what changed: the article's old and new reports, those naming an entity whose canonical IRI changed,
    the incidents they were in, and everything compatible with those, found through a per-type index of start times.
    """

    def __init__(self, iris: IRIs, stored: Mapping[str, str], texts: Mapping[str, str],
                 ref: Callable[[str], EntityRef | None]):
        self.iris = iris
        self.reports: dict[str, list[Report]] = {}
        self.starts: dict[str, list[tuple[date, str, str]]] = defaultdict(list)  # type -> sorted (start, article, id)
        self.by_id: dict[tuple[str, str], Report] = {}
        self.by_key: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.group_of: dict[tuple[str, str], tuple[str, str]] = {}
        self.groups: dict[tuple[str, str], list[Report]] = {}
        for article in sorted(stored):
            self._set(article, reports_of(article, stored[article], texts.get(article)))
        self._regroup(cluster((r for rs in self.reports.values() for r in rs), ref))

    def triples(self) -> set[Triple]:
        return triples(self.iris, self.groups.values())

    def update(self, article: str | None, stored: str | None, text: str | None,
               ref: Callable[[str], EntityRef | None],
               changed_keys: Iterable[str] = ()) -> tuple[set[Triple], set[Triple], dict]:
        """The triples to delete and insert once ``article`` is stored (``stored`` extraction, ``text``) or gone (None), and
        entities of ``changed_keys`` resolved anew; the index changes at once, the groups at :meth:`commit`."""
        seeds = {(r.article, r.event) for r in self.reports.get(article, [])}
        seeds |= {i for k in changed_keys for i in self.by_key.get(k, ())}
        if article is not None:
            self._set(article, reports_of(article, stored, text) if stored is not None else [])
            seeds |= {(r.article, r.event) for r in self.reports.get(article, [])}
        found: set = set()
        while True:  # whole old incidents in, and everything compatible with what is in
            old_groups = {self.group_of[i] for i in seeds | found if i in self.group_of}
            seeds = seeds | found | {(r.article, r.event) for g in old_groups for r in self.groups[g]}
            grown = self._closure({i for i in seeds if i in self.by_id}, ref)
            if grown == found:
                break
            found = grown
        new_groups = cluster((self.by_id[i] for i in found), ref)
        old = triples(self.iris, (self.groups[g] for g in sorted(old_groups)))
        new = triples(self.iris, new_groups)
        return old - new, new - old, {"old": old_groups, "new": new_groups}

    def commit(self, pending: dict) -> None:
        for g in pending["old"]:
            for r in self.groups.pop(g, []):
                self.group_of.pop((r.article, r.event), None)
        self._regroup(pending["new"])

    def _regroup(self, groups: Iterable[list[Report]]) -> None:
        for group in groups:
            gid = (group[0].article, group[0].event)
            self.groups[gid] = group
            for r in group:
                self.group_of[(r.article, r.event)] = gid

    def _set(self, article: str, reports: list[Report]) -> None:
        for r in self.reports.pop(article, []):
            rid = (r.article, r.event)
            del self.by_id[rid]
            if r.time is not None:
                starts = self.starts[r.type]
                del starts[bisect_left(starts, (r.time[0], r.article, r.event))]
            for k in (*r.places, *r.actors, *(k for _, k in r.own)):
                self.by_key[k].discard(rid)
        if reports:
            self.reports[article] = reports
        for r in reports:
            rid = (r.article, r.event)
            self.by_id[rid] = r
            if r.time is not None:
                insort(self.starts[r.type], (r.time[0], r.article, r.event))
            for k in (*r.places, *r.actors, *(k for _, k in r.own)):
                self.by_key[k].add(rid)

    def _closure(self, seeds: set, ref) -> set:
        """Every report connected to ``seeds`` by compatibility."""
        resolved: dict = {}

        def get(rid):
            if rid not in resolved:
                resolved[rid] = _resolved(self.by_id[rid], ref)
            return resolved[rid]

        found, frontier = set(seeds), list(seeds)
        while frontier:
            a = get(frontier.pop())
            if a is None or a[0].time is None:
                continue
            starts = self.starts[a[0].type]
            low = bisect_left(starts, (_clamped_shift(a[0].time[0], -(MAX_SPAN + UNDATED_WINDOW + 2 * SLACK)),))
            high = bisect_right(starts, (_clamped_shift(a[0].time[1], 2 * SLACK), "\uffff", "\uffff"))
            for _, article, event in starts[low:high]:
                rid = (article, event)
                if rid not in found and (b := get(rid)) is not None and _compatible(a, b):
                    found.add(rid)
                    frontier.append(rid)
        return found


def _resolved(r: Report, ref: Callable[[str], EntityRef | None]):
    """``(report, places, actors)`` with entities resolved, or None for a report whose event is not in its article's
    graph (no participant fits) or that has neither a place nor a named participant."""
    places = {p for p in (ref(k) for k in r.places) if p is not None and fits(EKG.place, "range", p.type)}
    actors = {x.key for x in (ref(k) for k in r.actors) if x is not None}
    kept = any((x := ref(k)) is not None and fits(EKG[role], "range", x.type) for role, k in r.own)
    return (r, places, actors) if kept and (places or actors) else None


def _args(event: dict, roles: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted({a["entity"] for a in event.get("arguments", []) if a["role"] in roles and a.get("entity")}))


def _clamped_shift(day: date, by: timedelta) -> date:
    """``day`` moved ``by``, held at the first or last representable day: a window's edge past year 1 or 9999 is the
    calendar's edge (no event lies beyond it)."""
    return date.fromordinal(min(max(day.toordinal() + by.days, 1), date.max.toordinal()))


def _time(event: dict) -> tuple[date, date] | None:
    bounds = time_bounds((event.get("time") or {}).get("value"))
    return bounds if bounds and bounds[1] - bounds[0] <= MAX_SPAN else None


def victim_figures(events: list[dict], relations: list[dict], text: str | None) -> dict[str, set[int]]:
    """Event id -> the victim figures its article gives for it (the module doc says which)."""
    out: dict[str, set[int]] = defaultdict(set)
    by_id = {e["id"]: e for e in events}
    lethal = sorted((e for e in events if e["type"] in _LETHAL), key=lambda e: e["trigger"]["start"])
    killers = {r["event"]: r["subject"] for r in relations if r.get("event") and r.get("subject") in by_id}
    for e in events:
        if e["type"] not in _COUNTED:
            continue
        figure = next((f for a in e.get("arguments", []) if a["role"] == "victim"
                       and (f := _figure(a.get("text", ""))) is not None), None)
        if figure is None:
            continue
        out[e["id"]].add(figure)
        if e["type"] == "Injury":
            continue
        if by_id.get(killers.get(e["id"]), {}).get("type") in _LETHAL:
            out[killers[e["id"]]].add(figure)
        before = [o for o in lethal if o["sentence"] == e["sentence"] and o["trigger"]["start"] < e["trigger"]["start"]
                  and o["id"] != e["id"]]
        if before:
            out[before[-1]["id"]].add(figure)
    for match in _TOLL.finditer(text or ""):
        figure = _figure(match.group(1))
        # the "death" of "death toll" is no event of its own
        of = [o for o in lethal if o["sentence"]["start"] <= match.start()
              and not match.start() <= o["trigger"]["start"] < match.end()]
        if figure is not None and of:
            for o in of:
                if o["sentence"] == of[-1]["sentence"]:
                    out[o["id"]].add(figure)
    return out


def _figure(text: str) -> int | None:
    """The number a victim phrase starts with: "11 people", "at least 12 civilians", "three soldiers"."""
    match = _LEADING_NUMBER.match(text or "")
    if not match:
        return None
    word = match.group(1).lower().replace(",", "")
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word)


def _compatible(a, b) -> bool:
    (ra, pa, xa), (rb, pb, xb) = a, b
    if ra.time[0] - rb.time[1] > 2 * SLACK or rb.time[0] - ra.time[1] > 2 * SLACK:  # a difference cannot overflow
        return False
    place_match = any(p.key == q.key or p.country_key == q.key or q.country_key == p.key for p in pa for q in pb)
    if pa and pb and not place_match:
        return False
    return place_match or bool(xa & xb)


def incident_iri(iris: IRIs, article: str, event: str) -> URIRef:
    return iris.incident(hashlib.sha256(f"{article}\x00{event}".encode()).hexdigest()[:16])
