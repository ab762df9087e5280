"""Incidents as the REST API and the dashboards read them: a page of incidents with their sources and victim figures,
filtered by source count, conflicting figures and type, and one incident with its reports (graph/incidents.py keeps the
incidents graph as the store writes).

>>> from graph.store import EventStore
>>> store = EventStore(None)
>>> incidents(store), incident_count(store), incident(store, "0123456789abcdef")
([], 0, None)
"""

from __future__ import annotations

from graph.namespaces import EKG, local_name
from graph.reading.query import ref, value_of
from graph.reading.records import IncidentDetail, IncidentReport, IncidentSummary
from graph.terms import sparql_term


def incidents(store, *, single_source: bool | None = None, conflicting: bool | None = None,
              incident_type: str | None = None, limit: int = 100, offset: int = 0) -> list[IncidentSummary]:
    """Incidents with their id, type, source count, reporting articles and victim figures, most sources first.

    ``single_source=True``: only incidents one source reports; ``conflicting=True``: only those whose reports give
    different victim figures; ``incident_type``: a local name such as ``"Attack"``.
    """
    query = _summaries(store, single_source, conflicting, incident_type)
    return [IncidentSummary(
        id=row["i"].value.rsplit("/", 1)[-1],
        incident=row["i"].value,
        type=local_name(row["type"].value),
        sources=int(row["sources"].value),
        articles=sorted(row["articles"].value.split()),
        victim_counts=sorted(int(n) for n in (row["counts"].value.split() if row["counts"] is not None else ())),
    ) for row in store.select(f"{query} ORDER BY DESC(?sources) ?i LIMIT {int(limit)} OFFSET {int(offset)}")]


def incident_count(store, *, single_source: bool | None = None, conflicting: bool | None = None,
                   incident_type: str | None = None) -> int:
    """How many incidents :func:`incidents` finds with these filters, over all pages."""
    query = _summaries(store, single_source, conflicting, incident_type)
    query = query.replace("SELECT *", "SELECT (COUNT(*) AS ?n)", 1)
    return int(next(iter(store.select(query)))["n"].value)


def incident(store, incident_id: str) -> IncidentDetail | None:
    """One incident (its id is the last segment of its IRI): type, source count, victim figures, and its reports,
    each event (type, label, time) with the article (title, publisher) that reports it."""
    iri = store.iris.incident(incident_id)
    graph = sparql_term(store.iris.incidents_graph)
    head = list(store.select(f"""
    SELECT ?type ?sources WHERE {{ GRAPH {graph} {{ {sparql_term(iri)} a ekg:Incident ;
        ekg:incidentType ?type ; ekg:sourceCount ?sources }} }}"""))
    if not head:
        return None
    figures = sorted(int(r["n"].value) for r in store.select(
        f"SELECT ?n WHERE {{ GRAPH {graph} {{ {sparql_term(iri)} ekg:victimCount ?n }} }}"))
    reports = [IncidentReport(
        event=ref(store, row["e"].value, value_of(row["label"]), row["etype"].value),
        time=value_of(row["time"]),
        article=ref(store, row["a"].value, value_of(row["title"])),
        publisher=value_of(row["publisher"]),
    ) for row in store.select(f"""
    SELECT ?e ?etype ?label ?time ?a ?title ?publisher WHERE {{
      GRAPH {graph} {{ {sparql_term(iri)} ekg:report ?e }}
      ?e a ?etype ; prov:wasDerivedFrom ?a .
      FILTER(STRSTARTS(STR(?etype), STR(ekg:)))
      OPTIONAL {{ ?e rdfs:label ?label }}
      OPTIONAL {{ ?e ekg:time ?time }}
      OPTIONAL {{ ?a schema:headline ?title }}
      OPTIONAL {{ ?a schema:publisher ?publisher }}
    }} ORDER BY ?a ?e""")]
    return IncidentDetail(incident_id, str(iri), local_name(head[0]["type"].value), int(head[0]["sources"].value),
                          figures, reports)


def _summaries(store, single_source: bool | None, conflicting: bool | None, incident_type: str | None) -> str:
    """``SELECT *`` of the incidents that pass the filters, one row each (``?i ?type ?sources ?articles ?figures
    ?counts``), unordered."""
    filters = []
    if single_source is not None:
        filters.append(f"FILTER(?sources {'=' if single_source else '>'} 1)")
    if conflicting is not None:
        filters.append(f"FILTER(?figures {'>' if conflicting else '<='} 1)")
    type_filter = f"VALUES ?type {{ {sparql_term(EKG[incident_type])} }}" if incident_type else ""
    query = f"""
    SELECT ?i ?type ?sources (GROUP_CONCAT(DISTINCT STR(?a); separator=" ") AS ?articles)
           (COUNT(DISTINCT ?n) AS ?figures) (GROUP_CONCAT(DISTINCT STR(?n); separator=" ") AS ?counts)
    WHERE {{
      GRAPH {sparql_term(store.iris.incidents_graph)} {{
        ?i a ekg:Incident ; ekg:incidentType ?type ; ekg:sourceCount ?sources ; ekg:source ?a .
        OPTIONAL {{ ?i ekg:victimCount ?n }}
      }}
      {type_filter}
    }} GROUP BY ?i ?type ?sources"""
    return f"SELECT * WHERE {{ {{ {query} }} {' '.join(filters)} }}"
